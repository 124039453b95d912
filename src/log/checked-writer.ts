/**
 * The writer a LogManager hands out: a record is given as values in the
 * schema's field order or as an object keyed by field name, and every value is
 * checked against its column's Zeek type before it is formatted, so a log
 * never holds what Zeek would not write: NaN or an infinity in a time or
 * interval, a fraction in a count, text in a number column, a field the
 * schema does not have. A double may be any number: Zeek writes `inf`,
 * `-inf` and `nan` (null in JSON), as its btest logging/ascii-double shows. A bad record is refused whole with a TypeError naming
 * the log, field and value; nothing of it is written.
 */
import type { RecordLimits } from "./limits.js";
import type { LogField, LogRecord, LogSchema, LogType, LogValue } from "./schema.js";
import type { LogExtension, LogFormatter, LogWriter, NamedLogRecord } from "./writer.js";

/** Why `value` does not fit a column of type `type`, or null when it does. */
function misfit(type: LogType, value: LogValue): string | null {
  if (value === undefined) return null;
  switch (type) {
    case "time":
    case "interval":
      return typeof value === "number" && Number.isFinite(value) ? null : "a finite number";
    case "double":
      return typeof value === "number" ? null : "a number";
    case "count":
    case "port":
      return typeof value === "number" && Number.isInteger(value) && value >= 0 ? null : "a whole number ≥ 0";
    case "int":
      return typeof value === "number" && Number.isInteger(value) ? null : "a whole number";
    case "bool":
      return typeof value === "boolean" ? null : "true or false";
    case "string":
    case "enum":
    case "addr":
    case "subnet":
      return typeof value === "string" ? null : "a string";
    case "set[string]":
    case "set[enum]":
    case "vector[string]":
    case "vector[addr]":
    case "set[addr]":
      return Array.isArray(value) && value.every((v) => typeof v === "string") ? null : "an array of strings";
    case "vector[interval]":
      return Array.isArray(value) && value.every((v) => typeof v === "number" && Number.isFinite(v)) ? null : "an array of finite numbers";
    case "vector[count]":
    case "set[count]":
      return Array.isArray(value) && value.every((v) => Number.isInteger(v) && (v as number) >= 0) ? null : "an array of counts";
    case "vector[double]":
      // Zeek writes inf (a histogram's last bound) and nan as such.
      return Array.isArray(value) && value.every((v) => typeof v === "number") ? null : "an array of numbers";
  }
}

