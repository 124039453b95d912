/**
 * TLS 1.2 decryption (policy/protocols/ssl/decryption): the PRF against the
 * published TLS 1.2 PRF vectors, AES-GCM records round-tripped with
 * node:crypto, a synthetic session whose HTTP inside becomes http.log rows
 * (a wrong secret, truncated records and mutated sessions give no plaintext
 * and throw nothing), and Zeek's two btests replayed as they run: the
 * secrets in a key log file, the logs compared with Zeek's baselines.
 */
import assert from "node:assert/strict";
import { createCipheriv } from "node:crypto";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { aeadSuite, keyBlockLength, openAeadRecord, TlsDecryptor, tls12Prf } from "../../../src/analyzer/app/ssl/decryption.js";
import { parseKeylog } from "../../../src/analyzer/app/ssl/decryption-script.js";
import { Engine, loadBuiltinScripts, openTrace } from "../../../src/index.js";
import { canonicalBtestLog } from "../../conformance/btest-applogs-harness.js";
import { corpusRoot, parseLog } from "../../conformance/conn-harness.js";
import { oracleMissing, repoRoot } from "../../helpers/corpus.js";
import { runChecked } from "../../helpers/fuzz.js";
import { memorySource, type TestPacket } from "../../helpers/packets.js";
import { rng } from "../../helpers/rng.js";
import { CCS, cat, clientHello, conversation, hsMsg, record, serverHello } from "../../helpers/tls.js";
import { zeekSource } from "../../signatures/btest-harness.js";

const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replace(/\s+/g, ""), "hex"));
const latin1 = (b: Uint8Array): string => Buffer.from(b).toString("latin1");

// ---------------------------------------------------------------- the PRF

test("TLS 1.2 PRF (P_SHA256): the published test vector", () => {
  const out = tls12Prf("sha256", hex("9bbe436ba940f017b17652849a71db35"), "test label", hex("a0ba9f936cda311827a6f796ffd5198c"), 100);
  assert.equal(
    Buffer.from(out).toString("hex"),
    "e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff70187347b66",
  );
});

test("TLS 1.2 PRF (P_SHA384): the published test vector", () => {
  const out = tls12Prf("sha384", hex("b80b733d6ceefcdc71566ea48e5567df"), "test label", hex("cd665cf6a8447dd6ff8b27555edb7465"), 148);
  assert.equal(
    Buffer.from(out).toString("hex"),
    "7b0c18e9ced410ed1804f2cfa34a336a1c14dffb4900bb5fd7942107e81c83cde9ca0faa60be9fe34f82b1233c9146a0e534cb400fed2700884f9dc236f80edd8bfa961144c9e8d792eca722a7b32fc3d416d473ebc2c5fd4abfdad05d9184259b5bf8cd4d90fa0d31e2dec479e4f1a26066f2eea9a69236a3e52655c9e9aee691c8f3a26854308d5eaa3be85e0990703d73e56f",
  );
});

// ---------------------------------------------------------------- records

const MASTER = new Uint8Array(48).map((_, i) => (i * 7 + 3) & 0xff);
const CLIENT_RANDOM = new Uint8Array(32).fill(1);
const SERVER_RANDOM = new Uint8Array(32).fill(2);

/** The key block of MASTER for `cipher`, as a TLS 1.2 peer derives it. */
function keyBlock(cipher: number, master = MASTER): Uint8Array {
  const suite = aeadSuite(cipher)!;
  return tls12Prf(suite.hash, master, "key expansion", cat(SERVER_RANDOM, CLIENT_RANDOM), keyBlockLength(suite));
}

/**
 * A record body as a peer seals it: AES-GCM's explicit nonce, ciphertext,
 * tag (RFC 5288); ChaCha20-Poly1305's ciphertext and tag, its nonce the IV
 * XOR the sequence number (RFC 7905).
 */
