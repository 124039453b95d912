/**
 * The `bronze` command line, Zeek style: short flags that may be grouped
 * (`-Cr trace.pcap`), long options, and positional words mixed freely —
 * `name=value` redefs, Zeek script names (`base/protocols/http`) and the
 * user's TypeScript/JavaScript scripts (`detect.ts`).
 */

import { type AsciiFormat, asciiFormat } from "../log/ascii-writer.js";
import { bytesToLogText, JSON_STRING_POLICIES, type JsonStringPolicy } from "../log/escape.js";
import { JSON_TIMESTAMPS, type JsonTimestamps } from "../log/json-writer.js";
import { policyScriptLoaded } from "../options.js";
import { didYouMean } from "../suggest.js";

export interface CliOptions {
  /** -r FILE: the trace to read ("-" for standard input). */
  readFile?: string;
  /** -i IFACE: capture live. */
  iface?: string;
  /** -w FILE: record the packets that pass the filter ("-" for standard output). */
  writeFile?: string;
  /** -f FILTER: tcpdump-syntax capture filter. */
  filter?: string;
  /** -C: ignore checksums. */
  ignoreChecksums: boolean;
  /** --no-promiscuous-mode (tcpdump's long option; Zeek always captures promiscuously). */
  noPromiscuous: boolean;
  /** -b: bare mode (only the scripts named on the command line). */
  bare: boolean;
  /** --spicy: also the analyzers Zeek writes in Spicy (QUIC, LDAP, PostgreSQL, Redis), as a Zeek built with Spicy runs them. */
  spicy: boolean;
  /** --json (or LogAscii::use_json=T): JSON lines logs. */
  json: boolean;
  /** LogAscii::json_timestamps=JSON::TS_ISO8601 (or TS_MILLIS, TS_MILLIS_UNSIGNED, TS_EPOCH): how JSON logs write times. */
  jsonTimestamps?: JsonTimestamps;
  /** LogAscii::json_include_unset_fields=T: unset fields as null in JSON logs. */
  jsonIncludeUnset?: boolean;
  /** LogAscii::json_string_escape_policy=JSON::STRING_ESCAPE_POLICY_TSV (or _PUA, _HEX): how JSON logs escape strings. */
  jsonStringEscapePolicy?: JsonStringPolicy;
  /** LogAscii::gzip_level=N (1-9): logs compressed, conn.log.gz. */
  gzipLevel?: number;
  /** LogAscii::gzip_file_extension="gzip": compressed logs named conn.log.gzip. */
  gzipExtension?: string;
  /** LogAscii::output_to_stdout=T: every log to standard output. */
  logsToStdout?: boolean;
  /** LogAscii::separator, set_separator, empty_field, unset_field, include_meta, meta_prefix: the ASCII logs' format. */
  asciiFormat?: Partial<AsciiFormat>;
  /** Log::default_scope_sep="_": the separator of nested field names in the logs. */
  scopeSep?: string;
  /** Log::default_field_name_map={["id.orig_h"]="src", …}: log columns renamed (`+=` adds to earlier ones). */
  fieldNameMap?: Record<string, string>;
  /** Log::default_ext_prefix="x_": what extension columns (a script's LogExtension) start with. */
  extPrefix?: string;
  /** --logdir DIR: where logs go (default the current directory). */
  logdir?: string;
  /** --seed-file FILE: Zeek seed file for deterministic uids. */
  seedFile?: string;
  /** name=value settings, from --set and positional redefs, in order. */
  settings: string[];
  /** Zeek script names (base/…, policy/…, misc/…). */
  loads: string[];
  /** User script files, in command-line order. */
  userScripts: string[];
  /** -e CODE (Zeek's --exec): scripts given inline, run after the script files, in order. */
  execCode: string[];
  /** `Analyzer::register_for_port(Analyzer::ANALYZER_TELNET, 23/tcp)` words: analyzers attached to more responder ports, in order. */
  analyzerPorts: AnalyzerPort[];
  /** -s FILE (repeatable): signature files, in command-line order (Zeek's -s; ".sig" may be left off). */
  signatureFiles: string[];
  /** --check: type-check the user scripts against bronze's declarations instead of running. */
  check: boolean;
  help: boolean;
  version: boolean;
}

