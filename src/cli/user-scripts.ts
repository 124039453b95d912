/**
 * Loading the user's policy scripts: TypeScript (through tsx, no build step)
 * or JavaScript ES modules.
 *
 * The contract of a script module:
 *  - `export default function (engine, context) { engine.on("connection_established", (c) => …) }`
 *    is called once with the Engine before the first packet (it may be async);
 *    `context.logs` is the run's LogManager: `context.logs.open({ path, fields })`
 *    gives a log of the script's own, in the run's directory and format,
 *    closed with the others;
 *  - and/or functions exported under event names are registered as handlers:
 *    `export function connection_rejected(c) { … }`.
 * Anything else exported as a function is reported, since it is most likely a
 * misspelt event name.
 *
 * `import … from "bronze"` in a script, wherever the script lives, gives the
 * running command's own library (shareLibrary): one module graph, so the
 * engine's classes and helpers (recordContents, Connection checks) are the
 * ones the engine uses, not a second copy whose `instanceof` tests fail.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import Module, { register } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { EVENT_ALIASES, EVENT_NAMES, type Handler, isEventName } from "../event/events.js";
import type { GeoIp } from "../geoip/geoip.js";
import * as library from "../index.js";
import type { LogManager } from "../log/manager.js";
import type { ZeekPrint } from "../log/print-log.js";
import type { ConfigFramework } from "../scripts/config/framework.js";
import type { ScriptHost } from "../scripts/host.js";
import type { InputFramework } from "../scripts/input/framework.js";
import type { Intel } from "../scripts/intel/framework.js";
import type { NetControl } from "../scripts/netcontrol/framework.js";
import type { NoticeInput, NoticeLog } from "../scripts/notice.js";
import type { OpenFlow } from "../scripts/openflow/framework.js";
import type { PacketFilterFramework } from "../scripts/packet-filter/framework.js";
import type { Telemetry } from "../scripts/telemetry/framework.js";
import { didYouMean } from "../suggest.js";
import { UsageError } from "./args.js";
import { importModule } from "./dynamic-import.js";

type ScriptModule = Record<string, unknown>;

/** The second argument of a script's default export. */
export interface ScriptContext {
  /** The run's logs (same directory and format as conn.log). */
  logs: LogManager;
  /**
   * Raises a notice into notice.log (Zeek's NOTICE): `notice({ note:
   * "Scan::Port_Scan", msg, conn, identifier })`; with an identifier, repeats
   * are suppressed for an hour (suppressFor). True when it was logged.
   */
  notice(n: NoticeInput): boolean;
  /**
   * The notice framework's hooks (Zeek's Notice::policy and Notice::notice):
   * `notices.onPolicy((n) => { if (n.note === "Scan::Port_Scan")
   * n.actions.add("Notice::ACTION_DROP"); })` has such notices' src dropped
   * when policy/frameworks/notice/actions/drop is loaded.
   */
  readonly notices: Pick<NoticeLog, "onPolicy" | "onNotice">;
  /**
   * The Intel framework (Zeek's Intel::insert, remove, seen and hooks; made
   * when first used): `context.intel.seen({ indicator, indicator_type:
   * "Intel::DOMAIN", conn: c, where: "DNS::IN_REQUEST" })`; matches raise
   * intel_match and write intel.log.
   */
  readonly intel: Intel;
  /**
   * GeoIP (Zeek's lookup_location and lookup_autonomous_system, from the
   * MaxMind DB files the mmdb_* settings name; made on first use, messages
   * in reporter.log): `context.geoip.lookupLocation(c.id.resp_h).country_code`,
   * `context.geoip.haversineDistanceIp(c.id.orig_h, c.id.resp_h)` (miles, -1
   * when either location is unknown).
   */
  readonly geoip: GeoIp;
  /**
   * The NetControl framework (Zeek's NetControl::add_rule, drop_address and
   * the other helpers, plugins, netcontrol.log; made when first used):
   * activate plugins in a `NetControl::init` handler, e.g.
   * `netcontrol.activate(createDebug(netcontrol, true), 0)` (docs/netcontrol.md).
   */
  readonly netcontrol: NetControl;
  /**
   * The packet-filter framework (Zeek's PacketFilter::exclude, exclude_for,
   * remove_exclude, install, register_filter_plugin, current_filter; with
   * policy/frameworks/packet-filter/shunt, `packetFilter.shunt`): the capture
   * filter changes for the packets that follow, packet_filter.log gets a row.
   */
  readonly packetFilter: PacketFilterFramework;
  /**
   * The config framework (Zeek's Config::set_value, Option::set_change_handler,
   * Config::read_config, and the `option` statement as `declare`):
   * `config.setValue("Notice::mail_dest", "ops@example.net", "my-script")`
   * changes an option while the run goes on, with a config.log row;
   * `config.onChange(id, (id, value, location) => value, priority)` sees
   * each change first and may return another value.
   */
  readonly config: ConfigFramework;
  /**
   * The OpenFlow framework (Zeek's OpenFlow::flow_mod, flow_clear,
   * match_conn, generate_cookie and the controller registry; made when
   * first used): `const c = openflow.logNew(42)` makes a controller writing
   * openflow.log, `openflow.flowMod(c, openflow.matchConn(conn.id), { cookie:
   * openflow.generateCookie(1), command: "OpenFlow::OFPFC_ADD" })` a flow
   * mod; `createOpenflow(netcontrol, c)` a NetControl plugin on it
   * (docs/netcontrol.md).
   */
  readonly openflow: OpenFlow;
  /**
   * The Input framework (Zeek's Input::add_table, add_event, remove,
   * force_update and end_of_data; made when first used): `const hosts =
   * input.table(); input.addTable({ source: "hosts.tsv", name: "hosts",
   * idx: inputRecord("Idx", { ip: "addr" }), destination: hosts })` fills
   * `hosts` after zeek_init, in the background (docs/input.md).
   */
  readonly input: InputFramework;
  /**
   * The telemetry framework (Zeek's Telemetry:: functions): `const cf =
   * telemetry.registerCounterFamily({ prefix: "site", name: "rejections",
   * label_names: ["proto"] })`, `telemetry.counterFamilyInc(cf, ["tcp"])`;
   * gauges, histograms, `collectMetrics(prefix, name)`, `onSync` hooks; the
   * metrics are served with Telemetry::metrics_port and logged with
   * policy/frameworks/telemetry/log (docs/telemetry.md).
   */
  readonly telemetry: Telemetry;
  /**
   * Zeek's print statement and open(): `print.print("seen", c.uid)` writes
   * `seen, C…` on standard output, `print.print(print.open("hits.txt"),
   * c.uid)` into that file; Log::print_to_log=Log::REDIRECT_STDOUT (or
   * REDIRECT_ALL, files too) makes them rows of print.log instead
   * (docs/logs.md), each also given to `print.onLogPrint` handlers.
   */
  readonly print: ZeekPrint;
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0]!;
}

