/**
 * The ZIP file analyzer (Zeek 9's Spicy one, src/file_analysis/analyzer/zip):
 * reads a ZIP archive as its bytes stream by and hands each member to the
 * files framework as a file of its own (source "ZIP", parent_fuid the
 * archive's, the archive's connections), inflated when deflated, so that
 * members are sniffed, hashed, extracted and logged like any file (a member
 * that is a ZIP archive again is read in turn, up to Spicy::max_file_depth).
 *
 * As Zeek's, record by record:
 * - a local file header (PK\3\4): its member file begins as soon as the
 *   header's sizes are read (its size the header's uncompressed size), for
 *   the methods Zeek inflates (stored, deflate) and unencrypted members only;
 *   ZIP::file follows the header (global_=F, the member's fid); then the
 *   data, `compressed_size` bytes, or with a data descriptor (flag bit 3) up
 *   to the first PK\7\8 whose CRC-32 is the data's so far; a CRC-32 that
 *   does not match the header's is a violation ("CRC mismatch");
 * - a central directory header (PK\1\2): ZIP::file with global_=T;
 * - the end of the central directory (PK\5\6): ZIP::end_of_directory with
 *   the archive's comment; ZIP64 records and sizes are violations ("ZIP64
 *   not supported"), as is any other record (the rest is not read).
 * base/files/zip's handler of ZIP::file names each member's file after its
 * path in the archive (files.log's filename), when the file is still open
 * then (a member that ended at once, an empty one, keeps none).
 *
 * A member's fuid is Zeek's: the hash of "<analyzer id>:<archive fuid>.<n>",
 * the analyzer id being the count of file analyzers made in the run so far.
 * Times are the DOS date and time read as UTC (Zeek's mktime reads them in
 * the local time zone).
 */
import { crc32 } from "node:zlib";
import { SyncInflater } from "../../analyzer/app/http/entity.js";
import { registerEvents } from "../../event/events.js";
import { latin1, u16le, u32le } from "../../packet/bytes.js";
import type { AnalyzerScriptHost } from "../../scripts/host.js";
import type { ProtocolScript } from "../../scripts/protocols.js";
import type { FaFile, FileAnalyzer } from "../file.js";
import { type FileManager, onFileManager } from "../manager.js";

/** Zeek's ZIP::File (the record ZIP::file carries). */
export interface ZipFile {
  /** From the central directory (true) or a local file header. */
  global_: boolean;
  /** The member's file, for local headers of members that are analysed. */
  fid?: string;
  filename: string;
  time_: number;
  comment: string;
  /** ZIP::CompressionMethod: "ZIP::CompressionMethod_Uncompressed", "…_Deflate", or "…_Undef" for others. */
  compression: string;
  encrypted: boolean;
}

export interface ZipEvents {
  /** A member's local header or central directory entry. */
  "ZIP::file": [f: FaFile, meta: ZipFile];
  /** The end of the central directory, with the archive's comment. */
  "ZIP::end_of_directory": [f: FaFile, comment: string];
}
declare module "../../event/events.js" {
  interface EventMap extends ZipEvents {}
}
registerEvents<ZipEvents>({ "ZIP::file": true, "ZIP::end_of_directory": true });

const LOCAL_FILE = 0x04034b50;
const CENTRAL_DIR = 0x02014b50;
const END_OF_DIR = 0x06054b50;
const END_OF_DIR64 = 0x06064b50;
const DATA_DESCRIPTOR = 0x08074b50;
const DESCRIPTOR_MAGIC = Uint8Array.of(0x50, 0x4b, 0x07, 0x08);

const STORED = 0;
const DEFLATE = 8;

/** Spicy::max_file_depth: archives nested deeper are not read. */
const MAX_FILE_DEPTH = 5;

/** Bytes of a header kept while it is incomplete (its names and fields can be 3 x 64 KiB). */
const MAX_HEADER = 3 * 65536 + 64;

function compressionName(method: number): string {
  return method === STORED ? "ZIP::CompressionMethod_Uncompressed" : method === DEFLATE ? "ZIP::CompressionMethod_Deflate" : "ZIP::CompressionMethod_Undef";
}

/** A DOS date and time (date in the high 16 bits) as seconds since the epoch, read as UTC. */
function dosTime(v: number): number {
  const sec = (v & 0x1f) * 2;
  const min = (v >>> 5) & 0x3f;
  const hour = (v >>> 11) & 0x1f;
  const day = (v >>> 16) & 0x1f;
  const month = (v >>> 21) & 0x0f;
  const year = ((v >>> 25) & 0x7f) + 1980;
  return Date.UTC(year, month - 1, day, hour, min, sec) / 1000;
}

/** A parse error: Zeek's Spicy analyzer turns it into a violation and reads no more. */
class ZipError extends Error {}

