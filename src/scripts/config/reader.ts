/**
 * Zeek's config reader (Input::READER_CONFIG), as config files are read:
 * one `name value` per line, blanks between; lines starting with `#` and
 * empty lines are skipped; trailing blanks and set separators after the
 * value are dropped; a set's or vector's elements are separated by commas
 * (InputConfig::set_separator), and the empty text (or
 * InputConfig::empty_field when set) is the empty container. Values are
 * parsed as Zeek's ASCII input formatter parses each type; what it refuses
 * is a warning and the line is ignored.
 *
 * A reader remembers the text each option had in its last read: a line
 * whose value did not change is not applied again (the option is not set,
 * config.log gets no row); options missing from a read are forgotten, so
 * they count as new when they come back.
 */
import { elementType, isEnumName, normalAddr, normalSubnet, type OptionScalar, type OptionShape, type OptionValue, type ScalarType } from "./values.js";

/** A line's option name and value text. */
export interface ConfigLine {
  readonly line: string;
  readonly name: string;
  readonly value: string;
}

/** The separators of InputConfig (set_separator, empty_field). */
export interface ConfigSeparators {
  readonly set: string;
  readonly empty: string;
}

export const DEFAULT_SEPARATORS: ConfigSeparators = { set: ",", empty: "" };

/** A line's name and value: the name, blanks, then a value that neither starts nor ends with a blank (nor ends with the separator). */
function lineRegex(set: string): RegExp {
  const s = set.replace(/[\\\]^-]/g, "\\$&");
  return new RegExp(`^([^ \\t]+)[ \\t]+([^ \\t](?:.*[^ \\t${s}])?)?[ \\t${s}]*$`);
}

/**
 * The lines of a config file, split into name and value, one at a time (so
 * that the warning for a line that does not parse, given to `warn`, comes
 * in its place among what the lines before and after it cause).
 */
export function* configLines(text: string, separators: ConfigSeparators, warn: (message: string) => void): Generator<ConfigLine> {
  const re = lineRegex(separators.set);
  for (let line of text.split("\n")) {
    if (line === "") continue;
    if (line.endsWith("\r")) line = line.slice(0, -1);
    if (line.startsWith("#")) continue;
    const m = re.exec(line);
    if (m === null) {
      warn(`Could not parse '${line}'; line has invalid format. Ignoring line.`);
      continue;
    }
    yield { line, name: m[1]!, value: m[2] ?? "" };
  }
}

/** A value that failed to parse: the reader's warnings, in order. */
export class ConfigValueError extends Error {
  constructor(readonly warnings: readonly string[]) {
    super(warnings.join("; "));
  }
}

