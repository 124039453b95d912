/**
 * The records handed to event handlers, shaped like Zeek's script-level types
 * so a Zeek user recognises them (`c.id.orig_h`, `c.orig.state`, `c.history`).
 *
 * The session layer builds one Connection record per connection, only when some
 * handler needs it, and refreshes its fields each time an event about that
 * connection is queued (as Zeek refreshes `connection` at event creation).
 */

/** Endpoint states of a TCP endpoint, as `c.orig.state` / `c.resp.state` hold them. */
export const TcpState = {
  INACTIVE: 0,
  SYN_SENT: 1,
  SYN_ACK_SENT: 2,
  PARTIAL: 3,
  ESTABLISHED: 4,
  CLOSED: 5,
  RESET: 6,
} as const;
export type TcpState = (typeof TcpState)[keyof typeof TcpState];

/** Endpoint states of UDP, ICMP and other connections: 1 once the side sent a valid packet. */
export const UdpState = { INACTIVE: 0, ACTIVE: 1 } as const;
export type UdpState = (typeof UdpState)[keyof typeof UdpState];

/** The transport of a connection, as Zeek's `get_port_transport_proto` names it. */
export type Transport = "tcp" | "udp" | "icmp" | "unknown_transport";

/** A connection's identity: Zeek's `conn_id`. Addresses are in Zeek's text form. */
export interface ConnId {
  orig_h: string;
  orig_p: number;
  resp_h: string;
  resp_p: number;
  /** Transport of the ports (Zeek's `port` type carries it). */
  transport: Transport;
  /** IP protocol number (6, 17, 1, 58, …). */
  proto: number;
  /** Zeek's conn_id_ctx, when a script gave it fields (policy/frameworks/conn_key/vlan_fivetuple: the VLAN ids of the key, each unset when the packet had no such tag). */
  ctx?: ConnIdCtx;
}

/** Zeek's conn_id_ctx as policy/frameworks/conn_key/vlan_fivetuple extends it: a connection's VLAN ids, each when its first packet had that tag. */
export interface ConnIdCtx {
  vlan?: number;
  inner_vlan?: number;
}

/** One side of a connection: Zeek's `endpoint`. */
export interface Endpoint {
  /** Bytes sent: TCP sequence-space size, UDP payload sum, ICMP payload sum. */
  size: number;
  /** TcpState for TCP, UdpState otherwise. */
  state: number;
  /** Packets counted (Zeek's ConnSize analyzer); unset on a connection without ConnSize (Analyzer::disable_all). */
  num_pkts?: number;
  /** Sum of IP total lengths of those packets. */
  num_bytes_ip?: number;
  /** IPv6 flow label of the last packet (0 for IPv4). */
  flow_label: number;
  /** Link-layer address ("aa:bb:cc:dd:ee:ff"), when the link has one. */
  l2_addr?: string;
}

/** Zeek's `connection` record. */
export interface Connection {
  id: ConnId;
  orig: Endpoint;
  resp: Endpoint;
  /** Timestamp of the first packet. */
  start_time: number;
  /** last_time − start_time. */
  duration: number;
  /**
   * Names of the analyzers that confirmed the protocol, in the order they
   * did, as Zeek's scripts see them ("HTTP", "SSL"; "ftp-data" as the FTP
   * script adds it); conn.log writes them in lower case.
   */
  service: Set<string>;
  /** Analyzers removed after a violation that followed their confirmation (the dpd script's c$failed_analyzers). */
  failed_analyzers?: Set<string>;
  /** Zeek's history string (Connection::CheckHistory). */
  history: string;
  /** Zeek-format unique id ("C…"). */
  uid: string;
  /** Outer tunnel uids, when the connection was seen inside a tunnel. */
  tunnel_parents?: Set<string>;
  /** The tunnels the connection's first packet came through, outermost first (Zeek's c$tunnel). */
  tunnel?: readonly EncapsulatingConn[];
  /** The first packet's outer and inner 802.1Q VLAN ids (absent when none; kept when policy/protocols/conn/vlan-logging is loaded). */
  vlan?: number;
  inner_vlan?: number;
  /** The first packet's PPPoE session id (kept when policy/protocols/conn/pppoe-session-id-logging is loaded). */
  pppoe_session_id?: number;
  /** Zeek's c$removal_hooks: the protocol scripts' finalizers to run at removal (src/scripts/removal-hooks.ts). */
  removal_hooks?: RemovalHook[];
}

/** Conn::RemovalHook: a protocol script's finalizer, and its definition order (the order hooks run in). */
export interface RemovalHook {
  readonly run: (c: Connection) => void;
  readonly order: number;
}

