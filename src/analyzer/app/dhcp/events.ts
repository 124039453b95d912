/**
 * The DHCP analyzer's event and records, as Zeek declares them (events.bif
 * of the DHCP analyzer; DHCP::Msg, DHCP::Options and friends in
 * init-bare.zeek). Strings hold one byte per character (latin1), addresses
 * are in Zeek's text form, intervals are seconds.
 */
import { registerEvents } from "../../../event/events.js";
import type { Connection } from "../../../event/records.js";

/** DHCP::Msg: the fixed part of a message. */
export interface DhcpMsg {
  /** 1 = BOOTREQUEST, 2 = BOOTREPLY. */
  op: number;
  /** The DHCP message type (option 53); 0 when the message has none. */
  m_type: number;
  xid: number;
  secs: number;
  flags: number;
  ciaddr: string;
  yiaddr: string;
  siaddr: string;
  giaddr: string;
  /** The client hardware address as Zeek's fmt_mac writes the 16-byte field (hlen is not used). */
  chaddr: string;
  sname: string;
  file_n: string;
}

/** DHCP::ClientID (option 61). */
export interface DhcpClientId {
  hwtype: number;
  hwaddr: string;
}

/** DHCP::ClientFQDN (option 81). */
export interface DhcpClientFqdn {
  flags: number;
  rcode1: number;
  rcode2: number;
  domain_name: string;
}

/** DHCP::SubOpt (a sub-option of option 82). */
export interface DhcpSubOpt {
  code: number;
  value: string;
}

/** DHCP::Options: what the analyzer parsed of the options; absent fields were not in the message. */
export interface DhcpOptions {
  /** Every option code in order (pads included, the end marker not). */
  options?: number[];
  subnet_mask?: string;
  routers?: string[];
  dns_servers?: string[];
  host_name?: string;
  domain_name?: string;
  forwarding?: boolean;
  broadcast?: string;
  vendor?: string;
  nbns?: string[];
  addr_request?: string;
  lease?: number;
  serv_addr?: string;
  param_list?: number[];
  message?: string;
  max_msg_size?: number;
  renewal_time?: number;
  rebinding_time?: number;
  vendor_class?: string;
  client_id?: DhcpClientId;
  user_class?: string;
  client_fqdn?: DhcpClientFqdn;
  sub_opt?: DhcpSubOpt[];
  auto_config?: boolean;
  auto_proxy_config?: string;
  time_offset?: number;
  time_servers?: string[];
  name_servers?: string[];
  ntp_servers?: string[];
}

export interface DhcpEvents {
  /** Every DHCP message whose options parsed and whose cookie is right. */
  dhcp_message: [c: Connection, is_orig: boolean, msg: DhcpMsg, options: DhcpOptions];
}

declare module "../../../event/events.js" {
  interface EventMap extends DhcpEvents {}
}

registerEvents<DhcpEvents>({ dhcp_message: true });
