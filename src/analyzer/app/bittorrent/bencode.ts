/**
 * The bencoding reader of Zeek's BitTorrent tracker analyzer, with its
 * rules: the body must be a dictionary; of its members, each integer and
 * string value is reported under its key, each dictionary or list value as
 * its bencoded text; deeper levels are only walked. It reads a growing
 * buffer a byte at a time and can stop anywhere (more data to come), so all
 * its state is positions into that buffer, which the caller must not move
 * while a body is read.
 *
 * Zeek's quirks are kept: no check of leading zeros, integers read as C's
 * sscanf("%ld") reads them (saturated at 64 bits) and then cut to 32 bits,
 * string lengths as sscanf("%u") (saturated, then cut to 32 bits).
 */

/** What a dictionary member's value was (Zeek's BTT_BencTypes; also the index of bittorrent_benc_value's field). */
export const BencType = { INT: 0, STR: 1, DIR: 2, LIST: 3 } as const;
export type BencType = (typeof BencType)[keyof typeof BencType];

/** Where the reader is inside a value (Zeek's BTT_BencStates). */
const enum State {
  Between,
  IntSign,
  IntFirstDigit,
  IntDigits,
  StringLength,
  StringBody,
}

/** What the top dictionary's members are handed to. */
export interface BencSink {
  /** A string, dictionary or list member: the key's and the value's bytes [start, start+len). */
  member(key: Span, type: BencType, value: Span): void;
  /** An integer member. */
  integer(key: Span, value: number): void;
}

/** A run of bytes in the reader's buffer. */
export interface Span {
  readonly start: number;
  readonly len: number;
}

/** The outcome of a read: where it stopped; whether the body is whole; or why it is not bencoding. */
export interface BencResult {
  readonly pos: number;
  readonly done: boolean;
  readonly error?: string;
}

const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const NO_KEY: Span = { start: 0, len: 0 };
const INT64_MAX = (1n << 63n) - 1n;
const UINT64_MAX = (1n << 64n) - 1n;

function isDigit(c: number): boolean {
  return c >= DIGIT_0 && c <= DIGIT_9;
}

function ascii(buf: Uint8Array, start: number, end: number): string {
  return String.fromCharCode(...buf.subarray(start, end));
}

/** sscanf("%ld") then a cast to int: saturated at 64 bits, then the low 32 bits, signed. */
function cInt(text: string): number {
  let v = BigInt(text);
  if (v > INT64_MAX) v = INT64_MAX;
  if (v < -INT64_MAX - 1n) v = -INT64_MAX - 1n;
  return Number(BigInt.asIntN(32, v));
}

/** sscanf("%u"): saturated at the unsigned long's 64 bits, then the low 32 bits. */
function cUnsigned(text: string): number {
  const v = BigInt(text);
  return Number((v > UINT64_MAX ? UINT64_MAX : v) & 0xffffffffn);
}

export class BencReader {
  /** The open containers ('d' or 'l') and how many items each has so far. */
  private readonly stack: number[] = [];
  private readonly counts: number[] = [];
  private state = State.Between;
  /** The top dictionary's current container member: its bencoded text so far. */
  private rawStart = -1;
  private rawLen = 0;
  private rawType: BencType = BencType.DIR;
  private key: Span | null = null;
  private numberStart = 0;
  private stringStart = 0;
  private stringLen = 0;
  private stringHave = 0;
  private stringIsKey = false;

  constructor(private readonly sink: BencSink) {}

  /** Reads `buf` from `pos` to `end`, up to the top dictionary's end. */
  read(buf: Uint8Array, pos: number, end: number): BencResult {
    while (pos < end) {
      const step = this.byte(buf, pos, end);
      if (typeof step === "string") return { pos, done: false, error: step };
      pos = step;
      if (this.stack.length === 0 && this.state === State.Between) return { pos, done: true };
    }
    return { pos, done: false };
  }

  private get inRaw(): boolean {
    return this.rawStart >= 0;
  }

  private countRaw(n = 1): void {
    if (this.inRaw) this.rawLen += n;
  }

  /** The current container wants a key (a dictionary with an even count). */
  private get wantsKey(): boolean {
    return this.stack.at(-1) === 0x64 && this.counts.at(-1)! % 2 === 0;
  }

  private itemDone(): void {
    this.counts[this.counts.length - 1]!++;
  }

