/**
 * Zeek-compatible connection uids (Connection::GetUID): "C" + base62(h0 >> 32) + base62(h1),
 * where h0, h1 are SipHash-2-4 values of (instance ‖ counter) for two
 * consecutive counters. With a seed (Zeek's ZEEK_SEED_FILE) the instance is 1
 * and the key comes from the seed, so uids match Zeek's baselines exactly.
 * BigInt is fine here: it runs once per connection, not per packet.
 */

import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { shortText } from "../packet/bytes.js";

const BASE62 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const TWO_32 = 4294967296;

/*
 * SipHash-2-4 on 64-bit words kept as (high, low) int32 halves in an
 * Int32Array: v0..v3 at [0..7] (high at even index), no BigInt, no allocation.
 * The rounds run on eight local int32s (unboxed in V8): a uid costs two
 * hashes per connection, which shows on connection-heavy traffic.
 */

/** Where the result's high and low halves land in the state array (after v0..v3). */
const M = 8;
/** v0..v3 and the result, reused by every call (single-threaded). */
const STATE = new Int32Array(10);
/** Message blocks for sipBlocks, (high, low) pairs, reused likewise. */
const WORDS = new Int32Array(4);

/**
 * SipHash-2-4 from the state in v[0..7]: `n` message blocks from `words`
 * (block i's high half at 2i), two SipRounds each, then, when `finish`, the
 * finalization (four more rounds) with the result's halves in v[M] and
 * v[M + 1]. The state is read once and written once; every round runs on
 * eight local int32s (unboxed in V8): a uid costs two hashes per
 * connection, two million under a 1 M SYN flood. 64-bit add: low halves,
 * then high halves plus the carry.
 */
function sipBlocks(v: Int32Array, words: Int32Array, n: number, finish: boolean): void {
  let v0h = v[0]!,
    v0l = v[1]!,
    v1h = v[2]!,
    v1l = v[3]!,
    v2h = v[4]!,
    v2l = v[5]!,
    v3h = v[6]!,
    v3l = v[7]!;
  let mh = 0;
  let ml = 0;
  let lo = 0;
  let t = 0;
  const absorbed = 2 * n;
  const rounds = absorbed + (finish ? 4 : 0);
  for (let r = 0; r < rounds; r++) {
    if ((r & 1) === 0 && r <= absorbed) {
      // Between blocks: the block just compressed goes into v0, the next into v3 (or the finalization starts).
      v0h ^= mh;
      v0l ^= ml;
      if (r < absorbed) {
        mh = words[r]!;
        ml = words[r + 1]!;
        v3h ^= mh;
        v3l ^= ml;
      } else v2l ^= 0xff;
    }
    // v0 += v1; v1 = rotl(v1, 13) ^ v0; v0 = rotl(v0, 32)
    lo = (v0l + v1l) | 0;
    v0h = (v0h + v1h + (lo >>> 0 < v0l >>> 0 ? 1 : 0)) | 0;
    v0l = lo;
    t = (v1h << 13) | (v1l >>> 19);
    v1l = ((v1l << 13) | (v1h >>> 19)) ^ v0l;
    v1h = t ^ v0h;
    t = v0h;
    v0h = v0l;
    v0l = t;
    // v2 += v3; v3 = rotl(v3, 16) ^ v2
    lo = (v2l + v3l) | 0;
    v2h = (v2h + v3h + (lo >>> 0 < v2l >>> 0 ? 1 : 0)) | 0;
    v2l = lo;
    t = (v3h << 16) | (v3l >>> 16);
    v3l = ((v3l << 16) | (v3h >>> 16)) ^ v2l;
    v3h = t ^ v2h;
    // v0 += v3; v3 = rotl(v3, 21) ^ v0
    lo = (v0l + v3l) | 0;
    v0h = (v0h + v3h + (lo >>> 0 < v0l >>> 0 ? 1 : 0)) | 0;
    v0l = lo;
    t = (v3h << 21) | (v3l >>> 11);
    v3l = ((v3l << 21) | (v3h >>> 11)) ^ v0l;
    v3h = t ^ v0h;
    // v2 += v1; v1 = rotl(v1, 17) ^ v2; v2 = rotl(v2, 32)
    lo = (v2l + v1l) | 0;
    v2h = (v2h + v1h + (lo >>> 0 < v2l >>> 0 ? 1 : 0)) | 0;
    v2l = lo;
    t = (v1h << 17) | (v1l >>> 15);
    v1l = ((v1l << 17) | (v1h >>> 15)) ^ v2l;
    v1h = t ^ v2h;
    t = v2h;
    v2h = v2l;
    v2l = t;
  }
  if (finish) {
    v[M] = v0h ^ v1h ^ v2h ^ v3h;
    v[M + 1] = v0l ^ v1l ^ v2l ^ v3l;
  } else {
    // The last block's closing xor (with finalization it is done at the loop's last block boundary).
    v0h ^= mh;
    v0l ^= ml;
  }
  v[0] = v0h;
  v[1] = v0l;
  v[2] = v1h;
  v[3] = v1l;
  v[4] = v2h;
  v[5] = v2l;
  v[6] = v3h;
  v[7] = v3l;
}

