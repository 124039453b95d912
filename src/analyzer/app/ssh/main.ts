/**
 * ssh.log: Zeek's base/protocols/ssh/main.zeek, written against the SSH
 * events.
 *
 * - A connection's record starts at its first version line (or the SSH
 *   confirmation): ts is then, direction is OUTBOUND/INBOUND when exactly
 *   one side is in Site::local_nets.
 * - `version` from both version lines (1.99 goes with either; SSH1 against
 *   SSH2 is the SSH_version_mismatch weird).
 * - The algorithms: from both KEXINITs, the first of the client's names the
 *   server also offers ("Algorithm negotiation failed" when none; "To server:
 *   …, to client: …" when the two directions differ).
 * - auth_success / auth_attempts from ssh_auth_attempted (not with a
 *   compression algorithm: packet sizes say nothing then); a success writes
 *   the row at once (ssh_auth_result), and removes the analyzer
 *   (SSH::disable_analyzer_after_detection).
 * - Otherwise the row is written when the connection goes away: after
 *   ssh_auth_failed when a failure was seen, else as it is.
 *
 * policy/protocols/ssh/md5-host-key-logging adds host_key: the MD5
 * fingerprint of the server's host key (ssh_server_host_key);
 * policy/protocols/ssh/geo-data the remote_location columns (geo-data.ts).
 * Added columns come in the order their scripts were named, as Zeek's
 * redefs of SSH::Info do.
 */
import type { Connection } from "../../../event/records.js";
import type { GeoLocation } from "../../../geoip/geoip.js";
import type { LogManager } from "../../../log/manager.js";
import { CONN_ID_COLUMNS, fields, type LogField } from "../../../log/schema.js";
import type { LogWriter } from "../../../log/writer.js";
import { policyScriptLoaded } from "../../../options.js";
import { localNetsOf } from "../../../scripts/directions-and-hosts.js";
import type { AnalyzerScriptHost } from "../../../scripts/host.js";
import { addAppEventTrace, tf, zeekJson } from "../../../scripts/misc/app-event-trace.js";
import type { ProtocolScript } from "../../../scripts/protocols.js";
import { extendedFields, loadedExtensions, type RecordExtension, writeExtended } from "../../../scripts/record-extensions.js";
import { registerRemovalHook, removalHook } from "../../../scripts/removal-hooks.js";
import type { LocalNets } from "../../../scripts/site.js";
import type { SshAlgorithmPrefs, SshCapabilities } from "./events.js";
import { SSH_GEO_DATA_COLUMNS } from "./geo-data-columns.js";
import "./events.js";

export const SSH_FIELDS: readonly LogField[] = fields(
  ...CONN_ID_COLUMNS,
  ["version", "count"],
  ["auth_success", "bool"],
  ["auth_attempts", "count"],
  ["direction", "enum"],
  ["client", "string"],
  ["server", "string"],
  ["cipher_alg", "string"],
  ["mac_alg", "string"],
  ["compression_alg", "string"],
  ["kex_alg", "string"],
  ["host_key_alg", "string"],
  ["host_key_fingerprint", "string"],
);

/** SSH::compression_algorithms: with these, packet sizes say nothing about authentication. */
const COMPRESSION_ALGORITHMS = new Set(["zlib", "zlib@openssh.com"]);
const NEGOTIATION_FAILED = "Algorithm negotiation failed";

/** Zeek's SSH::Info, plus the script's bookkeeping. */
export interface SshInfo {
  ts: number;
  direction?: "OUTBOUND" | "INBOUND";
  version?: number;
  auth_success?: boolean;
  auth_attempts: number;
  client?: string;
  server?: string;
  cipher_alg?: string;
  mac_alg?: string;
  compression_alg?: string;
  kex_alg?: string;
  host_key_alg?: string;
  host_key_fingerprint?: string;
  /** md5-host-key-logging's column. */
  host_key?: string;
  /** geo-data's columns. */
  remote_location?: GeoLocation;
  logged: boolean;
  capabilities?: SshCapabilities;
  analyzer_id?: number;
}

/** The first of the client's algorithms the server also offers. */
function findAlg(client: readonly string[] | undefined, server: readonly string[] | undefined): string {
  const offered = new Set(server ?? []);
  for (const alg of client ?? []) if (offered.has(alg)) return alg;
  return NEGOTIATION_FAILED;
}

function findBidirectionalAlg(client: SshAlgorithmPrefs, server: SshAlgorithmPrefs): string {
  const c2s = findAlg(client.client_to_server, server.client_to_server);
  const s2c = findAlg(client.server_to_client, server.server_to_client);
  return c2s === s2c ? c2s : `To server: ${c2s}, to client: ${s2c}`;
}

