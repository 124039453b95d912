/**
 * Zeek's SMB analyzer (analyzer/protocol/smb): SMB1 and SMB2/3 over TCP
 * (ports 139 and 445, or the dpd_smb signature), read as Zeek's BinPAC
 * grammar reads it.
 *
 * - Framing: the 4-byte NetBIOS session header (type, 24-bit length); a
 *   session message (type 0) holds one SMB1 message, or a chain of SMB2
 *   PDUs linked by next_command (compounded requests), or an SMB3 transform
 *   header; other types (session request, keep-alive) are skipped. A side's
 *   frames are buffered until whole (bounded by MAX_FRAME).
 * - Sync: at the start and after a content gap, a delivered chunk is used
 *   only when it has "\xffSMB" or "\xfeSMB" at offset 4 (Zeek's
 *   HasSMBHeader); a parse error is the violation "Binpac exception: …" and
 *   drops both sides' buffers until the next such chunk.
 * - Stale parse units: dropping the buffers (a gap or a parse error) leaves
 *   each side's BinPAC flow unit where it was (waiting for the next frame's
 *   4 header bytes, or inside a frame), with an empty frame to read. So the
 *   first chunk a side delivers after a resync, though it starts with a
 *   header, fails (out_of_bound on the header's length, or on the frame's
 *   message type), is lost, and resyncs both sides again; the unit is then
 *   gone and the side's next header chunk parses. A side that delivered
 *   nothing since its unit was dropped has no unit to trip over. (The
 *   violation shows only on connections without gaps: Zeek's TCP
 *   application analyzers drop theirs after a gap.)
 * - Confirmation after three chunks parsed without error (Zeek's count).
 * - Files: read responses and write requests on trees that are not pipes
 *   go to the files framework at their file offsets, named by the smb
 *   script's get_file_handle (asked after draining the events, as Zeek's
 *   file manager does); close requests end the current file.
 * - Children: session-setup (and negotiate) security blobs go to GSSAPI,
 *   or to NTLM when a blob is raw NTLMSSP; named-pipe data (reads/writes on
 *   pipe trees, FSCTL_PIPE_TRANSCEIVE ioctls, SMB1 \PIPE\ transactions) goes
 *   to one DCE_RPC child per file id (SMB1: one for fid 0, as Zeek),
 *   at most SMB::max_dce_rpc_analyzers of them (a new pipe past it removes
 *   them all first, after smb_discarded_dce_rpc_analyzers; 0: no bound).
 * - Bounded state: a request about to be remembered in a pending map (tree
 *   ids, read offsets and file ids, ioctl file ids) that already holds
 *   SMB::max_pending_messages entries raises smb2_discarded_messages_state
 *   ("tree", "read", "ioctl") and clears that map first, as Zeek (0: no
 *   bound). Both settings are const &redef in Zeek: read once per analyzer.
 */
import { DOUBLE_ZERO } from "../../../doubles.js";
import { latin1 } from "../../../packet/bytes.js";
import type { AnalyzerComponent, AnalyzerHost, ChildStream, StreamAnalyzer } from "../analyzer.js";
import { BINPAC_EXCEPTION, BinpacError, utf16ToUtf8Val } from "../binpac.js";
import type {
  Smb1Header,
  Smb1NegotiateCapabilities,
  Smb1NegotiateResponse,
  Smb1NegotiateResponseLanman,
  Smb1NegotiateResponseNtlm,
  Smb1NegotiateSecurity,
  Smb1SessionSetupAndXCapabilities,
  Smb1SessionSetupAndXRequest,
  Smb1SessionSetupAndXResponse,
  Smb1Trans2Args,
  Smb1TransSecArgs,
  Smb2FileAttrs,
  Smb2FileEA,
  Smb2Guid,
  Smb2Header,
  Smb2NegotiateContextValue,
  SmbMacTimes,
} from "./events.js";
import "./events.js";
import { smbFileHandle } from "./script.js";

/** The largest NetBIOS frame buffered (the 24-bit length allows 16 MiB; SMB2 reads are at most 8 MiB). */
const MAX_FRAME = 1 << 24;
/** The largest frame buffer kept for the next frame: 64 KiB of data with its headers, the common read and write size. */
const MAX_KEPT_BUFFER = 65536 + 1024;
/** SMB1's pending reads and transactions remembered at most (Zeek bounds them only by the 16-bit mid; not SMB::max_pending_messages). */
const MAX_SMB1_PENDING = 1000;
/** Pipe trees remembered per connection (Zeek keeps them all; real sessions have a handful). */
const MAX_TREES = 10000;
/** SMB::max_andx_depth. */
const MAX_ANDX_DEPTH = 10;
/** SMB::pipe_filenames (base/protocols/smb/consts.zeek). */
const PIPE_FILENAMES = new Set(["spoolss", "winreg", "samr", "srvsvc", "netdfs", "lsarpc", "wkssvc", "MsFteWds"]);

/** A side's BinPAC flow unit (SMB_TCP): none yet (or deleted by a parse error), in use, or left over from a resync. */
const enum UnitState {
  None,
  Current,
  /** Waiting for the next frame's 4 header bytes when the buffers were dropped. */
  StaleHeader,
  /** Inside a frame (its length read) when the buffers were dropped. */
  StaleFrame,
}
/** What a left-over unit's read of its empty frame fails with: the header's length (uint24, from offset 1 of 0 bytes), or the frame's message type. */
const STALE_HEADER_ERROR = "out_of_bound: uint24: 3 > -1";
const STALE_FRAME_ERROR = "out_of_bound: SMB_TCP:message_type: 1 > 0";

const STATUS_PENDING = 0x00000103;
const STATUS_BUFFER_OVERFLOW = 0x80000005;
const STATUS_INVALID_PARAMETER = 0xc000000d;
const STATUS_MORE_PROCESSING_REQUIRED = 0xc0000016;
const STATUS_NOTIFY_ENUM_DIR = 0x0000010c;
const FSCTL_PIPE_TRANSCEIVE = 0x0011c017;
const SMB2_HEADER_LEN = 64;
const SMB1_HEADER_LEN = 32;

/** Zeek's filetime2zeektime. */
function filetimeToTime(ft: bigint): number {
  return Number(ft) / 10000000.0 - 11644473600.0;
}

/** Zeek's SMB_BuildMACTimes(modify, access, create, change). */
export function macTimes(modify: bigint, access: bigint, create: bigint, change: bigint): SmbMacTimes {
  return {
    modified: filetimeToTime(modify),
    modified_raw: modify,
    accessed: filetimeToTime(access),
    accessed_raw: access,
    created: filetimeToTime(create),
    created_raw: create,
    changed: filetimeToTime(change),
    changed_raw: change,
  };
}

function fileAttrs(flags: number): Smb2FileAttrs {
  return {
    flags,
    read_only: (flags & 0x1) !== 0,
    hidden: (flags & 0x2) !== 0,
    system: (flags & 0x4) !== 0,
    directory: (flags & 0x10) !== 0,
    archive: (flags & 0x20) !== 0,
    normal: (flags & 0x80) !== 0,
  };
}

/** A bounded reader over one frame: every read past `end` is BinPAC's out_of_bound. */
class Reader {
  readonly view: DataView;
  pos: number;
  constructor(
    readonly d: Uint8Array,
    start: number,
    readonly end: number,
  ) {
    this.view = new DataView(d.buffer, d.byteOffset, d.length);
    this.pos = start;
  }
  /** `n` bytes must follow; BinPAC words the failure from the start of the record (`rec`) being parsed. */
  need(n: number, where: string, rec = this.pos): void {
    if (n < 0) throw new BinpacError(`invalid length for string ${where}: ${n}`);
    if (this.pos + n > this.end) throw new BinpacError(`out_of_bound: ${where}: ${this.pos - rec + n} > ${this.end - rec}`);
  }
  u8(): number {
    return this.d[this.pos++] ?? 0;
  }
  u16(): number {
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }
  u32(): number {
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }
  /** A 64-bit count as a number (rounded above 2^53). */
  u64(): number {
    const lo = this.view.getUint32(this.pos, true);
    const hi = this.view.getUint32(this.pos + 4, true);
    this.pos += 8;
    return hi * 0x100000000 + lo;
  }
  u64big(): bigint {
    const v = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    return v;
  }
  bytes(n: number, where: string, rec = this.pos): Uint8Array {
    this.need(n, where, rec);
    const b = this.d.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
  /**
   * BinPAC's `padding to X` (X relative to the record's start `base`): a
   * target behind the position skips nothing; one past the end is out of bound.
   */
  padTo(base: number, target: number, where: string): void {
    const to = base + target;
    if (to > this.end) throw new BinpacError(`out_of_bound: ${where}: ${target} > ${this.end - to}`);
    if (to > this.pos) this.pos = to;
  }
}

const U64_MASK = (1n << 64n) - 1n;

/** A little-endian int64 as a number (exact within 2^53). */
function readInt64(r: Reader): number {
  const v = Number(r.view.getBigInt64(r.pos, true));
  r.pos += 8;
  return v;
}

/** An SMB2 file id's two halves. */
function readGuid(r: Reader): Smb2Guid {
  const persistent = r.u64big();
  const volatile = r.u64big();
  return { persistent, volatile };
}

/** The scripts' key for a file id (the halves' sum modulo 2^64, Zeek's `persistent + volatile`): made only where a pipe needs it. */
function fidOf(g: Smb2Guid): bigint {
  return (g.persistent + g.volatile) & U64_MASK;
}

/** What the parser keeps of one SMB2 header. */
interface Smb2Hdr {
  /** The header as the events carry it: one record per PDU, shared by its events (no handler writes to it). */
  pub: Smb2Header;
  command: number;
  status: number;
  message_id: number;
  tree_id: number;
  next_command: number;
  /** The header's own length field: Zeek's grammar measures the message's offsets from it. */
  head_length: number;
  /** The tree the request named (a response's own tree id may be 0). */
  is_pipe: boolean;
}

class SmbAnalyzer implements StreamAnalyzer {
  private needSync = true;
  private chunks = 0;
  /** Each side's BinPAC flow unit ([orig, resp]): none, current, or left over from a resync (waiting for a header, or inside a frame). */
  private readonly unit: [UnitState, UnitState] = [UnitState.None, UnitState.None];
  /** Each side's partial NetBIOS frame ([orig, resp]) and its fill. */
  private readonly buf: [Uint8Array, Uint8Array] = [new Uint8Array(0), new Uint8Array(0)];
  private readonly fill: [number, number] = [0, 0];
  private dropped = false;

