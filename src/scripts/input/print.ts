/**
 * Values as Zeek's `print` writes them (ODesc of a Val): T/F; numbers as
 * Zeek writes them (doubles and times with up to six decimals and ".0" on
 * whole numbers, intervals with their units, "1.0 min 40.0 secs"); text
 * (bytes that are not printable ASCII as `\xNN`), addresses, subnets, ports and enums as they are; a pattern as
 * `/^?(text)$?/`; a record as `[a=1, b=<uninitialized>]`; a vector as
 * `[1, 2]`; a set as `{\nA,\nB\n}` in Zeek's iteration order (the table's,
 * keyed as an index of the set's element type).
 */
import { describeInterval, formatDouble } from "../../log/numbers.js";
import type { TableHasher } from "../../zeek-table/hash.js";
import { zeekSetOrder } from "../../zeek-table/table.js";
import { indexKey } from "./table.js";
import {
  elementOf,
  type InputFieldType,
  InputPattern,
  type InputRecord,
  type InputScalar,
  type InputScalarType,
  type InputValue,
  isRecordType,
} from "./types.js";

/** Text as Zeek's print writes it: bytes that are not printable ASCII as \xNN. */
function escapeText(s: string): string {
  return /[^\x20-\x7e]/.test(s) ? s.replace(/[^\x20-\x7e]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`) : s;
}

function printScalar(v: InputScalar, type: InputScalarType): string {
  if (typeof v === "boolean") return v ? "T" : "F";
  if (v instanceof InputPattern) return `/^?(${v.text})$?/${v.caseInsensitive ? "i" : ""}${v.singleLine ? "s" : ""}`;
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "string") return escapeText(v);
  if (type === "interval") return describeInterval(v);
  if (type === "double" || type === "time") return formatDouble(v);
  return String(v);
}

/** A value of `type` as Zeek prints it; undefined (an unset field) as `<uninitialized>`. `enumValues` orders a set of enums. */
export function printValue(value: InputValue | undefined, type: InputFieldType, hash: TableHasher, enumValues?: readonly string[]): string {
  if (value === undefined) return "<uninitialized>";
  if (isRecordType(type)) {
    const r = value as InputRecord;
    return `[${type.fields.map((f) => `${f.name}=${printValue(r[f.name], f.type, hash, f.enumValues)}`).join(", ")}]`;
  }
  const element = elementOf(type);
  if (element === null) return printScalar(value as InputScalar, type as InputScalarType);
  if (Array.isArray(value)) return `[${(value as InputScalar[]).map((v) => printScalar(v, element)).join(", ")}]`;
  const field = { name: "", type: element, enumValues };
  const byKey = new Map<string, InputScalar>();
  for (const v of value as ReadonlySet<InputScalar>) byKey.set(indexKey([field], [v]), v);
  const ordered = zeekSetOrder((k: string) => hash.string(k), byKey.keys());
  return `{\n${ordered.map((k) => printScalar(byKey.get(k)!, element)).join(",\n")}\n}`;
}
