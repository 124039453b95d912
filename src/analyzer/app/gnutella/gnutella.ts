/**
 * Zeek's Gnutella analyzer (src/analyzer/protocol/gnutella): the text
 * handshake (`GNUTELLA CONNECT/0.6`, `GNUTELLA/0.6 200 OK`, header lines,
 * each block ended by an empty line) until both sides said 200, then the
 * binary messages: a 23-byte header (16-byte id, type, TTL, hops, 4-byte
 * little-endian payload length) and the payload, of which the first 1024
 * bytes are kept. A first line with " HTTP/1." is HTTP: gnutella_http_notify,
 * and the rest of the connection goes to an HTTP child. It never confirms.
 *
 * Its limits are Zeek's: a handshake line reaching Gnutella::max_line_length
 * bytes is exceeded_gnutella_max_line_length (its length so far), headers
 * whose next line would bring them to Gnutella::max_header_length are
 * exceeded_gnutella_max_headers_length (that length); each puts 'X' into the
 * history, and (as in Zeek, which keeps the line buffered) the handshake
 * stops there: what follows only grows the line, reported again per chunk.
 * As Telnet, only a script's register_for_port starts it.
 */
import { registerEvents } from "../../../event/events.js";
import type { Connection } from "../../../event/records.js";
import { latin1 } from "../../../packet/bytes.js";
import type { AnalyzerComponent, AnalyzerHost, ChildStream, StreamAnalyzer } from "../analyzer.js";

export interface GnutellaEvents {
  /** A handshake block ended (empty line): its header lines, each after a CR LF. */
  gnutella_text_msg: [c: Connection, orig: boolean, headers: string];
  /** A binary message: its header fields, up to 1024 bytes of payload, whether the payload was cut (`trunc`) and is whole (`complete`). */
  gnutella_binary_msg: [
    c: Connection,
    orig: boolean,
    msg_type: number,
    ttl: number,
    hops: number,
    msg_len: number,
    payload: string,
    payload_len: number,
    trunc: boolean,
    complete: boolean,
  ];
  /** At the end: a message header not read whole (`len` of its 23 bytes). */
  gnutella_partial_binary_msg: [c: Connection, orig: boolean, msg: string, len: number];
  /** Both sides said 200 (once, at that point or at the end). */
  gnutella_establish: [c: Connection];
  /** At the end, when they did not. */
  gnutella_not_establish: [c: Connection];
  /** A handshake line was HTTP's. */
  gnutella_http_notify: [c: Connection];
}

declare module "../../../event/events.js" {
  interface EventMap extends GnutellaEvents {}
}

registerEvents<GnutellaEvents>({
  gnutella_text_msg: true,
  gnutella_binary_msg: true,
  gnutella_partial_binary_msg: true,
  gnutella_establish: true,
  gnutella_not_establish: true,
  gnutella_http_notify: true,
});

const ORIG_OK = 1;
const RESP_OK = 2;
const MSG_SIZE = 23;
const MAX_PAYLOAD = 1024;
const CR = 0x0d;
const LF = 0x0a;

/** One side's reading (GnutellaMsgState). */
class GnutellaSide {
  line = "";
  gotCr = false;
  headers = "";
  readonly msg = new Uint8Array(MSG_SIZE);
  msgPos = 0;
  msgSent = true;
  msgType = 0;
  ttl = 0;
  hops = 0;
  msgLen = 0;
  readonly payload = new Uint8Array(MAX_PAYLOAD);
  payloadLen = 0;
  payloadLeft = 0;
}

/** A C string's text: up to the first NUL. */
function cString(d: Uint8Array): string {
  const nul = d.indexOf(0);
  return latin1(nul < 0 ? d : d.subarray(0, nul));
}

class GnutellaAnalyzer implements StreamAnalyzer {
  private state = 0;
  private newState = 0;
  private sentEstablish = false;
  private readonly sides = [new GnutellaSide(), new GnutellaSide()] as const;
  /** Where the chunk being read is (Zeek's current_offset). */
  private at = 0;
  /** HTTP took over: every byte goes to it. */
  private http: ChildStream | null = null;

  constructor(private readonly host: AnalyzerHost) {}

  private get established(): boolean {
    return this.state === (ORIG_OK | RESP_OK);
  }

  deliverStream(isOrig: boolean, seq: number, data: Uint8Array): void {
    if (this.http !== null) return this.http.deliverStream(isOrig, seq, data);
    const side = this.sides[isOrig ? 0 : 1];
    this.at = 0;
    if (!this.established) {
      this.lines(side, isOrig, seq, data);
      if (this.http !== null || !this.established || this.at >= data.length) return;
    }
    if (this.host.wants("gnutella_binary_msg")) this.messages(side, isOrig, data);
  }

  undelivered(isOrig: boolean, seq: number, len: number): void {
    this.http?.undelivered(isOrig, seq, len);
  }

  endOfData(isOrig: boolean): void {
    this.http?.endOfData(isOrig);
  }

  done(): void {
    const host = this.host;
    if (!this.sentEstablish) {
      const event = this.established ? "gnutella_establish" : "gnutella_not_establish";
      if (host.wants(event)) host.raise(event, host.conn());
    }
    if (!host.wants("gnutella_partial_binary_msg")) return;
    for (const [i, side] of this.sides.entries()) {
      if (side.msgSent) continue;
      if (side.msgPos > 0) host.raise("gnutella_partial_binary_msg", host.conn(), i === 0, cString(side.msg), side.msgPos);
      else if (side.payloadLeft > 0) this.sendMessage(side, i === 0);
    }
  }

