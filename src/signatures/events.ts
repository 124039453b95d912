/**
 * The events user signatures raise: signature_match for `event "msg"`
 * actions (Zeek's, with its argument shapes), and the carrier of custom
 * events (`event NAME ["msg"]`), whose handlers Engine.onSignatureEvent
 * registers by name.
 */
import { registerEvents } from "../event/events.js";
import type { Connection } from "../event/records.js";

/** Zeek's signature_state record. */
export interface SignatureState {
  /** The signature's id. */
  sig_id: string;
  /** The connection it matched on. */
  conn: Connection;
  /** Whether it matched the originator's data. */
  is_orig: boolean;
  /** The size of the side's first non-empty payload chunk (0 when none came yet). */
  payload_size: number;
}

export interface SignatureEvents {
  /**
   * A signature matched: `msg` is its event action's message, `data` the
   * payload it matched in (bytes as latin1 text; empty for header-only
   * signatures), `end_of_match` where in `data` the match ended (Zeek passes
   * it to handlers that declare it; 0 without data).
   */
  signature_match: [state: SignatureState, msg: string, data: string, end_of_match: number];
  /**
   * bronze's carrier of custom signature events (`event NAME "msg"`, `event
   * NAME`; Zeek raises the event NAME itself): queued in order with the
   * other events, and run by the handlers Engine.onSignatureEvent registered
   * for `event`. `msg` is null for an action without a message.
   */
  signature_custom_event: [event: string, state: SignatureState, msg: string | null, data: string, end_of_match: number];
}

declare module "../event/events.js" {
  interface EventMap extends SignatureEvents {}
}

registerEvents<SignatureEvents>({ signature_match: true, signature_custom_event: true });
