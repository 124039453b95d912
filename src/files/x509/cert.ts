/**
 * X.509 certificate parsing for the X509 file analyzer: the fields of Zeek's
 * X509::Certificate record, the subject alternative names and the basic
 * constraints, as x509.log shows them. Node's X509Certificate decides whether
 * the certificate parses at all (as OpenSSL's d2i_X509 does for Zeek); our own
 * bounded DER walk (the shared BER reader, src/asn1/ber.ts) reads the fields, formatted as OpenSSL prints them
 * for Zeek (names in RFC 2253 order and escaping, algorithms by long name).
 */

import { X509Certificate } from "node:crypto";
import {
  BerError,
  BerReader,
  BIT_STRING,
  BOOLEAN,
  bitLength,
  INTEGER,
  integerDecimal,
  integerHex,
  OCTET_STRING,
  OID,
  oidText,
  SEQUENCE,
  SET,
  type Tlv,
} from "../../asn1/ber.js";
import { latin1 } from "../../packet/bytes.js";
import { asn1Time } from "./asn1time.js";
import { ATTR_NAMES, extensionRecord, type X509Extension } from "./ext-print.js";
import { SCT_CERT_OID, type Sct, sctsOfExtension } from "./sct.js";

/** Zeek's X509::Certificate. */
export interface X509CertRecord {
  version: number;
  serial: string;
  subject: string;
  issuer: string;
  cn?: string;
  not_valid_before: number;
  not_valid_after: number;
  key_alg: string;
  sig_alg: string;
  key_type?: string;
  key_length?: number;
  exponent?: string;
  curve?: string;
  /** The signature algorithm the TBSCertificate names (should be sig_alg's); not in x509.log unless a script adds &log. */
  tbs_sig_alg: string;
}

/** Zeek's X509::SubjectAlternativeName. */
export interface X509San {
  dns?: string[];
  uri?: string[];
  email?: string[];
  ip?: string[];
  other_fields: boolean;
}

/** Zeek's X509::BasicConstraints. */
export interface X509BasicConstraints {
  ca: boolean;
  path_len?: number;
}

/** An extension with an event of its own, in the certificate's order (Zeek raises them so). */
export type CertExtension =
  | { kind: "basic_constraints"; value: X509BasicConstraints }
  | { kind: "san"; value: X509San }
  | { kind: "sct"; value: Sct }
  /** Every extension, for x509_extension (raised before the specific events of the same extension). */
  | { kind: "extension"; value: X509Extension };

export interface ParsedCertificate {
  certificate: X509CertRecord;
  san?: X509San;
  basic_constraints?: X509BasicConstraints;
  /** The extensions raised as events, in order. */
  extensions: CertExtension[];
  /** Weirds met before the certificate's event (its validity times). */
  earlyWeirds: string[];
  /** Weirds met in the extensions (Zeek's x509_san_parse_error, x509_invalid_basic_constraint…). */
  weirds: string[];
}

