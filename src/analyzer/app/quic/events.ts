/**
 * The QUIC analyzer's events, with Zeek's names and arguments
 * (scripts/base/protocols/quic/spicy-events.zeek, raised as QUIC.evt says).
 * Connection ids, tokens and reason phrases are byte strings (one byte per
 * character); versions and codes are counts.
 */
import { registerEvents } from "../../../event/events.js";
import type { Connection } from "../../../event/records.js";

export interface QuicEvents {
  /** An Initial packet's long header (before its payload is decrypted). */
  "QUIC::initial_packet": [c: Connection, is_orig: boolean, version: number, dcid: string, scid: string];
  /** A Retry packet: its token and 16-byte integrity tag. */
  "QUIC::retry_packet": [c: Connection, is_orig: boolean, version: number, dcid: string, scid: string, retry_token: string, retry_integrity_tag: string];
  "QUIC::handshake_packet": [c: Connection, is_orig: boolean, version: number, dcid: string, scid: string];
  "QUIC::zero_rtt_packet": [c: Connection, is_orig: boolean, version: number, dcid: string, scid: string];
  /** A CONNECTION_CLOSE frame (type 0x1c) in a decrypted Initial packet. */
  "QUIC::connection_close_frame": [c: Connection, is_orig: boolean, version: number, dcid: string, scid: string, error_code: number, reason_phrase: string];
  /** A long header with a version Zeek's analyzer does not know (the analyzer then fails). */
  "QUIC::unhandled_version": [c: Connection, is_orig: boolean, version: number, dcid: string, scid: string];
  /** A packet with the fixed bit 0 after Initial packets were decrypted (up to QUIC::max_discarded_packet_events). */
  "QUIC::discarded_packet": [c: Connection, is_orig: boolean, total_decrypted: number];
  /** A side's short-header packets reached 1, 2, 4, 8, … */
  "QUIC::short_header_packet_threshold_crossed": [c: Connection, is_orig: boolean, threshold: number];
}

declare module "../../../event/events.js" {
  interface EventMap extends QuicEvents {}
}

registerEvents<QuicEvents>({
  "QUIC::initial_packet": true,
  "QUIC::retry_packet": true,
  "QUIC::handshake_packet": true,
  "QUIC::zero_rtt_packet": true,
  "QUIC::connection_close_frame": true,
  "QUIC::unhandled_version": true,
  "QUIC::discarded_packet": true,
  "QUIC::short_header_packet_threshold_crossed": true,
});
