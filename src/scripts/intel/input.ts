/**
 * Intel files (Zeek's base/frameworks/intel/input.zeek): tab-separated text
 * as Zeek's ASCII input reader reads it into Intel::Item records.
 *
 * - The header is the first `#fields` line (other `#` lines and blank lines
 *   are skipped; a file without one takes its first line as the header, as
 *   Zeek's reader does). Columns are found by name, in any order; columns the
 *   record has no field for are ignored.
 * - `indicator`, `indicator_type` and `meta.source` must be columns:
 *   without one the file cannot be read. `meta.desc` and `meta.url` may be
 *   missing (unset), and so may the fields the policy scripts add (do_notice,
 *   if_in, whitelist, remove), read only when their script is loaded.
 * - A value `-` is unset, `(empty)` the empty string; `\xNN` escapes are
 *   decoded.
 * - A bad line is skipped with Zeek's warning, word for word: too few fields,
 *   a boolean other than T/F/1/0, an enum Zeek does not know, an unset
 *   required field.
 *
 * A file that cannot be read (missing, no header, a required column
 * missing) stops bronze before the run with one line (IntelFileError): Zeek
 * warns and runs on without it, which leaves a sensor blind without notice.
 */
import { readFileSync } from "node:fs";
import { type AsciiSeparators, PARSE_FAILED, parseScalar, unescapeZeek } from "../input/values.js";
import { canonicalAddr, parseIntelSubnet } from "./store.js";
import { type IntelItem, type IntelMetaData, isIntelType } from "./types.js";

/** A file of Intel::read_files that cannot be read; the CLI prints its message as one line and exits 1. */
export class IntelFileError extends Error {
  override name = "IntelFileError";
}

/** A metadata field the policy scripts add, with the script that adds it and its type. */
interface MetaExtension {
  readonly script: string;
  readonly field: keyof IntelMetaData;
  readonly type: "bool" | "where" | "string" | "double";
}

/** The `redef record Intel::MetaData += { … }` fields of the policy scripts, in the order Zeek's @load of `seen`/… adds them. */
export const META_EXTENSIONS: readonly MetaExtension[] = [
  { script: "policy/frameworks/intel/do_notice", field: "do_notice", type: "bool" },
  { script: "policy/frameworks/intel/do_notice", field: "if_in", type: "where" },
  { script: "policy/frameworks/intel/whitelist", field: "whitelist", type: "bool" },
  { script: "policy/frameworks/intel/removal", field: "remove", type: "bool" },
  { script: "policy/integration/collective-intel", field: "cif_tags", type: "string" },
  { script: "policy/integration/collective-intel", field: "cif_confidence", type: "double" },
  { script: "policy/integration/collective-intel", field: "cif_source", type: "string" },
  { script: "policy/integration/collective-intel", field: "cif_description", type: "string" },
  { script: "policy/integration/collective-intel", field: "cif_firstseen", type: "string" },
  { script: "policy/integration/collective-intel", field: "cif_lastseen", type: "string" },
];

/** One column the reader looks for: its name in the header and whether a file may lack it. */
interface Column {
  readonly name: string;
  readonly optional: boolean;
  readonly type: "string" | "enum" | MetaExtension["type"];
}

const BASE_COLUMNS: readonly Column[] = [
  { name: "indicator", optional: false, type: "string" },
  { name: "indicator_type", optional: false, type: "enum" },
  { name: "meta.source", optional: false, type: "string" },
  { name: "meta.desc", optional: true, type: "string" },
  { name: "meta.url", optional: true, type: "string" },
];

/** What reading one file gave: its items in file order, and its warnings as Zeek's reporter words them. */
export interface IntelFileContents {
  readonly items: IntelItem[];
  readonly warnings: string[];
}

/** `path` under directory `prefix` unless it is absolute or there is no prefix (trailing slashes of the prefix dropped). */
function prefixed(path: string, prefix: string): string {
  if (prefix === "" || path.startsWith("/")) return path;
  const dir = prefix.replace(/\/+$/, "");
  return `${dir === "" ? "" : dir}/${path}`;
}

