/**
 * Kerberos decryption of an EncryptedData with a long-term key, for the
 * tickets a keytab opens (keytab.ts). The encryption types an MIT library
 * of today decrypts, each from its RFC:
 *
 * - aes128-cts-hmac-sha1-96 (17) and aes256-cts-hmac-sha1-96 (18), RFC 3962
 *   on RFC 3961's simplified profile: keys derived with DK (n-fold of the
 *   usage constant, encrypted and chained to the key's length), AES in CBC
 *   mode with ciphertext stealing, a 16-byte confounder, and HMAC-SHA1 of
 *   the plaintext cut to 96 bits after the ciphertext;
 * - aes128-cts-hmac-sha256-128 (19) and aes256-cts-hmac-sha384-192 (20),
 *   RFC 8009: keys derived with an HMAC-SHA2 counter-mode KDF, the same
 *   ciphertext stealing, and the HMAC taken over the IV and the ciphertext;
 * - arcfour-hmac (23), RFC 4757: RC4 keyed by HMAC-MD5 of the usage and of
 *   the checksum that leads the ciphertext.
 *
 * Derived keys are worth keeping (a keytab's key opens many tickets):
 * `UsageKeys` computes them once per key and usage. Not on the packet path:
 * only a ticket of an AP-REQ, with a keytab configured, comes here.
 */
import { createCipheriv, createDecipheriv, createHmac, timingSafeEqual } from "node:crypto";

export const ETYPE_AES128_SHA1 = 17;
export const ETYPE_AES256_SHA1 = 18;
export const ETYPE_AES128_SHA256 = 19;
export const ETYPE_AES256_SHA384 = 20;
export const ETYPE_RC4_HMAC = 23;

/** Whether `etype` is one this module decrypts. */
export function supportedEtype(etype: number): boolean {
  return (etype >= ETYPE_AES128_SHA1 && etype <= ETYPE_AES256_SHA384) || etype === ETYPE_RC4_HMAC;
}

const BLOCK = 16;

/**
 * RFC 3961 §5.1's n-fold: the input, repeated to the least common multiple
 * of its length and `outBytes` (in bits), each repetition rotated right by
 * 13 bits more than the one before, cut into `outBytes` pieces that are
 * added with end-around carry. In BigInts: short inputs, done once per key.
 */
