/**
 * What a Zeek user trips over at the command line (issue 18): each test runs
 * the command as a user would — in-process through main(), or the built
 * program where signals, pipes and exit statuses matter.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { oracleMissing, repoRoot } from "../helpers/corpus.js";
import { frame, type TestPacket, tcp4, udp4, writePcap } from "../helpers/packets.js";
import { bronze, oneErrorLine, USES_LIBRARY, withDir } from "./run-cli.js";
import { sampleTrace } from "./traces.js";

const cli = join(repoRoot(), "dist", "bronze.js");

/** A trace of `n` UDP packets with 1,400-byte payloads (megabytes: more than a pipe holds). */
function bigTrace(n: number): Uint8Array {
  const packets: TestPacket[] = [];
  const payload = "x".repeat(1400);
  for (let i = 0; i < n; i++)
    packets.push({ ts: 1700000000 + i / 1000, bytes: frame(udp4({ src: "10.0.0.1", dst: "10.0.0.2" }, { sport: 1000 + (i % 50), dport: 53, payload })) });
  return writePcap(packets);
}

interface Spawned {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Runs the built command; `onStdout` sees each chunk of its standard output with the child. */
function spawnBronze(args: string[], cwd: string, onStdout?: (chunk: Buffer, child: ReturnType<typeof spawn>) => void): Promise<Spawned> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    child.stdout!.on("data", (d: Buffer) => onStdout?.(d, child));
    child.on("error", fail);
    child.on("close", (code, signal) => done({ code, signal, stderr }));
  });
}

// ---------------------------------------------------------------- item 6: -w

test(
  "-w to a path that cannot be written: one line before reading, no logs",
  withDir(async (dir) => {
    const trace = join(dir, "t.pcap");
    writeFileSync(trace, sampleTrace());
    oneErrorLine(
      await bronze(["-r", trace, "--logdir", dir, "-w", join(dir, "no", "such", "out.pcap")]),
      /^bronze: cannot write .*out\.pcap: no such directory$/,
    );
    oneErrorLine(await bronze(["-r", trace, "--logdir", dir, "-w", dir]), /^bronze: cannot write .*: is a directory$/);
    assert.equal(existsSync(join(dir, "conn.log")), false, "no conn.log that looks complete");
  }),
);

test(
  "a log the disk will not take (conn.log on /dev/full): one error naming it, the other logs written, exit 0 as Zeek's",
  withDir(async (dir, t) => {
    if (!existsSync("/dev/full")) return t.skip("no /dev/full on this system");
    const trace = join(dir, "t.pcap");
    writeFileSync(trace, sampleTrace());
    const logs = join(dir, "logs");
    mkdirSync(logs);
    symlinkSync("/dev/full", join(logs, "conn.log"));
    if (!existsSync(cli)) return oracleMissing(t, `bronze is not built (${cli} missing): run npm run build`);
    // A process of its own: the message comes as the logs close, when it goes straight to standard error.
    const r = spawnSync(process.execPath, [cli, "-r", trace, "--logdir", logs], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, `bronze: error: conn/Log::WRITER_ASCII: error writing to ${join(logs, "conn.log")}: No space left on device\n`);
    assert.match(readFileSync(join(logs, "packet_filter.log"), "utf8"), /^#path\tpacket_filter$/m);
  }),
);

test(
  "-w to a disk that will not take it (/dev/full): the recording stops with one error, the analysis and its logs go on",
  withDir(async (dir, t) => {
    if (!existsSync("/dev/full")) return t.skip("no /dev/full on this system");
    const trace = join(dir, "t.pcap");
    writeFileSync(trace, sampleTrace());
    const r = await bronze(["-r", trace, "--logdir", dir, "-w", "/dev/full"]);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.err, "bronze: error: cannot write /dev/full: No space left on device; the recording stopped after 0 packets\n");
    assert.equal(
      readFileSync(join(dir, "conn.log"), "utf8")
        .split("\n")
        .filter((l) => /^\d/.test(l)).length,
      7,
    );
  }),
);

test(
  "extracted files that cannot be opened or written: Zeek's reporter errors (reporter.log too), the run goes on",
  withDir(async (dir, t) => {
    if (!existsSync("/dev/full")) return t.skip("no /dev/full on this system");
    // The project's sample has an HTTP download: one file.
    const trace = join(repoRoot(), "samples", "sample.pcap");
    const extract = (name: string) => `engine.on("file_new", (f) => void f.addAnalyzer("EXTRACT", { extract_filename: "${name}" }))`;
    for (const [prefix, name, message] of [
      ["/dev/", "full", "failed to write to extracted file /dev/full: No space left on device"],
      ["/dev/null/", "x", "cannot open /dev/null/x: Not a directory"],
    ] as const) {
      const logs = join(dir, name);
      mkdirSync(logs);
      const r = await bronze(["-r", trace, "--logdir", logs, `FileExtract::prefix=${prefix}`, "-e", extract(name)]);
      assert.equal(r.code, 0, r.err);
      assert.equal(r.err, `bronze: error: ${message}\n`);
      assert.match(readFileSync(join(logs, "reporter.log"), "utf8"), new RegExp(`\tReporter::ERROR\t${message}\t`));
      assert.match(readFileSync(join(logs, "files.log"), "utf8"), /\tEXTRACT\b/);
    }
  }),
);

