/**
 * The ICMP/ICMPv6 analyzer (Zeek's ICMPSessionAdapter): the type/counterpart "ports" of the key
 * (Zeek's IPBasedConnKey), sizes (IP payload − 8 per message), and the message events
 * (echo, errors with the quoted packet as `icmp_context`, IPv6 neighbour
 * discovery, everything else as icmp_sent). No history, no flips, no reuse.
 */
import type { EventBus } from "../../event/bus.js";
import type { ConnId, Icmp6NdOption, IcmpContext, IcmpInfo, Mldv2Record, Transport } from "../../event/records.js";
import { formatAddr } from "../../ip/addr.js";
import { latin1, u16, u32 } from "../../packet/bytes.js";
import { ipv4HeaderChecksumOk, transportChecksumRejected } from "../../packet/checksum.js";
import {
  IPPROTO_AH,
  IPPROTO_DSTOPTS,
  IPPROTO_FRAGMENT,
  IPPROTO_HOPOPTS,
  IPPROTO_ICMP,
  IPPROTO_ICMPV6,
  IPPROTO_ROUTING,
  IPPROTO_TCP,
  IPPROTO_UDP,
} from "../../packet/ip-protocols.js";
import type { Packet } from "../../packet/packet.js";
import { Conn, EndpointBase, type SessionServices } from "../../session/connection.js";
import type { TimerKind } from "../../session/timers.js";
import { appRegistryOf } from "../app/registry.js";
import { type NdOptionServices, ndOptions } from "./nd-options.js";

const ICMP_HEADER = 8;
const IPV4_MIN_HEADER = 20;
const IPV6_HEADER = 40;

const ICMP_ECHOREPLY = 0;
const ICMP_UNREACH = 3;
const ICMP_ECHO = 8;
const ICMP_TIMXCEED = 11;

const ICMP6_DST_UNREACH = 1;
const ICMP6_PACKET_TOO_BIG = 2;
const ICMP6_TIME_EXCEEDED = 3;
const ICMP6_PARAM_PROB = 4;
const ICMP6_ECHO_REQUEST = 128;
const ICMP6_ECHO_REPLY = 129;
const MLD_LISTENER_REPORT = 131;
const MLD_LISTENER_REDUCTION = 132;
const ND_ROUTER_SOLICIT = 133;
const ND_ROUTER_ADVERT = 134;
const ND_NEIGHBOR_SOLICIT = 135;
const ND_NEIGHBOR_ADVERT = 136;
const ND_REDIRECT = 137;
const MLDV2_LISTENER_REPORT = 143;
/** Record type, aux data length, number of sources, multicast address (RFC 3810 §5.2.4). */
const MLDV2_RECORD_HEADER = 20;
/** Zeek's icmp6_mldv2_group_type names, by the record type's number (RFC 3810 §5.2.12). */
const MLDV2_GROUP_TYPES: Readonly<Record<number, string>> = {
  1: "MLDV2_MODE_IS_INCLUDE",
  2: "MLDV2_MODE_IS_EXCLUDE",
  3: "MLDV2_CHANGE_TO_INCLUDE_MODE",
  4: "MLDV2_CHANGE_TO_EXCLUDE_MODE",
  5: "MLDV2_ALLOW_NEW_SOURCES",
  6: "MLDV2_BLOCK_OLD_SOURCES",
};

/** Bytes of an ND message body before its options (RFC 4861 §4). */
const RA_OPT_OFFSET = 8;
const NS_OPT_OFFSET = 16;
const NA_OPT_OFFSET = 16;
const REDIRECT_OPT_OFFSET = 32;

/** Request/reply counterparts (Zeek's IPBasedConnKey); −1 for one-way types. */
const V4_COUNTERPART = new Int16Array(256).fill(-1);
const V6_COUNTERPART = new Int16Array(256).fill(-1);
for (const [a, b] of [
  [8, 0],
  [13, 14],
  [15, 16],
  [10, 9],
  [17, 18],
] as const) {
  V4_COUNTERPART[a] = b;
  V4_COUNTERPART[b] = a;
}
for (const [a, b] of [
  [128, 129],
  [133, 134],
  [135, 136],
  [130, 131],
  [139, 140],
  [144, 145],
] as const) {
  V6_COUNTERPART[a] = b;
  V6_COUNTERPART[b] = a;
}

