/**
 * DNS-heavy traffic and a DNS query flood, made in memory (the trace argument
 * is not used):
 *
 * - throughput: BENCH_DNS (default 200,000) exchanges of one A query and its
 *   two-answer reply, each from its own client port, 10,000 exchanges per
 *   second of network time; packets/s with conn.log + dns.log written, and
 *   the same without scripts, and the same traffic on a port no analyzer
 *   takes (conn.log only; no scripts) beside them;
 * - flood: BENCH_DNS_FLOOD (default 1,000,000) queries with distinct
 *   transaction ids and no replies, from distinct sources at 20,000 per
 *   second, then one flow of as many distinct ids: live flows stay bounded by
 *   the 10 s DNS expiry (each unanswered query becomes a dns.log row when its
 *   flow expires), one flow's waiting queries by DNS::max_pending_query_ids,
 *   and the heap after the flood is back near where it started.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { Engine } from "../src/engine.js";
import { internetChecksum } from "../src/packet/checksum.js";
import { loadBuiltinScripts } from "../src/scripts/index.js";
import type { RawPacket } from "../src/source/raw-packet.js";
import { type BenchResult, since } from "./bench-api.js";
import { gc, settledHeapBytes } from "./heap.js";

export const name = "dns";

const ETH = 14;
const IP = 20;
const UDP = 8;
const START_TS = 1_700_000_000;
const QNAME = [7, ..."example".split("").map((c) => c.charCodeAt(0)), 3, 0x63, 0x6f, 0x6d, 0];

function query(id: number): number[] {
  return [id >> 8, id & 0xff, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, ...QNAME, 0, 1, 0, 1];
}

function reply(id: number): number[] {
  const a = (last: number) => [0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 93, 184, 216, last];
  return [id >> 8, id & 0xff, 0x81, 0x80, 0, 1, 0, 2, 0, 0, 0, 0, ...QNAME, 0, 1, 0, 1, ...a(34), ...a(35)];
}

/** An Ethernet/IPv4/UDP frame around `payload` (UDP checksum 0: none, valid in IPv4). */
function frame(src: number, sport: number, dst: number, dport: number, payload: number[]): Uint8Array {
  const f = new Uint8Array(ETH + IP + UDP + payload.length);
  f.set([0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2, 0x08, 0x00]);
  const total = IP + UDP + payload.length;
  f.set([0x45, 0, total >> 8, total & 0xff, 0, 0, 0x40, 0, 64, 17, 0, 0], ETH);
  f.set([src >>> 24, (src >>> 16) & 0xff, (src >>> 8) & 0xff, src & 0xff, dst >>> 24, (dst >>> 16) & 0xff, (dst >>> 8) & 0xff, dst & 0xff], ETH + 12);
  const sum = internetChecksum(f, ETH, ETH + IP);
  f[ETH + 10] = sum >>> 8;
  f[ETH + 11] = sum & 0xff;
  const ulen = UDP + payload.length;
  f.set([sport >> 8, sport & 0xff, dport >> 8, dport & 0xff, ulen >> 8, ulen & 0xff, 0, 0, ...payload], ETH + IP);
  return f;
}

/** Sets the UDP source (or destination) port of a built frame, so one frame serves many flows. */
function setPort(f: Uint8Array, at: 0 | 2, port: number): void {
  f[ETH + IP + at] = port >> 8;
  f[ETH + IP + at + 1] = port & 0xff;
}

/** Sets the IPv4 source address and fixes the header checksum. */
function setSource(f: Uint8Array, src: number): void {
  f.set([src >>> 24, (src >>> 16) & 0xff, (src >>> 8) & 0xff, src & 0xff], ETH + 12);
  f[ETH + 10] = f[ETH + 11] = 0;
  const sum = internetChecksum(f, ETH, ETH + IP);
  f[ETH + 10] = sum >>> 8;
  f[ETH + 11] = sum & 0xff;
}

const CLIENT = 0x0a000001;
const SERVER = 0x0a000035;

export function exchanges(n: number, port: number, withLogs: boolean): { seconds: number; packets: number } {
  const engine = new Engine({});
  const logdir = join("bench", "out", `logs-dns-${port}`);
  mkdirSync(logdir, { recursive: true });
  const scripts = withLogs ? loadBuiltinScripts(engine, { logdir }) : null;
  const q = frame(CLIENT, 0, SERVER, port, query(0x1234));
  const r = frame(SERVER, port, CLIENT, 0, reply(0x1234));
  const raw: RawPacket = { ts: 0, caplen: 0, wirelen: 0, linktype: 1, data: q, offset: 0 };
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    const cport = 1024 + (i % 64000);
    setPort(q, 0, cport);
    setPort(r, 2, cport);
    raw.data = q;
    raw.caplen = raw.wirelen = q.length;
    raw.ts = START_TS + i / 10_000;
    engine.processPacket(raw);
    raw.data = r;
    raw.caplen = raw.wirelen = r.length;
    raw.ts += 0.00005;
    engine.processPacket(raw);
  }
  engine.finish();
  const seconds = since(start);
  scripts?.close();
  return { seconds, packets: 2 * n };
}

