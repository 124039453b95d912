/**
 * Zeek's btests of policy/protocols/ssl/validate-certs, validate-ocsp and validate-sct that the btest suite
 * cannot replay (they load test roots, testing/scripts/external-ca-list.zeek,
 * or redef SSL::root_certs in their own script): each run here with
 * SSL::root_certs_file holding the roots Zeek's run had (Zeek's
 * mozilla-ca-list.zeek plus the test's, converted to PEM from Zeek's source),
 * its ssl.log compared with the baseline under the test's canonifiers.
 * Skipped with a message without Zeek's source or the corpus' traces.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type TestContext, test } from "node:test";
import { bronze } from "../cli/run-cli.js";
import { corpusRoot, oracleMissing } from "../helpers/corpus.js";
import { EXTERNAL_CA_LIST, MOZILLA_CA_LIST, pemBundle, zeekRootCertificates } from "../helpers/zeek-root-certs.js";
import { type ZeekSource, zeekSource } from "../signatures/btest-harness.js";
import { canonicalBtestLog } from "./btest-applogs-harness.js";

/** The columns Zeek's diff-remove-x509-names masks (set: "+"), as they differ between OpenSSL versions. */
const NAME_COLUMNS = new Set(["subject", "issuer", "issuer_subject", "client_subject", "client_issuer", "certificate.subject", "certificate.issuer"]);

/** diff-remove-x509-names, then the timestamps masked. */
function canonical(text: string): string {
  let masked = new Set<number>();
  const lines = text.split("\n").map((line) => {
    if (line.startsWith("#fields\t")) masked = new Set(line.split("\t").flatMap((name, i) => (NAME_COLUMNS.has(name) ? [i - 1] : [])));
    if (line.startsWith("#") || masked.size === 0) return line;
    return line
      .split("\t")
      .map((v, i) => (masked.has(i) && v !== "-" ? "+" : v))
      .join("\t");
  });
  return canonicalBtestLog(lines.join("\n"));
}

interface Run {
  trace: string;
  checksums?: boolean;
  settings?: string[];
}

interface CertBtest {
  name: string;
  /** Zeek files whose root certificates the runs had, besides Zeek's default list. */
  roots: string[];
  runs: Run[];
  /** The log the runs' ssl.logs are concatenated into (as the test's `cat`s do). */
  log: string;
  loads: string[];
  /** Run with bronze's default roots (Node's Mozilla list) instead of Zeek's. */
  nodeRoots?: boolean;
  /** A file of Zeek's source whose SSL::ct_logs entries the runs add (SSL::ct_logs_file). */
  ctLogsFrom?: string;
}

/** validate-ocsp's btest: three runs, each ssl.log compared by itself. */
const OCSP_RUNS: ReadonlyArray<[trace: string, log: string]> = [
  ["tls/ocsp-stapling.pcap", "ssl.log"],
  ["tls/ocsp-stapling-twimg.pcap", "ssl-twimg.log"],
  ["tls/ocsp-stapling-digicert.pcap", "ssl-digicert.log"],
];

