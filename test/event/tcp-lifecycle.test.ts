/**
 * TCP connection life-cycle events (behaviour doc §3.2 per-packet order, §3.3
 * state machine, §3.5 event table, §3.8 closing, §6.3–6.5 removal): for each
 * event, when it fires, how often, in which order relative to the others, and
 * with which connection state.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { TcpState } from "../../src/event/records.js";
import { CLIENT, handshake, SERVER, type Seg, tcpTrace, udpPacket } from "../session/harness.js";
import { names, only, record, TCP_LIFECYCLE } from "./recorder.js";

const WITH_PACKETS = [...TCP_LIFECYCLE, "new_packet", "tcp_packet"] as const;

let ticks = 0;
/** A packet of another (new) flow that only moves network time forward. */
const tick = (t: number) => udpPacket(t, "10.9.9.9", 5000 + ++ticks, "10.9.9.8", 5001);

test("a clean session: per-packet event order from SYN to connection_finished (§3.2)", async () => {
  const segs: Seg[] = [
    ...handshake(1),
    { t: 1.03, from: "c", flags: "PA", seq: 1001, ack: 5001, payload: "hello" },
    { t: 1.04, from: "s", flags: "A", seq: 5001, ack: 1006 },
    { t: 1.05, from: "c", flags: "FA", seq: 1006, ack: 5001 },
    { t: 1.06, from: "s", flags: "FA", seq: 5001, ack: 1007 },
    { t: 1.07, from: "c", flags: "A", seq: 1007, ack: 5002 },
  ];
  const r = await record(tcpTrace(segs), WITH_PACKETS);
  const byPacket = names(r.events);
  assert.deepEqual(byPacket, [
    // SYN: reassembly switched on and announced before new_connection (§3.5), then the packet's events.
    "new_connection_contents",
    "new_connection",
    "new_packet",
    "connection_SYN_packet",
    "tcp_packet",
    // SYN-ACK: established by the responder's SYN (§3.3), before tcp_packet.
    "new_packet",
    "connection_SYN_packet",
    "connection_established",
    "tcp_packet",
    // ACK: the originator's first ACK.
    "new_packet",
    "connection_first_ACK",
    "tcp_packet",
    "new_packet",
    "tcp_packet",
    "new_packet",
    "tcp_packet",
    // FIN from orig: everything delivered → connection_EOF(orig) after tcp_packet; peer still open: no close event.
    "new_packet",
    "tcp_packet",
    "connection_EOF",
    // FIN from resp: EOF(resp) then connection_finished (§3.8: complete close, peer not INACTIVE).
    "new_packet",
    "tcp_packet",
    "connection_EOF",
    "connection_finished",
    "new_packet",
    "tcp_packet",
    // End of input: the delete timer does not run at shutdown; not active, so no connection_pending.
    "connection_state_remove",
  ]);
  const eofs = only(r.events, "connection_EOF");
  assert.deepEqual(
    eofs.map((e) => e.args[0]),
    [true, false],
    "is_orig of each EOF",
  );
  const est = only(r.events, "connection_established")[0]!;
  assert.equal(est.t, 1.01);
  assert.equal(est.c!.origState, TcpState.ESTABLISHED);
  assert.equal(est.c!.respState, TcpState.ESTABLISHED);
  assert.equal(est.c!.history, "Sh");
  const fin = only(r.events, "connection_finished")[0]!;
  assert.equal(fin.t, 1.06);
  assert.equal(fin.c!.history, "ShADaFf");
  assert.equal(fin.c!.origState, TcpState.CLOSED);
  assert.equal(fin.c!.respState, TcpState.CLOSED);
  assert.equal(fin.c!.origSize, 5);
  // ConnSize counts a packet after its events were queued (§3.2 step 22): S, A, D, F from orig; h, a from resp.
  assert.equal(fin.c!.origPkts, 4);
  assert.equal(fin.c!.respPkts, 2);
  const uids = new Set(r.events.map((e) => e.c!.uid));
  assert.equal(uids.size, 1);
  assert.equal([...uids][0], "CHhAvVGS1DHFjwGM9", "Zeek's first uid with the btest seed");
});

