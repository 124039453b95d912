/**
 * Radiotap (DLT 127): a variable-length capture header (length little-endian
 * at offset 2) in front of an 802.11 frame.
 */
import { u16le } from "./bytes.js";
import { decodeIeee80211 } from "./ieee80211.js";
import type { LinkLayer } from "./link.js";
import type { Packet } from "./packet.js";

export const RADIOTAP_LENGTH = 2;
/** Zeek needs more than the version, pad and length bytes. */
const RADIOTAP_MIN_LEN = 3;

const SOURCE = "IEEE802_11_RADIO";

export function decodeRadiotap(link: LinkLayer, pkt: Packet, off: number, end: number): boolean {
  if (end - off <= RADIOTAP_MIN_LEN) return link.drop("truncated_radiotap_header", SOURCE);
  const len = u16le(pkt.data, off + RADIOTAP_LENGTH);
  if (len >= end - off) return link.drop("truncated_radiotap_header", SOURCE);
  return link.enter(decodeIeee80211, pkt, off + len, end, SOURCE);
}
