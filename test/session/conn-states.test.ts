/**
 * Every TCP conn_state from crafted packet sequences (TCPSessionAdapter::UpdateStateMachine,
 * conn_state() in base/protocols/conn/main.zeek), pinned through the final endpoint states and history the engine
 * hands to connection_state_remove.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { frame, udp4 } from "../helpers/packets.js";
import { handshake, run, type Seg, tcpTrace } from "./harness.js";

async function only(segs: Seg[], ends = {}): Promise<{ state: string; history: string; cause: string; origBytes: number; respBytes: number }> {
  const r = await run(tcpTrace(segs, ends), { ignoreChecksums: false });
  assert.equal(r.removed.length, 1, `one connection expected, got ${r.removed.length}`);
  return r.removed[0]!;
}

test("S0: a SYN nobody answers, removed by the attempt timer", async () => {
  const c = await only([{ t: 10, from: "c", flags: "S", seq: 1000 }]);
  assert.equal(c.state, "S0");
  assert.equal(c.history, "S");
  assert.equal(c.cause, "connection_attempt");
});

test("S1: handshake without close", async () => {
  const c = await only(handshake(10));
  assert.equal(c.state, "S1");
  assert.equal(c.history, "ShA");
  assert.equal(c.cause, "connection_pending");
});

test("SF: data both ways and both FINs; sizes exclude SYN and FIN octets", async () => {
  const c = await only([
    ...handshake(10),
    { t: 10.1, from: "c", flags: "PA", seq: 1001, ack: 5001, payload: "hello" },
    { t: 10.2, from: "s", flags: "PA", seq: 5001, ack: 1006, payload: "world!" },
    { t: 10.3, from: "c", flags: "FA", seq: 1006, ack: 5007 },
    { t: 10.4, from: "s", flags: "FA", seq: 5007, ack: 1007 },
    { t: 10.5, from: "c", flags: "A", seq: 1007, ack: 5008 },
  ]);
  assert.equal(c.state, "SF");
  assert.equal(c.history, "ShADdFf");
  assert.equal(c.origBytes, 5);
  assert.equal(c.respBytes, 6);
});

test("REJ: the responder resets the SYN", async () => {
  const c = await only([
    { t: 10, from: "c", flags: "S", seq: 1000 },
    { t: 10.05, from: "s", flags: "RA", seq: 0, ack: 1001 },
  ]);
  assert.equal(c.state, "REJ");
  assert.equal(c.history, "Sr");
  assert.equal(c.origBytes, 0);
  assert.equal(c.respBytes, 0);
});

test("S2 and S3: only one side closes", async () => {
  const s2 = await only([...handshake(10), { t: 10.1, from: "c", flags: "FA", seq: 1001, ack: 5001 }]);
  assert.equal(s2.state, "S2");
  const s3 = await only([...handshake(10), { t: 10.1, from: "s", flags: "FA", seq: 5001, ack: 1001 }]);
  assert.equal(s3.state, "S3");
});

test("RSTO and RSTR: an established connection reset by either side", async () => {
  const rsto = await only([...handshake(10), { t: 10.1, from: "c", flags: "R", seq: 1001 }]);
  assert.equal(rsto.state, "RSTO");
  assert.equal(rsto.history, "ShAR");
  const rstr = await only([...handshake(10), { t: 10.1, from: "s", flags: "R", seq: 5001 }]);
  assert.equal(rstr.state, "RSTR");
  assert.equal(rstr.history, "ShAr");
});

test("RSTOS0: the originator resets its own unanswered SYN", async () => {
  const c = await only([
    { t: 10, from: "c", flags: "S", seq: 1000 },
    { t: 10.1, from: "c", flags: "R", seq: 1001 },
  ]);
  assert.equal(c.state, "RSTOS0");
  assert.equal(c.history, "SR");
});

test("RSTRH: a responder seen only through its SYN-ACK, then its RST", async () => {
  // SYN-ACK from port 80 towards a client port: flipped at creation (Connection::FlipRoles).
  const c = await only([
    { t: 10, from: "s", flags: "SA", seq: 5000, ack: 1001 },
    { t: 10.1, from: "s", flags: "R", seq: 5001 },
  ]);
  assert.equal(c.state, "RSTRH");
  assert.equal(c.history, "^hr");
});

test("SH: an originator's SYN then FIN with a silent peer", async () => {
  const c = await only([
    { t: 10, from: "c", flags: "S", seq: 1000 },
    { t: 10.5, from: "c", flags: "F", seq: 1001 },
  ]);
  assert.equal(c.state, "SH");
  assert.equal(c.history, "SF");
  // Flushed at end of input: the close-delay timer never fired, so no connection_timeout.
  assert.equal(c.cause, "connection_half_finished");
});

test("SHR: a responder's SYN-ACK then FIN, originator silent", async () => {
  const c = await only([
    { t: 10, from: "s", flags: "SA", seq: 5000, ack: 1001 },
    { t: 10.1, from: "s", flags: "FA", seq: 5001, ack: 1001 },
  ]);
  assert.equal(c.state, "SHR");
  assert.equal(c.history, "^hf");
});

test("OTH: midstream data from both sides, no SYN", async () => {
  const c = await only(
    [
      { t: 10, from: "c", flags: "PA", seq: 1001, ack: 5001, payload: "abc" },
      { t: 10.1, from: "s", flags: "PA", seq: 5001, ack: 1004, payload: "def" },
    ],
    { cport: 40000, sport: 7777 },
  );
  assert.equal(c.state, "OTH");
  assert.equal(c.history, "Dd");
});

test("ignore_checksums_nets: bad checksums from a source in the nets are not checked (IP, TCP, UDP), from any other source they are", async () => {
  const segs: Seg[] = [
    { t: 10, from: "c", flags: "S", seq: 1000, checksum: "bad" },
    { t: 10.1, from: "s", flags: "SA", seq: 5000, ack: 1001, checksum: "bad" },
  ];
  // The client (10.0.0.1) is exempt, the server (192.0.2.10) is not: its SYN-ACK stays out.
  const settings = ["ignore_checksums_nets += {10.0.0.0/8}"];
  const r = await run(tcpTrace(segs), { ignoreChecksums: false, settings });
  assert.equal(r.removed[0]!.history, "Sc");
  assert.deepEqual(r.weirds, ["bad_TCP_checksum"]);
  // A bad IPv4 header checksum and a bad UDP checksum from an exempt source pass too.
  const ip = udp4({ src: "10.0.0.1", dst: "192.0.2.10", checksumOverride: 0x1234 }, { sport: 5000, dport: 6000, payload: new Uint8Array(4), checksum: "bad" });
  const u = await run([{ ts: 1, bytes: frame(ip) }], { ignoreChecksums: false, settings });
  assert.deepEqual([u.weirds, u.removed.length], [[], 1]);
  const n = await run([{ ts: 1, bytes: frame(ip) }], { ignoreChecksums: false });
  assert.deepEqual([n.weirds, n.removed.length], [["bad_IP_checksum"], 0]);
});

test("OTH: a connection seen only through bad checksums keeps zero packets (Zeek's btest core.tcp.bad-checksum-syn)", async () => {
  const r = await run(tcpTrace([{ t: 10, from: "c", flags: "S", seq: 1000, checksum: "bad" }]));
  assert.equal(r.removed.length, 1);
  const c = r.removed[0]!;
  assert.equal(c.state, "OTH");
  assert.equal(c.history, "C");
  assert.equal(c.origPkts, 0);
  assert.ok(r.weirds.includes("bad_TCP_checksum"));
});
