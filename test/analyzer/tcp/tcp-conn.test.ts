/**
 * The TCP analyzer's history letters, flips, relative numbers, gaps and
 * per-packet events (Connection::FlipRoles, TCPSessionAdapter::DeliverPacket, Connection::CheckHistory, TCP_Reassembler::AckReceived), on crafted
 * conversations.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Engine } from "../../../src/engine.js";
import { handshake, run, type Seg, tcpTrace } from "../../session/harness.js";

test("T is scaled: recorded at the 1st, 10th and 100th retransmission, with tcp_multiple_retransmissions past 1", async () => {
  const segs: Seg[] = [...handshake(10), { t: 10.1, from: "c", flags: "PA", seq: 1001, ack: 5001, payload: "data" }];
  for (let i = 0; i < 100; i++) segs.push({ t: 10.2 + i * 0.001, from: "c", flags: "PA", seq: 1001, ack: 5001, payload: "data" });
  const thresholds: number[] = [];
  const r = await run(tcpTrace(segs), {}, (e) => e.on("tcp_multiple_retransmissions", (_c, isOrig, t) => thresholds.push(isOrig ? t : -t)));
  assert.equal(r.removed[0]!.history, "ShADTTT");
  assert.deepEqual(thresholds, [10, 100]);
  // Retransmissions do not grow the sequence-space size.
  assert.equal(r.removed[0]!.origBytes, 4);
});

test("a retransmitted SYN adds nothing; a SYN with a new ISN is a new connection (SYN_seq_jump, Connection::IsReuse)", async () => {
  const r = await run(
    tcpTrace([
      { t: 10, from: "c", flags: "S", seq: 1000 },
      { t: 11, from: "c", flags: "S", seq: 1000 },
      { t: 12, from: "c", flags: "S", seq: 3000 },
    ]),
  );
  assert.equal(r.removed.length, 2);
  assert.equal(r.removed[0]!.history, "S");
  assert.equal(r.removed[0]!.cause, "connection_reused");
  assert.equal(r.removed[0]!.at, 12);
  assert.notEqual(r.removed[0]!.uid, r.removed[1]!.uid);
  assert.ok(r.weirds.includes("SYN_seq_jump"));
});

test("multi-flag letters: FIN+RST gives I, SYN+FIN gives Q, once each", async () => {
  const r = await run(
    tcpTrace([
      ...handshake(10),
      { t: 10.1, from: "s", flags: "SAF", seq: 5001, ack: 1001 },
      { t: 10.2, from: "c", flags: "FR", seq: 1001 },
      { t: 10.3, from: "c", flags: "FR", seq: 1001 },
    ]),
  );
  assert.equal(r.removed[0]!.history, "ShAqI");
});

test("zero windows are scaled W/w letters", async () => {
  const r = await run(tcpTrace([...handshake(10), { t: 10.1, from: "s", flags: "A", seq: 5001, ack: 1001, win: 0 }]));
  assert.equal(r.removed[0]!.history, "ShAaw");
});

test("SYN-ACK first between two server ports: no flip at creation, late flip on the first ACK (Connection::FlipRoles, Zeek's btest core.tcp.flip-without-syn)", async () => {
  const ends = { client: "141.142.228.5", server: "192.150.187.43", cport: 6669, sport: 80 };
  const r = await run(
    tcpTrace(
      [
        { t: 100, from: "s", flags: "SA", seq: 2779762238, ack: 4263588412 },
        { t: 100.01, from: "c", flags: "A", seq: 4263588412, ack: 2779762239 },
        { t: 100.02, from: "c", flags: "PA", seq: 4263588412, ack: 2779762239, payload: 136 },
        { t: 100.03, from: "s", flags: "A", seq: 2779762239, ack: 4263588548 },
        { t: 100.04, from: "s", flags: "PA", seq: 2779762239, ack: 4263588548, payload: 5007 },
        { t: 100.05, from: "c", flags: "FA", seq: 4263588548, ack: 2779767246 },
        { t: 100.141744, from: "s", flags: "FA", seq: 2779767246, ack: 4263588549 },
        { t: 100.15, from: "c", flags: "A", seq: 4263588549, ack: 2779767247 },
      ],
      ends,
    ),
  );
  const c = r.removed[0]!;
  assert.equal(c.orig, "141.142.228.5:6669");
  assert.equal(c.history, "^hADadFf");
  assert.equal(c.state, "SF");
  assert.equal(c.origBytes, 136);
  assert.equal(c.respBytes, 5007);
  assert.equal(c.origPkts, 4);
  assert.equal(c.respPkts, 4);
  assert.ok(r.events.includes(`connection_flipped ${c.uid}`));
  assert.ok(r.weirds.includes("connection_originator_SYN_ack"));
});

test("SYN-ACK from a likely server port flips at creation; connection_flipped precedes new_connection", async () => {
  const r = await run(
    tcpTrace([
      { t: 10, from: "s", flags: "SA", seq: 5000, ack: 1001 },
      { t: 10.1, from: "c", flags: "A", seq: 1001, ack: 5001 },
    ]),
  );
  const c = r.removed[0]!;
  assert.equal(c.orig, "10.0.0.1:40000");
  assert.equal(c.history, "^hA");
  assert.equal(c.state, "S1");
  assert.deepEqual(r.events.slice(0, 2), [`connection_flipped ${c.uid}`, `new_connection ${c.uid}`]);
});

test("a pure SYN never flips, even from a server port", async () => {
  const r = await run(tcpTrace([{ t: 10, from: "s", flags: "S", seq: 5000 }]));
  assert.equal(r.removed[0]!.orig, "192.0.2.10:80");
});

test("an acked hole while both sides are established: g, content_gap and a deferred close (Zeek's btest core.tcp.miss-end-data)", async () => {
  const r = await run(
    tcpTrace([
      ...handshake(10),
      { t: 10.1, from: "c", flags: "PA", seq: 1001, ack: 5001, payload: 538 },
      { t: 10.2, from: "s", flags: "A", seq: 5001, ack: 1539 },
      { t: 20.2, from: "s", flags: "FA", seq: 7903, ack: 1539 },
      { t: 20.3, from: "c", flags: "A", seq: 1539, ack: 7904 },
      { t: 20.4, from: "c", flags: "FA", seq: 1539, ack: 7904 },
      { t: 20.5, from: "s", flags: "A", seq: 7904, ack: 1540 },
    ]),
  );
  const c = r.removed[0]!;
  assert.equal(c.history, "ShADafgF");
  assert.equal(c.state, "SF");
  assert.equal(c.respBytes, 2902);
  const gap = r.events.find((e) => e.startsWith("content_gap"));
  assert.equal(gap, `content_gap ${c.uid} false 1 2902`);
  // The FIN's close waited for the hole: EOF of the responder comes with the gap, then the close.
  const i = r.events.indexOf(gap!);
  assert.equal(r.events[i + 1], `connection_EOF ${c.uid} false`);
  assert.ok(r.events.indexOf(`connection_finished ${c.uid}`) > i);
});

test("tcp_packet: flags in S F R A P U order, relative seq and ack", async () => {
  const seen: string[] = [];
  await run(tcpTrace([...handshake(10), { t: 10.1, from: "c", flags: "PA", seq: 1001, ack: 5001, payload: "xyz" }]), {}, (e) =>
    e.on("tcp_packet", (_c, isOrig, flags, seq, ack, len, payload) => seen.push(`${isOrig ? "o" : "r"} ${flags} ${seq} ${ack} ${len} ${payload.length}`)),
  );
  assert.deepEqual(seen, ["o S 0 0 0 0", "r SA 0 1 0 0", "o A 1 1 0 0", "o AP 1 1 3 3"]);
});

test("SYN options reach connection_SYN_packet; tcp_option lists every option", async () => {
  const syns: string[] = [];
  const options: string[] = [];
  // MSS 1460, NOP, window scale 7, SACK permitted, timestamps.
  const opts = [2, 4, 5, 180, 1, 3, 3, 7, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2];
  await run(tcpTrace([{ t: 10, from: "c", flags: "S", seq: 1000, options: opts }]), {}, (e) => {
    e.on("connection_SYN_packet", (_c, p) => syns.push(`${p.MSS} ${p.win_scale} ${p.SACK_OK} ${p.TSval} ${p.TSecr} ${p.size}`));
    e.on("tcp_option", (_c, _o, kind, len) => options.push(`${kind}/${len}`));
  });
  assert.deepEqual(syns, ["1460 7 true 1 2 60"]);
  assert.deepEqual(options, ["2/4", "1/1", "3/3", "4/2", "8/10"]);
});

test("a bad MSS option length is a weird when tcp_options is handled", async () => {
  const r = await run(tcpTrace([{ t: 10, from: "c", flags: "S", seq: 1000, options: [2, 3, 5, 0] }]), {}, (e) => e.on("tcp_options", () => {}));
  assert.ok(r.weirds.includes("tcp_option_mss_invalid_len"));
});

test("relative sequence numbers survive a 32-bit wrap", async () => {
  const isn = 0xfffffff0;
  const seqs: number[] = [];
  await run(
    tcpTrace([
      { t: 10, from: "c", flags: "S", seq: isn },
      { t: 10.01, from: "s", flags: "SA", seq: 5000, ack: isn + 1 },
      { t: 10.02, from: "c", flags: "PA", seq: isn + 1, ack: 5001, payload: 32 },
      { t: 10.03, from: "c", flags: "PA", seq: isn + 33, ack: 5001, payload: 32 },
    ]),
    {},
    (e) =>
      e.on("tcp_packet", (_c, o, _f, seq) => {
        if (o) seqs.push(seq);
      }),
  );
  assert.deepEqual(seqs, [0, 1, 33]);
});

test("tcp_rexmit (TCPSTATS, only when handled): segments not extending the highest seq; first packet and repeated IP ids skipped", async () => {
  const seen: string[] = [];
  const watch = (e: Engine) => e.on("tcp_rexmit", (_c, isOrig, seq, len, inFlight) => seen.push(`${isOrig} ${seq} ${len} ${inFlight}`));
  await run(
    tcpTrace([
      { t: 10, from: "c", flags: "S", seq: 1000, ipId: 1 },
      { t: 10.01, from: "s", flags: "SA", seq: 5000, ack: 1001, ipId: 7 },
      { t: 10.02, from: "c", flags: "A", seq: 1001, ack: 5001, ipId: 2 },
      { t: 10.1, from: "c", flags: "PA", seq: 1001, ack: 5001, payload: "abcd", ipId: 3 },
      { t: 10.2, from: "c", flags: "PA", seq: 1001, ack: 5001, payload: "abcd", ipId: 4 },
      { t: 10.3, from: "c", flags: "PA", seq: 1001, ack: 5001, payload: "abcd", ipId: 4 },
    ]),
    {},
    watch,
  );
  // SYN: first packet. ACK (top 1) and data (top 5) extend; the retransmission does not
  // (4 bytes in flight); the last copy repeats IP id 4 and counts as replicated.
  assert.deepEqual(seen, ["true 1 4 4"]);
  seen.length = 0;
  await run(tcpTrace([...handshake(10)]), {}, watch);
  assert.deepEqual(seen, [], "the builder's default IP id 0 repeats: replicated packets are not reported");
});

test("transport header checks (IPBasedAnalyzer::CheckHeaderTrunc): a short segment makes no connection; a bad data offset or cut options is a connection weird", async () => {
  const { frame, ipv4, tcp4 } = await import("../../helpers/packets.js");
  const ip = { src: "10.0.0.1", dst: "10.0.0.2" };
  const short = await run([{ ts: 10, bytes: frame(ipv4({ ...ip, proto: 6 }, new Uint8Array(12))) }]);
  assert.equal(short.removed.length, 0);
  assert.ok(short.weirds.includes("truncated_header"));
  const badOffset = await run([{ ts: 10, bytes: frame(tcp4(ip, { flags: "S", dataOffsetOverride: 4 })) }], { ignoreChecksums: true });
  assert.equal(badOffset.removed.length, 1);
  assert.ok(badOffset.weirds.includes("bad_TCP_header_len"));
  assert.equal(badOffset.removed[0]!.history, "");
  const cutOptions = await run([{ ts: 10, bytes: frame(tcp4(ip, { flags: "S", dataOffsetOverride: 15 })) }], { ignoreChecksums: true });
  assert.ok(cutOptions.weirds.includes("truncated_header"));
  assert.equal(cutOptions.removed[0]!.origPkts, 0);
});

test("-C skips checksum validation: a bad checksum is then a normal packet", async () => {
  const segs = [{ t: 10, from: "c" as const, flags: "S", seq: 1000, checksum: "bad" as const }];
  const checked = await run(tcpTrace(segs));
  assert.equal(checked.removed[0]!.history, "C");
  const ignored = await run(tcpTrace(segs), { ignoreChecksums: true });
  assert.equal(ignored.removed[0]!.history, "S");
  assert.equal(ignored.removed[0]!.state, "S0");
});

/** Only SYN, FIN and ACK packets: the server's 2,902 bytes were filtered out of the capture, its FIN still acked. */
const CONTROL_ONLY: Seg[] = [
  ...handshake(10),
  { t: 20.2, from: "s", flags: "FA", seq: 7903, ack: 1001 },
  { t: 20.3, from: "c", flags: "A", seq: 1001, ack: 7904 },
  { t: 20.4, from: "c", flags: "FA", seq: 1001, ack: 7904 },
  { t: 20.5, from: "s", flags: "A", seq: 7904, ack: 1002 },
];

