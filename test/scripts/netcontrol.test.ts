/**
 * bronze's NetControl framework on its own: which plugins get a rule,
 * expiry on network time, a plugin failing, removal of unknown rules,
 * catch-and-release's block intervals, and that a run not using the
 * framework registers nothing.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Engine } from "../../src/engine.js";
import { loadBuiltinScripts } from "../../src/index.js";
import type { LogManager } from "../../src/log/manager.js";
import { catchAndRelease } from "../../src/scripts/netcontrol/catch-and-release.js";
import { type NetControl, netControlFramework } from "../../src/scripts/netcontrol/framework.js";
import type { NetControlPlugin, PluginState, Rule } from "../../src/scripts/netcontrol/types.js";
import { memorySource, type TestPacket } from "../helpers/packets.js";
import { udpPacket } from "../session/harness.js";

interface Setup {
  readonly engine: Engine;
  readonly nc: NetControl;
  readonly logs: LogManager;
  readonly errors: string[];
}

function setup(loads: string[] = ["base/frameworks/netcontrol"], settings: string[] = []): Setup {
  const engine = new Engine({ bare: true, loads, settings });
  const scripts = loadBuiltinScripts(engine, { memory: true, bare: true, loads, stderr: null });
  const errors: string[] = [];
  const nc = netControlFramework(engine, { logs: scripts.logs, print: () => {}, error: (m) => errors.push(m) });
  return { engine, nc, logs: scripts.logs, errors };
}

/** A plugin that takes the rules `takes` accepts and answers with `answer` in the next drain; its calls are recorded in `calls`. */
function plugin(nc: NetControl, name: string, calls: string[], takes: (r: Rule) => boolean = () => true, answer: "added" | "error" = "added"): PluginState {
  const p: NetControlPlugin = {
    name: () => name,
    canExpire: false,
    addRule(state, r) {
      calls.push(`${name} add ${r.id}`);
      if (!takes(r)) return false;
      // Answered from a later event, as a backend answers after a while.
      nc.host.queueEvent(() => (answer === "added" ? nc.ruleAdded(r, state) : nc.ruleError(r, state, `${name} failed`)));
      return true;
    },
    removeRule(state, r, reason) {
      calls.push(`${name} remove ${r.id} ${reason}`);
      nc.ruleRemoved(r, state);
      return true;
    },
  };
  return { plugin: p, config: new Map(), _priority: 0, _activated: false };
}

/** Packets of one UDP flow at the given times. */
function packetsAt(...times: number[]): TestPacket[] {
  return times.map((t) => udpPacket(t, "10.0.0.1", 1000, "10.0.0.2", 53, "x"));
}

/** netcontrol.log's rows as "rule_id cmd state plugin msg". */
function rows(logs: LogManager): string[] {
  return logs
    .text("netcontrol")
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => l.split("\t"))
    .map((f) => [f[1], f[3], f[4], f[14], f[10]].join(" "));
}

test("a rule goes to the best plugins that take it, and to those of the same priority only", async () => {
  const { engine, nc } = setup();
  const calls: string[] = [];
  engine.on("NetControl::init", () => {
    nc.activate(plugin(nc, "low", calls), 1);
    nc.activate(
      plugin(nc, "picky", calls, (r) => r.entity.ty === "NetControl::MAC"),
      10,
    );
    nc.activate(plugin(nc, "mid-a", calls), 5);
    nc.activate(plugin(nc, "mid-b", calls), 5);
  });
  const ids: string[] = [];
  engine.on("NetControl::init_done", () => {
    ids.push(nc.dropAddress("192.0.2.1", 0));
    ids.push(nc.addRule({ ty: "NetControl::DROP", target: "NetControl::FORWARD", entity: { ty: "NetControl::MAC", mac: "00:11:22:33:44:55" } }));
  });
  await engine.run(memorySource(packetsAt(10)));
  // The first rule: refused by the priority-10 plugin, taken by both priority-5 ones, never offered to the last.
  // The second: taken by the priority-10 plugin alone.
  assert.deepEqual(calls, [`picky add ${ids[0]}`, `mid-a add ${ids[0]}`, `mid-b add ${ids[0]}`, `picky add ${ids[1]}`]);
  assert.deepEqual(
    nc.findRulesAddr("192.0.2.1").map((r) => [...r._plugin_ids].length),
    [2],
  );
});

test("rules are refused before the plugins are ready, and duplicates are refused", async () => {
  const { engine, nc, logs } = setup();
  const calls: string[] = [];
  engine.on("zeek_init", () => assert.equal(nc.dropAddress("192.0.2.9", 0), ""));
  engine.on("NetControl::init", () => nc.activate(plugin(nc, "p", calls), 0));
  engine.on("NetControl::init_done", () => {
    assert.notEqual(nc.dropAddress("192.0.2.9", 0), "");
    assert.equal(nc.dropAddress("192.0.2.9", 0), "");
  });
  await engine.run(memorySource(packetsAt(10)));
  const msgs = rows(logs).filter((r) => r.includes("FAILED"));
  assert.equal(msgs.length, 2);
  assert.match(msgs[0]!, /plugins not initialized yet$/);
  assert.match(msgs[1]!, /discarded duplicate insertion$/);
});

