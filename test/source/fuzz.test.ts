/**
 * Broken files never break the reader: random byte flips and cuts in valid
 * pcap and pcapng traces either fail to open with a TraceError or read to an
 * end (possibly with a truncation message), and every packet delivered lies
 * inside the buffer it points into.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import { openTraceStream } from "../../src/source/open.js";
import { TraceError } from "../../src/source/raw-packet.js";
import { rng } from "../helpers/rng.js";
import { block, concatBytes, epb, idb, opb, payload, pcapFile, shb, spb, tsresol } from "./trace-builder.js";

/** A small deterministic PRNG (xorshift32), so failures can be replayed. */
function mutate(bytes: Uint8Array, random: () => number): Uint8Array {
  const out = bytes.slice(0, random() < 0.3 ? Math.floor(random() * bytes.length) : bytes.length);
  const flips = 1 + Math.floor(random() * 6);
  for (let i = 0; i < flips && out.length > 0; i++) {
    const at = Math.floor(random() * out.length);
    out[at] = random() < 0.5 ? Math.floor(random() * 256) : out[at] ^ (1 << Math.floor(random() * 8));
  }
  return out;
}

async function survive(bytes: Uint8Array, label: string): Promise<void> {
  let source;
  try {
    source = await openTraceStream(
      (async function* () {
        yield bytes;
      })(),
      label,
    );
  } catch (err) {
    assert.ok(err instanceof TraceError, `${label}: open threw ${String(err)}`);
    return;
  }
  let bad = "";
  const summary = await source.run((p) => {
    if (p.offset < 0 || p.offset + p.caplen > p.data.length || !Number.isFinite(p.ts))
      bad = `packet at ${p.offset}+${p.caplen} of ${p.data.length}, ts ${p.ts}`;
  });
  assert.equal(bad, "", label);
  assert.ok(summary.truncated === null || !summary.truncated.includes("\n"), label);
}

const seeds = 400;

test("mutated pcap files are read or refused cleanly", async () => {
  const base = pcapFile(
    { le: false, nano: true, snaplen: 200 },
    Array.from({ length: 12 }, (_, i) => ({ sec: 100 + i, sub: i * 1000, data: payload(i, 20 + i * 15) })),
  );
  const random = rng(1234);
  for (let i = 0; i < seeds; i++) await survive(mutate(base, random), `pcap seed #${i}`);
});

test("mutated pcapng files are read or refused cleanly", async () => {
  const le = true;
  const base = concatBytes(
    shb(le),
    idb(le, 1, 0, [tsresol(9)]),
    idb(le, 113, 64, [tsresol(0x80 | 10)]),
    epb(le, 0, 123_456_789_000n, payload(0, 60)),
    spb(le, payload(1, 80), 100),
    block(le, 5, payload(2, 24)),
    opb(le, 1, 99n, payload(3, 30)),
    shb(!le),
    idb(!le, 1, 0),
    epb(!le, 0, 5n, payload(4, 44)),
  );
  const random = rng(99);
  for (let i = 0; i < seeds; i++) await survive(mutate(base, random), `pcapng seed #${i}`);
});
