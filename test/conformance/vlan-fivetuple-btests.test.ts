/**
 * Zeek's btests of policy/frameworks/conn_key/vlan_fivetuple, replayed
 * through bronze's command line on their traces (read from Zeek's source,
 * $BRONZE_ZEEK_SOURCE or ../zeek) and cut with zeek-cut -m as the tests cut
 * them: vlan_fivetuple.zeek's first three parts (no script: one connection;
 * the script: three, with their VLANs; ConnKey::factory alone: three
 * without the columns), vlan_fivetuple_lookup_connection's conn.log, and
 * the two VLAN-0 tests (a tag with id 0 is a VLAN, in the key and in
 * vlan-logging's columns). Parts 4-6 of vlan_fivetuple.zeek redefine
 * conn_id_ctx in Zeek's script language, which bronze does not run.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { bronze } from "../cli/run-cli.js";
import { corpusRoot, oracleMissing } from "../helpers/corpus.js";
import { type ZeekSource, zeekSource } from "../signatures/btest-harness.js";
import { canonicalBtestLog, zeekCut } from "./btest-applogs-harness.js";

const BASELINES = "testing/btest/Baseline";
const TRACES = "testing/btest/Traces";
// The columns as the btest's zeek-cut -m names them.
const FIVETUPLE_CUT = "ts uid id.orig_h id.orig_p id.resp_h id.resp_p id.ctx.vlan id.ctx.inner_vlan orig_pkts resp_pkts service".split(" ");
const VLAN_0_CUT = "id.ctx.vlan id.ctx.inner_vlan vlan inner_vlan".split(" ");

interface Case {
  /** The baseline's directory under Baseline/. */
  readonly baseline: string;
  readonly trace: string;
  readonly args: readonly string[];
  readonly cut: readonly string[];
}

const CASES: readonly Case[] = [
  { baseline: "scripts.policy.frameworks.conn_key.vlan_fivetuple", trace: "vlan-collisions.pcap", args: [], cut: FIVETUPLE_CUT },
  {
    baseline: "scripts.policy.frameworks.conn_key.vlan_fivetuple-2",
    trace: "vlan-collisions.pcap",
    args: ["frameworks/conn_key/vlan_fivetuple"],
    cut: FIVETUPLE_CUT,
  },
  {
    baseline: "scripts.policy.frameworks.conn_key.vlan_fivetuple-3",
    trace: "vlan-collisions.pcap",
    args: ["ConnKey::factory=ConnKey::CONNKEY_VLAN_FIVETUPLE"],
    cut: FIVETUPLE_CUT,
  },
  {
    baseline: "scripts.policy.frameworks.conn_key.vlan_fivetuple_lookup_connection",
    trace: "vlan-collisions.pcap",
    args: ["policy/frameworks/conn_key/vlan_fivetuple"],
    cut: FIVETUPLE_CUT,
  },
  {
    baseline: "scripts.base.protocols.vlan.vlan-0",
    trace: "http-vlan-0.pcap",
    args: ["-b", "frameworks/conn_key/vlan_fivetuple", "protocols/conn/vlan-logging"],
    cut: VLAN_0_CUT,
  },
  {
    baseline: "scripts.base.protocols.vlan.vlan-0-qinq",
    trace: "http-qinq-0.pcap",
    args: ["-b", "frameworks/conn_key/vlan_fivetuple", "protocols/conn/vlan-logging"],
    cut: VLAN_0_CUT,
  },
];

/** conn.log of bronze on `c`'s trace, cut as the btest cuts it; and Zeek's baseline. */
async function replay(zeek: ZeekSource, c: Case, dir: string): Promise<{ mine: string; theirs: string }> {
  const trace = join(dir, c.trace);
  writeFileSync(trace, Buffer.from(zeek.read(`${TRACES}/${c.trace}`), "latin1"));
  const logdir = mkdtempSync(join(dir, "logs-"));
  const seed = join(corpusRoot(), "zeek", "random.seed");
  const r = await bronze(["--seed-file", seed, "--logdir", logdir, "-r", trace, ...c.args]);
  assert.equal(r.code, 0, r.err);
  const conn = readFileSync(join(logdir, "conn.log"), "latin1");
  return { mine: canonicalBtestLog(zeekCut(conn, c.cut, true)), theirs: canonicalBtestLog(zeek.read(`${BASELINES}/${c.baseline}/conn.log.cut`)) };
}

for (const c of CASES) {
  test(`Zeek's btest ${c.baseline}: conn.log as the baseline (bronze ${c.args.join(" ") || "with no script"})`, async (t) => {
    const zeek = zeekSource();
    if (zeek === null) return oracleMissing(t, "Zeek's source (BRONZE_ZEEK_SOURCE or ../zeek) is missing: its conn_key btests cannot be read");
    const dir = mkdtempSync(join(tmpdir(), "bronze-vlan-btest-"));
    try {
      const { mine, theirs } = await replay(zeek, c, dir);
      assert.equal(mine, theirs);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
