/**
 * Memory must not grow with the trace: 300 MB streamed through a Node
 * Readable (the path standard input takes), in 8 KB pieces as a pipe
 * delivers them, keeps RSS within a fixed budget and leaves nothing behind
 * per piece on the heap.
 */

import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { test } from "node:test";
import { gc } from "../../bench/heap.js";
import { openTraceStream } from "../../src/source/open.js";
import { concatBytes, payload, pcapFile } from "./trace-builder.js";

const TOTAL_BYTES = 300e6;
const BUDGET_BYTES = 64 << 20;
const RECORDS_PER_PIECE = 25;
/** Heap left after a full GC may not grow by more than this between a quarter of the way and the end. */
const HEAP_SLACK_BYTES = 2 << 20;

const RECORD_DATA = 300;

test("streaming 300 MB keeps memory bounded (< 64 MB growth)", { timeout: 60_000 }, async () => {
  const header = pcapFile({}, []);
  const piece = pcapFile(
    {},
    Array.from({ length: RECORDS_PER_PIECE }, (_, i) => ({ sec: 1_700_000_000, sub: i, data: payload(i, RECORD_DATA) })),
  ).subarray(header.length);
  const pieces = Math.ceil(TOTAL_BYTES / piece.length);
  function* chunks(): Generator<Buffer> {
    yield Buffer.from(concatBytes(header, piece));
    // Every piece has the same bytes, so one Buffer serves them all: the RSS measured is the
    // reader's, not the garbage of a test generator (the heap check covers retention).
    const same = Buffer.from(piece);
    for (let i = 1; i < pieces; i++) yield same;
  }
  gc();
  const before = process.memoryUsage().rss;
  let heapAtQuarter = 0;
  let peak = before;
  let packets = 0;
  let checksum = 0;
  const source = await openTraceStream(Readable.from(chunks()), "big");
  const summary = await source.run((p) => {
    packets++;
    checksum += p.data[p.offset + 5];
    if ((packets & 0xffff) === 0) peak = Math.max(peak, process.memoryUsage().rss);
    if (packets === Math.floor((pieces * RECORDS_PER_PIECE) / 4)) {
      gc();
      heapAtQuarter = process.memoryUsage().heapUsed;
    }
  });
  gc();
  const heapGrowth = process.memoryUsage().heapUsed - heapAtQuarter;
  peak = Math.max(peak, process.memoryUsage().rss);
  assert.deepEqual(summary, { packets: pieces * RECORDS_PER_PIECE, truncated: null });
  let want = 0;
  for (let i = 0; i < RECORDS_PER_PIECE; i++) want += payload(i, RECORD_DATA)[5];
  assert.equal(checksum, want * pieces, "every packet's bytes were read where they belong");
  assert.ok(heapGrowth < HEAP_SLACK_BYTES, `heap grew by ${(heapGrowth / 1e6).toFixed(2)} MB over ${pieces} pieces`);
  assert.ok(
    peak - before < BUDGET_BYTES,
    `RSS grew by ${((peak - before) / 1e6).toFixed(1)} MB while reading ${((pieces * piece.length) / 1e6).toFixed(0)} MB`,
  );
});
