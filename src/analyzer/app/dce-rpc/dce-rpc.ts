/**
 * Zeek's DCE_RPC analyzer: connection-oriented DCE-RPC (v5) PDUs, over TCP
 * (port 135, the DPD signature) or over an SMB named pipe (SMB adds one
 * instance per pipe with the pipe's fid as its childKey).
 *
 * Each side's bytes are cut into PDUs by the 16-byte header's frag_length.
 * As Zeek's BinPAC flow does:
 * - dce_rpc_message comes once the header is in; the rest once the whole PDU
 *   is (an auth trailer first: dce_rpc_auth and the blob to GSSAPI (type 9)
 *   or NTLM (10), weirds for SCHANNEL, NETLOGON and unknown providers; then
 *   the body's events; then the confirmation);
 * - fragments (first/last flags) are gathered per call id, per side, up to
 *   DCE_RPC::max_cmd_reassembly calls and DCE_RPC::max_frag_data bytes each;
 *   beyond them, or on a second first fragment, a weird and the analyzer
 *   skips all further input (SetSkip); a later fragment without a first is
 *   ignored;
 * - only bind, bind_ack, alter_context(_resp), request and response bodies
 *   are read; a response carries the opnum of the last request on its
 *   context id (0 when none);
 * - after a content gap nothing more is parsed; a version other than 5 or a
 *   body shorter than its fields is a violation (DCE_RPC is in
 *   DPD::ignore_violations, so it stays).
 */

import { latin1 } from "../../../packet/bytes.js";
import type { AnalyzerComponent, AnalyzerHost, ChildStream, StreamAnalyzer } from "../analyzer.js";
import type { Signature } from "../signature.js";
import { PTYPE_NAMES } from "./events.js";

const HEADER = 16;

const PTYPE_REQUEST = 0;
const PTYPE_RESPONSE = 2;
const PTYPE_BIND = 11;
const PTYPE_BIND_ACK = 12;
const PTYPE_ALTER_CONTEXT = 14;
const PTYPE_ALTER_CONTEXT_RESP = 15;

/** A body or trailer shorter than its fields (BinPAC's out-of-bound exception). */
class Truncated extends Error {}

/** Little- or big-endian reads over one PDU or body (NDR's data representation). */
/** A 16-bit field at `at`, in the PDU's byte order. */
function u16At(d: Uint8Array, at: number, little: boolean): number {
  return little ? d[at]! | (d[at + 1]! << 8) : (d[at]! << 8) | d[at + 1]!;
}

/** The header's data representation: little-endian integers (the first nibble of byte 4). */
function isLittle(d: Uint8Array, at: number): boolean {
  return d[at + 4]! >> 4 !== 0;
}

/** The PDU body's length from the header's frag and auth lengths (negative when they do not add up). */
function bodyLengthOf(fragLength: number, authLength: number): number {
  return fragLength - HEADER - authLength - (authLength > 0 ? 8 : 0);
}

class View {
  constructor(
    readonly d: Uint8Array,
    readonly little: boolean,
  ) {}

  need(at: number, n: number, what: string): void {
    if (at + n > this.d.length) throw new Truncated(`out_of_bound: ${what}: ${at + n} > ${this.d.length}`);
  }
  u16(at: number): number {
    return u16At(this.d, at, this.little);
  }
  u32(at: number): number {
    const d = this.d;
    return this.little
      ? (d[at]! | (d[at + 1]! << 8) | (d[at + 2]! << 16) | (d[at + 3]! << 24)) >>> 0
      : ((d[at]! << 24) | (d[at + 1]! << 16) | (d[at + 2]! << 8) | d[at + 3]!) >>> 0;
  }
}

/** One side's PDU being gathered, and its fragmented calls. */
class Side {
  buf: Uint8Array | null = null;
  have = 0;
  /** dce_rpc_message was raised for the PDU whose header is in `buf`. */
  announced = false;
  /** Fragment bodies by call id (Zeek's per-flow FlowBuffer map). */
  readonly frags = new Map<number, { parts: Uint8Array[]; size: number }>();
}

