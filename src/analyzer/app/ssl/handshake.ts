/**
 * The TLS handshake protocol (RFC 5246 §7.4, RFC 8446 §4, DTLS's additions),
 * as Zeek's handshake parser reads it: each side's handshake bytes form one
 * stream (messages may span records and TCP segments, and records may hold
 * several messages); each complete message is parsed and raises Zeek's
 * events in Zeek's order — a message's extension events first (each
 * extension's specific event, then ssl_extension), then the message's own
 * event (ssl_client_hello after the analyzer's confirmation, ...), then
 * ssl_handshake_message.
 *
 * The parser also keeps what the record layer needs to know: the version
 * the server chose (the ServerHello's, or its supported_versions extension,
 * whichever comes first), the cipher suite (it decides how a
 * ServerKeyExchange reads), and whether the connection's direction is
 * flipped (the ClientHello came from the responder).
 *
 * A message that does not fit its own length fields is a violation with
 * binpac's out_of_bound reason; that side's buffered bytes are dropped (as
 * binpac drops its flow buffer) and parsing restarts with the next record.
 */
import type { AnalyzerHost } from "../analyzer.js";
import { certificatesToFiles, ocspResponseToFile } from "./certs.js";
import { DH_ANON_KEX_CIPHERS, DH_CKX_CIPHERS, DHE_KEX_CIPHERS, ECDH_ANON_KEX_CIPHERS, ECDH_CKX_CIPHERS, ECDHE_KEX_CIPHERS, RSA_CKX_CIPHERS } from "./consts.js";
import type { PskIdentity, SignatureAndHashAlgorithm } from "./events.js";
import { bytesToString, OutOfBound, Pending, Reader } from "./reader.js";

/** Protocol versions as they appear on the wire. */
export const enum V {
  UNKNOWN = 0x0000,
  SSLv20 = 0x0002,
  SSLv30 = 0x0300,
  TLSv10 = 0x0301,
  TLSv11 = 0x0302,
  TLSv12 = 0x0303,
  TLSv13 = 0x0304,
  DTLSv10 = 0xfeff,
  DTLSv12 = 0xfefd,
  DTLSv13 = 0xfefc,
}

/** Zeek's version_ok: the versions a hello may carry without being a violation (TLS 1.3 drafts are 0x7fNN). */
export function versionOk(v: number): boolean {
  if (v >> 8 === 0x7f) return true;
  switch (v) {
    case V.SSLv20:
    case V.SSLv30:
    case V.TLSv10:
    case V.TLSv11:
    case V.TLSv12:
    case V.TLSv13:
    case V.DTLSv10:
    case V.DTLSv12:
    case V.DTLSv13:
      return true;
  }
  return false;
}

/** TLS 1.3 or one of its drafts (Zeek's determine_tls13). */
export function isTls13(v: number): boolean {
  return v === V.TLSv13 || Math.floor(v / 0xff) === 0x7f;
}

export function origLabel(isOrig: boolean): string {
  return isOrig ? "originator" : "responder";
}

const enum Msg {
  HELLO_REQUEST = 0,
  CLIENT_HELLO = 1,
  SERVER_HELLO = 2,
  HELLO_VERIFY_REQUEST = 3,
  SESSION_TICKET = 4,
  CERTIFICATE = 11,
  SERVER_KEY_EXCHANGE = 12,
  CERTIFICATE_REQUEST = 13,
  SERVER_HELLO_DONE = 14,
  CERTIFICATE_VERIFY = 15,
  CLIENT_KEY_EXCHANGE = 16,
  FINISHED = 20,
  CERTIFICATE_URL = 21,
  CERTIFICATE_STATUS = 22,
}

const enum Ext {
  SERVER_NAME = 0,
  ELLIPTIC_CURVES = 10,
  EC_POINT_FORMATS = 11,
  SIGNATURE_ALGORITHMS = 13,
  ALPN = 16,
  SIGNED_CERTIFICATE_TIMESTAMP = 18,
  KEY_SHARE_OLD = 40,
  PRE_SHARED_KEY = 41,
  SUPPORTED_VERSIONS = 43,
  PSK_KEY_EXCHANGE_MODES = 45,
  SIGNATURE_ALGORITHMS_CERT = 50,
  KEY_SHARE = 51,
  CONNECTION_ID = 54,
  ENCRYPTED_CLIENT_HELLO = 65037,
}

