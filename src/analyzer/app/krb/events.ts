/**
 * The Kerberos events, with Zeek's names and arguments (Zeek's krb
 * events.bif, records of init-bare.zeek's KRB module). Strings hold one byte
 * per character (latin1). Times are seconds since the epoch; a KerberosTime
 * that is not 15 or 17 characters long leaves its field unset.
 */
import { registerEvents } from "../../../event/events.js";
import type { Connection } from "../../../event/records.js";

/** KRB::KDC_Options: the KDCOptions bits of a request body (RFC 4120 §5.4.1). */
export interface KrbKdcOptions {
  forwardable: boolean;
  forwarded: boolean;
  proxiable: boolean;
  proxy: boolean;
  allow_postdate: boolean;
  postdated: boolean;
  renewable: boolean;
  opt_hardware_auth: boolean;
  disable_transited_check: boolean;
  renewable_ok: boolean;
  enc_tkt_in_skey: boolean;
  renew: boolean;
  validate: boolean;
}

/** KRB::AP_Options. */
export interface KrbApOptions {
  use_session_key: boolean;
  mutual_required: boolean;
}

/** KRB::Type_Value: a typed value (pre-authentication data, unknown addresses). */
export interface KrbTypeValue {
  data_type: number;
  val: string;
}

/** KRB::Encrypted_Data. */
export interface KrbEncryptedData {
  kvno?: number;
  cipher: number;
  ciphertext: string;
}

/** KRB::Host_Address: IPv4/IPv6, a NetBIOS name, or anything else as type and bytes. */
export interface KrbHostAddress {
  ip?: string;
  netbios?: string;
  unknown?: KrbTypeValue;
}

/** KRB::Ticket. */
export interface KrbTicket {
  pvno: number;
  realm: string;
  service_name: string;
  cipher: number;
  ciphertext?: string;
  authenticationinfo?: string;
}

/** KRB::KDC_Request: an AS-REQ or TGS-REQ. */
export interface KrbKdcRequest {
  pvno: number;
  msg_type: number;
  pa_data?: KrbTypeValue[];
  kdc_options?: KrbKdcOptions;
  client_name?: string;
  service_realm?: string;
  service_name?: string;
  from?: number;
  till?: number;
  rtime?: number;
  nonce?: number;
  encryption_types?: number[];
  host_addrs?: KrbHostAddress[];
  additional_tickets?: KrbTicket[];
}

/** KRB::KDC_Response: an AS-REP or TGS-REP. */
export interface KrbKdcResponse {
  pvno: number;
  msg_type: number;
  pa_data?: KrbTypeValue[];
  client_realm?: string;
  client_name: string;
  ticket: KrbTicket;
  enc_part: KrbEncryptedData;
}

/** KRB::Error_Msg: a KRB-ERROR. */
export interface KrbErrorMsg {
  pvno?: number;
  msg_type?: number;
  client_time?: number;
  server_time?: number;
  error_code: number;
  client_realm?: string;
  client_name?: string;
  service_realm?: string;
  service_name?: string;
  error_text?: string;
  pa_data?: KrbTypeValue[];
}

/** KRB::SAFE_Msg: a KRB-SAFE. */
export interface KrbSafeMsg {
  pvno: number;
  msg_type: number;
  data: string;
  timestamp?: number;
  seq?: number;
  sender?: KrbHostAddress;
  recipient?: KrbHostAddress;
}

export interface KrbEvents {
  krb_as_request: [c: Connection, msg: KrbKdcRequest];
  krb_as_response: [c: Connection, msg: KrbKdcResponse];
  krb_tgs_request: [c: Connection, msg: KrbKdcRequest];
  krb_tgs_response: [c: Connection, msg: KrbKdcResponse];
  /** An AP-REQ; `in_kdc_padata` when it is a TGS request's PA-TGS-REQ. */
  krb_ap_request: [c: Connection, ticket: KrbTicket, opts: KrbApOptions, in_kdc_padata: boolean];
  krb_ap_response: [c: Connection];
  krb_priv: [c: Connection, is_orig: boolean];
  krb_safe: [c: Connection, is_orig: boolean, msg: KrbSafeMsg];
  krb_cred: [c: Connection, is_orig: boolean, tickets: KrbTicket[]];
  krb_error: [c: Connection, msg: KrbErrorMsg];
}
declare module "../../../event/events.js" {
  interface EventMap extends KrbEvents {}
}
registerEvents<KrbEvents>({
  krb_as_request: true,
  krb_as_response: true,
  krb_tgs_request: true,
  krb_tgs_response: true,
  krb_ap_request: true,
  krb_ap_response: true,
  krb_priv: true,
  krb_safe: true,
  krb_cred: true,
  krb_error: true,
});
