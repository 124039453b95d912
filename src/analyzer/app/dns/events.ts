/**
 * The DNS analyzer's events and their records, as Zeek declares them
 * (events.bif of the DNS analyzer, the dns_* records of init-bare.zeek).
 * Strings hold one byte per character (latin1): names and character strings
 * are raw bytes off the wire. Addresses are in Zeek's text form. Times and
 * intervals are seconds.
 */
import { registerEvents } from "../../../event/events.js";
import type { Connection } from "../../../event/records.js";

/** Zeek's dns_msg: one message's header. */
export interface DnsMsg {
  id: number;
  opcode: number;
  rcode: number;
  QR: boolean;
  AA: boolean;
  TC: boolean;
  RD: boolean;
  RA: boolean;
  /** The 3-bit Z field (with AD and CD in it). */
  Z: number;
  AD: boolean;
  CD: boolean;
  num_queries: number;
  num_answers: number;
  num_auth: number;
  num_addl: number;
  is_netbios: boolean;
}

/** Zeek's answer types (dns_answer$answer_type): DNS_QUERY, DNS_ANS, DNS_AUTH, DNS_ADDL, DNS_PREREQUISITE, DNS_UPDATE. */
export const enum DnsAnswerType {
  QUERY = 0,
  ANS = 1,
  AUTH = 2,
  ADDL = 3,
  PREREQUISITE = 4,
  UPDATE = 5,
}

/** Zeek's dns_answer: the common part of a resource record. */
export interface DnsAnswer {
  answer_type: number;
  query: string;
  qtype: number;
  qclass: number;
  TTL: number;
}

export interface DnsSoa {
  mname: string;
  rname: string;
  serial: number;
  refresh: number;
  retry: number;
  expire: number;
  minimum: number;
}

export interface DnsEdnsAdditional {
  query: string;
  qtype: number;
  t: number;
  payload_size: number;
  extended_rcode: number;
  version: number;
  z_field: number;
  TTL: number;
  is_query: number;
}

export interface DnsEdnsEcs {
  family: string;
  source_prefix_len: number;
  scope_prefix_len: number;
  address: string;
}

export interface DnsEdnsTcpKeepalive {
  keepalive_timeout_omitted: boolean;
  keepalive_timeout: number;
}

export interface DnsEdnsCookie {
  client_cookie: string;
  server_cookie: string;
}

export interface DnsTkey {
  query: string;
  qtype: number;
  alg_name: string;
  inception: number;
  expiration: number;
  mode: number;
  rr_error: number;
  key_data: string;
  is_query: number;
}

export interface DnsTsigAdditional {
  query: string;
  qtype: number;
  alg_name: string;
  sig: string;
  time_signed: number;
  fudge: number;
  orig_id: number;
  rr_error: number;
  is_query: number;
}

export interface DnsRrsigRr {
  query: string;
  answer_type: number;
  type_covered: number;
  algorithm: number;
  labels: number;
  orig_ttl: number;
  sig_exp: number;
  sig_incep: number;
  key_tag: number;
  signer_name: string;
  signature: string;
  is_query: number;
}

export interface DnsDnskeyRr {
  query: string;
  answer_type: number;
  flags: number;
  protocol: number;
  algorithm: number;
  public_key: string;
  is_query: number;
}

export interface DnsNsec3Rr {
  query: string;
  answer_type: number;
  nsec_flags: number;
  nsec_hash_algo: number;
  nsec_iter: number;
  nsec_salt_len: number;
  nsec_salt: string;
  nsec_hlen: number;
  nsec_hash: string;
  bitmaps: string[];
  is_query: number;
}

export interface DnsNsec3paramRr {
  query: string;
  answer_type: number;
  nsec_flags: number;
  nsec_hash_algo: number;
  nsec_iter: number;
  nsec_salt_len: number;
  nsec_salt: string;
  is_query: number;
}

export interface DnsDsRr {
  query: string;
  answer_type: number;
  key_tag: number;
  algorithm: number;
  digest_type: number;
  digest_val: string;
  is_query: number;
}

export interface DnsBindsRr {
  query: string;
  answer_type: number;
  algorithm: number;
  key_id: number;
  removal_flag: number;
  complete_flag: number;
  is_query: number;
}

export interface DnsLocRr {
  query: string;
  answer_type: number;
  version: number;
  size: number;
  horiz_pre: number;
  vert_pre: number;
  latitude: number;
  longitude: number;
  altitude: number;
  is_query: number;
}

/** One SvcParam of an SVCB/HTTPS record (only the field of its key is set; `raw` for reserved keys and malformed values). */
export interface DnsSvcbParam {
  key: number;
  mandatory?: number[];
  alpn?: string[];
  p?: number;
  hint?: string[];
  ech?: string;
  raw?: string;
}

export interface DnsSvcbRr {
  svc_priority: number;
  target_name: string;
  svc_params?: DnsSvcbParam[];
}

export interface DnsNaptrRr {
  order: number;
  preference: number;
  flags: string;
  service: string;
  regexp: string;
  replacement: string;
}

