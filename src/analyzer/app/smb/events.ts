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

/** SMB1::NegotiateResponseSecurity: the security mode's bits (the signature ones for NT LM 0.12 only). */
export interface Smb1NegotiateSecurity {
  user_level: boolean;
  challenge_response: boolean;
  signatures_enabled?: boolean;
  signatures_required?: boolean;
}

/** SMB1::NegotiateRawMode. */
export interface Smb1NegotiateRawMode {
  read_raw: boolean;
  write_raw: boolean;
}

/** SMB1::NegotiateCapabilities: the NT LM 0.12 capability bits. */
export interface Smb1NegotiateCapabilities {
  raw_mode: boolean;
  mpx_mode: boolean;
  unicode: boolean;
  large_files: boolean;
  nt_smbs: boolean;
  rpc_remote_apis: boolean;
  status32: boolean;
  level_2_oplocks: boolean;
  lock_and_read: boolean;
  nt_find: boolean;
  dfs: boolean;
  infolevel_passthru: boolean;
  large_readx: boolean;
  large_writex: boolean;
  unix: boolean;
  bulk_transfer: boolean;
  compressed_data: boolean;
  extended_security: boolean;
}

/** The fields SMB1's LANMAN and NT LM 0.12 negotiate responses share, in Zeek's order. */
interface Smb1NegotiateResponseBase {
  word_count: number;
  dialect_index: number;
  security_mode: Smb1NegotiateSecurity;
  max_buffer_size: number;
  max_mpx_count: number;
  max_number_vcs: number;
}

/** SMB1::NegotiateResponseLANMAN (13 parameter words). */
export interface Smb1NegotiateResponseLanman extends Smb1NegotiateResponseBase {
  raw_mode: Smb1NegotiateRawMode;
  session_key: number;
  /** The server's local date and time as if UTC (Zeek ignores the time zone word). */
  server_time: number;
  encryption_key: string;
  primary_domain: string;
}

/** SMB1::NegotiateResponseNTLM (17 parameter words, NT LM 0.12). */
export interface Smb1NegotiateResponseNtlm extends Smb1NegotiateResponseBase {
  max_raw_size: number;
  session_key: number;
  capabilities: Smb1NegotiateCapabilities;
  server_time: number;
  /** Without extended security. */
  encryption_key?: string;
  domain_name?: string;
  /** With extended security. */
  guid?: string;
  /** Declared by Zeek's record but never set by its analyzer (the blob goes to GSSAPI): left unset here too. */
  security_blob?: string;
}

/** SMB1::NegotiateResponse: one of its layouts, by the response's word count (1, 13 or 17). */
export interface Smb1NegotiateResponse {
  core?: { dialect_index: number };
  lanman?: Smb1NegotiateResponseLanman;
  ntlm?: Smb1NegotiateResponseNtlm;
}

/** SMB2::NegotiateContextValue (SMB 3.1.1): the context's type, its length, and its parsed data for the types Zeek knows. */
export interface Smb2NegotiateContextValue {
  context_type: number;
  data_length: number;
  preauth_info?: { hash_alg_count: number; salt_length: number; hash_alg: number[]; salt: string };
  encryption_info?: { cipher_count: number; ciphers: number[] };
  compression_info?: { alg_count: number; algs: number[] };
  netname?: string;
}

/** SMB2::NegotiateResponse. */
export interface Smb2NegotiateResponse {
  dialect_revision: number;
  security_mode: number;
  server_guid: Smb2Guid;
  system_time: number;
  server_start_time: number;
  negotiate_context_count: number;
  /** Parsed for dialect 3.1.1 only (empty otherwise). */
  negotiate_context_values: Smb2NegotiateContextValue[];
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

/** SMB1::SessionSetupAndXCapabilities: the client's capability bits Zeek names. */
export interface Smb1SessionSetupAndXCapabilities {
  unicode: boolean;
  large_files: boolean;
  nt_smbs: boolean;
  status32: boolean;
  level_2_oplocks: boolean;
  nt_find: boolean;
}

/**
 * SMB1::SessionSetupAndXRequest. Which optional fields are set depends on the
 * word count: 10 (pre NT LM 0.12) the account fields and `account_password`;
 * 12 (extended security) only `capabilities` (Zeek leaves `security_blob`
 * unset); 13 the account fields, both passwords and `capabilities`.
 */
export interface Smb1SessionSetupAndXRequest {
  word_count: number;
  max_buffer_size: number;
  max_mpx_count: number;
  vc_number: number;
  session_key: number;
  native_os: string;
  native_lanman: string;
  account_name?: string;
  account_password?: string;
  primary_domain?: string;
  case_insensitive_password?: string;
  case_sensitive_password?: string;
  security_blob?: string;
  capabilities?: Smb1SessionSetupAndXCapabilities;
}

/** SMB1::SessionSetupAndXResponse: word count 3 (LANMAN) sets the strings, 4 (NT LM) all but `primary_domain`, others only `word_count`. */
export interface Smb1SessionSetupAndXResponse {
  word_count: number;
  is_guest?: boolean;
  native_os?: string;
  native_lanman?: string;
  primary_domain?: string;
  security_blob?: string;
}

/** SMB1::Trans2_Args: a TRANSACTION2 request's counts and offsets. */
export interface Smb1Trans2Args {
  total_param_count: number;
  total_data_count: number;
  max_param_count: number;
  max_data_count: number;
  max_setup_count: number;
  flags: number;
  trans_timeout: number;
  param_count: number;
  param_offset: number;
  data_count: number;
  data_offset: number;
  setup_count: number;
}

/** SMB1::Trans_Sec_Args: a TRANSACTION_SECONDARY request's counts, offsets and displacements. */
export interface Smb1TransSecArgs {
  total_param_count: number;
  total_data_count: number;
  param_count: number;
  param_offset: number;
  param_displacement: number;
  data_count: number;
  data_offset: number;
  data_displacement: number;
}

/** SMB1::Trans2_Sec_Args: the same for TRANSACTION2_SECONDARY, with the file id. */
export interface Smb1Trans2SecArgs extends Smb1TransSecArgs {
  FID: number;
}

/** SMB1::Find_First2_Request_Args. */
export interface Smb1FindFirst2RequestArgs {
  search_attrs: number;
  search_count: number;
  flags: number;
  info_level: number;
  search_storage_type: number;
  file_name: string;
}

/**
 * SMB2::Fscontrol. The three filtering thresholds are Zeek ints cut to 32
 * bits, as Zeek's static_cast<int> cuts them; the quota counts are bigints,
 * exact as Zeek's (a quota is often near 2^64).
 */
export interface Smb2Fscontrol {
  free_space_start_filtering: number;
  free_space_threshold: number;
  free_space_stop_filtering: number;
  delete_quota_threshold: bigint;
  default_quota_limit: bigint;
  fs_control_flags: number;
}

/** SMB2::FileEA: one extended attribute (name and value as UTF-16 read into UTF-8). */
export interface Smb2FileEA {
  ea_name: string;
  ea_value: string;
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

