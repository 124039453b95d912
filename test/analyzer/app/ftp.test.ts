/**
 * The FTP analyzer and the ftp script on self-made sessions: commands and
 * replies paired (multi-line replies, pipelining), user and password, PASV,
 * PORT, EPRT and EPSV turned into expected data connections whose conn.log
 * service is ftp-data and whose transfer is a file (mime type, size, fuid in
 * ftp.log), AUTH TLS handing over to SSL, Zeek's weirds and violations; the
 * parsers of the ftp BIFs and path helpers; hostile streams never throw.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { decodeBase64Strict } from "../../../src/analyzer/app/ftp/adat.js";
import {
  buildPathCompressed,
  compressPath,
  extractCount,
  extractPath,
  parseEftpPort,
  parseFtpEpsv,
  parseFtpPasv,
  parseFtpPort,
} from "../../../src/analyzer/app/ftp/utils.js";
import { Engine } from "../../../src/engine.js";
import { loadBuiltinScripts } from "../../../src/index.js";
import { memorySource, type TestPacket } from "../../helpers/packets.js";
import { rng } from "../../helpers/rng.js";
import { CLIENT, SERVER, type Seg, tcpTrace } from "../../session/harness.js";
import { fuzzRounds, rows, segments, type TimedStep } from "./tcp-conv.js";

/** One step of a conversation: when, who, what. */
type Step = TimedStep;

/** A TCP conversation from t0: handshake, the steps (server data acked), FINs at `end` (1 ms apart). */
function conversation(t0: number, steps: Step[], end: number): Seg[] {
  return segments(steps, t0, { tick: 0.001, ackDelay: 0.0001, end });
}

interface Result {
  ftp: string[][];
  files: string[][];
  conn: string[][];
  weird: string[][];
  events: string[];
}

async function run(packets: TestPacket[], settings: string[] = []): Promise<Result> {
  const engine = new Engine({ settings });
  const scripts = loadBuiltinScripts(engine, { memory: true });
  const events: string[] = [];
  engine.on("ftp_request", (_c, cmd, arg) => events.push(`request ${cmd} ${arg}`));
  engine.on("ftp_reply", (_c, code, msg, cont) => events.push(`reply ${code} ${msg}${cont ? " (cont)" : ""}`));
  engine.on("ftp_starttls", () => events.push("starttls"));
  engine.on("analyzer_violation_info", (atype, info) => events.push(`violation ${atype} ${info.reason}`));
  engine.on("analyzer_confirmation_info", (atype) => events.push(`confirm ${atype}`));
  packets.sort((a, b) => a.ts - b.ts);
  await engine.run(memorySource(packets));
  const text = (p: string) => scripts.logs.text(p);
  return { ftp: rows(text("ftp")), files: rows(text("files")), conn: rows(text("conn")), weird: rows(text("weird")), events };
}

/** ftp.log columns. */
const L = { user: 6, password: 7, command: 8, arg: 9, mime: 10, size: 11, code: 12, msg: 13, passive: 14, dOrig: 15, dResp: 16, dPort: 17, fuid: 18 };
/** conn.log columns. */
const C = { respP: 5, service: 7 };

const GREETING: Step = [1.01, "s", "220 test server ready\r\n"];

