/**
 * A column's text as Zeek's ASCII input formatter reads it (written from
 * the behaviour of threading/formatters/Ascii.cc's ParseValue), with its
 * warnings in Zeek's words:
 *
 * - the unset field (`-`) is unset, whatever the type; the empty field
 *   (`(empty)`) is the empty set or vector (a string column keeps the text);
 * - string and enum: `\xNN` escapes decoded; bool: T/1, F/0 (blanks around
 *   allowed);
 * - int, count, double, time, interval: the number at the start of the
 *   text, as C's strtoll/strtoull/strtod read it; trailing text is warned
 *   of and ignored, no number, a negative count or a number out of 64 bits
 *   refuse the value;
 * - port: "80", "80/tcp"; addr (a bad one is warned of and read as 0.0.0.0,
 *   or :: when it has a colon, as Zeek's reader does); subnet "10.0.0.0/8",
 *   made as Zeek's input manager makes it (below);
 * - pattern: `/text/` with optional i and s flags;
 * - set and vector: elements split at the set separator, each read as its
 *   type; a trailing separator adds an empty element.
 */
import { formatAddrBytes, formatSubnetBytes, isV4Mapped } from "../../ip/addr.js";
import { IPV4_MAPPED_PREFIX_BITS, parseAddress } from "../site.js";
import { elementOf, type InputContainerType, InputPattern, type InputScalar, type InputScalarType, type InputValue } from "./types.js";

/** The separators and special fields of the ASCII reader (InputAscii::*, or the stream's config). */
export interface AsciiSeparators {
  readonly separator: string;
  readonly setSeparator: string;
  readonly emptyField: string;
  readonly unsetField: string;
}

/** A value that does not parse: the line is skipped. */
export const PARSE_FAILED: unique symbol = Symbol("parse failed");

export type CellValue = InputValue | undefined | typeof PARSE_FAILED;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** Zeek's `\xNN` escapes decoded (get_unescaped_string). */
export function unescapeZeek(s: string): string {
  return s.includes("\\x") ? s.replace(/\\x([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16))) : s;
}

/** A 64-bit integer as a number when it is one exactly, else a bigint. */
function integer(n: bigint): number | bigint {
  return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
}

