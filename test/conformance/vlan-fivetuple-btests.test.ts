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
 *
 * vlan_fivetuple_conn_id_ctx_usage (both parts: without and with the
 * script) is replayed with test/helpers/btest-replay: its
 * count-http-request-methods.zeek has a TypeScript twin whose table is
 * printed in Zeek's order of its [addr, conn_id_ctx, string] keys.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import type { ConnIdCtx } from "../../src/event/records.js";
import { indexKey } from "../../src/zeek-table/key-bytes.js";
import { zeekSetOrder } from "../../src/zeek-table/table.js";
import { bronze } from "../cli/run-cli.js";
import { readBtest, replayBtest, type Twin } from "../helpers/btest-replay.js";
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

const CONN_KEY_BTESTS = { zeek: zeekSource(), dir: "testing/btest/scripts/policy/frameworks/conn_key", what: "its conn_key btests", firstPartAlone: true };

/** `[vlan=42, inner_vlan=<uninitialized>]` (and `[]` without vlan_fivetuple's fields), as Zeek prints a conn_id_ctx. */
function printedCtx(ctx: ConnIdCtx | undefined): string {
  if (ctx === undefined) return "[]";
  const field = (v: number | undefined): string => (v === undefined ? "<uninitialized>" : String(v));
  return `[vlan=${field(ctx.vlan)}, inner_vlan=${field(ctx.inner_vlan)}]`;
}

/**
 * count-http-request-methods.zeek: a table[addr, conn_id_ctx, string] of
 * counts, one per request's originator, context and method, printed at
 * zeek_done in the table's order (its keys as Zeek hashes them: indexKey).
 */
const countRequestMethods: Twin = (engine, print) => {
  const counts = new Map<string, { line: string; n: number }>();
  engine.on("http_request", (c, method) => {
    const ctx = c.id.ctx;
    const fields = ctx === undefined ? [] : [ctx.vlan, ctx.inner_vlan].map((value) => ({ kind: "count" as const, value }));
    const key = indexKey("", [
      { kind: "addr", value: c.id.orig_h },
      { kind: "record", fields },
      { kind: "string", value: method },
    ]);
    // The key's bytes as a latin1 string: TableHasher.string hashes exactly those bytes.
    const k = Buffer.from(key.bytes).toString("latin1");
    const entry = counts.get(k) ?? { line: `${c.id.orig_h}, ${printedCtx(ctx)}, ${method}`, n: 0 };
    entry.n++;
    counts.set(k, entry);
  });
  engine.on("zeek_done", () => {
    for (const k of zeekSetOrder(engine.tableHash.string, [...counts.keys()])) print(`${counts.get(k)!.line}, ${counts.get(k)!.n}`);
  });
};

for (const part of [0, 1]) {
  test(`Zeek's btest conn_key/vlan_fivetuple_conn_id_ctx_usage part ${part + 1}: HTTP requests counted by originator, conn_id_ctx and method`, async (t) => {
    const b = readBtest(t, CONN_KEY_BTESTS, "vlan_fivetuple_conn_id_ctx_usage", part);
    if (b !== null) await replayBtest(b, countRequestMethods);
  });
}
