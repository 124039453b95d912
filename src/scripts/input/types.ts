/**
 * The types and descriptions of Zeek's Input framework
 * (base/frameworks/input) as bronze's scripts write them.
 *
 * A Zeek script describes what a file holds with record types (`type Idx:
 * record { ip: addr; }`); a bronze script does it with values of
 * InputRecordType, made with inputRecord("A::Idx", { ip: "addr" }). The
 * values read are plain TypeScript data:
 *
 * - bool: boolean; double, time, interval: number (seconds for the last two);
 * - count and int: number, or bigint when beyond 2^53 (Zeek's are 64 bits);
 * - string and enum: string (an enum by its full name, "SSH::LOG"); addr and
 *   subnet: their text in Zeek's form; port: "80/tcp";
 * - pattern: an InputPattern (its text and flags, and a RegExp);
 * - set: a Set, vector: an array; record: an object by field name, a field
 *   left unset absent (undefined).
 */
import type { InputTable } from "./table.js";

/** Zeek's types of a column. */
export type InputScalarType = "bool" | "int" | "count" | "double" | "time" | "interval" | "string" | "enum" | "addr" | "subnet" | "port" | "pattern";

export type InputContainerType = `set[${InputScalarType}]` | `vector[${InputScalarType}]`;

/** A field's type: a scalar, a set or vector of scalars, or a record (read from columns named `field.sub`). */
export type InputFieldType = InputScalarType | InputContainerType | InputRecordType;

/** A Zeek pattern read from a file (`/text/` with the i and s flags). */
export class InputPattern {
  constructor(
    /** The pattern's text between the slashes. */
    readonly text: string,
    readonly caseInsensitive = false,
    readonly singleLine = false,
  ) {}

  /** The pattern as a JavaScript RegExp (Zeek's syntax is close to it for the common cases), or null when it does not compile. */
  regExp(): RegExp | null {
    return this.compile(this.text);
  }

  /** Zeek's `pattern == text`: the whole text matches. */
  matchesExactly(text: string): boolean {
    return this.compile(`^(?:${this.text})$`)?.test(text) ?? false;
  }

  /** Zeek's `pattern in text`: the pattern matches somewhere in the text. */
  foundIn(text: string): boolean {
    return this.regExp()?.test(text) ?? false;
  }

  private compile(source: string): RegExp | null {
    try {
      return new RegExp(source, `${this.caseInsensitive ? "i" : ""}${this.singleLine ? "s" : ""}`);
    } catch {
      return null;
    }
  }
}

export type InputScalar = boolean | number | bigint | string | InputPattern;

/** A record read from a file: its fields by name (an unset field is absent). Predicates may change it, as Zeek's may. */
export interface InputRecord {
  [field: string]: InputValue | undefined;
}

export type InputValue = InputScalar | ReadonlySet<InputScalar> | readonly InputScalar[] | InputRecord;

/** A field of a record type, as Zeek declares one (`name: type &optional &default=… &type_column="…"`). */
export interface InputFieldSpec {
  readonly name: string;
  readonly type: InputFieldType;
  /** `&optional`: a column the file may lack or leave unset (`-`). */
  readonly optional?: boolean;
  /** `&default`: the value of a field the file does not have. */
  readonly default?: InputValue;
  /** For enum fields (and sets and vectors of them): the enum's names, in declaration order; other names are refused as Zeek refuses them. Absent: any name. */
  readonly enumValues?: readonly string[];
  /** `&type_column`: for a port, the column holding its protocol ("tcp"). */
  readonly typeColumn?: string;
}

export interface InputRecordType {
  /** The type's name as Zeek prints it ("A::Val"). */
  readonly name: string;
  readonly fields: readonly InputFieldSpec[];
}

/** A field given by its type alone, or with its attributes. */
export type InputFieldShorthand = InputFieldType | Omit<InputFieldSpec, "name">;

/** A record type from its fields in order: inputRecord("A::Val", { b: "bool", s: { type: "string", default: "leer" } }). */
export function inputRecord(name: string, fields: Readonly<Record<string, InputFieldShorthand>>): InputRecordType {
  return {
    name,
    fields: Object.entries(fields).map(([field, spec]) =>
      typeof spec === "string" || isRecordType(spec) ? { name: field, type: spec } : { name: field, ...spec },
    ),
  };
}

