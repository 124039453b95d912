/**
 * The QUIC analyzer (Zeek's "QUIC", written in Spicy: QUIC.spicy, QUIC.evt,
 * decrypt_crypto.cc), parsing each datagram as Zeek's grammar does:
 *
 * - a datagram holds one or more packets (coalesced); a long header
 *   (Initial, 0-RTT, Handshake, Retry) is read up to its Length, a short
 *   header or a packet with the fixed bit 0 takes the rest of the datagram;
 * - versions: v1, drafts 22-34, Facebook's mvfst and v2 (RFC 9369, other
 *   packet type numbers); any other version raises QUIC::unhandled_version
 *   and fails the analyzer;
 * - each side's Initial packets are decrypted (crypto.ts) with the keys of
 *   the client's first Destination Connection ID, until that side's
 *   ClientHello or ServerHello is complete (a server Initial before any
 *   client one is not). The first decrypted packet confirms QUIC. Its
 *   frames are read (PADDING, PING, ACK, CRYPTO, CONNECTION_CLOSE; any other
 *   type fails the analyzer), CRYPTO frames go through a reassembler keyed
 *   by their offset (Spicy's sink), and the TLS message they carry is
 *   handed to an SSL child analyzer as one TLS 1.3 handshake record (a
 *   5-byte header `16 03 03 LEN`, as QUIC.spicy's protocol_data_in), so
 *   that the SSL analyzer raises the ssl_* events and ssl.log gets its row;
 * - a Retry from the server closes that SSL child and forgets the keys:
 *   the client's next Initial, with the DCID the Retry gave, starts over
 *   with a new SSL child;
 * - short-header packets are counted per side, with an event each time
 *   the count reaches 1, 2, 4, 8, …; packets with the fixed bit 0 after a
 *   decryption raise QUIC::discarded_packet (QUIC::max_discarded_packet_events).
 *
 * As a Spicy analyzer, the first parse error of a datagram is a violation
 * worded as Spicy words it (the message, then the place in QUIC.spicy) and
 * the analyzer parses nothing more; events of that datagram raised before
 * the error stay raised. Ports: 443/udp (also a likely server port), and
 * 853/udp and 784/udp (DNS over QUIC, not server ports); the DPD signatures
 * of quic/dpd.sig find v1 and v2 Initial packets on any port.
 */
import { latin1 } from "../../../packet/bytes.js";
import type { AnalyzerComponent, AnalyzerHost, ChildStream, DatagramAnalyzer } from "../analyzer.js";
import type { Signature } from "../signature.js";
import { decryptInitial, QuicCryptoError, VERSION_2 } from "./crypto.js";
import "./events.js";

/** Where Zeek's grammar is, as the locations of its errors name it (a path in Zeek's source tree). */
const QUIC_SPICY = "/zeek/src/analyzer/protocol/quic/QUIC.spicy";

/** A Spicy runtime error: the analyzer's violation, worded as Zeek's ("message (file:location)"). */
class SpicyError extends Error {
  constructor(message: string, location: string) {
    super(`${message} (${QUIC_SPICY}:${location})`);
  }
}

/** An error Zeek reports as an analyzer error, not a violation (a child that is gone): the analyzer stops quietly. */
class AnalyzerStop extends Error {}

/** Where in QUIC.spicy each error is raised (line:column ranges; tests canonify them away as Zeek's do). */
const AT = {
  varint: "235:5-238:5",
  varintMore: "240:5-242:5",
  version: "300:5-300:20",
  dcidLen: "301:5-303:5",
  dcid: "304:5-304:59",
  scidLen: "305:5-307:5",
  scid: "308:5-308:58",
  unhandledVersion: "333:13-333:62",
  frameType: "340:5-340:57",
  tooMuchCrypto: "356:21-356:105",
  tooMuchCryptoNoLength: "359:21-359:93",
  unhandledFrame: "366:13-366:93",
  cryptoData: "374:5-374:48",
  reason: "407:5-407:63",
  token: "419:5-419:48",
  lengthRequires: "429:5-429:72",
  payload: "435:5-435:50",
  retry: "459:5-462:5",
  shortDcid: "481:5-481:49",
  decrypt: "612:21-619:22",
  decryptionFailed: "638:21-638:45",
  firstByte: "519:5-532:5",
  sink: "351:13-351:67",
} as const;

