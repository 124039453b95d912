/**
 * PostgreSQL on self-made conversations: a plain session (startup,
 * authentication, parameter status, a query with rows, an error, a notice,
 * terminate) and postgresql.log's rows as Zeek's script writes them; the
 * SSLRequest answered 'S' (an SSL child: postgresql,ssl) or 'N'; DPD on
 * another port; the analyzer off without --spicy; Zeek's violations for
 * malformed openings and messages; long and over-long messages; and a fuzz
 * over mutated conversations that must never throw out of the analyzer.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { MAX_BODY } from "../../../../src/analyzer/app/postgresql/postgresql.js";
import type { TestPacket } from "../../../helpers/packets.js";
import { rng } from "../../../helpers/rng.js";
import { tcpTrace } from "../../../session/harness.js";
import { type Bytes, concat, fuzzRounds, runTcp, type Step, segments, tlsHellos } from "../tcp-conv.js";

const be16 = (v: number): number[] => [(v >> 8) & 0xff, v & 0xff];
const be32 = (v: number): number[] => [(v >>> 24) & 0xff, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff];

/** A typed message: type letter, length (counting itself), body. */
function msg(typ: string, ...body: Bytes[]): Uint8Array {
  const b = concat(...body);
  return concat(typ, be32(b.length + 4), b);
}

function startup(params: Record<string, string>, major = 3): Uint8Array {
  const body = concat(be16(major), be16(0), ...Object.entries(params).map(([k, v]) => `${k}\0${v}\0`), [0]);
  return concat(be32(body.length + 4), body);
}

const SSL_REQUEST = concat(be32(8), be32(80877103));
const STARTUP = startup({ user: "alice", database: "shop", application_name: "psql" });
const READY = msg("Z", "I");
const AUTH_MD5 = msg("R", be32(5), [1, 2, 3, 4]);
const AUTH_OK = msg("R", be32(0));
const error = (m: string): Uint8Array => msg("E", "SERROR\0", "C42P01\0", `M${m}\0`, [0]);

const SESSION: Step[] = [
  ["c", STARTUP],
  ["s", AUTH_MD5],
  ["c", msg("p", "md5abcdef\0")],
  ["s", concat(AUTH_OK, msg("S", "server_version\0", "16.1\0"), msg("K", be32(42), be32(7)), READY)],
  ["c", msg("Q", "select 1\0")],
  ["s", concat(msg("T", be16(1), "x\0"), msg("D", be16(1), be32(1), "1"), msg("D", be16(1), be32(1), "2"), msg("C", "SELECT 2\0"), READY)],
  ["c", msg("Q", "drop table t\0")],
  ["s", concat(error('table "t" does not exist'), READY)],
  ["c", msg("Q", "drop table if exists t\0")],
  ["s", concat(msg("N", "SNOTICE\0", "Mskipping\0", [0]), msg("C", "DROP TABLE\0"), READY)],
  ["c", msg("X")],
];

/** postgresql.log's columns after the connection's id. */
const P = { user: 6, frontend: 9, success: 13 };
const pick = (r: string[]): string[] => r.slice(P.user);

test("a plain session: postgresql.log rows as Zeek's script writes them, and the events", async () => {
  const r = await runTcp(SESSION, {
    sport: 5432,
    spicy: true,
    watch: [
      "PostgreSQL::startup_message",
      "PostgreSQL::backend_key_data",
      "PostgreSQL::data_row",
      "PostgreSQL::not_implemented",
      "PostgreSQL::parameter_status",
    ],
  });
  assert.deepEqual(r.violations, []);
  assert.deepEqual(r.log("postgresql").map(pick), [
    ["alice", "shop", "psql", "startup", "-", "auth_ok", "MD5Password", "T", "-"],
    ["alice", "shop", "psql", "simple_query", "select 1", "-", "-", "T", "2"],
    ["alice", "shop", "psql", "simple_query", "drop table t", "error", 'SeverityLocalized=ERROR,Code=42P01,Message=table "t" does not exist', "F", "-"],
    ["alice", "shop", "psql", "simple_query", "drop table if exists t", "-", "SeverityLocalized=NOTICE,Message=skipping", "T", "0"],
    ["alice", "shop", "psql", "terminate", "-", "-", "-", "-", "-"],
  ]);
  assert.deepEqual(r.events, [
    "PostgreSQL::startup_message c 3 0",
    'PostgreSQL::parameter_status c "server_version" "16.1"',
    "PostgreSQL::backend_key_data c 42 7",
    'PostgreSQL::not_implemented c false "T" "\\u0000\\u0001x\\u0000"',
    "PostgreSQL::data_row c 1",
    "PostgreSQL::data_row c 1",
    'PostgreSQL::not_implemented c false "C" "SELECT 2\\u0000"',
    'PostgreSQL::not_implemented c false "C" "DROP TABLE\\u0000"',
  ]);
  assert.equal(r.log("conn")[0]![7], "postgresql");
});

