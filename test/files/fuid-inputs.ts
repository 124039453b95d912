/**
 * Deterministic inputs for the HighwayHash pinning test: lengths 0..299 (every
 * remainder path, several whole blocks) of xorshift32 bytes, and the keys they
 * are hashed under. Shared by the test and by the one-off script that produced
 * its expected digests from the first (BigInt) implementation.
 */
import { DEFAULT_DIGEST_SALT, hashKeyFromSalt } from "../../src/files/fuid.js";

export const PIN_COUNT = 300;

/** Input `n`: `n` pseudo-random bytes, seeded by `n` so each stands alone. */
export function pinInput(n: number): Uint8Array {
  let s = (0x9e3779b9 ^ Math.imul(n + 1, 0x85ebca6b)) >>> 0 || 1;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out[i] = s & 0xff;
  }
  return out;
}

/** The keys: the fuid key, HighwayHash's reference-test key (bytes 0..31), all zeros, all ones. */
export const PIN_KEYS: Record<string, readonly bigint[]> = {
  fuid: hashKeyFromSalt(DEFAULT_DIGEST_SALT),
  reference: [0x0706050403020100n, 0x0f0e0d0c0b0a0908n, 0x1716151413121110n, 0x1f1e1d1c1b1a1918n],
  zeros: [0n, 0n, 0n, 0n],
  ones: [0xffffffffffffffffn, 0xffffffffffffffffn, 0xffffffffffffffffn, 0xffffffffffffffffn],
};

/** A digest as 32 hex digits: word0 then word1, each big-endian. */
export const digestHex = ([w0, w1]: readonly [bigint, bigint]): string => w0.toString(16).padStart(16, "0") + w1.toString(16).padStart(16, "0");