/** The frame types of QUIC.spicy's FrameType enum, for its error messages. */
const FRAME_TYPES = [
  "PADDING",
  "PING",
  "ACK1",
  "ACK2",
  "RESET_STREAM",
  "STOP_SENDING",
  "CRYPTO",
  "NEW_TOKEN",
  "STREAM1",
  "STREAM2",
  "STREAM3",
  "STREAM4",
  "STREAM5",
  "STREAM6",
  "STREAM7",
  "STREAM8",
  "MAX_DATA",
  "MAX_STREAM_DATA",
  "MAX_STREAMS1",
  "MAX_STREAMS2",
  "DATA_BLOCKED",
  "STREAM_DATA_BLOCKED",
  "STREAMS_BLOCKED1",
  "STREAMS_BLOCKED2",
  "NEW_CONNECTION_ID",
  "RETIRE_CONNECTION_ID",
  "PATH_CHALLENGE",
  "PATH_RESPONSE",
  "CONNECTION_CLOSE1",
  "CONNECTION_CLOSE2",
  "HANDSHAKE_DONE",
];

const enum Frame {
  PADDING = 0x00,
  PING = 0x01,
  ACK1 = 0x02,
  ACK2 = 0x03,
  CRYPTO = 0x06,
  CONNECTION_CLOSE1 = 0x1c,
}

/** Long header packet types, as QUIC.spicy's LongPacketTypeV1 numbers them (v2 maps onto these). */
const enum LongType {
  INITIAL = 0,
  ZERO_RTT = 1,
  HANDSHAKE = 2,
  RETRY = 3,
}

/** RFC 8446: a TLS handshake message is at most 2^14 + 256 bytes (CryptoSinkUnit's &requires). */
const MAX_HANDSHAKE_MESSAGE = 2 ** 14 + 256;
/** CRYPTO data Zeek takes in before the message's length is known. */
const MAX_CRYPTO_WITHOUT_LENGTH = 2000;

/** The versions QUIC.spicy parses with the v1 packet types: drafts 22-34, mvfst's, v1. */
function isV1Parse(v: number): boolean {
  return (v >= 0xff000016 && v <= 0xff000022) || v === 0xfaceb001 || v === 0xfaceb002 || v === 0xfaceb00e || (v >= 0xfaceb011 && v <= 0xfaceb013) || v === 1;
}

/** V2's packet types (RFC 9369 §3.2) as v1's. */
const V2_TYPES = [LongType.RETRY, LongType.INITIAL, LongType.ZERO_RTT, LongType.HANDSHAKE];

/** The bytes of one datagram (or decrypted payload) being parsed, with Spicy's errors when they run out. */
class Cursor {
  constructor(
    readonly d: Uint8Array,
    public at: number,
    readonly end: number,
  ) {}

  get left(): number {
    return this.end - this.at;
  }

  /** An unsigned integer of `n` bytes (Spicy's unpack). */
  uint(n: number, where: string): number {
    if (this.left < n) throw new SpicyError(`expecting ${n} bytes for unpacking value (${plural(this.left)} available)`, where);
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 256 + this.d[this.at + i]!;
    this.at += n;
    return v;
  }

  /** `bytes &size=n`: a view. */
  bytes(n: number, where: string): Uint8Array {
    if (this.left < n) throw new SpicyError(`expected ${n} bytes (${this.left} available)`, where);
    const v = this.d.subarray(this.at, this.at + n);
    this.at += n;
    return v;
  }

  /** `skip bytes &size=n`. */
  skip(n: number, where: string): void {
    if (this.left < n) {
      this.at = this.end;
      throw new SpicyError(`not enough bytes for skipping (${plural(0)} available)`, where);
    }
    this.at += n;
  }

  /** VariableLengthInteger (RFC 9000 §16): its value and how many bytes it took. */
  varint(): number {
    const first = this.uint(1, AT.varint);
    const n = 1 << (first >> 6);
    let v = first & 0x3f;
    for (let i = 1; i < n; i++) v = v * 256 + this.uint(1, AT.varintMore);
    return v;
  }
}

function plural(n: number): string {
  return `${n} byte${n !== 1 ? "s" : ""}`;
}

/** A VariableLengthInteger's size from its first byte. */
function varintSize(first: number): number {
  return 1 << (first >> 6);
}

