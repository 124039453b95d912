/**
 * The LDAP events, with the names and arguments of Zeek's
 * base/protocols/ldap/spicy-events.zeek. Enum arguments are Zeek's enum
 * names as strings (consts.ts): "LDAP::ProtocolOpcode_BIND_REQUEST",
 * "LDAP::ResultCode_SUCCESS" ("LDAP::ResultCode_Undef" for a message
 * without a result), "LDAP::SearchScope_SEARCH_TREE", …
 */
import { registerEvents } from "../../../event/events.js";
import type { Connection } from "../../../event/records.js";

export interface LdapEvents {
  /** Every LDAPMessage, either direction, once its controls are read too. */
  "LDAP::message": [
    c: Connection,
    message_id: number,
    opcode: string,
    result: string,
    matched_dn: string,
    diagnostic_message: string,
    object: string,
    argument: string,
  ];
  /** A BindRequest; `auth_info` is the simple password, the SASL mechanism, or "NTLMSSP" for Sicily. */
  "LDAP::bind_request": [c: Connection, message_id: number, version: number, name: string, auth_type: string, auth_info: string];
  /** A SearchRequest; `filter` rendered as Zeek renders it (escapes, nesting). */
  "LDAP::search_request": [
    c: Connection,
    message_id: number,
    base_object: string,
    scope: string,
    deref: string,
    size_limit: number,
    time_limit: number,
    types_only: boolean,
    filter: string,
    attributes: string[],
  ];
  "LDAP::search_result_entry": [c: Connection, message_id: number, object_name: string];
  "LDAP::extended_request": [c: Connection, message_id: number, request_name: string, request_value: string];
  "LDAP::extended_response": [c: Connection, message_id: number, result: string, response_name: string, response_value: string];
  /** The connection switched to TLS after a successful StartTLS. */
  "LDAP::starttls": [c: Connection];
}

declare module "../../../event/events.js" {
  interface EventMap extends LdapEvents {}
}

registerEvents<LdapEvents>({
  "LDAP::message": true,
  "LDAP::bind_request": true,
  "LDAP::search_request": true,
  "LDAP::search_result_entry": true,
  "LDAP::extended_request": true,
  "LDAP::extended_response": true,
  "LDAP::starttls": true,
});
