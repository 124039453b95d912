/**
 * The layers import in one direction: the session layer (connection table,
 * uids, timers, encapsulation) imports no analyzer. Transport analyzers
 * register with it (src/session/transport.ts) and protocol facts live in
 * their analyzer's folder, so a new protocol never edits src/session.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { test } from "node:test";
import { repoRoot } from "../helpers/corpus.js";

/** Every module specifier in a file's import/export statements (static and dynamic). */
function specifiers(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^;]*?from\s*"([^"]+)"|(?:^|\n)\s*import\s*"([^"]+)"|\bimport\(\s*"([^"]+)"\s*\)/g)) {
    found.push((m[1] ?? m[2] ?? m[3])!);
  }
  return found;
}

test("src/session imports nothing from src/analyzer", () => {
  const root = repoRoot();
  const session = join(root, "src", "session");
  const analyzer = join(root, "src", "analyzer");
  const problems: string[] = [];
  const files = readdirSync(session).filter((f) => f.endsWith(".ts"));
  assert.ok(files.length > 5, "the session layer's files are there");
  for (const name of files) {
    const file = join(session, name);
    for (const spec of specifiers(readFileSync(file, "utf8"))) {
      if (!spec.startsWith(".")) continue;
      const target = resolve(dirname(file), spec);
      if (target === analyzer || target.startsWith(`${analyzer}/`)) problems.push(`${relative(root, file)} imports ${spec}`);
    }
  }
  assert.deepEqual(problems, []);
});

test("the import scan sees the imports it must catch", () => {
  const text =
    'import type { A } from "../analyzer/a.js";\nimport {\n  B,\n} from "../analyzer/b.js";\nexport { C } from "./c.js";\nimport "./d.js";\nconst e = await import("../e.js");';
  assert.deepEqual(specifiers(text), ["../analyzer/a.js", "../analyzer/b.js", "./c.js", "./d.js", "../e.js"]);
});