/**
 * One side's CRYPTO stream: Spicy's sink (reassembly by offset, the first
 * data for a range wins) feeding QUIC.spicy's CryptoSinkUnit, which reads
 * the TLS handshake message's type and length and hands the message to the
 * SSL child as one handshake record, piece by piece as it arrives.
 */
class CryptoSink {
  /** The message's length with its 4-byte header, once known (CryptoSinkUnit's `length`). */
  length = 0;
  /** The whole message went to the SSL child (CryptoSinkUnit's `finished`). */
  finished = false;
  /** Bytes delivered in order so far (the sink's size). */
  size = 0;
  /** The unit failed (its error stays in the sink, as Spicy's): later data is dropped. */
  private failed = false;
  /** The next offset to deliver. */
  private next = 0;
  /** Out-of-order data, sorted by offset, not overlapping. */
  private chunks: { at: number; data: Uint8Array }[] = [];
  private readonly header = new Uint8Array(4);
  private headerLen = 0;
  /** Message bytes still to forward after the header. */
  private remaining = 0;

  constructor(
    private readonly isOrig: boolean,
    private readonly ssl: () => ChildStream | null,
  ) {}

  /** sink.write(data, offset). */
  write(data: Uint8Array, offset: number): void {
    if (data.length === 0) return;
    if (this.chunks.length === 0 && offset === this.next) {
      this.deliver(data);
      return;
    }
    let at = offset;
    let d = data;
    if (at + d.length <= this.next) return; // old data
    if (at < this.next) {
      d = d.subarray(this.next - at);
      at = this.next;
    }
    this.insert(at, d.slice());
    while (this.chunks.length > 0 && this.chunks[0]!.at === this.next) this.deliver(this.chunks.shift()!.data);
  }

  /** Buffers [at, at+d) where nothing is buffered yet (what is buffered wins). */
  private insert(at: number, d: Uint8Array): void {
    const chunks = this.chunks;
    let i = 0;
    while (i < chunks.length && chunks[i]!.at + chunks[i]!.data.length <= at) i++;
    let pos = at;
    let rest = d;
    while (rest.length > 0) {
      const c = chunks[i];
      if (c === undefined || pos + rest.length <= c.at) {
        chunks.splice(i, 0, { at: pos, data: rest });
        return;
      }
      if (pos < c.at) {
        const n = c.at - pos;
        chunks.splice(i, 0, { at: pos, data: rest.subarray(0, n) });
        i++;
        rest = rest.subarray(n);
        pos += n;
        continue;
      }
      // Overlaps c: skip what c has.
      const skip = Math.min(rest.length, c.at + c.data.length - pos);
      rest = rest.subarray(skip);
      pos += skip;
      i++;
    }
  }

  private deliver(data: Uint8Array): void {
    this.size += data.length;
    this.next += data.length;
    if (this.failed) return;
    if (this.finished) throw new SpicyError("more data after sink's unit has already completed parsing", AT.sink);
    let at = 0;
    if (this.headerLen < 4) {
      const n = Math.min(4 - this.headerLen, data.length);
      this.header.set(data.subarray(0, n), this.headerLen);
      this.headerLen += n;
      at = n;
      if (this.headerLen < 4) return;
      this.length = ((this.header[1]! << 16) | (this.header[2]! << 8) | this.header[3]!) + 4;
      if (this.length > MAX_HANDSHAKE_MESSAGE) {
        this.failed = true;
        return;
      }
      const record = new Uint8Array(9);
      record.set([0x16, 0x03, 0x03, (this.length >> 8) & 0xff, this.length & 0xff]);
      record.set(this.header, 5);
      if (!this.forward(record)) return;
      this.remaining = this.length - 4;
    }
    const n = Math.min(this.remaining, data.length - at);
    if (n > 0) {
      if (!this.forward(data.subarray(at, at + n))) return;
      this.remaining -= n;
    }
    if (this.remaining === 0) this.finished = true;
  }

  /** protocol_data_in to the SSL child; false (the unit failed) when there is none. */
  private forward(data: Uint8Array): boolean {
    const ssl = this.ssl();
    if (ssl === null) {
      this.failed = true;
      return false;
    }
    if (!ssl.active) throw new AnalyzerStop("child analyzer SSL no longer exist");
    ssl.deliverStream(this.isOrig, 0, data);
    return true;
  }
}

