/**
 * The link layer: turns a raw captured frame into "an IP packet starts at
 * `pkt.l3Offset`", or drops it with a named weird.
 *
 * Shape (as Zeek's packet analysis): a decoder per link protocol, each one
 * function `(link, pkt, off, end) → boolean` that validates its header once,
 * records what it learned on `pkt`, and forwards the rest through one of two
 * tables: by pcap link type (where a capture starts) and by EtherType (what an
 * Ethernet-like header says comes next). Adding a protocol is one file plus one
 * table entry. Nothing here allocates per packet: offsets only.
 *
 * `end` is one past the last byte the current layer may use; it starts at
 * `pkt.end` and only shrinks when a header declares a shorter payload (PPPoE).
 * Zeek's behaviour for each decoder is in Zeek's packet analyzers.
 */
import type { Weirds } from "../event/weirds.js";
import type { ArpAnalyzer } from "./arp.js";
import * as C from "./constants.js";
import { decodeEthernet } from "./ethernet.js";
import { decodeFddi } from "./fddi.js";
import { decodeAmsduSubframe, decodeIeee80211 } from "./ieee80211.js";
import { decodeLinuxSll, decodeLinuxSll2 } from "./linux-sll.js";
import { decodeSnap } from "./llc.js";
import { decodeLoop, decodeNull } from "./loopback.js";
import { decodeMpls } from "./mpls.js";
import { decodeNflog } from "./nflog.js";
import type { Packet } from "./packet.js";
import { decodePbb } from "./pbb.js";
import { decodePpp, decodePppSerial } from "./ppp.js";
import { decodePppoe } from "./pppoe.js";
import { decodeRadiotap } from "./radiotap.js";
import type { UnknownProtocols } from "./unknown-protocols.js";
import { decodeVlan } from "./vlan.js";
import { decodeVntag } from "./vntag.js";

/** One link-layer decoder: header at `off`, usable bytes up to `end`. */
export type LinkDecoder = (link: LinkLayer, pkt: Packet, off: number, end: number) => boolean;

/** Where a capture starts, by pcap link type. Anything absent is raw IP (Zeek's root default). */
const BY_LINKTYPE = new Map<number, LinkDecoder>([
  [C.LINKTYPE_ETHERNET, decodeEthernet],
  [C.LINKTYPE_NULL, decodeNull],
  [C.LINKTYPE_LOOP, decodeLoop],
  [C.LINKTYPE_PPP, decodePpp],
  [C.LINKTYPE_PPP_HDLC, decodePppSerial],
  [C.LINKTYPE_FDDI, decodeFddi],
  [C.LINKTYPE_LINUX_SLL, decodeLinuxSll],
  [C.LINKTYPE_LINUX_SLL2, decodeLinuxSll2],
  [C.LINKTYPE_IEEE802_11, decodeIeee80211],
  [C.LINKTYPE_IEEE802_11_RADIOTAP, decodeRadiotap],
  [C.LINKTYPE_NFLOG, decodeNflog],
]);

/**
 * Zeek's SKIP packet analyzer: `bytes` bytes of whatever header a capture
 * has (a vendor's, or outer headers a user wants ignored) are skipped and IP
 * follows; a shorter frame is dropped with skip_bad_length.
 */
export function skipDecoder(bytes: number): LinkDecoder {
  return (link, pkt, off, end) => {
    if (bytes > end - off) return link.drop("skip_bad_length", "SKIP", `${end - off} > ${bytes}`);
    return link.ip(pkt, off + bytes, end);
  };
}

/** Zeek's IP packet analyzer as a script can register it under a link analyzer: the IP layer takes what follows. */
export const decodeIp: LinkDecoder = (link, pkt, off, end) => link.ip(pkt, off, end);

/** What follows an EtherType (from Ethernet, VLAN, SNAP, SLL, VNTag). */
const BY_ETHERTYPE = new Map<number, LinkDecoder>([
  [C.ETHERTYPE_VLAN, decodeVlan],
  [C.ETHERTYPE_QINQ, decodeVlan],
  [C.ETHERTYPE_QINQ_OLD, decodeVlan],
  [C.ETHERTYPE_MPLS, decodeMpls],
  [C.ETHERTYPE_MPLS_MULTICAST, decodeMpls],
  [C.ETHERTYPE_PPPOE_SESSION, decodePppoe],
  [C.ETHERTYPE_PBB, decodePbb],
  [C.ETHERTYPE_VNTAG, decodeVntag],
]);

