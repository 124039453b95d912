/**
 * pcapng files (draft-ietf-opsawg-pcapng): a sequence of blocks
 *
 *   type (4) | total length (4) | body … | total length (4)
 *
 * Sections start with a Section Header Block whose byte-order magic sets the
 * byte order of everything up to the next SHB; a new SHB also forgets the
 * interfaces of the previous section. Interface Description Blocks give each
 * interface its link type, snaplen, timestamp resolution (if_tsresol, a power
 * of 10 or, with the top bit set, of 2) and offset (if_tsoffset, seconds).
 * Packets come in Enhanced (EPB), Simple (SPB, interface 0, no timestamp) and
 * obsolete (OPB) Packet Blocks; every other block is skipped by its length.
 *
 * Timestamps are reduced to microseconds by truncation before Zeek's
 * `sec + usec / 1e6` (see pcap.ts for the corpus evidence), with integer
 * arithmetic on the 64-bit count so that nanosecond stamps lose nothing.
 */
import { DOUBLE_ZERO } from "../doubles.js";
import { MAX_RECORD_BYTES } from "./chunk-buffer.js";
import { maxSnaplenFor } from "./pcap.js";
import type { PacketSink, RawPacket } from "./raw-packet.js";
import type { RecordParser } from "./record-parser.js";

export const PCAPNG_SHB = 0x0a0d0d0a;
export const PCAPNG_IDB = 0x00000001;
export const PCAPNG_OPB = 0x00000002;
export const PCAPNG_SPB = 0x00000003;
export const PCAPNG_EPB = 0x00000006;
export const PCAPNG_BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const PCAPNG_VERSION_MAJOR = 1;
const OPT_ENDOFOPT = 0;
const OPT_IF_TSRESOL = 9;
const OPT_IF_TSOFFSET = 14;
/** Type + length + trailing length. */
const BLOCK_OVERHEAD = 12;
const SHB_MIN_BYTES = 28;
const IDB_MIN_BYTES = 20;
/** EPB/OPB fixed fields before the packet data, counted from the block start. */
const EPB_DATA_OFFSET = 28;
const SPB_DATA_OFFSET = 12;
const DEFAULT_UNITS_PER_SECOND = 1e6;
const TWO_POW_32 = 4294967296;
/** Below this high word the 64-bit count fits a double exactly (2^53). */
const EXACT_HIGH_WORD = 0x200000;

/** Scratch results of splitTimestamp (module-level so that nothing is allocated per packet). */
let splitSec = 0;
let splitUsec = 0;

/**
 * Splits a 64-bit tick count (hi:lo) at `units` ticks per second into whole
 * seconds and truncated microseconds, exactly.
 */
function splitTimestamp(hi: number, lo: number, units: number): void {
  if (units > TWO_POW_32) {
    // Resolutions finer than 2^-32 s exist only on paper; BigInt is exact, and rare here.
    const t = (BigInt(hi) << 32n) | BigInt(lo);
    const u = BigInt(units);
    splitSec = Number(t / u);
    splitUsec = Number(((t % u) * 1000000n) / u);
    return;
  }
  let sec: number;
  let frac: number;
  if (hi < EXACT_HIGH_WORD) {
    const t = hi * TWO_POW_32 + lo;
    sec = Math.floor(t / units);
    frac = t - sec * units;
    if (frac < 0) {
      sec--;
      frac += units;
    }
  } else {
    // Long division in 16-bit digits keeps every intermediate below 2^53.
    const hq = Math.floor(hi / units);
    const hr = hi - hq * units;
    const x = hr * 65536 + (lo >>> 16);
    const q2 = Math.floor(x / units);
    const y = (x - q2 * units) * 65536 + (lo & 0xffff);
    const q3 = Math.floor(y / units);
    sec = hq * TWO_POW_32 + q2 * 65536 + q3;
    frac = y - q3 * units;
  }
  splitSec = sec;
  if (units === DEFAULT_UNITS_PER_SECOND) {
    splitUsec = frac;
    return;
  }
  // frac < units <= 2^32, so frac * 1e6 is exact; correct the quotient's last-bit rounding.
  const scaled = frac * DEFAULT_UNITS_PER_SECOND;
  let usec = Math.floor(scaled / units);
  if (usec * units > scaled) usec--;
  else if ((usec + 1) * units <= scaled) usec++;
  splitUsec = usec;
}