/** OpenSSL's long names of the algorithm OIDs certificates use. */
const ALG_NAMES = new Map<string, string>([
  ["1.2.840.113549.1.1.1", "rsaEncryption"],
  ["1.2.840.113549.1.1.2", "md2WithRSAEncryption"],
  ["1.2.840.113549.1.1.4", "md5WithRSAEncryption"],
  ["1.2.840.113549.1.1.5", "sha1WithRSAEncryption"],
  ["1.2.840.113549.1.1.10", "rsassaPss"],
  ["1.2.840.113549.1.1.11", "sha256WithRSAEncryption"],
  ["1.2.840.113549.1.1.12", "sha384WithRSAEncryption"],
  ["1.2.840.113549.1.1.13", "sha512WithRSAEncryption"],
  ["1.2.840.113549.1.1.14", "sha224WithRSAEncryption"],
  ["1.3.14.3.2.29", "sha1WithRSA"],
  ["1.2.840.10040.4.1", "dsaEncryption"],
  ["1.2.840.10040.4.3", "dsaWithSHA1"],
  ["2.16.840.1.101.3.4.3.2", "dsa_with_SHA256"],
  ["1.2.840.10045.2.1", "id-ecPublicKey"],
  ["1.2.840.10045.4.1", "ecdsa-with-SHA1"],
  ["1.2.840.10045.4.3.1", "ecdsa-with-SHA224"],
  ["1.2.840.10045.4.3.2", "ecdsa-with-SHA256"],
  ["1.2.840.10045.4.3.3", "ecdsa-with-SHA384"],
  ["1.2.840.10045.4.3.4", "ecdsa-with-SHA512"],
  ["1.3.101.110", "X25519"],
  ["1.3.101.111", "X448"],
  ["1.3.101.112", "ED25519"],
  ["1.3.101.113", "ED448"],
  ["1.2.840.10046.2.1", "X9.42 DH"],
  ["1.2.840.113549.1.3.1", "dhKeyAgreement"],
]);

/**
 * Keys OpenSSL 3 names by their type rather than as rsa, dsa or ecdsa
 * (Zeek's X509.cc logs EVP_PKEY_get0_type_name and EVP_PKEY_bits for them):
 * the name and the bit length. A PSS-only RSA key is another (below: no
 * exponent, its modulus' bits). ML-DSA is not here: the corpus' Zeek links
 * an OpenSSL before 3.5, which cannot load its keys and names neither the
 * key's OID nor the signature's (Zeek's own baseline, from OpenSSL 3.5,
 * has ML-DSA-44 and 10496 bits: ssl/ml-dsa-44-cert).
 */
const NAMED_KEYS = new Map<string, [string, number]>([
  ["1.3.101.110", ["X25519", 253]],
  ["1.3.101.111", ["X448", 448]],
  ["1.3.101.112", ["ED25519", 256]],
  ["1.3.101.113", ["ED448", 456]],
]);

/** EC curves: OpenSSL's short name and the key's bit length. */
const CURVES = new Map<string, [string, number]>([
  ["1.2.840.10045.3.1.7", ["prime256v1", 256]],
  ["1.3.132.0.34", ["secp384r1", 384]],
  ["1.3.132.0.35", ["secp521r1", 521]],
  ["1.3.132.0.33", ["secp224r1", 224]],
  ["1.3.132.0.10", ["secp256k1", 256]],
  ["1.2.840.10045.3.1.1", ["prime192v1", 192]],
  ["1.3.36.3.3.2.8.1.1.7", ["brainpoolP256r1", 256]],
  ["1.3.36.3.3.2.8.1.1.11", ["brainpoolP384r1", 384]],
  ["1.3.36.3.3.2.8.1.1.13", ["brainpoolP512r1", 512]],
]);

const HEX = (b: number): string => b.toString(16).padStart(2, "0").toUpperCase();

/** A directory string's characters, as OpenSSL converts them to UTF-8 (one JS char per code point). */
function stringValue(tag: number, v: Uint8Array): string | null {
  switch (tag) {
    case 0x0c: // UTF8String
      return Buffer.from(v).toString("utf8");
    case 0x13:
    case 0x16:
    case 0x14:
    case 0x12:
    case 0x1a: // Printable, IA5, T61, Numeric, Visible
      return latin1(v);
    case 0x1e: {
      // BMPString (UCS-2)
      let s = "";
      for (let i = 0; i + 1 < v.length; i += 2) s += String.fromCharCode((v[i]! << 8) | v[i + 1]!);
      return s;
    }
    case 0x1c: {
      // UniversalString (UCS-4)
      let s = "";
      for (let i = 0; i + 3 < v.length; i += 4) {
        const cp = ((v[i]! << 24) | (v[i + 1]! << 16) | (v[i + 2]! << 8) | v[i + 3]!) >>> 0;
        s += cp <= 0x10ffff ? String.fromCodePoint(cp) : "?";
      }
      return s;
    }
    default:
      return null;
  }
}

