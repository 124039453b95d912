/**
 * The IP tunnels (IP-in-IP, GRE) seen so far, one per address pair in either
 * direction, as Zeek's IPTunnel analyzer keeps them: each gets a uid when
 * first seen (drawn from the connection uid pool, so it shifts the uids of
 * later connections exactly as in Zeek) and is forgotten after
 * Tunnel::ip_tunnel_timeout without traffic. Looked up by a numeric hash,
 * no string per packet.
 */
import { formatAddr } from "../../ip/addr.js";
import type { Packet } from "../../packet/packet.js";
import { type HashKey, randomHashKey, tupleHash } from "../../session/conn-table.js";
import type { Encapsulation, TunnelCid } from "../../session/tunnel-state.js";

/** Zeek's Tunnel::ip_tunnel_timeout. */
export const IP_TUNNEL_TIMEOUT = 24 * 3600;

export class IpTunnel implements Encapsulation {
  next: IpTunnel | null = null;
  constructor(
    readonly uid: string | null,
    public lastSeen: number,
    readonly a0: number,
    readonly a1: number,
    readonly a2: number,
    readonly a3: number,
    readonly b0: number,
    readonly b1: number,
    readonly b2: number,
    readonly b3: number,
    /** The IP protocol of its first packet's outer header (4, 41, 47): its cid's proto. */
    readonly proto: number,
  ) {}

  /** The tunnel's endpoints as EncapsulatingConn's cid: its first packet's addresses, ports 0. */
  tunnelCid(): TunnelCid {
    return {
      orig_h: formatAddr(this.a0, this.a1, this.a2, this.a3),
      orig_p: 0,
      resp_h: formatAddr(this.b0, this.b1, this.b2, this.b3),
      resp_p: 0,
      proto: this.proto,
    };
  }

  /** True for the packet's address pair, in either direction. */
  matches(p: Packet): boolean {
    const s0 = p.src0 | 0,
      s1 = p.src1 | 0,
      s2 = p.src2 | 0,
      s3 = p.src3 | 0;
    const d0 = p.dst0 | 0,
      d1 = p.dst1 | 0,
      d2 = p.dst2 | 0,
      d3 = p.dst3 | 0;
    const fwd = s0 === this.a0 && s1 === this.a1 && s2 === this.a2 && s3 === this.a3 && d0 === this.b0 && d1 === this.b1 && d2 === this.b2 && d3 === this.b3;
    return (
      fwd || (d0 === this.a0 && d1 === this.a1 && d2 === this.a2 && d3 === this.a3 && s0 === this.b0 && s1 === this.b1 && s2 === this.b2 && s3 === this.b3)
    );
  }
}

function pairHash(key: HashKey, pkt: Packet): number {
  return tupleHash(key, pkt.src0 | 0, pkt.src1 | 0, pkt.src2 | 0, pkt.src3 | 0, 0, pkt.dst0 | 0, pkt.dst1 | 0, pkt.dst2 | 0, pkt.dst3 | 0, 0, 0);
}

export class IpTunnelTable {
  private readonly buckets = new Map<number, IpTunnel>();
  /** Keyed as the connection table is, for the same reason. */
  private readonly key = randomHashKey();

  /** The live tunnel of `pkt`'s address pair (its last-seen time refreshed), or null. */
  lookup(pkt: Packet, now: number): IpTunnel | null {
    const h = pairHash(this.key, pkt);
    let prev: IpTunnel | null = null;
    for (let t = this.buckets.get(h) ?? null; t !== null; prev = t, t = t.next) {
      if (!t.matches(pkt)) continue;
      if (t.lastSeen + IP_TUNNEL_TIMEOUT >= now) {
        t.lastSeen = now;
        return t;
      }
      // Expired: forget it, a new tunnel (and uid) follows.
      if (prev === null) {
        if (t.next === null) this.buckets.delete(h);
        else this.buckets.set(h, t.next);
      } else prev.next = t.next;
      break;
    }
    return null;
  }

  /** Starts a tunnel for `pkt`'s address pair. */
  insert(pkt: Packet, now: number, uid: string | null): IpTunnel {
    const h = pairHash(this.key, pkt);
    const fresh = new IpTunnel(
      uid,
      now,
      pkt.src0 | 0,
      pkt.src1 | 0,
      pkt.src2 | 0,
      pkt.src3 | 0,
      pkt.dst0 | 0,
      pkt.dst1 | 0,
      pkt.dst2 | 0,
      pkt.dst3 | 0,
      pkt.ipProto,
    );
    fresh.next = this.buckets.get(h) ?? null;
    this.buckets.set(h, fresh);
    return fresh;
  }
}
