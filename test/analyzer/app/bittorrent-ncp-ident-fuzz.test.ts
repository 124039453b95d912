/**
 * Fuzz: random bytes, streams made of each protocol's tokens and floods fed
 * straight to the BITTORRENT, BITTORRENTTRACKER, NCP and IDENT analyzers
 * (a stub host, events handled or not, random cuts): nothing throws, and
 * memory stays bounded under floods that claim huge lengths or never end a
 * line (each analyzer keeps at most its own bound: a BitTorrent message's
 * kept bytes, 2,047 tracker bytes a side, NCP::max_frame_size, 1,000-byte
 * Ident lines).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { AnalyzerComponent, StreamAnalyzer } from "../../../src/analyzer/app/analyzer.js";
import { BITTORRENT } from "../../../src/analyzer/app/bittorrent/bittorrent.js";
import { BITTORRENTTRACKER } from "../../../src/analyzer/app/bittorrent/tracker.js";
import { IDENT } from "../../../src/analyzer/app/ident/ident.js";
import { NCP } from "../../../src/analyzer/app/ncp/ncp.js";
import { rng } from "../../helpers/rng.js";
import { type StubRecord, stubHost } from "./udp-app-helpers.js";

/** What the analyzers reported, summed (the stub host's records are emptied as they come, so floods keep nothing). */
interface Counts {
  reports: number;
}

function drain(rec: StubRecord, counts: Counts): void {
  counts.reports += rec.events.length + rec.weirds.length + rec.violations.length;
  rec.events.length = 0;
  rec.weirds.length = 0;
  rec.violations.length = 0;
}

const COMPONENTS: readonly AnalyzerComponent[] = [BITTORRENT, BITTORRENTTRACKER, NCP, IDENT];

const be32 = (v: number): number[] => [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
const text = (s: string): number[] => [...Buffer.from(s, "latin1")];

/** Pieces each protocol is made of: streams of them reach deeper than random bytes. */
const TOKENS: readonly (readonly number[])[] = [
  [19, ...text("BitTorrent protocol"), ...new Array<number>(48).fill(0)],
  be32(0),
  [...be32(5), 4, ...be32(1)],
  [...be32(13), 6, ...be32(1), ...be32(0), ...be32(16384)],
  [...be32(0x40001)],
  text("GET /announce?info_hash=x HTTP/1.1\r\n"),
  text("Connection: keep-alive\r\n\r\n"),
  text("HTTP/1.0 200 OK\r\n\r\n"),
  text("d5:peers6:abcdef8:intervali10eli1ee"),
  text("d1:ad1:bl0:eee"),
  [...text("DmdT"), ...be32(23), ...be32(1), ...be32(1), 0x22, 0x22, 0, 0, 0, 0, 0x57],
  [...text("tNcP"), ...be32(16), 0x33, 0x33, 0, 0, 0, 0, 0, 0],
  [...text("DmdT"), ...be32(0xfffffff0)],
  text("6193, 23\r\n"),
  text("6193, 23 : USERID : UNIX : joe\r\n"),
  text("1,2:ERROR:NO-USER\r\n"),
  text("99999999,1\r\n"),
  [0],
  [13],
  [10],
];

/** A stream of tokens (some bytes changed) or of random bytes. */
function stream(r: () => number): Uint8Array {
  if (r() < 0.3) return Uint8Array.from({ length: Math.floor(r() * 600) }, () => Math.floor(r() * 256));
  const parts: number[] = [];
  for (let k = Math.floor(r() * 12); k >= 0; k--) parts.push(...TOKENS[Math.floor(r() * TOKENS.length)]!);
  const out = Uint8Array.from(parts);
  for (let k = Math.floor(r() * 3); k > 0 && out.length > 0; k--) out[Math.floor(r() * out.length)] = Math.floor(r() * 256);
  return out;
}

/** Feeds `data` to one side in random cuts. */
function feed(a: StreamAnalyzer, isOrig: boolean, data: Uint8Array, r: () => number): void {
  for (let at = 0; at < data.length; ) {
    const n = 1 + Math.floor(r() * 64);
    a.deliverStream(isOrig, at + 1, data.subarray(at, at + n));
    at += n;
  }
}

test("fuzz: token streams and random bytes never throw out of BitTorrent, the tracker, NCP or Ident", () => {
  const r = rng(1413);
  for (const component of COMPONENTS) {
    const counts: Counts = { reports: 0 };
    for (let i = 0; i < 300; i++) {
      const { host, rec } = stubHost(i % 2 === 0, [40000, 524]);
      const a = component.stream!(host);
      feed(a, true, stream(r), r);
      feed(a, false, stream(r), r);
      if (r() < 0.2) a.undelivered(r() < 0.5, 1, 10);
      feed(a, r() < 0.5, stream(r), r);
      a.endOfData(true);
      a.endOfData(false);
      a.done();
      drain(rec, counts);
    }
    assert.ok(counts.reports > 0, component.name);
  }
});

/** MiB of flood per analyzer. */
const FLOOD = 32;

/** Each analyzer's flood: what would grow an unbounded buffer (a huge message, a line never ended, a huge frame). */
function flood(name: string): { first: Uint8Array; chunk: Uint8Array } {
  const chunk = new Uint8Array(64 * 1024).fill(0x41);
  switch (name) {
    case "BITTORRENT":
      // A handshake, then a piece of 0x40000 bytes after another: only their first bytes are kept.
      return { first: Uint8Array.from([19, ...text("BitTorrent protocol"), ...new Array<number>(48).fill(0)]), chunk: pieces() };
    case "BITTORRENTTRACKER":
      return { first: Uint8Array.from(text("GET /")), chunk };
    case "NCP":
      return { first: Uint8Array.from([...text("DmdT"), ...be32(0x7fffffff), ...new Array<number>(14).fill(0)]), chunk };
    default:
      return { first: new Uint8Array(0), chunk };
  }
}

/** One maximal piece message (0x40000 bytes after its length), fed again and again. */
function pieces(): Uint8Array {
  const out = new Uint8Array(4 + 0x40000);
  out.set([...be32(0x40000), 7, ...be32(1), ...be32(0)], 0);
  return out;
}

test("memory stays bounded under floods: huge lengths and endless lines keep no more than each analyzer's bound", () => {
  for (const component of COMPONENTS) {
    const counts: Counts = { reports: 0 };
    const { host, rec } = stubHost(true, [40000, 524]);
    const a = component.stream!(host);
    const { first, chunk } = flood(component.name);
    a.deliverStream(true, 1, first);
    const before = process.memoryUsage().heapUsed;
    let peak = before;
    for (let fed = 0; fed < FLOOD * 1024 * 1024; fed += chunk.length) {
      for (let at = 0; at < chunk.length; at += 65536) a.deliverStream(true, 1, chunk.subarray(at, at + 65536));
      drain(rec, counts);
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    }
    a.done();
    // 32 MiB went in; a few MiB of garbage between collections is all that may show.
    if (component.name === "BITTORRENT")
      assert.equal(counts.reports, Math.ceil((FLOOD * 1024 * 1024) / chunk.length) + 1, "the handshake and every piece raised");
    assert.ok(peak - before < 16 * 1024 * 1024, `${component.name}: heap grew by ${((peak - before) / 1048576).toFixed(1)} MiB`);
  }
});
