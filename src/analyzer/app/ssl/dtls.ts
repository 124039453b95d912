/**
 * The DTLS analyzer (Zeek's "DTLS"): DTLS 1.0, 1.2 and 1.3 over UDP
 * (RFC 6347, RFC 9147). Each datagram holds whole records (13-byte headers
 * with epoch and sequence number; once DTLS 1.3 is chosen, also the short
 * "unified" headers of encrypted records). Epoch 0 is clear text; handshake
 * messages may be fragmented over several records and datagrams, which are
 * reassembled here (by message sequence and record sequence number, as Zeek
 * does: at most 32 records apart, at most 31 fragments) before going to
 * the handshake parser. STUN packets sharing the flow (WebRTC) are skipped.
 */
import { DOUBLE_ZERO } from "../../../doubles.js";
import type { AnalyzerComponent, AnalyzerHost, DatagramAnalyzer } from "../analyzer.js";
import type { Signature } from "../signature.js";
import { V } from "./handshake.js";
import { OutOfBound, Reader } from "./reader.js";
import { Content, SslState } from "./records.js";
import "./events.js";

/** MAX_DTLS_HANDSHAKE_RECORD of Zeek's ssl-defs.pac. */
const MAX_HANDSHAKE = 100000;
/** SSL::dtls_max_version_errors and SSL::dtls_max_reported_version_errors (init-bare.zeek). */
const MAX_VERSION_ERRORS = 10;
const MAX_REPORTED_VERSION_ERRORS = 1;
/** The DTLS record header: type, version, epoch, 48-bit sequence number, length. */
const HEADER = 13;

/** One side's handshake message being reassembled from fragments. */
class Reassembly {
  // Record sequence numbers are 48-bit: doubles from the start (see doubles.ts).
  firstSeq = DOUBLE_ZERO;
  firstSeen = false;
  lastSeq = DOUBLE_ZERO;
  msgSeq = -1;
  length = -1;
  /** Bit i: the fragment in record firstSeq + i arrived. */
  seen = 0;
  buffer: Uint8Array | null = null;

  reset(msgSeq: number, length: number, seq: number): void {
    this.firstSeq = seq;
    this.firstSeen = false;
    this.lastSeq = 0;
    this.msgSeq = msgSeq;
    this.length = length;
    this.seen = 0;
    this.buffer = new Uint8Array(length);
  }
}

class DtlsAnalyzer extends SslState implements DatagramAnalyzer {
  private readonly reassembly = [new Reassembly(), new Reassembly()];
  private invalidVersions = 0;
  private reportedErrors = 0;
  /** The current record's sequence number (fragments are ordered by it); 48-bit, a double. */
  private seq = DOUBLE_ZERO;

  constructor(host: AnalyzerHost) {
    super(host);
  }

  deliverPacket(isOrig: boolean, data: Uint8Array): void {
    if (this.skipping) return;
    // A STUN message (magic cookie 0x2112a442) on a WebRTC flow.
    if (data.length > 20 && data[4] === 0x21 && data[5] === 0x12 && data[6] === 0xa4 && data[7] === 0x42) return;
    try {
      let pos = 0;
      while (pos < data.length) {
        const first = data[pos]!;
        if (this.hs.chosenVersion === V.DTLSv13 && (first & 0xe0) === 0x20) {
          this.unified(isOrig, first, new Reader(data, pos + 1, data.length, "UnifiedRecord"));
          return;
        }
        pos = this.record(isOrig, data, pos);
      }
    } catch (e) {
      if (!(e instanceof OutOfBound)) throw e;
      this.host.violation(e.reason);
    }
  }

  done(): void {}

  /** One record with the full header; returns where the next starts. */
  private record(isOrig: boolean, data: Uint8Array, at: number): number {
    const r = new Reader(data, at + 1, data.length, "SSLRecord");
    const contentType = data[at]!;
    const version = r.u16();
    const epoch = r.u16();
    this.seq = r.u16() * 0x100000000 + r.u32();
    const length = r.u16();
    if (!this.versionOk(version)) return data.length; // the rest of the datagram is not read
    const body = r.sub(length, "SSLRecord", HEADER).rest();
    const next = at + HEADER + length;
    let pos = 0;
    while (pos < body.length) {
      if (epoch !== 0) {
        this.ciphertext(isOrig, version, contentType, length);
        break;
      }
      pos += this.plaintext(isOrig, version, contentType, length, body.subarray(pos));
    }
    return next;
  }

  /** Zeek's dtls_version_ok: a few records with other versions are tolerated before giving up. */
  private versionOk(version: number): boolean {
    if (version === V.DTLSv10 || version === V.DTLSv12) {
      if (this.host.confirmed) this.invalidVersions = 0;
      return true;
    }
    this.invalidVersions++;
    if (this.host.confirmed) {
      this.reportedErrors++;
      if (this.reportedErrors <= MAX_REPORTED_VERSION_ERRORS) this.host.violation(`Invalid version in DTLS connection. Packet reported version: ${version}`);
    }
    if (this.invalidVersions > MAX_VERSION_ERRORS) this.skip();
    return false;
  }