  private readonly treeIsPipe = new Set<number>();
  private readonly smb2RequestTreeId = new Map<number, number>();
  private readonly smb2ReadOffsets = new Map<number, number>();
  /** The file ids of pending reads and ioctls (their pipe keys are made only for pipes). */
  private readonly smb2ReadFids = new Map<number, Smb2Guid>();
  private readonly smb2IoctlFids = new Map<number, Smb2Guid>();
  private readonly smb1ReadOffsets = new Map<number, number>();
  private readonly smb1FileIsPipe = new Map<number, boolean>();
  private readonly pipes = new Map<bigint, ChildStream>();
  private dceUnavailable = false;
  private gssapi: ChildStream | null | undefined;
  private ntlm: ChildStream | null | undefined;
  /** SMB::max_pending_messages and SMB::max_dce_rpc_analyzers (0: no bound). */
  private readonly maxPending: number;
  private readonly maxDceRpc: number;

  constructor(private readonly host: AnalyzerHost) {
    this.maxPending = host.settings["SMB::max_pending_messages"];
    this.maxDceRpc = host.settings["SMB::max_dce_rpc_analyzers"];
  }

  deliverStream(isOrig: boolean, _seq: number, data: Uint8Array): void {
    if (this.dropped) return;
    if (this.needSync) {
      if (!hasSmbHeader(data)) return;
      this.needSync = false;
    }
    const side = isOrig ? 0 : 1;
    const unit = this.unit[side];
    if (unit === UnitState.StaleHeader || unit === UnitState.StaleFrame) {
      // The left-over unit reads its empty frame: the chunk is lost.
      this.unit[side] = UnitState.None;
      this.host.violation(`${BINPAC_EXCEPTION}${unit === UnitState.StaleHeader ? STALE_HEADER_ERROR : STALE_FRAME_ERROR}`);
      this.resync();
      return;
    }
    this.unit[side] = UnitState.Current;
    try {
      this.newData(isOrig, data);
      if (++this.chunks === 3) this.host.confirm();
    } catch (e) {
      if (!(e instanceof BinpacError)) throw e;
      // The failing side's unit is deleted; the other side's is left over.
      this.unit[side] = UnitState.None;
      this.host.violation(`${BINPAC_EXCEPTION}${e.message}`);
      this.resync();
    }
  }

  undelivered(): void {
    this.resync();
  }

  endOfData(): void {}

  done(): void {
    this.dropped = true;
    this.buf[0] = this.buf[1] = new Uint8Array(0);
    this.pipes.clear();
  }

  private resync(): void {
    for (const side of [0, 1] as const) {
      if (this.unit[side] === UnitState.Current) this.unit[side] = this.fill[side] >= 4 ? UnitState.StaleFrame : UnitState.StaleHeader;
    }
    this.fill[0] = this.fill[1] = 0;
    this.needSync = true;
  }

  /** Cuts a side's bytes into NetBIOS frames; whole frames are parsed from the view when nothing is buffered. */
  private newData(isOrig: boolean, data: Uint8Array): void {
    const side = isOrig ? 0 : 1;
    let off = 0;
    while (off < data.length) {
      if (this.fill[side] === 0) {
        // Fast path: whole frames straight from the delivered view.
        if (data.length - off >= 4) {
          const len = ((data[off + 1]! << 16) | (data[off + 2]! << 8) | data[off + 3]!) + 4;
          if (data.length - off >= len) {
            this.frame(isOrig, data, off, off + len);
            if (this.needSync) return;
            off += len;
            continue;
          }
        }
      }
      // Buffer the rest of a frame.
      const have = this.fill[side];
      let buf = this.buf[side];
      let want: number;
      if (have < 4) want = 4;
      else want = ((buf[1]! << 16) | (buf[2]! << 8) | buf[3]!) + 4;
      if (want > MAX_FRAME) throw new BinpacError(`out_of_bound: SMB_TCP: ${want} > ${MAX_FRAME}`);
      if (buf.length < want) {
        const nb = new Uint8Array(Math.max(want, have < 4 ? 64 : want));
        nb.set(buf.subarray(0, have));
        buf = nb;
        this.buf[side] = nb;
      }
      const n = Math.min(want - have, data.length - off);
      buf.set(data.subarray(off, off + n), have);
      this.fill[side] = have + n;
      off += n;
      if (have + n < 4) continue;
      if (have + n === 4) {
        const full = ((buf[1]! << 16) | (buf[2]! << 8) | buf[3]!) + 4;
        if (full > 4) continue;
      }
      const full = ((buf[1]! << 16) | (buf[2]! << 8) | buf[3]!) + 4;
      if (this.fill[side] < full) continue;
      this.fill[side] = 0;
      this.frame(isOrig, buf, 0, full);
      if (this.needSync) return;
      // A large buffer is not kept around after its frame (one for a 64 KiB read or write is).
      if (buf.length > MAX_KEPT_BUFFER) this.buf[side] = new Uint8Array(0);
    }
  }

  /** One NetBIOS frame [start, end). */
  private frame(isOrig: boolean, d: Uint8Array, start: number, end: number): void {
    if (d[start] !== 0) return;
    const msgLen = end - start - 4;
    const r = new Reader(d, start + 4, end);
    // SMB_Protocol_Identifier[] until the end of an SMB2 chain.
    while (r.pos < r.end) {
      r.need(4, "SMB_Protocol_Identifier:protocol");
      const proto = r.view.getUint32(r.pos, false);
      r.pos += 4;
      if (proto === 0xff534d42) {
        this.smb1(isOrig, r, msgLen);
        return;
      }
      if (proto === 0xfe534d42) {
        if (this.smb2(isOrig, r)) return;
        continue;
      }
      if (proto === 0xfd534d42) {
        this.transform(r);
        return;
      }
      return;
    }
  }

  // ---------------------------------------------------------------- SMB2

  private transform(r: Reader): void {
    r.need(48, "SMB2_transform_header");
    if (!this.host.wants("smb2_transform_header")) return;
    const signature = latin1(r.bytes(16, "signature"));
    const nonce = latin1(r.bytes(16, "nonce"));
    const orig_msg_size = r.u32();
    r.u16();
    const flags = r.u16();
    const session_id = r.u64();
    this.host.raise("smb2_transform_header", this.host.conn(), { signature, nonce, orig_msg_size, flags, session_id });
  }

  /** One SMB2 PDU after its protocol id; true at the end of the chain. */
  private smb2(isOrig: boolean, r: Reader): boolean {
    const pduStart = r.pos - 4;
    r.need(60, "SMB2_PDU:header");
    const head_length = r.u16();
    const credit_charge = r.u16();
    const status = r.u32();
    const command = r.u16();
    const credits = r.u16();
    const flags = r.u32();
    const next_command = r.u32();
    const message_id = r.u64();
    const process_id = r.u32();
    const tree_id = r.u32();
    const session_id = r.u64();
    const sigAt = r.pos;
    r.pos += 16;
    const requestTree = isOrig ? tree_id : (this.smb2RequestTreeId.get(message_id) ?? 0);
    // The uint32 fields Zeek's scripts see as counts past 2^31 (NT statuses, tree ids) are doubles
    // from the first header on: one past 2^31 would otherwise move every header to a new shape (see doubles.ts).
    const pub: Smb2Header = {
      credit_charge,
      status: DOUBLE_ZERO + status,
      command,
      credits,
      flags,
      message_id,
      process_id,
      tree_id: DOUBLE_ZERO + tree_id,
      session_id,
      signature: "",
    };
    const hdr: Smb2Hdr = { pub, command, status, message_id, tree_id, next_command, head_length, is_pipe: this.treeIsPipe.has(requestTree) };
    // proc_smb2_message: remember the request's tree for its response.
    if (isOrig) {
      this.makeRoom("tree", this.smb2RequestTreeId);
      this.smb2RequestTreeId.set(message_id, tree_id);
    } else if (status !== STATUS_PENDING) this.smb2RequestTreeId.delete(message_id);
    if (this.host.wants("smb2_message")) {
      pub.signature = latin1(r.d.subarray(sigAt, sigAt + 16));
      this.host.raise("smb2_message", this.host.conn(), pub, isOrig);
    }
    // Messages start after the 64 header bytes; their offsets are measured against head_length.
    const base = pduStart + SMB2_HEADER_LEN;
    if (!isOrig && isErrorResponse(command, status)) {
      r.need(8, "SMB2_error_response");
      r.pos += 4;
      const n = r.u32();
      r.bytes(n, "SMB2_error_response:stuff");
    } else if (isOrig) this.smb2Request(hdr, r, base);
    else this.smb2Response(hdr, r, base);
    if (next_command === 0) return true;
    // chain_pad: next_command - head_length - the message's size.
    r.bytes(next_command - head_length - (r.pos - base), "SMB2_PDU:chain_pad");
    // BinPAC's unbounded PDU array also ends at the end of the frame.
    return r.pos >= r.end;
  }

