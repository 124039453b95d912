/**
 * bronze's chain verification (src/files/x509/verify.ts) against OpenSSL's
 * own: every distinct server chain of the corpus' TLS traces is verified by
 * verifyChain and by `openssl verify` (trusted-first, the same roots only,
 * at the handshake's time), and OpenSSL's first error must be bronze's
 * status: with Node's roots, and with the roots of Zeek's validate-certs
 * btests (Zeek's list and external-ca-list.zeek, from Zeek's source, when
 * at hand), under which the corpus' older chains validate. Skipped with a
 * message without the corpus or the openssl command. The traces are read
 * once for both root sets; OpenSSL's verdicts are cached under os.tmpdir(),
 * keyed by its version, the roots and the chain (an openssl process per
 * chain and root set was ~25 CPU s of every suite run).
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type TestContext, test } from "node:test";
import { rootCertificates } from "node:tls";
import { sslInfoOf } from "../../src/analyzer/app/ssl/log.js";
import { chainCert } from "../../src/files/x509/chain-cert.js";
import { rootStore } from "../../src/files/x509/root-store.js";
import { verifyChain } from "../../src/files/x509/verify.js";
import { x509InfoOf } from "../../src/files/x509/x509.js";
import { Engine, loadBuiltinScripts } from "../../src/index.js";
import { readTrace } from "../../src/source/open.js";
import { corpusRoot, oracleMissing } from "../helpers/corpus.js";
import { oracleCache } from "../helpers/oracle-cache.js";
import { EXTERNAL_CA_LIST, MOZILLA_CA_LIST, pemBundle, zeekRootsPem } from "../helpers/zeek-root-certs.js";

interface SeenChain {
  time: number;
  ders: Uint8Array[];
}

/** The server chains of a trace's established sessions. */
async function chainsOf(trace: string): Promise<SeenChain[]> {
  const chains: SeenChain[] = [];
  const engine = new Engine({ settings: ["ignore_checksums=T"] });
  const scripts = loadBuiltinScripts(engine, { memory: true, loads: [] });
  engine.on("ssl_established", (c) => {
    const certs = (sslInfoOf(engine, c)?.certChain ?? []).flatMap((f) => x509InfoOf(f) ?? []);
    if (certs.length > 0) chains.push({ time: engine.clock.now, ders: certs.map((x) => x.handle.der) });
  });
  await engine.run(readTrace(trace));
  scripts.close();
  return chains;
}

/** OpenSSL's first error for `chain` (its text), "ok", or null when openssl cannot say. */
function opensslVerdict(dir: string, roots: string, chain: SeenChain): string | null {
  const leaf = join(dir, "leaf.pem");
  const untrusted = join(dir, "untrusted.pem");
  writeFileSync(leaf, pemBundle([chain.ders[0]!]));
  writeFileSync(untrusted, pemBundle(chain.ders.length > 1 ? chain.ders.slice(1) : chain.ders));
  const args = ["verify", "-no-CApath", "-no-CAstore", "-attime", String(Math.trunc(chain.time)), "-CAfile", roots, "-untrusted", untrusted, leaf];
  let out: string;
  try {
    out = execFileSync("openssl", args, { encoding: "latin1", stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    out = `${err.stdout ?? ""}${err.stderr ?? ""}`;
  }
  // openssl verify's callback goes on after some errors: the first is where X509_verify_cert's default callback stops.
  const first = /error \d+ at \d+ depth lookup: (.*)/.exec(out)?.[1];
  if (first !== undefined) return first === "self-signed certificate" ? "self signed certificate" : first;
  return /: OK$/m.test(out) ? "ok" : null;
}

/** openssl's version line, or null when the command is missing. */
function opensslVersion(): string | null {
  try {
    return execFileSync("openssl", ["version"], { encoding: "latin1", stdio: ["ignore", "pipe", "ignore"] });
  } catch {
    return null;
  }
}

/** A distinct chain of a trace, its identity (certificates and time) as the cache's key. */
interface TraceChain {
  trace: string;
  key: string;
  chain: SeenChain;
}

/** Every distinct chain of `traces`, in trace order. */
async function distinctChains(dir: string, traces: readonly string[]): Promise<TraceChain[]> {
  const seen = new Set<string>();
  const out: TraceChain[] = [];
  for (const trace of traces) {
    for (const chain of await chainsOf(join(dir, trace))) {
      const key = `${chain.ders.map((d) => Buffer.from(d).toString("base64")).join(".")}@${Math.trunc(chain.time)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ trace, key, chain });
    }
  }
  return out;
}

/** Every chain verified by bronze and OpenSSL against the PEM file `roots`: the differences, and how many were compared. */
function compareAll(chains: readonly TraceChain[], work: string, roots: string, version: string): { differ: string[]; compared: number } {
  const id = createHash("sha1").update(version).update("\0").update(readFileSync(roots, "latin1")).digest("hex").slice(0, 16);
  const cache = oracleCache<string | null>("bronze-openssl-verdicts", id);
  const differ: string[] = [];
  let compared = 0;
  for (const { trace, key, chain } of chains) {
    const certs = chain.ders.map(chainCert);
    if (certs[0] === null) continue;
    const intermediates = certs.slice(1).flatMap((c) => c ?? []);
    const mine = verifyChain(certs[0]!, intermediates, rootStore(roots), chain.time).status;
    const theirs = cache.get(createHash("sha1").update(key).digest("hex"), () => opensslVerdict(work, roots, chain));
    if (theirs === null) continue;
    compared++;
    if (mine !== theirs) differ.push(`${trace} at ${Math.trunc(chain.time)}: bronze "${mine}", OpenSSL "${theirs}"`);
  }
  cache.save();
  return { differ, compared };
}

test("verifyChain agrees with `openssl verify` on every server chain of the corpus' TLS traces", async (t: TestContext) => {
  const dir = join(corpusRoot(), "zeek", "traces", "tls");
  let traces: string[];
  try {
    traces = readdirSync(dir).filter((f) => /\.pcap(ng)?$/.test(f));
  } catch {
    return oracleMissing(t, "the corpus' TLS traces are missing");
  }
  const version = opensslVersion();
  if (version === null) return t.skip("the openssl command is not installed");
  const work = mkdtempSync(join(tmpdir(), "bronze-openssl-"));
  try {
    const rootSets: [string, string][] = [["node", rootCertificates.join("\n")]];
    const zeekRoots = zeekRootsPem([MOZILLA_CA_LIST, EXTERNAL_CA_LIST]);
    if (zeekRoots === null) t.diagnostic("Zeek's source not found (BRONZE_ZEEK_SOURCE): Node's roots only");
    else rootSets.push(["zeek", zeekRoots]);
    const chains = await distinctChains(dir, traces);
    for (const [name, text] of rootSets) {
      const roots = join(work, `${name}.pem`);
      writeFileSync(roots, text);
      const { differ, compared } = compareAll(chains, work, roots, version);
      assert.deepEqual(differ, [], `${name}'s roots`);
      assert.ok(compared >= 40, `${name}'s roots: only ${compared} chains compared`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
