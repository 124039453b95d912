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
 * The cache is V8's serialisation of the functions a run compiled, written
 * once after a run that found none, beside the bundle (the package's own
 * folder, as installed) or, when that folder is not writable, in the user's
 * cache folder ($XDG_CACHE_HOME/bronze or ~/.cache/bronze), never in a
 * shared temporary folder: code loaded from a file others can write would
 * be theirs to choose. Its name carries the bundle file's identity, Node's
 * version and the platform, and apart from them V8's and Node's options
 * (cacheName): a rebuilt bundle or another Node never meets an old cache
 * (V8 itself also refuses a cache made by another version or other flags,
 * and then a new one is written). BRONZE_COMPILE_CACHE names another
 * folder, or turns the cache off with "off".
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

function readCache(folders: readonly string[], name: string): Buffer | undefined {
  for (const folder of folders) {
    try {
      return readFileSync(join(folder, name));
    } catch {
      // not there; the next folder
    }
  }
  return undefined;
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
  const cachedData = folders.length > 0 ? readCache(folders, name) : undefined;
  const script = new Script(source, { filename: bundle, cachedData });
  if (folders.length > 0 && (cachedData === undefined || script.cachedDataRejected === true)) {
    // After the run, so that the cache holds every function it compiled, not only the top level.
    process.once("exit", (code) => {
      if (code === 0) writeCache(folders, name, script.createCachedData());
    });
  }
  const module = { exports: {} as CliBundle };
  const wrapper = script.runInThisContext() as (exports: object, require: NodeJS.Require, module: object, filename: string, dirname: string) => void;
  wrapper.call(module.exports, module.exports, createRequire(bundle), module, bundle, bundleDir);
  module.exports.setModuleImporter(load);
  void module.exports.runAsProgram(process.argv.slice(2));
}
