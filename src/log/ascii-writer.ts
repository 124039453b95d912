/**
 * Zeek's ASCII log format, byte for byte (Zeek's ASCII writer): a header of
 * `#` lines written with the first record, tab-separated values, `#close` at
 * the end. Values are formatted by type; strings are escaped so that no value
 * can break the column structure.
 */
import { escapeAscii } from "./escape.js";
import { formatFixed6 } from "./numbers.js";
import type { LogField, LogRecord, LogSchema, LogValue } from "./schema.js";
import type { LogSink } from "./sink.js";
import { formatLogStamp } from "./wall-clock.js";
import type { LogFormatter } from "./writer.js";

const SEPARATOR = "\t";
const SET_SEPARATOR = ",";
const EMPTY_FIELD = "(empty)";
const UNSET_FIELD = "-";
const TAB = 0x09;
const COMMA = 0x2c;
/** UTF-8 takes at most 3 bytes per UTF-16 unit. */
const MAX_UTF8_PER_UNIT = 3;

export interface AsciiWriterOptions {
  /** Wall clock for `#open`/`#close` (tests pass a fixed one). */
  clock?: () => Date;
}

/** Formats one string value: empty and the two marker strings are escaped so they stay distinguishable. */
function formatString(s: string): string {
  if (s === "") return EMPTY_FIELD;
  if (s === UNSET_FIELD) return "\\x2d";
  if (s === EMPTY_FIELD) return "\\x28empty)";
  return escapeAscii(s, TAB);
}

function formatSet(items: readonly string[]): string {
  if (items.length === 0) return EMPTY_FIELD;
  let out = "";
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out += SET_SEPARATOR;
    const item = items[i]!;
    out += item === "" ? "" : escapeAscii(item, TAB, COMMA);
  }
  return out;
}

/** Formats one value of the given field as its ASCII column text. */
export function formatAsciiValue(field: LogField, value: LogValue): string {
  if (value === undefined) return UNSET_FIELD;
  switch (field.type) {
    case "time":
    case "interval":
    case "double":
      return formatFixed6(value as number);
    case "count":
    case "int":
    case "port":
      return String(value);
    case "bool":
      return value ? "T" : "F";
    case "set[string]":
    case "set[enum]":
    case "vector[string]":
    case "vector[addr]":
      return formatSet(value as readonly string[]);
    case "vector[interval]": {
      const items = value as readonly number[];
      return items.length === 0 ? EMPTY_FIELD : items.map(formatFixed6).join(SET_SEPARATOR);
    }
    case "vector[count]":
    case "set[count]": {
      const items = value as readonly number[];
      return items.length === 0 ? EMPTY_FIELD : items.join(SET_SEPARATOR);
    }
    case "addr":
    case "subnet":
      return String(value);
    default:
      return formatString(String(value));
  }
}

/** How AsciiWriter.write formats a column, decided once per schema (a string switch per value costs). */
const enum Column {
  /** time, interval, double: formatFixed6. */
  Fixed6,
  /** count, int, port. */
  Integer,
  Bool,
  /** addr, subnet: their text as is. */
  Raw,
  /** string, enum: formatString. */
  Text,
  /** Sets and vectors: formatAsciiValue, then encoded. */
  Other,
}

function columnOf(type: LogField["type"]): Column {
  switch (type) {
    case "time":
    case "interval":
    case "double":
      return Column.Fixed6;
    case "count":
    case "int":
    case "port":
      return Column.Integer;
    case "bool":
      return Column.Bool;
    case "addr":
    case "subnet":
      return Column.Raw;
    case "string":
    case "enum":
      return Column.Text;
    default:
      return Column.Other;
  }
}

/** Below this, x·10^6 is within 0.25 of the exact product (its ulp is at most 0.5). */
const FIXED6_EXACT = 2 ** 52;
const HASH = 0x23;
const BACKSLASH = 0x5c;
/** Room a line starts with; it grows for longer ones. */
const LINE_BYTES = 1024;
/** `\x23`: a data line's leading `#`, escaped. */
const ESCAPED_HASH = Buffer.from("\\x23", "latin1");

export class AsciiWriter implements LogFormatter {
  private headerWritten = false;
  private closed = false;
  private readonly clock: () => Date;
  private readonly columns: Uint8Array;
  /**
   * A line is built here byte by byte and handed to the sink whole: a
   * string per value and per line (concatenated, flattened, then encoded)
   * cost conn.log a microsecond a line under a SYN flood.
   */
  private line = Buffer.allocUnsafe(LINE_BYTES);
  private at = 0;

  constructor(
    readonly schema: LogSchema,
    private readonly sink: LogSink,
    options: AsciiWriterOptions = {},
  ) {
    this.clock = options.clock ?? (() => new Date());
    this.columns = Uint8Array.from(schema.fields, (f) => columnOf(f.type));
  }

  write(record: LogRecord): void {
    if (!this.headerWritten) this.writeHeader();
    const fields = this.schema.fields;
    const columns = this.columns;
    this.at = 0;
    for (let i = 0; i < fields.length; i++) {
      if (i > 0) this.byte(TAB);
      const value = record[i];
      if (value === undefined) this.byte(0x2d);
      else this.value(columns[i]!, fields[i]!, value);
    }
    this.byte(0x0a);
    // A data line must never look like a meta line.
    if (this.line[0] === HASH) this.escapeLeadingHash();
    if (this.sink.writeBytes !== undefined) this.sink.writeBytes(this.line, this.at);
    else this.sink.write(this.line.toString("utf8", 0, this.at));
  }

