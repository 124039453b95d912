/**
 * QUIC (src/analyzer/app/quic/): Initial keys and decryption against RFC
 * 9001 and RFC 9369, the hand-off of the ClientHello and ServerHello to an
 * SSL child (ssl.log rows, `quic,ssl`), quic.log's columns and history,
 * CRYPTO data out of order and over several packets, Retry, unknown
 * versions, discarded packets, short-header thresholds, the QUIC events,
 * errors as Spicy words them, and when QUIC runs at all (Spicy on, or its
 * script named; DPD on other ports; DNS-over-QUIC ports not server ports).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { decryptInitial, initialKeys } from "../../../src/analyzer/app/quic/crypto.js";
import { Engine, type EngineOptions } from "../../../src/engine.js";
import type { EventName } from "../../../src/event/events.js";
import { loadBuiltinScripts } from "../../../src/scripts/index.js";
import { parseLog } from "../../conformance/conn-harness.js";
import { memorySource, type TestPacket } from "../../helpers/packets.js";
import { alpn, cat, clientHello, clientKeyShare, clientVersions, serverHello, serverKeyShare, serverVersion, sni } from "../../helpers/tls.js";
import { udpPacket } from "../../session/harness.js";
import { ack, connectionClose, cryptoFrame, fixedBitZero, hex, initial, longPacket, ping, retry, short, V1, V2 } from "./quic-wire.js";

const RFC_DCID = hex("8394c8f03e515708");

test("Initial keys: RFC 9001 A.1 (v1) and RFC 9369 A.1 (v2), both sides; drafts and unknown versions", () => {
  const h = (b: Uint8Array) => Buffer.from(b).toString("hex");
  const c1 = initialKeys(V1, RFC_DCID, true)!;
  const s1 = initialKeys(V1, RFC_DCID, false)!;
  assert.deepEqual([h(c1.key), h(c1.iv), h(c1.hp)], ["1f369613dd76d5467730efcbe3b1a22d", "fa044b2f42a3fd3b46fb255c", "9f50449e04a0e810283a1e9933adedd2"]);
  assert.deepEqual([h(s1.key), h(s1.iv), h(s1.hp)], ["cf3a5331653c364c88f0f379b6067e37", "0ac1493ca1905853b0bba03e", "c206b8d9b9f0f37644430b490eeaa314"]);
  const c2 = initialKeys(V2, RFC_DCID, true)!;
  const s2 = initialKeys(V2, RFC_DCID, false)!;
  assert.deepEqual([h(c2.key), h(c2.iv), h(c2.hp)], ["8b1a0bc121284290a29e0971b5cd045d", "91f73e2351d8fa91660e909f", "45b95e15235d6f45a6b19cbcb0294ba9"]);
  assert.deepEqual([h(s2.key), h(s2.iv), h(s2.hp)], ["82db637861d55e1d011f19ea71d5d2a7", "dd13c276499c0249d3310652", "edf6d05c83121201b436e16877593c3a"]);
  assert.notEqual(initialKeys(0xff00001d, RFC_DCID, true), null);
  assert.equal(initialKeys(0x0a0a0a0a, RFC_DCID, true), null);
});

test("RFC 9001 A.3: the server's Initial decrypts to its ACK and ServerHello; a changed byte fails as Zeek's 'decryption failed'", () => {
  const packet = hex(`cf000000010008f067a5502a4262b5004075c0d95a482cd0991cd25b0aac406a5816b6394100f37a1c69797554780bb38cc5a99f5ede4cf73c3ec2493a1839b3
    dbcba3f6ea46c5b7684df3548e7ddeb9c3bf9c73cc3f3bded74b562bfb19fb84022f8ef4cdd93795d77d06edbb7aaf2f58891850abbdca3d20398c276456cbc42158407dd074ee`);
  // Header: 1 + 4 + 1 + 0 + 1 + 8, token length 0, Length 0x4075 (117): the packet number starts at 18.
  const plain = decryptInitial(V1, packet, RFC_DCID, 18, 117, false);
  assert.equal(
    Buffer.from(plain).toString("hex"),
    "02000000000600405a020000560303eefce7f7b37ba1d1632e96677825ddf73988cfc79825df566dc5430b9a045a1200130100002e00330024001d00209d3c940d89690b84d08a60993c144eca684d1081287c834d5311bcf32bb9da1a002b00020304",
  );
  const bad = packet.slice();
  bad[60] = bad[60]! ^ 1;
  assert.throws(() => decryptInitial(V1, bad, RFC_DCID, 18, 117, false), /^Error: decryption failed$/);
  assert.throws(() => decryptInitial(V1, packet, RFC_DCID, 18, 19, false), /payload too small 19 < 20/);
  assert.throws(() => decryptInitial(V1, packet, RFC_DCID, 18, 500, false), /packet too small 135 518/);
  assert.throws(() => decryptInitial(0x0a0a0a0a, packet, RFC_DCID, 18, 117, false), /unable to decrypt QUIC version 0xa0a0a0a/);
});

interface QuicRun {
  rows(path: string): Array<Record<string, string>>;
  events: string[];
  violations: string[];
}

const CLIENT = "10.0.0.1";
const SERVER = "10.0.0.2";
const EVENTS: readonly EventName[] = [
  "QUIC::initial_packet",
  "QUIC::handshake_packet",
  "QUIC::zero_rtt_packet",
  "QUIC::retry_packet",
  "QUIC::connection_close_frame",
  "QUIC::unhandled_version",
  "QUIC::discarded_packet",
  "QUIC::short_header_packet_threshold_crossed",
  "analyzer_confirmation_info",
];

/** Runs datagrams (c: client to server, s: server to client) through an engine with QUIC on. */
async function run(datagrams: Array<{ from: "c" | "s"; data: Uint8Array }>, options: EngineOptions = { spicy: true }, port = 443): Promise<QuicRun> {
  const engine = new Engine({ ignoreChecksums: true, ...options });
  const scripts = loadBuiltinScripts(engine, { memory: true, loads: options.loads, bare: options.bare, stderr: null });
  const events: string[] = [];
  const arg = (v: unknown): string =>
    typeof v === "string" ? Buffer.from(v, "latin1").toString("hex") : typeof v === "boolean" ? (v ? "T" : "F") : typeof v === "object" ? "" : String(v);
  for (const name of EVENTS) {
    engine.on(name, ((...args: unknown[]) => {
      if (name === "analyzer_confirmation_info") events.push(`confirm ${args[0]}`);
      else events.push([name.replace("QUIC::", ""), ...args.slice(1).map(arg)].join(" "));
    }) as never);
  }
  const violations: string[] = [];
  engine.on("analyzer_violation_info", (atype, info) => void violations.push(`${atype}: ${info.reason}`));
  const packets: TestPacket[] = datagrams.map((d, i) =>
    d.from === "c" ? udpPacket(1 + i * 0.01, CLIENT, 50000, SERVER, port, d.data) : udpPacket(1 + i * 0.01, SERVER, port, CLIENT, 50000, d.data),
  );
  await engine.run(memorySource(packets));
  scripts.close();
  const written = new Set(scripts.logs.written());
  const rows = (path: string): Array<Record<string, string>> => {
    if (!written.has(path)) return [];
    const log = parseLog(scripts.logs.text(path));
    return log.rows.map((r) => Object.fromEntries(log.columns.map((c, i) => [c, r[i]!])));
  };
  return { rows, events, violations };
}