const NAMED_CURVE = 3;
/** A handshake message longer than this is not buffered (binpac's flow buffers stop at 10 MB). */
const MAX_MESSAGE = 10 * 1024 * 1024;
/** Zeek passes session ids as a 32-byte string (zero-padded; all zeros when longer). */
const SESSION_ID_LEN = 32;

/** What the handshake parser needs from the analyzer that owns it. */
export interface HandshakeOwner {
  readonly host: AnalyzerHost;
  /** Zeek's SetSkip(true): the analyzer parses nothing more. */
  skip(): void;
}

/** A hello's 32-byte random from its gmt_unix_time and the 28 bytes after it. */
function fullRandom(ts: number, rest: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + rest.length);
  out[0] = ts >>> 24;
  out[1] = (ts >>> 16) & 0xff;
  out[2] = (ts >>> 8) & 0xff;
  out[3] = ts & 0xff;
  out.set(rest, 4);
  return out;
}

export class HandshakeParser {
  chosenCipher = -1;
  chosenVersion: number = V.UNKNOWN;
  /**
   * The hellos' randoms (32 bytes each, copied), kept only when the owner
   * may decrypt (keepRandoms): the TLS 1.2 key block derives from them.
   */
  keepRandoms = false;
  clientRandom: Uint8Array | null = null;
  serverRandom: Uint8Array | null = null;
  /** The record-layer version of the record the current message came in. */
  private recordVersion = 0;
  flipped = false;
  private alreadyAlerted = false;
  private readonly sides = [new Pending(), new Pending()];
  /** The message type being parsed (extensions read differently in hellos). */
  private msgType = 0;

  constructor(private readonly owner: HandshakeOwner) {}

  private get host(): AnalyzerHost {
    return this.owner.host;
  }

  /** Handshake bytes of one record from one side (Zeek's SendHandshake). */
  deliver(isOrig: boolean, recordVersion: number, data: Uint8Array): void {
    this.recordVersion = recordVersion;
    const side = this.sides[isOrig ? 0 : 1]!;
    const buf = side.input(data);
    const end = buf.length;
    let pos = 0;
    try {
      while (end - pos >= 4) {
        const length = (buf[pos + 1]! << 16) | (buf[pos + 2]! << 8) | buf[pos + 3]!;
        if (length + 4 > MAX_MESSAGE) {
          this.host.violation(`handshake message of ${length} bytes exceeds the ${MAX_MESSAGE}-byte buffer`);
          pos = end;
          break;
        }
        if (end - pos < length + 4) break;
        const type = buf[pos]!;
        const body = new Reader(buf, pos + 4, pos + 4 + length, "Handshake");
        pos += 4 + length;
        this.message(isOrig, type, length, body);
      }
    } catch (e) {
      if (!(e instanceof OutOfBound)) throw e;
      this.host.violation(e.reason);
      pos = end;
    }
    side.keep(data, buf, pos);
  }

  private isClient(isOrig: boolean): boolean {
    return isOrig !== this.flipped;
  }

  private conn() {
    return this.host.conn();
  }

  private checkFlipped(desired: boolean, isOrig: boolean): void {
    if (this.flipped) {
      if (desired === isOrig) {
        // The direction flips back: Zeek reports it once as unclear.
        this.flipped = false;
        if (this.host.wants("ssl_connection_flipped")) this.host.raise("ssl_connection_flipped", this.conn());
        if (!this.alreadyAlerted) {
          this.alreadyAlerted = true;
          this.host.weird("SSL_unclear_connection_direction");
        }
      }
    } else if (desired !== isOrig) {
      this.flipped = true;
      if (this.host.wants("ssl_connection_flipped")) this.host.raise("ssl_connection_flipped", this.conn());
    }
  }

  private setVersion(v: number): void {
    if (this.chosenVersion === V.UNKNOWN) this.chosenVersion = v;
  }

