/**
 * MySQL on self-made conversations: the v10 handshake with its auth plugin,
 * a query with a text resultset, an error, a quit (mysql.log rows as Zeek's
 * script writes them), query attributes before a query's text, COM_CHANGE_USER,
 * the SSL request handing both sides to the SSL analyzer (`mysql,ssl`), and
 * malformed packets: violations, never an exception out of the analyzer.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { type Bytes, concat, fuzzProtocol, runTcp, type Step, tlsHellos } from "./tcp-conv.js";

const PLUGIN_AUTH = 0x00080000;
const CONNECT_WITH_DB = 0x00000008;
const CLIENT_SSL = 0x00000800;
const QUERY_ATTRIBUTES = 0x08000000;

const le16 = (v: number): number[] => [v & 0xff, (v >> 8) & 0xff];
const le32 = (v: number): number[] => [v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >>> 24) & 0xff];
const les = (s: string): Uint8Array => concat([s.length], s);

/** One packet: 3-byte length, sequence id, body. */
function pkt(seq: number, ...body: Bytes[]): Uint8Array {
  const b = concat(...body);
  return concat([b.length & 0xff, (b.length >> 8) & 0xff, b.length >> 16, seq], b);
}

function serverHandshake(caps = PLUGIN_AUTH): Uint8Array {
  return pkt(
    0,
    [10],
    "8.0.36\0",
    le32(7),
    "abcdefgh",
    [0],
    le16(0xffff),
    [0x21],
    le16(2),
    le16(caps >>> 16),
    [21],
    new Uint8Array(10),
    "ijklmnopqrst\0",
    "mysql_native_password\0",
  );
}

function clientResponse(caps: number, user = "root", db?: string): Uint8Array {
  if (caps & CLIENT_SSL) return pkt(1, le32(caps), le32(1 << 24), [0x21], new Uint8Array(23));
  return pkt(
    1,
    le32(caps),
    le32(1 << 24),
    [0x21],
    new Uint8Array(23),
    `${user}\0`,
    [20],
    new Uint8Array(20).fill(9),
    db !== undefined ? `${db}\0` : "",
    "mysql_native_password\0",
  );
}

const OK = (seq: number, rows = 0): Uint8Array => pkt(seq, [0, rows, 0, 2, 0, 0, 0]);
const EOF = (seq: number): Uint8Array => pkt(seq, [0xfe, 0, 0, 2, 0]);
const COLUMN = (seq: number, name: string): Uint8Array => pkt(seq, les("def"), [0, 0, 0], les(name), [0, 0x0c], le16(0x21), le32(1), [8], le16(0), [0], [0, 0]);

const SESSION: Step[] = [
  ["s", serverHandshake()],
  ["c", clientResponse(PLUGIN_AUTH | CONNECT_WITH_DB, "root", "test")],
  ["s", OK(2)],
  ["c", pkt(0, [3], "select 1")],
  ["s", concat(pkt(1, [1]), COLUMN(2, "1"), EOF(3), pkt(4, les("1")), EOF(5))],
  ["c", pkt(0, [2], "nodb")],
  ["s", pkt(1, [0xff], le16(1049), "#42000", "Unknown database 'nodb'")],
  ["c", pkt(0, [3], "insert into t values (1)")],
  ["s", OK(1, 1)],
  ["c", pkt(0, [1])],
];

// mysql.log columns
const M = { cmd: 6, arg: 7, success: 8, rows: 9, response: 10 };

