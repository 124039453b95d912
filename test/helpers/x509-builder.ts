/**
 * Certificates made at test time: P-256 keys from node:crypto, a DER
 * TBSCertificate written by hand (v3, a CN-only name, UTCTime validity,
 * basic constraints for CAs), signed ecdsa-with-SHA256 by the issuer's key.
 */
import { generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import { type Bytes, int, oid, seq, str, tlv } from "../analyzer/app/ber-helpers.js";

export interface TestCa {
  readonly name: string;
  readonly key: KeyObject;
  readonly der: Uint8Array;
}

export interface CertSpec {
  /** The subject's CN. */
  subject: string;
  /** Who signs it (itself when absent: a self-signed certificate). */
  issuer?: TestCa;
  /** Validity, in seconds since the epoch (default: 2020 to 2035). */
  notBefore?: number;
  notAfter?: number;
  ca?: boolean;
  serial?: number;
  /** The subject's key pair (a new one when absent). */
  keys?: { publicKey: KeyObject; privateKey: KeyObject };
}

const ECDSA_SHA256 = seq(oid("1.2.840.10045.4.3.2"));

const name = (cn: string): Bytes => seq(tlv(0x31, seq(oid("2.5.4.3"), str(0x0c, cn))));

/** UTCTime of `t` (YYMMDDHHMMSSZ). */
function utcTime(t: number): Bytes {
  const d = new Date(t * 1000).toISOString();
  const text = d.slice(2, 4) + d.slice(5, 7) + d.slice(8, 10) + d.slice(11, 13) + d.slice(14, 16) + d.slice(17, 19);
  return str(0x17, `${text}Z`);
}

/** basicConstraints (critical), cA as `ca`. */
function extensions(ca: boolean): Bytes {
  const bc = seq(oid("2.5.29.19"), tlv(0x01, [0xff]), tlv(0x04, ca ? seq(tlv(0x01, [0xff])) : seq()));
  return tlv(0xa3, seq(bc));
}

/** A certificate (and its key, to sign others with) as `spec` says. */
export function makeCert(spec: CertSpec): TestCa {
  const keys = spec.keys ?? generateKeyPairSync("ec", { namedCurve: "P-256" });
  const spki = [...keys.publicKey.export({ type: "spki", format: "der" })];
  const issuerName = spec.issuer?.name ?? spec.subject;
  const signer = spec.issuer?.key ?? keys.privateKey;
  const tbs = seq(
    tlv(0xa0, int(2)),
    int(spec.serial ?? 1),
    ECDSA_SHA256,
    name(issuerName),
    seq(utcTime(spec.notBefore ?? 1577836800), utcTime(spec.notAfter ?? 2051222400)),
    name(spec.subject),
    spki,
    extensions(spec.ca ?? false),
  );
  const signature = [...sign("sha256", Uint8Array.from(tbs), signer)];
  const der = Uint8Array.from(seq(tbs, ECDSA_SHA256, tlv(0x03, [0], signature)));
  return { name: spec.subject, key: keys.privateKey, der };
}

/** Certificates as a PEM bundle. */
export function pem(...certs: TestCa[]): string {
  return certs
    .map(
      (c) =>
        `-----BEGIN CERTIFICATE-----\n${Buffer.from(c.der)
          .toString("base64")
          .match(/.{1,64}/g)!
          .join("\n")}\n-----END CERTIFICATE-----\n`,
    )
    .join("");
}
