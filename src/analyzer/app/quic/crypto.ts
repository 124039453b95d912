/**
 * Decryption of QUIC Initial packets, as Zeek's decrypt_crypto.cc does it
 * (RFC 9001 §5; RFC 9369 for QUIC v2): the initial secret is HKDF-Extract of
 * the client's first Destination Connection ID with the version's salt, each
 * side's secret HKDF-Expand-Label of it ("client in" / "server in"), and from
 * that the AEAD key, IV and header-protection key ("quic key", "quic iv",
 * "quic hp"; "quicv2 …" for v2). Header protection is AES-128-ECB of a
 * 16-byte sample taken 4 bytes after the packet number's start; the payload
 * is AES-128-GCM with the unprotected header as associated data.
 *
 * As Zeek, the packet number is the truncated one from the header (Initial
 * packets number from 0) and every failure is an error with Zeek's message,
 * which the analyzer reports as its violation. Derived keys are kept per
 * connection id and side: a connection's Initial packets all use the same.
 */
import { createCipheriv, createDecipheriv, createHmac } from "node:crypto";

/** Zeek's QUIC version numbers (QUIC.spicy's constants). */
export const VERSION_1 = 0x00000001;
export const VERSION_2 = 0x6b3343cf;

/** A decryption failure, worded as Zeek's (QUIC_decrypt_crypto_payload and what it calls). */
export class QuicCryptoError extends Error {}

const INITIAL_SALT_V1 = hex("38762cf7f55934b34d179ae6a4c80cadccbb7f0a");
/** Draft 22 and mvfst faceb001. */
const INITIAL_SALT_D22 = hex("7fbcdb0e7c66bbe9193a96cd21519ebd7a02644a");
/** Drafts 23-28 and mvfst faceb002-faceb013. */
const INITIAL_SALT_D23_D28 = hex("c3eef712c72ebb5a11a7d2432bb46365bef9f502");
/** Drafts 29-32. */
const INITIAL_SALT_D29_D32 = hex("afbfec289993d24c9e9786f19c6111e04390a899");
const INITIAL_SALT_V2 = hex("0dede3def700a6db819381be6e269dcbf9bd2ed9");

const SAMPLE_LENGTH = 16;
const TAG_LENGTH = 16;
const MAX_PACKET_NUMBER_LENGTH = 4;

function hex(s: string): Buffer {
  return Buffer.from(s, "hex");
}

/** QuicPacketProtectionV1::Supports: v1, drafts 22-34, Facebook's mvfst versions. */
function isV1Family(v: number): boolean {
  return v === VERSION_1 || (v >= 0xff000016 && v <= 0xff000022) || v === 0xfaceb001 || (v >= 0xfaceb002 && v <= 0xfaceb013);
}

/** The version's initial salt (GetInitialSalt), null when Zeek cannot decrypt it. */
function initialSalt(v: number): Buffer | null {
  if (v === VERSION_2) return INITIAL_SALT_V2;
  if (!isV1Family(v)) return null;
  if (v === 0xff000016 || v === 0xfaceb001) return INITIAL_SALT_D22;
  if ((v >= 0xff000017 && v <= 0xff00001c) || (v >= 0xfaceb002 && v <= 0xfaceb013)) return INITIAL_SALT_D23_D28;
  if (v >= 0xff00001d && v <= 0xff000020) return INITIAL_SALT_D29_D32;
  return INITIAL_SALT_V1;
}

/** HKDF-Expand-Label(secret, label, "", length) of TLS 1.3 (RFC 8446 §7.1): one HMAC block, lengths are at most 32. */
function expandLabel(secret: Uint8Array, label: string, length: number): Buffer {
  const full = `tls13 ${label}`;
  const info = Buffer.alloc(4 + full.length);
  info.writeUInt16BE(length, 0);
  info[2] = full.length;
  info.write(full, 3, "latin1");
  info[3 + full.length] = 0; // no context
  return createHmac("sha256", secret).update(info).update(Buffer.of(1)).digest().subarray(0, length);
}

/** One side's Initial keys. */
export interface InitialKeys {
  readonly key: Buffer;
  readonly iv: Buffer;
  readonly hp: Buffer;
}

function deriveKeys(version: number, salt: Buffer, dcid: Uint8Array, fromClient: boolean): InitialKeys {
  const initial = createHmac("sha256", salt).update(dcid).digest(); // HKDF-Extract
  const secret = expandLabel(initial, fromClient ? "client in" : "server in", 32);
  const q = version === VERSION_2 ? "quicv2" : "quic";
  return { key: expandLabel(secret, `${q} key`, 16), iv: expandLabel(secret, `${q} iv`, 12), hp: expandLabel(secret, `${q} hp`, 16) };
}