/** One Analyzer::register_for_port call of the command line. */
export interface AnalyzerPort {
  /** The tag's name without Analyzer::ANALYZER_ ("TELNET"). */
  readonly name: string;
  readonly port: number;
  readonly proto: "tcp" | "udp";
}

/**
 * Zeek's call that attaches an analyzer to a port (its btests make it in
 * zeek_init), taken as a command-line word: the analyzers Zeek's default
 * scripts leave unregistered (Telnet, Rlogin, Rsh, Gnutella, NetBIOSSSN) run this way.
 */
const REGISTER_FOR_PORT = /^Analyzer::register_for_port\(\s*Analyzer::ANALYZER_(\w+)\s*,\s*(\d+)\/(tcp|udp)\s*\);?$/;

/** The call in `word`, or null when it is not one. */
export function parseRegisterForPort(word: string): AnalyzerPort | null {
  const m = REGISTER_FOR_PORT.exec(word.trim());
  if (m === null) return null;
  const port = Number(m[2]);
  if (port > 65535) throw new UsageError(`not a port in '${word}'`);
  return { name: m[1]!, port, proto: m[3] as "tcp" | "udp" };
}

/** A command line that cannot be run: the message is shown as `bronze: <message>`. */
export class UsageError extends Error {
  override name = "UsageError";
}

const USER_SCRIPT = /\.(ts|mts|cts|js|mjs|cjs)$/;
const ZEEK_SCRIPT = /^(base|policy|misc|protocols|frameworks|tuning|site|local|integration)(\/|$)|\.(zeek|bro)$/;
/** A Zeek redef of `name` as a command-line word ("redef" optional, `name=value`), its value matched by `value`'s groups. */
function redef(name: string, value: string): RegExp {
  return new RegExp(`^(?:redef\\s+)?${name}\\s*=\\s*${value}$`);
}
/** A bool value: group 1. */
const BOOL = "(T|F|true|false)";
/** A string value, quoted (group 1) or not (group 2). */
const STRING = '(?:"([^"]*)"|([^"\\s]*))';

/** Zeek's bool literals, as redefs give them. */
function zeekTrue(text: string): boolean {
  return text === "T" || text === "true";
}

