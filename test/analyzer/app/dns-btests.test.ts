/**
 * Zeek's btests of base/protocols/dns whose scripts print the arguments of
 * DNS events (so btest-applogs.test.ts, which replays scripts of @load
 * lines and redefs only, leaves them out), replayed: what each btest runs
 * is read from it (its zeek commands' traces and flags, redirections and
 * renames, its @load lines and redefs), its handlers have a TypeScript
 * twin printing as Zeek's `print` does, and each printed file it compares
 * (or wants empty) is compared with Zeek's baseline after btest's
 * canonifier. Zeek's source ($BRONZE_ZEEK_SOURCE or ../zeek) and the
 * corpus traces are the oracles: without them the tests skip, saying so.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { Engine } from "../../../src/engine.js";
import { loadBuiltinScripts } from "../../../src/index.js";
import { openTrace } from "../../../src/source/open.js";
import { canonicalBtestLog, zeekCut } from "../../conformance/btest-applogs-harness.js";
import { corpusRoot } from "../../helpers/corpus.js";
import { maskFirstTime, zeekDouble, zeekInterval, zeekString } from "../../helpers/zeek-print.js";
import { ZEEK_SEED } from "../../session/harness.js";
import { btestOraclesMissing, type ZeekSource, zeekSource } from "../../signatures/btest-harness.js";

const zeek = zeekSource();
const DIR = "testing/btest/scripts/base/protocols/dns";
const WHAT = "its DNS btests";

/** One zeek run of a btest: its trace and flags, its command line's settings, and where its standard output goes. */
interface ZeekRun {
  readonly bare: boolean;
  readonly ignoreChecksums: boolean;
  readonly trace: string;
  readonly settings: string[];
  /** Scripts named after %INPUT, loaded as its @load lines are. */
  readonly loads: string[];
  readonly stdout: string;
  readonly append: boolean;
}

/** A btest's commands, in order, as far as this suite replays them. */
type Step =
  | { readonly kind: "zeek"; readonly run: ZeekRun }
  | { readonly kind: "mv"; readonly from: string; readonly to: string }
  | { readonly kind: "diff"; readonly file: string; readonly canonify: boolean; readonly abspath: boolean }
  | { readonly kind: "empty"; readonly file: string }
  | { readonly kind: "absent"; readonly file: string }
  | { readonly kind: "zeek-cut"; readonly columns: string[]; readonly names: boolean; readonly from: string; readonly to: string }
  | { readonly kind: "cut"; readonly file: string; readonly columns: string[] }
  | { readonly kind: "count"; readonly file: string; readonly pattern: string; readonly at: number };

interface DnsBtest {
  readonly steps: Step[];
  readonly loads: string[];
  /** Its redefs, as assignments. */
  readonly settings: string[];
}

/** A zeek command: flags (-b, -C, -br), the trace, `NAME=VALUE` settings, %INPUT, scripts, and a redirection. */
const ZEEK_RUN = /^zeek((?:\s+-[bC])*)\s+-b?r\s*\$TRACES\/(\S+)((?:\s+[\w:]+=\S+)*)\s+%INPUT((?:\s+[\w/]+)*)(?:\s*(>>?)\s*(\S+))?$/;

