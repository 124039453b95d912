/** More of Zeek's `print`: doubles outside the range zeek-print's zeekDouble covers, records by field names. */
import type { NoticeFileInfo } from "../../src/scripts/notice-file-info.js";
import { type ZeekPrintable, zeekConnId, zeekDouble, zeekRecord } from "./zeek-print.js";

/** INT_MAX: from here up Zeek prints a double in exponent form. */
const WIDE = 2147483647;

/**
 * Zeek's `print` of any finite double: as zeekDouble, but from INT_MAX up
 * (and below 1e-6, but not 0) C's `%.16e` with the mantissa's trailing
 * zeros dropped (-11644473600 prints as -1.16444736e+10).
 */
export function zeekPrintDouble(d: number): string {
  const size = Math.abs(d);
  if (size < WIDE && (size === 0 || size >= 1e-6)) return zeekDouble(d);
  const [mantissa, exponent] = d.toExponential(16).split("e") as [string, string];
  const digits = exponent.replace(/^[-+]/, "").padStart(2, "0");
  return `${mantissa.replace(/\.?0+$/, "")}e${exponent.startsWith("-") ? "-" : "+"}${digits}`;
}

/** Zeek's `print` of record `r` whose fields, in declaration order, are `names` (a missing one <uninitialized>). */
export function zeekFields<R extends object>(r: R, names: ReadonlyArray<keyof R & string>): string {
  return zeekRecord(names.map((n) => [n, r[n] as ZeekPrintable] as const));
}

/** Zeek's print of a Notice::FileInfo (unset fields as <uninitialized>). */
export function zeekFileInfo(fi: NoticeFileInfo): string {
  const unset = "<uninitialized>";
  return `[fuid=${fi.fuid}, desc=${fi.desc}, mime=${fi.mime ?? unset}, cid=${fi.cid === undefined ? unset : zeekConnId(fi.cid)}, cuid=${fi.cuid ?? unset}]`;
}
