/**
 * The Ident analyzer on self-made conversations (registered for 113/tcp):
 * queries and USERID/ERROR replies with Zeek's argument order, blanks,
 * the system name's ending character, and Zeek's weirds: bad_ident_port,
 * bad_ident_request, ident_request_addendum, bad_ident_reply (once),
 * partial_ident_request, over-long lines (contentline_size_exceeded) and
 * NULs; handlers decide what is read; and a fuzz run.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { fuzzProtocol, type RunOptions, runTcp, type Step } from "./tcp-conv.js";

const IDENT: RunOptions = { sport: 113, register: "IDENT", watch: ["ident_request", "ident_reply", "ident_error"] };

const CONVERSATION: Step[] = [
  ["c", "6193, 23\r\n"],
  ["s", "6193, 23 : USERID : UNIX : stjohns\r\n"],
  ["c", "6195 ,23\r\n"],
  ["s", "6195,23:ERROR:NO-USER\r\n"],
  ["c", "1, 2\r\n"],
  ["s", "1 , 2 : USERID : OTHER,US-ASCII :  joe smith\r\n"],
];

/** weird.log's name, addl and source columns. */
function weirds(r: { log(p: string): string[][] }): string[][] {
  return r.log("weird").map((w) => [w[6]!, w[7]!, w[10]!]);
}

test("queries and replies: lport is the second port, rport the first; the system keeps its ending character", async () => {
  const r = await runTcp(CONVERSATION, IDENT);
  assert.deepEqual(r.events, [
    "ident_request c 23 6193",
    'ident_reply c 23 6193 "stjohns" "UNIX :"',
    "ident_request c 23 6195",
    'ident_error c 23 6195 "NO-USER"',
    "ident_request c 2 1",
    'ident_reply c 2 1 "joe smith" "OTHER,"',
  ]);
  assert.deepEqual(weirds(r), []);
  assert.equal(r.log("conn")[0]![7], "-");
});

test("a port past 65535: bad_ident_port (the line from the number on), and 0 in its place", async () => {
  const r = await runTcp([["c", "99999 , 23\r\n"]], IDENT);
  assert.deepEqual(r.events, ["ident_request c 23 0"]);
  assert.deepEqual(weirds(r), [["bad_ident_port", "99999 , 23", "IDENT"]]);
});

test("unreadable queries and replies: bad_ident_request each, bad_ident_reply once; bytes after a query: ident_request_addendum", async () => {
  const r = await runTcp(
    [
      ["c", "hello\r\n"],
      ["c", "1,2 extra\r\n"],
      ["s", "1,2 : WHAT : x\r\n"],
      ["s", "1,2 USERID\r\n"],
      ["s", "1,2 : USERID : no colon\r\n"],
    ],
    IDENT,
  );
  assert.deepEqual(r.events, ["ident_request c 2 1"]);
  assert.deepEqual(weirds(r), [
    ["bad_ident_request", "hello", "IDENT"],
    ["ident_request_addendum", "1,2 extra", "IDENT"],
    ["bad_ident_reply", "1,2 : WHAT : x", "IDENT"],
  ]);
});

test("without handlers nothing is read: no request ever counted, so a client's FIN is partial_ident_request", async () => {
  const r = await runTcp(CONVERSATION, { sport: 113, register: "IDENT" });
  assert.deepEqual(weirds(r), [["partial_ident_request", "-", "IDENT"]]);
  // A query without its line end is read at the client's FIN (the line splitter flushes it, as Zeek's).
  const unfinished = await runTcp([["c", "1, 2\r\n3, 4"]], IDENT);
  assert.deepEqual(unfinished.events, ["ident_request c 2 1", "ident_request c 4 3"]);
  assert.deepEqual(weirds(unfinished), []);
  const whole = await runTcp([["c", "1, 2\r\n"]], IDENT);
  assert.deepEqual(weirds(whole), []);
});

test("ident_error is raised only when ident_reply has a handler too (Zeek reads replies for ident_reply)", async () => {
  const r = await runTcp(
    [
      ["c", "1,2\r\n"],
      ["s", "1,2:ERROR:HIDDEN-USER\r\n"],
    ],
    { sport: 113, register: "IDENT", watch: ["ident_error"] },
  );
  assert.deepEqual(r.events, []);
});

test("an over-long line is cut at 1,000 bytes (contentline_size_exceeded); a NUL is flagged once and makes the line <string-with-NUL>", async () => {
  const long = await runTcp([["c", `1,2${" ".repeat(1200)}x\r\n`]], IDENT);
  assert.deepEqual(long.events, ["ident_request c 2 1"]);
  assert.deepEqual(
    weirds(long).map((w) => w[0]),
    ["contentline_size_exceeded", "bad_ident_request"],
  );
  const nul = await runTcp([["c", "1\0,2\r\n1,\x002 x\0y\r\n"]], IDENT);
  assert.deepEqual(nul.events, ["ident_request c 2 1"]);
  assert.deepEqual(weirds(nul), [
    ["NUL_in_line", "-", "CONTENTLINE"],
    ["bad_ident_request", "<string-with-NUL>", "IDENT"],
  ]);
});

test("fuzz: mutated Ident conversations never throw out of the analyzer", async () => {
  await fuzzProtocol([CONVERSATION], 113, 113, 2, 30, false, "IDENT");
});