interface FloodFigures {
  seconds: number;
  peakFlows: number;
  peakBytes: number;
  afterBytes: number;
  drainPackets: number;
  left: number;
}

/** `n` unanswered queries with distinct ids: from distinct sources (`oneFlow` false) or all in one flow. */
function flood(n: number, oneFlow: boolean): FloodFigures {
  const engine = new Engine({});
  const logdir = join("bench", "out", "logs-dns-flood");
  mkdirSync(logdir, { recursive: true });
  const scripts = loadBuiltinScripts(engine, { logdir });
  const q = frame(CLIENT, 40000, SERVER, 53, query(0));
  const raw: RawPacket = { ts: START_TS, caplen: q.length, wirelen: q.length, linktype: 1, data: q, offset: 0 };
  engine.processPacket(raw);
  const before = settledHeapBytes();
  let peakFlows = 0;
  const start = performance.now();
  const rate = oneFlow ? 100_000 : 20_000;
  for (let i = 0; i < n; i++) {
    const id = i & 0xffff;
    q[ETH + IP + UDP] = id >> 8;
    q[ETH + IP + UDP + 1] = id & 0xff;
    if (!oneFlow) {
      setSource(q, 0x0b000000 + (i >>> 14));
      setPort(q, 0, 1024 + (i & 0x3fff));
    }
    raw.ts = START_TS + 1 + i / rate;
    engine.processPacket(raw);
    if ((i & 0xfff) === 0) peakFlows = Math.max(peakFlows, engine.sessions.connectionCount);
  }
  const seconds = since(start);
  const peakBytes = settledHeapBytes() - before;
  // Later, quiet: another host's queries, one every millisecond. The engine
  // expires a bounded number of timers per packet (as Zeek), so the flood's
  // flows drain while this traffic goes on.
  setSource(q, 0x0c000001);
  setPort(q, 0, 999);
  let drainPackets = 0;
  for (; drainPackets < n && engine.sessions.connectionCount > 2; drainPackets++) {
    raw.ts = START_TS + 12 + n / rate + drainPackets / 1000;
    engine.processPacket(raw);
  }
  const afterBytes = settledHeapBytes() - before;
  const left = engine.sessions.connectionCount;
  engine.finish();
  scripts.close();
  return { seconds, peakFlows, peakBytes, afterBytes, drainPackets, left };
}

export async function run(): Promise<BenchResult> {
  const n = Number(process.env.BENCH_DNS ?? 200_000);
  const dnsLogged = exchanges(n, 53, true);
  gc();
  const dnsBare = exchanges(n, 53, false);
  gc();
  const connOnly = exchanges(n, 5300, true);
  gc();
  const connBare = exchanges(n, 5300, false);
  gc();
  const f = Number(process.env.BENCH_DNS_FLOOD ?? 1_000_000);
  const spread = flood(f, false);
  gc();
  const single = flood(f, true);
  const mb = (b: number) => (b / 1048576).toFixed(1);
  return {
    packets: dnsLogged.packets,
    seconds: dnsLogged.seconds,
    extra: {
      "pkt/s dns+conn logs": Math.round(dnsLogged.packets / dnsLogged.seconds),
      "pkt/s dns no scripts": Math.round(dnsBare.packets / dnsBare.seconds),
      "pkt/s conn.log only (port 5300)": Math.round(connOnly.packets / connOnly.seconds),
      "pkt/s no analyzer, no scripts (port 5300)": Math.round(connBare.packets / connBare.seconds),
      "flood queries": f,
      "flood spread: peak flows": spread.peakFlows,
      "flood spread: peak MB": mb(spread.peakBytes),
      "flood spread: MB after expiry": mb(spread.afterBytes),
      "flood spread: flows left, drain packets": `${spread.left}, ${spread.drainPackets}`,
      "flood one flow: peak MB": mb(single.peakBytes),
      "flood one flow: MB after expiry": mb(single.afterBytes),
      "flood q/s (spread, one flow)": `${Math.round(f / spread.seconds)}, ${Math.round(f / single.seconds)}`,
    },
  };
}
