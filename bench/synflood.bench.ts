/**
 * Memory per connection under a SYN flood: BENCH_FLOOD (default 1,000,000)
 * SYNs from distinct sources within one second, so every connection is
 * half-open and alive at once (tcp_attempt_delay is 5 s). Heap (V8's heap
 * plus the storage of typed arrays, which lives outside it: the timer heap's
 * tables) is measured after full GCs before and after the flood, twice: with no handlers, and
 * with the built-in scripts writing conn.log and weird.log. Then packets
 * from 10 s later advance network time past the attempt timeout: the flood's
 * connections must be gone (connection_attempt, removal, a conn.log line
 * each) and the heap back near where it started.
 *
 * A third flood (no handlers) sends SYNs with the options real stacks (and
 * Mirai's SYN flood) put in: MSS, SACK permitted, timestamps, window scale.
 * The window scale sets up window tracking for both sides.
 *
 * The trace argument is not used: the SYNs are made in memory, one reused
 * 54-byte (74 with options) frame rewritten per packet with valid IPv4 and
 * TCP checksums (checksums are validated, as without -C).
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { Engine } from "../src/engine.js";
import { foldSum, internetChecksum, onesSum } from "../src/packet/checksum.js";
import { loadBuiltinScripts } from "../src/scripts/index.js";
import type { RawPacket } from "../src/source/raw-packet.js";
import { type BenchResult, since } from "./bench-api.js";
import { gc, settledHeapBytes } from "./heap.js";

export const name = "synflood-memory";

const ETH = 14;
const IP_LEN = 20;
const START_TS = 1_700_000_000;
/** MSS 1460, SACK permitted, timestamps, NOP, window scale 7 (20 bytes, as Linux sends them). */
export const SYN_OPTIONS = [2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7];

/** Ethernet + IPv4 + TCP SYN to 192.0.2.1:80; the source address, port and sequence are set per packet. */
export function synTemplate(options: number[]): Uint8Array {
  const tcpLen = 20 + options.length;
  const f = new Uint8Array(ETH + IP_LEN + tcpLen);
  f.set([0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2, 0x08, 0x00]);
  f.set([0x45, 0, 0, IP_LEN + tcpLen, 0, 0, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 0, 192, 0, 2, 1], ETH);
  f.set([0, 0, 0, 80, 0, 0, 0, 0, 0, 0, 0, 0, (tcpLen / 4) << 4, 0x02, 0xff, 0xff, 0, 0, 0, 0, ...options], ETH + IP_LEN);
  return f;
}

/** Rewrites `f` into SYN number `i`: source 10.a.b.c (distinct for 2^24 packets), port and sequence from `i`. */
export function makeSyn(f: Uint8Array, i: number): void {
  const ip = ETH;
  const tcp = ETH + IP_LEN;
  const tcpLen = f.length - tcp;
  f[ip + 13] = (i >>> 16) & 0xff;
  f[ip + 14] = (i >>> 8) & 0xff;
  f[ip + 15] = i & 0xff;
  f[ip + 10] = f[ip + 11] = 0;
  const ipSum = internetChecksum(f, ip, ip + IP_LEN);
  f[ip + 10] = ipSum >>> 8;
  f[ip + 11] = ipSum & 0xff;
  const sport = 1024 + (i % 60000);
  f[tcp] = sport >>> 8;
  f[tcp + 1] = sport & 0xff;
  const seq = Math.imul(i, 2654435761) >>> 0;
  f[tcp + 4] = seq >>> 24;
  f[tcp + 5] = (seq >>> 16) & 0xff;
  f[tcp + 6] = (seq >>> 8) & 0xff;
  f[tcp + 7] = seq & 0xff;
  f[tcp + 16] = f[tcp + 17] = 0;
  const pseudo = onesSum(f, ip + 12, ip + 20) + 6 + tcpLen;
  const tcpSum = ~foldSum(onesSum(f, tcp, tcp + tcpLen, pseudo)) & 0xffff;
  f[tcp + 16] = tcpSum >>> 8;
  f[tcp + 17] = tcpSum & 0xff;
}

interface FloodFigures {
  bytesPerConn: number;
  afterTimeoutBytesPerConn: number;
  concurrent: number;
  leftAfterTimeout: number;
  drainPackets: number;
  seconds: number;
}

function flood(n: number, withLogs: boolean, options: number[] = []): FloodFigures {
  const engine = new Engine({});
  let logRows = (): number => 0;
  if (withLogs) {
    const logdir = join("bench", "out", "logs-synflood");
    mkdirSync(logdir, { recursive: true });
    const scripts = loadBuiltinScripts(engine, { logdir });
    logRows = () => scripts.conn.rows;
  }
  const frame = synTemplate(options);
  const raw: RawPacket = { ts: 0, caplen: frame.length, wirelen: frame.length, linktype: 1, data: frame, offset: 0 };
  // One packet first, so what the engine sets up once (tables, the log files) is not counted per connection.
  makeSyn(frame, n);
  raw.ts = START_TS;
  engine.processPacket(raw);
  const before = settledHeapBytes();
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    makeSyn(frame, i);
    raw.ts = START_TS + i / n; // all within one second: every SYN is still waiting for its attempt timer
    engine.processPacket(raw);
  }
  const seconds = since(start);
  const concurrent = engine.sessions.connectionCount;
  const during = settledHeapBytes();
  // 10 s later: past tcp_attempt_delay (5 s). Like Zeek (max_timer_expires =
  // 300), the engine expires a bounded number of timers per packet, so the
  // flood drains while traffic goes on: one more host keeps retransmitting its
  // SYN until the flood's connections are gone.
  makeSyn(frame, n + 1);
  let drainPackets = 0;
  for (; drainPackets < n && engine.sessions.connectionCount > 2; drainPackets++) {
    raw.ts = START_TS + 11 + drainPackets * 1e-6;
    engine.processPacket(raw);
  }
  const leftAfterTimeout = engine.sessions.connectionCount;
  if (withLogs && logRows() < n) throw new Error(`only ${logRows()} conn.log rows after the attempt timeout`);
  const after = settledHeapBytes();
  engine.finish();
  return {
    bytesPerConn: (during - before) / n,
    afterTimeoutBytesPerConn: (after - before) / n,
    concurrent,
    leftAfterTimeout,
    drainPackets,
    seconds,
  };
}

export async function run(): Promise<BenchResult> {
  const n = Number(process.env.BENCH_FLOOD ?? 1_000_000);
  const bare = flood(n, false);
  gc();
  const logged = flood(n, true);
  gc();
  const withOptions = flood(n, false, SYN_OPTIONS);
  return {
    packets: n,
    seconds: logged.seconds,
    extra: {
      concurrent: logged.concurrent,
      "B/conn bare": Math.round(bare.bytesPerConn),
      "B/conn conn.log": Math.round(logged.bytesPerConn),
      "B/conn SYN options": Math.round(withOptions.bytesPerConn),
      "left after timeout": `${bare.leftAfterTimeout}/${logged.leftAfterTimeout}/${withOptions.leftAfterTimeout}`,
      "packets to drain": logged.drainPackets,
      "B/conn after timeout": [bare, logged, withOptions].map((f) => f.afterTimeoutBytesPerConn.toFixed(1)).join("/"),
    },
  };
}
