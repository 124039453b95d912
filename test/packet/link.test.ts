import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as C from "../../src/packet/constants.js";
import * as B from "../helpers/packets.js";
import { Layers } from "./layers.js";

const V4 = { src: "10.0.0.1", dst: "10.0.0.2" };
const V6 = { src: "2001:db8::1", dst: "2001:db8::2" };
const ipPacket = (): Uint8Array => B.tcp4(V4, { flags: "S" });
const ip6Packet = (): Uint8Array => B.udp6(V6, { payload: "x" });

function decode(bytes: Uint8Array, linktype = C.LINKTYPE_ETHERNET) {
  const l = new Layers();
  const r = l.feed(bytes, { linktype, linkOnly: true });
  return { ...r, pkt: l.pkt, layers: l };
}

describe("Ethernet", () => {
  it("finds IPv4 and IPv6 after 14 bytes and records the MACs", () => {
    const r = decode(B.frame(ipPacket(), { srcMac: "00:11:22:33:44:55", dstMac: "66:77:88:99:aa:bb" }));
    assert.equal(r.link, true);
    assert.equal(r.pkt.l3Offset, 14);
    assert.equal(r.pkt.l2HeaderLen, 14);
    assert.equal(r.pkt.l2DstOffset, 0);
    assert.equal(r.pkt.l2SrcOffset, 6);
    assert.equal(r.pkt.data[r.pkt.l2SrcOffset], 0x00);
    assert.equal(r.pkt.data[r.pkt.l2DstOffset + 5], 0xbb);
    const r6 = decode(B.frame(ip6Packet()));
    assert.equal(r6.link, true);
    assert.equal(r6.pkt.data[r6.pkt.l3Offset]! >> 4, 6);
  });

  it("drops frames of 16 bytes or fewer with truncated_ethernet_frame", () => {
    const r = decode(B.ethernet(B.DEFAULT_DST_MAC, B.DEFAULT_SRC_MAC, B.ETH_IPV4, [0x45, 0]));
    assert.equal(r.link, false);
    assert.deepEqual(r.weirds, ["truncated_ethernet_frame"]);
    assert.equal(r.layers.log[0]!.source, "ETHERNET");
    const ok17 = decode(B.ethernet(B.DEFAULT_DST_MAC, B.DEFAULT_SRC_MAC, B.ETH_IPV4, [0x45, 0, 0]));
    assert.equal(ok17.link, true, "17 bytes pass the Ethernet check (the IP layer judges the rest)");
  });

  it("skips Cisco FabricPath's 16-byte outer header", () => {
    const inner = B.frame(ipPacket());
    const outer = B.concat(new Uint8Array(12), [0x89, 0x03], new Uint8Array(2), inner);
    const r = decode(outer);
    assert.equal(r.link, true);
    assert.equal(r.pkt.l3Offset, 16 + 14);
    assert.equal(r.pkt.l2DstOffset, 16);
    const short = decode(outer.slice(0, 30));
    assert.deepEqual(short.weirds, ["truncated_link_header_cfp"]);
  });

  it("reports undefined_ether_type for 1501..1535", () => {
    const r = decode(B.ethernet(B.DEFAULT_DST_MAC, B.DEFAULT_SRC_MAC, 1510, new Uint8Array(40)));
    assert.equal(r.link, false);
    assert.deepEqual(r.weirds, ["undefined_ether_type"]);
  });

  it("skips ARP and unknown EtherTypes silently, counting them", () => {
    const r = decode(B.ethernet(B.DEFAULT_DST_MAC, B.DEFAULT_SRC_MAC, B.ETH_ARP, new Uint8Array(28)));
    assert.equal(r.link, false);
    assert.deepEqual(r.weirds, []);
    assert.equal(r.layers.link.stats.skippedByEtherType.get(B.ETH_ARP), 1);
    const lldp = decode(B.ethernet(B.DEFAULT_DST_MAC, B.DEFAULT_SRC_MAC, 0x88cc, new Uint8Array(28)));
    assert.deepEqual(lldp.weirds, []);
    assert.equal(lldp.link, false);
  });
});