  private message(isOrig: boolean, type: number, length: number, r: Reader): void {
    this.msgType = type;
    switch (type) {
      case Msg.HELLO_REQUEST:
        this.checkFlipped(false, isOrig);
        break;
      case Msg.CLIENT_HELLO:
        this.clientHello(isOrig, r);
        break;
      case Msg.SERVER_HELLO:
        this.serverHello(isOrig, r);
        break;
      case Msg.HELLO_VERIFY_REQUEST: {
        const h = r.sub(r.remaining, "HelloVerifyRequest");
        h.u16();
        h.view(h.u8());
        break;
      }
      case Msg.SESSION_TICKET: {
        const h = r.sub(r.remaining, "SessionTicketHandshake");
        const lifetime = h.u32();
        const ticket = h.view(h.u16());
        if (this.host.wants("ssl_session_ticket_handshake")) this.host.raise("ssl_session_ticket_handshake", this.conn(), lifetime, bytesToString(ticket));
        break;
      }
      case Msg.CERTIFICATE:
        this.certificate(isOrig, r);
        break;
      case Msg.SERVER_KEY_EXCHANGE:
        this.serverKeyExchange(r);
        break;
      case Msg.CERTIFICATE_REQUEST:
        this.certificateRequest(isOrig, r);
        break;
      case Msg.CLIENT_KEY_EXCHANGE:
        this.clientKeyExchange(r);
        break;
      case Msg.CERTIFICATE_STATUS:
        this.certificateStatus(isOrig, r);
        break;
      case Msg.SERVER_HELLO_DONE:
      case Msg.CERTIFICATE_VERIFY:
      case Msg.FINISHED:
      case Msg.CERTIFICATE_URL:
        break;
      default:
        this.host.violation(`unknown handshake message (${type}) from ${origLabel(isOrig)}`);
    }
    if (this.host.wants("ssl_handshake_message")) this.host.raise("ssl_handshake_message", this.conn(), this.isClient(isOrig), type, length);
  }

  private clientHello(isOrig: boolean, r: Reader): void {
    this.checkFlipped(true, isOrig);
    const h = r.sub(r.remaining, "ClientHello");
    const version = h.u16();
    const ts = h.u32();
    const random = h.view(28);
    if (this.keepRandoms) this.clientRandom = fullRandom(ts, random);
    const sessionId = h.view(h.u8());
    if (version === V.DTLSv10 || version === V.DTLSv12) h.view(h.u8()); // the cookie
    const csuitLen = h.u16();
    const ciphers: number[] = [];
    for (let i = 0; i < csuitLen >> 1; i++) ciphers.push(h.u16());
    const cmeths = Array.from(h.view(h.u8()));
    if (h.remaining > 0) h.u16(); // the extensions' total length: Zeek reads extensions to the message's end instead
    this.extensions(isOrig, h);
    if (!versionOk(version)) {
      this.host.violation(`unsupported client SSL version 0x${version.toString(16).padStart(4, "0")}`);
      this.owner.skip();
    } else this.host.confirm();
    if (this.host.wants("ssl_client_hello")) {
      this.host.raise("ssl_client_hello", this.conn(), version, this.recordVersion, ts, bytesToString(random), sessionIdString(sessionId), ciphers, cmeths);
    }
  }

  private serverHello(isOrig: boolean, r: Reader): void {
    this.checkFlipped(false, isOrig);
    const h = r.sub(r.remaining, "ServerHelloChoice");
    const v0 = h.u8();
    const v1 = h.u8();
    const version = (v0 << 8) | v1;
    const parsed = v0 === 0x7f ? 0x7f00 : version;
    let random: Uint8Array;
    let sessionId: Uint8Array | null = null;
    let cipher: number;
    let comp = 0;
    if (parsed === V.TLSv13 || parsed === 0x7f00) {
      // TLS 1.3 drafts' ServerHello: no session id, no compression.
      const s = h.sub(h.remaining, "ServerHello13");
      random = s.view(32);
      cipher = s.u16();
      if (s.remaining > 0) s.u16();
      this.extensions(isOrig, s);
    } else {
      const s = h.sub(h.remaining, "ServerHello");
      random = s.view(32);
      sessionId = s.view(s.u8());
      cipher = s.u16();
      comp = s.u8();
      if (s.remaining > 0) s.u16();
      this.extensions(isOrig, s);
    }
    this.chosenCipher = cipher;
    if (this.keepRandoms && random.length === 32) this.serverRandom = random.slice();
    if (!versionOk(version)) {
      this.host.violation(`unsupported server SSL version 0x${version.toString(16).padStart(4, "0")}`);
      this.owner.skip();
    }
    if (this.host.wants("ssl_server_hello")) {
      const ts = random.length >= 4 ? ((random[0]! << 24) | (random[1]! << 16) | (random[2]! << 8) | random[3]!) >>> 0 : 0;
      this.host.raise("ssl_server_hello", this.conn(), version, this.recordVersion, ts, bytesToString(random), sessionIdString(sessionId), cipher, comp);
    }
    // After the extensions: a supported_versions extension already chose the version.
    this.setVersion(version);
  }

