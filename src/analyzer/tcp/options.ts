/**
 * TCP options (RFC 9293 §3.1, RFC 7323, RFC 2018, RFC 7413, RFC 5925): the
 * SYN facts Zeek puts into `SYN_packet` and the per-option list of
 * `tcp_option` / `tcp_options`. Only called when a SYN is seen or when a
 * script handles the option events, so allocation here is acceptable.
 */
import { DOUBLE_ZERO } from "../../doubles.js";
import type { SynPacket, TcpOption } from "../../event/records.js";
import { u16, u32 } from "../../packet/bytes.js";

export const TCPOPT_EOL = 0;
export const TCPOPT_NOP = 1;
export const TCPOPT_MSS = 2;
export const TCPOPT_WINDOW_SCALE = 3;
export const TCPOPT_SACK_PERMITTED = 4;
export const TCPOPT_SACK = 5;
export const TCPOPT_TIMESTAMP = 8;
export const TCPOPT_QS_RESPONSE = 27;
export const TCPOPT_USER_TIMEOUT = 28;
export const TCPOPT_AUTH = 29;
export const TCPOPT_FAST_OPEN = 34;

const TCP_FIXED_HEADER = 20;

/**
 * The options of a SYN that Zeek's `SYN_packet` carries. One object is reused
 * for every SYN (the analyzer needs only the window scale; the event record is
 * built from it when a script handles connection_SYN_packet).
 */
export class SynOptions {
  /** Window scale option, −1 when absent. */
  winScale = -1;
  /** MSS option, 0 when absent. */
  mss = 0;
  sackOk = false;
  hasTimestamps = false;
  /** uint32 values: doubles from the start (see doubles.ts). */
  tsVal = DOUBLE_ZERO;
  tsEcr = DOUBLE_ZERO;

  /** The event's SYN_packet record for a SYN with these options. */
  record(isOrig: boolean, df: boolean, ttl: number, size: number, winSize: number): SynPacket {
    const p: SynPacket = { is_orig: isOrig, DF: df, ttl, size, win_size: winSize, win_scale: this.winScale, MSS: this.mss, SACK_OK: this.sackOk };
    if (this.hasTimestamps) {
      p.TSval = this.tsVal;
      p.TSecr = this.tsEcr;
    }
    return p;
  }
}

/** Fills `syn` from the options between `off + 20` and `off + hdrLen` (a SYN without options leaves the defaults). */
export function parseSynOptions(d: Uint8Array, off: number, hdrLen: number, syn: SynOptions): void {
  syn.winScale = -1;
  syn.mss = 0;
  syn.sackOk = false;
  syn.hasTimestamps = false;
  let i = off + TCP_FIXED_HEADER;
  const end = off + hdrLen;
  while (i < end) {
    const kind = d[i]!;
    if (kind === TCPOPT_EOL) break;
    if (kind === TCPOPT_NOP) {
      i++;
      continue;
    }
    if (i + 1 >= end) break;
    const len = d[i + 1]!;
    if (i + len > end || len === 0) break;
    switch (kind) {
      case TCPOPT_SACK_PERMITTED:
        syn.sackOk = true;
        break;
      case TCPOPT_MSS:
        if (len >= 4) syn.mss = u16(d, i + 2);
        break;
      case TCPOPT_WINDOW_SCALE:
        if (len >= 3) syn.winScale = d[i + 2]!;
        break;
      case TCPOPT_TIMESTAMP:
        if (len >= 10) {
          syn.hasTimestamps = true;
          syn.tsVal = u32(d, i + 2);
          syn.tsEcr = u32(d, i + 6);
        }
        break;
    }
    i += len;
  }
}

/** One option found by `listOptions`: its offset, kind and length. */
interface RawOption {
  at: number;
  kind: number;
  length: number;
}

/** Zeek's ParseTCPOptions walk: kinds 0/1 are one byte; stops at EOL, a zero length or an overrun. */
function listOptions(d: Uint8Array, off: number, hdrLen: number): RawOption[] {
  const out: RawOption[] = [];
  let i = off + TCP_FIXED_HEADER;
  const end = off + hdrLen;
  while (i < end) {
    const kind = d[i]!;
    let len: number;
    if (kind < 2) len = 1;
    else if (i + 1 >= end) break;
    else len = d[i + 1]!;
    if (len === 0 || i + len > end) break;
    out.push({ at: i, kind, length: len });
    i += len;
    if (kind === TCPOPT_EOL) break;
  }
  return out;
}

