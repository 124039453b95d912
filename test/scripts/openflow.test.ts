/**
 * bronze's OpenFlow framework and NetControl's OpenFlow plugin on their own:
 * the cookie layout, match_conn, openflow.log's row of a flow mod, the
 * controller registry, flow_clear, and how NetControl rules become flow
 * mods and the controller's answers NetControl's outcomes.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Engine } from "../../src/engine.js";
import { loadBuiltinScripts } from "../../src/index.js";
import type { LogManager } from "../../src/log/manager.js";
import { type NetControl, netControlFramework } from "../../src/scripts/netcontrol/framework.js";
import { createOpenflow, type OfConfig } from "../../src/scripts/netcontrol/openflow.js";
import { OFPP_NORMAL } from "../../src/scripts/openflow/consts.js";
import { type OpenFlow, openFlowFramework } from "../../src/scripts/openflow/framework.js";
import { OPENFLOW_FIELDS } from "../../src/scripts/openflow/log.js";
import type { Controller, OfpFlowMod, OfpMatch } from "../../src/scripts/openflow/types.js";
import { memorySource } from "../helpers/packets.js";
import { udpPacket } from "../session/harness.js";

interface Setup {
  readonly engine: Engine;
  readonly of: OpenFlow;
  readonly nc: NetControl;
  readonly logs: LogManager;
  readonly errors: string[];
  readonly warnings: string[];
}

function setup(settings: string[] = []): Setup {
  const loads = ["base/frameworks/netcontrol"];
  const engine = new Engine({ bare: true, loads, settings });
  const scripts = loadBuiltinScripts(engine, { memory: true, bare: true, loads, stderr: null });
  const errors: string[] = [];
  const warnings: string[] = [];
  const deps = { logs: scripts.logs, error: (m: string) => errors.push(m), warning: (m: string) => warnings.push(m) };
  const of = openFlowFramework(engine, deps);
  const nc = netControlFramework(engine, { ...deps, print: () => {} });
  return { engine, of, nc, logs: scripts.logs, errors, warnings };
}

/** openflow.log's rows, each by column name. */
function openflowRows(logs: LogManager): Array<Record<string, string>> {
  return logs
    .text("openflow")
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => Object.fromEntries(l.split("\t").map((v, i) => [OPENFLOW_FIELDS[i]!.name, v])));
}

/** netcontrol.log's rows as "rule_id state msg". */
function netcontrolRows(logs: LogManager): string[] {
  return logs
    .text("netcontrol")
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => l.split("\t"))
    .filter((f) => f[2] !== "NetControl::MESSAGE")
    .map((f) => [f[1], f[4], f[10]].join(" "));
}

/** The framework's cookie with unique id `uid` and group `gid`, built from the documented layout (mark 4 at bit 40). */
function cookie(uid: number, gid = 0): number {
  return Number((4n << 40n) | (BigInt(gid) << 32n) | BigInt(uid));
}

interface Recorded {
  readonly match: OfpMatch;
  readonly fm: OfpFlowMod;
}

/** A controller of a kind of the test's own that records its flow mods and answers each with `answer`. */
function recordingController(of: OpenFlow, name: string, answer: "success" | "failure" | "none", flowRemoved = false): [Controller, Recorded[]] {
  const sent: Recorded[] = [];
  const c: Controller = {
    state: { _activated: false },
    supportsFlowRemoved: flowRemoved,
    describe: () => name,
    flowMod(s, match, fm) {
      sent.push({ match, fm });
      if (answer === "success") of.host.raise("OpenFlow::flow_mod_success", s._name ?? "", match, fm, "");
      if (answer === "failure") of.host.raise("OpenFlow::flow_mod_failure", s._name ?? "", match, fm, "switch said no");
      return true;
    },
  };
  of.registerController("OpenFlow::TEST", name, c);
  return [c, sent];
}

/** Runs UDP packets at `times` (one flow); `onFirst` runs at the first connection. */
async function runAt(engine: Engine, times: number[], onFirst: () => void = () => {}): Promise<void> {
  let first = true;
  engine.on("new_connection", () => {
    if (first) onFirst();
    first = false;
  });
  await engine.run(memorySource(times.map((t) => udpPacket(t, "10.0.0.1", 1000, "10.0.0.2", 53, "x"))));
}

