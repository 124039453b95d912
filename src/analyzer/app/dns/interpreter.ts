/**
 * The DNS message interpreter: one DNS message (a UDP payload, or one
 * length-prefixed message of a TCP stream) into Zeek's DNS events, weirds and
 * violations, with Zeek's DNS analyzer's rules (learnt from its DNS.cc):
 *
 * - header: fewer than 12 bytes is DNS_truncated_len_lt_hdr_len; opcodes
 *   other than query, notify and dynamic update (any opcode on NetBIOS) are
 *   DNS_unknown_opcode plus the 'X' history letter; more than
 *   dns_max_queries (25) questions is a violation (non-DNS traffic);
 * - the first message, a response from the originator, is taken as a reply
 *   (the UDP connection turns the flow around itself);
 * - questions and answers, then confirmation; the authority and additional
 *   sections are skipped as Zeek's defaults (dns_skip_all_auth/addl) say;
 * - a record parser that fails stops the message (dns_end still runs);
 * - names: labels of at most 63 bytes (NetBIOS: any), compression pointers
 *   only backwards, at most dns_max_compression_chain_depth (20) jumps, a
 *   512-byte name buffer; pointed-to parts are lower-cased, as are answer
 *   names (question names come as they are and lower-cased);
 * - a record parser only reads its record when someone handles its event,
 *   exactly as Zeek skips it then (parsing depends on it: a WKS record's data
 *   is not skipped when handled, as Zeek does).
 *
 * Nothing here throws on any input: positions are clamped, every read is
 * checked against the remaining length the way Zeek checks it.
 */
import { DOUBLE_ZERO } from "../../../doubles.js";
import type { EventName } from "../../../event/events.js";
import type { Connection } from "../../../event/records.js";
import { formatAddr } from "../../../ip/addr.js";
import { latin1 } from "../../../packet/bytes.js";
import type { AnalyzerHost } from "../analyzer.js";
import { type DnsAnswer, DnsAnswerType, type DnsMsg, type DnsSvcbParam } from "./events.js";

/** What the interpreter needs from its host: the analyzer host's event, weird and violation calls. */
export type DnsHost = Pick<AnalyzerHost, "wants" | "raise" | "weird" | "limitReached" | "violation" | "confirm" | "conn">;

export interface DnsInterpreterOptions {
  /** Either port is 137: NetBIOS name service (any opcode, is_netbios). */
  netbios: boolean;
  /** The responder port is 137: labels may exceed 63 bytes, type 33 is NBSTAT. */
  respNetbios: boolean;
  /** The transport is UDP (EDNS TCP keepalive there is a weird). */
  udp: boolean;
  /** dns_skip_all_auth (Zeek: T). */
  skipAllAuth?: boolean;
  /** dns_skip_all_addl (Zeek: T). */
  skipAllAddl?: boolean;
  /** dns_max_queries (Zeek: 25; 0 turns the check off). */
  maxQueries?: number;
  /** dns_max_compression_chain_depth (Zeek: 20). */
  maxCompressionDepth?: number;
}

const HDR_LEN = 12;
const NAME_ROOM = 512;
const TSIG_NAME_ROOM = 1023;
const OP_QUERY = 0;
const OP_NOTIFY = 4;
const OP_DYNAMIC_UPDATE = 5;
const CLASS_NONE = 254;
const CLASS_ANY = 255;

const T = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  WKS: 11,
  PTR: 12,
  HINFO: 13,
  MX: 15,
  TXT: 16,
  AAAA: 28,
  LOC: 29,
  NBS: 32,
  SRV: 33,
  NAPTR: 35,
  A6: 38,
  EDNS: 41,
  DS: 43,
  SSHFP: 44,
  RRSIG: 46,
  NSEC: 47,
  DNSKEY: 48,
  NSEC3: 50,
  NSEC3PARAM: 51,
  SVCB: 64,
  HTTPS: 65,
  SPF: 99,
  TKEY: 249,
  TSIG: 250,
  CAA: 257,
  BINDS: 65534,
} as const;

const EDNS_ECS = 8;
const EDNS_COOKIE = 10;
const EDNS_TCP_KA = 11;

/** DNSSEC algorithms Zeek accepts without a weird; the others have named weirds below. */
const KNOWN_ALGOS = new Set([2, 3, 4, 5, 6, 7, 8, 10, 12, 13, 14, 15, 16]);

/** The weird suffix for a DNSSEC algorithm Zeek flags ("" for none). */
function algoWeird(algo: number): string {
  if (KNOWN_ALGOS.has(algo)) return "";
  switch (algo) {
    case 1:
      return "NotRecommended_ZoneSignAlgo";
    case 252:
      return "Indirect_ZoneSignAlgo";
    case 253:
      return "PrivateDNS_ZoneSignAlgo";
    case 254:
      return "PrivateOID_ZoneSignAlgo";
    default:
      return "unknown_ZoneSignAlgo";
  }
}

/** ASCII-only lower case, as C's tolower in the C locale (bytes above 0x7f stay). */
export function asciiLower(s: string): string {
  let i = 0;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) break;
  }
  if (i === s.length) return s;
  let out = s.slice(0, i);
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out += c >= 0x41 && c <= 0x5a ? String.fromCharCode(c + 32) : s[i];
  }
  return out;
}

export class DnsInterpreter {
  // The message being parsed: bytes, the cursor (position and remaining length, as Zeek's data/len).
  private d: Uint8Array = new Uint8Array(0);
  private p = 0;
  private n = 0;
  private firstMessage = true;
  private readonly netbios: boolean;
  private readonly respNetbios: boolean;
  private readonly udp: boolean;
  private readonly skipAllAuth: boolean;
  private readonly skipAllAddl: boolean;
  private readonly maxQueries: number;
  private readonly maxDepth: number;

