/**
 * ZeekTable iterates in the order of Zeek's Dictionary: pinned by the orders
 * Zeek 9.1's logs show under the corpus seed, by a small table whose
 * buckets are chosen by hand, and held to a Map's contents under random
 * insertions and removals.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { TableHasher } from "../../src/zeek-table/hash.js";
import { bucketOf, type KeyHash, ZeekOrderedSet, ZeekTable, zeekSetIteration, zeekSetOrder } from "../../src/zeek-table/table.js";
import { rng } from "../helpers/rng.js";
import { ZEEK_SEED } from "../session/harness.js";
import { baselineLines, btestOraclesMissing, zeekSource } from "../signatures/btest-harness.js";

const seeded = new TableHasher(ZEEK_SEED);

function countTable(keys: readonly number[], hash: KeyHash<number> = seeded.count): ZeekTable<number, number> {
  const t = new ZeekTable<number, number>(hash);
  for (const k of keys) t.set(k, k);
  return t;
}

test("count keys iterate in Zeek's order under the corpus seed", () => {
  // http/websocket.pcap: the two requests still pending at the end are written trans_depth 2, then 1.
  assert.deepEqual(countTable([1, 2]).keys(), [2, 1]);
  // tunnels/gre-aruba.pcap, connection C9rXSW3KSpTYvPrlI1: five pending requests, written 2 5 3 4 1.
  assert.deepEqual(countTable([1, 2, 3, 4, 5]).keys(), [2, 5, 3, 4, 1]);
  // The order is the table's, not the insertions'.
  assert.deepEqual(countTable([5, 4, 3, 2, 1]).keys(), [2, 5, 3, 4, 1]);
});

test("string keys (set[string]) iterate in Zeek's order under the corpus seed", () => {
  // dhcp/dhcp.pcap: the first row's uids, added in connection order, printed ClEk…, CHhA…, C4J4…, CtPZ….
  const uids = new ZeekTable<string, true>(seeded.string);
  for (const u of ["CHhAvVGS1DHFjwGM9", "ClEkJM2Vm5giqnMf4h", "C4J4Th3PJpwUYZZ6gc", "CtPZjS20MLrsMUOJi2"]) uids.set(u, true);
  assert.deepEqual(uids.keys(), ["ClEkJM2Vm5giqnMf4h", "CHhAvVGS1DHFjwGM9", "C4J4Th3PJpwUYZZ6gc", "CtPZjS20MLrsMUOJi2"]);
});

test("a set built by additions prints in its table's order: files.log's analyzers under the btest seed", () => {
  // Zeek's btest baseline scripts.base.frameworks.file-analysis.big-bof-buffer: hash-all-files adds MD5, SHA1, SHA256.
  assert.deepEqual(zeekSetOrder(seeded.string, ["MD5", "SHA1", "SHA256"]), ["SHA1", "SHA256", "MD5"]);
  assert.deepEqual(zeekSetOrder(seeded.string, ["MD5", "MD5"]), ["MD5"]);
});

test("a set a script made &ordered iterates in the order it was filled; a plain one in its table's order", () => {
  const added = ["MD5", "SHA1", "SHA256"];
  assert.deepEqual(zeekSetIteration(seeded.string, new ZeekOrderedSet(added)), added);
  assert.deepEqual(zeekSetIteration(seeded.string, new ZeekOrderedSet(["SHA256", "MD5"])), ["SHA256", "MD5"]);
  assert.deepEqual(zeekSetIteration(seeded.string, new Set(added)), zeekSetOrder(seeded.string, added));
  assert.notDeepEqual(zeekSetIteration(seeded.string, new Set(added)), added);
});

test("a count hashes as its 8 bytes, little-endian, under the seed's SipHash key", () => {
  // Two counts equal in their low 32 bits differ in their high bytes.
  assert.notEqual(seeded.count(1), seeded.count(1 + 2 ** 32));
  assert.equal(seeded.count(7), seeded.count(7));
  assert.notEqual(new TableHasher().count(7), seeded.count(7), "without a seed the key is random");
});

/** The inverse of an odd number mod 2^32 (Newton's iteration). */
function inverse(a: number): number {
  let x = a;
  for (let i = 0; i < 5; i++) x = Math.imul(x, 2 - Math.imul(a, x));
  return x;
}

/** A hash whose bucket at every size is `raw` modulo the bucket count: the bucket function is a multiplication by an odd number. */
const FIB_INVERSE = inverse(0x7f4a7c15);
const rawBucket: KeyHash<number> = (raw) => Math.imul(raw, FIB_INVERSE) >>> 0;

test("hashes made for chosen buckets land in them", () => {
  for (const raw of [0, 1, 5, 6, 13]) for (const bits of [0, 1, 2, 3]) assert.equal(bucketOf(rawBucket(raw), bits), raw & ((1 << bits) - 1));
});