  /** The handshake's lines of this chunk (DeliverLines). */
  private lines(side: GnutellaSide, isOrig: boolean, seq: number, data: Uint8Array): void {
    while (this.nextLine(side, data)) {
      if (side.line === "") {
        this.endOfBlock(side, isOrig);
        continue;
      }
      if (side.headers === "") {
        if (side.line.includes(" HTTP/1.")) return this.toHttp(isOrig, seq, data);
        if (isOk(side.line)) this.newState |= isOrig ? ORIG_OK : RESP_OK;
      }
      // The headers' length with this line and its CR LF.
      const length = side.headers.length + 2 + side.line.length;
      const max = this.host.settings["Gnutella::max_header_length"];
      if (max > 0 && length >= max) {
        this.host.limitReached("exceeded_gnutella_max_headers_length", length);
        return;
      }
      side.headers = `${side.headers}\r\n${side.line}`;
      side.line = "";
    }
  }

  private endOfBlock(side: GnutellaSide, isOrig: boolean): void {
    const host = this.host;
    if (host.wants("gnutella_text_msg")) host.raise("gnutella_text_msg", host.conn(), isOrig, cString(Buffer.from(side.headers, "latin1")));
    side.headers = "";
    this.state |= this.newState;
    if (this.established && host.wants("gnutella_establish")) {
      this.sentEstablish = true;
      host.raise("gnutella_establish", host.conn());
    }
  }

  /** Reads up to a CR LF into side.line; false at the chunk's end, once established, or at the line bound (NextLine). */
  private nextLine(side: GnutellaSide, data: Uint8Array): boolean {
    if (this.established || this.at >= data.length) return false;
    const max = this.host.settings["Gnutella::max_line_length"];
    for (; this.at < data.length; this.at++) {
      const c = data[this.at]!;
      if (c === CR) side.gotCr = true;
      else if (c === LF && side.gotCr) {
        side.gotCr = false;
        this.at++;
        return true;
      } else side.line += String.fromCharCode(c);
      if (max > 0 && side.line.length >= max) {
        this.host.limitReached("exceeded_gnutella_max_line_length", side.line.length);
        return false;
      }
    }
    return false;
  }

  /** HTTP, not Gnutella: an HTTP child gets this chunk and the rest (Zeek replays the PIA's buffer to a sibling). */
  private toHttp(isOrig: boolean, seq: number, data: Uint8Array): void {
    if (this.host.wants("gnutella_http_notify")) this.host.raise("gnutella_http_notify", this.host.conn());
    this.http = this.host.addChild("HTTP");
    if (this.http === null) this.host.remove();
    else this.http.deliverStream(isOrig, seq, data);
  }

  /** The binary messages of this chunk from `this.at` (DeliverMessages). */
  private messages(side: GnutellaSide, isOrig: boolean, data: Uint8Array): void {
    while (this.at < data.length) {
      side.msgSent = false;
      const left = data.length - this.at;
      if (side.msgPos > 0 || side.payloadLeft === 0) this.header(side, isOrig, data, left);
      else this.payload(side, isOrig, data, left);
    }
  }

  private header(side: GnutellaSide, isOrig: boolean, data: Uint8Array, left: number): void {
    const needed = MSG_SIZE - side.msgPos;
    const take = Math.min(needed, left);
    side.msg.set(data.subarray(this.at, this.at + take), side.msgPos);
    this.at += take;
    if (take < needed) {
      side.msgPos += take;
      return;
    }
    const m = side.msg;
    side.msgType = m[16]!;
    side.ttl = m[17]!;
    side.hops = m[18]!;
    side.msgLen = (m[19]! | (m[20]! << 8) | (m[21]! << 16) | (m[22]! << 24)) >>> 0;
    side.payloadLeft = side.msgLen;
    side.msgPos = 0;
    // Zeek keeps payload_len across messages: what a message keeps is bounded by the first ones' (a quirk kept).
    if (side.msgLen === 0) this.sendMessage(side, isOrig);
  }

  private payload(side: GnutellaSide, isOrig: boolean, data: Uint8Array, left: number): void {
    const space = side.payloadLen >= MAX_PAYLOAD ? 0 : MAX_PAYLOAD - side.payloadLen;
    const take = Math.min(left, space);
    if (take > 0) {
      side.payload.set(data.subarray(this.at, this.at + take), side.payloadLen);
      side.payloadLen += take;
    }
    if (side.payloadLeft > left) {
      this.at += left;
      side.payloadLeft -= left;
    } else {
      this.at += side.payloadLeft;
      side.payloadLeft = 0;
      this.sendMessage(side, isOrig);
    }
  }

  private sendMessage(side: GnutellaSide, isOrig: boolean): void {
    if (side.msgSent) return;
    const host = this.host;
    if (!host.wants("gnutella_binary_msg")) return;
    const payload = cString(side.payload.subarray(0, side.payloadLen));
    const trunc = side.payloadLen < Math.min(side.msgLen, MAX_PAYLOAD);
    host.raise(
      "gnutella_binary_msg",
      host.conn(),
      isOrig,
      side.msgType,
      side.ttl,
      side.hops,
      side.msgLen,
      payload,
      side.payloadLen,
      trunc,
      side.payloadLeft === 0,
    );
  }
}

/** "GNUTELLA… 200…": a side's handshake accepted (GnutellaOK). */
function isOk(line: string): boolean {
  if (!line.startsWith("GNUTELLA")) return false;
  const sp = line.indexOf(" ");
  return sp >= 0 && sp !== line.length - 1 && line.startsWith("200", sp + 1);
}

/** Zeek's Gnutella analyzer: no base script registers it (no port, no signature). */
export const GNUTELLA: AnalyzerComponent = {
  name: "GNUTELLA",
  script: "",
  stream: (host) => new GnutellaAnalyzer(host),
};