  // The message's header and the record being parsed (Zeek's DNS_MsgInfo).
  private id = 0;
  private flags = 0;
  private qd = 0;
  private an = 0;
  private ns = 0;
  private ar = 0;
  private isQuery = 0;
  private dynamicUpdate = false;
  private skipEvent = false;
  private answerType = 0;
  /** The record's owner name: its bytes in QNAME_BUF, made a string only when an event needs it. */
  private qnameLen = 0;
  private qnameText: string | null = "";
  private atype = 0;
  private aclass = 0;
  private zclass = 0;
  /** A uint32: a double from the start, as TTLs past 2^31 are (see doubles.ts). */
  private ttl = DOUBLE_ZERO;
  private msgVal: DnsMsg | null = null;
  private connVal: Connection | null = null;

  constructor(
    private readonly host: DnsHost,
    options: DnsInterpreterOptions,
  ) {
    this.netbios = options.netbios;
    this.respNetbios = options.respNetbios;
    this.udp = options.udp;
    this.skipAllAuth = options.skipAllAuth ?? true;
    this.skipAllAddl = options.skipAllAddl ?? true;
    this.maxQueries = options.maxQueries ?? 25;
    this.maxDepth = options.maxCompressionDepth ?? 20;
  }

  /**
   * Parses one message. `isQuery`: 1 from the originator, 0 from the
   * responder, 2 unknown (a partial TCP message flushed at close).
   */
  parse(data: Uint8Array, isQuery: number): void {
    const len = data.length;
    if (len < HDR_LEN) {
      this.host.weird("DNS_truncated_len_lt_hdr_len");
      return;
    }
    const flags = (data[2]! << 8) | data[3]!;
    const opcode = (flags >> 11) & 0xf;
    if (opcode !== OP_QUERY && opcode !== OP_DYNAMIC_UPDATE && !this.netbios && opcode !== OP_NOTIFY) {
      this.host.limitReached("DNS_unknown_opcode", opcode);
      return;
    }
    this.d = data;
    this.id = (data[0]! << 8) | data[1]!;
    this.flags = flags;
    this.qd = (data[4]! << 8) | data[5]!;
    this.an = (data[6]! << 8) | data[7]!;
    this.ns = (data[8]! << 8) | data[9]!;
    this.ar = (data[10]! << 8) | data[11]!;
    this.dynamicUpdate = opcode === OP_DYNAMIC_UPDATE && !this.netbios;
    this.msgVal = null;
    this.connVal = null;
    this.skipEvent = false;
    this.answerType = 0;
    this.qnameLen = 0;
    this.qnameText = "";
    this.atype = this.aclass = this.ttl = this.zclass = 0;
    const qr = (flags & 0x8000) !== 0;
    if (this.firstMessage && qr && isQuery === 1) isQuery = 0;
    this.firstMessage = false;
    this.isQuery = isQuery;
    try {
      this.parseBody(len);
    } finally {
      this.d = EMPTY;
      this.msgVal = null;
      this.connVal = null;
    }
  }

  private parseBody(len: number): void {
    const host = this.host;
    if (host.wants("dns_message")) host.raise("dns_message", this.conn(), this.isQuery !== 0, this.msg(), len);
    if (this.maxQueries > 0 && this.qd > this.maxQueries) {
      host.violation("DNS_Conn_count_too_large");
      host.limitReached("DNS_Conn_count_too_large", this.qd, this.maxQueries);
      this.end();
      return;
    }
    this.p = HDR_LEN;
    this.n = len - HDR_LEN;
    if (this.dynamicUpdate) {
      if (this.qd !== 1) {
        host.weird("DNS_DU_invalid_zone_count", `${this.qd}`);
        this.end();
        return;
      }
      if (!this.answerHeader()) return this.end();
      if (this.atype !== T.SOA) {
        // Zeek returns here without dns_end.
        host.weird("DNS_DU_incorrect_zone_type");
        return;
      }
      const zname = this.qname;
      this.zclass = this.aclass;
      if (!this.answers(this.an, DnsAnswerType.PREREQUISITE)) return this.end();
      if (!this.answers(this.ns, DnsAnswerType.UPDATE)) return this.end();
      if (host.wants("dns_dynamic_update")) host.raise("dns_dynamic_update", this.conn(), this.msg(), zname, this.zclass);
    } else {
      if (!this.questions()) return this.end();
      if (!this.answers(this.an, DnsAnswerType.ANS)) return this.end();
    }
    host.confirm();
    let skipAuth = this.skipAllAuth;
    let skipAddl = this.skipAllAddl;
    if (this.an > 0) {
      skipAuth = skipAuth || this.ns === 0;
      skipAddl = skipAddl || this.ar === 0;
    }
    if (skipAuth && skipAddl) return this.end();
    if (!this.dynamicUpdate) {
      this.skipEvent = skipAuth;
      if (!this.answers(this.ns, DnsAnswerType.AUTH)) return this.end();
    }
    if (skipAddl) return this.end();
    this.skipEvent = skipAddl;
    this.answers(this.ar, DnsAnswerType.ADDL);
    this.end();
  }

  private end(): void {
    if (this.host.wants("dns_end")) this.host.raise("dns_end", this.conn(), this.msg());
  }

  private conn(): Connection {
    return (this.connVal ??= this.host.conn());
  }

  /** The header record (one per message, shared by its events). */
  private msg(): DnsMsg {
    if (this.msgVal !== null) return this.msgVal;
    const f = this.flags;
    return (this.msgVal = {
      id: this.id,
      opcode: (f >> 11) & 0xf,
      rcode: f & 0xf,
      QR: (f & 0x8000) !== 0,
      AA: (f & 0x0400) !== 0,
      TC: (f & 0x0200) !== 0,
      RD: (f & 0x0100) !== 0,
      RA: (f & 0x0080) !== 0,
      Z: (f & 0x0070) >> 4,
      AD: (f & 0x0020) !== 0,
      CD: (f & 0x0010) !== 0,
      num_queries: this.qd,
      num_answers: this.an,
      num_auth: this.ns,
      num_addl: this.ar,
      is_netbios: this.netbios,
    });
  }

  private get qname(): string {
    return (this.qnameText ??= bufString(QNAME_BUF, this.qnameLen));
  }

  private answer(): DnsAnswer {
    return { answer_type: this.answerType, query: this.qname, qtype: this.atype, qclass: this.aclass, TTL: this.ttl };
  }

  /** True when `event` would be raised for the current record (handled, section not skipped). */
  private on(event: EventName): boolean {
    return !this.skipEvent && this.host.wants(event);
  }

