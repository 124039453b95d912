/**
 * The notice framework's type settings (Notice::ignored_types,
 * not_suppressed_types, alarmed_types, emailed_types), notice_alarm.log,
 * notice mail (never while reading a trace; a failing mail program; delay
 * tokens that are not released in time) and pp-alarms' alarm-mail.txt
 * when live, on notices raised by hand. Zeek's own btests of these are
 * replayed in test/conformance/notice-mail-btests.test.ts.
 */
import assert from "node:assert/strict";
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { Engine, loadBuiltinScripts } from "../../src/index.js";
import { useDnsResolver } from "../../src/scripts/dns-lookups.js";
import { delayEmail } from "../../src/scripts/notice.js";
import { formatDateTime } from "../../src/scripts/notice-alarms.js";
import { frame, memorySource, udp4 } from "../helpers/packets.js";
import { logRecords } from "../helpers/tsv.js";

/** An engine with the built-in scripts in memory, `settings` applied. */
function setup(settings: string[], readingTraces = true) {
  const engine = new Engine({ settings });
  const scripts = loadBuiltinScripts(engine, { memory: true, stderr: null, readingTraces });
  return { engine, scripts };
}

/** A directory with a mail program that appends what it was given to mail.out; removed after `body`. */
async function withSendmail(body: (sendmail: string, out: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "bronze-notice-mail-"));
  try {
    const sendmail = join(dir, "sendmail");
    writeFileSync(sendmail, `#!/bin/sh\n{ echo "args: $*"; cat; } >>"${join(dir, "mail.out")}"\n`);
    chmodSync(sendmail, 0o755);
    await body(sendmail, join(dir, "mail.out"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("Notice::ignored_types: the policy ends at the framework's handler (no later handler, no action, no row), the notice hook runs and its suppression starts", () => {
  const { scripts } = setup(["Notice::ignored_types={Test::Ignored}"]);
  const policies: string[] = [];
  const seen: string[] = [];
  scripts.notices.onPolicy((n) => void policies.push(n.note));
  scripts.notices.onNotice((n) => void seen.push(`${n.note} ${[...n.actions].join(",")}`));
  assert.equal(scripts.notices.notice({ note: "Test::Ignored", msg: "quiet", identifier: "x" }), true);
  assert.equal(scripts.notices.notice({ note: "Test::Ignored", msg: "quiet", identifier: "x" }), false, "suppressed by the first");
  assert.equal(scripts.notices.notice({ note: "Test::Other", msg: "loud" }), true);
  scripts.close();
  assert.deepEqual(policies, ["Test::Other"]);
  assert.deepEqual(seen, ["Test::Ignored ", "Test::Other Notice::ACTION_LOG"]);
  assert.deepEqual(
    logRecords(scripts.logs.text("notice")).map((r) => r.note),
    ["Test::Other"],
  );
});

test("Notice::not_suppressed_types: suppress_for 0, so notices of one identifier are all logged", () => {
  const { scripts } = setup(["Notice::not_suppressed_types+={Test::Often}"]);
  for (let i = 0; i < 2; i++) assert.equal(scripts.notices.notice({ note: "Test::Often", msg: "again", identifier: "same" }), true);
  assert.equal(scripts.notices.notice({ note: "Test::Rare", msg: "once", identifier: "same" }), true);
  assert.equal(scripts.notices.notice({ note: "Test::Rare", msg: "once", identifier: "same" }), false);
  scripts.close();
  assert.deepEqual(
    logRecords(scripts.logs.text("notice")).map((r) => [r.note, r.suppress_for]),
    [
      ["Test::Often", "0.000000"],
      ["Test::Often", "0.000000"],
      ["Test::Rare", "3600.000000"],
    ],
  );
});

test("Notice::type_suppression_intervals: a type's own suppression interval, over the default and the script's", () => {
  const { engine, scripts } = setup(["Notice::type_suppression_intervals={[Test::Hourly]=30 mins, [Test_Notice]=2min}"]);
  assert.equal(scripts.notices.notice({ note: "Test::Hourly", msg: "a", identifier: "x", suppressFor: 10 }), true);
  assert.equal(scripts.notices.notice({ note: "Test_Notice", msg: "b", identifier: "x" }), true);
  assert.equal(scripts.notices.notice({ note: "Test::Other", msg: "c", identifier: "x" }), true);
  engine.clock.now += 121;
  // Test_Notice's 2 minutes are over, Test::Hourly's 30 are not.
  assert.equal(scripts.notices.notice({ note: "Test_Notice", msg: "b again", identifier: "x" }), true);
  assert.equal(scripts.notices.notice({ note: "Test::Hourly", msg: "a again", identifier: "x" }), false);
  scripts.close();
  assert.deepEqual(
    logRecords(scripts.logs.text("notice")).map((r) => [r.note, r.suppress_for]),
    [
      ["Test::Hourly", "1800.000000"],
      ["Test_Notice", "120.000000"],
      ["Test::Other", "3600.000000"],
      ["Test_Notice", "120.000000"],
    ],
  );
  assert.throws(() => new Engine({ settings: ["Notice::type_suppression_intervals={[Test::X]=soon}"] }), /interval|soon/);
});

test("Notice::alarmed_types: ACTION_ALARM, and notice_alarm.log has the row notice.log has; without ACTION_LOG only the alarm row", () => {
  const { scripts } = setup(["Notice::alarmed_types={Test::Alarm, Test::AlarmOnly}"]);
  scripts.notices.onPolicy((n) => {
    if (n.note === "Test::AlarmOnly") n.actions.delete("Notice::ACTION_LOG");
  });
  scripts.notices.notice({ note: "Test::Alarm", msg: "ring", src: "10.0.0.1" });
  scripts.notices.notice({ note: "Test::AlarmOnly", msg: "ring softly" });
  scripts.notices.notice({ note: "Test::Plain", msg: "no bell" });
  scripts.close();
  const rows = (path: string) =>
    scripts.logs
      .text(path)
      .split("\n")
      .filter((l) => l !== "" && !l.startsWith("#open") && !l.startsWith("#close") && !l.startsWith("#path"));
  // An engine without a seed orders a set by a random key: the actions are compared as sets.
  const actions = (path: string) => logRecords(scripts.logs.text(path)).map((r) => [r.note, r.actions!.split(",").sort().join(",")]);
  assert.deepEqual(actions("notice"), [
    ["Test::Alarm", "Notice::ACTION_ALARM,Notice::ACTION_LOG"],
    ["Test::Plain", "Notice::ACTION_LOG"],
  ]);
  const alarms = rows("notice_alarm");
  const notices = rows("notice");
  assert.deepEqual(alarms.slice(0, 7), notices.slice(0, 7), "the same header lines and first row in both logs");
  assert.equal(alarms.length, 8);
  assert.deepEqual(actions("notice_alarm"), [
    ["Test::Alarm", "Notice::ACTION_ALARM,Notice::ACTION_LOG"],
    ["Test::AlarmOnly", "Notice::ACTION_ALARM"],
  ]);
});

test("Notice::emailed_types while reading a trace: ACTION_EMAIL and email_dest in notice.log, but no mail is sent", async () => {
  await withSendmail(async (sendmail, out) => {
    const { scripts } = setup(["Notice::emailed_types={Test::Mail}", 'Notice::mail_dest="soc@example.net"', `Notice::sendmail="${sendmail}"`]);
    scripts.notices.notice({ note: "Test::Mail", msg: "read me" });
    await scripts.notices.mailDone();
    scripts.close();
    assert.deepEqual(
      logRecords(scripts.logs.text("notice")).map((r) => [r.actions!.split(",").sort().join(","), r.email_dest]),
      [["Notice::ACTION_EMAIL,Notice::ACTION_LOG", "soc@example.net"]],
    );
    assert.equal(existsSync(out), false);
  });
});

test("notice mail when live: the program gets -t -oi and Zeek's text (Sub-message, Connection lines, Reply-To); a failing program is one warning", async () => {
  await withSendmail(async (sendmail, out) => {
    const { scripts } = setup(
      ["Notice::emailed_types={Test::Mail}", 'Notice::mail_dest="soc@example.net"', 'Notice::reply_to="noc@example.net"', `Notice::sendmail="${sendmail}"`],
      false,
    );
    const id = { orig_h: "10.0.0.1", orig_p: 1234, resp_h: "192.0.2.1", resp_p: 80, transport: "tcp" as const, proto: 6 };
    scripts.notices.notice({ note: "Test::Mail", msg: "read me", sub: "more", id, uid: "Cabc" });
    await scripts.notices.mailDone();
    assert.equal(
      readFileSync(out, "latin1"),
      "args: -t -oi\nFrom: Zeek <zeek@localhost>\nSubject: [Zeek] Test::Mail\nTo: soc@example.net\nUser-Agent: Zeek/bronze\nReply-To: noc@example.net\n\n" +
        "Message: read me\nSub-message: more\n\nConnection: 10.0.0.1:1234 -> 192.0.2.1:80\nConnection uid: Cabc\n\nEmail Extensions\n----------------\n\n\n--\n[Automatically generated]\n\n",
    );
  });
  const { scripts } = setup(["Notice::emailed_types={Test::Mail}", 'Notice::mail_dest="soc@example.net"', 'Notice::sendmail="exit 3; :"'], false);
  scripts.notices.notice({ note: "Test::Mail", msg: "one" });
  scripts.notices.notice({ note: "Test::Mail", msg: "two" });
  await scripts.notices.mailDone();
  scripts.close();
  const warnings = logRecords(scripts.logs.text("reporter")).filter((r) => r.level === "Reporter::WARNING");
  assert.deepEqual(
    warnings.map((r) => r.message),
    ['Notice::sendmail: "exit 3; : -t -oi" failed (exit status 3); notice mail may not be delivered'],
  );
});

test("delay tokens not released within Notice::max_email_delay: Reporter::info, then the mail leaves as it is", async () => {
  await withSendmail(async (sendmail, out) => {
    const { engine, scripts } = setup(
      ["Notice::emailed_types={Test::Mail}", 'Notice::mail_dest="soc@example.net"', `Notice::sendmail="${sendmail}"`, "Notice::max_email_delay=2sec"],
      false,
    );
    scripts.notices.onNotice((n) => delayEmail(n, "never"), -1);
    engine.on("zeek_init", () => void scripts.notices.notice({ note: "Test::Mail", msg: "late" }));
    // Packets a second apart move network time past the delay.
    const packets = [0, 1, 2, 3, 4].map((i) => ({ ts: 100 + i, bytes: frame(udp4({ src: "10.0.0.1", dst: "10.0.0.2" }, { sport: 5000, dport: 53 })) }));
    await engine.run(memorySource(packets));
    await scripts.notices.mailDone();
    assert.match(readFileSync(out, "latin1"), /^args: -t -oi\n[\s\S]*Message: late\n/);
    assert.deepEqual(
      logRecords(scripts.logs.text("reporter"))
        .filter((r) => r.level === "Reporter::INFO")
        .map((r) => r.message),
      ["Notice email delay tokens weren't released in time ({\\x0anever\\x0a})."],
    );
  });
});

test("pp-alarms live with a mail destination: alarm-mail.txt entries with the reverse names, a second > for Notice::flag_nets", async () => {
  const { engine, scripts } = setup(
    ["Notice::alarmed_types={Test::Alarm}", 'Notice::mail_dest="soc@example.net"', "Notice::flag_nets={192.0.2.0/24}", 'Notice::sendmail="true"'],
    false,
  );
  useDnsResolver(engine, { reverse: async (a) => [`host-${a}`], resolveTxt: async () => [] });
  engine.on("zeek_init", () => {
    scripts.notices.notice({ note: "Test::Alarm", msg: "inside", sub: "detail", src: "10.0.0.1", p: 22, proto: "tcp" });
    scripts.notices.notice({ note: "Test::Alarm", msg: "flagged", src: "10.0.0.1", dst: "192.0.2.7" });
  });
  await engine.run(memorySource([]));
  const time = formatDateTime(engine.clock.now);
  assert.equal(
    scripts.notices.alarmSummary(),
    `>  ${time} Test::Alarm 10.0.0.1:22/tcp\n   inside\n   detail\n   # 10.0.0.1 = host-10.0.0.1\n\n` +
      `>> ${time} Test::Alarm 10.0.0.1 -> 192.0.2.7\n   flagged\n   # 10.0.0.1 = host-10.0.0.1  192.0.2.7 = host-192.0.2.7\n\n`,
  );
  // Reading a trace, without force_email_summaries, there is none.
  const traced = setup(["Notice::alarmed_types={Test::Alarm}", 'Notice::mail_dest="soc@example.net"']);
  traced.scripts.notices.notice({ note: "Test::Alarm", msg: "x", src: "10.0.0.1" });
  assert.equal(traced.scripts.notices.alarmSummary(), "");
});

test("pp-alarms with Log::default_mail_alarms_interval: the summary closed with its trailer and mailed each period and at the end, then removed; an alarm after a mail starts a new file", async () => {
  await withSendmail(async (sendmail, out) => {
    const logdir = mkdtempSync(join(tmpdir(), "bronze-alarm-summary-"));
    try {
      const settings = [
        "Notice::alarmed_types={Test::Alarm}",
        'Notice::mail_dest="soc@example.net"',
        `Notice::sendmail="${sendmail}"`,
        "Log::default_mail_alarms_interval=1hr",
      ];
      const engine = new Engine({ settings });
      const scripts = loadBuiltinScripts(engine, { logdir, stderr: null, readingTraces: false });
      const t0 = 1_000_000_000; // a whole hour in UTC
      const packet = (ts: number) => ({ ts, bytes: frame(udp4({ src: "10.9.0.1", dst: "10.9.0.2" }, { sport: 1, dport: 2 })) });
      engine.on("new_connection", (c) => {
        // No address: the entry is written at once (an address's reverse lookup answers later).
        if (c.id.orig_p === 1) scripts.notices.notice({ note: "Test::Alarm", msg: `at ${engine.clock.now - t0}` });
      });
      // An alarm at t0 + 10 (period to t0 + 1 h), one at t0 + 3610 (after the first mail), the end at t0 + 3700.
      await engine.run(
        memorySource([packet(t0 + 10), { ts: t0 + 3610, bytes: frame(udp4({ src: "10.9.0.1", dst: "10.9.0.2" }, { sport: 1, dport: 3 })) }, packet(t0 + 3700)]),
      );
      await scripts.notices.mailDone();
      const mails = readFileSync(out, "latin1")
        .split(/^args: /m)
        .filter((m) => m !== "");
      assert.equal(mails.length, 2, "one mail at the hour, one at the end");
      for (const mail of mails) {
        assert.match(mail, /^-t -oi\nFrom: Zeek <zeek@localhost>\nSubject: \[Zeek\] Alarm summary from \d\d:\d\d:\d\d-\d\d:\d\d:\d\d\nTo: soc@example\.net\n/);
        assert.match(mail, /\n\n--\n\[Automatically generated\]\n\n$/);
      }
      assert.match(mails[0]!, / {3}at 10\n/);
      assert.doesNotMatch(mails[0]!, /at 3610/);
      assert.match(mails[1]!, / {3}at 3610\n/);
      assert.doesNotMatch(mails[1]!, /at 10\n/);
      assert.equal(existsSync(join(logdir, "alarm-mail.txt")), false, "mailed and removed");
    } finally {
      rmSync(logdir, { recursive: true, force: true });
    }
  });
});

test("Site::local_admins takes a table of subnets to address sets, nothing else", () => {
  const engine = new Engine({ settings: ['Site::local_admins={[10.0.0.0/8]=set("a@example.net"), [fc00::/7]=set("b@example.net", "c@example.net")}'] });
  assert.deepEqual(
    [...engine.settings["Site::local_admins"]],
    [
      ["10.0.0.0/8", ["a@example.net"]],
      ["fc00::/7", ["b@example.net", "c@example.net"]],
    ],
  );
  assert.throws(() => new Engine({ settings: ['Site::local_admins={["x"]=set("a")}'] }), /not a table of subnets/);
  assert.throws(() => new Engine({ settings: ['Site::local_admins={[10.0.0.0/40]=set("a")}'] }), /not a subnet/);
});

test("alarm-mail.log: live with Notice::mail_dest and without pretty-printed summaries, the alarm rows also go there, rotated every 24 h and mailed (headers, then the log), then removed; not when reading a trace", async () => {
  await withSendmail(async (sendmail, out) => {
    const logdir = mkdtempSync(join(tmpdir(), "bronze-alarm-mail-"));
    try {
      const settings = [
        "Notice::alarmed_types={Test::Alarm}",
        'Notice::mail_dest="soc@example.net"',
        "Notice::pretty_print_alarms=F",
        `Notice::sendmail="${sendmail}"`,
      ];
      for (const readingTraces of [true, false]) {
        const engine = new Engine({ settings });
        const scripts = loadBuiltinScripts(engine, { logdir, stderr: null, readingTraces });
        engine.clock.now = 1_000_000;
        scripts.notices.notice({ note: "Test::Alarm", msg: "first ring" });
        // A day of network time later the filter's file rotates (the timer fires with the next packet's time).
        await engine.run(memorySource([{ ts: 1_000_000 + 86_401, bytes: frame(udp4({ src: "10.0.0.1", dst: "10.0.0.2" }, { sport: 1, dport: 2 })) }]));
        await scripts.notices.mailDone();
        if (readingTraces) {
          assert.equal(existsSync(out), false, "no mail while reading a trace");
          assert.equal(existsSync(join(logdir, "alarm-mail.log")), false);
          continue;
        }
        const mail = readFileSync(out, "latin1");
        assert.match(
          mail,
          /^args: -t -oi\nFrom: Zeek <zeek@localhost>\nSubject: \[Zeek\] Log Contents: alarm-mail-\d\d-\d\d-\d\d_\d\d\.\d\d\.\d\d\.log\nTo: soc@example\.net\n/,
        );
        assert.match(mail, /#path\talarm-mail\n/);
        assert.match(mail, /\tfirst ring\t/);
        // Mailed, then removed with its headers' file; notice_alarm.log itself stays.
        assert.deepEqual(
          readdirSync(logdir).filter((f) => f.startsWith("alarm-mail")),
          [],
        );
        assert.match(readFileSync(join(logdir, "notice_alarm.log"), "latin1"), /\tfirst ring\t/);
      }
    } finally {
      rmSync(logdir, { recursive: true, force: true });
    }
  });
});
