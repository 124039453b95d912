/**
 * Zeek's X509::Extension record for x509_extension and ocsp_extension: the
 * extension's OID, its names as OpenSSL knows them (OBJ_obj2txt's long name,
 * or the dotted OID when OpenSSL has none; OBJ_nid2sn's short name, "UNDEF"
 * for an OID OpenSSL does not know) and its value as OpenSSL 3's
 * X509V3_EXT_print renders it with no indent — the same text `openssl x509
 * -text` shows under each extension, 16 columns to the left.
 *
 * The printers below cover the extensions certificates and OCSP responses
 * carry in practice (basicConstraints, keyUsage, extendedKeyUsage, subject and
 * authority key identifiers, subject and issuer alternative names, CRL
 * distribution points and freshest CRL, authority and subject information
 * access, certificate policies, CT precertificate SCTs and poison, Netscape
 * cert type and its string extensions, proxyCertInfo, OCSP nonce and no-check). For any other extension the value is what Zeek writes
 * when OpenSSL cannot print one: the DER of the extension's OCTET STRING
 * (tag, length and contents). That is exact for extensions OpenSSL has no
 * printer for (1.3.6.1.5.5.7.1.12 logotypes, Microsoft's template
 * extensions, …) and differs from Zeek only for the rarer ones OpenSSL prints
 * and bronze does not (policyMappings, policyConstraints, nameConstraints,
 * inhibitAnyPolicy, tlsfeature, privateKeyUsagePeriod, issuingDistributionPoint,
 * OCSP crlID/archiveCutoff/serviceLocator/acceptableResponses, IP address
 * blocks and AS ids). A value OpenSSL cannot decode also falls back to the DER,
 * as X509V3_EXT_print fails then.
 */

import { BerError, BerReader, BIT_STRING, BOOLEAN, INTEGER, OCTET_STRING, OID, oidText, SEQUENCE, SET } from "../../asn1/ber.js";
import { latin1 } from "../../packet/bytes.js";

/** Zeek's X509::Extension. */
export interface X509Extension {
  name: string;
  short_name?: string;
  oid: string;
  critical: boolean;
  value: string;
}

/**
 * OpenSSL's (short name, long name) of the OIDs extensions and their contents
 * name: the extensions themselves, extended key usages, access methods and
 * policy qualifiers (from OpenSSL 3.0's object table).
 */
