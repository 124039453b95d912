/**
 * The values of Zeek `option`s as the config framework handles them: their
 * types, how a script's value is checked against an option's type (Zeek's
 * "Incompatible type for set of ID …"), and how config.log writes a value
 * (base/frameworks/config's format_value: `cat` of the value, set and
 * vector elements joined by commas, sets in Zeek's iteration order).
 *
 * Values are plain TypeScript data: booleans, numbers (intervals and times
 * in seconds), strings (enums by their full name, "Conn::LOG"; ports as
 * "42/tcp"; addresses and subnets as text), Sets for sets, arrays for
 * vectors, Maps for tables (`table[INDEX] of YIELD`, one index, as Zeek's
 * config framework takes through Config::set_value; config files cannot
 * set them, as Zeek's reader refuses tables that are not sets).
 */
import { formatAddrBytes, formatSubnetBytes } from "../../ip/addr.js";
import { describeInterval, formatDouble } from "../../log/numbers.js";
import type { TableHasher } from "../../zeek-table/hash.js";
import { zeekSetOrder } from "../../zeek-table/table.js";
import { parseAddress, subnetBits } from "../site.js";

export type ScalarType = "bool" | "count" | "int" | "double" | "interval" | "time" | "string" | "enum" | "port" | "addr" | "subnet";
export type OptionType = ScalarType | `set[${ScalarType}]` | `vector[${ScalarType}]` | `table[${ScalarType}] of ${ScalarType}`;
export type OptionScalar = boolean | number | string;
export type OptionValue = OptionScalar | ReadonlySet<OptionScalar> | readonly OptionScalar[] | ReadonlyMap<OptionScalar, OptionScalar>;

/** An option's type with what checking and formatting need: the enum's names (full, in declaration order) for enums. */
export interface OptionShape {
  readonly type: OptionType;
  /** The enum's names in declaration order (their index is Zeek's internal number); absent: any name of the form Module::NAME. */
  readonly enumValues?: readonly string[];
  /** Whether enumValues are in Zeek's declaration order, which numbers them (default: true); else a set of them is listed as added. */
  readonly declarationOrder?: boolean;
}

/** Set element types whose hash bronze knows (Zeek's CompHash of a single index): iteration order depends on it. */
const SET_ELEMENTS: ReadonlySet<ScalarType> = new Set(["string", "enum", "count", "port", "addr", "subnet", "bool"]);

/** A container's element type (a table's index type), or null for a scalar type. */
export function elementType(type: OptionType): ScalarType | null {
  const m = /^(?:set|vector|table)\[(\w+)\]/.exec(type);
  return m === null ? null : (m[1] as ScalarType);
}

/** A table's yield type (what `table[INDEX] of YIELD` maps to), or null for another type. */
export function yieldType(type: OptionType): ScalarType | null {
  const m = /^table\[\w+\] of (\w+)$/.exec(type);
  return m === null ? null : (m[1] as ScalarType);
}

export function isTableType(type: OptionType): boolean {
  return type.startsWith("table[");
}

export function isSetType(type: OptionType): boolean {
  return type.startsWith("set[");
}

export function isVectorType(type: OptionType): boolean {
  return type.startsWith("vector[");
}

/** Throws for a type bronze cannot order as Zeek does (a set of doubles, a table indexed by subnets, …). */
export function checkSupportedType(type: OptionType): void {
  const element = elementType(type);
  if ((isSetType(type) || isTableType(type)) && !SET_ELEMENTS.has(element!))
    throw new Error(`options of type ${type} are not supported (sets of, and tables indexed by, ${[...SET_ELEMENTS].join(", ")} are)`);
}

