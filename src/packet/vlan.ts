/**
 * IEEE 802.1Q / 802.1ad tags (0x8100, 0x88A8, 0x9100): 2 bytes TCI, 2 bytes
 * inner type. The first tag fills `pkt.vlan`, the second `pkt.innerVlan`; a
 * third overwrites the inner one, as Zeek does, with a weird.
 */
import { u16 } from "./bytes.js";
import { ETHERTYPE_MIN } from "./constants.js";
import type { LinkLayer } from "./link.js";
import { decode8023Payload, dispatchTypeOrLength } from "./llc.js";
import type { Packet } from "./packet.js";

export const VLAN_TCI = 0;
export const VLAN_TYPE = 2;
export const VLAN_HEADER_LEN = 4;
const VLAN_ID_MASK = 0x0fff;
/** The TCI's priority code point and drop-eligible bit sit above the id. */
const VLAN_PRI_SHIFT = 12;

const SOURCE = "VLAN";

export function decodeVlan(link: LinkLayer, pkt: Packet, off: number, end: number): boolean {
  if (end - off <= VLAN_HEADER_LEN) return link.drop("truncated_VLAN_header", SOURCE);
  const d = pkt.data;
  const tci = u16(d, off + VLAN_TCI);
  const id = tci & VLAN_ID_MASK;
  // Slots are taken by presence (−1 = no tag), so a tag with id 0 counts.
  if (pkt.vlan < 0) {
    pkt.vlan = id;
    pkt.vlanPri = tci >> VLAN_PRI_SHIFT;
  } else {
    if (pkt.innerVlan >= 0) link.weird("triple_tagged_vlan_unsupported", SOURCE, "inner VLAN tag overwritten");
    pkt.innerVlan = id;
    pkt.innerVlanPri = tci >> VLAN_PRI_SHIFT;
  }
  const type = u16(d, off + VLAN_TYPE);
  // Zeek's VLAN analyzer names the EtherType it forwards by, not an 802.3 length.
  if (type >= ETHERTYPE_MIN) pkt.ethType = type;
  const payload = off + VLAN_HEADER_LEN;
  return dispatchTypeOrLength(link, pkt, payload, end, type, SOURCE, vlan8023, "undefined_vlan_protocol");
}

/** 802.1Q: two bytes are enough to look at; bytes past the 802.3 length are cut off. */
function vlan8023(link: LinkLayer, pkt: Packet, payload: number, end: number, length: number): boolean {
  if (end - payload < 2) return link.drop("truncated_VLAN_header", SOURCE);
  return decode8023Payload(link, pkt, payload, Math.min(end, payload + length), SOURCE);
}
