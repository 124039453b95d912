/**
 * Where trace bytes come from: a regular file read with fs.readSync (the fast
 * path: no promise, no copy, straight into the chunk buffer), or any stream of
 * chunks (standard input, a gunzip stream) copied into the chunk buffer.
 *
 * `read` returns a number when it could answer synchronously and a promise only
 * when it has to wait for a stream; the reader loop awaits only in that case.
 */
import { closeSync, createReadStream, readSync } from "node:fs";
import { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import type { SourceProgress } from "./raw-packet.js";

export interface ByteInput {
  /** Copies up to `max` bytes into `buf` at `at`; resolves to 0 at the end of input. */
  read(buf: Uint8Array, at: number, max: number): number | Promise<number>;
  /** Bytes consumed from the underlying file or pipe (compressed bytes for gzip). */
  progress(): SourceProgress;
  /** Releases the file descriptor or stream; safe to call twice. */
  close(): void;
}

/** A regular file, read synchronously: the fastest way Node offers to read a file in bulk. */
export class FileInput implements ByteInput {
  private position = 0;
  private fd: number | null;

  constructor(fd: number, private readonly size: number | null) {
    this.fd = fd;
  }

  read(buf: Uint8Array, at: number, max: number): number {
    if (this.fd === null || max === 0) return 0;
    const n = readSync(this.fd, buf, at, max, null);
    this.position += n;
    return n;
  }

  progress(): SourceProgress {
    return { bytesRead: this.position, totalBytes: this.size };
  }

  close(): void {
    if (this.fd === null) return;
    closeSync(this.fd);
    this.fd = null;
  }
}

/** Any async sequence of byte chunks (stdin, gunzip output); chunks are copied once, into the caller's buffer. */
export class StreamInput implements ByteInput {
  private readonly chunks: AsyncIterator<Uint8Array>;
  private pending: Uint8Array | null = null;
  private pendingAt = 0;
  private done = false;

  constructor(
    chunks: AsyncIterable<Uint8Array>,
    private readonly measure: () => SourceProgress,
    private readonly onClose: () => void = () => {},
  ) {
    this.chunks = chunks[Symbol.asyncIterator]();
  }

  read(buf: Uint8Array, at: number, max: number): number | Promise<number> {
    if (this.pending !== null) return this.copyPending(buf, at, max);
    if (this.done || max === 0) return 0;
    return this.next().then(() => (this.pending === null ? 0 : this.copyPending(buf, at, max)));
  }

  progress(): SourceProgress {
    return this.measure();
  }

  close(): void {
    if (this.done) return;
    this.done = true;
    this.pending = null;
    void this.chunks.return?.();
    this.onClose();
  }

  /** What this input has not handed out yet, as chunks (to re-read it through gunzip). */
  async *remaining(): AsyncGenerator<Uint8Array> {
    if (this.pending !== null) {
      const leftover = this.pending.subarray(this.pendingAt);
      this.pending = null;
      yield leftover;
    }
    for (;;) {
      await this.next();
      if (this.pending === null) return;
      const chunk: Uint8Array = this.pending;
      this.pending = null;
      yield chunk;
    }
  }

  private async next(): Promise<void> {
    // Skip empty chunks so that 0 keeps meaning "end of input".
    for (;;) {
      const r = await this.chunks.next();
      if (r.done) {
        this.done = true;
        return;
      }
      if (r.value.length > 0) {
        this.pending = r.value;
        this.pendingAt = 0;
        return;
      }
    }
  }

  private copyPending(buf: Uint8Array, at: number, max: number): number {
    const chunk = this.pending as Uint8Array;
    const n = Math.min(max, chunk.length - this.pendingAt);
    buf.set(chunk.subarray(this.pendingAt, this.pendingAt + n), at);
    this.pendingAt += n;
    if (this.pendingAt === chunk.length) this.pending = null;
    return n;
  }
}

/** gunzip's output chunk: large, so the reader loop awaits once per MiB rather than per 16 KiB. */
const GUNZIP_CHUNK = 1 << 20;

/** A gzip-compressed file, decompressed as it streams; progress counts compressed bytes. */
export function gzipFileInput(path: string, size: number): StreamInput {
  const file = createReadStream(path, { highWaterMark: GUNZIP_CHUNK });
  const gunzip = file.pipe(createGunzip({ chunkSize: GUNZIP_CHUNK }));
  // pipe() does not forward errors: a read error must still end the gunzip stream.
  file.on("error", (err) => gunzip.destroy(err));
  return new StreamInput(
    gunzip,
    () => ({ bytesRead: file.bytesRead, totalBytes: size }),
    () => {
      file.destroy();
      gunzip.destroy();
    },
  );
}

/** Decompresses a stream whose first bytes were already taken from it (standard input). */
export function gzipStreamInput(head: Uint8Array, rest: AsyncIterable<Uint8Array>, measure: () => SourceProgress): StreamInput {
  async function* all(): AsyncGenerator<Uint8Array> {
    yield head;
    yield* rest;
  }
  const source = Readable.from(all(), { objectMode: false });
  const gunzip = source.pipe(createGunzip({ chunkSize: GUNZIP_CHUNK }));
  source.on("error", (err) => gunzip.destroy(err));
  return new StreamInput(gunzip, measure, () => {
    source.destroy();
    gunzip.destroy();
  });
}

/** A stream of bytes (process.stdin or any Readable) with a running byte count. */
export function readableInput(stream: AsyncIterable<Uint8Array | string>): { chunks: AsyncIterable<Uint8Array>; progress: () => SourceProgress } {
  let bytesRead = 0;
  async function* counted(): AsyncGenerator<Uint8Array> {
    for await (const chunk of stream) {
      const bytes = typeof chunk === "string" ? Buffer.from(chunk, "latin1") : chunk;
      bytesRead += bytes.length;
      yield bytes;
    }
  }
  return { chunks: counted(), progress: () => ({ bytesRead, totalBytes: null }) };
}
