/**
 * Capture filter cost per packet. The trace's first packets (up to
 * SAMPLE_PACKETS / SAMPLE_BYTES) are copied into one buffer first, so the
 * timing covers the compiled predicate alone, not reading the file; each
 * expression then runs over the sample ROUNDS times.
 *
 * Standalone: node --import tsx bench/filter.bench.ts TRACE
 */
import { compileFilter } from "../src/filter/compile.js";
import { openTrace } from "../src/source/open.js";
import type { RawPacket } from "../src/source/raw-packet.js";
import { type BenchResult, since } from "./bench-api.js";

export const name = "filter";

const SAMPLE_PACKETS = 200_000;
/** Small enough to stay in the CPU caches: the figure is the predicate's cost, not memory latency. */
const SAMPLE_BYTES = 4 * 1024 * 1024;
const ROUNDS = 100;

/** The headline filter (its figure is the result's packets/seconds), then others reported in `extra`. */
const HEADLINE = "tcp port 80 or udp port 53";
const OTHERS = ["len > 0", "ip", "host 10.0.0.1 and not port 22", "tcp[tcpflags] & tcp-syn != 0", "vlan and ip", "ip6 net fe80::/10 or icmp"];

interface Sample {
  data: Uint8Array;
  offsets: Int32Array;
  caplens: Int32Array;
  wirelens: Int32Array;
  linktypes: Int32Array;
  count: number;
}

async function loadSample(tracePath: string): Promise<Sample> {
  const source = await openTrace(tracePath);
  const data = new Uint8Array(SAMPLE_BYTES);
  const offsets = new Int32Array(SAMPLE_PACKETS);
  const caplens = new Int32Array(SAMPLE_PACKETS);
  const wirelens = new Int32Array(SAMPLE_PACKETS);
  const linktypes = new Int32Array(SAMPLE_PACKETS);
  let count = 0;
  let used = 0;
  await source.run((p) => {
    if (count === SAMPLE_PACKETS || used + p.caplen > SAMPLE_BYTES) {
      source.stop();
      return;
    }
    data.set(p.data.subarray(p.offset, p.offset + p.caplen), used);
    offsets[count] = used;
    caplens[count] = p.caplen;
    wirelens[count] = p.wirelen;
    linktypes[count] = p.linktype;
    used += p.caplen;
    count++;
  });
  return { data, offsets, caplens, wirelens, linktypes, count };
}

/** Runs `expression` (or, given a function, that predicate) over the sample ROUNDS times; returns seconds and packets selected per round. */
function measure(sample: Sample, expression: string | ((raw: RawPacket) => boolean)): { seconds: number; selected: number } {
  const filter = typeof expression === "string" ? compileFilter(expression) : expression;
  const raw: RawPacket = { ts: 0, caplen: 0, wirelen: 0, linktype: 1, data: sample.data, offset: 0 };
  // A fresh copy of the loop per measurement: a shared one would see every filter at its call
  // site and turn megamorphic, charging later filters for the earlier ones.
  const loop = new Function(
    "sample",
    "raw",
    "filter",
    `
    let selected = 0;
    for (let i = 0; i < sample.count; i++) {
      raw.offset = sample.offsets[i];
      raw.caplen = sample.caplens[i];
      raw.wirelen = sample.wirelens[i];
      raw.linktype = sample.linktypes[i];
      if (filter(raw)) selected++;
    }
    return selected;`,
  ) as (sample: Sample, raw: RawPacket, filter: (raw: RawPacket) => boolean) => number;
  const pass = (): number => loop(sample, raw, filter);
  const selected = pass(); // warm-up: lets V8 optimise the generated code
  const start = performance.now();
  for (let r = 0; r < ROUNDS; r++) pass();
  return { seconds: since(start), selected };
}

export async function run(tracePath: string): Promise<BenchResult> {
  const sample = await loadSample(tracePath);
  const packets = sample.count * ROUNDS;
  const nsPerPacket = (seconds: number): string => ((seconds * 1e9) / packets).toFixed(1);
  const headline = measure(sample, HEADLINE);
  const extra: Record<string, string | number> = {
    sample: sample.count,
    [`ns/pkt '${HEADLINE}'`]: nsPerPacket(headline.seconds),
  };
  for (const expression of OTHERS) extra[`ns/pkt '${expression}'`] = nsPerPacket(measure(sample, expression).seconds);
  // The loop itself (filling the RawPacket, one call): subtract it to get a filter's own cost.
  extra["ns/pkt loop baseline"] = nsPerPacket(measure(sample, (raw) => raw.caplen >= 0).seconds);
  extra.selected = headline.selected;
  return { packets, seconds: headline.seconds, extra };
}

if (process.argv[1]?.endsWith("filter.bench.ts") || process.argv[1]?.endsWith("filter.bench.js")) {
  const trace = process.argv[2] ?? "bench/out/synthetic.pcap";
  run(trace).then((r) => console.log(JSON.stringify({ ...r, packetsPerSecond: Math.round(r.packets / r.seconds) }, null, 2)));
}
