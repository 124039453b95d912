import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { Engine } from "../../src/engine.js";
import { LogManager } from "../../src/log/manager.js";
import {
  nextRotationDelay,
  parseRotateBaseTime,
  postprocessorCommand,
  postprocessorStamp,
  type RotationInfo,
  rotationStamp,
  shellQuote,
} from "../../src/log/rotation.js";
import { fields } from "../../src/log/schema.js";
import { defaultSettings } from "../../src/options.js";
import { loadBuiltinScripts } from "../../src/scripts/index.js";
import type { TimerClient } from "../../src/session/timers.js";
import { bronze, withDir } from "../cli/run-cli.js";
import { frame, type TestPacket, udp4, writePcap } from "../helpers/packets.js";

// Rotation names and alignment are in local time, as Zeek's: these tests run in UTC.
let tz: string | undefined;
before(() => {
  tz = process.env.TZ;
  process.env.TZ = "UTC";
});
after(() => {
  if (tz === undefined) delete process.env.TZ;
  else process.env.TZ = tz;
});

/** 2011-03-07 03:00:05 UTC. */
const T0 = Date.UTC(2011, 2, 7, 3, 0, 5) / 1000;
const HOUR = 3600;

test("rotations fall on the base time of day plus whole intervals, the next one strictly later (Zeek's calc_next_rotate)", () => {
  assert.equal(nextRotationDelay(T0, HOUR, 0), HOUR - 5);
  // On a boundary: a whole interval, never 0.
  assert.equal(nextRotationDelay(T0 - 5, HOUR, 0), HOUR);
  // Base 0:30, 1-hour interval: 03:30.
  assert.equal(nextRotationDelay(T0, HOUR, parseRotateBaseTime("0:30")), 30 * 60 - 5);
  // A day's interval from 12:00: the same day's noon.
  assert.equal(nextRotationDelay(T0, 86400, parseRotateBaseTime("12:00")), 9 * HOUR - 5);
  // No base: multiples of the interval since the epoch.
  assert.equal(parseRotateBaseTime(""), -1);
  assert.equal(nextRotationDelay(1000, 300, -1), 200);
  assert.throws(() => parseRotateBaseTime("25:00"), /log_rotate_base_time: not a time of day \(H:MM\): "25:00"/);
  assert.throws(() => parseRotateBaseTime("noon"), /not a time of day/);
});

test("rotated names and postprocessor arguments are Zeek's: %Y-%m-%d-%H-%M-%S, %y-%m-%d_%H.%M.%S, shell-quoted names", () => {
  assert.equal(rotationStamp(T0 + 0.9), "2011-03-07-03-00-05");
  assert.equal(postprocessorStamp(T0), "11-03-07_03.00.05");
  assert.equal(shellQuote('a "b" $c `d` \\e'), '"a \\"b\\" \\$c \\`d\\` \\\\e"');
  const info: RotationInfo = { fname: "conn.2011-03-07-03-00-05.log", path: "conn", open: T0, close: T0 + HOUR, terminating: true };
  assert.equal(postprocessorCommand("gzip -9", info), 'gzip -9 "conn.2011-03-07-03-00-05.log" "conn" 11-03-07_03.00.05 11-03-07_04.00.05 1 ascii');
});

/** The engine's side of rotation, by hand: a clock and the timers scheduled. */
function fakeEngine(interval: number, base = "0:00") {
  const timers: Array<{ client: TimerClient; time: number }> = [];
  const clock = { now: 0 };
  const settings = { ...defaultSettings(), "Log::default_rotation_interval": interval, log_rotate_base_time: base };
  const rotation = { clock, settings, scheduleClient: (client: TimerClient, time: number) => void timers.push({ client, time }) };
  /** Moves network time to `t`, firing the timers due (each may schedule the next). */
  const advance = (t: number) => {
    clock.now = t;
    for (let due = timers.findIndex((x) => x.time <= t); due >= 0; due = timers.findIndex((x) => x.time <= t)) {
      const [x] = timers.splice(due, 1);
      x!.client.onTimer(false);
    }
  };
  return { timers, clock, rotation, advance };
}

