/** The rules of Log::delay (src/log/delay.ts), each pinned on a LogManager in memory with a clock and timers the test drives. */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { LogFields } from "../../src/log/filters.js";
import { LogManager, type LogOptions } from "../../src/log/manager.js";
import { fields } from "../../src/log/schema.js";
import type { TimerClient } from "../../src/session/timers.js";

/** A network clock and a timer list: `advance(t)` moves time and fires what is due, in time order. */
class FakeTimers {
  readonly clock = { now: 100 };
  private pending: Array<{ at: number; client: TimerClient }> = [];

  scheduleClient(client: TimerClient, at: number): void {
    this.pending.push({ at, client });
  }

  advance(to: number): void {
    this.clock.now = to;
    for (;;) {
      this.pending.sort((a, b) => a.at - b.at);
      const next = this.pending[0];
      if (next === undefined || next.at > to) return;
      this.pending.shift();
      next.client.onTimer(false);
    }
  }
}

interface Setup {
  logs: LogManager;
  timers: FakeTimers;
  errors: string[];
  write(msg: string): void;
  /** The msg column of each row written so far. */
  rows(): string[];
}

/** A "test" stream (Log::ID Test::LOG) whose Log::log_stream_policy hook is `hook`. */
function setup(hook: (logs: LogManager, rec: LogFields, id: string) => boolean, options: LogOptions = {}, maxDelayQueueSize?: number): Setup {
  const timers = new FakeTimers();
  const errors: string[] = [];
  const rotation = {
    clock: timers.clock,
    scheduleClient: (c: TimerClient, t: number) => timers.scheduleClient(c, t),
    settings: {
      "Log::default_rotation_interval": 0,
      log_rotate_base_time: "0:00",
      "Log::default_rotation_postprocessor_cmd": "",
      "Log::default_rotation_dir": "",
      "Log::default_rotation_postprocessor_cmd_env": new Map<string, string>(),
    },
  };
  const logs = new LogManager({ memory: true, rotation, onError: (m) => errors.push(m), ...options });
  const w = logs.open({ path: "test", id: "Test::LOG", fields: fields(["msg", "string"]), maxDelayQueueSize });
  logs.onStreamPolicy((rec, id) => hook(logs, rec, id));
  const rows = (): string[] =>
    logs
      .text("test")
      .split("\n")
      .filter((l) => l !== "" && !l.startsWith("#"));
  return { logs, timers, errors, write: (msg) => w.write({ msg }), rows };
}

test("a delay never finished holds the record for max_delay_interval of network time, then writes it", () => {
  const s = setup((logs, rec, id) => {
    logs.delay(id, rec);
    return true;
  });
  s.write("a");
  assert.deepEqual(s.rows(), []);
  assert.equal(s.logs.delayQueueSize("Test::LOG"), 1);
  s.timers.advance(100.1);
  assert.deepEqual(s.rows(), [], "not before the 0.2 s default");
  s.timers.advance(100.25);
  assert.deepEqual(s.rows(), ["a"]);
  assert.equal(s.logs.delayQueueSize("Test::LOG"), 0);
});

test("delay_finish of the last reference writes at once, with what the callbacks changed; a callback's false discards", () => {
  const tokens: Array<[LogFields, ReturnType<LogManager["delay"]>]> = [];
  const s = setup((logs, rec, id) => {
    tokens.push([rec, logs.delay(id, rec, (r) => (r.msg = `${String(r.msg)}!`) !== "drop!")]);
    logs.delay(id, rec);
    return true;
  });
  s.write("a");
  s.write("drop");
  const [rec, token] = tokens[0]!;
  assert.equal(s.logs.delayFinish("Test::LOG", rec, token), true);
  assert.deepEqual(s.rows(), [], "one reference left");
  s.logs.delayFinish("Test::LOG", rec, token);
  assert.deepEqual(s.rows(), ["a!"]);
  s.logs.delayFinish("Test::LOG", ...tokens[1]!);
  s.logs.delayFinish("Test::LOG", ...tokens[1]!);
  assert.deepEqual(s.rows(), ["a!"], "vetoed by its callback");
  assert.equal(s.logs.delayFinish("Test::LOG", rec, token), false);
  assert.equal(s.errors.length, 1);
  assert.match(s.errors[0]!, /^non-existing log record for token=1 0x[0-9a-f]+$/);
});

