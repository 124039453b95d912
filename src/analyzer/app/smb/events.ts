/**
 * The SMB events, with Zeek's names and arguments (Zeek's smb1_*.bif,
 * smb2_*.bif, events.bif and the SMB records of init-bare.zeek): the ones
 * the smb scripts (smb_files.log, smb_mapping.log, file handles) and the
 * dce_rpc script need, and the common per-command events. Strings hold one
 * byte per character (UTF-16 names are given as their UTF-8 bytes, as
 * Zeek's utf16_to_utf8_val makes them).
 *
 * 64-bit counts are JS numbers (exact below 2^53, rounded above: message
 * and session ids, sizes) except where exactness matters: SMB2 file ids
 * (bigints; the scripts key a file by the sum of the two halves modulo
 * 2^64, as Zeek's do) and raw FILETIMEs (bigints; the file handle prints
 * the last-modified one).
 */
import { registerEvents } from "../../../event/events.js";
import type { Connection } from "../../../event/records.js";

/** SMB1::Header. */
export interface Smb1Header {
  command: number;
  status: number;
  flags: number;
  flags2: number;
  tid: number;
  pid: number;
  uid: number;
  mid: number;
}

/** SMB2::Header. */
export interface Smb2Header {
  credit_charge: number;
  status: number;
  command: number;
  credits: number;
  flags: number;
  message_id: number;
  process_id: number;
  tree_id: number;
  session_id: number;
  /** 16 bytes. */
  signature: string;
}

/** SMB2::GUID (a file id). */
export interface Smb2Guid {
  persistent: bigint;
  volatile: bigint;
}

/** SMB::MACTimes: times as Zeek times (seconds since 1970) and the raw FILETIMEs. */
export interface SmbMacTimes {
  modified: number;
  modified_raw: bigint;
  accessed: number;
  accessed_raw: bigint;
  created: number;
  created_raw: bigint;
  changed: number;
  changed_raw: bigint;
}

/** SMB1::NegotiateResponse, reduced to what the scripts read (the NT LM 0.12 dialect index). */
export interface Smb1NegotiateResponse {
  /** The word count that chose the layout: 1 core, 13 LANMAN, 17 NT LM 0.12. */
  word_count: number;
  dialect_index: number;
  /** Set for the NT LM 0.12 layout. */
  ntlm?: { dialect_index: number; capabilities: number; security_blob?: string };
}

/** SMB2::NegotiateResponse (the fixed part). */
export interface Smb2NegotiateResponse {
  dialect_revision: number;
  security_mode: number;
  server_guid: string;
  system_time: number;
  server_start_time: number;
  negotiate_context_count: number;
}

/** SMB2::TreeConnectResponse. */
export interface Smb2TreeConnectResponse {
  share_type: number;
}

/** SMB2::CreateRequest. */
export interface Smb2CreateRequest {
  filename: string;
  disposition: number;
  create_options: number;
}

/** SMB2::FileAttrs as the attribute word (Zeek splits it into booleans; `flags` keeps them all). */
export interface Smb2FileAttrs {
  flags: number;
  read_only: boolean;
  hidden: boolean;
  system: boolean;
  directory: boolean;
  archive: boolean;
  normal: boolean;
}

/** SMB2::CreateResponse. */
export interface Smb2CreateResponse {
  file_id: Smb2Guid;
  size: number;
  times: SmbMacTimes;
  file_attrs: Smb2FileAttrs;
  create_action: number;
}

/** SMB2::CloseResponse. */
export interface Smb2CloseResponse {
  alloc_size: number;
  eof: number;
  times: SmbMacTimes;
  file_attrs: Smb2FileAttrs;
}

export interface SmbEvents {
  /** Every SMB1 message's header, before its command's events. */
  smb1_message: [c: Connection, hdr: Smb1Header, is_orig: boolean];
  smb1_negotiate_request: [c: Connection, hdr: Smb1Header, dialects: string[]];
  smb1_negotiate_response: [c: Connection, hdr: Smb1Header, response: Smb1NegotiateResponse];
  smb1_tree_connect_andx_request: [c: Connection, hdr: Smb1Header, path: string, service: string];
  smb1_tree_connect_andx_response: [c: Connection, hdr: Smb1Header, service: string, native_file_system: string];
  smb1_tree_disconnect: [c: Connection, hdr: Smb1Header, is_orig: boolean];
  smb1_nt_create_andx_request: [c: Connection, hdr: Smb1Header, file_name: string];
  smb1_nt_create_andx_response: [c: Connection, hdr: Smb1Header, file_id: number, file_size: number, times: SmbMacTimes];
  smb1_read_andx_request: [c: Connection, hdr: Smb1Header, file_id: number, offset: number, length: number];
  smb1_read_andx_response: [c: Connection, hdr: Smb1Header, data_len: number];
  smb1_write_andx_request: [c: Connection, hdr: Smb1Header, file_id: number, offset: number, data_len: number];
  smb1_write_andx_response: [c: Connection, hdr: Smb1Header, written_bytes: number];
  smb1_close_request: [c: Connection, hdr: Smb1Header, file_id: number];
  smb1_transaction_request: [c: Connection, hdr: Smb1Header, name: string, sub_cmd: number, parameters: string, data: string];
  smb1_transaction_response: [c: Connection, hdr: Smb1Header, parameters: string, data: string];
  smb1_echo_request: [c: Connection, echo_count: number, data: string];
  smb1_echo_response: [c: Connection, seq_num: number, data: string];
  /** A response of a success status and no words or bytes (an empty message of 35 bytes). */
  smb1_empty_response: [c: Connection, hdr: Smb1Header];
  /** The same of an error status. */
  smb1_error: [c: Connection, hdr: Smb1Header, is_orig: boolean];

