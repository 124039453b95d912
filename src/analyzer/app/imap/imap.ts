/**
 * The IMAP analyzer, as Zeek's (src/analyzer/protocol/imap/): only enough of
 * IMAP to see STARTTLS. Each chunk of a side is read on its own (a binpac
 * "datagram") as lines "tag command rest"; the server's "* CAPABILITY …" is
 * split into its capabilities (imap_capabilities). The server's "* OK", the
 * client's CAPABILITY or STARTTLS confirm the protocol; the server's OK to the
 * client's STARTTLS tag hands the rest of the stream to an SSL child
 * (imap_starttls); AUTHENTICATE, LOGIN, EXAMINE, CREATE, LIST or FETCH (as
 * Zeek compares them: in lower case only) end the analysis. A chunk that
 * is not such a run of lines is a violation; after a content gap nothing
 * more is read.
 */

import { registerEvents } from "../../../event/events.js";
import type { Connection } from "../../../event/records.js";
import { latin1 } from "../../../packet/bytes.js";
import type { AnalyzerComponent, AnalyzerHost, ChildStream, StreamAnalyzer } from "../analyzer.js";

export interface ImapEvents {
  /** The server's capabilities ("* CAPABILITY …"). */
  imap_capabilities: [c: Connection, capabilities: readonly string[]];
  /** The server accepted STARTTLS: the rest of the connection goes to SSL. */
  imap_starttls: [c: Connection];
}

declare module "../../../event/events.js" {
  interface EventMap extends ImapEvents {}
}

registerEvents<ImapEvents>({ imap_capabilities: true, imap_starttls: true });

/** [[:alnum:][:punct:]]: printable ASCII but the blank. */
function isTagChar(c: number): boolean {
  return c > 0x20 && c < 0x7f;
}

function isEol(c: number | undefined): boolean {
  return c === 0x0d || c === 0x0a;
}

/** One line as Zeek's IMAP grammar reads it. */
export interface ImapToken {
  tag: string;
  command: string;
  /** The server's capabilities, when the line is "* CAPABILITY …". */
  capabilities?: string[];
}

/** Zeek's IMAP_PDU over one chunk: the tokens in order, or the reason the chunk does not parse (after the tokens before it were handed on). */
export function parseImapChunk(data: Uint8Array, isOrig: boolean, onToken: (t: ImapToken) => boolean): string | null {
  let i = 0;
  const n = data.length;
  const word = (what: string): string | { err: string } => {
    const s = i;
    while (i < n && isTagChar(data[i]!)) i++;
    if (i === s) return { err: mismatch(what, "[[:alnum:][:punct:]]+", data, s) };
    return latin1(data.subarray(s, i));
  };
  while (i < n) {
    const tag = word("TAG");
    if (typeof tag !== "string") return tag.err;
    const sp = i;
    while (i < n && data[i] === 0x20) i++;
    if (i === sp) return mismatch("SPACING", "[ ]+", data, i);
    const command = word("TAG");
    if (typeof command !== "string") return command.err;
    while (i < n && data[i] === 0x20) i++;
    const t: ImapToken = { tag, command };
    if (!isOrig && tag === "*" && command.toLowerCase() === "capability") {
      // Capabilities up to the first that a line end follows.
      const caps: string[] = [];
      for (;;) {
        const cap = word("TAG");
        if (typeof cap !== "string") return cap.err;
        caps.push(cap);
        while (i < n && data[i] === 0x20) i++;
        const nl = i;
        while (i < n && isEol(data[i])) i++;
        if (i > nl) break;
        if (i >= n) return outOfBound("Capability", data, i);
      }
      t.capabilities = caps;
    } else {
      while (i < n && !isEol(data[i])) i++;
      const nl = i;
      while (i < n && isEol(data[i])) i++;
      if (i === nl) return mismatch("NEWLINE", "[\\r\\n]+", data, i);
    }
    if (!onToken(t)) return null;
  }
  return null;
}

function mismatch(where: string, expected: string, data: Uint8Array, at: number): string {
  return `binpac exception: string mismatch at ${where}: \nexpected pattern: "${expected}"\nactual data: "${latin1(data.subarray(at, at + 32))}"`;
}

function outOfBound(where: string, data: Uint8Array, at: number): string {
  return `binpac exception: out_of_bound: ${where}: ${at + 1} > ${data.length}`;
}

const SKIP_COMMANDS = new Set(["authenticate", "login", "examine", "create", "list", "fetch"]);

/** Zeek's StartTLS-only IMAP analyzer. */
class ImapAnalyzer implements StreamAnalyzer {
  private clientStarttlsId = "";
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
    const err = parseImapChunk(data, isOrig, (t) => this.token(isOrig, t));
    if (err !== null) this.host.violation(`Binpac exception: ${err}`);
  }

  private token(isOrig: boolean, t: ImapToken): boolean {
    if (t.capabilities !== undefined && this.host.wants("imap_capabilities")) this.host.raise("imap_capabilities", this.host.conn(), t.capabilities);
    const command = t.command.toLowerCase();
    const tag = t.tag;
    if (!isOrig && tag === "*" && command === "ok") this.host.confirm();
    // Zeek compares the command as sent with "capability" here, and lower-cased with "starttls".
    if (isOrig && (t.command === "capability" || command === "starttls")) this.host.confirm();
    if (SKIP_COMMANDS.has(t.command)) {
      this.host.confirm();
      // Past the point where STARTTLS could come.
      this.skip = true;
      return true;
    }
    if (isOrig && command === "starttls") {
      if (this.clientStarttlsId !== "") this.host.weird("IMAP: client sent duplicate StartTLS");
      this.clientStarttlsId = tag;
    }
    if (!isOrig && this.clientStarttlsId !== "" && tag === this.clientStarttlsId) {
      if (command === "ok") {
        this.tlsActive = true;
        this.tls = this.host.addChild("SSL");
        if (this.host.wants("imap_starttls")) this.host.raise("imap_starttls", this.host.conn());
      } else this.host.weird("IMAP: server refused StartTLS");
    }
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

/** The IMAP analyzer component (IMAP::ports; Zeek has no IMAP signature). */
export const IMAP: AnalyzerComponent = {
  name: "IMAP",
  script: "base/protocols/imap",
  tcpPorts: [143],
  stream: (host) => new ImapAnalyzer(host),
};
