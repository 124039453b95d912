/**
 * Zeek's policy/protocols/ssl/ssl-log-ext: ssl.log gets the numbers of the
 * handshake, raw, as the hellos and extensions carried them: the client's
 * and server's versions, the client's ciphers and compression methods, the
 * extension codes each side sent (in order, every hello's: a DTLS client
 * that repeats its hello after a cookie lists them twice), the client's
 * groups, point formats, signature and hash algorithms, ALPN names, TLS 1.3
 * versions, PSK modes and key shares, the server's chosen version and key
 * share, the ticket lifetime hint, the DH parameter size and the ECH
 * identifiers.
 *
 * Its handlers make c$ssl when it is missing (set_session): a hello's
 * extension events come before the hello's own, so the first of them may
 * be the connection's first SSL event.
 */
import type { Connection } from "../../../event/records.js";
import { fields, type LogValue } from "../../../log/schema.js";
import type { AnalyzerScriptHost } from "../../../scripts/host.js";
import type { RecordExtension } from "../../../scripts/record-extensions.js";
import { type SslInfo, sslSession } from "./log.js";

/** The fields the script adds to SSL::Info (comp_method is one too, but not logged). */
interface LogExt {
  serverVersion?: number;
  clientVersion?: number;
  clientCiphers?: number[];
  clientExts?: number[];
  serverExts?: number[];
  ticketLifetimeHint?: number;
  dhParamSize?: number;
  pointFormats?: number[];
  clientCurves?: number[];
  origAlpn?: string[];
  clientSupportedVersions?: number[];
  serverSupportedVersion?: number;
  pskKeyExchangeModes?: number[];
  clientKeyShareGroups?: number[];
  serverKeyShareGroup?: number;
  clientCompMethods?: number[];
  sigalgs?: number[];
  hashalgs?: number[];
  echKdfId?: number;
  echAeadId?: number;
}

const extOf = new WeakMap<SslInfo, LogExt>();

/** The session's added fields, made on first use (undefined only when ssl.log is not loaded). */
function ext(host: AnalyzerScriptHost, c: Connection): LogExt | undefined {
  const s = sslSession(host, c);
  if (s === undefined) return undefined;
  let e = extOf.get(s);
  if (e === undefined) extOf.set(s, (e = {}));
  return e;
}

function values(s: SslInfo): readonly LogValue[] {
  const e = extOf.get(s) ?? {};
  return [
    e.serverVersion,
    e.clientVersion,
    e.clientCiphers,
    e.clientExts,
    e.serverExts,
    e.ticketLifetimeHint,
    e.dhParamSize,
    e.pointFormats,
    e.clientCurves,
    e.origAlpn,
    e.clientSupportedVersions,
    e.serverSupportedVersion,
    e.pskKeyExchangeModes,
    e.clientKeyShareGroups,
    e.serverKeyShareGroup,
    e.clientCompMethods,
    e.sigalgs,
    e.hashalgs,
    e.echKdfId,
    e.echAeadId,
  ];
}

/** The hellos' handlers. */
function loadHellos(host: AnalyzerScriptHost): void {
  host.on("ssl_client_hello", (c, version, _recordVersion, _ts, _random, _sessionId, ciphers, compMethods) => {
    const e = ext(host, c);
    if (e === undefined) return;
    e.clientCiphers = ciphers;
    e.clientVersion = version;
    e.clientCompMethods = compMethods;
  });
  host.on("ssl_server_hello", (c, version) => {
    const e = ext(host, c);
    if (e !== undefined) e.serverVersion = version;
  });
  host.on("ssl_session_ticket_handshake", (c, lifetimeHint) => {
    const e = ext(host, c);
    if (e !== undefined) e.ticketLifetimeHint = lifetimeHint;
  });
  host.on("ssl_dh_server_params", (c, _p, _q, ys) => {
    const e = ext(host, c);
    // The key length in bits: Ys has the modulus' size.
    if (e !== undefined) e.dhParamSize = ys.length * 8;
  });
}

/** The extensions' handlers: those of the client only, and those of both sides. */
function loadExtensions(host: AnalyzerScriptHost): void {
  host.on("ssl_extension", (c, isClient, code) => {
    const e = ext(host, c);
    if (e === undefined) return;
    if (isClient) (e.clientExts ??= []).push(code);
    else (e.serverExts ??= []).push(code);
  });
  const clientOnly = (c: Connection, isClient: boolean, set: (e: LogExt) => void): void => {
    const e = isClient ? ext(host, c) : undefined;
    if (e !== undefined) set(e);
  };
  host.on("ssl_extension_ec_point_formats", (c, isClient, formats) => clientOnly(c, isClient, (e) => void (e.pointFormats = formats)));
  host.on("ssl_extension_elliptic_curves", (c, isClient, curves) => clientOnly(c, isClient, (e) => void (e.clientCurves = curves)));
  host.on("ssl_extension_application_layer_protocol_negotiation", (c, isClient, names) => clientOnly(c, isClient, (e) => void (e.origAlpn = names)));
  host.on("ssl_extension_psk_key_exchange_modes", (c, isClient, modes) => clientOnly(c, isClient, (e) => void (e.pskKeyExchangeModes = modes)));
  host.on("ssl_extension_signature_algorithm", (c, isClient, algs) =>
    clientOnly(c, isClient, (e) => {
      e.sigalgs = algs.map((a) => a.SignatureAlgorithm);
      e.hashalgs = algs.map((a) => a.HashAlgorithm);
    }),
  );
  host.on("ssl_extension_encrypted_client_hello", (c, isClient, kdf, aead) =>
    clientOnly(c, isClient, (e) => {
      e.echKdfId = kdf;
      e.echAeadId = aead;
    }),
  );
  // The server's list has its one choice first.
  host.on("ssl_extension_supported_versions", (c, isClient, versions) => {
    const e = ext(host, c);
    if (e === undefined) return;
    if (isClient) e.clientSupportedVersions = versions;
    else if (versions.length > 0) e.serverSupportedVersion = versions[0];
  });
  host.on("ssl_extension_key_share", (c, isClient, groups) => {
    const e = ext(host, c);
    if (e === undefined) return;
    if (isClient) e.clientKeyShareGroups = groups;
    else if (groups.length > 0) e.serverKeyShareGroup = groups[0];
  });
}

export const SSL_LOG_EXT: RecordExtension<SslInfo> = {
  script: "policy/protocols/ssl/ssl-log-ext",
  fields: fields(
    ["server_version", "count"],
    ["client_version", "count"],
    ["client_ciphers", "vector[count]"],
    ["ssl_client_exts", "vector[count]"],
    ["ssl_server_exts", "vector[count]"],
    ["ticket_lifetime_hint", "count"],
    ["dh_param_size", "count"],
    ["point_formats", "vector[count]"],
    ["client_curves", "vector[count]"],
    ["orig_alpn", "vector[string]"],
    ["client_supported_versions", "vector[count]"],
    ["server_supported_version", "count"],
    ["psk_key_exchange_modes", "vector[count]"],
    ["client_key_share_groups", "vector[count]"],
    ["server_key_share_group", "count"],
    ["client_comp_methods", "vector[count]"],
    ["sigalgs", "vector[count]"],
    ["hashalgs", "vector[count]"],
    ["ech_kdf_id", "count"],
    ["ech_aead_id", "count"],
  ),
  values,
  load(host) {
    loadHellos(host);
    loadExtensions(host);
  },
};
