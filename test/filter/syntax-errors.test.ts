/**
 * Bad filter expressions fail at compile time with a FilterSyntaxError that
 * says where (column and caret) and what was expected.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { compileFilter, FilterSyntaxError } from "../../src/filter/compile.js";

/** [expression, 1-based column of the problem, a phrase the message must contain] */
const BAD: [string, number, string][] = [
  ["tcp port", 9, "expected a port number or name after 'port'"],
  ["host 10.0.0.1 and", 18, "expected a primitive"],
  ["(tcp or udp", 12, "expected ')' to close the '(' at column 1"],
  ["tcp and or udp", 9, "found 'or'"],
  ["port 70000", 6, "out of range"],
  ["ip[6:3] = 0", 6, "load size of 1, 2 or 4"],
  ["ip[6:2 = 0", 8, "expected ']'"],
  ["net 10.1.2.3/8", 5, "non-network bits set"],
  ["host 1.2.3.4/24", 13, "only valid for a network"],
  ["ip6 host 10.0.0.1", 1, "cannot be applied"],
  ["ether host 10.0.0.1", 1, "needs an Ethernet address"],
  ["host 00:11:22:33:44:55", 6, "needs the 'ether' qualifier"],
  ["len >", 6, "expected a number, 'len' or a packet load"],
  ["len", 4, "expected a comparison"],
  ["tcp[13] & 2", 12, "expected a comparison"],
  ["ip[0] / 0 = 1", 1, "division by zero"],
  ["len << 32 = 0", 1, "shift by more than 31 bits"],
  ["vlan 5000", 6, "VLAN id 5000 is out of range"],
  ["mpls and vlan", 10, "vlan match cannot follow mpls"],
  ["www.example.com", 1, "host name"],
  ["host 10.0.0.1 $ port 80", 15, "unexpected character '$'"],
  ["fe80:::1", 1, "not a valid IPv6 address"],
  ["tcp and 80", 9, "needs a qualifier"],
  ["gateway 10.0.0.1", 1, "not supported"],
  ["tcp protochain 6", 1, "use ip or ip6 protochain"],
  ["ip proto bogus", 10, "'bogus' is unknown"],
  ["portrange 10", 13, "expected '-'"],
  ["udp port 53 udp", 13, "expected 'and', 'or' or the end"],
  ["1.2.3.400", 1, "not a valid IPv4 address"],
  ["0x", 1, "not a valid 32-bit number"],
  ["port 12abc", 6, "is not a number"],
  ["TCP port 80", 1, "keywords are lower case ('tcp')"],
];

for (const [expression, column, phrase] of BAD) {
  test(`rejects ${JSON.stringify(expression)} at column ${column}`, () => {
    let error: unknown;
    try {
      compileFilter(expression);
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof FilterSyntaxError, `expected a FilterSyntaxError, got ${String(error)}`);
    assert.ok(error.message.includes(phrase), `message ${JSON.stringify(error.message)} lacks ${JSON.stringify(phrase)}`);
    assert.equal(error.column, column, error.message);
    // The message shows the expression and a caret under the column.
    const lines = error.message.split("\n");
    assert.equal(lines[0], `at column ${column}: ${error.reason}`);
    assert.equal(lines[1], `  ${expression}`);
    assert.equal(lines[2], `  ${" ".repeat(column - 1)}^`);
  });
}

test("valid expressions close to the bad ones compile", () => {
  for (const good of [
    "tcp port 80",
    "host 10.0.0.1 and port 22",
    "(tcp or udp)",
    "ip[6:2] = 0",
    "net 10.1.2.0/24",
    "ether host 00:11:22:33:44:55",
    "len > 5",
    "tcp[13] & 2 != 0",
    "vlan 4095 and mpls 1048575",
    "ip proto \\udp",
    "portrange 10-20",
    "fe80::1",
    "tcp and port 80",
  ]) {
    assert.doesNotThrow(() => compileFilter(good), good);
  }
});
