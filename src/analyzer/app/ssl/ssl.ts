/**
 * The SSL analyzer (Zeek's "SSL"): SSLv2-compatible hellos, SSLv3 and TLS
 * 1.0-1.3 over a TCP stream, or as a child of a STARTTLS-capable protocol
 * (SMTP, POP3, IMAP, XMPP, FTP add it with host.addChild("SSL") and forward
 * the bytes after the upgrade).
 *
 * Each side's stream is cut into records (5-byte header, then up to 2^14+
 * bytes; SSLv2's 2-byte-length records while the connection speaks SSLv2),
 * reassembled across TCP segments. The first record decides the connection's
 * record-layer version; every later one must carry a TLS-family version or
 * the analyzer gives up ("Invalid version late in TLS connection") — which
 * is how Zeek notices that a port-443 connection is not TLS after all.
 * Handshake records go to the handshake parser (handshake.ts), the rest to
 * the shared record logic (records.ts).
 *
 * As in Zeek: a partial connection (no SYN seen) is not analysed, and a
 * content gap stops the analysis.
 */
import type { AnalyzerComponent, AnalyzerHost, ChildStream, StreamAnalyzer } from "../analyzer.js";
import type { Signature } from "../signature.js";
import { certificatesToFiles } from "./certs.js";
import { TlsDecryptor } from "./decryption.js";
import { sessionIdString, V, versionOk } from "./handshake.js";
import { bytesToString, OutOfBound, Pending, Reader } from "./reader.js";
import { SslState } from "./records.js";
import "./events.js";

const enum V2 {
  ERROR = 300,
  CLIENT_HELLO = 301,
  CLIENT_MASTER_KEY = 302,
  SERVER_HELLO = 304,
}

/** A record's header: 5 bytes in both framings. */
const HEADER = 5;

/** One side's bytes of a record not yet complete. */
class Side extends Pending {
  /** The current record's header was judged (its layer version is decided). */
  judged = false;
  layer: number = V.UNKNOWN;
}

export class SslAnalyzer extends SslState implements StreamAnalyzer {
  private readonly sides = [new Side(), new Side()];
  /** The connection's record-layer version once a TLS record (or an SSLv2 server hello) fixed it. */
  private recordLayer: number = V.UNKNOWN;
  private hadGap = false;
  /**
   * Decryption (policy/protocols/ssl/decryption): possible only while the
   * analyzer stays on established sessions (the script turns
   * SSL::disable_analyzer_after_detection off); otherwise none of this state
   * is kept. Each side's encrypted records are counted for their sequence
   * numbers.
   */
  private readonly decryption: Decryption | null;

  constructor(host: AnalyzerHost) {
    super(host);
    this.decryption = host.settings["SSL::disable_analyzer_after_detection"] ? null : new Decryption();
    if (this.decryption !== null) this.hs.keepRandoms = true;
  }

  /** Zeek's set_secret: the TLS 1.2 master secret its records are decrypted with (false when decryption is off). */
  setSecret(secret: Uint8Array): boolean {
    if (this.decryption === null) return false;
    this.decryption.decryptor.setSecret(secret);
    return true;
  }

  /** Zeek's set_keys: the key block (client and server write keys, then their IVs) its records are decrypted with. */
  setKeys(keys: Uint8Array): boolean {
    if (this.decryption === null) return false;
    this.decryption.decryptor.setKeys(keys);
    return true;
  }

  /** Zeek's set_ssl_established: both sides encrypted, the session established (no event). */
  setEstablished(): void {
    this.startEncryption(true);
    this.startEncryption(false);
    this.established = true;
  }