/** One tunnel a connection came through: Zeek's `EncapsulatingConn`. */
export interface EncapsulatingConn {
  /** The tunnel's endpoints (ports 0 for IP tunnels). */
  cid: { orig_h: string; orig_p: number; resp_h: string; resp_p: number; proto: number };
  /** Zeek's Tunnel::Type, e.g. "Tunnel::VXLAN", "Tunnel::IP", "Tunnel::GRE". */
  tunnel_type: string;
  /** The tunnel's uid: the outer connection's, or the IP tunnel's own. */
  uid?: string;
}

/** Details of a SYN or SYN-ACK: Zeek's `SYN_packet`. */
export interface SynPacket {
  is_orig: boolean;
  DF: boolean;
  ttl: number;
  /** IP total length of the packet. */
  size: number;
  /** Raw (unscaled) window field. */
  win_size: number;
  /** Window scale option, −1 when absent. */
  win_scale: number;
  /** MSS option, 0 when absent. */
  MSS: number;
  SACK_OK: boolean;
  TSval?: number;
  TSecr?: number;
}

/** A parsed TCP option: Zeek's `TCP::Option`. */
export interface TcpOption {
  kind: number;
  length: number;
  data?: Uint8Array;
  mss?: number;
  window_scale?: number;
  sack?: number[];
  send_timestamp?: number;
  echo_timestamp?: number;
  /** Kind 27, a Quick-Start Response: its rate request, TTL difference and nonce (the nonce word as it is, 32 bits). */
  rate?: number;
  ttl_diff?: number;
  qs_nonce?: number;
}

/** Header fields of an ICMP message: Zeek's `icmp_info`. */
/** Zeek's icmp6_mldv2_mar: one multicast address record of an MLDv2 report. */
export interface Mldv2Record {
  /** icmp6_mldv2_group_type's name ("MLDV2_MODE_IS_INCLUDE", …). */
  group_type: string;
  /** The auxiliary data's length in bytes. */
  aux_data_len: number;
  num_sources: number;
  multicast_addr: string;
  sources: string[];
  /** The auxiliary data (one character per byte), when there is any. */
  aux_data?: string;
}

export interface IcmpInfo {
  v6: boolean;
  itype: number;
  icode: number;
  /** Payload length (IP payload minus the 8-byte ICMP header). */
  len: number;
  ttl: number;
}

/** The packet quoted inside an ICMP error: Zeek's `icmp_context`. */
export interface IcmpContext {
  id: ConnId;
  len: number;
  proto: number;
  frag_offset: number;
  bad_hdr_len: boolean;
  bad_checksum: boolean;
  MF: boolean;
  DF: boolean;
}

/** Zeek's icmp6_nd_prefix_info: an ND Prefix Information option (RFC 4861 §4.6.2). */
export interface Icmp6NdPrefixInfo {
  prefix_len: number;
  L_flag: boolean;
  A_flag: boolean;
  /** Seconds (0xffffffff is infinity). */
  valid_lifetime: number;
  preferred_lifetime: number;
  prefix: string;
}

/**
 * Zeek's icmp6_nd_option: one option of an ICMPv6 neighbour discovery
 * message. A known option there in full fills its field; an unknown or cut
 * one has its bytes after type and length in `payload`.
 */
export interface Icmp6NdOption {
  otype: number;
  /** In units of 8 bytes, type and length included. */
  len: number;
  /** Source (1) or target (2) link-layer address, one character per byte. */
  link_address?: string;
  prefix?: Icmp6NdPrefixInfo;
  /** The packet a Redirected Header option (4) quotes. */
  redirect?: IcmpContext;
  mtu?: number;
  /** One character per byte. */
  payload?: string;
}

/** An anomaly report: what weird.log records. */
export interface Weird {
  /** Network time of the report. */
  ts: number;
  /** Zeek's exact weird name, e.g. "bad_TCP_checksum". */
  name: string;
  /** Extra detail, "" when none. */
  addl: string;
  /** The connection, when the anomaly belongs to one. */
  conn?: Connection;
  /** Source and destination addresses for flow-level weirds without a connection. */
  src?: string;
  dst?: string;
  /** Which part of the engine reported it ("IP", "TCP", "UDP", …), weird.log's `source`. */
  source: string;
}

/** Zeek's `AnalyzerConfirmationInfo`: which analyzer instance confirmed, on which connection. */
export interface AnalyzerConfirmationInfo {
  /** The connection, for protocol analyzers. */
  c?: Connection;
  /** The analyzer instance's id (unique in the run), for disable_analyzer. */
  aid: number;
}

