/**
 * Engine.lookupConnection and Engine.connectionExists (Zeek's
 * lookup_connection and connection_exists): found through the connection
 * table's hash in either direction, with the VLAN ids of the id's ctx when
 * policy/frameworks/conn_key/vlan_fivetuple keys connections by VLAN; gone
 * after removal; and for an id that is no connection, Zeek's builtin error
 * and placeholder record.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Engine, type EngineOptions } from "../../src/engine.js";
import type { Connection, ConnId } from "../../src/event/records.js";
import { loadBuiltinScripts } from "../../src/scripts/index.js";
import { frame, icmp4, memorySource, type TestPacket, udp4, udp6 } from "../helpers/packets.js";

const A = "10.0.0.1";
const B = "192.0.2.10";

function udp(t: number, src: string, dst: string, sport: number, dport: number, vlans: number[] = []): TestPacket {
  const ip = { src, dst };
  return { ts: t, bytes: frame(src.includes(":") ? udp6(ip, { sport, dport, payload: "x" }) : udp4(ip, { sport, dport, payload: "x" }), { vlans }) };
}

/** The id with its endpoints swapped (the responder's side first). */
function reversed(id: ConnId): ConnId {
  return { ...id, orig_h: id.resp_h, orig_p: id.resp_p, resp_h: id.orig_h, resp_p: id.orig_p };
}

interface Seen {
  engine: Engine;
  conns: Connection[];
  errors: string[];
}

/** Runs `packets`; `probe` runs in every new_connection handler. */
async function run(packets: TestPacket[], options: EngineOptions = {}, probe?: (engine: Engine, c: Connection) => void): Promise<Seen> {
  const engine = new Engine(options);
  const seen: Seen = { engine, conns: [], errors: [] };
  engine.builtinErrors = (m) => seen.errors.push(m);
  // A failed assert in a handler is caught by the event bus: kept, and thrown once the run is over.
  const thrown: unknown[] = [];
  engine.on("new_connection", (c) => {
    seen.conns.push(c);
    try {
      probe?.(engine, c);
    } catch (e) {
      thrown.push(e);
    }
  });
  await engine.run(memorySource(packets));
  if (thrown.length > 0) throw thrown[0];
  return seen;
}

test("a live connection is found by its id, a copy, and the id reversed; not for another port or protocol", async () => {
  const checks: string[] = [];
  await run([udp(1, A, B, 40000, 53), udp(2, "2001:db8::1", "2001:db8::2", 5000, 6000)], {}, (engine, c) => {
    const copy: ConnId = { ...c.id };
    for (const [what, id] of [
      ["id", c.id],
      ["copy", copy],
      ["reversed", reversed(c.id)],
    ] as const) {
      assert.equal(engine.connectionExists(id), true, `${what} of ${c.id.orig_h}`);
      assert.equal(engine.lookupConnection(id), c, `${what} of ${c.id.orig_h}`);
    }
    assert.equal(engine.connectionExists({ ...c.id, resp_p: c.id.resp_p + 1 }), false);
    assert.equal(engine.connectionExists({ ...c.id, orig_p: c.id.resp_p }), false);
    assert.equal(engine.connectionExists({ ...c.id, proto: 6, transport: "tcp" }), false);
    // Zeek keys by the proto field: the port's transport is not part of the key.
    assert.equal(engine.connectionExists({ ...c.id, transport: "tcp" }), true);
    assert.equal(engine.connectionExists({ ...c.id, resp_h: c.id.orig_h }), false);
    checks.push(c.id.orig_h);
  });
  assert.deepEqual(checks, [A, "2001:db8::1"]);
});

test("ICMP: an echo's id is found either way; a one-way message's only as it came", async () => {
  const found: boolean[] = [];
  await run(
    [
      { ts: 1, bytes: frame(icmp4({ src: A, dst: B }, { type: 8 })) },
      { ts: 2, bytes: frame(icmp4({ src: A, dst: B }, { type: 3, code: 1 })) },
    ],
    {},
    (engine, c) => {
      found.push(engine.connectionExists(c.id), engine.connectionExists(reversed(c.id)), engine.lookupConnection(c.id).uid === c.uid);
    },
  );
  // Echo request (8 ↔ 0) both ways; destination unreachable (3, code 1) only as it came.
  assert.deepEqual(found, [true, true, true, true, false, true]);
});

test("a removed connection is not found: in its connection_state_remove handlers, and after", async () => {
  const engine = new Engine();
  let id: ConnId | null = null;
  const atRemove: boolean[] = [];
  engine.on("new_connection", (c) => {
    id = c.id;
  });
  engine.on("connection_state_remove", (c) => atRemove.push(engine.connectionExists(c.id)));
  const errors: string[] = [];
  engine.builtinErrors = (m) => errors.push(m);
  await engine.run(memorySource([udp(1, A, B, 40000, 53)]));
  assert.deepEqual(atRemove, [false]);
  assert.ok(id !== null);
  assert.equal(engine.connectionExists(id), false);
  assert.deepEqual(errors, []);
  const dummy = engine.lookupConnection(id);
  assert.equal(dummy.uid, "");
  assert.equal(errors.length, 1);
});

