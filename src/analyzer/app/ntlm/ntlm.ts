/**
 * Zeek's NTLM analyzer: NTLMSSP negotiate, challenge and authenticate
 * messages. It has no port nor signature: GSSAPI (an SPNEGO mechToken
 * starting "NTLMSSP"), DCE-RPC (auth type 10) and SMB (raw NTLMSSP security
 * blobs) add it and hand it one whole token per deliverStream call, as
 * Zeek's BinPAC datagram flow reads each NewData as one message.
 *
 * As that grammar does: string fields are read from the payload after the
 * fixed part at their stated offsets (all as UTF-16LE, whatever the unicode
 * flag says), a version when the flag says so and the payload starts before
 * every string; the challenge's target information is read as AV pairs from
 * its offset up to an end-of-list pair or the end of the token (values sized
 * by their type, not their length field, for flags, timestamps, single-host
 * and channel-binding pairs; an unknown pair id ends the parse). A token that
 * parsed confirms NTLM; one whose fields run past its end is a violation
 * ("Binpac exception: …") and raises nothing; an unterminated AV list the
 * violation "NTLM AV Pair loop underflow", with the event.
 */
import { latin1 } from "../../../packet/bytes.js";
import type { AnalyzerComponent, AnalyzerHost, StreamAnalyzer } from "../analyzer.js";
import type { NtlmAuthenticate, NtlmAVs, NtlmChallenge, NtlmNegotiate, NtlmNegotiateFlags, NtlmVersion } from "./events.js";
import "./events.js";

/** A field past the token's end (BinPAC's out-of-bound exception). */
class OutOfBound extends Error {}

function u16(d: Uint8Array, at: number): number {
  if (at + 2 > d.length) throw new OutOfBound(`out_of_bound: ${at + 2} > ${d.length}`);
  return d[at]! | (d[at + 1]! << 8);
}

function u32(d: Uint8Array, at: number): number {
  if (at + 4 > d.length) throw new OutOfBound(`out_of_bound: ${at + 4} > ${d.length}`);
  return (d[at]! | (d[at + 1]! << 8) | (d[at + 2]! << 16) | (d[at + 3]! << 24)) >>> 0;
}

function u64(d: Uint8Array, at: number): number {
  return u32(d, at) + u32(d, at + 4) * 0x100000000;
}

function slice(d: Uint8Array, at: number, n: number): Uint8Array {
  if (at < 0 || at + n > d.length) throw new OutOfBound(`out_of_bound: ${at + n} > ${d.length}`);
  return d.subarray(at, at + n);
}

/**
 * Zeek's utf16_to_utf8_val: UTF-16LE (an odd last byte taken with a zero
 * high byte) to UTF-8 with a lenient conversion (lone surrogates are encoded
 * as they are), cut at the first NUL; as event strings hold one byte per
 * character, the UTF-8 bytes as latin1. Text ending inside a surrogate pair
 * is the conversion's one failure: Zeek then keeps the raw bytes and reports
 * `utf16_conversion_failed` (through `onFailure`).
 */
export function utf16ToUtf8(b: Uint8Array, onFailure?: () => void): string {
  const units = (b.length + 1) >> 1;
  // At most 3 UTF-8 bytes per unit (4 per surrogate pair: 2 per unit).
  const out = new Uint8Array(units * 3);
  let n = 0;
  for (let k = 0; k < units; k++) {
    let cp = b[2 * k]! | ((b[2 * k + 1] ?? 0) << 8);
    if (cp >= 0xd800 && cp <= 0xdbff) {
      if (k === units - 1) {
        onFailure?.();
        return latin1(b);
      }
      const next = b[2 * k + 2]! | ((b[2 * k + 3] ?? 0) << 8);
      if (next >= 0xdc00 && next <= 0xdfff) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (next - 0xdc00);
        k++;
      }
    }
    if (cp < 0x80) out[n++] = cp;
    else if (cp < 0x800) {
      out[n++] = 0xc0 | (cp >> 6);
      out[n++] = 0x80 | (cp & 0x3f);
    } else if (cp < 0x10000) {
      out[n++] = 0xe0 | (cp >> 12);
      out[n++] = 0x80 | ((cp >> 6) & 0x3f);
      out[n++] = 0x80 | (cp & 0x3f);
    } else {
      out[n++] = 0xf0 | (cp >> 18);
      out[n++] = 0x80 | ((cp >> 12) & 0x3f);
      out[n++] = 0x80 | ((cp >> 6) & 0x3f);
      out[n++] = 0x80 | (cp & 0x3f);
    }
  }
  const text = out.subarray(0, n);
  const nul = text.indexOf(0);
  return latin1(nul < 0 ? text : text.subarray(0, nul));
}

