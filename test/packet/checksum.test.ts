import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { foldSum, internetChecksum, ipv4HeaderChecksumOk, onesSum, transportChecksumOk } from "../../src/packet/checksum.js";
import * as B from "../helpers/packets.js";
import { Layers } from "./layers.js";

const V4 = { src: "192.168.1.10", dst: "8.8.4.4" };
const V6 = { src: "2001:db8::10", dst: "fe80::1234:5678" };

/** Runs raw IP bytes through the layers (linktype raw) and asks for the transport checksum. */
function check(ipBytes: Uint8Array): boolean {
  const l = new Layers({ ignore_checksums: true });
  const r = l.feed(ipBytes, { linktype: 101 });
  assert.equal(r.ip, true, "packet reaches the transport layer");
  return transportChecksumOk(l.pkt);
}

describe("internet checksum", () => {
  it("matches the builder's independent oracle, odd lengths included", () => {
    for (const n of [0, 1, 2, 3, 20, 61, 1500]) {
      const data = Uint8Array.from({ length: n }, (_, i) => (i * 37 + 11) & 0xff);
      assert.equal(internetChecksum(data, 0, n), B.onesComplementSum(data), `length ${n}`);
    }
  });

  it("sums a sub-range only", () => {
    const d = Uint8Array.from([0xff, 0xff, 0x12, 0x34, 0x56, 0x78, 0xee]);
    assert.equal(foldSum(onesSum(d, 2, 6)), 0x12 * 256 + 0x34 + 0x56 * 256 + 0x78);
  });

  it("sums every alignment and length the same as a plain 16-bit word loop (the 32-bit word path)", () => {
    const backing = new Uint8Array(4096 + 8);
    for (let i = 0; i < backing.length; i++) backing[i] = (Math.imul(i, 2654435761) >>> 24) ^ (i & 0xff);
    const reference = (d: Uint8Array, start: number, end: number): number => {
      let sum = 0;
      for (let i = start; i < end; i += 2) sum += (d[i]! << 8) | (i + 1 < end ? d[i + 1]! : 0);
      return sum;
    };
    for (let shift = 0; shift < 4; shift++) {
      const d = backing.subarray(shift, shift + 4096);
      for (const start of [0, 1, 2, 3, 5, 34, 54, 1001]) {
        for (const len of [0, 1, 63, 64, 65, 66, 67, 127, 128, 129, 130, 131, 132, 500, 1460, 1480, 1481, 2000]) {
          const want = reference(d, start, start + len);
          // Unfolded sums may differ by multiples of 0xffff (the word path folds its part): folded, they agree.
          assert.equal(foldSum(onesSum(d, start, start + len, 7)), foldSum(want + 7), `shift ${shift} start ${start} length ${len}`);
        }
      }
    }
    const allOnes = new Uint8Array(65536 + 3).fill(0xff);
    assert.equal(foldSum(onesSum(allOnes, 1, 65536 + 1)), 0xffff, "a maximal datagram of 0xff bytes");
    assert.equal(foldSum(onesSum(new Uint8Array(2000), 3, 1900)), 0, "zeros sum to 0, not 0xffff");
  });

  it("folds sums of any size with end-around carry", () => {
    const slowFold = (sum: number): number => {
      while (sum > 0xffff) sum = (sum % 0x10000) + Math.floor(sum / 0x10000);
      return sum;
    };
    for (const sum of [
      0,
      1,
      0xffff,
      0x10000,
      0x1fffe,
      0xffffffff,
      2 ** 32,
      2 ** 32 + 0x1234,
      2 ** 40 + 5,
      123456789012345,
      0xffff * 2 ** 32,
      0xffffffff * 0xffff,
      2 ** 53 - 1,
    ]) {
      assert.equal(foldSum(sum), slowFold(sum), `sum ${sum}`);
    }
  });

  it("validates IPv4 headers with options and rejects a flipped bit", () => {
    const p = B.ipv4({ ...V4, options: [0x94, 4, 0, 0] }, []);
    assert.equal(ipv4HeaderChecksumOk(p, 0, 24), true);
    p[8]! ^= 1;
    assert.equal(ipv4HeaderChecksumOk(p, 0, 24), false);
  });
});

describe("transportChecksumOk", () => {
  it("TCP over IPv4 and IPv6", () => {
    assert.equal(check(B.tcp4(V4, { flags: "PA", payload: "hello!" })), true);
    assert.equal(check(B.tcp4(V4, { flags: "PA", payload: "hello", checksum: "bad" })), false);
    assert.equal(check(B.tcp6(V6, { flags: "S", options: [2, 4, 5, 0xb4] })), true);
    assert.equal(check(B.tcp6(V6, { flags: "S", checksum: "bad" })), false);
  });

  it("UDP: zero means none over IPv4 only", () => {
    assert.equal(check(B.udp4(V4, { payload: "abc" })), true);
    assert.equal(check(B.udp4(V4, { payload: "abc", checksum: "bad" })), false);
    assert.equal(check(B.udp4(V4, { payload: "abc", checksum: 0 })), true);
    assert.equal(check(B.udp6(V6, { payload: "abc" })), true);
    assert.equal(check(B.udp6(V6, { payload: "abc", checksum: 0 })), false);
  });

  it("ICMP has no pseudo-header; ICMPv6 does", () => {
    assert.equal(check(B.icmp4(V4, { payload: "ping" })), true);
    assert.equal(check(B.icmp4(V4, { payload: "ping", checksum: "bad" })), false);
    assert.equal(check(B.icmp6Packet(V6, { payload: "ping" })), true);
    assert.equal(check(B.icmp6Packet(V6, { payload: "ping", checksum: "bad" })), false);
  });

  it("covers the declared length, not Ethernet trailer padding", () => {
    const l = new Layers();
    const r = l.feed(B.frame(B.udp4(V4, { payload: "x" }), { trailer: 12 }));
    assert.equal(r.ip, true);
    assert.equal(transportChecksumOk(l.pkt), true);
  });

  it("uses the routing header's final destination in the IPv6 pseudo-header", () => {
    const final = "2001:db8::99";
    const seg = B.udp({ payload: "rt" }, { src: V6.src, dst: final });
    const p = B.ipv6({ ...V6, nextHeader: B.PROTO_UDP, extHeaders: [B.routingHeader(2, 1, [final])] }, seg);
    assert.equal(check(p), true);
  });
});