export class DceRpcAnalyzer implements StreamAnalyzer {
  private readonly sides = [new Side(), new Side()];
  private hadGap = false;
  private skip = false;
  /** Opnum of the last request per context id (Zeek's cont_id_opnum_map). */
  private readonly ctxOpnum = new Map<number, number>();
  private gssapi: ChildStream | null = null;
  private ntlm: ChildStream | null = null;
  private readonly fid: number;

  constructor(private readonly host: AnalyzerHost) {
    this.fid = host.childKey;
  }

  deliverStream(isOrig: boolean, _seq: number, data: Uint8Array): void {
    if (this.hadGap || this.skip) return;
    const side = this.sides[isOrig ? 0 : 1]!;
    let i = 0;
    while (i < data.length && !this.skip) {
      // Whole PDUs in the chunk are read where they are, not copied into the side's buffer.
      if (side.have === 0 && data.length - i >= HEADER) {
        const used = this.wholePdu(isOrig, side, data, i);
        if (used > 0) {
          i += used;
          continue;
        }
      }
      // The header first: it sizes the PDU.
      if (side.have < HEADER) {
        const take = Math.min(HEADER - side.have, data.length - i);
        if (side.buf === null || side.buf.length < HEADER) side.buf = new Uint8Array(HEADER);
        side.buf.set(data.subarray(i, i + take), side.have);
        side.have += take;
        i += take;
        if (side.have < HEADER) return;
      }
      const head = side.buf!;
      const v = new View(head, isLittle(head, 0));
      const fragLength = v.u16(8);
      const authLength = v.u16(10);
      if (!side.announced) {
        if (head[0] !== 5) {
          this.host.violation(`Binpac exception: binpac exception: &enforce violation : DCE_RPC_Header:rpc_vers`);
          this.reset(side);
          return;
        }
        side.announced = true;
        this.announce(isOrig, head[2]!);
      }
      const bodyLength = bodyLengthOf(fragLength, authLength);
      if (bodyLength < 0) {
        // The numbers as Zeek's runs print them (socks.pcap, socks-with-ssl.pcap): its BinPAC code
        // counts the fragment from the frame's start, which is at least the header long.
        const zeekBody = fragLength - authLength - (authLength > 0 ? 8 : 0);
        this.host.violation(`Binpac exception: binpac exception: out_of_bound: DCE_RPC_PDU:frag: ${zeekBody} > ${Math.max(fragLength, HEADER)}`);
        this.reset(side);
        return;
      }
      if (side.buf!.length < fragLength) {
        const grown = new Uint8Array(fragLength);
        grown.set(side.buf!.subarray(0, side.have));
        side.buf = grown;
      }
      const take = Math.min(fragLength - side.have, data.length - i);
      side.buf!.set(data.subarray(i, i + take), side.have);
      side.have += take;
      i += take;
      if (side.have < fragLength) return;
      const pdu = side.buf!.subarray(0, fragLength);
      side.have = 0;
      side.announced = false;
      this.pdu(isOrig, side, new View(pdu, v.little), bodyLength, authLength);
      // The PDU buffer is reused; drop one grown for a large PDU.
      if (side.buf!.length > 4096) side.buf = null;
    }
  }

  /**
   * The PDU at `at` when the chunk holds all of it (as the buffered path
   * would read it): its length, or 0 when it is not whole or not well
   * formed (the buffered path reads or reports it).
   */
  private wholePdu(isOrig: boolean, side: Side, data: Uint8Array, at: number): number {
    const little = isLittle(data, at);
    const fragLength = u16At(data, at + 8, little);
    if (fragLength < HEADER || data.length - at < fragLength) return 0;
    const authLength = u16At(data, at + 10, little);
    const bodyLength = bodyLengthOf(fragLength, authLength);
    // Bad versions and lengths take the buffered path, which reports them.
    if (data[at] !== 5 || bodyLength < 0) return 0;
    this.announce(isOrig, data[at + 2]!);
    this.pdu(isOrig, side, new View(data.subarray(at, at + fragLength), little), bodyLength, authLength);
    return fragLength;
  }

  /** dce_rpc_message for a PDU of type `ptype` whose header was read. */
  private announce(isOrig: boolean, ptype: number): void {
    if (this.host.wants("dce_rpc_message")) this.host.raise("dce_rpc_message", this.host.conn(), isOrig, this.fid, ptype, PTYPE_NAMES[ptype] ?? "");
  }

