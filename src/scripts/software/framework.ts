/**
 * Zeek's software framework (base/frameworks/software): software.log, the
 * software each host runs, as detection scripts find it in banners and
 * headers. `found` takes what a script saw (Software::found): only hosts
 * Software::asset_tracking selects count, and the same finding within
 * 10 minutes is dropped (found_cache); a version string is parsed
 * (version.ts); a row is written the first time a host shows a name in a
 * version, so one row per host, software and version change (the last
 * Software::max_software_cache_size versions of a name are remembered, for
 * a day per host). Zeek hands each finding on through two events
 * (Software::new, then Software::register); every finding takes that same
 * path, so writing at once keeps their order.
 */
import type { ConnId } from "../../event/records.js";
import type { LogManager } from "../../log/manager.js";
import { fields, type LogField } from "../../log/schema.js";
import type { LogWriter } from "../../log/writer.js";
import { addrMatchesHost, localNetsOf } from "../directions-and-hosts.js";
import type { AnalyzerScriptHost } from "../host.js";
import type { PolicyScript } from "../policy-scripts.js";
import { formatVersion, parseSoftware, type SoftwareVersion } from "./version.js";

export const SOFTWARE_FIELDS: readonly LogField[] = fields(
  ["ts", "time"],
  ["host", "addr"],
  ["host_p", "port"],
  ["software_type", "enum"],
  ["name", "string"],
  ["version.major", "count"],
  ["version.minor", "count"],
  ["version.minor2", "count"],
  ["version.minor3", "count"],
  ["version.addl", "string"],
  ["unparsed_version", "string"],
);

/** Software::Info: what a detection script found. */
export interface SoftwareInfo {
  /** The host running it. */
  host: string;
  /** The port it serves on, for servers. */
  host_p?: number;
  /** Software::Type, by its Zeek name ("HTTP::SERVER"); default "Software::UNKNOWN". */
  software_type?: string;
  /** Set with `version`; else both come from parsing `unparsed_version`. */
  name?: string;
  version?: SoftwareVersion;
  unparsed_version?: string;
  /** Log it even if the host's software is known, and whatever asset_tracking says. */
  force_log?: boolean;
  /** policy/protocols/http/detect-webapps: the web application's URL closest to its site's root. */
  url?: string;
}

/** A finding as the log takes it (network time added, parsed). */
export interface Registered extends SoftwareInfo {
  ts: number;
  name: string;
}

/** Software::found_cache_interval (found_cache's &create_expire). */
const FOUND_CACHE_INTERVAL = 600;
/** tracked_software's &create_expire. */
const TRACKED_EXPIRY = 86400;
/** Software::max_software_cache_size. */
const MAX_SOFTWARE_CACHE_SIZE = 20;

/** One name's versions on one host (Software::Set). */
export interface VersionSet {
  versions: Set<string>;
  last: Registered;
}

/** software_fmt_unparsed_version: the version as found, else as parsed. */
function versionKey(info: SoftwareInfo): string {
  return info.unparsed_version ?? (info.version !== undefined ? formatVersion(info.version) : "<unknown>");
}

/** A finding's identity in the found cache (the record as the script made it, every field). */
function findingKey(info: SoftwareInfo): string {
  const v = info.version;
  const version = v === undefined ? "" : [v.major, v.minor, v.minor2, v.minor3, v.addl].join("\u0001");
  return [info.host, info.host_p, info.software_type, info.name, version, info.unparsed_version, info.force_log, info.url].join("\u0000");
}

export class SoftwareFramework {
  private log: LogWriter | null = null;
  /** found_cache: when each finding was first seen. */
  private readonly foundCache = new Map<string, number>();
  /** tracked_software: each host's software by name, and when the host was added. */
  private readonly tracked = new Map<string, { added: number; names: Map<string, VersionSet> }>();
  private readonly localNets;
  /** Listeners of Software::version_change (a host's software of a known name in a new version). */
  private readonly versionChanges: Array<(previous: Registered, current: Registered) => void> = [];
  /** Listeners of the log's event, log_software (each row as written). */
  private readonly loggedListeners: Array<(info: Registered) => void> = [];
  /** Software::register handlers of policy scripts, run before the framework's own (their &priority=5). */
  private readonly registerHooks: Array<(info: Registered, known: ReadonlyMap<string, VersionSet>) => void> = [];
  /** software.log has detect-webapps' url column. */
  private withUrl = false;

  constructor(
    private readonly host: AnalyzerScriptHost,
    private readonly logs: LogManager,
  ) {
    this.localNets = localNetsOf(host.settings);
  }

