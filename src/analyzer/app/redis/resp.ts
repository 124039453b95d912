/**
 * RESP (the REdis Serialization Protocol, versions 2 and 3) read as a
 * stream, one side at a time, as Zeek's Redis analyzer reads it (resp.spicy):
 *
 * - the client sends commands: an array of bulk strings, or an inline
 *   command (a line of at most 1024 bytes);
 * - the server sends values of any RESP type: simple strings and errors,
 *   integers, bulk strings and errors, arrays, nulls, booleans, doubles,
 *   big numbers, verbatim strings, maps, sets, pushes, and attributes before
 *   a value.
 *
 * The readers keep no message whole: a value is turned into its text form
 * (Zeek's stringify: "[a, b]", "{k: v}", "(x)", "null", "T") while it is
 * read, and only the first `maxValue` characters of that text, and of each
 * command word, are kept. Memory per side is bounded by that and the depth
 * limit, whatever the sizes the peer announces. Zeek's limits: a line (and a
 * bulk length) of at most 1 MiB, 20 levels of nesting, and at most
 * Redis::max_aggregate_elements children retained per top-level value.
 * A malformed message is a RespError; the caller decides what it means.
 */

import { tokenizeInline } from "./command.js";

/** Zeek's RESP::MAX_SIZE: the longest line, and the largest bulk length. */
export const RESP_MAX_SIZE = 1024 * 1024;
/** Zeek's MAX_RECURSION_DEPTH. */
const MAX_DEPTH = 20;
/** An inline command's line (with its CR LF) is at most this long. */
const MAX_INLINE = 1024;
const CR = 0x0d;
const LF = 0x0a;

export class RespError extends Error {}

/** Limits of one reader (Zeek's script options). */
export interface RespLimits {
  /** Redis::max_value_size: characters kept of each word and value (0: RESP_MAX_SIZE). */
  readonly maxValue: number;
  /** Redis::max_aggregate_elements: children of one top-level value at most (0: no limit). */
  readonly maxElements: number;
}

/** Text kept up to a cap: the stringification of a value (Zeek's append). */
class Capped {
  text = "";
  constructor(private readonly cap: number) {}
  add(t: string): void {
    const room = this.cap - this.text.length;
    if (room <= 0) return;
    this.text += t.length > room ? t.slice(0, room) : t;
  }
}

/** A decimal integer as Spicy's to_int reads it; a RespError when it is none. */
function toInt(text: string, unsigned: boolean): number {
  if (!(unsigned ? /^\d{1,18}$/ : /^[+-]?\d{1,18}$/).test(text)) throw new RespError(`cannot parse ${JSON.stringify(text.slice(0, 32))} as an integer`);
  return Number(text);
}

const enum Need {
  /** One byte: a type marker (or the first byte of a client message). */
  Type,
  /** A line up to CR LF. */
  Line,
  /** `left` bytes of a bulk string's content. */
  Bytes,
  /** Whatever comes up to the next CR LF, dropped. */
  SkipLine,
}

/**
 * The byte-level part both readers share: what they wait for next (a type
 * byte, a line, a number of bytes, the rest of a line) and the text of what
 * was read, kept up to `keep` characters.
 */
abstract class RespStream {
  protected need = Need.Type;
  /** The line or content read so far (up to `keep` characters) and its full length. */
  private text = "";
  private len = 0;
  /** The byte before this chunk was a CR (a line's end may straddle chunks). */
  private lastCR = false;
  /** Bytes of content still to read (Need.Bytes). */
  private left = 0;
  /** The longest line allowed (content and CR LF). */
  protected maxLine = RESP_MAX_SIZE;

  constructor(protected readonly keep: number) {}

  /** Where in the chunk being fed reading is (after a RespError: about where the message broke). */
  protected at = 0;
  /** Skipping to the next CR LF after an error (Spicy's synchronize-after), whatever the length. */
  private syncing = false;

