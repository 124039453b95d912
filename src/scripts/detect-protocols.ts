/**
 * Zeek's policy/frameworks/analyzer/detect-protocols: a protocol that DPD
 * found on a port its analyzer is not registered for is a
 * ProtocolDetector::Protocol_Found notice, and its server, the first time
 * (or with a new sub-protocol), a ProtocolDetector::Server_Found one.
 *
 * - A confirmation of a protocol analyzer on a port outside its registered
 *   ports puts the analyzer in the connection's set; the first one schedules
 *   a check min(minimum_duration, check_interval) later and registers the
 *   removal hook.
 * - The check reports once the connection is minimum_duration old or both
 *   sides together carried minimum_volume bytes, else it looks again
 *   (check_interval, or what is left of minimum_duration). The removal hook
 *   reports what is still in the set when the connection ends.
 * - An analyzer that fails (analyzer_failed: a violation disabled it) before
 *   those thresholds leaves the set: a protocol mistaken at first (HTTP
 *   towards an SSH server) is not reported. Once reported or past the
 *   thresholds, a failure changes nothing.
 * - A report needs data from both sides; each analyzer of the set is looked
 *   up in ProtocolDetector::valids by (analyzer, responder, port), then with
 *   0.0.0.0 for any responder: BOTH means never, INCOMING not towards local
 *   responders, OUTGOING not towards remote ones; NONE (or no entry) always.
 * - Server_Found is left out for analyzers in suppress_servers; servers are
 *   remembered by (address, port, analyzer) with their sub-protocols for 14
 *   days after their last use.
 *
 * Sub-protocols come from foundProtocol (the script's found_protocol, for
 * other scripts: "ssh via HTTP"-style reports); nothing in bronze calls it.
 * They are joined in Zeek's order of the set; the analyzers of one
 * connection are reported in the order they confirmed (Zeek iterates its
 * set of tags by their hashes: the order can differ when several analyzers
 * of one connection are reported).
 */
import { analyzerKind } from "../analyzer/kinds.js";
import type { Connection, ConnId } from "../event/records.js";
import { type ProtocolDetectorDir, validsKey } from "../options.js";
import { ZeekTable } from "../zeek-table/table.js";
import { idString } from "./conn-ids.js";
import { localNetsOf } from "./directions-and-hosts.js";
import type { AnalyzerScriptHost } from "./host.js";
import type { NoticeLog } from "./notice.js";
import type { PolicyScript } from "./policy-scripts.js";
import { registerRemovalHook, removalHook } from "./removal-hooks.js";

export const DETECT_PROTOCOLS_SCRIPT = "policy/frameworks/analyzer/detect-protocols";

/** ProtocolDetector::check_interval (a const, not redefinable). */
const CHECK_INTERVAL = 5;
/** ProtocolDetector::servers' &read_expire. */
const SERVERS_READ_EXPIRE = 14 * 24 * 3600;

/** A conn_id as the script's tables index it: the 5-tuple (two connections of one id share an entry, as in Zeek). */
function idKey(id: ConnId): string {
  return `${id.orig_h} ${id.orig_p} ${id.resp_h} ${id.resp_p} ${id.transport}`;
}

/** A port as Zeek prints one: "22/tcp". */
function portText(port: number, transport: ConnId["transport"]): string {
  return `${port}/${transport === "unknown_transport" ? "unknown" : transport}`;
}

/** The script's state for one run. */
class ProtocolDetector {
  /** conns: the analyzers still in the running, per connection. */
  private readonly conns = new Map<string, Set<string>>();
  /** protocols: sub-protocols other scripts reported, per connection (a set[string], iterated in Zeek's order). */
  private readonly protocols = new Map<string, ZeekTable<string, true>>();
  /** servers: the (address, port, analyzer) reported, with their sub-protocols and when last used. */
  private readonly servers = new Map<string, { subs: Set<string>; used: number }>();
  private readonly finalize;

  constructor(
    private readonly host: AnalyzerScriptHost,
    private readonly notices: NoticeLog,
  ) {
    this.finalize = removalHook(host, (c) => this.finalizeDetection(c));
  }

  /** Whether `c`'s responder port is one `atype` is registered for (then nothing is reported). */
  private onRegisteredPort(c: Connection, atype: string): boolean {
    return this.host.registeredPort?.(atype, c.id.resp_p, c.id.transport) ?? false;
  }

  /** Whether `c` is past minimum_duration or minimum_volume. */
  private pastThresholds(c: Connection): boolean {
    const duration = this.host.clock.now - c.start_time;
    const size = c.resp.size + c.orig.size;
    return duration >= this.host.settings["ProtocolDetector::minimum_duration"] || size >= this.host.settings["ProtocolDetector::minimum_volume"];
  }

  confirmed(atype: string, c: Connection): void {
    if (analyzerKind(atype) !== "protocol" || this.onRegisteredPort(c, atype)) return;
    const key = idKey(c.id);
    const analyzers = this.conns.get(key);
    if (analyzers !== undefined) {
      analyzers.add(atype);
      return;
    }
    this.conns.set(key, new Set([atype]));
    registerRemovalHook(c, this.finalize);
    this.scheduleCheck(c, this.host.settings["ProtocolDetector::minimum_duration"]);
  }

  /** `schedule min_interval(left, check_interval) { check_connection(c) }`. */
  private scheduleCheck(c: Connection, left: number): void {
    this.host.scheduleEvent(this.host.clock.now + Math.min(left, CHECK_INTERVAL), () => this.checkConnection(c));
  }