describe("802.3 / LLC / SNAP", () => {
  const snap = (type: number, payload: Uint8Array) => B.concat([0xaa, 0xaa, 0x03, 0, 0, 0, type >> 8, type & 0xff], payload);

  it("continues through SNAP carrying an IP EtherType", () => {
    const body = snap(B.ETH_IPV4, ipPacket());
    const r = decode(B.ethernet(B.DEFAULT_DST_MAC, B.DEFAULT_SRC_MAC, body.length, body));
    assert.equal(r.link, true);
    assert.equal(r.pkt.l3Offset, 22);
  });

  it("skips plain LLC and Novell raw frames without a weird", () => {
    const llc = B.concat([0x42, 0x42, 0x03], new Uint8Array(40));
    const r = decode(B.ethernet(B.DEFAULT_DST_MAC, B.DEFAULT_SRC_MAC, llc.length, llc));
    assert.equal(r.link, false);
    assert.deepEqual(r.weirds, []);
    assert.equal(r.layers.link.stats.skippedLlc, 1);
    const novell = B.concat([0xff, 0xff], new Uint8Array(40));
    assert.equal(decode(B.ethernet(B.DEFAULT_DST_MAC, B.DEFAULT_SRC_MAC, novell.length, novell)).link, false);
  });

  it("drops a frame shorter than its 802.3 length", () => {
    const body = snap(B.ETH_IPV4, ipPacket());
    const r = decode(B.ethernet(B.DEFAULT_DST_MAC, B.DEFAULT_SRC_MAC, body.length + 1, body));
    assert.deepEqual(r.weirds, ["truncated_ethernet_frame"]);
    assert.equal(r.link, false);
  });
});

describe("802.1Q VLAN", () => {
  it("records one and two tags (0x8100, 0x88a8, 0x9100)", () => {
    const one = decode(B.frame(ipPacket(), { vlans: [10] }));
    assert.equal(one.link, true);
    assert.equal(one.pkt.vlan, 10);
    assert.equal(one.pkt.innerVlan, -1);
    assert.equal(one.pkt.l3Offset, 18);
    for (const outer of [C.ETHERTYPE_QINQ, C.ETHERTYPE_QINQ_OLD, C.ETHERTYPE_VLAN]) {
      const two = decode(B.frame(ipPacket(), { vlans: [100, 200], vlanType: outer }));
      assert.equal(two.link, true);
      assert.equal(two.pkt.vlan, 100);
      assert.equal(two.pkt.innerVlan, 200);
      assert.equal(two.pkt.l3Offset, 22);
    }
  });

  it("overwrites the inner tag on a third one, with a weird, and continues", () => {
    const r = decode(B.frame(ipPacket(), { vlans: [1, 2, 3] }));
    assert.equal(r.link, true);
    assert.deepEqual(r.weirds, ["triple_tagged_vlan_unsupported"]);
    assert.equal(r.layers.log[0]!.addl, "inner VLAN tag overwritten");
    assert.equal(r.pkt.vlan, 1);
    assert.equal(r.pkt.innerVlan, 3);
  });

  it("a tag with id 0 still occupies the outer slot", () => {
    const r = decode(B.frame(ipPacket(), { vlans: [0, 20] }));
    assert.deepEqual([r.pkt.vlan, r.pkt.innerVlan, r.weirds], [0, 20, []]);
  });

  it("drops a truncated tag", () => {
    const r = decode(B.ethernet(B.DEFAULT_DST_MAC, B.DEFAULT_SRC_MAC, B.ETH_VLAN, [0, 10, 8, 0]));
    assert.deepEqual(r.weirds, ["truncated_VLAN_header"]);
    assert.equal(r.link, false);
  });

  it("reports undefined_vlan_protocol", () => {
    const r = decode(B.ethernet(B.DEFAULT_DST_MAC, B.DEFAULT_SRC_MAC, B.ETH_VLAN, B.vlanTag(5, 1520, new Uint8Array(30))));
    assert.deepEqual(r.weirds, ["undefined_vlan_protocol"]);
  });
});

