/**
 * The UDP flow rules application analyzers declare (AnalyzerComponent.udpFlow):
 * the UDP analyzer applies the role rule, expiry and udp_session_done of
 * whatever component is attached by port, DNS's and NTP's from their own
 * folders as well as one registered from outside the engine.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { type AnalyzerComponent, ROLE_DONE, ROLE_FLIP, ROLE_USED } from "../../../src/analyzer/app/analyzer.js";
import { DNS } from "../../../src/analyzer/app/dns/dns.js";
import { NTP } from "../../../src/analyzer/app/ntp/ntp.js";
import { run, udpPacket } from "../../session/harness.js";

/** A DNS response (QR set) sent from 53 to 53, as the first message of its flow. */
function dnsResponseFirst() {
  const reply = new Uint8Array(30);
  reply[2] = 0x81;
  return [udpPacket(10, "207.158.192.40", 53, "10.20.1.31", 53, reply), udpPacket(25, "10.200.0.1", 1, "10.200.0.2", 2)];
}

test("DNS's role rule, expiry and udp_session_done are its component's: without the component the flow is left alone", async () => {
  assert.equal(typeof DNS.udpFlow?.role, "function");
  assert.equal(DNS.udpFlow?.expiry, 10);
  const without = await run(dnsResponseFirst(), { analyzers: [] });
  const plain = without.removed.find((c) => c.resp.endsWith(":53"))!;
  assert.equal(plain.history, "D", "no DNS analyzer: no flip");
  assert.notEqual(plain.cause, "udp_session_done");
  assert.equal(plain.at, 25, "removed at end of input, not by an expiry timer");
  assert.ok(!without.events.includes(`connection_timeout ${plain.uid}`));

  const withDns = await run(dnsResponseFirst(), { analyzers: [DNS] });
  const dns = withDns.removed.find((c) => c.orig.endsWith(":53") && c.resp.endsWith(":53"))!;
  assert.equal(dns.orig, "10.20.1.31:53");
  assert.equal(dns.history, "D^");
  assert.equal(dns.cause, "udp_session_done");
  assert.ok(withDns.events.includes(`connection_timeout ${dns.uid}`));
});

test("DNS's rule: a first response towards a multicast responder is not turned around; only the first message counts", async () => {
  const reply = new Uint8Array(30);
  reply[2] = 0x81;
  const mdns = await run([udpPacket(10, "10.0.0.5", 5353, "224.0.0.251", 5353, reply)], { analyzers: [DNS] });
  assert.equal(mdns.removed[0]!.history, "D");
  const query = new Uint8Array(30);
  const later = await run([udpPacket(10, "10.0.0.5", 4000, "10.0.0.6", 53, query), udpPacket(10.1, "10.0.0.5", 4000, "10.0.0.6", 53, reply)], {
    analyzers: [DNS],
  });
  assert.equal(later.removed[0]!.history, "D", "a response after a query does not flip");
});

test("NTP's role rule: a server-mode message from the originator turns the flow around", async () => {
  assert.equal(typeof NTP.udpFlow?.role, "function");
  const msg = new Uint8Array(48);
  msg[0] = (4 << 3) | 4; // version 4, mode 4 (server)
  // 123 to 123: both likely server ports, so no flip at creation; the rule decides.
  const r = await run([udpPacket(10, "10.0.0.5", 123, "10.0.0.6", 123, msg)], { analyzers: [NTP] });
  assert.equal(r.removed[0]!.orig, "10.0.0.6:123");
  assert.equal(r.removed[0]!.history, "D^");
  assert.equal(r.removed[0]!.cause, "udp_session_done");
  const none = await run([udpPacket(10, "10.0.0.5", 123, "10.0.0.6", 123, msg)], { analyzers: [] });
  assert.equal(none.removed[0]!.orig, "10.0.0.5:123");
});

test("a UDP analyzer registered from outside the core gets its port's role rule, expiry and udp_session_done honoured", async () => {
  const seen: number[] = [];
  const ECHO: AnalyzerComponent = {
    name: "ECHO_ROLES",
    script: "",
    udpPorts: [7000],
    udpFlow: {
      sessionDone: true,
      expiry: 5,
      // "R" as the first byte from the originator: it is a reply, so the originator is the server.
      role: (d, start, end, isOrig) => {
        seen.push(end - start);
        if (end <= start) return 0;
        return ROLE_USED | ROLE_DONE | (isOrig && d[start] === 0x52 ? ROLE_FLIP : 0);
      },
    },
    datagram: () => ({ deliverPacket: () => {}, done: () => {} }),
  };
  const packets = [
    udpPacket(10, "10.0.0.5", 7000, "10.0.0.6", 7000, "R..."),
    udpPacket(11, "10.0.0.6", 7000, "10.0.0.5", 7000, "Q..."),
    udpPacket(16, "10.9.0.1", 1, "10.9.0.2", 2),
    udpPacket(30, "10.9.0.1", 1, "10.9.0.2", 2),
  ];
  const r = await run(packets, { analyzers: [] }, (e) => e.registerAnalyzer(ECHO));
  const c = r.removed.find((x) => x.resp.endsWith(":7000"))!;
  assert.equal(c.orig, "10.0.0.6:7000");
  assert.equal(c.history, "D^");
  assert.deepEqual(seen, [4], "ROLE_DONE: asked once");
  assert.equal(c.cause, "udp_session_done");
  assert.ok(r.events.includes(`connection_timeout ${c.uid}`), "its own expiry removed it");
  assert.equal(c.at, 16, "expired by the first packet after its 5 s period, not at end of input");
});

test("a disabled analyzer's rules do not apply: without DNS's expiry the flows left at the end of input go in key order", async () => {
  const query = new Uint8Array(30);
  // The later flow has the lower key (client port 4000 < 5000).
  const packets = [udpPacket(10, "10.0.0.5", 5000, "10.0.0.6", 53, query), udpPacket(11, "10.0.0.5", 4000, "10.0.0.6", 53, query)];
  const order = (r: Awaited<ReturnType<typeof run>>) => r.removed.map((c) => `${c.orig} ${c.cause}`);
  // With DNS: its expiry timers remove them at the end, in their order.
  assert.deepEqual(order(await run(packets, { analyzers: [DNS] })), ["10.0.0.5:5000 udp_session_done", "10.0.0.5:4000 udp_session_done"]);
  const off = await run(packets, { analyzers: [DNS] }, (e) => assert.ok(e.disableAnalyzerType("DNS")));
  assert.deepEqual(order(off), ["10.0.0.5:4000 udp_request", "10.0.0.5:5000 udp_request"]);
});
