/**
 * Zeek's delayed-write btests (testing/btest/scripts/base/frameworks/
 * logging/delay/*.zeek, `zeek -b -r $TRACES/http/get.pcap`), replayed as
 * TypeScript twins: an engine on the trace, a "test" stream written as the
 * btest's test.zeek writes it, and its hooks doing what the btest's do
 * with LogManager.delay and its kin. What they print, the reporter's
 * errors and test.log (as `zeek-cut -m -F'|'` shows it) are held to the
 * btests' baselines, read from Zeek's source (they skip, saying so,
 * without it or the trace).
 *
 * Not replayed: coerce, nested-write and static-errors (Zeek's type checks
 * of scripts and record coercion, which TypeScript's types stand for),
 * example and queue-test (they load other logs' scripts: dns and conn
 * with their own delays), and the 0x<...> pointers of errors-4 are masked.
 * queue-setter-2's `redelayed` field has no &log: the stream carries it
 * unlogged (LogField.logged).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { type TestContext, test } from "node:test";
import { Engine } from "../../src/engine.js";
import { loadBuiltinScripts } from "../../src/index.js";
import type { LogFields } from "../../src/log/filters.js";
import type { LogDelayToken, LogManager } from "../../src/log/manager.js";
import { fields, type LogSchema } from "../../src/log/schema.js";
import type { EngineSettings } from "../../src/options.js";
import { openTrace } from "../../src/source/open.js";
import { corpusRoot } from "../helpers/corpus.js";
import { type ZeekPrintable, zeekDouble, zeekInterval, zeekRecord } from "../helpers/zeek-print.js";
import { ZEEK_SEED } from "../session/harness.js";
import { baselineLines, btestOraclesMissing, type ZeekSource, zeekSource } from "../signatures/btest-harness.js";

const zeek = zeekSource();
const TRACE = "http/get.pcap";

function btest(name: string, fn: (zeek: ZeekSource) => Promise<void>): void {
  test(`Zeek's btest logging/delay/${name}`, async (t: TestContext) => {
    if (btestOraclesMissing(t, zeek, `the delay btest ${name.split(":")[0]}`, [TRACE])) return;
    await fn(zeek!);
  });
}

const expected = (z: ZeekSource, name: string, file: string): string[] => baselineLines(z, `scripts.base.frameworks.logging.delay.${name}/${file}`);

/** A value as Zeek's `print` shows it among others: numbers as doubles (times), records and intervals already rendered. */
type Printed = string | number;

/** What a twin's hooks and handlers get: the engine, the logs, `print`, and the time. */
interface Script {
  engine: Engine;
  logs: LogManager;
  print(...parts: Printed[]): void;
  now(): number;
  /** Zeek's `when (F) {} timeout interval { body }`: `body` once `interval` of network time has passed. */
  timeout(interval: number, body: () => void): void;
}

interface Run {
  stdout: string[];
  stderr: string[];
  /** test.log as `zeek-cut -m -F'|'` shows it: the column names, then the rows. */
  cut: string[];
}

/** A `zeek -b -r get.pcap` run with `loads` and a stream of `schema`'s columns (none: `setup` opens it); `setup` stands for the scripts' handlers and hooks. */
async function run(schema: LogSchema | null, setup: (s: Script) => void, loads: string[] = [], settings: Partial<EngineSettings> = {}): Promise<Run> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const engine = new Engine({ seed: ZEEK_SEED, bare: true, loads, settings });
  const { logs } = loadBuiltinScripts(engine, { memory: true, bare: true, loads, stderr: (line) => stderr.push(line) });
  if (schema !== null) logs.open(schema);
  const script: Script = {
    engine,
    logs,
    print: (...parts) => stdout.push(parts.map((p) => (typeof p === "number" ? zeekDouble(p) : p)).join(", ")),
    now: () => engine.clock.now,
    // A when timeout runs its body in the timer's dispatch, not as a queued event.
    timeout: (interval, body) => engine.schedule(engine.clock.now + interval, body),
  };
  setup(script);
  await engine.run(await openTrace(join(corpusRoot(), "zeek", "traces", TRACE)));
  logs.closeAll();
  return { stdout, stderr, cut: cut(logs.text("test")) };
}