  deliverStream(isOrig: boolean, _seq: number, data: Uint8Array): void {
    if (this.skipping || this.hadGap || this.host.isPartial()) return;
    const side = this.sides[isOrig ? 0 : 1]!;
    const buf = side.input(data);
    const end = buf.length;
    let pos = 0;
    try {
      while (end - pos >= HEADER && !this.skipping) {
        if (!side.judged) {
          side.layer = this.judge(isOrig, buf, pos);
          side.judged = true;
          if (side.layer === V.UNKNOWN) {
            pos = end;
            break;
          }
        }
        const length = this.recordLength(side.layer, buf, pos);
        if (length < 0) {
          this.host.violation(`Invalid SSLv2 record length ${length + 3}`);
          this.skip();
          pos = end;
          break;
        }
        if (end - pos < HEADER + length) break;
        side.judged = false;
        const start = pos;
        pos += HEADER + length;
        this.record(isOrig, side.layer, buf, start, length);
      }
    } catch (e) {
      if (!(e instanceof OutOfBound)) throw e;
      // binpac drops its buffered data with the exception; parsing resumes with the next delivery.
      this.host.violation(e.reason);
      pos = end;
      side.judged = false;
    }
    if (this.skipping) pos = end;
    side.keep(data, buf, pos);
    // A record begun: room for all of it at once (records are at most 5 + 65535 bytes).
    if (side.len >= HEADER && side.judged) side.reserve(HEADER + Math.max(0, this.recordLength(side.layer, side.buf, 0)));
    if (side.len === 0) side.judged = false;
  }

  undelivered(_isOrig: boolean, _seq: number, _len: number): void {
    this.hadGap = true;
  }

  endOfData(isOrig: boolean): void {
    const plain = this.decryption?.plain;
    if (plain?.active) plain.endOfData(isOrig);
  }

  done(): void {}

  /**
   * Zeek's determine_ssl_record_layer: the record-layer version of the record
   * whose header starts at `at`, V.UNKNOWN (after a violation) when it is not
   * SSL/TLS.
   */
  private judge(isOrig: boolean, b: Uint8Array, at: number): number {
    const h0 = b[at]!,
      h1 = b[at + 1]!,
      h2 = b[at + 2]!,
      h3 = b[at + 3]!,
      h4 = b[at + 4]!;
    if (this.recordLayer !== V.UNKNOWN && this.recordLayer !== V.SSLv20) {
      const version = (h1 << 8) | h2;
      if (!SslState.recordVersionOk(version)) return this.giveUp(`Invalid version late in TLS connection. Packet reported version: ${version}`);
    }
    if (this.recordLayer !== V.UNKNOWN) return this.recordLayer;
    if (h0 & 0x80) {
      if (h2 === 0x01 && isOrig) {
        const version = (h3 << 8) | h4;
        if (version !== V.SSLv20 && !SslState.recordVersionOk(version)) return this.giveUp(`Invalid version in SSL client hello. Version: ${version}`);
        return V.SSLv20;
      }
      if (h2 === 0x04 && h4 < 2 && !isOrig) {
        // An SSLv2 server hello: the connection stays SSLv2.
        this.recordLayer = V.SSLv20;
        return V.SSLv20;
      }
      return this.giveUp(`Invalid headers in SSL connection. Head1: ${h1}, head2: ${h2}, head3: ${h3}`);
    }
    const version = (h1 << 8) | h2;
    if (!SslState.recordVersionOk(version)) return this.giveUp(`Invalid version in TLS connection. Version: ${version}`);
    if (h0 >= 20 && h0 <= 30) {
      this.recordLayer = version;
      return version;
    }
    return this.giveUp(`Invalid type in TLS connection. Version: ${version}, Type: ${h0}`);
  }

  private giveUp(reason: string): number {
    this.host.violation(reason);
    this.skip();
    return V.UNKNOWN;
  }

  /** The body length of the record at `at` (SSLv2 counts 3 header bytes into its length). */
  private recordLength(layer: number, b: Uint8Array, at: number): number {
    if (layer === V.SSLv20) return (((b[at]! & 0x7f) << 8) | b[at + 1]!) - 3;
    return (b[at + 3]! << 8) | b[at + 4]!;
  }

