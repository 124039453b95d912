/**
 * What SSL/TLS (over TCP) and DTLS (over UDP) share above their record
 * framing: each side's clear/encrypted state, the record contents Zeek
 * parses in clear text (change cipher spec, alerts, heartbeats, handshake
 * bytes, application data), and the inference of `ssl_established`.
 *
 * A side becomes encrypted at its ChangeCipherSpec (TLS ≤ 1.2, DTLS), or —
 * when the server chose TLS 1.3, whose ChangeCipherSpec means nothing — at
 * its first application-data record. The first encrypted record once both
 * sides are encrypted raises ssl_established: that is all Zeek infers of a
 * TLS 1.3 handshake, whose messages travel encrypted.
 */
import type { AnalyzerHost } from "../analyzer.js";
import { type HandshakeOwner, HandshakeParser, isTls13, V } from "./handshake.js";
import { bytesToString, OutOfBound } from "./reader.js";

export const enum Content {
  CHANGE_CIPHER_SPEC = 20,
  ALERT = 21,
  HANDSHAKE = 22,
  APPLICATION_DATA = 23,
  HEARTBEAT = 24,
}

/** SSL::max_alerts_per_record (init-bare.zeek). */
const MAX_ALERTS_PER_RECORD = 10;

export abstract class SslState implements HandshakeOwner {
  readonly hs: HandshakeParser;
  protected clientEncrypted = false;
  protected serverEncrypted = false;
  protected established = false;
  /** Zeek's SetSkip: nothing more is parsed. */
  skipping = false;

  constructor(readonly host: AnalyzerHost) {
    this.hs = new HandshakeParser(this);
  }

  skip(): void {
    this.skipping = true;
  }

  protected encrypted(isOrig: boolean): boolean {
    return isOrig ? this.clientEncrypted : this.serverEncrypted;
  }

  protected startEncryption(isOrig: boolean): void {
    if (isOrig) this.clientEncrypted = true;
    else this.serverEncrypted = true;
  }

  /** Zeek's determine_tls13: the server chose TLS 1.3 or a draft of it. */
  protected tls13(): boolean {
    return isTls13(this.hs.chosenVersion);
  }

  protected isClient(isOrig: boolean): boolean {
    return isOrig !== this.hs.flipped;
  }

  /** An encrypted record (Zeek's proc_ciphertext_record). */
  protected ciphertext(isOrig: boolean, rawVersion: number, contentType: number, length: number): void {
    const host = this.host;
    if (!this.established && this.tls13() && host.wants("ssl_probable_encrypted_handshake_message")) {
      host.raise("ssl_probable_encrypted_handshake_message", host.conn(), isOrig, length);
    }
    this.checkEstablished();
    if (host.wants("ssl_encrypted_data")) host.raise("ssl_encrypted_data", host.conn(), this.isClient(isOrig), rawVersion, contentType, length);
  }

  protected checkEstablished(): void {
    if (this.clientEncrypted && this.serverEncrypted && !this.established) {
      this.established = true;
      if (this.host.wants("ssl_established")) this.host.raise("ssl_established", this.host.conn());
    }
  }

  /**
   * A clear-text record's contents of the types TLS and DTLS share
   * (Zeek's PlaintextRecord), then ssl_plaintext_data. `body` is the
   * record's data; returns how many bytes the content took (a
   * ChangeCipherSpec takes one, everything else the whole record).
   */
  protected plaintext(isOrig: boolean, rawVersion: number, contentType: number, recordLength: number, body: Uint8Array): number {
    const host = this.host;
    let used = body.length;
    switch (contentType) {
      case Content.CHANGE_CIPHER_SPEC:
        used = 1;
        // TLS 1.3 keeps ChangeCipherSpec only for middleboxes: it changes nothing.
        if (!this.tls13()) this.startEncryption(isOrig);
        if (host.wants("ssl_change_cipher_spec")) host.raise("ssl_change_cipher_spec", host.conn(), this.isClient(isOrig));
        break;
      case Content.ALERT:
        this.alerts(isOrig, body);
        break;
      case Content.HEARTBEAT: {
        if (body.length < 3) throw new OutOfBound("Heartbeat", 3, body.length);
        if (host.wants("ssl_heartbeat")) {
          const payloadLength = (body[1]! << 8) | body[2]!;
          host.raise("ssl_heartbeat", host.conn(), this.isClient(isOrig), recordLength, body[0]!, payloadLength, bytesToString(body.subarray(3)));
        }
        break;
      }
      case Content.HANDSHAKE:
        this.handshake(isOrig, rawVersion, body);
        break;
      case Content.APPLICATION_DATA:
        break;
      default:
        if (!this.otherPlaintext(isOrig, contentType, body)) {
          host.violation(`unknown SSL record type (${contentType}) from ${isOrig ? "originator" : "responder"}`);
        }
    }
    if (host.wants("ssl_plaintext_data")) host.raise("ssl_plaintext_data", host.conn(), this.isClient(isOrig), rawVersion, contentType, recordLength);
    return used;
  }

  /** Handshake bytes of a record (DTLS reassembles its fragments first). */
  protected abstract handshake(isOrig: boolean, rawVersion: number, body: Uint8Array): void;

  /** Record types only one framing has (SSLv2's); false for an unknown type. */
  protected otherPlaintext(_isOrig: boolean, _contentType: number, _body: Uint8Array): boolean {
    return false;
  }

  private alerts(isOrig: boolean, body: Uint8Array): void {
    let length = body.length;
    const max = this.tls13() ? 2 : MAX_ALERTS_PER_RECORD * 2;
    if (length > max) {
      this.host.weird("SSL_excessive_alerts_in_record", String(Math.floor(length / 2)));
      length = max;
    }
    for (let i = 0; i + 1 < length; i += 2) {
      if (this.host.wants("ssl_alert")) this.host.raise("ssl_alert", this.host.conn(), this.isClient(isOrig), body[i]!, body[i + 1]!);
    }
  }

  /** A TLS-family version the record layer accepts (SSLv3 to TLS 1.2; TLS 1.3 records say 1.2). */
  static recordVersionOk(v: number): boolean {
    return v === V.SSLv30 || v === V.TLSv10 || v === V.TLSv11 || v === V.TLSv12;
  }
}
