/**
 * X.509 beyond the first parse, and OCSP: Zeek's certificate event cache
 * (base/files/x509/certificate-event-cache.zeek: a certificate seen
 * caching_required_encounters times within 62 s is no longer parsed, its
 * events are replayed), signed certificate timestamps in certificates and
 * OCSP responses, the OCSP_REPLY file analyzer and ocsp.log from a stapled
 * response, and malformed responses and certificates never throwing.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";
import { BerReader, SEQUENCE } from "../../src/asn1/ber.js";
import { parseCertificate } from "../../src/files/x509/cert.js";
import type { X509Handle } from "../../src/files/x509/x509.js";
import { Engine, loadBuiltinScripts } from "../../src/index.js";
import { parseLog } from "../conformance/conn-harness.js";
import { runChecked } from "../helpers/fuzz.js";
import { memorySource, type TestPacket } from "../helpers/packets.js";
import { rng } from "../helpers/rng.js";
import { cat, certHandshake, hsMsg, TEST_CERT, u24 } from "../helpers/tls.js";

// ---------------------------------------------------------------- DER builders

function tlv(tag: number, ...parts: Array<Uint8Array | number[]>): Uint8Array {
  const body = cat(...parts.map((p) => (p instanceof Uint8Array ? p : Uint8Array.from(p))));
  const n = body.length;
  const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return cat([tag, ...len], body);
}
function oid(text: string): Uint8Array {
  const arcs = text.split(".").map(Number);
  const out = [40 * arcs[0]! + arcs[1]!];
  for (const a of arcs.slice(2)) {
    const b: number[] = [a & 0x7f];
    for (let v = Math.floor(a / 128); v > 0; v = Math.floor(v / 128)) b.unshift((v & 0x7f) | 0x80);
    out.push(...b);
  }
  return tlv(0x06, out);
}
const seq = (...p: Uint8Array[]): Uint8Array => tlv(0x30, ...p);
const octets = (b: Uint8Array | number[]): Uint8Array => tlv(0x04, b);
const gtime = (s: string): Uint8Array => tlv(0x18, [...Buffer.from(s, "latin1")]);
const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, "hex"));

/** One SCT as RFC 6962 serializes it (version 0, a log id of `id`, a timestamp in ms, SHA-256/ECDSA). */
function sct(id: number, ms: number): Uint8Array {
  const ts: number[] = [];
  for (let i = 7, v = ms; i >= 0; i--, v = Math.floor(v / 256)) ts[i] = v % 256;
  const body = cat([0], new Uint8Array(32).fill(id), ts, [0, 0], [4, 3], [0, 3], [1, 2, 3]);
  return cat([body.length >> 8, body.length & 0xff], body);
}
function sctList(...scts: Uint8Array[]): Uint8Array {
  const all = cat(...scts);
  return cat([all.length >> 8, all.length & 0xff], all);
}

/** TEST_CERT with an SCT-list extension added after its others (the signature no longer matches: nobody checks it). */
function certWithScts(list: Uint8Array): Uint8Array {
  const top = new BerReader(new BerReader(TEST_CERT).expect(SEQUENCE).value);
  const tbs = new BerReader(top.expect(SEQUENCE).value);
  const rest = top.buf.subarray(top.pos);
  const fields: Uint8Array[] = [];
  let exts: Uint8Array | null = null;
  while (tbs.remaining > 0) {
    const t = tbs.next();
    if (t.tag === 0xa3) exts = new BerReader(t.value).expect(SEQUENCE).value;
    else fields.push(t.whole);
  }
  assert.ok(exts !== null);
  const sctExt = seq(oid("1.3.6.1.4.1.11129.2.4.2"), octets(octets(list)));
  return seq(seq(...fields, tlv(0xa3, seq(exts, sctExt))), rest);
}

// ---------------------------------------------------------------- OCSP builders

const SHA1 = seq(oid("1.3.14.3.2.26"), tlv(0x05, []));
const NAME_HASH = hex("b6080d5f6c6b76eb13e438a5f8660ba85233344e");
const KEY_HASH = hex("40c2bd278ecc348330a233d7fb6cb3f0b42c80ce");
const certId = (serial: number[]): Uint8Array => seq(SHA1, octets(NAME_HASH), octets(KEY_HASH), tlv(0x02, serial));