/** NTLMSSP's negotiate flags as NTLM::NegotiateFlags. */
function flagRecord(f: number): NtlmNegotiateFlags {
  const bit = (m: number): boolean => (f & m) !== 0;
  return {
    negotiate_56: bit(0x80000000),
    negotiate_key_exch: bit(0x40000000),
    negotiate_128: bit(0x20000000),
    negotiate_version: bit(0x02000000),
    negotiate_target_info: bit(0x00800000),
    request_non_nt_session_key: bit(0x00400000),
    negotiate_identify: bit(0x00100000),
    negotiate_extended_sessionsecurity: bit(0x00080000),
    target_type_server: bit(0x00020000),
    target_type_domain: bit(0x00010000),
    negotiate_always_sign: bit(0x00008000),
    negotiate_oem_workstation_supplied: bit(0x00002000),
    negotiate_oem_domain_supplied: bit(0x00001000),
    negotiate_anonymous_connection: bit(0x00000800),
    negotiate_ntlm: bit(0x00000200),
    negotiate_lm_key: bit(0x00000080),
    negotiate_datagram: bit(0x00000040),
    negotiate_seal: bit(0x00000020),
    negotiate_sign: bit(0x00000010),
    request_target: bit(0x00000004),
    negotiate_oem: bit(0x00000002),
    negotiate_unicode: bit(0x00000001),
  };
}

const F_VERSION = 0x02000000;
const F_TARGET_INFO = 0x00800000;
const F_WORKSTATION = 0x00002000;
const F_DOMAIN = 0x00001000;
const F_REQUEST_TARGET = 0x00000004;

/** An NTLMSSP string field's descriptor: length, max length, offset from the token's start. */
interface StringField {
  length: number;
  offset: number;
}

function field(d: Uint8Array, at: number): StringField {
  return { length: u16(d, at), offset: u32(d, at + 4) };
}

/** The field's bytes: `payloadAt` is where the payload (after the fixed part) starts in the token. */
function fieldBytes(d: Uint8Array, f: StringField, payloadAt: number): Uint8Array {
  if (f.offset < payloadAt) throw new OutOfBound(`out_of_bound: NTLM_String: offset ${f.offset} before the payload at ${payloadAt}`);
  return slice(d, f.offset, f.length);
}

function version(d: Uint8Array, at: number): NtlmVersion {
  slice(d, at, 8);
  return { major: d[at]!, minor: d[at + 1]!, build: u16(d, at + 2), ntlmssp: d[at + 7]! };
}

export class NtlmAnalyzer implements StreamAnalyzer {
  constructor(private readonly host: AnalyzerHost) {}

  private readonly failed = (): void => this.host.weird("utf16_conversion_failed", "utf16 conversion failed in utf16_to_utf8_val", "");

  private text(b: Uint8Array): string {
    return utf16ToUtf8(b, this.failed);
  }

  deliverStream(_isOrig: boolean, _seq: number, data: Uint8Array): void {
    try {
      slice(data, 0, 8);
      const type = u32(data, 8);
      if (type === 1) this.negotiate(data);
      else if (type === 2) this.challenge(data);
      else if (type === 3) this.authenticate(data);
    } catch (err) {
      if (!(err instanceof OutOfBound)) throw err;
      this.host.violation(`Binpac exception: binpac exception: ${err.message}`);
      return;
    }
    this.host.confirm();
  }

  private negotiate(d: Uint8Array): void {
    const flags = u32(d, 12);
    const domain = field(d, 16);
    const workstation = field(d, 24);
    const payloadAt = 32;
    const msg: NtlmNegotiate = { flags: flagRecord(flags) };
    if ((flags & F_VERSION) !== 0 && payloadAt < Math.min(domain.offset, workstation.offset)) msg.version = version(d, payloadAt);
    if ((flags & F_DOMAIN) !== 0) msg.domain_name = this.text(fieldBytes(d, domain, payloadAt));
    if ((flags & F_WORKSTATION) !== 0) msg.workstation = this.text(fieldBytes(d, workstation, payloadAt));
    if (this.host.wants("ntlm_negotiate")) this.host.raise("ntlm_negotiate", this.host.conn(), msg);
  }

