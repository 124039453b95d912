/**
 * The XMPP analyzer, as Zeek's (src/analyzer/protocol/xmpp/): only enough of
 * the XML stream to see StartTLS. Each chunk of a side is read on its own (a
 * binpac "datagram") as a run of tokens — blanks, '<', a name, the rest up to
 * '>', '>', text up to the next tag — and each token is looked at as it is
 * read: the client's <stream:stream> confirms the protocol, the client's
 * <starttls> and the server's <proceed> hand the rest of the stream to an SSL
 * child (xmpp_starttls), and a stanza past the handshake (success, message,
 * presence, dialback) ends the analysis. A chunk that is not such a run is a
 * violation ("Binpac exception: …"); after a content gap nothing more is read.
 */

import { registerEvents } from "../../../event/events.js";
import type { Connection } from "../../../event/records.js";
import { latin1 } from "../../../packet/bytes.js";
import type { AnalyzerComponent, AnalyzerHost, ChildStream, StreamAnalyzer } from "../analyzer.js";

export interface XmppEvents {
  /** The server answered the client's <starttls> with <proceed>: the rest of the connection goes to SSL. */
  xmpp_starttls: [c: Connection];
}

declare module "../../../event/events.js" {
  interface EventMap extends XmppEvents {}
}

registerEvents<XmppEvents>({ xmpp_starttls: true });

function isAlnum(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

/** A token of the XML stream: its name (with a leading '/' for end tags) and what follows it inside the tag. */
export interface XmlToken {
  name: string;
  rest: string;
}

/**
 * Zeek's XMPP_PDU over one chunk: tokens until the chunk is used up. Each
 * token goes to `onToken` as soon as it is read; the first that does not
 * parse ends the chunk with the reason returned.
 */
export function parseXmppChunk(data: Uint8Array, onToken: (t: XmlToken) => boolean): string | null {
  let i = 0;
  const n = data.length;
  while (i < n) {
    while (i < n && (data[i] === 0x20 || data[i] === 0x0d || data[i] === 0x0a)) i++;
    if (i >= n || data[i] !== 0x3c) return mismatch("XML_START", "<", data, i);
    i++;
    const nameStart = i;
    if (i < n && data[i] === 0x2f) i++;
    const first = i;
    while (i < n && (isAlnum(data[i]!) || data[i] === 0x3f || data[i] === 0x3a)) i++;
    if (i === first) return mismatch("XML_NAME", "\\/?[?:[:alnum:]]+", data, nameStart);
    const name = latin1(data.subarray(nameStart, i));
    const restStart = i;
    while (i < n && data[i] !== 0x3c && data[i] !== 0x3e) i++;
    const rest = latin1(data.subarray(restStart, i));
    if (i >= n || data[i] !== 0x3e) return mismatch("XML_END", ">", data, i);
    i++;
    while (i < n && data[i] !== 0x3c && data[i] !== 0x3e) i++;
    if (!onToken({ name, rest })) return null;
  }
  return null;
}

function mismatch(where: string, expected: string, data: Uint8Array, at: number): string {
  return `binpac exception: string mismatch at ${where}: \nexpected pattern: "${expected}"\nactual data: "${latin1(data.subarray(at, at + 32))}"`;
}

/** Zeek's StartTLS-only XMPP analyzer. */
class XmppAnalyzer implements StreamAnalyzer {
  private clientStarttls = false;
  private tls: ChildStream | null = null;
  private tlsActive = false;
  private hadGap = false;
  private skip = false;

  constructor(private readonly host: AnalyzerHost) {}

  deliverStream(isOrig: boolean, _seq: number, data: Uint8Array): void {
    if (this.tlsActive) {
      if (this.tls?.active) this.tls.deliverStream(isOrig, 0, data);
      return;
    }
    if (this.skip || this.hadGap || this.host.isPartial()) return;
    const err = parseXmppChunk(data, (t) => this.token(isOrig, t));
    if (err !== null) this.host.violation(`Binpac exception: ${err}`);
  }

  /** One token; false to stop reading the chunk (the rest is TLS). */
  private token(isOrig: boolean, t: XmlToken): boolean {
    const token = t.name;
    // The name without its namespace prefix.
    const colon = token.indexOf(":");
    const local = colon >= 0 && token.length > colon + 1 ? token.slice(colon + 1) : token;
    if (isOrig && token === "stream:stream") this.host.confirm();
    if (token === "success" || token === "message" || token === "db:result" || token === "db:verify" || token === "presence") {
      // Past the point where StartTLS could come: nothing more to see.
      this.skip = true;
    }
    if (isOrig && (token === "starttls" || local === "starttls")) this.clientStarttls = true;
    if (!isOrig && (token === "proceed" || local === "proceed") && this.clientStarttls) {
      this.tlsActive = true;
      this.tls = this.host.addChild("SSL");
      if (this.host.wants("xmpp_starttls")) this.host.raise("xmpp_starttls", this.host.conn());
    } else if (!isOrig && token === "proceed") this.host.weird("XMPP: proceed without starttls");
    return true;
  }

  undelivered(isOrig: boolean, seq: number, len: number): void {
    if (this.tlsActive) {
      if (this.tls?.active) this.tls.undelivered(isOrig, seq, len);
      return;
    }
    this.hadGap = true;
  }

  endOfData(isOrig: boolean): void {
    if (this.tlsActive && this.tls?.active) this.tls.endOfData(isOrig);
  }

  done(): void {}
}

/** Zeek's xmpp/dpd.sig. */
const XMPP_SIGNATURES = [
  { id: "dpd_xmpp", proto: "tcp", enable: "xmpp", payload: "(<\\?xml[^?>]*\\?>)?[\\n\\r ]*<stream:stream [^>]*xmlns='jabber:" },
] as const;

/** The XMPP analyzer component (XMPP::ports and DPD). */
export const XMPP: AnalyzerComponent = {
  name: "XMPP",
  script: "base/protocols/xmpp",
  tcpPorts: [5222, 5269],
  signatures: XMPP_SIGNATURES,
  stream: (host) => new XmppAnalyzer(host),
};