test("a cookie: Zeek's mark in bits 40-63, the group in bits 32-39, the unique id in bits 0-31", () => {
  const { of, warnings } = setup();
  assert.equal(of.generateCookie(), cookie(0));
  assert.equal(of.generateCookie(77), cookie(77));
  assert.equal(of.generateCookie(2 ** 32 - 1), cookie(2 ** 32 - 1));
  assert.deepEqual(warnings, []);
  // A uid of more than 32 bits is dropped, with a warning.
  assert.equal(of.generateCookie(2 ** 32), cookie(0));
  assert.deepEqual(warnings, ["The given cookie uid '4294967296' is > 32bit and will be discarded"]);
  assert.equal(of.getCookieUid(cookie(12345, 9)), 12345);
  assert.equal(of.getCookieGid(cookie(12345, 9)), 9);
  // A cookie without the mark is not the framework's.
  assert.equal(of.getCookieUid(5), null);
  assert.equal(of.getCookieGid(Number(5n << 40n)), null);
  assert.deepEqual(warnings.slice(1), ["The given Openflow cookie '5' is not valid", `The given Openflow cookie '${5 * 2 ** 40}' is not valid`]);
});

test("match_conn: one direction of a connection, IPv4 and IPv6, and reversed", () => {
  const { of } = setup();
  const v4 = { orig_h: "10.0.0.1", orig_p: 1234, resp_h: "192.0.2.7", resp_p: 25, transport: "tcp", proto: 6 } as const;
  assert.deepEqual(of.matchConn(v4), { dl_type: 0x0800, nw_proto: 6, nw_src: "10.0.0.1/32", tp_src: 1234, nw_dst: "192.0.2.7/32", tp_dst: 25 });
  assert.deepEqual(of.matchConn(v4, true), { dl_type: 0x0800, nw_proto: 6, nw_src: "192.0.2.7/32", tp_src: 25, nw_dst: "10.0.0.1/32", tp_dst: 1234 });
  const v6 = { orig_h: "2001:db8::1", orig_p: "5353/udp", resp_h: "ff02::fb", resp_p: "53/udp" } as const;
  assert.deepEqual(of.matchConn(v6), { dl_type: 0x86dd, nw_proto: 17, nw_src: "2001:db8::1/128", tp_src: 5353, nw_dst: "ff02::fb/128", tp_dst: 53 });
  assert.deepEqual(of.matchConn(v6, true), { dl_type: 0x86dd, nw_proto: 17, nw_src: "ff02::fb/128", tp_src: 53, nw_dst: "2001:db8::1/128", tp_dst: 5353 });
  const icmp = { orig_h: "10.0.0.1", orig_p: "8/icmp", resp_h: "10.0.0.2", resp_p: "0/icmp" } as const;
  assert.equal(of.matchConn(icmp).nw_proto, 1);
});

test("a flow mod's openflow.log row: the match and flow mod flattened, unset fields, vectors, the time of the write", async () => {
  const { engine, of, logs } = setup();
  const successes: string[] = [];
  engine.on("OpenFlow::flow_mod_success", (name, _m, fm) => successes.push(`${name} ${fm.cookie}`));
  let c: Controller | null = null;
  engine.on("zeek_init", () => {
    c = of.logNew(42);
    of.flowMod(c, {}, { cookie: of.generateCookie(1), command: "OpenFlow::OFPFC_DELETE", actions: { out_ports: [3, 7] } });
  });
  await runAt(engine, [1500.25], () => {
    const match = { dl_type: 0x0800, nw_src: "10.0.0.0/8", tp_dst: 53, dl_vlan: 4 };
    const actions = { vlan_strip: true, nw_dst: "192.0.2.1", dl_src: "00:11:22:33:44:55" };
    of.flowMod(c!, match, { cookie: of.generateCookie(2), command: "OpenFlow::OFPFC_ADD", table_id: 3, idle_timeout: 30, priority: 9, flags: 1, actions });
  });
  const [before, during] = openflowRows(logs);
  assert.equal(before!.ts, "0.000000");
  assert.equal(before!.dpid, "42");
  assert.equal(before!["flow_mod.command"], "OpenFlow::OFPFC_DELETE");
  assert.equal(before!["flow_mod.actions.out_ports"], "3,7");
  assert.equal(before!["match.nw_src"], "-");
  assert.equal(before!["flow_mod.actions.vlan_strip"], "F");
  assert.equal(during!.ts, "1500.250000");
  assert.equal(during!["match.dl_type"], "2048");
  assert.equal(during!["match.dl_vlan"], "4");
  assert.equal(during!["match.nw_src"], "10.0.0.0/8");
  assert.equal(during!["match.tp_dst"], "53");
  assert.equal(during!["match.tp_src"], "-");
  assert.equal(during!["flow_mod.cookie"], String(cookie(2)));
  assert.equal(during!["flow_mod.table_id"], "3");
  assert.equal(during!["flow_mod.idle_timeout"], "30");
  assert.equal(during!["flow_mod.hard_timeout"], "0");
  assert.equal(during!["flow_mod.priority"], "9");
  assert.equal(during!["flow_mod.flags"], "1");
  assert.equal(during!["flow_mod.actions.out_ports"], "(empty)");
  assert.equal(during!["flow_mod.actions.vlan_strip"], "T");
  assert.equal(during!["flow_mod.actions.nw_dst"], "192.0.2.1");
  assert.equal(during!["flow_mod.actions.dl_src"], "00:11:22:33:44:55");
  // The log controller reports each row carried out, under its registered name.
  assert.deepEqual(successes, [`OpenFlow::OFLOG42 ${cookie(1)}`, `OpenFlow::OFLOG42 ${cookie(2)}`]);
});

