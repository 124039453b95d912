/**
 * The one way every layer reports an anomaly. A weird is a named event (Zeek's
 * exact names, e.g. "truncated_IP", "bad_TCP_checksum"); weird.log is written
 * from it by src/scripts/weird.ts. Counting by name happens here, always, so
 * tests and the CLI can report what was seen even with no handler.
 */
import type { EventBus } from "./bus.js";
import type { Connection } from "./records.js";

/** Network time as the engine knows it; layers read `now` when they report. */
export interface Clock {
  now: number;
}

export class Weirds {
  /** How many times each weird name was reported. */
  readonly counts = new Map<string, number>();

  constructor(private readonly bus: EventBus, private readonly clock: Clock) {}

  /** A weird not tied to any flow (Zeek's net_weird). */
  net(name: string, addl = "", source = ""): void {
    this.count(name);
    if (this.bus.wants.weird) this.bus.queue("weird", { ts: this.clock.now, name, addl, source });
  }

  /** A weird between two addresses with no connection (Zeek's flow_weird). */
  flow(name: string, src: string, dst: string, addl = "", source = ""): void {
    this.count(name);
    if (this.bus.wants.weird) this.bus.queue("weird", { ts: this.clock.now, name, addl, src, dst, source });
  }

  /** A weird about a connection (Zeek's conn_weird). */
  conn(name: string, conn: Connection, addl = "", source = ""): void {
    this.count(name);
    if (this.bus.wants.weird) this.bus.queue("weird", { ts: this.clock.now, name, addl, conn, source });
  }

  private count(name: string): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
  }
}
