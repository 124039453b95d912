/**
 * The MaxMind DB reader against databases written by test/helpers/mmdb-writer.ts
 * from the format specification: each data type, each record size, IPv4
 * and IPv6 lookups, pointers of each size, and the errors of broken files.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { CORRUPT_TREE, INVALID_METADATA, IPV6_IN_IPV4, MaxMindDb, MmdbError, type MmdbValue, UNKNOWN_FORMAT } from "../../src/geoip/mmdb.js";
import { MAX_DEPTH } from "../../src/geoip/mmdb-data.js";
import { parseAddress } from "../../src/scripts/site.js";
import { type MmdbIn, type Network, writeMmdb } from "../helpers/mmdb-writer.js";

const addr = (a: string): Uint8Array => parseAddress(a)!;

/** The decoded record of `a`, or null. */
function find(db: MaxMindDb, a: string): MmdbValue | null {
  const r = db.lookup(addr(a));
  return r === null ? null : db.decode(r);
}

const EVERY_TYPE = new Map<string, MmdbIn>([
  ["string", "Zürich"],
  ["empty", ""],
  ["double", { double: -97.822 }],
  ["float", { float: 1.5 }],
  ["bytes", { bytes: Uint8Array.from([0, 1, 254, 255]) }],
  ["uint16", { uint16: 65535 }],
  ["uint32", { uint32: 4294967295 }],
  ["uint32_zero", { uint32: 0 }],
  ["int32", { int32: -2 }],
  ["int32_small", { int32: 300 }],
  ["uint64", { uint64: 18446744073709551615n }],
  ["uint128", { uint128: (1n << 127n) + 5n }],
  ["true", true],
  ["false", false],
  ["array", ["a", { uint16: 7 }, [true]]],
  ["map", new Map<string, MmdbIn>([["inner", new Map([["deep", "x"]])]])],
]);

test("mmdb: every data type decodes to its value (strings as UTF-8, uint64/uint128 as bigint, bytes as bytes)", () => {
  const db = MaxMindDb.open(writeMmdb([["2001:db8::/32", EVERY_TYPE]]));
  const got = find(db, "2001:db8::1") as ReadonlyMap<string, MmdbValue>;
  assert.equal(got.get("string"), "Zürich");
  assert.equal(got.get("empty"), "");
  assert.equal(got.get("double"), -97.822);
  assert.equal(got.get("float"), 1.5);
  assert.deepEqual(got.get("bytes"), Uint8Array.from([0, 1, 254, 255]));
  assert.equal(got.get("uint16"), 65535);
  assert.equal(got.get("uint32"), 4294967295);
  assert.equal(got.get("uint32_zero"), 0);
  assert.equal(got.get("int32"), -2);
  assert.equal(got.get("int32_small"), 300);
  assert.equal(got.get("uint64"), 18446744073709551615n);
  assert.equal(got.get("uint128"), (1n << 127n) + 5n);
  assert.equal(got.get("true"), true);
  assert.equal(got.get("false"), false);
  assert.deepEqual(got.get("array"), ["a", 7, [true]]);
  assert.deepEqual(got.get("map"), new Map([["inner", new Map([["deep", "x"]])]]));
});

test("mmdb: the metadata is read from after the last marker", () => {
  const db = MaxMindDb.open(writeMmdb([["10.0.0.0/8", "x"]], { databaseType: "My-City-DB", recordSize: 24 }));
  assert.equal(db.metadata.databaseType, "My-City-DB");
  assert.equal(db.metadata.recordSize, 24);
  assert.equal(db.metadata.ipVersion, 6);
  assert.equal(db.metadata.binaryFormatMajorVersion, 2);
  assert.deepEqual(db.metadata.languages, ["en"]);
  assert.equal(db.metadata.description.get("en"), "bronze's test database");
});

const NETWORKS: Network[] = [
  ["128.3.0.0/16", "lbl-v4"],
  ["131.243.0.0/16", "lbl-v4-b"],
  ["2607:f140::/32", "lbl-v6"],
  ["0.0.0.0/8", "zero"],
  ["255.255.255.255/32", "broadcast"],
];

