/**
 * sip.log: Zeek's base/protocols/sip/main.zeek as bronze's script, written
 * against the SIP events.
 *
 * A connection keeps pending records by transaction number (Zeek's
 * SIP::State): requests fill the one of the current request number, replies
 * the one of the current response number; both start at 0, so a request and
 * its replies share a record (a new number is taken only when a header comes
 * for a number that has none). Every reply that ends (sip_end_entity) writes
 * the record; a final reply (not 1xx) removes it. A reply to a record without
 * a method, or a 2xx to a BYE, writes the other pending records (but the
 * one at 0) and forgets the connection's state; when the connection goes
 * away, every record still pending is written.
 */
import type { Connection } from "../../../event/records.js";
import { bytesToLogText } from "../../../log/escape.js";
import type { LogManager } from "../../../log/manager.js";
import { CONN_ID_COLUMNS, fields, type LogField } from "../../../log/schema.js";
import type { LogWriter } from "../../../log/writer.js";
import type { AnalyzerScriptHost } from "../../../scripts/host.js";
import { type RemovalHook, registerRemovalHook, removalHook } from "../../../scripts/removal-hooks.js";
import "./sip.js";

export const SIP_FIELDS: readonly LogField[] = fields(
  ...CONN_ID_COLUMNS,
  ["trans_depth", "count"],
  ["method", "string"],
  ["uri", "string"],
  ["date", "string"],
  ["request_from", "string"],
  ["request_to", "string"],
  ["response_from", "string"],
  ["response_to", "string"],
  ["reply_to", "string"],
  ["call_id", "string"],
  ["seq", "string"],
  ["subject", "string"],
  ["request_path", "vector[string]"],
  ["response_path", "vector[string]"],
  ["user_agent", "string"],
  ["status_code", "count"],
  ["status_msg", "string"],
  ["warning", "string"],
  ["request_body_len", "count"],
  ["response_body_len", "count"],
  ["content_type", "string"],
);

/** SIP::sip_methods. */
const SIP_METHODS = new Set(["REGISTER", "INVITE", "ACK", "CANCEL", "BYE", "OPTIONS", "NOTIFY", "SUBSCRIBE"]);
/** Whether a path holds SIP::max_request_path_length (or max_response_path_length) entries already; 0 is no bound. */
const pathFull = (path: readonly string[], max: number): boolean => max > 0 && path.length >= max;

/** SIP::Info. */
interface SipInfo {
  ts: number;
  c: Connection;
  trans_depth: number;
  method?: string;
  uri?: string;
  date?: string;
  request_from?: string;
  request_to?: string;
  response_from?: string;
  response_to?: string;
  reply_to?: string;
  call_id?: string;
  seq?: string;
  subject?: string;
  request_path: string[];
  response_path: string[];
  user_agent?: string;
  status_code?: number;
  status_msg?: string;
  warning?: string;
  request_body_len?: number;
  response_body_len?: number;
  content_type?: string;
}

/** SIP::State, with c$sip beside it. */
interface SipState {
  pending: Map<number, SipInfo>;
  currentRequest: number;
  currentResponse: number;
  current: SipInfo | null;
}

/** Zeek's `value as count` on a header value: decimal digits only. */
function asCount(value: string): number | undefined {
  return /^[0-9]+$/.test(value) && value.length < 20 ? Number(value) : undefined;
}

/** split_string1(value, re)[0]: the part before the first match. */
function before(value: string, re: RegExp): string {
  const m = re.exec(value);
  return m === null ? value : value.slice(0, m.index);
}

export class SipLog {
  private readonly log: LogWriter;
  private readonly states = new WeakMap<Connection, SipState>();
  /** finalize_sip, a connection removal hook. */
  private readonly finalize: RemovalHook;

  constructor(
    private readonly host: AnalyzerScriptHost,
    logs: LogManager,
  ) {
    this.log = logs.open({ path: "sip", fields: SIP_FIELDS });
    const on = host.on.bind(host);
    on(
      "sip_request",
      (c, method, uri) => {
        const info = this.setState(c, true);
        info.method = method;
        info.uri = uri;
        if (!SIP_METHODS.has(method)) host.connWeird("unknown_SIP_method", c, method);
      },
      { priority: 5 },
    );
    on(
      "sip_reply",
      (c, _version, code, reason) => {
        const info = this.setState(c, false);
        info.status_code = code;
        info.status_msg = reason;
      },
      { priority: 5 },
    );
    on("sip_header", (c, isRequest, name, value) => this.header(c, isRequest, name, value), { priority: 5 });
    on("sip_end_entity", (c, isRequest) => void this.setState(c, isRequest), { priority: 5 });
    on("sip_end_entity", (c, isRequest) => this.endEntity(c, isRequest), { priority: -5 });
    this.finalize = removalHook(host, (c) => {
      const state = this.states.get(c);
      if (state === undefined) return;
      this.states.delete(c);
      for (const info of state.pending.values()) this.write(info);
    });
  }