function cut(text: string): string[] {
  const lines = text.split("\n");
  const names = lines.find((l) => l.startsWith("#fields\t"));
  const rows = lines.filter((l) => l !== "" && !l.startsWith("#")).map((l) => l.split("\t").join("|"));
  return names === undefined ? [] : [names.split("\t").slice(1).join("|"), ...rows];
}

/** The Info record of test.zeek (basic, delay-cb, multi-write, errors). */
const INFO = fields(["ts", "time"], ["write_ts", "time"], ["uid", "string"], ["msg", "string"]);
const TEST_STREAM: LogSchema = { path: "test", id: "LOG", fields: INFO };

/** Zeek's `print` of a record of `schema`'s fields: times as doubles. */
function record(rec: LogFields, schema: LogSchema = TEST_STREAM): string {
  return zeekRecord(schema.fields.map((f) => [f.name, rec[f.name] as ZeekPrintable, f.type === "time" ? "double" : undefined] as const));
}

/**
 * test.zeek of basic, delay-cb, multi-write and errors: new_packet and
 * Pcap::file_done printed, a record written at new_connection, and the
 * stream's policy hook stamping write_ts.
 */
function testZeek(
  s: Script,
  log = (rec: LogFields) => s.print(s.now(), "log_policy", String(rec.uid)),
  write = (rec: LogFields) => s.logs.open(TEST_STREAM).write(rec),
): void {
  let packets = 0;
  s.engine.on("new_packet", () => s.print(s.now(), "new_packet", String(++packets)));
  s.engine.on("Pcap::file_done", () => s.print(s.now(), "Pcap::file_done"));
  s.logs.setStreamPolicy("test", (rec) => {
    log(rec);
    rec.write_ts = s.now();
    return true;
  });
  s.engine.on("new_connection", (c) => {
    s.print(s.now(), "new_connection", c.uid);
    write({ ts: s.now(), uid: c.uid, msg: "inital-value" });
  });
}

/** `hook Log::log_stream_policy(rec, id) { if ( id != LOG ) return; … }`. */
function streamPolicy(s: Script, body: (rec: LogFields, id: string) => void): void {
  s.logs.onStreamPolicy((rec, id) => {
    if (id === "LOG") body(rec, id);
    return true;
  });
}

/** The run's files against the btest's baselines; `zeekStderr` turns Zeek's standard error lines into bronze's (as they are: the default). */
async function assertRun(z: ZeekSource, name: string, r: Run, zeekStderr = (lines: string[]): string[] => lines): Promise<void> {
  assert.deepEqual(r.stdout, expected(z, name, ".stdout"), `${name} .stdout`);
  assert.deepEqual(r.stderr, zeekStderr(expected(z, name, ".stderr")), `${name} .stderr`);
  assert.deepEqual(r.cut, expected(z, name, name.startsWith("basic") ? "test.log" : "test.cut"), `${name} test.log`);
}

const BASIC: ReadonlyArray<[name: string, what: string, delays: (s: Script, rec: LogFields, id: string) => void]> = [
  ["basic", "delay and finish at once", (s, rec, id) => s.logs.delayFinish(id, rec, s.logs.delay(id, rec))],
  [
    "basic-2",
    "delay and finish at once, twice",
    (s, rec, id) => {
      s.logs.delayFinish(id, rec, s.logs.delay(id, rec));
      s.logs.delayFinish(id, rec, s.logs.delay(id, rec));
    },
  ],
  ["basic-3", "delay, never finished: released after max_delay_interval", (s, rec, id) => void s.logs.delay(id, rec)],
  [
    "basic-4",
    "delay twice, never finished",
    (s, rec, id) => {
      s.logs.delay(id, rec);
      s.logs.delay(id, rec);
    },
  ],
  [
    "basic-5",
    "the token printed and as JSON",
    (s, rec, id) => {
      const token = s.logs.delay(id, rec);
      s.print("token", String(token));
      s.print("to_json(token)", JSON.stringify(token));
    },
  ],
];

