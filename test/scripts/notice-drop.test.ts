/**
 * policy/frameworks/notice/actions/drop: a Notice::policy handler adds
 * Notice::ACTION_DROP; the drop script's notice hook then drops the
 * notice's src through catch-and-release (once: an address catch-and-release
 * already watches is left alone), with Zeek's location text, and notice.log
 * gains `dropped`, written before the hook runs (F, as Zeek writes it).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Engine, loadBuiltinScripts } from "../../src/index.js";
import { createDebug } from "../../src/scripts/netcontrol/debug.js";
import { netControlFramework } from "../../src/scripts/netcontrol/framework.js";
import type { NoticeInfo, NoticeInput } from "../../src/scripts/notice.js";
import { dropLocation } from "../../src/scripts/notice-drop.js";
import { scriptsLoadedBy } from "../../src/scripts/script-loads.js";
import { checkScriptNames } from "../../src/scripts/zeek-scripts.js";
import { memorySource } from "../helpers/packets.js";
import { logRecords } from "../helpers/tsv.js";
import { udpPacket } from "../session/harness.js";

const DROP = ["policy/frameworks/notice/actions/drop"];

interface Run {
  notice: Record<string, string>[];
  catchRelease: Record<string, string>[];
  /** `dropped` as a Notice::notice handler after the drop script's sees it. */
  seen: Array<boolean | undefined>;
}

/** Raises `raised` from the first connection of each of two hosts, with a policy adding ACTION_DROP to Test::Bad notices. */
async function run(loads: string[], raised: (orig: string) => Omit<NoticeInput, "conn">[]): Promise<Run> {
  const engine = new Engine({ loads });
  const scripts = loadBuiltinScripts(engine, { memory: true, loads, stderr: null });
  if (loads.length > 0) {
    const nc = netControlFramework(engine, { logs: scripts.logs });
    nc.print = () => {};
    engine.on("NetControl::init", () => nc.activate(createDebug(nc, true), 0));
  }
  scripts.notices.onPolicy((n) => {
    if (n.note === "Test::Bad") n.actions.add("Notice::ACTION_DROP");
  });
  const seen: Array<boolean | undefined> = [];
  scripts.notices.onNotice((n) => void seen.push(n.dropped), -10);
  engine.on("new_connection", (c) => {
    for (const n of raised(c.id.orig_h)) scripts.notices.notice({ ...n, conn: c });
  });
  await engine.run(memorySource([udpPacket(10, "10.0.0.1", 1000, "10.0.0.2", 53, "x"), udpPacket(11, "10.0.0.1", 1001, "10.0.0.2", 53, "x")]));
  scripts.close();
  return { notice: logRecords(scripts.logs.text("notice")), catchRelease: logRecords(scripts.logs.text("netcontrol_catch_release")), seen };
}

test("ACTION_DROP drops the notice's src through catch-and-release once; notice.log's dropped comes last, F as Zeek writes it", async () => {
  const r = await run(DROP, () => [{ note: "Test::Bad", msg: "bad" }, { note: "Test::Other" }]);
  // The actions' order is Zeek's set order, which follows the hash seed: compared as sets.
  assert.deepEqual(
    r.notice.map((n) => [n.note, n.actions!.split(",").sort().join(","), n.dropped]),
    [
      ["Test::Bad", "Notice::ACTION_DROP,Notice::ACTION_LOG", "F"],
      ["Test::Other", "Notice::ACTION_LOG", "F"],
      ["Test::Bad", "Notice::ACTION_DROP,Notice::ACTION_LOG", "F"],
      ["Test::Other", "Notice::ACTION_LOG", "F"],
    ],
  );
  assert.equal(Object.keys(r.notice[0]!).at(-1), "dropped");
  // The first Test::Bad drops 10.0.0.1; the second finds it watched and does nothing.
  assert.deepEqual(r.seen, [true, undefined, undefined, undefined]);
  const requested = r.catchRelease.filter((row) => row.action === "NetControl::DROP_REQUESTED");
  assert.deepEqual(
    requested.map((row) => [row.ip, row.location]),
    [["10.0.0.1", "ACTION_DROP: T"]],
  );
});

test("the location is Zeek's fmt of n?$msg: 'ACTION_DROP: T' with a msg, 'ACTION_DROP' without", () => {
  const n = (msg?: string): NoticeInfo => ({ note: "Test::Bad", ts: 0, actions: new Set(), ...(msg === undefined ? {} : { msg }) });
  assert.equal(dropLocation(n("port scan from 10.0.0.1")), "ACTION_DROP: T");
  assert.equal(dropLocation(n()), "ACTION_DROP");
});

test("without the drop script ACTION_DROP is only an action: no dropped column, nothing dropped", async () => {
  const r = await run([], () => [{ note: "Test::Bad", msg: "bad" }]);
  assert.equal(r.notice.length, 2);
  assert.equal("dropped" in r.notice[0]!, false);
  assert.deepEqual(r.catchRelease, []);
  assert.deepEqual(r.seen, [undefined, undefined]);
});

test("a policy handler that takes ACTION_LOG away keeps the notice out of notice.log; the notice hooks still run", async () => {
  const engine = new Engine();
  const scripts = loadBuiltinScripts(engine, { memory: true, stderr: null });
  scripts.notices.onPolicy((n) => void n.actions.delete("Notice::ACTION_LOG"), -1);
  let hooked = 0;
  scripts.notices.onNotice(() => void hooked++);
  assert.equal(scripts.notices.notice({ note: "Test::Quiet", msg: "hush" }), true);
  scripts.close();
  assert.deepEqual([logRecords(scripts.logs.text("notice")).length, hooked], [0, 1]);
});

test("policy/frameworks/notice (its __load__) loads only extend-email/hostnames in Zeek 9: not the drop action; bronze implements both", () => {
  const brought = scriptsLoadedBy(["policy/frameworks/notice"]);
  assert.equal(brought.has("policy/frameworks/notice/extend-email/hostnames"), true);
  assert.equal(brought.has("policy/frameworks/notice/actions/drop"), false);
  assert.deepEqual(checkScriptNames(["policy/frameworks/notice", "frameworks/notice/actions/drop"]), { unknown: [], notImplemented: [] });
});