test("connection_timeout: a closed connection is removed tcp_close_delay (5 s) after its last time, before the next packet's events", async () => {
  const segs: Seg[] = [...handshake(0), { t: 1, from: "c", flags: "FA", seq: 1001, ack: 5001 }, { t: 2, from: "s", flags: "FA", seq: 5001, ack: 1002 }];
  const early = await record([...tcpTrace(segs), tick(6.9)], TCP_LIFECYCLE);
  assert.equal(only(early.events, "connection_timeout").length, 0, "2 + 5 > 6.9: still there");
  const r = await record([...tcpTrace(segs), tick(7), tick(8)], TCP_LIFECYCLE);
  const timeouts = only(r.events, "connection_timeout");
  assert.equal(timeouts.length, 1);
  assert.equal(timeouts[0]!.t, 7);
  const tail = r.lines.slice(r.lines.indexOf(`connection_timeout ${timeouts[0]!.c!.uid}`));
  // The timer's events precede the UDP packet's new_connection (§1.1 step 3/5).
  assert.deepEqual(
    tail.map((l) => l.split(" ")[0]),
    ["connection_timeout", "connection_state_remove", "new_connection", "new_connection", "connection_state_remove", "connection_state_remove"],
  );
});

test("connection_rejected: the responder's RST to a SYN, once; no connection_reset; REJ removed by the close timer", async () => {
  const segs: Seg[] = [
    { t: 1, from: "c", flags: "S", seq: 1000 },
    { t: 1.01, from: "s", flags: "RA", seq: 0, ack: 1001 },
  ];
  const r = await record([...tcpTrace(segs), tick(6.01)], [...WITH_PACKETS]);
  assert.deepEqual(names(r.events).slice(0, 10), [
    "new_connection_contents",
    "new_connection",
    "new_packet",
    "connection_SYN_packet",
    "tcp_packet",
    // The RST sender's stream is complete (§4.4): connection_EOF after tcp_packet.
    "new_packet",
    "connection_rejected",
    "tcp_packet",
    "connection_EOF",
    "connection_timeout",
  ]);
  const rej = only(r.events, "connection_rejected");
  assert.equal(rej.length, 1);
  assert.equal(rej[0]!.t, 1.01);
  assert.equal(rej[0]!.c!.origState, TcpState.SYN_SENT);
  assert.equal(rej[0]!.c!.respState, TcpState.RESET);
  assert.equal(only(r.events, "connection_reset").length, 0);
  assert.equal(only(r.events, "connection_attempt").length, 0, "a rejected attempt is not an attempt");
  assert.equal(only(r.events, "connection_timeout")[0]!.t, 6.01);
});

test("connection_rejected: an originator's RST to an established responder (orig INACTIVE, resp ESTABLISHED)", async () => {
  // The originator is seen first through a RST after the responder's SYN-ACK (flipped: port 80 is a server port).
  const segs: Seg[] = [
    { t: 0, from: "s", flags: "SA", seq: 5000, ack: 1001 },
    { t: 0.01, from: "c", flags: "R", seq: 1001 },
  ];
  const r = await record(tcpTrace(segs), TCP_LIFECYCLE);
  assert.deepEqual(names(r.events), [
    "connection_flipped",
    "new_connection_contents",
    "new_connection",
    "connection_SYN_packet",
    "connection_established",
    // A reject does not make the connection inactive (only connection_reset/finished/attempt do), and
    // the close timer does not run at shutdown: still active, not both closed → connection_pending (§3.5).
    "connection_rejected",
    "connection_EOF",
    "connection_pending",
    "connection_state_remove",
  ]);
});

