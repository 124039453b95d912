/**
 * Trace recording as the analysis decides (packet/packet-use.ts): which
 * packets the engine hands its recorder whole, header-only or not at all, the
 * recordContents override, what a re-read of the recording gives, and
 * tcpdump reading it. Self-made traces; corpus traces in recording-corpus.test.ts.
 */
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { DEFAULT_ANALYZERS } from "../../src/analyzer/app/protocols.js";
import { SSH_ANALYZER } from "../../src/analyzer/app/ssh/ssh.js";
import { setContentsFile } from "../../src/analyzer/tcp/contents-file.js";
import type { Engine, EngineOptions } from "../../src/engine.js";
import type { Connection } from "../../src/event/records.js";
import { recordContents } from "../../src/record/record-contents.js";
import { closedConnection } from "../cli/traces.js";
import { parseLog } from "../conformance/conn-compare.js";
import { oracleMissing } from "../helpers/corpus.js";
import { bytes, ETH_ARP, ethernet, frame, icmp4, ipv4, memorySource, PROTO_UDP, type TestPacket, tcp4, udp, udp4 } from "../helpers/packets.js";
import { assertSameButGaps, assertSameConnLog, type Recorded, recordRun, reread as rereadTrace } from "./recording-helpers.js";

const dir = mkdtempSync(join(tmpdir(), "bronze-recording-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const SEED = Array.from({ length: 21 }, (_, i) => 7 + i * 104729);
const CLIENT = "10.1.0.5";
const SERVER = "10.2.0.9";
const ETH_IPV4_TCP_HEADERS = 14 + 20 + 20;
const ETH_IPV4_UDP_HEADERS = 14 + 20 + 8;

let files = 0;

/**
 * The engine over `packets` (conn.log in memory, fixed uids) with a recorder;
 * `setup` adds handlers and analyzers. No application analyzers by default:
 * these tests pin the transport layers' rule (DPD's own use is tested apart).
 */
function record(
  packets: TestPacket[],
  setup: (e: Engine) => void = () => {},
  settings: string[] = [],
  analyzers: EngineOptions["analyzers"] = [],
): Promise<Recorded> {
  return recordRun(memorySource(packets), join(dir, `rec-${++files}.pcap`), { seed: SEED, settings, setup, analyzers });
}

/** conn.log of a run (plain unless `setup` adds to it) over a trace file. */
function reread(path: string, settings: string[] = [], setup: (e: Engine) => void = () => {}): Promise<string> {
  return rereadTrace(path, { seed: SEED, settings, setup });
}

const at = (t: number, b: Uint8Array): TestPacket => ({ ts: t, bytes: frame(b) });

/** A TCP exchange (5 payload bytes each way), a UDP request/reply, an ICMP echo and an ARP request. */
function mixedTrace(port = 8080): TestPacket[] {
  const c = { src: CLIENT, dst: SERVER };
  const s = { src: SERVER, dst: CLIENT };
  const arp = ethernet("ff:ff:ff:ff:ff:ff", "00:00:00:00:00:05", ETH_ARP, bytes([0, 1, 8, 0, 6, 4, 0, 1, ...new Array<number>(20).fill(7)]));
  return [
    ...closedConnection(CLIENT, 40001, SERVER, port, 1000),
    at(1001, udp4(c, { sport: 41000, dport: 9999, payload: "ping-request" })),
    at(1001.1, udp4(s, { sport: 9999, dport: 41000, payload: "pong-reply" })),
    at(1002, icmp4(c, { type: 8, id: 7, seq: 1, payload: "abcdefgh" })),
    at(1002.1, icmp4(s, { type: 0, id: 7, seq: 1, payload: "abcdefgh" })),
    { ts: 1003, bytes: arp },
  ];
}

/** Indices of the TCP packets that carry payload in closedConnection. */
const TCP_DATA = [3, 4];

test("a plain conn.log run records headers: TCP and UDP cut after the transport header, ICMP and non-IP whole", async () => {
  const packets = mixedTrace();
  const r = await record(packets);
  assert.equal(r.records.length, packets.length, "every packet that entered the engine is in the trace");
  r.records.forEach((rec, i) => assert.equal(rec.wirelen, packets[i]!.bytes.length, `packet ${i}: wire length kept`));
  assert.deepEqual(
    r.records.slice(0, 8).map((x) => x.caplen),
    new Array(8).fill(ETH_IPV4_TCP_HEADERS),
    "TCP: headers only",
  );
  for (const i of TCP_DATA) assert.ok(r.records[i]!.wirelen > ETH_IPV4_TCP_HEADERS, "the data segments were cut");
  assert.deepEqual(
    r.records.slice(8, 10).map((x) => x.caplen),
    [ETH_IPV4_UDP_HEADERS, ETH_IPV4_UDP_HEADERS],
    "UDP: headers only",
  );
  assert.deepEqual(
    r.records.slice(10).map((x) => x.caplen),
    packets.slice(10).map((p) => p.bytes.length),
    "ICMP and ARP whole",
  );
  // The ARP request counts as header-only: to bronze, which does not parse it, it is all header.
  assert.deepEqual([r.recorder.whole, r.recorder.headersOnly, r.recorder.skipped], [2, 11, 0]);
  // conn.log from the recording: UDP and ICMP identical, TCP identical but for the payload it no longer has.
  const again = await reread(r.path);
  assertSameButGaps(r.conn, again);
  const replayed = parseLog(again);
  const col = (name: string): number => replayed.columns.indexOf(name);
  const isTcp = (row: string[]): boolean => row[col("proto")] === "tcp";
  const tcp = replayed.rows.find(isTcp)!;
  assert.deepEqual(
    ["orig_bytes", "resp_bytes", "conn_state", "missed_bytes", "history"].map((c) => tcp[col(c)]),
    ["5", "5", "SF", "10", "ShADdGFgf"],
  );
  assert.deepEqual(
    replayed.rows.filter((row) => !isTcp(row)),
    parseLog(r.conn).rows.filter((row) => !isTcp(row)),
  );
});

test("DPD takes the first bytes: with the default analyzers the payload the PIA buffered is recorded whole", async () => {
  // A port no default analyzer registers (8080 is HTTP's, whose analyzer takes every byte): only the PIA looks.
  const packets = mixedTrace(9091);
  const r = await record(packets, () => {}, [], DEFAULT_ANALYZERS);
  // The client's first bytes rule out every originator signature, but a responder one (SSL's
  // dpd_tls_server) can still enable its analyzer: DPD looks at the reply too, whose first byte
  // rules that out.
  assert.deepEqual(
    TCP_DATA.map((i) => r.records[i]!.caplen),
    TCP_DATA.map((i) => packets[i]!.bytes.length),
  );
  assert.equal(r.records[2]!.caplen, ETH_IPV4_TCP_HEADERS, "a pure ACK has nothing but headers");
  // Past dpd_buffer_size the PIA stops: later payload is header-only again.
  const small = await record(packets, () => {}, ["dpd_buffer_size=2"], DEFAULT_ANALYZERS);
  assert.deepEqual(
    TCP_DATA.map((i) => small.records[i]!.caplen),
    [packets[3]!.bytes.length, ETH_IPV4_TCP_HEADERS],
  );
  assertSameButGaps(r.conn, await reread(r.path));
});

test("payload delivered to tcp_contents is recorded whole, and the recording gives the same conn.log", async () => {
  const packets = mixedTrace();
  const delivered = ["tcp_content_deliver_all_orig=T", "tcp_content_deliver_all_resp=T"];
  const r = await record(packets, (e) => e.on("tcp_contents", () => {}), delivered);
  for (const i of TCP_DATA) assert.equal(r.records[i]!.caplen, packets[i]!.bytes.length, `data segment ${i} whole`);
  assert.equal(r.records[2]!.caplen, ETH_IPV4_TCP_HEADERS, "a pure ACK has nothing but headers");
  assert.equal(r.recorder.whole, 4, "2 data segments, 2 ICMP messages");
  assertSameConnLog(await reread(r.path), r.conn);

  // A handler but no delivery configured: the analysis took no payload.
  const idle = await record(packets, (e) => e.on("tcp_contents", () => {}));
  for (const i of TCP_DATA) assert.equal(idle.records[i]!.caplen, ETH_IPV4_TCP_HEADERS);
  // Only the originator's stream delivered: only its data segment whole.
  const origOnly = await record(packets, (e) => e.on("tcp_contents", () => {}), ["tcp_content_deliver_all_orig=T"]);
  assert.deepEqual(
    TCP_DATA.map((i) => origOnly.records[i]!.caplen),
    [packets[3]!.bytes.length, ETH_IPV4_TCP_HEADERS],
  );
});

test("other payload consumers: tcp_packet and udp_contents handlers, an application analyzer, a contents file", async () => {
  const packets = mixedTrace();
  const whole = (r: Recorded, i: number): boolean => r.records[i]!.caplen === packets[i]!.bytes.length;
  const tcpPacket = await record(packets, (e) => e.on("tcp_packet", () => {}));
  assert.ok(TCP_DATA.every((i) => whole(tcpPacket, i)));
  const udpContents = await record(packets, (e) => e.on("udp_contents", () => {}), ["udp_content_deliver_all_orig=T"]);
  assert.deepEqual([whole(udpContents, 8), whole(udpContents, 9)], [true, false], "the originator's datagram only");
  const file = join(dir, "orig-stream");
  const contents = await record(packets, (e) => e.on("new_connection", (c) => void (c.id.resp_p === 8080 && setContentsFile(c, "orig", file))));
  assert.deepEqual(
    TCP_DATA.map((i) => whole(contents, i)),
    [true, false],
    "a contents file of the originator's side",
  );
  const ssh = mixedTrace(22);
  const withSsh = (e: Engine) => void e.registerAnalyzer(SSH_ANALYZER);
  const analyzed = await record(ssh, withSsh);
  assert.ok(
    TCP_DATA.every((i) => analyzed.records[i]!.caplen === ssh[i]!.bytes.length),
    "SSH analyzer attached",
  );
  assertSameConnLog(await reread(analyzed.path, [], withSsh), analyzed.conn);
});

test("recordContents(c, bool) overrides the analysis for its connection, from the packet whose event the handler handles", async () => {
  const packets = mixedTrace();
  const byPort = (port: number, whole: boolean) => (e: Engine) =>
    e.on("new_connection", (c) => void (c.id.resp_p === port && assert.equal(recordContents(c, whole), true)));
  const up = await record(packets, byPort(8080, true));
  assert.deepEqual(
    up.records.slice(0, 8).map((x) => x.caplen),
    packets.slice(0, 8).map((p) => p.bytes.length),
    "whole from the first packet (new_connection's)",
  );
  assertSameConnLog(await reread(up.path), up.conn);
  assert.equal(up.records[8]!.caplen, ETH_IPV4_UDP_HEADERS, "other connections keep the analysis' decision");

  const delivered = ["tcp_content_deliver_all_orig=T", "tcp_content_deliver_all_resp=T"];
  const down = await record(
    packets,
    (e) => {
      e.on("tcp_contents", () => {});
      byPort(8080, false)(e);
    },
    delivered,
  );
  for (const i of TCP_DATA) assert.equal(down.records[i]!.caplen, ETH_IPV4_TCP_HEADERS, "headers although the payload was analysed");
  const icmpDown = await record(packets, byPort(0, false));
  assert.deepEqual(
    icmpDown.records.slice(10, 12).map((x) => x.caplen),
    [14 + 20 + 8, 14 + 20 + 8],
    "ICMP too (its key's resp_p is the echo's code, 0)",
  );

  // Back to the analysis' decision; and no effect on what is not a live connection.
  const reset = await record(packets, (e) =>
    e.on("new_connection", (c) => {
      recordContents(c, true);
      recordContents(c, null);
    }),
  );
  assert.deepEqual(
    reset.records.map((x) => x.caplen),
    (await record(packets)).records.map((x) => x.caplen),
  );
  let removed: Connection | null = null;
  await record(packets, (e) => e.on("connection_state_remove", (c) => void (removed ??= c)));
  assert.equal(recordContents(removed!, true), false);
  assert.equal(recordContents({ uid: "C1" } as unknown as Connection, true), false);
});

test("rejected packets are kept whole as evidence; packets the engine skipped are not recorded", async () => {
  const c = { src: CLIENT, dst: SERVER };
  const packets = [
    at(10, tcp4(c, { sport: 5000, dport: 80, seq: 1, ack: 1, flags: "PA", payload: "mid-stream" })),
    at(11, tcp4(c, { sport: 5001, dport: 80, seq: 1, flags: "S" })),
    at(11.1, tcp4(c, { sport: 5001, dport: 80, seq: 2, ack: 1, flags: "PA", payload: "corrupted", checksum: "bad" })),
    at(12, udp4(c, { sport: 5002, dport: 9999, payload: "bad-sum", checksum: "bad" })),
    at(13, ipv4({ ...c, proto: PROTO_UDP }, udp({ sport: 5003, dport: 9999 }, c)).subarray(0, 24)),
  ];
  const r = await record(packets, () => {}, ["partial_connection_ok=F"]);
  assert.equal(r.recorder.skipped, 1, "the mid-stream segment creates no state: not recorded");
  assert.deepEqual(
    r.records.map((x) => x.caplen),
    packets.slice(1).map((p) => p.bytes.length),
  );
  assert.deepEqual([r.recorder.whole, r.recorder.headersOnly], [3, 1]);
  assertSameConnLog(await reread(r.path, ["partial_connection_ok=F"]), r.conn, "the C letters come back from the kept packets");
});

test("a packet a layer measured by its captured bytes is recorded whole (an 802.3 length, here with LLC/SNAP)", async () => {
  const ip = tcp4({ src: CLIENT, dst: SERVER }, { sport: 7000, dport: 8080, seq: 1, flags: "S" });
  const data = tcp4({ src: CLIENT, dst: SERVER }, { sport: 7000, dport: 8080, seq: 2, ack: 1, flags: "PA", payload: "y".repeat(64) });
  const snap = (b: Uint8Array) => ethernet("00:00:00:00:00:02", "00:00:00:00:00:01", 8 + b.length, bytes([0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00, ...b]));
  const packets = [
    { ts: 30, bytes: snap(ip) },
    { ts: 30.1, bytes: snap(data) },
  ];
  const r = await record(packets);
  assert.deepEqual(
    r.records.map((x) => x.caplen),
    packets.map((p) => p.bytes.length),
    "the 802.3 length is checked against the capture",
  );
  assert.equal(parseLog(r.conn).rows.length, 1);
  assertSameConnLog(await reread(r.path), r.conn);
});

test("a tunnelled packet's headers run through its inner transport header", async () => {
  const outer = { src: "192.0.2.1", dst: "192.0.2.2" };
  const inner = frame(tcp4({ src: CLIENT, dst: SERVER }, { sport: 6000, dport: 8080, seq: 1, flags: "S" }));
  const data = frame(tcp4({ src: CLIENT, dst: SERVER }, { sport: 6000, dport: 8080, seq: 2, ack: 1, flags: "PA", payload: "x".repeat(100) }));
  const vxlan = (b: Uint8Array) => bytes([0x08, 0, 0, 0, 0, 0, 42, 0, ...b]);
  const packets = [
    at(20, udp4(outer, { sport: 50000, dport: 4789, payload: vxlan(inner) })),
    at(20.1, udp4(outer, { sport: 50000, dport: 4789, payload: vxlan(data) })),
  ];
  const r = await record(packets);
  const headers = ETH_IPV4_UDP_HEADERS + 8 + ETH_IPV4_TCP_HEADERS;
  assert.deepEqual(
    r.records.map((x) => x.caplen),
    [headers, headers],
  );
  assert.equal(parseLog(r.conn).rows.length, 2, "the VXLAN flow and the connection inside it");
  assertSameButGaps(r.conn, await reread(r.path));
});

test("tcpdump reads the recording without complaint", (t) => {
  if (spawnSync("tcpdump", ["--version"]).error) return oracleMissing(t, "tcpdump not found on PATH (.ci/run installs it)");
  return (async () => {
    const packets = mixedTrace();
    const r = await record(packets, (e) => e.on("new_connection", (c) => void (c.id.orig_p === 41000 && recordContents(c, true))));
    const out = spawnSync("tcpdump", ["-nn", "-r", r.path], { encoding: "utf8" });
    assert.equal(out.status, 0);
    assert.match(out.stderr.trim(), /^reading from file .*, link-type EN10MB \(Ethernet\)[^\n]*$/, "no complaint on stderr");
    const lines = out.stdout.trim().split("\n");
    assert.equal(lines.length, packets.length);
    assert.match(lines[3]!, new RegExp(`${CLIENT}\\.40001 > ${SERVER}\\.8080: Flags \\[P\\.\\], seq 1:6, ack 1, win \\d+, length 5`));
    assert.match(lines[8]!, /UDP, length 12/);
    assert.doesNotMatch(out.stdout, /truncated|\[\|/i, "header-only records end where tcpdump's decoding stops");
    const verbose = execFileSync("tcpdump", ["-nn", "-v", "-r", r.path], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    assert.equal(
      verbose
        .trim()
        .split("\n")
        .filter((l) => /^\d/.test(l)).length,
      packets.length,
    );
  })();
});
