/** How Zeek's `print` and its string functions render values, for the twins of btest scripts. */

import type { Engine } from "../../src/engine.js";
import type { Connection } from "../../src/event/records.js";
import { zeekSetOrder } from "../../src/zeek-table/table.js";

/** Zeek's `print` of a string: bytes outside printable ASCII as \xNN. */
export function zeekString(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

/**
 * Zeek's hexdump(): 16 bytes a line (offset, hex in two groups of 8,
 * printable ASCII), each line ending in a newline; of no bytes, the blank
 * 50 columns before where the ASCII would start, and the newline.
 */
export function hexdump(s: string): string {
  if (s === "") return `${" ".repeat(50)}\n`;
  let out = "";
  for (let at = 0; at < s.length; at += 16) {
    const chunk = [...s.slice(at, at + 16)].map((ch) => ch.charCodeAt(0));
    const hex = chunk.map((b, i) => `${b.toString(16).padStart(2, "0")} ${i === 7 ? " " : ""}`).join("");
    const ascii = chunk.map((b, i) => `${b < 0x20 || b >= 0x7f ? "." : String.fromCharCode(b)}${i === 7 ? " " : ""}`).join("");
    out += `${at.toString(16).padStart(4, "0")}  ${hex.padEnd(50)}${ascii}\n`;
  }
  return out;
}

/**
 * Zeek's `print` of a double: up to 6 decimals, trailing zeros dropped, ".0"
 * for a whole number (37.751, -97.822, 1299466805.0). The sixth decimal is
 * rounded as Zeek's printer does it: the fraction scaled by 10^6 in double
 * arithmetic, cut, then raised by one when what was cut is over a half, or
 * exactly a half and the cut number odd or 0 (122.0703125 prints as
 * 122.070312, where toFixed says 122.070313).
 */
export function zeekDouble(d: number): string {
  const size = Math.abs(d);
  let whole = Math.trunc(size);
  const scaled = (size - whole) * 1e6;
  let frac = Math.trunc(scaled);
  const cut = scaled - frac;
  if (cut > 0.5 || (cut === 0.5 && (frac === 0 || frac % 2 === 1))) frac++;
  if (frac >= 1e6) [whole, frac] = [whole + 1, 0];
  const decimals = frac === 0 ? "0" : String(frac).padStart(6, "0").replace(/0+$/, "");
  return `${d < 0 && (whole !== 0 || frac !== 0) ? "-" : ""}${whole}.${decimals}`;
}

/** A field's value as `print` shows it inside a record: strings bare, doubles as zeekDouble. */
export type ZeekPrintable = string | number | boolean | undefined;

/** Zeek's `print` of a record: [name=value, …], an unset optional field as <uninitialized>. */
export function zeekRecord(fields: ReadonlyArray<readonly [name: string, value: ZeekPrintable, type?: "double" | "count"]>): string {
  const show = ([, v, type]: readonly [string, ZeekPrintable, ("double" | "count")?]): string => {
    if (v === undefined) return "<uninitialized>";
    if (typeof v === "boolean") return v ? "T" : "F";
    if (typeof v === "number") return type === "double" ? zeekDouble(v) : String(v);
    return zeekString(v);
  };
  return `[${fields.map((f) => `${f[0]}=${show(f)}`).join(", ")}]`;
}

/** C's (and so Zeek's fmt) `%.Ne` of a finite double: N decimals, an exponent of at least two digits with its sign (5.8481e+03). */
export function cExponent(d: number, decimals: number): string {
  const [mantissa, exponent] = d.toExponential(decimals).split("e") as [string, string];
  const sign = exponent.startsWith("-") ? "-" : "+";
  return `${mantissa}e${sign}${exponent.replace(/^[-+]/, "").padStart(2, "0")}`;
}

/** btest's default canonifier (diff-remove-first-timestamp): the first time of a line masked. */
export function maskFirstTime(line: string): string {
  return line.replace(/(^|[^0-9])[0-9]{9,10}\.[0-9]{1,8}/, "$1XXXXXXXXXX.XXXXXX");
}

/** Zeek's `print` of a set of strings: "{\n" then each element and "\n", "}" (an empty one "{\n\n}"). */
export function zeekStringSet(s: ReadonlySet<string> | undefined): string {
  const items = [...(s ?? [])];
  return items.length === 0 ? "{\n\n}" : `{\n${items.join(",\n")}\n}`;
}

/** Zeek's `print` of an endpoint record (endpoint in init-bare.zeek). */
function zeekEndpoint(e: Connection["orig"]): string {
  const opt = (v: string | number | undefined) => (v === undefined ? "<uninitialized>" : v);
  return `[size=${e.size}, state=${e.state}, num_pkts=${opt(e.num_pkts)}, num_bytes_ip=${opt(e.num_bytes_ip)}, flow_label=${e.flow_label}, l2_addr=${opt(e.l2_addr)}]`;
}

/**
 * Zeek's `print` (or fmt "%s") of a connection under `zeek -b` with no
 * script loaded: init-bare's fields only (no conn, dpd or protocol
 * fields), unset optional ones as <uninitialized>. Strings are not yet
 * escaped: the caller's zeekString does it for the whole line, as `print`
 * does.
 */
export function zeekBareConnection(c: Connection): string {
  return [
    `[id=${zeekConnId(c.id)}`,
    `orig=${zeekEndpoint(c.orig)}`,
    `resp=${zeekEndpoint(c.resp)}`,
    `start_time=${zeekDouble(c.start_time)}`,
    `duration=${zeekInterval(c.duration)}`,
    `service=${zeekStringSet(c.service)}`,
    `history=${c.history}`,
    `uid=${c.uid}`,
    "tunnel=<uninitialized>",
    "vlan=<uninitialized>",
    "inner_vlan=<uninitialized>",
    "removal_hooks=<uninitialized>",
    `failed_analyzers=${zeekStringSet(c.failed_analyzers)}]`,
  ].join(", ");
}

const INTERVAL_UNITS: ReadonlyArray<readonly [number, string]> = [
  [86400, "day"],
  [3600, "hr"],
  [60, "min"],
  [1, "sec"],
  [1e-3, "msec"],
];

/** Zeek's `print` of an interval (IntervalVal::ValDescribe, readable): whole units down to msecs, then usecs with up to 6 decimals. */
export function zeekInterval(v: number): string {
  if (v === 0) return "0 secs";
  const parts: string[] = [];
  const word = (n: number, unit: string): string => `${zeekDouble(n)} ${unit}${Math.abs(Math.abs(n) - 1) <= 1e-6 ? "" : "s"}`;
  for (const [size, unit] of INTERVAL_UNITS) {
    if (!(v >= size || v <= -size)) continue;
    const n = v < 0 ? Math.ceil(v / size) : Math.floor(v / size);
    v -= n * size;
    parts.push(word(n, unit));
  }
  const usecs = v / 1e-6;
  if (Math.abs(usecs) > 1e-6) parts.push(word(usecs, "usec"));
  return parts.length === 0 ? "0 secs" : parts.join(" ");
}

/** Zeek's `print` of a conn_id (ports with their transport, "unknown" for another protocol's; an empty ctx). */
export function zeekConnId(id: { orig_h: string; orig_p: number; resp_h: string; resp_p: number; proto: number; transport: string }): string {
  const { orig_h, orig_p, resp_h, resp_p, proto } = id;
  const t = id.transport === "unknown_transport" ? "unknown" : id.transport;
  return `[orig_h=${orig_h}, orig_p=${orig_p}/${t}, resp_h=${resp_h}, resp_p=${resp_p}/${t}, proto=${proto}, ctx=[]]`;
}

/** Zeek's `print` of a table[string] of string: `{`, one `[key] = value,` a line (the last without the comma), `}`; empty: a blank line between. */
export function zeekStringTable(table: ReadonlyMap<string, string>): string {
  const rows = [...table].map(([k, v]) => `[${zeekString(k)}] = ${zeekString(v)}`);
  return `{\n${rows.join(",\n")}\n}`;
}

/** `print hlist;` of a mime_header_list: a table[count] of records, in Zeek's iteration order of its indexes 1…n. */
export function zeekHeaderList(engine: Engine, list: ReadonlyArray<{ original_name: string; name: string; value: string }>): string {
  const order = zeekSetOrder(
    engine.tableHash.count,
    list.map((_, i) => i + 1),
  );
  const row = (i: number): string => {
    const h = list[i - 1]!;
    return `[${i}] = ${zeekRecord([
      ["original_name", h.original_name],
      ["name", h.name],
      ["value", h.value],
    ])}`;
  };
  return list.length === 0 ? "{\n\n}" : `{\n${order.map(row).join(",\n")}\n}`;
}
