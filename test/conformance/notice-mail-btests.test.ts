/**
 * Zeek's btests of the notice framework's mail (action-email,
 * action-email-admin, action-email-custom-address, action-email-multiple,
 * action-page, action-page-with-hostnames), its alarm summary (mail-alarms)
 * and extend-email/hostnames, replayed as TypeScript twins and held to
 * their baselines read from Zeek's source ($BRONZE_ZEEK_SOURCE or ../zeek).
 * Each script's NOTICE and hooks become handlers on the engine; the mail
 * program is a fake sendmail of the test's own, which appends its arguments
 * and standard input to sendmail.out and canonifies User-Agent as Zeek's
 * btests' fake-sendmail does. Like `zeek -b script.zeek` without -r, the
 * runs without a trace are not reading traces (mail is sent); the btests'
 * DNS answers are Zeek's ZEEK_DNS_FAKE ones.
 */
import assert from "node:assert/strict";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type TestContext, test } from "node:test";
import { Engine } from "../../src/engine.js";
import { loadBuiltinScripts } from "../../src/index.js";
import { useDnsResolver } from "../../src/scripts/dns-lookups.js";
import type { NoticeAction, NoticeInfo, NoticeInput, NoticeLog } from "../../src/scripts/notice.js";
import { readTrace } from "../../src/source/open.js";
import { zeekSetOrder } from "../../src/zeek-table/table.js";
import { oracleMissing } from "../helpers/corpus.js";
import { memorySource } from "../helpers/packets.js";
import { type ZeekSource, zeekSource } from "../signatures/btest-harness.js";

// Zeek's btests run with TZ=UTC: alarm-mail.txt's times are local time.
process.env.TZ = "UTC";

/** A fake sendmail: its arguments and standard input appended to sendmail.out beside it, User-Agent canonified as Zeek's btests do. */
const FAKE_SENDMAIL = `#!/bin/sh
out="$(dirname "$0")/sendmail.out"
{
  echo "------- cmdline args -----------"
  echo "$*"
  echo "----------- stdin --------------"
  while IFS= read -r line; do
    case "$line" in
      "User-Agent: Zeek/"*) printf '%s\\n' 'User-Agent: Zeek/$zeek_version()' ;;
      *) printf '%s\\n' "$line" ;;
    esac
  done
} >>"$out"
`;

interface Replay {
  sendmail: string;
  notices: NoticeLog;
  notice: string;
  printed: string[];
}

interface Btest {
  trace?: string;
  loads?: string[];
  settings?: string[];
  /** The script's handlers. */
  script(engine: Engine, notices: NoticeLog, print: (line: string) => void): void;
}

