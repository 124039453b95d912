import assert from "node:assert/strict";
import { test } from "node:test";
import { block, concatBytes, epb, idb, opb, payload, readBytes, readStream, shb, spb, tsoffset, tsresol } from "./trace-builder.js";

const SEC = 1_700_000_000n;

for (const le of [true, false]) {
  const order = le ? "little" : "big";

  test(`pcapng ${order}-endian: EPB fields, default microsecond resolution`, async () => {
    const trace = concatBytes(
      shb(le),
      idb(le, 1, 65535),
      epb(le, 0, SEC * 1_000_000n + 250_001n, payload(0, 61), 1514),
      epb(le, 0, SEC * 1_000_000n + 999_999n, payload(1, 64)),
    );
    const { packets, summary } = await readBytes(trace, "x.pcapng");
    assert.deepEqual(summary, { packets: 2, truncated: null });
    assert.equal(packets[0].ts, 1_700_000_000 + 250_001 / 1e6);
    assert.equal(packets[0].caplen, 61);
    assert.equal(packets[0].wirelen, 1514);
    assert.deepEqual(packets[0].bytes, payload(0, 61), "data starts after the fixed fields, padding not included");
    assert.equal(packets[1].ts, 1_700_000_000 + 999_999 / 1e6);
  });

  test(`pcapng ${order}-endian: interfaces with different link types and resolutions`, async () => {
    const trace = concatBytes(
      shb(le),
      idb(le, 1, 0, [tsresol(9)]), // nanoseconds
      idb(le, 113, 0, [tsresol(0x80 | 20)]), // 2^-20 s
      idb(le, 101, 0, [tsresol(3), tsoffset(le, 1000n)]), // milliseconds, +1000 s
      idb(le, 228, 0, [tsresol(0x80 | 30)]), // 2^-30 s
      epb(le, 0, SEC * 1_000_000_000n + 946_162_628n, payload(0, 20)),
      epb(le, 1, SEC * 1_048_576n + 524_288n, payload(1, 20)), // exactly .5 s
      epb(le, 2, SEC * 1000n + 7n, payload(2, 20)),
      epb(le, 0, SEC * 1_000_000_000n + 999_999_999n, payload(3, 20)),
      epb(le, 3, SEC * 1_073_741_824n + 1_073_741_823n, payload(4, 20)), // one tick before the next second
    );
    const { packets, summary } = await readBytes(trace, "multi.pcapng");
    assert.equal(summary.truncated, null);
    assert.deepEqual(
      packets.map((p) => p.linktype),
      [1, 113, 101, 1, 228],
    );
    assert.deepEqual(
      packets.map((p) => p.ts),
      [
        1_700_000_000 + 946_162 / 1e6, // truncated, not rounded
        1_700_000_000 + 500_000 / 1e6,
        1_700_001_000 + 7_000 / 1e6,
        1_700_000_000 + 999_999 / 1e6,
        1_700_000_000 + 999_999 / 1e6, // floor((2^30 - 1) · 1e6 / 2^30)
      ],
    );
  });

  test(`pcapng ${order}-endian: simple packet block uses interface 0's snaplen and has time 0`, async () => {
    const trace = concatBytes(shb(le), idb(le, 1, 50), idb(le, 105, 0), spb(le, payload(0, 80), 80), spb(le, payload(1, 32), 1000));
    // (an SPB cannot tell padding from data, so the sample's length is a multiple of 4)
    const { packets } = await readBytes(trace, "spb.pcapng");
    assert.deepEqual(
      packets.map((p) => [p.ts, p.caplen, p.wirelen, p.linktype]),
      [
        [0, 50, 80, 1],
        [0, 32, 1000, 1],
      ],
    );
    assert.deepEqual(packets[0].bytes, payload(0, 50));
  });

  test(`pcapng ${order}-endian: obsolete packet block`, async () => {
    const trace = concatBytes(shb(le), idb(le, 1, 0), idb(le, 0, 0, [tsresol(9)]), opb(le, 1, SEC * 1_000_000_000n + 1_999n, payload(0, 33), 90));
    const { packets } = await readBytes(trace, "opb.pcapng");
    assert.equal(packets.length, 1);
    assert.deepEqual([packets[0].ts, packets[0].caplen, packets[0].wirelen, packets[0].linktype], [1_700_000_000 + 1 / 1e6, 33, 90, 0]);
    assert.deepEqual(packets[0].bytes, payload(0, 33));
  });
}

test("pcapng: unknown blocks and EPB options are skipped by length", async () => {
  const le = true;
  const trace = concatBytes(
    shb(le),
    block(le, 0x00000bad, payload(9, 37)),
    idb(le, 1, 0),
    block(le, 5, payload(8, 16)), // interface statistics
    epb(le, 0, SEC * 1_000_000n, payload(0, 10), 10, [{ code: 1, value: payload(7, 5) }]),
    block(le, 0x80000001, new Uint8Array(0)), // custom block, empty body
    epb(le, 0, SEC * 1_000_000n + 1n, payload(1, 12)),
  );
  const { packets, summary } = await readBytes(trace, "unknown.pcapng");
  assert.deepEqual(summary, { packets: 2, truncated: null });
  assert.deepEqual(packets[1].bytes, payload(1, 12));
});

