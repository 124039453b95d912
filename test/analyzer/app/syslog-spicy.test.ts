/**
 * Syslog over UDP as Zeek's Spicy analyzer (syslog.spicy's Message unit,
 * `--spicy`) against the legacy BinPAC one of a plain run, on self-made
 * datagrams: the service (Spicy confirms at each message), udp_session_done
 * (legacy only), malformed priorities (Spicy: a violation, then nothing
 * more of the flow; legacy: the datagram dropped quietly), empty datagrams,
 * priorities past HILTI's to_uint; and a fuzz of the new parser.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseSpicyMessage, SyslogError } from "../../../src/analyzer/app/syslog/spicy-message.js";
import type { TestPacket } from "../../helpers/packets.js";
import { rng } from "../../helpers/rng.js";
import { udpPacket } from "../../session/harness.js";
import { fuzzRounds, runUdp, type Step } from "./tcp-conv.js";

/** syslog.log's proto, facility, severity, message. */
const cols = (r: string[]): string[] => r.slice(6);
const SYSLOG = { sport: 514, cport: 5140 };

test("--spicy: every message confirms SYSLOG (service syslog); the legacy analyzer never does", async () => {
  const steps: Step[] = [
    ["c", "<134>Jan  1 00:00:00 host app: hello"],
    ["c", "no priority"],
  ];
  const spicy = await runUdp(steps, { ...SYSLOG, spicy: true });
  const legacy = await runUdp(steps, SYSLOG);
  const rows = [
    ["udp", "LOCAL0", "INFO", "Jan  1 00:00:00 host app: hello"],
    ["udp", "UNSPECIFIED", "UNSPECIFIED", "no priority"],
  ];
  assert.deepEqual(spicy.log("syslog").map(cols), rows);
  assert.deepEqual(legacy.log("syslog").map(cols), rows);
  assert.equal(spicy.log("conn")[0]![7], "syslog");
  assert.equal(legacy.log("conn")[0]![7], "-");
});

test("udp_session_done comes from the legacy analyzer only (its Done), not the Spicy one", async () => {
  const steps: Step[] = [["c", "<13>x"]];
  const spicy = await runUdp(steps, { ...SYSLOG, spicy: true, watch: ["udp_session_done"] });
  const legacy = await runUdp(steps, { ...SYSLOG, watch: ["udp_session_done"] });
  assert.deepEqual(spicy.events, []);
  assert.deepEqual(legacy.events, ["udp_session_done c"]);
});

test("a malformed priority: with --spicy a violation worded as Spicy's, and the flow's later datagrams are not parsed; legacy drops only that datagram", async () => {
  for (const [bad, reason] of [
    ["<13 x", 'expected bytes literal ">"'],
    ["<>x", "failed to match regular expression"],
    ["<", "failed to match regular expression"],
    ["<13", "expected 1 bytes (0 available)"],
  ] as const) {
    const steps: Step[] = [
      ["c", "<13>first"],
      ["c", bad],
      ["c", "<13>after"],
    ];
    const spicy = await runUdp(steps, { ...SYSLOG, spicy: true });
    assert.deepEqual(spicy.violations, [`SYSLOG ${reason}`], bad);
    assert.deepEqual(
      spicy.log("syslog").map((r) => r[9]),
      ["first"],
      bad,
    );
    const legacy = await runUdp(steps, SYSLOG);
    assert.deepEqual(legacy.violations, []);
    assert.deepEqual(
      legacy.log("syslog").map((r) => r[9]),
      ["first", "after"],
      bad,
    );
  }
});

test("an empty datagram is an empty message with --spicy (the priority is optional, the text may be empty); legacy parses nothing", async () => {
  const steps: Step[] = [["c", ""]];
  const spicy = await runUdp(steps, { ...SYSLOG, spicy: true });
  assert.deepEqual(spicy.log("syslog").map(cols), [["udp", "UNSPECIFIED", "UNSPECIFIED", "(empty)"]]);
  const legacy = await runUdp(steps, SYSLOG);
  assert.deepEqual(legacy.log("syslog"), []);
});

test("a priority is read as HILTI's Bytes::toUInt reads it: an int64 first, so 2^63 and more fail", () => {
  const parse = (s: string): [number, number, string] | string => {
    try {
      const [f, sev, m] = parseSpicyMessage(Buffer.from(s, "latin1"));
      return [f, sev, Buffer.from(m).toString("latin1")];
    } catch (e) {
      assert.ok(e instanceof SyslogError);
      return e.message;
    }
  };
  // 2^63 - 1: its low ten bits are all ones.
  assert.deepEqual(parse("<9223372036854775807>m"), [127, 7, "m"]);
  assert.equal(parse("<9223372036854775808>m"), "integer overflow");
  assert.equal(parse("<9223372036854775809>m"), "cannot decode value in chosen base");
  assert.equal(parse("<99999999999999999999999>m"), "cannot decode value in chosen base");
  // Leading zeros are digits like any other.
  assert.deepEqual(parse("<0000000000000000000013>m"), [1, 5, "m"]);
});

test("fuzz: mutated syslog datagrams never throw out of the Spicy analyzer", async () => {
  const r = rng(5141);
  const pieces = ["<13>", "<", ">", "1", "99999999999", "text", "\0", "\n"];
  const packetsFor = (round: number): TestPacket[] => {
    const packets: TestPacket[] = [];
    for (let i = 0; i < 40; i++) {
      let payload = "";
      for (let k = Math.floor(r() * 6); k >= 0; k--) payload += pieces[Math.floor(r() * pieces.length)]!;
      const b = Buffer.from(payload, "latin1");
      if (b.length > 0 && r() < 0.3) b[Math.floor(r() * b.length)] = Math.floor(r() * 256);
      packets.push(udpPacket(10 + i * 0.01, "10.0.0.1", 20000 + round * 100 + (i % 7), "10.0.0.2", 514, b));
    }
    return packets;
  };
  await fuzzRounds(3, packetsFor, 0, undefined, { spicy: true });
});
