/**
 * Zeek's logging btests that read a trace (testing/btest/scripts/base/
 * frameworks/logging/*.zeek with `zeek -b -r $TRACES/…`), replayed as
 * TypeScript twins: an engine on the corpus trace with the btest's scripts
 * and settings, its script's filters and streams set up as the script does,
 * and the logs held to the btest's baselines read from Zeek's source (they
 * skip, saying so, without it or the trace).
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type TestContext, test } from "node:test";
import { Engine } from "../../src/engine.js";
import { loadBuiltinScripts } from "../../src/index.js";
import type { LogExtension, LogManager } from "../../src/log/manager.js";
import { postprocessorCommand, type RotationFormatInfo, type RotationInfo, type RotationPath, rotationStamp } from "../../src/log/rotation.js";
import { fields } from "../../src/log/schema.js";
import type { EngineSettings } from "../../src/options.js";
import { openTrace } from "../../src/source/open.js";
import { bronze } from "../cli/run-cli.js";
import { corpusRoot } from "../helpers/corpus.js";
import { ZEEK_SEED } from "../session/harness.js";
import { baselineLines, btestOraclesMissing, canonicalLog, type ZeekSource, zeekSource } from "../signatures/btest-harness.js";

const zeek = zeekSource();

function btest(name: string, trace: string, fn: (zeek: ZeekSource) => Promise<void>): void {
  test(`Zeek's btest logging/${name}`, async (t: TestContext) => {
    if (btestOraclesMissing(t, zeek, `the logging btest ${name.split(":")[0]}`, [trace])) return;
    await fn(zeek!);
  });
}

const expected = (z: ZeekSource, name: string, file: string): string[] => baselineLines(z, `scripts.base.frameworks.logging.${name}/${file}`);

/** A `zeek -b -r TRACE` run with `loads` (-C: the setting ignore_checksums): `setup` stands for the script's zeek_init; the logs, closed. */
async function run(
  trace: string,
  options: {
    loads: string[];
    settings?: Partial<EngineSettings>;
    setup?: (logs: LogManager, engine: Engine) => void;
    onRotated?: (info: RotationInfo) => void;
    /** LogAscii::use_json=T. */
    json?: boolean;
    /** Files in this directory (the postprocessor command runs only on files); default: logs in memory. */
    logdir?: string;
    /** The logging framework's reporter errors; default: the reporter's. */
    onError?: (message: string) => void;
  },
): Promise<LogManager> {
  const { loads } = options;
  const engine = new Engine({ seed: ZEEK_SEED, bare: true, loads, settings: options.settings });
  const { logs } = loadBuiltinScripts(engine, {
    memory: options.logdir === undefined,
    logdir: options.logdir,
    bare: true,
    loads,
    stderr: null,
    onRotated: options.onRotated,
    json: options.json,
    ...(options.onError === undefined ? {} : { onError: options.onError }),
  });
  options.setup?.(logs, engine);
  await engine.run(await openTrace(join(corpusRoot(), "zeek", "traces", trace)));
  logs.closeAll();
  return logs;
}

/** A log's UTF-8 bytes, one character each, as baselines are read. */
const bytes = (logs: LogManager, path: string): string => Buffer.from(logs.text(path), "utf8").toString("latin1");

const log = (logs: LogManager, path: string): string[] => canonicalLog(bytes(logs, path).split("\n"));

btest("path-func-column-demote: a conn filter with two columns whose path function splits local and remote originators", "wikipedia.pcap", async (z) => {
  // redef Site::local_nets = {141.142.0.0/16}; the script's split_log asks Site::is_local_addr of id.orig_h.
  const local = (addr: string): boolean => addr.startsWith("141.142.");
  const logs = await run("wikipedia.pcap", {
    loads: ["base/utils/site", "base/protocols/conn", "base/frameworks/notice"],
    setup: (l) =>
      l.addFilter("conn", { name: "dst-only", include: ["ts", "id.orig_h"], pathFunc: (_path, rec) => (local(String(rec["id.orig_h"])) ? "local" : "remote") }),
  });
  for (const path of ["local", "remote"]) assert.deepEqual(log(logs, path), expected(z, "path-func-column-demote", `${path}.log`), path);
});

