/**
 * Zeek's x509_ocsp_verify BIF on node:crypto: a stapled OCSP response
 * (RFC 6960) checked against the server's chain and a root store at a
 * given time, its result in the words Zeek gives it ("good" when all
 * holds). As Zeek does it with OpenSSL:
 *
 * 1. the response decodes, its status is "successful" (else that status's
 *    name), and it holds a basic response;
 * 2. the responder's certificate is found by the responder id (by name, or
 *    by the SHA-1 of its key) among the response's certificates and, after
 *    them, the server's chain but its first (Zeek adds those to the
 *    response's list);
 * 3. that certificate verifies to a root at the time, the same list as
 *    intermediates (verify.ts; OpenSSL's OCSP-helper purpose asks nothing
 *    more of a CA than that it is one);
 * 4. its key verifies the response's signature;
 * 5. the response's first single response is for the server's certificate:
 *    a SHA-1 CertID of the certificate's issuer (the chain's last
 *    certificate named by its issuer name) and serial, as OCSP_id_cmp
 *    compares them;
 * 6. thisUpdate is not after the time, nextUpdate is there and not before
 *    it, and the status is good (else "revoked" or "unknown").
 *
 * Not reproduced: OpenSSL's own error texts when the signature check fails
 * (bronze says "signature failure"), and Zeek's look-up of the issuer in
 * the root store when the chain lacks it (Zeek looks up the server
 * certificate's own subject there, which finds nothing but for a root).
 */
import { createHash, verify } from "node:crypto";
import { BerError, BerReader, BIT_STRING, INTEGER, OCTET_STRING, OID, oidText, SEQUENCE, type Tlv } from "../../asn1/ber.js";
import { asn1Time } from "./asn1time.js";
import { type ChainCert, canonicalName, certificateParts, chainCert } from "./chain-cert.js";
import { type RootStore, verifyChain } from "./verify.js";

const BASIC_RESPONSE_OID = "1.3.6.1.5.5.7.48.1.1";
const SHA1_OID = "1.3.14.3.2.26";
const ENUMERATED = 0x0a;
const GENERALIZED_TIME = 0x18;
/** OCSP_response_status_str, by status code. */
const RESPONSE_STATUS = ["successful", "malformedrequest", "internalerror", "trylater", "(UNKNOWN)", "sigrequired", "unauthorized"];
/** OCSP_cert_status_str, by CertStatus choice. */
const CERT_STATUS = ["good", "revoked", "unknown"];

/** The digest of each signature algorithm node:crypto verifies a response with (RSA PKCS#1 v1.5, ECDSA, DSA). */
const SIGNATURE_DIGESTS: ReadonlyMap<string, string> = new Map([
  ["1.2.840.113549.1.1.4", "md5"],
  ["1.2.840.113549.1.1.5", "sha1"],
  ["1.2.840.113549.1.1.11", "sha256"],
  ["1.2.840.113549.1.1.12", "sha384"],
  ["1.2.840.113549.1.1.13", "sha512"],
  ["1.2.840.113549.1.1.14", "sha224"],
  ["1.2.840.10045.4.1", "sha1"],
  ["1.2.840.10045.4.3.1", "sha224"],
  ["1.2.840.10045.4.3.2", "sha256"],
  ["1.2.840.10045.4.3.3", "sha384"],
  ["1.2.840.10045.4.3.4", "sha512"],
  ["1.2.840.10040.4.3", "sha1"],
  ["2.16.840.1.101.3.4.3.2", "sha256"],
]);

/** CertID: the hash algorithm, the issuer's name and key hashes, the serial (its INTEGER's bytes). */
interface CertId {
  hashOid: string;
  nameHash: Uint8Array;
  keyHash: Uint8Array;
  serial: Uint8Array;
}

/** What the checks read of a BasicOCSPResponse. */
interface BasicResponse {
  tbs: Uint8Array;
  sigOid: string;
  signature: Uint8Array;
  certs: ChainCert[];
  /** byName: the Name's canonical form; byKey: the key hash. */
  responder: { name: string } | { keyHash: Uint8Array };
  first?: { id: CertId; status: number; thisUpdate: Tlv; nextUpdate?: Tlv };
}

