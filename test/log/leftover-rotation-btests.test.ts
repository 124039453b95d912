/**
 * Zeek's leftover log rotation (LogAscii::enable_leftover_log_rotation):
 * rotating logs keep a shadow file while open, and a run that starts finds
 * the logs a dead run left (they have a shadow file) and rotates them first.
 * Zeek's btests (testing/btest/scripts/base/frameworks/logging/rotate-*
 * leftover*) are replayed through bronze's command line in a temporary
 * working directory: their setup (the files their TEST-EXEC lines make) and
 * their redefs are read from the btest, the script's postprocessor function is
 * a user script's registered postprocessor, and what they check is held to
 * their baselines (skipped, saying so, without Zeek's source).
 *
 * Zeek runs these without input (`zeek -b script`); bronze needs one, so it
 * reads an empty trace. bronze's stderr lines start with "bronze: ", taken off
 * before comparing.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type TestContext, test } from "node:test";
import { LogManager } from "../../src/log/manager.js";
import { type RotationInfo, rotationStamp } from "../../src/log/rotation.js";
import { fields } from "../../src/log/schema.js";
import { defaultSettings } from "../../src/options.js";
import type { TimerClient } from "../../src/session/timers.js";
import { bronze } from "../cli/run-cli.js";
import { corpusRoot, oracleMissing, repoRoot } from "../helpers/corpus.js";
import { writePcap } from "../helpers/packets.js";
import { baselineLines, btestOraclesMissing, canonicalLog, type ZeekSource, zeekSource } from "../signatures/btest-harness.js";

const zeek = zeekSource();
const DIR = "testing/btest/scripts/base/frameworks/logging";

/** A btest replayed in a fresh working directory (the process's, for the run: Zeek's btests work in theirs). */
function btest(name: string, what: string, fn: (z: ZeekSource, source: string) => Promise<void>): void {
  test(`Zeek's btest logging/${name}: ${what}`, async (t: TestContext) => {
    if (zeek === null) {
      t.skip(`Zeek's source not found (set BRONZE_ZEEK_SOURCE): the btest ${name} is not replayed`);
      return;
    }
    const source = zeek.read(`${DIR}/${name}.zeek`);
    await inTempDir(() => fn(zeek, source));
  });
}

async function inTempDir(fn: () => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "bronze-leftover-"));
  const cwd = process.cwd();
  const tz = process.env.TZ;
  process.chdir(dir);
  process.env.TZ = "UTC";
  try {
    await fn();
  } finally {
    process.chdir(cwd);
    if (tz === undefined) delete process.env.TZ;
    else process.env.TZ = tz;
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The files the btest's TEST-EXEC lines make before Zeek runs (`mkdir D`, `echo "TEXT" >> FILE`), made here. */
function setUp(source: string): void {
  for (const [, command] of source.matchAll(/^# @TEST-EXEC: (.*)$/gm)) {
    if (command!.startsWith("zeek ")) return;
    const mkdir = /^mkdir (\S+)$/.exec(command!);
    const echo = /^echo "([^"]*)" (>>?) (\S+)$/.exec(command!);
    if (mkdir !== null) mkdirSync(mkdir[1]!);
    else if (echo !== null) writeFileSync(echo[3]!, `${echo[1]}\n`, { flag: echo[2] === ">>" ? "a" : "w" });
    else throw new Error(`a set-up step this replay does not know: ${command}`);
  }
}

/** The btest's redefs as bronze settings (`redef Log::default_logdir = "./logs";` → `Log::default_logdir=./logs`). */
function redefs(source: string): string[] {
  return [...source.matchAll(/^redef ([\w:]+) = (.*);$/gm)].map(([, name, value]) => `${name}=${value!.replace(/^"(.*)"$/, "$1")}`);
}

/** The btests' my_rotation_postprocessor, as a user script: a postprocessor registered under the function's name. */
const MY_POSTPROCESSOR = `export default (engine, { logs }) => {
  logs.registerPostprocessor("my_rotation_postprocessor", (info) => console.log(\`running my rotation postprocessor for path '\${info.path}'\`));
};
`;

/** `bronze -b -r <empty trace> [script] SETTINGS`: Zeek's `zeek -b %INPUT` (nothing to read). */
async function run(settings: string[], script?: string): Promise<{ out: string[]; err: string[] }> {
  writeFileSync("empty.pcap", writePcap([]));
  const args = ["-b", "-r", "empty.pcap", ...settings];
  if (script !== undefined) {
    writeFileSync("script.mjs", script);
    args.splice(3, 0, "script.mjs");
  }
  const r = await bronze(args);
  assert.equal(r.code, 0, r.err);
  const lines = (text: string): string[] => text.split("\n").filter((l) => l !== "");
  return { out: lines(r.out), err: lines(r.err).map((l) => l.replace(/^bronze: /, "")) };
}