/** Zeek's `AnalyzerViolationInfo`: why an analyzer thinks the data is not its protocol. */
export interface AnalyzerViolationInfo {
  reason: string;
  c?: Connection;
  /** The file a file analyzer (ZIP) was reading. */
  f?: import("../files/file.js").FaFile;
  aid: number;
  /** The offending bytes as text (latin1), when the analyzer gave them. */
  data?: string;
}

/** Zeek's `l2_hdr`: a frame's link layer as raw_packet reports it (src/packet/pkt-hdr.ts). */
export interface L2Hdr {
  /** Zeek's link_encap: "LINK_ETHERNET" for DLT_EN10MB frames, else "LINK_UNKNOWN". */
  encap: "LINK_ETHERNET" | "LINK_UNKNOWN";
  /** The frame's length on the wire and as captured. */
  len: number;
  cap_len: number;
  /** Ethernet only: the frame's first MAC addresses ("00:00:00:00:00:00" when cut off). */
  src?: string;
  dst?: string;
  /** Ethernet only, when tagged: the outer and inner 802.1Q tags' id, priority code point and drop-eligible bit. */
  vlan?: number;
  vlan_pcp?: number;
  vlan_dei?: boolean;
  inner_vlan?: number;
  inner_vlan_pcp?: number;
  inner_vlan_dei?: boolean;
  /** Ethernet only: the type (or 802.3 length) the Ethernet header named, or the last VLAN tag's EtherType; 0 when none. */
  eth_type?: number;
  /** Zeek's layer3_proto. */
  proto: "L3_IPV4" | "L3_IPV6" | "L3_ARP" | "L3_UNKNOWN";
}

/** Zeek's `ip4_hdr`. */
export interface Ip4Hdr {
  hl: number;
  tos: number;
  len: number;
  id: number;
  DF: boolean;
  MF: boolean;
  /** Fragment offset in 8-byte units. */
  offset: number;
  ttl: number;
  p: number;
  sum: number;
  src: string;
  dst: string;
}

/** Zeek's `ip6_option` (Pad1 has len 0 and no data). Strings are latin1 bytes. */
export interface Ip6Option {
  otype: number;
  len: number;
  data: string;
}

/** Zeek's `ip6_hopopts` and `ip6_dstopts`. */
export interface Ip6Options {
  nxt: number;
  len: number;
  options: Ip6Option[];
}

/** Zeek's `ip6_routing`. */
export interface Ip6Routing {
  nxt: number;
  len: number;
  rtype: number;
  segleft: number;
  data: string;
}

/** Zeek's `ip6_fragment` (offset in 8-byte units). */
export interface Ip6Fragment {
  nxt: number;
  rsv1: number;
  offset: number;
  rsv2: number;
  more: boolean;
  id: number;
}

/** Zeek's `ip6_ah` (seq and data only when the header has them). */
export interface Ip6Ah {
  nxt: number;
  len: number;
  rsv: number;
  spi: number;
  seq?: number;
  data?: string;
}

/** Zeek's `ip6_esp`. */
export interface Ip6Esp {
  spi: number;
  seq: number;
}

/** Zeek's `ip6_mobility_hdr`: the Mobility Header (RFC 6275 §6.1) and its message. */
export interface Ip6MobilityHdr {
  nxt: number;
  len: number;
  mh_type: number;
  rsv: number;
  chksum: number;
  msg: Ip6MobilityMsg;
}

/**
 * Zeek's `ip6_mobility_msg`: `id` is the MH type; the one field of that
 * type is set when the header is long enough for its fixed part (types 0 to
 * 7), each with the mobility options after it. 64-bit cookies and tokens
 * are bigints.
 */
export interface Ip6MobilityMsg {
  id: number;
  /** Binding Refresh Request (0). */
  brr?: { rsv: number; options: Ip6Option[] };
  /** Home Test Init (1), Care-of Test Init (2). */
  hoti?: { rsv: number; cookie: bigint; options: Ip6Option[] };
  coti?: { rsv: number; cookie: bigint; options: Ip6Option[] };
  /** Home Test (3), Care-of Test (4). */
  hot?: { nonce_idx: number; cookie: bigint; token: bigint; options: Ip6Option[] };
  cot?: { nonce_idx: number; cookie: bigint; token: bigint; options: Ip6Option[] };
  /** Binding Update (5): sequence, the A, H, L and K flags, lifetime. */
  bu?: { seq: number; a: boolean; h: boolean; l: boolean; k: boolean; life: number; options: Ip6Option[] };
  /** Binding Acknowledgement (6). */
  back?: { status: number; k: boolean; seq: number; life: number; options: Ip6Option[] };
  /** Binding Error (7): status and home address. */
  be?: { status: number; hoa: string; options: Ip6Option[] };
}

