/**
 * ICMP and ICMPv6 events (Zeek's ICMPSessionAdapter): echo request/reply with
 * icmp_info, id, seq and payload; errors with the quoted packet as
 * icmp_context; neighbour discovery; icmp_sent for everything else.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { IcmpContext, IcmpInfo, Weird } from "../../src/event/records.js";
import { addrBytes, concat, frame, icmp4, icmp6Packet, ipv6, type TestPacket, udp, udp4 } from "../helpers/packets.js";
import { names, only, record } from "./recorder.js";

const A = "10.2.0.1";
const B = "10.2.0.2";
const ROUTER = "10.2.0.254";
const A6 = "2001:db8::a";
const B6 = "2001:db8::b";
const R6 = "fe80::1";

const v4 = (t: number, src: string, dst: string, msg: Parameters<typeof icmp4>[1], ttl = 64): TestPacket => ({
  ts: t,
  bytes: frame(icmp4({ src, dst, ttl }, msg)),
});
const v6 = (t: number, src: string, dst: string, msg: Parameters<typeof icmp6Packet>[1], hopLimit = 255): TestPacket => ({
  ts: t,
  bytes: frame(icmp6Packet({ src, dst, hopLimit }, msg)),
});

const ALL_ICMP = [
  "new_connection",
  "icmp_sent",
  "icmp_sent_payload",
  "icmp_echo_request",
  "icmp_echo_reply",
  "icmp_unreachable",
  "icmp_time_exceeded",
  "icmp_packet_too_big",
  "icmp_parameter_problem",
  "icmp_error_message",
  "icmp_redirect",
  "icmp_router_solicitation",
  "icmp_router_advertisement",
  "icmp_neighbor_solicitation",
  "icmp_neighbor_advertisement",
  "connection_state_remove",
] as const;

test("icmp_echo_request / icmp_echo_reply: one connection, info (v6, itype, icode, len, ttl), id, seq, payload", async () => {
  const r = await record(
    [v4(0, A, B, { type: 8, id: 7, seq: 3, payload: "ping!" }, 60), v4(0.1, B, A, { type: 0, id: 7, seq: 3, payload: "ping!" }, 50)],
    ALL_ICMP,
  );
  assert.deepEqual(names(r.events), ["new_connection", "icmp_echo_request", "icmp_echo_reply", "connection_state_remove"]);
  const [req, rep] = [only(r.events, "icmp_echo_request")[0]!, only(r.events, "icmp_echo_reply")[0]!];
  assert.deepEqual(req.args.slice(0, 3), [{ v6: false, itype: 8, icode: 0, len: 5, ttl: 60 }, 7, 3]);
  assert.equal(new TextDecoder().decode(req.args[3] as Uint8Array), "ping!");
  assert.deepEqual(rep.args[0], { v6: false, itype: 0, icode: 0, len: 5, ttl: 50 });
  assert.equal(req.c!.uid, rep.c!.uid);
  assert.equal(req.c!.orig, `${A}:8`);
  assert.equal(req.c!.resp, `${B}:0`);
});

test("ICMPv6 echo: v6 info with the hop limit as ttl", async () => {
  const r = await record(
    [v6(0, A6, B6, { type: 128, id: 1, seq: 2, payload: "abc" }, 64), v6(0.1, B6, A6, { type: 129, id: 1, seq: 2, payload: "abc" }, 63)],
    ALL_ICMP,
  );
  assert.deepEqual(only(r.events, "icmp_echo_request")[0]!.args.slice(0, 3), [{ v6: true, itype: 128, icode: 0, len: 3, ttl: 64 }, 1, 2]);
  assert.deepEqual(only(r.events, "icmp_echo_reply")[0]!.args[0], { v6: true, itype: 129, icode: 0, len: 3, ttl: 63 });
});

/** The first 28 bytes of a UDP datagram A:5000 → B:53, as a router quotes it. */
function quotedUdp(): Uint8Array {
  return udp4({ src: A, dst: B, df: true }, { sport: 5000, dport: 53, payload: "query-bytes" }).slice(0, 28);
}

