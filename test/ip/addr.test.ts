import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatAddr } from "../../src/ip/addr.js";
import { ipv6Bytes } from "../helpers/packets.js";
import { rng } from "../helpers/rng.js";

function words(text: string): [number, number, number, number] {
  const b = ipv6Bytes(text);
  const w = (i: number) => ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0;
  return [w(0), w(4), w(8), w(12)];
}

describe("formatAddr", () => {
  it("prints IPv4-mapped addresses as dotted quads", () => {
    assert.equal(formatAddr(0, 0, 0xffff, 0xc0a80101), "192.168.1.1");
    assert.equal(formatAddr(0, 0, 0xffff, 0xffffffff), "255.255.255.255");
    assert.equal(formatAddr(0, 0, 0xffff, 0), "0.0.0.0");
  });

  it("gives each IPv4 address its own text however its recent ones collide in the cache", () => {
    const next = rng(20261208);
    const seen = Array.from({ length: 20000 }, () => Math.floor(next() * 2 ** 32));
    // 0.0.0.0, whose word is an empty slot's, and repeats in a shuffled order.
    seen.push(0, 0);
    for (let i = 0; i < 60000; i++) {
      const w = seen[i < seen.length ? i : Math.floor(next() * seen.length)]!;
      assert.equal(formatAddr(0, 0, 0xffff, w), [w >>> 24, (w >>> 16) & 255, (w >>> 8) & 255, w & 255].join("."));
    }
  });

  it("compresses the longest zero run (first on a tie), lower case, per RFC 5952", () => {
    const cases: [string, string][] = [
      ["2001:0DB8:0000:0000:0000:0000:0000:0001", "2001:db8::1"],
      ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"],
      ["2001:db8:0:1:0:0:0:1", "2001:db8:0:1::1"],
      ["2001:db8:1:1:1:1:0:1", "2001:db8:1:1:1:1:0:1"],
      ["0:0:0:0:0:0:0:0", "::"],
      ["0:0:0:0:0:0:0:1", "::1"],
      ["fe80:0:0:0:0:0:0:0", "fe80::"],
      ["2001:4f8:4:7:2e0:81ff:fe52:ffff", "2001:4f8:4:7:2e0:81ff:fe52:ffff"],
    ];
    for (const [input, expected] of cases) assert.equal(formatAddr(...words(input)), expected, input);
  });

  it("writes random IPv6 addresses, zero runs and all, as the URL parser serialises them (RFC 5952 too)", () => {
    const next = rng(5952);
    for (let n = 0; n < 20000; n++) {
      const g = Array.from({ length: 8 }, () => (next() < 0.45 ? 0 : Math.floor(next() * 0x10000)));
      const w = [0, 2, 4, 6].map((i) => ((g[i]! << 16) | g[i + 1]!) >>> 0) as [number, number, number, number];
      // Where inet_ntop writes dotted quads (IPv4-mapped and -compatible) the URL parser does not.
      if (g.slice(0, 5).every((x) => x === 0) && (g[5] === 0xffff || (g[5] === 0 && (g[6] !== 0 || g[7]! > 1)))) continue;
      const text = g.map((x) => x.toString(16)).join(":");
      assert.equal(formatAddr(...w), new URL(`http://[${text}]/`).hostname.slice(1, -1), text);
    }
  });

  it("prints IPv4-compatible addresses as inet_ntop does", () => {
    assert.equal(formatAddr(...words("::1.2.3.4")), "::1.2.3.4");
  });
});
