/**
 * Zeek's btests of the X509 certificate event cache whose scripts print from
 * handlers (base/files/x509: caching-hook, event-caching and the three runs
 * of disable-certificate-events-known-certs), replayed with a TypeScript
 * twin of each script on bronze's engine: its prints (.stdout) and the logs
 * it diffs (x509.log; ssl.log for the last) compared with Zeek's baselines.
 * The twins print what the btests' handlers print: x509_certificate's
 * subject, SSL::ssl_finishing's (Zeek runs that hook from ssl_established
 * at priority -5, as here) and the replay hook's. Skipped with a message
 * without Zeek's source or the corpus' traces.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type TestContext, test } from "node:test";
import { serverCertificateOf } from "../../src/analyzer/app/ssl/log.js";
import { Engine } from "../../src/engine.js";
import { onCertificateCacheReplay } from "../../src/files/x509/certificate-event-cache.js";
import { loadBuiltinScripts } from "../../src/scripts/index.js";
import { openTrace } from "../../src/source/open.js";
import { corpusRoot, oracleMissing } from "../helpers/corpus.js";
import { ZEEK_SEED } from "../session/harness.js";
import { zeekSource } from "../signatures/btest-harness.js";
import { canonicalBtestLog } from "./btest-applogs-harness.js";

const BASELINES = "testing/btest/Baseline/scripts.base.files.x509";

interface CacheBtest {
  /** The baseline directory's suffix (-2 for the second run of a multi-run test). */
  readonly name: string;
  readonly trace: string;
  readonly ignoreChecksums: boolean;
  readonly loads: readonly string[];
  readonly settings: readonly string[];
  readonly logs: readonly string[];
  /** The test's handlers, on the engine after the scripts loaded. */
  readonly twin: (engine: Engine, print: (line: string) => void) => void;
}

/** caching-hook's and event-caching's hook at priority 1: prints the SHA-256; caching-hook's breaks too. */
function printingHook(breaks: boolean): CacheBtest["twin"] {
  return (engine, print) =>
    onCertificateCacheReplay(
      engine,
      (_f, _e, sha256) => {
        print(`Encountered cached certificate not further handled by core, ${sha256}`);
        return !breaks;
      },
      1,
    );
}

/** disable-certificate-events-known-certs' common.zeek. */
const commonZeek: CacheBtest["twin"] = (engine, print) => {
  engine.on("x509_certificate", (_f, _ref, cert) => print(`x509_certificate, ${cert.subject}`));
  engine.on("ssl_established", (c) => print(`finishing, ${serverCertificateOf(engine, c)?.x509.certificate.subject}`), { priority: -5 });
  onCertificateCacheReplay(engine, (_f, e) => void print(`Hook for, ${e.certificate.subject}`), 5);
};

const KNOWN_CERTS = {
  trace: "tls/google-cert-repeat.pcap",
  ignoreChecksums: true,
  logs: ["ssl.log", "x509.log", ".stdout"],
  twin: commonZeek,
};
const CACHING = ["X509::caching_required_encounters=1", "X509::certificate_cache_minimum_eviction_interval=11min"];

const BTESTS: readonly CacheBtest[] = [
  {
    name: "caching-hook",
    trace: "tls/google-duplicate.pcap",
    ignoreChecksums: false,
    loads: ["base/protocols/ssl"],
    settings: ["X509::caching_required_encounters=1"],
    logs: ["x509.log", ".stdout"],
    twin: printingHook(true),
  },
  {
    name: "event-caching",
    trace: "tls/google-duplicate.pcap",
    ignoreChecksums: false,
    loads: ["base/protocols/ssl"],
    settings: ["X509::caching_required_encounters=1", "X509::relog_known_certificates_after=0secs"],
    logs: ["x509.log", ".stdout"],
    twin: printingHook(false),
  },
  { ...KNOWN_CERTS, name: "disable-certificate-events-known-certs", loads: ["base/protocols/ssl", "protocols/ssl/validate-certs"], settings: [] },
  { ...KNOWN_CERTS, name: "disable-certificate-events-known-certs-2", loads: ["base/protocols/ssl", "protocols/ssl/validate-certs"], settings: CACHING },
  {
    ...KNOWN_CERTS,
    name: "disable-certificate-events-known-certs-3",
    loads: ["base/protocols/ssl", "protocols/ssl/validate-certs", "policy/files/x509/disable-certificate-events-known-certs"],
    settings: CACHING,
  },
];

/** A run as `zeek -b`: the logs it writes and the lines it printed. */
async function replay(b: CacheBtest, dir: string): Promise<Map<string, string>> {
  const engine = new Engine({ bare: true, seed: ZEEK_SEED, loads: [...b.loads], settings: [...b.settings], ignoreChecksums: b.ignoreChecksums });
  const scripts = loadBuiltinScripts(engine, { logdir: dir, bare: true, loads: [...b.loads], stderr: null });
  const printed: string[] = [];
  b.twin(engine, (line) => void printed.push(line));
  await engine.run(await openTrace(join(corpusRoot(), "zeek", "traces", b.trace)));
  scripts.close();
  const out = new Map<string, string>([[".stdout", printed.map((l) => `${l}\n`).join("")]]);
  for (const log of b.logs) if (log !== ".stdout") out.set(log, readFileSync(join(dir, log), "latin1"));
  return out;
}

/** A baseline or a log as btest compares it (Zeek's default canonifier; .stdout without btest's header). */
function canonical(text: string): string {
  return canonicalBtestLog(text);
}

for (const b of BTESTS) {
  test(`${b.name}: ${b.logs.join(", ")} as Zeek's baseline`, async (t: TestContext) => {
    const zeek = zeekSource();
    if (zeek === null) return oracleMissing(t, "Zeek's source not found: set BRONZE_ZEEK_SOURCE");
    if (!existsSync(join(corpusRoot(), "zeek", "traces", b.trace))) return oracleMissing(t, `the corpus' trace ${b.trace} is missing`);
    const dir = mkdtempSync(join(tmpdir(), "bronze-x509-cache-"));
    try {
      const mine = await replay(b, dir);
      for (const log of b.logs) {
        assert.equal(canonical(mine.get(log)!), canonical(zeek.read(`${BASELINES}.${b.name}/${log}`)), `${b.name} ${log}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
