/**
 * IP fragment reassembly for IPv4 and IPv6, as Zeek does it (Zeek's FragReassembler):
 *  - datagrams are keyed by (source, destination, id) — not the protocol;
 *  - bytes already stored win over bytes arriving later; an overlap with
 *    different bytes is fragment_inconsistency, with equal bytes
 *    fragment_overlap;
 *  - the last fragment (MF=0) fixes the size; contradicting sizes, tiny
 *    non-last fragments, datagrams past 64000 bytes and DF on a fragment are
 *    reported with Zeek's weird names, as flow weirds with no `source`;
 *  - once [0, size) is contiguous the datagram is rebuilt behind a copy of
 *    the first received fragment's IP header (IPv6: without the fragment
 *    header) with its length field rewritten, and the buffer is forgotten.
 * Buffers expire `frag_timeout` after their creation (network time, checked
 * lazily on each fragment); a total memory bound `max_fragment_bytes` evicts
 * the oldest buffers, with the bronze-specific weird
 * `fragment_buffer_limit_reached` (Zeek has no such bound).
 * Fragments are rare: allocation here is per fragment, not on the hot path.
 */
import { DOUBLE_ZERO } from "../doubles.js";
import type { Weirds } from "../event/weirds.js";
import { u16 } from "../packet/bytes.js";
import type { Packet } from "../packet/packet.js";
import { formatAddr } from "./addr.js";
import * as H from "./headers.js";

/** Zeek's MIN_ACCEPTABLE_FRAG_SIZE / MAX_ACCEPTABLE_FRAG_SIZE. */
export const MIN_ACCEPTABLE_FRAG_SIZE = 64;
export const MAX_ACCEPTABLE_FRAG_SIZE = 64000;

/** What the IP layer knows about one fragment. */
export interface FragmentInfo {
  /** Offset of the IP header in pkt.data. */
  ipOffset: number;
  /** IP header length including the IPv6 fragment header. */
  headerLen: number;
  /** Declared total length (IPv6: payload length + 40). */
  totalLen: number;
  fragOffset: number;
  more: boolean;
  df: boolean;
  /** Protocol after the header (IPv6: the fragment header's next header). */
  proto: number;
  /** IPv4 header-length nibble, or −1 for IPv6. */
  ihl: number;
  id: number;
}

interface Block {
  seq: number;
  upper: number;
  data: Uint8Array;
}

class Reassembly {
  readonly blocks: Block[] = [];
  /** 0 = not yet known. */
  size = 0;
  bytes = 0;
  constructor(
    readonly key: string,
    readonly created: number,
    readonly header: Uint8Array,
    readonly version: number,
    public nextProto: number,
    readonly ihl: number,
    readonly src: string,
    readonly dst: string,
  ) {}
}

export class FragmentStats {
  fragments = 0;
  /** The most datagrams ever in reassembly at once (Zeek's max_fragments). */
  maxPending = 0;
  reassembled = 0;
  expired = 0;
  evicted = 0;
}

export class FragmentReassembler {
  readonly stats = new FragmentStats();
  /** Insertion order is creation order, which the lazy expiry relies on. */
  private readonly table = new Map<string, Reassembly>();
  private bytes = 0;
  private now = DOUBLE_ZERO;

  constructor(
    private readonly weirds: Weirds,
    private readonly timeout: () => number,
    private readonly maxBytes: () => number,
  ) {}

  /** Buffers currently held. */
  get pending(): number {
    return this.table.size;
  }

  /** Bytes currently buffered (data plus saved headers). */
  get bufferedBytes(): number {
    return this.bytes;
  }