const OBJECTS = new Map<string, readonly [string, string]>([
  ["2.16.840.1.113730.1.1", ["nsCertType", "Netscape Cert Type"]],
  ["2.16.840.1.113730.1.2", ["nsBaseUrl", "Netscape Base Url"]],
  ["2.16.840.1.113730.1.3", ["nsRevocationUrl", "Netscape Revocation Url"]],
  ["2.16.840.1.113730.1.4", ["nsCaRevocationUrl", "Netscape CA Revocation Url"]],
  ["2.16.840.1.113730.1.7", ["nsRenewalUrl", "Netscape Renewal Url"]],
  ["2.16.840.1.113730.1.8", ["nsCaPolicyUrl", "Netscape CA Policy Url"]],
  ["2.16.840.1.113730.1.12", ["nsSslServerName", "Netscape SSL Server Name"]],
  ["2.16.840.1.113730.1.13", ["nsComment", "Netscape Comment"]],
  ["2.5.29.9", ["subjectDirectoryAttributes", "X509v3 Subject Directory Attributes"]],
  ["2.5.29.14", ["subjectKeyIdentifier", "X509v3 Subject Key Identifier"]],
  ["2.5.29.15", ["keyUsage", "X509v3 Key Usage"]],
  ["2.5.29.16", ["privateKeyUsagePeriod", "X509v3 Private Key Usage Period"]],
  ["2.5.29.17", ["subjectAltName", "X509v3 Subject Alternative Name"]],
  ["2.5.29.18", ["issuerAltName", "X509v3 Issuer Alternative Name"]],
  ["2.5.29.19", ["basicConstraints", "X509v3 Basic Constraints"]],
  ["2.5.29.20", ["crlNumber", "X509v3 CRL Number"]],
  ["2.5.29.21", ["CRLReason", "X509v3 CRL Reason Code"]],
  ["2.5.29.23", ["holdInstructionCode", "Hold Instruction Code"]],
  ["2.5.29.24", ["invalidityDate", "Invalidity Date"]],
  ["2.5.29.27", ["deltaCRL", "X509v3 Delta CRL Indicator"]],
  ["2.5.29.28", ["issuingDistributionPoint", "X509v3 Issuing Distribution Point"]],
  ["2.5.29.29", ["certificateIssuer", "X509v3 Certificate Issuer"]],
  ["2.5.29.30", ["nameConstraints", "X509v3 Name Constraints"]],
  ["2.5.29.31", ["crlDistributionPoints", "X509v3 CRL Distribution Points"]],
  ["2.5.29.32", ["certificatePolicies", "X509v3 Certificate Policies"]],
  ["2.5.29.32.0", ["anyPolicy", "X509v3 Any Policy"]],
  ["2.5.29.33", ["policyMappings", "X509v3 Policy Mappings"]],
  ["2.5.29.35", ["authorityKeyIdentifier", "X509v3 Authority Key Identifier"]],
  ["2.5.29.36", ["policyConstraints", "X509v3 Policy Constraints"]],
  ["2.5.29.37", ["extendedKeyUsage", "X509v3 Extended Key Usage"]],
  ["2.5.29.37.0", ["anyExtendedKeyUsage", "Any Extended Key Usage"]],
  ["2.5.29.46", ["freshestCRL", "X509v3 Freshest CRL"]],
  ["2.5.29.54", ["inhibitAnyPolicy", "X509v3 Inhibit Any Policy"]],
  ["2.5.29.55", ["targetInformation", "X509v3 AC Targeting"]],
  ["2.5.29.56", ["noRevAvail", "X509v3 No Revocation Available"]],
  ["1.3.6.1.5.5.7.1.1", ["authorityInfoAccess", "Authority Information Access"]],
  ["1.3.6.1.5.5.7.1.2", ["biometricInfo", "Biometric Info"]],
  ["1.3.6.1.5.5.7.1.3", ["qcStatements", "qcStatements"]],
  ["1.3.6.1.5.5.7.1.7", ["sbgp-ipAddrBlock", "sbgp-ipAddrBlock"]],
  ["1.3.6.1.5.5.7.1.8", ["sbgp-autonomousSysNum", "sbgp-autonomousSysNum"]],
  ["1.3.6.1.5.5.7.1.11", ["subjectInfoAccess", "Subject Information Access"]],
  ["1.3.6.1.5.5.7.1.14", ["proxyCertInfo", "Proxy Certificate Information"]],
  ["1.3.6.1.5.5.7.1.24", ["tlsfeature", "TLS Feature"]],
  ["1.3.6.1.5.5.7.2.1", ["id-qt-cps", "Policy Qualifier CPS"]],
  ["1.3.6.1.5.5.7.2.2", ["id-qt-unotice", "Policy Qualifier User Notice"]],
  ["1.3.6.1.5.5.7.3.1", ["serverAuth", "TLS Web Server Authentication"]],
  ["1.3.6.1.5.5.7.3.2", ["clientAuth", "TLS Web Client Authentication"]],
  ["1.3.6.1.5.5.7.3.3", ["codeSigning", "Code Signing"]],
  ["1.3.6.1.5.5.7.3.4", ["emailProtection", "E-mail Protection"]],
  ["1.3.6.1.5.5.7.3.5", ["ipsecEndSystem", "IPSec End System"]],
  ["1.3.6.1.5.5.7.3.6", ["ipsecTunnel", "IPSec Tunnel"]],
  ["1.3.6.1.5.5.7.3.7", ["ipsecUser", "IPSec User"]],
  ["1.3.6.1.5.5.7.3.8", ["timeStamping", "Time Stamping"]],
  ["1.3.6.1.5.5.7.3.9", ["OCSPSigning", "OCSP Signing"]],
  ["1.3.6.1.5.5.7.3.10", ["DVCS", "dvcs"]],
  ["1.3.6.1.5.5.7.3.17", ["ipsecIKE", "ipsec Internet Key Exchange"]],
  ["1.3.6.1.5.2.3.4", ["pkInitClientAuth", "PKINIT Client Auth"]],
  ["1.3.6.1.5.2.3.5", ["pkInitKDC", "Signing KDC Response"]],
  ["1.3.6.1.5.5.7.3.21", ["secureShellClient", "SSH Client"]],
  ["1.3.6.1.5.5.7.3.22", ["secureShellServer", "SSH Server"]],
  ["1.3.6.1.5.5.7.14.2", ["id-ppl-anyLanguage", "Any language"]],
  ["1.3.6.1.5.5.7.21.1", ["id-ppl-inheritAll", "Inherit all"]],
  ["1.3.6.1.5.5.7.21.2", ["id-ppl-independent", "Independent"]],
  ["1.3.6.1.5.5.7.48.1", ["OCSP", "OCSP"]],
  ["1.3.6.1.5.5.7.48.2", ["caIssuers", "CA Issuers"]],
  ["1.3.6.1.5.5.7.48.3", ["ad_timestamping", "AD Time Stamping"]],
  ["1.3.6.1.5.5.7.48.5", ["caRepository", "CA Repository"]],
  ["1.3.6.1.5.5.7.48.1.1", ["basicOCSPResponse", "Basic OCSP Response"]],
  ["1.3.6.1.5.5.7.48.1.2", ["Nonce", "OCSP Nonce"]],
  ["1.3.6.1.5.5.7.48.1.3", ["CrlID", "OCSP CRL ID"]],
  ["1.3.6.1.5.5.7.48.1.4", ["acceptableResponses", "Acceptable OCSP Responses"]],
  ["1.3.6.1.5.5.7.48.1.5", ["noCheck", "OCSP No Check"]],
  ["1.3.6.1.5.5.7.48.1.6", ["archiveCutoff", "OCSP Archive Cutoff"]],
  ["1.3.6.1.5.5.7.48.1.7", ["serviceLocator", "OCSP Service Locator"]],
  ["1.3.6.1.4.1.311.2.1.14", ["msExtReq", "Microsoft Extension Request"]],
  ["1.3.6.1.4.1.311.2.1.21", ["msCodeInd", "Microsoft Individual Code Signing"]],
  ["1.3.6.1.4.1.311.2.1.22", ["msCodeCom", "Microsoft Commercial Code Signing"]],
  ["1.3.6.1.4.1.311.10.3.1", ["msCTLSign", "Microsoft Trust List Signing"]],
  ["1.3.6.1.4.1.311.10.3.3", ["msSGC", "Microsoft Server Gated Crypto"]],
  ["1.3.6.1.4.1.311.10.3.4", ["msEFS", "Microsoft Encrypted File System"]],
  ["1.3.6.1.4.1.311.17.1", ["CSPName", "Microsoft CSP Name"]],
  ["1.3.6.1.4.1.311.20.2.2", ["msSmartcardLogin", "Microsoft Smartcard Login"]],
  ["1.3.6.1.4.1.311.20.2.3", ["msUPN", "Microsoft User Principal Name"]],
  ["2.16.840.1.113730.4.1", ["nsSGC", "Netscape Server Gated Crypto"]],
  ["1.3.6.1.4.1.11129.2.4.2", ["ct_precert_scts", "CT Precertificate SCTs"]],
  ["1.3.6.1.4.1.11129.2.4.3", ["ct_precert_poison", "CT Precertificate Poison"]],
  ["1.3.6.1.4.1.11129.2.4.4", ["ct_precert_signer", "CT Precertificate Signer"]],
  ["1.3.6.1.4.1.11129.2.4.5", ["ct_cert_scts", "CT Certificate SCTs"]],
]);

