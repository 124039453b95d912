import assert from "node:assert/strict";
import { test } from "node:test";
import type { EventName } from "../../../src/event/events.js";
import { calculationOrder, type Result, SumStats, type SumStatsKey } from "../../../src/scripts/sumstats/sumstats.js";
import { ZeekRandom } from "../../../src/scripts/zeek-random.js";

/**
 * A host with a settable clock: `schedule` statements' events that run when
 * `advance` reaches them, events queued now that run after them (the
 * drain), and net_done / zeek_done handlers; `finish` ends the run as the
 * engine does (net_done, pending scheduled events, zeek_done).
 */
function fakeHost() {
  const clock = { now: 0 };
  const timers: { at: number; fn: (now: number) => void }[] = [];
  const queue: ((now: number) => void)[] = [];
  const handlers = new Map<string, (() => void)[]>();
  let finished = false;
  const drain = (): void => {
    while (queue.length > 0) queue.shift()!(clock.now);
  };
  return {
    clock,
    scheduleEvent: (at: number, fn: (now: number) => void) => void (finished || timers.push({ at, fn })),
    queueEvent: (fn: (now: number) => void) => void queue.push(fn),
    on: (name: EventName, handler: () => void) => void handlers.set(name, [...(handlers.get(name) ?? []), handler]),
    advance(t: number): void {
      clock.now = t;
      for (const timer of timers.splice(0).sort((a, b) => a.at - b.at)) {
        if (timer.at <= t) queue.push(timer.fn);
        else timers.push(timer);
      }
      drain();
    },
    finish(): void {
      for (const h of handlers.get("net_done") ?? []) h();
      finished = true;
      for (const timer of timers.splice(0).sort((a, b) => a.at - b.at)) queue.push(timer.fn);
      drain();
      for (const h of handlers.get("zeek_done") ?? []) h();
    },
  };
}

test("a threshold crosses once per key, with SUM, UNIQUE (capped one past uniqueMax) and the span of the observations", () => {
  const host = fakeHost();
  const stats = new SumStats(host as never, new ZeekRandom([1, ...new Array(20).fill(0)]));
  const crossed: string[] = [];
  stats.create({
    name: "t",
    epoch: 0,
    reducers: [{ stream: "s", apply: ["SUM", "UNIQUE"], uniqueMax: 1 }],
    thresholdVal: (_k, r) => r.get("s")!.sum,
    threshold: 3,
    thresholdCrossed: (k: SumStatsKey, r: Result) => {
      const v = r.get("s")!;
      crossed.push(`${k.host} sum=${v.sum} num=${v.num} unique=${v.unique} span=${v.end - v.begin}`);
    },
  });
  host.advance(10);
  for (const [t, server] of [
    [10, "a"],
    [11, "b"],
    [12, "c"],
    [13, "d"],
  ] as const) {
    host.clock.now = t;
    stats.observe("s", { host: "10.0.0.1" }, { str: server });
  }
  stats.observe("s", { host: "10.0.0.2" }, { num: 5 });
  // Three strings count 1 each; the unique values stop one past uniqueMax (Zeek's `<=`); a number counts its value.
  assert.deepEqual(crossed, ["10.0.0.1 sum=3 num=3 unique=2 span=2", "10.0.0.2 sum=5 num=1 unique=1 span=0"]);
});

test("a threshold series crosses at each of its values; epochs hand every key's result over and start again", () => {
  const host = fakeHost();
  const stats = new SumStats(host as never, new ZeekRandom());
  const events: string[] = [];
  stats.create({
    name: "t",
    epoch: 60,
    reducers: [{ stream: "s", apply: ["SUM", "MIN", "MAX", "AVERAGE"] }],
    thresholdVal: (_k, r) => r.get("s")!.sum,
    thresholdSeries: [2, 4],
    thresholdCrossed: (_k, r) => events.push(`crossed ${r.get("s")!.sum}`),
    epochResult: (ts, k, r) => {
      const v = r.get("s")!;
      events.push(`epoch ${ts} ${k.str} min=${v.min} max=${v.max} avg=${v.average}`);
    },
    epochFinished: (ts) => events.push(`finished ${ts}`),
  });
  // Created at network time 0: the first epoch ends at the first packet, here at 100.
  host.advance(100);
  for (const n of [1, 2, 3]) stats.observe("s", { str: "k" }, { num: n });
  host.advance(159);
  host.advance(160);
  stats.observe("s", { str: "k" }, { num: 7 });
  host.finish();
  assert.deepEqual(events, [
    "finished 100",
    "crossed 3",
    "crossed 6",
    "epoch 160 k min=1 max=3 avg=2",
    "finished 160",
    // The new epoch's thresholds start again; one crossing per observation, at the series' next value.
    "crossed 7",
    "epoch 160 k min=7 max=7 avg=7",
    "finished 160",
  ]);
});

test("without an epoch result a SumStat is never reset, and a crossed key is no longer counted", () => {
  const host = fakeHost();
  const stats = new SumStats(host as never, new ZeekRandom());
  let crossings = 0;
  let lastNum = 0;
  stats.create({
    name: "t",
    epoch: 10,
    reducers: [{ stream: "s", apply: ["SUM"] }],
    thresholdVal: (_k, r) => {
      lastNum = r.get("s")!.num;
      return r.get("s")!.sum;
    },
    threshold: 2,
    thresholdCrossed: () => crossings++,
  });
  for (let t = 1; t < 100; t += 5) {
    host.advance(t);
    stats.observe("s", { host: "h" }, {});
  }
  assert.equal(crossings, 1);
  assert.equal(lastNum, 2);
});

