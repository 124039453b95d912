/**
 * The DNP3 analyzers (Zeek's "DNP3_TCP" and "DNP3_UDP",
 * src/analyzer/protocol/dnp3): the link layer (frames starting 0x05 0x64,
 * a 10-byte header with its CRC, then user data in 16-byte blocks each
 * followed by a CRC), the transport layer (one byte per frame: FIR/FIN
 * flags gather the application fragment over several frames) and the
 * application layer's request and response headers.
 *
 * As Zeek's DNP3.cc does it, per side (on UDP the state carries over from
 * datagram to datagram):
 * - a header without the magic is the weird dnp3_header_lacks_magic, a bad
 *   header CRC dnp3_corrupt_header_checksum and the violation
 *   "broken_checksum", a bad block CRC dnp3_corrupt_app_chunk_checksum, a
 *   continuation without its first frame dnp3_first_application_layer_chunk_missing,
 *   a length of 0 dnp3_negative_or_zero_length_link_layer: after each the
 *   analyzer stops (SetSkip);
 * - every good header confirms; a header whose direction bit disagrees with
 *   the side is the weird dnp3_unexpected_flow_direction; a link-only frame
 *   (length 5) carries no application data, and as Zeek reads 11 bytes before
 *   looking at a header, such a frame takes the next byte with it and the
 *   rest of that segment (or datagram) is ignored;
 * - dnp3_header_block for the first frame of an application fragment, and
 *   dnp3_application_request_header / dnp3_application_response_header
 *   once its last frame (FIN) came.
 *
 * After the application header, its objects (objects.ts) when a handler
 * wants one of their events: a default run does not parse them. An object
 * running past the fragment is BinPAC's exception, as in Zeek the violation
 * "Binpac exception: …" and the end of the analysis.
 */
import type { AnalyzerComponent, AnalyzerHost, DatagramAnalyzer, StreamAnalyzer } from "../analyzer.js";
import { BINPAC_EXCEPTION, BinpacError } from "../binpac.js";
import type { Signature } from "../signature.js";
import { DNP3_OBJECT_EVENTS } from "./events.js";
import { parseObjects } from "./objects.js";

const LINK_HEADER = 10;
/** The link header and the transport byte. */
const FIRST_BLOCK_START = 11;
/** A frame is at most 10 + 250 user bytes + 16 block CRCs. */
const MAX_FRAME = 292;
/** The application bytes gathered over a fragment's frames (Zeek's binpac frame is sized by the first frame). */
const MAX_APP = 4096;

const CRC_TABLE = (() => {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i;
    for (let j = 0; j < 8; j++) crc = crc & 1 ? (crc >>> 1) ^ 0xa6bc : crc >>> 1;
    t[i] = crc;
  }
  return t;
})();

/** DNP3's CRC-16 of d[at, at+len), compared with the two bytes after it (low byte first). */
function crcOk(d: Uint8Array, at: number, len: number): boolean {
  let crc = 0;
  for (let i = at; i < at + len; i++) crc = CRC_TABLE[(crc ^ d[i]!) & 0xff]! ^ (crc >>> 8);
  crc = ~crc & 0xffff;
  return d[at + len] === (crc & 0xff) && d[at + len + 1] === crc >>> 8;
}

class Side {
  readonly frame = new Uint8Array(MAX_FRAME);
  have = 0;
  inHeader = true;
  /** Bytes the whole frame takes (header, user data, block CRCs). */
  need = 0;
  sawFirst = false;
  /** Frames of the current application fragment. */
  frames = 0;
  readonly app = new Uint8Array(MAX_APP);
  appLen = 0;
}

class Dnp3 {
  private readonly sides = [new Side(), new Side()];
  private skip = false;
  /** Whether any handler wants an object event (handlers are known before traffic). */
  private readonly objects: boolean;
  constructor(private readonly host: AnalyzerHost) {
    this.objects = DNP3_OBJECT_EVENTS.some((e) => host.wants(e));
  }

  data(isOrig: boolean, d: Uint8Array): void {
    if (this.skip) return;
    if (!this.process(isOrig, d)) this.skip = true;
  }

  private clear(s: Side): void {
    s.inHeader = true;
    s.sawFirst = false;
    s.have = 0;
    s.need = 0;
    s.frames = 0;
    s.appLen = 0;
  }

  /** Zeek's ProcessData: false to stop analysing the connection. */
  private process(isOrig: boolean, d: Uint8Array): boolean {
    const s = this.sides[isOrig ? 0 : 1]!;
    const host = this.host;
    let at = 0;
    while (at < d.length) {
      if (s.inHeader) {
        const n = Math.min(FIRST_BLOCK_START - s.have, d.length - at);
        s.frame.set(d.subarray(at, at + n), s.have);
        s.have += n;
        at += n;
        if (s.have < FIRST_BLOCK_START) return true;
        const f = s.frame;
        if (f[0] !== 0x05 || f[1] !== 0x64) {
          host.weird("dnp3_header_lacks_magic");
          return false;
        }
        if (!crcOk(f, 0, 8)) {
          host.weird("dnp3_corrupt_header_checksum");
          host.violation("broken_checksum");
          return false;
        }
        host.confirm();
        const len = f[2]!;
        if (len === 5) {
          // A link-layer-only frame. Zeek reads 11 bytes before looking at the
          // header and ignores the rest of the segment after such a frame.
          this.clear(s);
          return true;
        }
        if (isOrig !== ((f[3]! & 0x80) !== 0)) host.weird("dnp3_unexpected_flow_direction");
        if (len === 0) {
          host.weird("dnp3_negative_or_zero_length_link_layer");
          return false;
        }
        const user = len - 5;
        s.need = FIRST_BLOCK_START + user + Math.floor(user / 16) * 2 + (user % 16 === 0 ? 0 : 2) - 1;
        // Lengths 1-4 leave less than the header: Zeek's AnalyzerError ("invalid target length") stops the analyzer.
        if (s.need < FIRST_BLOCK_START) return false;
        s.inHeader = false;
        if (++s.frames === 1) {
          s.appLen = 0;
          if (host.wants("dnp3_header_block")) {
            host.raise("dnp3_header_block", host.conn(), isOrig, len, f[3]!, f[4]! | (f[5]! << 8), f[6]! | (f[7]! << 8));
          }
        }
      }
      const n = Math.min(s.need - s.have, d.length - at);
      s.frame.set(d.subarray(at, at + n), s.have);
      s.have += n;
      at += n;
      if (s.have < s.need) return true;
      if (!this.appLayer(isOrig, s)) return false;
      s.have = 0;
      s.inHeader = true;
    }
    return true;
  }

