/**
 * Test helper for the event families: runs crafted packets through a real
 * Engine and records every event asked for, in handler order, with the
 * network time it ran at and a snapshot of the connection as the handler saw
 * it (records are refreshed in place later, so the snapshot is taken at once).
 */
import { Engine, type EngineOptions } from "../../src/engine.js";
import type { EventName } from "../../src/event/events.js";
import type { Connection, Weird } from "../../src/event/records.js";
import { memorySource, type TestPacket } from "../helpers/packets.js";
import { ZEEK_SEED } from "../session/harness.js";

/** What a connection looked like when an event about it ran. */
export interface ConnSnapshot {
  uid: string;
  orig: string;
  resp: string;
  history: string;
  origState: number;
  respState: number;
  origSize: number;
  respSize: number;
  origPkts: number | undefined;
  respPkts: number | undefined;
  duration: number;
}

export interface Recorded {
  name: string;
  /** Network time when the handler ran. */
  t: number;
  /** The connection argument's snapshot (for weird: its connection, if any). */
  c?: ConnSnapshot;
  /** The remaining arguments, as passed. */
  args: unknown[];
}

export function snapshot(c: Connection): ConnSnapshot {
  return {
    uid: c.uid,
    orig: `${c.id.orig_h}:${c.id.orig_p}`,
    resp: `${c.id.resp_h}:${c.id.resp_p}`,
    history: c.history,
    origState: c.orig.state,
    respState: c.resp.state,
    origSize: c.orig.size,
    respSize: c.resp.size,
    origPkts: c.orig.num_pkts,
    respPkts: c.resp.num_pkts,
    duration: c.duration,
  };
}

function isConnection(x: unknown): x is Connection {
  return typeof x === "object" && x !== null && "uid" in x && "orig" in x && "resp" in x;
}

export interface RecordOptions extends EngineOptions {
  /** Runs after the recording handlers are registered (extra handlers, settings). */
  setup?: (engine: Engine) => void;
}

export interface Recording {
  engine: Engine;
  events: Recorded[];
  /** "name" or "name uid" lines, the handy form for order assertions. */
  lines: string[];
}

/** Runs `packets` through a fresh engine (Zeek's seed unless told otherwise), recording `names`. */
export async function record(packets: TestPacket[], names: readonly EventName[], options: RecordOptions = {}): Promise<Recording> {
  const { setup, ...engineOptions } = options;
  const engine = new Engine({ seed: ZEEK_SEED, ...engineOptions });
  const events: Recorded[] = [];
  for (const name of names) {
    engine.on(name, ((...args: unknown[]) => {
      const first = args[0];
      if (name === "weird") {
        const w = first as Weird;
        events.push({ name, t: engine.clock.now, c: w.conn?.uid ? snapshot(w.conn) : undefined, args });
      } else if (isConnection(first)) {
        events.push({ name, t: engine.clock.now, c: snapshot(first), args: args.slice(1) });
      } else events.push({ name, t: engine.clock.now, args });
    }) as never);
  }
  setup?.(engine);
  await engine.run(memorySource(packets));
  const lines = events.map((e) => (e.name === "weird" ? `weird ${(e.args[0] as Weird).name}` : e.c ? `${e.name} ${e.c.uid}` : e.name));
  return { engine, events, lines };
}

/** The recorded events named `name`. */
export function only(events: readonly Recorded[], name: string): Recorded[] {
  return events.filter((e) => e.name === name);
}

/** Lines without the uid, for a trace with one connection. */
export function names(events: readonly Recorded[]): string[] {
  return events.map((e) => (e.name === "weird" ? `weird:${(e.args[0] as Weird).name}` : e.name));
}

/** Every connection-level event of the TCP life cycle (not per-packet ones). */
export const TCP_LIFECYCLE: readonly EventName[] = [
  "new_connection_contents",
  "new_connection",
  "connection_flipped",
  "connection_SYN_packet",
  "connection_established",
  "connection_first_ACK",
  "connection_attempt",
  "connection_rejected",
  "connection_reset",
  "connection_finished",
  "connection_half_finished",
  "partial_connection",
  "connection_EOF",
  "connection_pending",
  "connection_timeout",
  "connection_reused",
  "connection_state_remove",
];