btest(
  "writer-path-conflict: filters asking for a path another writes get path-2, path-3, path-2-2, each change a reporter.log warning naming the filter that has it",
  "wikipedia.pcap",
  async (z) => {
    const logs = await run("wikipedia.pcap", {
      loads: ["base/protocols/http", "base/frameworks/reporter"],
      settings: { ignore_checksums: true },
      setup: (l) => {
        l.addFilter("http", { name: "host-only", include: ["host"] });
        l.addFilter("http", { name: "uri-only", include: ["uri"] });
        l.addFilter("http", { name: "status-only", path: "http-2", include: ["status_code"] });
      },
    });
    for (const path of ["reporter", "http", "http-2", "http-3", "http-2-2"]) {
      assert.deepEqual(log(logs, path), expected(z, "writer-path-conflict", `${path}.log`), path);
    }
  },
);

/** Runs `fn` with TZ=UTC: rotated names and the postprocessor's times are local time, and Zeek's btests run in UTC. */
async function inUtc<T>(fn: () => Promise<T>): Promise<T> {
  const tz = process.env.TZ;
  process.env.TZ = "UTC";
  try {
    return await fn();
  } finally {
    if (tz === undefined) delete process.env.TZ;
    else process.env.TZ = tz;
  }
}

/**
 * The rotate btests' run: rotation.pcap, Log::default_rotation_interval=1hr, a
 * Test::LOG stream (path "test": t and the conn_id) written at each
 * new_connection, `filters` added at zeek_init. The files rotated for
 * stream "test" (bronze's -b conn.log rotates too), in rotation order.
 */
async function rotationRun(filters: (logs: LogManager) => void = () => {}): Promise<{ logs: LogManager; rotated: RotationInfo[] }> {
  const rotated: RotationInfo[] = [];
  const logs = await run("rotation.pcap", {
    loads: [],
    settings: { "Log::default_rotation_interval": 3600 },
    onRotated: (info) => rotated.push(info),
    setup: (l, engine) => {
      const w = l.open({
        path: "test",
        fields: fields(["t", "time"], ["id.orig_h", "addr"], ["id.orig_p", "port"], ["id.resp_h", "addr"], ["id.resp_p", "port"]),
      });
      filters(l);
      engine.on("new_connection", (c) => w.write([engine.clock.now, c.id.orig_h, c.id.orig_p, c.id.resp_h, c.id.resp_p]));
    },
  });
  return { logs, rotated: rotated.filter((info) => info.path.startsWith("test")) };
}

/** What postprocessor command `cmd` prints for a rotated file: the command bronze builds for it, run by the shell in `cwd`. */
function postprocessed(cmd: string, info: RotationInfo, cwd?: string): string {
  return execFileSync("/bin/sh", ["-c", postprocessorCommand(cmd, info)], { encoding: "utf8", cwd }).trim();
}

/** `for i in NAMES; do printf '> %s\n' $i; cat $i; done`: each rotated file's name and lines. */
function catRotated(logs: LogManager, names: readonly string[]): string[] {
  return names.flatMap((f) => [
    `> ${f}`,
    ...bytes(logs, f.slice(0, -".log".length))
      .split("\n")
      .filter((l) => l !== ""),
  ]);
}

btest("rotate: a log rotated every hour of network time, the postprocessor command (echo) run on each file with Zeek's arguments", "rotation.pcap", (z) =>
  inUtc(async () => {
    const { logs, rotated } = await rotationRun();
    // Log::default_rotation_postprocessor_cmd = "echo": its lines (grep test | sort), then the files.
    const echoed = rotated.map((info) => postprocessed("echo", info)).sort();
    const files = rotated.map((info) => info.fname).sort();
    assert.deepEqual(canonicalLog([...echoed, ...catRotated(logs, files)]), expected(z, "rotate", "out"));
  }),
);

