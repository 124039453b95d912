import assert from "node:assert/strict";
import { test } from "node:test";
import { type PcapRecord, payload, pcapFile, readBytes, readStream } from "./trace-builder.js";

function records(n: number, size = (i: number) => 40 + i): PcapRecord[] {
  return Array.from({ length: n }, (_, i) => ({ sec: 1_700_000_000 + i, sub: 123_456 + i, data: payload(i, size(i)) }));
}

for (const le of [true, false]) {
  test(`pcap µs, ${le ? "little" : "big"}-endian: every field of every record`, async () => {
    const recs = records(5);
    recs[2].wirelen = 1500; // snaplen-cut record: caplen < wirelen
    const { packets, summary } = await readBytes(pcapFile({ le, linktype: 1 }, recs));
    assert.deepEqual(summary, { packets: 5, truncated: null });
    assert.equal(packets.length, 5);
    packets.forEach((p, i) => {
      assert.equal(p.ts, recs[i].sec + recs[i].sub / 1e6, "ts is Zeek's sec + usec / 1e6");
      assert.equal(p.caplen, 40 + i);
      assert.equal(p.wirelen, i === 2 ? 1500 : 40 + i);
      assert.equal(p.linktype, 1);
      assert.deepEqual(p.bytes, payload(i, 40 + i));
    });
  });

  test(`pcap ns, ${le ? "little" : "big"}-endian: nanoseconds are truncated to microseconds`, async () => {
    const recs: PcapRecord[] = [
      { sec: 1727444552, sub: 946_162_628, data: payload(0, 20) },
      { sec: 1727444552, sub: 999_999_999, data: payload(1, 20) },
      { sec: 1727444553, sub: 500, data: payload(2, 20) },
    ];
    const { packets } = await readBytes(pcapFile({ le, nano: true }, recs));
    assert.deepEqual(
      packets.map((p) => p.ts),
      [1727444552 + 946162 / 1e6, 1727444552 + 999999 / 1e6, 1727444553 + 0 / 1e6],
    );
  });
}

test("pcap link type keeps only the low 16 bits (FCS information above is not part of it)", async () => {
  const fcsFlagged = 0x04000000 | (2 << 28) | 1;
  const { packets } = await readBytes(pcapFile({ linktype: fcsFlagged }, records(1)));
  assert.equal(packets[0].linktype, 1);
});

test("pcap records longer than the snaplen are cut to it, as libpcap does", async () => {
  const recs = records(3, () => 100);
  const { packets, summary } = await readBytes(pcapFile({ snaplen: 60 }, recs));
  assert.equal(summary.packets, 3);
  assert.deepEqual(
    packets.map((p) => [p.caplen, p.wirelen]),
    [
      [60, 100],
      [60, 100],
      [60, 100],
    ],
  );
  assert.deepEqual(packets[2].bytes, payload(2, 100).subarray(0, 60), "the next record starts after the whole stored record");
});

test("pcap snaplen 0 means no limit", async () => {
  const { packets } = await readBytes(
    pcapFile(
      { snaplen: 0 },
      records(2, () => 2000),
    ),
  );
  assert.deepEqual(
    packets.map((p) => p.caplen),
    [2000, 2000],
  );
});

test("pcap 2.3 files with caplen and wirelen swapped are read the right way round", async () => {
  const w = pcapFile({ minor: 3 }, [{ sec: 1, sub: 0, data: payload(0, 30), wirelen: 30 }]);
  // Swap the two length fields of the record (offsets 24 + 8 and 24 + 12): caplen 30 → 90 declared as "wirelen".
  const view = new DataView(w.buffer);
  view.setUint32(24 + 8, 90, true);
  view.setUint32(24 + 12, 30, true);
  const { packets, summary } = await readBytes(w);
  assert.equal(summary.truncated, null);
  assert.equal(packets[0].caplen, 30);
  assert.equal(packets[0].wirelen, 90);
});

test("pcap cut mid-record: earlier packets delivered, then a truncation message", async () => {
  const full = pcapFile(
    {},
    records(4, () => 50),
  );
  const cut = full.subarray(0, full.length - 20);
  const { packets, summary } = await readBytes(cut);
  assert.equal(packets.length, 3);
  const recordStart = 24 + 3 * (16 + 50);
  assert.equal(summary.packets, 3);
  assert.equal(summary.truncated, `trace ends mid-record at byte ${recordStart} (packet 4): 20 bytes missing`);
});

test("pcap cut inside a record header", async () => {
  const full = pcapFile(
    {},
    records(2, () => 50),
  );
  const cut = full.subarray(0, 24 + 66 + 10);
  const { summary } = await readBytes(cut);
  assert.equal(summary.packets, 1);
  assert.equal(summary.truncated, "trace ends mid-record at byte 90 (packet 2): 6 bytes missing");
});

test("pcap with only a file header has no packets and is not truncated", async () => {
  const { summary } = await readBytes(pcapFile({}, []));
  assert.deepEqual(summary, { packets: 0, truncated: null });
});

test("pcap record with an absurd captured length: packets before it kept, corruption reported", async () => {
  const recs = records(2);
  recs.push({ sec: 5, sub: 0, data: payload(9, 10), caplenField: 0x7fffffff });
  const { packets, summary } = await readBytes(pcapFile({}, recs));
  assert.equal(packets.length, 2);
  assert.equal(summary.truncated, `corrupt pcap record at byte ${24 + 56 + 57} (packet 3): captured length 2147483647 exceeds 262144`);
});

test("pcap read as a stream in small pieces gives the same packets as from a file", async () => {
  const bytes = pcapFile(
    { le: false, nano: true },
    records(50, (i) => 1 + ((i * 37) % 300)),
  );
  const fromFile = await readBytes(bytes);
  for (const chunk of [1, 7, 100, 4096]) {
    const fromStream = await readStream(bytes, chunk);
    assert.deepEqual(fromStream, fromFile, `chunk ${chunk}`);
  }
});

test("Kuznetzov's modified pcap (magic a1b2cd34): 24-byte record headers", async () => {
  const recs = records(3);
  const plain = pcapFile({}, recs);
  // Rebuild with 8 extra bytes (ifindex, protocol, pkt_type, pad) after each 16-byte record header.
  const parts: number[] = [...plain.subarray(0, 24)];
  let at = 24;
  for (const r of recs) {
    parts.push(...plain.subarray(at, at + 16), 2, 0, 0, 0, 0x08, 0x00, 0, 0, ...r.data);
    at += 16 + r.data.length;
  }
  const bytes = Uint8Array.from(parts);
  new DataView(bytes.buffer).setUint32(0, 0xa1b2cd34, true);
  const { packets, summary } = await readBytes(bytes);
  assert.deepEqual(summary, { packets: 3, truncated: null });
  assert.deepEqual(
    packets.map((p) => p.bytes),
    recs.map((r) => r.data),
  );
  assert.equal(packets[2].ts, recs[2].sec + recs[2].sub / 1e6);
});
