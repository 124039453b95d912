/**
 * Tunnel decapsulation (Zeek's tunnel packet analyzers): the inner packet of
 * a UDP tunnel (VXLAN, Geneve, GTPv1-U, Teredo, AYIYA, GRE-in-UDP) or an IP
 * tunnel (IP-in-IP, GRE) is found here and handed back through the engine's
 * link and IP layers to the session layer (TunnelHost.processInner), inside
 * the session's encapsulation stack (session/encapsulations.ts: connections
 * remember the tunnels they came through). The analyzers confirm or report
 * violations on the outer connection and keep Zeek's IP tunnel table.
 */

import type { EventBus } from "../../event/bus.js";
import type { Connection, TeredoHdr } from "../../event/records.js";
import type { Clock, Weirds } from "../../event/weirds.js";
import { dstAddrText, srcAddrText } from "../../ip/addr.js";
import type { ArpAnalyzer } from "../../packet/arp.js";
import { latin1 } from "../../packet/bytes.js";
import { IPPROTO_GRE, IPPROTO_IPIP, IPPROTO_IPV6, IPPROTO_NONE } from "../../packet/ip-protocols.js";
import { Packet } from "../../packet/packet.js";
import type { PacketUse } from "../../packet/packet-use.js";
import { pktHdr } from "../../packet/pkt-hdr.js";
import type { Conn } from "../../session/connection.js";
import { type Encapsulations, HIST_ANALYSIS_LIMIT } from "../../session/encapsulations.js";
import type { PacketAnalyzer, TunnelDecapsulator } from "../../session/transport.js";
import { type Encapsulation, TUNNEL_MAX_DEPTH } from "../../session/tunnel-state.js";
import { Gtpv1Events } from "./gtpv1-events.js";
import { IpTunnelTable } from "./ip-tunnel-table.js";
import { decapsulateIp, innerIpWeird } from "./ip-tunnels.js";
import {
  AYIYA_PORT,
  decapsulate,
  GENEVE_PORT,
  GRE_IN_UDP_PORT,
  GTPV1_C_PORT,
  GTPV1_U_PORT,
  INNER_ARP,
  type InnerFrame,
  NOTHING_TO_DECODE,
  TEREDO_PORT,
  TUNNEL_SOURCE,
  TunnelKind,
  teredoHdr,
  VXLAN_PORT,
} from "./udp-tunnels.js";

const UDP_HEADER = 8;
// analyzerStates bits: CONFIRMED << kind, VIOLATED << kind (kinds are below 8), Teredo's valid sides.
const CONFIRMED = 1;
const VIOLATED = 1 << 8;
const TEREDO_ORIG_VALID = 1 << 16;
const TEREDO_RESP_VALID = 1 << 17;
/** A valid Teredo packet was seen (new_teredo_state was raised). */
const TEREDO_SEEN = 1 << 18;
/** The GTPv1 analyzer saw the connection (new_gtpv1_state was raised). */
const GTP_SEEN = 1 << 19;
/** The Teredo events of a valid packet, in Zeek's order. */
const TEREDO_EVENTS = ["teredo_packet", "teredo_authentication", "teredo_origin_indication", "teredo_bubble"] as const;
/** Stack kinds of IP tunnels (beside the UDP TunnelKinds). */
/**
 * The tunnel analyzers whose violations carry the payload (analyzer.log's
 * failure_data): Zeek's Teredo, VXLAN and Geneve pass it; GTPv1 and AYIYA
 * report only a reason.
 */
const VIOLATION_WITH_DATA: ReadonlySet<number> = new Set([TunnelKind.TEREDO, TunnelKind.TEREDO_PROBE, TunnelKind.VXLAN, TunnelKind.GENEVE]);

const KIND_IP = 100;
const KIND_GRE = 101;

/** A disabled-analyzers bit for IPTUNNEL (past the UDP TunnelKinds' bits): the IP tunnel that IP-in-IP and GRE hand their inner packet to. */
const IPTUNNEL_OFF = 1 << 8;
/**
 * The disabled-analyzers bits of each packet analyzer switched here (Zeek's
 * tag names): a UDP tunnel's is 1 << its TunnelKind, Teredo's covers the
 * Teredo found by content too; GRE's covers GRE in IP and in UDP.
 */
