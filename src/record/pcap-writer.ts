/**
 * Writes classic pcap (microsecond, the host's little-endian byte order as
 * libpcap writes it) to a file or file descriptor, buffering records into
 * large writes. Used by `-w`, by the tests and by the bench synthesizer.
 */
import { closeSync, fstatSync, ftruncateSync, openSync, statSync, writeSync } from "node:fs";
import { MAXIMUM_SNAPLEN, PCAP_FILE_HEADER_BYTES, PCAP_MAGIC_USEC, PCAP_RECORD_HEADER_BYTES } from "../source/pcap.js";
import type { RawPacket } from "../source/raw-packet.js";

const PCAP_VERSION_MAJOR = 2;
const PCAP_VERSION_MINOR = 4;
const DEFAULT_BUFFER_BYTES = 1 << 20;

export interface PcapWriterOptions {
  /** LINKTYPE_* of every packet written (pcap has one per file). */
  linktype: number;
  snaplen?: number;
  /** Bytes collected before each write. */
  bufferBytes?: number;
  /**
   * A path's file is appended to, its header written only when the file is
   * new or empty (libpcap's pcap_dump_open_append; the caller checks that an
   * existing file's link type is this one).
   */
  append?: boolean;
  /** Records longer than the snaplen are written whole, as libpcap's pcap_dump writes them (the header still names the snaplen). */
  keepWhole?: boolean;
}

export class PcapWriter {
  readonly linktype: number;
  readonly snaplen: number;
  /** Records written so far (buffered ones included). */
  packets = 0;
  /** Records handed to the file so far (a failed write leaves the later ones out). */
  packetsFlushed = 0;
  /** Bytes handed to the file so far (header included). */
  bytesWritten = 0;
  private fd: number | null;
  private readonly ownsFd: boolean;
  private buf: Uint8Array;
  private view: DataView;
  private used = 0;
  private readonly keepWhole: boolean;
  /** The file's size when this writer took it (appending), or -1 when it is no regular file (a pipe). */
  private readonly base: number;

  /** `target` is a path (created or truncated) or an open file descriptor (e.g. 1 for stdout). */
  constructor(target: string | number, options: PcapWriterOptions) {
    this.linktype = options.linktype;
    this.snaplen = options.snaplen ?? MAXIMUM_SNAPLEN;
    this.buf = new Uint8Array(Math.max(options.bufferBytes ?? DEFAULT_BUFFER_BYTES, PCAP_FILE_HEADER_BYTES));
    this.view = new DataView(this.buf.buffer);
    this.keepWhole = options.keepWhole ?? false;
    this.ownsFd = typeof target === "string";
    const appending = typeof target === "string" && options.append === true && fileSize(target) > 0;
    this.fd = typeof target === "string" ? openSync(target, options.append === true ? "a" : "w") : target;
    this.base = regularFileSize(this.fd);
    if (!appending) this.writeFileHeader();
  }

  /** Size of the file once flushed: bytes written plus bytes buffered. */
  get size(): number {
    return this.bytesWritten + this.used;
  }

  /** Writes a packet as a source delivered it (its ts is `sec + usec / 1e6`). */
  writePacket(pkt: RawPacket): void {
    this.write(pkt.ts, pkt.data, pkt.offset, pkt.caplen, pkt.wirelen);
  }

  /**
   * Writes one record; `ts` in seconds is split back into sec/usec (exact for
   * any ts a pcap reader produced). Bytes beyond the snaplen are not written.
   */
  write(ts: number, data: Uint8Array, offset = 0, caplen = data.length - offset, wirelen = caplen): void {
    let sec = Math.floor(ts);
    let usec = Math.round((ts - sec) * 1e6);
    if (usec >= 1e6) {
      sec += 1;
      usec -= 1e6;
    }
    this.writeRecord(sec, usec, data, offset, caplen, wirelen);
  }

  /** Writes one record with explicit seconds and microseconds. */
  writeRecord(sec: number, usec: number, data: Uint8Array, offset: number, caplen: number, wirelen: number): void {
    const kept = this.keepWhole ? caplen : Math.min(caplen, this.snaplen);
    const need = PCAP_RECORD_HEADER_BYTES + kept;
    if (this.used + need > this.buf.length) this.flush();
    if (need > this.buf.length) this.grow(need);
    const v = this.view;
    const at = this.used;
    v.setUint32(at, sec, true);
    v.setUint32(at + 4, usec, true);
    v.setUint32(at + 8, kept, true);
    v.setUint32(at + 12, Math.max(wirelen, kept), true);
    this.buf.set(data.subarray(offset, offset + kept), at + PCAP_RECORD_HEADER_BYTES);
    this.used += need;
    this.packets++;
  }

  /**
   * Hands buffered records to the file. A write that fails (a full disk)
   * throws after cutting a regular file back to its last whole record, so
   * that what was written stays a valid trace of `packetsFlushed` records.
   */
  flush(): void {
    if (this.fd === null) throw new Error("pcap writer is closed");
    let done = 0;
    try {
      while (done < this.used) done += writeSync(this.fd, this.buf, done, this.used - done);
    } catch (error) {
      if (this.base >= 0 && done > 0) ftruncateSync(this.fd, this.base + this.bytesWritten);
      throw error;
    }
    this.bytesWritten += this.used;
    this.used = 0;
    this.packetsFlushed = this.packets;
  }

  /** Flushes and closes the file (a descriptor passed in is left open). */
  close(): void {
    if (this.fd === null) return;
    this.flush();
    if (this.ownsFd) closeSync(this.fd);
    this.fd = null;
  }

  private writeFileHeader(): void {
    const v = this.view;
    v.setUint32(0, PCAP_MAGIC_USEC, true);
    v.setUint16(4, PCAP_VERSION_MAJOR, true);
    v.setUint16(6, PCAP_VERSION_MINOR, true);
    v.setInt32(8, 0, true); // thiszone: always UTC
    v.setUint32(12, 0, true); // sigfigs
    v.setUint32(16, this.snaplen, true);
    v.setUint32(20, this.linktype, true);
    this.used = PCAP_FILE_HEADER_BYTES;
  }

  private grow(need: number): void {
    this.buf = new Uint8Array(need);
    this.view = new DataView(this.buf.buffer);
  }
}

/** The size of the regular file open as `fd`, -1 for anything else (a pipe, a terminal). */
function regularFileSize(fd: number): number {
  try {
    const st = fstatSync(fd);
    return st.isFile() ? st.size : -1;
  } catch {
    return -1;
  }
}

/** A file's size, 0 when there is none. */
function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
