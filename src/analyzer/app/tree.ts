/**
 * The application analyzers of one connection (Zeek's analyzer tree below
 * the TCP or UDP session adapter), built when the connection is created in
 * Zeek's order (IPBasedAnalyzer's BuildSessionAnalyzerTree): the analyzer an
 * expected connection was scheduled for, those registered for the responder
 * port, then the PIA that matches DPD signatures and starts more. Analyzers
 * added while data is being delivered join after that delivery (Zeek's
 * new_children), so none sees a chunk twice.
 */
import type { AnalyzerComponent, ChildOptions, HttpSignatureMatcher, LineSignatureMatcher } from "./analyzer.js";
import { AnalyzerInstance, type AnalyzerOwner, type TreeServices } from "./instance.js";
import type { AnalyzerRegistry } from "./registry.js";
import type { CompiledSignature } from "./signature.js";
/** A new connection's addresses as text, asked for only when needed (the connection itself). */
export interface AddressTexts {
  origAddrText(): string;
  respAddrText(): string;
}

export abstract class AnalyzerTree implements TreeServices {
  /** The connection's top-level analyzers, in the order they were added. */
  protected readonly instances: AnalyzerInstance[] = [];
  protected finished = false;
  /**
   * While the analyzers of the connection's creation are started: the next
   * of the ids reserved for them when it was created (buildFromPorts); 0
   * otherwise, when each new analyzer takes the next id of the run.
   */
  private reservedId = 0;
  /** Analyzers disabled with `prevent` (Zeek's PreventChildren): "<parent id>/<lower-case name>", 0 for the top level; null for none. */
  private prevented: Set<string> | null = null;

  constructor(
    readonly owner: AnalyzerOwner,
    protected readonly registry: AnalyzerRegistry | null,
    private readonly udp: boolean,
  ) {}

  /** Adds an instance to the delivery list (TCP: the stream consumers; UDP: the datagram analyzers). */
  protected abstract attach(instance: AnalyzerInstance): void;
  /** Takes a removed instance off the delivery list. */
  protected abstract detachInstance(instance: AnalyzerInstance): void;

  newId(): number {
    return this.registry === null ? 0 : this.registry.newId();
  }

  /** The id of a new analyzer of `component` fed packets (or a stream), its support analyzers numbered after it. */
  private idFor(component: AnalyzerComponent, packets: boolean): number {
    const registry = this.registry;
    if (registry === null) return 0;
    const supports = registry.supportIds(component, packets);
    if (this.reservedId === 0) {
      const id = registry.newId();
      registry.reserveIds(supports);
      return id;
    }
    const id = this.reservedId;
    // Support analyzers Zeek makes in Init come after ConnSize, past the run of ids reserved for these.
    this.reservedId += 1 + (component.supportAtInit === true ? 0 : supports);
    return id;
  }

  /**
   * Adds the analyzers a new connection gets by expectation or, when none was
   * expected, by port (Zeek's BuildSessionAnalyzerTree takes only the
   * scheduled ones then), before the PIA. Each analyzer applied by
   * expectation raises scheduled_analyzer_applied (the FTP and IRC scripts
   * name the data connection's service from it). The addresses are made into
   * text only when some connection to this port is expected: most connections never need them.
   *
   * `firstId` is the connection's first analyzer id (its session adapter's)
   * when they were reserved at its creation (a TCP tree is built at the
   * first payload); without it they are reserved now. Returns that first id
   * (0 without a registry).
   */
  buildFromPorts(addrs: AddressTexts, respPort: number, now: number, firstId?: number): number {
    const registry = this.registry;
    if (registry === null) return 0;
    const expected = registry.mayExpect(respPort)
      ? registry.takeExpected(addrs.origAddrText(), addrs.respAddrText(), respPort, this.udp ? "udp" : "tcp", now)
      : [];
    const first = firstId ?? registry.reserveConnectionIds(respPort, this.udp, expected.length > 0 ? expected : undefined);
    // After the session adapter and the PIA (Zeek makes both before the port analyzers).
    this.reservedId = first + 2;
    try {
      this.startCreationAnalyzers(registry, expected, respPort);
    } finally {
      this.reservedId = 0;
    }
    return first;
  }

  /** buildFromPorts' analyzers: the expected ones, or else those of the port. */
  private startCreationAnalyzers(registry: AnalyzerRegistry, expected: readonly AnalyzerComponent[], respPort: number): void {
    if (expected.length > 0) return this.applyScheduled(expected);
    const byPort = registry.forPort(respPort, this.udp);
    if (byPort !== undefined) for (const c of byPort) this.activate(c);
  }

  /**
   * Starts the analyzers an expectation names (Zeek's
   * ApplyScheduledAnalyzers: at creation, and again when the roles flip),
   * each raising scheduled_analyzer_applied (the FTP and IRC scripts name
   * the data connection's service from it).
   */
  applyScheduled(expected: readonly AnalyzerComponent[]): void {
    const bus = this.owner.ctx.bus;
    for (const component of expected) {
      if (this.activate(component) !== null && bus.wants.scheduled_analyzer_applied) bus.queue("scheduled_analyzer_applied", this.owner.val(), component.name);
    }
  }

  lateMatch(name: string): void {
    const bus = this.owner.ctx.bus;
    // The event names the analyzer by its tag ("HTTP"), as the signature's `enable "http"` resolves to.
    if (bus.wants.protocol_late_match) bus.queue("protocol_late_match", this.owner.val(), this.registry?.find(name)?.name ?? name.toUpperCase());
  }

  /** True when an active top-level analyzer is named `name` (case-insensitive). */
  has(name: string): boolean {
    // Asked at every activation (each port analyzer, each signature's enable): no lower-cased copies.
    for (const i of this.instances) if (i.active && sameNameIgnoringCase(i.name, name)) return true;
    return false;
  }

