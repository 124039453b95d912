/**
 * ConnSize's generic packet threshold event (Zeek's conn-size events.bif),
 * raised from the connection's packet counting (connection.ts). The byte,
 * packet and duration threshold events are in src/event/events.ts.
 */
import { registerEvents } from "../event/events.js";
import type { Connection } from "../event/records.js";

export interface ConnSizeEvents {
  /**
   * The connection's packets, both directions together, reached one of
   * ConnThreshold::generic_packet_thresholds (exactly that count; then the
   * next larger one is watched).
   */
  conn_generic_packet_threshold_crossed: [c: Connection, threshold: number];
}

declare module "../event/events.js" {
  interface EventMap extends ConnSizeEvents {}
}

registerEvents<ConnSizeEvents>({ conn_generic_packet_threshold_crossed: true });

/** The settings' thresholds in ascending order (as Zeek sorts them once), cached per set. */
const sortedCache = new WeakMap<ReadonlySet<number>, readonly number[]>();

export function sortedThresholds(set: ReadonlySet<number>): readonly number[] {
  let sorted = sortedCache.get(set);
  if (sorted === undefined) {
    sorted = [...set].sort((a, b) => a - b);
    sortedCache.set(set, sorted);
  }
  return sorted;
}
