/**
 * `bronze --check script.ts …`: type-checks the user's scripts against
 * bronze's own declarations, since running a script strips its types
 * unchecked. `"bronze"` resolves to the installed package's declarations
 * (dist/src/index.d.ts) wherever the script lives, and each script's exports
 * are checked against the script contract: a default export
 * `(engine, context) => …` and handlers named after events with the event's
 * argument types. Uses the `typescript` package when it is installed (a
 * development dependency of bronze; `npm i -D typescript` beside a script).
 */
import { existsSync } from "node:fs";
import { relative, resolve } from "node:path";
import type * as TS from "typescript";
import { UsageError } from "./args.js";
import { importModule } from "./dynamic-import.js";
import { packageInfo } from "./package-root.js";

/** Name of the virtual file that holds one script's contract check. */
const CONTRACT_SUFFIX = ".bronze-contract.ts";

/** The contract check for one script (its exports against the event map and the default export's signature). */
function contractSource(scriptPath: string): string {
  return [
    `import type { Engine, EventName, Handler, ScriptContext } from "bronze";`,
    `import * as script from ${JSON.stringify(scriptPath)};`,
    `type Contract = { [E in EventName]?: Handler<E> } & { default?: (engine: Engine, context: ScriptContext) => unknown };`,
    `const exportsMatchTheContract: Contract = script;`,
    `void exportsMatchTheContract;`,
    ``,
  ].join("\n");
}

async function loadTypeScript(): Promise<typeof TS> {
  try {
    const mod = (await importModule("typescript")) as { default?: typeof TS } & typeof TS;
    return mod.default ?? mod; // CommonJS: the namespace is its default export
  } catch {
    throw new UsageError("--check needs the typescript package: npm install --save-dev typescript");
  }
}

/** Type-checks `files`; resolves to the diagnostics as text lines (empty: the scripts check). */
export async function checkScripts(files: readonly string[]): Promise<string[]> {
  if (files.length === 0) throw new UsageError("--check needs the scripts to check: bronze --check my-detector.ts");
  const pkg = packageInfo();
  const declarations = pkg === null ? null : resolve(pkg.root, "dist", "src", "index.d.ts");
  if (declarations === null || !existsSync(declarations))
    throw new UsageError("--check needs bronze's type declarations (dist/src/index.d.ts): run npm run build");
  const ts = await loadTypeScript();
  const paths = files.map((f) => resolve(f));
  for (const [i, p] of paths.entries()) if (!existsSync(p)) throw new UsageError(`cannot find script ${files[i]}`);
  const nodeTypes = existsSync(resolve(pkg!.root, "node_modules", "@types", "node"));
  const options: TS.CompilerOptions = {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    allowImportingTsExtensions: true,
    allowJs: true,
    checkJs: true,
    skipLibCheck: true,
    esModuleInterop: true,
    lib: nodeTypes ? ["lib.es2022.d.ts"] : ["lib.es2022.d.ts", "lib.dom.d.ts"], // console, timers: Node's types when present
    types: nodeTypes ? ["node"] : [],
    typeRoots: [resolve(pkg!.root, "node_modules", "@types")],
    paths: { bronze: [declarations] },
  };
  const contracts = new Map(paths.map((p) => [p + CONTRACT_SUFFIX, contractSource(p)]));
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version, onError, create) => {
    const text = contracts.get(resolve(name));
    return text !== undefined ? ts.createSourceFile(name, text, version) : getSourceFile(name, version, onError, create);
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => contracts.has(resolve(name)) || fileExists(name);
  const program = ts.createProgram([...paths, ...contracts.keys()], options, host);
  const cwd = process.cwd();
  const lines: string[] = [];
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const message = ts.flattenDiagnosticMessageText(d.messageText, "\n").split("\n").join("\n    ");
    if (d.file === undefined) {
      lines.push(`error TS${d.code}: ${message}`);
      continue;
    }
    const contractOf = d.file.fileName.endsWith(CONTRACT_SUFFIX) ? d.file.fileName.slice(0, -CONTRACT_SUFFIX.length) : null;
    if (contractOf !== null) {
      lines.push(
        `${relative(cwd, contractOf)}: its exports do not fit bronze's script contract (default (engine, context) => …, handlers named after events): ${message}`,
      );
      continue;
    }
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start ?? 0);
    lines.push(`${relative(cwd, d.file.fileName)}:${line + 1}:${character + 1}: error TS${d.code}: ${message}`);
  }
  return lines;
}