  private smb2Request(h: Smb2Hdr, r: Reader, base: number): void {
    const host = this.host;
    switch (h.command) {
      case 0: {
        r.need(36, "SMB2_negotiate_request");
        r.pos += 2;
        const count = r.u16();
        r.pos += 32;
        r.need(count * 2, "SMB2_negotiate_request:dialects");
        const dialects: number[] = [];
        for (let i = 0; i < count; i++) dialects.push(r.u16());
        if (host.wants("smb2_negotiate_request")) host.raise("smb2_negotiate_request", host.conn(), h.pub, dialects);
        return;
      }
      case 1: {
        r.need(24, "SMB2_session_setup_request");
        r.pos += 3;
        const security_mode = r.u8();
        r.pos += 8;
        const off = r.u16();
        const len = r.u16();
        r.padTo(base, off - h.head_length, "SMB2_session_setup_request:pad1");
        const blob = r.bytes(len, "SMB2_session_setup_request:security_blob");
        if (host.wants("smb2_session_setup_request")) host.raise("smb2_session_setup_request", host.conn(), h.pub, security_mode);
        this.forwardGssapi(blob, true);
        return;
      }
      case 3: {
        r.need(8, "SMB2_tree_connect_request");
        r.pos += 4;
        const off = r.u16();
        const len = r.u16();
        r.padTo(base, off - h.head_length, "SMB2_tree_connect_request:pad");
        const path = r.bytes(len, "SMB2_tree_connect_request:path");
        if (host.wants("smb2_tree_connect_request")) host.raise("smb2_tree_connect_request", host.conn(), h.pub, utf16ToUtf8Val(path));
        return;
      }
      case 4:
        r.need(4, "SMB2_tree_disconnect_request");
        r.pos += 4;
        this.treeIsPipe.delete(h.tree_id);
        if (host.wants("smb2_tree_disconnect_request")) host.raise("smb2_tree_disconnect_request", host.conn(), h.pub);
        return;
      case 5: {
        r.need(56, "SMB2_create_request");
        r.pos += 36;
        const disposition = r.u32();
        const create_options = r.u32();
        const nameOff = r.u16();
        const nameLen = r.u16();
        const ctxOff = r.u32();
        const ctxLen = r.u32();
        r.padTo(base, nameOff - h.head_length, "SMB2_create_request:filename_pad");
        const filename = utf16ToUtf8Val(r.bytes(nameLen, "SMB2_create_request:filename"));
        r.padTo(base, ctxOff === 0 ? 0 : ctxOff - h.head_length, "SMB2_create_request:context_pad");
        r.bytes(ctxLen, "SMB2_create_request:contexts");
        if (!h.is_pipe && PIPE_FILENAMES.has(filename)) {
          this.addPipeTree(h.tree_id);
          if (host.wants("smb_pipe_connect_heuristic")) host.raise("smb_pipe_connect_heuristic", host.conn());
        }
        if (host.wants("smb2_create_request")) host.raise("smb2_create_request", host.conn(), h.pub, { filename, disposition, create_options });
        return;
      }
      case 6: {
        r.need(24, "SMB2_close_request");
        r.pos += 8;
        const guid = readGuid(r);
        if (host.wants("smb2_close_request")) host.raise("smb2_close_request", host.conn(), h.pub, guid);
        this.endOfFile();
        if (this.pipes.size > 0) this.pipes.delete(fidOf(guid));
        return;
      }
      case 8: {
        r.need(48, "SMB2_read_request");
        r.pos += 4;
        const length = r.u32();
        const offset = r.u64();
        const guid = readGuid(r);
        r.pos += 12;
        const chOff = r.u16();
        const chLen = r.u16();
        r.padTo(base, chOff - h.head_length, "SMB2_read_request:pad");
        r.bytes(chLen, "SMB2_read_request:buffer");
        if (host.wants("smb2_read_request")) host.raise("smb2_read_request", host.conn(), h.pub, guid, offset, length);
        this.makeRoom("read", this.smb2ReadOffsets, this.smb2ReadFids);
        this.smb2ReadOffsets.set(h.message_id, offset);
        this.smb2ReadFids.set(h.message_id, guid);
        return;
      }
      case 9: {
        r.need(48, "SMB2_write_request");
        r.pos += 2;
        const dataOff = r.u16();
        const dataLen = r.u32();
        const offset = r.u64();
        const guid = readGuid(r);
        r.pos += 16;
        r.padTo(base, dataOff - h.head_length, "SMB2_write_request:pad");
        const data = r.bytes(dataLen, "SMB2_write_request:data", base);
        if (h.is_pipe) this.forwardDceRpc(data, fidOf(guid), true);
        if (host.wants("smb2_write_request")) host.raise("smb2_write_request", host.conn(), h.pub, guid, offset, dataLen);
        if (!h.is_pipe && data.length > 0) this.dataIn(data, offset, true);
        return;
      }
      case 11: {
        r.need(56, "SMB2_ioctl_request");
        r.pos += 4;
        const ctl = r.u32();
        const guid = readGuid(r);
        const inOff = r.u32();
        const inCount = r.u32();
        r.pos += 4;
        const outOff = r.u32();
        const outCount = r.u32();
        r.pos += 12;
        const input = this.ioctlBuffers(r, h.head_length, 56, inOff, inCount, outOff, outCount, "SMB2_ioctl_request");
        if (ctl === FSCTL_PIPE_TRANSCEIVE) this.forwardDceRpc(input, fidOf(guid), true);
        this.makeRoom("ioctl", this.smb2IoctlFids);
        this.smb2IoctlFids.set(h.message_id, guid);
        return;
      }
      case 17:
        this.setInfo(h, r, base);
        return;
      default:
        return;
    }
  }

  /** The ioctl request/response buffers with Zeek's pad arithmetic (`fixed` bytes precede pad1); returns the buffer a pipe gets. */
  private ioctlBuffers(
    r: Reader,
    headLength: number,
    fixed: number,
    inOff: number,
    inCount: number,
    outOff: number,
    outCount: number,
    where: string,
  ): Uint8Array {
    const pad1 = inOff === 0 ? 0 : fixed + headLength - inOff;
    r.bytes(pad1, `${where}:pad1`);
    const input = r.bytes(inCount, `${where}:input_buffer`);
    const pad2 = outOff === 0 || outOff === inOff ? 0 : fixed + pad1 + inCount + headLength - outOff;
    r.bytes(pad2, `${where}:pad2`);
    const output = r.bytes(outCount, `${where}:output_buffer`);
    return where === "SMB2_ioctl_request" ? input : output;
  }

  private setInfo(h: Smb2Hdr, r: Reader, base: number): void {
    const host = this.host;
    r.need(32, "SMB2_set_info_request");
    r.pos += 2;
    const infoClass = r.u8();
    const level = r.u8();
    r.pos += 4;
    const off = r.u16();
    r.pos += 6;
    const guid = readGuid(r);
    r.padTo(base, off - h.head_length, "SMB2_set_info_request:pad");
    if (infoClass === 2) {
      this.setInfoFilesystem(h, r, guid, level);
      return;
    }
    if (infoClass !== 1) return;
    const c = (): ReturnType<AnalyzerHost["conn"]> => host.conn();
    switch (level) {
      case 0x04: {
        r.need(36, "SMB2_file_basic_info");
        const create = r.u64big();
        const access = r.u64big();
        const write = r.u64big();
        const change = r.u64big();
        const attrs = r.u32();
        if (host.wants("smb2_file_sattr")) host.raise("smb2_file_sattr", c(), h.pub, guid, macTimes(write, access, create, change), fileAttrs(attrs));
        return;
      }
      case 0x0a: {
        r.need(20, "SMB2_file_rename_info");
        r.pos += 16;
        const len = r.u32();
        const name = r.bytes(len, "SMB2_file_rename_info:filename");
        if (host.wants("smb2_file_rename")) host.raise("smb2_file_rename", c(), h.pub, guid, utf16ToUtf8Val(name));
        return;
      }
      case 0x0d: {
        r.need(1, "SMB2_file_disposition_info");
        const pending = r.u8();
        if (host.wants("smb2_file_delete")) host.raise("smb2_file_delete", c(), h.pub, guid, pending > 0);
        return;
      }
      case 0x13: {
        r.need(8, "SMB2_file_allocation_info");
        const v = r.u64();
        if (host.wants("smb2_file_allocation")) host.raise("smb2_file_allocation", c(), h.pub, guid, v);
        return;
      }
      case 0x14: {
        r.need(8, "SMB2_file_endoffile_info");
        const v = r.u64();
        if (host.wants("smb2_file_endoffile")) host.raise("smb2_file_endoffile", c(), h.pub, guid, v);
        return;
      }
      default:
        this.setInfoFileMore(h, r, guid, level);
        return;
    }
  }

  /** The other file classes Zeek's grammar reads (MS-FSCC 2.4): one event each. */
  private setInfoFileMore(h: Smb2Hdr, r: Reader, guid: Smb2Guid, level: number): void {
    const host = this.host;
    switch (level) {
      case 0x0f:
        this.fullEa(h, r, guid);
        return;
      case 0x0b: {
        r.need(20, "SMB2_file_link_info");
        r.pos += 8;
        const root = r.u64();
        const len = r.u32();
        const name = r.bytes(len, "SMB2_file_link_info:file_name");
        if (host.wants("smb2_file_link")) host.raise("smb2_file_link", host.conn(), h.pub, guid, root, utf16ToUtf8Val(name));
        return;
      }
      case 0x10: {
        r.need(4, "SMB2_file_mode_info");
        const mode = DOUBLE_ZERO + r.u32();
        if (host.wants("smb2_file_mode")) host.raise("smb2_file_mode", host.conn(), h.pub, guid, mode);
        return;
      }
      case 0x18: {
        r.need(8, "SMB2_file_pipe_info");
        const read = DOUBLE_ZERO + r.u32();
        const completion = DOUBLE_ZERO + r.u32();
        if (host.wants("smb2_file_pipe")) host.raise("smb2_file_pipe", host.conn(), h.pub, guid, read, completion);
        return;
      }
      case 0x0e: {
        r.need(8, "SMB2_file_position_info");
        const v = readInt64(r);
        if (host.wants("smb2_file_position")) host.raise("smb2_file_position", host.conn(), h.pub, guid, v);
        return;
      }
      case 0x28: {
        r.need(4, "SMB2_file_shortname_info");
        const len = r.u32();
        const name = r.bytes(len, "SMB2_file_shortname_info:filename");
        if (host.wants("smb2_file_shortname")) host.raise("smb2_file_shortname", host.conn(), h.pub, guid, utf16ToUtf8Val(name));
        return;
      }
      case 0x27: {
        r.need(8, "SMB2_file_validdatalength_info");
        const v = readInt64(r);
        if (host.wants("smb2_file_validdatalength")) host.raise("smb2_file_validdatalength", host.conn(), h.pub, guid, v);
        return;
      }
      default:
        return;
    }
  }

  /** FILE_FULL_EA_INFORMATION: entries up to one whose next-entry offset is 0, each padded to that offset from its own start. */
  private fullEa(h: Smb2Hdr, r: Reader, guid: Smb2Guid): void {
    const eas: Smb2FileEA[] = [];
    for (;;) {
      const at = r.pos;
      r.need(8, "SMB2_file_fullea_info_element");
      const next = r.u32();
      r.pos += 1;
      const nameLen = r.u8();
      const valueLen = r.u16();
      const ea_name = utf16ToUtf8Val(r.bytes(nameLen, "SMB2_file_fullea_info_element:ea_name"));
      const ea_value = utf16ToUtf8Val(r.bytes(valueLen, "SMB2_file_fullea_info_element:ea_value"));
      r.padTo(at, next, "SMB2_file_fullea_info_element:pad_to_next");
      eas.push({ ea_name, ea_value });
      if (next === 0) break;
    }
    if (this.host.wants("smb2_file_fullea")) this.host.raise("smb2_file_fullea", this.host.conn(), h.pub, guid, eas);
  }