/**
 * The key "ports" of an ICMP message, packed without allocation: bits 0–15 the
 * source port (the type), bits 16–30 the destination port (counterpart, or the
 * code for one-way types), and a negative result for one-way keys.
 */
export function icmpKeyPorts(type: number, code: number, v6: boolean): number {
  const counterpart = (v6 ? V6_COUNTERPART : V4_COUNTERPART)[type]!;
  if (counterpart >= 0) return (counterpart << 16) | type;
  return 0x80000000 | (code << 16) | type | 0;
}

/** A key whose source "port" is `type` is one-way: the type has no request/reply counterpart (Zeek's ICMP4_counterpart / ICMP6_counterpart). */
export function icmpOneWay(type: number, v6: boolean): boolean {
  return !(type >= 0 && type < 256 && (v6 ? V6_COUNTERPART : V4_COUNTERPART)[type]! >= 0);
}

export class IcmpEndpoint extends EndpointBase {
  flowLabel = 0;
  /** Sum of message payload lengths; −1 until the side sent a valid message. */
  size = -1;
}

/** Transport enum values Zeek stores in icmp_context.proto. */
const CONTEXT_PROTO: Record<number, number> = { 6: 1, 17: 2, 1: 3, 58: 3 };
const CONTEXT_TRANSPORT: Record<number, Transport> = { 6: "tcp", 17: "udp", 1: "icmp", 58: "icmp" };

export class IcmpConn extends Conn<IcmpEndpoint> {
  /** The analyzer id of the connection's session adapter (0 without an application layer). */
  private rootAid = 0;

  get transport(): Transport {
    return "icmp";
  }

  constructor(ctx: SessionServices, pkt: Packet, sport: number, dport: number, oneWay: boolean) {
    super(ctx, pkt.ipProto, pkt, sport, dport, oneWay, new IcmpEndpoint(), new IcmpEndpoint());
  }

  override rootAnalyzerId(): number {
    return this.rootAid;
  }

  /** ConnSize comes right after the session adapter (no PIA on ICMP). */
  protected override connSizeIdAtCreation(): number {
    return this.rootAid === 0 ? 0 : this.rootAid + 1;
  }

  init(): void {
    // Zeek's session adapter and ConnSize analyzer take analyzer ids (no PIA here).
    const registry = appRegistryOf(this.ctx);
    this.rootAid = registry?.reserveAdapterIds() ?? 0;
    if (registry?.connSize === false) this.withoutConnSize();
    this.enableStatusUpdateTimer();
    this.setInactivityTimeout(this.ctx.settings.icmp_inactivity_timeout);
  }

  protected endpointSize(ep: IcmpEndpoint): number {
    return Math.max(ep.size, 0);
  }

  protected endpointState(ep: IcmpEndpoint): number {
    return ep.size < 0 ? 0 : 1;
  }

  onTimer(_kind: TimerKind): void {}

  done(): void {}

  deliver(pkt: Packet, isOrig: boolean): void {
    const ctx = this.ctx;
    // Recorded whole: ICMP analysis is about the message body (echo data, the
    // quoted packet of an error), and ConnSize counts only messages captured
    // in full, so a header-only copy would not give the same conn.log.
    ctx.packetUse.whole();
    if (ctx.bus.wants.packet_contents) this.packetContents(pkt, pkt.l4Offset + ICMP_HEADER);
    if (transportChecksumRejected(pkt, ctx.settings)) {
      this.weird("bad_ICMP_checksum", "", "ICMP");
      return;
    }
    this.setLastTime(pkt);
    const len = pkt.l4Len - ICMP_HEADER;
    const ep = isOrig ? this.orig : this.resp;
    ep.size = ep.size < 0 ? len : ep.size + len;
    if (pkt.ipProto === IPPROTO_ICMPV6) this.mld(pkt);
    if (anyIcmpEventWanted(ctx.bus)) this.messageEvents(pkt, len);
    // ConnSize only sees messages captured in full.
    if (pkt.l4CapLen >= pkt.l4Len) {
      this.countPacket(ep, pkt);
    }
  }

  private info(pkt: Packet, len: number): IcmpInfo {
    const d = pkt.data;
    return { v6: pkt.ipProto === IPPROTO_ICMPV6, itype: d[pkt.l4Offset]!, icode: d[pkt.l4Offset + 1]!, len, ttl: pkt.ttl };
  }

