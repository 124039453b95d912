/**
 * Code generator: turns a filter tree into the source of a JavaScript function
 * specialised for one link type, run through `new Function` once.
 *
 * Why generated source rather than a tree of closures: the result is one
 * straight-line boolean expression with constant offsets (as libpcap's BPF
 * has), which V8 compiles to tight machine code; a closure tree pays an
 * indirect call per node. Evaluation allocates nothing: the packet bytes are
 * read by index with bounds checks inlined on the function's locals.
 *
 * BPF semantics kept on purpose:
 *  - arithmetic is unsigned 32-bit (`>>> 0` after every operation);
 *  - a load beyond the captured length rejects the WHOLE packet, whatever
 *    the surrounding and/or/not (BPF aborts the program and returns 0). A
 *    failed load sets a `bad` flag instead of aborting; the final result is
 *    `result && !bad`. Evaluation order follows the text with short-circuit
 *    and/or, so a load happens exactly when unoptimised BPF would do it;
 *  - a run-time division by zero rejects the packet the same way.
 */
import {
  IPPROTO_AH,
  IPPROTO_ESP,
  IPPROTO_ICMP,
  IPPROTO_ICMPV6,
  IPPROTO_IGMP,
  IPPROTO_PIM,
  IPPROTO_SCTP,
  IPPROTO_TCP,
  IPPROTO_UDP,
  IPPROTO_VRRP,
} from "../packet/ip-protocols.js";
import type { Arith, Direction, Encap, Filter, LoadProto, Primitive, Relation } from "./ast.js";
import { FilterSyntaxError } from "./errors.js";
import { AF_INET, AF_INET6_VALUES, type LinkLayout, PPP_IP, PPP_IPV6 } from "./link-layout.js";
import {
  ETHERMTU,
  ETHERTYPE_ARP,
  ETHERTYPE_IP,
  ETHERTYPE_IPV6,
  ETHERTYPE_MPLS,
  ETHERTYPE_PPPOE_DISCOVERY,
  ETHERTYPE_PPPOE_SESSION,
  ETHERTYPE_REVARP,
  IPPROTO_IPV6_FRAGMENT,
  LINUX_SLL_P_802_2,
  NOVELL_RAW_802_3,
  VLAN_TPIDS,
} from "./names.js";

const TRUE = "true";
const FALSE = "false";
const hex = (n: number): string => `0x${(n >>> 0).toString(16)}`;

/** IPv4 header: flags + fragment offset field, and the 13-bit offset mask. */
const IPV4_FRAG_FIELD = 6;
const IPV4_FRAG_OFFSET_MASK = 0x1fff;
const IPV4_PROTOCOL = 9;
const IPV4_SRC = 12;
const IPV4_DST = 16;
const IPV6_NEXT_HEADER = 6;
const IPV6_SRC = 8;
const IPV6_DST = 24;
const IPV6_HEADER_LENGTH = 40;
/** ARP (Ethernet/IPv4 form): sender and target protocol addresses. */
const ARP_SPA = 14;
const ARP_TPA = 24;
const IP_MULTICAST_FIRST_BYTE = 224;
/** PPPoE (RFC 2516): 6-byte header, session id at offset 2; then the 2-byte PPP protocol. */
const PPPOE_HEADER_LENGTH = 6;
const PPPOE_SESSION_ID = 2;
const PPP_PROTOCOL_LENGTH = 2;
/** Linux cooked capture packet type of a packet the capturing host sent. */
const LINUX_SLL_OUTGOING = 4;
const TRANSPORT_PROTOS: Readonly<Record<string, number>> = {
  tcp: IPPROTO_TCP,
  udp: IPPROTO_UDP,
  sctp: IPPROTO_SCTP,
  icmp: IPPROTO_ICMP,
  igmp: IPPROTO_IGMP,
  pim: IPPROTO_PIM,
  vrrp: IPPROTO_VRRP,
  carp: IPPROTO_VRRP,
};

