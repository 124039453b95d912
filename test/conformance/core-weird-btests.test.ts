/**
 * Zeek's core btests of the reporter's weird sampling (core/reporter-weird-
 * sampling, -global, -disable: Weird::sampling_threshold, _rate, _duration,
 * _whitelist and _global_list as redefs), replayed with
 * test/helpers/btest-replay: each btest's commands are read from Zeek's
 * source at test time, and its script has a TypeScript twin: its
 * Reporter::net_weird, flow_weird and conn_weird calls are the engine's
 * netWeird, flowWeird and connWeird (where the sampling is), its `event`
 * and `schedule` statements the engine's queueEvent and scheduleEvent, and
 * its handlers print as Zeek's `print` does. What it prints is compared with
 * Zeek's baseline. Zeek's source and the corpus traces are the oracles:
 * without them the tests skip, saying so. core/x509-generalizedtime (an
 * X.509 certificate's validity written as GeneralizedTime) is here too: its
 * twin prints the times as fmt's %T and as times.
 *
 * Replayed elsewhere: analyzer-core-btests (core/analyzer-confirmation-
 * violation-info, -info-ftp, max-analyzer-violations), conn-size-btests
 * (core/conn-generic-packet-threshold), tunnel-event-btests
 * (core/expired-conn-weird).
 *
 * core/conn-stats is here too: at zeek_init it prints the trace's name
 * (packet_source()$path, Engine.packetSource), at net_done get_conn_stats()
 * whole (Engine.connStats, printed by Zeek's ConnStats field order).
 */
import { test } from "node:test";
import type { Engine } from "../../src/engine.js";
import type { Connection } from "../../src/event/records.js";
import { coreBtestCase, type Twin } from "../helpers/btest-replay.js";
import { zeekDouble } from "../helpers/zeek-print.js";
import { zeekTypedPrint } from "../helpers/zeek-typed-print.js";
import { zeekSource } from "../signatures/btest-harness.js";

const zeek = zeekSource();
const WHAT = "its weird-sampling core btests";

/** The three handlers each of these scripts has: `print "net_weird", name;` and the like. */
function printWeirdEvents(engine: Engine, print: (...values: string[]) => void): void {
  engine.on("net_weird", (name) => print("net_weird", name));
  engine.on("flow_weird", (name) => print("flow_weird", name));
  engine.on("conn_weird", (name) => print("conn_weird", name));
}

/**
 * gen_weirds(c): `num` rounds, each reporting a net, a flow and a connection
 * weird of every prefix's names (PREFIX_net_weird, PREFIX_flow_weird,
 * PREFIX_conn_weird) in that order; `kinds` leaves some out.
 */
function genWeirds(engine: Engine, c: Connection, num: number, prefixes: readonly string[], kinds = ["net", "flow", "conn"]): void {
  for (let i = 0; i < num; i++) {
    for (const prefix of prefixes) {
      if (kinds.includes("net")) engine.netWeird(`${prefix}_net_weird`);
      if (kinds.includes("flow")) engine.flowWeird(`${prefix}_flow_weird`, c.id.orig_h, c.id.resp_h);
      if (kinds.includes("conn")) engine.connWeird(`${prefix}_conn_weird`, c);
    }
  }
}

/** reporter-weird-sampling: the first connection's gen_weirds now, 2 s and 7 s later, with "my" and "whitelisted" names. */
const sampling: Twin = (engine, print) => {
  printWeirdEvents(engine, print);
  let done = false;
  engine.on("new_connection", (c) => {
    if (done) return;
    done = true;
    const gen = (): void => genWeirds(engine, c, 30, ["my", "whitelisted"]);
    engine.queueEvent(gen);
    engine.scheduleEvent(engine.clock.now + 2, gen);
    engine.scheduleEvent(engine.clock.now + 7, gen);
  });
};

/** reporter-weird-sampling-global: gen_weirds for the first connection of each of the first two address pairs, "my" and "global_listed" names. */
const samplingGlobal: Twin = (engine, print) => {
  printWeirdEvents(engine, print);
  const flows = new Set<string>();
  engine.on("new_connection", (c) => {
    const pair = `${c.id.orig_h} ${c.id.resp_h}`;
    if (flows.has(pair)) return;
    flows.add(pair);
    if (flows.size > 2) return;
    engine.queueEvent(() => genWeirds(engine, c, 30, ["my", "global_listed"]));
  });
};

/** reporter-weird-sampling-disable: five net weirds for the first connection; only net_weird is handled. */
const samplingDisable: Twin = (engine, print) => {
  engine.on("net_weird", (name) => print("net_weird", name));
  let done = false;
  engine.on("new_connection", (c) => {
    if (done) return;
    done = true;
    engine.queueEvent(() => genWeirds(engine, c, 5, ["my"], ["net"]));
  });
};

/** fmt's %T of a time: its UTC date and time as YYYY-MM-DD-HH:MM:SS, then nine decimals of the second. */
function fmtT(t: number): string {
  const whole = Math.floor(t);
  const iso = new Date(whole * 1000).toISOString();
  const nanos = String(Math.round((t - whole) * 1e9)).padStart(9, "0");
  return `${iso.slice(0, 10)}-${iso.slice(11, 19)}.${nanos}`;
}

/** x509-generalizedtime's handler: each certificate's serial and validity, as %T and as a time. */
const x509Times: Twin = (engine, print) =>
  engine.on("x509_certificate", (_f, _ref, cert) => {
    print("----- x509_certificate ----");
    print(`serial: ${cert.serial}`);
    print(`not_valid_before: ${fmtT(cert.not_valid_before)} (epoch: ${zeekDouble(cert.not_valid_before)})`);
    print(`not_valid_after : ${fmtT(cert.not_valid_after)} (epoch: ${zeekDouble(cert.not_valid_after)})`);
  });

/** conn-stats: `print fmt("pcap %s", split_string(packet_source()$path, /\//)[-1])` at zeek_init, `print get_conn_stats()` at net_done. */
const connStats: Twin = (engine, print) => {
  engine.on("zeek_init", () => print(`pcap ${engine.packetSource()?.path.split("/").at(-1)}`));
  engine.on("net_done", () => print(zeekTypedPrint(zeek!, engine.connStats(), "ConnStats")));
};

const BTESTS: ReadonlyArray<{ path: string; what: string; twin: Twin }> = [
  {
    path: "reporter-weird-sampling.zeek",
    what: "per name and subject the first sampling_threshold weirds, then one in sampling_rate, counted again after sampling_duration; whitelisted names always",
    twin: sampling,
  },
  {
    path: "reporter-weird-sampling-global.zeek",
    what: "names on sampling_global_list are counted over the run, the others per connection or address pair",
    twin: samplingGlobal,
  },
  { path: "reporter-weird-sampling-disable.zeek", what: "a sampling_rate of 0 lets nothing through past the threshold", twin: samplingDisable },
  {
    path: "x509-generalizedtime.zeek",
    what: "certificate validity times written as GeneralizedTime and as UTCTime, as times",
    twin: x509Times,
  },
  {
    path: "conn-stats.zeek",
    what: "connections now, at most and in all by transport, packets and those no analyzer took, inactivity removals",
    twin: connStats,
  },
];

for (const { path, what, twin } of BTESTS) {
  test(`Zeek's btest core/${path}: ${what}, as Zeek's baseline`, coreBtestCase(zeek, WHAT, path, twin));
}
