/**
 * dce_rpc.log: Zeek's base/protocols/dce-rpc/main.zeek, written against the
 * DCE-RPC events.
 *
 * - Each (connection, fid) has its own backing state: one Info record and
 *   the binding state (last bound UUID, the named pipe, context id -> UUID).
 *   Every event makes its fid's record the connection's current one
 *   (c$dce_rpc); the first event of a fid stamps its ts.
 * - bind/alter_context record the context's UUID and the endpoint name;
 *   bind_ack a non-empty sec_addr as named_pipe (over SMB the pipe's path
 *   "\PIPE\lsass", over TCP the server's port: Zeek 9.1 takes named_pipe
 *   only from there, no SMB state is needed); a request restamps ts.
 * - A response names the operation (from the last bound UUID, or from the
 *   context's UUID when its bind was seen; a pipe with no bind seen gets its
 *   common UUID from pipe_name_to_common_uuid), sets rtt when an endpoint is
 *   known and time has passed since the request, and (priority -5) writes
 *   the row when endpoint and operation are set and not in
 *   DCE_RPC::ignored_operations, then clears c$dce_rpc. The record itself
 *   lives on in the backing state, with its old fields (a later response
 *   at the request's own timestamp keeps the previous rtt, as in Zeek).
 * - When the connection goes away, if c$dce_rpc is still set (the last
 *   event was not a response), every fid's record is written again under
 *   the same rule (Zeek's finalize_dce_rpc).
 * - `dceRpcPipeClosed` and `dceRpcDiscardAll` are the SMB script's doors:
 *   smb2_close_request of a pipe forgets its backing state,
 *   smb_discarded_dce_rpc_analyzers all of it (with Zeek's weird).
 */
import type { Connection } from "../../../event/records.js";
import type { LogManager } from "../../../log/manager.js";
import { CONN_ID_COLUMNS, fields, type LogField } from "../../../log/schema.js";
import { ignoreViolations } from "../../../scripts/dpd.js";
import type { AnalyzerScriptHost } from "../../../scripts/host.js";
import type { ProtocolScript } from "../../../scripts/protocols.js";
import { registerRemovalHook, removalHook } from "../../../scripts/removal-hooks.js";
import { endpointName, operationName, PIPE_UUIDS } from "./consts.js";
import { uuidToString } from "./events.js";
// SMB's events: Zeek's dce_rpc script handles smb2_close_request and smb_discarded_dce_rpc_analyzers.
import "../smb/events.js";

export const DCE_RPC_FIELDS: readonly LogField[] = fields(
  ...CONN_ID_COLUMNS,
  ["rtt", "interval"],
  ["named_pipe", "string"],
  ["endpoint", "string"],
  ["operation", "string"],
);

/** DCE_RPC::ignored_operations: noisy, low-value operations per endpoint ("*": all of them). */
export const IGNORED_OPERATIONS: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  [
    "winreg",
    new Set([
      "BaseRegCloseKey",
      "BaseRegGetVersion",
      "BaseRegOpenKey",
      "BaseRegQueryValue",
      "BaseRegDeleteKeyEx",
      "OpenLocalMachine",
      "BaseRegEnumKey",
      "OpenClassesRoot",
    ]),
  ],
  ["spoolss", new Set(["RpcSplOpenPrinter", "RpcClosePrinter"])],
  ["wkssvc", new Set(["NetrWkstaGetInfo"])],
]);

/** DCE_RPC::Info (the row). */
interface Info {
  ts: number;
  rtt?: number;
  named_pipe?: string;
  endpoint?: string;
  operation?: string;
}

/** DCE_RPC::State. */
interface State {
  uuid?: string;
  named_pipe?: string;
  ctxToUuid?: Map<number, string>;
}

interface Backing {
  info: Info;
  state: State;
}

/** A connection's DCE-RPC script state: the backing table by fid and the current record. */
interface ConnState {
  backing: Map<number, Backing> | null;
  /** c$dce_rpc / c$dce_rpc_state (null once deleted). */
  current: Backing | null;
}

/** The last normalizePipeName argument and result: a pipe without a bind asks again at every response. */
let lastPipe = "";
let lastPipeNormal = "";

/** normalize_named_pipe_name: the part after "\pipe\" (any case), lower-cased. */
export function normalizePipeName(name: string): string {
  if (name !== lastPipe) {
    lastPipeNormal = normalizePipe(name);
    lastPipe = name;
  }
  return lastPipeNormal;
}

function normalizePipe(name: string): string {
  const m = /\\pipe\\/i.exec(name);
  if (m === null) return name.toLowerCase();
  const rest = name.slice(m.index + m[0].length);
  // split_string keeps only the piece between the first and a second separator.
  const next = /\\pipe\\/i.exec(rest);
  return (next === null ? rest : rest.slice(0, next.index)).toLowerCase();
}

const states = new WeakMap<Connection, ConnState>();

/**
 * |c$dce_rpc_backing|: the fids with DCE-RPC state on the connection;
 * undefined while the table is unset (no DCE-RPC event yet, or deleted by
 * smb_discarded_dce_rpc_analyzers until the next). Read when asked.
 */
export function dceRpcBackingSize(c: Connection): number | undefined {
  return states.get(c)?.backing?.size;
}

/** The SMB script's smb2_close_request for a pipe: its DCE-RPC backing state is dropped. */
export function dceRpcPipeClosed(c: Connection, fid: number): void {
  states.get(c)?.backing?.delete(fid);
}

