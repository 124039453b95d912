/**
 * Semantics of compiled filters on crafted packets: the libpcap rules that a
 * corpus trace may not exercise (VLAN shifting, the fragment rule for ports,
 * out-of-bounds loads rejecting the whole packet, unsigned arithmetic, every
 * supported link type, mixed link types through one predicate).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { compileFilter, filterSource } from "../../src/filter/compile.js";
import type { RawPacket } from "../../src/source/raw-packet.js";
import {
  concat,
  destOptions,
  ETH_ARP,
  ETH_IPV4,
  ETH_MPLS,
  ethernet,
  fragmentHeader,
  frame,
  hopByHop,
  icmp4,
  icmp6Packet,
  ipv4,
  ipv6,
  loopLink,
  mplsLabels,
  nullLink,
  pppoeSession,
  pppSerial,
  sll,
  sll2,
  tcp4,
  tcp6,
  udp,
  udp4,
  udp6,
} from "../helpers/packets.js";

const V4 = { src: "10.0.0.1", dst: "192.168.1.20" };
const V6 = { src: "2001:db8::1", dst: "fe80::2" };

function raw(bytes: Uint8Array, linktype = 1, wirelen = bytes.length): RawPacket {
  // Place the packet inside a larger buffer, as sources do, to check that `offset` is honoured.
  const data = new Uint8Array(bytes.length + 16).fill(0xee);
  data.set(bytes, 7);
  return { ts: 0, caplen: bytes.length, wirelen, linktype, data, offset: 7 };
}

function matches(expression: string, packet: RawPacket): boolean {
  return compileFilter(expression)(packet);
}

const web4 = raw(frame(tcp4(V4, { sport: 40000, dport: 80, flags: "S" })));
const dns4 = raw(frame(udp4(V4, { sport: 5353, dport: 53 })));
const web6 = raw(frame(tcp6(V6, { sport: 40000, dport: 443, flags: "SA" })));
const ping4 = raw(frame(icmp4(V4, { type: 8 })));
const ping6 = raw(frame(icmp6Packet(V6, { type: 128 })));

test("protocol keywords, hosts, nets and ports on IPv4 and IPv6", () => {
  assert.equal(matches("tcp", web4), true);
  assert.equal(matches("udp", web4), false);
  assert.equal(matches("ip6 and tcp port 443", web6), true);
  assert.equal(matches("host 10.0.0.1", web4), true);
  assert.equal(matches("dst host 10.0.0.1", web4), false);
  assert.equal(matches("src and dst net 10.0.0.0/8", web4), false);
  assert.equal(matches("src net 10.0.0.0/8 and dst net 192.168.0.0 mask 255.255.0.0", web4), true);
  assert.equal(matches("net 192.168", web4), true, "short form: 192.168 is 192.168.0.0/16");
  assert.equal(matches("host fe80::2", web6), true);
  assert.equal(matches("ip6 src net 2001:db8::/32", web6), true);
  assert.equal(matches("ip6 dst net 2001:db8::/32", web6), false);
  assert.equal(matches("portrange 79-81", web4), true);
  assert.equal(matches("tcp dst port 80", web4), true);
  assert.equal(matches("udp port 80", web4), false);
  assert.equal(matches("port domain", dns4), true);
  assert.equal(matches("icmp[icmptype] = icmp-echo", ping4), true);
  assert.equal(matches("icmp6[icmp6type] = icmp6-echo", ping6), true);
  assert.equal(matches("icmp", ping6), false, "icmp means ICMP over IPv4 only");
  assert.equal(matches("tcp[tcpflags] & (tcp-syn|tcp-ack) = tcp-syn|tcp-ack", web6), false, "tcp[] indexes IPv4 only, as libpcap");
  assert.equal(matches("tcp[tcpflags] & tcp-syn != 0", web4), true);
});

test("`not` between the qualifiers and their id negates the id alone, the qualifiers inherited still (libpcap: src port not 445)", () => {
  const cases: ReadonlyArray<[string, RawPacket, boolean]> = [
    ["src port not 40000", web4, false],
    ["src port not 80", web4, true],
    // 53 inherits dst port: not dst port 80, or dst port 53.
    ["dst port not 80 or 53", web4, false],
    ["dst port not 80 or 53", dns4, true],
    ["host not 10.0.0.1 and tcp", web4, false],
    ["tcp src port ! 40000 or tcp[tcpflags] & (tcp-syn|tcp-fin|tcp-rst) != 0", web4, true],
  ];
  for (const [expression, packet, want] of cases) assert.equal(matches(expression, packet), want, expression);
});

test("a bare id inherits the qualifiers before it", () => {
  assert.equal(matches("host 1.2.3.4 or 10.0.0.1", web4), true);
  assert.equal(matches("tcp port 22 or 80", web4), true);
  assert.equal(matches("udp port 22 or 80", web4), false, "80 inherits udp");
  assert.equal(matches("dst host 10.0.0.1 or 192.168.1.20", web4), true);
  assert.equal(matches("src host 192.168.1.20 or 192.168.1.21", web4), false, "the second address inherits src");
  assert.equal(matches("host 1.2.3.4 or (5.6.7.8 or 10.0.0.1)", web4), true);
  assert.equal(matches("port 1 and not 2", web4), false);
});

test("and/or have equal precedence and group left to right; not binds tightest", () => {
  // (udp or tcp) and port 53 → false for the web packet; udp or (tcp and port 53) would also be false,
  // so use a packet where the two readings differ: DNS over UDP with `udp or tcp and port 80`.
  assert.equal(matches("udp or tcp and port 80", dns4), false, "(udp or tcp) and port 80");
  assert.equal(matches("tcp and port 53 or udp", dns4), true, "(tcp and port 53) or udp");
  assert.equal(matches("not tcp and udp", dns4), true);
  assert.equal(matches("!(tcp || udp)", dns4), false);
});

test("ports match only on the first IPv4 fragment; `ip` matches every fragment", () => {
  const later = raw(frame(ipv4({ ...V4, proto: 6, fragOffset: 8, mf: true }, new Uint8Array([0, 80, 0, 80, 0, 0, 0, 0]))));
  assert.equal(matches("tcp port 80", later), false);
  assert.equal(matches("tcp", later), true);
  assert.equal(matches("ip[6:2] & 0x1fff != 0", later), true);
  const first = raw(frame(ipv4({ ...V4, proto: 6, mf: true }, tcp4ToSegment())));
  assert.equal(matches("tcp port 80", first), true);
});

function tcp4ToSegment(): Uint8Array {
  return tcp4(V4, { dport: 80 }).subarray(20);
}

test("ip6 proto looks through one fragment header; ports do not", () => {
  const fragUdp = raw(frame(ipv6({ ...V6, nextHeader: 17, extHeaders: [fragmentHeader({ id: 7 })] }, udp({ dport: 53 }, V6))));
  assert.equal(matches("udp", fragUdp), true);
  assert.equal(matches("ip6 proto 17", fragUdp), true);
  assert.equal(matches("udp port 53", fragUdp), false);
  assert.equal(matches("udp port 53", raw(frame(udp6(V6, { dport: 53 })))), true);
});

test("vlan shifts every later primitive by 4 bytes, as libpcap", () => {
  const tagged = raw(frame(tcp4(V4, { dport: 80 }), { vlans: [100] }));
  const qinq = raw(frame(tcp4(V4, { dport: 80 }), { vlans: [10, 20], vlanType: 0x88a8 }));
  assert.equal(matches("ip", tagged), false);
  assert.equal(matches("vlan and ip", tagged), true);
  assert.equal(matches("vlan 100 and tcp port 80", tagged), true);
  assert.equal(matches("vlan 101", tagged), false);
  assert.equal(matches("vlan 10 and vlan 20 and host 10.0.0.1", qinq), true);
  assert.equal(matches("vlan 20", qinq), false);
  assert.equal(matches("vlan and ip", qinq), false, "one tag skipped: the next type is still a tag");
  assert.equal(matches("ip or vlan", tagged), true);
  assert.equal(matches("vlan or ip", web4), false, "after `vlan`, `ip` looks 4 bytes further in");
});

test("mpls labels and IP inside them", () => {
  const labelled = raw(ethernet("00:00:00:00:00:02", "00:00:00:00:00:01", ETH_MPLS, mplsLabels([29, 30], tcp4(V4))));
  assert.equal(matches("mpls", labelled), true);
  assert.equal(matches("mpls 29 and mpls 30 and ip and tcp", labelled), true);
  assert.equal(matches("mpls 29 and ip", labelled), false, "the first label is not bottom of stack");
  assert.equal(matches("mpls 30", labelled), false);
});

test("Ethernet addresses, broadcast and multicast", () => {
  const arpReq = raw(ethernet("ff:ff:ff:ff:ff:ff", "00:11:22:33:44:55", ETH_ARP, arpBody("10.0.0.1", "10.0.0.9")));
  assert.equal(matches("arp", arpReq), true);
  assert.equal(matches("ether broadcast and ether src 00:11:22:33:44:55", arpReq), true);
  assert.equal(matches("ether host 0:11:22:33:44:55", arpReq), true);
  assert.equal(matches("ether dst 00:11:22:33:44:55", arpReq), false);
  assert.equal(matches("multicast", arpReq), true);
  assert.equal(matches("host 10.0.0.9", arpReq), true, "host without qualifier includes ARP");
  assert.equal(matches("ip host 10.0.0.9", arpReq), false);
  assert.equal(matches("ether proto \\arp", arpReq), true);
});

function arpBody(spa: string, tpa: string): Uint8Array {
  const b = new Uint8Array(28);
  b.set([0, 1, 8, 0, 6, 4, 0, 1], 0);
  b.set(spa.split(".").map(Number), 14);
  b.set(tpa.split(".").map(Number), 24);
  return b;
}

test("every supported link type finds the network header; unknown link types match nothing link-dependent", () => {
  const ip = tcp4(V4, { dport: 80 });
  const cases: [string, Uint8Array, number][] = [
    ["Ethernet", frame(ip), 1],
    ["Linux SLL", sll(ETH_IPV4, ip), 113],
    ["Linux SLL2", sll2(ETH_IPV4, ip), 276],
    ["NULL little-endian", nullLink(2, ip), 0],
    ["NULL big-endian", loopLink(2, ip), 0],
    ["LOOP", loopLink(2, ip), 108],
    ["raw IP (101)", ip, 101],
    ["raw IP (12)", ip, 12],
    ["raw IP (14)", ip, 14],
    ["raw IPv4 (228)", ip, 228],
    ["PPP", pppSerial(0x0021, ip), 9],
  ];
  for (const [name, bytes, linktype] of cases) {
    assert.equal(matches("ip and tcp dst port 80 and host 192.168.1.20", raw(bytes, linktype)), true, name);
    assert.equal(matches("ip6 or udp", raw(bytes, linktype)), false, name);
  }
  const v6 = tcp6(V6, { dport: 443 });
  for (const [bytes, linktype] of [
    [v6, 229],
    [v6, 101],
    [nullLink(30, v6), 0],
    [nullLink(10, v6), 0],
    [sll2(0x86dd, v6), 276],
  ] as const) {
    assert.equal(matches("ip6 and tcp port 443", raw(bytes, linktype)), true, `IPv6 on linktype ${linktype}`);
  }
  assert.equal(matches("ip", raw(ip, 147)), false);
  assert.equal(matches("greater 10", raw(ip, 147)), true, "len needs no link layer");
  assert.equal(matches("vlan", raw(sll(0x8100, ip), 113)), false, "vlan applies to Ethernet framing only");
});

test("one predicate serves packets of mixed link types", () => {
  const f = compileFilter("udp port 53");
  const ip = udp4(V4, { dport: 53 });
  const packets = [raw(frame(ip), 1), raw(sll(ETH_IPV4, ip), 113), raw(ip, 101), raw(frame(ip), 1), raw(tcp4(V4), 101)];
  assert.deepEqual(
    packets.map((p) => f(p)),
    [true, true, true, true, false],
  );
});

test("a load beyond the captured bytes rejects the whole packet, whatever the and/or/not around it", () => {
  assert.equal(matches("tcp[100] = 0", web4), false);
  assert.equal(matches("not tcp[100] = 0", web4), false);
  assert.equal(matches("tcp or tcp[100] = 0", web4), true, "short-circuit: the load is never made");
  assert.equal(matches("tcp[100] = 0 or tcp", web4), false, "the load is made first and fails");
  assert.equal(matches("udp or tcp[100] = 0", dns4), true);
  const cut = raw(frame(tcp4(V4, { dport: 80 })).subarray(0, 36), 1, 54);
  assert.equal(matches("tcp", cut), true);
  assert.equal(matches("tcp port 80", cut), false, "ports lie beyond the capture");
  assert.equal(matches("not tcp port 80", cut), false);
  assert.equal(matches("ip", raw(new Uint8Array(10))), false);
  assert.equal(matches("not ip", raw(new Uint8Array(10))), false);
});

test("arithmetic is unsigned 32-bit, with libpcap's odd % and ^ grouping", () => {
  const p = raw(frame(tcp4(V4)), 1, 60);
  assert.equal(matches("len = 60", p), true);
  assert.equal(matches("len - 100 > 1000", p), true, "60 - 100 wraps around");
  assert.equal(matches("-len = 4294967236", p), true);
  assert.equal(matches("len * 2 / 3 = 40", p), true);
  assert.equal(matches("len % 7 + 1 = 4", p), true, "len % (7 + 1) = 60 % 8 = 4");
  assert.equal(matches("len & 0x3c ^ 0x0c = 0x30", p), true, "len & (0x3c ^ 0x0c)");
  assert.equal(matches("len << 1 >> 2 = 30", p), true);
  assert.equal(matches("0xffffffff + 2 = 1", p), true);
  assert.equal(matches("len / (ip[0] & 0) = 0", p), false, "division by zero at run time rejects the packet");
  assert.equal(matches("ip[8] = 64 and ip[9] = 6 and ether[12:2] = 0x800 and ip[12:4] = 0x0a000001", p), true);
  assert.equal(matches("tcp[((tcp[12] & 0xf0) >> 2) - 20:2] = 1234", p), true, "computed index: the source port");
});

test("less/greater compare the wire length, not the captured length", () => {
  const p = raw(frame(tcp4(V4)), 1, 1500);
  assert.equal(matches("greater 1000", p), true);
  assert.equal(matches("less 1000", p), false);
});

test("the empty filter accepts every packet", () => {
  assert.equal(matches("", raw(new Uint8Array(0), 999)), true);
  assert.equal(matches("   ", web4), true);
});

test("the generated source has constant offsets per link type", () => {
  assert.match(filterSource("ip", 1), /o \+ 12\).*=== 0x800/);
  assert.match(filterSource("ip", 113), /o \+ 14\).*=== 0x800/);
  assert.match(filterSource("vlan and ip", 1), /o \+ 16\).*=== 0x800/);
  assert.match(filterSource("ip", 228), /const r = true;/);
});

test("IPv6 prefix and address forms", () => {
  const p = raw(frame(concat(tcp6({ src: "::ffff:10.0.0.1", dst: "2001:db8:0:0:1:0:0:1" }, { dport: 80 }))));
  assert.equal(matches("src host ::ffff:10.0.0.1", p), true);
  assert.equal(matches("dst host 2001:db8::1:0:0:1", p), true);
  assert.equal(matches("dst net 2001:db8::/33", p), true);
  assert.equal(matches("net ::/0", p), true);
});

test("pppoes shifts later primitives past the PPPoE and PPP headers", () => {
  const session = raw(ethernet("00:00:00:00:00:02", "00:00:00:00:00:01", 0x8864, pppoeSession(0x0021, tcp4(V4, { dport: 80 }), { session: 0x1234 })));
  assert.equal(matches("pppoes", session), true);
  assert.equal(matches("pppoes 0x1234 and tcp port 80 and host 10.0.0.1", session), true);
  assert.equal(matches("pppoes 7", session), false);
  assert.equal(matches("tcp", session), false, "without pppoes the IP header is not where `tcp` looks");
  assert.equal(matches("pppoes and ip6", session), false);
  assert.equal(matches("pppoes and link[0:2] = 0x21", session), true, "after pppoes the link header is the PPP header");
  assert.equal(matches("pppoed", session), false);
});

test("inbound/outbound read the Linux cooked capture packet type", () => {
  const sent = raw(sll(ETH_IPV4, udp4(V4), 4), 113);
  const received = raw(sll(ETH_IPV4, udp4(V4), 0), 113);
  assert.equal(matches("outbound and udp", sent), true);
  assert.equal(matches("inbound", sent), false);
  assert.equal(matches("inbound", received), true);
  assert.equal(matches("outbound", web4), false, "Ethernet records no direction");
});

test("protochain walks IPv6 extension headers; proto looks one header deep only", () => {
  const chained = raw(frame(ipv6({ ...V6, nextHeader: 6, extHeaders: [hopByHop(), destOptions(new Uint8Array(14))] }, tcp4ToSegment())));
  assert.equal(matches("ip6 protochain 6", chained), true);
  assert.equal(matches("protochain \\tcp", chained), true);
  assert.equal(matches("ip6 proto 6", chained), false);
  assert.equal(matches("ip6 protochain 17", chained), false);
  assert.equal(matches("ip protochain 6", web4), true);
  const cut = raw(frame(ipv6({ ...V6, nextHeader: 6, extHeaders: [hopByHop()] }, tcp4ToSegment())).subarray(0, 55));
  assert.equal(matches("not ip6 protochain 6", cut), false, "a walk beyond the capture rejects the packet");
});
