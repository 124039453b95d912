/**
 * IEEE 802.11 (DLT 105, and behind radiotap), as Zeek decodes it: only data
 * frames with data carry IP. The MAC header is 24 bytes, +6 with a fourth
 * address (ToDS and FromDS), +2 for QoS data; protected QoS frames end here
 * silently. The payload must start with LLC/SNAP (AA AA 03, OUI 0), whose
 * EtherType is dispatched. An A-MSDU carries several subframes, each
 * analysed as a packet of its own: the first goes on from here, the others
 * through LinkLayer.eachSubframe once the first has been processed.
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
const AMSDU_SUBFRAME_HEADER_LEN = 14;
const AMSDU_LENGTH = 12;

const FC0_TYPE_DATA = 0x08;
const FC0_SUBTYPE_NO_DATA = 0x40;
const FC0_SUBTYPE_QOS = 0x80;
const FC1_DS_MASK = 0x03;
const FC1_TO_DS = 0x01;
const FC1_FROM_DS = 0x02;
const FC1_PROTECTED = 0x40;
const QOS_AMSDU_PRESENT = 0x80;
const LLC_CONTROL_UI = 0x03;

const SOURCE = "IEEE802_11";

export function decodeIeee80211(link: LinkLayer, pkt: Packet, off: number, end: number): boolean {
  let hdr = WLAN_HEADER_LEN;
  if (end - off <= hdr) return link.drop("truncated_802_11_header", SOURCE);
  const d = pkt.data;
  const fc0 = d[off + WLAN_FC0]!;
  const fc1 = d[off + WLAN_FC1]!;
  // Management/control frames and data subtypes without data carry no IP.
  if ((fc0 & FC0_TYPE_DATA) === 0 || (fc0 & FC0_SUBTYPE_NO_DATA) !== 0) return link.skipLlc();
  const ds = fc1 & FC1_DS_MASK;
  if (ds === FC1_DS_MASK) hdr += WLAN_ADDR4_LEN;
  if (end - off <= hdr) return link.drop("truncated_802_11_header", SOURCE);
  let amsdu = false;
  if ((fc0 & FC0_SUBTYPE_QOS) !== 0) {
    amsdu = (d[off + hdr]! & QOS_AMSDU_PRESENT) !== 0;
    if ((fc1 & FC1_PROTECTED) !== 0) return link.skipLlc();
    hdr += WLAN_QOS_LEN;
  }
  if (end - off <= hdr) return link.drop("truncated_802_11_header", SOURCE);
  setAddresses(pkt, off, ds);
  const at = off + hdr;
  if (!amsdu) {
    if (snapPayload(link, pkt, at, end) !== SNAP_OK) return false;
    return link.etherType(pkt, at + SNAP_HEADER_LEN, end, u16(d, at + SNAP_TYPE), SOURCE);
  }
  link.subframeEnd = end;
  return decodeAmsduSubframe(link, pkt, at);
}

/**
 * The A-MSDU subframe at `at` (its frame ends at link.subframeEnd): DA, SA and
 * a length (14 bytes), then LLC/SNAP and the payload. Leaves in
 * link.subframeAt where the next subframe starts, or -1 when this was the
 * last or analysis stops here (a truncated subframe, or one that is not
 * SNAP: invalid_802_11_amsdu_inner_packet, as Zeek). After a subframe Zeek
 * skips `length % 4` padding bytes (when there are that many), not the
 * padding 802.11 defines (up to a multiple of 4 of header + body): the two
 * agree only for lengths of 1 or 3 mod 4; Zeek's rule is kept.
 */
export function decodeAmsduSubframe(link: LinkLayer, pkt: Packet, at: number): boolean {
  const end = link.subframeEnd;
  link.subframeAt = -1;
  if (end - at < AMSDU_SUBFRAME_HEADER_LEN) return link.drop("truncated_802_11_amsdu_header", SOURCE);
  const d = pkt.data;
  pkt.lengthFromCapture = true; // the subframe length is checked against the captured bytes
  const len = u16(d, at + AMSDU_LENGTH);
  if (end - at < len + AMSDU_SUBFRAME_HEADER_LEN) return link.drop("truncated_802_11_amsdu_packet", SOURCE);
  const sub = at + AMSDU_SUBFRAME_HEADER_LEN;
  if (snapPayload(link, pkt, sub, sub + len) !== SNAP_OK) return link.drop("invalid_802_11_amsdu_inner_packet", SOURCE);
  let next = sub + len;
  if (end - next >= len % 4) next += len % 4;
  if (next < end) link.subframeAt = next;
  return link.etherType(pkt, sub + SNAP_HEADER_LEN, sub + len, u16(d, sub + SNAP_TYPE), SOURCE);
}

const SNAP_OK = 0;
const SNAP_TRUNCATED = 1;
const NOT_SNAP = 2;

/** Checks for LLC/SNAP with a zero OUI at `at` (its EtherType follows); a short one is truncated_802_11_llc_header. */
function snapPayload(link: LinkLayer, pkt: Packet, at: number, end: number): number {
  if (end - at < SNAP_HEADER_LEN) {
    link.drop("truncated_802_11_llc_header", SOURCE);
    return SNAP_TRUNCATED;
  }
  const d = pkt.data;
  const snap = d[at] === LLC_SAP_SNAP && d[at + 1] === LLC_SAP_SNAP && d[at + 2] === LLC_CONTROL_UI;
  if (!snap || d[at + 3] !== 0 || d[at + 4] !== 0 || d[at + 5] !== 0) {
    link.skipLlc();
    return NOT_SNAP;
  }
  return SNAP_OK;
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
