/**
 * Zeek's ASCII log format, byte for byte (Zeek's ASCII writer): a header of
 * `#` lines written with the first record, tab-separated values, `#close` at
 * the end. Values are formatted by type; strings are escaped so that no value
 * can break the column structure.
 */
import { escapeAscii, escapeAsciiSequences, hexEscape } from "./escape.js";
import { formatDouble, formatFixed6 } from "./numbers.js";
import type { LogField, LogRecord, LogSchema, LogValue } from "./schema.js";
import type { LogSink } from "./sink.js";
import { formatLogStamp } from "./wall-clock.js";
import type { LogFormatter } from "./writer.js";

/** UTF-8 takes at most 3 bytes per UTF-16 unit. */
const MAX_UTF8_PER_UNIT = 3;

/**
 * Zeek's LogAscii options that shape the format (LogAscii::separator,
 * set_separator, empty_field, unset_field, include_meta, meta_prefix). The
 * separators are any non-empty text, as Zeek's; one ASCII character each
 * (the defaults) takes the writer's fast paths.
 */
export interface AsciiFormat {
  /** Between columns (default a tab). */
  separator: string;
  /** Between the elements of a set or vector (default ","). */
  setSeparator: string;
  /** An empty string, set or vector (default "(empty)"). */
  emptyField: string;
  /** An unset column (default "-"). */
  unsetField: string;
  /** The `#` lines: header and `#close` (default true). */
  includeMeta: boolean;
  /** What those lines start with (default "#"); a data line starting with it has its first byte escaped. */
  metaPrefix: string;
  /** Valid UTF-8 written as it is (Zeek's LogAscii::enable_utf_8, default true); false: every byte outside printable ASCII as `\xNN`. */
  utf8: boolean;
  /**
   * Zeek's TSV mode (a filter's `$config=table(["tsv"]="T")`): the meta
   * lines are one header row of the column names, without prefix, and no
   * `#close` (default false).
   */
  tsv: boolean;
}

/** Zeek's defaults. */
export const ZEEK_ASCII_FORMAT: Readonly<AsciiFormat> = {
  separator: "\t",
  setSeparator: ",",
  emptyField: "(empty)",
  unsetField: "-",
  includeMeta: true,
  metaPrefix: "#",
  utf8: true,
  tsv: false,
};

/** `format` completed with Zeek's defaults; throws RangeError for an empty separator or one with a letter, digit, ".", "+" or "-". */
export function asciiFormat(format: Partial<AsciiFormat> = {}): AsciiFormat {
  const full = { ...ZEEK_ASCII_FORMAT, ...format };
  for (const [name, sep] of [
    ["LogAscii::separator", full.separator],
    ["LogAscii::set_separator", full.setSeparator],
  ] as const) {
    // Numbers and T/F are written as they are: a separator must not use a character they use.
    if (sep === "" || /[0-9A-Za-z.+-]/.test(sep)) {
      throw new RangeError(`${name} must be non-empty text without letters, digits, ".", "+" or "-"; got ${JSON.stringify(sep)}`);
    }
  }
  return full;
}

/** Both separators are one ASCII character: values are escaped for those characters alone (escapeAscii's fast path). */
function singleCharSeparators(f: AsciiFormat): boolean {
  return f.separator.length === 1 && f.setSeparator.length === 1 && f.separator.charCodeAt(0) < 0x80 && f.setSeparator.charCodeAt(0) < 0x80;
}

/** `s` escaped for a column: the column separator (and, inside a set, the set separator) as Zeek escapes them. */
function escapeForColumn(s: string, f: AsciiFormat, inSet: boolean): string {
  if (singleCharSeparators(f)) return escapeAscii(s, f.separator.charCodeAt(0), inSet ? f.setSeparator.charCodeAt(0) : -1, f.utf8);
  return escapeAsciiSequences(s, inSet ? [f.separator, f.setSeparator] : [f.separator], f.utf8);
}

export interface AsciiWriterOptions {
  /** Wall clock for `#open`/`#close` (tests pass a fixed one). */
  clock?: () => Date;
  /** Separators, markers and meta lines (Zeek's LogAscii options); default Zeek's. */
  format?: Partial<AsciiFormat>;
}

/** A string that equals a marker gets its first character escaped (Zeek's escapeReservedContent). */
function escapeFirst(s: string): string {
  const c = s.charCodeAt(0);
  return `\\x${c.toString(16).padStart(2, "0")}${s.slice(1)}`;
}

/** Formats one string value: empty and the two marker strings are escaped so they stay distinguishable. */
function formatString(s: string, f: AsciiFormat): string {
  if (s === "") return f.emptyField;
  if (s === f.unsetField || s === f.emptyField) return escapeFirst(s);
  return escapeForColumn(s, f, false);
}

/**
 * A set's or vector's elements joined with the set separator, each as
 * `each` writes it; none: the empty field. A vector's hole (an element
 * never assigned, `v[4] = "5"` on an empty vector) is the unset field, as
 * Zeek writes an element that is not present.
 */
