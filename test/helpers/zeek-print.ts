/** How Zeek's `print` and its string functions render values, for the twins of btest scripts. */

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

/** Zeek's `print` of a double: up to 6 decimals, trailing zeros dropped, ".0" for a whole number (37.751, -97.822, 1299466805.0). */
export function zeekDouble(d: number): string {
  const text = String(Number(d.toFixed(6)));
  return Number.isInteger(Number(text)) ? `${text}.0` : text;
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

/** Zeek's `print` of a conn_id (ports with their transport, an empty ctx). */
export function zeekConnId(id: { orig_h: string; orig_p: number; resp_h: string; resp_p: number; proto: number; transport: string }): string {
  const { orig_h, orig_p, resp_h, resp_p, proto, transport } = id;
  return `[orig_h=${orig_h}, orig_p=${orig_p}/${transport}, resp_h=${resp_h}, resp_p=${resp_p}/${transport}, proto=${proto}, ctx=[]]`;
}

/** Zeek's `print` of a table[string] of string: `{`, one `[key] = value,` a line (the last without the comma), `}`; empty: a blank line between. */
export function zeekStringTable(table: ReadonlyMap<string, string>): string {
  const rows = [...table].map(([k, v]) => `[${zeekString(k)}] = ${zeekString(v)}`);
  return `{\n${rows.join(",\n")}\n}`;
}
