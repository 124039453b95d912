/**
 * The mail analyzers on self-made conversations: SMTP (the session and its
 * log, pipelining, headers and the Received path, MIME parts as files with
 * their filenames and depths, BDAT chunks, STARTTLS to SSL, content gaps,
 * malformed commands and replies, Zeek's weirds and limits), POP3 (logins,
 * RETR to files, STLS), IMAP (capabilities, STARTTLS) and XMPP (StartTLS);
 * and the helpers of the SMTP script (addresses, BDAT arguments).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseImapChunk } from "../../../src/analyzer/app/imap/imap.js";
import { Base64Converter, type OctetSink } from "../../../src/analyzer/app/mime/decode.js";
import { BdatChunks, parseBdatArg } from "../../../src/analyzer/app/smtp/bdat.js";
import { extractEmailAddrs, extractEmailAddrsSet, extractIpAddresses, splitMimeEmailAddresses } from "../../../src/analyzer/app/smtp/script.js";
import { parseXmppChunk } from "../../../src/analyzer/app/xmpp/xmpp.js";
import { Engine } from "../../../src/engine.js";
import { loadBuiltinScripts } from "../../../src/index.js";
import { TableHasher } from "../../../src/zeek-table/hash.js";
import { memorySource } from "../../helpers/packets.js";
import { type Seg, tcpTrace, ZEEK_SEED } from "../../session/harness.js";
import { type Step as ConvStep, type GapStep, rows, segments } from "./tcp-conv.js";

type Step = ConvStep | GapStep;

/** Handshake, the steps (both sides acked, client data in 1460-byte segments), FINs. */
function conversation(steps: Step[]): Seg[] {
  return segments(steps, 0, { ackClient: true, mss: 1460 });
}

interface Result {
  logs: (path: string) => string[][];
  events: string[];
}

async function run(steps: Step[], sport: number): Promise<Result> {
  const engine = new Engine();
  const scripts = loadBuiltinScripts(engine, { memory: true });
  const events: string[] = [];
  engine.on("analyzer_violation_info", (atype, info) => events.push(`violation ${atype} ${info.reason}`));
  engine.on("analyzer_confirmation_info", (atype) => events.push(`confirm ${atype}`));
  engine.on("smtp_request", (_c, _o, cmd, arg) => events.push(`request ${cmd} ${arg}`));
  engine.on("smtp_reply", (_c, _o, code, cmd, msg, cont) => events.push(`reply ${code} ${cmd} ${msg}${cont ? " +" : ""}`));
  engine.on("smtp_unexpected", (_c, _o, msg, detail) => events.push(`unexpected ${msg}: ${detail}`));
  engine.on("smtp_starttls", () => events.push("smtp_starttls"));
  engine.on("mime_one_header", (_c, h) => events.push(`header ${h.name}=${h.value}`));
  engine.on("mime_entity_data", (_c, len, data) => events.push(`entity ${len} ${JSON.stringify(data)}`));
  engine.on("pop3_request", (_c, _o, cmd, arg) => events.push(`pop3_request ${cmd} ${arg}`));
  engine.on("pop3_reply", (_c, _o, cmd, msg) => events.push(`pop3_reply ${cmd} ${msg}`));
  engine.on("pop3_login_success", (_c, _o, user, pass) => events.push(`login ${user} ${pass}`));
  engine.on("pop3_login_failure", (_c, _o, user, pass) => events.push(`login_failure ${user} ${pass}`));
  engine.on("pop3_starttls", () => events.push("pop3_starttls"));
  engine.on("imap_capabilities", (_c, caps) => events.push(`caps ${caps.join(",")}`));
  engine.on("imap_starttls", () => events.push("imap_starttls"));
  engine.on("xmpp_starttls", () => events.push("xmpp_starttls"));
  await engine.run(memorySource(tcpTrace(conversation(steps), { sport })));
  return { logs: (p) => rows(scripts.logs.text(p)), events };
}

