/**
 * EventMetadata::add_network_timestamp on packets made here: each event
 * carries the network time it was queued at (0.0 before the first packet),
 * a scheduled event the time it was scheduled for; without the setting
 * current_event_time() is -1 and the metadata empty.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Engine } from "../../src/engine.js";
import { memorySource } from "../helpers/packets.js";
import { udpPacket } from "../session/harness.js";

async function times(settings: string[]): Promise<Array<[string, number, number]>> {
  const engine = new Engine({ settings });
  const seen: Array<[string, number, number]> = [];
  const note = (what: string): void => void seen.push([what, engine.currentEventTime(), engine.currentEventMetadata().length]);
  engine.on("zeek_init", () => note("zeek_init"));
  engine.on("new_connection", () => {
    note("new_connection");
    engine.scheduleEvent(engine.clock.now + 5, () => note("scheduled"));
  });
  const packets = [100, 110].map((t) => udpPacket(t, "192.0.2.1", 5000, "192.0.2.2", 9, new Uint8Array(1)));
  await engine.run(memorySource(packets));
  return seen;
}

test("add_network_timestamp: zeek_init at 0.0, an event at its packet's time, a scheduled one at the time it was due", async () => {
  assert.deepEqual(await times(["EventMetadata::add_network_timestamp=T"]), [
    ["zeek_init", 0, 1],
    ["new_connection", 100, 1],
    ["scheduled", 105, 1],
  ]);
});

test("without add_network_timestamp: current_event_time() is -1, no metadata", async () => {
  assert.deepEqual(await times([]), [
    ["zeek_init", -1, 0],
    ["new_connection", -1, 0],
    ["scheduled", -1, 0],
  ]);
});
