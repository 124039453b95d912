/**
 * Where trace bytes come from: a regular file read with fs.readSync (the fast
 * path: no promise, no copy, straight into the chunk buffer), or any stream of
 * chunks (standard input, a gunzip stream) copied into the chunk buffer.
 *
 * `read` returns a number when it could answer synchronously and a promise only
 * when it has to wait for a stream; the reader loop awaits only in that case.
 */
import { closeSync, createReadStream, read, readSync } from "node:fs";
import type { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import type { SourceProgress } from "./raw-packet.js";

export interface ByteInput {
  /** Copies up to `max` bytes into `buf` at `at`; resolves to 0 at the end of input. */
  read(buf: Uint8Array, at: number, max: number): number | Promise<number>;
  /**
   * Like read, but always in the background (another thread does the copy),
   * for inputs that can: the caller keeps working and awaits the count later.
   * No other read may be made until it settles.
   */
  readAhead?(buf: Uint8Array, at: number, max: number): Promise<number>;
  /** Bytes consumed from the underlying file or pipe (compressed bytes for gzip). */
  progress(): SourceProgress;
  /** Releases the file descriptor or stream; safe to call twice. */
  close(): void;
}

/**
 * A regular file: read synchronously (the fastest way Node offers to read a
 * file in bulk), or ahead in libuv's thread pool, where the kernel's copy of
 * the bytes runs beside the packet processing instead of before it.
 */
export class FileInput implements ByteInput {
  private position = 0;
  private fd: number | null;
  /** The background read in progress, if any: closing waits for it. */
  private pending: Promise<number> | null = null;

  constructor(
    fd: number,
    private readonly size: number | null,
  ) {
    this.fd = fd;
  }

  read(buf: Uint8Array, at: number, max: number): number {
    if (this.fd === null || max === 0) return 0;
    const n = readSync(this.fd, buf, at, max, this.position);
    this.position += n;
    return n;
  }

  readAhead(buf: Uint8Array, at: number, max: number): Promise<number> {
    const fd = this.fd;
    if (fd === null || max === 0) return Promise.resolve(0);
    const pending = new Promise<number>((resolve, reject) => {
      read(fd, buf, at, max, this.position, (err, n) => {
        this.pending = null;
        if (err) reject(err);
        else {
          this.position += n;
          resolve(n);
        }
      });
    });
    this.pending = pending;
    return pending;
  }

  progress(): SourceProgress {
    return { bytesRead: this.position, totalBytes: this.size };
  }

  close(): void {
    const fd = this.fd;
    if (fd === null) return;
    this.fd = null;
    // A read in the thread pool still uses the descriptor: close it after.
    if (this.pending !== null)
      this.pending.then(
        () => closeSync(fd),
        () => closeSync(fd),
      );
    else closeSync(fd);
  }
}

/**
 * A Node Readable (stdin, a gunzip stream), consumed through 'data' events with
 * pause/resume. (Async iteration of a Readable retains ~150 bytes per chunk in
 * Node 20, which would make memory grow with the trace.) Chunks are copied
 * once, into the caller's buffer.
 */
export class ReadableInput implements ByteInput {
  private readonly queue: Uint8Array[] = [];
  /** Bytes of queue[0] already handed out. */
  private queueAt = 0;
  private ended = false;
  private closed = false;
  private failure: Error | null = null;
  private wake: (() => void) | null = null;

  constructor(
    private readonly stream: Readable,
    private readonly measure: () => SourceProgress,
    private readonly onClose: () => void = () => stream.destroy(),
  ) {
    stream.on("data", this.onData);
    stream.on("end", this.onEnd);
    stream.on("error", this.onError);
  }

  read(buf: Uint8Array, at: number, max: number): number | Promise<number> {
    if (this.queue.length > 0) return this.copy(buf, at, max);
    if (this.failure !== null) throw this.failure;
    if (this.ended || this.closed || max === 0) return 0;
    return new Promise<void>((resolve) => {
      this.wake = resolve;
      this.stream.resume();
    }).then(() => this.read(buf, at, max));
  }

  progress(): SourceProgress {
    return this.measure();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.detach();
    this.onClose();
    this.wakeUp();
  }

  /** Stops listening and returns the bytes received but not read (to re-read them through gunzip). */
  detach(): Uint8Array[] {
    this.stream.off("data", this.onData);
    this.stream.off("end", this.onEnd);
    this.stream.off("error", this.onError);
    this.stream.pause();
    const rest = this.queue.splice(0);
    if (rest.length > 0) rest[0] = rest[0].subarray(this.queueAt);
    this.queueAt = 0;
    return rest;
  }

  private readonly onData = (chunk: Uint8Array | string): void => {
    if (chunk.length === 0) return;
    this.queue.push(typeof chunk === "string" ? Buffer.from(chunk, "latin1") : chunk);
    // One chunk ahead is enough: the next read empties it.
    this.stream.pause();
    this.wakeUp();
  };

  private readonly onEnd = (): void => {
    this.ended = true;
    this.wakeUp();
  };

  private readonly onError = (err: Error): void => {
    this.failure = err;
    this.wakeUp();
  };

  private wakeUp(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  private copy(buf: Uint8Array, at: number, max: number): number {
    let n = 0;
    while (n < max && this.queue.length > 0) {
      const chunk = this.queue[0];
      const take = Math.min(max - n, chunk.length - this.queueAt);
      buf.set(chunk.subarray(this.queueAt, this.queueAt + take), at + n);
      n += take;
      this.queueAt += take;
      if (this.queueAt === chunk.length) {
        this.queue.shift();
        this.queueAt = 0;
      }
    }
    return n;
  }
}

/** gunzip's output chunk: large, so the reader loop awaits once per MiB rather than per 16 KiB. */
const GUNZIP_CHUNK = 1 << 20;

/** A gzip-compressed file, decompressed as it streams; progress counts compressed bytes. */
export function gzipFileInput(path: string, size: number): ReadableInput {
  const file = createReadStream(path, { highWaterMark: GUNZIP_CHUNK });
  const gunzip = file.pipe(createGunzip({ chunkSize: GUNZIP_CHUNK }));
  // pipe() does not forward errors: a read error must still end the gunzip stream.
  file.on("error", (err) => gunzip.destroy(err));
  return new ReadableInput(
    gunzip,
    () => ({ bytesRead: file.bytesRead, totalBytes: size }),
    () => {
      file.destroy();
      gunzip.destroy();
    },
  );
}

/** Decompresses the rest of a stream whose first chunks (`head`) were already taken from it. */
export function gzipStreamInput(head: Uint8Array[], stream: Readable, measure: () => SourceProgress): ReadableInput {
  const gunzip = createGunzip({ chunkSize: GUNZIP_CHUNK });
  for (const chunk of head) gunzip.write(chunk);
  stream.pipe(gunzip);
  stream.on("error", (err) => gunzip.destroy(err));
  return new ReadableInput(gunzip, measure, () => {
    stream.unpipe(gunzip);
    stream.destroy();
    gunzip.destroy();
  });
}

/** Counts the bytes a Readable delivers (its own 'data' listener, added first). */
export function countBytes(stream: Readable): () => SourceProgress {
  let bytesRead = 0;
  stream.on("data", (chunk: Uint8Array | string) => (bytesRead += chunk.length));
  return () => ({ bytesRead, totalBytes: null });
}
