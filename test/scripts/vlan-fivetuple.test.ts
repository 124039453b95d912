/**
 * policy/frameworks/conn_key/vlan_fivetuple (Zeek's CONNKEY_VLAN_FIVETUPLE
 * and conn_id_ctx's vlan/inner_vlan): flows that differ only in their VLAN
 * tags are one connection without it and one each with it; every log with
 * an `id` gets id.ctx.vlan and id.ctx.inner_vlan after id.resp_p, unset for
 * an untagged flow; `ConnKey::factory` alone keys by VLAN without columns.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { catConnId } from "../../src/analyzer/app/file/file.js";
import { Engine } from "../../src/engine.js";
import type { ConnIdCtx } from "../../src/event/records.js";
import { withConnIdContext } from "../../src/log/id-context.js";
import { CONN_ID_COLUMNS, fields } from "../../src/log/schema.js";
import type { LogWriter } from "../../src/log/writer.js";
import { applySetting, defaultSettings } from "../../src/options.js";
import { loadBuiltinScripts } from "../../src/scripts/index.js";
import { ConnIdContexts } from "../../src/session/id-contexts.js";
import { NO_VLANS } from "../../src/session/vlan-key.js";
import { frame, icmp4, ipv4, memorySource, type TestPacket, udp4 } from "../helpers/packets.js";
import { logRecords, parseLogText } from "../helpers/tsv.js";
import { ZEEK_SEED } from "../session/harness.js";
import { connection } from "./connections.js";

const SCRIPT = "policy/frameworks/conn_key/vlan_fivetuple";
const CLIENT = "10.0.0.1";
const SERVER = "10.0.0.53";

/** A DNS query for "a.b" (id 0x1234) from CLIENT:5353 to SERVER:53, with `vlans` (outermost first). */
function dnsQuery(t: number, vlans: number[]): TestPacket {
  const q = [0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0x61, 1, 0x62, 0, 0, 1, 0, 1];
  return { ts: t, bytes: frame(udp4({ src: CLIENT, dst: SERVER }, { sport: 5353, dport: 53, payload: q }), { vlans }) };
}

/** Its answer (no records), back from SERVER on `vlans`. */
function dnsReply(t: number, vlans: number[]): TestPacket {
  const r = [0x12, 0x34, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0x61, 1, 0x62, 0, 0, 1, 0, 1];
  return { ts: t, bytes: frame(udp4({ src: SERVER, dst: CLIENT }, { sport: 53, dport: 5353, payload: r }), { vlans }) };
}

interface Run {
  conn: string;
  dns: string;
  /** Each removed connection's uid with the ctx its record had. */
  ctx: Map<string, ConnIdCtx | undefined>;
}

async function run(packets: TestPacket[], args: string[] = []): Promise<Run> {
  const loads = args.filter((a) => !a.includes("="));
  const settings = args.filter((a) => a.includes("="));
  const engine = new Engine({ seed: ZEEK_SEED, loads, settings });
  const scripts = loadBuiltinScripts(engine, { memory: true, loads, stderr: null });
  const ctx = new Map<string, ConnIdCtx | undefined>();
  engine.on("connection_state_remove", (c) => void ctx.set(c.uid, c.id.ctx));
  await engine.run(memorySource(packets));
  return { conn: scripts.logs.text("conn"), dns: scripts.logs.text("dns"), ctx };
}

const fieldsOf = (text: string): string[] => parseLogText(text).fields;
/** Each row's id columns and ctx columns (absent columns read as undefined). */
const ids = (text: string): string[] => logRecords(text).map((r) => [r["id.orig_p"], r["id.resp_p"], r["id.ctx.vlan"], r["id.ctx.inner_vlan"]].join(" "));

const SAME_BUT_VLAN = [dnsQuery(1, []), dnsQuery(2, [10]), dnsReply(3, []), dnsReply(4, [10])];