test("connection_reset: RST from the originator of an established connection (RSTO), once", async () => {
  const segs: Seg[] = [...handshake(0), { t: 1, from: "c", flags: "RA", seq: 1001, ack: 5001 }];
  const r = await record(tcpTrace(segs), WITH_PACKETS);
  const resets = only(r.events, "connection_reset");
  assert.equal(resets.length, 1);
  assert.equal(resets[0]!.t, 1);
  assert.equal(resets[0]!.c!.origState, TcpState.RESET);
  assert.equal(resets[0]!.c!.respState, TcpState.ESTABLISHED);
  const i = r.lines.findIndex((l) => l.startsWith("connection_reset"));
  assert.deepEqual(
    r.lines.slice(i - 1, i + 2).map((l) => l.split(" ")[0]),
    ["new_packet", "connection_reset", "tcp_packet"],
  );
  assert.equal(only(r.events, "connection_finished").length, 0);
  assert.equal(only(r.events, "connection_pending").length, 0, "a reset connection is no longer active");
});

test("connection_reset: RST from the responder (RSTR); a second RST from the other side adds none", async () => {
  const segs: Seg[] = [...handshake(0), { t: 1, from: "s", flags: "R", seq: 5001 }, { t: 1.1, from: "c", flags: "R", seq: 1001 }];
  const r = await record(tcpTrace(segs), TCP_LIFECYCLE);
  const resets = only(r.events, "connection_reset");
  assert.equal(resets.length, 1, "the peer already RESET from ESTABLISHED: no second event (§3.3)");
  assert.equal(resets[0]!.c!.respState, TcpState.RESET);
});

test("connection_reset: a RST from SYN_SENT (the originator resets its own SYN)", async () => {
  const segs: Seg[] = [
    { t: 0, from: "c", flags: "S", seq: 1000 },
    { t: 0.5, from: "c", flags: "R", seq: 1001 },
  ];
  const r = await record(tcpTrace(segs), TCP_LIFECYCLE);
  assert.equal(only(r.events, "connection_reset").length, 1);
  assert.equal(only(r.events, "connection_attempt").length, 0, "inactive after the reset: the attempt timer does nothing");
});

test("connection_half_finished: a FIN with a silent peer (SH)", async () => {
  const segs: Seg[] = [
    { t: 0, from: "c", flags: "S", seq: 1000 },
    { t: 1, from: "c", flags: "F", seq: 1001 },
  ];
  const r = await record(tcpTrace(segs), TCP_LIFECYCLE);
  assert.deepEqual(names(r.events), [
    "new_connection_contents",
    "new_connection",
    "connection_SYN_packet",
    "connection_EOF",
    "connection_half_finished",
    "connection_state_remove",
  ]);
  assert.equal(only(r.events, "connection_half_finished")[0]!.t, 1);
  assert.equal(only(r.events, "connection_finished").length, 0);
});

test("partial_connection: midstream traffic, when the second side enters PARTIAL", async () => {
  const segs: Seg[] = [
    { t: 1, from: "c", flags: "PA", seq: 1001, ack: 5001, payload: "a" },
    { t: 1.1, from: "c", flags: "PA", seq: 1002, ack: 5001, payload: "b" },
    { t: 1.2, from: "s", flags: "PA", seq: 5001, ack: 1003, payload: "c" },
    { t: 1.3, from: "c", flags: "PA", seq: 1003, ack: 5002, payload: "d" },
  ];
  const r = await record(tcpTrace(segs), TCP_LIFECYCLE);
  const partial = only(r.events, "partial_connection");
  assert.equal(partial.length, 1);
  assert.equal(partial[0]!.t, 1.2);
  assert.equal(partial[0]!.c!.origState, TcpState.PARTIAL);
  assert.equal(partial[0]!.c!.respState, TcpState.PARTIAL);
  assert.equal(only(r.events, "connection_established").length, 0);
  // Still active at the end and not closed: connection_pending then removal (§6.4).
  assert.deepEqual(names(r.events).slice(-2), ["connection_pending", "connection_state_remove"]);
});