test("a passive download: PASV makes an expected connection (ftp-data), its bytes a file whose fuid, mime type and size fill the RETR row", async () => {
  const body = "hello, this is a plain text file\n".repeat(200);
  const control = conversation(
    1,
    [
      GREETING,
      [1.02, "c", "USER anonymous\r\n"],
      [1.03, "s", "331 Guest login ok\r\n"],
      [1.04, "c", "PASS me@example.com\r\n"],
      [1.05, "s", "230 Logged in\r\n"],
      [1.06, "c", "CWD /pub\r\n"],
      [1.07, "s", "250 CWD ok\r\n"],
      [1.08, "c", "PASV\r\n"],
      [1.09, "s", "227 Entering Passive Mode (192,0,2,10,39,16).\r\n"],
      [1.1, "c", "RETR notes.txt\r\n"],
      [1.11, "s", `150 Opening BINARY mode data connection for notes.txt (${body.length} bytes)\r\n`],
      [1.3, "s", "226 Transfer complete\r\n"],
      [1.31, "c", "QUIT\r\n"],
      [1.32, "s", "221 Bye\r\n"],
    ],
    1.4,
  );
  const data = conversation(
    1.12,
    [
      [1.2, "s", body.slice(0, 3000)],
      [1.21, "s", body.slice(3000)],
    ],
    1.25,
  );
  const r = await run([...tcpTrace(control, { sport: 21, cport: 40000 }), ...tcpTrace(data, { sport: 39 * 256 + 16, cport: 40001 })]);
  assert.deepEqual(
    r.ftp.map((f) => [f[L.user], f[L.password], f[L.command], f[L.arg], f[L.passive], f[L.dOrig], f[L.dResp], f[L.dPort]]),
    [
      ["anonymous", "me@example.com", "PASV", "-", "T", CLIENT, SERVER, "10000"],
      ["anonymous", "me@example.com", "RETR", `ftp://${SERVER}/pub/notes.txt`, "-", "-", "-", "-"],
    ],
  );
  const retr = r.ftp[1]!;
  assert.equal(retr[L.mime], "text/plain");
  assert.equal(retr[L.size], `${body.length}`);
  assert.equal(retr[L.code], "226");
  assert.equal(r.files.length, 1);
  assert.equal(retr[L.fuid], r.files[0]![1]);
  assert.equal(r.files[0]![7], "FTP_DATA");
  assert.equal(r.files[0]![15], `${body.length}`);
  assert.deepEqual(
    r.conn.map((c) => [c[C.respP], c[C.service]]),
    [
      ["21", "ftp"],
      ["10000", "ftp-data"],
    ],
  );
  assert.ok(r.events.indexOf("confirm FTP") < r.events.indexOf("request USER anonymous"));
});

test("multi-line replies: inner lines come with code 0 and cont_resp; only the closing line with the same code ends the reply", async () => {
  const r = await run(
    tcpTrace(
      conversation(
        1,
        [
          [1.01, "s", "220-Welcome\r\n220-second line\r\n   220 indented is not the end\r\n220 ready\r\n"],
          [1.02, "c", "USER bob\r\n"],
          [1.03, "s", "331 Password required\r\n"],
        ],
        1.1,
      ),
      { sport: 21 },
    ),
  );
  assert.deepEqual(
    r.events.filter((e) => e.startsWith("reply")),
    [
      "reply 220 Welcome (cont)",
      "reply 0 220-second line (cont)",
      "reply 0    220 indented is not the end (cont)",
      "reply 220 ready",
      "reply 331 Password required",
    ],
  );
});

test("pipelined commands are paired with their replies; a non-guest password is hidden; PORT and EPRT expect the server to connect (the data channel column is lost to the pairs written before, as in Zeek)", async () => {
  const r = await run(
    tcpTrace(
      conversation(
        1,
        [
          GREETING,
          [1.02, "c", "USER bob\r\nPASS secret\r\nPORT 10,0,0,1,156,65\r\nEPRT |1|10.0.0.1|40002|\r\nSTOR up.bin\r\n"],
          [1.03, "s", "331 need password\r\n230 ok\r\n200 PORT command successful\r\n200 EPRT command successful\r\n"],
          [1.04, "s", "550 Permission denied\r\n"],
          [1.05, "c", "QUIT\r\n"],
        ],
        1.1,
      ),
      { sport: 21 },
    ),
  );
  assert.ok(r.events.includes("request PORT 10,0,0,1,156,65"));
  assert.deepEqual(
    r.ftp.map((f) => [f[L.user], f[L.password], f[L.command], f[L.arg], f[L.code], f[L.passive], f[L.dOrig], f[L.dResp], f[L.dPort]]),
    [
      ["bob", "<hidden>", "PORT", "10,0,0,1,156,65", "200", "-", "-", "-", "-"],
      ["bob", "<hidden>", "EPRT", "|1|10.0.0.1|40002|", "200", "-", "-", "-", "-"],
      ["bob", "<hidden>", "STOR", `ftp://${SERVER}/./up.bin`, "550", "-", "-", "-", "-"],
    ],
  );
});