  private messageEvents(pkt: Packet, len: number): void {
    const d = pkt.data;
    const off = pkt.l4Offset;
    const type = d[off]!;
    const code = d[off + 1]!;
    const bus = this.ctx.bus;
    const bodyStart = off + ICMP_HEADER;
    const bodyEnd = off + Math.min(pkt.l4Len, pkt.l4CapLen);
    const body = (): Uint8Array => d.slice(bodyStart, Math.max(bodyStart, bodyEnd));
    if (pkt.ipProto !== IPPROTO_ICMPV6) {
      switch (type) {
        case ICMP_ECHO:
        case ICMP_ECHOREPLY: {
          const ev = type === ICMP_ECHO ? "icmp_echo_request" : "icmp_echo_reply";
          if (bus.has(ev)) bus.queue(ev, this.val(), this.info(pkt, len), u16(d, off + 4), u16(d, off + 6), body());
          return;
        }
        case ICMP_UNREACH:
        case ICMP_TIMXCEED: {
          const ev = type === ICMP_UNREACH ? "icmp_unreachable" : "icmp_time_exceeded";
          if (bus.has(ev)) bus.queue(ev, this.val(), this.info(pkt, len), code, icmp4Context(d, bodyStart, bodyEnd));
          return;
        }
        default:
          this.sent(pkt, len, body);
          return;
      }
    }
    switch (type) {
      case ICMP6_ECHO_REQUEST:
      case ICMP6_ECHO_REPLY: {
        const ev = type === ICMP6_ECHO_REQUEST ? "icmp_echo_request" : "icmp_echo_reply";
        if (bus.has(ev)) bus.queue(ev, this.val(), this.info(pkt, len), u16(d, off + 4), u16(d, off + 6), body());
        return;
      }
      case ICMP6_DST_UNREACH:
      case ICMP6_PACKET_TOO_BIG:
      case ICMP6_TIME_EXCEEDED:
      case ICMP6_PARAM_PROB: {
        const ev = ({ 1: "icmp_unreachable", 2: "icmp_packet_too_big", 3: "icmp_time_exceeded", 4: "icmp_parameter_problem" } as const)[type];
        if (bus.has(ev)) bus.queue(ev, this.val(), this.info(pkt, len), code, icmp6Context(d, bodyStart, bodyEnd));
        return;
      }
      case ND_ROUTER_SOLICIT:
      case ND_ROUTER_ADVERT:
      case ND_NEIGHBOR_SOLICIT:
      case ND_NEIGHBOR_ADVERT:
      case ND_REDIRECT:
        this.neighbourDiscovery(pkt, len, type, bodyEnd);
        return;
      case MLD_LISTENER_REPORT:
      case MLD_LISTENER_REDUCTION:
      case MLDV2_LISTENER_REPORT:
        return; // MLD's own events: mld()
      default:
        if (type < 128) {
          if (bus.wants.icmp_error_message) bus.queue("icmp_error_message", this.val(), this.info(pkt, len), code, icmp6Context(d, bodyStart, bodyEnd));
        } else this.sent(pkt, len, body);
    }
  }