test("pcapng: a new section may switch byte order and forgets the old interfaces", async () => {
  const trace = concatBytes(
    shb(true),
    idb(true, 1, 0),
    idb(true, 1, 0),
    epb(true, 1, SEC * 1_000_000n, payload(0, 10)),
    shb(false),
    idb(false, 113, 0, [tsresol(9)]),
    epb(false, 0, SEC * 1_000_000_000n + 5_000n, payload(1, 10)),
    epb(false, 1, SEC * 1_000_000_000n, payload(2, 10)), // interface 1 belonged to the old section
  );
  const { packets, summary } = await readBytes(trace, "sections.pcapng");
  assert.deepEqual(
    packets.map((p) => [p.linktype, p.ts]),
    [
      [1, 1_700_000_000],
      [113, 1_700_000_000 + 5 / 1e6],
    ],
  );
  const at = trace.length - epb(false, 1, 0n, payload(2, 10)).length;
  assert.equal(summary.truncated, `corrupt pcapng block at byte ${at} (packet 3): packet for interface 1, but the section defines 1`);
});

test("pcapng: negative if_tsoffset and 64-bit nanosecond counts keep exact microseconds", async () => {
  const le = false;
  const ticks = 4_000_000_000n * 1_000_000_000n + 123_456_789n; // year 2096: the high word is far above 2^21
  const trace = concatBytes(shb(le), idb(le, 1, 0, [tsresol(9), tsoffset(le, -100n)]), epb(le, 0, ticks, payload(0, 4)));
  const { packets } = await readBytes(trace, "big.pcapng");
  assert.equal(packets[0].ts, 4_000_000_000 - 100 + 123_456 / 1e6);
});

test("pcapng: bad block length is a clear corruption message after the good packets", async () => {
  const le = true;
  const good = concatBytes(shb(le), idb(le, 1, 0), epb(le, 0, 1n, payload(0, 8)));
  const bad = new Uint8Array(16);
  new DataView(bad.buffer).setUint32(0, 6, true);
  new DataView(bad.buffer).setUint32(4, 13, true);
  const { packets, summary } = await readBytes(concatBytes(good, bad), "bad.pcapng");
  assert.equal(packets.length, 1);
  assert.equal(summary.truncated, `corrupt pcapng block at byte ${good.length} (packet 2): block length 13 is not a multiple of 4 of at least 12`);
});

test("pcapng: trailing length that disagrees with the leading one", async () => {
  const le = true;
  const head = concatBytes(shb(le), idb(le, 1, 0));
  const wrong = block(le, 6, new Uint8Array(24), 99);
  const { summary } = await readBytes(concatBytes(head, wrong), "trailer.pcapng");
  assert.equal(summary.truncated, `corrupt pcapng block at byte ${head.length} (packet 1): block length 36 differs from its trailing copy 99`);
});

test("pcapng: EPB whose captured length overflows its block", async () => {
  const le = true;
  const head = concatBytes(shb(le), idb(le, 1, 0));
  const lying = epb(le, 0, 1n, payload(0, 8));
  new DataView(lying.buffer).setUint32(20, 200, true);
  const { summary } = await readBytes(concatBytes(head, lying), "overflow.pcapng");
  assert.equal(summary.truncated, `corrupt pcapng block at byte ${head.length} (packet 1): captured length 200 exceeds its 40-byte block`);
});

test("pcapng cut mid-block: complete packets first, then how many bytes are missing", async () => {
  const le = false;
  const whole = concatBytes(shb(le), idb(le, 1, 0), epb(le, 0, 1n, payload(0, 100)), epb(le, 0, 2n, payload(1, 100)));
  const cut = whole.subarray(0, whole.length - 30);
  const { packets, summary } = await readBytes(cut, "cut.pcapng");
  assert.equal(packets.length, 1);
  assert.equal(summary.truncated, `trace ends mid-record at byte ${whole.length - 132} (packet 2): 30 bytes missing`);
});

test("pcapng read as a stream in small pieces equals reading the file", async () => {
  const le = true;
  const parts = [shb(le), idb(le, 1, 0), idb(le, 113, 0, [tsresol(9)])];
  for (let i = 0; i < 40; i++) parts.push(epb(le, i % 2, BigInt(i) * 1_000_003n, payload(i, 1 + ((i * 53) % 200))));
  const bytes = concatBytes(...parts);
  const fromFile = await readBytes(bytes, "s.pcapng");
  assert.equal(fromFile.packets.length, 40);
  for (const chunk of [1, 5, 64, 1000]) assert.deepEqual(await readStream(bytes, chunk), fromFile, `chunk ${chunk}`);
});
