/**
 * The Rlogin and Rsh analyzers on self-made conversations (registered for
 * 513/tcp and 514/tcp, as Zeek's btests do): the prolog's user names and
 * terminal type in the events, lines after it, the malformed prologs'
 * weirds, the contents analyzers' line bound with 'X' in the history, and
 * fuzz runs.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { NVT_MAX_LINE } from "../../../src/analyzer/app/ftp/nvt.js";
import { concat, fuzzProtocol, type RunOptions, runTcp, type Step } from "./tcp-conv.js";

const RLOGIN: RunOptions = { sport: 513, register: "RLOGIN" };
const RSH: RunOptions = { sport: 514, register: "RSH" };
const LONG = new Uint8Array(NVT_MAX_LINE + 10).fill(0x61);

const RLOGIN_SESSION: Step[] = [
  ["c", "\0alice\0bob\0xterm/38400\0"],
  ["s", "\0"],
  ["s", "Last login: yesterday\r\n"],
  ["c", "ls\r"],
];

test("rlogin: the terminal type is login_terminal; the server user is the typeahead the first server line's login_failure takes, with the client user", async () => {
  const r = await runTcp(RLOGIN_SESSION, { ...RLOGIN, watch: ["login_terminal", "login_failure", "login_input_line", "login_output_line"] });
  assert.deepEqual(r.events, [
    'login_terminal c "xterm/38400"',
    'login_output_line c "Last login: yesterday"',
    // Zeek's empty pattern sets: the line is a timeout, whose failure takes the server user name ("<timeout>" the password).
    'login_failure c "bob" "alice" "<timeout>" "Last login: yesterday"',
    // Zeek's contents analyzer does not note the CR it ended a line at: the LF after it ends an empty one.
    'login_output_line c ""',
    'login_input_line c "ls"',
  ]);
  assert.equal(r.log("conn")[0]![7], "-");
});

test("rlogin: a client not starting with NUL is bad_rlogin_prolog; text after the server's refusal is rlogin_text_after_rejected", async () => {
  const bad = await runTcp([["c", "alice\n"]], RLOGIN);
  assert.deepEqual(
    bad.log("weird").map((w) => [w[6], w[10]]),
    [["bad_rlogin_prolog", "CONTENTLINE"]],
  );
  const refused = await runTcp(
    [
      ["c", "\0a\0b\0t\0"],
      ["s", "\x01no\n"],
      ["c", "x\r"],
    ],
    RLOGIN,
  );
  assert.deepEqual(
    refused.log("weird").map((w) => w[6]),
    ["rlogin_text_after_rejected"],
  );
});

test("rlogin: a client user name without its NUL past the line bound: rlogin_line_size_exceeded (CONTENTLINE), 'X'", async () => {
  const r = await runTcp([["c", concat([0], LONG)]], { ...RLOGIN, segments: { mss: 60000 } });
  assert.deepEqual(
    r.log("weird").map((w) => [w[6], w[7], w[10]]),
    [["rlogin_line_size_exceeded", String(NVT_MAX_LINE), "CONTENTLINE"]],
  );
  assert.match(r.log("conn")[0]![15]!, /X/);
});

test("rsh: the command after the prolog is rsh_request with both user names and new_session, the server's lines rsh_reply", async () => {
  const r = await runTcp(
    [
      ["c", "1022\0alice\0bob\0  ls -l\0"],
      ["s", "\0total 0\n"],
    ],
    { ...RSH, watch: ["rsh_request", "rsh_reply"] },
  );
  assert.deepEqual(r.events, ['rsh_request c "alice" "bob" "ls -l" true', 'rsh_reply c "alice" "bob" ""', 'rsh_reply c "alice" "bob" "total 0"']);
});

test("rsh: a bad prolog is bad_rsh_prolog; a user name past the line bound rsh_line_size_exceeded (CONTENTS_RSH), 'X'", async () => {
  const bad = await runTcp([["c", "x\0"]], RSH);
  assert.deepEqual(
    bad.log("weird").map((w) => [w[6], w[10]]),
    [["bad_rsh_prolog", "CONTENTS_RSH"]],
  );
  const r = await runTcp([["c", concat([0], LONG)]], { ...RSH, segments: { mss: 60000 } });
  assert.deepEqual(
    r.log("weird").map((w) => [w[6], w[7], w[10]]),
    [["rsh_line_size_exceeded", String(NVT_MAX_LINE), "CONTENTS_RSH"]],
  );
  assert.match(r.log("conn")[0]![15]!, /X/);
});

test("fuzz: mutated Rlogin and Rsh conversations never throw out of the analyzers", async () => {
  const control: Step[] = [
    ["c", "\0a\0b\0t\0"],
    ["s", "\0"],
    ["c", concat([0xff, 0xff], "ss12345678", [0xff, 0x41], "x\n")],
  ];
  await fuzzProtocol([RLOGIN_SESSION, control], 513, 5131, 3, 30, false, "RLOGIN");
  await fuzzProtocol(
    [
      [
        ["c", "0\0a\0b\0cmd\0"],
        ["s", "\0out\r\n"],
      ],
    ],
    514,
    5141,
    3,
    30,
    false,
    "RSH",
  );
});
