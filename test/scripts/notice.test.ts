import assert from "node:assert/strict";
import { test } from "node:test";
import { LogManager } from "../../src/log/manager.js";
import { NoticeLog } from "../../src/scripts/notice.js";
import { connection } from "./connections.js";

function setup() {
  const clock = { now: 1000 };
  const logs = new LogManager({ memory: true });
  const notices = new NoticeLog(logs, clock);
  const rows = () => {
    logs.closeAll();
    const lines = logs.text("notice").split("\n");
    const names = lines
      .find((l) => l.startsWith("#fields"))!
      .split("\t")
      .slice(1);
    return lines.filter((l) => l !== "" && !l.startsWith("#")).map((l) => Object.fromEntries(l.split("\t").map((v, i) => [names[i]!, v])));
  };
  return { clock, logs, notices, rows };
}

test("notice.log has Zeek's columns; a connection fills uid, id, src, dst, p and proto; actions and suppress_for have Zeek's defaults", () => {
  const { notices, logs, rows } = setup();
  const c = connection({ uid: "Cabc", id: { orig_h: "10.0.0.1", orig_p: 40000, resp_h: "10.0.0.2", resp_p: 22 } });
  assert.equal(notices.notice({ note: "SSH::Password_Guessing", msg: "10.0.0.1 guessed", sub: "5 attempts", conn: c, n: 5 }), true);
  const [row] = rows();
  assert.match(
    logs.text("notice"),
    /^#fields\tts\tuid\tid\.orig_h\tid\.orig_p\tid\.resp_h\tid\.resp_p\tfuid\tfile_mime_type\tfile_desc\tproto\tnote\tmsg\tsub\tsrc\tdst\tp\tn\tpeer_descr\tactions\temail_dest\tsuppress_for\tremote_location\.country_code\tremote_location\.region\tremote_location\.city\tremote_location\.latitude\tremote_location\.longitude$/m,
  );
  assert.deepEqual(
    [
      row!.ts,
      row!.uid,
      row!["id.orig_h"],
      row!["id.resp_p"],
      row!.proto,
      row!.note,
      row!.src,
      row!.dst,
      row!.p,
      row!.n,
      row!.actions,
      row!.email_dest,
      row!.suppress_for,
      row!.peer_descr,
    ],
    [
      "1000.000000",
      "Cabc",
      "10.0.0.1",
      "22",
      "tcp",
      "SSH::Password_Guessing",
      "10.0.0.1",
      "10.0.0.2",
      "22",
      "5",
      "Notice::ACTION_LOG",
      "(empty)",
      "3600.000000",
      "-",
    ],
  );
});

test("a notice with an identifier suppresses the same note and identifier for suppress_for seconds of network time; others pass", () => {
  const { clock, notices, rows } = setup();
  const scan = (id: string, extra = {}) => notices.notice({ note: "Scan::Port_Scan", msg: "scan", src: "10.9.9.9", identifier: id, ...extra });
  assert.equal(scan("10.9.9.9"), true);
  clock.now = 1000 + 3599;
  assert.equal(scan("10.9.9.9"), false, "within the hour");
  assert.equal(scan("10.8.8.8"), true, "another identifier");
  assert.equal(notices.notice({ note: "Scan::Address_Scan", identifier: "10.9.9.9" }), true, "another note");
  assert.equal(notices.notice({ note: "Scan::Port_Scan", msg: "no identifier" }), true);
  assert.equal(notices.notice({ note: "Scan::Port_Scan", msg: "no identifier" }), true, "never suppressed without an identifier");
  clock.now = 1000 + 3600;
  assert.equal(scan("10.9.9.9", { suppressFor: 0 }), true, "the hour is over");
  assert.equal(scan("10.9.9.9"), true, "suppress_for 0 suppresses nothing after it");
  assert.equal(scan("10.9.9.9"), false);
  assert.deepEqual([notices.logged, notices.suppressed], [7, 2]);
  assert.equal(rows().length, 7);
});

test("a notice without a connection or port leaves those columns unset; an explicit port gives its protocol", () => {
  const { notices, rows } = setup();
  notices.notice({ note: "Site::Odd", msg: "hello", ts: 5 });
  notices.notice({ note: "Site::Odd", p: 53, proto: "udp", dst: "10.0.0.53" });
  const [a, b] = rows();
  assert.deepEqual([a!.ts, a!.uid, a!["id.orig_h"], a!.proto, a!.p, a!.src], ["5.000000", "-", "-", "-", "-", "-"]);
  assert.deepEqual([b!.p, b!.proto, b!.dst], ["53", "udp", "10.0.0.53"]);
});