/** A place in a script: its path as given, 1-based line and column. */
export interface ScriptPosition {
  file: string;
  line: number;
  column: number;
}

export function formatPosition(p: ScriptPosition): string {
  return `${p.file}:${p.line}:${p.column}`;
}

/** Stack frames: "at f (/path/x.ts:5:22)", "at file:///path/x.mjs:5:22", with or without the parentheses. */
const STACK_FRAME = /^\s*at (?:.*? \()?(?:file:\/\/)?([^()]+?)(?:\?[^:()]*)?:(\d+):(\d+)\)?$/;

/**
 * The first frame of `error`'s stack inside one of `files` (absolute paths of
 * the user's scripts), named by the path the user gave: where in the user's
 * own code an exception happened.
 */
export function scriptPosition(error: unknown, files: ReadonlyMap<string, string>): ScriptPosition | null {
  const stack = error instanceof Error ? (error.stack ?? "") : "";
  for (const line of stack.split("\n")) {
    const m = STACK_FRAME.exec(line);
    if (m === null) continue;
    let path = m[1]!;
    try {
      path = decodeURIComponent(path);
    } catch {
      // not URL-encoded
    }
    const given = files.get(path);
    if (given === undefined) continue;
    const lineNo = Number(m[2]);
    // An -e script's first line starts after its wrapper: columns there are the code's own.
    const column = Number(m[3]) - (lineNo === 1 ? (firstLineShift.get(path) ?? 0) : 0);
    return { file: given, line: lineNo, column };
  }
  return null;
}