test(
  "bronze -w - | head: the reader going away ends the run quietly",
  withDir(async (dir, t) => {
    if (!existsSync(cli)) return oracleMissing(t, `bronze is not built (${cli} missing): run npm run build`);
    const trace = join(dir, "big.pcap");
    writeFileSync(trace, bigTrace(4000)); // 5.6 MB: far more than a pipe and the recorder buffer
    let seen = 0;
    const r = await spawnBronze(["-r", trace, "--logdir", dir, "-w", "-"], dir, (chunk, child) => {
      seen += chunk.length;
      child.stdout!.destroy(); // as head does after its first lines
    });
    assert.ok(seen > 0);
    assert.equal(r.stderr, "", "no stack, no message");
    assert.equal(r.code, 141, "a shell's status for a command ended by a broken pipe");
  }),
);

// ---------------------------------------------------------------- item 1: one library for scripts

test(
  'a script outside the project imports "bronze" and gets the running engine\'s library (.ts, .mjs, .cjs)',
  withDir(async (dir) => {
    // dir is under the system's temporary folder: no node_modules/bronze anywhere above it.
    const trace = join(dir, "t.pcap");
    writeFileSync(trace, sampleTrace());
    for (const [ext, text] of Object.entries(USES_LIBRARY)) {
      const script = join(dir, `uses-library.${ext}`);
      writeFileSync(script, text);
      const r = await bronze(["-r", trace, "--logdir", dir, "-w", join(dir, `out-${ext}.pcap`), script]);
      assert.equal(r.err, "", ext);
      assert.equal(r.code, 0, ext);
      const lines = r.out.trim().split("\n");
      assert.equal(lines[0], "same Engine: true", ext);
      assert.deepEqual(new Set(lines.slice(1)), new Set(["recordContents: true"]), ext);
      assert.equal(lines.length, 1 + 7, `${ext}: one line per connection (7 in the trace)`);
    }
  }),
);

test(
  "the bundled command gives scripts its own library too",
  withDir(async (dir, t) => {
    if (!existsSync(cli)) return oracleMissing(t, `bronze is not built (${cli} missing): run npm run build`);
    const trace = join(dir, "t.pcap");
    writeFileSync(trace, sampleTrace());
    const script = join(dir, "uses-library.ts");
    writeFileSync(script, USES_LIBRARY.ts);
    const r = spawnSync(process.execPath, [cli, "-r", trace, "--logdir", dir, script], { cwd: dir, encoding: "utf8", timeout: 60_000 });
    assert.equal(r.stderr, "");
    assert.match(r.stdout, /^same Engine: true\n(recordContents: true\n){7}$/);
  }),
);

// ---------------------------------------------------------------- item 2: syntax and type errors

test(
  "a script with a syntax error: one line with file, line, column and message (.ts and .js)",
  withDir(async (dir) => {
    const trace = join(dir, "t.pcap");
    writeFileSync(trace, sampleTrace());
    const text = `export default function (engine) {\n  engine.on("new_connection", (c) => {\n    console.log(c.uid;\n  });\n}\n`;
    for (const ext of ["ts", "mjs", "js"]) {
      const script = join(dir, `broken.${ext}`);
      writeFileSync(script, text);
      const r = await bronze(["-r", trace, "--logdir", dir, script]);
      oneErrorLine(r, new RegExp(`^bronze: syntax error in script .*broken\\.${ext}:3:22: .+`));
    }
    const throws = join(dir, "throws.mjs");
    writeFileSync(throws, `const limit = 3;\nexport default function () {\n  throw new Error("limit " + limit + " too low");\n}\n`);
    oneErrorLine(await bronze(["-r", trace, "--logdir", dir, throws]), /^bronze: script .*throws\.mjs:3:9 failed while loading: limit 3 too low$/);
  }),
);

