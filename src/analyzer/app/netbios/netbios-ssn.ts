/**
 * Zeek's NetBIOS session service analyzer (NETBIOSSSN, RFC 1002 on TCP;
 * src/analyzer/protocol/netbios): each side is cut into messages of a
 * 4-byte header (type, flags, 16-bit length) and that many bytes, buffered
 * across deliveries (the buffer grows with what came, never to the claimed
 * length at once); each message raises netbios_session_message and, by its
 * type, netbios_session_request (the called name decoded from its
 * half-ASCII form), _accepted, _rejected, _ret_arg_resp, _keepalive or
 * _raw_message (a session message that is not SMB). At a side's end a
 * message cut short is parsed as it is, after truncated_netbios_message
 * "(have < length)". Zeek's weirds: netbios_raw_session_msg,
 * no_smb_session_using_parsesambamsg, netbios_server_session_request,
 * netbios_client_session_reply, unknown_netbios_type.
 *
 * Zeek's base scripts register it for no port (SMB reads its own NetBIOS
 * framing on 139): as Telnet, only a script's register_for_port starts it.
 * It never confirms.
 */
import { registerEvents } from "../../../event/events.js";
import type { Connection } from "../../../event/records.js";
import { latin1 } from "../../../packet/bytes.js";
import type { AnalyzerComponent, AnalyzerHost, StreamAnalyzer } from "../analyzer.js";

export interface NetbiosEvents {
  /** Any message: its side, type and (buffered) length. */
  netbios_session_message: [c: Connection, is_orig: boolean, msg_type: number, data_len: number];
  /** A session request: the called name, decoded. */
  netbios_session_request: [c: Connection, msg: string];
  netbios_session_accepted: [c: Connection, msg: string];
  netbios_session_rejected: [c: Connection, msg: string];
  /** A session message that is not SMB. */
  netbios_session_raw_message: [c: Connection, is_orig: boolean, msg: string];
  netbios_session_ret_arg_resp: [c: Connection, msg: string];
  netbios_session_keepalive: [c: Connection, msg: string];
}
declare module "../../../event/events.js" {
  interface EventMap extends NetbiosEvents {}
}
registerEvents<NetbiosEvents>({
  netbios_session_message: true,
  netbios_session_request: true,
  netbios_session_accepted: true,
  netbios_session_rejected: true,
  netbios_session_raw_message: true,
  netbios_session_ret_arg_resp: true,
  netbios_session_keepalive: true,
});

const SSN_MSG = 0x00;
const SSN_REQ = 0x81;
const SSN_POS_RESP = 0x82;
const SSN_NEG_RESP = 0x83;
const SSN_RETARG_RESP = 0x84;
const SSN_KEEP_ALIVE = 0x85;
/** The datagram service's types, which Zeek accepts (and ignores) here too. */
const DATAGRAM_TYPES = new Set([0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16]);

/** Where a side is in its message: header bytes read so far (0-3), or 4 in the body. */
const BODY = 4;

/** One side's framing (Zeek's Contents_NetbiosSSN, a support analyzer of that name). */
class Side {
  private at = 0;
  private type = 0;
  private size = 0;
  private buf = new Uint8Array(0);
  private have = 0;

  constructor(
    private readonly isOrig: boolean,
    private readonly parse: (type: number, data: Uint8Array, isOrig: boolean) => void,
    private readonly weird: (name: string, addl: string) => void,
  ) {}

  deliver(d: Uint8Array): void {
    let i = 0;
    while (i < d.length) {
      if (this.at < BODY) {
        const b = d[i++]!;
        // The flags byte (1) carries nothing Zeek reads.
        if (this.at === 0) this.type = b;
        else if (this.at === 2) this.size = b << 8;
        else if (this.at === 3) {
          this.size += b;
          this.have = 0;
        }
        this.at++;
        // An empty message is whole at once; another waits for its body.
        if (this.at < BODY || (i === d.length && this.size !== 0)) continue;
      }
      const take = Math.min(this.size - this.have, d.length - i);
      this.append(d.subarray(i, i + take));
      i += take;
      if (this.have < this.size) return;
      this.at = 0;
      this.parse(this.type, this.buf.subarray(0, this.size), this.isOrig);
      this.have = 0;
    }
  }

  /** Buffers body bytes: the buffer doubles as needed, up to the message's length. */
  private append(bytes: Uint8Array): void {
    const need = this.have + bytes.length;
    if (need > this.buf.length) {
      const grown = new Uint8Array(Math.min(this.size, Math.max(need, 2 * this.buf.length)));
      grown.set(this.buf.subarray(0, this.have));
      this.buf = grown;
    }
    this.buf.set(bytes, this.have);
    this.have = need;
  }

