/**
 * XDR (RFC 4506) reading as Zeek's RPC analyzers read it (XDR.cc): a cursor
 * that fails once and then yields zeros and nulls, so that a parser can read
 * a whole structure and look at `ok` once at the end, as Zeek's analyzers
 * do with their nulled buffer pointer. The count of what is left may go
 * negative: an opaque's padding may run past the end (Zeek's "RPC
 * underflow"), which the RPC layer reports.
 */
import { u32 } from "../../../packet/bytes.js";

/** Zeek's default bound on a variable-length opaque. */
export const MAX_OPAQUE = 8192;

export class XdrReader {
  private pos: number;
  private failed = false;

  constructor(
    private readonly data: Uint8Array,
    start = 0,
    private readonly end = data.length,
  ) {
    this.pos = start;
  }

  /** No read failed (Zeek's buffer pointer is not null). */
  get ok(): boolean {
    return !this.failed;
  }

  /** Bytes left (negative after an opaque's padding ran past the end). */
  get left(): number {
    return this.end - this.pos;
  }

  /** Where the cursor is in the data. */
  get offset(): number {
    return this.pos;
  }

  /** Marks the reader failed (a structure's own check rejected it). */
  fail(): void {
    this.failed = true;
  }

  /** Leaves nothing to read, without failing (Zeek's `n = 0`: no excess_RPC for a part it skips). */
  skipRest(): void {
    if (this.pos < this.end) this.pos = this.end;
  }

  /** Moves past `n` bytes known to be there (a retransmitted call's header). */
  advance(n: number): void {
    if (!this.failed) this.pos += n;
  }

  /** Nothing more is read nor excess (Zeek nulls its buffer and its count: a reply that is not a success has no results). */
  discard(): void {
    this.skipRest();
    this.failed = true;
  }

  /** The rest as a view (nothing once failed). */
  rest(): Uint8Array {
    return this.failed || this.pos >= this.end ? new Uint8Array(0) : this.data.subarray(this.pos, this.end);
  }

  u32(): number {
    if (this.failed) return 0;
    if (this.left < 4) {
      this.failed = true;
      return 0;
    }
    const p = this.pos;
    this.pos = p + 4;
    return u32(this.data, p);
  }

  /** A 64-bit unsigned integer (a bigint: file ids and sizes pass 2^53). */
  u64(): bigint {
    if (this.failed || this.left < 8) {
      this.failed = true;
      return 0n;
    }
    const hi = this.u32();
    const lo = this.u32();
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  /** An nfstime3/timeval: seconds and nanoseconds, as a time. */
  time(): number {
    if (this.failed || this.left < 8) {
      this.failed = true;
      return 0;
    }
    const secs = this.u32();
    const nsecs = this.u32();
    return secs + nsecs / 1e9;
  }

  /**
   * A variable-length opaque of at most `max` bytes (null, failing, when
   * longer or past the end); `shortOk` cuts it to what is there instead
   * (NFS file data, whose bytes a capture may not hold).
   */
  opaque(max = MAX_OPAQUE, shortOk = false): Uint8Array | null {
    let n = this.u32();
    if (this.failed) return null;
    const left = this.left;
    // Zeek reads the length into an int: from 2^31 on it is negative, refused even when cut.
    if (shortOk && n <= 0x7fffffff) n = Math.min(n, left);
    if (n > 0x7fffffff || n > left || n > max) {
      this.failed = true;
      return null;
    }
    const start = this.pos;
    this.pos += (n + 3) & ~3;
    return this.data.subarray(start, start + n);
  }
}
