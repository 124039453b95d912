/**
 * The PostgreSQL events, with Zeek's names and arguments (Zeek's
 * base/protocols/postgresql/spicy-events.zeek). Strings hold one byte per
 * character (latin1); the one-letter codes are the message's byte.
 */
import { registerEvents } from "../../../event/events.js";
import type { Connection } from "../../../event/records.js";

export interface PostgresqlEvents {
  /** The client's SSLRequest (the magic 80877103 as the first message). */
  "PostgreSQL::ssl_request": [c: Connection];
  /** The server's answer to an SSLRequest: "S" (TLS follows) or "N" (plain text goes on). */
  "PostgreSQL::ssl_reply": [c: Connection, data: string];
  /** An AuthenticationRequest other than AuthenticationOk: its identifier (PostgreSQL::auth_ids) and the rest of the message. */
  "PostgreSQL::authentication_request": [c: Connection, identifier: number, data: string];
  /** AuthenticationOk (identifier 0). */
  "PostgreSQL::authentication_ok": [c: Connection];
  /** The client's answer to an authentication request ('p': a password, SASL data…), raw. */
  "PostgreSQL::authentication_response": [c: Connection, data: string];
  /** One name/value pair of the StartupMessage. */
  "PostgreSQL::startup_parameter": [c: Connection, name: string, value: string];
  /** The StartupMessage, after its parameters: the protocol version. */
  "PostgreSQL::startup_message": [c: Connection, major: number, minor: number];
  /** ReadyForQuery: "I" (idle), "T" (in a transaction block) or "E" (failed transaction). */
  "PostgreSQL::ready_for_query": [c: Connection, transaction_status: string];
  /** A simple query ('Q'): its text. */
  "PostgreSQL::simple_query": [c: Connection, query: string];
  /** One field of an ErrorResponse: its code letter and value. */
  "PostgreSQL::error_response_identified_field": [c: Connection, code: string, value: string];
  /** An ErrorResponse, after its fields. */
  "PostgreSQL::error_response": [c: Connection];
  /** One field of a NoticeResponse: its code letter and value. */
  "PostgreSQL::notice_response_identified_field": [c: Connection, code: string, value: string];
  /** A NoticeResponse, after its fields. */
  "PostgreSQL::notice_response": [c: Connection];
  /** A DataRow: its number of columns. */
  "PostgreSQL::data_row": [c: Connection, column_values: number];
  /** A ParameterStatus report of the server. */
  "PostgreSQL::parameter_status": [c: Connection, name: string, value: string];
  /** BackendKeyData: the backend's process id and cancellation key. */
  "PostgreSQL::backend_key_data": [c: Connection, process_id: number, secret_key: number];
  /** The client's Terminate ('X'). */
  "PostgreSQL::terminate": [c: Connection];
  /** Any other message: its type letter and body. */
  "PostgreSQL::not_implemented": [c: Connection, is_orig: boolean, typ: string, chunk: string];
}

declare module "../../../event/events.js" {
  interface EventMap extends PostgresqlEvents {}
}

/** The event names, as registered (tests handle them all). */
export const POSTGRESQL_EVENT_NAMES = {
  "PostgreSQL::ssl_request": true,
  "PostgreSQL::ssl_reply": true,
  "PostgreSQL::authentication_request": true,
  "PostgreSQL::authentication_ok": true,
  "PostgreSQL::authentication_response": true,
  "PostgreSQL::startup_parameter": true,
  "PostgreSQL::startup_message": true,
  "PostgreSQL::ready_for_query": true,
  "PostgreSQL::simple_query": true,
  "PostgreSQL::error_response_identified_field": true,
  "PostgreSQL::error_response": true,
  "PostgreSQL::notice_response_identified_field": true,
  "PostgreSQL::notice_response": true,
  "PostgreSQL::data_row": true,
  "PostgreSQL::parameter_status": true,
  "PostgreSQL::backend_key_data": true,
  "PostgreSQL::terminate": true,
  "PostgreSQL::not_implemented": true,
} as const satisfies Record<keyof PostgresqlEvents, true>;

registerEvents<PostgresqlEvents>(POSTGRESQL_EVENT_NAMES);