  /** A BinPAC exception: the PDU being read and the rest of the chunk are dropped. */
  private reset(side: Side): void {
    side.have = 0;
    side.announced = false;
  }

  private pdu(isOrig: boolean, side: Side, v: View, bodyLength: number, authLength: number): void {
    const d = v.d;
    const ptype = d[2]!;
    const flags = d[3]!;
    const callId = v.u32(12);
    const frag = d.subarray(HEADER, HEADER + bodyLength);
    try {
      if (authLength > 0) this.auth(isOrig, new View(d.subarray(HEADER + bodyLength), v.little), authLength);
      const body = this.reassemble(side, callId, flags, frag);
      if (body !== null) this.body(ptype, flags, new View(body, v.little));
    } catch (err) {
      if (!(err instanceof Truncated)) throw err;
      this.host.violation(`Binpac exception: binpac exception: ${err.message}`);
      return;
    }
    this.host.confirm();
  }

  private auth(isOrig: boolean, t: View, authLength: number): void {
    t.need(0, 8 + authLength, "DCE_RPC_Auth");
    const type = t.d[0]!;
    if (this.host.wants("dce_rpc_auth")) this.host.raise("dce_rpc_auth", this.host.conn(), isOrig, this.fid, type, t.d[1]!, t.u32(4));
    const blob = t.d.subarray(8, 8 + authLength);
    switch (type) {
      case 0x09:
        this.gssapi ??= this.host.addChild("GSSAPI", { detached: true });
        if (this.gssapi?.active) this.gssapi.deliverStream(isOrig, 0, blob);
        break;
      case 0x0a:
        this.ntlm ??= this.host.addChild("NTLM", { detached: true });
        if (this.ntlm?.active) this.ntlm.deliverStream(isOrig, 0, blob);
        break;
      case 0x10:
        // Zeek hands raw Kerberos to a KRB analyzer's DeliverStream, which a
        // datagram analyzer ignores: nothing comes of it.
        break;
      case 0x0e:
        this.host.weird("tls_dce_rpc_auth_type", `${type}`);
        break;
      case 0x44:
        this.host.weird("netlogon_dce_rpc_auth_type", `${type}`);
        break;
      default:
        this.host.weird("unknown_dce_rpc_auth_type", `${type}`);
    }
  }

  /** The body to read (the fragment's, or the whole call's at its last fragment), or null when there is none yet. */
  private reassemble(side: Side, callId: number, flags: number, frag: Uint8Array): Uint8Array | null {
    const first = (flags & 1) !== 0;
    const last = (flags & 2) !== 0;
    const entry = side.frags.get(callId);
    if (first) {
      if (entry !== undefined) {
        this.host.weird("multiple_first_fragments_in_dce_rpc_reassembly");
        this.skip = true;
        return null;
      }
      if (last) return frag;
      side.frags.set(callId, { parts: [frag.slice()], size: frag.length });
      if (side.frags.size > this.host.settings["DCE_RPC::max_cmd_reassembly"]) {
        this.host.weird("too_many_dce_rpc_msgs_in_reassembly");
        this.skip = true;
      }
      if (frag.length > this.host.settings["DCE_RPC::max_frag_data"]) {
        this.host.weird("too_much_dce_rpc_fragment_data");
        this.skip = true;
      }
      return null;
    }
    if (entry === undefined) return null;
    entry.parts.push(frag.slice());
    entry.size += frag.length;
    if (entry.size > this.host.settings["DCE_RPC::max_frag_data"]) {
      this.host.weird("too_much_dce_rpc_fragment_data");
      this.skip = true;
    }
    if (!last) return null;
    side.frags.delete(callId);
    const whole = new Uint8Array(entry.size);
    let at = 0;
    for (const p of entry.parts) {
      whole.set(p, at);
      at += p.length;
    }
    return whole;
  }

  private body(ptype: number, flags: number, b: View): void {
    switch (ptype) {
      case PTYPE_BIND:
        this.contexts(b, "dce_rpc_bind");
        break;
      case PTYPE_ALTER_CONTEXT:
        this.contexts(b, "dce_rpc_alter_context");
        break;
      case PTYPE_BIND_ACK:
      case PTYPE_ALTER_CONTEXT_RESP:
        this.ack(b, ptype === PTYPE_BIND_ACK);
        break;
      case PTYPE_REQUEST:
        this.request(b, (flags & 0x80) !== 0);
        break;
      case PTYPE_RESPONSE:
        this.response(b);
        break;
    }
  }

