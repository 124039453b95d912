/**
 * The RFB analyzer (Zeek's RFB, rfb-protocol.pac): the VNC handshake —
 * versions, security types (RFB 3.3's server choice, 3.7+'s list and the
 * client's selection), VNC and Apple Remote Desktop authentication, the
 * security result, ClientInit and ServerInit — then the client's messages.
 * The server's messages after ServerInit (pixel data) are not parsed, as in
 * Zeek. No port: found by its signature (both sides start with "RFB").
 *
 * Each side is a state machine over whole messages (Zeek's flowunit): a
 * message is parsed once all its bytes are there. Bytes a side sends while
 * it should wait for the other, a bad version line, a too-long string or an
 * unknown client message are violations ("Binpac exception: …"), after which
 * nothing more is parsed; so does a content gap.
 */

import { latin1, u16, u32 } from "../../../packet/bytes.js";
import type { AnalyzerComponent, AnalyzerHost, StreamAnalyzer } from "../analyzer.js";
import { BINPAC_EXCEPTION, BinpacError, badCase } from "../binpac.js";
import type { Signature } from "../signature.js";
import "./events.js";

const enum Server {
  Version,
  AuthType,
  AuthType37,
  AuthFailure,
  VncChallenge,
  ArdChallenge,
  AuthResult,
  Init,
  MessageType,
  Message,
  Wait,
  Invalid,
}

const enum Client {
  Version,
  AuthSelection,
  VncResponse,
  ArdResponse,
  Init,
  MessageType,
  Message,
  Wait,
  Invalid,
}

/** Zeek's MAX_DATA_LENGTH: strings (reasons, names, cut text) must be shorter. */
const MAX_DATA_LENGTH = 65536;

function bounded(len: number, what: string): number {
  if (len >= MAX_DATA_LENGTH) throw new BinpacError(`&enforce violation : ${what}:len`);
  return len;
}

/** Zeek's bytestring_to_int(s, 10): the leading decimal digits (strtol). */
function decimal(s: string): number {
  const m = /^\s*[+-]?\d+/.exec(s);
  return m === null ? 0 : parseInt(m[0], 10);
}

class RfbAnalyzer implements StreamAnalyzer {
  private server = Server.Version;
  private client = Client.Version;
  private version = 0;
  private ardKeyLength = 0;
  private nextClientMsg = 0;
  private sawHandshake = false;
  private hadGap = false;
  private invalid = false;
  /** Bytes of each side not yet a whole message ([orig, resp]). */
  private pending: [Uint8Array | null, Uint8Array | null] = [null, null];

  constructor(private readonly host: AnalyzerHost) {}

  deliverStream(isOrig: boolean, _seq: number, data: Uint8Array): void {
    if (this.host.isPartial() || this.hadGap || this.invalid) return;
    if (this.sawHandshake && !isOrig) return;
    const side = isOrig ? 0 : 1;
    const old = this.pending[side];
    let buf = data;
    if (old !== null) {
      buf = new Uint8Array(old.length + data.length);
      buf.set(old);
      buf.set(data, old.length);
    }
    let at = 0;
    try {
      while (at < buf.length) {
        // Server messages are not parsed after the handshake (pixel data).
        if (!isOrig && this.sawHandshake) {
          at = buf.length;
          break;
        }
        const used = isOrig ? this.clientMessage(buf, at) : this.serverMessage(buf, at);
        if (used < 0) break;
        at += used;
      }
    } catch (err) {
      if (!(err instanceof BinpacError)) throw err;
      this.host.violation(`${BINPAC_EXCEPTION}${err.message}`);
      this.invalid = true;
      this.pending = [null, null];
      return;
    }
    this.pending[side] = at < buf.length ? buf.slice(at) : null;
  }

  undelivered(): void {
    this.hadGap = true;
  }

  endOfData(): void {}

  done(): void {}

  /** Parses one server message at `at`: the bytes used, or -1 when more are needed. */
  private serverMessage(d: Uint8Array, at: number): number {
    const left = d.length - at;
    switch (this.server) {
      case Server.Wait:
        if (left === 0) return -1;
        this.server = Server.Invalid;
        return 0;
      case Server.Invalid:
        if (left === 0) return -1;
        throw new BinpacError("invalid data from RFB server");
      case Server.Version:
        return this.versionLine(false, d, at);
      case Server.AuthType: {
        if (left < 4) return -1;
        const type = u32(d, at);
        if (type === 0) {
          this.server = Server.AuthFailure;
          this.client = Client.Init;
        } else if (type === 1) {
          this.server = Server.Init;
          this.client = Client.Init;
        } else if (type === 2) {
          this.server = Server.VncChallenge;
          this.client = Client.VncResponse;
        } else this.host.violation(`invalid RFB security type ${type}`);
        this.host.raise("rfb_authentication_type", this.host.conn(), type);
        return 4;
      }
      case Server.AuthType37: {
        if (left < 1) return -1;
        const count = d[at]!;
        if (left < 1 + count) return -1;
        this.server = count === 0 ? Server.AuthFailure : Server.Wait;
        return 1 + count;
      }
      case Server.AuthFailure: {
        if (left < 4) return -1;
        const len = bounded(u32(d, at), "RFBFailReasonString");
        if (left < 4 + len) return -1;
        this.server = Server.Init;
        return 4 + len;
      }
      case Server.VncChallenge:
        if (left < 16) return -1;
        this.server = Server.AuthResult;
        this.client = Client.VncResponse;
        return 16;
      case Server.ArdChallenge: {
        if (left < 4) return -1;
        const keyLength = u16(d, at + 2);
        if (left < 4 + 2 * keyLength) return -1;
        this.ardKeyLength = keyLength;
        this.server = Server.AuthResult;
        this.client = Client.ArdResponse;
        return 4 + 2 * keyLength;
      }
      case Server.AuthResult: {
        if (left < 4) return -1;
        const result = u32(d, at);
        if (result === 0) this.server = Server.Init;
        else if (result === 1) this.server = Server.AuthFailure;
        else this.host.violation(`invalid RFB auth result: ${result}`);
        // Zeek raises the deprecated rfb_auth_result first, with the status word as a bool (true: failure).
        if (this.host.wants("rfb_auth_result")) this.host.raise("rfb_auth_result", this.host.conn(), result !== 0);
        this.host.raise("rfb_authentication_result", this.host.conn(), result === 0);
        return 4;
      }
      case Server.Init: {
        if (left < 24) return -1;
        const len = bounded(u32(d, at + 20), "RFBServerInit");
        if (left < 24 + len) return -1;
        this.server = Server.MessageType;
        this.sawHandshake = true;
        if (this.host.wants("rfb_server_parameters"))
          this.host.raise("rfb_server_parameters", this.host.conn(), latin1(d.subarray(at + 24, at + 24 + len)), u16(d, at), u16(d, at + 2));
        return 24 + len;
      }
      default:
        // Server messages are not parsed after the handshake.
        return left > 0 ? left : -1;
    }
  }

