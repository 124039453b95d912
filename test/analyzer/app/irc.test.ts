/**
 * The IRC analyzer and the irc script on self-made sessions: registration
 * (NICK, USER) and JOIN rows in irc.log, the events of commands and numeric
 * replies, a DCC SEND that schedules an IRC_DATA connection (service
 * irc-dcc-data) whose file gives the DCC row, acknowledgements, Zeek's weirds
 * and violations, STARTTLS; hostile streams never throw.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Engine } from "../../../src/engine.js";
import { loadBuiltinScripts } from "../../../src/index.js";
import { memorySource, type TestPacket } from "../../helpers/packets.js";
import { rng } from "../../helpers/rng.js";
import { CLIENT, SERVER, type Seg, tcpTrace } from "../../session/harness.js";
import { fuzzRounds, rows, segments, type TimedStep } from "./tcp-conv.js";

type Step = TimedStep;

/** A TCP conversation from t0: handshake, the steps (data of both sides acked), FINs at `end` (1 ms apart). */
function conversation(t0: number, steps: Step[], end: number): Seg[] {
  return segments(steps, t0, { tick: 0.001, ackDelay: 0.0001, end, ackClient: true });
}

interface Result {
  irc: string[][];
  files: string[][];
  conn: string[][];
  weird: string[][];
  events: string[];
}

async function run(packets: TestPacket[], engine = new Engine()): Promise<Result> {
  const scripts = loadBuiltinScripts(engine, { memory: true });
  const events: string[] = [];
  engine.on("irc_privmsg_message", (_c, _o, source, target, msg) => events.push(`privmsg ${source} ${target} ${msg}`));
  engine.on("irc_names_info", (_c, _o, type, channel, users) => events.push(`names ${type} ${channel} ${users.join(",")}`));
  engine.on("irc_reply", (_c, _o, _p, code, params) => events.push(`reply ${code} ${params}`));
  engine.on("irc_request", (_c, _o, _p, command, args) => events.push(`request ${command} ${args}`));
  engine.on("irc_quit_message", (_c, _o, nick, msg) => events.push(`quit ${nick} ${msg}`));
  engine.on("irc_dcc_message", (_c, _o, _p, target, type, arg, addr, port, size) => events.push(`dcc ${target} ${type} ${arg} ${addr}:${port} ${size}`));
  engine.on("irc_dcc_send_ack", (_c, n) => events.push(`ack ${n}`));
  engine.on("irc_starttls", () => events.push("starttls"));
  engine.on("analyzer_violation_info", (atype, info) => events.push(`violation ${atype} ${info.reason}`));
  engine.on("analyzer_confirmation_info", (atype) => events.push(`confirm ${atype}`));
  packets.sort((a, b) => a.ts - b.ts);
  await engine.run(memorySource(packets));
  const text = (p: string) => scripts.logs.text(p);
  return { irc: rows(text("irc")), files: rows(text("files")), conn: rows(text("conn")), weird: rows(text("weird")), events };
}

/** irc.log columns. */
const L = { nick: 6, user: 7, command: 8, value: 9, addl: 10, file: 11, size: 12, mime: 13, fuid: 14 };

test("registration and joins: NICK, USER and one JOIN row per channel, each with what the session knew before", async () => {
  const r = await run(
    tcpTrace(
      conversation(
        1,
        [
          [1.01, "c", "NICK alice\r\nUSER al 0 * :Alice Liddell\r\n"],
          [1.02, "s", ":irc.example 001 alice :Welcome\r\n:irc.example 353 alice = #wonder :@bob alice\r\n"],
          [1.03, "c", "JOIN #wonder,#land key1\r\n"],
          [1.04, "c", "PRIVMSG #wonder :hello there\r\nPING x\r\nQUIT :bye\r\n"],
        ],
        1.1,
      ),
      { sport: 6667 },
    ),
  );
  assert.deepEqual(
    r.irc.map((l) => [l[L.nick], l[L.user], l[L.command], l[L.value], l[L.addl]]),
    [
      ["-", "-", "NICK", "alice", "-"],
      ["alice", "-", "USER", "al", "0 * AliceLiddell "],
      ["alice", "al", "JOIN", "#wonder", " with channel key: 'key1'"],
      ["alice", "al", "JOIN", "#land", "(empty)"],
    ],
  );
  assert.ok(r.events.includes("confirm IRC"));
  assert.ok(r.events.includes("reply 1 alice :Welcome"));
  assert.ok(r.events.includes("names = #wonder bob,alice"));
  assert.ok(r.events.includes("privmsg  #wonder hello there"));
  assert.ok(r.events.includes("request PING x"));
  assert.ok(r.events.includes("quit  bye"));
  assert.equal(r.conn[0]![7], "irc");
});