test("two flows that differ only in their VLAN: one connection without the script, two with it", async () => {
  const plain = await run(SAME_BUT_VLAN);
  assert.equal(logRecords(plain.conn).length, 1);
  assert.equal(logRecords(plain.conn)[0]!.orig_pkts, "2");
  const keyed = await run(SAME_BUT_VLAN, [SCRIPT]);
  const rows = logRecords(keyed.conn);
  assert.equal(rows.length, 2);
  // Each answer found its own query's connection: one packet each way per VLAN.
  assert.deepEqual(
    rows.map((r) => `${r.orig_pkts}/${r.resp_pkts}`),
    ["1/1", "1/1"],
  );
});

test("the ctx columns follow id.resp_p in conn.log and dns.log only with the script; unset when untagged", async () => {
  const plain = await run(SAME_BUT_VLAN);
  for (const log of [plain.conn, plain.dns]) assert.ok(!fieldsOf(log).some((f) => f.startsWith("id.ctx.")));
  const keyed = await run(SAME_BUT_VLAN, ["frameworks/conn_key/vlan_fivetuple"]);
  for (const log of [keyed.conn, keyed.dns]) {
    const names = fieldsOf(log);
    const at = names.indexOf("id.resp_p");
    assert.deepEqual(names.slice(at + 1, at + 3), ["id.ctx.vlan", "id.ctx.inner_vlan"]);
    assert.match(log, /#types\ttime\tstring\taddr\tport\taddr\tport\tint\tint\t/);
    assert.deepEqual(ids(log).sort(), ["5353 53 - -", "5353 53 10 -"]);
  }
});

test("ConnKey::factory=ConnKey::CONNKEY_VLAN_FIVETUPLE alone: keyed by VLAN, no ctx columns, no ctx in the record", async () => {
  const r = await run(SAME_BUT_VLAN, ["ConnKey::factory=ConnKey::CONNKEY_VLAN_FIVETUPLE"]);
  assert.equal(logRecords(r.conn).length, 2);
  assert.ok(!fieldsOf(r.conn).some((f) => f.startsWith("id.ctx.")));
  assert.deepEqual([...r.ctx.values()], [undefined, undefined]);
});

test("the command line's ConnKey::factory comes after the script's redef: back to five-tuples, the columns stay (unset)", async () => {
  const r = await run(SAME_BUT_VLAN, [SCRIPT, "ConnKey::factory=ConnKey::CONNKEY_FIVETUPLE"]);
  assert.deepEqual(ids(r.conn), ["5353 53 - -"]);
});

test("Q-in-Q: both tags are the key and both columns are set; the record's id has them as ctx", async () => {
  const packets = [dnsQuery(1, [100, 200]), dnsQuery(2, [100, 201]), dnsQuery(3, [100]), dnsQuery(4, [100, 200])];
  const r = await run(packets, [SCRIPT]);
  assert.deepEqual(ids(r.conn).sort(), ["5353 53 100 -", "5353 53 100 200", "5353 53 100 201"]);
  const byCtx = [...r.ctx.values()].map((c) => `${c?.vlan}/${c?.inner_vlan}`).sort();
  assert.deepEqual(byCtx, ["100/200", "100/201", "100/undefined"]);
  const twice = logRecords(r.conn).find((row) => row["id.ctx.inner_vlan"] === "200")!;
  assert.equal(twice.orig_pkts, "2");
});

test("with the script every record's id has a ctx, its fields unset when untagged; Zeek's cat() of it names them (file handles)", async () => {
  const r = await run([dnsQuery(1, []), dnsQuery(2, [42])], [SCRIPT]);
  assert.deepEqual([...r.ctx.values()].map((c) => JSON.stringify(c)).sort(), ['{"vlan":42}', "{}"]);
  const id = { orig_h: "10.0.0.1", orig_p: 1, resp_h: "10.0.0.2", resp_p: 2, transport: "tcp", proto: 6 } as const;
  const cat = (ctx?: ConnIdCtx) => catConnId(connection({ id: { ...id, ...(ctx === undefined ? {} : { ctx }) } }));
  // As the conn_id_ctx_usage btest prints them: [vlan=42, inner_vlan=<uninitialized>].
  assert.match(cat({ vlan: 42 }), /, proto=6, ctx=\[vlan=42, inner_vlan=<uninitialized>\]\]$/);
  assert.match(cat({}), /ctx=\[vlan=<uninitialized>, inner_vlan=<uninitialized>\]\]$/);
  assert.match(cat(), /ctx=\[\]\]$/);
});