interface Single {
  serial: number[];
  status: "good" | "revoked" | "unknown";
  revoked?: string;
  reason?: number;
  next?: string;
  exts?: Uint8Array;
}
function single(s: Single): Uint8Array {
  let status: Uint8Array;
  if (s.status === "good") status = tlv(0x80, []);
  else if (s.status === "unknown") status = tlv(0x82, []);
  else status = tlv(0xa1, gtime(s.revoked!), ...(s.reason !== undefined ? [tlv(0xa0, tlv(0x0a, [s.reason]))] : []));
  return seq(certId(s.serial), status, gtime("20150618223334Z"), ...(s.next ? [tlv(0xa0, gtime(s.next))] : []), ...(s.exts ? [tlv(0xa1, s.exts)] : []));
}
function ocspResponse(singles: Single[]): Uint8Array {
  const data = seq(tlv(0xa2, octets(KEY_HASH)), gtime("20150618223334Z"), seq(...singles.map(single)));
  const basic = seq(data, seq(oid("1.2.840.113549.1.1.11"), tlv(0x05, [])), tlv(0x03, [0, 1, 2, 3]));
  return seq(tlv(0x0a, [0]), tlv(0xa0, seq(oid("1.3.6.1.5.5.7.48.1.1"), octets(basic))));
}

// ---------------------------------------------------------------- runs

/** A TLS 1.2 handshake at `start` from client port `cport`: the server sends `certs` and, if given, a stapled OCSP response. */
function tls(certs: Uint8Array[], start = 0, cport = 40000, ocsp?: Uint8Array): TestPacket[] {
  const extra = ocsp === undefined ? [] : [hsMsg(22, cat([1], u24(ocsp.length), ocsp))];
  return certHandshake(certs, { start, cport, extra });
}

interface Result {
  logs: Map<string, string[][]>;
  handles: X509Handle[];
  scts: string[];
  ocspEvents: string[];
  weird: string[];
  /** Zeek's file_weird events: "name fuid addl". */
  fileWeirds: string[];
  /** weird.log's addl column. */
  weirdAddl: string[];
}

async function run(packets: TestPacket[]): Promise<Result> {
  const engine = new Engine();
  const scripts = loadBuiltinScripts(engine, { memory: true });
  const handles: X509Handle[] = [];
  const scts: string[] = [];
  const ocspEvents: string[] = [];
  const fileWeirds: string[] = [];
  engine.on("file_weird", (name, f, addl) => void fileWeirds.push(`${name} ${f.id} ${addl}`));
  engine.on("x509_certificate", (_f, ref) => void handles.push(ref));
  engine.on(
    "x509_ocsp_ext_signed_certificate_timestamp",
    (_f, version, logid, ts, hash, sig, signature) => void scts.push(`${version} ${logid.charCodeAt(0)} ${ts} ${hash} ${sig} ${signature.length}`),
  );
  engine.on("ocsp_response_status", (_f, status) => void ocspEvents.push(`status ${status}`));
  engine.on("ocsp_response_certificate", (_f, _alg, _n, _k, serial, st) => void ocspEvents.push(`cert ${serial} ${st}`));
  engine.on(
    "ocsp_response_bytes",
    (_f, status, version, rid, produced, sigAlg, certs) => void ocspEvents.push(`bytes ${status} ${version} ${rid} ${produced} ${sigAlg} ${certs.length}`),
  );
  packets.sort((a, b) => a.ts - b.ts);
  await engine.run(memorySource(packets));
  scripts.close();
  const logs = new Map<string, string[][]>();
  for (const path of ["ssl", "x509", "files", "ocsp", "weird"]) {
    const text = scripts.logs.text(path);
    logs.set(path, text ? parseLog(text).rows.map((r) => [...r]) : []);
  }
  return { logs, handles, scts, ocspEvents, weird: logs.get("weird")!.map((w) => w[6]!), fileWeirds, weirdAddl: logs.get("weird")!.map((w) => w[7]!) };
}

// ---------------------------------------------------------------- the certificate cache

test("x509 cache: from the 11th sighting within 62 s a certificate is not parsed, its cached events are replayed; logs unchanged", async () => {
  const packets = Array.from({ length: 14 }, (_, i) => tls([TEST_CERT], i * 2, 40000 + i)).flat();
  const r = await run(packets);
  assert.equal(r.handles.length, 14, "x509_certificate once per connection, cached or not");
  // The 10th file's X509::Info entered the cache at its removal: later events carry its very handle.
  for (let i = 10; i < 14; i++) assert.equal(r.handles[i], r.handles[9], `connection ${i + 1} replayed from the cache`);
  for (let i = 1; i < 10; i++) assert.notEqual(r.handles[i], r.handles[i - 1]);
  const fp = createHash("sha256").update(TEST_CERT).digest("hex");
  assert.equal(r.logs.get("x509")!.length, 1, "x509.log deduplicates by fingerprint as before");
  const ssl = r.logs.get("ssl")!;
  assert.equal(ssl.length, 14);
  for (const row of ssl) assert.deepEqual(row.slice(15, 18), [fp, "(empty)", "T"]);
});