// smtp.log columns
const S = {
  depth: 6,
  helo: 7,
  mailfrom: 8,
  rcptto: 9,
  date: 10,
  from: 11,
  to: 12,
  cc: 13,
  replyTo: 14,
  msgId: 15,
  inReplyTo: 16,
  subject: 17,
  xip: 18,
  first: 19,
  second: 20,
  lastReply: 21,
  path: 22,
  ua: 23,
  tls: 24,
  fuids: 25,
};
// files.log columns
const F = { fuid: 1, source: 7, depth: 8, mime: 10, filename: 11, seen: 15, missing: 17 };

const GREETING: Step = ["s", "220 mx.example.com ESMTP\r\n"];

const MESSAGE = [
  "Received: from a.example.net (a.example.net [192.0.2.7]) by mx.example.com",
  "Received: from client (unknown [198.51.100.9]) by a.example.net",
  "From: Alice <alice@example.org>",
  'To: Bob <bob@example.com>, "Carol, C." <carol@example.com>',
  "Cc: dave@example.com",
  "Reply-To: alice@example.org",
  "Subject: Hello",
  "  again",
  "Date: Thu, 3 Dec 2026 10:00:00 +0000",
  "Message-ID: <1@example.org>",
  "In-Reply-To: <0@example.org>",
  "X-Originating-IP: [203.0.113.5]",
  "User-Agent: TestMailer 1.0",
  "MIME-Version: 1.0",
  'Content-Type: multipart/mixed; boundary="XX"',
  "",
  "preamble",
  "--XX",
  "Content-Type: text/plain",
  "",
  "Hi Bob,",
  "..dotted line",
  "--XX",
  'Content-Type: application/octet-stream; name="a.bin"',
  'Content-Disposition: attachment; filename="a.bin"',
  "Content-Transfer-Encoding: base64",
  "",
  Buffer.from("attachment bytes\n").toString("base64"),
  "--XX--",
  "",
].join("\r\n");

test("an SMTP session: envelope, headers, path, last reply, parts as files with depth and filename", async () => {
  const r = await run(
    [
      GREETING,
      ["c", "EHLO client.example.net\r\n"],
      ["s", "250-mx.example.com\r\n250-PIPELINING\r\n250 8BITMIME\r\n"],
      // Pipelined: MAIL, RCPT, RCPT, DATA in one segment.
      ["c", "MAIL FROM:<alice@example.org> SIZE=100\r\nRCPT TO:<bob@example.com>\r\nRCPT TO:<carol@example.com> ORCPT=rfc822;carol@example.com\r\nDATA\r\n"],
      ["s", "250 OK\r\n250 OK\r\n250 OK\r\n354 go ahead\r\n"],
      ["c", `${MESSAGE}.\r\n`],
      ["s", "250 queued as 42\r\n"],
      ["c", "QUIT\r\n"],
      ["s", "221 bye\r\n"],
    ],
    25,
  );
  assert.deepEqual(
    r.events.filter((e) => e.startsWith("violation")),
    [],
  );
  assert.ok(r.events.includes("confirm SMTP"));
  assert.ok(r.events.includes("request . ."));
  assert.ok(r.events.includes("reply 250 . queued as 42"));
  assert.ok(r.events.includes("reply 354 DATA go ahead"));
  assert.ok(r.events.includes("reply 250 EHLO mx.example.com +"));
  const smtp = r.logs("smtp");
  assert.equal(smtp.length, 1);
  const row = smtp[0]!;
  assert.equal(row[S.depth], "1");
  assert.equal(row[S.helo], "client.example.net");
  assert.equal(row[S.mailfrom], "alice@example.org");
  assert.deepEqual(row[S.rcptto]!.split(",").sort(), ["bob@example.com", "carol@example.com"]);
  // The comma inside an element is escaped in the log (\x2c), as Zeek's writer does.
  assert.deepEqual(row[S.to]!.split(",").sort(), ['"Carol\\x2c C." <carol@example.com>', "Bob <bob@example.com>"].sort());
  assert.equal(row[S.cc], "dave@example.com");
  assert.equal(row[S.from], "Alice <alice@example.org>");
  assert.equal(row[S.replyTo], "alice@example.org");
  assert.equal(row[S.subject], "Hello  again");
  assert.equal(row[S.msgId], "<1@example.org>");
  assert.equal(row[S.inReplyTo], "<0@example.org>");
  assert.equal(row[S.xip], "203.0.113.5");
  assert.match(row[S.first]!, /unknown \[198\.51\.100\.9\]/);
  assert.match(row[S.second]!, /192\.0\.2\.7/);
  // The path: the connection's hosts, then the Received addresses in header order.
  const conn = r.logs("conn")[0]!;
  assert.equal(row[S.path], `${conn[4]},${conn[2]},192.0.2.7,198.51.100.9`);
  assert.equal(row[S.ua], "TestMailer 1.0");
  assert.equal(row[S.lastReply], "250 queued as 42");
  assert.equal(row[S.tls], "F");
  const files = r.logs("files");
  assert.equal(files.length, 2);
  assert.deepEqual(
    row[S.fuids]!.split(","),
    files.map((f) => f[F.fuid]),
  );
  assert.deepEqual(
    files.map((f) => [f[F.source], f[F.depth], f[F.filename], f[F.seen]]),
    [
      ["SMTP", "2", "-", String("Hi Bob,\r\n.dotted line".length)],
      ["SMTP", "3", "a.bin", String("attachment bytes\n".length)],
    ],
  );
  // The part's text is dot-unstuffed, and the CR LF before the boundary is not the part's.
  assert.ok(r.events.includes(`entity 21 ${JSON.stringify("Hi Bob,\r\n.dotted line")}`));
  assert.equal(r.logs("conn")[0]![7], "smtp");
});

