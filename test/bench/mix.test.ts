/**
 * The realistic mix (bench/mix.ts): from a few corpus traces (a PPP one, a
 * tunnelled one with a bad inner checksum, Ethernet TCP, IPv6 fragments) it
 * writes one Ethernet trace holding every IP packet of each trace once per
 * copy, with the addresses of each replay changed and each packet's checksum
 * validity kept, in time order.
 */

import assert from "node:assert/strict";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { test } from "node:test";
import { synthesizeMix } from "../../bench/mix.js";
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
const TRACES = [
  "ppp/quic-interop-retry.pcap",
  "tunnels/geneve-inner-tcp-bad-checksum.pcap",
  "tunnels/Teredo.pcap",
  "ipv6-fragmented-dns.pcap",
  "chksums/ip4-bad-chksum.pcap",
];

interface Summary {
  packets: number;
  linktypes: Set<number>;
  /** "ip ok/transport ok" → count, over packets the IP layer accepts. */
  validity: Map<string, number>;
  sources: Set<string>;
  ordered: boolean;
}

async function summarise(path: string): Promise<Summary> {
  const settings = defaultSettings();
  settings.ignore_checksums = true;
  const weirds = new Weirds(new EventBus(), { now: 0 });
  const link = new LinkLayer(weirds);
  const ip = new IpLayer(weirds, settings);
  const pkt = new Packet();
  const s: Summary = { packets: 0, linktypes: new Set(), validity: new Map(), sources: new Set(), ordered: true };
  let last = -Infinity;
  await (await openTrace(path)).run((raw) => {
    s.packets++;
    s.linktypes.add(raw.linktype);
    if (raw.ts < last) s.ordered = false;
    last = raw.ts;
    pkt.load(raw);
    if (!link.decode(pkt) || !ip.process(pkt) || pkt.reassembled) return;
    const ipOk = pkt.ipVersion !== 4 || ipv4HeaderChecksumOk(pkt.data, pkt.l3Offset, pkt.ipHeaderLen);
    const key = `${ipOk}/${pkt.l4CapLen >= pkt.l4Len ? transportChecksumOk(pkt) : "cut"}`;
    s.validity.set(key, (s.validity.get(key) ?? 0) + 1);
    s.sources.add([pkt.src0, pkt.src1, pkt.src2, pkt.src3].join(","));
  });
  return s;
}

test("the mix replays every IP packet of each trace per copy, as Ethernet, checksum validity kept", { timeout: 60_000 }, async (t) => {
  if (!existsSync(traceDir)) return oracleMissing(t, `corpus not found at ${traceDir}`);
  const dir = mkdtempSync(join(tmpdir(), "bronze-mix-test-"));
  try {
    const inputs = join(dir, "in");
    mkdirSync(inputs);
    let packets = 0;
    const originals: Summary[] = [];
    for (const name of TRACES) {
      copyFileSync(join(traceDir, name), join(inputs, basename(name)));
      const s = await summarise(join(inputs, basename(name)));
      originals.push(s);
      packets += s.packets;
    }
    assert.ok(
      originals.some((s) => !s.linktypes.has(1)),
      "one input is not Ethernet",
    );
    const out = join(dir, "mix.pcap");
    const r = await synthesizeMix(out, inputs, packets * 3);
    assert.equal(r.copies, 3);
    assert.equal(r.traces, TRACES.length);
    const mix = await summarise(out);
    assert.deepEqual([...mix.linktypes], [1]);
    assert.equal(mix.packets, packets * 3, "every packet of every trace, three times (all are IP here)");
    assert.ok(mix.ordered, "merged in time order");
    const expected = new Map<string, number>();
    for (const s of originals) for (const [k, n] of s.validity) expected.set(k, (expected.get(k) ?? 0) + 3 * n);
    assert.deepEqual(new Map([...mix.validity].sort()), new Map([...expected].sort()));
    assert.ok(expected.get("true/false")! > 0 || expected.get("false/true")! > 0, "bad checksums are part of the check");
    const originalSources = new Set(originals.flatMap((s) => [...s.sources]));
    assert.ok(mix.sources.size >= 2 * originalSources.size, "each copy has its own addresses");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