/** The btests' custom_rotate: print "custom rotate", info. */
function printedInfo(info: RotationInfo): string {
  const when = (t: number) => t.toFixed(6);
  const terminating = info.terminating ? "T" : "F";
  return `custom rotate, [writer=Log::WRITER_ASCII, fname=${info.fname}, path=${info.path}, open=${when(info.open)}, close=${when(info.close)}, terminating=${terminating}]`;
}

/**
 * rotate-custom's out: the script's prints and pp.log's lines (the default
 * filter's command "echo 1st >>pp.log", run for its files) sorted, then
 * every rotated file's name and lines: sort | diff-remove-timestamps | uniq.
 */
function customOut(logs: LogManager, rotated: readonly RotationInfo[], printed: readonly string[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), "bronze-logbt-"));
  for (const info of rotated.filter((r) => r.path === "test")) postprocessed("echo 1st >>pp.log", info, dir);
  const pp = readFileSync(join(dir, "pp.log"), "utf8")
    .split("\n")
    .filter((l) => l !== "");
  const files = rotated.map((info) => info.fname).sort();
  const lines = withoutTimestamps(catRotated(logs, files).sort()).filter((l, i, all) => i === 0 || l !== all[i - 1]);
  return [...[...printed, ...pp].sort(), ...lines];
}

// my_rotation_format_func of rotate-custom-fmt-func: path__<open>__<close>__, with Log::default_rotation_date_format.
const fmtFunc = (ri: RotationFormatInfo): RotationPath => ({ fileBasename: `${ri.path}__${rotationStamp(ri.open)}__${rotationStamp(ri.close)}__` });

for (const [name, what, format] of [
  ["rotate-custom", "a filter with its own interval (30 min) and postprocessor function beside the default filter's hourly postprocessor command", null],
  ["rotate-custom-fmt-func", "the same, Log::rotation_format_func naming every rotated file, the default filter's and the other's", fmtFunc],
] as const) {
  btest(`${name}: ${what}`, "rotation.pcap", (z) =>
    inUtc(async () => {
      const printed: string[] = [];
      const customRotate = (info: RotationInfo): void => void printed.push(printedInfo(info));
      const { logs, rotated } = await rotationRun((l) => {
        if (format !== null) l.setRotationFormat(format);
        l.addFilter("test", { name: "2nd", path: "test2", interv: 1800, postprocessor: customRotate });
      });
      assert.deepEqual(withoutTimestamps(customOut(logs, rotated, printed)), expected(z, name, "out"));
    }),
  );
}

btest(
  "rotate-pp-env: the postprocessor command's environment holds Log::default_rotation_postprocessor_cmd_env's entries as ZEEK_ARG_ variables, beside the run's own",
  "rotation.pcap",
  (z) =>
    inUtc(async () => {
      const dir = mkdtempSync(join(tmpdir(), "bronze-logbt-"));
      const external = process.env.ZEEK_ARG_EXTERNAL;
      // The btest runs ZEEK_ARG_EXTERNAL=external zeek …; its command prints on standard output, which bronze gives the
      // postprocessor as stderr: the same command appends to a file instead.
      process.env.ZEEK_ARG_EXTERNAL = "external";
      try {
        const rotated: RotationInfo[] = [];
        await run("rotation.pcap", {
          loads: [],
          logdir: dir,
          settings: {
            "Log::default_rotation_interval": 3600,
            "Log::default_rotation_postprocessor_cmd": `env | grep ZEEK_ARG | sort >>${join(dir, "env.out")}; true `,
            // The redef's REDEF, and INIT, which its zeek_init adds before any rotation.
            "Log::default_rotation_postprocessor_cmd_env": new Map([
              ["REDEF", "redef"],
              ["INIT", "zeek_init"],
            ]),
          },
          onRotated: (info) => rotated.push(info),
          setup: (l, engine) => {
            l.disableStream("conn"); // bronze's -b conn.log, which Zeek's run does not write
            const w = l.open({ path: "test", fields: fields(["t", "time"], ["id.orig_h", "addr"], ["id.resp_h", "addr"]) });
            engine.on("new_connection", (c) => w.write([engine.clock.now, c.id.orig_h, c.id.resp_h]));
          },
        });
        const want = expected(z, "rotate-pp-env", "out");
        const out = join(dir, "env.out");
        // The commands run in the background: wait for their lines.
        for (let i = 0; i < 200 && (!existsSync(out) || lines(out).length < want.length); i++) await new Promise((ok) => setTimeout(ok, 25));
        assert.equal(rotated.length * 3, want.length);
        assert.deepEqual(lines(out), want);
      } finally {
        if (external === undefined) delete process.env.ZEEK_ARG_EXTERNAL;
        else process.env.ZEEK_ARG_EXTERNAL = external;
      }
    }),
);

