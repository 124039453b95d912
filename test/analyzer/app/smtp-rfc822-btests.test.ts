/**
 * Zeek's btests of SMTP::enable_rfc822_msg_file_analysis
 * (testing/btest/scripts/base/protocols/smtp/rfc822-msg-file-analysis*),
 * replayed: each `zeek -C -b -r TRACE %INPUT` is an engine with Zeek's btest
 * seed, the script's loads and redef, and a TypeScript twin of its handlers
 * (SHA1 and EXTRACT added to the message's own file, found through
 * c$smtp$rfc822_msg_fuid; the gap test's prints). The trace and the columns
 * its zeek-cut keeps are read from the btest itself; files.cut, the printed
 * lines and the extracted message are compared with the baselines, read from
 * Zeek's source ($BRONZE_ZEEK_SOURCE or ../zeek). Without it, or without the
 * corpus trace, the tests skip, saying so.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { smtpInfoOf } from "../../../src/analyzer/app/smtp/script.js";
import { Engine } from "../../../src/engine.js";
import type { FaFile } from "../../../src/files/file.js";
import { loadBuiltinScripts } from "../../../src/index.js";
import { openTrace } from "../../../src/source/open.js";
import { zeekCut } from "../../conformance/btest-applogs-harness.js";
import { corpusRoot } from "../../helpers/corpus.js";
import { parseLogText } from "../../helpers/tsv.js";
import { ZEEK_SEED } from "../../session/harness.js";
import { baselineLines, btestOraclesMissing, type ZeekSource, zeekSource } from "../../signatures/btest-harness.js";

const zeek = zeekSource();
const NAME = "rfc822-msg-file-analysis";
const LOADS = ["base/files/hash", "base/files/extract", "base/protocols/smtp"];
const WHAT = "its SMTP rfc822 btests";

/** What a btest's script says: the trace it reads and the columns `zeek-cut -m` keeps of files.log. */
interface BtestScript {
  readonly trace: string;
  readonly columns: string[];
}

function readBtest(z: ZeekSource, variant: string): BtestScript {
  const text = z.read(`testing/btest/scripts/base/protocols/smtp/${NAME}${variant}.test`);
  const trace = /\$TRACES\/(\S+)/.exec(text)?.[1];
  const cut = /zeek-cut -m ([^<]+)< files\.log/.exec(text)?.[1];
  assert.ok(trace !== undefined && cut !== undefined, `the btest ${NAME}${variant} still runs one trace and cuts files.log`);
  return { trace, columns: cut.trim().split(/\s+/) };
}

/** A baseline of the btest: its lines, or its bytes (btest-diff --binary keeps no header). */
function baseline(z: ZeekSource, variant: string, file: string): string[] {
  return baselineLines(z, `scripts.base.protocols.smtp.${NAME}${variant}/${file}`);
}

function baselineBytes(z: ZeekSource, variant: string, file: string): Buffer {
  return Buffer.from(z.read(`testing/btest/Baseline/scripts.base.protocols.smtp.${NAME}${variant}/${file}`), "latin1");
}

interface Run {
  readonly printed: string[];
  readonly files: string;
  readonly smtp: string;
  /** The file extracted as extract_files/NAME (null when none). */
  extracted(name: string): Buffer | null;
}

/** The twin of a btest's handlers: `onMessage` runs in file_over_new_connection for the message's own file. */
type Twin = (engine: Engine, print: (line: string) => void) => void;

