/**
 * Small TCP conversations for the protocol tests (SOCKS, MySQL, RFB, RDP,
 * FTP, IRC, the mail protocols, HTTP): each step one segment from the client or the server (acked as it
 * goes), run through a real engine with the built-in scripts in memory;
 * the logs as rows, the events the test asked for, and the violations.
 * `fuzzProtocol` mutates such conversations and checks that no analyzer
 * throws (an exception out of an analyzer shows as an "analyzer error"
 * violation) and no handler does.
 */
import assert from "node:assert/strict";
import { Engine, type EngineOptions } from "../../../src/engine.js";
import type { EventName } from "../../../src/event/events.js";
import { loadBuiltinScripts } from "../../../src/index.js";
import type { EngineSettings } from "../../../src/options.js";
import { runChecked } from "../../helpers/fuzz.js";
import { memorySource, type TestPacket } from "../../helpers/packets.js";
import { rng } from "../../helpers/rng.js";
import type { Seg } from "../../session/harness.js";
import { tcpTrace, udpPacket } from "../../session/harness.js";

export type Bytes = string | Uint8Array | number[];
export type Step = ["c" | "s", Bytes];
/** A step at a time of its own (seconds). */
export type TimedStep = [number, "c" | "s", Bytes];
/** Bytes one side sent that nobody saw (the peer acks them): a content gap. */
export type GapStep = ["gap-c" | "gap-s", number];

export function bytes(b: Bytes): Uint8Array {
  if (typeof b === "string") return Buffer.from(b, "latin1");
  return b instanceof Uint8Array ? b : Uint8Array.from(b);
}

export function concat(...parts: Bytes[]): Uint8Array {
  return Buffer.concat(parts.map((p) => bytes(p)));
}

/** How `segments` lays out a conversation (defaults: the SOCKS/MySQL/RFB/RDP tests'). */
export interface SegmentOptions {
  /** Spacing of the handshake's and the FINs' segments (0.01). */
  tick?: number;
  /** How long after a data segment its ack comes (0.001). */
  ackDelay?: number;
  /** When the first FIN goes (a second after the last step). */
  end?: number;
  /** The server acks the client's data too (only the client acks, by default). */
  ackClient?: boolean;
  /** Client data goes in segments of at most this many bytes (one segment a step, by default). */
  mss?: number;
}

/**
 * Handshake at t0, the steps, FINs. Untimed steps come 0.01 s apart from
 * t0 + 1 (a gap step takes its slot too); timed steps at their own time.
 */
export function segments(steps: readonly (Step | TimedStep | GapStep)[], t0 = 0, opts: SegmentOptions = {}): Seg[] {
  const tick = opts.tick ?? 0.01;
  const ackDelay = opts.ackDelay ?? 0.001;
  const segs: Seg[] = [
    { t: t0, from: "c", flags: "S", seq: 1000 },
    { t: t0 + tick, from: "s", flags: "SA", seq: 5000, ack: 1001 },
    { t: t0 + 2 * tick, from: "c", flags: "A", seq: 1001, ack: 5001 },
  ];
  let cseq = 1001;
  let sseq = 5001;
  let t = t0 + 1;
  for (const step of steps) {
    if (typeof step[0] === "number") t = step[0];
    else t += 0.01;
    let from: "c" | "s";
    let payload: Bytes;
    if (step.length === 3) [, from, payload] = step;
    else if (step[0] === "gap-c" || step[0] === "gap-s") {
      if (step[0] === "gap-c") cseq += step[1];
      else sseq += step[1];
      continue;
    } else [from, payload] = step as Step;
    const data = bytes(payload);
    if (from === "c") {
      const mss = opts.mss ?? Number.POSITIVE_INFINITY;
      let at = 0;
      do {
        const piece = data.subarray(at, at + mss);
        segs.push({ t, from: "c", flags: "PA", seq: cseq, ack: sseq, payload: piece });
        cseq += piece.length;
        at += mss;
      } while (at < data.length);
      if (opts.ackClient) segs.push({ t: t + ackDelay, from: "s", flags: "A", seq: sseq, ack: cseq });
    } else {
      segs.push({ t, from: "s", flags: "PA", seq: sseq, ack: cseq, payload: data });
      sseq += data.length;
      segs.push({ t: t + ackDelay, from: "c", flags: "A", seq: cseq, ack: sseq });
    }
  }
  const end = opts.end ?? t + 1;
  segs.push({ t: end, from: "c", flags: "FA", seq: cseq, ack: sseq });
  segs.push({ t: end + tick, from: "s", flags: "FA", seq: sseq, ack: cseq + 1 });
  segs.push({ t: end + 2 * tick, from: "c", flags: "A", seq: cseq + 1, ack: sseq + 1 });
  return segs;
}