btest("rotate-sanitize: a path with shell syntax in it reaches the postprocessor command as one quoted argument, never as commands", "rotation.pcap", () =>
  inUtc(async () => {
    const dir = mkdtempSync(join(tmpdir(), "bronze-logbt-"));
    const path = "; touch must-not-exist; true ";
    const rotated: RotationInfo[] = [];
    await run("rotation.pcap", {
      loads: [],
      logdir: dir,
      // "echo" as the btest's; its output (on stderr, as bronze gives it) kept out of the test's own: a file instead.
      settings: { "Log::default_rotation_interval": 3600, "Log::default_rotation_postprocessor_cmd": `echo >>${join(dir, "echo.out")}` },
      onRotated: (info) => rotated.push(info),
      setup: (l, engine) => {
        l.disableStream("conn");
        const w = l.open({ path, fields: fields(["t", "time"], ["id.orig_h", "addr"], ["id.resp_h", "addr"]) });
        engine.on("new_connection", (c) => w.write([engine.clock.now, c.id.orig_h, c.id.resp_h]));
      },
    });
    const out = join(dir, "echo.out");
    for (let i = 0; i < 200 && (!existsSync(out) || lines(out).length < rotated.length); i++) await new Promise((ok) => setTimeout(ok, 25));
    assert.equal(lines(out).length, rotated.length);
    // Each command printed the path as given, and made no file (Zeek's btest: test -f must-not-exist fails).
    for (const line of lines(out)) assert.ok(line.includes(` ${path} `), line);
    // (The command runs in the working directory, as Zeek's.)
    assert.equal(existsSync("must-not-exist"), false);
  }),
);

/** rotate-custom-fmt-func-bad's run: the btest's my_rotation_format_func, which fails twice; the files and the errors. */
async function badFormatRun(z: ZeekSource): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "bronze-logbt-"));
  const errors: string[] = [];
  // The btest's my_rotation_format_func: path-<count of its calls for the path>, nothing at test's 4th, a division by zero at its 8th.
  const calls = new Map<string, number>();
  const format = (ri: RotationFormatInfo): RotationPath | undefined => {
    const c = (calls.get(ri.path) ?? 0) + 1;
    calls.set(ri.path, c);
    if (ri.path === "test" && c === 4) return undefined;
    if (ri.path === "test" && c === 8) throw new RangeError("division by zero");
    return { fileBasename: `${ri.path}-${c}` };
  };
  await run("rotation.pcap", {
    loads: [],
    logdir: dir,
    settings: { "Log::default_rotation_interval": 3600 },
    onError: (m) => errors.push(m),
    setup: (l, engine) => {
      l.disableStream("conn");
      l.setRotationFormat(format);
      const w = l.open({ path: "test", fields: fields(["t", "time"], ["id.orig_h", "addr"], ["id.resp_h", "addr"]) });
      engine.on("new_connection", (c) => w.write([engine.clock.now, c.id.orig_h, c.id.resp_h]));
    },
  });
  // ls test*log | sort
  const files = readdirSync(dir)
    .filter((f) => /^test.*log$/.test(f))
    .sort();
  assert.deepEqual(files, expected(z, "rotate-custom-fmt-func-bad", "out"));
  // Zeek's .stderr: its interpreter's own two lines (a warning, an expression error), then the logging manager's errors, held here.
  const fallbacks = expected(z, "rotate-custom-fmt-func-bad", ".stderr")
    .filter((l) => l.includes("Failed to call"))
    .map((l) => l.replace(/^\d+\.\d+ error: /, ""));
  assert.equal(fallbacks.length, 2);
  assert.deepEqual(
    errors.filter((m) => m.startsWith("Failed to call")),
    fallbacks,
  );
  assert.deepEqual(
    errors.filter((m) => !m.startsWith("Failed to call")),
    ["Log::rotation_format_func for path test: division by zero"],
  );
}

