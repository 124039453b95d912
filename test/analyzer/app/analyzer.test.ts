/**
 * The app-analyzer interface: analyzers registered by responder port get the
 * connection's streams from the reassembler's deliveries (in order, first copy
 * wins), holes as `undelivered`, the end of each side, and `done` once; a
 * throwing analyzer is detached with a weird; nothing is attached elsewhere.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { TcpConn } from "../../../src/analyzer/tcp/tcp-conn.js";
import { type AppAnalyzer, type AppAnalyzerHost, type AppAnalyzerSpec, Engine, loadBuiltinScripts } from "../../../src/index.js";
import { ConnRecord } from "../../../src/session/conn-record.js";
import { memorySource } from "../../helpers/packets.js";
import { parseLogText } from "../../helpers/tsv.js";
import { handshake, type Seg, tcpTrace } from "../../session/harness.js";

const text = (b: Uint8Array): string => new TextDecoder("latin1").decode(b);

/** Records every call as a line. */
function recorder(log: string[], ports: number[], onData?: (host: AppAnalyzerHost, data: string) => void): AppAnalyzerSpec {
  return {
    name: "REC",
    tcpPorts: ports,
    create(host): AppAnalyzer {
      log.push(`create ${host.conn().id.resp_p}`);
      return {
        deliverStream: (isOrig, seq, data) => {
          log.push(`data ${isOrig ? "o" : "r"} ${seq} ${text(data)}`);
          onData?.(host, text(data));
        },
        undelivered: (isOrig, seq, len) => log.push(`gap ${isOrig ? "o" : "r"} ${seq} ${len}`),
        endOfData: (isOrig) => log.push(`eof ${isOrig ? "o" : "r"}`),
        done: () => log.push("done"),
      };
    },
  };
}

const SEGS: Seg[] = [
  ...handshake(0),
  { t: 1, from: "c", flags: "PA", seq: 1004, ack: 5001, payload: "def" }, // early
  { t: 2, from: "c", flags: "PA", seq: 1001, ack: 5001, payload: "abc" },
  { t: 3, from: "c", flags: "PA", seq: 1001, ack: 5001, payload: "XYZ" }, // retransmission, other bytes: ignored
  { t: 4, from: "s", flags: "PA", seq: 5001, ack: 1007, payload: "ok" },
  { t: 5, from: "s", flags: "PA", seq: 5011, ack: 1007, payload: "late" }, // 3..10 never seen
  { t: 6, from: "c", flags: "A", seq: 1007, ack: 5015 }, // acks the hole
  { t: 7, from: "c", flags: "FA", seq: 1007, ack: 5015 },
  { t: 8, from: "s", flags: "FA", seq: 5015, ack: 1008 },
  { t: 9, from: "c", flags: "A", seq: 1008, ack: 5016 },
];

test("an analyzer registered for the responder port gets ordered streams, gaps, both ends and done once", async () => {
  const log: string[] = [];
  const engine = new Engine().registerAnalyzer(recorder(log, [80]));
  await engine.run(memorySource(tcpTrace(SEGS)));
  assert.deepEqual(log, ["create 80", "data o 1 abc", "data o 4 def", "data r 1 ok", "gap r 3 8", "data r 11 late", "eof o", "eof r", "done"]);
});

test("no analyzer for other ports, and a connection without one (and without DPD) has no stream consumers at all", async () => {
  const log: string[] = [];
  const engine = new Engine({ analyzers: [] }).registerAnalyzer(recorder(log, [8080]));
  const consumers: unknown[] = [];
  engine.on("connection_state_remove", (c) => consumers.push(c instanceof ConnRecord && c.owner instanceof TcpConn ? c.owner.streams : "?"));
  await engine.run(memorySource(tcpTrace(SEGS)));
  assert.deepEqual(log, []);
  assert.deepEqual(consumers, [null]);
});