  /**
   * The ND messages' events (RFC 4861 §4), each only with a handler: the
   * fixed part before the options must be captured (else a weird and no
   * event), and the options are read then.
   */
  private neighbourDiscovery(pkt: Packet, len: number, type: number, end: number): void {
    const d = pkt.data;
    const off = pkt.l4Offset;
    const body = off + ICMP_HEADER;
    const bus = this.ctx.bus;
    if (type === ND_ROUTER_SOLICIT) {
      if (bus.wants.icmp_router_solicitation) bus.queue("icmp_router_solicitation", this.val(), this.info(pkt, len), this.ndOptions(pkt, 0, end));
    } else if (type === ND_ROUTER_ADVERT) {
      if (bus.wants.icmp_router_advertisement && this.ndBody(end - body, RA_OPT_OFFSET, "icmp6_ra_bad_opt_offset"))
        this.routerAdvert(pkt, len, this.ndOptions(pkt, RA_OPT_OFFSET, end));
    } else if (type === ND_NEIGHBOR_SOLICIT) {
      if (bus.wants.icmp_neighbor_solicitation && this.ndBody(end - body, NS_OPT_OFFSET, "icmp6_ns_bad_opt_offset")) {
        bus.queue("icmp_neighbor_solicitation", this.val(), this.info(pkt, len), addrAt(d, body, end), this.ndOptions(pkt, NS_OPT_OFFSET, end));
      }
    } else if (type === ND_NEIGHBOR_ADVERT) {
      if (bus.wants.icmp_neighbor_advertisement && this.ndBody(end - body, NA_OPT_OFFSET, "icmp6_na_bad_opt_offset")) {
        const f = d[off + 4]!;
        const [router, solicited, override] = [(f & 0x80) !== 0, (f & 0x40) !== 0, (f & 0x20) !== 0];
        bus.queue(
          "icmp_neighbor_advertisement",
          this.val(),
          this.info(pkt, len),
          router,
          solicited,
          override,
          addrAt(d, body, end),
          this.ndOptions(pkt, NA_OPT_OFFSET, end),
        );
      }
    } else if (bus.wants.icmp_redirect && this.ndBody(end - body, REDIRECT_OPT_OFFSET, "icmp6_redirect_bad_opt_offset")) {
      bus.queue(
        "icmp_redirect",
        this.val(),
        this.info(pkt, len),
        addrAt(d, body, end),
        addrAt(d, body + 16, end),
        this.ndOptions(pkt, REDIRECT_OPT_OFFSET, end),
      );
    }
  }

  /**
   * A router advertisement's fields: hop limit, then the flags byte
   * (managed, other, home agent, a 2-bit preference, proxy, a reserved bit),
   * the router lifetime in seconds, and the reachable time and retransmit
   * timer in milliseconds (the body's first 8 bytes).
   */
  private routerAdvert(pkt: Packet, len: number, options: Icmp6NdOption[]): void {
    const d = pkt.data;
    const off = pkt.l4Offset;
    const f = d[off + 5]!;
    const body = off + ICMP_HEADER;
    const [managed, other, homeAgent, pref, proxy, rsv] = [(f & 0x80) !== 0, (f & 0x40) !== 0, (f & 0x20) !== 0, (f & 0x18) >> 3, (f & 0x04) !== 0, f & 0x02];
    const [lifetime, reachable, retrans] = [u16(d, off + 6), u32(d, body) / 1000, u32(d, body + 4) / 1000];
    this.ctx.bus.queue(
      "icmp_router_advertisement",
      this.val(),
      this.info(pkt, len),
      d[off + 4]!,
      managed,
      other,
      homeAgent,
      pref,
      proxy,
      rsv,
      lifetime,
      reachable,
      retrans,
      options,
    );
  }

  /**
   * The options after an ND message's fixed part of `optOffset` bytes (only
   * called for an event with a handler); their weirds are this connection's,
   * a Redirected Header's packet is read as an error's quoted packet.
   */
  private ndOptions(pkt: Packet, optOffset: number, end: number): Icmp6NdOption[] {
    const services: NdOptionServices = { weird: (name) => this.weird(name, "", "ICMP"), context: icmp6Context };
    return ndOptions(pkt.data, pkt.l4Offset + ICMP_HEADER + optOffset, end, services);
  }

