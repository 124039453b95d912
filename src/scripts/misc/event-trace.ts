/**
 * misc/event-trace: bronze's twin of the corpus script event-trace.zeek. Writes
 * events.log, one line per event of the connection, TCP, UDP and ICMP
 * families, in the order the handlers run:
 *
 *     ts <TAB> event <TAB> uid <TAB> args
 *
 * `ts` is network time when the handler runs (6 decimals); `args` are
 * space-separated name=value pairs exactly as the Zeek script formats them
 * (booleans T/F, absent optionals "-", payloads as their length and MD5).
 *
 * Like the Zeek script it turns on content delivery for every TCP and UDP
 * connection in both directions, so tcp_contents, udp_contents,
 * connection_EOF and the reassembly events fire everywhere. Written only
 * against the public event API: any engine-like host with `on`, `settings`
 * and `clock` will do.
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import type { Connection, IcmpContext, IcmpInfo, SynPacket } from "../../event/records.js";
import type { Clock } from "../../event/weirds.js";
import { FileSink, type LogSink } from "../../log/sink.js";
import type { EngineSettings } from "../../options.js";
import type { ScriptHost } from "../host.js";

/** What the script needs from the engine. */
export interface EventTraceHost extends ScriptHost {
  readonly settings: EngineSettings;
  readonly clock: Clock;
}

export interface EventTraceOptions {
  /** Directory of events.log (default: the current directory). */
  logdir?: string;
  /** Where the lines go instead of a file (tests, the conformance harness). */
  sink?: LogSink;
}

export interface EventTrace {
  /** Lines written so far. */
  readonly lines: number;
  /** Flushes and closes events.log (also done at zeek_done). Idempotent. */
  close(): void;
}

/** The log closes after every other zeek_done handler. */
const CLOSE_PRIORITY = -1_000_000;

export default function eventTrace(host: EventTraceHost, options: EventTraceOptions = {}): EventTrace {
  enableContentDelivery(host.settings);
  const sink = options.sink ?? new FileSink(join(options.logdir ?? ".", "events.log"));
  const state = { lines: 0 };
  const emit = (event: string, c: Connection, args: string): void => {
    state.lines++;
    sink.write(`${host.clock.now.toFixed(6)}\t${event}\t${c.uid}\t${args}\n`);
  };
  registerConnectionEvents(host, emit);
  registerTcpEvents(host, emit);
  registerUdpEvents(host, emit);
  registerIcmpEvents(host, emit);
  const close = () => sink.close();
  host.on("zeek_done", close, { priority: CLOSE_PRIORITY });
  return {
    get lines() {
      return state.lines;
    },
    close,
  };
}

type Emit = (event: string, c: Connection, args: string) => void;

/** The Zeek script's redefs: reassembled payload for every TCP and UDP connection, both directions. */
function enableContentDelivery(s: EngineSettings): void {
  s.tcp_content_deliver_all_orig = true;
  s.tcp_content_deliver_all_resp = true;
  s.udp_content_deliver_all_orig = true;
  s.udp_content_deliver_all_resp = true;
  // The Zeek script also enables the TCP statistics analyzer (tcp_rexmit); bronze
  // raises tcp_rexmit whenever it is handled, if the engine implements it at all.
}

export function tf(x: boolean): string {
  return x ? "T" : "F";
}

const TWO_64 = 1n << 64n;

/**
 * A Zeek `count` as `%d` prints it. bronze's relative sequence numbers are
 * signed (an underflow is negative); Zeek stores them in an unsigned 64-bit
 * count, so a negative value prints as 2^64 + value.
 */
export function count(n: number): string {
  return n < 0 ? (TWO_64 + BigInt(n)).toString() : String(n);
}

export function md5(bytes: Uint8Array): string {
  return createHash("md5").update(bytes).digest("hex");
}

/** The Zeek script's cid(): transport and the 5-tuple. */
export function cid(c: Connection): string {
  const id = c.id;
  return `proto=${id.transport} orig_h=${id.orig_h} orig_p=${id.orig_p} resp_h=${id.resp_h} resp_p=${id.resp_p}`;
}

function synArgs(p: SynPacket): string {
  const ts = (v: number | undefined) => (v === undefined ? "-" : String(v));
  return `is_orig=${tf(p.is_orig)} DF=${tf(p.DF)} ttl=${p.ttl} size=${p.size} win_size=${p.win_size} win_scale=${p.win_scale} MSS=${p.MSS} SACK_OK=${tf(p.SACK_OK)} TSval=${ts(p.TSval)} TSecr=${ts(p.TSecr)}`;
}

function icmpArgs(info: IcmpInfo): string {
  return `v6=${tf(info.v6)} itype=${info.itype} icode=${info.icode} len=${info.len} ttl=${info.ttl}`;
}

function contextArgs(code: number, x: IcmpContext): string {
  return (
    `code=${code} ctx_orig_h=${x.id.orig_h} ctx_orig_p=${x.id.orig_p} ctx_resp_h=${x.id.resp_h} ctx_resp_p=${x.id.resp_p}` +
    ` ctx_len=${x.len} ctx_proto=${x.proto} ctx_frag_offset=${x.frag_offset} ctx_bad_hdr_len=${tf(x.bad_hdr_len)}` +
    ` ctx_bad_checksum=${tf(x.bad_checksum)} ctx_MF=${tf(x.MF)} ctx_DF=${tf(x.DF)}`
  );
}