  /** The client's SESSION_SETUP_ANDX, after the AndX chain's commands and its security blob's hand-off. */
  smb1_session_setup_andx_request: [c: Connection, hdr: Smb1Header, request: Smb1SessionSetupAndXRequest];
  smb1_session_setup_andx_response: [c: Connection, hdr: Smb1Header, response: Smb1SessionSetupAndXResponse];
  /** A TRANSACTION2 request (after its subcommand's own event). */
  smb1_transaction2_request: [c: Connection, hdr: Smb1Header, args: Smb1Trans2Args, sub_cmd: number];
  smb1_trans2_find_first2_request: [c: Connection, hdr: Smb1Header, args: Smb1FindFirst2RequestArgs];
  smb1_trans2_query_path_info_request: [c: Connection, hdr: Smb1Header, file_name: string];
  smb1_trans2_get_dfs_referral_request: [c: Connection, hdr: Smb1Header, file_name: string];
  smb1_transaction_secondary_request: [c: Connection, hdr: Smb1Header, args: Smb1TransSecArgs, parameters: string, data: string];
  smb1_transaction2_secondary_request: [c: Connection, hdr: Smb1Header, args: Smb1Trans2SecArgs, parameters: string, data: string];
  smb1_check_directory_request: [c: Connection, hdr: Smb1Header, directory_name: string];
  smb1_check_directory_response: [c: Connection, hdr: Smb1Header];
  smb1_query_information_request: [c: Connection, hdr: Smb1Header, filename: string];
  smb1_nt_cancel_request: [c: Connection, hdr: Smb1Header];
  /** LOGOFF_ANDX of either side, after the AndX chain's commands. */
  smb1_logoff_andx: [c: Connection, is_orig: boolean];
  /** Declared by Zeek but never raised: its grammar leaves CREATE_DIRECTORY out of the command switch (so bronze never raises them either). */
  smb1_create_directory_request: [c: Connection, hdr: Smb1Header, directory_name: string];
  smb1_create_directory_response: [c: Connection, hdr: Smb1Header];
  /** SET_INFO of the file classes mode, pipe, position, short name, valid data length, full EA and link. */
  smb2_file_mode: [c: Connection, hdr: Smb2Header, file_id: Smb2Guid, mode: number];
  smb2_file_pipe: [c: Connection, hdr: Smb2Header, file_id: Smb2Guid, read_mode: number, completion_mode: number];
  smb2_file_position: [c: Connection, hdr: Smb2Header, file_id: Smb2Guid, current_byte_offset: number];
  smb2_file_shortname: [c: Connection, hdr: Smb2Header, file_id: Smb2Guid, file_name: string];
  smb2_file_validdatalength: [c: Connection, hdr: Smb2Header, file_id: Smb2Guid, valid_data_length: number];
  smb2_file_fullea: [c: Connection, hdr: Smb2Header, file_id: Smb2Guid, file_eas: Smb2FileEA[]];
  smb2_file_link: [c: Connection, hdr: Smb2Header, file_id: Smb2Guid, root_directory: number, file_name: string];
  /** SET_INFO of the file-system classes: quota and filtering control, object id. */
  smb2_file_fscontrol: [c: Connection, hdr: Smb2Header, file_id: Smb2Guid, fs_control: Smb2Fscontrol];
  smb2_file_fsobjectid: [c: Connection, hdr: Smb2Header, file_id: Smb2Guid, object_id: Smb2Guid, extended_info: string];
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
  smb1_session_setup_andx_request: true,
  smb1_session_setup_andx_response: true,
  smb1_transaction2_request: true,
  smb1_trans2_find_first2_request: true,
  smb1_trans2_query_path_info_request: true,
  smb1_trans2_get_dfs_referral_request: true,
  smb1_transaction_secondary_request: true,
  smb1_transaction2_secondary_request: true,
  smb1_check_directory_request: true,
  smb1_check_directory_response: true,
  smb1_query_information_request: true,
  smb1_nt_cancel_request: true,
  smb1_logoff_andx: true,
  smb1_create_directory_request: true,
  smb1_create_directory_response: true,
  smb2_file_mode: true,
  smb2_file_pipe: true,
  smb2_file_position: true,
  smb2_file_shortname: true,
  smb2_file_validdatalength: true,
  smb2_file_fullea: true,
  smb2_file_link: true,
  smb2_file_fscontrol: true,
  smb2_file_fsobjectid: true,
});
