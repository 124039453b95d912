/**
 * Community ID flow hashing, version 1 (the community-id spec; Zeek's
 * community_id_v1 BIF and policy/protocols/conn/community-id-logging): one
 * string per flow that other tools (Suricata, Arkime, Elastic) compute for
 * the same flow, so that records from all of them can be joined.
 *
 * SHA-1 over: the seed (2 bytes, network order), the two addresses (4 or 16
 * bytes), the IP protocol, a zero byte, and for TCP, UDP, ICMP and SCTP the
 * two ports (network order); endpoints in canonical order (lower address
 * first, then lower port), except for one-way ICMP messages, which keep
 * their direction. "1:" then base64 of the digest (or hex).
 */
import { createHash } from "node:crypto";
import { icmpKeyPorts } from "../analyzer/icmp/icmp-conn.js";
import type { ConnId } from "../event/records.js";
import { parseAddress } from "./site.js";

/** Zeek's proto value for "no IP protocol known" (conn_id's default). */
const UNKNOWN_IP_PROTO = 65535;
const IPPROTO_ICMP = 1;
const IPPROTO_TCP = 6;
const IPPROTO_UDP = 17;
const IPPROTO_ICMPV6 = 58;
const IPPROTO_SCTP = 132;

/** Address bytes compared as Zeek's IPAddr does, byte by byte (both of one family: a flow never mixes them). */
function compareAddr(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/** An address's bytes (4 for IPv4, 16 for IPv6), from a conn_id's text. */
function bytesOf(text: string): Uint8Array {
  const bytes = parseAddress(text);
  if (bytes === null) throw new TypeError(`communityIdV1: not an address: ${JSON.stringify(text)}`);
  return text.includes(":") ? bytes : bytes.subarray(12);
}

/** A port as Zeek compares it here: the 16-bit value in network order read as a host (little-endian) integer. */
function swapped(port: number): number {
  return ((port & 0xff) << 8) | (port >>> 8);
}

/**
 * The Community ID of a connection id, as Zeek's community_id_v1(cid, seed,
 * do_base64); "" when the id's protocol is unknown (Zeek also reports an
 * error then).
 */
export function communityIdV1(id: ConnId, seed = 0, base64 = true): string {
  let proto: number;
  let hasPorts = true;
  if (id.transport === "tcp") proto = IPPROTO_TCP;
  else if (id.transport === "udp") proto = IPPROTO_UDP;
  else if (id.transport === "icmp") proto = id.orig_h.includes(":") ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
  else {
    if (id.proto === UNKNOWN_IP_PROTO) return "";
    proto = id.proto & 0xff;
    hasPorts = proto === IPPROTO_SCTP;
  }
  let src = bytesOf(id.orig_h);
  let dst = bytesOf(id.resp_h);
  let sport = id.orig_p & 0xffff;
  let dport = id.resp_p & 0xffff;
  // An ICMP message without a counterpart type is one-way (the connection key's rule): its direction is kept.
  const oneWay = (proto === IPPROTO_ICMP || proto === IPPROTO_ICMPV6) && icmpKeyPorts(sport, 0, proto === IPPROTO_ICMPV6) < 0;
  // Zeek's addr_port_canon_lt is handed the ports in network order: between
  // equal addresses it orders them by that value read as a host integer.
  const order = compareAddr(src, dst);
  if (!oneWay && !(order < 0 || (order === 0 && swapped(sport) < swapped(dport)))) {
    [src, dst] = [dst, src];
    [sport, dport] = [dport, sport];
  }
  const input = Buffer.alloc(2 + 2 * src.length + 2 + (hasPorts ? 4 : 0));
  input.writeUInt16BE(seed & 0xffff, 0);
  input.set(src, 2);
  input.set(dst, 2 + src.length);
  let at = 2 + 2 * src.length;
  input[at++] = proto;
  input[at++] = 0;
  if (hasPorts) {
    input.writeUInt16BE(sport, at);
    input.writeUInt16BE(dport, at + 2);
  }
  return `1:${createHash("sha1")
    .update(input)
    .digest(base64 ? "base64" : "hex")}`;
}