/** Zeek's names of the decoders' analyzers, for unknown_protocol's analyzer history (a decoder not named here shows as "LINK"). */
const ANALYZER_NAMES = new Map<LinkDecoder, string>([
  [decodeEthernet, "ETHERNET"],
  [decodeNull, "NULL"],
  [decodeLoop, "NULL"],
  [decodePpp, "PPP"],
  [decodePppSerial, "PPP_SERIAL"],
  [decodeFddi, "FDDI"],
  [decodeLinuxSll, "LINUXSLL"],
  [decodeLinuxSll2, "LINUXSLL2"],
  [decodeIeee80211, "IEEE802_11"],
  [decodeRadiotap, "IEEE802_11_RADIO"],
  [decodeNflog, "NFLOG"],
  [decodeVlan, "VLAN"],
  [decodeMpls, "MPLS"],
  [decodePppoe, "PPPOE"],
  [decodePbb, "PBB"],
  [decodeVntag, "VNTAG"],
  [decodeSnap, "SNAP"],
  [decodeIp, "IP"],
]);

/**
 * The analyzers that forward by EtherType (the `source` they give
 * etherType). They share one table here; in Zeek each has its own, alike
 * for what bronze decodes.
 */
const ETHERTYPE_PARENTS: ReadonlySet<string> = new Set(["ETHERNET", "VLAN", "LINUXSLL", "LINUXSLL2", "SNAP", "VNTAG", "IEEE802_11"]);

/** The link decoder of Zeek's packet analyzer `name` ("VLAN", "IP"), for a script's registration; undefined when bronze has none. */
export function linkDecoderNamed(name: string): LinkDecoder | undefined {
  for (const [decoder, n] of ANALYZER_NAMES) if (n === name) return decoder;
  return undefined;
}

/** Zeek's printf("%#8x") of a registration's identifier, as its reporter message has it. */
export function identifierText(id: number): string {
  return (id === 0 ? "0" : `0x${id.toString(16)}`).padStart(8);
}

/** EtherTypes Zeek has an analyzer for that bronze does not decode (ARP and RARP: nothing in them for bronze's logs), so not unknown protocols. */
const KNOWN_NON_IP = new Set([0x0806, 0x8035]);

/** Counters kept for every packet; read by tests and the CLI's summary. */
export class LinkStats {
  private readonly counts = new Map<number, number>();
  /** The link type of the current run of packets and how many it has had, not yet in `counts` (a Map update per packet costs). */
  private runLinktype = -1;
  private runPackets = 0;

  /** Packets seen per pcap link type. */
  get byLinktype(): ReadonlyMap<number, number> {
    this.flushRun();
    return this.counts;
  }

  /** Counts one packet of link type `lt`. */
  countLinktype(lt: number): void {
    if (lt === this.runLinktype) {
      this.runPackets++;
      return;
    }
    this.flushRun();
    this.runLinktype = lt;
    this.runPackets = 1;
  }

  private flushRun(): void {
    if (this.runPackets === 0) return;
    this.counts.set(this.runLinktype, (this.counts.get(this.runLinktype) ?? 0) + this.runPackets);
    this.runPackets = 0;
  }

  /** Frames dropped because what they carry is not IP, by EtherType (ARP, LLDP, …). */
  readonly skippedByEtherType = new Map<number, number>();
  /** 802.3 frames with plain LLC or Novell payloads (no EtherType), skipped. */
  skippedLlc = 0;
  /** Frames that reached the IP layer. */
  toIp = 0;
  /** Frames dropped with a weird (truncated or malformed link header). */
  malformed = 0;
}

export class LinkLayer {
  readonly stats = new LinkStats();
  /** Decoders entered for the current packet (Zeek's analyzer depth). */
  private depth = 0;
  /** The previous packet's link type and its decoder: a trace has one link type, so the lookup is skipped. */
  private lastLinktype = -1;
  private lastDecoder: LinkDecoder | undefined = undefined;
  /** Where the frame decode() just read has a further A-MSDU subframe (-1: none), and where that frame ends. */
  subframeAt = -1;
  subframeEnd = 0;

