/**
 * Zeek's btests of the notice framework's suppression
 * (testing/btest/scripts/base/frameworks/notice: suppression,
 * suppression-disable), replayed: `zeek -b` without a trace, notices raised
 * at zeek_init and from an event scheduled 1 ms later (which runs at the end
 * of the run, as Zeek's timers do when there is no input). notice.log is
 * compared with the baseline, or checked as the btest checks it, read from
 * Zeek's source; without it the tests skip, saying so.
 *
 * file-info-multiple-conns runs its trace through test/helpers/btest-replay:
 * a file hashed over three connections, Notice::create_file_info taking the
 * first of f$conns, whose order (as files.log's rows) is Zeek's hash order
 * of conn_id (src/files/conns-order.ts).
 */
import assert from "node:assert/strict";
import { type TestContext, test } from "node:test";
import { Engine } from "../../src/engine.js";
import { loadBuiltinScripts } from "../../src/index.js";
import type { NoticeInput, NoticeLog } from "../../src/scripts/notice.js";
import { createFileInfo, populateFileInfo } from "../../src/scripts/notice-file-info.js";
import { readBtest, replayBtest, type Twin } from "../helpers/btest-replay.js";
import { oracleMissing } from "../helpers/corpus.js";
import { memorySource } from "../helpers/packets.js";
import { zeekFileInfo } from "../helpers/zeek-print-extra.js";
import { ZEEK_SEED } from "../session/harness.js";
import { type ZeekSource, zeekSource } from "../signatures/btest-harness.js";
import { canonicalBtestLog } from "./btest-applogs-harness.js";

const NOTICE = "testing/btest/scripts/base/frameworks/notice";

/** The btest's notices: the NOTICE calls of its zeek_init, then those of the event it schedules, read from its script. */
function btestNotices(zeek: ZeekSource, name: string): { atInit: NoticeInput[]; scheduled: NoticeInput[] } {
  const text = zeek.read(`${NOTICE}/${name}.zeek`);
  const calls = (body: string): NoticeInput[] =>
    [...body.matchAll(/NOTICE\(\[\$note=(\w+), \$msg="([^"]*)", \$identifier="([^"]*)"\]\)/g)].map((m) => ({ note: m[1]!, msg: m[2]!, identifier: m[3]! }));
  const init = /event zeek_init\(\)\s*\{([\s\S]*?)\n\t\}/.exec(text)?.[1] ?? "";
  const scheduled = [...text.matchAll(/event (\w+)\(\)\s*\{([\s\S]*?)\n\t\}/g)].filter((m) => m[1] !== "zeek_init").map((m) => m[2]!);
  return { atInit: calls(init), scheduled: scheduled.flatMap(calls) };
}

/** A run of the btest's script with `settings`: its notice.log. */
async function replay(zeek: ZeekSource, name: string, settings: string[] = []): Promise<string> {
  const { atInit, scheduled } = btestNotices(zeek, name);
  assert.ok(atInit.length > 0 && scheduled.length > 0, `${name}: its NOTICE calls were not found`);
  const loads = ["base/frameworks/notice"];
  const engine = new Engine({ bare: true, loads, seed: ZEEK_SEED, settings });
  const scripts = loadBuiltinScripts(engine, { memory: true, bare: true, loads, stderr: null });
  engine.on("zeek_init", () => {
    for (const n of atInit) scripts.notices.notice(n);
    // schedule 1msec { … }: no input, so it runs when the run ends.
    engine.scheduleEvent(engine.clock.now + 0.001, () => {
      for (const n of scheduled) scripts.notices.notice(n);
    });
  });
  await engine.run(memorySource([]));
  return scripts.logs.text("notice");
}

function source(t: TestContext): ZeekSource | null {
  const zeek = zeekSource();
  if (zeek === null) oracleMissing(t, "Zeek's source (BRONZE_ZEEK_SOURCE or ../zeek) is missing: its notice suppression btests are not replayed");
  return zeek;
}

test("Zeek's btest notice/suppression: notices with one identifier, the later ones suppressed for an hour", async (t) => {
  const zeek = source(t);
  if (zeek === null) return;
  const want = canonicalBtestLog(zeek.read("testing/btest/Baseline/scripts.base.frameworks.notice.suppression/notice.log"));
  // Zeek's ts is the wall clock's (masked), bronze's without input a small network time: masked as well.
  const got = (await replay(zeek, "suppression")).replace(/^\d+\.\d{6}\t/gm, "XXXXXXXXXX.XXXXXX\t");
  assert.equal(canonicalBtestLog(got), want);
});

test("Zeek's btest notice/suppression-disable: a type in Notice::not_suppressed_types is logged each time", async (t) => {
  const zeek = source(t);
  if (zeek === null) return;
  const text = zeek.read(`${NOTICE}/suppression-disable.zeek`);
  // The btest's check: `test \`grep Test_Notice notice.log | wc -l\` -eq N`.
  const want = Number(/grep Test_Notice notice\.log \| wc -l` -eq (\d+)/.exec(text)?.[1]);
  assert.ok(want > 0);
  const types = /redef Notice::not_suppressed_types \+= \{ (\w+) \};/.exec(text)?.[1];
  assert.ok(types !== undefined);
  const log = await replay(zeek, "suppression-disable", [`Notice::not_suppressed_types={${types}}`]);
  assert.equal(log.split("\n").filter((l) => l.includes("Test_Notice")).length, want);
  // Without the redef, the second is suppressed.
  assert.equal((await replay(zeek, "suppression-disable")).split("\n").filter((l) => l.includes("Test_Notice")).length, 1);
});

test("Zeek's btest notice/file-info-multiple-conns: files.log, the printed FileInfo and notice.log follow f$conns's hash order", async (t) => {
  const b = readBtest(t, { zeek: zeekSource(), dir: NOTICE, what: "its notice btests" }, "file-info-multiple-conns");
  if (b === null) return;
  let notices: NoticeLog | undefined;
  // file_new adds SHA1; file_hash prints |f$conns| and create_file_info's record, and raises a notice populated from it.
  const twin: Twin = (engine, print) => {
    engine.on("file_new", (f) => void f.addAnalyzer("SHA1"));
    engine.on("file_hash", (f, kind) => {
      print("file_hash", kind, String(f.conns.size));
      const fi = createFileInfo(engine, f);
      print(zeekFileInfo(fi));
      const n: NoticeInput = { note: "NoticeTestType", msg: "test" };
      populateFileInfo(fi, n);
      notices?.notice(n);
    });
  };
  await replayBtest(b, twin, (_logs, n) => {
    notices = n;
  });
});