  /** Reads a chunk; a RespError stops it, `at` telling about where. */
  feed(d: Uint8Array): void {
    this.at = 0;
    while (this.at < d.length) {
      if (this.need === Need.Type) {
        this.onType(d[this.at++]!);
      } else if (this.need === Need.Bytes) {
        const n = Math.min(this.left, d.length - this.at);
        this.keepText(d, this.at, this.at + n);
        this.at += n;
        this.left -= n;
        if (this.left === 0) this.done(this.text);
      } else this.at = this.readLine(d, this.at);
    }
  }

  /** After a RespError: the bytes up to the next CR LF are dropped, then a new message starts. */
  resync(): void {
    this.forget();
    this.need = Need.SkipLine;
    this.maxLine = Number.POSITIVE_INFINITY;
    this.len = 0;
    this.lastCR = false;
    this.syncing = true;
  }

  /** True when the input so far ends inside a message (or an error's skip). */
  midMessage(): boolean {
    return this.need !== Need.Type || this.syncing || this.inMessage();
  }

  /** Where the last feed stopped (after a RespError: about where the message broke). */
  errorOffset(): number {
    return this.at;
  }

  /** Forgets the message being read. */
  protected abstract forget(): void;
  /** True between a message's first byte and its end, beyond what the byte level waits for. */
  protected abstract inMessage(): boolean;

  /** Reads up to a line's end from `at`; returns where reading stopped. */
  private readLine(d: Uint8Array, at: number): number {
    let from = at;
    for (;;) {
      const lf = d.indexOf(LF, from);
      const end = lf < 0 ? d.length : lf;
      const cr = end > from ? d[end - 1] === CR : this.lastCR;
      if (lf < 0 || !cr) {
        // No line end in this chunk (or an LF alone, which is content).
        const stop = lf < 0 ? d.length : lf + 1;
        this.take(d, at, stop);
        at = stop;
        this.lastCR = d[stop - 1] === CR;
        if (lf < 0) return at;
        from = at;
        continue;
      }
      this.take(d, at, lf);
      const content = this.len - 1;
      const text = this.text.length > content ? this.text.slice(0, content) : this.text;
      this.lastCR = false;
      this.done(text);
      return lf + 1;
    }
  }

  /** Adds bytes of a line to it, checking the line's bound. */
  private take(d: Uint8Array, from: number, to: number): void {
    if (this.need === Need.Line) this.keepText(d, from, to);
    else this.len += to - from;
    if (this.len + 1 > this.maxLine) throw new RespError(`line exceeds ${this.maxLine} bytes`);
  }

  private keepText(d: Uint8Array, from: number, to: number): void {
    this.len += to - from;
    const room = this.keep - this.text.length;
    if (room > 0) this.text += latin1Range(d, from, Math.min(to, from + room));
  }

  /** Waits for a line; `first` is a byte of it read already (an inline command's first). */
  protected wantLine(maxLine = RESP_MAX_SIZE, first = -1): void {
    this.need = Need.Line;
    this.maxLine = maxLine;
    this.text = first < 0 ? "" : String.fromCharCode(first);
    this.len = first < 0 ? 0 : 1;
    this.lastCR = first === CR;
  }

  protected wantBytes(n: number): void {
    this.need = Need.Bytes;
    this.text = "";
    this.len = 0;
    this.left = n;
    if (n === 0) this.done("");
  }

  protected wantSkipLine(): void {
    this.need = Need.SkipLine;
    this.maxLine = RESP_MAX_SIZE;
    this.len = 0;
    this.lastCR = false;
  }

  /** After a line (its content), a bulk content or a skipped line. */
  private done(text: string): void {
    const was = this.need;
    this.need = Need.Type;
    this.text = "";
    this.len = 0;
    if (was === Need.Line) this.onLine(text);
    else if (was === Need.Bytes) this.onBytes(text);
    else if (this.syncing) this.syncing = false;
    else this.onSkipped();
  }

  protected abstract onType(b: number): void;
  protected abstract onLine(text: string): void;
  protected abstract onBytes(text: string): void;
  protected abstract onSkipped(): void;
}