  /** The extensions of a hello, to the end of the message. */
  private extensions(isOrig: boolean, r: Reader): void {
    while (r.remaining > 0) {
      const type = r.u16();
      const len = r.u16();
      const e = r.sub(len, "SSLExtension", 4);
      const data = e.buf.subarray(e.pos, e.end);
      if (e.remaining > 0) this.extension(isOrig, type, len, e);
      if (this.host.wants("ssl_extension")) this.host.raise("ssl_extension", this.conn(), this.isClient(isOrig), type, bytesToString(data));
    }
  }

  private extension(isOrig: boolean, type: number, len: number, e: Reader): void {
    const host = this.host;
    const client = this.isClient(isOrig);
    switch (type) {
      case Ext.ALPN: {
        const l = e.u16();
        const list = e.sub(l, "ApplicationLayerProtocolNegotiationExtension", 2);
        const names: string[] = [];
        while (list.remaining > 0) names.push(list.str(list.u8()));
        if (host.wants("ssl_extension_application_layer_protocol_negotiation"))
          host.raise("ssl_extension_application_layer_protocol_negotiation", this.conn(), client, names);
        break;
      }
      case Ext.SIGNED_CERTIFICATE_TIMESTAMP: {
        // One SignedCertificateTimestampList (RFC 6962 §3.3.1), the server's; each SCT as it is read.
        const list = e.sub(e.u16(), "SignedCertificateTimestampList", 2);
        while (list.remaining > 0) {
          const s = list.sub(list.u16(), "SignedCertificateTimestamp", 2);
          const version = s.u8();
          const logid = s.view(32);
          const timestamp = s.u32() * 0x100000000 + s.u32();
          s.view(s.u16());
          const alg: SignatureAndHashAlgorithm = { HashAlgorithm: s.u8(), SignatureAlgorithm: s.u8() };
          const sig = s.view(s.u16());
          if (host.wants("ssl_extension_signed_certificate_timestamp")) {
            host.raise("ssl_extension_signed_certificate_timestamp", this.conn(), client, version, bytesToString(logid), timestamp, alg, bytesToString(sig));
          }
        }
        break;
      }
      case Ext.ELLIPTIC_CURVES: {
        const l = e.u16();
        const curves: number[] = [];
        for (let i = 0; i < l >> 1; i++) curves.push(e.u16());
        if (host.wants("ssl_extension_elliptic_curves")) host.raise("ssl_extension_elliptic_curves", this.conn(), client, curves);
        break;
      }
      case Ext.EC_POINT_FORMATS: {
        const formats = Array.from(e.view(e.u8()));
        if (host.wants("ssl_extension_ec_point_formats")) host.raise("ssl_extension_ec_point_formats", this.conn(), client, formats);
        break;
      }
      case Ext.SERVER_NAME: {
        const l = e.u16();
        const list = e.sub(l, "ServerNameExt", 2);
        const names: string[] = [];
        while (list.remaining > 0) {
          const nameType = list.u8();
          if (nameType === 0) names.push(list.str(list.u16()));
          else {
            list.rest(); // an unknown name type's data runs to the list's end
            host.weird("ssl_ext_unknown_server_name_type", String(nameType));
          }
        }
        if (host.wants("ssl_extension_server_name")) host.raise("ssl_extension_server_name", this.conn(), client, names);
        break;
      }
      case Ext.SIGNATURE_ALGORITHMS:
      case Ext.SIGNATURE_ALGORITHMS_CERT: {
        const l = e.u16();
        const list = e.sub(l, "SignatureAlgorithm", 2);
        const algs: number[] = [];
        while (list.remaining > 0) algs.push(list.u16());
        if (type === Ext.SIGNATURE_ALGORITHMS) {
          if (host.wants("ssl_extension_signature_algorithm")) host.raise("ssl_extension_signature_algorithm", this.conn(), client, algs.map(sigHash));
        } else if (host.wants("ssl_extension_signature_algorithms_cert")) host.raise("ssl_extension_signature_algorithms_cert", this.conn(), client, algs);
        break;
      }
      case Ext.KEY_SHARE:
      case Ext.KEY_SHARE_OLD: {
        const groups: number[] = [];
        if (this.msgType === Msg.CLIENT_HELLO) {
          const l = e.u16();
          const list = e.sub(l, "ClientHelloKeyShare", 2);
          while (list.remaining > 0) {
            groups.push(list.u16());
            list.view(list.u16());
          }
        } else if (this.msgType === Msg.SERVER_HELLO) {
          groups.push(e.u16());
          // A HelloRetryRequest names only the group; a ServerHello adds its share.
          if (len !== 2) e.view(e.u16());
        } else break;
        if (host.wants("ssl_extension_key_share")) host.raise("ssl_extension_key_share", this.conn(), client, groups);
        break;
      }
      case Ext.SUPPORTED_VERSIONS: {
        if (client) {
          const l = e.u8();
          const list = e.sub(l, "SupportedVersions", 1);
          const versions: number[] = [];
          while (list.remaining > 0) versions.push(list.u16());
          if (host.wants("ssl_extension_supported_versions")) host.raise("ssl_extension_supported_versions", this.conn(), client, versions);
        } else {
          const v = e.u16();
          this.setVersion(v);
          if (host.wants("ssl_extension_supported_versions")) host.raise("ssl_extension_supported_versions", this.conn(), client, [v]);
        }
        break;
      }
      case Ext.PSK_KEY_EXCHANGE_MODES: {
        const l = e.u8();
        const modes = Array.from(e.sub(l, "PSKKeyExchangeModes", 1).rest());
        if (host.wants("ssl_extension_psk_key_exchange_modes")) host.raise("ssl_extension_psk_key_exchange_modes", this.conn(), client, modes);
        break;
      }
      case Ext.PRE_SHARED_KEY: {
        if (this.msgType === Msg.CLIENT_HELLO) {
          const ids = e.sub(e.u16(), "PSKIdentitiesList", 2);
          const identities: PskIdentity[] = [];
          while (ids.remaining > 0) {
            const identity = ids.str(ids.u16());
            identities.push({ identity, obfuscated_ticket_age: ids.u32() });
          }
          const bl = e.sub(e.u16(), "PSKBindersList", 2);
          const binders: string[] = [];
          while (bl.remaining > 0) binders.push(bl.str(bl.u8()));
          if (host.wants("ssl_extension_pre_shared_key_client_hello"))
            host.raise("ssl_extension_pre_shared_key_client_hello", this.conn(), client, identities, binders);
        } else if (this.msgType === Msg.SERVER_HELLO) {
          const selected = e.u16();
          if (host.wants("ssl_extension_pre_shared_key_server_hello")) host.raise("ssl_extension_pre_shared_key_server_hello", this.conn(), client, selected);
        }
        break;
      }
      case Ext.CONNECTION_ID: {
        const cid = e.str(e.u8());
        if (host.wants("ssl_extension_connection_id")) host.raise("ssl_extension_connection_id", this.conn(), client, cid);
        break;
      }
      case Ext.ENCRYPTED_CLIENT_HELLO: {
        const tpe = e.u8();
        if (tpe === 0) {
          const kdf = e.u16();
          const aead = e.u16();
          const config = e.u8();
          const enc = e.str(e.u16());
          const payloadLength = e.u16();
          e.skip(payloadLength);
          if (host.wants("ssl_extension_encrypted_client_hello"))
            host.raise("ssl_extension_encrypted_client_hello", this.conn(), client, kdf, aead, config, enc, payloadLength);
        } else host.weird("ssl_unexpected_inner_encrypted_client_hello");
        break;
      }
    }
  }