  /**
   * MLD (Zeek's ICMPAnalyzer::MLDReport and MLDReportV2): a v1 report or
   * done needs its multicast address (else truncated_ICMPv6_MLDv1); a v2
   * report needs 20 bytes per announced record (else truncated_ICMPv6_MLDv2),
   * and its records are read until one is cut short
   * (truncated_ICMPv6_MLDv2_record): the event gets those read before it.
   * The weirds come whether or not the events are handled.
   */
  private mld(pkt: Packet): void {
    const d = pkt.data;
    const off = pkt.l4Offset;
    const type = d[off]!;
    const body = off + ICMP_HEADER;
    const end = off + Math.min(pkt.l4Len, pkt.l4CapLen);
    const bus = this.ctx.bus;
    if (type === MLD_LISTENER_REPORT || type === MLD_LISTENER_REDUCTION) {
      if (end - body < 16) {
        this.weird("truncated_ICMPv6_MLDv1", "", "ICMP");
        return;
      }
      const ev = type === MLD_LISTENER_REPORT ? "icmpv6_mld_report_v1" : "icmpv6_mld_done_v1";
      if (bus.has(ev)) bus.queue(ev, this.val(), addrAt(d, body, end));
      return;
    }
    if (type !== MLDV2_LISTENER_REPORT) return;
    const records = u16(d, off + 6);
    if (end - body < records * MLDV2_RECORD_HEADER) {
      this.weird("truncated_ICMPv6_MLDv2", "", "ICMP");
      return;
    }
    const read: Mldv2Record[] = [];
    let at = body;
    for (let i = 0; i < records && at < end; i++) {
      const sources = at + 4 <= end ? u16(d, at + 2) : 0;
      const auxLen = at + 4 <= end ? d[at + 1]! * 4 : 0;
      if (at + 4 > end || at + MLDV2_RECORD_HEADER + sources * 16 + auxLen > end) {
        this.weird("truncated_ICMPv6_MLDv2_record", "", "ICMP");
        break;
      }
      const record: Mldv2Record = {
        group_type: MLDV2_GROUP_TYPES[d[at]!] ?? `icmp6_mldv2_group_type-${d[at]!}`,
        aux_data_len: auxLen,
        num_sources: sources,
        multicast_addr: addrAt(d, at + 4, end),
        sources: Array.from({ length: sources }, (_, k) => addrAt(d, at + MLDV2_RECORD_HEADER + k * 16, end)),
      };
      at += MLDV2_RECORD_HEADER + sources * 16;
      if (auxLen > 0) record.aux_data = latin1(d.subarray(at, at + auxLen));
      at += auxLen;
      read.push(record);
    }
    if (bus.wants.icmpv6_mld_report_v2) bus.queue("icmpv6_mld_report_v2", this.val(), read);
  }

  /**
   * The fixed part of an ND message before its options must be captured,
   * else no event and a weird that Zeek's ICMP packet analyzer reports
   * without the connection (a net weird), saying how much was wanted and
   * captured.
   */
  private ndBody(captured: number, optOffset: number, weird: string): boolean {
    if (captured >= optOffset) return true;
    this.ctx.weirds.net(weird, `${optOffset} (length ${captured})`, "ICMP");
    return false;
  }

  private sent(pkt: Packet, len: number, body: () => Uint8Array): void {
    const bus = this.ctx.bus;
    if (bus.wants.icmp_sent) bus.queue("icmp_sent", this.val(), this.info(pkt, len));
    if (bus.wants.icmp_sent_payload) bus.queue("icmp_sent_payload", this.val(), this.info(pkt, len), body());
  }
}

const ICMP_EVENTS = [
  "icmp_sent",
  "icmp_sent_payload",
  "icmp_echo_request",
  "icmp_echo_reply",
  "icmp_unreachable",
  "icmp_time_exceeded",
  "icmp_packet_too_big",
  "icmp_parameter_problem",
  "icmp_error_message",
  "icmp_redirect",
  "icmp_router_solicitation",
  "icmp_router_advertisement",
  "icmp_neighbor_solicitation",
  "icmp_neighbor_advertisement",
] as const;

function anyIcmpEventWanted(bus: EventBus): boolean {
  for (let i = 0; i < ICMP_EVENTS.length; i++) if (bus.has(ICMP_EVENTS[i]!)) return true;
  return false;
}

/** An IPv6 address at `at` if fully present, else "::". */
function addrAt(d: Uint8Array, at: number, end: number): string {
  if (at + 16 > end) return "::";
  return formatAddr(u32(d, at), u32(d, at + 4), u32(d, at + 8), u32(d, at + 12));
}

/** Ports of the quoted transport header (TCP/UDP ports, ICMP type/counterpart). */
function contextPorts(d: Uint8Array, at: number, proto: number, id: ConnId): void {
  if (proto === IPPROTO_TCP || proto === IPPROTO_UDP) {
    id.orig_p = u16(d, at);
    id.resp_p = u16(d, at + 2);
  } else if (proto === IPPROTO_ICMP || proto === IPPROTO_ICMPV6) {
    // Zeek stores these in network order without converting back: a quoted
    // echo request (128) shows as port 32768 (corpus: ipv6_zero_len_ah.pcap).
    const keys = icmpKeyPorts(d[at]!, d[at + 1]!, proto === IPPROTO_ICMPV6);
    id.orig_p = swap16(keys & 0xffff);
    id.resp_p = swap16((keys >>> 16) & 0x7fff);
  }
}