  /** SET_INFO of the file-system classes Zeek reads: FS control (quotas, filtering) and the object id. */
  private setInfoFilesystem(h: Smb2Hdr, r: Reader, guid: Smb2Guid, level: number): void {
    const host = this.host;
    if (level === 0x06) {
      r.need(48, "SMB2_file_fscontrol_info");
      // Zeek cuts the three int64 thresholds to a C int (their low 32 bits, signed).
      const low32 = (): number => {
        const v = r.view.getInt32(r.pos, true);
        r.pos += 8;
        return v;
      };
      const free_space_start_filtering = low32();
      const free_space_threshold = low32();
      const free_space_stop_filtering = low32();
      const delete_quota_threshold = r.u64big();
      const default_quota_limit = r.u64big();
      const fs_control_flags = DOUBLE_ZERO + r.u32();
      r.pos += 4;
      if (host.wants("smb2_file_fscontrol"))
        host.raise("smb2_file_fscontrol", host.conn(), h.pub, guid, {
          free_space_start_filtering,
          free_space_threshold,
          free_space_stop_filtering,
          delete_quota_threshold,
          default_quota_limit,
          fs_control_flags,
        });
    } else if (level === 0x08) {
      r.need(64, "SMB2_file_fsobjectid_info");
      const objectId = readGuid(r);
      const extended = r.bytes(48, "SMB2_file_fsobjectid_info:extended_info");
      if (host.wants("smb2_file_fsobjectid")) host.raise("smb2_file_fsobjectid", host.conn(), h.pub, guid, objectId, utf16ToUtf8Val(extended));
    }
  }

  /** SMB2_negotiate_response; dialect 3.1.1's negotiate contexts follow the security blob at their offset. */
  private smb2NegotiateResponse(h: Smb2Hdr, r: Reader, base: number): void {
    r.need(64, "SMB2_negotiate_response");
    r.pos += 2;
    const security_mode = r.u16();
    const dialect_revision = r.u16();
    const negotiate_context_count = r.u16();
    const server_guid = readGuid(r);
    r.pos += 16;
    const system_time = filetimeToTime(r.u64big());
    const server_start_time = filetimeToTime(r.u64big());
    const off = r.u16();
    const len = r.u16();
    const contextsAt = r.u32();
    r.padTo(base, off - h.head_length, "SMB2_negotiate_response:pad1");
    const blob = r.bytes(len, "SMB2_negotiate_response:security_blob");
    let negotiate_context_values: Smb2NegotiateContextValue[] = [];
    if (dialect_revision === 0x0311 && negotiate_context_count > 0) {
      r.padTo(base, contextsAt - h.head_length, "SMB2_negotiate_response:pad1");
      negotiate_context_values = negotiateContexts(r, negotiate_context_count);
    }
    const host = this.host;
    if (host.wants("smb2_negotiate_response")) {
      const response = { dialect_revision, security_mode, server_guid, system_time, server_start_time, negotiate_context_count, negotiate_context_values };
      host.raise("smb2_negotiate_response", host.conn(), h.pub, response);
    }
    this.forwardGssapi(blob, false);
  }

  private smb2Response(h: Smb2Hdr, r: Reader, base: number): void {
    const host = this.host;
    switch (h.command) {
      case 0:
        this.smb2NegotiateResponse(h, r, base);
        return;
      case 1: {
        r.need(8, "SMB2_session_setup_response");
        r.pos += 2;
        const session_flags = r.u16();
        const off = r.u16();
        const len = r.u16();
        r.padTo(base, off - h.head_length, "SMB2_session_setup_response:pad1");
        const blob = r.bytes(len, "SMB2_session_setup_response:security_blob");
        if (host.wants("smb2_session_setup_response")) host.raise("smb2_session_setup_response", host.conn(), h.pub, session_flags);
        this.forwardGssapi(blob, false);
        return;
      }
      case 3: {
        r.need(16, "SMB2_tree_connect_response");
        r.pos += 2;
        const share_type = r.u8();
        r.pos += 13;
        if (share_type === 2) this.addPipeTree(h.tree_id);
        if (host.wants("smb2_tree_connect_response")) host.raise("smb2_tree_connect_response", host.conn(), h.pub, { share_type });
        return;
      }
      case 4:
        r.need(4, "SMB2_tree_disconnect_response");
        r.pos += 4;
        if (host.wants("smb2_tree_disconnect_response")) host.raise("smb2_tree_disconnect_response", host.conn(), h.pub);
        return;
      case 5: {
        r.need(88, "SMB2_create_response");
        r.pos += 4;
        const create_action = r.u32();
        const create = r.u64big();
        const access = r.u64big();
        const write = r.u64big();
        const change = r.u64big();
        r.pos += 8;
        const size = r.u64();
        const attrs = r.u32();
        r.pos += 4;
        const guid = readGuid(r);
        const ctxOff = r.u32();
        const ctxLen = r.u32();
        r.padTo(base, ctxOff === 0 ? 0 : ctxOff - h.head_length, "SMB2_create_response:context_pad");
        r.bytes(ctxLen, "SMB2_create_response:contexts");
        if (host.wants("smb2_create_response"))
          host.raise("smb2_create_response", host.conn(), h.pub, {
            file_id: guid,
            size,
            times: macTimes(write, access, create, change),
            file_attrs: fileAttrs(attrs),
            create_action,
          });
        return;
      }
      case 6: {
        r.need(60, "SMB2_close_response");
        r.pos += 8;
        const create = r.u64big();
        const access = r.u64big();
        const write = r.u64big();
        const change = r.u64big();
        const alloc_size = r.u64();
        const eof = r.u64();
        const attrs = r.u32();
        if (host.wants("smb2_close_response"))
          host.raise("smb2_close_response", host.conn(), h.pub, {
            alloc_size,
            eof,
            times: macTimes(write, access, create, change),
            file_attrs: fileAttrs(attrs),
          });
        return;
      }
      case 8: {
        r.need(16, "SMB2_read_response");
        r.pos += 2;
        const dataOff = r.u8();
        r.pos += 1;
        const dataLen = r.u32();
        r.pos += 8;
        r.padTo(base, dataOff - h.head_length, "SMB2_read_response:pad");
        const data = r.bytes(dataLen, "SMB2_read_response:data", base);
        const pending = h.status === STATUS_PENDING;
        const guid = this.smb2ReadFids.get(h.message_id);
        if (!pending) this.smb2ReadFids.delete(h.message_id);
        if (h.is_pipe) this.forwardDceRpc(data, guid === undefined ? 0n : fidOf(guid), false);
        const offset = this.smb2ReadOffsets.get(h.message_id) ?? 0;
        if (!pending) this.smb2ReadOffsets.delete(h.message_id);
        if (!h.is_pipe && dataLen > 0) this.dataIn(data, offset, false);
        return;
      }
      case 9: {
        r.need(16, "SMB2_write_response");
        r.pos += 4;
        const count = r.u32();
        r.pos += 8;
        if (host.wants("smb2_write_response")) host.raise("smb2_write_response", host.conn(), h.pub, count);
        return;
      }
      case 11: {
        r.need(48, "SMB2_ioctl_response");
        r.pos += 4;
        const ctl = r.u32();
        r.pos += 16;
        const inOff = r.u32();
        const inCount = r.u32();
        const outOff = r.u32();
        const outCount = r.u32();
        r.pos += 8;
        const output = this.ioctlBuffers(r, h.head_length, 48, inOff, inCount, outOff, outCount, "SMB2_ioctl_response");
        const guid = this.smb2IoctlFids.get(h.message_id);
        this.smb2IoctlFids.delete(h.message_id);
        if (ctl === FSCTL_PIPE_TRANSCEIVE) this.forwardDceRpc(output, guid === undefined ? 0n : fidOf(guid), false);
        return;
      }
      default:
        return;
    }
  }

  // ---------------------------------------------------------------- SMB1

  private smb1(isOrig: boolean, r: Reader, msgLen: number): void {
    r.need(28, "SMB_PDU:header");
    const hdrAt = r.pos - 4;
    const command = r.u8();
    const status = r.u32();
    const flags = r.u8();
    const flags2 = r.u16();
    const pidHigh = r.u16();
    r.pos += 10;
    const tid = r.u16();
    const pidLow = r.u16();
    const uid = r.u16();
    const mid = r.u16();
    // status and pid as doubles from the first header on, as in smb2's header.
    const hdr: Smb1Header = { command, status: DOUBLE_ZERO + status, flags, flags2, tid, pid: DOUBLE_ZERO + (((pidHigh << 16) | pidLow) >>> 0), uid, mid };
    const unicode = (flags2 & 0x8000) !== 0;
    const isPipe = this.treeIsPipe.has(tid);
    const host = this.host;
    if (host.wants("smb1_message")) host.raise("smb1_message", host.conn(), hdr, isOrig);
    if (msgLen === 35) {
      r.bytes(3, "SMB_No_Message:x");
      if (status === 0) {
        if (host.wants("smb1_empty_response")) host.raise("smb1_empty_response", host.conn(), hdr);
      } else if (host.wants("smb1_error")) host.raise("smb1_error", host.conn(), hdr, isOrig);
      return;
    }
    const ctx: Smb1Ctx = { hdr, hdrAt, unicode, isPipe, isOrig };
    this.smb1Message(ctx, r, SMB1_HEADER_LEN, command, 0);
  }

  /**
   * SMB1_negotiate_response: its layout by word count (1 core, 13 LANMAN,
   * 17 NT LM 0.12; another count is a parse failure, as BinPAC's case
   * without a default); the extended-security blob goes to GSSAPI.
   */
  private smb1NegotiateResponse(x: Smb1Ctx, r: Reader): void {
    r.need(3, "SMB1_negotiate_response");
    const wc = r.u8();
    const dialect_index = r.u16();
    const response: Smb1NegotiateResponse = {};
    let blob: Uint8Array | undefined;
    if (wc === 0x01) {
      r.need(2, "SMB1_negotiate_core_response");
      r.pos += 2;
      response.core = { dialect_index };
    } else if (wc === 0x0d) response.lanman = lanmanNegotiateResponse(r, x.unicode, dialect_index);
    else if (wc === 0x11) {
      const ntlm = ntlmNegotiateResponse(r, x.unicode, dialect_index);
      response.ntlm = ntlm.response;
      blob = ntlm.blob;
    } else throw new BinpacError(`invalid index for case: SMB1_negotiate_response: ${wc}`);
    const host = this.host;
    if (host.wants("smb1_negotiate_response")) host.raise("smb1_negotiate_response", host.conn(), x.hdr, response);
    if (blob !== undefined) this.forwardGssapi(blob, false);
  }

