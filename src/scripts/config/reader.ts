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
import { PARSE_FAILED, parseCell } from "../input/values.js";
import { elementType, isEnumName, isTableType, type OptionShape, type OptionType, type OptionValue, zeekTypeName } from "./values.js";

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

/** A line's value, and the errors of making it as read (Zeek's input manager reports them when the value reaches it: a changed line's). */
export interface ParsedOption {
  value: OptionValue;
  /** "Bad IPAddr(v4) IPPrefix length : 33": the value is made anyway (::/0). */
  valueErrors: string[];
}

/** The text of a line parsed as an option of `shape`; throws a ConfigValueError with the reader's warnings when it does not parse. */
export function parseOptionText(shape: OptionShape, text: string, name: string, separators: ConfigSeparators = DEFAULT_SEPARATORS): ParsedOption {
  const warnings: string[] = [];
  const valueErrors: string[] = [];
  // The input framework's ASCII formatter reads the value (the config reader has no unset field).
  const seps = { separator: "\t", setSeparator: separators.set, emptyField: separators.empty, unsetField: "" };
  // Tables are refused before (files.ts), as Zeek's reader refuses them.
  if (isTableType(shape.type)) throw new ConfigValueError([`Option '${name}' has type '${zeekTypeName(shape.type)}', which is not supported for file input.`]);
  const type = shape.type as Exclude<OptionType, `table[${string}`>;
  const value = parseCell(
    text,
    type,
    name,
    seps,
    (m) => warnings.push(m),
    (m) => valueErrors.push(m),
  );
  if (value === PARSE_FAILED || value === undefined) throw new ConfigValueError(warnings);
  const items = value instanceof Set || Array.isArray(value) ? [...(value as Iterable<unknown>)] : [value];
  // An option holds a JavaScript number: a 64-bit one beyond 2^53 is out of the range bronze supports.
  const big = items.find((v) => typeof v === "bigint");
  if (big !== undefined) throw new ConfigValueError([...warnings, `Number '${String(big)}' out of supported range.`]);
  return { value: value as OptionValue, valueErrors };
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