  private certificate(isOrig: boolean, r: Reader): void {
    const l = r.u24();
    const list = r.sub(l, "Certificate", 3);
    const certs: Uint8Array[] = [];
    while (list.remaining > 0) certs.push(list.view(list.u24()));
    certificatesToFiles(this.host, this.isClient(isOrig), certs);
  }

  private certificateStatus(isOrig: boolean, r: Reader): void {
    const h = r.sub(r.remaining, "CertificateStatus");
    const statusType = h.u8();
    h.u24();
    const response = h.rest();
    if (statusType === 1 && response.length > 0) {
      ocspResponseToFile(this.host, response, () => {
        if (this.host.wants("ssl_stapled_ocsp")) this.host.raise("ssl_stapled_ocsp", this.conn(), this.isClient(isOrig), bytesToString(response));
      });
    } else if (response.length === 0) this.host.weird("SSL_zero_length_stapled_OCSP_message");
  }

  /** Signatures carry their algorithms from TLS 1.2 on (not in DTLS 1.0, which is TLS 1.1's twin). */
  private usesSignatureAndHash(): boolean {
    return this.chosenVersion > V.TLSv11 && this.chosenVersion !== V.DTLSv10;
  }

  private signature(r: Reader): void {
    const s = new Reader(r.buf, r.pos, r.end, "ServerKeyExchangeSignature");
    let alg: SignatureAndHashAlgorithm = { HashAlgorithm: 256, SignatureAlgorithm: 256 }; // Zeek's "impossible value" before TLS 1.2
    if (this.usesSignatureAndHash()) alg = { HashAlgorithm: s.u8(), SignatureAlgorithm: s.u8() };
    const sig = s.view(s.u16());
    r.pos = s.pos;
    if (this.host.wants("ssl_server_signature")) this.host.raise("ssl_server_signature", this.conn(), alg, bytesToString(sig));
  }

