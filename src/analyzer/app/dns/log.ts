/**
 * dns.log: Zeek's base/protocols/dns/main.zeek as bronze's script, written
 * against the DNS events.
 *
 * - Each message (standard query, notify, dynamic update) gets a session
 *   record: a query waits for its reply and a reply for its query, paired by
 *   transaction id on the same connection (the first pending query is the
 *   fast path; further ones queue by id; replies without a query queue too).
 * - dns_request fills the question, the reply events add answers and TTLs;
 *   a record is written at dns_end once both its query and its reply were
 *   seen. To multicast destinations (mDNS, LLMNR) replies come on other
 *   flows, so every message is written by itself.
 * - At most DNS::max_pending_query_ids ids and DNS::max_pending_msgs per id
 *   wait; past that the waiting ones are written as they are.
 * - When the connection goes away (connection_state_remove, Zeek's removal
 *   hook), every query and reply still waiting is written.
 * - With policy/protocols/dns/log-original-query-case, an original_query
 *   column: a standard query's name as sent (`query` is lower-cased).
 * - policy/protocols/dns/disable-opcode-log-fields takes &log off opcode and
 *   opcode_name: the last two base columns are left out.
 */
import type { Connection } from "../../../event/records.js";
import type { LogManager } from "../../../log/manager.js";
import { CONN_ID_COLUMNS, fields, type LogField, type LogValue } from "../../../log/schema.js";
import type { LogWriter } from "../../../log/writer.js";
import type { AnalyzerScriptHost, ScriptHost } from "../../../scripts/host.js";
import { extendedFields, extendRow, loadedExtensions, type RecordExtension } from "../../../scripts/record-extensions.js";
import { type RemovalHook, registerRemovalHook, removalHook } from "../../../scripts/removal-hooks.js";
import { scriptsLoadedBy } from "../../../scripts/script-loads.js";
import { ZeekTable, zeekSetOrder } from "../../../zeek-table/table.js";
import { className, netbiosOpcodeName, opcodeName, queryTypeName, rcodeName } from "./consts.js";
import { type DnsAnswer, DnsAnswerType, type DnsMsg } from "./events.js";

export const DNS_FIELDS: readonly LogField[] = fields(
  ...CONN_ID_COLUMNS,
  ["proto", "enum"],
  ["trans_id", "count"],
  ["rtt", "interval"],
  ["query", "string"],
  ["qclass", "count"],
  ["qclass_name", "string"],
  ["qtype", "count"],
  ["qtype_name", "string"],
  ["rcode", "count"],
  ["rcode_name", "string"],
  ["AA", "bool"],
  ["TC", "bool"],
  ["RD", "bool"],
  ["RA", "bool"],
  ["Z", "count"],
  ["answers", "vector[string]"],
  ["TTLs", "vector[interval]"],
  ["rejected", "bool"],
  ["opcode", "count"],
  ["opcode_name", "string"],
);

/** policy/protocols/dns/disable-opcode-log-fields: dns.log without its last two columns, opcode and opcode_name. */
const DISABLE_OPCODE_SCRIPT = "policy/protocols/dns/disable-opcode-log-fields";
const OPCODE_COLUMNS = 2;
const DNS_FIELDS_WITHOUT_OPCODE: readonly LogField[] = DNS_FIELDS.slice(0, -OPCODE_COLUMNS);

/** policy/protocols/dns/log-original-query-case: the query as it came, before lower-casing (standard queries only). */
const ORIGINAL_QUERY: RecordExtension<DnsInfo> = {
  script: "policy/protocols/dns/log-original-query-case",
  fields: fields(["original_query", "string"]),
  values: (i) => [i.original_query],
};

/**
 * policy/protocols/dns/auth-addl: the names and addresses of a standard
 * reply's authority and additional sections (set[string], Zeek's set
 * order); its redefs turn off dns_skip_all_auth and dns_skip_all_addl.
 */
const AUTH_ADDL_SCRIPT = "policy/protocols/dns/auth-addl";

