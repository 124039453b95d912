/**
 * ssl.log: bronze's twin of Zeek's base/protocols/ssl/main.zeek, written
 * against the SSL events. One row per SSL/TLS/DTLS connection, written when
 * the session is established (and the analyzer is then detached, Zeek's
 * SSL::disable_analyzer_after_detection), when the analyzer reports a
 * violation, or when the connection goes away.
 *
 * The columns: version and cipher the server chose (named by Zeek's
 * tables), the curve (ServerKeyExchange or TLS 1.3 key share), the client's
 * SNI, resumption (same session id, a session ticket without a key
 * exchange, or an accepted TLS 1.3 PSK), the last alert, the ALPN the server
 * picked, established, and ssl_history: one letter per handshake message,
 * change cipher spec, alert or heartbeat, upper case from the client.
 * cert_chain_fps, client_cert_chain_fps and sni_matches_cert come from
 * the certificates the files framework parsed (src/files/x509), read when the row is written.
 */
import type { Connection } from "../../../event/records.js";
import type { LogManager } from "../../../log/manager.js";
import { CONN_ID_COLUMNS, fields, type LogField, type LogValue } from "../../../log/schema.js";
import { type AnalyzerScriptHost, reportLimitReached } from "../../../scripts/host.js";
import type { ProtocolScript } from "../../../scripts/protocols.js";
import { extendedFields, loadedExtensions, type RecordExtension, writeExtended } from "../../../scripts/record-extensions.js";
import { registerRemovalHook, removalHook } from "../../../scripts/removal-hooks.js";
import { CERTIFICATE_REQUEST_INFO } from "./certificate-request-info.js";
import { ALERT_DESCRIPTIONS, CIPHER_DESC, EC_CURVES, nameOf, versionString } from "./consts.js";
import { SSL_LOG_EXT } from "./ssl-log-ext.js";
import { VALIDATE_CERTS_COLUMN } from "./validate-certs.js";
import { VALIDATE_OCSP_COLUMN } from "./validate-ocsp.js";
import { VALIDATE_SCT } from "./validate-sct.js";
import "./events.js";
import type { FaFile } from "../../../files/file.js";
import { matchedCertName } from "../../../files/x509/hostname.js";
import { X509_MIME_TYPES, type X509Info, x509InfoOf } from "../../../files/x509/x509.js";

export const SSL_FIELDS: readonly LogField[] = fields(
  ...CONN_ID_COLUMNS,
  ["version", "string"],
  ["cipher", "string"],
  ["curve", "string"],
  ["server_name", "string"],
  ["resumed", "bool"],
  ["last_alert", "string"],
  ["next_protocol", "string"],
  ["established", "bool"],
  ["ssl_history", "string"],
  ["cert_chain_fps", "vector[string]"],
  ["client_cert_chain_fps", "vector[string]"],
  ["subject", "string"],
  ["issuer", "string"],
  ["client_subject", "string"],
  ["client_issuer", "string"],
  ["sni_matches_cert", "bool"],
);

/** The policy scripts that add ssl.log columns. */
function sslLogExtensions(): readonly RecordExtension<SslInfo>[] {
  // Made when a run starts, not at import: the extensions' modules import this one.
  return [CERTIFICATE_REQUEST_INFO, VALIDATE_CERTS_COLUMN, SSL_LOG_EXT, VALIDATE_OCSP_COLUMN, VALIDATE_SCT];
}

/** The ServerHello random that marks a TLS 1.3 HelloRetryRequest (RFC 8446 §4.1.3). */
const HRR_RANDOM = "\xCF\x21\xAD\x74\xE5\x9A\x61\x11\xBE\x1D\x8C\x02\x1E\x65\xB8\x91\xC2\xA2\x11\x16\x7A\xBB\x8C\x5E\x07\x9E\x09\xE2\xC8\xA8\x33\x9C";
const ZERO_SESSION = "\0".repeat(32);
const EXT_SESSIONTICKET_TLS = 35;
const EXT_PRE_SHARED_KEY = 41;
const CLIENT_KEY_EXCHANGE = 16;
const TLSv13 = 0x0304;

/** History letters by handshake message type (upper-cased for the client). */
const HISTORY_LETTERS: ReadonlyMap<number, string> = new Map([
  [0, "h"],
  [1, "c"],
  [3, "v"],
  [4, "t"],
  [5, "e"],
  [6, "j"],
  [8, "o"],
  [11, "x"],
  [12, "k"],
  [13, "r"],
  [14, "n"],
  [15, "y"],
  [16, "g"],
  [20, "f"],
  [21, "w"],
  [22, "u"],
  [23, "a"],
  [24, "p"],
  [254, "m"],
]);