test("icmp_unreachable: code and the quoted packet as icmp_context", async () => {
  const r = await record([v4(0, ROUTER, A, { type: 3, code: 3, id: 0, seq: 0, payload: quotedUdp() })], ALL_ICMP);
  assert.deepEqual(names(r.events), ["new_connection", "icmp_unreachable", "connection_state_remove"]);
  const [info, code, context] = only(r.events, "icmp_unreachable")[0]!.args as [IcmpInfo, number, IcmpContext];
  assert.deepEqual(info, { v6: false, itype: 3, icode: 3, len: 28, ttl: 64 });
  assert.equal(code, 3);
  assert.equal(context.id.orig_h, A);
  assert.equal(context.id.orig_p, 5000);
  assert.equal(context.id.resp_h, B);
  assert.equal(context.id.resp_p, 53);
  // Zeek's TransportProto numbering (unknown 0, tcp 1, udp 2, icmp 3); id.proto is the ICMP message's (Zeek's btest core/icmp/icmp-context).
  assert.equal(context.proto, 2);
  assert.equal(context.id.proto, 1);
  assert.equal(context.len, 20 + 8 + 11, "the quoted IP total length, not what was quoted");
  assert.equal(context.frag_offset, 0);
  assert.equal(context.bad_hdr_len, false);
  assert.equal(context.MF, false);
  assert.equal(context.DF, true);
  const conn = only(r.events, "new_connection")[0]!.c!;
  assert.equal(conn.orig, `${ROUTER}:3`, "one-way type: resp port is the code");
  assert.equal(conn.resp, `${A}:3`);
});

test("icmp_time_exceeded with its code and context; a truncated quote gives bad_hdr_len", async () => {
  const r = await record(
    [
      v4(0, ROUTER, A, { type: 11, code: 0, id: 0, seq: 0, payload: quotedUdp() }),
      v4(1, ROUTER, A, { type: 11, code: 1, id: 0, seq: 0, payload: quotedUdp().slice(0, 12) }),
    ],
    ALL_ICMP,
  );
  const te = only(r.events, "icmp_time_exceeded");
  assert.equal(te.length, 2);
  assert.equal(te[0]!.args[1], 0);
  assert.equal((te[0]!.args[2] as IcmpContext).id.resp_p, 53);
  assert.equal(te[1]!.args[1], 1);
  assert.equal((te[1]!.args[2] as IcmpContext).bad_hdr_len, true);
  assert.notEqual(te[0]!.c!.uid, te[1]!.c!.uid, "different codes: different one-way connections");
});

test("other ICMPv4 types: icmp_sent then icmp_sent_payload", async () => {
  const r = await record([v4(0, A, B, { type: 13, id: 1, seq: 1, payload: "123456789012" })], ALL_ICMP);
  assert.deepEqual(names(r.events), ["new_connection", "icmp_sent", "icmp_sent_payload", "connection_state_remove"]);
  assert.deepEqual(only(r.events, "icmp_sent")[0]!.args[0], { v6: false, itype: 13, icode: 0, len: 12, ttl: 64 });
  assert.equal((only(r.events, "icmp_sent_payload")[0]!.args[1] as Uint8Array).length, 12);
});

test("ICMPv6 errors: unreachable, packet too big, time exceeded, parameter problem, other < 128 as icmp_error_message", async () => {
  const quoted = ipv6({ src: A6, dst: B6, nextHeader: 17 }, udp({ sport: 1111, dport: 2222, payload: "x" }, { src: A6, dst: B6 }));
  const errs: Array<[number, string]> = [
    [1, "icmp_unreachable"],
    [2, "icmp_packet_too_big"],
    [3, "icmp_time_exceeded"],
    [4, "icmp_parameter_problem"],
    [100, "icmp_error_message"],
  ];
  const r = await record(
    errs.map(([type], i) => v6(i, R6, A6, { type, code: 0, id: 0, seq: 0, payload: quoted })),
    ALL_ICMP,
  );
  for (const [type, name] of errs) {
    const evs = only(r.events, name);
    assert.equal(evs.length, 1, name);
    const [info, code, context] = evs[0]!.args as [IcmpInfo, number, IcmpContext];
    assert.equal(info.itype, type);
    assert.equal(info.v6, true);
    assert.equal(code, 0);
    assert.equal(context.id.orig_h, A6, name);
    assert.equal(context.id.resp_p, 2222, name);
    assert.equal(context.proto, 2, "udp as TransportProto");
  }
});

