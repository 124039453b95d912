/**
 * ntlm.log: Zeek's base/protocols/ntlm/main.zeek, written against the NTLM
 * and GSSAPI events.
 *
 * - A connection has one record, made at its first NTLM message (ts then).
 * - A challenge's target information gives the server's NetBIOS and DNS
 *   computer names and its DNS tree name; an authenticate message the
 *   domain, workstation (hostname) and user names.
 * - gssapi_neg_result: a state other than 1 (accept-incomplete) sets
 *   success (state 0); then, once success is set, the row is written (once
 *   per connection).
 * - A record never written is written when the connection goes away.
 */
import type { Connection } from "../../../event/records.js";
import type { LogManager } from "../../../log/manager.js";
import { CONN_ID_COLUMNS, fields, type LogField } from "../../../log/schema.js";
import { ignoreViolations } from "../../../scripts/dpd.js";
import type { AnalyzerScriptHost } from "../../../scripts/host.js";
import type { ProtocolScript } from "../../../scripts/protocols.js";
import { registerRemovalHook, removalHook } from "../../../scripts/removal-hooks.js";
import "../gssapi/events.js";
import "./events.js";

export const NTLM_FIELDS: readonly LogField[] = fields(
  ...CONN_ID_COLUMNS,
  ["username", "string"],
  ["hostname", "string"],
  ["domainname", "string"],
  ["server_nb_computer_name", "string"],
  ["server_dns_computer_name", "string"],
  ["server_tree_name", "string"],
  ["success", "bool"],
);

/** NTLM::Info. */
interface Info {
  ts: number;
  username?: string;
  hostname?: string;
  domainname?: string;
  server_nb_computer_name?: string;
  server_dns_computer_name?: string;
  server_tree_name?: string;
  success?: boolean;
  done: boolean;
}

export function loadNtlmLog(host: AnalyzerScriptHost, logs: LogManager): void {
  ignoreViolations(host, "NTLM");
  const log = logs.open({ path: "ntlm", fields: NTLM_FIELDS });
  const infos = new WeakMap<Connection, Info>();

  const write = (c: Connection, i: Info): void => {
    log.write([
      i.ts,
      c.uid,
      c.id.orig_h,
      c.id.orig_p,
      c.id.resp_h,
      c.id.resp_p,
      i.username,
      i.hostname,
      i.domainname,
      i.server_nb_computer_name,
      i.server_dns_computer_name,
      i.server_tree_name,
      i.success,
    ]);
  };

  /** set_session. */
  const session = (c: Connection): Info => {
    let i = infos.get(c);
    if (i === undefined) {
      // Every slot from birth (filled in varying order, the optional ones gave the records many shapes).
      i = {
        ts: host.clock.now,
        username: undefined,
        hostname: undefined,
        domainname: undefined,
        server_nb_computer_name: undefined,
        server_dns_computer_name: undefined,
        server_tree_name: undefined,
        success: undefined,
        done: false,
      };
      infos.set(c, i);
      registerRemovalHook(c, finalize);
    }
    return i;
  };

  const first = { priority: 5 };
  host.on("ntlm_negotiate", (c) => void session(c), first);
  host.on(
    "ntlm_challenge",
    (c, challenge) => {
      const i = session(c);
      const ti = challenge.target_info;
      if (ti === undefined) return;
      if (ti.nb_computer_name !== undefined) i.server_nb_computer_name = ti.nb_computer_name;
      if (ti.dns_computer_name !== undefined) i.server_dns_computer_name = ti.dns_computer_name;
      if (ti.dns_tree_name !== undefined) i.server_tree_name = ti.dns_tree_name;
    },
    first,
  );
  host.on(
    "ntlm_authenticate",
    (c, request) => {
      const i = session(c);
      if (request.domain_name !== undefined) i.domainname = request.domain_name;
      if (request.workstation !== undefined) i.hostname = request.workstation;
      if (request.user_name !== undefined) i.username = request.user_name;
    },
    first,
  );
  host.on(
    "gssapi_neg_result",
    (c, state) => {
      const i = infos.get(c);
      if (i !== undefined && state !== 1) i.success = state === 0;
    },
    { priority: 3 },
  );
  host.on(
    "gssapi_neg_result",
    (c) => {
      const i = infos.get(c);
      if (i === undefined || i.done || i.success === undefined) return;
      write(c, i);
      i.done = true;
    },
    { priority: -3 },
  );
  const finalize = removalHook(host, (c) => {
    const i = infos.get(c);
    if (i !== undefined && !i.done) write(c, i);
  });
}

export const NTLM_SCRIPT: ProtocolScript = {
  script: "base/protocols/ntlm",
  load: (host, logs) => loadNtlmLog(host, logs),
};