  // ------------------------------------------------------------------ reading

  private short(): number {
    if (this.n < 2) return 0;
    const v = ((this.d[this.p] ?? 0) << 8) | (this.d[this.p + 1] ?? 0);
    this.p += 2;
    this.n -= 2;
    return v;
  }

  private long(): number {
    if (this.n < 4) return 0;
    const d = this.d;
    const p = this.p;
    const v = (((d[p] ?? 0) << 24) | ((d[p + 1] ?? 0) << 16) | ((d[p + 2] ?? 0) << 8) | (d[p + 3] ?? 0)) >>> 0;
    this.p += 4;
    this.n -= 4;
    return v;
  }

  private byte(): number {
    if (this.n < 1) return 0;
    this.n--;
    return this.d[this.p++] ?? 0;
  }

  private skip(k: number): void {
    this.p += k;
    this.n -= k;
  }

  /** Bytes [from, from+k) as a latin1 string, clamped to the message. */
  private bytes(from: number, k: number): string {
    const d = this.d;
    const a = Math.min(Math.max(from, 0), d.length);
    const b = Math.min(Math.max(from + k, a), d.length);
    if (b - a <= 64) {
      let s = "";
      for (let i = a; i < b; i++) s += String.fromCharCode(d[i]!);
      return s;
    }
    return latin1(d.subarray(a, b));
  }

  /** Zeek's ExtractStream: up to `l` bytes (fewer when the message ends). */
  private stream(l: number): string {
    const k = Math.min(this.n, Math.max(l, 0));
    const s = this.bytes(this.p, k);
    this.skip(Math.max(k, 0));
    return s;
  }

  /** Zeek's ExtractOctets: a 16-bit length, then that many bytes (capped at what is left). */
  private octets(): string {
    const k = Math.min(this.n, this.short());
    const s = this.bytes(this.p, k);
    this.skip(k);
    return s;
  }

  /** The remaining rdata length for character strings (Zeek passes it by reference). */
  private rd = 0;

  /** A character string (a length byte, then bytes) within `this.rd`; null at the end or past it. */
  private charString(): string | null {
    if (this.rd <= 0) return null;
    const size = this.d[this.p] ?? 0;
    this.rd--;
    this.n--;
    this.p++;
    if (size > this.rd) {
      this.host.weird("DNS_TXT_char_str_past_rdlen");
      return null;
    }
    const s = this.bytes(this.p, size);
    this.rd -= size;
    this.n -= size;
    this.p += size;
    return s;
  }

  /**
   * A domain name at the cursor (Zeek's ExtractName): null on a parse error
   * (a weird was reported). `room` is what is left of Zeek's name buffer.
   */
  private name(downcase = true, room = NAME_ROOM): string | null {
    this.nw = 0;
    const end = this.nameInto(downcase, room, 0);
    return end < 0 ? null : bufString(NAME_BUF, end);
  }

  /** The write position in NAME_BUF. */
  private nw = 0;

  /** Writes a name's text into NAME_BUF from `nw`; returns its end (trailing dot dropped), or −1 on an error. */
  private nameInto(downcase: boolean, room: number, depth: number): number {
    const start = this.nw;
    if (depth > this.maxDepth) {
      this.host.limitReached("DNS_max_compression_chain_depth_exceeded", depth);
      return start;
    }
    const d = this.d;
    const nb = NAME_BUF;
    for (;;) {
      if (this.n <= 0) {
        this.host.weird("dns_invalid_name");
        return -1;
      }
      const at = this.p;
      const label = d[at] ?? 0;
      this.p++;
      this.n--;
      if (label === 0) break;
      if ((label & 0xc0) === 0xc0) {
        if (this.n <= 0) {
          this.host.weird("dns_invalid_name");
          return -1;
        }
        const offset = ((label & 0x3f) << 8) | (d[this.p] ?? 0);
        this.p++;
        this.n--;
        if (offset >= at) {
          this.host.weird("DNS_label_forward_compress_offset");
          return -1;
        }
        // The pointed-to name may only run up to this pointer.
        const p = this.p;
        const n = this.n;
        this.p = offset;
        this.n = at - offset;
        const end = this.nameInto(true, room, depth + 1);
        this.p = p;
        this.n = n;
        if (end < 0) return -1;
        this.nw = end;
        break;
      }
      if (label > this.n) {
        this.host.weird("DNS_label_len_gt_pkt");
        this.skip(this.n);
        return -1;
      }
      if (label > 63 && !this.respNetbios) {
        this.host.weird("DNS_label_too_long");
        return -1;
      }
      if (label >= room || this.nw + label + 1 > nb.length) {
        this.host.weird("DNS_label_len_gt_name_len");
        return -1;
      }
      const w = this.nw;
      for (let i = 0, from = this.p; i < label; i++) nb[w + i] = d[from + i] ?? 0;
      nb[w + label] = 0x2e;
      this.nw = w + label + 1;
      room -= label + 1;
      this.skip(label);
    }
    let end = this.nw;
    if (end - start >= 255) this.host.weird("DNS_NAME_too_long");
    if (end - start >= 2 && nb[end - 1] === 0x2e) end--;
    if (downcase) {
      for (let i = start; i < end; i++) {
        const c = nb[i]!;
        if (c >= 0x41 && c <= 0x5a) nb[i] = c + 32;
      }
    }
    this.nw = end;
    return end;
  }

  // ------------------------------------------------------------------ sections

  private questions(): boolean {
    let k = this.qd;
    while (k > 0 && this.question()) k--;
    return k === 0;
  }

  private answers(count: number, type: DnsAnswerType): boolean {
    this.answerType = type;
    let k = count;
    while (k > 0 && this.rr()) k--;
    return k === 0;
  }

