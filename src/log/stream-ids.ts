/**
 * The Log::ID of each of Zeek's log streams, by the path its scripts give
 * it (Log::create_stream's $path in Zeek's scripts/): conn → Conn::LOG.
 * bronze opens logs by path; Zeek's telemetry labels their writes with the
 * stream's ID and its module (zeek_log_stream_writes_total{module,stream}).
 */
export const ZEEK_LOG_IDS: Readonly<Record<string, string>> = {
  analyzer: "Analyzer::Logging::LOG",
  analyzer_debug: "Analyzer::DebugLogging::LOG",
  broker: "Broker::LOG",
  capture_loss: "CaptureLoss::LOG",
  cluster: "Cluster::LOG",
  config: "Config::LOG",
  conn: "Conn::LOG",
  dce_rpc: "DCE_RPC::LOG",
  dhcp: "DHCP::LOG",
  dnp3: "DNP3::LOG",
  dns: "DNS::LOG",
  files: "Files::LOG",
  ftp: "FTP::LOG",
  http: "HTTP::LOG",
  intel: "Intel::LOG",
  irc: "IRC::LOG",
  kerberos: "KRB::LOG",
  known_certs: "Known::CERTS_LOG",
  known_hosts: "Known::HOSTS_LOG",
  known_modbus: "Known::MODBUS_LOG",
  known_services: "Known::SERVICES_LOG",
  ldap: "LDAP::LDAP_LOG",
  ldap_search: "LDAP::LDAP_SEARCH_LOG",
  loaded_scripts: "LoadedScripts::LOG",
  modbus: "Modbus::LOG",
  modbus_register_change: "Modbus::REGISTER_CHANGE_LOG",
  mqtt_connect: "MQTT::CONNECT_LOG",
  mqtt_publish: "MQTT::PUBLISH_LOG",
  mqtt_subscribe: "MQTT::SUBSCRIBE_LOG",
  multicast_participants: "Conn::MULTICAST_PARTICIPANTS_LOG",
  mysql: "mysql::LOG",
  netcontrol: "NetControl::LOG",
  netcontrol_catch_release: "NetControl::CATCH_RELEASE",
  netcontrol_drop: "NetControl::DROP_LOG",
  netcontrol_shunt: "NetControl::SHUNT",
  notice: "Notice::LOG",
  notice_alarm: "Notice::ALARM_LOG",
  ntlm: "NTLM::LOG",
  ntp: "NTP::LOG",
  ntp_control: "NTP::CONTROL_LOG",
  ntp_private: "NTP::PRIVATE_LOG",
  ocsp: "OCSP::LOG",
  openflow: "OpenFlow::LOG",
  packet_filter: "PacketFilter::LOG",
  pe: "PE::LOG",
  postgresql: "PostgreSQL::LOG",
  quic: "QUIC::LOG",
  radius: "RADIUS::LOG",
  rdp: "RDP::LOG",
  redis: "Redis::LOG",
  reporter: "Reporter::LOG",
  rfb: "RFB::LOG",
  signatures: "Signatures::LOG",
  sip: "SIP::LOG",
  smb_cmd: "SMB::CMD_LOG",
  smb_files: "SMB::FILES_LOG",
  smb_mapping: "SMB::MAPPING_LOG",
  smtp: "SMTP::LOG",
  snmp: "SNMP::LOG",
  socks: "SOCKS::LOG",
  software: "Software::LOG",
  ssh: "SSH::LOG",
  ssl: "SSL::LOG",
  stats: "Stats::LOG",
  syslog: "Syslog::LOG",
  telemetry: "Telemetry::LOG",
  telemetry_histogram: "Telemetry::LOG_HISTOGRAM",
  traceroute: "Traceroute::LOG",
  tunnel: "Tunnel::LOG",
  unknown_protocols: "UnknownProtocol::LOG",
  websocket: "WebSocket::LOG",
  weird: "Weird::LOG",
  weird_stats: "WeirdStats::LOG",
  x509: "X509::LOG",
};

/**
 * A stream's Log::ID and module, as Zeek's telemetry labels it: `id` when the
 * stream names one (LogSchema.id), else Zeek's for its own paths; a path Zeek
 * has no stream for (a script's own log) stands for its ID, in Zeek's GLOBAL module.
 */
export function logStreamId(path: string, id?: string): { stream: string; module: string } {
  const stream = id ?? (Object.hasOwn(ZEEK_LOG_IDS, path) ? ZEEK_LOG_IDS[path]! : path);
  const at = stream.lastIndexOf("::");
  return { stream, module: at < 0 ? "GLOBAL" : stream.slice(0, at) };
}
