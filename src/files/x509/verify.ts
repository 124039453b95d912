/**
 * Zeek's x509_verify BIF without OpenSSL's X509_verify_cert: the server's
 * certificate is verified against a root store, the rest of its chain
 * serving as untrusted intermediates, at a given time (Zeek: network time,
 * cut to whole seconds). The chain is built as OpenSSL 3 does with its
 * default flags (trusted first: each certificate's issuer is looked for in
 * the store before among the intermediates; once a store certificate is in
 * the chain, only the store is searched), then checked as X509_verify_cert
 * checks it, and the first error OpenSSL's default callback stops at is the
 * result, under OpenSSL's text for it.
 *
 * What is not reproduced: OpenSSL's alternative-chain search (unused with
 * trusted-first), name constraints, policy checks, certificates whose
 * extensions OpenSSL finds malformed (EXFLAG_INVALID), proxy certificates,
 * the AKID's issuer-name form, and the time fields' format errors
 * (X509_V_ERR_ERROR_IN_CERT_NOT_BEFORE_FIELD…).
 */
import { type ChainCert, KU_KEY_CERT_SIGN, NS_ANY_CA } from "./chain-cert.js";

/** X509::Result: OpenSSL's verification code, its text, and the verified chain (leaf first) when it is "ok". */
export interface VerifyResult {
  readonly code: number;
  readonly status: string;
  readonly chain?: readonly ChainCert[];
}

export const X509_V_OK = 0;
const UNABLE_TO_GET_ISSUER_CERT = 2;
const UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY = 6;
const CERT_SIGNATURE_FAILURE = 7;
const CERT_NOT_YET_VALID = 9;
const CERT_HAS_EXPIRED = 10;
const DEPTH_ZERO_SELF_SIGNED_CERT = 18;
const SELF_SIGNED_CERT_IN_CHAIN = 19;
const UNABLE_TO_GET_ISSUER_CERT_LOCALLY = 20;
const INVALID_CA = 24;
const PATH_LENGTH_EXCEEDED = 25;
const KEYUSAGE_NO_CERTSIGN = 32;
const UNHANDLED_CRITICAL_EXTENSION = 34;

/** X509_verify_cert_error_string of OpenSSL 3 (18's as Zeek rewrites it, to read the same under OpenSSL 1 and 3). */
const ERROR_STRINGS: ReadonlyMap<number, string> = new Map([
  [X509_V_OK, "ok"],
  [UNABLE_TO_GET_ISSUER_CERT, "unable to get issuer certificate"],
  [UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY, "unable to decode issuer public key"],
  [CERT_SIGNATURE_FAILURE, "certificate signature failure"],
  [CERT_NOT_YET_VALID, "certificate is not yet valid"],
  [CERT_HAS_EXPIRED, "certificate has expired"],
  [DEPTH_ZERO_SELF_SIGNED_CERT, "self signed certificate"],
  [SELF_SIGNED_CERT_IN_CHAIN, "self-signed certificate in certificate chain"],
  [UNABLE_TO_GET_ISSUER_CERT_LOCALLY, "unable to get local issuer certificate"],
  [INVALID_CA, "invalid CA certificate"],
  [PATH_LENGTH_EXCEEDED, "path length constraint exceeded"],
  [KEYUSAGE_NO_CERTSIGN, "key usage does not include certificate signing"],
  [UNHANDLED_CRITICAL_EXTENSION, "unhandled critical extension"],
]);

/** The trust anchors, looked up by subject as X509_STORE does. */
export class RootStore {
  private readonly bySubject = new Map<string, ChainCert[]>();

  constructor(certs: Iterable<ChainCert>) {
    for (const c of certs) {
      const same = this.bySubject.get(c.subjectCanon);
      if (same === undefined) this.bySubject.set(c.subjectCanon, [c]);
      else if (!same.some((s) => sameCert(s, c))) same.push(c);
    }
  }

  /** The store's certificates whose subject is `name` (canonical form). */
  withSubject(name: string): readonly ChainCert[] {
    return this.bySubject.get(name) ?? [];
  }

  get size(): number {
    let n = 0;
    for (const v of this.bySubject.values()) n += v.length;
    return n;
  }
}

const sameCert = (a: ChainCert, b: ChainCert): boolean => Buffer.compare(a.der, b.der) === 0;

