/**
 * Zeek's QUIC btests (testing/btest/scripts/base/protocols/quic/, with its
 * interop/ folder) replayed on bronze, command by command in one directory
 * per test, as btest runs them: each `zeek` run is an Engine with Zeek's
 * Spicy build's configuration (Engine.spicy), the btest seed, the run's
 * -C, trace, scripts and NAME=VALUE words, and the test's @load lines when
 * %INPUT is named; the test script's `print` handlers have TypeScript twins
 * (PRINTERS), whose lines go where the run's stdout is redirected.
 * `zeek-cut [-m] COLUMNS < A > B`, `echo`, `btest-diff` (with the
 * canonifiers these tests name), `btest-diff-cut` and `test ! -f` are done as
 * btest and the shell do them; `test ! -f X || cat X >&2` checks nothing.
 * .stderr is what the runs wrote to stderr (reporter messages).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Engine } from "../../src/engine.js";
import type { EventName } from "../../src/event/events.js";
import { loadBuiltinScripts } from "../../src/scripts/index.js";
import { openTrace } from "../../src/source/open.js";
import { corpusRoot } from "../helpers/corpus.js";
import { zeekString } from "../helpers/zeek-print.js";
import { ZEEK_SEED } from "../session/harness.js";
import type { ZeekSource } from "../signatures/btest-harness.js";
import { canonicalBtestLog, zeekCut } from "./btest-applogs-harness.js";

export const QUIC_BTEST_DIR = "testing/btest/scripts/base/protocols/quic";
const BASELINE_DIR = "testing/btest/Baseline";

export interface QuicBtest {
  /** The baseline directory's name: scripts.base.protocols.quic.X (interop tests: …quic.interop.quic-go_quic-go.X). */
  readonly name: string;
  /** The @TEST-EXEC commands, in order. */
  readonly commands: readonly string[];
  /** The script's @load lines (loaded by runs that name %INPUT). */
  readonly loads: readonly string[];
}

/** One comparison's outcome. */
export interface QuicResult {
  readonly test: string;
  /** The compared file, or `X (none)` for `test ! -f X`. */
  readonly file: string;
  readonly same: boolean;
  /** The first differing line, Zeek's then bronze's. */
  readonly diff: string;
}