test("not found: Zeek's builtin error naming the id, and its placeholder record", async () => {
  const seen = await run([udp(1, A, B, 40000, 53)], {}, (engine, c) => {
    const dummy = engine.lookupConnection({ ...c.id, resp_p: 54 });
    assert.deepEqual(dummy.id, { orig_h: "0.0.0.0", orig_p: 0, resp_h: "0.0.0.0", resp_p: 0, transport: "udp", proto: 65535 });
    assert.equal(dummy.history, "");
    assert.equal(dummy.uid, "");
    assert.equal(dummy.start_time, 1);
    assert.equal(dummy.service.size, 0);
    assert.equal(dummy.orig.num_pkts, 0);
    // The engine's functions take it for no connection.
    assert.equal(engine.setConnThreshold(dummy, "bytes", 10), false);
    assert.equal(engine.connectionExists({ ...c.id, resp_p: 54 }), false);
    engine.lookupConnection({ ...c.id, orig_h: "not an address" });
    engine.connectionExists({ ...c.id, proto: 65535 });
  });
  assert.deepEqual(seen.errors, [
    "connection ID not a known connection ([orig_h=10.0.0.1, orig_p=40000/udp, resp_h=192.0.2.10, resp_p=54/udp, proto=17, ctx=[]])",
    "invalid connection ID record encountered",
    "connection ID not a known connection ([orig_h=not an address, orig_p=40000/udp, resp_h=192.0.2.10, resp_p=53/udp, proto=17, ctx=[]])",
    'invalid connection ID record encountered: the proto field has the "unknown" 65535 value. Did you forget to set it?',
  ]);
});

test("the error goes to reporter.log and reporter_error once the built-in scripts are loaded", async () => {
  const engine = new Engine();
  const scripts = loadBuiltinScripts(engine, { memory: true, stderr: null });
  const events: string[] = [];
  engine.on("reporter_error", (_t, msg) => events.push(msg));
  engine.on("new_connection", (c) => {
    engine.lookupConnection({ ...c.id, proto: 6, transport: "tcp" });
  });
  await engine.run(memorySource([udp(1, A, B, 40000, 53)]));
  assert.equal(scripts.reporter.counts.ERROR, 1);
  assert.deepEqual(events, ["connection ID not a known connection ([orig_h=10.0.0.1, orig_p=40000/tcp, resp_h=192.0.2.10, resp_p=53/tcp, proto=6, ctx=[]])"]);
});

const SAME_FLOW_THREE_VLANS = [udp(1, A, B, 40000, 53), udp(2, A, B, 40000, 53, [42]), udp(3, B, A, 53, 40000, [10, 20])];

test("VLAN-keyed (vlan_fivetuple): each flow by its ctx, both ways; other VLANs, or none, are other keys", async () => {
  const seen = await run(SAME_FLOW_THREE_VLANS, { loads: ["policy/frameworks/conn_key/vlan_fivetuple"] }, (engine, c) => {
    assert.equal(engine.lookupConnection(c.id), c);
    assert.equal(engine.lookupConnection(reversed(c.id)), c);
    assert.equal(engine.connectionExists({ ...c.id, ctx: { vlan: 1000, inner_vlan: 2000 } }), false);
    assert.equal(engine.connectionExists({ ...c.id, ctx: { vlan: 99999 } }), false);
  });
  assert.equal(seen.conns.length, 3);
  const [untagged, v42, qinq] = seen.conns as [Connection, Connection, Connection];
  const e = seen.engine;
  // Three connections, told apart by their ctx only; gone once the run is over.
  assert.deepEqual([untagged.id.ctx, v42.id.ctx, qinq.id.ctx], [{}, { vlan: 42 }, { vlan: 10, inner_vlan: 20 }]);
  assert.equal(e.connectionExists(untagged.id), false);
  assert.deepEqual(seen.errors, []);
});

test("VLAN-keyed: an id without ctx, or with only the outer VLAN, names the untagged or single-tagged flow", async () => {
  const uids: string[] = [];
  await run(SAME_FLOW_THREE_VLANS, { loads: ["policy/frameworks/conn_key/vlan_fivetuple"] }, (engine, c) => {
    if (c.id.ctx?.inner_vlan === undefined) return;
    // At the third connection all three are live.
    const { ctx: _ctx, ...bare } = c.id;
    uids.push(
      engine.lookupConnection(bare).uid,
      engine.lookupConnection({ ...bare, ctx: { vlan: 42 } }).uid,
      engine.lookupConnection({ ...bare, ctx: { vlan: 10 } }).uid,
      c.uid,
    );
  });
  assert.equal(uids.length, 4);
  assert.equal(new Set(uids.slice(0, 2).concat(uids[3]!)).size, 3);
  // VLAN 10 without its inner 20 is no connection: the placeholder.
  assert.equal(uids[2], "");
});

test("without the VLAN script the ctx is not part of the key: one connection, found whatever the ctx says", async () => {
  const seen = await run(SAME_FLOW_THREE_VLANS, {}, (engine, c) => {
    assert.equal(engine.lookupConnection({ ...c.id, ctx: { vlan: 1000, inner_vlan: 2000 } }), c);
  });
  assert.equal(seen.conns.length, 1);
  assert.deepEqual(seen.errors, []);
});

test("ConnKey::factory set without the script's ctx fields: Zeek's error, nothing found", async () => {
  const seen = await run(SAME_FLOW_THREE_VLANS, { settings: ["ConnKey::factory=ConnKey::CONNKEY_VLAN_FIVETUPLE"] }, (engine, c) => {
    assert.equal(engine.connectionExists(c.id), false);
  });
  assert.equal(seen.conns.length, 3);
  assert.deepEqual(seen.errors, [
    "missing vlan or inner_vlan field in context",
    "missing vlan or inner_vlan field in context",
    "missing vlan or inner_vlan field in context",
  ]);
});