test("two messages on one session get trans_depth 1 and 2; RSET and NOOP change nothing", async () => {
  const r = await run(
    [
      GREETING,
      ["c", "HELO c\r\n"],
      ["s", "250 hi\r\n"],
      ["c", "MAIL FROM:<a@x.org>\r\n"],
      ["s", "250 ok\r\n"],
      ["c", "RCPT TO:<b@y.org>\r\n"],
      ["s", "250 ok\r\n"],
      ["c", "DATA\r\n"],
      ["s", "354 go\r\n"],
      ["c", "Subject: one\r\n\r\nbody\r\n.\r\n"],
      ["s", "250 ok 1\r\n"],
      ["c", "RSET\r\n"],
      ["s", "250 reset\r\n"],
      ["c", "NOOP\r\n"],
      ["s", "250 noop\r\n"],
      ["c", "MAIL FROM:<c@x.org>\r\n"],
      ["s", "250 ok\r\n"],
      ["c", "RCPT TO:<d@y.org>\r\n"],
      ["s", "250 ok\r\n"],
      ["c", "DATA\r\n"],
      ["s", "354 go\r\n"],
      ["c", "Subject: two\r\n\r\nbody\r\n.\r\n"],
      ["s", "250 ok 2\r\n"],
    ],
    25,
  );
  const smtp = r.logs("smtp");
  assert.deepEqual(
    smtp.map((s) => [s[S.depth], s[S.helo], s[S.mailfrom], s[S.subject], s[S.lastReply]]),
    [
      ["1", "c", "a@x.org", "one", "250 ok 1"],
      ["2", "c", "c@x.org", "two", "250 ok 2"],
    ],
  );
});

test("BDAT chunks make one message; an invalid BDAT argument is a weird", async () => {
  const body = "Subject: chunked\r\n\r\nline one\r\nline two\r\n";
  const r = await run(
    [
      GREETING,
      ["c", "EHLO c\r\n"],
      ["s", "250-x\r\n250 CHUNKING\r\n"],
      ["c", "MAIL FROM:<a@x.org>\r\n"],
      ["s", "250 ok\r\n"],
      ["c", "RCPT TO:<b@y.org>\r\n"],
      ["s", "250 ok\r\n"],
      ["c", `BDAT 10\r\n${body.slice(0, 10)}`],
      ["s", "250 10 octets\r\n"],
      ["c", `BDAT ${body.length - 10} LAST\r\n${body.slice(10)}`],
      ["s", "250 message ok\r\n"],
      ["c", "BDAT 1x\r\n"],
      ["s", "500 what\r\n"],
    ],
    587,
  );
  const smtp = r.logs("smtp");
  assert.equal(smtp[0]![S.subject], "chunked");
  assert.equal(smtp[0]![S.lastReply], "250 message ok");
  assert.ok(r.events.includes(`entity 20 ${JSON.stringify("line one\r\nline two\r\n")}`));
  const weird = r.logs("weird").map((w) => [w[6], w[7]]);
  assert.ok(weird.some(([n, a]) => n === "smtp_invalid_bdat_command" && a === "BDAT chunk-size not valid"));
});

