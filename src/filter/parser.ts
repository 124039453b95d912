/**
 * Recursive-descent parser for the pcap-filter language (pcap-filter(7)),
 * producing the tree in ast.ts. It follows libpcap's grammar where users can
 * tell the difference:
 *
 *  - `and` and `or` have EQUAL precedence and group left to right
 *    (`a or b and c` is `(a or b) and c`); `not` binds tightest;
 *  - a bare address or number inherits the qualifiers of the primitive
 *    before it: `host a or b`, `tcp port 80 or 443`, `src net 10 and not 11`;
 *  - `vlan` and `mpls` shift every primitive written after them (see ast.ts);
 *  - in arithmetic, `%` and `^` have no precedence of their own, so (as in
 *    libpcap's grammar) their right operand extends as far as it can:
 *    `len % 5 + 1` is `len % (5 + 1)`.
 */

import { ipv4Mask, ipv6Mask, parseDottedV4, parseIPv6, parseMac } from "./address.js";
import type { AddressProto, Arith, ArithOp, Direction, Encap, Filter, LoadProto, PortProto, Primitive, ProtoName, RelOp } from "./ast.js";
import { FilterSyntaxError } from "./errors.js";
import { type Token, tokenize } from "./lexer.js";
import { ARITH_CONSTANTS, ETHER_PROTOCOL_NAMES, IP_PROTOCOL_NAMES, LLCSAP_SPANNING_TREE, SERVICE_PORTS } from "./names.js";

/** Keywords that qualify a protocol (`ip host …`, `tcp port …`) or stand alone (`tcp`). */
const PROTO_QUALIFIERS = new Set([
  "ether",
  "link",
  "ip",
  "ip6",
  "arp",
  "rarp",
  "tcp",
  "udp",
  "sctp",
  "icmp",
  "icmp6",
  "igmp",
  "pim",
  "vrrp",
  "carp",
  "ah",
  "esp",
]);
/** Protocols that may be indexed: `tcp[13]`, `ip[6:2]`, `ether[0]`. */
const LOADABLE = new Set<string>(["ether", "link", "ip", "ip6", "arp", "rarp", "tcp", "udp", "sctp", "icmp", "icmp6", "igmp", "pim", "vrrp", "carp"]);
const ADDRESS_QUALIFIERS = new Set(["host", "net", "port", "portrange", "gateway"]);
const UNSUPPORTED = new Set([
  "gateway",
  "ifname",
  "on",
  "rnr",
  "rulenum",
  "reason",
  "rset",
  "ruleset",
  "srnr",
  "subrulenum",
  "action",
  "geneve",
  "iso",
  "esis",
  "isis",
  "clnp",
  "ipx",
  "netbeui",
  "decnet",
  "lat",
  "sca",
  "moprc",
  "mopdl",
  "atalk",
  "aarp",
  "byte",
  "type",
  "subtype",
  "dir",
  "wlan",
  "radio",
  "fddi",
  "tr",
  "ppp",
  "slip",
  "atm",
  "vpi",
  "vci",
  "lane",
  "oam",
  "oamf4",
  "metac",
  "bcc",
  "sc",
  "ilmic",
  "connectmsg",
  "metaconnect",
  "fisu",
  "lssu",
  "msu",
  "sio",
  "opc",
  "dpc",
  "sls",
  "igrp",
  "ip6proto",
]);
const ARITH_PRECEDENCE: Readonly<Record<string, number>> = { "|": 1, "&": 2, "<<": 3, ">>": 3, "+": 4, "-": 4, "*": 5, "/": 5 };
const REL_OPS: Readonly<Record<string, RelOp>> = { "=": "=", "==": "=", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">=" };

/** The qualifiers in force for a bare address or number. */
interface Qualifiers {
  proto: string; // "default" or a PROTO_QUALIFIERS keyword
  dir: Direction | "default";
  addr: string; // "default" or an ADDRESS_QUALIFIERS keyword
}
const DEFAULT_QUALIFIERS: Qualifiers = { proto: "default", dir: "default", addr: "default" };

