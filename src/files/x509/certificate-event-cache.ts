/**
 * Zeek's base/files/x509/certificate-event-cache.zeek: a certificate seen
 * X509::caching_required_encounters times (by SHA-256, counted from
 * file_hash) within caching_required_encounters_interval of its first
 * sighting enters the cache with its X509::Info when the file that reached
 * the count is removed (at most certificate_cache_max_entries; an entry
 * unused for certificate_cache_minimum_eviction_interval goes). The X509
 * analyzer does not parse a cached certificate: it runs the hook
 * X509::x509_certificate_cache_replay, whose base handler raises
 * x509_certificate with the cached handle and record, then the cached
 * extension events in order, unless the file already has its X509::Info.
 * Handlers of higher priority may set that info or break, so that nothing
 * is raised (policy/files/x509/disable-certificate-events-known-certs).
 * The settings are read when used: a policy script's redef counts.
 */

import { Hook, type HookFn } from "../../scripts/hook.js";
import type { AnalyzerScriptHost } from "../../scripts/host.js";
import type { FaFile } from "../file.js";
import type { FileManager } from "../manager.js";
import type { X509Info } from "./x509.js";

/** The hook's arguments: the file, the cached X509::Info, the certificate's SHA-256. */
export type CacheReplayArgs = [f: FaFile, e: X509Info, sha256: string];

/**
 * What x509_set_certificate_cache and x509_set_certificate_cache_hit_callback
 * give the analyzer: the script's certificate_cache lookup and its replay hook.
 */
export interface CertificateCache {
  lookup(sha256: string): X509Info | undefined;
  hit(f: FaFile, entry: X509Info, sha256: string): void;
}

/** Each file manager's cache (one per run), as the X509 analyzer finds it. */
const caches = new WeakMap<FileManager, CertificateCache>();
/** Each run's replay hook, for scripts of their own. */
const replayHooks = new WeakMap<AnalyzerScriptHost, Hook<CacheReplayArgs>>();

/** The certificate cache the X509 analyzer of `manager`'s files consults, if the script set one. */
export function certificateCacheOf(manager: FileManager): CertificateCache | undefined {
  return caches.get(manager);
}

/**
 * A handler of hook X509::x509_certificate_cache_replay on `host` (higher
 * priorities first; the base handler, which raises the events, is at 0):
 * returning false is Zeek's `break`. Nothing happens before base/files/x509 loaded.
 */
export function onCertificateCacheReplay(host: AnalyzerScriptHost, fn: HookFn<CacheReplayArgs>, priority = 0): void {
  replayHooks.get(host)?.add(fn, priority);
}

/** A sighting count, expiring caching_required_encounters_interval after the first (&create_expire). */
interface Encounters {
  count: number;
  created: number;
}

/** A cached X509::Info, expiring certificate_cache_minimum_eviction_interval after its last use (&read_expire). */
interface Cached {
  info: X509Info;
  read: number;
}

/** The script's two tables, with their expiry. */
class CertificateEventCache implements CertificateCache {
  private readonly encountered = new Map<string, Encounters>();
  private readonly cached = new Map<string, Cached>();

  constructor(
    private readonly host: AnalyzerScriptHost,
    private readonly hook: Hook<CacheReplayArgs>,
  ) {}

  private get now(): number {
    return this.host.clock.now;
  }

  private get requiredEncounters(): number {
    return this.host.settings["X509::caching_required_encounters"];
  }

  private encounters(sha: string): Encounters | undefined {
    const e = this.encountered.get(sha);
    if (e !== undefined && this.now - e.created > this.host.settings["X509::caching_required_encounters_interval"]) {
      this.encountered.delete(sha);
      return undefined;
    }
    return e;
  }

  /** certificate_cache[sha]: a read (`read`) renews the entry's time. */
  private entry(sha: string, read: boolean): X509Info | undefined {
    const e = this.cached.get(sha);
    if (e === undefined) return undefined;
    if (this.now - e.read > this.host.settings["X509::certificate_cache_minimum_eviction_interval"]) {
      this.cached.delete(sha);
      return undefined;
    }
    if (read) e.read = this.now;
    return e.info;
  }

  lookup(sha256: string): X509Info | undefined {
    return this.entry(sha256, true);
  }

  hit(f: FaFile, entry: X509Info, sha256: string): void {
    this.hook.run(f, entry, sha256);
  }

  /** file_hash: one more sighting of a certificate not cached yet. */
  sighted(sha: string): void {
    if (this.requiredEncounters === 0 || this.entry(sha, false) !== undefined) return;
    const e = this.encounters(sha);
    if (e === undefined) this.encountered.set(sha, { count: 1, created: this.now });
    else e.count++;
  }

  /** file_state_remove: a certificate seen often enough enters the cache, while there is room. */
  removed(sha: string, info: X509Info): void {
    if (this.requiredEncounters === 0 || this.entry(sha, false) !== undefined) return;
    const e = this.encounters(sha);
    if (e === undefined || e.count < this.requiredEncounters) return;
    if (this.cached.size >= this.host.settings["X509::certificate_cache_max_entries"]) return;
    this.encountered.delete(sha);
    this.cached.set(sha, { info, read: this.now });
  }
}

/**
 * Loads the script on `host`: `replay` is the base handler of the hook (it
 * raises the cached events), `infoOf` the file's X509::Info (f$info$x509).
 */
export function loadCertificateEventCache(
  host: AnalyzerScriptHost,
  replay: (f: FaFile, e: X509Info) => void,
  infoOf: (f: FaFile) => X509Info | undefined,
): void {
  const hook = new Hook<CacheReplayArgs>();
  hook.add((f, e) => {
    // A file whose X509::Info is there already (file_hash came twice, or a handler set it) raises nothing.
    if (infoOf(f) === undefined) replay(f, e);
  }, 0);
  replayHooks.set(host, hook);
  const cache = new CertificateEventCache(host, hook);
  host.on(
    "file_sniff",
    (f) => {
      // x509_set_certificate_cache at zeek_init: the analyzers of this run's files see it.
      if (!caches.has(f.manager)) caches.set(f.manager, cache);
    },
    { priority: 5 },
  );
  host.on("file_hash", (f, kind, hash) => {
    if (kind === "sha256" && f.info !== undefined && f.info.analyzers.has("X509")) cache.sighted(hash);
  });
  host.on(
    "file_state_remove",
    (f) => {
      const info = infoOf(f);
      const sha = f.info?.sha256;
      if (info !== undefined && sha !== undefined) cache.removed(sha, info);
    },
    { priority: 5 },
  );
}
