/**
 * Certificate-chain parsing: every certificate chain the corpus' TLS traces
 * carry (the traces Zeek wrote x509.log for; the trace argument is not used)
 * is collected once through the engine, then parsed again and again by the
 * X509 analyzer's parser (src/files/x509/cert.ts: Node's X509Certificate
 * verdict, the DER walk, names, key, SANs, basic constraints, SCTs and every
 * extension printed for x509_extension), without the by-fingerprint memo the
 * analyzer keeps, so each parse is a first parse. Reports µs per certificate
 * and per chain; "packets" here are certificates.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { Engine } from "../src/engine.js";
import { parseCertificate } from "../src/files/x509/cert.js";
import { loadBuiltinScripts } from "../src/scripts/index.js";
import { openTrace } from "../src/source/open.js";
import { tracesWithAppLog } from "../test/helpers/corpus.js";
import { type BenchResult, since } from "./bench-api.js";

export const name = "x509";

/** Parse rounds over all chains (BENCH_X509_ROUNDS). */
const ROUNDS = Number(process.env.BENCH_X509_ROUNDS ?? 200);

let chains: Uint8Array[][] | null = null;

/** The certificate chains of the corpus' traces with an x509.log, one per connection and direction. */
async function corpusChains(): Promise<Uint8Array[][]> {
  if (chains !== null) return chains;
  const corpus = process.env.BRONZE_CORPUS ?? "../shared/corpus";
  const applogs = join(corpus, "zeek-applogs");
  if (!existsSync(applogs)) throw new Error(`corpus not found at ${corpus} (set BRONZE_CORPUS)`);
  const traces = tracesWithAppLog("x509.log", corpus);
  const out = new Map<string, Uint8Array[]>();
  for (const trace of traces) {
    const engine = new Engine({ ignoreChecksums: true });
    const scripts = loadBuiltinScripts(engine, { memory: true });
    const chainOf = new Map<string, string>();
    engine.on("file_over_new_connection", (f, c, isOrig) => void chainOf.set(f.id, `${trace} ${c.uid} ${isOrig}`));
    engine.on("x509_certificate", (f, ref) => {
      const key = chainOf.get(f.id) ?? `${trace} ${f.id}`;
      const chain = out.get(key) ?? [];
      chain.push(ref.der);
      out.set(key, chain);
    });
    await engine.run(await openTrace(join(corpus, "zeek", "traces", trace)));
    scripts.close();
  }
  chains = [...out.values()];
  return chains;
}

export async function run(_tracePath: string): Promise<BenchResult> {
  const all = await corpusChains();
  const certs = all.reduce((n, c) => n + c.length, 0);
  const start = performance.now();
  let parsed = 0;
  for (let r = 0; r < ROUNDS; r++) for (const chain of all) for (const der of chain) if (parseCertificate(der) !== null) parsed++;
  const seconds = since(start);
  const perCert = (seconds * 1e6) / (ROUNDS * certs);
  return {
    packets: ROUNDS * certs,
    seconds,
    extra: {
      chains: all.length,
      certificates: certs,
      certs_per_chain: Number((certs / all.length).toFixed(2)),
      us_per_certificate: Number(perCert.toFixed(1)),
      us_per_chain: Number(((perCert * certs) / all.length).toFixed(1)),
      unparsable: certs - parsed / ROUNDS,
    },
  };
}
