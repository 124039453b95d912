/**
 * `schedule` statements' events (Engine.scheduleEvent), and the two scripts
 * that use them: policy/misc/capture-loss (capture_loss.log, get_gap_stats)
 * and policy/misc/stats (stats.log). Zeek's btests for both are reproduced
 * on their corpus traces (skipped when the corpus is absent).
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { Engine } from "../../src/engine.js";
import { loadBuiltinScripts } from "../../src/index.js";
import { loadCaptureLoss } from "../../src/scripts/capture-loss.js";
import { readTrace } from "../../src/source/open.js";
import { corpusRoot } from "../helpers/corpus.js";
import { memorySource, type TestPacket } from "../helpers/packets.js";
import { handshake, type Seg, tcpTrace } from "../session/harness.js";

const traces = join(corpusRoot(), "zeek", "traces");
const noCorpus = existsSync(traces) ? false : `corpus not found at ${traces}`;

function rowsOf(scripts: ReturnType<typeof loadBuiltinScripts>, log: string): string[][] {
  return scripts.logs
    .text(log)
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => l.split("\t"));
}

/** A connection with a 10-byte hole the server acks: one ACK above a gap among the client's. */
function gappedConnection(t0: number): TestPacket[] {
  const segs: Seg[] = [
    ...handshake(t0),
    { t: t0 + 1, from: "c", flags: "PA", seq: 1001, ack: 5001, payload: 10 },
    { t: t0 + 2, from: "s", flags: "A", seq: 5001, ack: 1011 },
    { t: t0 + 3, from: "c", flags: "PA", seq: 1021, ack: 5001, payload: 10 },
    { t: t0 + 4, from: "s", flags: "A", seq: 5001, ack: 1031 },
  ];
  return tcpTrace(segs);
}

test("a scheduled event runs in the drain after the packet that makes it due, before that packet's events", async () => {
  const engine = new Engine();
  const seen: string[] = [];
  engine.on("zeek_init", () => engine.scheduleEvent(60, (now) => seen.push(`scheduled@${now}`)));
  engine.on("new_connection", () => seen.push(`new_connection packets=${engine.packetsSeen}`));
  await engine.run(memorySource(tcpTrace(handshake(1000))));
  assert.deepEqual(seen, ["scheduled@1000", "new_connection packets=1"]);
});

test("at the end of input a pending scheduled event runs after net_done, before the connections are flushed and zeek_done, logs still open", async () => {
  const engine = new Engine();
  const scripts = loadBuiltinScripts(engine, { memory: true, bare: true });
  const seen: string[] = [];
  const log = scripts.logs.open({ path: "mine", fields: [{ name: "what", type: "string" }] });
  engine.on("net_done", () => seen.push("net_done"));
  engine.on("connection_state_remove", () => seen.push("connection_state_remove"));
  engine.on("zeek_done", () => seen.push("zeek_done"));
  engine.on("new_connection", () => {
    engine.scheduleEvent(engine.clock.now + 3600, () => {
      seen.push(`late active=${engine.stats().conns.activeTcp}`);
      log.write(["late"]);
      // Scheduling while terminating does nothing (Zeek's schedule expression).
      engine.scheduleEvent(engine.clock.now + 1, () => seen.push("never"));
    });
    engine.scheduleEvent(engine.clock.now + 1800, () => seen.push("earlier"));
    // A plain script timer (table expiry) is still dropped at the end.
    engine.schedule(engine.clock.now + 60, () => seen.push("table timer"));
  });
  await engine.run(memorySource(tcpTrace(handshake(1000))));
  assert.deepEqual(seen, ["net_done", "earlier", "late active=1", "connection_state_remove", "zeek_done"]);
  assert.deepEqual(rowsOf(scripts, "mine"), [["late"]]);
});

