/**
 * Syslog over TCP (Zeek's Spicy Syslog_TCP, RFC 6587) on self-made
 * conversations: octet-counted and non-transparent frames, mixed and split
 * over segments, syslog.log rows (proto tcp) and the service syslog_tcp;
 * off without --spicy while UDP syslog stays on; Zeek's violations for
 * malformed frames and at a side's end; over-long frames skipped with a
 * weird; a fuzz that must never throw out of the analyzer.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { MAX_FRAME } from "../../../src/analyzer/app/syslog/syslog-tcp.js";
import type { TestPacket } from "../../helpers/packets.js";
import { rng } from "../../helpers/rng.js";
import { concat, fuzzRounds, pieceConversations, runTcp, runUdp, type Step } from "./tcp-conv.js";

const octet = (m: string): string => `${m.length} ${m}`;
const OCTETS = octet("<13>Oct 11 22:14:15 host su: failed ");
const PLAIN = "<14>Oct 11 22:14:16 host su: failed\n";

/** syslog.log's proto, facility, severity, message. */
const cols = (r: string[]): string[] => r.slice(6);

test("octet-counted and non-transparent frames, mixed: syslog.log rows and service syslog_tcp", async () => {
  const r = await runTcp(
    [
      ["c", OCTETS],
      ["c", PLAIN],
      ["c", octet("no priority here")],
      ["c", "<15>last one\r\n\0"],
    ],
    { sport: 514, spicy: true, watch: ["syslog_message"] },
  );
  assert.deepEqual(r.violations, []);
  assert.deepEqual(r.log("syslog").map(cols), [
    ["tcp", "USER", "NOTICE", "Oct 11 22:14:15 host su: failed "],
    ["tcp", "USER", "INFO", "Oct 11 22:14:16 host su: failed"],
    ["tcp", "UNSPECIFIED", "UNSPECIFIED", "no priority here"],
    ["tcp", "USER", "DEBUG", "last one"],
  ]);
  assert.equal(r.log("conn")[0]![7], "syslog_tcp");
});

test("frames split anywhere and several in one segment give the same messages", async () => {
  const all = concat(OCTETS, PLAIN, OCTETS, PLAIN);
  const steps: Step[] = [];
  for (let at = 0; at < all.length; at += 7) steps.push(["c", all.subarray(at, at + 7)]);
  const split = await runTcp(steps, { sport: 514, spicy: true });
  const whole = await runTcp([["c", all]], { sport: 514, spicy: true });
  assert.deepEqual(split.violations, []);
  assert.equal(split.log("syslog").length, 4);
  assert.deepEqual(split.log("syslog").map(cols), whole.log("syslog").map(cols));
});

test("without --spicy there is no TCP syslog, and UDP syslog runs as before", async () => {
  const tcp = await runTcp([["c", OCTETS]], { sport: 514 });
  assert.deepEqual(tcp.log("syslog"), []);
  assert.equal(tcp.log("conn")[0]![7], "-");
  const udp = await runUdp([["c", "<13>hello"]], { sport: 514 });
  assert.deepEqual(udp.log("syslog").map(cols), [["udp", "USER", "NOTICE", "hello"]]);
  assert.equal(udp.log("conn")[0]![7], "-");
});

test("malformed frames are violations and stop the analyzer", async () => {
  const bad = async (steps: Step[]): Promise<[string[], number]> => {
    const r = await runTcp(steps, { sport: 514, spicy: true });
    return [r.violations, r.log("syslog").length];
  };
  assert.deepEqual(await bad([["c", "hello\n"]]), [["SYSLOG_TCP no expected look-ahead token found"], 0]);
  assert.deepEqual(
    await bad([
      ["c", PLAIN],
      ["c", "0 x"],
      ["c", PLAIN],
    ]),
    [["SYSLOG_TCP no expected look-ahead token found"], 1],
  );
  assert.deepEqual(await bad([["c", "12x"]]), [['SYSLOG_TCP expected bytes literal " "'], 0]);
  assert.deepEqual(await bad([["c", "<13 x\n"]]), [['SYSLOG_TCP expected bytes literal ">"'], 0]);
  assert.deepEqual(await bad([["c", "<>x\n"]]), [["SYSLOG_TCP failed to match regular expression"], 0]);
  assert.deepEqual(await bad([["c", "<13>\n"]]), [["SYSLOG_TCP failed to match regular expression"], 0]);
  assert.deepEqual(await bad([["c", "9 <13>x"]]), [["SYSLOG_TCP expected 9 bytes (5 available)"], 0]);
  // A non-transparent message needs its terminator: at the side's end without one, no message.
  assert.deepEqual(
    await bad([
      ["c", PLAIN],
      ["c", "<13>unterminated"],
    ]),
    [["SYSLOG_TCP failed to match regular expression"], 1],
  );
  // Past 2^63 HILTI's Bytes::toUInt (an int64 underneath) cannot read the priority.
  assert.deepEqual(await bad([["c", "<99999999999999999999>x\n"]]), [["SYSLOG_TCP cannot decode value in chosen base"], 0]);
});

test("an over-long frame is skipped with a weird; the next one is read", async () => {
  const r = await runTcp(
    [
      ["c", `${MAX_FRAME + 1} `],
      ["c", new Uint8Array(MAX_FRAME + 1)],
      ["c", PLAIN],
    ],
    {
      sport: 514,
      spicy: true,
      segments: { mss: 1400 },
    },
  );
  assert.deepEqual(r.violations, []);
  assert.deepEqual(
    r.log("weird").map((w) => [w[6], w[7]]),
    [["syslog_message_too_large", `octet-counted frame of ${MAX_FRAME + 1} bytes`]],
  );
  assert.deepEqual(r.log("syslog").map(cols), [["tcp", "USER", "INFO", "Oct 11 22:14:16 host su: failed"]]);
});

test("fuzz: mutated syslog streams never throw out of the analyzer", async () => {
  const r = rng(514);
  const pieces = [OCTETS, PLAIN, octet("x"), "<0>y\n", "\r\n", "1", " ", "<", ">", "9999999 "];
  const packetsFor = (round: number): TestPacket[] => pieceConversations(r, pieces, 514, round, 0.9);
  await fuzzRounds(3, packetsFor, 0, undefined, { spicy: true });
});
