/**
 * FDDI (DLT 10): 13-byte MAC header (frame control, destination, source)
 * followed by an 8-byte 802.2 LLC/SNAP header. Like Zeek, we skip both and
 * hand the rest to IP without looking at the SNAP type. Zeek's FDDI analyzer
 * records no link-layer addresses either (mac-logging writes none for an
 * FDDI connection), so the MAC header's are not taken.
 */
import type { LinkLayer } from "./link.js";
import { SNAP_HEADER_LEN } from "./llc.js";
import type { Packet } from "./packet.js";

export const FDDI_HEADER_LEN = 13;

export function decodeFddi(link: LinkLayer, pkt: Packet, off: number, end: number): boolean {
  if (end - off <= FDDI_HEADER_LEN + SNAP_HEADER_LEN) return link.drop("FDDI_analyzer_failed", "FDDI");
  return link.ip(pkt, off + FDDI_HEADER_LEN + SNAP_HEADER_LEN, end);
}