/** What one long header says (LongHeaderPacket and the type-specific unit after it). */
interface LongHeader {
  version: number;
  dcid: Uint8Array;
  scid: Uint8Array;
  type: LongType;
  /** Where the packet number starts, from the packet's first byte. */
  encryptedOffset: number;
  /** The Length field (packet number, payload and tag). */
  payloadLength: number;
}

/** QUIC.spicy's Context: the connection's state, shared by both sides. */
class QuicContext {
  /** The client's connection id length, from the last decrypted Initial (short headers carry a DCID of it; Zeek uses it both ways). */
  clientCidLen = 0;
  /** The client's first Initial DCID: both sides' Initial keys come from it. */
  initialDcid: Uint8Array | null = null;
  client: CryptoSink | null = null;
  server: CryptoSink | null = null;
  /** The SSL child (undefined: none made since the last reset; null: it could not be made). */
  ssl: ChildStream | null | undefined = undefined;
  totalDecrypted = 0;
  totalDiscarded = 0;
  origShortTotal = 0;
  origShortNext = 1;
  respShortTotal = 0;
  respShortNext = 1;
}

/** QUIC.spicy's short_header_packet_threshold_base. */
const SHORT_HEADER_THRESHOLD_BASE = 2;

class QuicAnalyzer implements DatagramAnalyzer {
  private readonly ctx = new QuicContext();
  /** After an error: nothing more is parsed (the Spicy analyzer's SetSkip). */
  private skipping = false;
  private readonly sslChild = (): ChildStream | null => this.ctx.ssl ?? null;

  constructor(private readonly host: AnalyzerHost) {}

  deliverPacket(isOrig: boolean, data: Uint8Array): void {
    if (this.skipping) return;
    try {
      let at = 0;
      while (at < data.length) at = this.packet(isOrig, data, at);
    } catch (e) {
      if (e instanceof SpicyError) {
        this.skipping = true;
        this.host.violation(e.message, data);
        return;
      }
      if (e instanceof AnalyzerStop) {
        this.skipping = true;
        return;
      }
      throw e;
    }
  }

  done(): void {}

  /** One packet starting at `start`; returns where the next one starts. */
  private packet(isOrig: boolean, d: Uint8Array, start: number): number {
    const ctx = this.ctx;
    const host = this.host;
    // %init: the SSL child once, and both sides' crypto state.
    if (ctx.ssl === undefined) ctx.ssl = host.addChild("SSL", { stream: true });
    if (ctx.client === null || ctx.server === null) {
      ctx.client = new CryptoSink(true, this.sslChild);
      ctx.server = new CryptoSink(false, this.sslChild);
    }
    let crypto: CryptoSink | null = isOrig ? ctx.client : ctx.server;
    const c = new Cursor(d, start, d.length);
    const first = c.uint(1, AT.firstByte);
    if ((first & 0x40) === 0) {
      this.discarded(isOrig);
      return d.length;
    }
    if ((first & 0x80) === 0) {
      c.at = start + 1;
      c.bytes(ctx.clientCidLen, AT.shortDcid);
      this.shortHeader(isOrig);
      return d.length;
    }
    const h = this.longHeader(isOrig, c, start, first);
    if (h.type === LongType.RETRY) {
      this.resetCrypto();
      crypto = null;
    }
    const canDecrypt = h.type === LongType.INITIAL && crypto !== null && (isOrig || ctx.initialDcid !== null) && !crypto.finished;
    if (canDecrypt) {
      const packet = d.subarray(start, c.at);
      if (isOrig) {
        ctx.clientCidLen = h.scid.length;
        if (ctx.initialDcid === null) ctx.initialDcid = h.dcid.slice();
      } else ctx.clientCidLen = h.dcid.length;
      let plain: Uint8Array;
      try {
        plain = decryptInitial(h.version, packet, ctx.initialDcid!, h.encryptedOffset, h.payloadLength, isOrig);
      } catch (e) {
        if (e instanceof QuicCryptoError) throw new SpicyError(e.message, AT.decrypt);
        throw e;
      }
      if (plain.length === 0) throw new SpicyError("decryption failed", AT.decryptionFailed);
      host.confirm();
      ctx.totalDecrypted++;
      this.frames(isOrig, h, plain, crypto!);
    }
    return c.at;
  }

