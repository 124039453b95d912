/**
 * The module each built-in script's Zeek counterpart declares (its first
 * `module X;` line; a Zeek script without one is in GLOBAL). Zeek puts every
 * event and hook handler into the module group of the module it was
 * written in, zeek_init's and zeek_done's too, so disable_module_events("HTTP")
 * switches off all of base/protocols/http's handlers: loadBuiltinScripts
 * registers each script's handlers under its module (Engine.asScriptModule).
 * test/scripts/script-modules.test.ts checks the table against Zeek's scripts.
 */
const MODULES: Readonly<Record<string, string>> = {
  "base/protocols/ssh": "SSH",
  "base/frameworks/tunnels": "Tunnel",
  "base/protocols/dns": "DNS",
  "base/protocols/ssl": "SSL",
  "base/frameworks/files": "Files",
  "base/protocols/http": "HTTP",
  "base/files/x509": "X509",
  "base/protocols/snmp": "SNMP",
  "base/protocols/krb": "KRB",
  "base/protocols/smtp": "SMTP",
  "base/protocols/ftp": "FTP",
  "base/protocols/irc": "IRC",
  "base/protocols/websocket": "WebSocket",
  "base/protocols/modbus": "Modbus",
  "base/protocols/dnp3": "DNP3",
  "base/files/pe": "PE",
  "base/files/zip": "ZIP",
  "base/protocols/mqtt": "MQTT",
  "base/protocols/dhcp": "DHCP",
  "base/protocols/ntp": "NTP",
  "base/protocols/quic": "QUIC",
  "base/protocols/syslog": "Syslog",
  "base/protocols/radius": "RADIUS",
  "base/protocols/sip": "SIP",
  "base/protocols/socks": "SOCKS",
  "base/protocols/mysql": "MySQL",
  "base/protocols/rfb": "RFB",
  "base/protocols/rdp": "RDP",
  "base/protocols/dce-rpc": "DCE_RPC",
  "base/protocols/ntlm": "NTLM",
  "base/protocols/smb": "SMB",
  "base/protocols/postgresql": "PostgreSQL",
  "base/protocols/redis": "Redis",
  "base/protocols/ldap": "LDAP",
  "policy/tuning/track-all-assets": "GLOBAL",
  "policy/protocols/ssl/known-certs": "Known",
  "policy/protocols/ssl/expiring-certs": "SSL",
  "policy/protocols/ssl/weak-keys": "SSL",
  "policy/protocols/ssl/decryption": "SSL",
  "policy/protocols/ssl/heartbleed": "Heartbleed",
  "policy/protocols/ssl/validate-certs": "SSL",
  "policy/protocols/ssl/validate-ocsp": "SSL",
  "policy/protocols/smb/log-cmds": "SMB",
  "policy/protocols/ssh/software": "SSH",
  "policy/protocols/http/software": "HTTP",
  "policy/protocols/ftp/software": "FTP",
  "policy/protocols/mysql/software": "MySQL",
  "policy/frameworks/software/version-changes": "Software",
  "policy/frameworks/software/vulnerable": "Software",
  "policy/protocols/conn/known-hosts": "Known",
  "policy/protocols/conn/known-services": "Known",
  "policy/protocols/conn/multicast-participants": "Conn",
  "policy/misc/unknown-protocols": "UnknownProtocol",
  "policy/misc/capture-loss": "CaptureLoss",
  "policy/misc/stats": "Stats",
  "policy/misc/weird-stats": "WeirdStats",
  "policy/protocols/ssh/detect-bruteforcing": "SSH",
  "policy/protocols/ftp/detect-bruteforcing": "FTP",
  "policy/protocols/ftp/detect": "FTP",
  "policy/protocols/http/detect-sql-injection": "HTTP",
  "policy/protocols/dns/detect-external-names": "DNS",
  "policy/protocols/modbus/known-masters-slaves": "Known",
  "policy/protocols/modbus/track-memmap": "Modbus",
  "policy/protocols/smtp/blocklists": "SMTP",
  "policy/protocols/conn/weirds": "Conn",
  "policy/misc/detect-traceroute": "Traceroute",
  "policy/frameworks/signatures/iso-9660": "GLOBAL",
  "policy/protocols/http/detect-webapps": "HTTP",
  "policy/files/zip/register": "GLOBAL",
  "policy/frameworks/intel/seen": "GLOBAL",
  "policy/frameworks/intel/seen/where-locations": "GLOBAL",
  "policy/frameworks/intel/seen/conn-established": "GLOBAL",
  "policy/frameworks/intel/seen/dns": "GLOBAL",
  "policy/frameworks/intel/seen/file-hashes": "GLOBAL",
  "policy/frameworks/intel/seen/file-names": "GLOBAL",
  "policy/frameworks/intel/seen/http-headers": "GLOBAL",
  "policy/frameworks/intel/seen/http-url": "GLOBAL",
  "policy/frameworks/intel/seen/pubkey-hashes": "GLOBAL",
  "policy/frameworks/intel/seen/ssl": "GLOBAL",
  "policy/frameworks/intel/seen/smb-filenames": "GLOBAL",
  "policy/frameworks/intel/seen/smtp": "GLOBAL",
  "policy/frameworks/intel/seen/smtp-url-extraction": "GLOBAL",
  "policy/frameworks/intel/seen/x509": "Intel",
  "policy/frameworks/intel/seen/manage-event-groups": "Intel",
  "policy/frameworks/intel/do_notice": "Intel",
  "policy/frameworks/intel/whitelist": "Intel",
  "policy/frameworks/intel/removal": "Intel",
  "policy/frameworks/intel/do_expire": "Intel",
  "policy/protocols/ssh/geo-data": "SSH",
  "policy/frameworks/analyzer/detect-protocols": "ProtocolDetector",
  "policy/files/x509/disable-certificate-events-known-certs": "DisableX509Events",
  "policy/protocols/smtp/detect-suspicious-orig": "SMTP",
  "policy/protocols/ssh/interesting-hostnames": "SSH",
  "policy/misc/loaded-scripts": "LoadedScripts",
  "policy/frameworks/files/detect-MHR": "TeamCymruMalwareHashRegistry",
  "policy/frameworks/netcontrol/catch-and-release": "NetControl",
  "policy/frameworks/packet-filter/shunt": "PacketFilter",
  "policy/frameworks/notice/actions/drop": "Notice",
  "policy/integration/collective-intel": "Intel",
  "policy/protocols/smtp/entities-excerpt": "SMTP",
  "policy/frameworks/notice/extend-email/hostnames": "Notice",
  "base/protocols/conn": "Conn",
  "policy/protocols/conn/failed-service-logging": "Conn",
  "policy/protocols/conn/speculative-service": "Conn",
  "policy/protocols/conn/ip-proto-name-logging": "Conn",
  "policy/protocols/conn/pppoe-session-id-logging": "Conn",
  "base/frameworks/notice/weird": "Weird",
  "base/frameworks/notice": "Notice",
  "base/frameworks/analyzer/dpd": "DPD",
  "policy/frameworks/analyzer/debug-logging": "Analyzer::DebugLogging",
  "base/misc/find-checksum-offloading": "ChecksumOffloading",
  "base/misc/find-filtered-trace": "FilteredTraceDetection",
  "base/frameworks/config": "Config",
  "base/frameworks/telemetry": "Telemetry",
  "base/frameworks/packet-filter": "PacketFilter",
  "base/frameworks/packet-filter/netstats": "PacketFilter",
  "base/frameworks/intel": "Intel",
  "base/frameworks/signatures": "Signatures",
};

/** The module of Zeek script `script` by its full name ("base/protocols/http"); GLOBAL, as Zeek's default, for one not in the table. */
export function scriptModule(script: string): string {
  return MODULES[script] ?? "GLOBAL";
}

/** The scripts the table names (for its test). */
export const MODULE_SCRIPTS: readonly string[] = Object.keys(MODULES);

/** What runs a script's loading in a module (the Engine; a bare event bus has no groups). */
interface ModuleHost {
  asScriptModule?<T>(module: string, load: () => T): T;
}

/** Runs `load`, a built-in script's loading, with the handlers it registers in the module group of Zeek script `script`. */
export function inScriptModule<T>(host: object, script: string, load: () => T): T {
  const engine = host as ModuleHost;
  return engine.asScriptModule === undefined ? load() : engine.asScriptModule(scriptModule(script), load);
}
