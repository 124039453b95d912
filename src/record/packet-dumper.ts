/**
 * Zeek's dump_current_packet: a script appends the packet being processed
 * to a pcap file of its choice. One file is open at a time (asking for
 * another closes it), opened for appending as Zeek's dumpers are: a new or
 * empty file gets a header naming Zeek's Pcap::snaplen, an existing one must
 * be a microsecond pcap of the packet's link type. Each packet is flushed at
 * once, so the file is whole whenever the script or anyone else reads it.
 */
import { closeSync, openSync, readSync } from "node:fs";
import { PCAP_FILE_HEADER_BYTES, PCAP_MAGIC_USEC } from "../source/pcap.js";
import type { RawPacket } from "../source/raw-packet.js";
import { PcapWriter } from "./pcap-writer.js";

/** Zeek's Pcap::snaplen default, which its dumpers write into a file's header (packets are written whole all the same). */
const ZEEK_SNAPLEN = 9216;

export class PacketDumper {
  private path: string | null = null;
  private writer: PcapWriter | null = null;

  /** Appends `raw` to the pcap file at `path`; false when that file cannot be opened or written. */
  dump(path: string, raw: RawPacket): boolean {
    if (this.path !== path || (this.writer !== null && this.writer.linktype !== raw.linktype)) this.open(path, raw.linktype);
    const writer = this.writer;
    if (writer === null) return false;
    try {
      writer.writePacket(raw);
      writer.flush();
      return true;
    } catch {
      return false;
    }
  }

  close(): void {
    const writer = this.writer;
    this.writer = null;
    this.path = null;
    try {
      writer?.close();
    } catch {
      // Already reported by the dump that failed.
    }
  }

  private open(path: string, linktype: number): void {
    this.close();
    this.path = path;
    try {
      if (!appendable(path, linktype)) return;
      this.writer = new PcapWriter(path, { linktype, snaplen: ZEEK_SNAPLEN, append: true, keepWhole: true, bufferBytes: 1 << 16 });
    } catch {
      this.writer = null;
    }
  }
}

/** Whether packets of `linktype` may be appended to `path`: it is missing or empty, or a little-endian microsecond pcap of that link type. */
function appendable(path: string, linktype: number): boolean {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch {
    return true;
  }
  try {
    const header = new Uint8Array(PCAP_FILE_HEADER_BYTES);
    const got = readSync(fd, header, 0, header.length, 0);
    if (got === 0) return true;
    const v = new DataView(header.buffer);
    return got === header.length && v.getUint32(0, true) === PCAP_MAGIC_USEC && v.getUint32(20, true) === linktype;
  } finally {
    closeSync(fd);
  }
}
