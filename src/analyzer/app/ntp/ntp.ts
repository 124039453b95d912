/**
 * The NTP analyzer (Zeek's "NTP"): each datagram is one message (RFC 5905;
 * mode 6 control messages, RFC 1305 appendix B; mode 7, ntpd's private
 * requests). Parsed as Zeek's BinPAC grammar (ntp-protocol.pac,
 * ntp-mode7.pac) reads it:
 *
 * - modes 1-5: the 48-byte header; more than 24 bytes after it are NTPv4
 *   extension fields (read while more than 24 bytes remain), and what is left
 *   then is a MAC when it is 20 or 24 bytes;
 * - mode 6: the control header, its data, and a 12-byte MAC when exactly 12
 *   bytes follow; mode 7: the private header, its data, a 20-byte MAC when
 *   the auth bit is set; other modes carry nothing Zeek reads;
 * - a message that does not parse is a violation ("Binpac exception: …"),
 *   one that does confirms the analyzer and raises ntp_message.
 *
 * The flow is turned around (a server message from the originator, a client
 * message from the responder) by the UDP connection itself
 * (src/analyzer/udp/udp-conn.ts), before the message reaches this analyzer,
 * so `is_orig` is the side after that turn. udp_session_done comes from the
 * UDP connection too. Port: 123/udp (no signature, as in Zeek).
 */

import { latin1, u16, u32 } from "../../../packet/bytes.js";
import { type AnalyzerComponent, type AnalyzerHost, type DatagramAnalyzer, ROLE_FLIP, ROLE_USED } from "../analyzer.js";
import { BINPAC_EXCEPTION, BinpacError, enforce, ipv4At, needBytes } from "../binpac.js";
import type { NtpControlMessage, NtpMessage, NtpMode7Message, NtpStandardMessage } from "./events.js";
import "./events.js";

/** Seconds from the NTP epoch (1900) to the Unix epoch. */
const EPOCH_OFFSET = -2208988800;
const FRAC_16 = 2 ** -16;
const FRAC_32 = 2 ** -32;
/** The standard header after its first byte (stratum … transmit timestamp). */
const STD_FIXED = 47;
/** At most this many bytes after the header are not extension fields. */
const MAX_TRAILER = 24;
/** An extension field up to its value: type bytes, length, association id, timestamp, filestamp, value length. */
const EXT_FIXED = 18;
const MAC_LEN = 20;
const MAC_EXT_LEN = 24;
const CONTROL_FIXED = 11;
const CONTROL_MAC_LEN = 12;
const MODE7_FIXED = 5;
const NTP_MODE_CLIENT = 3;
const NTP_MODE_SERVER = 4;
const MODE_CONTROL = 6;
const MODE_PRIVATE = 7;

const need = needBytes;

/** NTP_Short_Time: signed 16.16 seconds (the fraction read signed too, as Zeek does). */
function shortTime(d: Uint8Array, at: number): number {
  const s = (u16(d, at) << 16) >> 16;
  const f = (u16(d, at + 2) << 16) >> 16;
  if (s === 0 && f === 0) return 0;
  return s + f * FRAC_16;
}

/** NTP_Time: 32.32 seconds since 1900 as Unix time; all-zero stays 0. */
function timestamp(d: Uint8Array, at: number): number {
  const s = u32(d, at);
  const f = u32(d, at + 4);
  if (s === 0 && f === 0) return 0;
  return EPOCH_OFFSET + s + f * FRAC_32;
}

/** Extension fields from `at` while more than MAX_TRAILER bytes remain; returns [count, offset after]. */
function extensions(d: Uint8Array, at: number): [number, number] {
  const end = d.length;
  let n = 0;
  do {
    const start = at;
    need(end, at, EXT_FIXED, "Extension_Field:value_len");
    const len = u16(d, at + 2);
    enforce(len >= 16, "Extension_Field:len");
    const valueLen = u32(d, at + 14);
    enforce(len >= 18 && valueLen <= len - 18, "Extension_Field:value_len");
    at += EXT_FIXED;
    need(end, at, valueLen, "Extension_Field:value");
    at += valueLen;
    need(end, at, 4, "Extension_Field:sig_len");
    const sigLen = u32(d, at);
    // Zeek's grammar checks value_len here again, not sig_len.
    enforce(len >= 22 && valueLen <= len - 22, "Extension_Field:sig_len");
    at += 4;
    need(end, at, sigLen, "Extension_Field:signature");
    at += sigLen;
    if (at - start < len) {
      need(end, at, len - (at - start), "Extension_Field:pad");
      at = start + len;
    }
    n++;
  } while (end - at > MAX_TRAILER);
  return [n, at];
}