/** The family of a signature algorithm or key OID, for check_sig_alg_match (RSA, ECDSA, DSA; other OIDs match only themselves). */
function algFamily(oid: string): string {
  if (oid.startsWith("1.2.840.113549.1.1.")) return "rsa";
  if (oid.startsWith("1.2.840.10045.")) return "ec";
  if (oid.startsWith("1.2.840.10040.4.") || oid.startsWith("2.16.840.1.101.3.4.3.")) return "dsa";
  return oid;
}

/** The AKID of `subject` is consistent with `issuer` (X509_check_akid: key id and serial, where both are given). */
function akidMatches(issuer: ChainCert, subject: ChainCert): boolean {
  if (subject.authorityKeyId !== undefined && issuer.subjectKeyId !== undefined && subject.authorityKeyId !== issuer.subjectKeyId) return false;
  return subject.authorityCertSerial === undefined || subject.authorityCertSerial === issuer.serial;
}

/** ossl_x509_likely_issued: names, key identifiers, and the signature algorithm fits the issuer's key. */
export function likelyIssued(issuer: ChainCert, subject: ChainCert): boolean {
  return issuer.subjectCanon === subject.issuerCanon && akidMatches(issuer, subject) && algFamily(issuer.keyAlg) === algFamily(subject.sigAlg);
}

/** EXFLAG_SS: self-issued, and its own key identifiers and algorithms agree (no signature check). */
export function selfSigned(c: ChainCert): boolean {
  return likelyIssued(c, c);
}

/** ossl_x509_check_cert_time: 0 when valid at `time`, else the error (X509_cmp_time counts equal as earlier). */
function timeError(c: ChainCert, time: number): number {
  if (c.notBefore > time) return CERT_NOT_YET_VALID;
  if (c.notAfter <= time) return CERT_HAS_EXPIRED;
  return X509_V_OK;
}

/** Of the candidates that issued `subject`, the first valid at `time`, else the one expiring last (get1_issuer, find_issuer). */
function pickIssuer(subject: ChainCert, candidates: readonly ChainCert[], time: number): ChainCert | undefined {
  let best: ChainCert | undefined;
  for (const c of candidates) {
    if (!likelyIssued(c, subject)) continue;
    if (timeError(c, time) === X509_V_OK) return c;
    if (best === undefined || c.notAfter > best.notAfter) best = c;
  }
  return best;
}

interface Built {
  chain: ChainCert[];
  /** How many of the chain's first certificates came from the peer (ctx->num_untrusted). */
  untrusted: number;
  trusted: boolean;
}

/**
 * build_chain with trusted-first: the store is asked for the last
 * certificate's issuer; failing that, the intermediates; a self-signed
 * peer certificate the store holds too is replaced by the store's. The
 * chain is trusted when it reaches a self-signed store certificate
 * (X509_TRUST_DEFAULT's compatibility rule: self-signed means trusted).
 */
function buildChain(leaf: ChainCert, intermediates: readonly ChainCert[], roots: RootStore, time: number): Built {
  const chain = [leaf];
  let untrusted = 1;
  const pool = [...intermediates];
  let searchUntrusted = true;
  for (;;) {
    const last = chain[chain.length - 1]!;
    const ss = selfSigned(last);
    // A store certificate already in the chain is not its own issuer again (a self-issued one would loop).
    const candidates = roots.withSubject(last.issuerCanon).filter((r) => !chain.includes(r));
    const anchor = pickIssuer(last, candidates, time);
    if (anchor !== undefined && !(ss && !sameCert(anchor, last))) {
      if (ss) {
        // The peer's self-signed certificate is the store's: the store's copy takes its place.
        chain[chain.length - 1] = anchor;
        untrusted--;
      } else chain.push(anchor);
      searchUntrusted = false;
      if (selfSigned(anchor)) return { chain, untrusted, trusted: true };
      continue;
    }
    // Out of peer certificates (or a self-signed one ends the chain): asking the store again would find nothing new.
    const next = searchUntrusted && !ss ? pickIssuer(last, pool, time) : undefined;
    if (next === undefined) return { chain, untrusted, trusted: false };
    pool.splice(pool.indexOf(next), 1);
    chain.push(next);
    untrusted++;
  }
}