function latin1Range(d: Uint8Array, from: number, to: number): string {
  let s = "";
  for (let i = from; i < to; i += 4096) s += String.fromCharCode(...d.subarray(i, Math.min(to, i + 4096)));
  return s;
}

/** What a client message is parsed into: its words (each capped). */
export type ClientSink = (words: string[]) => void;

const enum ClientStep {
  Start,
  InlineLine,
  Count,
  ElementType,
  ElementLength,
  ElementContent,
  ElementTail,
}

/** The client's side: commands, as arrays of bulk strings or inline lines. */
export class RespClientReader extends RespStream {
  private step = ClientStep.Start;
  private words: string[] = [];
  private remaining = 0;
  private readonly cap: number;

  constructor(
    private readonly limits: RespLimits,
    private readonly sink: ClientSink,
  ) {
    const cap = limits.maxValue === 0 ? RESP_MAX_SIZE : limits.maxValue;
    super(Math.max(cap, MAX_INLINE));
    this.cap = cap;
  }

  protected forget(): void {
    this.step = ClientStep.Start;
    this.words = [];
  }

  protected inMessage(): boolean {
    return this.step !== ClientStep.Start;
  }

  protected onType(b: number): void {
    if (this.step === ClientStep.ElementType) {
      if (b !== 0x24) throw new RespError(`expected '$' before a bulk string, got byte ${b}`);
      this.step = ClientStep.ElementLength;
      this.wantLine();
      return;
    }
    if (b === 0x2a) {
      this.step = ClientStep.Count;
      this.wantLine();
    } else {
      // Not an array: the byte is the inline command's first.
      this.step = ClientStep.InlineLine;
      this.wantLine(MAX_INLINE, b);
    }
  }

  protected onLine(text: string): void {
    if (this.step === ClientStep.InlineLine) {
      this.step = ClientStep.Start;
      this.sink(tokenizeInline(text, this.cap));
    } else if (this.step === ClientStep.Count) this.startArray(toInt(text, false));
    else {
      const n = toInt(text, false);
      if (n > RESP_MAX_SIZE) throw new RespError(`bulk string length ${n} exceeds ${RESP_MAX_SIZE}`);
      this.step = ClientStep.ElementContent;
      // Zeek's analyzer cuts a null bulk string's content, which is unset: an error there.
      if (n < 0) throw new RespError("null bulk string in a command");
      this.wantBytes(n);
    }
  }

  private startArray(n: number): void {
    const max = this.limits.maxElements;
    if (n < -1 || (max > 0 && n > max)) throw new RespError(n < -1 ? `invalid array length ${n}` : `too many elements ${n} > ${max}`);
    this.words = [];
    this.remaining = Math.max(n, 0);
    this.nextElement();
  }

  /** A bulk string's content. */
  protected onBytes(text: string): void {
    this.words.push(text.slice(0, this.cap));
    // Zeek reads (and drops) whatever comes up to the line's end after each element.
    this.step = ClientStep.ElementTail;
    this.wantSkipLine();
  }

  protected onSkipped(): void {
    this.remaining--;
    this.nextElement();
  }

  private nextElement(): void {
    if (this.remaining > 0) {
      this.step = ClientStep.ElementType;
      return;
    }
    this.step = ClientStep.Start;
    const words = this.words;
    this.words = [];
    this.sink(words);
  }
}

/** A server message as the events carry it (Redis::ReplyData), with its type. */
export interface ServerMessage {
  /** The value's type marker (after any attributes): '-' and '!' are errors, '>' a push. */
  readonly type: number;
  readonly value: string;
  readonly attributes?: string;
  readonly minProtocolVersion: number;
}