/**
 * libpcap's protochain walk, as its BPF program does it (tcpdump is the
 * oracle): from the first next-header value, skip IPv6 extension headers
 * (hop-by-hop, destination options, routing, fragment: (len + 1) × 8 bytes)
 * and AH, until the value is `proto` (match) or anything else (no match).
 * After AH libpcap's program sets the offset to the AH length alone instead
 * of adding it; kept, since the point is to select what tcpdump selects.
 * Returns 1 (match), 0 (no match) or 2 (a load beyond the capture).
 * Bounded: libpcap's loop can spin on a crafted AH chain; this one gives up.
 */
const PROTOCHAIN_RUNTIME = `
function chain(d, o, e, nl, next, x, proto, v6) {
  for (let n = 0; n < 64; n++) {
    if (next === proto) return 1;
    if (next === 59) return 0;
    const at = o + nl + x;
    if (at + 1 >= e) return 2;
    if (v6 && (next === 0 || next === 60 || next === 43 || next === 44)) {
      x += (d[at + 1] + 1) * 8;
      next = d[at];
    } else if (next === 51) {
      x = (d[at + 1] + 2) * 4;
      next = d[at];
    } else {
      return 0;
    }
  }
  return 0;
}
`;

/**
 * Helpers the generated code may call: only the rare operations (division,
 * modulo, variable shifts, ranges, protochain). Loads are inlined (u8/u16/u32 below),
 * so the hot path touches only the function's own locals.
 */
const RUNTIME = `
"use strict";
var divZero = 0;
function div(a, b) { if (b === 0) { divZero = 1; return 0; } return Math.floor(a / b); }
function mod(a, b) { if (b === 0) { divZero = 1; return 0; } return a % b; }
function shl(a, b) { return b > 31 ? 0 : (a << b) >>> 0; }
function shr(a, b) { return b > 31 ? 0 : a >>> b; }
function within(v, lo, hi) { return v >= lo && v <= hi; }
function oneOf(v, a, b, c) { return v === a || v === b || v === c; }
${PROTOCHAIN_RUNTIME}`;

