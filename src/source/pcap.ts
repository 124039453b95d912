/**
 * Classic libpcap files ("savefiles", pcap-savefile(5)).
 *
 *   file header (24 bytes): magic, version major/minor, thiszone, sigfigs, snaplen, linktype
 *   each record: sec, usec|nsec, caplen, wirelen (16 bytes), then caplen bytes
 *
 * The magic says the byte order (a1b2c3d4 read back as d4c3b2a1 means the
 * writer had the other byte order) and the time unit (a1b23c4d: nanoseconds).
 *
 * Behaviour taken from libpcap, because that is what Zeek reads with:
 *  - nanosecond stamps are cut to microseconds by truncation, not rounding.
 *    Checked against the corpus: ldap/ldap_escaping_test.pcapng's first packet
 *    is at .946162628 s and Zeek's conn.log says .946162; mysql/caching_sha2_
 *    password-after-auth-switch.pcapng .783285526 → .783285 (rounding would give
 *    ...163 and ...286). The corpus's classic nanosecond files (http/get-to-ssh-
 *    server.pcap, vntag.pcap) have whole microseconds, so they cannot tell; we
 *    use the same truncation for them.
 *  - ts = sec + usec / 1e6 in double arithmetic, exactly Zeek's expression.
 *  - a record whose caplen exceeds the file's snaplen is cut to the snaplen (the
 *    rest of the record is skipped): trunc/trunc-hdr.pcap (snaplen 1, caplen 8)
 *    reaches Zeek as a 1-byte frame.
 *  - the link type is the low 16 bits of the header field; the upper bits carry
 *    FCS-length information that is not part of the type.
 *  - version 2.3 and older files may have caplen and wirelen swapped.
 */
import { DOUBLE_ZERO } from "../doubles.js";
import { type PacketSink, type RawPacket, TraceError } from "./raw-packet.js";
import type { RecordParser } from "./record-parser.js";

export const PCAP_MAGIC_USEC = 0xa1b2c3d4;
export const PCAP_MAGIC_NSEC = 0xa1b23c4d;
/** Alexey Kuznetzov's patched libpcap: records carry 8 extra bytes (ifindex, protocol, pkt_type). */
export const PCAP_MAGIC_KUZNETZOV = 0xa1b2cd34;
export const PCAP_FILE_HEADER_BYTES = 24;
export const PCAP_RECORD_HEADER_BYTES = 16;
const KUZNETZOV_RECORD_HEADER_BYTES = 24;
const PCAP_VERSION_MAJOR = 2;
const PCAP_VERSION_MINOR = 4;
/** libpcap's MAXIMUM_SNAPLEN: larger captured lengths are corrupt for ordinary link types. tcpdump captures and writes this much by default. */
export const MAXIMUM_SNAPLEN = 262144;
/** Link types libpcap allows bigger records for (pcap-common.c's max_snaplen_for_dlt). */
const LARGE_SNAPLEN: ReadonlyMap<number, number> = new Map([
  [231, 128 << 20], // LINKTYPE_DBUS
  [249, 1 << 20], // LINKTYPE_USBPCAP
  [279, 8 << 20], // LINKTYPE_EBHSCR
]);

export function maxSnaplenFor(linktype: number): number {
  return LARGE_SNAPLEN.get(linktype) ?? MAXIMUM_SNAPLEN;
}

/** The variant a magic number announces, or null when it is not classic pcap. */
export interface PcapVariant {
  littleEndian: boolean;
  nanoseconds: boolean;
  recordHeaderBytes: number;
}

export function pcapVariant(buf: Uint8Array, at: number): PcapVariant | null {
  const be = ((buf[at] << 24) | (buf[at + 1] << 16) | (buf[at + 2] << 8) | buf[at + 3]) >>> 0;
  const le = ((buf[at + 3] << 24) | (buf[at + 2] << 16) | (buf[at + 1] << 8) | buf[at]) >>> 0;
  for (const littleEndian of [true, false]) {
    const magic = littleEndian ? le : be;
    if (magic === PCAP_MAGIC_USEC) return { littleEndian, nanoseconds: false, recordHeaderBytes: PCAP_RECORD_HEADER_BYTES };
    if (magic === PCAP_MAGIC_NSEC) return { littleEndian, nanoseconds: true, recordHeaderBytes: PCAP_RECORD_HEADER_BYTES };
    if (magic === PCAP_MAGIC_KUZNETZOV) return { littleEndian, nanoseconds: false, recordHeaderBytes: KUZNETZOV_RECORD_HEADER_BYTES };
  }
  return null;
}