  /** One SMB1 command at `offset` (from the header's start); AndX commands chain to the next. */
  private smb1Message(x: Smb1Ctx, r: Reader, offset: number, command: number, depth: number): void {
    const host = this.host;
    const h = x.hdr;
    const start = r.pos;
    const str = (unicode: boolean): string => readSmbString(r, unicode, r.pos - start);
    switch (command) {
      case 0x72:
        if (x.isOrig) {
          r.need(3, "SMB1_negotiate_request");
          r.pos += 1;
          const bc = r.u16();
          r.need(bc, "SMB1_negotiate_request:dialects");
          const end = r.pos + bc;
          const dialects: string[] = [];
          while (r.pos < end) {
            r.pos += 1;
            let e = r.pos;
            while (e < end && r.d[e] !== 0) e++;
            dialects.push(latin1(r.d.subarray(r.pos, e)));
            r.pos = Math.min(e + 1, end);
          }
          if (host.wants("smb1_negotiate_request")) host.raise("smb1_negotiate_request", host.conn(), h, dialects);
        } else this.smb1NegotiateResponse(x, r);
        return;
      case 0x73:
        this.sessionSetup(x, r, offset, depth);
        return;
      case 0x75: {
        r.need(5, "SMB_andx");
        const wc = r.u8();
        const andx = readAndx(r);
        if (x.isOrig) {
          r.need(6, "SMB1_tree_connect_andx_request");
          r.pos += 2;
          const pwLen = r.u16();
          r.pos += 2;
          r.bytes(pwLen, "SMB1_tree_connect_andx_request:password");
          const path = str(x.unicode);
          const service = str(false);
          if (host.wants("smb1_tree_connect_andx_request")) host.raise("smb1_tree_connect_andx_request", host.conn(), h, path, service);
        } else {
          if (wc >= 3) r.bytes(2 + (wc - 3) * 2, "SMB1_tree_connect_andx_response:optional_support");
          r.need(2, "SMB1_tree_connect_andx_response:byte_count");
          const bc = r.u16();
          const at = r.pos;
          const service = str(false);
          const nfs = bc > r.pos - at ? str(x.unicode) : "";
          if (service.startsWith("IPC")) this.addPipeTree(h.tid);
          if (host.wants("smb1_tree_connect_andx_response")) host.raise("smb1_tree_connect_andx_response", host.conn(), h, service, nfs);
        }
        this.andxNext(x, r, offset + (r.pos - start), offset, andx, depth);
        return;
      }
      case 0x71:
        r.need(3, "SMB1_tree_disconnect");
        r.pos += 3;
        if (host.wants("smb1_tree_disconnect")) host.raise("smb1_tree_disconnect", host.conn(), h, x.isOrig);
        return;
      case 0x74: {
        r.need(7, "SMB1_logoff_andx");
        r.pos += 1;
        const andx = readAndx(r);
        r.pos += 2;
        // Zeek's grammar reads a logoff's chained command as a request, whichever side sent it.
        this.andxNext({ ...x, isOrig: true }, r, offset + (r.pos - start), offset, andx, depth);
        if (host.wants("smb1_logoff_andx")) host.raise("smb1_logoff_andx", host.conn(), x.isOrig);
        return;
      }
      case 0x32:
        if (x.isOrig) this.transaction2Request(x, r);
        else this.transaction2Response(r);
        return;
      case 0x33:
        if (x.isOrig) this.transaction2Secondary(x, r);
        return;
      case 0x26:
        if (x.isOrig) this.transactionSecondary(x, r);
        return;
      case 0x10:
      case 0x08:
        this.pathCommand(x, r, command);
        return;
      case 0xa4:
        if (x.isOrig) {
          r.need(3, "SMB1_nt_cancel_request");
          r.pos += 3;
          if (host.wants("smb1_nt_cancel_request")) host.raise("smb1_nt_cancel_request", host.conn(), h);
        }
        return;
      case 0xa2: {
        r.need(5, "SMB_andx");
        r.pos += 1;
        const andx = readAndx(r);
        if (x.isOrig) {
          r.need(46, "SMB1_nt_create_andx_request");
          r.pos += 46;
          const name = str(x.unicode);
          this.andxNext(x, r, offset + (r.pos - start), offset, andx, depth);
          if (!x.isPipe && PIPE_FILENAMES.has(name)) {
            this.addPipeTree(h.tid);
            if (host.wants("smb_pipe_connect_heuristic")) host.raise("smb_pipe_connect_heuristic", host.conn());
          }
          if (host.wants("smb1_nt_create_andx_request")) host.raise("smb1_nt_create_andx_request", host.conn(), h, name);
        } else {
          r.need(66, "SMB1_nt_create_andx_response");
          r.pos += 1;
          const fid = r.u16();
          r.pos += 4;
          const create = r.u64big();
          const access = r.u64big();
          const write = r.u64big();
          const change = r.u64big();
          r.pos += 12;
          const eof = r.u64();
          r.pos += 7;
          this.andxNext(x, r, offset + (r.pos - start), offset, andx, depth);
          if (host.wants("smb1_nt_create_andx_response"))
            host.raise("smb1_nt_create_andx_response", host.conn(), h, fid, eof, macTimes(write, access, create, change));
        }
        return;
      }
      case 0x2e:
        this.readAndx(x, r, offset, depth, start);
        return;
      case 0x2f:
        this.writeAndx(x, r, offset, depth, start);
        return;
      case 0x04:
        if (x.isOrig) {
          r.need(9, "SMB1_close_request");
          r.pos += 1;
          const fid = r.u16();
          r.pos += 6;
          if (host.wants("smb1_close_request")) host.raise("smb1_close_request", host.conn(), h, fid);
          this.endOfFile();
        } else {
          r.need(3, "SMB_empty_response");
          r.pos += 3;
          if (host.wants("smb1_empty_response")) host.raise("smb1_empty_response", host.conn(), h);
        }
        return;
      case 0x25:
        this.transaction(x, r);
        return;
      default:
        return;
    }
  }

  /** The AndX chain: the next command is read where this one's fields end (Zeek's grammar), unless it would not advance or the depth is exceeded. */
  private andxNext(x: Smb1Ctx, r: Reader, here: number, offset: number, andx: Andx, depth: number): void {
    // extra_byte_parameters: only an AndX offset just before here moves the position.
    if (!(andx.offset === 0 || andx.offset >= here + 2)) {
      const n = andx.offset - here;
      r.bytes(n, "extra_byte_parameters");
      here += n;
    }
    // Each check is a weird and the 'X' history letter (Zeek's check_offset_advancing, check_andx_depth).
    if (andx.command !== 0xff && andx.offset <= offset) this.host.limitReached("smb_andx_offset_not_advancing");
    if (andx.command !== 0xff && depth >= MAX_ANDX_DEPTH) this.host.limitReached("smb_andx_depth_exceeded");
    const next = depth > MAX_ANDX_DEPTH || andx.offset <= offset ? 0xff : andx.command;
    if (next === 0xff) return;
    this.smb1Message(x, r, here, next, depth + 1);
  }

  private sessionSetup(x: Smb1Ctx, r: Reader, offset: number, depth: number): void {
    const start = r.pos;
    r.need(1, "SMB1_session_setup_andx");
    const wc = r.u8();
    if (x.isOrig) this.sessionSetupRequest(x, r, offset, depth, start, wc);
    else this.sessionSetupResponse(x, r, offset, depth, start, wc);
  }

  /** SESSION_SETUP_ANDX request: word count 10 (LANMAN), 12 (NT LM, extended security) or 13 (NT LM); the event comes last, as Zeek's proc does. */
  private sessionSetupRequest(x: Smb1Ctx, r: Reader, offset: number, depth: number, start: number, wc: number): void {
    const host = this.host;
    const str = (): string => readSmbString(r, x.unicode, r.pos - start);
    if (wc !== 10 && wc !== 12 && wc !== 13) throw new BinpacError(`unexpected case: SMB1_session_setup_andx_request: ${wc}`);
    r.need(4, "SMB_andx");
    const andx = readAndx(r);
    r.need(wc === 12 ? 20 : wc === 10 ? 18 : 24, wc === 12 ? "SMB1_session_setup_andx_request_ntlm_extended_security" : "SMB1_session_setup_andx_request");
    const max_buffer_size = r.u16();
    const max_mpx_count = r.u16();
    const vc_number = r.u16();
    const session_key = DOUBLE_ZERO + r.u32();
    const len1 = r.u16();
    const len2 = wc === 13 ? r.u16() : 0;
    r.pos += 4;
    const caps = wc === 10 ? 0 : r.u32();
    r.u16();
    const base = { word_count: wc, max_buffer_size, max_mpx_count, vc_number, session_key };
    let request: Smb1SessionSetupAndXRequest;
    let blob: Uint8Array | undefined;
    if (wc === 12) {
      blob = r.bytes(len1, "SMB1_session_setup_andx_request_ntlm_extended_security:security_blob");
      const native_os = str();
      const native_lanman = str();
      request = { ...base, native_os, native_lanman, capabilities: sessionCapabilities(caps) };
    } else if (wc === 10) {
      const account_password = latin1(r.bytes(len1, "SMB1_session_setup_andx_request:password"));
      const account_name = str();
      const primary_domain = str();
      const native_os = str();
      const native_lanman = str();
      request = { ...base, native_os, native_lanman, account_name, account_password, primary_domain };
    } else {
      const case_insensitive_password = latin1(r.bytes(len1, "SMB1_session_setup_andx_request:case_insensitive_password"));
      const case_sensitive_password = latin1(r.bytes(len2, "SMB1_session_setup_andx_request:case_sensitive_password"));
      const account_name = str();
      const primary_domain = str();
      const native_os = str();
      const native_lanman = str();
      const capabilities = sessionCapabilities(caps);
      request = { ...base, native_os, native_lanman, account_name, primary_domain, case_insensitive_password, case_sensitive_password, capabilities };
    }
    this.andxNext(x, r, offset + (r.pos - start), offset, andx, depth);
    if (blob !== undefined) this.forwardGssapi(blob, true);
    if (host.wants("smb1_session_setup_andx_request")) host.raise("smb1_session_setup_andx_request", host.conn(), x.hdr, request);
  }