  /** Zeek's ParseAppLayer: checks each block's CRC, gathers the application bytes, parses the fragment at its last frame. */
  private appLayer(isOrig: boolean, s: Side): boolean {
    const f = s.frame;
    let p = LINK_HEADER;
    let left = f[2]! - 5;
    const tp = f[LINK_HEADER]!;
    let skipTransport = 1;
    while (left > 0) {
      const n = Math.min(left, 16);
      if (!crcOk(f, p, n)) {
        this.host.weird("dnp3_corrupt_app_chunk_checksum");
        return false;
      }
      const take = Math.min(n - skipTransport, MAX_APP - s.appLen);
      if (take > 0) {
        s.app.set(f.subarray(p + skipTransport, p + skipTransport + take), s.appLen);
        s.appLen += take;
      }
      skipTransport = 0;
      p += n + 2;
      left -= n;
    }
    const first = (tp & 0x40) !== 0;
    const last = (tp & 0x80) !== 0;
    if (first) s.sawFirst = true;
    if (!first && !s.sawFirst) {
      this.host.weird("dnp3_first_application_layer_chunk_missing");
      return false;
    }
    if (last) {
      this.applicationHeader(isOrig, s);
      if (this.objects && !this.applicationObjects(isOrig, s)) return false;
      this.clear(s);
    }
    return true;
  }

  /** The fragment's application header: control, function code (and the IIN in a response). */
  private applicationHeader(isOrig: boolean, s: Side): void {
    const host = this.host;
    const a = s.app;
    if (isOrig) {
      if (s.appLen >= 2 && host.wants("dnp3_application_request_header")) {
        host.raise("dnp3_application_request_header", host.conn(), isOrig, a[0]!, a[1]!);
      }
    } else if (s.appLen >= 4 && host.wants("dnp3_application_response_header")) {
      host.raise("dnp3_application_response_header", host.conn(), isOrig, a[0]!, a[1]!, (a[2]! << 8) | a[3]!);
    }
  }

  /** The fragment's objects and their events; false (after the violation) where Zeek's parser throws. */
  private applicationObjects(isOrig: boolean, s: Side): boolean {
    const from = isOrig ? 2 : 4;
    if (s.appLen < from) return true;
    try {
      parseObjects(this.host, isOrig, s.app[1]!, s.app, from, s.appLen);
    } catch (err) {
      if (!(err instanceof BinpacError)) throw err;
      this.host.violation(`${BINPAC_EXCEPTION}${err.message}`);
      return false;
    }
    return true;
  }
}

class Dnp3TcpAnalyzer implements StreamAnalyzer {
  private readonly dnp3: Dnp3;
  constructor(host: AnalyzerHost) {
    this.dnp3 = new Dnp3(host);
  }
  deliverStream(isOrig: boolean, _seq: number, data: Uint8Array): void {
    this.dnp3.data(isOrig, data);
  }
  undelivered(): void {}
  endOfData(): void {}
  done(): void {}
}

class Dnp3UdpAnalyzer implements DatagramAnalyzer {
  private readonly dnp3: Dnp3;
  constructor(host: AnalyzerHost) {
    this.dnp3 = new Dnp3(host);
  }
  deliverPacket(isOrig: boolean, data: Uint8Array): void {
    this.dnp3.data(isOrig, data);
  }
  done(): void {}
}

/** Zeek's base/protocols/dnp3/dpd.sig: frames start 0x05 0x64 (TCP: the responder's side). */
const TCP_SIGNATURES: readonly Signature[] = [{ id: "dpd_dnp3_server", proto: "tcp", payload: "\\x05\\x64", tcpState: "responder", enable: "DNP3_TCP" }];
const UDP_SIGNATURES: readonly Signature[] = [{ id: "dpd_dnp3_server_udp", proto: "udp", payload: "\\x05\\x64", enable: "DNP3_UDP" }];

export const DNP3_TCP: AnalyzerComponent = {
  name: "DNP3_TCP",
  script: "base/protocols/dnp3",
  tcpPorts: [20000],
  // dnp3/main.zeek registers DNP3_TCP for DNP3::ports, 20000/udp among them: in Analyzer::ports (get_bpf), no UDP flow gets it.
  udpPorts: [20000],
  signatures: TCP_SIGNATURES,
  stream: (host) => new Dnp3TcpAnalyzer(host),
};

export const DNP3_UDP: AnalyzerComponent = {
  name: "DNP3_UDP",
  script: "base/protocols/dnp3",
  signatures: UDP_SIGNATURES,
  datagram: (host) => new Dnp3UdpAnalyzer(host),
};
