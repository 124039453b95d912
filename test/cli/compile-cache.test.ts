/**
 * The command starts its bundle from V8's code cache (src/cli/compile-cache.ts):
 * the cache is written after a run that found none, into the folder
 * chosen, and again after a run REWRITE_FACTOR times longer than the one
 * that wrote it; other runs use it and write nothing; a damaged cache is
 * refused by V8 and replaced; runs with and without a cache write the same logs, user
 * scripts (loaded with the launcher's import()) included. And the premise of
 * reading the bundle as Latin-1: every byte above 0x7f is inside a comment.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { cacheFolders, cacheName, REWRITE_FACTOR, rewritesCache } from "../../src/cli/compile-cache.js";
import { packageInfo } from "../../src/cli/package-root.js";
import { withDir } from "./run-cli.js";

const root = packageInfo()!.root;
const launcher = join(root, "dist", "bronze.js");
const bundle = join(root, "dist", "bronze-cli.cjs");
const sample = join(root, "samples", "sample.pcap");
const script = join(root, "examples", "many-rejections.ts");

/** One run of the command with BRONZE_COMPILE_CACHE=`cache`; the logs it wrote, by name. */
function run(cache: string, logdir: string): Map<string, string> {
  mkdirSync(logdir, { recursive: true });
  // Seeded uids, so that runs compare line for line.
  const seed = join(logdir, "..", "seed");
  writeFileSync(seed, `${Array.from({ length: 21 }, (_, i) => String(i * 7919 + 1)).join("\n")}\n`);
  const r = spawnSync(process.execPath, [launcher, "--seed-file", seed, "-r", sample, "--logdir", logdir, script], {
    env: { ...process.env, BRONZE_COMPILE_CACHE: cache },
    encoding: "utf8",
  });
  assert.equal(r.status, 0, r.stderr);
  const logs = new Map<string, string>();
  // packet_filter.log's start-up row carries the wall clock; #open/#close lines too.
  for (const f of readdirSync(logdir).filter((f) => f !== "packet_filter.log")) {
    logs.set(f, readFileSync(join(logdir, f), "utf8").replace(/^#(open|close).*$/gm, ""));
  }
  return logs;
}

test("the bundle's bytes above 0x7f are all in comment lines (it is read as Latin-1)", () => {
  assert.ok(existsSync(bundle), "npm run build makes dist/bronze-cli.cjs");
  const lines = readFileSync(bundle, "latin1").split("\n");
  // Latin-1 text: bytes 0x80-0xff are the characters U+0080-U+00FF. A comment line starts with //, /* or *.
  const outside = lines.filter((l) => /[\u0080-\u00ff]/.test(l) && !/^\s*(\/\/|\/\*|\*)/.test(l));
  assert.deepEqual(outside.slice(0, 5), []);
});

test(
  "the first run writes the cache, the next ones use it and write nothing; the logs are those of a run without it",
  withDir(async (dir) => {
    const cache = join(dir, "cache");
    const first = run(cache, join(dir, "1"));
    const files = readdirSync(cache);
    assert.equal(files.length, 1, `one cache file: ${files.join(", ")}`);
    assert.match(files[0]!, /^bronze-cli\.[0-9a-f]{16}\.[0-9a-f]{16}\.v8cache$/);
    const written = statSync(join(cache, files[0]!));
    assert.ok(written.size > 100_000, `the cache holds the compiled functions (${written.size} bytes)`);
    const second = run(cache, join(dir, "2"));
    assert.equal(statSync(join(cache, files[0]!)).mtimeMs, written.mtimeMs, "a run that used the cache does not write it again");
    const none = run("off", join(dir, "3"));
    assert.deepEqual(second, first);
    assert.deepEqual(none, first);
    assert.ok((first.get("conn.log") ?? "").split("\n").length > 10, "the runs wrote conn.log");
  }),
);

test("a cache is written again by a run REWRITE_FACTOR times longer (CPU time) than the one that wrote it", () => {
  assert.equal(rewritesCache(undefined, 0.1), true, "none found");
  assert.equal(rewritesCache({ writerCpu: 1 }, REWRITE_FACTOR * 0.99), false);
  assert.equal(rewritesCache({ writerCpu: 1 }, REWRITE_FACTOR), true);
  assert.equal(rewritesCache({ writerCpu: Number.NaN }, 0.1), true, "a damaged header");
});

test(
  "the run that writes the cache is named in it: a longer run writes it again, with its own time",
  withDir(async (dir) => {
    const cache = join(dir, "cache");
    const first = run(cache, join(dir, "1"));
    const file = join(cache, readdirSync(cache)[0]!);
    const written = readFileSync(file);
    const cpu = written.readDoubleLE(0);
    assert.ok(cpu > 0.05 && cpu < 60, `the first run's CPU seconds: ${cpu}`);
    // As if a run a million times shorter had written it: the next run is longer, and writes it again.
    const shorter = Buffer.from(written);
    shorter.writeDoubleLE(cpu / 1e6, 0);
    writeFileSync(file, shorter);
    assert.deepEqual(run(cache, join(dir, "2")), first);
    const rewritten = readFileSync(file);
    assert.ok(rewritten.readDoubleLE(0) > cpu / 1e6, "written again, with that run's CPU time");
    // As if a far longer run had written it: nothing is written.
    rewritten.writeDoubleLE(1e9, 0);
    writeFileSync(file, rewritten);
    run(cache, join(dir, "3"));
    assert.equal(readFileSync(file).readDoubleLE(0), 1e9, "kept");
  }),
);

test(
  "a damaged cache is refused and replaced; BRONZE_COMPILE_CACHE=off writes none",
  withDir(async (dir) => {
    const cache = join(dir, "cache");
    const good = run(cache, join(dir, "1"));
    const name = readdirSync(cache)[0]!;
    const damaged = Buffer.alloc(4096, 0x5a);
    writeFileSync(join(cache, name), damaged);
    assert.deepEqual(run(cache, join(dir, "2")), good);
    const replaced = readFileSync(join(cache, name));
    // Compared whole: any one byte of the header (the writer's CPU seconds) may be 0x5a by chance.
    assert.ok(replaced.length > 100_000 && !replaced.subarray(0, damaged.length).equals(damaged), "the damaged cache was written again");
    run("off", join(dir, "3"));
    assert.deepEqual(readdirSync(cache), [name], "nothing more written with the cache off");
  }),
);

test("cache folders: beside the bundle, then the user's cache folder; BRONZE_COMPILE_CACHE chooses one or none", () => {
  assert.deepEqual(cacheFolders("/opt/bronze/dist", { XDG_CACHE_HOME: "/home/u/.xdg" }), ["/opt/bronze/dist", "/home/u/.xdg/bronze"]);
  assert.deepEqual(cacheFolders("/opt/bronze/dist", { BRONZE_COMPILE_CACHE: "/var/cache/b" }), ["/var/cache/b"]);
  assert.deepEqual(cacheFolders("/opt/bronze/dist", { BRONZE_COMPILE_CACHE: "off" }), []);
});

test("the cache's name changes with the bundle file and with V8's settings", () => {
  const stats = statSync(bundle);
  const name = cacheName(stats, "tuned");
  assert.equal(cacheName(stats, "tuned"), name);
  assert.notEqual(cacheName(stats, "defaults"), name);
  assert.notEqual(cacheName(Object.assign(Object.create(stats) as typeof stats, { mtimeMs: stats.mtimeMs + 1 }), "tuned"), name);
  assert.notEqual(cacheName(Object.assign(Object.create(stats) as typeof stats, { size: stats.size + 1 }), "tuned"), name);
});

test(
  "writing a cache removes those of other bundles in its folder, not those of the same bundle under other settings",
  withDir(async (dir) => {
    const cache = join(dir, "cache");
    mkdirSync(cache);
    const bundlePart = cacheName(statSync(bundle), "tuned").split(".")[1]!;
    const otherBundle = "bronze-cli.0123456789abcdef.0123456789abcdef.v8cache";
    const otherSettings = `bronze-cli.${bundlePart}.fedcba9876543210.v8cache`;
    for (const f of [otherBundle, otherSettings, "notes.txt"]) writeFileSync(join(cache, f), "x");
    run(cache, join(dir, "1"));
    const left = readdirSync(cache);
    assert.ok(!left.includes(otherBundle), "an earlier build's cache is removed");
    assert.ok(left.includes(otherSettings) && left.includes("notes.txt"), `kept: ${left.join(", ")}`);
    assert.equal(left.length, 3);
  }),
);