test("FTP::logged_commands chooses the rows, FTP::default_capture_password shows the password", async () => {
  const session = tcpTrace(
    conversation(
      1,
      [GREETING, [1.02, "c", "USER bob\r\n"], [1.03, "s", "331 need password\r\n"], [1.04, "c", "PASS se:cret\r\n"], [1.05, "s", "230 ok\r\n"]],
      1.1,
    ),
    { sport: 21 },
  );
  const r = await run([...session], ['FTP::logged_commands+={"USER", "PASS"}', "FTP::default_capture_password=T"]);
  assert.deepEqual(
    r.ftp.map((f) => [f[L.user], f[L.password], f[L.command], f[L.arg], f[L.code]]),
    [
      ["bob", "-", "USER", "bob", "331"],
      ["bob", "se:cret", "PASS", "se:cret", "230"],
    ],
  );
  const hidden = await run([...session], ['FTP::logged_commands+={"PASS"}']);
  assert.deepEqual(
    hidden.ftp.map((f) => [f[L.password], f[L.command], f[L.arg]]),
    [["<hidden>", "PASS", "<hidden>"]],
  );
});

test("a session that logged no command but named a user gets one summary row", async () => {
  const r = await run(
    tcpTrace(
      conversation(
        1,
        [GREETING, [1.02, "c", "USER ftp\r\n"], [1.03, "s", "331 ok\r\n"], [1.04, "c", "PASS guest@\r\n"], [1.05, "s", "530 Login incorrect\r\n"]],
        1.1,
      ),
      { sport: 21 },
    ),
  );
  assert.deepEqual(
    r.ftp.map((f) => [f[L.user], f[L.password], f[L.command], f[L.arg], f[L.code], f[L.msg]]),
    [["ftp", "guest@", "PASS", "guest@", "530", "Login incorrect"]],
  );
});

test("weirds: long commands once confirmed, too many pending commands, a long user", async () => {
  const many = Array.from({ length: 22 }, (_, i) => `NOOP ${i}\r\n`).join("");
  const r = await run(tcpTrace(conversation(1, [GREETING, [1.02, "c", `USER ${"u".repeat(130)}\r\n${"X".repeat(101)} arg\r\n${many}`]], 1.1), { sport: 21 }));
  const weirds = r.weird.map((w) => `${w[6]} ${w[7]}`);
  assert.ok(weirds.includes("FTP_max_command_length_exceeded 101 > 100"), weirds.join("; "));
  assert.ok(weirds.includes("FTP_user_too_long 130"), weirds.join("; "));
  assert.ok(weirds.includes("FTP_too_many_pending_commands 20"), weirds.join("; "));
  assert.ok(r.conn[0]![15]!.includes("X"), "the limit weird marks the history");
});

test("FTP::max_expected_data_channels: a PORT past the bound expects nothing and is one weird of no connection (its addl the table's size); 0 is no bound", async () => {
  const ports = [40001, 40002, 40003].map((p) => `PORT 10,0,0,1,${p >> 8},${p & 255}\r\n`).join("");
  const replies = "200 PORT command successful\r\n".repeat(3);
  const session = tcpTrace(conversation(1, [GREETING, [1.02, "c", ports], [1.03, "s", replies]], 1.1), { sport: 21 });
  const capped = await run([...session], ["FTP::max_expected_data_channels=2"]);
  // uid and the connection's columns are unset: Zeek's net_weird, not conn_weird.
  assert.deepEqual(
    capped.weird.map((w) => [w[1], w[2], w[6], w[7]]),
    [["-", "-", "FTP_too_many_expected_data_channels", "2"]],
  );
  const unbounded = await run([...session], ["FTP::max_expected_data_channels=0"]);
  assert.deepEqual(unbounded.weird, []);
});

test("a command word is checked for printable bytes before its length (is_ftp_cmd, then the limit)", async () => {
  // 150 printable bytes, then a control byte inside the same word: no command at all, so no limit weird.
  const bad = `${"Y".repeat(150)}\x01Z arg`;
  const r = await run(tcpTrace(conversation(1, [GREETING, [1.02, "c", `USER a\r\n${bad}\r\n${"X".repeat(150)}\r\n`]], 1.1), { sport: 21 }));
  const weirds = r.weird.map((w) => `${w[6]} ${w[7]}`);
  assert.deepEqual(
    weirds.filter((w) => w.startsWith("FTP_")),
    ["FTP_invalid_command -", "FTP_max_command_length_exceeded 150 > 100"],
  );
});

