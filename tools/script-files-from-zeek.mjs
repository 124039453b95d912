#!/usr/bin/env node
// Writes src/scripts/zeek-script-files.ts: Zeek's script files, each with the
// files its @load lines load, in order, as a standalone `zeek` (not a cluster
// node, not supervised, built with Spicy, its analyzers and ZeroMQ: the build
// of Zeek's coverage baselines) resolves them. policy/misc/loaded-scripts
// walks it to write loaded_scripts.log in Zeek's order.
//
// Two sources, both Zeek's: scripts/ (the .zeek files; a `.zeek.in` becomes
// the .zeek CMake writes), and src/ (the bif files CMake generates into
// base/bif/, with base/bif/__load__.zeek and base/bif/plugins/__load__.zeek
// loading them in CMake's order; builtin-plugins/__preload__.zeek and
// __load__.zeek, empty without extra plugins). The files Zeek loads before
// the command line's scripts come from zeek-setup.cc.
//
// `@if`/`@ifdef` blocks around @load lines are decided here for that
// standalone Zeek (CONDITIONS); a new condition around a load stops the tool.
// Whether Zeek has Spicy is left to the run: a load only a Spicy build makes
// is written "+x", one only a build without Spicy makes "-x" (CMake's
// HAVE_SPICY and USE_SPICY_ANALYZERS blocks, a Spicy analyzer's LEGACY
// directory, have_spicy() and the analyzers only Spicy provides).
// `@load-sigs` and `@load-plugin` load no script file.
// Usage: node tools/script-files-from-zeek.mjs ZEEK_GIT_DIR > src/scripts/zeek-script-files.ts
import { execFileSync } from "node:child_process";
import { posix } from "node:path";

const gitDir = process.argv[2] ?? "/work/.mirror/zeek+zeek/repo";
const git = (...args) => execFileSync("git", ["-C", gitDir, ...args], { encoding: "utf8", maxBuffer: 1 << 26 });
const show = (path) => git("show", `HEAD:${path}`);
const commit = git("rev-parse", "HEAD").trim();
const tree = git("ls-tree", "-r", "--name-only", "HEAD").split("\n");

/** A condition true only in a Zeek built with Spicy, or only in one without. */
const SPICY = "spicy";
const NO_SPICY = "no spicy";

/** Conditions of `@if`/`@ifdef` blocks holding @load lines, for a standalone Zeek (whitespace collapsed). */
const CONDITIONS = new Map([
  ["Cluster::is_enabled()", false],
  ["Cluster::local_node_type() == Cluster::LOGGER", false],
  ["Cluster::local_node_type() == Cluster::MANAGER", false],
  ["Cluster::local_node_type() == Cluster::PROXY", false],
  ["Cluster::local_node_type() == Cluster::WORKER", false],
  ["Cluster::node in Cluster::nodes", false],
  ["Supervisor::is_supervised()", false],
  ["Supervisor::is_supervisor()", false],
  [
    "Cluster::local_node_type() == Cluster::LOGGER || ( Cluster::local_node_type() == Cluster::MANAGER && Cluster::manager_is_logger ) || ! Cluster::is_enabled()",
    true,
  ],
  ["|Cluster::nodes| > 0", false],
  ["Cluster::backend == Cluster::CLUSTER_BACKEND_NONE", true], // init-bare's default
  ["have_spicy()", SPICY],
  ["! have_spicy()", NO_SPICY], // the generated bif load files' own (below)
  ["have_spicy_analyzers()", SPICY],
  ["Analyzer::ANALYZER_QUIC", SPICY], // a Spicy analyzer
  ["Cluster::CLUSTER_BACKEND_ZEROMQ", true],
]);

// ---- the script tree: scripts/X → X (the path below share/zeek)

/** Script files by their installed path ("base/init-bare.zeek"), with their text. */
const texts = new Map();
for (const f of tree) {
  const m = /^scripts\/(.+\.zeek)(\.in)?$/.exec(f);
  if (m !== null) texts.set(m[1], show(f));
}

