/**
 * Zeek's btests of base/protocols/smtp, pop3 and imap whose scripts print
 * from event handlers (so btest-applogs.test.ts, which replays scripts of @load lines
 * and redefs only, leaves them out), replayed: what each btest runs is read
 * from it (its zeek command's trace and flags, its @load lines and redefs,
 * its zeek-cut and btest-diff commands), its handlers have a TypeScript
 * twin, and every file it compares (the printed lines, whole logs, cut logs,
 * a log it wants absent) is compared with Zeek's baseline after btest's
 * default canonifier. Zeek's source ($BRONZE_ZEEK_SOURCE or ../zeek) and
 * the corpus trace are the oracles: without them the tests skip, saying so.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { Engine } from "../../../src/engine.js";
import { loadBuiltinScripts } from "../../../src/index.js";
import { openTrace } from "../../../src/source/open.js";
import { canonicalBtestLog, zeekCut } from "../../conformance/btest-applogs-harness.js";
import { corpusRoot } from "../../helpers/corpus.js";
import { zeekDouble, zeekHeaderList, zeekString } from "../../helpers/zeek-print.js";
import { ZEEK_SEED } from "../../session/harness.js";
import { btestOraclesMissing, type ZeekSource, zeekSource } from "../../signatures/btest-harness.js";

const zeek = zeekSource();
const DIR = "testing/btest/scripts/base/protocols";
const WHAT = "its mail btests";

/** What a btest's commands do after its zeek run. */
type Step =
  | { readonly kind: "cut"; readonly columns: string[]; readonly names: boolean; readonly from: string; readonly to: string }
  | { readonly kind: "diff"; readonly file: string; readonly cut?: { readonly columns: string[]; readonly names: boolean } }
  | { readonly kind: "absent"; readonly file: string };

interface SmtpBtest {
  readonly bare: boolean;
  readonly ignoreChecksums: boolean;
  readonly trace: string;
  /** The file zeek's standard output goes to (the twin's prints). */
  readonly stdout: string;
  readonly loads: string[];
  /** Its redefs, as assignments. */
  readonly settings: string[];
  readonly steps: Step[];
}

/** The btest's commands and script, as far as this suite replays them (an assertion says what it cannot read). */
function parseBtest(text: string, name: string): SmtpBtest {
  let run: Omit<SmtpBtest, "loads" | "settings" | "steps"> | null = null;
  const steps: Step[] = [];
  for (const m of text.matchAll(/@TEST-EXEC:\s*(.*)$/gm)) {
    const cmd = m[1]!.trim();
    const words = cmd.split(/\s+/);
    // `zcat < $TRACES/X.gz | zeek -r - …` reads the compressed trace, as bronze reads one; without `> FILE`, btest keeps standard output as .stdout.
    const zeekRun = /^(?:zcat\s*<\s*\$TRACES\/(\S+)\s*\|\s*)?zeek((?:\s+-[bC])*)\s+-r\s+(?:\$TRACES\/(\S+)|-)\s+%INPUT(?:\s*>\s*(\S+))?$/.exec(cmd);
    const cut = /^zeek-cut\s+(-m\s+)?([^<]*)<\s*(\S+)\s*>\s*(\S+)$/.exec(cmd);
    const trace = zeekRun?.[3] ?? zeekRun?.[1];
    if (zeekRun !== null && trace !== undefined)
      run = { bare: zeekRun[2]!.includes("-b"), ignoreChecksums: zeekRun[2]!.includes("-C"), trace, stdout: zeekRun[4] ?? ".stdout" };
    else if (cut !== null) steps.push({ kind: "cut", names: cut[1] !== undefined, columns: cut[2]!.trim().split(/\s+/), from: cut[3]!, to: cut[4]! });
    else if (words[0] === "btest-diff" && words.length === 2) steps.push({ kind: "diff", file: words[1]! });
    else if (words[0] === "btest-diff-cut" && words[1] === "-m")
      steps.push({ kind: "diff", file: words.at(-1)!, cut: { names: true, columns: words.slice(2, -1) } });
    else if (/^test ! -f \S+$/.test(cmd)) steps.push({ kind: "absent", file: words[3]! });
    else assert.fail(`${name}: a command this suite does not replay: ${cmd}`);
  }
  assert.ok(run !== null, `${name}: one zeek run of a trace`);
  assert.ok(
    steps.some((s) => s.kind === "diff"),
    `${name}: compares a file`,
  );
  const loads = [...text.matchAll(/^@load\s+(\S+)/gm)].map((l) => l[1]!);
  const settings = [...text.matchAll(/^redef\s+([\w:]+\s*[-+]?=.*);$/gm)].map((r) => r[1]!.replace(/\s*([-+]?=)\s*/, "$1"));
  return { ...run, loads, settings, steps };
}