function authAddl(): RecordExtension<DnsInfo> {
  let order: (set: ReadonlySet<string>) => string[] = (set) => [...set];
  const ordered = (set: ReadonlySet<string> | undefined) => (set === undefined ? undefined : order(set));
  return {
    script: AUTH_ADDL_SCRIPT,
    fields: fields(["auth", "set[string]"], ["addl", "set[string]"]),
    values: (i) => [ordered(i.auth), ordered(i.addl)],
    load(host) {
      host.settings.dns_skip_all_auth = false;
      host.settings.dns_skip_all_addl = false;
      order = (set) => zeekSetOrder(host.tableHash.string, set);
    },
  };
}

/** DNS::max_pending_msgs and DNS::max_pending_query_ids. */
const MAX_PENDING_MSGS = 50;
const MAX_PENDING_QUERY_IDS = 50;

const OP_QUERY = 0;
const OP_NOTIFY = 4;
const OP_DYNAMIC_UPDATE = 5;
const CLASS_NONE = 254;
const CLASS_ANY = 255;
const TYPE_ANY = 255;
const NETBIOS_NS_PORT = 137;

/** DNS::Info: one dns.log row in the making. */
export interface DnsInfo {
  ts: number;
  uid: string;
  c: Connection;
  trans_id: number;
  rtt?: number;
  query?: string;
  qclass?: number;
  qclass_name?: string;
  qtype?: number;
  qtype_name?: string;
  rcode?: number;
  rcode_name?: string;
  AA: boolean;
  TC: boolean;
  RD: boolean;
  RA: boolean;
  Z: number;
  answers?: string[];
  TTLs?: number[];
  rejected: boolean;
  opcode?: number;
  opcode_name?: string;
  /** log-original-query-case's column. */
  original_query?: string;
  auth?: Set<string>;
  addl?: Set<string>;
  total_answers?: number;
  total_replies?: number;
  saw_query: boolean;
  saw_reply: boolean;
}

/** DNS::State: a connection's unmatched queries and replies, plus the message being worked on (c$dns). */
interface DnsState {
  current: DnsInfo | null;
  pendingQuery: DnsInfo | null;
  /** DNS::PendingMessages (table[count] of Queue): written, and picked from, in Zeek's table order. */
  pendingQueries: PendingMessages | null;
  pendingReplies: PendingMessages | null;
}

type PendingMessages = ZeekTable<number, DnsInfo[]>;

function tracked(msg: DnsMsg): boolean {
  return msg.opcode === OP_QUERY || msg.opcode === OP_DYNAMIC_UPDATE || msg.opcode === OP_NOTIFY;
}

/** DNS::multicast_subnets: 224.0.0.0/4 and ff00::/8. */
function multicast(addr: string): boolean {
  if (addr.includes(":")) return /^ff[0-9a-f]{2}:/.test(addr);
  const first = parseInt(addr, 10);
  return first >= 224 && first <= 239;
}

/** Zeek's decode_netbios_name: the 32-letter encoding of a NetBIOS name, or "" when it is not one. */
export function decodeNetbiosName(name: string): string {
  if (name.length !== 32) return "";
  const up = (c: number): number => (c >= 0x61 && c <= 0x7a ? c - 32 : c);
  const buf: number[] = [];
  for (let i = 0; i < 16; i++) {
    const c0 = up(name.charCodeAt(2 * i));
    const c1 = up(name.charCodeAt(2 * i + 1));
    if (c0 < 0x41 || c0 > 0x50 || c1 < 0x41 || c1 > 0x50) return "";
    const b = ((c0 - 0x41) << 4) + (c1 - 0x41);
    // Letters, digits, punctuation, space, and \x01 \x02 (seen as a first pair) pass; anything else ends the name.
    if (!((b > 0x20 && b < 0x7f) || b === 0x20 || b < 3)) break;
    buf.push(b);
  }
  // The 16th byte is the name's type, not part of it.
  let length = Math.min(buf.length, 15);
  while (length > 0 && (buf[length - 1] === 0x20 || buf[length - 1] === 0)) length--;
  return String.fromCharCode(...buf.slice(0, length));
}

/** Each host's dns.log script, for the scripts that reach a connection's record (Zeek's c$dns). */
const logsByHost = new WeakMap<ScriptHost, DnsLog>();

/**
 * c$dns: the dns.log record of the message connection `c` is handling on
 * `host` (set at dns_message, priority 5), undefined when there is none.
 * Scripts may change it as Zeek's do (`c$dns$answers += …`): it is written
 * as it is at dns_end, or when the connection goes.
 */