  /** The decoders entered for the current packet, outermost first (depth of them): unknown_protocol's analyzer history. */
  private readonly stack: LinkDecoder[] = [];
  /** Zeek's ARP analyzer for the ARP EtherTypes (arp.ts); null in a layer made without one. */
  arp: ArpAnalyzer | null = null;
  /** unknown_protocol's reporting, when a script handles it (see unknown-protocols.ts). */
  unknown: UnknownProtocols | null = null;

  /** Decoders a script registered for link types (they replace the tables' for this layer only). */
  private readonly registered = new Map<number, LinkDecoder>();
  /**
   * Decoders a script registered under an EtherType analyzer, by its name
   * then the EtherType (they come before the shared table); null until
   * one is, so that a packet asks nothing more.
   */
  private children: Map<string, Map<number, LinkDecoder>> | null = null;
  /** The names of the registered decoders that ANALYZER_NAMES does not know (a SKIP of some length). */
  private readonly registeredNames = new Map<LinkDecoder, string>();

  constructor(private readonly weirds: Weirds) {}

  /** Decodes link type `lt` with `decoder` from now on (Zeek's register_packet_analyzer under ROOT). */
  register(lt: number, decoder: LinkDecoder): void {
    this.registered.set(lt, decoder);
    this.lastLinktype = -1;
  }

  /**
   * Zeek's register_packet_analyzer: what analyzer `parent` ("ROOT" for
   * link types, or one that forwards by EtherType) finds under
   * `identifier` goes to `decoder` (Zeek's analyzer `name`) from now on.
   * Returns the name of the analyzer mapped there before (null for none),
   * or false when `parent` dispatches nothing bronze can redirect.
   */
  registerChild(parent: string, identifier: number, decoder: LinkDecoder, name: string): string | null | false {
    const previous = this.mappedName(parent, identifier);
    if (previous === false) return false;
    if (ANALYZER_NAMES.get(decoder) !== name) this.registeredNames.set(decoder, name);
    if (parent === "ROOT") this.register(identifier, decoder);
    else {
      this.children ??= new Map();
      let byType = this.children.get(parent);
      if (byType === undefined) this.children.set(parent, (byType = new Map()));
      byType.set(identifier, decoder);
    }
    return previous;
  }

  /** The name of the analyzer `parent` maps `identifier` to (null: none), false when `parent` is no dispatcher of bronze's. */
  private mappedName(parent: string, identifier: number): string | null | false {
    const nameOf = (d: LinkDecoder | undefined) => (d === undefined ? null : (ANALYZER_NAMES.get(d) ?? this.registeredNames.get(d) ?? null));
    if (parent === "ROOT") return nameOf(this.registered.get(identifier) ?? BY_LINKTYPE.get(identifier));
    if (!ETHERTYPE_PARENTS.has(parent)) return false;
    const registered = this.children?.get(parent)?.get(identifier);
    if (registered !== undefined) return nameOf(registered);
    if (identifier === C.ETHERTYPE_IPV4 || identifier === C.ETHERTYPE_IPV6) return "IP";
    if (KNOWN_NON_IP.has(identifier)) return "ARP";
    return nameOf(BY_ETHERTYPE.get(identifier));
  }

  /** Decodes link headers; true iff an IPv4/IPv6 packet starts at `pkt.l3Offset`. */
  decode(pkt: Packet): boolean {
    pkt.l2SrcOffset = -1;
    pkt.l2DstOffset = -1;
    pkt.vlan = -1;
    pkt.innerVlan = -1;
    pkt.pppoeSession = -1;
    pkt.ethType = -1;
    pkt.l3Proto = 0;
    pkt.ipHeaderKept = false;
    pkt.l3Offset = pkt.offset;
    pkt.l2HeaderLen = 0;
    pkt.lengthFromCapture = false;
    this.depth = 0;
    this.subframeAt = -1;
    const lt = pkt.linktype;
    this.stats.countLinktype(lt);
    if (lt !== this.lastLinktype) {
      this.lastLinktype = lt;
      this.lastDecoder = this.registered.get(lt) ?? BY_LINKTYPE.get(lt);
    }
    const decoder = this.lastDecoder;
    if (decoder === undefined) return this.ip(pkt, pkt.offset, pkt.end);
    this.depth = 1;
    this.stack[0] = decoder;
    return decoder(this, pkt, pkt.offset, pkt.end);
  }

