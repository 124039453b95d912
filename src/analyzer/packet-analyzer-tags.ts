/**
 * Zeek's packet analyzers by tag (PacketAnalyzer::ANALYZER_<NAME>): the
 * values Analyzer::disabled_analyzers and Analyzer::disable_analyzer take
 * beside the protocol analyzers' (Zeek's AllAnalyzers::Tag holds both), and
 * which of them bronze can switch off. Naming a packet analyzer Zeek does
 * not have is refused, as Zeek refuses it; one Zeek has but bronze cannot
 * switch off is accepted and stays on (the command line warns).
 */

/** Zeek 9.1's packet analyzers (src/packet_analysis/protocol, and its Spicy IGMP), tag names without "ANALYZER_". */
export const ZEEK_PACKET_ANALYZER_TAGS = [
  "ARP",
  "AYIYA",
  "ETHERNET",
  "FDDI",
  "GENEVE",
  "GRE",
  "GTPV1",
  "ICMP",
  "IEEE802_11",
  "IEEE802_11_RADIO",
  "IGMP",
  "IP",
  "IPTUNNEL",
  "LINUXSLL",
  "LINUXSLL2",
  "LLC",
  "MPLS",
  "NFLOG",
  "NOVELL_802_3",
  "NULL",
  "PBB",
  "PPP",
  "PPPOE",
  "PPPSERIAL",
  "ROOT",
  "SKIP",
  "SNAP",
  "TCP",
  "TEREDO",
  "UDP",
  "UNKNOWN_IP_TRANSPORT",
  "VLAN",
  "VNTAG",
  "VXLAN",
] as const;

/** A packet analyzer's name, as its tag has it ("VXLAN"). */
export type PacketAnalyzerName = (typeof ZEEK_PACKET_ANALYZER_TAGS)[number];

/** A packet analyzer's tag as Zeek scripts write it ("PacketAnalyzer::ANALYZER_VXLAN"). */
export type PacketAnalyzerTag = `PacketAnalyzer::ANALYZER_${PacketAnalyzerName}`;

/** The module prefix of packet analyzer tags, which tells them from protocol analyzers' in a set of AllAnalyzers::Tag. */
export const PACKET_ANALYZER_MODULE = "PacketAnalyzer::";

/**
 * The packet analyzers bronze can switch off: the tunnels (each checked
 * where its tunnel is recognised), ARP and the unknown-IP transport. The
 * link and IP layers and TCP/UDP/ICMP are always on.
 */
export const SWITCHABLE_PACKET_ANALYZERS: ReadonlySet<PacketAnalyzerName> = new Set([
  "ARP",
  "AYIYA",
  "GENEVE",
  "GRE",
  "GTPV1",
  "IPTUNNEL",
  "TEREDO",
  "UNKNOWN_IP_TRANSPORT",
  "VXLAN",
]);

const NAMES: ReadonlySet<string> = new Set(ZEEK_PACKET_ANALYZER_TAGS);

/**
 * The packet analyzer `text` names: its tag ("PacketAnalyzer::ANALYZER_VXLAN"),
 * or the tag without its module or prefix ("ANALYZER_VXLAN", "VXLAN"), in
 * any case; null when Zeek has no such packet analyzer.
 */
export function packetAnalyzerName(text: string): PacketAnalyzerName | null {
  const name = text
    .replace(/^PacketAnalyzer::/i, "")
    .replace(/^ANALYZER_/i, "")
    .toUpperCase();
  return NAMES.has(name) ? (name as PacketAnalyzerName) : null;
}

/** Whether a value of Analyzer::disabled_analyzers (or a name given to disableAnalyzerType) is a packet analyzer's tag. */
export function isPacketAnalyzerTag(text: string): boolean {
  return text.startsWith(PACKET_ANALYZER_MODULE);
}

/** The packet analyzers' tags among `tags` that bronze cannot switch off (for a warning: they stay on). */
export function unswitchablePacketAnalyzers(tags: Iterable<string>): string[] {
  return [...tags].filter((tag) => {
    const name = isPacketAnalyzerTag(tag) ? packetAnalyzerName(tag) : null;
    return name !== null && !SWITCHABLE_PACKET_ANALYZERS.has(name);
  });
}
