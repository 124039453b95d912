import assert from "node:assert/strict";
import { test } from "node:test";
import { formatFixed6, formatJsonNumber } from "../../src/log/numbers.js";

/** Exact reference: the double's binary value times 10^6, rounded half to even, with BigInt arithmetic. */
function exactFixed6(x: number): string {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const negative = bits >> 63n === 1n;
  const exponent = Number((bits >> 52n) & 0x7ffn);
  let mantissa = bits & ((1n << 52n) - 1n);
  let e2: number;
  if (exponent === 0) e2 = -1074;
  else {
    mantissa |= 1n << 52n;
    e2 = exponent - 1075;
  }
  // value = mantissa * 2^e2; scaled = value * 10^6 = num / den
  let num = mantissa * 1_000_000n;
  let den = 1n;
  if (e2 >= 0) num <<= BigInt(e2);
  else den <<= BigInt(-e2);
  let q = num / den;
  const r = num - q * den;
  if (2n * r > den || (2n * r === den && q % 2n === 1n)) q += 1n;
  const digits = q.toString().padStart(7, "0");
  const text = `${digits.slice(0, -6)}.${digits.slice(-6)}`;
  return negative && q !== 0n ? `-${text}` : text;
}

test("formatFixed6 matches exact round-half-even for timestamps and durations", () => {
  let seed = 12345;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let i = 0; i < 20000; i++) {
    const sec = Math.floor(rand() * 2e9);
    const usec = Math.floor(rand() * 1e6);
    const ts = sec + usec / 1e6;
    assert.equal(formatFixed6(ts), exactFixed6(ts), `ts ${ts}`);
    const later = ts + Math.floor(rand() * 1e9) / 1e6;
    const duration = later - ts;
    assert.equal(formatFixed6(duration), exactFixed6(duration), `duration ${duration}`);
  }
});

test("formatFixed6 breaks exact ties to even, like C++ to_chars", () => {
  assert.equal(formatFixed6(1 / 128), "0.007812"); // 0.0078125
  assert.equal(formatFixed6(3 / 128), "0.023438"); // 0.0234375
  assert.equal(formatFixed6(-1 / 128), "-0.007812");
  assert.equal(formatFixed6(1 / 128), exactFixed6(1 / 128));
  for (let m = 1; m < 2000; m += 2) assert.equal(formatFixed6(m / 128), exactFixed6(m / 128), `m=${m}`);
});

test("formatFixed6 prints zero, negatives and the doc's examples", () => {
  assert.equal(formatFixed6(0), "0.000000");
  assert.equal(formatFixed6(1128727435.633408), "1128727435.633408");
  assert.equal(formatFixed6(1128727437.184201 - 1128727435.633408), "1.550793");
  assert.equal(formatFixed6(-2.5e-7), "-0.000000"); // sign kept, as printf does
});

test("formatJsonNumber follows RapidJSON's Writer::Double", () => {
  assert.equal(formatJsonNumber(5), "5.0");
  assert.equal(formatJsonNumber(1128727435.633408), "1128727435.633408");
  assert.equal(formatJsonNumber(1128727437.184201 - 1128727435.633408), "1.550792932510376");
  assert.equal(formatJsonNumber(1e-7), "1e-7");
  assert.equal(formatJsonNumber(1.5e-7), "1.5e-7");
  assert.equal(formatJsonNumber(1e21), "1e21");
  assert.equal(formatJsonNumber(1e20), "100000000000000000000.0");
  assert.equal(formatJsonNumber(0.000001), "0.000001");
  assert.equal(formatJsonNumber(Number.NaN), "null");
});
