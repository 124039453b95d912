/**
 * The files framework's inactivity timeout (Zeek's FileTimer): a file's timer
 * is scheduled when it is made, timeout_interval (2 min) later; when it comes
 * the file times out (file_timeout, files.log timedout T, file_state_remove)
 * if it was idle that long, else the timer comes again a whole interval from
 * then; a file_timeout handler postpones with Files::set_timeout_interval; at
 * the end of input a pending timer still times out a file idle long enough,
 * before its connection is removed. Self-made HTTP conversations whose reply
 * body stops short of its Content-Length; empty client segments keep the
 * connection alive and move network time on.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Engine } from "../../src/engine.js";
import type { FaFile } from "../../src/files/file.js";
import { loadBuiltinScripts } from "../../src/index.js";
import type { EngineSettings } from "../../src/options.js";
import { rows, segments, type TimedStep } from "../analyzer/app/tcp-conv.js";
import { memorySource } from "../helpers/packets.js";
import { tcpTrace } from "../session/harness.js";

const REQUEST = "GET /a HTTP/1.1\r\nHost: example\r\n\r\n";
/** A reply announcing 100 bytes and sending 10 of them (the file is made at 1.02). */
const REPLY = `HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n${"x".repeat(10)}`;

/** Empty client segments at these times: the connection stays alive, the file gets nothing. */
function keepalive(...times: number[]): TimedStep[] {
  return times.map((t): TimedStep => [t, "c", ""]);
}

interface Outcome {
  /** "event fuid-less network-time" lines, in order. */
  events: string[];
  /** files.log rows. */
  files: string[][];
}

/** The conversation, with FINs at `end` (none when `end` is null: the connection is open when input ends). */
async function run(steps: TimedStep[], end: number | null, setup?: (e: Engine) => void, settings?: Partial<EngineSettings>): Promise<Outcome> {
  const engine = new Engine({ settings });
  const scripts = loadBuiltinScripts(engine, { memory: true });
  const events: string[] = [];
  const at = (name: string) => () => void events.push(`${name} ${engine.clock.now}`);
  engine.on("file_new", at("file_new"));
  engine.on("file_timeout", at("file_timeout"));
  engine.on("file_state_remove", at("file_state_remove"));
  engine.on("connection_state_remove", at("connection_state_remove"));
  setup?.(engine);
  const all: TimedStep[] = [[1.01, "c", REQUEST], [1.02, "s", REPLY], ...steps];
  all.sort((a, b) => a[0] - b[0]);
  const segs = segments(all, 0, { end: end ?? 1e9 });
  await engine.run(memorySource(tcpTrace(end === null ? segs.slice(0, -3) : segs)));
  return { events, files: rows(scripts.logs.text("files")) };
}

// files.log columns
const SEEN = 15;
const TIMEDOUT = 19;

test("a file idle for its timeout interval times out when its timer comes", async () => {
  const r = await run(keepalive(60, 122, 200), 250);
  // Made at 1.02, due at 121.02: the next packet (122) runs the timer, idle 120.98 s.
  assert.deepEqual(r.events.slice(0, 3), ["file_new 1.02", "file_timeout 122", "file_state_remove 122"]);
  assert.equal(r.files.length, 1);
  assert.equal(r.files[0]![TIMEDOUT], "T");
  assert.equal(r.files[0]![SEEN], "10");
});

test("activity puts the timeout off: the timer comes again a whole interval after the check", async () => {
  const more: TimedStep = [100, "s", "y".repeat(10)];
  const r = await run([more, ...keepalive(122, 200, 235, 245)], 280);
  // Checked at 122 (idle 22 s): again at 242, not at 220 (last activity + 2 min),
  // so the packet at 235 does not time it out although it was idle 135 s then.
  assert.deepEqual(r.events.slice(0, 3), ["file_new 1.02", "file_timeout 245", "file_state_remove 245"]);
  assert.equal(r.files[0]![TIMEDOUT], "T");
  assert.equal(r.files[0]![SEEN], "20");
});

test("a file_timeout handler postpones the timeout with setTimeoutInterval", async () => {
  let postponed = 0;
  const r = await run(keepalive(122, 150, 190, 250), 280, (e) =>
    e.on("file_timeout", (f: FaFile) => {
      // Once: 60 s more, counted from now.
      if (postponed++ === 0) assert.equal(f.setTimeoutInterval(60), true);
    }),
  );
  assert.deepEqual(r.events.slice(0, 4), ["file_new 1.02", "file_timeout 122", "file_timeout 190", "file_state_remove 190"]);
  // timedout: it timed out at least once.
  assert.equal(r.files.length, 1);
  assert.equal(r.files[0]![TIMEDOUT], "T");
});

test("an interval set outside file_timeout does not postpone; the next check uses it", async () => {
  const more: TimedStep = [100, "s", "y".repeat(10)];
  const r = await run([more, ...keepalive(122, 140, 153, 200)], 250, (e) => e.on("file_new", (f: FaFile) => void f.setTimeoutInterval(30)));
  // The first timer was made with 2 min (due 121.02); at 122 the file was idle 22 s < 30 s,
  // so the next check is 30 s later (152): idle 53 s, it times out at once.
  assert.deepEqual(r.events.slice(0, 3), ["file_new 1.02", "file_timeout 153", "file_state_remove 153"]);
});

test("the setting default_file_timeout_interval is every file's interval from the start", async () => {
  const r = await run(keepalive(20, 32, 60), 100, undefined, { default_file_timeout_interval: 30 });
  // Made at 1.02, due at 31.02: idle 30.98 s at 32.
  assert.deepEqual(r.events.slice(0, 3), ["file_new 1.02", "file_timeout 32", "file_state_remove 32"]);
});

test("at the end of input a pending timer times out a file idle long enough, before its connection goes", async () => {
  const more: TimedStep = [100, "s", "y".repeat(10)];
  // Checked at 122, next check due at 242; input ends at 230, the file idle 130 s.
  const r = await run([more, ...keepalive(122, 230)], null);
  assert.deepEqual(r.events, ["file_new 1.02", "file_timeout 230", "file_state_remove 230", "connection_state_remove 230"]);
  assert.equal(r.files[0]![TIMEDOUT], "T");
});

test("at the end of input a file idle less than its interval ends with its connection, not timed out", async () => {
  const more: TimedStep = [100, "s", "y".repeat(10)];
  const r = await run([more, ...keepalive(122, 200)], null);
  assert.equal(r.events.includes("file_timeout 200"), false);
  assert.equal(r.files[0]![TIMEDOUT], "F");
});
