/**
 * The DCE-RPC events, with Zeek's names and arguments (Zeek's dce-rpc
 * events.bif). `fid` is the SMB pipe's file id the PDUs came through, 0 over
 * plain TCP. UUIDs are the 16 raw bytes as one latin1 string, as Zeek passes
 * them (the log script prints them with uuidToString).
 */
import { registerEvents } from "../../../event/events.js";
import type { Connection } from "../../../event/records.js";

/** DCE_RPC::PType's names by packet type number (types.bif), as Zeek prints the enum. */
export const PTYPE_NAMES: readonly string[] = [
  "REQUEST",
  "PING",
  "RESPONSE",
  "FAULT",
  "WORKING",
  "NOCALL",
  "REJECT",
  "ACK",
  "CL_CANCEL",
  "FACK",
  "CANCEL_ACK",
  "BIND",
  "BIND_ACK",
  "BIND_NAK",
  "ALTER_CONTEXT",
  "ALTER_CONTEXT_RESP",
  "AUTH3",
  "SHUTDOWN",
  "CO_CANCEL",
  "ORPHANED",
  "RTS",
].map((n) => `DCE_RPC::${n}`);

export interface DceRpcEvents {
  /** Every PDU; `ptype` is the DCE_RPC::PType name ("DCE_RPC::BIND"), or "" for a number beyond the enum. */
  dce_rpc_message: [c: Connection, is_orig: boolean, fid: number, ptype_id: number, ptype: string];
  /** A PDU with an authentication verifier (auth_length > 0). */
  dce_rpc_auth: [c: Connection, is_orig: boolean, fid: number, auth_type: number, auth_level: number, auth_context_id: number];
  /** One per presentation context of a bind. */
  dce_rpc_bind: [c: Connection, fid: number, ctx_id: number, uuid: string, ver_major: number, ver_minor: number];
  /** One per presentation context of an alter_context. */
  dce_rpc_alter_context: [c: Connection, fid: number, ctx_id: number, uuid: string, ver_major: number, ver_minor: number];
  /** A bind_ack; `sec_addr` without a trailing NUL. */
  dce_rpc_bind_ack: [c: Connection, fid: number, sec_addr: string];
  dce_rpc_alter_context_resp: [c: Connection, fid: number];
  dce_rpc_request: [c: Connection, fid: number, ctx_id: number, opnum: number, stub_len: number];
  /** A response; `opnum` is that of the last request on the same context. */
  dce_rpc_response: [c: Connection, fid: number, ctx_id: number, opnum: number, stub_len: number];
  dce_rpc_request_stub: [c: Connection, fid: number, ctx_id: number, opnum: number, stub: string];
  dce_rpc_response_stub: [c: Connection, fid: number, ctx_id: number, opnum: number, stub: string];
}

declare module "../../../event/events.js" {
  interface EventMap extends DceRpcEvents {}
}

registerEvents<DceRpcEvents>({
  dce_rpc_message: true,
  dce_rpc_auth: true,
  dce_rpc_bind: true,
  dce_rpc_alter_context: true,
  dce_rpc_bind_ack: true,
  dce_rpc_alter_context_resp: true,
  dce_rpc_request: true,
  dce_rpc_response: true,
  dce_rpc_request_stub: true,
  dce_rpc_response_stub: true,
});

/** Zeek's uuid_to_string: the 16 bytes (as latin1 text) in the DCE form, first three groups little-endian. */
export function uuidToString(uuid: string): string {
  if (uuid.length !== 16) return "<Invalid UUID>";
  const h = (i: number): string => uuid.charCodeAt(i).toString(16).padStart(2, "0");
  const run = (idx: readonly number[]): string => idx.map(h).join("");
  return `${run([3, 2, 1, 0])}-${run([5, 4])}-${run([7, 6])}-${run([8, 9])}-${run([10, 11, 12, 13, 14, 15])}`;
}