/** OBJ_obj2txt(…, 0) / i2a_ASN1_OBJECT: the long name, or the dotted OID. */
function objText(oid: string): string {
  return OBJECTS.get(oid)?.[1] ?? oid;
}

const HEX = (b: number): string => b.toString(16).padStart(2, "0").toUpperCase();
/** OPENSSL_buf2hexstr: upper-case hex pairs joined by ":". */
const colonHex = (b: Uint8Array): string => Array.from(b, HEX).join(":");

/** A C string as OpenSSL's strdup/"%s" sees it: up to the first NUL. */
function cString(v: Uint8Array): string {
  const nul = v.indexOf(0);
  return latin1(nul < 0 ? v : v.subarray(0, nul));
}

/** ASN1_STRING_print: bytes outside printable ASCII (bar CR and LF) become ".". */
function asn1StringPrint(v: Uint8Array): string {
  let s = "";
  for (const b of v) s += (b < 0x20 && b !== 0x0a && b !== 0x0d) || b > 0x7e ? "." : String.fromCharCode(b);
  return s;
}

/** ossl_ipaddr_to_asc: dotted quad, or eight upper-case hex groups without compression. */
function ipText(v: Uint8Array): string {
  if (v.length === 4) return Array.from(v).join(".");
  if (v.length === 16) {
    const g: string[] = [];
    for (let i = 0; i < 16; i += 2) g.push(((v[i]! << 8) | v[i + 1]!).toString(16).toUpperCase());
    return g.join(":");
  }
  return `<invalid length=${v.length}>`;
}

/** OpenSSL's short names of name attributes (OBJ_nid2sn): x509.log's subject and issuer, X509_NAME_oneline and XN_FLAG_ONELINE. */
export const ATTR_NAMES = new Map<string, string>([
  ["2.5.4.3", "CN"],
  ["2.5.4.4", "SN"],
  ["2.5.4.5", "serialNumber"],
  ["2.5.4.6", "C"],
  ["2.5.4.7", "L"],
  ["2.5.4.8", "ST"],
  ["2.5.4.9", "street"],
  ["2.5.4.10", "O"],
  ["2.5.4.11", "OU"],
  ["2.5.4.12", "title"],
  ["2.5.4.13", "description"],
  ["2.5.4.15", "businessCategory"],
  ["2.5.4.17", "postalCode"],
  ["2.5.4.41", "name"],
  ["2.5.4.42", "GN"],
  ["2.5.4.43", "initials"],
  ["2.5.4.44", "generationQualifier"],
  ["2.5.4.46", "dnQualifier"],
  ["2.5.4.65", "pseudonym"],
  ["2.5.4.97", "organizationIdentifier"],
  ["1.2.840.113549.1.9.1", "emailAddress"],
  ["1.2.840.113549.1.9.2", "unstructuredName"],
  ["0.9.2342.19200300.100.1.25", "DC"],
  ["0.9.2342.19200300.100.1.1", "UID"],
  ["1.3.6.1.4.1.311.60.2.1.1", "jurisdictionL"],
  ["1.3.6.1.4.1.311.60.2.1.2", "jurisdictionST"],
  ["1.3.6.1.4.1.311.60.2.1.3", "jurisdictionC"],
]);