export interface DnsEvents {
  dns_message: [c: Connection, is_orig: boolean, msg: DnsMsg, len: number];
  dns_request: [c: Connection, msg: DnsMsg, query: string, qtype: number, qclass: number, original_query: string];
  dns_rejected: [c: Connection, msg: DnsMsg, query: string, qtype: number, qclass: number, original_query: string];
  dns_query_reply: [c: Connection, msg: DnsMsg, query: string, qtype: number, qclass: number, original_query: string];
  dns_A_reply: [c: Connection, msg: DnsMsg, ans: DnsAnswer, a: string];
  dns_AAAA_reply: [c: Connection, msg: DnsMsg, ans: DnsAnswer, a: string];
  dns_A6_reply: [c: Connection, msg: DnsMsg, ans: DnsAnswer, a: string];
  dns_NS_reply: [c: Connection, msg: DnsMsg, ans: DnsAnswer, name: string];
  dns_CNAME_reply: [c: Connection, msg: DnsMsg, ans: DnsAnswer, name: string];
  dns_PTR_reply: [c: Connection, msg: DnsMsg, ans: DnsAnswer, name: string];
  dns_SOA_reply: [c: Connection, msg: DnsMsg, ans: DnsAnswer, soa: DnsSoa];
  dns_WKS_reply: [c: Connection, msg: DnsMsg, ans: DnsAnswer];
  dns_HINFO_reply: [c: Connection, msg: DnsMsg, ans: DnsAnswer, cpu: string, os: string];
  dns_MX_reply: [c: Connection, msg: DnsMsg, ans: DnsAnswer, name: string, preference: number];
  dns_TXT_reply: [c: Connection, msg: DnsMsg, ans: DnsAnswer, strs: string[]];
  dns_SPF_reply: [c: Connection, msg: DnsMsg, ans: DnsAnswer, strs: string[]];
  dns_CAA_reply: [c: Connection, msg: DnsMsg, ans: DnsAnswer, flags: number, tag: string, value: string];
  dns_SRV_reply: [c: Connection, msg: DnsMsg, ans: DnsAnswer, target: string, priority: number, weight: number, p: number];
  dns_NAPTR_reply: [c: Connection, msg: DnsMsg, ans: DnsAnswer, naptr: DnsNaptrRr];
  dns_unknown_reply: [c: Connection, msg: DnsMsg, ans: DnsAnswer];
  dns_EDNS_addl: [c: Connection, msg: DnsMsg, ans: DnsEdnsAdditional];
  dns_EDNS_ecs: [c: Connection, msg: DnsMsg, opt: DnsEdnsEcs];
  dns_EDNS_tcp_keepalive: [c: Connection, msg: DnsMsg, opt: DnsEdnsTcpKeepalive];
  dns_EDNS_cookie: [c: Connection, msg: DnsMsg, opt: DnsEdnsCookie];
  dns_TKEY: [c: Connection, msg: DnsMsg, ans: DnsTkey];
  dns_TSIG_addl: [c: Connection, msg: DnsMsg, ans: DnsTsigAdditional];
  dns_RRSIG: [c: Connection, msg: DnsMsg, ans: DnsAnswer, rrsig: DnsRrsigRr];
  dns_DNSKEY: [c: Connection, msg: DnsMsg, ans: DnsAnswer, dnskey: DnsDnskeyRr];
  dns_NSEC: [c: Connection, msg: DnsMsg, ans: DnsAnswer, next_name: string, bitmaps: string[]];
  dns_NSEC3: [c: Connection, msg: DnsMsg, ans: DnsAnswer, nsec3: DnsNsec3Rr];
  dns_NSEC3PARAM: [c: Connection, msg: DnsMsg, ans: DnsAnswer, nsec3param: DnsNsec3paramRr];
  dns_DS: [c: Connection, msg: DnsMsg, ans: DnsAnswer, ds: DnsDsRr];
  dns_BINDS: [c: Connection, msg: DnsMsg, ans: DnsAnswer, binds: DnsBindsRr];
  dns_SSHFP: [c: Connection, msg: DnsMsg, ans: DnsAnswer, algo: number, fptype: number, fingerprint: string];
  dns_LOC: [c: Connection, msg: DnsMsg, ans: DnsAnswer, loc: DnsLocRr];
  dns_SVCB: [c: Connection, msg: DnsMsg, ans: DnsAnswer, svcb: DnsSvcbRr];
  dns_HTTPS: [c: Connection, msg: DnsMsg, ans: DnsAnswer, https: DnsSvcbRr];
  dns_end: [c: Connection, msg: DnsMsg];
  dns_dynamic_update: [c: Connection, msg: DnsMsg, zname: string, zclass: number];
  dns_dynamic_update_pre: [c: Connection, msg: DnsMsg, ans: DnsAnswer];
  dns_dynamic_update_del: [c: Connection, msg: DnsMsg, ans: DnsAnswer];
}

declare module "../../../event/events.js" {
  interface EventMap extends DnsEvents {}
}

registerEvents<DnsEvents>({
  dns_message: true,
  dns_request: true,
  dns_rejected: true,
  dns_query_reply: true,
  dns_A_reply: true,
  dns_AAAA_reply: true,
  dns_A6_reply: true,
  dns_NS_reply: true,
  dns_CNAME_reply: true,
  dns_PTR_reply: true,
  dns_SOA_reply: true,
  dns_WKS_reply: true,
  dns_HINFO_reply: true,
  dns_MX_reply: true,
  dns_TXT_reply: true,
  dns_SPF_reply: true,
  dns_CAA_reply: true,
  dns_SRV_reply: true,
  dns_NAPTR_reply: true,
  dns_unknown_reply: true,
  dns_EDNS_addl: true,
  dns_EDNS_ecs: true,
  dns_EDNS_tcp_keepalive: true,
  dns_EDNS_cookie: true,
  dns_TKEY: true,
  dns_TSIG_addl: true,
  dns_RRSIG: true,
  dns_DNSKEY: true,
  dns_NSEC: true,
  dns_NSEC3: true,
  dns_NSEC3PARAM: true,
  dns_DS: true,
  dns_BINDS: true,
  dns_SSHFP: true,
  dns_LOC: true,
  dns_SVCB: true,
  dns_HTTPS: true,
  dns_end: true,
  dns_dynamic_update: true,
  dns_dynamic_update_pre: true,
  dns_dynamic_update_del: true,
});