/**
 * The path an entry of Intel::read_files is read from: Intel::path_prefix
 * goes in front of a relative entry (input.zeek), then the ASCII reader's
 * InputAscii::path_prefix in front of a path still relative.
 */
export function intelFilePath(file: string, intelPrefix: string, inputPrefix = ""): string {
  return prefixed(prefixed(file, intelPrefix), inputPrefix);
}

/**
 * Reads and parses one entry of Intel::read_files: `source` is the path read
 * (after Intel::path_prefix), `file` the entry (naming the input stream,
 * "intel-FILE"); `loadedScripts` says which MetaData extensions are read.
 */
export function readIntelFile(file: string, source: string, loadedScripts: ReadonlySet<string>): IntelFileContents {
  let text: string;
  try {
    text = readFileSync(source, "latin1");
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new IntelFileError(`Intel::read_files: cannot open ${source} (${why})`);
  }
  const extensions = META_EXTENSIONS.filter((e) => loadedScripts.has(e.script));
  return parseIntelFile(source, text, extensions, `intel-${file}`);
}

/** The columns of Intel::Item with the loaded extensions, as the reader unrolls the record. */
function columnsWith(extensions: readonly MetaExtension[]): Column[] {
  // A redef'd field has a &default: a file may leave it out (whitelisting.zeek's intel.dat has no meta.whitelist).
  return [...BASE_COLUMNS, ...extensions.map((e) => ({ name: `meta.${e.field}`, optional: true, type: e.type }))];
}

/** Zeek's ASCII reader's lines: `#fields` lines without their tag, other comments and blank lines skipped, with 1-based line numbers. */
function* readerLines(text: string): Generator<{ line: string; n: number }> {
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    if (line === "") continue;
    if (line.endsWith("\r")) line = line.slice(0, -1);
    if (!line.startsWith("#")) yield { line, n: i + 1 };
    else if (line.length > 8 && line.startsWith("#fields") && line[7] === "\t") yield { line: line.slice(8), n: i + 1 };
  }
}

/** Parses an intel file's text. Throws IntelFileError when its header lacks a required column. */
export function parseIntelFile(source: string, text: string, extensions: readonly MetaExtension[] = [], stream = `intel-${source}`): IntelFileContents {
  const lines = readerLines(text);
  const header = lines.next();
  const reader = `${source}/Input::READER_ASCII`;
  if (header.done === true) throw new IntelFileError(`Intel::read_files: ${reader}: Could not read input data file ${source}; first line could not be read`);
  const names = header.value.line.split("\t");
  const columns = columnsWith(extensions);
  const positions = columns.map((c) => names.indexOf(c.name));
  const missing = columns.find((c, i) => !c.optional && positions[i]! < 0);
  if (missing !== undefined)
    throw new IntelFileError(`Intel::read_files: ${reader}: Did not find requested field ${missing.name} in input data file ${source}.`);
  const items: IntelItem[] = [];
  const warnings: string[] = [];
  for (const { line, n } of lines) {
    const item = parseLine(line, { source, stream, n, columns, positions, warnings });
    if (item !== null) items.push(item);
  }
  return { items, warnings };
}

interface LineContext {
  readonly source: string;
  readonly stream: string;
  readonly n: number;
  readonly columns: readonly Column[];
  readonly positions: readonly number[];
  readonly warnings: string[];
}