test("connection_attempt: 5 s after an unanswered SYN, fired by a later packet's time, before that packet", async () => {
  const syn = tcpTrace([{ t: 10, from: "c", flags: "S", seq: 1000 }]);
  const r = await record([...syn, tick(14.9), tick(15), tick(16)], TCP_LIFECYCLE);
  const attempts = only(r.events, "connection_attempt");
  assert.equal(attempts.length, 1);
  assert.equal(attempts[0]!.t, 15, "due at 10 + tcp_attempt_delay, run when time reaches it");
  assert.equal(attempts[0]!.c!.history, "S");
  assert.equal(attempts[0]!.c!.origState, TcpState.SYN_SENT);
  assert.equal(attempts[0]!.c!.respState, TcpState.INACTIVE);
  const i = r.lines.indexOf(`connection_attempt ${attempts[0]!.c!.uid}`);
  assert.equal(r.lines[i + 1], `connection_state_remove ${attempts[0]!.c!.uid}`, "removed right away");
  // The UDP tick at 14.9 was created before; the one at 15 after the attempt.
  const news = r.lines.filter((l) => l.startsWith("new_connection "));
  assert.equal(r.lines.indexOf(news[2]!) > i, true);
  assert.equal(r.lines.indexOf(news[1]!) < i, true);
  assert.equal(only(r.events, "connection_pending").filter((e) => e.c!.uid === attempts[0]!.c!.uid).length, 0);
});

test("connection_attempt at end of input: the attempt timer runs at shutdown (§6.4), no connection_pending", async () => {
  const r = await record(
    tcpTrace([
      { t: 0, from: "c", flags: "S", seq: 1000 },
      { t: 3, from: "c", flags: "S", seq: 1000 },
    ]),
    [...TCP_LIFECYCLE, "net_done"],
  );
  assert.deepEqual(names(r.events), [
    "new_connection_contents",
    "new_connection",
    "connection_SYN_packet",
    "connection_SYN_packet",
    "net_done",
    "connection_attempt",
    "connection_state_remove",
  ]);
  assert.equal(only(r.events, "connection_attempt")[0]!.t, 3, "timer callbacks see the current network time");
});

test("connection_attempt does not fire once the responder answered", async () => {
  const r = await record([...tcpTrace(handshake(0)), tick(30)], TCP_LIFECYCLE);
  assert.equal(only(r.events, "connection_attempt").length, 0);
});

test("connection_pending at end of input: only TCP connections still active and not both closed, right before their removal", async () => {
  const open = tcpTrace(handshake(0));
  const closed = tcpTrace(
    [...handshake(0.5), { t: 0.6, from: "c", flags: "FA", seq: 1001, ack: 5001 }, { t: 0.7, from: "s", flags: "FA", seq: 5001, ack: 1002 }],
    { cport: 40001 },
  );
  const halfClosed = tcpTrace([...handshake(0.8), { t: 0.9, from: "c", flags: "FA", seq: 1001, ack: 5001 }], { cport: 40002 });
  const r = await record([...open, ...closed, ...halfClosed, udpPacket(1, CLIENT, 5000, SERVER, 5001)], [...TCP_LIFECYCLE, "net_done"]);
  const pending = only(r.events, "connection_pending");
  assert.equal(pending.length, 2, "the open and the half-closed connection; the finished one is inactive");
  assert.deepEqual(
    pending.map((e) => e.c!.orig.split(":")[1]),
    ["40000", "40002"],
  );
  for (const p of pending) {
    const i = r.lines.indexOf(`connection_pending ${p.c!.uid}`);
    assert.equal(r.lines[i + 1], `connection_state_remove ${p.c!.uid}`);
    assert.ok(i > r.lines.indexOf("net_done"));
  }
});

test("connection_reused: a new SYN after a close removes the old connection first (§2.3)", async () => {
  const segs: Seg[] = [
    ...handshake(0),
    { t: 1, from: "c", flags: "FA", seq: 1001, ack: 5001 },
    { t: 1.1, from: "s", flags: "FA", seq: 5001, ack: 1002 },
    { t: 1.2, from: "c", flags: "A", seq: 1002, ack: 5002 },
    { t: 2, from: "c", flags: "S", seq: 90000 },
  ];
  const r = await record(tcpTrace(segs), [...TCP_LIFECYCLE, "weird", "new_packet"]);
  const reused = only(r.events, "connection_reused");
  assert.equal(reused.length, 1);
  assert.equal(reused[0]!.t, 2);
  const oldUid = reused[0]!.c!.uid;
  assert.equal(reused[0]!.c!.history, "ShAFf", "the old connection's record");
  const i = r.lines.indexOf(`connection_reused ${oldUid}`);
  assert.equal(r.lines[i - 1], "weird premature_connection_reuse", "2 − 1.1 < tcp_connection_linger");
  assert.equal(r.lines[i + 1], `connection_state_remove ${oldUid}`);
  const next = r.lines.slice(i + 2).map((l) => l.split(" "));
  assert.deepEqual(
    next.map((l) => l[0]),
    ["new_connection_contents", "new_connection", "new_packet", "connection_SYN_packet", "connection_attempt", "connection_state_remove"],
  );
  assert.notEqual(next[1]![1], oldUid, "a fresh uid");
  assert.equal(only(r.events, "new_connection").length, 2);
});