/** One command of a btest, or null for one this suite does not replay. */
function parseCommand(cmd: string): Step | null {
  const zeekRun = ZEEK_RUN.exec(cmd);
  if (zeekRun !== null) {
    const flags = zeekRun[1]! + (cmd.startsWith("zeek -br") ? " -b" : "");
    const settings = zeekRun[3]!.trim().split(/\s+/).filter(Boolean);
    const loads = zeekRun[4]!.trim().split(/\s+/).filter(Boolean);
    const [append, stdout] = [zeekRun[5] === ">>", zeekRun[6] ?? ".stdout"];
    return { kind: "zeek", run: { bare: flags.includes("-b"), ignoreChecksums: flags.includes("-C"), trace: zeekRun[2]!, settings, loads, stdout, append } };
  }
  const diff = /^(TEST_DIFF_CANONIFIER=\s+)?btest-diff(-remove-abspath)?\s+(\S+)$/.exec(cmd);
  if (diff !== null) return { kind: "diff", file: diff[3]!, canonify: diff[1] === undefined, abspath: diff[2] !== undefined };
  const cut = /^btest-diff-cut\s+-m\s+(.*\s)?(\S+)$/.exec(cmd);
  if (cut !== null) return { kind: "cut", file: cut[2]!, columns: (cut[1] ?? "").trim().split(/\s+/).filter(Boolean) };
  const mv = /^mv\s+(\S+)\s+(\S+)$/.exec(cmd);
  if (mv !== null) return { kind: "mv", from: mv[1]!, to: mv[2]! };
  const empty = /^test ! -s (\S+)$/.exec(cmd);
  if (empty !== null) return { kind: "empty", file: empty[1]! };
  const absent = /^test ! -f (\S+)$/.exec(cmd);
  if (absent !== null) return { kind: "absent", file: absent[1]! };
  const zeekCutRun = /^zeek-cut\s+(-m\s+)?([^<]*)<\s*(\S+)\s*>\s*(\S+)$/.exec(cmd);
  if (zeekCutRun !== null)
    return { kind: "zeek-cut", names: zeekCutRun[1] !== undefined, columns: zeekCutRun[2]!.trim().split(/\s+/), from: zeekCutRun[3]!, to: zeekCutRun[4]! };
  // `grep -q 'X' F` wants X at least once; `test "$(grep -c 'X' F)" = "N"` wants it in N lines.
  const some = /^grep -q '([^']+)' (\S+)$/.exec(cmd);
  if (some !== null) return { kind: "count", pattern: some[1]!, file: some[2]!, at: -1 };
  const count = /^test "\$\(grep -c '([^']+)' (\S+)\)" = "(\d+)"$/.exec(cmd);
  if (count !== null) return { kind: "count", pattern: count[1]!, file: count[2]!, at: Number(count[3]) };
  return null;
}

/** The btest's commands (an assertion names one this suite cannot replay), @load lines and redefs. */
function parseBtest(text: string, name: string): DnsBtest {
  const steps: Step[] = [];
  for (const m of text.matchAll(/@TEST-EXEC:\s*(.*)$/gm)) {
    const step = parseCommand(m[1]!.trim());
    assert.ok(step !== null, `${name}: a command this suite does not replay: ${m[1]}`);
    steps.push(step);
  }
  assert.ok(
    steps.some((s) => s.kind === "zeek"),
    "a zeek run of a trace",
  );
  const loads = [...text.matchAll(/^@load\s+(\S+)/gm)].map((l) => l[1]!);
  const settings = [...text.matchAll(/^redef\s+([\w:]+\s*[-+]?=.*);$/gm)].map((r) => r[1]!.replace(/\s*([-+]?=)\s*/, "$1"));
  return { steps, loads, settings };
}

/** A twin of a btest's handlers, printing into the zeek run's standard output. */
type Twin = (engine: Engine, print: (...values: string[]) => void, trace: string) => void;

/** Fields Zeek types as intervals and as times (printed as doubles); the other numbers are counts. */
const INTERVALS = new Set(["TTL", "orig_ttl"]);
const TIMES = new Set(["sig_exp", "sig_incep", "time_signed", "fudge", "inception", "expiration"]);

/** Zeek's `print` of a value inside a record or vector, `name` its field's name. */
function show(v: unknown, name = ""): string {
  if (v === undefined) return "<uninitialized>";
  if (typeof v === "boolean") return v ? "T" : "F";
  if (typeof v === "number") return INTERVALS.has(name) ? zeekInterval(v) : TIMES.has(name) ? zeekDouble(v) : String(v);
  if (typeof v === "string") return zeekString(v);
  if (Array.isArray(v)) return `[${v.map((x: unknown) => show(x)).join(", ")}]`;
  return record(v as object);
}