/** Reads the 24-byte file header at buf[at]; throws TraceError for versions libpcap refuses. */
export function readPcapHeader(buf: Uint8Array, at: number, available: number, name: string): PcapParser {
  const variant = pcapVariant(buf, at);
  if (variant === null) throw new TraceError(`${name}: not a pcap file`);
  if (available < PCAP_FILE_HEADER_BYTES) throw new TraceError(`${name}: truncated pcap file header (${available} of ${PCAP_FILE_HEADER_BYTES} bytes)`);
  const view = new DataView(buf.buffer, buf.byteOffset + at, PCAP_FILE_HEADER_BYTES);
  const le = variant.littleEndian;
  const major = view.getUint16(4, le);
  const minor = view.getUint16(6, le);
  if (major !== PCAP_VERSION_MAJOR || minor > PCAP_VERSION_MINOR)
    throw new TraceError(`${name}: unsupported pcap version ${major}.${minor} (only 2.0 to 2.4 are readable)`);
  const snaplen = view.getUint32(16, le);
  const linktype = view.getUint32(20, le) & 0xffff;
  return new PcapParser(variant, linktype, snaplen, minor);
}

export class PcapParser implements RecordParser {
  readonly format = "pcap";
  packets = 0;
  need: number;
  error: string | null = null;
  stopped = false;
  /** Records cut to the snaplen because their caplen exceeded it. */
  clipped = 0;
  private readonly packet: RawPacket;
  private readonly le: boolean;
  private readonly nano: boolean;
  private readonly headerBytes: number;
  /** Captured bytes kept per record: libpcap's adjusted snapshot length. */
  private readonly snapshot: number;
  /** Captured lengths above this are corrupt. */
  private readonly maxCaplen: number;
  /** Version 2.3 and older: caplen and wirelen may be swapped. */
  private readonly oldVersion: boolean;
  private view: DataView = new DataView(new ArrayBuffer(0));
  private viewOf: Uint8Array | null = null;

  constructor(
    variant: PcapVariant,
    readonly linktype: number,
    readonly snaplen: number,
    minor: number,
  ) {
    this.le = variant.littleEndian;
    this.nano = variant.nanoseconds;
    this.headerBytes = variant.recordHeaderBytes;
    this.need = variant.recordHeaderBytes;
    this.maxCaplen = maxSnaplenFor(linktype);
    this.snapshot = snaplen === 0 || snaplen > this.maxCaplen ? this.maxCaplen : snaplen;
    this.oldVersion = minor <= 3;
    this.packet = { ts: DOUBLE_ZERO, caplen: 0, wirelen: 0, linktype, data: new Uint8Array(0), offset: 0 };
  }

  parse(buf: Uint8Array, start: number, end: number, base: number, sink: PacketSink): number {
    if (buf !== this.viewOf) {
      this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
      this.viewOf = buf;
    }
    const view = this.view;
    const le = this.le;
    const hdr = this.headerBytes;
    const pkt = this.packet;
    pkt.data = buf;
    let p = start;
    for (;;) {
      if (end - p < hdr || this.stopped) {
        this.need = hdr;
        return p;
      }
      let caplen = view.getUint32(p + 8, le);
      let wirelen = view.getUint32(p + 12, le);
      if (this.oldVersion && caplen > wirelen) {
        const swap = caplen;
        caplen = wirelen;
        wirelen = swap;
      }
      if (caplen > this.maxCaplen) return this.corrupt(p, base, `captured length ${caplen} exceeds ${this.maxCaplen}`);
      const record = hdr + caplen;
      if (end - p < record) {
        this.need = record;
        return p;
      }
      if (caplen > this.snapshot) {
        caplen = this.snapshot;
        this.clipped++;
      }
      const sub = view.getUint32(p + 4, le);
      // Zeek's expression; nanoseconds are truncated to microseconds first (see header).
      pkt.ts = view.getUint32(p, le) + (this.nano ? Math.floor(sub / 1000) : sub) / 1e6;
      pkt.caplen = caplen;
      pkt.wirelen = wirelen;
      pkt.offset = p + hdr;
      this.packets++;
      sink(pkt);
      p += record;
    }
  }

  private corrupt(p: number, base: number, why: string): number {
    this.error = `corrupt pcap record at byte ${base + p} (packet ${this.packets + 1}): ${why}`;
    return p;
  }
}