test(
  "bronze --check type-checks scripts against bronze's types and the script contract",
  withDir(async (dir, t) => {
    if (!existsSync(join(repoRoot(), "dist", "src", "index.d.ts"))) return oracleMissing(t, "bronze's declarations are not built: run npm run build");
    const good = join(dir, "good.ts");
    writeFileSync(
      good,
      `import { recordContents, type Engine } from "bronze";\nexport default function (engine: Engine): void {\n  engine.on("connection_established", (c) => { if (c.id.resp_p === 23) recordContents(c, true); });\n}\nexport function connection_rejected(c: { uid: string }): void { console.log(c.uid); }\n`,
    );
    const bad = join(dir, "bad.ts");
    writeFileSync(
      bad,
      `import { recordContents, type Engine } from "bronze";\nexport default function (engine: Engine): void {\n  engine.on("connection_established", (c) => {\n    const port: string = c.id.resp_p;\n    recordContents(c, "yes");\n  });\n}\nexport function connection_rejected(c: string): void { console.log(c); }\n`,
    );
    // One program for both (the compiler's start-up is most of the time).
    const r = await bronze(["--check", good, bad]);
    assert.equal(r.code, 1);
    assert.doesNotMatch(r.err, /good\.ts/, "the correct script has no diagnostics");
    assert.match(r.err, /bad\.ts:4:11: error TS2322: Type 'number' is not assignable to type 'string'/);
    assert.match(r.err, /bad\.ts:5:23: error TS2345/);
    assert.match(r.err, /bad\.ts: its exports do not fit bronze's script contract.*\n(.*\n)*.*connection_rejected/);
    assert.match(r.err, /bronze: 3 type error\(s\)\n$/);
  }),
);

test(
  "bronze --check: a script importing bronze sees every event the engine raises, and the hooks protocols declare",
  withDir(async (dir, t) => {
    if (!existsSync(join(repoRoot(), "dist", "src", "index.d.ts"))) return oracleMissing(t, "bronze's declarations are not built: run npm run build");
    // Each protocol declares its events beside its code; the package's declarations must reach every such file.
    await import("../../src/index.js");
    const { EVENT_NAMES } = await import("../../src/event/events.js");
    assert.ok(EVENT_NAMES.length > 700, `${EVENT_NAMES.length} events registered`);
    const handlers = EVENT_NAMES.map((name) => `  engine.on(${JSON.stringify(name)}, (...args) => void args.length);`);
    const hooks = ["HTTP::max_files_policy", "WebSocket::configure_analyzer"].map(
      (name) => `  engine.onHook(${JSON.stringify(name)}, (...args) => args.length > 0);`,
    );
    const script = join(dir, "every-event.ts");
    writeFileSync(
      script,
      `import type { Engine } from "bronze";\nexport default function (engine: Engine): void {\n${[...handlers, ...hooks].join("\n")}\n}\n`,
    );
    const r = await bronze(["--check", script]);
    assert.equal(r.err, `bronze: ${script}: types check\n`);
    assert.equal(r.code, 0);
  }),
);

// ---------------------------------------------------------------- item 8: signals, repeated options, -i errors

test(
  "Ctrl-C while reading a trace: reported as Zeek does (reporter.log, stderr), logs written, exit 0, and the user told the logs are partial",
  withDir(async (dir, t) => {
    if (!existsSync(cli)) return oracleMissing(t, `bronze is not built (${cli} missing): run npm run build`);
    const script = join(dir, "started.mjs");
    writeFileSync(script, `export function new_connection() { console.log("reading"); }\n`);
    const trace = bigTrace(3);
    const child = spawn(process.execPath, [cli, "-r", "-", "--logdir", dir, script], { cwd: dir, stdio: ["pipe", "pipe", "pipe"] });
    let stderr = "";
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<[number | null, NodeJS.Signals | null]>((done) => child.on("close", (code, signal) => done([code, signal])));
    // Packets on standard input and the pipe left open: bronze waits for more, as on a slow read.
    child.stdin!.write(trace);
    await new Promise<void>((started) => child.stdout!.once("data", () => started()));
    child.kill("SIGINT");
    const [code, signal] = await exited;
    assert.deepEqual([code, signal], [0, null], stderr);
    assert.match(stderr, /^bronze: received termination signal$/m);
    assert.match(stderr, /^bronze: warning: interrupted: - was read up to packet 3; the logs cover only that part$/m);
    const reporter = readFileSync(join(dir, "reporter.log"), "utf8");
    assert.match(reporter, /^#fields\tts\tlevel\tmessage\tlocation$/m);
    assert.match(reporter, /^1700000000\.002000\tReporter::INFO\treceived termination signal\t-$/m);
    assert.ok(existsSync(join(dir, "conn.log")), "the connection read so far is logged");
  }),
);

test("an option that takes one value given twice is an error, not a silent replacement", async () => {
  oneErrorLine(await bronze(["-r", "a.pcap", "-r", "b.pcap"]), /^bronze: -r given twice \('a\.pcap' and 'b\.pcap'\): bronze takes one per run$/);
  oneErrorLine(await bronze(["-r", "a.pcap", "-w", "x.pcap", "--writefile=y.pcap"]), /-w given twice/);
});

test("-i with a bad filter says Zeek's 'Bad pcap filter' as -r does", async () => {
  oneErrorLine(await bronze(["-i", "lo", "-f", "tcp port port"]), /^bronze: fatal error: Bad pcap filter 'tcp port port': /);
});

test(
  "-i on a device that does not exist: bronze's one line, without libpcap's own warning first",
  withDir(async (dir, t) => {
    if (!existsSync(cli)) return oracleMissing(t, `bronze is not built (${cli} missing): run npm run build`);
    const r = spawnSync(process.execPath, [cli, "-i", "bronze-nosuch0"], { cwd: dir, encoding: "utf8", timeout: 30_000 });
    assert.equal(r.status, 1);
    assert.equal(r.stderr.trimEnd().split("\n").length, 1, r.stderr);
    assert.match(r.stderr, /^bronze: (cannot capture on bronze-nosuch0|live capture is not available)/);
  }),
);

// ---------------------------------------------------------------- item 10: log directories that do not exist yet

test(
  "--logdir that does not exist yet is created (npm run sample on a fresh clone)",
  withDir(async (dir) => {
    const trace = join(dir, "t.pcap");
    writeFileSync(trace, sampleTrace());
    const logdir = join(dir, "samples", "out");
    const r = await bronze(["-r", trace, "--logdir", logdir]);
    assert.equal(r.err, "");
    assert.equal(r.code, 0);
    assert.ok(existsSync(join(logdir, "conn.log")));
    writeFileSync(join(dir, "a-file"), "");
    oneErrorLine(await bronze(["-r", trace, "--logdir", join(dir, "a-file")]), /log directory .*a-file is not a directory/);
  }),
);

test(
  "the library writes logs into a logdir that does not exist yet (the README's library example)",
  withDir(async (dir) => {
    const { Engine, loadBuiltinScripts, readTrace } = await import("../../src/index.js");
    const trace = join(dir, "t.pcap");
    writeFileSync(trace, sampleTrace());
    const engine = new Engine({ ignoreChecksums: true });
    const errors: string[] = [];
    engine.bus.reportError = (event, error) => void errors.push(`${event}: ${String(error)}`);
    loadBuiltinScripts(engine, { logdir: join(dir, "out") });
    await engine.run(readTrace(trace));
    assert.deepEqual(errors, []);
    assert.equal(
      readFileSync(join(dir, "out", "conn.log"), "utf8")
        .split("\n")
        .filter((l) => l !== "" && !l.startsWith("#")).length,
      7,
    );
  }),
);

// ---------------------------------------------------------------- item 9: the live-capture hint

test("without the pcap addon, -i says how to get it (headers, then a new install; npm rebuild cannot help)", async () => {
  const { loadPcap } = await import("../../src/source/live.js");
  assert.throws(
    () =>
      loadPcap(() => {
        throw new Error("Cannot find module 'pcap'");
      }),
    (error: Error) => {
      assert.equal(error.name, "TraceError");
      assert.match(error.message, /^live capture is not available in this build: .*\(Cannot find module 'pcap'\)/);
      assert.match(error.message, /apt-get install libpcap-dev/);
      assert.match(error.message, /run 'npm ci' \(or 'npm install'\) again/);
      assert.doesNotMatch(error.message, /npm rebuild/);
      return true;
    },
  );
  const readme = readFileSync(join(repoRoot(), "README.md"), "utf8");
  const quickStart = readme.slice(readme.indexOf("## Quick start"), readme.indexOf("## Command line"));
  assert.match(quickStart, /libpcap-dev/, "the live-capture prerequisite is in the Quick start");
});

// ---------------------------------------------------------------- item 3: handler exceptions

test(
  "a handler that throws: one stderr line per failure site with the script's file and line, a count at the end, details in reporter.log; the run carries on",
  withDir(async (dir) => {
    const trace = join(dir, "t.pcap");
    writeFileSync(trace, sampleTrace());
    const script = join(dir, "throws.ts");
    writeFileSync(
      script,
      [
        `import type { Connection, Engine } from "bronze";`,
        `export default function (engine: Engine): void {`,
        `  engine.on("new_connection", (c: Connection) => {`,
        `    const seen: Record<string, { n: number }> = {};`,
        `    seen[c.uid]!.n++;`,
        `  });`,
        `  engine.on("connection_rejected", () => {`,
        `    throw new Error("rejected on purpose");`,
        `  });`,
        `}`,
        ``,
      ].join("\n"),
    );
    const r = await bronze(["-r", trace, "--logdir", dir, script]);
    assert.equal(r.code, 0, "the run carries on, as Zeek's after a script error");
    const lines = r.err.trimEnd().split("\n");
    assert.deepEqual(
      lines.map((l) => l.replace(/ failed: .*/, " failed: …")),
      [
        "bronze: error in throws.ts, line 5: handler for new_connection failed: …",
        "bronze: error in throws.ts, line 8: handler for connection_rejected failed: …",
        "bronze: handler for new_connection in throws.ts, line 5 failed 7 times (each in reporter.log)",
        "bronze: handler for connection_rejected in throws.ts, line 8 failed 5 times (each in reporter.log)",
      ].map((l) => l.replace(/throws\.ts/g, script)),
    );
    assert.match(lines[0]!, /failed: TypeError: Cannot read properties of undefined/);
    const rows = readFileSync(join(dir, "reporter.log"), "utf8")
      .split("\n")
      .filter((l) => l !== "" && !l.startsWith("#"))
      .map((l) => l.split("\t"));
    assert.equal(rows.length, 12);
    assert.deepEqual(new Set(rows.map((c) => `${c[1]} ${c[3]}`)), new Set([`Reporter::ERROR ${script}, line 5`, `Reporter::ERROR ${script}, line 8`]));
    assert.equal(
      readFileSync(join(dir, "conn.log"), "utf8")
        .split("\n")
        .filter((l) => l !== "" && !l.startsWith("#")).length,
      7,
    );
  }),
);

test(
  "reporter_error reaches scripts for each failure; a reporter_error handler that throws is logged, never fed again",
  withDir(async (dir) => {
    const trace = join(dir, "t.pcap");
    writeFileSync(trace, sampleTrace());
    const script = join(dir, "watch.ts");
    writeFileSync(
      script,
      [
        `import { appendFileSync } from "node:fs";`,
        `import type { Engine } from "bronze";`,
        `export default function (engine: Engine): void {`,
        `  engine.on("connection_rejected", () => { throw new Error("rejected on purpose"); });`,
        `  engine.on("reporter_error", (t: number, msg: string, location: string) => {`,
        `    appendFileSync(${JSON.stringify(join(dir, "seen.txt"))}, [msg.replace(/ failed: .*/, ""), location.replace(/.*watch.ts/, "watch.ts"), t > 0].join(" ") + "\\n");`,
        `    throw new Error("reporter handler fails too");`,
        `  });`,
        `}`,
        ``,
      ].join("\n"),
    );
    const r = await bronze(["-r", trace, "--logdir", dir, script]);
    assert.equal(r.code, 0);
    const seen = existsSync(join(dir, "seen.txt")) ? readFileSync(join(dir, "seen.txt"), "utf8").trimEnd().split("\n") : [];
    assert.deepEqual(new Set(seen), new Set(["handler for connection_rejected watch.ts, line 4 true"]));
    assert.equal(seen.length, 5, "one reporter_error per failure of the connection_rejected handler");
    const rows = readFileSync(join(dir, "reporter.log"), "utf8")
      .split("\n")
      .filter((l) => l !== "" && !l.startsWith("#"))
      .map((l) => l.split("\t"));
    assert.equal(rows.filter((c) => c[2]!.startsWith("handler for connection_rejected")).length, 5);
    assert.equal(
      rows.filter((c) => c[2]!.startsWith("handler for reporter_error")).length,
      5,
      "the reporter handler's own failures: logged once each, no new events",
    );
  }),
);

// ---------------------------------------------------------------- item 5: Zeek script names

test(
  "Zeek script names: a name Zeek does not have is an error; real Zeek scripts bronze lacks are named in one warning",
  withDir(async (dir) => {
    const trace = join(dir, "t.pcap");
    writeFileSync(trace, sampleTrace());
    for (const name of ["base/protocols/nonexistent", "protocols/http/detect-sqli", "policy/frameworks/nope"]) {
      oneErrorLine(await bronze(["-r", trace, "--logdir", dir, `${name}.zeek`]), new RegExp(`^bronze: no such script: ${name}: not a Zeek script name$`));
    }
    const r = await bronze([
      "-r",
      trace,
      "--logdir",
      dir,
      "local",
      "frameworks/control/controllee",
      "base/frameworks/storage/main.zeek",
      "base/protocols/conn/__load__.zeek",
      "policy/protocols/conn/mac-logging",
    ]);
    assert.equal(r.code, 0);
    assert.equal(
      r.err,
      "bronze: warning: Zeek scripts bronze does not implement yet (their logs are not written; only what they change in the core applies, e.g. likely server ports with -b): " +
        "frameworks/control/controllee (policy/frameworks/control/controllee), base/frameworks/storage\n",
    );
  }),
);

test(
  "Zeek script names bronze implements (protocols, their parts, frameworks) load without a warning, and their logs are written",
  withDir(async (dir) => {
    const trace = join(dir, "t.pcap");
    writeFileSync(trace, sampleTrace());
    const r = await bronze([
      "-b",
      "-r",
      trace,
      "--logdir",
      dir,
      "base/protocols/dns",
      "base/protocols/http/entities",
      "base/frameworks/files",
      "base/files/x509",
      "frameworks/files/hash-all-files",
      "base/frameworks/signatures",
    ]);
    assert.equal(r.code, 0);
    assert.equal(r.err, "");
    assert.ok(existsSync(join(dir, "conn.log")));
    const { scriptImplemented } = await import("../../src/scripts/zeek-scripts.js");
    for (const name of [
      "base/protocols/ssh",
      "base/protocols/smb",
      "base/frameworks/tunnels",
      "base/protocols/ssl/files",
      "base/files/pe",
      "base/frameworks/intel",
      "base/protocols/ldap",
      "base/frameworks/packet-filter",
      "policy/frameworks/packet-filter/shunt",
      // The core's decoding, parts of frameworks bronze has, Zeek's script helpers.
      "base/packet-protocols/vlan",
      "base/frameworks/notice/actions/pp-alarms",
      "base/frameworks/sumstats/plugins/sum",
      "base/frameworks/sumstats/plugins/topk",
      "base/frameworks/sumstats/plugins/hll_unique",
      "base/frameworks/sumstats/plugins",
      "base/misc/find-filtered-trace",
      "base/utils/site",
      "base/frameworks/config",
      "base/frameworks/telemetry",
      "policy/frameworks/telemetry/log",
      // Writers and readers bronze has, and the start-up scripts (init-default with -b: the default run).
      "base/frameworks/logging/writers/sqlite",
      "base/frameworks/logging/writers/none",
      "base/frameworks/input/readers/sqlite",
      "base/init-default",
      "base/init-bare",
    ]) {
      assert.equal(scriptImplemented(name), true, name);
    }
    // site/local: every policy script it loads is implemented, extend-email/hostnames last.
    for (const name of ["local", "policy/frameworks/notice/extend-email/hostnames", "policy/frameworks/notice"]) {
      assert.equal(scriptImplemented(name), true, name);
    }
    for (const name of [
      "policy/frameworks/control/controllee",
      "base/frameworks/storage",
      "base/frameworks/netcontrol/plugins/acld",
      "base/frameworks/logging/postprocessors",
    ]) {
      assert.equal(scriptImplemented(name), false, name);
    }
  }),
);

test(
  "-b with a protocol writes the logs of what its Zeek scripts load: base/protocols/http brings files.log, dns does not",
  withDir(async (dir) => {
    // The project's sample: an HTTP download among other traffic.
    const trace = join(repoRoot(), "samples", "sample.pcap");
    for (const [script, files] of [
      ["base/protocols/http", true],
      ["base/protocols/dns", false],
    ] as const) {
      const out = join(dir, script.replaceAll("/", "_"));
      mkdirSync(out);
      const r = await bronze(["-b", "-r", trace, "--logdir", out, script]);
      assert.equal(r.code, 0, r.err);
      assert.equal(existsSync(join(out, "files.log")), files, script);
    }
  }),
);

test("the table of Zeek script names resolves names as ZEEKPATH does, and what bronze implements is one extensible table", async () => {
  const { resolveZeekScript, scriptImplemented, implementScript, implementedScripts } = await import("../../src/scripts/zeek-scripts.js");
  assert.equal(resolveZeekScript("base/protocols/http/main.zeek"), "base/protocols/http");
  assert.equal(resolveZeekScript("protocols/conn/mac-logging"), "policy/protocols/conn/mac-logging");
  assert.equal(resolveZeekScript("local.zeek"), "site/local");
  assert.equal(resolveZeekScript("base/protocols/nonexistent"), null);
  assert.equal(scriptImplemented("policy/protocols/conn/vlan-logging.zeek"), true);
  assert.throws(() => implementScript("base/protocols/nonexistent", "x"), /not a Zeek script name/);
  const before = implementedScripts().has("zeekygen/example");
  implementScript("zeekygen/example", "a test entry");
  assert.equal(scriptImplemented("zeekygen/example"), true);
  if (!before) (implementedScripts() as Map<string, string>).delete("zeekygen/example");
});

// ---------------------------------------------------------------- item 7: checksum offloading

test(
  "packets with bad checksums (NIC offloading): Zeek's warning in reporter.log and on stderr, saying to use -C",
  withDir(async (dir) => {
    // Every TCP segment with a bad checksum, as a capture of a host's own outgoing traffic with offloading looks.
    const packets: TestPacket[] = [];
    for (let i = 0; i < 20; i++) {
      const c = { src: "10.0.0.7", dst: "93.184.216.34" };
      packets.push({ ts: 1700000000 + i, bytes: frame(tcp4(c, { sport: 42000 + i, dport: 80, seq: 1000, flags: "S", checksum: "bad" })) });
    }
    const trace = join(dir, "offloaded.pcap");
    writeFileSync(trace, writePcap(packets));
    const r = await bronze(["-r", trace, "--logdir", dir]);
    assert.equal(r.code, 0);
    assert.match(r.err, /^bronze: warning: Your trace file likely has invalid TCP checksums, most likely from NIC checksum offloading\. .*-C/m);
    assert.match(readFileSync(join(dir, "reporter.log"), "utf8"), /\tReporter::WARNING\tYour trace file likely has invalid TCP checksums/);
    // With -C the same trace gives no checksum warning (and real connections: attempts only, so
    // base/misc/find-filtered-trace's warning is what stays, as in Zeek; turned off here).
    const clean = join(dir, "clean");
    const c = await bronze(["-C", "-r", trace, "--logdir", clean, "FilteredTraceDetection::enable=F"]);
    assert.equal(c.err, "");
    assert.equal(existsSync(join(clean, "reporter.log")), false);
  }),
);

test(
  "a trace of TCP control packets only (SYN/FIN/RST-filtered): find-filtered-trace's warning at the end, unless data, another protocol or FilteredTraceDetection::enable=F",
  withDir(async (dir) => {
    const c = { src: "10.0.0.7", dst: "93.184.216.34" };
    const s = { src: c.dst, dst: c.src };
    // A closed connection whose payload was filtered out of the capture.
    const control: TestPacket[] = [
      { ts: 1700000000, bytes: frame(tcp4(c, { sport: 42000, dport: 80, seq: 1000, flags: "S" })) },
      { ts: 1700000000.01, bytes: frame(tcp4(s, { sport: 80, dport: 42000, seq: 5000, ack: 1001, flags: "SA" })) },
      { ts: 1700000000.02, bytes: frame(tcp4(c, { sport: 42000, dport: 80, seq: 1001, ack: 5001, flags: "A" })) },
      { ts: 1700000001, bytes: frame(tcp4(s, { sport: 80, dport: 42000, seq: 7903, ack: 1001, flags: "FA" })) },
      { ts: 1700000001.01, bytes: frame(tcp4(c, { sport: 42000, dport: 80, seq: 1001, ack: 7904, flags: "FA" })) },
    ];
    const write = (name: string, packets: TestPacket[]): string => {
      const path = join(dir, `${name}.pcap`);
      writeFileSync(path, writePcap(packets));
      return path;
    };
    const warning = /^bronze: warning: The analyzed trace file was determined to contain only TCP control packets, .*'detect_filtered_trace'/m;
    const out = (name: string): string => {
      const d = join(dir, name);
      mkdirSync(d);
      return d;
    };
    const r = await bronze(["-r", write("control", control), "--logdir", out("control")]);
    assert.equal(r.code, 0);
    assert.match(r.err, warning);
    assert.match(readFileSync(join(dir, "control", "reporter.log"), "utf8"), /^1700000001\.010000\tReporter::WARNING\tThe analyzed trace file/m);
    // -b without the script: nothing; -b naming it: the warning.
    assert.doesNotMatch((await bronze(["-b", "-r", join(dir, "control.pcap"), "--logdir", out("bare")])).err, warning);
    assert.match((await bronze(["-b", "-r", join(dir, "control.pcap"), "--logdir", out("named"), "base/misc/find-filtered-trace"])).err, warning);
    // With -b, reporter.log is the reporter framework's: on stderr only, unless it is loaded too.
    assert.equal(existsSync(join(dir, "named", "reporter.log")), false);
    await bronze(["-b", "-r", join(dir, "control.pcap"), "--logdir", out("logged"), "base/misc/find-filtered-trace", "base/frameworks/reporter"]);
    assert.match(readFileSync(join(dir, "logged", "reporter.log"), "utf8"), /\tReporter::WARNING\tThe analyzed trace file/);
    assert.doesNotMatch((await bronze(["-r", join(dir, "control.pcap"), "--logdir", out("off"), "FilteredTraceDetection::enable=F"])).err, warning);
    // One payload byte anywhere: not filtered.
    const withData = [
      ...control.slice(0, 3),
      { ts: 1700000000.5, bytes: frame(tcp4(c, { sport: 42000, dport: 80, seq: 1001, ack: 5001, flags: "PA", payload: "x" })) },
      ...control.slice(3),
    ];
    assert.doesNotMatch((await bronze(["-r", write("data", withData), "--logdir", out("data")])).err, warning);
    // A UDP flow beside it: not a TCP-only trace.
    const withUdp = [...control, { ts: 1700000002, bytes: frame(udp4(c, { sport: 5353, dport: 5353, payload: "x" })) }];
    assert.doesNotMatch((await bronze(["-r", write("udp", withUdp), "--logdir", out("udp")])).err, warning);
  }),
);

// ---------------------------------------------------------------- item 11: settings

test(
  "a misspelled setting, option or script name: the error names the one close to it",
  withDir(async (dir) => {
    const trace = join(dir, "t.pcap");
    writeFileSync(trace, sampleTrace());
    oneErrorLine(
      await bronze(["-r", trace, "tcp_atempt_delay=5sec"]),
      /unknown setting "tcp_atempt_delay" \(did you mean tcp_attempt_delay\? bronze --help lists them\)$/,
    );
    oneErrorLine(await bronze(["-r", trace, "--jsn"]), /^bronze: unknown option --jsn \(did you mean --json\? see bronze --help\)$/);
    oneErrorLine(await bronze(["-r", trace, "protocols/conn/known-host"]), /not a Zeek script name \(did you mean protocols\/conn\/known-hosts\?\)$/);
    // Nothing close: no guess.
    oneErrorLine(await bronze(["-r", trace, "frobnicate=1"]), /unknown setting "frobnicate" \(bronze --help lists them\)$/);
  }),
);

test(
  "settings: Site::local_nets from the command line, count vs interval messages, intervals need a unit and are not negative",
  withDir(async (dir) => {
    const trace = join(dir, "t.pcap");
    writeFileSync(trace, sampleTrace());
    oneErrorLine(await bronze(["-r", trace, "tcp_storm_thresh=lots"]), /^bronze: bad setting tcp_storm_thresh=lots: not a count: "lots"/);
    oneErrorLine(
      await bronze(["-r", trace, "tcp_attempt_delay=10"]),
      /^bronze: bad setting tcp_attempt_delay=10: an interval needs a unit: "10" \(e\.g\. 10sec\)$/,
    );
    oneErrorLine(await bronze(["-r", trace, "tcp_attempt_delay=-5sec"]), /an interval cannot be negative/);
    oneErrorLine(await bronze(["-r", trace, "Site::local_nets={10.0.0.0/33}"]), /not a subnet: "10\.0\.0\.0\/33"/);
    // 10.0.0.0/8 only: 10.0.0.x originators are local, 192.0.2.10 (private space by default) is not.
    const r = await bronze(["-r", trace, "--logdir", dir, "Site::local_nets={ 10.0.0.0/8 }"]);
    assert.equal(r.err, "");
    const rows = readFileSync(join(dir, "conn.log"), "utf8")
      .split("\n")
      .filter((l) => l !== "" && !l.startsWith("#"))
      .map((l) => l.split("\t"));
    const rejected = rows.find((c) => c[4] === "192.0.2.10")!;
    assert.deepEqual([rejected[2], rejected[12], rejected[13]], ["10.0.0.5", "T", "F"], "local_orig T, local_resp F");
  }),
);

test(
  "a script sets Site::local_nets before the run",
  withDir(async (dir) => {
    const trace = join(dir, "t.pcap");
    writeFileSync(trace, sampleTrace());
    const script = join(dir, "site.mjs");
    writeFileSync(
      script,
      `import { applySetting } from "bronze";\nexport default function (engine) { applySetting(engine.settings, "Site::local_nets={192.0.2.0/24}"); }\n`,
    );
    const r = await bronze(["-r", trace, "--logdir", dir, script]);
    assert.equal(r.err, "");
    const rows = readFileSync(join(dir, "conn.log"), "utf8")
      .split("\n")
      .filter((l) => l !== "" && !l.startsWith("#"))
      .map((l) => l.split("\t"));
    const rejected = rows.find((c) => c[4] === "192.0.2.10")!;
    assert.deepEqual([rejected[12], rejected[13]], ["F", "T"]);
  }),
);

test("bronze --help lists every setting with its type, default and meaning", async () => {
  const { defaultSettings } = await import("../../src/options.js");
  const r = await bronze(["--help"]);
  for (const name of Object.keys(defaultSettings())) {
    const shown = name === "site_local_nets" ? "Site::local_nets" : name;
    const types =
      "(interval|count|int|double|bool|string|enum|set\\[count\\]|set\\[port\\]|set\\[subnet\\]|set\\[string\\]|set\\[enum\\]|table|vector\\[string\\]|vector\\[interval\\]|port)";
    assert.match(r.out, new RegExp(`^  ${shown} +${types} +default \\S+`, "m"), shown);
  }
  assert.match(r.out, /^ {2}tcp_attempt_delay +interval +default 5sec +wait before an unanswered SYN/m);
});

// ---------------------------------------------------------------- item 15: the README's benchmark section

test("the README keeps the benchmark table and how to reproduce it; the narrative lives in bench/README.md", () => {
  const readme = readFileSync(join(repoRoot(), "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Benchmarks"), readme.indexOf("\n## ", readme.indexOf("## Benchmarks") + 3));
  assert.ok(section.split("\n").length < 45, `the README's Benchmarks section has ${section.split("\n").length} lines`);
  assert.match(section, /^\| benchmark \| what \| packets\/s \| peak RSS \|$/m);
  assert.match(section, /npm run bench/);
  assert.match(section, /bench\/README\.md/);
  const bench = readFileSync(join(repoRoot(), "bench", "README.md"), "utf8");
  assert.match(bench, /^## Measurements and history$/m);
  assert.match(bench, /Memory per connection/);
});