/** A `zeek -b` run of the btest (with its trace, or none), its fake sendmail in a directory of its own. */
async function replay(zeek: ZeekSource, b: Btest): Promise<Replay> {
  const dir = mkdtempSync(join(tmpdir(), "bronze-notice-mail-"));
  try {
    const sendmail = join(dir, "fake-sendmail");
    writeFileSync(sendmail, FAKE_SENDMAIL);
    chmodSync(sendmail, 0o755);
    const seed = zeek
      .read("testing/btest/random.seed")
      .split(/\s+/)
      .filter((w) => w !== "")
      .map(Number);
    const loads = ["base/frameworks/notice", ...(b.loads ?? [])];
    const settings = [`Notice::sendmail="${sendmail}"`, ...(b.settings ?? [])];
    const engine = new Engine({ bare: true, loads, seed, settings, ignoreChecksums: true });
    const scripts = loadBuiltinScripts(engine, { memory: true, bare: true, loads, stderr: null, readingTraces: b.trace !== undefined });
    // Zeek's ZEEK_DNS_FAKE answers.
    useDnsResolver(engine, { reverse: async (a) => [`fake_addr_lookup_result_${a}`], resolveTxt: async () => [] });
    const printed: string[] = [];
    b.script(engine, scripts.notices, (line) => printed.push(line));
    if (b.trace === undefined) await engine.run(memorySource([]));
    else {
      const path = join(dir, "trace.pcap");
      writeFileSync(path, Buffer.from(zeek.read(`testing/btest/Traces/${b.trace}`), "latin1"));
      await engine.run(readTrace(path));
    }
    await scripts.notices.mailDone();
    const out = join(dir, "sendmail.out");
    return { sendmail: existsSync(out) ? readFileSync(out, "latin1") : "", notices: scripts.notices, notice: scripts.logs.text("notice"), printed };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function sourceOr(t: TestContext): ZeekSource | null {
  const zeek = zeekSource();
  if (zeek === null) oracleMissing(t, "Zeek's source (BRONZE_ZEEK_SOURCE or ../zeek) is missing: its notice mail btests cannot be read");
  return zeek;
}

/** A baseline file without btest-diff's first line. */
function baseline(zeek: ZeekSource, test: string, file: string): string {
  return zeek.read(`testing/btest/Baseline/${test}/${file}`).replace(/^### BTest baseline.*\n/, "");
}

/** The btests' notice: raised at zeek_init. */
function atInit(engine: Engine, notices: NoticeLog, n: NoticeInput): void {
  engine.on("zeek_init", () => void notices.notice(n));
}

const TEST_NOTICE = { note: "Test_Notice", msg: "test", identifier: "static" };

const MAIL_DEST = 'Notice::mail_dest="user@example.net"';
const PAGE_DEST = 'Notice::mail_page_dest="page@example.net"';

/** A btest whose notice is raised at zeek_init, with actions added by a policy hook at priority 1; its sendmail.out is compared. */
interface MailBtest {
  name: string;
  what: string;
  settings: string[];
  actions: NoticeAction[];
  notice?: Partial<NoticeInput>;
  loads?: string[];
  /** A policy hook of its own at priority 0. */
  policy?: (n: NoticeInfo) => void;
  /** Its notice.log is compared too. */
  noticeLog?: boolean;
}

const MAIL_BTESTS: MailBtest[] = [
  { name: "action-email", what: "the notice mailed to Notice::mail_dest, as Zeek composes it", settings: [MAIL_DEST], actions: ["Notice::ACTION_EMAIL"] },
  {
    name: "action-email-admin",
    what: "Site::local_admins of src's and dst's networks, one mail each, email_dest in notice.log",
    settings: [MAIL_DEST, 'Site::local_admins+={[1.0.0.0/8]=set("cloudflare@example.net", "postmaster@the.cloud"), [2.0.0.0/8]=set("2_dot@example.net")}'],
    actions: ["Notice::ACTION_EMAIL_ADMIN"],
    notice: { src: "1.1.1.1", dst: "2.2.2.2" },
    noticeLog: true,
  },
  {
    name: "action-email-custom-address",
    what: "a destination a policy hook set, and mail_dest's, each mailed",
    settings: [MAIL_DEST],
    actions: ["Notice::ACTION_EMAIL"],
    policy: (n) => {
      n.emailDest = new Set(["admin@example.net"]);
    },
  },
  {
    name: "action-email-multiple",
    what: "ACTION_PAGE and ACTION_EMAIL, a mail to each destination",
    settings: [MAIL_DEST, PAGE_DEST],
    actions: ["Notice::ACTION_PAGE", "Notice::ACTION_EMAIL"],
  },
  { name: "action-page", what: "ACTION_PAGE mails Notice::mail_page_dest", settings: [MAIL_DEST, PAGE_DEST], actions: ["Notice::ACTION_PAGE"] },
  {
    name: "action-page-with-hostnames",
    what: "extend-email/hostnames holds the mail for the names of src and dst",
    settings: [MAIL_DEST, PAGE_DEST],
    actions: ["Notice::ACTION_PAGE"],
    notice: { src: "1.1.1.1", dst: "::1" },
    loads: ["frameworks/notice/extend-email/hostnames"],
  },
];

/** notice.log's lines without #open/#close, ts canonified as btest's diff-remove-timestamps does. */
function noticeRows(text: string): string[] {
  return text
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("#open") && !l.startsWith("#close"))
    .map((l) => l.replace(/^\d+\.\d{6}\t/, "XXXXXXXXXX.XXXXXX\t"));
}

for (const b of MAIL_BTESTS) {
  test(`btest ${b.name}: ${b.what}`, async (t) => {
    const zeek = sourceOr(t);
    if (zeek === null) return;
    const r = await replay(zeek, {
      settings: b.settings,
      loads: b.loads,
      script: (engine, notices) => {
        atInit(engine, notices, { ...TEST_NOTICE, ...b.notice });
        notices.onPolicy((n) => {
          for (const a of b.actions) n.actions.add(a);
        }, 1);
        if (b.policy !== undefined) notices.onPolicy(b.policy);
      },
    });
    const dir = `scripts.base.frameworks.notice.${b.name}`;
    assert.equal(r.sendmail, baseline(zeek, dir, "sendmail.out"));
    if (b.noticeLog === true) assert.deepEqual(noticeRows(r.notice), noticeRows(baseline(zeek, dir, "notice.log")));
  });
}

test("btest mail-alarms: alarm-mail.txt, forced while reading a trace, with <skipped> names", async (t) => {
  const zeek = sourceOr(t);
  if (zeek === null) return;
  const r = await replay(zeek, {
    trace: "web.pcap",
    settings: ["Notice::force_email_summaries=T"],
    script: (engine, notices) => {
      notices.onPolicy((n) => void n.actions.add("Notice::ACTION_ALARM"), 1);
      engine.on("connection_established", (c) => void notices.notice({ ...TEST_NOTICE, conn: c }));
    },
  });
  assert.equal(r.notices.alarmSummary(), baseline(zeek, "scripts.base.frameworks.notice.mail-alarms", "alarm-mail.txt"));
  assert.equal(r.sendmail, "");
});

test("btest extend-email/hostnames: delay tokens only for notices that are mailed (Notice::emailed_types), none sent reading a trace", async (t) => {
  const zeek = sourceOr(t);
  if (zeek === null) return;
  let order: ((tokens: string[]) => string[]) | null = null;
  const r = await replay(zeek, {
    trace: "http/get.pcap",
    loads: ["frameworks/notice/extend-email/hostnames"],
    settings: ["Notice::emailed_types+={Test_Connection_State_Remove_Notice}", 'Notice::mail_dest="user@example.net"'],
    script: (engine, notices, print) => {
      order = (tokens) => zeekSetOrder(engine.tableHash.string, tokens);
      notices.onNotice((n) => {
        const tokens = [...(n.emailDelayTokens ?? [])];
        print(`email_delay_tokens, ${n.note}, ${tokens.length > 0 ? order!(tokens).join(",") : "(empty)"}`);
      }, -2);
      engine.on("new_connection", (c) => void notices.notice({ note: "Test_New_Connection_Notice", conn: c }));
      engine.on("connection_state_remove", (c) => void notices.notice({ note: "Test_Connection_State_Remove_Notice", conn: c }));
    },
  });
  assert.equal(`${r.printed.join("\n")}\n`, baseline(zeek, "scripts.policy.frameworks.notice.extend-email.hostnames", "out"));
  assert.equal(r.sendmail, "");
});