export function dnsInfoOf(host: AnalyzerScriptHost, c: Connection): DnsInfo | undefined {
  return logsByHost.get(host)?.current(c) ?? undefined;
}

export class DnsLog {
  private readonly log: LogWriter;
  private readonly states = new WeakMap<Connection, DnsState>();
  /** finalize_dns, a connection removal hook. */
  private readonly finalizeHook: RemovalHook;

  /** policy/protocols/dns/log-original-query-case and auth-addl are loaded: what they collect. */
  private readonly originalQuery: boolean;
  private readonly authAddl: boolean;

  constructor(
    private readonly host: ScriptHost & Pick<AnalyzerScriptHost, "clock" | "tableHash">,
    logs: LogManager,
    /** The loaded column scripts' extensions, in load order. */
    private readonly extensions: readonly RecordExtension<DnsInfo>[] = [],
    /** False with disable-opcode-log-fields. */
    private readonly opcodeColumns = true,
  ) {
    this.originalQuery = extensions.some((e) => e.script === ORIGINAL_QUERY.script);
    this.authAddl = extensions.some((e) => e.script === AUTH_ADDL_SCRIPT);
    this.log = logs.open({ path: "dns", fields: extendedFields(opcodeColumns ? DNS_FIELDS : DNS_FIELDS_WITHOUT_OPCODE, extensions) });
    logsByHost.set(host, this);
    const on = host.on.bind(host);
    on(
      "dns_message",
      (c, _isOrig, msg) => {
        if (tracked(msg)) this.setSession(c, msg, !msg.QR);
      },
      { priority: 5 },
    );
    on("dns_request", (c, msg, query, qtype, qclass, original) => this.request(c, msg, query, qtype, qclass, original), { priority: 5 });
    on(
      "dns_rejected",
      (c) => {
        const info = this.current(c);
        if (info !== null) info.rejected = true;
      },
      { priority: 5 },
    );
    on(
      "dns_end",
      (c, msg) => {
        const info = this.current(c);
        if (info === null) return;
        if (msg.QR) info.saw_reply = true;
        else info.saw_query = true;
      },
      { priority: 5 },
    );
    on(
      "dns_end",
      (c) => {
        const state = this.states.get(c);
        const info = state?.current ?? null;
        if (info?.saw_reply && info.saw_query) {
          this.write(info);
          state!.current = null;
        }
      },
      { priority: -5 },
    );
    this.finalizeHook = removalHook(host, (c) => this.finalize(c));

    const reply = this.reply.bind(this);
    on("dns_unknown_reply", (c, msg, ans) => reply(c, msg, ans, `<unknown type=${ans.qtype}>`), { priority: 5 });
    const addr = (kind: string) => (c: Connection, msg: DnsMsg, ans: DnsAnswer, a: string) =>
      reply(c, msg, ans, msg.opcode === OP_DYNAMIC_UPDATE && !msg.is_netbios ? `${kind} ${ans.query} ${a}` : a);
    on("dns_A_reply", addr("A"), { priority: 5 });
    on("dns_AAAA_reply", addr("AAAA"), { priority: 5 });
    on("dns_A6_reply", addr("A6"), { priority: 5 });
    const strings = (kind: string) => (c: Connection, msg: DnsMsg, ans: DnsAnswer, strs: string[]) =>
      reply(c, msg, ans, strs.map((s) => `${kind} ${s.length} ${s}`).join(" "));
    on("dns_TXT_reply", strings("TXT"), { priority: 5 });
    on("dns_SPF_reply", strings("SPF"), { priority: 5 });
    on("dns_NS_reply", (c, msg, ans, name) => reply(c, msg, ans, name), { priority: 5 });
    on("dns_CNAME_reply", (c, msg, ans, name) => reply(c, msg, ans, name), { priority: 5 });
    on("dns_MX_reply", (c, msg, ans, name) => reply(c, msg, ans, name), { priority: 5 });
    on("dns_PTR_reply", (c, msg, ans, name) => reply(c, msg, ans, name), { priority: 5 });
    on("dns_SOA_reply", (c, msg, ans, soa) => reply(c, msg, ans, soa.mname), { priority: 5 });
    on("dns_WKS_reply", (c, msg, ans) => reply(c, msg, ans, ""), { priority: 5 });
    on("dns_SRV_reply", (c, msg, ans, target) => reply(c, msg, ans, target), { priority: 5 });
    on(
      "dns_NAPTR_reply",
      (c, msg, ans, naptr) => {
        let tail = naptr.regexp;
        if (naptr.replacement.length > 0) tail += (tail.length > 0 ? " " : "") + naptr.replacement;
        reply(c, msg, ans, `NAPTR ${naptr.order} ${naptr.preference} ${naptr.flags} ${naptr.service} ${tail}`);
      },
      { priority: 5 },
    );
    on("dns_RRSIG", (c, msg, ans, rrsig) => reply(c, msg, ans, `RRSIG ${rrsig.type_covered} ${rrsig.signer_name === "" ? "<Root>" : rrsig.signer_name}`), {
      priority: 5,
    });
    on("dns_DNSKEY", (c, msg, ans, key) => reply(c, msg, ans, `DNSKEY ${key.algorithm}`), { priority: 5 });
    on("dns_NSEC", (c, msg, ans, next) => reply(c, msg, ans, `NSEC ${ans.query} ${next}`), { priority: 5 });
    on("dns_NSEC3", (c, msg, ans) => reply(c, msg, ans, "NSEC3"), { priority: 5 });
    on("dns_NSEC3PARAM", (c, msg, ans) => reply(c, msg, ans, "NSEC3PARAM"), { priority: 5 });
    on("dns_DS", (c, msg, ans, ds) => reply(c, msg, ans, `DS ${ds.algorithm} ${ds.digest_type}`), { priority: 5 });
    on("dns_BINDS", (c, msg, ans) => reply(c, msg, ans, "BIND9 signing signal"), { priority: 5 });
    on("dns_SSHFP", (c, msg, ans, _algo, _fptype, fp) => reply(c, msg, ans, `SSHFP: ${hex(fp)}`), { priority: 5 });
    on("dns_LOC", (c, msg, ans, loc) => reply(c, msg, ans, `LOC:  ${loc.size} ${loc.horiz_pre} ${loc.vert_pre}`), { priority: 5 });
    on(
      "dns_dynamic_update_pre",
      (c, msg, ans) => {
        let what: string;
        if (ans.qclass === CLASS_NONE && ans.qtype === TYPE_ANY) what = `NameNotInUse ${ans.query}`;
        else if (ans.qclass === CLASS_ANY && ans.qtype === TYPE_ANY) what = `NameInUse ${ans.query}`;
        else if (ans.qclass === CLASS_NONE) what = `NoRRSet ${queryTypeName(ans.qtype)} ${ans.query}`;
        else what = `RRSetExists ${queryTypeName(ans.qtype)} ${ans.query}`;
        reply(c, msg, ans, `pre: ${what}`);
      },
      { priority: 5 },
    );
    on(
      "dns_dynamic_update_del",
      (c, msg, ans) => {
        let what: string;
        if (ans.qclass === CLASS_ANY && ans.qtype === TYPE_ANY) what = `RRSet * ${ans.query}`;
        else if (ans.qclass === CLASS_NONE) what = `RR ${queryTypeName(ans.qtype)} ${ans.query}`;
        else what = `RRSet ${queryTypeName(ans.qtype)}`;
        reply(c, msg, ans, `del: ${what}`);
      },
      { priority: 5 },
    );
  }

