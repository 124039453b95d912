/**
 * Zeek script names on bronze's command line (`bronze -r t.pcap
 * base/protocols/http local`): which real Zeek script a name loads, whether
 * bronze implements it, and the one place that says what bronze implements.
 * Names resolve along Zeek's ZEEKPATH (zeek-script-path.ts).
 */
import { DEFAULT_ANALYZERS } from "../analyzer/app/protocols.js";
import { POLICY_SCRIPTS } from "./policy-scripts.js";
import { PROTOCOL_SCRIPTS } from "./protocols.js";
import { ZEEK_SCRIPT_LOADS } from "./zeek-script-loads.js";
import { normaliseScriptName, resolveZeekScript } from "./zeek-script-path.js";

export { normaliseScriptName, resolveZeekScript } from "./zeek-script-path.js";

/**
 * The Zeek scripts bronze implements (what it does in their place): the
 * core's, the frameworks', and every protocol's, from the lists that load
 * them (an analyzer component's script, a protocol script writing its log),
 * so that a protocol added there is known here too.
 */
const implemented = new Map<string, string>([
  ["base/protocols/conn", "conn.log"],
  ["base/frameworks/notice", "notice.log and weird.log"],
  ["base/frameworks/notice/weird", "weird.log"],
  ["base/frameworks/reporter", "reporter.log"],
  ["base/frameworks/signatures", "signatures.log (signatures from -s)"],
  ["base/protocols/tunnels", "the tunnel analyzers' detection (always on)"],
  ["base/misc/find-checksum-offloading", "the checksum-offloading warning"],
  ["policy/protocols/conn/mac-logging", "conn.log's orig_l2_addr/resp_l2_addr"],
  ["policy/protocols/conn/vlan-logging", "conn.log's vlan/inner_vlan"],
  ["policy/protocols/conn/community-id-logging", "conn.log's community_id"],
  ["policy/frameworks/notice/community-id", "notice.log's community_id (and conn.log's)"],
  ["policy/protocols/conn/failed-service-logging", "conn.log's failed_service"],
  ["policy/protocols/conn/speculative-service", "conn.log's speculative_service"],
  ["policy/protocols/conn/ip-proto-name-logging", "conn.log's ip_proto_name"],
  ["policy/protocols/conn/pppoe-session-id-logging", "conn.log's pppoe_session_id"],
  ["policy/protocols/conn/disable-unknown-ip-proto-support", "conn.log without ip_proto and unknown-protocol connections"],
  ["policy/frameworks/files/hash-all-files", "files.log's md5, sha1 and sha256"],
  ["policy/frameworks/analyzer/debug-logging", "analyzer_debug.log"],
  ["policy/frameworks/analyzer/packet-segment-logging", "analyzer.log's packet_segment"],
  ["policy/protocols/dns/log-original-query-case", "dns.log's original_query"],
  ["policy/protocols/dhcp/sub-opts", "dhcp.log's circuit_id, agent_remote_id and subscriber_id"],
  ["policy/protocols/dhcp/msg-orig", "dhcp.log's msg_orig"],
  ["policy/protocols/dhcp/software", "dhcp.log's client_software and server_software, and DHCP clients and servers in software.log"],
  ["policy/protocols/rdp/indicate_ssl", "rdp.log's ssl"],
  ["policy/protocols/dns/disable-opcode-log-fields", "dns.log without opcode and opcode_name"],
  ["policy/protocols/ssh/md5-host-key-logging", "ssh.log's host_key"],
  ["policy/protocols/krb/ticket-logging", "kerberos.log's auth_ticket_sha256 and new_ticket_sha256"],
  ["policy/protocols/krb/md5-ticket-logging", "kerberos.log's auth_ticket and new_ticket"],
  ["policy/frameworks/files/extract-all-files", "every file extracted to extract_files/"],
  ["policy/frameworks/files/entropy-test-all-files", "files.log's entropy"],
  ["base/frameworks/sumstats", "SumStats, for the detection scripts"],
  ["policy/tuning/json-logs", "JSON logs (LogAscii::use_json=T)"],
  ["policy/protocols/http/header-names", "http.log's client_header_names and server_header_names"],
  ["policy/protocols/http/var-extraction-uri", "http.log's uri_vars"],
  ["policy/protocols/http/var-extraction-cookies", "http.log's cookie_vars"],
  ["policy/protocols/dns/auth-addl", "dns.log's auth and addl"],
  ["policy/protocols/ssl/certificate-request-info", "ssl.log's requested_client_certificate_authorities"],
  ["policy/protocols/ssl/ssl-log-ext", "ssl.log's handshake numbers (versions, ciphers, extensions, groups, algorithms, key shares)"],
  ["policy/protocols/ssl/validate-sct", "ssl.log's valid_ct_logs and valid_ct_operators (Certificate Transparency timestamps checked)"],
  ["policy/protocols/ssl/log-certs-base64", "x509.log's cert (base64)"],
  ["policy/protocols/ssl/log-hostcerts-only", "x509.log without CA certificates"],
  ["base/frameworks/software", "software.log (from the software detection scripts)"],
  ["policy/protocols/smtp/software", "mail clients in software.log, smtp.log's is_webmail"],
  ["policy/protocols/http/software-browser-plugins", "browser plug-ins (Flash, Omniture's lists) in software.log"],
  ["policy/frameworks/software/windows-version-detection", "Windows releases (from CRL fetches' CryptoAPI agents) in software.log"],
  ["base/frameworks/intel", "the Intel framework: intel.log, Intel::read_files"],
  ["base/frameworks/intel/files", "intel.log's fuid, file_mime_type and file_desc"],
  ["base/frameworks/intel/input", "Intel::read_files"],
  ["base/frameworks/notice/actions/add-geodata", "notice.log's remote_location for Notice::lookup_location_types (GeoIP)"],
  ["policy/frameworks/conn_key/vlan_fivetuple", "connections keyed by VLAN tags too; id.ctx.vlan/id.ctx.inner_vlan in every log with an id"],
  ["base/files/x509/certificate-event-cache", "the X509 certificate event cache (X509::caching_required_encounters, its replay hook)"],
  ["base/utils/geoip-distance", "haversine_distance_ip for scripts (context.geoip.haversineDistanceIp)"],
  ["base/frameworks/netcontrol", "the NetControl framework for scripts (context.netcontrol): rules, plugins, netcontrol.log, drop and shunt logs"],
  ["policy/frameworks/netcontrol/catch-and-release", "catch-and-release blocking through NetControl (netcontrol_catch_release.log)"],
  ["base/frameworks/packet-filter", "packet_filter.log, and the capture filter scripts build (context.packetFilter)"],
  ["base/frameworks/config", "config.log, options changed while running (context.config), Config::config_files"],
  ["base/frameworks/config/input", "Config::config_files and Config::read_config"],
  ["base/frameworks/config/weird", "Weird::sampling_* as options"],
  ["base/frameworks/openflow", "the OpenFlow framework for scripts (context.openflow): controllers, flow mods, the log plugin's openflow.log"],
  [
    "base/frameworks/input",
    "the Input framework for scripts (context.input): tables and events from files, files for file analysis (add_analysis); READER_ASCII, READER_RAW and READER_BINARY",
  ],
  ["base/frameworks/input/readers/ascii", "Input::READER_ASCII and the InputAscii::* settings"],
  ["base/frameworks/input/readers/raw", "Input::READER_RAW (files and commands: offset, stdin, read_stderr, InputRaw::process_finished)"],
  ["base/frameworks/input/readers/config", "Input::READER_CONFIG (config files: base/frameworks/config)"],
  ["base/frameworks/telemetry", "the telemetry framework (context.telemetry): metrics, Zeek's own, the Prometheus endpoint (Telemetry::metrics_port)"],
  ["base/frameworks/telemetry/options", "Telemetry::metrics_port, metrics_address and the endpoint label"],
  ["policy/frameworks/telemetry/log", "telemetry.log and telemetry_histogram.log"],
  ["base/frameworks/input/readers/binary", "Input::READER_BINARY (files for file analysis) and the InputBinary::* settings"],
  ["base/frameworks/input/readers/sqlite", "Input::READER_SQLITE (with the optional better-sqlite3 package)"],
]);
/*
 * Parts of Zeek's base scripts whose work bronze does without a script of
 * its own: naming one on the command line is not a script bronze lacks.
 * Only parts that are whole: a framework's cluster parts, Broker, Ryu and
 * acld plugins and the scp/sftp post-processors stay out.
 */
