import assert from "node:assert/strict";
import { test } from "node:test";
import { formatProgress, PROGRESS_MIN_BYTES, withProgress } from "../../src/cli/progress.js";
import type { PacketSource, RawPacket, SourceProgress } from "../../src/source/raw-packet.js";

function fakeSource(packets: number, total: number | null): PacketSource & { read: number } {
  const src = {
    name: "fake",
    read: 0,
    progress: (): SourceProgress => ({ bytesRead: src.read, totalBytes: total }),
    async run(sink: (p: RawPacket) => void) {
      const raw: RawPacket = { ts: 0, caplen: 0, wirelen: 0, linktype: 1, data: new Uint8Array(0), offset: 0 };
      for (let i = 0; i < packets; i++) {
        src.read += 100;
        sink(raw);
      }
      return { packets, truncated: null };
    },
  };
  return src;
}

test("formatProgress shows percent, packets and rate", () => {
  assert.equal(formatProgress({ bytesRead: 50 * 1048576, totalBytes: 200 * 1048576 }, 1000, 2000), "bronze: 25.0% of 200 MiB, 1000 packets, 500 packets/s");
  assert.equal(formatProgress({ bytesRead: 3 * 1048576, totalBytes: null }, 10, 0), "bronze: 3 MiB, 10 packets, 0 packets/s");
});

test("small inputs and sources without progress are left alone", () => {
  const small = fakeSource(1, 1000);
  assert.equal(withProgress(small, { write: () => {} }), small);
  const none: PacketSource = { name: "x", run: async () => ({ packets: 0, truncated: null }) };
  assert.equal(withProgress(none, { write: () => {} }), none);
});

test("large inputs redraw the line as time passes and clear it at the end", async () => {
  let clock = 0;
  const writes: string[] = [];
  const src = withProgress(fakeSource(100_000, 4 * PROGRESS_MIN_BYTES), { write: (t) => writes.push(t) }, () => (clock += 100));
  let delivered = 0;
  const summary = await src.run(() => void delivered++);
  assert.equal(delivered, 100_000);
  assert.equal(summary.packets, 100_000);
  assert.ok(writes.length >= 2);
  assert.match(writes[0]!, /^\rbronze: \d+\.\d% of 256 MiB, \d+ packets, \d+ packets\/s\x1b\[K$/);
  assert.equal(writes.at(-1), "\r\x1b[K");
});