test("before a command confirms FTP, a word too long for one is dropped without a weird (read only to the limit)", async () => {
  // A megabyte "line" of letters on port 21, a long word with a bad byte after the limit, then a real command.
  const junk = `${"A".repeat(1 << 20)}\r\n${"B".repeat(120)}\x01\r\n`;
  const r = await run(tcpTrace(conversation(1, [[1.005, "c", junk], GREETING, [1.02, "c", `USER a\r\n${"X".repeat(101)}\r\n`]], 1.1), { sport: 21 }));
  const weirds = r.weird.map((w) => `${w[6]} ${w[7]}`).filter((w) => w.startsWith("FTP_"));
  // Only the long word after USER confirmed the analyzer counts.
  assert.deepEqual(weirds, ["FTP_max_command_length_exceeded 101 > 100"]);
  assert.deepEqual(
    r.ftp.map((f) => f[L.command]),
    ["USER"],
  );
});

test("a line past Zeek's 16 MiB - 100 bound is NVT's nvt_line_size_exceeded (that length, 'X' in the history), the CR before the dropped byte left out", async () => {
  // As the corpus' nvt-line-limit-crlf-heap-buffer-overflow trace: the buffer fills with a trailing CR, one byte is dropped, then LF.
  const max = 16 * 1024 * 1024 - 100;
  const line = `${"A".repeat(max - 1)}\r!\n`;
  const segs = segments([[1.02, "c", line]], 1, { tick: 0.001, ackDelay: 0.0001, end: 1.1, mss: 1400 });
  const r = await run(tcpTrace(segs, { sport: 21 }));
  assert.deepEqual(
    r.weird.map((w) => [w[6], w[7], w[10]]),
    [["nvt_line_size_exceeded", String(max), "NVT"]],
  );
  assert.match(r.conn[0]![15]!, /X/);
});

test("replies that are not replies are violations with Zeek's reasons", async () => {
  for (const [line, reason] of [
    ["xyz not a code", "non-numeric reply code"],
    ["099 too small", "invalid reply code"],
    ["200x no space", "invalid reply line"],
  ]) {
    const r = await run(tcpTrace(conversation(1, [GREETING, [1.02, "c", "USER a\r\n"], [1.03, "s", `${line}\r\n`]], 1.1), { sport: 21 }));
    assert.deepEqual(
      r.events.filter((e) => e.startsWith("violation")),
      [`violation FTP ${reason}`],
    );
  }
});

test("violations on a partial connection or after a content gap are dropped (Zeek's TCP application analyzers filter them)", async () => {
  const violations = async (segs: Seg[]) => (await run(tcpTrace(segs, { sport: 21 }))).events.filter((e) => e.startsWith("violation"));
  const bad: Step = [1.03, "s", "xyz not a code\r\n"];
  const opts = { tick: 0.001, ackDelay: 0.0001, end: 1.1 };
  // Complete: reported.
  assert.deepEqual(await violations(segments([GREETING, [1.02, "c", "USER a\r\n"], bad], 1, opts)), ["violation FTP non-numeric reply code"]);
  // The client's bytes the server acks but nobody saw: a gap, then the bad reply.
  assert.deepEqual(await violations(segments([GREETING, [1.02, "c", "USER a\r\n"], ["gap-c", 10], bad], 1, opts)), []);
  // No handshake: the capture joined mid-stream.
  const partial = segments([GREETING, [1.02, "c", "USER a\r\n"], bad], 1, opts).filter((seg) => !seg.flags.includes("S"));
  assert.deepEqual(await violations(partial), []);
});

test("AUTH TLS answered by 234 raises ftp_starttls and the rest of the stream is not FTP any more", async () => {
  const r = await run(
    tcpTrace(
      conversation(1, [GREETING, [1.02, "c", "AUTH TLS\r\n"], [1.03, "s", "234 Proceed with negotiation.\r\n"], [1.04, "c", "USER not-ftp-any-more\r\n"]], 1.1),
      { sport: 21 },
    ),
  );
  assert.ok(r.events.includes("starttls"));
  assert.ok(!r.events.some((e) => e.includes("not-ftp-any-more")));
});

test("Telnet commands are taken out of lines, a lone CR stays in one, LF alone ends one", async () => {
  const r = await run(tcpTrace(conversation(1, [GREETING, [1.02, "c", "US\xff\xf4ER a\xff\xff\r\nSY\xff\xfb\x01ST\nNOOP\rX\r\n"]], 1.1), { sport: 21 }));
  assert.deepEqual(
    r.events.filter((e) => e.startsWith("request")),
    ["request USER a\xff", "request SYST ", "request NOOP \rX"],
  );
  assert.ok(r.weird.some((w) => w[6] === "line_terminated_with_single_CR" && w[10] === "NVT"));
});

