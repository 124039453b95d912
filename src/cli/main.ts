#!/usr/bin/env node

/**
 * `bronze`: the command line, a thin shell over the library. Parses Zeek-style
 * arguments, builds an Engine, loads the built-in scripts (conn.log,
 * weird.log), the named optional scripts and the user's scripts, reads the
 * trace or interface, and exits 0 — or prints one `bronze: …` line and exits 1
 * for input it cannot use.
 */

import { accessSync, constants, existsSync, mkdirSync, realpathSync, statSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { zeekSignatureFile } from "../analyzer/app/protocols.js";
import { unswitchablePacketAnalyzers } from "../analyzer/packet-analyzer-tags.js";
import { ZEEK_ANALYZER_TAGS } from "../analyzer/zeek-tags.js";
import { Engine, type PacketPredicate } from "../engine.js";
import { compileFilter } from "../filter/compile.js";
import { geoIp } from "../geoip/geoip.js";
import { loadSqlite } from "../log/sqlite.js";
import { applySetting, defaultSettings, describeSettings, type EngineSettings } from "../options.js";
import { configFramework } from "../scripts/config/framework.js";
import { loadBuiltinScripts } from "../scripts/index.js";
import { inputFramework } from "../scripts/input/framework.js";
import { intelFramework } from "../scripts/intel/framework.js";
import { findMiscScript, MISC_SCRIPTS, type MiscScriptLoader } from "../scripts/misc/index.js";
import { netControlFramework } from "../scripts/netcontrol/framework.js";
import type { NoticeInput } from "../scripts/notice.js";
import { openFlowFramework } from "../scripts/openflow/framework.js";
import { PacketFilterError, packetFilterFramework } from "../scripts/packet-filter/framework.js";
import { telemetryFramework } from "../scripts/telemetry/index.js";
import { ZEEK_SCRIPT_NAMES } from "../scripts/zeek-script-names.js";
import { checkScriptNames } from "../scripts/zeek-scripts.js";
import { readSeedFile } from "../session/uid.js";
import { LiveSource, openLive } from "../source/live.js";
import { openTrace } from "../source/open.js";
import type { PacketSource } from "../source/raw-packet.js";
import { didYouMean } from "../suggest.js";
import { type CliOptions, parseArgs, USAGE, UsageError, validate } from "./args.js";
import { checkScripts } from "./check.js";
import { HandlerFailures } from "./handler-failures.js";
import { packageInfo } from "./package-root.js";
import { withProgress } from "./progress.js";
import { openRecording } from "./record.js";
import { loadExecScript, loadUserScript, scriptFiles } from "./user-scripts.js";
import { tuneV8ForOneShot } from "./v8-flags.js";

/** Where the command writes; tests pass their own. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** True when stderr is a terminal (progress line allowed). */
  stderrIsTTY: boolean;
  env: Readonly<Record<string, string | undefined>>;
}

export function processIo(): CliIo {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    stderrIsTTY: process.stderr.isTTY === true,
    env: process.env,
  };
}

/**
 * Set once a live capture ran. node_pcap stops polling its descriptor only
 * when a read after close() finds a packet, so with a quiet interface (or a
 * narrow filter) Node would not exit by itself: the command leaves explicitly
 * once its output is flushed.
 */
let liveCaptureRan = false;

/** Exit status after a broken pipe on standard output: what a shell reports for a command ended by SIGPIPE (128 + 13). */
const EXIT_BROKEN_PIPE = 141;

/** Errors that are the user's input, not bronze's fault: shown as one line. */
const INPUT_ERRORS = new Set([
  "UsageError",
  "TraceError",
  "FilterSyntaxError",
  "SignatureError",
  "IntelFileError",
  "PacketFilterError",
  "TelemetryError",
  "SqliteUnavailable",
]);

/** The package version, from the package.json above this file (src/ or dist/src/). */
function version(): string {
  return packageInfo()?.version ?? "unknown";
}

