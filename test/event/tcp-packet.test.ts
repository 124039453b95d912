/**
 * Per-packet TCP events (behaviour doc §3.2 steps 9, 16, 17; §3.5; §3.6 scaled
 * letters): connection_SYN_packet's SYN_packet record, tcp_packet's
 * arguments, tcp_option / tcp_options, and the tcp_multiple_* thresholds.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { SynPacket, TcpOption } from "../../src/event/records.js";
import { frame, type TestPacket, tcp4, tcp6 } from "../helpers/packets.js";
import { CLIENT, handshake, SERVER, type Seg, tcpTrace } from "../session/harness.js";
import { names, only, record } from "./recorder.js";

// TCP option bytes (RFC 9293, 7323, 2018).
const MSS_1460 = [2, 4, 0x05, 0xb4];
const WSCALE_7 = [3, 3, 7];
const SACK_PERMITTED = [4, 2];
const NOP = [1];
const EOL = [0];
const timestamps = (val: number, ecr: number): number[] => [
  8,
  10,
  (val >>> 24) & 255,
  (val >>> 16) & 255,
  (val >>> 8) & 255,
  val & 255,
  (ecr >>> 24) & 255,
  (ecr >>> 16) & 255,
  (ecr >>> 8) & 255,
  ecr & 255,
];

function packet(t: number, fromClient: boolean, seg: Parameters<typeof tcp4>[1], ip: { ttl?: number; df?: boolean } = {}): TestPacket {
  const src = fromClient ? CLIENT : SERVER;
  const dst = fromClient ? SERVER : CLIENT;
  const sport = fromClient ? 40000 : 80;
  const dport = fromClient ? 80 : 40000;
  return { ts: t, bytes: frame(tcp4({ src, dst, ...ip }, { sport, dport, ...seg })) };
}

test("connection_SYN_packet: MSS, window scale, SACK_OK, TSval/TSecr, DF, ttl, size = IP total length, raw window", async () => {
  const synOpts = [...MSS_1460, ...SACK_PERMITTED, ...timestamps(123456789, 0), ...NOP, ...WSCALE_7];
  const packets = [
    packet(0, true, { flags: "S", seq: 1000, win: 65535, options: synOpts }, { ttl: 55, df: true }),
    packet(0.01, false, { flags: "SA", seq: 5000, ack: 1001, win: 29200 }, { ttl: 61 }),
    packet(0.02, true, { flags: "A", seq: 1001, ack: 5001 }),
  ];
  const r = await record(packets, ["connection_SYN_packet"]);
  assert.equal(r.events.length, 2, "every packet with SYN, and only those");
  const [syn, synAck] = r.events.map((e) => e.args[0] as SynPacket);
  assert.deepEqual(syn, {
    is_orig: true,
    DF: true,
    ttl: 55,
    size: 20 + 20 + 20, // IP header + TCP header + 20 option bytes (4+2+10+1+3)
    win_size: 65535,
    win_scale: 7,
    MSS: 1460,
    SACK_OK: true,
    TSval: 123456789,
    TSecr: 0,
  });
  assert.equal(synAck!.is_orig, false);
  assert.equal(synAck!.DF, false);
  assert.equal(synAck!.ttl, 61);
  assert.equal(synAck!.size, 40);
  assert.equal(synAck!.win_size, 29200);
  assert.equal(synAck!.win_scale, -1, "absent window scale is −1");
  assert.equal(synAck!.MSS, 0, "absent MSS is 0");
  assert.equal(synAck!.SACK_OK, false);
  assert.equal(synAck!.TSval, undefined);
  assert.equal(synAck!.TSecr, undefined);
  assert.equal(r.events[0]!.c!.history, "S", "handlers run after each packet: the SYN-ACK is not seen yet");
});

test("connection_SYN_packet for a SYN with data and a SYN+RST: the SYN weirds come before it (§3.2 step 9)", async () => {
  const packets = [packet(0, true, { flags: "SR", seq: 1000, payload: "xy" })];
  const r = await record(packets, ["connection_SYN_packet", "weird"], { ignoreChecksums: true });
  // The state machine (step 14) runs after the SYN event: a RST to a silent peer is spontaneous.
  assert.deepEqual(names(r.events), ["weird:TCP_christmas", "weird:SYN_with_data", "connection_SYN_packet", "weird:spontaneous_RST"]);
  assert.equal((r.events[2]!.args[0] as SynPacket).size, 42);
});

test("tcp_packet: once per processed packet, flags in S F R A P U order, relative seq/ack, len, captured payload", async () => {
  const segs: Seg[] = [
    ...handshake(0),
    { t: 0.03, from: "c", flags: "PA", seq: 1001, ack: 5001, payload: "hello" },
    { t: 0.04, from: "s", flags: "UPAF", seq: 5001, ack: 1006, payload: "bye" },
    { t: 0.05, from: "c", flags: "F", seq: 1006 },
  ];
  const r = await record(tcpTrace(segs), ["tcp_packet"]);
  const rows = r.events.map((e) => [e.args[0], e.args[1], e.args[2], e.args[3], e.args[4], new TextDecoder().decode(e.args[5] as Uint8Array)]);
  assert.deepEqual(rows, [
    [true, "S", 0, 0, 0, ""],
    [false, "SA", 0, 1, 0, ""],
    [true, "A", 1, 1, 0, ""],
    [true, "AP", 1, 1, 5, "hello"],
    [false, "FAPU", 1, 6, 3, "bye"],
    [true, "F", 6, 0, 0, ""], // no ACK flag: ack argument 0
  ]);
});

test("tcp_packet: len is the IP-declared payload; payload holds only the captured bytes", async () => {
  const full = packet(0.03, true, { flags: "PA", seq: 1001, ack: 5001, payload: "0123456789" });
  const cut = { ts: full.ts, bytes: full.bytes.slice(0, full.bytes.length - 4), wirelen: full.bytes.length };
  const r = await record([...tcpTrace(handshake(0)), cut], ["tcp_packet", "weird"], { ignoreChecksums: true });
  const last = only(r.events, "tcp_packet").at(-1)!;
  assert.equal(last.args[4], 10);
  assert.equal(new TextDecoder().decode(last.args[5] as Uint8Array), "012345");
  assert.ok(r.lines.includes("weird truncated_tcp_payload"));
});

test("tcp_packet is not raised for a bad-checksum packet (skipped, §1.5), but new_connection is", async () => {
  const segs: Seg[] = [{ t: 0, from: "c", flags: "S", seq: 1000, checksum: "bad" }];
  const r = await record(tcpTrace(segs), ["new_connection", "new_packet", "tcp_packet", "connection_SYN_packet", "weird"]);
  assert.deepEqual(names(r.events), ["new_connection", "new_packet", "weird:bad_TCP_checksum"]);
});

test("tcp_option per option then tcp_options once, after tcp_packet; NOP and EOL are one byte; parsing stops at EOL", async () => {
  const opts = [...MSS_1460, ...NOP, ...WSCALE_7, ...EOL, ...SACK_PERMITTED];
  const packets = [packet(0, true, { flags: "S", seq: 1000, options: opts })];
  const r = await record(packets, ["tcp_packet", "tcp_option", "tcp_options", "connection_SYN_packet"]);
  assert.deepEqual(names(r.events), ["connection_SYN_packet", "tcp_packet", "tcp_option", "tcp_option", "tcp_option", "tcp_option", "tcp_options"]);
  assert.deepEqual(
    only(r.events, "tcp_option").map((e) => [e.args[0], e.args[1], e.args[2]]),
    [
      [true, 2, 4],
      [true, 1, 1],
      [true, 3, 3],
      [true, 0, 1],
    ],
  );
  const list = only(r.events, "tcp_options")[0]!.args[1] as TcpOption[];
  assert.deepEqual(
    list.map((o) => o.kind),
    [2, 1, 3, 0],
  );
  assert.equal(list[0]!.mss, 1460);
  assert.equal(list[2]!.window_scale, 7);
  // The SYN facts stop at EOL too: SACK-permitted after it is not seen.
  assert.equal((only(r.events, "connection_SYN_packet")[0]!.args[0] as SynPacket).SACK_OK, false);
});

test("tcp_options: timestamps and SACK blocks parsed; no option events for a 20-byte header", async () => {
  const sack = [5, 10, 0, 0, 0x13, 0x88, 0, 0, 0x17, 0x70]; // one block 5000..6000
  const segs: Seg[] = [
    ...handshake(0),
    { t: 0.03, from: "s", flags: "A", seq: 5001, ack: 1001, options: [...NOP, ...NOP, ...timestamps(7, 9), ...NOP, ...NOP, ...sack] },
  ];
  const r = await record(tcpTrace(segs), ["tcp_options"]);
  assert.equal(r.events.length, 1, "only the packet with options");
  const list = r.events[0]!.args[1] as TcpOption[];
  assert.equal(r.events[0]!.args[0], false);
  const ts = list.find((o) => o.kind === 8)!;
  assert.equal(ts.send_timestamp, 7);
  assert.equal(ts.echo_timestamp, 9);
  assert.deepEqual(list.find((o) => o.kind === 5)!.sack, [5000, 6000]);
});

test("a malformed option length is a weird, reported with tcp_options", async () => {
  const packets = [packet(0, true, { flags: "S", seq: 1000, options: [2, 3, 5, 0] })];
  const r = await record(packets, ["tcp_options", "weird"]);
  assert.ok(r.lines.includes("weird tcp_option_mss_invalid_len"));
});

/** `n` packets of the same kind from the client after a handshake. */
function repeated(n: number, make: (i: number) => Seg): Seg[] {
  return [...handshake(0), ...Array.from({ length: n }, (_, i) => make(i))];
}