  private value(column: number, field: LogField, value: Exclude<LogValue, undefined>): void {
    switch (column) {
      case Column.Fixed6:
        this.fixed6(value as number);
        return;
      case Column.Integer:
        if (Number.isSafeInteger(value)) this.integer(value as number);
        else this.ascii(String(value));
        return;
      case Column.Bool:
        this.byte(value ? 0x54 : 0x46);
        return;
      case Column.Raw: {
        // Addresses are ASCII: copied, unless something else came.
        const s = String(value);
        if (!this.plain(s, -1)) this.text(s);
        return;
      }
      case Column.Text:
        this.string(String(value));
        return;
      default:
        this.text(formatAsciiValue(field, value));
    }
  }

  private byte(b: number): void {
    if (this.at === this.line.length) this.grow(1);
    this.line[this.at++] = b;
  }

  /** A safe integer's decimal digits. */
  private integer(v: number): void {
    if (v < 0) {
      this.byte(0x2d);
      v = -v;
    }
    let digits = 1;
    for (let p = 10; p <= v; p *= 10) digits++;
    if (this.at + digits > this.line.length) this.grow(digits);
    const line = this.line;
    let end = this.at + digits;
    this.at = end;
    do {
      const q = Math.floor(v / 10);
      line[--end] = 0x30 + (v - q * 10);
      v = q;
    } while (v > 0);
  }

  /**
   * A time, interval or double with six decimals, as formatFixed6 gives it.
   * Written as digits of the scaled integer when that integer is certain: for
   * x·10^6 below 2^52 the product p is within 0.25 of the exact value, so
   * when p is within 0.25 of an integer r, the exact value is within 0.5 of r
   * and r (no tie possible) is the correctly rounded result. Timestamps with
   * microseconds always are; anything else (negative, huge, near a tie, not
   * finite) takes formatFixed6's string. Saves a string per time column.
   */
  private fixed6(x: number): void {
    const p = x * 1e6;
    if (x >= 0 && p < FIXED6_EXACT) {
      const r = Math.round(p);
      if (Math.abs(p - r) < 0.25) {
        const whole = Math.floor(r / 1e6);
        this.integer(whole);
        this.byte(0x2e);
        this.sixDigits(r - whole * 1e6);
        return;
      }
    }
    this.ascii(formatFixed6(x));
  }

  /** `v` (below 10^6) as six digits, zero-padded. */
  private sixDigits(v: number): void {
    if (this.at + 6 > this.line.length) this.grow(6);
    const line = this.line;
    for (let end = this.at + 5; end >= this.at; end--) {
      const q = Math.floor(v / 10);
      line[end] = 0x30 + (v - q * 10);
      v = q;
    }
    this.at += 6;
  }

  /** Text known to be ASCII (formatted numbers). */
  private ascii(s: string): void {
    const n = s.length;
    if (this.at + n > this.line.length) this.grow(n);
    const line = this.line;
    let at = this.at;
    for (let i = 0; i < n; i++) line[at++] = s.charCodeAt(i);
    this.at = at;
  }

  /** A string column (formatString): copied as it is when it needs no escape, the common case. */
  private string(s: string): void {
    if (s === "" || s === UNSET_FIELD || s === EMPTY_FIELD || !this.plain(s, BACKSLASH)) this.text(formatString(s));
  }

  /** Copies `s` when every character is printable ASCII other than the separator and `also`; false (nothing written) otherwise. */
  private plain(s: string, also: number): boolean {
    const n = s.length;
    if (this.at + n > this.line.length) this.grow(n);
    const line = this.line;
    let at = this.at;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x20 || c >= 0x7f || c === TAB || c === also) return false;
      line[at++] = c;
    }
    this.at = at;
    return true;
  }

  /** Any text, as UTF-8. */
  private text(s: string): void {
    const worst = s.length * MAX_UTF8_PER_UNIT;
    if (this.at + worst > this.line.length) this.grow(worst);
    this.at += this.line.write(s, this.at, "utf8");
  }

  private grow(more: number): void {
    let size = this.line.length * 2;
    while (size < this.at + more) size *= 2;
    const line = Buffer.allocUnsafe(size);
    this.line.copy(line, 0, 0, this.at);
    this.line = line;
  }

  private escapeLeadingHash(): void {
    const extra = ESCAPED_HASH.length - 1;
    if (this.at + extra > this.line.length) this.grow(extra);
    this.line.copyWithin(extra + 1, 1, this.at);
    ESCAPED_HASH.copy(this.line, 0);
    this.at += extra;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.headerWritten) this.sink.write(`#close${SEPARATOR}${formatLogStamp(this.clock())}\n`);
    this.sink.close();
  }

  private writeHeader(): void {
    this.headerWritten = true;
    const names = this.schema.fields.map((f) => f.name).join(SEPARATOR);
    const types = this.schema.fields.map((f) => f.type).join(SEPARATOR);
    this.sink.write(
      "#separator \\x09\n" +
        `#set_separator${SEPARATOR}${SET_SEPARATOR}\n` +
        `#empty_field${SEPARATOR}${EMPTY_FIELD}\n` +
        `#unset_field${SEPARATOR}${UNSET_FIELD}\n` +
        `#path${SEPARATOR}${this.schema.path}\n` +
        `#open${SEPARATOR}${formatLogStamp(this.clock())}\n` +
        `#fields${SEPARATOR}${names}\n` +
        `#types${SEPARATOR}${types}\n`,
    );
  }
}