test("DPD finds FTP on another port from USER and a 220/331 exchange", async () => {
  const r = await run(
    tcpTrace(
      conversation(
        1,
        [
          [1.01, "s", "220 hi\r\n"],
          [1.02, "c", "USER x\r\n"],
          [1.03, "s", "331 pw\r\n"],
        ],
        1.1,
      ),
      { sport: 2121 },
    ),
  );
  assert.equal(r.conn[0]![C.service], "ftp");
});

test("the ftp BIF parsers: PORT, EPRT, PASV, EPSV as Zeek's", () => {
  assert.deepEqual(parseFtpPort("10,0,0,1,4,31"), { h: "10.0.0.1", p: 1055, valid: true });
  assert.equal(parseFtpPort("10,0,0,1,4,256").valid, false);
  assert.equal(parseFtpPort("1,2,3,4,5").valid, false);
  assert.deepEqual(parseFtpPasv("Entering Passive Mode (192,168,1,2,200,10)."), { h: "192.168.1.2", p: 51210, valid: true });
  assert.deepEqual(parseFtpPasv("Entering Passive Mode 192,168,1,2,200,10"), { h: "192.168.1.2", p: 51210, valid: true });
  assert.deepEqual(parseFtpPasv("PORT 1,2,3,4,0,21"), { h: "1.2.3.4", p: 21, valid: true });
  assert.equal(parseFtpPasv("").valid, false);
  assert.deepEqual(parseFtpEpsv("Entering Extended Passive Mode (|||6446|)"), { h: "::", p: 6446, valid: true });
  assert.equal(parseFtpEpsv("no parenthesis").valid, false);
  assert.deepEqual(parseEftpPort("|2|2001:DB8::0:1|5282|"), { h: "2001:db8::1", p: 5282, valid: true });
  assert.deepEqual(parseEftpPort("|1|10.0.0.1|70000|"), { h: "10.0.0.1", p: 0, valid: false });
  assert.equal(parseEftpPort("|1|10.0.0.300|21|").valid, false);
});

test("paths and counts as Zeek's utils: compress_path, build_path_compressed, extract_path, extract_count", () => {
  assert.equal(compressPath("/1/./2/3"), "/1/2/3");
  assert.equal(compressPath("/1/2/../3"), "/1/3");
  assert.equal(compressPath("./zeek/../.."), "..");
  assert.equal(compressPath("zeek/.."), "");
  assert.equal(compressPath("1/2//3///"), "1/2/3");
  assert.equal(compressPath("/.."), "/..");
  assert.equal(buildPathCompressed(".", "a.txt"), "./a.txt");
  assert.equal(buildPathCompressed("/pub/x", "../y"), "/pub/y");
  assert.equal(buildPathCompressed("/pub", "/abs"), "/abs");
  assert.equal(extractPath('"/home/ftp" is current directory'), "/home/ftp");
  assert.equal(extractPath("no path"), "");
  assert.equal(extractCount("Opening (77 bytes) for 2 files", false), 2);
  assert.equal(extractCount("Opening for /README", false), 0);
});

test("ADAT tokens decode as Zeek's decode_base64: an illegal byte fails the token with one weird", () => {
  const weirds: string[] = [];
  assert.equal(Buffer.from(decodeBase64Strict(Buffer.from("aGVsbG8="), (w) => weirds.push(w))!).toString(), "hello");
  assert.equal(
    decodeBase64Strict(Buffer.from("aGV sbG8="), (w) => weirds.push(w)),
    null,
  );
  assert.deepEqual(weirds, ["character 32 ignored by Base64 decoding"]);
});

/** Random and mutated FTP pieces. */
const LINES = [
  "USER anonymous\r\n",
  "PASS x\r\n",
  "PASV\r\n",
  "EPSV\r\n",
  "PORT 1,2,3,4,5,6\r\n",
  "EPRT |2|::1|99|\r\n",
  "RETR f\r\n",
  "CWD ..\r\n",
  "AUTH GSSAPI\r\n",
  "ADAT FgMBAAE=\r\n",
  "AUTH TLS\r\n",
  "\xff\xfa\x18\x01",
  "\x00\x00",
  "PWD\r\n",
];
const REPLIES = [
  "220 hi\r\n",
  "227 Entering Passive Mode (1,2,3,4,5,6)\r\n",
  "229 (|||7|)\r\n",
  "230-a\r\n230 b\r\n",
  "334 ADAT=FgMBAAE=\r\n",
  "234 go\r\n",
  '257 "/x"\r\n',
  "150 (12 bytes)\r\n",
  "abc\r\n",
  "2\r\n",
  "\r\n",
];