const PACKET_PROTOCOLS = [
  "ayiya",
  "ethernet",
  "fddi",
  "geneve",
  "gre",
  "gtpv1",
  "icmp",
  "ieee802_11",
  "ieee802_11_radio",
  "ip",
  "iptunnel",
  "linux_sll",
  "linux_sll2",
  "llc",
  "mpls",
  "nflog",
  "novell_802_3",
  "null",
  "pbb",
  "ppp",
  "ppp_serial",
  "pppoe",
  "root",
  "skip",
  "snap",
  "tcp",
  "teredo",
  "udp",
  "vlan",
  "vntag",
  "vxlan",
];
implemented.set("base/packet-protocols", "the core's packet decoding (always on)");
for (const p of PACKET_PROTOCOLS) implemented.set(`base/packet-protocols/${p}`, "the core's packet decoding (always on)");
for (const p of ["igmp", "igmp/spicy-events", "igmp/types"])
  implemented.set(`base/packet-protocols/${p}`, "IGMP's events (for scripts that handle them, or --spicy)");
const FRAMEWORK_PARTS: readonly (readonly [string, string])[] = [
  ["base/frameworks/analyzer", "the analyzer framework (detection, analyzer.log)"],
  ["base/frameworks/analyzer/dpd", "analyzer violations and DPD (analyzer.log, failed_service)"],
  ["base/frameworks/analyzer/logging", "analyzer.log"],
  ["base/frameworks/logging", "the logging framework (filters, rotation, ASCII and JSON)"],
  ["base/frameworks/logging/writers/ascii", "the ASCII writer (and JSON with LogAscii::use_json)"],
  ["base/frameworks/logging/writers/sqlite", "the SQLite writer (Log::WRITER_SQLITE, with the optional better-sqlite3)"],
  ["base/frameworks/logging/writers/none", "the none writer (Log::WRITER_NONE)"],
  // The start-up scripts: a run always loads init-bare and init-frameworks-and-bifs, and
  // init-default unless -b; naming init-default with -b loads what it loads (its cluster,
  // control, storage and Spicy parts do nothing in a standalone run).
  ["base/init-bare", "always loaded"],
  ["base/init-frameworks-and-bifs", "always loaded"],
  ["base/init-default", "the default scripts (a run without -b)"],
  ["base/frameworks/files/magic", "MIME types sniffed from files' first bytes"],
  ["base/files/extract", "the EXTRACT file analyzer for scripts"],
  ["base/files/hash", "the MD5, SHA1 and SHA256 file analyzers for scripts"],
  ["base/files/pe/consts", "pe.log's names"],
  ["base/files/zip/types", "the ZIP file analyzer"],
  ["base/files/x509/log-ocsp", "ocsp.log"],
  ["base/frameworks/netcontrol/drop", "NetControl's drop functions and netcontrol_drop.log"],
  ["base/frameworks/netcontrol/shunt", "NetControl's shunt functions and netcontrol_shunt.log"],
  ["base/frameworks/netcontrol/plugin", "NetControl's plugin interface"],
  ["base/frameworks/netcontrol/plugins/debug", "NetControl's debug plugin"],
  ["base/frameworks/netcontrol/plugins/packetfilter", "NetControl's packet-filter plugin"],
  ["base/frameworks/netcontrol/non-cluster", "NetControl in one process"],
  ["base/frameworks/netcontrol/types", "NetControl's types"],
  ["base/frameworks/notice/actions/email_admin", "Notice::ACTION_EMAIL_ADMIN"],
  ["base/frameworks/notice/actions/page", "Notice::ACTION_PAGE"],
  ["base/frameworks/notice/actions/pp-alarms", "the alarm summary (alarm-mail.txt)"],
  ["base/frameworks/packet-filter/netstats", "Dropped_Packets notices when capturing live"],
  ["base/frameworks/packet-filter/utils", "the packet-filter framework's filter texts"],
  ["base/frameworks/sumstats/non-cluster", "SumStats in one process"],
  ["base/misc/find-filtered-trace", "the warning for a trace of TCP control packets only (reporter.log)"],
  ["base/misc/version", "Version::info (bronze --version)"],
  ["base/frameworks/openflow/consts", "the OpenFlow framework's constants"],
  ["base/frameworks/openflow/types", "the OpenFlow framework's types"],
  ["base/frameworks/openflow/non-cluster", "the OpenFlow framework in one process"],
  ["base/frameworks/openflow/plugins/log", "the OpenFlow log plugin (openflow.log)"],
  ["base/frameworks/netcontrol/plugins/openflow", "NetControl's OpenFlow plugin"],
];
for (const [name, what] of FRAMEWORK_PARTS) implemented.set(name, what);
for (const r of ["average", "last", "max", "min", "sample", "sum", "unique", "variance", "std-dev", "topk", "hll_unique"])
  implemented.set(`base/frameworks/sumstats/plugins/${r}`, `SumStats' ${r.toUpperCase().replace("-", "_")} reducer`);
