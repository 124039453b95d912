/**
 * The OCSP file analyzers (Zeek's file_analysis/analyzer/x509/OCSP.cc):
 * OCSP_REQUEST and OCSP_REPLY keep a file's bytes and parse them as an
 * OCSPRequest or OCSPResponse (RFC 6960) when it ends, raising Zeek's
 * events in Zeek's order:
 *
 * - request: ocsp_request (version), then ocsp_request_certificate per
 *   request in the list;
 * - response: ocsp_response_status; with a basic response, per
 *   SingleResponse ocsp_response_certificate (status, revocation time and
 *   reason, thisUpdate, nextUpdate: 0 when absent) and the signed certificate
 *   timestamps of its extensions; then ocsp_response_bytes (version,
 *   responder id, producedAt, signature algorithm, the certificates).
 *
 * What OpenSSL would refuse to decode is the weird
 * openssl_ocsp_request_parse_error / openssl_ocsp_response_parse_error and
 * nothing else; parsing never throws. Base/files/x509/log-ocsp.zeek
 * (ocsp.log) registers OCSP_REPLY for application/ocsp-response, the type
 * stapled responses come with and HTTP bodies sniff as; OCSP_REQUEST is
 * there for scripts that add it.
 */

import { BerError, BerReader, BIT_STRING, INTEGER, OCTET_STRING, OID, oidText, SEQUENCE, type Tlv } from "../../asn1/ber.js";
import { registerEvents } from "../../event/events.js";
import type { LogManager } from "../../log/manager.js";
import { fields, type LogField } from "../../log/schema.js";
import type { AnalyzerScriptHost } from "../../scripts/host.js";
import type { FaFile } from "../file.js";
import { fileWeird, onFileManager } from "../manager.js";
import { asn1Time } from "./asn1time.js";
import { extensionRecord, type X509Extension } from "./ext-print.js";
import { parseSctList, SCT_OCSP_OID } from "./sct.js";
import { WholeFileAnalyzer } from "./whole-file.js";
import type { X509Handle } from "./x509.js";

export interface OcspEvents {
  ocsp_request: [f: FaFile, version: number];
  ocsp_request_certificate: [f: FaFile, hashAlgorithm: string, issuerNameHash: string, issuerKeyHash: string, serialNumber: string];
  ocsp_response_status: [f: FaFile, status: string];
  ocsp_response_bytes: [f: FaFile, status: string, version: number, responderId: string, producedAt: number, signatureAlgorithm: string, certs: X509Handle[]];
  ocsp_extension: [f: FaFile, ext: X509Extension, global_resp: boolean];
  ocsp_response_certificate: [
    f: FaFile,
    hashAlgorithm: string,
    issuerNameHash: string,
    issuerKeyHash: string,
    serialNumber: string,
    certStatus: string,
    revokeTime: number,
    revokeReason: string,
    thisUpdate: number,
    nextUpdate: number,
  ];
}
declare module "../../event/events.js" {
  interface EventMap extends OcspEvents {}
}
registerEvents<OcspEvents>({
  ocsp_request: true,
  ocsp_request_certificate: true,
  ocsp_response_status: true,
  ocsp_response_bytes: true,
  ocsp_response_certificate: true,
  ocsp_extension: true,
});