test("a DCC SEND schedules the transfer: its connection says irc-dcc-data, its file makes the DCC row, acks are counted", async () => {
  const body = Buffer.from(`%PDF-1.4\n${"x".repeat(5000)}`);
  // 192.0.2.10 as a 32-bit number, port 5000.
  const addr = ((192 << 24) >>> 0) + (0 << 16) + (2 << 8) + 10;
  const control = conversation(
    1,
    [
      [1.01, "c", "NICK bob\r\nUSER bob 0 * :Bob\r\n"],
      [1.02, "s", ":irc.example 001 bob :Welcome\r\n"],
      [1.03, "c", `PRIVMSG alice :\x01DCC SEND paper.pdf ${addr} 5000 ${body.length}\x01\r\n`],
    ],
    2,
  );
  const ack = Buffer.alloc(4);
  ack.writeUInt32BE(body.length);
  const data = conversation(
    1.1,
    [
      [1.2, "s", body.subarray(0, 3000)],
      [1.21, "s", body.subarray(3000)],
      [1.22, "c", ack],
    ],
    1.3,
  );
  const r = await run([...tcpTrace(control, { sport: 6667, cport: 40000 }), ...tcpTrace(data, { client: CLIENT, server: SERVER, sport: 5000, cport: 40001 })]);
  assert.ok(r.events.includes(`dcc alice SEND paper.pdf ${SERVER}:5000 ${body.length}`), r.events.join("; "));
  assert.ok(r.events.includes(`ack ${body.length}`));
  const dcc = r.irc.find((l) => l[L.command] === "DCC");
  assert.ok(dcc !== undefined);
  assert.deepEqual(
    [dcc[L.nick], dcc[L.user], dcc[L.value], dcc[L.file], dcc[L.size], dcc[L.mime]],
    ["bob", "bob", "bob", "paper.pdf", `${body.length}`, "application/pdf"],
  );
  assert.equal(r.files.length, 1);
  assert.equal(dcc[L.fuid], r.files[0]![1]);
  assert.equal(r.files[0]![7], "IRC_DATA");
  assert.equal(r.files[0]![11], "paper.pdf");
  assert.deepEqual(
    r.conn.map((c) => [c[5], c[7]]),
    [
      ["6667", "irc"],
      ["5000", "irc-dcc-data"],
    ],
  );
});

test("IRC::max_dcc_expected_transfers: a DCC SEND beyond the bound is refused with Zeek's weird (0: no bound)", async () => {
  const sends = (n: number): TimedStep[] =>
    Array.from({ length: n }, (_, i): TimedStep => [1.03 + i * 0.001, "c", `PRIVMSG alice :\x01DCC SEND f${i} 3221225994 ${5000 + i} 10\x01\r\n`]);
  const control = (n: number) =>
    tcpTrace(conversation(1, [[1.01, "c", "NICK bob\r\nUSER bob 0 * :Bob\r\n"], [1.02, "s", ":irc.example 001 bob :Welcome\r\n"], ...sends(n)], 2), {
      sport: 6667,
      cport: 40000,
    });
  const weirds = (r: Result) => r.weird.map((w) => w[6]);
  const bounded = await run(control(3), new Engine({ settings: ["IRC::max_dcc_expected_transfers=2"] }));
  assert.deepEqual(weirds(bounded), ["irc_max_dcc_expected_transfers_exceeded"]);
  assert.deepEqual(weirds(await run(control(3), new Engine({ settings: ["IRC::max_dcc_expected_transfers=0"] }))), []);
  assert.deepEqual(weirds(await run(control(3))), []);
});

