/**
 * A responder that has not answered yet is one shared endpoint (a SYN
 * flood's connections cost one endpoint each, not two). Every way something
 * gets written to the responder must first give it its own endpoint: its own
 * packets, the originator's ACKs (they set the responder's numbers up), a
 * flip that makes the silent side the originator, an IPv6 flow label. A
 * window-scale SYN sets up the responder's window baseline: the originator
 * keeps it until the responder gets its own endpoint. A missed write would
 * leak into every half-open connection: each test checks that the shared
 * endpoint still holds a new endpoint's values.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { silentResponderIntact, type TcpConn } from "../../../src/analyzer/tcp/tcp-conn.js";
import { type Connection, TcpState } from "../../../src/event/records.js";
import type { ConnRecord } from "../../../src/session/conn-record.js";
import { frame, type TestPacket, tcp6 } from "../../helpers/packets.js";
import { handshake, run, type Seg, tcpTrace } from "../../session/harness.js";

/** The engine's connection behind each new_connection, in order. */
async function conns(packets: TestPacket[]): Promise<{ conns: TcpConn[]; removed: Awaited<ReturnType<typeof run>>["removed"] }> {
  const seen: TcpConn[] = [];
  const r = await run(packets, {}, (e) => e.on("new_connection", (c: Connection) => void seen.push((c as ConnRecord<TcpConn>).owner)));
  return { conns: seen, removed: r.removed };
}

const WSCALE_7 = [3, 3, 7, 1]; // window scale 7, NOP

test("half-open connections share one INACTIVE responder until it answers", async () => {
  const segs = (cport: number, answered: boolean): TestPacket[] =>
    tcpTrace(answered ? handshake(10 + cport / 1e5) : [{ t: 10 + cport / 1e5, from: "c", flags: "S", seq: 1000 }], { cport });
  const seen: TcpConn[] = [];
  const r = await run([...segs(40000, false), ...segs(40001, false), ...segs(40002, true)], {}, (e) =>
    e.on("connection_state_remove", (c: Connection) => void seen.push((c as ConnRecord<TcpConn>).owner)),
  );
  assert.deepEqual(
    r.removed.map((c) => [c.state, c.history]),
    [
      ["S0", "S"],
      ["S0", "S"],
      ["S1", "ShA"],
    ],
  );
  const [a, b, answered] = seen as [TcpConn, TcpConn, TcpConn];
  assert.equal(a.resp, b.resp, "two unanswered SYNs share the responder");
  assert.equal(a.resp.conn, null, "the shared responder belongs to no connection");
  assert.equal(a.resp.state, TcpState.INACTIVE);
  assert.notEqual(answered.resp, a.resp, "a responder that answered has its own endpoint");
  assert.equal(answered.resp.state, TcpState.ESTABLISHED);
  assert.ok(silentResponderIntact(), "nothing was written to the shared responder");
});

test("an originator ACK and a flip each give the responder its own endpoint", async () => {
  // Expected figures are what the engine gave before the responder was shared.
  const cases: Array<[string, Seg[], string, string]> = [
    // A mid-stream originator (no SYN): its ACK sets the responder's numbers up.
    ["partial ACK", [{ t: 10, from: "c", flags: "PA", seq: 1000, ack: 5000, payload: "data" }], "OTH", "D"],
    // SYN-ACK first: roles flip at creation, the silent side becomes the originator.
    [
      "SYN-ACK first",
      [
        { t: 10, from: "s", flags: "SA", seq: 5000, ack: 1001 },
        { t: 10.01, from: "c", flags: "A", seq: 1001, ack: 5001 },
      ],
      "S1",
      "^hA",
    ],
    // Both window scales, then a zero window from the originator (window tracking on both sides).
    [
      "window scales both ways",
      [
        { t: 10, from: "c", flags: "S", seq: 1000, options: WSCALE_7 },
        { t: 10.01, from: "s", flags: "SA", seq: 5000, ack: 1001, options: [3, 3, 5, 1] },
        { t: 10.02, from: "c", flags: "A", seq: 1001, ack: 5001, win: 0 },
      ],
      "S1",
      "ShAW",
    ],
  ];
  for (const [name, segs, state, history] of cases) {
    const {
      conns: [conn],
      removed,
    } = await conns(tcpTrace(segs));
    assert.ok(conn, name);
    assert.equal(conn.orig.conn, conn, name);
    assert.equal(conn.resp.conn, conn, name);
    assert.equal(conn.orig.isOrig, true, name);
    assert.equal(conn.resp.isOrig, false, name);
    assert.equal(removed.length, 1, name);
    assert.deepEqual([removed[0]!.state, removed[0]!.history], [state, history], name);
    assert.ok(silentResponderIntact(), `${name}: nothing was written to the shared responder`);
  }
});

