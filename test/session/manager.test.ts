/**
 * Session manager: when connections go (timers on network time, reuse, end
 * of input) and in which order (Connection::IsReuse, TCPSessionAdapter's timers, Zeek's timers and session removal).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Engine } from "../../src/engine.js";
import { loadBuiltinScripts } from "../../src/scripts/index.js";
import { ETH_IPV4, frame, sll, type TestPacket, udp4 } from "../helpers/packets.js";
import { handshake, run, type Seg, tcpTrace, udpPacket } from "./harness.js";

const OTHER = { client: "10.9.9.9", server: "10.9.9.8", cport: 1111, sport: 2222 };

/** A lone UDP datagram between unrelated hosts, only to move network time. */
function tick(t: number) {
  return udpPacket(t, "10.200.0.1", 5000, "10.200.0.2", 6000);
}

test("attempt timer: an unanswered SYN goes 5 s later, before the packet that moved time", async () => {
  const early = await run([...tcpTrace([{ t: 10, from: "c", flags: "S", seq: 1 }]), tick(14.9)]);
  assert.equal(early.removed[0]!.at, 14.9, "still there at 14.9 (flushed at the end)");
  const r = await run([...tcpTrace([{ t: 10, from: "c", flags: "S", seq: 1 }]), tick(15)]);
  const syn = r.removed[0]!;
  assert.equal(syn.cause, "connection_attempt");
  assert.equal(syn.at, 15);
  // The timer's removal is logged before the new packet's connection is even created.
  assert.ok(r.events.indexOf(`connection_state_remove ${syn.uid}`) < r.events.findIndex((e) => e.startsWith("new_connection") && !e.endsWith(syn.uid)));
});

test("close delay: a finished connection is removed 5 s after its last packet, with connection_timeout", async () => {
  const segs: Seg[] = [...handshake(10), { t: 10.1, from: "c", flags: "FA", seq: 1001, ack: 5001 }, { t: 10.2, from: "s", flags: "FA", seq: 5001, ack: 1002 }];
  const r = await run([...tcpTrace(segs), tick(15.19), tick(15.2)]);
  const c = r.removed[0]!;
  assert.equal(c.state, "SF");
  assert.equal(c.cause, "connection_timeout");
  assert.equal(c.at, 15.2);
  assert.equal(c.duration.toFixed(6), "0.200000");
});

test("UDP inactivity: removed when last_time + 60 s is reached", async () => {
  const r = await run([udpPacket(10, "10.1.1.1", 3333, "10.1.1.2", 4444, "x"), tick(69.9), tick(70)]);
  const flow = r.removed.find((c) => c.orig === "10.1.1.1:3333")!;
  assert.equal(flow.cause, "connection_timeout");
  assert.equal(flow.at, 70);
});

test("TCP inactivity is 1 min while both sides are in the handshake, 5 min after", async () => {
  // Midstream data from one side only: that side becomes PARTIAL, switching to tcp_inactivity_timeout.
  const r = await run([...tcpTrace([{ t: 10, from: "c", flags: "PA", seq: 1, ack: 1, payload: "x" }], OTHER), tick(80), tick(310)]);
  const c = r.removed.find((x) => x.orig === "10.9.9.9:1111")!;
  assert.equal(c.at, 310);
  assert.equal(c.cause, "connection_timeout");
});

test("ssh gets Conn::port_inactivity_timeouts (1 h) at establishment", async () => {
  const segs = handshake(10);
  const r = await run([...tcpTrace(segs, { sport: 22 }), tick(400), tick(3609), tick(3611)]);
  const c = r.removed.find((x) => x.resp.endsWith(":22"))!;
  assert.equal(c.at, 3611);
  const bare = await run([...tcpTrace(segs, { sport: 22 }), tick(400)], { bare: true, loads: [] });
  assert.equal(bare.removed.find((x) => x.resp.endsWith(":22"))!.at, 400, "without base/protocols/conn: 5 min");
});