// ---- the generated bif files, from src/**/CMakeLists.txt in CMake's order

/** Words of a CMake command's arguments (comments dropped). */
function words(args) {
  return args
    .replace(/#[^\n]*/g, "")
    .split(/\s+/)
    .filter(Boolean);
}

/** The .bif names after BIFS in a command's arguments, up to the next keyword. */
function bifsOf(args) {
  const w = words(args);
  const start = w.indexOf("BIFS");
  if (start < 0) return [];
  const out = [];
  for (const x of w.slice(start + 1)) {
    if (!x.endsWith(".bif")) break;
    out.push(x);
  }
  return out;
}

/** Whether a CMake `if` tests for Spicy (HAVE_SPICY, USE_SPICY_ANALYZERS). */
const SPICY_IF = /^\s*(HAVE_SPICY|USE_SPICY_ANALYZERS)\s*$/;

/**
 * What a stack of CMake blocks requires: null (a branch not built), "" (any
 * build), "+" (a Spicy build) or "-" (one without). Of another `if`/`else`,
 * the `if` branch is taken (the baselines' Zeek: SQLite, ZeroMQ, Linux; not
 * Spicy SSL).
 */
function cmakeNeed(frames, extra = "") {
  const needs = new Set(extra === "" ? [] : [extra]);
  for (const f of frames) {
    if (f.spicy) needs.add(f.inElse ? "-" : "+");
    else if (f.inElse) return null;
  }
  if (needs.size > 1) return null;
  return [...needs][0] ?? "";
}

/**
 * Walks one CMakeLists.txt: standard bifs (BIF_SRCS, bif_target, a subdir
 * library's BIFS) and plugin bifs (zeek_add_plugin) in order, each with what
 * its build needs (cmakeNeed), following add_subdirectory and a Spicy
 * analyzer's LEGACY directory (built without Spicy).
 */
function walkCMake(dir, out, outer = "") {
  const text = show(`${dir}/CMakeLists.txt`);
  const frames = [];
  for (const m of text.matchAll(/^\s*(\w+)\s*\(([^()]*(?:\([^()]*\)[^()]*)*)\)/gm)) {
    const [, cmd, args] = m;
    const c = cmd.toLowerCase();
    if (c === "if") frames.push({ spicy: SPICY_IF.test(args), inElse: false });
    else if (c === "else" || c === "elseif") frames[frames.length - 1].inElse = true;
    else if (c === "endif") frames.pop();
    const need = cmakeNeed(frames, outer);
    if (need === null || c === "if" || c === "else" || c === "elseif" || c === "endif") continue;
    cmakeCommand(dir, c, args, need, out);
  }
}

/** One CMake command of walkCMake, its bifs recorded with `need`. */
function cmakeCommand(dir, c, args, need, out) {
  const subdir = (sub, extra) => {
    if (!sub.includes("$") && tree.includes(`${dir}/${sub}/CMakeLists.txt`)) walkCMake(`${dir}/${sub}`, out, extra);
  };
  if (c === "set" && words(args)[0] === "BIF_SRCS")
    out.standard.push(
      ...words(args)
        .slice(1)
        .map((name) => ({ name, need })),
    );
  else if (c === "bif_target" && !args.includes("${")) out.standard.push({ name: words(args)[0], need });
  else if (c === "zeek_add_subdir_library") out.standard.push(...bifsOf(args).map((name) => ({ name, need })));
  else if (c === "zeek_add_plugin") {
    const [, plugin] = words(args);
    for (const b of bifsOf(args)) out.plugin.push({ name: `Zeek_${plugin}.${posix.basename(b)}`, need });
  } else if (c === "add_subdirectory") subdir(words(args)[0], need);
  else if (c === "spicy_add_analyzer") {
    const w = words(args);
    const legacy = w.indexOf("LEGACY");
    if (legacy >= 0 && need !== "+") subdir(w[legacy + 1], "-");
  }
}

const bifs = { standard: [], plugin: [] };
walkCMake("src", bifs);
const bifFile = (b) => `base/bif/${posix.basename(b)}.zeek`;
const pluginFile = (b) => `base/bif/plugins/${b}.zeek`;

/** A generated load file's text: its loads, those of one build only inside @if ( [!] have_spicy() ). */
function loadFile(entries, fileOf) {
  const line = ({ name, need }) => {
    const load = `@load ./${posix.basename(fileOf(name))}\n`;
    return need === "" ? load : `@if ( ${need === "+" ? "" : "! "}have_spicy() )\n${load}@endif\n`;
  };
  return entries.map(line).join("");
}

texts.set("base/bif/__load__.zeek", loadFile(bifs.standard, bifFile));
texts.set("base/bif/plugins/__load__.zeek", loadFile(bifs.plugin, pluginFile));
for (const b of bifs.standard) texts.set(bifFile(b.name), "");
for (const b of bifs.plugin) texts.set(pluginFile(b.name), "");
texts.set("builtin-plugins/__preload__.zeek", "");
texts.set("builtin-plugins/__load__.zeek", "");

// ---- resolving @load as Zeek does

const ZEEKPATH = ["", "policy/", "site/", "builtin-plugins/"];

/** The file `path` names below share/zeek: `path.zeek`, the file itself, or a directory's __load__.zeek. */
function fileAt(written) {
  const path = written.replace(/\/+$/, "");
  if (texts.has(`${path}.zeek`)) return `${path}.zeek`;
  if (texts.has(path)) return path;
  if (texts.has(`${path}/__load__.zeek`)) return `${path}/__load__.zeek`;
  return null;
}

/** `@load target` in `file`: relative to it ("./x", "../x"), else along ZEEKPATH. */
function resolve(file, target) {
  if (target.startsWith(".")) return fileAt(posix.normalize(posix.join(posix.dirname(file), target)));
  for (const prefix of ZEEKPATH) {
    const f = fileAt(posix.normalize(prefix + target));
    if (f !== null) return f;
  }
  return null;
}

/** A directive's condition, whitespace collapsed ("@if ( X )" → "X"). */
function conditionOf(text) {
  return text
    .replace(/^@(if|ifdef|ifndef)\s*\(/, "")
    .replace(/\)\s*(#.*)?$/, "")
    .replace(/\s+/g, " ")
    .replace(/\(\s+/g, "( ")
    .trim();
}

/** Joins a directive continued on the next lines (unbalanced parentheses). */
function directiveAt(lines, i) {
  let text = lines[i].replace(/#.*/, "").trim();
  let j = i;
  const open = (s) => (s.match(/\(/g) ?? []).length - (s.match(/\)/g) ?? []).length;
  while (open(text) > 0 && j + 1 < lines.length) text += ` ${lines[++j].replace(/#.*/, "").trim()}`;
  return { text, end: j };
}

/** The files `file`'s @load lines load, in order, under CONDITIONS: { to, need } (need: "", "+" Spicy only, "-" without Spicy only). */
function loadsOf(file) {
  const lines = texts.get(file).split("\n");
  const stack = []; // per open block: { cond, negate, value (undefined: not needed yet), branch: "if" | "else" }
  const out = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (/^@(if|ifdef|ifndef)\b/.test(line)) {
      const { text, end } = directiveAt(lines, i);
      i = end;
      stack.push({ cond: conditionOf(text), negate: line.startsWith("@ifndef"), value: undefined, branch: "if" });
    } else if (/^@else\b/.test(line)) stack.at(-1).branch = "else";
    else if (/^@endif\b/.test(line)) stack.pop();
    else {
      const m = /^@load\s+(\S+)/.exec(line);
      const need = m === null ? null : needOf(stack, file);
      if (need === null) continue;
      const to = resolve(file, m[1]);
      if (to === null) throw new Error(`${file}: @load ${m[1]} not found`);
      out.push({ to, need });
    }
  }
  return out;
}

/** The other build's requirement ("+" ↔ "-"), or the other truth value. */
const flip = (v) => (v === "+" ? "-" : v === "-" ? "+" : !v);

/**
 * What a load inside `stack` needs: null (never loaded), "" (any build),
 * "+" or "-" (a build with or without Spicy). Outer blocks first: a load in
 * a block not taken needs no inner condition decided.
 */
function needOf(stack, file) {
  const needs = new Set();
  for (const b of stack) {
    const v = decide(b, file);
    const taken = b.branch === "if" ? v : flip(v);
    if (taken === false) return null;
    if (taken !== true) needs.add(taken);
  }
  return needs.size > 1 ? null : ([...needs][0] ?? "");
}

/** A block's condition, settled from CONDITIONS when a load first depends on it: true, false, "+" or "-". */
function decide(block, file) {
  if (block.value === undefined) {
    if (!CONDITIONS.has(block.cond)) throw new Error(`${file}: unknown condition around a load: ${block.cond}`);
    const c = CONDITIONS.get(block.cond);
    const v = c === SPICY ? "+" : c === NO_SPICY ? "-" : c;
    block.value = block.negate ? flip(v) : v;
  }
  return block.value;
}

// ---- the files Zeek loads before the command line's (zeek-setup.cc)

// Split at the loop over the command line's scripts: after it, -f's packet filter script.
const [setup, afterScripts] = show("src/zeek-setup.cc").split(/for \( const auto& script : options\.scripts_to_load \)/);
const essential = [...setup.matchAll(/add_essential_input_file\("([^"]+)"\)/g)].map((m) => m[1]);
const literals = (text) => [...text.matchAll(/add_input_file\("([^"]+\.zeek)"\)/g)].map((m) => m[1]);
const literal = literals(setup).filter((f) => !f.includes("supervisor"));
const defaults = literal.filter((f) => f.startsWith("base/"));
const captureFilter = literals(afterScripts);
const after = literal.filter((f) => !f.startsWith("base/"));

// ---- output: every file (leaves too: a command line may name any), its loads as one string

/** A load as written in the data: "./x" below the loading file's directory, else its whole path. */
function shortened(file, to) {
  const dir = `${posix.dirname(file)}/`;
  return to.startsWith(dir) ? `./${to.slice(dir.length)}` : to;
}

/** An entry as biome formats it: the value on its own line when the line would pass 160 columns. */
function row(key, value) {
  const line = `  ${key}: ${value},`;
  return line.length <= 160 ? line : `  ${key}:\n    ${value},`;
}

/** A string array as biome formats it. */
const list = (a) => `[${a.map((x) => JSON.stringify(x)).join(", ")}]`;

const loadsText = (f) =>
  loadsOf(f)
    .map(({ to, need }) => need + shortened(f, to))
    .join(" ");
const rows = [...texts.keys()].sort().map((f) => row(JSON.stringify(f), JSON.stringify(loadsText(f))));
process.stdout.write(`/**
 * Zeek's script files below share/zeek (Zeek 9.1.0-dev, zeek/zeek at
 * ${commit}), each with the files its @load lines load, in order and
 * space-separated ("./x": below the loading file's directory; "+x" only in
 * a Zeek built with Spicy, "-x" only in one without), as a standalone Zeek
 * resolves them (bif files as its build generates them). Names and loads
 * only. Generated by
 *
 *   node tools/script-files-from-zeek.mjs ZEEK_GIT_DIR > src/scripts/zeek-script-files.ts
 *
 * loaded-scripts.ts walks it for loaded_scripts.log.
 */

/** What zeek-setup.cc loads around the command line's scripts: before them always, unless -b, then always. */
export const ZEEK_STARTUP_SCRIPTS = {
  essential: ${list(essential)},
  unlessBare: ${list(defaults)},
  after: ${list(after)},
  /** After the command line's scripts, with a capture filter (-f). */
  withCaptureFilter: ${list(captureFilter)},
} as const;

export const ZEEK_SCRIPT_FILES: Readonly<Record<string, string>> = {
${rows.join("\n")}
};
`);
