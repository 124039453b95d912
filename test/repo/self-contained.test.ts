/**
 * The repository explains itself: its comments, tests and docs cite what a reader
 * can open — Zeek's functions and scripts by name, RFC sections, or bronze's own
 * docs/ — and never section numbers of a document that is not in the repository
 * (the notes this project was started from live outside it).
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { test } from "node:test";
import { repoRoot } from "../helpers/corpus.js";

const ROOTS = ["src", "test", "docs", "bench", "examples", "tools", "README.md"];
const TEXT = /\.(ts|mts|mjs|js|md|json)$/;

function* textFiles(path: string): Generator<string> {
  const st = statSync(path, { throwIfNoEntry: false });
  if (st === undefined) return;
  if (st.isFile()) {
    if (TEXT.test(path)) yield path;
    return;
  }
  for (const name of readdirSync(path)) {
    if (name === "node_modules" || name === "out" || name.startsWith(".")) continue;
    yield* textFiles(join(path, name));
  }
}

/** A "§" is fine only as a section of an RFC ("RFC 8200 §4.1", "RFC 793, 768, 8200 §8.1"). */
const RFC_SECTION = /RFC[\d ,and]*§/g;
/** Documents that sit beside the repository, not in it. */
const OUTSIDE_DOCS = /zeek-core-behaviour\.md|app-layer\.md|architecture\.md|shared\/docs|behaviour doc/;

test("comments and docs cite nothing a reader of the repository cannot open", () => {
  const root = repoRoot();
  const problems: string[] = [];
  for (const top of ROOTS) {
    for (const file of textFiles(join(root, top))) {
      if (file.endsWith("self-contained.test.ts")) continue; // this file names what it looks for
      const lines = readFileSync(file, "utf8").split("\n");
      lines.forEach((line, i) => {
        const where = `${relative(root, file)}:${i + 1}`;
        if (line.replace(RFC_SECTION, "").includes("§")) problems.push(`${where}: a section number of an outside document`);
        if (OUTSIDE_DOCS.test(line)) problems.push(`${where}: cites a document outside the repository`);
      });
    }
  }
  assert.deepEqual(problems, []);
});