test("neighbour discovery: router solicitation/advertisement, neighbour solicitation/advertisement, redirect", async () => {
  const target = addrBytes("2001:db8::99");
  const dest = addrBytes("2001:db8::77");
  const r = await record(
    [
      v6(0, A6, "ff02::2", { type: 133, id: 0, seq: 0, payload: new Uint8Array(0) }),
      v6(1, R6, "ff02::1", { type: 134, id: 64 << 8, seq: 1800, payload: new Uint8Array(8) }),
      v6(2, A6, "ff02::1:ff00:99", { type: 135, id: 0, seq: 0, payload: target }),
      v6(3, B6, A6, { type: 136, id: (0x80 | 0x20) << 8, seq: 0, payload: target }),
      v6(4, R6, A6, { type: 137, id: 0, seq: 0, payload: concat(target, dest) }),
    ],
    ALL_ICMP,
  );
  assert.deepEqual(only(r.events, "icmp_router_solicitation")[0]!.args, [{ v6: true, itype: 133, icode: 0, len: 0, ttl: 255 }, []]);
  assert.equal(only(r.events, "icmp_router_advertisement")[0]!.args[1], 64, "cur_hop_limit");
  assert.equal(only(r.events, "icmp_router_advertisement")[0]!.args[8], 1800, "router_lifetime");
  assert.deepEqual(only(r.events, "icmp_neighbor_solicitation")[0]!.args.slice(1), ["2001:db8::99", []]);
  assert.deepEqual(only(r.events, "icmp_neighbor_advertisement")[0]!.args.slice(1), [true, false, true, "2001:db8::99", []]);
  assert.deepEqual(only(r.events, "icmp_redirect")[0]!.args.slice(1), ["2001:db8::99", "2001:db8::77", []]);
  assert.equal(only(r.events, "icmp_sent").length, 0);
});

/** An ND option: type, length in units of 8 bytes, then its body (zero-padded to the length). */
const ndOption = (type: number, units: number, body: Uint8Array): Uint8Array => {
  const o = new Uint8Array(units * 8);
  o.set([type, units]);
  o.set(body.subarray(0, o.length - 2), 2);
  return o;
};

