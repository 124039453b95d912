/**
 * TLS 1.2 decryption with known secrets (Zeek's SSL analyzer's
 * TryDecryptApplicationData, RFC 5246 section 5 and 6.3, RFC 5288).
 *
 * Given a session's master secret (Zeek's set_secret) the key block is
 * derived with the TLS 1.2 PRF (P_hash over HMAC with the cipher suite's
 * hash): PRF(master_secret, "key expansion", server_random + client_random).
 * With AES-GCM (RFC 5288) there are no MAC keys: the block holds the
 * client's and the server's write keys, then their 4-byte implicit IVs
 * (salts). Given the key block itself (Zeek's set_keys), no derivation.
 *
 * Each application-data record is [8-byte explicit nonce][ciphertext][16-byte
 * tag]; the nonce is salt + explicit nonce, the additional data the record's
 * sequence number (8 bytes), its type, version and plaintext length.
 *
 * Zeek decrypts TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 only; bronze decrypts
 * the TLS 1.2 AES-GCM suites (RSA, DHE and ECDHE key exchanges with RSA or
 * ECDSA certificates): their key block and records have the same shape.
 */
import { createDecipheriv, createHmac } from "node:crypto";

/** What a cipher suite asks of the decryption. */
export interface GcmSuite {
  readonly hash: "sha256" | "sha384";
  readonly keyLength: 16 | 32;
}

const AES128: GcmSuite = { hash: "sha256", keyLength: 16 };
const AES256: GcmSuite = { hash: "sha384", keyLength: 32 };

/** The TLS 1.2 AES-GCM cipher suites (RFC 5288, RFC 5289). */
const GCM_SUITES: ReadonlyMap<number, GcmSuite> = new Map([
  [0x009c, AES128], // TLS_RSA_WITH_AES_128_GCM_SHA256
  [0x009d, AES256], // TLS_RSA_WITH_AES_256_GCM_SHA384
  [0x009e, AES128], // TLS_DHE_RSA_WITH_AES_128_GCM_SHA256
  [0x009f, AES256], // TLS_DHE_RSA_WITH_AES_256_GCM_SHA384
  [0xc02b, AES128], // TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
  [0xc02c, AES256], // TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384
  [0xc02f, AES128], // TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
  [0xc030, AES256], // TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
]);

/** The suite's decryption parameters, undefined when bronze cannot decrypt it. */
export function gcmSuite(cipher: number): GcmSuite | undefined {
  return GCM_SUITES.get(cipher);
}

/** The length of an AES-GCM suite's key block: two write keys, two 4-byte salts. */
export function keyBlockLength(suite: GcmSuite): number {
  return 2 * suite.keyLength + 8;
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

/** An AES-GCM record body: explicit nonce, at least one byte, tag. */
const NONCE = 8;
const TAG = 16;

/**
 * Decrypts one AES-GCM record's body with a write key and salt; null when
 * it is too short or does not authenticate (a wrong secret, a wrong
 * sequence number).
 */
export function openGcmRecord(
  suite: GcmSuite,
  key: Uint8Array,
  salt: Uint8Array,
  seq: bigint,
  contentType: number,
  version: number,
  body: Uint8Array,
): Uint8Array | null {
  if (body.length <= NONCE + TAG) return null;
  const length = body.length - NONCE - TAG;
  const nonce = Buffer.concat([salt, body.subarray(0, NONCE)]);
  try {
    const decipher = createDecipheriv(suite.keyLength === 16 ? "aes-128-gcm" : "aes-256-gcm", key, nonce);
    decipher.setAAD(additionalData(seq, contentType, version, length));
    decipher.setAuthTag(body.subarray(NONCE + length));
    const head = decipher.update(body.subarray(NONCE, NONCE + length));
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
    const suite = gcmSuite(cipher);
    const keys = suite === undefined ? null : this.keyBlock(suite, clientRandom, serverRandom);
    let plain: Uint8Array | null = null;
    if (suite !== undefined && keys !== null) {
      const k = suite.keyLength;
      const key = isClient ? keys.subarray(0, k) : keys.subarray(k, 2 * k);
      const salt = isClient ? keys.subarray(2 * k, 2 * k + 4) : keys.subarray(2 * k + 4, 2 * k + 8);
      plain = openGcmRecord(suite, key, salt, BigInt(seq), contentType, version, body);
    }
    if (plain === null) this.failed = true;
    return plain;
  }

  /** The key block set, or derived from the secret and the randoms (once); null when neither can be had. */
  private keyBlock(suite: GcmSuite, clientRandom: Uint8Array | null, serverRandom: Uint8Array | null): Uint8Array | null {
    const length = keyBlockLength(suite);
    if (this.keys === null) {
      if (this.secret === null || clientRandom === null || serverRandom === null) return null;
      this.keys = tls12Prf(suite.hash, this.secret, "key expansion", Buffer.concat([serverRandom, clientRandom]), length);
    }
    return this.keys.length === length ? this.keys : null;
  }
}
