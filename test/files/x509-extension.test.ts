/**
 * x509_extension against OpenSSL itself: for every certificate bronze parses
 * from the repo's tls-loopback capture and from the corpus traces Zeek wrote
 * x509.log for, each extension's name, criticality and printed value is
 * compared with `openssl x509 -text` of the same DER (OpenSSL's
 * X509V3_extensions_print indents each value by 16 columns and ends it with a
 * newline; Zeek's X509V3_EXT_print call uses no indent). Extensions OpenSSL
 * cannot print (its text then shows the raw bytes) must carry the DER of their
 * OCTET STRING, as Zeek writes them. Also ocsp_extension on a stapled response.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash, X509Certificate } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { parseCertificate } from "../../src/files/x509/cert.js";
import type { X509Extension } from "../../src/files/x509/ext-print.js";
import { Engine, loadBuiltinScripts } from "../../src/index.js";
import { openTrace } from "../../src/source/open.js";
import { corpusRoot, oracleMissing, repoRoot, tracesWithAppLog } from "../helpers/corpus.js";
import { memorySource } from "../helpers/packets.js";
import { cat, clientHello, conversation, hsMsg, record, serverHello, sni, u24 } from "../helpers/tls.js";

interface Seen {
  der: Uint8Array;
  exts: X509Extension[];
}

/** Certificates and their x509_extension records from one trace, by fingerprint. */
async function certificatesOf(trace: string, into: Map<string, Seen>, order?: string[]): Promise<void> {
  const engine = new Engine({ ignoreChecksums: true });
  const scripts = loadBuiltinScripts(engine, { memory: true });
  const byFile = new Map<string, Seen>();
  engine.on("x509_certificate", (f, ref) => {
    const s = { der: ref.der, exts: [] };
    byFile.set(f.id, s);
    if (ref.sha256 !== undefined) into.set(ref.sha256, s);
  });
  engine.on("x509_extension", (f, ext) => {
    byFile.get(f.id)?.exts.push(ext);
    order?.push(ext.short_name ?? ext.oid);
  });
  engine.on("x509_ext_basic_constraints", () => void order?.push("x509_ext_basic_constraints"));
  engine.on("x509_ext_subject_alternative_name", () => void order?.push("x509_ext_subject_alternative_name"));
  await engine.run(await openTrace(trace));
  scripts.close();
}

/** OpenSSL's -text extension block: [header name, critical, value as X509V3_EXT_print gives it with no indent]. */
function opensslExtensions(der: Uint8Array): Array<[string, boolean, string]> | null {
  const r = spawnSync("openssl", ["x509", "-inform", "der", "-noout", "-text"], { input: der, encoding: "latin1" });
  if (r.error !== undefined || r.status !== 0) return null;
  const lines = r.stdout.split("\n");
  const start = lines.indexOf("        X509v3 extensions:");
  if (start < 0) return [];
  const out: Array<[string, boolean, string]> = [];
  let cur: [string, boolean, string[]] | null = null;
  for (const line of lines.slice(start + 1)) {
    // Values may hold empty lines (between CRL distribution points, after each); the section ends at the next outer line.
    if (line !== "" && !line.startsWith("            ")) break;
    if (line !== "" && !line.startsWith("             ")) {
      if (cur !== null) out.push([cur[0], cur[1], cur[2].join("\n")]);
      const m = /^ {12}(.*?): ?(critical)?$/.exec(line)!;
      cur = [m[1]!, m[2] === "critical", []];
    } else cur![2].push(line.replace(/^ {1,16}/, ""));
  }
  if (cur !== null) out.push([cur[0], cur[1], cur[2].join("\n")]);
  // The lines of each block, rejoined, are the value: X509V3_extensions_print's own newline ends the last.
  return out;
}