/** One member's data as it streams: inflated, checked and handed to its file. */
class Member {
  private readonly inflater: SyncInflater | null;
  private crc = 0;
  /** Compressed bytes still to come (with a descriptor: unknown, -1). */
  remaining: number;

  constructor(
    private readonly files: FileManager,
    /** The member's fuid; null when its data is not analysed (encrypted, unknown method). */
    readonly fid: string | null,
    method: number,
    readonly headerCrc: number,
    compressedSize: number,
    readonly hasDescriptor: boolean,
  ) {
    this.inflater = fid !== null && method === DEFLATE ? new SyncInflater(true) : null;
    this.remaining = hasDescriptor ? -1 : compressedSize;
  }

  get computedCrc(): number {
    return this.crc >>> 0;
  }

  /** Compressed bytes of the member, in order. */
  data(bytes: Uint8Array): void {
    if (this.fid === null || bytes.length === 0) return;
    let out = bytes;
    if (this.inflater !== null) {
      const r = this.inflater.feed(bytes);
      out = r.out;
    }
    if (out.length === 0) return;
    this.crc = crc32(out, this.crc);
    this.files.dataIn(this.fid, "ZIP", null, false, out);
  }

  end(): void {
    this.inflater?.close();
    if (this.fid !== null) this.files.endOfFile(this.fid);
  }
}

class ZipAnalyzer implements FileAnalyzer {
  readonly name = "ZIP";
  private buf: Uint8Array = new Uint8Array(0);
  private member: Member | null = null;
  /** Members begun (the <n> of their fuids). */
  private members = 0;
  private stopped = false;

  constructor(
    private readonly f: FaFile,
    private readonly id: number,
    private readonly depth: number,
  ) {}

  deliverStream(data: Uint8Array): boolean {
    if (this.stopped) return false;
    if (this.depth >= MAX_FILE_DEPTH) {
      this.violation("maximal file depth exceeded", data);
      return false;
    }
    this.buf = this.buf.length === 0 ? data.slice() : Buffer.concat([this.buf, data]);
    try {
      this.parse();
    } catch (e) {
      if (!(e instanceof ZipError)) throw e;
      this.violation(e.message, data);
      this.stop();
    }
    if (this.buf.length > MAX_HEADER) {
      this.violation("record too large", data);
      this.stop();
    }
    return true;
  }

  /** A gap: Zeek's Spicy file analyzers skip the rest of the file. */
  undelivered(): boolean {
    this.stop();
    return false;
  }

  endOfFile(): void {
    // A member cut short by the end of the archive ends with it.
    this.stop();
  }

  private stop(): void {
    this.stopped = true;
    this.member?.end();
    this.member = null;
    this.buf = new Uint8Array(0);
  }

  private violation(reason: string, data: Uint8Array): void {
    const bus = this.f.manager.bus;
    if (bus.wants.analyzer_violation_info) bus.queue("analyzer_violation_info", "ZIP", { reason, f: this.f, aid: this.id, data: latin1(data) });
  }

  /** Reads what the buffer holds: member data, then whole records. */
  private parse(): void {
    for (;;) {
      if (this.member !== null && !this.memberData()) return;
      if (this.buf.length < 4) return;
      const sig = u32le(this.buf, 0);
      const used =
        sig === LOCAL_FILE
          ? this.localFile()
          : sig === CENTRAL_DIR
            ? this.centralDirectory()
            : sig === END_OF_DIR
              ? this.endOfDirectory()
              : sig === DATA_DESCRIPTOR
                ? this.buf.length >= 16
                  ? 16
                  : 0
                : this.unknown(sig);
      if (used === 0) return;
      this.buf = this.buf.subarray(used);
    }
  }

  private unknown(sig: number): number {
    throw new ZipError(sig === END_OF_DIR64 ? "ZIP64 not supported" : "no matching ZIP record");
  }

  /** A local file header, whole; its member then streams. 0 while incomplete. */
  private localFile(): number {
    const b = this.buf;
    if (b.length < 30) return 0;
    const flags = u16le(b, 6);
    const method = u16le(b, 8);
    const csize = u32le(b, 18);
    const usize = u32le(b, 22);
    const nameLen = u16le(b, 26);
    const extraLen = u16le(b, 28);
    if (csize === 0xffffffff) throw new ZipError("ZIP64 not supported");
    const end = 30 + nameLen + extraLen;
    if (b.length < end) return 0;
    const encrypted = (flags & 1) !== 0;
    const analysed = (method === STORED || method === DEFLATE) && !encrypted;
    const fid = analysed ? this.beginMember(usize) : null;
    this.member = new Member(this.f.manager, fid, method, u32le(b, 14), csize, (flags & 8) !== 0);
    this.event({
      global_: false,
      fid: fid ?? undefined,
      filename: latin1(b.subarray(30, 30 + nameLen)),
      time_: dosTime(u32le(b, 10)),
      comment: "",
      compression: compressionName(method),
      encrypted,
    });
    return end;
  }