/** One data line as an item, or null (with its warnings) when Zeek's reader or input manager would skip it. */
function parseLine(line: string, ctx: LineContext): IntelItem | null {
  const { source, n, columns, positions, warnings } = ctx;
  const reader = `${source}/Input::READER_ASCII: ${source}, line ${n}`;
  const cells = line.split("\t");
  const values: CellValue[] = [];
  for (let i = 0; i < columns.length; i++) {
    const at = positions[i]!;
    if (at < 0) {
      values.push(undefined);
      continue;
    }
    if (at > cells.length - 1) {
      warnings.push(`${reader}: Not enough fields in line '${line}' of ${source}. Found ${cells.length - 1} fields, want positions ${at} and -1`);
      return null;
    }
    const v = parseValue(cells[at]!, columns[i]!.type);
    if (v instanceof CellWarning) {
      if (v.skips) warnings.push(`${reader}: Could not convert line '${line}' of ${source} to Val. Ignoring line.`);
      warnings.push(`${reader}: ${v.message}`);
      if (v.skips) return null;
      values.push(v.value);
      continue;
    }
    values.push(v);
  }
  return toItem(values, ctx);
}

/** A cell's value as the record field takes it (undefined: unset). */
type CellValue = string | boolean | number | undefined;

/** What Zeek's ASCII formatter warns of in a cell: the line is skipped, or the value read is kept. */
class CellWarning {
  constructor(
    readonly message: string,
    readonly skips: boolean,
    readonly value: CellValue = undefined,
  ) {}
}

/** A cell's value: undefined when unset ("-"), a CellWarning when it does not parse as its type. */
function parseValue(cell: string, type: Column["type"]): CellValue | CellWarning {
  if (cell === "-") return undefined;
  if (type === "bool") {
    if (cell === "T" || cell === "1") return true;
    if (cell === "F" || cell === "0") return false;
    return new CellWarning(`Invalid value for boolean: ${cell}`, true);
  }
  if (type === "double") return parseDouble(cell);
  if (cell === "(empty)") return "";
  return unescapeZeek(cell);
}

/** The ASCII reader's separators, as intel files are read. */
const INTEL_SEPARATORS: AsciiSeparators = { separator: "\t", setSeparator: ",", emptyField: "(empty)", unsetField: "-" };

/** A double cell as the input framework's ASCII formatter reads it (strtod), with its warning. */
function parseDouble(cell: string): number | CellWarning {
  const warnings: string[] = [];
  // A double has no value error (only subnets do).
  const v = parseScalar(
    cell,
    "double",
    "",
    INTEL_SEPARATORS,
    (m) => warnings.push(m),
    (m) => warnings.push(m),
  );
  if (v === PARSE_FAILED) return new CellWarning(warnings[0]!, true);
  return warnings.length > 0 ? new CellWarning(warnings[0]!, false, v as number) : (v as number);
}

/** The values as an Intel::Item, checked as Zeek's input manager checks them (required fields set, enums known). */
function toItem(values: readonly CellValue[], ctx: LineContext): IntelItem | null {
  const { source, stream, n, columns, warnings } = ctx;
  for (let i = 0; i < 3; i++) {
    if (values[i] === undefined) {
      const field = columns[i]!.name.replace(/^meta\./, "");
      warnings.push(`${source}:${n}: Skipping input with missing non-optional value (record field ${field})`);
      return null;
    }
  }
  const type = values[1] as string;
  if (!isIntelType(type)) {
    warnings.push(`${source}, line ${n}: Value '${type}' for stream '${stream}' is not a valid enum.`);
    return null;
  }
  const indicator = values[0] as string;
  // bronze's own check: Zeek's `indicator as addr` (to_subnet) fails later, at insertion, as a script error.
  const invalid = (type === "Intel::ADDR" && canonicalAddr(indicator) === null) || (type === "Intel::SUBNET" && parseIntelSubnet(indicator) === null);
  if (invalid) {
    warnings.push(`${source}, line ${n}: '${indicator}' is not a valid ${type} indicator; line skipped.`);
    return null;
  }
  const meta: IntelMetaData = { source: values[2] as string };
  for (let i = 3; i < columns.length; i++) {
    const v = values[i];
    if (v !== undefined) (meta as unknown as Record<string, CellValue>)[columns[i]!.name.slice("meta.".length)] = v;
  }
  return { indicator, indicator_type: type, meta };
}