  /** c$dns: the record of the message `c` is handling. */
  current(c: Connection): DnsInfo | null {
    return this.states.get(c)?.current ?? null;
  }

  /** Every slot from birth, the optional ones too (filled in varying order, they gave the rows many shapes and megamorphic reads). */
  private newSession(c: Connection, transId: number): DnsInfo {
    return {
      ts: this.host.clock.now,
      uid: c.uid,
      c,
      trans_id: transId,
      rtt: undefined,
      query: undefined,
      qclass: undefined,
      qclass_name: undefined,
      qtype: undefined,
      qtype_name: undefined,
      rcode: undefined,
      rcode_name: undefined,
      AA: false,
      TC: false,
      RD: false,
      RA: false,
      Z: 0,
      answers: undefined,
      TTLs: undefined,
      rejected: false,
      opcode: undefined,
      opcode_name: undefined,
      original_query: undefined,
      auth: undefined,
      addl: undefined,
      total_answers: undefined,
      total_replies: undefined,
      saw_query: false,
      saw_reply: false,
    };
  }

  /** DNS::set_session: finds or makes the record this message belongs to. */
  private setSession(c: Connection, msg: DnsMsg, isQuery: boolean): void {
    let state = this.states.get(c);
    if (state === undefined) {
      state = { current: null, pendingQuery: null, pendingQueries: null, pendingReplies: null };
      this.states.set(c, state);
      registerRemovalHook(c, this.finalizeHook);
    }
    let info: DnsInfo;
    if (multicast(c.id.resp_h)) {
      info = this.newSession(c, msg.id);
      info.saw_query = info.saw_reply = true;
    } else if (isQuery) {
      const waiting = state.pendingReplies?.get(msg.id);
      if (waiting !== undefined && waiting.length > 0) info = pop(state.pendingReplies!, msg.id);
      else {
        info = this.newSession(c, msg.id);
        if (state.pendingQuery === null) state.pendingQuery = info;
        else this.enqueue((state.pendingQueries ??= this.pendingTable()), msg.id, info);
      }
    } else if (state.pendingQuery !== null && state.pendingQuery.trans_id === msg.id) {
      info = state.pendingQuery;
      state.pendingQuery = null;
      const queries = state.pendingQueries;
      if (queries !== null) {
        // Refill the fast path, with a query of the same id first, so that queue order holds.
        const same = queries.get(msg.id);
        if (same !== undefined && same.length > 0) state.pendingQuery = pop(queries, msg.id);
        else {
          // Zeek's "arbitrary" pick is the first waiting id in its table's order.
          for (const [id, q] of queries.entries()) {
            if (q.length > 0) {
              state.pendingQuery = pop(queries, id);
              break;
            }
          }
        }
      }
    } else {
      const waiting = state.pendingQueries?.get(msg.id);
      if (waiting !== undefined && waiting.length > 0) info = pop(state.pendingQueries!, msg.id);
      else {
        info = this.newSession(c, msg.id);
        this.enqueue((state.pendingReplies ??= this.pendingTable()), msg.id, info);
      }
    }
    state.current = info;
    if (!isQuery) {
      info.rcode = msg.rcode;
      info.rcode_name = rcodeName(msg.rcode);
      info.total_answers ??= msg.num_answers;
      info.total_replies ??= msg.num_answers + msg.num_addl + msg.num_auth;
      if (msg.rcode !== 0 && msg.num_queries === 0) info.rejected = true;
    }
    info.opcode = msg.opcode;
    info.opcode_name = msg.is_netbios ? netbiosOpcodeName(msg.opcode) : opcodeName(msg.opcode);
  }

