/**
 * Finger as Zeek's Spicy analyzer (finger.spicy, `--spicy`) against the
 * legacy one of a plain run, on self-made conversations (port 79): the
 * request's grammar (/W, blanks, strip, the first '@', one request only,
 * UTF-8), reply lines, when Finger confirms (service finger), the line
 * limit (Finger::max_line_length) and the other violations, a gap; and a
 * fuzz of the new parser.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Engine } from "../../../src/engine.js";
import { loadBuiltinScripts } from "../../../src/index.js";
import { memorySource, type TestPacket } from "../../helpers/packets.js";
import { rng } from "../../helpers/rng.js";
import { tcpTrace } from "../../session/harness.js";
import { fuzzRounds, type GapStep, pieceConversations, type RunOptions, type RunResult, runTcp, type Step, segments } from "./tcp-conv.js";

const WATCH: RunOptions = { sport: 79, watch: ["finger_request", "finger_reply"] };
const SPICY: RunOptions = { ...WATCH, spicy: true };

const QUERY: Step[] = [
  ["c", "/W  alice@example.org\r\n"],
  ["s", "Login: alice\r\n\r\nPlan: none\n"],
];

const service = (r: RunResult): string => r.log("conn")[0]![7]!;
const weirds = (r: RunResult): string[] => r.log("weird").map((w) => w[6]!);

test("--spicy: a query and its reply lines as events, service finger; the legacy analyzer never confirms", async () => {
  const spicy = await runTcp(QUERY, SPICY);
  assert.deepEqual(spicy.events, ['finger_request c true "alice" "example.org"', 'finger_reply c "Login: alice"', 'finger_reply c "Plan: none"']);
  assert.equal(service(spicy), "finger");
  assert.deepEqual(spicy.violations, []);
  const legacy = await runTcp(QUERY, WATCH);
  assert.deepEqual(legacy.events, spicy.events);
  assert.equal(service(legacy), "-");
});

test("--spicy: no partial_finger_request, which the legacy analyzer reports when nothing handles finger_request", async () => {
  assert.ok(!weirds(await runTcp(QUERY, { sport: 79, spicy: true })).includes("partial_finger_request"));
  assert.ok(weirds(await runTcp(QUERY, { sport: 79 })).includes("partial_finger_request"));
});

test("a request confirms only with a user or /W; a reply line only past ten characters (UTF-8 characters, not bytes)", async () => {
  const confirms = async (steps: Step[]): Promise<string> => service(await runTcp(steps, SPICY));
  assert.equal(await confirms([["c", "@host\r\n"]]), "-");
  assert.equal(await confirms([["c", "/W\r\n"]]), "finger");
  assert.equal(await confirms([["c", "u\r\n"]]), "finger");
  assert.equal(await confirms([["s", "0123456789\r\n"]]), "-");
  assert.equal(await confirms([["s", "0123456789A\r\n"]]), "finger");
  // Six two-byte characters: 12 bytes, 6 characters.
  assert.equal(await confirms([["s", `${"\xc3\xa9".repeat(6)}\n`]]), "-");
  assert.equal(await confirms([["s", `${"\xc3\xa9".repeat(11)}\n`]]), "finger");
  // Events come whether or not they confirm.
  const r = await runTcp(
    [
      ["c", "@host\r\n"],
      ["s", "short\n"],
    ],
    SPICY,
  );
  assert.deepEqual(r.events, ['finger_request c false "" "host"', 'finger_reply c "short"']);
});

test("the request as finger.spicy reads it: /W upper-case only, the text stripped and split at its first '@'; the legacy analyzer also takes /w", async () => {
  const requests = async (query: string, opts: RunOptions = SPICY): Promise<string[]> => (await runTcp([["c", query]], opts)).events;
  assert.deepEqual(await requests(" /w bob\r\n"), ['finger_request c false "/w bob" ""']);
  assert.deepEqual(await requests(" /w bob\r\n", WATCH), ['finger_request c true "bob" ""']);
  assert.deepEqual(await requests(" \t alice@example.org \t\r\n"), ['finger_request c false "alice" "example.org"']);
  assert.deepEqual(await requests("/Wa@b@c\n"), ['finger_request c true "a" "b@c"']);
  // Only the first line is a request; nothing after it is read.
  assert.deepEqual(await requests("alice\r\nbob\r\n"), ['finger_request c false "alice" ""']);
  // The text needs no line end: the client's FIN ends it.
  assert.deepEqual(await requests("carol"), ['finger_request c false "carol" ""']);
  // Not UTF-8: U+FFFD in its place (as UTF-8 bytes).
  assert.deepEqual(await requests("\xffx\r\n"), [`finger_request c false ${JSON.stringify("\xef\xbf\xbdx")} ""`]);
});

test("reply lines end in LF or CR LF; empty ones raise nothing", async () => {
  const r = await runTcp([["s", "\r\n\nX\nY\r\n"]], SPICY);
  assert.deepEqual(r.events, ['finger_reply c "X"', 'finger_reply c "Y"']);
  assert.deepEqual(r.violations, []);
});

test("past Finger::max_line_length (1024) a request or reply line is a violation, and nothing more is parsed", async () => {
  const long = (n: number): string => "x".repeat(n);
  const at1024 = await runTcp([["c", `  ${long(1024)}\r\n`]], SPICY);
  assert.equal(at1024.events.length, 1);
  assert.deepEqual(at1024.violations, []);
  const over = await runTcp(
    [
      ["c", `${long(1025)}\r\n`],
      ["s", "Login: someone\n"],
    ],
    SPICY,
  );
  assert.deepEqual(over.events, []);
  assert.deepEqual(over.violations, ["FINGER parsing not done within &max-size bytes"]);
  const reply = await runTcp(
    [
      ["c", "alice\r\n"],
      ["s", `${long(1025)}\r\n`],
    ],
    SPICY,
  );
  assert.deepEqual(reply.events, ['finger_request c false "alice" ""']);
  assert.deepEqual(reply.violations, ["FINGER parsing not done within &max-size bytes"]);
  const five = { ...SPICY, settings: { "Finger::max_line_length": 5 } };
  assert.deepEqual((await runTcp([["c", "abcde\r\n"]], five)).violations, []);
  assert.deepEqual((await runTcp([["c", "abcdef\r\n"]], five)).violations, ["FINGER parsing not done within &max-size bytes"]);
  // 0 stands for 1 MiB.
  const zero = await runTcp([["c", `${long(2000)}\r\n`]], { ...SPICY, settings: { "Finger::max_line_length": 0 }, segments: { mss: 1400 } });
  assert.deepEqual(zero.violations, []);
  assert.equal(zero.events.length, 1);
});

test("a CR without LF in a reply, or a last reply line without its end, is a violation (after the lines before it)", async () => {
  const cr = await runTcp([["s", "ok line\na\rb\n"]], SPICY);
  assert.deepEqual(cr.events, ['finger_reply c "ok line"']);
  assert.deepEqual(cr.violations, ["FINGER failed to match regular expression"]);
  const cut = await runTcp([["s", "ok line\ntail"]], SPICY);
  assert.deepEqual(cut.events, ['finger_reply c "ok line"']);
  assert.deepEqual(cut.violations, ["FINGER failed to match regular expression"]);
  // A violation stops the client's side too.
  const both = await runTcp(
    [
      ["s", "a\rb\n"],
      ["c", "alice\r\n"],
    ],
    SPICY,
  );
  assert.deepEqual(both.events, []);
});

test("a content gap stops both sides quietly", async () => {
  const steps: (Step | GapStep)[] = [
    ["c", "al"],
    ["gap-c", 3],
    ["c", "ce\r\n"],
    ["s", "Login: alice is here\n"],
  ];
  const packets = tcpTrace(segments(steps), { sport: 79, cport: 40000 });
  const r = await runTcpPackets(packets);
  assert.deepEqual(r.violations, []);
  assert.deepEqual(r.events, []);
});

/** A conversation given as packets (for gaps), run as runTcp runs steps. */
async function runTcpPackets(packets: TestPacket[]): Promise<{ events: string[]; violations: string[] }> {
  const engine = new Engine({ spicy: true });
  loadBuiltinScripts(engine, { memory: true });
  const events: string[] = [];
  const violations: string[] = [];
  engine.on("finger_request", (_c, full, user, host) => events.push(`finger_request ${full} ${user} ${host}`));
  engine.on("finger_reply", (_c, line) => events.push(`finger_reply ${line}`));
  engine.on("analyzer_violation_info", (atype, info) => violations.push(`${atype} ${info.reason}`));
  await engine.run(memorySource(packets));
  return { events, violations };
}

test("fuzz: mutated finger conversations never throw out of the Spicy analyzer", async () => {
  const r = rng(7979);
  const pieces = ["/W", " ", "\t", "alice", "@", "\r", "\n", "\r\n", "Login: alice\n", "x".repeat(600), "\xc3", "\xa9"];
  const packetsFor = (round: number): TestPacket[] => pieceConversations(r, pieces, 79, round, 0.5);
  await fuzzRounds(3, packetsFor, 0, undefined, { spicy: true, settings: { "Finger::max_line_length": 700 } });
});