/**
 * Where a script fails to compile, as "file:line:column: message". tsx's
 * esbuild says where in its message; Node's own SyntaxError for a JavaScript
 * module says only what, so the file is parsed again with esbuild (tsx's
 * dependency) to find the place.
 */
async function syntaxErrorText(error: unknown, file: string, path: string): Promise<string | null> {
  const message = error instanceof Error ? error.message : String(error);
  const esbuildSays = /^(?:.*\n)*?(.+?):(\d+):(\d+): ERROR: (.*)$/m.exec(message);
  if (esbuildSays !== null && /Transform failed/.test(message)) return `${file}:${esbuildSays[2]}:${Number(esbuildSays[3]) + 1}: ${esbuildSays[4]}`; // esbuild counts columns from 0
  if (!(error instanceof SyntaxError)) return null;
  try {
    const esbuild = (await importModule("esbuild")) as { transformSync(code: string, options: object): unknown };
    esbuild.transformSync(readFileSync(path, "utf8"), { loader: "js", format: "esm", sourcefile: file, logLevel: "silent" });
  } catch (parsed) {
    const where = (parsed as { errors?: Array<{ location?: { line: number; column: number } | null }> }).errors?.[0]?.location;
    if (where) return `${file}:${where.line}:${where.column + 1}: ${message}`;
  }
  return `${file}: ${message}`;
}

/**
 * A script outside any `"type": "module"` package is compiled as CommonJS;
 * imported from ESM its exports then sit on `default`. Unwrap that so both
 * kinds of script read the same.
 */
function unwrapCommonJs(mod: ScriptModule): ScriptModule {
  const inner = mod.default;
  if (inner !== null && typeof inner === "object" && "__esModule" in inner) return inner as ScriptModule;
  return mod;
}

/** The specifier scripts import the library by (the package's name). */
const LIBRARY_SPECIFIER = "bronze";
/** Where the running library is parked for the module a script's import resolves to. */
const LIBRARY_KEY = "__bronzeRunningLibrary";
/** The URL (ES modules) of that module; not a file, so never read from disk. */
const LIBRARY_URL = "bronze:library";
/**
 * What `require("bronze")` resolves to (the CommonJS loader's cache key): an
 * absolute path no file has. Node 22 and later run the require() of a
 * CommonJS module that import() loaded (tsx's TypeScript, compiled to
 * CommonJS) through the ES loader, as the file URL of what the CommonJS
 * resolver said; the hooks map that URL to LIBRARY_URL too.
 */
const LIBRARY_PATH = "/bronze:library";
/** LIBRARY_PATH as Node's ES loader is then given it (pathToFileURL, as Node makes it). */
const LIBRARY_FILE_URL = pathToFileURL(LIBRARY_PATH).href;

/** What the hooks answer: whether a specifier names the library, and the library module's source. */
interface LibraryHookData {
  readonly specifiers: readonly string[];
  readonly url: string;
  readonly source: string;
}

interface ResolveAnswer {
  url: string;
  shortCircuit?: boolean;
}
interface LoadAnswer {
  format: string;
  source?: string;
  shortCircuit?: boolean;
}
type NextResolve = (specifier: string, context: object) => ResolveAnswer;
type NextLoad = (url: string, context: object) => LoadAnswer;

// The hooks' rules, as functions of their data alone: registerLibraryHooks
// runs them in this thread or sends their text to Node's loader thread.

/** The library's specifiers resolve to its URL. */
function resolveLibrary(data: LibraryHookData, specifier: string, context: object, next: NextResolve): ResolveAnswer {
  return data.specifiers.includes(specifier) ? { url: data.url, shortCircuit: true } : next(specifier, context);
}

