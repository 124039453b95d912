/**
 * Tunnel decapsulation for the session layer (Zeek's packet analyzers): the inner
 * packet of a UDP tunnel (VXLAN, Geneve, GTPv1-U, Teredo, AYIYA, GRE-in-UDP)
 * or an IP tunnel (IP-in-IP, GRE) runs through its own link and IP layers
 * and then through the session layer again, with the carrying connection
 * (or IP tunnel) as its encapsulation. Connections remember the tunnels they
 * came through (conn.log's tunnel_parents) as Zeek's CheckEncapsulation does.
 */

import { decapsulateIp } from "../analyzer/tunnel/ip-tunnels.js";
import { decapsulate, type InnerFrame, NOTHING_TO_DECODE, TUNNEL_SOURCE, TunnelKind } from "../analyzer/tunnel/udp-tunnels.js";
import type { EventBus } from "../event/bus.js";
import type { Connection, EncapsulatingConn } from "../event/records.js";
import type { Clock, Weirds } from "../event/weirds.js";
import { dstAddrText, formatAddr, srcAddrText } from "../ip/addr.js";
import { IpLayer } from "../ip/ip-layer.js";
import type { EngineSettings } from "../options.js";
import { latin1 } from "../packet/bytes.js";
import { IPPROTO_GRE } from "../packet/ip-protocols.js";
import { LinkLayer } from "../packet/link.js";
import { Packet } from "../packet/packet.js";
import type { PacketUse } from "../packet/packet-use.js";
import type { Conn } from "./connection.js";
import { IpTunnel, IpTunnelTable } from "./ip-tunnel-table.js";
import { type Encapsulation, TUNNEL_MAX_CHANGES, TUNNEL_MAX_DEPTH, TunnelState } from "./tunnel-state.js";

const UDP_HEADER = 8;
// analyzerStates bits: CONFIRMED << kind, VIOLATED << kind (kinds are below 8), Teredo's valid sides.
const CONFIRMED = 1;
const VIOLATED = 1 << 8;
const TEREDO_ORIG_VALID = 1 << 16;
const TEREDO_RESP_VALID = 1 << 17;
/** Stack kinds of IP tunnels (beside the UDP TunnelKinds). */
/**
 * The tunnel analyzers whose violations carry the payload (analyzer.log's
 * failure_data): Zeek's Teredo, VXLAN and Geneve pass it; GTPv1 and AYIYA
 * report only a reason.
 */
const VIOLATION_WITH_DATA: ReadonlySet<number> = new Set([TunnelKind.TEREDO, TunnelKind.TEREDO_PROBE, TunnelKind.VXLAN, TunnelKind.GENEVE]);

const KIND_IP = 100;
const KIND_GRE = 101;
/** Zeek's Tunnel::Type of each UDP tunnel kind. */
const TUNNEL_TYPES: Readonly<Record<number, string>> = {
  [TunnelKind.VXLAN]: "Tunnel::VXLAN",
  [TunnelKind.GENEVE]: "Tunnel::GENEVE",
  [TunnelKind.GTPV1]: "Tunnel::GTPv1",
  [TunnelKind.TEREDO]: "Tunnel::TEREDO",
  [TunnelKind.TEREDO_PROBE]: "Tunnel::TEREDO",
  [TunnelKind.AYIYA]: "Tunnel::AYIYA",
};
/** The X history letter (analysis limit reached): once per connection, no direction. */
const HIST_ANALYSIS_LIMIT = 0x40000000;

/** What the tunnel machinery needs from the session manager. */
export interface TunnelHost {
  readonly bus: EventBus;
  readonly weirds: Weirds;
  readonly clock: Clock;
  readonly settings: EngineSettings;
  /** What the engine used of the packet being processed (for -w). */
  readonly packetUse: PacketUse;
  /** Runs a decoded inner packet through the session layer. */
  process(inner: Packet): void;
  /** A uid for a new IP tunnel (null when nobody could see uids). */
  newTunnelUid(): string | null;
}

export class Tunnels {
  /** Link and IP layers for inner packets (their own fragment state). */
  private readonly link: LinkLayer;
  private readonly ip: IpLayer;
  /** One reusable packet per depth, and the encapsulation at each depth. */
  private readonly packets: Packet[] = [];
  private readonly encaps: Encapsulation[] = [];
  private readonly ipTunnels = new IpTunnelTable();
  private readonly frame: InnerFrame = { offset: 0, end: 0, linktype: 0, weird: "", violation: "" };
  /** The tunnel kind at each depth (TunnelKind; NONE for IP tunnels). */
  private readonly kinds: number[] = [];
  /** Per outer connection: which tunnel analyzers confirmed or were violated, and Teredo's valid sides (bits). */
  private readonly analyzerStates = new WeakMap<Conn, number>();
  /** How many tunnels the packet being processed is inside. */
  depth = 0;

  constructor(private readonly host: TunnelHost) {
    this.link = new LinkLayer(host.weirds);
    this.ip = new IpLayer(host.weirds, host.settings);
    // Non-zero only once a tunnel shows up, which may be late: known as mutable from the start (see doubles.ts).
    this.depth = 0;
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
    for (let d = 0; d < this.depth; d++) stack.push(this.describe(this.encaps[d]!, this.kinds[d]!));
    return stack;
  }