describe("MPLS", () => {
  it("pops the label stack down to IP", () => {
    const r = decode(B.ethernet(B.DEFAULT_DST_MAC, B.DEFAULT_SRC_MAC, B.ETH_MPLS, B.mplsLabels([16, 17, 18], ipPacket())));
    assert.equal(r.link, true);
    assert.equal(r.pkt.l3Offset, 14 + 12);
  });

  it("inside a VLAN tag", () => {
    const body = B.vlanTag(7, B.ETH_MPLS, B.mplsLabels([100], ip6Packet()));
    const r = decode(B.ethernet(B.DEFAULT_DST_MAC, B.DEFAULT_SRC_MAC, B.ETH_VLAN, body));
    assert.equal(r.link, true);
    assert.equal(r.pkt.vlan, 7);
    assert.equal(r.pkt.l3Offset, 14 + 4 + 4);
  });

  it("drops a stack without bottom before the bytes run out", () => {
    const noBottom = Uint8Array.from([0, 1, 0, 64, 0, 2, 0, 64, 1, 2]);
    const r = decode(B.ethernet(B.DEFAULT_DST_MAC, B.DEFAULT_SRC_MAC, B.ETH_MPLS, noBottom));
    assert.deepEqual(r.weirds, ["truncated_link_header"]);
    assert.equal(r.link, false);
  });
});

describe("PPPoE", () => {
  it("forwards PPP IPv4 and IPv6 sessions", () => {
    const r = decode(B.ethernet(B.DEFAULT_DST_MAC, B.DEFAULT_SRC_MAC, B.ETH_PPPOE, B.pppoeSession(C.PPP_IPV4, ipPacket())));
    assert.equal(r.link, true);
    assert.equal(r.pkt.l3Offset, 22);
    const r6 = decode(B.ethernet(B.DEFAULT_DST_MAC, B.DEFAULT_SRC_MAC, B.ETH_PPPOE, B.pppoeSession(C.PPP_IPV6, ip6Packet())));
    assert.equal(r6.link, true);
  });

  it("cuts extra bytes after the declared payload, with a weird", () => {
    const ip = ipPacket();
    const body = B.pppoeSession(C.PPP_IPV4, B.concat(ip, new Uint8Array(6)), { lengthOverride: ip.length + 2 });
    const r = decode(B.ethernet(B.DEFAULT_DST_MAC, B.DEFAULT_SRC_MAC, B.ETH_PPPOE, body));
    assert.deepEqual(r.weirds, ["pppoe_extra_data_after_payload"]);
    assert.equal(r.link, true);
    assert.equal(r.pkt.end - r.pkt.l3Offset, ip.length);
  });

  it("reports a payload shorter than declared and a truncated header", () => {
    const ip = ipPacket();
    const body = B.pppoeSession(C.PPP_IPV4, ip, { lengthOverride: ip.length + 20 });
    const r = decode(B.ethernet(B.DEFAULT_DST_MAC, B.DEFAULT_SRC_MAC, B.ETH_PPPOE, body));
    assert.deepEqual(r.weirds, ["pppoe_truncated_payload"]);
    const t = decode(B.ethernet(B.DEFAULT_DST_MAC, B.DEFAULT_SRC_MAC, B.ETH_PPPOE, [0x11, 0, 0, 1, 0, 2, 0, 0x21]));
    assert.deepEqual(t.weirds, ["truncated_pppoe_header"]);
    assert.equal(t.link, false);
  });

  it("skips PPP control protocols (LCP) silently", () => {
    const r = decode(B.ethernet(B.DEFAULT_DST_MAC, B.DEFAULT_SRC_MAC, B.ETH_PPPOE, B.pppoeSession(0xc021, new Uint8Array(10))));
    assert.equal(r.link, false);
    assert.deepEqual(r.weirds, []);
  });
});

describe("PPP (DLT 50 and 9)", () => {
  it("serial framing with address/control bytes", () => {
    const r = decode(B.pppSerial(C.PPP_IPV4, ipPacket()), C.LINKTYPE_PPP_HDLC);
    assert.equal(r.link, true);
    assert.equal(r.pkt.l3Offset, 4);
    assert.deepEqual(decode(Uint8Array.from([0xff, 3, 0, 0x21]), C.LINKTYPE_PPP_HDLC).weirds, ["truncated_ppp_serial_header"]);
    assert.deepEqual(decode(Uint8Array.from([0xff, 3, 0, 0x21]), C.LINKTYPE_PPP).weirds, ["truncated_ppp_hdlc_header"]);
    assert.deepEqual(decode(Uint8Array.from([0, 0x21]), C.LINKTYPE_PPP).weirds, ["truncated_ppp_header"]);
  });

  it("DLT_PPP with or without HDLC bytes; MPLS inside", () => {
    assert.equal(decode(B.concat([0x00, 0x57], ip6Packet()), C.LINKTYPE_PPP).pkt.l3Offset, 2);
    assert.equal(decode(B.pppSerial(C.PPP_IPV6, ip6Packet()), C.LINKTYPE_PPP).pkt.l3Offset, 4);
    const m = decode(B.pppSerial(C.PPP_MPLS, B.mplsLabels([5], ipPacket())), C.LINKTYPE_PPP_HDLC);
    assert.equal(m.link, true);
    assert.equal(m.pkt.l3Offset, 8);
  });
});

