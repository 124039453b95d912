/**
 * Zeek's btests of lookup_connection() and connection_exists(), replayed as
 * TypeScript twins on their traces (read from Zeek's source,
 * $BRONZE_ZEEK_SOURCE or ../zeek): each `assert` of the Zeek script is a
 * check on what Engine.lookupConnection / connectionExists answered in the
 * same handler, and the errors they reported are held to the baseline's
 * .stderr. vlan_fivetuple_lookup_connection's conn.log is checked in
 * vlan-fivetuple-btests.test.ts.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type TestContext, test } from "node:test";
import { Engine, type EngineOptions } from "../../src/engine.js";
import type { Connection, ConnId } from "../../src/event/records.js";
import { readTrace } from "../../src/source/open.js";
import { oracleMissing } from "../helpers/corpus.js";
import { type ZeekSource, zeekSource } from "../signatures/btest-harness.js";

const TRACES = "testing/btest/Traces";
const BASELINES = "testing/btest/Baseline";

interface Replay {
  /** Each assert that failed, with the connection it was about. */
  readonly failures: string[];
  /** The builtin errors reported, in order. */
  readonly errors: string[];
  /** new_connection's records, in order. */
  readonly conns: Connection[];
}

/** Runs bronze on Zeek's trace `trace` with `options`, `handler` being the script's new_connection body. */
async function replay(
  zeek: ZeekSource,
  trace: string,
  options: EngineOptions,
  handler: (engine: Engine, c: Connection, fail: (what: string) => void) => void,
): Promise<Replay> {
  const dir = mkdtempSync(join(tmpdir(), "bronze-lookup-btest-"));
  try {
    const path = join(dir, "trace.pcap");
    writeFileSync(path, Buffer.from(zeek.read(`${TRACES}/${trace}`), "latin1"));
    const engine = new Engine(options);
    const result: Replay = { failures: [], errors: [], conns: [] };
    engine.builtinErrors = (m) => result.errors.push(m);
    engine.on("new_connection", (c) => {
      result.conns.push(c);
      handler(engine, c, (what) => result.failures.push(`${c.uid}: ${what}`));
    });
    await engine.run(readTrace(path));
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Zeek's `copy(c$id)`: a record of its own, ctx copied too. */
function copyId(id: ConnId): ConnId {
  return structuredClone({ ...id });
}

function sourceOr(t: TestContext): ZeekSource | null {
  const zeek = zeekSource();
  if (zeek === null) oracleMissing(t, "Zeek's source (BRONZE_ZEEK_SOURCE or ../zeek) is missing: its lookup_connection btests cannot be read");
  return zeek;
}

/** The baseline .stderr's messages: the timestamp, "error in FILE, line N: " and Zeek's quoting of the call expression taken off. */
function baselineErrors(zeek: ZeekSource, baseline: string, keep: (line: string) => boolean): string[] {
  return zeek
    .read(`${BASELINES}/${baseline}/.stderr`)
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("###") && keep(l))
    .map((l) =>
      l
        .replace(/^\S+ error in [^:]*: /, "")
        .replace(/ \([a-z_]+\([a-z_$]*\)\)$/, "")
        .replace(/\([a-z_]+\([a-z_$]*\) and /, "("),
    );
}

test("Zeek's btest vlan_fivetuple_lookup_connection: every new_connection's id (and copies) finds its uid; other VLANs do not exist", async (t) => {
  const zeek = sourceOr(t);
  if (zeek === null) return;
  const r = await replay(zeek, "vlan-collisions.pcap", { loads: ["policy/frameworks/conn_key/vlan_fivetuple"] }, (engine, c, fail) => {
    // The first handler.
    const c1 = engine.lookupConnection(c.id);
    const c2 = engine.lookupConnection(copyId(c.id));
    const c3Id: ConnId = {
      orig_h: c.id.orig_h,
      orig_p: c.id.orig_p,
      resp_h: c.id.resp_h,
      resp_p: c.id.resp_p,
      transport: c.id.transport,
      proto: c.id.proto,
      ctx: { ...c.id.ctx },
    };
    const c3 = engine.lookupConnection(c3Id);
    if (!(c.uid === c1.uid && c1.uid === c2.uid && c2.uid === c3.uid)) fail(`uids ${c1.uid} ${c2.uid} ${c3.uid}`);
    if (c1 !== c) fail("lookup_connection(c$id) is not c's record");
    // The second handler.
    if (!engine.connectionExists(c.id)) fail("connection_exists(c$id) is false");
    const nx = copyId(c.id);
    nx.ctx = { ...c.id.ctx, vlan: 1000, inner_vlan: 2000 };
    if (engine.connectionExists(nx)) fail("connection_exists(nx_id) is true");
  });
  assert.deepEqual(r.failures, []);
  // The same flow three times: untagged, VLAN 10 in 20, VLAN 42 (the baseline's conn.log rows).
  assert.deepEqual(
    r.conns.map((c) => c.id.ctx).sort((a, b) => (a?.vlan ?? -1) - (b?.vlan ?? -1)),
    [{}, { vlan: 10, inner_vlan: 20 }, { vlan: 42 }],
  );
  assert.equal(new Set(r.conns.map((c) => c.uid)).size, 3);
  // Its .stderr baseline holds no message.
  assert.deepEqual(
    r.errors,
    baselineErrors(zeek, "scripts.policy.frameworks.conn_key.vlan_fivetuple_lookup_connection", () => true),
  );
  assert.deepEqual(r.errors, []);
});

test("Zeek's btest bifs/lookup_connection: found by c$id, an unset proto is an error and a placeholder record, then found once set", async (t) => {
  const zeek = sourceOr(t);
  if (zeek === null) return;
  const r = await replay(zeek, "http/get.pcap", { bare: true }, (engine, c, fail) => {
    // The first handler.
    if (engine.lookupConnection(c.id).uid !== c.uid) fail("lookup_connection(c$id)$uid");
    // bronze's conn_id has no unset fields: Zeek's unset proto is its default, 65535.
    const cid: ConnId = { ...copyId(c.id), proto: 65535 };
    const c3 = engine.lookupConnection(cid);
    if (c3.history !== "" || c3.id.orig_h !== "0.0.0.0" || c3.id.orig_p !== 0 || c3.id.transport !== "udp") fail(`placeholder ${JSON.stringify(c3.id)}`);
    cid.proto = c.id.proto;
    if (engine.lookupConnection(cid).uid !== c.uid) fail("lookup_connection(cid)$uid with proto set");
    // The second handler.
    if (!engine.connectionExists(c.id)) fail("connection_exists(c$id)");
    const myId: ConnId = { ...copyId(c.id), proto: 65535 };
    if (engine.connectionExists(myId)) fail("connection_exists(my_id) without proto");
    myId.proto = c.id.proto;
    if (!engine.connectionExists(myId)) fail("connection_exists(my_id) with proto");
  });
  assert.deepEqual(r.failures, []);
  assert.equal(r.conns.length, 1);
  // The third handler passes a record with no field set at all, which bronze's ConnId cannot be (its lines 51 and 57).
  const expected = baselineErrors(zeek, "bifs.lookup_connection", (l) => !/line (51|57):/.test(l));
  assert.equal(expected.length, 3);
  assert.deepEqual(r.errors, expected);
});

for (const trace of ["icmp-destunreach-ip.pcap", "icmp-destunreach-no-context.pcap", "icmp-destunreach-udp.pcap"]) {
  test(`Zeek's btest bifs/icmp_connection_exists on ${trace}: every new ICMP connection exists`, async (t) => {
    const zeek = sourceOr(t);
    if (zeek === null) return;
    const r = await replay(zeek, `icmp/${trace}`, { bare: true }, (engine, c, fail) => {
      if (!engine.connectionExists(c.id)) fail(`${JSON.stringify(c.id)} does not exist`);
      if (engine.lookupConnection(c.id).uid !== c.uid) fail("lookup_connection(c$id)$uid");
    });
    assert.ok(r.conns.some((c) => c.id.transport === "icmp"));
    assert.deepEqual(r.failures, []);
    assert.deepEqual(r.errors, []);
  });
}