test("controllers: looked up by name, a second registration refused, flow mods refused until active, unregistered and destroyed", () => {
  const { of, errors } = setup();
  const log = of.logNew(7, false);
  assert.deepEqual(of.lookupController("OpenFlow::OFLOG7"), [log]);
  assert.deepEqual(of.lookupController("OpenFlow::OFLOG8"), []);
  of.logNew(7);
  assert.deepEqual(errors, ["OpenFlow Controller OpenFlow::OFLOG7 was already registered. Ignored duplicate registration"]);
  const done: string[] = [];
  const slow: Controller = {
    state: { _activated: false },
    supportsFlowRemoved: false,
    describe: () => "slow",
    init: () => done.push("init"),
    destroy: () => done.push("destroy"),
    flowMod: () => true,
  };
  of.registerController("OpenFlow::TEST", "slow", slow);
  const fm = { cookie: of.generateCookie(), command: "OpenFlow::OFPFC_ADD" } as const;
  assert.equal(of.flowMod(slow, {}, fm), false);
  of.controllerInitDone(slow);
  assert.equal(of.flowMod(slow, {}, fm), true);
  of.unregisterController(slow);
  assert.deepEqual(of.lookupController("OpenFlow::TESTslow"), []);
  assert.deepEqual(done, ["init", "destroy"]);
  of.unregisterController(slow);
  assert.equal(errors.at(-1), "OpenFlow Controller %s was not registered in unregister.");
});

test("flow_clear: handed to a controller that can clear its table once active; the log controller cannot", () => {
  const { of } = setup();
  assert.equal(of.flowClear(of.logNew(1)), false);
  let cleared = 0;
  const c: Controller = {
    state: { _activated: false },
    supportsFlowRemoved: false,
    describe: () => "clearing",
    init: () => {},
    flowClear: () => ++cleared > 0,
  };
  of.registerController("OpenFlow::TEST", "clearing", c);
  assert.equal(of.flowClear(c), false);
  assert.equal(cleared, 0);
  of.controllerInitDone(c);
  assert.equal(of.flowClear(c), true);
  assert.equal(cleared, 1);
});

test("a NetControl drop of an address: two flow mods (source, destination) with cookies cid*2 and cid*2+1; added once both succeed", async () => {
  const { engine, of, nc, logs } = setup();
  let id = "";
  engine.on("NetControl::init", () => nc.activate(createOpenflow(nc, of.logNew(42), { priority_offset: 10, idle_timeout: 60, table_id: 2 }), 0));
  await runAt(engine, [100], () => (id = nc.dropAddress("2001:db8::9", 45.7)));
  const rule = nc.table.get(id)!;
  const rows = openflowRows(logs);
  assert.equal(rows.length, 2);
  assert.deepEqual(
    rows.map((r) => [r["match.nw_src"], r["match.nw_dst"], r["match.dl_type"], r["flow_mod.cookie"]]),
    [
      ["2001:db8::9/128", "-", "34525", String(cookie(rule.cid * 2))],
      ["-", "2001:db8::9/128", "34525", String(cookie(rule.cid * 2 + 1))],
    ],
  );
  for (const r of rows) {
    assert.equal(r["flow_mod.command"], "OpenFlow::OFPFC_ADD");
    assert.equal(r["flow_mod.hard_timeout"], "45");
    assert.equal(r["flow_mod.idle_timeout"], "60");
    assert.equal(r["flow_mod.priority"], String(rule.priority + 10));
    assert.equal(r["flow_mod.table_id"], "2");
    assert.equal(r["flow_mod.flags"], "1");
    // A drop: no output port.
    assert.equal(r["flow_mod.actions.out_ports"], "(empty)");
  }
  assert.deepEqual(netcontrolRows(logs), [`${id} NetControl::REQUESTED -`, `${id} NetControl::SUCCEEDED -`]);
});