/** Zeek's \xNN escapes in input text, decoded. */
function unescapeHex(s: string): string {
  return s.replace(/\\x([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
}

/** The longest number at the start of `s` (after blanks), as C's strtod/strtoll read it. */
function leadingNumber(s: string, integer: boolean): string {
  const m = (integer ? /^\s*[+-]?\d+/ : /^\s*[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|inf(?:inity)?|nan)/i).exec(s);
  return m === null ? "" : m[0];
}

/** A number field as the formatter reads it: its warnings for text that is no number, negative counts and trailing text. */
function parseNumber(s: string, integer: boolean, nonNegative: boolean, warnings: string[]): number | null {
  const lead = leadingNumber(s, integer);
  if (lead === "") {
    warnings.push(s === "" ? "Got empty string for number field" : `String '${s}' contained no parseable number`);
    return null;
  }
  if (lead.length < s.length) warnings.push(`Number '${s}' contained non-numeric trailing characters. Ignored trailing characters '${s.slice(lead.length)}'`);
  if (nonNegative && lead.trimStart().startsWith("-")) {
    warnings.push(`Number '${s}' cannot be negative`);
    return null;
  }
  const n = Number(lead.trim());
  if (integer && !Number.isSafeInteger(n)) {
    warnings.push(`Number '${s}' out of supported range.`);
    return null;
  }
  return n;
}

/** A port: "45" (unknown protocol), "42/tcp". */
function parsePort(s: string, warnings: string[]): string | null {
  const stripped = s.trim();
  const slash = stripped.indexOf("/");
  let proto = "unknown";
  if (slash >= 0 && stripped.length > slash + 1) {
    const p = stripped.slice(slash + 1).toLowerCase();
    if (p === "tcp" || p === "udp" || p === "icmp" || p === "unknown") proto = p;
    else warnings.push(`Port '${s}' contained unknown protocol '${stripped.slice(slash + 1)}'`);
  }
  const n = parseNumber(slash > 0 ? stripped.slice(0, slash) : stripped, true, true, warnings);
  return n === null ? null : `${n & 0xffff}/${proto}`;
}

/** An address; one that does not parse is warned of and read as the zero address of its family, as Zeek's reader does. */
function readAddr(text: string, warnings: string[]): string {
  const a = normalAddr(text);
  if (a !== null) return a;
  warnings.push(`Bad address: ${text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text}`);
  return text.includes(":") ? "::" : "0.0.0.0";
}

/** One scalar field; null (with warnings) when it does not parse. Enums are checked against the option's names later, as Zeek does. */
function parseScalar(type: ScalarType, s: string, name: string, warnings: string[]): OptionScalar | null {
  switch (type) {
    case "string":
    case "enum":
      return unescapeHex(s);
    case "bool": {
      const t = s.trim();
      if (t === "T" || t === "1") return true;
      if (t === "F" || t === "0") return false;
      warnings.push(`Field: ${name} Invalid value for boolean: ${s}`);
      return null;
    }
    case "int":
      return parseNumber(s, true, false, warnings);
    case "count":
      return parseNumber(s, true, true, warnings);
    case "double":
    case "time":
    case "interval":
      return parseNumber(s, false, false, warnings);
    case "port":
      return parsePort(s, warnings);
    case "addr":
      return readAddr(unescapeHex(s).trim(), warnings);
    case "subnet": {
      const text = unescapeHex(s).trim();
      const slash = text.indexOf("/");
      if (slash < 0) {
        warnings.push(`Invalid value for subnet: ${s}`);
        return null;
      }
      const width = parseNumber(text.slice(slash + 1), true, false, warnings);
      if (width === null) return null;
      const addr = readAddr(text.slice(0, slash), warnings);
      // A width past the family's is kept as given (Zeek takes it modulo 256 and masks nothing).
      return normalSubnet(`${addr}/${width}`) ?? `${addr}/${width}`;
    }
  }
}

/** A set's or vector's elements: the separator splits them; the empty text (or the empty field) is no element; a trailing separator adds an empty one. */
function parseContainer(element: ScalarType, s: string, name: string, separators: ConfigSeparators, warnings: string[]): OptionScalar[] | null {
  if ((separators.empty !== "" && s === separators.empty) || (separators.empty === "" && s === "")) return [];
  const out: OptionScalar[] = [];
  for (const part of s.split(separators.set)) {
    const v = parseScalar(element, part, name, warnings);
    if (v === null) {
      warnings.push("Error while reading set or vector");
      return null;
    }
    out.push(v);
  }
  return out;
}

/** The text of a line parsed as an option of `shape`; throws a ConfigValueError with the reader's warnings when it does not parse. */
export function parseOptionText(shape: OptionShape, text: string, name: string, separators: ConfigSeparators = DEFAULT_SEPARATORS): OptionValue {
  const warnings: string[] = [];
  const element = elementType(shape.type);
  const value = element === null ? parseScalar(shape.type as ScalarType, text, name, warnings) : parseContainer(element, text, name, separators, warnings);
  if (value === null) throw new ConfigValueError(warnings);
  if (Array.isArray(value)) return shape.type.startsWith("set[") ? new Set(value) : value;
  return value as OptionScalar;
}

/** The enum names of a parsed value that the option's enum does not have (Zeek's "is not a valid enum"). */
export function invalidEnumNames(shape: OptionShape, value: OptionValue): string[] {
  const element = elementType(shape.type) ?? shape.type;
  if (element !== "enum") return [];
  const items = value instanceof Set ? [...value] : Array.isArray(value) ? value : [value];
  return (items as string[]).filter((n) => !isEnumName(n, shape));
}

/**
 * A reader's memory of the last read (Zeek's reader keeps each option's
 * text): whether a line of a new read changes something. Only lines that
 * parsed are remembered; what a read did not see is forgotten at its end.
 */
export class ConfigReaderState {
  private last = new Map<string, string>();
  private seen = new Map<string, string>();

  startRead(): void {
    this.seen = new Map();
  }

  /** Remembers the option's text; true when it differs from the text it had (in this read, else in the last). */
  changes(name: string, text: string): boolean {
    const before = this.seen.has(name) ? this.seen.get(name) : this.last.get(name);
    this.seen.set(name, text);
    return before !== text;
  }

  endRead(): void {
    this.last = this.seen;
  }
}
