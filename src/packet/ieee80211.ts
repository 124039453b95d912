/**
 * IEEE 802.11 (DLT 105, and behind radiotap): only data frames carry IP.
 * The MAC header is 24 bytes, +6 with a fourth address (ToDS and FromDS),
 * +2 for QoS data, +4 for an HT control field (order bit on QoS frames).
 * Protected (encrypted) and null-data frames are skipped; the payload must
 * start with an LLC/SNAP header, whose EtherType is dispatched.
 */
import { u16 } from "./bytes.js";
import type { LinkLayer } from "./link.js";
import { LLC_SAP_SNAP, SNAP_HEADER_LEN, SNAP_TYPE } from "./llc.js";
import type { Packet } from "./packet.js";

export const WLAN_FC0 = 0;
export const WLAN_FC1 = 1;
export const WLAN_ADDR1 = 4;
export const WLAN_ADDR2 = 10;
export const WLAN_ADDR3 = 16;
export const WLAN_ADDR4 = 24;
export const WLAN_HEADER_LEN = 24;
const WLAN_ADDR4_LEN = 6;
const WLAN_QOS_LEN = 2;
const WLAN_HT_CONTROL_LEN = 4;

const FC0_TYPE_MASK = 0x0c;
const FC0_TYPE_DATA = 0x08;
const FC0_SUBTYPE_QOS = 0x80;
const FC0_SUBTYPE_NULL = 0x40;
const FC1_TO_DS = 0x01;
const FC1_FROM_DS = 0x02;
const FC1_PROTECTED = 0x40;
const FC1_ORDER = 0x80;
const LLC_CONTROL_UI = 0x03;

const SOURCE = "IEEE802_11";

export function decodeIeee80211(link: LinkLayer, pkt: Packet, off: number, end: number): boolean {
  if (end - off < 2) return link.drop("truncated_802_11_header", SOURCE);
  const d = pkt.data;
  const fc0 = d[off + WLAN_FC0]!;
  const fc1 = d[off + WLAN_FC1]!;
  // Management and control frames carry no IP.
  if ((fc0 & FC0_TYPE_MASK) !== FC0_TYPE_DATA || (fc0 & FC0_SUBTYPE_NULL) !== 0) return link.skipLlc();
  const ds = fc1 & (FC1_TO_DS | FC1_FROM_DS);
  let len = WLAN_HEADER_LEN;
  if (ds === (FC1_TO_DS | FC1_FROM_DS)) len += WLAN_ADDR4_LEN;
  if ((fc0 & FC0_SUBTYPE_QOS) !== 0) {
    len += WLAN_QOS_LEN;
    if ((fc1 & FC1_ORDER) !== 0) len += WLAN_HT_CONTROL_LEN;
  }
  if (end - off < len) return link.drop("truncated_802_11_header", SOURCE);
  setAddresses(pkt, off, ds);
  if ((fc1 & FC1_PROTECTED) !== 0) return link.skipLlc();
  const llc = off + len;
  if (end - llc < SNAP_HEADER_LEN) return link.drop("truncated_802_11_header", SOURCE);
  if (d[llc] !== LLC_SAP_SNAP || d[llc + 1] !== LLC_SAP_SNAP || d[llc + 2] !== LLC_CONTROL_UI) return link.skipLlc();
  return link.etherType(pkt, llc + SNAP_HEADER_LEN, end, u16(d, llc + SNAP_TYPE), SOURCE);
}

/** Which address field is the source and which the destination depends on the DS bits. */
function setAddresses(pkt: Packet, off: number, ds: number): void {
  if (ds === 0) {
    pkt.l2DstOffset = off + WLAN_ADDR1;
    pkt.l2SrcOffset = off + WLAN_ADDR2;
  } else if (ds === FC1_TO_DS) {
    pkt.l2DstOffset = off + WLAN_ADDR3;
    pkt.l2SrcOffset = off + WLAN_ADDR2;
  } else if (ds === FC1_FROM_DS) {
    pkt.l2DstOffset = off + WLAN_ADDR1;
    pkt.l2SrcOffset = off + WLAN_ADDR3;
  } else {
    pkt.l2DstOffset = off + WLAN_ADDR3;
    pkt.l2SrcOffset = off + WLAN_ADDR4;
  }
}
