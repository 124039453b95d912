/** The UDP analyzer (Zeek's UDPSessionAdapter, Zeek's btest core.udp-corrupt, Zeek's btest core.q-in-q). */
import assert from "node:assert/strict";
import { test } from "node:test";
import { frame, udp4 } from "../../helpers/packets.js";
import { run, udpPacket } from "../../session/harness.js";

test("sizes are UDP length − 8 summed per side; D/d once; both sides → SF", async () => {
  const r = await run([
    udpPacket(10, "10.0.0.1", 5000, "10.0.0.2", 6000, 18),
    udpPacket(10.1, "10.0.0.1", 5000, "10.0.0.2", 6000, 18),
    udpPacket(10.2, "10.0.0.2", 6000, "10.0.0.1", 5000, 7),
  ]);
  const c = r.removed[0]!;
  assert.deepEqual([c.state, c.history, c.origBytes, c.respBytes, c.origPkts, c.origIpBytes], ["SF", "Dd", 36, 7, 2, 92]);
});

test("one-way flow is S0, reply-only is SHR", async () => {
  const s0 = await run([udpPacket(10, "10.0.0.1", 5000, "10.0.0.2", 6000, "x")]);
  assert.equal(s0.removed[0]!.state, "S0");
  // A datagram from a server port to a client port is flipped at creation: the client is orig.
  const shr = await run([udpPacket(10, "10.0.0.2", 53, "10.0.0.1", 5000, 20)], { bare: true, loads: ["base/protocols/conn"] });
  assert.equal(shr.removed[0]!.state, "S0", "53 is not a server port in bare mode without dns");
  const flipped = await run([udpPacket(10, "10.0.0.2", 161, "10.0.0.1", 5000, 20)]);
  assert.equal(flipped.removed[0]!.orig, "10.0.0.1:5000");
  assert.equal(flipped.removed[0]!.state, "SHR");
  assert.equal(flipped.removed[0]!.history, "^d");
});

test("no flip towards the IPv4 limited broadcast", async () => {
  const r = await run([udpPacket(10, "10.0.0.2", 67, "255.255.255.255", 68, 20)]);
  assert.equal(r.removed[0]!.orig, "10.0.0.2:67");
});

test("bad checksums: C/c, no packets counted, OTH (Zeek's btest core.udp-corrupt)", async () => {
  const r = await run([udpPacket(10, "192.168.0.109", 34357, "8.8.8.8", 53, 20, "bad"), udpPacket(10.1, "8.8.8.8", 53, "192.168.0.109", 34357, 40, "bad")]);
  const c = r.removed[0]!;
  assert.deepEqual([c.state, c.history, c.origPkts, c.respPkts], ["OTH", "Cc", 0, 0]);
  assert.equal(r.weirds.filter((w) => w === "bad_UDP_checksum").length, 2);
});

test("a length field that disagrees with IP is a weird, and the field is what counts", async () => {
  const bytes = frame(udp4({ src: "10.0.0.1", dst: "10.0.0.2" }, { sport: 5000, dport: 6000, payload: new Uint8Array(20), lengthOverride: 18 }));
  const r = await run([{ ts: 10, bytes }], { ignoreChecksums: true });
  assert.ok(r.weirds.includes("UDP_datagram_length_mismatch"));
  assert.equal(r.removed[0]!.origBytes, 10);
});

test("DNS: a response as the first message flips the flow (D^), the 10 s DNS timer removes it", async () => {
  const reply = new Uint8Array(30);
  reply[2] = 0x81; // QR set
  const r = await run([udpPacket(10, "207.158.192.40", 53, "10.20.1.31", 53, reply), udpPacket(25, "10.200.0.1", 1, "10.200.0.2", 2)]);
  const c = r.removed[0]!;
  assert.equal(c.orig, "10.20.1.31:53");
  assert.equal(c.history, "D^");
  assert.equal(c.state, "S0");
  assert.equal(c.at, 25);
  const mine = r.events.filter((e) => e.endsWith(c.uid) && !e.startsWith("udp_"));
  assert.deepEqual(mine.slice(-2), [`connection_timeout ${c.uid}`, `connection_state_remove ${c.uid}`]);
  // The DNS analyzer's Done() raises udp_session_done just before the removal event.
  assert.equal(c.cause, "udp_session_done");
});

test("udp_contents only for configured ports or deliver-all", async () => {
  const seen: string[] = [];
  const packets = [udpPacket(10, "10.0.0.1", 5000, "10.0.0.2", 6000, "abc"), udpPacket(10.1, "10.0.0.2", 6000, "10.0.0.1", 5000, "de")];
  await run(packets, {}, (e) => e.on("udp_contents", (_c, o, data) => seen.push(`${o} ${data.length}`)));
  assert.equal(seen.length, 0);
  await run(packets, { settings: { udp_content_deliver_all_orig: true } }, (e) => e.on("udp_contents", (_c, o, data) => seen.push(`${o} ${data.length}`)));
  assert.deepEqual(seen, ["true 3"]);
  seen.length = 0;
  // A reply's destination port is the originator's (Zeek's UDP analyzer looks the packet's up, not the responder's).
  await run(packets, { settings: { udp_content_delivery_ports_resp: new Set([5000]) } }, (e) =>
    e.on("udp_contents", (_c, o, data) => seen.push(`${o} ${data.length}`)),
  );
  assert.deepEqual(seen, ["false 2"]);
});
