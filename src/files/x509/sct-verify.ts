/**
 * Zeek's sct_verify BIF on node:crypto (RFC 6962 §3.2): a signed
 * certificate timestamp is the log's signature over the certificate it
 * saw and the time it saw it. For an SCT sent in the TLS extension or a
 * stapled OCSP response, the log signed the certificate itself
 * (x509_entry); for one embedded in the certificate, it signed the
 * precertificate: the TBSCertificate without the SCT extension, with the
 * SHA-256 of its issuer's SubjectPublicKeyInfo (precert_entry), so that
 * one needs the issuer.
 */
import { createHash, createPublicKey, verify } from "node:crypto";
import { BerReader, OID, oidText, SEQUENCE, type Tlv } from "../../asn1/ber.js";
import { certificateParts } from "./chain-cert.js";
import { SCT_CERT_OID } from "./sct.js";

/** The TLS HashAlgorithm registry's digests by number (Zeek's hash_to_evp: 1 MD5 … 6 SHA-512). */
export const TLS_HASHES: readonly (string | undefined)[] = [undefined, "md5", "sha1", "sha224", "sha256", "sha384", "sha512"];

/** What an SCT says, for its check. */
export interface SctProof {
  /** Milliseconds since the epoch, as the SCT has them. */
  readonly timestamp: number;
  readonly hashAlg: number;
  readonly signature: Uint8Array;
}

/** A DER element of `tag` around `content`. */
function der(tag: number, content: Uint8Array): Uint8Array {
  const n = content.length;
  const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : n < 0x10000 ? [0x82, n >> 8, n & 0xff] : [0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  return Buffer.concat([Uint8Array.of(tag, ...len), content]);
}

/** The TBSCertificate of `cert` (DER) without its SCT extension, encoded again (i2d_re_X509_tbs after X509_delete_ext). */
export function precertTbs(cert: Uint8Array): Uint8Array {
  const tbs = new BerReader(new BerReader(new BerReader(cert).expect(SEQUENCE).value).expect(SEQUENCE).value);
  const parts: Uint8Array[] = [];
  while (tbs.remaining > 0) {
    const t = tbs.next();
    parts.push(t.tag === 0xa3 ? withoutSctExtension(t) : t.whole);
  }
  return der(SEQUENCE, Buffer.concat(parts));
}

function withoutSctExtension(extensions: Tlv): Uint8Array {
  const list = new BerReader(new BerReader(extensions.value).expect(SEQUENCE).value);
  const kept: Uint8Array[] = [];
  while (list.remaining > 0) {
    const e = list.expect(SEQUENCE);
    if (oidText(new BerReader(e.value).expect(OID).value) !== SCT_CERT_OID) kept.push(e.whole);
  }
  return der(0xa3, der(SEQUENCE, Buffer.concat(kept)));
}

/** The SHA-256 of a certificate's SubjectPublicKeyInfo (x509_spki_hash(cert, 4)): a precertificate's issuer key hash. */
export function spkiSha256(cert: Uint8Array): Uint8Array {
  return createHash("sha256").update(certificateParts(cert).spki).digest();
}

/** The signed data of RFC 6962's digitally-signed struct for `cert`. */
function signedData(cert: Uint8Array, timestamp: number, issuerKeyHash: Uint8Array | undefined): Buffer {
  const head = Buffer.alloc(12);
  head.writeBigUInt64BE(BigInt(timestamp), 2);
  head[11] = issuerKeyHash === undefined ? 0 : 1;
  const entry = issuerKeyHash === undefined ? cert : precertTbs(cert);
  const length = Uint8Array.of(entry.length >> 16, (entry.length >> 8) & 0xff, entry.length & 0xff);
  return Buffer.concat([head, issuerKeyHash ?? new Uint8Array(0), length, entry, Uint8Array.of(0, 0)]);
}

/**
 * sct_verify(cert, logid, log key, signature, timestamp, hash, issuer key
 * hash): whether the log's key verifies the SCT for `cert` (DER), as a
 * precertificate's when `issuerKeyHash` is given.
 */
export function verifySct(cert: Uint8Array, proof: SctProof, logKey: Uint8Array, issuerKeyHash?: Uint8Array): boolean {
  const hash = TLS_HASHES[proof.hashAlg];
  if (hash === undefined || (issuerKeyHash !== undefined && issuerKeyHash.length !== 32)) return false;
  try {
    const key = createPublicKey({ key: Buffer.from(logKey), format: "der", type: "spki" });
    return verify(hash, signedData(cert, proof.timestamp, issuerKeyHash), key, proof.signature);
  } catch {
    // A key or certificate that does not decode: Zeek reports an error and counts the SCT invalid.
    return false;
  }
}
