/**
 * A conn_id as a table index (a file's f$conns): the bytes Zeek's CompHash
 * writes for it, written out here by hand from its rules (addr 16 bytes
 * aligned to 4, port a count with its transport's bits, `&default` fields
 * after an is-set byte), its hash (SipHash-2-4 of them, low 32 bits), and
 * the iteration order of a file's connections: by chosen buckets, and as
 * Zeek 9.1 logs it under the corpus seed.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { ConnId } from "../../src/event/records.js";
import { connsInZeekOrder } from "../../src/files/conns-order.js";
import { seedSipKey, siphash24 } from "../../src/session/uid.js";
import { TableHasher } from "../../src/zeek-table/hash.js";
import { connIdKey, indexKey } from "../../src/zeek-table/key-bytes.js";
import { ZEEK_SEED } from "../session/harness.js";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
/** 8 bytes, little-endian, as hex. */
const le8 = (n: number) => n.toString(16).padStart(16, "0").match(/../g)!.reverse().join("");
const V4 = (a: string) =>
  `00000000000000000000ffff${a
    .split(".")
    .map((o) => Number(o).toString(16).padStart(2, "0"))
    .join("")}`;

const tcp4: ConnId = { orig_h: "10.0.0.1", orig_p: 1234, resp_h: "192.168.1.2", resp_p: 80, transport: "tcp", proto: 6 };

test("an IPv4 TCP conn_id: addrs, ports with the TCP bit, then proto and the empty ctx each after an is-set byte (65 bytes)", () => {
  const want = `${V4("10.0.0.1")}${le8(0x10000 + 1234)}${V4("192.168.1.2")}${le8(0x10000 + 80)}01${"00".repeat(7)}${le8(6)}01`;
  assert.equal(hex(connIdKey(tcp4).bytes), want);
  assert.equal(connIdKey(tcp4).bytes.length, 65);
});

test("an IPv6 UDP conn_id and an ICMP one: their ports carry the UDP and ICMP bits", () => {
  const udp6: ConnId = { orig_h: "2001:db8::1", orig_p: 5353, resp_h: "ff02::fb", resp_p: 53, transport: "udp", proto: 17 };
  const v6 = "20010db8000000000000000000000001";
  const mcast = "ff0200000000000000000000000000fb";
  assert.equal(hex(connIdKey(udp6).bytes), `${v6}${le8(0x20000 + 5353)}${mcast}${le8(0x20000 + 53)}01${"00".repeat(7)}${le8(17)}01`);
  // ICMP: the type and code are the ports.
  const icmp: ConnId = { orig_h: "10.0.0.1", orig_p: 8, resp_h: "10.0.0.2", resp_p: 0, transport: "icmp", proto: 1 };
  assert.equal(hex(connIdKey(icmp).bytes), `${V4("10.0.0.1")}${le8(0x30008)}${V4("10.0.0.2")}${le8(0x30000)}01${"00".repeat(7)}${le8(1)}01`);
});

test("vlan_fivetuple's ctx: each VLAN id after its is-set byte, aligned to 8", () => {
  const base = hex(connIdKey(tcp4).bytes);
  assert.equal(hex(connIdKey({ ...tcp4, ctx: {} }).bytes), `${base}0000`);
  // 65: vlan's byte; its value at 72; inner_vlan's byte at 80.
  assert.equal(hex(connIdKey({ ...tcp4, ctx: { vlan: 10 } }).bytes), `${base}01${"00".repeat(6)}${le8(10)}00`);
  assert.equal(hex(connIdKey({ ...tcp4, ctx: { inner_vlan: 20 } }).bytes), `${base}0001${"00".repeat(5)}${le8(20)}`);
});

test("its hash is the low 32 bits of the seeded SipHash-2-4 of those bytes", () => {
  const want = Number(siphash24(seedSipKey(ZEEK_SEED), connIdKey(tcp4).bytes) & 0xffffffffn);
  assert.equal(new TableHasher(ZEEK_SEED).connId(tcp4), want);
});

/** A file seen on connections with these originator ports (one server), in that order. */
function fileOn(origH: string, respH: string, respP: number, ports: readonly number[]) {
  const conns = new Map(ports.map((p) => [`C${p}`, { id: { orig_h: origH, orig_p: p, resp_h: respH, resp_p: respP, transport: "tcp" as const, proto: 6 } }]));
  return { conns };
}

test("a file's connections go in bucket order, those of one bucket in the order they came", () => {
  // Three entries: two buckets (2^1), the table holding up to 3. Buckets chosen through the hash (bucketOf multiplies by the odd 2^64/φ: its inverse picks the hash).
  const inverse = (a: number) => {
    let x = a;
    for (let i = 0; i < 5; i++) x = Math.imul(x, 2 - Math.imul(a, x));
    return x;
  };
  const FIB_INVERSE = inverse(0x7f4a7c15);
  const bucket = new Map([
    [1, 1],
    [2, 0],
    [3, 1],
  ]);
  const hash = { connId: (id: ConnId) => Math.imul(bucket.get(id.orig_p)!, FIB_INVERSE) >>> 0 };
  const order = connsInZeekOrder(fileOn("10.0.0.1", "10.0.0.2", 80, [1, 2, 3]), hash).map((c) => c.id.orig_p);
  assert.deepEqual(order, [2, 1, 3]);
  // One connection: no hashing at all.
  const never = { connId: (): number => assert.fail("hashed a single connection") };
  assert.deepEqual(
    connsInZeekOrder(fileOn("10.0.0.1", "10.0.0.2", 80, [7]), never).map((c) => c.id.orig_p),
    [7],
  );
});

test("files on several connections: the files.log orders Zeek 9.1 writes under the corpus seed", () => {
  const seeded = new TableHasher(ZEEK_SEED);
  const order = (f: ReturnType<typeof fileOn>) => connsInZeekOrder(f, seeded).map((c) => c.id.orig_p);
  // http/vnd.ms-cab-compressed-multi-conn.pcap: five downloads of one file, in this order.
  assert.deepEqual(order(fileOn("192.168.1.105", "65.54.95.7", 80, [49433, 49459, 49461, 49462, 49463])), [49459, 49463, 49462, 49433, 49461]);
  // http/concurrent-range-requests-complete.pcap (and the notice btest file-info-multiple-conns).
  assert.deepEqual(order(fileOn("127.0.0.1", "127.0.0.1", 8080, [48770, 48768, 48776])), [48770, 48776, 48768]);
  // http/206_example_c.pcap: the later connection first.
  assert.deepEqual(order(fileOn("10.45.179.94", "129.174.93.170", 80, [19950, 19953])), [19953, 19950]);
});

test("a key of several indexes ([addr, conn_id_ctx, string]): the addr, the record's optional fields after their is-set bytes, the string after its length", () => {
  const key = indexKey("", [
    { kind: "addr", value: "10.0.0.1" },
    {
      kind: "record",
      fields: [
        { kind: "count", value: 42 },
        { kind: "count", value: undefined },
      ],
    },
    { kind: "string", value: "GET" },
  ]).bytes;
  const want = new Uint8Array(40);
  want.set([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 1]);
  want[16] = 1; // vlan is set; its int64 at 24 (aligned to 8)
  want[24] = 42;
  want[32] = 0; // inner_vlan unset
  want.set([3, 0, 0, 0], 36); // the string's length at 36 (aligned to 4), then its bytes
  assert.deepEqual([...key], [...want, ...Buffer.from("GET")]);
});
