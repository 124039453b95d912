/**
 * Reassembly memory stays bounded under a hostile out-of-order window: a
 * sender streams tens of megabytes above a hole that is never filled. The
 * reassembler's limits (behaviour doc §4.2-8) must trip with their weirds,
 * drop what they buffered, and the heap must not grow with the data sent.
 * Packets come from one reused buffer (seq rewritten in place), so the test
 * itself allocates nothing per packet.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { gc, heapBytes } from "../../../bench/heap.js";
import { Reassembler } from "../../../src/analyzer/tcp/reassembler.js";
import { Engine, type PacketSink, type PacketSource, type RawPacket } from "../../../src/index.js";
import { handshake, type Seg, tcpTrace } from "../../session/harness.js";

const MSS = 1460;
/** Ethernet (14) + IPv4 (20) + the TCP sequence field's offset (4). */
const SEQ_OFFSET = 38;
const CLIENT_ISN = 1000;

/** Handshake, `prefix` in-order segments, then `count` MSS-sized client segments starting `holeBytes` above the next expected byte. */
function holeSource(prefix: Seg[], count: number, firstSeq: number, onPacket: (i: number) => void): PacketSource {
  const head = tcpTrace([...handshake(0), ...prefix]);
  const template = tcpTrace([{ t: 1, from: "c", flags: "PA", seq: firstSeq, ack: 5001, payload: MSS }])[0]!.bytes;
  return {
    name: "hole",
    async run(sink: PacketSink) {
      const raw: RawPacket = { ts: 0, caplen: 0, wirelen: 0, linktype: 1, data: new Uint8Array(0), offset: 0 };
      for (const p of head) {
        Object.assign(raw, { ts: p.ts, caplen: p.bytes.length, wirelen: p.bytes.length, data: p.bytes });
        sink(raw);
      }
      Object.assign(raw, { caplen: template.length, wirelen: template.length, data: template });
      const view = new DataView(template.buffer, template.byteOffset);
      for (let i = 0; i < count; i++) {
        raw.ts = 2 + i * 1e-5;
        view.setUint32(SEQ_OFFSET, (firstSeq + i * MSS) >>> 0);
        sink(raw);
        onPacket(i);
      }
      return { packets: head.length + count, truncated: null };
    },
  };
}

interface MemoryRun {
  weirds: string[];
  peakHeapGrowth: number;
  /** Growth after the run, once garbage is collected. */
  finalGrowth: number;
  peakReassemblyBytes: number;
  contents: number;
}

async function measure(prefix: Seg[], count: number, firstSeq: number): Promise<MemoryRun> {
  // tcp_contents handled: the reassembler copies out-of-order payload (the expensive mode).
  const engine = new Engine({ ignoreChecksums: true, settings: { tcp_content_deliver_all_orig: true } });
  const weirds: string[] = [];
  let contents = 0;
  engine.on("weird", (w) => weirds.push(w.name));
  engine.on("tcp_contents", (_c, _o, _s, d) => (contents += d.length));
  gc();
  const base = heapBytes();
  let peakHeapGrowth = 0;
  let peakReassemblyBytes = 0;
  await engine.run(
    holeSource(prefix, count, firstSeq, (i) => {
      if (Reassembler.totalBytes > peakReassemblyBytes) peakReassemblyBytes = Reassembler.totalBytes;
      if (i % 2000 === 1999) {
        gc();
        peakHeapGrowth = Math.max(peakHeapGrowth, heapBytes() - base);
      }
    }),
  );
  gc();
  const finalGrowth = heapBytes() - base;
  return { weirds, peakHeapGrowth, finalGrowth, peakReassemblyBytes, contents };
}

const MB = 1 << 20;

test("nothing acked, 30 MB above a hole: above_hole_data_without_any_acks after 16 KiB, then nothing is buffered", async () => {
  const count = Math.ceil((30 * MB) / MSS);
  // The first data byte (relative seq 1) never arrives.
  const r = await measure([], count, CLIENT_ISN + 2);
  assert.deepEqual(
    r.weirds.filter((w) => w.includes("above_hole")),
    ["above_hole_data_without_any_acks"],
  );
  assert.ok(r.peakReassemblyBytes <= 16384 + MSS, `buffered at most the limit plus a segment (${r.peakReassemblyBytes})`);
  assert.ok(r.peakHeapGrowth < 4 * MB, `heap grew ${(r.peakHeapGrowth / MB).toFixed(1)} MB for 30 MB sent`);
  assert.equal(r.contents, 0);
});

test("some data acked, then 24 MB above a hole with no further ACK: excessive_data_without_further_acks at 10 MiB, memory released", async () => {
  const count = Math.ceil((24 * MB) / MSS);
  const prefix: Seg[] = [
    { t: 1, from: "c", flags: "PA", seq: 1001, ack: 5001, payload: 100 },
    { t: 1.1, from: "s", flags: "A", seq: 5001, ack: 1101 }, // acks bytes 1..100
  ];
  // Byte 101 never arrives; everything after it piles up.
  const r = await measure(prefix, count, CLIENT_ISN + 102);
  assert.equal(r.contents, 100, "the acked prefix was delivered");
  assert.deepEqual(
    r.weirds.filter((w) => w.includes("without")),
    ["excessive_data_without_further_acks"],
  );
  assert.ok(r.peakReassemblyBytes <= 10 * MB + MSS + 100, `buffered at most 10 MiB plus a segment (${r.peakReassemblyBytes})`);
  assert.ok(r.peakHeapGrowth < 10 * MB + 6 * MB, `heap grew ${(r.peakHeapGrowth / MB).toFixed(1)} MB for 24 MB sent`);
  assert.ok(r.peakHeapGrowth > 6 * MB, "the measurement sees the buffered megabytes");
  assert.ok(r.finalGrowth < 4 * MB, `after the limit the memory is free again (${(r.finalGrowth / MB).toFixed(1)} MB left)`);
  assert.equal(Reassembler.totalBytes, 0, "every buffered byte was given back");
});
