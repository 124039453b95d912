/**
 * The syntax tree of a capture filter, as the parser builds it and the code
 * generator reads it. Every node is a plain object; `pos` is the character
 * offset of the node's first token in the expression (for error messages).
 *
 * `Encap` records, per primitive, how many `vlan` and `mpls` primitives came
 * before it in the text. That is libpcap's rule: `vlan` moves the network
 * header 4 bytes further for everything written after it, whatever the
 * and/or structure (so `vlan and ip` looks for IPv4 inside the tag). `mpls`
 * and `pppoes` shift the same way.
 */

export interface Encap {
  /** Number of `vlan` primitives written before this one (each adds 4 bytes). */
  readonly vlans: number;
  /** Number of `mpls` primitives written before this one (each adds 4 bytes). */
  readonly mpls: number;
  /** A `pppoes` came before: the link protocol is the PPP field after the PPPoE header. */
  readonly pppoe: boolean;
}

/** Which of source/destination an address or port qualifier looks at. */
export type Direction = "src" | "dst" | "src or dst" | "src and dst";

/** Network-layer protocol a host/net test applies to. */
export type AddressProto = "default" | "ip" | "ip6" | "arp" | "rarp";

/** Transport protocol a port test applies to ("default" = tcp, udp or sctp). */
export type PortProto = "default" | "tcp" | "udp" | "sctp";

/** A protocol keyword used alone as a primitive (`tcp`, `ip6`, `arp`…). */
export type ProtoName = "ip" | "ip6" | "arp" | "rarp" | "tcp" | "udp" | "sctp" | "icmp" | "icmp6" | "igmp" | "pim" | "vrrp" | "carp" | "ah" | "esp" | "llc";

/** Protocol a byte-offset load `proto[index:size]` is relative to. */
export type LoadProto = "link" | "ip" | "ip6" | "arp" | "rarp" | "tcp" | "udp" | "sctp" | "icmp" | "icmp6" | "igmp" | "pim" | "vrrp" | "carp";

export type Filter = Not | Binary | Primitive | Relation;

export interface Not {
  readonly kind: "not";
  readonly pos: number;
  readonly operand: Filter;
}
export interface Binary {
  readonly kind: "and" | "or";
  readonly pos: number;
  readonly left: Filter;
  readonly right: Filter;
}

export type Primitive =
  | HostV4
  | HostV6
  | EtherHost
  | Port
  | ProtoAbbrev
  | IpProto
  | ProtoChain
  | EtherProto
  | Broadcast
  | Multicast
  | Vlan
  | Mpls
  | Pppoe
  | TrafficDirection
  | LengthCompare;

interface Base {
  readonly pos: number;
  readonly encap: Encap;
}

/** `[src|dst] host|net ADDR[/len | mask M]` for IPv4 (also matches ARP/RARP by default). */
export interface HostV4 extends Base {
  readonly kind: "host4";
  readonly proto: AddressProto;
  readonly dir: Direction;
  readonly addr: number;
  readonly mask: number;
}

/** `[src|dst] host|net V6ADDR[/len]`. */
export interface HostV6 extends Base {
  readonly kind: "host6";
  readonly dir: Direction;
  /** Address as four big-endian 32-bit words. */
  readonly words: readonly number[];
  /** Mask as four 32-bit words. */
  readonly mask: readonly number[];
}

/** `ether [src|dst] host MAC`. */
export interface EtherHost extends Base {
  readonly kind: "etherhost";
  readonly dir: Direction;
  readonly mac: readonly number[];
}

/** `[tcp|udp|sctp] [src|dst] port N` and `portrange LO-HI`. */
export interface Port extends Base {
  readonly kind: "port";
  readonly proto: PortProto;
  readonly dir: Direction;
  readonly lo: number;
  readonly hi: number;
}

/** A protocol keyword alone: `tcp`, `ip6`, `arp`, `icmp`… */
export interface ProtoAbbrev extends Base {
  readonly kind: "proto";
  readonly name: ProtoName;
}

/** `ip proto N`, `ip6 proto N`, `proto N` (family "default" = either). */
export interface IpProto extends Base {
  readonly kind: "ipproto";
  readonly family: "ip" | "ip6" | "default";
  readonly proto: number;
}

/** `[ip|ip6] protochain N`: N anywhere in the header chain (libpcap's walk). */
export interface ProtoChain extends Base {
  readonly kind: "protochain";
  readonly family: "ip" | "ip6" | "default";
  readonly proto: number;
}

/** `ether proto N`. */
export interface EtherProto extends Base {
  readonly kind: "etherproto";
  readonly ethertype: number;
}

/** `ether broadcast`, `ip broadcast`. */
export interface Broadcast extends Base {
  readonly kind: "broadcast";
  readonly proto: "ether" | "ip";
}

/** `ether multicast`, `ip multicast`, `ip6 multicast`. */
export interface Multicast extends Base {
  readonly kind: "multicast";
  readonly proto: "ether" | "ip" | "ip6";
}

/** `vlan [ID]`: a tag here; moves later primitives 4 bytes in. */
export interface Vlan extends Base {
  readonly kind: "vlan";
  readonly id: number | null;
}

/** `mpls [LABEL]`: a label here; moves later network-layer primitives 4 bytes in. */
export interface Mpls extends Base {
  readonly kind: "mpls";
  readonly label: number | null;
}

/** `pppoes [SESSION]` (session stage; shifts later primitives) or `pppoed` (discovery stage). */
export interface Pppoe extends Base {
  readonly kind: "pppoe";
  readonly stage: "session" | "discovery";
  readonly session: number | null;
}

/** `inbound` / `outbound`: the packet direction a Linux cooked capture records. */
export interface TrafficDirection extends Base {
  readonly kind: "direction";
  readonly outbound: boolean;
}

/** `less N` / `greater N`. */
export interface LengthCompare extends Base {
  readonly kind: "length";
  readonly op: "<=" | ">=";
  readonly value: number;
}

/** `arith relop arith`, e.g. `tcp[13] & 2 != 0`. */
export interface Relation {
  readonly kind: "relation";
  readonly pos: number;
  readonly op: RelOp;
  readonly left: Arith;
  readonly right: Arith;
}

export type RelOp = "=" | "!=" | "<" | "<=" | ">" | ">=";
export type ArithOp = "+" | "-" | "*" | "/" | "%" | "&" | "|" | "^" | "<<" | ">>";

export type Arith = NumberLit | PacketLength | Load | ArithBinary | Negate;

export interface NumberLit {
  readonly kind: "num";
  readonly value: number;
}
export interface PacketLength {
  readonly kind: "len";
}
export interface Load {
  readonly kind: "load";
  readonly pos: number;
  readonly proto: LoadProto;
  readonly index: Arith;
  readonly size: 1 | 2 | 4;
  readonly encap: Encap;
}
export interface ArithBinary {
  readonly kind: "arith";
  readonly op: ArithOp;
  readonly left: Arith;
  readonly right: Arith;
}
export interface Negate {
  readonly kind: "neg";
  readonly operand: Arith;
}