export function parseFilter(expression: string): Filter | null {
  return new Parser(expression).parseAll();
}

class Parser {
  private readonly tokens: Token[];
  private at = 0;
  private vlans = 0;
  private mpls = 0;
  private pppoe = false;
  /** Qualifiers a following bare id inherits; null after a primitive that has none (`tcp`, `len > 5`). */
  private inherited: Qualifiers | null = DEFAULT_QUALIFIERS;

  constructor(private readonly text: string) {
    this.tokens = tokenize(text);
  }

  parseAll(): Filter | null {
    if (this.peek().kind === "end") return null; // the empty filter accepts everything
    const filter = this.parseExpr();
    if (this.peek().kind !== "end") this.fail(`expected 'and', 'or' or the end of the filter, found '${this.peek().text}'`);
    return filter;
  }

  // ------------------------------------------------------------ boolean level

  private parseExpr(): Filter {
    let left = this.parseTerm();
    for (;;) {
      const t = this.peek();
      let kind: "and" | "or" | null = null;
      if (this.isName(t, "and") || this.isOp(t, "&&")) kind = "and";
      else if (this.isName(t, "or") || this.isOp(t, "||")) kind = "or";
      if (kind === null) return left;
      this.next();
      const right = this.parseTerm();
      left = { kind, pos: t.pos, left, right };
    }
  }

  private parseTerm(): Filter {
    const t = this.peek();
    if (this.isName(t, "not") || this.isOp(t, "!")) {
      this.next();
      return { kind: "not", pos: t.pos, operand: this.parseTerm() };
    }
    const relation = this.tryRelation();
    if (relation !== null) return relation;
    if (this.isOp(t, "(")) {
      this.next();
      const inner = this.parseExpr();
      this.expectOp(")", `expected ')' to close the '(' at column ${t.pos + 1}`);
      return inner;
    }
    return this.parsePrimitive();
  }

  /** `arith relop arith`, or null (position unchanged) when the text is not one. */
  private tryRelation(): Filter | null {
    const start = this.at;
    const pos = this.peek().pos;
    let left: Arith;
    try {
      left = this.parseArith(0);
    } catch (e) {
      if (!(e instanceof FilterSyntaxError) || !this.startsArithOnly(start)) {
        this.at = start;
        return null;
      }
      throw e;
    }
    const opToken = this.peek();
    const op = opToken.kind === "op" ? REL_OPS[opToken.text] : undefined;
    if (op === undefined) {
      if (this.startsArithOnly(start)) this.fail("expected a comparison (=, !=, <, <=, >, >=)");
      this.at = start;
      return null;
    }
    this.next();
    const right = this.parseArith(0);
    this.inherited = null;
    return { kind: "relation", pos, op, left, right };
  }

  /** True when the tokens at `index` can only begin arithmetic (`len`, `tcp[`, a named constant). */
  private startsArithOnly(index: number): boolean {
    const t = this.tokens[index]!;
    const n = this.tokens[index + 1]!;
    if (t.kind === "name" && !t.escaped) {
      if (t.text === "len" || ARITH_CONSTANTS.has(t.text)) return true;
      if (LOADABLE.has(t.text) && this.isOp(n, "[")) return true;
    }
    return this.isOp(t, "-");
  }

  // ------------------------------------------------------------ primitives

  private parsePrimitive(): Filter {
    const t = this.peek();
    if (t.kind === "end") this.fail("expected a primitive (host, port, tcp, …) here");
    if (t.kind === "name" && !t.escaped) {
      const special = this.parseSpecialPrimitive(t);
      if (special !== null) {
        this.inherited = null;
        return special;
      }
      if (UNSUPPORTED.has(t.text)) this.fail(`'${t.text}' is not supported by bronze's filter compiler`);
      if (
        PROTO_QUALIFIERS.has(t.text) ||
        t.text === "proto" ||
        t.text === "protochain" ||
        t.text === "src" ||
        t.text === "dst" ||
        ADDRESS_QUALIFIERS.has(t.text)
      ) {
        return this.parseQualified();
      }
      if (this.isKeyword(t.text)) this.fail(`expected a primitive (host, port, tcp, …), found '${t.text}'`);
      if (this.inherited === null) this.fail(`unknown keyword '${t.text}'`);
    }
    if (t.kind === "op") this.fail(`expected a primitive (host, port, tcp, …), found '${t.text}'`);
    if (this.inherited === null) {
      this.fail(`'${t.text}' needs a qualifier here (host, net, port…): the primitive before it has none to inherit`);
    }
    return this.parseId(this.inherited);
  }

