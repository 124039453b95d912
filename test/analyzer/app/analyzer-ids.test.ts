/**
 * Analyzer ids (aid) are Zeek's: one counter over every analyzer Zeek makes,
 * in the order it makes them. A new connection takes, at its creation, its
 * session adapter, its PIA (TCP and UDP), the analyzers of its responder
 * port with their support analyzers (HTTP's two content-line splitters,
 * DNS's Contents_DNS pair on TCP only), then ConnSize; ICMP only the adapter
 * and ConnSize. A TCP connection's port analyzers are made at its first
 * payload in bronze, with the ids reserved at its creation. Analyzers made
 * later (DPD matches, children) take the next ids when they are made.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { expectedAcceptFor } from "../../../src/analyzer/app/websocket/main.js";
import { Engine } from "../../../src/engine.js";
import { loadBuiltinScripts } from "../../../src/index.js";
import { memorySource, type TestPacket } from "../../helpers/packets.js";
import { icmpPacket, type Seg, tcpTrace, udpPacket } from "../../session/harness.js";
import { type Step, segments } from "./tcp-conv.js";

const GET: Step[] = [
  ["c", "GET / HTTP/1.1\r\nHost: example.org\r\n\r\n"],
  ["s", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"],
];

/** A TCP conversation from client port `cport` to server port `sport`, starting at `t0`. */
function conversation(steps: readonly Step[], t0: number, sport: number, cport: number): TestPacket[] {
  return tcpTrace(segments(steps, t0), { sport, cport });
}

/** Runs `packets` (sorted by time) with the default scripts: "<analyzer> <aid>" per confirmation, in order. */
async function confirmations(packets: TestPacket[], extra?: (engine: Engine, out: string[]) => void): Promise<string[]> {
  // Each test is a run of its own: the counter starts at 1.
  const engine = new Engine();
  loadBuiltinScripts(engine, { memory: true });
  const out: string[] = [];
  engine.on("analyzer_confirmation_info", (tag, info) => void out.push(`${tag} ${info.aid}`));
  extra?.(engine, out);
  await engine.run(memorySource([...packets].sort((a, b) => a.ts - b.ts)));
  return out;
}

/** A DNS query for example.org (id 1) and its empty answer. */
function dnsPair(t: number, cport: number): TestPacket[] {
  const q = Buffer.from("000101000001000000000000076578616d706c65036f72670000010001", "hex");
  const r = Buffer.from("000181800001000000000000076578616d706c65036f72670000010001", "hex");
  return [udpPacket(t, "10.0.0.1", cport, "192.0.2.53", 53, q), udpPacket(t + 0.01, "192.0.2.53", 53, "10.0.0.1", cport, r)];
}

test("TCP to HTTP's port: adapter, PIA, HTTP (3), its two content lines, ConnSize: the next connection starts at 7", async () => {
  const packets = [...conversation(GET, 0, 80, 40000), ...conversation(GET, 10, 80, 40001)];
  assert.deepEqual(await confirmations(packets), ["HTTP 3", "HTTP 9"]);
});

test("UDP DNS: adapter, PIA, DNS (3) and ConnSize, no Contents_DNS", async () => {
  assert.deepEqual(await confirmations([...dnsPair(0, 5000), ...dnsPair(1, 5001)]), ["DNS 3", "DNS 7"]);
});

test("DNS over TCP makes its Contents_DNS pair: the next connection starts at 7", async () => {
  const [q, r] = dnsPair(0, 5000).map((p) => p.bytes.subarray(14 + 20 + 8));
  const framed = (m: Uint8Array) => Buffer.concat([Buffer.from([m.length >> 8, m.length & 0xff]), m]);
  const packets = [
    ...conversation(
      [
        ["c", framed(q!)],
        ["s", framed(r!)],
      ],
      0,
      53,
      40000,
    ),
    ...conversation(GET, 10, 80, 40001),
  ];
  assert.deepEqual(await confirmations(packets), ["DNS 3", "HTTP 9"]);
});