/** Zeek's `ip6_ext_hdr`: `id` is the header's protocol number, the one field of its kind is set. */
export interface Ip6ExtHdr {
  id: number;
  hopopts?: Ip6Options;
  dstopts?: Ip6Options;
  routing?: Ip6Routing;
  fragment?: Ip6Fragment;
  ah?: Ip6Ah;
  esp?: Ip6Esp;
  mobility?: Ip6MobilityHdr;
}

/** Zeek's `ip6_hdr`, with its extension header chain (the fixed header's followers, in order). */
export interface Ip6Hdr {
  class: number;
  flow: number;
  len: number;
  nxt: number;
  hlim: number;
  src: string;
  dst: string;
  exts: Ip6ExtHdr[];
}

/** Zeek's `tcp_hdr` (ports as numbers). */
export interface TcpHdr {
  sport: number;
  dport: number;
  seq: number;
  ack: number;
  hl: number;
  dl: number;
  reserved: number;
  flags: number;
  win: number;
}

/** Zeek's `udp_hdr`. */
export interface UdpHdr {
  sport: number;
  dport: number;
  ulen: number;
}

/** Zeek's `icmp_hdr`. */
export interface IcmpHdr {
  icmp_type: number;
}

/** Zeek's `pkt_hdr`: an IP packet's headers. */
export interface PktHdr {
  ip?: Ip4Hdr;
  ip6?: Ip6Hdr;
  tcp?: TcpHdr;
  udp?: UdpHdr;
  icmp?: IcmpHdr;
}

/** Zeek's `raw_pkt_hdr`: raw_packet's argument. */
export interface RawPktHdr extends PktHdr {
  l2: L2Hdr;
}

/** Zeek's `teredo_hdr`: a Teredo packet's optional headers and the inner IPv6 packet's headers. */
export interface TeredoHdr {
  /** The authentication header: client identifier and authentication value (latin1 bytes), nonce (64 bits), confirmation byte. */
  auth?: { id: string; value: string; nonce: bigint; confirm: number };
  /** The origin indication, unobfuscated: the client's UDP port and IPv4 address. */
  origin?: { p: number; a: string };
  hdr: PktHdr;
}

/** Zeek's `gtpv1_hdr`: a GTPv1 message's header; seq, n_pdu and next_type only when one of the E, S and PN flags is set. */
export interface Gtpv1Hdr {
  version: number;
  pt_flag: boolean;
  rsv: boolean;
  e_flag: boolean;
  s_flag: boolean;
  pn_flag: boolean;
  msg_type: number;
  /** The length field: the bytes after the mandatory 8-byte header. */
  length: number;
  teid: number;
  seq?: number;
  n_pdu?: number;
  next_type?: number;
}

/** Zeek's `gtp_gsn_addr`: an IPv4 or IPv6 address (4 or 16 bytes), else the bytes (latin1) in `other`. */
export interface GtpGsnAddr {
  ip?: string;
  other?: string;
}

/** Zeek's `gtp_end_user_addr`: the PDP type and, when the element has one, its address (IPv4 0x21, IPv6 0x57) or other bytes. */
export interface GtpEndUserAddr {
  pdp_type_org: number;
  pdp_type_num: number;
  pdp_ip?: string;
  pdp_other_addr?: string;
}

/** Zeek's `gtp_rai`: routing area identity. */
export interface GtpRai {
  mcc: number;
  mnc: number;
  lac: number;
  rac: number;
}

/** Zeek's `gtp_qos_profile`: allocation/retention priority and the rest of the profile (latin1). */
export interface GtpQosProfile {
  priority: number;
  data: string;
}

/** Zeek's `gtp_private_extension`. */
export interface GtpPrivateExtension {
  id: number;
  value: string;
}

/**
 * The information elements of the GTPv1-C PDP context messages, Zeek's
 * gtp_*_pdp_ctx_*_elements. Strings are latin1 bytes. Zeek declares some
 * fields required (data1, nsapi, …) yet leaves them unset when the message
 * lacks the element: every field is optional here.
 */
