/**
 * File ids as Zeek makes them: a file's id is not drawn from the uid pool but
 * is a keyed hash of the file's *handle* (a string the protocol builds, e.g.
 * HTTP's "Analyzer::ANALYZER_HTTP<start time><is_orig><depth>…"), so the same
 * handle seen again (a range request, a file over a second connection) is the
 * same file. The hash is HighwayHash-128 under the key SHA-256(digest_salt)
 * (Zeek's KeyedHash::StaticHash128), shown as "F" + base62 of the high 32 bits
 * of the first word + base62 of the second word (a 96-bit UID, as conn uids).
 *
 * HighwayHash (Alakuijala, Cox, Wassenberg 2016) works on four 64-bit lanes.
 * It runs for every file handle (HTTP makes several per request), so it is
 * written on 32-bit halves: each lane is two uint32 words (low at 2i, high at
 * 2i+1) in preallocated Uint32Arrays, 64-bit adds carry by hand, the 32x32
 * products are built from 16-bit pieces, and the zipper merge is a byte
 * shuffle between halves. No BigInt and no allocation per hash (BigInt made
 * it ~9 % of a one-shot run's CPU).
 */
import { createHash } from "node:crypto";
import { base62Halves, uidWords } from "../session/uid.js";

/** The init constants as [lo, hi] words of lanes 0..3. */
const MUL0_INIT = Uint32Array.of(0xfe4cce2f, 0xdbe6d5d5, 0x299f31d0, 0xa4093822, 0x03707344, 0x13198a2e, 0x85a308d3, 0x243f6a88);
const MUL1_INIT = Uint32Array.of(0xcb0ef593, 0x3bd39e10, 0xb5f18a8c, 0xc0acf169, 0x34e90c6c, 0xbe5466cf, 0x38d01377, 0x452821e6);

// The one hashing state (JavaScript runs one hash at a time; nothing here yields).
const v0 = new Uint32Array(8);
const v1 = new Uint32Array(8);
const mul0 = new Uint32Array(8);
const mul1 = new Uint32Array(8);
const lanes = new Uint32Array(8);
const packet = new Uint8Array(32);

/** to[lo..hi] += (addLo, addHi) as one 64-bit lane at word index `w`. */
function add64(to: Uint32Array, w: number, addLo: number, addHi: number): void {
  const lo = (to[w]! + addLo) >>> 0;
  to[w + 1] = (to[w + 1]! + addHi + (lo < addLo ? 1 : 0)) >>> 0;
  to[w] = lo;
}

/** High 32 bits of the 64-bit product of two uint32 (the low 32 are Math.imul). */
function mulHi(a: number, b: number): number {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  const m1 = a1 * b0;
  const m2 = a0 * b1;
  const mid = ((a0 * b0) >>> 16) + (m1 & 0xffff) + (m2 & 0xffff);
  // Exact in a double: the true high word is below 2^32.
  return (a1 * b1 + (m1 >>> 16) + (m2 >>> 16) + (mid >>> 16)) >>> 0;
}

/**
 * HighwayHash's byte shuffle of lanes (hi, lo) of `from`, added into the same
 * lanes of `to`. With a = from[hi], b = from[lo] and byte k of a lane counted
 * from its low end, the low lane gets bytes (b3 a4 b2 b5 a6 b1 a7 b0) and the
 * high lane (a3 b4 a2 a5 a1 b6 a0 b7), lowest byte first.
 */
