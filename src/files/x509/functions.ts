/**
 * Zeek's X.509 functions for scripts (file_analysis/analyzer/x509/
 * functions.bif), on DER certificates: a script gets them from
 * x509_certificate's handle (`cert_ref.der`) or from a connection's SSL
 * chain, as Zeek's scripts pass `$x509$handle`s.
 *
 *   x509Parse(der)                               x509_parse
 *   x509Verify(chain, roots, network_time)       x509_verify
 *   x509OcspVerify(chain, reply, roots, time)    x509_ocsp_verify
 *   x509SubjectNameHash(der, 4)                  x509_subject_name_hash
 *   x509IssuerNameHash(der, 4)                   x509_issuer_name_hash
 *   x509SpkiHash(der, 4)                         x509_spki_hash
 *   x509CheckHostname(host, name)                x509_check_hostname
 *   x509CheckCertHostname(der, host)             x509_check_cert_hostname
 *
 * The verification is the one policy/protocols/ssl/validate-certs uses
 * (verify.ts: OpenSSL 3's chain building and checks, its error texts).
 */
import { createHash } from "node:crypto";
import { parseCertificate, type X509CertRecord } from "./cert.js";
import { type ChainCert, certificateParts, chainCert } from "./chain-cert.js";
import { matchedCertName } from "./hostname.js";
import { verifyOcspResult } from "./ocsp-verify.js";
import { rootStore, storeOfDers } from "./root-store.js";
import { TLS_HASHES } from "./sct-verify.js";
import { type RootStore, verifyChain } from "./verify.js";

/** Zeek's X509::Result: OpenSSL's verification code (-1: the check could not run), its text, and the verified chain (leaf first) when the code is 0. */
export interface X509Result {
  result: number;
  result_string: string;
  chain_certs?: Uint8Array[];
}

/**
 * Trust anchors as scripts hold them: Zeek's SSL::root_certs table (name to
 * DER; only the certificates matter), or a list of DER certificates.
 * Omitted: the run's default roots (Node's bundled Mozilla list, as
 * SSL::root_certs defaults to Mozilla's in Zeek). Each object is read once:
 * one changed after its first use keeps the store made then, as Zeek keeps
 * one store per root table.
 */
export type X509Roots = ReadonlyMap<string, Uint8Array> | readonly Uint8Array[];

/** x509_parse: the certificate as x509_certificate's `cert` argument has it, or null when it does not decode (Zeek: a builtin error). */
export function x509Parse(der: Uint8Array): X509CertRecord | null {
  return parseCertificate(der)?.certificate ?? null;
}

export { x509CheckHostname } from "./hostname.js";

/**
 * x509_check_cert_hostname: the certificate's SAN DNS name (or, without a
 * SAN, its last CN) that `hostname` matches, wildcards expanded; "" when none
 * does or the certificate does not decode (Zeek: a builtin error, and "").
 */
export function x509CheckCertHostname(der: Uint8Array, hostname: string): string {
  const parsed = parseCertificate(der);
  return parsed === null ? "" : matchedCertName(parsed, hostname);
}

/** Stores built per roots object, as Zeek keeps one X509_STORE per root table. */
const stores = new WeakMap<X509Roots, RootStore>();

function storeOf(roots: X509Roots | undefined): RootStore {
  if (roots === undefined) return rootStore("");
  let store = stores.get(roots);
  if (store === undefined) {
    store = storeOfDers(roots instanceof Map ? [...roots.values()] : (roots as readonly Uint8Array[]));
    stores.set(roots, store);
  }
  return store;
}

/**
 * x509_verify: `certs[0]` (the server's certificate) against `roots` at
 * `verifyTime` (seconds; Zeek's default is network time, which a script
 * passes), the other certificates serving as untrusted intermediates.
 */
export function x509Verify(certs: readonly Uint8Array[], roots: X509Roots | undefined, verifyTime: number): X509Result {
  const first = certs[0];
  if (first === undefined) return { result: -1, result_string: "no certificates" };
  const leaf = chainCert(first);
  // Zeek's handles always hold a parsed certificate; DER that does not parse is the nearest case.
  if (leaf === null) return { result: -1, result_string: "No certificate in opaque" };
  const intermediates = certs
    .slice(1)
    .map(chainCert)
    .filter((c): c is ChainCert => c !== null);
  const verified = verifyChain(leaf, intermediates, storeOf(roots), verifyTime);
  const out: X509Result = { result: verified.code, result_string: verified.status };
  if (verified.chain !== undefined) out.chain_certs = verified.chain.map((c) => c.der);
  return out;
}

/**
 * x509_ocsp_verify: the OCSP response `ocspReply` (DER, as a stapled one or
 * an OCSP file's bytes) checked for `certs[0]`, the server's certificate,
 * with the rest of `certs` as its chain, against `roots` at `verifyTime`:
 * 1 and "good" when it holds; else Zeek's code and text for the first check
 * that failed (ocsp-verify.ts: -2 and the response status when it is not
 * successful, 0 with OpenSSL's words when the responder's chain does not
 * verify, "signature failure" where Zeek gives OpenSSL's error string, -1 for
 * the rest).
 */
export function x509OcspVerify(certs: readonly Uint8Array[], ocspReply: Uint8Array, roots: X509Roots | undefined, verifyTime: number): X509Result {
  if (certs.length === 0) return { result: -1, result_string: "no certificates" };
  const chain = certs.map(chainCert);
  const first = chain[0];
  if (first === null || first === undefined) return { result: -1, result_string: "No certificate in opaque" };
  const r = verifyOcspResult(
    chain.filter((c): c is ChainCert => c !== null),
    ocspReply,
    storeOf(roots),
    verifyTime,
  );
  return { result: r.code, result_string: r.status };
}

function digest(hashAlg: number, data: Uint8Array): Uint8Array {
  const name = TLS_HASHES[hashAlg];
  if (name === undefined) throw new RangeError(`Unknown hash algorithm ${hashAlg}`);
  return createHash(name).update(data).digest();
}

/** x509_subject_name_hash: the digest of the subject Name's DER (X509_NAME_digest); throws on a certificate that does not decode or an unknown algorithm, where Zeek raises a builtin error. */
export function x509SubjectNameHash(der: Uint8Array, hashAlg: number): Uint8Array {
  return digest(hashAlg, certificateParts(der).subject);
}

/** x509_issuer_name_hash: the digest of the issuer Name's DER. */
export function x509IssuerNameHash(der: Uint8Array, hashAlg: number): Uint8Array {
  return digest(hashAlg, certificateParts(der).issuer);
}

/** x509_spki_hash: the digest of the SubjectPublicKeyInfo's DER (i2d_X509_PUBKEY). */
export function x509SpkiHash(der: Uint8Array, hashAlg: number): Uint8Array {
  return digest(hashAlg, certificateParts(der).spki);
}