  /** Zeek's EncapsulatingConn for the tunnel at one depth. */
  private describe(encap: Encapsulation, kind: number): EncapsulatingConn {
    const uid = encap.uid ?? undefined;
    if (encap instanceof IpTunnel) {
      const cid = {
        orig_h: formatAddr(encap.a0, encap.a1, encap.a2, encap.a3),
        orig_p: 0,
        resp_h: formatAddr(encap.b0, encap.b1, encap.b2, encap.b3),
        resp_p: 0,
      };
      return { cid, tunnel_type: kind === KIND_GRE || kind === TunnelKind.GRE ? "Tunnel::GRE" : "Tunnel::IP", uid };
    }
    const c = encap as Conn;
    const cid = { orig_h: c.origAddrText(), orig_p: c.origPort, resp_h: c.respAddrText(), resp_p: c.respPort };
    return { cid, tunnel_type: TUNNEL_TYPES[kind] ?? "Tunnel::NONE", uid };
  }

  /**
   * The UDP payload of `outer`'s packet as a tunnel of `kind`; true when it
   * was one (for Teredo found by content: keep trying the flow).
   */
  udp(outer: Conn, pkt: Packet, kind: number): boolean {
    if (this.depth >= TUNNEL_MAX_DEPTH) {
      outer.weird("exceeded_tunnel_max_depth");
      return false;
    }
    const start = pkt.l4Offset + UDP_HEADER;
    const end = pkt.l4Offset + Math.min(pkt.l4Len, pkt.l4CapLen);
    const frame = this.frame;
    if (kind === TunnelKind.GRE) {
      // GRE-in-UDP: Zeek's GRE analyzer then an IP tunnel keyed by the outer addresses.
      if (!decapsulateIp(IPPROTO_GRE, pkt.data, start, end, frame)) {
        this.flowWeird(pkt, "GRE");
        return false;
      }
      this.run(this.ipTunnelOf(pkt), pkt, frame, KIND_GRE);
      return true;
    }
    if (kind === TunnelKind.GTPV1 && this.depth > 0 && this.kinds[this.depth - 1] === TunnelKind.GTPV1) {
      // Zeek's GTPv1 analyzer refuses a GTP tunnel inside another.
      this.violation(outer, kind, "GTP-in-GTP", null);
      return false;
    }
    const ok = decapsulate(kind as TunnelKind, pkt.data, start, end, frame);
    // Geneve confirms once its header parsed, even when nothing follows it.
    if (ok || frame.weird === "geneve_empty_packet") this.parsed(outer, pkt, kind);
    else if (frame.violation !== "" || kind === TunnelKind.TEREDO)
      this.violation(outer, kind, frame.violation || "Bad Teredo encapsulation", VIOLATION_WITH_DATA.has(kind) ? pkt.data.subarray(start, end) : null);
    // Teredo's weirds belong to the outer connection; the other decoders' are flow weirds.
    if (kind === TunnelKind.TEREDO || kind === TunnelKind.TEREDO_PROBE) {
      if (frame.weird !== "" && (ok || kind === TunnelKind.TEREDO)) outer.weird(frame.weird, "", "TEREDO");
    } else if (!ok) this.flowWeird(pkt, TUNNEL_SOURCE[kind] ?? "");
    // Teredo and GTP decapsulate only an inner packet captured in full (they
    // compare its length with the bytes at hand): their carriers are kept whole,
    // as is a message without inner packet (a Teredo bubble), whose payload is
    // all that was analysed. The other tunnels' headers end inside (see run).
    if (ok && (frame.linktype === NOTHING_TO_DECODE || kind === TunnelKind.TEREDO || kind === TunnelKind.TEREDO_PROBE || kind === TunnelKind.GTPV1)) {
      this.host.packetUse.whole();
    }
    if (ok && frame.linktype !== NOTHING_TO_DECODE) this.run(outer, pkt, frame, kind);
    return ok;
  }

  /**
   * A tunnel packet of `outer` parsed: Zeek's packet analyzers confirm the
   * protocol on the outer connection (analyzer_confirmation_info, so
   * conn.log's service names the tunnel) once, unless it was violated
   * before; Teredo waits until both sides sent valid packets
   * (Tunnel::delay_teredo_confirmation).
   */
  private parsed(outer: Conn, pkt: Packet, kind: number): void {
    const teredo = kind === TunnelKind.TEREDO || kind === TunnelKind.TEREDO_PROBE;
    const tag = teredo ? TunnelKind.TEREDO : kind;
    let state = this.analyzerStates.get(outer) ?? 0;
    if ((state & (CONFIRMED << tag)) !== 0 || (state & (VIOLATED << tag)) !== 0) return;
    if (teredo) {
      const sport = (pkt.data[pkt.l4Offset]! << 8) | pkt.data[pkt.l4Offset + 1]!;
      state |= outer.isFromOrig(pkt, sport) ? TEREDO_ORIG_VALID : TEREDO_RESP_VALID;
      const both = TEREDO_ORIG_VALID | TEREDO_RESP_VALID;
      if ((state & both) !== both) {
        this.analyzerStates.set(outer, state);
        return;
      }
    }
    this.analyzerStates.set(outer, state | (CONFIRMED << tag));
    const bus = this.host.bus;
    if (bus.wants.analyzer_confirmation_info) bus.queue("analyzer_confirmation_info", TUNNEL_SOURCE[tag]!, { c: outer.val(), aid: 0 });
  }

