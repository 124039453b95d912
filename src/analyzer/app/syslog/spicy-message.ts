/**
 * syslog.spicy's Message unit on input whose end is known (a UDP datagram,
 * an octet-counted frame over TCP): an optional priority, "<" digits ">"
 * (tried only when the first byte is '<'), then every byte left is the
 * message. Without a priority, facility and severity are 999. A '<' that
 * does not start a well-formed priority is a parse error, worded as
 * Spicy's (without the grammar's source location), which Zeek's Spicy
 * driver turns into a violation.
 */
import { SpicyParseError } from "../spicy-stream.js";
import { SYSLOG_UNSPECIFIED } from "./syslog.js";

/** A parse error of syslog.spicy, with the text of Spicy's. */
export class SyslogError extends SpicyParseError {}

const LT = 0x3c;
const GT = 0x3e;

export function isDigit(b: number): boolean {
  return b >= 0x30 && b <= 0x39;
}

/** 2^63: what HILTI's Bytes::toUInt reads into an int64 at most. */
const TO_UINT_LIMIT = 1n << 63n;

/**
 * A priority's facility and severity from its digits, read as Spicy's
 * `to_uint()` reads them (HILTI's Bytes::toUInt parses into an int64 first):
 * past 2^63 the parse fails, and 2^63 itself fails as a negative int64 made unsigned.
 */
export function spicyPriority(digits: Uint8Array): [number, number] {
  if (digits.length <= 15) {
    // Exact as a double: no BigInt for the usual one to three digits.
    let n = 0;
    for (const d of digits) n = n * 10 + (d - 0x30);
    return [(n & 0x3f8) >> 3, n & 0x07];
  }
  let v = 0n;
  for (const d of digits) {
    v = v * 10n + BigInt(d - 0x30);
    if (v > TO_UINT_LIMIT) throw new SyslogError("cannot decode value in chosen base");
  }
  if (v === TO_UINT_LIMIT) throw new SyslogError("integer overflow");
  const low = Number(v & 0x3ffn);
  return [(low & 0x3f8) >> 3, low & 0x07];
}

/** The Message unit on `d` (all of it): [facility, severity, message]; a SyslogError when its priority is malformed. */
export function parseSpicyMessage(d: Uint8Array): [number, number, Uint8Array] {
  if (d.length === 0 || d[0] !== LT) return [SYSLOG_UNSPECIFIED, SYSLOG_UNSPECIFIED, d];
  let i = 1;
  while (i < d.length && isDigit(d[i]!)) i++;
  if (i === 1) throw new SyslogError("failed to match regular expression");
  if (i === d.length) throw new SyslogError("expected 1 bytes (0 available)");
  if (d[i] !== GT) throw new SyslogError('expected bytes literal ">"');
  const [facility, severity] = spicyPriority(d.subarray(1, i));
  return [facility, severity, d.subarray(i + 1)];
}
