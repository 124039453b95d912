/**
 * Zeek's SSL policy scripts on crafted handshakes: certificate-request-info
 * (ssl.log's requested CAs), ssl-log-ext (the handshake's numbers), log-certs-base64 (x509.log's cert),
 * log-hostcerts-only (no CA rows in x509.log) and known-certs
 * (known_certs.log, once per server and certificate, for the hosts
 * Known::cert_tracking selects); the notices of expiring-certs, weak-keys
 * and heartbleed.
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
import {
  alpn,
  CCS,
  cat,
  certHandshake,
  clientHello,
  clientKeyShare,
  clientVersions,
  conversation,
  ext,
  hsMsg,
  record,
  serverHello,
  serverKeyShare,
  serverVersion,
  TEST_CERT,
  u16,
} from "../../helpers/tls.js";

const RSA_2048_CERT = new Uint8Array(new X509Certificate(readFileSync(join(repoRoot(), "test", "analyzer", "app", "captures", "rsa.pem"))).raw);
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
  for (const path of ["ssl", "x509", "known_certs", "notice"]) {
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
  // The CA that does not parse is an empty element: written "(empty)", as Zeek's formatter writes one.
  assert.deepEqual(column(withScript, "ssl", "requested_client_certificate_authorities"), [
    "CN=www.example.org\\x2cO=Bronze Test\\\\\\x2c Inc.\\x2cC=US,(empty)",
  ]);
  const without = await run(certHandshake([TEST_CERT], { extra: [request] }), []);
  assert.ok(!without.fields.get("ssl")!.includes("requested_client_certificate_authorities"));
  // No request: the column is unset.
  const none = await run(certHandshake([TEST_CERT]), ["protocols/ssl/certificate-request-info"]);
  assert.deepEqual(column(none, "ssl", "requested_client_certificate_authorities"), ["-"]);
});

/** A TLS 1.3 handshake whose hellos carry the extensions ssl-log-ext logs; the client's key share comes first, before any other SSL event. */
function tls13Handshake(): TestPacket[] {
  const pointFormats = (...f: number[]) => ext(11, cat([f.length], f));
  const clientExts = [
    clientKeyShare(29),
    pointFormats(0, 1),
    ext(10, cat(u16(4), u16(29), u16(23))),
    ext(13, cat(u16(4), [4, 3], [8, 4])),
    ext(45, cat([1], [1])),
    alpn("h2", "http/1.1"),
    clientVersions(0x0304, 0x0303),
  ];
  const hello = clientHello({ ciphers: [0x1301, 0x1302], exts: clientExts });
  // The server's point formats are not the client's: the column keeps the client's.
  const server = serverHello({ cipher: 0x1301, exts: [serverVersion(0x0304), serverKeyShare(29), pointFormats(2)] });
  return conversation([
    { from: "c", data: record(22, hello) },
    { from: "s", data: cat(record(22, server), CCS) },
  ]);
}

