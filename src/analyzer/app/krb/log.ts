/**
 * kerberos.log: Zeek's base/protocols/krb/main.zeek and files.zeek, written
 * against the Kerberos events.
 *
 * - A connection's record starts at its first Kerberos event or PKINIT
 *   certificate (ts then); once written, later messages of the connection
 *   are ignored.
 * - AS requests set request_type "AS", client "name/realm", service, from,
 *   till, forwardable and renewable; TGS requests the same but the client;
 *   AP requests (not those inside a TGS request's pre-auth data) "AP", the
 *   ticket's service and cipher, and "/realm" as client.
 * - Replies set the client when unset, the ticket's service and cipher name
 *   and success; errors the client, service, success F and error_msg (the
 *   error text, else the code's name). Errors whose text is in
 *   KRB::ignored_errors (NEEDED_PREAUTH…) drop the record instead.
 * - The row is written after a reply or error, or when the connection goes
 *   away.
 * - files.zeek: a certificate handed over by KRB or KRB_TCP sets
 *   client_cert_fuid (sent by the originator) or server_cert_fuid; their
 *   subjects are filled in from X.509 at replies, errors and the end.
 * - policy/protocols/krb/ticket-logging adds auth_ticket_sha256 (the SHA-256
 *   of an AP request's ticket ciphertext, which also sets request_type "AP"
 *   until a TGS request that carried it says "TGS") and new_ticket_sha256
 *   (of the ticket an AS or TGS reply hands out);
 *   policy/protocols/krb/md5-ticket-logging the same as MD5s, auth_ticket and
 *   new_ticket (without touching request_type). Columns in load order.
 */
import { createHash } from "node:crypto";
import type { Connection } from "../../../event/records.js";
import type { FaFile } from "../../../files/file.js";
import { x509InfoOf } from "../../../files/x509/x509.js";
import type { LogManager } from "../../../log/manager.js";
import { CONN_ID_COLUMNS, fields, type LogField } from "../../../log/schema.js";
import type { AnalyzerScriptHost } from "../../../scripts/host.js";
import type { ProtocolScript } from "../../../scripts/protocols.js";
import { extendedFields, extendRow, loadedExtensions, type RecordExtension } from "../../../scripts/record-extensions.js";
import { registerRemovalHook, removalHook } from "../../../scripts/removal-hooks.js";
import { cipherName, ERROR_MSG } from "./consts.js";
import type { KrbKdcRequest, KrbKdcResponse } from "./events.js";
import "./events.js";

export const KRB_FIELDS: readonly LogField[] = fields(
  ...CONN_ID_COLUMNS,
  ["request_type", "string"],
  ["client", "string"],
  ["service", "string"],
  ["success", "bool"],
  ["error_msg", "string"],
  ["from", "time"],
  ["till", "time"],
  ["cipher", "string"],
  ["forwardable", "bool"],
  ["renewable", "bool"],
  ["client_cert_subject", "string"],
  ["client_cert_fuid", "string"],
  ["server_cert_subject", "string"],
  ["server_cert_fuid", "string"],
);

/** KRB::ignored_errors. */
const IGNORED_ERRORS = new Set(["NEEDED_PREAUTH", "Need to use PA-ENC-TIMESTAMP/PA-PK-AS-REQ"]);
const SOURCES = new Set(["KRB", "KRB_TCP"]);

/** KRB::Info. */
interface KrbInfo {
  ts: number;
  request_type?: string;
  client?: string;
  service?: string;
  success?: boolean;
  error_code?: number;
  error_msg?: string;
  from?: number;
  till?: number;
  cipher?: string;
  forwardable?: boolean;
  renewable?: boolean;
  logged: boolean;
  client_cert?: FaFile;
  client_cert_subject?: string;
  client_cert_fuid?: string;
  server_cert?: FaFile;
  server_cert_subject?: string;
  server_cert_fuid?: string;
  /** ticket-logging's columns. */
  auth_ticket_sha256?: string;
  new_ticket_sha256?: string;
  /** md5-ticket-logging's columns. */
  auth_ticket?: string;
  new_ticket?: string;
}

type TicketColumn = "auth_ticket_sha256" | "new_ticket_sha256" | "auth_ticket" | "new_ticket";

/** A kerberos.log extension; its handlers run after the base script's (priority 0) on the connection's record. */
interface KrbExtension extends RecordExtension<KrbInfo> {
  handlers(host: AnalyzerScriptHost, session: (c: Connection) => KrbInfo): void;
}

