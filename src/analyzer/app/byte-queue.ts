/**
 * The unparsed bytes of one side of a stream, for analyzers that wait for a
 * whole message (PostgreSQL, syslog over TCP): one buffer that grows by
 * doubling and is compacted in place, so a message spread over many
 * segments costs one copy of each byte, and a queue that empties costs
 * nothing more. Views it hands out are valid until the next `push`.
 */
export class ByteQueue {
  private buf = new Uint8Array(0);
  private start = 0;
  private end = 0;

  /** Unparsed bytes held. */
  get length(): number {
    return this.end - this.start;
  }

  /** The byte `i` places past the first unparsed one. */
  at(i: number): number {
    return this.buf[this.start + i]!;
  }

  /** Bytes [from, to) of the unparsed ones, as a view. */
  view(from: number, to: number): Uint8Array {
    return this.buf.subarray(this.start + from, this.start + to);
  }

  /** Where `byte` first is at or after `from`, or -1. */
  indexOf(byte: number, from: number): number {
    const i = this.buf.subarray(0, this.end).indexOf(byte, this.start + from);
    return i < 0 ? -1 : i - this.start;
  }

  /** Drops the first `n` unparsed bytes. */
  consume(n: number): void {
    this.start += n;
    if (this.start >= this.end) this.start = this.end = 0;
  }

  push(data: Uint8Array): void {
    if (data.length === 0) return;
    if (this.end + data.length > this.buf.length) {
      const live = this.end - this.start;
      const need = live + data.length;
      if (need > this.buf.length) {
        const grown = new Uint8Array(Math.max(need, this.buf.length * 2, 256));
        grown.set(this.buf.subarray(this.start, this.end));
        this.buf = grown;
      } else this.buf.copyWithin(0, this.start, this.end);
      this.start = 0;
      this.end = live;
    }
    this.buf.set(data, this.end);
    this.end += data.length;
  }
}