test("confirm puts the name into c.service; a violation after it: disabled (done), later data not delivered, service withdrawn, analyzer.log", async () => {
  const log: string[] = [];
  const services: string[][] = [];
  const failed: string[][] = [];
  const spec = recorder(log, [80], (host, data) => {
    if (data === "abc") host.confirm();
    if (data === "ok") host.violation("not my protocol", "ok");
  });
  const engine = new Engine({ analyzers: [] }).registerAnalyzer(spec);
  const scripts = loadBuiltinScripts(engine, { memory: true });
  const events: string[] = [];
  engine.on("analyzer_confirmation_info", (atype) => events.push(`confirm ${atype}`));
  engine.on("analyzer_violation_info", (atype, info) => events.push(`violation ${atype} ${info.reason}`));
  engine.on("analyzer_failed", (_ts, atype) => events.push(`failed ${atype}`));
  engine.on("connection_state_remove", (c) => {
    services.push([...c.service]);
    failed.push([...(c.failed_analyzers ?? [])]);
  });
  await engine.run(memorySource(tcpTrace(SEGS)));
  scripts.close();
  assert.deepEqual(events, ["confirm REC", "violation REC not my protocol", "failed REC"]);
  assert.deepEqual(services, [[]]);
  assert.deepEqual(failed, [["REC"]]);
  assert.deepEqual(log, ["create 80", "data o 1 abc", "data o 4 def", "data r 1 ok", "done"]);
  const rows = scripts.logs
    .text("analyzer")
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("#"));
  assert.equal(rows.length, 1);
  assert.deepEqual(rows[0]!.split("\t").slice(1), [
    "protocol",
    "REC",
    rows[0]!.split("\t")[3]!,
    "-",
    "10.0.0.1",
    "40000",
    "192.0.2.10",
    "80",
    "tcp",
    "not my protocol",
    "ok",
  ]);
});

test("a violation before confirmation disables the analyzer but writes no analyzer.log row; past DPD::ignore_violations_after it stays", async () => {
  for (const [settings, expectDone] of [
    [[], true],
    [["DPD::ignore_violations_after=2"], false],
  ] as const) {
    const log: string[] = [];
    const spec = recorder(log, [80], (host, data) => void (data === "abc" && host.violation("nope")));
    const engine = new Engine({ settings: [...settings], analyzers: [] }).registerAnalyzer(spec);
    const scripts = loadBuiltinScripts(engine, { memory: true });
    await engine.run(memorySource(tcpTrace(SEGS)));
    scripts.close();
    assert.equal(scripts.logs.text("analyzer"), "");
    // Disabled: nothing after the packet that violated; kept: every chunk.
    assert.equal(log.includes("data r 1 ok"), !expectDone, `settings ${settings.join(" ")}`);
  }
});

test("DPD::ignore_violations keeps a named analyzer through its violations, as a protocol script's redef does", async () => {
  for (const [settings, expectKept] of [
    [[], false],
    [["DPD::ignore_violations+={ Analyzer::ANALYZER_HTTP }"], true],
    [["DPD::ignore_violations+={ Analyzer::ANALYZER_SMB }"], false],
  ] as const) {
    const log: string[] = [];
    const spec = { ...recorder(log, [80], (host, data) => void (data === "abc" && host.violation("nope"))), name: "HTTP" };
    const engine = new Engine({ settings: [...settings], analyzers: [] }).registerAnalyzer(spec);
    const scripts = loadBuiltinScripts(engine, { memory: true });
    await engine.run(memorySource(tcpTrace(SEGS)));
    scripts.close();
    assert.equal(log.includes("data r 1 ok"), expectKept, `settings ${settings.join(" ")}`);
  }
});

