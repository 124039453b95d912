/**
 * The http script (Zeek's base/protocols/http: main.zeek, entities.zeek,
 * files.zeek, utils.zeek), written against the HTTP events: per connection,
 * the pending request/reply records paired for pipelining (trans_depth), the
 * columns each header fills, the files each body became (via file events),
 * and http.log, one row per transaction when its reply ends (or when the
 * connection goes away, or when too many requests wait: the limit weird
 * comes from the analyzer, which asks `httpPendingRequests`).
 *
 * It also names HTTP's files (get_file_handle): `httpFileHandle`.
 */
import { DOUBLE_ZERO } from "../../../doubles.js";
import type { Connection } from "../../../event/records.js";
import type { FaFile } from "../../../files/file.js";
import { zeekTimeText } from "../../../files/manager.js";
import { bytesToLogText } from "../../../log/escape.js";
import type { LogManager } from "../../../log/manager.js";
import { CONN_ID_COLUMNS, fields, type LogField, type LogValue } from "../../../log/schema.js";
import type { AnalyzerScriptHost } from "../../../scripts/host.js";
import type { ProtocolScript } from "../../../scripts/protocols.js";
import { extendedFields, loadedExtensions, type RecordExtension, writeExtended } from "../../../scripts/record-extensions.js";
import { type RemovalHook, registerRemovalHook, removalHook } from "../../../scripts/removal-hooks.js";
import "./events.js";
import "./trace.js";
import { idString } from "../../../scripts/conn-ids.js";
import { registerTunnel } from "../../../scripts/tunnel-log.js";
import type { KeyHash } from "../../../zeek-table/table.js";
import { ZeekTable, zeekSetOrder } from "../../../zeek-table/table.js";
import { type UriWeirds, unescapeUri } from "./http.js";
import { HTTP_POLICY_COLUMNS } from "./policy-columns.js";
import { HTTP_BROWSER_PLUGINS } from "./software-browser-plugins.js";
import { WINDOWS_VERSION_DETECTION } from "./windows-version-detection.js";

/** HTTP::max_pending_requests. */
export const HTTP_MAX_PENDING_REQUESTS = 100;
declare module "../../../event/hooks.js" {
  interface HookMap {
    /** HTTP::max_files_policy: a side's file past HTTP::max_files_orig/resp; a break (false) lets the file be logged anyway. */
    "HTTP::max_files_policy": [f: FaFile, is_orig: boolean];
  }
}

/** HTTP::http_methods: others get an unknown_HTTP_method weird. */
const HTTP_METHODS = new Set([
  "GET",
  "POST",
  "HEAD",
  "OPTIONS",
  "PUT",
  "DELETE",
  "TRACE",
  "CONNECT",
  "PROPFIND",
  "PROPPATCH",
  "MKCOL",
  "COPY",
  "MOVE",
  "LOCK",
  "UNLOCK",
  "POLL",
  "REPORT",
  "SUBSCRIBE",
  "BMOVE",
  "SEARCH",
  "QUERY",
]);

/** HTTP::proxy_headers. */
const PROXY_HEADERS = new Set(["FORWARDED", "X-FORWARDED-FOR", "X-FORWARDED-FROM", "CLIENT-IP", "VIA", "XROXY-CONNECTION", "PROXY-CONNECTION"]);

export const HTTP_FIELDS: readonly LogField[] = fields(
  ...CONN_ID_COLUMNS,
  ["trans_depth", "count"],
  ["method", "string"],
  ["host", "string"],
  ["uri", "string"],
  ["referrer", "string"],
  ["version", "string"],
  ["user_agent", "string"],
  ["origin", "string"],
  ["request_body_len", "count"],
  ["response_body_len", "count"],
  ["status_code", "count"],
  ["status_msg", "string"],
  ["info_code", "count"],
  ["info_msg", "string"],
  ["tags", "set[enum]"],
  ["username", "string"],
  ["password", "string"],
  ["proxied", "set[string]"],
  ["orig_fuids", "vector[string]"],
  ["orig_filenames", "vector[string]"],
  ["orig_mime_types", "vector[string]"],
  ["resp_fuids", "vector[string]"],
  ["resp_filenames", "vector[string]"],
  ["resp_mime_types", "vector[string]"],
);