/** OCSP_response_status_str. */
const RESPONSE_STATUS = ["successful", "malformedrequest", "internalerror", "trylater", "(UNKNOWN)", "sigrequired", "unauthorized"];
/** OCSP_cert_status_str. */
const CERT_STATUS = ["good", "revoked", "unknown"];
/** OCSP_crl_reason_str (OpenSSL 3.2's names for 9 and 10, which Zeek fixes up on older ones). */
const CRL_REASONS = new Map<number, string>([
  [0, "unspecified"],
  [1, "keyCompromise"],
  [2, "cACompromise"],
  [3, "affiliationChanged"],
  [4, "superseded"],
  [5, "cessationOfOperation"],
  [6, "certificateHold"],
  [8, "removeFromCRL"],
  [9, "privilegeWithdrawn"],
  [10, "aACompromise"],
]);
/** OpenSSL's names (OBJ_obj2txt) of the algorithms CertIDs and responses use. */
const OBJ_NAMES = new Map<string, string>([
  ["1.3.14.3.2.26", "sha1"],
  ["2.16.840.1.101.3.4.2.1", "sha256"],
  ["2.16.840.1.101.3.4.2.2", "sha384"],
  ["2.16.840.1.101.3.4.2.3", "sha512"],
  ["2.16.840.1.101.3.4.2.4", "sha224"],
  ["1.2.840.113549.2.5", "md5"],
  ["1.2.840.113549.1.1.5", "sha1WithRSAEncryption"],
  ["1.2.840.113549.1.1.11", "sha256WithRSAEncryption"],
  ["1.2.840.113549.1.1.12", "sha384WithRSAEncryption"],
  ["1.2.840.113549.1.1.13", "sha512WithRSAEncryption"],
  ["1.2.840.113549.1.1.4", "md5WithRSAEncryption"],
  ["1.2.840.113549.1.1.10", "rsassaPss"],
  ["1.2.840.10045.4.1", "ecdsa-with-SHA1"],
  ["1.2.840.10045.4.3.2", "ecdsa-with-SHA256"],
  ["1.2.840.10045.4.3.3", "ecdsa-with-SHA384"],
  ["1.2.840.10045.4.3.4", "ecdsa-with-SHA512"],
]);
const BASIC_RESPONSE_OID = "1.3.6.1.5.5.7.48.1.1";
const ENUMERATED = 0x0a;
const GENERALIZED_TIME = 0x18;

function objName(v: Uint8Array): string {
  const oid = oidText(v);
  return OBJ_NAMES.get(oid) ?? oid;
}

/** i2a_ASN1_STRING of an OCTET STRING / i2a_ASN1_INTEGER: upper-case hex ("0" / "00" when empty), a "\" line break every 35 bytes. */
function opensslHex(v: Uint8Array, empty: string): string {
  if (v.length === 0) return empty;
  let s = "";
  for (let i = 0; i < v.length; i++) {
    if (i > 0 && i % 35 === 0) s += "\\\n";
    s += v[i]!.toString(16).padStart(2, "0").toUpperCase();
  }
  return s;
}

/** An INTEGER as i2a_ASN1_INTEGER prints it (magnitude, "-" when negative). */
function serialText(v: Uint8Array): string {
  if (v.length > 0 && v[0]! & 0x80) {
    // Two's complement: print the magnitude.
    const mag = new Uint8Array(v.length);
    let carry = 1;
    for (let i = v.length - 1; i >= 0; i--) {
      const x = (~v[i]! & 0xff) + carry;
      mag[i] = x & 0xff;
      carry = x >> 8;
    }
    return `-${opensslHex(stripZeros(mag), "00")}`;
  }
  return opensslHex(stripZeros(v), "00");
}

function stripZeros(v: Uint8Array): Uint8Array {
  let i = 0;
  while (i < v.length && v[i] === 0) i++;
  return v.subarray(i);
}

/** CertID ::= SEQUENCE { hashAlgorithm, issuerNameHash, issuerKeyHash, serialNumber }. */
interface CertId {
  hashAlgorithm: string;
  issuerNameHash: string;
  issuerKeyHash: string;
  serialNumber: string;
  /** The whole element, to find a response's status by its id as OCSP_resp_find_status does. */
  der: Uint8Array;
}

