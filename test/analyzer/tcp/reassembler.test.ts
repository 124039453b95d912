import assert from "node:assert/strict";
import { test } from "node:test";
import { NO_BYTES, Reassembler, type ReassemblerSink, type ReassemblyLimit } from "../../../src/analyzer/tcp/reassembler.js";
import { defaultSettings, type EngineSettings } from "../../../src/options.js";

/** Records what the reassembler reports, as short strings (bytes as text when kept). */
class RecordingSink implements ReassemblerSink {
  readonly log: string[] = [];
  readonly limits: ReassemblyLimit[] = [];
  readonly delivered: Array<{ seq: number; len: number; bytes: Uint8Array | null }> = [];
  size: number | undefined;
  accept: ((upTo: number) => boolean) | undefined;

  deliver(seq: number, data: Uint8Array, offset: number, len: number): void {
    const has = data.length >= offset + len;
    const bytes = has ? data.slice(offset, offset + len) : null;
    this.delivered.push({ seq, len, bytes });
    this.log.push(`D ${seq} ${len}${bytes ? ` ${text(bytes)}` : ""}`);
  }
  gap(seq: number, len: number): void {
    this.log.push(`G ${seq} ${len}`);
  }
  inconsistency(oldBytes: Uint8Array, newBytes: Uint8Array): void {
    this.log.push(`I ${text(oldBytes)} ${text(newBytes)}`);
  }
  limit(name: ReassemblyLimit): void {
    this.limits.push(name);
    this.log.push(`L ${name}`);
  }
  endpointSize?(): number;
  acceptUndelivered?(upTo: number): boolean;
}

function text(b: Uint8Array): string {
  return new TextDecoder().decode(b);
}

