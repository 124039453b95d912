/**
 * bronze's settings that are Zeek `option`s, offered to the config
 * framework. Only settings the engine and its scripts read where they use
 * them are here, so that a change takes effect from the next packet,
 * connection, file or notice on. Zeek options bronze has as settings but
 * reads once at start-up, or whose values config.log could not write as
 * Zeek does, are left out:
 *  - DPD::ignore_violations (merged once with the protocol scripts' additions),
 *  - Notice::lookup_location_types (decides at start-up whether GeoIP is opened),
 *  - Site::local_nets (its LocalNets are built by each script when it loads),
 *  - SMTP::suspicious_origination_networks (read where a script loads),
 *  - ProtocolDetector::valids, Site::local_admins (tables).
 */

import { formatSubnetBytes } from "../../ip/addr.js";
import { type EngineSettings, SETTING_DOCS, settingEnum } from "../../options.js";
import { parseSubnet, type Subnet } from "../site.js";
import type { OptionShape, OptionType, OptionValue } from "./values.js";

/** A subnet as Zeek writes it (its network address: the parsed text may have host bits set). */
const subnetText = (net: Subnet): string => formatSubnetBytes(net.bytes, net.bits);

/** A setting kept as parsed subnets (null: none), as a set[subnet] option of their texts. */
function subnetSetOption(target: Record<string, Subnet[] | null>, name: string): OptionBinding {
  return {
    shape: { type: "set[subnet]" },
    get: () => new Set((target[name] ?? []).map(subnetText)),
    set: (v) => void (target[name] = [...(v as ReadonlySet<string>)].map(parseSubnet)),
  };
}

/** The settings offered, by their Zeek names. */
export const ENGINE_OPTIONS = [
  // policy/frameworks/analyzer/debug-logging's: read at each row.
  "Analyzer::DebugLogging::enable",
  "Analyzer::DebugLogging::failure_data_max_size",
  "Analyzer::DebugLogging::ignore_analyzers",
  "Analyzer::DebugLogging::include_confirmations",
  "Analyzer::DebugLogging::include_disabling",
  "CaptureLoss::initial_watch_interval",
  "CaptureLoss::minimum_acks",
  "CaptureLoss::too_much_loss",
  "CaptureLoss::watch_interval",
  "CommunityID::do_base64",
  "CommunityID::seed",
  "DPD::ignore_violations_after",
  "DPD::track_removed_services_in_connection",
  "FTP::default_capture_password",
  "FTP::logged_commands",
  "Finger::max_line_length",
  "GridFTP::max_time",
  "GridFTP::size_threshold",
  "GridFTP::skip_data",
  "HTTP::default_capture_password",
  "HTTP::log_client_header_names",
  "HTTP::log_server_header_names",
  "Intel::enable_x509_ext_subject_alternative_name",
  "Known::cert_tracking",
  "Known::host_tracking",
  "Known::service_tracking",
  "Known::service_udp_requires_response",
  // Read by the IP layer at each packet whose checksum is wrong.
  "ignore_checksums_nets",
  "LDAP::default_capture_password",
  "LDAP::default_log_search_attributes",
  "Log::default_rotation_dir",
  "Modbus::track_memmap",
  // Read by the MQTT analyzer at each publish.
  "MQTT::max_payload_size",
  "NetControl::catch_release_warn_blocked_ip_encountered",
  "NetControl::default_priority",
  "Notice::alarmed_types",
  "Notice::emailed_types",
  "Notice::ignored_types",
  "Notice::not_suppressed_types",
  "Notice::mail_from",
  "Notice::mail_page_dest",
  "Notice::mail_subject_prefix",
  "Notice::reply_to",
  "Notice::sendmail",
  "ProtocolDetector::minimum_duration",
  "ProtocolDetector::minimum_volume",
  "ProtocolDetector::suppress_servers",
  "QUIC::max_history_length",
  "Redis::max_aggregate_elements",
  "Redis::max_pending_commands",
  "SMB::ignored_command_statuses",
  "SMB::logged_file_actions",
  "SMTP::default_entity_excerpt_len",
  "SMTP::detect_clients_in_messages_from",
  "SMTP::suspicious_origination_countries",
  "SOCKS::default_capture_password",
  "SSH::disable_analyzer_after_detection",
  "SSH::watched_countries",
  "SSL::disable_analyzer_after_detection",
  "SSL::max_ssl_history_length",
  "SSL::notify_certs_expiration",
  "SSL::notify_dh_length_shorter_cert_length",
  "SSL::notify_minimal_key_length",
  "SSL::notify_weak_keys",
  "SSL::notify_when_cert_expiring_in",
  "Site::local_zones",
  "Software::asset_tracking",
  "Software::interesting_version_changes",
  "Stats::report_interval",
  "TeamCymruMalwareHashRegistry::match_sub_url",
  "TeamCymruMalwareHashRegistry::notice_threshold",
  "X509::caching_required_encounters",
  "X509::caching_required_encounters_interval",
  "X509::certificate_cache_max_entries",
  "X509::certificate_cache_minimum_eviction_interval",
  "X509::relog_known_certificates_after",
  "default_file_bof_buffer_size",
  "default_file_timeout_interval",
  // policy/frameworks/telemetry/log's options: read at each report.
  "Telemetry::log_interval",
  "Telemetry::log_prefixes",
  // base/files/x509's option: read at each file's files.log write.
  "X509::log_x509_in_files_log",
] as const satisfies ReadonlyArray<keyof EngineSettings>;

export type EngineOptionName = (typeof ENGINE_OPTIONS)[number];

/** An option of the framework: its type, and how its value is read and set. */
export interface OptionBinding {
  readonly shape: OptionShape;
  get(): OptionValue;
  set(value: OptionValue): void;
}

/** A setting as an option: enums with their module in the framework (Zeek's full names), without it in the settings. */
export function engineOption(settings: EngineSettings, name: EngineOptionName): OptionBinding {
  const type = SETTING_DOCS[name][0] as OptionType;
  const target = settings as unknown as Record<string, OptionValue>;
  if (type === "set[subnet]") return subnetSetOption(settings as unknown as Record<string, Subnet[] | null>, name);
  if (type !== "enum" && type !== "set[enum]") return { shape: { type }, get: () => target[name]!, set: (v) => void (target[name] = v) };
  const { module, names } = settingEnum(name);
  const prefix = module === "" ? "" : `${module}::`;
  const full = (v: string): string => `${prefix}${v}`;
  const bare = (v: string): string => v.slice(prefix.length);
  // bronze's enums are not numbered as Zeek numbers them: a set of them is listed as added.
  const shape: OptionShape = { type, enumValues: names ?? undefined, declarationOrder: false };
  if (type === "enum") return { shape, get: () => full(target[name] as string), set: (v) => void (target[name] = bare(v as string)) };
  return {
    shape,
    get: () => new Set([...(target[name] as Set<string>)].map(full)),
    set: (v) => void (target[name] = new Set([...(v as Set<string>)].map((x) => bare(x as string)))),
  };
}