test("reuse after a reject: the old connection is logged at the new SYN, the last one by its close timer (Zeek's btest scripts.base.protocols.pop3.basic)", async () => {
  const segs: Seg[] = [
    { t: 10, from: "c", flags: "S", seq: 100 },
    { t: 10.05, from: "s", flags: "RA", seq: 0, ack: 101 },
    { t: 11, from: "c", flags: "S", seq: 100 },
    { t: 11.05, from: "s", flags: "RA", seq: 0, ack: 101 },
  ];
  const r = await run([...tcpTrace(segs), tick(16.1)]);
  assert.deepEqual(
    r.removed.filter((c) => c.orig.endsWith(":40000")).map((c) => [c.state, c.history, c.cause, c.at]),
    [
      ["REJ", "Sr", "connection_reused", 11],
      ["REJ", "Sr", "connection_timeout", 16.1],
    ],
  );
  assert.equal(r.removed[0]!.uid, "CHhAvVGS1DHFjwGM9");
  assert.equal(r.removed[1]!.uid, "ClEkJM2Vm5giqnMf4h");
});

test("script timers share the connections' heap: due at the same packet, the earlier fires first", async () => {
  // A scheduled event due at 69 s and a UDP flow's inactivity timer due at
  // 70 s both fall due at the packet of 100 s: the event comes first, as in
  // Zeek's one timer manager (a list of script timers run after the
  // connections' would put it after the flow's removal).
  for (const [at, expected] of [
    [69, ["scheduled", "remove 10.1.1.1"]],
    [71, ["remove 10.1.1.1", "scheduled"]],
  ] as const) {
    const order: string[] = [];
    await run([udpPacket(10, "10.1.1.1", 3333, "10.1.1.2", 4444, "x"), tick(100)], {}, (engine) => {
      engine.on("new_connection", (c) => {
        if (c.id.orig_h === "10.1.1.1") engine.scheduleEvent(at, () => order.push("scheduled"));
      });
      engine.on("connection_state_remove", (c) => order.push(`remove ${c.id.orig_h}`));
    });
    assert.deepEqual(order.slice(0, 2), expected, `scheduled at ${at}`);
  }
});

test("end of input: shutdown timers (attempt) first, then the rest sorted by raw key bytes", async () => {
  const packets = [
    ...tcpTrace(handshake(10), { client: "10.0.0.9", server: "10.0.0.8", cport: 1000, sport: 80 }),
    ...tcpTrace([{ t: 10.5, from: "c", flags: "S", seq: 1 }], { client: "10.0.0.5", server: "10.0.0.6", cport: 1000, sport: 80 }),
    udpPacket(11, "10.0.0.3", 7000, "10.0.0.2", 7001, "x"),
    udpPacket(12, "9.0.0.1", 7000, "9.0.0.2", 7001, "x"),
  ];
  const r = await run(packets);
  assert.deepEqual(
    r.removed.map((c) => c.orig),
    ["10.0.0.5:1000", "9.0.0.1:7000", "10.0.0.3:7000", "10.0.0.9:1000"],
  );
  assert.equal(r.removed[0]!.cause, "connection_attempt");
  assert.equal(r.removed[3]!.cause, "connection_pending");
});

test("uids follow connection creation order even when removal order differs", async () => {
  const packets = [udpPacket(10, "10.5.0.2", 7000, "10.5.0.1", 7001, "x"), udpPacket(11, "10.5.0.1", 7000, "10.5.0.2", 7001, "x")];
  const r = await run(packets);
  // Removed in key order (10.5.0.1 first) but uids in creation order.
  assert.deepEqual(
    r.removed.map((c) => [c.orig, c.uid]),
    [
      ["10.5.0.1:7000", "ClEkJM2Vm5giqnMf4h"],
      ["10.5.0.2:7000", "CHhAvVGS1DHFjwGM9"],
    ],
  );
});