function dataRows(text: string | undefined): string[] {
  return (text ?? "").split("\n").filter((l) => l !== "" && !l.startsWith("#"));
}

test("a rotating log: each period's records in a file named by its open time; an idle period makes no file; the end of the run rotates the last one", () => {
  const e = fakeEngine(HOUR);
  const rotated: RotationInfo[] = [];
  const logs = new LogManager({ memory: true, rotation: e.rotation, onRotated: (i) => rotated.push(i) });
  const w = logs.open({ path: "test", fields: fields(["t", "time"]) });
  e.advance(T0);
  w.write([T0]);
  assert.equal(e.timers.length, 1);
  assert.equal(e.timers[0]!.time, T0 + HOUR - 5, "first rotation on the hour");
  e.advance(T0 + 600);
  w.write([T0 + 600]);
  e.advance(T0 + HOUR); // 04:00:05: the rotation at 04:00:00 fires now
  w.write([T0 + HOUR]);
  e.advance(T0 + 2 * HOUR); // 05:00:05: the 05:00 rotation
  e.advance(T0 + 3 * HOUR); // 06:00:05: the 06:00 one, with nothing written since the last: no file
  e.advance(T0 + 3 * HOUR + 10);
  w.write([T0 + 3 * HOUR + 10]);
  e.advance(T0 + 3 * HOUR + 20);
  logs.closeAll();
  assert.deepEqual(logs.written(), ["test.2011-03-07-03-00-05", "test.2011-03-07-04-00-05", "test.2011-03-07-06-00-05"]);
  assert.deepEqual(
    logs.written().map((name) => dataRows(logs.text(name)).length),
    [2, 1, 1],
  );
  assert.equal(logs.text("test"), "", "no file is left under the plain name");
  assert.deepEqual(
    rotated.map((i) => [i.fname, postprocessorStamp(i.open), postprocessorStamp(i.close), i.terminating]),
    [
      ["test.2011-03-07-03-00-05.log", "11-03-07_03.00.05", "11-03-07_04.00.05", false],
      ["test.2011-03-07-04-00-05.log", "11-03-07_04.00.05", "11-03-07_05.00.05", false],
      ["test.2011-03-07-06-00-05.log", "11-03-07_06.00.05", "11-03-07_06.00.25", true],
    ],
  );
  // Every file is complete: header and #close.
  for (const name of logs.written()) assert.match(logs.text(name), /^#separator[\s\S]*#fields\tt\n[\s\S]*#close\t/);
});

test("without an interval (Zeek's default 0) nothing rotates and no timer is scheduled", () => {
  const e = fakeEngine(0);
  const logs = new LogManager({ memory: true, rotation: e.rotation });
  e.advance(T0);
  logs.open({ path: "test", fields: fields(["t", "time"]) }).write([T0]);
  logs.closeAll();
  assert.equal(e.timers.length, 0);
  assert.deepEqual(logs.written(), ["test"]);
});

test("a filter's own interval and postprocessor (Zeek's Filter$interv, $postprocessor): its files rotate on their own period and go to its postprocessor, the stream's default filter's do not rotate", () => {
  const e = fakeEngine(0);
  const own: RotationInfo[] = [];
  const rotated: string[] = [];
  const logs = new LogManager({ memory: true, rotation: e.rotation, onRotated: (i) => rotated.push(i.fname) });
  logs.addFilter("test", { name: "hourly", path: "test-hourly", interv: HOUR, postprocessor: (i) => own.push(i) });
  const w = logs.open({ path: "test", fields: fields(["t", "time"]) });
  e.advance(T0);
  w.write([T0]);
  e.advance(T0 + HOUR); // 04:00:05: the hourly filter's 04:00 rotation
  w.write([T0 + HOUR]);
  logs.closeAll();
  // Named as Zeek's rotation_format_func names a file whose postprocessor is not the default: path-%y-%m-%d_%H.%M.%S.
  assert.deepEqual(logs.written(), ["test-hourly-11-03-07_03.00.05", "test-hourly-11-03-07_04.00.05", "test"]);
  assert.deepEqual(
    own.map((i) => [i.fname, i.path, i.terminating, i.dir]),
    [
      ["test-hourly-11-03-07_03.00.05.log", "test-hourly", false, undefined],
      ["test-hourly-11-03-07_04.00.05.log", "test-hourly", true, undefined],
    ],
  );
  assert.deepEqual(rotated, ["test-hourly-11-03-07_03.00.05.log", "test-hourly-11-03-07_04.00.05.log"]);
});

test("each log rotates on its own timer, opened at its first record", () => {
  const e = fakeEngine(HOUR);
  const logs = new LogManager({ memory: true, rotation: e.rotation });
  const a = logs.open({ path: "a", fields: fields(["t", "time"]) });
  const b = logs.open({ path: "b", fields: fields(["t", "time"]) });
  e.advance(T0);
  a.write([T0]);
  e.advance(T0 + 1800);
  b.write([T0 + 1800]);
  e.advance(T0 + HOUR);
  logs.closeAll();
  assert.deepEqual(logs.written(), ["a.2011-03-07-03-00-05", "b.2011-03-07-03-30-05"]);
});

/** One UDP exchange an hour, from 03:00:05 UTC, each its own flow. */
function hourlyTrace(hours: number): Uint8Array {
  const packets: TestPacket[] = [];
  for (let h = 0; h < hours; h++) {
    packets.push({ ts: T0 + h * HOUR, bytes: frame(udp4({ src: "10.0.0.1", dst: "10.0.0.2" }, { sport: 1000 + h, dport: 53, payload: "q" })) });
  }
  return writePcap(packets);
}

test(
  "bronze -r with Log::default_rotation_interval=1hr: conn.log rotated on the hour by network time, the postprocessor command run on each file (named by its path, as Zeek's)",
  withDir(async (dir) => {
    const trace = join(dir, "t.pcap");
    writeFileSync(trace, hourlyTrace(4));
    const pp = join(dir, "pp.txt");
    const r = await bronze([
      "-r",
      trace,
      "--logdir",
      dir,
      "Log::default_rotation_interval=1hr",
      "udp_inactivity_timeout=1min",
      `Log::default_rotation_postprocessor_cmd=printf '%s\\n' >> '${pp}'`,
    ]);
    assert.equal(r.err, "");
    assert.equal(r.code, 0);
    const logs = readdirSync(dir)
      .filter((f) => f.startsWith("conn"))
      .sort();
    // A flow expires at the next packet (an hour later), whose timers also rotate the log: the expiry's
    // events are handled after that packet's timers, as Zeek drains its event queue, so its line opens the next file.
    assert.deepEqual(logs, ["conn.2011-03-07-04-00-05.log", "conn.2011-03-07-05-00-05.log", "conn.2011-03-07-06-00-05.log"]);
    assert.deepEqual(
      logs.map((f) => dataRows(readFileSync(join(dir, f), "utf8")).map((row) => row.split("\t")[3])),
      [["1000"], ["1001"], ["1002", "1003"]],
    );
    // The postprocessors run in the background: wait for their lines.
    const connRuns = () =>
      existsSync(pp)
        ? readFileSync(pp, "utf8")
            .split("\n")
            .filter((l) => l.startsWith(`${dir}/conn.`)).length
        : 0;
    for (let i = 0; i < 100 && connRuns() < 3; i++) await new Promise((ok) => setTimeout(ok, 50));
    await new Promise((ok) => setTimeout(ok, 100)); // the last run's other lines
    const lines = readFileSync(pp, "utf8").trim().split("\n");
    const runs = Array.from({ length: lines.length / 6 }, (_, k) => lines.slice(6 * k, 6 * k + 6).join(" "))
      .filter((run) => run.startsWith(`${dir}/conn.`))
      .sort();
    assert.deepEqual(runs, [
      `${dir}/conn.2011-03-07-04-00-05.log conn 11-03-07_04.00.05 11-03-07_05.00.05 0 ascii`,
      `${dir}/conn.2011-03-07-05-00-05.log conn 11-03-07_05.00.05 11-03-07_06.00.05 0 ascii`,
      `${dir}/conn.2011-03-07-06-00-05.log conn 11-03-07_06.00.05 11-03-07_06.00.05 1 ascii`,
    ]);
  }),
);

test(
  "Log::default_logdir without --logdir, and Log::default_rotation_dir: the logs are written there, rotated files moved to the rotation directory (made when first needed), the postprocessor given their path there",
  withDir(async (dir) => {
    const trace = join(dir, "t.pcap");
    writeFileSync(trace, hourlyTrace(2));
    const logdir = join(dir, "logs");
    const r = await bronze([
      "-r",
      trace,
      `Log::default_logdir=${logdir}`,
      "Log::default_rotation_dir=rotated",
      "Log::default_rotation_interval=1hr",
      `Log::default_rotation_postprocessor_cmd=printf '%s\\n' >> '${join(dir, "pp.txt")}'`,
    ]);
    assert.equal(r.err, "");
    assert.equal(r.code, 0);
    assert.deepEqual(
      readdirSync(join(logdir, "rotated"))
        .filter((f) => f.startsWith("conn"))
        .sort(),
      ["conn.2011-03-07-04-00-05.log"],
    );
    assert.deepEqual(
      readdirSync(logdir).filter((f) => f.endsWith(".log")),
      [],
      "nothing left beside the rotation directory",
    );
    const pp = join(dir, "pp.txt");
    for (let i = 0; i < 100 && !(existsSync(pp) && readFileSync(pp, "utf8").includes("conn.")); i++) await new Promise((ok) => setTimeout(ok, 50));
    assert.ok(readFileSync(pp, "utf8").split("\n").includes(`${logdir}/rotated/conn.2011-03-07-04-00-05.log`));
  }),
);

test(
  "a log opened before the first packet (packet_filter.log, at zeek_init, network time 0): its period starts at the first packet, whose time names it, as Zeek's first rotation timer (due at time 1) does; without packets its open time stays 0",
  withDir(async (dir) => {
    const trace = join(dir, "t.pcap");
    writeFileSync(trace, hourlyTrace(2));
    const r = await bronze(["-r", trace, "--logdir", dir, "Log::default_rotation_interval=1hr"]);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.startsWith("packet_filter")),
      ["packet_filter.2011-03-07-03-00-05.log"],
    );
    const empty = join(dir, "empty");
    writeFileSync(join(dir, "empty.pcap"), writePcap([]));
    const e = await bronze(["-r", join(dir, "empty.pcap"), "--logdir", empty, "Log::default_rotation_interval=1hr"]);
    assert.equal(e.code, 0, e.err);
    assert.deepEqual(
      readdirSync(empty).filter((f) => f.startsWith("packet_filter")),
      ["packet_filter.1970-01-01-00-00-00.log"],
    );
  }),
);

test(
  "capturing live, a lull before any packet sets network time: a log opened at zeek_init starts its period there and rotates on the hour",
  withDir(async (dir) => {
    const engine = new Engine({ settings: ["Log::default_rotation_interval=1hr"] });
    const { logs } = loadBuiltinScripts(engine, { logdir: dir, bare: true });
    const early = logs.open({ path: "early", fields: fields(["t", "time"]) });
    engine.on("zeek_init", () => early.write([engine.networkTime]));
    engine.start();
    assert.equal(engine.networkTime, 0, "network time is 0 at zeek_init");
    for (let i = 0; i < 5; i++) engine.idle(T0 + i * 1000);
    assert.equal(engine.networkTime, T0 + 4000);
    engine.finish();
    // Opened at 03:00:05 (the first lull), rotated at 04:00:00; the next period wrote nothing.
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.startsWith("early")),
      ["early.2011-03-07-03-00-05.log"],
    );
  }),
);