test("rule types: whitelist to the normal path, redirect out of its port, modify rewriting; forward rules refused when the config says so", async () => {
  const { engine, of, nc, logs } = setup();
  const ids: string[] = [];
  const config: Partial<OfConfig> = { monitor: false };
  engine.on("NetControl::init", () => nc.activate(createOpenflow(nc, of.logNew(1), config), 0));
  await runAt(engine, [100], () => {
    ids.push(nc.whitelistAddress("10.1.1.1", 0));
    ids.push(nc.redirectFlow({ src_h: "10.0.0.1", src_p: "1000/udp", dst_h: "10.0.0.2", dst_p: "53/udp" }, 9, 0));
    const entity = { ty: "NetControl::FLOW", flow: { dst_h: "10.9.9.0/24" } } as const;
    ids.push(nc.addRule({ ty: "NetControl::MODIFY", target: "NetControl::FORWARD", entity, mod: { dst_h: "10.0.0.99", dst_p: 8080 } }));
    ids.push(nc.addRule({ ty: "NetControl::DROP", target: "NetControl::MONITOR", entity }));
  });
  assert.equal(ids[3], "", "a monitor rule with monitor=F: not supported");
  const rows = openflowRows(logs);
  assert.deepEqual(
    rows.map((r) => r["flow_mod.actions.out_ports"]),
    [String(OFPP_NORMAL), String(OFPP_NORMAL), "9", String(OFPP_NORMAL)],
  );
  const redirect = rows[2]!;
  assert.deepEqual([redirect["match.nw_proto"], redirect["match.tp_src"], redirect["match.tp_dst"]], ["17", "1000", "53"]);
  const modify = rows[3]!;
  assert.deepEqual([modify["match.nw_dst"], modify["flow_mod.actions.nw_dst"], modify["flow_mod.actions.tp_dst"]], ["10.9.9.0/24", "10.0.0.99", "8080"]);
  assert.equal(modify["flow_mod.hard_timeout"], "0");
});

test("the config's predicates: check_pred decides, match_pred and flow_mod_pred rewrite what is sent", async () => {
  const { engine, of, nc, logs } = setup();
  const config: Partial<OfConfig> = {
    check_pred: (_p, r) => r.entity.ty === "NetControl::ADDRESS",
    match_pred: (_p, _e, m) => m.slice(0, 1).map((x) => ({ ...x, in_port: 4 })),
    flow_mod_pred: (_p, _r, m) => ({ ...m, out_group: 6 }),
  };
  const ids: string[] = [];
  engine.on("NetControl::init", () => nc.activate(createOpenflow(nc, of.logNew(1), config), 0));
  await runAt(engine, [100], () => {
    ids.push(nc.dropAddress("10.1.1.1", 0));
    ids.push(nc.addRule({ ty: "NetControl::DROP", target: "NetControl::FORWARD", entity: { ty: "NetControl::MAC", mac: "00:11:22:33:44:55" } }));
  });
  assert.equal(ids[1], "");
  const rows = openflowRows(logs);
  assert.equal(rows.length, 1);
  assert.deepEqual([rows[0]!["match.in_port"], rows[0]!["match.nw_src"], rows[0]!["flow_mod.out_group"]], ["4", "10.1.1.1/32", "6"]);
});

test("removal: a delete flow mod per part, with the rule's cookies; removed once both succeed", async () => {
  const { engine, of, nc, logs } = setup();
  let sent: Recorded[] = [];
  let id = "";
  engine.on("NetControl::init", () => {
    const [c, s] = recordingController(of, "rec", "success");
    sent = s;
    nc.activate(createOpenflow(nc, c), 0);
  });
  engine.on("NetControl::rule_added", (r) => nc.removeRule(r.id, "done"));
  await runAt(
    engine,
    [100],
    () => (id = nc.addRule({ ty: "NetControl::DROP", target: "NetControl::FORWARD", entity: { ty: "NetControl::MAC", mac: "aa:bb:cc:dd:ee:ff" } })),
  );
  const cid = Number(id);
  assert.deepEqual(
    sent.map((s) => [s.fm.command, s.fm.cookie, s.match.dl_src ?? "", s.match.dl_dst ?? ""]),
    [
      ["OpenFlow::OFPFC_ADD", cookie(cid * 2), "aa:bb:cc:dd:ee:ff", ""],
      ["OpenFlow::OFPFC_ADD", cookie(cid * 2 + 1), "", "aa:bb:cc:dd:ee:ff"],
      ["OpenFlow::OFPFC_DELETE", cookie(cid * 2), "", ""],
      ["OpenFlow::OFPFC_DELETE", cookie(cid * 2 + 1), "", ""],
    ],
  );
  assert.deepEqual(netcontrolRows(logs), [
    `${id} NetControl::REQUESTED -`,
    `${id} NetControl::SUCCEEDED -`,
    `${id} NetControl::REQUESTED done`,
    `${id} NetControl::SUCCEEDED -`,
  ]);
  assert.equal(nc.table.get(id), undefined);
});

