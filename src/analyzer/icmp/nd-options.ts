/**
 * The options of an ICMPv6 neighbour discovery message (RFC 4861 §4.6), as
 * Zeek's icmp6_nd_options: read only when an ND event has a handler (the
 * caller checks), one record per option. Known options captured in full
 * fill their field; an unknown one, or one the capture cut short, keeps its
 * bytes after type and length as `payload` (as many as were captured).
 */
import type { Icmp6NdOption } from "../../event/records.js";
import { formatAddr } from "../../ip/addr.js";
import { latin1, u32 } from "../../packet/bytes.js";

/** The option types Zeek reads into fields (RFC 4861 §4.6): the others keep their bytes as payload. */
const OPT = { linkSource: 1, linkTarget: 2, prefixInfo: 3, redirectedHeader: 4, mtu: 5 } as const;
/** Prefix length, flags, two lifetimes, reserved, prefix: the Prefix Information option after type and length. */
const PREFIX_BODY = 30;
/** The reserved bytes of a Redirected Header option before the quoted packet. */
const REDIRECT_RESERVED = 6;
/** Reserved, then the MTU: the MTU option after type and length. */
const MTU_BODY = 6;

/** What the option reader needs of its caller: the weird for a cut or zero-length option, and the quoted packet's reader. */
export interface NdOptionServices {
  weird(name: string): void;
  context(d: Uint8Array, at: number, end: number): NonNullable<Icmp6NdOption["redirect"]>;
}

/**
 * The options in d[at, end). Reading stops at an option whose type and
 * length are not both captured (truncated_ICMPv6_ND_options) or whose length
 * is 0 (zero_length_ICMPv6_ND_option: it would never advance).
 */
export function ndOptions(d: Uint8Array, at: number, end: number, services: NdOptionServices): Icmp6NdOption[] {
  const options: Icmp6NdOption[] = [];
  while (at < end) {
    if (end - at < 2) {
      services.weird("truncated_ICMPv6_ND_options");
      break;
    }
    const len = d[at + 1]!;
    if (len === 0) {
      services.weird("zero_length_ICMPv6_ND_option");
      break;
    }
    const option: Icmp6NdOption = { otype: d[at]!, len };
    // The option's bytes after type and length, and how many of them were captured.
    const body = at + 2;
    const bytes = len * 8 - 2;
    if (!fillKnown(option, d, body, bytes, end, services)) {
      option.payload = latin1(d.subarray(body, Math.min(body + bytes, end)));
    }
    options.push(option);
    at = body + bytes;
  }
  return options;
}

/**
 * Fills a known option's field; false for an unknown type or one cut short.
 * What counts as captured is all of the message from the option's body on
 * (as Zeek reads it): a Prefix Information option stating too short a length
 * still has its fixed layout read from the bytes that follow.
 */
function fillKnown(option: Icmp6NdOption, d: Uint8Array, body: number, bytes: number, end: number, services: NdOptionServices): boolean {
  const have = end - body;
  switch (option.otype) {
    case OPT.linkSource:
    case OPT.linkTarget:
      if (have < bytes) return false;
      option.link_address = latin1(d.subarray(body, body + bytes));
      return true;
    case OPT.prefixInfo:
      if (have < PREFIX_BODY) return false;
      option.prefix = {
        prefix_len: d[body]!,
        L_flag: (d[body + 1]! & 0x80) !== 0,
        A_flag: (d[body + 1]! & 0x40) !== 0,
        valid_lifetime: u32(d, body + 2),
        preferred_lifetime: u32(d, body + 6),
        prefix: formatAddr(u32(d, body + 14), u32(d, body + 18), u32(d, body + 22), u32(d, body + 26)),
      };
      return true;
    case OPT.redirectedHeader:
      if (have < bytes) return false;
      option.redirect = services.context(d, body + REDIRECT_RESERVED, body + bytes);
      return true;
    case OPT.mtu:
      if (have < MTU_BODY) return false;
      option.mtu = u32(d, body + 2);
      return true;
    default:
      return false;
  }
}
