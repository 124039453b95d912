/**
 * The HTTP analyzer (Zeek's HTTP_Analyzer): request and reply lines, headers
 * and bodies of both sides, paired with pipelining (unanswered requests are
 * queued), 1xx interim replies, HEAD/204/304 without bodies, bodies framed by
 * Content-Length, chunked transfer or the connection's end, CONNECT and
 * Upgrade (after which the stream goes to a child analyzer), HTTP/0.9, and
 * content gaps. Zeek's events and weirds; each body goes to the files
 * framework with the handle the http script gives (get_file_handle).
 */

import { latin1 } from "../../../packet/bytes.js";
import type { AnalyzerComponent, AnalyzerHost, AppAnalyzer, ChildStream, HttpSignatureMatcher } from "../analyzer.js";
import { ContentLine, type LineConsumer } from "./content-line.js";
import { Body, HttpMessage, type MessageOwner } from "./entity.js";
import type { HttpMessageStat, MimeHeaderRec } from "./events.js";
import "./events.js";
import { iequal, valueToken } from "./mime.js";
import { bindHttpWeirds, HTTP_MAX_PENDING_REQUESTS, httpFileHandle, httpHandleIsConnBound, httpPendingRequests } from "./script.js";

const enum ReqState {
  ExpectLine,
  ExpectMessage,
  ExpectTrailer,
  ExpectNothing,
}

const enum RepState {
  ExpectLine,
  ExpectMessage,
  ExpectTrailer,
  ExpectNothing,
  ExpectHttp09,
}

const enum Ch {
  Space = 0x20,
  Tab = 0x09,
}

/** A table of 256 bytes: 1 for the bytes `test` accepts (a byte test per character of a line, not a string search). */
function byteTable(test: (c: number) => boolean): Uint8Array {
  const t = new Uint8Array(256);
  for (let c = 0; c < 256; c++) t[c] = test(c) ? 1 : 0;
  return t;
}

/** RFC 2616 token characters (Zeek's is_HTTP_token_char). */
const TOKEN_CHARS = byteTable((c) => c > 31 && c < 127 && !'()<>@,;:\\"/[]?={} \t'.includes(String.fromCharCode(c)));

/** Reserved and unreserved URI characters and '%' (Zeek's is_reserved_URI_char, is_unreserved_URI_char). */
const URI_CHARS = byteTable(
  (c) =>
    ":/?#[]@!$&'()*+,;=%".includes(String.fromCharCode(c)) ||
    (c >= 0x30 && c <= 0x39) ||
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0x61 && c <= 0x7a) ||
    "-_.!~*'()".includes(String.fromCharCode(c)),
);

function isSpaceChar(c: number): boolean {
  return c === Ch.Space || (c >= 9 && c <= 13);
}

function skipWhitespace(s: string, i: number): number {
  while (i < s.length && isSpaceChar(s.charCodeAt(i))) i++;
  return i;
}

/** The rest of `s` from `i` when it starts with `prefix` (case-insensitively when asked), else -1. */
function prefixMatch(s: string, i: number, prefix: string, ignoreCase: boolean): number {
  if (s.length - i < prefix.length) return -1;
  for (let k = 0; k < prefix.length; k++) {
    const a = s.charCodeAt(i + k);
    const b = prefix.charCodeAt(k);
    if (a !== b && !(ignoreCase && isAsciiLetter(b) && (a | 0x20) === (b | 0x20))) return -1;
  }
  return i + prefix.length;
}