/** A Name's entries in DER order: [attribute short name, value bytes, RDN index]. */
function nameEntries(name: Uint8Array): Array<[string, Uint8Array, number]> {
  const out: Array<[string, Uint8Array, number]> = [];
  const d = new BerReader(name);
  for (let rdn = 0; d.remaining > 0; rdn++) {
    const set = new BerReader(d.expect(SET).value);
    while (set.remaining > 0) {
      const ava = new BerReader(set.expect(SEQUENCE).value);
      const oid = oidText(ava.expect(OID).value);
      out.push([ATTR_NAMES.get(oid) ?? oid, ava.next().value, rdn]);
    }
  }
  return out;
}

/** X509_NAME_oneline: "/C=US/O=x/CN=y" (bytes outside printable ASCII as \xXX, a "/" in a value as "\/"). */
function nameOneline(name: Uint8Array): string {
  let s = "";
  for (const [k, v] of nameEntries(name)) {
    s += `/${k}=`;
    for (const b of v) s += b < 0x20 || b > 0x7e ? `\\x${HEX(b)}` : b === 0x2f ? "\\/" : String.fromCharCode(b);
  }
  return s;
}

/** X509_NAME_print_ex with XN_FLAG_ONELINE: "C = US, O = x + OU = y". */
function nameOnelineFlag(name: Uint8Array): string {
  let s = "";
  let prev = -1;
  for (const [k, v, rdn] of nameEntries(name)) {
    if (prev >= 0) s += prev === rdn ? " + " : ", ";
    prev = rdn;
    s += `${k} = ${latin1(v)}`;
  }
  return s;
}

/** One GeneralName as i2v_GENERAL_NAME's (name, value) pair. */
function generalNameValue(g: { tag: number; value: Uint8Array }): [string, string] {
  switch (g.tag) {
    case 0xa0: {
      // otherName: OpenSSL 3.0 spells out the UPN, the rest are unsupported.
      const d = new BerReader(g.value);
      const type = oidText(d.expect(OID).value);
      // Any other type: "othername: TYPE:" and the value when it is a string, else "<unsupported>".
      const v = d.peekTag() === 0xa0 ? new BerReader(d.next().value).next() : undefined;
      if (type === "1.3.6.1.4.1.311.20.2.3" && v !== undefined) return ["othername", `UPN:${cString(v.value)}`];
      const printable = v !== undefined && (v.tag === 0x16 || v.tag === 0x0c);
      return [`othername: ${objText(type)}:`, printable ? cString(v.value) : "<unsupported>"];
    }
    case 0xa3:
      return ["X400Name", "<unsupported>"];
    case 0xa5:
      return ["EdiPartyName", "<unsupported>"];
    case 0x81:
      return ["email", cString(g.value)];
    case 0x82:
      return ["DNS", cString(g.value)];
    case 0x86:
      return ["URI", cString(g.value)];
    case 0xa4:
      return ["DirName", nameOneline(new BerReader(g.value).expect(SEQUENCE).value)];
    case 0x87:
      return ["IP Address", ipText(g.value)];
    case 0x88:
      return ["Registered ID", objText(oidText(g.value))];
    default:
      throw new BerError("bad GeneralName");
  }
}

/** GENERAL_NAME_print: the one-line form CRL distribution points use. */
function generalNamePrint(g: { tag: number; value: Uint8Array }): string {
  switch (g.tag) {
    case 0x81:
      return `email:${asn1StringPrint(g.value)}`;
    case 0x82:
      return `DNS:${asn1StringPrint(g.value)}`;
    case 0x86:
      return `URI:${asn1StringPrint(g.value)}`;
    case 0xa4:
      return `DirName:${nameOnelineFlag(new BerReader(g.value).expect(SEQUENCE).value)}`;
    default: {
      const [k, v] = generalNameValue(g);
      return `${k}:${v}`;
    }
  }
}

function generalNames(seq: Uint8Array): Array<{ tag: number; value: Uint8Array }> {
  const d = new BerReader(seq);
  const out: Array<{ tag: number; value: Uint8Array }> = [];
  while (d.remaining > 0) out.push(d.next());
  return out;
}