  /** Zeek's packet-analyzer AnalyzerViolation: once per connection and tunnel kind. */
  private violation(outer: Conn, kind: number, reason: string, data: Uint8Array | null): void {
    const tag = kind === TunnelKind.TEREDO_PROBE ? TunnelKind.TEREDO : kind;
    const state = this.analyzerStates.get(outer) ?? 0;
    if ((state & (VIOLATED << tag)) !== 0) return;
    this.analyzerStates.set(outer, state | (VIOLATED << tag));
    const bus = this.host.bus;
    if (!bus.wants.analyzer_violation_info) return;
    const info: { reason: string; c: Connection; aid: number; data?: string } = { reason, c: outer.val(), aid: 0 };
    if (data !== null && data.length > 0) info.data = latin1(data);
    bus.queue("analyzer_violation_info", TUNNEL_SOURCE[tag]!, info);
  }

  /** IP-in-IP and GRE: no connection of their own, a tunnel per address pair with its own uid. */
  ipPacket(pkt: Packet): void {
    if (this.depth >= TUNNEL_MAX_DEPTH) {
      this.host.weirds.flow("exceeded_tunnel_max_depth", srcAddrText(pkt), dstAddrText(pkt));
      return;
    }
    const start = pkt.l4Offset;
    const end = pkt.l4Offset + Math.min(pkt.l4Len, pkt.l4CapLen);
    if (!decapsulateIp(pkt.ipProto, pkt.data, start, end, this.frame)) {
      this.flowWeird(pkt, pkt.ipProto === IPPROTO_GRE ? "GRE" : "IPTUNNEL");
      return;
    }
    this.run(this.ipTunnelOf(pkt), pkt, this.frame, pkt.ipProto === IPPROTO_GRE ? KIND_GRE : KIND_IP);
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
      // Zeek's c$tunnel follows the encapsulation, and tunnel_changed says so.
      t.stack = this.currentStack();
      const bus = this.host.bus;
      if (bus.wants.tunnel_changed) bus.queue("tunnel_changed", conn.val(), t.stack);
    } else if (t.changes === TUNNEL_MAX_CHANGES) {
      t.changes++;
      conn.weird("tunnel_max_changes_per_connection_exceeded", String(TUNNEL_MAX_CHANGES));
      conn.checkHistory(HIST_ANALYSIS_LIMIT, "X");
    }
    t.outer = outer;
  }

  /** Tunnel decoders are packet-level analyzers: their weirds are flow weirds (addresses, no connection). */
  private flowWeird(pkt: Packet, source: string): void {
    this.host.packetUse.whole(); // a tunnel that does not decode: kept as evidence
    const name = this.frame.weird;
    if (name !== "") this.host.weirds.flow(name, srcAddrText(pkt), dstAddrText(pkt), "", source);
  }

  /** The IP tunnel of `pkt`'s address pair, started (with a uid) when new. */
  private ipTunnelOf(pkt: Packet): Encapsulation {
    const now = this.host.clock.now;
    return this.ipTunnels.lookup(pkt, now) ?? this.ipTunnels.insert(pkt, now, this.host.newTunnelUid());
  }

  /** The IP and session layers for an inner packet (once per A-MSDU subframe). */
  private readonly processIp = (inner: Packet): void => {
    // PacketUse's IP-layer rule, as outside a tunnel (engine.ts).
    if (this.host.packetUse.ipLayerDone(inner, this.ip.process(inner))) this.host.process(inner);
  };

  /** Decodes `frame` of `pkt` as a packet of its own, inside `encap`. */
  private run(encap: Encapsulation, pkt: Packet, frame: InnerFrame, kind: number = TunnelKind.NONE): void {
    const inner = (this.packets[this.depth] ??= new Packet());
    inner.ts = pkt.ts;
    inner.data = pkt.data;
    inner.offset = frame.offset;
    inner.end = frame.end;
    inner.caplen = frame.end - frame.offset;
    inner.wirelen = pkt.l4Offset + pkt.l4Len - frame.offset;
    inner.linktype = frame.linktype;
    this.kinds[this.depth] = kind;
    this.encaps[this.depth++] = encap;
    try {
      const link = this.link;
      const isIp = link.decode(inner);
      const subframe = link.subframeAt;
      const frameEnd = link.subframeEnd;
      if (isIp) this.processIp(inner);
      else this.host.packetUse.headerEnd = inner.end; // a non-IP inner frame is all header
      if (subframe >= 0) link.eachSubframe(inner, subframe, frameEnd, this.processIp);
    } finally {
      this.depth--;
    }
  }
}
