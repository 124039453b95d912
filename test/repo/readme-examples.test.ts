/**
 * The README's examples run as written: every TypeScript block and every
 * command line in it is taken from README.md itself and run against the sample
 * trace the project ships, from a scratch directory, as a user who copies them
 * would. A block the test does not know how to run fails the test, so a new
 * example cannot be added without being run.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import ts from "typescript";
import { repoRoot } from "../helpers/corpus.js";

const root = repoRoot();
const cli = join(root, "dist", "bronze.js");
const sample = join(root, "samples", "sample.pcap");

interface Block {
  lang: string;
  code: string;
  line: number;
}

function readmeBlocks(): Block[] {
  const lines = readFileSync(join(root, "README.md"), "utf8").split("\n");
  const out: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)$/.exec(lines[i]!);
    if (open === null) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i] !== "```"; i++) body.push(lines[i]!);
    out.push({ lang: open[1]!, code: `${body.join("\n")}\n`, line: start + 1 });
  }
  return out;
}

function run(args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, args, { cwd, encoding: "utf8", timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function dataRows(path: string): string[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("#"));
}

/** A scratch directory where `import "bronze"` resolves to this repository, as after `npm install bronze`. */
function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), "bronze-readme-"));
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(root, join(dir, "node_modules", "bronze"), "dir");
  return dir;
}

/** A script block: an examples/ file shown verbatim, or a script run from anywhere with `import … from "bronze"`. */
function runScriptBlock(block: Block): void {
  const dir = scratch();
  try {
    let script = join(dir, "script.ts");
    if (block.code.includes('from "../src/index.js"')) {
      // The README shows the file without its leading comment lines.
      const body = (f: string): string => readFileSync(join(root, "examples", f), "utf8").replace(/^(\/\/.*\n)+/, "");
      const file = readdirSync(join(root, "examples")).find((f) => body(f) === block.code);
      assert.ok(file !== undefined, `README line ${block.line}: a script importing ../src/index.js must be an examples/ file, verbatim`);
      script = join(root, "examples", file);
    } else writeFileSync(script, block.code);
    const r = run([cli, "-r", sample, "-w", join(dir, "rec.pcap"), script], dir);
    assert.equal(r.status, 0, `README line ${block.line}: ${r.stderr}`);
    assert.equal(r.stderr, "", `README line ${block.line}: the script runs without a message`);
    assert.ok(dataRows(join(dir, "conn.log")).length > 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The library block: a module of its own with top-level await, run by node. */
function runLibraryBlock(block: Block): void {
  const dir = scratch();
  try {
    const code = block.code.replaceAll('"trace.pcap"', JSON.stringify(sample));
    const js = ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
    writeFileSync(join(dir, "library.mjs"), js);
    const r = run(["library.mjs"], dir);
    assert.equal(r.status, 0, `README line ${block.line}: ${r.stderr}`);
    assert.match(r.stdout, /->/, "the handler printed the established connections");
    assert.ok(dataRows(join(dir, "out", "conn.log")).length > 0, "conn.log written into out/");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A bronze-cut block: each line run by the shell, as typed, in a folder with the
 * logs bronze writes from the sample, `bronze-cut` on PATH as after an install.
 */
function runCutBlock(block: Block): void {
  const dir = mkdtempSync(join(tmpdir(), "bronze-readme-"));
  try {
    assert.equal(run([cli, "-r", sample], dir).status, 0);
    const bin = join(dir, "bin");
    mkdirSync(bin);
    writeFileSync(join(bin, "bronze-cut"), `#!/bin/sh\nexec '${process.execPath}' '${join(root, "dist", "bronze-cut.js")}' "$@"\n`, { mode: 0o755 });
    for (const raw of block.code.split("\n").filter((l) => l.trim() !== "")) {
      const r = spawnSync("bash", ["-c", raw], { cwd: dir, encoding: "utf8", env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ""}` } });
      assert.equal(r.status, 0, `README line ${block.line}: ${raw}: ${r.stderr}`);
      assert.equal(r.stderr, "", `README line ${block.line}: ${raw}`);
      assert.ok(r.stdout.split("\n").length > 2, `README line ${block.line}: ${raw} cut some lines`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A README command line with quoted code (`-e '…'`): run by the shell as
 * typed, `node dist/bronze.js` and `trace.pcap` pointed at this repository
 * and the sample; it must succeed, write conn.log and print something.
 */
function runQuotedCommand(block: Block, raw: string): void {
  assert.match(raw, /^node dist\/bronze\.js /, `README line ${block.line}: a command the test does not know: ${raw}`);
  const dir = mkdtempSync(join(tmpdir(), "bronze-readme-"));
  try {
    const line = raw
      .replace(/^node dist\/bronze\.js /, `'${process.execPath}' '${join(root, "dist", "bronze.js")}' `)
      .replace(/ trace\.pcap /, ` '${sample}' `);
    const r = spawnSync("bash", ["-c", line], { cwd: dir, encoding: "utf8", timeout: 60_000 });
    assert.equal(r.status, 0, `README line ${block.line}: ${raw}: ${r.stderr}`);
    assert.ok(dataRows(join(dir, "conn.log")).length > 0, `README line ${block.line}: ${raw} wrote conn.log`);
    assert.notEqual(r.stdout.trim(), "", `README line ${block.line}: ${raw} printed nothing`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A command line of the README, with its placeholder trace replaced by the sample. */
function runCommandBlock(block: Block): void {
  if (/^(\w+=\S+ )*(cat .*\| )?bronze-cut /.test(block.code)) return runCutBlock(block);
  for (const raw of block.code.split("\n").filter((l) => l.trim() !== "")) {
    if (raw === "npm test" || raw.startsWith("npm ci")) continue; // CI runs these on a fresh clone itself
    if (raw.includes("'")) {
      runQuotedCommand(block, raw);
      continue;
    }
    const words = raw.trim().split(/\s+/);
    assert.equal(words[0], "node", `README line ${block.line}: a command the test does not know: ${raw}`);
    assert.equal(words[1], "dist/bronze.js", `README line ${block.line}: ${raw}`);
    const dir = mkdtempSync(join(tmpdir(), "bronze-readme-"));
    try {
      const args = words.slice(1).map((w) => (w === "trace.pcap" ? sample : w.includes("/") && existsSync(join(root, w)) ? join(root, w) : w));
      const r = run(args, dir);
      assert.equal(r.status, 0, `README line ${block.line}: ${raw}: ${r.stderr}`);
      assert.ok(dataRows(join(dir, "conn.log")).length > 0, `README line ${block.line}: ${raw} wrote conn.log`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

test("every TypeScript example and command line of the README runs as written", () => {
  const blocks = readmeBlocks();
  let ran = 0;
  for (const block of blocks) {
    if (block.lang === "ts") {
      if (/^export default function|^export function/m.test(block.code)) runScriptBlock(block);
      else if (/await engine\.run\(/.test(block.code)) runLibraryBlock(block);
      else assert.fail(`README line ${block.line}: a TypeScript block the test does not know how to run`);
      ran++;
    } else if (block.lang === "sh") {
      runCommandBlock(block);
      ran++;
    }
  }
  assert.ok(ran >= 5, `ran ${ran} README blocks`);
});
