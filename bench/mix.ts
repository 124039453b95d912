/**
 * Builds bench/out/mix.pcap, the realistic benchmark trace: every packet of
 * every corpus trace the engine reads (any link type, tunnels, IPv6,
 * fragments, deliberately bad checksums, non-IP frames), replayed COPIES
 * times, each replay of each trace starting at its own moment within the
 * first WINDOW_US of the file, so the replays overlap in time and tens of
 * thousands of connections are open at once (at most PER_TRACE_PACKETS of
 * each trace) (synthetic.pcap, by contrast,
 * replays Ethernet TCP/UDP/ICMP only, 8 traces at a time).
 *
 * One file has one link type (libpcap, hence Argus and Zeek, read one per
 * file), so packets of other link types (raw IP, Linux SLL, PPP, 802.11,
 * NFLOG, loopback, …) are re-framed: their IP packet, found by the engine's
 * own link layer, gets an Ethernet header in front. Ethernet frames are kept
 * whole (VLAN, MPLS, PPPoE, ARP and all).
 *
 * Each replay XORs its own number into one 16-bit word of each outer IP
 * address, with the checksums adjusted as synth.ts does (a valid checksum
 * stays valid, a bad one stays bad). What cannot be rewritten safely is
 * replayed verbatim: non-IP frames, IPv6 with routing or destination-option
 * headers, and the inner packets of tunnels (their connections recur across
 * replays, as they would on a link carrying the same tunnel traffic again).
 * Within one replay packets keep their trace's order and time offsets, out of
 * order timestamps included. Deterministic: same corpus, same file.
 *
 *   node dist/bench/mix.js [out.pcap] [packets]
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { EventBus } from "../src/event/bus.js";
import { Weirds } from "../src/event/weirds.js";
import { LinkLayer } from "../src/packet/link.js";
import { Packet } from "../src/packet/packet.js";
import { PcapWriter } from "../src/record/pcap-writer.js";
import { openTrace } from "../src/source/open.js";
import { corpusTraces, ipv6Payload, rewrite, type Template } from "./synth.js";

const LINKTYPE_ETHERNET = 1;
const ETHER_HEADER = 14;
const PROTO_TCP = 6;
const PROTO_UDP = 17;
const PROTO_ICMP6 = 58;
const IPV6_ROUTING = 43;
const IPV6_AH = 51;
const IPV6_DSTOPTS = 60;
const IPV6_MOBILITY = 135;
const IPV6_HEADER = 40;
/** Every replay of a trace starts within this long after the file's first packet. */
const WINDOW_US = 300_000_000;
/**
 * A replay takes at most this many packets of its trace: the corpus holds 239k
 * packets, half of them in seven long single-conversation traces
 * (echo-connections alone 82k); capped, a copy of the corpus is 77k packets
 * from every trace and the ~1M-packet mix is 13 overlapping copies.
 */
const PER_TRACE_PACKETS = 2000;
/** The mix's clock starts on 2026-01-01. */
const EPOCH_US = 1_767_225_600_000_000;

export const DEFAULT_MIX_PACKETS = 1_000_000;

/** A packet kept for replay; `l3 < 0` means "replay verbatim". */
interface MixTemplate extends Template {
  /** Microseconds from its trace's first packet (negative when the trace's clock goes back). */
  relUs: number;
}

interface MixTrace {
  packets: MixTemplate[];
}

function u16(b: Uint8Array, at: number): number {
  return (b[at] << 8) | b[at + 1];
}

/**
 * Where the checksums that cover the addresses of the IP packet at `l3` are, or
 * null when the addresses cannot be rewritten safely. Unlike synth.ts this
 * keeps tunnels, ICMP and other protocols (their outer addresses rewritten) and
 * transport headers cut short by the snap length (no transport checksum to fix).
 */
