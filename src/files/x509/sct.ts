/**
 * Signed certificate timestamps (RFC 6962 §3.3) in X.509 certificates
 * (extension 1.3.6.1.4.1.11129.2.4.2) and OCSP responses
 * (1.3.6.1.4.1.11129.2.4.5), as Zeek's X509Common::ParseSignedCertificateTimestamps
 * reads them: the extension's value holds an OCTET STRING holding the TLS
 * encoded list (u16 length, then per SCT: u16 length, version, 32-byte log
 * id, u64 timestamp in ms, u16-length extensions, hash and signature
 * algorithm, u16-length signature). Each SCT is
 * x509_ocsp_ext_signed_certificate_timestamp as it is read; a malformed one
 * ends the list (Zeek reports an error, not a weird). `readSctList` is also
 * what TLS's signed_certificate_timestamp extension carries.
 */

import { BerError, BerReader, OCTET_STRING } from "../../asn1/ber.js";
import { registerEvents } from "../../event/events.js";
import type { FaFile } from "../file.js";

export const SCT_CERT_OID = "1.3.6.1.4.1.11129.2.4.2";
export const SCT_OCSP_OID = "1.3.6.1.4.1.11129.2.4.5";

/** One SCT; strings are bytes, one char each. */
export interface Sct {
  version: number;
  logid: string;
  timestamp: number;
  hash_alg: number;
  sig_alg: number;
  signature: string;
}

export interface SctEvents {
  x509_ocsp_ext_signed_certificate_timestamp: [
    f: FaFile,
    version: number,
    logid: string,
    timestamp: number,
    hash_algorithm: number,
    signature_algorithm: number,
    signature: string,
  ];
}
declare module "../../event/events.js" {
  interface EventMap extends SctEvents {}
}
registerEvents<SctEvents>({ x509_ocsp_ext_signed_certificate_timestamp: true });

const text = (v: Uint8Array): string => Buffer.from(v).toString("latin1");

/**
 * The SCTs of a TLS-encoded SignedCertificateTimestampList, each handed to
 * `each` as it is read; stops (returning false) at the first malformed one.
 */
export function readSctList(b: Uint8Array, each: (s: Sct) => void): boolean {
  if (b.length < 2) return false;
  const total = (b[0]! << 8) | b[1]!;
  if (total + 2 > b.length) return false;
  const end = total + 2;
  let p = 2;
  while (p < end) {
    if (p + 2 > end) return false;
    const len = (b[p]! << 8) | b[p + 1]!;
    const sEnd = p + 2 + len;
    if (sEnd > end) return false;
    let q = p + 2;
    // version(1) logid(32) timestamp(8) extensions length(2)
    if (q + 43 > sEnd) return false;
    const version = b[q]!;
    const logid = text(b.subarray(q + 1, q + 33));
    let timestamp = 0;
    for (let i = 0; i < 8; i++) timestamp = timestamp * 256 + b[q + 33 + i]!;
    q += 41;
    const extLen = (b[q]! << 8) | b[q + 1]!;
    q += 2 + extLen;
    if (q + 4 > sEnd) return false;
    const hash = b[q]!;
    const sig = b[q + 1]!;
    const sigLen = (b[q + 2]! << 8) | b[q + 3]!;
    q += 4;
    if (q + sigLen > sEnd) return false;
    each({ version, logid, timestamp, hash_alg: hash, sig_alg: sig, signature: text(b.subarray(q, q + sigLen)) });
    p = sEnd;
  }
  return true;
}

/** The SCTs of an SCT extension's value (an OCTET STRING inside), read in order; malformed input ends it quietly. */
export function sctsOfExtension(value: Uint8Array): Sct[] {
  const out: Sct[] = [];
  try {
    const inner = new BerReader(value).expect(OCTET_STRING).value;
    readSctList(inner, (s) => out.push(s));
  } catch (e) {
    if (!(e instanceof BerError)) throw e;
  }
  return out;
}

/** Raises x509_ocsp_ext_signed_certificate_timestamp for one SCT of file `f`. */
export function raiseSct(f: FaFile, s: Sct): void {
  const bus = f.manager.bus;
  if (bus.wants.x509_ocsp_ext_signed_certificate_timestamp) {
    bus.queue("x509_ocsp_ext_signed_certificate_timestamp", f, s.version, s.logid, s.timestamp, s.hash_alg, s.sig_alg, s.signature);
  }
}

/** Reads an SCT extension's value and raises each SCT of file `f`. */
export function parseSctList(value: Uint8Array, f: FaFile): void {
  for (const s of sctsOfExtension(value)) raiseSct(f, s);
}