/** X509V3_EXT_val_prn: (name, value) pairs, "name:value", on one line with ", " or one per line. */
function valPrint(vals: Array<[string | null, string | null]>, multiline: boolean): string {
  if (vals.length === 0) return "<EMPTY>\n";
  return vals.map(([k, v]) => (k === null ? (v ?? "") : v === null ? k : `${k}:${v}`)).join(multiline ? "\n" : ", ");
}

const KEY_USAGE = [
  "Digital Signature",
  "Non Repudiation",
  "Key Encipherment",
  "Data Encipherment",
  "Key Agreement",
  "Certificate Sign",
  "CRL Sign",
  "Encipher Only",
  "Decipher Only",
];
const NS_CERT_TYPE = ["SSL Client", "SSL Server", "S/MIME", "Object Signing", "Unused", "SSL CA", "S/MIME CA", "Object Signing CA"];
const REASONS = [
  "Unused",
  "Key Compromise",
  "CA Compromise",
  "Affiliation Changed",
  "Superseded",
  "Cessation Of Operation",
  "Certificate Hold",
  "Privilege Withdrawn",
  "AA Compromise",
];

/** The names of a BIT STRING's set bits; null (OpenSSL's i2v fails) when none is set. */
function bitNames(bits: Uint8Array, names: readonly string[]): string | null {
  const body = bits.subarray(1);
  const set = names.filter((_, i) => i < body.length * 8 && (body[i >> 3]! & (0x80 >> (i & 7))) !== 0);
  return set.length === 0 ? null : set.join(", ");
}

/** DIST_POINT_NAME and the rest of one DistributionPoint, as OpenSSL 3.0's i2r_crldp prints it (lines joined, no newline at the end). */
function distPoint(point: Uint8Array): string {
  const d = new BerReader(point);
  const parts: string[] = [];
  while (d.remaining > 0) {
    const t = d.next();
    if (t.tag === 0xa0) {
      const dpn = new BerReader(t.value).next();
      if (dpn.tag === 0xa0)
        parts.push(
          `Full Name:\n${generalNames(dpn.value)
            .map((g) => `  ${generalNamePrint(g)}`)
            .join("\n")}`,
        );
      else if (dpn.tag === 0xa1) {
        const rdn = new BerReader(dpn.value);
        const avas: string[] = [];
        while (rdn.remaining > 0) {
          const ava = new BerReader(rdn.expect(SEQUENCE).value);
          const oid = oidText(ava.expect(OID).value);
          avas.push(`${ATTR_NAMES.get(oid) ?? oid} = ${latin1(ava.next().value)}`);
        }
        parts.push(`Relative Name:\n  ${avas.join(" + ")}`);
      } else throw new BerError("bad DistributionPointName");
    } else if (t.tag === 0x81) {
      const names = bitNames(t.value, REASONS);
      parts.push(`Reasons:\n  ${names ?? "<EMPTY>"}`);
    } else if (t.tag === 0xa2) {
      parts.push(
        `CRL Issuer:\n${generalNames(t.value)
          .map((g) => `  ${generalNamePrint(g)}`)
          .join("\n")}`,
      );
    } else throw new BerError("bad DistributionPoint");
  }
  return parts.join("\n");
}

/** i2r_certpol: "Policy: OID", its qualifiers two columns in. */
function certificatePolicies(v: Uint8Array): string {
  const d = new BerReader(new BerReader(v).expect(SEQUENCE).value);
  const out: string[] = [];
  while (d.remaining > 0) {
    const p = new BerReader(d.expect(SEQUENCE).value);
    let s = `Policy: ${objText(oidText(p.expect(OID).value))}`;
    if (p.remaining > 0) {
      const quals = new BerReader(p.expect(SEQUENCE).value);
      const qs: string[] = [];
      while (quals.remaining > 0) {
        const q = new BerReader(quals.expect(SEQUENCE).value);
        const id = oidText(q.expect(OID).value);
        if (id === "1.3.6.1.5.5.7.2.1") qs.push(`  CPS: ${cString(q.expect(0x16).value)}`);
        else if (id === "1.3.6.1.5.5.7.2.2") qs.push(`  User Notice:\n${userNotice(q.remaining > 0 ? q.expect(SEQUENCE).value : new Uint8Array(0))}`);
        else qs.push(`    Unknown Qualifier: ${objText(id)}`);
      }
      s += `\n${qs.join("\n")}`;
    }
    out.push(s);
  }
  return out.join("\n");
}

