/**
 * One analyzer attached to one connection: the host it talks to (events,
 * confirmation, violations, weirds, children) and the guard around it (an
 * analyzer that throws is reported as a violation and removed; the engine
 * carries on).
 */
import type { EventBus } from "../../event/bus.js";
import type { EventMap, EventName } from "../../event/events.js";
import type { Connection } from "../../event/records.js";
import { type Clock, limitAddl, type Weirds } from "../../event/weirds.js";

import { type FileServices, fileManagerFor } from "../../files/manager.js";
import { type AnalyzerFiles, ConnFiles } from "../../files/source.js";
import type { EngineSettings } from "../../options.js";
import { latin1 } from "../../packet/bytes.js";
import type {
  AnalyzerComponent,
  AnalyzerHost,
  ChildOptions,
  ChildStream,
  DatagramAnalyzer,
  HttpSignatureMatcher,
  LineSignatureMatcher,
  StreamAnalyzer,
} from "./analyzer.js";
import { DetectionStream } from "./detection.js";
import type { CompiledSignature } from "./signature.js";

/** What a connection offers the analyzers attached to it (TCP and UDP connections implement it). */
export interface AnalyzerOwner {
  val(): Connection;
  weird(name: string, addl?: string, source?: string): void;
  checkHistory(bit: number, letter: string): boolean;
  readonly isPartial: boolean;
  /** TCP: whether a side's endpoint is or was CLOSED (see AnalyzerHost.sideClosed). */
  sideClosed?(isOrig: boolean): boolean;
  /** TCP: a side's endpoint state and the one before it (see AnalyzerHost.tcpState). */
  tcpState?(isOrig: boolean): readonly [state: number, prevState: number];
  /** TCP: the connection is partial or had a content gap, so its analyzers' violations are not reported (see violation). */
  incomplete?(): boolean;
  readonly origPort: number;
  readonly respPort: number;
  readonly removed: boolean;
  readonly ctx: {
    readonly bus: EventBus;
    readonly settings: EngineSettings;
    readonly clock: Clock;
    readonly weirds: Weirds;
    warning(message: string): void;
  } & FileServices;
  /** The last stream consumer left: payload need not be kept any more (TCP). */
  streamsIdle?(): void;
  /** A consumer of whole streams (analyzer, contents file) joined: every out-of-order byte must be kept (TCP). */
  streamsWhole?(): void;
  /** DPD started an analyzer: TCP reassembly counts as on from now (see TcpConn.reassemblyOn). */
  reassemblyOn?(): void;
}

/** What the tree of a connection does for its analyzers. */
export interface TreeServices {
  readonly owner: AnalyzerOwner;
  /** The next analyzer id of the run (an analyzer Zeek makes that bronze has no instance for). */
  newId(): number;
  /** A child analyzer instance by Zeek name, or null (unknown, disabled, or one already there unless `options.multiple`). */
  child(parent: AnalyzerInstance, name: string, options?: ChildOptions): AnalyzerInstance | null;
  /** The loaded DPD signatures for streams (null on UDP or when none are loaded). */
  streamSignatures(): readonly CompiledSignature[] | null;
  /** The user signatures' http-* patterns of the connection (null unless some signature has one). */
  httpSignatures(): HttpSignatureMatcher | null;
  lineSignatures(type: "ftp" | "finger"): LineSignatureMatcher | null;
  expect(orig: string | null, resp: string, respPort: number, proto: "tcp" | "udp", name: string, until: number): void;
  /** The instance stopped taking data (removed or failed): the tree forgets it. */
  removed(instance: AnalyzerInstance): void;
  /** protocol_late_match for the analyzer a signature named (its tag, as Zeek gives it). */
  lateMatch(name: string): void;
}

/** The 'X' history letter's "once" bit (Zeek's HIST_ANALYZER_LIMIT_REACHED). */
export const HIST_ANALYZER_LIMIT = 0x40000000;

export class AnalyzerInstance implements AnalyzerHost, ChildStream {
  readonly name: string;
  active = true;
  /** Disabled, its `done` still to come (Zeek's `removing`): see remove. */
  private removing = false;
  confirmed = false;
  private violations = 0;
  private stream: StreamAnalyzer | null = null;
  private datagram: DatagramAnalyzer | null = null;
  private children: AnalyzerInstance[] | null = null;
  private finished = false;
  /** The connection and its event bus, fixed for the instance's life: read on every event it raises. */
  private readonly owner: AnalyzerOwner;
  private readonly bus: EventBus;

