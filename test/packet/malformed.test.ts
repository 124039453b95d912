/**
 * Robustness: every prefix of a set of valid packets, and many randomly
 * corrupted copies, go through the link and IP layers without an exception,
 * and whatever is handed on stays inside the captured bytes.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as C from "../../src/packet/constants.js";
import * as B from "../helpers/packets.js";
import { Layers } from "./layers.js";

const V4 = { src: "10.0.0.1", dst: "10.0.0.2" };
const V6 = { src: "2001:db8::1", dst: "2001:db8::2" };

const samples: { name: string; bytes: Uint8Array; linktype: number }[] = [
  { name: "eth/ipv4/tcp", bytes: B.frame(B.tcp4(V4, { flags: "PA", payload: "data", options: [2, 4, 5, 0xb4] })), linktype: 1 },
  {
    name: "qinq/ipv6/ext/udp",
    bytes: B.frame(
      B.ipv6(
        { ...V6, nextHeader: 17, extHeaders: [B.hopByHop(), B.routingHeader(0, 1, ["2001:db8::9"]), B.destOptions(B.homeAddressOption("2001:db8::8"))] },
        B.udp({ payload: "u" }, V6),
      ),
      { vlans: [1, 2] },
    ),
    linktype: 1,
  },
  {
    name: "eth/ipv6/frag",
    bytes: B.frame(B.ipv6({ ...V6, nextHeader: 17, extHeaders: [B.fragmentHeader({ id: 1, offset: 8, mf: true })] }, new Uint8Array(16))),
    linktype: 1,
  },
  { name: "eth/ipv4/frag", bytes: B.frame(B.ipv4({ ...V4, proto: 17, id: 3, mf: true }, new Uint8Array(64))), linktype: 1 },
  {
    name: "pppoe/mpls",
    bytes: B.ethernet(B.DEFAULT_DST_MAC, B.DEFAULT_SRC_MAC, B.ETH_PPPOE, B.pppoeSession(C.PPP_MPLS, B.mplsLabels([1, 2], B.icmp4(V4)))),
    linktype: 1,
  },
  { name: "sll2/ipv4", bytes: B.sll2(B.ETH_IPV4, B.udp4(V4)), linktype: C.LINKTYPE_LINUX_SLL2 },
  { name: "nflog", bytes: B.concat([2, 0, 0, 0, 8, 0, 1, 0, 0, 0, 0, 0, 24, 0, 9, 0], B.udp4(V4)), linktype: C.LINKTYPE_NFLOG },
  {
    name: "radiotap/80211",
    bytes: B.concat([0, 0, 8, 0, 0, 0, 0, 0, 0x88, 0x01], new Uint8Array(22), [0, 0, 0xaa, 0xaa, 3, 0, 0, 0, 0x86, 0xdd], B.tcp6(V6)),
    linktype: C.LINKTYPE_IEEE802_11_RADIOTAP,
  },
  { name: "null/ipv6", bytes: B.nullLink(30, B.icmp6Packet(V6)), linktype: C.LINKTYPE_NULL },
];

function checkInvariants(l: Layers, handedOn: boolean): void {
  if (!handedOn) return;
  const p = l.pkt;
  assert.ok(p.l4CapLen >= 0 && p.l4CapLen <= p.l4Len, `l4CapLen ${p.l4CapLen} vs l4Len ${p.l4Len}`);
  assert.ok(p.l4Offset + p.l4CapLen <= p.end, "transport bytes inside the capture");
  assert.ok(p.end <= p.data.length);
  assert.ok(p.ipVersion === 4 || p.ipVersion === 6);
}

/** Deterministic PRNG (mulberry32) so failures reproduce. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("malformed input never throws", () => {
  it("the samples themselves are valid", () => {
    for (const s of samples) {
      const l = new Layers({ ignore_checksums: true });
      const r = l.feed(s.bytes, { linktype: s.linktype });
      assert.equal(r.link, true, s.name);
      const fragment = s.name.includes("frag");
      assert.equal(r.ip, !fragment, s.name);
    }
  });

  for (const s of samples) {
    it(`${s.name}: every truncation, with wire length kept and cut`, () => {
      const l = new Layers({ ignore_checksums: true });
      for (let n = 0; n <= s.bytes.length; n++) {
        const cut = s.bytes.slice(0, n);
        checkInvariants(l, l.feed(cut, { linktype: s.linktype, wirelen: s.bytes.length }).ip);
        checkInvariants(l, l.feed(cut, { linktype: s.linktype }).ip);
      }
    });
  }

  it("randomly corrupted packets (fixed seed)", () => {
    const rand = prng(0xb0b);
    for (const checksums of [true, false]) {
      const l = new Layers({ ignore_checksums: checksums, max_fragment_bytes: 4096 });
      for (let i = 0; i < 3000; i++) {
        const s = samples[i % samples.length]!;
        const bytes = s.bytes.slice();
        const flips = 1 + Math.floor(rand() * 4);
        for (let f = 0; f < flips; f++) bytes[Math.floor(rand() * bytes.length)] = Math.floor(rand() * 256);
        const n = rand() < 0.3 ? Math.floor(rand() * bytes.length) : bytes.length;
        checkInvariants(l, l.feed(bytes.subarray(0, n), { linktype: s.linktype, wirelen: bytes.length, ts: i }).ip);
      }
    }
  });
});
