/**
 * The Syslog analyzer (Zeek's "SYSLOG", the BinPAC one Zeek uses when built
 * without Spicy): each UDP datagram is one message (RFC 3164). A message that
 * starts with '<' must carry a priority, "<digits>", whose low three bits are
 * the severity and the next seven the facility; the rest is the message. A
 * message without one gets facility and severity 999 ("UNSPECIFIED").
 *
 * As in Zeek, the analyzer never confirms (syslog never appears in conn.log's
 * service) and a malformed priority (no digits, no '>') drops the message
 * without a violation. udp_session_done comes from the UDP connection. Port:
 * 514/udp; Zeek has no syslog over TCP without Spicy. A Zeek built with
 * Spicy runs its Spicy analyzer instead (syslog-spicy.ts, `--spicy`).
 */

import { registerEvents } from "../../../event/events.js";
import type { Connection } from "../../../event/records.js";
import { latin1 } from "../../../packet/bytes.js";
import type { AnalyzerComponent, AnalyzerHost, DatagramAnalyzer } from "../analyzer.js";

export interface SyslogEvents {
  /** One syslog message: facility and severity 999 when it has no priority. */
  syslog_message: [c: Connection, facility: number, severity: number, msg: string];
}

declare module "../../../event/events.js" {
  interface EventMap extends SyslogEvents {}
}

registerEvents<SyslogEvents>({ syslog_message: true });

const LT = 0x3c;
const GT = 0x3e;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
/** Facility and severity of a message without a priority. */
export const SYSLOG_UNSPECIFIED = 999;
const LONG_MAX = (1n << 63n) - 1n;

/**
 * The priority's value as Zeek's bytestring_to_int gives it: strtol's long
 * (saturating at LONG_MAX) cut to a C int. Only its low ten bits are used.
 */
function priorityValue(d: Uint8Array, from: number, to: number): number {
  let v = 0n;
  for (let i = from; i < to; i++) {
    v = v * 10n + BigInt(d[i]! - DIGIT_0);
    if (v > LONG_MAX) {
      v = LONG_MAX;
      break;
    }
  }
  return Number(BigInt.asIntN(32, v));
}

/** Parses one datagram: [facility, severity, message], or null when Zeek's grammar rejects it. */
export function parseSyslog(d: Uint8Array): [number, number, string] | null {
  if (d.length === 0) return null;
  if (d[0] !== LT) return [SYSLOG_UNSPECIFIED, SYSLOG_UNSPECIFIED, latin1(d)];
  let i = 1;
  while (i < d.length && d[i]! >= DIGIT_0 && d[i]! <= DIGIT_9) i++;
  if (i === 1 || i >= d.length || d[i] !== GT) return null;
  const v = priorityValue(d, 1, i);
  return [(v & 0x03f8) >> 3, v & 0x07, latin1(d.subarray(i + 1))];
}

class SyslogAnalyzer implements DatagramAnalyzer {
  constructor(private readonly host: AnalyzerHost) {}

  deliverPacket(_isOrig: boolean, data: Uint8Array): void {
    if (!this.host.wants("syslog_message")) return;
    const m = parseSyslog(data);
    if (m !== null) this.host.raise("syslog_message", this.host.conn(), m[0], m[1], m[2]);
  }

  done(): void {}
}

export const SYSLOG: AnalyzerComponent = {
  name: "SYSLOG",
  script: "base/protocols/syslog",
  udpPorts: [514],
  /** Zeek's analyzer raises udp_session_done in Done. */
  udpFlow: { sessionDone: true },
  /** A Zeek built with Spicy runs SYSLOG_SPICY (syslog-spicy.ts) instead. */
  build: "legacy",
  datagram: (host) => new SyslogAnalyzer(host),
};
