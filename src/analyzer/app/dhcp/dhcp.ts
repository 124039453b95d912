/**
 * The DHCP analyzer (Zeek's "DHCP"): each datagram is one BOOTP/DHCP message
 * (RFC 2131): a 236-byte fixed part, the magic cookie, then options up to the
 * end option (255).
 *
 * Parsed as Zeek's BinPAC grammar (dhcp-protocol.pac, dhcp-options.pac) reads
 * it, quirks included, since dhcp.log follows from them:
 *
 * - an option's value is read at its type's own size, not its length byte
 *   (a 4-byte address option is 4 bytes whatever the length says), so a lying
 *   length shifts what follows; options run until the end option, and a
 *   message that ends first is a parse error (a violation, no event);
 * - relay agent sub-options (82) run until the running total of their sizes
 *   equals the option's length; that total is kept per direction for the
 *   analyzer's life, as Zeek's flow member is;
 * - the options record is built while parsing and kept per direction when a
 *   message fails to parse, so the next message's options start from it; a
 *   bad cookie discards it;
 * - a message without a type option is a violation ("no DHCP message type
 *   option") yet still raises dhcp_message (type 0) and confirms; a bad
 *   cookie is a violation and nothing else.
 *
 * Ports as Zeek's base/protocols/dhcp registers them: 67 and 4011 (servers,
 * likely server ports) and 68 (clients); the dhcp_cookie signature finds it
 * elsewhere.
 */

import { DOUBLE_ZERO } from "../../../doubles.js";
import { latin1, u16, u32 } from "../../../packet/bytes.js";
import { macText } from "../../../packet/mac-text.js";
import type { AnalyzerComponent, AnalyzerHost, DatagramAnalyzer } from "../analyzer.js";
import { BINPAC_EXCEPTION, BinpacError, ipv4At, needBytes, stringLength } from "../binpac.js";
import type { Signature } from "../signature.js";
import type { DhcpClientFqdn, DhcpClientId, DhcpMsg, DhcpOptions, DhcpSubOpt } from "./events.js";
import "./events.js";

const FIXED_PART = 236;
const COOKIE = 0x63825363;

const OPT_PAD = 0;
const OPT_SUBNET = 1;
const OPT_TIME_OFFSET = 2;
const OPT_ROUTER = 3;
const OPT_TIME_SERVER = 4;
const OPT_NAME_SERVER = 5;
const OPT_DNS_SERVER = 6;
const OPT_HOST_NAME = 12;
const OPT_DOMAIN_NAME = 15;
const OPT_FORWARDING = 19;
const OPT_BROADCAST = 28;
const OPT_NTP_SERVER = 42;
const OPT_VENDOR_SPECIFIC = 43;
const OPT_NBNS = 44;
const OPT_ADDR_REQUEST = 50;
const OPT_LEASE = 51;
const OPT_MSG_TYPE = 53;
const OPT_SERV_ID = 54;
const OPT_PAR_REQ_LIST = 55;
const OPT_MESSAGE = 56;
const OPT_MAX_MESSAGE_SIZE = 57;
const OPT_RENEWAL_TIME = 58;
const OPT_REBINDING_TIME = 59;
const OPT_VENDOR_CLASS = 60;
const OPT_CLIENT_ID = 61;
const OPT_USER_CLASS = 77;
const OPT_CLIENT_FQDN = 81;
const OPT_RELAY_AGENT = 82;
const OPT_AUTO_CONFIG = 116;
const OPT_AUTO_PROXY_CONFIG = 252;
const OPT_END = 255;

function need(d: Uint8Array, at: number, n: number, where: string): void {
  needBytes(d.length, at, n, where);
}

function hex2(b: number): string {
  return (b < 16 ? "0" : "") + b.toString(16);
}

/** Zeek's fmt_mac: 6 bytes, or 8 unless bytes 7-8 are zero; "" for other lengths under 8. */
export function fmtMac(d: Uint8Array): string {
  const len = d.length;
  if (len < 8 && len !== 6) return "";
  if (len === 6 || (d[6] === 0 && d[7] === 0)) return macText(d, 0);
  let s = "";
  for (let i = 0; i < 8; i++) s += (i > 0 ? ":" : "") + hex2(d[i]!);
  return s;
}

/** A bytestring field with trailing NULs cut, as Zeek assigns sname, file and the domain name (one byte never counts). */
function trimNuls(d: Uint8Array): string {
  let last = 0;
  for (let i = 0; i < d.length; i++) if (d[i] !== 0) last = i;
  return last > 0 ? latin1(d.subarray(0, last + 1)) : "";
}

function addrList(d: Uint8Array, at: number, length: number, where: string): string[] {
  const n = Math.floor(length / 4);
  need(d, at, n * 4, where);
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(ipv4At(d, at + 4 * i));
  return out;
}

