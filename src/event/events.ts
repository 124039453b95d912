/**
 * Every event bronze raises, with its argument types: the typed map that
 * `engine.on(name, handler)` is checked against. Semantics follow Zeek's
 * (docs/events.md describes when each fires).
 *
 * The core's events are listed here. A protocol analyzer adds its own from
 * its folder, types and names together, without editing this file: it
 * declares an interface of its events, merges it into EventMap
 * (`declare module ".../event/events.js" { interface EventMap extends SshEvents {} }`)
 * and registers the names at load time with `registerEvents<SshEvents>({...})`,
 * whose argument the compiler checks complete. An event bus built afterwards
 * knows every registered name (see docs/analyzers.md; src/protocol-events.ts
 * lists the interfaces for the package's declarations).
 */
import type {
  AnalyzerConfirmationInfo,
  AnalyzerViolationInfo,
  Connection,
  ConnId,
  EncapsulatingConn,
  GtpCreatePdpCtxRequestElements,
  GtpCreatePdpCtxResponseElements,
  GtpDeletePdpCtxRequestElements,
  GtpDeletePdpCtxResponseElements,
  GtpUpdatePdpCtxRequestElements,
  GtpUpdatePdpCtxResponseElements,
  Gtpv1Hdr,
  Icmp6NdOption,
  IcmpContext,
  IcmpInfo,
  Mldv2Record,
  PcapPacket,
  PktHdr,
  RawPktHdr,
  SynPacket,
  TcpOption,
  TeredoHdr,
  Weird,
} from "./records.js";

/** The events of the core (engine, connections, transports, analyzer framework). */
export interface CoreEvents {
  // ---- engine life cycle
  zeek_init: [];
  zeek_done: [];
  /** The trace or interface is exhausted; before remaining state is flushed. */
  net_done: [t: number];

  // ---- anomalies
  weird: [w: Weird];
  /** Zeek's net_weird: an anomaly not tied to any flow (raised with `weird`, after it, when handled). */
  net_weird: [name: string, addl: string, source: string];
  /** Zeek's flow_weird: an anomaly between two addresses, no connection. */
  flow_weird: [name: string, src: string, dst: string, addl: string, source: string];
  /** Zeek's conn_weird: an anomaly of a connection. */
  conn_weird: [name: string, c: Connection, addl: string, source: string];
  /** A packet analyzer found nothing for the protocol its header names (sampled; see packet/unknown-protocols.ts). */
  unknown_protocol: [analyzer_name: string, protocol: number, first_bytes: string, analyzer_history: string[]];

  // ---- connection life cycle (all transports)
  new_connection: [c: Connection];
  connection_flipped: [c: Connection];
  connection_timeout: [c: Connection];
  connection_state_remove: [c: Connection];
  connection_reused: [c: Connection];
  connection_status_update: [c: Connection];
  conn_bytes_threshold_crossed: [c: Connection, threshold: number, is_orig: boolean];
  conn_packets_threshold_crossed: [c: Connection, threshold: number, is_orig: boolean];
  conn_duration_threshold_crossed: [c: Connection, threshold: number, is_orig: boolean];
  new_packet: [c: Connection, p: PktHdr];
  /**
   * bronze's own: raised just before new_connection for a connection that
   * came through tunnels (c.tunnel set), so that scripts about tunnels (the
   * tunnel log) need no new_connection handler, which would make every
   * connection build its record at creation.
   */
  new_tunnelled_connection: [c: Connection];
  /** A connection's packets now come through other tunnels (or none): `e` is the new stack (Zeek's CheckEncapsulation). */
  tunnel_changed: [c: Connection, e: readonly EncapsulatingConn[]];

