import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { dstAddrText, srcAddrText } from "../../src/ip/addr.js";
import * as B from "../helpers/packets.js";
import { Layers } from "../packet/layers.js";

const V4 = { src: "10.1.2.3", dst: "192.168.0.1" };
const V6 = { src: "2001:db8::1", dst: "2001:db8::2" };
const RAW = { linktype: 101 };

function run(bytes: Uint8Array, settings = {}, opts: { wirelen?: number; linktype?: number } = RAW) {
  const l = new Layers(settings);
  const r = l.feed(bytes, { linktype: 101, ...opts });
  return { ...r, pkt: l.pkt, layers: l };
}

describe("IPv4 acceptance", () => {
  it("fills version, lengths, protocol, TTL, DF, id and mapped addresses", () => {
    const r = run(B.tcp4({ ...V4, ttl: 33, id: 4242, df: true }, { payload: "abc" }));
    assert.equal(r.ip, true);
    const p = r.pkt;
    assert.equal(p.ipVersion, 4);
    assert.equal(p.ipHeaderLen, 20);
    assert.equal(p.ipTotalLen, 43);
    assert.equal(p.ipProto, 6);
    assert.equal(p.ttl, 33);
    assert.equal(p.df, true);
    assert.equal(p.ipId, 4242);
    assert.equal(p.isV4(), true);
    assert.equal(srcAddrText(p), "10.1.2.3");
    assert.equal(dstAddrText(p), "192.168.0.1");
    assert.equal(p.l4Offset, 20);
    assert.equal(p.l4Len, 23);
    assert.equal(p.l4CapLen, 23);
  });

  it("skips IPv4 options via the header length", () => {
    const r = run(B.udp4({ ...V4, options: [0x94, 4, 0, 0, 1, 1, 1, 0] }, { payload: "z" }));
    assert.equal(r.ip, true);
    assert.equal(r.pkt.ipHeaderLen, 28);
    assert.equal(r.pkt.l4Offset, 28);
    assert.equal(r.pkt.l4Len, 9);
  });

  it("excludes Ethernet trailer padding from the transport bytes", () => {
    const l = new Layers();
    const r = l.feed(B.frame(B.udp4(V4, { payload: "a" }), { trailer: 17 }));
    assert.equal(r.ip, true);
    assert.equal(l.pkt.l4Offset, 14 + 20);
    assert.equal(l.pkt.l4Len, 9);
    assert.equal(l.pkt.l4CapLen, 9);
  });

  it("a snaplen-cut packet passes with fewer captured than declared bytes", () => {
    const full = B.tcp4(V4, { payload: "0123456789" });
    const r = run(full.subarray(0, 45), {}, { wirelen: full.length, linktype: 101 });
    assert.equal(r.ip, true);
    assert.equal(r.pkt.l4Len, 30);
    assert.equal(r.pkt.l4CapLen, 25);
  });
});