/** ASN1_STRING_print of an OCTET STRING's contents, given its DER as a byte string. */
function printable(der: string): string {
  const b = Buffer.from(der, "latin1");
  const len = b[1]! < 0x80 ? 2 : 2 + (b[1]! & 0x7f);
  let s = "";
  for (const c of b.subarray(len)) s += (c < 0x20 && c !== 0x0a && c !== 0x0d) || c > 0x7e ? "." : String.fromCharCode(c);
  return s;
}

function compare(certs: Map<string, Seen>): { exts: number; printed: number; der: Map<string, number> } {
  const wrong: string[] = [];
  const check = (ok: boolean, what: string, ours: unknown, theirs: unknown): void => {
    if (!ok) wrong.push(`${what}: bronze ${JSON.stringify(ours)}, OpenSSL ${JSON.stringify(theirs)}`);
  };
  let exts = 0;
  let printed = 0;
  const der = new Map<string, number>();
  for (const [fp, { der: cert, exts: ours }] of certs) {
    const theirs = opensslExtensions(cert);
    if (theirs === null) continue; // OpenSSL's CLI refuses it (an unloadable key): nothing to compare
    check(
      ours.length === theirs.length,
      `${fp}: number of extensions`,
      ours.map((e) => e.name),
      theirs.map((e) => e[0]),
    );
    if (ours.length !== theirs.length) continue;
    for (let i = 0; i < ours.length; i++) {
      const e = ours[i]!;
      const [name, critical, text] = theirs[i] as [string, boolean, string];
      exts++;
      check(e.name === name, `${fp} #${i}`, e.name, name);
      check(e.critical === critical, `${fp} ${name} critical`, e.critical, critical);
      if (e.short_name === "UNDEF") {
        // An OID OpenSSL does not know has no printer: Zeek's fallback, the OCTET STRING's DER.
        check(e.value.charCodeAt(0) === 0x04, `${fp} ${name}`, e.value, text);
        der.set(e.oid, (der.get(e.oid) ?? 0) + 1);
        continue;
      }
      if (e.value !== text && e.value.charCodeAt(0) === 0x04 && text === printable(e.value)) {
        // OpenSSL knows the extension but cannot decode this one: its CLI prints the raw bytes, Zeek keeps the DER.
        der.set(e.oid, (der.get(e.oid) ?? 0) + 1);
        continue;
      }
      check(e.value === text, `${fp} ${name}`, e.value, text);
      if (e.value === text) printed++;
    }
  }
  assert.deepEqual(wrong, []);
  return { exts, printed, der };
}

test("x509_extension on the loopback capture's certificates: names and values as OpenSSL prints them", async (t) => {
  if (spawnSync("openssl", ["version"]).status !== 0) return oracleMissing(t, "openssl is not installed");
  const certs = new Map<string, Seen>();
  const order: string[] = [];
  await certificatesOf(join(repoRoot(), "test", "analyzer", "app", "captures", "tls-loopback.pcap"), certs, order);
  assert.equal(certs.size, 2);
  // Zeek raises the generic event of each extension, then that extension's own event.
  const perCert = [
    "subjectKeyIdentifier",
    "authorityKeyIdentifier",
    "basicConstraints",
    "x509_ext_basic_constraints",
    "subjectAltName",
    "x509_ext_subject_alternative_name",
  ];
  assert.deepEqual(order, [...perCert, ...perCert]);
  const { exts, printed } = compare(certs);
  // Each self-signed certificate: subjectKeyIdentifier, authorityKeyIdentifier, basicConstraints, subjectAltName.
  assert.equal(exts, 8);
  assert.equal(printed, 8);
  const rsa = [...certs.values()].find((c) => c.exts.some((e) => e.value === "DNS:rsa.bronze.test"));
  assert.deepEqual(
    rsa?.exts.map((e) => [e.short_name, e.oid, e.critical]),
    [
      ["subjectKeyIdentifier", "2.5.29.14", false],
      ["authorityKeyIdentifier", "2.5.29.35", false],
      ["basicConstraints", "2.5.29.19", true],
      ["subjectAltName", "2.5.29.17", false],
    ],
  );
});