  /** Software::found: false when the host is not tracked (or the finding lacks what it needs). */
  found(_id: ConnId, info: SoftwareInfo): boolean {
    const force = info.force_log === true;
    if (!force && !addrMatchesHost(info.host, this.host.settings["Software::asset_tracking"], this.localNets)) return false;
    const now = this.host.clock.now;
    const key = findingKey(info);
    const first = this.foundCache.get(key);
    if (first !== undefined && now - first < FOUND_CACHE_INTERVAL) return true;
    this.foundCache.set(key, now);
    this.sweepFoundCache(now);
    // Zeek reports these as errors: a parsed version needs its name, an unparsed one its text.
    if (info.version !== undefined ? info.name === undefined : info.unparsed_version === undefined) return false;
    this.register(this.parsed(info, now));
    return true;
  }

  /** Hears of each version change (Software::version_change). */
  onVersionChange(listener: (previous: Readonly<Registered>, current: Readonly<Registered>) => void): void {
    this.versionChanges.push(listener);
  }

  /** Hears of each row written to software.log (Zeek's log_software event). */
  onLogged(listener: (info: Readonly<Registered>) => void): void {
    this.loggedListeners.push(listener);
  }

  /** software.log gets a url column (Software::Info += url &log): before the first row. */
  addUrlColumn(): void {
    this.withUrl = true;
  }

  /** Runs `hook` on each finding before the framework registers it, with the host's known software (Software::register at &priority=5). */
  onRegister(hook: (info: Registered, known: ReadonlyMap<string, VersionSet>) => void): void {
    this.registerHooks.push(hook);
  }

  /** Software::new: the version string parsed, when the script gave none. */
  private parsed(info: SoftwareInfo, ts: number): Registered {
    if (info.version !== undefined) return { ...info, ts, name: info.name! };
    const sw = parseSoftware(info.unparsed_version!);
    return { ...info, ts, name: sw.name, version: sw.version, unparsed_version: sw.unparsed_version };
  }

  /** Software::register: a row unless the host is known to run this name in this version. */
  private register(info: Registered): void {
    if (this.registerHooks.length > 0) {
      const entry = this.tracked.get(info.host);
      if (entry !== undefined && this.host.clock.now - entry.added < TRACKED_EXPIRY) for (const hook of this.registerHooks) hook(info, entry.names);
    }
    const names = this.namesOf(info.host);
    const key = versionKey(info);
    const set = names.get(info.name);
    if (set?.versions.has(key) === true) {
      if (info.force_log !== true) return;
    } else {
      if (set === undefined) names.set(info.name, { versions: new Set([key]), last: info });
      else {
        for (const listener of this.versionChanges) listener(set.last, info);
        set.versions.add(key);
        set.last = info;
        // Too many versions of one name: start over from the newest.
        if (set.versions.size > MAX_SOFTWARE_CACHE_SIZE) set.versions = new Set([key]);
      }
    }
    this.write(info);
  }

  private namesOf(host: string): Map<string, VersionSet> {
    const now = this.host.clock.now;
    let entry = this.tracked.get(host);
    if (entry === undefined || now - entry.added >= TRACKED_EXPIRY) this.tracked.set(host, (entry = { added: now, names: new Map() }));
    return entry.names;
  }

  private write(info: Registered): void {
    this.log ??= this.logs.open({ path: "software", fields: this.withUrl ? [...SOFTWARE_FIELDS, { name: "url", type: "string" }] : SOFTWARE_FIELDS });
    const v = info.version;
    this.log.write([
      info.ts,
      info.host,
      info.host_p,
      info.software_type ?? "Software::UNKNOWN",
      info.name,
      v?.major,
      v?.minor,
      v?.minor2,
      v?.minor3,
      v?.addl,
      info.unparsed_version,
      ...(this.withUrl ? [info.url] : []),
    ]);
    for (const listener of this.loggedListeners) listener(info);
  }

  /** Findings older than the cache interval go once the cache has doubled since the last sweep. */
  private nextSweep = 1024;
  private sweepFoundCache(now: number): void {
    if (this.foundCache.size < this.nextSweep) return;
    for (const [k, t] of this.foundCache) if (now - t >= FOUND_CACHE_INTERVAL) this.foundCache.delete(k);
    this.nextSweep = Math.max(1024, 2 * this.foundCache.size);
  }
}

/** Each host's framework, made by the first detection script that needs it. */
const frameworks = new WeakMap<AnalyzerScriptHost, SoftwareFramework>();

/** The software framework of `host` (one per engine), writing software.log through `logs`. */
export function softwareFramework(host: AnalyzerScriptHost, logs: LogManager): SoftwareFramework {
  let f = frameworks.get(host);
  if (f === undefined) frameworks.set(host, (f = new SoftwareFramework(host, logs)));
  return f;
}

/**
 * A software detection script (policy/protocols/X/software): `watch`
 * registers its handlers, which report what they find through `found`
 * (Software::found of the run's framework).
 */
export function detectionScript(script: string, what: string, watch: (host: AnalyzerScriptHost, found: SoftwareFramework["found"]) => void): PolicyScript {
  return {
    script,
    what,
    load(host, { logs }) {
      const software = softwareFramework(host, logs);
      watch(host, (id, info) => software.found(id, info));
    },
  };
}
