import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { PcapWriter } from "../../src/record/pcap-writer.js";
import { openTrace } from "../../src/source/open.js";
import { collect, payload, tempDir } from "../source/trace-builder.js";

test("pcap writer round trip: every ts, length and byte comes back (across many buffer flushes)", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const path = join(dir, "out.pcap");
  const writer = new PcapWriter(path, { linktype: 113, snaplen: 65535, bufferBytes: 4096 });
  const want: { ts: number; size: number; wirelen: number }[] = [];
  for (let i = 0; i < 2000; i++) {
    const sec = 1_000_000_000 + i * 3;
    const usec = (i * 999_983) % 1_000_000;
    const ts = sec + usec / 1e6;
    const size = 1 + ((i * 131) % 3000);
    writer.write(ts, payload(i, size + 3), 3, size, size + (i % 5));
    want.push({ ts, size, wirelen: size + (i % 5) });
  }
  writer.close();
  assert.equal(writer.packets, 2000);
  const { packets, summary } = await collect(await openTrace(path));
  assert.deepEqual(summary, { packets: 2000, truncated: null });
  packets.forEach((p, i) => {
    assert.equal(p.ts, want[i].ts, `ts ${i}`);
    assert.equal(p.caplen, want[i].size);
    assert.equal(p.wirelen, want[i].wirelen);
    assert.equal(p.linktype, 113);
    assert.deepEqual(p.bytes, payload(i, want[i].size + 3).subarray(3));
  });
});

test("pcap writer: header fields, snaplen cut, a record larger than the buffer, tcpdump agrees", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const path = join(dir, "snap.pcap");
  const writer = new PcapWriter(path, { linktype: 1, snaplen: 100, bufferBytes: 64 });
  writer.writeRecord(1_700_000_000, 999_999, payload(0, 300), 0, 300, 300);
  writer.write(1_700_000_001.5, payload(1, 60));
  writer.close();
  const bytes = readFileSync(path);
  const v = new DataView(bytes.buffer, bytes.byteOffset);
  assert.deepEqual(
    [v.getUint32(0, true), v.getUint16(4, true), v.getUint16(6, true), v.getUint32(16, true), v.getUint32(20, true)],
    [0xa1b2c3d4, 2, 4, 100, 1],
  );
  assert.equal(bytes.length, 24 + 16 + 100 + 16 + 60);
  const { packets } = await collect(await openTrace(path));
  assert.deepEqual(
    packets.map((p) => [p.ts, p.caplen, p.wirelen]),
    [
      [1_700_000_000 + 999_999 / 1e6, 100, 300],
      [1_700_000_001 + 500_000 / 1e6, 60, 60],
    ],
  );
  const tcpdump = spawnSync("tcpdump", ["--count", "-r", path], { encoding: "utf8" });
  if (tcpdump.status === 0) assert.match(tcpdump.stdout, /^2 packets$/m);
});

test("pcap writer on a descriptor leaves it open; writePacket copies a RawPacket", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const path = join(dir, "fd.pcap");
  const fd = openSync(path, "w");
  const writer = new PcapWriter(fd, { linktype: 101 });
  const data = payload(5, 50);
  writer.writePacket({ ts: 12.000001, caplen: 20, wirelen: 40, linktype: 101, data, offset: 10 });
  writer.close();
  closeSync(fd); // would throw if the writer had closed it
  const { packets } = await collect(await openTrace(path));
  assert.deepEqual([packets[0].ts, packets[0].caplen, packets[0].wirelen], [12.000001, 20, 40]);
  assert.deepEqual(packets[0].bytes, data.subarray(10, 30));
  assert.throws(() => writer.flush(), /closed/);
});
