/**
 * UDP events (Zeek's UDPSessionAdapter): udp_request / udp_reply once per valid
 * datagram by direction, udp_contents when configured (before the request or
 * reply event), udp_multiple_checksum_errors, udp_session_done at removal of a
 * DNS flow, and removal by inactivity.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { concat, udp4 } from "../helpers/packets.js";
import { udpPacket } from "../session/harness.js";
import { names, only, record } from "./recorder.js";

const A = "10.1.0.1";
const B = "10.1.0.2";
const UDP_EVENTS = ["new_connection", "new_packet", "udp_request", "udp_reply", "udp_contents", "connection_timeout", "connection_state_remove"] as const;

test("udp_request for each datagram from orig, udp_reply for each from resp, after new_packet", async () => {
  const r = await record([udpPacket(0, A, 5000, B, 6000, "one"), udpPacket(0.1, B, 6000, A, 5000, "reply"), udpPacket(0.2, A, 5000, B, 6000, "")], UDP_EVENTS);
  assert.deepEqual(names(r.events), [
    "new_connection",
    "new_packet",
    "udp_request",
    "new_packet",
    "udp_reply",
    "new_packet",
    "udp_request",
    "connection_state_remove",
  ]);
  const [first, reply, empty] = [...only(r.events, "udp_request").slice(0, 1), only(r.events, "udp_reply")[0]!, only(r.events, "udp_request")[1]!];
  assert.equal(first!.c!.orig, `${A}:5000`);
  assert.equal(first!.c!.history, "D");
  assert.equal(first!.c!.origSize, 3);
  assert.equal(reply.c!.history, "Dd");
  assert.equal(reply.c!.respSize, 5);
  assert.equal(empty!.c!.origSize, 3, "an empty datagram adds 0 but still counts as a request");
});

test("udp_contents: only when configured, per direction, before udp_request/udp_reply, with the payload", async () => {
  const packets = [udpPacket(0, A, 5000, B, 6000, "ask"), udpPacket(0.1, B, 6000, A, 5000, "answer")];
  const none = await record(packets, UDP_EVENTS);
  assert.equal(only(none.events, "udp_contents").length, 0, "not configured by default");

  const all = await record(packets, UDP_EVENTS, { settings: { udp_content_deliver_all_orig: true, udp_content_deliver_all_resp: true } });
  assert.deepEqual(names(all.events).slice(0, 7), ["new_connection", "new_packet", "udp_contents", "udp_request", "new_packet", "udp_contents", "udp_reply"]);
  const contents = only(all.events, "udp_contents").map((e) => [e.args[0], new TextDecoder().decode(e.args[1] as Uint8Array)]);
  assert.deepEqual(contents, [
    [true, "ask"],
    [false, "answer"],
  ]);

  // The tables name the packet's destination port (a reply's is the originator's), or with use_resp the responder's.
  const delivered = async (settings: Record<string, unknown>): Promise<unknown[]> =>
    only((await record(packets, UDP_EVENTS, { settings })).events, "udp_contents").map((e) => e.args[0]);
  assert.deepEqual(await delivered({ udp_content_delivery_ports_resp: new Set([6000]) }), [], "a reply's destination port is 5000");
  assert.deepEqual(await delivered({ udp_content_delivery_ports_resp: new Set([5000]) }), [false], "resp-side delivery by the reply's destination port");
  assert.deepEqual(
    await delivered({ udp_content_delivery_ports_resp: new Set([6000]), udp_content_delivery_ports_use_resp: true }),
    [false],
    "by the responder port",
  );
  assert.deepEqual(await delivered({ udp_content_ports: new Set([5000]) }), [true, false], "udp_content_ports: either port, both ways");
});

test("connection_timeout after udp_inactivity_timeout (1 min) of silence, fired by a later packet", async () => {
  const r = await record(
    [udpPacket(0, A, 5000, B, 6000, "x"), udpPacket(30, A, 5000, B, 6000, "y"), udpPacket(89.9, A, 5001, B, 6000, "z"), udpPacket(90, A, 5002, B, 6000, "w")],
    UDP_EVENTS,
  );
  const timeouts = only(r.events, "connection_timeout");
  assert.equal(timeouts.length, 1);
  assert.equal(timeouts[0]!.t, 90, "last_time 30 + 60");
  assert.equal(timeouts[0]!.c!.orig, `${A}:5000`);
  const i = r.events.indexOf(timeouts[0]!);
  assert.equal(r.events[i + 1]!.name, "connection_state_remove");
  assert.equal(r.events[i + 2]!.name, "new_connection", "before the packet that moved time");
});

test("udp_multiple_checksum_errors at the 10th bad checksum from a side; no request events for bad datagrams", async () => {
  const packets = Array.from({ length: 10 }, (_, i) => udpPacket(i, A, 5000, B, 6000, "x", "bad"));
  const r = await record(packets, [...UDP_EVENTS, "udp_multiple_checksum_errors"]);
  const multi = only(r.events, "udp_multiple_checksum_errors");
  assert.equal(multi.length, 1);
  assert.deepEqual([multi[0]!.args[0], multi[0]!.args[1]], [true, 10]);
  assert.equal(multi[0]!.t, 9);
  assert.equal(multi[0]!.c!.history, "CC");
  assert.equal(only(r.events, "udp_request").length, 0);
});

test("udp_session_done for a DNS flow, at removal, between connection_timeout and connection_state_remove (session::Manager::Remove)", async () => {
  const r = await record(
    [udpPacket(0, A, 33333, B, 53, new Uint8Array(12)), udpPacket(0.1, B, 53, A, 33333, Uint8Array.from([0, 0, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0]))],
    [...UDP_EVENTS, "udp_session_done"],
  );
  assert.deepEqual(names(r.events).slice(-3), ["connection_timeout", "udp_session_done", "connection_state_remove"]);
  const plain = await record([udpPacket(0, A, 5000, B, 6000, "x")], [...UDP_EVENTS, "udp_session_done"]);
  assert.equal(only(plain.events, "udp_session_done").length, 0, "only flows of analyzers that raise it");
});

test("connection_status_update for UDP flows too, every interval while the flow lives, none after its removal", async () => {
  const r = await record(
    [udpPacket(0, A, 5000, B, 6000, "a"), udpPacket(12, A, 5000, B, 6000, "b"), udpPacket(25, A, 5001, B, 6000, "c"), udpPacket(100, A, 5002, B, 6000, "d")],
    ["connection_status_update", "connection_state_remove"],
    { settings: { connection_status_update_interval: 10 } },
  );
  const first = r.events.filter((e) => e.c!.orig === `${A}:5000`);
  // Due 10 → runs at 12 (re-armed 22) → runs at 25 (re-armed 35). Time then jumps to 100: the timer due
  // at 35 runs once (re-armed at 100 + 10, not once per missed interval), then the inactivity timer due
  // at 72 removes the flow, which cancels the status timer.
  assert.deepEqual(
    first.map((e) => `${e.name}@${e.t}`),
    ["connection_status_update@12", "connection_status_update@25", "connection_status_update@100", "connection_state_remove@100"],
  );
});

test("each subframe of an 802.11 A-MSDU is a packet of its own (tunnels/gre-aruba-amsdu.pcap): two datagrams, two requests, one connection", async () => {
  const snapUdp = (payload: string) => concat([0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00], udp4({ src: A, dst: B }, { sport: 5000, dport: 6000, payload }));
  const subframe = (inner: Uint8Array, pad: number) => concat(new Uint8Array(12), [inner.length >> 8, inner.length & 0xff], inner, new Uint8Array(pad));
  const qosData = new Uint8Array(26);
  qosData[0] = 0x88; // QoS data
  qosData[1] = 0x01; // to DS
  qosData[24] = 0x80; // A-MSDU present
  const first = snapUdp("abcde"); // 8 + 20 + 8 + 5 = 41 bytes: Zeek skips 41 % 4 = 1 padding byte
  const frame = concat(qosData, subframe(first, 1), subframe(snapUdp("fg"), 0));
  const r = await record([{ ts: 1, bytes: frame, linktype: 105 }], ["new_connection", "udp_request", "connection_state_remove"]);
  assert.deepEqual(names(r.events), ["new_connection", "udp_request", "udp_request", "connection_state_remove"]);
  assert.equal(only(r.events, "connection_state_remove")[0]!.c!.origPkts, 2);
});
