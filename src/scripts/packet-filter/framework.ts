/**
 * Zeek's packet-filter framework (base/frameworks/packet-filter/main): the
 * capture filter as scripts build it — the command line's -f, or the
 * capture_filters joined by "or", the restrict_filters and the dynamic
 * excludes joined by "and", unrestricted_filter and restricted_filter around
 * them — compiled by bronze's own filter compiler (src/filter/), applied to
 * the packets that follow, and audited in packet_filter.log.
 *
 * The run's cost: when the filter is Zeek's pass-everything default, or the
 * -f the engine already applies, nothing is handed to the engine, so a run
 * where no script changes the filter pays nothing per packet.
 */

import type { PacketSourceRecord } from "../../event/records.js";
import { compileFilter, type PacketFilter } from "../../filter/compile.js";
import { linkTypeFilteringMissing } from "../../filter/link-layout.js";
import type { LogManager } from "../../log/manager.js";
import { fields, type LogField } from "../../log/schema.js";
import type { LogWriter } from "../../log/writer.js";
import { ZeekTable, zeekSetOrder } from "../../zeek-table/table.js";
import { networkTime } from "../capture-loss.js";
import type { AnalyzerScriptHost } from "../host.js";
import type { NoticeLog } from "../notice.js";
import type { PacketFilterShunt } from "./shunt.js";
import { combineFilters, portToBpf } from "./utils.js";

export const PACKET_FILTER_SCRIPT = "base/frameworks/packet-filter";

export const PACKET_FILTER_FIELDS: readonly LogField[] = fields(
  ["ts", "time"],
  ["node", "string"],
  ["filter", "string"],
  ["init", "bool"],
  ["success", "bool"],
  ["failure_reason", "string"],
);

/** Zeek's peer_description on a standalone node. */
const NODE = "zeek";

/** The expression that passes every packet (Zeek's default_capture_filter): the engine needs no predicate for it. */
const PASS_ALL = "ip or not ip";

/** current_filter before the first install (Zeek's initial value: never equal to a built filter). */
const NOT_SET = "<not set yet>";

/** How often Zeek's filter_change_tracking looks whether a shunt changed the filter. */
const CHANGE_TRACKING_INTERVAL = 300;

/** Zeek's zeek_init priority of the install at start-up: after the scripts' default-priority handlers added their excludes. */
const INSTALL_PRIORITY = -6;

/** A filter plugin (Zeek's PacketFilter::FilterPlugin): `func` runs at each build, before the filter is put together; it may call exclude. */
export interface FilterPlugin {
  readonly func: () => void;
}

/** What the framework needs beside the engine. */
export interface PacketFilterDeps {
  readonly logs: LogManager;
  /** Compile_Failure, Too_Long_To_Compile_Filter. */
  readonly notices: NoticeLog;
  /** Reporter::warning: a filter that does not compile once packets flow (the old one stays). */
  readonly warning: (message: string) => void;
  /** Reporter::fatal: a filter that does not compile at start-up. Default: throws a PacketFilterError. */
  readonly fatal?: (message: string) => void;
  /** Zeek's current_time(), in seconds (packet_filter.log's ts at start-up). Default: the wall clock. */
  readonly wallClock?: () => number;
}

/** A filter that stops the run: Zeek's Reporter::fatal of the framework ("Bad pcap filter '…': …"). */
export class PacketFilterError extends Error {
  override name = "PacketFilterError";
  constructor(readonly reason: string) {
    super(`fatal error: ${reason}`);
  }
}

/** The compiled filter, or why it does not compile (the first line of the compiler's message). */
type Compiled = { ok: true; filter: PacketFilter } | { ok: false; reason: string };

function tryCompile(expression: string): Compiled {
  try {
    return { ok: true, filter: compileFilter(expression) };
  } catch (error) {
    return { ok: false, reason: (error instanceof Error ? error.message : String(error)).split("\n")[0]! };
  }
}

/** The engine's side: the -f text and where a new filter goes (Engine.cmdLineBpfFilter and setFilter). */
interface FilterHost extends AnalyzerScriptHost {
  readonly cmdLineBpfFilter?: string;
  setFilter?(filter: PacketFilter | null): void;
  analyzerPorts?(): ReadonlyArray<{ readonly tcp: readonly number[]; readonly udp: readonly number[] }>;
  /** The packet source (its link type: the filter is compiled for it), null before the run. */
  packetSource?(): PacketSourceRecord | null;
}

export class PacketFilterFramework {
  /** Zeek's dynamic_restrict_filters, in Zeek's table order (the filter text depends on it). */
  private readonly dynamic: ZeekTable<string, string>;
  private readonly plugins: FilterPlugin[] = [];
  private readonly log: LogWriter;
  /** A build is running: install() called from a plugin (through exclude) does nothing, the build picks the change up. */
  private building = false;
  /** The text whose predicate the engine applies now (the -f it was given, or the pass-everything default). */
  private applied: string;
  /** Zeek's current_filter. */
  private current = NOT_SET;
  /** Zeek's filter_changed: a shunt changed what the next build gives; filter_change_tracking installs it. */
  filterChanged = false;
  /** policy/frameworks/packet-filter/shunt's functions, when it is loaded (null otherwise). */
  shunt: PacketFilterShunt | null = null;

