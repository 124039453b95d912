/**
 * Zeek's btest core/packet-analyzer-override: a script re-maps what a
 * packet analyzer forwards (PacketAnalyzer::register_packet_analyzer) over
 * a mapping Zeek's own scripts made, and Zeek says so in reporter.log. The
 * twin registers the same on an engine with the btest's scripts (`zeek -b`,
 * base/frameworks/reporter, no trace); its reporter.log is compared with
 * the baseline read from Zeek's source (without it the test skips, saying
 * so). Self-made tests pin what the registration does to packets.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Engine } from "../../src/engine.js";
import { loadBuiltinScripts } from "../../src/index.js";
import { identifierText } from "../../src/packet/link.js";
import { oracleMissing } from "../helpers/corpus.js";
import { DEFAULT_DST_MAC, DEFAULT_SRC_MAC, ETH_IPV4, ETH_VLAN, ethernet, memorySource, type TestPacket, udp4, vlanTag } from "../helpers/packets.js";
import { run, ZEEK_SEED } from "../session/harness.js";
import { zeekSource } from "../signatures/btest-harness.js";
import { canonicalBtestLog } from "./btest-applogs-harness.js";

const zeek = zeekSource();

test("Zeek's btest core/packet-analyzer-override: ETHERNET's 0x0800 re-mapped from IP to SKIP is a reporter info", async (t) => {
  if (zeek === null) return oracleMissing(t, "Zeek's source not found (set BRONZE_ZEEK_SOURCE): its packet analyzer registration btest is not replayed");
  const loads = ["base/frameworks/reporter"];
  const engine = new Engine({ bare: true, loads, seed: ZEEK_SEED, settings: { "PacketAnalyzer::SKIP::skip_bytes": 0 } });
  const scripts = loadBuiltinScripts(engine, { memory: true, bare: true, loads, stderr: null });
  engine.on("zeek_init", () => {
    assert.equal(engine.registerPacketAnalyzer("PacketAnalyzer::ANALYZER_ETHERNET", 0x0800, "PacketAnalyzer::ANALYZER_SKIP"), true);
  });
  await engine.run(memorySource([]));
  scripts.close();
  const want = zeek.read("testing/btest/Baseline/core.packet-analyzer-override/reporter.log");
  assert.equal(maskTs(scripts.logs.text("reporter")), maskTs(want));
});

/**
 * A log as btest compares it, each row's ts masked: without a trace Zeek
 * stamps the message with the wall clock (which the baseline masks), bronze
 * with its clock before any packet.
 */
function maskTs(log: string): string {
  return canonicalBtestLog(log)
    .split("\n")
    .map((l) => (l.startsWith("#") ? l : l.replace(/^[^\t]*/, "XXXXXXXXXX.XXXXXX")))
    .join("\n");
}

/** Ethernet frames of EtherType `type` carrying `prefix`, then a UDP datagram from port `sport`. */
function frames(type: number, prefix: readonly number[], sports: readonly number[]): TestPacket[] {
  return sports.map((sport, i) => ({
    ts: 10 + i,
    bytes: ethernet(DEFAULT_DST_MAC, DEFAULT_SRC_MAC, type, [...prefix, ...udp4({ src: "10.3.0.1", dst: "10.3.0.2" }, { sport, dport: 53, payload: "q" })]),
  }));
}

const origins = (r: Awaited<ReturnType<typeof run>>) => r.removed.map((c) => c.orig).sort();

test("registerPacketAnalyzer(ETHERNET, 0x0800, SKIP): IPv4 frames skip PacketAnalyzer::SKIP::skip_bytes first, replacing the IP mapping with a reporter info", async () => {
  const shim = [0xca, 0xfe, 0xba, 0xbe];
  const packets = frames(ETH_IPV4, shim, [1000, 1001]);
  // As Zeek has it, 0x0800 is IP: the shim is no IP header.
  assert.deepEqual((await run(packets)).removed, []);
  const infos: string[] = [];
  const settings = { "PacketAnalyzer::SKIP::skip_bytes": shim.length };
  const r = await run(packets, { settings }, (engine) => {
    engine.reporterInfo = (m) => void infos.push(m);
    assert.equal(engine.registerPacketAnalyzer("PacketAnalyzer::ANALYZER_ETHERNET", ETH_IPV4, "PacketAnalyzer::ANALYZER_SKIP"), true);
  });
  assert.deepEqual(origins(r), ["10.3.0.1:1000", "10.3.0.1:1001"]);
  assert.deepEqual(infos, [`Overwriting packet analyzer mapping ${identifierText(ETH_IPV4)} => IP with SKIP`]);
});

test("registerPacketAnalyzer: an EtherType nothing had is IP from then on, per parent analyzer, without a reporter info", async () => {
  const CUSTOM = 0x9999;
  const plain = frames(CUSTOM, [], [2000]);
  // The same EtherType behind a VLAN tag.
  const tagged: TestPacket[] = [
    {
      ts: 20,
      bytes: ethernet(DEFAULT_DST_MAC, DEFAULT_SRC_MAC, ETH_VLAN, vlanTag(7, CUSTOM, udp4({ src: "10.3.0.1", dst: "10.3.0.2" }, { sport: 2001, dport: 53 }))),
    },
  ];
  const infos: string[] = [];
  const r = await run([...plain, ...tagged], {}, (engine) => {
    engine.reporterInfo = (m) => void infos.push(m);
    assert.equal(engine.registerPacketAnalyzer("ETHERNET", CUSTOM, "IP"), true);
  });
  // Registered under ETHERNET only: behind a VLAN tag the EtherType stays unknown.
  assert.deepEqual(origins(r), ["10.3.0.1:2000"]);
  assert.deepEqual(infos, []);
  const both = await run([...plain, ...tagged], {}, (engine) => {
    engine.registerPacketAnalyzer("ETHERNET", CUSTOM, "IP");
    engine.registerPacketAnalyzer("VLAN", CUSTOM, "IP");
  });
  assert.deepEqual(origins(both), ["10.3.0.1:2000", "10.3.0.1:2001"]);
});

test("registerPacketAnalyzer refuses what bronze cannot redirect: unknown names, a parent that forwards by no number here, a child without a link decoder", () => {
  const engine = new Engine();
  assert.equal(engine.registerPacketAnalyzer("ETHERNET", 0x0800, "ARP"), false);
  assert.equal(engine.registerPacketAnalyzer("UDP", 4789, "ETHERNET"), false);
  assert.equal(engine.registerPacketAnalyzer("ETHERNET", -1, "IP"), false);
  assert.equal(engine.registerPacketAnalyzer("ROOT", 147, "ETHERNET"), true);
  assert.equal(identifierText(0x800), "   0x800");
  assert.equal(identifierText(0), "       0");
});