  /** LongHeaderPacket and the unit its type and version choose; raises that packet's event. */
  private longHeader(isOrig: boolean, c: Cursor, start: number, first: number): LongHeader {
    const version = c.uint(4, AT.version);
    const dcid = c.bytes(c.uint(1, AT.dcidLen), AT.dcid);
    const scid = c.bytes(c.uint(1, AT.scidLen), AT.scid);
    const host = this.host;
    const rawType = (first >> 4) & 3;
    let type: LongType;
    if (isV1Parse(version)) type = rawType as LongType;
    else if (version === VERSION_2) type = V2_TYPES[rawType]!;
    else {
      c.at = c.end;
      if (host.wants("QUIC::unhandled_version")) host.raise("QUIC::unhandled_version", host.conn(), isOrig, version, latin1(dcid), latin1(scid));
      throw new SpicyError(`unhandled QUIC version 0x${version.toString(16)}`, AT.unhandledVersion);
    }
    const h: LongHeader = { version, dcid, scid, type, encryptedOffset: 0, payloadLength: 0 };
    switch (type) {
      case LongType.INITIAL: {
        const switchAt = c.at - start;
        const tokenLengthSize = c.left > 0 ? varintSize(c.d[c.at]!) : 1;
        const tokenLength = c.varint();
        c.bytes(tokenLength, AT.token);
        const lengthSize = c.left > 0 ? varintSize(c.d[c.at]!) : 1;
        const length = c.varint();
        if (length < 20) throw new SpicyError("&requires failed: (self.length.result_ >= 20)", AT.lengthRequires);
        c.skip(length, AT.payload);
        if (host.wants("QUIC::initial_packet")) host.raise("QUIC::initial_packet", host.conn(), isOrig, version, latin1(dcid), latin1(scid));
        h.encryptedOffset = switchAt + lengthSize + tokenLengthSize + tokenLength;
        h.payloadLength = length;
        break;
      }
      case LongType.ZERO_RTT:
      case LongType.HANDSHAKE: {
        c.skip(c.varint(), AT.payload);
        const event = type === LongType.ZERO_RTT ? "QUIC::zero_rtt_packet" : "QUIC::handshake_packet";
        if (host.wants(event)) host.raise(event, host.conn(), isOrig, version, latin1(dcid), latin1(scid));
        break;
      }
      case LongType.RETRY: {
        const data = c.d.subarray(c.at, c.end);
        c.at = c.end;
        if (data.length < 16) throw new SpicyError("integer overflow", AT.retry);
        if (host.wants("QUIC::retry_packet")) {
          const token = latin1(data.subarray(0, data.length - 16));
          host.raise("QUIC::retry_packet", host.conn(), isOrig, version, latin1(dcid), latin1(scid), token, latin1(data.subarray(data.length - 16)));
        }
        break;
      }
    }
    return h;
  }

  /** reset_crypto: after a Retry, the SSL child is closed and the Initial keys forgotten. */
  private resetCrypto(): void {
    const ctx = this.ctx;
    const ssl = ctx.ssl;
    if (ssl !== undefined && ssl !== null) {
      if (!ssl.active) throw new AnalyzerStop("child analyzer SSL no longer exist");
      ssl.endOfData(true);
      ssl.endOfData(false);
      ssl.remove();
    }
    ctx.ssl = undefined;
    ctx.client = null;
    ctx.server = null;
    ctx.initialDcid = null;
  }

  /** A short-header packet: counted, with an event at each power of two. */
  private shortHeader(isOrig: boolean): void {
    const ctx = this.ctx;
    let threshold = 0;
    if (isOrig) {
      if (++ctx.origShortTotal === ctx.origShortNext) {
        threshold = ctx.origShortTotal;
        ctx.origShortNext *= SHORT_HEADER_THRESHOLD_BASE;
      }
    } else if (++ctx.respShortTotal === ctx.respShortNext) {
      threshold = ctx.respShortTotal;
      ctx.respShortNext *= SHORT_HEADER_THRESHOLD_BASE;
    }
    const host = this.host;
    if (threshold > 0 && host.wants("QUIC::short_header_packet_threshold_crossed")) {
      host.raise("QUIC::short_header_packet_threshold_crossed", host.conn(), isOrig, threshold);
    }
  }

