/**
 * The OpenFlow framework's constants (Zeek's base/frameworks/openflow
 * consts.zeek): the cookie layout, ethertypes and IP protocol numbers a
 * match uses, OpenFlow 1.0's virtual ports and flags, and the flow_mod
 * commands (an enum in Zeek: their names here).
 */

// ---------------------------------------------------------------- cookies

/**
 * A flow's cookie is 64 bits: bits 0-31 a unique id, bits 32-39 a group id,
 * bits 40-63 the id of who made it. Zeek's framework marks its cookies with
 * 4 there (bit 42), so flows it did not make can be told apart.
 */
export const COOKIE_BID_SIZE = 2 ** 24;
export const COOKIE_BID_START = 2 ** 40;
export const ZEEK_COOKIE_ID = 4;
export const COOKIE_GID_SIZE = 2 ** 8;
export const COOKIE_GID_START = 2 ** 32;
export const COOKIE_UID_SIZE = 2 ** 32;
export const COOKIE_UID_START = 0;
/** What Zeek's cookie functions give for a cookie the framework did not make (2^63-1: beyond a JavaScript number's exact range, hence a bigint). */
export const INVALID_COOKIE = 0x7fffffffffffffffn;

// ---------------------------------------------------------------- ethertypes (dl_type)

export const ETH_IPv4 = 0x0800;
export const ETH_ARP = 0x0806;
export const ETH_WOL = 0x0842;
export const ETH_RARP = 0x8035;
export const ETH_APPLETALK = 0x809b;
export const ETH_APPLETALK_ARP = 0x80f3;
export const ETH_VLAN = 0x8100;
export const ETH_IPX_OLD = 0x8137;
export const ETH_IPX = 0x8138;
export const ETH_IPv6 = 0x86dd;
export const ETH_ETHER_FLOW_CONTROL = 0x8808;
export const ETH_MPLS_UNICAST = 0x8847;
export const ETH_MPLS_MULTICAST = 0x8848;
export const ETH_PPPOE_DISCOVERY = 0x8863;
export const ETH_PPPOE_SESSION = 0x8864;
export const ETH_JUMBO_FRAMES = 0x8870;
export const ETH_EAP_OVER_LAN = 0x888e;
export const ETH_PROVIDER_BRIDING = 0x88a8;
export const ETH_MAC_SECURITY = 0x88e5;
export const ETH_QINQ = 0x9100;

// ---------------------------------------------------------------- IP protocol numbers (nw_proto)

export const IP_HOPOPT = 0x00;
export const IP_ICMP = 0x01;
export const IP_IGMP = 0x02;
export const IP_GGP = 0x03;
export const IP_IPIP = 0x04;
export const IP_ST = 0x05;
export const IP_TCP = 0x06;
export const IP_CBT = 0x07;
export const IP_EGP = 0x08;
export const IP_IGP = 0x09;
export const IP_UDP = 0x11;
export const IP_RDP = 0x1b;
export const IP_IPv6 = 0x29;
export const IP_RSVP = 0x2e;
export const IP_GRE = 0x2f;
export const IP_OSPF = 0x59;
export const IP_MTP = 0x5c;
export const IP_ETHERIP = 0x61;
export const IP_L2TP = 0x73;
export const IP_ISIS = 0x7c;
export const IP_FC = 0x85;
export const IP_MPLS = 0x89;

// ---------------------------------------------------------------- virtual ports, flags, tables

/** Back out of the port the packet came in by. */
export const OFPP_IN_PORT = 0xfffffff8;
/** Through the flow table (packet-out messages only). */
export const OFPP_TABLE = 0xfffffff9;
/** The switch's normal L2/L3 processing (what NetControl's whitelist and modify rules send to). */
export const OFPP_NORMAL = 0xfffffffa;
/** Every physical port but the input port and those disabled by STP. */
export const OFPP_FLOOD = 0xfffffffb;
/** Every physical port but the input port. */
export const OFPP_ALL = 0xfffffffc;
export const OFPP_CONTROLLER = 0xfffffffd;
export const OFPP_LOCAL = 0xfffffffe;
/** Any port: the wildcard of delete flow mods and flow statistics. */
export const OFPP_ANY = 0xffffffff;
export const OFP_NO_BUFFER = 0xffffffff;
/** Have the switch report the flow's removal (flow_removed). */
export const OFPFF_SEND_FLOW_REM = 0x1;
export const OFPFF_CHECK_OVERLAP = 0x2;
/** Used only while the controller is disconnected. */
export const OFPFF_EMERG = 0x4;
/** Every table: for deletes, table config and statistics. */
export const OFPTT_ALL = 0xff;

// ---------------------------------------------------------------- enums

/** ofp_flow_mod_command: what a flow mod does. */
export type OfpFlowModCommand =
  | "OpenFlow::OFPFC_ADD"
  | "OpenFlow::OFPFC_MODIFY"
  | "OpenFlow::OFPFC_MODIFY_STRICT"
  | "OpenFlow::OFPFC_DELETE"
  | "OpenFlow::OFPFC_DELETE_STRICT";

/** The commands' numbers on the wire (OpenFlow 1.0), by name. */
export const OFPFC: Readonly<Record<OfpFlowModCommand, number>> = {
  "OpenFlow::OFPFC_ADD": 0,
  "OpenFlow::OFPFC_MODIFY": 1,
  "OpenFlow::OFPFC_MODIFY_STRICT": 2,
  "OpenFlow::OFPFC_DELETE": 3,
  "OpenFlow::OFPFC_DELETE_STRICT": 4,
};

/** ofp_action_type: the actions a flow can take, by name, with their numbers. */
export const OFPAT = {
  "OpenFlow::OFPAT_OUTPUT": 0x0000,
  "OpenFlow::OFPAT_SET_VLAN_VID": 0x0001,
  "OpenFlow::OFPAT_SET_VLAN_PCP": 0x0002,
  "OpenFlow::OFPAT_STRIP_VLAN": 0x0003,
  "OpenFlow::OFPAT_SET_DL_SRC": 0x0004,
  "OpenFlow::OFPAT_SET_DL_DST": 0x0005,
  "OpenFlow::OFPAT_SET_NW_SRC": 0x0006,
  "OpenFlow::OFPAT_SET_NW_DST": 0x0007,
  "OpenFlow::OFPAT_SET_NW_TOS": 0x0008,
  "OpenFlow::OFPAT_SET_TP_SRC": 0x0009,
  "OpenFlow::OFPAT_SET_TP_DST": 0x000a,
  "OpenFlow::OFPAT_ENQUEUE": 0x000b,
  "OpenFlow::OFPAT_VENDOR": 0xffff,
} as const;
export type OfpActionType = keyof typeof OFPAT;

/** ofp_config_flags: how a switch handles fragments. */
export const OFPC = {
  "OpenFlow::OFPC_FRAG_NORMAL": 0,
  "OpenFlow::OFPC_FRAG_DROP": 1,
  "OpenFlow::OFPC_FRAG_REASM": 2,
  "OpenFlow::OFPC_FRAG_MASK": 3,
} as const;
export type OfpConfigFlags = keyof typeof OFPC;