test("connection_timeout by inactivity: 5 min after the last packet of an established connection", async () => {
  const segs: Seg[] = [...handshake(0), { t: 1, from: "c", flags: "PA", seq: 1001, ack: 5001, payload: "x" }];
  const r = await record([...tcpTrace(segs), tick(200), tick(300.99), tick(301), tick(302)], TCP_LIFECYCLE);
  const timeouts = only(r.events, "connection_timeout").filter((e) => e.c!.orig.endsWith(":40000"));
  assert.equal(timeouts.length, 1);
  assert.equal(timeouts[0]!.t, 301, "last_time 1 + tcp_inactivity_timeout 300");
  assert.equal(only(r.events, "connection_pending").filter((e) => e.c!.orig.endsWith(":40000")).length, 0);
});

test("connection_timeout while both sides are in the handshake: udp_inactivity_timeout (1 min) applies (§3.9)", async () => {
  // A SYN-ACK that is never answered, between two non-server ports: orig SYN_ACK_SENT, resp INACTIVE.
  // The attempt timer would remove it at 5 s; with tcp_attempt_delay = 0 only the expire/inactivity timers remain.
  const segs: Seg[] = [{ t: 0, from: "c", flags: "S", seq: 1000 }];
  const r = await record([...tcpTrace(segs, { sport: 4444 }), tick(30), tick(59.9), tick(60)], TCP_LIFECYCLE, {
    settings: { tcp_attempt_delay: 0 },
  });
  const mine = only(r.events, "connection_timeout").filter((e) => e.c!.resp.endsWith(":4444"));
  assert.equal(mine.length, 1);
  assert.equal(mine[0]!.t, 60);
});

test("connection_partial_close: needs a handler; fires tcp_partial_close_delay after a first-packet FIN", async () => {
  // Midstream: orig PARTIAL by data, then the responder's first packet is a FIN (prev state INACTIVE, §3.8-5).
  const segs: Seg[] = [
    { t: 0, from: "c", flags: "PA", seq: 1001, ack: 5001, payload: "a" },
    { t: 1, from: "s", flags: "FA", seq: 5001, ack: 1002 },
  ];
  const events = [...TCP_LIFECYCLE, "connection_partial_close"] as const;
  const r = await record([...tcpTrace(segs), tick(3.99), tick(4), tick(5)], events);
  const pc = only(r.events, "connection_partial_close");
  assert.equal(pc.length, 1);
  assert.equal(pc[0]!.t, 4, "last_time 1 + 3 s");
  assert.equal(pc[0]!.c!.origState, TcpState.PARTIAL);
  assert.equal(pc[0]!.c!.respState, TcpState.CLOSED);
  const i = r.lines.indexOf(`connection_partial_close ${pc[0]!.c!.uid}`);
  assert.equal(r.lines[i + 1], `connection_state_remove ${pc[0]!.c!.uid}`);

  // Without a handler the timer is not even scheduled: the connection lives on to the end.
  const without = await record([...tcpTrace(segs), tick(4), tick(5)], TCP_LIFECYCLE);
  const tcpUid = only(without.events, "new_connection")[0]!.c!.uid;
  const last = without.lines.filter((l) => l.endsWith(tcpUid)).slice(-2);
  assert.deepEqual(last, [`connection_pending ${tcpUid}`, `connection_state_remove ${tcpUid}`]);
});

