/**
 * What chain verification (verify.ts) needs to know of a certificate, read
 * once from its DER: the names as OpenSSL compares them, validity, the
 * extensions that decide whether it may issue (basic constraints, key usage,
 * Netscape's cert type), the key identifiers that pair it with its issuer,
 * and whether it has a critical extension OpenSSL does not handle.
 */
import { X509Certificate } from "node:crypto";
import { BerReader, BIT_STRING, BOOLEAN, INTEGER, OCTET_STRING, OID, oidText, SEQUENCE, type Tlv } from "../../asn1/ber.js";
import { latin1 } from "../../packet/bytes.js";
import { asn1Time } from "./asn1time.js";
import { nameRdns } from "./cert.js";

export interface ChainCert {
  readonly der: Uint8Array;
  /** Node's (OpenSSL's) view, for the signature check and the public key. */
  readonly node: X509Certificate;
  /** The subject and issuer Names' DER, as latin1 strings (the keys X509_NAME_digest hashes). */
  readonly subjectDer: string;
  readonly issuerDer: string;
  /** The Names in OpenSSL's canonical form (X509_NAME_cmp compares these). */
  readonly subjectCanon: string;
  readonly issuerCanon: string;
  readonly serial: string;
  readonly version: number;
  readonly notBefore: number;
  readonly notAfter: number;
  /** The OID of the signature algorithm and of the subject key's algorithm. */
  readonly sigAlg: string;
  readonly keyAlg: string;
  /** basicConstraints: absent (undefined), or cA and pathLenConstraint (-1: none). */
  readonly basicConstraints?: { ca: boolean; pathLen: number };
  /** keyUsage's first two octets as OpenSSL's ex_kusage (undefined: no extension). */
  readonly keyUsage?: number;
  /** Netscape cert type's bits (undefined: no extension). */
  readonly nsCertType?: number;
  readonly subjectKeyId?: string;
  readonly authorityKeyId?: string;
  readonly authorityCertSerial?: string;
  /** A critical extension OpenSSL's X509_supported_extension does not list (EXFLAG_CRITICAL). */
  readonly unhandledCritical: boolean;
}

/** keyUsage's keyCertSign bit (OpenSSL's KU_KEY_CERT_SIGN). */
export const KU_KEY_CERT_SIGN = 0x0004;
/** Netscape cert type's CA bits (NS_SSL_CA | NS_SMIME_CA | NS_OBJSIGN_CA). */
export const NS_ANY_CA = 0x07;

/** The extensions OpenSSL handles when critical (X509_supported_extension, RFC 3779's included). */
const SUPPORTED_EXTENSIONS = new Set([
  "2.16.840.1.113730.1.1", // netscape cert type
  "2.5.29.15", // key usage
  "2.5.29.17", // subject alt name
  "2.5.29.19", // basic constraints
  "2.5.29.32", // certificate policies
  "2.5.29.37", // extended key usage
  "1.3.6.1.5.5.7.1.7", // IP address blocks
  "1.3.6.1.5.5.7.1.8", // AS identifiers
  "2.5.29.36", // policy constraints
  "1.3.6.1.5.5.7.1.14", // proxy cert info
  "2.5.29.30", // name constraints
  "2.5.29.33", // policy mappings
  "2.5.29.54", // inhibit any policy
]);

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

/** A string attribute value decoded as ASN1_STRING_to_UTF8 would, or null for a type OpenSSL does not canonicalise. */
function attributeText(tag: number, v: Uint8Array): string | null {
  if (tag === 0x0c) return Buffer.from(v).toString("utf8");
  if (tag === 0x13 || tag === 0x14 || tag === 0x16 || tag === 0x1a) return latin1(v);
  if (tag === 0x1e) return Buffer.from(v).swap16().toString("utf16le");
  if (tag === 0x1c) {
    let out = "";
    for (let i = 0; i + 3 < v.length; i += 4) out += String.fromCodePoint(((v[i]! << 24) | (v[i + 1]! << 16) | (v[i + 2]! << 8) | v[i + 3]!) >>> 0);
    return out;
  }
  return null;
}

/**
 * A Name's canonical form (x509_name_canon): each string value trimmed,
 * inner whitespace runs made one space, ASCII lower-cased, so that names
 * differing only so (or in string type) compare equal, as in OpenSSL.
 */
export function canonicalName(name: Uint8Array): string {
  const canon = (val: Tlv): string => {
    const text = val.tag === 0x1e && val.value.length % 2 !== 0 ? null : attributeText(val.tag, val.value);
    if (text === null) return `#${hex(val.whole)}`;
    return text
      .trim()
      .replace(/\s+/g, " ")
      .replace(/[A-Z]/g, (c) => c.toLowerCase());
  };
  return nameRdns(name)
    .map((rdn) => rdn.map((a) => `${a.oid}=${canon(a.value)}`).join("+"))
    .join("\u0000,");
}

/** The first two octets of a BIT STRING's bits as one number (first octet low, OpenSSL's ex_kusage layout). */
function bitsValue(bitString: Uint8Array): number {
  return (bitString[1] ?? 0) | ((bitString[2] ?? 0) << 8);
}

