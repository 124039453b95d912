/**
 * Builds the benchmark trace: corpus traces (Ethernet, IPv4/IPv6, TCP/UDP/ICMP)
 * replayed over and over until the target packet count, each replay with its
 * own addresses (so its connections are new ones) and its own clock.
 *
 * Replays run in LANES interleaved timelines (merged by time) so the engine
 * sees many connections alive at once, as on a real link. Everything is
 * deterministic: same corpus, same output, byte for byte.
 *
 * Address rewriting XORs the replay number into one 16-bit word of each
 * address; IP, TCP, UDP and ICMPv6 checksums are adjusted incrementally
 * (RFC 1624), so a checksum that was valid stays valid and a bad one stays bad.
 *
 *   node dist/bench/synth.js [out.pcap] [packets]
 */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { PcapWriter } from "../src/record/pcap-writer.js";
import { openTrace } from "../src/source/open.js";
import type { RawPacket } from "../src/source/raw-packet.js";

const LINKTYPE_ETHERNET = 1;
const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
const ETHERTYPE_VLAN = 0x8100;
const ETHERTYPE_QINQ = 0x88a8;
const ETHER_HEADER = 14;
const VLAN_TAG = 4;
const PROTO_ICMP = 1;
const PROTO_TCP = 6;
const PROTO_UDP = 17;
const PROTO_ICMP6 = 58;
const IPV6_HOPOPTS = 0;
const IPV6_FRAGMENT = 44;
const IPV6_HEADER = 40;
/** UDP ports of tunnels: their inner connections would be the same in every replay. */
const TUNNEL_UDP_PORTS = new Set([4789, 6081, 2152, 2123, 3544, 5072, 4754, 1701]);
const LANES = 8;
/** Quiet time between two traces replayed on the same lane. */
const GAP_US = 1_000_000;
/** The synthetic clock starts on 2026-01-01. */
const EPOCH_US = 1_767_225_600_000_000;

export const DEFAULT_PACKETS = 1_000_000;

/** One corpus packet kept for replay. */
export interface Template {
  /** Microseconds since the first packet of its trace. */
  relUs: number;
  bytes: Uint8Array;
  wirelen: number;
  /** Offset of the IP header, of its checksum-relevant parts. */
  l3: number;
  version: 4 | 6;
  /** Offset of the transport checksum field, or -1 when there is none to adjust. */
  l4Checksum: number;
  /** UDP over IPv4 with checksum 0 means "none": keep it 0. */
  zeroMeansNone: boolean;
}

interface TraceTemplates {
  name: string;
  packets: Template[];
  durationUs: number;
}

function u16(b: Uint8Array, at: number): number {
  return (b[at] << 8) | b[at + 1];
}

/** Finds the IP header and transport checksum of an Ethernet frame we know how to rewrite. */
export function classify(data: Uint8Array, caplen: number): Omit<Template, "relUs" | "bytes" | "wirelen"> | null {
  let at = ETHER_HEADER;
  if (caplen < at) return null;
  let type = u16(data, 12);
  while ((type === ETHERTYPE_VLAN || type === ETHERTYPE_QINQ) && at + VLAN_TAG <= caplen) {
    type = u16(data, at + 2);
    at += VLAN_TAG;
  }
  if (type === ETHERTYPE_IPV4) return classifyV4(data, caplen, at);
  if (type === ETHERTYPE_IPV6) return classifyV6(data, caplen, at);
  return null;
}

function classifyV4(data: Uint8Array, caplen: number, l3: number): ReturnType<typeof classify> {
  if (caplen < l3 + 20 || data[l3] >> 4 !== 4) return null;
  const ihl = (data[l3] & 0x0f) * 4;
  const proto = data[l3 + 9];
  const fragOffset = u16(data, l3 + 6) & 0x1fff;
  const l4 = l3 + ihl;
  if (ihl < 20 || caplen < l4) return null;
  if (fragOffset !== 0 || proto === PROTO_ICMP) return { l3, version: 4, l4Checksum: -1, zeroMeansNone: false };
  return transport(data, caplen, l3, 4, proto, l4);
}

/**
 * Walks the hop-by-hop and fragment headers of the IPv6 packet at `l3` (they do
 * not change the pseudo-header; routing and destination options might, so the
 * walk stops at them): the next header and its offset, "fragment" for a
 * fragment after the first (no transport header), null when cut short.
 */
