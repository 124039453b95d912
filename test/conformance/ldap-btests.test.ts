/**
 * Zeek's LDAP btests (testing/btest/scripts/base/protocols/ldap) whose
 * commands the btest-applogs suite does not replay (zeek-cut -n, output
 * redirections, -f, handlers that print), replayed here through bronze's
 * command line with --spicy (Zeek's baselines come from a Spicy build) and
 * compared with Zeek's baselines: the logs as btest-diff compares them,
 * conn.log without the columns the test cuts; the violations the two
 * max-recursion tests print (uid and reason, without Spicy's source
 * location). Each case names the logs still known to differ, with why.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { Engine } from "../../src/engine.js";
import { loadBuiltinScripts } from "../../src/index.js";
import { readTrace } from "../../src/source/open.js";
import { bronze } from "../cli/run-cli.js";
import { corpusRoot } from "../helpers/corpus.js";
import { parseLogText } from "../helpers/tsv.js";
import { type ZeekSource, zeekSource } from "../signatures/btest-harness.js";
import { canonicalBtestLog, zeekCut } from "./btest-applogs-harness.js";

const BASELINE = "testing/btest/Baseline/scripts.base.protocols.ldap";
const TRACES = join(corpusRoot(), "zeek", "traces");

/** How a log is compared: whole, without some columns (zeek-cut -Cn), or some columns (-m: with their names; -C: with the header). */
type Cut = { readonly drop: readonly string[] } | { readonly keep: readonly string[]; readonly header: "names" | "comments" };

interface Compare {
  /** The log bronze wrote (its name in the run's directory). */
  readonly log: string;
  /** The baseline's file name (default: log). */
  readonly baseline?: string;
  readonly cut?: Cut;
  /** Zeek wrote no such log. */
  readonly absent?: boolean;
}

interface Run {
  readonly trace: string;
  readonly args: readonly string[];
  readonly compare: readonly Compare[];
  /** The baseline of what the run printed (`>output 2>&1`): empty for these tests. */
  readonly output?: string;
}

interface Case {
  readonly test: string;
  readonly runs: readonly Run[];
  /** Logs known to differ (baseline name), with why. */
  readonly differs?: Readonly<Record<string, string>>;
}

const NO_LOCAL: Cut = { drop: ["local_orig", "local_resp"] };
const conn: Compare = { log: "conn.log", cut: NO_LOCAL };
const ldap: Compare = { log: "ldap.log" };
const search: Compare = { log: "ldap_search.log" };
const noAnalyzerLog: Compare = { log: "analyzer.log", absent: true };