test("STARTTLS answered with 220 hands the stream to SSL (smtp,ssl; tls=T)", async () => {
  const hello = Buffer.from(`16030100310100002d0303${"00".repeat(32)}000004c02f00ff0100`, "hex");
  const r = await run([GREETING, ["c", "EHLO c\r\n"], ["s", "250 STARTTLS\r\n"], ["c", "STARTTLS\r\n"], ["s", "220 ready\r\n"], ["c", hello]], 25);
  assert.ok(r.events.includes("smtp_starttls"));
  const smtp = r.logs("smtp");
  assert.equal(smtp[0]![S.tls], "T");
  // Nothing after the 220 is read as SMTP.
  assert.ok(!r.events.some((e) => e.startsWith("unexpected unknown command")));
});

test("malformed SMTP: unknown commands, replies out of range, bare CR, NUL, a gap in DATA", async () => {
  const r = await run(
    [
      GREETING,
      ["c", "EHLO c\r\n"],
      ["s", "250 ok\r\n"],
      ["c", "FROBNICATE now\r\n"],
      ["s", "500 unknown\r\n"],
      ["c", "RCPT TO:<x@y.org>\r\n"],
      ["s", "250 ok\r\n"],
      ["c", "NO\0OP\r\n"],
      ["s", "250 ok\r\n"],
      ["c", "MAIL FROM:<a@x.org>\r\n"],
      ["s", "250 ok\r\n"],
      ["c", "RCPT TO:<b@y.org>\r\n"],
      ["s", "250 ok\r\n"],
      ["c", "DATA\r\n"],
      ["s", "354 go\r\n"],
      ["c", "Subject: gap\r\n\r\nbefore\r\n"],
      ["gap-c", 100],
      ["c", "after\r\n.\r\n"],
      ["s", "250 ok\r\n"],
      ["s", "9999 nonsense\r\n"],
    ],
    25,
  );
  assert.ok(r.events.includes("unexpected unknown command: FROBNICATE"));
  assert.ok(r.events.some((e) => e.startsWith("unexpected content gap: seq = ")));
  assert.ok(r.events.includes("request (UNKNOWN) "));
  // The connection had a content gap: Zeek's TCP application analyzers drop its violations.
  assert.ok(!r.events.some((e) => e.startsWith("violation")), r.events.join("; "));
  const weird = r.logs("weird").map((w) => [w[6], w[7], w[10]]);
  assert.ok(weird.some(([n, a, s]) => n === "smtp_mail_transaction_invalid" && a === "rcpt to missing mail from" && s === "SMTP"));
  assert.ok(weird.some(([n, , s]) => n === "NUL_in_line" && s === "CONTENTLINE"));
  // The message cut by the gap still makes a file with the missing bytes.
  const files = r.logs("files");
  assert.equal(files.length, 1);
  assert.equal(files[0]![F.missing], "100");
});

test("a reply code out of range is a violation on a complete connection", async () => {
  const r = await run([GREETING, ["c", "EHLO c\r\n"], ["s", "250 ok\r\n"], ["s", "9999 nonsense\r\n"]], 25);
  assert.ok(r.events.includes("violation SMTP reply code -1 out of range"), r.events.join("; "));
});

test("more than SMTP::max_invalid_mail_transactions invalid transactions: a limit weird and the analyzer is disabled", async () => {
  const steps: Step[] = [GREETING, ["c", "EHLO c\r\n"], ["s", "250 ok\r\n"]];
  for (let i = 0; i < 30; i++) steps.push(["c", `RCPT TO:<r${i}@y.org>\r\n`], ["s", "503 need MAIL\r\n"]);
  const r = await run(steps, 25);
  const weird = r.logs("weird");
  assert.ok(weird.some((w) => w[6] === "smtp_excessive_invalid_mail_transactions" && w[7] === "26 > 25" && w[10] === "SMTP"));
  // Disabled after the 26th: no more requests.
  assert.equal(r.events.filter((e) => e.startsWith("request RCPT")).length, 26);
  assert.match(r.logs("conn")[0]![15]!, /X/);
});