/** `cat ./DIR/PATH-*.log` for each path: the rotated files' lines, in the shell's order. */
function catRotated(dir: string, paths: readonly string[], separator: string): string[] {
  return paths.flatMap((path) =>
    readdirSync(dir)
      .filter((f) => f.startsWith(`${path}${separator}`) && f.endsWith(".log"))
      .sort()
      .flatMap((f) => readFileSync(join(dir, f), "utf8").split("\n").slice(0, -1)),
  );
}

/** The `! test -f FILE` checks of the btest: those files are gone. */
function assertGone(source: string): void {
  const gone = [...source.matchAll(/^# @TEST-EXEC: ! test -f (\S+)$/gm)].map((m) => m[1]!);
  assert.ok(gone.length > 0, "the btest's checks were read");
  for (const file of gone) assert.equal(existsSync(file), false, `${file} is left`);
}

/** Zeek's diff-remove-abspath, for the paths these outputs hold: a path with directories becomes <...>/ and its last part. */
const withoutAbspath = (line: string): string => line.replace(/\/+/g, "/").replace(/\/([^\t :/]+\/)+([^\t :/]+)/g, "<...>/$2");

for (const [name, logdir] of [
  ["rotate-leftover-log-rotation-shadow-files", "."],
  ["rotate-default-logdir-leftover-log-rotation-shadow-files", "logs"],
] as const) {
  btest(
    name,
    `leftover conn and dns logs with shadow files in ${logdir === "." ? "the working directory" : "Log::default_logdir"} are rotated at start-up through the postprocessor they name`,
    async (z, source) => {
      setUp(source);
      const { out, err } = await run(redefs(source), MY_POSTPROCESSOR);
      assert.deepEqual(out.sort(), baselineLines(z, `scripts.base.frameworks.logging.${name}/out`));
      // What bronze says on stderr: one info line per log rotated.
      const where = logdir === "." ? "" : "./logs/";
      assert.deepEqual(
        err.map(withoutAbspath).sort(),
        ["conn", "dns"].map((path) => withoutAbspath(`Rotated/postprocessed leftover log '/x/${path}.log' -> '${where}${path}-${stampOf(logdir, path)}.log' `)),
      );
      assertGone(source);
      // Rotated where the logs are, named path-%y-%m-%d_%H.%M.%S (the scripts' own postprocessor) after the shadow file's time.
      assert.deepEqual(catRotated(logdir, ["conn", "dns"], "-"), baselineLines(z, `scripts.base.frameworks.logging.${name}/logs.cat`));
    },
  );
}

/** The open-time stamp in the name of the one rotated file of `path` in `dir` (the shadow file's change time, now). */
function stampOf(dir: string, path: string): string {
  const names = readdirSync(dir).filter((f) => f.startsWith(`${path}-`));
  assert.equal(names.length, 1, `${path}: ${names.join(", ")}`);
  return /^[a-z]+-(\d\d-\d\d-\d\d_\d\d\.\d\d\.\d\d)\.log$/.exec(names[0]!)![1]!;
}

btest(
  "rotate-default-logdir-leftover-log-rotation-stale-shadow-files",
  "a shadow file without its log is removed at start-up, without a word",
  async (z, source) => {
    setUp(source);
    const { out, err } = await run(redefs(source), MY_POSTPROCESSOR);
    // zeek … > out 2>&1
    assert.deepEqual([...out, ...err], baselineLines(z, "scripts.base.frameworks.logging.rotate-default-logdir-leftover-log-rotation-stale-shadow-files/out"));
    assertGone(source);
  },
);

btest(
  "rotate-leftover-log-rotation-shadow-files-postprocessor-errors",
  "a shadow file naming a function that is no postprocessor: a warning, and the default postprocessor (Log::default_rotation_date_format names the files)",
  async (z, source) => {
    setUp(source);
    // The btest's wrongly_typed_rotation_postprocessor is a function but no postprocessor: bronze's
    // registry holds postprocessors only, so the twin registers neither name.
    const { out, err } = await run(redefs(source));
    assert.deepEqual(out, []);
    assert.deepEqual(
      err.map(withoutAbspath).sort(),
      baselineLines(z, "scripts.base.frameworks.logging.rotate-leftover-log-rotation-shadow-files-postprocessor-errors/.stderr"),
    );
    assertGone(source);
    // cat ./conn.*.log ./dns.*.log
    assert.deepEqual(
      catRotated(".", ["conn", "dns"], "."),
      baselineLines(z, "scripts.base.frameworks.logging.rotate-leftover-log-rotation-shadow-files-postprocessor-errors/logs.cat"),
    );
  },
);

/** 2011-03-07 03:00:05 UTC. */
const T0 = Date.UTC(2011, 2, 7, 3, 0, 5) / 1000;
const HOUR = 3600;

/** A log manager writing files in the working directory, rotating hourly, its timers kept here; `leftover`: LogAscii::enable_leftover_log_rotation. */
function rotatingLogs(leftover: boolean, interval = HOUR) {
  const timers: Array<{ client: TimerClient; time: number }> = [];
  const clock = { now: T0 };
  const settings = { ...defaultSettings(), "Log::default_rotation_interval": interval, "LogAscii::enable_leftover_log_rotation": leftover };
  const rotated: RotationInfo[] = [];
  const logs = new LogManager({
    rotation: { clock, settings, scheduleClient: (client, time) => void timers.push({ client, time }) },
    onRotated: (i) => rotated.push(i),
  });
  const fire = (t: number): void => {
    clock.now = t;
    for (const x of timers.splice(0).filter((x) => x.time <= t)) x.client.onTimer(false);
  };
  return { logs, fire, rotated };
}

test("a rotating log's shadow file: written as its file opens (extension, then its filter's postprocessor's name), removed as it rotates, written again for the next file", () =>
  inTempDir(async () => {
    const { logs, fire } = rotatingLogs(true);
    const own = (_info: RotationInfo): void => {};
    logs.registerPostprocessor("site_postprocessor", own);
    const w = logs.open({ path: "test", fields: fields(["t", "time"]) });
    logs.addFilter("test", { name: "own", path: "test-own", postprocessor: own });
    assert.equal(existsSync(".shadow.test.log"), false, "nothing before the first record");
    w.write([T0]);
    assert.equal(readFileSync(".shadow.test.log", "utf8"), ".log\n\n");
    // The registered name, not the function's.
    assert.equal(readFileSync(".shadow.test-own.log", "utf8"), ".log\nsite_postprocessor\n");
    assert.deepEqual(
      readdirSync(".").filter((f) => f.startsWith(".tmp")),
      [],
    );
    fire(T0 + HOUR);
    assert.equal(existsSync(".shadow.test.log"), false, "rotated: no leftover");
    assert.equal(existsSync(`test.${rotationStamp(T0)}.log`), true);
    w.write([T0 + HOUR]);
    assert.equal(existsSync(".shadow.test.log"), true, "the next file has one");
    logs.closeAll();
    assert.deepEqual(
      readdirSync(".").filter((f) => f.startsWith(".shadow")),
      [],
      "the end of the run rotates all",
    );
  }));

test("no shadow file without LogAscii::enable_leftover_log_rotation, nor for a log that does not rotate", () =>
  inTempDir(async () => {
    for (const [leftover, interval] of [
      [false, HOUR],
      [true, 0],
    ] as const) {
      const { logs } = rotatingLogs(leftover, interval);
      logs.open({ path: "test", fields: fields(["t", "time"]) }).write([T0]);
      assert.deepEqual(
        readdirSync(".").filter((f) => f.startsWith(".")),
        [],
      );
      logs.closeAll();
    }
  }));

test("bronze -r after a run that died: its log is rotated before anything else is written, named by the shadow file's time, the postprocessor command run on it", () =>
  inTempDir(async () => {
    // A run that dies with test.log open: never closed.
    const { logs } = rotatingLogs(true);
    logs.open({ path: "test", fields: fields(["t", "time"]) }).write([T0]);
    const opened = Math.floor(statSync(".shadow.test.log").ctimeMs / 1000);
    const { err } = await run([
      "LogAscii::enable_leftover_log_rotation=T",
      "Log::default_rotation_interval=1hr",
      "Log::default_rotation_postprocessor_cmd=echo >>pp.out",
    ]);
    const name = `test.${rotationStamp(opened)}.log`;
    assert.deepEqual(err.map(withoutAbspath), [`Rotated/postprocessed leftover log '<...>/test.log' -> '${name}' `]);
    assert.equal(existsSync("test.log"), false);
    assert.equal(existsSync(".shadow.test.log"), false);
    // What the dead run had written out (its last buffer died with it): here, nothing yet.
    assert.equal(readFileSync(name, "utf8"), "");
    for (let i = 0; i < 100 && !existsSync("pp.out"); i++) await new Promise((ok) => setTimeout(ok, 25));
    assert.match(readFileSync("pp.out", "utf8"), new RegExp(`^${name.replace(/\./g, "\\.")} test \\S+ \\S+ 0 ascii\n$`));
  }));

test("a leftover log that cannot be renamed is Zeek's fatal error: one line, exit 1, no log written, the leftover and its shadow file left as they were", () =>
  inTempDir(async () => {
    const { logs } = rotatingLogs(true);
    logs.open({ path: "test", fields: fields(["t", "time"]) }).write([T0]);
    const opened = Math.floor(statSync(".shadow.test.log").ctimeMs / 1000);
    // A directory where the rotated file would go: rename() cannot put a file there.
    const name = `test.${rotationStamp(opened)}.log`;
    mkdirSync(join(name, "taken"), { recursive: true });
    writeFileSync("empty.pcap", writePcap([]));
    // The default scripts: packet_filter.log would be written at zeek_init.
    const r = await bronze(["-r", "empty.pcap", "LogAscii::enable_leftover_log_rotation=T", "Log::default_rotation_interval=1hr"]);
    assert.equal(r.code, 1);
    assert.match(r.err, /^bronze: fatal error: Found leftover\/unprocessed log '.*\/test\.log', but failed to rotate it: .+\n$/);
    // Zeek stops before zeek_init: no log is written, the leftover and its shadow file stay.
    assert.deepEqual(readdirSync(".").sort(), [".shadow.test.log", "empty.pcap", name, "test.log"].sort());
  }));

/** The rotate btests' Test::LOG stream, as a user script: t and the conn_id, a row at each new_connection. */
const TEST_LOG = `export default (engine, { logs }) => {
  const w = logs.open({ path: "test", fields: ["t:time", "id.orig_h:addr", "id.orig_p:port", "id.resp_h:addr", "id.resp_p:port"].map((f) => ({ name: f.split(":")[0], type: f.split(":")[1] })) });
  engine.on("new_connection", (c) => w.write([engine.clock.now, c.id.orig_h, c.id.orig_p, c.id.resp_h, c.id.resp_p]));
};
`;

const CLI = join(repoRoot(), "dist", "src", "cli", "main.js");

for (const [name, what] of [
  ["rotate-default-logdir", "Log::default_logdir=./logs: rotated files stay there, the postprocessor command gets ./logs/test.<open>.log"],
  ["rotate-ascii-logdir-leftover-log-rotation", "the same with leftover rotation on: shadow files beside the logs, gone at the end"],
] as const) {
  test(`Zeek's btest logging/${name}: ${what}`, async (t: TestContext) => {
    if (btestOraclesMissing(t, zeek, `the logging btest ${name}`, ["rotation.pcap"])) return;
    if (!existsSync(CLI)) return oracleMissing(t, `bronze is not built (${CLI} missing): run npm run build`);
    const source = zeek!.read(`${DIR}/${name}.zeek`);
    await inTempDir(async () => {
      setUp(source);
      writeFileSync("script.mjs", TEST_LOG);
      // zeek -b -r rotation.pcap %INPUT >zeek.out 2>&1, with the postprocessor commands' output (they finish before the pipe closes).
      const trace = join(corpusRoot(), "zeek", "traces", "rotation.pcap");
      const r = spawnSync(process.execPath, [CLI, "-b", "-r", trace, "script.mjs", ...redefs(source)], {
        encoding: "utf8",
        env: { ...process.env, TZ: "UTC" },
      });
      assert.equal(r.status, 0, r.stderr);
      const zeekOut = `${r.stdout}${r.stderr}`.split("\n");
      // grep "test" zeek.out | sort; then each rotated file (ls DIR/test.*.log | sort), its name and its lines.
      const dir = /ls (\S+)\/test\.\*\.log/.exec(source)![1]!;
      const files = readdirSync(dir)
        .filter((f) => /^test\..*\.log$/.test(f))
        .sort();
      const out = [
        ...zeekOut.filter((l) => l.includes("test")).sort(),
        ...files.flatMap((f) => [`> ${dir}/${f}`, ...readFileSync(join(dir, f), "utf8").split("\n")]),
      ];
      const canonify = source.includes("diff-remove-abspath") ? withoutAbspath : (l: string) => l;
      assert.deepEqual(canonicalLog(out).map(canonify), baselineLines(zeek!, `scripts.base.frameworks.logging.${name}/out`));
      assert.deepEqual(
        readdirSync(dir).filter((f) => f.startsWith(".")),
        [],
        "no shadow file left",
      );
    });
  });
}
