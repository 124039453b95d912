/**
 * The file analyzers bronze has (Zeek's file_analysis/analyzer/hash, extract
 * and data_event): MD5, SHA1, SHA224, SHA256, SHA384 and SHA512 raise
 * file_hash with the hex digest when the file ends whole (a gap drops them,
 * as Zeek's); EXTRACT writes the file's bytes to a path (holes as zeros) up
 * to a byte limit, raising file_extraction_limit when it is reached;
 * DATA_EVENT hands each chunk to the script's stream and chunk callbacks.
 */
import { createHash, type Hash } from "node:crypto";
import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { systemErrorText } from "../system-error.js";
import type { FaFile, FileAnalyzer, FileAnalyzerArgs } from "./file.js";
import { onFileManager } from "./manager.js";

/** The hashes Zeek's hash analyzers compute (file_hash's `kind`, Node's digest name alike). */
type HashKind = "md5" | "sha1" | "sha224" | "sha256" | "sha384" | "sha512";

class HashAnalyzer implements FileAnalyzer {
  private readonly hash: Hash;
  /** Bytes hashed so far. */
  hashed = 0;
  /** The digest once the file ended (a hash is finalised once). */
  private final: string | null = null;
  constructor(
    readonly name: string,
    private readonly kind: HashKind,
    private readonly f: FaFile,
  ) {
    this.hash = createHash(kind);
  }
  deliverStream(data: Uint8Array): boolean {
    this.hash.update(data);
    this.hashed += data.length;
    return true;
  }

  /** The digest of the bytes so far (hex), the hash itself going on. */
  digestSoFar(): string {
    return this.final ?? this.hash.copy().digest("hex");
  }
  undelivered(): boolean {
    return false;
  }
  endOfFile(): void {
    this.final ??= this.hash.digest("hex");
    const bus = this.f.manager.bus;
    if (bus.wants.file_hash) bus.queue("file_hash", this.f, this.kind, this.final);
  }
}

/**
 * The SHA-256 (hex) of a file's first `bytes` bytes when its SHA256 analyzer
 * has hashed exactly those (analyzers see a file from its start, BOF
 * catch-up included, or are dropped), else null. The X509 analyzer's
 * fingerprint is that digest: certificates get both (Zeek's x509 scripts
 * add MD5, SHA1 and SHA256), and hashing each twice cost ~1 % of the
 * realistic mix's instructions under callgrind.
 */
export function sha256SoFar(f: FaFile, bytes: number): string | null {
  const a = f.manager.analyzerNamed(f, "SHA256");
  return a instanceof HashAnalyzer && a.hashed === bytes ? a.digestSoFar() : null;
}

/** FileExtract::default_limit (100 MB). */
export const DEFAULT_EXTRACT_LIMIT = 104857600;

class ExtractAnalyzer implements FileAnalyzer {
  readonly name = "EXTRACT";
  private fd = -1;
  /** Bytes counted against the limit (holes too, unless extract_limit_includes_missing is F). */
  private written = 0;
  /** Where the next bytes go in the file (past a hole). */
  private position = 0;
  /** FileExtract::set_limit changes it, from a file_extraction_limit handler too. */
  limit: number;
  constructor(
    private readonly f: FaFile,
    readonly args: FileAnalyzerArgs,
  ) {
    this.limit = args.extract_limit ?? DEFAULT_EXTRACT_LIMIT;
    const path = args.extract_filename;
    if (path === undefined) return;
    try {
      mkdirSync(dirname(path), { recursive: true });
    } catch {
      // The open says why (Zeek's script makes the folder; its analyzer only opens).
    }
    try {
      this.fd = openSync(path, "w");
    } catch (error) {
      this.fd = -1;
      f.manager.reportError(`cannot open ${path}: ${systemErrorText(error)}`);
    }
  }

  /**
   * How many of `len` more bytes the limit lets through. Past it,
   * file_extraction_limit runs at once (Zeek drains the queue for it), and
   * the limit is looked at again: a handler may have raised it.
   */
  private allowance(len: number): number {
    const within = (): number => (this.limit === 0 ? len : Math.max(0, Math.min(len, this.limit - this.written)));
    if (within() === len) return len;
    this.f.manager.extractionLimit(this.f, this.args, this.limit, len);
    return within();
  }

  /** Writes what the limit allows of `data`; false (the file closed) once it is reached. */
  deliverStream(data: Uint8Array): boolean {
    if (this.fd < 0) return false;
    const n = this.allowance(data.length);
    if (n > 0 && !this.write(data, n)) return false;
    this.written += n;
    this.position += n;
    if (n < data.length) {
      this.endOfFile();
      return false;
    }
    return true;
  }

  /** A hole stays a hole (the next bytes are written past it); it counts against the limit unless extract_limit_includes_missing is F. */
  undelivered(offset: number, len: number): boolean {
    if (this.fd < 0) return false;
    if (this.args.extract_limit_includes_missing !== false) {
      if (this.allowance(len) < len) {
        this.endOfFile();
        return false;
      }
      this.written += len;
    }
    this.position = offset + len;
    return true;
  }

  endOfFile(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }

  /**
   * The first `n` bytes of `data` at the write position; a failure (a full
   * disk) is Zeek's reporter error, the file is closed and the analyzer stops.
   */
  private write(data: Uint8Array, n: number): boolean {
    try {
      for (let done = 0; done < n; ) done += writeSync(this.fd, data, done, n - done, this.position + done);
      return true;
    } catch (error) {
      this.f.manager.reportError(`failed to write to extracted file ${this.args.extract_filename}: ${systemErrorText(error)}`);
      this.endOfFile();
      return false;
    }
  }
}

/** FileExtract::set_limit: the EXTRACT analyzer of `f` writes up to `limit` bytes (0: no limit); false when `f` has none. */
export function setExtractLimit(f: FaFile, limit: number): boolean {
  const a = f.manager.analyzerNamed(f, "EXTRACT");
  if (!(a instanceof ExtractAnalyzer)) return false;
  a.limit = limit;
  return true;
}

/**
 * Zeek's DATA_EVENT: each chunk to the args' stream_event in stream order,
 * and to chunk_event at the offset it came with (after the stream's
 * delivery, as Zeek's File::DeliverChunk). Without either it is not made.
 */
class DataEventAnalyzer implements FileAnalyzer {
  readonly name = "DATA_EVENT";

  constructor(
    private readonly f: FaFile,
    private readonly args: FileAnalyzerArgs,
  ) {}

  deliverStream(data: Uint8Array): boolean {
    this.args.stream_event?.(this.f, latin1(data));
    return true;
  }

  deliverChunk(data: Uint8Array, offset: number): boolean {
    this.args.chunk_event?.(this.f, latin1(data), offset);
    return true;
  }

  undelivered(): boolean {
    return true;
  }

  endOfFile(): void {}
}

function latin1(data: Uint8Array): string {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("latin1");
}

onFileManager((m) => {
  for (const kind of ["md5", "sha1", "sha224", "sha256", "sha384", "sha512"] as const) {
    const name = kind.toUpperCase();
    m.registerAnalyzer(name, (f) => new HashAnalyzer(name, kind, f));
  }
  m.registerAnalyzer("EXTRACT", (f, args) => new ExtractAnalyzer(f, args));
  m.registerAnalyzer("DATA_EVENT", (f, args) => (args.stream_event === undefined && args.chunk_event === undefined ? null : new DataEventAnalyzer(f, args)));
});
