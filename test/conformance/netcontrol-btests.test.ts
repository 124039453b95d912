/**
 * Zeek's NetControl btests (testing/btest/scripts/base/frameworks/netcontrol
 * and policy/frameworks/netcontrol), replayed as TypeScript twins of their
 * scripts on bronze's framework and compared with Zeek's baselines after
 * btest's canonification; with them, the OpenFlow framework's log-basic and
 * the NetControl OpenFlow plugin's btests (openflow.log and netcontrol.log).
 * Left out: the Broker, acld and cluster tests, and OpenFlow's Broker and
 * Ryu ones (bronze has none of them).
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type TestContext, test } from "node:test";
import { Engine } from "../../src/engine.js";
import type { Connection } from "../../src/event/records.js";
import { loadBuiltinScripts } from "../../src/index.js";
import type { LogManager } from "../../src/log/manager.js";
import { catchAndRelease, describeBlockInfo } from "../../src/scripts/netcontrol/catch-and-release.js";
import { createDebug, createDebugError, createDebugExists } from "../../src/scripts/netcontrol/debug.js";
import { describeEntity } from "../../src/scripts/netcontrol/describe.js";
import { type NetControl, netControlFramework } from "../../src/scripts/netcontrol/framework.js";
import { createOpenflow } from "../../src/scripts/netcontrol/openflow.js";
import { createPacketfilter } from "../../src/scripts/netcontrol/packetfilter.js";
import type { FlowId, PortText } from "../../src/scripts/netcontrol/types.js";
import { type OpenFlow, openFlowFramework } from "../../src/scripts/openflow/framework.js";
import type { Controller, OfpFlowModInput } from "../../src/scripts/openflow/types.js";
import { readTrace } from "../../src/source/open.js";
import { oracleMissing } from "../helpers/corpus.js";
import { memorySource } from "../helpers/packets.js";
import { btestSeed, type ZeekSource, zeekSource } from "../signatures/btest-harness.js";
import { canonicalBtestLog } from "./btest-applogs-harness.js";

const BASELINE = "testing/btest/Baseline/scripts.base.frameworks.netcontrol";
const BASE = ["base/frameworks/netcontrol"];

interface Run {
  readonly logs: LogManager;
  readonly printed: string[];
}

type Script = (nc: NetControl, engine: Engine, print: (line: string) => void) => void;

/** A `zeek -b` run of the btest: its trace (none: no packets), its loads and settings, `script` its handlers. */
async function replay(zeek: ZeekSource, trace: string | null, loads: readonly string[], script: Script, settings: readonly string[] = []): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), "bronze-netcontrol-"));
  try {
    const engine = new Engine({ bare: true, loads: [...loads], seed: btestSeed(zeek), settings: [...settings] });
    const scripts = loadBuiltinScripts(engine, { memory: true, bare: true, loads: [...loads], stderr: null });
    const printed: string[] = [];
    const print = (line: string) => printed.push(line);
    const nc = netControlFramework(engine, { logs: scripts.logs, print, error: (m) => scripts.reporter.error(m) });
    // catch-and-release made the framework when it loaded: its lines are captured all the same.
    nc.print = print;
    script(nc, engine, print);
    if (trace === null) await engine.run(memorySource([]));
    else {
      const path = join(dir, "trace.pcap");
      writeFileSync(path, Buffer.from(zeek.read(`testing/btest/Traces/${trace}`), "latin1"));
      await engine.run(readTrace(path));
    }
    return { logs: scripts.logs, printed };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A log as btest compares it (`maskAll`: every row's time masked, for runs without packets, whose network time Zeek takes from the wall clock). */
function canonical(text: string, maskAll = false): string {
  const masked = maskAll ? text.replace(/^\d+\.\d{6}\t/gm, "XXXXXXXXXX.XXXXXX\t") : text;
  return canonicalBtestLog(masked);
}

/** A baseline's log, or its rows only when the test's canonifier dropped the comment lines (grep -v ^#). */
function baseline(zeek: ZeekSource, path: string): string {
  return canonicalBtestLog(zeek.read(path));
}

/** A log's lines, sorted. */
function sortedRows(text: string): string[] {
  return text.split("\n").sort();
}

/** The printed lines as btest's .stdout baseline holds them. */
function stdoutOf(zeek: ZeekSource, path: string): string {
  return canonicalBtestLog(zeek.read(path));
}

const port = (p: number, proto: "tcp" | "udp"): PortText => `${p}/${proto}`;

/** Zeek's flow_id of a connection's id. */
function flowOf(c: Connection): FlowId {
  const t = c.id.transport === "udp" ? "udp" : "tcp";
  return { src_h: c.id.orig_h, src_p: port(c.id.orig_p, t), dst_h: c.id.resp_h, dst_p: port(c.id.resp_p, t) };
}

/** The debug plugin activated at priority `priority` in NetControl::init. */
function activateDebug(nc: NetControl, engine: Engine, priority = 0): void {
  engine.on("NetControl::init", () => nc.activate(createDebug(nc, true), priority));
}

/** basic's and find-rules' NetControl::init_done handler (priority -5): one of each helper. */
function everyHelper(nc: NetControl): void {
  const f: FlowId = { src_h: "192.168.17.1", src_p: "32/tcp", dst_h: "192.168.17.2", dst_p: "32/tcp" };
  nc.shuntFlow(f, 30);
  nc.dropAddress("1.1.2.2", 15, "Hi there");
  nc.whitelistAddress("1.2.3.4", 15);
  nc.redirectFlow(f, 5, 30);
  nc.quarantineHost("127.0.0.2", "8.8.8.8", "127.0.0.3", 15);
}

function sourceOr(t: TestContext): ZeekSource | null {
  const zeek = zeekSource();
  if (zeek === null) oracleMissing(t, "Zeek's source (BRONZE_ZEEK_SOURCE or ../zeek) is missing: its NetControl btests are not replayed");
  return zeek;
}

test("Zeek's NetControl btests as TypeScript twins: netcontrol logs and printed lines are Zeek's baselines", async (t) => {
  const zeek = sourceOr(t);
  if (zeek === null) return;

  await t.test("basic: every helper and rules on MAC addresses, with the debug plugin", async () => {
    const run = await replay(zeek, null, BASE, (nc, engine) => {
      activateDebug(nc, engine);
      engine.on(
        "NetControl::init_done",
        () => {
          everyHelper(nc);
          const mac = "FF:FF:FF:FF:FF:FF";
          nc.addRule({ ty: "NetControl::DROP", target: "NetControl::FORWARD", entity: { ty: "NetControl::MAC", mac }, expire: 15 });
          nc.addRule({ ty: "NetControl::DROP", target: "NetControl::FORWARD", entity: { ty: "NetControl::FLOW", flow: { src_m: mac } }, expire: 15 });
        },
        { priority: -5 },
      );
    });
    for (const log of ["netcontrol", "netcontrol_shunt", "netcontrol_drop"])
      assert.equal(canonical(run.logs.text(log), true), baseline(zeek, `${BASELINE}.basic/${log}.log`), log);
    assert.equal(canonicalBtestLog(run.printed.join("\n")), stdoutOf(zeek, `${BASELINE}.basic/.stdout`));
  });
  await t.test("find-rules: rules found by the addresses their entities involve", async () => {
    const out: string[] = [];
    await replay(zeek, null, BASE, (nc, engine) => {
      activateDebug(nc, engine);
      engine.on(
        "NetControl::init_done",
        () => {
          everyHelper(nc);
          let rules = nc.findRulesAddr("1.2.3.4");
          out.push(String(rules.length), describeEntity(rules[0]!.entity));
          out.push(String(nc.findRulesAddr("1.2.3.5").length));
          rules = nc.findRulesAddr("127.0.0.2");
          out.push(String(rules.length));
          for (const r of [rules[0]!, rules[3]!]) out.push(`${describeEntity(r.entity)}, ${r.ty}`);
        },
        { priority: -5 },
      );
    });
    assert.equal(out.join("\n"), stdoutOf(zeek, `${BASELINE}.find-rules/out`));
  });

  for (const [name, trace, expire, what] of [
    ["timeout", "tls/ecdhe.pcap", 1, "a drop of 1 second expires and is removed"],
    ["duplicate", "tls/google-duplicate.pcap", 0, "a second drop of the same address is discarded"],
  ] as const) {
    await t.test(`${name}: ${what}`, async () => {
      const run = await replay(zeek, trace, BASE, (nc, engine) => {
        activateDebug(nc, engine);
        engine.on("connection_established", (c) => void nc.dropAddress(c.id.orig_h, expire));
      });
      assert.equal(canonical(run.logs.text("netcontrol")), baseline(zeek, `${BASELINE}.${name}/netcontrol.log`));
    });
  }

  await t.test("hook: rule_policy vetoes the 15-second rules and widens the others' source", async () => {
    const run = await replay(zeek, "tls/ecdhe.pcap", BASE, (nc, engine) => {
      activateDebug(nc, engine);
      engine.on("connection_established", (c) => {
        const f = flowOf(c);
        nc.shuntFlow(f, 30);
        nc.dropAddress(c.id.orig_h, 15);
        nc.whitelistAddress(c.id.orig_h, 15);
        nc.redirectFlow(f, 5, 30);
      });
      nc.onRulePolicy((r) => {
        if (r.expire === 15) return false;
        if (r.entity.flow !== undefined) r.entity.flow.src_h = "0.0.0.0/0";
        return true;
      });
    });
    assert.equal(canonical(run.logs.text("netcontrol")), baseline(zeek, `${BASELINE}.hook/netcontrol.log`));
  });

  await t.test("delete-internal-state: removed rules leave no state behind", async () => {
    const run = await replay(zeek, "tls/ecdhe.pcap", BASE, (nc, engine, print) => {
      engine.on("NetControl::init", () => nc.activate(createDebug(nc, true), 10));
      const ids: string[] = [];
      engine.on("connection_established", (c) => {
        const f = flowOf(c);
        ids.push(nc.shuntFlow(f, 0), nc.dropAddress(c.id.orig_h, 0), nc.whitelistAddress(c.id.orig_h, 0), nc.redirectFlow(f, 5, 0));
        const now = engine.clock.now;
        engine.scheduleEvent(now + 1, () => {
          for (const id of ids) nc.removeRule(id);
        });
        engine.scheduleEvent(now + 2, () => {
          print("Dumping state");
          // Zeek prints its three tables; an empty table prints as "{\n\n}".
          for (const n of Object.values(nc.table.sizes())) print(n === 0 ? "{\n\n}" : `${n} entries`);
        });
      });
    });
    assert.equal(canonicalBtestLog(run.printed.join("\n")), stdoutOf(zeek, `${BASELINE}.delete-internal-state/.stdout`));
  });

  await t.test("packetfilter: the originators of established connections are filtered out from then on (conn.log)", async () => {
    const loads = ["base/protocols/conn", "base/protocols/smtp", "base/protocols/dns", ...BASE];
    const run = await replay(zeek, "smtp.pcap", loads, (nc, engine) => {
      engine.on("NetControl::init", () => nc.activate(createPacketfilter(nc), 0));
      engine.on("connection_established", (c) => {
        const entity = { ty: "NetControl::ADDRESS", ip: `${c.id.orig_h}/32` } as const;
        nc.addRule({ ty: "NetControl::DROP", target: "NetControl::MONITOR", entity, expire: 600 });
      });
    });
    assert.equal(canonical(run.logs.text("conn")), baseline(zeek, `${BASELINE}.packetfilter/conn.log`));
  });

  for (const [name, forceExpiry] of [
    ["rule-added-hook", false],
    ["rule-added-hook-2", true],
  ] as const) {
    await t.test(`${name}: a plugin reporting the rule as existing${forceExpiry ? ", expired anyway by rule_added_policy" : ""}`, async () => {
      const run = await replay(zeek, "tls/ecdhe.pcap", BASE, (nc, engine) => {
        engine.on("NetControl::init", () => {
          nc.activate(createDebug(nc, true, "plugin-1"), 0);
          nc.activate(createDebugExists(nc, "plugin-2"), 0);
        });
        engine.on("connection_established", (c) => void nc.dropAddress(c.id.orig_h, 1));
        if (forceExpiry) nc.onRuleAddedPolicy((r, p, exists) => void (exists && r._no_expire_plugins.delete(p._id!)));
      });
      const ours = canonical(run.logs.text("netcontrol"));
      const zeeks = baseline(zeek, `${BASELINE}.${name}/netcontrol.log`);
      // Two expiries due at the same instant come in the order of the timer heap; Zeek's holds timers bronze's does not (not the two OpenFlow tables' expiry timers alone: tried).
      if (forceExpiry) assert.deepEqual(sortedRows(ours), sortedRows(zeeks));
      else assert.equal(ours, zeeks);
    });
  }
});

const POLICY_BASELINE = "testing/btest/Baseline/scripts.policy.frameworks.netcontrol";
const CATCH_RELEASE = [...BASE, "policy/frameworks/netcontrol/catch-and-release"];

/** A log's rows only, as the canonifier `grep -v ^# | diff-remove-timestamps` leaves them. */
function rowsOnly(text: string): string {
  return canonicalBtestLog(
    text
      .split("\n")
      .filter((l) => !l.startsWith("#"))
      .join("\n"),
  );
}

/**
 * The rule_added handler of the catch-and-release btests: for the plugin
 * `plugin` answers (all when null), up to `times` times, the rule is deleted
 * behind the framework's back and its address seen again.
 */
function deleteAndSee(nc: NetControl, engine: Engine, times: number, reason: string, plugin: string | null): void {
  const cr = catchAndRelease(nc);
  let i = 0;
  engine.on("NetControl::rule_added", (r, p) => {
    if (plugin !== null && p.plugin.name(p) !== plugin) return;
    if (++i >= times) return;
    nc.deleteRule(r.id, reason);
    cr.seen(r.entity.ip!.replace(/\/\d+$/, ""));
  });
}

/** The btests' connection_established handler: a catch-and-release drop, twice (the second one a duplicate). */
function dropTwice(nc: NetControl, engine: Engine): void {
  engine.on("connection_established", (c) => {
    catchAndRelease(nc).drop(c.id.orig_h);
    catchAndRelease(nc).drop(c.id.orig_h);
  });
}

test("Zeek's catch-and-release btests as TypeScript twins: their logs are Zeek's baselines", async (t) => {
  const zeek = sourceOr(t);
  if (zeek === null) return;
  const check = (run: Run, name: string) => {
    assert.equal(rowsOnly(run.logs.text("netcontrol")), baseline(zeek, `${POLICY_BASELINE}.${name}/netcontrol.log`), "netcontrol.log");
    const cr = run.logs.text("netcontrol_catch_release");
    assert.equal(canonical(cr), baseline(zeek, `${POLICY_BASELINE}.${name}/netcontrol_catch_release.log`), "netcontrol_catch_release.log");
  };

  await t.test("catch-and-release: blocked, seen again five times, each block longer up to the last interval", async () => {
    const run = await replay(zeek, "tls/ecdhe.pcap", CATCH_RELEASE, (nc, engine) => {
      activateDebug(nc, engine);
      dropTwice(nc, engine);
      deleteAndSee(nc, engine, 6, "testing", null);
    });
    check(run, "catch-and-release");
  });

  await t.test("catch-and-release-2: an address dropped outside catch-and-release is watched, then reblocked", async () => {
    const run = await replay(zeek, "tls/ecdhe.pcap", CATCH_RELEASE, (nc, engine) => {
      activateDebug(nc, engine);
      engine.on("connection_established", (c) => {
        nc.dropAddress(c.id.orig_h, 120);
        catchAndRelease(nc).drop(c.id.orig_h, "test drop");
      });
      deleteAndSee(nc, engine, 3, "", null);
    });
    check(run, "catch-and-release-2");
  });

  await t.test("catch-and-release-two-plugins: both plugins' answers logged", async () => {
    const run = await replay(zeek, "tls/ecdhe.pcap", CATCH_RELEASE, (nc, engine) => {
      engine.on("NetControl::init", () => {
        nc.activate(createDebug(nc, true, "plugin-1"), 0);
        nc.activate(createDebug(nc, true, "plugin-2"), 0);
      });
      dropTwice(nc, engine);
      deleteAndSee(nc, engine, 6, "testing", "plugin-2");
    });
    check(run, "catch-and-release-two-plugins");
  });

  await t.test("catch-and-release-two-plugins-2: a plugin finding the rule existing and one failing", async () => {
    const run = await replay(zeek, "tls/ecdhe.pcap", CATCH_RELEASE, (nc, engine) => {
      engine.on("NetControl::init", () => {
        nc.activate(createDebugExists(nc, "exists"), 0);
        nc.activate(createDebugError(nc, "error"), 0);
        nc.activate(createDebug(nc, true, "plugin-1"), 0);
      });
      dropTwice(nc, engine);
      deleteAndSee(nc, engine, 6, "testing", "plugin-1");
    });
    check(run, "catch-and-release-two-plugins-2");
  });

  await t.test("catch-and-release-forgotten: the block times out, the address is forgotten after its watch", async () => {
    const settings = ["NetControl::catch_release_intervals=vector(1sec, 2sec, 2sec)"];
    const run = await replay(
      zeek,
      "smtp.pcap",
      CATCH_RELEASE,
      (nc, engine, print) => {
        activateDebug(nc, engine);
        let pc = 0;
        engine.on("new_packet", () => {
          if (++pc === 1) catchAndRelease(nc).drop("10.0.0.1");
        });
        engine.on("NetControl::catch_release_forgotten", (a, bi) => print(`Forgotten: , ${a}, ${describeBlockInfo(bi)}`));
      },
      settings,
    );
    const name = "catch-and-release-forgotten";
    assert.equal(canonical(run.logs.text("netcontrol_catch_release")), baseline(zeek, `${POLICY_BASELINE}.${name}/netcontrol_catch_release.log`));
    assert.equal(canonicalBtestLog(run.printed.join("\n")), stdoutOf(zeek, `${POLICY_BASELINE}.${name}/.stdout`));
  });
});

/** The run's OpenFlow framework, writing to the run's logs. */
function openflowOf(nc: NetControl, engine: Engine): OpenFlow {
  return openFlowFramework(engine, { logs: nc.deps.logs, error: nc.deps.error });
}

/** The btests' NetControl::init handler: a log controller for switch 42 under NetControl's OpenFlow plugin, at priority 0. */
function activateOpenflowLog(nc: NetControl, engine: Engine): void {
  engine.on("NetControl::init", () => nc.activate(createOpenflow(nc, openflowOf(nc, engine).logNew(42)), 0));
}

test("Zeek's OpenFlow btests as TypeScript twins: openflow.log and netcontrol.log are Zeek's baselines", async (t) => {
  const zeek = sourceOr(t);
  if (zeek === null) return;

  await t.test("openflow/log-basic: flow mods of a log controller, before the first packet and for each connection both ways", async () => {
    const run = await replay(zeek, "smtp.pcap", ["base/protocols/conn", "base/frameworks/openflow"], (nc, engine) => {
      const of = openflowOf(nc, engine);
      let controller: Controller | null = null;
      let cookieId = 42;
      engine.on("zeek_init", () => {
        controller = of.logNew(42);
        of.flowMod(controller, {}, { cookie: of.generateCookie(1), command: "OpenFlow::OFPFC_ADD", actions: { out_ports: [3, 7] } });
      });
      engine.on("connection_established", (c) => {
        const flowMod: OfpFlowModInput = { cookie: of.generateCookie(++cookieId), command: "OpenFlow::OFPFC_ADD", idle_timeout: 30, priority: 5 };
        of.flowMod(controller!, of.matchConn(c.id), flowMod);
        of.flowMod(controller!, of.matchConn(c.id, true), flowMod);
      });
    });
    assert.equal(canonical(run.logs.text("openflow")), baseline(zeek, "testing/btest/Baseline/scripts.base.frameworks.openflow.log-basic/openflow.log"));
  });

  await t.test("netcontrol/openflow: a shunt (one flow mod) and an address drop (two) per connection, answered by the log controller", async () => {
    const run = await replay(zeek, "smtp.pcap", BASE, (nc, engine) => {
      activateOpenflowLog(nc, engine);
      engine.on("connection_established", (c) => {
        nc.shuntFlow(flowOf(c), 30);
        nc.dropAddress(c.id.resp_h, 15);
      });
    });
    for (const log of ["netcontrol", "openflow"]) assert.equal(canonical(run.logs.text(log)), baseline(zeek, `${BASELINE}.openflow/${log}.log`), log);
  });

  await t.test("netcontrol/quarantine-openflow: quarantine's drop, rewrites and whitelist as flow mods", async () => {
    const run = await replay(zeek, "tls/ecdhe.pcap", BASE, (nc, engine) => {
      activateOpenflowLog(nc, engine);
      engine.on("connection_established", (c) => void nc.quarantineHost(c.id.orig_h, "8.8.8.8", "192.169.18.1", 10 * 3600));
    });
    for (const log of ["netcontrol", "openflow"])
      assert.equal(canonical(run.logs.text(log)), baseline(zeek, `${BASELINE}.quarantine-openflow/${log}.log`), log);
  });
});