  /** SESSION_SETUP_ANDX response: word count 3 (LANMAN), 4 (NT LM, with a security blob) or another (an error: one word). */
  private sessionSetupResponse(x: Smb1Ctx, r: Reader, offset: number, depth: number, start: number, wc: number): void {
    const host = this.host;
    const str = (): string => readSmbString(r, x.unicode, r.pos - start);
    let response: Smb1SessionSetupAndXResponse = { word_count: wc };
    if (wc === 3 || wc === 4) {
      r.need(wc === 4 ? 10 : 8, "SMB1_session_setup_andx_response");
      const andx = readAndx(r);
      const is_guest = (r.u16() & 1) !== 0;
      const blobLen = wc === 4 ? r.u16() : 0;
      const bc = r.u16();
      const blob = wc === 4 ? r.bytes(blobLen, "SMB1_session_setup_andx_response_ntlm:security_blob") : undefined;
      if (wc === 4) response = { word_count: wc, is_guest, native_os: str(), native_lanman: str() };
      else if (bc !== 0) response = { word_count: wc, is_guest, native_os: str(), native_lanman: str(), primary_domain: str() };
      else response = { word_count: wc, is_guest, native_os: "", native_lanman: "", primary_domain: "" };
      this.andxNext(x, r, offset + (r.pos - start), offset, andx, depth);
      if (blob !== undefined) this.forwardGssapi(blob, false);
    } else {
      r.need(2, "SMB1_session_setup_andx_response:error");
      r.pos += 2;
    }
    if (host.wants("smb1_session_setup_andx_response")) host.raise("smb1_session_setup_andx_response", host.conn(), x.hdr, response);
  }

  private readAndx(x: Smb1Ctx, r: Reader, offset: number, depth: number, start: number): void {
    const host = this.host;
    const h = x.hdr;
    r.need(5, "SMB_andx");
    const wc = r.u8();
    const andx = readAndx(r);
    if (x.isOrig) {
      r.need(wc === 0x0c ? 22 : 18, "SMB1_read_andx_request");
      const fid = r.u16();
      const offLow = r.u32();
      const maxLow = r.u16();
      r.pos += 2;
      const maxHigh = r.u32();
      r.pos += 2;
      let offHigh = 0;
      if (wc === 0x0c) {
        const v = r.u32();
        offHigh = v === 0xffffffff ? 0 : v;
      }
      r.pos += 2;
      this.andxNext(x, r, offset + (r.pos - start), offset, andx, depth);
      // Zeek's grammar joins the halves with * 0x10000.
      const readOffset = offHigh * 0x10000 + offLow;
      const maxCount = (maxHigh === 0xffffffff ? 0 : maxHigh) * 0x10000 + maxLow;
      if (host.wants("smb1_read_andx_request")) host.raise("smb1_read_andx_request", host.conn(), h, fid, readOffset, maxCount);
      // Zeek's map is keyed by the 16-bit mid (at most 65536 entries); kept smaller here.
      if (this.smb1ReadOffsets.size >= MAX_SMB1_PENDING) this.smb1ReadOffsets.clear();
      this.smb1ReadOffsets.set(h.mid, readOffset);
    } else {
      r.need(22, "SMB1_read_andx_response");
      r.pos += 6;
      const lenLow = r.u16();
      const dataOff = r.u16();
      const lenHigh = r.u16();
      r.pos += 10;
      const dataLen = lenHigh * 0x10000 + lenLow;
      r.padTo(start, dataOff - SMB1_HEADER_LEN, "SMB1_read_andx_response:pad");
      const data = r.bytes(dataLen, "SMB1_read_andx_response:data", start);
      this.andxNext(x, r, offset + (r.pos - start), offset, andx, depth);
      if (x.isPipe) this.forwardDceRpc(data, 0n, false);
      if (host.wants("smb1_read_andx_response")) host.raise("smb1_read_andx_response", host.conn(), h, dataLen);
      if (!x.isPipe && dataLen > 0) {
        const at = this.smb1ReadOffsets.get(h.mid) ?? 0;
        this.smb1ReadOffsets.delete(h.mid);
        this.dataIn(data, at, false);
      }
    }
  }

  private writeAndx(x: Smb1Ctx, r: Reader, offset: number, depth: number, start: number): void {
    const host = this.host;
    const h = x.hdr;
    r.need(5, "SMB_andx");
    const wc = r.u8();
    const andx = readAndx(r);
    if (x.isOrig) {
      r.need(wc === 0x0e ? 26 : 22, "SMB1_write_andx_request");
      const fid = r.u16();
      const offLow = r.u32();
      r.pos += 8;
      const lenHigh = r.u16();
      const lenLow = r.u16();
      const dataOff = r.u16();
      const offHigh = wc === 0x0e ? r.u32() : 0;
      r.pos += 2;
      const dataLen = lenHigh * 0x10000 + lenLow;
      r.padTo(start, dataOff - SMB1_HEADER_LEN, "SMB1_write_andx_request:pad");
      const data = r.bytes(dataLen, "SMB1_write_andx_request:data", start);
      this.andxNext(x, r, offset + (r.pos - start), offset, andx, depth);
      if (x.isPipe) this.forwardDceRpc(data, 0n, true);
      const writeOffset = offHigh * 0x10000 + offLow;
      if (host.wants("smb1_write_andx_request")) host.raise("smb1_write_andx_request", host.conn(), h, fid, writeOffset, dataLen);
      if (!x.isPipe && data.length > 0) this.dataIn(data, writeOffset, true);
    } else {
      r.need(10, "SMB1_write_andx_response");
      const low = r.u16();
      r.pos += 2;
      const high = r.u16();
      r.pos += 4;
      this.andxNext(x, r, offset + (r.pos - start), offset, andx, depth);
      if (host.wants("smb1_write_andx_response")) host.raise("smb1_write_andx_response", host.conn(), h, high * 0x10000 + low);
    }
  }

  private transaction(x: Smb1Ctx, r: Reader): void {
    const host = this.host;
    const h = x.hdr;
    const start = r.pos;
    if (x.isOrig) {
      r.need(31, "SMB1_transaction_request");
      const wc = r.u8();
      r.pos += 18;
      const paramCount = r.u16();
      const paramOff = r.u16();
      const dataCount = r.u16();
      const dataOff = r.u16();
      const setupCount = r.u8();
      r.pos += 1;
      r.need(setupCount * 2 + 2, "SMB1_transaction_request:setup");
      const sub = setupCount > 0 && wc !== 16 ? r.view.getUint16(r.pos, true) : 0;
      r.pos += setupCount * 2 + 2;
      const name = readSmbString(r, x.unicode, r.pos - start);
      const type = transactionType(name);
      r.padTo(start, paramOff - SMB1_HEADER_LEN, "SMB1_transaction_request:pad1");
      const params = r.bytes(paramCount, "SMB1_transaction_request:parameters");
      r.padTo(start, dataOff - SMB1_HEADER_LEN, "SMB1_transaction_request:pad2");
      const data = r.d.subarray(r.pos, r.end);
      r.pos = r.end;
      if (type === TransType.Pipe) this.forwardDceRpc(data, 0n, true);
      const isPipe = type === TransType.Pipe || (type === TransType.Unknown && x.isPipe);
      this.smb1FileIsPipe.set(h.mid, isPipe);
      if (this.smb1FileIsPipe.size > MAX_SMB1_PENDING) this.smb1FileIsPipe.clear();
      if (host.wants("smb1_transaction_request"))
        host.raise("smb1_transaction_request", host.conn(), h, name, sub, latin1(params), dataCount > 0 ? latin1(data) : "");
    } else {
      r.need(21, "SMB1_transaction_response");
      r.pos += 7;
      const paramCount = r.u16();
      const paramOff = r.u16();
      r.pos += 2;
      const dataCount = r.u16();
      const dataOff = r.u16();
      r.pos += 2;
      const setupCount = r.u8();
      r.pos += 1;
      r.need(setupCount * 2 + 2, "SMB1_transaction_response:setup");
      r.pos += setupCount * 2 + 2;
      r.padTo(start, paramOff - SMB1_HEADER_LEN, "SMB1_transaction_response:pad0");
      const params = r.bytes(paramCount, "SMB1_transaction_response:parameters");
      r.padTo(start, dataOff - SMB1_HEADER_LEN, "SMB1_transaction_response:pad1");
      const isPipe = this.smb1FileIsPipe.get(h.mid) ?? false;
      this.smb1FileIsPipe.delete(h.mid);
      let data: Uint8Array = new Uint8Array(0);
      if (dataCount > 0) {
        data = r.d.subarray(r.pos, r.end);
        r.pos = r.end;
        if (isPipe) this.forwardDceRpc(data, 0n, false);
      }
      if (host.wants("smb1_transaction_response")) host.raise("smb1_transaction_response", host.conn(), h, latin1(params), dataCount > 0 ? latin1(data) : "");
    }
  }

  /**
   * CHECK_DIRECTORY (0x10) and QUERY_INFORMATION (0x08): a request names a
   * path (a buffer-format byte, then the string); a check-directory response
   * is two empty counts, a query-information response fixed fields Zeek
   * reads but raises nothing for.
   */
  private pathCommand(x: Smb1Ctx, r: Reader, command: number): void {
    const host = this.host;
    const check = command === 0x10;
    const start = r.pos;
    if (x.isOrig) {
      const rec = check ? "SMB1_check_directory_request" : "SMB1_query_information_request";
      r.need(4, rec);
      r.pos += 4;
      const name = readSmbString(r, x.unicode, r.pos - start);
      if (check && host.wants("smb1_check_directory_request")) host.raise("smb1_check_directory_request", host.conn(), x.hdr, name);
      if (!check && host.wants("smb1_query_information_request")) host.raise("smb1_query_information_request", host.conn(), x.hdr, name);
    } else if (check) {
      r.need(3, "SMB1_check_directory_response");
      r.pos += 3;
      if (host.wants("smb1_check_directory_response")) host.raise("smb1_check_directory_response", host.conn(), x.hdr);
    } else {
      r.need(23, "SMB1_query_information_response");
      r.pos += 23;
    }
  }