test("connection_partial_close uses the tcp_partial_close_delay setting", async () => {
  const segs: Seg[] = [
    { t: 0, from: "c", flags: "PA", seq: 1001, ack: 5001, payload: "a" },
    { t: 1, from: "s", flags: "FA", seq: 5001, ack: 1002 },
  ];
  const r = await record([...tcpTrace(segs), tick(4), tick(11)], ["connection_partial_close"], { settings: ["tcp_partial_close_delay=10sec"] });
  assert.deepEqual(
    r.events.map((e) => e.t),
    [11],
  );
});

test("connection_status_update: every interval when the setting is > 0 and a handler exists; never by default", async () => {
  const segs: Seg[] = [
    ...handshake(0),
    { t: 5, from: "c", flags: "PA", seq: 1001, ack: 5001, payload: "a" },
    { t: 12, from: "c", flags: "PA", seq: 1002, ack: 5001, payload: "b" },
    { t: 25, from: "c", flags: "PA", seq: 1003, ack: 5001, payload: "c" },
    { t: 26, from: "c", flags: "PA", seq: 1004, ack: 5001, payload: "d" },
  ];
  const r = await record(tcpTrace(segs), ["connection_status_update", "new_packet"], { settings: { connection_status_update_interval: 10 } });
  const updates = only(r.events, "connection_status_update");
  // Due at 10 (creation + 10): runs at 12, re-armed at network time + 10 = 22: runs at 25, re-armed at 35.
  assert.deepEqual(
    updates.map((e) => e.t),
    [12, 25],
  );
  // The timer's event precedes the packet that moved time (§1.1).
  const i = r.events.indexOf(updates[0]!);
  assert.equal(r.events[i + 1]!.name, "new_packet");
  assert.equal(updates[0]!.c!.history, "ShAD", "the record as of before the packet at 12");

  const byDefault = await record(tcpTrace(segs), ["connection_status_update"]);
  assert.equal(byDefault.events.length, 0, "connection_status_update_interval is 0 by default");
});

test("connection_flipped then new_connection_contents then new_connection for a SYN-ACK from a server port (§2.2, §3.5)", async () => {
  const r = await record(tcpTrace([{ t: 0, from: "s", flags: "SA", seq: 5000, ack: 1001 }]), TCP_LIFECYCLE);
  assert.deepEqual(names(r.events).slice(0, 3), ["connection_flipped", "new_connection_contents", "new_connection"]);
  const nc = only(r.events, "new_connection")[0]!;
  assert.equal(nc.c!.orig, `${CLIENT}:40000`, "the record shows the flipped orientation");
  // One record per connection, refreshed at each event's creation: by the time handlers run (after the
  // packet) it holds what the packet's last event saw, as in Zeek.
  assert.equal(nc.c!.history, "^h");
});

test("every connection: exactly one new_connection first and one connection_state_remove last", async () => {
  const r = await record(
    [
      ...tcpTrace(handshake(0)),
      ...tcpTrace([{ t: 0.5, from: "c", flags: "S", seq: 1 }], { cport: 40001 }),
      ...tcpTrace([{ t: 0.7, from: "c", flags: "PA", seq: 1, ack: 1, payload: "z" }], { cport: 40002 }),
    ],
    TCP_LIFECYCLE.filter((n) => n !== "new_connection_contents" && n !== "connection_flipped"),
  );
  const byUid = new Map<string, string[]>();
  for (const e of r.events) byUid.set(e.c!.uid, [...(byUid.get(e.c!.uid) ?? []), e.name]);
  assert.equal(byUid.size, 3);
  for (const [uid, evs] of byUid) {
    assert.equal(evs[0], "new_connection", uid);
    assert.equal(evs.filter((n) => n === "new_connection").length, 1, uid);
    assert.equal(evs.at(-1), "connection_state_remove", uid);
    assert.equal(evs.filter((n) => n === "connection_state_remove").length, 1, uid);
  }
});