test("malformed lines: weirds once confirmed, violations for what cannot be IRC, bad DCC requests", async () => {
  const r = await run(
    tcpTrace(
      conversation(
        1,
        [
          [1.01, "c", "NICK carol\r\n"],
          [
            1.02,
            "c",
            `JOIN\r\nPRIVMSG x :\x01DCC SEND f zz 1 2\x01\r\nPRIVMSG x :\x01DCC SEND f 1 99999 2\x01\r\nPRIVMSG x :\x01DCC SEND f\x01\r\n${"y".repeat(600)}\r\n${"Z".repeat(25)} a\r\n`,
          ],
          [1.03, "s", "12x bad\r\n"],
        ],
        1.1,
      ),
      { sport: 6667 },
    ),
  );
  const weirds = r.weird.map((w) => `${w[6]} ${w[7]}`);
  for (const w of [
    "irc_invalid_join_line -",
    "irc_invalid_dcc_host -",
    "irc_invalid_dcc_port 99999",
    "irc_invalid_dcc_message_format -",
    "irc_line_size_exceeded -",
    "irc_invalid_command -",
    "irc_invalid_reply_number -",
  ]) {
    assert.ok(weirds.includes(w), `${w} in ${weirds.join("; ")}`);
  }
  assert.ok(r.events.includes("violation IRC invalid reply number"));
});

test("a line over 1000 bytes is cut by the line splitter (contentline_size_exceeded)", async () => {
  const r = await run(
    tcpTrace(
      conversation(
        1,
        [
          [1.01, "c", "NICK dave\r\n"],
          [1.02, "c", `PRIVMSG #x :${"a".repeat(2500)}\r\n`],
        ],
        1.1,
      ),
      { sport: 6667 },
    ),
  );
  assert.ok(r.weird.some((w) => w[6] === "contentline_size_exceeded" && w[10] === "CONTENTLINE"));
});

test("STARTTLS answered by 670 raises irc_starttls and stops IRC parsing", async () => {
  const r = await run(
    tcpTrace(
      conversation(
        1,
        [
          [1.01, "c", "STARTTLS\r\n"],
          [1.02, "s", ":irc.example 670 * :STARTTLS successful\r\n"],
          [1.03, "c", "PING after-tls\r\n"],
        ],
        1.1,
      ),
      { sport: 6667 },
    ),
  );
  assert.ok(r.events.includes("starttls"));
  assert.ok(!r.events.some((e) => e.includes("after-tls")));
});

test("DPD finds IRC on another port from USER/NICK and a numeric reply", async () => {
  const r = await run(
    tcpTrace(
      conversation(
        1,
        [
          [1.01, "c", "USER e 0 * :E\r\nNICK e\r\n"],
          [1.02, "s", ":srv 001 e :hi\r\n"],
        ],
        1.1,
      ),
      { sport: 7000 },
    ),
  );
  assert.equal(r.conn[0]![7], "irc");
});

const PIECES = [
  "NICK a\r\n",
  "USER a b c :d e\r\n",
  "JOIN #a,#b k\r\n",
  "PRIVMSG #a :\x01DCC SEND f 3232235777 7000 10\x01\r\n",
  ":s 353 a = #a :@x y\r\n",
  ":s 352 a #a u h s n H :0 r\r\n",
  ":s 311 a n u h * :r\r\n",
  ":s 332 a #a :t\r\n",
  ":s 266 :x\r\n",
  "KICK #a\r\n",
  "NJOIN #a :@@x,+y\r\n",
  "WHO a b c\r\n",
  "@time=1 PING x\r\n",
  ":pfx\r\n",
  "\x00\x00\x00\r\n",
  "670 x\r\n",
];

test("random and mutated IRC sessions never throw out of the analyzer or a handler", async () => {
  const r = rng(0x1bc);
  await fuzzRounds(3, (round) => {
    const packets: TestPacket[] = [];
    for (let i = 0; i < 20; i++) {
      const t0 = 1 + round * 100 + i;
      const steps: Step[] = [];
      for (let k = 0; k < 12; k++) {
        let piece = Buffer.from(PIECES[Math.floor(r() * PIECES.length)]!, "latin1");
        if (r() < 0.3) piece = Buffer.from(piece.map((b) => (r() < 0.1 ? Math.floor(r() * 256) : b)));
        if (r() < 0.05) piece = Buffer.alloc(Math.floor(r() * 3000), 0x41);
        steps.push([t0 + 0.01 * (k + 1), r() < 0.6 ? "c" : "s", piece]);
      }
      packets.push(...tcpTrace(conversation(t0, steps, t0 + 0.5), { sport: 6667, cport: 40000 + i }));
    }
    return packets;
  });
});
