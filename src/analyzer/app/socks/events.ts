/**
 * The SOCKS events, with Zeek's names and arguments (Zeek's socks
 * events.bif). Strings hold one byte per character (latin1).
 */
import { registerEvents } from "../../../event/events.js";
import type { Connection } from "../../../event/records.js";

/** Zeek's SOCKS::Address: a desired or bound endpoint given by address, by name, or (SOCKS4a) both. */
export interface SocksAddress {
  host?: string;
  name?: string;
}

export interface SocksEvents {
  /** A client's request: version 4 or 5, the command (1 connect, 2 bind, 3 UDP associate), the target, and (SOCKS4) the user id. */
  socks_request: [c: Connection, version: number, request_type: number, sa: SocksAddress, p: number, user: string];
  /** The server's reply: its status code and the address/port it bound. */
  socks_reply: [c: Connection, version: number, reply: number, sa: SocksAddress, p: number];
  /** SOCKS5 username/password authentication (RFC 1929): the client's credentials. */
  socks_login_userpass_request: [c: Connection, user: string, password: string];
  /** SOCKS5 username/password authentication: the server's status (0 = success). */
  socks_login_userpass_reply: [c: Connection, code: number];
}

declare module "../../../event/events.js" {
  interface EventMap extends SocksEvents {}
}

registerEvents<SocksEvents>({ socks_request: true, socks_reply: true, socks_login_userpass_request: true, socks_login_userpass_reply: true });