function seal(cipher: number, isClient: boolean, seq: number, contentType: number, plain: Uint8Array, keys = keyBlock(cipher)): Uint8Array {
  const suite = aeadSuite(cipher)!;
  const k = suite.keyLength;
  const n = suite.ivLength;
  const key = isClient ? keys.subarray(0, k) : keys.subarray(k, 2 * k);
  const iv = isClient ? keys.subarray(2 * k, 2 * k + n) : keys.subarray(2 * k + n, 2 * k + 2 * n);
  const ad = Buffer.alloc(13);
  ad.writeBigUInt64BE(BigInt(seq));
  ad[8] = contentType;
  ad.writeUInt16BE(0x0303, 9);
  ad.writeUInt16BE(plain.length, 11);
  if (suite.algorithm === "chacha20-poly1305") {
    const nonce = Buffer.from(iv);
    const padded = Buffer.alloc(12);
    padded.writeBigUInt64BE(BigInt(seq), 4);
    for (let i = 0; i < 12; i++) nonce[i]! ^= padded[i]!;
    const c = createCipheriv(suite.algorithm, key, nonce, { authTagLength: 16 });
    c.setAAD(ad, { plaintextLength: plain.length });
    return cat(c.update(plain), c.final(), c.getAuthTag());
  }
  const explicit = Buffer.alloc(8);
  explicit.writeBigUInt64BE(BigInt(seq) + 0x1000n);
  const c = createCipheriv(suite.algorithm, key, Buffer.concat([iv, explicit]));
  c.setAAD(ad);
  return cat(explicit, c.update(plain), c.final(), c.getAuthTag());
}

for (const cipher of [0xc030, 0xc02f, 0x009c, 0xc02c, 0xcca8]) {
  test(`AEAD records (cipher 0x${cipher.toString(16)}): sealed with node:crypto, opened with the derived keys on both sides`, () => {
    const d = new TlsDecryptor();
    d.setSecret(MASTER);
    const text = new TextEncoder().encode("GET / HTTP/1.1\r\n\r\n");
    const opened = d.decrypt(true, 1, cipher, CLIENT_RANDOM, SERVER_RANDOM, 23, 0x0303, seal(cipher, true, 1, 23, text));
    assert.deepEqual(opened === null ? null : Array.from(opened), Array.from(text));
    const reply = d.decrypt(false, 3, cipher, CLIENT_RANDOM, SERVER_RANDOM, 23, 0x0303, seal(cipher, false, 3, 23, text));
    assert.deepEqual(reply === null ? null : Array.from(reply), Array.from(text));
    assert.equal(d.failed, false);
  });
}

test("AES-GCM records: set_keys' key block decrypts without a secret; a wrong sequence number, tag or key does not, and ends decryption", () => {
  const cipher = 0xc030;
  const keys = keyBlock(cipher);
  const body = seal(cipher, true, 1, 23, Uint8Array.of(1, 2, 3));
  const d = new TlsDecryptor();
  d.setKeys(keys);
  assert.deepEqual(Array.from(d.decrypt(true, 1, cipher, null, null, 23, 0x0303, body) ?? []), [1, 2, 3]);
  const suite = aeadSuite(cipher)!;
  const salt = keys.subarray(64, 68);
  assert.equal(openAeadRecord(suite, keys.subarray(0, 32), salt, 2n, 23, 0x0303, body), null, "another sequence number");
  const tampered = body.slice();
  tampered[tampered.length - 1]! ^= 1;
  assert.equal(openAeadRecord(suite, keys.subarray(0, 32), salt, 1n, 23, 0x0303, tampered), null, "a changed tag");
  const wrong = new TlsDecryptor();
  wrong.setSecret(new Uint8Array(48).fill(9));
  assert.equal(wrong.decrypt(true, 1, cipher, CLIENT_RANDOM, SERVER_RANDOM, 23, 0x0303, body), null);
  assert.equal(wrong.failed, true);
  assert.equal(wrong.decrypt(true, 1, cipher, CLIENT_RANDOM, SERVER_RANDOM, 23, 0x0303, body), null, "no later try");
});

