/**
 * UDP tunnels (VXLAN, Geneve, GTPv1-U): the inner packets make their own
 * connections, tagged with the outer uid in tunnel_parents; encapsulation
 * changes are followed up to Zeek's limit, then a weird and X.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { innerIpWeird } from "../../src/analyzer/tunnel/ip-tunnels.js";
import { decapsulate, geneveOptions, INNER_ARP, type InnerFrame, NOTHING_TO_DECODE, TunnelKind } from "../../src/analyzer/tunnel/udp-tunnels.js";
import { concat, ETH_IPV4, ethernet, frame, icmp4, type TestPacket, tcp4, udp4 } from "../helpers/packets.js";
import { run } from "../session/harness.js";

const VXLAN_HEADER = [0x08, 0, 0, 0, 0, 0, 0x7b, 0];

function vxlan(t: number, outerSport: number, inner: Uint8Array): TestPacket {
  const payload = concat(VXLAN_HEADER, ethernet("00:00:00:00:00:0b", "00:00:00:00:00:0a", ETH_IPV4, inner));
  return { ts: t, bytes: frame(udp4({ src: "192.168.56.11", dst: "192.168.56.12" }, { sport: outerSport, dport: 4789, payload })) };
}

test("VXLAN: the inner TCP connection has its own state and the outer uid as tunnel parent", async () => {
  const ip = { src: "10.0.0.1", dst: "10.0.0.2" };
  const r = await run([
    vxlan(10, 40000, tcp4(ip, { sport: 1234, dport: 80, seq: 100, flags: "S" })),
    vxlan(10.01, 40000, tcp4({ src: ip.dst, dst: ip.src }, { sport: 80, dport: 1234, seq: 900, ack: 101, flags: "SA" })),
  ]);
  const seen = new Map(r.removed.map((c) => [c.orig, c]));
  const outer = seen.get("192.168.56.11:40000")!;
  const inner = seen.get("10.0.0.1:1234")!;
  assert.equal(outer.history, "D");
  assert.equal(outer.origPkts, 2);
  assert.deepEqual([inner.state, inner.history], ["S1", "Sh"]);
  const parents: string[][] = [];
  await run([vxlan(10, 40000, tcp4(ip, { sport: 1234, dport: 80, seq: 100, flags: "S" }))], {}, (e) =>
    e.on("connection_state_remove", (c) => parents.push(c.tunnel_parents ? [...c.tunnel_parents] : [])),
  );
  assert.deepEqual(
    parents.sort((a, b) => b.length - a.length),
    [["CHhAvVGS1DHFjwGM9"], []],
  );
});

test("an inner connection switching tunnels collects parents; past 5 changes: weird and X", async () => {
  const ping = icmp4({ src: "10.0.0.1", dst: "10.0.0.2" }, { type: 8 });
  const packets = Array.from({ length: 8 }, (_, i) => vxlan(10 + i, 40000 + (i % 2), ping));
  const parents: string[] = [];
  const r = await run(packets, {}, (e) =>
    e.on("connection_state_remove", (c) => {
      if (c.id.transport === "icmp") parents.push(...(c.tunnel_parents ?? []));
    }),
  );
  const icmpConn = r.removed.find((c) => c.orig === "10.0.0.1:8")!;
  assert.equal(icmpConn.history, "X");
  assert.equal(parents.length, 2);
  assert.equal(r.weirds.filter((w) => w === "tunnel_max_changes_per_connection_exceeded").length, 1);
});

test("decapsulation rules: Geneve options and protocol, GTPv1 T-PDUs only with optional fields skipped", () => {
  const out: InnerFrame = { offset: 0, end: 0, linktype: 0, weird: "", addl: "", violation: "", ipVersion: 0 };
  // Geneve: one option word, protocol 0x0800 (IPv4).
  const geneve = Uint8Array.from([0x01, 0, 0x08, 0x00, 0, 0, 1, 0, 1, 2, 3, 4, 0x45]);
  assert.ok(decapsulate(TunnelKind.GENEVE, geneve, 0, geneve.length, out));
  assert.deepEqual([out.offset, out.linktype], [12, 101]);
  assert.ok(!decapsulate(TunnelKind.GENEVE, geneve, 0, 12, out));
  assert.equal(out.weird, "geneve_empty_packet");
  // ARP (0x0806) goes to the ARP analyzer; another protocol (LLDP, 0x88cc): Geneve parsed (Zeek confirms it), nothing to decode inside.
  const arp = Uint8Array.from([0, 0, 0x08, 0x06, 0, 0, 1, 0, 0, 1, 8, 0]);
  assert.ok(decapsulate(TunnelKind.GENEVE, arp, 0, arp.length, out));
  assert.equal(out.linktype, INNER_ARP);
  const lldp = Uint8Array.from([0, 0, 0x88, 0xcc, 0, 0, 1, 0, 0, 1, 8, 0]);
  assert.ok(decapsulate(TunnelKind.GENEVE, lldp, 0, lldp.length, out));
  assert.equal(out.linktype, NOTHING_TO_DECODE);
  // A version other than 0 is no Geneve: a weird naming the version, no confirmation.
  const v1 = Uint8Array.from([0x40, 0, 0x08, 0x00, 0, 0, 1, 0, 0x45]);
  assert.ok(!decapsulate(TunnelKind.GENEVE, v1, 0, v1.length, out));
  assert.deepEqual([out.weird, out.addl, out.violation], ["geneve_invalid_version", "1", ""]);
  // GTPv1 with the S flag (4 optional bytes), T-PDU carrying a whole IPv6 header (payload length 0).
  const ipv6Header = [0x60, ...new Array<number>(39).fill(0)];
  const gtp = Uint8Array.from([0x32, 0xff, 0, 44, 0, 0, 0, 1, 0, 1, 0, 0, ...ipv6Header]);
  assert.ok(decapsulate(TunnelKind.GTPV1, gtp, 0, gtp.length, out));
  assert.equal(out.offset, 12);
  assert.ok(!decapsulate(TunnelKind.GTPV1, gtp, 0, gtp.length - 1, out), "a cut inner packet is dropped");
  const echo = Uint8Array.from(gtp);
  echo[1] = 1; // echo request: no user packet
  assert.ok(!decapsulate(TunnelKind.GTPV1, echo, 0, echo.length, out));
  // VXLAN shorter than its header.
  assert.ok(!decapsulate(TunnelKind.VXLAN, new Uint8Array(4), 0, 4, out));
  assert.equal(out.weird, "vxlan_truncated");
});

test("IP-in-IP and GRE: one tunnel per address pair with its own uid, drawn before the inner connection's", async () => {
  const { ipv4, udp6 } = await import("../helpers/packets.js");
  const innerV6 = udp6({ src: "dead::beef", dst: "cafe::babe" }, { sport: 30000, dport: 13000, payload: "x" });
  const sixInFour = (t: number) => ({ ts: t, bytes: frame(ipv4({ src: "10.0.0.1", dst: "10.0.0.2", proto: 41 }, innerV6)) });
  const parents: string[] = [];
  const r = await run([sixInFour(10), sixInFour(11)], {}, (e) => e.on("connection_state_remove", (c) => parents.push(...(c.tunnel_parents ?? []))));
  assert.equal(r.removed.length, 1, "no connection for the outer IPv4 packets");
  assert.equal(r.removed[0]!.uid, "ClEkJM2Vm5giqnMf4h");
  assert.deepEqual(parents, ["CHhAvVGS1DHFjwGM9"]);
  assert.equal(r.removed[0]!.origPkts, 2);
  // GRE (version 0, key present) carrying IPv4, and a reverse-direction packet of the same tunnel.
  const innerV4 = udp4({ src: "172.16.0.1", dst: "172.16.0.2" }, { sport: 5000, dport: 6000, payload: "y" });
  const gre = concat([0x20, 0x00, 0x08, 0x00, 0, 0, 0, 7], innerV4);
  const packets = [
    { ts: 10, bytes: frame(ipv4({ src: "10.0.0.1", dst: "10.0.0.2", proto: 47 }, gre)) },
    { ts: 11, bytes: frame(ipv4({ src: "10.0.0.2", dst: "10.0.0.1", proto: 47 }, gre)) },
  ];
  const parents2: string[] = [];
  const g = await run(packets, {}, (e) => e.on("connection_state_remove", (c) => parents2.push(...(c.tunnel_parents ?? []))));
  assert.deepEqual(
    g.removed.map((c) => [c.orig, c.origPkts]),
    [["172.16.0.1:5000", 2]],
  );
  assert.deepEqual(parents2, ["CHhAvVGS1DHFjwGM9"], "both directions are one tunnel");
});

test("Teredo: on 3544 and, found by content, on other ports; bubbles carry nothing (with payload: a weird)", async () => {
  const { udp6 } = await import("../helpers/packets.js");
  const inner = udp6({ src: "2001:0:4137:9e50::1", dst: "2001:db8::2" }, { sport: 7000, dport: 8000, payload: "z" });
  const teredo = (t: number, dport: number, payload: Uint8Array) => ({
    ts: t,
    bytes: frame(udp4({ src: "192.168.2.16", dst: "65.55.158.80" }, { sport: 3797, dport, payload })),
  });
  const bubbleWithPayload = concat([0x60, 0, 0, 0, 0, 0, 59, 21], new Uint8Array(32), [1, 2, 3]);
  const r = await run([teredo(10, 3544, inner), teredo(11, 3544, bubbleWithPayload), teredo(12, 32900, inner)]);
  const innerConn = r.removed.find((c) => c.orig === "2001:0:4137:9e50::1:7000");
  assert.ok(innerConn, "the IPv6 packet inside was decoded");
  assert.equal(innerConn.origPkts, 2, "once through 3544, once through the content-detected flow");
  assert.ok(r.weirds.includes("Teredo_bubble_with_payload"));
  // A DNS query whose id happens to look like a Teredo header is left alone, quietly.
  const dnsLike = await run([
    { ts: 10, bytes: frame(udp4({ src: "10.0.0.1", dst: "10.0.0.2" }, { sport: 5000, dport: 53, payload: Uint8Array.from([0, 1, 1, 0, 0, 1, 0, 0]) })) },
  ]);
  assert.equal(dnsLike.removed.length, 1);
  assert.ok(!dnsLike.weirds.some((w) => w.includes("Teredo")));
});

test("AYIYA forwards the packet after identity and signature; other opcodes carry none", () => {
  const out: InnerFrame = { offset: 0, end: 0, linktype: 0, weird: "", addl: "", violation: "", ipVersion: 0 };
  // idlen 4 → 16-byte identity, siglen 5 → 20-byte signature, op 1 (forward), next header 41 (IPv6).
  const header = [0x41, 0x52, 0x11, 41, 0, 0, 0, 0, ...new Array<number>(36).fill(0)];
  const pkt = Uint8Array.from([...header, 0x60, ...new Array<number>(39).fill(0)]);
  assert.ok(decapsulate(TunnelKind.AYIYA, pkt, 0, pkt.length, out));
  assert.equal(out.offset, 44);
  pkt[2] = 0x12; // opcode 2: echo request
  assert.ok(!decapsulate(TunnelKind.AYIYA, pkt, 0, pkt.length, out));
  pkt[2] = 0x11;
  pkt[3] = 17;
  assert.ok(!decapsulate(TunnelKind.AYIYA, pkt, 0, pkt.length, out));
  assert.equal(out.weird, "ayiya_tunnel_non_ip");
});

test("violations: GTPv1's carry only a reason, VXLAN's the payload too (analyzer.log's failure_data)", async () => {
  const ipv6Header = [0x60, ...new Array<number>(39).fill(0)];
  const cutGtp = Uint8Array.from([0x32, 0xff, 0, 44, 0, 0, 0, 1, 0, 1, 0, 0, ...ipv6Header.slice(0, 30)]);
  const shortVxlan = Uint8Array.from([0x08, 0, 0, 0]);
  const seen: string[] = [];
  await run(
    [
      { ts: 1, bytes: frame(udp4({ src: "10.1.0.1", dst: "10.1.0.2" }, { sport: 2152, dport: 2152, payload: cutGtp })) },
      { ts: 2, bytes: frame(udp4({ src: "10.1.0.3", dst: "10.1.0.4" }, { sport: 40000, dport: 4789, payload: shortVxlan })) },
    ],
    {},
    (e) => e.on("analyzer_violation_info", (atype, info) => void seen.push(`${atype} ${info.reason} ${info.data === undefined ? "-" : info.data.length}`)),
  );
  assert.deepEqual(seen, ["GTPV1 Truncated GTPv1 -", "VXLAN VXLAN header truncation 4"]);
});

test("Tunnel::max_depth: a VXLAN tunnel that would go past it is not followed, a weird (with _in_tunnel inside one) and an X on its connection", async () => {
  const inner = udp4({ src: "10.0.0.1", dst: "10.0.0.2" }, { sport: 1234, dport: 53, payload: "q" });
  const nested = (depth: number): Uint8Array =>
    depth === 0
      ? inner
      : concat(
          udp4(
            { src: "172.16.0.1", dst: "172.16.0.2" },
            { sport: 40001, dport: 4789, payload: concat(VXLAN_HEADER, ethernet("00:00:00:00:00:0b", "00:00:00:00:00:0a", ETH_IPV4, nested(depth - 1))) },
          ),
        );
  const orig = (r: Awaited<ReturnType<typeof run>>) => new Map(r.removed.map((c) => [c.orig, c.history]));
  // max_depth 0: no tunnel at all; the outer datagram's weird is outside any tunnel.
  const none = await run([vxlan(10, 40000, inner)], { settings: { "Tunnel::max_depth": 0 } });
  assert.deepEqual(none.weirds, ["exceeded_tunnel_max_depth"]);
  assert.equal(orig(none).get("192.168.56.11:40000"), "DX");
  assert.equal(orig(none).has("10.0.0.1:1234"), false);
  // max_depth 1: the first tunnel is followed, the one inside it is not.
  const one = await run([vxlan(10, 40000, nested(1))], { settings: { "Tunnel::max_depth": 1 } });
  assert.deepEqual(one.weirds, ["exceeded_tunnel_max_depth_in_tunnel"]);
  assert.deepEqual([orig(one).get("192.168.56.11:40000"), orig(one).get("172.16.0.1:40001")], ["D", "DX"]);
  assert.equal(orig(one).has("10.0.0.1:1234"), false);
  // The default (4) follows both.
  assert.equal(orig(await run([vxlan(10, 40000, nested(1))])).has("10.0.0.1:1234"), true);
});

test("GTPv1 shorter than its fixed 8-byte header: Zeek's binpac bounds check of teid fails, a violation naming it (once per connection); a whole header does not", async () => {
  const gtp = (t: number, sport: number, payload: Uint8Array): TestPacket => ({
    ts: t,
    bytes: frame(udp4({ src: "10.1.0.1", dst: "10.1.0.2" }, { sport, dport: 2152, payload })),
  });
  const seen: string[] = [];
  const r = await run(
    [
      gtp(1, 40000, Uint8Array.from([0x30, 0xff, 0, 0, 0])),
      gtp(2, 40000, Uint8Array.from([0x30, 0xff, 0])),
      gtp(3, 40001, Uint8Array.from([0x30, 0x01, 0, 0, 0, 0, 0, 1])),
    ],
    {},
    (e) => e.on("analyzer_violation_info", (atype, info) => void seen.push(`${atype} ${info.c?.id.orig_p} ${info.reason}`)),
  );
  assert.deepEqual(seen, ["GTPV1 40000 Binpac exception: binpac exception: out_of_bound: GTPv1_Header:teid: 8 > 5"]);
  assert.deepEqual(r.weirds, []);
});

test("IPTUNNEL drops an IP-in-IP inner packet of the wrong version or whose length is not the payload's", () => {
  // An IPv4 header saying 28 bytes, with 8 bytes after it.
  const v4 = Uint8Array.from([0x45, 0, 0, 28, ...new Array<number>(24).fill(0)]);
  assert.equal(innerIpWeird(4, v4, 0, v4.length), "");
  assert.equal(innerIpWeird(4, v4, 0, v4.length - 1), "truncated_inner_IP");
  assert.equal(innerIpWeird(4, Uint8Array.from([...v4, 0]), 0, v4.length + 1), "inner_IP_payload_length_mismatch");
  assert.equal(innerIpWeird(6, v4, 0, v4.length), "truncated_inner_IP", "shorter than an IPv6 header");
  assert.equal(innerIpWeird(4, v4, 0, 19), "invalid_inner_IP_version", "shorter than an IPv4 header counts as the wrong version");
  // An IPv6 header (payload 0) where IPv4 was announced, and the other way round.
  const v6 = Uint8Array.from([0x60, ...new Array<number>(39).fill(0)]);
  assert.equal(innerIpWeird(6, v6, 0, v6.length), "");
  assert.equal(innerIpWeird(4, v6, 0, v6.length), "invalid_inner_IP_version");
  assert.equal(innerIpWeird(6, Uint8Array.from([...v4, ...new Array<number>(12).fill(0)]), 0, 40), "invalid_inner_IP_version");
});

test("Geneve options (get_options): class, critical bit, type and data of each; an option cut short ends the list; options past the data give none", () => {
  // Version 0, options length 5 words; protocol 0x6558; VNI 7.
  const head = (words: number): number[] => [words & 0x3f, 0, 0x65, 0x58, 0, 0, 7, 0];
  const first = [0x01, 0x00, 0x81, 0x01, 0xde, 0xad, 0xbe, 0xef]; // class 256, critical, type 1, one word
  const second = [0xff, 0x72, 0x7f, 0x00]; // class 65394, type 127, no data
  const cut = [0x00, 0x01, 0x02, 0x02, 0xaa, 0xbb, 0xcc, 0xdd]; // says two words, has one
  assert.deepEqual(geneveOptions(new Uint8Array([...head(5), ...first, ...second, ...cut.slice(0, 4), 0, 0, 0, 0])), [
    { class: 256, critical: true, typ: 1, data: "\xde\xad\xbe\xef" },
    { class: 65394, critical: false, typ: 127, data: "" },
  ]);
  assert.deepEqual(geneveOptions(new Uint8Array([...head(3), ...cut])), []);
  assert.deepEqual(geneveOptions(new Uint8Array(head(2))), []);
});
