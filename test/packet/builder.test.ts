import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as B from "../helpers/packets.js";

// The builder is the oracle of many tests: check its fields against RFC layouts.
describe("test packet builder", () => {
  it("IPv4 header fields and fragment bits", () => {
    const p = B.ipv4({ src: "1.2.3.4", dst: "5.6.7.8", id: 0x1234, mf: true, df: true, fragOffset: 16, ttl: 9, proto: 17 }, [1, 2, 3]);
    assert.equal(p[0], 0x45);
    assert.equal((p[2]! << 8) | p[3]!, 23);
    assert.equal((p[4]! << 8) | p[5]!, 0x1234);
    assert.equal((p[6]! << 8) | p[7]!, 0x4000 | 0x2000 | 2);
    assert.equal(p[8], 9);
    assert.equal(p[9], 17);
    assert.deepEqual([...p.subarray(12, 20)], [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.equal(B.onesComplementSum(p.subarray(0, 20)), 0, "a correct header sums to zero");
  });

  it("IPv6 extension headers are linked through next-header fields", () => {
    const p = B.ipv6({ nextHeader: 6, extHeaders: [B.hopByHop(), B.fragmentHeader({ id: 7, offset: 8, mf: true })] }, [9]);
    assert.equal(p[6], 0);
    assert.equal(p[40], 44);
    assert.equal(p[48], 6);
    assert.equal((p[50]! << 8) | p[51]!, (1 << 3) | 1);
    assert.equal((p[4]! << 8) | p[5]!, 8 + 8 + 1);
  });

  it("TCP flags and data offset; frames pick the EtherType from the version", () => {
    const s = B.tcp({ flags: "SA", options: [1, 1, 1] }, { src: "1.1.1.1", dst: "2.2.2.2" });
    assert.equal(s[13], 0x12);
    assert.equal(s[12]! >> 4, 6);
    assert.equal(B.frame(B.ipv6({}, []))[12], 0x86);
    assert.equal(B.frame(B.ipv4({}, []))[12], 0x08);
  });

  it("writePcap writes a readable classic pcap", () => {
    const f = B.writePcap([{ ts: 1.5, bytes: Uint8Array.from([1, 2, 3]) }], 101);
    const v = new DataView(f.buffer, f.byteOffset);
    assert.equal(v.getUint32(0, true), 0xa1b2c3d4);
    assert.equal(v.getUint32(20, true), 101);
    assert.equal(v.getUint32(24, true), 1);
    assert.equal(v.getUint32(28, true), 500000);
    assert.equal(v.getUint32(32, true), 3);
    assert.equal(f.length, 24 + 16 + 3);
  });

  it("memorySource delivers packets in order with wire lengths", async () => {
    const seen: [number, number, number][] = [];
    const src = B.memorySource([
      { ts: 1, bytes: new Uint8Array(10) },
      { ts: 2, bytes: new Uint8Array(5), wirelen: 60, linktype: 101 },
    ]);
    const sum = await src.run((raw) => seen.push([raw.ts, raw.caplen, raw.wirelen]));
    assert.deepEqual(seen, [
      [1, 10, 10],
      [2, 5, 60],
    ]);
    assert.equal(sum.packets, 2);
  });
});
