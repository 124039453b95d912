/**
 * TLS 1.2 decryption with known secrets (Zeek's SSL analyzer's
 * TryDecryptApplicationData; RFC 5246 sections 5 and 6.3, RFC 5288, RFC 7905).
 *
 * Given a session's master secret (Zeek's set_secret) the key block is
 * derived with the TLS 1.2 PRF (P_hash over HMAC with the cipher suite's
 * hash): PRF(master_secret, "key expansion", server_random + client_random).
 * AEAD suites have no MAC keys: the block holds the client's and the
 * server's write keys, then their IVs (AES-GCM: 4-byte salts; ChaCha20-
 * Poly1305: 12 bytes). Given the key block itself (Zeek's set_keys), no
 * derivation.
 *
 * An AES-GCM record is [8-byte explicit nonce][ciphertext][16-byte tag], its
 * nonce salt + explicit nonce; a ChaCha20-Poly1305 record [ciphertext][tag],
 * its nonce the IV XOR the sequence number. The additional data is the
 * record's sequence number (8 bytes), type, version and plaintext length.
 *
 * Zeek decrypts TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 only; bronze decrypts
 * the TLS 1.2 AES-GCM suites (RSA, DHE and ECDHE key exchanges with RSA or
 * ECDSA certificates) and the ChaCha20-Poly1305 ones.
 */
import { createDecipheriv, createHmac } from "node:crypto";

/** What a cipher suite asks of the decryption: its PRF hash, its AEAD, its keys' and IVs' lengths. */
export interface AeadSuite {
  readonly hash: "sha256" | "sha384";
  readonly algorithm: "aes-128-gcm" | "aes-256-gcm" | "chacha20-poly1305";
  readonly keyLength: 16 | 32;
  /** AES-GCM's implicit 4-byte salt (the rest of the nonce is explicit, in the record); ChaCha20-Poly1305's 12-byte IV. */
  readonly ivLength: 4 | 12;
}

const AES128: AeadSuite = { hash: "sha256", algorithm: "aes-128-gcm", keyLength: 16, ivLength: 4 };
const AES256: AeadSuite = { hash: "sha384", algorithm: "aes-256-gcm", keyLength: 32, ivLength: 4 };
const CHACHA20: AeadSuite = { hash: "sha256", algorithm: "chacha20-poly1305", keyLength: 32, ivLength: 12 };

/** The TLS 1.2 AEAD cipher suites bronze decrypts (RFC 5288, RFC 5289, RFC 7905). */
const AEAD_SUITES: ReadonlyMap<number, AeadSuite> = new Map([
  [0x009c, AES128], // TLS_RSA_WITH_AES_128_GCM_SHA256
  [0x009d, AES256], // TLS_RSA_WITH_AES_256_GCM_SHA384
  [0x009e, AES128], // TLS_DHE_RSA_WITH_AES_128_GCM_SHA256
  [0x009f, AES256], // TLS_DHE_RSA_WITH_AES_256_GCM_SHA384
  [0xc02b, AES128], // TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
  [0xc02c, AES256], // TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384
  [0xc02f, AES128], // TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
  [0xc030, AES256], // TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
  [0xcca8, CHACHA20], // TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256
  [0xcca9, CHACHA20], // TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256
  [0xccaa, CHACHA20], // TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256
]);

/** The suite's decryption parameters, undefined when bronze cannot decrypt it. */
export function aeadSuite(cipher: number): AeadSuite | undefined {
  return AEAD_SUITES.get(cipher);
}

/** The length of an AEAD suite's key block: two write keys, two IVs (no MAC keys). */
export function keyBlockLength(suite: AeadSuite): number {
  return 2 * suite.keyLength + 2 * suite.ivLength;
}

/** RFC 5246's PRF for TLS 1.2: P_hash(secret, label + seed), `length` bytes. */
export function tls12Prf(hash: "sha256" | "sha384", secret: Uint8Array, label: string, seed: Uint8Array, length: number): Uint8Array {
  const labelSeed = Buffer.concat([Buffer.from(label, "latin1"), seed]);
  const out = new Uint8Array(length);
  let a: Uint8Array = labelSeed; // A(0)
  let filled = 0;
  while (filled < length) {
    a = createHmac(hash, secret).update(a).digest();
    const block = createHmac(hash, secret).update(a).update(labelSeed).digest();
    const n = Math.min(block.length, length - filled);
    out.set(block.subarray(0, n), filled);
    filled += n;
  }
  return out;
}