/** Every QUIC btest in Zeek's source, by name. */
export function quicBtests(zeek: ZeekSource): QuicBtest[] {
  const found: QuicBtest[] = [];
  const walk = (dir: string): void => {
    for (const entry of zeek.list(dir)) {
      const path = `${dir}/${entry}`;
      if (entry.endsWith(".zeek")) {
        const text = zeek.read(path);
        const name = path.slice("testing/btest/".length, -".zeek".length).replaceAll("/", ".");
        const commands = [...text.matchAll(/^# @TEST-EXEC: (.*)$/gm)].map((m) => m[1]!.trim());
        const loads = [...text.matchAll(/^@load\s+(\S+)/gm)].map((m) => m[1]!);
        found.push({ name, commands, loads });
      } else if (!entry.includes(".")) walk(path);
    }
  };
  walk(QUIC_BTEST_DIR);
  return found.sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** Zeek's print of a time or double: six decimals, trailing zeros dropped but one. */
function zeekTime(t: number): string {
  return t.toFixed(6).replace(/0+$/, "").replace(/\.$/, ".0");
}

function value(v: unknown): string {
  if (typeof v === "boolean") return v ? "T" : "F";
  if (typeof v === "string") return zeekString(v);
  return String(v);
}

function hex(s: string): string {
  return Buffer.from(s, "latin1").toString("hex");
}

type Printer = (engine: Engine, out: string[]) => void;

/** The twins of the tests' own scripts' print handlers, by test name. */
const PRINTERS: Readonly<Record<string, Printer>> = {
  "scripts.base.protocols.quic.analyzer-confirmations": (engine, out) => {
    engine.on("analyzer_confirmation_info", (atype, info) => {
      out.push(["analyzer_confirmation", zeekTime(engine.clock.now), info.c?.uid ?? "", `Analyzer::ANALYZER_${atype}`].join(", "));
    });
  },
  "scripts.base.protocols.quic.events": (engine, out) => {
    const now = () => zeekTime(engine.clock.now);
    const on = engine.on.bind(engine) as (name: EventName, handler: (...args: never[]) => void) => Engine;
    on("QUIC::initial_packet", (c: { uid: string }, isOrig: boolean, version: number, dcid: string, scid: string) => {
      out.push([now(), "initial_packet", c.uid, value(isOrig), version, hex(dcid), hex(scid)].join(", "));
    });
    on("QUIC::retry_packet", (c: { uid: string }, isOrig: boolean, version: number, dcid: string, scid: string, token: string, tag: string) => {
      out.push([now(), "retry_packet", c.uid, value(isOrig), version, hex(dcid), hex(scid), token.length, hex(tag)].join(", "));
    });
    on("QUIC::handshake_packet", (c: { uid: string }, isOrig: boolean, version: number, dcid: string, scid: string) => {
      out.push([now(), "handshake_packet", value(isOrig), c.uid, version, hex(dcid), hex(scid)].join(", "));
    });
    on("QUIC::zero_rtt_packet", (c: { uid: string }, isOrig: boolean, version: number, dcid: string, scid: string) => {
      out.push([now(), "zero_rtt_packet", value(isOrig), c.uid, version, hex(dcid), hex(scid)].join(", "));
    });
    on("QUIC::discarded_packet", (_c: unknown, isOrig: boolean, total: number) => {
      out.push([now(), "discarded_packet", value(isOrig), total].join(", "));
    });
    on("QUIC::short_header_packet_threshold_crossed", (_c: unknown, isOrig: boolean, threshold: number) => {
      out.push([now(), "short_header_packet_threshold_crossed", value(isOrig), threshold].join(", "));
    });
  },
  "scripts.base.protocols.quic.vector-max-size-crash": (engine, out) => {
    engine.on("QUIC::unhandled_version", (c, isOrig, version, dcid, scid) => {
      out.push(["QUIC::unhandled_version", c.uid, isOrig, version, dcid, scid].map(value).join(", "));
    });
  },
};

/** Zeek's testing/scripts canonifiers these tests name. */
const CANONIFIERS: Readonly<Record<string, (text: string) => string>> = {
  "diff-remove-abspath": (t) =>
    t
      .replace(/\/+/g, "/")
      .replace(/([a-zA-Z]:)?\/([^\t :/]{1,}\/){1,}([^\t :/]{1,})/g, "<...>/$3")
      .replace(/<\.\.\.>\/zeek,/g, "zeek,"),
  "diff-remove-locations": (t) => t.replace(/:[0-9]+:[0-9]+-[0-9]+:[0-9]+/g, ":<location>"),
};

/** A file as btest-diff compares it under TEST_DIFF_CANONIFIER `canonifier` (undefined: Zeek's default). */
function canonified(text: string, canonifier: string | undefined): string {
  const lines = text.split("\n").filter((l) => !l.startsWith("### "));
  if (canonifier === undefined) return canonicalBtestLog(lines.join("\n"));
  let out = lines.join("\n");
  for (const part of canonifier.split("|").map((p) =>
    p
      .trim()
      .replace(/^\$SCRIPTS\//, "")
      .replace(/^"|"$/g, ""),
  )) {
    if (part === "") continue;
    const fn = CANONIFIERS[part];
    if (fn === undefined) throw new Error(`no canonifier ${part}`);
    out = fn(out);
  }
  return out.trim();
}

/** Shell words, with "…" quoting. */
function words(command: string): string[] {
  return [...command.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!);
}

/** Replays one btest; the results of its comparisons. */
export async function runQuicBtest(zeek: ZeekSource, t: QuicBtest): Promise<QuicResult[]> {
  const dir = mkdtempSync(join(tmpdir(), "bronze-quic-btest-"));
  const at = (f: string) => join(dir, f);
  const results: QuicResult[] = [];
  const stderr: string[] = [];
  const compare = (file: string, zeekText: string, bronzeText: string): void => {
    const z = zeekText.split("\n");
    const b = bronzeText.split("\n");
    const i = z.findIndex((line, k) => line !== b[k]);
    const same = i < 0 && z.length === b.length;
    const k = i < 0 ? z.length : i;
    results.push({ test: t.name, file, same, diff: same ? "" : `line ${k + 1}: ${z[k] ?? "(end)"} != ${b[k] ?? "(end)"}` });
  };
  try {
    for (const command of t.commands) {
      // TEST_DIFF_CANONIFIER=VALUE (quoted or not) before the command.
      const env = /^TEST_DIFF_CANONIFIER=("[^"]*"|\S*)\s+(.*)$/.exec(command);
      const canonifier = env === null ? undefined : env[1]!.replace(/^"|"$/g, "");
      const w = words(env === null ? command : env[2]!);
      const cmd = w[0];
      if (cmd === "zeek") await zeekRun(t, w.slice(1), dir, stderr);
      else if (cmd === "echo") {
        const redirect = w.findIndex((x) => x.startsWith(">"));
        const op = w[redirect]!;
        const to = op === ">" || op === ">>" ? w[redirect + 1]! : op.replace(/^>+/, "");
        writeFileSync(at(to), `${w.slice(1, redirect).join(" ")}\n`, { flag: op.startsWith(">>") ? "a" : "w" });
      } else if (cmd === "test" && w[1] === "!" && w[2] === "-f") {
        if (w[4] === "||") continue; // `test ! -f X || cat X >&2`: shows X, checks nothing
        results.push({ test: t.name, file: `${w[3]} (none)`, same: !existsSync(at(w[3]!)), diff: `bronze wrote ${w[3]}` });
      } else if (cmd === "zeek-cut") {
        const names = w[1] === "-m";
        const lt = w.indexOf("<");
        const gt = w.indexOf(">");
        const columns = w.slice(names ? 2 : 1, lt);
        const from = at(w[lt + 1]!);
        writeFileSync(at(w[gt + 1]!), existsSync(from) ? `${zeekCut(readFileSync(from, "latin1"), columns, names)}\n` : "", "latin1");
      } else if (cmd === "btest-diff" || cmd === "btest-diff-cut") {
        const file = w.at(-1)!;
        const baseline = zeek.read(`${BASELINE_DIR}/${t.name}/${file}`);
        let text: string;
        if (file === ".stderr") text = stderr.join("");
        else if (!existsSync(at(file))) {
          results.push({ test: t.name, file, same: false, diff: "bronze wrote none" });
          continue;
        } else text = readFileSync(at(file), "latin1");
        if (cmd === "btest-diff-cut") {
          const names = w[1] === "-m";
          text = zeekCut(text, w.slice(names ? 2 : 1, -1), names);
        }
        compare(file, canonified(baseline, canonifier), canonified(text, canonifier));
      } else throw new Error(`${t.name}: a command the runner does not know: ${command}`);
    }
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One `zeek` command line: its flags, trace, scripts, settings and redirection. */
async function zeekRun(t: QuicBtest, args: readonly string[], dir: string, stderr: string[]): Promise<void> {
  let ignoreChecksums = false;
  let trace = "";
  let input = false;
  let redirect: { file: string; append: boolean } | null = null;
  const loads: string[] = [];
  const settings: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "-r" || a === "-Cr") {
      ignoreChecksums ||= a === "-Cr";
      trace = args[++i]!.replace(/^\$TRACES\//, "");
    } else if (a === "-C") ignoreChecksums = true;
    else if (a === "%INPUT") input = true;
    else if (a === ">" || a === ">>") redirect = { file: args[++i]!, append: a === ">>" };
    else if (a.startsWith(">")) redirect = { file: a.replace(/^>+/, ""), append: a.startsWith(">>") };
    else if (a.includes("=")) settings.push(a);
    else loads.push(a);
  }
  if (input) loads.push(...t.loads);
  const engine = new Engine({ seed: ZEEK_SEED, spicy: true, loads, settings, ignoreChecksums });
  const out: string[] = [];
  if (input) PRINTERS[t.name]?.(engine, out);
  const scripts = loadBuiltinScripts(engine, { logdir: dir, loads, stderr: (line) => void stderr.push(`${line}\n`) });
  await engine.run(await openTrace(join(corpusRoot(), "zeek", "traces", trace)));
  scripts.close();
  if (redirect !== null) writeFileSync(join(dir, redirect.file), out.map((l) => `${l}\n`).join(""), { flag: redirect.append ? "a" : "w" });
}
