/**
 * Zeek's policy/files/x509/disable-certificate-events-known-certs: a cached
 * certificate (certificate-event-cache.ts) raises its events again only
 * where they may tell something new. Its replay hook handler (priority 5,
 * before the base one) remembers each (server address, SNI, SHA-256) the
 * certificate came with over TLS, for certificate_cache_minimum_eviction_interval
 * after the last time; when every connection of the file had one it
 * remembered, it sets the file's X509::Info to the cached one instead, so
 * that the base handler raises nothing. The logs stay as they were (ssl.log
 * reads the cached X509::Info; x509.log rows of known certificates are
 * deduplicated anyway), but scripts see x509_certificate and the extension
 * events only on the first connection of each such combination.
 *
 * A file not carried by TLS on every one of its connections, a certificate
 * or an SSL session marked with alwaysRaiseX509Events (the script's
 * always_raise_x509_events fields), always raises them. The script also
 * raises X509::certificate_cache_max_entries to 100000 unless the command
 * line set it (its redef comes before the command line's).
 */
import { type SslInfo, sslInfoOf } from "../../analyzer/app/ssl/log.js";
import type { AnalyzerScriptHost } from "../../scripts/host.js";
import type { PolicyScript } from "../../scripts/policy-scripts.js";
import { connsInZeekOrder } from "../conns-order.js";
import type { FaFile } from "../file.js";
import { onCertificateCacheReplay } from "./certificate-event-cache.js";
import { type X509Info, x509InfoOf } from "./x509.js";

/** The script's hook runs before the base one (priority 0). */
const REPLAY_PRIORITY = 5;
/** X509::certificate_cache_max_entries' default, and the script's redef of it. */
const BASE_MAX_ENTRIES = 10000;
const POLICY_MAX_ENTRIES = 100000;

/** What always_raise_x509_events was set on (an SSL session or an X509::Info). */
const alwaysRaise = new WeakSet<Readonly<SslInfo> | X509Info>();

/**
 * Sets always_raise_x509_events on an SSL session (c$ssl) or a certificate's
 * X509::Info: its certificates' events are always raised.
 */
export function alwaysRaiseX509Events(target: Readonly<SslInfo> | X509Info): void {
  alwaysRaise.add(target);
}

/** certificate_replay_tracking: the (address, SNI, SHA-256) seen, with the network time of their last use. */
class ReplayTracking {
  private readonly seen = new Map<string, number>();

  constructor(private readonly host: AnalyzerScriptHost) {}

  /** Whether `key` is in the set (&read_expire: a read renews it). */
  has(key: string): boolean {
    const last = this.seen.get(key);
    const now = this.host.clock.now;
    if (last === undefined) return false;
    if (now - last > this.host.settings["X509::certificate_cache_minimum_eviction_interval"]) {
      this.seen.delete(key);
      return false;
    }
    this.seen.set(key, now);
    return true;
  }

  add(key: string): void {
    this.seen.set(key, this.host.clock.now);
  }
}

/** The CacheIndex of a connection's sighting: address, SNI (unset apart from empty), SHA-256. */
function cacheIndex(respH: string, sni: string | undefined, sha256: string): string {
  return `${respH}\u0000${sni === undefined ? "-" : `+${sni}`}\u0000${sha256}`;
}

/** The hook handler: false-free (it never breaks); it only decides whether the file gets its X509::Info now. */
function replayOrNot(host: AnalyzerScriptHost, tracking: ReplayTracking, f: FaFile, e: X509Info, sha256: string): void {
  if (x509InfoOf(f) !== undefined || alwaysRaise.has(e) || f.conns.size === 0) return;
  let raise = false;
  for (const c of connsInZeekOrder(f, host.tableHash)) {
    const ssl = sslInfoOf(host, c);
    if (ssl === undefined) return;
    const key = cacheIndex(c.id.resp_h, ssl.serverName, sha256);
    if (!tracking.has(key) || alwaysRaise.has(ssl)) {
      raise = true;
      tracking.add(key);
    }
  }
  // Known everywhere: the cached info stands for this file's, and the base handler, finding it, raises nothing.
  if (!raise) f.scripts.set("x509", e);
}

function loadDisableKnownCertEvents(host: AnalyzerScriptHost): void {
  if (host.settings["X509::certificate_cache_max_entries"] === BASE_MAX_ENTRIES) host.settings["X509::certificate_cache_max_entries"] = POLICY_MAX_ENTRIES;
  const tracking = new ReplayTracking(host);
  onCertificateCacheReplay(host, (f, e, sha256) => replayOrNot(host, tracking, f, e, sha256), REPLAY_PRIORITY);
}

export const DISABLE_CERTIFICATE_EVENTS_KNOWN_CERTS: PolicyScript = {
  script: "policy/files/x509/disable-certificate-events-known-certs",
  what: "no certificate events for cached certificates a server already showed for the same SNI",
  load: (host) => loadDisableKnownCertEvents(host),
};