/** The 13 bytes of additional data an AEAD record is authenticated with (RFC 5246 6.2.3.3). */
function additionalData(seq: bigint, contentType: number, version: number, length: number): Buffer {
  const ad = Buffer.alloc(13);
  ad.writeBigUInt64BE(seq, 0);
  ad[8] = contentType;
  ad.writeUInt16BE(version & 0xffff, 9);
  ad.writeUInt16BE(length, 11);
  return ad;
}

/** AES-GCM's explicit nonce, before the ciphertext; the tag after it (both AEADs). */
const EXPLICIT_NONCE = 8;
const TAG = 16;

/**
 * Decrypts one record's body with a write key and IV: AES-GCM's nonce is
 * the salt and the record's explicit nonce (RFC 5288), ChaCha20-Poly1305's
 * the IV XOR the sequence number (RFC 7905). Null when the body is too
 * short or does not authenticate (a wrong secret, a wrong sequence number).
 */
export function openAeadRecord(
  suite: AeadSuite,
  key: Uint8Array,
  iv: Uint8Array,
  seq: bigint,
  contentType: number,
  version: number,
  body: Uint8Array,
): Uint8Array | null {
  const explicit = suite.ivLength === 4 ? EXPLICIT_NONCE : 0;
  if (body.length <= explicit + TAG) return null;
  const length = body.length - explicit - TAG;
  let nonce: Buffer;
  if (explicit > 0) nonce = Buffer.concat([iv, body.subarray(0, explicit)]);
  else {
    nonce = Buffer.from(iv);
    const padded = Buffer.alloc(12);
    padded.writeBigUInt64BE(seq, 4);
    for (let i = 0; i < 12; i++) nonce[i]! ^= padded[i]!;
  }
  try {
    const decipher =
      suite.algorithm === "chacha20-poly1305"
        ? createDecipheriv(suite.algorithm, key, nonce, { authTagLength: TAG })
        : createDecipheriv(suite.algorithm, key, nonce);
    decipher.setAAD(additionalData(seq, contentType, version, length), { plaintextLength: length });
    decipher.setAuthTag(body.subarray(explicit + length));
    const head = decipher.update(body.subarray(explicit, explicit + length));
    const tail = decipher.final();
    return tail.length === 0 ? head : Buffer.concat([head, tail]);
  } catch {
    return null;
  }
}

/**
 * One connection's decryption state: the secret or key block the scripts
 * set, the randoms of its hellos, each side's record count since its
 * ChangeCipherSpec.
 */
export class TlsDecryptor {
  private secret: Uint8Array | null = null;
  private keys: Uint8Array | null = null;
  /** Set once a record failed to decrypt: as Zeek, nothing later is tried. */
  failed = false;

  /** Zeek's set_secret: the session's master secret (keys are derived from it at the first record). */
  setSecret(secret: Uint8Array): void {
    this.secret = secret;
    this.keys = null;
  }

  /** Zeek's set_keys: the key block itself. */
  setKeys(keys: Uint8Array): void {
    this.keys = keys;
  }

  /**
   * One encrypted application-data record of the client's side or the
   * server's; its plaintext, or null (and no more tries) when it cannot be
   * decrypted.
   */
  decrypt(
    isClient: boolean,
    seq: number,
    cipher: number,
    clientRandom: Uint8Array | null,
    serverRandom: Uint8Array | null,
    contentType: number,
    version: number,
    body: Uint8Array,
  ): Uint8Array | null {
    if (this.failed) return null;
    const suite = aeadSuite(cipher);
    const keys = suite === undefined ? null : this.keyBlock(suite, clientRandom, serverRandom);
    let plain: Uint8Array | null = null;
    if (suite !== undefined && keys !== null) {
      const k = suite.keyLength;
      const n = suite.ivLength;
      const key = isClient ? keys.subarray(0, k) : keys.subarray(k, 2 * k);
      const iv = isClient ? keys.subarray(2 * k, 2 * k + n) : keys.subarray(2 * k + n, 2 * k + 2 * n);
      plain = openAeadRecord(suite, key, iv, BigInt(seq), contentType, version, body);
    }
    if (plain === null) this.failed = true;
    return plain;
  }

  /** The key block set, or derived from the secret and the randoms (once); null when neither can be had. */
  private keyBlock(suite: AeadSuite, clientRandom: Uint8Array | null, serverRandom: Uint8Array | null): Uint8Array | null {
    const length = keyBlockLength(suite);
    if (this.keys === null) {
      if (this.secret === null || clientRandom === null || serverRandom === null) return null;
      this.keys = tls12Prf(suite.hash, this.secret, "key expansion", Buffer.concat([serverRandom, clientRandom]), length);
    }
    return this.keys.length === length ? this.keys : null;
  }
}