test("detect_filtered_trace: bytes acked before anything was delivered, once a side closed, are skipped, not a gap (TCP_Reassembler::Undelivered)", async () => {
  const plain = await run(tcpTrace(CONTROL_ONLY));
  assert.ok(plain.events.includes(`content_gap ${plain.removed[0]!.uid} false 1 2902`));
  assert.match(plain.removed[0]!.history, /g/);
  const filtered = await run(tcpTrace(CONTROL_ONLY), { settings: { detect_filtered_trace: true } });
  const c = filtered.removed[0]!;
  assert.equal(
    filtered.events.some((e) => e.startsWith("content_gap")),
    false,
  );
  // The same conversation, without the gap's letter.
  assert.equal(c.history, plain.removed[0]!.history.replace("g", ""));
  assert.equal(c.state, "SF");
});

test("detect_filtered_trace: delivered data defeats the guess, so a later hole is still a gap", async () => {
  const r = await run(
    tcpTrace([
      ...handshake(10),
      { t: 10.1, from: "s", flags: "PA", seq: 5001, ack: 1001, payload: 100 },
      { t: 10.2, from: "c", flags: "A", seq: 1001, ack: 5101 },
      { t: 20.2, from: "s", flags: "FA", seq: 7903, ack: 1001 },
      { t: 20.3, from: "c", flags: "A", seq: 1001, ack: 7904 },
    ]),
    { settings: { detect_filtered_trace: true } },
  );
  assert.ok(r.events.includes(`content_gap ${r.removed[0]!.uid} false 101 2802`));
});

test("rexmit_inconsistency with tcp_max_old_segments: an acked reply sent again with other bytes, the first copy as t1, the packet's flags", async () => {
  const segs: Seg[] = [
    ...handshake(10),
    { t: 10.1, from: "s", flags: "PA", seq: 5001, ack: 1001, payload: "forged" },
    { t: 10.2, from: "c", flags: "A", seq: 1001, ack: 5007 },
    // The real reply at the same sequence numbers, longer: compared from its first byte.
    { t: 10.3, from: "s", flags: "PA", seq: 5001, ack: 1001, payload: "genuine reply" },
  ];
  const seen = async (settings: { tcp_max_old_segments: number }): Promise<string[]> => {
    const out: string[] = [];
    const text = (b: Uint8Array) => Buffer.from(b).toString("latin1");
    await run(tcpTrace(segs), { settings }, (e) => e.on("rexmit_inconsistency", (_c, t1, t2, flags) => void out.push(`${text(t1)}|${text(t2)}|${flags}`)));
    return out;
  };
  assert.deepEqual(await seen({ tcp_max_old_segments: 1 }), ["forged|genuin|AP"]);
  assert.deepEqual(await seen({ tcp_max_old_segments: 0 }), [], "Zeek's default: the acked copy is gone");
});