test("connection_reused without a close: a SYN with a new ISN while SYN_SENT (SYN_seq_jump) or established (active_connection_reuse)", async () => {
  const jump = await record(
    tcpTrace([
      { t: 0, from: "c", flags: "S", seq: 1000 },
      { t: 1, from: "c", flags: "S", seq: 1000 }, // same ISN: a retransmission, not a reuse
      { t: 2, from: "c", flags: "S", seq: 7777 },
    ]),
    [...TCP_LIFECYCLE, "weird"],
  );
  assert.equal(only(jump.events, "connection_reused").length, 1);
  assert.equal(only(jump.events, "connection_reused")[0]!.t, 2);
  const i = jump.lines.findIndex((l) => l.startsWith("connection_reused"));
  assert.equal(jump.lines[i - 1], "weird SYN_seq_jump");

  const active = await record(tcpTrace([...handshake(0), { t: 1, from: "c", flags: "S", seq: 7777 }]), [...TCP_LIFECYCLE, "weird"]);
  const j = active.lines.findIndex((l) => l.startsWith("connection_reused"));
  assert.equal(active.lines[j - 1], "weird active_connection_reuse");
  assert.equal(only(active.events, "new_connection").length, 2);
});

test("connection_reused after a reset: no weird, the old connection goes first", async () => {
  const r = await record(
    tcpTrace([
      { t: 0, from: "c", flags: "S", seq: 1000 },
      { t: 0.1, from: "s", flags: "RA", seq: 0, ack: 1001 },
      { t: 0.2, from: "c", flags: "S", seq: 2000 },
    ]),
    [...TCP_LIFECYCLE, "weird"],
  );
  const i = r.lines.findIndex((l) => l.startsWith("connection_reused"));
  assert.ok(i > 0);
  assert.ok(!r.lines.slice(0, i).some((l) => l.startsWith("weird")), r.lines.join("\n"));
  assert.deepEqual(
    r.lines.slice(i, i + 4).map((l) => l.split(" ")[0]),
    ["connection_reused", "connection_state_remove", "new_connection_contents", "new_connection"],
  );
});

test("connection_attempt for a SYN-ACK-only connection between non-server ports (orig SYN_ACK_SENT)", async () => {
  const r = await record([...tcpTrace([{ t: 0, from: "c", flags: "SA", seq: 1000, ack: 1 }], { sport: 4444 }), tick(5)], [...TCP_LIFECYCLE, "weird"]);
  assert.equal(r.lines[0]!.split(" ")[0], "new_connection_contents");
  assert.ok(r.lines.includes("weird connection_originator_SYN_ack"));
  const attempt = only(r.events, "connection_attempt");
  assert.equal(attempt.length, 1);
  assert.equal(attempt[0]!.t, 5);
  assert.equal(attempt[0]!.c!.origState, TcpState.SYN_ACK_SENT);
});

test("UDP: a flip at creation (from a server port) raises connection_flipped before new_connection", async () => {
  const r = await record([udpPacket(0, SERVER, 53, CLIENT, 33333, "x")], TCP_LIFECYCLE);
  // Port 53 attaches the DNS analyzer, whose expiry timer runs at end of input (§5.1): connection_timeout.
  assert.deepEqual(names(r.events), ["connection_flipped", "new_connection", "connection_timeout", "connection_state_remove"]);
  assert.equal(only(r.events, "new_connection")[0]!.c!.orig, `${CLIENT}:33333`);
});