  /**
   * TRANSACTION2 request: fixed words (Zeek reads one setup word as the
   * subcommand whatever the setup count), then the parameters of the
   * subcommands Zeek knows. A subcommand's event comes before the request's,
   * as its record is parsed inside the request's.
   */
  private transaction2Request(x: Smb1Ctx, r: Reader): void {
    const host = this.host;
    const start = r.pos;
    r.need(33, "SMB1_transaction2_request");
    r.pos += 1;
    const total_param_count = r.u16();
    const total_data_count = r.u16();
    const max_param_count = r.u16();
    const max_data_count = r.u16();
    const max_setup_count = r.u8();
    r.pos += 1;
    const flags = r.u16();
    const trans_timeout = DOUBLE_ZERO + r.u32();
    r.pos += 2;
    const param_count = r.u16();
    const param_offset = r.u16();
    const data_count = r.u16();
    const data_offset = r.u16();
    const setup_count = r.u8();
    r.pos += 1;
    const sub_cmd = r.u16();
    r.u16();
    r.padTo(start, param_offset - SMB1_HEADER_LEN, "SMB1_transaction2_request:pad1");
    this.trans2Parameters(x, r, sub_cmd);
    if (!host.wants("smb1_transaction2_request")) return;
    const args: Smb1Trans2Args = {
      total_param_count,
      total_data_count,
      max_param_count,
      max_data_count,
      max_setup_count,
      flags,
      trans_timeout,
      param_count,
      param_offset,
      data_count,
      data_offset,
      setup_count,
    };
    host.raise("smb1_transaction2_request", host.conn(), x.hdr, args, sub_cmd);
  }

  /** A TRANSACTION2 request's parameters for the subcommands Zeek parses; the others are skipped to the end. */
  private trans2Parameters(x: Smb1Ctx, r: Reader, sub: number): void {
    const host = this.host;
    const start = r.pos;
    const name = (): string => readSmbString(r, x.unicode, r.pos - start);
    switch (sub) {
      case 0x01: {
        r.need(12, "trans2_find_first2_request");
        const search_attrs = r.u16();
        const search_count = r.u16();
        const flags = r.u16();
        const info_level = r.u16();
        const search_storage_type = DOUBLE_ZERO + r.u32();
        const file_name = name();
        if (host.wants("smb1_trans2_find_first2_request"))
          host.raise("smb1_trans2_find_first2_request", host.conn(), x.hdr, { search_attrs, search_count, flags, info_level, search_storage_type, file_name });
        return;
      }
      case 0x05:
        this.trans2Name(x, r, 6, "trans2_query_path_info_request", "smb1_trans2_query_path_info_request");
        return;
      case 0x07:
        r.need(4, "trans2_query_file_info_request");
        r.pos += 4;
        return;
      case 0x10:
        this.trans2Name(x, r, 2, "trans2_get_dfs_referral_request", "smb1_trans2_get_dfs_referral_request");
        return;
      case 0x03:
      case 0x08:
        return;
      default:
        r.pos = r.end;
        return;
    }
  }

  /** A TRANSACTION2 subcommand's parameters that are `fixed` bytes and then a name: its event carries the name. */
  private trans2Name(
    x: Smb1Ctx,
    r: Reader,
    fixed: number,
    rec: string,
    event: "smb1_trans2_query_path_info_request" | "smb1_trans2_get_dfs_referral_request",
  ): void {
    const start = r.pos;
    r.need(fixed, rec);
    r.pos += fixed;
    const file_name = readSmbString(r, x.unicode, r.pos - start);
    if (this.host.wants(event)) this.host.raise(event, this.host.conn(), x.hdr, file_name);
  }

  /** TRANSACTION2 response: fixed words and the byte count's bytes; Zeek raises nothing for it. */
  private transaction2Response(r: Reader): void {
    r.need(23, "SMB1_transaction2_response");
    r.pos += 21;
    const bc = r.u16();
    r.bytes(bc, "SMB1_transaction2_response:stuff");
  }

  /** TRANSACTION_SECONDARY request: counts, then the parameters and the rest as data (a transaction of unknown type: no pipe hand-off). */
  private transactionSecondary(x: Smb1Ctx, r: Reader): void {
    const host = this.host;
    const start = r.pos;
    r.need(19, "SMB1_transaction_secondary_request");
    r.pos += 1;
    const a = this.secondaryCounts(r);
    r.u16();
    r.padTo(start, a.param_offset - SMB1_HEADER_LEN, "SMB1_transaction_secondary_request:pad1");
    const params = r.bytes(a.param_count, "SMB1_transaction_secondary_request:parameters");
    r.padTo(start, a.data_offset - SMB1_HEADER_LEN, "SMB1_transaction_secondary_request:pad2");
    const data = r.d.subarray(r.pos, r.end);
    r.pos = r.end;
    if (host.wants("smb1_transaction_secondary_request"))
      host.raise("smb1_transaction_secondary_request", host.conn(), x.hdr, a, latin1(params), a.data_count > 0 ? latin1(data) : "");
  }

  /** TRANSACTION2_SECONDARY request: counts and the file id, then the parameters and data at their offsets. */
  private transaction2Secondary(x: Smb1Ctx, r: Reader): void {
    const host = this.host;
    const start = r.pos;
    r.need(21, "SMB1_transaction2_secondary_request");
    r.pos += 1;
    const counts = this.secondaryCounts(r);
    const FID = r.u16();
    r.u16();
    r.padTo(start, counts.param_offset - SMB1_HEADER_LEN, "SMB1_transaction2_secondary_request:pad1");
    const params = r.bytes(counts.param_count, "SMB1_transaction2_secondary_request:parameters");
    r.padTo(start, counts.data_offset - SMB1_HEADER_LEN, "SMB1_transaction2_secondary_request:pad2");
    const data = r.bytes(counts.data_count, "SMB1_transaction2_secondary_request:data");
    if (host.wants("smb1_transaction2_secondary_request"))
      host.raise("smb1_transaction2_secondary_request", host.conn(), x.hdr, { ...counts, FID }, latin1(params), latin1(data));
  }

  /** The eight counts both secondary requests start with. */
  private secondaryCounts(r: Reader): Smb1TransSecArgs {
    const total_param_count = r.u16();
    const total_data_count = r.u16();
    const param_count = r.u16();
    const param_offset = r.u16();
    const param_displacement = r.u16();
    const data_count = r.u16();
    const data_offset = r.u16();
    const data_displacement = r.u16();
    return { total_param_count, total_data_count, param_count, param_offset, param_displacement, data_count, data_offset, data_displacement };
  }

  // ---------------------------------------------------------------- hand-offs

  /** Marks a tree as a pipe tree; hostile input naming endless trees cannot grow the set past MAX_TREES. */
  private addPipeTree(tid: number): void {
    if (this.treeIsPipe.size >= MAX_TREES) this.treeIsPipe.clear();
    this.treeIsPipe.add(tid);
  }

  /** A pending map that may take no more requests: SMB::max_pending_messages is set and reached. */
  private pendingFull(map: ReadonlyMap<number, unknown>): boolean {
    return this.maxPending > 0 && map.size >= this.maxPending;
  }

  /**
   * Before a request is remembered: when its pending map (or its twin, kept
   * in step) is full, smb2_discarded_messages_state names the state and
   * both are emptied.
   */
  private makeRoom(state: string, map: Map<number, unknown>, twin?: Map<number, unknown>): void {
    if (!this.pendingFull(map) && (twin === undefined || !this.pendingFull(twin))) return;
    if (this.host.wants("smb2_discarded_messages_state")) this.host.raise("smb2_discarded_messages_state", this.host.conn(), state);
    map.clear();
    twin?.clear();
  }

  /** Zeek's file_mgr->DataIn without a file id: the script names the current file (after the queued events ran). */
  private dataIn(data: Uint8Array, offset: number, isOrig: boolean): void {
    const fuid = this.currentFuid();
    if (fuid !== "") this.host.files.dataIn(fuid, isOrig, data, offset);
  }

  /** Zeek's file_mgr->EndOfFile on a close request. */
  private endOfFile(): void {
    const fuid = this.currentFuid();
    if (fuid !== "") this.host.files.endOfFile(fuid);
  }

  private currentFuid(): string {
    this.host.drainEvents();
    if (this.dropped) return "";
    const handle = smbFileHandle(this.host.settings, this.host.conn());
    return handle === "" ? "" : this.host.files.fuid(handle);
  }

  /** forward_gssapi: raw NTLMSSP to NTLM, other tokens of 8 bytes or more to GSSAPI. */
  private forwardGssapi(blob: Uint8Array, isOrig: boolean): void {
    if (this.gssapi === undefined) this.gssapi = this.host.addChild("GSSAPI");
    if (this.ntlm === undefined) this.ntlm = this.host.addChild("NTLM");
    if (blob.length < 8) return;
    const raw = blob[0] === 0x4e && blob[1] === 0x54 && blob[2] === 0x4c && blob[3] === 0x4d && blob[4] === 0x53 && blob[5] === 0x53 && blob[6] === 0x50;
    const child = raw ? this.ntlm : this.gssapi;
    if (child?.active) child.deliverStream(isOrig, 0, blob);
  }

  /** SMB::max_dce_rpc_analyzers reached: the event, then every pipe's DCE_RPC child is done and gone (a later fid gets a new one). */
  private discardPipes(): void {
    if (this.host.wants("smb_discarded_dce_rpc_analyzers")) this.host.raise("smb_discarded_dce_rpc_analyzers", this.host.conn());
    for (const child of this.pipes.values()) child.remove();
    this.pipes.clear();
  }

