/**
 * Zeek's HTTP events, with Zeek's arguments (strings hold one byte per
 * character). See docs/events.md.
 */
import { registerEvents } from "../../../event/events.js";
import type { Connection } from "../../../event/records.js";

/** Zeek's mime_header_rec: one header of http_all_headers. */
export interface MimeHeaderRec {
  original_name: string;
  /** The name in upper case. */
  name: string;
  value: string;
}

/** Zeek's http_message_stat. */
export interface HttpMessageStat {
  /** When the message started (its first line). */
  start: number;
  /** True when it did not end normally (gap, RST, connection done). */
  interrupted: boolean;
  /** Why it ended, e.g. "message ends normally". */
  finish_msg: string;
  /** Body bytes (decoded from chunking, before Content-Encoding is undone). */
  body_length: number;
  /** Body bytes lost in content gaps. */
  content_gap_length: number;
  /** Bytes of the start line and headers (without line ends). */
  header_length: number;
}

/** Zeek's http_stats_rec. */
export interface HttpStatsRec {
  num_requests: number;
  num_replies: number;
  request_version: number;
  reply_version: number;
}

export interface HttpEvents {
  http_request: [c: Connection, method: string, original_URI: string, unescaped_URI: string, version: string];
  http_reply: [c: Connection, version: string, code: number, reason: string];
  http_header: [c: Connection, is_orig: boolean, original_name: string, name: string, value: string];
  http_all_headers: [c: Connection, is_orig: boolean, hlist: readonly MimeHeaderRec[]];
  http_begin_entity: [c: Connection, is_orig: boolean];
  http_end_entity: [c: Connection, is_orig: boolean];
  http_entity_data: [c: Connection, is_orig: boolean, length: number, data: string];
  http_content_type: [c: Connection, is_orig: boolean, ty: string, subty: string];
  http_message_done: [c: Connection, is_orig: boolean, stat: HttpMessageStat];
  http_event: [c: Connection, event_type: string, detail: string];
  http_stats: [c: Connection, stats: HttpStatsRec];
  http_connection_upgrade: [c: Connection, protocol: string];
}
declare module "../../../event/events.js" {
  interface EventMap extends HttpEvents {}
}
registerEvents<HttpEvents>({
  http_request: true,
  http_reply: true,
  http_header: true,
  http_all_headers: true,
  http_begin_entity: true,
  http_end_entity: true,
  http_entity_data: true,
  http_content_type: true,
  http_message_done: true,
  http_event: true,
  http_stats: true,
  http_connection_upgrade: true,
});