describe("IP checks in Zeek's order (§1.3)", () => {
  it("fewer than 20 bytes: truncated_IP", () => {
    const r = run(B.tcp4(V4).subarray(0, 19));
    assert.deepEqual([r.ip, r.weirds], [false, ["truncated_IP"]]);
    assert.equal(r.layers.log[0]!.source, "IP");
    assert.equal(r.layers.log[0]!.src, undefined, "raised before the header is accepted: no addresses");
  });

  it("unknown version", () => {
    const r = run(B.ipv4({ ...V4, versionOverride: 5 }, new Uint8Array(8)));
    assert.deepEqual([r.ip, r.weirds], [false, ["unknown_ip_version"]]);
  });

  it("IPv6 shorter than 40 bytes: truncated_IP", () => {
    const r = run(B.udp6(V6).subarray(0, 39));
    assert.deepEqual([r.ip, r.weirds], [false, ["truncated_IP"]]);
  });

  it("total length zero: dropped normally, capture length used with ignore_checksums (-C)", () => {
    const p = B.tcp4({ ...V4, totalLenOverride: 0 }, { payload: "hi" });
    const strict = run(p);
    assert.deepEqual([strict.ip, strict.weirds], [false, ["ip_hdr_len_zero"]]);
    const lenient = run(p, { ignore_checksums: true });
    assert.deepEqual([lenient.ip, lenient.weirds], [true, ["ip_hdr_len_zero"]]);
    assert.equal(lenient.pkt.l4Len, 22);
    assert.equal(lenient.pkt.ipTotalLen, 0, "ip_bytes counts the header's own field, as Zeek's conn.log shows");
  });

  it("total length beyond the wire length: truncated_IP_len (wire, not capture)", () => {
    const r = run(B.tcp4({ ...V4, totalLenOverride: 100 }, {}), { ignore_checksums: true });
    assert.deepEqual([r.ip, r.weirds], [false, ["truncated_IP_len"]]);
    const cut = B.tcp4({ ...V4, totalLenOverride: 100 }, { payload: new Uint8Array(60) });
    const snap = run(cut.subarray(0, 60), { ignore_checksums: true }, { wirelen: 100, linktype: 101 });
    assert.equal(snap.ip, true);
  });

  it("header length above total length: invalid_IP_header_size", () => {
    const r = run(B.ipv4({ ...V4, ihlOverride: 15, totalLenOverride: 40 }, new Uint8Array(40)), { ignore_checksums: true });
    assert.deepEqual([r.ip, r.weirds], [false, ["invalid_IP_header_size"]]);
  });

  it("header longer than the capture: internally_truncated_header", () => {
    const p = B.ipv4({ ...V4, ihlOverride: 15, totalLenOverride: 80 }, new Uint8Array(60));
    const r = run(p.subarray(0, 40), { ignore_checksums: true }, { wirelen: 80, linktype: 101 });
    assert.deepEqual([r.ip, r.weirds], [false, ["internally_truncated_header"]]);
  });

  it("IHL below 5: IPv4_min_header_size", () => {
    const r = run(B.ipv4({ ...V4, ihlOverride: 4 }, new Uint8Array(20)), { ignore_checksums: true });
    assert.deepEqual([r.ip, r.weirds], [false, ["IPv4_min_header_size"]]);
  });

  it("bad header checksum: dropped with a flow weird unless ignore_checksums", () => {
    const p = B.tcp4({ ...V4, checksumOverride: 0x1234 });
    const r = run(p);
    assert.deepEqual([r.ip, r.weirds], [false, ["bad_IP_checksum"]]);
    assert.equal(r.layers.log[0]!.src, "10.1.2.3");
    assert.equal(r.layers.log[0]!.dst, "192.168.0.1");
    assert.equal(run(p, { ignore_checksums: true }).ip, true);
  });

  it("protocol 59 (no next header): ipv6_no_next", () => {
    const r = run(B.ipv6({ ...V6, nextHeader: 59 }, []));
    assert.deepEqual([r.ip, r.weirds], [false, ["ipv6_no_next"]]);
    assert.equal(r.layers.log[0]!.src, "2001:db8::1");
  });

  it("other protocols are handed on with their number (tunnels, GRE, unknown)", () => {
    for (const proto of [4, 41, 47, 132, 255]) {
      const r = run(B.ipv4({ ...V4, proto }, new Uint8Array(24)));
      assert.equal(r.ip, true);
      assert.equal(r.pkt.ipProto, proto);
    }
  });
});

