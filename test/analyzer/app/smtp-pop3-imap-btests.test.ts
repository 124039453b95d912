/**
 * Zeek's btests of base/protocols/smtp, pop3 and imap whose scripts print
 * from event handlers (so btest-applogs.test.ts, which replays scripts of @load lines
 * and redefs only, leaves them out), replayed (test/helpers/btest-replay.ts):
 * what each btest runs is read from it (its zeek command's trace and flags,
 * its @load lines and redefs, its zeek-cut and btest-diff commands), its
 * handlers have a TypeScript twin, and every file it compares (the printed
 * lines, whole logs, cut logs, a log it wants absent) is compared with
 * Zeek's baseline after btest's default canonifier. Zeek's source ($BRONZE_ZEEK_SOURCE or ../zeek) and
 * the corpus trace are the oracles: without them the tests skip, saying so.
 */
import { test } from "node:test";
import { readBtest, replayBtest, type Twin } from "../../helpers/btest-replay.js";
import { zeekDouble, zeekHeaderList, zeekString } from "../../helpers/zeek-print.js";
import { zeekSource } from "../../signatures/btest-harness.js";

const zeek = zeekSource();
const DIR = "testing/btest/scripts/base/protocols";
const WHAT = "its mail btests";

const tf = (b: boolean): string => (b ? "T" : "F");

/** `print c$uid, is_orig, command, arg;` in smtp_request (with a leading "smtp_request" when `named`). */
function requests(named: boolean): Twin {
  return (engine, print) =>
    engine.on("smtp_request", (c, isOrig, command, arg) =>
      print([...(named ? ["smtp_request"] : []), c.uid, tf(isOrig), zeekString(command), zeekString(arg)].join(", ")),
    );
}

/** requests(true), and `print "smtp_reply", c$uid, is_orig, code, cmd, msg;` in smtp_reply. */
const requestsAndReplies: Twin = (engine, print, trace, options) => {
  requests(true)(engine, print, trace, options);
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

for (const { name, what, twin } of [...BTESTS, ...OTHER_BTESTS]) {
  test(`Zeek's btest ${name}: ${what}, as Zeek's baselines`, async (t) => {
    const [protocol, btest] = name.split("/") as [string, string];
    const b = readBtest(t, { zeek, dir: `${DIR}/${protocol}`, what: WHAT }, btest);
    if (b !== null) await replayBtest(b, twin);
  });
}
