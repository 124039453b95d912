/** The public API as the README shows it: engine, built-in scripts, a trace, a handler. */

import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import * as bronze from "../src/index.js";
import { sampleTrace } from "./cli/traces.js";

test("the README's library example runs: handlers see connections, logs stay in memory", async () => {
  const dir = mkdtempSync(join(tmpdir(), "bronze-api-"));
  try {
    const trace = join(dir, "t.pcap");
    writeFileSync(trace, sampleTrace());
    const engine = new bronze.Engine({ ignoreChecksums: true, settings: ["tcp_inactivity_timeout=10min"] });
    const scripts = bronze.loadBuiltinScripts(engine, { memory: true, json: true });
    const established: string[] = [];
    engine.on("connection_established", (c) => established.push(`${c.id.orig_h}->${c.id.resp_h}:${c.id.resp_p}`));
    const summary = await engine.run(bronze.readTrace(trace));
    assert.equal(summary.truncated, null);
    assert.deepEqual(established, ["10.0.0.7->93.184.216.34:80"]);
    const rows = scripts.logs
      .text("conn")
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as { conn_state: string });
    assert.equal(rows.length, 7);
    assert.equal(rows.filter((r) => r.conn_state === "REJ").length, 5);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a capture filter from compileFilter restricts what the engine sees", async () => {
  const dir = mkdtempSync(join(tmpdir(), "bronze-api-"));
  try {
    const trace = join(dir, "t.pcap");
    writeFileSync(trace, sampleTrace());
    const engine = new bronze.Engine({ filter: bronze.compileFilter("udp") });
    const scripts = bronze.loadBuiltinScripts(engine, { memory: true });
    await engine.run(await bronze.openTrace(trace));
    const rows = scripts.logs
      .text("conn")
      .split("\n")
      .filter((l) => l && !l.startsWith("#"));
    assert.equal(rows.length, 1);
    assert.match(rows[0]!, /\tudp\t/);
    assert.throws(() => bronze.compileFilter("tcp port port"), bronze.FilterSyntaxError);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
