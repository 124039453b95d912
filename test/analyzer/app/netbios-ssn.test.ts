/**
 * The NetBIOS session service analyzer (NETBIOSSSN, attached by
 * register_for_port as Zeek's btests do) on crafted sessions: messages
 * framed across segments, the session request's called name decoded, the
 * replies, keep-alives, raw and SMB session messages with Zeek's weirds, a
 * message cut short by the end of its side, unknown types; a fuzz never
 * throws out of the analyzer.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { fuzzProtocol, type RunOptions, runTcp, type Step } from "./tcp-conv.js";

const NETBIOS: RunOptions = {
  sport: 139,
  register: "NETBIOSSSN",
  watch: [
    "netbios_session_message",
    "netbios_session_request",
    "netbios_session_accepted",
    "netbios_session_rejected",
    "netbios_session_raw_message",
    "netbios_session_keepalive",
  ],
};

/** A message: type, flags 0, 16-bit length, body. */
function msg(type: number, body: number[] | string): number[] {
  const b = typeof body === "string" ? [...Buffer.from(body, "latin1")] : body;
  return [type, 0, b.length >> 8, b.length & 0xff, ...b];
}

/** A NetBIOS name in its half-ASCII form, with the length byte (two letters a byte). */
function name(n: string): number[] {
  const out = [2 * n.length];
  for (const ch of Buffer.from(n, "latin1")) out.push(0x41 + (ch >> 4), 0x41 + (ch & 0x0f));
  return out;
}

function weirds(log: string[][]): string[] {
  return log.map((r) => `${r[6]} ${r[7]} ${r[10]}`);
}

test("session request, acceptance, keep-alive, raw and SMB messages: events and Zeek's weirds", async () => {
  const steps: Step[] = [
    ["c", msg(0x81, [...name("FILESERVER"), ...name("CLIENT")])],
    ["s", msg(0x82, [])],
    ["c", msg(0x85, [])],
    ["c", msg(0x00, "hello, raw")],
    ["c", msg(0x00, "\xffSMBr\0\0\0")],
    ["s", msg(0x42, "??")],
  ];
  const r = await runTcp(steps, NETBIOS);
  assert.deepEqual(r.events, [
    "netbios_session_message c true 129 34",
    'netbios_session_request c "FILESERVER"',
    "netbios_session_message c false 130 0",
    'netbios_session_accepted c ""',
    "netbios_session_message c true 133 0",
    'netbios_session_keepalive c ""',
    "netbios_session_message c true 0 10",
    'netbios_session_raw_message c true "hello, raw"',
    "netbios_session_message c true 0 8",
    "netbios_session_message c false 66 2",
  ]);
  assert.deepEqual(weirds(r.log("weird")), [
    "netbios_raw_session_msg - NETBIOSSSN",
    "no_smb_session_using_parsesambamsg - NETBIOSSSN",
    "unknown_netbios_type 0x42 NETBIOSSSN",
  ]);
  // Port 139 is SMB's too (Zeek's SMB reads its own NetBIOS framing): SMB fails on these; NetBIOS never reports a violation.
  assert.deepEqual(
    r.violations.filter((v) => !v.startsWith("SMB ")),
    [],
  );
});

test("a message split across segments is one; one cut short by its side's end is parsed as it came, after truncated_netbios_message", async () => {
  const whole = msg(0x00, "0123456789abcdef");
  const r = await runTcp(
    [
      ["c", whole.slice(0, 3)],
      ["c", whole.slice(3, 9)],
      ["c", whole.slice(9)],
      ["c", [0x00, 0, 0x01, 0x00, ...Buffer.from("only forty bytes of two hundred fifty-six")]],
    ],
    NETBIOS,
  );
  assert.deepEqual(
    r.events.filter((e) => e.startsWith("netbios_session_message")),
    ["netbios_session_message c true 0 16", "netbios_session_message c true 0 41"],
  );
  assert.deepEqual(weirds(r.log("weird")).slice(0, 2), ["netbios_raw_session_msg - NETBIOSSSN", "truncated_netbios_message (41 < 256) CONTENTS_NETBIOSSSN"]);
});

test("not registered for a port, nothing attaches it", async () => {
  const r = await runTcp([["c", msg(0x85, [])]], { ...NETBIOS, register: undefined });
  assert.deepEqual(r.events, []);
});

test("fuzz: mutated NetBIOS sessions never throw out of the analyzer", async () => {
  const session: Step[] = [
    ["c", msg(0x81, [...name("SERVER"), ...name("ME")])],
    ["s", msg(0x82, [])],
    ["c", msg(0x00, "x".repeat(300))],
    ["s", msg(0x83, [0x80])],
  ];
  await fuzzProtocol([session], 139, 1391, 3, 30, false, "NETBIOSSSN");
});