/** Type markers Zeek's RESP knows. */
const T_SIMPLE = 0x2b,
  T_ERROR = 0x2d,
  T_INTEGER = 0x3a,
  T_BULK = 0x24,
  T_ARRAY = 0x2a,
  T_NULL = 0x5f,
  T_BOOL = 0x23,
  T_DOUBLE = 0x2c,
  T_BIGNUM = 0x28,
  T_BULK_ERROR = 0x21,
  T_VERBATIM = 0x3d,
  T_MAP = 0x25,
  T_ATTRIBUTE = 0x7c,
  T_SET = 0x7e,
  T_PUSH = 0x3e;

/** Types only RESP3 has: a reply of one of them has min_protocol_version 3. */
const RESP3_TYPES = new Set([T_NULL, T_BOOL, T_DOUBLE, T_BIGNUM, T_BULK_ERROR, T_VERBATIM, T_MAP, T_SET, T_PUSH]);

/** An aggregate being read: its children left, how many came, its closing text and where its text goes. */
interface Frame {
  readonly kind: number;
  left: number;
  index: number;
  readonly out: Capped | null;
}

/** The server's side: values of any RESP2/RESP3 type, one message at a time. */
export class RespServerReader extends RespStream {
  private stack: Frame[] = [];
  /** The type whose line or content is awaited (0: a type byte is awaited). */
  private pending = 0;
  /** The top-level message's type (after attributes) and texts. */
  private topType = 0;
  private value: Capped;
  private attributes: Capped | null = null;
  /** A value's attributes were read: the type byte of the value they belong to is awaited. */
  private afterAttributes = false;
  /** Children reserved so far in the top-level value (Redis::max_aggregate_elements). */
  private elements = 0;
  /** A boolean's byte comes next (read where a type byte would be). */
  private expectBool = false;
  private readonly cap: number;

  constructor(
    private readonly limits: RespLimits,
    private readonly sink: (m: ServerMessage) => void,
  ) {
    const cap = limits.maxValue === 0 ? RESP_MAX_SIZE : limits.maxValue;
    super(cap);
    this.cap = cap;
    this.value = new Capped(cap);
  }

  protected forget(): void {
    this.stack = [];
    this.pending = 0;
    this.topType = 0;
    this.value = new Capped(this.cap);
    this.attributes = null;
    this.afterAttributes = false;
    this.elements = 0;
    this.expectBool = false;
  }

  protected inMessage(): boolean {
    return this.stack.length > 0 || this.pending !== 0 || this.expectBool || this.afterAttributes;
  }

  /** Where the text of the value now starting goes (null: nowhere, a nested attribute's). */
  private out(): Capped | null {
    const top = this.stack[this.stack.length - 1];
    return top === undefined ? this.value : top.out;
  }

  protected onType(b: number): void {
    if (this.expectBool) {
      this.expectBool = false;
      this.out()?.add(b === 0x74 ? "T" : "F");
      this.wantSkipLine();
      return;
    }
    if (this.stack.length + 1 > MAX_DEPTH) throw new RespError("exceeded max recursion depth");
    const top = this.stack[this.stack.length - 1];
    if (this.afterAttributes) {
      // The value its attributes belong to: the same child, its separator written before them.
      this.afterAttributes = false;
      if (b === T_ATTRIBUTE) throw new RespError("no matching case for type byte 124 after attributes");
      if (top === undefined) this.topType = b;
    } else {
      if (top === undefined) this.topType = b;
      else this.separator(top);
    }
    this.startValue(b);
  }

  /** The text between children: ", " between items and entries, ": " between a key and its value. */
  private separator(top: Frame): void {
    const out = top.out;
    if (out === null) return;
    if (top.kind === T_MAP || top.kind === T_ATTRIBUTE) {
      if (top.index % 2 === 1) out.add(": ");
      else if (top.index > 0) out.add(", ");
    } else if (top.index > 0) out.add(", ");
  }

  private startValue(b: number): void {
    switch (b) {
      case T_SIMPLE:
      case T_ERROR:
      case T_INTEGER:
      case T_DOUBLE:
      case T_BIGNUM:
      case T_BULK:
      case T_BULK_ERROR:
      case T_VERBATIM:
      case T_ARRAY:
      case T_PUSH:
      case T_MAP:
      case T_SET:
      case T_ATTRIBUTE:
        this.pending = b;
        this.wantLine();
        return;
      case T_NULL:
        this.pending = b;
        this.wantSkipLine();
        return;
      case T_BOOL:
        this.pending = b;
        this.expectBool = true;
        return;
      default:
        throw new RespError(`no matching case for type byte ${b}`);
    }
  }

