/**
 * Hostile input: random token soups either compile or raise FilterSyntaxError
 * (never another exception), and compiled filters never throw on random or
 * truncated packets of any link type.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { compileFilter, FilterSyntaxError, type PacketFilter } from "../../src/filter/compile.js";
import type { RawPacket } from "../../src/source/raw-packet.js";

const VOCABULARY = [
  "host",
  "net",
  "port",
  "portrange",
  "src",
  "dst",
  "or",
  "and",
  "not",
  "!",
  "&&",
  "||",
  "(",
  ")",
  "[",
  "]",
  ":",
  "tcp",
  "udp",
  "ip",
  "ip6",
  "arp",
  "icmp",
  "icmp6",
  "ether",
  "proto",
  "vlan",
  "mpls",
  "pppoes",
  "less",
  "greater",
  "len",
  "broadcast",
  "multicast",
  "mask",
  "10.0.0.1",
  "10.1",
  "fe80::1",
  "::",
  "0:1:2:3:4:5",
  "80",
  "0x10",
  "017",
  "1-2",
  "/",
  "24",
  "+",
  "-",
  "*",
  "%",
  "^",
  "&",
  "|",
  "<<",
  ">>",
  "=",
  "!=",
  "<",
  ">=",
  "tcpflags",
  "tcp-syn",
  "\\tcp",
  "http",
  "99999",
  "4294967296",
  "inbound",
  "$",
  "\u00e9",
  "",
];
const LINKTYPES = [0, 1, 9, 12, 101, 108, 113, 228, 229, 276, 147];

function rng(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s >>> 8) % n; // the low bits of an LCG are not random
  };
}

test("random expressions compile or raise FilterSyntaxError; compiled filters never throw", () => {
  const rand = rng(20261123);
  const packets: RawPacket[] = [];
  for (let i = 0; i < 64; i++) {
    const len = rand(120);
    const data = new Uint8Array(len + 8);
    for (let j = 0; j < data.length; j++) data[j] = rand(256);
    // Make many of them look like IPv4/IPv6 over Ethernet so deeper code runs.
    if (len > 14 && i % 2 === 0) {
      data[12] = 0x08;
      data[13] = 0x00;
      data[14] = 0x45;
    }
    packets.push({ ts: 0, caplen: len, wirelen: len + rand(3000), linktype: LINKTYPES[i % LINKTYPES.length]!, data, offset: rand(8) });
  }
  let compiled = 0;
  let rejected = 0;
  for (let i = 0; i < 3000; i++) {
    const words = Array.from({ length: 1 + rand(rand(2) === 0 ? 3 : 8) }, () => VOCABULARY[rand(VOCABULARY.length)]!);
    const expression = words.join(rand(4) === 0 ? "" : " ");
    let filter: PacketFilter;
    try {
      filter = compileFilter(expression);
    } catch (e) {
      assert.ok(e instanceof FilterSyntaxError, `${JSON.stringify(expression)} threw ${String(e)}`);
      assert.ok(e.position >= 0 && e.position <= expression.length, `position out of range for ${JSON.stringify(expression)}`);
      rejected++;
      continue;
    }
    compiled++;
    for (const p of packets) assert.equal(typeof filter(p), "boolean", expression);
  }
  assert.ok(compiled > 100 && rejected > 100, `compiled ${compiled}, rejected ${rejected}: the generator should reach both`);
});
