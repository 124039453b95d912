/**
 * TCP stream and timer-driven reset events (behaviour doc §3.3 "Sender
 * CLOSED", §3.9 reset timer, §4.2–4.4): tcp_contents (only when configured,
 * in order), rexmit_inconsistency, content_gap with a deferred close, and
 * tcp_rexmit when handled.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { handshake, type Seg, tcpTrace, udpPacket } from "../session/harness.js";
import { names, only, record } from "./recorder.js";

const text = (b: unknown): string => new TextDecoder().decode(b as Uint8Array);
const tick = (t: number, port: number) => udpPacket(t, "10.9.9.9", port, "10.9.9.8", 5001);

const DELIVER_ALL = { tcp_content_deliver_all_orig: true, tcp_content_deliver_all_resp: true };

test("tcp_contents: nothing unless configured; then in-order data per direction with its relative seq, after tcp_packet", async () => {
  const segs: Seg[] = [
    ...handshake(0),
    { t: 1, from: "c", flags: "PA", seq: 1001, ack: 5001, payload: "GET " },
    { t: 2, from: "s", flags: "PA", seq: 5001, ack: 1005, payload: "200" },
  ];
  const none = await record(tcpTrace(segs), ["tcp_contents"]);
  assert.equal(none.events.length, 0);

  const r = await record(tcpTrace(segs), ["tcp_packet", "tcp_contents"], { settings: DELIVER_ALL });
  assert.deepEqual(names(r.events).slice(3), ["tcp_packet", "tcp_contents", "tcp_packet", "tcp_contents"]);
  const contents = only(r.events, "tcp_contents").map((e) => [e.args[0], e.args[1], text(e.args[2])]);
  assert.deepEqual(contents, [
    [true, 1, "GET "],
    [false, 1, "200"],
  ]);

  // By responder port, one direction only.
  const port = await record(tcpTrace(segs), ["tcp_contents"], { settings: { tcp_content_delivery_ports_orig: new Set([80]) } });
  assert.deepEqual(
    port.events.map((e) => e.args[0]),
    [true],
  );
});

test("tcp_contents: an out-of-order segment is delivered when the hole before it is filled, in sequence order", async () => {
  const segs: Seg[] = [
    ...handshake(0),
    { t: 1, from: "c", flags: "PA", seq: 1004, ack: 5001, payload: "def" },
    { t: 2, from: "c", flags: "PA", seq: 1001, ack: 5001, payload: "abc" },
  ];
  const r = await record(tcpTrace(segs), ["tcp_contents", "tcp_packet"], { settings: DELIVER_ALL });
  const tail = r.events.slice(-4).map((e) => (e.name === "tcp_contents" ? `${e.args[1]}:${text(e.args[2])}` : e.name));
  assert.deepEqual(tail, ["tcp_packet", "tcp_packet", "1:abc", "4:def"]);
  assert.equal(only(r.events, "tcp_contents")[0]!.t, 2);
});

test("rexmit_inconsistency: overlapping data that differs, with the old bytes, the new bytes and the new packet's flags", async () => {
  const segs: Seg[] = [
    ...handshake(0),
    { t: 1, from: "c", flags: "PA", seq: 1001, ack: 5001, payload: "hello" },
    { t: 2, from: "c", flags: "PA", seq: 1001, ack: 5001, payload: "jelly" },
    { t: 3, from: "c", flags: "PA", seq: 1001, ack: 5001, payload: "hello" }, // same bytes: no event
  ];
  const r = await record(tcpTrace(segs), ["rexmit_inconsistency"]);
  assert.equal(r.events.length, 1);
  const [t1, t2, flags] = r.events[0]!.args;
  assert.equal(text(t1), "hello");
  assert.equal(text(t2), "jelly");
  assert.equal(flags, "AP");
  assert.equal(r.events[0]!.t, 2);
});

test("content_gap then connection_EOF then connection_finished when an ACK covers the hole below a FIN (§4.4)", async () => {
  const segs: Seg[] = [
    ...handshake(0),
    { t: 1, from: "c", flags: "PA", seq: 1011, ack: 5001, payload: "0123456789" }, // bytes 1..10 missing
    { t: 2, from: "c", flags: "FA", seq: 1021, ack: 5001 },
    { t: 3, from: "s", flags: "FA", seq: 5001, ack: 1011 }, // server FIN before the hole is acked
    { t: 4, from: "s", flags: "A", seq: 5002, ack: 1022 }, // acks the hole, the data and the FIN
  ];
  const r = await record(tcpTrace(segs), ["content_gap", "connection_EOF", "connection_finished", "tcp_packet"]);
  const gap = only(r.events, "content_gap");
  assert.equal(gap.length, 1);
  assert.deepEqual(gap[0]!.args, [true, 1, 10]);
  assert.equal(gap[0]!.t, 3, "the ACK at 3 covers bytes 1..10: the hole is reported then");
  // At 3: the gap, then the originator's EOF (its data is now all delivered). The responder's FIN
  // close stays deferred while the originator's bytes are still buffered unacked (§4.4: "the peer's
  // reassembler holds no buffered blocks"); the ACK at 4 releases them: tcp_packet, EOF, finished.
  const finished = only(r.events, "connection_finished");
  assert.equal(finished.length, 1);
  assert.equal(finished[0]!.t, 4);
  const i = r.events.indexOf(gap[0]!);
  assert.deepEqual(names(r.events.slice(i)), ["content_gap", "connection_EOF", "tcp_packet", "tcp_packet", "connection_EOF", "connection_finished"]);
  assert.deepEqual(
    only(r.events, "connection_EOF").map((e) => [e.t, e.args[0]]),
    [
      [3, true],
      [4, false],
    ],
  );
  assert.equal(finished[0]!.c!.history.includes("G"), true, "both sides clean: G");
});

test("reset timer: a RST after the sender's FIN raises connection_reset tcp_reset_delay later, only with a handler (§3.3 Sender CLOSED, §3.9)", async () => {
  const segs: Seg[] = [...handshake(0), { t: 1, from: "c", flags: "FA", seq: 1001, ack: 5001 }, { t: 2, from: "c", flags: "R", seq: 1002 }];
  const r = await record(
    [...tcpTrace(segs), tick(6.9, 1), tick(7, 2)],
    ["connection_reset", "connection_timeout", "connection_state_remove", "new_connection"],
  );
  const resets = only(r.events, "connection_reset");
  assert.equal(resets.length, 1);
  assert.equal(resets[0]!.t, 7, "2 + tcp_reset_delay");
  const i = r.events.indexOf(resets[0]!);
  assert.deepEqual(names(r.events.slice(i, i + 3)), ["connection_reset", "connection_state_remove", "new_connection"]);
  assert.equal(only(r.events, "connection_timeout").filter((e) => e.c!.uid === resets[0]!.c!.uid).length, 0);

  // At end of input the reset timer still runs (§6.4).
  const atEnd = await record(tcpTrace(segs), ["connection_reset", "connection_pending", "net_done"]);
  assert.deepEqual(names(atEnd.events), ["net_done", "connection_reset"]);
});

test("tcp_rexmit (TCPSTATS, only when handled): once per retransmitted data segment, with its seq and length", async () => {
  const segs: Seg[] = [
    ...handshake(0),
    { t: 1, from: "c", flags: "PA", seq: 1001, ack: 5001, payload: "abcd", ipId: 1 },
    { t: 2, from: "c", flags: "PA", seq: 1001, ack: 5001, payload: "abcd", ipId: 2 },
    { t: 3, from: "c", flags: "PA", seq: 1005, ack: 5001, payload: "efgh", ipId: 3 },
  ];
  const r = await record(tcpTrace(segs), ["tcp_rexmit"]);
  assert.equal(r.events.length, 1);
  assert.equal(r.events[0]!.t, 2);
  assert.deepEqual(r.events[0]!.args.slice(0, 3), [true, 1, 4]);
});

test("tcp_rexmit skips a packet whose IP id went back by 1..255 (TCPSTATS' out-of-order test, byte-swapped ids too); it does not become the last id", async () => {
  const data = (t: number, ipId: number): Seg => ({ t, from: "c", flags: "PA", seq: 1001, ack: 5001, payload: "abcd", ipId });
  const rexmits = async (segs: Seg[]) => (await record(tcpTrace([...handshake(0), ...segs]), ["tcp_rexmit"])).events.map((e) => e.t);
  // 999 after 1000: one step back, skipped; 1001 is one past 1000 (not 999): reported.
  // 700 after 1001 is 301 back: not out of order, reported.
  assert.deepEqual(await rexmits([data(1, 1000), data(2, 999), data(3, 1001), data(4, 700)]), [3, 4]);
  // A little-endian host's counter: 0x0500 then 0x0400 is 256 back as read, but 1 back byte-swapped: skipped.
  assert.deepEqual(await rexmits([data(1, 0x0500), data(2, 0x0400), data(3, 0x0600)]), [3]);
  // 16-bit wrap: 0xffff after 0x0002 is 3 back, skipped.
  assert.deepEqual(await rexmits([data(1, 2), data(2, 0xffff), data(3, 3)]), [3]);
});

test("tcp_rexmit counts the captured payload only: a segment cut by the snaplen is a 0-byte segment (and so a rexmit at its own seq)", async () => {
  // As in tcp/retransmit-fast009.pcap (snaplen 54: headers only): Zeek reports the first data packet
  // as a retransmission with len=0, its data still in flight.
  const segs: Seg[] = [
    { t: 0, from: "c", flags: "S", seq: 1000, ipId: 1 },
    { t: 0.01, from: "s", flags: "SA", seq: 5000, ack: 1001 },
    { t: 0.02, from: "c", flags: "A", seq: 1001, ack: 5001, ipId: 2 }, // top seq 1
    { t: 1, from: "c", flags: "PA", seq: 1001, ack: 5001, payload: "abcd", ipId: 3 }, // captured top seq 1 again
  ];
  const packets = tcpTrace(segs);
  const last = packets[packets.length - 1]!;
  packets[packets.length - 1] = { ts: last.ts, bytes: last.bytes.slice(0, last.bytes.length - 4), wirelen: last.bytes.length };
  const r = await record(packets, ["tcp_rexmit"]);
  assert.equal(r.events.length, 1);
  assert.deepEqual(r.events[0]!.args.slice(0, 4), [true, 1, 0, 4], "is_orig, seq, len (captured), data_in_flight");
});

test("tcp_rexmit after a late flip: state per role from the flipping packet on, reported through the creation-time endpoint (Zeek's TCPSTATS is not flipped)", async () => {
  // As http/zeek-image-post-1080-8000-x.pcap: the SYN-ACK's sender is the originator at creation (two
  // server ports), the client's ACK flips the roles (§2.2-4).
  const segs: Seg[] = [
    { t: 1, from: "s", flags: "SA", seq: 5000, ack: 1001, ipId: 0 },
    { t: 2, from: "c", flags: "A", seq: 1001, ack: 5001, ipId: 100 }, // flips; counted in the new originator's state
    { t: 3, from: "c", flags: "PA", seq: 1001, ack: 5001, payload: 10, ipId: 101 },
    { t: 4, from: "s", flags: "A", seq: 5001, ack: 1003, ipId: 50 }, // the new responder's first packet
    { t: 5, from: "s", flags: "A", seq: 5001, ack: 1006, ipId: 51 }, // top seq 1: the first in its state
    { t: 6, from: "s", flags: "A", seq: 5001, ack: 1006, ipId: 52 }, // top seq 1 again: a rexmit
  ];
  const r = await record(tcpTrace(segs, { cport: 6669, sport: 80 }), ["connection_flipped", "tcp_rexmit"]);
  assert.equal(only(r.events, "connection_flipped")[0]!.t, 2);
  const rexmits = only(r.events, "tcp_rexmit");
  assert.deepEqual(
    rexmits.map((e) => e.t),
    [6],
  );
  // The sender is the responder; Zeek names the originator (the creation-time responder endpoint) with
  // its data in flight (11 - 6 = 5 bytes), and the sender's seq and length.
  assert.deepEqual(rexmits[0]!.args.slice(0, 4), [true, 1, 0, 5], "is_orig, seq, len, data_in_flight");
});

test("rexmit_inconsistency is suppressed for a 1-byte overlap while the peer never sent data (keep-alive probe, §4.2)", async () => {
  const oneByte: Seg[] = [
    ...handshake(0),
    { t: 1, from: "c", flags: "PA", seq: 1001, ack: 5001, payload: "a" },
    { t: 2, from: "c", flags: "PA", seq: 1001, ack: 5001, payload: "b" },
  ];
  assert.equal((await record(tcpTrace(oneByte), ["rexmit_inconsistency"])).events.length, 0);
  const twoBytes: Seg[] = [
    ...handshake(0),
    { t: 1, from: "c", flags: "PA", seq: 1001, ack: 5001, payload: "ab" },
    { t: 2, from: "c", flags: "PA", seq: 1001, ack: 5001, payload: "cd" },
  ];
  assert.equal((await record(tcpTrace(twoBytes), ["rexmit_inconsistency"])).events.length, 1);
});

test("content_gap only while both endpoints are clean, unless report_gaps_for_partial (§4.3)", async () => {
  // Midstream: both sides PARTIAL (the first byte seen is rel 1); bytes 11..20 never appear and are acked.
  const segs: Seg[] = [
    { t: 0, from: "c", flags: "PA", seq: 1011, ack: 5001, payload: "0123456789" },
    { t: 0.5, from: "c", flags: "PA", seq: 1031, ack: 5001, payload: "abcdefghij" },
    { t: 1, from: "s", flags: "PA", seq: 5001, ack: 1041, payload: "ok" },
    { t: 2, from: "c", flags: "A", seq: 1041, ack: 5003 },
  ];
  const partial = await record(tcpTrace(segs), ["content_gap"]);
  assert.equal(partial.events.length, 0);
  const reported = await record(tcpTrace(segs), ["content_gap"], { settings: { report_gaps_for_partial: true } });
  assert.deepEqual(
    reported.events.map((e) => [e.t, ...e.args]),
    [[1, true, 11, 10]],
  );
  assert.equal(reported.events[0]!.c!.history.includes("G"), false, "no G letter for unclean endpoints");
});
