/**
 * The SOCKS analyzer (Zeek's SOCKS, socks-protocol.pac): SOCKS4/4a and
 * SOCKS5 with RFC 1929 username/password authentication, then the proxied
 * payload handed to a fresh protocol detection (`socks,http`, `socks,ssl`).
 *
 * As Zeek's binpac flow, each delivered chunk of a side is one message
 * (a "datagram" flow): the bytes after a message in the same chunk are not
 * looked at, and a chunk too short for its message is a violation. Once the
 * request and the reply were both seen, every later byte goes to detection
 * (the chunk that completed the handshake does not).
 */

import { formatAddr } from "../../../ip/addr.js";
import { latin1, u16, u32 } from "../../../packet/bytes.js";
import type { AnalyzerComponent, AnalyzerHost, ChildStream, StreamAnalyzer } from "../analyzer.js";
import { BINPAC_EXCEPTION, BinpacError, needBytes } from "../binpac.js";
import type { Signature } from "../signature.js";
import type { SocksAddress } from "./events.js";
import "./events.js";

/** A chunk shorter than its message (counted from the message's start): Zeek's binpac out_of_bound exception, as a violation. */
function need(data: Uint8Array, end: number, what: string): void {
  needBytes(data.length, 0, end, what);
}

function v4Text(w: number): string {
  return formatAddr(0, 0, 0xffff, w);
}

/** Zeek's array_to_string: the bytes without their trailing NULs. */
function trimNuls(d: Uint8Array): string {
  let end = d.length;
  while (end > 0 && d[end - 1] === 0) end--;
  return latin1(d.subarray(0, end));
}

/** A SOCKS5 address (type, value) at `at`: the address and where it ends; null for an unknown type. */
function socks5Address(d: Uint8Array, at: number, what: string): { sa: SocksAddress; end: number } | { badType: number } {
  need(d, at + 1, `${what}:addr_type`);
  const type = d[at]!;
  switch (type) {
    case 1:
      need(d, at + 5, `${what}:ipv4`);
      return { sa: { host: v4Text(u32(d, at + 1)) }, end: at + 5 };
    case 3: {
      need(d, at + 2, "Domain_Name:len");
      const len = d[at + 1]!;
      need(d, at + 2 + len, "Domain_Name:name");
      return { sa: { name: latin1(d.subarray(at + 2, at + 2 + len)) }, end: at + 2 + len };
    }
    case 4:
      need(d, at + 17, `${what}:ipv6`);
      return { sa: { host: formatAddr(u32(d, at + 1), u32(d, at + 5), u32(d, at + 9), u32(d, at + 13)) }, end: at + 17 };
    default:
      return { badType: type };
  }
}

class SocksAnalyzer implements StreamAnalyzer {
  private origDone = false;
  private respDone = false;
  /** SOCKS5: the method the server chose asks for a sub-negotiation (RFC 1929 and others). */
  private inAuthSubNegotiation = false;
  /** SOCKS5: the server answered the method negotiation. */
  private pastAuthentication = false;
  private authMethod = 255;
  /** A malformed SOCKS5 request: Zeek's SetSkip, no more data is looked at. */
  private skip = false;
  private tunnel: ChildStream | null = null;
  private tunnelTried = false;

  constructor(private readonly host: AnalyzerHost) {}

  deliverStream(isOrig: boolean, _seq: number, data: Uint8Array): void {
    if (this.skip || this.host.isPartial()) return;
    if (this.origDone && this.respDone) {
      if (!this.tunnelTried) {
        this.tunnelTried = true;
        this.tunnel = this.host.addDetection();
      }
      if (this.tunnel?.active) this.tunnel.deliverStream(isOrig, 0, data);
      return;
    }
    try {
      this.message(isOrig, data);
    } catch (err) {
      if (!(err instanceof BinpacError)) throw err;
      this.host.violation(`${BINPAC_EXCEPTION}${err.message}`);
    }
  }

  undelivered(isOrig: boolean, seq: number, len: number): void {
    if (this.tunnel?.active) this.tunnel.undelivered(isOrig, seq, len);
  }