/** "1.99" at characters 6-7 of a version line. */
function is199(v: string): boolean {
  return v.length > 7 && v[6] === "9" && v[7] === "9";
}

const MD5_HOST_KEY_SCRIPT = "protocols/ssh/md5-host-key-logging";

/** md5-host-key-logging's column (its handler is loadSshLog's, registered only with it). */
const MD5_HOST_KEY_COLUMN: RecordExtension<SshInfo> = {
  script: `policy/${MD5_HOST_KEY_SCRIPT}`,
  fields: fields(["host_key", "string"]),
  values: (info) => [info.host_key],
};

/** The policy scripts that add ssh.log columns (Zeek's `redef record SSH::Info += { … &log }`). */
const SSH_EXTENSIONS: readonly RecordExtension<SshInfo>[] = [MD5_HOST_KEY_COLUMN, SSH_GEO_DATA_COLUMNS];

/** Each host's SSH records by connection (Zeek's c$ssh), for the policy scripts. */
const infosByHost = new WeakMap<AnalyzerScriptHost, WeakMap<Connection, SshInfo>>();

/** What the SSH script knows of connection `c` on `host` (Zeek's c$ssh), if anything. */
export function sshInfoOf(host: AnalyzerScriptHost, c: Connection): SshInfo | undefined {
  return infosByHost.get(host)?.get(c);
}

