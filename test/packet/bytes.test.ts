/**
 * latin1(): one character per byte whatever the length (short runs are built
 * from String.fromCharCode, longer ones by Node's slicer) and wherever the
 * view starts in its buffer. shortText(): the same for a buffer's first n
 * bytes, whichever of its two ways (up to 18 bytes, or more) makes them.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { latin1, shortText } from "../../src/packet/bytes.js";

test("latin1 gives one character per byte, every byte value, at every length and offset", () => {
  const all = Uint8Array.from({ length: 300 }, (_, i) => (i * 97 + 13) & 0xff);
  for (let n = 0; n <= 24; n++) {
    for (const at of [0, 1, 5, 255]) {
      const view = all.subarray(at, at + n);
      const expected = Array.from(view, (b) => String.fromCharCode(b)).join("");
      assert.equal(latin1(view), expected, `${n} bytes at ${at}`);
    }
  }
  assert.equal(latin1(Uint8Array.from([0x00, 0x80, 0x9f, 0xff, 0x41])), "\u0000\u0080\u009f\u00ffA");
});

test("shortText gives the first n bytes one character each, every byte value, at every length", () => {
  const all = Uint8Array.from({ length: 256 }, (_, i) => (i * 97 + 13) & 0xff);
  for (let n = 0; n <= 40; n++) {
    const expected = Array.from(all.subarray(0, n), (b) => String.fromCharCode(b)).join("");
    assert.equal(shortText(all, n), expected, `${n} bytes`);
  }
  assert.equal(shortText(Uint8Array.from([0x00, 0x80, 0x9f, 0xff, 0x41, 0x42]), 5), "\u0000\u0080\u009f\u00ffA");
});
