/**
 * Builders of TLS conversations for tests: records, handshake messages,
 * extensions, hellos, and a TCP conversation of alternating flights.
 */

import { handshake, type Seg, tcpTrace } from "../session/harness.js";
import { bytes, concat, type TestPacket } from "./packets.js";

export const u16 = (v: number): number[] => [(v >> 8) & 0xff, v & 0xff];
export const u24 = (v: number): number[] => [(v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff];
export const cat = (...parts: Array<Uint8Array | number[] | string>): Uint8Array =>
  concat(...parts.map((p) => (typeof p === "string" ? bytes(p) : Uint8Array.from(p))));

export function record(type: number, body: Uint8Array, version = 0x0303): Uint8Array {
  return cat([type, ...u16(version), ...u16(body.length)], body);
}
export function hsMsg(type: number, body: Uint8Array): Uint8Array {
  return cat([type, ...u24(body.length)], body);
}
export function ext(type: number, body: Uint8Array): Uint8Array {
  return cat(u16(type), u16(body.length), body);
}
export const sni = (name: string): Uint8Array => ext(0, cat(u16(name.length + 3), [0], u16(name.length), name));
export const alpn = (...protos: string[]): Uint8Array => {
  const list = cat(...protos.map((p) => cat([p.length], p)));
  return ext(16, cat(u16(list.length), list));
};
export const clientVersions = (...vs: number[]): Uint8Array => ext(43, cat([vs.length * 2], ...vs.map(u16)));
export const serverVersion = (v: number): Uint8Array => ext(43, Uint8Array.from(u16(v)));
export const clientKeyShare = (group: number): Uint8Array => {
  const entry = cat(u16(group), u16(32), new Uint8Array(32).fill(7));
  return ext(51, cat(u16(entry.length), entry));
};
export const serverKeyShare = (group: number): Uint8Array => ext(51, cat(u16(group), u16(32), new Uint8Array(32).fill(9)));
export const hrrKeyShare = (group: number): Uint8Array => ext(51, Uint8Array.from(u16(group)));

export function clientHello(o: { version?: number; sessionId?: Uint8Array; ciphers?: number[]; exts?: Uint8Array[] } = {}): Uint8Array {
  const ciphers = o.ciphers ?? [0x1301, 0xc02f, 0x002f];
  const sid = o.sessionId ?? new Uint8Array(0);
  const exts = cat(...(o.exts ?? []));
  return hsMsg(
    1,
    cat(u16(o.version ?? 0x0303), new Uint8Array(32).fill(1), [sid.length], sid, u16(ciphers.length * 2), ...ciphers.map(u16), [1, 0], u16(exts.length), exts),
  );
}

export const HRR_RANDOM = Uint8Array.from(Buffer.from("CF21AD74E59A6111BE1D8C021E65B891C2A211167ABB8C5E079E09E2C8A8339C", "hex"));

export function serverHello(o: { version?: number; random?: Uint8Array; sessionId?: Uint8Array; cipher?: number; exts?: Uint8Array[] } = {}): Uint8Array {
  const sid = o.sessionId ?? new Uint8Array(0);
  const exts = cat(...(o.exts ?? []));
  return hsMsg(
    2,
    cat(u16(o.version ?? 0x0303), o.random ?? new Uint8Array(32).fill(2), [sid.length], sid, u16(o.cipher ?? 0x002f), [0], u16(exts.length), exts),
  );
}

export const CCS = record(20, Uint8Array.of(1));
export const appData = (n: number): Uint8Array => record(23, new Uint8Array(n).fill(0xab));

/** A TCP conversation on `port`: alternating flights, each cut into `chunk`-byte segments. */
export function conversation(flights: Array<{ from: "c" | "s"; data: Uint8Array; cuts?: number[] }>, port = 443, start = 0, cport = 40000): TestPacket[] {
  const segs: Seg[] = [...handshake(start)];
  const seq = { c: 1001, s: 5001 };
  let t = start + 1;
  for (const f of flights) {
    const cuts = [0, ...(f.cuts ?? []), f.data.length];
    for (let i = 0; i + 1 < cuts.length; i++) {
      const payload = f.data.subarray(cuts[i]!, cuts[i + 1]!);
      segs.push({ t: t++, from: f.from, flags: "PA", seq: seq[f.from], ack: f.from === "c" ? seq.s : seq.c, payload });
      seq[f.from] += payload.length;
    }
  }
  return tcpTrace(segs, { sport: port, cport });
}