/** `zeek -C -b -r TRACE LOADS %INPUT` with `redef SMTP::enable_rfc822_msg_file_analysis = enabled`. */
async function replay(trace: string, twin: Twin, enabled = true): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), "bronze-rfc822-"));
  try {
    const settings = { "FileExtract::prefix": `${dir}/`, "SMTP::enable_rfc822_msg_file_analysis": enabled };
    const engine = new Engine({ seed: ZEEK_SEED, bare: true, loads: LOADS, settings, ignoreChecksums: true });
    const printed: string[] = [];
    twin(engine, (line) => void printed.push(line));
    const { logs } = loadBuiltinScripts(engine, { memory: true, bare: true, loads: LOADS, stderr: null });
    await engine.run(await openTrace(join(corpusRoot(), "zeek", "traces", trace)));
    const extracted = new Map<string, Buffer>();
    for (const name of ["mail"]) if (existsSync(join(dir, name))) extracted.set(name, readFileSync(join(dir, name)));
    return { printed, files: logs.text("files"), smtp: logs.text("smtp"), extracted: (name) => extracted.get(name) ?? null };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The btests' file_over_new_connection: `if ( f$id == c$smtp$rfc822_msg_fuid )`, then `onMessage`. */
function onMessageFile(onMessage: (f: FaFile) => void): Twin {
  return (engine) =>
    engine.on("file_over_new_connection", (f, c) => {
      if (f.id === smtpInfoOf(c)?.rfc822_msg_fuid) onMessage(f);
    });
}

/** SHA1, then EXTRACT to extract_files/mail (the plain, binary and gap btests). */
const hashAndExtract = onMessageFile((f) => {
  f.addAnalyzer("SHA1");
  f.addAnalyzer("EXTRACT", { extract_filename: "mail" });
});

/** The gap btest: hashAndExtract, and the message file's events printed. */
const gapTwin: Twin = (engine, print) => {
  let messageFuid = "";
  engine.on("file_over_new_connection", (f, c) => {
    const fuid = smtpInfoOf(c)?.rfc822_msg_fuid;
    if (f.id !== fuid) return;
    print(`file_over_new_connection, ${f.id}`);
    messageFuid = fuid;
    f.addAnalyzer("SHA1");
    f.addAnalyzer("EXTRACT", { extract_filename: "mail" });
  });
  engine.on("file_gap", (f, offset, len) => {
    if (f.id === messageFuid) print(`file_gap, ${f.id}, ${offset}, ${len}`);
  });
  engine.on("file_state_remove", (f) => {
    if (f.id === messageFuid) print(`file_state_remove, ${f.id}, ${f.missing_bytes}`);
  });
};

const BTESTS: ReadonlyArray<{ variant: string; what: string; twin: Twin; extracted: boolean; out?: boolean }> = [
  { variant: "", what: "a mail with a text part and an attached message: the message's file parents them", twin: hashAndExtract, extracted: true },
  { variant: "-binary", what: "a BDAT mail with non-ASCII bytes, extracted as sent", twin: hashAndExtract, extracted: true },
  {
    variant: "-gap",
    what: "a content gap in a BDAT chunk: the message's file misses it, the next mail is a file of its own",
    twin: gapTwin,
    extracted: true,
    out: true,
  },
  {
    variant: "-multi-mail",
    what: "two pipelined BDAT mails of one session, a file each",
    twin: onMessageFile((f) => {
      f.addAnalyzer("EXTRACT");
      f.addAnalyzer("SHA1");
    }),
    extracted: false,
  },
  { variant: "-multi-session", what: "the mails of two sessions", twin: onMessageFile((f) => void f.addAnalyzer("SHA1")), extracted: false },
];

for (const b of BTESTS) {
  test(`Zeek's btest smtp/${NAME}${b.variant}: ${b.what}, as Zeek's baselines`, async (t) => {
    if (btestOraclesMissing(t, zeek, WHAT, []) || zeek === null) return;
    const script = readBtest(zeek, b.variant);
    if (btestOraclesMissing(t, zeek, WHAT, [script.trace])) return;
    const run = await replay(script.trace, b.twin);
    assert.deepEqual(zeekCut(run.files, script.columns, true).split("\n"), baseline(zeek, b.variant, "files.cut"));
    if (b.out === true) assert.deepEqual(run.printed, baseline(zeek, b.variant, "out"));
    if (!b.extracted) return;
    const mail = run.extracted("mail");
    assert.ok(mail !== null, "extract_files/mail written");
    assert.deepEqual(mail, baselineBytes(zeek, b.variant, "extract_files.mail"));
    // The binary btest's grep for a byte beyond ASCII.
    if (b.variant === "-binary") assert.ok(mail.some((byte) => byte > 0x7f));
  });
}

/** A log's rows as objects by column name. */
function rows(text: string): Array<Record<string, string>> {
  const { fields, rows: cells } = parseLogText(text);
  return cells.map((r) => Object.fromEntries(fields.map((f, i) => [f, r[i] ?? ""])));
}

test("smtp.log's fuids start with each transaction's message file, the parent of the others; off, there is none", async (t) => {
  if (btestOraclesMissing(t, zeek, WHAT, ["smtp.pcap", "smtp/smtp-bdat-pipeline-8bitmime.pcap"])) return;
  for (const trace of ["smtp.pcap", "smtp/smtp-bdat-pipeline-8bitmime.pcap"]) {
    const on = await replay(trace, () => undefined);
    const files = new Map(rows(on.files).map((r) => [r.fuid!, r]));
    const transactions = rows(on.smtp).filter((r) => r.fuids !== "(empty)" && r.fuids !== "-");
    assert.ok(transactions.length > 0, trace);
    for (const r of transactions) {
      const [message, ...entities] = r.fuids!.split(",");
      assert.equal(files.get(message!)?.mime_type, "message/rfc822", `${trace}: ${message}`);
      assert.equal(files.get(message!)?.parent_fuid, "-");
      for (const e of entities) assert.equal(files.get(e)?.parent_fuid, message, `${trace}: ${e}`);
    }
    // Off (the default), only the entities are files: as many as the messages' children above.
    const off = await replay(trace, () => undefined, false);
    const offFiles = rows(off.files);
    assert.ok(offFiles.every((r) => r.parent_fuid === "-"));
    assert.equal(offFiles.length, files.size - transactions.length, trace);
  }
});