const explicit = (t: Tlv): BerReader => new BerReader(t.value);

function readCertId(t: Tlv): CertId {
  const d = new BerReader(t.value);
  const hashOid = oidText(new BerReader(d.expect(SEQUENCE).value).expect(OID).value);
  return { hashOid, nameHash: d.expect(OCTET_STRING).value, keyHash: d.expect(OCTET_STRING).value, serial: d.expect(INTEGER).value };
}

/** The first SingleResponse: its id, status choice and update times. */
function readSingle(t: Tlv): NonNullable<BasicResponse["first"]> {
  const d = new BerReader(t.value);
  const id = readCertId(d.expect(SEQUENCE));
  const choice = d.next();
  const status = choice.tag === 0x80 ? 0 : choice.tag === 0xa1 ? 1 : 2;
  const thisUpdate = d.expect(GENERALIZED_TIME);
  const nextUpdate = d.peekTag() === 0xa0 ? explicit(d.next()).expect(GENERALIZED_TIME) : undefined;
  return { id, status, thisUpdate, nextUpdate };
}

function readBasic(der: Uint8Array): BasicResponse {
  const b = new BerReader(new BerReader(der).expect(SEQUENCE).value);
  const data = b.expect(SEQUENCE);
  const sigOid = oidText(new BerReader(b.expect(SEQUENCE).value).expect(OID).value);
  const signature = b.expect(BIT_STRING).value.subarray(1);
  const certs: ChainCert[] = [];
  if (b.peekTag() === 0xa0) {
    const list = new BerReader(explicit(b.next()).expect(SEQUENCE).value);
    while (list.remaining > 0) {
      const c = chainCert(list.expect(SEQUENCE).whole.slice());
      if (c !== null) certs.push(c);
    }
  }
  const d = new BerReader(data.value);
  if (d.peekTag() === 0xa0) d.next();
  const rid = d.next();
  const responder = rid.tag === 0xa1 ? { name: canonicalName(explicit(rid).expect(SEQUENCE).value) } : { keyHash: explicit(rid).expect(OCTET_STRING).value };
  d.expect(GENERALIZED_TIME);
  const list = new BerReader(d.expect(SEQUENCE).value);
  const first = list.remaining > 0 ? readSingle(list.expect(SEQUENCE)) : undefined;
  return { tbs: data.whole, sigOid, signature, certs, responder, first };
}

/** The response's basic response, or the result string that ends the check (a status, or a decoding failure). */
function basicOf(response: Uint8Array): BasicResponse | string {
  try {
    const top = new BerReader(new BerReader(response).expect(SEQUENCE).value);
    const st = top.expect(ENUMERATED).value;
    const status = st.length === 1 ? st[0]! : -1;
    if (status !== 0) return RESPONSE_STATUS[status] ?? "(UNKNOWN)";
    const bytes = new BerReader(explicit(top.expect(0xa0)).expect(SEQUENCE).value);
    if (oidText(bytes.expect(OID).value) !== BASIC_RESPONSE_OID) return "Could not parse OCSP response";
    return readBasic(bytes.expect(OCTET_STRING).value);
  } catch (e) {
    if (e instanceof BerError || e instanceof RangeError) return "Could not parse OCSP response";
    throw e;
  }
}

/** The BIT STRING bits of a certificate's SubjectPublicKeyInfo (what X509_pubkey_digest and CertID's key hash hash). */
function publicKeyBits(c: ChainCert): Uint8Array {
  const spki = new BerReader(new BerReader(certificateParts(c.der).spki).expect(SEQUENCE).value);
  spki.expect(SEQUENCE);
  return spki.expect(BIT_STRING).value.subarray(1);
}

const sha1 = (b: Uint8Array): Buffer => createHash("sha1").update(b).digest();
const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.compare(a, b) === 0;

/** x509_get_ocsp_signer: the certificate the responder id names. */
function findSigner(basic: BasicResponse, certs: readonly ChainCert[]): ChainCert | undefined {
  const r = basic.responder;
  if ("name" in r) return certs.find((c) => c.subjectCanon === r.name);
  if (r.keyHash.length !== 20) return undefined;
  return certs.find((c) => same(sha1(publicKeyBits(c)), r.keyHash));
}

