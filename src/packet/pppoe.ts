/**
 * PPPoE session stage (0x8864): 6-byte header (ver/type, code, session id,
 * length) + the 2-byte PPP protocol. The payload is limited to the declared
 * length − 2; a capture holding more raises pppoe_extra_data_after_payload
 * and the extra bytes are cut off (they would otherwise look like IP padding).
 */
import { u16 } from "./bytes.js";
import type { LinkLayer } from "./link.js";
import type { Packet } from "./packet.js";
import { dispatchPpp } from "./ppp.js";

export const PPPOE_SESSION = 2;
export const PPPOE_LENGTH = 4;
export const PPPOE_PROTOCOL = 6;
export const PPPOE_HEADER_LEN = 8;

const SOURCE = "PPPOE";

export function decodePppoe(link: LinkLayer, pkt: Packet, off: number, end: number): boolean {
  if (end - off <= PPPOE_HEADER_LEN) return link.drop("truncated_pppoe_header", SOURCE);
  const d = pkt.data;
  pkt.pppoeSession = u16(d, off + PPPOE_SESSION);
  const declared = u16(d, off + PPPOE_LENGTH) - 2;
  const have = end - off - PPPOE_HEADER_LEN;
  if (declared > have) link.weird("pppoe_truncated_payload", SOURCE);
  else if (declared < have) {
    link.weird("pppoe_extra_data_after_payload", SOURCE);
    end = off + PPPOE_HEADER_LEN + Math.max(declared, 0);
  }
  return dispatchPpp(link, pkt, off + PPPOE_HEADER_LEN, end, u16(d, off + PPPOE_PROTOCOL), SOURCE);
}