/** The error build_chain reports for an untrusted chain. */
function untrustedError(b: Built): number {
  const last = b.chain[b.chain.length - 1]!;
  if (selfSigned(last)) return b.chain.length === 1 ? DEPTH_ZERO_SELF_SIGNED_CERT : SELF_SIGNED_CERT_IN_CHAIN;
  return b.untrusted < b.chain.length ? UNABLE_TO_GET_ISSUER_CERT : UNABLE_TO_GET_ISSUER_CERT_LOCALLY;
}

/** X509_check_ca: 0 when `c` may not be a CA, else OpenSSL's kind of CA (1: basic constraints say so). */
function caKind(c: ChainCert): number {
  if (c.keyUsage !== undefined && (c.keyUsage & KU_KEY_CERT_SIGN) === 0) return 0;
  if (c.basicConstraints !== undefined) return c.basicConstraints.ca ? 1 : 0;
  if (c.version === 1 && selfSigned(c)) return 3;
  if (c.keyUsage !== undefined) return 4;
  if (c.nsCertType !== undefined && (c.nsCertType & NS_ANY_CA) !== 0) return 5;
  return 0;
}

/** check_extensions: unhandled critical extensions, CA-ness of the issuers (strict below the top), path lengths. */
function extensionsError(chain: readonly ChainCert[]): number {
  let plen = 0;
  for (let i = 0; i < chain.length; i++) {
    const c = chain[i]!;
    if (c.unhandledCritical) return UNHANDLED_CRITICAL_EXTENSION;
    if (i > 0) {
      const kind = caKind(c);
      if (kind === 0 || (i + 1 < chain.length && kind !== 1)) return INVALID_CA;
    }
    const pathLen = c.basicConstraints?.pathLen ?? -1;
    if (i > 1 && pathLen !== -1 && plen > pathLen) return PATH_LENGTH_EXCEEDED;
    if (i > 0 && c.subjectCanon !== c.issuerCanon) plen++;
  }
  return X509_V_OK;
}

/** Whether `issuer`'s key verifies `subject`'s signature: its error, or 0. */
function signatureError(subject: ChainCert, issuer: ChainCert): number {
  let key: ChainCert["node"]["publicKey"];
  try {
    key = issuer.node.publicKey;
  } catch {
    return UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY;
  }
  try {
    return subject.node.verify(key) ? X509_V_OK : CERT_SIGNATURE_FAILURE;
  } catch {
    return CERT_SIGNATURE_FAILURE;
  }
}

/**
 * internal_verify on a trusted chain (its top self-signed): from the top
 * down, each certificate's signature by the one above (the top's own is not
 * checked), the issuer's key usage, then its validity time (the trust
 * anchor's too).
 */
function signaturesAndTimesError(chain: readonly ChainCert[], time: number): number {
  for (let n = chain.length - 1; n >= 0; n--) {
    const xs = chain[n]!;
    if (n < chain.length - 1) {
      const xi = chain[n + 1]!;
      if (xi.keyUsage !== undefined && (xi.keyUsage & KU_KEY_CERT_SIGN) === 0) return KEYUSAGE_NO_CERTSIGN;
      const sig = signatureError(xs, xi);
      if (sig !== X509_V_OK) return sig;
    }
    const t = timeError(xs, time);
    if (t !== X509_V_OK) return t;
  }
  return X509_V_OK;
}

const result = (code: number, chain?: readonly ChainCert[]): VerifyResult =>
  chain === undefined ? { code, status: ERROR_STRINGS.get(code) ?? `error ${code}` } : { code, status: ERROR_STRINGS.get(code)!, chain };

/** x509_verify(certs, roots, time): `leaf` with `intermediates` against `roots`, at `time` (seconds; cut to whole ones as Zeek's time_t). */
export function verifyChain(leaf: ChainCert, intermediates: readonly ChainCert[], roots: RootStore, time: number): VerifyResult {
  const at = Math.trunc(time);
  const built = buildChain(leaf, intermediates, roots, at);
  if (!built.trusted) return result(untrustedError(built));
  const ext = extensionsError(built.chain);
  if (ext !== X509_V_OK) return result(ext);
  const sig = signaturesAndTimesError(built.chain, at);
  return sig === X509_V_OK ? result(X509_V_OK, built.chain) : result(sig);
}
