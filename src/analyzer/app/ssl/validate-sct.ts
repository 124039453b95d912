/**
 * Zeek's policy/protocols/ssl/validate-sct: the signed certificate
 * timestamps (Certificate Transparency, RFC 6962) a connection shows, in
 * the server's TLS extension, in a stapled OCSP response or inside the
 * server's certificate, are checked with the keys of the logs Zeek knows
 * (SSL::ct_logs: Zeek's ct-list, plus SSL::ct_logs_file) when the session
 * finishes (after validate-certs, which it loads); ssl.log gets
 * valid_ct_logs and valid_ct_operators, how many different logs and log
 * operators gave a valid one. An SCT inside the certificate was signed
 * over the precertificate and its issuer's key: the issuer is looked for
 * as Zeek does, in the key found for an earlier SCT of the connection,
 * validate-certs' cached intermediates, its verified chain, then every
 * certificate the server sent.
 *
 * Zeek keeps each result five minutes; bronze checks again (the same
 * inputs give the same answer, but for an embedded SCT whose issuer
 * turns up later: Zeek's cache keeps the earlier failure).
 */
import type { Connection } from "../../../event/records.js";
import type { FaFile } from "../../../files/file.js";
import { type CtLog, ctLogs } from "../../../files/x509/ct-logs.js";
import { type SctProof, spkiSha256, verifySct } from "../../../files/x509/sct-verify.js";
import { type X509Info, x509InfoOf } from "../../../files/x509/x509.js";
import { fields } from "../../../log/schema.js";
import type { AnalyzerScriptHost } from "../../../scripts/host.js";
import type { RecordExtension } from "../../../scripts/record-extensions.js";
import { type SslInfo, sslInfoOf } from "./log.js";
import { cachedIntermediates, certOf, ensureValidated, keepValidChains, validChainOf } from "./validate-certs.js";

/** SSL::SctSource: where an SCT was seen (SCT_TLS_EXT, SCT_X509_EXT, SCT_OCSP_EXT). */
export type SctSource = "TLS" | "X509" | "OCSP";

/** SSL::SctInfo, what the check needs of it, and its result once checked. */
interface Proof extends SctProof {
  readonly logid: string;
  readonly source: SctSource;
  valid?: boolean;
}

/** c$ssl$ct_proofs. */
const proofs = new WeakMap<SslInfo, Proof[]>();
/** valid_ct_logs and valid_ct_operators of each session checked. */
const counts = new WeakMap<SslInfo, readonly [logs: number, operators: number]>();
/** Each run's SSL::ct_logs. */
const logsOf = new WeakMap<AnalyzerScriptHost, ReadonlyMap<string, CtLog>>();

const bytes = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, "latin1"));

function addProof(s: SslInfo | undefined, proof: Proof): void {
  if (s === undefined) return;
  const list = proofs.get(s);
  if (list === undefined) proofs.set(s, [proof]);
  else list.push(proof);
}

/** x509_ocsp_ext_signed_certificate_timestamp's SCT source: a stapled response's or the server certificate's, for a file of one SSL connection. */
function fileSource(f: FaFile): SctSource | null {
  if (f.source !== "SSL" || f.conns.size !== 1) return null;
  const mime = f.info?.mime_type;
  return mime === "application/ocsp-response" ? "OCSP" : mime === "application/x-x509-user-cert" ? "X509" : null;
}

/** The session's SCTs checked: valid_ct_logs, valid_ct_operators. */
function check(host: AnalyzerScriptHost, s: SslInfo, x: X509Info, logs: ReadonlyMap<string, CtLog>): readonly [number, number] {
  const leaf = x.handle.der;
  const validLogs = new Set<string>();
  const operators = new Set<string>();
  // The issuer key hash that last worked or was last tried, for the next embedded SCT (Zeek's issuer_key_hash).
  let issuerKeyHash: Uint8Array | undefined;
  const precertValid = (p: Proof, key: Uint8Array): boolean => {
    if (issuerKeyHash !== undefined && verifySct(leaf, p, key, issuerKeyHash)) return true;
    for (const issuer of issuerCandidates(host, s, x)) {
      issuerKeyHash = spkiSha256(issuer);
      if (verifySct(leaf, p, key, issuerKeyHash)) return true;
    }
    return false;
  };
  for (const p of proofs.get(s) ?? []) {
    const log = logs.get(p.logid);
    p.valid = log === undefined ? false : p.source === "X509" ? precertValid(p, log.key) : verifySct(leaf, p, log.key);
    if (log === undefined || !p.valid) continue;
    validLogs.add(p.logid);
    operators.add(log.operator);
  }
  return [validLogs.size, operators.size];
}

