/**
 * Fuzz: random bytes and mutated well-formed messages never throw out of the
 * DHCP, NTP, Syslog, RADIUS and SIP analyzers, whether their events are
 * handled or not; malformed input ends as violations.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import type { AnalyzerComponent, AnalyzerHost } from "../../../src/analyzer/app/analyzer.js";
import { DHCP } from "../../../src/analyzer/app/dhcp/dhcp.js";
import { NTP } from "../../../src/analyzer/app/ntp/ntp.js";
import { RADIUS } from "../../../src/analyzer/app/radius/radius.js";
import { SIP } from "../../../src/analyzer/app/sip/sip.js";
import { SYSLOG } from "../../../src/analyzer/app/syslog/syslog.js";
import type { Connection } from "../../../src/event/records.js";
import { rng } from "../../helpers/rng.js";
import { ascii, be16, be32 } from "./udp-app-helpers.js";

function stubHost(handled: boolean, counts: { violations: number; events: number }): AnalyzerHost {
  const conn = { uid: "Cfuzz", id: { orig_h: "10.0.0.1", orig_p: 68, resp_h: "10.0.0.2", resp_p: 67, transport: "udp", proto: 17 } } as unknown as Connection;
  const host = {
    name: "FUZZ",
    id: 1,
    origPort: 68,
    respPort: 67,
    confirmed: false,
    conn: () => conn,
    now: () => 1,
    wants: () => handled,
    raise: () => void counts.events++,
    confirm: () => {},
    violation: () => void counts.violations++,
    weird: () => {},
    limitReached: () => {},
    isPartial: () => false,
    addChild: () => null,
    expectConnection: () => {},
    remove: () => {},
    drainEvents: () => {},
  };
  return host as unknown as AnalyzerHost;
}

const DHCP_MSG = Uint8Array.from([
  1,
  1,
  6,
  0,
  ...be32(1),
  0,
  0,
  0,
  0,
  ...new Array<number>(16).fill(0),
  0,
  0x11,
  0x22,
  0x33,
  0x44,
  0x55,
  ...new Array<number>(10 + 192).fill(0),
  0x63,
  0x82,
  0x53,
  0x63,
  53,
  1,
  1,
  1,
  4,
  255,
  255,
  255,
  0,
  3,
  8,
  10,
  0,
  0,
  1,
  10,
  0,
  0,
  2,
  12,
  3,
  104,
  111,
  115,
  15,
  3,
  108,
  97,
  110,
  51,
  4,
  0,
  0,
  14,
  16,
  55,
  3,
  1,
  3,
  6,
  57,
  2,
  5,
  220,
  61,
  7,
  1,
  0,
  0x11,
  0x22,
  0x33,
  0x44,
  0x55,
  81,
  5,
  0,
  0,
  0,
  104,
  111,
  82,
  7,
  1,
  1,
  9,
  2,
  2,
  8,
  252,
  252,
  2,
  104,
  10,
  255,
]);
const NTP_EXT = [0, 2, ...be16(30), ...be16(0), ...be32(0), ...be32(0), ...be32(4), 1, 2, 3, 4, ...be32(0), 0, 0, 0, 0];
const NTP_STD = Uint8Array.from([0x23, 2, 6, 0xec, ...new Array<number>(44).fill(1), ...NTP_EXT, ...be32(5), ...new Array<number>(16).fill(1)]);
const NTP_CONTROL = Uint8Array.from([0x16, 0x82, 0, 3, 6, 21, 0, 0, 0, 0, 0, 4, 97, 98, 99, 100, ...new Array<number>(12).fill(3)]);
const NTP_MODE7 = Uint8Array.from([0x17, 0x85, 3, 42, 0x10, 2, 0xaa, 0xbb, ...new Array<number>(20).fill(4)]);
const RADIUS_MSG = Uint8Array.from([1, 1, 0, 30, ...new Array<number>(16).fill(7), 1, 7, ...ascii("alice"), 8, 6, 10, 0, 0, 1]);
const SIP_REQUEST = Uint8Array.from(ascii("INVITE sip:b@x SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=1\r\nFrom: <a>;tag=1\r\nL: 3\r\n\r\nabc"));
const SIP_REPLY = Uint8Array.from(ascii("SIP/2.0 200 OK\r\nTo: <b>;tag=2\r\nContent-Length: 0\r\n\r\n"));
const SYSLOG_MSG = Uint8Array.from(ascii("<34>Oct 11 22:14:15 mymachine su: 'su root' failed\n"));

const CASES: Array<[AnalyzerComponent, Uint8Array[]]> = [
  [DHCP, [DHCP_MSG]],
  [NTP, [NTP_STD, NTP_CONTROL, NTP_MODE7]],
  [SYSLOG, [SYSLOG_MSG]],
  [RADIUS, [RADIUS_MSG]],
  [SIP, [SIP_REQUEST, SIP_REPLY]],
];

function mutate(msg: Uint8Array, r: () => number): Uint8Array {
  let out = Uint8Array.from(msg);
  const edits = 1 + Math.floor(r() * 4);
  for (let e = 0; e < edits; e++) {
    const what = r();
    if (what < 0.5 && out.length > 0) out[Math.floor(r() * out.length)] = Math.floor(r() * 256);
    else if (what < 0.75) out = out.subarray(0, Math.floor(r() * (out.length + 1)));
    else out = Uint8Array.from([...out, ...Array.from({ length: Math.floor(r() * 40) }, () => Math.floor(r() * 256))]);
  }
  return out;
}

test("fuzz: random and mutated datagrams never throw out of the DHCP, NTP, Syslog, RADIUS and SIP analyzers", () => {
  const r = rng(0x5ca1ab1e);
  for (const [component, seeds] of CASES) {
    const counts = { violations: 0, events: 0 };
    for (let i = 0; i < 3000; i++) {
      const analyzer = component.datagram!(stubHost(i % 2 === 0, counts));
      for (let k = 0; k < 3; k++) {
        const seed = seeds[Math.floor(r() * seeds.length)]!;
        const msg = i % 7 === 0 ? Uint8Array.from({ length: Math.floor(r() * 300) }, () => Math.floor(r() * 256)) : mutate(seed, r);
        assert.doesNotThrow(() => analyzer.deliverPacket(r() < 0.5, msg), `${component.name} ${i}: ${Buffer.from(msg).toString("hex")}`);
      }
      analyzer.done();
    }
    // Syslog never reports violations (Zeek's drops malformed priorities silently).
    if (component !== SYSLOG) assert.ok(counts.violations > 100, `${component.name}: mutations reach the violation paths`);
    assert.ok(counts.events > 100, `${component.name}: mutations still parse often`);
  }
});
