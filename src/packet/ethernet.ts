/**
 * Ethernet II and IEEE 802.3 (DLT 1), including Cisco FabricPath (0x8903),
 * whose 16-byte outer header is skipped to reach the inner Ethernet header.
 *
 * Like Zeek, the frame must hold more than 16 bytes. An EtherType ≥ 1536
 * dispatches by type; a value ≤ 1500 is an 802.3 length and the payload is
 * LLC/SNAP/Novell (see llc.ts); 1501..1535 is undefined_ether_type.
 */
import { u16 } from "./bytes.js";
import { ETHERTYPE_CISCO_FABRICPATH } from "./constants.js";
import type { LinkLayer } from "./link.js";
import { decode8023Payload, dispatchTypeOrLength } from "./llc.js";
import type { Packet } from "./packet.js";

export const ETH_DST = 0;
export const ETH_SRC = 6;
export const ETH_TYPE = 12;
export const ETH_HEADER_LEN = 14;
/** Cisco FabricPath outer header in front of the classic Ethernet header. */
export const CFP_HEADER_LEN = 16;
/** Zeek requires strictly more than this many bytes for an Ethernet frame. */
const ETH_MIN_FRAME = 16;

const SOURCE = "ETHERNET";

export function decodeEthernet(link: LinkLayer, pkt: Packet, off: number, end: number): boolean {
  if (end - off <= ETH_MIN_FRAME) return link.drop("truncated_ethernet_frame", SOURCE);
  const d = pkt.data;
  if (u16(d, off + ETH_TYPE) === ETHERTYPE_CISCO_FABRICPATH) {
    if (end - off <= CFP_HEADER_LEN + ETH_HEADER_LEN) return link.drop("truncated_link_header_cfp", SOURCE);
    off += CFP_HEADER_LEN;
  }
  const type = u16(d, off + ETH_TYPE);
  pkt.ethType = type;
  pkt.l2DstOffset = off + ETH_DST;
  pkt.l2SrcOffset = off + ETH_SRC;
  const payload = off + ETH_HEADER_LEN;
  return dispatchTypeOrLength(link, pkt, payload, end, type, SOURCE, ethernet8023, "undefined_ether_type");
}

/** Ethernet: the frame must hold the declared 802.3 length (trailing bytes are kept). */
function ethernet8023(link: LinkLayer, pkt: Packet, payload: number, end: number, length: number): boolean {
  pkt.lengthFromCapture = true;
  if (end - payload < length) return link.drop("truncated_ethernet_frame", SOURCE);
  return decode8023Payload(link, pkt, payload, end, SOURCE);
}
