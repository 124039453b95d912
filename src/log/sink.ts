/**
 * Where a writer's bytes go. Writers format into strings; a sink gathers them
 * into a large chunk and hands the operating system one big write when the
 * chunk is full and at close, so logging costs few system calls.
 *
 * A file sink creates its file only when the first bytes arrive: Zeek writes no
 * conn.log for a trace without connections (the corpus has none for such traces).
 * Its directory is created then if missing (as Zeek's ASCII writer creates the
 * log directory), so `logdir: "out"` needs no mkdir first.
 */
import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { dirname } from "node:path";

export interface LogSink {
  /** Appends text (UTF-8 on output). */
  write(text: string): void;
  /** True once something was written (for files: the file exists). */
  readonly opened: boolean;
  /** Flushes buffered text and releases the file. Idempotent. */
  close(): void;
}

/** Buffered text is written out once it reaches this many UTF-16 units. */
const FLUSH_THRESHOLD = 1 << 20;

export class FileSink implements LogSink {
  private fd = -1;
  private parts: string[] = [];
  private buffered = 0;
  private closed = false;
  /** Set when the file could not be created: reported once, then records are dropped. */
  private failed = false;

  constructor(readonly filename: string) {
    // Replaced at the first flush, well into a run: known as mutable from the start (see doubles.ts).
    this.parts = [];
  }

  get opened(): boolean {
    return this.fd >= 0;
  }

  write(text: string): void {
    if (this.closed) throw new Error(`log ${this.filename} written after close`);
    if (this.failed) return;
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
    this.parts.push(text);
    this.buffered += text.length;
    if (this.buffered >= FLUSH_THRESHOLD) this.flush();
  }

  /** Writes everything buffered so far with one system call (or a few, for huge chunks). */
  flush(): void {
    if (this.fd < 0 || this.parts.length === 0) return;
    const chunk = Buffer.from(this.parts.join(""), "utf8");
    this.parts = [];
    this.buffered = 0;
    let done = 0;
    while (done < chunk.length) done += writeSync(this.fd, chunk, done, chunk.length - done);
  }

  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    if (this.fd >= 0) closeSync(this.fd);
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

  /** Everything written so far. */
  text(): string {
    if (this.parts.length > 1) this.parts = [this.parts.join("")];
    return this.parts[0] ?? "";
  }

  close(): void {
    this.closed = true;
  }
}