/** The records with optional fields, their fields in declaration order (an unset one prints as <uninitialized>). */
const OPTIONAL_FIELDS: ReadonlyArray<readonly string[]> = [
  ["svc_priority", "target_name", "svc_params"],
  ["key", "mandatory", "alpn", "p", "hint", "ech", "raw"],
];

/** Zeek's `print` of a record: its fields in declaration order (bronze builds its records so, leaving unset optional ones out). */
function record(r: object): string {
  const present = Object.keys(r);
  const names = OPTIONAL_FIELDS.find((f) => present.every((k) => f.includes(k)) && f[0] === present[0]) ?? present;
  const fields = r as Record<string, unknown>;
  return `[${names.map((k) => `${k}=${show(fields[k], k)}`).join(", ")}]`;
}

const tf = (b: boolean): string => (b ? "T" : "F");
/** bytestring_to_hexstr(): each byte as two lowercase hex digits. */
const hex = (s: string): string => [...s].map((ch) => ch.charCodeAt(0).toString(16).padStart(2, "0")).join("");

/** btest-diff-remove-abspath's canonifier: a path's directories as "<...>/". */
const removeAbspath = (line: string): string => line.replace(/\/(?:[^ :/]+\/)+([^ :/]+)/g, "<...>/$1");

/** The DNSSEC btests' handlers: dns_RRSIG, dns_DNSKEY, dns_NSEC, dns_NSEC3 and dns_DS with their hex dumps. */
const dnssec: Twin = (engine, print) => {
  engine.on("dns_RRSIG", (_c, _m, _a, rrsig) => print("RRSIG", record(rrsig), hex(rrsig.signature)));
  engine.on("dns_DNSKEY", (_c, _m, _a, key) => print("DNSKEY", record(key), hex(key.public_key)));
  engine.on("dns_NSEC", (_c, _m, _a, next, bitmaps) => {
    print("NSEC", zeekString(next), show(bitmaps));
    for (const b of bitmaps) print(hex(b));
  });
  engine.on("dns_NSEC3", (_c, _m, _a, nsec3) => print("NSEC3", record(nsec3), hex(nsec3.nsec_salt), hex(nsec3.nsec_hash)));
  engine.on("dns_DS", (_c, _m, _a, ds) => print("DS", record(ds), hex(ds.digest_val)));
};

/** `for (_, param in https$svc_params) print param;` */
const httpsParams: Twin = (engine, print) => {
  engine.on("dns_HTTPS", (_c, _m, _a, https) => {
    for (const p of https.svc_params ?? []) print(record(p));
  });
};

