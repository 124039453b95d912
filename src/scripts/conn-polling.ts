/**
 * Zeek's base/protocols/conn/polling (ConnPolling::watch): a script polls a
 * connection at intervals of network time it chooses, each call given the
 * connection's live record and a count that rises by one a call; the
 * callback returns the next interval, a negative one ending the polling.
 * Each poll is a `schedule`d event: it runs in the event drain after the
 * packet that brings network time to it (or at the end of input, before the
 * remaining connections are flushed), and only while the connection still
 * exists (one removed before its poll is polled no more).
 */
import type { Connection, ConnId } from "../event/records.js";

/** A poll's callback: the connection (refreshed) and the count; returns the seconds to the next poll, negative to stop. */
export type PollCallback = (c: Connection, count: number) => number;

/** What polling needs of the engine: network time, `schedule`, connection_exists and lookup_connection. */
export interface PollingHost {
  readonly clock: { readonly now: number };
  scheduleEvent(at: number, fn: (now: number) => void): void;
  connectionExists(id: ConnId): boolean;
  lookupConnection(id: ConnId): Connection;
}

/**
 * ConnPolling::watch(c, callback, cnt, i): `callback(c, cnt)` runs `i`
 * seconds from now (0: at the next drain), then again after each interval it
 * returns, with cnt + 1, until it returns a negative one or the connection
 * is gone.
 */
export function watchConnection(host: PollingHost, c: Connection, callback: PollCallback, count: number, interval: number): void {
  // The poll holds the id, not the record: the connection is looked up again when it runs.
  const id = c.id;
  host.scheduleEvent(host.clock.now + interval, () => {
    if (!host.connectionExists(id)) return;
    const live = host.lookupConnection(id);
    const next = callback(live, count);
    if (next >= 0) watchConnection(host, live, callback, count + 1, next);
  });
}
