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
import { corpusRoot } from "../../helpers/corpus.js";
import { maskFirstTime, zeekDouble, zeekInterval, zeekString } from "../../helpers/zeek-print.js";
import { ZEEK_SEED } from "../../session/harness.js";
import { btestOraclesMissing, type ZeekSource, zeekSource } from "../../signatures/btest-harness.js";

const zeek = zeekSource();
const DIR = "testing/btest/scripts/base/protocols/dns";
const WHAT = "its DNS btests";

/** One zeek run of a btest: its trace and flags, and where its standard output goes. */
interface ZeekRun {
  readonly bare: boolean;
  readonly ignoreChecksums: boolean;
  readonly trace: string;
  readonly stdout: string;
  readonly append: boolean;
}

/** A btest's commands, in order, as far as this suite replays them. */
type Step =
  | { readonly kind: "zeek"; readonly run: ZeekRun }
  | { readonly kind: "mv"; readonly from: string; readonly to: string }
  | { readonly kind: "diff"; readonly file: string; readonly canonify: boolean; readonly abspath: boolean }
  | { readonly kind: "empty"; readonly file: string };

interface DnsBtest {
  readonly steps: Step[];
  readonly loads: string[];
  /** Its redefs, as assignments. */
  readonly settings: string[];
}

/** The btest's commands; those about logs (cuts, greps, log diffs) are left to the log harnesses. */
function parseBtest(text: string): DnsBtest {
  const steps: Step[] = [];
  for (const m of text.matchAll(/@TEST-EXEC:\s*(.*)$/gm)) {
    const cmd = m[1]!.trim();
    const zeekRun = /^zeek((?:\s+-[bC])*)\s+-r\s+\$TRACES\/(\S+)\s+%INPUT(?:\s*(>>?)\s*(\S+))?$/.exec(cmd);
    const diff = /^(TEST_DIFF_CANONIFIER=\s+)?btest-diff(-remove-abspath)?\s+(\S+)$/.exec(cmd);
    const mv = /^mv\s+(\S+)\s+(\S+)$/.exec(cmd);
    const empty = /^test ! -s (\S+)$/.exec(cmd);
    if (zeekRun !== null) {
      const flags = zeekRun[1]!;
      const run = {
        bare: flags.includes("-b"),
        ignoreChecksums: flags.includes("-C"),
        trace: zeekRun[2]!,
        stdout: zeekRun[4] ?? ".stdout",
        append: zeekRun[3] === ">>",
      };
      steps.push({ kind: "zeek", run });
    } else if (mv !== null) steps.push({ kind: "mv", from: mv[1]!, to: mv[2]! });
    else if (diff !== null && !diff[3]!.includes(".log"))
      steps.push({ kind: "diff", file: diff[3]!, canonify: diff[1] === undefined, abspath: diff[2] !== undefined });
    else if (empty !== null) steps.push({ kind: "empty", file: empty[1]! });
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

/** Runs one zeek command of the btest with the twin; returns what it printed. */
async function replayRun(b: DnsBtest, run: ZeekRun, twin: Twin): Promise<string> {
  const path = join(corpusRoot(), "zeek", "traces", run.trace);
  const engine = new Engine({ seed: ZEEK_SEED, bare: run.bare, loads: b.loads, settings: b.settings, ignoreChecksums: run.ignoreChecksums });
  const printed: string[] = [];
  twin(engine, (...values) => void printed.push(values.join(", ")), path);
  const scripts = loadBuiltinScripts(engine, { memory: true, bare: run.bare, loads: b.loads, stderr: null });
  await engine.run(await openTrace(path));
  scripts.close();
  return printed.map((l) => `${l}\n`).join("");
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

for (const { name, what, twin } of BTESTS) {
  test(`Zeek's btest dns/${name}: ${what}, as Zeek's baseline`, async (t) => {
    if (btestOraclesMissing(t, zeek, WHAT, []) || zeek === null) return;
    const b = parseBtest(btestText(zeek, name));
    const traces = b.steps.flatMap((s) => (s.kind === "zeek" ? [s.run.trace] : []));
    if (btestOraclesMissing(t, zeek, WHAT, traces)) return;
    const files = new Map<string, string>();
    let compared = 0;
    for (const s of b.steps) {
      if (s.kind === "zeek") {
        const out = await replayRun(b, s.run, twin);
        files.set(s.run.stdout, (s.run.append ? (files.get(s.run.stdout) ?? "") : "") + out);
      } else if (s.kind === "mv") {
        const text = files.get(s.from);
        if (text !== undefined) files.set(s.to, text);
        files.delete(s.from);
      } else if (s.kind === "empty") {
        assert.equal(files.get(s.file) ?? "", "", `${name}: ${s.file} is empty`);
        compared++;
      } else {
        const ours = files.get(s.file);
        assert.ok(ours !== undefined, `${name}: ${s.file} written`);
        const want = zeek.read(`testing/btest/Baseline/scripts.base.protocols.dns.${name}/${s.file}`);
        assert.deepEqual(canonical(ours, s), baselineLines(want), `${name}: ${s.file}`);
        compared++;
      }
    }
    assert.ok(compared > 0, `${name}: compares its printed output`);
  });
}
