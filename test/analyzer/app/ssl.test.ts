/**
 * The SSL/TLS and DTLS analyzers and ssl.log: crafted conversations (a
 * ClientHello cut across TCP segments and records, malformed extension
 * lengths, TLS 1.3 with a HelloRetryRequest, STARTTLS through a parent's
 * child analyzer, DTLS fragments), a fuzz run of mutated handshakes, and
 * ssl.log against Zeek's on the corpus.
 */
import assert from "node:assert/strict";
import { createHash, generateKeyPairSync, X509Certificate } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import type { AnalyzerComponent, AnalyzerHost, ChildStream, StreamAnalyzer } from "../../../src/analyzer/app/analyzer.js";
import { parseCertificate } from "../../../src/files/x509/cert.js";
import { Engine, loadBuiltinScripts, openTrace } from "../../../src/index.js";
import { corpusRoot, corpusSeed, parseLog } from "../../conformance/conn-harness.js";
import { tracesWithAppLog } from "../../helpers/corpus.js";
import { runChecked } from "../../helpers/fuzz.js";
import { bytes, ethernet, memorySource, type TestPacket, udp4 } from "../../helpers/packets.js";
import { rng } from "../../helpers/rng.js";
import {
  alpn,
  appData,
  CCS,
  cat,
  certHandshake,
  clientHello,
  clientKeyShare,
  clientVersions,
  conversation,
  HRR_RANDOM,
  hrrKeyShare,
  hsMsg,
  record,
  serverHello,
  serverKeyShare,
  serverVersion,
  sni,
  TEST_CERT,
  u16,
  u24,
} from "../../helpers/tls.js";
import { int, oid, seq, str, tlv } from "./ber-helpers.js";

interface Run {
  events: string[];
  ssl: string[][];
  conn: string[][];
  analyzer: string[][];
  weird: string[][];
}

async function run(packets: TestPacket[], engine = new Engine()): Promise<Run> {
  const scripts = loadBuiltinScripts(engine, { memory: true });
  const events: string[] = [];
  const flag = (b: boolean): string => (b ? "T" : "F");
  engine.on("ssl_client_hello", (_c, v, rv, _ts, _r, sid, ciphers) => void events.push(`client_hello ${v} ${rv} ${sid.length} [${ciphers.join(",")}]`));
  engine.on("ssl_server_hello", (_c, v, _rv, _ts, _r, _sid, cipher) => void events.push(`server_hello ${v} ${cipher}`));
  engine.on("ssl_extension_server_name", (_c, client, names) => void events.push(`sni ${flag(client)} ${names.join(",")}`));
  engine.on("ssl_handshake_message", (_c, client, type, len) => void events.push(`hs ${flag(client)} ${type} ${len}`));
  engine.on("ssl_change_cipher_spec", (_c, client) => void events.push(`ccs ${flag(client)}`));
  engine.on("ssl_established", () => void events.push("established"));
  engine.on("ssl_alert", (_c, client, level, desc) => void events.push(`alert ${flag(client)} ${level} ${desc}`));
  engine.on("analyzer_violation_info", (atype, info) => void events.push(`violation ${atype} ${info.reason}`));
  await engine.run(memorySource(packets));
  scripts.close();
  const rowsOf = (path: string): string[][] => parseLog(scripts.logs.text(path)).rows.map((r) => [...r]);
  return {
    events,
    ssl: rowsOf("ssl"),
    conn: rowsOf("conn"),
    analyzer: scripts.logs.text("analyzer") ? rowsOf("analyzer") : [],
    weird: scripts.logs.text("weird") ? rowsOf("weird") : [],
  };
}

/** ssl.log's columns from version to ssl_history. */
const sslCols = (row: string[]): string[] => row.slice(6, 15);

// ---------------------------------------------------------------- TLS 1.2

