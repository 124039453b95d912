/**
 * A MIME header under way (HTTP's entities and mail's): its first line as
 * text, the lines folded onto it gathered as bytes, made text once when the
 * header ends. Joining a string per folded line cost a string and a cons
 * string each, and a header may fold tens of thousands of times before
 * MIME::max_header_bytes stops it.
 */
import { latin1 } from "../../../packet/bytes.js";

const NO_BYTES = new Uint8Array(0);
/** The folded bytes' first buffer (grown by doubling). */
const FIRST_SIZE = 256;

export class FoldedHeader {
  private first: string | null = null;
  private more = NO_BYTES;
  private moreLength = 0;
  /** Lines of the header so far (its first and those folded onto it). */
  lines = 0;

  /** True while a header is under way. */
  get active(): boolean {
    return this.first !== null;
  }

  /** Bytes of the header so far (0 when none is under way). */
  get length(): number {
    return this.first === null ? 0 : this.first.length + this.moreLength;
  }

  /** A header's first line. */
  begin(line: Uint8Array): void {
    this.first = latin1(line);
    this.moreLength = 0;
    this.lines = 1;
  }

  /** A line folded onto the header under way (one must be). */
  fold(line: Uint8Array): void {
    const size = this.moreLength + line.length;
    if (size > this.more.length) {
      const bigger = new Uint8Array(Math.max(size, this.more.length * 2, FIRST_SIZE));
      bigger.set(this.more.subarray(0, this.moreLength));
      this.more = bigger;
    }
    this.more.set(line, this.moreLength);
    this.moreLength = size;
    this.lines++;
  }

  /** The header's text, ending it; null when none was under way. */
  end(): string | null {
    const first = this.first;
    if (first === null) return null;
    this.first = null;
    return this.moreLength === 0 ? first : first + latin1(this.more.subarray(0, this.moreLength));
  }
}