/** HTTP::Info: one transaction. */
export interface HttpInfo {
  ts: number;
  uid: string;
  c: Connection;
  trans_depth: number;
  method?: string;
  host?: string;
  uri?: string;
  referrer?: string;
  version?: string;
  user_agent?: string;
  origin?: string;
  request_body_len: number;
  response_body_len: number;
  status_code?: number;
  status_msg?: string;
  info_code?: number;
  info_msg?: string;
  username?: string;
  password?: string;
  proxied?: Set<string>;
  range_request: boolean;
  orig_fuids?: string[];
  orig_filenames?: string[];
  orig_mime_types?: string[];
  resp_fuids?: string[];
  resp_filenames?: string[];
  resp_mime_types?: string[];
  current_entity?: { filename?: string };
  /** HTTP::Tags a policy script added (detect-sql-injection's HTTP::URI_SQLI). */
  tags?: Set<string>;
  /** policy/protocols/http/header-names: the request's and the reply's header names, as they came. */
  client_header_names?: string[];
  server_header_names?: string[];
  /** policy/protocols/http/var-extraction-uri and -cookies: the query's and the cookie's keys. */
  uri_vars?: string[];
  cookie_vars?: string[];
  orig_mime_depth: number;
  resp_mime_depth: number;
}

/** HTTP::State of a connection. */
interface HttpState {
  /** Zeek's table[count] of Info: finalize_http writes what is left in the table's order. */
  pending: ZeekTable<number, HttpInfo>;
  current_request: number;
  current_response: number;
  trans_depth: number;
  /** c$http: the record the last handler chose. */
  http: HttpInfo | null;
  /** The connection's part of its file handles, made at its first handle. */
  handleParts: HandleParts | null;
}

/**
 * What get_file_handle takes from the connection: its start time as text
 * (toFixed is slow) and its 4-tuple, made once per connection and again
 * if its roles flipped (its id is swapped in place).
 */
interface HandleParts {
  origH: string;
  origP: number;
  time: string;
  tuple: string;
}

function handlePartsOf(c: Connection, st: HttpState): HandleParts {
  const id = c.id;
  let p = st.handleParts;
  if (p === null || p.origH !== id.orig_h || p.origP !== id.orig_p) {
    p = { origH: id.orig_h, origP: id.orig_p, time: zeekTimeText(c.start_time), tuple: idString(id) };
    st.handleParts = p;
  }
  return p;
}

const states = new WeakMap<Connection, HttpState>();

/** Weirds the script reports (Reporter::conn_weird), by connection: the analyzer binds its host's. */
type WeirdFn = (name: string, addl: string, source: string) => void;
const weirdSinks = new WeakMap<Connection, WeirdFn>();

/** Lets the script report weirds about `c` through the analyzer's host. */
export function bindHttpWeirds(c: Connection, fn: WeirdFn): void {
  weirdSinks.set(c, fn);
}

function scriptWeird(c: Connection, name: string, addl = "", source = ""): void {
  weirdSinks.get(c)?.(name, addl, source);
}

/** |c$http_state$pending|: requests waiting for their reply; undefined while the connection has no c$http_state. */
export function httpPendingRequests(c: Connection): number | undefined {
  return states.get(c)?.pending.size;
}

/** c$http: the HTTP::Info the script's handlers chose last (WebSocket copies host, uri and user_agent from it). */
export function httpInfoOf(c: Connection): HttpInfo | undefined {
  return states.get(c)?.http ?? undefined;
}

/** HTTP::build_url: the request's host (or responder address) with a port other than 80, and its URI. */
export function buildUrl(info: HttpInfo): string {
  const uri = info.uri ?? "/<missed_request>";
  if (uri.includes("://")) return uri;
  let host = info.host ?? (info.c.id.resp_h.includes(":") ? `[${info.c.id.resp_h}]` : info.c.id.resp_h);
  if (info.c.id.resp_p !== 80) host = `${host}:${info.c.id.resp_p}`;
  return host + uri;
}

/** HTTP::get_file_handle for the body being sent by the originator (`isOrig`) or responder of `c`; "" without state. */
export function httpFileHandle(c: Connection, isOrig: boolean): string {
  const st = states.get(c);
  const info = st?.http;
  if (st === undefined || info === null || info === undefined) return "";
  if (info.range_request && !isOrig) return `Analyzer::ANALYZER_HTTP${tf(isOrig)}${c.id.orig_h}${buildUrl(info)}`;
  const depth = isOrig ? info.orig_mime_depth : info.resp_mime_depth;
  const p = handlePartsOf(c, st);
  return `Analyzer::ANALYZER_HTTP${p.time}${tf(isOrig)}${info.trans_depth}${depth}${p.tuple}`;
}

/** Whether the side's file handle names the connection (false: a range reply's, by URL, shared across connections). */
export function httpHandleIsConnBound(c: Connection, isOrig: boolean): boolean {
  const info = states.get(c)?.http;
  return !(info?.range_request === true && !isOrig);
}