/** A big-endian 32-bit number's bytes. */
const be32 = (n: number): Uint8Array => new Uint8Array([n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);

test("a router advertisement's flags, timers (intervals in seconds) and options: link address, MTU, prefix, an unknown one kept as payload", async () => {
  const mac = new Uint8Array([0xc2, 0, 0x54, 0xf5, 0, 0]);
  const prefix = concat(new Uint8Array([64, 0xc0]), be32(2592000), be32(604800), new Uint8Array(4), addrBytes("2001:db8:0:1::"));
  const options = concat(
    ndOption(1, 1, mac),
    ndOption(5, 1, concat(new Uint8Array(2), be32(1500))),
    ndOption(3, 4, prefix),
    ndOption(31, 1, new Uint8Array([1, 2])),
  );
  // Hop limit 13; flags managed, home agent, preference 3; lifetime 1800 s; reachable 3700 ms; retransmit 1300 ms.
  const msg = { type: 134, id: (13 << 8) | 0xb8, seq: 1800, payload: concat(be32(3700), be32(1300), options) };
  const r = await record([v6(0, R6, "ff02::1", msg)], ALL_ICMP);
  const args = only(r.events, "icmp_router_advertisement")[0]!.args;
  assert.deepEqual(args.slice(1, 11), [13, true, false, true, 3, false, 0, 1800, 3.7, 1.3]);
  assert.deepEqual(args[11], [
    { otype: 1, len: 1, link_address: Buffer.from(mac).toString("latin1") },
    { otype: 5, len: 1, mtu: 1500 },
    { otype: 3, len: 4, prefix: { prefix_len: 64, L_flag: true, A_flag: true, valid_lifetime: 2592000, preferred_lifetime: 604800, prefix: "2001:db8:0:1::" } },
    { otype: 31, len: 1, payload: "\x01\x02\0\0\0\0" },
  ]);
});

test("ND options: a link address cut by the capture is payload; a cut type/length or a zero length ends them with a weird", async () => {
  const target = addrBytes("2001:db8::99");
  // The option says 2 units (14 bytes of address) but the message ends after 6: its captured bytes are its payload.
  const cut = await record(
    [
      v6(0, A6, B6, {
        type: 135,
        id: 0,
        seq: 0,
        payload: concat(
          target,
          ndOption(1, 1, new Uint8Array(6)).map((b, i) => (i === 1 ? 2 : b)),
        ),
      }),
    ],
    ALL_ICMP,
  );
  assert.deepEqual(only(cut.events, "icmp_neighbor_solicitation")[0]!.args[2], [{ otype: 1, len: 2, payload: "\0\0\0\0\0\0" }]);
  const odd = await record([v6(0, A6, B6, { type: 135, id: 0, seq: 0, payload: concat(target, new Uint8Array([1])) })], [...ALL_ICMP, "weird"]);
  assert.deepEqual(only(odd.events, "icmp_neighbor_solicitation")[0]!.args[2], []);
  assert.ok(odd.lines.includes("weird truncated_ICMPv6_ND_options"));
  const zero = await record(
    [v6(0, A6, B6, { type: 135, id: 0, seq: 0, payload: concat(target, ndOption(1, 1, new Uint8Array(6)), new Uint8Array([2, 0])) })],
    [...ALL_ICMP, "weird"],
  );
  assert.equal((only(zero.events, "icmp_neighbor_solicitation")[0]!.args[2] as unknown[]).length, 1);
  assert.ok(zero.lines.includes("weird zero_length_ICMPv6_ND_option"));
});

test("a redirect's Redirected Header option quotes the packet as an icmp_context (after its 6 reserved bytes)", async () => {
  const target = addrBytes("2001:db8::99");
  const dest = addrBytes("2001:db8::77");
  const quoted = ipv6({ src: A6, dst: "2001:db8::77", nextHeader: 17 }, udp({ sport: 30000, dport: 13000, payload: "x" }, { src: A6, dst: "2001:db8::77" }));
  const option = ndOption(4, Math.ceil((quoted.length + 8) / 8), concat(new Uint8Array(6), quoted));
  const r = await record([v6(0, R6, A6, { type: 137, id: 0, seq: 0, payload: concat(target, dest, option) })], ALL_ICMP);
  const [o] = only(r.events, "icmp_redirect")[0]!.args[3] as Array<{ otype: number; redirect: IcmpContext }>;
  assert.equal(o!.otype, 4);
  assert.deepEqual([o!.redirect.id.orig_p, o!.redirect.id.resp_p, o!.redirect.proto, o!.redirect.len], [30000, 13000, 2, quoted.length]);
});

test("a truncated neighbour solicitation is no event and a weird of no connection saying the bytes wanted and captured", async () => {
  const r = await record([v6(0, A6, B6, { type: 135, id: 0, seq: 0, payload: new Uint8Array(4) })], [...ALL_ICMP, "weird"]);
  assert.equal(only(r.events, "icmp_neighbor_solicitation").length, 0);
  const [w] = only(r.events, "weird").map((e) => e.args[0] as Weird);
  assert.deepEqual([w!.name, w!.addl, w!.conn, w!.source], ["icmp6_ns_bad_opt_offset", "16 (length 4)", undefined, "ICMP"]);
});

test("a bad ICMP checksum: weird, no message event; the connection still exists", async () => {
  const r = await record([v4(0, A, B, { type: 8, id: 1, seq: 1, checksum: "bad" })], [...ALL_ICMP, "weird"]);
  assert.deepEqual(names(r.events), ["new_connection", "weird:bad_ICMP_checksum", "connection_state_remove"]);
});
