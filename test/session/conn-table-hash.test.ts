/**
 * The connection table's hash is keyed per table (issue: an attacker who knows
 * fixed multipliers can put many flows into one chain). Tuples made to collide
 * under the former fixed-multiplier hash all want one slot there; in a keyed
 * table they spread. The order connections leave at the end of input does not
 * depend on the key. Insertions and removals in any order, down to a table
 * where every tuple has the same hash, leave every connection findable.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Packet } from "../../src/packet/packet.js";
import { ConnTable, inKeyOrder, mix, randomHashKey, tupleHash } from "../../src/session/conn-table.js";
import type { Conn } from "../../src/session/connection.js";

// The unkeyed hash the table used before: fixed odd multipliers per word, summed mod 2^32.
const M = [0x9e3779b1, 0x85ebca77, 0xc2b2ae3d, 0x27d4eb2f, 0x165667b1];
function unkeyedEndpoint(w: number[], port: number): number {
  return mix((Math.imul(w[0]!, M[0]!) + Math.imul(w[1]!, M[1]!) + Math.imul(w[2]!, M[2]!) + Math.imul(w[3]!, M[3]!) + Math.imul(port, M[4]!)) | 0);
}
function unkeyedTuple(a: number[], ap: number, b: number[], bp: number, proto: number): number {
  return mix(((unkeyedEndpoint(a, ap) + unkeyedEndpoint(b, bp)) | 0) ^ proto) | 0;
}

/** The inverse of an odd number mod 2^32 (Newton's iteration). */
function inverse(a: number): number {
  let x = a;
  for (let i = 0; i < 5; i++) x = Math.imul(x, 2 - Math.imul(a, x));
  return x;
}

/**
 * The attack: IPv6 sources 2001:db8-ish with word 0 = i and word 1 chosen so
 * that i*M0 + w1*M1 is the same for every i, i.e. the same unkeyed hash.
 */
function collidingSources(n: number): number[][] {
  const f = Math.imul(M[0]!, inverse(M[1]!));
  const out: number[][] = [];
  for (let i = 1; i <= n; i++) out.push([i | 0, Math.imul(-i, f) | 0, 0x00010002, 0x00030004]);
  return out;
}

const DST = [0x20010db8, 0, 0, 1];

/** A stand-in for a UDP connection: the fields the table reads. */
function fakeConn(src: number[], sport: number, dport: number): Conn {
  return {
    o0: src[0],
    o1: src[1],
    o2: src[2],
    o3: src[3],
    r0: DST[0],
    r1: DST[1],
    r2: DST[2],
    r3: DST[3],
    origPort: sport,
    respPort: dport,
    ports: (sport << 16) | dport,
    proto: 17,
    oneWay: false,
    upperMatches(pkt: Packet, reversed: boolean): boolean {
      const s = [pkt.src0 | 0, pkt.src1 | 0, pkt.src2 | 0];
      const d = [pkt.dst0 | 0, pkt.dst1 | 0, pkt.dst2 | 0];
      const [a, b] = reversed ? [d, s] : [s, d];
      return a.every((w, i) => w === (src[i]! | 0)) && b.every((w, i) => w === (DST[i]! | 0));
    },
  } as unknown as Conn;
}

test("tuples that all collide under the fixed-multiplier hash spread over a keyed table", () => {
  const n = 4096;
  const sources = collidingSources(n);
  const unkeyed = new Set(sources.map((s) => unkeyedTuple(s, 5353, DST, 53, 17)));
  assert.equal(unkeyed.size, 1, "the attack works on the unkeyed hash: every tuple has the same hash, one chain of 4096");
  const table = new ConnTable();
  const conns = sources.map((s) => fakeConn(s, 5353, 53));
  for (const c of conns) table.insert(c);
  // 4096 connections in 8192+ slots: a random hash keeps every one within a few dozen slots of its own
  // (under the unkeyed hash they would all want one slot, the last 4095 away from it).
  assert.ok(table.longestProbe() <= 64, `longest probe ${table.longestProbe()}`);
  // And every one is found again, in both directions.
  const pkt = new Packet();
  for (const [i, s] of sources.entries()) {
    [pkt.src0, pkt.src1, pkt.src2, pkt.src3] = s as [number, number, number, number];
    [pkt.dst0, pkt.dst1, pkt.dst2, pkt.dst3] = DST as [number, number, number, number];
    assert.equal(table.find(pkt, 5353, 53, 17, false), conns[i]);
    [pkt.dst0, pkt.dst1, pkt.dst2, pkt.dst3] = s as [number, number, number, number];
    [pkt.src0, pkt.src1, pkt.src2, pkt.src3] = DST as [number, number, number, number];
    assert.equal(table.find(pkt, 53, 5353, 17, false), conns[i]);
  }
});

