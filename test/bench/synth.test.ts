/**
 * The bench synthesizer's rewriting: every replayed packet gets new addresses
 * and keeps exactly the checksum validity it had (valid stays valid, bad stays
 * bad), checked with the project's own IP layer and checksum code over the
 * corpus packets.
 */

import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { classify, corpusTraces, rewrite, type Template } from "../../bench/synth.js";
import { EventBus } from "../../src/event/bus.js";
import { Weirds } from "../../src/event/weirds.js";
import { IpLayer } from "../../src/ip/ip-layer.js";
import { defaultSettings } from "../../src/options.js";
import { ipv4HeaderChecksumOk, transportChecksumOk } from "../../src/packet/checksum.js";
import { LinkLayer } from "../../src/packet/link.js";
import { Packet } from "../../src/packet/packet.js";
import { openTrace } from "../../src/source/open.js";
import { corpusRoot, oracleMissing } from "../helpers/corpus.js";

const traceDir = join(corpusRoot(), "zeek", "traces");

/** Decodes a frame with checksums ignored, then reports [ip checksum ok, transport checksum ok, addresses]. */
function inspect(frame: Uint8Array): [boolean, boolean, string] | null {
  const settings = defaultSettings();
  settings.ignore_checksums = true;
  const weirds = new Weirds(new EventBus(), { now: 0 });
  const pkt = new Packet();
  pkt.data = frame;
  pkt.caplen = pkt.wirelen = frame.length;
  pkt.linktype = 1;
  pkt.end = frame.length;
  if (!new LinkLayer(weirds).decode(pkt) || !new IpLayer(weirds, settings).process(pkt) || pkt.reassembled) return null;
  const ipOk = pkt.ipVersion !== 4 || ipv4HeaderChecksumOk(frame, pkt.l3Offset, pkt.ipHeaderLen);
  const addrs = [pkt.src0, pkt.src1, pkt.src2, pkt.src3, pkt.dst0, pkt.dst1, pkt.dst2, pkt.dst3].join(",");
  return [ipOk, transportChecksumOk(pkt), addrs];
}

test("synth rewriting changes addresses and preserves checksum validity", { timeout: 60_000 }, async (t) => {
  if (!existsSync(traceDir)) return oracleMissing(t, `corpus not found at ${traceDir}`);
  const frames: Uint8Array[] = [];
  for (const path of corpusTraces(traceDir)) {
    if (frames.length >= 30_000) break;
    const source = await openTrace(path);
    await source.run((p) => {
      if (p.linktype === 1 && p.caplen === p.wirelen) frames.push(p.data.slice(p.offset, p.offset + p.caplen));
    });
  }
  let checked = 0;
  let bad = 0;
  const failures: string[] = [];
  for (const [i, bytes] of frames.entries()) {
    const shape = classify(bytes, bytes.length);
    if (shape === null) continue;
    const before = inspect(bytes);
    if (before === null) continue;
    const template: Template = { relUs: 0, bytes, wirelen: bytes.length, ...shape };
    const out = new Uint8Array(bytes.length);
    rewrite(template, 1 + (i % 5000), out);
    const after = inspect(out);
    checked++;
    if (!before[0] || !before[1]) bad++;
    if (after === null || after[0] !== before[0] || after[1] !== before[1] || after[2] === before[2]) {
      if (failures.length < 5) failures.push(`frame ${i}: before ${JSON.stringify(before)} after ${JSON.stringify(after)}`);
    }
  }
  t.diagnostic(`${checked} frames checked, ${bad} with a bad checksum before rewriting`);
  assert.ok(checked > 10_000, `only ${checked} frames checked`);
  assert.ok(bad > 0, "the corpus has bad checksums: they must be part of the check");
  assert.deepEqual(failures, []);
});
