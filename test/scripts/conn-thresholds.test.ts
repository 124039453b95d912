/**
 * ConnThreshold (src/scripts/conn-thresholds.ts) on self-made datagrams of
 * 29 IP bytes each: several thresholds of a kind fire in order, each once,
 * as ConnThreshold::*_threshold_crossed; a deleted one does not, nor does a
 * connection whose thresholds were all deleted; 0 is refused.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Engine } from "../../src/engine.js";
import type { Connection } from "../../src/event/records.js";
import { type ConnThresholds, connThresholds, loadBuiltinScripts } from "../../src/index.js";
import type { ThresholdKind } from "../../src/session/connection.js";
import { memorySource } from "../helpers/packets.js";
import { udpPacket } from "../session/harness.js";

const TIMES = [10, 10.2, 10.4, 10.8, 11, 11.2];

/** The datagrams through an engine whose new_connection handler calls `setup`; the script's events, as "kind threshold side @ time". */
async function run(setup: (c: Connection, t: ConnThresholds) => void): Promise<string[]> {
  const engine = new Engine();
  loadBuiltinScripts(engine, { memory: true });
  const thresholds = connThresholds(engine);
  const seen: string[] = [];
  engine.on("new_connection", (c) => setup(c, thresholds));
  for (const kind of ["bytes", "packets", "duration"] as const satisfies readonly ThresholdKind[])
    engine.on(
      `ConnThreshold::${kind}_threshold_crossed`,
      (_c, threshold, isOrig) => void seen.push(`${kind} ${threshold} ${isOrig ? "orig" : "resp"} @ ${engine.clock.now}`),
    );
  await engine.run(memorySource(TIMES.map((t) => udpPacket(t, "10.0.0.1", 5000, "10.0.0.2", 53, "x"))));
  return seen;
}

test("ConnThreshold: each byte, packet and duration threshold fires once, smallest first; a deleted one never", async () => {
  const seen = await run((c, t) => {
    assert.equal(t.set(c, "bytes", 100, true), true);
    assert.equal(t.set(c, "bytes", 50, true), true);
    assert.equal(t.set(c, "packets", 4, true), true);
    assert.equal(t.set(c, "packets", 2, true), true);
    assert.equal(t.set(c, "packets", 3, true), true);
    assert.equal(t.delete(c, "packets", 3, true), true);
    assert.equal(t.delete(c, "packets", 5, true), false, "never set");
    assert.equal(t.set(c, "duration", 1.5), true);
    assert.equal(t.set(c, "duration", 0.5), true);
    assert.equal(t.delete(c, "duration", 1.5), true);
    assert.equal(t.set(c, "bytes", 0, true), false, "0 is no threshold");
  });
  // 29 IP bytes a datagram: 58 at the second, 116 at the fourth; the duration passes 0.5 s at 10.8.
  assert.deepEqual(seen, ["bytes 50 orig @ 10.2", "packets 2 orig @ 10.2", "bytes 100 orig @ 10.8", "packets 4 orig @ 10.8", "duration 0.5 orig @ 10.8"]);
});

test("ConnThreshold: thresholds all deleted leave the engine watching nothing: no event", async () => {
  const seen = await run((c, t) => {
    t.set(c, "bytes", 30, true);
    t.set(c, "bytes", 60, true);
    t.delete(c, "bytes", 30, true);
    t.delete(c, "bytes", 60, true);
    t.set(c, "packets", 2, false);
    t.delete(c, "packets", 2, false);
  });
  assert.deepEqual(seen, []);
});