  private serverKeyExchange(r: Reader): void {
    const cipher = this.chosenCipher;
    const host = this.host;
    if (ECDHE_KEX_CIPHERS.has(cipher) || ECDH_ANON_KEX_CIPHERS.has(cipher)) {
      const anon = ECDH_ANON_KEX_CIPHERS.has(cipher);
      const k = r.sub(r.remaining, anon ? "EcdhAnonServerKeyExchange" : "EcdheServerKeyExchange");
      if (k.u8() !== NAMED_CURVE) return;
      const curve = k.u16();
      const point = k.view(k.u8());
      if (!anon) this.signature(k);
      if (host.wants("ssl_ecdh_server_params")) host.raise("ssl_ecdh_server_params", this.conn(), curve, bytesToString(point));
    } else if (DHE_KEX_CIPHERS.has(cipher) || DH_ANON_KEX_CIPHERS.has(cipher)) {
      const anon = DH_ANON_KEX_CIPHERS.has(cipher);
      const k = r.sub(r.remaining, anon ? "DhAnonServerKeyExchange" : "DheServerKeyExchange");
      const p = k.view(k.u16());
      const g = k.view(k.u16());
      const ys = k.view(k.u16());
      if (host.wants("ssl_dh_server_params")) host.raise("ssl_dh_server_params", this.conn(), bytesToString(p), bytesToString(g), bytesToString(ys));
      if (!anon) this.signature(k);
    }
  }

  private certificateRequest(isOrig: boolean, r: Reader): void {
    const h = r.sub(r.remaining, "CertificateRequest");
    const types = Array.from(h.view(h.u8()));
    const algs: SignatureAndHashAlgorithm[] = [];
    if (this.usesSignatureAndHash()) {
      const list = h.sub(h.u16(), "SignatureAlgorithm", 2);
      while (list.remaining > 0) algs.push(sigHash(list.u16()));
    }
    const cas = h.sub(h.u16(), "CertificateAuthoritiesContainer");
    const authorities: string[] = [];
    while (cas.remaining > 0) authorities.push(cas.str(cas.u16()));
    if (this.host.wants("ssl_certificate_request")) this.host.raise("ssl_certificate_request", this.conn(), this.isClient(isOrig), types, algs, authorities);
  }

  private clientKeyExchange(r: Reader): void {
    const cipher = this.chosenCipher;
    const host = this.host;
    if (RSA_CKX_CIPHERS.has(cipher)) {
      if (host.wants("ssl_rsa_client_pms")) host.raise("ssl_rsa_client_pms", this.conn(), bytesToString(r.rest()));
    } else if (ECDH_CKX_CIPHERS.has(cipher)) {
      if (host.wants("ssl_ecdh_client_params")) host.raise("ssl_ecdh_client_params", this.conn(), bytesToString(r.rest()));
    } else if (DH_CKX_CIPHERS.has(cipher)) {
      if (host.wants("ssl_dh_client_params")) host.raise("ssl_dh_client_params", this.conn(), bytesToString(r.rest()));
    }
  }
}

function sigHash(v: number): SignatureAndHashAlgorithm {
  return { HashAlgorithm: v >> 8, SignatureAlgorithm: v & 0xff };
}

/** A session id as Zeek hands it to scripts: always 32 bytes, zero-padded; all zeros when absent or longer. */
export function sessionIdString(id: Uint8Array | readonly number[] | null): string {
  let s = "";
  const fits = id !== null && id.length <= SESSION_ID_LEN;
  for (let i = 0; i < SESSION_ID_LEN; i++) s += String.fromCharCode(fits && i < id.length ? id[i]! : 0);
  return s;
}
