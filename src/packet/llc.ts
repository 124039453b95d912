/**
 * IEEE 802.2 payloads of 802.3 frames (no EtherType): SNAP carries an
 * EtherType after its 8-byte header (AA AA 03 + OUI + type) and continues;
 * Novell raw 802.3 (FF FF) and plain LLC carry no IP and are skipped.
 */
import { u16 } from "./bytes.js";
import { ETHERTYPE_MIN, ETHER_MAX_LENGTH } from "./constants.js";
import type { LinkLayer } from "./link.js";
import type { Packet } from "./packet.js";

export const LLC_SAP_SNAP = 0xaa;
export const SNAP_HEADER_LEN = 8;
export const SNAP_TYPE = 6;
const NOVELL_RAW = 0xff;

const SOURCE = "SNAP";

export function decode8023Payload(link: LinkLayer, pkt: Packet, off: number, end: number, source: string): boolean {
  if (end - off < 2) return link.drop("truncated_ethernet_frame", source);
  const d = pkt.data;
  if (d[off] === LLC_SAP_SNAP && d[off + 1] === LLC_SAP_SNAP) return link.enter(decodeSnap, pkt, off, end, source);
  if (d[off] === NOVELL_RAW && d[off + 1] === NOVELL_RAW) return link.skipLlc();
  return link.skipLlc();
}

export function decodeSnap(link: LinkLayer, pkt: Packet, off: number, end: number): boolean {
  if (end - off < SNAP_HEADER_LEN) return link.drop("truncated_snap_header", SOURCE);
  return link.etherType(pkt, off + SNAP_HEADER_LEN, end, u16(pkt.data, off + SNAP_TYPE), SOURCE);
}

/**
 * The type/length field shared by Ethernet and 802.1Q: ≥ 1536 is an
 * EtherType, ≤ 1500 an 802.3 length (payload must hold it), anything
 * between is undefined and dropped with `undefinedWeird`.
 */
export function dispatchTypeOrLength(
  link: LinkLayer, pkt: Packet, payload: number, end: number, type: number,
  source: string, truncatedWeird: string, undefinedWeird: string,
): boolean {
  if (type >= ETHERTYPE_MIN) return link.etherType(pkt, payload, end, type, source);
  if (type <= ETHER_MAX_LENGTH) {
    if (end - payload < type) return link.drop(truncatedWeird, source);
    return decode8023Payload(link, pkt, payload, end, source);
  }
  return link.drop(undefinedWeird, source);
}
