/**
 * The Zeek policy scripts bronze has that do more than add columns to a
 * base script's log (those are record extensions, record-extensions.ts):
 * their own logs and notices. Each loads when the command line names it or
 * a script it names loads it, with -b or not, after the base scripts.
 */
import { DNS_DETECT_EXTERNAL_NAMES } from "../analyzer/app/dns/detect-external-names.js";
import { FTP_DETECT } from "../analyzer/app/ftp/detect.js";
import { FTP_DETECT_BRUTEFORCING } from "../analyzer/app/ftp/detect-bruteforcing.js";
import { FTP_SOFTWARE_SCRIPT } from "../analyzer/app/ftp/software.js";
import { HTTP_DETECT_SQL_INJECTION } from "../analyzer/app/http/detect-sql-injection.js";
import { HTTP_DETECT_WEBAPPS } from "../analyzer/app/http/detect-webapps.js";
import { HTTP_SOFTWARE_SCRIPT } from "../analyzer/app/http/software.js";
import { KNOWN_MODBUS_SCRIPT, TRACK_MEMMAP_SCRIPT } from "../analyzer/app/modbus/policy.js";
import { MYSQL_SOFTWARE_SCRIPT } from "../analyzer/app/mysql/software.js";
import { SMB_LOG_CMDS_SCRIPT } from "../analyzer/app/smb/log-cmds.js";
import { SMTP_BLOCKLISTS } from "../analyzer/app/smtp/blocklists.js";
import { SMTP_DETECT_SUSPICIOUS_ORIG } from "../analyzer/app/smtp/detect-suspicious-orig.js";
import { SMTP_ENTITIES_EXCERPT } from "../analyzer/app/smtp/entities-excerpt.js";
import { SSH_DETECT_BRUTEFORCING } from "../analyzer/app/ssh/detect-bruteforcing.js";
import { SSH_GEO_DATA } from "../analyzer/app/ssh/geo-data.js";
import { SSH_INTERESTING_HOSTNAMES } from "../analyzer/app/ssh/interesting-hostnames.js";
import { SSH_SOFTWARE_SCRIPT } from "../analyzer/app/ssh/software.js";
import { DECRYPTION_SCRIPT } from "../analyzer/app/ssl/decryption-script.js";
import { EXPIRING_CERTS_SCRIPT } from "../analyzer/app/ssl/expiring-certs.js";
import { HEARTBLEED_SCRIPT } from "../analyzer/app/ssl/heartbleed.js";
import { KNOWN_CERTS_SCRIPT } from "../analyzer/app/ssl/known-certs.js";
import { VALIDATE_CERTS_SCRIPT } from "../analyzer/app/ssl/validate-certs.js";
import { VALIDATE_OCSP_SCRIPT } from "../analyzer/app/ssl/validate-ocsp.js";
import { WEAK_KEYS_SCRIPT } from "../analyzer/app/ssl/weak-keys.js";
import { DETECT_MHR } from "../files/detect-mhr.js";
import { DISABLE_CERTIFICATE_EVENTS_KNOWN_CERTS } from "../files/x509/disable-certificate-events-known-certs.js";
import { loadZipRegister } from "../files/zip/zip.js";
import type { LogManager } from "../log/manager.js";
import { CAPTURE_LOSS_SCRIPT, loadCaptureLoss } from "./capture-loss.js";
import { CONN_WEIRDS } from "./conn-weirds.js";
import { DETECT_PROTOCOLS } from "./detect-protocols.js";
import { DETECT_TRACEROUTE } from "./detect-traceroute.js";
import type { AnalyzerScriptHost } from "./host.js";
import { COLLECTIVE_INTEL } from "./intel/collective-intel.js";
import { INTEL_DO_EXPIRE, INTEL_DO_NOTICE, INTEL_REMOVAL, INTEL_WHITELIST } from "./intel/policies.js";
import { INTEL_SEEN_SCRIPTS } from "./intel/seen.js";
import { ISO_9660 } from "./iso-9660.js";
import { loadKnownHosts } from "./known-hosts.js";
import { loadKnownServices } from "./known-services.js";
import { LOADED_SCRIPTS } from "./loaded-scripts.js";
import { loadMulticastParticipants } from "./multicast-participants.js";
import { CATCH_AND_RELEASE } from "./netcontrol/catch-and-release.js";
import type { NoticeLog } from "./notice.js";
import { NOTICE_DROP } from "./notice-drop.js";
import { NOTICE_HOSTNAMES } from "./notice-hostnames.js";
import { SHUNT_SCRIPT } from "./packet-filter/shunt.js";
import type { Reporter } from "./reporter.js";
import { scriptsLoadedBy } from "./script-loads.js";
import { inScriptModule } from "./script-modules.js";
import { VERSION_CHANGES_SCRIPT } from "./software/version-changes.js";
import { VULNERABLE_SCRIPT } from "./software/vulnerable.js";
import { loadStats, STATS_SCRIPT } from "./stats.js";
import type { SumStats } from "./sumstats/sumstats.js";
import { loadUnknownProtocolsLog } from "./unknown-protocols.js";
import { WEIRD_STATS_SCRIPT } from "./weird-stats.js";

/** What a policy script writes with, and counts with (the detection scripts' SumStats, made on first use). */
export interface PolicyScriptContext {
  readonly logs: LogManager;
  readonly notices: NoticeLog;
  /** reporter.log (the Intel framework's Reporter::info about removals of absent items, its files' warnings). */
  readonly reporter: Reporter;
  readonly sumstats: () => SumStats;
}

