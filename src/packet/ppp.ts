/**
 * PPP: DLT 50 (PPP in HDLC-like framing: address FF, control 03, 2-byte
 * protocol) and DLT 9 (PPP, where the HDLC address/control bytes are
 * optional). Protocols 0x0021/0x0057 are IP, 0x0281 MPLS; others skipped.
 */
import { u16 } from "./bytes.js";
import { PPP_IPV4, PPP_IPV6, PPP_MPLS } from "./constants.js";
import type { LinkLayer } from "./link.js";
import { decodeMpls } from "./mpls.js";
import type { Packet } from "./packet.js";

export const PPP_SERIAL_HEADER_LEN = 4;
export const PPP_SERIAL_PROTOCOL = 2;
const HDLC_ADDRESS = 0xff;
const HDLC_CONTROL = 0x03;
const PPP_PROTOCOL_LEN = 2;

/** Forwards a PPP payload by its protocol number (shared with PPPoE). */
export function dispatchPpp(link: LinkLayer, pkt: Packet, off: number, end: number, proto: number, source: string): boolean {
  if (proto === PPP_IPV4 || proto === PPP_IPV6) return link.ip(pkt, off, end);
  if (proto === PPP_MPLS) return link.enter(decodeMpls, pkt, off, end, source);
  link.skip(proto);
  return false;
}

export function decodePppSerial(link: LinkLayer, pkt: Packet, off: number, end: number): boolean {
  if (end - off <= PPP_SERIAL_HEADER_LEN) return link.drop("truncated_ppp_serial_header", "PPPSERIAL");
  const proto = u16(pkt.data, off + PPP_SERIAL_PROTOCOL);
  return dispatchPpp(link, pkt, off + PPP_SERIAL_HEADER_LEN, end, proto, "PPPSERIAL");
}

export function decodePpp(link: LinkLayer, pkt: Packet, off: number, end: number): boolean {
  const d = pkt.data;
  if (end - off <= PPP_PROTOCOL_LEN) return link.drop("truncated_ppp_header", "PPP");
  if (d[off] === HDLC_ADDRESS && d[off + 1] === HDLC_CONTROL) {
    if (end - off <= PPP_SERIAL_HEADER_LEN) return link.drop("truncated_ppp_hdlc_header", "PPP");
    off += 2;
  }
  return dispatchPpp(link, pkt, off + PPP_PROTOCOL_LEN, end, u16(d, off), "PPP");
}