test("AEAD records: truncated bodies, unknown suites and a missing random give null, never an exception", () => {
  for (const c of [0xc030, 0xcca8]) {
    const sealed = seal(c, true, 1, 23, Uint8Array.of(1, 2, 3));
    for (let n = 0; n < sealed.length; n++) {
      const d = new TlsDecryptor();
      d.setSecret(MASTER);
      assert.equal(d.decrypt(true, 1, c, CLIENT_RANDOM, SERVER_RANDOM, 23, 0x0303, sealed.subarray(0, n)), null, `0x${c.toString(16)}: ${n} bytes`);
    }
  }
  const cipher = 0xc030;
  const body = seal(cipher, true, 1, 23, Uint8Array.of(1, 2, 3));
  for (const args of [
    [0x002f, CLIENT_RANDOM, SERVER_RANDOM],
    [0x1301, CLIENT_RANDOM, SERVER_RANDOM],
    [cipher, null, SERVER_RANDOM],
    [cipher, CLIENT_RANDOM, null],
  ] as const) {
    const d = new TlsDecryptor();
    d.setSecret(MASTER);
    assert.equal(d.decrypt(true, 1, args[0], args[1], args[2], 23, 0x0303, body), null);
  }
  const short = new TlsDecryptor();
  short.setKeys(new Uint8Array(40));
  assert.equal(short.decrypt(true, 1, cipher, null, null, 23, 0x0303, body), null, "a key block of the wrong length");
});

// ---------------------------------------------------------------- key logs

test("key logs: Zeek's input format (escaped bytes, any column order) and NSS's CLIENT_RANDOM lines", () => {
  const zeek = parseKeylog("#separator \\x09\n#fields\tsecret\tclient_random\n\\x41\\x42C\t\\x01\\x02\n-\t\\x03\n");
  assert.deepEqual(
    [...zeek].map(([k, v]) => [k, latin1(v)]),
    [["\x01\x02", "ABC"]],
  );
  const random = `00000000${"11".repeat(28)}`;
  const nss = parseKeylog(
    `# SSL/TLS secrets log file\nCLIENT_RANDOM ${random} ${"ab".repeat(48)}\r\nCLIENT_HANDSHAKE_TRAFFIC_SECRET ${random} ${"cd".repeat(32)}\n`,
  );
  assert.deepEqual(
    [...nss].map(([k, v]) => [k, Buffer.from(v).toString("hex")]),
    [["\x11".repeat(28), "ab".repeat(48)]],
  );
  assert.equal(parseKeylog("no header\tat all\n").size, 0);
});

// ---------------------------------------------------------------- sessions

const REQUEST = "GET /secret HTTP/1.1\r\nHost: example.org\r\nUser-Agent: test\r\n\r\n";
const RESPONSE = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello";

/** A TLS 1.2 session (ECDHE-RSA-AES256-GCM-SHA384) whose finished messages and application data are sealed with MASTER's keys. */
function session(master = MASTER, cipher = 0xc030, request: string | Uint8Array = REQUEST, response: string | Uint8Array = RESPONSE): TestPacket[] {
  const keys = keyBlock(cipher, master);
  const enc = (isClient: boolean, seq: number, type: number, text: string | Uint8Array): Uint8Array =>
    record(type, seal(cipher, isClient, seq, type, typeof text === "string" ? new TextEncoder().encode(text) : text, keys));
  const finished = hsMsg(20, new Uint8Array(12).fill(7));
  return conversation([
    { from: "c", data: record(22, clientHello({ ciphers: [cipher] })) },
    { from: "s", data: record(22, cat(serverHello({ cipher, random: SERVER_RANDOM }), hsMsg(14, new Uint8Array(0)))) },
    { from: "c", data: cat(record(22, hsMsg(16, new Uint8Array(33).fill(4))), CCS, enc(true, 0, 22, finished)) },
    { from: "s", data: cat(CCS, enc(false, 0, 22, finished)) },
    { from: "c", data: enc(true, 1, 23, request) },
    { from: "s", data: cat(enc(false, 1, 23, response.slice(0, 30)), enc(false, 2, 23, response.slice(30))) },
  ]);
}

interface Decrypted {
  http: string[][];
  conn: string[][];
  violations: string[];
}

