/**
 * The tunnels the packet being processed came through, as the session layer
 * keeps them (Zeek's EncapsulationStack carried with each packet): the
 * tunnel analyzers (src/analyzer/tunnel) enter one before they hand an inner
 * packet back through the engine and leave it after. Connections remember
 * them: a new connection starts with its tunnel as parent and the stack as
 * c$tunnel (for good: Zeek fills the field once, when it builds the
 * connection's record), a known one seen through another tunnel (or none)
 * adds a parent and raises tunnel_changed as Zeek's
 * Connection::CheckEncapsulation does.
 */
import type { EventBus } from "../event/bus.js";
import type { EncapsulatingConn } from "../event/records.js";
import type { Conn } from "./connection.js";
import { type Encapsulation, TUNNEL_MAX_CHANGES, TunnelState } from "./tunnel-state.js";

/** The X history letter (analysis limit reached: tunnel changes, tunnel depth): once per connection, no direction. */
export const HIST_ANALYSIS_LIMIT = 0x40000000;

export class Encapsulations {
  /** The encapsulation at each depth, outermost first, and its Zeek Tunnel::Type. */
  private readonly encaps: Encapsulation[] = [];
  private readonly types: string[] = [];
  /** How many tunnels the packet being processed is inside. */
  depth = 0;

  constructor(private readonly bus: EventBus) {
    // Non-zero only once a tunnel shows up, which may be late: known as mutable from the start (see doubles.ts).
    this.depth = 0;
  }

  /** An inner packet of `encap` (a tunnel of Zeek type `tunnelType`, e.g. "Tunnel::VXLAN") is about to be processed. */
  enter(encap: Encapsulation, tunnelType: string): void {
    this.types[this.depth] = tunnelType;
    this.encaps[this.depth++] = encap;
  }

  /** The inner packet entered last was processed. */
  leave(): void {
    this.depth--;
  }

  /** The Tunnel::Type of the innermost tunnel, "" outside any. */
  innermostType(): string {
    return this.depth > 0 ? this.types[this.depth - 1]! : "";
  }

  /** The innermost encapsulation of the packet being processed, or null. */
  current(): Encapsulation | null {
    return this.depth > 0 ? this.encaps[this.depth - 1]! : null;
  }

  /** A new connection inside a tunnel starts with its tunnel as parent, and the stack of tunnels it came through. */
  attach(conn: Conn): void {
    const outer = this.current();
    if (outer === null) return;
    const t = new TunnelState<Encapsulation>(outer, outer.uid);
    t.stack = this.currentStack();
    conn.tunnel = t;
  }

  /** The tunnels of the packet being processed, outermost first (empty outside any). */
  private currentStack(): EncapsulatingConn[] {
    const stack: EncapsulatingConn[] = [];
    for (let d = 0; d < this.depth; d++) {
      const encap = this.encaps[d]!;
      stack.push({ cid: encap.tunnelCid(), tunnel_type: this.types[d]!, uid: encap.uid ?? undefined });
    }
    return stack;
  }

  /** Zeek's CheckEncapsulation: a known connection now seen through another tunnel (or none). */
  check(conn: Conn): void {
    const outer = this.current();
    let t = conn.tunnel;
    if (t !== null && t.outer === outer) return;
    if (t === null) t = conn.tunnel = new TunnelState<Encapsulation>(null, null);
    if (t.changes < TUNNEL_MAX_CHANGES) {
      t.changes++;
      if (outer !== null && outer.uid !== null) t.parents.add(outer.uid);
      // tunnel_changed carries the new stack; c$tunnel keeps the one the
      // connection's record was built with (Zeek sets it once, with the record).
      if (this.bus.wants.tunnel_changed) this.bus.queue("tunnel_changed", conn.val(), this.currentStack());
    } else if (t.changes === TUNNEL_MAX_CHANGES) {
      t.changes++;
      conn.weird("tunnel_max_changes_per_connection_exceeded", String(TUNNEL_MAX_CHANGES));
      conn.checkHistory(HIST_ANALYSIS_LIMIT, "X");
    }
    t.outer = outer;
  }
}
