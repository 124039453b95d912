/**
 * Zeek's btests of base/protocols/ftp whose scripts print event arguments
 * (test/conformance/btest-applogs replays those of @load lines and redefs
 * only), replayed through test/helpers/btest-replay: their commands
 * read from Zeek's source, their handlers twinned, every file they compare
 * (printed lines and logs) as Zeek's baseline. Zeek's source and the corpus
 * traces are the oracles: without them the tests skip, saying so.
 *
 * gridftp's handler of GridFTP::data_channel_detected raises a NOTICE of a
 * Notice::Type its script adds: the twin raises it through the notice
 * framework the replay's setup hands it, as a user's script would.
 *
 * Left out:
 * - the rest (bad-adat-encoding, ftp-get-file-size, ftp-ipv4, …) compare
 *   logs only: test/conformance/btest-applogs replays them.
 */
import { test } from "node:test";
import { ftpDataExpectedSize, ftpSession } from "../../../src/analyzer/app/ftp/script.js";
import type { NoticeLog } from "../../../src/scripts/notice.js";
import { type BtestSuite, readBtest, replayBtest, type Twin } from "../../helpers/btest-replay.js";
import { zeekConnId, zeekString } from "../../helpers/zeek-print.js";
import { zeekSource } from "../../signatures/btest-harness.js";

const SUITE: BtestSuite = { zeek: zeekSource(), dir: "testing/btest/scripts/base/protocols/ftp", what: "its FTP btests" };
const POLICY: BtestSuite = { zeek: SUITE.zeek, dir: "testing/btest/scripts/policy/protocols/ftp", what: "its FTP policy btests" };

const tf = (b: boolean): string => (b ? "T" : "F");

/** `print "ftp_reply", cont_resp, code, cat(c$ftp$reply_msg)`, after the base script's handler set reply_msg. */
const replyMsg: Twin = (engine, print) =>
  engine.on("ftp_reply", (c, code, _msg, cont) => print("ftp_reply", tf(cont), String(code), zeekString(ftpSession(c)?.reply_msg ?? "")));

const BTESTS: ReadonlyArray<{ name: string; what: string; twin: Twin }> = [
  {
    name: "cwd-navigation",
    what: "c$ftp$cwd before each reply is handled",
    // &priority=10: before the base script's handler (5) moves the cwd by this reply.
    twin: (engine, print) =>
      engine.on(
        "ftp_reply",
        (c) => {
          const s = ftpSession(c);
          if (s !== undefined) print("CWD", zeekString(s.cwd));
        },
        { priority: 10 },
      ),
  },
  {
    name: "ftp-auth-tls",
    what: "ftp_starttls after AUTH TLS, and the logs of FTP and the TLS it starts",
    twin: (engine, print) => engine.on("ftp_starttls", (c) => print("starttls", zeekConnId(c.id))),
  },
  {
    name: "ftp-max-pending-commands",
    what: "every request and reply of a client that sends commands before the greeting",
    twin: (engine, print) => {
      engine.on("ftp_request", (c, command, arg) => print("ftp_request", c.uid, zeekString(command), zeekString(arg)));
      engine.on("ftp_reply", (c, code, msg) => print("ftp_reply", c.uid, String(code), zeekString(msg)));
    },
  },
  { name: "ftp-multiline-reply", what: "c$ftp$reply_msg kept over a multi-line reply", twin: replyMsg },
  { name: "ftp-samba-retr", what: "c$ftp$reply_msg over a reply's intermediate lines", twin: replyMsg },
];

for (const { name, what, twin } of BTESTS) {
  test(`Zeek's btest ftp/${name}: ${what}, as Zeek's baseline`, async (t) => {
    const b = readBtest(t, SUITE, name);
    if (b !== null) await replayBtest(b, twin);
  });
}

test("Zeek's btest ftp/gridftp: GridFTP::data_channel_detected raises a script's NOTICE; notice.log, conn.log, ssl.log and x509.log as Zeek's baselines", async (t) => {
  const b = readBtest(t, SUITE, "gridftp");
  if (b === null) return;
  let notices: NoticeLog | null = null;
  await replayBtest(
    b,
    (engine) =>
      engine.on("GridFTP::data_channel_detected", (c) => {
        const threshold = engine.settings["GridFTP::size_threshold"];
        notices?.notice({ note: "GridFTP::Data_Channel", msg: `GridFTP data channel over threshold ${threshold} bytes`, conn: c });
      }),
    (_logs, n) => void (notices = n),
  );
});

test("Zeek's btest ftp/expected-data-channel-cap: 500 PORTs against FTP::max_expected_data_channels = 499 leave 499 expected and one weird without a uid, as Zeek's baselines", async (t) => {
  const b = readBtest(t, POLICY, "expected-data-channel-cap");
  if (b === null) return;
  await replayBtest(b, (engine, print) => engine.on("zeek_done", () => print(`ftp_data_expected_size=${ftpDataExpectedSize(engine.settings)}`)));
});