/** The library's URL loads the module that re-exports it (tsx adds its namespace as a query to what it resolves: compared without it). */
function loadLibrary(data: LibraryHookData, target: string, context: object, next: NextLoad): LoadAnswer {
  return target.split("?")[0] === data.url ? { format: "module", source: data.source, shortCircuit: true } : next(target, context);
}

/** Node's synchronous, in-thread hooks (module.registerHooks, Node 22.15 and 23.5 on); not in @types/node 20. */
type RegisterHooks = (hooks: { resolve(s: string, c: object, n: NextResolve): ResolveAnswer; load(u: string, c: object, n: NextLoad): LoadAnswer }) => unknown;

/**
 * Module-resolution hooks: the library's specifiers resolve to LIBRARY_URL,
 * whose source re-exports the library parked on globalThis by the main
 * thread. In this thread where Node has module.registerHooks (Node 26
 * deprecates module.register, with a warning on every run, and in-thread
 * hooks start no loader thread); else (Node 20 and 21) through
 * module.register, whose hooks run in Node's loader thread as a module of
 * their own: the same two functions, as text.
 */
function registerLibraryHooks(data: LibraryHookData): void {
  const registerHooks = (Module as unknown as { registerHooks?: RegisterHooks }).registerHooks;
  if (registerHooks !== undefined) {
    registerHooks({ resolve: (s, c, n) => resolveLibrary(data, s, c, n), load: (u, c, n) => loadLibrary(data, u, c, n) });
    return;
  }
  const hooks = `let data;
export function initialize(given) { data = given; }
const resolveLibrary = ${resolveLibrary.toString()};
const loadLibrary = ${loadLibrary.toString()};
export function resolve(s, c, n) { return resolveLibrary(data, s, c, n); }
export function load(u, c, n) { return loadLibrary(data, u, c, n); }
`;
  register(`data:text/javascript,${encodeURIComponent(hooks)}`, { data });
}

interface CommonJsLoader {
  _resolveFilename(request: string, ...rest: unknown[]): string;
  _cache: Record<string, unknown>;
}

let libraryShared = false;

/**
 * Makes `import … from "bronze"` (ES modules, through Node's module hooks)
 * and `require("bronze")` (what tsx compiles a script outside an ESM package
 * to) give this running library. Installed once, before the first script.
 */
function shareLibrary(): void {
  if (libraryShared) return;
  libraryShared = true;
  (globalThis as Record<string, unknown>)[LIBRARY_KEY] = library;
  const names = Object.keys(library).filter((n) => n !== "default");
  const source = `const lib = globalThis[${JSON.stringify(LIBRARY_KEY)}];\nexport const { ${names.join(", ")} } = lib;\nexport default lib;\n`;
  registerLibraryHooks({ specifiers: [LIBRARY_SPECIFIER, LIBRARY_FILE_URL], url: LIBRARY_URL, source });
  const loader = Module as unknown as CommonJsLoader;
  const resolveFilename = loader._resolveFilename;
  loader._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]): string {
    return request === LIBRARY_SPECIFIER ? LIBRARY_PATH : resolveFilename.call(this, request, ...rest);
  };
  const shared = new Module(LIBRARY_PATH);
  shared.exports = library;
  shared.loaded = true;
  loader._cache[LIBRARY_PATH] = shared;
}

/** The user's scripts loaded in this process: absolute path → the path as the user gave it. */
export const scriptFiles = new Map<string, string>();

let typeScriptRegistered = false;

/**
 * tsx's loaders, registered once for the process (ES modules and CommonJS):
 * a script then loads from its own file URL, so its stack frames name its
 * file and, through tsx's source maps, its own lines (tsImport ran a
 * CommonJS-compiled script from a data: URL, with the transpiled positions).
 */
async function registerTypeScript(): Promise<void> {
  if (typeScriptRegistered) return;
  typeScriptRegistered = true;
  ((await importModule("tsx/esm/api")) as typeof import("tsx/esm/api")).register();
  ((await importModule("tsx/cjs/api")) as typeof import("tsx/cjs/api")).register();
}