test("max_connections: past the bound new flows are refused with a weird", async () => {
  const r = await run([udpPacket(10, "10.1.0.1", 1, "10.1.0.2", 2), udpPacket(11, "10.1.0.1", 3, "10.1.0.2", 4)], { settings: { max_connections: 1 } });
  assert.equal(r.removed.length, 1);
  assert.ok(r.weirds.includes("max_connections_reached"));
});

test("l2_addr: a handler makes connections keep the first packet's link addresses, source as orig's, swapped by a flip; all-zero or absent unset", async () => {
  const seen: string[] = [];
  const udp = (t: number, src: string, dst: string, macs: { srcMac: string; dstMac: string }) => ({
    ts: t,
    bytes: frame(udp4({ src, dst }, { sport: 3333, dport: 4444, payload: "x" }), macs),
  });
  const packets = [
    udp(10, "10.1.1.1", "10.1.1.2", { srcMac: "f0:4d:a2:47:ba:25", dstMac: "ff:ff:ff:ff:ff:ff" }),
    udp(11, "10.1.1.3", "10.1.1.4", { srcMac: "00:00:00:00:00:00", dstMac: "90:72:40:97:b6:f5" }),
    // Linux cooked capture: a source address only (Zeek's LinuxSLL gives an empty destination).
    { ts: 12, bytes: sll(ETH_IPV4, udp4({ src: "10.1.1.5", dst: "10.1.1.6" }, { sport: 3333, dport: 4444, payload: "x" })), linktype: 113 },
    // A SYN-ACK first: its sender becomes the responder, and the addresses follow.
    ...tcpTrace([{ t: 13, from: "s", flags: "SA", seq: 5000, ack: 1001 }]),
  ];
  // No script is loaded: the handler alone can read them, and Zeek always fills them.
  await run(packets, {}, (e) => e.on("connection_state_remove", (c) => seen.push(`${c.id.orig_h} ${c.orig.l2_addr} ${c.resp.l2_addr}`)));
  assert.deepEqual(seen.sort(), [
    "10.0.0.1 00:00:00:00:00:02 00:00:00:00:00:01",
    "10.1.1.1 f0:4d:a2:47:ba:25 ff:ff:ff:ff:ff:ff",
    "10.1.1.3 undefined 90:72:40:97:b6:f5",
    "10.1.1.5 00:00:00:00:00:01 undefined",
  ]);
});

test("l2_addr: a flip after the record was made (and its addresses formatted) swaps them too", async () => {
  // SYN-ACK first between two server ports: no flip at creation, the first ACK flips (as in tcp-conn.test.ts).
  const ends = { client: "141.142.228.5", server: "192.150.187.43", cport: 6669, sport: 80 };
  const segs: Seg[] = [
    { t: 100, from: "s", flags: "SA", seq: 5000, ack: 1001 },
    { t: 100.01, from: "c", flags: "A", seq: 1001, ack: 5001 },
  ];
  // Each host's own link address: 02:..:0c for the client (its IPv4 address ends in .5), 02:..:05 for the server.
  const macOf = (ip: Uint8Array): number[] => (ip[3] === 5 ? [2, 0, 0, 0, 0, 0xc] : [2, 0, 0, 0, 0, 0x5]);
  const packets = tcpTrace(segs, ends).map((p) => {
    const b = Uint8Array.from(p.bytes);
    b.set(macOf(b.subarray(26, 30)), 6); // Ethernet source: the IP source's
    b.set(macOf(b.subarray(30, 34)), 0); // Ethernet destination: the IP destination's
    return { ...p, bytes: b };
  });
  const seen: string[] = [];
  await run(packets, {}, (e) => {
    e.on("new_connection", (c) => seen.push(`new ${c.id.orig_h} ${c.orig.l2_addr} ${c.resp.l2_addr}`));
    e.on("connection_state_remove", (c) => seen.push(`removed ${c.id.orig_h} ${c.orig.l2_addr} ${c.resp.l2_addr}`));
  });
  assert.deepEqual(seen, ["new 192.150.187.43 02:00:00:00:00:05 02:00:00:00:00:0c", "removed 141.142.228.5 02:00:00:00:00:0c 02:00:00:00:00:05"]);
});

