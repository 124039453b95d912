/**
 * The example scripts typecheck against the public API (they are not part of
 * the build). They import `../src/index.js`; here that resolves to the built
 * declarations (dist/src/index.d.ts, the package's `types`), what a user of
 * the package compiles against: checking them against the sources would
 * typecheck all of src again, half a minute of the suite after the build's
 * own tsc has done it.
 */

import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const here = dirname(fileURLToPath(import.meta.url));
const root = [resolve(here, "../.."), resolve(here, "../../..")].find((d) => existsSync(join(d, "examples")))!;

/** A compiler host that resolves the project's sources (src/*.ts) to their declarations in dist/src. */
function declarationsHost(options: ts.CompilerOptions): ts.CompilerHost {
  const host = ts.createCompilerHost(options);
  const src = join(root, "src");
  host.resolveModuleNames = (names, containing) =>
    names.map((name) => {
      const found = ts.resolveModuleName(name, containing, options, host).resolvedModule;
      if (found === undefined || found.extension !== ts.Extension.Ts || relative(src, found.resolvedFileName).startsWith("..")) return found;
      const dts = join(root, "dist", relative(root, found.resolvedFileName)).replace(/\.ts$/, ".d.ts");
      return { resolvedFileName: dts, extension: ts.Extension.Dts, isExternalLibraryImport: false };
    });
  return host;
}

test("examples/*.ts typecheck with the project's compiler options, against the built declarations", () => {
  const files = readdirSync(join(root, "examples"))
    .filter((f) => f.endsWith(".ts"))
    .map((f) => join(root, "examples", f));
  assert.ok(files.length > 0);
  assert.ok(existsSync(join(root, "dist", "src", "index.d.ts")), "the build wrote dist/src/index.d.ts");
  const config = ts.readConfigFile(join(root, "tsconfig.json"), (p) => ts.sys.readFile(p));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  const options = { ...parsed.options, noEmit: true };
  const program = ts.createProgram(files, options, declarationsHost(options));
  const problems = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
  assert.deepEqual(problems, []);
  // The check ran on the declarations, and would see an example's mistake.
  assert.ok(program.getSourceFiles().some((f) => f.fileName.endsWith("dist/src/index.d.ts")));
  assert.ok(!program.getSourceFiles().some((f) => f.fileName.startsWith(join(root, "src"))));
});