/**
 * ticket-logging and md5-ticket-logging: a hash (Zeek's sha256_hash or
 * md5_hash of the bytes) of an AP request's ticket and of the ticket an AS or
 * TGS reply hands out.
 */
function ticketHashes(script: string, hash: "sha256" | "md5", auth: TicketColumn, fresh: TicketColumn): KrbExtension {
  const digest = (bytes: string): string => createHash(hash).update(bytes, "latin1").digest("hex");
  return {
    script,
    fields: fields([auth, "string"], [fresh, "string"]),
    values: (i) => [i[auth], i[fresh]],
    handlers(host, session) {
      host.on("krb_ap_request", (c, ticket) => {
        const i = session(c);
        // ticket-logging's only: also for a ticket inside a TGS request's pre-auth data (the TGS request that follows sets its own type).
        if (hash === "sha256") i.request_type = "AP";
        if (ticket.ciphertext !== undefined) i[auth] = digest(ticket.ciphertext);
      });
      const response = (c: Connection, msg: KrbKdcResponse): void => {
        if (msg.ticket.ciphertext !== undefined) session(c)[fresh] = digest(msg.ticket.ciphertext);
      };
      host.on("krb_as_response", response);
      host.on("krb_tgs_response", response);
    },
  };
}

const KRB_EXTENSIONS: readonly KrbExtension[] = [
  ticketHashes("policy/protocols/krb/ticket-logging", "sha256", "auth_ticket_sha256", "new_ticket_sha256"),
  ticketHashes("policy/protocols/krb/md5-ticket-logging", "md5", "auth_ticket", "new_ticket"),
];

/** Each engine's KRB records by connection (Zeek's c$krb), for hasKrbInfo. */
const infosByHost = new WeakMap<AnalyzerScriptHost, WeakMap<Connection, KrbInfo>>();

/** Zeek's c?$krb: whether the KRB script has a record for connection `c` on `host` (KRB's Files::describe asks). */
export function hasKrbInfo(host: AnalyzerScriptHost, c: Connection): boolean {
  return infosByHost.get(host)?.has(c) === true;
}