test("l2_addr: the built-in scripts' handlers alone keep no link addresses (nothing reads them) unless mac-logging is loaded", () => {
  const engine = new Engine({});
  loadBuiltinScripts(engine, { memory: true }).close();
  assert.equal(engine.sessions.keepL2Addresses, false);
  engine.asBuiltinScripts(() => engine.on("connection_state_remove", () => undefined));
  assert.equal(engine.sessions.keepL2Addresses, false);
  engine.on("connection_state_remove", () => undefined);
  assert.equal(engine.sessions.keepL2Addresses, true, "a user's handler may print a record");
  const logged = new Engine({ loads: ["policy/protocols/conn/mac-logging"] });
  loadBuiltinScripts(logged, { memory: true, loads: ["policy/protocols/conn/mac-logging"] }).close();
  assert.equal(logged.sessions.keepL2Addresses, true);
});

test("c$vlan and c$inner_vlan are the first packet's VLAN ids (QinQ: outer and inner), unflipped, with vlan-logging or not; none without tags", async () => {
  const seen: string[] = [];
  const tagged = (t: number, src: string, sport: number, dst: string, dport: number, vlans: number[]) => ({
    ts: t,
    bytes: frame(udp4({ src, dst }, { sport, dport, payload: "x" }), { vlans }),
  });
  const packets = [
    tagged(10, "10.1.1.1", 3333, "10.1.1.2", 4444, [13, 10]),
    tagged(11, "10.1.1.2", 53, "10.1.1.1", 5555, [7]), // from a server port: flipped at creation
    udpPacket(12, "10.1.1.3", 3333, "10.1.1.4", 4444, "x"),
  ];
  await run(packets, { loads: ["policy/protocols/conn/vlan-logging"] }, (e) =>
    e.on("connection_state_remove", (c) => seen.push(`${c.id.orig_p} ${c.vlan} ${c.inner_vlan}`)),
  );
  assert.deepEqual(seen.sort(), ["3333 13 10", "3333 undefined undefined", "5555 7 undefined"]);
  // init-bare's fields, set whatever the scripts (Zeek's btest core/tunnels/gre-erspan3-dot1q prints c$vlan without vlan-logging).
  const plain: string[] = [];
  await run(packets, {}, (e) => e.on("connection_state_remove", (c) => plain.push(`${c.id.orig_p} ${c.vlan} ${c.inner_vlan}`)));
  assert.deepEqual(plain.sort(), seen);
});

test("vlan-logging: a tag with id 0 is a VLAN (Zeek 8.2 on), in the outer and the inner slot", async () => {
  const seen: string[] = [];
  const tagged = (t: number, sport: number, vlans: number[]) => ({
    ts: t,
    bytes: frame(udp4({ src: "10.1.1.1", dst: "10.1.1.2" }, { sport, dport: 4444, payload: "x" }), { vlans }),
  });
  await run([tagged(10, 3333, [0]), tagged(11, 3334, [0, 0]), tagged(12, 3335, [])], { loads: ["policy/protocols/conn/vlan-logging"] }, (e) =>
    e.on("connection_state_remove", (c) => seen.push(`${c.id.orig_p} ${c.vlan} ${c.inner_vlan}`)),
  );
  assert.deepEqual(seen.sort(), ["3333 0 undefined", "3334 0 0", "3335 undefined undefined"]);
});

