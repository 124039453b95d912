/**
 * Test harness for the session layer and transport analyzers: builds small
 * TCP/UDP/ICMP conversations with the packet builder, runs them through a
 * real Engine with Zeek's corpus seed (so uids are Zeek's), and records what
 * handlers saw: the event sequence and, for every removed connection, its
 * final record and conn_state.
 */
import { Engine, type EngineOptions } from "../../src/engine.js";
import type { EventName } from "../../src/event/events.js";
import type { Connection } from "../../src/event/records.js";
import { connState } from "../../src/scripts/conn-state.js";
import { frame, icmp4, memorySource, type TestPacket, tcp4, udp4 } from "../helpers/packets.js";

/** Zeek's btest seed key (words 16–19 of testing/btest/random.seed), so uids match the baselines. */
export const ZEEK_SEED = [
  2983378351, 1299727368, 0, 310447, 0, 1409073626, 3975311262, 34130240, 1450515018, 1466150520, 1342286698, 1193956778, 2188527278, 3361989254, 3912865238,
  3596260151, 517973768, 1462428821, 0, 2278350848, 32767,
];

export const CLIENT = "10.0.0.1";
export const SERVER = "192.0.2.10";

/** One TCP segment of a conversation between CLIENT:cport and SERVER:sport. */
export interface Seg {
  t: number;
  /** "c" = from the client, "s" = from the server. */
  from: "c" | "s";
  flags: string;
  seq: number;
  ack?: number;
  payload?: string | number | Uint8Array;
  win?: number;
  options?: number[];
  checksum?: "good" | "bad";
  /** IPv4 identification (default 0). */
  ipId?: number;
}

export interface Endpoints {
  client?: string;
  server?: string;
  cport?: number;
  sport?: number;
}

function payloadOf(p: string | number | Uint8Array | undefined): string | Uint8Array {
  if (p === undefined) return "";
  if (p instanceof Uint8Array) return p;
  return typeof p === "number" ? new Uint8Array(p).fill(0x61) : p;
}

/** Ethernet frames for a TCP conversation. */
export function tcpTrace(segs: Seg[], ends: Endpoints = {}): TestPacket[] {
  const client = ends.client ?? CLIENT;
  const server = ends.server ?? SERVER;
  const cport = ends.cport ?? 40000;
  const sport = ends.sport ?? 80;
  return segs.map((s) => {
    const fromClient = s.from === "c";
    const ip = { src: fromClient ? client : server, dst: fromClient ? server : client, id: s.ipId ?? 0 };
    const seg = {
      sport: fromClient ? cport : sport,
      dport: fromClient ? sport : cport,
      seq: s.seq >>> 0,
      ack: (s.ack ?? 0) >>> 0,
      flags: s.flags,
      win: s.win ?? 8192,
      options: s.options,
      payload: payloadOf(s.payload),
      checksum: s.checksum ?? "good",
    };
    return { ts: s.t, bytes: frame(tcp4(ip, seg)) };
  });
}

/** One UDP datagram. */
export function udpPacket(
  t: number,
  src: string,
  sport: number,
  dst: string,
  dport: number,
  payload: string | number | Uint8Array = "",
  checksum: "good" | "bad" = "good",
): TestPacket {
  return { ts: t, bytes: frame(udp4({ src, dst }, { sport, dport, payload: payloadOf(payload), checksum })) };
}

/** One ICMPv4 message. */
export function icmpPacket(t: number, src: string, dst: string, type: number, code = 0, payload: string | number = ""): TestPacket {
  return { ts: t, bytes: frame(icmp4({ src, dst }, { type, code, payload: payloadOf(payload) })) };
}

/** What a removed connection looked like at connection_state_remove. */
export interface Removed {
  uid: string;
  orig: string;
  resp: string;
  state: string;
  history: string;
  origBytes: number;
  respBytes: number;
  origPkts: number | undefined;
  respPkts: number | undefined;
  origIpBytes: number | undefined;
  respIpBytes: number | undefined;
  duration: number;
  /** Network time when it was removed. */
  at: number;
  /** The connection event queued just before connection_state_remove (why it went). */
  cause: string;
}

export interface RunResult {
  engine: Engine;
  removed: Removed[];
  /** "event uid" lines, in handler order, for the connection events listed in `watch`. */
  events: string[];
  weirds: string[];
}

const CONN_EVENTS: EventName[] = [
  "new_connection",
  "connection_flipped",
  "connection_established",
  "connection_first_ACK",
  "connection_attempt",
  "connection_rejected",
  "connection_reset",
  "connection_finished",
  "connection_half_finished",
  "connection_pending",
  "partial_connection",
  "connection_EOF",
  "connection_timeout",
  "connection_reused",
  "content_gap",
  "udp_request",
  "udp_reply",
  "udp_session_done",
  "connection_partial_close",
];

function snapshot(c: Connection, at: number, cause: string): Removed {
  return {
    uid: c.uid,
    orig: `${c.id.orig_h}:${c.id.orig_p}`,
    resp: `${c.id.resp_h}:${c.id.resp_p}`,
    state: connState(c),
    history: c.history,
    origBytes: c.orig.size,
    respBytes: c.resp.size,
    origPkts: c.orig.num_pkts,
    respPkts: c.resp.num_pkts,
    origIpBytes: c.orig.num_bytes_ip,
    respIpBytes: c.resp.num_bytes_ip,
    duration: c.duration,
    at,
    cause,
  };
}

/** Runs `packets` through a fresh engine (Zeek's seed, default scripts' facts unless told otherwise). */
export async function run(packets: TestPacket[], options: EngineOptions = {}, setup?: (e: Engine) => void): Promise<RunResult> {
  const engine = new Engine({ seed: ZEEK_SEED, ...options });
  const removed: Removed[] = [];
  const events: string[] = [];
  const weirds: string[] = [];
  const last = new Map<string, string>();
  for (const name of CONN_EVENTS) {
    engine.on(name, ((c: Connection, ...rest: unknown[]) => {
      const extra = name === "content_gap" || name === "connection_EOF" ? ` ${rest.map(String).join(" ")}` : "";
      events.push(`${name} ${c.uid}${extra}`);
      last.set(c.uid, name);
    }) as never);
  }
  engine.on("weird", (w) => weirds.push(w.name));
  engine.on("connection_state_remove", (c) => {
    events.push(`connection_state_remove ${c.uid}`);
    removed.push(snapshot(c, engine.clock.now, last.get(c.uid) ?? ""));
  });
  setup?.(engine);
  await engine.run(memorySource(packets));
  return { engine, removed, events, weirds };
}

/** A normal handshake at t0 between CLIENT:40000 and SERVER:80 (ISNs 1000 and 5000). */
export function handshake(t0: number): Seg[] {
  return [
    { t: t0, from: "c", flags: "S", seq: 1000 },
    { t: t0 + 0.01, from: "s", flags: "SA", seq: 5000, ack: 1001 },
    { t: t0 + 0.02, from: "c", flags: "A", seq: 1001, ack: 5001 },
  ];
}