test("SSL: a ClientHello split over three TCP segments and two records is parsed once, whole; ssl.log as Zeek's main.zeek writes it", async () => {
  const hello = clientHello({ exts: [sni("www.example.org"), alpn("h2", "http/1.1")] });
  // The handshake message is cut into two records, the client's bytes into three segments at other places.
  const cut = 40;
  const clientBytes = cat(record(22, hello.subarray(0, cut), 0x0301), record(22, hello.subarray(cut), 0x0301));
  const server = cat(record(22, cat(serverHello({ cipher: 0xc02f, exts: [alpn("h2")] }), hsMsg(11, cat(u24(0))), hsMsg(14, new Uint8Array(0)))));
  const finish = cat(record(22, hsMsg(16, new Uint8Array(66).fill(4))), CCS, record(22, new Uint8Array(40).fill(5)));
  const serverFinish = cat(CCS, record(22, new Uint8Array(40).fill(6)), appData(100));
  const r = await run(
    conversation([
      { from: "c", data: clientBytes, cuts: [3, 30] },
      { from: "s", data: server },
      { from: "c", data: finish },
      { from: "s", data: serverFinish },
      { from: "c", data: appData(50) },
    ]),
  );
  assert.deepEqual(r.events, [
    "sni T www.example.org",
    `client_hello 771 769 32 [4865,49199,47]`,
    `hs T 1 ${hello.length - 4}`,
    "server_hello 771 49199",
    "hs F 2 49",
    "hs F 11 3",
    "hs F 14 0",
    "hs T 16 66",
    "ccs T",
    "ccs F",
    "established",
  ]);
  assert.equal(r.ssl.length, 1);
  assert.deepEqual(sslCols(r.ssl[0]!), ["TLSv12", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "-", "www.example.org", "F", "-", "h2", "T", "CsxnGIi"]);
  assert.equal(r.conn[0]![7], "ssl");
});

/** A resumed session (the server echoes the session id) the server ends with a handshake_failure alert. */
function resumedThenAlert(): TestPacket[] {
  const sid = new Uint8Array(32).fill(0x5a);
  return conversation([
    { from: "c", data: record(22, clientHello({ sessionId: sid })) },
    { from: "s", data: cat(record(22, serverHello({ sessionId: sid, cipher: 0x002f })), record(21, Uint8Array.of(2, 40))) },
  ]);
}

test("SSL: a session id the server echoes is a resumption; an alert is the last_alert and 'l' in the history", async () => {
  const r = await run(resumedThenAlert());
  assert.deepEqual(sslCols(r.ssl[0]!), ["TLSv12", "TLS_RSA_WITH_AES_128_CBC_SHA", "-", "-", "T", "handshake_failure", "-", "F", "Csl"]);
});

test("SSL::max_ssl_history_length: the history stops there, with Zeek's limit_reached_weird (its length as addl, source SSL, 'X' in conn.log's history)", async () => {
  const r = await run(resumedThenAlert(), new Engine({ settings: ["SSL::max_ssl_history_length=2"] }));
  assert.equal(sslCols(r.ssl[0]!)[8], "Cs");
  assert.deepEqual(
    r.weird.map((w) => [w[6], w[7], w[10]]),
    [["SSL_max_ssl_history_length_reached", "2", "SSL"]],
  );
  // Reporter::limit_reached_weird marks the connection's history with 'X' (conn.log's history is column 15).
  assert.match(r.conn[0]![15]!, /X/);
  assert.doesNotMatch((await run(resumedThenAlert())).conn[0]![15]!, /X/);
});

// ---------------------------------------------------------------- malformed

test("SSL: an extension longer than its hello, or a server_name list longer than its extension, is a violation with binpac's reason", async () => {
  const good = clientHello({ exts: [sni("a.example")] });
  // The extension header claims 200 bytes; 14 follow.
  const longExt = good.slice();
  const at = longExt.length - 14 - 2;
  longExt[at] = 0;
  longExt[at + 1] = 200;
  let r = await run(conversation([{ from: "c", data: record(22, longExt) }]));
  assert.deepEqual(r.events, ["violation SSL Binpac exception: binpac exception: out_of_bound: SSLExtension: 204 > 18"]);
  // The server_name list claims 100 bytes of the extension's 14.
  const longList = good.slice();
  longList[longList.length - 13] = 100;
  r = await run(conversation([{ from: "c", data: record(22, longList) }]));
  assert.deepEqual(r.events, ["violation SSL Binpac exception: binpac exception: out_of_bound: ServerNameExt: 102 > 14"]);
  // As in Zeek: the record's ssl_plaintext_data (raised after the handshake parse failed) starts the
  // session, and the connection's removal writes it, empty.
  assert.deepEqual(r.ssl.map(sslCols), [["-", "-", "-", "-", "F", "-", "-", "F", "(empty)"]]);
});