/** Compiles -f's expression; a syntax error is Zeek's fatal error naming the filter, one line, before any log. */
function compileFilterExpression(expr: string): PacketPredicate {
  try {
    return compileFilter(expr);
  } catch (error) {
    // The compiler's message may add a caret diagram; the first line says it all.
    const message = (error instanceof Error ? error.message : String(error)).split("\n")[0];
    throw new PacketFilterError(`Bad pcap filter '${expr}': ${message}`);
  }
}

/** The settings the command line asks for (the engine applies them again); a bad one is a UsageError. */
function checkSettings(settings: readonly string[]): EngineSettings {
  const scratch = defaultSettings();
  for (const s of settings) {
    try {
      applySetting(scratch, s);
    } catch (error) {
      throw new UsageError(`bad setting ${s}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return scratch;
}

function loadSeed(opts: CliOptions, io: CliIo): number[] | undefined {
  const file = opts.seedFile ?? io.env.ZEEK_SEED_FILE;
  if (file === undefined || file === "") return undefined;
  let words: number[];
  try {
    words = readSeedFile(file);
  } catch (error) {
    throw new UsageError(`cannot read seed file ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (words.length < 21 || words.some((w) => !Number.isInteger(w) || w < 0))
    throw new UsageError(`seed file ${file} is not a Zeek seed file (expected 21 unsigned numbers)`);
  return words;
}

/** --logdir: created when missing (as Zeek creates its log directory); one usage line when it cannot be used. */
function checkLogdir(dir: string | undefined): void {
  if (dir === undefined) return;
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new UsageError(`log directory ${dir} is not a directory`);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code === "ENOTDIR" ? "a part of the path is not a directory" : (error as Error).message;
    throw new UsageError(`cannot create log directory ${dir}: ${why}`);
  }
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw new UsageError(`log directory ${dir} is not writable`);
  }
}

/**
 * bronze's own optional scripts (misc/…) and Zeek script names: a name Zeek
 * does not have is an error; a real Zeek script bronze does not implement yet
 * is accepted (it still informs the engine, e.g. likely server ports with -b)
 * with one warning naming them.
 */
/** Every script name a user may give: Zeek's in full and as ZEEKPATH finds them without "base/" or "policy/", and bronze's own. */
function scriptNameForms(): string[] {
  const forms = [...Object.keys(MISC_SCRIPTS)];
  for (const name of ZEEK_SCRIPT_NAMES) forms.push(name, name.replace(/^(base|policy)\//, ""));
  return forms;
}

/**
 * -s NAME of one of Zeek's own signature files (base/protocols/ssl/dpd.sig)
 * that is no file here: Zeek finds it on its ZEEKPATH, bronze knows its
 * signatures by that name (a load, as `@load-sigs` of it); the other -s
 * values stay signature files.
 */
function zeekSignatureLoads(opts: CliOptions): { loads: string[]; signatureFiles: string[] } {
  const loads = [...opts.loads];
  const signatureFiles: string[] = [];
  for (const s of opts.signatureFiles) {
    const zeekName = existsSync(s) || existsSync(`${s}.sig`) ? null : zeekSignatureFile(s);
    if (zeekName === null) signatureFiles.push(s);
    else loads.push(zeekName);
  }
  return { loads, signatureFiles };
}

function checkScriptLoads(loads: readonly string[], io: CliIo): MiscScriptLoader[] {
  const misc: MiscScriptLoader[] = [];
  const zeek: string[] = [];
  for (const name of loads) {
    const loader = findMiscScript(name);
    if (loader !== undefined) misc.push(loader);
    else zeek.push(name);
  }
  const { unknown, notImplemented } = checkScriptNames(zeek);
  if (unknown.length > 0) {
    const bronzeOwn = unknown.some((n) => /^(policy\/)?misc\//.test(n)) ? ` (bronze's own: ${Object.keys(MISC_SCRIPTS).join(", ")})` : "";
    const hint = unknown.length === 1 ? didYouMean(unknown[0]!.replace(/\.zeek$/, ""), scriptNameForms()).trimEnd() : "";
    throw new UsageError(`no such script: ${unknown.join(", ")}: not a Zeek script name${bronzeOwn}${hint === "" ? "" : ` (${hint})`}`);
  }
  if (notImplemented.length > 0) {
    io.stderr(
      `bronze: warning: Zeek scripts bronze does not implement yet (their logs are not written; only what they change in the core applies, e.g. likely server ports with -b): ${notImplemented.join(", ")}\n`,
    );
  }
  return misc;
}

async function openSource(opts: CliOptions, settings: EngineSettings, io: CliIo): Promise<PacketSource> {
  if (opts.iface !== undefined) {
    return openLive(opts.iface, {
      filter: opts.filter,
      snaplen: settings.snaplen,
      promiscuous: !opts.noPromiscuous,
      // As tcpdump and Zeek do: from this line on, packets are being captured.
      onWarning: (w) => io.stderr(`bronze: warning: ${w}\n`),
      onListening: (l) =>
        io.stderr(`bronze: listening on ${l.iface}, link-type ${l.linktype}, snapshot length ${l.snaplen} bytes${l.promiscuous ? "" : ", not promiscuous"}\n`),
    });
  }
  const source = await openTrace(opts.readFile!);
  return io.stderrIsTTY ? withProgress(source, { write: io.stderr }) : source;
}

/** Runs the command; resolves to the exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  try {
    return await run(argv, io);
  } catch (error) {
    const err = error instanceof Error ? error : new Error(String(error));
    if (INPUT_ERRORS.has(err.name)) io.stderr(`bronze: ${err.message}\n`);
    else io.stderr(`bronze: internal error: ${err.stack ?? err.message}\n`);
    return 1;
  }
}

async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const opts = parseArgs(argv);
  if (opts.help) {
    io.stdout(`${USAGE}\nsettings (NAME=VALUE or --set; intervals need a unit: 10sec, 5min, 1hr):\n${describeSettings()}`);
    return 0;
  }
  if (opts.version) {
    io.stdout(`bronze ${version()}\n`);
    return 0;
  }
  validate(opts);
  if (opts.check) {
    const problems = await checkScripts(opts.userScripts);
    for (const line of problems) io.stderr(`${line}\n`);
    io.stderr(problems.length === 0 ? `bronze: ${opts.userScripts.join(", ")}: types check\n` : `bronze: ${problems.length} type error(s)\n`);
    return problems.length === 0 ? 0 : 1;
  }
  const settings = checkSettings(opts.settings);
  // --logdir, else Zeek's Log::default_logdir ("": the current directory).
  const logdir = opts.logdir ?? (settings["Log::default_logdir"] !== "" ? settings["Log::default_logdir"] : undefined);
  checkLogdir(logdir);
  // Log::default_writer=Log::WRITER_SQLITE without SQLite: one line now, as Zeek without the writer refuses the name, rather than an error per log.
  if (settings["Log::default_writer"] === "WRITER_SQLITE") loadSqlite();
  const seed = loadSeed(opts, io);
  const misc = checkScriptLoads(opts.loads, io);
  const { loads, signatureFiles } = zeekSignatureLoads(opts);
  const stuck = unswitchablePacketAnalyzers(settings["Analyzer::disabled_analyzers"]);
  if (stuck.length > 0) io.stderr(`bronze: warning: packet analyzers bronze cannot switch off (they stay on): ${stuck.join(", ")}\n`);
  // Checked here for -i too (libpcap compiles it there), so a bad filter reads the same either way.
  const compiled = opts.filter !== undefined ? compileFilterExpression(opts.filter) : undefined;
  const filter = opts.iface === undefined ? compiled : undefined;
  const source = await openSource(opts, settings, io);
  // -w: the engine hands the recorder each packet that passed the filter, once analysed.
  // The file is opened now: a path that cannot be written is a usage error before any log exists.
  let fatal: string | null = null;
  const recording = opts.writeFile !== undefined ? openRecording(opts.writeFile, () => source.stop?.()) : undefined;

  const engine = new Engine({
    ignoreChecksums: opts.ignoreChecksums,
    bare: opts.bare,
    spicy: opts.spicy,
    loads,
    seed,
    settings: opts.settings,
    filter,
    cmdLineFilter: opts.filter,
    recorder: recording?.sink,
  });
  // -s: a bad signature file is one line naming its file and line, before any log is written.
  if (signatureFiles.length > 0) engine.loadSignatures(...signatureFiles);
  for (const { name, port, proto } of opts.analyzerPorts) {
    if (!engine.registerForPort(name, port, proto)) {
      const hint = didYouMean(
        `ANALYZER_${name}`,
        ZEEK_ANALYZER_TAGS.map((t) => `ANALYZER_${t}`),
      ).trimEnd();
      throw new UsageError(`Analyzer::register_for_port: no analyzer ANALYZER_${name} for ${proto}${hint === "" ? "" : ` (${hint})`}`);
    }
  }
  const builtins = loadBuiltinScripts(engine, {
    json: opts.json,
    jsonOptions: { timestamps: opts.jsonTimestamps, includeUnset: opts.jsonIncludeUnset, stringEscapePolicy: opts.jsonStringEscapePolicy },
    gzipLevel: opts.gzipLevel,
    gzipExtension: opts.gzipExtension,
    asciiFormat: opts.asciiFormat,
    stdout: opts.logsToStdout,
    // The reader of the logs went away (`| head`): nothing more can be delivered, so reading stops.
    onBrokenPipe: () => source.stop?.(),
    scopeSep: opts.scopeSep,
    fieldNameMap: opts.fieldNameMap,
    extPrefix: opts.extPrefix,
    // Zeek's ZEEK_LOG_SUFFIX: the log files' extension.
    logSuffix: io.env.ZEEK_LOG_SUFFIX,
    logdir,
    bare: opts.bare,
    loads,
    stderr: (line) => io.stderr(`${line}\n`),
    live: opts.iface !== undefined,
    // Capturing live: libpcap's drop counts for the packet-filter framework's Dropped_Packets notices.
    captureStats: source instanceof LiveSource ? () => source.stats() : undefined,
    version: version(),
    // A filter a script's plugin makes bad at start-up: Zeek's Reporter::fatal ends the run.
    fatal: (message) => {
      fatal ??= message;
      source.stop?.();
    },
  });
  // Handler exceptions: reporter.log rows, one stderr line per failure site, a count at the end.
  const failures = new HandlerFailures(builtins.reporter, scriptFiles, (line) => io.stderr(`${line}\n`));
  engine.bus.reportError = failures.report;
  for (const loader of misc) loader(engine, { logdir });
  const context = {
    logs: builtins.logs,
    notice: (n: NoticeInput) => builtins.notices.notice(n),
    notices: builtins.notices,
    // Made on first use: a script that never asks costs nothing.
    get intel() {
      return intelFramework(engine, { logs: builtins.logs, info: (message) => builtins.reporter.info(message) });
    },
    get geoip() {
      return geoIp(engine, builtins.reporter);
    },
    get netcontrol() {
      return netControlFramework(engine, { logs: builtins.logs, error: (message) => builtins.reporter.error(message) });
    },
    get packetFilter() {
      return packetFilterFramework(engine, { logs: builtins.logs, notices: builtins.notices, warning: (m) => builtins.reporter.warning(m) });
    },
    get config() {
      return configFramework(engine, { logs: builtins.logs, error: (m) => builtins.reporter.error(m), warning: (m) => builtins.reporter.warning(m) });
    },
    get openflow() {
      const reporter = builtins.reporter;
      return openFlowFramework(engine, { logs: builtins.logs, error: (m) => reporter.error(m), warning: (m) => reporter.warning(m) });
    },
    get input() {
      const reporter = builtins.reporter;
      return inputFramework(engine, { error: (m) => reporter.error(m), warning: (m) => reporter.warning(m), info: (m) => reporter.info(m) });
    },
    get telemetry() {
      return telemetryFramework(engine, { error: (m) => builtins.reporter.error(m), warning: (m) => builtins.reporter.warning(m) });
    },
    print: builtins.print,
  };
  for (const script of opts.userScripts) {
    for (const warning of await loadUserScript(script, engine, context)) io.stderr(`bronze: warning: ${warning}\n`);
  }
  for (const [i, code] of opts.execCode.entries()) {
    for (const warning of await loadExecScript(code, i, engine, context)) io.stderr(`bronze: warning: ${warning}\n`);
  }
  // Zeek's InitPostScript: the logs a dead run left are rotated once the scripts are loaded (their postprocessors
  // registered), before zeek_init; one that cannot be renamed is a fatal error before anything is read or written.
  builtins.logs.rotateLeftoverLogs((message) => {
    fatal ??= message;
  });
  if (fatal !== null) {
    recording?.close();
    io.stderr(`bronze: fatal error: ${fatal}\n`);
    return 1;
  }

  // Ctrl-C ends a capture cleanly (logs are written); a second one kills. Sources
  // that cannot stop keep the default behaviour. As Zeek, the signal is
  // reported (reporter.log and stderr) and the run ends normally, exit 0.
  let interrupted = false;
  const stop = () => {
    interrupted = true;
    builtins.reporter.info("received termination signal");
    source.stop?.();
  };
  if (source.stop) {
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  }
  let summary: Awaited<ReturnType<typeof engine.run>>;
  liveCaptureRan = source instanceof LiveSource;
  try {
    summary = await engine.run(source);
    // Notice mail still being handed to the mail program (sent at the end of input) is waited for.
    await builtins.notices.mailDone();
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
    recording?.close();
  }
  failures.summarise();
  if (fatal !== null) {
    io.stderr(`bronze: fatal error: ${fatal}\n`);
    return 1;
  }
  // `bronze -w - | head`: the reader went away, reading stopped; end quietly with a shell's broken-pipe status.
  if (recording?.brokenPipe === true) return EXIT_BROKEN_PIPE;
  if (source instanceof LiveSource) {
    const stats = source.stats();
    if (stats) io.stderr(`bronze: ${stats.received} packets received, ${stats.dropped} dropped by the kernel, ${stats.ifDropped} by the interface\n`);
  }
  if (recording?.failure != null) {
    const kept = recording.recorder.recorded;
    io.stderr(`bronze: error: cannot write ${opts.writeFile}: ${recording.failure}; the recording stopped after ${kept} packet${kept === 1 ? "" : "s"}\n`);
  }
  const otherLinktype = recording?.recorder.otherLinktype ?? 0;
  if (otherLinktype > 0)
    io.stderr(`bronze: warning: ${otherLinktype} packets of another link type were not written to ${opts.writeFile} (a pcap file holds one)\n`);
  // Reading a trace, a signal means the logs cover only part of it: say so (with -i it is the normal end).
  if (interrupted && opts.readFile !== undefined)
    io.stderr(`bronze: warning: interrupted: ${opts.readFile} was read up to packet ${summary.packets}; the logs cover only that part\n`);
  if (summary.truncated !== null) io.stderr(`bronze: warning: ${summary.truncated}; logs were written for everything before it\n`);
  return 0;
}

/** True when this module is the program being run (also through npm's bin symlink). */
function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return pathToFileURL(realpathSync(script)).href === import.meta.url;
  } catch {
    return false;
  }
}

export { setModuleImporter } from "./dynamic-import.js";

/**
 * Runs the command as the program: its exit code becomes the process's. A
 * live capture leaves node_pcap's poller behind (see LiveSource.stop), so the
 * process then exits once standard output and error are flushed.
 */
export async function runAsProgram(argv: readonly string[]): Promise<void> {
  const code = await main(argv);
  process.exitCode = code;
  if (liveCaptureRan) process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
}

// Run as a module (node dist/src/cli/main.js); the bundle is started by src/cli/launcher.ts.
if (isEntryPoint()) {
  tuneV8ForOneShot(process.env);
  void runAsProgram(process.argv.slice(2));
}