  /** Primitives that take no qualifiers: vlan, mpls, pppoes, pppoed, inbound, outbound, stp, llc, less, greater, broadcast, multicast. */
  private parseSpecialPrimitive(t: Token): Primitive | null {
    const encap = this.encap();
    const pos = t.pos;
    switch (t.text) {
      case "vlan": {
        this.next();
        if (this.mpls > 0) this.failAt(pos, "a vlan match cannot follow mpls");
        if (this.pppoe) this.failAt(pos, "a vlan match cannot follow pppoes");
        const id = this.optionalNumber(4095, "VLAN id");
        this.vlans++;
        return { kind: "vlan", pos, encap, id };
      }
      case "mpls": {
        this.next();
        if (this.pppoe) this.failAt(pos, "an mpls match cannot follow pppoes");
        const label = this.optionalNumber(0xfffff, "MPLS label");
        this.mpls++;
        return { kind: "mpls", pos, encap, label };
      }
      case "pppoes": {
        this.next();
        if (this.pppoe) this.failAt(pos, "pppoes cannot follow pppoes");
        if (this.mpls > 0) this.failAt(pos, "a pppoes match cannot follow mpls");
        const session = this.optionalNumber(0xffff, "PPPoE session id");
        this.pppoe = true;
        return { kind: "pppoe", pos, encap, stage: "session", session };
      }
      case "pppoed":
        this.next();
        return { kind: "pppoe", pos, encap, stage: "discovery", session: null };
      case "inbound":
      case "outbound":
        this.next();
        return { kind: "direction", pos, encap, outbound: t.text === "outbound" };
      case "less":
      case "greater": {
        this.next();
        const value = this.expectNumber(`expected a length after '${t.text}'`);
        return { kind: "length", pos, encap, op: t.text === "less" ? "<=" : ">=", value };
      }
      case "stp":
        this.next();
        return { kind: "etherproto", pos, encap, ethertype: LLCSAP_SPANNING_TREE };
      case "llc":
        this.next();
        if (
          this.peek().kind === "name" &&
          ["i", "s", "u", "rr", "rnr", "rej", "ui", "ua", "disc", "dm", "sabme", "test", "xid", "frmr"].includes(this.peek().text)
        ) {
          this.fail(`'llc ${this.peek().text}' is not supported by bronze's filter compiler`);
        }
        return { kind: "proto", pos, encap, name: "llc" };
      case "broadcast":
        this.next();
        return { kind: "broadcast", pos, encap, proto: "ether" };
      case "multicast":
        this.next();
        return { kind: "multicast", pos, encap, proto: "ether" };
      default:
        return null;
    }
  }