test("ssl-log-ext: the hellos' numbers as sent, the client's lists and the server's choices; not there without the script", async () => {
  const logs = await run(tls13Handshake(), ["protocols/ssl/ssl-log-ext"]);
  const row = (name: string): string => column(logs, "ssl", name)[0]!;
  assert.deepEqual(logs.fields.get("ssl")!.slice(logs.fields.get("ssl")!.indexOf("server_version")), [
    ...["server_version", "client_version", "client_ciphers", "ssl_client_exts", "ssl_server_exts", "ticket_lifetime_hint", "dh_param_size"],
    ...["point_formats", "client_curves", "orig_alpn", "client_supported_versions", "server_supported_version", "psk_key_exchange_modes"],
    ...["client_key_share_groups", "server_key_share_group", "client_comp_methods", "sigalgs", "hashalgs", "ech_kdf_id", "ech_aead_id"],
  ]);
  const expected: Record<string, string> = {
    server_version: "771",
    client_version: "771",
    client_ciphers: "4865,4866",
    ssl_client_exts: "51,11,10,13,45,16,43",
    ssl_server_exts: "43,51,11",
    point_formats: "0,1",
    client_curves: "29,23",
    orig_alpn: "h2,http/1.1",
    client_supported_versions: "772,771",
    server_supported_version: "772",
    psk_key_exchange_modes: "1",
    client_key_share_groups: "29",
    server_key_share_group: "29",
    client_comp_methods: "0",
    sigalgs: "3,4",
    hashalgs: "4,8",
    ticket_lifetime_hint: "-",
    dh_param_size: "-",
    ech_kdf_id: "-",
  };
  for (const [name, value] of Object.entries(expected)) assert.equal(row(name), value, name);
  const without = await run(tls13Handshake(), []);
  assert.ok(!without.fields.get("ssl")!.includes("server_version"));
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

/** notice.log's note and msg of each row. */
function notes(logs: Logs): string[] {
  return (logs.rows.get("notice") ?? []).map((r) => `${r[10]} ${r[11]}`);
}

test("expiring-certs: a server certificate not valid yet, expired, or expiring within 30 days is a notice (once a day per server and certificate)", async (t) => {
  // TEST_CERT is valid from 2026-12-03 13:32:04 to 2036-11-30 13:32:04 UTC; Zeek's %T writes local time, as the btests' TZ=UTC.
  const tz = process.env.TZ;
  process.env.TZ = "UTC";
  t.after(() => {
    if (tz === undefined) delete process.env.TZ;
    else process.env.TZ = tz;
  });
  const at = async (start: number, settings: string[] = []): Promise<string[]> =>
    notes(
      await run(
        [...certHandshake([TEST_CERT], { start }), ...certHandshake([TEST_CERT], { start: start + 5, cport: 40001 })],
        ["protocols/ssl/expiring-certs"],
        settings,
      ),
    );
  const subject = "CN=www.example.org,O=Bronze Test\\\\, Inc.,C=US";
  assert.deepEqual(await at(1_700_000_000), [`SSL::Certificate_Not_Valid_Yet Certificate ${subject} isn't valid until 2026-12-03-13:32:04.000000000`]);
  assert.deepEqual(await at(2_200_000_000), [`SSL::Certificate_Expired Certificate ${subject} expired at 2036-11-30-13:32:04.000000000`]);
  assert.deepEqual(await at(2_110_000_000), [`SSL::Certificate_Expires_Soon Certificate ${subject} is going to expire at 2036-11-30-13:32:04.000000000`]);
  assert.deepEqual(await at(2_000_000_000), []);
  assert.deepEqual(await at(2_110_000_000, ["SSL::notify_when_cert_expiring_in=1day"]), []);
  assert.deepEqual(await at(2_110_000_000, ["SSL::notify_certs_expiration=REMOTE_HOSTS"]), []);
});

test("weak-keys: short RSA keys and DH primes, SSLv3 and RC4 are notices; elliptic-curve keys are not judged by length", async () => {
  const dheKeyExchange = hsMsg(
    12,
    cat(u16(128), new Uint8Array(128).fill(0xff), u16(1), [2], u16(128), new Uint8Array(128).fill(3), [4, 1], u16(4), [9, 9, 9, 9]),
  );
  const dhe = await run(
    certHandshake([RSA_2048_CERT], { cipher: 0x0033, extra: [dheKeyExchange] }),
    ["protocols/ssl/weak-keys"],
    ["SSL::notify_minimal_key_length=4096"],
  );
  assert.deepEqual(notes(dhe), [
    "SSL::Weak_Key Host uses weak DH parameters with 1024 key bits",
    "SSL::Weak_Key DH key length of 1024 bits is smaller certificate key length of 2048 bits",
    "SSL::Weak_Key Host uses weak certificate with 2048 bit key",
  ]);
  const row = dhe.rows.get("notice")!.at(-1)!;
  assert.match(row[8]!, /^Fingerprint: [0-9a-f]{64}$/);
  assert.equal(row[12], "Subject: O=bronze,CN=rsa.bronze.test");
  const old = await run(certHandshake([TEST_CERT], { version: 0x0300, cipher: 0x0005 }), ["protocols/ssl/weak-keys"]);
  assert.deepEqual(notes(old), [
    "SSL::Old_Version Host uses protocol version SSLv3 which is lower than the safe minimum TLSv10",
    "SSL::Weak_Cipher Host established connection using unsafe cipher suite TLS_RSA_WITH_RC4_128_SHA",
  ]);
  assert.deepEqual(notes(await run(certHandshake([TEST_CERT]), ["protocols/ssl/weak-keys"], ["SSL::notify_minimal_key_length=4096"])), []);
});

test("heartbleed: a heartbeat claiming more payload than its record is an attack, its response a success; encrypted, the record lengths tell", async () => {
  const heartbeat = (type: number, payloadLength: number, pad: number): Uint8Array => record(24, cat([type], u16(payloadLength), new Uint8Array(pad)));
  const hello = [
    { from: "c" as const, data: record(22, clientHello(), 0x0301) },
    { from: "s" as const, data: record(22, serverHello({ cipher: 0xc02f })) },
  ];
  const clear = await run(conversation([...hello, { from: "c", data: heartbeat(1, 16384, 16) }, { from: "s", data: heartbeat(2, 16384, 16384 - 3) }]), [
    "protocols/ssl/heartbleed",
  ]);
  assert.deepEqual(notes(clear), [
    "Heartbleed::SSL_Heartbeat_Attack An TLS heartbleed attack was detected! Record length 19. Payload length 16384",
    "Heartbleed::SSL_Heartbeat_Attack_Success An TLS heartbleed attack detected before was probably exploited. Message length: 16384. Payload length: 16384",
  ]);
  const encrypted = await run(
    conversation([
      ...hello,
      { from: "c", data: cat(record(22, hsMsg(16, new Uint8Array(66).fill(4))), CCS, record(22, new Uint8Array(40).fill(5))) },
      { from: "s", data: cat(CCS, record(22, new Uint8Array(40).fill(6))) },
      { from: "c", data: record(24, new Uint8Array(32).fill(7)) },
      { from: "s", data: record(24, new Uint8Array(64).fill(8)) },
    ]),
    ["protocols/ssl/heartbleed"],
  );
  assert.deepEqual(
    notes(encrypted).map((n) => n.replace(/Time: [0-9.]+$/, "Time: T")),
    [
      "Heartbleed::SSL_Heartbeat_Attack Heartbeat before ciphertext. Probable attack or scan. Length: 32, is_client: 1",
      "Heartbleed::SSL_Heartbeat_Odd_Length Heartbeat message smaller than minimum required length. Probable attack. Message length: 32. Required length: 43. Cipher: TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256. Cipher match: /^?(_AES_128_GCM_SHA256$)$?/",
      "Heartbleed::SSL_Heartbeat_Attack_Success An encrypted TLS heartbleed attack was probably detected! First packet client record length 32, first packet server record length 64. Time: T",
    ],
  );
});