test("a session: login, a query with a resultset, an error, an insert, a quit", async () => {
  const r = await runTcp(SESSION, { sport: 3306, watch: ["mysql_server_version", "mysql_handshake", "mysql_result_row", "mysql_eof", "mysql_auth_plugin"] });
  assert.deepEqual(r.violations, []);
  assert.deepEqual(
    r.log("mysql").map((m) => [m[M.cmd], m[M.arg], m[M.success], m[M.rows], m[M.response]]),
    [
      ["login", "root", "T", "0", "-"],
      ["query", "select 1", "T", "0", "-"],
      ["init_db", "nodb", "F", "-", "Unknown database 'nodb'"],
      ["query", "insert into t values (1)", "T", "1", "-"],
      ["quit", "(empty)", "-", "-", "-"],
    ],
  );
  assert.deepEqual(
    r.events.filter((e) => !e.startsWith("mysql_auth_plugin")),
    ['mysql_server_version c "8.0.36"', 'mysql_handshake c "root"', "mysql_eof c true", 'mysql_result_row c ["1"]', "mysql_eof c false"],
  );
  assert.deepEqual(
    r.events.filter((e) => e.startsWith("mysql_auth_plugin")).map((e) => e.split(" ").slice(0, 4).join(" ")),
    ['mysql_auth_plugin c false "mysql_native_password"', 'mysql_auth_plugin c true "mysql_native_password"'],
  );
  assert.equal(r.log("conn")[0]![7], "mysql");
});

test("query attributes (both sides announce them) come before the query's text", async () => {
  const caps = PLUGIN_AUTH | QUERY_ATTRIBUTES;
  // One attribute: a NULL bitmap byte, "send types" = 1, type VARCHAR (0x0f) unsigned 0, name "n1", value "v1".
  const query = pkt(0, [3], [1, 1], [0], [1], [0x0f, 0], les("n1"), les("v1"), "SELECT mysql_query_attribute_string('n1')");
  const r = await runTcp(
    [
      ["s", serverHandshake(caps)],
      ["c", clientResponse(caps)],
      ["s", OK(2)],
      ["c", query],
      ["s", OK(1)],
    ],
    { sport: 3306 },
  );
  assert.deepEqual(r.violations, []);
  assert.deepEqual(
    r.log("mysql").map((m) => m[M.arg]),
    ["root", "SELECT mysql_query_attribute_string('n1')"],
  );
});

test("COM_CHANGE_USER: the row's argument is the new user; the server's reply is read in the connection phase", async () => {
  const change = pkt(0, [0x11], "bob\0", [20], new Uint8Array(20).fill(3), "db\0", le16(0x21), "mysql_native_password\0");
  const r = await runTcp(
    [
      ["s", serverHandshake()],
      ["c", clientResponse(PLUGIN_AUTH)],
      ["s", OK(2)],
      ["c", change],
      ["s", pkt(1, [0xfe], "caching_sha2_password\0", new Uint8Array(20).fill(4), [0])],
      ["c", pkt(2, new Uint8Array(32).fill(5))],
      ["s", OK(3)],
    ],
    { sport: 3306, watch: ["mysql_change_user", "mysql_auth_switch_request", "mysql_auth_more_data"] },
  );
  assert.deepEqual(r.violations, []);
  assert.deepEqual(
    r.log("mysql").map((m) => [m[M.cmd], m[M.arg], m[M.success]]),
    [
      ["login", "root", "T"],
      ["change_user", "bob", "T"],
    ],
  );
  assert.deepEqual(
    r.events.map((e) => e.split(" ").slice(0, 3).join(" ")),
    ['mysql_change_user c "bob"', 'mysql_auth_switch_request c "caching_sha2_password"', "mysql_auth_more_data c true"],
  );
});

test("an SSL request hands both sides to the SSL analyzer (mysql,ssl)", async () => {
  const [ch, sh] = tlsHellos();
  const r = await runTcp(
    [
      ["s", serverHandshake()],
      ["c", clientResponse(PLUGIN_AUTH | CLIENT_SSL)],
      ["c", ch],
      ["s", sh],
    ],
    { sport: 3306, watch: ["mysql_ssl_request", "ssl_client_hello", "ssl_server_hello"] },
  );
  assert.deepEqual(r.violations, []);
  assert.deepEqual(
    r.events.map((e) => e.split(" ")[0]),
    ["mysql_ssl_request", "ssl_client_hello", "ssl_server_hello"],
  );
  assert.equal(r.log("conn")[0]![7], "mysql,ssl");
  assert.deepEqual(r.log("mysql"), []);
});