test("x509_extension on the corpus' certificates: every extension OpenSSL prints, printed the same", async (t) => {
  const applogs = join(corpusRoot(), "zeek-applogs");
  if (!existsSync(applogs)) return oracleMissing(t, `no corpus at ${applogs}`);
  if (spawnSync("openssl", ["version"]).status !== 0) return oracleMissing(t, "openssl is not installed");
  const traces = tracesWithAppLog("x509.log");
  const certs = new Map<string, Seen>();
  for (const trace of traces) await certificatesOf(join(corpusRoot(), "zeek", "traces", trace), certs);
  const { exts, printed, der } = compare(certs);
  t.diagnostic(
    `${certs.size} certificates, ${exts} extensions, ${printed} printed as OpenSSL does, DER fallback: ${[...der].map(([o, n]) => `${o}×${n}`).join(" ")}`,
  );
  assert.ok(certs.size >= 80, `${certs.size} certificates`);
  assert.ok(printed >= 600, `${printed} extensions printed`);
});

test("x509_extension: name, policy and any-policy constraints, policy mappings and TLS features print as OpenSSL does (fixtures/constraints-ca.pem)", (t) => {
  const der = new Uint8Array(new X509Certificate(readFileSync(join(repoRoot(), "test", "files", "fixtures", "constraints-ca.pem"))).raw);
  const parsed = parseCertificate(der);
  assert.ok(parsed !== null);
  const exts: X509Extension[] = [];
  for (const e of parsed.extensions) if (e.kind === "extension") exts.push(e.value);
  // OpenSSL 3.0's text, pinned: this holds on a machine without the openssl command too.
  const value = (short: string): string | undefined => exts.find((e) => e.short_name === short)?.value;
  assert.equal(
    value("nameConstraints"),
    "Permitted:\n  DNS:example.com\n  IP:192.168.0.0/255.255.0.0\n  IP:2001:DB8:0:0:0:0:0:0/FFFF:FFFF:0:0:0:0:0:0\nExcluded:\n  email:.bad.example\n  DNS:evil.example.com\n  URI:.evil.example",
  );
  assert.equal(value("policyConstraints"), "Require Explicit Policy:1, Inhibit Policy Mapping:2");
  assert.equal(value("inhibitAnyPolicy"), "3");
  assert.equal(value("policyMappings"), "1.2.3.4:1.2.3.5, 2.16.840.1.101.3.2.1.48.1:2.16.840.1.101.3.2.1.48.2");
  assert.equal(value("tlsfeature"), "status_request, status_request_v2");
  // And against the openssl command itself, every extension of the certificate.
  if (spawnSync("openssl", ["version"]).status !== 0) return oracleMissing(t, "openssl is not installed");
  const { exts: n, printed, der: fallback } = compare(new Map([["constraints-ca", { der, exts }]]));
  assert.equal(n, 8);
  assert.equal(printed, 8);
  assert.equal(fallback.size, 0);
});

