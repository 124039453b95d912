/**
 * The IRC events, with Zeek's names and arguments (analyzer/protocol/irc
 * events.bif). Strings hold one byte per character (latin1); Zeek's sets
 * (string_set, irc_join_list) are arrays in the order the line gave them.
 */
import { registerEvents } from "../../../event/events.js";
import type { Connection } from "../../../event/records.js";

/** Zeek's irc_join_info: one channel of a JOIN (or one user of an NJOIN). */
export interface IrcJoinInfo {
  nick: string;
  channel: string;
  password: string;
  usermode: string;
}

export interface IrcEvents {
  /** A client command bronze has no specific event for. */
  irc_request: [c: Connection, is_orig: boolean, prefix: string, command: string, arguments: string];
  /** A numeric server reply without a specific event. */
  irc_reply: [c: Connection, is_orig: boolean, prefix: string, code: number, params: string];
  /** A server command without a specific event. */
  irc_message: [c: Connection, is_orig: boolean, prefix: string, command: string, message: string];
  irc_quit_message: [c: Connection, is_orig: boolean, nick: string, message: string];
  irc_privmsg_message: [c: Connection, is_orig: boolean, source: string, target: string, message: string];
  irc_notice_message: [c: Connection, is_orig: boolean, source: string, target: string, message: string];
  irc_squery_message: [c: Connection, is_orig: boolean, source: string, target: string, message: string];
  irc_join_message: [c: Connection, is_orig: boolean, info_list: IrcJoinInfo[]];
  irc_part_message: [c: Connection, is_orig: boolean, nick: string, chans: string[], message: string];
  irc_nick_message: [c: Connection, is_orig: boolean, who: string, newnick: string];
  irc_invalid_nick: [c: Connection, is_orig: boolean];
  irc_network_info: [c: Connection, is_orig: boolean, users: number, services: number, servers: number];
  irc_server_info: [c: Connection, is_orig: boolean, users: number, services: number, servers: number];
  irc_channel_info: [c: Connection, is_orig: boolean, chans: number];
  irc_who_line: [
    c: Connection,
    is_orig: boolean,
    target_nick: string,
    channel: string,
    user: string,
    host: string,
    server: string,
    nick: string,
    params: string,
    hops: number,
    real_name: string,
  ];
  irc_names_info: [c: Connection, is_orig: boolean, c_type: string, channel: string, users: string[]];
  irc_whois_operator_line: [c: Connection, is_orig: boolean, nick: string];
  irc_whois_channel_line: [c: Connection, is_orig: boolean, nick: string, chans: string[]];
  irc_whois_user_line: [c: Connection, is_orig: boolean, nick: string, user: string, host: string, real_name: string];
  irc_oper_response: [c: Connection, is_orig: boolean, got_oper: boolean];
  irc_global_users: [c: Connection, is_orig: boolean, prefix: string, msg: string];
  irc_channel_topic: [c: Connection, is_orig: boolean, channel: string, topic: string];
  irc_who_message: [c: Connection, is_orig: boolean, mask: string, oper: boolean];
  irc_whois_message: [c: Connection, is_orig: boolean, server: string, users: string];
  irc_oper_message: [c: Connection, is_orig: boolean, user: string, password: string];
  irc_kick_message: [c: Connection, is_orig: boolean, prefix: string, chans: string, users: string, comment: string];
  irc_error_message: [c: Connection, is_orig: boolean, prefix: string, message: string];
  irc_invite_message: [c: Connection, is_orig: boolean, prefix: string, nickname: string, channel: string];
  irc_mode_message: [c: Connection, is_orig: boolean, prefix: string, params: string];
  irc_squit_message: [c: Connection, is_orig: boolean, prefix: string, server: string, message: string];
  /** A CTCP DCC request in a PRIVMSG ("DCC SEND name addr port size"): the address as text, the port and size as counts. */
  irc_dcc_message: [
    c: Connection,
    is_orig: boolean,
    prefix: string,
    target: string,
    dcc_type: string,
    argument: string,
    address: string,
    dest_port: number,
    size: number,
  ];
  /** The receiver of a DCC SEND acknowledged this many bytes (4-byte big-endian counters on the data connection). */
  irc_dcc_send_ack: [c: Connection, bytes_received: number];
  irc_user_message: [c: Connection, is_orig: boolean, user: string, host: string, server: string, real_name: string];
  irc_password_message: [c: Connection, is_orig: boolean, password: string];
  /** The server accepted STARTTLS (670): the rest of the connection goes to the SSL analyzer. */
  irc_starttls: [c: Connection];
}
declare module "../../../event/events.js" {
  interface EventMap extends IrcEvents {}
}
registerEvents<IrcEvents>({
  irc_request: true,
  irc_reply: true,
  irc_message: true,
  irc_quit_message: true,
  irc_privmsg_message: true,
  irc_notice_message: true,
  irc_squery_message: true,
  irc_join_message: true,
  irc_part_message: true,
  irc_nick_message: true,
  irc_invalid_nick: true,
  irc_network_info: true,
  irc_server_info: true,
  irc_channel_info: true,
  irc_who_line: true,
  irc_names_info: true,
  irc_whois_operator_line: true,
  irc_whois_channel_line: true,
  irc_whois_user_line: true,
  irc_oper_response: true,
  irc_global_users: true,
  irc_channel_topic: true,
  irc_who_message: true,
  irc_whois_message: true,
  irc_oper_message: true,
  irc_kick_message: true,
  irc_error_message: true,
  irc_invite_message: true,
  irc_mode_message: true,
  irc_squit_message: true,
  irc_dcc_message: true,
  irc_dcc_send_ack: true,
  irc_user_message: true,
  irc_password_message: true,
  irc_starttls: true,
});