/** One side's Initial keys for client DCID `dcid` (null: a version Zeek cannot decrypt). */
export function initialKeys(version: number, dcid: Uint8Array, fromClient: boolean): InitialKeys | null {
  const salt = initialSalt(version);
  return salt === null ? null : deriveKeys(version, salt, dcid, fromClient);
}

/** Derived keys of recent connection ids (a connection decrypts several Initial packets with the same). */
const cache = new Map<string, InitialKeys>();
const CACHE_MAX = 256;

function keysFor(version: number, salt: Buffer, dcid: Uint8Array, fromClient: boolean): InitialKeys {
  const id = `${version}|${fromClient ? 1 : 0}|${Buffer.from(dcid.buffer, dcid.byteOffset, dcid.length).toString("hex")}`;
  let keys = cache.get(id);
  if (keys === undefined) {
    keys = deriveKeys(version, salt, dcid, fromClient);
    if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
    cache.set(id, keys);
  }
  return keys;
}

/**
 * Zeek's QUIC_decrypt_crypto_payload: the plaintext frames of the Initial
 * packet `data` (the whole packet, from its first byte), whose packet
 * number starts at `encryptedOffset` and whose Length field said
 * `payloadLength` (packet number, payload and tag), with the keys of the
 * client's first Destination Connection ID `dcid` for side `fromClient`.
 * Throws a QuicCryptoError with Zeek's message when it cannot.
 */
export function decryptInitial(
  version: number,
  data: Uint8Array,
  dcid: Uint8Array,
  encryptedOffset: number,
  payloadLength: number,
  fromClient: boolean,
): Uint8Array {
  if (payloadLength < 20) throw new QuicCryptoError(`payload too small ${payloadLength} < 20`);
  if (data.length < encryptedOffset + payloadLength) throw new QuicCryptoError(`packet too small ${data.length} ${encryptedOffset + payloadLength}`);
  const salt = initialSalt(version);
  if (salt === null) throw new QuicCryptoError(`unable to decrypt QUIC version 0x${version.toString(16)}`);
  const keys = keysFor(version, salt, dcid, fromClient);

  // remove_header_protection
  const sampleAt = encryptedOffset + MAX_PACKET_NUMBER_LENGTH;
  const ecb = createCipheriv("aes-128-ecb", keys.hp, null).setAutoPadding(false);
  const mask = ecb.update(data.subarray(sampleAt, sampleAt + SAMPLE_LENGTH));
  let first = data[0]!;
  first = (first & 0x80) !== 0 ? first ^ (mask[0]! & 0x0f) : first ^ (first & 0x1f);
  const pnLength = (first & 0x03) + 1;
  const headerLength = encryptedOffset + pnLength;
  const header = Buffer.from(data.subarray(0, headerLength));
  header[0] = first;
  let packetNumber = 0;
  for (let i = 0; i < pnLength; i++) {
    header[encryptedOffset + i] = header[encryptedOffset + i]! ^ mask[1 + i]!;
    packetNumber = (packetNumber * 256 + header[encryptedOffset + i]!) >>> 0;
  }

  // calculate_nonce: the IV with the packet number xored into its last bytes
  const nonce = Buffer.from(keys.iv);
  for (let i = 0; i < 4; i++) nonce[11 - i] = nonce[11 - i]! ^ ((packetNumber >>> (8 * i)) & 0xff);

  // decrypt
  if (payloadLength < pnLength + TAG_LENGTH) throw new QuicCryptoError(`payload too small ${payloadLength} < ${pnLength + TAG_LENGTH}`);
  if (payloadLength > 10000) throw new QuicCryptoError(`payload_length too large ${payloadLength}`);
  const size = payloadLength - pnLength - TAG_LENGTH;
  if (data.length < headerLength + size + TAG_LENGTH) throw new QuicCryptoError(`data too short ${data.length} < ${headerLength + size}`);
  const gcm = createDecipheriv("aes-128-gcm", keys.key, nonce);
  gcm.setAAD(header);
  gcm.setAuthTag(data.subarray(headerLength + size, headerLength + size + TAG_LENGTH));
  const plain = gcm.update(data.subarray(headerLength, headerLength + size));
  try {
    gcm.final();
  } catch {
    throw new QuicCryptoError("decryption failed");
  }
  return new Uint8Array(plain.buffer, plain.byteOffset, plain.length);
}