function enc(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

function make(keepBytes = true, settings: Partial<EngineSettings> = {}): { r: Reassembler; sink: RecordingSink } {
  const sink = new RecordingSink();
  const r = new Reassembler(sink, { ...defaultSettings(), ...settings }, keepBytes);
  return { r, sink };
}

/** Sends `s` at `seq` from inside a larger buffer, as the packet layer does. */
function send(r: Reassembler, seq: number, s: string): void {
  const payload = enc(s);
  const packet = new Uint8Array(payload.length + 20).fill(0xee);
  packet.set(payload, 20);
  r.dataSent(seq, packet, 20, payload.length);
  packet.fill(0xdd); // the packet buffer is reused after the call
}

test("in-order data is delivered at once, one delivery per segment, and kept until acked", () => {
  const { r, sink } = make();
  send(r, 1, "abc");
  send(r, 4, "def");
  assert.deepEqual(sink.log, ["D 1 3 abc", "D 4 3 def"]);
  assert.equal(r.lastReassemSeq, 7);
  assert.equal(r.blockCount, 2);
  r.ackReceived(4);
  assert.equal(r.blockCount, 1);
  assert.equal(r.trimSeq, 4);
  r.ackReceived(7);
  assert.equal(r.hasBlocks(), false);
  assert.equal(r.bufferedBytes, 0);
});

test("freed block slots are reused: long streams with ACKs, holes and compaction deliver exactly once, in order", () => {
  for (const keepBytes of [true, false]) {
    const { r, sink } = make(keepBytes);
    let next = 1;
    let expected = 0;
    // 600 rounds of four segments, the second sent last (a hole, then filled), and
    // ACKs that leave 0 to 3 blocks live: both the "all acked" reset and the move
    // of live blocks to the front (after 256 dead slots) happen.
    for (let round = 0; round < 600; round++) {
      const base = next;
      send(r, base, "aaaa");
      send(r, base + 8, "cccc"); // out of order: waits for base+4
      send(r, base + 12, "dddd");
      send(r, base + 4, "bbbb"); // fills the hole: b, c, d delivered
      next = base + 16;
      expected += 4;
      // First never all acked (the dead slots pile up to a compaction), then sometimes.
      const live = round < 400 ? 1 + (round % 3) : round % 4;
      r.ackReceived(next - 4 * live);
      assert.equal(r.blockCount, live, `round ${round}`);
    }
    r.ackReceived(next);
    assert.equal(r.hasBlocks(), false);
    const seqs = sink.delivered.map((d) => d.seq);
    assert.equal(seqs.length, 600 * 4);
    for (let i = 1; i < seqs.length; i++) assert.equal(seqs[i], seqs[i - 1]! + 4, `delivery ${i}`);
    assert.equal(expected, seqs.length);
    if (keepBytes) assert.deepEqual(sink.log.slice(0, 4), ["D 1 4 aaaa", "D 5 4 bbbb", "D 9 4 cccc", "D 13 4 dddd"]);
    assert.ok(!sink.log.some((l) => l.startsWith("G") || l.startsWith("I")), "no gap, no inconsistency");
  }
});

test("out-of-order data waits for the hole, then every block is delivered in order", () => {
  const { r, sink } = make();
  send(r, 7, "ghi");
  send(r, 4, "def");
  assert.deepEqual(sink.log, []);
  assert.equal(r.lastReassemSeq, 1);
  assert.equal(r.undeliveredBytes, 9);
  send(r, 1, "abc");
  assert.deepEqual(sink.log, ["D 1 3 abc", "D 4 3 def", "D 7 3 ghi"]);
  assert.equal(r.lastReassemSeq, 10);
});

test("a duplicate segment is neither delivered twice nor reported", () => {
  const { r, sink } = make();
  send(r, 1, "abc");
  send(r, 1, "abc");
  send(r, 5, "x");
  send(r, 5, "x");
  assert.deepEqual(sink.log, ["D 1 3 abc"]);
  assert.equal(r.blockCount, 2);
});

test("consistent overlap: only the new part becomes a block", () => {
  const { r, sink } = make();
  send(r, 1, "hello");
  send(r, 3, "llo wo");
  assert.deepEqual(sink.log, ["D 1 5 hello", "D 6 3  wo"]);
});

test("a segment spanning several buffered blocks fills only the holes (first copy wins)", () => {
  const { r, sink } = make();
  send(r, 3, "CD");
  send(r, 7, "GH");
  send(r, 1, "abcdefghij");
  assert.deepEqual(sink.log, ["I CD cd", "I GH gh", "D 1 2 ab", "D 3 2 CD", "D 5 2 ef", "D 7 2 GH", "D 9 2 ij"]);
});

test("inconsistent retransmission of delivered data: old bytes kept, both copies reported", () => {
  const { r, sink } = make();
  send(r, 1, "hello");
  send(r, 2, "ELL");
  assert.deepEqual(sink.log, ["D 1 5 hello", "I ell ELL"]);
});

test("inconsistent overlap the other way: new data under a buffered out-of-order block", () => {
  const { r, sink } = make();
  send(r, 4, "XYZ");
  send(r, 1, "abcdef");
  assert.deepEqual(sink.log, ["I XYZ def", "D 1 3 abc", "D 4 3 XYZ"]);
});

test("no inconsistency is looked for without kept bytes", () => {
  const { r, sink } = make(false);
  send(r, 1, "hello");
  send(r, 2, "ELL");
  assert.deepEqual(sink.log, ["D 1 5 hello"]);
});

test("an ACK past undelivered data reports each hole and delivers the blocks between", () => {
  const { r, sink } = make();
  send(r, 1, "abc");
  send(r, 10, "jkl");
  send(r, 16, "p");
  r.ackReceived(20);
  assert.deepEqual(sink.log, ["D 1 3 abc", "G 4 6", "D 10 3 jkl", "G 13 3", "D 16 1 p", "G 17 3"]);
  assert.equal(r.lastReassemSeq, 20);
  assert.equal(r.trimSeq, 20);
  assert.equal(r.hasBlocks(), false);
});

test("an ACK inside a hole delivers the contiguous data after it", () => {
  const { r, sink } = make();
  send(r, 5, "efg");
  send(r, 8, "hij");
  send(r, 20, "t");
  r.ackReceived(6);
  // Gap up to the first block, the block straddling the ACK, then the run after it.
  assert.deepEqual(sink.log, ["G 1 4", "D 5 3 efg", "D 8 3 hij"]);
  assert.equal(r.lastReassemSeq, 11);
  assert.equal(r.blockCount, 3);
});

test("an ACK at or below the trim point does nothing", () => {
  const { r, sink } = make();
  send(r, 1, "abc");
  r.ackReceived(4);
  r.ackReceived(3);
  r.ackReceived(4);
  assert.deepEqual(sink.log, ["D 1 3 abc"]);
  assert.equal(r.trimSeq, 4);
});

test("data below the acked point is dropped, a partly acked segment keeps its tail", () => {
  const { r, sink } = make();
  r.ackReceived(5);
  assert.deepEqual(sink.log, ["G 1 4"]);
  send(r, 1, "abc");
  send(r, 3, "cdefg");
  assert.deepEqual(sink.log, ["G 1 4", "D 5 3 efg"]);
  assert.equal(r.lastReassemSeq, 8);
});

test("large relative sequence numbers (past 2^32) keep exact arithmetic", () => {
  const { r, sink } = make();
  const big = 2 ** 32 * 3 + 17;
  r.ackReceived(big);
  send(r, big, "abc");
  send(r, big + 5, "fg");
  send(r, big + 3, "de");
  assert.deepEqual(sink.log, [`G 1 ${big - 1}`, `D ${big} 3 abc`, `D ${big + 3} 2 de`, `D ${big + 5} 2 fg`]);
  r.ackReceived(big + 7);
  assert.equal(r.hasBlocks(), false);
  assert.equal(r.lastReassemSeq, big + 7);
});

test("FIN with data: the FIN octet is never a gap, and nothing is pending once delivered", () => {
  const { r, sink } = make();
  send(r, 1, "bye");
  r.finSeq = 5; // FIN at seq 4, FIN_seq one past it
  r.ackReceived(5);
  assert.deepEqual(sink.log, ["D 1 3 bye"]);
  assert.equal(r.trimSeq, 4);
  assert.equal(r.hasPendingData(5, false, false), false);
});

test("FIN above a hole: data pending until the ACK reveals the gap", () => {
  const { r, sink } = make();
  send(r, 4, "def");
  r.finSeq = 8;
  assert.equal(r.hasPendingData(8, false, false), true);
  r.ackReceived(8);
  assert.deepEqual(sink.log, ["G 1 3", "D 4 3 def"]);
  assert.equal(r.hasPendingData(8, false, false), false);
});

test("hasPendingData follows Zeek's DataPending", () => {
  const { r } = make();
  send(r, 1, "abc");
  assert.equal(r.hasPendingData(4, false, false), false, "all delivered, no FIN");
  assert.equal(r.hasPendingData(5, false, false), false, "all delivered up to the FIN");
  assert.equal(r.hasPendingData(5, false, true), true, "peer still holds blocks");
  assert.equal(r.hasPendingData(5, true, true), false, "a RESET sender does not wait for its peer");
  assert.equal(r.hasPendingData(9, false, false), true, "bytes not delivered yet");
  assert.equal(r.hasPendingData(2, false, true), false, "delivered past last_seq: numbers untrustworthy");
  r.skipDeliveries = true;
  assert.equal(r.hasPendingData(9, false, true), false);
});

test("partial connection: an ACK the analyzer refuses reveals no gap", () => {
  const { r, sink } = make();
  sink.acceptUndelivered = (upTo) => upTo > 2;
  r.ackReceived(2);
  assert.deepEqual(sink.log, []);
  assert.equal(r.lastReassemSeq, 1);
  r.ackReceived(10);
  assert.deepEqual(sink.log, ["G 1 9"]);
});

test("no ACKs and more than tcp_max_initial_window sent: delivered data is not kept", () => {
  const { r, sink } = make(true, { tcp_max_initial_window: 10 });
  send(r, 1, "0123456789");
  assert.equal(r.blockCount, 1, "at the window, still kept");
  send(r, 11, "ab");
  assert.equal(r.hasBlocks(), false);
  assert.equal(r.trimSeq, 13);
  assert.equal(r.bufferedBytes, 0);
  send(r, 5, "XXXX"); // old data is dropped silently
  assert.deepEqual(sink.log, ["D 1 10 0123456789", "D 11 2 ab"]);
});

test("the initial-window rule uses the analyzer's endpoint size when given", () => {
  const { r, sink } = make(true, { tcp_max_initial_window: 10 });
  sink.endpointSize = () => 5;
  send(r, 1, "0123456789ab");
  assert.equal(r.blockCount, 1);
});

test("too much data above a hole without ACKs: give up with above_hole_data_without_any_acks", () => {
  const { r, sink } = make(true, { tcp_max_above_hole_without_any_acks: 9 });
  send(r, 2, "abcd");
  send(r, 6, "efgh");
  assert.deepEqual(sink.limits, []);
  send(r, 10, "i");
  assert.deepEqual(sink.limits, ["above_hole_data_without_any_acks"]);
  assert.equal(r.skipDeliveries, true);
  assert.equal(r.hasBlocks(), false);
  send(r, 1, "z");
  r.ackReceived(20);
  assert.deepEqual(sink.log, ["L above_hole_data_without_any_acks"]);
  assert.equal(r.hasPendingData(20, false, false), false);
});

test("once data was acked, only tcp_excessive_data_without_further_acks stops buffering", () => {
  const { r, sink } = make(true, { tcp_max_above_hole_without_any_acks: 4, tcp_excessive_data_without_further_acks: 13 });
  send(r, 1, "a");
  r.ackReceived(2);
  send(r, 5, "0123456789");
  assert.deepEqual(sink.limits, []);
  send(r, 15, "x");
  assert.deepEqual(sink.limits, ["excessive_data_without_further_acks"]);
  assert.equal(r.skipDeliveries, true);
});

test("global memory cap: delivered blocks go first, then the direction gives up", () => {
  const saved = Reassembler.maxTotalBytes;
  const base = Reassembler.totalBytes;
  try {
    Reassembler.maxTotalBytes = base + 10;
    const { r, sink } = make();
    send(r, 1, "abcdef");
    assert.equal(Reassembler.totalBytes, base + 6);
    send(r, 7, "ghijk");
    assert.equal(r.hasBlocks(), false, "delivered blocks dropped under pressure");
    assert.deepEqual(sink.limits, []);
    send(r, 20, "0123456789ab");
    assert.deepEqual(sink.limits, ["tcp_reassembly_memory_limit"]);
    assert.equal(Reassembler.totalBytes, base);
    const other = make();
    send(other.r, 2, "xyz");
    assert.equal(Reassembler.totalBytes, base + 3);
    other.r.release();
    assert.equal(Reassembler.totalBytes, base);
  } finally {
    Reassembler.maxTotalBytes = saved;
  }
});

test("per-direction block bound", () => {
  const { r, sink } = make(false);
  r.maxBlocks = 4;
  for (let i = 0; i < 4; i++) send(r, 10 + 2 * i, "x");
  assert.deepEqual(sink.limits, []);
  send(r, 30, "y");
  assert.deepEqual(sink.limits, ["tcp_reassembly_memory_limit"]);
});

test("keepDeliveredBytes=false: in-order data is not copied, out-of-order data still is", () => {
  const { r, sink } = make(true);
  r.keepDeliveredBytes = false;
  send(r, 1, "abc");
  assert.equal(r.bufferedBytes, 0);
  send(r, 7, "ghi");
  assert.equal(r.bufferedBytes, 3);
  send(r, 4, "def");
  assert.deepEqual(sink.log, ["D 1 3 abc", "D 4 3 def", "D 7 3 ghi"]);
  assert.equal(r.bufferedBytes, 3, "the out-of-order copy stays until acked");
  r.ackReceived(10);
  assert.equal(r.bufferedBytes, 0);
});

test("keepBytes switched on mid-connection: blocks buffered before stay byte-less, later ones keep bytes", () => {
  const { r, sink } = make(false);
  send(r, 4, "def");
  r.keepBytes = true;
  r.keepDeliveredBytes = false;
  send(r, 7, "ghi");
  send(r, 1, "abc");
  assert.deepEqual(sink.log, ["D 1 3 abc", "D 4 3", "D 7 3 ghi"]);
});

test("keepBytes=false: no copies; current-segment bytes are real, buffered blocks come as NO_BYTES", () => {
  const { r, sink } = make(false);
  send(r, 4, "def");
  send(r, 1, "abc");
  assert.equal(r.bufferedBytes, 0);
  assert.deepEqual(sink.log, ["D 1 3 abc", "D 4 3"]);
  let seen: Uint8Array | null = null;
  const probe: ReassemblerSink = {
    deliver: (_s, data) => {
      seen = data;
    },
    gap: () => {},
    inconsistency: () => {},
  };
  const r2 = new Reassembler(probe, defaultSettings(), false);
  r2.dataSent(5, enc("zz"), 0, 2);
  r2.ackReceived(7);
  assert.equal(seen, NO_BYTES);
});

// ---------------------------------------------------------------- property test

/** mulberry32: a small seeded PRNG so failures reproduce. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Step = { kind: "data"; seq: number; bytes: Uint8Array } | { kind: "ack"; seq: number };

/** A random stream: segments of a message, reordered, duplicated, sometimes corrupted or lost, with ACKs. */
function randomSteps(rand: () => number): Step[] {
  const total = 50 + Math.floor(rand() * 400);
  const message = new Uint8Array(total).map(() => Math.floor(rand() * 256));
  const steps: Step[] = [];
  let highAck = 1;
  for (let n = 0; n < 60; n++) {
    const r = rand();
    if (r < 0.15) {
      highAck = Math.min(total + 1, highAck + Math.floor(rand() * 60));
      steps.push({ kind: "ack", seq: rand() < 0.2 ? Math.max(1, highAck - 10) : highAck });
      continue;
    }
    const seq = 1 + Math.floor(rand() * total);
    const len = Math.min(1 + Math.floor(rand() * 40), total + 1 - seq);
    const bytes = message.slice(seq - 1, seq - 1 + len);
    if (rand() < 0.15) {
      const at = Math.floor(rand() * len);
      bytes[at] = bytes[at]! ^ 0x5a;
    }
    steps.push({ kind: "data", seq, bytes });
  }
  steps.push({ kind: "ack", seq: total + 1 });
  return steps;
}

function runSteps(steps: Step[], keepBytes: boolean, settings: Partial<EngineSettings>, keepDelivered = keepBytes): { sink: RecordingSink; r: Reassembler } {
  const { r, sink } = make(keepBytes, settings);
  r.keepDeliveredBytes = keepDelivered;
  for (const s of steps) {
    if (s.kind === "ack") r.ackReceived(s.seq);
    else {
      const buf = new Uint8Array(s.bytes.length + 3);
      buf.set(s.bytes, 3);
      r.dataSent(s.seq, buf, 3, s.bytes.length);
      buf.fill(0);
    }
  }
  return { r, sink };
}

test("property: keepBytes=false reports the same gaps and deliveries; delivered bytes are the first copies", () => {
  const rand = prng(0xb0b2e);
  for (let round = 0; round < 400; round++) {
    const steps = randomSteps(rand);
    const settings = round % 3 === 0 ? { tcp_max_initial_window: 64, tcp_max_above_hole_without_any_acks: 200 } : {};
    const kept = runSteps(steps, true, settings);
    const ranges = runSteps(steps, false, settings);
    const lean = runSteps(steps, true, settings, false);
    assert.deepEqual(
      lean.sink.log.filter((l) => !l.startsWith("I")),
      kept.sink.log.filter((l) => !l.startsWith("I")),
      `round ${round}: keepDeliveredBytes=false`,
    );
    const shape = (log: string[]) => log.filter((l) => !l.startsWith("I")).map((l) => l.split(" ").slice(0, 3).join(" "));
    assert.deepEqual(shape(ranges.sink.log), shape(kept.sink.log), `round ${round}`);
    assert.equal(ranges.r.lastReassemSeq, kept.r.lastReassemSeq);
    assert.equal(ranges.r.trimSeq, kept.r.trimSeq);
    assert.equal(ranges.r.blockCount, kept.r.blockCount);

    // Deliveries and gaps tile the stream from 1 without overlap.
    let next = 1;
    for (const line of shape(kept.sink.log)) {
      const [kind, seq, len] = line.split(" ");
      if (kind === "L") continue;
      assert.equal(Number(seq), next, `round ${round}: ${line} not contiguous`);
      next += Number(len);
    }
    // Each delivered byte is the first copy of that position the reassembler accepted.
    const first = new Map<number, number>();
    let acked = 0;
    for (const s of steps) {
      if (s.kind === "ack") {
        acked = Math.max(acked, s.seq);
        continue;
      }
      for (let k = 0; k < s.bytes.length; k++) {
        const pos = s.seq + k;
        if (pos >= acked && !first.has(pos)) first.set(pos, s.bytes[k]!);
      }
    }
    if (kept.sink.limits.length > 0) continue;
    assertGapsNeverSeen(steps, settings, round);
    for (const d of kept.sink.delivered) {
      const got = d.bytes;
      assert.ok(got, "keepBytes delivers bytes");
      for (let k = 0; k < d.len; k++) assert.equal(got[k], first.get(d.seq + k), `round ${round}: byte ${d.seq + k}`);
    }
  }
});

/** Replays `steps` and checks that no byte reported as a gap had arrived (above the acked point) before the report. */
function assertGapsNeverSeen(steps: Step[], settings: Partial<EngineSettings>, round: number): void {
  const { r, sink } = make(false, settings);
  const received = new Set<number>();
  let acked = 0;
  for (const s of steps) {
    const before = sink.log.length;
    if (s.kind === "ack") {
      r.ackReceived(s.seq);
      acked = Math.max(acked, s.seq);
    } else {
      for (let k = 0; k < s.bytes.length; k++) if (s.seq + k >= acked) received.add(s.seq + k);
      r.dataSent(s.seq, s.bytes, 0, s.bytes.length);
    }
    for (const line of sink.log.slice(before)) {
      const [kind, seq, len] = line.split(" ");
      if (kind !== "G") continue;
      for (let p = Number(seq); p < Number(seq) + Number(len); p++) assert.ok(!received.has(p), `round ${round}: byte ${p} arrived but was reported missing`);
    }
  }
}

test("tcp_max_old_segments: acked segments are kept (the last N) and a later copy with other bytes is an inconsistency, acked part included", () => {
  const { r, sink } = make(true, { tcp_max_old_segments: 2 });
  send(r, 1, "abcd");
  send(r, 5, "efgh");
  send(r, 9, "ijkl");
  r.ackReceived(13);
  assert.equal(r.hasBlocks(), false);
  assert.equal(r.bufferedBytes, 8, "the last two kept, the lowest dropped");
  // A reply injected and acked, then the real one from the same first byte (Quantum Insert): compared whole.
  send(r, 4, "dEFGhiJ");
  send(r, 1, "abcd");
  assert.deepEqual(
    sink.log.filter((l) => l.startsWith("I")),
    ["I efgh EFGh", "I ij iJ"],
    "only the kept blocks' bytes: [1, 5) was dropped, so its copy is not compared",
  );
  r.release();
  assert.equal(r.bufferedBytes, 0);
});

test("tcp_max_old_segments 0 (Zeek's default): nothing is kept once acked, no inconsistency for acked data", () => {
  const { r, sink } = make(true);
  send(r, 1, "abcd");
  r.ackReceived(5);
  assert.equal(r.bufferedBytes, 0);
  send(r, 1, "ABCD");
  assert.deepEqual(
    sink.log.filter((l) => l.startsWith("I")),
    [],
  );
});
