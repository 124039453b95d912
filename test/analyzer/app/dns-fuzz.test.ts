/**
 * Fuzz: random bytes and mutated well-formed DNS messages (every record type
 * the analyzer parses, with every section read) never throw out of the DNS
 * analyzer, over UDP nor over TCP, whether events are handled or not.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import type { AnalyzerHost } from "../../../src/analyzer/app/analyzer.js";
import { DNS } from "../../../src/analyzer/app/dns/dns.js";
import { DnsInterpreter } from "../../../src/analyzer/app/dns/interpreter.js";
import { rng } from "../../helpers/rng.js";
import { type Bytes, cstr, header, name, ptr, QR, question, recordingHost, rr, u16, u32 } from "./dns-helpers.js";

const OWNER = ptr(12);

/** One well-formed record of each type the analyzer parses. */
const RECORDS: Bytes[] = [
  rr(OWNER, 1, [1, 2, 3, 4]),
  rr(OWNER, 28, new Array<number>(16).fill(1)),
  rr(OWNER, 2, name("ns.a.com")),
  rr(OWNER, 5, [...cstr("x"), ...ptr(12)]),
  rr(OWNER, 6, [...name("a"), ...name("b"), ...new Array<number>(20).fill(0)]),
  rr(OWNER, 11, [1, 2, 3, 4, 6]),
  rr(OWNER, 13, [...cstr("cpu"), ...cstr("os")]),
  rr(OWNER, 15, [...u16(5), ...name("mx")]),
  rr(OWNER, 16, [...cstr("hello"), ...cstr("world")]),
  rr(OWNER, 99, cstr("spf")),
  rr(OWNER, 257, [0, 5, ...[..."issue"].map((c) => c.charCodeAt(0)), 0x61]),
  rr(OWNER, 33, [...u16(1), ...u16(1), ...u16(80), ...name("t")]),
  rr(OWNER, 35, [...u16(1), ...u16(1), ...cstr("s"), ...cstr("x"), ...cstr(""), ...name("r")]),
  rr(OWNER, 41, [...u16(8), ...u16(7), ...u16(2), 56, 0, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0]),
  rr(OWNER, 41, [...u16(10), ...u16(16), ...new Array<number>(16).fill(7), ...u16(11), ...u16(2), 0, 9]),
  rr(OWNER, 249, [...name("alg"), ...u32(1), ...u32(2), ...u16(3), ...u16(0), ...u16(2), 1, 2, ...u16(0)]),
  rr(OWNER, 250, [...name("alg"), ...u32(1), ...u16(2), ...u16(3), ...u16(2), 1, 2, ...u16(1), ...u16(0), ...u16(0)]),
  rr(OWNER, 46, [...u16(1), 8, 2, ...u32(1), ...u32(2), ...u32(3), ...u16(4), ...name("s"), 1, 2, 3]),
  rr(OWNER, 48, [...u16(257), 3, 8, 1, 2]),
  rr(OWNER, 47, [...name("n"), 0, 1, 0x40]),
  rr(OWNER, 50, [1, 0, ...u16(1), 1, 2, 1, 3, 0, 1, 0x40]),
  rr(OWNER, 51, [1, 0, ...u16(1), 1, 2]),
  rr(OWNER, 43, [...u16(1), 8, 2, 9, 9]),
  rr(OWNER, 65534, [8, 1, 2, 0, 1]),
  rr(OWNER, 44, [1, 1, 0xab]),
  rr(OWNER, 29, new Array<number>(16).fill(0)),
  rr(OWNER, 64, [...u16(1), 0, ...u16(1), ...u16(3), 2, 0x68, 0x32, ...u16(6), ...u16(16), ...new Array<number>(16).fill(0)]),
  rr(OWNER, 65, [...u16(1), ...name("t"), ...u16(0), ...u16(2), ...u16(1), ...u16(5), ...u16(1), 0xff]),
  rr(OWNER, 32, [1, 2]),
  rr(OWNER, 4242, [1]),
];

function wellFormed(r: () => number): Uint8Array {
  const k = 1 + Math.floor(r() * 4);
  const answers: Bytes[] = [];
  for (let i = 0; i < k; i++) answers.push(RECORDS[Math.floor(r() * RECORDS.length)]!);
  const opcode = [0, 0, 0, 4, 5][Math.floor(r() * 5)]!;
  const split = Math.floor(r() * (k + 1));
  return Uint8Array.from([...header(Math.floor(r() * 65536), QR | (opcode << 11), 1, split, 0, k - split), ...question("a.example", 1), ...answers.flat()]);
}

function mutate(msg: Uint8Array, r: () => number): Uint8Array {
  let out = Uint8Array.from(msg);
  const edits = 1 + Math.floor(r() * 4);
  for (let e = 0; e < edits; e++) {
    const what = r();
    if (what < 0.5 && out.length > 0) out[Math.floor(r() * out.length)] = Math.floor(r() * 256);
    else if (what < 0.7) out = out.subarray(0, Math.floor(r() * (out.length + 1)));
    else if (what < 0.85 && out.length > 1) {
      const at = Math.floor(r() * out.length);
      out[at] = 0xc0 | Math.floor(r() * 4);
    } else out = Uint8Array.from([...out, ...Array.from({ length: Math.floor(r() * 20) }, () => Math.floor(r() * 256))]);
  }
  return out;
}

const OPTIONS = [
  { netbios: false, respNetbios: false, udp: true, skipAllAuth: false, skipAllAddl: false },
  { netbios: false, respNetbios: false, udp: false },
  { netbios: true, respNetbios: true, udp: true, skipAllAuth: false, skipAllAddl: false },
];

test("fuzz: random and mutated messages never throw out of the interpreter (events handled or not)", () => {
  const r = rng(0xd25);
  let weirds = 0;
  for (let i = 0; i < 20_000; i++) {
    const handled = i % 3 === 0 ? new Set<string>() : undefined;
    const host = recordingHost(handled);
    const interp = new DnsInterpreter(host, OPTIONS[i % OPTIONS.length]!);
    const msg = i % 5 === 0 ? Uint8Array.from({ length: Math.floor(r() * 80) }, () => Math.floor(r() * 256)) : mutate(wellFormed(r), r);
    assert.doesNotThrow(() => interp.parse(msg, Math.floor(r() * 3)), `message ${i}: ${Buffer.from(msg).toString("hex")}`);
    weirds += host.rec.weirds.length;
  }
  assert.ok(weirds > 1000, "the mutations reach the weird paths");
});

test("fuzz: random TCP streams cut anywhere never throw out of the stream analyzer", () => {
  const r = rng(0x7cb);
  for (let i = 0; i < 2000; i++) {
    const host = recordingHost();
    const analyzer = DNS.stream!(host as unknown as AnalyzerHost);
    const parts: Bytes = [];
    for (let m = 0; m < 3; m++) {
      const msg = mutate(wellFormed(r), r);
      const len = r() < 0.1 ? Math.floor(r() * 65536) : msg.length;
      parts.push(...u16(len), ...msg);
    }
    const stream = Uint8Array.from(parts);
    assert.doesNotThrow(() => {
      for (let at = 0; at < stream.length; ) {
        const n = 1 + Math.floor(r() * 40);
        analyzer.deliverStream(r() < 0.8, at + 1, stream.subarray(at, at + n));
        at += n;
      }
      analyzer.endOfData(true);
      analyzer.endOfData(false);
      analyzer.done();
    });
  }
});