test("a folded header beyond MIME::max_header_bytes stops growing (limit weird, X in history)", async () => {
  const cont = ` ${"a".repeat(999)}\r\n`.repeat(70);
  const r = await run(
    [
      GREETING,
      ["c", "EHLO c\r\n"],
      ["s", "250 ok\r\n"],
      ["c", "MAIL FROM:<a@x.org>\r\n"],
      ["s", "250 ok\r\n"],
      ["c", "RCPT TO:<b@y.org>\r\n"],
      ["s", "250 ok\r\n"],
      ["c", "DATA\r\n"],
      ["s", "354 go\r\n"],
      ["c", `Subject: big\r\n${cont}\r\nbody\r\n.\r\n`],
      ["s", "250 ok\r\n"],
    ],
    25,
  );
  const weird = r.logs("weird").filter((w) => w[6] === "exceeded_mime_max_header_bytes");
  assert.equal(weird.length > 0, true);
  assert.match(r.logs("conn")[0]![15]!, /X/);
  // The subject is cut by the log stream's string bound (4096 bytes) with the logging weird.
  assert.equal(r.logs("smtp")[0]![S.subject]!.length, 4096);
  assert.ok(r.logs("weird").some((w) => w[6] === "log_string_field_truncated" && w[7] === "SMTP::LOG"));
});

test("POP3: USER/PASS login, RETR's message to a file, pipelined commands, STLS to SSL", async () => {
  const r = await run(
    [
      ["s", "+OK POP3 ready\r\n"],
      ["c", "USER alice\r\n"],
      ["s", "+OK\r\n"],
      ["c", "PASS secret\r\n"],
      ["s", "+OK logged in\r\n"],
      ["c", "STAT\r\nRETR 1\r\n"],
      ["s", "+OK 1 100\r\n+OK message follows\r\nSubject: hi\r\n\r\nhello there\r\n.\r\n"],
      ["c", "QUIT\r\n"],
      ["s", "+OK bye\r\n"],
    ],
    110,
  );
  assert.ok(r.events.includes("pop3_request USER alice"));
  assert.ok(r.events.includes("login alice secret"));
  assert.ok(r.events.includes("pop3_request RETR 1"));
  assert.ok(r.events.includes("pop3_reply OK message follows"));
  assert.ok(r.events.includes("confirm POP3"));
  const files = r.logs("files");
  assert.equal(files.length, 1);
  assert.equal(files[0]![F.source], "POP3");
  assert.equal(files[0]![F.seen], String("hello there\r\n".length));
  assert.equal(r.logs("conn")[0]![7], "pop3");
  const tls = await run(
    [
      ["s", "+OK POP3 ready\r\n"],
      ["c", "CAPA\r\n"],
      ["s", "+OK\r\nSTLS\r\n.\r\n"],
      ["c", "STLS\r\n"],
      ["s", "+OK begin TLS\r\n"],
    ],
    110,
  );
  assert.ok(tls.events.includes("pop3_starttls"));
});

test("POP3: an unknown server line is a violation, a bad AUTH answer a weird, a failed login an event", async () => {
  const r = await run(
    [
      ["s", "+OK POP3 ready\r\n"],
      ["c", "USER bob\r\n"],
      ["s", "+OK\r\n"],
      ["c", "PASS wrong\r\n"],
      ["s", "-ERR denied\r\n"],
      ["c", "AUTH PLAIN\r\n"],
      ["s", "+ \r\n"],
      ["c", "!!!not base64!!!\r\n"],
      ["s", "* what\r\n"],
    ],
    110,
  );
  assert.ok(r.events.includes("login_failure bob wrong"));
  const weird = r.logs("weird").map((w) => w[6]);
  assert.ok(weird.includes("pop3_bad_base64_encoding"));
  // The "+ " continuation is no POP3 reply while authenticating; "* what" later is no reply at all.
  assert.ok(!r.events.some((e) => e.startsWith("violation POP3 unknown server command (+)")));
});