test("a window-scale SYN leaves the responder shared; it takes the SYN's window baseline when it answers", async () => {
  const {
    conns: [conn],
    removed,
  } = await conns(tcpTrace([{ t: 10, from: "c", flags: "S", seq: 1000, options: WSCALE_7 }]));
  assert.ok(conn);
  assert.equal(conn.resp.conn, null, "still the shared responder");
  assert.equal(conn.orig.peerWindowPending, true);
  assert.deepEqual([removed[0]!.state, removed[0]!.history], ["S0", "S"]);
  // The responder's first ACKs ack below the originator's ISN: the baseline (ack 1000) skips them
  // as window updates; without it the second one would shrink the window (window_recision).
  const answer: Seg[] = [
    { t: 10.01, from: "s", flags: "SA", seq: 5000, ack: 1001 },
    { t: 10.02, from: "s", flags: "A", seq: 5001, ack: 500, win: 1000 },
    { t: 10.03, from: "s", flags: "A", seq: 5001, ack: 600, win: 0 },
  ];
  const weirds = async (segs: Seg[]): Promise<string[]> => (await run(tcpTrace(segs))).weirds;
  const syn = { t: 10, from: "c", flags: "S", seq: 1000 } as const;
  assert.ok(!(await weirds([{ ...syn, options: WSCALE_7 }, ...answer])).includes("window_recision"));
  // An originator packet that moves its own window (to seq 1001) before the answer: the responder
  // takes the baseline first, so its ACKs of 1000 (not below it) are window updates, and the second shrinks it.
  const data = { t: 10.005, from: "c", flags: "P", seq: 1001, payload: "x", win: 50 } as const;
  const ackingIsn: Seg[] = [answer[0]!, { ...answer[1]!, ack: 1000 }, { ...answer[2]!, ack: 1000 }];
  assert.ok((await weirds([{ ...syn, options: WSCALE_7 }, data, ...ackingIsn])).includes("window_recision"));
  assert.ok((await weirds([syn, ...answer])).includes("window_recision"), "no window-scale SYN: no baseline");
  assert.ok(silentResponderIntact(), "nothing was written to the shared responder");
});

test("an IPv6 flow label from the responder is kept on its own endpoint", async () => {
  const client = "2001:db8::1";
  const server = "2001:db8::2";
  const packets: TestPacket[] = [
    { ts: 10, bytes: frame(tcp6({ src: client, dst: server, flowLabel: 0x111 }, { sport: 40000, dport: 80, seq: 1000, flags: "S" })) },
    { ts: 10.01, bytes: frame(tcp6({ src: server, dst: client, flowLabel: 0x22222 }, { sport: 80, dport: 40000, seq: 5000, ack: 1001, flags: "SA" })) },
  ];
  const labels: Array<[number, number]> = [];
  await run(packets, {}, (e) => e.on("connection_state_remove", (c: Connection) => void labels.push([c.orig.flow_label, c.resp.flow_label])));
  assert.deepEqual(labels, [[0x111, 0x22222]]);
  assert.ok(silentResponderIntact(), "nothing was written to the shared responder");
});