  /** `[proto] [dir] [addr] id`, `proto proto N`, `proto broadcast`, or a protocol alone. */
  private parseQualified(): Filter {
    const start = this.peek();
    const q: Qualifiers = { proto: "default", dir: "default", addr: "default" };
    if (PROTO_QUALIFIERS.has(start.text)) {
      q.proto = this.next().text;
      const t = this.peek();
      if (this.isName(t, "proto")) return this.parseProtoNumber(q.proto, start.pos);
      if (this.isName(t, "broadcast") || this.isName(t, "multicast")) return this.parseCast(q.proto, start.pos);
      if (this.isName(t, "protochain")) return this.parseProtoChain(q.proto, start.pos);
    } else if (this.isName(start, "proto")) {
      return this.parseProtoNumber("default", start.pos);
    } else if (this.isName(start, "protochain")) {
      return this.parseProtoChain("default", start.pos);
    }
    const d = this.peek();
    if (this.isName(d, "src") || this.isName(d, "dst")) {
      this.next();
      q.dir = d.text as "src" | "dst";
      const joiner = this.peek();
      const other = this.tokens[this.at + 1]!;
      const otherDir = d.text === "src" ? "dst" : "src";
      if ((this.isName(joiner, "or") || this.isName(joiner, "and")) && this.isName(other, otherDir)) {
        this.at += 2;
        q.dir = joiner.text === "or" ? "src or dst" : "src and dst";
      }
    }
    const a = this.peek();
    if (a.kind === "name" && !a.escaped && ADDRESS_QUALIFIERS.has(a.text)) {
      if (a.text === "gateway") this.fail("'gateway' is not supported by bronze's filter compiler (it needs name resolution)");
      this.next();
      q.addr = a.text;
    }
    if (q.proto !== "default" && q.dir === "default" && q.addr === "default") {
      // A protocol keyword alone: `tcp`, `ip6`, `arp`.
      if (q.proto === "ether" || q.proto === "link") this.failAt(start.pos, `'${q.proto}' must be followed by host, src, dst, proto, broadcast or multicast`);
      this.inherited = null;
      return { kind: "proto", pos: start.pos, encap: this.encap(), name: q.proto as ProtoName };
    }
    return this.parseId(q, start.pos);
  }

  private parseProtoNumber(family: string, pos: number): Primitive {
    this.next(); // 'proto'
    const t = this.next();
    const encap = this.encap();
    this.inherited = null;
    const isEther = family === "ether" || family === "link";
    const names = isEther ? ETHER_PROTOCOL_NAMES : IP_PROTOCOL_NAMES;
    let value: number | undefined;
    if (t.kind === "num") value = t.value;
    else if (t.kind === "name") value = names.get(t.text);
    if (value === undefined) this.failAt(t.pos, `expected a protocol number or name after 'proto'${t.kind === "name" ? `, '${t.text}' is unknown` : ""}`);
    if (isEther) {
      if (value > 0xffff) this.failAt(t.pos, `ethertype ${value} is out of range (0–65535)`);
      return { kind: "etherproto", pos, encap, ethertype: value };
    }
    if (value > 255) this.failAt(t.pos, `IP protocol ${value} is out of range (0–255)`);
    if (family !== "default" && family !== "ip" && family !== "ip6") this.failAt(pos, `'${family} proto' is not valid: use ip, ip6 or ether proto`);
    return { kind: "ipproto", pos, encap, family: family as "ip" | "ip6" | "default", proto: value };
  }

  private parseProtoChain(family: string, pos: number): Primitive {
    if (family !== "default" && family !== "ip" && family !== "ip6") this.failAt(pos, `'${family} protochain' is not valid: use ip or ip6 protochain`);
    this.next(); // 'protochain'
    const t = this.next();
    let value: number | undefined;
    if (t.kind === "num") value = t.value;
    else if (t.kind === "name") value = IP_PROTOCOL_NAMES.get(t.text);
    if (value === undefined) this.failAt(t.pos, "expected a protocol number or name after 'protochain'");
    if (value > 255) this.failAt(t.pos, `IP protocol ${value} is out of range (0–255)`);
    this.inherited = null;
    return { kind: "protochain", pos, encap: this.encap(), family: family as "ip" | "ip6" | "default", proto: value };
  }

  private parseCast(proto: string, pos: number): Primitive {
    const t = this.next();
    const encap = this.encap();
    this.inherited = null;
    const p = proto === "link" ? "ether" : proto;
    if (t.text === "broadcast") {
      if (p !== "ether" && p !== "ip") this.failAt(pos, `'${proto} broadcast' is not valid: use ether or ip broadcast`);
      return { kind: "broadcast", pos, encap, proto: p };
    }
    if (p !== "ether" && p !== "ip" && p !== "ip6") this.failAt(pos, `'${proto} multicast' is not valid: use ether, ip or ip6 multicast`);
    return { kind: "multicast", pos, encap, proto: p };
  }

