/**
 * Linux NFLOG (DLT 239): a 4-byte header (address family, version 0,
 * resource id) followed by TLVs whose length and type are in host
 * (little-endian) order, each padded to 4 bytes. The TLV of type
 * NFULA_PAYLOAD is followed by the IP packet (the rest of the capture, as
 * Zeek takes it). A TLV claiming more bytes than remain is nflog_bad_tlv_len
 * with the "(claimed > remaining)" detail the corpus shows.
 */
import { u16le } from "./bytes.js";
import type { LinkLayer } from "./link.js";
import type { Packet } from "./packet.js";

export const NFLOG_HEADER_LEN = 4;
export const NFLOG_TLV_HEADER_LEN = 4;
const NFLOG_VERSION = 1;
const NFULA_PAYLOAD = 9;
const NFLOG_FAMILY_INET = 2;
const NFLOG_FAMILY_INET6 = 10;

const SOURCE = "NFLOG";

export function decodeNflog(link: LinkLayer, pkt: Packet, off: number, end: number): boolean {
  if (end - off <= NFLOG_HEADER_LEN) return link.drop("truncated_nflog_header", SOURCE);
  const d = pkt.data;
  if (d[off + NFLOG_VERSION] !== 0) return link.drop("unknown_nflog_version", SOURCE);
  const family = d[off]!;
  let at = off + NFLOG_HEADER_LEN;
  for (;;) {
    if (end - at <= NFLOG_TLV_HEADER_LEN) return link.drop("nflog_no_pcap_payload", SOURCE);
    const tlvLen = u16le(d, at);
    if (u16le(d, at + 2) === NFULA_PAYLOAD) break;
    if (tlvLen < NFLOG_TLV_HEADER_LEN) return link.drop("nflog_bad_tlv_len", SOURCE);
    if (tlvLen > end - at) return link.drop("nflog_bad_tlv_len", SOURCE, `(${tlvLen} > ${end - at})`);
    at += (tlvLen + 3) & ~3;
  }
  if (family !== NFLOG_FAMILY_INET && family !== NFLOG_FAMILY_INET6) {
    link.skip(family);
    return false;
  }
  return link.ip(pkt, at + NFLOG_TLV_HEADER_LEN, end);
}