test("VLAN 0 is a tag (Zeek 8.2+): its own connection, logged as 0", async () => {
  const r = await run([dnsQuery(1, []), dnsQuery(2, [0])], [SCRIPT]);
  assert.deepEqual(ids(r.conn).sort(), ["5353 53 - -", "5353 53 0 -"]);
});

test("ICMP: an echo and its reply are one connection per VLAN", async () => {
  const echo = (t: number, type: number, vlans: number[], src: string, dst: string): TestPacket => ({
    ts: t,
    bytes: frame(icmp4({ src, dst }, { type, id: 7, seq: 1 }), { vlans }),
  });
  const packets = [echo(1, 8, [5], CLIENT, SERVER), echo(2, 8, [6], CLIENT, SERVER), echo(3, 0, [5], SERVER, CLIENT)];
  const r = await run(packets, [SCRIPT]);
  const rows = logRecords(r.conn).map((row) => `${row["id.ctx.vlan"]} ${row.orig_pkts}/${row.resp_pkts}`);
  assert.deepEqual(rows.sort(), ["5 1/1", "6 1/0"]);
  assert.equal(logRecords((await run(packets)).conn).length, 1);
});

test("a connection removed from the VLAN-keyed table is gone: its flow's next packet starts another", async () => {
  // Port 7777: no analyzer; udp_inactivity_timeout (60 s) removes both flows before the last packet.
  const datagram = (t: number, vlans: number[]): TestPacket => ({
    ts: t,
    bytes: frame(udp4({ src: CLIENT, dst: SERVER }, { sport: 4000, dport: 7777, payload: "x" }), { vlans }),
  });
  const r = await run([datagram(1, [10]), datagram(2, [20]), datagram(200, [10])], [SCRIPT]);
  assert.deepEqual(
    logRecords(r.conn).map((row) => `${row.ts} ${row["id.ctx.vlan"]}`),
    ["1.000000 10", "2.000000 20", "200.000000 10"],
  );
});

test("a tunnel's inner packet counts only its own tags: IP-in-IP on VLAN 10 carries an untagged flow", async () => {
  const inner = udp4({ src: "192.168.1.1", dst: "192.168.1.2" }, { sport: 4000, dport: 7777, payload: "x" });
  const outer = (t: number, vlans: number[]): TestPacket => ({ ts: t, bytes: frame(ipv4({ src: CLIENT, dst: SERVER, proto: 4 }, inner), { vlans }) });
  const r = await run([outer(1, [10]), outer(2, [10, 20])], [SCRIPT]);
  assert.deepEqual(
    logRecords(r.conn).map((row) => `${row["id.orig_h"]} ${row["id.ctx.vlan"]} ${row["id.ctx.inner_vlan"]} ${row.orig_pkts}`),
    ["192.168.1.1 - - 2"],
  );
});