function tf(b: boolean): string {
  return b ? "T" : "F";
}

/**
 * Every field is there from the start, in one order: fields added as headers
 * come (in each request's own order) gave each record its own shape, and the
 * handlers and the log writer megamorphic reads.
 */
function newSession(c: Connection, st: HttpState, now: number): HttpInfo {
  return {
    ts: now,
    uid: c.uid,
    c,
    trans_depth: ++st.trans_depth,
    method: undefined,
    host: undefined,
    uri: undefined,
    referrer: undefined,
    version: undefined,
    user_agent: undefined,
    origin: undefined,
    // Doubles from the start: they take the messages' body lengths, doubles (see doubles.ts).
    request_body_len: DOUBLE_ZERO,
    response_body_len: DOUBLE_ZERO,
    status_code: undefined,
    status_msg: undefined,
    info_code: undefined,
    info_msg: undefined,
    username: undefined,
    password: undefined,
    proxied: undefined,
    range_request: false,
    orig_fuids: undefined,
    orig_filenames: undefined,
    orig_mime_types: undefined,
    resp_fuids: undefined,
    resp_filenames: undefined,
    resp_mime_types: undefined,
    current_entity: undefined,
    tags: undefined,
    client_header_names: undefined,
    server_header_names: undefined,
    uri_vars: undefined,
    cookie_vars: undefined,
    orig_mime_depth: 0,
    resp_mime_depth: 0,
  };
}

/** What the script's state needs from its loading: the removal hook it puts on connections, the pending table's hash. */
interface HttpScriptContext {
  finalize: RemovalHook;
  pendingHash: KeyHash<number>;
}

/** The connection's HTTP state, made (with `finalize` put on the connection) on first use. */
function stateOf(c: Connection, ctx: HttpScriptContext): HttpState {
  let st = states.get(c);
  if (st === undefined) {
    st = { pending: new ZeekTable(ctx.pendingHash), current_request: 0, current_response: 0, trans_depth: 0, http: null, handleParts: null };
    states.set(c, st);
    registerRemovalHook(c, ctx.finalize);
  }
  return st;
}

/** HTTP's set_state: c$http is the pending record of the current request or response. */
function setState(c: Connection, isOrig: boolean, now: number, ctx: HttpScriptContext): HttpInfo {
  const st = stateOf(c, ctx);
  const idx = isOrig ? st.current_request : st.current_response;
  let info = st.pending.get(idx);
  if (info === undefined) {
    info = newSession(c, st, now);
    st.pending.set(idx, info);
  }
  st.http = info;
  return info;
}

/** The script's unescape_URI reports nothing. */
const NO_WEIRDS: UriWeirds = { weird: () => {} };