const OFF_BITS: Readonly<Record<string, number>> = {
  VXLAN: 1 << TunnelKind.VXLAN,
  GENEVE: 1 << TunnelKind.GENEVE,
  GTPV1: 1 << TunnelKind.GTPV1,
  GRE: 1 << TunnelKind.GRE,
  TEREDO: (1 << TunnelKind.TEREDO) | (1 << TunnelKind.TEREDO_PROBE),
  AYIYA: 1 << TunnelKind.AYIYA,
  IPTUNNEL: IPTUNNEL_OFF,
};
/** Zeek's Tunnel::Type of each tunnel kind. */
const TUNNEL_TYPES: Readonly<Record<number, string>> = {
  [KIND_IP]: "Tunnel::IP",
  [KIND_GRE]: "Tunnel::GRE",
  [TunnelKind.VXLAN]: "Tunnel::VXLAN",
  [TunnelKind.GENEVE]: "Tunnel::GENEVE",
  [TunnelKind.GTPV1]: "Tunnel::GTPv1",
  [TunnelKind.TEREDO]: "Tunnel::TEREDO",
  [TunnelKind.TEREDO_PROBE]: "Tunnel::TEREDO",
  [TunnelKind.AYIYA]: "Tunnel::AYIYA",
};

/** What the tunnel analyzers need from the engine and its session layer. */
export interface TunnelHost {
  readonly bus: EventBus;
  readonly weirds: Weirds;
  readonly clock: Clock;
  /** What the engine used of the packet being processed (for -w). */
  readonly packetUse: PacketUse;
  /** The session layer's stack of the tunnels around the packet being processed. */
  readonly encapsulations: Encapsulations;
  /** Runs a decoded inner frame through the engine's link and IP layers for inner packets, then the session layer; true when its IP layer accepted it. */
  processInner(inner: Packet): boolean;
  /** A uid for a new IP tunnel (null when nobody could see uids). */
  newTunnelUid(): string | null;
  /** Zeek's ARP analyzer, for ARP carried directly in Geneve. */
  readonly arp?: ArpAnalyzer;
  /** Tunnel::delay_teredo_confirmation: Teredo is confirmed once both sides sent valid packets (else at the first); default true. */
  delayTeredoConfirmation?(): boolean;
  /** Tunnel::max_depth: how many tunnels inside tunnels are followed (default TUNNEL_MAX_DEPTH). */
  maxDepth?(): number;
  /** The UDP payload a Geneve analyzer was given in the packet being processed (PacketAnalyzer::Geneve::get_options reads them). */
  geneveLayer?(layer: Uint8Array): void;
}

export class Tunnels implements PacketAnalyzer, TunnelDecapsulator {
  /** The IP protocols decapsulated here (IP-in-IP, IPv6-in-IP, GRE). */
  readonly protocols: readonly number[] = [IPPROTO_IPIP, IPPROTO_IPV6, IPPROTO_GRE];
  /** GTPv1 control and user plane, Teredo, GRE-in-UDP, VXLAN, AYIYA, Geneve. */
  readonly udpServerPorts: readonly number[] = [GTPV1_C_PORT, GTPV1_U_PORT, TEREDO_PORT, GRE_IN_UDP_PORT, VXLAN_PORT, AYIYA_PORT, GENEVE_PORT];
  /** One reusable packet per depth. */
  private readonly packets: Packet[] = [];
  private readonly ipTunnels = new IpTunnelTable();
  private readonly frame: InnerFrame = { offset: 0, end: 0, linktype: 0, weird: "", addl: "", violation: "", ipVersion: 0 };
  /** Per outer connection: which tunnel analyzers confirmed or were violated, and Teredo's valid sides (bits). */
  private readonly analyzerStates = new WeakMap<Conn, number>();
  /**
   * The tunnel analyzers switched off (OFF_BITS), 0 unless a script or
   * Analyzer::disabled_analyzers turned one off: each packet's tunnel is
   * then tested with one AND, before anything is parsed.
   */
  private off = 0;

  /** Zeek's gtpv1_* message events. */
  private readonly gtp: Gtpv1Events;

  constructor(private readonly host: TunnelHost) {
    this.gtp = new Gtpv1Events(host.bus, host.weirds);
  }