  private pendingTable(): PendingMessages {
    return new ZeekTable(this.host.tableHash.count);
  }

  /** DNS's enqueue_new_msg: bounded waiting lists; overflow is written out. */
  private enqueue(msgs: PendingMessages, id: number, info: DnsInfo): void {
    const q = msgs.get(id);
    if (q === undefined) {
      if (msgs.size > MAX_PENDING_QUERY_IDS) this.writeAll(msgs);
      msgs.set(id, [info]);
      return;
    }
    if (q.length > MAX_PENDING_MSGS) {
      for (const i of q) this.write(i);
      msgs.set(id, [info]);
      return;
    }
    q.push(info);
  }

  /** log_unmatched_msgs: every waiting message, id by id in the table's order, then clear_table. */
  private writeAll(msgs: PendingMessages): void {
    for (const q of msgs.values()) for (const i of q) this.write(i);
    msgs.clear();
  }

  private request(c: Connection, msg: DnsMsg, query: string, qtype: number, qclass: number, original: string): void {
    if (!tracked(msg)) return;
    const info = this.current(c);
    if (info === null) return;
    info.RD = msg.RD;
    info.TC = msg.TC;
    info.qclass = qclass;
    info.qclass_name = className(qclass);
    info.qtype = qtype;
    info.qtype_name = queryTypeName(qtype);
    info.Z = msg.Z;
    if (c.id.resp_p === NETBIOS_NS_PORT && c.id.transport === "udp") {
      const decoded = decodeNetbiosName(query);
      if (decoded.length !== 0) query = decoded;
      // The SRV type number is NetBIOS's node status request.
      if (info.qtype_name === "SRV") info.qtype_name = "NBSTAT";
    }
    info.query = query;
    // log-original-query-case tracks standard queries only.
    if (this.originalQuery && msg.opcode === OP_QUERY) info.original_query = original;
  }

