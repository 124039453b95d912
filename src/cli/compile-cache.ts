/**
 * How the `bronze` command (dist/bronze.js, src/cli/launcher.ts) starts the
 * command line's bundle (dist/bronze-cli.cjs): from V8's code cache.
 *
 * Why: the bundle is 2.5 MB of JavaScript. Compiling it, and then each
 * function as it first runs, cost a start five times Node's own (callgrind,
 * `bronze --version`: 519 M instructions, `node -e 0` 83 M; with the cache
 * 285 M). A run on a small trace is mostly start-up; on the realistic mix
 * the cache saves a few per cent. Node 22 has this
 * built in (module.enableCompileCache) for ES modules; Node 20 offers it
 * only for scripts, hence the bundle in CommonJS form run through vm.Script.
 *
 * The cache is V8's serialisation of the functions a run compiled (those it
 * called, and the top level), written after a run that found none, beside
 * the bundle (the package's own folder, as installed) or, when that folder
 * is not writable, in the user's cache folder ($XDG_CACHE_HOME/bronze or
 * ~/.cache/bronze), never in a shared temporary folder: code loaded from
 * a file others can write would be theirs to choose. Its name carries the bundle file's identity, Node's
 * version and the platform, and apart from them V8's and Node's options
 * (cacheName): a rebuilt bundle or another Node never meets an old cache
 * (V8 itself also refuses a cache made by another version or other flags,
 * and then a new one is written). BRONZE_COMPILE_CACHE names another
 * folder, or turns the cache off with "off".
 *
 * A run that took REWRITE_FACTOR times the CPU time of the run that wrote
 * the cache writes it again: a user's first run is often a small one
 * (`bronze --version`, a test trace), whose cache leaves out most of the
 * analyzers, and each later run then parsed and compiled them again (on
 * the realistic mix's first 100k packets, with a cache `--version` wrote,
 * 3.9 % more instructions than with one a run on the mix wrote). The file
 * starts with that CPU time (see CacheFile); a rewrite costs its run a few
 * tens of milliseconds, and since each one needs a run four times longer
 * than the last, a cache is written a few times at most.
 *
 * Tried instead: the first cache made of every function (V8's --no-lazy for
 * its compilation). The mix then compiled nothing, but marking the 2.5 MB
 * of bytecode it never runs cost as much in garbage collection (no fewer
 * instructions than with the `--version` cache), and a run on a small
 * trace cost 3 % more than with a cache of its own.
 */
import { createHash } from "node:crypto";
import { closeSync, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, type Stats, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import { join } from "node:path";
import { Script } from "node:vm";
import type { ModuleImporter } from "./dynamic-import.js";
import { tuneV8ForOneShot } from "./v8-flags.js";

/** The bundle's file name, next to this launcher (package.json's "files" lists it). */
export const CLI_BUNDLE = "bronze-cli.cjs";
const CACHE_PREFIX = "bronze-cli.";
const CACHE_SUFFIX = ".v8cache";
/** A run at least this many times longer (CPU time) than the one that wrote the cache writes it again. */
export const REWRITE_FACTOR = 4;
/** The CPU seconds of the run that wrote a cache file: a float64, little-endian, before V8's data. */
const HEADER_BYTES = 8;

/** A cache file read: V8's data, and the CPU seconds of the run that wrote it. */
interface CacheFile {
  readonly data: Buffer;
  readonly writerCpu: number;
}

/** What the bundle exports (src/cli/main.ts). */
interface CliBundle {
  runAsProgram(argv: readonly string[]): Promise<void>;
  setModuleImporter(load: ModuleImporter): void;
}

/** The folders a cache is looked for and written in, the first preferred. */
export function cacheFolders(bundleDir: string, env: Readonly<Record<string, string | undefined>>): string[] {
  const chosen = env.BRONZE_COMPILE_CACHE;
  if (chosen === "off") return [];
  if (chosen !== undefined && chosen !== "") return [chosen];
  const userCache = env.XDG_CACHE_HOME !== undefined && env.XDG_CACHE_HOME !== "" ? env.XDG_CACHE_HOME : join(homedir(), ".cache");
  return [bundleDir, join(userCache, "bronze")];
}

/** 16 hex digits of the SHA-256 of `text`. */
function shortHash(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 16);
}

/**
 * The cache's file name: `bronze-cli.<bundle>.<settings>.v8cache`, the first
 * part a hash of the bundle file's identity (size, modification time, inode:
 * a rebuilt or replaced bundle gets another name; hashing its 2.5 MB of text
 * would cost a tenth of the start-up the cache saves), Node's version and the
 * platform, the second of the command line's V8 settings and Node's options
 * (`node --cpu-prof …` keeps a cache of its own beside the usual one).
 */