function standard(d: Uint8Array): NtpStandardMessage {
  need(d.length, 1, STD_FIXED, "NTP_std_msg:transmit_ts");
  const stratum = d[1]!;
  const m: NtpStandardMessage = {
    stratum,
    poll: 2 ** ((d[2]! << 24) >> 24),
    precision: 2 ** ((d[3]! << 24) >> 24),
    root_delay: shortTime(d, 4),
    root_disp: shortTime(d, 8),
    ref_time: timestamp(d, 16),
    org_time: timestamp(d, 24),
    rec_time: timestamp(d, 32),
    xmt_time: timestamp(d, 40),
    num_exts: 0,
  };
  if (stratum === 0) m.kiss_code = latin1(d.subarray(12, 16));
  else if (stratum === 1) m.ref_id = latin1(d.subarray(12, 16));
  else m.ref_addr = ipv4At(d, 12);
  let at = 1 + STD_FIXED;
  if (d.length - at > MAX_TRAILER) {
    [m.num_exts, at] = extensions(d, at);
  }
  const macLen = d.length - at;
  if (macLen === MAC_LEN || macLen === MAC_EXT_LEN) {
    m.key_id = u32(d, at);
    m.digest = latin1(d.subarray(at + 4, at + macLen));
  }
  return m;
}

function control(d: Uint8Array): NtpControlMessage {
  need(d.length, 1, CONTROL_FIXED, "NTP_control_msg:c");
  const b = d[1]!;
  const count = u16(d, 10);
  const at = 1 + CONTROL_FIXED;
  need(d.length, at, count, "NTP_control_msg:data");
  const m: NtpControlMessage = {
    op_code: b & 0x1f,
    resp_bit: (b & 0x80) !== 0,
    err_bit: (b & 0x40) !== 0,
    more_bit: (b & 0x20) !== 0,
    sequence: u16(d, 2),
    status: u16(d, 4),
    association_id: u16(d, 6),
  };
  if (count > 0) m.data = latin1(d.subarray(at, at + count));
  const macAt = at + count;
  if (d.length - macAt === CONTROL_MAC_LEN) {
    m.key_id = u32(d, macAt);
    m.crypto_checksum = latin1(d.subarray(macAt + 4, macAt + CONTROL_MAC_LEN));
  }
  return m;
}

function mode7(d: Uint8Array): NtpMode7Message {
  need(d.length, 1, MODE7_FIXED, "NTP_mode7_msg:err_and_data_len");
  const b = d[1]!;
  const errAndLen = u16(d, 4);
  const dataLen = errAndLen & 0x0fff;
  const at = 1 + MODE7_FIXED;
  need(d.length, at, dataLen, "NTP_mode7_msg:data");
  const auth = (b & 0x80) !== 0;
  if (auth) need(d.length, at + dataLen, MAC_LEN, "NTP_MAC:digest");
  const m: NtpMode7Message = {
    req_code: d[3]!,
    auth_bit: auth,
    sequence: b & 0x7f,
    implementation: d[2]!,
    err: (errAndLen & 0xf000) >> 12,
  };
  if (dataLen > 0) m.data = latin1(d.subarray(at, at + dataLen));
  return m;
}

/** Parses one datagram as Zeek's NTP_PDU; throws a BinpacError when it does not parse. */
export function parseNtp(d: Uint8Array): NtpMessage {
  need(d.length, 0, 1, "NTP_PDU:first_byte");
  const first = d[0]!;
  const mode = first & 7;
  const msg: NtpMessage = { version: (first >> 3) & 7, mode };
  if (mode >= 1 && mode <= 5) msg.std_msg = standard(d);
  else if (mode === MODE_CONTROL) msg.control_msg = control(d);
  else if (mode === MODE_PRIVATE) msg.mode7_msg = mode7(d);
  return msg;
}

/** Whether Zeek's NTP analyzer parses this datagram: only then does it turn the flow around (ntpRole). */
function ntpMessageParses(d: Uint8Array): boolean {
  try {
    parseNtp(d);
    return true;
  } catch (err) {
    if (err instanceof BinpacError) return false;
    throw err;
  }
}

class NtpAnalyzer implements DatagramAnalyzer {
  constructor(private readonly host: AnalyzerHost) {}

  deliverPacket(isOrig: boolean, data: Uint8Array): void {
    let msg: NtpMessage;
    try {
      msg = parseNtp(data);
    } catch (err) {
      if (!(err instanceof BinpacError)) throw err;
      this.host.violation(BINPAC_EXCEPTION + err.message);
      return;
    }
    const host = this.host;
    host.confirm();
    if (host.wants("ntp_message")) host.raise("ntp_message", host.conn(), isOrig, msg);
  }

  done(): void {}
}

/**
 * Zeek's NTP analyzer turns a UDP flow around on each message it parses
 * whose mode says the originator is the server (a server message from the
 * originator, a client message from the responder).
 */
function ntpRole(d: Uint8Array, start: number, end: number, isOrig: boolean): number {
  if (end <= start || !ntpMessageParses(d.subarray(start, end))) return 0;
  const mode = d[start]! & 7;
  const flip = (mode === NTP_MODE_SERVER && isOrig) || (mode === NTP_MODE_CLIENT && !isOrig);
  return ROLE_USED | (flip ? ROLE_FLIP : 0);
}

export const NTP: AnalyzerComponent = {
  name: "NTP",
  script: "base/protocols/ntp",
  udpPorts: [123],
  udpFlow: { role: ntpRole, sessionDone: true },
  datagram: (host) => new NtpAnalyzer(host),
};
