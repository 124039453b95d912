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
