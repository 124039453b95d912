/**
 * The SNMP events, with Zeek's names and arguments (Zeek's snmp events.bif,
 * records of init-bare.zeek's SNMP module). Strings hold one byte per
 * character (latin1), as the wire carried them. Integers are read as Zeek
 * reads them: big-endian without sign extension below 8 bytes (INTEGER -1
 * in one byte is 255).
 */
import { registerEvents } from "../../../event/events.js";
import type { Connection } from "../../../event/records.js";

/** SNMP::HeaderV1 / HeaderV2: the community string. */
export interface SnmpHeaderV1 {
  community: string;
}
export type SnmpHeaderV2 = SnmpHeaderV1;

/** SNMP::ScopedPDU_Context: a v3 plaintext scoped PDU's context. */
export interface SnmpScopedPduContext {
  engine_id: string;
  name: string;
}

/** SNMP::UserSecurityParameters (RFC 3414's USM), when msgSecurityModel is 3. */
export interface SnmpUserSecurityParameters {
  AuthoritativeEngineID: string;
  AuthoritativeEngineBoots: number;
  AuthoritativeEngineTime: number;
  UserName: string;
  AuthenticationParameters: string;
  PrivacyParameters: string;
}

/** SNMP::HeaderV3 (RFC 3412's msgGlobalData and msgSecurityParameters). */
export interface SnmpHeaderV3 {
  id: number;
  max_size: number;
  flags: number;
  auth_flag: boolean;
  priv_flag: boolean;
  reportable_flag: boolean;
  security_model: number;
  security_params: string;
  pdu_context?: SnmpScopedPduContext;
  user_security_parameters?: SnmpUserSecurityParameters;
}

/** SNMP::Header: the version (0 = v1, 1 = v2c, 3 = v3) and that version's header. */
export interface SnmpHeader {
  version: number;
  v1?: SnmpHeaderV1;
  v2?: SnmpHeaderV2;
  v3?: SnmpHeaderV3;
}

/** SNMP::ObjectValue: a variable binding's value; which field is set depends on `tag`. */
export interface SnmpObjectValue {
  tag: number;
  oid?: string;
  signed?: number;
  unsigned?: number;
  address?: string;
  octets?: string;
}

/** SNMP::Binding. */
export interface SnmpBinding {
  oid: string;
  value: SnmpObjectValue;
}

/** SNMP::PDU: the common PDU (get, get-next, response, set, inform, v2 trap, report). */
export interface SnmpPdu {
  request_id: number;
  error_status: number;
  error_index: number;
  bindings: SnmpBinding[];
}

/** SNMP::TrapPDU: an SNMPv1 trap. `agent` is "::" when the address is not 4 bytes. */
export interface SnmpTrapPdu {
  enterprise: string;
  agent: string;
  generic_trap: number;
  specific_trap: number;
  time_stamp: number;
  bindings: SnmpBinding[];
}

/** SNMP::BulkPDU: a GetBulkRequest. */
export interface SnmpBulkPdu {
  request_id: number;
  non_repeaters: number;
  max_repetitions: number;
  bindings: SnmpBinding[];
}

export interface SnmpEvents {
  snmp_get_request: [c: Connection, is_orig: boolean, header: SnmpHeader, pdu: SnmpPdu];
  snmp_get_next_request: [c: Connection, is_orig: boolean, header: SnmpHeader, pdu: SnmpPdu];
  snmp_response: [c: Connection, is_orig: boolean, header: SnmpHeader, pdu: SnmpPdu];
  snmp_set_request: [c: Connection, is_orig: boolean, header: SnmpHeader, pdu: SnmpPdu];
  snmp_trap: [c: Connection, is_orig: boolean, header: SnmpHeader, pdu: SnmpTrapPdu];
  snmp_get_bulk_request: [c: Connection, is_orig: boolean, header: SnmpHeader, pdu: SnmpBulkPdu];
  snmp_inform_request: [c: Connection, is_orig: boolean, header: SnmpHeader, pdu: SnmpPdu];
  snmp_trapV2: [c: Connection, is_orig: boolean, header: SnmpHeader, pdu: SnmpPdu];
  snmp_report: [c: Connection, is_orig: boolean, header: SnmpHeader, pdu: SnmpPdu];
  /** A PDU whose tag is none of the nine known ones. */
  snmp_unknown_pdu: [c: Connection, is_orig: boolean, header: SnmpHeader, tag: number];
  /** A v3 scopedPduData that is neither a plaintext SEQUENCE nor an encrypted OCTET STRING. */
  snmp_unknown_scoped_pdu: [c: Connection, is_orig: boolean, header: SnmpHeader, tag: number];
  /** A v3 encrypted scoped PDU. */
  snmp_encrypted_pdu: [c: Connection, is_orig: boolean, header: SnmpHeader];
  /** A message whose version is not 0, 1 or 3. */
  snmp_unknown_header_version: [c: Connection, is_orig: boolean, version: number];
}
declare module "../../../event/events.js" {
  interface EventMap extends SnmpEvents {}
}
registerEvents<SnmpEvents>({
  snmp_get_request: true,
  snmp_get_next_request: true,
  snmp_response: true,
  snmp_set_request: true,
  snmp_trap: true,
  snmp_get_bulk_request: true,
  snmp_inform_request: true,
  snmp_trapV2: true,
  snmp_report: true,
  snmp_unknown_pdu: true,
  snmp_unknown_scoped_pdu: true,
  snmp_encrypted_pdu: true,
  snmp_unknown_header_version: true,
});
