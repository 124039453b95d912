/**
 * signatures.log: Zeek's signature framework (base/frameworks/signatures,
 * loaded by default; with -b by name), what it does with each
 * signature_match, learnt from its main.zeek:
 *
 * - each signature has an action, Signatures::actions[id] (default
 *   SIG_ALARM); SIG_IGNORE and ids matching Signatures::ignored_ids drop the
 *   match;
 * - every action but SIG_QUIET and SIG_COUNT_PER_RESP writes a row: the side
 *   that sent the data is src, `event_msg` is "src_addr: msg", `sub_msg` the
 *   data (cut to 140 bytes and "...");
 * - SIG_ALARM, the first SIG_ALARM_PER_ORIG match of an originator, the
 *   first SIG_ALARM_ONCE match of a signature raise a
 *   Signatures::Sensitive_Signature notice; SIG_COUNT_PER_RESP a
 *   Signatures::Count_Signature notice when a responder's count reaches one
 *   of count_thresholds;
 * - scan detection (all but SIG_FILE_BUT_NO_SCAN and SIG_SUMMARY): an
 *   originator that triggered a signature on horiz_scan_thresholds hosts, or
 *   as many different signatures on one host as vert_scan_thresholds, gets a
 *   row and a notice (Multiple_Sig_Responders, Multiple_Signatures).
 *
 * Not reproduced: SIG_SUMMARY's delayed summary notice (its per-orig count is
 * kept, the notice after summary_interval is not raised), and the tables'
 * one-hour read expiry (the counts are kept for the whole run).
 */

import { bytesToLogText } from "../log/escape.js";
import type { LogManager } from "../log/manager.js";
import { fields, type LogField } from "../log/schema.js";
import type { LogWriter } from "../log/writer.js";
import type { SignatureState } from "../signatures/events.js";
import type { ScriptHost } from "./host.js";
import type { NoticeLog } from "./notice.js";

export const SIGNATURES_FIELDS: readonly LogField[] = fields(
  ["ts", "time"],
  ["uid", "string"],
  ["src_addr", "addr"],
  ["src_port", "port"],
  ["dst_addr", "addr"],
  ["dst_port", "port"],
  ["note", "enum"],
  ["sig_id", "string"],
  ["event_msg", "string"],
  ["sub_msg", "string"],
  ["sig_count", "count"],
  ["host_count", "count"],
);

/** Zeek's Signatures::Action. */
export type SignatureAction =
  | "SIG_IGNORE"
  | "SIG_QUIET"
  | "SIG_LOG"
  | "SIG_FILE_BUT_NO_SCAN"
  | "SIG_ALARM"
  | "SIG_ALARM_PER_ORIG"
  | "SIG_ALARM_ONCE"
  | "SIG_COUNT_PER_RESP"
  | "SIG_SUMMARY";

export interface SignaturesLogOptions {
  /** Signatures::actions entries (the default for the others is SIG_ALARM). */
  actions?: ReadonlyMap<string, SignatureAction>;
  /** Signatures::ignored_ids (default /NO_DEFAULT_MATCHES/): ids it finds are dropped. */
  ignoredIds?: RegExp;
}

const HORIZ_SCAN_THRESHOLDS = new Set([5, 10, 50, 100, 500, 1000]);
const VERT_SCAN_THRESHOLDS = new Set([5, 10, 50, 100, 500, 1000]);
const COUNT_THRESHOLDS = new Set([5, 10, 50, 100, 500, 1000, 10000, 1000000]);
/** Zeek's cut of the matched data in the log and notice. */
const DATA_LIMIT = 140;

/** The side that sent the matched data, as source and destination. */
interface Ends {
  src: string;
  srcPort: number;
  dst: string;
  dstPort: number;
}

function endsOf(s: SignatureState): Ends {
  const id = s.conn.id;
  return s.is_orig
    ? { src: id.orig_h, srcPort: id.orig_p, dst: id.resp_h, dstPort: id.resp_p }
    : { src: id.resp_h, srcPort: id.resp_p, dst: id.orig_h, dstPort: id.orig_p };
}

export class SignaturesLog {
  private writer: LogWriter | null = null;
  private readonly actions: ReadonlyMap<string, SignatureAction>;
  private readonly ignoredIds: RegExp;
  private readonly countPerResp = new Map<string, number>();
  private readonly countPerOrig = new Map<string, number>();
  private readonly alarmedOnce = new Set<string>();
  /** Scan detection: responders per (orig, sig), signatures per (orig, resp), and each originator's last threshold. */
  private readonly horiz = new Map<string, Set<string>>();
  private readonly vert = new Map<string, Set<string>>();
  private readonly lastHoriz = new Map<string, number>();
  private readonly lastVert = new Map<string, number>();

  constructor(
    host: ScriptHost & { readonly clock: { readonly now: number } },
    private readonly logs: LogManager,
    private readonly notices: NoticeLog,
    options: SignaturesLogOptions = {},
  ) {
    this.actions = options.actions ?? new Map();
    this.ignoredIds = options.ignoredIds ?? /NO_DEFAULT_MATCHES/;
    this.clock = host.clock;
    host.on("signature_match", (state, msg, data) => this.match(state, msg, data));
  }

  private readonly clock: { readonly now: number };