test("connection_status_update every interval, only when set and handled", async () => {
  const seen: number[] = [];
  const packets = [udpPacket(10, "10.1.1.1", 3333, "10.1.1.2", 4444, "x"), tick(20), tick(31), tick(45)];
  await run(packets, { settings: { connection_status_update_interval: 10 } }, (e) =>
    e.on("connection_status_update", (c) => {
      if (c.id.orig_p === 3333) seen.push(e.clock.now);
    }),
  );
  assert.deepEqual(seen, [20, 31, 45]);
  const none: number[] = [];
  await run(packets, {}, (e) => e.on("connection_status_update", () => none.push(1)));
  assert.deepEqual(none, [], "interval 0 (Zeek's default): never");
});

test("partial-close and reset timers exist only when their events are handled (TCPSessionAdapter::ConnectionClosed, TCPSessionAdapter::UpdateStateMachine)", async () => {
  // Midstream data from the client, then the server's first packet is a FIN: a close by a
  // side seen for the first time (prev_state INACTIVE), the other side still open.
  const halfClosed = tcpTrace(
    [
      { t: 10, from: "c", flags: "PA", seq: 1001, ack: 5001, payload: "x" },
      { t: 10.2, from: "s", flags: "FA", seq: 5001, ack: 1002 },
    ],
    OTHER,
  );
  const plain = await run([...halfClosed, tick(14)]);
  assert.equal(plain.removed.find((c) => c.orig.startsWith("10.9.9.9"))!.at, 14, "no partial-close timer: flushed at the end");
  const handled = await run([...halfClosed, tick(14)], {}, (e) => e.on("connection_partial_close", () => {}));
  const c = handled.removed.find((x) => x.orig.startsWith("10.9.9.9"))!;
  assert.equal(c.cause, "connection_partial_close");
  assert.equal(c.at, 14, "due 3 s after the last packet (13.2), fired by the next packet");
  // A RST after a FIN from a CLOSED side: the reset timer (5 s) only with a connection_reset handler.
  const finRst = tcpTrace([...handshake(10), { t: 10.1, from: "c", flags: "FA", seq: 1001, ack: 5001 }, { t: 10.2, from: "c", flags: "R", seq: 1002 }]);
  const resets: string[] = [];
  const withReset = await run([...finRst, tick(15.1), tick(15.3)], {}, (e) => e.on("connection_reset", (x) => resets.push(x.uid)));
  const rc = withReset.removed.find((x) => x.orig.endsWith(":40000"))!;
  assert.equal(rc.state, "RSTO");
  assert.deepEqual([rc.cause, rc.at], ["connection_reset", 15.3]);
  assert.deepEqual(resets, [rc.uid]);
});

test("SYN and SYN-ACK seen in reverse order: roles flip and both sides are established (Connection::FlipRoles)", async () => {
  const r = await run(
    tcpTrace(
      [
        { t: 10, from: "s", flags: "SA", seq: 5000, ack: 1001 },
        { t: 10.001, from: "c", flags: "S", seq: 1000 },
        { t: 10.01, from: "c", flags: "A", seq: 1001, ack: 5001 },
      ],
      { sport: 7777 },
    ),
  );
  const c = r.removed[0]!;
  assert.equal(c.orig, "10.0.0.1:40000");
  assert.equal(c.state, "S1");
  assert.ok(r.events.includes(`connection_established ${c.uid}`));
});

