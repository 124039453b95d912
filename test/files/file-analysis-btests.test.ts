/**
 * Zeek's btests of the files framework (testing/btest/scripts/base/
 * frameworks/file-analysis), replayed: each `zeek -b -r TRACE` run is an
 * engine with Zeek's btest seed and the btest's loads, and a TypeScript twin
 * of its script (most load $SCRIPTS/file-analysis-test.zeek: see
 * file-analysis-test.ts). What the twin prints, the files.log it writes and
 * the files it extracts are compared with the btest's baselines, read from
 * Zeek's source ($BRONZE_ZEEK_SOURCE or ../zeek); without it, or without the
 * corpus trace, the tests skip, saying so.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type TestContext, test } from "node:test";
import { httpInfoOf } from "../../src/analyzer/app/http/script.js";
import { Engine } from "../../src/engine.js";
import { setExtractLimit } from "../../src/files/analyzers.js";
import type { FaFile } from "../../src/files/file.js";
import { sniffMimeTypes } from "../../src/files/magic.js";
import { loadBuiltinScripts } from "../../src/index.js";
import type { EngineSettings } from "../../src/options.js";
import { openTrace } from "../../src/source/open.js";
import type { PacketSource } from "../../src/source/raw-packet.js";
import { ZeekOrderedSet } from "../../src/zeek-table/table.js";
import { canonicalBtestLog, zeekCut } from "../conformance/btest-applogs-harness.js";
import { corpusRoot } from "../helpers/corpus.js";
import { parseLogText } from "../helpers/tsv.js";
import { maskFirstTime, zeekConnId, zeekDouble, zeekRecord, zeekString } from "../helpers/zeek-print.js";
import { ZEEK_SEED } from "../session/harness.js";
import { baselineLines, btestOraclesMissing, type ZeekSource, zeekSource } from "../signatures/btest-harness.js";
import { type FileAnalysisTestOptions, fileAnalysisTest } from "./file-analysis-test.js";

const zeek = zeekSource();
const BASELINE = "scripts.base.frameworks.file-analysis";

/** What a twin's run left: its prints, its logs (by path) and the directory its files were extracted to. */
interface Run {
  readonly printed: string[];
  /** The reporter's lines on standard error. */
  readonly stderr: string[];
  log(path: string): string;
  /** An extracted file's bytes (null when none was written). */
  extracted(name: string): Buffer | null;
  /** The names of the files extracted, as `ls` lists them (bytewise). */
  extractedNames(): string[];
}

interface RunSpec {
  readonly trace: string;
  readonly loads: readonly string[];
  /** The btest's redefs and command-line assignments, as engine settings. */
  readonly settings?: Partial<EngineSettings>;
  /** The twin of the btest's script: registers its handlers, printing with `print`. */
  script(engine: Engine, print: (line: string) => void): void;
  /** exit_only_after_terminate: after the trace, the run goes on in wall-clock time until this resolves (the script's terminate()). */
  readonly untilTerminated?: Promise<void>;
  /** `zeek -r` without -b: the default scripts too (default: bare). */
  readonly bare?: boolean;
  /** Zeek's -C. */
  readonly ignoreChecksums?: boolean;
}