describe("Linux cooked captures", () => {
  it("SLL (113) and SLL2 (276)", () => {
    const r = decode(B.sll(B.ETH_IPV4, ipPacket()), C.LINKTYPE_LINUX_SLL);
    assert.equal(r.link, true);
    assert.equal(r.pkt.l3Offset, 16);
    assert.equal(r.pkt.l2SrcOffset, 6);
    const r2 = decode(B.sll2(B.ETH_IPV6, ip6Packet()), C.LINKTYPE_LINUX_SLL2);
    assert.equal(r2.link, true);
    assert.equal(r2.pkt.l3Offset, 20);
  });

  it("truncated headers", () => {
    assert.deepEqual(decode(new Uint8Array(16), C.LINKTYPE_LINUX_SLL).weirds, ["truncated_Linux_SLL_header"]);
    assert.deepEqual(decode(new Uint8Array(20), C.LINKTYPE_LINUX_SLL2).weirds, ["truncated_Linux_SLL2_header"]);
  });

  it("ARP in SLL is skipped", () => {
    const r = decode(B.sll(B.ETH_ARP, new Uint8Array(28)), C.LINKTYPE_LINUX_SLL);
    assert.equal(r.link, false);
    assert.deepEqual(r.weirds, []);
  });
});

describe("BSD loopback and raw IP link types", () => {
  it("NULL reads the family little-endian; IPv6 under all BSD values", () => {
    assert.equal(decode(B.nullLink(2, ipPacket()), C.LINKTYPE_NULL).pkt.l3Offset, 4);
    for (const fam of [24, 28, 30]) assert.equal(decode(B.nullLink(fam, ip6Packet()), C.LINKTYPE_NULL).link, true);
    assert.equal(decode(B.nullLink(7, ipPacket()), C.LINKTYPE_NULL).link, false);
    assert.deepEqual(decode(new Uint8Array(4), C.LINKTYPE_NULL).weirds, ["null_analyzer_failed"]);
  });

  it("LOOP reads it big-endian", () => {
    assert.equal(decode(B.loopLink(2, ipPacket()), C.LINKTYPE_LOOP).link, true);
    assert.equal(decode(B.nullLink(2, ipPacket()), C.LINKTYPE_LOOP).link, false);
  });

  it("raw IP link types start at byte 0; unknown link types are treated as raw IP (Zeek's root default)", () => {
    for (const lt of [12, 14, 101, 228, 229, 230, 9999]) {
      const r = decode(ipPacket(), lt);
      assert.equal(r.link, true, `linktype ${lt}`);
      assert.equal(r.pkt.l3Offset, 0);
    }
    const l = new Layers();
    const r = l.feed(Uint8Array.from([0x21, 0x88, ...new Uint8Array(30)]), { linktype: 230 });
    assert.deepEqual(r.weirds, ["unknown_ip_version"], "IEEE 802.15.4 frames reach the IP layer, as in Zeek");
  });
});

describe("NFLOG", () => {
  const tlv = (type: number, value: Uint8Array): Uint8Array => {
    const len = value.length + 4;
    const padded = (len + 3) & ~3;
    const out = new Uint8Array(padded);
    out[0] = len & 0xff;
    out[1] = len >> 8;
    out[2] = type;
    out.set(value, 4);
    return out;
  };

  it("finds the payload TLV after other TLVs", () => {
    const ip = ipPacket();
    const bytes = B.concat([2, 0, 0, 0], tlv(1, Uint8Array.from([1, 2, 3])), tlv(9, ip));
    const r = decode(bytes, C.LINKTYPE_NFLOG);
    assert.equal(r.link, true);
    assert.equal(r.pkt.l3Offset, 4 + 8 + 4);
    assert.equal(r.pkt.end - r.pkt.l3Offset, ip.length);
  });

  it("reports a TLV longer than the capture with Zeek's detail", () => {
    const r = decode(Uint8Array.from([2, 0, 0, 0, 0x00, 0x01, 1, 0, 0, 0, 0, 0]), C.LINKTYPE_NFLOG);
    assert.deepEqual(r.weirds, ["nflog_bad_tlv_len"]);
    assert.equal(r.layers.log[0]!.addl, "(256 > 8)");
    assert.equal(r.layers.log[0]!.source, "NFLOG");
  });
});