  /** Every SMB2 message's header (each PDU of a compounded chain), before its command's events. */
  smb2_message: [c: Connection, hdr: Smb2Header, is_orig: boolean];
  smb2_negotiate_request: [c: Connection, hdr: Smb2Header, dialects: number[]];
  smb2_negotiate_response: [c: Connection, hdr: Smb2Header, response: Smb2NegotiateResponse];
  smb2_session_setup_request: [c: Connection, hdr: Smb2Header, security_mode: number];
  smb2_session_setup_response: [c: Connection, hdr: Smb2Header, session_flags: number];
  smb2_tree_connect_request: [c: Connection, hdr: Smb2Header, path: string];
  smb2_tree_connect_response: [c: Connection, hdr: Smb2Header, response: Smb2TreeConnectResponse];
  smb2_tree_disconnect_request: [c: Connection, hdr: Smb2Header];
  smb2_tree_disconnect_response: [c: Connection, hdr: Smb2Header];
  smb2_create_request: [c: Connection, hdr: Smb2Header, request: Smb2CreateRequest];
  smb2_create_response: [c: Connection, hdr: Smb2Header, response: Smb2CreateResponse];
  smb2_read_request: [c: Connection, hdr: Smb2Header, file_id: Smb2Guid, offset: number, length: number];
  smb2_write_request: [c: Connection, hdr: Smb2Header, file_id: Smb2Guid, offset: number, length: number];
  smb2_write_response: [c: Connection, hdr: Smb2Header, length: number];
  smb2_close_request: [c: Connection, hdr: Smb2Header, file_id: Smb2Guid];
  smb2_close_response: [c: Connection, hdr: Smb2Header, response: Smb2CloseResponse];
  smb2_file_sattr: [c: Connection, hdr: Smb2Header, file_id: Smb2Guid, times: SmbMacTimes, attrs: Smb2FileAttrs];
  smb2_file_rename: [c: Connection, hdr: Smb2Header, file_id: Smb2Guid, dst_filename: string];
  smb2_file_delete: [c: Connection, hdr: Smb2Header, file_id: Smb2Guid, delete_pending: boolean];
  smb2_file_allocation: [c: Connection, hdr: Smb2Header, file_id: Smb2Guid, alloc_size: number];
  smb2_file_endoffile: [c: Connection, hdr: Smb2Header, file_id: Smb2Guid, end_of_file: number];
  /** An SMB 3 encrypted message (\xfdSMB): its transform header. */
  smb2_transform_header: [c: Connection, hdr: { signature: string; nonce: string; orig_msg_size: number; flags: number; session_id: number }];
  /** The parser dropped its pending state ("tree", "read", "ioctl") at SMB::max_pending_messages. */
  smb2_discarded_messages_state: [c: Connection, state: string];

  /** A create of a known pipe name (SMB::pipe_filenames) on a tree not known as a pipe tree. */
  smb_pipe_connect_heuristic: [c: Connection];
  /** The connection reached SMB::max_dce_rpc_analyzers named-pipe DCE_RPC analyzers; they were all dropped. */
  smb_discarded_dce_rpc_analyzers: [c: Connection];
}

declare module "../../../event/events.js" {
  interface EventMap extends SmbEvents {}
}

registerEvents<SmbEvents>({
  smb1_message: true,
  smb1_negotiate_request: true,
  smb1_negotiate_response: true,
  smb1_tree_connect_andx_request: true,
  smb1_tree_connect_andx_response: true,
  smb1_tree_disconnect: true,
  smb1_nt_create_andx_request: true,
  smb1_nt_create_andx_response: true,
  smb1_read_andx_request: true,
  smb1_read_andx_response: true,
  smb1_write_andx_request: true,
  smb1_write_andx_response: true,
  smb1_close_request: true,
  smb1_transaction_request: true,
  smb1_transaction_response: true,
  smb1_echo_request: true,
  smb1_echo_response: true,
  smb1_empty_response: true,
  smb1_error: true,
  smb2_message: true,
  smb2_negotiate_request: true,
  smb2_negotiate_response: true,
  smb2_session_setup_request: true,
  smb2_session_setup_response: true,
  smb2_tree_connect_request: true,
  smb2_tree_connect_response: true,
  smb2_tree_disconnect_request: true,
  smb2_tree_disconnect_response: true,
  smb2_create_request: true,
  smb2_create_response: true,
  smb2_read_request: true,
  smb2_write_request: true,
  smb2_write_response: true,
  smb2_close_request: true,
  smb2_close_response: true,
  smb2_file_sattr: true,
  smb2_file_rename: true,
  smb2_file_delete: true,
  smb2_file_allocation: true,
  smb2_file_endoffile: true,
  smb2_transform_header: true,
  smb2_discarded_messages_state: true,
  smb_pipe_connect_heuristic: true,
  smb_discarded_dce_rpc_analyzers: true,
});