/** Ticks per second for an if_tsresol byte: 10^-n, or 2^-n when the top bit is set. */
export function unitsPerSecond(tsresol: number): number {
  return tsresol & 0x80 ? 2 ** (tsresol & 0x7f) : 10 ** tsresol;
}

export class PcapngParser implements RecordParser {
  readonly format = "pcapng";
  packets = 0;
  need = BLOCK_OVERHEAD;
  error: string | null = null;
  stopped = false;
  /** Sections seen (SHBs). */
  sections = 0;
  private le = true;
  private readonly packet: RawPacket = { ts: DOUBLE_ZERO, caplen: 0, wirelen: 0, linktype: 0, data: new Uint8Array(0), offset: 0 };
  // Interfaces of the current section, by interface id.
  private readonly linktypes: number[] = [];
  private readonly snaplens: number[] = [];
  private readonly units: number[] = [];
  private readonly offsets: number[] = [];
  private view: DataView = new DataView(new ArrayBuffer(0));
  private viewOf: Uint8Array | null = null;

  /** Interfaces defined in the current section. */
  get interfaces(): number {
    return this.linktypes.length;
  }

  parse(buf: Uint8Array, start: number, end: number, base: number, sink: PacketSink): number {
    if (buf !== this.viewOf) {
      this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
      this.viewOf = buf;
    }
    const view = this.view;
    this.packet.data = buf;
    let p = start;
    for (;;) {
      if (end - p < BLOCK_OVERHEAD || this.stopped) {
        this.need = BLOCK_OVERHEAD;
        return p;
      }
      const type = view.getUint32(p, this.le);
      if (type === PCAPNG_SHB && !this.setByteOrder(view, p, base)) return p;
      const len = view.getUint32(p + 4, this.le);
      if (len < BLOCK_OVERHEAD || len % 4 !== 0) return this.corrupt(p, base, `block length ${len} is not a multiple of 4 of at least 12`);
      if (len > MAX_RECORD_BYTES) return this.corrupt(p, base, `block length ${len} exceeds the ${MAX_RECORD_BYTES >> 20} MiB limit`);
      if (end - p < len) {
        this.need = len;
        return p;
      }
      if (view.getUint32(p + len - 4, this.le) !== len)
        return this.corrupt(p, base, `block length ${len} differs from its trailing copy ${view.getUint32(p + len - 4, this.le)}`);
      let ok = true;
      if (type === PCAPNG_EPB) ok = this.enhancedPacket(view, p, len, base, view.getUint32(p + 8, this.le), sink);
      else if (type === PCAPNG_SPB) ok = this.simplePacket(view, p, len, base, sink);
      else if (type === PCAPNG_OPB) ok = this.enhancedPacket(view, p, len, base, view.getUint16(p + 8, this.le), sink);
      else if (type === PCAPNG_IDB) ok = this.interfaceDescription(view, p, len, base);
      else if (type === PCAPNG_SHB) ok = this.sectionHeader(view, p, len, base);
      if (!ok) return p;
      p += len;
    }
  }

  /** Reads the byte-order magic of an SHB (the type reads the same in both orders). */
  private setByteOrder(view: DataView, p: number, base: number): boolean {
    const magic = view.getUint32(p + 8, true);
    if (magic === PCAPNG_BYTE_ORDER_MAGIC) this.le = true;
    else if (view.getUint32(p + 8, false) === PCAPNG_BYTE_ORDER_MAGIC) this.le = false;
    else {
      this.corrupt(p, base, `section header has no byte-order magic (0x${magic.toString(16).padStart(8, "0")})`);
      return false;
    }
    return true;
  }

  private sectionHeader(view: DataView, p: number, len: number, base: number): boolean {
    if (len < SHB_MIN_BYTES) return this.fail(p, base, `section header block of ${len} bytes (minimum ${SHB_MIN_BYTES})`);
    const major = view.getUint16(p + 12, this.le);
    if (major !== PCAPNG_VERSION_MAJOR) return this.fail(p, base, `unsupported pcapng version ${major}.${view.getUint16(p + 14, this.le)}`);
    this.sections++;
    this.linktypes.length = this.snaplens.length = this.units.length = this.offsets.length = 0;
    return true;
  }