// Left out: dnssec (its handlers append to c$dns$answers, the base script's
// state that bronze keeps private) and event-handler-warning (no trace: it
// diffs zeek's warnings about handlers of events that are never raised).
const BTESTS: ReadonlyArray<{ name: string; what: string; twin: Twin }> = [
  {
    name: "ad-cd",
    what: "the AD and CD header bits of queries and replies",
    twin: (engine, print, trace) => {
      print("===", trace);
      engine.on("dns_message", (c, isOrig, msg) => print(c.uid, "is_orig", tf(isOrig), "QR", tf(msg.QR), "AD", tf(msg.AD), "CD", tf(msg.CD)));
    },
  },
  {
    name: "binds",
    what: "BIND's signing-state records",
    twin: (engine, print) => engine.on("dns_BINDS", (_c, _m, _a, binds) => print("BINDS", record(binds))),
  },
  {
    name: "caa",
    what: "a CAA record's flags, tag and value",
    twin: (engine, print) => engine.on("dns_CAA_reply", (_c, _m, _a, flags, tag, value) => print(String(flags), zeekString(tag), zeekString(value))),
  },
  { name: "dns-edns-cookie", what: "EDNS cookie options", twin: (engine, print) => engine.on("dns_EDNS_cookie", (_c, _m, opt) => print(record(opt))) },
  { name: "dns-edns-ecs", what: "EDNS client-subnet options", twin: (engine, print) => engine.on("dns_EDNS_ecs", (_c, _m, opt) => print(record(opt))) },
  {
    name: "dns-edns-tcp-keepalive",
    what: "EDNS TCP keepalive options",
    twin: (engine, print) => engine.on("dns_EDNS_tcp_keepalive", (_c, _m, opt) => print(record(opt))),
  },
  { name: "dnskey", what: "DNSKEY and RRSIG records", twin: dnssec },
  { name: "ds", what: "DS records", twin: dnssec },
  { name: "nsec", what: "NSEC records and their type bitmaps", twin: dnssec },
  { name: "nsec3", what: "NSEC3 records", twin: dnssec },
  { name: "rrsig", what: "RRSIG records", twin: dnssec },
  {
    name: "nsec3param",
    what: "NSEC3PARAM records",
    twin: (engine, print) => engine.on("dns_NSEC3PARAM", (_c, _m, _a, p) => print("NSEC3PARAM", record(p), hex(p.nsec_salt))),
  },
  {
    name: "hinfo",
    what: "an HINFO record with its message and answer",
    twin: (engine, print) => engine.on("dns_HINFO_reply", (_c, msg, ans, cpu, os) => print("HINFO", record(msg), record(ans), zeekString(cpu), zeekString(os))),
  },
  { name: "huge-ttl", what: "a TTL of 2^32-1 seconds", twin: (engine, print) => engine.on("dns_A_reply", (_c, _m, ans) => print(record(ans))) },
  { name: "loc", what: "a LOC record", twin: (engine, print) => engine.on("dns_LOC", (_c, _m, _a, loc) => print("LOC", record(loc))) },
  {
    name: "sshfp",
    what: "SSHFP records",
    twin: (engine, print) => engine.on("dns_SSHFP", (_c, _m, _a, algo, fptype, fp) => print("SSHFP", String(algo), String(fptype), hex(fp))),
  },
  {
    name: "naptr",
    what: "a NAPTR record with its message and answer",
    twin: (engine, print) => engine.on("dns_NAPTR_reply", (_c, msg, ans, naptr) => print("NAPTR", record(msg), record(ans), record(naptr))),
  },
  {
    name: "tkey",
    what: "a TKEY record's fields",
    twin: (engine, print) =>
      engine.on("dns_TKEY", (_c, _m, ans) => {
        print("TKEY");
        print("query", zeekString(ans.query));
        print("qtype", String(ans.qtype));
        print("alg_name", zeekString(ans.alg_name));
        print("inception", zeekDouble(ans.inception));
        print("expiration", zeekDouble(ans.expiration));
        print("mode", String(ans.mode));
        print("rr_error", String(ans.rr_error));
        print("key_data size", String(ans.key_data.length));
        print("is_query", String(ans.is_query));
      }),
  },
  {
    name: "tsig",
    what: "a TSIG record and its signature's length",
    twin: (engine, print) =>
      engine.on("dns_TSIG_addl", (_c, _m, ans) => {
        print(record(ans));
        print(String(ans.sig.length));
      }),
  },
  {
    name: "wks",
    what: "WKS replies (the script prints the types' names)",
    twin: (engine, print) => engine.on("dns_WKS_reply", () => print("WKS", "dns_msg", "dns_answer")),
  },
  { name: "https", what: "HTTPS records", twin: (engine, print) => engine.on("dns_HTTPS", (_c, _m, _a, https) => print(record(https))) },
  { name: "ech", what: "HTTPS records' parameters, ECH configs among them", twin: httpsParams },
  { name: "svcb-port-malformed", what: "a port parameter of three bytes, kept raw", twin: httpsParams },
  { name: "svcb-alpn-malformed-len", what: "ALPN parameters whose lengths overrun or fall short", twin: httpsParams },
  { name: "svcb", what: "an SVCB record", twin: (engine, print) => engine.on("dns_SVCB", (_c, _m, _a, svcb) => print(record(svcb))) },
  {
    name: "svcb-rdlength-mismatch",
    what: "an SVCB RDATA shorter than its minimum raises no dns_SVCB",
    twin: (engine, print) => engine.on("dns_SVCB", (_c, _m, _a, svcb) => print(record(svcb))),
  },
  {
    name: "edns-bad-length",
    what: "an EDNS option overrunning its record raises no dns_A_reply",
    twin: (engine, print) => engine.on("dns_A_reply", (_c, _m, _a, a) => print("A", a)),
  },
  {
    name: "edns-rcode",
    what: "a reply's extended rcode from its OPT record",
    // `c$dns?$rcode`: the base script's dns_message handler sets the session's rcode from a reply's header, never a query's.
    twin: (engine, print) => engine.on("dns_EDNS_addl", (_c, msg, ans) => msg.QR && print(String(ans.extended_rcode))),
  },
  { name: "invalid-names", what: "bad labels and compression pointers are weirds, not names", twin: () => undefined },
  { name: "max-compression-depth", what: "dns_max_compression_chain_depth's weird", twin: () => undefined },
  { name: "max-queries", what: "dns_max_queries' weird", twin: () => undefined },
  {
    name: "loc-invalid-length",
    what: "a LOC record of a bad length raises no dns_LOC",
    twin: (engine, print) => engine.on("dns_LOC", (_c, _m, _a, loc) => print("LOC", record(loc))),
  },
];

