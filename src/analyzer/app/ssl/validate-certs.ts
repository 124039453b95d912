/**
 * Zeek's policy/protocols/ssl/validate-certs: when an SSL session finishes
 * (established, or logged before that), the server's chain is verified
 * against the root store at network time (src/files/x509/verify.ts), ssl.log
 * gets validation_status, and a failure is an SSL::Invalid_Server_Cert
 * notice. As Zeek's script does:
 *
 * - a chain verified in the last five minutes (same certificates, by their
 *   SHA-1s; each use restarts the five minutes) gets its earlier result
 *   again, without a new verification;
 * - a verified chain of more than two certificates leaves its intermediates
 *   in a cache keyed by the name of the leaf's issuer, and a later server
 *   certificate by that issuer is tried with them first: a server that
 *   leaves out its intermediate still validates once another server sent it
 *   (SSL::ssl_cache_intermediate_ca=F turns this off).
 *
 * The cache keys are the DER names themselves where Zeek hashes them with
 * SHA-256; the five minutes run from the last use exactly, where Zeek's
 * &read_expire takes effect at its next table sweep (up to 10s later).
 */
import { createHash } from "node:crypto";
import type { Connection } from "../../../event/records.js";
import type { FaFile } from "../../../files/file.js";
import { type ChainCert, chainCert } from "../../../files/x509/chain-cert.js";
import { rootStore } from "../../../files/x509/root-store.js";
import { type RootStore, type VerifyResult, verifyChain } from "../../../files/x509/verify.js";
import { type X509Info, x509InfoOf } from "../../../files/x509/x509.js";
import { fields } from "../../../log/schema.js";
import type { AnalyzerScriptHost } from "../../../scripts/host.js";
import type { NoticeLog } from "../../../scripts/notice.js";
import type { PolicyScript } from "../../../scripts/policy-scripts.js";
import type { RecordExtension } from "../../../scripts/record-extensions.js";
import { type SslInfo, sslInfoOf } from "./log.js";

const SCRIPT = "policy/protocols/ssl/validate-certs";
/** recently_validated_certs' &read_expire. */
const RECENT_FOR = 300;

/** Each certificate's facts for verification, read once (null: not readable); validate-ocsp reads them too. */
const facts = new WeakMap<X509Info, ChainCert | null>();
const sha1s = new WeakMap<ChainCert, string>();

export function certOf(x: X509Info): ChainCert | null {
  let c = facts.get(x);
  if (c === undefined) {
    c = chainCert(x.handle.der);
    facts.set(x, c);
  }
  return c;
}

function sha1Of(c: ChainCert): string {
  let h = sha1s.get(c);
  if (h === undefined) {
    h = createHash("sha1").update(c.der).digest("hex");
    sha1s.set(c, h);
  }
  return h;
}

/** c$ssl$validation_status of each session whose ssl_finishing ran. */
const statuses = new WeakMap<SslInfo, string>();
/** c$ssl$valid_chain: the verified chain, root included, of each session whose chain verified, kept when validate-sct reads it. */
const validChains = new WeakMap<SslInfo, readonly ChainCert[]>();
/** The sessions ssl_finishing ran for. */
const finished = new WeakSet<SslInfo>();

/** The script's state for one run: its two caches, the roots, where notices go. */
class CertValidator {
  private readonly intermediates = new Map<string, readonly ChainCert[]>();
  private readonly recent = new Map<string, { result: VerifyResult; used: number }>();
  private roots: RootStore | null = null;
  /** The size of `recent` at which its expired entries are next dropped (Zeek's table sweeps, for long runs). */
  private sweepAt = 1024;

  constructor(
    private readonly host: AnalyzerScriptHost,
    private readonly notices: NoticeLog,
  ) {
    // A root file that cannot be read stops the run at its start, not at its first certificate.
    if (host.settings["SSL::root_certs_file"] !== "") this.roots = rootStore(host.settings["SSL::root_certs_file"]);
  }

  private cacheIntermediates(): boolean {
    return this.host.settings["SSL::ssl_cache_intermediate_ca"];
  }

  /** cache_validate: the recent result of this very chain, or a new verification (whose intermediates may be kept). */
  private validate(chain: readonly ChainCert[]): VerifyResult {
    const now = this.host.clock.now;
    const id = chain.map(sha1Of).join(".");
    const seen = this.recent.get(id);
    if (seen !== undefined && now - seen.used <= RECENT_FOR) {
      seen.used = now;
      return seen.result;
    }
    this.roots ??= rootStore("");
    const result = verifyChain(chain[0]!, chain.slice(1), this.roots, now);
    // Zeek keeps the chain with a result only when ssl_store_valid_chain=T (validate-sct sets it): a hit then gives the session its valid chain.
    this.recent.set(id, { result: storesValidChains(this.host) ? result : { code: result.code, status: result.status }, used: now });
    if (this.recent.size >= this.sweepAt) this.sweep(now);
    const valid = result.chain;
    if (this.cacheIntermediates() && result.status === "ok" && valid !== undefined && valid.length > 2) {
      const key = valid[1]!.subjectDer;
      if (!this.intermediates.has(key)) this.intermediates.set(key, valid.slice(1, -1));
    }
    return result;
  }