  private record(isOrig: boolean, layer: number, b: Uint8Array, at: number, length: number): void {
    const v2 = layer === V.SSLv20;
    const rawVersion = v2 ? 0 : (b[at + 1]! << 8) | b[at + 2]!;
    const contentType = v2 ? b[at + 2]! + 300 : b[at]!;
    const body = b.subarray(at + HEADER, at + HEADER + length);
    this.v2Header = v2 ? (b[at + 3]! << 8) | b[at + 4]! : 0;
    let pos = 0;
    while (pos < length) {
      if (this.encrypted(isOrig) || this.appDataStartsEncryption(isOrig, contentType)) {
        this.ciphertext(isOrig, rawVersion, contentType, length);
        if (this.decryption !== null && !v2) this.decrypt(this.decryption, isOrig, rawVersion, contentType, body.subarray(pos));
        return;
      }
      pos += this.plaintext(isOrig, rawVersion, contentType, length, body.subarray(pos));
    }
  }

  /**
   * An encrypted record with decryption possible: counted, and an
   * application-data record decrypted when a secret or keys were set before
   * it; its plaintext goes to a protocol detection (Zeek's PIA child) as
   * the client's or the server's stream. As Zeek, a record that cannot be
   * decrypted (no secret yet, a cipher suite bronze does not decrypt, a
   * wrong secret) ends decryption for the connection.
   */
  private decrypt(d: Decryption, isOrig: boolean, rawVersion: number, contentType: number, body: Uint8Array): void {
    const side = isOrig ? 0 : 1;
    const seq = d.records[side]!++;
    if (contentType !== 23 || d.decryptor.failed) return;
    const isClient = this.isClient(isOrig);
    const hs = this.hs;
    const plain = d.decryptor.decrypt(isClient, seq, hs.chosenCipher, hs.clientRandom, hs.serverRandom, contentType, rawVersion, body);
    if (plain === null || plain.length === 0) return;
    if (!d.triedChild) {
      d.triedChild = true;
      d.plain = this.host.addDetection();
    }
    if (d.plain?.active) d.plain.deliverStream(isClient, 0, plain);
  }

  /**
   * Zeek's determine_state for a clear side: application data after a
   * ServerHello that did not choose SSLv2 to TLS 1.2 is TLS 1.3's encrypted
   * traffic, and switches that side to encrypted.
   */
  private appDataStartsEncryption(isOrig: boolean, contentType: number): boolean {
    if (contentType !== 23) return false;
    const v = this.hs.chosenVersion;
    if (v === V.SSLv20 || SslState.recordVersionOk(v)) return false;
    this.startEncryption(isOrig);
    return true;
  }

  protected handshake(isOrig: boolean, rawVersion: number, body: Uint8Array): void {
    this.hs.deliver(isOrig, rawVersion, body);
  }

  /** The two header bytes after an SSLv2 record's type (error code, session-id-hit and certificate type, cipher kind). */
  private v2Header = 0;

