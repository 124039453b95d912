/**
 * Zeek's `Site::local_nets` with its default value, `Site::private_address_space`
 * (base/protocols/conn/main.zeek): the private, reserved and documentation ranges of IPv4,
 * their 6to4 images (2002::/16 + the IPv4 prefix), and a few IPv6 ranges.
 * conn.log's local_orig/local_resp ask whether an address is in it.
 *
 * Addresses are handled as 16 bytes; IPv4 is IPv4-mapped (::ffff:a.b.c.d), as
 * Zeek stores it, so one prefix test serves both families.
 */
import { parseDottedV4, parseIPv6 } from "../filter/address.js";

/** A subnet as 16 network-order bytes and a prefix length over those 128 bits. */
export interface Subnet {
  bytes: Uint8Array;
  bits: number;
}

/** The bits of the IPv4-mapped prefix (::ffff:0:0/96) before an IPv4 address's own. */
export const IPV4_MAPPED_PREFIX_BITS = 96;

/**
 * Parses an IPv4 or IPv6 address in text form into 16 bytes (IPv4 mapped),
 * with the capture-filter parsers (one parser of address text in bronze).
 * Returns null for text that is not an address.
 */
export function parseAddress(text: string): Uint8Array | null {
  const out = new Uint8Array(16);
  if (!text.includes(":")) {
    const v4 = parseDottedV4(text);
    if (v4 === null || v4.bits !== 32) return null;
    out[10] = 0xff;
    out[11] = 0xff;
    new DataView(out.buffer).setUint32(12, v4.addr);
    return out;
  }
  const words = parseIPv6(text);
  if (words === null) return null;
  const view = new DataView(out.buffer);
  for (let i = 0; i < 4; i++) view.setUint32(4 * i, words[i]!);
  return out;
}

/**
 * The prefix length, in IPv6 bits, of a subnet written `addrText/len`: an
 * IPv4 address's `len` counts IPv4 bits (0 to 32), an IPv6 one's IPv6 bits
 * (0 to 128, an IPv4-mapped address's too, as Zeek's len_is_v6_relative);
 * null when out of range.
 */
export function subnetBits(addrText: string, len: number): number | null {
  const v4 = !addrText.includes(":");
  if (!Number.isInteger(len) || len < 0 || len > (v4 ? 32 : 128)) return null;
  return v4 ? IPV4_MAPPED_PREFIX_BITS + len : len;
}

/** Parses "10.0.0.0/8" or "fc00::/7". Throws on malformed text (the lists below are constants). */
export function parseSubnet(text: string): Subnet {
  const slash = text.indexOf("/");
  const bytes = parseAddress(text.slice(0, slash));
  const len = Number(text.slice(slash + 1));
  if (bytes === null || slash < 0 || !Number.isInteger(len)) throw new Error(`bad subnet ${text}`);
  const v4 = !text.slice(0, slash).includes(":");
  return { bytes, bits: v4 ? IPV4_MAPPED_PREFIX_BITS + len : len };
}

/** True when the first `bits` bits of `addr` equal the subnet's. */
export function inSubnet(addr: Uint8Array, net: Subnet): boolean {
  const full = net.bits >> 3;
  for (let i = 0; i < full; i++) if (addr[i] !== net.bytes[i]) return false;
  const rem = net.bits & 7;
  if (rem === 0) return true;
  const mask = (0xff << (8 - rem)) & 0xff;
  return (addr[full]! & mask) === (net.bytes[full]! & mask);
}

/** Zeek's private IPv4 ranges (Site::private_address_space). */
const PRIVATE_V4 = [
  "0.0.0.0/8",
  "10.0.0.0/8",
  "100.64.0.0/10",
  "127.0.0.0/8",
  "169.254.0.0/16",
  "172.16.0.0/12",
  "192.0.0.0/24",
  "192.0.2.0/24",
  "192.168.0.0/16",
  "198.18.0.0/15",
  "198.51.100.0/24",
  "203.0.113.0/24",
  "224.0.0.0/24",
  "239.0.0.0/8",
  "240.0.0.0/4",
  "255.255.255.255/32",
];

const PRIVATE_V6 = ["::/128", "::1/128", "64:ff9b:1::/48", "100::/64", "2001::/23", "2001:2::/48", "2001:db8::/32", "fc00::/7", "fe80::/10", "fec0::/10"];

