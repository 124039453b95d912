/**
 * Zeek's btests of Input::add_analysis (files read by an input reader and
 * handed to file analysis): file-analysis/input/basic,
 * file-analysis/logging-input-analysis, notice/file-info-no-conns and
 * core/file-analyzer-violation, replayed as TypeScript twins and held to
 * their baselines (the prints, the files.log and notice.log they diff, and
 * basic's `diff -q` of the extracted file) read from Zeek's source
 * ($BRONZE_ZEEK_SOURCE or ../zeek). The path-prefix/*-3 runs, which print
 * only, are in input-btests.test.ts with their -1 and -2 siblings.
 *
 * Left out: file-analyzer-violation's .stderr ("received termination
 * signal": a bronze run ends with its input, not a signal).
 *
 * The btests run `zeek -b` with exit_only_after_terminate and end with
 * terminate() from a file event. A twin's run is that: no packets, network
 * time from the wall clock (as Zeek's with nothing to read), until the
 * twin's terminate(). logging-input-analysis also names a trace (http/
 * get.pcap), but its files.log holds only the input's file: Zeek's input
 * thread hands the file over, and terminate() in its file_state_remove ends
 * the run, before the trace's HTTP file begins. The twin leaves the trace out.
 * file-analysis-test.zeek (the btests' $SCRIPTS helper) is
 * fileAnalysisTest() of test/files/file-analysis-test.ts.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type TestContext, test } from "node:test";
import { Engine } from "../../src/engine.js";
import { loadBuiltinScripts } from "../../src/index.js";
import { type InputFramework, inputFramework } from "../../src/scripts/input/framework.js";
import type { NoticeInput, NoticeLog } from "../../src/scripts/notice.js";
import { createFileInfo, populateFileInfo } from "../../src/scripts/notice-file-info.js";
import type { PacketSource } from "../../src/source/raw-packet.js";
import { fileAnalysisTest } from "../files/file-analysis-test.js";
import { oracleMissing } from "../helpers/corpus.js";
import { zeekString } from "../helpers/zeek-print.js";
import { zeekFileInfo } from "../helpers/zeek-print-extra.js";
import { ZEEK_SEED } from "../session/harness.js";
import { type ZeekSource, zeekSource } from "../signatures/btest-harness.js";
import { canonicalBtestLog } from "./btest-applogs-harness.js";

const BTESTS = "testing/btest";

interface Twin {
  readonly engine: Engine;
  readonly input: InputFramework;
  readonly notices: NoticeLog;
  /** Zeek's print to stdout: the parts joined by ", ". */
  print(...parts: string[]): void;
  /** terminate(): the run ends. */
  terminate(): void;
}

interface AnalysisBtest {
  /** The btest under testing/btest, without ".zeek". */
  readonly test: string;
  readonly loads: readonly string[];
  /** btest-bg-run: the run is in the test directory's "zeek" subdirectory. */
  readonly inZeekDir: boolean;
  /** What the btest's btest-diff lines compare, as they name it: its prints (".stdout", "zeek/.stdout", or "output" when redirected) and logs. */
  readonly diffs: readonly string[];
  script(t: Twin): void;
}

/** The files a btest writes for itself (@TEST-START-FILE name … @TEST-END-FILE). */
function btestFiles(text: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const m of text.matchAll(/^# @TEST-START-FILE (\S+)\n([\s\S]*?)^# @TEST-END-FILE/gm)) files.set(m[1]!, m[2]!);
  return files;
}

/** A run with nothing to read (Zeek's network time then follows the wall clock) that ends at terminate(), or after 15 s. */
function untilTerminated(ended: Promise<void>): PacketSource {
  return {
    name: "none",
    run: async (_sink, idle) => {
      idle?.(Date.now() / 1000);
      const tick = setInterval(() => idle?.(Date.now() / 1000), 100);
      const timeout = new Promise<void>((resolve) => setTimeout(resolve, 15_000).unref());
      await Promise.race([ended, timeout]);
      clearInterval(tick);
      return { packets: 0, truncated: null };
    },
  };
}

interface Run {
  readonly outputs: Map<string, string>;
  /** The test's directory (removed after the checks). */
  readonly dir: string;
}

async function replay(zeek: ZeekSource, b: AnalysisBtest): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), "bronze-input-analysis-"));
  for (const [name, text] of btestFiles(zeek.read(`${BTESTS}/${b.test}.zeek`))) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), text, "latin1");
  }
  const runDir = b.inZeekDir ? join(dir, "zeek") : dir;
  mkdirSync(runDir, { recursive: true });
  const cwd = process.cwd();
  process.chdir(runDir);
  try {
    // file-analysis-test.zeek's FileExtract::prefix: the run's directory.
    const engine = new Engine({ bare: true, loads: [...b.loads], seed: ZEEK_SEED, ignoreChecksums: true, settings: { "FileExtract::prefix": "./" } });
    const scripts = loadBuiltinScripts(engine, { logdir: runDir, bare: true, loads: [...b.loads], stderr: null });
    const reporter = scripts.reporter;
    const input = inputFramework(engine, { error: (m) => reporter.error(m), warning: (m) => reporter.warning(m), info: (m) => reporter.info(m) });
    const printed: string[] = [];
    let terminate = (): void => undefined;
    const ended = new Promise<void>((resolve) => (terminate = resolve));
    b.script({ engine, input, notices: scripts.notices, print: (...parts) => void printed.push(parts.join(", ")), terminate });
    await engine.run(untilTerminated(ended));
    scripts.close();
    const outputs = new Map<string, string>();
    for (const file of b.diffs) {
      if (isPrints(file)) outputs.set(file, printed.map((l) => `${l}\n`).join(""));
      else if (existsSync(join(dir, file))) outputs.set(file, readFileSync(join(dir, file), "latin1"));
    }
    return { outputs, dir };
  } finally {
    process.chdir(cwd);
  }
}

