/**
 * The FTP analyzer (Zeek's analyzer/protocol/ftp, FTP_Analyzer): the control
 * connection cut into lines by an NVT (./nvt.ts), each client line a
 * command (ftp_request), each server line a reply (ftp_reply) with Zeek's
 * multi-line rules: "123-" opens a reply that only "123 " closes, the lines
 * between come with code 0 and cont_resp T. The first well-formed command
 * confirms FTP. AUTH TLS answered by 234 hands the rest of the connection to
 * an SSL child (service ftp,ssl); AUTH GSSAPI answered by 334 starts an SSL
 * child fed the base64 ADAT tokens (GridFTP's GSI: ./adat.ts). The data
 * connections are FTP_DATA (./data.ts), which the ftp script schedules from
 * PORT/EPRT/PASV/EPSV.
 */

import { latin1 } from "../../../packet/bytes.js";
import type { AnalyzerComponent, AnalyzerHost, ChildStream, LineSignatureMatcher, StreamAnalyzer } from "../analyzer.js";
import { AdatFilter } from "./adat.js";
import { FTP_DATA } from "./data.js";
import { type NvtFlags, NvtLines, type NvtSink } from "./nvt.js";
import "./events.js";

/** FTP::max_command_length (a BifConst): longer commands are ignored (a weird once confirmed). */
export const FTP_MAX_COMMAND_LENGTH = 100;

function isDigit(b: number | undefined): boolean {
  return b !== undefined && b >= 0x30 && b <= 0x39;
}

/** isspace() in the C locale. */
function isSpace(b: number): boolean {
  return b === 0x20 || (b >= 0x09 && b <= 0x0d);
}

/** util::skip_whitespace: blanks and tabs. */
function skipBlanks(line: Uint8Array, i: number): number {
  while (i < line.length && (line[i] === 0x20 || line[i] === 0x09)) i++;
  return i;
}

/** get_reply_code: the three leading digits, or 0. */
function replyCode(line: Uint8Array): number {
  if (line.length >= 3 && isDigit(line[0]) && isDigit(line[1]) && isDigit(line[2])) {
    return (line[0]! - 0x30) * 100 + (line[1]! - 0x30) * 10 + (line[2]! - 0x30);
  }
  return 0;
}

/**
 * The command word from `start` (get_word: up to white space or a NUL) and
 * whether it is one (is_ftp_cmd: at least 3 bytes, all printable), in one
 * pass: where the word ends, negated when it is no command. A word ends at
 * the first byte outside 0x21-0x7e when that byte is white space or a NUL;
 * any other such byte makes it no command, and the scan stops there (a line
 * of a megabyte is read once, not twice). The scan also stops at `stop`
 * (line.length for an exact answer); a word that reaches it is no command.
 */
function commandWord(line: Uint8Array, start: number, stop: number): number {
  let end = start;
  while (end < stop) {
    const b = line[end]!;
    if (b < 0x21 || b > 0x7e) break;
    end++;
  }
  if (end < line.length && line[end] !== 0 && !isSpace(line[end]!)) return -1;
  return end - start >= 3 ? end : -1;
}

class FtpAnalyzer implements StreamAnalyzer, NvtSink {
  private readonly flags: NvtFlags = { singleCR: false, nulInLine: false };
  private readonly nvtOrig = new NvtLines(true, this, this.flags);
  private readonly nvtResp = new NvtLines(false, this, this.flags);
  /** The code of the multi-line reply under way, or 0. */
  private pendingReply = 0;
  /** The argument of the last AUTH (or AUT) command. */
  private authRequested = "";
  /** After AUTH TLS: every byte goes to the SSL child. */
  private tlsActive = false;
  private ssl: ChildStream | null = null;
  private adat: AdatFilter | null = null;

  /** User signatures' `ftp` patterns (null unless one is loaded): each command line, from its command on. */
  private readonly signatures: LineSignatureMatcher | null;

  constructor(private readonly host: AnalyzerHost) {
    // Set by AUTH TLS, rarely and late: known as mutable from the start (see doubles.ts).
    this.tlsActive = false;
    this.signatures = host.lineSignatures?.("ftp") ?? null;
  }

  deliverStream(isOrig: boolean, seq: number, data: Uint8Array): void {
    if (this.tlsActive) {
      this.forwardRaw(isOrig, seq, data);
      return;
    }
    (isOrig ? this.nvtOrig : this.nvtResp).deliver(data);
  }

  undelivered(isOrig: boolean, seq: number, len: number): void {
    if (this.tlsActive && this.ssl?.active === true) this.ssl.undelivered(isOrig, seq, len);
  }

  endOfData(isOrig: boolean): void {
    if (this.tlsActive) {
      if (this.ssl?.active === true) this.ssl.endOfData(isOrig);
      return;
    }
    (isOrig ? this.nvtOrig : this.nvtResp).endOfData();
  }

  done(): void {}

  // ---------------------------------------------------------------- NvtSink

  weird(name: string, addl?: string): void {
    // The NVT support analyzer is the source of its weirds (Zeek's LimitReachedWeird names the analyzer that raised it).
    if (name.startsWith("nvt_")) this.host.limitReached(name, Number(addl ?? 0), 0, "NVT");
    else this.host.weird(name, addl ?? "", "NVT");
  }

  ignoreNul(_isOrig: boolean, bytesSeen: number): boolean {
    // A keep-alive NUL as the first byte of a partial connection's side is no anomaly.
    return this.host.isPartial() && bytesSeen <= 2;
  }