export interface GtpCreatePdpCtxRequestElements {
  imsi?: number;
  rai?: GtpRai;
  recovery?: number;
  select_mode?: number;
  data1?: number;
  cp?: number;
  nsapi?: number;
  /** The second NSAPI element. */
  linked_nsapi?: number;
  charge_character?: number;
  trace_ref?: number;
  trace_type?: number;
  end_user_addr?: GtpEndUserAddr;
  ap_name?: string;
  opts?: string;
  /** The first GSN address element (signalling), then the second (user traffic). */
  signal_addr?: GtpGsnAddr;
  user_addr?: GtpGsnAddr;
  msisdn?: string;
  qos_prof?: GtpQosProfile;
  tft?: string;
  trigger_id?: string;
  omc_id?: string;
  ext?: GtpPrivateExtension;
}

export interface GtpCreatePdpCtxResponseElements {
  cause?: number;
  reorder_req?: boolean;
  recovery?: number;
  data1?: number;
  cp?: number;
  charging_id?: number;
  end_user_addr?: GtpEndUserAddr;
  opts?: string;
  cp_addr?: GtpGsnAddr;
  user_addr?: GtpGsnAddr;
  qos_prof?: GtpQosProfile;
  /** Set only for a 4- or 16-byte address. */
  charge_gateway?: string;
  ext?: GtpPrivateExtension;
}

export interface GtpUpdatePdpCtxRequestElements {
  imsi?: number;
  rai?: GtpRai;
  recovery?: number;
  data1?: number;
  cp?: number;
  nsapi?: number;
  trace_ref?: number;
  trace_type?: number;
  cp_addr?: GtpGsnAddr;
  user_addr?: GtpGsnAddr;
  qos_prof?: GtpQosProfile;
  tft?: string;
  trigger_id?: string;
  omc_id?: string;
  ext?: GtpPrivateExtension;
  end_user_addr?: GtpEndUserAddr;
}

export interface GtpUpdatePdpCtxResponseElements {
  cause?: number;
  recovery?: number;
  data1?: number;
  cp?: number;
  charging_id?: number;
  cp_addr?: GtpGsnAddr;
  user_addr?: GtpGsnAddr;
  qos_prof?: GtpQosProfile;
  charge_gateway?: string;
  ext?: GtpPrivateExtension;
}

export interface GtpDeletePdpCtxRequestElements {
  teardown_ind?: boolean;
  nsapi?: number;
  ext?: GtpPrivateExtension;
}

export interface GtpDeletePdpCtxResponseElements {
  cause?: number;
  ext?: GtpPrivateExtension;
}

/** Zeek's `ConnStats` record: what get_conn_stats() gives (see EngineStats for each counter's rule). */
export interface ConnStatsRecord {
  total_conns: number;
  current_conns: number;
  sess_current_conns: number;
  num_packets: number;
  num_fragments: number;
  max_fragments: number;
  num_tcp_conns: number;
  max_tcp_conns: number;
  cumulative_tcp_conns: number;
  num_udp_conns: number;
  max_udp_conns: number;
  cumulative_udp_conns: number;
  num_icmp_conns: number;
  max_icmp_conns: number;
  cumulative_icmp_conns: number;
  num_packets_unprocessed: number;
  killed_by_inactivity: number;
}

/** Zeek's `PacketSource` record: what packet_source() tells of the source being read. */
export interface PacketSourceRecord {
  /** A live interface rather than a trace. */
  live: boolean;
  /** The trace's path or the interface's name as given; "not open" once the input ended. */
  path: string;
  /** Its pcap link type (DLT); -1 while not open. */
  link_type: number;
  /** A capture's netmask as libpcap gives it; 0xffffffff (unknown) for a trace. */
  netmask: number;
}

/** Zeek's `pcap_packet`: a packet as read (packet_not_processed's argument). */
export interface PcapPacket {
  /** The timestamp's whole seconds and microseconds. */
  ts_sec: number;
  ts_usec: number;
  caplen: number;
  /** Its length on the wire, link layer included. */
  len: number;
  /** The captured bytes, link layer included (latin1). */
  data: string;
  /**
   * Zeek's link_encap of the packet, as Zeek makes it: the enum whose value
   * is the pcap link type (DLT), whatever that value names. So an Ethernet
   * frame (DLT 1) is LINK_UNKNOWN, a BSD loopback one (DLT 0) LINK_ETHERNET,
   * and any other link type a value with no name, printed "<undefined>".
   */
  link_type: PcapLinkEncap;
}

/** What pcap_packet's link_type prints as (see PcapPacket.link_type). */
export type PcapLinkEncap = "LINK_ETHERNET" | "LINK_UNKNOWN" | "<undefined>";