/** `zeek -b -r TRACE LOADS… %INPUT` with the twin; extracted files go to a directory of their own (FileExtract::prefix). */
async function replay(spec: RunSpec, body: (run: Run) => void): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "bronze-fa-btest-"));
  try {
    const loads = [...spec.loads];
    const settings = { "FileExtract::prefix": `${dir}/`, ...spec.settings };
    const bare = spec.bare ?? true;
    const engine = new Engine({ seed: ZEEK_SEED, bare, loads, settings, ignoreChecksums: spec.ignoreChecksums ?? false });
    const printed: string[] = [];
    spec.script(engine, (line) => void printed.push(line));
    const stderr: string[] = [];
    const { logs } = loadBuiltinScripts(engine, { memory: true, bare, loads, stderr: (line) => void stderr.push(line) });
    const trace = await openTrace(join(corpusRoot(), "zeek", "traces", spec.trace));
    await engine.run(spec.untilTerminated === undefined ? trace : thenWallClock(trace, spec.untilTerminated));
    const extracted = (name: string): Buffer | null => (existsSync(join(dir, name)) ? readFileSync(join(dir, name)) : null);
    const extractedNames = (): string[] => readdirSync(dir).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    body({ printed, stderr, log: (path) => logs.text(path), extracted, extractedNames });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * exit_only_after_terminate: the trace, then no packets while network time
 * follows the wall clock (as Zeek's main loop once the trace is read), until
 * `ended` (the script's terminate()), or 15 s as btest-bg-wait's limit.
 */
function thenWallClock(trace: PacketSource, ended: Promise<void>): PacketSource {
  return {
    name: trace.name,
    run: async (sink, idle) => {
      const summary = await trace.run(sink, idle);
      idle?.(Date.now() / 1000);
      const tick = setInterval(() => idle?.(Date.now() / 1000), 100);
      await Promise.race([ended, new Promise<void>((resolve) => setTimeout(resolve, 15_000).unref())]);
      clearInterval(tick);
      return summary;
    },
  };
}

/** The test's oracles are there (else it is skipped, saying so). */
function oracles(t: TestContext, trace: string): ZeekSource | null {
  return btestOraclesMissing(t, zeek, "its file-analysis btests", [trace]) ? null : zeek;
}

/** A btest's run (skipped, saying so, without its oracles), its outputs checked by `check`. */
async function replayBtest(t: TestContext, spec: RunSpec, check: (run: Run, z: ZeekSource) => void): Promise<void> {
  const z = oracles(t, spec.trace);
  if (z !== null) await replay(spec, (run) => check(run, z));
}

/** A baseline's lines: btest-diff's `file` of btest `name` (a path under file-analysis, dots for slashes). */
function baseline(z: ZeekSource, name: string, file: string): string[] {
  return baselineLines(z, `${BASELINE}.${name}/${file}`);
}

/** A baseline file's bytes (the extracted files), without the header line btest-diff adds when not --binary. */
function baselineBytes(z: ZeekSource, name: string, file: string): Buffer {
  return baselineFile(z, `${BASELINE}.${name}`, file);
}

const HTTP = ["base/protocols/http"];
const TEST_HELPER = ["base/files/hash", "base/files/extract"];

/** A run of the helper with options, and the btest's loads. */
function helperRun(trace: string, loads: readonly string[], options: FileAnalysisTestOptions, settings?: Partial<EngineSettings>): RunSpec {
  return { trace, loads: [...TEST_HELPER, ...loads], settings, script: (engine, print) => fileAnalysisTest(engine, print, options) };
}

/** A counter-named extraction (test_get_file_name over a global counter): `name(n)` for the nth call, from `first`. */
function counted(name: (n: number) => string, first: number): (f: FaFile) => string {
  let n = first;
  return () => name(n++);
}

/** The btests whose runs print with the helper and extract files, compared output by output. */
interface HelperBtest {
  readonly name: string;
  readonly what: string;
  readonly runs: ReadonlyArray<{
    readonly spec: () => RunSpec;
    readonly out: string;
    readonly files: readonly string[];
    readonly size?: string;
  }>;
}

const HELPER_BTESTS: readonly HelperBtest[] = [
  {
    name: "http.get",
    what: "a plain and a gzip'd HTTP body: events, hashes, MIME type and the extracted bytes",
    runs: [
      { spec: () => helperRun("http/get.pcap", HTTP, { source: "HTTP", fileName: () => "1-file" }), out: "get.out", files: ["1-file"] },
      { spec: () => helperRun("http/get-gzip.pcap", HTTP, { source: "HTTP", fileName: () => "2-file" }), out: "get-gzip.out", files: ["2-file"] },
    ],
  },
  {
    name: "http.post",
    what: "a POST's request and response bodies",
    runs: [
      { spec: () => helperRun("http/post.pcap", HTTP, { source: "HTTP", fileName: counted((n) => `${n}-file`, 1) }), out: "out", files: ["1-file", "2-file"] },
    ],
  },
  {
    name: "http.pipeline",
    what: "five bodies of pipelined requests",
    runs: [
      {
        spec: () => helperRun("http/pipelined-requests.pcap", HTTP, { source: "HTTP", fileName: counted((n) => `${n}-file`, 1) }),
        out: "out",
        files: ["1-file", "2-file", "3-file", "4-file", "5-file"],
      },
    ],
  },
  {
    name: "http.multipart",
    what: "the parts of a multipart body, each a file",
    runs: [
      {
        spec: () => helperRun("http/multipart.pcap", HTTP, { source: "HTTP", fileName: counted((n) => `${n}-file`, 1) }),
        out: "out",
        files: ["1-file", "2-file", "3-file", "4-file"],
      },
    ],
  },
  {
    name: "http.partial-content",
    what: "206 ranges of one file over connections: gaps, timeouts and the size extracted",
    runs: ["a", "b", "c"].map((run) => ({
      spec: () => helperRun(`http/206_example_${run}.pcap`, HTTP, { source: "HTTP", fileName: counted((n) => `file-${n}`, 0) }),
      out: `${run}.out`,
      files: [],
      size: `${run}.size`,
    })),
  },
  {
    name: "ftp",
    what: "an FTP_DATA file",
    runs: [
      { spec: () => helperRun("ftp/retr.pcap", ["base/protocols/ftp"], { source: "FTP_DATA", fileName: () => "thefile" }), out: "out", files: ["thefile"] },
    ],
  },
  {
    name: "irc",
    what: "an IRC DCC SEND file",
    runs: [
      {
        spec: () => helperRun("irc-dcc-send.pcapng", ["base/protocols/irc"], { source: "IRC_DATA", fileName: () => "thefile" }),
        out: "out",
        files: ["thefile"],
      },
    ],
  },
  {
    name: "smtp",
    what: "a mail's MIME entities",
    runs: [
      {
        spec: () => helperRun("smtp.pcap", ["base/protocols/smtp", "base/protocols/ssl"], { source: "SMTP", fileName: counted((n) => `thefile${n}`, 0) }),
        out: "out",
        files: ["thefile0", "thefile1", "thefile2"],
      },
    ],
  },
  {
    name: "actions.data_event",
    what: "DATA_EVENT's stream and chunk events with each chunk",
    runs: [{ spec: () => helperRun("http/get.pcap", HTTP, { printDataEvents: true }), out: "out", files: [] }],
  },
];

for (const b of HELPER_BTESTS) {
  test(`Zeek's btest file-analysis/${b.name.replaceAll(".", "/")}: ${b.what}, as Zeek's baselines`, async (t) => {
    const z = oracles(t, b.runs[0]!.spec().trace);
    if (z === null) return;
    for (const r of b.runs) {
      await replay(r.spec(), (run) => {
        assert.deepEqual(run.printed, baseline(z, b.name, r.out), `${b.name} ${r.out}`);
        for (const file of r.files) assert.deepEqual(run.extracted(file), baselineBytes(z, b.name, file), `${b.name} ${file}`);
        // The btest's `wc -c file-0`.
        if (r.size !== undefined) assert.deepEqual([`${run.extracted("file-0")?.length ?? 0} file-0`], baseline(z, b.name, r.size), `${b.name} ${r.size}`);
      });
    }
  });
}

/** A files.log as btest-diff compares it. */
function filesLog(run: Run): string {
  return canonicalBtestLog(run.log("files"));
}

test("Zeek's btest file-analysis/logging: files.log of the helper's analyzers, the extracted file's name included", async (t) => {
  const z = oracles(t, "http/get.pcap");
  if (z === null) return;
  await replay(helperRun("http/get.pcap", HTTP, { source: "HTTP", fileName: (f) => `${f.id}-file` }), (run) => {
    assert.equal(filesLog(run), canonicalBtestLog(z.read(`testing/btest/Baseline/${BASELINE}.logging/files.log`)));
  });
});

test("Zeek's btest file-analysis/bifs/remove_action: analyzers removed in file_new at -10 leave no hashes and no file", async (t) => {
  const z = oracles(t, "http/get.pcap");
  if (z === null) return;
  const fileName = (f: FaFile): string => `${f.id}-file`;
  const spec: RunSpec = {
    ...helperRun("http/get.pcap", HTTP, {}),
    script: (engine, print) => {
      fileAnalysisTest(engine, print, { source: "HTTP", fileName });
      engine.on(
        "file_new",
        (f) => {
          for (const hash of ["MD5", "SHA1", "SHA256", "EXTRACT"]) f.removeAnalyzer(hash);
        },
        { priority: -10 },
      );
    },
  };
  await replay(spec, (run) => assert.deepEqual(run.printed, baseline(z, "bifs.remove_action", "get.out")));
});

test("Zeek's btest file-analysis/bifs/stop: Files::stop in file_new, no more events for the file and nothing extracted", async (t) => {
  const z = oracles(t, "http/get.pcap");
  if (z === null) return;
  const spec: RunSpec = {
    ...helperRun("http/get.pcap", HTTP, {}),
    script: (engine, print) => {
      fileAnalysisTest(engine, print, { fileName: (f) => `${f.id}-file` });
      engine.on("file_new", (f) => void f.stop());
    },
  };
  await replay(spec, (run) => {
    assert.deepEqual(run.printed, baseline(z, "bifs.stop", "get.out"));
    // The btest's `test ! -s Cx92a0ym5R8-file`: no extracted bytes.
    const written = run.extracted("Cx92a0ym5R8-file");
    assert.ok(written === null || written.length === 0);
  });
});

test("Zeek's btest file-analysis/file_hash: file_hash of MD5, SHA1, SHA224, SHA256, SHA384 and SHA512 (sorted)", async (t) => {
  const z = oracles(t, "http/get.pcap");
  if (z === null) return;
  const spec: RunSpec = {
    trace: "http/get.pcap",
    loads: HTTP,
    script: (engine, print) => {
      engine.on("file_new", (f) => {
        for (const hash of ["MD5", "SHA1", "SHA224", "SHA256", "SHA384", "SHA512"]) f.addAnalyzer(hash);
      });
      engine.on("file_hash", (_f, kind, hash) => print(`${kind}, ${hash}`));
    },
  };
  const want = baseline(z, "file_hash", ".stdout").filter((l) => !l.startsWith("### NOTE"));
  await replay(spec, (run) => assert.deepEqual(run.printed.sort(), want));
});

test("Zeek's btest file-analysis/bifs/register_mime_type: MD5 registered for text/plain hashes the body sniffed as such", async (t) => {
  const z = oracles(t, "http/get.pcap");
  if (z === null) return;
  const spec: RunSpec = {
    trace: "http/get.pcap",
    loads: [...HTTP, "base/files/hash", "base/files/extract"],
    script: (engine) => engine.fileManager().registerForMimeType("MD5", "text/plain"),
  };
  const want = canonicalBtestLog(z.read(`testing/btest/Baseline/${BASELINE}.bifs.register_mime_type/files.log`));
  await replay(spec, (run) => assert.equal(filesLog(run), want));
});

test("Zeek's btest file-analysis/bifs/enable-disable: Files::enable_analyzer and disable_analyzer decide whether PE runs", async (t) => {
  const z = oracles(t, "pe/pe.pcap");
  if (z === null) return;
  const out: string[] = [];
  for (const disableIt of [false, true]) {
    const spec: RunSpec = {
      trace: "pe/pe.pcap",
      loads: ["base/protocols/ftp"],
      script: (engine, print) => {
        const files = engine.fileManager();
        files.registerForMimeType("PE", "application/x-dosexec");
        const tf = (b: boolean): string => (b ? "T" : "F");
        print(tf(files.analyzerEnabled("PE")));
        files.enableAnalyzer("PE");
        print(tf(files.analyzerEnabled("PE")));
        if (disableIt) {
          files.disableAnalyzer("PE");
          print(tf(files.analyzerEnabled("PE")));
        }
        let seen = false;
        engine.on("pe_dos_header", () => {
          // terminate(): the run goes on here, but prints no more.
          if (!seen) print("got pe_dos_header event");
          seen = true;
        });
      },
    };
    await replay(spec, (run) => void out.push(...run.printed));
  }
  assert.deepEqual(out, baseline(z, "bifs.enable-disable", "out"));
});

test("Zeek's btest file-analysis/byteranges: extract-all-files with FileExtract::default_limit=4000 on overlapping ranges", (t) =>
  replayBtest(
    t,
    {
      trace: "http/byteranges.pcap",
      loads: ["base/protocols/http", "base/files/hash", "frameworks/files/extract-all-files"],
      settings: { "FileExtract::default_limit": 4000 },
      script: () => undefined,
    },
    (run, z) => assert.equal(filesLog(run), canonicalBtestLog(z.read(`testing/btest/Baseline/${BASELINE}.byteranges/files.log`))),
  ));

test("Zeek's btest file-analysis/log-files-event-flattening: one files.log record per file and connection, each its own uid and id", (t) =>
  replayBtest(t, { trace: "http/concurrent-range-requests.pcap", loads: ["base/frameworks/files", ...HTTP], script: () => undefined }, (run, z) => {
    // Files::log_files' records are the rows written, in order: the btest prints each one's uid and id.
    const { fields, rows } = parseLogText(run.log("files"));
    const col = (row: string[], name: string): string => row[fields.indexOf(name)]!;
    const id = (r: string[]) => ({
      orig_h: col(r, "id.orig_h"),
      orig_p: Number(col(r, "id.orig_p")),
      resp_h: col(r, "id.resp_h"),
      resp_p: Number(col(r, "id.resp_p")),
    });
    const printed = rows.map((r) => `${col(r, "uid")}, ${zeekConnId({ ...id(r), proto: 6, transport: "tcp" })}`);
    assert.deepEqual(printed, baseline(z, "log-files-event-flattening", "out"));
  }));

test("Zeek's btest file-analysis/bifs/file_exists_lookup_file: lookup and file_exists of an unknown id and of the file being sniffed", (t) =>
  replayBtest(t, { trace: "http/get.pcap", loads: HTTP, script: lookupTwin }, (run, z) => {
    assert.deepEqual(run.printed, baseline(z, "bifs.file_exists_lookup_file", ".stdout"));
    // err: lookup_file's reporter error, then the interpreter's warning about the script function Files::lookup_file
    // returning nothing; a TypeScript caller gets undefined and no such warning.
    const [error, warning, ...rest] = baseline(z, "bifs.file_exists_lookup_file", "err");
    assert.equal(warning, "warning: non-void function returning without a value: Files::lookup_file");
    assert.deepEqual(rest, []);
    // bronze starts a reporter line with "bronze: " where Zeek puts the network time (none at zeek_init).
    assert.deepEqual(run.stderr, [`bronze: ${error}`]);
  }));

/** The twin of file_exists_lookup_file's script: Files::lookup_file and file_exists at zeek_init and in file_sniff. */
function lookupTwin(engine: Engine, print: (line: string) => void): void {
  const files = engine.fileManager();
  engine.on("zeek_init", () => {
    print("This should fail but not crash");
    // Zeek's lookup_file of an unknown id is an error: the print statement prints nothing.
    const unknown = engine.lookupFile("asdf");
    if (unknown !== undefined) print(unknown.id);
    print("This should return F");
    print(files.lookup("asdf") === undefined ? "F" : "T");
  });
  engine.on("file_sniff", (f) => {
    print(`lookup fid: ${f.id}`);
    print(`We should have found the file id: ${engine.lookupFile(f.id)?.id}`);
    print("This should return T");
    print(files.lookup(f.id) === undefined ? "F" : "T");
  });
}

/** The btest's cases ([$note="…", $input="…"]), their escapes decoded (latin1). */
function pythonCases(z: ZeekSource): Array<{ note: string; input: string }> {
  const text = z.read("testing/btest/scripts/base/frameworks/file-analysis/file-magic/python.zeek");
  return [...text.matchAll(/\[\$note="([^"]*)",\s*\$input="([^"]*)"\]/g)].map((m) => ({
    note: m[1]!,
    input: m[2]!.replace(/\\x([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16))),
  }));
}

test("Zeek's btest file-analysis/file-magic/python: every Python bytecode magic sniffed as application/x-python-bytecode (file_magic)", (t) => {
  if (zeek === null) return void btestOraclesMissing(t, zeek, "its file-analysis btests", []);
  const cases = pythonCases(zeek);
  assert.ok(cases.length > 0);
  const printed = cases.map(({ note, input }) => {
    const matches = sniffMimeTypes(Buffer.from(input, "latin1"));
    return `${note}, [${matches.map((m) => `[strength=${m.strength}, mime=${m.mime}]`).join(", ")}]`;
  });
  assert.deepEqual(printed, baseline(zeek, "file-magic.python", "output"));
});

test("Zeek's btest file-analysis/bifs/set_timeout_interval: a file_timeout handler's Files::set_timeout_interval postpones the timeout once", async (t) => {
  const z = oracles(t, "http/206_example_b.pcap");
  if (z === null) return;
  let terminate = (): void => undefined;
  const ended = new Promise<void>((resolve) => (terminate = resolve));
  const spec: RunSpec = {
    ...helperRun("http/206_example_b.pcap", HTTP, {}, { default_file_timeout_interval: 2 }),
    untilTerminated: ended,
    script: (engine, print) => {
      let cnt = 0;
      fileAnalysisTest(engine, print, { source: "HTTP", fileName: (f) => `${f.id}-file${cnt++}` });
      let timeouts = 0;
      engine.on("file_timeout", (f) => {
        if (timeouts++ < 1) f.setTimeoutInterval(f.timeout_interval);
        else terminate();
      });
    },
  };
  await replay(spec, (run) => assert.deepEqual(run.printed, baseline(z, "bifs.set_timeout_interval", "zeek..stdout")));
});

/** A baseline of one of Zeek's base/files btests (testing/btest/Baseline/scripts.base.files.NAME/FILE): its lines, or its bytes. */
function filesBaseline(z: ZeekSource, name: string, file: string): string[] {
  return baselineLines(z, `scripts.base.files.${name}/${file}`);
}

function filesBaselineBytes(z: ZeekSource, name: string, file: string): Buffer {
  return baselineFile(z, `scripts.base.files.${name}`, file);
}

/** The extract/limit btests' script: EXTRACT to `efname` with a limit; file_extraction_limit prints, and may raise the limit (FileExtract::set_limit). */
function extractLimitTwin(efname: string, maxExtract: number, onLimit: (f: FaFile, print: (line: string) => void) => void = () => undefined) {
  return (engine: Engine, print: (line: string) => void): void => {
    engine.on("file_new", (f) => void f.addAnalyzer("EXTRACT", { extract_filename: efname, extract_limit: maxExtract }));
    engine.on("file_extraction_limit", (f, _args, limit, len) => {
      print(`file_extraction_limit, ${limit}, ${len}`);
      onLimit(f, print);
    });
  };
}

const tf = (b: boolean): string => (b ? "T" : "F");

test("Zeek's btest files/extract/limit: extraction stops at extract_limit, or goes on when a file_extraction_limit handler doubles or lifts it", async (t) => {
  const runs = [
    { efname: "1", max: 3000, onLimit: undefined },
    {
      efname: "2",
      max: 3000,
      // double_it: once, the limit doubled.
      onLimit: (() => {
        let doubled = false;
        return (f: FaFile, print: (line: string) => void) => {
          if (doubled) return;
          doubled = true;
          print(tf(setExtractLimit(f, 6000)));
        };
      })(),
    },
    { efname: "3", max: 7000, onLimit: (f: FaFile, print: (line: string) => void) => print(tf(setExtractLimit(f, 0))) },
  ];
  for (const r of runs) {
    const spec: RunSpec = { trace: "ftp/retr.pcap", loads: ["base/files/extract", "base/protocols/ftp"], script: extractLimitTwin(r.efname, r.max, r.onLimit) };
    await replayBtest(t, spec, (run, z) => {
      assert.deepEqual(run.printed, filesBaseline(z, "extract.limit", `${r.efname}.out`), `${r.efname}.out`);
      assert.deepEqual(run.extracted(r.efname), filesBaselineBytes(z, "extract.limit", `extract_files.${r.efname}`), `extract_files/${r.efname}`);
      // The btest's `btest-diff files.log` after the second run.
      if (r.efname === "2")
        assert.equal(filesLog(run), canonicalBtestLog(z.read("testing/btest/Baseline/scripts.base.files.extract.limit/files.log")), "files.log");
    });
  }
});

test("Zeek's btest files/extract/limit-large-hole: a 2 GiB hole counts against the limit (one event with its length), or not with default_limit_includes_missing=F", async (t) => {
  const runs = [
    { efname: "1", max: 10, includesMissing: true },
    { efname: "2", max: 10, includesMissing: false },
    { efname: "3", max: 1, includesMissing: false },
  ];
  for (const r of runs) {
    const settings = { ignore_checksums: true, "FileExtract::default_limit_includes_missing": r.includesMissing };
    const spec: RunSpec = {
      trace: "http/http-large-gap.pcap",
      loads: ["base/files/extract", "base/protocols/http"],
      settings,
      script: extractLimitTwin(r.efname, r.max),
    };
    await replayBtest(t, spec, (run, z) => {
      const name = "extract.limit-large-hole";
      assert.deepEqual(run.printed, filesBaseline(z, name, `${r.efname}.out`), `${r.efname}.out`);
      // The btest keeps only the first run's extracted file (rm extract_files/2 and 3).
      if (r.efname === "1") assert.deepEqual(run.extracted("1"), filesBaselineBytes(z, name, "extract_files.1"));
      const want = canonicalBtestLog(z.read(`testing/btest/Baseline/scripts.base.files.${name}/files-${r.efname}.log`));
      assert.equal(filesLog(run), want, `files-${r.efname}.log`);
    });
  }
});

test("Zeek's btest files/data_event/basic: DATA_EVENT's stream_event sees the executable's bytes (\"Windows\" in them)", (t) =>
  replayBtest(
    t,
    {
      trace: "pe/pe.pcap",
      loads: ["base/protocols/ftp"],
      script: (engine, print) => {
        engine.on("file_new", (f) => void f.addAnalyzer("DATA_EVENT", { stream_event: (_f, data) => void (data.includes("Windows") && print("Found")) }));
      },
    },
    (run, z) => assert.deepEqual(run.printed, filesBaseline(z, "data_event.basic", ".stdout")),
  ));

test("Zeek's btest files/entropy/basic: file_entropy's entropy_test_result of the HTTP body, printed as Zeek prints the record", (t) =>
  replayBtest(
    t,
    {
      trace: "http/get.pcap",
      loads: HTTP,
      script: (engine, print) => {
        engine.on("file_new", (f) => void f.addAnalyzer("ENTROPY"));
        engine.on("file_entropy", (_f, ent) =>
          print(
            zeekRecord([
              ["entropy", ent.entropy, "double"],
              ["chi_square", ent.chi_square, "double"],
              ["mean", ent.mean, "double"],
              ["monte_carlo_pi", ent.monte_carlo_pi, "double"],
              ["serial_correlation", ent.serial_correlation, "double"],
            ]),
          ),
        );
      },
    },
    (run, z) => assert.deepEqual(run.printed, filesBaseline(z, "entropy.basic", ".stdout")),
  ));

/** The mime btests' handler: an HTTP file's files.log filename is the last part of its connection's URI (split_string(c$http$uri, /\//)[-1]). */
function filenameFromUri(engine: Engine): void {
  engine.on("file_over_new_connection", (f, c) => {
    const uri = httpInfoOf(c)?.uri;
    if (f.source === "HTTP" && uri !== undefined && f.info !== undefined) f.info.filename = uri.split("/").at(-1);
  });
}

const MIME_LOADS = ["base/protocols/http", "base/frameworks/files", "policy/frameworks/signatures/iso-9660"];

test("Zeek's btest files/mime/iso-9660: the iso-9660 signature's larger bof buffer sniffs an ISO image (files.log cut)", (t) =>
  replayBtest(t, { trace: "http/iso-download.pcap.gz", loads: MIME_LOADS, script: filenameFromUri }, (run, z) =>
    assert.deepEqual(
      zeekCut(run.log("files"), ["fuid", "source", "mime_type", "filename"], true).split("\n"),
      filesBaseline(z, "mime.iso-9660", "files.log.cut"),
    ),
  ));

test("Zeek's btest files/mime/vnd.ms-cab-compressed-multi-conn: 206 ranges of one CAB over five connections, sniffed once (files.log and http.log cut)", (t) =>
  replayBtest(t, { trace: "http/vnd.ms-cab-compressed-multi-conn.pcap", loads: MIME_LOADS, script: filenameFromUri }, (run, z) => {
    const name = "mime.vnd.ms-cab-compressed-multi-conn";
    const files = zeekCut(run.log("files"), ["fuid", "source", "mime_type", "filename"], true);
    assert.deepEqual(files.split("\n"), filesBaseline(z, name, "files.log.cut"));
    const http = zeekCut(run.log("http"), ["uid", "method", "host", "status_code", "resp_fuids", "response_body_len", "resp_mime_types"], true);
    assert.deepEqual(http.split("\n"), filesBaseline(z, name, "http.log.cut"));
  }));

test("Zeek's btest files/pe/timestamp: pe.log's ts and id are files.log's ts and fuid of the same file (fgrep of zeek-cut ts id)", (t) =>
  replayBtest(t, { trace: "pe/pe_files_timestamp.pcap.gz", loads: ["base/protocols/http", "base/files/pe"], script: () => undefined }, (run) => {
    const pe = zeekCut(run.log("pe"), ["ts", "id"], false).split("\n").filter(Boolean);
    assert.ok(pe.length > 0, "the PE analyzer logged the executable");
    const files = run.log("files").split("\n");
    for (const line of pe)
      assert.ok(
        files.some((l) => l.includes(line)),
        `${line} in files.log`,
      );
  }));

/** The zip btests' script: ZIP::file prints the record, ZIP::end_of_directory the archive's comment. */
function zipTwin(engine: Engine, print: (line: string) => void): void {
  engine.on("ZIP::file", (_f, z) =>
    print(
      zeekRecord([
        ["global_", z.global_],
        ["fid", z.fid],
        ["filename", z.filename],
        ["time_", z.time_, "double"],
        ["comment", z.comment],
        ["compression", z.compression],
        ["encrypted", z.encrypted],
      ]),
    ),
  );
  engine.on("ZIP::end_of_directory", (_f, comment) => print(zeekString(comment)));
}

/** A btest's output as btest-diff compares it: the btest's sed of fuids (F and `fuidLength` more), then the default canonifier's times. */
function zipMasked(lines: readonly string[], fuidLength: string): string {
  const fuids = new RegExp(`F[A-Za-z0-9]{${fuidLength}}`, "g");
  return canonicalBtestLog(lines.map((l) => l.replace(fuids, "XXXXXXXXXXXXXXXXX")).join("\n"));
}

const ZIP_BTESTS = [
  { name: "basic", trace: "zip/test.pcap", ignoreChecksums: false, fuidLength: "16,17" },
  { name: "descriptor", trace: "zip/descriptor.pcap", ignoreChecksums: true, fuidLength: "16,17" },
  { name: "nested", trace: "zip/nested.pcap", ignoreChecksums: true, fuidLength: "15,17" },
];

for (const b of ZIP_BTESTS) {
  test(`Zeek's btest files/zip/${b.name}: ZIP::file's records, the members' files.log rows and extracted sizes (zeek -r, not bare)`, (t) =>
    replayBtest(
      t,
      {
        trace: b.trace,
        bare: false,
        ignoreChecksums: b.ignoreChecksums,
        loads: ["frameworks/files/extract-all-files", "frameworks/files/hash-all-files", "base/files/zip", "policy/files/zip/register"],
        script: zipTwin,
      },
      (run, z) => {
        const want = (file: string): string => canonicalBtestLog(z.read(`testing/btest/Baseline/scripts.base.files.zip.${b.name}/${file}`));
        assert.equal(zipMasked(run.printed, b.fuidLength), want(".stdout"), ".stdout");
        const cut = zeekCut(run.log("files"), ["uid", "fuid", "mime_type", "source", "filename", "extracted", "extracted_size", "ftime"], true);
        assert.equal(zipMasked(cut.split("\n"), b.fuidLength), want("files.log"), "files.log");
        const sizes = run.extractedNames().map((n) => `extract_files/${n} ${run.extracted(n)?.length ?? 0}`);
        assert.equal(zipMasked(sizes, b.fuidLength), want("extracted.log"), "extracted.log");
        if (b.name === "basic")
          assert.ok(
            sizes.some((l) => l.includes("ZIP")),
            "grep -q ZIP extracted.log",
          );
      },
    ));
}

test("Zeek's btest files/x509/files: with X509::log_x509_in_files_log=T certificates get files.log rows, their analyzers an &ordered sorted set", (t) =>
  replayBtest(
    t,
    {
      trace: "tls/google-duplicate.pcap",
      loads: ["base/protocols/ssl"],
      settings: { "X509::log_x509_in_files_log": true },
      script: (engine) => {
        // The btest's file_state_remove: f$info$analyzers replaced by an &ordered set of the same, sorted.
        engine.on("file_state_remove", (f) => {
          if (f.info !== undefined) f.info.analyzers = new ZeekOrderedSet([...f.info.analyzers].sort());
        });
      },
    },
    (run, z) => assert.equal(filesLog(run), canonicalBtestLog(z.read("testing/btest/Baseline/scripts.base.files.x509.files/files.log"))),
  ));

test("Zeek's btest http/multipart-extract: each part of a multipart body extracted to http-item-<fuid>, http.log as Zeek's", (t) =>
  replayBtest(
    t,
    {
      trace: "http/multipart.pcap",
      loads: ["base/protocols/http", "base/files/extract"],
      ignoreChecksums: true,
      script: (engine) => engine.on("file_new", (f) => void f.addAnalyzer("EXTRACT", { extract_filename: `http-item-${f.id}` })),
    },
    (run, z) => {
      assert.equal(
        canonicalBtestLog(run.log("http")),
        canonicalBtestLog(z.read("testing/btest/Baseline/scripts.base.protocols.http.multipart-extract/http.log")),
      );
      // The btest's `cat extract_files/http-item-*`: one extracted file for each of http.log's fuids.
      const fuids = parseLogText(run.log("http")).rows.flatMap((r) => r.join("\t").match(/F[A-Za-z0-9]{15,17}/g) ?? []);
      assert.ok(fuids.length > 0);
      assert.deepEqual(run.extractedNames(), [...new Set(fuids)].map((id) => `http-item-${id}`).sort());
    },
  ));

/** The ssl/ocsp-* btests' script: OCSP request and reply analyzers registered for their MIME types, each OCSP event printed. */
function ocspTwin(engine: Engine, print: (line: string) => void): void {
  engine.on("zeek_init", () => {
    engine.fileManager().registerForMimeType("OCSP_REQUEST", "application/ocsp-request");
    engine.fileManager().registerForMimeType("OCSP_REPLY", "application/ocsp-response");
  });
  engine.on("ocsp_extension", (_f, ext, global) =>
    print(
      `extension: , ${zeekRecord([
        ["name", ext.name],
        ["short_name", ext.short_name],
        ["oid", ext.oid],
        ["critical", ext.critical],
        ["value", ext.value],
      ])}, ${tf(global)}`,
    ),
  );
  engine.on("ocsp_request", (_f, version) => print(`request, ${version}, `));
  engine.on("ocsp_request_certificate", (_f, alg, nameHash, keyHash, serial) => print(`request cert, ${alg}, ${nameHash}, ${keyHash}, ${serial}`));
  engine.on("ocsp_response_status", (_f, status) => print(`ocsp_response_status, ${status}`));
  engine.on("ocsp_response_bytes", (_f, status, version, responder, producedAt, sigAlg) =>
    print(`ocsp_response_bytes, ${status}, ${version}, ${responder}, ${zeekDouble(producedAt)}, ${sigAlg}`),
  );
  engine.on("ocsp_response_certificate", (_f, alg, nameHash, keyHash, serial, status, revoked, reason, thisUpdate, nextUpdate) =>
    print(
      `ocsp_response_certificate, ${alg}, ${nameHash}, ${keyHash}, ${serial}, ${status}, ${zeekDouble(revoked)}, ${reason}, ${zeekDouble(thisUpdate)}, ${zeekDouble(nextUpdate)}`,
    ),
  );
}

const OCSP_BTESTS = [
  { name: "ocsp-http-get", ignoreChecksums: false, ocspLog: true },
  { name: "ocsp-request-only", ignoreChecksums: false, ocspLog: false },
  { name: "ocsp-request-response", ignoreChecksums: true, ocspLog: true },
  { name: "ocsp-response-only", ignoreChecksums: true, ocspLog: true },
  { name: "ocsp-revoked", ignoreChecksums: false, ocspLog: true },
];

for (const b of OCSP_BTESTS) {
  test(`Zeek's btest ssl/${b.name}: the OCSP events of requests and responses over HTTP, printed${b.ocspLog ? ", and ocsp.log" : ""} (zeek -r, not bare)`, (t) =>
    replayBtest(t, { trace: `tls/${b.name}.pcap`, loads: [], bare: false, ignoreChecksums: b.ignoreChecksums, script: ocspTwin }, (run, z) => {
      const dir = `testing/btest/Baseline/scripts.base.protocols.ssl.${b.name}`;
      assert.deepEqual(run.printed.map(maskFirstTime), baselineLines(z, `scripts.base.protocols.ssl.${b.name}/.stdout`));
      if (b.ocspLog) assert.equal(canonicalBtestLog(run.log("ocsp")), canonicalBtestLog(z.read(`${dir}/ocsp.log`)));
    }));
}

test("Zeek's btest http/content-range-gap: a 206 body with a hole extracted as Zeek extracts it (the hole zero-filled)", (t) =>
  replayBtest(
    t,
    {
      trace: "http/content-range-gap.pcap",
      loads: ["base/protocols/http", "base/files/extract"],
      script: (engine) => engine.on("file_new", (f) => void f.addAnalyzer("EXTRACT", { extract_filename: "thefile" })),
    },
    (run, z) => assert.deepEqual(run.extracted("thefile"), baselineFile(z, "scripts.base.protocols.http.content-range-gap", "extract_files.thefile")),
  ));

/** A baseline file's bytes, without the header line btest-diff adds when not --binary. */
function baselineFile(z: ZeekSource, dir: string, file: string): Buffer {
  return Buffer.from(z.read(`testing/btest/Baseline/${dir}/${file}`).replace(/^### BTest baseline.*\n/, ""), "latin1");
}

for (const name of ["entity-gap", "entity-gap2"]) {
  test(`Zeek's btest http/${name}: http_entity_data and content_gap around a hole in a body, and the body extracted with it`, (t) =>
    replayBtest(
      t,
      {
        trace: `http/${name.replace("-", "_")}.pcap`,
        loads: ["base/protocols/http", "base/files/extract"],
        script: (engine, print) => {
          // `print f, data` to the file entity_data: Zeek's print of a string, escapes and all.
          engine.on("http_entity_data", (_c, _isOrig, _length, data) => print(zeekString(data)));
          engine.on("content_gap", (_c, _isOrig, _seq, length) => print(`<${length} byte gap>`));
          let fn = 0;
          engine.on("file_new", (f) => void f.addAnalyzer("EXTRACT", { extract_filename: `file${fn++}` }));
        },
      },
      (run, z) => {
        const dir = `scripts.base.protocols.http.${name}`;
        assert.deepEqual(run.printed, baselineLines(z, `${dir}/entity_data`));
        assert.deepEqual(run.extracted("file0"), baselineFile(z, dir, "extract_files.file0"));
      },
    ));
}

const FLIP_CUTS = {
  conn: ["id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "history", "service"],
  http: ["id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "host", "method", "uri", "version", "user_agent", "status_code", "status_msg"],
  files: ["id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "analyzers", "mime_type", "sha1"],
} as const;

for (const [name, trace] of [
  ["flip-content-line-orig", "http/zeek-image-post-1080-8000-x.pcap"],
  ["flip-content-line-resp", "http/zeek-image-1080-80-x.pcapng"],
] as const) {
  test(`Zeek's btest http/${name}: a connection whose roles flip still delivers the POSTed image whole (conn, http and files.log cut)`, (t) =>
    replayBtest(
      t,
      {
        trace,
        loads: ["base/protocols/conn", "base/protocols/http", "base/files/hash"],
        script: (engine) => engine.on("file_new", (f) => void f.addAnalyzer("SHA1")),
      },
      (run, z) => {
        for (const [log, columns] of Object.entries(FLIP_CUTS)) {
          assert.deepEqual(zeekCut(run.log(log), columns, true).split("\n"), baselineLines(z, `scripts.base.protocols.http.${name}/${log}.log.cut`), log);
        }
      },
    ));
}

test("Zeek's btest core/tcp/large-file-reassembly: DATA_EVENT's chunks of an FTP file past 4 GiB (sequence wraparound, 64-bit offsets), files.log and conn.log", (t) =>
  replayBtest(
    t,
    {
      trace: "ftp/bigtransfer.pcap",
      loads: [],
      bare: false,
      settings: { tcp_excessive_data_without_further_acks: 0 },
      script: (engine, print) => {
        const chunkEvent = (_f: FaFile, data: string, off: number): void => print(`file_chunk, ${data.length}, ${off}, ${zeekString(data)}`);
        engine.on("file_new", (f) => void f.addAnalyzer("DATA_EVENT", { chunk_event: chunkEvent }));
      },
    },
    (run, z) => {
      const dir = "testing/btest/Baseline/core.tcp.large-file-reassembly";
      assert.deepEqual(run.printed, baselineLines(z, "core.tcp.large-file-reassembly/out"));
      for (const log of ["files", "conn"]) assert.equal(canonicalBtestLog(run.log(log)), canonicalBtestLog(z.read(`${dir}/${log}.log`)), `${log}.log`);
    },
  ));