/** Events whose only argument is the connection: the line carries no args. */
const CONNECTION_ONLY_EVENTS = [
  "connection_established",
  "connection_first_ACK",
  "connection_attempt",
  "connection_rejected",
  "connection_reset",
  "connection_finished",
  "connection_half_finished",
  "connection_partial_close",
  "connection_pending",
  "partial_connection",
  "new_connection_contents",
  "connection_timeout",
  "connection_reused",
  "connection_status_update",
  "connection_state_remove",
  "udp_request",
  "udp_reply",
  "udp_session_done",
] as const;

function registerConnectionEvents(host: ScriptHost, emit: Emit): void {
  host.on("new_connection", (c) => emit("new_connection", c, cid(c)));
  host.on("connection_flipped", (c) => emit("connection_flipped", c, cid(c)));
  for (const name of CONNECTION_ONLY_EVENTS) host.on(name, (c: Connection) => emit(name, c, ""));
  host.on("connection_EOF", (c, isOrig) => emit("connection_EOF", c, `is_orig=${tf(isOrig)}`));
}

function registerTcpEvents(host: ScriptHost, emit: Emit): void {
  host.on("connection_SYN_packet", (c, pkt) => emit("connection_SYN_packet", c, synArgs(pkt)));
  host.on("tcp_packet", (c, isOrig, flags, seq, ack, len) =>
    emit("tcp_packet", c, `is_orig=${tf(isOrig)} flags=${flags} seq=${count(seq)} ack=${count(ack)} len=${len}`),
  );
  host.on("tcp_option", (c, isOrig, opt, optlen) => emit("tcp_option", c, `is_orig=${tf(isOrig)} opt=${opt} optlen=${optlen}`));
  host.on("tcp_contents", (c, isOrig, seq, contents) =>
    emit("tcp_contents", c, `is_orig=${tf(isOrig)} seq=${count(seq)} len=${contents.length} md5=${md5(contents)}`),
  );
  host.on("tcp_rexmit", (c, isOrig, seq, len, inFlight, window) =>
    emit("tcp_rexmit", c, `is_orig=${tf(isOrig)} seq=${count(seq)} len=${len} data_in_flight=${inFlight} window=${window}`),
  );
  host.on("content_gap", (c, isOrig, seq, length) => emit("content_gap", c, `is_orig=${tf(isOrig)} seq=${count(seq)} length=${length}`));
  host.on("rexmit_inconsistency", (c, t1, t2, flags) =>
    emit("rexmit_inconsistency", c, `t1_len=${t1.length} t1_md5=${md5(t1)} t2_len=${t2.length} t2_md5=${md5(t2)} tcp_flags=${flags}`),
  );
  const thresholds = ["tcp_multiple_checksum_errors", "tcp_multiple_retransmissions", "tcp_multiple_zero_windows", "tcp_multiple_gap"] as const;
  for (const name of thresholds) {
    host.on(name, (c: Connection, isOrig: boolean, threshold: number) => emit(name, c, `is_orig=${tf(isOrig)} threshold=${threshold}`));
  }
}

function registerUdpEvents(host: ScriptHost, emit: Emit): void {
  host.on("udp_contents", (u, isOrig, contents) => emit("udp_contents", u, `is_orig=${tf(isOrig)} len=${contents.length} md5=${md5(contents)}`));
  host.on("udp_multiple_checksum_errors", (u, isOrig, threshold) => emit("udp_multiple_checksum_errors", u, `is_orig=${tf(isOrig)} threshold=${threshold}`));
}

function registerIcmpEvents(host: ScriptHost, emit: Emit): void {
  host.on("icmp_sent", (c, info) => emit("icmp_sent", c, icmpArgs(info)));
  const echo = (name: "icmp_echo_request" | "icmp_echo_reply") =>
    host.on(name, (c: Connection, info: IcmpInfo, id: number, seq: number, payload: Uint8Array) =>
      emit(name, c, `${icmpArgs(info)} id=${id} seq=${seq} payload_len=${payload.length}`),
    );
  echo("icmp_echo_request");
  echo("icmp_echo_reply");
  const errors = ["icmp_unreachable", "icmp_time_exceeded", "icmp_packet_too_big", "icmp_parameter_problem", "icmp_error_message"] as const;
  for (const name of errors) {
    host.on(name, (c: Connection, info: IcmpInfo, code: number, context: IcmpContext) => emit(name, c, `${icmpArgs(info)} ${contextArgs(code, context)}`));
  }
  host.on("icmp_redirect", (c, info, tgt, dest) => emit("icmp_redirect", c, `${icmpArgs(info)} tgt=${tgt} dest=${dest}`));
  host.on("icmp_router_solicitation", (c, info) => emit("icmp_router_solicitation", c, icmpArgs(info)));
  host.on("icmp_router_advertisement", (c, info, hopLimit) => emit("icmp_router_advertisement", c, `${icmpArgs(info)} cur_hop_limit=${hopLimit}`));
  host.on("icmp_neighbor_solicitation", (c, info, tgt) => emit("icmp_neighbor_solicitation", c, `${icmpArgs(info)} tgt=${tgt}`));
  host.on("icmp_neighbor_advertisement", (c, info, router, solicited, override, tgt) =>
    emit("icmp_neighbor_advertisement", c, `${icmpArgs(info)} router=${tf(router)} solicited=${tf(solicited)} override=${tf(override)} tgt=${tgt}`),
  );
}
