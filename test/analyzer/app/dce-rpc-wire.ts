/**
 * Wire builders for the DCE-RPC, NTLM and GSSAPI tests: connection-oriented
 * DCE-RPC PDUs (little-endian NDR), NTLMSSP messages and SPNEGO tokens.
 */
import { type Bytes, concat } from "./tcp-conv.js";

export const le16 = (v: number): number[] => [v & 0xff, (v >> 8) & 0xff];
export const le32 = (v: number): number[] => [v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >>> 24) & 0xff];
export const utf16 = (s: string): Uint8Array => Buffer.from(s, "utf16le");

/** The 16 wire bytes of a UUID written as uuid_to_string prints it (first three groups little-endian). */
export function uuidBytes(text: string): number[] {
  const hex = text.replace(/-/g, "");
  const b = (i: number): number => Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return [b(3), b(2), b(1), b(0), b(5), b(4), b(7), b(6), ...Array.from({ length: 8 }, (_, i) => b(8 + i))];
}

export const EPMAPPER = "e1af8308-5d1f-11c9-91a4-08002b14a0fa";
export const WINREG = "338cd001-2244-31f1-aaaa-900038001003";
const NDR = uuidBytes("8a885d04-1ceb-11c9-9fe8-08002b104860");

export interface Auth {
  type: number;
  level?: number;
  ctx?: number;
  blob: Bytes;
}

/** PTYPE numbers. */
export const REQUEST = 0;
export const RESPONSE = 2;
export const BIND = 11;
export const BIND_ACK = 12;
export const ALTER_CONTEXT = 14;
export const AUTH3 = 16;

/** One PDU: header (first+last fragment unless `flags`), body, optional auth trailer. */
export function pdu(ptype: number, body: Bytes, opts: { callId?: number; flags?: number; auth?: Auth; version?: number } = {}): Uint8Array {
  const b = concat(body);
  const auth = opts.auth === undefined ? new Uint8Array(0) : concat([opts.auth.type, opts.auth.level ?? 6, 0, 0], le32(opts.auth.ctx ?? 0), opts.auth.blob);
  const authLength = opts.auth === undefined ? 0 : auth.length - 8;
  const fragLength = 16 + b.length + auth.length;
  return concat([opts.version ?? 5, 0, ptype, opts.flags ?? 3, 0x10, 0, 0, 0], le16(fragLength), le16(authLength), le32(opts.callId ?? 1), b, auth);
}

/** A bind (or alter_context) body with one context per UUID. */
export function bindBody(...uuids: string[]): Uint8Array {
  const ctxs = uuids.map((u, i) => concat(le16(i), [1, 0], uuidBytes(u), le16(3), le16(0), NDR, le32(2)));
  return concat(le16(4280), le16(4280), le32(0), [uuids.length, 0, 0, 0], ...ctxs);
}

/** A bind_ack (or alter_context_resp) body with `n` accepted contexts. */
export function bindAckBody(secAddr: string, n = 1): Uint8Array {
  const head = concat(le16(4280), le16(4280), le32(0x1234), le16(secAddr.length), secAddr);
  const pad = new Uint8Array((4 - (head.length % 4)) % 4);
  const results = Array.from({ length: n }, () => concat(le16(0), le16(0), NDR, le32(2)));
  return concat(head, pad, [n, 0, 0, 0], ...results);
}

export const requestBody = (ctx: number, opnum: number, stub: Bytes = "stub-data"): Uint8Array => concat(le32(100), le16(ctx), le16(opnum), stub);
export const responseBody = (ctx: number, stub: Bytes = "reply"): Uint8Array => concat(le32(100), le16(ctx), [0, 0], stub);

// ---------------------------------------------------------------- NTLMSSP

const SIG = "NTLMSSP\0";
export const F_UNICODE = 0x1;
export const F_REQUEST_TARGET = 0x4;
export const F_TARGET_INFO = 0x00800000;
export const F_VERSION = 0x02000000;
export const F_DOMAIN = 0x1000;
export const F_WORKSTATION = 0x2000;

/** A string field descriptor plus the strings, laid out after a fixed part of `fixed` bytes. */
function layout(fixed: number, values: Uint8Array[]): { fields: Uint8Array[]; payload: Uint8Array } {
  let at = fixed;
  const fields = values.map((v) => {
    const f = concat(le16(v.length), le16(v.length), le32(at));
    at += v.length;
    return f;
  });
  return { fields, payload: concat(...values) };
}

export function ntlmNegotiate(domain: string, workstation: string): Uint8Array {
  const { fields, payload } = layout(32, [utf16(domain), utf16(workstation)]);
  return concat(SIG, le32(1), le32(F_UNICODE | F_DOMAIN | F_WORKSTATION), ...fields, payload);
}

/** An AV pair. */
export const av = (id: number, value: Bytes): Uint8Array => {
  const v = concat(value);
  return concat(le16(id), le16(v.length), v);
};

export function ntlmChallenge(target: string, pairs: Uint8Array[], opts: { terminate?: boolean; flags?: number } = {}): Uint8Array {
  const info = concat(...pairs, opts.terminate === false ? [] : av(0, []));
  const { fields, payload } = layout(48, [utf16(target), info]);
  const flags = opts.flags ?? F_UNICODE | F_REQUEST_TARGET | F_TARGET_INFO;
  return concat(SIG, le32(2), fields[0]!, le32(flags), [1, 2, 3, 4, 5, 6, 7, 8], new Uint8Array(8), fields[1]!, payload);
}

export function ntlmAuthenticate(domain: string, user: string, workstation: string): Uint8Array {
  const { fields, payload } = layout(64, [new Uint8Array(0), Buffer.from("nt-response"), utf16(domain), utf16(user), utf16(workstation), Buffer.from("key")]);
  return concat(SIG, le32(3), ...fields, le32(F_UNICODE), payload);
}

// ---------------------------------------------------------------- SPNEGO

/** A DER element (short or long length). */
export function der(tag: number, ...content: Bytes[]): Uint8Array {
  const body = concat(...content);
  const n = body.length;
  const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return concat([tag, ...len], body);
}

const SPNEGO_OID = der(0x06, [0x2b, 0x06, 0x01, 0x05, 0x05, 0x02]);
const NTLM_OID = der(0x06, [0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x02, 0x0a]);
export const KRB5_OID = der(0x06, [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02]);

/** negTokenInit with the mechanism list and, when given, a mechToken. */
export function negTokenInit(mechToken?: Uint8Array): Uint8Array {
  const args = [der(0xa0, der(0x30, NTLM_OID)), ...(mechToken === undefined ? [] : [der(0xa2, der(0x04, mechToken))])];
  return der(0x60, SPNEGO_OID, der(0xa0, der(0x30, ...args)));
}

/** negTokenResp with negState and, when given, a responseToken. */
export function negTokenResp(state: number, responseToken?: Uint8Array): Uint8Array {
  const args = [der(0xa0, der(0x0a, [state])), ...(responseToken === undefined ? [] : [der(0xa2, der(0x04, responseToken))])];
  return der(0xa1, der(0x30, ...args));
}

/** A Kerberos GSS token: the krb5 OID, the token id, then the message. */
export const krbGssToken = (message: Uint8Array): Uint8Array => der(0x60, KRB5_OID, [0x01, 0x00], message);
