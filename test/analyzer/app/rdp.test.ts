/**
 * RDP and RDPEUDP on self-made conversations: the X.224 negotiation picking
 * TLS (rdp.log "encrypted", the rest to the SSL analyzer), a negotiation
 * failure, standard RDP security through the MCS/GCC exchange (client core,
 * security and network blocks; the server's proprietary certificate, then
 * RDP's own encryption), RDPEUDP's handshake in versions 1 and 2, and
 * malformed input: violations, never an exception out of an analyzer.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { type Bytes, concat, fuzzProtocol, runTcp, runUdp, type Step, tlsHellos } from "./tcp-conv.js";

const be16 = (v: number): number[] => [(v >> 8) & 0xff, v & 0xff];
const be32 = (v: number): number[] => [(v >>> 24) & 0xff, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff];
const le16 = (v: number): number[] => [v & 0xff, (v >> 8) & 0xff];
const le32 = (v: number): number[] => [v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >>> 24) & 0xff];
const utf16 = (s: string, size: number): Uint8Array => {
  const out = new Uint8Array(size);
  out.set(Buffer.from(s, "utf16le").subarray(0, size));
  return out;
};

function tpkt(...body: Bytes[]): Uint8Array {
  const b = concat(...body);
  return concat([3, 0], be16(b.length + 4), b);
}

function connectRequest(cookie: string | null, requested = 3): Uint8Array {
  const c = cookie === null ? new Uint8Array(0) : concat(`Cookie: mstshash=${cookie}\r\n`);
  return tpkt([6 + c.length + 8, 0xe0, 0, 0, 0, 0, 0], c, [1, 0], le16(8), le32(requested));
}

const confirm = (selected: number): Uint8Array => tpkt([14, 0xd0, 0, 0, 0x12, 0x34, 0], [2, 0x1f], le16(8), le32(selected));
const failure = (code: number): Uint8Array => tpkt([14, 0xd0, 0, 0, 0x12, 0x34, 0], [3, 0], le16(8), le32(code));

const block = (type: number, ...body: Bytes[]): Uint8Array => {
  const b = concat(...body);
  return concat(le16(type), le16(b.length + 4), b);
};

function clientCore(): Uint8Array {
  return block(
    0xc001,
    le16(4),
    le16(8),
    le16(1920),
    le16(1080),
    le16(0xca01),
    le16(0xaa03),
    le32(0x409),
    le32(9600),
    utf16("JOHN-PC", 32),
    le32(4),
    le32(0),
    le32(12),
    new Uint8Array(64),
    le16(0xca01),
    le16(1),
    le32(0),
    le16(0x10),
    le16(7),
    le16(1),
    utf16("abc", 64),
  );
}

function connectInitial(): Uint8Array {
  const blocks = concat(clientCore(), block(0xc002, le32(3), le32(0)), block(0xc003, le32(2), "rdpdr\0\0\0", le32(0x80800000), "cliprdr\0", le32(0xc0a00000)));
  return tpkt(
    [2, 0xf0, 0x80],
    [0x7f, 0x65],
    [0x82, 0x01, 0xb3],
    [0x04, 0x01, 0x01],
    [0x04, 0x01, 0x01],
    [0x01, 0x01, 0xff],
    [0x30, 0x00],
    [0x30, 0x00],
    [0x30, 0x00],
    [0x04, 0x82, 0x01, 0x00],
    be16(5),
    [0, 0x14, 0x7c, 0, 1],
    [0x81, 0x2a],
    [0, 8, 0, 0x10, 0, 1, 0xc0, 0],
    "Duca",
    [0x81, 0x1c],
    blocks,
  );
}

function connectResponse(method = 2, level = 2): Uint8Array {
  const blob = concat("RSA1", le32(8), le32(64), le32(65537), new Uint8Array(8).fill(3));
  const cert = concat(le32(1), le32(1), le32(1), le16(6), le16(blob.length), blob, le16(8), le16(4), [9, 9, 9, 9]);
  const blocks = concat(
    block(0x0c01, le16(4), le16(8), le32(0)),
    block(0x0c02, le32(method), le32(level), le32(32), le32(cert.length), new Uint8Array(32).fill(5), cert),
    block(0x0c03, le16(1003), le16(0)),
  );
  return tpkt(
    [2, 0xf0, 0x80],
    [0x7f, 0x66],
    [0x82, 0x01, 0x40],
    [0x0a, 0x01, 0x00],
    [0x02, 0x01, 0x00],
    [0x30, 0x00],
    [0x04, 0x82, 0x01, 0x00],
    be16(5),
    [0, 5, 0, 0x14, 0x7c],
    [0x14],
    [0],
    be16(0x4c),
    [1, 1],
    [0],
    [1, 0xc0, 4],
    "McDn",
    [0x81, 0x00],
    blocks,
  );
}

// rdp.log columns
const R = {
  cookie: 6,
  result: 7,
  proto: 8,
  channels: 9,
  keyboard: 10,
  build: 11,
  name: 12,
  dig: 13,
  width: 14,
  height: 15,
  depth: 16,
  certType: 17,
  certCount: 18,
  certPermanent: 19,
  level: 20,
  method: 21,
};

test("negotiated TLS: rdp.log says encrypted, the SSL analyzer gets the rest (service ssl: RDP never confirmed)", async () => {
  const [ch, sh] = tlsHellos();
  const r = await runTcp(
    [
      ["c", connectRequest("JOHN")],
      ["s", confirm(1)],
      ["c", ch],
      ["s", sh],
    ],
    { sport: 3389, watch: ["rdp_connect_request", "rdp_begin_encryption", "rdp_negotiation_response", "ssl_client_hello"] },
  );
  assert.deepEqual(r.violations, []);
  // rdp_begin_encryption comes before the negotiation response that causes it (Zeek's order of evaluation).
  assert.deepEqual(r.events.slice(0, 3), ['rdp_connect_request c "JOHN" 0', "rdp_begin_encryption c 1", "rdp_negotiation_response c 1 31"]);
  assert.equal(r.events.length, 4);
  assert.ok(r.events[3]!.startsWith("ssl_client_hello"));
  const row = r.log("rdp")[0]!;
  assert.deepEqual([row[R.cookie], row[R.result], row[R.proto]], ["JOHN", "encrypted", "SSL"]);
  assert.equal(r.log("conn")[0]![7], "ssl");
});

test("a negotiation failure is the row's result", async () => {
  const r = await runTcp(
    [
      ["c", connectRequest(null, 1)],
      ["s", failure(2)],
    ],
    { sport: 3389 },
  );
  assert.deepEqual(r.violations, []);
  const row = r.log("rdp")[0]!;
  assert.deepEqual([row[R.cookie], row[R.result]], ["(empty)", "SSL_NOT_ALLOWED_BY_SERVER"]);
});

test("standard RDP security: client blocks, server certificate and encryption settings, then RDP's own encryption", async () => {
  const r = await runTcp(
    [
      ["c", connectRequest("JOHN", 0)],
      ["s", confirm(0)],
      ["c", connectInitial()],
      ["s", connectResponse()],
      ["c", new Uint8Array(40).fill(0x44)],
    ],
    {
      sport: 3389,
      watch: [
        "rdp_client_security_data",
        "rdp_gcc_server_create_response",
        "rdp_server_certificate",
        "rdp_begin_encryption",
        "rdp_server_security",
        "rdp_native_encrypted_data",
      ],
    },
  );
  assert.deepEqual(r.violations, []);
  assert.deepEqual(r.events, [
    'rdp_client_security_data c {"encryption_methods":3,"ext_encryption_methods":0}',
    "rdp_gcc_server_create_response c 0",
    "rdp_server_certificate c 1 true",
    "rdp_begin_encryption c 0",
    "rdp_server_security c 2 2",
    "rdp_native_encrypted_data c true 40",
  ]);
  const row = r.log("rdp")[0]!;
  assert.deepEqual(row.slice(R.cookie), [
    "JOHN",
    "Success",
    "RDP",
    "rdpdr,cliprdr",
    "English - United States",
    "RDP 8.1",
    "JOHN-PC",
    "abc",
    "1920",
    "1080",
    "16bit",
    "RSA",
    "1",
    "T",
    "Client compatible",
    "128bit",
  ]);
  assert.equal(r.log("conn")[0]![7], "rdp");
});

test("malformed RDP: a bad negotiation length, a GCC request without its key, a short core block are violations", async () => {
  const badLen = connectRequest("X");
  badLen[badLen.length - 6] = 9;
  const neg = await runTcp([["c", badLen]], { sport: 3389 });
  assert.deepEqual(neg.violations, ["RDP Binpac exception: binpac exception: &enforce violation : RDP_Negotiation_Request:length"]);

  const noKey = connectInitial();
  const at = Buffer.from(noKey).indexOf("Duca");
  noKey[at] = 0x44 + 1;
  const gcc = await runTcp(
    [
      ["c", noKey],
      ["s", confirm(0)],
    ],
    { sport: 3389 },
  );
  assert.equal(gcc.violations.length, 1);
  assert.match(gcc.violations[0]!, /string mismatch at GCC_Client_Create_Request/);

  const short = tpkt(
    [2, 0xf0, 0x80],
    [0x7f, 0x65],
    [0x82, 0x01, 0xb3],
    [0x04, 0x01, 0x01],
    [0x04, 0x01, 0x01],
    [0x01, 0x01, 0xff],
    [0x30, 0x00],
    [0x30, 0x00],
    [0x30, 0x00],
    [0x04, 0x82, 0x01, 0x00],
    be16(0),
    [0x81, 0x2a],
    [0, 8, 0, 0x10, 0, 1, 0xc0, 0],
    "Duca",
    [0x81, 0x1c],
    block(0xc001, le16(4), le16(8)),
  );
  const core = await runTcp([["c", short]], { sport: 3389 });
  assert.equal(core.violations.length, 1);
  assert.match(core.violations[0]!, /out_of_bound: Client_Core_Data/);
});

// ---------------------------------------------------------------- RDPEUDP

function syn(version: number, flags = 0x1001): Uint8Array {
  const synex = flags & 0x1000 ? concat(be16(1), be16(version), version === 0x101 ? new Uint8Array(32) : []) : new Uint8Array(0);
  const d = concat(be32(0xffffffff), be16(64), be16(flags), be32(100), be16(1232), be16(1232), synex);
  return concat(d, new Uint8Array(1232 - d.length));
}

function synack(version: number): Uint8Array {
  const synex = concat(be16(1), be16(version), version === 0x101 ? new Uint8Array(32) : []);
  const d = concat(be32(100), be16(64), be16(0x1005), be32(200), be16(1232), be16(1232), synex);
  return concat(d, new Uint8Array(1232 - d.length));
}

const ack1 = (data: string): Uint8Array => concat(be32(200), be16(64), be16(0x0004), be16(1), [0x3f], [0], data);

test("RDPEUDP version 1: SYN, SYN+ACK (confirms), the first ACK establishes; data after it", async () => {
  const r = await runUdp(
    [
      ["c", syn(1)],
      ["s", synack(1)],
      ["c", ack1("hello")],
      ["s", ack1("world")],
    ],
    { sport: 3389, watch: ["rdpeudp_syn", "rdpeudp_synack", "rdpeudp_established", "rdpeudp_data"] },
  );
  assert.deepEqual(r.violations, []);
  assert.deepEqual(r.events, [
    "rdpeudp_syn c",
    "rdpeudp_synack c",
    "rdpeudp_established c 1",
    'rdpeudp_data c true 1 "hello"',
    'rdpeudp_data c false 1 "world"',
  ]);
  assert.equal(r.log("conn")[0]![7], "rdpeudp");
});

test("RDPEUDP version 2 (both announce version 3): the short header; dummy packets carry nothing", async () => {
  const r = await runUdp(
    [
      ["c", syn(0x101)],
      ["s", synack(0x101)],
      ["c", concat([0x08], [0, 0], "dummy")],
      ["c", concat([0x00], [0, 0], "v2data")],
    ],
    { sport: 50000, watch: ["rdpeudp_established", "rdpeudp_data"] },
  );
  assert.deepEqual(r.violations, []);
  // Found on another port by the SYN signature (size 1132..1232 and its start).
  assert.deepEqual(r.events, ["rdpeudp_established c 2", 'rdpeudp_data c true 2 "v2data"']);
  assert.equal(r.log("conn")[0]![7], "rdpeudp");
});

test("malformed RDPEUDP: a SYN without SYNEX payload and a truncated ACK are violations", async () => {
  const nosynex = await runUdp([["c", syn(1, 0x0001)]], { sport: 3389 });
  assert.equal(nosynex.violations.length, 1);
  assert.match(nosynex.violations[0]!, /^RDPEUDP Binpac exception/);
  const short = await runUdp(
    [
      ["c", syn(1)],
      ["s", synack(1)],
      ["c", concat(be32(1), be16(2), be16(4), be16(9))],
    ],
    { sport: 3389 },
  );
  assert.equal(short.violations.length, 1);
  assert.match(short.violations[0]!, /out_of_bound: RDPUDP_ACK_VECTOR_HEADER/);
});

test("mutated RDP and RDPEUDP conversations never throw out of the analyzers", async () => {
  const [ch, sh] = tlsHellos();
  const std: Step[] = [
    ["c", connectRequest("JOHN", 0)],
    ["s", confirm(0)],
    ["c", connectInitial()],
    ["s", connectResponse()],
    ["c", new Uint8Array(10)],
  ];
  const ssl: Step[] = [
    ["c", connectRequest("A")],
    ["s", confirm(2)],
    ["c", ch],
    ["s", sh],
  ];
  await fuzzProtocol(
    [
      std,
      ssl,
      [
        ["c", connectRequest(null)],
        ["s", failure(5)],
      ],
    ],
    3389,
    0x3389,
  );
  await fuzzProtocol(
    [
      [
        ["c", syn(1)],
        ["s", synack(1)],
        ["c", ack1("x")],
      ],
      [
        ["c", syn(0x101)],
        ["s", synack(0x101)],
        ["c", concat([0], [0, 0], "y")],
      ],
    ],
    3389,
    0xeeee,
    2,
    30,
    true,
  );
});
