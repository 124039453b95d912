/**
 * Zeek's policy/misc/loaded-scripts: loaded_scripts.log (Log ID
 * LoadedScripts::LOG), one row per script file the run loads, in load order,
 * its name indented two spaces per level of @load depth; and the
 * `zeek_script_loaded(path, level)` events the rows come from.
 *
 * bronze runs no Zeek script, so the files listed are those Zeek loads for
 * the same command line: init-bare.zeek, builtin-plugins/__preload__.zeek,
 * init-frameworks-and-bifs.zeek, init-default.zeek (not with -b),
 * builtin-plugins/__load__.zeek, the scripts named on the command line in
 * their order, then base/frameworks/packet-filter/main.zeek with a capture
 * filter (-f), each followed by what it @loads (zeek-script-files.ts, from
 * Zeek's source, with its bif files and the standalone configuration's @if
 * blocks). A file is listed once, where it is first loaded; @load of a
 * directory loads its __load__.zeek. A Zeek script bronze does not
 * implement is listed all the same: the log says what the configuration
 * loads, the start-up warning what bronze leaves out. The user's TypeScript
 * scripts are not Zeek script files and are not listed. The Zeek listed is
 * built with Spicy when bronze runs as one (--spicy; Zeek's usual build,
 * that of its coverage baselines), else without (bronze's default, as the
 * corpus' Zeek): Spicy's framework, the Spicy analyzers' scripts and bif
 * files, or the legacy Finger and Syslog analyzers' bif files. With
 * -i, the capture filter goes to libpcap, not to the engine: the packet
 * filter's main script is then not listed.
 *
 * Paths: Zeek writes where it found each file, absolute; bronze writes the
 * file's path below share/zeek after the setting LoadedScripts::prefix,
 * by default Zeek's default installation (/usr/local/zeek/share/zeek), so
 * that the log reads as a stock Zeek's. Paths are already compressed (no
 * "./" or "../"), as Zeek's compress_path leaves them.
 */
import type { LogManager } from "../log/manager.js";
import { fields } from "../log/schema.js";
import type { AnalyzerScriptHost } from "./host.js";
import type { PolicyScript } from "./policy-scripts.js";
import { ZEEK_SCRIPT_FILES, ZEEK_STARTUP_SCRIPTS } from "./zeek-script-files.js";

export const LOADED_SCRIPTS_SCRIPT = "policy/misc/loaded-scripts";

export const LOADED_SCRIPTS_FIELDS = fields(["name", "string"]);

/**
 * Script files with their @loads in order, space-separated, "./x" below the
 * file's own directory, "+x" only in a Zeek built with Spicy, "-x" only in
 * one without (zeek-script-files.ts).
 */
export type ScriptFiles = Readonly<Record<string, string>>;

/** A file as Zeek reports it loaded: its path below share/zeek and its @load depth (0: loaded by Zeek itself or named). */
export interface LoadedScript {
  readonly file: string;
  readonly level: number;
}

/** What decides the files a run loads: Zeek's command line. */
export interface ScriptRun {
  /** -b: init-default.zeek is not loaded. */
  readonly bare: boolean;
  /** Zeek script names on the command line, in order ("local", "base/protocols/http"). */
  readonly loads: readonly string[];
  /** A capture filter was given (-f): Zeek loads the packet filter framework's main script after the named ones. */
  readonly captureFilter?: boolean;
  /** Zeek built with Spicy (bronze's --spicy). */
  readonly spicy?: boolean;
}

/** ZEEKPATH's directories below share/zeek, in Zeek's search order. */
const ZEEKPATH = ["", "policy/", "site/", "builtin-plugins/"];

/** The file a command line's `name` loads along ZEEKPATH: `name.zeek`, the file itself, or the directory's __load__.zeek; null if none. */
export function findScriptFile(files: ScriptFiles, name: string): string | null {
  const clean = name.replace(/^\.\//, "").replace(/\/+$/, "");
  for (const dir of ZEEKPATH) {
    for (const candidate of [`${dir}${clean}.zeek`, `${dir}${clean}`, `${dir}${clean}/__load__.zeek`]) {
      if (Object.hasOwn(files, candidate)) return candidate;
    }
  }
  return null;
}

/** The files `file` @loads in a Zeek built with Spicy or not, in order, as paths below share/zeek. */
function loadsOf(files: ScriptFiles, file: string, spicy: boolean): string[] {
  const text = files[file] ?? "";
  if (text === "") return [];
  const dir = file.slice(0, file.lastIndexOf("/") + 1);
  const other = spicy ? "-" : "+";
  return text
    .split(" ")
    .filter((load) => !load.startsWith(other))
    .map((load) => load.replace(/^[+-]/, ""))
    .map((load) => (load.startsWith("./") ? dir + load.slice(2) : load));
}

/**
 * The files loading `roots` (each at depth 0, in order) loads, as Zeek
 * reports them: depth first, a file where it is first loaded only (a later
 * @load of it loads and reports nothing).
 */
export function loadOrder(files: ScriptFiles, roots: readonly string[], spicy = false): LoadedScript[] {
  const seen = new Set<string>();
  const out: LoadedScript[] = [];
  // Loads are pushed in reverse so that they pop in @load order; a file counts as loaded when
  // it pops, as Zeek marks a file when it opens it (a load already on the stack then pops as seen).
  const stack: LoadedScript[] = roots.map((file) => ({ file, level: 0 })).reverse();
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (seen.has(next.file)) continue;
    seen.add(next.file);
    out.push(next);
    const children = loadsOf(files, next.file, spicy);
    for (let i = children.length - 1; i >= 0; i--) stack.push({ file: children[i]!, level: next.level + 1 });
  }
  return out;
}

/** The files Zeek loads for `run`, in its order (names Zeek has no file for are left out: bronze rejected them already). */
export function zeekLoadedScripts(run: ScriptRun, files: ScriptFiles = ZEEK_SCRIPT_FILES): LoadedScript[] {
  const named = run.loads.flatMap((name) => findScriptFile(files, name) ?? []);
  const roots = [
    ...ZEEK_STARTUP_SCRIPTS.essential,
    ...(run.bare ? [] : ZEEK_STARTUP_SCRIPTS.unlessBare),
    ...ZEEK_STARTUP_SCRIPTS.after,
    ...named,
    ...(run.captureFilter === true ? ZEEK_STARTUP_SCRIPTS.withCaptureFilter : []),
  ];
  return loadOrder(files, roots, run.spicy ?? false);
}

/** A row's name: two spaces per level, then the path. */
export function loadedScriptName(path: string, level: number): string {
  return "  ".repeat(level) + path;
}

/** Opens loaded_scripts.log and writes a row for each zeek_script_loaded event. */
export function loadLoadedScripts(host: AnalyzerScriptHost, logs: LogManager): void {
  const log = logs.open({ path: "loaded_scripts", fields: LOADED_SCRIPTS_FIELDS });
  host.on("zeek_script_loaded", (path, level) => log.write([loadedScriptName(path, level)]));
}

export const LOADED_SCRIPTS: PolicyScript = {
  script: LOADED_SCRIPTS_SCRIPT,
  what: "loaded_scripts.log (the Zeek script files the command line loads in Zeek)",
  load: (host, { logs }) => loadLoadedScripts(host, logs),
};
