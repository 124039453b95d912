/**
 * Zeek's BitTorrent tracker analyzer (BITTORRENTTRACKER; BitTorrentTracker.cc):
 * the announce requests a client sends a tracker over HTTP (`GET <uri>
 * HTTP/1.x`, headers, an empty line) and the tracker's replies (status line,
 * headers, a bencoded dictionary as body: ./bencode.ts). A request raises
 * bt_tracker_request when its headers end, a 200 reply bt_tracker_response
 * when its dictionary closes (its compact "peers" string as a set of peers,
 * every other member in a table), another status bt_tracker_response_not_ok
 * at the end of its headers; either confirms. Keep-alive connections
 * (HTTP/1.1, or any Connection header but "close") go on to the next
 * exchange. As in Zeek, the header tables are always empty (Zeek stores no
 * header: its BTTRACKER_STORE_HEADERS is off).
 *
 * Its limits and malformations are Zeek's: each side is read into a buffer
 * of 2,047 bytes, emptied only between keep-alive exchanges, and a delivery
 * that would overflow it is a violation that stops the side ("request/
 * response message too long"); a line is cut at its last CR and a NUL hides
 * the line's end; an invalid request line, header, status line or
 * bencoding is a violation that stops the side; lines after a request
 * without keep-alive are the weird bittorrent_tracker_data_post_request
 * (and bt_tracker_weird); a content gap stops the side. Partial connections
 * are not read.
 *
 * Compact peers are reported as Zeek reports them on the little-endian hosts
 * it runs on: it reads the address and port in network order and then hands
 * them to functions that take network order, so the address's bytes come
 * reversed and the port's swapped (a port whose low byte is 0x80 or more
 * gets 0xff as its other byte, C's sign extension of a char).
 *
 * No base script registers it: a signature (`enable "bittorrenttracker"`)
 * or `engine.registerForPort("BITTORRENTTRACKER", 6969)` starts it.
 */
import { registerEvents } from "../../../event/events.js";
import type { Connection } from "../../../event/records.js";
import { latin1 } from "../../../packet/bytes.js";
import type { AnalyzerComponent, AnalyzerHost, StreamAnalyzer } from "../analyzer.js";
import { BencReader, BencType, type Span } from "./bencode.js";

/** bittorrent_peer: a peer of a tracker's reply. */
export interface BittorrentPeer {
  readonly h: string;
  /** The port (tcp). */
  readonly p: number;
}

/** bittorrent_benc_value: one of its fields is set, by the member's type (bencoded text for d and l). */
export interface BittorrentBencValue {
  i?: number;
  s?: string;
  d?: string;
  l?: string;
}

/** bt_tracker_headers (always empty, as Zeek's). */
export type BtTrackerHeaders = Map<string, string>;

export interface BittorrentTrackerEvents {
  /** An announce request whose headers ended: its URI. */
  bt_tracker_request: [c: Connection, uri: string, headers: BtTrackerHeaders];
  /** A 200 reply whose bencoded dictionary closed: the compact peers and the other members. */
  bt_tracker_response: [c: Connection, status: number, headers: BtTrackerHeaders, peers: Set<BittorrentPeer>, benc: Map<string, BittorrentBencValue>];
  /** A reply of another status, at its headers' end. */
  bt_tracker_response_not_ok: [c: Connection, status: number, headers: BtTrackerHeaders];
  /** Something the analyzer finds odd (lines after a request). */
  bt_tracker_weird: [c: Connection, is_orig: boolean, msg: string];
}

declare module "../../../event/events.js" {
  interface EventMap extends BittorrentTrackerEvents {}
}

registerEvents<BittorrentTrackerEvents>({
  bt_tracker_request: true,
  bt_tracker_response: true,
  bt_tracker_response_not_ok: true,
  bt_tracker_weird: true,
});

/** Zeek's BTTRACKER_BUF, of which one byte is its C string's NUL. */
export const TRACKER_BUFFER = 2048;
const LF = 0x0a;
const CR = 0x0d;

const GET_LINE = /^GET[ \t]+([^ \t]+)/i;
const VERSION = /^[ \t]+HTTP\/[0-9.]+$/i;
const HEADER = /^([^: \t]+):[ ]*/i;
const STATUS_LINE = /^HTTP\/[0-9.]* /i;

const enum Request {
  Get,
  Header,
  Done,
}

const enum Response {
  Status,
  Header,
  Body,
  Done,
}

/** One side's bytes: a bounded buffer read line by line, and where reading is. */
class SideBuffer {
  readonly buf = new Uint8Array(TRACKER_BUFFER);
  len = 0;
  pos = 0;
  stopped = false;

  /** Appends a delivery; false when it would not fit (Zeek keeps room for its NUL). */
  append(data: Uint8Array): boolean {
    if (this.len + data.length > TRACKER_BUFFER - 1) return false;
    this.buf.set(data, this.len);
    this.len += data.length;
    return true;
  }