type MutableChainCert = { -readonly [K in keyof ChainCert]: ChainCert[K] };

/** Reads one extension into `out`. */
function readExtension(oid: string, critical: boolean, value: Uint8Array, out: MutableChainCert): void {
  if (critical && !SUPPORTED_EXTENSIONS.has(oid)) out.unhandledCritical = true;
  const r = new BerReader(value);
  if (oid === "2.5.29.19") {
    const bc = new BerReader(r.expect(SEQUENCE).value);
    let ca = false;
    let pathLen = -1;
    if (bc.remaining > 0 && bc.peekTag() === BOOLEAN) ca = bc.next().value[0] !== 0;
    if (bc.remaining > 0 && bc.peekTag() === INTEGER) pathLen = Number.parseInt(hex(bc.next().value) || "0", 16);
    out.basicConstraints = { ca, pathLen };
  } else if (oid === "2.5.29.15") out.keyUsage = bitsValue(r.expect(BIT_STRING).value);
  else if (oid === "2.16.840.1.113730.1.1") out.nsCertType = r.expect(BIT_STRING).value[1] ?? 0;
  else if (oid === "2.5.29.14") out.subjectKeyId = hex(r.expect(OCTET_STRING).value);
  else if (oid === "2.5.29.35") {
    const akid = new BerReader(r.expect(SEQUENCE).value);
    while (akid.remaining > 0) {
      const t = akid.next();
      if (t.tag === 0x80) out.authorityKeyId = hex(t.value);
      else if (t.tag === 0x82) out.authorityCertSerial = hex(t.value);
    }
  }
}

/** The algorithm OID of an AlgorithmIdentifier's value. */
const algorithmOid = (v: Uint8Array): string => oidText(new BerReader(v).expect(OID).value);

/**
 * The issuer and subject Names and the SubjectPublicKeyInfo of a DER
 * certificate, each as its whole DER element (what X509_NAME_digest and
 * i2d_X509_PUBKEY give to hash). Throws BerError on DER that does not decode.
 */
export function certificateParts(der: Uint8Array): { issuer: Uint8Array; subject: Uint8Array; spki: Uint8Array } {
  const tbs = new BerReader(new BerReader(new BerReader(der).expect(SEQUENCE).value).expect(SEQUENCE).value);
  if (tbs.peekTag() === 0xa0) tbs.next(); // version
  tbs.next(); // serial
  tbs.next(); // signature algorithm
  const issuer = tbs.expect(SEQUENCE).whole;
  tbs.next(); // validity
  const subject = tbs.expect(SEQUENCE).whole;
  return { issuer, subject, spki: tbs.expect(SEQUENCE).whole };
}

/** A certificate's facts, or null when OpenSSL or our reading refuses it. */
export function chainCert(der: Uint8Array): ChainCert | null {
  try {
    const node = new X509Certificate(der);
    const top = new BerReader(new BerReader(der).expect(SEQUENCE).value);
    const tbs = new BerReader(top.expect(SEQUENCE).value);
    const sigAlg = algorithmOid(top.expect(SEQUENCE).value);
    let version = 1;
    if (tbs.peekTag() === 0xa0) version = (new BerReader(tbs.next().value).expect(INTEGER).value[0] ?? 0) + 1;
    const serial = hex(tbs.expect(INTEGER).value);
    tbs.expect(SEQUENCE);
    const issuer = tbs.expect(SEQUENCE);
    const validity = new BerReader(tbs.expect(SEQUENCE).value);
    const nb = validity.next();
    const na = validity.next();
    const subject = tbs.expect(SEQUENCE);
    const spki = new BerReader(tbs.expect(SEQUENCE).value);
    const ignore = (): void => {};
    const out: MutableChainCert = {
      der,
      node,
      subjectDer: latin1(subject.whole),
      issuerDer: latin1(issuer.whole),
      subjectCanon: canonicalName(subject.value),
      issuerCanon: canonicalName(issuer.value),
      serial,
      version,
      notBefore: asn1Time(nb.tag, nb.value, ignore),
      notAfter: asn1Time(na.tag, na.value, ignore),
      sigAlg,
      keyAlg: algorithmOid(spki.expect(SEQUENCE).value),
      unhandledCritical: false,
    };
    while (tbs.remaining > 0) {
      const t = tbs.next();
      if (t.tag !== 0xa3) continue;
      const exts = new BerReader(new BerReader(t.value).expect(SEQUENCE).value);
      while (exts.remaining > 0) {
        const ext = new BerReader(exts.expect(SEQUENCE).value);
        const oid = oidText(ext.expect(OID).value);
        const critical = ext.peekTag() === BOOLEAN ? ext.next().value[0] !== 0 : false;
        readExtension(oid, critical, ext.expect(OCTET_STRING).value, out);
      }
    }
    return out;
  } catch {
    // BerError, RangeError, or OpenSSL's refusal: nothing to verify with.
    return null;
  }
}
