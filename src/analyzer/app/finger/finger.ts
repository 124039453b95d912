/**
 * The Finger analyzer (RFC 1288), as Zeek's default build runs it (the legacy
 * analyzer of src/analyzer/protocol/finger: Zeek 9.1 without Spicy). Each
 * side is cut into lines of at most 1,000 bytes (the client's NUL-sensitive);
 * a client line is a query, `[/W] [user][@host]`, a server line one line of
 * the reply. It never confirms the protocol (no `finger` in conn.log's
 * service) and writes no log; it raises finger_request and finger_reply.
 *
 * Zeek reads the client's lines only when a script handles finger_request,
 * and at the end reports partial_finger_request when the client closed
 * without a complete query read: under the default scripts (no handler)
 * every finger connection whose client sent a FIN gets that weird. bronze
 * keeps both rules. A Zeek built with Spicy runs its Spicy analyzer instead
 * (finger-spicy.ts, `--spicy`).
 */
import { registerEvents } from "../../../event/events.js";
import type { Connection } from "../../../event/records.js";
import { latin1 } from "../../../packet/bytes.js";
import type { AnalyzerComponent, AnalyzerHost, LineSignatureMatcher } from "../analyzer.js";
import { LineAnalyzer } from "../line-analyzer.js";

export interface FingerEvents {
  /** A query: `full` for a leading /W; the user and host parts around the first '@' (host empty without one). */
  finger_request: [c: Connection, full: boolean, username: string, hostname: string];
  /** One line of the server's reply. */
  finger_reply: [c: Connection, reply_line: string];
}

declare module "../../../event/events.js" {
  interface EventMap extends FingerEvents {}
}

registerEvents<FingerEvents>({ finger_request: true, finger_reply: true });

/** Zeek's Finger analyzer cuts lines at 1,000 bytes. */
const FINGER_MAX_LINE = 1000;

function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

class FingerAnalyzer extends LineAnalyzer {
  /** A client line was read as a query (Zeek's did_deliver). */
  private delivered = false;

  /** User signatures' `finger` patterns (null unless one is loaded): each query, past blanks and /W. */
  private readonly signatures: LineSignatureMatcher | null;

  constructor(host: AnalyzerHost) {
    super(host, FINGER_MAX_LINE, [true, false]);
    this.signatures = host.lineSignatures?.("finger") ?? null;
  }

  done(): void {
    if ((!this.delivered || this.lines[0].hasPartialLine) && this.host.sideClosed(true)) this.host.weird("partial_finger_request");
  }

  onData(isOrig: boolean, line: Uint8Array): void {
    if (line.length === 0) return;
    if (isOrig) this.request(line);
    else if (this.host.wants("finger_reply")) this.host.raise("finger_reply", this.host.conn(), latin1(line));
  }

  private request(line: Uint8Array): void {
    // Zeek skips the whole query, did_deliver included, when no script handles it.
    if (!this.host.wants("finger_request")) return;
    const end = line.length;
    let i = 0;
    while (i < end && isBlank(line[i]!)) i++;
    const full = i + 2 <= end && line[i] === 0x2f && (line[i + 1] === 0x57 || line[i + 1] === 0x77);
    if (full) {
      i += 2;
      while (i < end && isBlank(line[i]!)) i++;
    }
    const at = line.indexOf(0x40, i);
    const user = latin1(line.subarray(i, at < 0 ? end : at));
    const hostname = at < 0 ? "" : latin1(line.subarray(at + 1));
    this.host.raise("finger_request", this.host.conn(), full, user, hostname);
    if (this.signatures !== null) this.signatures.line(line.subarray(i));
    this.delivered = true;
  }
}

/** The Finger analyzer component (Finger::ports; Zeek has no DPD signature for it). */
export const FINGER: AnalyzerComponent = {
  name: "FINGER",
  script: "base/protocols/finger",
  /** Zeek's constructor makes a ContentLine_Analyzer per side (on TCP). */
  supportAnalyzers: 2,
  tcpPorts: [79],
  /** A Zeek built with Spicy runs FINGER_SPICY (finger-spicy.ts) instead. */
  build: "legacy",
  stream: (host) => new FingerAnalyzer(host),
};