export function nfold(input: Uint8Array, outBytes: number): Uint8Array {
  const k = input.length * 8;
  const n = outBytes * 8;
  const lcm = (k * n) / gcd(k, n);
  const mask = (1n << BigInt(k)) - 1n;
  const x = BigInt(`0x${Buffer.from(input).toString("hex")}`);
  const rotr = (v: bigint, r: number): bigint => {
    const s = BigInt(r % k);
    return s === 0n ? v : ((v >> s) | (v << (BigInt(k) - s))) & mask;
  };
  let all = 0n;
  for (let i = 0; i < lcm / k; i++) all = (all << BigInt(k)) | rotr(x, 13 * i);
  const outMask = (1n << BigInt(n)) - 1n;
  let sum = 0n;
  for (let i = 0; i < lcm / n; i++) sum += (all >> BigInt(i * n)) & outMask;
  while (sum > outMask) sum = (sum & outMask) + (sum >> BigInt(n));
  return Uint8Array.from(Buffer.from(sum.toString(16).padStart(outBytes * 2, "0"), "hex"));
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

function aesName(key: Uint8Array): string {
  return key.length === 16 ? "aes-128-ecb" : "aes-256-ecb";
}

/** One AES block encrypted (ECB: CBC with a zero IV over one block). */
function aesEncryptBlock(key: Uint8Array, block: Uint8Array): Uint8Array {
  const c = createCipheriv(aesName(key), key, null).setAutoPadding(false);
  return new Uint8Array(Buffer.concat([c.update(block), c.final()]));
}

/**
 * AES-CBC with ciphertext stealing, decrypting, IV zero (RFC 3962 §5,
 * NIST's CBC-CS3: the last two blocks always swapped, the last one possibly
 * partial). Null for less than one block.
 */
export function aesCtsDecrypt(key: Uint8Array, data: Uint8Array): Uint8Array | null {
  const len = data.length;
  if (len < BLOCK) return null;
  const d = createDecipheriv(aesName(key), key, null).setAutoPadding(false);
  const dec = (block: Uint8Array): Uint8Array => new Uint8Array(d.update(block));
  const out = new Uint8Array(len);
  const blocks = Math.ceil(len / BLOCK);
  if (blocks === 1) {
    out.set(dec(data));
    return out;
  }
  // Blocks before the last two: plain CBC.
  let prev: Uint8Array = new Uint8Array(BLOCK);
  for (let b = 0; b < blocks - 2; b++) {
    const c = data.subarray(b * BLOCK, (b + 1) * BLOCK);
    const p = dec(c);
    for (let i = 0; i < BLOCK; i++) out[b * BLOCK + i] = p[i]! ^ prev[i]!;
    prev = c;
  }
  const at = (blocks - 2) * BLOCK;
  const tail = len - at - BLOCK; // 1 to 16 bytes of the last (stolen-from) block
  // The second-to-last block on the wire is the encryption of the last plaintext block.
  const dn = dec(data.subarray(at, at + BLOCK));
  const last = data.subarray(at + BLOCK, len);
  const full = new Uint8Array(BLOCK);
  full.set(last);
  full.set(dn.subarray(tail), tail);
  for (let i = 0; i < tail; i++) out[at + BLOCK + i] = dn[i]! ^ last[i]!;
  const p = dec(full);
  for (let i = 0; i < BLOCK; i++) out[at + i] = p[i]! ^ prev[i]!;
  return out;
}

/** RFC 3961's DK for AES (its random-to-key is the identity): n-fold the constant, encrypt, chain. */
function deriveKeyDk(base: Uint8Array, constant: Uint8Array): Uint8Array {
  const out = new Uint8Array(base.length);
  let block = nfold(constant, BLOCK);
  for (let have = 0; have < out.length; have += BLOCK) {
    block = aesEncryptBlock(base, block);
    out.set(block.subarray(0, Math.min(BLOCK, out.length - have)), have);
  }
  return out;
}

/** RFC 8009's KDF-HMAC-SHA2 with an empty context: one HMAC of the counter 1, the label, a zero byte and the length in bits. */
function deriveKeySha2(base: Uint8Array, label: Uint8Array, bits: number, hash: string): Uint8Array {
  const input = new Uint8Array(4 + label.length + 1 + 4);
  const v = new DataView(input.buffer);
  v.setUint32(0, 1);
  input.set(label, 4);
  v.setUint32(input.length - 4, bits);
  return new Uint8Array(
    createHmac(hash, base)
      .update(input)
      .digest()
      .subarray(0, bits / 8),
  );
}

function usageConstant(usage: number, suffix: number): Uint8Array {
  const c = new Uint8Array(5);
  new DataView(c.buffer).setUint32(0, usage);
  c[4] = suffix;
  return c;
}

/** A MAC check (in constant time, as a MAC is compared). */
function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** RC4's keystream applied to `data` (the cipher is not in every OpenSSL build's default provider). */
function rc4(key: Uint8Array, data: Uint8Array): Uint8Array {
  const s = new Uint8Array(256);
  for (let i = 0; i < 256; i++) s[i] = i;
  for (let i = 0, j = 0; i < 256; i++) {
    j = (j + s[i]! + key[i % key.length]!) & 0xff;
    const t = s[i]!;
    s[i] = s[j]!;
    s[j] = t;
  }
  const out = new Uint8Array(data.length);
  for (let n = 0, i = 0, j = 0; n < data.length; n++) {
    i = (i + 1) & 0xff;
    j = (j + s[i]!) & 0xff;
    const t = s[i]!;
    s[i] = s[j]!;
    s[j] = t;
    out[n] = data[n]! ^ s[(s[i]! + s[j]!) & 0xff]!;
  }
  return out;
}

/** RFC 4757's key usage numbers where they differ from RFC 4120's (the AS-REP's encrypted part). */
function rc4Usage(usage: number): number {
  return usage === 3 ? 8 : usage;
}

