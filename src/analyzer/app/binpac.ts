/**
 * Reading fields as Zeek's BinPAC-generated parsers do, for the analyzers
 * that follow a .pac grammar (DHCP, NTP, RADIUS, SIP): a field that runs past
 * the data, a failed &enforce or a negative string length is an error worded
 * as BinPAC's exception, which the analyzer reports as its violation
 * (`BINPAC_EXCEPTION` + message, as Zeek's analyzers catch it). The error is
 * thrown inside one parse and caught by the analyzer that started it: it
 * never leaves the analyzer.
 */

import { latin1 } from "../../packet/bytes.js";

/** The prefix Zeek's analyzers put before a BinPAC exception's text in a violation. */
export const BINPAC_EXCEPTION = "Binpac exception: binpac exception: ";

/** A BinPAC parse error (out of bound, enforce, string length, case index, string mismatch). */
export class BinpacError extends Error {}

/** BinPAC's out_of_bound error: "TYPE:FIELD: need > have". */
export function outOfBound(where: string, need: number, have: number): BinpacError {
  return new BinpacError(`out_of_bound: ${where}: ${need} > ${Math.max(0, have)}`);
}

/** `n` bytes at `at` must lie before `end` (BinPAC's out_of_bound: "TYPE:FIELD: need > have"). */
export function needBytes(end: number, at: number, n: number, where: string): void {
  if (at + n > end) throw outOfBound(where, n, end - at);
}

/** An &enforce condition. */
export function enforce(ok: boolean, where: string): void {
  if (!ok) throw new BinpacError(`&enforce violation : ${where}`);
}

/** A case index no case of `type` takes. */
export function badCase(type: string, index: number): BinpacError {
  return new BinpacError(`invalid index for case: ${type}: ${index}`);
}

/** A bytestring's computed length must not be negative. */
export function stringLength(n: number, where: string): void {
  if (n < 0) throw new BinpacError(`invalid length for string ${where}: ${n}`);
}

/** A network-order uint32 at `at` as the IPv4 address Zeek makes of it. */
export function ipv4At(d: Uint8Array, at: number): string {
  return `${d[at]}.${d[at + 1]}.${d[at + 2]}.${d[at + 3]}`;
}

/**
 * Zeek's utf16_to_utf8_val as the SMB and RDP grammars use it: UTF-16LE (an
 * odd last byte dropped) to text, cut at the first NUL; event strings hold one
 * byte per character, so the UTF-8 bytes as latin1. (NTLM keeps its own
 * stricter copy: ntlm.ts's utf16ToUtf8 reports the conversion's failure.)
 */
export function utf16ToUtf8Val(b: Uint8Array): string {
  if (b.length < 2) return "";
  const s = Buffer.from(b.buffer, b.byteOffset, b.length - (b.length & 1)).toString("utf16le");
  const nul = s.indexOf("\0");
  return latin1(Buffer.from(nul < 0 ? s : s.slice(0, nul), "utf8"));
}