function le32(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}

/** The state of a SipHash under the 16-byte `key`, before any message. */
function initState(v: Int32Array, key: Uint8Array): void {
  const k0h = le32(key, 4),
    k0l = le32(key, 0),
    k1h = le32(key, 12),
    k1l = le32(key, 8);
  v[0] = k0h ^ 0x736f6d65;
  v[1] = k0l ^ 0x70736575;
  v[2] = k1h ^ 0x646f7261;
  v[3] = k1l ^ 0x6e646f6d;
  v[4] = k0h ^ 0x6c796765;
  v[5] = k0l ^ 0x6e657261;
  v[6] = k1h ^ 0x74656462;
  v[7] = k1l ^ 0x79746573;
}

/** One message block (a 64-bit word as high and low halves) into the state in `v`. */
function absorb(v: Int32Array, hi: number, lo: number): void {
  WORDS[0] = hi;
  WORDS[1] = lo;
  sipBlocks(v, WORDS, 1, false);
}

/** SipHash-2-4 of `msg` under the 16-byte `key`; result in out[0] (high) and out[1] (low). */
export function siphash24Into(key: Uint8Array, msg: Uint8Array, out: Uint32Array): void {
  const v = STATE;
  initState(v, key);
  const len = msg.length;
  const whole = len - (len % 8);
  for (let i = 0; i < whole; i += 8) absorb(v, le32(msg, i + 4), le32(msg, i));
  // Last block: remaining bytes, length in the top byte.
  let hi = (len & 0xff) << 24;
  let lo = 0;
  for (let i = whole; i < len; i++) {
    const shift = 8 * (i - whole);
    if (shift < 32) lo |= msg[i]! << shift;
    else hi |= msg[i]! << (shift - 32);
  }
  WORDS[0] = hi;
  WORDS[1] = lo;
  sipBlocks(v, WORDS, 1, true);
  out[0] = v[M]!;
  out[1] = v[M + 1]!;
}

/** The final block of a 16-byte message: no bytes left, the length (16) in the top byte. */
const FINAL_16 = 16 << 24;

/**
 * SipHash-2-4 of the 16-byte (instance ‖ counter) messages of a uid pool:
 * the key and the instance word never change, so the state after them is
 * computed once, and a hash runs the counter's block, the final block and
 * the finalization (8 rounds instead of 10, on locals, no key parsing).
 */
class PoolHash {
  /** v0..v3 (high, low) after the key and the instance block. */
  private readonly base = new Int32Array(8);
  /** The last hash's halves. */
  hi = 0;
  lo = 0;

  constructor(key: Uint8Array, instance: Uint8Array) {
    const v = STATE;
    initState(v, key);
    absorb(v, le32(instance, 4), le32(instance, 0));
    this.base.set(v.subarray(0, 8));
  }

  /** SipHash of (instance ‖ counter), counter = hi·2^32 + lo, into this.hi and this.lo: the counter's block and the final one, then the finalization, in one sipBlocks. */
  hash(counterHi: number, counterLo: number): void {
    const v = STATE;
    v.set(this.base);
    WORDS[0] = counterHi | 0;
    WORDS[1] = counterLo | 0;
    WORDS[2] = FINAL_16;
    WORDS[3] = 0;
    sipBlocks(v, WORDS, 2, true);
    this.hi = v[M]!;
    this.lo = v[M + 1]!;
  }
}