  /** Starts `component` on this connection unless it is there already; the instance, or null. */
  activate(component: AnalyzerComponent): AnalyzerInstance | null {
    if (this.finished || this.owner.removed || this.has(component.name) || this.isPrevented(0, component.name)) return null;
    if ((this.udp ? component.datagram : component.stream) === undefined) return null;
    if (this.registry !== null && !this.registry.enabled(component)) return null;
    const instance = new AnalyzerInstance(this, component, null, this.idFor(component, this.udp));
    if (!instance.start(this.udp)) return null;
    this.instances.push(instance);
    this.attach(instance);
    return instance;
  }

  /**
   * A signature's `enable`: starts the analyzer by Zeek name (null when
   * unknown or already there). Its script need not be loaded: Zeek's
   * signatures start any analyzer, a DPD signature's (its dpd.sig loaded
   * alone under -b) as a user signature's.
   */
  activateByName(name: string): AnalyzerInstance | null {
    const registry = this.registry;
    const component = registry?.find(name);
    if (registry == null || component === undefined) return null;
    return this.activate(component);
  }

  child(parent: AnalyzerInstance, name: string, options?: ChildOptions): AnalyzerInstance | null {
    const component = this.registry?.find(name);
    if (component === undefined || this.finished || !this.registry!.enabled(component) || this.isPrevented(parent.id, name)) return null;
    if (options?.multiple !== true && parent.findChild(name, true) !== undefined) return null;
    const packets = options?.stream === true ? false : this.udp || options?.packets === true;
    if ((packets ? component.datagram : component.stream) === undefined) return null;
    const detached = options?.detached ?? component.detached ?? false;
    const instance = new AnalyzerInstance(this, component, parent, this.idFor(component, packets), options?.key ?? 0, detached);
    return instance.start(packets) ? instance : null;
  }

  /** The loaded DPD signatures for streams (null on UDP or when none are loaded): a detection child matches them. */
  streamSignatures(): readonly CompiledSignature[] | null {
    return this.udp ? null : (this.registry?.signaturesFor(false) ?? null);
  }

  httpSignatures(): HttpSignatureMatcher | null {
    return this.registry?.streamTap?.httpMatcher(this.owner) ?? null;
  }

  lineSignatures(type: "ftp" | "finger"): LineSignatureMatcher | null {
    return this.registry?.streamTap?.lineMatcher(this.owner, type) ?? null;
  }

  expect(orig: string | null, resp: string, respPort: number, proto: "tcp" | "udp", name: string, until: number): void {
    this.registry?.expect(orig, resp, respPort, proto, name, until, this.owner.ctx.clock.now);
  }

  removed(instance: AnalyzerInstance): void {
    if (instance.parent !== null) return;
    const at = this.instances.indexOf(instance);
    if (at >= 0) this.instances.splice(at, 1);
    this.detachInstance(instance);
  }

  /** The instance with id `aid` (top-level or a child), if still active. */
  find(aid: number): AnalyzerInstance | undefined {
    for (const i of this.instances) {
      const found = i.findById(aid);
      if (found?.active) return found;
    }
    return undefined;
  }

  /** The id of the active analyzer named `name` (Zeek's lookup_connection_analyzer_id), 0 when none. */
  lookup(name: string): number {
    const lower = name.toLowerCase();
    for (const i of this.instances) {
      if (!i.active) continue;
      if (i.name.toLowerCase() === lower) return i.id;
      const child = i.findChild(name);
      if (child !== undefined) return child.id;
    }
    return 0;
  }

  /** The analyzer object of the active instance named `name` (Zeek's FindAnalyzer), null when none. */
  analyzerNamed(name: string): unknown {
    const aid = this.lookup(name);
    return aid === 0 ? null : this.analyzerWithId(aid);
  }

  /** The analyzer object of the active instance `aid` (Zeek's FindAnalyzer by id), null when none. */
  analyzerWithId(aid: number): unknown {
    return this.find(aid)?.implementation ?? null;
  }

  /**
   * Zeek's disable_analyzer: removes the instance `aid`; false when it is not
   * (or no longer) there, or when `allow` (Analyzer::disabling_analyzer's
   * handlers, given the analyzer's name) says no.
   */
  disable(aid: number, allow?: (name: string) => boolean, prevent = false): boolean {
    const instance = this.find(aid);
    if (instance === undefined) return false;
    if (allow !== undefined && !allow(instance.name)) return false;
    // disable_analyzer's `prevent`: its parent takes no analyzer of that name again (a DPD match would restart it).
    if (prevent) (this.prevented ??= new Set()).add(preventKey(instance.parent?.id ?? 0, instance.name));
    instance.remove();
    return true;
  }

  private isPrevented(parentId: number, name: string): boolean {
    return this.prevented?.has(preventKey(parentId, name)) === true;
  }

  /** The connection goes away: every analyzer's `done`, once. */
  doneAll(): void {
    if (this.finished) return;
    this.finished = true;
    const list = this.instances.splice(0);
    for (const i of list) i.done();
  }
}

function preventKey(parentId: number, name: string): string {
  return `${parentId}/${name.toLowerCase()}`;
}

/** Whether two analyzer names are equal ignoring ASCII case (Zeek's names are ASCII). */
function sameNameIgnoringCase(a: string, b: string): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) {
    const x = a.charCodeAt(k);
    const y = b.charCodeAt(k);
    if (x !== y && (x | 0x20) !== (y | 0x20)) return false;
    // Only letters fold: '@' (0x40) and '`' (0x60) differ by the same bit.
    if (x !== y && ((x | 0x20) < 0x61 || (x | 0x20) > 0x7a)) return false;
  }
  return true;
}
