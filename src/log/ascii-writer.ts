/**
 * Zeek's ASCII log format, byte for byte (behaviour doc §7.3): a header of
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
    case "addr":
    case "subnet":
      return String(value);
    default:
      return formatString(String(value));
  }
}

export class AsciiWriter implements LogFormatter {
  private headerWritten = false;
  private closed = false;
  private readonly clock: () => Date;

  constructor(
    readonly schema: LogSchema,
    private readonly sink: LogSink,
    options: AsciiWriterOptions = {},
  ) {
    this.clock = options.clock ?? (() => new Date());
  }

  write(record: LogRecord): void {
    if (!this.headerWritten) this.writeHeader();
    const fields = this.schema.fields;
    let line = "";
    for (let i = 0; i < fields.length; i++) {
      if (i > 0) line += SEPARATOR;
      line += formatAsciiValue(fields[i]!, record[i]);
    }
    // A data line must never look like a meta line.
    if (line.charCodeAt(0) === 0x23) line = `\\x23${line.slice(1)}`;
    this.sink.write(`${line}\n`);
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