  /**
   * The address, network, port or number a set of qualifiers applies to;
   * libpcap's grammar lets `not` stand between them (`src port not 445` is
   * `not src port 445`), a later bare id inheriting the qualifiers still.
   */
  private parseId(q: Qualifiers, pos = this.peek().pos): Filter {
    const t = this.peek();
    if (this.isName(t, "not") || this.isOp(t, "!")) {
      this.next();
      return { kind: "not", pos: t.pos, operand: this.parseId(q) };
    }
    this.inherited = q;
    if (this.isOp(t, "(")) this.fail("expected an address or number here, found '('");
    if (q.addr === "port" || q.addr === "portrange") return this.parsePort(q, pos);
    switch (t.kind) {
      case "v4":
      case "num":
        return this.parseV4(q, pos);
      case "v6":
        return this.parseV6(q, pos);
      case "mac":
        return this.parseEtherHost(q, pos);
      case "name":
        if (!t.escaped && t.text !== t.text.toLowerCase() && this.isKeyword(t.text.toLowerCase())) {
          this.fail(`unknown word '${t.text}': keywords are lower case ('${t.text.toLowerCase()}')`);
        }
        if (t.escaped || !this.isKeyword(t.text)) {
          this.fail(`'${t.text}' is a host name: bronze filters take numeric addresses only`);
        }
        return this.fail(`expected an address or number, found keyword '${t.text}'`);
      default:
        this.fail(`expected an address or number${q.addr !== "default" ? ` after '${q.addr}'` : ""}`);
    }
  }

  private parsePort(q: Qualifiers, pos: number): Primitive {
    const proto = q.proto === "default" ? "default" : q.proto;
    if (proto !== "default" && proto !== "tcp" && proto !== "udp" && proto !== "sctp") {
      this.failAt(pos, `'${q.proto} ${q.addr}' is not valid: ports belong to tcp, udp or sctp`);
    }
    const lo = this.expectPort(q.addr);
    let hi = lo;
    if (q.addr === "portrange") {
      this.expectOp("-", "expected '-' in the port range (portrange LOW-HIGH)");
      hi = this.expectPort(q.addr);
    }
    // libpcap accepts a reversed range (portrange 90-80) as the same range.
    return { kind: "port", pos, encap: this.encap(), proto: proto as PortProto, dir: dirOf(q), lo: Math.min(lo, hi), hi: Math.max(lo, hi) };
  }

  private expectPort(what: string): number {
    const t = this.next();
    let value: number | undefined;
    if (t.kind === "num") value = t.value;
    else if (t.kind === "name") value = SERVICE_PORTS.get(t.text);
    if (value === undefined) {
      this.failAt(t.pos, t.kind === "name" ? `unknown port name '${t.text}'` : `expected a port number or name after '${what}'`);
    }
    if (value > 65535) this.failAt(t.pos, `port ${value} is out of range (0–65535)`);
    return value;
  }

  private parseV4(q: Qualifiers, pos: number): Primitive {
    const t = this.next();
    let addr: number;
    let mask: number;
    if (t.kind === "num") {
      addr = t.value;
      mask = 0xffffffff;
      if (q.addr === "net") {
        // libpcap promotes a short network number: `net 10` is 10.0.0.0/8.
        while (addr !== 0 && (addr & 0xff000000) === 0) {
          addr = (addr << 8) >>> 0;
          mask = (mask << 8) >>> 0;
        }
      }
    } else {
      const dotted = parseDottedV4(t.text)!;
      addr = dotted.addr;
      mask = ipv4Mask(dotted.bits);
    }
    const proto = this.addressProto(q, "v4", pos);
    if (this.isOp(this.peek(), "/") || this.isName(this.peek(), "mask")) {
      if (q.addr !== "net" && q.addr !== "default") this.fail("a mask is only valid for a network ('net')");
      if (t.kind === "num") this.failAt(t.pos, "a masked network needs a dotted address (e.g. 10.0.0.0/8)");
      mask = this.parseV4Mask();
      if ((addr & ~mask) !== 0) this.failAt(t.pos, `non-network bits set in '${this.text.slice(t.pos, this.peek().pos).trim()}'`);
    }
    return { kind: "host4", pos, encap: this.encap(), proto, dir: dirOf(q), addr: addr >>> 0, mask: mask >>> 0 };
  }