  protected override otherPlaintext(isOrig: boolean, contentType: number, body: Uint8Array): boolean {
    const host = this.host;
    switch (contentType) {
      case V2.ERROR:
        if (host.wants("ssl_alert")) host.raise("ssl_alert", host.conn(), this.isClient(isOrig), -1, this.v2Header);
        return true;
      case V2.CLIENT_HELLO: {
        const r = new Reader(body, 0, body.length, "V2ClientHello");
        const csuitLen = r.u16();
        const sessionLen = r.u16();
        const chalLen = r.u16();
        const ciphers: number[] = [];
        for (let i = 0; i < Math.floor(csuitLen / 3); i++) ciphers.push(r.u24());
        r.skip(csuitLen % 3);
        const session = r.view(sessionLen);
        const challenge = r.view(chalLen);
        const version = this.v2Header;
        if (!versionOk(version)) {
          host.violation(`unsupported client SSL version 0x${version.toString(16).padStart(4, "0")}`);
          this.skip();
        } else host.confirm();
        if (host.wants("ssl_client_hello")) {
          host.raise("ssl_client_hello", host.conn(), version, 0, 0, bytesToString(challenge), sessionIdString(session), ciphers, []);
        }
        return true;
      }
      case V2.SERVER_HELLO: {
        const r = new Reader(body, 0, body.length, "V2ServerHello");
        const version = r.u16();
        const certLen = r.u16();
        const ciphersLen = r.u16();
        const connIdLen = r.u16();
        const cert = r.view(certLen);
        const ciphers: number[] = [];
        for (let i = 0; i < Math.floor(ciphersLen / 3); i++) ciphers.push(r.u24());
        r.skip(ciphersLen % 3);
        const connId = r.view(connIdLen);
        if (version !== V.SSLv20) {
          host.violation(`Invalid version in SSL server hello. Version: ${version}`);
          this.skip();
          return true;
        }
        if (host.wants("ssl_server_hello"))
          host.raise("ssl_server_hello", host.conn(), version, 0, 0, bytesToString(connId), sessionIdString(null), ciphers[0] ?? 0, 0);
        certificatesToFiles(host, this.isClient(isOrig), [cert]);
        return true;
      }
      case V2.CLIENT_MASTER_KEY: {
        const r = new Reader(body, 0, body.length, "V2ClientMasterKey");
        r.u8();
        const cl = r.u16();
        const en = r.u16();
        const arg = r.u16();
        r.skip(cl + en + arg);
        // Both sides encrypt from here; Zeek announces the session at once.
        this.startEncryption(true);
        this.startEncryption(false);
        if (host.wants("ssl_established")) host.raise("ssl_established", host.conn());
        return true;
      }
    }
    return false;
  }
}

/** An SSL analyzer's decryption state. */
class Decryption {
  readonly decryptor = new TlsDecryptor();
  /** Each side's encrypted records so far (the next one's sequence number). */
  readonly records = [0, 0];
  triedChild = false;
  /** The protocol detection the plaintext goes to. */
  plain: ChildStream | null = null;
}

/** Zeek's ssl/dpd.sig (the TCP part): a TLS ServerHello or ClientHello at the start of a side. */
export const SSL_SIGNATURES: readonly Signature[] = [
  {
    id: "dpd_tls_server",
    proto: "tcp",
    payload: "(\\x15\\x03[\\x00\\x01\\x02\\x03]....)?\\x16\\x03[\\x00\\x01\\x02\\x03]..\\x02...((\\x03[\\x00\\x01\\x02\\x03\\x04])|(\\x7F[\\x00-\\x50])).*",
    tcpState: "responder",
    enable: "ssl",
  },
  {
    id: "dpd_tls_client",
    proto: "tcp",
    payload: "\\x16\\x03[\\x00\\x01\\x02\\x03]..\\x01...\\x03[\\x00\\x01\\x02\\x03].*",
    tcpState: "originator",
    enable: "ssl",
  },
];

/**
 * Zeek's policy/protocols/ssl/dpd-v2.sig, loaded only by name: what looks
 * like an SSLv2 CLIENT-HELLO from the originator and a SERVER-HELLO from the
 * responder enables SSL (both sides: either alone matches noise too often).
 */
const SSL_V2_SIGNATURES: readonly Signature[] = [
  { id: "dpd_ssl_server", proto: "tcp", payload: "...?\\x04..\\x00\\x02.*", requiresReverse: "dpd_ssl_client", tcpState: "responder", enable: "ssl" },
  { id: "dpd_ssl_client", proto: "tcp", payload: "...?\\x01[\\x00\\x03][\\x00\\x01\\x02\\x03\\x04].*", tcpState: "originator" },
];

/** SSL::ssl_ports (base/protocols/ssl/main.zeek). */
export const SSL_PORTS: readonly number[] = [443, 465, 563, 585, 614, 636, 989, 990, 992, 993, 995, 5223];

export const SSL: AnalyzerComponent = {
  name: "SSL",
  script: "base/protocols/ssl",
  tcpPorts: SSL_PORTS,
  signatures: SSL_SIGNATURES,
  signatureFiles: { "policy/protocols/ssl/dpd-v2.sig": SSL_V2_SIGNATURES },
  stream: (host) => new SslAnalyzer(host),
};
