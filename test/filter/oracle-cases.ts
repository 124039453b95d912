/**
 * The traces and expressions of the tcpdump oracle test.
 *
 * Expressions may name facts of the trace they run on ($V4, $V6, $MAC,
 * $PORT, $VLAN, …) so that host/net/port tests select something; the facts
 * are read from tcpdump's own text output of the first packets, not decoded
 * by bronze.
 */
import { execFileSync } from "node:child_process";

/** Traces (relative to the corpus traces folder) chosen for link-type and content variety. */
export const ORACLE_TRACES = [
  "wikipedia.pcap", // Ethernet, IPv4 TCP/UDP/DNS/HTTP
  "ipv4/fragmented-3.pcap", // IPv4 fragments (port rule: first fragment only)
  "arp-leak.pcap", // ARP
  "communityid/icmp.pcap", // ICMP
  "communityid/icmp6.pcap", // ICMPv6
  "ftp/ipv6.pcap", // IPv6 TCP
  "ipv6-fragmented-dns.pcap", // IPv6 fragment headers
  "vlan-qinqinq.pcap", // stacked VLAN tags
  "mixed-vlan-mpls.pcap", // VLAN + MPLS
  "mpls-in-vlan.pcap", // MPLS inside VLAN
  "vlan-pcp-dei.pcapng", // pcapng, VLAN priority/DEI bits
  "pcapng-multi-interface.pcapng", // pcapng with several interfaces
  "tls/irc-starttls.pcap", // Linux SLL
  "tls/openjdk-25.0.2-zeek.org.pcap", // Linux SLL2
  "tunnels/socks.pcap", // BSD NULL loopback
  "rotation.pcap", // raw IP (101)
  "sip/sip-long-request-response-paths.pcap", // raw IPv4 (228)
  "icmp/icmp6-mldv2.pcap", // raw IPv6 (229)
  "tcp/truncated-header.pcap", // truncated packets (out-of-bounds loads)
  "ppp/quic-interop-retry.pcap", // PPP
  "var-services-std-ports.pcap", // many services on their standard ports
  "nmap-vsn.pcap", // a scan: many ports, many flags
  "dce-rpc/mapi.pcap", // mixed LAN traffic (ARP, IPv4/IPv6, multicast)
  "tunnels/Teredo.pcap", // IPv6 in UDP
  "icmp/icmp6-ping.pcap", // ICMPv6 echo
  "dhcp/dhcp.pcap", // broadcast
  "pppoe.pcap", // PPPoE session
  "pppoe-over-qinq.pcap", // PPPoE inside two VLAN tags
  "ipv6-hbh-routing0.pcap", // IPv6 hop-by-hop and routing headers
  "ipv6-mobility-dst-opts.pcap", // IPv6 destination options
  "ipv6_zero_len_ah.pcap", // IPv6 AH
  "ip6_esp.pcap", // IPv6 ESP
  "llc.pcap", // FDDI
  "dns-inverse-query.pcap", // FDDI, TCP
  "raw_packets.pcap", // Ethernet with some 802.3/LLC frames
  "igmp/multicast-igmp-version-membership-query-and-report.pcap", // IGMP, multicast, an LLC frame
];