function joinItems<T>(items: readonly (T | undefined)[], f: AsciiFormat, each: (item: T) => string): string {
  if (items.length === 0) return f.emptyField;
  let out = "";
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out += f.setSeparator;
    const item = items[i];
    out += item === undefined ? f.unsetField : each(item);
  }
  return out;
}

/** A set's or vector's elements, each written as a string is (Zeek's formatter describes each element as it would a column: "" is the empty field, the markers escaped). */
function formatSet(items: readonly string[], f: AsciiFormat): string {
  return joinItems(items, f, (item) => {
    if (item === "") return f.emptyField;
    if (item === f.unsetField || item === f.emptyField) return escapeFirst(item);
    return escapeForColumn(item, f, true);
  });
}

/** Formats one value of the given field as its ASCII column text (with Zeek's separators and markers unless `format` says otherwise). */
export function formatAsciiValue(field: LogField, value: LogValue, format: AsciiFormat = ZEEK_ASCII_FORMAT): string {
  const f = format;
  if (value === undefined) return f.unsetField;
  switch (field.type) {
    case "time":
    case "interval":
      return formatFixed6(value as number);
    case "double":
      return formatDouble(value as number);
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
    case "set[addr]":
      return formatSet(value as readonly string[], f);
    case "vector[interval]":
      return joinItems(value as readonly number[], f, formatFixed6);
    case "vector[count]":
    case "set[count]":
      return joinItems(value as readonly number[], f, String);
    case "vector[double]":
      return joinItems(value as readonly number[], f, formatDouble);
    case "addr":
    case "subnet":
      return String(value);
    default:
      return formatString(String(value), f);
  }
}

/** How AsciiWriter.write formats a column, decided once per schema (a string switch per value costs). */
const enum Column {
  /** time, interval: formatFixed6. */
  Fixed6,
  /** count, int, port. */
  Integer,
  Bool,
  /** addr, subnet: their text as is. */
  Raw,
  /** string, enum: formatString. */
  Text,
  /** double, sets and vectors: formatAsciiValue, then encoded. */
  Other,
}