/** The SMB script's smb_discarded_dce_rpc_analyzers: all of the connection's DCE-RPC backing state is dropped. */
export function dceRpcDiscardAll(host: AnalyzerScriptHost, c: Connection): void {
  const s = states.get(c);
  if (s !== undefined) s.backing = null;
  host.connWeird("SMB_discarded_dce_rpc_analyzers", c, "", "SMB");
}

function loggable(info: Info): boolean {
  if (info.endpoint === undefined || info.operation === undefined) return false;
  const ignored = IGNORED_OPERATIONS.get(info.endpoint);
  return ignored === undefined || (!ignored.has(info.operation) && !ignored.has("*"));
}

export function loadDceRpcLog(host: AnalyzerScriptHost, logs: LogManager): void {
  ignoreViolations(host, "DCE_RPC");
  const log = logs.open({ path: "dce_rpc", fields: DCE_RPC_FIELDS });

  const write = (c: Connection, i: Info): void => {
    log.write([i.ts, c.uid, c.id.orig_h, c.id.orig_p, c.id.resp_h, c.id.resp_p, i.rtt, i.named_pipe, i.endpoint, i.operation]);
  };

  /** set_state: the backing entry becomes current; endpoint and pipe follow its state. */
  const setState = (s: ConnState, b: Backing): void => {
    s.current = b;
    if (b.state.uuid !== undefined) b.info.endpoint = endpointName(b.state.uuid);
    if (b.state.named_pipe !== undefined) b.info.named_pipe = b.state.named_pipe;
  };

  /** set_session. */
  const session = (c: Connection, fid: number): Backing => {
    let s = states.get(c);
    if (s === undefined) {
      s = { backing: null, current: null };
      states.set(c, s);
      registerRemovalHook(c, finalize);
    }
    s.backing ??= new Map();
    let b = s.backing.get(fid);
    if (b === undefined) {
      b = { info: { ts: host.clock.now }, state: {} };
      s.backing.set(fid, b);
    }
    setState(s, b);
    return b;
  };

  const bound = (c: Connection, fid: number, ctxId: number, uuid: string): void => {
    const b = session(c, fid);
    const text = uuidToString(uuid);
    (b.state.ctxToUuid ??= new Map()).set(ctxId, text);
    b.state.uuid = text;
    b.info.endpoint = endpointName(text);
  };

  const first = { priority: 5 };
  host.on("dce_rpc_bind", (c, fid, ctxId, uuid) => bound(c, fid, ctxId, uuid), first);
  host.on("dce_rpc_alter_context", (c, fid, ctxId, uuid) => bound(c, fid, ctxId, uuid), first);
  host.on(
    "dce_rpc_bind_ack",
    (c, fid, secAddr) => {
      const b = session(c, fid);
      if (secAddr !== "") b.state.named_pipe = b.info.named_pipe = secAddr;
    },
    first,
  );
  host.on("dce_rpc_alter_context_resp", (c, fid) => void session(c, fid), first);
  host.on(
    "dce_rpc_request",
    (c, fid) => {
      session(c, fid).info.ts = host.clock.now;
    },
    first,
  );

  /** A pipe whose bind was not seen: its usual interface, when the pipe is known. */
  const guessUuid = (b: Backing): void => {
    if (b.info.endpoint !== undefined || b.info.named_pipe === undefined) return;
    const uuid = PIPE_UUIDS.get(normalizePipeName(b.info.named_pipe));
    if (uuid !== undefined) b.state.uuid = uuid;
  };

  host.on(
    "dce_rpc_response",
    (c, fid, ctxId, opnum) => {
      const b = session(c, fid);
      guessUuid(b);
      const i = b.info;
      if (i.endpoint !== undefined && b.state.uuid !== undefined) {
        i.operation = operationName(b.state.uuid, opnum);
        if (i.ts !== host.clock.now) i.rtt = host.clock.now - i.ts;
      }
      const u = b.state.ctxToUuid?.get(ctxId);
      if (u !== undefined) {
        i.endpoint = endpointName(u);
        i.operation = operationName(u, opnum);
      }
    },
    first,
  );
  host.on(
    "dce_rpc_response",
    (c) => {
      const s = states.get(c);
      if (s?.current == null) return;
      if (loggable(s.current.info)) write(c, s.current.info);
      s.current = null;
    },
    { priority: -5 },
  );

  const finalize = removalHook(host, (c) => {
    const s = states.get(c);
    if (s?.current == null) return;
    for (const b of s.backing?.values() ?? []) {
      setState(s, b);
      guessUuid(b);
      if (loggable(b.info)) write(c, b.info);
    }
  });
  // A closed SMB2 pipe forgets its state (Zeek's script at priority -5); the
  // key is the fid as SMB hands it to the DCE_RPC child (host.childKey).
  host.on("smb2_close_request", (c, _hdr, id) => dceRpcPipeClosed(c, Number((id.persistent + id.volatile) & 0xffffffffffffffffn)), { priority: -5 });
  host.on("smb_discarded_dce_rpc_analyzers", (c) => dceRpcDiscardAll(host, c));
}

export const DCE_RPC_SCRIPT: ProtocolScript = {
  script: "base/protocols/dce-rpc",
  load: (host, logs) => loadDceRpcLog(host, logs),
};