  // ---- TCP
  connection_SYN_packet: [c: Connection, pkt: SynPacket];
  connection_established: [c: Connection];
  connection_first_ACK: [c: Connection];
  connection_attempt: [c: Connection];
  connection_rejected: [c: Connection];
  connection_reset: [c: Connection];
  connection_finished: [c: Connection];
  connection_half_finished: [c: Connection];
  connection_partial_close: [c: Connection];
  connection_pending: [c: Connection];
  partial_connection: [c: Connection];
  connection_EOF: [c: Connection, is_orig: boolean];
  tcp_packet: [c: Connection, is_orig: boolean, flags: string, seq: number, ack: number, len: number, payload: Uint8Array];
  tcp_option: [c: Connection, is_orig: boolean, opt: number, optlen: number];
  tcp_options: [c: Connection, is_orig: boolean, options: TcpOption[]];
  tcp_multiple_checksum_errors: [c: Connection, is_orig: boolean, threshold: number];
  tcp_multiple_retransmissions: [c: Connection, is_orig: boolean, threshold: number];
  tcp_multiple_zero_windows: [c: Connection, is_orig: boolean, threshold: number];
  tcp_multiple_gap: [c: Connection, is_orig: boolean, threshold: number];

  // ---- TCP reassembly
  new_connection_contents: [c: Connection];
  tcp_contents: [c: Connection, is_orig: boolean, seq: number, contents: Uint8Array];
  content_gap: [c: Connection, is_orig: boolean, seq: number, length: number];
  rexmit_inconsistency: [c: Connection, t1: Uint8Array, t2: Uint8Array, tcp_flags: string];
  tcp_rexmit: [c: Connection, is_orig: boolean, seq: number, len: number, data_in_flight: number, window: number];
  /** Writing a contents file (setContentsFile) failed; `msg` says why. The file is closed, the engine carries on. */
  contents_file_write_failure: [c: Connection, msg: string];

  // ---- UDP
  udp_request: [u: Connection];
  udp_reply: [u: Connection];
  udp_contents: [u: Connection, is_orig: boolean, contents: Uint8Array];
  udp_session_done: [u: Connection];
  udp_multiple_checksum_errors: [u: Connection, is_orig: boolean, threshold: number];

  // ---- ICMP
  icmp_sent: [c: Connection, info: IcmpInfo];
  icmp_sent_payload: [c: Connection, info: IcmpInfo, payload: Uint8Array];
  icmp_echo_request: [c: Connection, info: IcmpInfo, id: number, seq: number, payload: Uint8Array];
  icmp_echo_reply: [c: Connection, info: IcmpInfo, id: number, seq: number, payload: Uint8Array];
  icmp_unreachable: [c: Connection, info: IcmpInfo, code: number, context: IcmpContext];
  icmp_time_exceeded: [c: Connection, info: IcmpInfo, code: number, context: IcmpContext];
  icmp_packet_too_big: [c: Connection, info: IcmpInfo, code: number, context: IcmpContext];
  icmp_parameter_problem: [c: Connection, info: IcmpInfo, code: number, context: IcmpContext];
  icmp_error_message: [c: Connection, info: IcmpInfo, code: number, context: IcmpContext];
  icmp_redirect: [c: Connection, info: IcmpInfo, tgt: string, dest: string, options: Icmp6NdOption[]];
  icmp_router_solicitation: [c: Connection, info: IcmpInfo, options: Icmp6NdOption[]];
  /** An MLDv1 listener report (ICMPv6 131): the multicast group. */
  icmpv6_mld_report_v1: [c: Connection, group_addr: string];
  /** An MLDv1 listener done (132). */
  icmpv6_mld_done_v1: [c: Connection, group_addr: string];
  /** An MLDv2 listener report (143): its multicast address records read before any cut short. */
  icmpv6_mld_report_v2: [c: Connection, groups: Mldv2Record[]];
  /** An ND router advertisement: its flags, its lifetime and timers (intervals in seconds) and options. */
  icmp_router_advertisement: [
    c: Connection,
    info: IcmpInfo,
    cur_hop_limit: number,
    managed: boolean,
    other: boolean,
    home_agent: boolean,
    pref: number,
    proxy: boolean,
    rsv: number,
    router_lifetime: number,
    reachable_time: number,
    retrans_timer: number,
    options: Icmp6NdOption[],
  ];
  icmp_neighbor_solicitation: [c: Connection, info: IcmpInfo, tgt: string, options: Icmp6NdOption[]];
  icmp_neighbor_advertisement: [c: Connection, info: IcmpInfo, router: boolean, solicited: boolean, override: boolean, tgt: string, options: Icmp6NdOption[]];