  /** Zeek's file_begin and file_set_size for the next member: its fuid. */
  private beginMember(size: number): string {
    const m = this.f.manager;
    const fid = m.fuid(`${this.id}:${this.f.id}.${++this.members}`);
    m.beginChild(this.f, fid, "ZIP");
    // Spicy's file_set_size only sets the size: a member whose header says 0
    // (sizes in a data descriptor) is complete, and ends, with its first data.
    const member = m.lookup(fid);
    if (member !== undefined) member.total_bytes = size;
    return fid;
  }

  /** Member data from the buffer; true once the member is over (the buffer then holds what follows it). */
  private memberData(): boolean {
    const m = this.member!;
    if (!m.hasDescriptor) {
      const n = Math.min(m.remaining, this.buf.length);
      m.data(this.buf.subarray(0, n));
      m.remaining -= n;
      this.buf = this.buf.subarray(n);
      if (m.remaining > 0) return false;
      this.finishMember(m.headerCrc);
      return true;
    }
    return this.descriptorData(m);
  }

  /**
   * Data up to a data descriptor: the first PK\7\8 whose CRC-32 is that of
   * the data so far ends it; one whose CRC is not is data after all.
   */
  private descriptorData(m: Member): boolean {
    for (;;) {
      const at = indexOf(this.buf, DESCRIPTOR_MAGIC);
      if (at < 0) {
        // Keep what may be the start of a magic split across deliveries.
        const keep = Math.min(3, this.buf.length);
        m.data(this.buf.subarray(0, this.buf.length - keep));
        this.buf = this.buf.subarray(this.buf.length - keep);
        return false;
      }
      m.data(this.buf.subarray(0, at));
      this.buf = this.buf.subarray(at);
      if (this.buf.length < 16) return false;
      const crc = u32le(this.buf, 4);
      if (crc === m.computedCrc) {
        this.buf = this.buf.subarray(16);
        this.finishMember(crc);
        return true;
      }
      m.data(DESCRIPTOR_MAGIC);
      this.buf = this.buf.subarray(4);
    }
  }

  private finishMember(expectedCrc: number): void {
    const m = this.member!;
    this.member = null;
    m.end();
    if (m.fid !== null && expectedCrc !== m.computedCrc) throw new ZipError("CRC mismatch");
  }

  private centralDirectory(): number {
    const b = this.buf;
    if (b.length < 46) return 0;
    const nameLen = u16le(b, 28);
    const extraLen = u16le(b, 30);
    const commentLen = u16le(b, 32);
    const end = 46 + nameLen + extraLen + commentLen;
    if (b.length < end) return 0;
    const flags = u16le(b, 8);
    this.event({
      global_: true,
      filename: latin1(b.subarray(46, 46 + nameLen)),
      time_: dosTime(u32le(b, 12)),
      comment: latin1(b.subarray(46 + nameLen + extraLen, end)),
      compression: compressionName(u16le(b, 10)),
      encrypted: (flags & 1) !== 0,
    });
    return end;
  }

  private endOfDirectory(): number {
    const b = this.buf;
    if (b.length < 22) return 0;
    const end = 22 + u16le(b, 20);
    if (b.length < end) return 0;
    const bus = this.f.manager.bus;
    if (bus.wants["ZIP::end_of_directory"]) bus.queue("ZIP::end_of_directory", this.f, latin1(b.subarray(22, end)));
    return end;
  }

  private event(meta: ZipFile): void {
    const bus = this.f.manager.bus;
    if (bus.wants["ZIP::file"]) bus.queue("ZIP::file", this.f, meta);
  }
}

function indexOf(hay: Uint8Array, needle: Uint8Array): number {
  return Buffer.from(hay.buffer, hay.byteOffset, hay.length).indexOf(needle);
}

onFileManager((m) => m.registerAnalyzer("ZIP", (f, _args, id) => new ZipAnalyzer(f, id, f.nesting)));

/**
 * base/files/zip: a member's file takes its path in the archive as its
 * filename (files.log), when it is still open as ZIP::file runs.
 */
export const ZIP_SCRIPT: ProtocolScript = {
  script: "base/files/zip",
  load(host: AnalyzerScriptHost) {
    host.on("ZIP::file", (f, meta) => {
      if (meta.global_ || meta.fid === undefined) return;
      const member = f.manager.lookup(meta.fid);
      if (member?.info !== undefined) member.info.filename = meta.filename;
    });
  },
};

/** policy/files/zip/register: the ZIP analyzer reads every application/zip file (Files::register_for_mime_type). */
export function loadZipRegister(host: AnalyzerScriptHost): void {
  host.on("file_sniff", (f, meta) => {
    if (meta.mime_type === "application/zip") f.addAnalyzer("ZIP");
  });
}