const CLIENT_DCID = hex("0011223344556677");
const CLIENT_SCID = hex("c1c2c3c4");
const SERVER_SCID = hex("5a5b5c5d5e5f");

const CH = clientHello({ ciphers: [0x1301], exts: [sni("quic.example"), alpn("h3", "h3-29"), clientVersions(0x0304), clientKeyShare(29)] });
const SH = serverHello({ cipher: 0x1301, exts: [serverVersion(0x0304), serverKeyShare(29)] });

function clientInitial(
  frames: Uint8Array[],
  o: { pn?: number; dcid?: Uint8Array; keysDcid?: Uint8Array; token?: Uint8Array; version?: number } = {},
): Uint8Array {
  return initial(
    { fromClient: true, dcid: o.dcid ?? CLIENT_DCID, scid: CLIENT_SCID, pn: o.pn, keysDcid: o.keysDcid, token: o.token, version: o.version },
    ...frames,
  );
}

function serverInitial(frames: Uint8Array[], o: { pn?: number; keysDcid?: Uint8Array; version?: number } = {}): Uint8Array {
  return initial({ fromClient: false, dcid: CLIENT_SCID, scid: SERVER_SCID, pn: o.pn, keysDcid: o.keysDcid ?? CLIENT_DCID, version: o.version }, ...frames);
}