/** Receives the parsed options: one call per option, then the list (with weirds for bad lengths). */
export interface OptionReport {
  option?(kind: number, length: number): void;
  options?(list: TcpOption[]): void;
  weird(name: string, addl: string): void;
}

const SACK_BLOCK_LENGTHS = new Set([10, 18, 26, 34]);

/** Walks the options of the segment at `off` and reports them (TCPSessionAdapter::DeliverPacket). */
export function reportOptions(d: Uint8Array, off: number, hdrLen: number, report: OptionReport): void {
  const raw = listOptions(d, off, hdrLen);
  if (report.option) for (const o of raw) report.option(o.kind, o.length);
  if (!report.options) return;
  const list: TcpOption[] = [];
  for (const o of raw) {
    const opt: TcpOption = { kind: o.kind, length: o.length };
    list.push(opt);
    const bad = (name: string): void => {
      if (o.length > 2) opt.data = d.slice(o.at + 2, o.at + o.length);
      report.weird(name, String(o.length));
    };
    switch (o.kind) {
      case TCPOPT_EOL:
      case TCPOPT_NOP:
        break;
      case TCPOPT_MSS:
        if (o.length === 4) opt.mss = u16(d, o.at + 2);
        else bad("tcp_option_mss_invalid_len");
        break;
      case TCPOPT_WINDOW_SCALE:
        if (o.length === 3) opt.window_scale = d[o.at + 2]!;
        else bad("tcp_option_window_scale_invalid_len");
        break;
      case TCPOPT_SACK_PERMITTED:
        if (o.length !== 2) bad("tcp_option_sack_invalid_len");
        break;
      case TCPOPT_SACK:
        if (SACK_BLOCK_LENGTHS.has(o.length)) {
          opt.sack = [];
          for (let p = o.at + 2; p < o.at + o.length; p += 4) opt.sack.push(u32(d, p));
        } else bad("tcp_option_sack_blocks_invalid_len");
        break;
      case TCPOPT_TIMESTAMP:
        if (o.length === 10) {
          opt.send_timestamp = u32(d, o.at + 2);
          opt.echo_timestamp = u32(d, o.at + 6);
        } else bad("tcp_option_timestamps_invalid_len");
        break;
      // Zeek parses a Quick-Start Response into its fields; the user timeout,
      // authentication and fast open options of a valid length get no field at
      // all (their bytes are kept only when the length is bad).
      case TCPOPT_QS_RESPONSE:
        if (o.length === 8) {
          opt.rate = d[o.at + 2]!;
          opt.ttl_diff = d[o.at + 3]!;
          opt.qs_nonce = u32(d, o.at + 4);
        } else bad("tcp_option_qsresponse_invalid_len");
        break;
      case TCPOPT_USER_TIMEOUT:
        if (o.length !== 4) bad("tcp_option_uto_invalid_len");
        break;
      case TCPOPT_AUTH:
        if (o.length < 4) bad("tcp_option_ao_invalid_len");
        break;
      case TCPOPT_FAST_OPEN:
        if (o.length !== 2 && (o.length < 6 || o.length > 18)) bad("tcp_option_tfo_invalid_len");
        break;
      default:
        if (o.length > 2) opt.data = d.slice(o.at + 2, o.at + o.length);
    }
  }
  report.options(list);
}

/** One TCP option as TCP::raw_options gives it (Zeek's TCP::RawOption): its kind and its data, without the kind and length bytes. */
export interface TcpRawOption {
  kind: number;
  data: Uint8Array;
}

/**
 * The options of the TCP header at `off` (`capLen` bytes captured from it),
 * unparsed, as Zeek's TCP::raw_options lists them: none when the header's
 * length is short of 20 or beyond the capture; a stop at a length of 0 or
 * one that does not fit, and with `stopAtEol` after an EOL.
 */
export function tcpRawOptions(d: Uint8Array, off: number, capLen: number, stopAtEol: boolean): TcpRawOption[] {
  const out: TcpRawOption[] = [];
  const hdrLen = (d[off + 12]! >> 4) * 4;
  if (hdrLen < TCP_FIXED_HEADER || hdrLen > capLen) return out;
  const end = off + hdrLen;
  for (let at = off + TCP_FIXED_HEADER; at < end; ) {
    const kind = d[at]!;
    if (kind >= 2 && end - at < 2) break;
    const len = kind < 2 ? 1 : d[at + 1]!;
    if (len === 0 || len > end - at) break;
    out.push({ kind, data: d.slice(at + 2, at + Math.max(len, 2)) });
    at += len;
    if (stopAtEol && kind === TCPOPT_EOL) break;
  }
  return out;
}