test("without --spicy (the corpus' Zeek) the analyzer does not run", async () => {
  const r = await runTcp(SESSION, { sport: 5432 });
  assert.deepEqual(r.log("postgresql"), []);
  assert.equal(r.log("conn")[0]![7], "-");
});

test("SSLRequest answered 'S': both sides go to an SSL child (postgresql,ssl)", async () => {
  const [ch, sh] = tlsHellos();
  const r = await runTcp(
    [
      ["c", SSL_REQUEST],
      ["s", "S"],
      ["c", ch],
      ["s", sh],
    ],
    { sport: 5432, spicy: true, watch: ["PostgreSQL::ssl_request", "PostgreSQL::ssl_reply", "ssl_client_hello", "ssl_server_hello"] },
  );
  assert.deepEqual(r.violations, []);
  assert.deepEqual(
    r.events.map((e) => e.split(" ").slice(0, 3).join(" ")),
    ["PostgreSQL::ssl_request c", 'PostgreSQL::ssl_reply c "S"', "ssl_client_hello c 771", "ssl_server_hello c 771"],
  );
  assert.equal(r.log("conn")[0]![7], "postgresql,ssl");
  assert.deepEqual(r.log("postgresql").map(pick), [["-", "-", "-", "ssl_request", "-", "ssl_reply", "S", "T", "-"]]);
});

test("SSLRequest answered 'N': the startup follows in plain text", async () => {
  const r = await runTcp([["c", SSL_REQUEST], ["s", "N"], ...SESSION], { sport: 5432, spicy: true });
  assert.deepEqual(r.violations, []);
  const rows = r.log("postgresql").map(pick);
  assert.deepEqual(rows[0], ["-", "-", "-", "ssl_request", "-", "ssl_reply", "N", "F", "-"]);
  assert.equal(rows.length, 6);
  assert.deepEqual(rows[1]!.slice(0, 4), ["alice", "shop", "psql", "startup"]);
});

test("DPD: a startup message and a server response enable it on another port", async () => {
  const r = await runTcp(SESSION, { sport: 15432, spicy: true });
  assert.equal(r.log("conn")[0]![7], "postgresql");
  assert.equal(r.log("postgresql").length, 5);
});

test("messages split over many segments, several in one", async () => {
  const query = msg("Q", `select '${"x".repeat(30000)}'\0`);
  const pieces: Step[] = [];
  for (let at = 0; at < query.length; at += 1000) pieces.push(["c", query.subarray(at, at + 1000)]);
  const r = await runTcp([...SESSION.slice(0, 4), ...pieces, ["s", concat(msg("C", "SELECT 0\0"), READY)]], { sport: 5432, spicy: true });
  assert.deepEqual(r.violations, []);
  // The whole query was read; the log holds its first 4096 bytes (Zeek's Log::default_max_field_string_bytes).
  assert.equal(r.log("postgresql")[1]![P.frontend + 1], `select '${"x".repeat(30000)}'`.slice(0, 4096));
});

test("an over-long message is skipped with a weird, and parsing goes on after it", async () => {
  const long = concat("D", be32(MAX_BODY + 10), new Uint8Array(1000));
  const rest = new Uint8Array(MAX_BODY + 6 - 1000);
  const r = await runTcp([...SESSION.slice(0, 5), ["s", long], ["s", rest], ["s", READY]], { sport: 5432, spicy: true, segments: { mss: 1 << 20 } });
  assert.deepEqual(r.violations, []);
  assert.deepEqual(
    r.log("weird").map((w) => [w[6], w[7]]),
    [["PostgreSQL_message_too_large", `'D' of ${MAX_BODY + 10} bytes`]],
  );
  assert.deepEqual(r.log("postgresql")[1]!.slice(P.frontend, P.frontend + 2), ["simple_query", "select 1"]);
});