describe("802.11 and radiotap", () => {
  const wlanData = (payload: Uint8Array, fc0 = 0x08, fc1 = 0x01): Uint8Array => {
    const h = new Uint8Array(fc0 & 0x80 ? 26 : 24);
    h[0] = fc0;
    h[1] = fc1;
    h.set(B.mac("00:00:00:00:00:aa"), 4);
    h.set(B.mac("00:00:00:00:00:bb"), 10);
    h.set(B.mac("00:00:00:00:00:cc"), 16);
    return B.concat(h, [0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00], payload);
  };

  it("data frames with SNAP reach IP; ToDS picks addr3 as destination", () => {
    const r = decode(wlanData(ipPacket()), C.LINKTYPE_IEEE802_11);
    assert.equal(r.link, true);
    assert.equal(r.pkt.l3Offset, 32);
    assert.equal(r.pkt.data[r.pkt.l2DstOffset + 5], 0xcc);
    assert.equal(r.pkt.data[r.pkt.l2SrcOffset + 5], 0xbb);
    const qos = decode(wlanData(ipPacket(), 0x88), C.LINKTYPE_IEEE802_11);
    assert.equal(qos.pkt.l3Offset, 34);
  });

  it("management, protected QoS and null-data frames are skipped without a weird", () => {
    for (const [fc0, fc1] of [
      [0x80, 0x00],
      [0x88, 0x41],
      [0x48, 0x01],
    ] as const) {
      const r = decode(wlanData(ipPacket(), fc0, fc1), C.LINKTYPE_IEEE802_11);
      assert.deepEqual([r.link, r.weirds], [false, []], `fc ${fc0.toString(16)} ${fc1.toString(16)}`);
    }
  });

  it("a non-SNAP payload is skipped; a short one is truncated_802_11_llc_header", () => {
    const h = wlanData(new Uint8Array(0));
    h[24] = 0x42;
    assert.deepEqual(decode(B.concat(h, new Uint8Array(20)), C.LINKTYPE_IEEE802_11).weirds, []);
    assert.deepEqual(decode(wlanData(new Uint8Array(0)).subarray(0, 30), C.LINKTYPE_IEEE802_11).weirds, ["truncated_802_11_llc_header"]);
    assert.deepEqual(decode(new Uint8Array(24), C.LINKTYPE_IEEE802_11).weirds, ["truncated_802_11_header"]);
  });

  const amsduHeader = (): Uint8Array => {
    const qos = wlanData(new Uint8Array(0), 0x88).subarray(0, 26);
    qos[24] = 0x80;
    return qos;
  };
  const subframe = (inner: Uint8Array, pad = 0): Uint8Array =>
    B.concat(new Uint8Array(12), [inner.length >> 8, inner.length & 0xff], inner, new Uint8Array(pad));
  const snap = (ip: Uint8Array): Uint8Array => B.concat([0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00], ip);

  /** Decodes an A-MSDU frame and walks its further subframes: the IP offsets and ends, in order. */
  const walk = (frame: Uint8Array) => {
    const l = new Layers();
    const r = l.feed(frame, { linktype: C.LINKTYPE_IEEE802_11, linkOnly: true });
    const seen = r.link ? [[l.pkt.l3Offset, l.pkt.end]] : [];
    l.link.eachSubframe(l.pkt, l.link.subframeAt, l.link.subframeEnd, (p) => seen.push([p.l3Offset, p.end]));
    l.bus.drain();
    return { seen, weirds: l.log.map((w) => w.name) };
  };

  it("an A-MSDU: its first subframe goes on from decode, the others one by one through eachSubframe", () => {
    const inner = snap(ipPacket()); // 8 + 40 bytes: 48, 0 mod 4
    const r = decode(B.concat(amsduHeader(), subframe(inner), subframe(inner)), C.LINKTYPE_IEEE802_11);
    assert.equal(r.link, true);
    assert.equal(r.pkt.l3Offset, 26 + 14 + 8);
    assert.equal(r.pkt.end, 26 + 14 + inner.length);
    const second = 26 + 14 + inner.length;
    assert.deepEqual(walk(B.concat(amsduHeader(), subframe(inner), subframe(inner))).seen, [
      [26 + 14 + 8, 26 + 14 + inner.length],
      [second + 14 + 8, second + 14 + inner.length],
    ]);
  });

  it("A-MSDU padding as Zeek skips it (length % 4 bytes, not 802.11's multiple of 4); a bad subframe ends the walk with a weird", () => {
    const odd = snap(B.concat(ipPacket(), [0])); // 49 bytes: 1 mod 4, one padding byte
    const at2 = 26 + 14 + odd.length + 1;
    assert.deepEqual(
      walk(B.concat(amsduHeader(), subframe(odd, 1), subframe(odd))).seen.map((x) => x[0]),
      [26 + 14 + 8, at2 + 14 + 8],
    );
    const two = snap(B.concat(ipPacket(), [0, 0])); // 50 bytes: 2 mod 4; 802.11 pads 0 here, Zeek skips 2
    assert.deepEqual(walk(B.concat(amsduHeader(), subframe(two, 2), subframe(two))).seen.length, 2);
    const notSnap = B.concat(new Uint8Array(12), [0, 8], new Uint8Array(8));
    const r = walk(B.concat(amsduHeader(), subframe(odd, 1), notSnap, subframe(odd)));
    assert.equal(r.seen.length, 1);
    assert.deepEqual(r.weirds, ["invalid_802_11_amsdu_inner_packet"]);
    assert.deepEqual(walk(B.concat(amsduHeader(), subframe(odd, 1), new Uint8Array(5))).weirds, ["truncated_802_11_amsdu_header"]);
  });

  it("radiotap header length is honoured", () => {
    const rt = Uint8Array.from([0, 0, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    const r = decode(B.concat(rt, wlanData(ipPacket())), C.LINKTYPE_IEEE802_11_RADIOTAP);
    assert.equal(r.link, true);
    assert.equal(r.pkt.l3Offset, 12 + 32);
    const bad = decode(Uint8Array.from([0, 0, 9, 0, 0, 0, 0, 0, 1]), C.LINKTYPE_IEEE802_11_RADIOTAP);
    assert.deepEqual(bad.weirds, ["truncated_radiotap_header"]);
  });
});

describe("FDDI, PBB, VN-Tag", () => {
  it("FDDI: MAC + LLC/SNAP header skipped, then IP; no link addresses taken (Zeek's FDDI analyzer records none)", () => {
    const h = B.concat([0x50], B.mac("00:00:00:00:00:02"), B.mac("00:00:00:00:00:01"), [0xaa, 0xaa, 3, 0, 0, 0, 8, 0]);
    const r = decode(B.concat(h, ipPacket()), C.LINKTYPE_FDDI);
    assert.equal(r.link, true);
    assert.equal(r.pkt.l3Offset, 21);
    assert.deepEqual([r.pkt.l2SrcOffset, r.pkt.l2DstOffset], [-1, -1]);
    assert.deepEqual(decode(h, C.LINKTYPE_FDDI).weirds, ["FDDI_analyzer_failed"]);
  });

  it("PBB wraps a whole customer frame", () => {
    const inner = B.frame(ipPacket(), { srcMac: "00:00:00:00:00:99" });
    const r = decode(B.ethernet(B.DEFAULT_DST_MAC, B.DEFAULT_SRC_MAC, C.ETHERTYPE_PBB, B.concat([0, 0, 0, 1], inner)));
    assert.equal(r.link, true);
    assert.equal(r.pkt.l3Offset, 14 + 4 + 14);
    assert.equal(r.pkt.data[r.pkt.l2SrcOffset + 5], 0x99, "the inner frame's MACs are the packet's");
  });

  it("deep PBB nesting exceeds PacketAnalyzer::max_depth once", () => {
    let frame = B.frame(ipPacket());
    for (let i = 0; i < 50; i++) frame = B.ethernet(B.DEFAULT_DST_MAC, B.DEFAULT_SRC_MAC, C.ETHERTYPE_PBB, B.concat([0, 0, 0, 1], frame));
    const r = decode(frame);
    assert.equal(r.link, false);
    assert.deepEqual(r.weirds, ["max_packet_analyzer_depth_exceeded"]);
    assert.equal(r.layers.log[0]!.source, "ETHERNET");
    let shallow = B.frame(ipPacket());
    for (let i = 0; i < 5; i++) shallow = B.ethernet(B.DEFAULT_DST_MAC, B.DEFAULT_SRC_MAC, C.ETHERTYPE_PBB, B.concat([0, 0, 0, 1], shallow));
    assert.equal(decode(shallow).link, true);
  });

  it("VN-Tag then the inner EtherType (with a VLAN sandwich)", () => {
    const vn = (type: number, p: Uint8Array) => B.concat([0, 0, 0, 0, type >> 8, type & 0xff], p);
    const r = decode(B.ethernet(B.DEFAULT_DST_MAC, B.DEFAULT_SRC_MAC, C.ETHERTYPE_VNTAG, vn(B.ETH_IPV4, ipPacket())));
    assert.equal(r.link, true);
    assert.equal(r.pkt.l3Offset, 20);
    const s = decode(B.ethernet(B.DEFAULT_DST_MAC, B.DEFAULT_SRC_MAC, B.ETH_VLAN, B.vlanTag(3, C.ETHERTYPE_VNTAG, vn(B.ETH_IPV4, ipPacket()))));
    assert.equal(s.link, true);
    assert.equal(s.pkt.vlan, 3);
  });
});

describe("LinkLayer stats", () => {
  it("counts packets per link type and frames handed to IP", () => {
    const l = new Layers();
    l.feed(B.frame(ipPacket()), { linkOnly: true });
    l.feed(B.frame(ipPacket()), { linkOnly: true });
    l.feed(ipPacket(), { linktype: 101, linkOnly: true });
    assert.equal(l.link.stats.byLinktype.get(1), 2);
    assert.equal(l.link.stats.byLinktype.get(101), 1);
    assert.equal(l.link.stats.toIp, 3);
  });

  it("resets VLAN fields between packets", () => {
    const l = new Layers();
    l.feed(B.frame(ipPacket(), { vlans: [4, 5] }), { linkOnly: true });
    l.feed(B.frame(ipPacket()), { linkOnly: true });
    assert.equal(l.pkt.vlan, -1);
    assert.equal(l.pkt.innerVlan, -1);
  });
});

describe("SNAP details and 802.3 inside VLANs", () => {
  it("a SNAP header with a non-zero OUI ends quietly; a 4-byte LLC control is skipped over", () => {
    const vendor = B.concat([0xaa, 0xaa, 0x03, 0x00, 0x00, 0x0c, 0x20, 0x00], new Uint8Array(30));
    const r = decode(B.ethernet(B.DEFAULT_DST_MAC, B.DEFAULT_SRC_MAC, vendor.length, vendor));
    assert.deepEqual([r.link, r.weirds], [false, []]);
    const ip = ipPacket();
    const iControl = B.concat([0xaa, 0xaa, 0x00, 0x00, 0, 0, 0, 0x08, 0x00], ip);
    const r2 = decode(B.ethernet(B.DEFAULT_DST_MAC, B.DEFAULT_SRC_MAC, iControl.length, iControl));
    assert.equal(r2.link, true);
    assert.equal(r2.pkt.l3Offset, 14 + 9);
  });

  it("a 2-byte LLC payload is truncated_llc_header", () => {
    const r = decode(B.ethernet(B.DEFAULT_DST_MAC, B.DEFAULT_SRC_MAC, B.ETH_VLAN, B.vlanTag(9, 2, [0x42, 0x42, 0x03, 0, 0])));
    assert.deepEqual(r.weirds, ["truncated_llc_header"]);
  });

  it("802.3 inside a VLAN: clipped to the length, not refused", () => {
    const ip = ipPacket();
    const body = B.concat([0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00], ip);
    const r = decode(B.ethernet(B.DEFAULT_DST_MAC, B.DEFAULT_SRC_MAC, B.ETH_VLAN, B.vlanTag(9, body.length, B.concat(body, new Uint8Array(10)))));
    assert.equal(r.link, true);
    assert.equal(r.pkt.end, 14 + 4 + body.length);
  });
});