  private checkConnection(c: Connection): void {
    if (!this.conns.has(idKey(c.id))) return;
    if (this.pastThresholds(c)) this.report(c);
    else this.scheduleCheck(c, this.host.settings["ProtocolDetector::minimum_duration"] - (this.host.clock.now - c.start_time));
  }

  failed(atype: string, c: Connection): void {
    if (analyzerKind(atype) !== "protocol" || this.pastThresholds(c)) return;
    this.conns.get(idKey(c.id))?.delete(atype);
  }

  private finalizeDetection(c: Connection): void {
    const key = idKey(c.id);
    if (this.conns.has(key)) this.report(c);
    else this.protocols.delete(key);
  }

  /** found_protocol: another script recognised sub-protocol `protocol` over `atype` on `c`. */
  foundProtocol(c: Connection, atype: string, protocol: string): void {
    if (this.onRegisteredPort(c, atype)) return;
    const key = idKey(c.id);
    let subs = this.protocols.get(key);
    if (subs === undefined) this.protocols.set(key, (subs = new ZeekTable<string, true>(this.host.tableHash.string)));
    subs.set(protocol, true);
    registerRemovalHook(c, this.finalize);
  }

  /** report_protocols: a notice for each analyzer left, when both sides sent data; the connection is forgotten either way. */
  private report(c: Connection): void {
    const key = idKey(c.id);
    const analyzers = this.conns.get(key);
    if (analyzers !== undefined && c.resp.size > 0 && c.orig.size > 0) {
      const port = portText(c.id.resp_p, c.id.transport);
      for (const a of [...analyzers]) {
        const dir = this.valid(a, c.id.resp_h, port) ?? this.valid(a, "0.0.0.0", port) ?? "NONE";
        this.notice(c, a, dir);
      }
    }
    this.conns.delete(key);
    this.protocols.delete(key);
  }

  private valid(atype: string, addr: string, port: string): ProtocolDetectorDir | undefined {
    return this.host.settings["ProtocolDetector::valids"].get(validsKey(atype, addr, port));
  }

  /** do_notice: Protocol_Found, and Server_Found for a server not reported yet with this sub-protocol. */
  private notice(c: Connection, atype: string, dir: ProtocolDetectorDir): void {
    if (dir === "BOTH") return;
    if (dir !== "NONE") {
      const local = localNetsOf(this.host.settings).isLocal(c.id.resp_h) === true;
      if ((dir === "INCOMING" && local) || (dir === "OUTGOING" && !local)) return;
    }
    const sub = this.protocols.get(idKey(c.id))?.keys().join("/") ?? "";
    const shown = sub !== "" ? `${sub} (via ${atype})` : atype;
    const port = portText(c.id.resp_p, c.id.transport);
    this.notices.notice({ note: "ProtocolDetector::Protocol_Found", msg: `${idString(c.id)} ${shown} on port ${port}`, sub: shown, conn: c });
    const server = this.server(c, atype);
    const newSub = server !== undefined && sub !== "" && !server.subs.has(sub);
    if ((server !== undefined && !newSub) || this.host.settings["ProtocolDetector::suppress_servers"].has(`ANALYZER_${atype}`)) return;
    const update = server !== undefined ? " (update)" : "";
    const msg = `${c.id.resp_h}: ${shown} server on port ${port}${update}`;
    this.notices.notice({ note: "ProtocolDetector::Server_Found", msg, p: c.id.resp_p, sub: shown, conn: c, src: c.id.resp_h });
    const key = `${c.id.resp_h} ${port} ${atype}`;
    const entry = server ?? { subs: new Set<string>(), used: 0 };
    entry.subs.add(sub);
    entry.used = this.host.clock.now;
    this.servers.set(key, entry);
  }

  /** servers[resp_h, resp_p, analyzer], unless it expired (14 days after its last use). */
  private server(c: Connection, atype: string): { subs: Set<string>; used: number } | undefined {
    const key = `${c.id.resp_h} ${portText(c.id.resp_p, c.id.transport)} ${atype}`;
    const entry = this.servers.get(key);
    if (entry === undefined) return undefined;
    const now = this.host.clock.now;
    if (now - entry.used > SERVERS_READ_EXPIRE) {
      this.servers.delete(key);
      return undefined;
    }
    entry.used = now;
    return entry;
  }
}

/** The detectors of the runs whose script is loaded, for foundProtocol. */
const detectors = new WeakMap<AnalyzerScriptHost, ProtocolDetector>();

/**
 * ProtocolDetector::found_protocol: a script tells the detector that `c`
 * carries sub-protocol `protocol` over analyzer `atype` ("HTTP"); reports
 * then read "PROTOCOL (via HTTP)". Nothing happens unless the script is loaded.
 */
export function foundProtocol(host: AnalyzerScriptHost, c: Connection, atype: string, protocol: string): void {
  detectors.get(host)?.foundProtocol(c, atype, protocol);
}

function loadDetectProtocols(host: AnalyzerScriptHost, notices: NoticeLog): void {
  const detector = new ProtocolDetector(host, notices);
  detectors.set(host, detector);
  host.on("analyzer_confirmation_info", (atype, info) => {
    if (info.c !== undefined) detector.confirmed(atype, info.c);
  });
  host.on("analyzer_failed", (_ts, atype, info) => {
    if (info.c !== undefined) detector.failed(atype, info.c);
  });
}

export const DETECT_PROTOCOLS: PolicyScript = {
  script: DETECT_PROTOCOLS_SCRIPT,
  what: "ProtocolDetector::Protocol_Found and Server_Found notices (protocols DPD found on ports not registered for them)",
  load: (host, { notices }) => loadDetectProtocols(host, notices),
};
