/**
 * Builders of QUIC packets for tests: frames, long and short headers, and
 * Initial packets protected as a client or server protects them
 * (AES-128-GCM with the Initial keys, then header protection: RFC 9001 §5),
 * so that the analyzer's decryption is tested against an independent
 * encryption.
 */
import { createCipheriv } from "node:crypto";
import { initialKeys } from "../../../src/analyzer/app/quic/crypto.js";
import { cat } from "../../helpers/tls.js";

export const V1 = 0x00000001;
export const V2 = 0x6b3343cf;

/** A variable-length integer (RFC 9000 §16) in the fewest bytes, or in `size` bytes. */
export function varint(v: number, size = v < 64 ? 1 : v < 16384 ? 2 : v < 2 ** 30 ? 4 : 8): number[] {
  const out: number[] = [];
  let x = BigInt(v);
  for (let i = 0; i < size; i++) {
    out.unshift(Number(x & 0xffn));
    x >>= 8n;
  }
  out[0]! |= { 1: 0x00, 2: 0x40, 4: 0x80, 8: 0xc0 }[size]!;
  return out;
}

export function hex(s: string): Uint8Array {
  return Uint8Array.from(Buffer.from(s.replace(/\s+/g, ""), "hex"));
}

export const cryptoFrame = (offset: number, data: Uint8Array): Uint8Array => cat([0x06, ...varint(offset), ...varint(data.length)], data);
export const padding = (n: number): Uint8Array => new Uint8Array(n);
export const ping = (): Uint8Array => Uint8Array.of(0x01);
/** ACK (0x02) of packet `largest`, or with ECN counts (0x03). */
export const ack = (largest: number, ecn = false): Uint8Array => cat([ecn ? 0x03 : 0x02, ...varint(largest), 0, 0, 0], ecn ? [1, 2, 3] : []);
/** CONNECTION_CLOSE (0x1c) with `code` and a reason. */
export const connectionClose = (code: number, reason: string): Uint8Array => cat([0x1c, ...varint(code), 0x00, ...varint(reason.length)], reason);

/** The long-header packet type bits of v1's types for `version`. */
function typeBits(version: number, type: "initial" | "0rtt" | "handshake" | "retry"): number {
  const v1 = { initial: 0, "0rtt": 1, handshake: 2, retry: 3 }[type];
  return version === V2 ? [1, 2, 3, 0][v1]! : v1;
}

function longStart(version: number, type: "initial" | "0rtt" | "handshake" | "retry", dcid: Uint8Array, scid: Uint8Array, low = 0): Uint8Array {
  return cat(
    [0xc0 | (typeBits(version, type) << 4) | low, (version >>> 24) & 0xff, (version >>> 16) & 0xff, (version >>> 8) & 0xff, version & 0xff],
    [dcid.length],
    dcid,
    [scid.length],
    scid,
  );
}

export interface InitialOptions {
  version?: number;
  dcid: Uint8Array;
  scid?: Uint8Array;
  token?: Uint8Array;
  /** The packet number and its length (1-4 bytes). */
  pn?: number;
  pnLength?: number;
  /** The client's first DCID, whose keys protect the packet (default: dcid). */
  keysDcid?: Uint8Array;
  fromClient: boolean;
}

/** A protected Initial packet carrying `frames` (padded to at least 20 bytes of payload, as the sample needs). */
export function initial(o: InitialOptions, ...frames: Uint8Array[]): Uint8Array {
  const version = o.version ?? V1;
  const pnLength = o.pnLength ?? 2;
  const pn = o.pn ?? 0;
  let plain = cat(...frames);
  if (plain.length < 20) plain = cat(plain, padding(20 - plain.length));
  const keys = initialKeys(version, o.keysDcid ?? o.dcid, o.fromClient)!;
  const token = o.token ?? new Uint8Array(0);
  const length = pnLength + plain.length + 16;
  const pnBytes: number[] = [];
  for (let i = pnLength - 1; i >= 0; i--) pnBytes.push((pn >>> (8 * i)) & 0xff);
  const header = cat(longStart(version, "initial", o.dcid, o.scid ?? new Uint8Array(0), pnLength - 1), varint(token.length), token, varint(length, 2), pnBytes);
  const nonce = Buffer.from(keys.iv);
  for (let i = 0; i < 4; i++) nonce[11 - i] = nonce[11 - i]! ^ ((pn >>> (8 * i)) & 0xff);
  const gcm = createCipheriv("aes-128-gcm", keys.key, nonce);
  gcm.setAAD(header);
  const sealed = cat(gcm.update(plain), gcm.final(), gcm.getAuthTag());
  const pnAt = header.length - pnLength;
  const sample = sealed.subarray(4 - pnLength, 4 - pnLength + 16);
  const mask = createCipheriv("aes-128-ecb", keys.hp, null).setAutoPadding(false).update(sample);
  const out = cat(header, sealed);
  out[0] = out[0]! ^ (mask[0]! & 0x0f);
  for (let i = 0; i < pnLength; i++) out[pnAt + i] = out[pnAt + i]! ^ mask[1 + i]!;
  return out;
}

/** A Handshake or 0-RTT packet (its payload is not read: any bytes). */
export function longPacket(type: "handshake" | "0rtt", dcid: Uint8Array, scid: Uint8Array, payload = new Uint8Array(24).fill(0x55), version = V1): Uint8Array {
  return cat(longStart(version, type, dcid, scid), varint(payload.length, 2), payload);
}

/** A Retry packet with its token and a 16-byte integrity tag. */
export function retry(dcid: Uint8Array, scid: Uint8Array, token: Uint8Array, tag = new Uint8Array(16).fill(0x77), version = V1): Uint8Array {
  return cat(longStart(version, "retry", dcid, scid), token, tag);
}

/** A short-header (1-RTT) packet. */
export function short(dcid: Uint8Array, payload = new Uint8Array(30).fill(0x33)): Uint8Array {
  return cat([0x40], dcid, payload);
}

/** A packet with the fixed bit 0 (RFC 9000 §17: to be discarded). */
export function fixedBitZero(n = 30): Uint8Array {
  return cat([0x80], new Uint8Array(n - 1).fill(0x11));
}