/** extract_filename_from_content_disposition (base/utils/files.zeek). */
export function filenameFromDisposition(data: string): string {
  let name = data.replace(/^[\s\S]*[nN][aA][mM][eE][ \t]*\*?=[ \t]*/, "");
  if (name.startsWith('"')) name = name.split('"')[1] ?? "";
  if (/^[a-zA-Z0-9!#$%&+\-^_`{}~]+'[a-zA-Z0-9!#$%&+\-^_`{}~]*'/.test(name)) name = name.replace(/^.+'.*'/s, "");
  return unescapeUri(name, NO_WEIRDS);
}

/** Base64 text as latin1 (invalid characters skipped), as decode_base64 does. */
function decodeBase64(s: string): string {
  return Buffer.from(s.replace(/[^A-Za-z0-9+/]/g, ""), "base64").toString("latin1");
}

function codeIn(c: number | undefined, lo: number, hi: number): boolean {
  return c !== undefined && c >= lo && c <= hi;
}

/**
 * Whether a side's list of files (or their types) is full: as long as
 * HTTP::max_files_orig or max_files_resp, and HTTP::max_files_policy's
 * handlers did not break (a break logs the file all the same).
 */
function overFileLimit(host: AnalyzerScriptHost, f: FaFile, isOrig: boolean, list: readonly string[] | undefined): boolean {
  const max = host.settings[isOrig ? "HTTP::max_files_orig" : "HTTP::max_files_resp"];
  return (list?.length ?? 0) >= max && (host.runHook?.("HTTP::max_files_policy", f, isOrig) ?? true);
}

/** The HTTP::Info a file belongs to (f$http). */
const fileHttp = new WeakMap<FaFile, HttpInfo>();

/** The policy scripts that add to http.log (columns, or work at each row). */
function httpLogExtensions(): readonly RecordExtension<HttpInfo>[] {
  // Made when a run starts, not at import: the extensions' modules import this one.
  return [HTTP_BROWSER_PLUGINS, WINDOWS_VERSION_DETECTION, ...HTTP_POLICY_COLUMNS];
}

export function loadHttpScript(host: AnalyzerScriptHost, logs: LogManager, loads: readonly string[] = []): void {
  const extensions = loadedExtensions(httpLogExtensions(), loads);
  // Zeek's HTTP stream sets no bound on a string column (URIs): HTTP::default_max_field_string_bytes, 0.
  const limits = { maxFieldStringBytes: host.settings["HTTP::default_max_field_string_bytes"] };
  const log = logs.open({ path: "http", fields: extendedFields(HTTP_FIELDS, extensions), limits });
  const now = () => host.clock.now;
  const write = (i: HttpInfo): void => {
    const id = i.c.id;
    const t = (s: string | undefined): string | undefined => (s === undefined ? undefined : bytesToLogText(s));
    const v = (a: readonly string[] | undefined): string[] | undefined => a?.map(bytesToLogText);
    const row: LogValue[] = [
      i.ts,
      i.uid,
      id.orig_h,
      id.orig_p,
      id.resp_h,
      id.resp_p,
      i.trans_depth,
      t(i.method),
      t(i.host),
      t(i.uri),
      t(i.referrer),
      t(i.version),
      t(i.user_agent),
      t(i.origin),
      i.request_body_len,
      i.response_body_len,
      i.status_code,
      t(i.status_msg),
      i.info_code,
      t(i.info_msg),
      i.tags === undefined ? [] : [...i.tags],
      t(i.username),
      t(i.password),
      // set[string]: only ever added to, so its order is that of a set built in the same order.
      i.proxied === undefined ? undefined : v(zeekSetOrder(host.tableHash.string, i.proxied)),
      i.orig_fuids,
      v(i.orig_filenames),
      i.orig_mime_types,
      i.resp_fuids,
      v(i.resp_filenames),
      i.resp_mime_types,
    ];
    if (extensions.length === 0) log.write(row);
    else writeExtended(host, row, i, extensions, (r) => log.write(r));
  };
  // finalize_http (a connection removal hook, put on a connection with its state): what is still pending is written, in Zeek's table order.
  const finalize = removalHook(host, (c) => {
    const st = states.get(c);
    if (st === undefined) return;
    for (const [idx, info] of st.pending.entries()) if (idx !== 0) write(info);
    st.pending.clear();
  });
  const ctx: HttpScriptContext = { finalize, pendingHash: host.tableHash.count };

  host.on(
    "http_request",
    (c, method, _orig, unescaped) => {
      const st = stateOf(c, ctx);
      if (st.current_request < st.current_response) {
        scriptWeird(c, "HTTP_response_before_request");
        st.current_request = st.current_response;
      }
      if (st.pending.size > HTTP_MAX_PENDING_REQUESTS) {
        if (st.current_response === 0) st.current_response++;
        while (st.current_response < st.current_request) {
          const info = st.pending.get(st.current_response);
          if (info !== undefined) {
            write(info);
            st.pending.delete(st.current_response);
          }
          st.current_response++;
        }
      }
      st.current_request++;
      const info = setState(c, true, now(), ctx);
      info.method = method;
      info.uri = unescaped;
      if (!HTTP_METHODS.has(method)) scriptWeird(c, "unknown_HTTP_method", method);
    },
    { priority: 5 },
  );

  host.on(
    "http_reply",
    (c, version, code, reason) => {
      const st = stateOf(c, ctx);
      const cur = st.pending.get(st.current_response);
      if (cur === undefined || (cur.status_code !== undefined && !codeIn(cur.status_code, 100, 199))) st.current_response++;
      const info = setState(c, false, now(), ctx);
      info.status_code = code;
      info.status_msg = reason;
      info.version = version;
      if (codeIn(code, 100, 199)) {
        info.info_code = code;
        info.info_msg = reason;
      }
      // A CONNECT proxy is one tunnel whatever the client's port (Zeek's script zeroes it).
      if (info.method === "CONNECT" && code === 200) registerTunnel(host, { cid: { ...c.id, orig_p: 0 }, tunnel_type: "Tunnel::HTTP" });
    },
    { priority: 5 },
  );

  host.on(
    "http_begin_entity",
    (c, isOrig) => {
      const info = setState(c, isOrig, now(), ctx);
      if (isOrig) info.orig_mime_depth++;
      else info.resp_mime_depth++;
      info.current_entity = {};
    },
    { priority: 10 },
  );

  host.on(
    "http_header",
    (c, isOrig, _original, name, value) => {
      const info = setState(c, isOrig, now(), ctx);
      if (!isOrig) return;
      if (name === "REFERER") info.referrer = value;
      else if (name === "HOST") info.host = value;
      else if (name === "RANGE") info.range_request = true;
      else if (name === "ORIGIN") info.origin = value;
      else if (name === "USER-AGENT") info.user_agent = value;
      else if (PROXY_HEADERS.has(name)) (info.proxied ??= new Set()).add(`${name} -> ${value}`);
      else if (name === "AUTHORIZATION" || name === "PROXY-AUTHORIZATION") {
        if (/^[bB][aA][sS][iI][cC] /.test(value)) {
          const userpass = decodeBase64(value.replace(/[bB][aA][sS][iI][cC][ \t]+/, ""));
          // Zeek's split_string1(userpass, /:/): the user before the first colon, the password (colons and all) after it.
          const colon = userpass.indexOf(":");
          const capture = host.settings["HTTP::default_capture_password"];
          if (colon >= 0) {
            info.username = userpass.slice(0, colon);
            if (capture) info.password = userpass.slice(colon + 1);
          } else {
            info.username = `<problem-decoding> (${value})`;
            if (capture) info.password = userpass;
          }
        }
      }
    },
    { priority: 5 },
  );

  host.on(
    "http_header",
    (c, _isOrig, _original, name, value) => {
      const info = stateOf(c, ctx).http;
      if (info === null || info.current_entity === undefined) {
        scriptWeird(c, "missing_HTTP_entity", "", "HTTP");
        return;
      }
      if (name === "CONTENT-DISPOSITION" && /[fF][iI][lL][eE][nN][aA][mM][eE][ \t]*\*?=/.test(value)) {
        info.current_entity.filename = filenameFromDisposition(value);
      } else if (name === "CONTENT-TYPE" && /[nN][aA][mM][eE][ \t]*=/.test(value)) {
        info.current_entity.filename = filenameFromDisposition(value);
      }
    },
    { priority: 3 },
  );

  host.on(
    "http_end_entity",
    (c) => {
      const info = states.get(c)?.http;
      // Not `delete`: that would turn the record into a dictionary.
      if (info !== null && info !== undefined) info.current_entity = undefined;
    },
    { priority: 5 },
  );

  host.on(
    "http_message_done",
    (c, isOrig, stat) => {
      const info = setState(c, isOrig, now(), ctx);
      if (isOrig) info.request_body_len = stat.body_length;
      else info.response_body_len = stat.body_length;
    },
    { priority: 5 },
  );

  host.on(
    "http_message_done",
    (c, isOrig) => {
      if (isOrig) return;
      const st = states.get(c);
      const info = st?.http;
      if (st === undefined || info === null || info === undefined) return;
      if (!codeIn(info.status_code, 100, 199)) {
        write(info);
        st.pending.delete(st.current_response);
      }
    },
    { priority: -5 },
  );

  host.on(
    "file_over_new_connection",
    (f, c) => {
      if (f.source !== "HTTP") return;
      const info = states.get(c)?.http;
      if (info === null || info === undefined) return;
      fileHttp.set(f, info);
      const filename = info.current_entity?.filename;
      if (filename !== undefined && f.info !== undefined) f.info.filename = filename;
      const isOrig = f.is_orig === true;
      const fuids = isOrig ? info.orig_fuids : info.resp_fuids;
      if (overFileLimit(host, f, isOrig, fuids)) return;
      if (isOrig) {
        (info.orig_fuids ??= []).push(f.id);
        if (f.info?.filename !== undefined) (info.orig_filenames ??= []).push(f.info.filename);
      } else {
        (info.resp_fuids ??= []).push(f.id);
        if (f.info?.filename !== undefined) (info.resp_filenames ??= []).push(f.info.filename);
      }
    },
    { priority: 5 },
  );

  host.on(
    "file_sniff",
    (f, meta) => {
      const info = fileHttp.get(f);
      if (info === undefined || f.is_orig === undefined || meta.mime_type === undefined) return;
      const types = f.is_orig ? info.orig_mime_types : info.resp_mime_types;
      if (overFileLimit(host, f, f.is_orig, types)) return;
      if (f.is_orig) (info.orig_mime_types ??= []).push(meta.mime_type);
      else (info.resp_mime_types ??= []).push(meta.mime_type);
    },
    { priority: 5 },
  );

  for (const e of extensions) e.load?.(host, logs);
}

export const HTTP_SCRIPT: ProtocolScript = {
  script: "base/protocols/http",
  load: (host, logs, loads) => loadHttpScript(host, logs, loads),
};
