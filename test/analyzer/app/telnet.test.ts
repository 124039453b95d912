/**
 * The Telnet analyzer on self-made conversations (registered for 23/tcp, as
 * Zeek's btests do): lines with the Telnet commands taken out, the login
 * dialog under Zeek's default (empty) pattern sets, the options Zeek
 * follows, the NVT's two limits with 'X' in the history, nothing at all
 * when unregistered, and a fuzz run.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { NVT_MAX_LINE } from "../../../src/analyzer/app/ftp/nvt.js";
import { Engine } from "../../../src/engine.js";
import type { EventName } from "../../../src/event/events.js";
import { openTrace } from "../../../src/source/open.js";
import { corpusRoot, oracleMissing } from "../../helpers/corpus.js";
import { concat, fuzzProtocol, type RunOptions, runTcp, type Step } from "./tcp-conv.js";

const IAC = 255;
const SB = 250;
const SE = 240;
const WILL = 251;
const DO = 253;

const TELNET: RunOptions = { sport: 23, register: "TELNET" };
const LINES: EventName[] = ["login_input_line", "login_output_line"];
const DIALOG: EventName[] = ["login_confused", "login_failure", "login_success"];

const SESSION: Step[] = [
  ["c", concat([IAC, WILL, 24], "alice\r\n")],
  ["s", concat([IAC, DO, 24], "Password:\r\n")],
  ["c", "secret\r\n"],
];

test("lines of both sides without their Telnet commands: login_input_line and login_output_line; no service", async () => {
  const r = await runTcp(SESSION, { ...TELNET, watch: LINES });
  assert.deepEqual(r.events, ['login_input_line c "alice"', 'login_output_line c "Password:"', 'login_input_line c "secret"']);
  assert.equal(r.log("conn")[0]![7], "-");
});

test("Zeek's empty login pattern sets match every line: each client line is a possible login ploy", async () => {
  const r = await runTcp(SESSION, { ...TELNET, watch: DIALOG });
  assert.deepEqual(r.events, ['login_confused c "possible_login_ploy" "alice"', 'login_confused c "possible_login_ploy" "secret"']);
});

test("a server line first is a timeout: login_failure wants a user name there is none of (no_username2)", async () => {
  const r = await runTcp([["s", "Welcome\r\n"], ...SESSION], { ...TELNET, watch: DIALOG });
  assert.equal(r.events[0], 'login_confused c "no_username2" "Welcome"');
});

test("with pattern sets given: a prompt, the typed user and password, then a success or a failure message", async () => {
  const settings = {
    login_prompts: new Set(["login:"]),
    login_failure_msgs: new Set(["Login incorrect"]),
    login_non_failure_msgs: new Set(["^$never"]),
    login_success_msgs: new Set(["^Last login"]),
    login_timeouts: new Set(["timed out"]),
    skip_authentication: new Set(["^NOAUTH"]),
    direct_login_prompts: new Set(["^DIRECT"]),
  };
  const prompt: Step[] = [
    ["s", "Welcome\r\nlogin: \r\n"],
    ["c", "alice\r\n"],
    ["s", "Password:\r\n"],
    ["c", "secret\r\n"],
  ];
  const ok = await runTcp([...prompt, ["s", "Last login: Mon\r\n"]], { ...TELNET, settings, watch: DIALOG });
  assert.deepEqual(ok.events, ['login_success c "alice" "" "secret" "Last login: Mon"']);
  const failed = await runTcp([...prompt, ["s", "Login incorrect\r\n"]], { ...TELNET, settings, watch: DIALOG });
  assert.deepEqual(failed.events, ['login_failure c "alice" "" "secret" "Login incorrect"']);
});

test("options: TERMINAL-TYPE IS, NEW-ENVIRON's DISPLAY and TERM, AUTHENTICATION NAME and an accepting reply", async () => {
  const sub = (...b: (number | string)[]): Uint8Array => concat([IAC, SB], ...b.map((x) => (typeof x === "number" ? [x] : x)), [IAC, SE]);
  const r = await runTcp(
    [
      ["c", sub(24, 0, "xterm")],
      ["c", sub(39, 0, 0, "DISPLAY", 1, ":0", 0, "TERM", 1, "vt100")],
      ["c", sub(37, 3, "bob")],
      ["s", sub(37, 2, 0, 2)],
      ["s", sub(37, 2, 2)],
    ],
    { ...TELNET, watch: ["login_terminal", "login_display", "authentication_accepted", "bad_option"] },
  );
  assert.deepEqual(r.events, ['login_terminal c "xterm"', 'login_display c ":0"', 'login_terminal c "vt100"', 'authentication_accepted "bob" c']);
});

test("a suboption ended by IAC and not SE is bad_option_termination (the byte after that IAC is read as a command, as in Zeek); an unreadable one bad_option", async () => {
  const r = await runTcp(
    [
      ["c", concat([IAC, SB, 24, 0], "vt", [IAC], "x\r\n")],
      ["c", concat([IAC, SB, 24, 9, IAC, SE])],
    ],
    { ...TELNET, watch: ["bad_option_termination", "bad_option", "login_input_line"] },
  );
  assert.deepEqual(r.events, ["bad_option_termination c", 'login_input_line c ""', "bad_option c"]);
});

test("an unterminated suboption longer than the line bound: nvt_option_size_exceeded (NVT), 'X' in the history", async () => {
  const r = await runTcp([["c", concat([IAC, SB, 24], new Uint8Array(NVT_MAX_LINE + 10).fill(0x41))]], { ...TELNET, segments: { mss: 60000 } });
  const weird = r.log("weird").filter((w) => w[6] === "nvt_option_size_exceeded");
  assert.deepEqual(
    weird.map((w) => [w[7], w[10]]),
    [[String(NVT_MAX_LINE), "NVT"]],
  );
  assert.match(r.log("conn")[0]![15]!, /X/);
});

test("a line longer than the bound: nvt_line_size_exceeded, the line handed on in pieces (its last byte and the next dropped, as in Zeek)", async () => {
  const r = await runTcp([["c", new Uint8Array(NVT_MAX_LINE + 10).fill(0x41)]], { ...TELNET, segments: { mss: 60000 }, watch: ["login_input_line"] });
  assert.deepEqual(
    r.log("weird").map((w) => [w[6], w[7], w[10]]),
    [["nvt_line_size_exceeded", String(NVT_MAX_LINE), "NVT"]],
  );
  assert.deepEqual(
    r.events.map((e) => e.length),
    [`login_input_line c "${"A".repeat(NVT_MAX_LINE - 1)}"`.length, 'login_input_line c "AAAAAAAAA"'.length],
  );
  assert.match(r.log("conn")[0]![15]!, /X/);
});

test("unregistered (Zeek's default scripts) nothing reads port 23: no events, no 'X'", async () => {
  const r = await runTcp([["c", concat([IAC, SB, 24], new Uint8Array(NVT_MAX_LINE + 10))]], { sport: 23, segments: { mss: 60000 }, watch: LINES });
  assert.deepEqual(r.events, []);
  assert.deepEqual(r.log("weird"), []);
  assert.doesNotMatch(r.log("conn")[0]![15]!, /X/);
});

test('Zeek\'s btest telnet-missing-auth-name: an AUTHENTICATION reply before any NAME accepts "<empty>" (on 21/tcp, as the btest registers it)', async (t) => {
  const trace = join(corpusRoot(), "zeek", "traces", "telnet-auth-missing-name.pcap");
  if (!existsSync(trace)) return oracleMissing(t, `no ${trace}`);
  const engine = new Engine({ bare: true });
  assert.ok(engine.registerForPort("ANALYZER_TELNET", 21));
  const names: string[] = [];
  engine.on("authentication_accepted", (name) => void names.push(name.toLowerCase()));
  await engine.run(await openTrace(trace));
  assert.deepEqual(names, ["<empty>"]);
});

test("fuzz: mutated Telnet conversations never throw out of the analyzer", async () => {
  const options: Step[] = [
    ["c", concat([IAC, SB, 39, 0, 0], "USER", [1], "x", [2, 1, IAC, SE], [IAC, WILL, 0, IAC, DO, 0], "a\0b\r")],
    ["s", concat([IAC, SB, 38, 3, IAC, SE, IAC, SB, 37, 2, 1, IAC, SE], "login: ")],
  ];
  await fuzzProtocol([SESSION, options], 23, 231, 3, 30, false, "TELNET");
});