  private question(): boolean {
    this.nw = 0;
    const end = this.nameInto(false, NAME_ROOM, 0);
    if (end < 0) return false;
    if (this.n < 4) {
      this.host.weird("DNS_truncated_quest_too_short");
      return false;
    }
    const qr = (this.flags & 0x8000) !== 0;
    const event = !qr ? "dns_request" : this.an === 0 && this.ns === 0 && this.ar === 0 ? "dns_rejected" : "dns_query_reply";
    if (!this.skipEvent && this.host.wants(event)) {
      const name = bufString(NAME_BUF, end);
      const qtype = this.short();
      const qclass = this.short();
      this.host.raise(event, this.conn(), this.msg(), asciiLower(name), qtype, qclass, name);
    } else this.skip(4);
    return true;
  }

  private answerHeader(): boolean {
    this.nw = 0;
    const end = this.nameInto(true, NAME_ROOM, 0);
    if (end < 0) return false;
    if (this.n < 4) {
      this.host.weird("DNS_truncated_ans_too_short");
      return false;
    }
    for (let i = 0; i < end; i++) QNAME_BUF[i] = NAME_BUF[i]!;
    this.qnameLen = end;
    this.qnameText = null;
    this.atype = this.short();
    this.aclass = this.short();
    return true;
  }

  /** One resource record (Zeek's ParseAnswer). */
  private rr(): boolean {
    if (!this.answerHeader()) return false;
    this.ttl = this.long();
    const rdlength = this.short();
    if (rdlength > this.n) {
      this.host.weird("DNS_truncated_RR_rdlength_lt_len");
      return false;
    }
    if (this.dynamicUpdate) {
      const r = this.updateRecord(rdlength);
      if (r !== undefined) return r;
    }
    if (rdlength === 0 && this.n > 0) {
      if (this.dynamicUpdate) return true;
      this.host.weird("DNS_zero_rdlength");
      return false;
    }
    return this.rdata(rdlength);
  }

  /** Dynamic update prerequisites and updates: a verdict, or undefined to parse the record as usual. */
  private updateRecord(rdlength: number): boolean | undefined {
    const host = this.host;
    if (this.answerType === DnsAnswerType.UPDATE) {
      if (this.aclass === CLASS_ANY && this.ttl === 0 && rdlength === 0) {
        if (this.on("dns_dynamic_update_del")) host.raise("dns_dynamic_update_del", this.conn(), this.msg(), this.answer());
        return true;
      }
      if (!((this.aclass === CLASS_NONE && this.ttl === 0) || this.aclass === this.zclass)) {
        host.weird("DNS_dynamic_update_invalid_update");
        return true;
      }
    } else if (this.answerType === DnsAnswerType.PREREQUISITE) {
      if (this.ttl !== 0) {
        host.weird("DNS_dynamic_update_prereq_nonzero_ttl", `${this.ttl | 0}`);
        return true;
      }
      if (((this.aclass === CLASS_ANY || this.aclass === CLASS_NONE) && rdlength === 0) || this.aclass === this.zclass) {
        if (this.on("dns_dynamic_update_pre")) host.raise("dns_dynamic_update_pre", this.conn(), this.msg(), this.answer());
      } else host.weird("DNS_dynamic_update_invalid_prereq");
      // Zeek does not read a prerequisite's data (nor skip it).
      return true;
    }
    return undefined;
  }

  /** The record's data by type (Zeek's switch in ParseAnswer). */
  private rdata(rdlength: number): boolean {
    switch (this.atype) {
      case T.A:
        return this.rrA(rdlength);
      case T.A6:
      case T.AAAA:
        return this.rrAAAA();
      case T.NS:
      case T.CNAME:
      case T.PTR:
        return this.rrName(rdlength);
      case T.SOA:
        return this.rrSOA(rdlength);
      case T.WKS:
        return this.rrWKS(rdlength);
      case T.HINFO:
        return this.rrHINFO(rdlength);
      case T.MX:
        return this.rrMX(rdlength);
      case T.TXT:
        return this.rrTXT(rdlength, "dns_TXT_reply");
      case T.SPF:
        return this.rrTXT(rdlength, "dns_SPF_reply");
      case T.CAA:
        return this.rrCAA(rdlength);
      case T.NBS:
        this.skip(rdlength);
        return true;
      case T.SRV:
        // On NetBIOS, type 33 is NBSTAT, which Zeek does not parse (nor skip).
        return this.respNetbios ? true : this.rrSRV(rdlength);
      case T.NAPTR:
        return this.rrNAPTR(rdlength);
      case T.EDNS:
        return this.rrEDNS(rdlength);
      case T.TKEY:
        return this.rrTKEY(rdlength);
      case T.TSIG:
        return this.rrTSIG();
      case T.RRSIG:
        return this.rrRRSIG(rdlength);
      case T.DNSKEY:
        return this.rrDNSKEY(rdlength);
      case T.NSEC:
        return this.rrNSEC(rdlength);
      case T.NSEC3:
        return this.rrNSEC3(rdlength);
      case T.NSEC3PARAM:
        return this.rrNSEC3PARAM(rdlength);
      case T.DS:
        return this.rrDS(rdlength);
      case T.BINDS:
        return this.rrBINDS(rdlength);
      case T.SSHFP:
        return this.rrSSHFP(rdlength);
      case T.LOC:
        return this.rrLOC(rdlength);
      case T.SVCB:
        return this.rrSVCB(rdlength, "dns_SVCB");
      case T.HTTPS:
        return this.rrSVCB(rdlength, "dns_HTTPS");
      default:
        if (this.on("dns_unknown_reply")) this.host.raise("dns_unknown_reply", this.conn(), this.msg(), this.answer());
        this.host.weird("DNS_RR_unknown_type", `${this.atype}`);
        this.skip(rdlength);
        return true;
    }
  }

  // ------------------------------------------------------------------ record types

  private rrA(rdlength: number): boolean {
    if (rdlength !== 4) {
      this.host.weird("DNS_RR_bad_length");
      return false;
    }
    const a = this.long();
    if (this.on("dns_A_reply")) {
      this.host.raise("dns_A_reply", this.conn(), this.msg(), this.answer(), `${a >>> 24}.${(a >>> 16) & 0xff}.${(a >>> 8) & 0xff}.${a & 0xff}`);
    }
    return true;
  }

