/**
 * IEEE 802.2 payloads of 802.3 frames (no EtherType): SNAP carries an
 * EtherType after LLC + OUI (AA AA 03 + OUI + type) and continues when the
 * OUI is zero (an encapsulated EtherType);
 * Novell raw 802.3 (FF FF) and plain LLC carry no IP and are skipped.
 */
import { u16 } from "./bytes.js";
import { ETHER_MAX_LENGTH, ETHERTYPE_MIN } from "./constants.js";
import type { LinkLayer } from "./link.js";
import type { Packet } from "./packet.js";

export const LLC_SAP_SNAP = 0xaa;
/** LLC (DSAP, SSAP, UI control) + OUI + EtherType, the common SNAP layout. */
export const SNAP_HEADER_LEN = 8;
export const SNAP_TYPE = 6;
const LLC_UI_HEADER_LEN = 3;
const LLC_CONTROL_U_MASK = 0x03;
const SNAP_OUI_TYPE_LEN = 5;
const NOVELL_RAW = 0xff;

const SOURCE = "SNAP";

export function decode8023Payload(link: LinkLayer, pkt: Packet, off: number, end: number, source: string): boolean {
  if (end - off < 2) return link.drop("truncated_ethernet_frame", source);
  const d = pkt.data;
  if (d[off] === LLC_SAP_SNAP && d[off + 1] === LLC_SAP_SNAP) return link.enter(decodeSnap, pkt, off, end, source);
  if (d[off] === NOVELL_RAW && d[off + 1] === NOVELL_RAW) return link.skipLlc();
  return decodeLlc(link, pkt, off, end);
}

/** Plain 802.2 LLC: Zeek forwards by DSAP (handing on the whole LLC header), and nothing is registered there. */
function decodeLlc(link: LinkLayer, pkt: Packet, off: number, end: number): boolean {
  if (end - off < LLC_UI_HEADER_LEN) return link.drop("truncated_llc_header", "LLC");
  const llc = (pkt.data[off + 2]! & LLC_CONTROL_U_MASK) === LLC_CONTROL_U_MASK ? LLC_UI_HEADER_LEN : LLC_UI_HEADER_LEN + 1;
  if (end - off < llc) return link.drop("truncated_llc_header", "LLC");
  link.unknownProtocol("LLC", pkt.data[off]!, pkt, off, end);
  return link.skipLlc();
}

export function decodeSnap(link: LinkLayer, pkt: Packet, off: number, end: number): boolean {
  if (end - off < LLC_UI_HEADER_LEN) return link.drop("truncated_snap_llc_header", SOURCE);
  const d = pkt.data;
  // A control field that is not an unnumbered PDU makes the LLC header 4 bytes.
  const llc = (d[off + 2]! & LLC_CONTROL_U_MASK) === LLC_CONTROL_U_MASK ? LLC_UI_HEADER_LEN : LLC_UI_HEADER_LEN + 1;
  if (end - off < llc + SNAP_OUI_TYPE_LEN) return link.drop("truncated_snap_header", SOURCE);
  const at = off + llc;
  if (d[at] !== 0 || d[at + 1] !== 0 || d[at + 2] !== 0) {
    // Zeek forwards by OUI and type together: only OUI 0 (an EtherType) has analyzers.
    link.unknownProtocol(SOURCE, ((d[at]! << 16) | (d[at + 1]! << 8) | d[at + 2]!) * 65536 + u16(d, at + 3), pkt, at + SNAP_OUI_TYPE_LEN, end);
    return link.skipLlc();
  }
  return link.etherType(pkt, at + SNAP_OUI_TYPE_LEN, end, u16(d, at + 3), SOURCE);
}

/** Handles an 802.3 payload of declared `length` at `payload`. */
export type Ieee8023Handler = (link: LinkLayer, pkt: Packet, payload: number, end: number, length: number) => boolean;

/**
 * The type/length field shared by Ethernet and 802.1Q: ≥ 1536 is an
 * EtherType, ≤ 1500 an 802.3 length (each caller checks it its own way, as
 * Zeek's analyzers differ), anything between is dropped with `undefinedWeird`.
 */
export function dispatchTypeOrLength(
  link: LinkLayer,
  pkt: Packet,
  payload: number,
  end: number,
  type: number,
  source: string,
  on8023: Ieee8023Handler,
  undefinedWeird: string,
): boolean {
  if (type >= ETHERTYPE_MIN) return link.etherType(pkt, payload, end, type, source);
  if (type <= ETHER_MAX_LENGTH) return on8023(link, pkt, payload, end, type);
  return link.drop(undefinedWeird, source);
}