/** One direction's parser state (Zeek's DHCP_Flow): what survives from one message to the next. */
class DhcpFlow {
  /** The options record under construction; kept when a message fails to parse. */
  options: DhcpOptions | null = null;
  /** Running total of relay agent sub-option sizes (uint8, never reset). */
  sumLen = 0;

  private opts(): DhcpOptions {
    return (this.options ??= { options: [] });
  }

  /**
   * Parses one message; returns it with its options, or throws a
   * BinpacError. `msgType` is filled from this message's own options.
   */
  parse(d: Uint8Array): { msg: DhcpMsg; cookie: number; options: DhcpOptions; hasType: boolean } {
    need(d, 0, FIXED_PART + 4, "DHCP_Message:cookie");
    const cookie = u32(d, FIXED_PART);
    let msgType = 0;
    let hasType = false;
    let at = FIXED_PART + 4;
    for (;;) {
      need(d, at, 1, "Option:code");
      const code = d[at++]!;
      const options = this.opts();
      if (code === OPT_END) break;
      if (code === OPT_PAD) {
        options.options!.push(code);
        continue;
      }
      need(d, at, 1, "OptionValueWrapper:length");
      const length = d[at++]!;
      at = this.option(d, at, code, length, options);
      options.options!.push(code);
      if (code === OPT_MSG_TYPE && !hasType) {
        msgType = d[at - 1]!;
        hasType = true;
      }
    }
    const msg: DhcpMsg = {
      op: d[0]!,
      m_type: msgType,
      // A random uint32: a double from the first message on, or the first past 2^31 reshapes them all (see doubles.ts).
      xid: DOUBLE_ZERO + u32(d, 4),
      secs: u16(d, 8),
      flags: u16(d, 10),
      ciaddr: ipv4At(d, 12),
      yiaddr: ipv4At(d, 16),
      siaddr: ipv4At(d, 20),
      giaddr: ipv4At(d, 24),
      chaddr: fmtMac(d.subarray(28, 44)),
      sname: trimNuls(d.subarray(44, 108)),
      file_n: trimNuls(d.subarray(108, 236)),
    };
    return { msg, cookie, options: this.opts(), hasType };
  }

  /** Reads one option's value at `at` (the size its type says); returns the offset after it. */
  private option(d: Uint8Array, at: number, code: number, length: number, o: DhcpOptions): number {
    switch (code) {
      case OPT_MSG_TYPE:
        need(d, at, 1, "OptionValue:msg_type");
        return at + 1;
      case OPT_SUBNET:
      case OPT_BROADCAST:
      case OPT_ADDR_REQUEST:
      case OPT_SERV_ID: {
        need(d, at, 4, "OptionValue");
        const a = ipv4At(d, at);
        if (code === OPT_SUBNET) o.subnet_mask = a;
        else if (code === OPT_BROADCAST) o.broadcast = a;
        else if (code === OPT_ADDR_REQUEST) o.addr_request = a;
        else o.serv_addr = a;
        return at + 4;
      }
      case OPT_TIME_OFFSET:
        need(d, at, 4, "OptionValue:time_offset");
        o.time_offset = u32(d, at) | 0;
        return at + 4;
      case OPT_LEASE:
      case OPT_RENEWAL_TIME:
      case OPT_REBINDING_TIME: {
        need(d, at, 4, "OptionValue");
        const v = u32(d, at);
        if (code === OPT_LEASE) o.lease = v;
        else if (code === OPT_RENEWAL_TIME) o.renewal_time = v;
        else o.rebinding_time = v;
        return at + 4;
      }
      case OPT_ROUTER:
      case OPT_TIME_SERVER:
      case OPT_NAME_SERVER:
      case OPT_DNS_SERVER:
      case OPT_NTP_SERVER:
      case OPT_NBNS: {
        const list = addrList(d, at, length, "OptionValue");
        if (code === OPT_ROUTER) o.routers = list;
        else if (code === OPT_TIME_SERVER) o.time_servers = list;
        else if (code === OPT_NAME_SERVER) o.name_servers = list;
        else if (code === OPT_DNS_SERVER) o.dns_servers = list;
        else if (code === OPT_NTP_SERVER) o.ntp_servers = list;
        else o.nbns = list;
        return at + 4 * list.length;
      }
      case OPT_FORWARDING:
      case OPT_AUTO_CONFIG:
        need(d, at, 1, "OptionValue");
        if (code === OPT_FORWARDING) o.forwarding = d[at] !== 0;
        else o.auto_config = d[at] !== 0;
        return at + 1;
      case OPT_MAX_MESSAGE_SIZE:
        need(d, at, 2, "OptionValue:max_msg_size");
        o.max_msg_size = u16(d, at);
        return at + 2;
      case OPT_PAR_REQ_LIST: {
        need(d, at, length, "OptionValue:par_req_list");
        o.param_list = Array.from(d.subarray(at, at + length));
        return at + length;
      }
      case OPT_CLIENT_ID: {
        need(d, at, 1, "Client_Identifier:hwtype");
        const hwtype = d[at]!;
        stringLength(length - 1, "Client_Identifier:hwaddr");
        need(d, at + 1, length - 1, "Client_Identifier:hwaddr");
        const raw = d.subarray(at + 1, at + length);
        const id: DhcpClientId = { hwtype, hwaddr: hwtype === 0 ? latin1(raw) : fmtMac(raw) };
        o.client_id = id;
        return at + length;
      }
      case OPT_CLIENT_FQDN: {
        need(d, at, 3, "Client_FQDN:rcode2");
        stringLength(length - 3, "Client_FQDN:domain_name");
        need(d, at + 3, length - 3, "Client_FQDN:domain_name");
        const fqdn: DhcpClientFqdn = { flags: d[at]!, rcode1: d[at + 1]!, rcode2: d[at + 2]!, domain_name: latin1(d.subarray(at + 3, at + length)) };
        o.client_fqdn = fqdn;
        return at + length;
      }
      case OPT_RELAY_AGENT:
        return this.relayAgent(d, at, length, o);
      default: {
        need(d, at, length, "OptionValue");
        const v = d.subarray(at, at + length);
        switch (code) {
          case OPT_HOST_NAME:
            o.host_name = latin1(v);
            break;
          case OPT_DOMAIN_NAME:
            o.domain_name = trimNuls(v);
            break;
          case OPT_VENDOR_SPECIFIC:
            o.vendor = latin1(v);
            break;
          case OPT_MESSAGE:
            o.message = latin1(v);
            break;
          case OPT_VENDOR_CLASS:
            o.vendor_class = latin1(v);
            break;
          case OPT_USER_CLASS:
            o.user_class = latin1(v);
            break;
          case OPT_AUTO_PROXY_CONFIG:
            // A trailing newline is not part of the URL.
            o.auto_proxy_config = latin1(v.length > 0 && v[v.length - 1] === 0x0a ? v.subarray(0, v.length - 1) : v);
            break;
        }
        return at + length;
      }
    }
  }