function show(value: unknown): string {
  if (typeof value === "number") return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** How a column's values are checked, decided once per schema: a switch on the type's name per value cost conn.log ~0.6 µs a line. */
const enum Check {
  /** time, interval: a finite number. */
  Finite,
  /** double: any number. */
  Number,
  /** count, port: a whole number ≥ 0. */
  Count,
  /** int: a whole number. */
  Int,
  Bool,
  /** string, enum, addr, subnet. */
  Text,
  /** Sets and vectors: misfit. */
  Other,
}

function checkOf(type: LogType): Check {
  switch (type) {
    case "time":
    case "interval":
      return Check.Finite;
    case "double":
      return Check.Number;
    case "count":
    case "port":
      return Check.Count;
    case "int":
      return Check.Int;
    case "bool":
      return Check.Bool;
    case "string":
    case "enum":
    case "addr":
    case "subnet":
      return Check.Text;
    default:
      return Check.Other;
  }
}

/** Whether `value` fits a column checked as `check` (unset always does); Other asks misfit. */
function fits(check: number, type: LogType, value: LogValue): boolean {
  if (value === undefined) return true;
  switch (check) {
    case Check.Finite:
      return typeof value === "number" && Number.isFinite(value);
    case Check.Number:
      return typeof value === "number";
    case Check.Count:
      return typeof value === "number" && Number.isInteger(value) && value >= 0;
    case Check.Int:
      return typeof value === "number" && Number.isInteger(value);
    case Check.Bool:
      return typeof value === "boolean";
    case Check.Text:
      return typeof value === "string";
    default:
      return misfit(type, value) === null;
  }
}

/** The error for a record that log `path` does not take, and why. */
export function recordRefused(path: string, why: string): TypeError {
  return new TypeError(`${path}.log: record refused: ${why}`);
}

/** A field list's checks: records by name made into values, values checked against their columns' types. */
export class FieldChecks {
  private readonly index: ReadonlyMap<string, number>;
  /** Each field's Check, in order. */
  private readonly checks: Uint8Array;

  constructor(
    readonly fields: readonly LogField[],
    /** How a refused value's field is named ("field", "extension field"). */
    private readonly what: string,
  ) {
    this.index = new Map(fields.map((f, i) => [f.name, i]));
    this.checks = Uint8Array.from(fields, (f) => checkOf(f.type));
  }

  /** The values of `record` in field order; why not, when they do not fit. */
  values(record: LogRecord | NamedLogRecord): LogRecord | string {
    const fields = this.fields;
    const values = Array.isArray(record) ? (record as LogRecord) : this.fromNames(record as NamedLogRecord);
    if (typeof values === "string") return values;
    if (values.length > fields.length) return `${values.length} ${this.what} values for ${fields.length} fields`;
    const checks = this.checks;
    for (let i = 0; i < fields.length; i++) {
      const field = fields[i] as LogField;
      if (!fits(checks[i]!, field.type, values[i]))
        return `${this.what} ${field.name} (${field.type}) takes ${misfit(field.type, values[i])}, got ${show(values[i])}`;
    }
    return values;
  }

  private fromNames(record: NamedLogRecord): LogValue[] | string {
    const values: LogValue[] = new Array<LogValue>(this.fields.length).fill(undefined);
    for (const [name, value] of Object.entries(record)) {
      const at = this.index.get(name);
      if (at === undefined) return `no ${this.what} ${JSON.stringify(name)} (${this.what}s: ${[...this.index.keys()].join(", ")})`;
      values[at] = value;
    }
    return values;
  }
}

export class CheckedWriter implements LogWriter {
  private readonly own: FieldChecks;
  private readonly ext: FieldChecks | null;

  /**
   * `record` is the stream's schema as scripts name its fields; the
   * formatter's may spell them otherwise in the output (Log::default_scope_sep,
   * Log::default_field_name_map), in the same order, after the columns of
   * `extension` when there is one (its values asked for each record).
   */
  constructor(
    private readonly inner: LogFormatter,
    private readonly record: LogSchema = inner.schema,
    private readonly extension: LogExtension | null = null,
    /** Zeek's bounds on the record's strings and lists, over the output's columns (extension columns first); null: none. */
    private readonly limits: RecordLimits | null = null,
  ) {
    this.own = new FieldChecks(record.fields, "field");
    this.ext = extension === null ? null : new FieldChecks(extension.fields, "extension field");
  }

  get schema(): LogSchema {
    return this.record;
  }

  write(record: LogRecord | NamedLogRecord): void {
    const values = this.own.values(record);
    if (typeof values === "string") throw this.refuse(values);
    const row = this.ext === null ? values : this.extended(this.ext, values);
    if (this.limits === null) this.inner.write(row);
    else {
      // null: too large to log at all (Log::max_log_record_size), the weird already reported.
      const bounded = this.limits.apply(row);
      if (bounded !== null) this.inner.write(bounded);
    }
  }

  close(): void {
    this.inner.close();
  }

  /** The extension's values for this log, then the record's (unset ones filled in: the record may be short). */
  private extended(ext: FieldChecks, values: LogRecord): LogValue[] {
    const given = this.extension!.values(this.record.path);
    // null (or nothing, from JavaScript): every extension column unset, as Zeek's ext_func returning no record.
    const extValues = given === null || given === undefined ? [] : ext.values(given);
    if (typeof extValues === "string") throw this.refuse(extValues);
    const n = ext.fields.length;
    const out = new Array<LogValue>(n + this.record.fields.length).fill(undefined);
    for (let i = 0; i < extValues.length; i++) out[i] = extValues[i];
    for (let i = 0; i < values.length; i++) out[n + i] = values[i];
    return out;
  }

  private refuse(why: string): TypeError {
    return recordRefused(this.inner.schema.path, why);
  }
}
