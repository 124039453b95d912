/**
 * Zeek's SSL policy scripts on crafted handshakes: certificate-request-info
 * (ssl.log's requested CAs), log-certs-base64 (x509.log's cert),
 * log-hostcerts-only (no CA rows in x509.log) and known-certs
 * (known_certs.log, once per server and certificate, for the hosts
 * Known::cert_tracking selects).
 */
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { distinguishedName } from "../../../src/files/x509/cert.js";
import { Engine, loadBuiltinScripts } from "../../../src/index.js";
import { parseLog } from "../../conformance/conn-harness.js";
import { repoRoot } from "../../helpers/corpus.js";
import type { TestPacket } from "../../helpers/packets.js";
import { memorySource } from "../../helpers/packets.js";
import { cat, certHandshake, hsMsg, TEST_CERT, u16 } from "../../helpers/tls.js";

const CA_CERT = new Uint8Array(new X509Certificate(readFileSync(join(repoRoot(), "test", "files", "fixtures", "constraints-ca.pem"))).raw);

interface Logs {
  fields: Map<string, readonly string[]>;
  rows: Map<string, string[][]>;
}

async function run(packets: TestPacket[], loads: string[], settings: string[] = []): Promise<Logs> {
  const engine = new Engine({ settings });
  const scripts = loadBuiltinScripts(engine, { memory: true, loads });
  await engine.run(memorySource(packets.sort((a, b) => a.ts - b.ts)));
  scripts.close();
  const out: Logs = { fields: new Map(), rows: new Map() };
  for (const path of ["ssl", "x509", "known_certs"]) {
    const text = scripts.logs.text(path);
    if (!text) continue;
    const log = parseLog(text);
    out.fields.set(path, log.columns);
    out.rows.set(
      path,
      log.rows.map((r) => [...r]),
    );
  }
  return out;
}

/** The value of column `name` in each row of `path`. */
function column(logs: Logs, path: string, name: string): string[] {
  const at = logs.fields.get(path)?.indexOf(name) ?? -1;
  assert.ok(at >= 0, `${path}.log has no ${name}`);
  return logs.rows.get(path)!.map((r) => r[at]!);
}

/** A TLS 1.2 CertificateRequest naming `cas` (DER names). */
function certificateRequest(cas: Uint8Array[]): Uint8Array {
  const list = cat(...cas.map((ca) => cat(u16(ca.length), ca)));
  return hsMsg(13, cat([1, 1], u16(2), [4, 3], u16(list.length), list));
}

/** A certificate's subject Name, DER (tag and length included): the sixth element of its TBSCertificate (which has a version). */
function subjectDer(der: Uint8Array): Uint8Array {
  const skip = (at: number): number => {
    const len = der[at + 1]!;
    if (len < 0x80) return at + 2 + len;
    const n = len & 0x7f;
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 256 + der[at + 2 + i]!;
    return at + 2 + n + v;
  };
  const header = (at: number): number => (der[at + 1]! < 0x80 ? at + 2 : at + 2 + (der[at + 1]! & 0x7f));
  let at = header(header(0)); // into Certificate, then TBSCertificate
  for (let i = 0; i < 5; i++) at = skip(at); // version, serial, signature, issuer, validity
  return der.subarray(at, skip(at));
}

test("certificate-request-info: the CAs a server's CertificateRequest names, in RFC 2253 form; one that does not parse is empty", async () => {
  const request = certificateRequest([subjectDer(TEST_CERT), Uint8Array.of(0x30, 0x05, 0x01)]);
  const packets = certHandshake([TEST_CERT], { extra: [request] });
  const withScript = await run(packets, ["policy/protocols/ssl/certificate-request-info"]);
  assert.deepEqual(column(withScript, "ssl", "requested_client_certificate_authorities"), ["CN=www.example.org\\x2cO=Bronze Test\\\\\\x2c Inc.\\x2cC=US,"]);
  const without = await run(certHandshake([TEST_CERT], { extra: [request] }), []);
  assert.ok(!without.fields.get("ssl")!.includes("requested_client_certificate_authorities"));
  // No request: the column is unset.
  const none = await run(certHandshake([TEST_CERT]), ["protocols/ssl/certificate-request-info"]);
  assert.deepEqual(column(none, "ssl", "requested_client_certificate_authorities"), ["-"]);
});