  private parseV4Mask(): number {
    const sep = this.next();
    const t = this.next();
    if (sep.text === "/") {
      if (t.kind !== "num" || t.value > 32) this.failAt(t.pos, "expected a prefix length 0–32 after '/'");
      return ipv4Mask(t.value);
    }
    const dotted = t.kind === "v4" ? parseDottedV4(t.text) : null;
    if (dotted === null || dotted.bits !== 32) this.failAt(t.pos, "expected a dotted netmask after 'mask' (e.g. 255.255.0.0)");
    return dotted.addr;
  }

  private parseV6(q: Qualifiers, pos: number): Primitive {
    const t = this.next();
    const words = parseIPv6(t.text)!;
    this.addressProto(q, "v6", pos);
    let mask = ipv6Mask(128);
    if (this.isOp(this.peek(), "/")) {
      if (q.addr !== "net" && q.addr !== "default") this.fail("a prefix length is only valid for a network ('net')");
      this.next();
      const len = this.next();
      if (len.kind !== "num" || len.value > 128) this.failAt(len.pos, "expected a prefix length 0–128 after '/'");
      mask = ipv6Mask(len.value);
      if (words.some((w, i) => (w & ~mask[i]!) !== 0)) this.failAt(t.pos, `non-network bits set in '${t.text}/${len.value}'`);
    } else if (q.addr === "net") {
      this.fail("an IPv6 network needs a prefix length (e.g. 2001:db8::/32)");
    }
    return { kind: "host6", pos, encap: this.encap(), dir: dirOf(q), words, mask };
  }

  private parseEtherHost(q: Qualifiers, pos: number): Primitive {
    const t = this.next();
    if (q.proto !== "ether" && q.proto !== "link") this.failAt(t.pos, "an Ethernet address needs the 'ether' qualifier (ether host …)");
    if (q.addr !== "default" && q.addr !== "host") this.failAt(pos, `'ether ${q.addr}' is not valid with an Ethernet address`);
    return { kind: "etherhost", pos, encap: this.encap(), dir: dirOf(q), mac: parseMac(t.text)! };
  }

  /** Which protocol's addresses a host/net test compares. */
  private addressProto(q: Qualifiers, family: "v4" | "v6", pos: number): AddressProto {
    if (q.addr !== "default" && q.addr !== "host" && q.addr !== "net") this.failAt(pos, `'${q.addr}' does not take an address`);
    const p = q.proto;
    if (p === "ether" || p === "link") this.failAt(pos, `'${p}' needs an Ethernet address, not an IP address`);
    if (family === "v6") {
      if (p !== "default" && p !== "ip6") this.failAt(pos, `'${p}' cannot be applied to an IPv6 address`);
      return "ip6";
    }
    if (p === "default" || p === "ip" || p === "arp" || p === "rarp") return p;
    this.failAt(pos, `'${p}' cannot be applied to a host or network${p === "ip6" ? " with an IPv4 address" : ""}`);
  }

  // ------------------------------------------------------------ arithmetic

  private parseArith(minPrecedence: number): Arith {
    let left = this.parseUnary();
    for (;;) {
      const t = this.peek();
      if (t.kind !== "op") return left;
      if (t.text === "%" || t.text === "^") {
        this.next();
        left = { kind: "arith", op: t.text, left, right: this.parseArith(0) };
        continue;
      }
      const precedence = ARITH_PRECEDENCE[t.text];
      if (precedence === undefined || precedence < minPrecedence) return left;
      this.next();
      const right = this.parseArith(precedence + 1);
      left = { kind: "arith", op: t.text as ArithOp, left, right };
    }
  }