test("setFilter (Zeek's Pcap::install_pcap_filter) applies from the next packet; a bad expression throws; a predicate replaces it", async () => {
  const packets = [
    udpPacket(10, "10.1.0.1", 1000, "10.1.0.2", 80),
    udpPacket(11, "10.1.0.1", 1001, "10.1.0.2", 53),
    udpPacket(12, "10.1.0.1", 1002, "10.1.0.2", 80),
    udpPacket(13, "10.1.0.1", 1003, "10.1.0.2", 53),
    udpPacket(14, "10.1.0.1", 1004, "10.1.0.2", 22),
  ];
  const r = await run(packets, {}, (engine) => {
    let n = 0;
    engine.on("new_packet", () => {
      n++;
      // After the first packet: only port 53. After the second that passes: a bad filter, then none.
      if (n === 1) engine.setFilter("udp port 53");
      if (n === 2) {
        assert.throws(() => engine.setFilter("udp prot 80"), /syntax/i);
        engine.setFilter((raw) => raw.caplen > 0 && engine.packetsSeen < 3);
      }
    });
  });
  assert.deepEqual(r.removed.map((c) => c.orig).sort(), ["10.1.0.1:1000", "10.1.0.1:1001", "10.1.0.1:1002"]);
  assert.equal(r.engine.packetsSeen, 3);
});

test("skipLinkHeader (Zeek's SKIP packet analyzer under ROOT): a vendor header skipped, IP behind it; a shorter frame is skip_bad_length", async () => {
  const USER0 = 147;
  const vendor = Uint8Array.of(0xde, 0xad, 0xbe, 0xef, 0, 1);
  const withHeader = (t: number, sport: number): TestPacket => ({
    ts: t,
    linktype: USER0,
    bytes: Uint8Array.from([...vendor, ...udp4({ src: "10.2.0.1", dst: "10.2.0.2" }, { sport, dport: 9999, payload: "q" })]),
  });
  const packets = [withHeader(10, 1000), { ts: 11, linktype: USER0, bytes: Uint8Array.of(1, 2, 3) }, withHeader(12, 1001)];
  const r = await run(packets, {}, (engine) => engine.skipLinkHeader(USER0, vendor.length));
  assert.deepEqual(r.removed.map((c) => c.orig).sort(), ["10.2.0.1:1000", "10.2.0.1:1001"]);
  assert.deepEqual(r.weirds, ["skip_bad_length"]);
  // Without it, link type 147 is read as raw IP: the vendor bytes are no IP header.
  const plain = await run(packets);
  assert.equal(plain.removed.length, 0);
  await assert.rejects(
    run(packets, {}, (engine) => engine.skipLinkHeader(USER0, -1)),
    /skipLinkHeader: bytes must be a whole number ≥ 0, got -1/,
  );
});

test("connection thresholds (Zeek's ConnSize): bytes, packets and duration fire once when reached, per side; one already reached fires when set", async () => {
  // Each datagram is a 20-byte IP header, 8 bytes of UDP and its payload: 38 IP bytes with "0123456789".
  const dgram = (t: number, fromClient: boolean) =>
    fromClient ? udpPacket(t, "10.4.0.1", 1000, "10.4.0.2", 9999, "0123456789") : udpPacket(t, "10.4.0.2", 9999, "10.4.0.1", 1000, "0123456789");
  const crossed: string[] = [];
  let thresholdAfter = -1;
  let atRemoval: boolean | undefined;
  const r = await run([dgram(10, true), dgram(10.5, false), dgram(11, true), dgram(12, true), dgram(14, false)], {}, (engine) => {
    engine.on("new_connection", (c) => {
      assert.equal(engine.setConnThreshold(c, "bytes", 76, true), true);
      engine.setConnThreshold(c, "packets", 2, false);
      engine.setConnThreshold(c, "duration", 3);
    });
    engine.on("conn_bytes_threshold_crossed", (c, n, isOrig) => {
      crossed.push(`bytes ${n} ${isOrig} at ${engine.clock.now}`);
      thresholdAfter = engine.connThreshold(c, "bytes", true);
      // Already reached (38 bytes from the responder): fires when set.
      if (isOrig) engine.setConnThreshold(c, "bytes", 30, false);
    });
    engine.on("conn_packets_threshold_crossed", (_c, n, isOrig) => crossed.push(`packets ${n} ${isOrig} at ${engine.clock.now}`));
    engine.on("conn_duration_threshold_crossed", (_c, n, isOrig) => crossed.push(`duration ${n} ${isOrig} at ${engine.clock.now}`));
    engine.on("connection_state_remove", (c) => void (atRemoval = engine.setConnThreshold(c, "bytes", 1)));
  });
  // Per packet as Zeek's CheckThresholds: the side's bytes, then its packets, then the duration.
  assert.deepEqual(crossed, ["bytes 76 true at 11", "bytes 30 false at 11", "packets 2 false at 14", "duration 3 false at 14"]);
  assert.equal(atRemoval, false, "a connection being removed takes no threshold");
  assert.equal(thresholdAfter, 0, "a crossed threshold is cleared");
  assert.equal(r.removed.length, 1);
  assert.throws(() => r.engine.setConnThreshold({} as never, "bytes", -1), /threshold must be a finite number ≥ 0, got -1/);
  assert.equal(r.engine.setConnThreshold({} as never, "bytes", 5), false, "not a connection the engine tracks");
});