function shapeAt(data: Uint8Array, caplen: number, l3: number): Omit<Template, "relUs" | "bytes" | "wirelen"> | null {
  const version = caplen > l3 ? data[l3] >> 4 : 0;
  if (version === 4) {
    if (caplen < l3 + 20) return null;
    const ihl = (data[l3] & 0x0f) * 4;
    if (ihl < 20 || caplen < l3 + ihl) return null;
    const nonFirstFragment = (u16(data, l3 + 6) & 0x1fff) !== 0;
    if (nonFirstFragment) return { l3, version: 4, l4Checksum: -1, zeroMeansNone: false };
    return transport(data, caplen, l3, 4, data[l3 + 9], l3 + ihl);
  }
  if (version === 6) {
    if (caplen < l3 + IPV6_HEADER) return null;
    const payload = ipv6Payload(data, caplen, l3);
    if (payload === null) return null;
    if (payload === "fragment") return { l3, version: 6, l4Checksum: -1, zeroMeansNone: false };
    const { next, at } = payload;
    // A routing header changes which address the pseudo-header holds; the others we do not walk.
    if (next === IPV6_ROUTING || next === IPV6_DSTOPTS || next === IPV6_AH || next === IPV6_MOBILITY) return null;
    return transport(data, caplen, l3, 6, next, at);
  }
  return null;
}

function transport(data: Uint8Array, caplen: number, l3: number, version: 4 | 6, proto: number, l4: number): ReturnType<typeof shapeAt> {
  if (proto === PROTO_TCP) return { l3, version, l4Checksum: caplen >= l4 + 18 ? l4 + 16 : -1, zeroMeansNone: false };
  if (proto === PROTO_UDP) return { l3, version, l4Checksum: caplen >= l4 + 8 ? l4 + 6 : -1, zeroMeansNone: version === 4 };
  if (proto === PROTO_ICMP6) return { l3, version, l4Checksum: caplen >= l4 + 4 ? l4 + 2 : -1, zeroMeansNone: false };
  // ICMPv4, GRE, IP in IP, ESP, …: no pseudo-header checksum over the addresses.
  return { l3, version, l4Checksum: -1, zeroMeansNone: false };
}

const VERBATIM = { l3: -1, version: 4 as const, l4Checksum: -1, zeroMeansNone: false };

/** Reads one trace into templates (Ethernet-framed), or null when the engine cannot read it. */
async function loadTrace(path: string, link: LinkLayer, pkt: Packet): Promise<MixTrace | null> {
  let source;
  try {
    source = await openTrace(path);
  } catch {
    return null;
  }
  const packets: MixTemplate[] = [];
  let firstUs = NaN;
  try {
    await source.run((raw) => {
      if (packets.length === PER_TRACE_PACKETS) return;
      pkt.load(raw);
      const isIp = link.decode(pkt);
      const us = Math.round(raw.ts * 1e6);
      if (Number.isNaN(firstUs)) firstUs = us;
      const relUs = us - firstUs;
      if (raw.linktype === LINKTYPE_ETHERNET) {
        const bytes = raw.data.slice(raw.offset, raw.offset + raw.caplen);
        const shape = isIp ? shapeAt(bytes, bytes.length, pkt.l3Offset - raw.offset) : null;
        packets.push({ relUs, bytes, wirelen: raw.wirelen, ...(shape ?? VERBATIM) });
        return;
      }
      if (!isIp) return; // a non-IP frame of another link type has no Ethernet form
      const ipLen = raw.offset + raw.caplen - pkt.l3Offset;
      const bytes = new Uint8Array(ETHER_HEADER + ipLen);
      bytes.set([0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2]);
      const version = raw.data[pkt.l3Offset] >> 4;
      bytes[12] = version === 6 ? 0x86 : 0x08;
      bytes[13] = version === 6 ? 0xdd : 0x00;
      bytes.set(raw.data.subarray(pkt.l3Offset, pkt.l3Offset + ipLen), ETHER_HEADER);
      const shape = shapeAt(bytes, bytes.length, ETHER_HEADER);
      packets.push({ relUs, bytes, wirelen: raw.wirelen - pkt.l2HeaderLen + ETHER_HEADER, ...(shape ?? VERBATIM) });
    });
  } catch {
    // A trace the reader gives up on part-way: keep what was read, as the engine would.
  }
  return packets.length === 0 ? null : { packets };
}

/** A deterministic start in [0, WINDOW_US) for replay `k` (Weyl sequence: spread evenly, no clumps). */
function startOffset(k: number): number {
  const frac = (k * 0.6180339887498949) % 1;
  return Math.floor(frac * WINDOW_US);
}