test("IMAP: capabilities, STARTTLS answered OK hands the stream to SSL", async () => {
  const r = await run(
    [
      ["s", "* OK IMAP4rev1 ready\r\n"],
      ["c", "a1 CAPABILITY\r\n"],
      ["s", "* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED\r\na1 OK done\r\n"],
      ["c", "a2 STARTTLS\r\n"],
      ["s", "a2 OK Begin TLS\r\n"],
      ["c", Buffer.from(`160301002f0100002b0303${"11".repeat(32)}0000020035010000`, "hex")],
    ],
    143,
  );
  assert.ok(r.events.includes("confirm IMAP"));
  assert.ok(r.events.includes("caps IMAP4rev1,STARTTLS,LOGINDISABLED"));
  assert.ok(r.events.includes("imap_starttls"));
  assert.deepEqual(
    r.events.filter((e) => e.startsWith("violation IMAP")),
    [],
  );
});

test("XMPP: the client's stream confirms; starttls and proceed hand the stream to SSL", async () => {
  const r = await run(
    [
      ["c", "<?xml version='1.0'?><stream:stream to='example.com' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>"],
      [
        "s",
        "<?xml version='1.0'?><stream:stream from='example.com' id='1' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'><stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls></stream:features>",
      ],
      ["c", "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"],
      ["s", "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"],
    ],
    5222,
  );
  assert.ok(r.events.includes("confirm XMPP"));
  assert.ok(r.events.includes("xmpp_starttls"));
  assert.deepEqual(
    r.events.filter((e) => e.startsWith("violation")),
    [],
  );
});

test("the SMTP script's helpers: addresses as Zeek's utils find them", () => {
  assert.deepEqual(extractEmailAddrs("FROM:<a@b.org> SIZE=5"), ["a@b.org"]);
  assert.deepEqual(extractEmailAddrs("TO:<x@y.org>,<z@w.org>"), ["x@y.org", "z@w.org"]);
  assert.deepEqual(extractEmailAddrs("no address"), []);
  assert.deepEqual(splitMimeEmailAddresses('A <a@x.org>, "B, b" <b@x.org>, nobody'), ["A <a@x.org>", '"B, b" <b@x.org>']);
  assert.deepEqual(extractIpAddresses("from x ([10.1.2.3]) by y (10.9.9.9)"), ["10.1.2.3", "10.9.9.9"]);
  assert.deepEqual(extractIpAddresses("host 1.2.3.4x by [5.6.7.8]", true), ["5.6.7.8"]);
  // A leading zero makes no address (inet_pton's rule): 300.1.1.1 holds "00.1.1.1".
  assert.deepEqual(extractIpAddresses("via [2001:db8::1] and 300.1.1.1"), ["2001:db8::1"]);
});

test("the SMTP script's address sets come out in Zeek's order under the corpus seed", () => {
  const hash = new TableHasher(ZEEK_SEED).string;
  // smtp-multi-addr.pcap's To header, unfolded: find_all's set of parts (leading blanks and all), then a set of the stripped parts.
  const to = `"Jan Grashoefer" <jan.grashoefer@gmail.com>,        "Test Group":addr-spec@example.com, <angle-addr@example.com>,        "Test Member" <name-addr@example.com>;, jan.grashofer@cern.ch`;
  assert.deepEqual(splitMimeEmailAddresses(to, hash), [
    '"Jan Grashoefer" <jan.grashoefer@gmail.com>',
    "jan.grashofer@cern.ch",
    '"Test Member" <name-addr@example.com>;',
    '"Test Group":addr-spec@example.com',
    "<angle-addr@example.com>",
  ]);
  assert.deepEqual(new Set(extractEmailAddrsSet("TO:<x@y.org>,<z@w.org>,<x@y.org>", hash)), new Set(["x@y.org", "z@w.org"]));
});

