/**
 * Kerberos tickets opened with a keytab (KRB::keytab, src/analyzer/app/krb/
 * keytab.ts and crypto.ts): n-fold and AES ciphertext stealing against the
 * RFCs' vectors, MIT's keytab format (malformed files included), and a
 * capture of MIT's own KDC and clients (captures/make-krb-keytab.sh): the
 * TGTs its KDC encrypted with five encryption types, opened with the keytab
 * its kadmin wrote, give the clients' names; the key left out of the keytab,
 * a byte changed in a ticket and an unreadable keytab give Zeek's warnings
 * instead; over TCP the field is "", as Zeek's KRB_TCP sets it.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { aesCtsDecrypt, nfold, UsageKeys } from "../../../src/analyzer/app/krb/crypto.js";
import type { KrbTicket } from "../../../src/analyzer/app/krb/events.js";
import { parseKeytab, TicketOpener, ticketClient, unparseName } from "../../../src/analyzer/app/krb/keytab.js";
import { Engine, loadBuiltinScripts, openTrace } from "../../../src/index.js";
import { repoRoot } from "../../helpers/corpus.js";
import { rng } from "../../helpers/rng.js";

const CAPTURES = join(repoRoot(), "test", "analyzer", "app", "captures");
const PCAP = join(CAPTURES, "krb-keytab.pcap");
const KEYTAB = join(CAPTURES, "krb-keytab.keytab");
const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replace(/\s+/g, ""), "hex"));
const text = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, "latin1"));

// ---------------------------------------------------------------- the primitives

test("n-fold: RFC 3961 appendix A.1's vectors", () => {
  const cases: [string, number, string][] = [
    ["012345", 64, "be072631276b1955"],
    ["password", 56, "78a07b6caf85fa"],
    ["Rough Consensus, and Running Code", 64, "bb6ed30870b7f0e0"],
    ["password", 168, "59e4a8ca7c0385c3c37b3f6d2000247cb6e6bd5b3e"],
    ["Q", 168, "518a54a215a8452a518a54a215a8452a518a54a215"],
    ["kerberos", 64, "6b65726265726f73"],
    ["kerberos", 128, "6b65726265726f737b9b5b2b93132b93"],
    ["kerberos", 256, "6b65726265726f737b9b5b2b93132b935c9bdcdad95c9899c4cae4dee6d6cae4"],
  ];
  for (const [input, bits, want] of cases) assert.equal(Buffer.from(nfold(text(input), bits / 8)).toString("hex"), want, `${bits}-fold("${input}")`);
});

test("AES-CBC with ciphertext stealing: RFC 3962 appendix B's vectors decrypt, the last two blocks swapped", () => {
  const key = hex("636869636b656e207465726979616b69"); // "chicken teriyaki"
  const cases: [string, string][] = [
    ["c6353568f2bf8cb4d8a580362da7ff7f97", "I would like the "],
    ["fc00783e0efdb2c1d445d4c8eff7ed2297687268d6ecccc0c07b25e25ecfe5", "I would like the General Gau's "],
    ["39312523a78662d5be7fcbcc98ebf5a897687268d6ecccc0c07b25e25ecfe584", "I would like the General Gau's C"],
  ];
  for (const [cipher, plain] of cases) assert.equal(Buffer.from(aesCtsDecrypt(key, hex(cipher))!).toString("latin1"), plain);
  assert.equal(aesCtsDecrypt(key, new Uint8Array(15)), null, "less than a block");
});

test("krb5_unparse_name: '/' between components, '@' before the realm, separators and control characters escaped", () => {
  assert.equal(unparseName([text("alice")], text("BRONZE.TEST")), "alice@BRONZE.TEST");
  assert.equal(unparseName([text("host"), text("svc.bronze.test")], text("BRONZE.TEST")), "host/svc.bronze.test@BRONZE.TEST");
  assert.equal(unparseName([text("a/b@c\\d"), text("x\ny\tz\bw\0")], text("R@/")), "a\\/b\\@c\\\\d/x\\ny\\tz\\bw\\0@R\\@\\/");
});

// ---------------------------------------------------------------- MIT's keytab format

/** A version 0x502 keytab entry (sizes and numbers big-endian), with a 32-bit kvno when given. */
function entry(realm: string, parts: string[], kvno8: number, etype: number, key: Uint8Array, kvno32?: number): Uint8Array {
  const counted = (b: Uint8Array): number[] => [b.length >> 8, b.length & 0xff, ...b];
  const u32 = (n: number): number[] => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
  const body = [
    0,
    parts.length,
    ...counted(text(realm)),
    ...parts.flatMap((p) => counted(text(p))),
    ...u32(1),
    ...u32(0x5fffffff),
    kvno8,
    etype >> 8,
    etype & 0xff,
    ...counted(key),
    ...(kvno32 === undefined ? [] : u32(kvno32)),
  ];
  return Uint8Array.from([...u32(body.length), ...body]);
}

const keytabFile = (...parts: Uint8Array[]): Uint8Array => Uint8Array.from([5, 2, ...parts.flatMap((p) => [...p])]);