/** Filter expressions; `$NAME` is replaced by a fact of the trace (see traceFacts). */
export const ORACLE_EXPRESSIONS = [
  // protocol keywords
  "ip",
  "ip6",
  "arp",
  "rarp",
  "tcp",
  "udp",
  "icmp",
  "icmp6",
  "sctp",
  "igmp",
  "not ip and not ip6",
  // hosts and networks
  "host $V4",
  "src host $V4",
  "dst host $V4",
  "host $V4 or 10.0.0.1",
  "ip host $V4",
  "arp host $V4",
  "src $V4",
  "net $NET16",
  "src net $NET16",
  "dst net $NET8 mask 255.0.0.0",
  "net $NET2",
  "net $OCTET",
  "host $V6",
  "ip6 net $V6NET",
  "src host $V6 or dst host $V6",
  "src and dst net $NET16",
  "arp src host $V4",
  "arp dst host $V4",
  "rarp host $V4",
  "ip and ether dst $MAC",
  "ether proto 0x0800 and ether[14] = 0x45",
  // ports
  "port $PORT",
  "src port $PORT",
  "dst port $PORT",
  "tcp port 80",
  "udp port 53",
  "port 80 or 443 or 53",
  "tcp port 80 or udp port 53",
  "portrange 1-1023",
  "tcp dst portrange 1024-65535",
  "udp src portrange 50-60",
  "not port 22",
  "src port not $PORT",
  "src port not $PORT or tcp[tcpflags] & (tcp-syn|tcp-fin|tcp-rst) != 0",
  "host not $V4 and tcp",
  "port not 80 and not 53",
  "host $V4 and not port 22",
  "tcp src or dst port $PORT",
  "port http or domain",
  // IP protocol numbers, ethertypes
  "ip6 protochain 6",
  "ip6 protochain 17",
  "protochain 58",
  "ip protochain 6",
  "protochain 50",
  "ip6 protochain 51",
  "ip proto 6",
  "ip proto \\udp",
  "ip6 proto 17",
  "proto \\tcp",
  "ip6 proto 58",
  "ether proto 0x0806",
  "ether proto \\ip6",
  "stp",
  "llc",
  "ether proto 0x42",
  "ether proto 0xaa or ether proto 0xe0",
  // Ethernet addresses
  "ether host $MAC",
  "ether src $MAC",
  "ether dst $MAC",
  "ether broadcast",
  "ether multicast",
  "broadcast",
  "ip multicast",
  "ip6 multicast",
  "ip broadcast",
  // VLAN and MPLS
  "vlan",
  "vlan $VLAN",
  "vlan and ip",
  "vlan and vlan and ip",
  "vlan $VLAN and tcp port 80",
  "not vlan",
  "vlan or arp",
  "ip or vlan and ip",
  "mpls",
  "mpls and ip",
  "vlan and mpls and tcp",
  "mpls 29 and ip",
  // PPPoE and direction
  "pppoes",
  "pppoes and ip",
  "pppoes and tcp port 80",
  "pppoed",
  "vlan and vlan and pppoes and udp",
  "pppoes $SESSION and ip",
  "pppoes and link[0:2] = 0x21",
  "inbound",
  "outbound",
  // lengths
  "less 100",
  "greater 1000",
  "len > 500 and len <= 1500",
  "len - 14 > 100",
  // byte offsets and arithmetic
  "tcp[13] & 2 != 0",
  "tcp[tcpflags] & (tcp-syn|tcp-fin) != 0",
  "tcp[tcpflags] & tcp-ack = 0",
  "ip[6:2] & 0x1fff = 0",
  "ip[6:2] & 0x1fff != 0",
  "ip[0] & 0xf > 5",
  "icmp[icmptype] = icmp-echo",
  "icmp[icmptype] != icmp-echo and icmp[icmptype] != icmp-echoreply",
  "icmp6[icmp6type] = icmp6-echo",
  "ip6[6] = 17",
  "udp[4:2] > 100",
  "tcp[((tcp[12] & 0xf0) >> 2):4] = 0x47455420",
  "ether[12:2] = 0x0800",
  "ip[8] * 2 + 1 > 100",
  "ip and ip[2:2] % 7 = 3",
  "ip[1] ^ 0xff = 0xff",
  "ip[9] = 6 or ip6[6] = 6",
  "udp port 53 and udp[10] & 0x80 != 0",
  "ether[0] & 1 = 0",
  "tcp[100] = 0 or udp",
  "link[0:4] / 3 > 10",
  // boolean structure
  "(tcp or udp) and not (port 80 or port 443)",
  "udp or icmp and src host $V4",
  "!tcp && (udp || icmp)",
  "not (ip and tcp) or arp",
  "tcp and not tcp[13] & 16 = 0",
];

export type TraceFacts = Record<string, string>;

const DEFAULT_FACTS: TraceFacts = {
  V4: "10.0.0.1",
  V6: "2001:db8::1",
  MAC: "00:00:00:00:00:01",
  PORT: "80",
  VLAN: "1",
};