  private challenge(d: Uint8Array): void {
    const targetName = field(d, 12);
    const flags = u32(d, 20);
    const challenge = u64(d, 24);
    slice(d, 32, 8);
    const targetInfo = field(d, 40);
    const payloadAt = 48;
    const msg: NtlmChallenge = { flags: flagRecord(flags), challenge };
    if ((flags & F_VERSION) !== 0 && payloadAt < Math.min(targetName.offset, targetInfo.offset)) msg.version = version(d, payloadAt);
    if ((flags & F_REQUEST_TARGET) !== 0) msg.target_name = this.text(fieldBytes(d, targetName, payloadAt));
    if ((flags & F_TARGET_INFO) !== 0) msg.target_info = this.avPairs(d, targetInfo, payloadAt);
    if (this.host.wants("ntlm_challenge")) this.host.raise("ntlm_challenge", this.host.conn(), msg);
  }

  /** The target information's AV pairs, from its offset to an end-of-list pair or the token's end. */
  private avPairs(d: Uint8Array, info: StringField, payloadAt: number): NtlmAVs {
    if (info.offset < payloadAt || info.offset > d.length) throw new OutOfBound(`out_of_bound: NTLM_AV_Pair_Sequence: offset ${info.offset}`);
    const avs: NtlmAVs = {};
    let at = info.offset;
    while (at < d.length) {
      const id = u16(d, at);
      const length = u16(d, at + 2);
      at += 4;
      switch (id) {
        case 0x0000:
          return avs;
        case 0x0001:
        case 0x0002:
        case 0x0003:
        case 0x0004:
        case 0x0005:
        case 0x0009: {
          const text = this.text(slice(d, at, length));
          at += length;
          if (id === 1) avs.nb_computer_name = text;
          else if (id === 2) avs.nb_domain_name = text;
          else if (id === 3) avs.dns_computer_name = text;
          else if (id === 4) avs.dns_domain_name = text;
          else if (id === 5) avs.dns_tree_name = text;
          else avs.target_name = text;
          break;
        }
        case 0x0006:
          avs.constrained_auth = (u32(d, at) & 1) !== 0;
          at += 4;
          break;
        case 0x0007:
          avs.timestamp = u64(d, at) / 1e7 - 11644473600;
          at += 8;
          break;
        case 0x0008: {
          // size, 4 reserved bytes, data-present flags, custom data when flagged, machine id: as Zeek reads it.
          const present = u32(d, at + 8);
          at += (present & 1) !== 0 ? 16 : 12;
          avs.single_host_id = u32(d, at);
          at += 4;
          break;
        }
        case 0x000a:
          u16(d, at);
          at += 2;
          break;
        default:
          throw new OutOfBound(`invalid index for case: NTLM_AV_Pair: ${id}`);
      }
    }
    if (info.length !== 0) this.host.violation("NTLM AV Pair loop underflow");
    return avs;
  }

  private authenticate(d: Uint8Array): void {
    const nt = field(d, 20);
    const domain = field(d, 28);
    const user = field(d, 36);
    const workstation = field(d, 44);
    const key = field(d, 52);
    const flags = u32(d, 60);
    const payloadAt = 64;
    const msg: NtlmAuthenticate = { flags: flagRecord(flags) };
    if ((flags & F_VERSION) !== 0 && payloadAt < Math.min(domain.offset, user.offset, workstation.offset, key.offset)) msg.version = version(d, payloadAt);
    if (nt.length > 0) msg.response = latin1(fieldBytes(d, nt, payloadAt));
    if (domain.length > 0) msg.domain_name = this.text(fieldBytes(d, domain, payloadAt));
    if (user.length > 0) msg.user_name = this.text(fieldBytes(d, user, payloadAt));
    if (workstation.length > 0) msg.workstation = this.text(fieldBytes(d, workstation, payloadAt));
    if (key.length > 0) msg.session_key = latin1(fieldBytes(d, key, payloadAt));
    if (this.host.wants("ntlm_authenticate")) this.host.raise("ntlm_authenticate", this.host.conn(), msg);
  }

  undelivered(): void {}
  endOfData(): void {}
  done(): void {}
}

export const NTLM: AnalyzerComponent = {
  name: "NTLM",
  script: "base/protocols/ntlm",
  detached: true,
  stream: (host) => new NtlmAnalyzer(host),
};