/** A run with the decryption script and a key log holding `secrets` (client random's 28 bytes → master secret). */
async function decrypt(
  packets: TestPacket[],
  secrets: ReadonlyArray<readonly [Uint8Array, Uint8Array]> | string,
  loads = ["protocols/ssl/decryption"],
): Promise<Decrypted> {
  const dir = mkdtempSync(join(tmpdir(), "bronze-tlsdec-"));
  try {
    const file = join(dir, "keylog.log");
    const esc = (b: Uint8Array): string => Array.from(b, (x) => `\\x${x.toString(16).padStart(2, "0")}`).join("");
    const text = typeof secrets === "string" ? secrets : `#fields\tclient_random\tsecret\n${secrets.map(([r, s]) => `${esc(r)}\t${esc(s)}\n`).join("")}`;
    writeFileSync(file, text);
    const engine = new Engine({ loads, settings: [`SSL::keylog_file=${file}`] });
    const scripts = loadBuiltinScripts(engine, { memory: true, loads });
    const violations: string[] = [];
    engine.on("analyzer_violation_info", (atype, info) => void violations.push(`${atype} ${info.reason}`));
    await engine.run(memorySource(packets));
    scripts.close();
    const rows = (path: string): string[][] => (scripts.logs.text(path) ? parseLog(scripts.logs.text(path)).rows.map((r) => [...r]) : []);
    return { http: rows("http"), conn: rows("conn"), violations };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const KEY = CLIENT_RANDOM.subarray(4);

test("a decrypted session: its HTTP request and reply (over two records) become an http.log row, conn.log's service ssl,http", async () => {
  const r = await decrypt(session(), [[KEY, MASTER]]);
  assert.deepEqual(r.violations, []);
  assert.equal(r.http.length, 1);
  const row = r.http[0]!;
  assert.deepEqual([row[7], row[8], row[9], row[15], row[16]], ["GET", "example.org", "/secret", "5", "200"]);
  assert.equal(r.conn[0]![7], "ssl,http");
});

test("a decrypted session: the secret from an NSS key log (SSLKEYLOGFILE), TLS 1.3 lines beside it", async () => {
  const nss = `# SSL/TLS secrets log file, generated by NSS\nCLIENT_HANDSHAKE_TRAFFIC_SECRET ${"01".repeat(32)} ${"ee".repeat(32)}\nCLIENT_RANDOM ${"01".repeat(32)} ${Buffer.from(MASTER).toString("hex")}\n`;
  const r = await decrypt(session(), nss);
  assert.equal(r.http.length, 1);
  assert.equal(r.http[0]![9], "/secret");
});

test("a decrypted session: AES-128-GCM (ECDHE-RSA-AES128-GCM-SHA256) and ChaCha20-Poly1305 (ECDHE-RSA-CHACHA20-POLY1305) too", async () => {
  for (const cipher of [0xc02f, 0xcca8]) {
    const r = await decrypt(session(MASTER, cipher), [[KEY, MASTER]]);
    assert.equal(r.http.length, 1, `cipher 0x${cipher.toString(16)}`);
  }
});

test("no plaintext without the right secret: a wrong one, another client random, or the script not loaded; nothing thrown", async () => {
  const wrong = await decrypt(session(), [[KEY, new Uint8Array(48).fill(5)]]);
  assert.deepEqual([wrong.http, wrong.violations, wrong.conn[0]![7]], [[], [], "ssl"]);
  const other = await decrypt(session(), [[new Uint8Array(28).fill(3), MASTER]]);
  assert.deepEqual([other.http, other.conn[0]![7]], [[], "ssl"]);
  const notLoaded = await decrypt(session(), [[KEY, MASTER]], []);
  assert.deepEqual([notLoaded.http, notLoaded.conn[0]![7]], [[], "ssl"]);
});

test("truncated records (application data of 0 to 24 bytes: shorter than nonce + tag) decrypt nothing and throw nothing", async () => {
  for (let n = 0; n <= 24; n++) {
    const packets = conversation([
      { from: "c", data: record(22, clientHello({ ciphers: [0xc030] })) },
      { from: "s", data: record(22, serverHello({ cipher: 0xc030, random: SERVER_RANDOM })) },
      { from: "c", data: cat(CCS, record(22, new Uint8Array(40))) },
      { from: "s", data: cat(CCS, record(22, new Uint8Array(40))) },
      { from: "c", data: record(23, new Uint8Array(n).fill(0x17)) },
    ]);
    const r = await decrypt(packets, [[KEY, MASTER]]);
    assert.deepEqual([r.http, r.violations], [[], []], `${n} bytes`);
  }
});

test("fuzz: mutated decryptable sessions never throw out of the SSL analyzer (or the HTTP analyzer fed its plaintext)", async () => {
  const next = rng(0x7153dec);
  const dir = mkdtempSync(join(tmpdir(), "bronze-tlsdec-fuzz-"));
  try {
    const file = join(dir, "keylog.log");
    writeFileSync(
      file,
      `#fields\tclient_random\tsecret\n${"\\x01".repeat(28)}\t${Array.from(MASTER, (x) => `\\x${x.toString(16).padStart(2, "0")}`).join("")}\n`,
    );
    const base = session();
    for (let round = 0; round < 150; round++) {
      const packets: TestPacket[] = base.map((p) => ({ ...p, bytes: new Uint8Array(p.bytes) }));
      const edits = 1 + Math.floor(next() * 4);
      for (let e = 0; e < edits; e++) {
        const p = packets[Math.floor(next() * packets.length)]!;
        // Past the Ethernet, IP and TCP headers: the TLS bytes.
        if (p.bytes.length <= 54) continue;
        const at = 54 + Math.floor(next() * (p.bytes.length - 54));
        if (next() < 0.8) p.bytes[at] = Math.floor(next() * 256);
        else p.bytes = p.bytes.subarray(0, at);
      }
      // Every other round, the plaintext is mangled instead (the records authenticate; HTTP gets garbage).
      if (round % 2 === 1) {
        const mangle = (text: string): Uint8Array => {
          const b = new TextEncoder().encode(text);
          for (let k = 0; k < 1 + next() * 8; k++) b[Math.floor(next() * b.length)] = Math.floor(next() * 256);
          return next() < 0.3 ? b.subarray(0, 31 + Math.floor(next() * (b.length - 31))) : b;
        };
        packets.splice(0, packets.length, ...session(MASTER, 0xc030, mangle(REQUEST), mangle(RESPONSE)));
      }
      const loads = ["protocols/ssl/decryption"];
      const engine = new Engine({ loads, settings: [`SSL::keylog_file=${file}`], ignoreChecksums: true });
      const scripts = loadBuiltinScripts(engine, { memory: true, loads });
      const violations: string[] = [];
      engine.on("analyzer_violation_info", (_a, info) => void violations.push(info.reason));
      await runChecked(engine, packets, round % 3 === 0);
      scripts.close();
      for (const v of violations) assert.ok(!/analyzer error/.test(v), v);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// ---------------------------------------------------------------- Zeek's btests

const zeek = zeekSource();
const NO_SOURCE = "Zeek's source not found (set BRONZE_ZEEK_SOURCE to a checkout or bare repository of zeek/zeek): its decryption btests are not replayed";
const TRACES = join(corpusRoot(), "zeek", "traces", "tls");

/** Runs bronze as `zeek -C -r trace protocols/ssl/decryption` with the key log `keylog` (Zeek's input format); its logs. */
async function btestRun(trace: string, keylog: string): Promise<Map<string, string>> {
  const dir = mkdtempSync(join(tmpdir(), "bronze-tlsdec-btest-"));
  try {
    const file = join(dir, "keylogfile.log");
    writeFileSync(file, keylog, "latin1");
    const seed = zeek!
      .read("testing/btest/random.seed")
      .split(/\s+/)
      .filter((w) => w !== "")
      .map(Number);
    const loads = ["protocols/ssl/decryption", "base/protocols/http"];
    const engine = new Engine({ loads, seed, ignoreChecksums: true, settings: [`SSL::keylog_file=${file}`] });
    const scripts = loadBuiltinScripts(engine, { memory: true, loads });
    await engine.run(await openTrace(join(TRACES, trace)));
    scripts.close();
    const logs = new Map<string, string>();
    for (const path of scripts.logs.written()) logs.set(path, scripts.logs.text(path));
    return logs;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The btest's `redef SSL::secrets += { ["…"] = "…" }` entries, as a key log in Zeek's input format. */
function secretsRedefAsKeylog(script: string): string {
  const entries = [...script.matchAll(/\["((?:\\x[0-9a-fA-F]{2})+)"\]\s*=\s*"((?:\\x[0-9a-fA-F]{2})+)"/g)];
  return `#fields\tclient_random\tsecret\n${entries.map((m) => `${m[1]}\t${m[2]}\n`).join("")}`;
}

test("Zeek's btest scripts.policy.protocols.ssl.decryption: http.log of tls12-decryption.pcap as its baseline", {
  skip: zeek === null ? NO_SOURCE : false,
}, async (t) => {
  if (!existsSync(join(TRACES, "tls12-decryption.pcap"))) return oracleMissing(t, "trace tls/tls12-decryption.pcap not in the corpus");
  const script = zeek!.read("testing/btest/scripts/policy/protocols/ssl/decryption.zeek");
  const keylog = secretsRedefAsKeylog(script);
  assert.equal(keylog.split("\n").length, 3, "one secret in the btest");
  const logs = await btestRun("tls12-decryption.pcap", keylog);
  const baseline = zeek!.read("testing/btest/Baseline/scripts.policy.protocols.ssl.decryption/http.log");
  assert.equal(canonicalBtestLog(logs.get("http") ?? ""), canonicalBtestLog(baseline));
});

test("Zeek's btest scripts.policy.protocols.ssl.decryption-keylog: tls-1.2-stream-keylog.pcap's HTTP decrypted with its key log file", {
  skip: zeek === null ? NO_SOURCE : false,
}, async (t) => {
  if (!existsSync(join(TRACES, "tls-1.2-stream-keylog.pcap"))) return oracleMissing(t, "trace tls/tls-1.2-stream-keylog.pcap not in the corpus");
  const script = zeek!.read("testing/btest/scripts/policy/protocols/ssl/decryption-keylog.zeek");
  const file = /@TEST-START-FILE keylogfile\.log\n([\s\S]*?)# @TEST-END-FILE/.exec(script);
  assert.ok(file !== null);
  const logs = await btestRun("tls-1.2-stream-keylog.pcap", file[1]!);
  // The btest compares no log (it checks that Zeek runs): its one connection's HTTP, decrypted, is what the key log is for.
  const http = parseLog(logs.get("http") ?? "");
  assert.equal(http.rows.length, 16);
  const host = http.columns.indexOf("host");
  assert.ok(http.rows.every((r) => r[host] === "www.heise.de"));
  const conn = parseLog(logs.get("conn") ?? "");
  assert.deepEqual(
    conn.rows.map((r) => r[conn.columns.indexOf("service")]),
    ["ssl,http"],
  );
});

// ---------------------------------------------------------------- OpenSSL and curl

test("OpenSSL s_server and curl's SSLKEYLOGFILE (captures/make-tls-decryption.sh): ChaCha20 and AES-GCM sessions decrypted, the CBC one not", async () => {
  const dir = join(repoRoot(), "test", "analyzer", "app", "captures");
  const loads = ["protocols/ssl/decryption"];
  const engine = new Engine({ loads, ignoreChecksums: true, settings: [`SSL::keylog_file=${join(dir, "tls-decryption.keys")}`] });
  const scripts = loadBuiltinScripts(engine, { memory: true, loads });
  await engine.run(await openTrace(join(dir, "tls-decryption.pcap")));
  scripts.close();
  const http = parseLog(scripts.logs.text("http"));
  const col = (name: string): number => http.columns.indexOf(name);
  assert.deepEqual(http.rows.map((r) => `${r[col("id.resp_p")]} ${r[col("method")]} ${r[col("uri")]} ${r[col("status_code")]}`).sort(), [
    "4441 GET /ECDHE-RSA-CHACHA20-POLY1305 200",
    "4442 GET /ECDHE-RSA-AES128-GCM-SHA256 200",
    "4443 GET /ECDHE-RSA-AES256-GCM-SHA384 200",
    "4444 GET /AES128-GCM-SHA256 200",
  ]);
  const conn = parseLog(scripts.logs.text("conn"));
  const port = conn.columns.indexOf("id.resp_p");
  const service = conn.columns.indexOf("service");
  assert.deepEqual(conn.rows.map((r) => `${r[port]} ${r[service]}`).sort(), ["4441 ssl,http", "4442 ssl,http", "4443 ssl,http", "4444 ssl,http", "4445 ssl"]);
});