/** A twin of a btest's handlers, printing into the zeek run's standard output. */
type Twin = (engine: Engine, print: (line: string) => void) => void;

const tf = (b: boolean): string => (b ? "T" : "F");

/** `print c$uid, is_orig, command, arg;` in smtp_request (with a leading "smtp_request" when `named`). */
function requests(named: boolean): Twin {
  return (engine, print) =>
    engine.on("smtp_request", (c, isOrig, command, arg) =>
      print([...(named ? ["smtp_request"] : []), c.uid, tf(isOrig), zeekString(command), zeekString(arg)].join(", ")),
    );
}

/** requests(true), and `print "smtp_reply", c$uid, is_orig, code, cmd, msg;` in smtp_reply. */
const requestsAndReplies: Twin = (engine, print) => {
  requests(true)(engine, print);
  engine.on("smtp_reply", (c, isOrig, code, cmd, msg) => print(["smtp_reply", c.uid, tf(isOrig), code, zeekString(cmd), zeekString(msg)].join(", ")));
};

const mimeAllHeaders: Twin = (engine, print) => {
  engine.on("mime_all_headers", (_c, hlist) => {
    print("mime_all_headers");
    print(zeekHeaderList(engine, hlist));
  });
};

/** `print network_time(), "disabling_analyzer", c$uid, atype, aid;` in the Analyzer::disabling_analyzer hook. */
const disablingAnalyzer: Twin = (engine, print) => {
  engine.onDisablingAnalyzer((c, name, aid) => {
    print([zeekDouble(engine.clock.now), "disabling_analyzer", c.uid, `Analyzer::ANALYZER_${name}`, aid].join(", "));
    return undefined;
  });
};

/** SMTP::log_smtp's `print "end"` and the sizes of the transaction's rcptto, to, cc and path. */
const addressCounts: Twin = (engine, print) => {
  engine.on("log_smtp", (rec) => {
    print("end");
    print(`rcptto, ${rec.rcptto?.size ?? 0}`);
    print(`to, ${rec.to?.size ?? 0}`);
    print(`cc, ${rec.cc?.size ?? 0}`);
    print(`path, ${rec.path.length}`);
  });
};

/** `print c$uid, "pop3_request", is_orig, cmd, arg;` and the same of pop3_reply. */
const pop3Events: Twin = (engine, print) => {
  for (const name of ["pop3_request", "pop3_reply"] as const) {
    engine.on(name, (c, isOrig, cmd, arg) => print([c.uid, name, tf(isOrig), zeekString(cmd), zeekString(arg)].join(", ")));
  }
};

/** `print capabilities;` of a string_vec. */
const imapCapabilities: Twin = (engine, print) => {
  engine.on("imap_capabilities", (_c, caps) => print(`[${caps.map(zeekString).join(", ")}]`));
};

const imapStarttls: Twin = (engine, print) => {
  engine.on("imap_starttls", () => print("Tls started for connection"));
};