test("ocsp_extension: a single response's extensions (global_resp F) after its certificate, the ResponseData's (T) after ocsp_response_bytes", async () => {
  const der = (tag: number, ...parts: Uint8Array[]): Uint8Array => {
    const body = cat(...parts);
    const n = body.length;
    return cat([tag, ...(n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff])], body);
  };
  const oid = (text: string): Uint8Array => {
    const arcs = text.split(".").map(Number);
    const out = [40 * arcs[0]! + arcs[1]!];
    for (const a of arcs.slice(2)) {
      const b = [a & 0x7f];
      for (let v = Math.floor(a / 128); v > 0; v = Math.floor(v / 128)) b.unshift((v & 0x7f) | 0x80);
      out.push(...b);
    }
    return der(0x06, Uint8Array.from(out));
  };
  const seq = (...p: Uint8Array[]): Uint8Array => der(0x30, ...p);
  const time = der(0x18, Buffer.from("20150618223334Z"));
  const nonce = Uint8Array.from([0x04, 0x04, 1, 2, 3, 4]);
  const certId = seq(seq(oid("1.3.14.3.2.26"), der(0x05)), der(0x04, new Uint8Array(20)), der(0x04, new Uint8Array(20)), der(0x02, Uint8Array.of(7)));
  const singleExts = seq(seq(oid("1.3.6.1.5.5.7.48.1.5"), der(0x01, Uint8Array.of(0xff)), der(0x04, der(0x05))));
  const single = seq(certId, der(0x80), time, der(0xa1, singleExts));
  const data = seq(der(0xa2, der(0x04, new Uint8Array(20))), time, seq(single), der(0xa1, seq(seq(oid("1.3.6.1.5.5.7.48.1.2"), der(0x04, nonce)))));
  const basic = seq(data, seq(oid("1.2.840.113549.1.1.11"), der(0x05)), der(0x03, Uint8Array.of(0, 1)));
  const resp = seq(der(0x0a, Uint8Array.of(0)), der(0xa0, seq(oid("1.3.6.1.5.5.7.48.1.1"), der(0x04, basic))));
  const certs = new X509Certificate(readFileSync(join(repoRoot(), "test", "analyzer", "app", "captures", "rsa.pem"))).raw;
  const list = cat(u24(certs.length), certs);
  const server = record(
    22,
    cat(serverHello({ cipher: 0xc02f }), hsMsg(11, cat(u24(list.length), list)), hsMsg(22, cat([1], u24(resp.length), resp)), hsMsg(14, new Uint8Array(0))),
  );
  const engine = new Engine();
  const scripts = loadBuiltinScripts(engine, { memory: true });
  const seen: string[] = [];
  engine.on("ocsp_response_certificate", () => void seen.push("certificate"));
  engine.on("ocsp_response_bytes", () => void seen.push("bytes"));
  engine.on("ocsp_extension", (_f, e, global) => void seen.push(`${e.short_name} ${e.name} ${e.critical} ${JSON.stringify(e.value)} ${global}`));
  await engine.run(
    memorySource(
      conversation([
        { from: "c", data: record(22, clientHello({ exts: [sni("rsa.bronze.test")] }), 0x0301) },
        { from: "s", data: server },
      ]),
    ),
  );
  scripts.close();
  assert.deepEqual(seen, ["certificate", 'noCheck OCSP No Check true "" false', "bytes", 'Nonce OCSP Nonce false "040401020304" true']);
});

test("x509 fingerprint: the SHA-256 of the certificate's DER, taken from the file's SHA256 analyzer when it has one, computed otherwise", async () => {
  const trace = join(repoRoot(), "test", "analyzer", "app", "captures", "tls-loopback.pcap");
  for (const removeSha256 of [false, true]) {
    const engine = new Engine({ ignoreChecksums: true });
    const scripts = loadBuiltinScripts(engine, { memory: true });
    const fingerprints: Array<[string | undefined, string]> = [];
    const hashed = new Map<string, string>();
    // After the x509 script's file_sniff handler added the hashes: without SHA256 the X509 analyzer hashes the DER itself.
    if (removeSha256) engine.on("file_sniff", (f) => void f.manager.removeAnalyzer(f, "SHA256"), { priority: -10 });
    engine.on("x509_certificate", (_f, ref) => void fingerprints.push([ref.sha256, createHash("sha256").update(ref.der).digest("hex")]));
    engine.on("file_hash", (f, kind, hash) => void (kind === "sha256" && hashed.set(f.id, hash)));
    await engine.run(await openTrace(trace));
    scripts.close();
    assert.ok(fingerprints.length > 0);
    for (const [given, computed] of fingerprints) assert.equal(given, computed);
    assert.equal(hashed.size, removeSha256 ? 0 : fingerprints.length);
  }
});