  private rrAAAA(): boolean {
    // Zeek reads 16 bytes whatever the rdlength says.
    const w0 = this.long();
    const w1 = this.long();
    const w2 = this.long();
    const w3 = this.long();
    const event = this.atype === T.AAAA ? "dns_AAAA_reply" : "dns_A6_reply";
    if (this.on(event)) this.host.raise(event, this.conn(), this.msg(), this.answer(), formatV6(w0, w1, w2, w3));
    return true;
  }

  /** Reports DNS_RR_length_mismatch when a record's parts did not add up to its rdlength. */
  private lengthCheck(start: number, rdlength: number): void {
    if (this.p - start !== rdlength) this.host.weird("DNS_RR_length_mismatch");
  }

  private rrName(rdlength: number): boolean {
    const start = this.p;
    const name = this.name();
    if (name === null) return false;
    this.lengthCheck(start, rdlength);
    const event = this.atype === T.NS ? "dns_NS_reply" : this.atype === T.PTR ? "dns_PTR_reply" : "dns_CNAME_reply";
    if (this.on(event)) this.host.raise(event, this.conn(), this.msg(), this.answer(), name);
    return true;
  }

  private rrSOA(rdlength: number): boolean {
    const start = this.p;
    const mname = this.name();
    if (mname === null) return false;
    const rname = this.name();
    if (rname === null) return false;
    if (this.n < 20) return false;
    const serial = this.long();
    const refresh = this.long();
    const retry = this.long();
    const expire = this.long();
    const minimum = this.long();
    this.lengthCheck(start, rdlength);
    if (this.on("dns_SOA_reply")) {
      this.host.raise("dns_SOA_reply", this.conn(), this.msg(), this.answer(), { mname, rname, serial: DOUBLE_ZERO + serial, refresh, retry, expire, minimum });
    }
    return true;
  }

  private rrWKS(rdlength: number): boolean {
    if (!this.on("dns_WKS_reply")) {
      this.skip(rdlength);
      return true;
    }
    // Zeek raises the event without reading (or skipping) the record's data.
    this.host.raise("dns_WKS_reply", this.conn(), this.msg(), this.answer());
    return true;
  }

  private rrHINFO(rdlength: number): boolean {
    if (!this.on("dns_HINFO_reply")) {
      this.skip(rdlength);
      return true;
    }
    this.rd = rdlength;
    const cpu = this.charString();
    const os = this.charString();
    this.host.raise("dns_HINFO_reply", this.conn(), this.msg(), this.answer(), cpu ?? "", os ?? "");
    return this.rd === 0;
  }

  private rrMX(rdlength: number): boolean {
    const start = this.p;
    const preference = this.short();
    const name = this.name();
    if (name === null) return false;
    this.lengthCheck(start, rdlength);
    if (this.on("dns_MX_reply")) this.host.raise("dns_MX_reply", this.conn(), this.msg(), this.answer(), name, preference);
    return true;
  }

  private rrTXT(rdlength: number, event: "dns_TXT_reply" | "dns_SPF_reply"): boolean {
    if (!this.on(event)) {
      this.skip(rdlength);
      return true;
    }
    this.rd = rdlength;
    const strs: string[] = [];
    for (let s = this.charString(); s !== null; s = this.charString()) strs.push(s);
    this.host.raise(event, this.conn(), this.msg(), this.answer(), strs);
    return this.rd === 0;
  }

  private rrCAA(rdlength: number): boolean {
    if (!this.on("dns_CAA_reply")) {
      this.skip(rdlength);
      return true;
    }
    let flags = this.short();
    const tagLen = flags & 0xff;
    flags >>= 8;
    let rd = rdlength - 2;
    if (tagLen >= rd) {
      this.host.weird("DNS_CAA_char_str_past_rdlen");
      return false;
    }
    const tag = this.bytes(this.p, tagLen);
    this.skip(tagLen);
    rd -= tagLen;
    const value = this.bytes(this.p, rd);
    this.skip(rd);
    this.host.raise("dns_CAA_reply", this.conn(), this.msg(), this.answer(), flags, tag, value);
    return true;
  }

  private rrSRV(rdlength: number): boolean {
    const start = this.p;
    const priority = this.short();
    const weight = this.short();
    const port = this.short();
    const name = this.name();
    if (name === null) return false;
    this.lengthCheck(start, rdlength);
    if (this.on("dns_SRV_reply")) this.host.raise("dns_SRV_reply", this.conn(), this.msg(), this.answer(), name, priority, weight, port);
    return true;
  }

  private rrNAPTR(rdlength: number): boolean {
    const order = this.short();
    const preference = this.short();
    this.rd = rdlength - 4;
    if (this.n <= 0 || this.rd <= 0) {
      this.host.violation("DNS_NAPTR_too_short");
      return false;
    }
    const flags = this.charString();
    const service = this.charString();
    const regexp = this.charString();
    const replacement = this.name(false);
    if (flags === null || service === null || regexp === null || replacement === null) {
      this.host.violation("DNS_NAPTR_RR_too_short");
      return false;
    }
    if (this.on("dns_NAPTR_reply")) {
      this.host.raise("dns_NAPTR_reply", this.conn(), this.msg(), this.answer(), { order, preference, flags, service, regexp, replacement });
    }
    return true;
  }

  private rrEDNS(rdlength: number): boolean {
    const host = this.host;
    if (this.on("dns_EDNS_addl")) {
      const ttl = this.ttl;
      host.raise("dns_EDNS_addl", this.conn(), this.msg(), {
        query: this.qname,
        qtype: this.answerType,
        t: this.atype,
        payload_size: this.aclass,
        extended_rcode: (((ttl >>> 24) & 0xff) << 4) | (this.flags & 0xf),
        version: (ttl >>> 16) & 0xff,
        z_field: ttl & 0xffff,
        TTL: ttl,
        is_query: this.isQuery,
      });
    }
    let remaining = rdlength;
    while (remaining >= 4) {
      const code = this.short();
      const optLen = this.short();
      remaining -= 4;
      if (optLen > remaining) {
        host.weird("EDNS_truncated_option");
        return false;
      }
      const at = this.p;
      if (code === EDNS_ECS) this.ednsEcs(at, optLen);
      else if (code === EDNS_TCP_KA) this.ednsKeepalive(at, optLen);
      else if (code === EDNS_COOKIE) this.ednsCookie(at, optLen);
      this.skip(optLen);
      remaining -= optLen;
    }
    if (remaining !== 0) {
      host.weird("EDNS_truncated_option");
      return false;
    }
    return true;
  }