export function loadSshLog(
  host: AnalyzerScriptHost,
  logs: LogManager | null,
  localNets: LocalNets = localNetsOf(host.settings),
  loads: readonly string[] = [],
): void {
  const md5HostKey = policyScriptLoaded(loads, MD5_HOST_KEY_SCRIPT);
  const extensions = loadedExtensions(SSH_EXTENSIONS, loads);
  const log: LogWriter | null = logs?.open({ path: "ssh", fields: extendedFields(SSH_FIELDS, extensions) }) ?? null;
  const infos = new WeakMap<Connection, SshInfo>();
  infosByHost.set(host, infos);

  const setSession = (c: Connection): SshInfo => {
    let info = infos.get(c);
    if (info === undefined) {
      // Every slot from birth, the optional ones too (filled in varying order, they gave the records many shapes).
      info = {
        ts: host.clock.now,
        direction: undefined,
        version: undefined,
        auth_success: undefined,
        auth_attempts: 0,
        client: undefined,
        server: undefined,
        cipher_alg: undefined,
        mac_alg: undefined,
        compression_alg: undefined,
        kex_alg: undefined,
        host_key_alg: undefined,
        host_key_fingerprint: undefined,
        host_key: undefined,
        remote_location: undefined,
        logged: false,
        capabilities: undefined,
        analyzer_id: undefined,
      };
      const o = localNets.isLocal(c.id.orig_h) ?? false;
      const r = localNets.isLocal(c.id.resp_h) ?? false;
      if (o !== r) info.direction = o ? "OUTBOUND" : "INBOUND";
      infos.set(c, info);
      registerRemovalHook(c, finalize);
    }
    return info;
  };

  const write = (c: Connection, info: SshInfo): void => {
    info.logged = true;
    const row = [
      info.ts,
      c.uid,
      c.id.orig_h,
      c.id.orig_p,
      c.id.resp_h,
      c.id.resp_p,
      info.version,
      info.auth_success,
      info.auth_attempts,
      info.direction,
      info.client,
      info.server,
      info.cipher_alg,
      info.mac_alg,
      info.compression_alg,
      info.kex_alg,
      info.host_key_alg,
      info.host_key_fingerprint,
    ];
    writeExtended(host, row, info, extensions, (r) => log?.write(r));
  };

  const mismatch = (c: Connection, info: SshInfo): void => {
    host.connWeird("SSH_version_mismatch", c, `${info.server} vs ${info.client}`);
  };

  /** main.zeek's set_version: the protocol version both lines agree on, or unset. */
  const setVersion = (c: Connection, info: SshInfo): void => {
    info.version = undefined;
    const client = info.client ?? "";
    const server = info.server ?? "";
    if (client.length === 0 || server.length === 0) return;
    if (client.length <= 4 || server.length <= 4) {
      host.connWeird("SSH_cannot_determine_version", c, `${server} vs ${client}`);
      return;
    }
    const cv = client[4];
    const sv = server[4];
    if (cv === "1" && sv === "2") {
      if (is199(client)) info.version = 2;
      else mismatch(c, info);
    } else if (cv === "2" && sv === "1") {
      if (is199(server)) info.version = 2;
      else mismatch(c, info);
    } else if (cv === "1" && sv === "1") info.version = is199(server) && is199(client) ? 2 : 1;
    else if (cv === "2" && sv === "2") info.version = 2;
  };

  host.on("ssh_server_version", (c, version) => {
    const info = setSession(c);
    info.server = version;
    setVersion(c, info);
  });

  host.on("ssh_client_version", (c, version) => {
    const info = setSession(c);
    info.client = version;
    setVersion(c, info);
  });

  host.on(
    "ssh_auth_attempted",
    (c, authenticated) => {
      const info = infos.get(c);
      if (info === undefined || info.auth_success === true) return;
      if (info.compression_alg !== undefined && COMPRESSION_ALGORITHMS.has(info.compression_alg)) return;
      info.auth_success = authenticated;
      info.auth_attempts++;
      if (authenticated && host.settings["SSH::disable_analyzer_after_detection"] && info.analyzer_id !== undefined) host.disableAnalyzer(c, info.analyzer_id);
    },
    { priority: 5 },
  );

  host.on(
    "ssh_auth_attempted",
    (c, authenticated) => {
      const info = infos.get(c);
      if (!authenticated || info === undefined || info.logged) return;
      host.raise("ssh_auth_result", c, authenticated, info.auth_attempts);
      write(c, info);
    },
    { priority: -5 },
  );

  host.on("ssh_capabilities", (c, _cookie, caps) => {
    const info = infos.get(c);
    if (info === undefined || (info.capabilities !== undefined && info.capabilities.is_server === caps.is_server)) return;
    if (info.capabilities === undefined) {
      info.capabilities = caps;
      return;
    }
    const client = caps.is_server ? info.capabilities : caps;
    const server = caps.is_server ? caps : info.capabilities;
    info.cipher_alg = findBidirectionalAlg(client.encryption_algorithms, server.encryption_algorithms);
    info.mac_alg = findBidirectionalAlg(client.mac_algorithms, server.mac_algorithms);
    info.compression_alg = findBidirectionalAlg(client.compression_algorithms, server.compression_algorithms);
    info.kex_alg = findAlg(client.kex_algorithms, server.kex_algorithms);
    info.host_key_alg = findAlg(client.server_host_key_algorithms, server.server_host_key_algorithms);
  });

  // The removal hook (Conn::register_removal_hook runs at connection_state_remove, priority -3).
  const finalize = removalHook(host, (c) => {
    const info = infos.get(c);
    if (info === undefined || info.logged) return;
    if (info.client !== undefined && info.server !== undefined && info.auth_success !== undefined) {
      // Successes were written when they happened.
      if (!info.auth_success) host.raise("ssh_auth_failed", c);
    } else write(c, info);
  });

  host.on(
    "ssh_auth_failed",
    (c) => {
      const info = infos.get(c);
      if (info === undefined || info.logged) return;
      write(c, info);
      host.raise("ssh_auth_result", c, false, info.auth_attempts);
    },
    { priority: -5 },
  );

  /** A host key handler (priority 5) that sets its column on a connection with an SSH record. */
  const onKey = (set: (info: SshInfo, key: string) => void) => (c: Connection, key: string) => {
    const info = infos.get(c);
    if (info !== undefined) set(info, key);
  };
  host.on(
    "ssh_server_host_key_fingerprint",
    onKey((info, fingerprint) => {
      info.host_key_fingerprint = fingerprint;
    }),
    { priority: 5 },
  );
  // Only when the script is loaded: the analyzer hashes the key only for a handler.
  if (md5HostKey)
    host.on(
      "ssh_server_host_key",
      onKey((info, hash) => {
        info.host_key = hash;
      }),
      { priority: 5 },
    );

  host.on(
    "analyzer_confirmation_info",
    (atype, ci) => {
      if (atype !== "SSH" || ci.c === undefined) return;
      setSession(ci.c).analyzer_id = ci.aid;
    },
    { priority: 20 },
  );
}

/** The ssh.log script, for src/scripts/protocols.ts. */
export const SSH_SCRIPT: ProtocolScript = {
  script: "base/protocols/ssh",
  load: (host, logs, loads) => loadSshLog(host, logs, localNetsOf(host.settings), loads),
};

// misc/app-event-trace: the SSH lines, formatted as app-event-trace.zeek does.
addAppEventTrace((host, emit) => {
  host.on("ssh_client_version", (c, version) => emit("ssh_client_version", c.uid, `version=${zeekJson(version)}`));
  host.on("ssh_server_version", (c, version) => emit("ssh_server_version", c.uid, `version=${zeekJson(version)}`));
  host.on("ssh_auth_successful", (c, none) => emit("ssh_auth_successful", c.uid, `auth_method_none=${tf(none)}`));
});
