/** Zeek-compatible uids (Connection::GetUID): SipHash-2-4, base62 LSB first, seeded pool. */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { base62LsbFirst, readSeedFile, siphash24, UidGenerator } from "../../src/session/uid.js";
import { corpusRoot, oracleMissing } from "../helpers/corpus.js";
import { ZEEK_SEED } from "./harness.js";

test("SipHash-2-4 reference vector (key 00..0f, message 00..0e)", () => {
  const key = Uint8Array.from({ length: 16 }, (_, i) => i);
  const msg = Uint8Array.from({ length: 15 }, (_, i) => i);
  assert.equal(siphash24(key, msg), 0xa129ca6149be45e5n);
  assert.equal(siphash24(key, new Uint8Array(0)), 0x726fdb47dd0e0e31n);
});

test("base62 is written least significant digit first", () => {
  assert.equal(base62LsbFirst(0n), "0");
  assert.equal(base62LsbFirst(61n), "Z");
  assert.equal(base62LsbFirst(62n), "01");
  assert.equal(base62LsbFirst(63n), "11");
});

test("with Zeek's btest seed the first uids are the baselines' uids", () => {
  const g = new UidGenerator(ZEEK_SEED);
  const uids = Array.from({ length: 5 }, () => g.next());
  assert.deepEqual(uids, ["CHhAvVGS1DHFjwGM9", "ClEkJM2Vm5giqnMf4h", "C4J4Th3PJpwUYZZ6gc", "CtPZjS20MLrsMUOJi2", "CUM0KZ3MLUfNB0cl11"]);
});

test("the seed file reader gives the same key", (t) => {
  const path = join(corpusRoot(), "zeek", "random.seed");
  if (!existsSync(path)) return oracleMissing(t, `corpus not found at ${path}`);
  const seed = readSeedFile(path);
  assert.deepEqual(seed, ZEEK_SEED);
  assert.equal(new UidGenerator(seed).next(), "CHhAvVGS1DHFjwGM9");
});

test("without a seed uids are random but well formed", () => {
  const a = new UidGenerator().next();
  const b = new UidGenerator().next();
  assert.match(a, /^C[0-9a-zA-Z]{10,24}$/);
  assert.notEqual(a, b);
});

test("a reserved uid, made later, is the uid next() would have drawn then", () => {
  const drawn = new UidGenerator(ZEEK_SEED);
  const expected = [drawn.next(), drawn.next(), drawn.next(), drawn.next()];
  const lazy = new UidGenerator(ZEEK_SEED);
  const first = lazy.reserve();
  const second = lazy.next();
  const third = lazy.reserve();
  const fourth = lazy.next();
  assert.deepEqual([lazy.uidAt(first), second, lazy.uidAt(third), fourth], expected);
  assert.equal(lazy.next(), drawn.next(), "the pool goes on where it would have");
});

test("uids are Zeek's construction (SipHash of instance and counter, base62 of h0 >> 32 and h1), at every length", () => {
  // The reference in BigInt: the pool's values draw + 1 and draw + 2 hashed with the seed's key and instance 1.
  const key = new Uint8Array(16);
  const kv = new DataView(key.buffer);
  for (let i = 0; i < 4; i++) kv.setUint32(i * 4, ZEEK_SEED[17 + i]! >>> 0, true);
  const message = (counter: number): Uint8Array => {
    const m = new Uint8Array(16);
    m[0] = 1;
    new DataView(m.buffer).setBigUint64(8, BigInt(counter), true);
    return m;
  };
  const g = new UidGenerator(ZEEK_SEED);
  const lengths = new Set<number>();
  for (let draw = 0; draw < 4000; draw += 2) {
    const expected = `C${base62LsbFirst(siphash24(key, message(draw + 1)) >> 32n)}${base62LsbFirst(siphash24(key, message(draw + 2)))}`;
    const uid = g.next();
    assert.equal(uid, expected, `draw ${draw}`);
    lengths.add(uid.length);
  }
  // Shorter uids (a value with leading zero digits) come too: 16 to 18 characters here.
  assert.ok(lengths.has(16) && lengths.has(17) && lengths.has(18), [...lengths].join(","));
});