test("a rule expires on network time and is removed from its plugin; at the end of input nothing expires", async () => {
  const { engine, nc, logs } = setup();
  const calls: string[] = [];
  engine.on("NetControl::init", () => nc.activate(plugin(nc, "p", calls), 0));
  const ids: string[] = [];
  let first = true;
  engine.on("new_connection", () => {
    if (!first) return;
    first = false;
    ids.push(nc.dropAddress("192.0.2.1", 30), nc.dropAddress("192.0.2.2", 300));
  });
  await engine.run(memorySource(packetsAt(100, 129, 131)));
  assert.deepEqual(calls, [`p add ${ids[0]}`, `p add ${ids[1]}`, `p remove ${ids[0]} `]);
  assert.equal(nc.table.get(ids[0]!), undefined);
  assert.notEqual(nc.table.get(ids[1]!), undefined);
  assert.ok(rows(logs).includes(`${ids[0]} EXPIRE NetControl::TIMEOUT p -`));
});

test("a plugin reporting an error: logged, and the rule dropped unless another plugin holds it", async () => {
  const { engine, nc, logs } = setup();
  const calls: string[] = [];
  engine.on("NetControl::init", () => {
    nc.activate(
      plugin(nc, "bad", calls, () => true, "error"),
      0,
    );
    nc.activate(
      plugin(nc, "good", calls, (r) => r.entity.ip === "192.0.2.2/32"),
      0,
    );
  });
  const ids: string[] = [];
  engine.on("NetControl::init_done", () => ids.push(nc.dropAddress("192.0.2.1", 0), nc.dropAddress("192.0.2.2", 0)));
  await engine.run(memorySource(packetsAt(10)));
  const errors = logs
    .text("netcontrol")
    .split("\n")
    .filter((l) => l.includes("NetControl::ERROR"));
  assert.equal(errors.length, 2);
  assert.match(errors[0]!, /\tbad failed\t/);
  assert.equal(nc.table.get(ids[0]!), undefined, "the failing plugin was the only one");
  const kept = nc.table.get(ids[1]!);
  assert.deepEqual(kept && [...kept._plugin_ids], [2], "only the good plugin holds it");
});

test("removing or deleting an unknown rule is false and an error", async () => {
  const { engine, nc, errors } = setup();
  engine.on("NetControl::init", () => nc.activate(plugin(nc, "p", []), 0));
  const results: boolean[] = [];
  engine.on("NetControl::init_done", () => results.push(nc.removeRule("4711"), nc.deleteRule("4711", "gone")));
  await engine.run(memorySource(packetsAt(10)));
  assert.deepEqual(results, [false, false]);
  assert.deepEqual(errors, ["Rule 4711 does not exist in NetControl::remove_rule", "Rule 4711 does not exist in NetControl::delete_rule"]);
});

test("catch-and-release: each time the address is seen again its block is the next interval; after the last one's watch it is forgotten", async () => {
  const loads = ["base/frameworks/netcontrol", "policy/frameworks/netcontrol/catch-and-release"];
  const { engine, nc, logs } = setup(loads, ["NetControl::catch_release_intervals=vector(10sec, 1min, 5min)"]);
  engine.on("NetControl::init", () => nc.activate(plugin(nc, "p", []), 0));
  let dropped = false;
  engine.on("new_connection", (c) => {
    if (dropped || c.id.orig_h !== "10.0.0.1") return;
    dropped = true;
    catchAndRelease(nc).drop("10.0.0.1");
  });
  // Another host's packet just after each block ended lets the framework remove the block (the plugin does not
  // expire rules); the address then opens a connection, still watched: it is blocked again. The last block's
  // watch ends with it: the address is forgotten, and its next connection is not blocked.
  const packets: TestPacket[] = [udpPacket(100, "10.0.0.1", 1000, "10.0.0.2", 53, "x")];
  for (const [i, end] of [110, 172, 474].entries()) {
    packets.push(udpPacket(end + 1, "10.0.0.3", 2000 + i, "10.0.0.2", 53, "x"));
    packets.push(udpPacket(end + 2, "10.0.0.1", 1001 + i, "10.0.0.2", 53, "x"));
  }
  await engine.run(memorySource(packets));
  const cr = logs
    .text("netcontrol_catch_release")
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => l.split("\t"));
  const blocks = cr.filter((f) => f[3] === "NetControl::DROP_REQUESTED" || f[3] === "NetControl::SEEN_AGAIN").map((f) => Number(f[4]));
  assert.deepEqual(blocks, [10, 60, 300]);
  assert.deepEqual(
    cr.filter((f) => f[3] === "NetControl::SEEN_AGAIN").map((f) => [Number(f[5]), Number(f[8])]),
    [
      [300, 2],
      [300, 3],
    ],
    "watched for the next interval (the last one's own past the end); the count of blocks",
  );
  assert.equal(cr.at(-1)![3], "NetControl::FORGOTTEN");
  assert.equal(catchAndRelease(nc).info("10.0.0.1").watch_until, 0);
});

test("a run whose scripts never ask for NetControl registers none of its handlers", () => {
  const loads = ["base/frameworks/netcontrol"];
  const engine = new Engine({ bare: true, loads });
  loadBuiltinScripts(engine, { memory: true, bare: true, loads, stderr: null });
  assert.equal(engine.bus.wants["NetControl::init"], false);
  assert.equal(engine.bus.wants["NetControl::rule_added"], false);
});
