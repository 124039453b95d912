/**
 * ldap.log and ldap_search.log: Zeek's base/protocols/ldap/main.zeek,
 * written against the LDAP events.
 *
 * - A connection keeps its unfinished messages and searches by message id
 *   (Zeek's tables, iterated in Zeek's order when flushed). A message row
 *   is written at the operation that finishes it (bind, modify, add,
 *   delete, modify DN, compare and extended responses, unbind and abandon
 *   requests); a search row at its SearchResultDone, counting the entries
 *   before it; what is left at the connection's end is written then (ids
 *   above 0 only).
 * - LDAP::max_pending_messages / max_pending_searches (10; 0: no bound):
 *   a new id beyond them writes and forgets the pending ones, with the
 *   weirds LDAP_max_pending_messages_exceeded / _searches_exceeded.
 * - The opcode is the operation's word ("bind simple", "bind SASL",
 *   "sicily_negotiate", … for binds); an extended request's object gets its
 *   name ("1.3.6.1.4.1.1466.20037 (StartTLS)"); a simple bind's password is
 *   "REDACTED" unless LDAP::default_capture_password; ldap_search.log's
 *   attributes only with LDAP::default_log_search_attributes.
 * - A field that changes within one message id is a weird
 *   (LDAP_message_*_change, LDAP_search_*_change), as are a bind response
 *   without request (LDAP_bind_without_opcode), a second bind request
 *   (LDAP_bind_opcode_already_set) and an unknown auth type.
 */
import type { Connection } from "../../../event/records.js";
import { bytesToLogText } from "../../../log/escape.js";
import type { LogManager } from "../../../log/manager.js";
import { CONN_ID_COLUMNS, fields, type LogField } from "../../../log/schema.js";
import type { AnalyzerScriptHost } from "../../../scripts/host.js";
import type { ProtocolScript } from "../../../scripts/protocols.js";
import { registerRemovalHook, removalHook } from "../../../scripts/removal-hooks.js";
import { ZeekTable } from "../../../zeek-table/table.js";
import {
  authTypeName,
  BindAuth,
  derefName,
  derefWord,
  extendedRequestName,
  Op,
  opcodeName,
  opcodeWord,
  RESULT_UNDEF,
  resultWord,
  scopeName,
  scopeWord,
} from "./consts.js";
import "./events.js";

export const LDAP_FIELDS: readonly LogField[] = fields(
  ...CONN_ID_COLUMNS,
  ["message_id", "int"],
  ["version", "int"],
  ["opcode", "string"],
  ["result", "string"],
  ["diagnostic_message", "string"],
  ["object", "string"],
  ["argument", "string"],
);

export const LDAP_SEARCH_FIELDS: readonly LogField[] = fields(
  ...CONN_ID_COLUMNS,
  ["message_id", "int"],
  ["scope", "string"],
  ["deref_aliases", "string"],
  ["base_object", "string"],
  ["result_count", "count"],
  ["result", "string"],
  ["diagnostic_message", "string"],
  ["filter", "string"],
  ["attributes", "vector[string]"],
);

/** LDAP::MessageInfo. */
interface MessageInfo {
  ts: number;
  message_id: number;
  version?: number;
  opcode?: string;
  result?: string;
  diagnostic_message?: string;
  object?: string;
  argument?: string;
}

/** LDAP::SearchInfo. */
interface SearchInfo {
  ts: number;
  message_id: number;
  scope?: string;
  deref_aliases?: string;
  base_object?: string;
  result_count: number;
  result?: string;
  diagnostic_message?: string;
  filter?: string;
  attributes?: string[];
}

/** LDAP::State. */
interface State {
  messages: ZeekTable<number, MessageInfo>;
  searches: ZeekTable<number, SearchInfo>;
}

const BIND_SIMPLE = "bind simple";
const SEARCH_RESULT_DONE = opcodeName(Op.SEARCH_RESULT_DONE);
const EXTENDED_REQUEST = opcodeName(Op.EXTENDED_REQUEST);
const SCOPE_UNDEF = scopeName(null);
const DEREF_UNDEF = derefName(null);

