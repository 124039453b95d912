/**
 * The SIP analyzer (Zeek's "SIP", over UDP). Zeek reads it as a buffered
 * flow, not datagram by datagram: each side's datagrams form one stream of
 * lines (ending at CR, LF or CR LF) and bodies, so a line or a body may span
 * datagrams. As Zeek's BinPAC grammar (sip-protocol.pac) reads it:
 *
 * - the side is taken from each datagram, not the flow: one starting with
 *   "SIP/" (and longer than 6 bytes) goes to the reply side, anything else to
 *   the request side; a datagram that is just CR LF is ignored;
 * - request line: bytes that cannot start a method (a weird,
 *   sip_junk_before_request), the method, the URI, "SIP/x.y"; reply line:
 *   "SIP/x.y", a 3-digit code, the reason;
 * - headers up to the empty line, "name: value"; the body is as long as the
 *   last Content-Length (or "L") header of that side said, the value kept
 *   from earlier messages as Zeek's flow member is; the message ends
 *   (sip_end_entity) once its body is in;
 * - a line that does not parse is a violation, and the side starts over;
 * - a reply confirms the analyzer.
 *
 * Events: sip_request, sip_reply, sip_header (name upper-cased),
 * sip_begin_entity, sip_end_entity, sip_all_headers. Port 5060/udp and Zeek's
 * dpd_sip_udp_req/resp signatures.
 */

import { registerEvents } from "../../../event/events.js";
import type { Connection } from "../../../event/records.js";
import { latin1 } from "../../../packet/bytes.js";
import type { AnalyzerComponent, AnalyzerHost, DatagramAnalyzer } from "../analyzer.js";
import { BINPAC_EXCEPTION, BinpacError } from "../binpac.js";
import type { Signature } from "../signature.js";

export interface SipEvents {
  sip_request: [c: Connection, method: string, original_URI: string, version: string];
  sip_reply: [c: Connection, version: string, code: number, reason: string];
  sip_header: [c: Connection, is_orig: boolean, name: string, value: string];
  sip_begin_entity: [c: Connection, is_orig: boolean];
  sip_end_entity: [c: Connection, is_orig: boolean];
  /**
   * A message's headers, in order, at the empty line that ends them. Zeek
   * fills its mime_header_rec one field off: `original_name` holds the
   * upper-cased name, `name` the value, and `value` stays unset.
   */
  sip_all_headers: [c: Connection, is_orig: boolean, hlist: SipHeaderRec[]];
}

/** The mime_header_rec Zeek's SIP analyzer builds (see sip_all_headers). */
export interface SipHeaderRec {
  original_name: string;
  name: string;
  value?: string;
}

declare module "../../../event/events.js" {
  interface EventMap extends SipEvents {}
}

registerEvents<SipEvents>({
  sip_request: true,
  sip_reply: true,
  sip_header: true,
  sip_begin_entity: true,
  sip_end_entity: true,
  sip_all_headers: true,
});

const CR = 0x0d;
const LF = 0x0a;

/** Request line: junk (no SIP_TOKEN character), method (SIP_TOKEN), URI ([[:alnum:]@[:punct:]]+), "SIP/" version. */
const REQUEST_LINE = /^([^a-zA-Z0-9_.!%*+`'~-]*)([a-zA-Z0-9_.!%*+`'~-]+)[ \t]*([A-Za-z0-9!-/:-@[-`{-~]+)[ \t]*SIP\/([0-9]+\.[0-9]+)/;
const REPLY_LINE = /^SIP\/([0-9]+\.[0-9]+)[ \t]*([0-9]{3})[ \t]*(.*)$/s;
const HEADER = /^([^: \t]+)[ \t]*:[ \t]*(.*)$/s;

/** Zeek's String::Render: backslashes doubled, unprintable bytes as \xNN. */
export function renderBytes(s: string): string {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const b = s.charCodeAt(i);
    if (b === 0x5c) out += "\\\\";
    else if (b < 0x20 || b > 0x7e) out += `\\x${b.toString(16).padStart(2, "0")}`;
    else out += s[i];
  }
  return out;
}

/** C's strtol(…, 10) cut to an int, as Zeek's bytestring_to_int: leading blanks and a sign, then digits; 0 when none. */
function strtolInt(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?)([0-9]*)/.exec(s)!;
  let v = 0n;
  const limit = 1n << 63n;
  for (const ch of m[2]!) {
    v = v * 10n + BigInt(ch.charCodeAt(0) - 0x30);
    if (v > limit) break;
  }
  if (m[1] === "-") v = v > limit ? -limit : -v;
  else if (v >= limit) v = limit - 1n;
  return Number(BigInt.asIntN(32, v));
}

/** Bound on one line (a request line or header) gathered across datagrams. */
const MAX_LINE = 65536;

const enum Part {
  FIRST_LINE,
  HEADERS,
  BODY,
}

/**
 * One side's parser (Zeek's SIP_Flow, a buffered flow): lines end at CR, LF
 * or CR LF and may span datagrams, as may a body. The body length survives
 * from one message to the next, as Zeek's flow member does.
 */
class SipFlow {
  contentLength = 0;
  part = Part.FIRST_LINE;
  /** Bytes of the line so far (latin1). */
  line = "";
  /** The last line ended with CR: an LF right after it belongs to it. */
  afterCr = false;
  /** Body bytes still expected. */
  bodyLeft = 0;
  /** The headers gathered for sip_all_headers; like Zeek's flow member, a parse error does not clear them. */
  headers: SipHeaderRec[] = [];

