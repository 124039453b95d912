/**
 * Zeek's default `Weird::actions` (base/frameworks/notice/weird.zeek): what the
 * weird framework does with each weird name. Only names whose action is not
 * the default (log, subject to repeat suppression) are listed.
 */
export type WeirdAction = "ignore" | "log" | "log_once" | "log_per_conn" | "log_per_orig" | "notice" | "notice_once" | "notice_per_conn" | "notice_per_orig";

const IGNORE = ["unsolicited_SYN_response", "FIN_after_reset", "spontaneous_FIN", "spontaneous_RST"];

const LOG_PER_ORIG = [
  "bad_ICMP_checksum",
  "bad_IP_checksum",
  "bad_RPC",
  "bad_TCP_checksum",
  "bad_UDP_checksum",
  "connection_originator_SYN_ack",
  "DNS_label_forward_compress_offset",
  "DNS_label_len_gt_name_len",
  "DNS_label_len_gt_pkt",
  "DNS_label_too_long",
  "excess_RPC",
  "originator_RPC_reply",
  "partial_RPC",
  "responder_RPC_call",
  "SYN_with_data",
  "UDP_datagram_length_mismatch",
  "excessively_small_fragment",
  "fragment_inconsistency",
  "fragment_overlap",
  "fragment_size_inconsistency",
];

const LOG_PER_CONN = [
  "FTP_max_command_length_exceeded",
  "FTP_too_many_pending_commands",
  "FTP_user_too_long",
  "FTP_reply_msg_too_long",
  "FTP_arg_too_long",
  "FTP_password_too_long",
  "simultaneous_open",
  "smtp_mail_transaction_invalid",
  "smtp_excessive_invalid_mail_transactions",
  "smb_tree_connect_andx_response_without_tree",
];

const NOTICE_PER_ORIG = ["FIN_storm", "successful_RPC_reply_to_invalid_request", "SYN_after_partial"];

/** Weird::actions defaults; a name not in the table is "log". */
export function defaultWeirdActions(): Map<string, WeirdAction> {
  const table = new Map<string, WeirdAction>();
  for (const n of IGNORE) table.set(n, "ignore");
  for (const n of LOG_PER_ORIG) table.set(n, "log_per_orig");
  for (const n of LOG_PER_CONN) table.set(n, "log_per_conn");
  for (const n of NOTICE_PER_ORIG) table.set(n, "notice_per_orig");
  return table;
}