test("keytab: MIT's file as its klist lists it (the capture's: krbtgt, kvno 2 to 8, one encryption type each)", () => {
  const kt = parseKeytab(readFileSync(KEYTAB));
  assert.equal(kt.error, undefined);
  assert.deepEqual(
    kt.entries.map((e) => [e.principal, e.kvno, e.etype, e.key.length]),
    [
      ["krbtgt/BRONZE.TEST@BRONZE.TEST", 2, 18, 32],
      ["krbtgt/BRONZE.TEST@BRONZE.TEST", 3, 17, 16],
      ["krbtgt/BRONZE.TEST@BRONZE.TEST", 4, 20, 32],
      ["krbtgt/BRONZE.TEST@BRONZE.TEST", 5, 19, 16],
      ["krbtgt/BRONZE.TEST@BRONZE.TEST", 6, 23, 16],
      ["krbtgt/BRONZE.TEST@BRONZE.TEST", 7, 18, 32],
      ["krbtgt/BRONZE.TEST@BRONZE.TEST", 8, 18, 32],
    ],
  );
});

test("keytab: a deleted entry (negative size) is skipped, a 32-bit kvno overrides the 8-bit one, version 0x501 is host-order", () => {
  const a = entry("R", ["host", "h"], 3, 18, new Uint8Array(32).fill(1));
  const b = entry("R", ["svc"], 255, 23, new Uint8Array(16).fill(2), 300);
  const hole = [0xff, 0xff, 0xff, 0xfc, 9, 9, 9, 9]; // -4, then four bytes of the hole
  const kt = parseKeytab(keytabFile(a, Uint8Array.from(hole), b));
  assert.deepEqual(
    kt.entries.map((e) => [e.principal, e.kvno, e.etype]),
    [
      ["host/h@R", 3, 18],
      ["svc@R", 300, 23],
    ],
  );
  // Version 0x501: little-endian, the realm counted among the components, no name type.
  const v1 = Uint8Array.from([5, 1, 21, 0, 0, 0, 2, 0, 1, 0, 0x52, 1, 0, 0x78, 0, 0, 0, 0, 7, 17, 0, 4, 0, 1, 2, 3, 4]);
  assert.deepEqual(
    parseKeytab(v1).entries.map((e) => [e.principal, e.kvno, e.etype, [...e.key]]),
    [["x@R", 7, 17, [1, 2, 3, 4]]],
  );
});

test("keytab: a bad version, a truncated entry and an entry too short for its fields say so; the entries before them stay", () => {
  const a = entry("R", ["svc"], 1, 18, new Uint8Array(32));
  assert.deepEqual(parseKeytab(Uint8Array.from([5, 3, ...a])), { entries: [], error: "Unsupported key table format version number" });
  assert.deepEqual(parseKeytab(new Uint8Array(0)).error, "Unsupported key table format version number");
  const truncated = parseKeytab(keytabFile(a, a.subarray(0, a.length - 5)));
  assert.equal(truncated.entries.length, 1);
  assert.equal(truncated.error, "Key table entry is truncated");
  const short = parseKeytab(keytabFile(a, Uint8Array.from([0, 0, 0, 3, 0, 1, 0])));
  assert.equal(short.entries.length, 1);
  assert.equal(short.error, "Key table entry is malformed");
});

test("keytab: random and mutated files never throw", () => {
  const next = rng(20261207);
  const good = readFileSync(KEYTAB);
  for (let i = 0; i < 2000; i++) {
    const data = i % 2 === 0 ? Uint8Array.from({ length: Math.floor(next() * 200) }, () => Math.floor(next() * 256)) : Uint8Array.from(good);
    if (i % 2 === 1) for (let m = 0; m < 3; m++) data[Math.floor(next() * data.length)] = Math.floor(next() * 256);
    if (i % 4 === 0 && data.length > 1) [data[0], data[1]] = [5, 2];
    const kt = parseKeytab(data);
    for (const e of kt.entries) assert.ok(typeof e.principal === "string");
  }
});

// ---------------------------------------------------------------- the capture

interface Seen {
  readonly proto: string;
  readonly inKdcPadata: boolean;
  readonly ticket: KrbTicket;
}

/** The capture's AP-REQs, read with `settings`; the reporter's warnings (reporter.log's messages). */
async function run(settings: string[]): Promise<{ seen: Seen[]; warnings: string[] }> {
  const engine = new Engine({ ignoreChecksums: true, settings });
  const seen: Seen[] = [];
  engine.on("krb_ap_request", (c, ticket, _opts, inKdcPadata) => void seen.push({ proto: c.id.transport, inKdcPadata, ticket }));
  const scripts = loadBuiltinScripts(engine, { memory: true, stderr: () => undefined });
  await engine.run(await openTrace(PCAP));
  scripts.close();
  const log = scripts.logs.written().includes("reporter") ? scripts.logs.text("reporter") : "";
  const warnings = log
    .split("\n")
    .filter((l) => l.includes("Reporter::WARNING"))
    .map((l) => l.split("\t")[2]!);
  return { seen, warnings };
}

