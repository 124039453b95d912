/**
 * Zeek's btests core/tunnels/max-depth and max-depth-exceeded: a DNS query
 * inside three nested VXLAN tunnels, followed with Zeek's Tunnel::max_depth
 * (4), stopped at the third with Tunnel::max_depth = 2 (a weird from VXLAN
 * and the X history letter on the tunnel's connection, nothing inside it
 * analysed). Each run is an engine with the btest's scripts (`zeek -b`);
 * its logs, cut as the btest cuts them, must be the baselines read from
 * Zeek's source. Without it, or without the corpus trace, the tests skip,
 * saying so.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { Engine } from "../../src/engine.js";
import { loadBuiltinScripts } from "../../src/index.js";
import { openTrace } from "../../src/source/open.js";
import { corpusRoot } from "../helpers/corpus.js";
import { ZEEK_SEED } from "../session/harness.js";
import { btestOraclesMissing, zeekSource } from "../signatures/btest-harness.js";
import { canonicalBtestLog, zeekCut } from "./btest-applogs-harness.js";

const zeek = zeekSource();
const TRACE = "tunnels/vxlan-triple-v2.pcap";
const CONN_CUT = ["uid", "id.orig_h", "id.resp_p", "id.resp_h", "id.resp_p", "proto", "history", "service", "tunnel_parents"];
const DNS_CUT = ["uid", "id.orig_h", "id.resp_p", "id.resp_h", "id.resp_p", "query"];

/** The btest's run: its @loads, with `settings` (its redefs); the logs by stream name. */
async function depthRun(loads: string[], settings: string[]): Promise<(stream: string) => string> {
  const engine = new Engine({ seed: ZEEK_SEED, bare: true, loads, settings });
  const scripts = loadBuiltinScripts(engine, { memory: true, bare: true, loads });
  await engine.run(await openTrace(join(corpusRoot(), "zeek", "traces", TRACE)));
  scripts.close();
  return (stream) => scripts.logs.text(stream);
}

/** A baseline as btest compares it (its header line and times masked). */
function want(name: string, file: string): string {
  return canonicalBtestLog(zeek!.read(`testing/btest/Baseline/core.tunnels.${name}/${file}`));
}

test("Zeek's btest core/tunnels/max-depth: three nested VXLAN tunnels are followed to the DNS query inside", async (t) => {
  if (btestOraclesMissing(t, zeek, "its tunnel depth btests", [TRACE])) return;
  const logs = await depthRun(["base/frameworks/tunnels", "base/protocols/conn", "base/protocols/dns"], []);
  assert.equal(canonicalBtestLog(zeekCut(logs("conn"), CONN_CUT, true)), want("max-depth", "conn.log.cut"));
  assert.equal(canonicalBtestLog(logs("tunnel")), want("max-depth", "tunnel.log"));
  assert.equal(canonicalBtestLog(zeekCut(logs("dns"), DNS_CUT, true)), want("max-depth", "dns.log.cut"));
});

test("Zeek's btest core/tunnels/max-depth-exceeded: with Tunnel::max_depth=2 the third VXLAN is a weird and an X, nothing inside", async (t) => {
  if (btestOraclesMissing(t, zeek, "its tunnel depth btests", [TRACE])) return;
  const loads = ["base/frameworks/notice/weird", "base/frameworks/tunnels", "base/protocols/conn", "base/protocols/dns"];
  const logs = await depthRun(loads, ["Tunnel::max_depth=2"]);
  assert.equal(canonicalBtestLog(zeekCut(logs("conn"), CONN_CUT, true)), want("max-depth-exceeded", "conn.log.cut"));
  assert.equal(canonicalBtestLog(logs("tunnel")), want("max-depth-exceeded", "tunnel.log"));
  assert.equal(canonicalBtestLog(logs("weird")), want("max-depth-exceeded", "weird.log"));
  assert.equal(logs("dns"), "");
});
