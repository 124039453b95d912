/**
 * Zeek's base/protocols/conn/thresholds (ConnThreshold): any number of byte
 * and packet thresholds per side, and duration thresholds, on a connection.
 * The engine watches one of each (set_current_conn_*_threshold,
 * Engine.setConnThreshold): the script keeps the sets and gives the engine
 * the smallest of each; when the engine says it was crossed, the threshold
 * leaves its set, ConnThreshold::*_threshold_crossed is raised, and the
 * next smallest is watched. Deleting a threshold watches the smallest
 * left, or none (0), so a connection whose thresholds are all deleted
 * raises nothing.
 */
import { registerEvents } from "../event/events.js";
import type { Connection } from "../event/records.js";
import type { ThresholdKind } from "../session/connection.js";
import type { AnalyzerScriptHost } from "./host.js";

export interface ConnThresholdEvents {
  /** A byte threshold set with set_bytes_threshold was reached by the side's IP bytes. */
  "ConnThreshold::bytes_threshold_crossed": [c: Connection, threshold: number, is_orig: boolean];
  /** A packet threshold set with set_packets_threshold was reached by the side's packets. */
  "ConnThreshold::packets_threshold_crossed": [c: Connection, threshold: number, is_orig: boolean];
  /** A duration threshold (seconds) set with set_duration_threshold was passed. */
  "ConnThreshold::duration_threshold_crossed": [c: Connection, threshold: number, is_orig: boolean];
}
declare module "../event/events.js" {
  interface EventMap extends ConnThresholdEvents {}
}

/** What the script needs of the engine: its handlers, events, and the one threshold of each kind it watches. */
export type ThresholdHost = Pick<AnalyzerScriptHost, "on" | "raise" | "setConnThreshold"> & {
  /** get_current_conn_*_threshold (Engine.connThreshold). */
  connThreshold(c: Connection, kind: ThresholdKind, isOrig?: boolean): number;
};

/** c$thresholds: the thresholds of each kind and side (duration's under the originator). */
type Sets = Record<`${ThresholdKind}:${"orig" | "resp"}`, Set<number>>;

/** The script's event of each kind. */
const EVENTS = {
  bytes: "ConnThreshold::bytes_threshold_crossed",
  packets: "ConnThreshold::packets_threshold_crossed",
  duration: "ConnThreshold::duration_threshold_crossed",
} as const satisfies Record<ThresholdKind, keyof ConnThresholdEvents>;
registerEvents<ConnThresholdEvents>({ [EVENTS.bytes]: true, [EVENTS.packets]: true, [EVENTS.duration]: true });

/** A side's key in Sets; duration thresholds have no side. */
const key = (kind: ThresholdKind, isOrig: boolean): keyof Sets => `${kind}:${kind === "duration" || isOrig ? "orig" : "resp"}`;

export class ConnThresholds {
  private readonly sets = new WeakMap<Connection, Sets>();

  constructor(private readonly host: ThresholdHost) {
    // The script's handlers of the engine's events, at priority 5 (before the scripts' own).
    host.on("conn_bytes_threshold_crossed", (c, t, isOrig) => this.crossed(c, "bytes", t, isOrig), { priority: 5 });
    host.on("conn_packets_threshold_crossed", (c, t, isOrig) => this.crossed(c, "packets", t, isOrig), { priority: 5 });
    host.on("conn_duration_threshold_crossed", (c, t, isOrig) => this.crossed(c, "duration", t, isOrig), { priority: 5 });
  }

  /** ConnThreshold::set_bytes_threshold, set_packets_threshold and set_duration_threshold: false for 0, else whether the engine took it. */
  set(c: Connection, kind: ThresholdKind, threshold: number, isOrig = true): boolean {
    const sets = this.of(c);
    if (threshold === 0) return false;
    sets[key(kind, isOrig)].add(threshold);
    return this.watchSmallest(c, sets, kind, isOrig);
  }

  /** ConnThreshold::delete_bytes_threshold and friends: whether the threshold was set. */
  delete(c: Connection, kind: ThresholdKind, threshold: number, isOrig = true): boolean {
    const sets = this.of(c);
    if (!sets[key(kind, isOrig)].delete(threshold)) return false;
    this.watchSmallest(c, sets, kind, isOrig);
    return true;
  }

  /** set_conn: c$thresholds, made empty on first use. */
  private of(c: Connection): Sets {
    let sets = this.sets.get(c);
    if (sets === undefined) {
      const kinds = ["bytes:orig", "bytes:resp", "packets:orig", "packets:resp", "duration:orig", "duration:resp"] as const;
      sets = Object.fromEntries(kinds.map((k) => [k, new Set<number>()])) as Sets;
      this.sets.set(c, sets);
    }
    return sets;
  }

  /** set_current_threshold: the engine watches the smallest threshold of the set (0: none), told only when that changes. */
  private watchSmallest(c: Connection, sets: Sets, kind: ThresholdKind, isOrig: boolean): boolean {
    const set = sets[key(kind, isOrig)];
    const smallest = set.size === 0 ? 0 : Math.min(...set);
    if (smallest === this.host.connThreshold(c, kind, isOrig)) return true;
    return this.host.setConnThreshold(c, kind, smallest, isOrig);
  }

  /** The engine's threshold was crossed: the script's event if it was one of the set's, then the next one watched. */
  private crossed(c: Connection, kind: ThresholdKind, threshold: number, isOrig: boolean): void {
    const sets = this.sets.get(c);
    if (sets === undefined) return;
    if (sets[key(kind, isOrig)].delete(threshold)) this.host.raise(EVENTS[kind], c, threshold, isOrig);
    this.watchSmallest(c, sets, kind, isOrig);
  }
}

const scripts = new WeakMap<ThresholdHost, ConnThresholds>();

/** The ConnThreshold script of `host` (the engine), its handlers registered on first use. */
export function connThresholds(host: ThresholdHost): ConnThresholds {
  let s = scripts.get(host);
  if (s === undefined) scripts.set(host, (s = new ConnThresholds(host)));
  return s;
}