// Its __load__ loads exactly those reducers.
implemented.set("base/frameworks/sumstats/plugins", "SumStats' reducers");
/** base/utils: Zeek script functions; bronze's scripts have their own, and TypeScript scripts use the library. */
const UTILS = [
  "active-http",
  "addrs",
  "backtrace",
  "conn-ids",
  "dir",
  "directions-and-hosts",
  "email",
  "exec",
  "files",
  "hash_hrw",
  "numbers",
  "packages",
  "paths",
  "patterns",
  "queue",
  "site",
  "strings",
  "thresholds",
  "time",
  "urls",
];
for (const u of UTILS) implemented.set(`base/utils/${u}`, "Zeek script functions (bronze's scripts have their own)");
for (const c of DEFAULT_ANALYZERS) if (c.script !== "") implemented.set(c.script, `the ${c.name} analyzer`);
for (const p of PROTOCOL_SCRIPTS) if (!implemented.has(p.script)) implemented.set(p.script, "its log");
for (const p of POLICY_SCRIPTS) implemented.set(p.script, p.what);

/** Declares that bronze implements the Zeek script `name` (a full name, "base/protocols/ssh"); `what` says how, for messages. */
export function implementScript(name: string, what: string): void {
  const full = resolveZeekScript(name);
  if (full === null) throw new Error(`${name} is not a Zeek script name`);
  implemented.set(full, what);
}

