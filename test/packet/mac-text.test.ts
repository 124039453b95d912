import assert from "node:assert/strict";
import { test } from "node:test";
import { macText, macTextOfHalves } from "../../src/packet/mac-text.js";
import { rng } from "../helpers/rng.js";

/** The plain way: each byte as two lower-case hex digits, colons between. */
function reference(bytes: number[]): string {
  return bytes.map((b) => b.toString(16).padStart(2, "0")).join(":");
}

test("MAC text: Zeek's form, lower-case pairs with leading zeros", () => {
  assert.equal(macText(Uint8Array.of(0, 0x1b, 0x21, 0xa, 0xff, 0x9c), 0), "00:1b:21:0a:ff:9c");
  assert.equal(macText(Uint8Array.of(9, 9, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), 2), "ff:ff:ff:ff:ff:ff");
  assert.equal(macTextOfHalves(0x001b21, 0x0aff9c), "00:1b:21:0a:ff:9c");
});

test("MAC text: the cache gives every address its own text, whatever collides in it", () => {
  const next = rng(20261208);
  // Few hosts, as a trace has them, then many: each seen several times, in shuffled order.
  const addresses = Array.from({ length: 5000 }, () => Array.from({ length: 6 }, () => Math.floor(next() * 256)));
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < 20000; i++) {
      const a = addresses[Math.floor(next() * (i < 5000 ? 8 : addresses.length))]!;
      const want = reference(a);
      assert.equal(macText(Uint8Array.from(a), 0), want);
      assert.equal(macTextOfHalves((a[0]! << 16) | (a[1]! << 8) | a[2]!, (a[3]! << 16) | (a[4]! << 8) | a[5]!), want);
    }
  }
});
