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
// `@load-sigs` and `@load-plugin` load no script file.
// Usage: node tools/script-files-from-zeek.mjs ZEEK_GIT_DIR > src/scripts/zeek-script-files.ts
import { execFileSync } from "node:child_process";
import { posix } from "node:path";

const gitDir = process.argv[2] ?? "/work/.mirror/zeek+zeek/repo";
const git = (...args) => execFileSync("git", ["-C", gitDir, ...args], { encoding: "utf8", maxBuffer: 1 << 26 });
const show = (path) => git("show", `HEAD:${path}`);
const commit = git("rev-parse", "HEAD").trim();
const tree = git("ls-tree", "-r", "--name-only", "HEAD").split("\n");

/** Conditions of `@if`/`@ifdef` blocks holding @load lines, for a standalone Zeek with Spicy (whitespace collapsed). */
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
  ["have_spicy()", true],
  ["have_spicy_analyzers()", true],
  ["Analyzer::ANALYZER_QUIC", true],
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

/**
 * Walks one CMakeLists.txt: standard bifs (BIF_SRCS, bif_target, a subdir
 * library's BIFS) and plugin bifs (zeek_add_plugin) in order, following
 * add_subdirectory. Of `if`/`else`, the `if` branch is taken (the features
 * the baselines' Zeek has: SQLite, ZeroMQ, Spicy, Linux; not Spicy SSL).
 */
function walkCMake(dir, out) {
  const text = show(`${dir}/CMakeLists.txt`);
  const skipping = [];
  for (const m of text.matchAll(/^\s*(\w+)\s*\(([^()]*(?:\([^()]*\)[^()]*)*)\)/gm)) {
    const [, cmd, args] = m;
    const c = cmd.toLowerCase();
    if (c === "if") skipping.push(skipping.at(-1) ?? false);
    else if (c === "else" || c === "elseif") skipping[skipping.length - 1] = true;
    else if (c === "endif") skipping.pop();
    if (skipping.at(-1) === true) continue;
    if (c === "set" && words(args)[0] === "BIF_SRCS") out.standard.push(...words(args).slice(1));
    else if (c === "bif_target" && !args.includes("${")) out.standard.push(words(args)[0]);
    else if (c === "zeek_add_subdir_library") out.standard.push(...bifsOf(args));
    else if (c === "zeek_add_plugin") {
      const [, name] = words(args);
      for (const b of bifsOf(args)) out.plugin.push(`Zeek_${name}.${posix.basename(b)}`);
    } else if (c === "add_subdirectory") {
      const sub = words(args)[0];
      if (!sub.includes("$") && tree.includes(`${dir}/${sub}/CMakeLists.txt`)) walkCMake(`${dir}/${sub}`, out);
    }
  }
}

const bifs = { standard: [], plugin: [] };
walkCMake("src", bifs);
const bifFile = (b) => `base/bif/${posix.basename(b)}.zeek`;
const pluginFile = (b) => `base/bif/plugins/${b}.zeek`;
texts.set("base/bif/__load__.zeek", bifs.standard.map((b) => `@load ./${posix.basename(b)}.zeek\n`).join(""));
texts.set("base/bif/plugins/__load__.zeek", bifs.plugin.map((b) => `@load ./${b}.zeek\n`).join(""));
for (const b of bifs.standard) texts.set(bifFile(b), "");
for (const b of bifs.plugin) texts.set(pluginFile(b), "");
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

/** The files `file`'s @load lines load, in order, under CONDITIONS. */
function loadsOf(file) {
  const lines = texts.get(file).split("\n");
  const stack = []; // per open block: { cond, negate, value (undefined: not needed yet), branch: "if" | "else" }
  // Outer blocks first: a load inside a block not taken needs no inner condition decided.
  const active = (at) => stack.every((b) => decide(b, at) === (b.branch === "if"));
  const out = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (/^@(if|ifdef|ifndef)\b/.test(line)) {
      const { text, end } = directiveAt(lines, i);
      i = end;
      const cond = conditionOf(text);
      const negate = line.startsWith("@ifndef");
      stack.push({ cond, negate, value: undefined, branch: "if" });
    } else if (/^@else\b/.test(line)) stack.at(-1).branch = "else";
    else if (/^@endif\b/.test(line)) stack.pop();
    else {
      const m = /^@load\s+(\S+)/.exec(line);
      if (m === null) continue;
      if (!active(file)) continue;
      const to = resolve(file, m[1]);
      if (to === null) throw new Error(`${file}: @load ${m[1]} not found`);
      out.push(to);
    }
  }
  return out;
}

/** A block's condition, settled from CONDITIONS when a load first depends on it. */
function decide(block, file) {
  if (block.value === undefined) {
    if (!CONDITIONS.has(block.cond)) throw new Error(`${file}: unknown condition around a load: ${block.cond}`);
    block.value = CONDITIONS.get(block.cond) !== block.negate;
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
    .map((to) => shortened(f, to))
    .join(" ");
const rows = [...texts.keys()].sort().map((f) => row(JSON.stringify(f), JSON.stringify(loadsText(f))));
process.stdout.write(`/**
 * Zeek's script files below share/zeek (Zeek 9.1.0-dev, zeek/zeek at
 * ${commit}), each with the files its @load lines load, in order and
 * space-separated ("./x": below the loading file's directory), as a
 * standalone Zeek built with Spicy resolves them (bif files as its build
 * generates them). Names and loads only. Generated by
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