const CASES: readonly Case[] = [
  { test: "add", runs: [{ trace: "ldap/ldap-add.pcap", args: [], compare: [conn, ldap, noAnalyzerLog] }] },
  { test: "attributes", runs: [{ trace: "ldap/simpleauth.pcap", args: ["-C", "LDAP::default_log_search_attributes=T"], compare: [conn, ldap, search] }] },
  { test: "basic", runs: [{ trace: "ldap/simpleauth.pcap", args: ["-C"], compare: [conn, ldap, search], output: "output" }] },
  { test: "diff_port", runs: [{ trace: "ldap/simpleauth-diff-port.pcap", args: ["-C"], compare: [conn, ldap, search] }] },
  {
    test: "aduser1",
    runs: [
      {
        trace: "ldap/aduser1.pcap",
        args: ["-f", "port 389"],
        compare: [
          { log: "ldap.log", baseline: "krb.ldap.log" },
          { log: "ldap_search.log", baseline: "krb.ldap_search.log" },
          { log: "kerberos.log", baseline: "krb.kerberos.log", cut: { keep: [], header: "names" } },
        ],
      },
      {
        trace: "ldap/aduser1-ntlm.pcap",
        args: ["-f", "port 389"],
        compare: [
          { log: "ldap.log", baseline: "ntlm.ldap.log" },
          { log: "ldap_search.log", baseline: "ntlm.ldap_search.log" },
          { log: "ntlm.log", baseline: "ntlm.ntlm.log", cut: { keep: [], header: "names" } },
        ],
      },
    ],
  },
  {
    test: "filter_escaping",
    runs: [
      { trace: "ldap/ldap_escaping_test.pcapng", args: ["-C"], compare: [{ log: "ldap_search.log", baseline: "ldap_search.log.1" }], output: "output.1" },
      { trace: "ldap/ldap_search_umlaut.pcap", args: ["-C"], compare: [{ log: "ldap_search.log", baseline: "ldap_search.log.2" }], output: "output.2" },
    ],
  },
  {
    test: "ldap_substring_search",
    runs: [
      {
        trace: "ldap/ldap_star_single.pcapng",
        args: ["-b", "-C", "base/protocols/conn", "base/protocols/ldap"],
        compare: [{ log: "conn.log", cut: { keep: ["ts", "uid", "history", "service"], header: "names" } }, search],
        output: "output",
      },
    ],
  },
  {
    test: "modify-request",
    runs: [
      {
        trace: "ldap/modify-request.pcapng",
        args: ["-C"],
        compare: [
          { log: "conn.log", cut: { keep: ["uid", "id.orig_h", "id.resp_h", "id.resp_p", "service"], header: "names" } },
          { log: "ldap.log", cut: { keep: [], header: "names" } },
        ],
      },
    ],
  },
  {
    test: "sasl-encrypted",
    runs: [{ trace: "ldap/krb5-sign-seal-01.pcap", args: ["-C"], compare: [conn, ldap, search, { log: "weird.log", absent: true }, noAnalyzerLog] }],
  },
  {
    test: "sasl-ntlm",
    runs: [{ trace: "ldap/sasl-ntlm.pcap", args: [], compare: [conn, ldap, search, { log: "ntlm.log", cut: { keep: [], header: "names" } }, noAnalyzerLog] }],
  },
  { test: "sasl-scram-sha-512", runs: [{ trace: "ldap/sasl-scram-sha-512.pcap", args: [], compare: [conn, ldap, search, noAnalyzerLog] }] },
  { test: "sasl-signed-clear-2", runs: [{ trace: "ldap/missing_krbtgt_ldap_request.pcapng", args: ["-C"], compare: [conn, ldap, search, noAnalyzerLog] }] },
  { test: "sasl-signed-clear", runs: [{ trace: "ldap/missing_ldap_logs.pcapng", args: ["-C"], compare: [conn, ldap, search, noAnalyzerLog] }] },
  { test: "sasl-srp-who-am-i", runs: [{ trace: "ldap/sasl-srp-who-am-i.pcap", args: [], compare: [conn, ldap, noAnalyzerLog] }] },
  {
    test: "search_filter_extended",
    runs: [
      {
        trace: "ldap/issue-32.pcapng",
        args: ["-C"],
        compare: [{ log: "ldap_search.log", cut: { keep: ["uid", "filter", "base_object"], header: "comments" } }],
      },
    ],
  },
  { test: "spnego-ntlmssp", runs: [{ trace: "ldap/ctu-sme-11-win7ad-1-ldap-tcp-50041.pcap", args: [], compare: [conn, ldap, noAnalyzerLog] }] },
  { test: "starttls", runs: [{ trace: "ldap/ldap-starttls.pcap", args: [], compare: [conn, ldap, { log: "ssl.log" }, noAnalyzerLog] }] },
  { test: "who-am-i", runs: [{ trace: "ldap/ldap-who-am-i.pcap", args: [], compare: [conn, ldap, noAnalyzerLog] }] },
];