for (const recordSize of [24, 28, 32] as const) {
  test(`mmdb: ${recordSize}-bit records, IPv6 tree: IPv6 addresses, and IPv4 ones under ::/96 (given as 4 bytes or IPv4-mapped)`, () => {
    const db = MaxMindDb.open(writeMmdb(NETWORKS, { recordSize }));
    assert.equal(find(db, "128.3.0.1"), "lbl-v4");
    assert.equal(find(db, "128.3.255.255"), "lbl-v4");
    assert.equal(find(db, "131.243.7.7"), "lbl-v4-b");
    assert.equal(find(db, "2607:f140:1::1"), "lbl-v6");
    assert.equal(find(db, "0.1.2.3"), "zero");
    assert.equal(find(db, "255.255.255.255"), "broadcast");
    assert.equal(find(db, "255.255.255.254"), null);
    assert.equal(find(db, "128.4.0.1"), null);
    assert.equal(find(db, "2607:f141::1"), null);
    // ::128.3.0.1 is where the tree keeps 128.3.0.1: the same record.
    assert.equal(find(db, "::8003:1"), "lbl-v4");
    const r = db.lookup(Uint8Array.from([128, 3, 9, 9]));
    assert.ok(r !== null);
    assert.equal(db.decode(r), "lbl-v4");
    assert.equal(r.prefixLength, 96 + 16);
    assert.equal(db.lookup(addr("2607:f140::1"))?.prefixLength, 32);
  });

  test(`mmdb: ${recordSize}-bit records, IPv4 tree: IPv4 lookups; an IPv6 one is libmaxminddb's error`, () => {
    const db = MaxMindDb.open(
      writeMmdb(
        NETWORKS.filter(([n]) => !n.includes(":")),
        { recordSize, ipVersion: 4 },
      ),
    );
    assert.equal(db.metadata.ipVersion, 4);
    assert.equal(find(db, "128.3.0.1"), "lbl-v4");
    assert.equal(find(db, "131.243.0.1"), "lbl-v4-b");
    assert.equal(find(db, "10.0.0.1"), null);
    assert.equal(db.lookup(addr("128.3.0.1"))?.prefixLength, 16);
    assert.throws(() => db.lookup(addr("2607:f140::1")), new MmdbError(IPV6_IN_IPV4));
  });
}

test("mmdb: many nodes with 32-bit records (node numbers past 2^24 are not needed, but records past 2^16 are)", () => {
  const nets: Network[] = [];
  for (let i = 0; i < 3000; i++) nets.push([`10.${i >> 8}.${i & 255}.0/24`, `n${i}`]);
  for (const recordSize of [24, 28, 32] as const) {
    const db = MaxMindDb.open(writeMmdb(nets, { recordSize }));
    assert.ok(db.metadata.nodeCount > 3000);
    assert.equal(find(db, "10.11.183.9"), `n${(11 << 8) | 183}`);
    assert.equal(find(db, "10.0.0.200"), "n0");
  }
});

test("mmdb: pointers of each size (SS 0-3) to keys and values are followed", () => {
  const record = new Map<string, MmdbIn>([
    ["country", new Map<string, MmdbIn>([["iso_code", "US"]])],
    ["name", "Berkeley"],
  ]);
  // A first value of this many bytes puts the keys where each size applies: SS 0 below 2048, SS 1 below 526336, SS 2 past it; SS 3 anywhere.
  const paddings = [0, 3000, 600_000, 3000];
  for (const pointerSize of [0, 1, 2, 3] as const) {
    const padding: MmdbIn = { bytes: new Uint8Array(paddings[pointerSize]!) };
    const prefix: MmdbIn[] = [padding, "country", "iso_code", "US", "name"];
    const bytes = writeMmdb([["128.3.0.0/16", record]], { dedupe: true, prefix, pointerSize });
    // The record's keys and "US" were written before: pointers (2-5 bytes) stand for their 25 bytes.
    assert.ok(bytes.length < writeMmdb([["128.3.0.0/16", record]], { prefix }).length);
    const db = MaxMindDb.open(bytes);
    const r = db.lookup(addr("128.3.0.1"));
    assert.ok(r !== null);
    assert.deepEqual(db.decode(r), record);
    assert.equal(db.get(r, "country", "iso_code"), "US");
    assert.equal(db.get(r, "name"), "Berkeley");
  }
});

test("mmdb: a record that is itself a pointer, and a map value that points at a map, are followed by get", () => {
  const shared = new Map<string, MmdbIn>([["en", "Berkeley"]]);
  const bytes = writeMmdb([["128.3.0.0/16", new Map<string, MmdbIn>([["city", new Map([["names", shared]])]])]], {
    dedupe: true,
    prefix: [shared, "city", "names", "en"],
  });
  const db = MaxMindDb.open(bytes);
  const r = db.lookup(addr("128.3.0.1"))!;
  assert.equal(db.get(r, "city", "names", "en"), "Berkeley");
  assert.equal(db.get(r, "city", "names", "de"), undefined);
  assert.equal(db.get(r, "city", "nothing", "en"), undefined);
});

test("mmdb: get takes array indexes as text (libmaxminddb's path form)", () => {
  const rec = new Map<string, MmdbIn>([["subdivisions", [new Map([["iso_code", "CA"]]), new Map([["iso_code", "XX"]])]]]);
  const db = MaxMindDb.open(writeMmdb([["128.3.0.0/16", rec]]));
  const r = db.lookup(addr("128.3.0.1"))!;
  assert.equal(db.get(r, "subdivisions", "0", "iso_code"), "CA");
  assert.equal(db.get(r, "subdivisions", "1", "iso_code"), "XX");
  assert.equal(db.get(r, "subdivisions", "2", "iso_code"), undefined);
  assert.equal(db.get(r, "subdivisions", "x"), undefined);
  assert.equal(db.get(r, "subdivisions", "0", "iso_code", "deeper"), undefined);
});