export interface MixResult {
  packets: number;
  bytes: number;
  traces: number;
  copies: number;
  corpusPackets: number;
}

/**
 * Writes the mix of the traces under `corpusDir` to `out`: enough copies of
 * the corpus for about `targetPackets` packets (at least one whole copy).
 */
export async function synthesizeMix(out: string, corpusDir: string, targetPackets = DEFAULT_MIX_PACKETS): Promise<MixResult> {
  const link = new LinkLayer(new Weirds(new EventBus(), { now: 0 }));
  const pkt = new Packet();
  const traces: MixTrace[] = [];
  let corpusPackets = 0;
  for (const path of corpusTraces(corpusDir)) {
    const t = await loadTrace(path, link, pkt);
    if (t === null) continue;
    traces.push(t);
    corpusPackets += t.packets.length;
  }
  if (traces.length === 0) throw new Error(`no readable traces under ${corpusDir}`);
  const copies = Math.max(1, Math.round(targetPackets / corpusPackets));
  const streams = copies * traces.length;
  if (streams >= 0xffff) throw new Error(`${streams} replays: more than a 16-bit replay number can tell apart`);
  // One stream per (copy, trace): its replay number is stream + 1. A binary
  // min-heap of streams keyed by the time of each one's next packet merges them.
  const startUs = new Float64Array(streams);
  const index = new Int32Array(streams);
  const heap: number[] = [];
  const traceOf = (s: number): MixTrace => traces[s % traces.length];
  const headUs = (s: number): number => startUs[s] + traceOf(s).packets[index[s]].relUs;
  const less = (a: number, b: number): boolean => {
    const d = headUs(a) - headUs(b);
    return d < 0 || (d === 0 && a < b);
  };
  const siftDown = (i: number): void => {
    for (;;) {
      const l = 2 * i + 1;
      if (l >= heap.length) return;
      const c = l + 1 < heap.length && less(heap[l + 1], heap[l]) ? l + 1 : l;
      if (!less(heap[c], heap[i])) return;
      [heap[c], heap[i]] = [heap[i], heap[c]];
      i = c;
    }
  };
  // Traces whose clock goes back start late enough that no packet precedes the file's epoch.
  for (let s = 0; s < streams; s++) {
    const minRel = traceOf(s).packets.reduce((m, p) => Math.min(m, p.relUs), 0);
    startUs[s] = EPOCH_US + startOffset(s) - minRel;
    heap.push(s);
  }
  for (let i = (heap.length >> 1) - 1; i >= 0; i--) siftDown(i);
  const writer = new PcapWriter(out, { linktype: LINKTYPE_ETHERNET, snaplen: 262144, bufferBytes: 4 << 20 });
  const scratch = new Uint8Array(262144 + ETHER_HEADER);
  let written = 0;
  while (heap.length > 0) {
    const s = heap[0];
    const t = traceOf(s).packets[index[s]];
    const us = headUs(s);
    let frame: Uint8Array = t.bytes;
    if (t.l3 >= 0) {
      frame = scratch.subarray(0, t.bytes.length);
      rewrite(t, s + 1, frame);
    }
    writer.writeRecord(Math.floor(us / 1e6), us % 1e6, frame, 0, frame.length, t.wirelen);
    written++;
    if (++index[s] === traceOf(s).packets.length) {
      const last = heap.pop() as number;
      if (heap.length === 0) break;
      heap[0] = last;
    }
    siftDown(0);
  }
  writer.close();
  return { packets: written, bytes: writer.bytesWritten, traces: traces.length, copies, corpusPackets };
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  const out = process.argv[2] ?? "bench/out/mix.pcap";
  const count = Number(process.argv[3] ?? DEFAULT_MIX_PACKETS);
  const corpus = join(process.env.BRONZE_CORPUS ?? "../shared/corpus", "zeek", "traces");
  const r = await synthesizeMix(out, corpus, count);
  process.stderr.write(
    `wrote ${out}: ${r.packets} packets (${r.copies} copies of ${r.corpusPackets} from ${r.traces} traces), ${(r.bytes / 1e6).toFixed(1)} MB\n`,
  );
}
