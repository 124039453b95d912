/**
 * Where user signatures meet the engine: a packet tap on the session layer
 * (each connection's packets around its transport analyzer, and its
 * removal) and a consumer of TCP streams beside the PIA. Installed only when
 * signatures are loaded; an engine without them runs none of this.
 *
 * As in Zeek, where the PIA matches user signatures along with DPD's:
 * - TCP sides are set up on their first packet (header conditions) and
 *   matched on their reassembled streams; UDP datagrams and ICMP messages
 *   one by one;
 * - TCP and UDP matching stops, as the PIA's buffering does with
 *   dpd_match_only_beginning, once the connection carried more than
 *   dpd_buffer_size bytes or dpd_max_packets chunks (after matching the
 *   chunk that crossed the limit); ICMP matching never stops;
 * - a packet whose checksum is rejected is not matched;
 * - the HTTP analyzer hands http-* patterns their data (HttpSignatureMatcher:
 *   only when some signature has such a pattern), for the whole connection.
 */
import type { AppAnalyzer, HttpSignatureMatcher, LineSignatureMatcher } from "../analyzer/app/analyzer.js";
import type { AnalyzerOwner } from "../analyzer/app/instance.js";
import type { StreamTap } from "../analyzer/app/registry.js";
import type { EventBus } from "../event/bus.js";
import type { EngineSettings } from "../options.js";
import { latin1, u16 } from "../packet/bytes.js";
import { transportChecksumRejected } from "../packet/checksum.js";
import type { Packet } from "../packet/packet.js";
import type { Conn } from "../session/connection.js";
import type { PacketTap } from "../session/manager.js";
import type { CompiledUserSignature, SignatureSet } from "./compiled.js";
import type { SignatureState } from "./events.js";
import type { SignatureFunctions } from "./functions.js";
import { type ChunkFlags, ConnMatch } from "./matcher.js";
import { PATTERN_TYPES } from "./parse.js";
// Registers signature_match with the event names (an engine's bus must know it).
import "./events.js";

const UDP_HEADER = 8;
const ICMP_HEADER = 8;

/** A connection's matching, and its share of the PIA's limits. */
class Tracked {
  readonly match: ConnMatch;
  /** Bytes and chunks matched so far (TCP and UDP), and whether matching stopped at the limit. */
  bytes = 0;
  chunks = 0;
  stopped = false;

  constructor(tap: SignatureTap, conn: Conn) {
    const matched = {
      transport: conn.transport,
      val: () => conn.val(),
      sameIp: () => conn.o0 === conn.r0 && conn.o1 === conn.r1 && conn.o2 === conn.r2 && conn.o3 === conn.r3,
    };
    this.match = new ConnMatch(
      tap.set,
      matched,
      (sig, isOrig, size, data, end) => tap.fire(conn, sig, isOrig, size, data, end),
      (name, sig, isOrig, size, data) => tap.functions.evaluate(name, signatureState(conn, sig, isOrig, size), latin1(data)),
    );
  }
}

/** Zeek's bol/eol/clear of each piece of HTTP data (HTTP.cc's calls of Match), and the pattern type numbers. */
const REQUEST = 1;
const WHOLE: ChunkFlags = { eol: true, clear: true };
const START: ChunkFlags = { eol: false, clear: true };
const MIDDLE: ChunkFlags = { eol: false, clear: false };
const END: ChunkFlags = { eol: true, clear: false };
const COLON = new Uint8Array([0x3a, 0x20]);
const NOTHING = new Uint8Array(0);

/**
 * A connection's http-* matching, as Zeek's HTTP analyzer feeds its rule
 * matcher: the request's unescaped URI whole; each header as its name (new
 * data), ": " and its value (the end: no CR LF); each entity's body after
 * dechunking and decompression, new data at its first piece, and an empty
 * end at the entity's end.
 */
class HttpMatch implements HttpSignatureMatcher {
  constructor(private readonly match: ConnMatch) {}

  requestUri(uri: string): void {
    this.match.matchContent(true, REQUEST, bytes(uri), WHOLE);
  }

  header(isOrig: boolean, name: string, value: string): void {
    const type = isOrig ? REQUEST + 1 : REQUEST + 3;
    this.match.matchContent(isOrig, type, bytes(name), START);
    this.match.matchContent(isOrig, type, COLON, MIDDLE);
    this.match.matchContent(isOrig, type, bytes(value), END);
  }

  body(isOrig: boolean, data: Uint8Array, first: boolean): void {
    this.match.matchContent(isOrig, isOrig ? REQUEST + 2 : REQUEST + 4, data, first ? START : MIDDLE);
  }

  endOfBody(isOrig: boolean): void {
    this.match.matchContent(isOrig, isOrig ? REQUEST + 2 : REQUEST + 4, NOTHING, END);
  }
}

/** A connection's `ftp` or `finger` matching: each request line whole, as Zeek's FTP and Finger analyzers call Match (bol, eol, clear). */
class LineMatch implements LineSignatureMatcher {
  constructor(
    private readonly match: ConnMatch,
    private readonly type: number,
  ) {}

  line(data: Uint8Array): void {
    this.match.matchContent(true, this.type, data, WHOLE);
  }
}

/** A latin1 string's bytes. */
function bytes(s: string): Uint8Array {
  return Uint8Array.from(s, (ch) => ch.charCodeAt(0));
}

/** Zeek's signature_state of a match. */
function signatureState(conn: Conn, sig: CompiledUserSignature, isOrig: boolean, payloadSize: number): SignatureState {
  return { sig_id: sig.sig.id, conn: conn.val(), is_orig: isOrig, payload_size: payloadSize };
}

