/**
 * The weird event is sampled as Zeek's reporter samples it (Reporter::PermitWeird
 * and its net/flow variants, Weird::sampling_threshold 25, sampling_rate 1000,
 * sampling_duration 10 min): per connection / address pair / name, the first 25
 * reports are raised, then one in 1000; the counting starts again after the
 * duration. Every report is still counted by name.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Engine } from "../../src/engine.js";
import { EventBus } from "../../src/event/bus.js";
import type { Connection } from "../../src/event/records.js";
import { WeirdCounts, type WeirdSubject, Weirds } from "../../src/event/weirds.js";

function setup(): { bus: EventBus; weirds: Weirds; clock: { now: number }; raised: string[]; subject: (uid: string) => WeirdSubject & { built: number } } {
  const bus = new EventBus();
  const clock = { now: 1000 };
  const raised: string[] = [];
  bus.on("weird", (w) => raised.push(`${w.name}/${w.conn?.uid ?? w.src ?? "-"}`));
  const weirds = new Weirds(bus, clock);
  const subject = (uid: string): WeirdSubject & { built: number } => {
    const counts = new WeirdCounts();
    const s = {
      built: 0,
      drawUid: () => {},
      weirdCounts: () => counts,
      val: () => {
        s.built++;
        return { uid } as Connection;
      },
    };
    return s;
  };
  return { bus, weirds, clock, raised, subject };
}

test("connection weirds: 25 raised, then 1 in 1000, per connection and name; all counted", () => {
  const { bus, weirds, raised, subject } = setup();
  const a = subject("CA");
  const b = subject("CB");
  // 3025 reports: 25 + the 1000th, 2000th and 3000th past the threshold.
  for (let i = 0; i < 3025; i++) weirds.conn("bad_TCP_checksum", a);
  bus.drain();
  assert.equal(raised.length, 28);
  assert.equal(a.built, 28, "the connection record is built only for raised events");
  // Another name and another connection have their own counts.
  weirds.conn("bad_UDP_checksum", a);
  weirds.conn("bad_TCP_checksum", b);
  bus.drain();
  assert.deepEqual(raised.slice(-2), ["bad_UDP_checksum/CA", "bad_TCP_checksum/CB"]);
  assert.equal(weirds.counts.get("bad_TCP_checksum"), 3026);
  assert.equal(weirds.sampledOut, 3025 - 28);
});

test("connection weirds: counting starts again once the sampling period (from the 26th report) is over", () => {
  const { bus, weirds, clock, raised, subject } = setup();
  const a = subject("CA");
  for (let i = 0; i < 30; i++) weirds.conn("x", a); // 25 raised; the 26th starts the period at t=1000
  bus.drain();
  assert.equal(raised.length, 25);
  clock.now = 1000 + 600; // not yet past the period
  weirds.conn("x", a);
  bus.drain();
  assert.equal(raised.length, 25);
  clock.now = 1000 + 600.5;
  for (let i = 0; i < 30; i++) weirds.conn("x", a); // raised (count reset to 1), then 24 more
  bus.drain();
  assert.equal(raised.length, 50);
});

test("flow weirds count per address pair; net weirds per name; both reset after the duration", () => {
  const { bus, weirds, clock, raised } = setup();
  for (let i = 0; i < 40; i++) weirds.flow("truncated_header", "10.0.0.1", "10.0.0.2");
  for (let i = 0; i < 40; i++) weirds.flow("truncated_header", "10.0.0.1", "10.0.0.3");
  for (let i = 0; i < 40; i++) weirds.net("truncated_link_header");
  bus.drain();
  assert.equal(raised.length, 75);
  clock.now += 600; // the pair's and the name's timers (first report + 600 s) have fired
  weirds.flow("truncated_header", "10.0.0.1", "10.0.0.2");
  weirds.net("truncated_link_header");
  bus.drain();
  assert.equal(raised.length, 77);
});

test("whitelisted names are never sampled; global-list names are counted once for all connections", () => {
  const bus = new EventBus();
  const raised: string[] = [];
  bus.on("weird", (w) => raised.push(w.name));
  const weirds = new Weirds(bus, { now: 0 }, { whitelist: new Set(["w"]), globalList: new Set(["g"]) });
  const subject = (): WeirdSubject => {
    const counts = new WeirdCounts();
    return { weirdCounts: () => counts, val: () => ({ uid: "C" }) as Connection, drawUid: () => {} };
  };
  for (let i = 0; i < 100; i++) weirds.conn("w", subject());
  for (let i = 0; i < 100; i++) weirds.conn("g", subject());
  bus.drain();
  assert.equal(raised.filter((n) => n === "w").length, 100);
  assert.equal(raised.filter((n) => n === "g").length, 25);
});

test("Zeek's conn_weird, flow_weird and net_weird come with each raised weird, sampled alike, right after it", () => {
  const { bus, weirds, subject } = setup();
  const order: string[] = [];
  bus.on("weird", (w) => order.push(`weird ${w.name}`));
  bus.on("conn_weird", (name, c, addl, source) => order.push(`conn_weird ${name} ${c.uid} ${addl} ${source}`));
  bus.on("flow_weird", (name, src, dst, addl, source) => order.push(`flow_weird ${name} ${src} ${dst} ${addl} ${source}`));
  bus.on("net_weird", (name, addl, source) => order.push(`net_weird ${name} ${addl} ${source}`));
  const a = subject("CA");
  for (let i = 0; i < 30; i++) weirds.conn("bad_TCP_checksum", a, "", "TCP");
  weirds.flow("bad_IP_checksum", "10.0.0.1", "10.0.0.2", "", "IP");
  weirds.net("truncated_link_header", "x", "LINK");
  bus.drain();
  // 25 of the connection's 30 reports, each a weird then a conn_weird.
  assert.equal(order.filter((e) => e.startsWith("conn_weird")).length, 25);
  assert.deepEqual(order.slice(0, 2), ["weird bad_TCP_checksum", "conn_weird bad_TCP_checksum CA  TCP"]);
  assert.deepEqual(order.slice(-4), [
    "weird bad_IP_checksum",
    "flow_weird bad_IP_checksum 10.0.0.1 10.0.0.2  IP",
    "weird truncated_link_header",
    "net_weird truncated_link_header x LINK",
  ]);
});

test("the engine takes Weird::sampling_* from its settings (redefs, a set constructor among them)", () => {
  const settings = [
    "Weird::sampling_threshold=2",
    "Weird::sampling_rate=0",
    "Weird::sampling_duration=5sec",
    'Weird::sampling_whitelist=set("w1", "w2")',
    'Weird::sampling_global_list={"g"}',
  ];
  const engine = new Engine({ settings });
  const raised: string[] = [];
  engine.on("net_weird", (name) => void raised.push(name));
  for (let i = 0; i < 4; i++) for (const name of ["n", "w2"]) engine.netWeird(name);
  engine.bus.drain();
  assert.deepEqual(raised, ["n", "w2", "n", "w2", "w2", "w2"]);
  assert.deepEqual(
    { ...engine.weirds.sampling, whitelist: [...engine.weirds.sampling.whitelist], globalList: [...engine.weirds.sampling.globalList] },
    {
      threshold: 2,
      rate: 0,
      duration: 5,
      whitelist: ["w1", "w2"],
      globalList: ["g"],
    },
  );
});