  /** DNS::do_reply: an answer of a reply goes into answers and TTLs. */
  private reply(c: Connection, msg: DnsMsg, ans: DnsAnswer, text: string): void {
    if (!tracked(msg) || !msg.QR) return;
    if (this.authAddl && msg.opcode === OP_QUERY && (ans.answer_type === DnsAnswerType.AUTH || ans.answer_type === DnsAnswerType.ADDL)) {
      const info = this.current(c);
      if (info !== null) {
        if (ans.answer_type === DnsAnswerType.AUTH) (info.auth ??= new Set()).add(text);
        else (info.addl ??= new Set()).add(text);
      }
    }
    if (ans.answer_type !== DnsAnswerType.ANS && ans.answer_type !== DnsAnswerType.PREREQUISITE && ans.answer_type !== DnsAnswerType.UPDATE) return;
    const info = this.current(c);
    if (info === null) return;
    info.query ??= ans.query;
    info.AA = msg.AA;
    info.RA = msg.RA;
    if (info.rtt === undefined) {
      const rtt = this.host.clock.now - info.ts;
      // No time between query and reply means only the reply was seen.
      if (rtt !== 0) info.rtt = rtt;
    }
    if (text === "") return;
    if (msg.opcode === OP_DYNAMIC_UPDATE && ans.answer_type === DnsAnswerType.UPDATE && !text.startsWith("del:")) text = `add: ${text}`;
    (info.answers ??= []).push(text);
    (info.TTLs ??= []).push(ans.TTL);
  }

  /** DNS::finalize_dns: writes whatever still waits for its other half. */
  private finalize(c: Connection): void {
    const state = this.states.get(c);
    if (state === undefined) return;
    this.states.delete(c);
    if (state.pendingQuery !== null) this.write(state.pendingQuery);
    if (state.pendingQueries !== null) this.writeAll(state.pendingQueries);
    if (state.pendingReplies !== null) this.writeAll(state.pendingReplies);
  }

  private write(info: DnsInfo): void {
    const id = info.c.id;
    const row: LogValue[] = [
      info.ts,
      info.uid,
      id.orig_h,
      id.orig_p,
      id.resp_h,
      id.resp_p,
      protoOfPort(info.c),
      info.trans_id,
      info.rtt,
      info.query,
      info.qclass,
      info.qclass_name,
      info.qtype,
      info.qtype_name,
      info.rcode,
      info.rcode_name,
      info.AA,
      info.TC,
      info.RD,
      info.RA,
      info.Z,
      info.answers,
      info.TTLs,
      info.rejected,
      info.opcode,
      info.opcode_name,
    ];
    if (!this.opcodeColumns) row.length -= OPCODE_COLUMNS;
    if (this.extensions.length > 0) extendRow(row, info, this.extensions);
    this.log.write(row);
  }
}

/** get_port_transport_proto(c$id$resp_p): the connection's transport. */
function protoOfPort(c: Connection): string {
  return c.id.transport;
}

function pop(msgs: PendingMessages, id: number): DnsInfo {
  const q = msgs.get(id)!;
  const info = q.shift()!;
  if (q.length === 0) msgs.delete(id);
  return info;
}

const HEX = "0123456789abcdef";

/** bytestring_to_hexstr: lower-case hex of each byte. */
function hex(s: string): string {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const b = s.charCodeAt(i) & 0xff;
    out += HEX[b >> 4]! + HEX[b & 15]!;
  }
  return out;
}

/** The protocol script entry (src/scripts/protocols.ts). */
export const DNS_SCRIPT = {
  script: "base/protocols/dns",
  load(host: AnalyzerScriptHost, logs: LogManager, loads: readonly string[]): void {
    const extensions = loadedExtensions([ORIGINAL_QUERY, authAddl()], loads);
    new DnsLog(host, logs, extensions, !scriptsLoadedBy(loads).has(DISABLE_OPCODE_SCRIPT));
    for (const e of extensions) e.load?.(host, logs);
  },
};