async function importScript(path: string): Promise<ScriptModule> {
  shareLibrary();
  const url = pathToFileURL(path).href;
  if (/\.(ts|mts|cts)$/.test(path)) await registerTypeScript();
  return unwrapCommonJs((await importModule(url)) as ScriptModule);
}

/**
 * Loads one script and wires it to `engine`; messages name it `shown` (the
 * path as the user gave it). Returns warnings to show (exports that are not
 * event names). Throws UsageError when the file is missing or
 * exports nothing usable; errors thrown by the script itself propagate.
 */
export async function loadUserScript<T extends ScriptHost>(file: string, engine: T, context: ScriptContext, shown = file): Promise<string[]> {
  const path = resolve(file);
  if (!existsSync(path)) throw new UsageError(`cannot find script ${shown}`);
  let mod: ScriptModule;
  try {
    mod = await importScript(path);
  } catch (error) {
    scriptFiles.set(path, shown);
    const syntax = await syntaxErrorText(error, shown, path);
    if (syntax !== null) throw new UsageError(`syntax error in script ${syntax}`);
    const at = scriptPosition(error, scriptFiles);
    throw new UsageError(`cannot load script ${at === null ? shown : formatPosition(at)}: ${firstLine(error)}`);
  }
  scriptFiles.set(path, shown);
  const warnings: string[] = [];
  let used = false;
  for (const [name, value] of Object.entries(mod)) {
    if (typeof value !== "function" || name === "default" || name === "module.exports") continue;
    const event = EVENT_ALIASES[name] ?? name;
    if (isEventName(event)) {
      // The export's argument types are the script's business; the name is checked.
      engine.on(event, value as Handler<typeof event>);
      used = true;
    } else {
      const hint = didYouMean(name, [...EVENT_NAMES, ...Object.keys(EVENT_ALIASES)]);
      warnings.push(`${shown} exports '${name}', which is not an event name${hint === "" ? "" : ` (${hint.trimEnd()})`}; ignored`);
    }
  }
  const entry = mod.default;
  if (typeof entry === "function") {
    try {
      await (entry as (e: T, c: ScriptContext) => unknown)(engine, context);
    } catch (error) {
      const at = scriptPosition(error, scriptFiles);
      throw new UsageError(`script ${at === null ? shown : formatPosition(at)} failed while loading: ${firstLine(error)}`);
    }
    used = true;
  }
  if (!used) throw new UsageError(`${shown} exports no default function and no event handler`);
  return warnings;
}

/** -e scripts' files: the wrapper's length before the code on their first line. */
const firstLineShift = new Map<string, number>();

/** A top-level `export`: -e code that is a module of its own rather than a function body. */
const MODULE_CODE = /^\s*export\s/m;

/**
 * -e CODE (Zeek's --exec): a script given on the command line. Code with a
 * top-level `export` is a module, as a script file is (`export function
 * dns_request(c, msg, query) { … }`); other code is the body of its default
 * function, with `engine`, `context` and bronze's exports (`bronze`) in
 * scope (`engine.on("dns_request", (c, msg, q) => console.log(q))`). It is
 * written to a file of its own (TypeScript: types are stripped, not
 * checked) that lives until the process ends, and loaded as a script file;
 * messages and stack positions name it "-e" (the first one) or "-e#2", with
 * the code's own line numbers.
 */
export async function loadExecScript<T extends ScriptHost>(code: string, index: number, engine: T, context: ScriptContext): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), "bronze-exec-"));
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, `exec-${index + 1}.ts`);
  // The wrapper stays on the code's first line, so that positions in the code are its own.
  const wrapper = MODULE_CODE.test(code) ? "" : 'import * as bronze from "bronze"; export default function (engine, context) { ';
  writeFileSync(file, wrapper === "" ? code : `${wrapper}${code}\n}\n`);
  firstLineShift.set(file, wrapper.length);
  return loadUserScript(file, engine, context, index === 0 ? "-e" : `-e#${index + 1}`);
}
