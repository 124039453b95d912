/**
 * Zeek's btest scripts/base/files/mime/mime-content-hash, replayed: its three
 * runs (mime_content_hash alone, mime_content_hash_sha256 alone, both) of
 * `zeek -b -f 'tcp port 25' -r smtp.pcap base/protocols/conn
 * base/protocols/smtp`, each with a TypeScript twin of its handlers. The
 * printed lines must be the baselines. Zeek's source and the corpus trace
 * are the oracles: without them the test skips, saying so.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { Engine } from "../../../src/engine.js";
import { compileFilter } from "../../../src/filter/compile.js";
import { loadBuiltinScripts } from "../../../src/index.js";
import { openTrace } from "../../../src/source/open.js";
import { corpusRoot, oracleMissing } from "../../helpers/corpus.js";
import { ZEEK_SEED } from "../../session/harness.js";
import { baselineLines, zeekSource } from "../../signatures/btest-harness.js";

const TRACE = join(corpusRoot(), "zeek", "traces", "smtp.pcap");
const zeek = zeekSource();
const LOADS = ["base/protocols/conn", "base/protocols/smtp"];

type HashEvent = "mime_content_hash" | "mime_content_hash_sha256";

/** One run with handlers for `events` (in the script's order), printing as the btest's do. */
async function run(events: readonly HashEvent[]): Promise<string[]> {
  const engine = new Engine({ seed: ZEEK_SEED, bare: true, loads: LOADS, filter: compileFilter("tcp port 25"), cmdLineFilter: "tcp port 25" });
  const scripts = loadBuiltinScripts(engine, { memory: true, bare: true, loads: LOADS, stderr: null });
  const out: string[] = [];
  for (const name of events) {
    engine.on(name, (c, len, hash) => void out.push([name, c.uid, len, Buffer.from(hash, "latin1").toString("hex")].join(", ")));
  }
  await engine.run(await openTrace(TRACE));
  scripts.close();
  return out;
}

const RUNS: ReadonlyArray<readonly [baseline: string, events: readonly HashEvent[]]> = [
  ["mime-content-hash", ["mime_content_hash"]],
  ["mime-content-hash-2", ["mime_content_hash_sha256"]],
  ["mime-content-hash-3", ["mime_content_hash_sha256", "mime_content_hash"]],
];

for (const [name, events] of RUNS) {
  test(`Zeek's btest ${name}: ${events.join(" and ")} at each message's end (MD5 before SHA-256)`, async (t) => {
    if (zeek === null) return oracleMissing(t, "Zeek's source not found (set BRONZE_ZEEK_SOURCE): its MIME btest is not replayed");
    if (!existsSync(TRACE)) return oracleMissing(t, "the corpus trace smtp.pcap is not there");
    const want = baselineLines(zeek, `scripts.base.files.mime.${name}/out`).filter((l) => !l.startsWith("### BTest baseline"));
    assert.deepEqual(await run(events), want);
  });
}