test('the capture: MIT\'s TGTs of five encryption types opened with its keytab; over TCP ""; the key not in the keytab a warning', async () => {
  const { seen, warnings } = await run([`KRB::keytab=${KEYTAB}`]);
  assert.deepEqual(
    seen.map((s) => [s.proto, s.inKdcPadata, s.ticket.service_name, s.ticket.cipher, s.ticket.authenticationinfo]),
    [
      ["udp", true, "krbtgt/BRONZE.TEST", 18, "alice@BRONZE.TEST"],
      ["udp", true, "krbtgt/BRONZE.TEST", 17, "alice@BRONZE.TEST"],
      ["udp", true, "krbtgt/BRONZE.TEST", 20, "alice@BRONZE.TEST"],
      ["udp", true, "krbtgt/BRONZE.TEST", 19, "alice@BRONZE.TEST"],
      ["udp", true, "krbtgt/BRONZE.TEST", 23, "alice@BRONZE.TEST"],
      ["udp", true, "krbtgt/BRONZE.TEST", 18, "bob/admin@BRONZE.TEST"],
      ["tcp", true, "krbtgt/BRONZE.TEST", 18, ""],
      ["udp", true, "krbtgt/BRONZE.TEST", 17, undefined],
    ],
  );
  assert.deepEqual(warnings, ["KRB: Couldn't decrypt ticket (Wrong principal in request)"]);
});

test("the capture without a keytab: nothing decrypted, no warning; with an unreadable one: one warning, at the first KRB analyzer", async () => {
  const none = await run([]);
  assert.deepEqual(
    none.seen.map((s) => s.ticket.authenticationinfo),
    [undefined, undefined, undefined, undefined, undefined, undefined, "", undefined],
  );
  assert.deepEqual(none.warnings, []);
  const missing = await run(["KRB::keytab=/nonexistent/krb.keytab"]);
  assert.ok(missing.seen.every((s) => s.ticket.authenticationinfo === undefined || s.proto === "tcp"));
  assert.deepEqual(missing.warnings, ["KRB: Can't access keytab (/nonexistent/krb.keytab)"]);
});

test("a ticket with any byte changed does not open (each encryption type's integrity check), and throws nothing", async () => {
  const { seen } = await run([]);
  const warnings: string[] = [];
  const opener = new TicketOpener(parseKeytab(readFileSync(KEYTAB)), (m) => void warnings.push(m));
  const udp = seen.filter((s) => s.proto === "udp").slice(0, 6);
  const next = rng(7);
  for (const { ticket } of udp) {
    const cipher = text(ticket.ciphertext!);
    assert.ok(opener.authenticationInfo(ticket.service_name, ticket.cipher, cipher)?.endsWith("@BRONZE.TEST"), `etype ${ticket.cipher} opens`);
    for (let i = 0; i < 40; i++) {
      const bad = Uint8Array.from(cipher);
      bad[Math.floor(next() * bad.length)]! ^= 1 + Math.floor(next() * 255);
      assert.equal(opener.authenticationInfo(ticket.service_name, ticket.cipher, bad), undefined, `etype ${ticket.cipher}, a byte changed`);
      assert.equal(opener.authenticationInfo(ticket.service_name, ticket.cipher, bad.subarray(0, Math.floor(next() * bad.length))), undefined);
    }
  }
  assert.ok(warnings.every((w) => w === "KRB: Couldn't decrypt ticket (Wrong principal in request)"));
  // A service name Zeek cannot split into service and host: it does not ask the library.
  opener.authenticationInfo("krbtgt", 18, text(udp[0]!.ticket.ciphertext!));
  assert.equal(warnings.at(-1), "KRB: Couldn't parse principal (krbtgt)");
});

test("a decrypted plaintext that is no EncTicketPart gives no client", () => {
  assert.equal(ticketClient(new Uint8Array(0)), null);
  assert.equal(ticketClient(hex("6303300100")), null);
  assert.equal(ticketClient(hex("630730050201000000")), null);
  // Keys of the wrong length for their type decrypt nothing.
  assert.equal(new UsageKeys(18, new Uint8Array(16)).decrypt(2, new Uint8Array(64)), null);
  assert.equal(new UsageKeys(23, new Uint8Array(32)).decrypt(2, new Uint8Array(64)), null);
});

test("an EncTicketPart decrypted from the capture, mutated or cut anywhere, gives a client or null and throws nothing", async () => {
  const { seen } = await run([]);
  const aes = seen.find((s) => s.proto === "udp" && s.ticket.cipher === 18)!.ticket;
  const entry = parseKeytab(readFileSync(KEYTAB)).entries.find((e) => e.kvno === 2)!;
  const plain = new UsageKeys(entry.etype, entry.key).decrypt(2, text(aes.ciphertext!))!;
  assert.equal(ticketClient(plain), "alice@BRONZE.TEST");
  const next = rng(20261207);
  for (let i = 0; i < 3000; i++) {
    const bad = Uint8Array.from(plain.subarray(0, 1 + Math.floor(next() * plain.length)));
    for (let m = 0; m < 1 + (i % 4); m++) bad[Math.floor(next() * bad.length)] = Math.floor(next() * 256);
    const client = ticketClient(bad);
    assert.ok(client === null || typeof client === "string");
  }
});
