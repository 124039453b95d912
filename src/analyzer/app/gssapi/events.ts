/** The GSSAPI event, with Zeek's name and arguments (Zeek's gssapi events.bif). */
import { registerEvents } from "../../../event/events.js";
import type { Connection } from "../../../event/records.js";

export interface GssapiEvents {
  /** A negTokenResp's negState: 0 accept-completed, 1 accept-incomplete, 2 reject, 3 request-mic. */
  gssapi_neg_result: [c: Connection, state: number];
}

declare module "../../../event/events.js" {
  interface EventMap extends GssapiEvents {}
}

registerEvents<GssapiEvents>({ gssapi_neg_result: true });