export interface RunResult {
  /** A log's rows (columns split). */
  log(path: string): string[][];
  /** The raised events the test listed, as "name arg1 arg2…" (JSON for objects). */
  events: string[];
  /** Violations: "ANALYZER reason". */
  violations: string[];
}

/** A log's text as rows (columns split), header lines dropped. */
export function rows(text: string): string[][] {
  return text
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => l.split("\t"));
}

function argText(a: unknown): string {
  if (typeof a === "object" && a !== null && "uid" in a) return "c";
  if (typeof a === "object" && a !== null && "aid" in a) return JSON.stringify({ ...a, c: undefined });
  if (a instanceof Set) return JSON.stringify([...a]);
  return typeof a === "string" ? JSON.stringify(a) : JSON.stringify(a, (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v));
}

export interface RunOptions {
  sport?: number;
  cport?: number;
  settings?: Partial<EngineSettings>;
  watch?: EventName[];
  /** Zeek script names loaded besides the defaults (policy scripts). */
  loads?: string[];
  /** An analyzer registered for `sport` first (Analyzer::register_for_port: Telnet, Rlogin, Rsh, Gnutella have no port). */
  register?: string;
  /** How the conversation is cut into segments (large steps want an mss). */
  segments?: SegmentOptions;
  /** Zeek built with Spicy (EngineOptions.spicy): its Spicy analyzers run. */
  spicy?: boolean;
}

async function runPackets(packets: TestPacket[], opts: RunOptions): Promise<RunResult> {
  const engine = new Engine({ settings: opts.settings, spicy: opts.spicy });
  if (opts.register !== undefined) assert.ok(engine.registerForPort(opts.register, opts.sport ?? 80));
  const scripts = loadBuiltinScripts(engine, { memory: true, loads: opts.loads });
  const events: string[] = [];
  const violations: string[] = [];
  engine.on("analyzer_violation_info", (atype, info) => {
    if (atype !== "HTTP" || opts.sport !== 1080) violations.push(`${atype} ${info.reason}`);
  });
  for (const name of opts.watch ?? []) engine.on(name, ((...args: unknown[]) => events.push([name, ...args.map(argText)].join(" "))) as never);
  await engine.run(memorySource(packets));
  return { log: (p) => rows(scripts.logs.text(p)), events, violations };
}

export function runTcp(steps: readonly (Step | GapStep)[], opts: RunOptions = {}): Promise<RunResult> {
  return runPackets(tcpTrace(segments(steps, 0, opts.segments), { sport: opts.sport ?? 80, cport: opts.cport ?? 40000 }), opts);
}

/** UDP datagrams between 10.0.0.1:cport and 192.0.2.10:sport. */
export function runUdp(steps: Step[], opts: RunOptions = {}): Promise<RunResult> {
  const cport = opts.cport ?? 40000;
  const sport = opts.sport ?? 53;
  const packets = steps.map(([from, b], i) =>
    from === "c"
      ? udpPacket(1 + i * 0.01, "10.0.0.1", cport, "192.0.2.10", sport, bytes(b))
      : udpPacket(1 + i * 0.01, "192.0.2.10", sport, "10.0.0.1", cport, bytes(b)),
  );
  return runPackets(packets, opts);
}

function mutate(b: Uint8Array, r: () => number): Uint8Array {
  let out = Buffer.from(b);
  const n = Math.floor(r() * 5);
  for (let i = 0; i < n; i++) {
    const at = Math.floor(r() * Math.max(1, out.length));
    switch (Math.floor(r() * 4)) {
      case 0:
        if (out.length > 0) out[at] = Math.floor(r() * 256);
        break;
      case 1:
        out = out.subarray(0, at);
        break;
      case 2:
        out = Buffer.concat([out.subarray(0, at), Buffer.from([0xff, 0xff, 0xff, 0x7f].slice(0, 1 + Math.floor(r() * 4))), out.subarray(at)]);
        break;
      default:
        out = Buffer.concat([out.subarray(0, at), out.subarray(at, at + 30), out.subarray(at)]);
    }
  }
  return out;
}

/**
 * Mutated copies of `conversations` (each step mutated, split at random
 * points, sometimes dropped) on port `sport`, every event handled: no
 * analyzer or handler may throw, every connection is removed once.
 */