/** zeek-cut's output: -n drops columns (-C keeps the header lines); -m keeps some (all for []) under a line of names; -C keeps the comments. */
function cut(text: string, how: Cut): string {
  if ("keep" in how && how.header === "names") return zeekCut(text, how.keep, true);
  const { fields } = parseLogText(text);
  const drop = "drop" in how ? new Set(how.drop) : null;
  const pick = fields.map((f, i) => [f, i] as const).filter(([f]) => (drop !== null ? !drop.has(f) : (how as { keep: readonly string[] }).keep.includes(f)));
  const order = drop !== null ? pick : (how as { keep: readonly string[] }).keep.map((k) => pick.find(([f]) => f === k)!).filter((p) => p !== undefined);
  return text
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => {
      if (!l.startsWith("#")) return order.map(([, i]) => l.split("\t")[i] ?? "").join("\t");
      if (!l.startsWith("#fields") && !l.startsWith("#types")) return l;
      const cells = l.split("\t");
      return [cells[0], ...order.map(([, i]) => cells[i + 1] ?? "")].join("\t");
    })
    .join("\n");
}

/** What btest compares: times masked, #open/#close and btest's own header left out. */
function canonical(text: string): string {
  return canonicalBtestLog(text);
}

interface Outcome {
  readonly name: string;
  readonly same: boolean;
  readonly diff: string;
}