/** A whole handshake as the traces show it: the client's Initial, the server's Initial and Handshake in one datagram, then 1-RTT packets. */
function handshake(version = V1): Array<{ from: "c" | "s"; data: Uint8Array }> {
  return [
    { from: "c", data: clientInitial([cryptoFrame(0, CH), ping()], { version }) },
    { from: "s", data: cat(serverInitial([ack(0), cryptoFrame(0, SH)], { version }), longPacket("handshake", CLIENT_SCID, SERVER_SCID, undefined, version)) },
    { from: "c", data: longPacket("handshake", SERVER_SCID, CLIENT_SCID, undefined, version) },
    { from: "c", data: short(SERVER_SCID) },
    { from: "s", data: short(CLIENT_SCID) },
    { from: "c", data: short(SERVER_SCID) },
    { from: "c", data: short(SERVER_SCID) },
  ];
}

test("a v1 handshake: quic.log and ssl.log rows, `quic,ssl`, QUIC confirmed before SSL, the events in order", async () => {
  const r = await run(handshake());
  const q = r.rows("quic");
  assert.equal(q.length, 1);
  assert.deepEqual(
    [q[0]!.version, q[0]!.client_initial_dcid, q[0]!.client_scid, q[0]!.server_scid, q[0]!.server_name, q[0]!.client_protocol, q[0]!.history],
    ["1", "0011223344556677", "c1c2c3c4", "5a5b5c5d5e5f", "quic.example", "h3", "ISishHOoO"],
  );
  const ssl = r.rows("ssl");
  assert.deepEqual(
    [ssl[0]!.version, ssl[0]!.cipher, ssl[0]!.curve, ssl[0]!.server_name, ssl[0]!.ssl_history],
    ["TLSv13", "TLS_AES_128_GCM_SHA256", "x25519", "quic.example", "Cs"],
  );
  assert.equal(r.rows("conn")[0]!.service, "quic,ssl");
  assert.deepEqual(r.events.slice(0, 6), [
    "initial_packet T 1 0011223344556677 c1c2c3c4",
    "confirm QUIC",
    "confirm SSL",
    "initial_packet F 1 c1c2c3c4 5a5b5c5d5e5f",
    "handshake_packet F 1 c1c2c3c4 5a5b5c5d5e5f",
    "handshake_packet T 1 5a5b5c5d5e5f c1c2c3c4",
  ]);
  assert.deepEqual(r.events.slice(6), [
    "short_header_packet_threshold_crossed T 1",
    "short_header_packet_threshold_crossed F 1",
    "short_header_packet_threshold_crossed T 2",
  ]);
  // Two ALPN protocols: quic.log keeps the first, with Zeek's weird.
  const weird = r.rows("weird").map((w) => [w.name, w.addl]);
  assert.deepEqual(weird, [["QUIC_many_protocols", "[h3, h3-29]"]]);
  assert.deepEqual(r.violations, []);
});

test("QUIC v2 (RFC 9369): its packet types and Initial keys; quic.log's version quicv2", async () => {
  const r = await run(handshake(V2));
  const q = r.rows("quic")[0]!;
  assert.deepEqual([q.version, q.history, q.server_name], ["quicv2", "ISishHOoO", "quic.example"]);
  assert.equal(r.rows("ssl")[0]!.version, "TLSv13");
});