export function isRecordType(type: InputFieldType | Omit<InputFieldSpec, "name">): type is InputRecordType {
  return typeof type === "object" && "fields" in type;
}

/** A container type's element type, or null. */
export function elementOf(type: InputFieldType): InputScalarType | null {
  if (typeof type !== "string") return null;
  const m = /^(?:set|vector)\[(\w+)\]$/.exec(type);
  return m === null ? null : (m[1] as InputScalarType);
}

export type InputReader =
  | "Input::READER_ASCII"
  | "Input::READER_RAW"
  | "Input::READER_BINARY"
  | "Input::READER_SQLITE"
  | "Input::READER_BENCHMARK"
  | "Input::READER_CONFIG";

/** MANUAL: read once (again on force_update); REREAD: read again when the file changes; STREAM: follow the file as it grows. */
export type InputMode = "Input::MANUAL" | "Input::REREAD" | "Input::STREAM";

/** What happened to an entry (Input::Event). */
export type InputEventType = "Input::EVENT_NEW" | "Input::EVENT_CHANGED" | "Input::EVENT_REMOVED";

/** Reporter::Level of a message given to an error_ev. */
export type InputErrorLevel = "Reporter::INFO" | "Reporter::WARNING" | "Reporter::ERROR";

/** A table stream's event (ev): the description, what happened, the index record and the value (the old one for EVENT_CHANGED; absent for a set). */
export type TableEventHandler = (description: TableDescription, tpe: InputEventType, left: InputRecord, right: InputValue | undefined) => void;

/** A table stream's predicate (pred): false keeps the entry out (or, for EVENT_REMOVED and EVENT_CHANGED, keeps the old one). It may change `left` and `right`. */
export type TablePredicate = (typ: InputEventType, left: InputRecord, right: InputValue | undefined) => boolean;

/** An event stream's event: want_record T gives the line as one record, F its fields as arguments. */
export type EventStreamHandler = (description: EventDescription, tpe: InputEventType, ...values: Array<InputValue | undefined>) => void;

/** A stream's error_ev: the reader's and the framework's messages about it. */
export type InputErrorHandler<D> = (description: D, message: string, level: InputErrorLevel) => void;

/** Input::TableDescription: a file read into a table (or set). */
export interface TableDescription {
  readonly source: string;
  /** Default Input::READER_ASCII. */
  readonly reader?: InputReader;
  /** Default Input::MANUAL. */
  readonly mode?: InputMode;
  readonly name: string;
  /** The table (or set, without `val`) the lines go into: made with `input.table()`. */
  readonly destination: InputTable;
  /** The index columns. */
  readonly idx: InputRecordType;
  /** The value columns; absent: the destination is a set. */
  readonly val?: InputRecordType;
  /** Default true: the value is a record; false (with one value field): that field's value. */
  readonly want_record?: boolean;
  readonly ev?: TableEventHandler;
  readonly pred?: TablePredicate;
  readonly error_ev?: InputErrorHandler<TableDescription>;
  /** The reader's options (fail_on_invalid_lines, separator, …: Zeek's $config). */
  readonly config?: Readonly<Record<string, string>>;
}

/** Input::EventDescription: each line of a file raised as an event. */
export interface EventDescription {
  readonly source: string;
  readonly reader?: InputReader;
  readonly mode?: InputMode;
  readonly name: string;
  readonly fields: InputRecordType;
  /** Default true. */
  readonly want_record?: boolean;
  readonly ev: EventStreamHandler;
  readonly error_ev?: InputErrorHandler<EventDescription>;
  readonly config?: Readonly<Record<string, string>>;
}

/**
 * Input::AnalysisDescription: a file handed to file analysis (Input::add_analysis).
 * Its data is the reader's one string field, chunk after chunk; the file's
 * source (fa_file's and files.log's) is the stream's name, and it has no connection.
 */
export interface AnalysisDescription {
  readonly source: string;
  /** Default Input::READER_BINARY (any reader of one string field will do: READER_RAW gives the lines, without their newlines). */
  readonly reader?: InputReader;
  /** Default Input::MANUAL. */
  readonly mode?: InputMode;
  /** The stream's name: also the file's source, and what its fuid is made from. */
  readonly name: string;
  readonly config?: Readonly<Record<string, string>>;
}