export function cacheName(bundle: Stats, v8Settings: string): string {
  const identity = shortHash(`${bundle.size}\0${bundle.mtimeMs}\0${bundle.ino}\0${bundle.dev}\0${process.version}\0${process.platform}\0${process.arch}`);
  return `${CACHE_PREFIX}${identity}.${shortHash(`${process.execArgv.join("\0")}\0${v8Settings}`)}${CACHE_SUFFIX}`;
}

/** The bundle part of a cache's name. */
function bundlePart(name: string): string {
  return name.slice(CACHE_PREFIX.length, CACHE_PREFIX.length + 16);
}

function readCache(folders: readonly string[], name: string): CacheFile | undefined {
  for (const folder of folders) {
    let file: Buffer;
    try {
      file = readFileSync(join(folder, name));
    } catch {
      continue; // not there; the next folder
    }
    // Too short to be one: written again, as a cache V8 refuses is.
    if (file.length <= HEADER_BYTES) return undefined;
    return { data: file.subarray(HEADER_BYTES), writerCpu: file.readDoubleLE(0) };
  }
  return undefined;
}

/** A cache file of V8's `data`, written by a run of `cpu` seconds. */
function cacheFile(cpu: number, data: Buffer): Buffer {
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeDoubleLE(cpu, 0);
  return Buffer.concat([header, data]);
}

/** Whether a run of `cpu` seconds writes the cache again: there was none (or V8 refused it), or the run was REWRITE_FACTOR times longer. */
export function rewritesCache(found: { readonly writerCpu: number } | undefined, cpu: number): boolean {
  // A damaged header (NaN) counts as a short run.
  return found === undefined || !(cpu < REWRITE_FACTOR * found.writerCpu);
}

/** The process's CPU seconds so far (user and system, all threads). */
function cpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/**
 * Writes the cache into the first folder that takes it (through a temporary
 * file and a rename, so a concurrent run reads a whole cache or none) and
 * removes the caches of other bundles (earlier builds, another Node)
 * there. Any failure leaves things as they were: the cache only saves time.
 */
function writeCache(folders: readonly string[], name: string, data: Buffer): void {
  for (const folder of folders) {
    const temporary = join(folder, `${name}.${process.pid}.tmp`);
    try {
      mkdirSync(folder, { recursive: true });
      writeFileSync(temporary, data);
      renameSync(temporary, join(folder, name));
    } catch {
      rmSync(temporary, { force: true });
      continue;
    }
    for (const old of readdirSync(folder)) {
      const stale = old.startsWith(CACHE_PREFIX) && old.endsWith(CACHE_SUFFIX) && bundlePart(old) !== bundlePart(name);
      if (stale) rmSync(join(folder, old), { force: true });
    }
    return;
  }
}

/**
 * Compiles the bundle in `bundleDir` (from the cache when there is a good
 * one) and starts the command; `load` is the caller's import() (dynamic-import.ts).
 */
export function startCli(bundleDir: string, load: ModuleImporter): void {
  // Before compiling: V8 keys its caches on its flags, and the run sets some.
  const tuned = tuneV8ForOneShot(process.env);
  const bundle = join(bundleDir, CLI_BUNDLE);
  // The identity the cache is named by and the text, of one opened file (a bundle replaced in between
  // would otherwise pair the new text with the old one's cache).
  const fd = openSync(bundle, "r");
  let stats: Stats;
  let text: string;
  try {
    stats = fstatSync(fd);
    // Read as Latin-1, a copy byte for byte into a one-byte string: esbuild writes code as ASCII (other
    // characters escaped), so bytes above 0x7f occur only inside comments (test/cli/compile-cache.test.ts),
    // where their meaning does not matter; decoding UTF-8 took a fifth of the start-up the cache leaves.
    text = readFileSync(fd, "latin1");
  } finally {
    closeSync(fd);
  }
  // Wrapped as Node wraps a CommonJS module; a `#!` line (main.ts has one) is legal only at a script's start.
  const source = `(function (exports, require, module, __filename, __dirname) {${text.replace(/^#!.*/, "")}\n})`;
  const folders = cacheFolders(bundleDir, process.env);
  const name = cacheName(stats, tuned ? "tuned" : "defaults");
  const read = folders.length > 0 ? readCache(folders, name) : undefined;
  const script = new Script(source, { filename: bundle, cachedData: read?.data });
  if (folders.length > 0) {
    const found = script.cachedDataRejected === true ? undefined : read;
    // After the run, so that the cache holds every function it compiled, not only the top level.
    process.once("exit", (code) => {
      const cpu = cpuSeconds();
      if (code === 0 && rewritesCache(found, cpu)) writeCache(folders, name, cacheFile(cpu, script.createCachedData()));
    });
  }
  const module = { exports: {} as CliBundle };
  const wrapper = script.runInThisContext() as (exports: object, require: NodeJS.Require, module: object, filename: string, dirname: string) => void;
  wrapper.call(module.exports, module.exports, createRequire(bundle), module, bundle, bundleDir);
  module.exports.setModuleImporter(load);
  void module.exports.runAsProgram(process.argv.slice(2));
}