btest(
  "rotate-custom-fmt-func-bad: a Log::rotation_format_func that gives no name (4th rotation) or fails (8th): an error each, and the file named path-%y-%m-%d_%H.%M.%S",
  "rotation.pcap",
  (z) => inUtc(() => badFormatRun(z)),
);

/** A text file's lines, without empty ones. */
function lines(path: string): string[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l !== "");
}

btest("scope_sep: Log::default_scope_sep=_ joins conn.log's nested names with _", "wikipedia.pcap", async (z) => {
  const logs = await run("wikipedia.pcap", { loads: ["base/protocols/conn"], setup: (l) => l.configure({ scopeSep: "_" }) });
  assert.deepEqual(log(logs, "conn"), expected(z, "scope_sep", "conn.log"));
});

btest("field-name-map2: Log::default_field_name_map renames the id columns", "auth_change_session_keys.pcap", async (z) => {
  const fieldNameMap = { "id.orig_h": "src_ip", "id.orig_p": "src_port", "id.resp_h": "dst_ip", "id.resp_p": "dst_port" };
  const logs = await run("auth_change_session_keys.pcap", { loads: ["base/protocols/conn"], setup: (l) => l.configure({ fieldNameMap }) });
  assert.deepEqual(log(logs, "conn"), expected(z, "field-name-map2", "conn.log"));
});