export interface PolicyScript {
  /** The Zeek script it stands for, by its full name ("policy/protocols/ssl/known-certs"). */
  readonly script: string;
  /** What bronze does for it, for messages. */
  readonly what: string;
  load(host: AnalyzerScriptHost, context: PolicyScriptContext): void;
  /** Ids of its own signatures that signatures.log leaves out (its `redef Signatures::ignored_ids += …`). */
  readonly ignoredSignatureIds?: RegExp;
}

/** The Host settings policy/tuning/track-all-assets sets to ALL_HOSTS. */
const ASSET_TRACKING_SETTINGS = ["Software::asset_tracking", "Known::host_tracking", "Known::service_tracking", "Known::cert_tracking"] as const;

/**
 * policy/tuning/track-all-assets: software, known hosts, services and certs
 * for every host, not only Site::local_nets'. First in the list: known-certs
 * reads its setting when it loads. The script's redefs come before the
 * command line's, so a value set there (other than the default) stays.
 */
const TRACK_ALL_ASSETS: PolicyScript = {
  script: "policy/tuning/track-all-assets",
  what: "software.log, known_hosts.log, known_services.log and known_certs.log for all hosts",
  load(host) {
    for (const name of ASSET_TRACKING_SETTINGS) if (host.settings[name] === "LOCAL_HOSTS") host.settings[name] = "ALL_HOSTS";
  },
};

export const POLICY_SCRIPTS: readonly PolicyScript[] = [
  TRACK_ALL_ASSETS,
  KNOWN_CERTS_SCRIPT,
  EXPIRING_CERTS_SCRIPT,
  WEAK_KEYS_SCRIPT,
  DECRYPTION_SCRIPT,
  HEARTBLEED_SCRIPT,
  VALIDATE_CERTS_SCRIPT,
  VALIDATE_OCSP_SCRIPT,
  SMB_LOG_CMDS_SCRIPT,
  SSH_SOFTWARE_SCRIPT,
  HTTP_SOFTWARE_SCRIPT,
  FTP_SOFTWARE_SCRIPT,
  MYSQL_SOFTWARE_SCRIPT,
  VERSION_CHANGES_SCRIPT,
  VULNERABLE_SCRIPT,
  { script: "policy/protocols/conn/known-hosts", what: "known_hosts.log", load: (host, { logs }) => loadKnownHosts(host, logs) },
  { script: "policy/protocols/conn/known-services", what: "known_services.log", load: (host, { logs }) => loadKnownServices(host, logs) },
  {
    script: "policy/protocols/conn/multicast-participants",
    what: "multicast_participants.log (and the IGMP events)",
    load: (host, { logs }) => loadMulticastParticipants(host, logs),
  },
  { script: "policy/misc/unknown-protocols", what: "unknown_protocols.log", load: (host, { logs }) => loadUnknownProtocolsLog(host, logs) },
  {
    script: CAPTURE_LOSS_SCRIPT,
    what: "capture_loss.log (and the CaptureLoss notices)",
    load: (host, { logs, notices }) => void loadCaptureLoss(host, logs, notices),
  },
  { script: STATS_SCRIPT, what: "stats.log", load: (host, { logs }) => loadStats(host, logs) },
  WEIRD_STATS_SCRIPT,
  SSH_DETECT_BRUTEFORCING,
  FTP_DETECT_BRUTEFORCING,
  FTP_DETECT,
  HTTP_DETECT_SQL_INJECTION,
  DNS_DETECT_EXTERNAL_NAMES,
  KNOWN_MODBUS_SCRIPT,
  TRACK_MEMMAP_SCRIPT,
  SMTP_BLOCKLISTS,
  CONN_WEIRDS,
  DETECT_TRACEROUTE,
  ISO_9660,
  HTTP_DETECT_WEBAPPS,
  { script: "policy/files/zip/register", what: "the ZIP analyzer on application/zip files (their members as files)", load: (host) => loadZipRegister(host) },
  // The Intel framework's, in the order Zeek loads them (their hooks and handlers run in it).
  ...INTEL_SEEN_SCRIPTS,
  INTEL_DO_NOTICE,
  INTEL_WHITELIST,
  INTEL_REMOVAL,
  INTEL_DO_EXPIRE,
  SSH_GEO_DATA,
  DETECT_PROTOCOLS,
  DISABLE_CERTIFICATE_EVENTS_KNOWN_CERTS,
  SMTP_DETECT_SUSPICIOUS_ORIG,
  SSH_INTERESTING_HOSTNAMES,
  LOADED_SCRIPTS,
  DETECT_MHR,
  CATCH_AND_RELEASE,
  SHUNT_SCRIPT,
  NOTICE_DROP,
  COLLECTIVE_INTEL,
  SMTP_ENTITIES_EXCERPT,
  NOTICE_HOSTNAMES,
];

/** Signatures::ignored_ids as the policy scripts that `loads` brings extend `base` (null: none extends it). */
export function ignoredSignatureIds(loads: readonly string[], base: RegExp = /NO_DEFAULT_MATCHES/): RegExp | null {
  const brought = scriptsLoadedBy(loads);
  const own = POLICY_SCRIPTS.flatMap((p) => (p.ignoredSignatureIds !== undefined && brought.has(p.script) ? [p.ignoredSignatureIds.source] : []));
  return own.length === 0 ? null : new RegExp([base.source, ...own].join("|"));
}

/** Registers the handlers of the policy scripts that `loads` brings. */
export function loadPolicyScripts(host: AnalyzerScriptHost, loads: readonly string[], context: PolicyScriptContext): void {
  const brought = scriptsLoadedBy(loads);
  for (const p of POLICY_SCRIPTS) if (brought.has(p.script)) inScriptModule(host, p.script, () => p.load(host, context));
}
