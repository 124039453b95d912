/**
 * Zeek-compatible connection uids (§2.4): "C" + base62(h0 >> 32) + base62(h1),
 * where h0, h1 are SipHash-2-4 values of (instance ‖ counter) for two
 * consecutive counters. With a seed (Zeek's ZEEK_SEED_FILE) the instance is 1
 * and the key comes from the seed, so uids match Zeek's baselines exactly.
 * BigInt is fine here: it runs once per connection, not per packet.
 */
import { readFileSync } from "node:fs";
import { randomBytes } from "node:crypto";

const MASK64 = (1n << 64n) - 1n;
const BASE62 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

function rotl(x: bigint, b: bigint): bigint {
  return ((x << b) | (x >> (64n - b))) & MASK64;
}

function readLE64(bytes: Uint8Array, at: number): bigint {
  let v = 0n;
  for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(bytes[at + i]!);
  return v;
}

/** SipHash-2-4 with a 64-bit result over `msg` under the 16-byte `key`. */
export function siphash24(key: Uint8Array, msg: Uint8Array): bigint {
  const k0 = readLE64(key, 0);
  const k1 = readLE64(key, 8);
  let v0 = k0 ^ 0x736f6d6570736575n;
  let v1 = k1 ^ 0x646f72616e646f6dn;
  let v2 = k0 ^ 0x6c7967656e657261n;
  let v3 = k1 ^ 0x7465646279746573n;
  const round = (): void => {
    v0 = (v0 + v1) & MASK64; v1 = rotl(v1, 13n); v1 ^= v0; v0 = rotl(v0, 32n);
    v2 = (v2 + v3) & MASK64; v3 = rotl(v3, 16n); v3 ^= v2;
    v0 = (v0 + v3) & MASK64; v3 = rotl(v3, 21n); v3 ^= v0;
    v2 = (v2 + v1) & MASK64; v1 = rotl(v1, 17n); v1 ^= v2; v2 = rotl(v2, 32n);
  };
  const len = msg.length;
  const whole = len - (len % 8);
  for (let i = 0; i < whole; i += 8) {
    const m = readLE64(msg, i);
    v3 ^= m;
    round(); round();
    v0 ^= m;
  }
  let last = BigInt(len & 0xff) << 56n;
  for (let i = len - 1; i >= whole; i--) last |= BigInt(msg[i]!) << BigInt(8 * (i - whole));
  v3 ^= last;
  round(); round();
  v0 ^= last;
  v2 ^= 0xffn;
  round(); round(); round(); round();
  return (v0 ^ v1 ^ v2 ^ v3) & MASK64;
}

/** Base62, least significant digit first, no padding (Zeek's uitoa_n reversed). */
export function base62LsbFirst(value: bigint): string {
  let out = "";
  do {
    out += BASE62[Number(value % 62n)];
    value /= 62n;
  } while (value > 0n);
  return out;
}

/**
 * Reads a Zeek seed file (whitespace-separated unsigned numbers: the initial
 * seed then 20 hash-seed words) and returns every number in it.
 */
export function readSeedFile(path: string): number[] {
  const text = readFileSync(path, "utf8");
  return text.split(/\s+/).filter((s) => s !== "").map((s) => Number(s));
}

/** The 4 SipHash key words: from a whole seed file's numbers (words 16–19) or given directly. */
export function seedKeyWords(seed: readonly number[]): number[] {
  if (seed.length === 4) return [...seed];
  if (seed.length >= 21) return seed.slice(17, 21);
  throw new Error(`a seed must hold 4 key words or a whole seed file (21 numbers), got ${seed.length}`);
}

export class UidGenerator {
  private readonly key = new Uint8Array(16);
  private readonly msg = new Uint8Array(16);
  private readonly view = new DataView(this.msg.buffer);
  private counter = 0n;
  private readonly instance: bigint;

  constructor(seed?: readonly number[]) {
    if (seed !== undefined) {
      const words = seedKeyWords(seed);
      const kv = new DataView(this.key.buffer);
      words.forEach((w, i) => kv.setUint32(i * 4, w >>> 0, true));
      this.instance = 1n;
    } else {
      this.key.set(randomBytes(16));
      this.instance = new DataView(randomBytes(8).buffer).getBigUint64(0, true);
    }
  }

  private nextValue(): bigint {
    this.counter++;
    this.view.setBigUint64(0, this.instance, true);
    this.view.setBigUint64(8, this.counter, true);
    return siphash24(this.key, this.msg);
  }

  /** The next connection uid ("C…"), drawing two values from the pool. */
  next(prefix = "C"): string {
    const h0 = this.nextValue();
    const h1 = this.nextValue();
    return prefix + base62LsbFirst(h0 >> 32n) + base62LsbFirst(h1);
  }
}