test("tcp_multiple_checksum_errors: without -C, at the 10th bad checksum (and 100th), not at the 1st; C recorded at 1 and 10", async () => {
  const segs: Seg[] = repeated(100, (i) => ({ t: 1 + i * 0.01, from: "c", flags: "PA", seq: 1001, ack: 5001, payload: "x", checksum: "bad" }));
  const r = await record(tcpTrace(segs), ["tcp_multiple_checksum_errors"]);
  assert.deepEqual(
    r.events.map((e) => [e.args[0], e.args[1]]),
    [
      [true, 10],
      [true, 100],
    ],
  );
  assert.equal(r.events[0]!.t, 1 + 9 * 0.01);
  assert.equal(r.events[0]!.c!.history, "ShACC", "letters at 1 and 10");
  assert.equal(r.events[1]!.c!.history, "ShACCC");

  const ignored = await record(tcpTrace(segs), ["tcp_multiple_checksum_errors"], { ignoreChecksums: true });
  assert.equal(ignored.events.length, 0, "-C: checksums are not checked");
});

test("tcp_multiple_retransmissions: at the 10th retransmitted segment from a side", async () => {
  const segs: Seg[] = [
    ...handshake(0),
    { t: 1, from: "s", flags: "PA", seq: 5001, ack: 1001, payload: "data" },
    ...Array.from({ length: 10 }, (_, i): Seg => ({ t: 2 + i, from: "s", flags: "PA", seq: 5001, ack: 1001, payload: "data" })),
  ];
  const r = await record(tcpTrace(segs), ["tcp_multiple_retransmissions"]);
  assert.equal(r.events.length, 1);
  assert.deepEqual([r.events[0]!.args[0], r.events[0]!.args[1]], [false, 10]);
  assert.equal(r.events[0]!.t, 11);
  assert.equal(r.events[0]!.c!.history, "ShAdtt");
});

