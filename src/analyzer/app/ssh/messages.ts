/**
 * The clear-text SSH messages Zeek's SSH analyzer reads (RFC 4253, 4419,
 * 4432, 4462, 5656; SSH1's public key), parsed out of one complete binary
 * packet, and the bounds checks binpac makes on them: a field that runs
 * past its record is a ParseError with binpac's text
 * ("out_of_bound: TYPE:FIELD: needed > given", offsets from the packet's
 * start), a message type a key-exchange method does not define is
 * "invalid index for case: TYPE: N".
 */
import { u16, u32 } from "../../../packet/bytes.js";
import { ParseError } from "./flow.js";

/**
 * Reads one binpac record: fields within [pos, end), bounds reported as
 * binpac does, as offsets from the record's start (`base`) to the end of the
 * data its parent handed it.
 */
export class Reader {
  constructor(
    readonly b: Uint8Array,
    readonly base: number,
    public pos: number,
    public end: number,
  ) {}

  /** The next `n` bytes exist (binpac checks a run of fixed-size fields once, at its last field: `where`). */
  need(n: number, where: string): void {
    if (this.pos + n > this.end) throw new ParseError(`out_of_bound: ${where}: ${this.pos - this.base + n} > ${this.end - this.base}`);
  }

  u8(): number {
    return this.b[this.pos++]!;
  }

  u16(): number {
    const v = u16(this.b, this.pos);
    this.pos += 2;
    return v;
  }

  u32(): number {
    const v = u32(this.b, this.pos);
    this.pos += 4;
    return v;
  }

  /** `n` bytes of a field with binpac's &length (a view). */
  bytes(n: number, where: string): Uint8Array {
    this.need(n, where);
    const v = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** A nested record of `n` bytes (binpac's &length, checked in the record's own terms); this reader moves past it. */
  sub(n: number, where: string): Reader {
    if (this.pos + n > this.end) throw new ParseError(`out_of_bound: ${where}: ${n} > ${this.end - this.pos}`);
    const r = new Reader(this.b, this.pos, this.pos, this.pos + n);
    this.pos += n;
    return r;
  }

  /** A nested record without a length of its own: it may use the rest; move past what it used with `skip`. */
  rest(): Reader {
    return new Reader(this.b, this.pos, this.pos, this.end);
  }

  skip(to: Reader): void {
    this.pos = to.pos;
  }
}

/** SSH2 message numbers. */
export const MSG_KEXINIT = 20;
export const MSG_NEWKEYS = 21;
/** SSH1 message numbers. */
export const SSH_SMSG_PUBLIC_KEY = 2;
export const SSH_CMSG_SESSION_KEY = 3;

/** Zeek's per-side parse states (consts.pac). */
export const enum State {
  VersionExchange = 0,
  KexInit = 1,
  KexDhGex = 2,
  KexDh = 3,
  KexEcc = 4,
  KexGss = 5,
  KexRsa = 6,
  Encrypted = 7,
}

/** Zeek's protocol versions (consts.pac); SSH199 is "1.99", either. */
export const enum Version {
  SSH1 = 1,
  SSH2 = 2,
  Unknown = 3,
  SSH199 = 4,
}

/**
 * The key-exchange method's state for the negotiated algorithm, or null for
 * one Zeek does not know (the ssh_unknown_kex_algorithm weird). The order
 * of the checks is Zeek's.
 */
export function kexState(alg: string): State | null {
  switch (alg) {
    case "rsa1024-sha1":
    case "rsa2048-sha256":
      return State.KexRsa;
    case "diffie-hellman-group1-sha1":
    case "diffie-hellman-group14-sha1":
    case "diffie-hellman-group14-sha256":
    case "diffie-hellman-group16-sha512":
    case "diffie-hellman-group18-sha512":
      return State.KexDh;
    case "diffie-hellman-group-exchange-sha1":
    case "diffie-hellman-group-exchange-sha256":
      return State.KexDhGex;
    case "ecmqv-sha2":
      return State.KexEcc;
  }
  if (alg.startsWith("gss-")) return State.KexGss;
  if (alg.startsWith("ecdh-sha2-") || alg.startsWith("curve25519-sha256") || alg.startsWith("sntrup761x25519-sha512") || alg.startsWith("mlkem"))
    return State.KexEcc;
  return null;
}
