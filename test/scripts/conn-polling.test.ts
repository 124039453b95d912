/**
 * ConnPolling::watch (src/scripts/conn-polling.ts) on self-made traffic:
 * polls at the intervals the callback returns, counted up from the start
 * count, each run in the drain after the packet that brings network time to
 * it; a negative interval ends the polling, and a connection gone before
 * its poll is polled no more.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Engine } from "../../src/engine.js";
import { loadBuiltinScripts, watchConnection } from "../../src/index.js";
import { memorySource } from "../helpers/packets.js";
import { udpPacket } from "../session/harness.js";

/** One datagram a time from 10.0.0.1:5000 to 10.0.0.2:53 at each of `times`. */
const datagrams = (times: readonly number[], sport = 5000) => times.map((t) => udpPacket(t, "10.0.0.1", sport, "10.0.0.2", 53, "x"));

test("ConnPolling::watch: each poll runs once network time reaches it, with the count one up; a negative interval stops it", async () => {
  const engine = new Engine();
  loadBuiltinScripts(engine, { memory: true });
  const polls: string[] = [];
  engine.on("new_connection", (c) =>
    watchConnection(
      engine,
      c,
      (live, count) => {
        polls.push(`${engine.clock.now} ${count} ${live.orig.num_pkts}`);
        return count >= 7 ? -1 : 0.5;
      },
      5,
      1,
    ),
  );
  await engine.run(memorySource(datagrams([10, 10.4, 11.2, 11.3, 11.9, 12.5, 14])));
  // Due at 11 (seen at 11.2), 11.7 (at 11.9), 12.4 (at 12.5); the third returns -1.
  assert.deepEqual(polls, ["11.2 5 3", "11.9 6 5", "12.5 7 6"]);
});

test("ConnPolling::watch: a connection removed before its poll is not polled again", async () => {
  const engine = new Engine({ settings: ["udp_inactivity_timeout=2 secs"] });
  loadBuiltinScripts(engine, { memory: true });
  const polls: number[] = [];
  let removed = Number.NaN;
  engine.on("connection_state_remove", (c) => {
    if (c.id.orig_p === 5000) removed = engine.clock.now;
  });
  engine.on("new_connection", (c) => {
    const poll = (): number => {
      polls.push(engine.clock.now);
      return 1;
    };
    if (c.id.orig_p === 5000) watchConnection(engine, c, poll, 0, 1);
  });
  // The first flow goes quiet at 10; another flow's datagrams move network time on past its timeout.
  await engine.run(memorySource([...datagrams([10]), ...datagrams([11, 12, 13, 14, 15, 16], 6000)]));
  assert.ok(removed > 10, "the quiet flow timed out");
  assert.ok(polls.length > 0 && polls.every((t) => t < removed), `polls ${polls} all before the removal at ${removed}`);
});