const BTESTS: ReadonlyArray<{ name: string; what: string; twin: Twin }> = [
  { name: "bdat", what: "RFC 3030's first BDAT example", twin: requests(false) },
  { name: "bdat-0-last", what: "a message of one empty BDAT 0 LAST chunk", twin: requests(false) },
  { name: "bdat-gap", what: "a content gap in a BDAT chunk, recovery, then DATA", twin: requests(false) },
  { name: "bdat-multipart", what: "a multipart message in one BDAT chunk", twin: requests(false) },
  { name: "bdat-multipart-chunked", what: "a multipart message in BDAT chunks of 129 bytes", twin: requests(false) },
  { name: "bdat-pipeline-8bitmime", what: "pipelined BDAT mails with 8-bit bodies", twin: requests(false) },
  { name: "bdat-chunk-size-overflow", what: "a BDAT chunk size beyond 2^64", twin: requestsAndReplies },
  { name: "bdat-chunk-size-overflow2", what: "a BDAT chunk size beyond 2^63", twin: requestsAndReplies },
  { name: "bdat-cmd-invalid", what: "invalid BDAT arguments", twin: requestsAndReplies },
  { name: "bdat-negative-chunk-size", what: "a negative BDAT chunk size", twin: requestsAndReplies },
  { name: "mime-all-headers-event", what: "mime_all_headers' header lists", twin: mimeAllHeaders },
  { name: "mail-transactions-invalid-disable-analyzer", what: "the analyzer disabled after too many invalid transactions", twin: disablingAnalyzer },
  { name: "address-limits", what: "SMTP::max_rcptto_addresses, max_to_addresses, max_cc_addresses and max_path_length", twin: addressCounts },
].map((b) => ({ ...b, name: `smtp/${b.name}` }));

const OTHER_BTESTS: ReadonlyArray<{ name: string; what: string; twin: Twin }> = [
  { name: "pop3/basic", what: "a POP3 session's requests and replies", twin: pop3Events },
  { name: "pop3/redis", what: "Redis pings taken for POP3: the analyzer removed after POP3::max_unknown_client_commands", twin: pop3Events },
  { name: "imap/capabilities", what: "the server's CAPABILITY list", twin: imapCapabilities },
  { name: "imap/starttls", what: "STARTTLS hands the session to SSL", twin: imapStarttls },
];

/** The btest's script file (.test or .zeek): `name` is PROTOCOL/TEST. */
function btestText(z: ZeekSource, name: string): string {
  const [protocol, test] = name.split("/") as [string, string];
  const file = z.list(`${DIR}/${protocol}`).find((f) => f === `${test}.test` || f === `${test}.zeek`);
  assert.ok(file !== undefined, `Zeek's btest ${name} is there`);
  return z.read(`${DIR}/${protocol}/${file}`);
}

/** Runs the btest's zeek command with the twin; returns the files of its directory afterwards (logs, cuts, standard output). */
async function replay(b: SmtpBtest, twin: Twin): Promise<Map<string, string>> {
  const engine = new Engine({ seed: ZEEK_SEED, bare: b.bare, loads: b.loads, settings: b.settings, ignoreChecksums: b.ignoreChecksums });
  const printed: string[] = [];
  twin(engine, (line) => void printed.push(line));
  const scripts = loadBuiltinScripts(engine, { memory: true, bare: b.bare, loads: b.loads, stderr: null });
  await engine.run(await openTrace(join(corpusRoot(), "zeek", "traces", b.trace)));
  scripts.close();
  const files = new Map<string, string>([[b.stdout, printed.map((l) => `${l}\n`).join("")]]);
  for (const path of scripts.logs.written()) files.set(`${path}.log`, scripts.logs.text(path));
  for (const s of b.steps) {
    if (s.kind !== "cut") continue;
    const from = files.get(s.from);
    if (from !== undefined) files.set(s.to, zeekCut(from, s.columns, s.names));
  }
  return files;
}

for (const { name, what, twin } of [...BTESTS, ...OTHER_BTESTS]) {
  test(`Zeek's btest ${name}: ${what}, as Zeek's baselines`, async (t) => {
    if (btestOraclesMissing(t, zeek, WHAT, []) || zeek === null) return;
    const b = parseBtest(btestText(zeek, name), name);
    if (btestOraclesMissing(t, zeek, WHAT, [b.trace])) return;
    const files = await replay(b, twin);
    for (const s of b.steps) {
      if (s.kind === "absent") assert.equal(files.has(s.file), false, `${name}: no ${s.file}`);
      if (s.kind !== "diff") continue;
      const ours = files.get(s.file);
      assert.ok(ours !== undefined, `${name}: ${s.file} written`);
      const want = zeek.read(`testing/btest/Baseline/scripts.base.protocols.${name.replace("/", ".")}/${s.file}`);
      const got = s.cut === undefined ? ours : zeekCut(ours, s.cut.columns, s.cut.names);
      assert.equal(canonicalBtestLog(got), canonicalBtestLog(want), `${name}: ${s.file}`);
    }
  });
}