async function replay(zeek: ZeekSource, c: Case): Promise<Outcome[]> {
  const out: Outcome[] = [];
  for (const run of c.runs) {
    const dir = mkdtempSync(join(tmpdir(), "bronze-ldap-btest-"));
    try {
      const seed = join(corpusRoot(), "zeek", "random.seed");
      const r = await bronze(["--spicy", "--seed-file", seed, "--logdir", dir, "-r", join(TRACES, run.trace), ...run.args]);
      assert.equal(r.code, 0, r.err);
      for (const cmp of run.compare) out.push(compare(zeek, c.test, dir, cmp));
      if (run.output !== undefined) {
        const printed = `${r.out}${r.err}`;
        const expected = canonical(zeek.read(`${BASELINE}.${c.test}/${run.output}`));
        out.push({ name: run.output, same: canonical(printed) === expected, diff: `printed ${JSON.stringify(printed.slice(0, 200))}` });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return out;
}

function compare(zeek: ZeekSource, test: string, dir: string, cmp: Compare): Outcome {
  const name = cmp.baseline ?? cmp.log;
  const path = join(dir, cmp.log);
  if (cmp.absent === true) return { name: `${name} (none)`, same: !existsSync(path), diff: "bronze wrote it" };
  if (!existsSync(path)) return { name, same: false, diff: "bronze wrote none" };
  const text = readFileSync(path, "latin1");
  const mine = canonical(cmp.cut === undefined ? text : cut(text, cmp.cut)).split("\n");
  const theirs = canonical(zeek.read(`${BASELINE}.${test}/${name}`)).split("\n");
  const at = theirs.findIndex((l, i) => l !== mine[i]);
  const same = at < 0 && theirs.length === mine.length;
  const i = at < 0 ? theirs.length : at;
  return { name, same, diff: same ? "" : `line ${i + 1}: ${theirs[i] ?? "(end)"} != ${mine[i] ?? "(end)"}` };
}

const zeek = zeekSource();
const present = existsSync(join(TRACES, "ldap"));
const skip =
  zeek === null
    ? "Zeek's source not found (set BRONZE_ZEEK_SOURCE): its LDAP btests are not replayed"
    : !present
      ? "corpus traces (zeek/traces/ldap) absent"
      : false;

for (const c of CASES) {
  test(`Zeek's LDAP btest ${c.test}: logs as the baseline`, { skip }, async (t) => {
    for (const o of await replay(zeek!, c)) {
      const why = c.differs?.[o.name];
      if (why !== undefined) {
        t.diagnostic(`${o.name}: known to differ (${why})${o.same ? " — now the same: drop it from the list" : ""}`);
        assert.equal(o.same, false, `${c.test} ${o.name} now matches: take it off the known differences`);
      } else assert.ok(o.same, `${c.test} ${o.name}: ${o.diff}`);
    }
  });
}

/** An engine as a Spicy-enabled Zeek with the btests' seed and the default scripts, logs in memory. */
function spicyEngine(settings: string[] = []): { engine: Engine; scripts: ReturnType<typeof loadBuiltinScripts> } {
  const seed = readFileSync(join(corpusRoot(), "zeek", "random.seed"), "utf8")
    .split(/\s+/)
    .filter((w) => w !== "")
    .map(Number);
  const engine = new Engine({ spicy: true, seed, settings });
  return { engine, scripts: loadBuiltinScripts(engine, { memory: true, stderr: null }) };
}

/** The violations a max-recursion btest prints: "uid, reason" without Spicy's source location. */
async function violations(trace: string): Promise<string[]> {
  const { engine } = spicyEngine();
  const lines: string[] = [];
  engine.on("analyzer_violation_info", (_tag, info) => lines.push(`${info.c?.uid}, ${info.reason}`));
  await engine.run(readTrace(join(TRACES, trace)));
  return lines;
}

for (const [name, trace] of [
  ["asn1_max_recursion", "ldap/asn1-max-recursion.pcap"],
  ["ldap_max_recursion", "ldap/ldap-max-recursion.pcap"],
] as const) {
  test(`Zeek's LDAP btest ${name}: the violations it prints`, { skip }, async () => {
    const baseline = zeek!
      .read(`${BASELINE}.${name}/output`)
      .split("\n")
      .filter((l) => l !== "" && !l.startsWith("###"))
      .map((l) => l.replace(/ \(<\.\.\.>\/[\w.]+:<location>\)$/, ""));
    assert.deepEqual(await violations(trace), baseline);
  });
}

/** The lines starttls.zeek and who-am-i.zeek print from LDAP::extended_request, extended_response and starttls. */
async function printed(trace: string): Promise<string[]> {
  const { engine } = spicyEngine();
  const lines: string[] = [];
  const names: Record<string, string> = { "1.3.6.1.4.1.1466.20037": "StartTLS", "1.3.6.1.4.1.4203.1.11.3": "whoami" };
  engine.on("LDAP::extended_request", (c, _id, name, value) => lines.push(`${c.uid}, extended_request, ${name} (${names[name] ?? "unknown"}), ${value}`));
  engine.on("LDAP::extended_response", (c, _id, result, name, value) => lines.push(`${c.uid}, extended_response, ${result}, ${name}, ${value}`));
  engine.on("LDAP::starttls", (c) => lines.push(`${c.uid}, LDAP::starttls`));
  await engine.run(readTrace(join(TRACES, trace)));
  return lines;
}

for (const [name, trace] of [
  ["starttls", "ldap/ldap-starttls.pcap"],
  ["who-am-i", "ldap/ldap-who-am-i.pcap"],
] as const) {
  test(`Zeek's LDAP btest ${name}: the events it prints`, { skip }, async () => {
    const baseline = zeek!
      .read(`${BASELINE}.${name}/out`)
      .split("\n")
      .filter((l) => l !== "" && !l.startsWith("###"));
    assert.deepEqual(await printed(trace), baseline);
  });
}

test("Zeek's LDAP btest log_policy: policy hooks that break keep ldap.log and ldap_search.log out, conn.log as the baseline", { skip }, async () => {
  const { engine, scripts } = spicyEngine(["ignore_checksums=T"]);
  // LDAP::log_policy and log_policy_search as the btest writes them: `break` for every record.
  for (const path of ["ldap", "ldap_search"]) scripts.logs.addFilter(path, { name: "default", policy: () => false });
  await engine.run(readTrace(join(TRACES, "ldap/simpleauth.pcap")));
  scripts.close();
  const written = scripts.logs.written();
  assert.equal(written.includes("ldap"), false);
  assert.equal(written.includes("ldap_search"), false);
  const baseline = canonical(zeek!.read(`${BASELINE}.log_policy/conn.log`));
  assert.equal(canonical(cut(scripts.logs.text("conn"), NO_LOCAL)), baseline);
});
