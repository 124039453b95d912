/**
 * Reporter::limit_reached_weird (Engine.limitReachedWeird) on a UDP
 * exchange made here: the weird's addl is the observed number, or
 * "N > MAX" with a maximum; its source as given; and the connection's
 * history gets 'X' once, however many limits are reached.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Engine } from "../../src/engine.js";
import type { Connection } from "../../src/event/records.js";
import { loadBuiltinScripts } from "../../src/index.js";
import { memorySource } from "../helpers/packets.js";
import { udpPacket } from "../session/harness.js";

test("limit_reached_weird: 'N' or 'N > MAX' as addl, the source given, and X once in the history", async () => {
  const engine = new Engine({});
  const scripts = loadBuiltinScripts(engine, { memory: true });
  let history = "";
  engine.on("new_connection", (c: Connection) => {
    engine.limitReachedWeird("w1", c, 7);
    engine.limitReachedWeird("w2", c, 7, 5, "SRC");
  });
  engine.on("connection_state_remove", (c) => void (history = c.history));
  const packets = [udpPacket(1, "192.0.2.1", 5000, "192.0.2.2", 9, new Uint8Array(1)), udpPacket(2, "192.0.2.2", 9, "192.0.2.1", 5000, new Uint8Array(1))];
  await engine.run(memorySource(packets));
  const rows = scripts.logs
    .text("weird")
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => l.split("\t").slice(6, 11));
  assert.deepEqual(rows, [
    ["w1", "7", "F", "zeek", "-"],
    ["w2", "7 > 5", "F", "zeek", "SRC"],
  ]);
  assert.equal(history, "DXd");
});
