/**
 * Zeek's bounds on what one log record may hold (its logging manager's
 * ValToLogVal, Zeek 7.1 on): a string column is cut to
 * `maxFieldStringBytes` bytes and a set or vector column to
 * `maxFieldContainerElements` elements; all strings of a record together
 * (the elements' too) to `maxTotalStringBytes` and all elements to
 * `maxTotalContainerElements`, counted in column order. 0 is no bound. Each
 * cut is reported (Zeek's weirds log_string_field_truncated and
 * log_container_field_truncated, named after the stream), once per column
 * or element cut. The defaults are Log::default_max_*; a stream may have
 * its own (Zeek's Log::Stream fields: HTTP sets no bound on a string
 * column, X.509 allows longer lists).
 *
 * Bytes are those Zeek would write: log text holds a protocol's bytes as
 * characters (valid UTF-8 decoded, any other byte a lone surrogate, see
 * escape.ts bytesToLogText), so a character counts its UTF-8 length and a
 * lone surrogate one byte. A cut inside a character keeps its leading
 * bytes as lone surrogates, which the writers print as `\xNN`, as Zeek's
 * writer prints the incomplete sequence its byte cut leaves.
 */
import type { LogField, LogRecord, LogValue } from "./schema.js";

export interface LogLimits {
  maxFieldStringBytes: number;
  maxTotalStringBytes: number;
  maxFieldContainerElements: number;
  maxTotalContainerElements: number;
  /** Zeek's Log::max_log_record_size: a record whose values take more bytes is dropped (0: no bound). */
  maxRecordSize: number;
}

/** Log::max_log_record_size's default: 64 MiB. */
export const ZEEK_MAX_LOG_RECORD_SIZE = 64 * 1024 * 1024;

/** Zeek's Log::default_max_field_string_bytes, default_max_total_string_bytes, default_max_field_container_elements, default_max_total_container_elements. */
export const ZEEK_LOG_LIMITS: Readonly<LogLimits> = {
  maxFieldStringBytes: 4096,
  maxTotalStringBytes: 256000,
  maxFieldContainerElements: 100,
  maxTotalContainerElements: 500,
  maxRecordSize: ZEEK_MAX_LOG_RECORD_SIZE,
};

export type LimitWeird = "log_string_field_truncated" | "log_container_field_truncated" | "log_record_too_large";

/**
 * Bytes Zeek counts for a value of each fixed-size type towards
 * max_log_record_size (the sizes of its threading::Value parts): 8 for a
 * bool, int, count or double, port and protocol 8, an address 20 (16 bytes
 * and the family), a subnet 21. Strings and enums count their bytes.
 */
const FIXED_SIZE: Readonly<Partial<Record<LogField["type"], number>>> = {
  bool: 8,
  int: 8,
  count: 8,
  double: 8,
  time: 8,
  interval: 8,
  port: 8,
  addr: 20,
  subnet: 21,
};

/**
 * An enum's name is an identifier a script chose: the record-size check
 * takes it as at most this long when deciding whether the other bounds
 * already keep a record below max_log_record_size.
 */
const ENUM_NAME_BOUND = 1024;

/** The size of one value of a type that is not a container, as Zeek counts it for max_log_record_size. */
function valueSize(type: LogField["type"], v: string | number | boolean): number {
  return FIXED_SIZE[type] ?? (typeof v === "string" ? logTextBytes(v) : 8);
}

/** A UTF-8 character takes at most 3 bytes per UTF-16 unit: text this short in units is surely within a bound. */
const MAX_BYTES_PER_UNIT = 3;

/** Zeek's calculate_allowed: the size cut to the column's bound and to what the record's total has left (0: no bound). */
function allowed(size: number, fieldMax: number, totalMax: number, total: number): number {
  let n = size;
  if (fieldMax !== 0 && fieldMax < n) n = fieldMax;
  if (totalMax !== 0 && totalMax - total < n) n = Math.max(0, totalMax - total);
  return n;
}

/** Whether the column type holds strings Zeek bounds (`string`; enums, addresses and subnets are not strings to it). */
function isString(type: LogField["type"]): boolean {
  return type === "string";
}

function isContainer(type: LogField["type"]): boolean {
  return type.startsWith("set[") || type.startsWith("vector[");
}

/** The log text's length in the bytes Zeek holds (see the header). */
export function logTextBytes(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) n += charBytes(s, i);
  return n;
}

/** Bytes of the character at `i` (a surrogate pair counts 4 at its first unit, 0 at its second). */
function charBytes(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c < 0x80) return 1;
  if (c < 0x800) return 2;
  if (c >= 0xd800 && c <= 0xdbff) {
    const next = s.charCodeAt(i + 1);
    return next >= 0xdc00 && next <= 0xdfff ? 4 : 1;
  }
  if (c >= 0xdc00 && c <= 0xdfff) {
    const prev = s.charCodeAt(i - 1);
    return prev >= 0xd800 && prev <= 0xdbff ? 0 : 1;
  }
  return 3;
}

/** The first `bytes` bytes of log text `s`; a character cut keeps its leading bytes, each as a lone surrogate. */
export function cutLogText(s: string, bytes: number): string {
  let used = 0;
  for (let i = 0; i < s.length; i++) {
    const size = charBytes(s, i);
    if (used + size <= bytes) {
      used += size;
      continue;
    }
    let out = s.slice(0, i);
    const char = String.fromCodePoint(s.codePointAt(i)!);
    const utf8 = Buffer.from(char, "utf8");
    for (let k = 0; used < bytes && k < utf8.length; k++, used++) out += String.fromCharCode(0xdc00 | utf8[k]!);
    return out;
  }
  return s;
}

