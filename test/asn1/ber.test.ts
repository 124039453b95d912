/**
 * The shared BER reader (src/asn1/ber.ts): bounds, header-only reads, the
 * length forms, high tag numbers, nesting depth, and Zeek's integer and OID
 * readings that SNMP and Kerberos logs depend on.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { BerError, BerReader, beInt64, beUint, oidText, zeekInteger, zeekOidText } from "../../src/asn1/ber.js";
import { deeplyNested, int, octets, oid, seq } from "../analyzer/app/ber-helpers.js";

const u8 = (a: number[]): Uint8Array => Uint8Array.from(a);

test("ber: whole elements, short and long lengths, views into the input", () => {
  const long = octets("x".repeat(300));
  const r = new BerReader(u8([...int(5), ...long]));
  const a = r.next();
  assert.equal(a.tag, 0x02);
  assert.deepEqual([...a.value], [5]);
  const b = r.next();
  assert.equal(b.value.length, 300);
  assert.equal(b.whole.length, 304);
  assert.equal(r.remaining, 0);
  assert.equal(r.peekTag(), -1);
});

test("ber: a length beyond its buffer throws BerError (and leaves the reader where it was)", () => {
  const r = new BerReader(u8([0x04, 0x05, 1, 2]));
  assert.throws(
    () => r.next(),
    (e: unknown) => e instanceof BerError && /beyond/.test(e.message),
  );
  assert.equal(r.pos, 0);
  // Header-only reads accept it: the value is checked when it is read.
  const h = r.header();
  assert.deepEqual([h.length, h.start], [5, 2]);
  assert.throws(() => r.bytes(5), BerError);
  // A long form whose length octets run past the end, a 9-octet length, the indefinite form.
  assert.throws(() => new BerReader(u8([0x30, 0x82, 0x01])).header(), /truncated length/);
  assert.throws(() => new BerReader(u8([0x30, 0x89, 1, 1, 1, 1, 1, 1, 1, 1, 1])).header(), /too large/);
  assert.throws(() => new BerReader(u8([0x30, 0x80, 0, 0])).header(), /indefinite/);
  assert.throws(() => new BerReader(u8([0x30])).header(), /truncated header/);
  assert.throws(() => new BerReader(u8([])).next(), BerError);
});

test("ber: sub-readers bound what they read", () => {
  const r = new BerReader(u8([...seq(int(1)), ...int(2)]));
  const h = r.header();
  const inner = r.sub(h.length);
  assert.equal(inner.next().value[0], 1);
  assert.equal(inner.remaining, 0);
  assert.throws(() => inner.next(), BerError);
  assert.equal(r.next().value[0], 2);
  assert.throws(() => r.sub(1), BerError);
});

test("ber: high tag numbers are read whole", () => {
  const r = new BerReader(u8([0x9f, 0x81, 0x00, 0x01, 0xaa, 0x02, 0x01, 0x07]));
  const t = r.next();
  assert.equal(t.number, 128);
  assert.equal(t.tag, 0x9f);
  assert.deepEqual([...t.value], [0xaa]);
  assert.equal(r.next().value[0], 7);
  assert.throws(() => new BerReader(u8([0x1f, 0x81, 0x81, 0x81, 0x81, 0x01, 0x00])).header(), /tag number too large/);
});

test("ber: deep nesting costs no stack (100,000 levels walked by headers, then the innermost NULL)", () => {
  const depth = 100_000;
  const r = new BerReader(deeplyNested(depth));
  for (let i = 0; i < depth; i++) assert.equal(r.header().tag, 0x30);
  assert.equal(r.next().tag, 0x05);
});

test("ber: integers as Zeek reads them (no sign extension below 8 bytes; more than 8 is 0 and a weird)", () => {
  assert.equal(beUint(u8([0xff])), 255);
  assert.equal(beInt64(u8([0xff])), 255);
  assert.equal(beInt64(u8([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])), -1);
  assert.equal(beUint(u8([1, 0, 0])), 65536);
  assert.equal(beUint(u8([1, 2, 3, 4, 5, 6, 7, 8, 9])), null);
  const weirds: string[] = [];
  assert.equal(
    zeekInteger(u8([1, 2, 3, 4, 5, 6, 7, 8, 9]), true, (a) => weirds.push(a)),
    0,
  );
  assert.deepEqual(weirds, ["9"]);
});

test("ber: OIDs in OpenSSL's form and in Zeek's (first arc by /40, empty when unfinished, too-long subidentifiers)", () => {
  const sysDescr = oid("1.3.6.1.2.1.1.1.0").slice(2);
  assert.equal(oidText(u8(sysDescr)), "1.3.6.1.2.1.1.1.0");
  assert.equal(zeekOidText(u8(sysDescr)), "1.3.6.1.2.1.1.1.0");
  // 2.999: OpenSSL splits per X.690; Zeek divides by 40.
  assert.equal(oidText(u8([0x88, 0x37])), "2.999");
  assert.equal(zeekOidText(u8([0x88, 0x37])), "26.39");
  assert.equal(zeekOidText(u8([0x2b, 0x86])), "");
  assert.equal(zeekOidText(u8([])), "");
  const weirds: number[] = [];
  const long = [0x2b, ...new Array<number>(10).fill(0x81), 0x01];
  assert.equal(
    zeekOidText(u8(long), (n) => weirds.push(n)),
    "",
  );
  assert.deepEqual(weirds, [11]);
  // Ten bytes pass; arcs beyond 2^53 are exact.
  assert.equal(zeekOidText(u8([0x2b, 0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00])), `1.3.${2n ** 63n}`);
});
