/**
 * The reader's one big buffer. Records are parsed in place between `start` and
 * `end`; when the next record does not fit, its beginning is moved to the front
 * and the rest of the buffer is refilled from the input. A record larger than
 * the buffer grows it (up to MAX_RECORD_BYTES), so memory is bounded by the
 * largest record, never by the file size.
 *
 * With an input that can read ahead (a regular file), once the reader starts
 * it (`startReadAhead`) the next chunk is read into a second buffer while
 * this one is parsed; when it is needed, the unparsed tail moves in front of
 * it and the two buffers swap.
 */
import type { ByteInput } from "./byte-input.js";
import { TraceError } from "./raw-packet.js";

/** Default chunk: large enough that reads and their bookkeeping vanish in the per-packet cost. */
export const CHUNK_BYTES = 4 << 20;

/**
 * The chunk for a regular file of `size` bytes: the whole file when it is
 * smaller than a chunk (one read; no read-ahead, whose second buffer would be
 * larger than the file). Most traces are small: a program that reads many
 * (the test suite reads the corpus' 876 some forty times) spent ~4 ms a
 * trace making and zeroing 8.5 MiB of buffers, and V8 collects garbage
 * sooner for the external memory they count.
 */
export function chunkBytesFor(size: number): number {
  // At least 64 KiB: a file still being written reads on in reads of that size.
  return Math.min(CHUNK_BYTES, Math.max(size + 1, 64 << 10));
}

/**
 * Largest record the reader accepts. libpcap itself refuses captured lengths
 * above 256 KiB except for a few link types (D-Bus allows 128 MiB); anything
 * bigger is a corrupt length field, not a packet.
 */
export const MAX_RECORD_BYTES = (128 << 20) + 64;

/**
 * Room kept in front of a chunk read ahead, for the unparsed tail of the
 * chunk before it (a record cut by that chunk's end: at most a maximal pcap
 * record of 256 KiB; a longer one is joined by copying).
 */
const TAIL_ROOM = 512 << 10;

export class ChunkBuffer {
  buf: Uint8Array;
  /** First unparsed byte. */
  start = 0;
  /** One past the last valid byte. */
  end = 0;
  /** Stream offset of buf[0], so that `base + start` is a position in the (decompressed) trace. */
  base = 0;
  /** The input has no more bytes. */
  eof = false;
  /** Why the input ended early (a read or gunzip error), if it did; `eof` is set too. */
  failure: Error | null = null;
  /** Read-ahead: the buffer the next chunk is read into (at TAIL_ROOM), and that read, which never rejects. */
  private spare: Uint8Array | null = null;
  private ahead: Promise<number | Error> | null = null;

  constructor(
    public input: ByteInput,
    size = CHUNK_BYTES,
  ) {
    this.buf = new Uint8Array(size);
    // Moves only when the buffer first makes room: known as mutable from the start (see doubles.ts).
    this.base = 0;
  }

  /** Bytes available from `start`. */
  get available(): number {
    return this.end - this.start;
  }

  /** Stream offset of `start`. */
  get position(): number {
    return this.base + this.start;
  }

  /**
   * Makes at least `need` bytes available from `start`, or reaches the end of
   * input. Synchronous (returns undefined) whenever the input answers at once.
   */
  fill(need: number): void | Promise<void> {
    if (need > MAX_RECORD_BYTES)
      throw new TraceError(`record of ${need} bytes at byte ${this.position} exceeds the ${MAX_RECORD_BYTES >> 20} MiB limit (corrupt length field)`);
    if (this.ahead !== null) return this.takeAhead(need);
    this.makeRoom(need);
    try {
      while (this.end - this.start < need && !this.eof) {
        const n = this.input.read(this.buf, this.end, this.buf.length - this.end);
        if (typeof n !== "number") return this.fillAsync(need, n);
        this.advance(n);
      }
    } catch (err) {
      this.fail(err);
    }
  }

  /**
   * Starts reading the next chunk in the background when the input can (a
   * regular file); from then on fill() takes the chunks so read.
   */
  startReadAhead(): void {
    const read = this.input.readAhead;
    if (this.ahead !== null || this.eof || read === undefined) return;
    const spare = (this.spare ??= new Uint8Array(TAIL_ROOM + this.buf.length));
    // A buffer too small to hold a chunk behind the tail room (tests use tiny ones): plain reads.
    if (spare.length < 2 * TAIL_ROOM) return;
    this.ahead = read.call(this.input, spare, TAIL_ROOM, spare.length - TAIL_ROOM).then(
      (n) => n,
      (err: unknown) => (err instanceof Error ? err : new Error(String(err))),
    );
  }

  /** Waits for the chunk read ahead, puts the unparsed tail in front of it, swaps the buffers and reads the next one. */
  private async takeAhead(need: number): Promise<void> {
    const n = await this.ahead!;
    this.ahead = null;
    if (n instanceof Error) return this.fail(n);
    if (n === 0) {
      this.eof = true;
      return;
    }
    const spare = this.spare!;
    const tail = this.end - this.start;
    if (tail <= TAIL_ROOM) {
      const at = TAIL_ROOM - tail;
      spare.set(this.buf.subarray(this.start, this.end), at);
      this.base += this.start - at;
      this.spare = this.buf;
      this.buf = spare;
      this.start = at;
      this.end = TAIL_ROOM + n;
    } else {
      this.makeRoom(tail + n);
      this.buf.set(spare.subarray(TAIL_ROOM, TAIL_ROOM + n), this.end);
      this.end += n;
    }
    this.startReadAhead();
    if (this.end - this.start >= need) return;
    return this.ahead !== null ? this.takeAhead(need) : this.fill(need);
  }

  /**
   * Replaces the input (gzip detected after the first bytes were read) and
   * forgets what was buffered; a buffer sized for the compressed file grows to
   * `size`, since what gunzip gives is larger.
   */
  reset(input: ByteInput, size = CHUNK_BYTES): void {
    if (this.buf.length < size) this.buf = new Uint8Array(size);
    this.spare = null;
    this.ahead = null;
    this.input = input;
    this.start = this.end = this.base = 0;
    this.eof = false;
    this.failure = null;
  }

  private async fillAsync(need: number, pending: Promise<number>): Promise<void> {
    try {
      this.advance(await pending);
      while (this.end - this.start < need && !this.eof) {
        const n = this.input.read(this.buf, this.end, this.buf.length - this.end);
        this.advance(typeof n === "number" ? n : await n);
      }
    } catch (err) {
      this.fail(err);
    }
  }

  /** Bytes read before the error stay in the buffer and are still parsed. */
  private fail(err: unknown): void {
    this.eof = true;
    this.failure = err instanceof Error ? err : new Error(String(err));
  }

  private advance(n: number): void {
    if (n === 0) this.eof = true;
    this.end += n;
  }

  /** Moves the unparsed tail to the front (or into a bigger buffer) so `need` bytes fit. */
  private makeRoom(need: number): void {
    if (this.start + need <= this.buf.length && this.end < this.buf.length) return;
    const tail = this.end - this.start;
    if (need > this.buf.length) {
      const grown = new Uint8Array(Math.min(MAX_RECORD_BYTES, Math.max(need, this.buf.length * 2)));
      grown.set(this.buf.subarray(this.start, this.end));
      this.buf = grown;
    } else if (this.start > 0) {
      this.buf.copyWithin(0, this.start, this.end);
    }
    this.base += this.start;
    this.start = 0;
    this.end = tail;
  }
}
