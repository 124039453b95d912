/**
 * The Finger analyzer on self-made conversations (port 79): queries and
 * reply lines as events, Zeek's partial_finger_request rule, the 1,000-byte
 * line limit, and a fuzz run.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { fuzzProtocol, runTcp, type Step } from "./tcp-conv.js";

const QUERY: Step[] = [
  ["c", "/W  alice@example.org\r\n"],
  ["s", "Login: alice\r\nPlan: none\r\n"],
];

test("a query and its reply lines: finger_request with /W, user and host; finger_reply per line; no service", async () => {
  const r = await runTcp(QUERY, { sport: 79, watch: ["finger_request", "finger_reply"] });
  assert.deepEqual(r.events, ['finger_request c true "alice" "example.org"', 'finger_reply c "Login: alice"', 'finger_reply c "Plan: none"']);
  assert.equal(r.log("conn")[0]![7], "-");
  assert.ok(!r.log("weird").some((w) => w[6] === "partial_finger_request"));
});

test("a query without @ has an empty host; a lower-case /w counts", async () => {
  const r = await runTcp([["c", " /w bob\r\n"]], { sport: 79, watch: ["finger_request"] });
  assert.deepEqual(r.events, ['finger_request c true "bob" ""']);
});

test("without a finger_request handler the query is not read, and the client's FIN makes partial_finger_request (Zeek's default scripts)", async () => {
  const r = await runTcp(QUERY, { sport: 79 });
  const w = r.log("weird").filter((row) => row[6] === "partial_finger_request");
  assert.equal(w.length, 1);
  assert.equal(w[0]![10], "FINGER");
});

test("a query cut before its line end is read at the client's FIN (the line splitter ends it); a line over 1,000 bytes is contentline_size_exceeded", async () => {
  const cut = await runTcp([["c", "alice"]], { sport: 79, watch: ["finger_request"] });
  assert.deepEqual(cut.events, ['finger_request c false "alice" ""']);
  assert.ok(!cut.log("weird").some((w) => w[6] === "partial_finger_request"));
  const long = await runTcp([["c", `${"x".repeat(1500)}\r\n`]], { sport: 79, watch: ["finger_request"] });
  assert.ok(long.log("weird").some((w) => w[6] === "contentline_size_exceeded" && w[10] === "CONTENTLINE"));
});

test("fuzz: mutated finger conversations never throw out of the analyzer", async () => {
  await fuzzProtocol([QUERY, [["c", "@host\r\n"]]], 79, 791);
});