  reset(): void {
    this.part = Part.FIRST_LINE;
    this.line = "";
    this.bodyLeft = 0;
  }
}

class SipAnalyzer implements DatagramAnalyzer {
  private readonly flows = [new SipFlow(), new SipFlow()];
  /** Whether headers are gathered: decided when the analyzer is made, as Zeek's flow decides at its init. */
  private readonly buildHeaders: boolean;
  constructor(private readonly host: AnalyzerHost) {
    this.buildHeaders = host.wants("sip_all_headers");
  }

  deliverPacket(_isOrig: boolean, data: Uint8Array): void {
    const len = data.length;
    const realOrig = !(len > 6 && data[0] === 0x53 && data[1] === 0x49 && data[2] === 0x50 && data[3] === 0x2f);
    if (len === 2 && data[0] === CR) return;
    const flow = this.flows[realOrig ? 0 : 1]!;
    try {
      this.feed(flow, realOrig, data);
    } catch (err) {
      if (!(err instanceof BinpacError)) throw err;
      flow.reset();
      this.host.violation(BINPAC_EXCEPTION + err.message);
    }
  }

  /** Consumes one datagram's bytes into the side's message(s). */
  private feed(flow: SipFlow, isOrig: boolean, d: Uint8Array): void {
    let i = 0;
    while (i < d.length) {
      if (flow.part === Part.BODY) {
        const take = Math.min(flow.bodyLeft, d.length - i);
        i += take;
        flow.bodyLeft -= take;
        if (flow.bodyLeft === 0) this.endMessage(flow, isOrig);
        continue;
      }
      const b = d[i]!;
      if (flow.afterCr) {
        flow.afterCr = false;
        if (b === LF) {
          i++;
          continue;
        }
      }
      let end = i;
      while (end < d.length && d[end] !== CR && d[end] !== LF) end++;
      if (flow.line.length + (end - i) > MAX_LINE) throw new BinpacError(`SIP line longer than ${MAX_LINE} bytes`);
      flow.line += latin1(d.subarray(i, end));
      if (end === d.length) return;
      flow.afterCr = d[end] === CR;
      i = end + 1;
      const line = flow.line;
      flow.line = "";
      this.line(flow, isOrig, line);
    }
  }

  /** One complete line of a message. */
  private line(flow: SipFlow, isOrig: boolean, text: string): void {
    const host = this.host;
    if (flow.part === Part.FIRST_LINE) {
      if (isOrig) {
        const m = REQUEST_LINE.exec(text);
        if (m === null) throw new BinpacError("string mismatch at SIP_RequestLine");
        const junk = m[1]!;
        if (junk.length > 0) host.weird("sip_junk_before_request", renderBytes(junk));
        if (host.wants("sip_request")) host.raise("sip_request", host.conn(), m[2]!, m[3]!, m[4]!);
      } else {
        const m = REPLY_LINE.exec(text);
        if (m === null) throw new BinpacError("string mismatch at SIP_ReplyLine");
        host.confirm();
        if (host.wants("sip_reply")) host.raise("sip_reply", host.conn(), m[1]!, Number(m[2]), m[3]!);
      }
      if (host.wants("sip_begin_entity")) host.raise("sip_begin_entity", host.conn(), isOrig);
      flow.part = Part.HEADERS;
      return;
    }
    // Headers: an empty line ends them; the body follows.
    if (text.length === 0) {
      if (this.buildHeaders) {
        host.raise("sip_all_headers", host.conn(), isOrig, flow.headers);
        flow.headers = [];
      }
      const body = flow.contentLength;
      if (body < 0) throw new BinpacError(`invalid length for string SIP_Body:body: ${body}`);
      flow.bodyLeft = body;
      flow.part = Part.BODY;
      if (body === 0) this.endMessage(flow, isOrig);
      return;
    }
    const h = HEADER.exec(text);
    if (h === null) throw new BinpacError("string mismatch at SIP_Header");
    const name = h[1]!;
    const value = h[2]!;
    if (name === "Content-Length" || name === "L") flow.contentLength = strtolInt(value);
    if (host.wants("sip_header")) host.raise("sip_header", host.conn(), isOrig, name.toUpperCase(), value);
    if (this.buildHeaders) flow.headers.push({ original_name: name.toUpperCase(), name: value });
  }

  private endMessage(flow: SipFlow, isOrig: boolean): void {
    flow.reset();
    if (this.host.wants("sip_end_entity")) this.host.raise("sip_end_entity", this.host.conn(), isOrig);
  }

  done(): void {}
}

/** Zeek's base/protocols/sip/dpd.sig (the UDP signatures). */
export const SIP_SIGNATURES: readonly Signature[] = [
  { id: "dpd_sip_udp_req", proto: "udp", payload: ".* SIP\\/[0-9]\\.[0-9]\\x0d\\x0a", enable: "sip" },
  { id: "dpd_sip_udp_resp", proto: "udp", payload: " ?SIP\\/[0-9]\\.[0-9](\\x0d\\x0a| [0-9][0-9][0-9] )", enable: "sip" },
];

export const SIP: AnalyzerComponent = {
  name: "SIP",
  script: "base/protocols/sip",
  udpPorts: [5060],
  signatures: SIP_SIGNATURES,
  datagram: (host) => new SipAnalyzer(host),
};
