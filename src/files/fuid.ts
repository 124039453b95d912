/**
 * File ids as Zeek makes them: a file's id is not drawn from the uid pool but
 * is a keyed hash of the file's *handle* (a string the protocol builds, e.g.
 * HTTP's "Analyzer::ANALYZER_HTTP<start time><is_orig><depth>…"), so the same
 * handle seen again (a range request, a file over a second connection) is the
 * same file. The hash is HighwayHash-128 under the key SHA-256(digest_salt)
 * (Zeek's KeyedHash::StaticHash128), shown as "F" + base62 of the high 32 bits
 * of the first word + base62 of the second word (a 96-bit UID, as conn uids).
 *
 * HighwayHash (Alakuijala, Cox, Wassenberg 2016) on 64-bit lanes: BigInt is
 * fine here, it runs once per file, never per packet.
 */
import { createHash } from "node:crypto";
import { base62Halves } from "../session/uid.js";

const MASK64 = (1n << 64n) - 1n;
const LO32 = 0xffffffffn;

const MUL0_INIT = [0xdbe6d5d5fe4cce2fn, 0xa4093822299f31d0n, 0x13198a2e03707344n, 0x243f6a8885a308d3n];
const MUL1_INIT = [0x3bd39e10cb0ef593n, 0xc0acf169b5f18a8cn, 0xbe5466cf34e90c6cn, 0x452821e638d01377n];

/** Swaps the two 32-bit halves of a 64-bit lane. */
const swapHalves = (x: bigint): bigint => ((x >> 32n) | (x << 32n)) & MASK64;

class HighwayState {
  readonly v0: bigint[];
  readonly v1: bigint[];
  readonly mul0 = [...MUL0_INIT];
  readonly mul1 = [...MUL1_INIT];

  constructor(key: readonly bigint[]) {
    this.v0 = key.map((k, i) => MUL0_INIT[i]! ^ k);
    this.v1 = key.map((k, i) => MUL1_INIT[i]! ^ swapHalves(k));
  }

  update(lanes: readonly bigint[]): void {
    const { v0, v1, mul0, mul1 } = this;
    for (let i = 0; i < 4; i++) {
      v1[i] = (v1[i]! + mul0[i]! + lanes[i]!) & MASK64;
      mul0[i] = mul0[i]! ^ ((v1[i]! & LO32) * (v0[i]! >> 32n));
      v0[i] = (v0[i]! + mul1[i]!) & MASK64;
      mul1[i] = mul1[i]! ^ ((v0[i]! & LO32) * (v1[i]! >> 32n));
    }
    zipperAdd(v1, 1, 0, v0);
    zipperAdd(v1, 3, 2, v0);
    zipperAdd(v0, 1, 0, v1);
    zipperAdd(v0, 3, 2, v1);
  }

  /** The last size%32 bytes (HighwayHash's remainder rule: length folded into v0, v1 rotated, bytes placed in one packet). */
  remainder(bytes: Uint8Array): void {
    const size = bytes.length;
    for (let i = 0; i < 4; i++) this.v0[i] = (this.v0[i]! + ((BigInt(size) << 32n) + BigInt(size))) & MASK64;
    for (let i = 0; i < 4; i++) this.v1[i] = rotateHalves(this.v1[i]!, size);
    const packet = new Uint8Array(32);
    const whole4 = size & ~3;
    const mod4 = size & 3;
    packet.set(bytes.subarray(0, whole4));
    if (size & 16) {
      for (let i = 0; i < 4; i++) packet[28 + i] = bytes[whole4 + i + mod4 - 4]!;
    } else if (mod4 !== 0) {
      packet[16] = bytes[whole4]!;
      packet[17] = bytes[whole4 + (mod4 >> 1)]!;
      packet[18] = bytes[whole4 + mod4 - 1]!;
    }
    this.update(lanesOf(packet, 0));
  }

  permuteAndUpdate(): void {
    const v = this.v0;
    this.update([swapHalves(v[2]!), swapHalves(v[3]!), swapHalves(v[0]!), swapHalves(v[1]!)]);
  }
}

/** Each 32-bit half of `x` rotated left by `n` (0 < n < 32, or 0). */
function rotateHalves(x: bigint, n: number): bigint {
  if (n === 0) return x;
  const r = (h: bigint): bigint => ((h << BigInt(n)) | (h >> BigInt(32 - n))) & LO32;
  return (r(x >> 32n) << 32n) | r(x & LO32);
}

/** HighwayHash's byte shuffle of lanes (hi, lo) of `from`, added into the same lanes of `to`. */
function zipperAdd(from: readonly bigint[], hi: number, lo: number, to: bigint[]): void {
  const a = from[hi]!;
  const b = from[lo]!;
  const byte = (x: bigint, k: number): bigint => (x >> BigInt(8 * k)) & 0xffn;
  // Output byte k of the low lane / high lane, as the reference's masks and shifts place them.
  const loBytes = [byte(b, 3), byte(a, 4), byte(b, 2), byte(b, 5), byte(a, 6), byte(b, 1), byte(a, 7), byte(b, 0)];
  const hiBytes = [byte(a, 3), byte(b, 4), byte(a, 2), byte(a, 5), byte(a, 1), byte(b, 6), byte(a, 0), byte(b, 7)];
  let addLo = 0n;
  let addHi = 0n;
  for (let k = 0; k < 8; k++) {
    addLo |= loBytes[k]! << BigInt(8 * k);
    addHi |= hiBytes[k]! << BigInt(8 * k);
  }
  to[lo] = (to[lo]! + addLo) & MASK64;
  to[hi] = (to[hi]! + addHi) & MASK64;
}

function lanesOf(b: Uint8Array, at: number): bigint[] {
  const dv = new DataView(b.buffer, b.byteOffset + at, 32);
  return [0, 8, 16, 24].map((o) => dv.getBigUint64(o, true));
}

/** HighwayHash-128 of `data` under the 4-lane `key`: [word0, word1]. */
export function highwayHash128(key: readonly bigint[], data: Uint8Array): [bigint, bigint] {
  const s = new HighwayState(key);
  let i = 0;
  for (; i + 32 <= data.length; i += 32) s.update(lanesOf(data, i));
  if ((data.length & 31) !== 0) s.remainder(data.subarray(i));
  for (let r = 0; r < 6; r++) s.permuteAndUpdate();
  const w0 = (s.v0[0]! + s.mul0[0]! + s.v1[2]! + s.mul1[2]!) & MASK64;
  const w1 = (s.v0[1]! + s.mul0[1]! + s.v1[3]! + s.mul1[3]!) & MASK64;
  return [w0, w1];
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
  private readonly key: bigint[];
  constructor(salt = DEFAULT_DIGEST_SALT) {
    this.key = hashKeyFromSalt(salt);
  }

  /** The fuid of a file handle (a latin1 string: one byte per character). */
  fuid(handle: string): string {
    const [w0, w1] = highwayHash128(this.key, Buffer.from(handle, "latin1"));
    // A 96-bit UID from two words: the first keeps its top 32 bits.
    const first = base62Halves(0, Number(w0 >> 32n));
    const second = base62Halves(Number(w1 >> 32n), Number(w1 & LO32));
    return `F${first}${second}`;
  }
}