  private parseUnary(): Arith {
    const t = this.peek();
    if (this.isOp(t, "-")) {
      this.next();
      return { kind: "neg", operand: this.parseUnary() };
    }
    if (this.isOp(t, "(")) {
      this.next();
      const inner = this.parseArith(0);
      this.expectOp(")", "expected ')' in the arithmetic expression");
      return inner;
    }
    if (t.kind === "num") {
      this.next();
      return { kind: "num", value: t.value };
    }
    if (t.kind === "name" && !t.escaped) {
      if (t.text === "len") {
        this.next();
        return { kind: "len" };
      }
      const constant = ARITH_CONSTANTS.get(t.text);
      if (constant !== undefined) {
        this.next();
        return { kind: "num", value: constant };
      }
      if (LOADABLE.has(t.text) && this.isOp(this.tokens[this.at + 1]!, "[")) return this.parseLoad();
    }
    this.fail("expected a number, 'len' or a packet load like tcp[13]");
  }

  private parseLoad(): Arith {
    const t = this.next();
    this.next(); // '['
    const index = this.parseArith(0);
    let size: 1 | 2 | 4 = 1;
    if (this.isOp(this.peek(), ":")) {
      this.next();
      const s = this.next();
      if (s.kind !== "num" || (s.value !== 1 && s.value !== 2 && s.value !== 4)) this.failAt(s.pos, "expected a load size of 1, 2 or 4 after ':'");
      size = s.value as 1 | 2 | 4;
    }
    this.expectOp("]", `expected ']' to close '${t.text}['`);
    const proto = (t.text === "ether" ? "link" : t.text) as LoadProto;
    return { kind: "load", pos: t.pos, proto, index, size, encap: this.encap() };
  }

  // ------------------------------------------------------------ helpers

  private encap(): Encap {
    return { vlans: this.vlans, mpls: this.mpls, pppoe: this.pppoe };
  }

  private optionalNumber(max: number, what: string): number | null {
    const t = this.peek();
    if (t.kind !== "num") return null;
    this.next();
    if (t.value > max) this.failAt(t.pos, `${what} ${t.value} is out of range (0–${max})`);
    return t.value;
  }

  private expectNumber(message: string): number {
    const t = this.next();
    if (t.kind !== "num") this.failAt(t.pos, message);
    return t.value;
  }

  private isKeyword(word: string): boolean {
    return (
      PROTO_QUALIFIERS.has(word) ||
      ADDRESS_QUALIFIERS.has(word) ||
      UNSUPPORTED.has(word) ||
      [
        "src",
        "dst",
        "and",
        "or",
        "not",
        "proto",
        "protochain",
        "stp",
        "llc",
        "vlan",
        "mpls",
        "pppoes",
        "pppoed",
        "inbound",
        "outbound",
        "less",
        "greater",
        "len",
        "broadcast",
        "multicast",
        "mask",
      ].includes(word)
    );
  }

  private peek(): Token {
    return this.tokens[this.at]!;
  }

  private next(): Token {
    const t = this.tokens[this.at]!;
    if (t.kind !== "end") this.at++;
    return t;
  }

  private isName(t: Token, word: string): boolean {
    return t.kind === "name" && !t.escaped && t.text === word;
  }

  private isOp(t: Token, op: string): boolean {
    return t.kind === "op" && t.text === op;
  }

  private expectOp(op: string, message: string): void {
    if (!this.isOp(this.peek(), op)) this.fail(message);
    this.next();
  }

  private fail(reason: string): never {
    const t = this.peek();
    const found = t.kind === "end" ? " (found the end of the filter)" : "";
    throw new FilterSyntaxError(reason + (reason.includes("found") ? "" : found), this.text, t.pos);
  }

  private failAt(pos: number, reason: string): never {
    throw new FilterSyntaxError(reason, this.text, pos);
  }
}

function dirOf(q: Qualifiers): Direction {
  return q.dir === "default" ? "src or dst" : q.dir;
}