const LEADING_INTEGER = /^[ \t\n\v\f\r]*[+-]?\d+/;
const LEADING_DOUBLE = /^[ \t\n\v\f\r]*[+-]?(?:inf(?:inity)?|nan|0x[0-9a-f]*\.?[0-9a-f]*(?:p[+-]?\d+)?|(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)/i;

/**
 * The number at the start of `s` with Zeek's checks (CheckNumberError): no
 * number, trailing text (a warning only), a negative count, out of range.
 */
function parseNumber(s: string, kind: "int" | "count" | "double", warn: (m: string) => void): number | bigint | typeof PARSE_FAILED {
  const m = (kind === "double" ? LEADING_DOUBLE : LEADING_INTEGER).exec(s);
  if (m === null) {
    warn(s === "" ? "Got empty string for number field" : `String '${s}' contained no parseable number`);
    return PARSE_FAILED;
  }
  if (m[0].length < s.length) warn(`Number '${s}' contained non-numeric trailing characters. Ignored trailing characters '${s.slice(m[0].length)}'`);
  const text = m[0].trim();
  if (kind === "count" && text.startsWith("-")) {
    warn(`Number '${s}' cannot be negative`);
    return PARSE_FAILED;
  }
  if (kind === "double") {
    const lower = text.toLowerCase();
    const value = lower.includes("nan") ? Number.NaN : lower.includes("inf") ? (lower.startsWith("-") ? -Infinity : Infinity) : parseDoubleText(lower);
    if (!Number.isFinite(value) && !Number.isNaN(value) && !lower.includes("inf")) {
      warn(`Number '${s}' out of supported range.`);
      return PARSE_FAILED;
    }
    return value;
  }
  const n = BigInt(text);
  if (kind === "int" ? n < INT64_MIN || n > INT64_MAX : n > UINT64_MAX) {
    warn(`Number '${s}' out of supported range.`);
    return PARSE_FAILED;
  }
  return integer(n);
}

/** A decimal or hexadecimal floating-point literal (strtod's forms). */
function parseDoubleText(text: string): number {
  const hex = /^([+-]?)0x([0-9a-f]*)\.?([0-9a-f]*)(?:p([+-]?\d+))?$/.exec(text);
  if (hex === null) return Number(text);
  const digits = `${hex[2]}${hex[3]}`;
  const mantissa = digits === "" ? 0 : Number.parseInt(digits, 16);
  const value = mantissa * 2 ** (Number(hex[4] ?? 0) - 4 * hex[3]!.length);
  return hex[1] === "-" ? -value : value;
}

/** A transport protocol's name as Zeek's formatter reads it (ParseProto): anything else is warned of and read as unknown. */
export function parseProto(text: string, warn: (m: string) => void): string {
  const p = text.toLowerCase();
  if (p === "tcp" || p === "udp" || p === "icmp" || p === "unknown") return p;
  warn(`Tried to parse invalid/unknown protocol: ${text}`);
  return "unknown";
}

function parsePort(s: string, warn: (m: string) => void): string | typeof PARSE_FAILED {
  const stripped = s.trim();
  const slash = stripped.indexOf("/");
  let proto = "unknown";
  if (slash >= 0 && stripped.length > slash + 1) {
    const p = stripped.slice(slash + 1).toLowerCase();
    if (p === "tcp" || p === "udp" || p === "icmp" || p === "unknown") proto = p;
    else warn(`Port '${s}' contained unknown protocol '${stripped.slice(slash + 1)}'`);
  }
  const n = parseNumber(slash > 0 ? stripped.slice(0, slash) : s, "count", warn);
  if (n === PARSE_FAILED) return n;
  return `${Number(BigInt(n) & 0xffffn)}/${proto}`;
}

/** An address's 16 bytes (IPv4 as IPv4-mapped), brackets allowed; a bad one is warned of and read as the zero address of its family. */
function parseAddrBytes(text: string, warn: (m: string) => void): Uint8Array {
  const bare = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
  const bytes = parseAddress(bare);
  if (bytes !== null) return bytes;
  warn(`Bad address: ${bare}`);
  return parseAddress(text.includes(":") ? "::" : "0.0.0.0")!;
}

/** An address in Zeek's text form; a bad one is warned of and read as the zero address of its family. */
function parseAddr(text: string, warn: (m: string) => void): string {
  return formatAddrBytes(parseAddrBytes(text, warn));
}

/**
 * A subnet as Zeek's input manager makes it from the formatter's address and
 * width (SubNetVal(addr, width): IPPrefix with the width relative to the
 * address's family): an IPv4 address's width counts IPv4 bits, an
 * IPv4-mapped IPv6 text's too ("::ffff:1.2.3.4/24" is 1.2.3.0/24, unlike a
 * script's subnet literal). A width beyond the family's is the reporter
 * error "Bad IPAddr(v4) IPPrefix length : 33" (`valueError`, not the
 * reader's warning) and the subnet ::/0.
 */
function parseSubnet(s: string, warn: (m: string) => void, valueError: (m: string) => void): string | typeof PARSE_FAILED {
  const text = unescapeZeek(s).trim();
  const slash = text.indexOf("/");
  if (slash < 0) {
    warn(`Invalid value for subnet: ${s}`);
    return PARSE_FAILED;
  }
  const width = /^\s*[+-]?\d+/.exec(text.slice(slash + 1));
  if (width === null) {
    warn(`String '${s}' contained no parseable number`);
    return PARSE_FAILED;
  }
  // Zeek keeps the width in 8 bits.
  const bits = Number(BigInt(width[0].trim()) & 0xffn);
  const bytes = parseAddrBytes(text.slice(0, slash), warn);
  const view = new DataView(bytes.buffer);
  const v4 = isV4Mapped(view.getUint32(0), view.getUint32(4), view.getUint32(8));
  if (bits > (v4 ? 32 : 128)) {
    valueError(`Bad IPAddr(${v4 ? "v4" : "v6"}) IPPrefix length : ${bits}`);
    return "::/0";
  }
  return formatSubnetBytes(bytes, v4 ? IPV4_MAPPED_PREFIX_BITS + bits : bits);
}

function parsePattern(s: string, warn: (m: string) => void): InputPattern | typeof PARSE_FAILED {
  const candidate = unescapeZeek(s);
  if (candidate.length >= 2 && candidate.startsWith("/")) {
    const closing = candidate.lastIndexOf("/");
    const flags = candidate.slice(closing + 1);
    if (closing > 0 && flags.length <= 2 && /^(?:i?s?|si)$/.test(flags))
      return new InputPattern(candidate.slice(1, closing), flags.includes("i"), flags.includes("s"));
  }
  warn(`String '${candidate}' contained no parseable pattern.`);
  return PARSE_FAILED;
}

/** One scalar column's value (unset for the unset field). */
export function parseScalar(
  s: string,
  type: InputScalarType,
  name: string,
  seps: AsciiSeparators,
  warn: (m: string) => void,
  valueError: (m: string) => void,
): InputScalar | undefined | typeof PARSE_FAILED {
  if (seps.unsetField !== "" && s === seps.unsetField) return undefined;
  switch (type) {
    case "string":
    case "enum":
      return unescapeZeek(s);
    case "bool": {
      const t = s.trim();
      if (t === "T" || t === "1") return true;
      if (t === "F" || t === "0") return false;
      warn(`Field: ${name} Invalid value for boolean: ${s}`);
      return PARSE_FAILED;
    }
    case "int":
      return parseNumber(s, "int", warn);
    case "count":
      return parseNumber(s, "count", warn);
    case "double":
    case "time":
    case "interval": {
      const v = parseNumber(s, "double", warn);
      return typeof v === "bigint" ? Number(v) : v;
    }
    case "port":
      return parsePort(s, warn);
    case "addr":
      return parseAddr(unescapeZeek(s).trim(), warn);
    case "subnet":
      return parseSubnet(s, warn, valueError);
    case "pattern":
      return parsePattern(s, warn);
  }
}

/** A set's or vector's column: the empty field is no element; elements split at the set separator. */
function parseContainer(
  s: string,
  type: InputContainerType,
  name: string,
  seps: AsciiSeparators,
  warn: (m: string) => void,
  valueError: (m: string) => void,
): CellValue {
  if (seps.unsetField !== "" && s === seps.unsetField) return undefined;
  const element = elementOf(type)!;
  const items: InputScalar[] = [];
  const empty = seps.emptyField !== "" ? s === seps.emptyField : s === "";
  if (!empty) {
    const sep = seps.setSeparator.slice(0, 1);
    for (const part of sep === "" ? [s] : s.split(sep)) {
      const v = parseScalar(part, element, name, seps, warn, valueError);
      if (v === PARSE_FAILED) {
        warn("Error while reading set or vector");
        return PARSE_FAILED;
      }
      // An unset element is left out.
      if (v !== undefined) items.push(v);
    }
  }
  return type.startsWith("set[") ? new Set(items) : items;
}

/**
 * A column's value as its field's type reads it; PARSE_FAILED (after the
 * warnings) when it does not parse. `warn` gets the reader's warnings,
 * `valueError` the errors of making the value (Zeek's input manager reports
 * them as plain reporter errors, without the reader's name).
 */
export function parseCell(
  s: string,
  type: InputScalarType | InputContainerType,
  name: string,
  seps: AsciiSeparators,
  warn: (m: string) => void,
  valueError: (m: string) => void,
): CellValue {
  return elementOf(type) === null
    ? parseScalar(s, type as InputScalarType, name, seps, warn, valueError)
    : parseContainer(s, type as InputContainerType, name, seps, warn, valueError);
}