test("CRYPTO data out of order over two Initial packets: one ClientHello for SSL, once both halves arrived", async () => {
  const cut = 100;
  const r = await run([
    { from: "c", data: clientInitial([cryptoFrame(cut, CH.subarray(cut))], { pn: 0 }) },
    // The first half twice (a retransmission overlapping what is buffered), then the rest again.
    { from: "c", data: clientInitial([cryptoFrame(0, CH.subarray(0, cut)), cryptoFrame(0, CH.subarray(0, 10))], { pn: 1 }) },
    { from: "s", data: serverInitial([ack(1), cryptoFrame(0, SH.subarray(0, 3))]) },
    { from: "s", data: serverInitial([cryptoFrame(3, SH.subarray(3))], { pn: 1 }) },
  ]);
  assert.deepEqual(r.violations, []);
  assert.equal(r.rows("quic")[0]!.history, "IISiis");
  assert.equal(r.rows("ssl")[0]!.ssl_history, "Cs");
});

test("CRYPTO data once the message is complete: Spicy's sink refuses more, a violation, and QUIC stops", async () => {
  const r = await run([
    { from: "c", data: clientInitial([cryptoFrame(0, CH), cryptoFrame(CH.length, Uint8Array.of(1, 2, 3))]) },
    { from: "c", data: clientInitial([cryptoFrame(0, CH)], { pn: 1 }) },
  ]);
  assert.deepEqual(r.violations, [
    "QUIC: more data after sink's unit has already completed parsing (/zeek/src/analyzer/protocol/quic/QUIC.spicy:351:13-351:67)",
  ]);
  // The second datagram is not parsed: one Initial.
  assert.equal(r.rows("quic")[0]!.history, "IS");
  // QUIC had confirmed: analyzer.log's row, its data the datagram's first 40 bytes as Zeek's writer escapes them; quic leaves the service.
  const a = r.rows("analyzer")[0]!;
  assert.equal(a.analyzer_name, "QUIC");
  assert.match(a.failure_data!, /^\\xc[0-9a-f]\\x00\\x00\\x00\\x01\\x08\\x00\\x11"3DUfw\\x04\\xc1\\xc2\\xc3\\xc4/);
  assert.equal(r.rows("conn")[0]!.service, "ssl");
  // In the same frame: QUIC.spicy's own check.
  const one = await run([{ from: "c", data: clientInitial([cryptoFrame(0, cat(CH, [1, 2, 3]))]) }]);
  assert.deepEqual(one.violations, [
    `QUIC: too much crypto data received ${CH.length + 3} > ${CH.length} (/zeek/src/analyzer/protocol/quic/QUIC.spicy:356:21-356:105)`,
  ]);
});

test("Retry: its own quic.log row; the next Initial, with the DCID it gave, starts over with a new SSL analyzer", async () => {
  const newDcid = hex("99887766");
  const r = await run([
    { from: "c", data: clientInitial([cryptoFrame(0, CH)]) },
    { from: "s", data: retry(CLIENT_SCID, SERVER_SCID, Buffer.from("token!")) },
    { from: "c", data: clientInitial([cryptoFrame(0, CH)], { dcid: newDcid, token: Buffer.from("token!"), pn: 1 }) },
    { from: "s", data: serverInitial([cryptoFrame(0, SH)], { keysDcid: newDcid }) },
  ]);
  const q = r.rows("quic");
  assert.deepEqual(
    q.map((row) => [row.client_initial_dcid, row.server_scid, row.history]),
    [
      ["0011223344556677", "-", "ISr"],
      ["99887766", "5a5b5c5d5e5f", "ISis"],
    ],
  );
  assert.ok(r.events.includes(`retry_packet F 1 c1c2c3c4 5a5b5c5d5e5f ${Buffer.from("token!").toString("hex")} ${"77".repeat(16)}`));
  // One ssl.log row (the connection's), two ClientHellos.
  assert.deepEqual(
    r.rows("ssl").map((s) => s.ssl_history),
    ["CCs"],
  );
  assert.deepEqual(r.violations, []);
});

test("an unknown version: QUIC::unhandled_version, a `U` row, then Spicy's error as the violation, and nothing more is parsed", async () => {
  const unknown = cat([0xc0, 0x10, 0x01, 0x00, 0x00, 1, 0xaa, 0], new Uint8Array(30));
  const r = await run([
    { from: "c", data: unknown },
    // A Handshake packet (no DPD signature matches it, so no new QUIC analyzer starts).
    { from: "c", data: longPacket("handshake", CLIENT_DCID, CLIENT_SCID) },
  ]);
  assert.deepEqual(
    r.rows("quic").map((q) => [q.version, q.client_initial_dcid, q.history]),
    [["unknown-10010000", "aa", "U"]],
  );
  assert.deepEqual(r.violations, ["QUIC: unhandled QUIC version 0x10010000 (/zeek/src/analyzer/protocol/quic/QUIC.spicy:333:13-333:62)"]);
  assert.deepEqual(r.events, ["unhandled_version T 268500992 aa "]);
});

test("packets with the fixed bit 0: QUIC::discarded_packet once Initials were decrypted, up to QUIC::max_discarded_packet_events", async () => {
  const flights = (): Array<{ from: "c" | "s"; data: Uint8Array }> => [
    { from: "c", data: fixedBitZero() },
    { from: "c", data: clientInitial([cryptoFrame(0, CH)]) },
    { from: "c", data: fixedBitZero() },
    { from: "s", data: fixedBitZero() },
    { from: "c", data: fixedBitZero() },
  ];
  assert.equal((await run(flights())).rows("quic")[0]!.history, "ISXxX");
  const one = await run(flights(), { spicy: true, settings: ["QUIC::max_discarded_packet_events=2"] });
  // The first one came before any decryption: it counts towards the limit, but raises nothing.
  assert.equal(one.rows("quic")[0]!.history, "ISX");
  assert.deepEqual(
    one.events.filter((e) => e.startsWith("discarded")),
    ["discarded_packet T 1"],
  );
  const none = await run(flights(), { spicy: true, settings: ["QUIC::max_discarded_packet_events=-1"] });
  assert.equal(none.rows("quic")[0]!.history, "IS");
  const unlimited = await run(flights(), { spicy: true, settings: ["QUIC::max_discarded_packet_events=0"] });
  assert.equal(unlimited.rows("quic")[0]!.history, "ISXxX");
});

test("short-header packets before any Initial: the threshold events, and Zeek's weird (once a connection) in place of a history letter", async () => {
  const r = await run([
    { from: "c", data: short(new Uint8Array(0)) },
    { from: "c", data: short(new Uint8Array(0)) },
  ]);
  assert.deepEqual(r.events, ["short_header_packet_threshold_crossed T 1", "short_header_packet_threshold_crossed T 2"]);
  assert.deepEqual(
    r.rows("weird").map((w) => [w.name, w.addl]),
    [["QUIC_spurious_short_header_packet_threshold_crossed", "1"]],
  );
  assert.deepEqual(r.rows("quic"), []);
});

test("a server Initial before the client's is not decrypted (its keys come from the client's DCID); 0-RTT packets", async () => {
  const r = await run([
    { from: "s", data: serverInitial([cryptoFrame(0, SH)]) },
    { from: "c", data: cat(clientInitial([cryptoFrame(0, CH)]), longPacket("0rtt", CLIENT_DCID, CLIENT_SCID)) },
  ]);
  // The ClientHello's events come before the 0-RTT packet's, whose header follows the Initial in the datagram.
  assert.equal(r.rows("quic")[0]!.history, "iISZ");
  assert.deepEqual(
    r.events.filter((e) => e.startsWith("confirm")),
    ["confirm QUIC", "confirm SSL"],
  );
  assert.deepEqual(r.rows("ssl")[0]!.ssl_history, "C");
});

test("CONNECTION_CLOSE in an Initial: the event and a `C` that ends the row; ACK with ECN counts", async () => {
  const r = await run([
    { from: "c", data: clientInitial([cryptoFrame(0, CH)]) },
    { from: "s", data: serverInitial([ack(0, true), connectionClose(0x0a, "nope")]) },
  ]);
  assert.ok(r.events.includes(`connection_close_frame F 1 c1c2c3c4 5a5b5c5d5e5f 10 ${Buffer.from("nope").toString("hex")}`));
  assert.deepEqual(
    r.rows("quic").map((q) => q.history),
    ["ISic"],
  );
  assert.deepEqual(r.violations, []);
});

test("a frame type an Initial may not carry: Spicy's error naming it, as the violation", async () => {
  const r = await run([{ from: "c", data: clientInitial([Uint8Array.of(0x07, 1, 0)]) }]);
  assert.deepEqual(r.violations, ["QUIC: unhandled frame type FrameType::NEW_TOKEN in 0 (/zeek/src/analyzer/protocol/quic/QUIC.spicy:366:13-366:93)"]);
  const odd = await run([{ from: "c", data: clientInitial([Uint8Array.of(0x2a)]) }]);
  assert.match(odd.violations[0]!, /^QUIC: unhandled frame type FrameType::<unknown-42> in 0 /);
});

test("a truncated long header and a too-short Initial length: Spicy's parse errors", async () => {
  const r = await run([{ from: "c", data: Uint8Array.of(0xc0, 0, 0, 0, 1, 8, 1, 2) }]);
  assert.deepEqual(
    r.violations.filter((v) => v.startsWith("QUIC")),
    ["QUIC: expected 8 bytes (2 available) (/zeek/src/analyzer/protocol/quic/QUIC.spicy:304:5-304:59)"],
  );
  const s = await run([{ from: "c", data: cat([0xc0, 0, 0, 0, 1, 0, 0, 0, 10], new Uint8Array(10)) }]);
  assert.deepEqual(
    s.violations.filter((v) => v.startsWith("QUIC")),
    ["QUIC: &requires failed: (self.length.result_ >= 20) (/zeek/src/analyzer/protocol/quic/QUIC.spicy:429:5-429:72)"],
  );
});

test("QUIC runs with Spicy on or its script named; a DPD signature finds v1 and v2 on another port; DNS-over-QUIC ports are registered, not server ports", async () => {
  const off = await run(handshake(), {});
  assert.deepEqual(off.rows("quic"), []);
  assert.equal(off.rows("conn")[0]!.service, "-");
  const named = await run(handshake(), { loads: ["base/protocols/quic"] });
  assert.equal(named.rows("quic").length, 1);
  const bare = await run(handshake(), { bare: true, loads: ["base/protocols/quic"] });
  // -b: ssl.log's script is not loaded, the SSL analyzer still runs under QUIC.
  assert.deepEqual([bare.rows("quic").length, bare.rows("ssl").length], [1, 0]);
  for (const version of [V1, V2]) {
    const dpd = await run(handshake(version), { spicy: true }, 4433);
    assert.equal(dpd.rows("quic")[0]!.history, "ISishHOoO", `version ${version}`);
    assert.equal(dpd.rows("conn")[0]!.service, "quic,ssl");
  }
  const doq = await run(handshake(), { spicy: true }, 853);
  assert.equal(doq.rows("conn")[0]!.service, "quic,ssl");
  // The server speaks first from 853: not a likely server port, so the flow is not turned around.
  const engine = new Engine({ spicy: true });
  assert.equal(engine.sessions.serverPorts.udp[853], 0);
  assert.equal(engine.sessions.serverPorts.udp[443], 1);
  assert.equal(new Engine().sessions.serverPorts.udp[443], 0);
});

test("QUIC::max_history_length: the history stops there, with Zeek's weird", async () => {
  const r = await run(handshake(), { spicy: true, settings: ["QUIC::max_history_length=3"] });
  assert.equal(r.rows("quic")[0]!.history, "ISi");
  assert.deepEqual(
    r.rows("weird").map((w) => [w.name, w.addl, w.source]),
    [
      ["QUIC_many_protocols", "[h3, h3-29]", "-"],
      ["QUIC_max_history_length_reached", "-", "-"],
    ],
  );
});