  private state(c: Connection): SipState {
    let state = this.states.get(c);
    if (state === undefined) {
      this.states.set(c, (state = { pending: new Map(), currentRequest: 0, currentResponse: 0, current: null }));
      registerRemovalHook(c, this.finalize);
    }
    return state;
  }

  /** set_state: the pending record of the current request (or response) number, made when missing, becomes c$sip. */
  private setState(c: Connection, isRequest: boolean): SipInfo {
    const state = this.state(c);
    const n = isRequest ? state.currentRequest : state.currentResponse;
    let info = state.pending.get(n);
    if (info === undefined) {
      info = { ts: this.host.clock.now, c, trans_depth: state.currentRequest, request_path: [], response_path: [] };
      state.pending.set(n, info);
    }
    state.current = info;
    return info;
  }

  private header(c: Connection, isRequest: boolean, name: string, value: string): void {
    const state = this.state(c);
    if (isRequest) {
      if (!state.pending.has(state.currentRequest)) state.currentRequest++;
      const info = this.setState(c, true);
      switch (name) {
        case "CALL-ID":
          info.call_id = value;
          break;
        case "CONTENT-LENGTH":
        case "L": {
          const n = asCount(value);
          if (n !== undefined) info.request_body_len = n;
          else this.host.connWeird("invalid_SIP_request_body_len", c, value);
          break;
        }
        case "CSEQ":
          info.seq = value;
          break;
        case "DATE":
          info.date = value;
          break;
        case "FROM":
        case "F":
          info.request_from = before(value, /;[ ]?tag=/);
          break;
        case "REPLY-TO":
          info.reply_to = value;
          break;
        case "SUBJECT":
        case "S":
          info.subject = value;
          break;
        case "TO":
        case "T":
          info.request_to = value;
          break;
        case "USER-AGENT":
          info.user_agent = value;
          break;
        case "VIA":
        case "V":
          if (pathFull(info.request_path, this.host.settings["SIP::max_request_path_length"])) this.host.connWeird("sip_max_request_path_length_exceeded", c);
          else info.request_path.push(before(value, /;[ ]?branch/));
          break;
      }
      state.pending.set(state.currentRequest, info);
    } else {
      if (!state.pending.has(state.currentResponse)) state.currentResponse++;
      const info = this.setState(c, false);
      switch (name) {
        case "CONTENT-LENGTH":
        case "L": {
          const n = asCount(value);
          if (n !== undefined) info.response_body_len = n;
          else this.host.connWeird("invalid_SIP_response_body_len", c, value);
          break;
        }
        case "CONTENT-TYPE":
        case "C":
          info.content_type = value;
          break;
        case "WARNING":
          info.warning = value;
          break;
        case "FROM":
        case "F":
          info.response_from = before(value, /;[ ]?tag=/);
          break;
        case "TO":
        case "T":
          info.response_to = value;
          break;
        case "VIA":
        case "V":
          if (pathFull(info.response_path, this.host.settings["SIP::max_response_path_length"]))
            this.host.connWeird("sip_max_response_path_length_exceeded", c);
          else info.response_path.push(before(value, /;[ ]?branch/));
          break;
      }
      state.pending.set(state.currentResponse, info);
    }
  }

  /** A reply ended: its record is written; a final one is done with. */
  private endEntity(c: Connection, isRequest: boolean): void {
    if (isRequest) return;
    const state = this.states.get(c);
    const info = state?.current;
    if (state === undefined || info === null || info === undefined) return;
    this.write(info);
    const code = info.status_code ?? 0;
    if (code < 100 || code >= 200) state.pending.delete(state.currentResponse);
    if (info.method === undefined || (info.method === "BYE" && code >= 200 && code < 300)) {
      for (const [n, pending] of state.pending) if (n !== 0) this.write(pending);
      this.states.delete(c);
    }
  }

  private write(info: SipInfo): void {
    const id = info.c.id;
    const t = (s: string | undefined): string | undefined => (s === undefined ? undefined : bytesToLogText(s));
    this.log.write([
      info.ts,
      info.c.uid,
      id.orig_h,
      id.orig_p,
      id.resp_h,
      id.resp_p,
      info.trans_depth,
      t(info.method),
      t(info.uri),
      t(info.date),
      t(info.request_from),
      t(info.request_to),
      t(info.response_from),
      t(info.response_to),
      t(info.reply_to),
      t(info.call_id),
      t(info.seq),
      t(info.subject),
      info.request_path.map(bytesToLogText),
      info.response_path.map(bytesToLogText),
      t(info.user_agent),
      info.status_code,
      t(info.status_msg),
      t(info.warning),
      info.request_body_len,
      info.response_body_len,
      t(info.content_type),
    ]);
  }
}

export const SIP_SCRIPT = {
  script: "base/protocols/sip",
  load(host: AnalyzerScriptHost, logs: LogManager): void {
    new SipLog(host, logs);
  },
};