export async function fuzzProtocol(
  conversations: Step[][],
  sport: number,
  seed: number,
  rounds = 3,
  perRound = 30,
  udp = false,
  register?: string,
): Promise<void> {
  const r = rng(seed);
  const setup = register === undefined ? undefined : (engine: Engine) => assert.ok(engine.registerForPort(register, sport, udp ? "udp" : "tcp"));
  await fuzzRounds(
    rounds,
    (round) => {
      const packets: TestPacket[] = [];
      for (let i = 0; i < perRound; i++) {
        const base = conversations[Math.floor(r() * conversations.length)]!;
        const steps: Step[] = [];
        for (const [from, b] of base) {
          if (r() < 0.05) continue;
          const m = mutate(bytes(b), r);
          // Split some messages over several segments (binpac-style parsers see chunks).
          if (m.length > 2 && r() < 0.3) {
            const cut = 1 + Math.floor(r() * (m.length - 1));
            steps.push([from, m.subarray(0, cut)], [from, m.subarray(cut)]);
          } else steps.push([from, m]);
        }
        const cport = 20000 + round * 1000 + i;
        if (udp) {
          steps.forEach(([from, b], k) => {
            const t = 10 + i + k * 0.001;
            packets.push(
              from === "c" ? udpPacket(t, "10.0.0.1", cport, "192.0.2.10", sport, bytes(b)) : udpPacket(t, "192.0.2.10", sport, "10.0.0.1", cport, bytes(b)),
            );
          });
        } else packets.push(...tcpTrace(segments(steps, 10 + i), { sport, cport }));
      }
      return packets;
    },
    0,
    setup,
  );
}

/**
 * The fuzz tests' rounds: each a fresh engine with the built-in scripts in
 * memory, run over the packets `packetsFor(round)` makes (sorted by time),
 * every event handled; no analyzer ("analyzer error" violation) or handler
 * may throw, and at least `minConns` connections must have been made;
 * `setup` prepares each engine (registers an analyzer for a port), made
 * with `options` (`{ spicy: true }` for Zeek's Spicy analyzers).
 */
export async function fuzzRounds(
  rounds: number,
  packetsFor: (round: number) => TestPacket[],
  minConns = 0,
  setup?: (engine: Engine) => void,
  options: EngineOptions = {},
): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    const engine = new Engine(options);
    setup?.(engine);
    loadBuiltinScripts(engine, { memory: true });
    const errors: string[] = [];
    engine.on("analyzer_violation_info", (_a, info) => {
      if (info.reason.includes("analyzer error")) errors.push(info.reason);
    });
    const packets = packetsFor(round);
    packets.sort((a, b) => a.ts - b.ts);
    const created = await runChecked(engine, packets, round % 2 === 0);
    assert.ok(created >= minConns);
    assert.deepEqual(errors, []);
  }
}

/**
 * Forty conversations on port `sport` made of a grammar's tokens: each step
 * one of `pieces` (a byte of some changed at random), from the client with
 * probability `clientShare`. For fuzzing parsers by what they look for.
 */
export function pieceConversations(r: () => number, pieces: readonly Bytes[], sport: number, round: number, clientShare: number): TestPacket[] {
  const packets: TestPacket[] = [];
  for (let i = 0; i < 40; i++) {
    const steps: Step[] = [];
    for (let k = Math.floor(r() * 8); k >= 0; k--) {
      const b = Buffer.from(concat(pieces[Math.floor(r() * pieces.length)]!));
      if (b.length > 0 && r() < 0.3) b[Math.floor(r() * b.length)] = Math.floor(r() * 256);
      steps.push([r() < clientShare ? "c" : "s", b]);
    }
    packets.push(...tcpTrace(segments(steps, 10 + i), { sport, cport: 30000 + round * 100 + i }));
  }
  return packets;
}

const be16 = (v: number): number[] => [(v >> 8) & 0xff, v & 0xff];

/** A TLS 1.2 ClientHello and ServerHello, each in its handshake record (enough for the SSL analyzer to confirm). */
export function tlsHellos(): [Uint8Array, Uint8Array] {
  const hs = (type: number, body: Uint8Array): Uint8Array => concat([type, 0, ...be16(body.length)], body);
  const rec = (body: Uint8Array): Uint8Array => concat([22, 3, 3, ...be16(body.length)], body);
  const client = hs(1, concat(be16(0x0303), new Uint8Array(32).fill(1), [0], be16(2), be16(0x002f), [1, 0], be16(0)));
  const server = hs(2, concat(be16(0x0303), new Uint8Array(32).fill(2), [0], be16(0x002f), [0], be16(0)));
  return [rec(client), rec(server)];
}