  // ---- analyzer framework (atype is the analyzer's Zeek name, e.g. "HTTP")
  /** An analyzer is sure it parses its protocol (once per analyzer); the dpd script adds it to c.service. */
  analyzer_confirmation_info: [atype: string, info: AnalyzerConfirmationInfo];
  /** An analyzer found data that is not its protocol; the dpd script may disable it. */
  analyzer_violation_info: [atype: string, info: AnalyzerViolationInfo];
  /** The dpd script disabled an analyzer after a violation (analyzer.log is written from it). */
  analyzer_failed: [ts: number, atype: string, info: AnalyzerViolationInfo];
  /** A DPD signature enabled `atype` after the PIA's buffer was full (dpd_match_only_beginning=F): nothing was started. */
  protocol_late_match: [c: Connection, atype: string];

  // ---- reporter framework (reporter.log rows, also given to scripts as they are reported)
  /** An informational message about the run; `location` is "" when the message is about no script. */
  reporter_info: [t: number, msg: string, location: string];
  /** A warning about the run (e.g. most checksums bad: the interface offloads them). */
  reporter_warning: [t: number, msg: string, location: string];
  /** An error in the run (e.g. a handler that threw); the run carries on. */
  reporter_error: [t: number, msg: string, location: string];
  /** A new connection got the analyzer `a` (Zeek name) an expected connection scheduled for it (Analyzer::schedule_analyzer). */
  scheduled_analyzer_applied: [c: Connection, a: string];

  // ---- scripts
  /** After zeek_init, once per Zeek script file the command line loads in Zeek, in load order: its path and @load depth (scripts/loaded-scripts.ts). */
  zeek_script_loaded: [path: string, level: number];

  // ---- packets (packet analysis, before sessions)
  /** Every packet read, after its analysis and its other events: its link, IP and transport headers (Zeek's raw_packet). */
  raw_packet: [p: RawPktHdr];
  /** An ARP request: the frame's MAC addresses, then the sender's and target's protocol (IPv4) and hardware addresses. */
  arp_request: [mac_src: string, mac_dst: string, SPA: string, SHA: string, TPA: string, THA: string];
  /** An ARP reply, with the arguments of arp_request. */
  arp_reply: [mac_src: string, mac_dst: string, SPA: string, SHA: string, TPA: string, THA: string];
  /** An ARP message Zeek's analyzer cannot take, with its explanation ("weird-arp-sha", "corrupt-arp-header (…)", …). */
  bad_arp: [SPA: string, SHA: string, TPA: string, THA: string, explanation: string];

  // ---- tunnels
  /** A VXLAN packet of connection `c` whose inner packet was analysed: the inner IP headers and the VNI. */
  vxlan_packet: [c: Connection, inner: PktHdr, vni: number];
  /** A Geneve packet of connection `c` whose inner packet was analysed: the inner IP headers and the VNI. */
  geneve_packet: [c: Connection, inner: PktHdr, vni: number];
  /** The first valid Teredo packet of connection `c` (Zeek's new_teredo_state), before the analyzer's confirmation. */
  new_teredo_state: [c: Connection];
  /** Every valid Teredo packet, before the inner packet is analysed. */
  teredo_packet: [outer: Connection, inner: TeredoHdr];
  /** A valid Teredo packet with an authentication header. */
  teredo_authentication: [outer: Connection, inner: TeredoHdr];
  /** A valid Teredo packet with an origin indication. */
  teredo_origin_indication: [outer: Connection, inner: TeredoHdr];
  /** A Teredo bubble: an IPv6 header with no next header. */
  teredo_bubble: [outer: Connection, inner: TeredoHdr];

  // ---- IPv6
  /** A packet of connection `c` with IPv6 extension headers: its headers, the chain included; just before new_packet. */
  ipv6_ext_headers: [c: Connection, p: PktHdr];
  /** An IPv6 packet whose header chain ends in ESP (nothing after it can be read): its headers. */
  esp_packet: [p: PktHdr];
  /** A side of connection `c` sent a packet with another IPv6 flow label than its previous one. */
  connection_flow_label_changed: [c: Connection, is_orig: boolean, old_label: number, new_label: number];