  /** A bind's or alter_context's presentation contexts: one event each, as each is read. */
  private contexts(b: View, event: "dce_rpc_bind" | "dce_rpc_alter_context"): void {
    b.need(0, 12, "ContextList");
    const n = b.d[8]!;
    let at = 12;
    for (let k = 0; k < n; k++) {
      b.need(at, 24, "ContextRequest");
      const syntaxes = b.d[at + 2]!;
      b.need(at + 24, 20 * syntaxes, "ContextRequest:transfer_syntaxes");
      if (this.host.wants(event)) {
        const uuid = latin1(b.d.subarray(at + 4, at + 20));
        this.host.raise(event, this.host.conn(), this.fid, b.u16(at), uuid, b.u16(at + 20), b.u16(at + 22));
      }
      at += 24 + 20 * syntaxes;
    }
  }

  /** A bind_ack or alter_context_resp: its event once the whole body was read. */
  private ack(b: View, bindAck: boolean): void {
    b.need(0, 10, "DCE_RPC_Bind_Ack");
    const secLength = b.u16(8);
    b.need(10, secLength, "DCE_RPC_Bind_Ack:sec_addr");
    const aligned = (10 + secLength + 3) & ~3;
    b.need(aligned, 4, "ContextList");
    const n = b.d[aligned]!;
    b.need(aligned + 4, 24 * n, "ContextList:reply_contexts");
    if (bindAck) {
      if (!this.host.wants("dce_rpc_bind_ack")) return;
      let sec = b.d.subarray(10, 10 + secLength);
      if (sec.length > 0 && sec[sec.length - 1] === 0) sec = sec.subarray(0, sec.length - 1);
      this.host.raise("dce_rpc_bind_ack", this.host.conn(), this.fid, latin1(sec));
    } else if (this.host.wants("dce_rpc_alter_context_resp")) this.host.raise("dce_rpc_alter_context_resp", this.host.conn(), this.fid);
  }

  private request(b: View, hasObject: boolean): void {
    const stubAt = hasObject ? 24 : 8;
    b.need(0, stubAt, "DCE_RPC_Request");
    const ctx = b.u16(4);
    const opnum = b.u16(6);
    const stub = b.d.subarray(stubAt);
    if (this.host.wants("dce_rpc_request")) this.host.raise("dce_rpc_request", this.host.conn(), this.fid, ctx, opnum, stub.length);
    if (this.host.wants("dce_rpc_request_stub")) this.host.raise("dce_rpc_request_stub", this.host.conn(), this.fid, ctx, opnum, latin1(stub));
    this.ctxOpnum.set(ctx, opnum);
  }

  private response(b: View): void {
    b.need(0, 8, "DCE_RPC_Response");
    const ctx = b.u16(4);
    const opnum = this.ctxOpnum.get(ctx) ?? 0;
    const stub = b.d.subarray(8);
    if (this.host.wants("dce_rpc_response")) this.host.raise("dce_rpc_response", this.host.conn(), this.fid, ctx, opnum, stub.length);
    if (this.host.wants("dce_rpc_response_stub")) this.host.raise("dce_rpc_response_stub", this.host.conn(), this.fid, ctx, opnum, latin1(stub));
  }

  undelivered(): void {
    this.hadGap = true;
  }

  endOfData(): void {}

  done(): void {
    for (const s of this.sides) {
      s.buf = null;
      s.frags.clear();
    }
  }
}

/** Zeek's base/protocols/dce-rpc/dpd.sig. */
const SIGNATURES: readonly Signature[] = [{ id: "dpd_dce_rpc", proto: "tcp", payload: "\\x05[\\x00\\x01][\\x00-\\x13]", enable: "dce_rpc" }];

export const DCE_RPC: AnalyzerComponent = {
  name: "DCE_RPC",
  script: "base/protocols/dce-rpc",
  tcpPorts: [135],
  signatures: SIGNATURES,
  stream: (host) => new DceRpcAnalyzer(host),
};