/** Reads addresses, a port and a VLAN id from tcpdump's text output of the first packets. */
export function traceFacts(path: string): TraceFacts {
  let text = "";
  try {
    text = execFileSync("tcpdump", ["-nn", "-e", "-c", "300", "-r", path], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  } catch (e) {
    text = (e as { stdout?: string }).stdout ?? "";
  }
  const facts: TraceFacts = { ...DEFAULT_FACTS };
  const v4 = /(?:IP|ARP|Request who-has|tell) (\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})\b/.exec(text);
  if (v4) facts.V4 = v4[1]!;
  const v6 = /IP6 ([0-9a-f:]*:[0-9a-f:]*?)\.\d+ >|IP6 ([0-9a-f:]+:[0-9a-f:]+) >/.exec(text);
  if (v6) facts.V6 = (v6[1] ?? v6[2])!;
  const mac = /^\S+ ([0-9a-f]{2}(?::[0-9a-f]{2}){5}) >/m.exec(text);
  if (mac) facts.MAC = mac[1]!;
  const port = /\d\.(\d{1,5}) > \S+\.\d+: /.exec(text);
  if (port) facts.PORT = port[1]!;
  const vlan = /vlan (\d+)/.exec(text);
  if (vlan) facts.VLAN = vlan[1]!;
  const session = /PPPoE \[ses 0x([0-9a-f]+)\]/.exec(text);
  facts.SESSION = session ? String(parseInt(session[1]!, 16)) : "1";
  const o = facts.V4!.split(".");
  facts.NET16 = `${o[0]}.${o[1]}.0.0/16`;
  facts.NET8 = `${o[0]}.0.0.0`;
  facts.NET2 = `${o[0]}.${o[1]}`;
  facts.OCTET = o[0]!;
  facts.V6NET = v6PrefixOf(facts.V6!);
  return facts;
}

/** The /32 network of an IPv6 address, written with its first two groups. */
function v6PrefixOf(addr: string): string {
  const head = addr
    .split("::")[0]!
    .split(":")
    .filter((g) => g !== "");
  return `${head[0] ?? "0"}:${head[1] ?? "0"}::/32`;
}

export function instantiate(expression: string, facts: TraceFacts): string {
  return expression.replace(/\$([A-Z0-9]+)/g, (_, name: string) => facts[name] ?? `$${name}`);
}

/** Traces the generated expressions run on: the richest mixes, plus SLL and NULL. */
export const FUZZ_TRACES = [
  "wikipedia.pcap",
  "nmap-vsn.pcap",
  "dce-rpc/mapi.pcap",
  "mixed-vlan-mpls.pcap",
  "tunnels/Teredo.pcap",
  "var-services-std-ports.pcap",
  "tls/irc-starttls.pcap",
  "tunnels/socks.pcap",
  "vlan-pcp-dei.pcapng",
];

/** Building blocks of the generated expressions. */
const FUZZ_ATOMS = [
  "tcp",
  "udp",
  "icmp",
  "icmp6",
  "ip",
  "ip6",
  "arp",
  "vlan",
  "mpls",
  "port 53",
  "port 80",
  "tcp port 443",
  "src port $PORT",
  "dst port $PORT or 22",
  "host $V4",
  "src or dst host $V4",
  "net $NET16",
  "dst net $NET8/8",
  "len > 200",
  "less 80",
  "greater 500",
  "tcp[13] & 18 = 18",
  "ip[8] < 64",
  "ether multicast",
  "ip6 multicast",
  "udp[8:2] > 1000",
  "ip proto 17",
  "portrange 1000-3000",
  "ip[6:2] & 0x1fff != 0",
  "ether src $MAC",
  "ip6 host $V6",
  "vlan $VLAN",
  "tcp[tcpflags] & tcp-fin != 0",
  "ip[2:2] - 20 > 100",
  "ip6[4:2] < 100",
];

/**
 * `count` filter expressions built from FUZZ_ATOMS with and/or/not and
 * parentheses, from a fixed seed (the same list on every run, so tcpdump's
 * cached answers stay valid).
 */
export function generatedExpressions(count: number, seed = 0x5eed): string[] {
  let state = seed >>> 0;
  const rand = (n: number): number => {
    // xorshift32: tiny, deterministic, good enough to mix choices.
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state % n;
  };
  const term = (depth: number): string => {
    const roll = rand(10);
    if (depth > 0 && roll < (depth >= 2 ? 8 : 4)) {
      const joiner = ["and", "or", "&&", "||"][rand(4)];
      const inner = `${term(depth - 1)} ${joiner} ${term(depth - 1)}`;
      return rand(2) === 0 ? `(${inner})` : inner;
    }
    const atom = FUZZ_ATOMS[rand(FUZZ_ATOMS.length)]!;
    return roll === 9 ? `not ${atom.includes(" ") ? `(${atom})` : atom}` : atom;
  };
  const out: string[] = [];
  while (out.length < count) {
    const e = term(3);
    if (!out.includes(e)) out.push(e);
  }
  return out;
}