  constructor(
    private readonly tree: TreeServices,
    readonly component: AnalyzerComponent,
    readonly parent: AnalyzerInstance | null,
    /** Its analyzer id (Zeek's aid), given by the tree. */
    readonly id: number,
    readonly childKey = 0,
    /** Not found by lookup/disable (ChildOptions.detached). */
    readonly detached = false,
  ) {
    this.name = component.name;
    this.owner = tree.owner;
    this.bus = tree.owner.ctx.bus;
  }

  /** Builds the stream (TCP) or datagram (UDP) analyzer; false when the factory threw (reported). */
  start(udp: boolean): boolean {
    try {
      if (udp) this.datagram = this.component.datagram!(this);
      else this.stream = this.component.stream!(this);
      return true;
    } catch (err) {
      this.failed(err);
      return false;
    }
  }

  /** The analyzer object itself (a script's bif reaches it: Zeek's FindAnalyzer and a cast). */
  get implementation(): StreamAnalyzer | DatagramAnalyzer | null {
    return this.stream ?? this.datagram;
  }

  private filesBinding: AnalyzerFiles | null = null;

  /** The files framework bound to this instance (made on first use). */
  get files(): AnalyzerFiles {
    if (this.filesBinding === null) {
      const ctx = this.owner.ctx;
      this.filesBinding = new ConnFiles(fileManagerFor(ctx.bus, ctx.clock, ctx), this.name, this);
    }
    return this.filesBinding;
  }

  drainEvents(): void {
    this.bus.drain();
  }

  get settings(): EngineSettings {
    return this.owner.ctx.settings;
  }

  // ---------------------------------------------------------------- data in (guarded)

  deliverStream(isOrig: boolean, seq: number, data: Uint8Array): void {
    if (!this.active) return this.settleRemoval();
    if (this.stream === null) {
      // A datagram child on a stream (ChildOptions.packets): each call is one packet.
      if (this.datagram !== null) this.deliverPacket(isOrig, data);
      return;
    }
    try {
      this.stream.deliverStream(isOrig, seq, data);
    } catch (err) {
      this.failed(err);
    }
  }

  undelivered(isOrig: boolean, seq: number, len: number): void {
    if (!this.active) return this.settleRemoval();
    if (this.stream === null) return;
    try {
      this.stream.undelivered(isOrig, seq, len);
    } catch (err) {
      this.failed(err);
    }
  }

  endOfData(isOrig: boolean): void {
    if (!this.active) return this.settleRemoval();
    if (this.stream === null) return;
    try {
      this.stream.endOfData(isOrig);
    } catch (err) {
      this.failed(err);
    }
  }

  packetWithRst(): void {
    if (!this.active || this.stream?.packetWithRst === undefined) return;
    try {
      this.stream.packetWithRst();
    } catch (err) {
      this.failed(err);
    }
  }

  deliverPacket(isOrig: boolean, data: Uint8Array): void {
    if (!this.active) return this.settleRemoval();
    if (this.datagram === null) return;
    try {
      this.datagram.deliverPacket(isOrig, data);
    } catch (err) {
      this.failed(err);
    }
  }

  /** Flushes and releases the analyzer and its children; once. */
  done(): void {
    if (this.finished) return;
    this.finished = true;
    this.active = false;
    const children = this.children;
    this.children = null;
    if (children !== null) for (const c of children) c.done();
    try {
      if (this.stream !== null) this.stream.done();
      else if (this.datagram !== null) this.datagram.done();
    } catch (err) {
      this.owner.weird("analyzer_error", `${this.name}: ${errorText(err)}`, this.name);
    }
  }

  /** An exception out of the analyzer: a violation (as Zeek turns a parser exception into one), then removed. */
  private failed(err: unknown): void {
    this.violation(`${this.name} analyzer error: ${errorText(err)}`);
    this.remove();
  }

  // ---------------------------------------------------------------- the host

  conn(): Connection {
    return this.owner.val();
  }

  now(): number {
    return this.owner.ctx.clock.now;
  }

  wants(event: EventName): boolean {
    return this.bus.has(event);
  }

  get handled(): { readonly [E in EventName]: boolean } {
    return this.bus.wants;
  }

  /** protocol_late_match for an analyzer a signature enabled under this one after the child PIA's buffer was full. */
  lateMatch(name: string): void {
    this.tree.lateMatch(name);
  }

  raise<E extends EventName>(event: E, ...args: EventMap[E]): void {
    const bus = this.bus;
    // The rest array is the event's argument list: queued as it is, not spread into another.
    if (bus.has(event)) bus.queueArgs(event, args);
  }

  confirm(): void {
    if (this.confirmed) return;
    this.confirmed = true;
    const bus = this.bus;
    if (bus.wants.analyzer_confirmation_info) bus.queue("analyzer_confirmation_info", this.name, { c: this.conn(), aid: this.id });
  }

