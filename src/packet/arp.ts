/**
 * ARP and RARP (EtherTypes 0x0806 and 0x8035), as Zeek's ARP packet analyzer
 * reads them: a truncated header is the truncated_ARP weird (always, as in
 * Zeek); a request or a reply is arp_request / arp_reply, anything else it
 * cannot take (not Ethernet/IPv4 addresses, a sender address that is not the
 * frame's source, an opcode other than 1 or 2) is bad_arp with Zeek's
 * explanation. The events' arguments are built only when they are handled.
 *
 * Zeek forwards these EtherTypes to ARP from Ethernet, VLAN, 802.11, Linux
 * SLL (v1 and v2) and SNAP only (its base/packet-protocols scripts).
 */
import type { EventBus } from "../event/bus.js";
import { formatAddr } from "../ip/addr.js";
import { u16, u32 } from "./bytes.js";
import { macText } from "./mac-text.js";
import type { Packet } from "./packet.js";
import { L3_ARP } from "./pkt-hdr.js";

export const ETHERTYPE_ARP = 0x0806;
export const ETHERTYPE_REVARP = 0x8035;

/** The link analyzers Zeek registers ARP under. */
const ARP_PARENTS = new Set(["ETHERNET", "VLAN", "IEEE802_11", "LINUXSLL", "LINUXSLL2", "SNAP"]);

/** The fixed part: hardware type, protocol type, their lengths, opcode. */
const ARP_FIXED = 8;
const ARPHRD_ETHER = 1;
const ARPHRD_IEEE802 = 6;
const ETHERTYPE_IP = 0x0800;
const ARPOP_REQUEST = 1;
const ARPOP_REPLY = 2;
/** RARP and InARP requests and replies: Zeek knows them, but does not analyse them. */
const UNIMPLEMENTED_OPS = new Set([3, 4, 8, 9]);

/** Where an ARP message's four addresses are, from its two lengths. */
interface ArpLayout {
  hln: number;
  pln: number;
  sha: number;
  spa: number;
  tha: number;
  tpa: number;
}

export class ArpAnalyzer {
  /** ARP messages long enough to be analysed, so far (the engine compares it around a packet: was it processed). */
  processed = 0;
  /** Off: PacketAnalyzer::ANALYZER_ARP disabled; its frames are then skipped as an EtherType nobody analyses (no weird, no unknown_protocol). */
  enabled = true;

  constructor(
    private readonly bus: EventBus,
    private readonly weird: (name: string) => void,
  ) {}

  /** Whether ARP analyses a frame of `type` found by link analyzer `parent`. */
  takes(type: number, parent: string): boolean {
    return (type === ETHERTYPE_ARP || type === ETHERTYPE_REVARP) && this.enabled && ARP_PARENTS.has(parent);
  }

  /** Analyses the ARP message in `pkt.data[off, end)`. */
  analyze(pkt: Packet, off: number, end: number): void {
    pkt.l3Proto = L3_ARP;
    const d = pkt.data;
    if (end - off < ARP_FIXED) return this.weird("truncated_ARP");
    const hln = d[off + 4]!;
    const pln = d[off + 5]!;
    const sha = off + ARP_FIXED;
    const at: ArpLayout = { hln, pln, sha, spa: sha + hln, tha: sha + hln + pln, tpa: sha + 2 * hln + pln };
    if (at.tpa + pln > end) return this.weird("truncated_ARP");
    // Past the length checks the frame counts as processed (Zeek's packet->processed), whatever follows.
    this.processed++;
    const hrd = u16(d, off);
    const pro = u16(d, off + 2);
    if (hrd !== ARPHRD_ETHER && hrd !== ARPHRD_IEEE802) return this.bad(d, at, `unknown-arp-hw-address (hrd=${hrd})`);
    if (hln !== 6) return this.bad(d, at, `corrupt-arp-header (hrd=${hrd}, hln=${hln})`);
    if (pro !== ETHERTYPE_IP) return this.bad(d, at, `unknown-arp-proto-address (pro=${pro})`);
    if (pln !== 4) return this.bad(d, at, `corrupt-arp-header (pro=${pro}, pln=${pln})`);
    if (!this.senderIsSource(pkt, at.sha)) return this.bad(d, at, "weird-arp-sha");
    const op = u16(d, off + 6);
    if (op === ARPOP_REQUEST || op === ARPOP_REPLY) return this.requestOrReply(pkt, at, op === ARPOP_REQUEST);
    this.bad(d, at, UNIMPLEMENTED_OPS.has(op) ? `unimplemented-arp-opcode (${op})` : `invalid-arp-opcode (opcode=${op})`);
  }

  /** The sender's hardware address is the frame's source address (a link without one has none to match). */
  private senderIsSource(pkt: Packet, sha: number): boolean {
    const src = pkt.l2SrcOffset;
    if (src < 0) return false;
    const d = pkt.data;
    for (let i = 0; i < 6; i++) if (d[src + i] !== d[sha + i]) return false;
    return true;
  }

  private requestOrReply(pkt: Packet, at: ArpLayout, request: boolean): void {
    const name = request ? "arp_request" : "arp_reply";
    if (!this.bus.has(name)) return;
    const d = pkt.data;
    const macSrc = macText(d, pkt.l2SrcOffset);
    // Linux cooked captures carry no destination: Zeek gives them an all-zero one.
    const macDst = pkt.l2DstOffset < 0 ? "00:00:00:00:00:00" : macText(d, pkt.l2DstOffset);
    this.bus.queue(name, macSrc, macDst, ipv4(d, at.spa, at.pln), mac(d, at.sha, at.hln), ipv4(d, at.tpa, at.pln), mac(d, at.tha, at.hln));
  }

  private bad(d: Uint8Array, at: ArpLayout, explanation: string): void {
    if (!this.bus.wants.bad_arp) return;
    this.bus.queue("bad_arp", ipv4(d, at.spa, at.pln), mac(d, at.sha, at.hln), ipv4(d, at.tpa, at.pln), mac(d, at.tha, at.hln), explanation);
  }
}

/** Zeek reads an ARP protocol address as IPv4 (0.0.0.0 when shorter than 4 bytes). */
function ipv4(d: Uint8Array, at: number, len: number): string {
  return formatAddr(0, 0, 0xffff, len < 4 ? 0 : u32(d, at));
}

/** A hardware address as text: its first six bytes, "" when shorter. */
function mac(d: Uint8Array, at: number, len: number): string {
  return len < 6 ? "" : macText(d, at);
}
