/**
 * Linux NFLOG (DLT 239): a 4-byte header (address family, version, resource
 * id) followed by TLVs whose length and type are in host (little-endian)
 * order and padded to 4 bytes. The TLV of type NFULA_PAYLOAD holds the IP
 * packet. A TLV claiming more bytes than remain is nflog_bad_tlv_len, with
 * Zeek's "(claimed > remaining)" detail.
 */
import { u16le } from "./bytes.js";
import type { LinkLayer } from "./link.js";
import type { Packet } from "./packet.js";

export const NFLOG_HEADER_LEN = 4;
export const NFLOG_TLV_HEADER_LEN = 4;
const NFULA_PAYLOAD = 9;
const NFLOG_FAMILY_INET = 2;
const NFLOG_FAMILY_INET6 = 10;

const SOURCE = "NFLOG";

export function decodeNflog(link: LinkLayer, pkt: Packet, off: number, end: number): boolean {
  if (end - off < NFLOG_HEADER_LEN) return link.drop("truncated_nflog_header", SOURCE);
  const d = pkt.data;
  const family = d[off]!;
  if (family !== NFLOG_FAMILY_INET && family !== NFLOG_FAMILY_INET6) {
    link.skip(family);
    return false;
  }
  let at = off + NFLOG_HEADER_LEN;
  while (end - at >= NFLOG_TLV_HEADER_LEN) {
    const tlvLen = u16le(d, at);
    const tlvType = u16le(d, at + 2);
    if (tlvLen > end - at) return link.drop("nflog_bad_tlv_len", SOURCE, `(${tlvLen} > ${end - at})`);
    if (tlvLen < NFLOG_TLV_HEADER_LEN) return link.drop("nflog_bad_tlv_len", SOURCE, `(${tlvLen} < ${NFLOG_TLV_HEADER_LEN})`);
    if (tlvType === NFULA_PAYLOAD) return link.ip(pkt, at + NFLOG_TLV_HEADER_LEN, at + tlvLen);
    at += (tlvLen + 3) & ~3;
  }
  return link.drop("nflog_no_pcap_payload", SOURCE);
}