test("growth: a full table doubles, and entries move to their new buckets in slot order from the top", () => {
  // 5 then 1 share the one bucket; the second insertion doubles the table (2 buckets + 1 overflow slot):
  // remapping from the top moves 1 into bucket 1 first, then 5 behind it.
  assert.deepEqual(countTable([5, 1], rawBucket).keys(), [1, 5]);
  // 3 (bucket 1 of 2) goes past the last slot: the table doubles to 4 buckets; 3 moves to bucket 3, 5 and 1 stay in bucket 1.
  assert.deepEqual(countTable([5, 1, 3], rawBucket).keys(), [1, 5, 3]);
  // 2 then lands in its free bucket 2, between them.
  assert.deepEqual(countTable([5, 1, 3, 2], rawBucket).keys(), [1, 5, 2, 3]);
});

test("a removal fills the hole with its cluster's tail, and so on down the clusters after it", () => {
  const t = countTable([5, 1, 3, 2, 9], rawBucket); // 9 joins bucket 1's cluster: 1 5 9, then 2 and 3 shift up
  assert.deepEqual(t.keys(), [1, 5, 9, 2, 3]);
  t.delete(1);
  assert.deepEqual(t.keys(), [9, 5, 2, 3], "the tail of bucket 1's cluster (9) takes the hole, not the next entry");
  t.set(1, 1);
  assert.deepEqual(t.keys(), [9, 5, 1, 2, 3], "a re-inserted key goes to the end of its cluster");
});

test("a sweep (table expiration) visits an entry pulled back across the iteration point next", () => {
  const t = countTable([5, 1, 3, 2, 9], rawBucket);
  assert.deepEqual(t.keys(), [1, 5, 9, 2, 3]);
  const seen: number[] = [];
  t.sweep((k) => {
    seen.push(k);
    return true;
  });
  // Removing 1 pulls 9, the tail of its cluster, into its slot: 9 is visited before 5.
  assert.deepEqual(seen, [1, 9, 5, 2, 3]);
  assert.equal(t.size, 0);
  const kept = countTable([5, 1, 3, 2, 9], rawBucket);
  const all: number[] = [];
  kept.sweep((k) => {
    all.push(k);
    return k === 2;
  });
  assert.deepEqual(all, [1, 5, 9, 2, 3]);
  assert.deepEqual(kept.keys(), [1, 5, 9, 3]);
});

test("under random insertions and removals the table holds what a Map holds", () => {
  for (const [name, hash] of [
    ["seeded", seeded.count],
    ["one bucket for all", () => 12345],
    ["few buckets", (k: number) => rawBucket(k % 3)],
  ] as [string, KeyHash<number>][]) {
    const r = rng(name.length * 7919);
    const t = new ZeekTable<number, number>(hash);
    const m = new Map<number, number>();
    for (let step = 0; step < 4000; step++) {
      const k = Math.floor(r() * 300);
      if (r() < 0.6) {
        t.set(k, step);
        m.set(k, step);
      } else assert.equal(t.delete(k), m.delete(k), `${name}: delete ${k}`);
      if (step % 97 === 0) t.get(Math.floor(r() * 300));
      if (step % 499 === 0) {
        const visited: number[] = [];
        const before = t.size;
        t.sweep((k) => {
          visited.push(k);
          const drop = r() < 0.3;
          if (drop) m.delete(k);
          return drop;
        });
        assert.equal(new Set(visited).size, before, `${name}: a sweep visits each entry once`);
        assert.equal(visited.length, before, `${name}: a sweep visits each entry once`);
      }
    }
    assert.equal(t.size, m.size, name);
    assert.deepEqual(
      t.entries().sort((a, b) => a[0] - b[0]),
      [...m].sort((a, b) => a[0] - b[0]),
      name,
    );
    for (const [k, v] of m) assert.equal(t.get(k), v, `${name}: get ${k}`);
  }
});

test("clear empties the table back to its first size", () => {
  const t = countTable([1, 2, 3, 4, 5]);
  t.clear();
  assert.equal(t.size, 0);
  assert.deepEqual(t.keys(), []);
  for (const k of [1, 2]) t.set(k, k);
  assert.deepEqual(t.keys(), [2, 1]);
});

test("subnet keys (set[subnet]) iterate in Zeek's order under the btest seed: bifs/matching_subnets' set, as it prints it", (t) => {
  const zeek = zeekSource();
  if (btestOraclesMissing(t, zeek, "the btest bifs/matching_subnets", []) || zeek === null) return;
  // The btest's set literal, in its order (the addresses with their host bits cleared, as Zeek keeps a subnet).
  const added = ["10.0.0.0/8", "10.2.0.0/16", "10.2.0.2/31", "10.1.0.0/16", "10.3.0.0/16", "5.0.0.0/8", "5.5.0.0/25", "5.2.0.0/32", "7.2.0.0/32"];
  const v6 = ["2607:f8b0:4008:807::/64", "2607:f8b0:4007:807::/64", "2607:f8b0:4007:807::200e/128"];
  const printed = baselineLines(zeek, "bifs.matching_subnets/output");
  const close = printed.indexOf("}");
  const want = printed.slice(1, close).map((l) => l.replace(/,$/, ""));
  assert.deepEqual(zeekSetOrder(seeded.subnet, [...added, ...v6]), want);
});