/** SipHash-2-4 as a bigint (convenience for tests and callers outside the hot path). */
export function siphash24(key: Uint8Array, msg: Uint8Array): bigint {
  const out = new Uint32Array(2);
  siphash24Into(key, msg, out);
  return (BigInt(out[0]!) << 32n) | BigInt(out[1]!);
}

/** The base62 digits' character codes. */
const DIGITS = Uint8Array.from(BASE62, (c) => c.charCodeAt(0));
/** 62³: digits are made three at a time, by divisions exact in doubles, then split in int32 arithmetic. */
const CHUNK = 62 * 62 * 62;
/** Where a uid's characters are put together (one uid at a time: single-threaded). */
const TEXT = new Uint8Array(64);

/**
 * Writes the base62 digits of the 64-bit value (hi, lo), least significant
 * first, no padding, into `out` from `at`; returns the end. Each step divides
 * the value by 62³ (a long division whose parts, rh·2^32 + lo below 2^50,
 * stay exact in a double) and writes the remainder's three digits: a third of
 * the double divisions of a digit-by-digit loop, which cost a SYN flood
 * ~0.3 µs a uid.
 */
function putBase62(out: Uint8Array, at: number, hi: number, lo: number): number {
  for (;;) {
    let r: number;
    if (hi > 0) {
      const rh = hi % CHUNK;
      hi = (hi - rh) / CHUNK;
      const cur = rh * TWO_32 + lo;
      lo = Math.floor(cur / CHUNK);
      r = cur - lo * CHUNK;
    } else {
      const q = Math.floor(lo / CHUNK);
      r = lo - q * CHUNK;
      lo = q;
    }
    if (hi === 0 && lo === 0) {
      // The most significant chunk: its digits up to its last non-zero one (at least one digit).
      do {
        const q = (r / 62) | 0;
        out[at++] = DIGITS[r - q * 62]!;
        r = q;
      } while (r > 0);
      return at;
    }
    for (let k = 0; k < 3; k++) {
      const q = (r / 62) | 0;
      out[at++] = DIGITS[r - q * 62]!;
      r = q;
    }
  }
}

/** Base62 of the 64-bit value (hi, lo), least significant digit first, no padding (Zeek's uitoa_n reversed). */
export function base62Halves(hi: number, lo: number): string {
  return shortText(TEXT, putBase62(TEXT, 0, hi >>> 0, lo >>> 0));
}

/** Base62, least significant digit first, of a bigint below 2^64. */
export function base62LsbFirst(value: bigint): string {
  return base62Halves(Number(value >> 32n), Number(value & 0xffffffffn));
}

/**
 * Reads a Zeek seed file (whitespace-separated unsigned numbers: the initial
 * seed then 20 hash-seed words) and returns every number in it.
 */
export function readSeedFile(path: string): number[] {
  const text = readFileSync(path, "utf8");
  return text
    .split(/\s+/)
    .filter((s) => s !== "")
    .map((s) => Number(s));
}

/** The 4 SipHash key words: from a whole seed file's numbers (words 16–19) or given directly. */
export function seedKeyWords(seed: readonly number[]): number[] {
  if (seed.length === 4) return [...seed];
  if (seed.length >= 21) return seed.slice(17, 21);
  throw new Error(`a seed must hold 4 key words or a whole seed file (21 numbers), got ${seed.length}`);
}

/**
 * Zeek's SipHash key (KeyedHash's shared_siphash_key: bytes 64–79 of the
 * seed data) from a seed, or a random one without: uids and the hashes of
 * script tables' keys both use it.
 */
export function seedSipKey(seed?: readonly number[]): Uint8Array {
  if (seed === undefined) return randomBytes(16);
  const key = new Uint8Array(16);
  const kv = new DataView(key.buffer);
  seedKeyWords(seed).forEach((w, i) => {
    kv.setUint32(i * 4, w >>> 0, true);
  });
  return key;
}

/**
 * Zeek's UID::Set of a `bits`-bit uid (at most 128) from two 64-bit words
 * given as (hi, lo) halves, in base62: the words past the bits' 64s unused
 * ("0"), the first shifted to the bits past a whole 64.
 */