  private interfaceDescription(view: DataView, p: number, len: number, base: number): boolean {
    if (len < IDB_MIN_BYTES) return this.fail(p, base, `interface description block of ${len} bytes (minimum ${IDB_MIN_BYTES})`);
    const linktype = view.getUint16(p + 8, this.le);
    let units = DEFAULT_UNITS_PER_SECOND;
    let offset = 0;
    const optionsEnd = p + len - 4;
    for (let o = p + 16; o + 4 <= optionsEnd; ) {
      const code = view.getUint16(o, this.le);
      const olen = view.getUint16(o + 2, this.le);
      if (code === OPT_ENDOFOPT || o + 4 + olen > optionsEnd) break;
      if (code === OPT_IF_TSRESOL && olen >= 1) units = unitsPerSecond(view.getUint8(o + 4));
      if (code === OPT_IF_TSOFFSET && olen >= 8) offset = this.readInt64(view, o + 4);
      o += 4 + ((olen + 3) & ~3);
    }
    if (!Number.isFinite(units) || units < 1) return this.fail(p, base, `unusable if_tsresol for interface ${this.linktypes.length}`);
    this.linktypes.push(linktype);
    this.snaplens.push(view.getUint32(p + 12, this.le));
    this.units.push(units);
    this.offsets.push(offset);
    return true;
  }

  private readInt64(view: DataView, at: number): number {
    const hi = view.getInt32(this.le ? at + 4 : at, this.le);
    const lo = view.getUint32(this.le ? at : at + 4, this.le);
    return hi * TWO_POW_32 + lo;
  }

  /** EPB and OPB share their layout after the interface id. */
  private enhancedPacket(view: DataView, p: number, len: number, base: number, iface: number, sink: PacketSink): boolean {
    const le = this.le;
    if (iface >= this.linktypes.length) return this.fail(p, base, `packet for interface ${iface}, but the section defines ${this.linktypes.length}`);
    let caplen = view.getUint32(p + 20, le);
    if (caplen > len - EPB_DATA_OFFSET - 4) return this.fail(p, base, `captured length ${caplen} exceeds its ${len}-byte block`);
    const snaplen = this.snaplens[iface];
    // libpcap cuts records to the snapshot length (pcap.ts). Here it is the packet's own
    // interface's; no corpus pcapng has a record above its snaplen, so this is unverified
    // against Zeek (libpcap 1.10 used the first interface's and refused differing ones).
    if (snaplen !== 0 && caplen > snaplen && snaplen <= maxSnaplenFor(this.linktypes[iface])) caplen = snaplen;
    const units = this.units[iface];
    splitTimestamp(view.getUint32(p + 12, le), view.getUint32(p + 16, le), units);
    const pkt = this.packet;
    pkt.ts = splitSec + this.offsets[iface] + splitUsec / 1e6;
    pkt.caplen = caplen;
    pkt.wirelen = view.getUint32(p + 24, le);
    pkt.linktype = this.linktypes[iface];
    pkt.offset = p + EPB_DATA_OFFSET;
    this.packets++;
    sink(pkt);
    return true;
  }

  /** SPB: interface 0, no timestamp (libpcap reports 0), captured bytes bounded by snaplen and block. */
  private simplePacket(view: DataView, p: number, len: number, base: number, sink: PacketSink): boolean {
    if (this.linktypes.length === 0) return this.fail(p, base, "simple packet block before any interface description");
    if (len < SPB_DATA_OFFSET + 4) return this.fail(p, base, `simple packet block of ${len} bytes`);
    const wirelen = view.getUint32(p + 8, this.le);
    let caplen = Math.min(wirelen, len - SPB_DATA_OFFSET - 4);
    const snaplen = this.snaplens[0];
    if (snaplen !== 0 && caplen > snaplen) caplen = snaplen;
    const pkt = this.packet;
    pkt.ts = 0;
    pkt.caplen = caplen;
    pkt.wirelen = wirelen;
    pkt.linktype = this.linktypes[0];
    pkt.offset = p + SPB_DATA_OFFSET;
    this.packets++;
    sink(pkt);
    return true;
  }

  private fail(p: number, base: number, why: string): boolean {
    this.corrupt(p, base, why);
    return false;
  }

  private corrupt(p: number, base: number, why: string): number {
    this.error = `corrupt pcapng block at byte ${base + p} (packet ${this.packets + 1}): ${why}`;
    return p;
  }
}
