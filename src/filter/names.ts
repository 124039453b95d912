/**
 * Named numbers of the pcap-filter language: protocol numbers, ethertypes,
 * link types, and the constants usable in byte-offset expressions
 * (`tcp[tcpflags] & tcp-syn`, `icmp[icmptype] = icmp-echo`).
 */
import {
  IPPROTO_AH,
  IPPROTO_ESP,
  IPPROTO_FRAGMENT,
  IPPROTO_ICMP,
  IPPROTO_ICMPV6,
  IPPROTO_IGMP,
  IPPROTO_PIM,
  IPPROTO_SCTP,
  IPPROTO_TCP,
  IPPROTO_UDP,
  IPPROTO_VRRP,
} from "../packet/ip-protocols.js";

// Ethertypes (IEEE 802 numbers, as used by libpcap's `ether proto` names).
export const ETHERTYPE_IP = 0x0800;
export const ETHERTYPE_ARP = 0x0806;
export const ETHERTYPE_REVARP = 0x8035;
export const ETHERTYPE_IPV6 = 0x86dd;
export const ETHERTYPE_VLAN = 0x8100;
export const ETHERTYPE_QINQ_8021AD = 0x88a8;
export const ETHERTYPE_QINQ_9100 = 0x9100;
export const ETHERTYPE_MPLS = 0x8847;
export const ETHERTYPE_MPLS_MULTI = 0x8848;
export const ETHERTYPE_PPPOE_DISCOVERY = 0x8863;
export const ETHERTYPE_PPPOE_SESSION = 0x8864;
export const ETHERTYPE_ATALK = 0x809b;
export const ETHERTYPE_AARP = 0x80f3;
export const ETHERTYPE_DECNET = 0x6003;
export const ETHERTYPE_LAT = 0x6004;
export const ETHERTYPE_SCA = 0x6007;
export const ETHERTYPE_MOPDL = 0x6001;
export const ETHERTYPE_MOPRC = 0x6002;
export const ETHERTYPE_IPX = 0x8137;

/** Largest 802.3 length field: type values up to this are lengths, and the frame carries LLC. */
export const ETHERMTU = 1500;
/** 802.2 LLC service access point of the spanning tree protocol (`stp`). */
export const LLCSAP_SPANNING_TREE = 0x42;
/** Novell "raw" 802.3 frames start their payload with 0xffff (`llc` excludes them). */
export const NOVELL_RAW_802_3 = 0xffff;
/** Linux cooked capture protocol value for an 802.2 LLC frame. */
export const LINUX_SLL_P_802_2 = 4;

/** The tag protocol identifiers libpcap's `vlan` accepts. */
export const VLAN_TPIDS = [ETHERTYPE_VLAN, ETHERTYPE_QINQ_8021AD, ETHERTYPE_QINQ_9100] as const;

// IP protocol numbers (IANA).
export const IPPROTO_IPV6_FRAGMENT = IPPROTO_FRAGMENT;

/** `ip proto NAME` / `proto \NAME` */
export const IP_PROTOCOL_NAMES: ReadonlyMap<string, number> = new Map([
  ["icmp", IPPROTO_ICMP],
  ["igmp", IPPROTO_IGMP],
  ["tcp", IPPROTO_TCP],
  ["udp", IPPROTO_UDP],
  ["esp", IPPROTO_ESP],
  ["ah", IPPROTO_AH],
  ["icmp6", IPPROTO_ICMPV6],
  ["pim", IPPROTO_PIM],
  ["vrrp", IPPROTO_VRRP],
  ["carp", IPPROTO_VRRP],
  ["sctp", IPPROTO_SCTP],
]);

/** `ether proto NAME` */
export const ETHER_PROTOCOL_NAMES: ReadonlyMap<string, number> = new Map([
  ["ip", ETHERTYPE_IP],
  ["ip6", ETHERTYPE_IPV6],
  ["arp", ETHERTYPE_ARP],
  ["rarp", ETHERTYPE_REVARP],
  ["atalk", ETHERTYPE_ATALK],
  ["aarp", ETHERTYPE_AARP],
  ["decnet", ETHERTYPE_DECNET],
  ["lat", ETHERTYPE_LAT],
  ["sca", ETHERTYPE_SCA],
  ["mopdl", ETHERTYPE_MOPDL],
  ["moprc", ETHERTYPE_MOPRC],
  ["ipx", ETHERTYPE_IPX],
]);