  /** The side ended: a message begun is parsed as far as it came. */
  flush(): void {
    if (this.at !== BODY || this.have === 0) return;
    if (this.have < this.size) this.weird("truncated_netbios_message", `(${this.have} < ${this.size})`);
    this.parse(this.type, this.buf.subarray(0, this.have), this.isOrig);
    this.have = 0;
    this.at = 0;
  }
}

/** The called name of a session request: its first byte's half is the length, then two letters 'A'-'P' a byte. */
function decodeName(d: Uint8Array): string | null {
  if (d.length < 1) return null;
  const len = d[0]! >> 1;
  if (len > 30 || len < 1 || d.length < 2 * len + 1) return null;
  const out: number[] = [];
  for (let k = 0; k < len; k++) {
    const hi = d[1 + 2 * k]!;
    const lo = d[2 + 2 * k]!;
    if (hi < 0x41 || hi > 0x50 || lo < 0x41 || lo > 0x50) return null;
    out.push(((hi - 0x41) << 4) + (lo - 0x41));
  }
  return String.fromCharCode(...out);
}

class NetbiosSsnAnalyzer implements StreamAnalyzer {
  private readonly sides: [Side, Side];

  constructor(private readonly host: AnalyzerHost) {
    const parse = (type: number, data: Uint8Array, isOrig: boolean) => this.message(type, data, isOrig);
    const weird = (name: string, addl: string) => host.weird(name, addl, "CONTENTS_NETBIOSSSN");
    this.sides = [new Side(true, parse, weird), new Side(false, parse, weird)];
  }

  deliverStream(isOrig: boolean, _seq: number, data: Uint8Array): void {
    this.sides[isOrig ? 0 : 1].deliver(data);
  }

  undelivered(): void {}

  endOfData(isOrig: boolean): void {
    this.sides[isOrig ? 0 : 1].flush();
  }

  done(): void {}

  private message(type: number, data: Uint8Array, isOrig: boolean): void {
    const h = this.host;
    if (h.wants("netbios_session_message")) h.raise("netbios_session_message", h.conn(), isOrig, type, data.length);
    switch (type) {
      case SSN_MSG:
        return this.sessionMessage(data, isOrig);
      case SSN_REQ: {
        if (!isOrig) h.weird("netbios_server_session_request", undefined, "NETBIOSSSN");
        const name = decodeName(data);
        if (name !== null && h.wants("netbios_session_request")) h.raise("netbios_session_request", h.conn(), name);
        return;
      }
      case SSN_POS_RESP:
      case SSN_NEG_RESP:
      case SSN_RETARG_RESP: {
        if (isOrig) h.weird("netbios_client_session_reply", undefined, "NETBIOSSSN");
        const event = type === SSN_POS_RESP ? "netbios_session_accepted" : type === SSN_NEG_RESP ? "netbios_session_rejected" : "netbios_session_ret_arg_resp";
        if (h.wants(event)) h.raise(event, h.conn(), latin1(data));
        return;
      }
      case SSN_KEEP_ALIVE:
        if (h.wants("netbios_session_keepalive")) h.raise("netbios_session_keepalive", h.conn(), latin1(data));
        return;
      default:
        if (!DATAGRAM_TYPES.has(type)) h.weird("unknown_netbios_type", `0x${type.toString(16)}`, "NETBIOSSSN");
    }
  }

  /** A session message: SMB (Zeek hands it nowhere: its SMB analyzer reads port 139 itself), or raw. */
  private sessionMessage(data: Uint8Array, isOrig: boolean): void {
    const h = this.host;
    const smb = data.length >= 4 && data[0] === 0xff && data[1] === 0x53 && data[2] === 0x4d && data[3] === 0x42;
    if (smb) {
      h.weird("no_smb_session_using_parsesambamsg", undefined, "NETBIOSSSN");
      return;
    }
    h.weird("netbios_raw_session_msg", undefined, "NETBIOSSSN");
    if (h.wants("netbios_session_raw_message")) h.raise("netbios_session_raw_message", h.conn(), isOrig, latin1(data));
  }
}

export const NETBIOS_SSN: AnalyzerComponent = {
  name: "NETBIOSSSN",
  script: "",
  /** Zeek's constructor makes a Contents_NetbiosSSN per side (on TCP). */
  supportAnalyzers: 2,
  stream: (host) => new NetbiosSsnAnalyzer(host),
};