/** The btest's script file. */
function btestText(z: ZeekSource, name: string): string {
  const file = z.list(DIR).find((f) => f === `${name}.zeek` || f === `${name}.test`);
  assert.ok(file !== undefined, `Zeek's btest ${name} is there`);
  return z.read(`${DIR}/${file}`);
}

/** Runs one zeek command of the btest with the twin; returns the files it writes (its standard output and its logs). */
async function replayRun(b: DnsBtest, run: ZeekRun, twin: Twin): Promise<Map<string, string>> {
  const path = join(corpusRoot(), "zeek", "traces", run.trace);
  const [settings, loads] = [
    [...b.settings, ...run.settings],
    [...b.loads, ...run.loads],
  ];
  const engine = new Engine({ seed: ZEEK_SEED, bare: run.bare, loads, settings, ignoreChecksums: run.ignoreChecksums });
  const printed: string[] = [];
  twin(engine, (...values) => void printed.push(values.join(", ")), path);
  const scripts = loadBuiltinScripts(engine, { memory: true, bare: run.bare, loads, stderr: null });
  await engine.run(await openTrace(path));
  scripts.close();
  const files = new Map<string, string>([[run.stdout, printed.map((l) => `${l}\n`).join("")]]);
  for (const log of scripts.logs.written()) files.set(`${log}.log`, scripts.logs.text(log));
  return files;
}

/** A printed file's lines after btest's canonifiers: the default masks the first time of each line, btest-diff-remove-abspath's drops a path's directories. */
const canonical = (text: string, diff: { readonly canonify: boolean; readonly abspath: boolean }): string[] =>
  text
    .trim()
    .split("\n")
    .map((l) => (diff.canonify ? maskFirstTime(l) : l))
    .map((l) => (diff.abspath ? removeAbspath(l) : l));

/** A baseline's lines: btest-diff stored them canonified, after its header line. */
const baselineLines = (text: string): string[] =>
  text
    .split("\n")
    .filter((l) => !l.startsWith("### "))
    .join("\n")
    .trim()
    .split("\n");