export function loadKrbLog(host: AnalyzerScriptHost, logs: LogManager, extensions: readonly KrbExtension[] = []): void {
  const log = logs.open({ path: "kerberos", fields: extendedFields(KRB_FIELDS, extensions) });
  const infos = new WeakMap<Connection, KrbInfo>();
  infosByHost.set(host, infos);

  /** main.zeek's set_session: the record (made now if missing) and whether it was written. */
  const session = (c: Connection): KrbInfo => {
    let info = infos.get(c);
    if (info === undefined) {
      // Every slot from birth, the optional ones too (filled in varying order, they gave the records many shapes).
      info = {
        ts: host.clock.now,
        request_type: undefined,
        client: undefined,
        service: undefined,
        success: undefined,
        error_code: undefined,
        error_msg: undefined,
        from: undefined,
        till: undefined,
        cipher: undefined,
        forwardable: undefined,
        renewable: undefined,
        logged: false,
        client_cert: undefined,
        client_cert_subject: undefined,
        client_cert_fuid: undefined,
        server_cert: undefined,
        server_cert_subject: undefined,
        server_cert_fuid: undefined,
        auth_ticket_sha256: undefined,
        new_ticket_sha256: undefined,
        auth_ticket: undefined,
        new_ticket: undefined,
      };
      infos.set(c, info);
      registerRemovalHook(c, finalize);
    }
    return info;
  };

  const doLog = (c: Connection): void => {
    const i = infos.get(c);
    if (i === undefined || i.logged) return;
    i.logged = true;
    const row = [
      i.ts,
      c.uid,
      c.id.orig_h,
      c.id.orig_p,
      c.id.resp_h,
      c.id.resp_p,
      i.request_type,
      i.client,
      i.service,
      i.success,
      i.error_msg,
      i.from,
      i.till,
      i.cipher,
      i.forwardable,
      i.renewable,
      i.client_cert_subject,
      i.client_cert_fuid,
      i.server_cert_subject,
      i.server_cert_fuid,
    ];
    extendRow(row, i, extensions);
    log.write(row);
  };

  /** files.zeek's fill_in_subjects. */
  const fillInSubjects = (c: Connection): void => {
    const i = infos.get(c);
    if (i === undefined) return;
    const client = i.client_cert === undefined ? undefined : x509InfoOf(i.client_cert);
    if (client !== undefined) i.client_cert_subject = client.certificate.subject;
    const server = i.server_cert === undefined ? undefined : x509InfoOf(i.server_cert);
    if (server !== undefined) i.server_cert_subject = server.certificate.subject;
  };

  const first = { priority: 5 };
  const last = { priority: -5 };

  host.on(
    "krb_error",
    (c, msg) => {
      const i = session(c);
      if (i.logged) return;
      if (msg.error_text !== undefined && IGNORED_ERRORS.has(msg.error_text)) {
        infos.delete(c);
        return;
      }
      if (i.client === undefined && (msg.client_name !== undefined || msg.client_realm !== undefined)) {
        i.client = `${msg.client_name !== undefined ? `${msg.client_name}/` : ""}${msg.client_realm ?? ""}`;
      }
      if (msg.service_name !== undefined) i.service = msg.service_name;
      i.success = false;
      i.error_code = msg.error_code;
      if (msg.error_text !== undefined) i.error_msg = msg.error_text;
      else if (ERROR_MSG.has(msg.error_code)) i.error_msg = ERROR_MSG.get(msg.error_code);
    },
    first,
  );
  host.on("krb_error", (c) => fillInSubjects(c));
  host.on("krb_error", (c) => doLog(c), last);

  /** What AS and TGS requests both set: the type, service, validity and the two options. */
  const request = (c: Connection, msg: KrbKdcRequest, type: "AS" | "TGS"): KrbInfo | null => {
    const i = session(c);
    if (i.logged) return null;
    i.request_type = type;
    if (msg.service_name !== undefined) i.service = msg.service_name;
    if (msg.from !== undefined) i.from = msg.from;
    if (msg.till !== undefined) i.till = msg.till;
    if (msg.kdc_options !== undefined) {
      i.forwardable = msg.kdc_options.forwardable;
      i.renewable = msg.kdc_options.renewable;
    }
    return i;
  };
  host.on(
    "krb_as_request",
    (c, msg) => {
      const i = request(c, msg, "AS");
      // Only an AS request names the client (its own name and realm).
      if (i !== null) i.client = `${msg.client_name ?? ""}/${msg.service_realm ?? ""}`;
    },
    first,
  );
  host.on("krb_tgs_request", (c, msg) => void request(c, msg, "TGS"), first);

  const response = (c: Connection, msg: KrbKdcResponse): void => {
    const i = session(c);
    if (i.logged) return;
    if (i.client === undefined) i.client = `${msg.client_name}/${msg.client_realm ?? ""}`;
    i.service = msg.ticket.service_name;
    i.cipher = cipherName(msg.ticket.cipher);
    i.success = true;
  };
  host.on("krb_as_response", response, first);
  host.on("krb_as_response", (c) => fillInSubjects(c));
  host.on("krb_as_response", (c) => doLog(c), last);
  host.on("krb_tgs_response", response, first);
  host.on("krb_tgs_response", (c) => fillInSubjects(c));
  host.on("krb_tgs_response", (c) => doLog(c), last);

  host.on(
    "krb_ap_request",
    (c, ticket, _opts, inKdcPadata) => {
      const i = session(c);
      if (i.logged || inKdcPadata) return;
      i.request_type = "AP";
      i.service = ticket.service_name;
      i.cipher = cipherName(ticket.cipher);
      i.client = `/${ticket.realm}`;
    },
    first,
  );

  host.on(
    "krb_ap_response",
    (c) => {
      const i = session(c);
      if (i.logged) return;
      i.success = true;
    },
    first,
  );
  host.on("krb_ap_response", (c) => doLog(c), last);
  for (const e of extensions) e.handlers(host, session);

  host.on(
    "file_over_new_connection",
    (f, c, isOrig) => {
      if (!SOURCES.has(f.source)) return;
      const i = session(c);
      if (isOrig) {
        i.client_cert = f;
        i.client_cert_fuid = f.id;
      } else {
        i.server_cert = f;
        i.server_cert_fuid = f.id;
      }
    },
    first,
  );

  const finalize = removalHook(host, (c) => {
    fillInSubjects(c);
    doLog(c);
    infos.delete(c);
  });
}

export const KRB_SCRIPT: ProtocolScript = {
  script: "base/protocols/krb",
  load: (host, logs, loads) => loadKrbLog(host, logs, loadedExtensions(KRB_EXTENSIONS, loads)),
};
