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

/** A TCP conversation on `port` (of `server`, by default the harness'): alternating flights, each cut into `chunk`-byte segments. */
export function conversation(
  flights: Array<{ from: "c" | "s"; data: Uint8Array; cuts?: number[] }>,
  port = 443,
  start = 0,
  cport = 40000,
  server?: string,
): TestPacket[] {
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
  return tcpTrace(segs, { sport: port, cport, server });
}

/** A self-signed P-256 certificate made for these tests (openssl req -x509, SAN and basic constraints; subject CN=www.example.org,O=Bronze Test\\, Inc.,C=US). */
export const TEST_CERT = Uint8Array.from(
  Buffer.from(
    "MIICHzCCAcagAwIBAgIUOpdGvqXfolKd/ez7H2inaA2+qNEwCgYIKoZIzj0EAwIwQzELMAkGA1UEBhMCVVMxGjAYBgNVBAoMEUJyb256ZSBUZXN0LCBJbmMuMRgwFgYDVQQDDA93d3cuZXhhbXBsZS5vcmcwHhcNMjYxMjAzMTMzMjA0WhcNMzYxMTMwMTMzMjA0WjBDMQswCQYDVQQGEwJVUzEaMBgGA1UECgwRQnJvbnplIFRlc3QsIEluYy4xGDAWBgNVBAMMD3d3dy5leGFtcGxlLm9yZzBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABGbKccuHce68xfQk0LQ+Z1a552OYcy+bKt263ioMiMO+OfnP5KCEikT+ElzVzGXBreJiwxdumyEp5PIIWbwt3iKjgZcwgZQwHQYDVR0OBBYEFIdAhe0aYg1F2v/EWbnQ5Nx7Kq/FMB8GA1UdIwQYMBaAFIdAhe0aYg1F2v/EWbnQ5Nx7Kq/FMD4GA1UdEQQ3MDWCD3d3dy5leGFtcGxlLm9yZ4INKi5leGFtcGxlLm5ldIcEwAACB4ENYUBleGFtcGxlLm9yZzASBgNVHRMBAf8ECDAGAQH/AgECMAoGCCqGSM49BAMCA0cAMEQCIDYhS/80v9okr34DYYRWbeJ7fjlHmjyy3JqWVJLo3Kn+AiBlm4fkf1tlagJFGBml0BsRj4PISN09KZ6Au+030ey+4w==",
    "base64",
  ),
);

/**
 * A TLS 1.2 handshake to port 443 at `start` from client port `cport`, the
 * client naming `serverName`: the server sends `certs` in its Certificate
 * message, then the handshake messages `extra` (a stapled OCSP response, a
 * CertificateRequest), then ServerHelloDone (the ServerHello of `version`
 * and `cipher`, default TLS 1.2 and ECDHE-RSA-AES128-GCM); both sides change
 * cipher spec.
 */
export function certHandshake(
  certs: Uint8Array[],
  o: { serverName?: string; start?: number; cport?: number; server?: string; extra?: Uint8Array[]; version?: number; cipher?: number } = {},
): TestPacket[] {
  const list = cat(...certs.map((c) => cat(u24(c.length), c)));
  const hello = serverHello({ cipher: o.cipher ?? 0xc02f, version: o.version });
  const server = record(22, cat(hello, hsMsg(11, cat(u24(list.length), list)), ...(o.extra ?? []), hsMsg(14, new Uint8Array(0))), o.version ?? 0x0303);
  return conversation(
    [
      { from: "c", data: record(22, clientHello({ exts: [sni(o.serverName ?? "www.example.org")] }), 0x0301) },
      { from: "s", data: server },
      { from: "c", data: cat(record(22, hsMsg(16, new Uint8Array(66).fill(4))), CCS, record(22, new Uint8Array(40).fill(5))) },
      { from: "s", data: cat(CCS, record(22, new Uint8Array(40).fill(6))) },
    ],
    443,
    o.start ?? 0,
    o.cport ?? 40000,
    o.server,
  );
}
