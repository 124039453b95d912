/**
 * x509.log's container bounds (X509::LOG's max_field_container_elements 500,
 * max_total_container_elements 1500): a SAN list past them is cut, and
 * Zeek's logging manager reports each cut as a weird with no connection.
 * The corpus' tls-fragmented-handshake trace carries such a certificate.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { Engine } from "../../src/engine.js";
import { loadBuiltinScripts } from "../../src/index.js";
import { openTrace } from "../../src/source/open.js";
import { rows } from "../analyzer/app/tcp-conv.js";
import { corpusRoot, oracleMissing } from "../helpers/corpus.js";

test("a SAN list cut by X509::LOG's bounds gives log_container_field_truncated (X509::LOG), with no connection", async (t) => {
  const trace = join(corpusRoot(), "zeek/traces/tls/tls-fragmented-handshake.pcap.gz");
  if (!existsSync(trace)) return oracleMissing(t, `${trace} is missing: the corpus is not beside the repository`);
  const engine = new Engine({ settings: { ignore_checksums: true } });
  const scripts = loadBuiltinScripts(engine, { memory: true });
  await engine.run(await openTrace(trace));
  const x509 = rows(scripts.logs.text("x509"));
  const sanDns = x509.map((r) => (r[14] === "-" ? 0 : r[14]!.split(",").length));
  assert.ok(sanDns.includes(500), `a SAN DNS list cut at 500 (lengths ${sanDns.join(" ")})`);
  const w = rows(scripts.logs.text("weird")).filter((r) => r[6] === "log_container_field_truncated");
  assert.ok(w.length >= 1);
  assert.deepEqual(w[0]!.slice(1, 8), ["-", "-", "-", "-", "-", "log_container_field_truncated", "X509::LOG"]);
});
