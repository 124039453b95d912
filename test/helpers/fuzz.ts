/**
 * The common check of the fuzz tests: run packets through an engine, with a
 * no-op handler on every event when asked (so the argument-building paths run
 * too), and assert that nothing threw, not even in a handler, and that every
 * connection was removed exactly once.
 */
import assert from "node:assert/strict";
import type { Engine } from "../../src/engine.js";
import { EVENT_NAMES } from "../../src/event/events.js";
import { memorySource, type TestPacket } from "./packets.js";

/** Runs `packets`; returns how many connections were created. */
export async function runChecked(engine: Engine, packets: TestPacket[], handleEveryEvent: boolean): Promise<number> {
  const errors: string[] = [];
  (engine.bus as unknown as { reportError: (e: string, err: unknown) => void }).reportError = (e, err) => errors.push(`${e}: ${String(err)}`);
  if (handleEveryEvent) for (const name of EVENT_NAMES) engine.on(name, (() => {}) as never);
  let created = 0;
  const removed = new Set<string>();
  engine.on("new_connection", () => void created++);
  engine.on("connection_state_remove", (c) => {
    assert.ok(!removed.has(c.uid), `removed twice: ${c.uid}`);
    removed.add(c.uid);
  });
  await engine.run(memorySource(packets));
  assert.deepEqual(errors, []);
  assert.equal(removed.size, created);
  assert.equal(engine.sessions.connectionCount, 0);
  return created;
}