test("skipFurtherProcessing (Zeek's skip_further_processing): later packets are not analysed; the connection keeps what it counted and is still logged", async () => {
  const packets = [
    udpPacket(10, "10.5.0.1", 1000, "10.5.0.2", 9999, "first"),
    udpPacket(10.5, "10.5.0.2", 9999, "10.5.0.1", 1000, "reply"),
    udpPacket(11, "10.5.0.1", 1000, "10.5.0.2", 9999, "third"),
    udpPacket(11.5, "10.5.0.1", 1000, "10.5.0.2", 9999, "fourth"),
  ];
  const seen: string[] = [];
  let skipped: boolean | undefined;
  let afterRemoval: boolean | undefined;
  const r = await run(packets, {}, (engine) => {
    engine.on("udp_request", () => seen.push(`request ${engine.clock.now}`));
    engine.on("udp_reply", (c) => {
      seen.push(`reply ${engine.clock.now}`);
      skipped = engine.skipFurtherProcessing(c);
    });
    engine.on("new_packet", () => seen.push(`packet ${engine.clock.now}`));
    engine.on("connection_state_remove", (c) => void (afterRemoval = engine.skipFurtherProcessing(c)));
  });
  assert.equal(skipped, true);
  assert.equal(afterRemoval, false);
  // new_packet still comes (it precedes the analysis, as in Zeek); the analysis does not.
  assert.deepEqual(seen, ["packet 10", "request 10", "packet 10.5", "reply 10.5", "packet 11", "packet 11.5"]);
  const [c] = r.removed;
  assert.deepEqual([c!.origPkts, c!.respPkts, c!.duration, c!.history], [1, 1, 0.5, "Dd"]);
});

test("ConnSize has its analyzer id after the connection's others: disabled by it, its thresholds stop; found no more after", async () => {
  const dgram = (t: number) => udpPacket(t, "10.5.0.1", 1000, "10.5.0.2", 9999, "x");
  const crossed: number[] = [];
  const ids: number[] = [];
  const results: boolean[] = [];
  await run([dgram(10), dgram(11), dgram(12), dgram(13)], {}, (engine) => {
    engine.on("new_connection", (c) => void engine.setConnThreshold(c, "packets", 1, true));
    engine.on("conn_packets_threshold_crossed", (c, n) => {
      crossed.push(n);
      engine.setConnThreshold(c, "packets", n + 1, true);
      const aid = engine.lookupAnalyzer(c, "CONNSIZE");
      ids.push(aid);
      // The second crossing removes ConnSize: no third.
      if (n === 2) results.push(engine.disableAnalyzer(c, aid), engine.disableAnalyzer(c, aid), engine.lookupAnalyzer(c, "CONNSIZE") === 0);
    });
  });
  assert.deepEqual(crossed, [1, 2]);
  assert.ok(ids[0]! > 0 && ids[0] === ids[1]);
  assert.deepEqual(results, [true, false, true]);
});