/** Where the issuer of `leaf`, the server's certificate, may be, in Zeek's order (DER certificates). */
function* issuerCandidates(host: AnalyzerScriptHost, s: SslInfo, leaf: X509Info): Generator<Uint8Array> {
  const issuerDer = certOf(leaf)?.issuerDer;
  const cached = issuerDer === undefined ? undefined : cachedIntermediates(host, issuerDer)?.[0];
  if (cached !== undefined) yield cached.der;
  const valid = validChainOf(s);
  if (valid !== undefined && valid.length >= 2) yield valid[1]!.der;
  for (const f of (s.certChain ?? []).slice(1)) {
    const xi = x509InfoOf(f);
    if (xi !== undefined) yield xi.handle.der;
  }
}

/** The hook ssl_finishing &priority=19 of the script, once per session: after validate-certs' (20). */
function finish(host: AnalyzerScriptHost, s: SslInfo): void {
  if (counts.has(s)) return;
  ensureValidated(host, s);
  const x = s.certChain?.[0] === undefined ? undefined : x509InfoOf(s.certChain[0]);
  const logs = logsOf.get(host);
  // As Zeek's hook: nothing without a server certificate.
  if (x === undefined || logs === undefined) return;
  counts.set(s, check(host, s, x, logs));
}

/** The SCTs connection `c` showed, in order, each with its log id, where it was seen and (once checked) whether it is valid. */
export function sctProofsOf(host: AnalyzerScriptHost, c: Connection): ReadonlyArray<Readonly<Pick<Proof, "logid" | "source" | "valid">>> {
  const s = sslInfoOf(host, c) as SslInfo | undefined;
  return (s === undefined ? undefined : proofs.get(s)) ?? [];
}

export const VALIDATE_SCT: RecordExtension<SslInfo> = {
  script: "policy/protocols/ssl/validate-sct",
  fields: fields(["valid_ct_logs", "count"], ["valid_ct_operators", "count"]),
  // A session logged before it was established is checked as its row is written.
  finishing: finish,
  values: (s) => counts.get(s) ?? [undefined, undefined],
  load(host) {
    logsOf.set(host, ctLogs(host.settings["SSL::ct_logs_file"]));
    // redef SSL::ssl_store_valid_chain = T: an embedded SCT's issuer may be the verified chain's.
    keepValidChains(host);
    // Zeek's ssl_finishing runs at ssl_established &priority=20; this script's hook after validate-certs'.
    host.on(
      "ssl_established",
      (c) => {
        const s = sslInfoOf(host, c) as SslInfo | undefined;
        if (s !== undefined) finish(host, s);
      },
      { priority: 19 },
    );
    host.on(
      "ssl_extension_signed_certificate_timestamp",
      (c, _isClient, _version, logid, timestamp, alg, signature) => {
        addProof(sslInfoOf(host, c) as SslInfo | undefined, { logid, timestamp, hashAlg: alg.HashAlgorithm, signature: bytes(signature), source: "TLS" });
      },
      { priority: 5 },
    );
    host.on(
      "x509_ocsp_ext_signed_certificate_timestamp",
      (f, _version, logid, timestamp, hashAlg, _sigAlg, signature) => {
        const source = fileSource(f);
        if (source === null) return;
        const c = f.conns.values().next().value as Connection;
        addProof(sslInfoOf(host, c) as SslInfo | undefined, { logid, timestamp, hashAlg, signature: bytes(signature), source });
      },
      { priority: 5 },
    );
  },
};