  /**
   * Zeek's PacketAnalyzer::__disable_analyzer (`enabled` false) and
   * __enable_analyzer for tunnel analyzer `name` (VXLAN, GENEVE, GTPV1,
   * TEREDO, AYIYA, GRE, IPTUNNEL): from the next packet on, a disabled
   * tunnel's packets are what they would be without it (a VXLAN datagram is
   * a UDP datagram on 4789/udp, nothing inside is analysed). False when
   * `name` is not one of them.
   */
  setEnabled(name: string, enabled: boolean): boolean {
    const bits = OFF_BITS[name];
    if (bits === undefined) return false;
    this.off = enabled ? this.off & ~bits : this.off | bits;
    return true;
  }

  /**
   * The UDP payload of `outer`'s packet as a tunnel of `kind`; true when it
   * was one (for Teredo found by content: keep trying the flow), null when
   * `kind`'s analyzer is off (nothing tried).
   */
  udp(outer: Conn, pkt: Packet, kind: number): boolean | null {
    // A disabled analyzer never runs (Zeek's ForwardPacket stops at it): no depth weird, no confirmation.
    if ((this.off & (1 << kind)) !== 0) return null;
    const start = pkt.l4Offset + UDP_HEADER;
    const end = pkt.l4Offset + Math.min(pkt.l4Len, pkt.l4CapLen);
    // Zeek keeps the data each packet analyzer was given for the packet, whatever it then makes of it.
    if (kind === TunnelKind.GENEVE) this.host.geneveLayer?.(pkt.data.subarray(start, end));
    if (this.depthExceeded(pkt, TUNNEL_SOURCE[kind] ?? "")) {
      // Zeek's UDP tunnel analyzers mark the outer connection: the X history letter (analysis limit reached).
      outer.checkHistory(HIST_ANALYSIS_LIMIT, "X");
      return false;
    }
    const frame = this.frame;
    if (kind === TunnelKind.GRE) {
      // GRE-in-UDP: Zeek's GRE analyzer then an IP tunnel keyed by the outer addresses.
      if (!decapsulateIp(IPPROTO_GRE, pkt.data, start, end, frame)) {
        this.flowWeird(pkt, "GRE");
        return false;
      }
      if ((this.off & IPTUNNEL_OFF) === 0 && this.innerIpWhole(pkt, frame)) {
        outer.drawUid(); // see below: the IP tunnel's inner packet is built from the UDP one too
        this.run(this.ipTunnelOf(pkt), pkt, frame, KIND_GRE);
      }
      return true;
    }
    if (kind === TunnelKind.GTPV1) {
      this.gtpState(outer);
      if (this.host.encapsulations.innermostType() === TUNNEL_TYPES[TunnelKind.GTPV1]) {
        // Zeek's GTPv1 analyzer refuses a GTP tunnel inside another.
        this.violation(outer, kind, "GTP-in-GTP", null);
        return false;
      }
      if (this.gtp.wanted()) this.gtp.message(outer, pkt.data, start, end);
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
    if (ok && (frame.linktype < 0 || kind === TunnelKind.TEREDO || kind === TunnelKind.TEREDO_PROBE || kind === TunnelKind.GTPV1)) {
      this.host.packetUse.whole();
    }
    // Zeek names the outer connection in the inner packet's encapsulation (an
    // EncapsulatingConn) once the header parsed: its uid is drawn then, in a
    // run where nothing else asked for it yet (-b without the conn script).
    if (ok) outer.drawUid();
    if (ok && (kind === TunnelKind.TEREDO || kind === TunnelKind.TEREDO_PROBE)) this.teredoEvents(outer, pkt.data, start, frame);
    if (ok && frame.linktype === INNER_ARP) this.arpInside(pkt, frame);
    else if (ok && frame.linktype !== NOTHING_TO_DECODE) {
      if (kind === TunnelKind.GTPV1 && this.host.bus.wants.gtpv1_g_pdu_packet) this.gtp.gPdu(outer, pkt.data, start, frame.offset, frame.end);
      const inner = this.run(outer, pkt, frame, kind);
      if (inner !== null && (kind === TunnelKind.VXLAN || kind === TunnelKind.GENEVE)) this.tunnelPacket(outer, kind, pkt.data, start, inner);
    }
    return ok;
  }

  /**
   * Zeek's Teredo events of a valid packet, before its inner packet is
   * analysed: teredo_packet always, teredo_authentication and
   * teredo_origin_indication when it has those headers, teredo_bubble for an
   * IPv6 header with no next header. None once Teredo was violated on the
   * connection (Zeek's analyzer then stops).
   */
  private teredoEvents(outer: Conn, d: Uint8Array, start: number, frame: InnerFrame): void {
    const bus = this.host.bus;
    const state = this.analyzerStates.get(outer) ?? 0;
    if ((state & (VIOLATED << TunnelKind.TEREDO)) !== 0) return;
    let hdr: TeredoHdr | null = null;
    for (const name of TEREDO_EVENTS) {
      if (!bus.has(name)) continue;
      hdr ??= teredoHdr(d, start, frame.offset, frame.end);
      const raised =
        name === "teredo_packet" ||
        (name === "teredo_authentication" ? hdr.auth : name === "teredo_origin_indication" ? hdr.origin : d[frame.offset + 6] === IPPROTO_NONE);
      if (raised) bus.queue(name, outer.val(), hdr);
    }
  }

  /** Zeek's GTPv1 analyzer keeps state per connection from its first packet on, and says so (new_gtpv1_state). */
  private gtpState(outer: Conn): void {
    const state = this.analyzerStates.get(outer) ?? 0;
    if ((state & GTP_SEEN) !== 0) return;
    this.analyzerStates.set(outer, state | GTP_SEEN);
    if (this.host.bus.wants.new_gtpv1_state) this.host.bus.queue("new_gtpv1_state", outer.val());
  }

  /** ARP right inside Geneve: Zeek's ARP analyzer on a frame with no link addresses of its own. */
  private arpInside(pkt: Packet, frame: InnerFrame): void {
    const arp = this.host.arp;
    if (arp === undefined || !arp.enabled) return;
    const inner = (this.packets[this.host.encapsulations.depth] ??= new Packet());
    inner.data = pkt.data;
    inner.l2SrcOffset = -1;
    inner.l2DstOffset = -1;
    arp.analyze(inner, frame.offset, frame.end);
  }

  /**
   * vxlan_packet / geneve_packet: the inner packet was analysed (Zeek: its
   * analysis succeeded and set the tunnel's IP header), so the event follows
   * the inner packet's own events, with the inner IP datagram's headers and
   * the header's 24-bit VNI (bytes 4-6 in both).
   */
  private tunnelPacket(outer: Conn, kind: number, d: Uint8Array, header: number, inner: Packet): void {
    const bus = this.host.bus;
    const name = kind === TunnelKind.VXLAN ? "vxlan_packet" : "geneve_packet";
    if (!bus.has(name) || !inner.ipHeaderKept) return;
    const vni = (d[header + 4]! << 16) | (d[header + 5]! << 8) | d[header + 6]!;
    const hdr = pktHdr(inner.data, inner.l3Offset, inner.reassembled ? 0 : inner.end - inner.l3Offset);
    bus.queue(name, outer.val(), hdr, vni);
  }

  /**
   * A tunnel packet of `outer` parsed: Zeek's packet analyzers confirm the
   * protocol on the outer connection (analyzer_confirmation_info, so
   * conn.log's service names the tunnel) once, unless it was violated
   * before; Teredo waits until both sides sent valid packets, unless
   * Tunnel::delay_teredo_confirmation is off.
   */
  private parsed(outer: Conn, pkt: Packet, kind: number): void {
    const teredo = kind === TunnelKind.TEREDO || kind === TunnelKind.TEREDO_PROBE;
    const tag = teredo ? TunnelKind.TEREDO : kind;
    let state = this.analyzerStates.get(outer) ?? 0;
    if ((state & (VIOLATED << tag)) !== 0) return;
    if (teredo && (state & TEREDO_SEEN) === 0) {
      // Zeek's Teredo analyzer keeps state from the connection's first valid packet on, and says so before confirming.
      state |= TEREDO_SEEN;
      this.analyzerStates.set(outer, state);
      if (this.host.bus.wants.new_teredo_state) this.host.bus.queue("new_teredo_state", outer.val());
    }
    if ((state & (CONFIRMED << tag)) !== 0) return;
    if (teredo && (this.host.delayTeredoConfirmation?.() ?? true)) {
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
  process(pkt: Packet): void {
    const gre = pkt.ipProto === IPPROTO_GRE;
    if (this.off !== 0 && (this.off & (gre ? 1 << TunnelKind.GRE : IPTUNNEL_OFF)) !== 0) return;
    // Zeek's IPTUNNEL analyzer checks the depth, for GRE's inner packets too.
    if (this.depthExceeded(pkt, "IPTUNNEL")) return;
    const start = pkt.l4Offset;
    const end = pkt.l4Offset + Math.min(pkt.l4Len, pkt.l4CapLen);
    const frame = this.frame;
    if (!decapsulateIp(pkt.ipProto, pkt.data, start, end, frame)) {
      this.flowWeird(pkt, gre ? "GRE" : "IPTUNNEL");
      return;
    }
    // GRE parsed, but hands its inner packet to IPTUNNEL, which keeps the tunnel: none when that is off.
    if ((this.off & IPTUNNEL_OFF) !== 0 || !this.innerIpWhole(pkt, frame)) return;
    this.run(this.ipTunnelOf(pkt), pkt, frame, gre ? KIND_GRE : KIND_IP);
  }

  /** IPTUNNEL drops a raw inner IP packet of the wrong version or length (a flow weird) before it looks its tunnel up. */
  private innerIpWhole(pkt: Packet, frame: InnerFrame): boolean {
    if (frame.ipVersion === 0) return true;
    frame.weird = innerIpWeird(frame.ipVersion, pkt.data, frame.offset, frame.end);
    frame.addl = "";
    if (frame.weird === "") return true;
    this.flowWeird(pkt, "IPTUNNEL");
    return false;
  }

  /** Tunnel decoders are packet-level analyzers: their weirds are flow weirds (addresses, no connection). */
  /**
   * Whether `pkt` is already inside Tunnel::max_depth tunnels: then a flow
   * weird from analyzer `source`, named as Zeek's session manager names a
   * packet's weird inside a tunnel (with "_in_tunnel").
   */
  private depthExceeded(pkt: Packet, source: string): boolean {
    const depth = this.host.encapsulations.depth;
    if (depth < (this.host.maxDepth?.() ?? TUNNEL_MAX_DEPTH)) return false;
    this.host.packetUse.whole(); // Zeek's weird marks the packet for dumping
    const name = depth > 0 ? "exceeded_tunnel_max_depth_in_tunnel" : "exceeded_tunnel_max_depth";
    this.host.weirds.flow(name, srcAddrText(pkt), dstAddrText(pkt), "", source);
    return true;
  }

  private flowWeird(pkt: Packet, source: string): void {
    this.host.packetUse.whole(); // a tunnel that does not decode: kept as evidence
    const name = this.frame.weird;
    if (name !== "") this.host.weirds.flow(name, srcAddrText(pkt), dstAddrText(pkt), this.frame.addl, source);
  }

  /** The IP tunnel of `pkt`'s address pair, started (with a uid) when new. */
  private ipTunnelOf(pkt: Packet): Encapsulation {
    const now = this.host.clock.now;
    return this.ipTunnels.lookup(pkt, now) ?? this.ipTunnels.insert(pkt, now, this.host.newTunnelUid());
  }

  /** Decodes `frame` of `pkt` as a packet of its own, inside `encap`: back through the engine's layers. The inner packet when its IP layer accepted it, else null. */
  private run(encap: Encapsulation, pkt: Packet, frame: InnerFrame, kind: number = TunnelKind.NONE): Packet | null {
    const encaps = this.host.encapsulations;
    const inner = (this.packets[encaps.depth] ??= new Packet());
    inner.ts = pkt.ts;
    inner.data = pkt.data;
    inner.offset = frame.offset;
    inner.end = frame.end;
    inner.caplen = frame.end - frame.offset;
    inner.wirelen = pkt.l4Offset + pkt.l4Len - frame.offset;
    inner.linktype = frame.linktype;
    encaps.enter(encap, TUNNEL_TYPES[kind] ?? "Tunnel::NONE");
    try {
      return this.host.processInner(inner) ? inner : null;
    } finally {
      encaps.leave();
    }
  }
}
