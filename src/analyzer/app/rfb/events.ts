/**
 * The RFB (VNC) events, with Zeek's names and arguments (Zeek's rfb
 * events.bif).
 */
import { registerEvents } from "../../../event/events.js";
import type { Connection } from "../../../event/records.js";

export interface RfbEvents {
  /** The security type: the server's choice (RFB 3.3) or the client's selection (3.7+). */
  rfb_authentication_type: [c: Connection, authtype: number];
  /** The server's SecurityResult: true when authentication succeeded. */
  rfb_authentication_result: [c: Connection, result: boolean];
  /** The client's ClientInit: whether it lets other clients share the desktop. */
  rfb_share_flag: [c: Connection, flag: boolean];
  /** The client's "RFB xxx.yyy" version (major and minor as the three digits each). */
  rfb_client_version: [c: Connection, major_version: string, minor_version: string];
  /** The server's version line. */
  rfb_server_version: [c: Connection, major_version: string, minor_version: string];
  /** The server's ServerInit: the desktop's name and framebuffer size. */
  rfb_server_parameters: [c: Connection, name: string, width: number, height: number];
  /**
   * Zeek's deprecated form of rfb_authentication_result (to be removed in
   * Zeek 9.1), raised just before it: `result` is true when authentication
   * FAILED (the status word read as a bool).
   */
  rfb_auth_result: [c: Connection, result: boolean];
}

declare module "../../../event/events.js" {
  interface EventMap extends RfbEvents {}
}

registerEvents<RfbEvents>({
  rfb_authentication_type: true,
  rfb_authentication_result: true,
  rfb_share_flag: true,
  rfb_client_version: true,
  rfb_server_version: true,
  rfb_server_parameters: true,
  rfb_auth_result: true,
});
