/**
 * Where a writer's bytes go. Writers format into strings; a sink encodes each
 * into a large byte chunk at once and hands the operating system one big
 * write when the chunk is full and at close, so logging costs few system
 * calls. (Keeping the strings until a flush and joining them then cost more:
 * a megabyte of lines lived long enough to be copied by the garbage
 * collector, then was copied twice more, into one string and into bytes.)
 *
 * A file sink creates its file only when the first bytes arrive: Zeek writes no
 * conn.log for a trace without connections (the corpus has none for such traces).
 * Its directory is created then if missing (as Zeek's ASCII writer creates the
 * log directory), so `logdir: "out"` needs no mkdir first.
 */
import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { gzipSync } from "node:zlib";
import { systemErrorText } from "../system-error.js";

export interface LogSink {
  /** Appends text (UTF-8 on output). */
  write(text: string): void;
  /**
   * Appends the first `length` bytes of `bytes` (UTF-8), which the caller
   * reuses afterwards. Optional: writers fall back to `write` without it.
   */
  writeBytes?(bytes: Buffer, length: number): void;
  /** True once something was written (for files: the file exists). */
  readonly opened: boolean;
  /** Flushes buffered text and releases the file. Idempotent. */
  close(): void;
}

/**
 * The byte chunk lines are encoded into (written out when the next text might
 * not fit). 64 KiB keeps it in the processor's caches between two lines of a
 * log, which other work comes between: on the realistic mix, copying its
 * 108k lines into 1 MiB chunks took 106-155 ms, into 64 KiB ones 40-70 ms,
 * for 16 times as many writes (240 for 15 MB).
 */
export const CHUNK_BYTES = 64 << 10;
/** UTF-8 takes at most 3 bytes per UTF-16 unit (a surrogate pair: 4 bytes for 2 units). */
const MAX_UTF8_PER_UNIT = 3;

/**
 * A compressed log's chunk: larger, since each is one gzip member (a gzip file
 * may hold several, one after the other, and gunzip, zcat and zlib read
 * them as one stream), and a member compresses better the more it holds.
 */
const GZIP_CHUNK_BYTES = 1 << 20;

export interface FileSinkOptions {
  /** Zeek's LogAscii::gzip_level: compress what is written at this level (1-9); 0 or absent: plain text. */
  gzipLevel?: number;
  /** Write to this open descriptor (1: standard output, Zeek's LogAscii::output_to_stdout) instead of creating the file; it is left open. */
  fd?: number;
  /** With `fd`: its reader went away (EPIPE, `bronze … | head`); called once, and later records are dropped quietly. */
  onBrokenPipe?: () => void;
  /**
   * Writing failed (a full disk, an I/O error): called once with Zeek's words ("error writing to
   * conn.log: No space left on device"), and later records are dropped, as Zeek disables the
   * writer. Without it the failed write throws that message, once.
   */
  onWriteError?: (message: string) => void;
}

export class FileSink implements LogSink {
  private fd = -1;
  /** Made at the first write; `used` bytes of it are pending. */
  private chunk: Buffer | null = null;
  private used = 0;
  private closed = false;
  /** Set when the file could not be created: reported once, then records are dropped. */
  private failed = false;
  private readonly gzipLevel: number;
  private readonly chunkBytes: number;
  /** A descriptor given (standard output): used as is, never closed. */
  private readonly given: number;
  private readonly onBrokenPipe: (() => void) | undefined;
  private readonly onWriteError: ((message: string) => void) | undefined;

  constructor(
    readonly filename: string,
    options: FileSinkOptions = {},
  ) {
    this.gzipLevel = options.gzipLevel ?? 0;
    this.chunkBytes = this.gzipLevel > 0 ? GZIP_CHUNK_BYTES : CHUNK_BYTES;
    this.given = options.fd ?? -1;
    this.onBrokenPipe = options.onBrokenPipe;
    this.onWriteError = options.onWriteError;
  }

  get opened(): boolean {
    return this.fd >= 0;
  }

  write(text: string): void {
    if (!this.ready()) return;
    const chunk = (this.chunk ??= Buffer.allocUnsafe(this.chunkBytes));
    const worst = text.length * MAX_UTF8_PER_UNIT;
    if (worst > chunk.length - this.used) {
      this.flush();
      if (worst > chunk.length) {
        // Larger than a chunk (a huge header block): written on its own.
        this.writeAll(Buffer.from(text, "utf8"));
        return;
      }
    }
    this.used += chunk.write(text, this.used);
  }

  writeBytes(bytes: Buffer, length: number): void {
    if (!this.ready()) return;
    const chunk = (this.chunk ??= Buffer.allocUnsafe(this.chunkBytes));
    if (length > chunk.length - this.used) {
      this.flush();
      if (length > chunk.length) {
        this.writeAll(bytes.subarray(0, length));
        return;
      }
    }
    bytes.copy(chunk, this.used, 0, length);
    this.used += length;
  }

  /** Whether bytes may be written: the file is open (created at the first write), nothing failed. */
  private ready(): boolean {
    if (this.closed) throw new Error(`log ${this.filename} written after close`);
    if (this.failed) return false;
    if (this.fd < 0 && this.given >= 0) this.fd = this.given;
    if (this.fd < 0) {
      try {
        mkdirSync(dirname(this.filename), { recursive: true });
        this.fd = openSync(this.filename, "w");
      } catch (error) {
        // One report (the event bus prints it), not one per record.
        this.failed = true;
        throw new Error(`cannot create log ${this.filename}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return true;
  }

  /** Writes everything buffered so far with one system call (or a few, if the kernel takes less). */
  flush(): void {
    if (this.fd < 0 || this.chunk === null || this.used === 0) return;
    this.writeAll(this.chunk.subarray(0, this.used));
    this.used = 0;
  }

  private writeAll(plain: Uint8Array): void {
    if (this.failed) return;
    const bytes = this.gzipLevel > 0 ? gzipSync(plain, { level: this.gzipLevel }) : plain;
    let done = 0;
    try {
      while (done < bytes.length) done += writeSync(this.fd, bytes, done, bytes.length - done);
    } catch (error) {
      this.failed = true;
      if (this.fd === this.given && (error as NodeJS.ErrnoException).code === "EPIPE") this.onBrokenPipe?.();
      else {
        const message = `error writing to ${this.filename}: ${systemErrorText(error)}`;
        if (this.onWriteError === undefined) throw new Error(message);
        this.onWriteError(message);
      }
    }
  }

  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    if (this.fd >= 0 && this.fd !== this.given) closeSync(this.fd);
  }
}

/** Keeps everything in memory: for tests, the conformance suite and library users. */
export class MemorySink implements LogSink {
  private parts: string[] = [];
  opened = false;
  closed = false;

  write(text: string): void {
    this.opened = true;
    this.parts.push(text);
  }

  writeBytes(bytes: Buffer, length: number): void {
    this.write(bytes.toString("utf8", 0, length));
  }

  /** Everything written so far. */
  text(): string {
    if (this.parts.length > 1) this.parts = [this.parts.join("")];
    return this.parts[0] ?? "";
  }

  close(): void {
    this.closed = true;
  }
}