test("ICMP takes its adapter's and ConnSize's ids, no PIA", async () => {
  const packets = [icmpPacket(0, "10.0.0.1", "192.0.2.10", 8), icmpPacket(0.1, "192.0.2.10", "10.0.0.1", 0), ...conversation(GET, 1, 80, 40000)];
  assert.deepEqual(await confirmations(packets), ["HTTP 5"]);
});

test("two interleaved connections: ids by creation, whichever carries payload first", async () => {
  // A (cport 40000) is created first, B second; B's request comes before A's.
  const a = segments(GET, 0).map((s): Seg => (s.t >= 1 ? { ...s, t: s.t + 1 } : s));
  const b = segments(GET, 0.5);
  const packets = [...tcpTrace(a, { sport: 80, cport: 40000 }), ...tcpTrace(b, { sport: 80, cport: 40001 })];
  const out = await confirmations(packets, (engine, lines) => engine.on("http_request", (c) => void lines.push(`request ${c.id.orig_p}`)));
  assert.deepEqual(out, ["HTTP 9", "request 40001", "HTTP 3", "request 40000"]);
});

test("a flipped connection (SYN-ACK first) keeps the ids of its analyzers by port", async () => {
  const segs = segments(GET, 0).filter((s) => s.flags !== "S");
  assert.deepEqual(await confirmations(tcpTrace(segs, { sport: 80, cport: 40000 })), ["HTTP 3"]);
});

test("an analyzer DPD starts takes the next id when it starts: after its connection's ConnSize", async () => {
  // HTTP on 8081 (no analyzer by port): adapter 1, PIA 2, ConnSize 3; DPD's HTTP 4 (content lines 5, 6).
  const packets = [...conversation(GET, 0, 8081, 40000), ...conversation(GET, 10, 80, 40001)];
  assert.deepEqual(await confirmations(packets), ["HTTP 4", "HTTP 9"]);
});

test("a connection to a port without analyzers takes adapter, PIA and ConnSize", async () => {
  const packets = [...conversation([["c", "hello\r\n"]], 0, 9999, 40000), ...conversation(GET, 10, 80, 40001)];
  assert.deepEqual(await confirmations(packets), ["HTTP 6"]);
});