function signatureValid(basic: BasicResponse, signer: ChainCert): boolean {
  const digest = SIGNATURE_DIGESTS.get(basic.sigOid);
  if (digest === undefined) return false;
  try {
    return verify(digest, basic.tbs, signer.node.publicKey, basic.signature);
  } catch {
    return false;
  }
}

/** OCSP_id_cmp of the response's id with the SHA-1 id of `cert` issued by `issuer`. */
function idMatches(id: CertId, cert: ChainCert, issuer: ChainCert): boolean {
  if (id.hashOid !== SHA1_OID) return false;
  const nameDer = Buffer.from(issuer.subjectDer, "latin1");
  return same(id.nameHash, sha1(nameDer)) && same(id.keyHash, sha1(publicKeyBits(issuer))) && Buffer.from(id.serial).toString("hex") === cert.serial;
}

/** Step 6: the update times against `time`, then the status. */
function freshness(first: NonNullable<BasicResponse["first"]>, time: number): string {
  const ignore = (): void => {};
  if (first.nextUpdate === undefined) return "OCSP reply missing nextUpdate field";
  const thisUpdate = asn1Time(first.thisUpdate.tag, first.thisUpdate.value, ignore);
  const nextUpdate = asn1Time(first.nextUpdate.tag, first.nextUpdate.value, ignore);
  if (thisUpdate > time) return "OCSP reply specifies time in future";
  if (nextUpdate < time) return "OCSP reply expired";
  return CERT_STATUS[first.status]!;
}

/** x509_ocsp_verify's X509::Result: Zeek's code for the outcome (1 good, -2 an unsuccessful response status, 0 where an OpenSSL call failed, -1 otherwise) and its text. */
export interface OcspVerifyResult {
  readonly code: number;
  readonly status: string;
}

/** x509_ocsp_verify(chain, response, roots, time): "good", or what failed. `chain` is the server's, its certificate first. */
export function verifyOcsp(chain: readonly ChainCert[], response: Uint8Array, roots: RootStore, time: number): string {
  return verifyOcspResult(chain, response, roots, time).status;
}

const failed = (status: string, code = -1): OcspVerifyResult => ({ code, status });

/** verifyOcsp with Zeek's result code beside the text. */
export function verifyOcspResult(chain: readonly ChainCert[], response: Uint8Array, roots: RootStore, time: number): OcspVerifyResult {
  const cert = chain[0];
  if (cert === undefined) return failed("no certificates");
  const basic = basicOf(response);
  // An unsuccessful response status is Zeek's -2 (OCSP_response_status_str); a response that does not decode -1.
  if (typeof basic === "string") return failed(basic, RESPONSE_STATUS.includes(basic) ? -2 : -1);
  // Zeek adds the chain but the server's certificate to the response's certificates.
  const intermediates = chain.slice(1);
  const certs = [...basic.certs, ...intermediates];
  const signer = findSigner(basic, certs);
  if (signer === undefined) return failed("Could not find OCSP responder certificate");
  const at = Math.trunc(time);
  const verified = verifyChain(signer, certs, roots, at);
  // X509_verify_cert's and OCSP_basic_verify's 0, and X509_STORE_get_by_subject's 0 for an issuer not found.
  if (verified.status !== "ok") return failed(verified.status, 0);
  if (!signatureValid(basic, signer)) return failed("signature failure", 0);
  // The last of the chain's certificates whose subject is the server certificate's issuer.
  const issuer = intermediates.filter((c) => c.subjectCanon === cert.issuerCanon).pop();
  if (issuer === undefined) return failed("Could not find issuer of host certificate", 0);
  if (basic.first === undefined) return failed("Could not lookup OCSP response information");
  if (!idMatches(basic.first.id, cert, issuer)) return failed("OCSP reply is not for host certificate");
  const status = freshness(basic.first, at);
  return status === "good" ? { code: 1, status } : failed(status);
}