/** Generates the body of `new Function(body)` for one link type. */
export function generateFilterSource(filter: Filter | null, layout: LinkLayout, expression: string): string {
  const expr = filter === null ? TRUE : new Generator(layout, expression).filter(filter);
  // Division by zero is flagged outside the function (in a helper); reset and test it only when used.
  const divides = /\b(div|mod)\(/.test(expr);
  return `${RUNTIME}
// link type: ${layout.name}
return function bronzeFilter(raw) {
  const d = raw.data, o = raw.offset, e = o + raw.caplen, w = raw.wirelen;
  let i = 0, bad = 0, c = 0;${divides ? "\n  divZero = 0;" : ""}
  const r = ${expr};
  return r && bad === 0${divides ? " && divZero === 0" : ""};
};`;
}

/*
 * Inlined bounds-checked big-endian loads at packet offset X. `i` is a scratch
 * local: a nested load inside X finishes before the outer one assigns it.
 */
function u8(x: string): string {
  return `((i = o + ${x}) < e ? d[i] : (bad = 1, 0))`;
}
function u16(x: string): string {
  return `((i = o + ${x}) + 1 < e ? (d[i] << 8) | d[i + 1] : (bad = 1, 0))`;
}
function u32(x: string): string {
  return `((i = o + ${x}) + 3 < e ? ((d[i] << 24) | (d[i + 1] << 16) | (d[i + 2] << 8) | d[i + 3]) >>> 0 : (bad = 1, 0))`;
}

function and(...parts: string[]): string {
  const kept: string[] = [];
  for (const p of parts) {
    if (p === FALSE) return kept.length === 0 ? FALSE : `(${kept.join(" && ")}, false)`;
    if (p !== TRUE) kept.push(p);
  }
  return kept.length === 0 ? TRUE : kept.length === 1 ? kept[0]! : `(${kept.join(" && ")})`;
}

function or(...parts: string[]): string {
  const kept: string[] = [];
  for (const p of parts) {
    if (p === TRUE && kept.length === 0) return TRUE; // nothing before it could load
    if (p !== FALSE) kept.push(p);
  }
  return kept.length === 0 ? FALSE : kept.length === 1 ? kept[0]! : `(${kept.join(" || ")})`;
}

function not(p: string): string {
  if (p === TRUE) return FALSE;
  if (p === FALSE) return TRUE;
  return `!(${p})`;
}

class Generator {
  constructor(
    private readonly link: LinkLayout,
    private readonly expression: string,
  ) {}

  filter(f: Filter): string {
    switch (f.kind) {
      case "and":
        return and(this.filter(f.left), this.filter(f.right));
      case "or":
        return or(this.filter(f.left), this.filter(f.right));
      case "not":
        return not(this.filter(f.operand));
      case "relation":
        return this.relation(f);
      default:
        return this.primitive(f);
    }
  }

  // ------------------------------------------------------------ offsets

  /** Offset of the (possibly VLAN-shifted) ethertype field. */
  private typeOffset(encap: Encap): number {
    return this.link.typeOffset + 4 * encap.vlans;
  }

  /** Offset of the network header after the VLAN tags, MPLS labels and PPPoE header before this primitive. */
  private nl(encap: Encap): number {
    return this.link.networkOffset + 4 * (encap.vlans + encap.mpls) + (encap.pppoe ? PPPOE_HEADER_LENGTH + PPP_PROTOCOL_LENGTH : 0);
  }

  /** After `pppoes`: offset of the PPP header (its protocol field), which libpcap then treats as the link header. */
  private pppoePayload(encap: Encap): number {
    return this.link.networkOffset + 4 * encap.vlans + PPPOE_HEADER_LENGTH;
  }

  /** Offset of the IPv4 payload: network offset plus 4 × IHL, as BPF's `ldxb 4*([nl]&0xf)`. */
  private ipv4Payload(encap: Encap): string {
    const nl = this.nl(encap);
    return `(${nl} + ((${u8(String(nl))} & 15) << 2))`;
  }

  // ------------------------------------------------------------ link-layer protocol

  /** Does the link layer (or MPLS bottom label) announce this ethertype? */
  private linkProto(ethertype: number, encap: Encap): string {
    const nl = this.nl(encap);
    if (encap.mpls > 0) {
      // Inside MPLS only IP can be recognised: bottom-of-stack set on the last label, then the version nibble.
      const version = ethertype === ETHERTYPE_IP ? 0x40 : ethertype === ETHERTYPE_IPV6 ? 0x60 : -1;
      if (version < 0) return FALSE;
      return and(`(${u8(String(nl - 2))} & 1) === 1`, `(${u8(String(nl))} & 0xf0) === ${hex(version)}`);
    }
    const L = this.link;
    if (encap.pppoe) {
      if (L.kind !== "ethertype") return FALSE;
      return `${u16(String(this.pppoePayload(encap)))} === ${hex(pppProtocol(ethertype))}`;
    }
    switch (L.kind) {
      case "ethertype": {
        if (encap.vlans > 0 && !L.ethernetFraming) return FALSE;
        const t = this.typeOffset(encap);
        if (ethertype <= ETHERMTU) {
          // Not an ethertype but an 802.2 SAP: libpcap compares the DSAP of an LLC frame.
          const dsap = (at: number) => `${u8(String(at))} === ${hex(ethertype)}`;
          if (L.llc === "length-field") return and(`${u16(String(t))} <= ${ETHERMTU}`, dsap(t + 2));
          if (L.llc === "sll") return and(`${u16(String(t))} === ${LINUX_SLL_P_802_2}`, dsap(L.llcOffset));
          if (L.llc === "dsap") return dsap(L.llcOffset);
        }
        return `${u16(String(t))} === ${hex(ethertype)}`;
      }
      case "ppp":
        return `${u16(String(L.typeOffset))} === ${hex(pppProtocol(ethertype))}`;
      case "af-either-order":
      case "af-big-endian": {
        const families = ethertype === ETHERTYPE_IP ? [AF_INET] : ethertype === ETHERTYPE_IPV6 ? [...AF_INET6_VALUES] : [];
        const values: number[] = [];
        for (const f of families) {
          values.push(f);
          if (L.kind === "af-either-order") values.push(byteSwap32(f));
        }
        return or(...values.map((v) => `${u32(String(L.typeOffset))} === ${hex(v)}`));
      }
      case "ip-version": {
        const version = ethertype === ETHERTYPE_IP ? 0x40 : ethertype === ETHERTYPE_IPV6 ? 0x60 : -1;
        return version < 0 ? FALSE : `(${u8(String(L.networkOffset))} & 0xf0) === ${hex(version)}`;
      }
      case "ipv4-only":
        return ethertype === ETHERTYPE_IP ? TRUE : FALSE;
      case "ipv6-only":
        return ethertype === ETHERTYPE_IPV6 ? TRUE : FALSE;
      case "none":
        return FALSE;
    }
  }

  // ------------------------------------------------------------ primitives

  private primitive(p: Primitive): string {
    const e = p.encap;
    const nl = this.nl(e);
    switch (p.kind) {
      case "host4": {
        const ip = () =>
          and(
            this.linkProto(ETHERTYPE_IP, e),
            this.direction(p.dir, this.masked32(nl + IPV4_SRC, p.addr, p.mask), this.masked32(nl + IPV4_DST, p.addr, p.mask)),
          );
        const arp = (type: number) =>
          and(this.linkProto(type, e), this.direction(p.dir, this.masked32(nl + ARP_SPA, p.addr, p.mask), this.masked32(nl + ARP_TPA, p.addr, p.mask)));
        if (p.proto === "ip") return ip();
        if (p.proto === "arp") return arp(ETHERTYPE_ARP);
        if (p.proto === "rarp") return arp(ETHERTYPE_REVARP);
        return or(ip(), arp(ETHERTYPE_ARP), arp(ETHERTYPE_REVARP));
      }
      case "host6":
        return and(
          this.linkProto(ETHERTYPE_IPV6, e),
          this.direction(p.dir, this.masked128(nl + IPV6_SRC, p.words, p.mask), this.masked128(nl + IPV6_DST, p.words, p.mask)),
        );
      case "etherhost": {
        const dst = this.link.macOffset;
        if (dst < 0) return FALSE;
        const macAt = (off: number) =>
          and(`${u32(String(off))} === ${hex(word32(p.mac, 0))}`, `${u16(String(off + 4))} === ${hex((p.mac[4]! << 8) | p.mac[5]!)}`);
        return this.direction(p.dir, macAt(dst + 6), macAt(dst));
      }
      case "port":
        return this.port(p.proto, p.dir, p.lo, p.hi, e);
      case "proto":
        return this.protoAbbrev(p.name, e);
      case "ipproto":
        if (p.family === "ip") return this.ipv4Proto(p.proto, e);
        if (p.family === "ip6") return this.ipv6Proto(p.proto, e);
        return or(this.ipv4Proto(p.proto, e), this.ipv6Proto(p.proto, e));
      case "protochain": {
        const v4 = () => and(this.linkProto(ETHERTYPE_IP, e), walk(u8(String(nl + IPV4_PROTOCOL)), `((${u8(String(nl))} & 15) << 2)`, false));
        const v6 = () => and(this.linkProto(ETHERTYPE_IPV6, e), walk(u8(String(nl + IPV6_NEXT_HEADER)), String(IPV6_HEADER_LENGTH), true));
        const walk = (first: string, offset: string, isV6: boolean) =>
          `((c = chain(d, o, e, ${nl}, ${first}, ${offset}, ${p.proto}, ${isV6})) === 2 ? (bad = 1, false) : c === 1)`;
        if (p.family === "ip") return v4();
        if (p.family === "ip6") return v6();
        return or(v4(), v6());
      }
      case "etherproto":
        return this.linkProto(p.ethertype, e);
      case "broadcast":
        if (p.proto === "ip") {
          // Offline the netmask is unknown (0): libpcap then takes all-zeros or all-ones destinations.
          return and(this.linkProto(ETHERTYPE_IP, e), or(`${u32(String(nl + IPV4_DST))} === 0`, `${u32(String(nl + IPV4_DST))} === 0xffffffff`));
        }
        if (this.link.macOffset < 0) return FALSE;
        return and(`${u32(String(this.link.macOffset + 2))} === 0xffffffff`, `${u16(String(this.link.macOffset))} === 0xffff`);
      case "multicast":
        if (p.proto === "ip") return and(this.linkProto(ETHERTYPE_IP, e), `${u8(String(nl + IPV4_DST))} >= ${IP_MULTICAST_FIRST_BYTE}`);
        if (p.proto === "ip6") return and(this.linkProto(ETHERTYPE_IPV6, e), `${u8(String(nl + IPV6_DST))} === 0xff`);
        if (this.link.macOffset < 0) return FALSE;
        return `(${u8(String(this.link.macOffset))} & 1) !== 0`;
      case "vlan": {
        if (!this.link.ethernetFraming) return FALSE;
        const t = this.typeOffset(e);
        const [a, b, c] = VLAN_TPIDS;
        const tag = `oneOf(${u16(String(t))}, ${hex(a)}, ${hex(b)}, ${hex(c)})`;
        return p.id === null ? tag : and(tag, `(${u16(String(t + 2))} & 0xfff) === ${p.id}`);
      }
      case "mpls": {
        if (!this.link.ethernetFraming) return FALSE;
        // The first label follows the ethertype; a further one requires the previous label not to be bottom-of-stack.
        const here = e.mpls === 0 ? `${u16(String(this.typeOffset(e)))} === ${hex(ETHERTYPE_MPLS)}` : `(${u8(String(nl - 2))} & 1) === 0`;
        return p.label === null ? here : and(here, `(${u32(String(nl))} >>> 12) === ${p.label}`);
      }
      case "pppoe": {
        if (this.link.kind !== "ethertype") return FALSE;
        if (p.stage === "discovery") return this.linkProto(ETHERTYPE_PPPOE_DISCOVERY, e);
        const here = this.linkProto(ETHERTYPE_PPPOE_SESSION, e);
        return p.session === null ? here : and(here, `${u16(String(nl + PPPOE_SESSION_ID))} === ${p.session}`);
      }
      case "direction": {
        // Only Linux cooked captures record the direction (packet type 4 = sent by this host).
        const type =
          this.link.packetTypeOffset < 0
            ? null
            : this.link.packetTypeSize === 2
              ? u16(String(this.link.packetTypeOffset))
              : u8(String(this.link.packetTypeOffset));
        if (type === null) return FALSE;
        return `${type} ${p.outbound ? "===" : "!=="} ${LINUX_SLL_OUTGOING}`;
      }
      case "length":
        return `w ${p.op} ${p.value}`;
    }
  }

  private direction(dir: Direction, src: string, dst: string): string {
    switch (dir) {
      case "src":
        return src;
      case "dst":
        return dst;
      case "src or dst":
        return or(src, dst);
      case "src and dst":
        return and(src, dst);
    }
  }

  private masked32(offset: number, value: number, mask: number): string {
    if (mask === 0) return TRUE;
    if (mask === 0xffffffff) return `${u32(String(offset))} === ${hex(value)}`;
    return `((${u32(String(offset))} & ${hex(mask)}) >>> 0) === ${hex(value & mask)}`;
  }

  private masked128(offset: number, words: readonly number[], mask: readonly number[]): string {
    return and(...words.map((w, i) => this.masked32(offset + 4 * i, w, mask[i]!)));
  }

  /** `ip proto N`: the IPv4 protocol field, fragments included. */
  private ipv4Proto(proto: number, e: Encap): string {
    return and(this.linkProto(ETHERTYPE_IP, e), `${u8(String(this.nl(e) + IPV4_PROTOCOL))} === ${proto}`);
  }

  /** `ip6 proto N`: the next header, or the header after a fragment header (libpcap looks one header deep for it). */
  private ipv6Proto(proto: number, e: Encap): string {
    const nl = this.nl(e);
    const next = `${u8(String(nl + IPV6_NEXT_HEADER))}`;
    return and(
      this.linkProto(ETHERTYPE_IPV6, e),
      or(`${next} === ${proto}`, and(`${next} === ${IPPROTO_IPV6_FRAGMENT}`, `${u8(String(nl + IPV6_HEADER_LENGTH))} === ${proto}`)),
    );
  }

  private protoAbbrev(name: string, e: Encap): string {
    switch (name) {
      case "ip":
        return this.linkProto(ETHERTYPE_IP, e);
      case "ip6":
        return this.linkProto(ETHERTYPE_IPV6, e);
      case "arp":
        return this.linkProto(ETHERTYPE_ARP, e);
      case "rarp":
        return this.linkProto(ETHERTYPE_REVARP, e);
      case "icmp":
        return this.ipv4Proto(IPPROTO_ICMP, e);
      case "igmp":
        return this.ipv4Proto(IPPROTO_IGMP, e);
      case "vrrp":
      case "carp":
        return this.ipv4Proto(IPPROTO_VRRP, e);
      case "icmp6":
        return this.ipv6Proto(IPPROTO_ICMPV6, e);
      case "llc": {
        // 802.3 frames with an LLC header: a length, not a type, and not Novell's raw format.
        if (this.link.llc === "dsap") return TRUE; // FDDI data frames always carry LLC
        if (!this.link.ethernetFraming || e.mpls > 0 || e.pppoe) return FALSE;
        const t = this.typeOffset(e);
        return and(`${u16(String(t))} <= ${ETHERMTU}`, `${u16(String(t + 2))} !== ${hex(NOVELL_RAW_802_3)}`);
      }
      case "ah":
        return or(this.ipv4Proto(IPPROTO_AH, e), this.ipv6Proto(IPPROTO_AH, e));
      case "esp":
        return or(this.ipv4Proto(IPPROTO_ESP, e), this.ipv6Proto(IPPROTO_ESP, e));
      default: {
        const proto = TRANSPORT_PROTOS[name]!;
        return or(this.ipv4Proto(proto, e), this.ipv6Proto(proto, e));
      }
    }
  }

  /**
   * Port tests as libpcap builds them: IPv4 only on a first fragment (offset
   * 0) with the header length from IHL; IPv6 only when the fixed header's next
   * header is the transport protocol (no extension-header walk).
   */
  private port(proto: string, dir: Direction, lo: number, hi: number, e: Encap): string {
    const protos = proto === "default" ? [IPPROTO_TCP, IPPROTO_UDP, IPPROTO_SCTP] : [TRANSPORT_PROTOS[proto]!];
    const nl = this.nl(e);
    const protoIs = (field: string) => (protos.length === 1 ? `${field} === ${protos[0]}` : `oneOf(${field}, ${protos.join(", ")})`);
    const portAt = (off: string) => (lo === hi ? `${u16(String(off))} === ${lo}` : `within(${u16(String(off))}, ${lo}, ${hi})`);
    const t4 = this.ipv4Payload(e);
    const v4 = and(
      this.linkProto(ETHERTYPE_IP, e),
      protoIs(`${u8(String(nl + IPV4_PROTOCOL))}`),
      `(${u16(String(nl + IPV4_FRAG_FIELD))} & ${hex(IPV4_FRAG_OFFSET_MASK)}) === 0`,
      this.direction(dir, portAt(t4), portAt(`${t4} + 2`)),
    );
    const t6 = nl + IPV6_HEADER_LENGTH;
    const v6 = and(
      this.linkProto(ETHERTYPE_IPV6, e),
      protoIs(`${u8(String(nl + IPV6_NEXT_HEADER))}`),
      this.direction(dir, portAt(String(t6)), portAt(String(t6 + 2))),
    );
    return or(v4, v6);
  }

  // ------------------------------------------------------------ relations and arithmetic

  private relation(r: Relation): string {
    const guards: string[] = [];
    const left = this.arith(r.left, guards, r.pos);
    const right = this.arith(r.right, guards, r.pos);
    const op = r.op === "=" ? "===" : r.op === "!=" ? "!==" : r.op;
    return and(...unique(guards), `${left} ${op} ${right}`);
  }

  /** JS source of an unsigned 32-bit value; pushes onto `guards` the protocol tests its loads need. */
  private arith(a: Arith, guards: string[], pos: number): string {
    switch (a.kind) {
      case "num":
        return String(a.value >>> 0);
      case "len":
        return "w";
      case "neg":
        return `((-${this.arith(a.operand, guards, pos)}) >>> 0)`;
      case "load":
        return this.load(a.proto, a.index, a.size, a.encap, guards, pos);
      case "arith": {
        const l = this.arith(a.left, guards, pos);
        const r = this.arith(a.right, guards, pos);
        if (a.right.kind === "num") {
          if ((a.op === "/" || a.op === "%") && a.right.value === 0) throw new FilterSyntaxError("division by zero", this.expression, pos);
          if ((a.op === "<<" || a.op === ">>") && a.right.value > 31) throw new FilterSyntaxError("shift by more than 31 bits", this.expression, pos);
        }
        switch (a.op) {
          case "+":
            return `((${l} + ${r}) >>> 0)`;
          case "-":
            return `((${l} - ${r}) >>> 0)`;
          case "*":
            return `(Math.imul(${l}, ${r}) >>> 0)`;
          case "/":
            return `div(${l}, ${r})`;
          case "%":
            return `mod(${l}, ${r})`;
          case "&":
            return `((${l} & ${r}) >>> 0)`;
          case "|":
            return `((${l} | ${r}) >>> 0)`;
          case "^":
            return `((${l} ^ ${r}) >>> 0)`;
          case "<<":
            return `shl(${l}, ${r})`;
          case ">>":
            return `shr(${l}, ${r})`;
        }
      }
    }
  }

  private load(proto: LoadProto, index: Arith, size: 1 | 2 | 4, e: Encap, guards: string[], pos: number): string {
    const idx = this.arith(index, guards, pos);
    let base: string;
    switch (proto) {
      case "link":
        base = e.pppoe ? String(this.pppoePayload(e)) : "0";
        break;
      case "ip":
      case "ip6":
      case "arp":
      case "rarp": {
        const type = { ip: ETHERTYPE_IP, ip6: ETHERTYPE_IPV6, arp: ETHERTYPE_ARP, rarp: ETHERTYPE_REVARP }[proto];
        guards.push(this.linkProto(type, e));
        base = String(this.nl(e));
        break;
      }
      case "icmp6": {
        const nl = this.nl(e);
        guards.push(and(this.linkProto(ETHERTYPE_IPV6, e), `${u8(String(nl + IPV6_NEXT_HEADER))} === ${IPPROTO_ICMPV6}`));
        base = String(nl + IPV6_HEADER_LENGTH);
        break;
      }
      default: {
        // Transport headers are indexed over IPv4 only (as libpcap), first fragments only.
        const nl = this.nl(e);
        guards.push(
          and(
            this.linkProto(ETHERTYPE_IP, e),
            `${u8(String(nl + IPV4_PROTOCOL))} === ${TRANSPORT_PROTOS[proto]}`,
            `(${u16(String(nl + IPV4_FRAG_FIELD))} & ${hex(IPV4_FRAG_OFFSET_MASK)}) === 0`,
          ),
        );
        base = this.ipv4Payload(e);
      }
    }
    const at = index.kind === "num" && /^\d+$/.test(base) ? String(Number(base) + index.value) : `${base} + ${idx}`;
    return size === 1 ? `${u8(String(at))}` : size === 2 ? `${u16(String(at))}` : `${u32(String(at))}`;
  }
}

/** The PPP protocol number for an ethertype (IPv4 and IPv6 differ; libpcap compares others as they are). */
function pppProtocol(ethertype: number): number {
  return ethertype === ETHERTYPE_IP ? PPP_IP : ethertype === ETHERTYPE_IPV6 ? PPP_IPV6 : ethertype;
}

function unique(items: string[]): string[] {
  return [...new Set(items)];
}

function byteSwap32(v: number): number {
  return (((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24)) >>> 0;
}

function word32(bytes: readonly number[], at: number): number {
  return ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
}