/** Zeek's way of asking for JSON logs, accepted as a redef. */
const USE_JSON = redef("LogAscii::use_json", BOOL);
/** How JSON logs write times: LogAscii::json_timestamps=JSON::TS_ISO8601. */
const JSON_TIMESTAMPS_REDEF = redef("LogAscii::json_timestamps", "(\\S+)");
/** Compressed logs: LogAscii::gzip_level=6. */
const GZIP_LEVEL_REDEF = redef("LogAscii::gzip_level", "(\\S*)");
/** The compressed logs' extension: LogAscii::gzip_file_extension="gzip". */
const GZIP_EXTENSION_REDEF = redef("LogAscii::gzip_file_extension", STRING);
/** Logs to standard output: LogAscii::output_to_stdout=T. */
const STDOUT_REDEF = redef("LogAscii::output_to_stdout", BOOL);
/** Unset fields as null in JSON logs: LogAscii::json_include_unset_fields=T. */
const JSON_UNSET_REDEF = redef("LogAscii::json_include_unset_fields", BOOL);
/** How JSON logs escape strings: LogAscii::json_string_escape_policy=JSON::STRING_ESCAPE_POLICY_TSV. */
const JSON_STRING_POLICY_REDEF = redef("LogAscii::json_string_escape_policy", "(\\S+)");
/** The ASCII format's string options (LogAscii::separator="," …), by their Zeek names. */
const ASCII_STRING_REDEFS = {
  separator: redef("LogAscii::separator", STRING),
  setSeparator: redef("LogAscii::set_separator", STRING),
  emptyField: redef("LogAscii::empty_field", STRING),
  unsetField: redef("LogAscii::unset_field", STRING),
  metaPrefix: redef("LogAscii::meta_prefix", STRING),
} as const;
/** No `#` lines in ASCII logs: LogAscii::include_meta=F. */
const INCLUDE_META_REDEF = redef("LogAscii::include_meta", BOOL);
/** Every byte outside printable ASCII escaped: LogAscii::enable_utf_8=F. */
const ENABLE_UTF8_REDEF = redef("LogAscii::enable_utf_8", BOOL);
/** Zeek's separator of nested log field names: Log::default_scope_sep="_" (quotes optional). */
const SCOPE_SEP = redef("Log::default_scope_sep", STRING);
/** Zeek's prefix of extension columns: Log::default_ext_prefix="x_" (quotes optional). */
const EXT_PREFIX = redef("Log::default_ext_prefix", STRING);
/** Zeek's renaming of log columns, as a redef: Log::default_field_name_map={["id.orig_h"]="src", …} (or += to add). */
const FIELD_NAME_MAP = /^(redef\s+)?Log::default_field_name_map\s*(\+?=)\s*\{(.*)\}\s*$/s;
/** One entry of that table: ["old"] = "new". */
const NAME_MAP_ENTRY = /^\[\s*"([^"]*)"\s*\]\s*=\s*"([^"]*)"$/;

/**
 * A Zeek string literal as log text: its escapes (\t, \n, \\, \", \xNN) turned
 * into the bytes they stand for, the other characters into their UTF-8
 * bytes, and the bytes read as log text reads a protocol's (valid UTF-8 as
 * characters: "\xc2\xae" is "®").
 */
function zeekString(text: string): string {
  const bytes = text.replace(/\\(x[0-9a-fA-F]{2}|[tn\\"])|[^\p{ASCII}]+/gu, (all: string, e: string | undefined) => {
    if (e === undefined) return Buffer.from(all, "utf8").toString("latin1");
    return e[0] === "x" ? String.fromCharCode(Number.parseInt(e.slice(1), 16)) : e === "t" ? "\t" : e === "n" ? "\n" : e;
  });
  return bytesToLogText(bytes);
}

/** Sets one of the ASCII format's options from `word` when it is one of their redefs; whether it was. */
function asciiFormatRedef(opts: CliOptions, word: string): boolean {
  const meta = INCLUDE_META_REDEF.exec(word);
  if (meta) {
    opts.asciiFormat = { ...opts.asciiFormat, includeMeta: zeekTrue(meta[1]!) };
    return true;
  }
  const utf8 = ENABLE_UTF8_REDEF.exec(word);
  if (utf8) {
    opts.asciiFormat = { ...opts.asciiFormat, utf8: zeekTrue(utf8[1]!) };
    return true;
  }
  for (const [key, pattern] of Object.entries(ASCII_STRING_REDEFS)) {
    const m = pattern.exec(word);
    if (m === null) continue;
    const format = { ...opts.asciiFormat, [key]: zeekString(m[1] ?? m[2] ?? "") };
    try {
      asciiFormat(format);
    } catch (error) {
      throw new UsageError(`'${word}': ${(error as Error).message}`);
    }
    opts.asciiFormat = format;
    return true;
  }
  return false;
}

/** A gzip level, 0 (none) to 9, as zlib takes it. */
function gzipLevel(word: string, given: string): number {
  const text = given.replace(/;$/, "");
  if (!/^\d$/.test(text)) throw new UsageError(`'${word}': the gzip level is a whole number from 0 (no compression) to 9`);
  return Number(text);
}

/** A JSON::StringEscapePolicy name ("JSON::STRING_ESCAPE_POLICY_TSV", or without "JSON::"). */
function jsonStringPolicy(word: string, given: string): JsonStringPolicy {
  const name = given.replace(/;$/, "");
  const full = (name.startsWith("JSON::") ? name : `JSON::${name}`) as JsonStringPolicy;
  if (!JSON_STRING_POLICIES.includes(full)) throw new UsageError(`'${word}': expected one of ${JSON_STRING_POLICIES.join(", ")}`);
  return full;
}

/** A JSON::TimestampFormat name ("JSON::TS_ISO8601", or without "JSON::"). */
function jsonTimestamps(word: string, given: string): JsonTimestamps {
  const name = given.replace(/;$/, "");
  const full = (name.startsWith("JSON::") ? name : `JSON::${name}`) as JsonTimestamps;
  if (!JSON_TIMESTAMPS.includes(full)) throw new UsageError(`'${word}': expected one of ${JSON_TIMESTAMPS.join(", ")}`);
  return full;
}

/** The entries of a field name map's table text (`["id.orig_h"]="src", …`). */
function parseFieldNameMap(word: string, body: string): Record<string, string> {
  const map: Record<string, string> = {};
  for (const raw of body.split(",")) {
    const entry = raw.trim();
    if (entry === "") continue;
    const m = NAME_MAP_ENTRY.exec(entry);
    if (m === null) throw new UsageError(`'${word}': expected entries ["old name"]="new name", got '${entry}'`);
    map[m[1]!] = m[2]!;
  }
  return map;
}

/** Short flags that take a value, and the option each fills. */
const SHORT_WITH_VALUE: Record<string, "readFile" | "iface" | "writeFile" | "filter" | "signatures" | "exec"> = {
  e: "exec",
  r: "readFile",
  i: "iface",
  w: "writeFile",
  f: "filter",
  s: "signatures",
};
const SHORT_BOOLEAN: Record<string, "ignoreChecksums" | "bare" | "help"> = { C: "ignoreChecksums", b: "bare", h: "help" };
const LONG_WITH_VALUE: Record<string, "readFile" | "iface" | "writeFile" | "filter" | "logdir" | "seedFile" | "set" | "signatures" | "exec"> = {
  exec: "exec",
  readfile: "readFile",
  signatures: "signatures",
  iface: "iface",
  writefile: "writeFile",
  filter: "filter",
  logdir: "logdir",
  "seed-file": "seedFile",
  set: "set",
};
const LONG_BOOLEAN: Record<string, "ignoreChecksums" | "noPromiscuous" | "bare" | "spicy" | "json" | "check" | "help" | "version"> = {
  "no-checksums": "ignoreChecksums",
  "no-promiscuous-mode": "noPromiscuous",
  bare: "bare",
  spicy: "spicy",
  json: "json",
  check: "check",
  help: "help",
  version: "version",
};

function emptyOptions(): CliOptions {
  return {
    ignoreChecksums: false,
    noPromiscuous: false,
    bare: false,
    spicy: false,
    json: false,
    settings: [],
    loads: [],
    userScripts: [],
    execCode: [],
    signatureFiles: [],
    analyzerPorts: [],
    check: false,
    help: false,
    version: false,
  };
}

/** Each option that takes one value, as the user spells it, for "given twice" messages. */
const SPELLING: Record<string, string> = { readFile: "-r", iface: "-i", writeFile: "-w", filter: "-f", logdir: "--logdir", seedFile: "--seed-file" };

function setValue(opts: CliOptions, key: string, value: string): void {
  if (key === "set") {
    opts.settings.push(value);
    return;
  }
  if (key === "signatures") {
    opts.signatureFiles.push(value);
    return;
  }
  if (key === "exec") {
    opts.execCode.push(value);
    return;
  }
  const fields = opts as unknown as Record<string, string | undefined>;
  // A second -r would silently replace the first (bronze reads one trace per run): say so instead.
  if (fields[key] !== undefined) throw new UsageError(`${SPELLING[key] ?? key} given twice ('${fields[key]}' and '${value}'): bronze takes one per run`);
  fields[key] = value;
}

function positional(opts: CliOptions, word: string): void {
  const json = USE_JSON.exec(word);
  const scope = SCOPE_SEP.exec(word);
  const prefix = EXT_PREFIX.exec(word);
  const nameMap = FIELD_NAME_MAP.exec(word);
  const timestamps = JSON_TIMESTAMPS_REDEF.exec(word);
  const unset = JSON_UNSET_REDEF.exec(word);
  const stringPolicy = JSON_STRING_POLICY_REDEF.exec(word);
  const gzip = GZIP_LEVEL_REDEF.exec(word);
  const gzipExtension = GZIP_EXTENSION_REDEF.exec(word);
  const stdout = STDOUT_REDEF.exec(word);
  const analyzerPort = parseRegisterForPort(word);
  if (analyzerPort !== null) opts.analyzerPorts.push(analyzerPort);
  else if (json) opts.json = zeekTrue(json[1]!);
  else if (timestamps) opts.jsonTimestamps = jsonTimestamps(word, timestamps[1]!);
  else if (unset) opts.jsonIncludeUnset = zeekTrue(unset[1]!);
  else if (stringPolicy) opts.jsonStringEscapePolicy = jsonStringPolicy(word, stringPolicy[1]!);
  else if (gzip) opts.gzipLevel = gzipLevel(word, gzip[1]!);
  else if (gzipExtension) opts.gzipExtension = gzipExtension[1] ?? gzipExtension[2] ?? "gz";
  else if (stdout) opts.logsToStdout = zeekTrue(stdout[1]!);
  else if (asciiFormatRedef(opts, word)) return;
  else if (scope) opts.scopeSep = scope[1] ?? scope[2] ?? ".";
  else if (prefix) opts.extPrefix = prefix[1] ?? prefix[2] ?? "";
  else if (nameMap) opts.fieldNameMap = { ...(nameMap[2] === "+=" ? opts.fieldNameMap : {}), ...parseFieldNameMap(word, nameMap[3]!) };
  else if (USER_SCRIPT.test(word)) opts.userScripts.push(word);
  else if (ZEEK_SCRIPT.test(word)) {
    opts.loads.push(word.replace(/\.(zeek|bro)$/, ""));
    // policy/tuning/json-logs is one redef: LogAscii::use_json=T.
    if (policyScriptLoaded([word], "tuning/json-logs")) opts.json = true;
  } else if (word.includes("=")) opts.settings.push(word);
  else throw new UsageError(`don't know what to do with '${word}': expected a script (.ts/.js), a Zeek script name (base/…) or name=value`);
}

/** Parses `argv` (without node and the script path). Throws UsageError. */
export function parseArgs(argv: readonly string[]): CliOptions {
  const opts = emptyOptions();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = (flag: string): string => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`option ${flag} needs a value`);
      return v;
    };
    if (arg === "--") {
      for (const word of argv.slice(i + 1)) positional(opts, word);
      break;
    }
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const name = arg.slice(2, eq < 0 ? undefined : eq);
      const valued = LONG_WITH_VALUE[name];
      const flag = LONG_BOOLEAN[name];
      if (valued) setValue(opts, valued, eq < 0 ? next(arg) : arg.slice(eq + 1));
      else if (flag && eq < 0) opts[flag] = true;
      else {
        const known = [...Object.keys(LONG_WITH_VALUE), ...Object.keys(LONG_BOOLEAN)].map((o) => `--${o}`);
        throw new UsageError(`unknown option ${arg} (${didYouMean(eq < 0 ? arg : arg.slice(0, eq), known)}see bronze --help)`);
      }
    } else if (arg.startsWith("-") && arg.length > 1) {
      // Grouped short flags: "-Cr file", "-bCr file", "-rfile".
      for (let j = 1; j < arg.length; j++) {
        const ch = arg[j]!;
        const valued = SHORT_WITH_VALUE[ch];
        const flag = SHORT_BOOLEAN[ch];
        if (valued) {
          setValue(opts, valued, j + 1 < arg.length ? arg.slice(j + 1) : next(`-${ch}`));
          break;
        } else if (flag) opts[flag] = true;
        else if (ch === "v") opts.version = true;
        else throw new UsageError(`unknown option -${ch} (see bronze --help)`);
      }
    } else {
      positional(opts, arg);
    }
  }
  return opts;
}