  /**
   * The next whole line from `pos`, without its LF and from its last CR on;
   * null when no LF comes before the end or a NUL (C's strchr stops there).
   * `pos` moves past the LF.
   */
  nextLine(): string | null {
    for (let i = this.pos; i < this.len; i++) {
      const c = this.buf[i]!;
      if (c === 0) return null;
      if (c !== LF) continue;
      const cr = this.buf.subarray(this.pos, i).lastIndexOf(CR);
      const line = latin1(this.buf.subarray(this.pos, cr < 0 ? i : this.pos + cr));
      this.pos = i + 1;
      return line;
    }
    return null;
  }

  /** Drops what was read (between keep-alive exchanges). */
  compact(): void {
    this.buf.copyWithin(0, this.pos, this.len);
    this.len -= this.pos;
    this.pos = 0;
  }
}

/** C's sscanf("%lu") of a status: blanks, a sign, digits (none: 0; saturated at 64 bits; negative wraps). */
function cStatus(text: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?)(\d+)/.exec(text);
  if (m === null) return 0;
  const max = (1n << 64n) - 1n;
  let v = BigInt(m[2]!);
  if (v > max) v = max;
  if (m[1] === "-" && v !== 0n) v = (1n << 64n) - v;
  return Number(v);
}

/** A compact peer as Zeek on a little-endian host reports it (see the file's comment). */
function compactPeer(b: Uint8Array, at: number): BittorrentPeer {
  const hi = b[at + 4]!;
  const lo = b[at + 5]!;
  const host16 = lo < 0x80 ? (hi << 8) | lo : 0xff00 | lo;
  return { h: `${b[at + 3]}.${b[at + 2]}.${b[at + 1]}.${b[at]}`, p: ((host16 & 0xff) << 8) | (host16 >> 8) };
}

/** A reply being read: its status and what its dictionary held so far. */
class Reply {
  status = 0;
  readonly peers = new Set<BittorrentPeer>();
  private readonly peerKeys = new Set<string>();
  readonly benc = new Map<string, BittorrentBencValue>();
  readonly reader: BencReader;

  constructor(buf: Uint8Array) {
    this.reader = new BencReader({
      member: (key, type, value) => this.member(buf, key, type, value),
      integer: (key, value) => void this.benc.set(latin1(buf.subarray(key.start, key.start + key.len)), { i: value }),
    });
  }

  private member(buf: Uint8Array, key: Span, type: BencType, value: Span): void {
    const name = latin1(buf.subarray(key.start, key.start + key.len));
    const bytes = buf.subarray(value.start, value.start + value.len);
    // Zeek reads "peers" as compact peers whatever its type, an odd tail dropped.
    if (name === "peers") return this.addPeers(bytes);
    const text = latin1(bytes);
    this.benc.set(name, type === BencType.STR ? { s: text } : type === BencType.DIR ? { d: text } : { l: text });
  }

  private addPeers(bytes: Uint8Array): void {
    for (let at = 0; bytes.length - at >= 6; at += 6) {
      const peer = compactPeer(bytes, at);
      const key = `${peer.h}/${peer.p}`;
      if (this.peerKeys.has(key)) continue;
      this.peerKeys.add(key);
      this.peers.add(peer);
    }
  }
}

class BittorrentTrackerAnalyzer implements StreamAnalyzer {
  /** Shared by both sides, as in Zeek: the last HTTP version or Connection header seen decides. */
  private keepAlive = false;
  private readonly request = new SideBuffer();
  private requestState = Request.Get;
  private uri = "";
  private readonly response = new SideBuffer();
  private responseState = Response.Status;
  private allowBlankLine = false;
  private reply = new Reply(this.response.buf);

  constructor(private readonly host: AnalyzerHost) {}

  deliverStream(isOrig: boolean, _seq: number, data: Uint8Array): void {
    if (this.host.isPartial()) return;
    if (isOrig) this.clientData(data);
    else this.serverData(data);
  }

  undelivered(isOrig: boolean): void {
    this.host.violation("BitTorrentTracker: cannot recover from content gap");
    (isOrig ? this.request : this.response).stopped = true;
  }

  endOfData(): void {}

  done(): void {}

  private stop(side: SideBuffer, reason: string): false {
    this.host.violation(reason);
    side.stopped = true;
    return false;
  }

  private clientData(data: Uint8Array): void {
    const side = this.request;
    if (side.stopped) return;
    if (!side.append(data)) return void this.stop(side, "BitTorrentTracker: request message too long");
    for (let line = side.nextLine(); line !== null; line = side.nextLine()) {
      if (!this.requestLine(line)) return;
      if (this.requestState === Request.Done && this.keepAlive) {
        this.requestState = Request.Get;
        side.compact();
      }
    }
  }