export function ipv6Payload(data: Uint8Array, caplen: number, l3: number): { next: number; at: number } | "fragment" | null {
  let next = data[l3 + 6];
  let at = l3 + IPV6_HEADER;
  while (next === IPV6_HOPOPTS || next === IPV6_FRAGMENT) {
    if (caplen < at + 8) return null;
    if (next === IPV6_FRAGMENT && (u16(data, at + 2) & 0xfff8) !== 0) return "fragment";
    const len = next === IPV6_FRAGMENT ? 8 : (data[at + 1] + 1) * 8;
    next = data[at];
    at += len;
  }
  return { next, at };
}

function classifyV6(data: Uint8Array, caplen: number, l3: number): ReturnType<typeof classify> {
  if (caplen < l3 + IPV6_HEADER || data[l3] >> 4 !== 6) return null;
  const payload = ipv6Payload(data, caplen, l3);
  if (payload === null) return null;
  if (payload === "fragment") return { l3, version: 6, l4Checksum: -1, zeroMeansNone: false };
  return transport(data, caplen, l3, 6, payload.next, payload.at);
}

function transport(data: Uint8Array, caplen: number, l3: number, version: 4 | 6, proto: number, l4: number): ReturnType<typeof classify> {
  if (proto === PROTO_TCP && caplen >= l4 + 18) return { l3, version, l4Checksum: l4 + 16, zeroMeansNone: false };
  if (proto === PROTO_UDP && caplen >= l4 + 8) {
    if (TUNNEL_UDP_PORTS.has(u16(data, l4)) || TUNNEL_UDP_PORTS.has(u16(data, l4 + 2))) return null;
    return { l3, version, l4Checksum: l4 + 6, zeroMeansNone: version === 4 };
  }
  if (proto === PROTO_ICMP6 && version === 6 && caplen >= l4 + 4) return { l3, version, l4Checksum: l4 + 2, zeroMeansNone: false };
  return null;
}

/** RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), in 16-bit one's complement. */
function adjustChecksum(checksum: number, oldWord: number, newWord: number): number {
  let sum = (~checksum & 0xffff) + (~oldWord & 0xffff) + newWord;
  sum = (sum & 0xffff) + (sum >>> 16);
  sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

function put16(b: Uint8Array, at: number, v: number): void {
  b[at] = v >>> 8;
  b[at + 1] = v & 0xff;
}

/** Writes `t` with replay number `replay` into `out` (same length): new addresses, fixed checksums. */
export function rewrite(t: Template, replay: number, out: Uint8Array): void {
  out.set(t.bytes);
  // IPv4: the low word of each address (host part); IPv6: word 6 of 8 (interface id).
  const src = t.version === 4 ? t.l3 + 14 : t.l3 + 8 + 12;
  const dst = t.version === 4 ? t.l3 + 18 : t.l3 + 24 + 12;
  // A UDP/IPv4 checksum of 0 means "not computed" and must stay 0.
  const noChecksum = t.zeroMeansNone && u16(t.bytes, t.l4Checksum) === 0;
  let l4 = t.l4Checksum >= 0 && !noChecksum ? u16(out, t.l4Checksum) : -1;
  let ip = t.version === 4 ? u16(out, t.l3 + 10) : -1;
  for (const at of [src, dst]) {
    const before = u16(out, at);
    const after = before ^ (replay & 0xffff);
    put16(out, at, after);
    if (ip >= 0) ip = adjustChecksum(ip, before, after);
    if (l4 >= 0) l4 = adjustChecksum(l4, before, after);
  }
  if (ip >= 0) put16(out, t.l3 + 10, ip);
  // A computed UDP checksum of 0 is sent as 0xffff (the same value in one's complement).
  if (l4 >= 0) put16(out, t.l4Checksum, t.zeroMeansNone && l4 === 0 ? 0xffff : l4);
}

/** Every trace file under `dir` (pcap, pcapng, gzip'd), sorted for determinism. */
export function corpusTraces(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(pcap|pcapng|cap|gz)$/.test(name)) out.push(path);
    }
  };
  walk(dir);
  return out;
}