test("random and mutated FTP sessions never throw out of the analyzer or a handler", async () => {
  const r = rng(0xf7b);
  await fuzzRounds(3, (round) => {
    const packets: TestPacket[] = [];
    for (let i = 0; i < 20; i++) {
      const t0 = 1 + round * 100 + i;
      const steps: Step[] = [];
      for (let k = 0; k < 12; k++) {
        const from = r() < 0.5 ? "c" : "s";
        const pool = from === "c" ? LINES : REPLIES;
        let piece = Buffer.from(pool[Math.floor(r() * pool.length)]!, "latin1");
        if (r() < 0.3) piece = Buffer.from(piece.map((b) => (r() < 0.1 ? Math.floor(r() * 256) : b)));
        if (r() < 0.1) piece = Buffer.alloc(Math.floor(r() * 3000), 0x41);
        steps.push([t0 + 0.01 * (k + 1), from, piece]);
      }
      packets.push(...tcpTrace(conversation(t0, steps, t0 + 0.5), { sport: 21, cport: 40000 + i }));
    }
    return packets;
  });
});

test("expected connections as Zeek's schedule_analyzer: a wildcard originator, not used up by a match, gone after the timeout, extended when scheduled again", async () => {
  const { AnalyzerRegistry } = await import("../../../src/analyzer/app/registry.js");
  const { FTP_DATA } = await import("../../../src/analyzer/app/ftp/ftp.js");
  const reg = new AnalyzerRegistry();
  reg.register(FTP_DATA);
  reg.expect("0.0.0.0", "192.0.2.1", 2000, "tcp", "FTP_DATA", 100, 0);
  assert.equal(reg.mayExpect(2000), true);
  assert.equal(reg.mayExpect(2001), false);
  assert.deepEqual(
    reg.takeExpected("10.0.0.9", "192.0.2.1", 2000, "tcp", 50).map((c) => c.name),
    ["FTP_DATA"],
  );
  assert.deepEqual(
    reg.takeExpected("10.0.0.8", "192.0.2.1", 2000, "tcp", 60).map((c) => c.name),
    ["FTP_DATA"],
  );
  assert.deepEqual(reg.takeExpected("10.0.0.8", "192.0.2.1", 2000, "udp", 60), []);
  assert.deepEqual(reg.takeExpected("10.0.0.8", "192.0.2.1", 2000, "tcp", 101), []);
  reg.expect("10.0.0.1", "192.0.2.1", 2000, "tcp", "FTP_DATA", 200, 90);
  reg.expect("10.0.0.1", "192.0.2.1", 2000, "tcp", "FTP_DATA", 300, 150);
  assert.equal(reg.hasExpected("10.0.0.2", "192.0.2.1", 2000, "tcp", 160), false);
  assert.equal(reg.hasExpected("10.0.0.1", "192.0.2.1", 2000, "tcp", 250), true);
  reg.expect("10.0.0.1", "192.0.2.7", 9, "tcp", "FTP_DATA", 500, 400);
  assert.equal(reg.mayExpect(2000), false, "the sweep on a new schedule drops what expired");
});

test("expected connections expire earliest first, an extended one when its new end passes (the expiry heap against a plain sweep)", async () => {
  const { AnalyzerRegistry } = await import("../../../src/analyzer/app/registry.js");
  const { FTP_DATA } = await import("../../../src/analyzer/app/ftp/ftp.js");
  const reg = new AnalyzerRegistry();
  reg.register(FTP_DATA);
  // Port p is expected until `ends[p]`; every third is scheduled again later with a longer lifetime.
  const ends = new Map<number, number>();
  let now = 0;
  for (let i = 0; i < 300; i++) {
    now += 1;
    const port = 3000 + (i % 100);
    const until = now + (i % 3 === 0 ? 250 : 40 + (i % 7));
    reg.expect(null, "192.0.2.1", port, "tcp", "FTP_DATA", until, now);
    ends.set(port, Math.max(ends.get(port) ?? 0, until));
    for (const [p, end] of ends) assert.equal(reg.mayExpect(p), end >= now, `port ${p} at ${now}`);
  }
});