/** OPCODES_FINISHED: operations whose message is written at once. */
const FINISHED = new Set(
  [
    Op.BIND_RESPONSE,
    Op.UNBIND_REQUEST,
    Op.SEARCH_RESULT_DONE,
    Op.MODIFY_RESPONSE,
    Op.ADD_RESPONSE,
    Op.DEL_RESPONSE,
    Op.MOD_DN_RESPONSE,
    Op.COMPARE_RESPONSE,
    Op.ABANDON_REQUEST,
    Op.EXTENDED_RESPONSE,
  ].map(opcodeName),
);

/** OPCODES_SEARCH. */
const SEARCH = new Set([Op.SEARCH_REQUEST, Op.SEARCH_RESULT_ENTRY, Op.SEARCH_RESULT_DONE, Op.SEARCH_RESULT_REFERENCE].map(opcodeName));

/** The bind opcodes by auth type (the others: the type's name, with a weird). */
const BIND_OPCODES = new Map([
  [authTypeName(BindAuth.SIMPLE), BIND_SIMPLE],
  [authTypeName(BindAuth.SASL), "bind SASL"],
  [authTypeName(BindAuth.SICILY_NEGOTIATE), "sicily_negotiate"],
  [authTypeName(BindAuth.SICILY_RESPONSE), "sicily_response"],
]);