describe("IPv6 header and extension chain", () => {
  it("fills hop limit, flow label, lengths and addresses", () => {
    const r = run(B.tcp6({ ...V6, hopLimit: 7, flowLabel: 0xabcde }, { payload: "q" }));
    assert.equal(r.ip, true);
    const p = r.pkt;
    assert.equal(p.ipVersion, 6);
    assert.equal(p.ttl, 7);
    assert.equal(p.flowLabel, 0xabcde);
    assert.equal(p.ipHeaderLen, 40);
    assert.equal(p.ipTotalLen, 61);
    assert.equal(p.l4Len, 21);
    assert.equal(p.isV4(), false);
    assert.equal(srcAddrText(p), "2001:db8::1");
  });

  it("walks hop-by-hop, destination options and AH to the transport", () => {
    const ah = { type: B.IPV6_AH, body: Uint8Array.from([4, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, ...new Uint8Array(12)]) };
    const seg = B.udp({ payload: "x" }, V6);
    const r = run(B.ipv6({ ...V6, nextHeader: 17, extHeaders: [B.hopByHop(), B.destOptions([1, 2, 0, 0]), ah] }, seg));
    assert.equal(r.ip, true);
    assert.deepEqual(r.weirds, []);
    assert.equal(r.pkt.ipProto, 17);
    assert.equal(r.pkt.ipHeaderLen, 40 + 8 + 8 + 24);
  });

  it("routing type 0: final destination and routing0_hdr, a flow weird without source", () => {
    const seg = B.tcp({}, { src: V6.src, dst: "2001:db8::99" });
    const r = run(B.ipv6({ ...V6, nextHeader: 6, extHeaders: [B.routingHeader(0, 1, ["2001:db8::99"])] }, seg));
    assert.equal(r.ip, true);
    assert.deepEqual(r.weirds, ["routing0_hdr"]);
    assert.equal(dstAddrText(r.pkt), "2001:db8::99");
    assert.equal(r.layers.log[0]!.src, "2001:db8::1");
    assert.equal(r.layers.log[0]!.dst, "2001:db8::99");
    assert.equal(r.layers.log[0]!.source, "");
  });

  it("routing type 0 with no segments left keeps the header destination", () => {
    const r = run(B.ipv6({ ...V6, nextHeader: 6, extHeaders: [B.routingHeader(0, 0, ["2001:db8::99"])] }, B.tcp({}, V6)));
    assert.equal(dstAddrText(r.pkt), "2001:db8::2");
    assert.deepEqual(r.weirds, ["routing0_hdr"]);
  });

  it("routing type 2 (Mobile IPv6), bad length, unknown type, second routing header", () => {
    const ok = run(B.ipv6({ ...V6, nextHeader: 6, extHeaders: [B.routingHeader(2, 1, ["2001:db8::7"])] }, B.tcp({}, V6)));
    assert.deepEqual(ok.weirds, []);
    assert.equal(dstAddrText(ok.pkt), "2001:db8::7");
    const bad = run(B.ipv6({ ...V6, nextHeader: 6, extHeaders: [B.routingHeader(2, 1, ["2001:db8::7", "2001:db8::8"])] }, B.tcp({}, V6)));
    assert.deepEqual(bad.weirds, ["bad_routing2_len"]);
    const unk = run(B.ipv6({ ...V6, nextHeader: 6, extHeaders: [B.routingHeader(4, 1, ["2001:db8::7"])] }, B.tcp({}, V6)));
    assert.deepEqual(unk.weirds, ["unknown_routing_type"]);
    assert.equal(unk.layers.log[0]!.addl, "4");
    const two = run(
      B.ipv6({ ...V6, nextHeader: 6, extHeaders: [B.routingHeader(2, 1, ["2001:db8::7"]), B.routingHeader(2, 1, ["2001:db8::8"])] }, B.tcp({}, V6)),
    );
    assert.deepEqual(two.weirds, ["multiple_routing_headers"]);
    assert.equal(dstAddrText(two.pkt), "2001:db8::7");
  });

  it("odd routing0 length", () => {
    const r = run(B.ipv6({ ...V6, nextHeader: 6, extHeaders: [B.routingHeader(0, 1, ["2001:db8::7"], 3)] }, B.concat(new Uint8Array(8), B.tcp({}, V6))));
    assert.deepEqual(r.weirds, ["odd_routing0_len", "routing0_hdr"]);
  });

  it("Home Address option replaces the source; bad and repeated ones are weirds", () => {
    const home = B.homeAddressOption("2001:db8::aaaa");
    const r = run(B.ipv6({ ...V6, nextHeader: 6, extHeaders: [B.destOptions(home)] }, B.tcp({}, V6)));
    assert.equal(r.ip, true);
    assert.deepEqual(r.weirds, []);
    assert.equal(srcAddrText(r.pkt), "2001:db8::aaaa");
    const twice = run(B.ipv6({ ...V6, nextHeader: 6, extHeaders: [B.destOptions(B.concat(home, B.homeAddressOption("2001:db8::bbbb")))] }, B.tcp({}, V6)));
    assert.deepEqual(twice.weirds, ["multiple_home_addr_opts"]);
    assert.equal(twice.layers.log[0]!.src, "2001:db8::aaaa", "reported with the home address already known");
    const badLen = run(B.ipv6({ ...V6, nextHeader: 6, extHeaders: [B.destOptions([201, 4, 1, 2, 3, 4])] }, B.tcp({}, V6)));
    assert.deepEqual(badLen.weirds, ["bad_home_addr_len"]);
  });

  it("an option running past its header: bad_ipv6_dest_opt_len", () => {
    const ext = { type: B.IPV6_DSTOPTS, body: Uint8Array.from([0, 7, 30, 0, 0, 0, 0]) };
    const r = run(B.ipv6({ ...V6, nextHeader: 6, extHeaders: [ext] }, B.tcp({}, V6)));
    assert.deepEqual(r.weirds, ["bad_ipv6_dest_opt_len"]);
    assert.equal(r.ip, true);
  });

  it("ESP ends the chain: nothing for the transport layer", () => {
    const r = run(B.ipv6({ ...V6, nextHeader: B.IPV6_ESP }, new Uint8Array(40)));
    assert.equal(r.ip, false);
    assert.deepEqual(r.weirds, []);
    assert.equal(r.layers.ip.stats.endedInExtension, 1);
  });

  it("a truncated extension header ends the chain; its type becomes the protocol", () => {
    const p = B.ipv6({ ...V6, nextHeader: 6, extHeaders: [B.hopByHop(new Uint8Array(20))] }, B.tcp({}, V6));
    const r = run(p.subarray(0, 50), {}, { wirelen: p.length, linktype: 101 });
    assert.equal(r.ip, true);
    assert.equal(r.pkt.ipHeaderLen, 40);
    assert.equal(r.pkt.ipProto, 0);
  });

  it("payload length beyond the wire: truncated_IP_len", () => {
    const r = run(B.ipv6({ ...V6, nextHeader: 6, payloadLenOverride: 500 }, B.tcp({}, V6)));
    assert.deepEqual([r.ip, r.weirds], [false, ["truncated_IP_len"]]);
  });
});

