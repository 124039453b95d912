/**
 * The protocol scripts bronze has (Zeek's base/protocols/X/main.zeek: the
 * logs written from each analyzer's events), loaded by loadBuiltinScripts
 * when their script is loaded (always without -b). A protocol folder adds
 * its script here, next to its component in src/analyzer/app/protocols.ts.
 * `loads` are the script names given on the command line (policy scripts).
 */

import { DCE_RPC_SCRIPT } from "../analyzer/app/dce-rpc/log.js";
import { DHCP_SCRIPT } from "../analyzer/app/dhcp/log.js";
import { DNP3_SCRIPT } from "../analyzer/app/dnp3/log.js";
import { DNS_SCRIPT } from "../analyzer/app/dns/log.js";
import { FTP_SCRIPT } from "../analyzer/app/ftp/script.js";
import { HTTP_SCRIPT } from "../analyzer/app/http/script.js";
import { IRC_SCRIPT } from "../analyzer/app/irc/script.js";
import { KRB_SCRIPT } from "../analyzer/app/krb/log.js";
import { LDAP_SCRIPT } from "../analyzer/app/ldap/log.js";
import { MODBUS_SCRIPT } from "../analyzer/app/modbus/log.js";
import { MQTT_SCRIPT } from "../analyzer/app/mqtt/log.js";
import { MYSQL_SCRIPT } from "../analyzer/app/mysql/log.js";
import { NTLM_SCRIPT } from "../analyzer/app/ntlm/log.js";
import { NTP_SCRIPT } from "../analyzer/app/ntp/log.js";
import { POSTGRESQL_SCRIPT } from "../analyzer/app/postgresql/log.js";
import { QUIC_SCRIPT } from "../analyzer/app/quic/log.js";
import { RADIUS_SCRIPT } from "../analyzer/app/radius/log.js";
import { RDP_SCRIPT } from "../analyzer/app/rdp/log.js";
import { REDIS_SCRIPT } from "../analyzer/app/redis/log.js";
import { RFB_SCRIPT } from "../analyzer/app/rfb/log.js";
import { SIP_SCRIPT } from "../analyzer/app/sip/log.js";
import { SMB_SCRIPT } from "../analyzer/app/smb/script.js";
import { SMTP_SCRIPT } from "../analyzer/app/smtp/script.js";
import { SNMP_SCRIPT } from "../analyzer/app/snmp/log.js";
import { SOCKS_SCRIPT } from "../analyzer/app/socks/log.js";
import { SSH_SCRIPT } from "../analyzer/app/ssh/main.js";
import { SSL_LOG_SCRIPT } from "../analyzer/app/ssl/index.js";
import { SYSLOG_SCRIPT } from "../analyzer/app/syslog/log.js";
import { WEBSOCKET_SCRIPT } from "../analyzer/app/websocket/main.js";
import { FILES_SCRIPT } from "../files/log.js";
import { PE_SCRIPT } from "../files/pe/pe.js";
import { X509_SCRIPT } from "../files/x509/x509.js";
import { ZIP_SCRIPT } from "../files/zip/zip.js";
import type { LogManager } from "../log/manager.js";
import type { AnalyzerScriptHost } from "./host.js";
import { loadTunnelLog } from "./tunnel-log.js";

export interface ProtocolScript {
  /** The Zeek script it stands for, e.g. "base/protocols/ssh". */
  readonly script: string;
  /**
   * Zeek's script of a Spicy analyzer (its __load__ is `@ifdef ( Analyzer::ANALYZER_X )`):
   * loaded only in a Spicy configuration (Engine.spicy) or when named, as its analyzer runs.
   */
  readonly spicy?: boolean;
  /** Registers its handlers; writes its logs through `logs`. `bare` and `loads` say what else is loaded (Zeek's -b). */
  load(host: AnalyzerScriptHost, logs: LogManager, loads: readonly string[], bare: boolean): void;
}

export const PROTOCOL_SCRIPTS: readonly ProtocolScript[] = [
  SSH_SCRIPT,
  { script: "base/frameworks/tunnels", load: loadTunnelLog },
  DNS_SCRIPT,
  SSL_LOG_SCRIPT,
  FILES_SCRIPT,
  HTTP_SCRIPT,
  X509_SCRIPT,
  SNMP_SCRIPT,
  KRB_SCRIPT,
  SMTP_SCRIPT,
  FTP_SCRIPT,
  IRC_SCRIPT,
  WEBSOCKET_SCRIPT,
  MODBUS_SCRIPT,
  DNP3_SCRIPT,
  PE_SCRIPT,
  ZIP_SCRIPT,
  MQTT_SCRIPT,
  DHCP_SCRIPT,
  NTP_SCRIPT,
  QUIC_SCRIPT,
  SYSLOG_SCRIPT,
  RADIUS_SCRIPT,
  SIP_SCRIPT,
  SOCKS_SCRIPT,
  MYSQL_SCRIPT,
  RFB_SCRIPT,
  RDP_SCRIPT,
  DCE_RPC_SCRIPT,
  NTLM_SCRIPT,
  SMB_SCRIPT,
  POSTGRESQL_SCRIPT,
  REDIS_SCRIPT,
  LDAP_SCRIPT,
];