  private sweep(now: number): void {
    for (const [id, r] of this.recent) if (now - r.used > RECENT_FOR) this.recent.delete(id);
    this.sweepAt = Math.max(1024, 2 * this.recent.size);
  }

  /** The hook ssl_finishing &priority=20 of the script, for session `s`. */
  finish(s: SslInfo): void {
    finished.add(s);
    const files = s.certChain ?? [];
    const first = files[0] === undefined ? undefined : x509InfoOf(files[0]);
    const leaf = first === undefined ? null : certOf(first);
    const hash = files[0]?.info?.sha1;
    // Zeek's hook stops where it reads a field the session lacks: no certificate, or no SHA-1 of it.
    if (first === undefined || leaf === null || hash === undefined) return;
    const cached = this.intermediatesFor(leaf.issuerDer);
    const viaCache = cached === undefined ? undefined : this.validate([leaf, ...cached]);
    if (viaCache?.status === "ok") {
      this.settle(s, viaCache);
      return;
    }
    const result = this.validate(serverChain(files));
    this.settle(s, result);
    if (result.status !== "ok") this.notify(s.c, files[0]!, first, hash, result);
  }

  private settle(s: SslInfo, result: VerifyResult): void {
    statuses.set(s, result.status);
    if (result.chain !== undefined && storesValidChains(this.host)) validChains.set(s, result.chain);
  }

  /** The intermediates cached for certificates by the issuer named `issuerDer` (intermediate_cache). */
  intermediatesFor(issuerDer: string): readonly ChainCert[] | undefined {
    return this.cacheIntermediates() ? this.intermediates.get(issuerDer) : undefined;
  }

  private notify(c: Connection, file: FaFile, x: X509Info, hash: string, result: VerifyResult): void {
    this.notices.notice({
      note: "SSL::Invalid_Server_Cert",
      msg: `SSL certificate validation failed with (${result.status})`,
      sub: x.certificate.subject,
      conn: c,
      fuid: file.id,
      identifier: `${c.id.resp_h}${c.id.resp_p}/${c.id.transport}${hash}${result.code}`,
    });
  }
}

/** The server's certificates that parsed, in the order sent (the first is known to). */
export function serverChain(files: readonly FaFile[]): ChainCert[] {
  const out: ChainCert[] = [];
  for (const f of files) {
    const x = x509InfoOf(f);
    const c = x === undefined ? null : certOf(x);
    if (c !== null) out.push(c);
  }
  return out;
}

const validators = new WeakMap<AnalyzerScriptHost, CertValidator>();

/** The script's handlers and notices. */
export const VALIDATE_CERTS_SCRIPT: PolicyScript = {
  script: SCRIPT,
  what: "ssl.log's validation_status (chains verified against Mozilla's roots) and SSL::Invalid_Server_Cert notices",
  load(host, { notices }) {
    const validator = new CertValidator(host, notices);
    validators.set(host, validator);
    host.on(
      "ssl_established",
      (c) => {
        const s = sslInfoOf(host, c);
        // Once per session: a session written before it was established was validated then.
        if (s !== undefined) ensureValidated(host, s as SslInfo);
      },
      { priority: 20 },
    );
  },
};

/** The runs with SSL::ssl_store_valid_chain=T (validate-sct's redef): results keep their chains (Zeek's default is F). */
const keepsValidChains = new WeakSet<AnalyzerScriptHost>();

/** SSL::ssl_store_valid_chain of the run of `host`: redef'd on the command line, or set by a script (validate-sct). */
function storesValidChains(host: AnalyzerScriptHost): boolean {
  return host.settings["SSL::ssl_store_valid_chain"] || keepsValidChains.has(host);
}

/** SSL::ssl_store_valid_chain=T for the run of `host`. */
export function keepValidChains(host: AnalyzerScriptHost): void {
  keepsValidChains.add(host);
}

/** The script's ssl_finishing for session `s`, unless it ran (for validate-sct, whose own runs after it). */
export function ensureValidated(host: AnalyzerScriptHost, s: SslInfo): void {
  if (!finished.has(s)) validators.get(host)?.finish(s);
}

/** c$ssl$valid_chain of session `s`, when its chain verified. */
export function validChainOf(s: SslInfo): readonly ChainCert[] | undefined {
  return validChains.get(s);
}

/** The intermediates validate-certs keeps for certificates issued by `issuerDer` (a DER Name, latin1). */
export function cachedIntermediates(host: AnalyzerScriptHost, issuerDer: string): readonly ChainCert[] | undefined {
  return validators.get(host)?.intermediatesFor(issuerDer);
}

/** ssl.log's column; a session logged before it was established is validated as its row is written. */
export const VALIDATE_CERTS_COLUMN: RecordExtension<SslInfo> = {
  script: SCRIPT,
  fields: fields(["validation_status", "string"]),
  finishing: ensureValidated,
  values: (s) => [statuses.get(s)],
};