/** The 6to4 image of an IPv4 prefix: 2002:AABB:CCDD::/(16 + len). */
function sixToFourImage(v4: Subnet): Subnet {
  const bytes = new Uint8Array(16);
  bytes[0] = 0x20;
  bytes[1] = 0x02;
  bytes.set(v4.bytes.subarray(12, 16), 2);
  return { bytes, bits: 16 + (v4.bits - IPV4_MAPPED_PREFIX_BITS) };
}

/** Site::private_address_space: the default Site::local_nets. */
export function privateAddressSpace(): Subnet[] {
  const v4 = PRIVATE_V4.map(parseSubnet);
  return [...v4, ...v4.map(sixToFourImage), ...PRIVATE_V6.map(parseSubnet)];
}

/** Dotted-quad text to a 32-bit number, or -1: the fast path for the common IPv4 case. */
function ipv4Number(text: string): number {
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x2e) {
      if (digits === 0 || ++dots > 3) return -1;
      value = value * 256 + part;
      part = 0;
      digits = 0;
    } else if (c >= 0x30 && c <= 0x39 && digits < 3) {
      part = part * 10 + (c - 0x30);
      digits++;
      if (part > 255) return -1;
    } else return -1;
  }
  if (dots !== 3 || digits === 0) return -1;
  return value * 256 + part;
}

/** An IPv4-mapped subnet as (network, mask) over 32 bits, or null for an IPv6 subnet. */
function ipv4Prefix(net: Subnet): { network: number; mask: number } | null {
  if (net.bits < IPV4_MAPPED_PREFIX_BITS) return null;
  for (let i = 0; i < 10; i++) if (net.bytes[i] !== 0) return null;
  if (net.bytes[10] !== 0xff || net.bytes[11] !== 0xff) return null;
  const len = net.bits - IPV4_MAPPED_PREFIX_BITS;
  const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
  const b = net.bytes;
  const network = ((b[12]! << 24) | (b[13]! << 16) | (b[14]! << 8) | b[15]!) >>> 0;
  return { network: (network & mask) >>> 0, mask };
}

/** Answers "is this address local?" for a fixed list of subnets. */
export class LocalNets {
  private readonly v4: Array<{ network: number; mask: number }> = [];

  constructor(readonly nets: readonly Subnet[] = privateAddressSpace()) {
    for (const net of nets) {
      const p = ipv4Prefix(net);
      if (p) this.v4.push(p);
    }
  }

  /** The address being tested by isLocalWords, as 16 bytes (reused). */
  private readonly scratch = new Uint8Array(16);
  private readonly scratchView = new DataView(this.scratch.buffer);

  /** True/false for a parsable address; undefined when there are no local nets (Zeek leaves the field unset). */
  isLocal(address: string): boolean | undefined {
    if (this.nets.length === 0) return undefined;
    const v4 = ipv4Number(address);
    if (v4 >= 0) return this.isLocalV4(v4);
    const bytes = parseAddress(address);
    if (bytes === null) return false;
    return this.isLocalBytes(bytes);
  }

  /**
   * isLocal for an address given as the engine keeps it: four 32-bit words in
   * network order, IPv4 mapped (::ffff:a.b.c.d). No text is made or parsed.
   */
  isLocalWords(w0: number, w1: number, w2: number, w3: number): boolean | undefined {
    if (this.nets.length === 0) return undefined;
    if (w0 === 0 && w1 === 0 && (w2 | 0) === 0xffff) return this.isLocalV4(w3 >>> 0);
    const v = this.scratchView;
    v.setUint32(0, w0 >>> 0);
    v.setUint32(4, w1 >>> 0);
    v.setUint32(8, w2 >>> 0);
    v.setUint32(12, w3 >>> 0);
    return this.isLocalBytes(this.scratch);
  }

  private isLocalV4(v4: number): boolean {
    for (const p of this.v4) if ((v4 & p.mask) >>> 0 === p.network) return true;
    return false;
  }

  private isLocalBytes(bytes: Uint8Array): boolean {
    for (const net of this.nets) if (inSubnet(bytes, net)) return true;
    return false;
  }
}