test("SAMPLE keeps the first samples, then replaces one with Zeek's rand", () => {
  const host = fakeHost();
  const seed = [42, ...new Array(20).fill(0)];
  const stats = new SumStats(host as never, new ZeekRandom(seed));
  let samples: (string | undefined)[] = [];
  stats.create({
    name: "t",
    epoch: 0,
    reducers: [{ stream: "s", apply: ["SAMPLE"], numSamples: 2 }],
    thresholdVal: (_k, r) => r.get("s")!.num,
    threshold: 6,
    thresholdCrossed: (_k, r) => void (samples = r.get("s")!.samples.map((o) => o.str)),
  });
  for (const s of ["a", "b", "c", "d", "e", "f"]) stats.observe("s", { host: "h" }, { str: s });
  // The same draws, made directly: observation i (from 3) replaces slot rand(i) when it is below 2.
  const random = new ZeekRandom(seed);
  const expected = ["a", "b"];
  ["c", "d", "e", "f"].forEach((s, i) => {
    const at = random.rand(i + 3);
    if (at < 2) expected[at] = s;
  });
  assert.deepEqual(samples, expected);
});

test("epoch results go out 50 keys at a time, the next 50 a 0.01 s later; epochFinished after the last; the run's end hands out all at once", async () => {
  const host = fakeHost();
  const stats = new SumStats(host as never, new ZeekRandom());
  const seen: string[] = [];
  stats.create({
    name: "t",
    epoch: 60,
    reducers: [{ stream: "s", apply: ["SUM"] }],
    epochResult: (ts, k) => seen.push(`${ts} ${k.str}`),
    epochFinished: (ts) => seen.push(`finished ${ts}`),
  });
  host.advance(100); // the first epoch (scheduled at time 0 for 60) ends at the first packet: no key yet
  assert.deepEqual(seen.splice(0), ["finished 100"]);
  for (let i = 0; i < 120; i++) stats.observe("s", { str: `k${i}` }, { num: 1 });
  host.advance(160);
  assert.equal(seen.length, 50);
  assert.equal(seen[0], "160 k0");
  host.advance(160.005);
  assert.equal(seen.length, 50);
  host.advance(160.02);
  assert.equal(seen.length, 100);
  host.advance(160.04);
  assert.deepEqual(seen.slice(98), ["160 k98", "160 k99", ...Array.from({ length: 20 }, (_, i) => `160 k${100 + i}`), "finished 160"]);
  // At the end: the pending next epoch does nothing; zeek_done hands out everything, at once.
  seen.length = 0;
  for (let i = 0; i < 60; i++) stats.observe("s", { str: `e${i}` }, { num: 1 });
  host.finish();
  assert.equal(seen.length, 61);
  assert.equal(seen.at(-1), "finished 160.04");
});

test("VARIANCE and STD_DEV run after what they need, asked for or not (Zeek's plugin dependencies)", () => {
  assert.deepEqual(calculationOrder(["STD_DEV"]), ["AVERAGE", "VARIANCE", "STD_DEV"]);
  assert.deepEqual(calculationOrder(["SUM", "VARIANCE", "AVERAGE", "MAX"]), ["SUM", "AVERAGE", "VARIANCE", "MAX"]);
  assert.deepEqual(calculationOrder(["MIN", "UNIQUE"]), ["MIN", "UNIQUE"]);
});

test("Zeek's btest sumstats/basic without HLL_UNIQUE: sum, variance, average, max, min, std_dev and unique per host", () => {
  const host = fakeHost();
  const stats = new SumStats(host as never, new ZeekRandom([1, ...new Array(20).fill(0)]));
  const printed: string[] = [];
  const f = (v: number | undefined): string => (v ?? Number.NaN).toFixed(1);
  stats.create({
    name: "test",
    epoch: 3,
    reducers: [{ stream: "test.metric", apply: ["SUM", "VARIANCE", "AVERAGE", "MAX", "MIN", "STD_DEV", "UNIQUE"] }],
    epochResult: (_ts, key, result) => {
      const r = result.get("test.metric")!;
      printed.push(
        `Host: ${key.host} - num:${r.num} - sum:${f(r.sum)} - var:${f(r.variance)} - avg:${f(r.average)} - max:${f(r.max)} - min:${f(r.min)} - std_dev:${f(r.stdDev)} - unique:${r.unique}`,
      );
    },
  });
  for (const n of [5, 22, 94, 50, 50]) stats.observe("test.metric", { host: "1.2.3.4" }, { num: n });
  stats.observe("test.metric", { host: "6.5.4.3" }, { num: 2 });
  stats.observe("test.metric", { host: "7.2.1.5" }, { num: 1 });
  host.finish();
  // Zeek's baseline (standalone/.stdout), less its hllunique column.
  assert.deepEqual(printed, [
    "Host: 1.2.3.4 - num:5 - sum:221.0 - var:1144.2 - avg:44.2 - max:94.0 - min:5.0 - std_dev:33.8 - unique:4",
    "Host: 6.5.4.3 - num:1 - sum:2.0 - var:0.0 - avg:2.0 - max:2.0 - min:2.0 - std_dev:0.0 - unique:1",
    "Host: 7.2.1.5 - num:1 - sum:1.0 - var:0.0 - avg:1.0 - max:1.0 - min:1.0 - std_dev:0.0 - unique:1",
  ]);
});