export class SignatureTap implements PacketTap, StreamTap {
  private readonly conns = new WeakMap<object, Tracked>();

  constructor(
    /** The signatures; replaced when more are loaded before the run starts. */
    public set: SignatureSet,
    private readonly bus: EventBus,
    private readonly settings: EngineSettings,
    /** The eval functions and custom event handlers the policies registered. */
    readonly functions: SignatureFunctions,
  ) {}

  before(conn: Conn, pkt: Packet, isOrig: boolean): void {
    const t = conn.transport;
    if (t === "udp") return; // set up after the analyzers, as Zeek's PIA_UDP is
    if (t !== "tcp" && t !== "icmp") return;
    const tracked = this.tracked(conn);
    if (!tracked.match.started(isOrig) && !this.rejected(pkt)) tracked.match.startSide(isOrig, pkt);
  }

  after(conn: Conn, pkt: Packet, isOrig: boolean): void {
    const t = conn.transport;
    if (t !== "udp" && t !== "icmp") return;
    if (this.rejected(pkt)) return;
    const tracked = this.tracked(conn);
    if (t === "icmp") {
      if (tracked.match.started(isOrig)) tracked.match.match(isOrig, payloadOf(pkt, ICMP_HEADER, pkt.l4Len), true);
      return;
    }
    if (!tracked.match.started(isOrig)) tracked.match.startSide(isOrig, pkt);
    if (tracked.stopped) return;
    const ulen = pkt.l4CapLen >= 6 ? u16(pkt.data, pkt.l4Offset + 4) : pkt.l4Len;
    const payload = payloadOf(pkt, UDP_HEADER, Math.min(ulen, pkt.l4Len));
    if (payload.length > 0) this.count(tracked, payload.length);
    tracked.match.match(isOrig, payload, true);
    tracked.match.endOfDatagram(isOrig);
  }

  removing(conn: Conn): void {
    const tracked = this.conns.get(conn);
    if (tracked === undefined) return;
    this.conns.delete(conn);
    tracked.match.finish();
  }

  /** Some signature enables an analyzer: DPD's buffer is kept for the replay. */
  get holdsDpdBuffer(): boolean {
    return this.set.enables;
  }

  /** The consumer of a TCP connection's streams (the tap is the app registry's streamTap). */
  consumer(owner: AnalyzerOwner): AppAnalyzer {
    const tracked = this.tracked(owner as unknown as Conn);
    return {
      deliverStream: (isOrig, _seq, data) => {
        if (tracked.stopped) return;
        this.count(tracked, data.length);
        tracked.match.match(isOrig, data, false);
      },
      undelivered: () => {
        if (!tracked.stopped) this.count(tracked, 0);
      },
      endOfData: () => {},
      done: () => {},
    };
  }

  /** The HTTP analyzer's way to the connection's http-* patterns; null when no signature has one (it then hands nothing over). */
  httpMatcher(owner: AnalyzerOwner): HttpSignatureMatcher | null {
    return this.set.http ? new HttpMatch(this.tracked(owner as unknown as Conn).match) : null;
  }

  lineMatcher(owner: AnalyzerOwner, type: "ftp" | "finger"): LineSignatureMatcher | null {
    return this.set.has(type) ? new LineMatch(this.tracked(owner as unknown as Conn).match, PATTERN_TYPES.indexOf(type)) : null;
  }

  /** Counts a chunk against the PIA's limits; matching stops after the chunk that crosses them. */
  private count(tracked: Tracked, bytes: number): void {
    tracked.bytes += bytes;
    tracked.chunks++;
    const s = this.settings;
    if (s.dpd_match_only_beginning && (tracked.bytes > s.dpd_buffer_size || tracked.chunks > s.dpd_max_packets)) tracked.stopped = true;
  }

  private tracked(conn: Conn): Tracked {
    let t = this.conns.get(conn);
    if (t === undefined) this.conns.set(conn, (t = new Tracked(this, conn)));
    return t;
  }

  private rejected(pkt: Packet): boolean {
    return transportChecksumRejected(pkt, this.settings);
  }

  /**
   * A signature fired: its actions in order. An event raises
   * signature_match, a custom event its carrier; an enable starts the
   * analyzer on the connection, through DPD's PIA while it buffers (the
   * analyzer is replayed what it buffered, this chunk included), else from
   * the next data on.
   */
  fire(conn: Conn, sig: CompiledUserSignature, isOrig: boolean, payloadSize: number, data: Uint8Array, endOfMatch: number): void {
    // A `file-mime` action says nothing about a connection: file signatures are matched by the files framework.
    for (const action of sig.sig.actions) {
      if (action.kind === "enable") conn.appTree()?.enableForSignature(action.analyzer);
      else if (action.kind === "event") {
        if (this.bus.wants.signature_match)
          this.bus.queue("signature_match", signatureState(conn, sig, isOrig, payloadSize), action.message, latin1(data), endOfMatch);
      } else if (action.kind === "custom-event" && this.bus.wants.signature_custom_event) {
        this.bus.queue("signature_custom_event", action.name, signatureState(conn, sig, isOrig, payloadSize), action.message, latin1(data), endOfMatch);
      }
    }
  }
}

/** A packet's payload past a `header`-byte transport header, as captured, up to `declared` transport bytes. */
function payloadOf(pkt: Packet, header: number, declared: number): Uint8Array {
  const start = pkt.l4Offset + header;
  const end = pkt.l4Offset + Math.min(declared, pkt.l4CapLen);
  return pkt.data.subarray(start, Math.max(start, end));
}