export function loadLdapLog(host: AnalyzerScriptHost, logs: LogManager): void {
  const log = logs.open({ path: "ldap", fields: LDAP_FIELDS });
  const searchLog = logs.open({ path: "ldap_search", fields: LDAP_SEARCH_FIELDS });
  const states = new WeakMap<Connection, State>();
  const settings = host.settings;
  const weird = (c: Connection, name: string, addl: string): void => host.connWeird(name, c, addl, "LDAP");

  // The wire's strings are bytes (one character each): the log shows them as Zeek's does.
  const text = (v: string | undefined): string | undefined => (v === undefined ? v : bytesToLogText(v));
  const writeMessage = (c: Connection, m: MessageInfo): void => {
    const id = [m.ts, c.uid, c.id.orig_h, c.id.orig_p, c.id.resp_h, c.id.resp_p];
    log.write([...id, m.message_id, m.version, m.opcode, m.result, text(m.diagnostic_message), text(m.object), text(m.argument)]);
  };
  const writeSearch = (c: Connection, s: SearchInfo): void => {
    const row = [s.ts, c.uid, c.id.orig_h, c.id.orig_p, c.id.resp_h, c.id.resp_p, s.message_id, s.scope, s.deref_aliases, text(s.base_object)];
    searchLog.write([...row, s.result_count, s.result, text(s.diagnostic_message), text(s.filter), s.attributes?.map((a) => bytesToLogText(a))]);
  };
  /** log_messages / log_searches: the pending rows in the table's order, ids above 0. */
  const flush = <T>(c: Connection, t: ZeekTable<number, T>, write: (c: Connection, r: T) => void): void => {
    for (const [id, r] of t.entries()) if (id > 0) write(c, r);
  };

  const finalize = removalHook(host, (c) => {
    const st = states.get(c);
    if (st === undefined) return;
    states.delete(c);
    flush(c, st.messages, writeMessage);
    flush(c, st.searches, writeSearch);
  });

  const state = (c: Connection): State => {
    let st = states.get(c);
    if (st === undefined) {
      st = { messages: new ZeekTable(host.tableHash.count), searches: new ZeekTable(host.tableHash.count) };
      states.set(c, st);
      registerRemovalHook(c, finalize);
    }
    return st;
  };

  /**
   * set_session: the record of message `id` in table `t`, made now if
   * missing; a table already holding `max` records (0: no bound) is first
   * written out and emptied, with the weird `exceeded`.
   */
  const session = <T>(
    c: Connection,
    t: ZeekTable<number, T>,
    id: number,
    max: number,
    exceeded: string,
    write: (c: Connection, r: T) => void,
    make: () => T,
  ): T => {
    let r = t.get(id);
    if (r === undefined) {
      if (max > 0 && t.size >= max) {
        weird(c, exceeded, `${t.size}`);
        flush(c, t, write);
        t.clear();
      }
      r = make();
      t.set(id, r);
    }
    return r;
  };
  const search = (c: Connection, id: number): SearchInfo =>
    session(c, state(c).searches, id, settings["LDAP::max_pending_searches"], "LDAP_max_pending_searches_exceeded", writeSearch, () => ({
      ts: host.clock.now,
      message_id: id,
      result_count: 0,
    }));
  const messageInfo = (c: Connection, id: number): MessageInfo =>
    session(c, state(c).messages, id, settings["LDAP::max_pending_messages"], "LDAP_max_pending_messages_exceeded", writeMessage, () => ({
      ts: host.clock.now,
      message_id: id,
    }));

  /** A field set again with another value is a weird "<id>: old -> new". */
  const change = (c: Connection, name: string, id: number, old: string | undefined, now: string): void => {
    if (old !== undefined && old !== now) weird(c, name, `${id}: ${old} -> ${now}`);
  };
  /** Sets a string field of `r`, with that weird (LDAP_<kind>_<field>_change) when it had another value. */
  const update = <R extends { message_id: number }>(c: Connection, r: R, field: keyof R & string, now: string, kind: "message" | "search"): void => {
    change(c, `LDAP_${kind}_${field}_change`, r.message_id, r[field] as string | undefined, now);
    (r as Record<string, unknown>)[field] = now;
  };

  const searchDone = (c: Connection, id: number, result: string, diag: string): void => {
    const s = search(c, id);
    if (result !== RESULT_UNDEF) update(c, s, "result", resultWord(result), "search");
    if (diag !== "") update(c, s, "diagnostic_message", diag, "search");
    writeSearch(c, s);
    state(c).searches.delete(id);
  };

  host.on("LDAP::message", (c, id, opcode, result, _dn, diag, object, argument) => {
    if (opcode === SEARCH_RESULT_DONE) return searchDone(c, id, result, diag);
    // Searches are handled by LDAP::search_request and LDAP::search_result_entry.
    if (SEARCH.has(opcode)) return;
    const m = messageInfo(c, id);
    const word = opcodeWord(opcode);
    // A bind's opcode comes from its request (LDAP::bind_request).
    if (word !== "bind") update(c, m, "opcode", word, "message");
    else if (m.opcode === undefined) {
      weird(c, "LDAP_bind_without_opcode", `${id}: ${word}`);
      m.opcode = word;
    }
    if (result !== RESULT_UNDEF) update(c, m, "result", resultWord(result), "message");
    if (diag !== "") update(c, m, "diagnostic_message", diag, "message");
    if (object !== "") {
      change(c, "LDAP_message_object_change", id, m.object, object);
      m.object = opcode === EXTENDED_REQUEST ? `${object} (${extendedRequestName(object)})` : object;
    }
    if (argument !== "") update(c, m, "argument", m.opcode === BIND_SIMPLE && !settings["LDAP::default_capture_password"] ? "REDACTED" : argument, "message");
    if (FINISHED.has(opcode)) {
      writeMessage(c, m);
      state(c).messages.delete(id);
    }
  });

  host.on("LDAP::search_request", (c, id, base, scope, deref, _size, _time, _typesOnly, filter, attributes) => {
    const s = search(c, id);
    if (scope !== SCOPE_UNDEF) update(c, s, "scope", scopeWord(scope), "search");
    if (deref !== DEREF_UNDEF) update(c, s, "deref_aliases", derefWord(deref), "search");
    if (base !== "") update(c, s, "base_object", base, "search");
    update(c, s, "filter", filter, "search");
    if (settings["LDAP::default_log_search_attributes"]) {
      if (s.attributes !== undefined && s.attributes.join("\0") !== attributes.join("\0")) {
        weird(c, "LDAP_search_attributes_change", `${id}: [${s.attributes.join(", ")}] -> [${attributes.join(", ")}]`);
      }
      s.attributes = attributes;
    }
  });

  host.on("LDAP::search_result_entry", (c, id) => {
    search(c, id).result_count += 1;
  });

  host.on("LDAP::bind_request", (c, id, version, _name, authType) => {
    const m = messageInfo(c, id);
    if (m.version === undefined) m.version = version;
    if (m.opcode !== undefined) weird(c, "LDAP_bind_opcode_already_set", m.opcode);
    const opcode = BIND_OPCODES.get(authType);
    if (opcode === undefined) weird(c, "LDAP_unknown_auth_type", authType);
    m.opcode = opcode ?? authType;
  });
}

export const LDAP_SCRIPT: ProtocolScript = {
  script: "base/protocols/ldap",
  load: (host, logs) => loadLdapLog(host, logs),
};