function isAsciiLetter(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** strncasecmp(method, word, method.length) === 0: the method is a case-insensitive prefix of `word`. */
function methodIs(method: string, word: string): boolean {
  return method.length <= word.length && word.slice(0, method.length).toLowerCase() === method.toLowerCase();
}

function isXdigit(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

/** Where unescapeUri reports its weirds (an analyzer's host: no closure made per request line). */
export interface UriWeirds {
  weird(name: string): void;
}

/** Zeek's unescape_URI: %XX and %uXXXX decoded, with its weirds. */
export function unescapeUri(uri: string, reports: UriWeirds): string {
  if (!uri.includes("%")) return uri;
  let out = "";
  const n = uri.length;
  for (let i = 0; i < n; i++) {
    const ch = uri[i]!;
    if (ch !== "%") {
      out += ch;
      continue;
    }
    i++;
    if (i === n) {
      out += "%";
      reports.weird("illegal_%_at_end_of_URI");
      break;
    }
    if (i + 1 === n) {
      out += `%${uri[i]}`;
      reports.weird("partial_escape_at_end_of_URI");
      break;
    }
    const a = uri.charCodeAt(i);
    const b = uri.charCodeAt(i + 1);
    if (uri[i] === "%") {
      reports.weird("double_%_in_URI");
      i--; // the second '%' starts the escape
    } else if (isXdigit(a) && isXdigit(b)) {
      out += String.fromCharCode(parseInt(uri.slice(i, i + 2), 16));
      i++;
    } else if (n - i >= 5 && uri[i] === "u" && [1, 2, 3, 4].every((k) => isXdigit(uri.charCodeAt(i + k)))) {
      if (!(uri[i + 1] === "0" && uri[i + 2] === "0")) out += String.fromCharCode(parseInt(uri.slice(i + 1, i + 3), 16));
      out += String.fromCharCode(parseInt(uri.slice(i + 3, i + 5), 16));
      i += 4;
    } else {
      reports.weird("unescaped_%_in_URI");
      out += `%${uri[i]}`;
    }
  }
  return out;
}

/** A version as major*10+minor; 0 unset. */
function versionText(v: number): string {
  return v === 0 ? "0.0" : `${Math.floor(v / 10)}.${v % 10}`;
}

class HttpAnalyzer implements AppAnalyzer, LineConsumer, MessageOwner {
  private readonly lines: [ContentLine, ContentLine];
  private requestState = ReqState.ExpectLine;
  private replyState = RepState.ExpectLine;
  private requestMessage: HttpMessage | null = null;
  private replyMessage: HttpMessage | null = null;
  private requestOngoing = false;
  private replyOngoing = false;
  private numRequests = 0;
  private numReplies = 0;
  private keepAlive = false;
  connectionClose = false;
  replyCode = 0;
  private reasonPhrase: string | null = null;
  private requestVersion = 0;
  private replyVersion = 0;
  private requestMethod = "";
  private requestUri = "";
  private unescapedUri = "";
  private readonly unanswered: string[] = [];
  private connectRequest = false;
  private upgradeConnection = false;
  private upgradeProtocol = "";
  private upgraded = false;
  /** The analyzer the stream goes to after CONNECT or Upgrade. */
  private tunnel: ChildStream | null = null;
  private forwarding = false;
  private finished = false;
  private partial: boolean | null = null;
  private weirdsBound = false;

  /** User signatures' http-* patterns, null unless some loaded signature has one (then each hook below is this one test). */
  readonly signatures: HttpSignatureMatcher | null;

  constructor(private readonly host: AnalyzerHost) {
    this.lines = [new ContentLine(true, this), new ContentLine(false, this)];
    this.signatures = host.httpSignatures?.() ?? null;
    // Set by a removal during a delivery, rarely and late: known as mutable from the start (see doubles.ts).
    this.doneDeferred = false;
  }

  // ---------------------------------------------------------------- stream in

  /** Calls under way into this analyzer: a removal during one (a handler run by a drain) waits for it to return, as Zeek's. */
  private busy = 0;
  private doneDeferred = false;

  deliverStream(isOrig: boolean, seq: number, data: Uint8Array): void {
    this.busy++;
    try {
      this.deliver(isOrig, seq, data);
    } finally {
      this.leave();
    }
  }

  private leave(): void {
    if (--this.busy === 0 && this.doneDeferred) {
      this.doneDeferred = false;
      this.done();
    }
  }

  private deliver(isOrig: boolean, _seq: number, data: Uint8Array): void {
    if (this.finished) return;
    if (this.partial === null) this.partial = this.host.isPartial();
    if (this.partial) {
      // Zeek's client-side line splitter still cuts a partial connection's lines (its
      // weirds are reported) while HTTP ignores them; the server side's skips partial
      // connections (SetSkipPartial).
      if (isOrig) this.lines[0].deliver(data);
      return;
    }
    if (this.forwarding) {
      this.forward(isOrig, data);
      return;
    }
    if (this.replyState === RepState.ExpectHttp09 && !isOrig) {
      this.http09Reply(data);
      return;
    }
    this.lines[isOrig ? 0 : 1].deliver(data);
  }

  undelivered(isOrig: boolean, seq: number, len: number): void {
    if (this.finished || this.partial === true) return;
    if (this.forwarding) {
      if (this.tunnel?.active) this.tunnel.undelivered(isOrig, seq, len);
      return;
    }
    // As Zeek's HTTP_Analyzer::Undelivered: a side whose deliveries are
    // skipped after an earlier gap still hands each later gap to its last
    // message, whose entity passes it to the file (a body's file goes on
    // collecting missing bytes). Zeek gates only the content-gap event, on
    // bytes the line splitter was told to skip, which HTTP never does.
    const msg = isOrig ? this.requestMessage : this.replyMessage;
    const line = this.lines[isOrig ? 0 : 1];
    if (msg !== null) msg.submitEvent("content gap", `seq=${seq}, len=${len}`);
    if (msg?.undelivered(len)) return;
    if (isOrig) {
      this.requestMade(true, "message interrupted by a content gap");
      this.replyMade(true, "message interrupted by a content gap");
    } else this.replyMade(true, "message interrupted by a content gap");
    line.skip = true;
  }

  endOfData(isOrig: boolean): void {
    if (this.finished) return;
    // After an upgrade the line splitters are gone and the tunnel gets the end first; a
    // message still under way (a request sent behind the upgrade) ends all the same, as
    // Zeek's EndpointEOF ends it whether upgraded or not.
    if (this.forwarding) {
      if (this.tunnel?.active) this.tunnel.endOfData(isOrig);
    } else this.lines[isOrig ? 0 : 1].endOfData();
    if (isOrig) this.requestMade(false, "message ends as connection contents are completely delivered");
    else this.replyMade(false, "message ends as connection contents are completely delivered");
  }

  /** Zeek's HTTP_Analyzer::PacketWithRST: messages under way end there, interrupted. */
  packetWithRst(): void {
    if (this.finished) return;
    this.busy++;
    try {
      this.requestMade(true, "message interrupted by RST");
      this.replyMade(true, "message interrupted by RST");
    } finally {
      this.leave();
    }
  }

  done(): void {
    if (this.finished) return;
    if (this.busy > 0) {
      this.doneDeferred = true;
      return;
    }
    this.requestMade(true, "message interrupted when connection done");
    this.replyMade(true, "message interrupted when connection done");
    this.requestMessage = null;
    this.replyMessage = null;
    this.genStats();
    this.fileEndByHandle(true);
    this.finished = true;
    for (const line of this.lines) line.stopped = true;
  }

  private forward(isOrig: boolean, data: Uint8Array): void {
    if (this.tunnel?.active) this.tunnel.deliverStream(isOrig, 0, data);
  }

  // ---------------------------------------------------------------- lines

  lineWeird(name: string, addl?: string): void {
    // Zeek's ContentLine_Analyzer reports these under its own name.
    this.host.weird(name, addl, "CONTENTLINE");
  }

  onData(isOrig: boolean, data: Uint8Array, plain: boolean): void {
    if (this.finished || this.partial === true) return;
    if (this.forwarding) {
      this.forward(isOrig, data);
      return;
    }
    if (plain) {
      const msg = isOrig ? this.requestMessage : this.replyMessage;
      if (msg !== null) msg.deliver(data, false);
      else this.host.weird(isOrig ? "unexpected_client_HTTP_data" : "unexpected_server_HTTP_data");
      return;
    }
    if (isOrig) this.requestLine(data);
    else this.replyLine(data);
  }

  private requestLine(data: Uint8Array): void {
    switch (this.requestState) {
      case ReqState.ExpectLine: {
        const line = latin1(data);
        const res = this.parseRequestLine(line);
        if (res > 0) {
          this.numRequests++;
          if (!this.keepAlive && this.numRequests > 1) this.host.weird("unexpected_multiple_HTTP_requests");
          this.requestState = ReqState.ExpectMessage;
          this.requestOngoing = true;
          this.unanswered.push(this.requestMethod);
          this.httpRequest();
          this.requestMessage = this.initMessage(this.requestMessage, true, Body.Maybe, data.length);
          if (this.requestVersion === 9) {
            if (this.requestMethod !== "GET") this.host.weird("invalid_http_09_request_method", this.requestMethod);
            if (this.replyMessage !== null) {
              this.host.weird("http_09_reply_before_request");
              this.replyMessage.done();
              this.replyMessage = null;
            }
            this.replyState = RepState.ExpectHttp09;
          }
        } else if (res === 0) {
          if (!this.requestExpected()) this.httpEvent("crud_trailing_HTTP_request", line);
          else if (data.length === 0) this.host.weird("empty_http_request");
          else {
            this.host.violation("not a http request line"); // no data either: failure_data stays unset
            this.requestState = ReqState.ExpectNothing;
          }
        }
        break;
      }
      case ReqState.ExpectMessage:
        this.requestMessage?.deliver(data, true);
        break;
      default:
        break;
    }
  }

  /** Zeek's RequestExpected: the first request, or keep-alive. */
  private requestExpected(): boolean {
    return this.numRequests === 0 || this.keepAlive;
  }

  private replyLine(data: Uint8Array): void {
    switch (this.replyState) {
      case RepState.ExpectLine: {
        const line = latin1(data);
        if (this.parseReplyLine(line)) {
          this.numReplies++;
          if (this.unanswered.length > 0) this.host.confirm();
          this.replyState = RepState.ExpectMessage;
          this.replyOngoing = true;
          this.httpReply();
          if (this.connectRequest && this.replyCode !== 200) this.connectRequest = false;
          this.replyMessage = this.initMessage(this.replyMessage, false, this.expectReplyBody(), data.length);
        } else if (data.length > 0) {
          this.host.violation("not a http reply line"); // Zeek passes no data: analyzer.log's failure_data stays unset
          this.replyState = RepState.ExpectNothing;
        }
        break;
      }
      case RepState.ExpectMessage:
        this.replyMessage?.deliver(data, true);
        if (this.connectRequest && data.length === 0 && !this.finished) this.startTunnel("protocol_data_with_HTTP_CONNECT_reply", null);
        break;
      default:
        break;
    }
  }

  private http09Reply(data: Uint8Array): void {
    if (this.replyMessage === null) {
      this.setVersion(false, 9);
      if (this.unanswered.length > 0) {
        this.host.confirm();
        this.unanswered.shift();
      }
      this.connectionClose = true;
      this.replyOngoing = true;
      this.httpReply();
      this.replyMessage = this.initMessage(null, false, this.expectReplyBody(), 0);
      this.replyMessage.deliver(EMPTY, true);
    }
    this.replyMessage?.deliver(data, false);
  }

  /** CONNECT or Upgrade: the stream goes on to `child` (by name; null: the one detection finds). */
  private startTunnel(weirdName: string, child: string | null): void {
    const resp = this.lines[1];
    if (resp.remaining > 0) {
      this.host.weird(weirdName, `${resp.remaining}`);
      resp.plain = resp.remaining;
    }
    this.tunnel = child !== null ? this.host.addChild(child) : this.host.addDetection();
    this.forwarding = true;
  }

  // ---------------------------------------------------------------- request/reply lines

  /** 1 a request line, 0 not one (weird reported), -1 a parse failure. */
  private parseRequestLine(line: string): number {
    let endMethod = 0;
    while (endMethod < line.length && TOKEN_CHARS[line.charCodeAt(endMethod)] === 1) endMethod++;
    if (endMethod === 0) {
      if (line.length >= 9 && line.slice(line.length - 9, line.length - 3).toLowerCase() === " http/") this.host.weird("bad_HTTP_request_with_version");
      else this.host.weird("bad_HTTP_request");
      return 0;
    }
    const rest = skipWhitespace(line, endMethod);
    if (rest === endMethod) {
      this.host.weird("bad_HTTP_request");
      return 0;
    }
    this.parseRequest(line, rest);
    if (this.requestVersion === 9) {
      const maybeGet = endMethod >= 3;
      if (!maybeGet || this.requestUri.length === 0) {
        this.host.weird("bad_HTTP_request");
        return 0;
      }
    }
    this.requestMethod = line.slice(0, endMethod);
    // http-request patterns see each request's unescaped URI, whole (Zeek's HTTP_RequestLine).
    if (this.signatures !== null) this.signatures.requestUri(this.unescapedUri);
    return 1;
  }

  private parseRequest(line: string, start: number): void {
    let endUri = start;
    while (endUri < line.length && URI_CHARS[line.charCodeAt(endUri)] === 1) endUri++;
    let match = prefixMatch(line, start, "HTTP/", false);
    if (match < 0) {
      match = prefixMatch(line, start, "HTTP/", true);
      if (match >= 0) this.host.weird("lowercase_HTTP_keyword");
    }
    if (endUri >= line.length && match >= 0) {
      this.host.weird("missing_HTTP_uri");
      endUri = start;
    }
    let versionStart = endUri;
    for (; versionStart < line.length; versionStart++) {
      endUri = versionStart;
      versionStart = skipWhitespace(line, versionStart);
      if (prefixMatch(line, versionStart, "HTTP/", false) >= 0) break;
      if (prefixMatch(line, versionStart, "HTTP/", true) >= 0) {
        this.host.weird("lowercase_HTTP_keyword");
        break;
      }
    }
    if (versionStart >= line.length) this.setVersion(true, 9);
    else if (versionStart + 8 <= line.length) {
      const v = versionStart + 5;
      this.setVersion(true, this.parseVersion(line.slice(v)));
      if (skipWhitespace(line, v + 3) !== line.length) this.httpEvent("crud after HTTP version is ignored", line);
    } else this.httpEvent("bad_HTTP_version", line);
    this.requestUri = line.slice(start, endUri);
    this.unescapedUri = unescapeUri(this.requestUri, this.host);
  }

  private parseVersion(s: string): number {
    const c0 = s.charCodeAt(0);
    const c2 = s.charCodeAt(2);
    if (s.length >= 3 && c0 >= 0x30 && c0 <= 0x39 && s[1] === "." && c2 >= 0x30 && c2 <= 0x39) return (c0 - 0x30) * 10 + (c2 - 0x30);
    this.httpEvent("bad_HTTP_version", s);
    return 0;
  }

  private setVersion(isOrig: boolean, v: number): void {
    const cur = isOrig ? this.requestVersion : this.replyVersion;
    if (cur !== 0 && cur !== v) this.host.weird("HTTP_version_mismatch");
    if (isOrig) this.requestVersion = v;
    else this.replyVersion = v;
    if (v > 10) this.keepAlive = true;
  }

  private parseReplyLine(line: string): boolean {
    let rest = prefixMatch(line, 0, "HTTP/", false);
    if (rest < 0) {
      rest = prefixMatch(line, 0, "HTTP/", true);
      if (rest >= 0) this.host.weird("lowercase_HTTP_keyword");
    }
    if (rest < 0) {
      this.httpEvent("bad_HTTP_reply", line);
      return false;
    }
    this.setVersion(false, this.parseVersion(line.slice(rest)));
    while (rest < line.length && !isLwsCode(line.charCodeAt(rest))) rest++;
    if (rest >= line.length) {
      this.httpEvent("HTTP_reply_code_missing", line);
      return false;
    }
    rest = skipWhitespace(line, rest);
    if (rest + 3 > line.length) {
      this.httpEvent("HTTP_reply_code_missing", line);
      return false;
    }
    const d0 = line.charCodeAt(rest);
    const d1 = line.charCodeAt(rest + 1);
    const d2 = line.charCodeAt(rest + 2);
    this.replyCode = isDigit(d0) && isDigit(d1) && isDigit(d2) ? (d0 - 0x30) * 100 + (d1 - 0x30) * 10 + (d2 - 0x30) : 0;
    for (rest += 3; rest < line.length; rest++) if (isLwsCode(line.charCodeAt(rest))) break;
    if (rest >= line.length) {
      this.httpEvent("HTTP_reply_reason_phrase_missing", line);
      return true;
    }
    rest = skipWhitespace(line, rest);
    this.reasonPhrase = line.slice(rest);
    return true;
  }

  private expectReplyBody(): Body {
    const method = this.unanswered[0];
    if (method !== undefined && methodIs(method, "HEAD")) return Body.NotExpected;
    const code = this.replyCode;
    if ((code >= 100 && code < 200) || code === 204 || code === 304) return Body.NotExpected;
    return Body.Expected;
  }

  private initMessage(old: HttpMessage | null, isOrig: boolean, expectBody: Body, headerLength: number): HttpMessage {
    if (old !== null && !old.finished) this.host.weird("HTTP_overlapping_messages");
    return new HttpMessage(this, isOrig, expectBody, headerLength);
  }

  // ---------------------------------------------------------------- events

  /** Lets the http script report its weirds through this host; done at the first request or reply (its handlers' first event), not for every analyzer tried. */
  private bindScriptWeirds(): void {
    if (this.weirdsBound) return;
    this.weirdsBound = true;
    this.bindWeirdSink();
  }

  /** The closure is made here, not in bindScriptWeirds: one over `this` costs V8 a context at every call of the method that holds it. */
  private bindWeirdSink(): void {
    bindHttpWeirds(this.host.conn(), (name, addl, source) => this.host.weird(name, addl, source));
  }

  private httpRequest(): void {
    this.bindScriptWeirds();
    this.host.confirm();
    if (methodIs(this.requestMethod, "CONNECT")) this.connectRequest = true;
    // HTTP::max_pending_requests is checked by the http script's http_request handler; its limit
    // weird (with the 'X' history letter) needs the engine, so it is raised here on the script's count.
    this.host.drainEvents();
    const pending = httpPendingRequests(this.host.conn()) ?? 0;
    if (pending > HTTP_MAX_PENDING_REQUESTS) this.host.limitReached("HTTP_excessive_pipelining", pending, HTTP_MAX_PENDING_REQUESTS);
    if (this.host.wants("http_request")) {
      this.host.raise("http_request", this.host.conn(), this.requestMethod, this.requestUri, this.unescapedUri, versionText(this.requestVersion));
    }
  }

  private httpReply(): void {
    this.bindScriptWeirds();
    if (this.host.wants("http_reply")) {
      this.host.raise("http_reply", this.host.conn(), versionText(this.replyVersion), this.replyCode, this.reasonPhrase ?? "<empty>");
    } else this.reasonPhrase = null;
  }

  httpEvent(category: string, detail: string): void {
    if (this.host.wants("http_event")) this.host.raise("http_event", this.host.conn(), category, detail);
  }

  private requestMade(interrupted: boolean, msg: string): void {
    if (!this.requestOngoing) return;
    this.requestOngoing = false;
    this.requestMessage?.done(interrupted, msg);
    this.requestMethod = "";
    this.requestState = interrupted ? ReqState.ExpectNothing : ReqState.ExpectLine;
  }

  private replyMade(interrupted: boolean, msg: string): void {
    if (!this.replyOngoing) return;
    this.replyOngoing = false;
    this.replyMessage?.done(interrupted, msg);
    if ((this.replyCode < 100 || this.replyCode >= 200) && this.unanswered.length > 0) this.unanswered.shift();
    this.reasonPhrase = null;
    if (this.replyCode === 101 && this.unanswered.length === 1 && this.upgradeConnection && this.upgradeProtocol !== "") this.upgrade();
    this.replyCode = 0;
    this.upgradeConnection = false;
    this.upgradeProtocol = "";
    this.replyState = interrupted || this.upgraded ? RepState.ExpectNothing : RepState.ExpectLine;
  }

  private upgrade(): void {
    const proto = this.upgradeProtocol;
    // HTTP::upgrade_analyzers, as sent and then in lower case; none: detection on what follows.
    const table = this.host.settings["HTTP::upgrade_analyzers"];
    const child = table.get(proto) ?? table.get(proto.toLowerCase()) ?? null;
    this.startTunnel("protocol_data_with_HTTP_upgrade_reply", child);
    this.upgraded = true;
    if (this.host.wants("http_connection_upgrade")) this.host.raise("http_connection_upgrade", this.host.conn(), proto);
  }

  private genStats(): void {
    if (this.host.wants("http_stats")) {
      this.host.raise("http_stats", this.host.conn(), {
        num_requests: this.numRequests,
        num_replies: this.numReplies,
        request_version: this.requestVersion / 10,
        reply_version: this.replyVersion / 10,
      });
    }
  }

  // ---------------------------------------------------------------- MessageOwner

  takeAnalyzerId(): void {
    this.host.takeAnalyzerId();
  }

  weird(name: string, addl?: string, source?: string): void {
    this.host.weird(name, addl, source);
  }

  limitReached(name: string, n: number): void {
    this.host.limitReached(name, n);
  }

  beginEntity(isOrig: boolean): void {
    if (this.host.wants("http_begin_entity")) this.host.raise("http_begin_entity", this.host.conn(), isOrig);
  }

  endEntity(isOrig: boolean): void {
    if (this.host.wants("http_end_entity")) this.host.raise("http_end_entity", this.host.conn(), isOrig);
  }

  header(isOrig: boolean, name: string, value: string): void {
    if (iequal(name, "connection")) {
      const t = firstToken(value).toLowerCase();
      if (isOrig && t === "keep-alive") this.keepAlive = true;
      if (!isOrig) {
        if (t === "close") this.connectionClose = true;
        else if (t === "upgrade") this.upgradeConnection = true;
      }
    }
    if (!isOrig && iequal(name, "upgrade")) this.upgradeProtocol = firstToken(value);
    if (this.host.wants("http_header")) {
      // As Zeek, header patterns are matched only when http_header has a handler (the http scripts have one).
      if (this.signatures !== null) this.signatures.header(isOrig, name, value);
      this.host.raise("http_header", this.host.conn(), isOrig, name, name.toUpperCase(), value);
    }
  }

  wantsAllHeaders(): boolean {
    return this.host.wants("http_all_headers");
  }

  allHeaders(isOrig: boolean, list: readonly MimeHeaderRec[]): void {
    if (this.host.wants("http_all_headers")) this.host.raise("http_all_headers", this.host.conn(), isOrig, list);
  }

  contentType(isOrig: boolean, ty: string, subty: string): void {
    if (this.host.wants("http_content_type")) this.host.raise("http_content_type", this.host.conn(), isOrig, ty, subty);
  }

  entityData(isOrig: boolean, data: Uint8Array): void {
    if (this.host.wants("http_entity_data")) this.host.raise("http_entity_data", this.host.conn(), isOrig, data.length, latin1(data));
  }

  messageDone(isOrig: boolean, stat: HttpMessageStat): void {
    if (this.host.wants("http_message_done")) this.host.raise("http_message_done", this.host.conn(), isOrig, stat);
  }

  messageFinished(isOrig: boolean): void {
    if (isOrig) this.requestMade(false, "message ends normally");
    else this.replyMade(false, "message ends normally");
  }

  setPlainDelivery(isOrig: boolean, len: number): void {
    this.lines[isOrig ? 0 : 1].plain = len;
  }

  setDeliverySize(isOrig: boolean, len: number): void {
    this.lines[isOrig ? 0 : 1].deliveryLength = len;
  }

  multipartLines(isOrig: boolean, on: boolean): void {
    const line = this.lines[isOrig ? 0 : 1];
    line.suppressWeirds = on;
    line.crlfAsEol = !on;
  }

  version(isOrig: boolean): number {
    // Zeek asks the request's version while a request is under way, else the reply's.
    void isOrig;
    return this.requestOngoing ? this.requestVersion : this.replyVersion;
  }

  now(): number {
    return this.host.now();
  }

  fileId(isOrig: boolean): string {
    // Zeek's get_file_handle: the script's state after the events so far.
    this.host.drainEvents();
    const c = this.host.conn();
    const handle = httpFileHandle(c, isOrig);
    if (handle !== "" && httpHandleIsConnBound(c, isOrig)) {
      let used = handlesUsed.get(c);
      if (used === undefined) handlesUsed.set(c, (used = new Set()));
      used.add(handle);
    }
    return this.host.files.fuid(handle);
  }

  fileEndByHandle(isOrig: boolean): void {
    this.host.drainEvents();
    const c = this.host.conn();
    // A handle of this connection's alone that never named a file here names no open file:
    // no need to hash it (most messages have no body; their handles are new), nor to make it
    // when the connection named no file yet.
    const connBound = httpHandleIsConnBound(c, isOrig);
    const used = handlesUsed.get(c);
    if (connBound && used === undefined) return;
    const handle = httpFileHandle(c, isOrig);
    if (handle === "") return;
    if (connBound && used?.has(handle) !== true) return;
    this.host.files.endOfFile(this.host.files.fuid(handle));
  }

  fileDataIn(id: string, isOrig: boolean, data: Uint8Array, offset?: number): string {
    return this.host.files.dataIn(id, isOrig, data, offset);
  }

  fileSetSize(id: string, isOrig: boolean, size: number): string {
    return this.host.files.setSize(id, isOrig, size);
  }

  fileGap(id: string, isOrig: boolean, offset: number, len: number): string {
    return this.host.files.gap(id, isOrig, offset, len);
  }

  fileEnd(id: string): void {
    this.host.files.endOfFile(id);
  }
}

/** A header value's first token ("" when it has none). */
function firstToken(value: string): string {
  return valueToken(value)?.token ?? "";
}

function isLwsCode(c: number): boolean {
  return c === Ch.Space || c === Ch.Tab;
}

const EMPTY = new Uint8Array(0);

/**
 * The connection-bound file handles HTTP asked a fuid for, per connection
 * (shared by the HTTP analyzers of one connection: SOCKS or a tunnel may
 * start a second one).
 */
const handlesUsed = new WeakMap<object, Set<string>>();

/** Zeek's http/dpd.sig: a request method on the originator side or a status line on the responder side. */
const SPACE = "[ \\t\\n\\r\\f\\v]";
const HTTP_SIGNATURES = [
  {
    id: "dpd_http_client",
    proto: "tcp",
    tcpState: "originator",
    enable: "http",
    payload: `${SPACE}*(OPTIONS|GET|HEAD|POST|PUT|DELETE|QUERY|ACL|BASELINE-CONTROL|BIND|CHECKIN|CHECKOUT|CONNECT|COPY|LABEL|LINK|LOCK|MERGE|MKACTIVITY|MKCALENDAR|MKCOL|MKREDIRECTREF|MOVE|ORDERPATCH|PATCH|PROPFIND|PROPPATCH|REBIND|REPORT|SEARCH|TRACE|UNBIND|UNCHECKOUT|UNLINK|UNLOCK|UPDATE|VERSION-CONTROL|BCOPY|BDELETE|BMOVE|BPROPFIND|BPROPPATCH|NOTIFY|POLL|SUBSCRIBE|UNSUBSCRIBE|X-MS-ENUMATTS|MKWORKSPACE|RPC_IN_DATA|RPC_OUT_DATA)${SPACE}*`,
  },
  { id: "dpd_http_server", proto: "tcp", tcpState: "responder", enable: "http", payload: "[hH][tT][tT][pP]/[0-9]" },
] as const;

/** The HTTP analyzer component (HTTP::ports and DPD). */
export const HTTP: AnalyzerComponent = {
  name: "HTTP",
  script: "base/protocols/http",
  /** Zeek's constructor makes a ContentLine_Analyzer per side (on TCP). */
  supportAnalyzers: 2,
  tcpPorts: [80, 81, 631, 1080, 3128, 8000, 8080, 8888],
  signatures: HTTP_SIGNATURES,
  stream: (host) => new HttpAnalyzer(host),
};