for (const [name, what, delays] of BASIC) {
  btest(`${name}: ${what}`, async (z) => {
    const r = await run(TEST_STREAM, (s) => {
      testZeek(s);
      streamPolicy(s, (rec, id) => {
        s.print(s.now(), "log_stream_policy", id, String(rec.uid));
        delays(s, rec, id);
      });
    });
    await assertRun(z, name, r);
  });
}

/** A post-delay callback that appends how long the record waited to its msg (`rename`) and prints it as `label`. */
function stamping(s: Script, label: string, since: number, rename = true): (rec: LogFields) => boolean {
  return (rec) => {
    const waited = s.now() - since;
    if (rename) rec.msg = `${String(rec.msg)} delayed ${zeekInterval(waited)}`;
    s.print(s.now(), label, record(rec), zeekInterval(waited));
    return true;
  };
}

/** The delay-cb variants: what each hook does with the record, given its start time. */
const DELAY_CB: ReadonlyArray<[name: string, what: string, hook: (s: Script, rec: LogFields, id: string, now: number) => void]> = [
  [
    "delay-cb",
    "a callback, no delay_finish: run when the delay expires",
    (s, rec, _id, now) => {
      s.logs.delay("LOG", rec, stamping(s, "post_delay_cb", now));
      s.timeout(0.01, () => s.print(s.now(), "when timeout", record(rec)));
    },
  ],
  [
    "delay-cb-2",
    "delay_finish in a timeout: the callback runs then",
    (s, rec, id, now) => {
      const token = s.logs.delay("LOG", rec, stamping(s, "post_delay_cb", now));
      finishLater(s, rec, id, [token]);
    },
  ],
  [
    "delay-cb-3",
    "two callbacks, one delay_finish: released when the delay expires, both run",
    (s, rec, id, now) => {
      const token1 = s.logs.delay("LOG", rec, stamping(s, "post_delay_cb - 1", now));
      s.logs.delay("LOG", rec, second(s));
      finishLater(s, rec, id, [token1]);
    },
  ],
  [
    "delay-cb-4",
    "two callbacks, two delay_finish calls",
    (s, rec, id, now) => {
      const token1 = s.logs.delay("LOG", rec, stamping(s, "post_delay_cb - 1", now));
      const token2 = s.logs.delay("LOG", rec, second(s));
      finishLater(s, rec, id, [token1, token2]);
    },
  ],
  [
    "delay-cb-5",
    "a callback returning F discards the write",
    (s, rec, id, now) => {
      const token = s.logs.delay("LOG", rec, (r) => !stamping(s, "post_delay_cb", now, false)(r));
      finishLater(s, rec, id, [token]);
    },
  ],
  [
    "delay-cb-6",
    "delay and finish at once with a callback",
    (s, rec, id, now) => s.logs.delayFinish(id, rec, s.logs.delay("LOG", rec, stamping(s, "post_delay_cb", now, false))),
  ],
];

function second(s: Script): (rec: LogFields) => boolean {
  return (rec) => {
    s.print(s.now(), "post_delay_cb - 2", record(rec));
    return true;
  };
}

/** `when … timeout 10msec { print "when timeout"; Log::delay_finish(…) for each token }`. */
function finishLater(s: Script, rec: LogFields, id: string, tokens: LogDelayToken[]): void {
  s.timeout(0.01, () => {
    s.print(s.now(), "when timeout", record(rec));
    for (const token of tokens) s.logs.delayFinish(id, rec, token);
  });
}

for (const [name, what, hook] of DELAY_CB) {
  btest(`${name}: ${what}`, async (z) => {
    const r = await run(TEST_STREAM, (s) => {
      testZeek(s);
      streamPolicy(s, (rec, id) => {
        const now = s.now();
        s.print(now, "log_stream_policy", id, record(rec));
        hook(s, rec, id, now);
      });
    });
    await assertRun(z, name, r);
  });
}