function swap16(p: number): number {
  return ((p & 0xff) << 8) | (p >>> 8);
}

/** IPv6 extension headers walked in a quoted packet: hop-by-hop, routing, fragment, AH, destination options. */
function skipIpv6Extensions(d: Uint8Array, at: number, end: number, next: number): { at: number; proto: number } {
  for (;;) {
    if (next === IPPROTO_HOPOPTS || next === IPPROTO_ROUTING || next === IPPROTO_DSTOPTS) {
      if (at + 2 > end) break;
      const n = d[at]!;
      at += (d[at + 1]! + 1) * 8;
      next = n;
    } else if (next === IPPROTO_FRAGMENT) {
      if (at + 8 > end) break;
      next = d[at]!;
      at += 8;
    } else if (next === IPPROTO_AH) {
      if (at + 2 > end) break;
      const n = d[at]!;
      at += (d[at + 1]! + 2) * 4;
      next = n;
    } else break;
  }
  return { at, proto: next };
}

/** A context quoting nothing. Its id's proto is the ICMP message's own (1 or 58), whatever the quoted packet carries, as Zeek fills it. */
function emptyContext(icmpProto: number): IcmpContext {
  return {
    id: { orig_h: "::", orig_p: 0, resp_h: "::", resp_p: 0, transport: "unknown_transport", proto: icmpProto },
    len: 0,
    proto: 0,
    frag_offset: 0,
    bad_hdr_len: true,
    bad_checksum: false,
    MF: false,
    DF: false,
  };
}

/** The IPv4 packet quoted in an ICMP error (Zeek's ExtractICMP4Context). */
export function icmp4Context(d: Uint8Array, at: number, end: number): IcmpContext {
  const len = end - at;
  const ctx = emptyContext(IPPROTO_ICMP);
  const hl = len >= 1 ? (d[at]! & 0xf) * 4 : 0;
  if (len < IPV4_MIN_HEADER || hl > len) return ctx;
  ctx.bad_hdr_len = false;
  ctx.len = u16(d, at + 2);
  ctx.bad_checksum = !ipv4HeaderChecksumOk(d, at, hl);
  const fragWord = u16(d, at + 6);
  ctx.DF = (fragWord & 0x4000) !== 0;
  ctx.MF = (fragWord & 0x2000) !== 0;
  ctx.frag_offset = (fragWord & 0x1fff) * 8;
  const proto = d[at + 9]!;
  ctx.id.orig_h = formatAddr(0, 0, 0xffff, u32(d, at + 12));
  ctx.id.resp_h = formatAddr(0, 0, 0xffff, u32(d, at + 16));
  if (len >= hl + 4) {
    ctx.proto = CONTEXT_PROTO[proto] ?? 0;
    ctx.id.transport = CONTEXT_TRANSPORT[proto] ?? "unknown_transport";
    contextPorts(d, at + hl, proto, ctx.id);
  } else ctx.bad_hdr_len = true;
  return ctx;
}

/** The IPv6 packet quoted in an ICMPv6 error (Zeek's ExtractICMP6Context; fixed header only). */
export function icmp6Context(d: Uint8Array, at: number, end: number): IcmpContext {
  const len = end - at;
  const ctx = emptyContext(IPPROTO_ICMPV6);
  if (len < IPV6_HEADER) return ctx;
  ctx.bad_hdr_len = false;
  ctx.len = u16(d, at + 4) + IPV6_HEADER;
  const chain = skipIpv6Extensions(d, at + IPV6_HEADER, end, d[at + 6]!);
  const proto = chain.proto;
  ctx.id.orig_h = formatAddr(u32(d, at + 8), u32(d, at + 12), u32(d, at + 16), u32(d, at + 20));
  ctx.id.resp_h = formatAddr(u32(d, at + 24), u32(d, at + 28), u32(d, at + 32), u32(d, at + 36));
  if (end >= chain.at + 4) {
    ctx.proto = CONTEXT_PROTO[proto] ?? 0;
    ctx.id.transport = CONTEXT_TRANSPORT[proto] ?? "unknown_transport";
    contextPorts(d, chain.at, proto, ctx.id);
  } else ctx.bad_hdr_len = true;
  return ctx;
}