  // ---- GTPv1 (UDP 2152 and 2123)
  /** The GTPv1 analyzer's first packet of connection `c` (Zeek's scripts hook its state's cleanup on it). */
  new_gtpv1_state: [c: Connection];
  /** Every GTPv1 message (version 1, GTP not GTP'), before its own event: the header. */
  gtpv1_message: [c: Connection, hdr: Gtpv1Hdr];
  /** A T-PDU whose inner IP packet parsed: the header and the inner packet's headers, after the confirmation and before the inner packet is analysed. */
  gtpv1_g_pdu_packet: [outer: Connection, inner_gtp: Gtpv1Hdr, inner_ip: PktHdr];
  /** GTPv1-C Create PDP Context Request (message 16): the header and the information elements. */
  gtpv1_create_pdp_ctx_request: [c: Connection, hdr: Gtpv1Hdr, elements: GtpCreatePdpCtxRequestElements];
  /** Create PDP Context Response (17). */
  gtpv1_create_pdp_ctx_response: [c: Connection, hdr: Gtpv1Hdr, elements: GtpCreatePdpCtxResponseElements];
  /** Update PDP Context Request (18). */
  gtpv1_update_pdp_ctx_request: [c: Connection, hdr: Gtpv1Hdr, elements: GtpUpdatePdpCtxRequestElements];
  /** Update PDP Context Response (19). */
  gtpv1_update_pdp_ctx_response: [c: Connection, hdr: Gtpv1Hdr, elements: GtpUpdatePdpCtxResponseElements];
  /** Delete PDP Context Request (20). */
  gtpv1_delete_pdp_ctx_request: [c: Connection, hdr: Gtpv1Hdr, elements: GtpDeletePdpCtxRequestElements];
  /** Delete PDP Context Response (21). */
  gtpv1_delete_pdp_ctx_response: [c: Connection, hdr: Gtpv1Hdr, elements: GtpDeletePdpCtxResponseElements];

  // ---- Mobile IPv6
  /** An IPv6 packet whose header chain ends in a Mobility Header with a good checksum: its headers, the message in the last one's `mobility.msg`. */
  mobile_ipv6_message: [p: PktHdr];

  // ---- packet sources and network time
  /** The trace (or interface) `path` was read to its end, before net_done (Zeek's pcap and pcapng sources as they close). */
  "Pcap::file_done": [path: string];
  /** Network time was set, by the first packet: raised before anything that packet causes. */
  network_time_init: [];

  // ---- anomalies of removed connections
  /** Reporter::conn_weird about a connection already removed (from a scheduled event): its id and uid, sampled per connection tuple. */
  expired_conn_weird: [name: string, id: ConnId, uid: string, addl: string, source: string];

  // ---- packet payloads
  /** Every packet of connection `c` with transport bytes: TCP's whole segment (header included), the UDP, ICMP or unknown transport's payload; before the checksum check. */
  packet_contents: [c: Connection, contents: Uint8Array];

  // ---- packets no analysis took
  /** A packet no TCP, UDP or ICMP connection took and ARP did not read (Zeek's packet->processed unset): after its analysis, before raw_packet. */
  packet_not_processed: [pkt: PcapPacket];
}

/** Every event: the core's, merged with those each protocol folder adds. */
export interface EventMap extends CoreEvents {}

export type EventName = keyof EventMap;
export type Handler<E extends EventName> = (...args: EventMap[E]) => void;

/**
 * Every event name known at run time: the core's, in CoreEvents order (the
 * compiler checks the list is complete), then those registered by protocol
 * folders. A bus builds its `wants` table from it when it is constructed, so
 * every entry exists from the start, as a boolean.
 */