  private ednsEcs(at: number, optLen: number): void {
    const host = this.host;
    if (optLen <= 4) {
      host.weird("EDNS_ECS_invalid_option_len");
      return;
    }
    const d = this.d;
    const family = ((d[at] ?? 0) << 8) | (d[at + 1] ?? 0);
    const source = d[at + 2] ?? 0;
    const scope = d[at + 3] ?? 0;
    const addrAt = at + 4;
    const have = optLen - 4;
    const v4 = family === 1;
    if (!v4 && family !== 2) return;
    const max = v4 ? 32 : 128;
    const tag = v4 ? "v4" : "v6";
    if (source > max) {
      host.weird(`EDNS_ECS_invalid_addr_${tag}_prefix`, `${source} bits`);
      return;
    }
    if (source > have * 8) {
      host.weird(`EDNS_ECS_invalid_addr_${tag}`, `need ${source} bits, have ${have * 8} bits`);
      return;
    }
    const bytes = new Uint8Array(16);
    const take = Math.ceil(source / 8);
    for (let i = 0; i < take; i++) bytes[i] = d[addrAt + i] ?? 0;
    const w = (i: number): number => ((bytes[i]! << 24) | (bytes[i + 1]! << 16) | (bytes[i + 2]! << 8) | bytes[i + 3]!) >>> 0;
    const address = v4 ? `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}` : formatV6(w(0), w(4), w(8), w(12));
    if (host.wants("dns_EDNS_ecs")) {
      host.raise("dns_EDNS_ecs", this.conn(), this.msg(), { family: tag, source_prefix_len: source, scope_prefix_len: scope, address });
    }
  }

  private ednsKeepalive(at: number, optLen: number): void {
    if (optLen !== 0 && optLen !== 2) return;
    const omitted = optLen === 0;
    const timeout = omitted ? 0 : ((this.d[at] ?? 0) << 8) | (this.d[at + 1] ?? 0);
    // RFC 7828: keepalive must not be negotiated over UDP.
    if (this.udp) this.host.weird("EDNS_TCP_Keepalive_In_UDP");
    if (this.host.wants("dns_EDNS_tcp_keepalive")) {
      this.host.raise("dns_EDNS_tcp_keepalive", this.conn(), this.msg(), { keepalive_timeout_omitted: omitted, keepalive_timeout: timeout });
    }
  }

  private ednsCookie(at: number, optLen: number): void {
    // An 8-byte client cookie, then none or an 8 to 32-byte server cookie.
    if (optLen !== 8 && !(optLen >= 16 && optLen <= 40)) return;
    if (!this.host.wants("dns_EDNS_cookie")) return;
    const client = this.bytes(at, 8);
    const server = optLen >= 16 ? this.bytes(at + 8, optLen - 8) : "";
    this.host.raise("dns_EDNS_cookie", this.conn(), this.msg(), { client_cookie: client, server_cookie: server });
  }

  private rrTSIG(): boolean {
    const alg = this.name(true, TSIG_NAME_ROOM);
    if (alg === null) return false;
    const timeS = this.long();
    const timeMs = this.short();
    const fudge = this.short();
    const mac = this.octets();
    const origId = this.short();
    const rrError = this.short();
    this.octets(); // other data
    if (this.host.wants("dns_TSIG_addl")) {
      this.host.raise("dns_TSIG_addl", this.conn(), this.msg(), {
        query: this.qname,
        qtype: this.answerType,
        alg_name: alg,
        sig: mac,
        time_signed: timeS + timeMs / 1000,
        fudge,
        orig_id: origId,
        rr_error: rrError,
        is_query: this.isQuery,
      });
    }
    return true;
  }

  private rrTKEY(rdlength: number): boolean {
    if (!this.on("dns_TKEY")) {
      this.skip(rdlength);
      return true;
    }
    if (this.n < 16) return false;
    const alg = this.name();
    if (alg === null) return false;
    const inception = this.long();
    const expiration = this.long();
    const mode = this.short();
    const error = this.short();
    const key = this.octets();
    this.octets(); // other data
    this.host.raise("dns_TKEY", this.conn(), this.msg(), {
      query: this.qname,
      qtype: this.answerType,
      alg_name: alg,
      inception,
      expiration,
      mode,
      rr_error: error,
      key_data: key,
      is_query: this.isQuery,
    });
    return true;
  }

  private rrRRSIG(rdlength: number): boolean {
    if (!this.on("dns_RRSIG")) {
      this.skip(rdlength);
      return true;
    }
    if (this.n < 18) return false;
    const typeCovered = this.short();
    const algoLabels = this.short();
    const algo = (algoLabels >> 8) & 0xff;
    const labels = algoLabels & 0xff;
    const origTtl = this.long();
    const sigExp = this.long();
    const sigIncep = this.long();
    const keyTag = this.short();
    const start = this.p;
    const signer = this.name();
    if (signer === null) return false;
    const signature = this.stream(rdlength - (this.p - start + 18));
    const w = algoWeird(algo);
    if (w !== "") this.host.weird(`DNSSEC_RRSIG_${w}`, `${algo}`);
    this.host.raise("dns_RRSIG", this.conn(), this.msg(), this.answer(), {
      query: this.qname,
      answer_type: this.answerType,
      type_covered: typeCovered,
      algorithm: algo,
      labels,
      orig_ttl: origTtl,
      sig_exp: sigExp,
      sig_incep: sigIncep,
      key_tag: keyTag,
      signer_name: signer,
      signature,
      is_query: this.isQuery,
    });
    return true;
  }