  private match(state: SignatureState, msg: string, data: string): void {
    const action = this.actions.get(state.sig_id) ?? "SIG_ALARM";
    if (action === "SIG_IGNORE" || this.ignoredIds.test(state.sig_id)) return;
    const shown = bytesToLogText(data.length > DATA_LIMIT ? `${data.slice(0, DATA_LIMIT)}...` : data);
    const ends = endsOf(state);
    const eventMsg = `${ends.src}: ${msg}`;
    if (action !== "SIG_QUIET" && action !== "SIG_COUNT_PER_RESP") {
      this.write(state.conn.uid, ends, "Signatures::Sensitive_Signature", state.sig_id, eventMsg, shown);
    }
    if (action === "SIG_COUNT_PER_RESP") this.countPerResponder(state, msg);
    if (this.alarms(action, state)) {
      this.notices.notice({
        note: "Signatures::Sensitive_Signature",
        conn: state.conn,
        src: ends.src,
        dst: ends.dst,
        msg: eventMsg,
        sub: shown,
      });
    }
    if (action === "SIG_FILE_BUT_NO_SCAN" || action === "SIG_SUMMARY") return;
    this.scans(state, msg);
  }

  /** Whether this match raises a Sensitive_Signature notice. */
  private alarms(action: SignatureAction, state: SignatureState): boolean {
    if (action === "SIG_ALARM") return true;
    if (action === "SIG_ALARM_PER_ORIG" || action === "SIG_SUMMARY") {
      const key = `${state.conn.id.orig_h}\u0000${state.sig_id}`;
      const n = (this.countPerOrig.get(key) ?? 0) + 1;
      this.countPerOrig.set(key, n);
      return n === 1 && action === "SIG_ALARM_PER_ORIG";
    }
    if (action === "SIG_ALARM_ONCE" && !this.alarmedOnce.has(state.sig_id)) {
      this.alarmedOnce.add(state.sig_id);
      return true;
    }
    return false;
  }

  private countPerResponder(state: SignatureState, msg: string): void {
    const dst = state.conn.id.resp_h;
    const key = `${dst}\u0000${state.sig_id}`;
    const n = (this.countPerResp.get(key) ?? 0) + 1;
    this.countPerResp.set(key, n);
    if (!COUNT_THRESHOLDS.has(n)) return;
    this.notices.notice({ note: "Signatures::Count_Signature", conn: state.conn, msg, n, sub: `${n} matches of signature ${state.sig_id} on host ${dst}` });
  }

  /** Zeek's horizontal and vertical scan detection over signature matches. */
  private scans(state: SignatureState, msg: string): void {
    const orig = state.conn.id.orig_h;
    const resp = state.conn.id.resp_h;
    const hcount = addTo(this.horiz, `${orig}\u0000${state.sig_id}`, resp);
    const vcount = addTo(this.vert, `${orig}\u0000${resp}`, state.sig_id);
    if (HORIZ_SCAN_THRESHOLDS.has(hcount) && hcount !== (this.lastHoriz.get(orig) ?? 0)) {
      const sub = `${orig} has triggered signature ${state.sig_id} on ${hcount} hosts`;
      const ends = { src: orig, srcPort: -1, dst: "", dstPort: -1 };
      this.write(undefined, ends, "Signatures::Multiple_Sig_Responders", state.sig_id, msg, sub, undefined, hcount);
      this.notices.notice({ note: "Signatures::Multiple_Sig_Responders", src: orig, msg, n: hcount, sub });
      this.lastHoriz.set(orig, hcount);
    }
    if (VERT_SCAN_THRESHOLDS.has(vcount) && vcount !== (this.lastVert.get(orig) ?? 0)) {
      const sub = `${orig} has triggered ${vcount} different signatures on host ${resp}`;
      const eventMsg = `${vcount} different signatures triggered`;
      const ends = { src: orig, srcPort: -1, dst: resp, dstPort: -1 };
      this.write(undefined, ends, "Signatures::Multiple_Signatures", state.sig_id, eventMsg, sub, vcount);
      this.notices.notice({ note: "Signatures::Multiple_Signatures", src: orig, dst: resp, msg: eventMsg, n: vcount, sub });
      this.lastVert.set(orig, vcount);
    }
  }

  /** One row; a port of -1 and an empty address are unset. */
  private write(uid: string | undefined, ends: Ends, note: string, sigId: string, eventMsg: string, sub: string, sigCount?: number, hostCount?: number): void {
    this.writer ??= this.logs.open({ path: "signatures", fields: SIGNATURES_FIELDS });
    this.writer.write([
      this.clock.now,
      uid,
      ends.src === "" ? undefined : ends.src,
      ends.srcPort < 0 ? undefined : ends.srcPort,
      ends.dst === "" ? undefined : ends.dst,
      ends.dstPort < 0 ? undefined : ends.dstPort,
      note,
      sigId,
      eventMsg,
      sub,
      sigCount,
      hostCount,
    ]);
  }
}

/** Adds `value` to the set under `key`; the set's size. */
function addTo(map: Map<string, Set<string>>, key: string, value: string): number {
  let set = map.get(key);
  if (set === undefined) map.set(key, (set = new Set()));
  set.add(value);
  return set.size;
}