async function loadTemplates(path: string): Promise<TraceTemplates | null> {
  let source;
  try {
    source = await openTrace(path);
  } catch {
    return null;
  }
  const packets: Template[] = [];
  let firstUs = -1;
  let lastUs = 0;
  await source.run((pkt: RawPacket) => {
    if (pkt.linktype !== LINKTYPE_ETHERNET) return;
    const bytes = pkt.data.slice(pkt.offset, pkt.offset + pkt.caplen);
    const shape = classify(bytes, bytes.length);
    if (shape === null) return;
    const us = Math.round(pkt.ts * 1e6);
    if (firstUs < 0) firstUs = us;
    lastUs = Math.max(lastUs, us);
    packets.push({ relUs: Math.max(0, us - firstUs), bytes, wirelen: pkt.wirelen, ...shape });
  });
  if (packets.length === 0) return null;
  return { name: path, packets, durationUs: lastUs - firstUs };
}

/** One interleaved timeline replaying traces one after the other. */
interface Lane {
  trace: number;
  index: number;
  startUs: number;
  replay: number;
}

export interface SynthResult {
  packets: number;
  bytes: number;
  traces: number;
}

/** When to stop: after this many packets, or once the file reaches this many bytes. */
export interface SynthLimit {
  packets?: number;
  bytes?: number;
}

/**
 * Writes packets replayed from the traces under `corpusDir` to `out` until
 * the limit. `onProgress` is called now and then with the packets written so far.
 */
export async function synthesize(
  out: string,
  corpusDir: string,
  limit: SynthLimit = { packets: DEFAULT_PACKETS },
  onProgress?: (n: number) => void,
): Promise<SynthResult> {
  const maxPackets = limit.packets ?? Infinity;
  const maxBytes = limit.bytes ?? Infinity;
  const traces: TraceTemplates[] = [];
  for (const path of corpusTraces(corpusDir)) {
    const t = await loadTemplates(path);
    if (t !== null) traces.push(t);
  }
  if (traces.length === 0) throw new Error(`no replayable Ethernet IP traces under ${corpusDir}`);
  const writer = new PcapWriter(out, { linktype: LINKTYPE_ETHERNET, snaplen: 262144, bufferBytes: 4 << 20 });
  let nextReplay = 1;
  // Lane i starts at trace i * (n / LANES), so the lanes replay different traces at any moment.
  const lanes: Lane[] = [];
  for (let i = 0; i < LANES; i++) lanes.push({ trace: Math.floor((i * traces.length) / LANES), index: 0, startUs: EPOCH_US, replay: nextReplay++ });
  const scratch = new Uint8Array(262144);
  let written = 0;
  while (written < maxPackets && writer.size < maxBytes) {
    let best = 0;
    let bestUs = Infinity;
    for (let i = 0; i < LANES; i++) {
      const lane = lanes[i];
      const us = lane.startUs + traces[lane.trace].packets[lane.index].relUs;
      if (us < bestUs) {
        bestUs = us;
        best = i;
      }
    }
    const lane = lanes[best];
    const trace = traces[lane.trace];
    const t = trace.packets[lane.index];
    const frame = scratch.subarray(0, t.bytes.length);
    rewrite(t, lane.replay, frame);
    writer.writeRecord(Math.floor(bestUs / 1e6), bestUs % 1e6, frame, 0, frame.length, t.wirelen);
    written++;
    if (onProgress && written % 1_000_000 === 0) onProgress(written);
    if (++lane.index === trace.packets.length) {
      lane.startUs += trace.durationUs + GAP_US;
      lane.trace = (lane.trace + 1) % traces.length;
      lane.index = 0;
      lane.replay = nextReplay++;
      if (nextReplay > 0xffff) nextReplay = 1;
    }
  }
  writer.close();
  return { packets: written, bytes: writer.bytesWritten, traces: traces.length };
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  const out = process.argv[2] ?? "bench/out/synthetic.pcap";
  const count = Number(process.argv[3] ?? DEFAULT_PACKETS);
  const corpus = join(process.env.BRONZE_CORPUS ?? "../shared/corpus", "zeek", "traces");
  const r = await synthesize(out, corpus, { packets: count }, (n) => process.stderr.write(`${n} packets\n`));
  process.stderr.write(`wrote ${out}: ${r.packets} packets, ${(r.bytes / 1e6).toFixed(1)} MB from ${r.traces} traces\n`);
}