/** RFC 2253 escaping as OpenSSL's ESC_2253 | ESC_CTRL (bytes above 0x7f stay as they are). */
function escapeValue(s: string): string {
  let out = "";
  const chars = [...s];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    const cp = ch.codePointAt(0)!;
    if (cp < 0x20 || cp === 0x7f) out += `\\${HEX(cp)}`;
    else if (',+"\\<>;'.includes(ch)) out += `\\${ch}`;
    else if ((i === 0 && (ch === "#" || ch === " ")) || (i === chars.length - 1 && ch === " ")) out += `\\${ch}`;
    else out += ch;
  }
  return out;
}

/**
 * X509_NAME_print_ex with XN_FLAG_RFC2253: OpenSSL keeps a name as one flat
 * list of entries, each tagged with its RDN's index, and XN_FLAG_DN_REV walks
 * that list from its end, so the attributes inside a multi-valued RDN come out
 * reversed too ("L=x+CN=y" for a SET holding CN then L); "+" joins entries of
 * one RDN, "," separates RDNs. Also the last CN.
 */
function formatName(name: Uint8Array): { text: string; cn?: string } {
  let cn: string | undefined;
  const rdns = nameRdns(name).map((rdn) => {
    const avas = rdn.map(({ oid, value: val }) => {
      const key = ATTR_NAMES.get(oid);
      const str = stringValue(val.tag, val.value);
      if (key === undefined || str === null) return `${key ?? oid}=#${[...val.whole].map(HEX).join("")}`;
      if (key === "CN") cn = str;
      return `${key}=${escapeValue(str)}`;
    });
    return avas.reverse().join("+");
  });
  return { text: rdns.reverse().join(","), cn };
}

/** A DER Name's RDNs (its SEQUENCE's value), each a list of attribute type and value, in encoded order. */
export function nameRdns(name: Uint8Array): { oid: string; value: Tlv }[][] {
  const rdns: { oid: string; value: Tlv }[][] = [];
  const d = new BerReader(name);
  while (d.remaining > 0) {
    const set = new BerReader(d.expect(SET).value);
    const avas: { oid: string; value: Tlv }[] = [];
    while (set.remaining > 0) {
      const ava = new BerReader(set.expect(SEQUENCE).value);
      avas.push({ oid: oidText(ava.expect(OID).value), value: ava.next() });
    }
    rdns.push(avas);
  }
  return rdns;
}

/** What Zeek's parse_distinguished_name keeps of a name: BIO_gets into a 256-byte buffer reads at most 255 bytes. */
const DN_TEXT_MAX_BYTES = 255;

/**
 * Zeek's parse_distinguished_name: a DER Name (a whole SEQUENCE, as a TLS
 * CertificateRequest lists its CAs) in RFC 2253 form, "" when it does not
 * parse. Cut to 255 bytes of UTF-8, at a character's end.
 */
export function distinguishedName(der: Uint8Array): string {
  let text: string;
  try {
    const outer = new BerReader(der);
    text = formatName(outer.expect(SEQUENCE).value).text;
  } catch (e) {
    if (e instanceof BerError || e instanceof RangeError) return "";
    throw e;
  }
  if (Buffer.byteLength(text, "utf8") <= DN_TEXT_MAX_BYTES) return text;
  let out = "";
  let bytes = 0;
  for (const ch of text) {
    bytes += Buffer.byteLength(ch, "utf8");
    if (bytes > DN_TEXT_MAX_BYTES) break;
    out += ch;
  }
  return out;
}

function algorithmOid(seq: Uint8Array): { oid: string; params?: { tag: number; value: Uint8Array } } {
  const d = new BerReader(seq);
  const oid = oidText(d.expect(OID).value);
  return d.remaining > 0 ? { oid, params: d.next() } : { oid };
}