test("x509 cache: sightings further apart than caching_required_encounters_interval never fill the cache", async () => {
  const packets = Array.from({ length: 13 }, (_, i) => tls([TEST_CERT], i * 7, 41000 + i)).flat();
  const r = await run(packets);
  assert.equal(r.handles.length, 13);
  for (let i = 1; i < 13; i++) assert.notEqual(r.handles[i], r.handles[i - 1], `connection ${i + 1} parsed`);
});

test("x509: a certificate seen again is parsed once (remembered by SHA-256), yet each file gets records of its own", async () => {
  const records: unknown[] = [];
  const engine = new Engine();
  const scripts = loadBuiltinScripts(engine, { memory: true });
  engine.on("x509_certificate", (_f, _ref, cert) => void records.push(cert));
  engine.on("x509_ext_subject_alternative_name", (_f, san) => void records.push(san));
  const packets = [...tls([TEST_CERT], 0, 40000), ...tls([TEST_CERT], 1, 40001)].sort((a, b) => a.ts - b.ts);
  await engine.run(memorySource(packets));
  scripts.close();
  assert.equal(records.length, 4);
  assert.deepEqual(records[0], records[2]);
  assert.deepEqual(records[1], records[3]);
  assert.notEqual(records[0], records[2]);
  assert.notEqual(records[1], records[3]);
  assert.deepEqual(records[0], parseCertificate(TEST_CERT)!.certificate);
});

// ---------------------------------------------------------------- SCTs

test("x509: the SCTs of a certificate are raised in order after its other extensions, and replayed from the cache", async () => {
  const cert = certWithScts(sctList(sct(1, 1484228945000), sct(2, 1484228946000)));
  const parsed = parseCertificate(cert);
  assert.ok(parsed !== null);
  assert.deepEqual(
    parsed.extensions.map((e) => e.kind),
    // Every extension's x509_extension before its own event (SKI, AKI, SAN, basic constraints, the SCT list).
    ["extension", "extension", "extension", "san", "extension", "basic_constraints", "extension", "sct", "sct"],
  );
  const r = await run(Array.from({ length: 12 }, (_, i) => tls([cert], i, 42000 + i)).flat());
  assert.equal(r.scts.length, 24);
  assert.deepEqual(r.scts.slice(0, 2), ["0 1 1484228945000 4 3 3", "0 2 1484228946000 4 3 3"]);
  assert.deepEqual(r.scts.slice(22), r.scts.slice(0, 2), "the cached certificate's SCTs replayed");
});

test("x509: a malformed SCT list ends quietly at the bad entry; the certificate still parses", () => {
  // The list's length covers both entries; the second's own length runs past the list.
  const good = sct(1, 1000);
  const cut = sctList(good, sct(2, 2000).subarray(0, 20));
  const parsed = parseCertificate(certWithScts(cut));
  assert.ok(parsed !== null);
  const read = parsed.extensions.filter((e) => e.kind === "sct");
  assert.equal(read.length, 1, "the SCT before the bad one is read, as binpac raises each as it parses");
  const broken = parseCertificate(certWithScts(Uint8Array.of(0, 200, 1)));
  assert.ok(broken !== null);
});

// ---------------------------------------------------------------- OCSP