/** Constants usable in arithmetic (pcap-filter(7) "byte offset" names). */
export const ARITH_CONSTANTS: ReadonlyMap<string, number> = new Map([
  ["tcpflags", 13],
  ["tcp-fin", 0x01],
  ["tcp-syn", 0x02],
  ["tcp-rst", 0x04],
  ["tcp-push", 0x08],
  ["tcp-ack", 0x10],
  ["tcp-urg", 0x20],
  ["tcp-ece", 0x40],
  ["tcp-cwr", 0x80],
  ["icmptype", 0],
  ["icmpcode", 1],
  ["icmp-echoreply", 0],
  ["icmp-unreach", 3],
  ["icmp-sourcequench", 4],
  ["icmp-redirect", 5],
  ["icmp-echo", 8],
  ["icmp-routeradvert", 9],
  ["icmp-routersolicit", 10],
  ["icmp-timxceed", 11],
  ["icmp-paramprob", 12],
  ["icmp-tstamp", 13],
  ["icmp-tstampreply", 14],
  ["icmp-ireq", 15],
  ["icmp-ireqreply", 16],
  ["icmp-maskreq", 17],
  ["icmp-maskreply", 18],
  ["icmp6type", 0],
  ["icmp6code", 1],
  ["icmp6-destinationunreach", 1],
  ["icmp6-packettoobig", 2],
  ["icmp6-timeexceeded", 3],
  ["icmp6-parameterproblem", 4],
  ["icmp6-echo", 128],
  ["icmp6-echoreply", 129],
  ["icmp6-multicastlistenerquery", 130],
  ["icmp6-multicastlistenerreportv1", 131],
  ["icmp6-multicastlistenerdone", 132],
  ["icmp6-routersolicit", 133],
  ["icmp6-routeradvert", 134],
  ["icmp6-neighborsolicit", 135],
  ["icmp6-neighboradvert", 136],
  ["icmp6-redirect", 137],
  ["icmp6-routerrenum", 138],
  ["icmp6-nodeinformationquery", 139],
  ["icmp6-nodeinformationresponse", 140],
  ["icmp6-ineighbordiscoverysolicit", 141],
  ["icmp6-ineighbordiscoveryadvert", 142],
  ["icmp6-multicastlistenerreportv2", 143],
  ["icmp6-homeagentdiscoveryrequest", 144],
  ["icmp6-homeagentdiscoveryreply", 145],
  ["icmp6-mobileprefixsolicit", 146],
  ["icmp6-mobileprefixadvert", 147],
  ["icmp6-certpathsolicit", 148],
  ["icmp6-certpathadvert", 149],
  ["icmp6-multicastrouteradvert", 151],
  ["icmp6-multicastroutersolicit", 152],
  ["icmp6-multicastrouterterm", 153],
]);

/**
 * Service names for `port NAME`. tcpdump asks /etc/services; bronze carries
 * the common ones so a filter means the same on every machine.
 */
export const SERVICE_PORTS: ReadonlyMap<string, number> = new Map([
  ["ftp-data", 20],
  ["ftp", 21],
  ["ssh", 22],
  ["telnet", 23],
  ["smtp", 25],
  ["domain", 53],
  ["bootps", 67],
  ["bootpc", 68],
  ["tftp", 69],
  ["http", 80],
  ["www", 80],
  ["kerberos", 88],
  ["pop3", 110],
  ["sunrpc", 111],
  ["auth", 113],
  ["ntp", 123],
  ["netbios-ns", 137],
  ["netbios-dgm", 138],
  ["netbios-ssn", 139],
  ["imap", 143],
  ["imap2", 143],
  ["snmp", 161],
  ["snmp-trap", 162],
  ["bgp", 179],
  ["irc", 194],
  ["ldap", 389],
  ["https", 443],
  ["microsoft-ds", 445],
  ["syslog", 514],
  ["submission", 587],
  ["ldaps", 636],
  ["imaps", 993],
  ["pop3s", 995],
  ["mysql", 3306],
  ["sip", 5060],
  ["redis", 6379],
]);