  /**
   * Zeek analyses every A-MSDU subframe of an 802.11 frame as a packet of its
   * own, one after the other (ieee80211.ts). Called once the packet decode()
   * returned has been processed, with `at` = subframeAt as decode() left it
   * (processing may decode nested frames with this same layer): decodes each
   * further subframe and hands those that carry IP to `processIp`.
   */
  eachSubframe(pkt: Packet, at: number, end: number, processIp: (pkt: Packet) => void): void {
    while (at >= 0) {
      this.subframeEnd = end;
      const isIp = decodeAmsduSubframe(this, pkt, at);
      at = this.subframeAt;
      if (isIp) processIp(pkt);
    }
  }

  /** An IP header starts at `off`: hand the packet to the IP layer. */
  ip(pkt: Packet, off: number, end: number): boolean {
    pkt.l3Offset = off;
    pkt.l2HeaderLen = off - pkt.offset;
    pkt.end = end;
    this.stats.toIp++;
    return true;
  }

  /**
   * Forwards by EtherType. `source` names the caller for the depth weird.
   * Unknown EtherTypes end here without a weird (Zeek reports them through
   * unknown_protocol, never weird.log — confirmed by the corpus weird.logs).
   */
  etherType(pkt: Packet, off: number, end: number, type: number, source: string): boolean {
    // A script's registrations (register_packet_analyzer) come first; most runs have none.
    if (this.children !== null) {
      const registered = this.children.get(source)?.get(type);
      if (registered !== undefined) return this.enter(registered, pkt, off, end, source);
    }
    if (type === C.ETHERTYPE_IPV4 || type === C.ETHERTYPE_IPV6) return this.ip(pkt, off, end);
    const next = BY_ETHERTYPE.get(type);
    if (next === undefined) {
      const arp = this.arp;
      if (arp?.takes(type, source)) arp.analyze(pkt, off, end);
      this.skip(type);
      if (!KNOWN_NON_IP.has(type)) this.unknownProtocol(source, type, pkt, off, end);
      return false;
    }
    return this.enter(next, pkt, off, end, source);
  }

  /** Calls a decoder one level deeper, refusing past PacketAnalyzer::max_depth. */
  enter(next: LinkDecoder, pkt: Packet, off: number, end: number, source: string): boolean {
    if (++this.depth > C.MAX_LINK_DEPTH) return this.drop("max_packet_analyzer_depth_exceeded", source);
    this.stack[this.depth - 1] = next;
    return next(this, pkt, off, end);
  }

  /** The analyzers the current packet went through, outermost first (Zeek's names). */
  history(): string[] {
    const names: string[] = [];
    for (let i = 0; i < this.depth; i++) {
      const decoder = this.stack[i]!;
      names.push(ANALYZER_NAMES.get(decoder) ?? this.registeredNames.get(decoder) ?? "LINK");
    }
    return names;
  }

  /** Analyzer `analyzer` found nothing registered for `protocol` (the bytes after its header at `off`): unknown_protocol, when a script handles it. */
  unknownProtocol(analyzer: string, protocol: number, pkt: Packet, off: number, end: number): void {
    this.unknown?.report(analyzer, protocol, pkt.data, off, end, () => {
      const names = this.history();
      if (names.at(-1) !== analyzer) names.push(analyzer);
      return names;
    });
  }

  /** A non-IP payload: counted by its EtherType (or other protocol key), no weird. */
  skip(type: number): void {
    const m = this.stats.skippedByEtherType;
    m.set(type, (m.get(type) ?? 0) + 1);
  }

  /** 802.3 LLC/Novell frames carry no EtherType: counted, skipped. */
  skipLlc(): boolean {
    this.stats.skippedLlc++;
    return false;
  }

  /** Drops the packet with a link-layer weird (Zeek's analyzer name as `source`). */
  drop(name: string, source: string, addl = ""): boolean {
    this.stats.malformed++;
    this.weirds.net(name, addl, source);
    return false;
  }

  /** Reports a weird that does not stop decoding. */
  weird(name: string, source: string, addl = ""): void {
    this.weirds.net(name, addl, source);
  }
}