  constructor(
    private readonly host: FilterHost,
    private readonly deps: PacketFilterDeps,
  ) {
    this.dynamic = new ZeekTable<string, string>(host.tableHash.string);
    this.log = deps.logs.open({ path: "packet_filter", fields: PACKET_FILTER_FIELDS });
    this.applied = this.cmdLine() !== "" ? this.cmdLine() : PASS_ALL;
    this.checkSettings();
    host.on(
      "zeek_init",
      () => {
        this.install();
        this.trackChanges();
      },
      { priority: INSTALL_PRIORITY },
    );
  }

  /** Zeek's PacketFilter::current_filter: the filter installed last ("<not set yet>" before start-up). */
  get currentFilter(): string {
    return this.current;
  }

  /** Zeek's PacketFilter::register_filter_plugin. */
  registerFilterPlugin(plugin: FilterPlugin): void {
    if (!this.plugins.includes(plugin)) this.plugins.push(plugin);
  }

  /** Zeek's PacketFilter::exclude: packets matching `filter` are filtered out from now on; false when it does not compile. */
  exclude(filterId: string, filter: string): boolean {
    if (!tryCompile(filter).ok) return false;
    this.dynamic.set(filterId, filter);
    this.install();
    return true;
  }

  /** Zeek's PacketFilter::exclude_for: exclude for `span` seconds, then remove_exclude. */
  excludeFor(filterId: string, filter: string, span: number): boolean {
    if (!this.exclude(filterId, filter)) return false;
    this.host.scheduleEvent(networkTime(this.host) + span, () => this.removeExclude(filterId));
    return true;
  }

  /** Zeek's PacketFilter::remove_exclude: false when no exclude of that name is in place. */
  removeExclude(filterId: string): boolean {
    if (!this.dynamic.delete(filterId)) return false;
    this.install();
    return true;
  }

  /** The filter the settings, plugins and excludes give now (Zeek's build()). */
  build(): string {
    const cmdLine = this.cmdLine();
    if (cmdLine !== "") return cmdLine;
    this.building = true;
    try {
      for (const plugin of [...this.plugins]) plugin.func();
      return this.combine();
    } finally {
      this.building = false;
    }
  }

  /**
   * Zeek's PacketFilter::install: builds the filter and, when it changed,
   * compiles it, applies it and writes packet_filter.log's row. False when
   * nothing changed (or a build is running).
   */
  install(): boolean {
    if (this.building) return false;
    const text = this.build();
    if (text === this.current) return false;
    const started = performance.now();
    const missing = linkTypeFilteringMissing(this.host.packetSource?.()?.link_type ?? -1);
    if (missing !== null) return this.installFailed(text, missing);
    const compiled = tryCompile(text);
    // A fatal error ends the run (Zeek's Reporter::fatal does not return): no row, nothing installed.
    if (!compiled.ok && this.compileFailed(text, compiled.reason)) return false;
    const seconds = (performance.now() - started) / 1000;
    if (seconds > this.host.settings["PacketFilter::max_filter_compile_time"]) {
      this.deps.notices.notice({
        note: "PacketFilter::Too_Long_To_Compile_Filter",
        msg: `A BPF filter is taking longer than ${seconds.toFixed(1)} seconds to compile`,
      });
    }
    // As Zeek: current_filter and the log take the new text even when it did not compile, while the
    // previous compiled filter stays installed (a failed precompile leaves the filter id's old code).
    this.current = text;
    this.writeRow(text);
    if (compiled.ok) this.apply(text, compiled.filter);
    this.filterChanged = false;
    return true;
  }

  /**
   * A link type libpcap cannot filter: Zeek's precompile fails with a
   * warning (reported), current_filter takes the text all the same, and the
   * install fails: packet_filter.log's row says why, an Install_Failure
   * notice, and every packet still goes through.
   */
  private installFailed(text: string, reason: string): boolean {
    this.deps.warning(`Warning while compiling pcap filter '${text}': ${reason}`);
    this.current = text;
    // Its ts is network_time(): 0.0 at start-up (bronze's clock holds 1.0 before the first packet).
    const ts = networkTime(this.host);
    this.deps.notices.notice({ ts, note: "PacketFilter::Install_Failure", msg: "Installing packet filter failed", sub: text });
    this.writeRow(text, reason);
    this.filterChanged = false;
    return true;
  }

  /** Zeek's test_filter: whether `filter` compiles. */
  testFilter(filter: string): boolean {
    return tryCompile(filter).ok;
  }

  private cmdLine(): string {
    return this.host.cmdLineBpfFilter ?? "";
  }