  /**
   * Adds the fragment `f` of `pkt` (addresses already filled). Returns the
   * rebuilt datagram (IP header first) when complete, otherwise null.
   */
  add(pkt: Packet, f: FragmentInfo, time: number): Uint8Array | null {
    this.stats.fragments++;
    if (time > this.now) this.now = time;
    this.expire();
    const key = `${pkt.src0},${pkt.src1},${pkt.src2},${pkt.src3}|${pkt.dst0},${pkt.dst1},${pkt.dst2},${pkt.dst3}|${f.id}`;
    let r = this.table.get(key);
    const d = pkt.data;
    if (r === undefined) {
      const saved = pkt.ipVersion === 4 ? f.headerLen : f.headerLen - H.IPV6_FRAG_HEADER_LEN;
      const header = d.slice(f.ipOffset, f.ipOffset + saved);
      r = new Reassembly(
        key,
        time,
        header,
        pkt.ipVersion,
        f.proto,
        f.ihl,
        formatAddr(pkt.src0, pkt.src1, pkt.src2, pkt.src3),
        formatAddr(pkt.dst0, pkt.dst1, pkt.dst2, pkt.dst3),
      );
      this.table.set(key, r);
      if (this.table.size > this.stats.maxPending) this.stats.maxPending = this.table.size;
      this.bytes += header.length;
    } else if (f.proto !== r.nextProto || (r.version === 4 ? f.ihl !== r.ihl : f.headerLen - H.IPV6_FRAG_HEADER_LEN !== r.header.length)) {
      this.weird(r, "fragment_protocol_inconsistency");
    }
    const result = this.addFragment(r, d, f);
    if (result !== null) {
      this.forget(r);
      this.stats.reassembled++;
      return result;
    }
    this.enforceBound(r);
    return null;
  }

  /** Drops every buffer (end of input). */
  flush(): void {
    this.table.clear();
    this.bytes = 0;
  }

  private addFragment(r: Reassembly, d: Uint8Array, f: FragmentInfo): Uint8Array | null {
    if (f.df) this.weird(r, "fragment_with_DF");
    if (f.totalLen < f.headerLen) {
      this.weird(r, "fragment_protocol_inconsistency");
      return null;
    }
    const upper = f.fragOffset + f.totalLen - f.headerLen;
    if (f.fragOffset === 0) r.nextProto = f.proto;
    if (!f.more) {
      if (r.size === 0) r.size = upper;
      else if (upper !== r.size) {
        this.weird(r, "fragment_size_inconsistency");
        if (upper > r.size) r.size = upper;
      }
    } else if (f.totalLen < MIN_ACCEPTABLE_FRAG_SIZE) {
      this.weird(r, "excessively_small_fragment");
    }
    if (upper > MAX_ACCEPTABLE_FRAG_SIZE) this.weird(r, "excessively_large_fragment");
    if (r.size !== 0 && upper > r.size) {
      // A non-last fragment reaching past the size a last fragment declared.
      this.weird(r, "fragment_size_inconsistency");
      r.size = upper;
    }
    const start = f.ipOffset + f.headerLen;
    this.insert(r, f.fragOffset, d, start, start + f.totalLen - f.headerLen);
    return this.tryRebuild(r);
  }

  /** Stores [seq, seq+len) of the new bytes d[from, to) that no block covers yet. */
  private insert(r: Reassembly, seq: number, d: Uint8Array, from: number, to: number): void {
    const upper = seq + (to - from);
    if (upper === seq) return;
    const blocks = r.blocks;
    let cursor = seq;
    let i = 0;
    while (i < blocks.length && blocks[i]!.upper <= seq) i++;
    for (; i < blocks.length && blocks[i]!.seq < upper; i++) {
      const b = blocks[i]!;
      if (b.seq > cursor) {
        this.store(r, i, cursor, d.slice(from + (cursor - seq), from + (b.seq - seq)));
        i++;
      }
      // The overlapped part: existing data wins; compare to tell why.
      const oStart = Math.max(b.seq, seq);
      const oEnd = Math.min(b.upper, upper);
      this.weird(r, sameBytes(b.data, oStart - b.seq, d, from + (oStart - seq), oEnd - oStart) ? "fragment_overlap" : "fragment_inconsistency");
      cursor = Math.max(cursor, b.upper);
    }
    if (cursor < upper) this.store(r, i, cursor, d.slice(from + (cursor - seq), to));
  }