test("OCSP: a stapled response is a file of the SSL connection (OCSP_REPLY), ocsp.log as log-ocsp.zeek writes it", async () => {
  const resp = ocspResponse([
    { serial: [0x08, 0x1c, 0x86], status: "good", next: "20150620103014Z" },
    { serial: [0x01, 0x0b], status: "revoked", revoked: "20150514150849Z", reason: 4, next: "20150928230242Z" },
    { serial: [0x7f], status: "unknown" },
    { serial: [0x02], status: "revoked", revoked: "20150514150849Z" },
  ]);
  const r = await run(tls([TEST_CERT], 0, 40000, resp));
  assert.deepEqual(r.ocspEvents, [
    "status successful",
    "cert 081C86 good",
    "cert 010B revoked",
    "cert 7F unknown",
    "cert 02 revoked",
    `bytes successful 0 ${"40C2BD278ECC348330A233D7FB6CB3F0B42C80CE"} 1434666814 sha256WithRSAEncryption 0`,
  ]);
  const ocsp = r.logs.get("ocsp")!;
  assert.equal(ocsp.length, 4);
  const files = r.logs.get("files")!;
  assert.equal(files.length, 1, "the OCSP reply is in files.log, the certificate is not");
  assert.equal(ocsp[0]![1], files[0]![1], "ocsp.log's id is the file's fuid");
  assert.deepEqual([files[0]![7], files[0]![9], files[0]![10], files[0]![14]], ["SSL", "OCSP_REPLY", "application/ocsp-response", "F"]);
  const cols = (row: string[]): string[] => row.slice(2);
  assert.deepEqual(cols(ocsp[0]!), [
    "sha1",
    "B6080D5F6C6B76EB13E438A5F8660BA85233344E",
    "40C2BD278ECC348330A233D7FB6CB3F0B42C80CE",
    "081C86",
    "good",
    "-",
    "-",
    "1434666814.000000",
    "1434796214.000000",
  ]);
  assert.deepEqual(cols(ocsp[1]!).slice(3), ["010B", "revoked", "1431616129.000000", "superseded", "1434666814.000000", "1443481362.000000"]);
  assert.deepEqual(cols(ocsp[2]!).slice(3), ["7F", "unknown", "-", "-", "1434666814.000000", "-"]);
  assert.deepEqual(cols(ocsp[3]!).slice(3), ["02", "revoked", "1431616129.000000", "-", "1434666814.000000", "-"]);
});

test("OCSP: SCTs in a single response's extensions are raised after its certificate event", async () => {
  const scts = seq(seq(oid("1.3.6.1.4.1.11129.2.4.5"), octets(octets(sctList(sct(9, 5000))))));
  const r = await run(tls([TEST_CERT], 0, 40000, ocspResponse([{ serial: [1], status: "good", exts: scts }])));
  assert.deepEqual(r.scts, ["0 9 5000 4 3 3"]);
});

test("OCSP: a response that does not decode is openssl_ocsp_response_parse_error and no event; a non-successful one only its status", async () => {
  const bad = ocspResponse([{ serial: [1], status: "good" }]).subarray(0, 30);
  const r = await run(tls([TEST_CERT], 0, 40000, bad));
  assert.deepEqual(r.ocspEvents, []);
  assert.ok(r.weird.includes("openssl_ocsp_response_parse_error"), r.weird.join(","));
  // Zeek's file_weird comes with it: the file, and its own addl (weird.log's addl is the file's id).
  const ocspFile = r.weirdAddl[r.weird.indexOf("openssl_ocsp_response_parse_error")]!;
  assert.deepEqual(r.fileWeirds, [`openssl_ocsp_response_parse_error ${ocspFile} `]);
  assert.equal(r.logs.get("ocsp")!.length, 0);
  const r2 = await run(tls([TEST_CERT], 0, 40000, seq(tlv(0x0a, [3]))));
  assert.deepEqual(r2.ocspEvents, ["status trylater"]);
});

test("OCSP and X.509 fuzz: mutated responses and certificates never throw out of the analyzers or the engine", async () => {
  const rand = rng(6960);
  const resp = ocspResponse([
    {
      serial: [1, 2, 3],
      status: "revoked",
      revoked: "20150514150849Z",
      reason: 1,
      next: "20150928230242Z",
      exts: seq(seq(oid("1.3.6.1.4.1.11129.2.4.5"), octets(octets(sctList(sct(1, 1)))))),
    },
    { serial: [4], status: "good" },
  ]);
  const cert = certWithScts(sctList(sct(3, 3)));
  for (let round = 0; round < 60; round++) {
    const mutate = (b: Uint8Array): Uint8Array => {
      const d = b.slice();
      for (let k = 1 + Math.floor(rand() * 6); k > 0; k--) d[Math.floor(rand() * d.length)] = Math.floor(rand() * 256);
      return rand() < 0.3 ? d.subarray(0, Math.floor(rand() * d.length)) : d;
    };
    const engine = new Engine();
    loadBuiltinScripts(engine, { memory: true });
    await runChecked(engine, tls([mutate(cert)], 0, 40000, mutate(resp)), round % 10 === 0);
  }
});