test("get_gap_stats: an ACK above a hole of an established connection is a gap event, its missing bytes the gap bytes", async () => {
  const engine = new Engine();
  await engine.run(memorySource(gappedConnection(1000)));
  const g = engine.stats().gaps;
  assert.equal(g.ackEvents, 2);
  assert.equal(g.gapEvents, 1);
  assert.equal(g.gapBytes, 10);
  assert.equal(g.ackBytes, 0, "Zeek adds seq - trim_seq after trimming to seq: always 0");
});

test("capture_loss.log: the first timer starts the count, the measurement pending at the end covers the rest", async () => {
  const engine = new Engine();
  const scripts = loadBuiltinScripts(engine, { memory: true, bare: true, loads: ["policy/misc/capture-loss"] });
  // A second connection whose only data ACK is above a hole: 3 ACKs, 2 above a gap.
  const second = tcpTrace(
    [...handshake(1010), { t: 1011, from: "c", flags: "PA", seq: 1001, ack: 5001, payload: 10 }, { t: 1012, from: "s", flags: "A", seq: 5001, ack: 1021 }],
    { cport: 40001 },
  );
  await engine.run(memorySource([...gappedConnection(1000), ...second].sort((a, b) => a.ts - b.ts)));
  const rows = rowsOf(scripts, "capture_loss");
  // ts: the last packet's time; ts_delta: since the first packet.
  assert.deepEqual(rows, [["1012.000000", "12.000000", "zeek", "2", "3", "66.666667"]]);
  const notices = rowsOf(scripts, "notice").map((r) => [r[10], r[11]]);
  assert.deepEqual(notices, [["CaptureLoss::Too_Much_Loss", "The capture loss script detected an estimated loss rate above 66.667%"]]);
});

test("capture-loss btest (dns53.pcap, an extra take_measurement at zeek_init): two rows of nothing, two Too_Little_Traffic notices", {
  skip: noCorpus,
}, async () => {
  const engine = new Engine();
  const scripts = loadBuiltinScripts(engine, { memory: true, bare: true, loads: ["base/frameworks/notice"] });
  const captureLoss = loadCaptureLoss(engine, scripts.logs, scripts.notices);
  // The test's own `event take_measurement(network_time(), 0, 0)` in zeek_init (network time 0 there).
  engine.on("zeek_init", () => captureLoss.takeMeasurement(0, 0, 0));
  await engine.run(readTrace(join(traces, "dns53.pcap")));
  const rows = rowsOf(scripts, "capture_loss").map((r) => r.slice(1));
  assert.deepEqual(rows, [
    ["0.000000", "zeek", "0", "0", "0.0"],
    ["0.000000", "zeek", "0", "0", "0.0"],
  ]);
  const notices = rowsOf(scripts, "notice").map((r) => r.slice(1).join("\t"));
  const expected = [
    "-\t-\t-\t-\t-\t-\t-\t-\t-\tCaptureLoss::Too_Little_Traffic\tOnly observed 0 TCP ACKs and was expecting at least 1.\t-\t-\t-\t-\t-\t-\tNotice::ACTION_LOG\t(empty)\t3600.000000\t-\t-\t-\t-\t-",
  ];
  assert.deepEqual(notices, [expected[0], expected[0]]);
});

test("stats btest (wikipedia.pcap): pkts_proc 1 at the first packet's report, then the rest at the end", { skip: noCorpus }, async () => {
  const engine = new Engine();
  const scripts = loadBuiltinScripts(engine, { memory: true, bare: true, loads: ["policy/misc/stats"] });
  await engine.run(readTrace(join(traces, "wikipedia.pcap")));
  const header = scripts.logs
    .text("stats")
    .split("\n")
    .find((l) => l.startsWith("#fields"))!
    .split("\t")
    .slice(1);
  const rows = rowsOf(scripts, "stats");
  const column = (name: string) => rows.map((r) => r[header.indexOf(name)]);
  assert.deepEqual(column("pkts_proc"), ["1", "135"]);
  assert.deepEqual(column("peer"), ["zeek", "zeek"]);
  assert.deepEqual(column("pkts_dropped"), ["-", "-"], "set only when reading live traffic");
  assert.deepEqual(column("dns_requests"), ["0", "0"]);
});