  endOfData(isOrig: boolean): void {
    if (this.tunnel?.active) this.tunnel.endOfData(isOrig);
  }

  done(): void {}

  private message(isOrig: boolean, d: Uint8Array): void {
    if (this.inAuthSubNegotiation) {
      this.authMessage(isOrig, d);
      return;
    }
    need(d, 1, "SOCKS_Version:version");
    const version = d[0]!;
    if (version === 4) {
      if (isOrig) this.socks4Request(d);
      else this.socks4Reply(d);
    } else if (version === 5) {
      if (!this.pastAuthentication) this.negotiation(isOrig, d);
      else if (isOrig) this.socks5Request(d);
      else this.socks5Reply(d);
    } else this.host.violation(`unsupported/unknown SOCKS version ${version}`);
  }

  private socks4Request(d: Uint8Array): void {
    need(d, 8, "SOCKS4_Request:addr");
    const command = d[1]!;
    const port = u16(d, 2);
    const addr = u32(d, 4);
    let at = 8;
    const userEnd = d.indexOf(0, at);
    need(d, userEnd < 0 ? d.length + 1 : userEnd + 1, "SOCKS4_Request:user");
    const user = d.subarray(at, userEnd + 1);
    at = userEnd + 1;
    // SOCKS4a: an address 0.0.0.x says a host name follows the user id.
    const v4a = addr <= 0xff;
    let name: Uint8Array | null = null;
    if (v4a) {
      const nameEnd = d.indexOf(0, at);
      need(d, nameEnd < 0 ? d.length + 1 : nameEnd + 1, "SOCKS4_Request:name");
      name = d.subarray(at, nameEnd + 1);
    }
    if (this.host.wants("socks_request")) {
      const sa: SocksAddress = { host: v4Text(addr) };
      if (name !== null) sa.name = trimNuls(name);
      this.host.raise("socks_request", this.host.conn(), 4, command, sa, port, trimNuls(user));
    }
    this.origDone = true;
  }

  /**
   * A SOCKS4 reply as Zeek reads it: after a version byte 4 (RFC's replies
   * start with a 0 byte instead, which Zeek reports as an unknown version).
   */
  private socks4Reply(d: Uint8Array): void {
    need(d, 9, "SOCKS4_Reply:addr");
    if (this.host.wants("socks_reply")) this.host.raise("socks_reply", this.host.conn(), 4, d[2]!, { host: v4Text(u32(d, 5)) }, u16(d, 3));
    this.host.confirm();
    this.respDone = true;
  }

  private negotiation(isOrig: boolean, d: Uint8Array): void {
    if (isOrig) {
      need(d, 2, "SOCKS5_Auth_Negotiation_Request:method_count");
      need(d, 2 + d[1]!, "SOCKS5_Auth_Negotiation_Request:methods");
      return;
    }
    need(d, 2, "SOCKS5_Auth_Negotiation_Reply:selected_auth_method");
    const method = d[1]!;
    this.inAuthSubNegotiation = method !== 0 && method !== 0xff;
    this.pastAuthentication = true;
    this.authMethod = method;
  }

  /** The authentication sub-negotiation (its messages carry no SOCKS version byte). */
  private authMessage(isOrig: boolean, d: Uint8Array): void {
    if (!isOrig) this.inAuthSubNegotiation = false;
    if (this.authMethod !== 2) {
      this.host.weird("socks5_unsupported_authentication_method", `${this.authMethod}`);
      return;
    }
    need(d, 1, isOrig ? "SOCKS5_Auth_Request_UserPass:version" : "SOCKS5_Auth_Reply_UserPass:version");
    const version = d[0]!;
    if (version !== 1) {
      this.host.weird("socks5_unsupported_authentication", `method ${this.authMethod}, version ${version}`);
      return;
    }
    if (isOrig) {
      need(d, 2, "SOCKS5_Auth_Request_UserPass_v1:ulen");
      const ulen = d[1]!;
      need(d, 2 + ulen + 1, "SOCKS5_Auth_Request_UserPass_v1:plen");
      const plen = d[2 + ulen]!;
      need(d, 3 + ulen + plen, "SOCKS5_Auth_Request_UserPass_v1:password");
      if (this.host.wants("socks_login_userpass_request")) {
        this.host.raise("socks_login_userpass_request", this.host.conn(), latin1(d.subarray(2, 2 + ulen)), latin1(d.subarray(3 + ulen, 3 + ulen + plen)));
      }
    } else {
      need(d, 2, "SOCKS5_Auth_Reply_UserPass_v1:code");
      if (this.host.wants("socks_login_userpass_reply")) this.host.raise("socks_login_userpass_reply", this.host.conn(), d[1]!);
    }
  }