test("tcp_multiple_zero_windows: at the 10th zero-window packet", async () => {
  const segs: Seg[] = repeated(10, (i) => ({ t: 1 + i, from: "c", flags: "A", seq: 1001, ack: 5001, win: 0 }));
  const r = await record(tcpTrace(segs), ["tcp_multiple_zero_windows"]);
  assert.equal(r.events.length, 1);
  assert.deepEqual([r.events[0]!.args[0], r.events[0]!.args[1]], [true, 10]);
  assert.equal(r.events[0]!.t, 10);
  assert.equal(r.events[0]!.c!.history, "ShAWW");
});

test("tcp_multiple_gap: at the 10th content gap while both sides are established, after content_gap", async () => {
  const segs: Seg[] = [...handshake(0)];
  // Each round: 100 bytes are missing, the next 100 arrive, the server acks past both.
  for (let i = 0; i < 10; i++) {
    const base = 1001 + i * 200;
    segs.push({ t: 1 + i, from: "c", flags: "PA", seq: base + 100, ack: 5001, payload: 100 });
    segs.push({ t: 1.5 + i, from: "s", flags: "A", seq: 5001, ack: base + 200 });
  }
  const r = await record(tcpTrace(segs), ["tcp_multiple_gap", "content_gap"]);
  const gaps = only(r.events, "content_gap");
  assert.equal(gaps.length, 10);
  assert.deepEqual(gaps.map((g) => [g.args[0], g.args[1], g.args[2]]).slice(0, 2), [
    [true, 1, 100],
    [true, 201, 100],
  ]);
  const multi = only(r.events, "tcp_multiple_gap");
  assert.equal(multi.length, 1);
  assert.deepEqual([multi[0]!.args[0], multi[0]!.args[1]], [true, 10]);
  assert.equal(multi[0]!.t, 10.5);
  // Recorded when the gap is found, queued before the content_gap of the same gap.
  assert.equal(r.events.indexOf(multi[0]!), r.events.indexOf(gaps[9]!) - 1);
});

test("tcp_packet relative numbers without a SYN: the first byte seen is seq 1; ack is 1 while the peer is silent (§3.2 step 12, §3.7)", async () => {
  const segs: Seg[] = [
    { t: 0, from: "c", flags: "PA", seq: 900000, ack: 777, payload: "abc" },
    { t: 1, from: "c", flags: "PA", seq: 900003, ack: 777, payload: "de" },
    { t: 2, from: "s", flags: "A", seq: 777, ack: 900005 },
  ];
  const r = await record(tcpTrace(segs), ["tcp_packet"]);
  assert.deepEqual(
    r.events.map((e) => [e.args[0], e.args[2], e.args[3], e.args[4]]),
    [
      [true, 1, 1, 3],
      [true, 4, 1, 2],
      [false, 1, 6, 0],
    ],
  );
});

test("connection_SYN_packet over IPv6: ttl is the hop limit, DF false, size = 40 + payload length", async () => {
  const bytes = frame(tcp6({ src: "2001:db8::1", dst: "2001:db8::2", hopLimit: 33 }, { sport: 40000, dport: 80, flags: "S", seq: 1, options: MSS_1460 }));
  const r = await record([{ ts: 0, bytes }], ["connection_SYN_packet"]);
  const syn = r.events[0]!.args[0] as SynPacket;
  assert.equal(syn.ttl, 33);
  assert.equal(syn.DF, false);
  assert.equal(syn.size, 40 + 24);
  assert.equal(syn.MSS, 1460);
});