export function uidWords(bits: number, hi0: number, lo0: number, hi1: number, lo1: number): string {
  const b = Math.min(Math.max(Math.floor(bits), 0), 128);
  const size = Math.ceil(b / 64);
  let [h0, l0] = size >= 1 ? [hi0, lo0] : [0, 0];
  const [h1, l1] = size >= 2 ? [hi1, lo1] : [0, 0];
  const part = b % 64;
  if (part !== 0) {
    const by = 64 - part;
    [h0, l0] = by >= 32 ? [0, h0 >>> (by - 32)] : [h0 >>> by, ((l0 >>> by) | (h0 << (32 - by))) >>> 0];
  }
  return `${base62Halves(h0, l0)}${base62Halves(h1, l1)}`;
}

export class UidGenerator {
  private readonly pool: PoolHash;
  private counter = 0;
  /** Pool values a uid takes: one per 64 of bits_per_uid, a part counting whole. */
  private readonly draws: number;

  /**
   * `bits` is Zeek's bits_per_uid (at most 128): a uid is that many bits of
   * pool values, the first value cut to the bits past the whole 64s, each
   * 64-bit word in base62 (an unused one "0"). 96 is Zeek's default.
   */
  constructor(
    seed?: readonly number[],
    private readonly bits = 96,
  ) {
    this.bits = Math.min(Math.max(Math.floor(bits), 0), 128);
    this.draws = Math.ceil(this.bits / 64);
    const instance = new Uint8Array(8);
    if (seed !== undefined)
      instance[0] = 1; // instance = 1 (uint64 LE)
    else instance.set(randomBytes(8));
    this.pool = new PoolHash(seedSipKey(seed), instance);
  }

  /** The pool's value number `counter` (from 1): SipHash of (instance ‖ counter), in pool.hi and pool.lo. */
  private value(counter: number): void {
    this.pool.hash(Math.floor(counter / TWO_32), counter % TWO_32);
  }

  /**
   * Draws the next uid's two pool values without computing them and returns
   * the draw's number; uidAt(draw) makes the uid later. A uid depends only on
   * the key and its draw number, so it comes out as next() would have made it.
   */
  reserve(): number {
    const draw = this.counter;
    this.counter += this.draws;
    return draw;
  }

  /**
   * The uid of a draw returned by reserve(): pool values draw + 1 and draw + 2.
   * Built as one flat string from its bytes: concatenating the parts would
   * leave a cons string (three objects, ~90 bytes) on every connection kept for
   * its uid. (The prefix is one letter: TEXT holds it and the 17 digits at most.)
   * shortText makes it in V8 (String.fromCharCode), not by Buffer's latin1
   * decoder, a call into C++ (~700 instructions and 50 bytes of garbage a uid).
   */
  uidAt(draw: number, prefix = "C"): string {
    if (this.bits !== 96) return this.otherWidthUid(draw, prefix);
    this.value(draw + 1);
    const word0 = this.pool.hi >>> 0; // first value >> 32
    this.value(draw + 2);
    let at = 0;
    for (let i = 0; i < prefix.length; i++) TEXT[at++] = prefix.charCodeAt(i);
    at = putBase62(TEXT, at, 0, word0);
    at = putBase62(TEXT, at, this.pool.hi >>> 0, this.pool.lo >>> 0);
    return shortText(TEXT, at);
  }

  /** A uid of a bits_per_uid other than 96 (Zeek's UID::Set): values draw + 1 and, past 64 bits, draw + 2. */
  private otherWidthUid(draw: number, prefix: string): string {
    const words = [0, 0, 0, 0];
    for (let i = 0; i < this.draws; i++) {
      this.value(draw + 1 + i);
      words[2 * i] = this.pool.hi >>> 0;
      words[2 * i + 1] = this.pool.lo >>> 0;
    }
    return `${prefix}${uidWords(this.bits, words[0]!, words[1]!, words[2]!, words[3]!)}`;
  }

  /** The next connection uid ("C…"), drawing two values from the pool (with the default bits_per_uid). */
  next(prefix = "C"): string {
    return this.uidAt(this.reserve(), prefix);
  }
}
