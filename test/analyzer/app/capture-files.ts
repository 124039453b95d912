/**
 * The files the captures' make-*-loopback.sh scripts serve and upload, made
 * again here the same way, so that their tests check sizes and hashes
 * without the files being shipped.
 */
import { createHash } from "node:crypto";

/** `n` lines, "line(1)\n" to "line(n)\n". */
export function numberedLines(n: number, line: (i: number) => string): Buffer {
  let s = "";
  for (let i = 1; i <= n; i++) s += `${line(i)}\n`;
  return Buffer.from(s);
}

/** hello.txt: "line 1" .. "line 300". */
export const HELLO = numberedLines(300, (i) => `line ${i}`);
/** upload.txt: "upload 1" .. "upload 100". */
export const UPLOAD = numberedLines(100, (i) => `upload ${i}`);
/** image.png: a PNG signature and IHDR, then the bytes 0..255 four times. */
export const IMAGE = Buffer.concat([
  Buffer.from("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "latin1"),
  ...Array.from({ length: 4 }, () => Buffer.from(Array.from({ length: 256 }, (_, i) => i))),
]);

export const md5 = (b: Buffer): string => createHash("md5").update(b).digest("hex");
export const sha1 = (b: Buffer): string => createHash("sha1").update(b).digest("hex");