test("mmdb: sizes past 28 take 1, 2 or 3 more bytes (29 + n, 285 + n, 65821 + n)", () => {
  const lengths = [28, 29, 284, 285, 65820, 65821, 70000];
  const rec = new Map<string, MmdbIn>(lengths.map((n) => [`s${n}`, "y".repeat(n)]));
  const db = MaxMindDb.open(writeMmdb([["128.3.0.0/16", rec]]));
  const got = find(db, "128.3.0.1") as ReadonlyMap<string, MmdbValue>;
  for (const n of lengths) assert.equal((got.get(`s${n}`) as string).length, n);
  const r = db.lookup(addr("128.3.0.1"))!;
  // Skipped over by get, not decoded, and still found past them.
  assert.equal((db.get(r, "s70000") as string).length, 70000);
});

test("mmdb: a data cache container, an end marker or a pointer to a pointer in a record is corrupt data", () => {
  const cases: MmdbIn[] = [
    { raw: Uint8Array.from([0x00, 12 - 7]) }, // data cache container, size 0
    { raw: Uint8Array.from([0x00, 13 - 7]) }, // end marker
  ];
  for (const value of cases) {
    const db = MaxMindDb.open(writeMmdb([["128.3.0.0/16", new Map<string, MmdbIn>([["k", value]])]]));
    const r = db.lookup(addr("128.3.0.1"))!;
    assert.throws(() => db.decode(r), MmdbError);
    assert.throws(() => db.get(r, "k"), MmdbError);
  }
  // A pointer whose target is a pointer: the record (at 2) points at the data section's first value, a pointer.
  const db = MaxMindDb.open(writeMmdb([["128.3.0.0/16", { pointer: 0 }]], { prefix: [{ pointer: 0 }] }));
  assert.throws(() => db.decode(db.lookup(addr("128.3.0.1"))!), MmdbError);
});

test("mmdb: nesting deeper than MAX_DEPTH is refused, and a pointer bomb is bounded", () => {
  let deep: MmdbIn = "leaf";
  for (let i = 0; i < MAX_DEPTH + 2; i++) deep = [deep];
  const db = MaxMindDb.open(writeMmdb([["128.3.0.0/16", deep]]));
  assert.throws(() => db.decode(db.lookup(addr("128.3.0.1"))!), MmdbError);
  // Each array holds the previous one twice through pointers: decoding it whole would visit 2^30 values.
  const prefix: MmdbIn[] = ["x"];
  let target = 0; // "x", 2 bytes
  let at = 2;
  for (let i = 0; i < 30; i++) {
    prefix.push([
      { pointer: target, size: 0 },
      { pointer: target, size: 0 },
    ]);
    target = at;
    at += 6; // the array's 2 header bytes (an extended type), two 2-byte pointers
  }
  const bomb = MaxMindDb.open(writeMmdb([["128.3.0.0/16", { pointer: target, size: 3 }]], { prefix }));
  const started = Date.now();
  assert.throws(() => bomb.decode(bomb.lookup(addr("128.3.0.1"))!), MmdbError);
  assert.ok(Date.now() - started < 2000);
});

test("mmdb: files that are not databases give one MmdbError, with libmaxminddb's words", () => {
  const good = writeMmdb(NETWORKS);
  assert.throws(() => MaxMindDb.open(new Uint8Array(0)), new MmdbError(INVALID_METADATA));
  assert.throws(() => MaxMindDb.open(Buffer.from("not a database at all")), new MmdbError(INVALID_METADATA));
  // Cut before the metadata's end: the marker is there, its map is not whole.
  assert.throws(() => MaxMindDb.open(good.subarray(0, good.length - 10)), new MmdbError(INVALID_METADATA));
  // Cut before the marker: no metadata.
  const marker = Buffer.from(good).lastIndexOf(Buffer.from("\xab\xcd\xefMaxMind.com", "latin1"));
  assert.throws(() => MaxMindDb.open(good.subarray(0, marker)), new MmdbError(INVALID_METADATA));
  // A record size the format does not have.
  const odd = Buffer.from(good);
  const at = odd.lastIndexOf(Buffer.from("record_size", "latin1")) + "record_size".length;
  odd[at + 1] = 20; // the uint16's one byte: 28 → 20
  assert.throws(() => MaxMindDb.open(odd), new MmdbError(UNKNOWN_FORMAT));
  // A node count larger than the file: the tree cannot fit.
  const big = Buffer.from(good);
  const nc = big.lastIndexOf(Buffer.from("node_count", "latin1")) + "node_count".length;
  big[nc + 1] = 0xff;
  assert.throws(() => MaxMindDb.open(big), new MmdbError(INVALID_METADATA));
});

test("mmdb: a tree whose records point back into the tree forever ends at 128 bits as a corrupt tree", () => {
  const bytes = Buffer.from(writeMmdb([["128.3.0.0/16", "x"]], { recordSize: 32 }));
  // Node 0's left record points at node 0: every zero bit loops.
  bytes.writeUInt32BE(0, 0);
  const db = MaxMindDb.open(bytes);
  assert.throws(() => db.lookup(addr("::")), new MmdbError(CORRUPT_TREE));
});