function columnOf(type: LogField["type"]): Column {
  switch (type) {
    case "time":
    case "interval":
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
const BACKSLASH = 0x5c;
const DASH = 0x2d;
const INT32_MAX = 0x7fffffff;
/** Room a line starts with; it grows for longer ones. */
const LINE_BYTES = 1024;

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
  private readonly format: AsciiFormat;
  /**
   * The column separator's first character: a value holding it is escaped
   * on the slow path. When the separator is that one byte, it is also what
   * is written between columns; else `sepBytes` are.
   */
  private readonly sep: number;
  private readonly sepBytes: Buffer | null;
  /** The unset marker, when it is Zeek's "-" (one byte); -1 otherwise. */
  private readonly unsetByte: number;
  /** The first byte of the meta prefix (a data line starting with the prefix gets it escaped), -1 when the prefix is empty (then, as in Zeek, every line's first byte is). */
  private readonly metaByte: number;

  constructor(
    readonly schema: LogSchema,
    private readonly sink: LogSink,
    options: AsciiWriterOptions = {},
  ) {
    this.clock = options.clock ?? (() => new Date());
    this.columns = Uint8Array.from(schema.fields, (f) => columnOf(f.type));
    this.format = asciiFormat(options.format);
    this.sep = this.format.separator.charCodeAt(0);
    this.sepBytes = this.format.separator.length === 1 && this.sep < 0x80 ? null : Buffer.from(this.format.separator, "utf8");
    this.unsetByte = this.format.unsetField === "-" ? DASH : -1;
    this.metaByte = this.format.metaPrefix === "" ? -1 : this.format.metaPrefix.charCodeAt(0);
  }

  write(record: LogRecord): void {
    if (!this.headerWritten) this.writeHeader();
    const fields = this.schema.fields;
    const columns = this.columns;
    const sep = this.sep;
    const sepBytes = this.sepBytes;
    this.at = 0;
    for (let i = 0; i < fields.length; i++) {
      if (i > 0) {
        if (sepBytes === null) this.byte(sep);
        else this.bytes(sepBytes);
      }
      const value = record[i];
      if (value === undefined) this.unset();
      else this.value(columns[i]!, fields[i]!, value);
    }
    this.byte(0x0a);
    // A data line must never look like a meta line.
    if ((this.line[0] === this.metaByte || this.metaByte < 0) && this.startsWithMetaPrefix()) this.escapeLeadingByte();
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
        // Addresses are ASCII: copied, unless something else came (or the separator is in them: ":" and IPv6).
        const s = typeof value === "string" ? value : String(value);
        if (!this.plain(s, -1)) this.text(escapeForColumn(s, this.format, false));
        return;
      }
      case Column.Text:
        // String() is a call to V8's builtin even for a string (~40 instructions a value).
        this.string(typeof value === "string" ? value : String(value));
        return;
      default:
        this.text(formatAsciiValue(field, value, this.format));
    }
  }

  private unset(): void {
    if (this.unsetByte >= 0) this.byte(this.unsetByte);
    else this.text(this.format.unsetField);
  }

  private byte(b: number): void {
    if (this.at === this.line.length) this.grow(1);
    this.line[this.at++] = b;
  }

  private bytes(b: Buffer): void {
    if (this.at + b.length > this.line.length) this.grow(b.length);
    this.at += b.copy(this.line, this.at);
  }

  /**
   * A safe integer's decimal digits. Up to 2^31 - 1 (ports, counts, a time's
   * seconds) in int32 arithmetic, where the optimiser makes the division by
   * 10 a multiplication instead of a double division per digit, each waiting
   * for the one before (ten digits: ~100 ns against ~400 in a micro-benchmark).
   */
  private integer(v: number): void {
    if (v < 0) {
      this.byte(DASH);
      v = -v;
    }
    let digits = 1;
    for (let p = 10; p <= v; p *= 10) digits++;
    if (this.at + digits > this.line.length) this.grow(digits);
    const line = this.line;
    let end = this.at + digits;
    this.at = end;
    if (v <= INT32_MAX) {
      let n = v | 0;
      do {
        const q = (n / 10) | 0;
        line[--end] = 0x30 + (n - q * 10);
        n = q;
      } while (n !== 0);
      return;
    }
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

  /** `v` (below 10^6) as six digits, zero-padded (int32 arithmetic, as in integer). */
  private sixDigits(v: number): void {
    if (this.at + 6 > this.line.length) this.grow(6);
    const line = this.line;
    let n = v | 0;
    for (let end = this.at + 5; end >= this.at; end--) {
      const q = (n / 10) | 0;
      line[end] = 0x30 + (n - q * 10);
      n = q;
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
    const f = this.format;
    if (s === "" || s === f.unsetField || s === f.emptyField || !this.plain(s, BACKSLASH)) this.text(formatString(s, f));
  }

  /** Copies `s` when every character is printable ASCII other than the separator and `also`; false (nothing written) otherwise. */
  private plain(s: string, also: number): boolean {
    const str = `${s}`; // typed as a string, read without lookups: see escape.ts
    const n = str.length;
    if (this.at + n > this.line.length) this.grow(n);
    const line = this.line;
    let at = this.at;
    for (let i = 0; i < n; i++) {
      const c = String.prototype.charCodeAt.call(str, i);
      if (c < 0x20 || c >= 0x7f || c === this.sep || c === also) return false;
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

  private startsWithMetaPrefix(): boolean {
    const prefix = this.format.metaPrefix;
    if (this.at < prefix.length) return false;
    for (let i = 1; i < prefix.length; i++) if (this.line[i] !== prefix.charCodeAt(i)) return false;
    return true;
  }

  /** The line's first byte as `\xNN` (Zeek's writer does this to a data line that starts with the meta prefix). */
  private escapeLeadingByte(): void {
    const escaped = Buffer.from(hexEscape(this.line[0]!), "latin1");
    const extra = escaped.length - 1;
    if (this.at + extra > this.line.length) this.grow(extra);
    this.line.copyWithin(extra + 1, 1, this.at);
    escaped.copy(this.line, 0);
    this.at += extra;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    const f = this.format;
    if (this.headerWritten && f.includeMeta && !f.tsv) this.sink.write(`${f.metaPrefix}close${f.separator}${formatLogStamp(this.clock())}\n`);
    this.sink.close();
  }

  /** Zeek's WriteHeader: the meta lines, their values escaped as util::get_escaped_string does; none without include_meta. */
  private writeHeader(): void {
    this.headerWritten = true;
    const f = this.format;
    if (!f.includeMeta) return;
    const sep = f.separator;
    const names = this.schema.fields.map((x) => x.name).join(sep);
    if (f.tsv) {
      this.sink.write(`${names}\n`);
      return;
    }
    const types = this.schema.fields.map((x) => x.type).join(sep);
    const line = (key: string, value: string): string => `${f.metaPrefix}${key}${sep}${value}\n`;
    this.sink.write(
      // "separator" is followed by a space, whatever the separator (Zeek's writer does so).
      `${f.metaPrefix}separator ${metaEscaped(sep)}\n` +
        line("set_separator", metaEscaped(f.setSeparator)) +
        line("empty_field", metaEscaped(f.emptyField)) +
        line("unset_field", metaEscaped(f.unsetField)) +
        line("path", metaEscaped(this.schema.path)) +
        line("open", formatLogStamp(this.clock())) +
        line("fields", names) +
        line("types", types),
    );
  }
}

/** A meta value as Zeek's util::get_escaped_string writes it: each UTF-8 byte that is white space, a control or not ASCII as `\xNN`. */
function metaEscaped(s: string): string {
  let out = "";
  for (const b of Buffer.from(s, "utf8")) out += b <= 0x20 || b >= 0x7f ? hexEscape(b) : String.fromCharCode(b);
  return out;
}