/** A btest-diff of the run's prints (its stdout, redirected or not). */
function isPrints(file: string): boolean {
  return /(^|\/)(\.stdout|output)$/.test(file);
}

/** The baseline btest-diff holds `file` to (zeek/.stdout is "zeek..stdout"). */
function baselineOf(zeek: ZeekSource, b: AnalysisBtest, file: string): string {
  return zeek.read(`${BTESTS}/Baseline/${b.test.replaceAll("/", ".")}/${file.replaceAll("/", ".")}`);
}

const FILE_ANALYSIS_TEST = ["base/files/hash", "base/files/extract", "base/frameworks/files", "base/frameworks/input"];

const BTESTS_RUN: readonly AnalysisBtest[] = [
  {
    test: "scripts/base/frameworks/file-analysis/input/basic",
    loads: FILE_ANALYSIS_TEST,
    inZeekDir: true,
    diffs: ["zeek/.stdout"],
    script: (t) => {
      fileAnalysisTest(t.engine, (line) => t.print(line), { fileName: (f) => `${f.id}-file` });
      t.engine.on("file_state_remove", () => t.terminate(), { priority: -10 });
      t.input.host.on("zeek_init", () => {
        const source = "../input.log";
        t.input.addAnalysis({ source, reader: "Input::READER_BINARY", mode: "Input::MANUAL", name: source });
        t.input.remove(source);
      });
    },
  },
  {
    test: "scripts/base/frameworks/file-analysis/logging-input-analysis",
    loads: FILE_ANALYSIS_TEST,
    inZeekDir: false,
    diffs: ["files.log"],
    script: (t) => {
      fileAnalysisTest(t.engine, (line) => t.print(line));
      t.engine.on("file_state_remove", () => t.terminate());
      t.input.host.on("zeek_init", () => void t.input.addAnalysis({ source: "./myfile", name: "./myfile" }));
    },
  },
  {
    test: "scripts/base/frameworks/notice/file-info-no-conns",
    loads: ["base/protocols/http", "base/frameworks/files"],
    inZeekDir: false,
    diffs: ["output", "files.log", "notice.log"],
    script: (t) => {
      t.engine.on("file_new", (f) => void f.addAnalyzer("SHA1"));
      t.engine.on("file_hash", (f, kind) => {
        t.print("file_hash", kind, String(f.conns.size));
        const fi = createFileInfo(t.engine, f);
        t.print(zeekFileInfo(fi));
        const n: NoticeInput = { note: "NoticeTestType", msg: "test" };
        populateFileInfo(fi, n);
        t.notices.notice(n);
        t.terminate();
      });
      t.input.host.on("zeek_init", () => void t.input.addAnalysis({ source: "./myfile", name: "./myfile" }));
    },
  },
  {
    test: "core/file-analyzer-violation",
    loads: ["base/frameworks/files", "base/files/pe"],
    inZeekDir: false,
    diffs: [".stdout", "files.log"],
    script: (t) => {
      t.engine.on("analyzer_violation_info", (atype, info) => {
        const analyzers = [...(info.f?.info?.analyzers ?? [])];
        t.print(`Files::ANALYZER_${atype}`, info.reason, info.f?.id ?? "", zeekString(`{\n${analyzers.join(",\n")}\n}`));
        t.terminate();
      });
      t.input.host.on("zeek_init", () => void t.input.addAnalysis({ source: "./myfile.exe", name: "./myfile.exe" }));
    },
  },
];

for (const b of BTESTS_RUN) {
  test(`input analysis btest ${b.test}: ${b.diffs.join(", ")} as Zeek's baseline`, async (t: TestContext) => {
    const zeek = zeekSource();
    if (zeek === null) return oracleMissing(t, "Zeek's source (BRONZE_ZEEK_SOURCE or ../zeek) is missing: its file-analysis input btests cannot be read");
    const run = await replay(zeek, b);
    try {
      for (const file of b.diffs) {
        assert.ok(run.outputs.has(file), `${b.test}: bronze wrote no ${file}`);
        assert.equal(canonicalBtestLog(run.outputs.get(file)!), canonicalBtestLog(baselineOf(zeek, b, file)), `${b.test} ${file}`);
      }
      // The btest's `diff -q A B` of files the run wrote (basic: the extracted file is the input file).
      for (const m of zeek.read(`${BTESTS}/${b.test}.zeek`).matchAll(/^# @TEST-EXEC: diff -q (\S+) (\S+)$/gm)) {
        const [a, c] = [join(run.dir, m[1]!), join(run.dir, m[2]!)];
        assert.ok(existsSync(a), `${b.test}: bronze wrote no ${m[1]}`);
        assert.deepEqual(readFileSync(a), readFileSync(c), `${b.test}: diff -q ${m[1]} ${m[2]}`);
      }
    } finally {
      rmSync(run.dir, { recursive: true, force: true });
    }
  });
}