test("failed-service-logging's column, and DPD::track_removed_services_in_connection keeping NAME,-NAME in service", async () => {
  for (const [settings, service] of [
    [[], "-"],
    [["DPD::track_removed_services_in_connection=T"], "rec,-rec"],
  ] as const) {
    const spec = recorder([], [80], (host, data) => {
      if (data === "abc") host.confirm();
      if (data === "ok") host.violation("not my protocol", "ok");
    });
    const engine = new Engine({ settings: [...settings], analyzers: [] }).registerAnalyzer(spec);
    const scripts = loadBuiltinScripts(engine, { memory: true, loads: ["policy/protocols/conn/failed-service-logging"] });
    await engine.run(memorySource(tcpTrace(SEGS)));
    scripts.close();
    const { fields, rows } = parseLogText(scripts.logs.text("conn"));
    const row = rows[0]!;
    assert.equal(fields.at(-1), "failed_service");
    assert.equal(row[fields.indexOf("service")], service, `settings ${settings.join(" ")}`);
    assert.equal(row.at(-1), "rec");
  }
});

test("an analyzer that throws is a violation and is removed at once; the engine carries on", async () => {
  const weirds: string[] = [];
  let removed = 0;
  const spec: AppAnalyzerSpec = {
    name: "BOOM",
    tcpPorts: [80],
    create: () => ({
      deliverStream: () => {
        throw new Error("parser exploded");
      },
      undelivered: () => {},
      endOfData: () => {},
      done: () => weirds.push("done"),
    }),
  };
  const engine = new Engine({ analyzers: [] }).registerAnalyzer(spec);
  engine.on("analyzer_violation_info", (atype, info) => weirds.push(`${atype}: ${info.reason}`));
  engine.on("connection_state_remove", () => removed++);
  await engine.run(memorySource(tcpTrace(SEGS)));
  // done runs at once; the event's handler after the packet.
  assert.deepEqual(weirds, ["done", "BOOM: BOOM analyzer error: parser exploded"]);
  assert.equal(removed, 1);
});

test("registering makes the ports likely server ports (Zeek's register_for_ports): a SYN-ACK-less reply flips", async () => {
  // The first packet comes from port 7777 (no SYN): with 7777 a server port the connection is flipped.
  const segs: Seg[] = [{ t: 1, from: "s", flags: "PA", seq: 5001, ack: 1001, payload: "hi" }];
  const trace = tcpTrace(segs, { sport: 7777 });
  const respPorts = async (engine: Engine): Promise<number[]> => {
    const out: number[] = [];
    engine.on("connection_state_remove", (c) => out.push(c.id.resp_p));
    await engine.run(memorySource(trace));
    return out;
  };
  assert.deepEqual(await respPorts(new Engine()), [40000]);
  assert.deepEqual(await respPorts(new Engine().registerAnalyzer(recorder([], [7777]))), [7777]);
});

test("addChild: one child per name unless `multiple`; each child sees its `key` as childKey (SMB's DCE_RPC per pipe)", async () => {
  const log: string[] = [];
  const child: AppAnalyzerSpec = {
    name: "KID",
    tcpPorts: [],
    create(host): AppAnalyzer {
      log.push(`kid ${host.childKey}`);
      return {
        deliverStream: (isOrig, _seq, data) => {
          log.push(`kid ${host.childKey} ${isOrig ? "o" : "r"} ${text(data)}`);
        },
        undelivered: () => {},
        endOfData: () => {},
        done: () => {},
      };
    },
  };
  const parent: AppAnalyzerSpec = {
    name: "PARENT",
    tcpPorts: [80],
    create(host): AppAnalyzer {
      log.push(`parent ${host.childKey}`);
      return {
        deliverStream: (isOrig, seq, data) => {
          if (!isOrig || seq !== 1) return;
          const a = host.addChild("KID", { key: 7 });
          log.push(`again ${host.addChild("KID") === null}`);
          const b = host.addChild("KID", { multiple: true, key: 9 });
          a?.deliverStream(true, 1, data);
          b?.deliverStream(true, 1, data);
        },
        undelivered: () => {},
        endOfData: () => {},
        done: () => {},
      };
    },
  };
  const engine = new Engine().registerAnalyzer(parent).registerAnalyzer(child);
  await engine.run(memorySource(tcpTrace(SEGS)));
  assert.deepEqual(log, ["parent 0", "kid 7", "again true", "kid 9", "kid 7 o abc", "kid 9 o abc"]);
});
