/** headersLength: where the transport header ends, over every link type the recorder knows. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { headersLength } from "../../src/record/header-length.js";
import type { RawPacket } from "../../src/source/raw-packet.js";
import {
  ETH_ARP,
  ETH_IPV4,
  ETH_MPLS,
  ETH_PPPOE,
  ethernet,
  fragmentHeader,
  frame,
  hopByHop,
  icmp4,
  ipv4,
  ipv6,
  loopLink,
  mplsLabels,
  nullLink,
  pppoeSession,
  pppSerial,
  sll,
  sll2,
  tcp,
  tcp4,
  tcp6,
  udp4,
} from "../helpers/packets.js";

const V4 = { src: "10.0.0.1", dst: "10.0.0.2" };
const V6 = { src: "2001:db8::1", dst: "2001:db8::2" };
const MACS = ["00:00:00:00:00:02", "00:00:00:00:00:01"] as const;

function raw(bytes: Uint8Array, linktype = 1, caplen = bytes.length): RawPacket {
  const data = new Uint8Array(bytes.length + 5);
  data.set(bytes, 5);
  return { ts: 1, caplen, wirelen: bytes.length, linktype, data, offset: 5 };
}

const PAYLOAD = "x".repeat(100);

test("TCP, UDP and ICMP headers over IPv4 on Ethernet", () => {
  assert.equal(headersLength(raw(frame(tcp4(V4, { payload: PAYLOAD })))), 14 + 20 + 20);
  assert.equal(headersLength(raw(frame(tcp4(V4, { payload: PAYLOAD, options: new Uint8Array(12) })))), 14 + 20 + 32, "TCP options count");
  assert.equal(headersLength(raw(frame(udp4(V4, { payload: PAYLOAD })))), 14 + 20 + 8);
  assert.equal(headersLength(raw(frame(icmp4(V4, { payload: PAYLOAD })))), 14 + 20 + 8);
  assert.equal(
    headersLength(raw(frame(ipv4({ ...V4, proto: 6, options: new Uint8Array(8) }, tcp({ payload: PAYLOAD }, V4))))),
    14 + 28 + 20,
    "IP options count",
  );
});

test("a later IPv4 fragment keeps only its IP header", () => {
  const later = frame(ipv4({ ...V4, proto: 6, fragOffset: 64 }, new TextEncoder().encode(PAYLOAD)));
  assert.equal(headersLength(raw(later)), 14 + 20);
});

test("IPv6 extension headers are walked; a later fragment stops after the fragment header", () => {
  const withExt = frame(ipv6({ ...V6, nextHeader: 6, extHeaders: [hopByHop(), fragmentHeader({ id: 1 })] }, tcp({ payload: PAYLOAD }, V6)));
  assert.equal(headersLength(raw(withExt)), 14 + 40 + 8 + 8 + 20);
  const later = frame(ipv6({ ...V6, nextHeader: 6, extHeaders: [fragmentHeader({ id: 1, offset: 1280 })] }, new TextEncoder().encode(PAYLOAD)));
  assert.equal(headersLength(raw(later)), 14 + 40 + 8);
  assert.equal(headersLength(raw(frame(tcp6(V6, { payload: PAYLOAD })))), 14 + 40 + 20);
});

test("VLAN, MPLS and PPPoE encapsulations on Ethernet", () => {
  assert.equal(headersLength(raw(frame(udp4(V4, { payload: PAYLOAD }), { vlans: [5, 6] }))), 14 + 8 + 20 + 8);
  assert.equal(headersLength(raw(ethernet(...MACS, ETH_MPLS, mplsLabels([1, 2], udp4(V4, { payload: PAYLOAD }))))), 14 + 8 + 20 + 8);
  assert.equal(headersLength(raw(ethernet(...MACS, ETH_PPPOE, pppoeSession(0x0021, udp4(V4, { payload: PAYLOAD }))))), 14 + 8 + 20 + 8);
});

test("other link types", () => {
  const ip = udp4(V4, { payload: PAYLOAD });
  assert.equal(headersLength(raw(sll(ETH_IPV4, ip), 113)), 16 + 28);
  assert.equal(headersLength(raw(sll2(ETH_IPV4, ip), 276)), 20 + 28);
  assert.equal(headersLength(raw(nullLink(2, ip), 0)), 4 + 28);
  assert.equal(headersLength(raw(loopLink(2, ip), 108)), 4 + 28);
  assert.equal(headersLength(raw(nullLink(30, tcp6(V6, { payload: PAYLOAD })), 0)), 4 + 60);
  assert.equal(headersLength(raw(pppSerial(0x0021, ip), 9)), 4 + 28);
  assert.equal(headersLength(raw(ip, 101)), 28);
  assert.equal(headersLength(raw(ip, 228)), 28);
});

test("non-IP packets, unknown link types and short captures are kept whole", () => {
  const arp = ethernet(...MACS, ETH_ARP, new Uint8Array(28));
  assert.equal(headersLength(raw(arp)), arp.length);
  const ip = udp4(V4, { payload: PAYLOAD });
  assert.equal(headersLength(raw(ip, 147)), ip.length);
  assert.equal(headersLength(raw(frame(tcp4(V4, { payload: PAYLOAD })), 1, 40)), 40, "never beyond caplen");
  assert.equal(headersLength(raw(new Uint8Array(0))), 0);
});