  private rrDNSKEY(rdlength: number): boolean {
    if (!this.on("dns_DNSKEY")) {
      this.skip(rdlength);
      return true;
    }
    if (this.n < 4) return false;
    const flags = this.short();
    const protoAlgo = this.short();
    const protocol = (protoAlgo >> 8) & 0xff;
    const algorithm = protoAlgo & 0xff;
    const key = this.stream(rdlength - 4);
    const host = this.host;
    // Flags: bit 7 zone key, bit 8 revoked, bit 15 secure entry point.
    if ((flags & 0xfe7e) !== 0) host.weird("DNSSEC_DNSKEY_Invalid_Flag", `${flags}`);
    if ((flags & 0x0181) === 0x0181) host.weird("DNSSEC_DNSKEY_Revoked_KSK", `${flags}`);
    if (protocol !== 3) host.weird("DNSSEC_DNSKEY_Invalid_Protocol", `${protocol}`);
    const w = algoWeird(algorithm);
    if (w !== "") host.weird(`DNSSEC_DNSKEY_${w}`, `${algorithm}`);
    host.raise("dns_DNSKEY", this.conn(), this.msg(), this.answer(), {
      query: this.qname,
      answer_type: this.answerType,
      flags,
      protocol,
      algorithm,
      public_key: key,
      is_query: this.isQuery,
    });
    return true;
  }

  /** NSEC/NSEC3 type bitmaps: windows of (block, length, bitmap) within `left` bytes. */
  private bitmaps(left: number, weird: string): string[] {
    const out: string[] = [];
    while (left > 0 && this.n > 0) {
      const blockLen = this.short();
      const win = (blockLen >> 8) & 0xff;
      const bmlen = blockLen & 0xff;
      if (bmlen === 0) {
        this.host.weird(weird, `${win}`);
        break;
      }
      out.push(this.stream(bmlen));
      left -= 2 + bmlen;
    }
    return out;
  }

  private rrNSEC(rdlength: number): boolean {
    if (!this.on("dns_NSEC")) {
      this.skip(rdlength);
      return true;
    }
    const start = this.p;
    const next = this.name();
    if (next === null) return false;
    const maps = this.bitmaps(rdlength - (this.p - start), "DNSSEC_NSEC_bitmapLen0");
    this.host.raise("dns_NSEC", this.conn(), this.msg(), this.answer(), next, maps);
    return true;
  }

  private rrNSEC3(rdlength: number): boolean {
    if (!this.on("dns_NSEC3")) {
      this.skip(rdlength);
      return true;
    }
    if (this.n < 6) return false;
    const start = this.p;
    const algoFlags = this.short();
    const iter = this.short();
    const saltLen = this.n > 0 ? this.byte() : 0;
    const salt = this.stream(saltLen);
    const hashLen = this.n > 0 ? this.byte() : 0;
    const hash = this.stream(hashLen);
    const maps = this.bitmaps(rdlength - (this.p - start), "DNSSEC_NSEC3_bitmapLen0");
    this.host.raise("dns_NSEC3", this.conn(), this.msg(), this.answer(), {
      query: this.qname,
      answer_type: this.answerType,
      nsec_flags: algoFlags & 0xff,
      nsec_hash_algo: (algoFlags >> 8) & 0xff,
      nsec_iter: iter,
      nsec_salt_len: saltLen,
      nsec_salt: salt,
      nsec_hlen: hashLen,
      nsec_hash: hash,
      bitmaps: maps,
      is_query: this.isQuery,
    });
    return true;
  }

  private rrNSEC3PARAM(rdlength: number): boolean {
    if (!this.on("dns_NSEC3PARAM")) {
      this.skip(rdlength);
      return true;
    }
    if (this.n < 5) return false;
    const algoFlags = this.short();
    const iter = this.short();
    const saltLen = this.n > 0 ? this.byte() : 0;
    const salt = this.stream(saltLen);
    this.host.raise("dns_NSEC3PARAM", this.conn(), this.msg(), this.answer(), {
      query: this.qname,
      answer_type: this.answerType,
      nsec_flags: algoFlags & 0xff,
      nsec_hash_algo: (algoFlags >> 8) & 0xff,
      nsec_iter: iter,
      nsec_salt_len: saltLen,
      nsec_salt: salt,
      is_query: this.isQuery,
    });
    return true;
  }

  private rrDS(rdlength: number): boolean {
    if (!this.on("dns_DS")) {
      this.skip(rdlength);
      return true;
    }
    if (this.n < 4) return false;
    const keyTag = this.short();
    const algoType = this.short();
    const algorithm = (algoType >> 8) & 0xff;
    const digestType = algoType & 0xff;
    const digest = this.stream(rdlength - 4);
    if (digestType === 0) this.host.weird("DNSSEC_DS_ReservedDigestType", `${digestType}`);
    else if (digestType > 4) this.host.weird("DNSSEC_DS_unknown_DigestType", `${digestType}`);
    this.host.raise("dns_DS", this.conn(), this.msg(), this.answer(), {
      query: this.qname,
      answer_type: this.answerType,
      key_tag: keyTag,
      algorithm,
      digest_type: digestType,
      digest_val: digest,
      is_query: this.isQuery,
    });
    return true;
  }

  private rrBINDS(rdlength: number): boolean {
    if (!this.on("dns_BINDS")) {
      this.skip(rdlength);
      return true;
    }
    if (this.n < 5) return false;
    const v = this.long();
    const complete = this.byte();
    this.host.raise("dns_BINDS", this.conn(), this.msg(), this.answer(), {
      query: this.qname,
      answer_type: this.answerType,
      algorithm: (v >>> 24) & 0xff,
      key_id: (v >>> 8) & 0xffff,
      removal_flag: v & 0xff,
      complete_flag: complete,
      is_query: this.isQuery,
    });
    return true;
  }

  private rrSSHFP(rdlength: number): boolean {
    if (!this.on("dns_SSHFP")) {
      this.skip(rdlength);
      return true;
    }
    if (this.n < 2) return false;
    const v = this.short();
    const fingerprint = this.stream(rdlength - 2);
    this.host.raise("dns_SSHFP", this.conn(), this.msg(), this.answer(), (v >> 8) & 0xff, v & 0xff, fingerprint);
    return true;
  }