/** Zeek's name of the type of a script's value, for the type-mismatch error ("count", "set[string]", "vector of count"). */
export function valueTypeName(value: unknown): string {
  if (typeof value === "boolean") return "bool";
  if (typeof value === "number") return Number.isInteger(value) ? (value >= 0 ? "count" : "int") : "double";
  if (typeof value === "string") return "string";
  if (value instanceof Set) {
    const first = value.values().next();
    return first.done === true ? "set[any]" : `set[${valueTypeName(first.value)}]`;
  }
  if (Array.isArray(value)) return value.length === 0 ? "vector of any" : `vector of ${valueTypeName(value[0])}`;
  if (value instanceof Map) {
    const first = value.entries().next();
    return first.done === true ? "table[any] of any" : `table[${valueTypeName(first.value[0])}] of ${valueTypeName(first.value[1])}`;
  }
  return typeof value;
}

/** Zeek's spelling of an option type in messages: "set[string]", "vector of count". */
export function zeekTypeName(type: OptionType): string {
  return isVectorType(type) ? `vector of ${elementType(type)!}` : type;
}

/** A port as text, "42/tcp", or null when `text` is not one. */
function normalPort(text: string): string | null {
  const m = /^(\d{1,5})\/(tcp|udp|icmp|unknown)$/.exec(text);
  return m === null || Number(m[1]) > 65535 ? null : `${Number(m[1])}/${m[2]}`;
}

/** An address in Zeek's text form (IPv6 compressed), or null. Brackets around IPv6 are allowed, as Zeek's reader allows them. */
export function normalAddr(text: string): string | null {
  const bare = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
  const bytes = parseAddress(bare);
  return bytes === null ? null : formatAddrBytes(bytes);
}

/** A subnet in Zeek's text form, its host bits cleared ("2607:f8b0:4001:801::/48" → "2607:f8b0:4001::/48"), or null. */
export function normalSubnet(text: string): string | null {
  const slash = text.lastIndexOf("/");
  if (slash < 0) return null;
  const prefix = text.slice(0, slash);
  const bare = prefix.startsWith("[") && prefix.endsWith("]") ? prefix.slice(1, -1) : prefix;
  const bytes = parseAddress(bare);
  const bits = subnetBits(bare, Number(text.slice(slash + 1)));
  if (bytes === null || bits === null) return null;
  // An IPv4-mapped address's IPv6 width is printed as IPv4 with its IPv4 width (IPPrefix::AsString): "::ffff:1.2.3.4/120" is 1.2.3.0/24.
  return formatSubnetBytes(bytes, bits);
}

/**
 * A script's scalar as the option's element type wants it (addresses and
 * subnets in Zeek's text form), or undefined when it is not of that type.
 */
function checkScalar(type: ScalarType, v: unknown, shape: OptionShape): OptionScalar | undefined {
  switch (type) {
    case "bool":
      return typeof v === "boolean" ? v : undefined;
    case "count":
      return typeof v === "number" && Number.isSafeInteger(v) && v >= 0 ? v : undefined;
    case "int":
      return typeof v === "number" && Number.isSafeInteger(v) ? v : undefined;
    case "double":
    case "interval":
    case "time":
      return typeof v === "number" && !Number.isNaN(v) ? v : undefined;
    case "string":
      return typeof v === "string" ? v : undefined;
    case "enum":
      return typeof v === "string" && isEnumName(v, shape) ? v : undefined;
    case "port":
      return typeof v === "string" ? (normalPort(v) ?? undefined) : undefined;
    case "addr":
      return typeof v === "string" ? (normalAddr(v) ?? undefined) : undefined;
    case "subnet":
      return typeof v === "string" ? (normalSubnet(v) ?? undefined) : undefined;
  }
}

export function isEnumName(name: string, shape: OptionShape): boolean {
  return shape.enumValues === undefined ? /^(?:[A-Za-z_]\w*::)*[A-Za-z_]\w*$/.test(name) : shape.enumValues.includes(name);
}

/**
 * `value` as an option of `shape` holds it (a copy, as Config::set_value
 * copies), or null when its type is not the option's. An empty set, vector
 * or table fits any set, vector or table type, as Zeek's `set()` does.
 */
