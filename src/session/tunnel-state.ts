/**
 * What a connection seen inside a tunnel remembers about it: the outer
 * connection it last came through, the outer uids for conn.log's
 * `tunnel_parents`, and how often the encapsulation changed (Zeek stops
 * following after Tunnel::max_changes_per_connection changes, with a weird
 * and the X history letter).
 */
import type { EncapsulatingConn } from "../event/records.js";

/** A tunnel's endpoints (EncapsulatingConn's cid). */
export type TunnelCid = EncapsulatingConn["cid"];

/** What carries a tunnelled packet: an outer connection (UDP tunnels) or an IP tunnel (src/analyzer/tunnel). */
export interface Encapsulation {
  readonly uid: string | null;
  /** Its endpoints, for c$tunnel (built only when a connection records the tunnel). */
  tunnelCid(): TunnelCid;
}

export class TunnelState<Outer extends Encapsulation> {
  changes = 0;
  readonly parents = new Set<string>();
  /** The tunnels of the connection's first packet, outermost first (c$tunnel); set at creation. */
  stack: readonly EncapsulatingConn[] | null = null;

  constructor(
    public outer: Outer | null,
    uid: string | null,
  ) {
    if (uid !== null) this.parents.add(uid);
  }
}

/** Zeek's Tunnel::max_changes_per_connection. */
export const TUNNEL_MAX_CHANGES = 5;
/**
 * How many tunnels inside tunnels are followed. Zeek's corpus run follows a
 * DNS query inside three nested VXLAN tunnels (tunnels/vxlan-triple-v2.pcap),
 * so the bound is at least 3; deeper nesting stops with a weird.
 */
export const TUNNEL_MAX_DEPTH = 4;
