/**
 * What a policy script needs from its host: event registration. Both the
 * Engine and a bare EventBus provide it, so scripts can be tested without an
 * engine and use nothing but the public event API.
 */

import type { HandlerOptions } from "../event/bus.js";
import type { EventMap, EventName, Handler } from "../event/events.js";
import type { HookMap, HookName } from "../event/hooks.js";
import type { Connection, Transport } from "../event/records.js";
import { limitAddl } from "../event/weirds.js";
import type { FileManager } from "../files/manager.js";
import type { NetFilter } from "../ip/net-filter.js";
import type { EngineSettings } from "../options.js";
import type { ThresholdKind } from "../session/connection.js";
import type { EngineStats } from "../session/stats.js";
import type { SignatureSource } from "../signatures/index.js";
import type { TableHasher } from "../zeek-table/hash.js";

export interface ScriptHost {
  on<E extends EventName>(name: E, handler: Handler<E>, options?: HandlerOptions): unknown;
}

/**
 * What the analyzer framework's scripts need beyond events (the Engine
 * provides it): network time, raising events (Zeek's `event` statement),
 * disable_analyzer and lookup_connection_analyzer_id, and the settings.
 */
export interface AnalyzerScriptHost extends ScriptHost {
  readonly clock: { readonly now: number };
  /** Zeek's network_time(): 0 until the first packet (or a live lull) sets it (Engine.networkTime). */
  readonly networkTime: number;
  readonly settings: EngineSettings;
  /** The seeded hashes of script tables' keys, for tables Zeek's scripts iterate to write logs (ZeekTable). */
  readonly tableHash: TableHasher;
  raise<E extends EventName>(name: E, ...args: EventMap[E]): void;
  disableAnalyzer(c: Connection, aid: number): boolean;
  /** Zeek's Analyzer::disabling_analyzer hook (Engine.onDisablingAnalyzer): runs before disableAnalyzer removes an analyzer; false keeps it. */
  onDisablingAnalyzer?(hook: (c: Connection, name: string, aid: number) => boolean | undefined, priority?: number): void;
  /** Zeek's `hook NAME(args)` of a script hook (Engine.runHook): true unless a handler broke. */
  runHook?<H extends HookName>(name: H, ...args: HookMap[H]): boolean;
  /** Reporter::conn_weird and friends (the Engine's Weirds). */
  /** Zeek's Reporter::conn_weird: a weird about connection `c`, through the weird policy. */
  connWeird(name: string, c: Connection, addl?: string, source?: string): void;
  /** Zeek's Reporter::limit_reached_weird (Engine.limitReachedWeird): the weird, its addl `limit` or "limit > max", and 'X' in the connection's history. */
  limitReachedWeird?(name: string, c: Connection, limit: number, max?: number, source?: string): void;
  /** Zeek's reporter->Weird without a connection (net_weird), e.g. the logging manager's. */
  netWeird?(name: string, addl?: string, source?: string): void;
  lookupAnalyzer(c: Connection, name: string): number;
  /** Zeek's FindAnalyzer, for bifs acting on an analyzer (set_secret): its object, null when none (Engine.connectionAnalyzer). */
  connectionAnalyzer?(c: Connection, name: string): unknown;
  /** The same by the analyzer's id (Engine.connectionAnalyzerById): WebSocket::__configure_analyzer's `aid`. */
  connectionAnalyzerById?(c: Connection, aid: number): unknown;
  /** Zeek's `port in Analyzer::registered_ports(tag)`: analyzer `name` is registered for responder `port` of `transport` (Engine.registeredPort). */
  registeredPort?(name: string, port: number, transport: Transport): boolean;
  /**
   * Zeek's Analyzer::schedule_analyzer: a connection from `orig` ("0.0.0.0"
   * or "::": any) to `resp`:`respPort`/`proto` that starts within `timeout`
   * seconds gets analyzer `name` (FTP data channels, IRC DCC).
   */
  scheduleAnalyzer(orig: string, resp: string, respPort: number, proto: "tcp" | "udp", name: string, timeout: number): void;
  /**
   * A script-level timer (Zeek's table expiration checks, `schedule`): `fn`
   * runs with the network time once a packet brings network time to `at` or
   * later, before that packet is analysed. It is in the connections' timer
   * heap, as Zeek's are in its one timer manager: timers due at one packet
   * fire in time order whoever owns them, and those due at the same instant
   * in the heap's order. Timers still pending at the end of input do not run
   * (Zeek expires table timers without dispatching them).
   */
  schedule(at: number, fn: (now: number) => void): void;
  /**
   * A `schedule` statement's event: once network time reaches `at`, the call
   * `fn(now)` is queued as an event (it runs in the drain after the packet
   * that brought the time, before that packet's events). Still pending at
   * the end of input, it runs then, in the timer heap's order, after net_done
   * and before the remaining connections are flushed and zeek_done (Zeek
   * expires every timer then, and a ScheduleTimer dispatches its event).
   * Ignored once the end of input began (Zeek's schedule does nothing while
   * terminating).
   */
  scheduleEvent(at: number, fn: (now: number) => void): void;
  /**
   * Zeek's `event` statement for a script's own event, one no handler can
   * register for (SumStats' process_epoch_result): `fn(now)` runs in the
   * current drain, after the events queued before it.
   */
  queueEvent(fn: (now: number) => void): void;
  /**
   * The end of input waits for `work` before zeek_done (a `when` statement's
   * DNS lookup: its body still runs, queued with queueEvent when the answer
   * comes). Without it (a bare host), nothing waits.
   */
  holdUntil?(work: Promise<unknown>): void;
  /** zeek_init was raised (Engine.initialized); absent: a host without a start (taken as started). */
  readonly initialized?: boolean;
  /** The engine's totals behind Zeek's get_*_stats functions (policy/misc/stats, capture-loss). */
  stats(): EngineStats;
  /** Zeek's set_current_conn_bytes_threshold and friends (Engine.setConnThreshold). */
  setConnThreshold(c: Connection, kind: ThresholdKind, threshold: number, isOrig?: boolean): boolean;
  /** Zeek's packet filter of install_src_net_filter and friends (Engine.netFilter). */
  netFilter?(): NetFilter;
  /** Zeek's skip_further_processing (Engine.skipFurtherProcessing). */
  skipFurtherProcessing(c: Connection): boolean;
  /** Zeek's @load-sigs: a policy script's own signatures, loaded with the user's (Engine.loadSignatures). */
  loadSignatures?(...sources: SignatureSource[]): unknown;
  /** Zeek's get_current_packet()$data: the captured bytes of the packet being processed, link layer included (Engine.currentPacketData). */
  currentPacketData?(): Uint8Array | null;
  /** The files framework's manager, made on first use: files that come from no connection (Input::add_analysis) go to it (Engine.fileManager). */
  fileManager?(): FileManager;
}

/**
 * Zeek's Reporter::limit_reached_weird from a script: the host's (the weird,
 * and 'X' in the connection's history); on a host that keeps no histories
 * (a bare event bus), the weird alone.
 */
export function reportLimitReached(host: AnalyzerScriptHost, name: string, c: Connection, limit: number, max: number, source: string): void {
  if (host.limitReachedWeird !== undefined) host.limitReachedWeird(name, c, limit, max, source);
  else host.connWeird(name, c, limitAddl(limit, max), source);
}