  violation(reason: string, data?: Uint8Array | string): void {
    // Zeek's TCP application analyzers filter out violations on incomplete
    // connections (parsing them is too unreliable): not counted, no event, so
    // the DPD script does not disable the analyzer either.
    if (this.component.reportsIncomplete !== true && this.owner.incomplete?.() === true) return;
    this.violations++;
    // Zeek's max_analyzer_violations: past it, one weird and nothing more.
    const max = this.settings.max_analyzer_violations;
    if (this.violations > max) {
      if (this.violations === max + 1) this.weird("too_many_analyzer_violations");
      return;
    }
    const bus = this.bus;
    if (!bus.wants.analyzer_violation_info) return;
    const info: { reason: string; c: Connection; aid: number; data?: string } = { reason, c: this.conn(), aid: this.id };
    if (data !== undefined && data.length > 0) info.data = typeof data === "string" ? data : latin1(data);
    bus.queue("analyzer_violation_info", this.name, info);
  }

  weird(name: string, addl = "", source = this.name): void {
    this.owner.weird(name, addl, source);
  }

  netWeird(name: string, addl = ""): void {
    this.owner.ctx.weirds.net(name, addl, "");
  }

  warning(message: string): void {
    this.owner.ctx.warning(message);
  }

  limitReached(name: string, limit?: number, max = 0, source = this.name): void {
    this.weird(name, limit === undefined ? "" : limitAddl(limit, max), source);
    this.owner.checkHistory(HIST_ANALYZER_LIMIT, "X");
  }

  isPartial(): boolean {
    return this.owner.isPartial;
  }

  sideClosed(isOrig: boolean): boolean {
    return this.owner.sideClosed?.(isOrig) ?? false;
  }

  tcpState(isOrig: boolean): readonly [state: number, prevState: number] | null {
    return this.owner.tcpState?.(isOrig) ?? null;
  }

  get origPort(): number {
    return this.owner.origPort;
  }

  get respPort(): number {
    return this.owner.respPort;
  }

  addChild(name: string, options?: ChildOptions): ChildStream | null {
    return this.childInstance(name, options);
  }

  /** addChild's instance (the detection's replay needs it). */
  childInstance(name: string, options?: ChildOptions): AnalyzerInstance | null {
    if (!this.active) return null;
    const child = this.tree.child(this, name, options);
    if (child === null) return null;
    (this.children ??= []).push(child);
    return child;
  }

  httpSignatures(): HttpSignatureMatcher | null {
    return this.tree.httpSignatures();
  }

  lineSignatures(type: "ftp" | "finger"): LineSignatureMatcher | null {
    return this.tree.lineSignatures(type);
  }

  takeAnalyzerId(): number {
    return this.tree.newId();
  }

  addDetection(numbered = false): ChildStream | null {
    if (!this.active) return null;
    // Zeek makes a PIA here (a new PIA_TCP child), signatures or not: it takes an id.
    if (!numbered) this.tree.newId();
    const sigs = this.tree.streamSignatures();
    if (sigs === null) return null;
    return new DetectionStream(this, sigs, this.settings);
  }

  /** The active child named `name` (case-insensitive), if any; detached ones only when asked. */
  findChild(name: string, withDetached = false): AnalyzerInstance | undefined {
    const lower = name.toLowerCase();
    return this.children?.find((c) => c.active && (withDetached || !c.detached) && c.name.toLowerCase() === lower);
  }

  /** This instance or one of its descendants with id `aid` (not below a detached one). */
  findById(aid: number): AnalyzerInstance | undefined {
    if (this.detached) return undefined;
    if (this.id === aid) return this;
    if (this.children === null) return undefined;
    for (const c of this.children) {
      const found = c.findById(aid);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  expectConnection(orig: string | null, resp: string, respPort: number, proto: "tcp" | "udp", name: string, timeout: number): void {
    this.tree.expect(orig, resp, respPort, proto, name, this.now() + timeout);
  }

  /**
   * Disables the analyzer (a violation the DPD script acts on, or a failure).
   * As Zeek's RemoveChildAnalyzer it only marks it: it takes nothing more, and
   * its `done` (the events that end what it had under way) comes when its
   * parent next hands on data, a gap or an end of data (Zeek's DeleteChild in
   * the Forward* loops: at the connection's next payload, not the packet that
   * caused the violation), or when the connection goes away.
   */
  remove(): void {
    if (!this.active) return;
    this.active = false;
    this.removing = true;
  }

  /** The parent's next delivery reached a removed analyzer: its `done` now, then it leaves the tree. */
  private settleRemoval(): void {
    if (!this.removing) return;
    this.removing = false;
    this.done();
    if (this.parent !== null) this.parent.children = this.parent.children?.filter((c) => c !== this) ?? null;
    this.tree.removed(this);
  }
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
