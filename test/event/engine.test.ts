/**
 * Engine-level and anomaly events (Zeek's run_state packet loop, session::Manager::Drain; weirds Zeek's IP packet analyzer):
 * zeek_init before anything, net_done after the last packet's events and before
 * the end-of-input flush, zeek_done last; weird's record for connection and
 * flow anomalies, interleaved where it occurs; new_packet once per packet.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Weird } from "../../src/event/records.js";
import { frame, ipv4, type TestPacket, tcp4, udp4 } from "../helpers/packets.js";
import { CLIENT, handshake, SERVER, tcpTrace, udpPacket } from "../session/harness.js";
import { names, only, record } from "./recorder.js";

test("zeek_init first, net_done(t) after the last packet, then shutdown timers, then pending connections in key order, zeek_done last (session::Manager::Drain)", async () => {
  const packets: TestPacket[] = [
    ...tcpTrace(handshake(0), { cport: 40001 }), // established, still open at the end
    ...tcpTrace([{ t: 1, from: "c", flags: "S", seq: 7 }], { cport: 40000 }), // unanswered SYN
    udpPacket(2, "10.0.0.9", 53000, "10.0.0.8", 9999, "x"),
  ];
  const r = await record(packets, [
    "zeek_init",
    "net_done",
    "new_connection",
    "connection_attempt",
    "connection_pending",
    "connection_state_remove",
    "zeek_done",
  ]);
  const seq = r.events.map((e) => (e.c ? `${e.name} ${e.c.orig}` : e.name));
  assert.deepEqual(seq, [
    "zeek_init",
    `new_connection ${CLIENT}:40001`,
    `new_connection ${CLIENT}:40000`,
    "new_connection 10.0.0.9:53000",
    "net_done",
    // Shutdown timers first (the attempt timer runs at shutdown)…
    `connection_attempt ${CLIENT}:40000`,
    `connection_state_remove ${CLIENT}:40000`,
    // …then every other connection by raw key bytes: 10.0.0.1 < 10.0.0.8 (the UDP key's smaller address).
    `connection_pending ${CLIENT}:40001`,
    `connection_state_remove ${CLIENT}:40001`,
    "connection_state_remove 10.0.0.9:53000",
    "zeek_done",
  ]);
  assert.deepEqual(only(r.events, "net_done")[0]!.args, [2], "net_done carries the last network time");
});

test("network time never goes below 1.0 (a trace stamped near 0): events run at 1.0, the connection keeps its packets' times", async () => {
  // Zeek's event corpus shows network_time() = 1.000000 for every event of traces stamped 0.000000..0.9
  // (quic/interop/*, finger/long-*.pcapng), while conn.log keeps ts 0.001000: the floor is on network time only.
  const r = await record(
    [udpPacket(0, CLIENT, 5000, SERVER, 6000, "a"), udpPacket(0.5, SERVER, 6000, CLIENT, 5000, "b"), udpPacket(2, CLIENT, 5000, SERVER, 6000, "c")],
    ["new_connection", "udp_request", "udp_reply", "connection_state_remove", "net_done"],
  );
  assert.deepEqual(
    r.events.map((e) => `${e.name}@${e.t}`),
    ["new_connection@1", "udp_request@1", "udp_reply@1", "udp_request@2", "net_done@2", "connection_state_remove@2"],
  );
  const removed = only(r.events, "connection_state_remove")[0]!;
  assert.equal(removed.c!.duration, 2, "start_time stays the first packet's 0");
  assert.equal(r.engine.clock.now, 2);
});

test("zeek_init and zeek_done run once each even for an empty trace", async () => {
  const r = await record([], ["zeek_init", "net_done", "zeek_done"]);
  assert.deepEqual(names(r.events), ["zeek_init", "net_done", "zeek_done"]);
});

test("new_packet: once per packet that reaches a connection, before that packet's other events", async () => {
  const r = await record(tcpTrace(handshake(0)), ["new_packet", "connection_SYN_packet", "connection_established", "connection_first_ACK"]);
  assert.deepEqual(names(r.events), [
    "new_packet",
    "connection_SYN_packet",
    "new_packet",
    "connection_SYN_packet",
    "connection_established",
    "new_packet",
    "connection_first_ACK",
  ]);
});

test("weird about a connection: name, addl, source, ts and the connection, queued where it occurs in the packet", async () => {
  const r = await record(
    tcpTrace([
      { t: 1, from: "c", flags: "S", seq: 1000 },
      { t: 1.5, from: "c", flags: "SA", seq: 1000, ack: 99 }, // repeated SYN with ACK from orig while SYN_SENT
    ]),
    ["new_packet", "connection_SYN_packet", "weird", "tcp_packet"],
  );
  const w = only(r.events, "weird")[0]!;
  const weird = w.args[0] as Weird;
  assert.equal(weird.name, "repeated_SYN_with_ack");
  assert.equal(weird.addl, "");
  assert.equal(weird.source, "TCP");
  assert.equal(weird.ts, 1.5);
  assert.equal(w.c!.orig, `${CLIENT}:40000`);
  // The SYN event precedes the state machine's weird, which precedes tcp_packet (TCPSessionAdapter::DeliverPacket's order).
  assert.deepEqual(names(r.events).slice(3), ["new_packet", "connection_SYN_packet", "weird:repeated_SYN_with_ack", "tcp_packet"]);
});

test("weird without a connection: a flow weird carries src/dst and no connection; no connection events follow", async () => {
  // A TCP header cut to 10 bytes by the IP length: truncated_header, no connection (IPBasedAnalyzer::CheckHeaderTrunc).
  const seg = tcp4({ src: CLIENT, dst: SERVER }, { flags: "S", seq: 1 });
  const ip = ipv4({ src: CLIENT, dst: SERVER, proto: 6 }, seg.slice(20, 30));
  const r = await record([{ ts: 3, bytes: frame(ip) }], ["weird", "new_connection"], { ignoreChecksums: true });
  assert.equal(r.events.length, 1);
  const w = r.events[0]!.args[0] as Weird;
  assert.equal(w.name, "truncated_header");
  assert.equal(w.conn, undefined);
  assert.equal(w.src, CLIENT);
  assert.equal(w.dst, SERVER);
  assert.equal(w.ts, 3);
});

test("weird addl: UDP_datagram_length_mismatch says '<ulen> != <len>'", async () => {
  const pkt = { ts: 0, bytes: frame(udp4({ src: CLIENT, dst: SERVER }, { sport: 1000, dport: 2000, payload: "abcd", lengthOverride: 10 })) };
  const r = await record([pkt], ["weird"], { ignoreChecksums: true });
  const w = r.events.map((e) => e.args[0] as Weird).find((x) => x.name === "UDP_datagram_length_mismatch")!;
  assert.equal(w.addl, "10 != 12");
  assert.equal(w.source, "UDP");
});

test("a handler that throws does not stop the engine: later events and packets are still processed", async () => {
  const errors: string[] = [];
  const original = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array): boolean => {
    errors.push(String(chunk));
    return true;
  }) as typeof process.stderr.write;
  let r: Awaited<ReturnType<typeof record>>;
  try {
    r = await record(tcpTrace(handshake(0)), ["connection_established", "connection_first_ACK", "connection_state_remove"], {
      setup: (e) =>
        e.on(
          "connection_established",
          () => {
            throw new Error("policy bug");
          },
          { priority: 10 },
        ),
    });
  } finally {
    process.stderr.write = original;
  }
  assert.deepEqual(names(r.events), ["connection_established", "connection_first_ACK", "connection_state_remove"]);
  assert.equal(errors.length, 1);
  assert.match(errors[0]!, /connection_established.*policy bug/);
});

test("at most max_timer_expires (300) timers run before a packet; the rest before the next one (Zeek's run_state packet loop)", async () => {
  const syns: TestPacket[] = [];
  for (let i = 0; i < 301; i++) syns.push(...tcpTrace([{ t: 0, from: "c", flags: "S", seq: 1 }], { cport: 20000 + i }));
  // Only the attempt timers (due at 5) are due by 10: the expire and inactivity timers come much later.
  const r = await record(
    [...syns, udpPacket(10, "10.0.0.9", 1, "10.0.0.8", 2), udpPacket(11, "10.0.0.9", 3, "10.0.0.8", 4)],
    ["connection_attempt", "new_connection"],
    { settings: { tcp_SYN_timeout: 100 } },
  );
  const after = r.events.slice(301);
  const at10 = after.filter((e) => e.name === "connection_attempt" && e.t === 10).length;
  const at11 = after.filter((e) => e.name === "connection_attempt" && e.t === 11).length;
  assert.equal(at10, 300);
  assert.equal(at11, 1);
  assert.deepEqual(names(after).slice(299, 303), ["connection_attempt", "new_connection", "connection_attempt", "new_connection"]);
});

test("max_timer_expires=0: every timer due runs before the packet (Zeek's dispatch_all_expired)", async () => {
  const syns: TestPacket[] = [];
  for (let i = 0; i < 301; i++) syns.push(...tcpTrace([{ t: 0, from: "c", flags: "S", seq: 1 }], { cport: 20000 + i }));
  const r = await record([...syns, udpPacket(10, "10.0.0.9", 1, "10.0.0.8", 2)], ["connection_attempt"], {
    settings: { tcp_SYN_timeout: 100, max_timer_expires: 0 },
  });
  assert.equal(r.events.filter((e) => e.name === "connection_attempt" && e.t === 10).length, 301);
});

test("other IP protocols (Zeek's UnknownIPSessionAdapter): a connection with ports 0/0, no history, removed 1 min after its last packet", async () => {
  const sctp = (t: number, src: string, dst: string): TestPacket => ({ ts: t, bytes: frame(ipv4({ src, dst, proto: 132 }, new Uint8Array(16))) });
  const r = await record(
    [sctp(0, CLIENT, SERVER), sctp(10, SERVER, CLIENT), sctp(69.9, "10.3.0.1", "10.3.0.2"), sctp(70, "10.3.0.3", "10.3.0.4")],
    ["new_connection", "connection_timeout", "connection_state_remove"],
  );
  const first = r.events.filter((e) => e.c!.orig === `${CLIENT}:0`);
  assert.deepEqual(names(first), ["new_connection", "connection_timeout", "connection_state_remove"]);
  assert.equal(first[1]!.t, 70);
  assert.equal(first[2]!.c!.resp, `${SERVER}:0`);
  assert.equal(first[2]!.c!.history, "");
  assert.equal(first[2]!.c!.origPkts, 1);
  assert.equal(first[2]!.c!.respPkts, 1);
});

test("a packet older than network time: events run at network time, the connection keeps the packet's own time (Zeek's run_state packet loop)", async () => {
  const r = await record(
    [udpPacket(10, "10.0.0.9", 1, "10.0.0.8", 2), ...tcpTrace([{ t: 5, from: "c", flags: "S", seq: 1 }]), udpPacket(10.01, "10.0.0.9", 3, "10.0.0.8", 4)],
    ["new_connection", "connection_attempt"],
  );
  const tcpNew = r.events.filter((e) => e.name === "new_connection")[1]!;
  assert.equal(tcpNew.t, 10, "network time never goes backwards");
  const attempt = only(r.events, "connection_attempt")[0]!;
  // The attempt timer is due at the SYN's own time + 5 = 10: it runs before the next packet.
  assert.equal(attempt.t, 10.01);
  assert.equal(r.events.indexOf(attempt), 2);
});
