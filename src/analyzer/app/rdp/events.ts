/**
 * The RDP and RDPEUDP events, with Zeek's names and arguments (Zeek's rdp
 * events.bif and RDP's record types in init-bare.zeek). Zeek declares the
 * connect request and negotiation events with and without `flags`; bronze
 * raises the form with it.
 */
import { registerEvents } from "../../../event/events.js";
import type { Connection } from "../../../event/records.js";

/** RDP::EarlyCapabilityFlags of the client core data. */
export interface RdpEarlyCapabilityFlags {
  support_err_info_pdu: boolean;
  want_32bpp_session: boolean;
  support_statusinfo_pdu: boolean;
  strong_asymmetric_keys: boolean;
  support_monitor_layout_pdu: boolean;
  support_netchar_autodetect: boolean;
  support_dynvc_gfx_protocol: boolean;
  support_dynamic_time_zone: boolean;
  support_heartbeat_pdu: boolean;
}

/** RDP::ClientCoreData (TS_UD_CS_CORE); names are UTF-16 on the wire, UTF-8 here (cut at the first NUL). */
export interface RdpClientCoreData {
  version_major: number;
  version_minor: number;
  desktop_width: number;
  desktop_height: number;
  color_depth: number;
  sas_sequence: number;
  keyboard_layout: number;
  client_build: number;
  client_name: string;
  keyboard_type: number;
  keyboard_sub: number;
  keyboard_function_key: number;
  ime_file_name: string;
  post_beta2_color_depth?: number;
  client_product_id?: number;
  serial_number?: number;
  high_color_depth?: number;
  supported_color_depths?: number;
  ec_flags?: RdpEarlyCapabilityFlags;
  dig_product_id?: string;
}

/** RDP::ClientSecurityData (TS_UD_CS_SEC). */
export interface RdpClientSecurityData {
  encryption_methods: number;
  ext_encryption_methods: number;
}

/** RDP::ClientChannelDef: one static virtual channel the client asks for. */
export interface RdpClientChannelDef {
  name: string;
  options: number;
  initialized: boolean;
  encrypt_rdp: boolean;
  encrypt_sc: boolean;
  encrypt_cs: boolean;
  pri_high: boolean;
  pri_med: boolean;
  pri_low: boolean;
  compress_rdp: boolean;
  compress: boolean;
  show_protocol: boolean;
  persistent: boolean;
}

/** RDP::ClientClusterData (TS_UD_CS_CLUSTER). */
export interface RdpClientClusterData {
  flags: number;
  redir_session_id: number;
  redir_supported: boolean;
  svr_session_redir_version_mask: number;
  redir_sessionid_field_valid: boolean;
  redir_smartcard: boolean;
}

export interface RdpEvents {
  /** X.224 Connection Request: the routing cookie ("" when none) and the negotiation request's flags (0 when none). */
  rdp_connect_request: [c: Connection, cookie: string, flags: number];
  /** The server's RDP Negotiation Response: the protocol it chose (RDP::security_protocols) and flags. */
  rdp_negotiation_response: [c: Connection, security_protocol: number, flags: number];
  /** The server's RDP Negotiation Failure: its code (RDP::failure_codes) and flags. */
  rdp_negotiation_failure: [c: Connection, failure_code: number, flags: number];
  /** The client's core data block of the MCS Connect Initial. */
  rdp_client_core_data: [c: Connection, data: RdpClientCoreData];
  /** The client's security data block. */
  rdp_client_security_data: [c: Connection, data: RdpClientSecurityData];
  /** The client's network data block (raised when it names channels). */
  rdp_client_network_data: [c: Connection, channels: RdpClientChannelDef[]];
  /** The client's cluster data block. */
  rdp_client_cluster_data: [c: Connection, data: RdpClientClusterData];
  /** The server's GCC Conference Create Response: its result (RDP::results). */
  rdp_gcc_server_create_response: [c: Connection, result: number];
  /** The server's security data: encryption method and level (standard RDP security). */
  rdp_server_security: [c: Connection, encryption_method: number, encryption_level: number];
  /** The server's certificate type (1 proprietary RSA, 2 X.509) and whether it is permanently issued. */
  rdp_server_certificate: [c: Connection, cert_type: number, permanently_issued: boolean];
  /** From here on the connection is encrypted: TLS/CredSSP (the protocol chosen) or RDP's own (0). */
  rdp_begin_encryption: [c: Connection, security_protocol: number];
  /** Data of a connection using RDP's own encryption: its direction and size. */
  rdp_native_encrypted_data: [c: Connection, orig: boolean, len: number];
  /** RDPEUDP: the client's SYN datagram. */
  rdpeudp_syn: [c: Connection];
  /** RDPEUDP: the server's SYN+ACK datagram. */
  rdpeudp_synack: [c: Connection];
  /** RDPEUDP: the handshake completed, in protocol version 1 or 2. */
  rdpeudp_established: [c: Connection, version: number];
  /** RDPEUDP: the payload of a datagram once established. */
  rdpeudp_data: [c: Connection, is_orig: boolean, version: number, data: string];
}

declare module "../../../event/events.js" {
  interface EventMap extends RdpEvents {}
}

registerEvents<RdpEvents>({
  rdp_connect_request: true,
  rdp_negotiation_response: true,
  rdp_negotiation_failure: true,
  rdp_client_core_data: true,
  rdp_client_security_data: true,
  rdp_client_network_data: true,
  rdp_client_cluster_data: true,
  rdp_gcc_server_create_response: true,
  rdp_server_security: true,
  rdp_server_certificate: true,
  rdp_begin_encryption: true,
  rdp_native_encrypted_data: true,
  rdpeudp_syn: true,
  rdpeudp_synack: true,
  rdpeudp_established: true,
  rdpeudp_data: true,
});
