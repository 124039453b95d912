/**
 * Zeek's btests of base/protocols/ntp whose scripts print event arguments,
 * replayed through test/helpers/btest-replay: their commands read
 * from Zeek's source, their handlers twinned, every file they compare
 * (printed lines, logs, standard error) as Zeek's baseline. Zeek's source
 * and the corpus traces are the oracles: without them the tests skip,
 * saying so.
 *
 * Left out: ntp-no-extensions-mac and ntpmode67 compare logs only (their
 * .stdout is empty): test/conformance/btest-applogs replays them.
 */
import { test } from "node:test";
import type { NtpMessage, NtpStandardMessage } from "../../../src/analyzer/app/ntp/events.js";
import type { Connection } from "../../../src/event/records.js";
import { type BtestSuite, readBtest, replayBtest, type Twin } from "../../helpers/btest-replay.js";
import { zeekDouble, zeekInterval, zeekRecord, zeekString } from "../../helpers/zeek-print.js";
import { zeekFields, zeekPrintDouble } from "../../helpers/zeek-print-extra.js";
import { zeekSource } from "../../signatures/btest-harness.js";

const zeek = zeekSource();
const DIR = "testing/btest/scripts/base/protocols/ntp";
const SUITE: BtestSuite = { zeek, dir: DIR, what: "its NTP btests" };

const INTERVALS = new Set(["poll", "precision", "root_delay", "root_disp"]);
const TIMES = new Set(["ref_time", "org_time", "rec_time", "xmt_time"]);
const STANDARD_FIELDS = [
  ...["stratum", "poll", "precision", "root_delay", "root_disp", "kiss_code", "ref_id", "ref_addr"],
  ...["ref_time", "org_time", "rec_time", "xmt_time", "key_id", "digest", "num_exts"],
] as const;

/** Zeek's print of an NTP::StandardMessage: intervals in units, times as doubles. */
const standard = (m: NtpStandardMessage): string =>
  zeekRecord(
    STANDARD_FIELDS.map((f) => {
      const v = m[f as keyof NtpStandardMessage];
      if (typeof v === "number" && INTERVALS.has(f)) return [f, zeekInterval(v)] as const;
      return [f, typeof v === "number" && TIMES.has(f) ? zeekPrintDouble(v) : v] as const;
    }),
  );

const CONTROL_FIELDS = ["op_code", "resp_bit", "err_bit", "more_bit", "sequence", "status", "association_id", "data", "key_id", "crypto_checksum"] as const;
const MODE7_FIELDS = ["req_code", "auth_bit", "sequence", "implementation", "err", "data"] as const;

/** Zeek's print of an NTP::Message. */
const message = (m: NtpMessage): string =>
  zeekRecord([
    ["version", m.version],
    ["mode", m.mode],
    ["std_msg", m.std_msg === undefined ? undefined : standard(m.std_msg)],
    ["control_msg", m.control_msg === undefined ? undefined : zeekFields(m.control_msg, CONTROL_FIELDS)],
    ["mode7_msg", m.mode7_msg === undefined ? undefined : zeekFields(m.mode7_msg, MODE7_FIELDS)],
  ]);

const hosts = (c: Connection): string => `${c.id.orig_h} -> ${c.id.resp_h}:${c.id.resp_p}`;

/** `print fmt("ntp_message %s -> %s:%d %s", …, msg)`. */
const messages: Twin = (engine, print) => engine.on("ntp_message", (c, _isOrig, msg) => print(zeekString(`ntp_message ${hosts(c)} ${message(msg)}`)));

/** `cat(d)[0:-1]` read back `as double as interval`: the interval printed as a double, its last character dropped. */
const shortened = (v: number): number => Number(zeekDouble(v).slice(0, -1));

/**
 * ntp3's and ntp-digest's handler: on the messages the script counts to
 * (`msg_count == N`), root_disp (and in ntp3 root_delay) is shortened by a
 * character first, "a hack around unstable floating point output on
 * 32-bit"; the numbers and fields are read from the btest's script.
 */
function shortenedMessages(name: string): Twin {
  const script = zeek?.read(`${DIR}/${name}.test`) ?? "";
  const counts = new Set([...script.matchAll(/msg_count == (\d+)/g)].map((m) => Number(m[1])));
  const fields = (["root_disp", "root_delay"] as const).filter((f) => script.includes(`msg$std_msg$${f} = s as double as interval`));
  return (engine, print) => {
    let count = 0;
    engine.on("ntp_message", (c, _isOrig, msg) => {
      const std = msg.std_msg;
      if (counts.has(++count) && std !== undefined) for (const f of fields) std[f] = shortened(std[f]);
      print(zeekString(`ntp_message ${hosts(c)} ${message(msg)}`));
    });
  };
}

const BTESTS: ReadonlyArray<{ name: string; what: string; twin: Twin }> = [
  {
    name: "misordered-ntp",
    what: "the history of a connection whose reply comes before its request",
    twin: (engine, print) => engine.on("ntp_message", (c) => print(`ntp_message ${hosts(c)} (${c.history})`)),
  },
  { name: "ntp", what: "client and server messages", twin: messages },
  { name: "ntp2", what: "more client and server messages", twin: messages },
  { name: "ntp3", what: "a synchronisation's messages, and nothing on standard error", twin: shortenedMessages("ntp3") },
  { name: "ntp-digest", what: "messages with a key id and digest, and nothing on standard error", twin: shortenedMessages("ntp-digest") },
];

for (const { name, what, twin } of BTESTS) {
  test(`Zeek's btest ntp/${name}: ${what}, as Zeek's baseline`, async (t) => {
    const b = readBtest(t, SUITE, name);
    if (b !== null) await replayBtest(b, twin);
  });
}