/** SSL::Info, the columns and the state main.zeek keeps beside them. */
export interface SslInfo {
  ts: number;
  uid: string;
  c: Connection;
  versionNum?: number;
  version?: string;
  cipher?: string;
  curve?: string;
  serverName?: string;
  sessionId?: string;
  resumed: boolean;
  clientTicketEmptySessionSeen: boolean;
  clientKeyExchangeSeen: boolean;
  clientPskSeen: boolean;
  lastAlert?: string;
  nextProtocol?: string;
  analyzerId?: number;
  established: boolean;
  logged: boolean;
  hrrSeen: boolean;
  history: string;
  /** The certificate files of each side, in chain order (files.zeek's cert_chain, client_cert_chain). */
  certChain?: FaFile[];
  clientCertChain?: FaFile[];
}

/** The fingerprints of a chain's certificates that parsed. */
function chainFps(chain: readonly FaFile[] | undefined): string[] | undefined {
  if (chain === undefined) return undefined;
  const out: string[] = [];
  for (const f of chain) {
    const x = x509InfoOf(f);
    if (x !== undefined) out.push(x.fingerprint);
  }
  return out;
}

const HEX_PAIRS = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0").toUpperCase());

/** Zeek's bytestring_to_hexstr (upper case). */
function hex(s: string): string {
  let out = "";
  for (let i = 0; i < s.length; i++) out += HEX_PAIRS[s.charCodeAt(i) & 0xff];
  return out;
}

/** Each host's SSL sessions by uid (Zeek's c$ssl), for the scripts that read them (GridFTP's data-channel check). */
const sessionsByHost = new WeakMap<AnalyzerScriptHost, ReadonlyMap<string, SslInfo>>();

/** Each host's set_session: the session of a connection, made when it has none. */
const sessionMakers = new WeakMap<AnalyzerScriptHost, (c: Connection) => SslInfo>();

/** Zeek's SSL::set_session, for the policy scripts whose handlers may run before the base script's first one for a connection. */
export function sslSession(host: AnalyzerScriptHost, c: Connection): SslInfo | undefined {
  return sessionMakers.get(host)?.(c);
}

/** What the SSL script knows of connection `c` on `host` (Zeek's c$ssl), if anything. */
export function sslInfoOf(host: AnalyzerScriptHost, c: Connection): Readonly<SslInfo> | undefined {
  return sessionsByHost.get(host)?.get(c.uid);
}

/** The server's certificate of connection `c` (c$ssl$cert_chain[0]): its file, its X.509 info and SHA-1, when it parsed. */
export function serverCertificateOf(host: AnalyzerScriptHost, c: Connection): { file: FaFile; x509: X509Info; sha1?: string } | undefined {
  const file = sslInfoOf(host, c)?.certChain?.[0];
  const x509 = file === undefined ? undefined : x509InfoOf(file);
  if (file === undefined || x509 === undefined) return undefined;
  return { file, x509, sha1: file.info?.sha1 };
}