describe("IpLayer allocation-free path", () => {
  it("reuses the same packet object and buffer for ordinary packets", () => {
    const l = new Layers();
    const bytes = B.frame(B.tcp4(V4, { payload: "abc" }));
    l.feed(bytes);
    assert.equal(l.pkt.data, bytes, "no copy for a non-fragment");
    assert.equal(l.pkt.reassembled, false);
  });
});

describe("IPv6 Mobility header", () => {
  /** A Binding Refresh Request (type 0), 8 bytes, checksum over the pseudo-header with protocol 135. */
  function mobility(good: boolean, payloadProto = 59): Uint8Array {
    const body = Uint8Array.from([0, 0, 0, 0, 0, 0, 0]);
    const mh = B.concat([payloadProto], body);
    const pseudo = B.concat(B.ipv6Bytes(V6.src), B.ipv6Bytes(V6.dst), [0, 0, 0, 8, 0, 0, 0, 135]);
    const sum = B.onesComplementSum(pseudo, mh) ^ (good ? 0 : 0x1111);
    body[3] = sum >> 8;
    body[4] = sum & 0xff;
    return B.ipv6({ ...V6, nextHeader: payloadProto, extHeaders: [{ type: 135, body }] }, []);
  }

  it("ends the chain: nothing for the transport layer, no weird", () => {
    const r = run(mobility(true));
    assert.deepEqual([r.ip, r.weirds], [false, []]);
    assert.equal(r.layers.ip.stats.endedInExtension, 1);
  });

  it("a bad checksum is bad_MH_checksum unless checksums are ignored", () => {
    assert.deepEqual(run(mobility(false)).weirds, ["bad_MH_checksum"]);
    assert.deepEqual(run(mobility(false), { ignore_checksums: true }).weirds, []);
  });

  it("a payload after the mobility header is mobility_piggyback", () => {
    assert.deepEqual(run(mobility(true, 6)).weirds, ["mobility_piggyback"]);
  });
});