test("a queue over max_delay_queue_size releases its oldest records; set_max_delay_queue_size releases at once", () => {
  const s = setup(
    (logs, rec, id) => {
      logs.delay(id, rec);
      return true;
    },
    {},
    2,
  );
  for (const msg of ["a", "b", "c"]) s.write(msg);
  assert.deepEqual(s.rows(), ["a"]);
  assert.equal(s.logs.setMaxDelayQueueSize("Test::LOG", 0), true);
  assert.deepEqual(s.rows(), ["a", "b", "c"]);
  assert.equal(s.logs.setMaxDelayQueueSize("Nope::LOG", 1), false);
});

test("a callback that delays again puts the record at the back of the queue for another interval", () => {
  let again = true;
  const s = setup((logs, rec, id) => {
    logs.delay(id, rec, (r) => {
      if (again) logs.delay(id, r);
      again = false;
      return true;
    });
    return true;
  });
  s.write("a");
  s.timers.advance(100.2);
  assert.deepEqual(s.rows(), []);
  assert.equal(s.logs.delayQueueSize("Test::LOG"), 1);
  s.timers.advance(100.4);
  assert.deepEqual(s.rows(), ["a"]);
});

test("a vetoing hook's delay is forgotten: nothing queued, nothing written", () => {
  const s = setup((logs, rec, id) => {
    logs.delay(id, rec);
    return false;
  });
  s.write("a");
  assert.equal(s.logs.delayQueueSize("Test::LOG"), 0);
  s.logs.closeAll();
  assert.deepEqual(s.rows(), []);
});

test("closing the logs writes every record still delayed; set_max_delay_interval only raises", () => {
  const s = setup((logs, rec, id) => {
    logs.delay(id, rec);
    return true;
  });
  assert.equal(s.logs.setMaxDelayInterval("Test::LOG", 5), true);
  assert.equal(s.logs.setMaxDelayInterval("Test::LOG", 1), true);
  s.write("a");
  s.timers.advance(104);
  assert.deepEqual(s.rows(), [], "5 s, not 1");
  s.logs.closeAll();
  assert.deepEqual(s.rows(), ["a"]);
  assert.equal(s.logs.setMaxDelayInterval("Nope::LOG", 1), false);
  assert.equal(s.logs.delayQueueSize("Nope::LOG"), -1);
});

test("Log::delay outside a stream hook, or on another record or stream: an error and an invalid token", () => {
  const s = setup((logs, rec, id) => {
    logs.delay(id, { ...rec });
    logs.delay("Other::LOG", rec);
    return true;
  });
  const token = s.logs.delay("Test::LOG", { msg: "x" });
  assert.equal(s.logs.delayFinish("Test::LOG", { msg: "x" }, token), false);
  s.write("a");
  assert.deepEqual(s.rows(), ["a"], "not delayed");
  assert.deepEqual(s.errors, [
    "invalid Log::delay() call: outside of Log::log_stream_policy() hook",
    "invalid Log::delay_finish() call: invalid token provided",
    "invalid Log::delay() call: argument mismatch with active Log::write()",
    "invalid Log::delay() call: argument mismatch with active Log::write()",
  ]);
});

test("the run's Log::default_max_delay_interval applies to streams that set none", () => {
  const s = setup(
    (logs, rec, id) => {
      logs.delay(id, rec);
      return true;
    },
    { maxDelayInterval: 1 },
  );
  s.write("a");
  s.timers.advance(100.5);
  assert.deepEqual(s.rows(), []);
  s.timers.advance(101);
  assert.deepEqual(s.rows(), ["a"]);
});
