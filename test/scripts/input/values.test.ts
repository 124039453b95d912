/**
 * The ASCII input formatter's reading of a column (values.ts) and Zeek's
 * print of the values (print.ts), rule by rule.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { printValue } from "../../../src/scripts/input/print.js";
import { InputTable } from "../../../src/scripts/input/table.js";
import { InputPattern, type InputScalarType, inputRecord } from "../../../src/scripts/input/types.js";
import { type AsciiSeparators, PARSE_FAILED, parseCell } from "../../../src/scripts/input/values.js";
import { TableHasher } from "../../../src/zeek-table/hash.js";

const SEPS: AsciiSeparators = { separator: "\t", setSeparator: ",", emptyField: "(empty)", unsetField: "-" };

function read(text: string, type: InputScalarType | `set[${InputScalarType}]` | `vector[${InputScalarType}]`) {
  const warnings: string[] = [];
  // The value errors (the framework's, not the reader's) marked as such among the warnings, in order.
  const value = parseCell(
    text,
    type,
    "f",
    SEPS,
    (m) => warnings.push(m),
    (m) => warnings.push(`error: ${m}`),
  );
  return { value, warnings };
}

test("numbers: 64-bit ints and counts (bigint beyond 2^53), trailing text, negative counts, out of range", () => {
  assert.deepEqual(read("42", "count"), { value: 42, warnings: [] });
  assert.deepEqual(read("-9223372036854775800", "int"), { value: -9223372036854775800n, warnings: [] });
  assert.deepEqual(read("18446744073709551615", "count"), { value: 18446744073709551615n, warnings: [] });
  assert.deepEqual(read("18446744073709551616", "count"), { value: PARSE_FAILED, warnings: ["Number '18446744073709551616' out of supported range."] });
  assert.deepEqual(read("7abc", "int"), { value: 7, warnings: ["Number '7abc' contained non-numeric trailing characters. Ignored trailing characters 'abc'"] });
  assert.deepEqual(read(" -3", "count"), { value: PARSE_FAILED, warnings: ["Number ' -3' cannot be negative"] });
  assert.deepEqual(read("", "double"), { value: PARSE_FAILED, warnings: ["Got empty string for number field"] });
  assert.deepEqual(read("x", "double"), { value: PARSE_FAILED, warnings: ["String 'x' contained no parseable number"] });
  assert.deepEqual(read("1e3", "interval"), { value: 1000, warnings: [] });
  assert.deepEqual(read("0x10", "double"), { value: 16, warnings: [] });
});

test("ports, addresses, subnets, bools, strings, patterns; the unset field", () => {
  assert.deepEqual(read("80/TCP", "port"), { value: "80/tcp", warnings: [] });
  assert.deepEqual(read("53", "port"), { value: "53/unknown", warnings: [] });
  assert.deepEqual(read("5/foo", "port"), { value: "5/unknown", warnings: ["Port '5/foo' contained unknown protocol 'foo'"] });
  assert.deepEqual(read("2001:DB8::1", "addr"), { value: "2001:db8::1", warnings: [] });
  assert.deepEqual(read("1.2.3.400", "addr"), { value: "0.0.0.0", warnings: ["Bad address: 1.2.3.400"] });
  assert.deepEqual(read("10.1.2.3/8", "subnet"), { value: "10.0.0.0/8", warnings: [] });
  assert.deepEqual(read("10.1.2.3", "subnet"), { value: PARSE_FAILED, warnings: ["Invalid value for subnet: 10.1.2.3"] });
  // Zeek's input manager makes the subnet with a width relative to the address's family (SubNetVal(addr, width)):
  // an IPv4-mapped IPv6 text's width counts IPv4 bits; past the family's bits it is a reporter error and ::/0.
  assert.deepEqual(read("::ffff:1.2.3.4/24", "subnet"), { value: "1.2.3.0/24", warnings: [] });
  assert.deepEqual(read("[::ffff:1.2.3.4]/32", "subnet"), { value: "1.2.3.4/32", warnings: [] });
  assert.deepEqual(read("::ffff:1.2.3.4/120", "subnet"), { value: "::/0", warnings: ["error: Bad IPAddr(v4) IPPrefix length : 120"] });
  assert.deepEqual(read("10.0.0.0/33", "subnet"), { value: "::/0", warnings: ["error: Bad IPAddr(v4) IPPrefix length : 33"] });
  assert.deepEqual(read("2001:db8::1/32", "subnet"), { value: "2001:db8::/32", warnings: [] });
  // The width is kept in 8 bits: 300 is 44.
  assert.deepEqual(read("fe80::/300", "subnet"), { value: "fe80::/44", warnings: [] });
  assert.deepEqual(read("fe80::/200", "subnet"), { value: "::/0", warnings: ["error: Bad IPAddr(v6) IPPrefix length : 200"] });
  assert.deepEqual(read("10.0.0.0/8,::ffff:10.0.0.0/40", "set[subnet]"), {
    value: new Set(["10.0.0.0/8", "::/0"]),
    warnings: ["error: Bad IPAddr(v4) IPPrefix length : 40"],
  });
  assert.deepEqual(read(" T ", "bool"), { value: true, warnings: [] });
  assert.deepEqual(read("yes", "bool"), { value: PARSE_FAILED, warnings: ["Field: f Invalid value for boolean: yes"] });
  assert.deepEqual(read("a\\x09b", "string"), { value: "a\tb", warnings: [] });
  assert.deepEqual(read("(empty)", "string"), { value: "(empty)", warnings: [] });
  assert.deepEqual(read("-", "string"), { value: undefined, warnings: [] });
  assert.deepEqual(read("/a|b/i", "pattern"), { value: new InputPattern("a|b", true, false), warnings: [] });
  assert.deepEqual(read("a|b", "pattern"), { value: PARSE_FAILED, warnings: ["String 'a|b' contained no parseable pattern."] });
});

test("sets and vectors: split at the set separator, the empty field is empty, a trailing separator adds an empty element", () => {
  assert.deepEqual(read("1,2,3", "vector[count]"), { value: [1, 2, 3], warnings: [] });
  assert.deepEqual(read("(empty)", "set[string]"), { value: new Set(), warnings: [] });
  assert.deepEqual(read("a,", "vector[string]"), { value: ["a", ""], warnings: [] });
  assert.deepEqual(read("a\\x2cb", "set[string]"), { value: new Set(["a,b"]), warnings: [] });
  assert.deepEqual(read("1,x", "set[count]"), {
    value: PARSE_FAILED,
    warnings: ["String 'x' contained no parseable number", "Error while reading set or vector"],
  });
});

test("print: records, unset fields, intervals, doubles, vectors, sets in Zeek's order, escaped text", () => {
  const hash = new TableHasher([1, 2, 3, 4]);
  const type = inputRecord("R", { d: "double", iv: "interval", s: "string", v: "vector[int]", o: { type: "bool", optional: true } });
  assert.equal(printValue({ d: 3, iv: 100, s: "a\tb", v: [1, -2] }, type, hash), "[d=3.0, iv=1.0 min 40.0 secs, s=a\\x09b, v=[1, -2], o=<uninitialized>]");
  assert.equal(printValue(new Set(), "set[count]", hash), "{\n\n}");
  const set = printValue(new Set([1, 2, 3]), "set[count]", hash);
  assert.deepEqual(
    set
      .split("\n")
      .slice(1, -1)
      .map((l) => l.replace(",", ""))
      .sort(),
    ["1", "2", "3"],
  );
  assert.equal(printValue(new InputPattern("dog"), "pattern", hash), "/^?(dog)$?/");
});

test("an InputTable: lookups by index values, Zeek's print, a set", () => {
  const hash = new TableHasher([1, 2, 3, 4]);
  const t = new InputTable(hash);
  assert.equal(t.has(1), false);
  assert.equal(t.bind(inputRecord("Idx", { i: "int", s: "string" }), "bool"), true);
  // Bound once: another index type is refused.
  assert.equal(t.bind(inputRecord("Idx", { a: "addr" }), "bool"), false);
  t.set([1, "a"], true);
  t.set([-2, "b"], false);
  assert.equal(t.get(1, "a"), true);
  assert.equal(t.has(1, "b"), false);
  assert.equal(t.size, 2);
  assert.match(t.print(), /^\{\n\[(1, a|-2, b)\] = [TF],\n\[(1, a|-2, b)\] = [TF]\n\}$/);
  assert.equal(t.delete(1, "a"), true);
  assert.equal(t.print(), "{\n[-2, b] = F\n}");
  const s = new InputTable(hash);
  s.bind(inputRecord("Idx", { ip: "addr" }), undefined);
  s.set(["10.0.0.1"], undefined);
  assert.equal(s.isSet, true);
  assert.equal(s.print(), "{\n10.0.0.1\n}");
});
