/**
 * FDDI (DLT 10): 13-byte MAC header (frame control, destination, source)
 * followed by an 802.2 LLC/SNAP header; Zeek assumes SNAP and forwards the
 * rest to IP. We check the SNAP signature and dispatch by its EtherType.
 */
import type { LinkLayer } from "./link.js";
import { decodeSnap, LLC_SAP_SNAP, SNAP_HEADER_LEN } from "./llc.js";
import type { Packet } from "./packet.js";

export const FDDI_DST = 1;
export const FDDI_SRC = 7;
export const FDDI_HEADER_LEN = 13;

const SOURCE = "FDDI";

export function decodeFddi(link: LinkLayer, pkt: Packet, off: number, end: number): boolean {
  if (end - off <= FDDI_HEADER_LEN + SNAP_HEADER_LEN) return link.drop("FDDI_analyzer_failed", SOURCE);
  pkt.l2DstOffset = off + FDDI_DST;
  pkt.l2SrcOffset = off + FDDI_SRC;
  const llc = off + FDDI_HEADER_LEN;
  if (pkt.data[llc] !== LLC_SAP_SNAP) return link.skipLlc();
  return link.enter(decodeSnap, pkt, llc, end, SOURCE);
}
