/**
 * postgresql.log: Zeek's base/protocols/postgresql/main.zeek (with
 * consts.zeek's error and authentication names), written against the
 * PostgreSQL events. A record starts at the first event of a connection
 * (the SSLRequest, the StartupMessage) or at each simple query or
 * terminate; the server's SSL answer, an ErrorResponse and ReadyForQuery
 * write it, and what is left is written when the connection goes away.
 * The user, database and application name of the StartupMessage go into
 * every record written after it.
 */
import type { Connection } from "../../../event/records.js";
import { bytesToLogText } from "../../../log/escape.js";
import type { LogManager } from "../../../log/manager.js";
import { CONN_ID_COLUMNS, fields, type LogField } from "../../../log/schema.js";
import type { AnalyzerScriptHost } from "../../../scripts/host.js";
import type { ProtocolScript } from "../../../scripts/protocols.js";
import { registerRemovalHook, removalHook } from "../../../scripts/removal-hooks.js";
import "./events.js";

export const POSTGRESQL_FIELDS: readonly LogField[] = fields(
  ...CONN_ID_COLUMNS,
  ["user", "string"],
  ["database", "string"],
  ["application_name", "string"],
  ["frontend", "string"],
  ["frontend_arg", "string"],
  ["backend", "string"],
  ["backend_arg", "string"],
  ["success", "bool"],
  ["rows", "count"],
);

/** PostgreSQL::error_ids (protocol-error-fields), by code letter. */
const ERROR_IDS: Readonly<Record<string, string>> = {
  S: "SeverityLocalized",
  V: "Severity",
  C: "Code",
  M: "Message",
  D: "Detail",
  H: "Hint",
  P: "Position",
  p: "InternalPosition",
  q: "InternalQuery",
  W: "Where",
  s: "Schema",
  t: "Table",
  c: "Column",
  d: "Data",
  n: "Constraint",
  F: "File",
  L: "Line",
  R: "Routine",
};

/** PostgreSQL::auth_ids, by identifier. */
const AUTH_IDS: Readonly<Record<number, string>> = {
  2: "KerberosV5",
  3: "CleartextPassword",
  5: "MD5Password",
  7: "GSSAPI",
  8: "GSSAPIContinue",
  9: "SSPI",
  10: "SASL",
  11: "SASLContinue",
  12: "SASLFinal",
};

function errorId(code: string): string {
  return Object.hasOwn(ERROR_IDS, code) ? ERROR_IDS[code]! : `UnknownErrorId${code}`;
}

function authId(id: number): string {
  return AUTH_IDS[id] ?? `UnknownAuthId${id}`;
}

/** PostgreSQL::Info, the log record being filled (strings as the events carry them: one byte per character). */
interface Info {
  ts: number;
  frontend?: string;
  frontend_arg?: string;
  backend?: string;
  backend_arg?: string;
  success?: boolean;
  rows?: number;
}

/** PostgreSQL::State, the connection's state across records. */
interface State {
  user?: string;
  database?: string;
  application_name?: string;
  rows?: number;
  errors: string[];
}

function text(s: string | undefined): string | undefined {
  return s === undefined ? undefined : bytesToLogText(s);
}

export function loadPostgresqlLog(host: AnalyzerScriptHost, logs: LogManager | null): void {
  const log = logs?.open({ path: "postgresql", fields: POSTGRESQL_FIELDS }) ?? null;
  const infos = new WeakMap<Connection, Info>();
  const states = new WeakMap<Connection, State>();

  /** The set_session hook: the record and the state, created when missing. */
  const session = (c: Connection): [Info, State] => {
    let info = infos.get(c);
    if (info === undefined) infos.set(c, (info = { ts: host.clock.now }));
    let state = states.get(c);
    if (state === undefined) {
      states.set(c, (state = { errors: [] }));
      registerRemovalHook(c, finalize);
    }
    return [info, state];
  };

  const emit = (c: Connection): void => {
    const info = infos.get(c);
    if (info === undefined) return;
    infos.delete(c);
    const state = states.get(c);
    const id = c.id;
    log?.write([
      info.ts,
      c.uid,
      id.orig_h,
      id.orig_p,
      id.resp_h,
      id.resp_p,
      text(state?.user),
      text(state?.database),
      text(state?.application_name),
      text(info.frontend),
      text(info.frontend_arg),
      text(info.backend),
      text(info.backend_arg),
      info.success,
      info.rows,
    ]);
  };

  const finalize = removalHook(host, emit);
  const append = (a: string | undefined, b: string): string => (a === undefined ? b : `${a},${b}`);

  host.on("PostgreSQL::ssl_request", (c) => {
    session(c)[0].frontend = "ssl_request";
  });

  host.on("PostgreSQL::ssl_reply", (c, b) => {
    const [info] = session(c);
    info.backend = "ssl_reply";
    info.backend_arg = b;
    info.success = b === "S";
    emit(c);
  });

  host.on("PostgreSQL::startup_parameter", (c, name, value) => {
    const [, state] = session(c);
    if (name === "user") state.user = value;
    else if (name === "database") state.database = value;
    else if (name === "application_name") state.application_name = value;
  });

  host.on("PostgreSQL::startup_message", (c) => {
    session(c)[0].frontend = "startup";
  });

  host.on("PostgreSQL::error_response_identified_field", (c, code, value) => {
    session(c)[1].errors.push(`${errorId(code)}=${value}`);
  });

  host.on("PostgreSQL::notice_response_identified_field", (c, code, value) => {
    const [info] = session(c);
    info.backend_arg = append(info.backend_arg, `${errorId(code)}=${value}`);
  });

  host.on("PostgreSQL::error_response", (c) => {
    const [info, state] = session(c);
    info.backend = append(info.backend, "error");
    info.backend_arg = append(info.backend_arg, state.errors.join(","));
    state.errors = [];
    info.success = false;
    emit(c);
  });

  host.on("PostgreSQL::authentication_request", (c, identifier) => {
    const [info] = session(c);
    info.backend = info.backend !== undefined && !info.backend.endsWith("auth") ? `${info.backend},auth_request` : "auth_request";
    info.backend_arg = append(info.backend_arg, authId(identifier));
  });

  host.on("PostgreSQL::authentication_ok", (c) => {
    const [info] = session(c);
    info.backend = "auth_ok";
    info.success = true;
  });

  host.on("PostgreSQL::terminate", (c) => {
    emit(c);
    session(c)[0].frontend = "terminate";
    emit(c);
  });

  host.on("PostgreSQL::simple_query", (c, query) => {
    emit(c);
    const [info, state] = session(c);
    info.frontend = "simple_query";
    info.frontend_arg = query;
    state.rows = 0;
  });

  host.on("PostgreSQL::data_row", (c) => {
    const [, state] = session(c);
    state.rows = (state.rows ?? 0) + 1;
  });

  host.on("PostgreSQL::ready_for_query", (c, status) => {
    const info = infos.get(c);
    if (info === undefined) return;
    // If no one said otherwise, the last action was successful.
    info.success ??= status === "I" || status === "T";
    const state = states.get(c);
    if (state?.rows !== undefined) {
      info.rows = state.rows;
      delete state.rows;
    }
    emit(c);
  });
}

export const POSTGRESQL_SCRIPT: ProtocolScript = {
  script: "base/protocols/postgresql",
  // Zeek's script is @if'd on its Spicy analyzer: loaded as the analyzer runs (ProtocolScript.spicy).
  spicy: true,
  load: (host, logs) => loadPostgresqlLog(host, logs),
};