  private socks5Request(d: Uint8Array): void {
    need(d, 3, "SOCKS5_Request:reserved");
    const command = d[1]!;
    const reserved = d[2]!;
    const addr = socks5Address(d, 3, "SOCKS5_Address");
    if ("badType" in addr)
      need(d, d.length + 1, "SOCKS5_Request:port"); // the unknown address took the rest
    else need(d, addr.end + 2, "SOCKS5_Request:port");
    if (reserved !== 0) {
      this.host.violation(`invalid value in reserved field: ${reserved}`);
      this.skip = true;
      return;
    }
    if (command === 0 || command > 3) {
      this.host.violation(`undefined value in command field: ${command}`);
      this.skip = true;
      return;
    }
    if ("badType" in addr) return;
    if (this.host.wants("socks_request")) this.host.raise("socks_request", this.host.conn(), 5, command, addr.sa, u16(d, addr.end), "");
    this.origDone = true;
  }

  private socks5Reply(d: Uint8Array): void {
    need(d, 3, "SOCKS5_Reply:reserved");
    const addr = socks5Address(d, 3, "SOCKS5_Address");
    if ("badType" in addr) {
      need(d, d.length + 1, "SOCKS5_Reply:port");
      return;
    }
    need(d, addr.end + 2, "SOCKS5_Reply:port");
    if (this.host.wants("socks_reply")) this.host.raise("socks_reply", this.host.conn(), 5, d[1]!, addr.sa, u16(d, addr.end));
    this.host.confirm();
    this.respDone = true;
  }
}

/** Zeek's socks/dpd.sig: a SOCKS4 or SOCKS5 greeting answered as a server would. */
export const SOCKS_SIGNATURES: readonly Signature[] = [
  { id: "dpd_socks4_client", proto: "tcp", payload: "\\x04[\\x01\\x02].{0,32}\\x00", tcpState: "originator" },
  {
    id: "dpd_socks4_server",
    proto: "tcp",
    payload: "\\x00[\\x5a\\x5b\\x5c\\x5d]",
    requiresReverse: "dpd_socks4_client",
    tcpState: "responder",
    enable: "socks",
  },
  { id: "dpd_socks4_reverse_client", proto: "tcp", payload: "\\x04[\\x01\\x02].{0,32}\\x00", tcpState: "responder" },
  {
    id: "dpd_socks4_reverse_server",
    proto: "tcp",
    payload: "\\x00[\\x5a\\x5b\\x5c\\x5d]",
    requiresReverse: "dpd_socks4_reverse_client",
    tcpState: "originator",
    enable: "socks",
  },
  { id: "dpd_socks5_client", proto: "tcp", payload: "\\x05.[\\x00\\x01\\x02\\x03\\x05\\x06\\x07\\x08\\x09]", tcpState: "originator" },
  {
    id: "dpd_socks5_server",
    proto: "tcp",
    payload: "\\x05[\\x00\\x01\\x02\\x03\\x05\\x06\\x07\\x08\\x09\\xff]",
    requiresReverse: "dpd_socks5_client",
    tcpState: "responder",
    enable: "socks",
  },
];

export const SOCKS: AnalyzerComponent = {
  name: "SOCKS",
  script: "base/protocols/socks",
  tcpPorts: [1080],
  signatures: SOCKS_SIGNATURES,
  stream: (host) => new SocksAnalyzer(host),
};