  protected onLine(text: string): void {
    const type = this.pending;
    this.pending = 0;
    switch (type) {
      case T_BULK:
      case T_BULK_ERROR:
      case T_VERBATIM:
        this.bulkLength(text);
        return;
      case T_ARRAY:
      case T_PUSH:
        this.aggregate(type, toInt(text, false), "[");
        return;
      case T_MAP:
      case T_ATTRIBUTE:
        this.aggregate(type, toInt(text, true), "{");
        return;
      case T_SET:
        this.aggregate(type, toInt(text, true), "(");
        return;
      default:
        // Simple strings and errors, integers, doubles and big numbers: the line is the value.
        this.out()?.add(text);
        this.valueDone();
    }
  }

  private bulkLength(text: string): void {
    const n = toInt(text, false);
    if (n > RESP_MAX_SIZE) throw new RespError(`bulk string length ${n} exceeds ${RESP_MAX_SIZE}`);
    if (n < 0) {
      // A null bulk string: no content, no line end to read.
      this.valueDone();
      return;
    }
    this.wantBytes(n);
  }

  /** Reserves `n` children against Redis::max_aggregate_elements. */
  private reserve(n: number): void {
    const max = this.limits.maxElements;
    if (max === 0) return;
    if (this.elements > max || n > max - this.elements) throw new RespError(`too many elements ${this.elements + n} > ${max}`);
    this.elements += n;
  }

  private aggregate(kind: number, n: number, open: string): void {
    // Arrays and pushes: -1 is the null array (no children), other negatives are invalid.
    if (n < -1) throw new RespError(`invalid aggregate length ${n}`);
    if (n >= 0) this.reserve(n);
    const count = Math.max(n, 0) * (kind === T_MAP || kind === T_ATTRIBUTE ? 2 : 1);
    let out = this.out();
    if (kind === T_ATTRIBUTE) {
      // Only the top-level value's attributes are reported.
      if (this.stack.length === 0) out = this.attributes = new Capped(this.cap);
      else out = null;
    }
    out?.add(open);
    this.stack.push({ kind, left: count, index: 0, out });
    if (count === 0) this.closeFrames();
  }

  protected onBytes(text: string): void {
    this.out()?.add(text);
    this.wantSkipLine();
  }

  /** The end of a null's or a boolean's line, or of a bulk string's. */
  protected onSkipped(): void {
    const type = this.pending;
    this.pending = 0;
    if (type === T_NULL) this.out()?.add("null");
    this.valueDone();
  }

  /** A value ended: count it in its parent, close finished aggregates, or hand the message on. */
  private valueDone(): void {
    const top = this.stack[this.stack.length - 1];
    if (top === undefined) {
      this.emit();
      return;
    }
    top.index++;
    top.left--;
    if (top.left === 0) this.closeFrames();
  }

  private closeFrames(): void {
    const top = this.stack.pop()!;
    const close = top.kind === T_MAP || top.kind === T_ATTRIBUTE ? "}" : top.kind === T_SET ? ")" : "]";
    top.out?.add(close);
    if (top.kind === T_ATTRIBUTE) {
      // The attributes precede the value they belong to, which is not a child of theirs.
      this.afterAttributes = true;
      return;
    }
    this.valueDone();
  }

  private emit(): void {
    const type = this.topType;
    const attributes = this.attributes?.text;
    const message: ServerMessage = {
      type,
      value: this.value.text,
      minProtocolVersion: attributes !== undefined || RESP3_TYPES.has(type) ? 3 : 2,
      ...(attributes !== undefined ? { attributes } : {}),
    };
    this.forget();
    this.sink(message);
  }
}