test("a log whose id is not its uid's connection (tunnel.log) gets the columns, unset", () => {
  const written: unknown[] = [];
  const stream = (schema: { path: string }): LogWriter => ({ schema: { path: schema.path, fields: [] }, write: (r) => void written.push(r), close: () => {} });
  const context = { fields: fields(["vlan", "int"], ["inner_vlan", "int"]), values: () => [42, 7] };
  const schema = { path: "t", fields: fields(...CONN_ID_COLUMNS, ["x", "count"]) };
  const own = withConnIdContext(schema, context);
  assert.deepEqual(
    own.schema.fields.map((f) => f.name),
    ["ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "id.ctx.vlan", "id.ctx.inner_vlan", "x"],
  );
  own.wrap(stream(schema)).write([1, "C1", "10.0.0.1", 1, "10.0.0.2", 2, 3]);
  own.wrap(stream(schema)).write({ uid: "C1", x: 3 });
  const tunnel = withConnIdContext({ ...schema, idWithoutContext: true }, context);
  tunnel.wrap(stream(schema)).write([1, "C1", "10.0.0.1", 1, "10.0.0.2", 2, 3]);
  assert.deepEqual(written, [
    [1, "C1", "10.0.0.1", 1, "10.0.0.2", 2, 42, 7, 3],
    { uid: "C1", x: 3, "id.ctx.vlan": 42, "id.ctx.inner_vlan": 7 },
    [1, "C1", "10.0.0.1", 1, "10.0.0.2", 2, undefined, undefined, 3],
  ]);
  const noId = withConnIdContext({ path: "n", fields: fields(["ts", "time"], ["uid", "string"]) }, context);
  assert.equal(noId.schema.fields.length, 2);
});

test("a removed connection's ids stay findable by uid for an hour of network time, then go", () => {
  const contexts = new ConnIdContexts();
  contexts.remember("Ca", 5);
  contexts.remember("Cb", NO_VLANS);
  assert.equal(contexts.keyOf("Ca"), 5);
  assert.equal(contexts.keyOf("Cb"), NO_VLANS);
  contexts.retire("Ca", 100);
  contexts.remember("Cc", 6);
  contexts.retire("Cc", 3000);
  assert.equal(contexts.keyOf("Ca"), 5, "within the hour");
  contexts.remember("Cd", 7);
  contexts.retire("Cd", 100 + 3600);
  assert.equal(contexts.keyOf("Ca"), 5, "one generation on: still there");
  contexts.remember("Ce", 8);
  contexts.retire("Ce", 100 + 7200);
  assert.equal(contexts.keyOf("Ca"), NO_VLANS, "two generations on: gone");
  assert.equal(contexts.keyOf("Cd"), 7);
});

test("connections left at the end are drained in Zeek's key order: its VLAN ids as little-endian bytes, untagged after 0", async () => {
  // Zeek's key holds each id as a host-order uint32 (0xFF000000 when absent) and sorts the keys with memcmp:
  // 0 is 00 00 00 00, absent 00 00 00 ff, 256 00 01 00 00, 1 01 00 00 00.
  // A port no analyzer takes: no analyzer's shutdown timer removes them first (as DNS's would, in timer order).
  const datagram = (t: number, vlans: number[]): TestPacket => ({
    ts: t,
    bytes: frame(udp4({ src: CLIENT, dst: SERVER }, { sport: 4000, dport: 7777, payload: "x" }), { vlans }),
  });
  const r = await run([datagram(1, [1]), datagram(2, []), datagram(3, [256]), datagram(4, [0])], [SCRIPT]);
  assert.deepEqual(
    logRecords(r.conn).map((row) => row["id.ctx.vlan"]),
    ["0", "-", "256", "1"],
  );
});

test("ConnKey::factory takes Zeek's two names and refuses others", () => {
  const s = defaultSettings();
  assert.equal(s["ConnKey::factory"], "CONNKEY_FIVETUPLE");
  applySetting(s, "redef ConnKey::factory = ConnKey::CONNKEY_VLAN_FIVETUPLE");
  assert.equal(s["ConnKey::factory"], "CONNKEY_VLAN_FIVETUPLE");
  assert.throws(() => applySetting(s, "ConnKey::factory=ConnKey::CONNKEY_MAGIC"), /not one of/);
});