function userNotice(v: Uint8Array): string {
  const d = new BerReader(v);
  let s = "";
  let explicit: Uint8Array | undefined;
  while (d.remaining > 0) {
    const t = d.next();
    if (t.tag === SEQUENCE) {
      const ref = new BerReader(t.value);
      const org = ref.next().value;
      const nums = new BerReader(ref.expect(SEQUENCE).value);
      const ns: string[] = [];
      while (nums.remaining > 0) ns.push(BigInt(`0x${colonHex(nums.expect(INTEGER).value).replaceAll(":", "") || "0"}`).toString());
      s += `    Organization: ${cString(org)}\n    Number${ns.length > 1 ? "s" : ""}: ${ns.join(", ")}`;
    } else explicit = t.value;
  }
  if (explicit !== undefined) s += `${s === "" ? "" : "\n"}    Explicit Text: ${cString(explicit)}`;
  return s;
}

/** The CT SCT list (RFC 6962) as SCT_LIST_print renders it without a log store. */
function sctList(v: Uint8Array): string {
  const b = new BerReader(v).expect(OCTET_STRING).value;
  if (b.length < 2 || ((b[0]! << 8) | b[1]!) !== b.length - 2) throw new BerError("bad SCT list");
  const out: string[] = [];
  for (let p = 2; p < b.length; ) {
    if (p + 2 > b.length) throw new BerError("bad SCT");
    const len = (b[p]! << 8) | b[p + 1]!;
    const sct = b.subarray(p + 2, p + 2 + len);
    if (sct.length !== len) throw new BerError("bad SCT");
    out.push(sctText(sct));
    p += 2 + len;
  }
  return out.join("\n");
}

