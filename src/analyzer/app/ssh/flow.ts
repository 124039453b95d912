/**
 * One side's byte stream cut into SSH's units the way Zeek's SSH analyzer
 * (a binpac flow) cuts it, because Zeek's events, violations and limits
 * depend on where the cuts fall:
 *
 * - lines (the version exchange) end at CR or LF; a LF right after a
 *   CR-ended line is skipped when the next unit starts;
 * - binary packets are frames: 4 length bytes, then as many more as the
 *   length says (SSH2: length; SSH1: length plus 1-8 padding bytes);
 * - a unit that spans segments is copied into a buffer whose capacity grows
 *   as binpac's does (at least 512 bytes, at least doubling); past 10 MiB the
 *   unit fails ("flowbuffer allocation failed"), which bounds memory.
 *
 * A parse error (`ParseError`) drops the rest of the segment and the unit in
 * progress; the next segment starts a new unit, as in binpac.
 */

/**
 * A malformed unit: the text is binpac's exception text (without its "binpac exception: " prefix).
 * Always caught by the analyzer, which reports only its message, so it is made without a stack
 * trace: capturing one was most of what a throw cost (some connections throw one per segment,
 * e.g. packets before both versions are known: 15 ms of the mix's main thread).
 */
export class ParseError extends Error {
  constructor(message: string) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
  }
}

const MIN_CAPACITY = 512;
const MAX_CAPACITY = 10 * 1024 * 1024;
const CONTRACT_THRESHOLD = 2 * 1024 * 1024;
const CR = 0x0d;
const LF = 0x0a;

/** Bytes of one unit carried over from earlier segments, with binpac's capacity arithmetic. */
export class UnitBuffer {
  private buf = new Uint8Array(0);
  /** Bytes held. */
  n = 0;
  /** binpac's buffer_length_: decides when a unit is too large. */
  private capacity = 0;

  /** A new unit starts: empty, and a large buffer shrinks (binpac's NewMessage/ContractBuffer). */
  reset(): void {
    this.n = 0;
    if (this.capacity >= CONTRACT_THRESHOLD) {
      this.capacity = MIN_CAPACITY;
      this.buf = new Uint8Array(0);
    }
  }

  append(data: Uint8Array, from: number, to: number): void {
    const len = to - from;
    if (len <= 0) return;
    const needed = this.n + len;
    if (this.capacity < needed) {
      const grown = Math.max(needed, MIN_CAPACITY, this.capacity * 2);
      if (grown > MAX_CAPACITY) throw new ParseError(`flowbuffer allocation failed: expand past max capacity ${grown}/${MAX_CAPACITY}`);
      this.capacity = grown;
    }
    if (this.buf.length < needed) {
      const next = new Uint8Array(Math.max(needed, this.buf.length * 2, 256));
      next.set(this.buf.subarray(0, this.n));
      this.buf = next;
    }
    this.buf.set(data.subarray(from, to), this.n);
    this.n = needed;
  }

  /** Drops the last byte (a line's terminator, copied with it as binpac does). */
  pop(): void {
    this.n--;
  }

  view(): Uint8Array {
    return this.buf.subarray(0, this.n);
  }
}

/** Where a unit was found: bytes [start, end) of `bytes`; `next` is where the segment continues. */
export interface Unit {
  bytes: Uint8Array;
  start: number;
  end: number;
  next: number;
}

/** The line and frame cutter of one side. */
export class SideCutter {
  readonly buffer = new UnitBuffer();
  /** A CR ended the last line: a LF may follow (binpac's CR_OR_LF_1 state). */
  crPending = false;
  /** A unit has started and is incomplete (its bytes are in `buffer`, or none yet). */
  open = false;
  /** Frame mode: the frame's total length so far (4 until the length field is read). */
  frameNeed = 0;

  /** Starts a unit (binpac's NewLine/NewFrame: the previous unit's buffer is released). */
  begin(frameNeed = 0): void {
    this.buffer.reset();
    this.open = true;
    this.frameNeed = frameNeed;
  }

  /** After a parse error: the unit in progress and the rest of the segment are dropped. */
  discard(): void {
    this.buffer.reset();
    this.open = false;
    this.frameNeed = 0;
  }

  /**
   * Looks for the end of the line from `pos`; returns the line (without its
   * terminator) or null when the segment ended first (bytes kept).
   */
  line(data: Uint8Array, pos: number): Unit | null {
    if (this.crPending && pos < data.length && data[pos] === LF) {
      this.crPending = false;
      pos++;
    }
    let j = pos;
    while (j < data.length && data[j] !== CR && data[j] !== LF) j++;
    if (j === data.length) {
      this.buffer.append(data, pos, j);
      return null;
    }
    if (data[j] === CR) this.crPending = true;
    this.open = false;
    if (this.buffer.n === 0) return { bytes: data, start: pos, end: j, next: j + 1 };
    this.buffer.append(data, pos, j + 1);
    this.buffer.pop();
    const view = this.buffer.view();
    return { bytes: view, start: 0, end: view.length, next: j + 1 };
  }

  /**
   * Gathers `frameNeed` bytes of the current frame from `pos`; returns them
   * or null when the segment ended first (bytes kept). A frame that starts
   * and ends in one segment is not copied.
   */
  frame(data: Uint8Array, pos: number): Unit | null {
    if (this.crPending && pos < data.length) {
      if (data[pos] === LF) pos++;
      this.crPending = false;
    }
    const need = this.frameNeed;
    const held = this.buffer.n;
    if (held === 0) {
      if (data.length - pos >= need) return { bytes: data, start: pos, end: pos + need, next: pos + need };
      this.buffer.append(data, pos, data.length);
      return null;
    }
    const take = Math.min(need - held, data.length - pos);
    this.buffer.append(data, pos, pos + take);
    if (this.buffer.n < need) return null;
    const view = this.buffer.view();
    return { bytes: view, start: 0, end: need, next: pos + take };
  }
}
