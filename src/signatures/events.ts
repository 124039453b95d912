/**
 * The event a user signature's `event "msg"` action raises (Zeek's
 * signature_match), with Zeek's argument shapes.
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
}

declare module "../event/events.js" {
  interface EventMap extends SignatureEvents {}
}

registerEvents<SignatureEvents>({ signature_match: true });