const BTESTS: CertBtest[] = [
  {
    // Its script also prints each SCT (.stdout, not compared) and adds the logs of 2017 to SSL::ct_logs.
    name: "scripts.policy.protocols.ssl.validate-sct",
    roots: [EXTERNAL_CA_LIST],
    runs: [{ trace: "tls/signed_certificate_timestamp.pcap" }, { trace: "tls/signed_certificate_timestamp-2.pcap" }],
    log: "ssl-all.log",
    loads: ["protocols/ssl/validate-sct"],
    ctLogsFrom: "testing/btest/scripts/policy/protocols/ssl/validate-sct.zeek",
  },
  ...OCSP_RUNS.map(([trace, log]) => ({
    name: "scripts.policy.protocols.ssl.validate-ocsp",
    roots: [EXTERNAL_CA_LIST],
    runs: [{ trace, checksums: false }],
    log,
    loads: ["protocols/ssl/validate-ocsp"],
  })),
  {
    name: "scripts.policy.protocols.ssl.validate-certs",
    roots: [EXTERNAL_CA_LIST],
    runs: [{ trace: "tls/tls-expired-cert.pcap" }, { trace: "tls/missing-intermediate.pcap", checksums: false }],
    log: "ssl-all.log",
    loads: ["protocols/ssl/validate-certs"],
  },
  {
    name: "scripts.policy.protocols.ssl.validate-certs-no-cache",
    roots: [EXTERNAL_CA_LIST],
    runs: [{ trace: "tls/missing-intermediate.pcap", checksums: false, settings: ["SSL::ssl_cache_intermediate_ca=F"] }],
    log: "ssl.log",
    loads: ["protocols/ssl/validate-certs"],
  },
  {
    name: "scripts.base.protocols.ssl.cve-2015-3194",
    roots: ["testing/btest/scripts/base/protocols/ssl/cve-2015-3194.test"],
    runs: [{ trace: "tls/CVE-2015-3194.pcap" }],
    log: "ssl.log",
    loads: ["protocols/ssl/validate-certs"],
  },
  {
    // Its script prints events too; ssl.log is what validate-certs writes.
    name: "scripts.base.files.x509.disable-certificate-events-known-certs",
    roots: [],
    runs: [{ trace: "tls/google-cert-repeat.pcap", checksums: false }],
    log: "ssl.log",
    loads: ["base/protocols/ssl", "protocols/ssl/validate-certs"],
  },
  {
    name: "scripts.base.files.x509.disable-certificate-events-known-certs",
    roots: [],
    runs: [{ trace: "tls/google-cert-repeat.pcap", checksums: false }],
    log: "ssl.log",
    loads: ["base/protocols/ssl", "protocols/ssl/validate-certs"],
    nodeRoots: true,
  },
];

/** The runs' ssl.logs, concatenated. */
async function replay(zeek: ZeekSource, b: CertBtest, dir: string): Promise<string> {
  const roots = join(dir, "roots.pem");
  writeFileSync(roots, pemBundle([MOZILLA_CA_LIST, ...b.roots].flatMap((f) => zeekRootCertificates(zeek.read(f)))));
  const ctLogs = join(dir, "ct-logs.txt");
  if (b.ctLogsFrom !== undefined) writeFileSync(ctLogs, zeek.read(b.ctLogsFrom), "latin1");
  let out = "";
  for (const [i, r] of b.runs.entries()) {
    const logdir = join(dir, `run-${i}`);
    const args = ["-b", ...(r.checksums === false ? ["-C"] : []), "--seed-file", join(corpusRoot(), "zeek", "random.seed")];
    const rootSetting = b.nodeRoots === true ? [] : [`SSL::root_certs_file=${roots}`];
    const result = await bronze([
      ...args,
      "-r",
      join(corpusRoot(), "zeek", "traces", r.trace),
      "--logdir",
      logdir,
      ...b.loads,
      ...rootSetting,
      ...(b.ctLogsFrom === undefined ? [] : [`SSL::ct_logs_file=${ctLogs}`]),
      ...(r.settings ?? []),
    ]);
    assert.equal(result.code, 0, result.err);
    out += readFileSync(join(logdir, "ssl.log"), "latin1");
  }
  return out;
}

for (const b of BTESTS) {
  test(`${b.name} ${b.log}: as Zeek's baseline, with ${b.nodeRoots === true ? "Node's roots" : "the test's roots"}`, async (t: TestContext) => {
    const zeek = zeekSource();
    if (zeek === null) return oracleMissing(t, "Zeek's source not found: set BRONZE_ZEEK_SOURCE");
    if (!b.runs.every((r) => existsSync(join(corpusRoot(), "zeek", "traces", r.trace)))) return oracleMissing(t, "the corpus' TLS traces are missing");
    const dir = mkdtempSync(join(tmpdir(), "bronze-validate-btest-"));
    try {
      const mine = await replay(zeek, b, dir);
      assert.equal(canonical(mine), canonical(zeek.read(`testing/btest/Baseline/${b.name}/${b.log}`)));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