  line(isOrig: boolean, line: Uint8Array): void {
    if (this.tlsActive) {
      // Lines of the chunk that carried the 234 reply: they belong to TLS now.
      this.forwardRaw(isOrig, 0, line);
      return;
    }
    if (isOrig ? !this.host.wants("ftp_request") : !this.host.wants("ftp_reply")) return;
    if (line.length === 0) return;
    // Only lines that made an event go on to a child (Zeek's ForwardStream at the end of DeliverStream).
    const handled = isOrig ? this.request(line) : this.reply(line);
    if (handled && !this.tlsActive && this.adat !== null) this.adat.line(isOrig, line);
  }

  private request(line: Uint8Array): boolean {
    const host = this.host;
    const start = skipBlanks(line, 0);
    // Before confirmation a word too long to be a command is dropped whatever follows it, with
    // no weird: no need to read on (a megabyte "line" on port 21 is no FTP).
    const stop = host.confirmed ? line.length : Math.min(line.length, start + FTP_MAX_COMMAND_LENGTH + 1);
    const end = commandWord(line, start, stop);
    if (end < 0) {
      if (host.confirmed) host.weird("FTP_invalid_command");
      return false;
    }
    const cmdLen = end - start;
    if (cmdLen > FTP_MAX_COMMAND_LENGTH) {
      if (host.confirmed) host.limitReached("FTP_max_command_length_exceeded", cmdLen, FTP_MAX_COMMAND_LENGTH);
      return false;
    }
    const command = latin1(line.subarray(start, end)).toUpperCase();
    const arg = latin1(line.subarray(skipBlanks(line, end)));
    host.confirm();
    // strncmp(cmd, "AUTH", cmd_len): AUT and AUTH both count.
    if ("AUTH".startsWith(command)) this.authRequested = arg;
    // Zeek matches the line from its command on before the request's event is queued.
    if (this.signatures !== null) this.signatures.line(line.subarray(start));
    host.raise("ftp_request", host.conn(), command, arg);
    return true;
  }

  private reply(line: Uint8Array): boolean {
    const host = this.host;
    let code = replyCode(line);
    let cont: boolean;
    let msgStart = 0;
    const len = line.length;
    if (this.pendingReply !== 0) {
      if (code === this.pendingReply && len > 3 && line[3] === 0x20) {
        msgStart = skipBlanks(line, 3);
        this.pendingReply = 0;
        cont = false;
      } else {
        cont = true;
        code = 0;
      }
    } else {
      cont = false;
      if (code === 0) {
        host.violation("non-numeric reply code", line);
        return false;
      } else if (code < 100) {
        host.violation("invalid reply code", line);
        return false;
      } else if (len > 3 && line[3] === 0x2d) {
        this.pendingReply = code;
        msgStart = skipBlanks(line, 4);
        cont = true;
      } else if (len > 3 && line[3] !== 0x20) {
        host.violation("invalid reply line", line);
        return false;
      } else msgStart = len > 3 ? skipBlanks(line, 3) : len;
    }

    if (code === 234 && this.authRequested === "TLS") {
      host.raise("ftp_starttls", host.conn());
      const ssl = host.addChild("SSL");
      if (ssl !== null) {
        this.ssl = ssl;
        this.adat = null;
        this.tlsActive = true;
      }
    }
    if (code === 334 && this.authRequested === "GSSAPI") {
      // The server goes on with an ADAT exchange: GSI's tokens are TLS records in base64.
      const ssl = host.addChild("SSL");
      if (ssl !== null) {
        // Zeek gives the SSL child two FTP_ADAT support analyzers (one per side): ids after SSL's.
        host.takeAnalyzerId();
        host.takeAnalyzerId();
        this.ssl = ssl;
        this.adat = new AdatFilter(host, ssl, () => {
          this.adat = null;
        });
      }
    }
    host.raise("ftp_reply", host.conn(), code, latin1(line.subarray(msgStart)), cont);
    return true;
  }

  private forwardRaw(isOrig: boolean, seq: number, data: Uint8Array): void {
    if (this.ssl?.active === true) this.ssl.deliverStream(isOrig, seq, data);
  }
}

/**
 * Zeek's ftp/dpd.sig: a USER command from the client and, from the server, a
 * greeting (120/220) followed by 230 or 331, enable FTP.
 */
const FTP_SIGNATURES = [
  { id: "dpd_ftp_client", proto: "tcp", tcpState: "originator", payload: "(|.*[\\n\\r]) *[uU][sS][eE][rR] " },
  {
    id: "dpd_ftp_server",
    proto: "tcp",
    tcpState: "responder",
    requiresReverse: "dpd_ftp_client",
    enable: "ftp",
    payload: "[\\n\\r ]*(120|220)[^0-9].*[\\n\\r] *(230|331)[^0-9]",
  },
] as const;

/** FTP: FTP::ports (21, and 2811 for GridFTP) and DPD. */
export const FTP: AnalyzerComponent = {
  name: "FTP",
  script: "base/protocols/ftp",
  /** Zeek's constructor makes a NVT_Analyzer per side (on TCP). */
  supportAnalyzers: 2,
  tcpPorts: [21, 2811],
  signatures: FTP_SIGNATURES,
  stream: (host) => new FtpAnalyzer(host),
};

export { FTP_DATA };