export function loadSslLog(host: AnalyzerScriptHost, logs: LogManager | null, loads: readonly string[] = []): void {
  const extensions = loadedExtensions(sslLogExtensions(), loads);
  const log = logs?.open({ path: "ssl", fields: extendedFields(SSL_FIELDS, extensions) }) ?? null;
  // As Zeek's ssl/files.zeek: the certificates' subjects and issuers are left out by the stream's default filter unless asked for.
  const exclude = [
    ...(host.settings["SSL::log_include_server_certificate_subject_issuer"] ? [] : ["subject", "issuer"]),
    ...(host.settings["SSL::log_include_client_certificate_subject_issuer"] ? [] : ["client_subject", "client_issuer"]),
  ];
  if (exclude.length > 0) logs?.addFilter("ssl", { name: "default", exclude });
  const sessions = new Map<string, SslInfo>();
  sessionsByHost.set(host, sessions);

  const session = (c: Connection): SslInfo => {
    let s = sessions.get(c.uid);
    if (s === undefined) {
      // Every field has its slot from the start, the optional ones too: set
      // later in whatever order a connection's messages come, they gave the
      // sessions many shapes, and each read in write() went megamorphic.
      s = {
        ts: host.clock.now,
        uid: c.uid,
        c,
        versionNum: undefined,
        version: undefined,
        cipher: undefined,
        curve: undefined,
        serverName: undefined,
        sessionId: undefined,
        resumed: false,
        clientTicketEmptySessionSeen: false,
        clientKeyExchangeSeen: false,
        clientPskSeen: false,
        lastAlert: undefined,
        nextProtocol: undefined,
        analyzerId: undefined,
        established: false,
        logged: false,
        hrrSeen: false,
        history: "",
        certChain: undefined,
        clientCertChain: undefined,
      };
      sessions.set(c.uid, s);
      registerRemovalHook(c, finalize);
    }
    return s;
  };

  sessionMakers.set(host, session);

  /** Reporter::conn_weird from the script. */
  const weird = (name: string, c: Connection, addl = "", source = ""): void => host.connWeird(name, c, addl, source);

  const addHistory = (s: SslInfo, isClient: boolean, letter: string): void => {
    // An option: the config framework may change it during the run.
    const max = host.settings["SSL::max_ssl_history_length"];
    if (s.history.length === max) return;
    s.history += isClient ? letter.toUpperCase() : letter;
    if (s.history.length !== max) return;
    reportLimitReached(host, "SSL_max_ssl_history_length_reached", s.c, max, 0, "SSL");
  };

  const write = (s: SslInfo): void => {
    if (s.logged) return;
    s.logged = true;
    if (log === null) return;
    const id = s.c.id;
    // files.zeek's ssl_finishing: the chains' fingerprints, and whether the server's certificate names the SNI.
    const first = s.certChain?.[0];
    const x = first === undefined ? undefined : x509InfoOf(first);
    const sniMatches = x === undefined || s.serverName === undefined ? undefined : matchedCertName(x, s.serverName) !== "";
    const clientFirst = s.clientCertChain?.[0];
    const cx = clientFirst === undefined ? undefined : x509InfoOf(clientFirst);
    const row: LogValue[] = [
      s.ts,
      s.uid,
      id.orig_h,
      id.orig_p,
      id.resp_h,
      id.resp_p,
      s.version,
      s.cipher,
      s.curve,
      s.serverName,
      s.resumed,
      s.lastAlert,
      s.nextProtocol,
      s.established,
      s.history,
      chainFps(s.certChain),
      chainFps(s.clientCertChain),
      x?.certificate.subject,
      x?.certificate.issuer,
      cx?.certificate.subject,
      cx?.certificate.issuer,
      sniMatches,
    ];
    writeExtended(host, row, s, extensions, (r) => log.write(r));
  };

  const finish = (c: Connection, s: SslInfo, removeAnalyzer: boolean): void => {
    write(s);
    if (removeAnalyzer && s.analyzerId !== undefined && host.settings["SSL::disable_analyzer_after_detection"]) {
      if (host.disableAnalyzer(c, s.analyzerId)) s.analyzerId = undefined;
    }
  };

  host.on(
    "ssl_client_hello",
    (c, _version, recordVersion, _ts, _random, sessionId) => {
      const s = session(c);
      if (sessionId.length > 0 && sessionId !== ZERO_SESSION) {
        s.sessionId = hex(sessionId);
        s.clientTicketEmptySessionSeen = false;
      }
      // An SSLv2 hello has no handshake message: its letter is added here.
      if (recordVersion === 0) addHistory(s, true, "c");
    },
    { priority: 5 },
  );

  host.on(
    "ssl_server_hello",
    (c, version, _recordVersion, _ts, random, sessionId, cipher) => {
      const s = session(c);
      if (s.versionNum === undefined) {
        s.versionNum = version;
        s.version = versionString(version);
      }
      s.cipher = nameOf(CIPHER_DESC, cipher);
      if (random === HRR_RANDOM) s.hrrSeen = true;
      if (s.sessionId !== undefined && s.sessionId === hex(sessionId) && Math.floor(s.versionNum / 0xff) !== 0x7f && s.versionNum !== TLSv13) s.resumed = true;
      if (version === 2) addHistory(s, false, "s");
    },
    { priority: 5 },
  );

  host.on("ssl_extension_supported_versions", (c, isClient, versions) => {
    if (isClient || versions.length !== 1) return;
    const s = session(c);
    s.versionNum = versions[0]!;
    s.version = versionString(versions[0]!);
  });

  host.on(
    "ssl_ecdh_server_params",
    (c, curve) => {
      session(c).curve = nameOf(EC_CURVES, curve);
    },
    { priority: 5 },
  );

  host.on("ssl_extension_key_share", (c, isClient, curves) => {
    if (isClient || curves.length !== 1) return;
    session(c).curve = nameOf(EC_CURVES, curves[0]!);
  });

  host.on(
    "ssl_extension_server_name",
    (c, isClient, names) => {
      const s = session(c);
      if (isClient && names.length > 0) {
        s.serverName = names[0];
        if (names.length > 1) weird("SSL_many_server_names", c, `[${names.join(", ")}]`);
      }
    },
    { priority: 5 },
  );

  host.on("ssl_extension_application_layer_protocol_negotiation", (c, isClient, protocols) => {
    const s = session(c);
    if (isClient) return;
    if (protocols.length > 0) s.nextProtocol = protocols[0];
  });

  host.on("ssl_connection_flipped", (c) => {
    session(c).history += "^";
  });

  host.on(
    "ssl_handshake_message",
    (c, isClient, msgType) => {
      const s = session(c);
      if (isClient && msgType === CLIENT_KEY_EXCHANGE) s.clientKeyExchangeSeen = true;
      if (msgType === 2) {
        // The ServerHello event came first and noticed a HelloRetryRequest.
        addHistory(s, isClient, s.hrrSeen ? "j" : "s");
        s.hrrSeen = false;
        return;
      }
      addHistory(s, isClient, HISTORY_LETTERS.get(msgType) ?? "z");
    },
    { priority: 5 },
  );

  host.on(
    "ssl_extension",
    (c, isClient, code, val) => {
      const s = session(c);
      if (isClient && code === EXT_SESSIONTICKET_TLS && val.length > 0) s.clientTicketEmptySessionSeen = true;
      else if (isClient && code === EXT_PRE_SHARED_KEY) s.clientPskSeen = true;
      else if (!isClient && code === EXT_PRE_SHARED_KEY && s.clientPskSeen) s.resumed = true;
    },
    { priority: 5 },
  );

  host.on(
    "ssl_change_cipher_spec",
    (c, isClient) => {
      const s = session(c);
      addHistory(s, isClient, "i");
      if (isClient && s.clientTicketEmptySessionSeen && !s.clientKeyExchangeSeen) s.resumed = true;
    },
    { priority: 5 },
  );

  host.on(
    "ssl_alert",
    (c, isClient, _level, desc) => {
      const s = session(c);
      addHistory(s, isClient, "l");
      s.lastAlert = nameOf(ALERT_DESCRIPTIONS, desc);
    },
    { priority: 5 },
  );

  host.on("ssl_heartbeat", (c, isClient) => {
    addHistory(session(c), isClient, "b");
  });

  host.on(
    "ssl_established",
    (c) => {
      session(c).established = true;
    },
    { priority: 7 },
  );

  host.on(
    "ssl_established",
    (c) => {
      finish(c, session(c), true);
    },
    { priority: -5 },
  );

  host.on(
    "ssl_plaintext_data",
    (c, _isClient, _recordVersion, contentType) => {
      const s = session(c);
      if (s.version === undefined || s.established || contentType !== 23) return;
      weird("ssl_early_application_data", c);
    },
    { priority: 5 },
  );

  host.on(
    "analyzer_confirmation_info",
    (atype, info) => {
      if ((atype !== "SSL" && atype !== "DTLS") || info.c === undefined) return;
      session(info.c).analyzerId = info.aid;
    },
    { priority: 5 },
  );

  host.on(
    "analyzer_violation_info",
    (atype, info) => {
      if ((atype !== "SSL" && atype !== "DTLS") || info.c === undefined) return;
      const s = sessions.get(info.c.uid);
      if (s === undefined) return;
      s.analyzerId = undefined;
      finish(info.c, s, false);
    },
    { priority: 5 },
  );

  // files.zeek's file_sniff: a certificate of a connection with SSL state joins its side's chain.
  host.on(
    "file_sniff",
    (f, meta) => {
      if (f.conns.size !== 1 || meta.mime_type === undefined || !X509_MIME_TYPES.has(meta.mime_type)) return;
      const c = f.conns.values().next().value as Connection;
      const s = sessions.get(c.uid);
      if (s === undefined) return;
      s.certChain ??= [];
      s.clientCertChain ??= [];
      (f.is_orig === true ? s.clientCertChain : s.certChain).push(f);
    },
    { priority: 5 },
  );

  // Zeek's Conn::register_removal_hook runs at connection_state_remove, priority -3.
  const finalize = removalHook(host, (c) => {
    const s = sessions.get(c.uid);
    if (s === undefined) return;
    sessions.delete(c.uid);
    finish(c, s, false);
  });

  if (logs !== null) for (const e of extensions) e.load?.(host, logs);
}

export const SSL_LOG_SCRIPT: ProtocolScript = {
  script: "base/protocols/ssl",
  load: (host, logs, loads) => loadSslLog(host, logs, loads),
};