test("SYN-ACK first between two server ports (§2.2-4, §8.2): late connection_flipped, no first_ACK, no established, connection_finished at the end", async () => {
  const segs: Seg[] = [
    { t: 1, from: "s", flags: "SA", seq: 5000, ack: 1001 },
    { t: 1.01, from: "c", flags: "A", seq: 1001, ack: 5001 },
    { t: 1.02, from: "c", flags: "PA", seq: 1001, ack: 5001, payload: 10 },
    { t: 1.03, from: "s", flags: "A", seq: 5001, ack: 1011 },
    { t: 1.04, from: "s", flags: "PA", seq: 5001, ack: 1011, payload: 20 },
    { t: 1.05, from: "c", flags: "A", seq: 1011, ack: 5021 },
    { t: 1.06, from: "c", flags: "FA", seq: 1011, ack: 5021 },
    { t: 1.07, from: "s", flags: "FA", seq: 5021, ack: 1012 },
    { t: 1.08, from: "c", flags: "A", seq: 1012, ack: 5022 },
  ];
  const r = await record([...tcpTrace(segs, { cport: 6669, sport: 80 }), tick(10)], [...TCP_LIFECYCLE, "weird"]);
  const tcpUid = only(r.events, "new_connection")[0]!.c!.uid;
  const mine = r.events.filter((e) => e.c?.uid === tcpUid);
  assert.deepEqual(names(mine), [
    // The SYN event (step 9) precedes the state machine's weird (step 14).
    "new_connection_contents",
    "new_connection",
    "connection_SYN_packet",
    "weird:connection_originator_SYN_ack",
    "connection_flipped",
    "weird:data_before_established",
    "connection_EOF",
    "connection_EOF",
    "connection_finished",
    "connection_timeout",
    "connection_state_remove",
  ]);
  const flipped = only(mine, "connection_flipped")[0]!;
  assert.equal(flipped.t, 1.01);
  assert.equal(flipped.c!.orig, `${CLIENT}:6669`);
  const removed = only(mine, "connection_state_remove")[0]!;
  assert.equal(removed.c!.history, "^hADadFf");
  assert.equal(removed.c!.origSize, 10);
  assert.equal(removed.c!.respSize, 20);
});

test("missing SYN, flip at creation (§8.1): established on the SYN-ACK, first_ACK on the originator's first ACK while ESTABLISHED", async () => {
  const segs: Seg[] = [
    { t: 1, from: "s", flags: "SA", seq: 5000, ack: 1001 },
    { t: 1.01, from: "c", flags: "A", seq: 1001, ack: 5001 }, // orig INACTIVE → ESTABLISHED: no first_ACK yet
    { t: 1.02, from: "c", flags: "PA", seq: 1001, ack: 5001, payload: 8 }, // orig ESTABLISHED: first_ACK
    { t: 1.03, from: "s", flags: "A", seq: 5001, ack: 1009 },
  ];
  const r = await record(tcpTrace(segs), [...TCP_LIFECYCLE, "weird"]);
  assert.deepEqual(names(r.events), [
    "connection_flipped",
    "new_connection_contents",
    "new_connection",
    "connection_SYN_packet",
    "weird:unsolicited_SYN_response",
    "connection_established",
    "connection_first_ACK",
    "connection_pending",
    "connection_state_remove",
  ]);
  assert.equal(only(r.events, "connection_first_ACK")[0]!.t, 1.02);
  assert.equal(only(r.events, "connection_state_remove")[0]!.c!.history, "^hADa");
});

test("SYN and SYN-ACK seen in reverse order (§2.2-5, §3.3): connection_flipped then connection_established in the SYN's packet", async () => {
  const segs: Seg[] = [
    { t: 1, from: "s", flags: "SA", seq: 5000, ack: 1001 },
    { t: 1.001, from: "c", flags: "S", seq: 1000 },
    { t: 1.01, from: "c", flags: "A", seq: 1001, ack: 5001 },
  ];
  // Two non-server ports: no flip at creation, the SYN-ACK's sender is the originator at first.
  const r = await record(tcpTrace(segs, { cport: 40000, sport: 4444 }), [...TCP_LIFECYCLE, "weird"]);
  assert.deepEqual(names(r.events), [
    "new_connection_contents",
    "new_connection",
    "connection_SYN_packet",
    "weird:connection_originator_SYN_ack",
    "connection_SYN_packet",
    "connection_flipped",
    "connection_established",
    "connection_first_ACK",
    "connection_pending",
    "connection_state_remove",
  ]);
  const est = only(r.events, "connection_established")[0]!;
  assert.equal(est.t, 1.001);
  assert.equal(est.c!.orig, `${CLIENT}:40000`, "the SYN's sender is the originator after the flip");
  assert.equal(est.c!.origState, TcpState.ESTABLISHED);
  assert.equal(est.c!.respState, TcpState.ESTABLISHED);
});