test("a packet spanning many segments is reassembled (its buffer grows with what arrives)", async () => {
  const text = `select '${"x".repeat(20000)}'`;
  const query = pkt(0, [3], text);
  const pieces: Step[] = [];
  for (let at = 0; at < query.length; at += 1400) pieces.push(["c", query.subarray(at, at + 1400)]);
  const r = await runTcp([["s", serverHandshake()], ["c", clientResponse(PLUGIN_AUTH)], ["s", OK(2)], ...pieces, ["s", OK(1)]], { sport: 3306 });
  assert.deepEqual(r.violations, []);
  // The whole query was read; the log holds its first 4096 bytes (Zeek's Log::default_max_field_string_bytes).
  assert.deepEqual(
    r.log("mysql").map((m) => [m[M.cmd], m[M.arg], m[M.success]]),
    [
      ["login", "root", "T"],
      ["query", text.slice(0, 4096), "T"],
    ],
  );
  assert.deepEqual(
    r.log("weird").map((w) => [w[6], w[7]]),
    [["log_string_field_truncated", "mysql::LOG"]],
  );
});

test("malformed MySQL: a short handshake, a bad plugin-data length, no server handshake are violations", async () => {
  const short = await runTcp([["s", pkt(0, [10], "8.0")]], { sport: 3306 });
  assert.equal(short.violations.length, 1);
  assert.match(short.violations[0]!, /^MYSQL Binpac exception: binpac exception: string mismatch/);

  const badLen = serverHandshake();
  badLen[4 + 1 + 7 + 4 + 8 + 1 + 2 + 1 + 2 + 2] = 5; // auth_plugin_data_len must be 0 or >= 21
  const enforce = await runTcp([["s", badLen]], { sport: 3306 });
  assert.deepEqual(enforce.violations, ["MYSQL Binpac exception: binpac exception: &enforce violation : Handshake_v10:auth_plugin_data_len"]);

  const noServer = await runTcp([["c", clientResponse(PLUGIN_AUTH)]], { sport: 3306 });
  assert.equal(noServer.violations.length, 1);
  assert.match(noServer.violations[0]!, /invalid index for case: Handshake_Response_Packet: 0/);
  assert.deepEqual(noServer.log("mysql"), []);
});

test("mutated MySQL conversations never throw out of the analyzer", async () => {
  const [ch, sh] = tlsHellos();
  const ssl: Step[] = [
    ["s", serverHandshake()],
    ["c", clientResponse(PLUGIN_AUTH | CLIENT_SSL)],
    ["c", ch],
    ["s", sh],
  ];
  const attrs: Step[] = [
    ["s", serverHandshake(PLUGIN_AUTH | QUERY_ATTRIBUTES)],
    ["c", clientResponse(PLUGIN_AUTH | QUERY_ATTRIBUTES)],
    ["s", OK(2)],
    ["c", pkt(0, [3], [2, 1], [0], [1], [0x0b, 0], les("t"), [0x0a, 0], les("d"), [8, 0], le32(1), [1, 2, 3], [4], le16(2024), [1, 2], "SELECT 1")],
    ["s", concat(pkt(1, [2]), COLUMN(2, "a"), COLUMN(3, "b"), EOF(4), pkt(5, les("x"), [0xfb]), EOF(6))],
  ];
  await fuzzProtocol([SESSION, ssl, attrs], 3306, 0x3306);
});

test("mysql/software: the version a server's greeting announces is MySQL::SERVER, without the port", async () => {
  const r = await runTcp([["s", serverHandshake()]], { sport: 3306, loads: ["protocols/mysql/software"] });
  assert.deepEqual(
    r.log("software").map((row) => row.slice(1).join(" ")),
    ["192.0.2.10 - MySQL::SERVER (empty) 8 0 36 - - 8.0.36"],
  );
});