  /** Capture filters or'ed, restrictions and excludes and'ed, then the unrestricted and restricted filters around. */
  private combine(): string {
    const s = this.host.settings;
    const auto = s["PacketFilter::enable_auto_protocol_capture_filters"];
    let capture = s.capture_filters.size === 0 && !auto ? s["PacketFilter::default_capture_filter"] : "";
    for (const cf of inZeekOrder(this.host, s.capture_filters)) capture = combineFilters(capture, "or", cf);
    if (auto) capture = combineFilters(capture, "or", this.analyzerBpf());
    let restrict = "";
    for (const rf of inZeekOrder(this.host, s.restrict_filters)) restrict = combineFilters(restrict, "and", rf);
    for (const drf of this.dynamic.values()) restrict = combineFilters(restrict, "and", `not (${drf})`);
    let filter = combineFilters(capture, "and", restrict);
    if (s["PacketFilter::unrestricted_filter"] !== "") filter = combineFilters(s["PacketFilter::unrestricted_filter"], "or", filter);
    if (s["PacketFilter::restricted_filter"] !== "") filter = combineFilters(s["PacketFilter::restricted_filter"], "and", filter);
    return filter;
  }

  /** Zeek's Analyzer::get_bpf: the registered analyzers' ports, each as "tcp and port N", or'ed (in registration order, not Zeek's table order). */
  private analyzerBpf(): string {
    let out = "";
    for (const a of this.host.analyzerPorts?.() ?? []) {
      for (const p of a.tcp) out = combineFilters(out, "or", portToBpf(p, "tcp"));
      for (const p of a.udp) out = combineFilters(out, "or", portToBpf(p, "udp"));
    }
    return out;
  }

  /** Compile_Failure, then Zeek's Reporter::fatal at start-up (network time 0: true) or a warning later (false). */
  private compileFailed(text: string, reason: string): boolean {
    this.deps.notices.notice({ note: "PacketFilter::Compile_Failure", msg: "Compiling packet filter failed", sub: text });
    const message = `Bad pcap filter '${text}': ${reason}`;
    if (networkTime(this.host) !== 0) {
      this.deps.warning(message);
      return false;
    }
    if (this.deps.fatal === undefined) throw new PacketFilterError(message);
    this.deps.fatal(message);
    return true;
  }

  /** packet_filter.log's row of an install: successful, or failed for `failure`. */
  private writeRow(text: string, failure?: string): void {
    const now = networkTime(this.host);
    // At start-up network time is 0: Zeek stamps the row with the wall clock and marks it init.
    const init = now === 0;
    const ts = init ? (this.deps.wallClock?.() ?? wallClock()) : now;
    this.log.write([ts, NODE, text, init, failure === undefined, failure]);
  }

  /** Hands the engine the new filter, unless it already applies that text (no predicate for the pass-everything default). */
  private apply(text: string, compiled: PacketFilter): void {
    if (text === this.applied) return;
    this.applied = text;
    this.host.setFilter?.(text === PASS_ALL ? null : compiled);
  }

  /** Zeek's filter_change_tracking: every 5 minutes of network time, installs the filter when a shunt changed it. */
  private trackChanges(): void {
    const tick = (): void => {
      if (this.filterChanged) this.install();
      this.host.scheduleEvent(networkTime(this.host) + CHANGE_TRACKING_INTERVAL, tick);
    };
    this.host.queueEvent(tick);
  }

  /**
   * Zeek's zeek_init checks of the filters the settings give, made when the
   * framework loads, before any packet or log: a capture or restrict filter
   * that does not compile names itself; then the filter they build together.
   */
  private checkSettings(): void {
    const s = this.host.settings;
    for (const [id, cf] of s.capture_filters) if (!this.testFilter(cf)) throw new PacketFilterError(`Invalid capture_filter named '${id}' - '${cf}'`);
    for (const [id, rf] of s.restrict_filters) if (!this.testFilter(rf)) throw new PacketFilterError(`Invalid restrict filter named '${id}' - '${rf}'`);
    const text = this.build();
    const compiled = tryCompile(text);
    if (!compiled.ok) throw new PacketFilterError(`Bad pcap filter '${text}': ${compiled.reason}`);
  }
}

/** Zeek's current_time(): the wall clock in seconds, to the microsecond (Date.now() has milliseconds only). */
function wallClock(): number {
  return (performance.timeOrigin + performance.now()) / 1000;
}

/** A table setting's values in the order Zeek's `for` visits them (its keys' seeded hashes). */
function inZeekOrder(host: AnalyzerScriptHost, table: ReadonlyMap<string, string>): string[] {
  if (table.size <= 1) return [...table.values()];
  return zeekSetOrder(host.tableHash.string, table.keys()).map((k) => table.get(k)!);
}

const frameworks = new WeakMap<AnalyzerScriptHost, PacketFilterFramework>();

/** The packet-filter framework of `host`, made on first use (one per engine). */
export function packetFilterFramework(host: AnalyzerScriptHost, deps: PacketFilterDeps): PacketFilterFramework {
  let pf = frameworks.get(host);
  if (pf === undefined) frameworks.set(host, (pf = new PacketFilterFramework(host, deps)));
  return pf;
}

/** The packet-filter framework of `host` if it was made. */
export function loadedPacketFilter(host: AnalyzerScriptHost): PacketFilterFramework | undefined {
  return frameworks.get(host);
}