/**
 * Whether bronze implements the Zeek script `full` (resolved): itself, a
 * part of a protocol bronze implements ("base/protocols/http/entities": a
 * protocol's parts are loaded with it, as its __load__ does in Zeek), or a
 * script that only loads policy scripts bronze implements.
 */
function covered(full: string, seen: ReadonlySet<string> = new Set()): boolean {
  if (implemented.has(full)) return true;
  const pkg = /^base\/protocols\/[^/]+/.exec(full);
  if (pkg !== null && implemented.has(pkg[0])) return true;
  // A list of policy scripts (site/local, a directory's __load__) is implemented once each of them is.
  const loads = ZEEK_SCRIPT_LOADS[full] ?? [];
  const inner = new Set([...seen, full]);
  return loads.length > 0 && loads.every((l) => l.startsWith("policy/") && !seen.has(l) && covered(l, inner));
}

/** Whether bronze implements the Zeek script `name` loads. */
export function scriptImplemented(name: string): boolean {
  const full = resolveZeekScript(name);
  return full !== null && covered(full);
}

/** The Zeek scripts bronze implements, with what it does for each. */
export function implementedScripts(): ReadonlyMap<string, string> {
  return implemented;
}

/** Names on a command line sorted into: not Zeek scripts at all, and real Zeek scripts bronze does not implement yet. */
export function checkScriptNames(names: readonly string[]): { unknown: string[]; notImplemented: string[] } {
  const unknown: string[] = [];
  const notImplemented: string[] = [];
  for (const name of names) {
    const full = resolveZeekScript(name);
    if (full === null) unknown.push(name);
    else if (!covered(full)) notImplemented.push(describeMissing(name, full));
  }
  return { unknown, notImplemented };
}

/**
 * How a script bronze does not implement is named in the warning: a list of
 * policy scripts to load (site/local, whose @loads are all policy scripts)
 * by those of them bronze lacks, once bronze has some ("local (site/local:
 * policy/misc/stats, …)").
 */
function describeMissing(name: string, full: string): string {
  const shown = full === normaliseScriptName(name) ? full : `${name} (${full})`;
  const loads = ZEEK_SCRIPT_LOADS[full] ?? [];
  const missing = loads.filter((l) => !covered(l));
  if (loads.length === 0 || !loads.every((l) => l.startsWith("policy/")) || missing.length === loads.length) return shown;
  return `${full === normaliseScriptName(name) ? full : name} (${full}: ${missing.join(", ")})`;
}