test("malformed openings and messages: Zeek's violations, both sides stop", async () => {
  const version = await runTcp([["c", startup({ user: "a" }, 2)]], { sport: 5432, spicy: true });
  assert.deepEqual(version.violations, ["POSTGRESQL unsupported PostgreSQL major version 2"]);

  const shortStartup = await runTcp([["c", concat(be32(8), be16(3), be16(0), "more")]], { sport: 5432, spicy: true });
  assert.deepEqual(shortStartup.violations, [
    "POSTGRESQL error while parsing PostgreSQL StartupMessage: &requires failed: (self.length >= 9)",
    "POSTGRESQL &requires failed: (self.length >= 9)",
  ]);

  const badLength = await runTcp(
    [
      ["c", STARTUP],
      ["s", concat("R", be32(2))],
      ["s", READY],
    ],
    { sport: 5432, spicy: true, watch: ["PostgreSQL::ready_for_query"] },
  );
  assert.deepEqual(badLength.violations, [
    "POSTGRESQL error while parsing PostgreSQL: &requires failed: (self.length >= 4)",
    "POSTGRESQL &requires failed: (self.length >= 4)",
  ]);
  assert.deepEqual(badLength.events, []);

  const badParam = await runTcp(
    [
      ["c", STARTUP],
      ["s", msg("S", "bad name\0", "v\0")],
    ],
    { sport: 5432, spicy: true },
  );
  assert.deepEqual(badParam.violations, ["POSTGRESQL error while parsing PostgreSQL: &requires failed: ($$ == 0)", "POSTGRESQL &requires failed: ($$ == 0)"]);

  const badSsl = await runTcp(
    [
      ["c", SSL_REQUEST],
      ["s", "X"],
    ],
    { sport: 5432, spicy: true },
  );
  assert.deepEqual(badSsl.violations, ["POSTGRESQL &requires failed: ($$ == 'S' || $$ == 'N')"]);

  const chatty = await runTcp(
    Array.from({ length: 5 }, (): Step => ["s", READY]),
    { sport: 5432, spicy: true },
  );
  assert.deepEqual(chatty.violations, ["POSTGRESQL too many backend messages buffered"]);

  const authOk = await runTcp(
    [
      ["c", STARTUP],
      ["s", msg("R", be32(0), "xx")],
    ],
    { sport: 5432, spicy: true },
  );
  assert.deepEqual(authOk.violations, [
    "POSTGRESQL error while parsing PostgreSQL: AuthenticationOK with wrong length: 6",
    "POSTGRESQL AuthenticationOK with wrong length: 6",
  ]);

  const unterminated = await runTcp(
    [
      ["c", STARTUP],
      ["s", AUTH_OK],
      ["c", msg("Q", "select")],
    ],
    { sport: 5432, spicy: true },
  );
  assert.equal(unterminated.violations.length, 2);
  assert.match(unterminated.violations[0]!, /^POSTGRESQL error while parsing PostgreSQL: end-of-data reached/);
});

test("fuzz: mutated conversations never throw out of the analyzer", async () => {
  const [ch, sh] = tlsHellos();
  const conversations: Step[][] = [
    SESSION,
    [["c", SSL_REQUEST], ["s", "N"], ...SESSION],
    [
      ["c", SSL_REQUEST],
      ["s", "S"],
      ["c", ch],
      ["s", sh],
    ],
  ];
  const r = rng(5432);
  const packetsFor = (round: number): TestPacket[] => {
    const packets: TestPacket[] = [];
    for (let i = 0; i < 40; i++) {
      const base = conversations[Math.floor(r() * conversations.length)]!;
      const steps = base.flatMap(([from, b]): Step[] => mutated(from, concat(b), r));
      packets.push(...tcpTrace(segments(steps, 10 + i), { sport: i % 2 === 0 ? 5432 : 15432, cport: 20000 + round * 100 + i }));
    }
    return packets;
  };
  await fuzzRounds(3, packetsFor, 0, undefined, { spicy: true });
});

/** A step flipped, cut, grown or split at random (sometimes dropped). */
function mutated(from: "c" | "s", b: Uint8Array, r: () => number): Step[] {
  if (r() < 0.05) return [];
  const out = Buffer.from(b);
  for (let n = Math.floor(r() * 4); n > 0; n--) if (out.length > 0) out[Math.floor(r() * out.length)] = Math.floor(r() * 256);
  const cut = r() < 0.2 ? out.subarray(0, Math.floor(r() * out.length)) : out;
  if (cut.length > 2 && r() < 0.3) {
    const at = 1 + Math.floor(r() * (cut.length - 1));
    return [
      [from, cut.subarray(0, at)],
      [from, cut.subarray(at)],
    ];
  }
  return [[from, cut]];
}