/** The delay-cb-redelay variants: the post-delay callback delays the record again. */
const REDELAY: ReadonlyArray<[name: string, what: string, hook: (s: Script, rec: LogFields, now: number) => void]> = [
  [
    "delay-cb-redelay",
    "a callback delays again: a second max_delay_interval, then the nested callback",
    (s, rec, now) => {
      s.logs.delay("LOG", rec, (rec2) => {
        s.print(s.now(), "post_delay_cb - 1", record(rec2), zeekInterval(s.now() - now));
        s.logs.delay("LOG", rec2, stamping(s, "post_delay_cb - 2", now));
        return true;
      });
      s.timeout(0.01, () => s.print(s.now(), "when timeout", record(rec)));
    },
  ],
  [
    "delay-cb-redelay-2",
    "a callback delays again and finishes at once: the write goes on at once",
    (s, rec, now) => {
      const token1 = s.logs.delay("LOG", rec, (rec2) => {
        const waited = zeekInterval(s.now() - now);
        s.print(s.now(), "post_delay_cb - 1, delaying again", record(rec2), waited);
        const token2 = s.logs.delay("LOG", rec2, stamping(s, "post_delay_cb - 2", now));
        s.print(s.now(), "post_delay_cb - 1, delay_finish", record(rec2), waited);
        s.logs.delayFinish("LOG", rec2, token2);
        return true;
      });
      s.logs.delayFinish("LOG", rec, token1);
    },
  ],
];

for (const [name, what, hook] of REDELAY) {
  btest(`${name}: ${what}`, async (z) => {
    const r = await run(
      TEST_STREAM,
      (s) => {
        testZeek(s);
        streamPolicy(s, (rec, id) => {
          const now = s.now();
          s.print(now, "log_stream_policy", id, record(rec));
          hook(s, rec, now);
        });
      },
      [],
      { "Log::default_max_delay_interval": 0.05 },
    );
    await assertRun(z, name, r);
  });
}

btest(
  "multi-write: one record written twice, the first write delayed, the second not: both rows show what the record holds when each is written",
  async (z) => {
    const r = await run(TEST_STREAM, (s) => {
      testZeek(
        s,
        // multi-write's log_policy prints the msg too.
        (rec) => s.print(s.now(), "log_policy", String(rec.uid), String(rec.msg)),
        (rec) => {
          const w = s.logs.open(TEST_STREAM);
          w.write(rec);
          // The same record: the delayed first write sees this too.
          rec.msg = "initial-value-second-write";
          w.write(rec);
        },
      );
      let writes = 0;
      streamPolicy(s, (rec, id) => {
        // The second write goes to the filters at once.
        if (++writes === 2) return;
        const now = s.now();
        s.print(now, "log_stream_policy", id, String(writes), record(rec));
        s.logs.delay("LOG", rec, stamping(s, "post_delay_cb", now));
        s.timeout(0.01, () => s.print(s.now(), "when timeout", record(rec)));
      });
    });
    await assertRun(z, "multi-write", r);
  },
);

/** queue-size's Info, and its stream: max_delay_interval 1 msec. */
const QUEUE_INFO = fields(["ts", "time"], ["post_ts", "time"], ["write_ts", "time"], ["msg", "string"]);
const QUEUE_STREAM: LogSchema = { path: "test", id: "LOG", fields: QUEUE_INFO, maxDelayInterval: 0.001 };

/** queue-size's and queue-setter's stream policy: each record printed and delayed; its callback stamps post_ts and prints how long it waited. */
function delayStampingPostTs(s: Script, schema: LogSchema): void {
  streamPolicy(s, (rec, id) => {
    const now = s.now();
    s.print(now, "log_stream_policy", id, record(rec, schema));
    s.logs.delay(id, rec, (rec2) => {
      rec2.post_ts = s.now();
      s.print(s.now(), "post_delay_cb", record(rec2, schema), zeekInterval(s.now() - now));
      return true;
    });
  });
}