function certId(t: Tlv): CertId {
  const d = new BerReader(t.value);
  const alg = new BerReader(d.expect(SEQUENCE).value);
  const hashAlgorithm = objName(alg.expect(OID).value);
  const nameHash = d.expect(OCTET_STRING).value;
  const keyHash = d.expect(OCTET_STRING).value;
  const serial = d.expect(INTEGER).value;
  return {
    hashAlgorithm,
    issuerNameHash: opensslHex(nameHash, "0"),
    issuerKeyHash: opensslHex(keyHash, "0"),
    serialNumber: serialText(serial),
    der: t.whole,
  };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** An explicit version [0] INTEGER, if it comes next (v1 = 0 otherwise). */
function version(d: BerReader): number {
  if (d.peekTag() !== 0xa0) return 0;
  const v = new BerReader(d.next().value).expect(INTEGER).value;
  let n = 0;
  for (const b of v) n = n * 256 + b;
  return n;
}

interface SingleResponse {
  id: CertId;
  status: number;
  reason: number;
  revokeTime?: Tlv;
  thisUpdate: Tlv;
  nextUpdate?: Tlv;
  extensions?: Uint8Array;
}

function singleResponse(t: Tlv): SingleResponse {
  const d = new BerReader(t.value);
  const id = certId(d.expect(SEQUENCE));
  const st = d.next();
  const out: SingleResponse = { id, status: 2, reason: -1, thisUpdate: st };
  if (st.tag === 0x80) out.status = 0;
  else if (st.tag === 0xa1) {
    out.status = 1;
    const r = new BerReader(st.value);
    out.revokeTime = r.expect(GENERALIZED_TIME);
    if (r.peekTag() === 0xa0) {
      const e = new BerReader(r.next().value).expect(ENUMERATED).value;
      out.reason = e.length === 1 ? e[0]! : 0x7fffffff;
    }
  } else if (st.tag === 0x82) out.status = 2;
  else throw new BerError("bad CertStatus");
  out.thisUpdate = d.expect(GENERALIZED_TIME);
  if (d.peekTag() === 0xa0) out.nextUpdate = new BerReader(d.next().value).expect(GENERALIZED_TIME);
  if (d.peekTag() === 0xa1) out.extensions = d.next().value;
  return out;
}

/**
 * An Extensions element's entries in order, as OCSP::ParseExtension walks
 * them: ocsp_extension (when handled), then the SCTs of OCSP's own SCT
 * extension. Malformed entries end the walk.
 */
function raiseOcspExtensions(f: FaFile, ext: Uint8Array, global: boolean): void {
  const bus = f.manager.bus;
  try {
    const list = new BerReader(new BerReader(ext).expect(SEQUENCE).value);
    while (list.remaining > 0) {
      const e = new BerReader(list.expect(SEQUENCE).value);
      const oid = oidText(e.expect(OID).value);
      let critical = false;
      if (e.peekTag() === 0x01) critical = e.next().value[0] !== 0;
      const octets = e.expect(OCTET_STRING);
      if (bus.wants.ocsp_extension) bus.queue("ocsp_extension", f, extensionRecord(oid, critical, octets.value, octets.whole), global);
      if (oid === SCT_OCSP_OID) parseSctList(octets.value, f);
    }
  } catch (e) {
    if (!(e instanceof BerError)) throw e;
  }
}

/** A ResponderID: byName as X509_NAME_print_ex(XN_FLAG_ONELINE) roughly ("C = US, O = …"), byKey as hex. */
function responderId(t: Tlv): string {
  if (t.tag === 0xa2) return opensslHex(new BerReader(t.value).expect(OCTET_STRING).value, "0");
  const parts: string[] = [];
  const name = new BerReader(new BerReader(t.value).expect(SEQUENCE).value);
  while (name.remaining > 0) {
    const set = new BerReader(name.expect(0x31).value);
    const avas: string[] = [];
    while (set.remaining > 0) {
      const ava = new BerReader(set.expect(SEQUENCE).value);
      const oid = oidText(ava.expect(OID).value);
      const val = ava.next();
      avas.push(`${SHORT_NAMES.get(oid) ?? oid} = ${Buffer.from(val.value).toString("latin1")}`);
    }
    parts.push(avas.join(" + "));
  }
  return parts.join(", ");
}
const SHORT_NAMES = new Map<string, string>([
  ["2.5.4.3", "CN"],
  ["2.5.4.6", "C"],
  ["2.5.4.7", "L"],
  ["2.5.4.8", "ST"],
  ["2.5.4.10", "O"],
  ["2.5.4.11", "OU"],
  ["1.2.840.113549.1.9.1", "emailAddress"],
]);

/** Bytes an OCSP analyzer keeps at most (responses with their certificates are a few KB). */
const MAX_OCSP_BYTES = 1 << 20;

class OcspAnalyzer extends WholeFileAnalyzer {
  constructor(
    readonly name: string,
    private readonly f: FaFile,
    private readonly request: boolean,
  ) {
    super(MAX_OCSP_BYTES);
  }
  protected fileEnded(der: Uint8Array): void {
    const queued: Array<() => void> = [];
    try {
      if (this.request) this.parseRequest(der, queued);
      else this.parseResponse(der, queued);
    } catch (e) {
      if (!(e instanceof BerError)) throw e;
      // OpenSSL's d2i fails as a whole: nothing was raised.
      this.fileWeird(this.request ? "openssl_ocsp_request_parse_error" : "openssl_ocsp_response_parse_error");
      return;
    }
    for (const q of queued) q();
  }

  private fileWeird(name: string): void {
    fileWeird(this.f.manager.bus, this.f.manager.clock.now, this.f, name);
  }

  /** Parses all first (a decoding failure raises nothing), queueing the events in Zeek's order. */
  private parseRequest(der: Uint8Array, out: Array<() => void>): void {
    const bus = this.f.manager.bus;
    const top = new BerReader(der);
    const req = new BerReader(top.expect(SEQUENCE).value);
    if (top.remaining > 0) throw new BerError("trailing data");
    const tbs = new BerReader(req.expect(SEQUENCE).value);
    const v = version(tbs);
    if (tbs.peekTag() === 0xa1) tbs.next(); // requestorName
    const list = new BerReader(tbs.expect(SEQUENCE).value);
    const ids: CertId[] = [];
    while (list.remaining > 0) {
      const r = new BerReader(list.expect(SEQUENCE).value);
      ids.push(certId(r.expect(SEQUENCE)));
    }
    const f = this.f;
    out.push(() => bus.wants.ocsp_request && bus.queue("ocsp_request", f, v));
    for (const id of ids) {
      out.push(
        () =>
          bus.wants.ocsp_request_certificate &&
          bus.queue("ocsp_request_certificate", f, id.hashAlgorithm, id.issuerNameHash, id.issuerKeyHash, id.serialNumber),
      );
    }
  }

  private parseResponse(der: Uint8Array, out: Array<() => void>): void {
    const bus = this.f.manager.bus;
    const f = this.f;
    const top = new BerReader(der);
    const resp = new BerReader(top.expect(SEQUENCE).value);
    if (top.remaining > 0) throw new BerError("trailing data");
    const st = resp.expect(ENUMERATED).value;
    const statusCode = st.length === 1 ? st[0]! : -1;
    const status = RESPONSE_STATUS[statusCode] ?? "(UNKNOWN)";
    let basic: BerReader | null = null;
    if (resp.peekTag() === 0xa0) {
      const rb = new BerReader(new BerReader(resp.next().value).expect(SEQUENCE).value);
      const type = oidText(rb.expect(OID).value);
      const inner = rb.expect(OCTET_STRING).value;
      if (type === BASIC_RESPONSE_OID) basic = new BerReader(inner);
    }
    out.push(() => bus.wants.ocsp_response_status && bus.queue("ocsp_response_status", f, status));
    if (basic === null) return;
    // OCSP_response_get1_basic failing leaves just the status event.
    const later: Array<() => void> = [];
    try {
      this.parseBasic(basic, status, later);
    } catch (e) {
      if (!(e instanceof BerError)) throw e;
      return;
    }
    out.push(...later);
  }

  private parseBasic(basic: BerReader, status: string, out: Array<() => void>): void {
    const bus = this.f.manager.bus;
    const f = this.f;
    const b = new BerReader(basic.expect(SEQUENCE).value);
    const data = new BerReader(b.expect(SEQUENCE).value);
    const sigAlg = objName(new BerReader(b.expect(SEQUENCE).value).expect(OID).value);
    b.expect(BIT_STRING);
    const certs: X509Handle[] = [];
    if (b.peekTag() === 0xa0) {
      const list = new BerReader(new BerReader(b.next().value).expect(SEQUENCE).value);
      while (list.remaining > 0) certs.push({ der: list.expect(SEQUENCE).whole.slice() });
    }
    const v = version(data);
    const rid = responderId(data.next());
    const producedTlv = data.expect(GENERALIZED_TIME);
    const responses: SingleResponse[] = [];
    const list = new BerReader(data.expect(SEQUENCE).value);
    while (list.remaining > 0) responses.push(singleResponse(list.expect(SEQUENCE)));
    const globalExt = data.peekTag() === 0xa1 ? data.next().value : undefined;
    const weird = (name: string): void => this.fileWeird(name);
    const produced = asn1Time(producedTlv.tag, producedTlv.value, weird);
    for (const r of responses) {
      // OCSP_resp_find_status: the first response with this id gives the status.
      const s = responses.find((x) => sameBytes(x.id.der, r.id.der)) ?? r;
      const revoked = s.status === 1;
      const revokeTime = revoked && s.revokeTime !== undefined ? asn1Time(s.revokeTime.tag, s.revokeTime.value, weird) : 0;
      const reason = revoked && s.reason >= 0 ? (CRL_REASONS.get(s.reason) ?? "(UNKNOWN)") : "";
      const thisUpdate = asn1Time(s.thisUpdate.tag, s.thisUpdate.value, weird);
      const nextUpdate = s.nextUpdate !== undefined ? asn1Time(s.nextUpdate.tag, s.nextUpdate.value, weird) : 0;
      const id = r.id;
      out.push(
        () =>
          bus.wants.ocsp_response_certificate &&
          bus.queue(
            "ocsp_response_certificate",
            f,
            id.hashAlgorithm,
            id.issuerNameHash,
            id.issuerKeyHash,
            id.serialNumber,
            CERT_STATUS[s.status] ?? "unknown",
            revokeTime,
            reason,
            thisUpdate,
            nextUpdate,
          ),
      );
      if (r.extensions !== undefined) {
        const ext = r.extensions;
        out.push(() => raiseOcspExtensions(f, ext, false));
      }
    }
    out.push(() => bus.wants.ocsp_response_bytes && bus.queue("ocsp_response_bytes", f, status, v, rid, produced, sigAlg, certs));
    // ResponseData's own responseExtensions come last (the nonce, OCSP's SCTs): global_resp = T.
    if (globalExt !== undefined) out.push(() => raiseOcspExtensions(f, globalExt, true));
  }
}

onFileManager((m) => {
  m.registerAnalyzer("OCSP_REQUEST", (f) => new OcspAnalyzer("OCSP_REQUEST", f, true));
  m.registerAnalyzer("OCSP_REPLY", (f) => new OcspAnalyzer("OCSP_REPLY", f, false));
});

export const OCSP_FIELDS: readonly LogField[] = fields(
  ["ts", "time"],
  ["id", "string"],
  ["hashAlgorithm", "string"],
  ["issuerNameHash", "string"],
  ["issuerKeyHash", "string"],
  ["serialNumber", "string"],
  ["certStatus", "string"],
  ["revoketime", "time"],
  ["revokereason", "string"],
  ["thisUpdate", "time"],
  ["nextUpdate", "time"],
);

/** base/files/x509/log-ocsp.zeek: OCSP_REPLY for application/ocsp-response, a row per ocsp_response_certificate. */
export function loadOcspLog(host: AnalyzerScriptHost, logs: LogManager): void {
  const log = logs.open({ path: "ocsp", fields: OCSP_FIELDS });
  host.on(
    "file_sniff",
    (f, meta) => {
      if (meta.mime_type === "application/ocsp-response") f.addAnalyzer("OCSP_REPLY");
    },
    { priority: 5 },
  );
  host.on("ocsp_response_certificate", (f, hashAlgorithm, nameHash, keyHash, serial, certStatus, revokeTime, revokeReason, thisUpdate, nextUpdate) => {
    log.write([
      f.info?.ts ?? f.last_active,
      f.id,
      hashAlgorithm,
      nameHash,
      keyHash,
      serial,
      certStatus,
      revokeTime !== 0 ? revokeTime : undefined,
      revokeReason !== "" ? revokeReason : undefined,
      thisUpdate,
      nextUpdate !== 0 ? nextUpdate : undefined,
    ]);
  });
}