export function conformValue(shape: OptionShape, value: unknown): OptionValue | null {
  const element = elementType(shape.type);
  if (element === null) return checkScalar(shape.type as ScalarType, value, shape) ?? null;
  const yields = yieldType(shape.type);
  if (yields !== null) return value instanceof Map ? conformTable(shape, element, yields, value) : null;
  const items = isSetType(shape.type) ? (value instanceof Set ? [...value] : null) : Array.isArray(value) ? value : null;
  if (items === null) return null;
  const out: OptionScalar[] = [];
  for (const item of items) {
    const v = checkScalar(element, item, shape);
    if (v === undefined) return null;
    out.push(v);
  }
  return isSetType(shape.type) ? new Set(out) : out;
}

/** A table's entries as the option holds them (a copy), or null when an index or a value is not of the table's types. */
function conformTable(shape: OptionShape, index: ScalarType, yields: ScalarType, value: ReadonlyMap<unknown, unknown>): OptionValue | null {
  const out = new Map<OptionScalar, OptionScalar>();
  for (const [k, v] of value) {
    const key = checkScalar(index, k, shape);
    const to = checkScalar(yields, v, shape);
    if (key === undefined || to === undefined) return null;
    out.set(key, to);
  }
  return out;
}

/** Zeek's `cat` of a scalar: T/F, numbers as Zeek prints them, intervals with their units, text as is. */
export function formatScalar(type: ScalarType, v: OptionScalar): string {
  if (typeof v === "boolean") return v ? "T" : "F";
  if (typeof v === "string") return v;
  if (type === "interval") return describeInterval(v);
  if (type === "double" || type === "time") return formatDouble(v);
  return String(v);
}

/** Zeek's internal number of a port, protocol bits included (its hash as a table index). */
export function portNumber(port: string): number {
  const [n, proto] = port.split("/");
  const mask = proto === "tcp" ? 0x10000 : proto === "udp" ? 0x20000 : proto === "icmp" ? 0x30000 : 0;
  return Number(n) | mask;
}

/** The elements of a set (the indices of a table) in Zeek's iteration order, given the order they were added in. */
export function setOrder(shape: OptionShape, items: readonly OptionScalar[], hash: TableHasher): OptionScalar[] {
  const element = elementType(shape.type)!;
  if (element === "string") return zeekSetOrder(hash.string, items as string[]);
  if (element === "addr") return zeekSetOrder(hash.addr, items as string[]);
  if (element === "subnet") return zeekSetOrder(hash.subnet, items as string[]);
  if (element === "count") return zeekSetOrder(hash.count, items as number[]);
  if (element === "bool") return zeekSetOrder(hash.count, items.map(Number)).map(Boolean);
  if (element === "port") {
    const byNumber = new Map(items.map((p) => [portNumber(p as string), p]));
    return zeekSetOrder(hash.count, [...byNumber.keys()]).map((n) => byNumber.get(n)!);
  }
  // Enums: by their internal number when the names are known; else (bronze's own enum settings) as added.
  const names = shape.enumValues;
  if (names === undefined || shape.declarationOrder === false) return [...items];
  return zeekSetOrder(
    hash.count,
    items.map((n) => names.indexOf(n as string)),
  ).map((i) => names[i]!);
}

/**
 * base/frameworks/config's format_value: a scalar's `cat`, a set's or
 * vector's elements joined by commas, a table's `cat` (Zeek's readable
 * description: "{", each "[INDEX] = VALUE" on a line of its own, "}").
 */
export function formatValue(shape: OptionShape, value: OptionValue, hash: TableHasher): string {
  const element = elementType(shape.type);
  if (element === null) return formatScalar(shape.type as ScalarType, value as OptionScalar);
  const yields = yieldType(shape.type);
  if (yields !== null) {
    const table = value as ReadonlyMap<OptionScalar, OptionScalar>;
    const entries = setOrder(shape, [...table.keys()], hash).map((k) => `[${formatScalar(element, k)}] = ${formatScalar(yields, table.get(k)!)}`);
    return `{\n${entries.join(",\n")}\n}`;
  }
  const items = value instanceof Set ? setOrder(shape, [...value], hash) : [...(value as readonly OptionScalar[])];
  return items.map((v) => formatScalar(element, v)).join(",");
}
