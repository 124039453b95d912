/**
 * policy/protocols/conn/multicast-participants (multicast_participants.log)
 * and the IGMP analyzer it brings (src/analyzer/igmp), on IGMP messages and
 * multicast datagrams made here.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Engine } from "../../src/engine.js";
import { loadBuiltinScripts } from "../../src/index.js";
import * as B from "../helpers/packets.js";
import { memorySource, type TestPacket } from "../helpers/packets.js";
import { udpPacket } from "../session/harness.js";

const SCRIPT = "protocols/conn/multicast-participants";
const GROUP = "239.1.2.3";

/** An IGMP message with its checksum filled in (or spoilt). */
function igmp(t: number, src: string, dst: string, body: number[], badChecksum = false): TestPacket {
  const msg = [...body];
  msg[2] = 0;
  msg[3] = 0;
  const sum = B.onesComplementSum(Uint8Array.from(msg));
  const ck = sum ^ (badChecksum ? 1 : 0);
  msg[2] = ck >> 8;
  msg[3] = ck & 0xff;
  return { ts: t, bytes: B.frame(B.ipv4({ src, dst, proto: 2 }, msg)) };
}
const quad = (a: string): number[] => a.split(".").map(Number);
const reportV2 = (t: number, member: string, group: string, bad = false) => igmp(t, member, group, [0x16, 0, 0, 0, ...quad(group)], bad);
const leave = (t: number, member: string, group: string) => igmp(t, member, "224.0.0.2", [0x17, 0, 0, 0, ...quad(group)]);
/** A v3 report of one group record of type `type` with `sources`. */
const reportV3 = (t: number, member: string, group: string, type: number, sources: string[] = []) =>
  igmp(t, member, "224.0.0.22", [0x22, 0, 0, 0, 0, 0, 0, 1, type, 0, 0, sources.length, ...quad(group), ...sources.flatMap(quad)]);

async function run(packets: TestPacket[], settings: string[] = [], loads = [SCRIPT], spicy = false) {
  const engine = new Engine({ settings, spicy });
  const scripts = loadBuiltinScripts(engine, { memory: true, loads, bare: true });
  await engine.run(memorySource(packets));
  const rows = (log: string) =>
    scripts.logs
      .text(log)
      .split("\n")
      .filter((l) => l !== "" && !l.startsWith("#"))
      .map((l) => l.split("\t"));
  return { rows, written: scripts.logs.written() };
}

test("multicast_participants.log: a datagram to a group lists the members IGMP reported, before it started and while it lasted", async () => {
  const { rows } = await run([
    reportV2(1, "10.0.0.5", GROUP),
    udpPacket(2, "10.0.0.9", 5000, GROUP, 6000, "x"),
    reportV3(3, "10.0.0.6", GROUP, 5, ["10.0.0.9"]),
    udpPacket(4, "10.0.0.9", 5001, "239.9.9.9", 6000, "nobody listens"),
  ]);
  const log = rows("multicast_participants");
  assert.equal(log.length, 1, "a group without members writes no row");
  assert.deepEqual(log[0]!.slice(2, 5), ["10.0.0.9", GROUP, "6000"]);
  assert.deepEqual(log[0]![5]!.split(",").sort(), ["10.0.0.5", "10.0.0.6"]);
  // IGMP analysed: its packets are no connections.
  assert.ok(rows("conn").every((r) => r[6] === "udp"));
});

test("multicast-participants: a leave, or a v3 change to include mode with no sources, takes a member out; a bad checksum is a weird and no report", async () => {
  const { rows } = await run(
    [
      reportV2(1, "10.0.0.5", GROUP),
      reportV2(1.1, "10.0.0.6", GROUP),
      reportV2(1.2, "10.0.0.7", GROUP, true),
      leave(1.5, "10.0.0.5", GROUP),
      reportV3(1.6, "10.0.0.6", GROUP, 3),
      reportV3(1.7, "10.0.0.8", GROUP, 2),
      udpPacket(2, "10.0.0.9", 5000, GROUP, 6000, "x"),
    ],
    [],
    [SCRIPT, "base/frameworks/notice/weird"],
  );
  assert.deepEqual(rows("multicast_participants")[0]![5], "10.0.0.8");
  assert.deepEqual(
    rows("weird").map((r) => [r[2], r[4], r[6], r[10]]),
    [["10.0.0.7", GROUP, "igmp_invalid_checksum", "IGMP"]],
  );
});

test("multicast-participants: past Conn::max_igmp_groups and max_igmp_sources_per_group, weirds and nothing tracked", async () => {
  const { rows } = await run(
    [reportV2(1, "10.0.0.5", "239.0.0.1"), reportV2(1, "10.0.0.5", "239.0.0.2"), reportV2(1, "10.0.0.6", "239.0.0.1")],
    ["Conn::max_igmp_groups=1", "Conn::max_igmp_sources_per_group=1"],
    [SCRIPT, "base/frameworks/notice/weird"],
  );
  assert.deepEqual(
    rows("weird").map((r) => [r[6], r[7]]),
    [
      ["igmp_max_groups_exceeded", "-"],
      ["igmp_max_sources_exceeded", "239.0.0.1"],
    ],
  );
});

test("without a script handling IGMP's events, IGMP packets stay unknown-IP connections (the corpus' Zeek has no IGMP analyzer)", async () => {
  const { rows } = await run([reportV2(1, "10.0.0.5", GROUP, true)], [], []);
  assert.deepEqual(
    rows("conn").map((r) => [r[2], r[4], r[6]]),
    [["10.0.0.5", GROUP, "unknown_transport"]],
  );
});

test("with --spicy (Zeek built with Spicy) IGMP is analysed without any script: packets, no connections; a bad checksum is igmp_invalid_checksum", async () => {
  const { rows } = await run([reportV2(1, "10.0.0.5", GROUP, true)], [], ["base/frameworks/notice/weird"], true);
  assert.deepEqual(rows("conn"), []);
  assert.deepEqual(
    rows("weird").map((r) => [r[2], r[4], r[6], r[10]]),
    [["10.0.0.5", GROUP, "igmp_invalid_checksum", "IGMP"]],
  );
});