/** BIO_hex_string: hex pairs joined by ":", a new line (indented) after every `width` bytes. */
function hexString(indent: number, width: number, data: Uint8Array): string {
  if (data.length === 0) return "";
  let s = "";
  let j = 0;
  let i = 0;
  for (; i < data.length - 1; i++) {
    if (i > 0 && j === 0) s += " ".repeat(indent);
    s += `${HEX(data[i]!)}:`;
    j = (j + 1) % width;
    if (j === 0) s += "\n";
  }
  if (i > 0 && j === 0) s += " ".repeat(indent);
  return s + HEX(data[data.length - 1]!);
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** An SCT's millisecond timestamp as ASN1_GENERALIZEDTIME_print shows it ("Mar  3 10:00:00.123 2018 GMT"). */
function sctTime(ms: number): string {
  const d = new Date(ms);
  const p2 = (n: number): string => String(n).padStart(2, "0");
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, " ")} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}.${String(ms % 1000).padStart(3, "0")} ${d.getUTCFullYear()} GMT`;
}

function sctText(b: Uint8Array): string {
  let s = "Signed Certificate Timestamp:\n    Version   : ";
  if (b.length === 0 || b[0] !== 0) return `${s}unknown\n${" ".repeat(16)}${hexString(16, 16, b)}`;
  if (b.length < 43) throw new BerError("short SCT");
  const logId = b.subarray(1, 33);
  let ms = 0;
  for (let i = 0; i < 8; i++) ms = ms * 256 + b[33 + i]!;
  const extLen = (b[41]! << 8) | b[42]!;
  let q = 43 + extLen;
  if (q + 4 > b.length) throw new BerError("short SCT");
  const ext = b.subarray(43, q);
  const hash = b[q]!;
  const sig = b[q + 1]!;
  const sigLen = (b[q + 2]! << 8) | b[q + 3]!;
  q += 4;
  if (q + sigLen > b.length) throw new BerError("short SCT");
  const alg = hash === 4 && sig === 1 ? "sha256WithRSAEncryption" : hash === 4 && sig === 3 ? "ecdsa-with-SHA256" : `${HEX(hash)}${HEX(sig)}`;
  s += "v1 (0x0)";
  s += `\n    Log ID    : ${hexString(16, 16, logId)}`;
  s += `\n    Timestamp : ${sctTime(ms)}`;
  s += `\n    Extensions: ${ext.length === 0 ? "none" : hexString(16, 16, ext)}`;
  s += `\n    Signature : ${alg}`;
  s += `\n                ${hexString(16, 16, b.subarray(q, q + sigLen))}`;
  return s;
}

/** An INTEGER's value in decimal (i2s_ASN1_INTEGER for the small values these extensions hold). */
function integerText(v: Uint8Array): string {
  if (v.length === 0) throw new BerError("empty INTEGER");
  let n = BigInt(`0x${colonHex(v).replaceAll(":", "")}`);
  if (v[0]! >= 0x80) n -= 1n << BigInt(v.length * 8);
  return n.toString();
}

/** i2r_NAME_CONSTRAINTS: "Permitted:" and "Excluded:", each subtree's base two columns in (an IP base as address/mask). */
function nameConstraints(v: Uint8Array): string {
  const d = new BerReader(new BerReader(v).expect(SEQUENCE).value);
  const parts: string[] = [];
  while (d.remaining > 0) {
    const t = d.next();
    if (t.tag !== 0xa0 && t.tag !== 0xa1) throw new BerError("bad NameConstraints");
    const trees = new BerReader(t.value);
    const lines: string[] = [];
    while (trees.remaining > 0) {
      const base = new BerReader(trees.expect(SEQUENCE).value).next();
      if (base.tag === 0x87) {
        // print_nc_ipadd: the address is the first 16 (IPv6) or 4 (IPv4) bytes, the mask the rest.
        const half = base.value.length >= 16 ? 16 : Math.min(base.value.length, 4);
        lines.push(`  IP:${ipText(base.value.subarray(0, half))}/${ipText(base.value.subarray(half))}`);
      } else lines.push(`  ${generalNamePrint(base)}`);
    }
    if (lines.length > 0) parts.push(`${t.tag === 0xa0 ? "Permitted" : "Excluded"}:\n${lines.join("\n")}`);
  }
  return parts.join("\n");
}

/** i2v_POLICY_CONSTRAINTS: the two optional skip counts by name. */
function policyConstraints(v: Uint8Array): string {
  const d = new BerReader(new BerReader(v).expect(SEQUENCE).value);
  const vals: Array<[string, string]> = [];
  while (d.remaining > 0) {
    const t = d.next();
    if (t.tag === 0x80) vals.push(["Require Explicit Policy", integerText(t.value)]);
    else if (t.tag === 0x81) vals.push(["Inhibit Policy Mapping", integerText(t.value)]);
    else throw new BerError("bad PolicyConstraints");
  }
  return valPrint(vals, false);
}

/** i2v_POLICY_MAPPINGS: "issuerDomainPolicy:subjectDomainPolicy" pairs. */
function policyMappings(v: Uint8Array): string {
  const d = new BerReader(new BerReader(v).expect(SEQUENCE).value);
  const vals: Array<[string, string]> = [];
  while (d.remaining > 0) {
    const m = new BerReader(d.expect(SEQUENCE).value);
    vals.push([objText(oidText(m.expect(OID).value)), objText(oidText(m.expect(OID).value))]);
  }
  return valPrint(vals, false);
}

/** i2v_TLS_FEATURE: RFC 7633's feature numbers, by name where OpenSSL knows one. */
function tlsFeature(v: Uint8Array): string {
  const d = new BerReader(new BerReader(v).expect(SEQUENCE).value);
  const vals: Array<[null, string]> = [];
  while (d.remaining > 0) {
    const n = integerText(d.expect(INTEGER).value);
    vals.push([null, n === "5" ? "status_request" : n === "17" ? "status_request_v2" : n]);
  }
  return valPrint(vals, false);
}

/** X509V3_EXT_print's text for the extensions bronze knows; null where OpenSSL would fail or bronze has no printer. */
export function printExtension(oid: string, v: Uint8Array): string | null {
  try {
    return printKnown(oid, v);
  } catch (e) {
    if (e instanceof BerError || e instanceof RangeError) return null;
    throw e;
  }
}

function printKnown(oid: string, v: Uint8Array): string | null {
  switch (oid) {
    case "2.5.29.19": {
      const d = new BerReader(new BerReader(v).expect(SEQUENCE).value);
      let ca = false;
      if (d.peekTag() === BOOLEAN) ca = d.next().value[0] !== 0;
      const vals: Array<[string, string]> = [["CA", ca ? "TRUE" : "FALSE"]];
      if (d.peekTag() === INTEGER) vals.push(["pathlen", BigInt(`0x${colonHex(d.next().value).replaceAll(":", "") || "0"}`).toString()]);
      return valPrint(vals, false);
    }
    case "2.5.29.15":
      return bitNames(new BerReader(v).expect(BIT_STRING).value, KEY_USAGE);
    case "2.16.840.1.113730.1.1":
      return bitNames(new BerReader(v).expect(BIT_STRING).value, NS_CERT_TYPE);
    case "2.5.29.37": {
      const d = new BerReader(new BerReader(v).expect(SEQUENCE).value);
      const names: string[] = [];
      while (d.remaining > 0) names.push(objText(oidText(d.expect(OID).value)));
      return valPrint(
        names.map((n) => [null, n]),
        false,
      );
    }
    case "2.5.29.14":
      return colonHex(new BerReader(v).expect(OCTET_STRING).value);
    case "2.5.29.35": {
      const d = new BerReader(new BerReader(v).expect(SEQUENCE).value);
      let keyid: Uint8Array | undefined;
      let issuer: Uint8Array | undefined;
      let serial: Uint8Array | undefined;
      while (d.remaining > 0) {
        const t = d.next();
        if (t.tag === 0x80) keyid = t.value;
        else if (t.tag === 0xa1) issuer = t.value;
        else if (t.tag === 0x82) serial = t.value;
        else throw new BerError("bad AuthorityKeyIdentifier");
      }
      const vals: Array<[string | null, string]> = [];
      if (keyid !== undefined) vals.push([issuer !== undefined || serial !== undefined ? "keyid" : null, colonHex(keyid)]);
      if (issuer !== undefined) for (const g of generalNames(issuer)) vals.push(generalNameValue(g));
      // The INTEGER's magnitude: its sign-padding zero is not part of OpenSSL's ASN1_INTEGER data.
      if (serial !== undefined) vals.push(["serial", colonHex(serial.length > 1 && serial[0] === 0 && serial[1]! >= 0x80 ? serial.subarray(1) : serial)]);
      return valPrint(vals, true);
    }
    case "2.5.29.17":
    case "2.5.29.18":
    case "2.5.29.29":
      return valPrint(generalNames(new BerReader(v).expect(SEQUENCE).value).map(generalNameValue), false);
    case "2.5.29.31":
    case "2.5.29.46": {
      const d = new BerReader(new BerReader(v).expect(SEQUENCE).value);
      const points: string[] = [];
      while (d.remaining > 0) points.push(distPoint(d.expect(SEQUENCE).value));
      return points.join("\n");
    }
    case "1.3.6.1.5.5.7.1.1":
    case "1.3.6.1.5.5.7.1.11": {
      const d = new BerReader(new BerReader(v).expect(SEQUENCE).value);
      const vals: Array<[string, string]> = [];
      while (d.remaining > 0) {
        const a = new BerReader(d.expect(SEQUENCE).value);
        const method = objText(oidText(a.expect(OID).value));
        const [k, val] = generalNameValue(a.next());
        vals.push([`${method} - ${k}`, val]);
      }
      return valPrint(vals, true);
    }
    case "2.5.29.32":
      return certificatePolicies(v);
    case "1.3.6.1.4.1.11129.2.4.2":
    case "1.3.6.1.4.1.11129.2.4.5":
      return sctList(v);
    case "1.3.6.1.4.1.11129.2.4.3":
      new BerReader(v).expect(0x05);
      return "NULL";
    case "2.16.840.1.113730.1.2":
    case "2.16.840.1.113730.1.3":
    case "2.16.840.1.113730.1.4":
    case "2.16.840.1.113730.1.7":
    case "2.16.840.1.113730.1.8":
    case "2.16.840.1.113730.1.12":
    case "2.16.840.1.113730.1.13": {
      const s = new BerReader(v).expect(0x16).value;
      return s.length === 0 ? null : cString(s);
    }
    case "1.3.6.1.5.5.7.1.14": {
      // proxyCertInfo: optional path length, then the policy (language OID, optional policy text).
      const d = new BerReader(new BerReader(v).expect(SEQUENCE).value);
      let s = "Path Length Constraint: ";
      s += d.peekTag() === INTEGER ? BigInt(`0x${colonHex(d.next().value).replaceAll(":", "") || "0"}`).toString() : "infinite";
      const pol = new BerReader(d.expect(SEQUENCE).value);
      s += `\nPolicy Language: ${objText(oidText(pol.expect(OID).value))}`;
      if (pol.remaining > 0) s += `\nPolicy Text: ${latin1(pol.expect(OCTET_STRING).value)}`;
      return s;
    }
    case "1.3.6.1.5.5.7.48.1.2": {
      // The nonce's d2i keeps the whole value; i2a_ASN1_STRING prints it as hex.
      if (v.length === 0) return "0";
      let s = "";
      for (let i = 0; i < v.length; i++) {
        s += HEX(v[i]!);
        if (i % 35 === 34 && i !== v.length - 1) s += "\\\n";
      }
      return s;
    }
    case "1.3.6.1.5.5.7.48.1.5":
      return "";
    case "2.5.29.30":
      return nameConstraints(v);
    case "2.5.29.36":
      return policyConstraints(v);
    case "2.5.29.33":
      return policyMappings(v);
    case "2.5.29.54":
      return integerText(new BerReader(v).expect(INTEGER).value);
    case "1.3.6.1.5.5.7.1.24":
      return tlsFeature(v);
    default:
      return null;
  }
}

/** Zeek's X509::Extension of one extension; `value` is the extnValue's contents. */
export function extensionRecord(oid: string, critical: boolean, value: Uint8Array, der: Uint8Array): X509Extension {
  const names = OBJECTS.get(oid);
  const text = printExtension(oid, value);
  return {
    name: names?.[1] ?? oid,
    // OBJ_nid2sn of NID_undef is "UNDEF".
    short_name: names?.[0] ?? "UNDEF",
    oid,
    critical,
    // Where OpenSSL cannot print, Zeek keeps the OCTET STRING's DER.
    value: text ?? latin1(der),
  };
}