function zipperAdd(from: Uint32Array, hi: number, lo: number, to: Uint32Array): void {
  const aL = from[2 * hi]!;
  const aH = from[2 * hi + 1]!;
  const bL = from[2 * lo]!;
  const bH = from[2 * lo + 1]!;
  const loLo = (bL >>> 24) | ((aH & 0xff) << 8) | (bL & 0xff0000) | ((bH & 0xff00) << 16);
  const loHi = ((aH >>> 16) & 0xff) | (bL & 0xff00) | ((aH >>> 8) & 0xff0000) | ((bL & 0xff) << 24);
  const hiLo = (aL >>> 24) | ((bH & 0xff) << 8) | (aL & 0xff0000) | ((aH & 0xff00) << 16);
  const hiHi = ((aL >>> 8) & 0xff) | ((bH >>> 8) & 0xff00) | ((aL & 0xff) << 16) | (bH & 0xff000000);
  add64(to, 2 * lo, loLo >>> 0, loHi >>> 0);
  add64(to, 2 * hi, hiLo >>> 0, hiHi >>> 0);
}

/** One round over the 8 words in `lanes`. */
function update(): void {
  for (let w = 0; w < 8; w += 2) {
    add64(v1, w, mul0[w]!, mul0[w + 1]!);
    add64(v1, w, lanes[w]!, lanes[w + 1]!);
    // mul0 ^= low32(v1) * high32(v0), a full 64-bit product.
    const p = v1[w]!;
    const q = v0[w + 1]!;
    mul0[w] = mul0[w]! ^ Math.imul(p, q);
    mul0[w + 1] = mul0[w + 1]! ^ mulHi(p, q);
    add64(v0, w, mul1[w]!, mul1[w + 1]!);
    const r = v0[w]!;
    const s = v1[w + 1]!;
    mul1[w] = mul1[w]! ^ Math.imul(r, s);
    mul1[w + 1] = mul1[w + 1]! ^ mulHi(r, s);
  }
  zipperAdd(v1, 1, 0, v0);
  zipperAdd(v1, 3, 2, v0);
  zipperAdd(v0, 1, 0, v1);
  zipperAdd(v0, 3, 2, v1);
}