  /** Option 82: sub-options until the running size total (uint8) equals the option's length. */
  private relayAgent(d: Uint8Array, at: number, length: number, o: DhcpOptions): number {
    const subs: DhcpSubOpt[] = [];
    for (;;) {
      need(d, at, 2, "Relay_Agent_SubOption:length");
      const code = d[at]!;
      const len = d[at + 1]!;
      need(d, at + 2, len, "Relay_Agent_SubOption:value");
      subs.push({ code, value: latin1(d.subarray(at + 2, at + 2 + len)) });
      at += 2 + len;
      this.sumLen = (this.sumLen + len + 2) & 0xff;
      if (this.sumLen === length) break;
    }
    o.sub_opt = subs;
    return at;
  }
}

class DhcpAnalyzer implements DatagramAnalyzer {
  private readonly flows: [DhcpFlow | null, DhcpFlow | null] = [null, null];
  constructor(private readonly host: AnalyzerHost) {}

  deliverPacket(isOrig: boolean, data: Uint8Array): void {
    const side = isOrig ? 0 : 1;
    const flow = (this.flows[side] ??= new DhcpFlow());
    let parsed: ReturnType<DhcpFlow["parse"]>;
    try {
      parsed = flow.parse(data);
    } catch (err) {
      if (!(err instanceof BinpacError)) throw err;
      this.host.violation(BINPAC_EXCEPTION + err.message);
      return;
    }
    const host = this.host;
    if (!parsed.hasType) host.violation("no DHCP message type option");
    if (parsed.cookie !== COOKIE) {
      host.violation(`bad cookie (${parsed.cookie | 0})`);
      flow.options = null;
      return;
    }
    flow.options = null;
    if (host.wants("dhcp_message")) host.raise("dhcp_message", host.conn(), isOrig, parsed.msg, parsed.options);
    // One message is enough: a DHCP "connection" often carries just one.
    host.confirm();
  }

  done(): void {}
}

/** Zeek's base/protocols/dhcp/dpd.sig. */
export const DHCP_SIGNATURES: readonly Signature[] = [{ id: "dhcp_cookie", proto: "udp", payload: ".{236}\\x63\\x82\\x53\\x63", enable: "dhcp" }];

export const DHCP: AnalyzerComponent = {
  name: "DHCP",
  script: "base/protocols/dhcp",
  udpPorts: [67, 68, 4011],
  signatures: DHCP_SIGNATURES,
  datagram: (host) => new DhcpAnalyzer(host),
};