  /** A packet whose fixed bit is 0 (RFC 9000 §17.2: discarded): an event once Initial packets were decrypted. */
  private discarded(isOrig: boolean): void {
    const ctx = this.ctx;
    ctx.totalDiscarded++;
    const max = this.host.settings["QUIC::max_discarded_packet_events"];
    if (ctx.totalDecrypted > 0 && (max === 0 || ctx.totalDiscarded <= max)) {
      const host = this.host;
      if (host.wants("QUIC::discarded_packet")) host.raise("QUIC::discarded_packet", host.conn(), isOrig, ctx.totalDecrypted);
    }
  }

  /** The frames of a decrypted Initial packet. */
  private frames(isOrig: boolean, h: LongHeader, plain: Uint8Array, crypto: CryptoSink): void {
    const c = new Cursor(plain, 0, plain.length);
    const host = this.host;
    while (c.left > 0) {
      const type = c.uint(1, AT.frameType);
      switch (type) {
        case Frame.ACK1:
        case Frame.ACK2: {
          c.varint(); // largest acknowledged
          c.varint(); // ack delay
          const ranges = c.varint();
          c.varint(); // first range
          for (let i = 0; i < ranges; i++) {
            c.varint();
            c.varint();
          }
          if (type === Frame.ACK2) {
            c.varint();
            c.varint();
            c.varint();
          }
          break;
        }
        case Frame.CRYPTO: {
          const offset = c.varint();
          const data = c.bytes(c.varint(), AT.cryptoData);
          crypto.write(data, offset);
          if (crypto.length > 0) {
            if (crypto.size > crypto.length) throw new SpicyError(`too much crypto data received ${crypto.size} > ${crypto.length}`, AT.tooMuchCrypto);
          } else if (crypto.size > MAX_CRYPTO_WITHOUT_LENGTH) {
            throw new SpicyError(`too much crypto data without length received ${crypto.size}`, AT.tooMuchCryptoNoLength);
          }
          break;
        }
        case Frame.CONNECTION_CLOSE1: {
          const errorCode = c.varint();
          c.varint(); // the frame type that caused it (0x00 for none)
          const reason = c.bytes(c.varint(), AT.reason);
          if (host.wants("QUIC::connection_close_frame")) {
            host.raise("QUIC::connection_close_frame", host.conn(), isOrig, h.version, latin1(h.dcid), latin1(h.scid), errorCode, latin1(reason));
          }
          break;
        }
        case Frame.PADDING:
          while (c.left > 0 && c.d[c.at] === 0) c.at++;
          break;
        case Frame.PING:
          break;
        default: {
          const name = FRAME_TYPES[type] ?? `<unknown-${type}>`;
          throw new SpicyError(`unhandled frame type FrameType::${name} in ${packetTypeBits(h)}`, AT.unhandledFrame);
        }
      }
    }
  }
}

/** The first byte's packet type bits as the header carried them (QUIC.spicy prints these, not the v1 meaning). */
function packetTypeBits(h: LongHeader): number {
  return h.version === VERSION_2 ? V2_TYPES.indexOf(h.type) : h.type;
}

/** Zeek's quic/dpd.sig: a v1 or v2 long-header Initial packet. */
export const QUIC_SIGNATURES: readonly Signature[] = [
  { id: "dpd_quic_initial", proto: "udp", payload: "[\\xc0-\\xcf]\\x00\\x00\\x00\\x01", enable: "quic" },
  { id: "dpd_quic_v2_initial", proto: "udp", payload: "[\\xd0-\\xdf]\\x6b\\x33\\x43\\xcf", enable: "quic" },
];

/** QUIC::quic_ports: also likely server ports. */
export const QUIC_PORTS: readonly number[] = [443];
/** QUIC::doq_ports (DNS over QUIC): registered, but not likely server ports. */
export const DOQ_PORTS: readonly number[] = [853, 784];

export const QUIC: AnalyzerComponent = {
  name: "QUIC",
  script: "base/protocols/quic",
  spicy: true,
  udpPorts: QUIC_PORTS,
  udpNonServerPorts: DOQ_PORTS,
  signatures: QUIC_SIGNATURES,
  datagram: (host) => new QuicAnalyzer(host),
};