/** Little-endian uint32 at `at`. */
const word = (b: Uint8Array, at: number): number => (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;

function loadLanes(b: Uint8Array, at: number): void {
  for (let w = 0; w < 8; w++) lanes[w] = word(b, at + 4 * w);
}

/** The last size%32 bytes, from `at` (HighwayHash's remainder rule: length folded into v0, v1's halves rotated, bytes placed in one packet). */
function remainder(data: Uint8Array, at: number, size: number): void {
  for (let w = 0; w < 8; w += 2) add64(v0, w, size, size);
  for (let w = 0; w < 8; w++) {
    const h = v1[w]!;
    v1[w] = ((h << size) | (h >>> (32 - size))) >>> 0; // size is 1..31 here
  }
  packet.fill(0);
  const whole4 = size & ~3;
  const mod4 = size & 3;
  for (let i = 0; i < whole4; i++) packet[i] = data[at + i]!;
  if (size & 16) {
    for (let i = 0; i < 4; i++) packet[28 + i] = data[at + whole4 + i + mod4 - 4]!;
  } else if (mod4 !== 0) {
    packet[16] = data[at + whole4]!;
    packet[17] = data[at + whole4 + (mod4 >> 1)]!;
    packet[18] = data[at + whole4 + mod4 - 1]!;
  }
  loadLanes(packet, 0);
  update();
}

/** The next round's input: v0's lanes (2, 3, 0, 1), each with its halves swapped. */
function permuteAndUpdate(): void {
  lanes[0] = v0[5]!;
  lanes[1] = v0[4]!;
  lanes[2] = v0[7]!;
  lanes[3] = v0[6]!;
  lanes[4] = v0[1]!;
  lanes[5] = v0[0]!;
  lanes[6] = v0[3]!;
  lanes[7] = v0[2]!;
  update();
}

/**
 * HighwayHash-128 of `data` under `key` (8 words: lanes 0..3 as [lo, hi]),
 * written into `out` as [word0 lo, word0 hi, word1 lo, word1 hi].
 */
export function highwayHash128Words(key: Uint32Array, data: Uint8Array, out: Uint32Array, length = data.length): void {
  for (let w = 0; w < 8; w += 2) {
    v0[w] = MUL0_INIT[w]! ^ key[w]!;
    v0[w + 1] = MUL0_INIT[w + 1]! ^ key[w + 1]!;
    v1[w] = MUL1_INIT[w]! ^ key[w + 1]!;
    v1[w + 1] = MUL1_INIT[w + 1]! ^ key[w]!;
  }
  mul0.set(MUL0_INIT);
  mul1.set(MUL1_INIT);
  let i = 0;
  for (; i + 32 <= length; i += 32) {
    loadLanes(data, i);
    update();
  }
  if ((length & 31) !== 0) remainder(data, i, length & 31);
  for (let r = 0; r < 6; r++) permuteAndUpdate();
  for (let k = 0; k < 2; k++) {
    // word k = v0[k] + mul0[k] + v1[k+2] + mul1[k+2]; `lanes` is free scratch now.
    lanes[0] = v0[2 * k]!;
    lanes[1] = v0[2 * k + 1]!;
    add64(lanes, 0, mul0[2 * k]!, mul0[2 * k + 1]!);
    add64(lanes, 0, v1[2 * k + 4]!, v1[2 * k + 5]!);
    add64(lanes, 0, mul1[2 * k + 4]!, mul1[2 * k + 5]!);
    out[2 * k] = lanes[0]!;
    out[2 * k + 1] = lanes[1]!;
  }
}

/** A 4-lane bigint key as the 8 words highwayHash128Words takes. */
export function keyWords(key: readonly bigint[]): Uint32Array {
  const words = new Uint32Array(8);
  for (let i = 0; i < 4; i++) {
    words[2 * i] = Number(BigInt.asUintN(32, key[i]!));
    words[2 * i + 1] = Number(BigInt.asUintN(32, key[i]! >> 32n));
  }
  return words;
}

/** HighwayHash-128 of `data` under the 4-lane `key`: [word0, word1] (a convenience for tests and tools; fuids use the word form). */
export function highwayHash128(key: readonly bigint[], data: Uint8Array): [bigint, bigint] {
  const out = new Uint32Array(4);
  highwayHash128Words(keyWords(key), data, out);
  return [(BigInt(out[1]!) << 32n) | BigInt(out[0]!), (BigInt(out[3]!) << 32n) | BigInt(out[2]!)];
}

/** Zeek's default digest_salt (init-bare.zeek). */
export const DEFAULT_DIGEST_SALT = "Please change this value.";

/** The HighwayHash key Zeek derives from digest_salt: SHA-256, read as four little-endian 64-bit lanes. */
export function hashKeyFromSalt(salt: string): bigint[] {
  const digest = createHash("sha256").update(salt, "latin1").digest();
  return [0, 8, 16, 24].map((o) => digest.readBigUInt64LE(o));
}

/** Makes file ids from handles (one per engine: the key is computed once). */
export class FuidMaker {
  private readonly key: Uint32Array;
  private readonly out = new Uint32Array(4);
  /** The handle's bytes, reused (grown when a handle is longer). */
  private scratch = Buffer.alloc(256);

  /** `bits`: Zeek's bits_per_uid, which file ids follow too (the hash's two words, cut as a connection uid's values). */
  constructor(
    salt = DEFAULT_DIGEST_SALT,
    private readonly bits = 96,
  ) {
    this.key = keyWords(hashKeyFromSalt(salt));
  }

  /** The fuid of a file handle (a latin1 string: one byte per character). */
  fuid(handle: string): string {
    if (handle.length > this.scratch.length) this.scratch = Buffer.alloc(Math.max(handle.length, 2 * this.scratch.length));
    const length = this.scratch.write(handle, 0, handle.length, "latin1");
    const out = this.out;
    highwayHash128Words(this.key, this.scratch, out, length);
    // A 96-bit UID from two words: the first keeps its top 32 bits.
    if (this.bits === 96) return `F${base62Halves(0, out[1]!)}${base62Halves(out[3]!, out[2]!)}`;
    return `F${uidWords(this.bits, out[1]!, out[0]!, out[3]!, out[2]!)}`;
  }
}
