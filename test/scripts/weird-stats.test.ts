/**
 * policy/misc/weird-stats (weird_stats.log): Zeek's btest replayed on
 * packets. Its script reports 1000 weirds at zeek_init, 2000 at 7.5 s and
 * 10 at 12.5 s with a 5 s interval; the baseline's rows count 1000, 2000
 * and 10. Every report counts, sampled out of weird.log or not.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Engine } from "../../src/engine.js";
import { loadBuiltinScripts } from "../../src/index.js";
import { memorySource } from "../helpers/packets.js";
import { udpPacket } from "../session/harness.js";

test("weird-stats: each interval's new reports per name, at the interval's end, as Zeek's btest counts them", async () => {
  const loads = ["misc/weird-stats"];
  const engine = new Engine({ loads, settings: ["WeirdStats::weird_stat_interval=5sec"] });
  const scripts = loadBuiltinScripts(engine, { memory: true, loads });
  const weirds = (n: number): void => {
    for (let i = 0; i < n; i++) engine.netWeird("my_weird");
  };
  engine.on("zeek_init", () => {
    weirds(1000);
    engine.scheduleEvent(107.5, () => weirds(2000));
    engine.scheduleEvent(112.5, () => weirds(10));
  });
  // A packet every half second from t=100 (the first epoch, due at zeek_init's time plus 5 s, ends there) to t=120.
  const packets = Array.from({ length: 41 }, (_, i) => udpPacket(100 + i / 2, "192.0.2.1", 5000, "192.0.2.2", 9, new Uint8Array(1)));
  await engine.run(memorySource(packets));
  const rows = scripts.logs
    .text("weird_stats")
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("#"));
  assert.deepEqual(rows, ["100.000000\tmy_weird\t1000", "110.000000\tmy_weird\t2000", "115.000000\tmy_weird\t10"]);
  // weird.log got the first 25 and then one in a thousand of each burst (Zeek's sampling), the statistics all of them.
  assert.ok(
    scripts.logs
      .text("weird")
      .split("\n")
      .filter((l) => l.includes("my_weird")).length < 100,
  );
});