btest("queue-size: Log::get_delay_queue_size before the stream, after, while records wait, and at zeek_done", async (z) => {
  const r = await run(null, (s) => {
    // The btest's zeek_init: the size asked before the stream exists, then after; network_time() is 0 there (bronze's clock starts at 1.0: engine.ts).
    const init = 0;
    s.print(init, "queue_size non-existing", String(s.logs.delayQueueSize("LOG")));
    const w = s.logs.open(QUEUE_STREAM);
    s.print(init, "queue_size existing", String(s.logs.delayQueueSize("LOG")));
    let packets = 0;
    s.engine.on("new_packet", () => {
      s.print(s.now(), "new_packet", String(++packets), "queue size", String(s.logs.delayQueueSize("LOG")));
      w.write({ ts: s.now(), msg: `packet number ${packets}` });
      s.print(s.now(), "queue_size post write", String(s.logs.delayQueueSize("LOG")));
    });
    s.logs.setStreamPolicy("test", (rec) => {
      s.print(s.now(), "log_policy");
      rec.write_ts = s.now();
      return true;
    });
    s.engine.on("Pcap::file_done", (path) => s.print(s.now(), "Pcap::file_done", path.replace(/^.*\//, "<...>/")));
    s.engine.on("zeek_done", () => s.print(s.now(), "queue_size done", String(s.logs.delayQueueSize("LOG"))));
    delayStampingPostTs(s, QUEUE_STREAM);
  });
  assert.deepEqual(r.stdout, expected(z, "queue-size", ".stdout"));
  assert.deepEqual(r.stderr, expected(z, "queue-size", ".stderr"));
  assert.deepEqual(r.cut, expected(z, "queue-size", "test.cut"));
});

/** A hook that does `body` and vetoes nothing. */
function passing(body: (rec: LogFields, id: string) => unknown): (rec: LogFields, id: string) => boolean {
  return (rec, id) => {
    body(rec, id);
    return true;
  };
}

/** The errors variants on conn.log (base/protocols/conn): what each hook does wrong. */
const ERRORS: ReadonlyArray<[name: string, what: string, setup: (s: Script) => void]> = [
  ["errors-2", "Log::delay of a copy of the record", (s) => s.logs.onStreamPolicy(passing((rec, id) => s.logs.delay(id, { ...rec })))],
  ["errors-3", "Log::delay naming another stream", (s) => s.logs.onStreamPolicy(passing((rec) => s.logs.delay("DNS::LOG", rec)))],
  [
    "errors-4",
    "Log::delay_finish with a copy of the record",
    (s) => s.logs.onStreamPolicy(passing((rec, id) => s.logs.delayFinish(id, { ...rec }, s.logs.delay(id, rec)))),
  ],
  [
    "errors-5",
    "Log::delay_finish twice for one Log::delay",
    (s) =>
      s.logs.onStreamPolicy((rec, id) => {
        const token = s.logs.delay(id, rec);
        s.logs.delayFinish(id, rec, token);
        s.logs.delayFinish(id, rec, token);
        return true;
      }),
  ],
  [
    "errors-6",
    "Log::delay in a filter's policy hook (Conn::log_policy)",
    (s) =>
      s.logs.setStreamPolicy(
        "conn",
        passing((rec) => s.logs.delayFinish("Conn::LOG", rec, s.logs.delay("Conn::LOG", rec))),
      ),
  ],
];

/** btest's canonifier for errors: pointers masked. */
const masked = (lines: readonly string[]): string[] => lines.map((l) => l.replace(/0x[0-9a-z]+|[0-9A-F]{12,}/g, "0x<...>"));

/** A Zeek reporter line on stderr as bronze writes it: "bronze: " in place of the network time Zeek starts it with. */
const bronzeStderr = (lines: readonly string[]): string[] => lines.map((l) => l.replace(/^(\d+\.\d+ )?/, "bronze: "));

for (const [name, what, setup] of ERRORS) {
  btest(`${name}: ${what}: a reporter error`, async (z) => {
    const r = await run(null, setup, ["base/protocols/conn"]);
    assert.deepEqual(masked(r.stderr), bronzeStderr(expected(z, name, ".stderr")));
  });
}

btest("errors: Log::delay outside a Log::log_stream_policy hook, then delay_finish of its invalid token", async (z) => {
  const stderr: string[] = [];
  const engine = new Engine({ seed: ZEEK_SEED, bare: true, loads: [] });
  const { logs } = loadBuiltinScripts(engine, { memory: true, bare: true, loads: [], stderr: (line) => stderr.push(line) });
  // The btest's zeek_init, before any packet.
  const rec = { ts: 0 };
  logs.open({ path: "log", id: "LOG", fields: fields(["ts", "time"]) });
  logs.delayFinish("LOG", rec, logs.delay("LOG", rec));
  assert.deepEqual(stderr, bronzeStderr(expected(z, "errors", ".stderr")));
});

/** queue-setter's Info (part 2 adds `redelayed: bool &default=F`, without &log: LogField.logged), and its stream: max_delay_interval 10 sec. */
const SETTER_STREAM: LogSchema = { path: "test", id: "LOG", fields: QUEUE_INFO, maxDelayInterval: 10 };
const REDELAY_STREAM: LogSchema = { ...SETTER_STREAM, fields: [...QUEUE_INFO, { name: "redelayed", type: "bool", logged: false }] };

/**
 * queue-setter's test.zeek: each packet printed and written (ts and msg),
 * the stream's policy hook stamping write_ts, Pcap::file_done printed; at
 * the tenth packet (after test.zeek's handler) the queue is cut to 3.
 */
function queueSetterZeek(s: Script, schema: LogSchema): void {
  const w = s.logs.open(schema);
  let packets = 0;
  s.engine.on("new_packet", () => {
    s.print(s.now(), "new_packet", String(++packets));
    w.write(schema === REDELAY_STREAM ? { ts: s.now(), msg: `packet number ${packets}`, redelayed: false } : { ts: s.now(), msg: `packet number ${packets}` });
  });
  s.logs.setStreamPolicy("test", (rec) => {
    s.print(s.now(), "log_policy");
    rec.write_ts = s.now();
    return true;
  });
  s.engine.on("Pcap::file_done", (path) => s.print(s.now(), "Pcap::file_done", path.replace(/^.*\//, "<...>/")));
  s.engine.on(
    "new_packet",
    () => {
      if (packets !== 10) return;
      s.print(s.now(), "set_max_delay_queue_size to 3");
      s.logs.setMaxDelayQueueSize("LOG", 3);
    },
    { priority: -5 },
  );
}

btest("queue-setter: the queue cut to 3 while 10 records wait: the oldest 7 are released at once", async (z) => {
  const r = await run(null, (s) => {
    queueSetterZeek(s, SETTER_STREAM);
    delayStampingPostTs(s, SETTER_STREAM);
  });
  await assertRun(z, "queue-setter", r);
});

btest("queue-setter-2: the queue cut to 3 while every record is re-delayed once: nothing can be evicted, a warning", async (z) => {
  const r = await run(null, (s) => {
    queueSetterZeek(s, REDELAY_STREAM);
    const postDelay = (rec: LogFields, id: string): boolean => {
      if (rec.redelayed !== true) {
        s.print(s.now(), "post_delay_cb - re-delay", record(rec, REDELAY_STREAM));
        rec.post_ts = s.now();
        rec.redelayed = true;
        s.logs.delay(id, rec, (r2) => postDelay(r2, id));
        return true;
      }
      s.print(s.now(), "post_delay_cb - done", record(rec, REDELAY_STREAM));
      return true;
    };
    streamPolicy(s, (rec, id) => {
      s.print(s.now(), "log_stream_policy", id, record(rec, REDELAY_STREAM));
      s.logs.delay(id, rec, (r2) => postDelay(r2, id));
    });
  });
  // The warnings as bronze writes a reporter line on standard error, as errors-* compare them.
  await assertRun(z, "queue-setter-2", r, bronzeStderr);
});