test("SSL: a connection that is not TLS after all stops the analyzer with Zeek's reasons", async () => {
  let r = await run(conversation([{ from: "c", data: bytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n") }]));
  assert.deepEqual(r.events, ["violation SSL Invalid version in TLS connection. Version: 17748"]);
  r = await run(
    conversation([
      { from: "c", data: record(22, clientHello()) },
      { from: "s", data: cat(record(22, serverHello()), bytes("HTTP/1.1 400 Bad Request\r\n\r\n")) },
    ]),
  );
  assert.equal(r.events.at(-1), "violation SSL Invalid version late in TLS connection. Packet reported version: 21588");
  // Confirmed, then the violation: the analyzer.log row, and the service gone.
  assert.equal(r.analyzer.length, 1);
  assert.equal(r.conn[0]![7], "-");
});

// ---------------------------------------------------------------- TLS 1.3

test("SSL: TLS 1.3 with a HelloRetryRequest: 'j' in the history, the key share's group as the curve, established from the encrypted records", async () => {
  const r = await run(
    conversation([
      {
        from: "c",
        data: record(22, clientHello({ ciphers: [0x1301, 0x1302], exts: [sni("tls13.example"), clientVersions(0x0304, 0x0303), clientKeyShare(29)] }), 0x0301),
      },
      { from: "s", data: cat(record(22, serverHello({ random: HRR_RANDOM, cipher: 0x1301, exts: [serverVersion(0x0304), hrrKeyShare(23)] })), CCS) },
      {
        from: "c",
        data: cat(CCS, record(22, clientHello({ ciphers: [0x1301, 0x1302], exts: [sni("tls13.example"), clientVersions(0x0304), clientKeyShare(23)] }))),
      },
      { from: "s", data: cat(record(22, serverHello({ cipher: 0x1301, exts: [serverVersion(0x0304), serverKeyShare(23)] })), appData(30), appData(700)) },
      { from: "c", data: appData(60) },
      { from: "s", data: cat(appData(200), record(21, Uint8Array.of(1, 0))) },
    ]),
  );
  assert.deepEqual(
    r.events.filter((e) => !e.startsWith("hs") && !e.startsWith("sni")),
    [
      "client_hello 771 769 32 [4865,4866]",
      "server_hello 771 4865",
      "ccs F",
      "ccs T",
      "client_hello 771 771 32 [4865,4866]",
      "server_hello 771 4865",
      "established",
    ],
    "the alert after establishment is not seen: the analyzer is detached then",
  );
  assert.deepEqual(sslCols(r.ssl[0]!), ["TLSv13", "TLS_AES_128_GCM_SHA256", "secp256r1", "tls13.example", "F", "-", "-", "T", "CjiICs"]);
});

// ---------------------------------------------------------------- STARTTLS

/** A toy line protocol whose "STARTTLS" line hands the rest of both streams to an SSL child, as SMTP does. */
class ToyStartTls implements StreamAnalyzer {
  private child: ChildStream | null = null;
  private started = [false, false];
  constructor(private readonly host: AnalyzerHost) {}
  deliverStream(isOrig: boolean, seq: number, data: Uint8Array): void {
    const side = isOrig ? 0 : 1;
    if (this.started[side]) {
      if (this.child?.active) this.child.deliverStream(isOrig, seq, data);
      return;
    }
    const text = Buffer.from(data).toString("latin1");
    if (text.startsWith("STARTTLS") || text.startsWith("220 go ahead")) {
      this.host.confirm();
      this.child ??= this.host.addChild("SSL");
      this.started[side] = true;
    }
  }
  undelivered(): void {}
  endOfData(): void {}
  done(): void {}
}

test('SSL: as a STARTTLS child (host.addChild("SSL")) it parses what its parent forwards; the service lists both', async () => {
  const toy: AnalyzerComponent = { name: "TOY", script: "toy", tcpPorts: [2525], stream: (host) => new ToyStartTls(host) };
  const engine = new Engine().registerAnalyzer(toy);
  const r = await run(
    conversation(
      [
        { from: "c", data: bytes("STARTTLS\r\n") },
        { from: "s", data: bytes("220 go ahead\r\n") },
        { from: "c", data: record(22, clientHello({ exts: [sni("mail.example")] })) },
        { from: "s", data: cat(record(22, serverHello({ cipher: 0x009c })), record(22, hsMsg(14, new Uint8Array(0)))) },
        { from: "c", data: cat(record(22, hsMsg(16, new Uint8Array(130))), CCS, record(22, new Uint8Array(40))) },
        { from: "s", data: cat(CCS, record(22, new Uint8Array(40))) },
      ],
      2525,
    ),
    engine,
  );
  assert.deepEqual(sslCols(r.ssl[0]!), ["TLSv12", "TLS_RSA_WITH_AES_128_GCM_SHA256", "-", "mail.example", "F", "-", "-", "T", "CsnGIi"]);
  assert.equal(r.conn[0]![7], "toy,ssl");
});

// ---------------------------------------------------------------- DTLS

function dtlsRecord(type: number, epoch: number, seq: number, body: Uint8Array): Uint8Array {
  return cat([type, 0xfe, 0xfd], u16(epoch), [0, 0, 0, 0], u16(seq), u16(body.length), body);
}
function dtlsFragment(type: number, msgSeq: number, msg: Uint8Array, offset: number, length: number): Uint8Array {
  return cat([type], u24(msg.length), u16(msgSeq), u24(offset), u24(length), msg.subarray(offset, offset + length));
}

test("DTLS: a ClientHello in two fragments, the second first, is reassembled; CCS on both sides, then epoch 1 establishes", async () => {
  // A DTLS 1.2 ClientHello body: version, random, session id, cookie, ciphers, compression.
  const body = cat(u16(0xfefd), new Uint8Array(32).fill(3), [0], [0], u16(4), u16(0xc02b), u16(0xc02f), [1, 0]);
  const sh = cat(u16(0xfefd), new Uint8Array(32).fill(4), [0], u16(0xc02b), [0]);
  const client = "10.0.0.1",
    server = "10.0.0.2";
  const dgram = (t: number, fromClient: boolean, payload: Uint8Array): TestPacket =>
    udpPacket(t, fromClient ? client : server, fromClient ? server : client, fromClient ? 40000 : 443, fromClient ? 443 : 40000, payload);
  const packets = [
    dgram(1, true, dtlsRecord(22, 0, 1, dtlsFragment(1, 0, body, 30, body.length - 30))),
    dgram(2, true, dtlsRecord(22, 0, 0, dtlsFragment(1, 0, body, 0, 30))),
    dgram(
      3,
      false,
      cat(dtlsRecord(22, 0, 0, dtlsFragment(2, 0, sh, 0, sh.length)), dtlsRecord(20, 0, 1, Uint8Array.of(1)), dtlsRecord(22, 1, 0, new Uint8Array(48))),
    ),
    dgram(4, true, cat(dtlsRecord(20, 0, 2, Uint8Array.of(1)), dtlsRecord(22, 1, 0, new Uint8Array(48)))),
  ];
  const r = await run(packets);
  assert.deepEqual(r.events, [
    "client_hello 65277 65277 32 [49195,49199]",
    `hs T 1 ${body.length}`,
    "server_hello 65277 49195",
    `hs F 2 ${sh.length}`,
    "ccs F",
    "ccs T",
    "established",
  ]);
  assert.deepEqual(sslCols(r.ssl[0]!), ["DTLSv12", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "-", "-", "F", "-", "-", "T", "CsiI"]);
  assert.equal(r.conn[0]![7], "dtls");
});

function udpPacket(t: number, src: string, dst: string, sport: number, dport: number, payload: Uint8Array): TestPacket {
  return { ts: t, bytes: ethernet("00:00:00:00:00:02", "00:00:00:00:00:01", 0x0800, udp4({ src, dst }, { sport, dport, payload })) };
}

// ---------------------------------------------------------------- fuzz

test("SSL fuzz: mutated handshakes (bytes flipped, lengths bent, records cut) never throw out of the analyzer", async () => {
  const rand = rng(0x7115);
  const base = [
    record(
      22,
      clientHello({ sessionId: new Uint8Array(32).fill(1), exts: [sni("fuzz.example"), alpn("h2"), clientVersions(0x0304, 0x0303), clientKeyShare(29)] }),
    ),
    cat(
      record(22, serverHello({ cipher: 0xc02f, exts: [serverVersion(0x0303)] })),
      record(
        22,
        cat(hsMsg(11, cat(u24(6), u24(3), [1, 2, 3])), hsMsg(12, cat([3], u16(23), [4, 1, 2, 3, 4], [4, 1], u16(2), [9, 9])), hsMsg(14, new Uint8Array(0))),
      ),
    ),
    cat(record(22, hsMsg(16, new Uint8Array(66))), CCS, record(22, new Uint8Array(40))),
    cat(CCS, record(22, new Uint8Array(40)), record(24, Uint8Array.of(1, 0, 16, 5, 5)), record(21, Uint8Array.of(2, 10, 1, 0))),
  ];
  for (let round = 0; round < 150; round++) {
    const flights = base.map((b, i) => {
      const data = b.slice();
      const flips = Math.floor(rand() * 6);
      for (let k = 0; k < flips; k++) data[Math.floor(rand() * data.length)] = Math.floor(rand() * 256);
      const cuts = [Math.floor(rand() * data.length)].filter((c) => c > 0).sort((a, z) => a - z);
      return { from: (i % 2 === 0 ? "c" : "s") as "c" | "s", data, cuts };
    });
    const engine = new Engine();
    loadBuiltinScripts(engine, { memory: true });
    await runChecked(engine, conversation(flights), round % 2 === 0);
  }
});

test("DTLS fuzz: mutated datagrams (fragments, versions, epochs, unified headers) never throw out of the analyzer", async () => {
  const rand = rng(0xd715);
  const body = cat(u16(0xfefd), new Uint8Array(32).fill(3), [0], [0], u16(4), u16(0xc02b), u16(0xc02f), [1, 0], u16(6), serverVersion(0xfefc));
  const sh = cat(u16(0xfefd), new Uint8Array(32).fill(4), [0], u16(0x1301), [0], u16(6), serverVersion(0xfefc));
  const base = [
    { c: true, d: dtlsRecord(22, 0, 0, dtlsFragment(1, 0, body, 0, 30)) },
    { c: true, d: dtlsRecord(22, 0, 1, dtlsFragment(1, 0, body, 30, body.length - 30)) },
    {
      c: false,
      d: cat(dtlsRecord(22, 0, 0, dtlsFragment(2, 0, sh, 0, sh.length)), dtlsRecord(20, 0, 1, Uint8Array.of(1)), dtlsRecord(21, 0, 2, Uint8Array.of(2, 40))),
    },
    { c: true, d: cat([0x2c, 0x01], new Uint8Array(40)) },
    { c: false, d: cat([0x3f, 0x00, 0x02, 0x00, 0x10], new Uint8Array(16)) },
  ];
  for (let round = 0; round < 150; round++) {
    const packets = base.map((b, i) => {
      const data = b.d.slice();
      const flips = Math.floor(rand() * 5);
      for (let k = 0; k < flips; k++) data[Math.floor(rand() * data.length)] = Math.floor(rand() * 256);
      const cut = rand() < 0.2 ? data.subarray(0, Math.floor(rand() * data.length)) : data;
      return udpPacket(1 + i, b.c ? "10.0.0.1" : "10.0.0.2", b.c ? "10.0.0.2" : "10.0.0.1", b.c ? 40000 : 443, b.c ? 443 : 40000, cut);
    });
    const engine = new Engine();
    loadBuiltinScripts(engine, { memory: true });
    await runChecked(engine, packets, round % 2 === 0);
  }
});

// ---------------------------------------------------------------- corpus

const root = corpusRoot();
const applogs = join(root, "zeek-applogs");

/** Traces whose ssl.log rows all come from connections Zeek analysed as SSL/DTLS alone (no parent analyzer bronze lacks yet). */
function sslTraces(): string[] {
  return tracesWithAppLog("ssl.log", root).sort();
}

test("SSL: ssl.log (version to ssl_history) matches Zeek's on the corpus where SSL/DTLS analysed the connection alone", {
  skip: !existsSync(applogs) && `corpus not found at ${root}`,
}, async () => {
  const seed = corpusSeed(root);
  let compared = 0;
  let skipped = 0;
  const mismatches: string[] = [];
  for (const t of sslTraces()) {
    const connLog = join(root, "zeek-all/expected", `${t}.conn.log`);
    if (!existsSync(connLog)) continue;
    const zconn = parseLog(readFileSync(connLog, "latin1"));
    const svc = new Map(zconn.rows.map((r) => [r[1]!, r[7]!]));
    const zeek = parseLog(readFileSync(join(applogs, t, "ssl.log"), "latin1")).rows.filter((r) => {
      const s = svc.get(r[1]!);
      // RDP hands its TLS to an SSL child without confirming itself: a parent bronze lacks yet.
      const alone = (s === "ssl" || s === "dtls") && !t.startsWith("rdp/");
      if (!alone) skipped++;
      return alone;
    });
    if (zeek.length === 0) continue;
    const engine = new Engine({ ignoreChecksums: true, seed });
    const scripts = loadBuiltinScripts(engine, { memory: true });
    await engine.run(await openTrace(join(root, "zeek/traces", t)));
    scripts.close();
    const ours = parseLog(scripts.logs.text("ssl")).rows.map((r) => r.slice(0, 15).join("\t"));
    for (const row of zeek) {
      compared++;
      const want = row.slice(0, 15).join("\t");
      const i = ours.indexOf(want);
      if (i >= 0) ours.splice(i, 1);
      else mismatches.push(`${t}: ${want}`);
    }
  }
  console.log(
    `ssl.log: ${compared - mismatches.length}/${compared} rows identical to Zeek's (to ssl_history; ${skipped} rows under parent analyzers not compared)`,
  );
  assert.ok(compared >= 80, `only ${compared} rows compared`);
  assert.deepEqual(mismatches, []);
});

// ---------------------------------------------------------------- certificates (x509)

test("x509: our DER walk reads what node:crypto reads, and the fields Zeek logs beyond it", () => {
  const parsed = parseCertificate(TEST_CERT);
  assert.ok(parsed !== null);
  const node = new X509Certificate(TEST_CERT);
  const c = parsed.certificate;
  assert.equal(c.serial, node.serialNumber.toUpperCase());
  assert.equal(c.not_valid_before, Date.parse(node.validFrom) / 1000);
  assert.equal(c.not_valid_after, Date.parse(node.validTo) / 1000);
  // RFC 2253: the last RDN first, commas in values escaped.
  assert.equal(c.subject, node.subject.split("\n").reverse().join(","));
  assert.equal(c.issuer, c.subject);
  assert.deepEqual(
    [c.version, c.key_alg, c.sig_alg, c.key_type, c.key_length, c.curve, c.exponent],
    [3, "id-ecPublicKey", "ecdsa-with-SHA256", "ecdsa", 256, "prime256v1", undefined],
  );
  assert.deepEqual(parsed.san, { other_fields: false, dns: ["www.example.org", "*.example.net"], ip: ["192.0.2.7"], email: ["a@example.org"] });
  assert.deepEqual(parsed.basic_constraints, { ca: true, path_len: 2 });
});

/** A certificate around `spki` (a SubjectPublicKeyInfo), signed (not verifiably) with `sigOid`. */
function certWithKey(spki: number[], sigOid: string): Uint8Array {
  const alg = seq(oid(sigOid));
  const cn = seq(tlv(0x31, seq(oid("2.5.4.3"), str(0x0c, "keys.example"))));
  const validity = seq(str(0x17, "200101000000Z"), str(0x17, "350101000000Z"));
  const tbs = seq(tlv(0xa0, int(2)), int(7), alg, cn, validity, cn, spki);
  return Uint8Array.from(seq(tbs, alg, tlv(0x03, [0], new Array<number>(64).fill(0x5a))));
}

test("x509: keys OpenSSL names by type (Ed25519, Ed448, RSA-PSS) log that name and OpenSSL's bit length; ML-DSA as an OpenSSL before 3.5 sees it", () => {
  const spkiOf = (type: "ed25519" | "ed448" | "rsa-pss"): number[] => {
    const keys = type === "rsa-pss" ? generateKeyPairSync(type, { modulusLength: 2048 }) : generateKeyPairSync(type as "ed25519");
    return [...keys.publicKey.export({ type: "spki", format: "der" })];
  };
  const fields = (der: Uint8Array): unknown[] => {
    const c = parseCertificate(der)!.certificate;
    return [c.key_alg, c.sig_alg, c.key_type, c.key_length, c.exponent];
  };
  // What OpenSSL 3's X509_extract_key gives Zeek's X509.cc for these keys (EVP_PKEY_get0_type_name, EVP_PKEY_bits).
  assert.deepEqual(fields(certWithKey(spkiOf("ed25519"), "1.3.101.112")), ["ED25519", "ED25519", "ED25519", 256, undefined]);
  assert.deepEqual(fields(certWithKey(spkiOf("ed448"), "1.3.101.113")), ["ED448", "ED448", "ED448", 456, undefined]);
  assert.deepEqual(fields(certWithKey(spkiOf("rsa-pss"), "1.2.840.113549.1.1.10")), ["rsassaPss", "rsassaPss", "RSA-PSS", 2048, undefined]);
  // The corpus' Zeek (tls/ml-dsa-44-cert.pcap): the key's OID, no signature name, no key fields.
  const mlDsa = "2.16.840.1.101.3.4.3.17";
  const mlDsaSpki = seq(seq(oid(mlDsa)), tlv(0x03, [0], new Array<number>(1312).fill(0x11)));
  assert.deepEqual(fields(certWithKey(mlDsaSpki, mlDsa)), [mlDsa, "", undefined, undefined, undefined]);
});

/** A TLS 1.2 conversation whose server sends `certs` in its Certificate message, the client naming `serverName`. */
function certConversation(certs: Uint8Array[], serverName: string): TestPacket[] {
  return certHandshake(certs, { serverName });
}

async function runCerts(packets: TestPacket[]): Promise<{ ssl: string[][]; x509: string[][]; weird: string[][]; files: string }> {
  const engine = new Engine();
  const scripts = loadBuiltinScripts(engine, { memory: true });
  await engine.run(memorySource(packets));
  scripts.close();
  const rowsOf = (path: string): string[][] => (scripts.logs.text(path) ? parseLog(scripts.logs.text(path)).rows.map((r) => [...r]) : []);
  return { ssl: rowsOf("ssl"), x509: rowsOf("x509"), weird: rowsOf("weird"), files: scripts.logs.text("files") ?? "" };
}

test("x509: a chain with an unparsable certificate logs the good one, reports x509_cert_parse_error, and ssl.log keeps only parsed fingerprints", async () => {
  const garbage = cat([0x30, 0x82, 0x01, 0x00], new Uint8Array(20).fill(0x41));
  const r = await runCerts(certConversation([TEST_CERT, garbage, new Uint8Array(0)], "www.example.org"));
  const fp = createHash("sha256").update(TEST_CERT).digest("hex");
  assert.equal(r.x509.length, 1);
  assert.equal(r.x509[0]![1], fp);
  assert.equal(r.x509[0]![20], "T"); // host_cert: the first of the chain
  assert.equal(r.x509[0]![21], "F"); // sent by the server
  const names = r.weird.map((w) => w[6]);
  assert.ok(names.includes("x509_cert_parse_error"), names.join(","));
  assert.ok(names.includes("zero_length_certificate"), names.join(","));
  assert.equal(r.ssl.length, 1);
  assert.deepEqual(r.ssl[0]!.slice(15, 18), [fp, "(empty)", "T"]);
  // Certificates stay out of files.log (X509::log_x509_in_files_log = F).
  assert.ok(!r.files.includes("x509"));
});

test("x509: the SNI is matched against the SAN's names, wildcards in the leftmost label only", async () => {
  const sniOf = async (name: string): Promise<string> => (await runCerts(certConversation([TEST_CERT], name))).ssl[0]![17]!;
  assert.equal(await sniOf("www.example.org"), "T");
  assert.equal(await sniOf("a.example.net"), "T");
  assert.equal(await sniOf("a.b.example.net"), "F");
  assert.equal(await sniOf("example.org"), "F");
});

test("x509 fuzz: mutated certificates never throw out of the parser or the engine", async () => {
  const rand = rng(1509);
  for (let round = 0; round < 300; round++) {
    const data = TEST_CERT.slice();
    const flips = 1 + Math.floor(rand() * 8);
    for (let k = 0; k < flips; k++) data[Math.floor(rand() * data.length)] = Math.floor(rand() * 256);
    const cut = rand() < 0.3 ? data.subarray(0, Math.floor(rand() * data.length)) : data;
    assert.doesNotThrow(() => parseCertificate(cut));
    if (round % 10 === 0) {
      const engine = new Engine();
      loadBuiltinScripts(engine, { memory: true });
      await runChecked(engine, certConversation([cut, data], "fuzz.example"), round % 20 === 0);
    }
  }
});

test("SSL: an encrypted record cut anywhere (in its header, in its body, at its end) gives ssl_encrypted_data once, after the packet that completes it", async () => {
  const engine = new Engine();
  const seen: string[] = [];
  engine.on("tcp_packet", (_c, isOrig, _flags, _seq, _ack, len) => void (len > 0 && seen.push(`${isOrig ? "c" : "s"} ${len}`)));
  engine.on("ssl_encrypted_data", (_c, client, _v, type, length) => void seen.push(`enc ${client ? "c" : "s"} ${type} ${length}`));
  const server = record(22, cat(serverHello({ cipher: 0xc02f }), hsMsg(14, new Uint8Array(0))));
  const finish = cat(record(22, hsMsg(16, new Uint8Array(66).fill(4))), CCS, record(22, new Uint8Array(40).fill(5)));
  const serverFinish = cat(CCS, record(22, new Uint8Array(40).fill(6)));
  // Records of 5 + 3000, 5 + 10 and 5 + 2000 bytes: they end at 3005, 3020 and 5025.
  const bulk = cat(appData(3000), appData(10), appData(2000));
  // Without the scripts: ssl/main.zeek's disable_analyzer_after_detection would stop the analyzer once established.
  await engine.run(
    memorySource(
      conversation([
        { from: "c", data: record(22, clientHello()) },
        { from: "s", data: server },
        { from: "c", data: finish },
        { from: "s", data: serverFinish },
        { from: "c", data: bulk, cuts: [2, 4, 1500, 3004, 3006, 3020, 4000] },
      ]),
    ),
  );
  // The client's finished record (encrypted after its CCS), then the server's, before the bulk flight.
  const bulkStart = seen.indexOf("enc s 22 40");
  assert.ok(bulkStart > 0 && seen.indexOf("enc c 22 40") < bulkStart, seen.join(" | "));
  assert.deepEqual(seen.slice(bulkStart + 1), [
    "c 2",
    "c 2",
    "c 1496",
    "c 1504",
    "c 2",
    "enc c 23 3000",
    "c 14",
    "enc c 23 10",
    "c 980",
    "c 1025",
    "enc c 23 2000",
  ]);
});