  /** One step at `pos`: the next position, or the violation's reason. */
  private byte(buf: Uint8Array, pos: number, end: number): number | string {
    const c = buf[pos]!;
    switch (this.state) {
      case State.Between:
        return this.between(pos, c);
      case State.IntSign:
        this.numberStart = pos;
        if (c === 0x2d) {
          this.countRaw();
          this.state = State.IntFirstDigit;
          return pos + 1;
        }
        return this.intDigit(c, pos);
      case State.IntFirstDigit:
        return this.intDigit(c, pos);
      case State.IntDigits:
        return c === 0x65 ? this.intEnd(buf, pos) : this.intDigit(c, pos);
      case State.StringLength:
        return this.stringLength(buf, pos, c);
      case State.StringBody:
        return this.stringBody(pos, end);
    }
  }

  private intDigit(c: number, pos: number): number | string {
    if (!isDigit(c)) return "BitTorrentTracker: no valid bencoding";
    this.countRaw();
    this.state = State.IntDigits;
    return pos + 1;
  }

  private intEnd(buf: Uint8Array, pos: number): number {
    if (this.stack.length === 1) {
      this.sink.integer(this.key ?? NO_KEY, cInt(ascii(buf, this.numberStart, pos)));
      this.key = null;
    }
    this.itemDone();
    this.countRaw();
    this.state = State.Between;
    return pos + 1;
  }

  private between(pos: number, c: number): number | string {
    if (c === 0x64 || c === 0x6c) return this.open(pos, c);
    if (this.stack.length === 0) {
      const first = c === 0x69 ? "i" : c === 0x65 ? "e" : isDigit(c) ? "[0-9]" : null;
      return first === null ? "BitTorrentTracker: no valid bencoding" : `BitTorrentTracker: not a bencoded directory (first char: ${first})`;
    }
    if (c === 0x69) {
      if (this.wantsKey) return "BitTorrentTracker: directory key is not a string but an int";
      this.countRaw();
      this.state = State.IntSign;
      return pos + 1;
    }
    if (c === 0x65) return this.close(pos);
    if (!isDigit(c)) return "BitTorrentTracker: no valid bencoding";
    this.countRaw();
    this.numberStart = pos;
    this.state = State.StringLength;
    return pos + 1;
  }

  /** 'd' or 'l': a container opens (the top one must be a dictionary). */
  private open(pos: number, c: number): number | string {
    const depth = this.stack.length;
    if (depth === 0 && c === 0x6c) return "BitTorrentTracker: not a bencoded directory (first char: l)";
    if (depth >= 1) {
      if (depth === 1) {
        this.rawStart = pos;
        this.rawType = c === 0x64 ? BencType.DIR : BencType.LIST;
      }
      if (this.wantsKey) return `BitTorrentTracker: directory key is not a string but a ${c === 0x64 ? "directory" : "list"}`;
      this.rawLen++;
    }
    this.stack.push(c);
    this.counts.push(0);
    return pos + 1;
  }

  /** 'e': the innermost container closes; a member of the top dictionary is reported. */
  private close(pos: number): number | string {
    if (this.stack.at(-1) === 0x64 && this.counts.at(-1)! % 2 === 1) return "BitTorrentTracker: directory has an odd count of members";
    this.countRaw();
    if (this.stack.length === 2) {
      this.sink.member(this.key ?? NO_KEY, this.rawType, { start: this.rawStart, len: this.rawLen });
      this.key = null;
      this.rawStart = -1;
      this.rawLen = 0;
    }
    this.stack.pop();
    this.counts.pop();
    if (this.stack.length > 0) this.itemDone();
    return pos + 1;
  }

  private stringLength(buf: Uint8Array, pos: number, c: number): number | string {
    if (isDigit(c)) {
      this.countRaw();
      return pos + 1;
    }
    if (c !== 0x3a) return "BitTorrentTracker: no valid bencoding";
    this.stringLen = cUnsigned(ascii(buf, this.numberStart, pos));
    this.stringHave = 0;
    this.stringStart = pos + 1;
    this.stringIsKey = this.stack.length === 1 && this.counts[0]! % 2 === 0;
    if (this.stringIsKey) this.key = { start: this.stringStart, len: this.stringLen };
    this.countRaw();
    this.state = State.StringBody;
    return pos + 1;
  }

  /** The string's bytes, as many as are there; an empty string takes none (the byte at `pos` is read again). */
  private stringBody(pos: number, end: number): number {
    const seek = Math.min(end - pos, this.stringLen - this.stringHave);
    this.stringHave += seek;
    this.countRaw(seek);
    if (this.stringHave < this.stringLen) return pos + seek;
    if (this.stack.length === 1 && this.key !== null && !this.stringIsKey) {
      this.sink.member(this.key, BencType.STR, { start: this.stringStart, len: this.stringLen });
      this.key = null;
    }
    this.itemDone();
    this.state = State.Between;
    return pos + seek;
  }
}