function publicKey(cert: X509CertRecord, spki: Uint8Array): void {
  const d = new BerReader(spki);
  const alg = algorithmOid(d.expect(SEQUENCE).value);
  cert.key_alg = ALG_NAMES.get(alg.oid) ?? alg.oid;
  const bits = d.expect(BIT_STRING).value.subarray(1);
  try {
    const named = NAMED_KEYS.get(alg.oid);
    if (named !== undefined) {
      cert.key_type = named[0];
      cert.key_length = named[1];
    } else if (alg.oid === "1.2.840.113549.1.1.10") {
      const k = new BerReader(new BerReader(bits).expect(SEQUENCE).value);
      cert.key_type = "RSA-PSS";
      cert.key_length = bitLength(k.expect(INTEGER).value);
    } else if (alg.oid === "1.2.840.113549.1.1.1" || alg.oid === "1.2.840.113549.1.1.4") {
      const k = new BerReader(new BerReader(bits).expect(SEQUENCE).value);
      const n = k.expect(INTEGER).value;
      const e = k.expect(INTEGER).value;
      cert.key_type = "rsa";
      cert.exponent = integerDecimal(e);
      cert.key_length = bitLength(n);
    } else if (alg.oid === "1.2.840.10040.4.1") {
      cert.key_type = "dsa";
      if (alg.params?.tag === SEQUENCE) cert.key_length = bitLength(new BerReader(alg.params.value).expect(INTEGER).value);
    } else if (alg.oid === "1.2.840.10045.2.1") {
      cert.key_type = "ecdsa";
      if (alg.params?.tag === OID) {
        const curve = CURVES.get(oidText(alg.params.value));
        if (curve !== undefined) [cert.curve, cert.key_length] = curve;
      }
    }
  } catch (e) {
    // A key OpenSSL cannot load leaves the key fields unset, as in Zeek.
    if (!(e instanceof BerError)) throw e;
  }
}

function subjectAltName(v: Uint8Array, weirds: string[]): X509San | undefined {
  const san: X509San = { other_fields: false };
  try {
    const d = new BerReader(new BerReader(v).expect(SEQUENCE).value);
    while (d.remaining > 0) {
      const g = d.next();
      const push = (k: "dns" | "uri" | "email" | "ip", s: string): void => void (san[k] ??= []).push(s);
      switch (g.tag) {
        case 0x81:
          push("email", latin1(g.value));
          break;
        case 0x82:
          push("dns", latin1(g.value));
          break;
        case 0x86:
          push("uri", latin1(g.value));
          break;
        case 0x87:
          if (g.value.length === 4) push("ip", [...g.value].join("."));
          else if (g.value.length === 16) push("ip", ipv6Text(g.value));
          else weirds.push("x509_san_ip_length");
          break;
        default:
          san.other_fields = true;
      }
    }
  } catch (e) {
    if (!(e instanceof BerError)) throw e;
    weirds.push("x509_san_parse_error");
    return undefined;
  }
  return san;
}

function ipv6Text(b: Uint8Array): string {
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push((b[i]! << 8) | b[i + 1]!);
  // The longest run of zero words (two or more) becomes "::".
  let best = -1,
    bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const h = (ws: number[]): string => ws.map((w) => w.toString(16)).join(":");
  if (best < 0) return h(words);
  return `${h(words.slice(0, best))}::${h(words.slice(best + bestLen))}`;
}

function basicConstraints(v: Uint8Array, weirds: string[]): X509BasicConstraints | undefined {
  try {
    const d = new BerReader(new BerReader(v).expect(SEQUENCE).value);
    const bc: X509BasicConstraints = { ca: false };
    if (d.peekTag() === BOOLEAN) bc.ca = d.next().value[0] !== 0;
    if (d.peekTag() === INTEGER) {
      const p = d.next().value;
      if (p.length <= 4) bc.path_len = Number(integerDecimal(p));
    }
    return bc;
  } catch (e) {
    if (!(e instanceof BerError)) throw e;
    weirds.push("x509_invalid_basic_constraint");
    return undefined;
  }
}