/** Zeek's diff-remove-timestamps canonifier: every number that looks like a time masked, and the #open/#close dates. */
function withoutTimestamps(lines: readonly string[]): string[] {
  return lines.map((l) =>
    l.replace(/(^|[^0-9])([0-9]{9,10}\.[0-9]{1,8})/g, "$1XXXXXXXXXX.XXXXXX").replace(/^ *#(open|close).(19|20)..-..-..-..-..-..$/, "#$1 XXXX-XX-XX-XX-XX-XX"),
  );
}

/** Zeek's peer_description default, which the extension btests log as _system_name. */
const PEER_DESCRIPTION = "zeek";

/** The btests' add_extension: $write_ts = network_time(), $stream = path, $system_name = peer_description. */
function extension(engine: Engine): LogExtension {
  return {
    fields: fields(["write_ts", "time"], ["stream", "string"], ["system_name", "string"]),
    values: (path) => [engine.clock.now, path, PEER_DESCRIPTION],
  };
}

btest(
  "field-extension-include-exclude: Log::default_ext_func's columns stay in filters' files whatever their $include and $exclude say",
  "wikipedia.pcap",
  async (z) => {
    const logs = await run("wikipedia.pcap", {
      loads: ["base/protocols/conn"],
      setup: (l, engine) => {
        l.configure({ extension: extension(engine) });
        l.removeFilter("conn", "default");
        l.addFilter("conn", { name: "default-inc", path: "conn-inc", include: ["ts", "uid", "id.orig_h", "id.resp_h"] });
        l.addFilter("conn", { name: "default-exc", path: "conn-exc", exclude: ["_write_ts"] });
      },
    });
    for (const path of ["conn-inc", "conn-exc"]) {
      assert.deepEqual(withoutTimestamps(log(logs, path)), expected(z, "field-extension-include-exclude", `${path}.log`), path);
    }
  },
);

btest("field-extension-optional: the extension record's &log fields only, an unset &optional one unset", "wikipedia.pcap", async (z) => {
  // Extension: write_ts &log, stream (not &log), system_name &log &optional (set), undefined_string &log &optional (unset).
  const logs = await run("wikipedia.pcap", {
    loads: ["base/protocols/conn"],
    setup: (l, engine) =>
      l.configure({
        extension: {
          fields: fields(["write_ts", "time"], ["system_name", "string"], ["undefined_string", "string"]),
          values: () => [engine.clock.now, PEER_DESCRIPTION],
        },
      }),
  });
  assert.deepEqual(withoutTimestamps(log(logs, "conn")), expected(z, "field-extension-optional", "conn.log"));
});

btest(
  "field-extension-invalid: an extension function that returns no record leaves its columns unset (conn.log; not Zeek's script warning)",
  "http/get.pcap",
  async (z) => {
    const logs = await run("http/get.pcap", {
      loads: ["base/protocols/conn"],
      setup: (l, engine) => l.configure({ extension: { fields: extension(engine).fields, values: () => null } }),
    });
    assert.deepEqual(withoutTimestamps(log(logs, "conn")), expected(z, "field-extension-invalid", "conn.log"));
  },
);

btest(
  "json-non-printable-escaping: http.log's non-printable bytes in ASCII and in JSON (LogAscii::use_json=T)",
  "http/http-non-printable-characters.pcap",
  async (z) => {
    for (const [json, file] of [
      [false, "http.log.tsv"],
      [true, "http.log.json"],
    ] as const) {
      const logs = await run("http/http-non-printable-characters.pcap", {
        loads: ["base/protocols/conn", "base/protocols/http"],
        settings: { ignore_checksums: true },
        json,
      });
      const lines = json
        ? withoutTimestamps(
            bytes(logs, "http")
              .split("\n")
              .filter((l) => l !== ""),
          )
        : log(logs, "http");
      assert.deepEqual(lines, expected(z, "json-non-printable-escaping", file), file);
    }
  },
);

btest("env-ext: ZEEK_LOG_SUFFIX=txt names the log files conn.txt", "wikipedia.pcap", async () => {
  const dir = mkdtempSync(join(tmpdir(), "bronze-logbt-"));
  const trace = join(corpusRoot(), "zeek", "traces", "wikipedia.pcap");
  const r = await bronze(["-b", "-r", trace, "--logdir", dir, "base/protocols/conn"], { ZEEK_LOG_SUFFIX: "txt" });
  assert.equal(r.code, 0, r.err);
  assert.equal(existsSync(join(dir, "conn.txt")), true);
  assert.equal(existsSync(join(dir, "conn.log")), false);
});

const CONN_ID_NAMES = { orig_h: "src", orig_p: "src_port", resp_h: "dst", resp_p: "dst_port" } as const;

/** Log::default_field_name_map of field-name-map and scope_sep_and_field_name_map: the conn_id's columns renamed, keyed as written with `sep`. */
function connIdNameMap(sep: string): Record<string, string> {
  return Object.fromEntries(Object.entries(CONN_ID_NAMES).map(([field, name]) => [`id${sep}${field}`, name]));
}

for (const [name, scopeSep] of [
  ["field-name-map", "."],
  ["scope_sep_and_field_name_map", "*"],
] as const) {
  btest(
    `${name}: Log::default_field_name_map renames conn.log's id columns, looked up after Log::default_scope_sep "${scopeSep}" joins them`,
    "wikipedia.pcap",
    async (z) => {
      const logs = await run("wikipedia.pcap", {
        loads: ["base/protocols/conn"],
        setup: (l) => l.configure({ scopeSep, fieldNameMap: connIdNameMap(scopeSep) }),
      });
      assert.deepEqual(log(logs, "conn"), expected(z, name, "conn.log"));
    },
  );
}