  /** forward_dce_rpc: the pipe's DCE_RPC child (one per file id), made on first use. */
  private forwardDceRpc(data: Uint8Array, fid: bigint, isOrig: boolean): void {
    let child = this.pipes.get(fid);
    if (child === undefined) {
      if (this.dceUnavailable) return;
      if (this.maxDceRpc > 0 && this.pipes.size >= this.maxDceRpc) this.discardPipes();
      // The child sees the fid as a number (exact below 2^53).
      const made = this.host.addChild("DCE_RPC", { multiple: true, key: Number(fid) });
      if (made === null) {
        // Not registered (or disabled): every later pipe would get the same answer.
        this.dceUnavailable = true;
        return;
      }
      child = made;
      this.pipes.set(fid, child);
    }
    if (child.active) child.deliverStream(isOrig, 0, data);
  }
}

interface Smb1Ctx {
  hdr: Smb1Header;
  /** Where the SMB1 header ("\xffSMB") starts in the frame: offsets in the message are from there. */
  hdrAt: number;
  unicode: boolean;
  isPipe: boolean;
  isOrig: boolean;
}

interface Andx {
  command: number;
  offset: number;
}

function readAndx(r: Reader): Andx {
  const command = r.u8();
  r.pos += 1;
  const offset = r.u16();
  return { command, offset };
}

const enum TransType {
  Pipe,
  Rap,
  Unknown,
}

/** determine_transaction_type: \\PIPE\\LANMAN is RAP, other \\PIPE\\ names pipes; the rest unknown (mailslots included, as their cases are commented out). */
function transactionType(name: string): TransType {
  if (!name.startsWith("\\PIPE\\")) return TransType.Unknown;
  return name.startsWith("LANMAN", 6) ? TransType.Rap : TransType.Pipe;
}

/** SMB1_session_setup_andx_request_ntlm_capabilities: the bits Zeek's record names. */
function sessionCapabilities(caps: number): Smb1SessionSetupAndXCapabilities {
  return {
    unicode: (caps & 0x0004) !== 0,
    large_files: (caps & 0x0008) !== 0,
    nt_smbs: (caps & 0x0010) !== 0,
    status32: (caps & 0x0040) !== 0,
    level_2_oplocks: (caps & 0x0080) !== 0,
    nt_find: (caps & 0x0200) !== 0,
  };
}

/** `n` little-endian 16-bit counts. */
function u16s(r: Reader, n: number, where: string): number[] {
  r.need(2 * n, where);
  return Array.from({ length: n }, () => r.u16());
}

/** One SMB 3.1.1 negotiate context (MS-SMB2 2.2.3.1): its header, then its data as its type says (unknown types skipped by their length). */
function negotiateContext(r: Reader): Smb2NegotiateContextValue {
  r.need(8, "SMB3_negotiate_context_value");
  const context_type = r.u16();
  const data_length = r.u16();
  r.pos += 4;
  const v: Smb2NegotiateContextValue = { context_type, data_length };
  if (context_type === 1) {
    r.need(4, "SMB3_preauth_integrity_capabilities");
    const [hash_alg_count, salt_length] = [r.u16(), r.u16()];
    const hash_alg = u16s(r, hash_alg_count, "SMB3_preauth_integrity_capabilities:hash_alg");
    v.preauth_info = { hash_alg_count, salt_length, hash_alg, salt: latin1(r.bytes(salt_length, "SMB3_preauth_integrity_capabilities:salt")) };
  } else if (context_type === 2) {
    r.need(2, "SMB3_encryption_capabilities");
    const cipher_count = r.u16();
    v.encryption_info = { cipher_count, ciphers: u16s(r, cipher_count, "SMB3_encryption_capabilities:ciphers") };
  } else if (context_type === 3) {
    r.need(8, "SMB3_compression_capabilities");
    const alg_count = r.u16();
    r.pos += 6;
    v.compression_info = { alg_count, algs: u16s(r, alg_count, "SMB3_compression_capabilities:algs") };
  } else if (context_type === 5) v.netname = latin1(r.bytes(data_length, "SMB3_netname_negotiate_context_id:net_name"));
  else r.bytes(data_length, "SMB3_negotiate_context_value:unknown_context_data");
  return v;
}

/**
 * The negotiate context list: each context but the last padded to a
 * multiple of 8 bytes from its own start (what it parsed, not its
 * data_length, decides where the next begins, as in Zeek's record).
 */
function negotiateContexts(r: Reader, count: number): Smb2NegotiateContextValue[] {
  const list: Smb2NegotiateContextValue[] = [];
  for (let i = 0; i < count; i++) {
    const at = r.pos;
    list.push(negotiateContext(r));
    if (i < count - 1) r.padTo(at, (r.pos - at + 7) & ~7, "Padded_SMB3_negotiate_context_value:pad");
  }
  return list;
}

/** The negotiate responses' security mode bits (signing's with NT LM 0.12 only). */
function negotiateSecurity(flags: number, signing: boolean): Smb1NegotiateSecurity {
  const security: Smb1NegotiateSecurity = { user_level: (flags & 0x1) !== 0, challenge_response: (flags & 0x2) !== 0 };
  if (signing) Object.assign(security, { signatures_enabled: (flags & 0x4) !== 0, signatures_required: (flags & 0x8) !== 0 });
  return security;
}

/** The NT LM 0.12 capability bits by name (MS-CIFS 2.2.4.52.2). */
const CAPABILITY_BITS: ReadonlyArray<readonly [keyof Smb1NegotiateCapabilities, number]> = [
  ["raw_mode", 0x1],
  ["mpx_mode", 0x2],
  ["unicode", 0x4],
  ["large_files", 0x8],
  ["nt_smbs", 0x10],
  ["rpc_remote_apis", 0x20],
  ["status32", 0x40],
  ["level_2_oplocks", 0x80],
  ["lock_and_read", 0x100],
  ["nt_find", 0x200],
  ["dfs", 0x1000],
  ["infolevel_passthru", 0x2000],
  ["large_readx", 0x4000],
  ["large_writex", 0x8000],
  ["unix", 0x00800000],
  ["bulk_transfer", 0x20000000],
  ["compressed_data", 0x40000000],
  ["extended_security", 0x80000000],
];

function negotiateCapabilities(word: number): Smb1NegotiateCapabilities {
  const caps = {} as Record<keyof Smb1NegotiateCapabilities, boolean>;
  for (const [name, bit] of CAPABILITY_BITS) caps[name] = (word & bit) >>> 0 !== 0;
  return caps;
}

/**
 * A LANMAN date and time (MS-CIFS SMB_DATE/SMB_TIME: two-second steps,
 * years from 1980) as seconds since the epoch, read as UTC: Zeek's timegm
 * ignores the time zone word; out-of-range fields roll over as timegm's do.
 */
function lanmanTime(time: number, date: number): number {
  const [sec, min, hour] = [(time & 0x1f) * 2, (time >> 5) & 0x3f, (time >> 11) & 0x1f];
  const [mday, mon, year] = [date & 0x1f, ((date >> 5) & 0x0f) - 1, ((date >> 9) & 0x7f) + 1980];
  return Date.UTC(year, mon, mday, hour, min, sec) / 1000;
}

/** SMB1_negotiate_lanman_response, after the word count and dialect index; its strings align from its own start. */
function lanmanNegotiateResponse(r: Reader, unicode: boolean, dialect_index: number): Smb1NegotiateResponseLanman {
  const rec = r.pos;
  r.need(24, "SMB1_negotiate_lanman_response");
  const security_mode = negotiateSecurity(r.u16(), false);
  const [max_buffer_size, max_mpx_count, max_number_vcs, raw] = [r.u16(), r.u16(), r.u16(), r.u16()];
  const session_key = r.u32();
  const [time, date] = [r.u16(), r.u16()];
  r.pos += 2; // the time zone, which Zeek's conversion ignores
  const keyLength = r.u16();
  r.pos += 4; // reserved, byte count
  const encryption_key = latin1(r.bytes(keyLength, "SMB1_negotiate_lanman_response:encryption_key"));
  const primary_domain = readSmbString(r, unicode, r.pos - rec);
  const raw_mode = { read_raw: (raw & 0x1) !== 0, write_raw: (raw & 0x2) !== 0 };
  const server_time = lanmanTime(time, date);
  return {
    word_count: 0x0d,
    dialect_index,
    security_mode,
    max_buffer_size,
    max_mpx_count,
    max_number_vcs,
    raw_mode,
    session_key,
    server_time,
    encryption_key,
    primary_domain,
  };
}

/** SMB1_negotiate_ntlm_response, after the word count and dialect index: the response and, with extended security, the blob for GSSAPI. */
function ntlmNegotiateResponse(r: Reader, unicode: boolean, dialect_index: number): { response: Smb1NegotiateResponseNtlm; blob?: Uint8Array } {
  const rec = r.pos;
  r.need(32, "SMB1_negotiate_ntlm_response");
  const security_mode = negotiateSecurity(r.u8(), true);
  const [max_mpx_count, max_number_vcs] = [r.u16(), r.u16()];
  const [max_buffer_size, max_raw_size, session_key, word] = [r.u32(), r.u32(), r.u32(), r.u32()];
  const server_time = filetimeToTime(r.u64big());
  r.pos += 2; // the time zone
  const keyLength = r.u8();
  const byteCount = r.u16();
  const capabilities = negotiateCapabilities(word);
  const response: Smb1NegotiateResponseNtlm = {
    ...{ word_count: 0x11, dialect_index, security_mode, max_buffer_size, max_mpx_count, max_number_vcs },
    ...{ max_raw_size, session_key, capabilities, server_time },
  };
  if (!capabilities.extended_security) {
    response.encryption_key = latin1(r.bytes(keyLength, "SMB1_negotiate_ntlm_response:encryption_key"));
    response.domain_name = readSmbString(r, unicode, r.pos - rec);
    return { response };
  }
  response.guid = latin1(r.bytes(16, "SMB1_negotiate_ntlm_response:server_guid"));
  return { response, blob: r.bytes(byteCount - 16, "SMB1_negotiate_ntlm_response:security_blob") };
}

/**
 * SMB_string: ASCII up to a NUL, or UTF-16LE (after a pad byte at an odd
 * `relOffset`) up to a NUL pair at an even position; BinPAC's unbounded
 * arrays also end, silently, at the end of the data.
 */
function readSmbString(r: Reader, unicode: boolean, relOffset: number): string {
  if (!unicode) {
    let e = r.pos;
    while (e < r.end && r.d[e] !== 0) e++;
    const s = latin1(r.d.subarray(r.pos, e));
    r.pos = Math.min(e + 1, r.end);
    return s;
  }
  if ((relOffset & 1) === 1) r.bytes(1, "SMB_unicode_string:pad");
  const s0 = r.pos;
  let e = s0;
  while (e + 1 < r.end && !(r.d[e] === 0 && r.d[e + 1] === 0)) e += 2;
  r.pos = Math.min(e + 2, r.end);
  return utf16ToUtf8Val(r.d.subarray(s0, r.pos));
}

/** is_error_response: which non-zero statuses still carry the command's own response body. */
function isErrorResponse(command: number, status: number): boolean {
  switch (status) {
    case 0:
      return false;
    case STATUS_BUFFER_OVERFLOW:
      return command !== 11 && command !== 16 && command !== 8;
    case STATUS_INVALID_PARAMETER:
      return command !== 11;
    case STATUS_MORE_PROCESSING_REQUIRED:
      return command !== 1;
    case STATUS_NOTIFY_ENUM_DIR:
      return command !== 15;
    default:
      return true;
  }
}

/** Zeek's HasSMBHeader: "\xffSMB" or "\xfeSMB" at offset 4 of a chunk. */
function hasSmbHeader(d: Uint8Array): boolean {
  return d.length >= 8 && (d[4] === 0xff || d[4] === 0xfe) && d[5] === 0x53 && d[6] === 0x4d && d[7] === 0x42;
}

export const SMB: AnalyzerComponent = {
  name: "SMB",
  script: "base/protocols/smb",
  tcpPorts: [139, 445],
  signatures: [{ id: "dpd_smb", proto: "tcp", payload: "....[\\xfe\\xff]SMB", enable: "smb" }],
  stream: (host) => new SmbAnalyzer(host),
};