  private rrLOC(rdlength: number): boolean {
    if (rdlength !== 16) {
      this.host.weird("dns_invalid_loc_length");
      return false;
    }
    if (!this.on("dns_LOC")) {
      this.skip(rdlength);
      return true;
    }
    const d = this.d;
    const at = this.p;
    const u32 = (i: number): number => (((d[i] ?? 0) << 24) | ((d[i + 1] ?? 0) << 16) | ((d[i + 2] ?? 0) << 8) | (d[i + 3] ?? 0)) >>> 0;
    const version = d[at] ?? 0;
    this.skip(16);
    if (version !== 0) this.host.weird("DNS_LOC_version_unrecognized", `${version}`);
    this.host.raise("dns_LOC", this.conn(), this.msg(), this.answer(), {
      query: this.qname,
      answer_type: this.answerType,
      version,
      size: d[at + 1] ?? 0,
      horiz_pre: d[at + 2] ?? 0,
      vert_pre: d[at + 3] ?? 0,
      latitude: u32(at + 4),
      longitude: u32(at + 8),
      altitude: u32(at + 12),
      is_query: this.isQuery,
    });
    return true;
  }

  private rrSVCB(rdlength: number, event: "dns_SVCB" | "dns_HTTPS"): boolean {
    if (rdlength < 3) {
      this.host.weird("DNS_SVCB_wrong_length");
      return false;
    }
    const start = this.p;
    const priority = this.short();
    let target = this.name(false);
    if (target === null) return false;
    // The root target means the owner name itself: Zeek writes ".".
    if (target === "") target = ".";
    const paramsLen = rdlength - (this.p - start);
    let params: DnsSvcbParam[] | undefined;
    if (paramsLen > 0) {
      if (priority === 0) this.host.weird("DNS_SVCB_aliasmode_with_params");
      params = this.svcParams(paramsLen);
    }
    if (this.host.wants(event)) {
      const rr = params === undefined ? { svc_priority: priority, target_name: target } : { svc_priority: priority, target_name: target, svc_params: params };
      this.host.raise(event, this.conn(), this.msg(), this.answer(), rr);
    }
    return true;
  }

  private svcParams(left: number): DnsSvcbParam[] {
    const host = this.host;
    const out: DnsSvcbParam[] = [];
    while (left >= 4) {
      const key = this.short();
      let valueLen = this.short();
      left -= 4;
      const param: DnsSvcbParam = { key };
      let malformed = false;
      if (valueLen > left) {
        host.weird("DNS_SVCB_param_value_toobig", `${valueLen} capped to ${left}`);
        valueLen = left;
        malformed = true;
      } else {
        switch (key) {
          case 0: {
            if (valueLen === 0 || valueLen % 2 !== 0) {
              host.weird("DNS_SVCB_mandatory_length_invalid");
              malformed = true;
              break;
            }
            const keys: number[] = [];
            for (let i = 0; i + 2 <= valueLen; i += 2) keys.push(this.short());
            param.mandatory = keys;
            break;
          }
          case 1: {
            const start = this.p;
            const startN = this.n;
            const alpn: string[] = [];
            let parsed = 0;
            let bad = false;
            while (parsed + 2 <= valueLen) {
              const l = this.byte();
              parsed += 1;
              if (l === 0 || l + parsed > valueLen) {
                bad = true;
                break;
              }
              alpn.push(this.stream(l));
              parsed += l;
            }
            if (bad || parsed !== valueLen) {
              host.weird("DNS_SVCB_alpn_length_invalid");
              this.p = start;
              this.n = startN;
              malformed = true;
              break;
            }
            if (alpn.length > 0) param.alpn = alpn;
            break;
          }
          case 2:
            if (valueLen > 0) {
              host.weird("DNS_SVCB_nodefaultalpn_value");
              malformed = true;
            }
            break;
          case 3:
            if (valueLen !== 2) {
              host.weird("DNS_SVCB_port_length_invalid");
              malformed = true;
              break;
            }
            param.p = this.short();
            break;
          case 4:
          case 6: {
            const size = key === 4 ? 4 : 16;
            if (valueLen % size !== 0) {
              host.weird("DNS_SVCB_hint_length_invalid");
              malformed = true;
              break;
            }
            const hints: string[] = [];
            const d = this.d;
            for (let i = 0; i + size <= valueLen; i += size) {
              const a = this.p;
              if (size === 4) hints.push(`${d[a] ?? 0}.${d[a + 1] ?? 0}.${d[a + 2] ?? 0}.${d[a + 3] ?? 0}`);
              else hints.push(formatV6(this.word(a), this.word(a + 4), this.word(a + 8), this.word(a + 12)));
              this.skip(size);
            }
            if (hints.length > 0) param.hint = hints;
            break;
          }
          case 5:
            param.ech = Buffer.from(this.stream(valueLen), "latin1").toString("base64");
            break;
          default:
            host.weird("DNS_SVCB_key_reserved_or_invalid");
            malformed = true;
        }
      }
      if (malformed) param.raw = this.stream(valueLen);
      out.push(param);
      left -= valueLen;
    }
    return out;
  }

  private word(i: number): number {
    const d = this.d;
    return (((d[i] ?? 0) << 24) | ((d[i + 1] ?? 0) << 16) | ((d[i + 2] ?? 0) << 8) | (d[i + 3] ?? 0)) >>> 0;
  }
}

const EMPTY = new Uint8Array(0);
/**
 * The name buffer, shared by every interpreter (a message is parsed in one
 * synchronous call): as Zeek's, a pointed-to part is written after the labels
 * that precede its pointer.
 */
const NAME_BUF = new Uint8Array(TSIG_NAME_ROOM + 1);
/** The current record's owner name, kept while the record's data names use NAME_BUF. */
const QNAME_BUF = new Uint8Array(TSIG_NAME_ROOM + 1);

/** The first `end` bytes of `buf` as a latin1 string. */
function bufString(buf: Uint8Array, end: number): string {
  if (end <= 32) {
    let s = "";
    for (let i = 0; i < end; i++) s += String.fromCharCode(buf[i]!);
    return s;
  }
  return String.fromCharCode.apply(null, buf.subarray(0, end) as unknown as number[]);
}

/** An IPv6 address from four words (an IPv4-mapped one prints as IPv4, as Zeek's addr does). */
function formatV6(w0: number, w1: number, w2: number, w3: number): string {
  return formatAddr(w0, w1, w2, w3);
}