test("a connection: both directions; a failure is the rule's error; a flow removed by the switch is its timeout", async () => {
  const { engine, of, nc, logs } = setup();
  const conn = { orig_h: "10.0.0.1", orig_p: "1000/tcp", resp_h: "10.0.0.2", resp_p: "80/tcp" } as const;
  let failing: Recorded[] = [];
  let removing: Controller | null = null;
  engine.on("NetControl::init", () => {
    const [bad, sent] = recordingController(of, "bad", "failure");
    failing = sent;
    nc.activate(createOpenflow(nc, bad), 5);
    const [good] = recordingController(of, "good", "success", true);
    removing = good;
    nc.activate(createOpenflow(nc, good), 1);
  });
  const ids: string[] = [];
  await runAt(engine, [100, 101], () => ids.push(nc.dropConnection(conn, 30)));
  // The error dropped the rule from the first plugin; the second never got it (only plugins of the best priority do).
  assert.deepEqual(
    failing.map((s) => [s.match.nw_src, s.match.tp_src]),
    [
      ["10.0.0.1/32", 1000],
      ["10.0.0.2/32", 80],
    ],
  );
  assert.deepEqual(netcontrolRows(logs).slice(0, 2), [`${ids[0]} NetControl::REQUESTED -`, `${ids[0]} - switch said no`]);

  // The second engine: a controller that reports the switch's flow removals.
  const s2 = setup();
  const timeouts: string[] = [];
  s2.engine.on("NetControl::init", () => {
    const [good] = recordingController(s2.of, "good", "success", true);
    removing = good;
    s2.nc.activate(createOpenflow(s2.nc, good), 0);
  });
  s2.engine.on("NetControl::rule_added", (r) => {
    const name = removing!.state._name!;
    s2.engine.raise("OpenFlow::flow_removed", name, {}, s2.of.generateCookie(r.cid * 2), 0, 0, 30, 0, 12, 3400);
  });
  s2.engine.on("NetControl::rule_timeout", (r, i) => timeouts.push(`${r.id} ${i.duration} ${i.packet_count} ${i.byte_count}`));
  const id2: string[] = [];
  await runAt(s2.engine, [100], () => id2.push(s2.nc.dropConnection(conn, 30)));
  assert.deepEqual(timeouts, [`${id2[0]} 30 12 3400`]);
  assert.equal(s2.nc.table.get(id2[0]!), undefined);
});

test("unanswered flow mods time out: the rule's error after NetControl::openflow_message_timeout", async () => {
  const { engine, of, nc, logs } = setup();
  engine.on("NetControl::init", () => nc.activate(createOpenflow(nc, of.logNew(3, false)), 0));
  let id = "";
  await runAt(engine, [100, 110, 119, 140], () => (id = nc.dropAddress("10.3.3.3", 0)));
  assert.deepEqual(netcontrolRows(logs), [`${id} NetControl::REQUESTED -`, `${id} - Timeout during rule insertion/removal`]);
});

test("NetControl::openflow_message_timeout is a setting: 5 s fails the unanswered rule by 12 s, the default 20 s does not", async () => {
  for (const [settings, failed] of [
    [["NetControl::openflow_message_timeout=5sec"], true],
    [[], false],
  ] as const) {
    const { engine, of, nc, logs } = setup([...settings]);
    engine.on("NetControl::init", () => nc.activate(createOpenflow(nc, of.logNew(3, false)), 0));
    let id = "";
    await runAt(engine, [100, 112], () => (id = nc.dropAddress("10.3.3.3", 0)));
    assert.equal(netcontrolRows(logs).includes(`${id} - Timeout during rule insertion/removal`), failed, settings.join(" "));
  }
});

test("a run whose scripts never ask for OpenFlow registers none of its handlers and writes no openflow.log", async () => {
  const loads = ["base/frameworks/netcontrol", "base/frameworks/openflow"];
  const engine = new Engine({ bare: true, loads });
  const scripts = loadBuiltinScripts(engine, { memory: true, bare: true, loads, stderr: null });
  assert.equal(engine.bus.wants["OpenFlow::flow_mod_success"], false);
  await engine.run(memorySource([udpPacket(1, "10.0.0.1", 1, "10.0.0.2", 2, "x")]));
  assert.equal(scripts.logs.written().includes("openflow"), false);
});
