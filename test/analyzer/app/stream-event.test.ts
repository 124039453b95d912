/**
 * The STREAM_EVENT analyzer on self-made conversations: registered for a
 * port it raises stream_deliver per delivery and stream_undelivered per
 * content gap (relative sequence number, length); unregistered it never
 * runs; it adds no service.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { runTcp } from "./tcp-conv.js";

const WATCH = ["stream_deliver", "stream_undelivered"] as const;

test("STREAM_EVENT registered for the port: each delivery and each gap, per side, in order; no service", async () => {
  const r = await runTcp(
    [
      ["c", "hello\r\n"],
      ["s", "world"],
      ["gap-c", 10],
      ["c", "after the gap"],
    ],
    { sport: 7777, register: "ANALYZER_STREAM_EVENT", watch: [...WATCH] },
  );
  assert.deepEqual(r.events, [
    'stream_deliver c true "hello\\r\\n"',
    'stream_deliver c false "world"',
    "stream_undelivered c true 8 10",
    'stream_deliver c true "after the gap"',
  ]);
  const conn = r.log("conn")[0]!;
  assert.equal(conn[7], "-", "STREAM_EVENT never confirms: no service");
});

test("STREAM_EVENT unregistered (Zeek's default scripts): no stream events", async () => {
  const r = await runTcp([["c", "hello\r\n"]], { sport: 7777, watch: [...WATCH] });
  assert.deepEqual(r.events, []);
});