test("the keyed hash is symmetric in the endpoints and differs between keys", () => {
  const k1 = randomHashKey();
  const k2 = randomHashKey();
  const a = [0, 0, 0xffff, 0x0a000001];
  const b = [0, 0, 0xffff, 0x0a000002];
  assert.equal(
    tupleHash(k1, a[0]!, a[1]!, a[2]!, a[3]!, 1234, b[0]!, b[1]!, b[2]!, b[3]!, 80, 6),
    tupleHash(k1, b[0]!, b[1]!, b[2]!, b[3]!, 80, a[0]!, a[1]!, a[2]!, a[3]!, 1234, 6),
  );
  const hashes1 = new Set<number>();
  const hashes2 = new Set<number>();
  for (let p = 0; p < 64; p++) {
    hashes1.add(tupleHash(k1, a[0]!, a[1]!, a[2]!, a[3]!, p, b[0]!, b[1]!, b[2]!, b[3]!, 80, 6));
    hashes2.add(tupleHash(k2, a[0]!, a[1]!, a[2]!, a[3]!, p, b[0]!, b[1]!, b[2]!, b[3]!, 80, 6));
  }
  assert.equal(hashes1.size, 64);
  assert.notDeepEqual([...hashes1], [...hashes2]);
});

test("the end-of-input order does not depend on the key", () => {
  const sources = collidingSources(500);
  const orders = [randomHashKey(), randomHashKey(), randomHashKey()].map((key) => {
    const table = new ConnTable(key);
    for (const [i, s] of sources.entries()) table.insert(fakeConn(s, 1024 + i, 53));
    return inKeyOrder(table.all()).map((c) => `${c.o0}/${c.origPort}`);
  });
  assert.deepEqual(orders[1], orders[0]);
  assert.deepEqual(orders[2], orders[0]);
  // and it is the key order: sources ascending by word 0 (all other words equal)
  assert.deepEqual(
    orders[0],
    sources.map((s, i) => `${s[0]}/${1024 + i}`),
  );
});

test("the IPv4 shortcut computes the same keyed sum as the general form", () => {
  const k = randomHashKey();
  // The general form over all nine pieces, as documented in conn-table.ts.
  const reference = (w: number[], port: number): number => {
    const pieces = [w[0]! >>> 16, w[0]! & 0xffff, w[1]! >>> 16, w[1]! & 0xffff, w[2]! >>> 16, w[2]! & 0xffff, w[3]! >>> 16, w[3]! & 0xffff, port];
    const s = pieces.reduce((sum, p, i) => sum + k[i]! * p, 0);
    return mix((s >>> 0) ^ Math.imul(Math.floor(s / 4294967296), 0x9e3779b1));
  };
  let seed = 12345;
  const next = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) | 0);
  for (let i = 0; i < 2000; i++) {
    const a = i % 2 === 0 ? [0, 0, 0xffff, next()] : [next(), next(), next(), next()];
    const b = i % 3 === 0 ? [0, 0, 0xffff, next()] : [next(), next(), next(), next()];
    const ap = next() & 0xffff;
    const bp = next() & 0xffff;
    const expected = mix(((reference(a, ap) + reference(b, bp)) | 0) ^ 6) | 0;
    assert.equal(tupleHash(k, a[0]!, a[1]!, a[2]!, a[3]!, ap, b[0]!, b[1]!, b[2]!, b[3]!, bp, 6), expected);
  }
});

/** Finds `c` through a packet from its originator, or from its responder when `reply`. */
function findBack(table: ConnTable, c: Conn, src: number[], reply: boolean): Conn | null {
  const pkt = new Packet();
  const [from, to] = reply ? [DST, src] : [src, DST];
  [pkt.src0, pkt.src1, pkt.src2, pkt.src3] = from as [number, number, number, number];
  [pkt.dst0, pkt.dst1, pkt.dst2, pkt.dst3] = to as [number, number, number, number];
  return reply ? table.find(pkt, c.respPort, c.origPort, 17, false) : table.find(pkt, c.origPort, c.respPort, 17, false);
}

for (const [name, key] of [
  ["a random key", randomHashKey()],
  // Every multiplier 0: every tuple has one hash, so all share one probe run that wraps around the slots.
  ["a key under which every tuple collides", new Float64Array(10)],
] as const) {
  test(`inserts and removes in random order keep the table equal to a model (${name})`, () => {
    const table = new ConnTable(key);
    const model = new Map<Conn, number[]>();
    const pool = collidingSources(3000).map((s, i) => ({ src: s, conn: fakeConn(s, 1000 + (i % 7), 53) }));
    let seed = 99;
    const rand = (n: number): number => ((seed = (Math.imul(seed, 1103515245) + 12345) | 0) >>> 8) % n;
    const steps = name === "a random key" ? 20000 : 3000;
    for (let step = 0; step < steps; step++) {
      const { src, conn } = pool[rand(pool.length)]!;
      // Grow for the first half (the table doubles), then mostly remove (it halves again).
      const add = step < steps / 2 ? rand(10) < 7 : rand(10) < 2;
      if (add && !model.has(conn)) {
        table.insert(conn);
        model.set(conn, src);
      } else if (!add && model.has(conn)) {
        table.remove(conn);
        model.delete(conn);
      }
      assert.equal(table.size, model.size);
      if (step % 97 === 0 || step === steps - 1) {
        for (const [c, s] of model) {
          assert.equal(findBack(table, c, s, false), c);
          assert.equal(findBack(table, c, s, true), c);
        }
        for (const { src: s, conn: c } of pool.slice(0, 200)) if (!model.has(c)) assert.equal(findBack(table, c, s, false), null);
        assert.equal(new Set(table.all()).size, model.size);
      }
    }
    // Removing a connection that is not there changes nothing.
    const absent = pool.find((p) => !model.has(p.conn))!;
    table.remove(absent.conn);
    assert.equal(table.size, model.size);
  });
}