const eventNames: EventName[] = Object.keys({
  zeek_init: true,
  zeek_done: true,
  net_done: true,
  weird: true,
  net_weird: true,
  flow_weird: true,
  conn_weird: true,
  unknown_protocol: true,
  new_connection: true,
  connection_flipped: true,
  connection_timeout: true,
  connection_state_remove: true,
  connection_reused: true,
  connection_status_update: true,
  conn_bytes_threshold_crossed: true,
  conn_packets_threshold_crossed: true,
  conn_duration_threshold_crossed: true,
  new_packet: true,
  new_tunnelled_connection: true,
  tunnel_changed: true,
  connection_SYN_packet: true,
  connection_established: true,
  connection_first_ACK: true,
  connection_attempt: true,
  connection_rejected: true,
  connection_reset: true,
  connection_finished: true,
  connection_half_finished: true,
  connection_partial_close: true,
  connection_pending: true,
  partial_connection: true,
  connection_EOF: true,
  tcp_packet: true,
  tcp_option: true,
  tcp_options: true,
  tcp_multiple_checksum_errors: true,
  tcp_multiple_retransmissions: true,
  tcp_multiple_zero_windows: true,
  tcp_multiple_gap: true,
  new_connection_contents: true,
  tcp_contents: true,
  content_gap: true,
  rexmit_inconsistency: true,
  tcp_rexmit: true,
  contents_file_write_failure: true,
  udp_request: true,
  udp_reply: true,
  udp_contents: true,
  udp_session_done: true,
  udp_multiple_checksum_errors: true,
  icmp_sent: true,
  icmp_sent_payload: true,
  icmp_echo_request: true,
  icmp_echo_reply: true,
  icmp_unreachable: true,
  icmp_time_exceeded: true,
  icmp_packet_too_big: true,
  icmp_parameter_problem: true,
  icmp_error_message: true,
  icmp_redirect: true,
  icmp_router_solicitation: true,
  icmpv6_mld_report_v1: true,
  icmpv6_mld_done_v1: true,
  icmpv6_mld_report_v2: true,
  icmp_router_advertisement: true,
  icmp_neighbor_solicitation: true,
  icmp_neighbor_advertisement: true,
  analyzer_confirmation_info: true,
  analyzer_violation_info: true,
  analyzer_failed: true,
  protocol_late_match: true,
  reporter_info: true,
  reporter_warning: true,
  reporter_error: true,
  scheduled_analyzer_applied: true,
  zeek_script_loaded: true,
  raw_packet: true,
  arp_request: true,
  arp_reply: true,
  bad_arp: true,
  vxlan_packet: true,
  geneve_packet: true,
  new_teredo_state: true,
  teredo_packet: true,
  teredo_authentication: true,
  teredo_origin_indication: true,
  teredo_bubble: true,
  ipv6_ext_headers: true,
  esp_packet: true,
  connection_flow_label_changed: true,
  new_gtpv1_state: true,
  gtpv1_message: true,
  gtpv1_g_pdu_packet: true,
  gtpv1_create_pdp_ctx_request: true,
  gtpv1_create_pdp_ctx_response: true,
  gtpv1_update_pdp_ctx_request: true,
  gtpv1_update_pdp_ctx_response: true,
  gtpv1_delete_pdp_ctx_request: true,
  gtpv1_delete_pdp_ctx_response: true,
  mobile_ipv6_message: true,
  "Pcap::file_done": true,
  network_time_init: true,
  expired_conn_weird: true,
  packet_contents: true,
  packet_not_processed: true,
} satisfies Record<keyof CoreEvents, true>) as EventName[];
const known = new Set<string>(eventNames);

export const EVENT_NAMES: readonly EventName[] = eventNames;

/**
 * Adds a protocol's events to the run-time list (the type side is the
 * EventMap merge). `names` must list every key of `M`: the compiler checks it.
 * Call it at module load, before engines are built; a name already known is
 * an error (two folders may not define the same event).
 */
export function registerEvents<M>(names: { [K in keyof M]: true }): void {
  for (const name of Object.keys(names)) {
    if (known.has(name)) throw new Error(`event ${name} is defined twice`);
    known.add(name);
    eventNames.push(name as EventName);
  }
}

/** True when `name` is an event bronze can raise (core or registered). */
export function isEventName(name: string): name is EventName {
  return known.has(name);
}

/** Zeek's old names, still accepted for registration. */
export const EVENT_ALIASES: Readonly<Record<string, EventName>> = {
  bro_init: "zeek_init",
  bro_done: "zeek_done",
};
