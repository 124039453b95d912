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
import { createGunzip, type Gunzip } from "node:zlib";
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
    if (rest.length > 0) rest[0] = rest[0]!.subarray(this.queueAt);
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
      const chunk = this.queue[0]!;
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
export function gzipFileInput(path: string, size: number): ByteInput {
  return new GzipFileInput(path, size);
}

/** gunzip's output chunk when salvaging a damaged file: the most a zlib error can still swallow. */
const SALVAGE_CHUNK = 16 << 10;
/** A gzip member's trailer: CRC-32 and length of the data, 4 bytes each. */
const GZIP_TRAILER_BYTES = 8;

/**
 * An error zlib raised on damaged data (a corrupt block: Z_DATA_ERROR, a wrong
 * CRC or length), not one of reading the file, nor the end of a file cut short
 * (Z_BUF_ERROR, "unexpected end of file"): zlib meets that only after all it
 * could decompress is out, so there is nothing to salvage.
 */
function isDamage(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return typeof code === "string" && code.startsWith("Z_") && code !== "Z_BUF_ERROR";
}

/**
 * A gzip file decompressed as it streams, in output chunks of a MiB. zlib
 * reports damage (a corrupt block, a wrong CRC in the trailer) without the
 * output of the call that met it: up to a whole chunk, the packets just before
 * the damage. So on a zlib error the file is decompressed once more from its
 * start (salvage): in small output chunks, with the trailer written alone, the
 * bytes already delivered skipped. What comes before the damage is delivered
 * (all of it when only the CRC or the length is wrong, all but less than
 * SALVAGE_CHUNK otherwise), then the error. A good file costs nothing more.
 */
class GzipFileInput implements ByteInput {
  private input: ReadableInput;
  private file: ReturnType<typeof createReadStream>;
  /** Decompressed bytes handed out so far. */
  private delivered = 0;
  /** Salvage output still to skip: what the first pass delivered. */
  private skip = 0;
  private salvaging = false;
  /** Compressed bytes the first pass read (progress does not go back while salvaging). */
  private firstPassBytes = 0;

  constructor(
    private readonly path: string,
    private readonly size: number,
  ) {
    this.file = createReadStream(path, { highWaterMark: GUNZIP_CHUNK });
    const gunzip = this.file.pipe(createGunzip({ chunkSize: GUNZIP_CHUNK }));
    this.input = this.wrap(gunzip);
  }

  read(buf: Uint8Array, at: number, max: number): number | Promise<number> {
    let got: number | Promise<number>;
    try {
      got = this.skip > 0 ? this.skipSalvaged().then(() => this.input.read(buf, at, max)) : this.input.read(buf, at, max);
    } catch (err) {
      return this.failed(err, buf, at, max);
    }
    if (typeof got === "number") return this.count(got);
    return got.then(
      (n) => this.count(n),
      (err: unknown) => this.failed(err, buf, at, max),
    );
  }

  progress(): SourceProgress {
    return { bytesRead: Math.max(this.firstPassBytes, this.file.bytesRead), totalBytes: this.size };
  }

  close(): void {
    this.input.close();
  }

  private count(n: number): number {
    this.delivered += n;
    return n;
  }

  /** The first pass met damage: salvage from the start (once); any other failure is the reader's. */
  private failed(err: unknown, buf: Uint8Array, at: number, max: number): number | Promise<number> {
    if (this.salvaging || !isDamage(err)) throw err;
    this.salvaging = true;
    this.firstPassBytes = this.file.bytesRead;
    this.input.close();
    this.skip = this.delivered;
    const gunzip = createGunzip({ chunkSize: SALVAGE_CHUNK });
    this.file = createReadStream(this.path, { highWaterMark: GUNZIP_CHUNK });
    feedHoldingTrailer([], this.file, gunzip);
    this.input = this.wrap(gunzip);
    return this.read(buf, at, max);
  }

  /** Reads and drops the salvage's first bytes, those the first pass delivered. */
  private async skipSalvaged(): Promise<void> {
    const scratch = new Uint8Array(Math.min(this.skip, GUNZIP_CHUNK));
    while (this.skip > 0) {
      const n = await this.input.read(scratch, 0, Math.min(this.skip, scratch.length));
      if (n === 0) break;
      this.skip -= n;
    }
    this.skip = 0;
  }

  private wrap(gunzip: Gunzip): ReadableInput {
    const file = this.file;
    // pipe() does not forward errors: a read error must still end the gunzip stream.
    file.on("error", (err) => gunzip.destroy(err));
    return new ReadableInput(
      gunzip,
      () => this.progress(),
      () => {
        file.destroy();
        gunzip.destroy();
      },
    );
  }
}

/**
 * gunzip's output chunk for a stream, which cannot be read again to salvage
 * damage: what an error can swallow. Smaller than a file's (on 300k packets
 * of the mix through a pipe, 64 KiB cost nothing measurable, 16 KiB a fifth more).
 */
const STREAM_GUNZIP_CHUNK = 64 << 10;

/**
 * Decompresses the rest of a stream whose first chunks (`head`) were already
 * taken from it. Its last 8 bytes (the trailer, if the stream is one gzip
 * member) are held back and written alone at its end, so that a wrong CRC or
 * length costs no decompressed byte (see GzipFileInput).
 */
export function gzipStreamInput(head: Uint8Array[], stream: Readable, measure: () => SourceProgress): ReadableInput {
  const gunzip = createGunzip({ chunkSize: STREAM_GUNZIP_CHUNK });
  const stopFeeding = feedHoldingTrailer(head, stream, gunzip);
  stream.on("error", (err) => gunzip.destroy(err));
  return new ReadableInput(gunzip, measure, () => {
    stopFeeding();
    stream.destroy();
    gunzip.destroy();
  });
}

/**
 * Writes `head`, then what `source` delivers, into `gunzip`, holding the last
 * 8 bytes back (the trailer, if the input is one gzip member) and writing
 * them alone at the end, so that a wrong CRC or length fails that last write
 * only and costs no decompressed byte. Returns what stops the feeding.
 */
function feedHoldingTrailer(head: Uint8Array[], source: Readable, gunzip: Gunzip): () => void {
  let held: Uint8Array = new Uint8Array(0);
  const feed = (chunk: Uint8Array): boolean => {
    const all = held.length === 0 ? chunk : Buffer.concat([held, chunk]);
    const cut = Math.max(0, all.length - GZIP_TRAILER_BYTES);
    held = all.subarray(cut);
    return cut === 0 || gunzip.write(all.subarray(0, cut));
  };
  const onData = (chunk: Uint8Array | string): void => {
    if (!feed(typeof chunk === "string" ? Buffer.from(chunk, "latin1") : chunk)) {
      source.pause();
      gunzip.once("drain", () => source.resume());
    }
  };
  for (const chunk of head) feed(chunk);
  source.on("data", onData);
  // A short stream may have ended while it was sniffed.
  if (source.readableEnded) gunzip.end(held);
  else source.once("end", () => gunzip.end(held));
  // Sniffing may have paused it (ReadableInput.detach).
  source.resume();
  return () => source.off("data", onData);
}

/** Counts the bytes a Readable delivers (its own 'data' listener, added first). */
export function countBytes(stream: Readable): () => SourceProgress {
  let bytesRead = 0;
  stream.on("data", (chunk: Uint8Array | string) => (bytesRead += chunk.length));
  return () => ({ bytesRead, totalBytes: null });
}