test("BDAT arguments and chunk lines as Zeek's parser and line splitter read them", () => {
  assert.deepEqual(parseBdatArg("86 LAST"), { size: 86n, last: true });
  assert.deepEqual(parseBdatArg("86 last"), { size: 86n, last: true });
  assert.deepEqual(parseBdatArg("86"), { size: 86n, last: false });
  assert.equal(parseBdatArg(" 86 LAST").error, "BDAT not followed by a valid chunk-size");
  assert.equal(parseBdatArg("86LAST").error, "BDAT chunk-size not valid");
  assert.equal(parseBdatArg("86 LASTX").error, "BDAT chunk-size followed by junk");
  assert.equal(parseBdatArg("-42 LAST").error, "BDAT not followed by a valid chunk-size");
  assert.equal(parseBdatArg("184467440737095516150").error, "BDAT chunk-size too large");
  assert.equal(parseBdatArg("184467440737095516150 LAST").error, "BDAT argument bad length");
  assert.deepEqual(parseBdatArg("18446744073709551615 LAST"), { size: 18446744073709551615n, last: true });
  const lines: Array<[string, boolean]> = [];
  const weirds: string[] = [];
  const b = new BdatChunks({ line: (d, crlf) => lines.push([Buffer.from(d).toString("latin1"), crlf]), weird: (n) => weirds.push(n) }, 10);
  const parts = ["MIME-Version: 1.0\r", "Subject: Zeek", " Logo\n", "1234567890123\r\n"];
  b.nextChunk(true, BigInt(parts.join("").length));
  for (const p of parts) b.deliver(Buffer.from(p, "latin1"));
  assert.deepEqual(lines, [
    ["MIME-Versi", false],
    ["on: 1.0\r", false],
    ["Subject: Z", false],
    ["eek Logo\n", false],
    ["1234567890", false],
    ["123", true],
  ]);
  assert.ok(weirds.includes("smtp_bdat_line_cr_only") && weirds.includes("smtp_bdat_line_lf_only") && weirds.includes("smtp_bdat_line_too_long"));
});

/** Decoded bytes into an array. */
const sinkOf = (out: number[]): OctetSink => ({
  octet: (b) => {
    out.push(b);
  },
});

test("base64 as Zeek's converter decodes it: across lines, junk skipped once reported, padding", () => {
  const errs: string[] = [];
  const d = new Base64Converter((m) => errs.push(m));
  const out: number[] = [];
  d.decode(Buffer.from("aGVs"), sinkOf(out));
  d.decode(Buffer.from("bG8*"), sinkOf(out));
  d.decode(Buffer.from("h"), sinkOf(out));
  d.done(sinkOf(out));
  assert.equal(Buffer.from(out).toString(), "hello!");
  assert.deepEqual(errs, ["character 42 ignored by Base64 decoding"]);
  const e = new Base64Converter((m) => errs.push(m));
  const hi: number[] = [];
  e.decode(Buffer.from("aGk"), sinkOf(hi));
  e.done(sinkOf(hi));
  assert.equal(Buffer.from(hi).toString(), "hi");
  assert.equal(errs[1], "incomplete base64 group, padding with 6 bits of 0");
  // Data after the padding is dropped (one report per converter: the first error was the junk).
  const f = new Base64Converter((m) => errs.push(m));
  const pad: number[] = [];
  f.decode(Buffer.from("aGk=aGk="), sinkOf(pad));
  assert.equal(Buffer.from(pad).toString(), "hi");
  assert.equal(errs[2], "extra base64 groups after '=' padding are ignored");
});

test("IMAP and XMPP chunks: tokens up to the first that does not parse", () => {
  const seen: string[] = [];
  assert.equal(
    parseImapChunk(Buffer.from("a1 STARTTLS\r\n"), true, (t) => {
      seen.push(`${t.tag}/${t.command}`);
      return true;
    }),
    null,
  );
  assert.match(
    parseImapChunk(Buffer.from("a1 NOOP\r\n\x16\x03\x01"), true, (t) => {
      seen.push(`${t.tag}/${t.command}`);
      return true;
    }) ?? "",
    /binpac exception/,
  );
  assert.deepEqual(seen, ["a1/STARTTLS", "a1/NOOP"]);
  const names: string[] = [];
  assert.equal(
    parseXmppChunk(Buffer.from("<a x='1'>text</a>\n<b/>"), (t) => {
      names.push(t.name);
      return true;
    }),
    null,
  );
  assert.match(
    parseXmppChunk(Buffer.from("<c>hello <"), (t) => {
      names.push(t.name);
      return true;
    }) ?? "",
    /binpac exception/,
  );
  assert.deepEqual(names, ["a", "/a", "b", "c"]);
});