/** Checks the combination of options; throws UsageError. */
export function validate(opts: CliOptions): void {
  if (opts.help || opts.version || opts.check) return;
  if (opts.readFile === undefined && opts.iface === undefined)
    throw new UsageError("nothing to read: give a trace with -r FILE (or - for standard input), or an interface with -i IFACE");
  if (opts.readFile !== undefined && opts.iface !== undefined) throw new UsageError("-r and -i cannot be used together");
  if (opts.noPromiscuous && opts.iface === undefined) throw new UsageError("--no-promiscuous-mode applies to live capture (-i)");
  if (opts.logsToStdout && opts.writeFile === "-") throw new UsageError("-w - and LogAscii::output_to_stdout=T would both write to standard output");
}

export const USAGE = `usage: bronze [options] [scripts…] [name=value…]

Reads packets from a trace (pcap, pcapng, gzip'd or not) or an interface,
tracks every connection and its application protocols as Zeek does, and
writes Zeek's logs (conn.log, dns.log, http.log, ssl.log, files.log, weird.log,
packet_filter.log, and the other protocols' logs; -b: only what the named
scripts load).

options:
  -r FILE            read packets from FILE ("-" for standard input)
  -i IFACE           capture live on IFACE (needs the optional libpcap binding);
                     Ctrl-C (SIGINT) or SIGTERM ends it, writing every log
  -f FILTER          capture filter in tcpdump syntax (with -i: compiled by libpcap
                     into the kernel)
  -C                 ignore checksums (Zeek's -C)
  -b                 bare mode: only scripts named on the command line (Zeek's -b)
  --spicy            also run the analyzers Zeek writes in Spicy (QUIC, LDAP,
                     PostgreSQL, Redis), as a Zeek built with Spicy does; without
                     it bronze is the Zeek built without them (naming one's script,
                     base/protocols/ldap, runs that one)
  -s FILE            load Zeek signatures from FILE (also FILE.sig; repeatable, also
                     --signatures FILE), or Zeek's own by its name (base/protocols/
                     ssl/dpd.sig: its analyzer's DPD signatures, script or not):
                     a match raises signature_match and, unless
                     -b, writes signatures.log; file-magic signatures add their
                     file-mime types to files' MIME sniffing (see docs/signatures.md)
  -e CODE            a script given inline (also --exec CODE; repeatable): the body
                     of a function of engine, context and bronze, or a module
                     (export function dns_request(c, msg, query) {…})
  -w FILE            also record the packets that pass -f to FILE, a pcap: each
                     whole, header-only or not at all, as the analysis used it
  --no-promiscuous-mode  with -i: do not put the interface in promiscuous mode
  --json             write logs as JSON lines (also: LogAscii::use_json=T);
                     LogAscii::json_timestamps=JSON::TS_ISO8601 (or TS_MILLIS)
                     writes their times as text (or integer milliseconds);
                     LogAscii::json_string_escape_policy=JSON::STRING_ESCAPE_POLICY_TSV
                     (or _PUA) escapes their strings as the ASCII logs do
  LogAscii::gzip_level=6       compressed logs (conn.log.gz);
                     LogAscii::gzip_file_extension="gzip" names them conn.log.gzip
  LogAscii::output_to_stdout=T every log to standard output, not to files
  LogAscii::separator="," (set_separator, empty_field, unset_field, meta_prefix)
                     the ASCII logs' separators and markers; LogAscii::include_meta=F
                     leaves out the # lines
  Log::default_scope_sep="_"  join nested field names with "_" (id_orig_h), not "."
  Log::default_field_name_map={["id.orig_h"]="src"}
                     rename log columns (after the separator is applied);
                     Log::default_ext_prefix="x_": the start of the columns a
                     script adds to every log (logs.configure({ extension }))
  "Analyzer::register_for_port(Analyzer::ANALYZER_TELNET, 23/tcp)"
                     attach an analyzer to a port, as a Zeek script does in
                     zeek_init (Telnet, Rlogin, Rsh, Gnutella, NetBIOSSSN and
                     STREAM_EVENT have none)
  Telemetry::metrics_port=9911/tcp  serve Prometheus metrics on /metrics while
                     running (Telemetry::metrics_address; docs/telemetry.md)
  --logdir DIR       write logs into DIR (default: the current directory)
  --seed-file FILE   Zeek seed file for reproducible uids (also: $ZEEK_SEED_FILE)
  --set NAME=VALUE   change a setting, e.g. --set tcp_inactivity_timeout=10min
  --check SCRIPT…    type-check your scripts against bronze's event types and
                     the script contract, without running (running a .ts
                     script strips its types unchecked)
  -h, --help         show this help
  --version          show the version

positional words:
  *.ts, *.js         your scripts, loaded after the built-in ones: a module that
                     default-exports (engine) => void, and/or exports functions
                     named after events (export function connection_established(c) {…})
  base/…, policy/…   Zeek script names: they change what Zeek would load (likely
                     server ports, mac-/vlan-logging columns); misc/event-trace writes events.log
  NAME=VALUE         a setting, as Zeek redefs (tcp_attempt_delay=10sec;
                     Site::local_nets={10.0.0.0/8, 192.168.0.0/16}; snaplen=1500:
                     bytes captured per packet with -i); every setting is listed below

examples:
  bronze -r trace.pcap
  bronze -C -r trace.pcap.gz --json --logdir out/
  bronze -r trace.pcap examples/many-rejections.ts
  bronze -r trace.pcap -s rules.sig
  bronze -r trace.pcap -e 'engine.on("dns_request", (c, msg, query) => console.log(query))'

reading the logs: bronze-cut, installed beside bronze, is zeek-cut (same options):
  bronze-cut -d ts id.orig_h id.resp_h < conn.log    (bronze-cut -h for its options)
`;
