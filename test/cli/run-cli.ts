/** Runs the `bronze` command in-process with captured output (the CLI tests' harness). */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestContext } from "node:test";
import { type CliIo, main } from "../../src/cli/main.js";

export interface Captured {
  code: number;
  out: string;
  err: string;
}

export async function bronze(args: string[], env: Record<string, string> = {}): Promise<Captured> {
  let out = "";
  let err = "";
  const io: CliIo = { stdout: (t) => void (out += t), stderr: (t) => void (err += t), stderrIsTTY: false, env };
  // User scripts print with console.log: capture it too.
  const log = console.log;
  console.log = (...a: unknown[]) => void (out += `${a.join(" ")}\n`);
  try {
    const code = await main(args, io);
    return { code, out, err };
  } finally {
    console.log = log;
  }
}

export function withDir(fn: (dir: string, t: TestContext) => Promise<void>): (t: TestContext) => Promise<void> {
  return async (t) => {
    const dir = mkdtempSync(join(tmpdir(), "bronze-cli-"));
    try {
      await fn(dir, t);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

export function oneErrorLine(r: Captured, pattern: RegExp): void {
  assert.equal(r.code, 1);
  assert.equal(r.out, "");
  const lines = r.err.trimEnd().split("\n");
  assert.equal(lines.length, 1, `one line expected, got: ${r.err}`);
  assert.match(lines[0]!, /^bronze: /);
  assert.match(lines[0]!, pattern);
}

/** A script that uses the library's values (not only its types): the Engine class and recordContents. */
export const USES_LIBRARY = {
  ts: `import { Engine, recordContents, type Connection } from "bronze";\nexport default function (engine: Engine): void {\n  console.log("same Engine:", engine instanceof Engine);\n  engine.on("new_connection", (c: Connection) => console.log("recordContents:", recordContents(c, true)));\n}\n`,
  mjs: `import { Engine, recordContents } from "bronze";\nexport default function (engine) {\n  console.log("same Engine:", engine instanceof Engine);\n  engine.on("new_connection", (c) => console.log("recordContents:", recordContents(c, true)));\n}\n`,
  cjs: `const { Engine, recordContents } = require("bronze");\nmodule.exports = function (engine) {\n  console.log("same Engine:", engine instanceof Engine);\n  engine.on("new_connection", (c) => console.log("recordContents:", recordContents(c, true)));\n};\n`,
};