/**
 * Applies Zeek's bounds to one record: the record itself when nothing is
 * over (the common case, decided from lengths alone), else a copy with the
 * cut values; `report` hears of each cut.
 */
export class RecordLimits {
  /** The columns that may be cut (strings and containers), by index. */
  private readonly bounded: number[];
  /** Whether the record size must be counted: false when the other bounds keep every record below max_log_record_size (Zeek's defaults do, by far). */
  private readonly sizeUnbounded: boolean;

  constructor(
    private readonly fields: readonly LogField[],
    private readonly limits: Readonly<LogLimits>,
    private readonly report: (weird: LimitWeird) => void,
  ) {
    this.bounded = [];
    fields.forEach((f, i) => {
      if (isString(f.type) || isContainer(f.type)) this.bounded.push(i);
    });
    this.sizeUnbounded = limits.maxRecordSize !== 0 && !(largestRecord(fields, limits) <= limits.maxRecordSize);
  }

  /** The record within the bounds (itself when nothing is over), or null when it is too large to be logged at all (its weird reported). */
  apply(values: LogRecord): LogRecord | null {
    return !this.sizeUnbounded && this.surelyWithin(values) ? values : this.cut(values);
  }

  /** True when no column can be over its bounds: string lengths in units, three bytes each at most, and element counts. */
  private surelyWithin(values: LogRecord): boolean {
    const l = this.limits;
    let units = 0;
    let elements = 0;
    // Indexed loops: a for-of allocates an iterator result per step until V8 optimises it (every log write comes here).
    const bounded = this.bounded;
    for (let b = 0; b < bounded.length; b++) {
      const v = values[bounded[b]!];
      if (v === undefined) continue;
      if (typeof v === "string") {
        if (l.maxFieldStringBytes !== 0 && v.length * MAX_BYTES_PER_UNIT > l.maxFieldStringBytes) return false;
        units += v.length;
      } else if (Array.isArray(v)) {
        if (l.maxFieldContainerElements !== 0 && v.length > l.maxFieldContainerElements) return false;
        elements += v.length;
        for (let k = 0; k < v.length; k++) {
          const e: unknown = v[k];
          if (typeof e !== "string") continue;
          if (l.maxFieldStringBytes !== 0 && e.length * MAX_BYTES_PER_UNIT > l.maxFieldStringBytes) return false;
          units += e.length;
        }
      }
    }
    if (l.maxTotalContainerElements !== 0 && elements > l.maxTotalContainerElements) return false;
    return l.maxTotalStringBytes === 0 || units * MAX_BYTES_PER_UNIT <= l.maxTotalStringBytes;
  }

  /**
   * The record with each value cut as Zeek's ValToLogVal cuts it, in column
   * order, counting its size as it goes: null when that passes
   * max_log_record_size (Zeek stops adding a container's elements once the
   * size reaches it, then drops the record).
   */
  private cut(values: LogRecord): LogRecord | null {
    const out: LogValue[] = [...values];
    const totals: Totals = { strings: 0, elements: 0, size: 0 };
    const max = this.limits.maxRecordSize === 0 ? Number.POSITIVE_INFINITY : this.limits.maxRecordSize;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v === undefined) continue;
      const type = this.fields[i]!.type;
      if (isString(type)) out[i] = this.cutString(v as string, totals);
      else if (Array.isArray(v)) out[i] = this.cutContainer(v as readonly (string | number)[], elementType(type), totals, max);
      else if (this.sizeUnbounded) totals.size += valueSize(type, v as string | number | boolean);
      if (totals.size > max) {
        this.report("log_record_too_large");
        return null;
      }
    }
    return out;
  }

  private cutString(s: string, totals: Totals): string {
    const l = this.limits;
    const size = logTextBytes(s);
    const n = allowed(size, l.maxFieldStringBytes, l.maxTotalStringBytes, totals.strings);
    totals.strings += n;
    totals.size += n;
    if (n >= size) return s;
    this.report("log_string_field_truncated");
    return cutLogText(s, n);
  }

  private cutContainer(items: readonly (string | number)[], type: LogField["type"], totals: Totals, max: number): LogValue {
    const l = this.limits;
    const n = allowed(items.length, l.maxFieldContainerElements, l.maxTotalContainerElements, totals.elements);
    if (n < items.length) this.report("log_container_field_truncated");
    const kept: (string | number)[] = [];
    for (let k = 0; k < n && totals.size < max; k++) {
      const e = items[k]!;
      if (isString(type)) kept.push(this.cutString(e as string, totals));
      else {
        kept.push(e);
        totals.size += valueSize(type, e);
      }
    }
    totals.elements += kept.length;
    return kept as LogValue;
  }
}

/** What a record has used so far: string bytes and elements (for the total bounds), and its size as Zeek counts it. */
interface Totals {
  strings: number;
  elements: number;
  size: number;
}

/**
 * The most bytes a record of `fields` can take within the string and
 * element bounds (enum names taken as ENUM_NAME_BOUND at most); infinite
 * when one of those bounds is off.
 */
function largestRecord(fields: readonly LogField[], l: Readonly<LogLimits>): number {
  if (l.maxTotalStringBytes === 0 || l.maxTotalContainerElements === 0) return Number.POSITIVE_INFINITY;
  const widest = Math.max(FIXED_SIZE.subnet!, ENUM_NAME_BOUND);
  return l.maxTotalStringBytes + (fields.length + l.maxTotalContainerElements) * widest;
}

/** `set[string]` → `string`. */
function elementType(type: LogField["type"]): LogField["type"] {
  return type.slice(type.indexOf("[") + 1, -1) as LogField["type"];
}