/** Parses a DER certificate; null when it does not parse (Zeek's x509_cert_parse_error). Never throws. */
export function parseCertificate(der: Uint8Array): ParsedCertificate | null {
  try {
    // OpenSSL's verdict first: what it refuses, Zeek does not log.
    new X509Certificate(der);
  } catch {
    return null;
  }
  try {
    const top = new BerReader(new BerReader(der).expect(SEQUENCE).value);
    const tbs = new BerReader(top.expect(SEQUENCE).value);
    const outerAlg = algorithmOid(top.expect(SEQUENCE).value);
    let version = 1;
    if (tbs.peekTag() === 0xa0) version = Number(integerDecimal(new BerReader(tbs.next().value).expect(INTEGER).value)) + 1;
    const serial = integerHex(tbs.expect(INTEGER).value);
    const innerAlg = algorithmOid(tbs.expect(SEQUENCE).value);
    const issuer = formatName(tbs.expect(SEQUENCE).value);
    const validity = new BerReader(tbs.expect(SEQUENCE).value);
    const nb = validity.next();
    const na = validity.next();
    const subject = formatName(tbs.expect(SEQUENCE).value);
    // A malformed time is 0 and a weird, raised before the certificate's event (Zeek's GetTimeFromAsn1).
    const earlyWeirds: string[] = [];
    const timeWeird = (name: string): void => void earlyWeirds.push(name);
    const cert: X509CertRecord = {
      version,
      serial,
      subject: subject.text,
      issuer: issuer.text,
      not_valid_before: asn1Time(nb.tag, nb.value, timeWeird),
      not_valid_after: asn1Time(na.tag, na.value, timeWeird),
      key_alg: "",
      sig_alg: ALG_NAMES.get(outerAlg.oid) ?? "",
      // OpenSSL's i2a_ASN1_OBJECT: the long name, or the OID's dotted text when it has none.
      tbs_sig_alg: ALG_NAMES.get(innerAlg.oid) ?? innerAlg.oid,
    };
    if (subject.cn !== undefined) cert.cn = subject.cn;
    publicKey(cert, tbs.expect(SEQUENCE).value);
    const out: ParsedCertificate = { certificate: cert, extensions: [], earlyWeirds, weirds: [] };
    while (tbs.remaining > 0) {
      const t = tbs.next();
      if (t.tag !== 0xa3) continue; // issuer/subject unique ids
      const exts = new BerReader(new BerReader(t.value).expect(SEQUENCE).value);
      while (exts.remaining > 0) {
        const ext = new BerReader(exts.expect(SEQUENCE).value);
        const oid = oidText(ext.expect(OID).value);
        let critical = false;
        if (ext.peekTag() === BOOLEAN) critical = ext.next().value[0] !== 0;
        const octets = ext.expect(OCTET_STRING);
        const value = octets.value;
        // Printed once per distinct certificate (parses are remembered by fingerprint).
        out.extensions.push({ kind: "extension", value: extensionRecord(oid, critical, value, octets.whole) });
        if (oid === "2.5.29.17") {
          const san = subjectAltName(value, out.weirds);
          if (san !== undefined) {
            out.san = san;
            out.extensions.push({ kind: "san", value: san });
          }
        } else if (oid === "2.5.29.19") {
          const bc = basicConstraints(value, out.weirds);
          if (bc !== undefined) {
            out.basic_constraints = bc;
            out.extensions.push({ kind: "basic_constraints", value: bc });
          }
        } else if (oid === SCT_CERT_OID) {
          for (const sct of sctsOfExtension(value)) out.extensions.push({ kind: "sct", value: sct });
        }
      }
    }
    return out;
  } catch (e) {
    if (e instanceof BerError || e instanceof RangeError) return null;
    return null;
  }
}