  /** Parses one client message at `at`: the bytes used, or -1 when more are needed. */
  private clientMessage(d: Uint8Array, at: number): number {
    const left = d.length - at;
    switch (this.client) {
      case Client.Wait:
        if (left === 0) return -1;
        this.client = Client.Invalid;
        return 0;
      case Client.Invalid:
        if (left === 0) return -1;
        throw new BinpacError("invalid data from RFB client");
      case Client.Version:
        return this.versionLine(true, d, at);
      case Client.AuthSelection: {
        if (left < 1) return -1;
        const type = d[at]!;
        if (type === 1) {
          this.server = this.version > 7 ? Server.AuthResult : Server.Init;
          this.client = Client.Init;
        } else if (type === 2) {
          this.server = Server.VncChallenge;
          this.client = Client.VncResponse;
        } else if (type === 30) {
          // Apple Remote Desktop: the client waits for the key length in the server's challenge.
          this.server = Server.ArdChallenge;
          this.client = Client.Wait;
        } else this.host.violation(`unknown RFB auth selection: ${type}`);
        this.host.raise("rfb_authentication_type", this.host.conn(), type);
        return 1;
      }
      case Client.VncResponse:
        if (left < 16) return -1;
        this.client = Client.Init;
        return 16;
      case Client.ArdResponse:
        if (left < 2 * this.ardKeyLength) return -1;
        this.client = Client.Init;
        return 2 * this.ardKeyLength;
      case Client.Init:
        if (left < 1) return -1;
        this.client = Client.MessageType;
        this.host.raise("rfb_share_flag", this.host.conn(), d[at] !== 0);
        return 1;
      case Client.MessageType:
        if (left < 1) return -1;
        this.nextClientMsg = d[at]!;
        this.client = Client.Message;
        return 1;
      case Client.Message: {
        const len = this.clientMessageLength(d, at, left);
        if (len < 0 || left < len) return -1;
        this.client = Client.MessageType;
        return len;
      }
      default:
        return -1;
    }
  }

  /** The length of the client message of type nextClientMsg at `at` (-1: more bytes needed to tell). */
  private clientMessageLength(d: Uint8Array, at: number, left: number): number {
    switch (this.nextClientMsg) {
      case 0:
        return 19;
      case 2:
        return left < 3 ? -1 : 3 + 4 * u16(d, at + 1);
      case 3:
        return 9;
      case 4:
        return 7;
      case 5:
        return 5;
      case 6:
        return left < 7 ? -1 : 7 + bounded(u32(d, at + 3), "ClientCutText");
      default:
        throw badCase("ClientMessage", this.nextClientMsg);
    }
  }

  /** "RFB xxx.yyy\n" (12 bytes). */
  private versionLine(isClient: boolean, d: Uint8Array, at: number): number {
    if (d.length - at < 12) return -1;
    const line = latin1(d.subarray(at, at + 12));
    if (!line.startsWith("RFB ") || line[7] !== ".") throw new BinpacError(`string mismatch at RFBProtocolVersion`);
    const major = line.slice(4, 7);
    const minor = line.slice(8, 11);
    if (isClient) {
      const v = decimal(minor);
      this.version = v;
      // Apple's minor version 889 talks 3.7+.
      if (v >= 7) {
        this.server = Server.AuthType37;
        this.client = Client.AuthSelection;
      } else {
        this.server = Server.AuthType;
        this.client = Client.Wait;
      }
      this.host.raise("rfb_client_version", this.host.conn(), major, minor);
      this.host.confirm();
    } else {
      this.server = Server.Wait;
      this.host.raise("rfb_server_version", this.host.conn(), major, minor);
    }
    return 12;
  }
}

/** Zeek's rfb/dpd.sig: both sides start with "RFB". */
export const RFB_SIGNATURES: readonly Signature[] = [
  { id: "dpd_rfb_server", proto: "tcp", payload: "RFB", tcpState: "responder", requiresReverse: "dpd_rfb_client", enable: "rfb" },
  { id: "dpd_rfb_client", proto: "tcp", payload: "RFB", tcpState: "originator" },
];

export const RFB: AnalyzerComponent = {
  name: "RFB",
  script: "base/protocols/rfb",
  signatures: RFB_SIGNATURES,
  stream: (host) => new RfbAnalyzer(host),
};
