/**
 * Zeek's btest of policy/protocols/ssl/validate-sct prints, when each
 * session is established, every SCT it saw (where: TLS extension, stapled
 * OCSP response, certificate) and whether it is valid, by its log's
 * description. Its ssl.log is compared in validate-certs-btests.test.ts;
 * here each SCT's place and verdict against the btest's .stdout, with the
 * logs its script adds (SSL::ct_logs_file) and the roots its run had.
 * Skipped with a message without Zeek's source or the corpus' traces.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { sctProofsOf } from "../../src/analyzer/app/ssl/validate-sct.js";
import { ctLogs } from "../../src/files/x509/ct-logs.js";
import { Engine, loadBuiltinScripts, openTrace } from "../../src/index.js";
import { corpusRoot, oracleMissing } from "../helpers/corpus.js";
import { EXTERNAL_CA_LIST, MOZILLA_CA_LIST, pemBundle, zeekRootCertificates } from "../helpers/zeek-root-certs.js";
import { zeekSource } from "../signatures/btest-harness.js";

const NAME = "scripts.policy.protocols.ssl.validate-sct";
const TRACES = ["tls/signed_certificate_timestamp.pcap", "tls/signed_certificate_timestamp-2.pcap"];
const SOURCES = { TLS: "SSL::SCT_TLS_EXT", X509: "SSL::SCT_X509_EXT", OCSP: "SSL::SCT_OCSP_EXT" } as const;

test("validate-sct: each SCT's source and verdict as the btest prints them", async (t) => {
  const zeek = zeekSource();
  if (zeek === null) return oracleMissing(t, "Zeek's source not found: set BRONZE_ZEEK_SOURCE");
  if (!TRACES.every((f) => existsSync(join(corpusRoot(), "zeek", "traces", f)))) return oracleMissing(t, "the corpus' SCT traces are missing");
  const stdout = zeek.read(`testing/btest/Baseline/${NAME}/.stdout`);
  const wantSources = [...stdout.matchAll(/source=(SSL::SCT_\w+_EXT)/g)].map((m) => m[1]);
  const wantVerdicts = stdout.split("\n").filter((l) => /^[^[#].*, [TF]$/.test(l));
  const dir = mkdtempSync(join(tmpdir(), "bronze-sct-"));
  try {
    const roots = join(dir, "roots.pem");
    writeFileSync(roots, pemBundle([MOZILLA_CA_LIST, EXTERNAL_CA_LIST].flatMap((f) => zeekRootCertificates(zeek.read(f)))));
    const logsFile = join(dir, "ct-logs.txt");
    writeFileSync(logsFile, zeek.read(`testing/btest/scripts/policy/protocols/ssl/validate-sct.zeek`), "latin1");
    const logs = ctLogs(logsFile);
    const sources: string[] = [];
    const verdicts: string[] = [];
    for (const trace of TRACES) {
      const engine = new Engine({ settings: [`SSL::root_certs_file=${roots}`, `SSL::ct_logs_file=${logsFile}`] });
      const scripts = loadBuiltinScripts(engine, { memory: true, bare: true, loads: ["protocols/ssl/validate-sct"] });
      // The btest's handler, at ssl_established's default priority: after the hooks of priority 20 and 19.
      engine.on("ssl_established", (c) => {
        for (const p of sctProofsOf(engine, c)) {
          sources.push(SOURCES[p.source]);
          verdicts.push(`${logs.get(p.logid)?.description ?? "Logid unknown"}, ${p.valid === true ? "T" : "F"}`);
        }
      });
      await engine.run(await openTrace(join(corpusRoot(), "zeek", "traces", trace)));
      scripts.close();
    }
    assert.deepEqual(sources, wantSources);
    assert.deepEqual(verdicts, wantVerdicts);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