function decryptRc4(key: Uint8Array, usage: number, data: Uint8Array): Uint8Array | null {
  if (data.length < 16 + 8) return null;
  const salt = new Uint8Array(4);
  new DataView(salt.buffer).setUint32(0, rc4Usage(usage), true);
  const k1 = createHmac("md5", key).update(salt).digest();
  const checksum = data.subarray(0, 16);
  const k3 = createHmac("md5", k1).update(checksum).digest();
  const plain = rc4(k3, data.subarray(16));
  const mac = createHmac("md5", k1).update(plain).digest();
  if (!equalBytes(mac, checksum)) return null;
  return plain.subarray(8); // after the confounder
}

/** The keys one long-term key gives for one key usage, derived once. */
interface Derived {
  readonly ke: Uint8Array;
  readonly ki: Uint8Array;
}

/** A long-term key of some encryption type, with the keys derived from it by usage. */
export class UsageKeys {
  private readonly derived = new Map<number, Derived>();

  constructor(
    readonly etype: number,
    readonly key: Uint8Array,
  ) {}

  /** The plaintext of `data` (an EncryptedData's cipher) under `usage`, or null when it does not decrypt and verify. */
  decrypt(usage: number, data: Uint8Array): Uint8Array | null {
    switch (this.etype) {
      case ETYPE_RC4_HMAC:
        return this.key.length === 16 ? decryptRc4(this.key, usage, data) : null;
      case ETYPE_AES128_SHA1:
      case ETYPE_AES256_SHA1:
        return this.decryptSha1(usage, data);
      case ETYPE_AES128_SHA256:
      case ETYPE_AES256_SHA384:
        return this.decryptSha2(usage, data);
      default:
        return null;
    }
  }

  private keysFor(usage: number, derive: (constant: Uint8Array, integrity: boolean) => Uint8Array): Derived {
    let d = this.derived.get(usage);
    if (d === undefined) {
      d = { ke: derive(usageConstant(usage, 0xaa), false), ki: derive(usageConstant(usage, 0x55), true) };
      this.derived.set(usage, d);
    }
    return d;
  }

  private validAesKey(): boolean {
    return this.key.length === (this.etype === ETYPE_AES128_SHA1 || this.etype === ETYPE_AES128_SHA256 ? 16 : 32);
  }

  /** RFC 3962: ciphertext, then HMAC-SHA1-96 of the plaintext (confounder included). */
  private decryptSha1(usage: number, data: Uint8Array): Uint8Array | null {
    const macLen = 12;
    if (!this.validAesKey() || data.length < BLOCK + macLen) return null;
    const { ke, ki } = this.keysFor(usage, (c) => deriveKeyDk(this.key, c));
    const plain = aesCtsDecrypt(ke, data.subarray(0, data.length - macLen));
    if (plain === null) return null;
    const mac = createHmac("sha1", ki).update(plain).digest().subarray(0, macLen);
    if (!equalBytes(mac, data.subarray(data.length - macLen))) return null;
    return plain.subarray(BLOCK);
  }

  /** RFC 8009: ciphertext, then HMAC-SHA256-128 (or SHA384-192) of the zero IV and the ciphertext. */
  private decryptSha2(usage: number, data: Uint8Array): Uint8Array | null {
    const big = this.etype === ETYPE_AES256_SHA384;
    const hash = big ? "sha384" : "sha256";
    const macLen = big ? 24 : 16;
    if (!this.validAesKey() || data.length < BLOCK + macLen) return null;
    const { ke, ki } = this.keysFor(usage, (c, integrity) => deriveKeySha2(this.key, c, integrity ? macLen * 8 : this.key.length * 8, hash));
    const cipher = data.subarray(0, data.length - macLen);
    const mac = createHmac(hash, ki).update(new Uint8Array(BLOCK)).update(cipher).digest().subarray(0, macLen);
    if (!equalBytes(mac, data.subarray(data.length - macLen))) return null;
    const plain = aesCtsDecrypt(ke, cipher);
    return plain === null ? null : plain.subarray(BLOCK);
  }
}
