/**
 * Zeek's Spicy driver for a TCP protocol analyzer
 * (src/spicy/protocol-analyzer.cc), for bronze's analyzers that parse each
 * side of a stream as a Spicy grammar does: each chunk goes to its side's
 * parser and a side's end (EndpointEOF) to its `finish`; a parse error
 * (SpicyParseError) is a violation with Spicy's words and the chunk being
 * parsed (none at a side's end), after which neither side is parsed; a
 * content gap stops both sides quietly (Spicy's MissingData).
 */
import type { AnalyzerHost, StreamAnalyzer } from "./analyzer.js";

/** A parse error worded as Spicy's (without the grammar's source location). */
export class SpicyParseError extends Error {}

/** One side's parser. */
export interface SpicySide {
  /** The side's next chunk. */
  feed(data: Uint8Array): void;
  /** The side's end: what the grammar still waits for decides (an incomplete unit is an error). */
  finish(): void;
}

export abstract class SpicyStreamAnalyzer implements StreamAnalyzer {
  private stopped = false;

  constructor(protected readonly host: AnalyzerHost) {}

  /** The parser of the originator's side (true) or the responder's. */
  protected abstract side(isOrig: boolean): SpicySide;

  deliverStream(isOrig: boolean, _seq: number, data: Uint8Array): void {
    if (this.stopped) return;
    this.guard(() => this.side(isOrig).feed(data), data);
  }

  undelivered(): void {
    this.stopped = true;
  }

  endOfData(isOrig: boolean): void {
    if (this.stopped) return;
    this.guard(() => this.side(isOrig).finish(), null);
  }

  done(): void {}

  /** A parse error: a violation (with the chunk being parsed), and both sides stop. */
  private guard(parse: () => void, data: Uint8Array | null): void {
    try {
      parse();
    } catch (e) {
      if (!(e instanceof SpicyParseError)) throw e;
      this.stopped = true;
      if (data === null) this.host.violation(e.message);
      else this.host.violation(e.message, data);
    }
  }
}