test("log-certs-base64: x509.log's last column is each certificate's DER in base64", async () => {
  const logs = await run(certHandshake([TEST_CERT, CA_CERT]), ["protocols/ssl/log-certs-base64"]);
  assert.deepEqual(column(logs, "x509", "cert"), [Buffer.from(TEST_CERT).toString("base64"), Buffer.from(CA_CERT).toString("base64")]);
  assert.equal(logs.fields.get("x509")!.at(-1), "cert");
});

test("log-hostcerts-only: only the chain's first certificate is logged; with X509::relog_known_certificates_after=0secs every sighting is", async () => {
  const twice = [...certHandshake([TEST_CERT, CA_CERT]), ...certHandshake([TEST_CERT, CA_CERT], { start: 10, cport: 40001 })];
  const all = await run(twice, []);
  assert.deepEqual(column(all, "x509", "host_cert"), ["T", "F"]);
  const hostOnly = await run(twice, ["protocols/ssl/log-hostcerts-only"]);
  assert.deepEqual(column(hostOnly, "x509", "host_cert"), ["T"]);
  const relogged = await run(twice, ["protocols/ssl/log-hostcerts-only"], ["X509::relog_known_certificates_after=0secs"]);
  assert.deepEqual(column(relogged, "x509", "host_cert"), ["T", "T"]);
});

test("known-certs: one row per server and certificate, for the hosts Known::cert_tracking selects (LOCAL_HOSTS by default)", async () => {
  const packets = (): TestPacket[] => [
    ...certHandshake([TEST_CERT, CA_CERT]),
    ...certHandshake([TEST_CERT, CA_CERT], { start: 10, cport: 40001 }),
    ...certHandshake([CA_CERT], { start: 20, cport: 40002 }),
  ];
  // The crafted server, 192.0.2.10, is in Zeek's private address space (documentation networks included): a local host.
  const local = await run(packets(), ["protocols/ssl/known-certs"]);
  assert.deepEqual(
    local.rows.get("known_certs")!.map((r) => r.slice(1)),
    [
      [
        "192.0.2.10",
        "443",
        "CN=www.example.org,O=Bronze Test\\\\, Inc.,C=US",
        "CN=www.example.org,O=Bronze Test\\\\, Inc.,C=US",
        "3A9746BEA5DFA2529DFDECFB1F68A7680DBEA8D1",
      ],
      ["192.0.2.10", "443", "CN=bronze extension test", "CN=bronze extension test", "07"],
    ],
  );
  assert.equal((await run(packets(), ["protocols/ssl/known-certs"], ["Known::cert_tracking=REMOTE_HOSTS"])).rows.get("known_certs"), undefined);
  assert.equal((await run(packets(), ["protocols/ssl/known-certs"], ["Site::local_nets={ 10.0.0.0/8 }"])).rows.get("known_certs"), undefined);
  const all = await run(packets(), ["protocols/ssl/known-certs"], ["Site::local_nets={ 10.0.0.0/8 }", "Known::cert_tracking=ALL_HOSTS"]);
  assert.equal(all.rows.get("known_certs")!.length, 2);
  assert.throws(() => new Engine({ settings: ["Known::cert_tracking=SOME_HOSTS"] }), /LOCAL_HOSTS/);
});

test("parse_distinguished_name: a name's text is cut to 255 bytes, as Zeek's 256-byte buffer cuts it", () => {
  const tlv = (tag: number, body: Uint8Array): Uint8Array => cat([tag], body.length < 0x80 ? [body.length] : [0x82, ...u16(body.length)], body);
  const cn = tlv(0x30, cat([0x06, 0x03, 0x55, 0x04, 0x03], tlv(0x0c, new Uint8Array(300).fill(0x61))));
  const name = tlv(0x30, tlv(0x31, cn));
  assert.equal(distinguishedName(name), `CN=${"a".repeat(252)}`);
  assert.equal(distinguishedName(Uint8Array.of(0x30, 0x05)), "");
});