test("a child analyzer takes the next id when its parent makes it: WebSocket after HTTP's upgrade, then its DPD child", async () => {
  const key = "dGhlIHNhbXBsZSBub25jZQ==";
  const upgrade: Step[] = [
    [
      "c",
      `GET /chat HTTP/1.1\r\nHost: example.org\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    ],
    ["s", `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${expectedAcceptFor(key)}\r\n\r\n`],
    ["s", Buffer.from([0x81, 0x02, 0x68, 0x69])],
  ];
  const packets = [...conversation(upgrade, 0, 80, 40000), ...conversation(GET, 10, 80, 40001)];
  const out = await confirmations(packets, (engine, lines) => engine.on("websocket_established", (_c, aid) => void lines.push(`established ${aid}`)));
  // HTTP 3 (4, 5), ConnSize 6; WebSocket 7, its PIA 8; the next connection 9, 10, HTTP 11.
  assert.deepEqual(out, ["HTTP 3", "established 7", "WEBSOCKET 7", "HTTP 11"]);
});

test("TCPSTATS enabled (Zeek's default disables it): each TCP connection makes one, before ConnSize", async () => {
  const engine = new Engine({ settings: { "Analyzer::disabled_analyzers": new Set<string>() } });
  loadBuiltinScripts(engine, { memory: true });
  const out: string[] = [];
  engine.on("analyzer_confirmation_info", (tag, info) => void out.push(`${tag} ${info.aid}`));
  await engine.run(memorySource([...conversation(GET, 0, 80, 40000), ...conversation(GET, 10, 80, 40001)]));
  assert.deepEqual(out, ["HTTP 3", "HTTP 10"]);
});

test("a disabled analyzer is not made: its port takes no ids for it (nor its support analyzers)", async () => {
  const ftp: Step[] = [["s", "220 hello\r\n"]];
  const packets = [...conversation(ftp, 0, 21, 40000), ...conversation(GET, 10, 80, 40001)];
  // FTP on 21 would take 3 (its NVTs 4, 5) and ConnSize 6: HTTP would be 9.
  assert.deepEqual(await confirmations(packets, (engine) => assert.ok(engine.disableAnalyzerType("FTP"))), ["HTTP 6"]);
});

test("ConnSize disabled (Analyzer::disabled_analyzers, as disable_all does): no ConnSize id, nor orig_pkts … resp_ip_bytes in the record", async () => {
  const engine = new Engine({ settings: ["Analyzer::disabled_analyzers+={Analyzer::ANALYZER_CONNSIZE}"] });
  loadBuiltinScripts(engine, { memory: true });
  const out: string[] = [];
  engine.on("analyzer_confirmation_info", (tag, info) => void out.push(`${tag} ${info.aid}`));
  engine.on("new_connection", (c) => void out.push(`ConnSize ${engine.lookupAnalyzer(c, "CONNSIZE")}`));
  engine.on("connection_state_remove", (c) => {
    out.push(`${c.id.transport} ${c.orig.num_pkts} ${c.orig.num_bytes_ip} ${c.resp.num_pkts} ${c.resp.num_bytes_ip}`);
  });
  const icmp = [icmpPacket(0, "10.0.0.1", "192.0.2.10", 8), icmpPacket(0.1, "192.0.2.10", "10.0.0.1", 0)];
  await engine.run(memorySource([...icmp, ...dnsPair(0.5, 5000), ...conversation(GET, 1, 80, 40000), ...conversation(GET, 10, 80, 40001)]));
  // ICMP 1; DNS 2, PIA 3, DNS 4; HTTP's connections 5, 6, HTTP 7 (8, 9) and 10, 11, HTTP 12.
  assert.deepEqual(
    out.filter((l) => l.startsWith("DNS") || l.startsWith("HTTP")),
    ["DNS 4", "HTTP 7", "HTTP 12"],
  );
  assert.deepEqual(
    out.filter((l) => l.startsWith("ConnSize")),
    ["ConnSize 0", "ConnSize 0", "ConnSize 0", "ConnSize 0"],
  );
  const unset = "undefined undefined undefined undefined";
  assert.deepEqual(out.filter((l) => /^[a-z]/.test(l)).sort(), [`icmp ${unset}`, `tcp ${unset}`, `tcp ${unset}`, `udp ${unset}`]);
});

test("ConnSize enabled: the counts are set and lookup_connection_analyzer_id finds it (the last id of a connection's creation)", async () => {
  const engine = new Engine();
  loadBuiltinScripts(engine, { memory: true });
  const out: string[] = [];
  engine.on("new_connection", (c) => void out.push(`ConnSize ${engine.lookupAnalyzer(c, "CONNSIZE")}`));
  engine.on("connection_state_remove", (c) => void out.push(`${c.orig.num_pkts} ${c.orig.num_bytes_ip} ${c.resp.num_pkts} ${c.resp.num_bytes_ip}`));
  await engine.run(memorySource(dnsPair(0, 5000)));
  assert.deepEqual(out, ["ConnSize 4", "1 57 1 57"]);
});

test("Analyzer::disable_all with ConnSize requested (Analyzer::requested_analyzers): the counts are set again", async () => {
  const counts = async (settings: string[]) => {
    const engine = new Engine({ settings: ["Analyzer::disable_all=T", ...settings] });
    loadBuiltinScripts(engine, { memory: true });
    const out: string[] = [];
    engine.on("connection_state_remove", (c) => void out.push(`${c.orig.num_pkts} ${c.resp.num_pkts}`));
    await engine.run(memorySource(dnsPair(0, 5000)));
    return out;
  };
  assert.deepEqual(await counts([]), ["undefined undefined"]);
  assert.deepEqual(await counts(["Analyzer::requested_analyzers+={Analyzer::ANALYZER_CONNSIZE}"]), ["1 1"]);
});