/** A btest's check of a file it wrote: a diff with the baseline (of printed lines or a log), a cut log, emptiness, a count of lines. */
function check(name: string, s: Exclude<Step, { kind: "zeek" | "mv" | "zeek-cut" }>, files: ReadonlyMap<string, string>): void {
  const ours = files.get(s.file);
  if (s.kind === "absent") return assert.equal(ours, undefined, `${name}: no ${s.file}`);
  if (s.kind === "empty") return assert.equal(ours ?? "", "", `${name}: ${s.file} is empty`);
  assert.ok(ours !== undefined, `${name}: ${s.file} written`);
  if (s.kind === "count") {
    const n = ours.split("\n").filter((l) => l.includes(s.pattern)).length;
    return s.at < 0 ? assert.ok(n > 0, `${name}: ${s.pattern} in ${s.file}`) : assert.equal(n, s.at, `${name}: ${s.pattern} in ${s.file}`);
  }
  // Some baselines are stored with CRLF line ends.
  const want = zeek!.read(`testing/btest/Baseline/scripts.base.protocols.dns.${name}/${s.file}`).replace(/\r\n/g, "\n");
  if (s.kind === "cut") return assert.equal(canonicalBtestLog(zeekCut(ours, s.columns, true)), canonicalBtestLog(want), `${name}: ${s.file}`);
  if (s.file.includes(".log") && !s.file.endsWith(".cut")) return assert.equal(canonicalBtestLog(ours), canonicalBtestLog(want), `${name}: ${s.file}`);
  assert.deepEqual(canonical(ours, s), baselineLines(want), `${name}: ${s.file}`);
}

for (const { name, what, twin } of BTESTS) {
  test(`Zeek's btest dns/${name}: ${what}, as Zeek's baseline`, async (t) => {
    if (btestOraclesMissing(t, zeek, WHAT, []) || zeek === null) return;
    const b = parseBtest(btestText(zeek, name), name);
    const traces = b.steps.flatMap((s) => (s.kind === "zeek" ? [s.run.trace] : []));
    if (btestOraclesMissing(t, zeek, WHAT, traces)) return;
    const files = new Map<string, string>();
    let compared = 0;
    for (const s of b.steps) {
      if (s.kind === "zeek") {
        const before = s.run.append ? (files.get(s.run.stdout) ?? "") : "";
        for (const [file, text] of await replayRun(b, s.run, twin)) files.set(file, file === s.run.stdout ? before + text : text);
      } else if (s.kind === "zeek-cut") {
        const from = files.get(s.from);
        if (from !== undefined) files.set(s.to, `${zeekCut(from, s.columns, s.names)}\n`);
      } else if (s.kind === "mv") {
        const text = files.get(s.from);
        if (text !== undefined) files.set(s.to, text);
        files.delete(s.from);
      } else {
        check(name, s, files);
        compared++;
      }
    }
    assert.ok(compared > 0, `${name}: compares its printed output`);
  });
}

/** The weird.log names of a -b run of a corpus trace with the DNS and weird scripts and these settings. */
async function weirdNames(trace: string, settings: string[]): Promise<string[]> {
  const loads = ["base/protocols/dns", "base/frameworks/notice/weird"];
  const engine = new Engine({ seed: ZEEK_SEED, bare: true, loads, settings });
  const scripts = loadBuiltinScripts(engine, { memory: true, bare: true, loads, stderr: null });
  await engine.run(await openTrace(join(corpusRoot(), "zeek", "traces", trace)));
  scripts.close();
  const log = scripts.logs.written().includes("weird") ? scripts.logs.text("weird") : "";
  return zeekCut(log, ["name"], false).split("\n").filter(Boolean);
}

test("dns_max_queries and dns_max_compression_chain_depth are settings, with Zeek's defaults 25 and 20", async (t) => {
  const [queries, depth] = ["dns/conn-count-too-large.pcap", "dns/max-compression-depth.pcap"];
  if (btestOraclesMissing(t, zeek, WHAT, [queries, depth])) return;
  // The trace's message has 10 questions and a name of 6 pointers: within the defaults, past 3 and 5.
  assert.deepEqual(await weirdNames(queries, []), []);
  assert.deepEqual(await weirdNames(queries, ["dns_max_queries=3"]), ["DNS_Conn_count_too_large"]);
  assert.deepEqual(await weirdNames(queries, ["dns_max_queries=0"]), []);
  assert.deepEqual(await weirdNames(depth, []), []);
  assert.deepEqual(await weirdNames(depth, ["dns_max_compression_chain_depth=5"]), ["DNS_max_compression_chain_depth_exceeded"]);
});