  /** One request line; false when it stopped the side. */
  private requestLine(line: string): boolean {
    if (this.requestState === Request.Get) {
      const get = GET_LINE.exec(line);
      if (get === null) return this.stop(this.request, "BitTorrentTracker: invalid HTTP GET");
      const urlEnd = get[0].length;
      const version = VERSION.exec(line.slice(urlEnd));
      if (version !== null) this.keepAlive = version[0].endsWith("1");
      this.uri = version === null ? line.slice(urlEnd - get[1]!.length) : get[1]!;
      this.requestState = Request.Header;
      return true;
    }
    if (this.requestState === Request.Header) {
      if (line === "") return this.emitRequest();
      const header = HEADER.exec(line);
      if (header === null) return this.stop(this.request, "BitTorrentTracker: invalid HTTP request header");
      this.header(header[1]!, line.slice(header[0].length));
      return true;
    }
    if (line !== "") this.postRequestData(line);
    return true;
  }

  private emitRequest(): true {
    this.host.confirm();
    if (this.host.wants("bt_tracker_request")) this.host.raise("bt_tracker_request", this.host.conn(), this.uri, new Map());
    this.requestState = Request.Done;
    return true;
  }

  private postRequestData(line: string): void {
    const msg = `Got post request data: ${line}\n`;
    this.host.weird("bittorrent_tracker_data_post_request", msg);
    if (this.host.wants("bt_tracker_weird")) this.host.raise("bt_tracker_weird", this.host.conn(), true, msg);
  }

  /** Only the Connection header matters: anything but "close" keeps the connection alive. */
  private header(name: string, value: string): void {
    if (name.toLowerCase() === "connection") this.keepAlive = value.toLowerCase() !== "close";
  }

  private serverData(data: Uint8Array): void {
    const side = this.response;
    if (side.stopped || this.responseState === Response.Done) return;
    if (!side.append(data)) return void this.stop(side, "BitTorrentTracker: response message too long");
    for (;;) {
      if (!this.responseLines()) return;
      if (this.responseState !== Response.Body || side.pos >= side.len) return;
      this.body();
      // body() may have ended the reply.
      if ((this.responseState as Response) !== Response.Done || this.reply.status !== 200 || !this.keepAlive) return;
      this.nextExchange();
    }
  }

  /** The reply's lines up to its body; false when a line stopped the side. */
  private responseLines(): boolean {
    const side = this.response;
    while (this.responseState !== Response.Body && side.pos < side.len) {
      const line = side.nextLine();
      if (line === null) return true;
      if (!this.responseLine(line)) return false;
    }
    return true;
  }

  private responseLine(line: string): boolean {
    if (this.responseState === Response.Status) {
      // A keep-alive connection may put an empty line after the dictionary.
      if (this.allowBlankLine && line === "") {
        this.allowBlankLine = false;
        return true;
      }
      const status = STATUS_LINE.exec(line);
      if (status === null) return this.stop(this.response, "BitTorrentTracker: invalid HTTP status");
      this.reply.status = cStatus(line.slice(status[0].length));
      this.responseState = Response.Header;
      return true;
    }
    if (this.responseState !== Response.Header) return true;
    if (line === "") return this.endOfHeaders();
    const header = HEADER.exec(line);
    if (header === null) return this.stop(this.response, "BitTorrentTracker: invalid HTTP response header");
    this.header(header[1]!, line.slice(header[0].length));
    return true;
  }

  private endOfHeaders(): true {
    const status = this.reply.status;
    if (status === 200) {
      this.responseState = Response.Body;
      return true;
    }
    if (this.host.wants("bt_tracker_response_not_ok")) this.host.raise("bt_tracker_response_not_ok", this.host.conn(), status, new Map());
    // The rest of the reply, and of the connection's replies, is not read.
    this.response.pos = this.response.len;
    this.responseState = Response.Done;
    return true;
  }

  private body(): void {
    const side = this.response;
    const result = this.reply.reader.read(side.buf, side.pos, side.len);
    side.pos = result.pos;
    if (result.error !== undefined) return void this.stop(side, result.error);
    if (!result.done) return;
    this.host.confirm();
    const { status, peers, benc } = this.reply;
    if (this.host.wants("bt_tracker_response")) this.host.raise("bt_tracker_response", this.host.conn(), status, new Map(), peers, benc);
    this.responseState = Response.Done;
  }

  private nextExchange(): void {
    this.responseState = Response.Status;
    this.allowBlankLine = true;
    this.response.compact();
    this.reply = new Reply(this.response.buf);
  }
}

/** Zeek's BitTorrent tracker analyzer: no base script registers it (no port, no signature). */
export const BITTORRENTTRACKER: AnalyzerComponent = {
  name: "BITTORRENTTRACKER",
  script: "",
  stream: (host) => new BittorrentTrackerAnalyzer(host),
};