  /**
   * A DTLS 1.3 record with a unified header: always encrypted. Zeek takes a
   * side's first one as its switch to encryption (there is no
   * ChangeCipherSpec any more).
   */
  private unified(isOrig: boolean, first: number, r: Reader): void {
    const withCid = (first & 0x10) !== 0;
    if (!withCid) {
      r.skip((first & 0x08) !== 0 ? 2 : 1);
      if ((first & 0x04) !== 0) r.u16();
    }
    const length = r.remaining;
    this.startEncryption(isOrig);
    this.checkEstablished();
    if (this.host.wants("ssl_encrypted_data"))
      this.host.raise("ssl_encrypted_data", this.host.conn(), this.isClient(isOrig), V.DTLSv13, Content.APPLICATION_DATA, length);
  }

  /** A handshake fragment (Zeek's DTLS proc_handshake). */
  protected handshake(isOrig: boolean, rawVersion: number, body: Uint8Array): void {
    const r = new Reader(body, 0, body.length, "Handshake");
    const msgType = r.u8();
    const length = r.u24();
    const msgSeq = r.u16();
    const offset = r.u24();
    const fragLength = r.u24();
    const fragment = r.rest();
    const seq = this.seq;
    if (offset === 0 && length === fragLength) {
      this.send(isOrig, rawVersion, msgType, length, fragment);
      return;
    }
    const host = this.host;
    const m = this.reassembly[isOrig ? 0 : 1]!;
    if (length > MAX_HANDSHAKE) {
      host.violation(`DTLS record length ${length} larger than allowed maximum.`);
      return;
    }
    if (m.msgSeq !== msgSeq || m.length !== length || m.buffer === null) m.reset(msgSeq, length, seq);
    const distance = Math.abs(seq - m.firstSeq);
    if (distance >= 32) {
      host.violation("DTLS handshake fragment sequence number outside reassembly window.");
      return;
    }
    if (m.firstSeq > seq) {
      if (m.firstSeen) {
        host.violation("Saw second and different first message fragment for handshake.");
        return;
      }
      m.seen = (m.seen << (m.firstSeq - seq)) >>> 0;
      m.firstSeq = seq;
    }
    if (offset === 0) m.firstSeen = true;
    const bit = (1 << (seq - m.firstSeq)) >>> 0;
    if ((m.seen & bit) !== 0) return; // a retransmitted fragment
    if (fragment.length !== fragLength) {
      host.violation("DTLS handshake record length does not match packet length");
      return;
    }
    if (offset + fragLength > length) {
      host.violation("DTLS handshake fragment trying to write past end of buffer");
      return;
    }
    m.seen = (m.seen | bit) >>> 0;
    m.buffer!.set(fragment, offset);
    if (offset + fragLength === length) m.lastSeq = seq;
    if (m.lastSeq !== 0 && m.firstSeen) {
      const total = m.lastSeq - m.firstSeq;
      if (total > 30) {
        host.violation("DTLS Message fragmented over more than 30 pieces. Cannot reassemble.");
        return;
      }
      const mask = total + 1 >= 32 ? 0xffffffff : ((1 << (total + 1)) >>> 0) - 1;
      if ((~m.seen & mask) >>> 0 === 0) this.send(isOrig, rawVersion, msgType, length, m.buffer!);
    }
  }

  /** A whole handshake message to the handshake parser, with a TLS-style header. */
  private send(isOrig: boolean, rawVersion: number, msgType: number, length: number, data: Uint8Array): void {
    const msg = new Uint8Array(4 + data.length);
    msg[0] = msgType;
    msg[1] = (length >> 16) & 0xff;
    msg[2] = (length >> 8) & 0xff;
    msg[3] = length & 0xff;
    msg.set(data, 4);
    this.hs.deliver(isOrig, rawVersion, msg);
  }
}

/** Zeek's ssl/dpd.sig (the UDP part): a DTLS 1.0/1.2 ClientHello in epoch 0. */
export const DTLS_SIGNATURES: readonly Signature[] = [
  {
    id: "dpd_dtls_client",
    proto: "udp",
    payload: "\\x16\\xfe[\\xff\\xfd]\\x00\\x00\\x00\\x00\\x00\\x00\\x00...\\x01...........\\xfe[\\xff\\xfd].*",
    enable: "dtls",
  },
];

export const DTLS: AnalyzerComponent = {
  name: "DTLS",
  script: "base/protocols/ssl",
  udpPorts: [443],
  signatures: DTLS_SIGNATURES,
  datagram: (host) => new DtlsAnalyzer(host),
};