  private store(r: Reassembly, at: number, seq: number, data: Uint8Array): void {
    r.blocks.splice(at, 0, { seq, upper: seq + data.length, data });
    r.bytes += data.length;
    this.bytes += data.length;
  }

  /** Zeek's BlockInserted: rebuild when [0, size) is contiguous. */
  private tryRebuild(r: Reassembly): Uint8Array | null {
    const blocks = r.blocks;
    if (blocks.length === 0 || blocks[0]!.seq > 0 || r.size === 0) return null;
    let i = 0;
    while (i + 1 < blocks.length && blocks[i]!.upper === blocks[i + 1]!.seq) i++;
    const contiguousEnd = blocks[i]!.upper;
    if (i + 1 < blocks.length) {
      // A hole: only usable if the contiguous part already covers the size.
      if (contiguousEnd < r.size) return null;
      this.weird(r, "fragment_size_inconsistency");
      r.size = contiguousEnd;
    } else if (contiguousEnd > r.size) {
      this.weird(r, "fragment_size_inconsistency");
      r.size = contiguousEnd;
    } else if (contiguousEnd < r.size) {
      return null;
    }
    return this.rebuild(r);
  }

  private rebuild(r: Reassembly): Uint8Array {
    const hl = r.header.length;
    const out = new Uint8Array(hl + r.size);
    out.set(r.header, 0);
    for (const b of r.blocks) {
      if (b.seq >= r.size) break;
      const n = Math.min(b.upper, r.size) - b.seq;
      out.set(n === b.data.length ? b.data : b.data.subarray(0, n), hl + b.seq);
    }
    if (r.version === 4) {
      const total = hl + r.size;
      out[H.IPV4_TOTAL_LEN] = total >>> 8;
      out[H.IPV4_TOTAL_LEN + 1] = total & 0xff;
    } else {
      const plen = hl + r.size - H.IPV6_HEADER_LEN;
      out[H.IPV6_PAYLOAD_LEN] = plen >>> 8;
      out[H.IPV6_PAYLOAD_LEN + 1] = plen & 0xff;
    }
    return out;
  }

  private forget(r: Reassembly): void {
    this.table.delete(r.key);
    this.bytes -= r.bytes + r.header.length;
  }

  /** Buffers created frag_timeout ago or earlier go, oldest first. */
  private expire(): void {
    const timeout = this.timeout();
    if (timeout <= 0) return;
    for (const r of this.table.values()) {
      if (r.created + timeout > this.now) break;
      this.forget(r);
      this.stats.expired++;
    }
  }

  /** Keeps the total under max_fragment_bytes by evicting the oldest other buffers. */
  private enforceBound(current: Reassembly): void {
    const max = this.maxBytes();
    if (this.bytes <= max) return;
    this.weird(current, "fragment_buffer_limit_reached");
    for (const r of this.table.values()) {
      if (this.bytes <= max) break;
      if (r === current) continue;
      this.forget(r);
      this.stats.evicted++;
    }
    if (this.bytes > max) {
      this.forget(current);
      this.stats.evicted++;
    }
  }

  private weird(r: Reassembly, name: string): void {
    this.weirds.flow(name, r.src, r.dst);
  }
}

function sameBytes(a: Uint8Array, aFrom: number, b: Uint8Array, bFrom: number, n: number): boolean {
  for (let k = 0; k < n; k++) if (a[aFrom + k] !== b[bFrom + k]) return false;
  return true;
}

/** IPv4 fragment fields of the header at `off`. */
export function ipv4FragmentOffset(d: Uint8Array, off: number): number {
  return (u16(d, off + H.IPV4_FLAGS_FRAG) & H.IPV4_FRAG_OFFSET_MASK) * 8;
}
