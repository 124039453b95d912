/**
 * The application analyzers bronze has, as Zeek's default scripts load them:
 * every engine registers these (with -b, only those whose script is loaded
 * are active). A protocol folder adds its component here.
 */
import type { AnalyzerComponent } from "./analyzer.js";
import { BITTORRENT } from "./bittorrent/bittorrent.js";
import { BITTORRENTTRACKER } from "./bittorrent/tracker.js";
import { DCE_RPC } from "./dce-rpc/dce-rpc.js";
import { DHCP } from "./dhcp/dhcp.js";
import { DNP3_TCP, DNP3_UDP } from "./dnp3/dnp3.js";
import { DNS } from "./dns/dns.js";
import { FINGER } from "./finger/finger.js";
import { FINGER_SPICY } from "./finger/finger-spicy.js";
import { FTP, FTP_DATA } from "./ftp/ftp.js";
import { GNUTELLA } from "./gnutella/gnutella.js";
import { GSSAPI } from "./gssapi/gssapi.js";
import { HTTP } from "./http/http.js";
import { IDENT } from "./ident/ident.js";
import { IMAP } from "./imap/imap.js";
import { IRC, IRC_DATA } from "./irc/irc.js";
import { KRB, KRB_TCP } from "./krb/krb.js";
import { LDAP_TCP, LDAP_UDP } from "./ldap/ldap.js";
import { MODBUS } from "./modbus/modbus.js";
import { MQTT } from "./mqtt/mqtt.js";
import { MYSQL } from "./mysql/mysql.js";
import { NCP } from "./ncp/ncp.js";
import { NETBIOS_SSN } from "./netbios/netbios-ssn.js";
import { NTLM } from "./ntlm/ntlm.js";
import { NTP } from "./ntp/ntp.js";
import { POP3 } from "./pop3/pop3.js";
import { POSTGRESQL } from "./postgresql/postgresql.js";
import { QUIC } from "./quic/quic.js";
import { RADIUS } from "./radius/radius.js";
import { RDP } from "./rdp/rdp.js";
import { RDPEUDP } from "./rdp/rdpeudp.js";
import { REDIS } from "./redis/redis.js";
import { RFB } from "./rfb/rfb.js";
import { RLOGIN } from "./rlogin/rlogin.js";
import { MOUNT } from "./rpc/mount.js";
import { NFS } from "./rpc/nfs.js";
import { PORTMAPPER } from "./rpc/portmap.js";
import { RSH } from "./rsh/rsh.js";
import { SIP } from "./sip/sip.js";
import { SMB } from "./smb/smb.js";
import { SMTP } from "./smtp/smtp.js";
import { SNMP } from "./snmp/snmp.js";
import { SOCKS } from "./socks/socks.js";
import { SSH } from "./ssh/ssh.js";
import { DTLS, SSL } from "./ssl/index.js";
import { STREAM_EVENT } from "./stream-event/stream-event.js";
import { SYSLOG } from "./syslog/syslog.js";
import { SYSLOG_SPICY } from "./syslog/syslog-spicy.js";
import { SYSLOG_TCP } from "./syslog/syslog-tcp.js";
import { TELNET } from "./telnet/telnet.js";
import { WEBSOCKET } from "./websocket/websocket.js";
import { XMPP } from "./xmpp/xmpp.js";

export const DEFAULT_ANALYZERS: readonly AnalyzerComponent[] = [
  SSH,
  DNS,
  SSL,
  DTLS,
  HTTP,
  WEBSOCKET,
  SNMP,
  KRB,
  KRB_TCP,
  SMTP,
  POP3,
  IMAP,
  XMPP,
  FINGER,
  FTP,
  FTP_DATA,
  IRC,
  IRC_DATA,
  MODBUS,
  DNP3_TCP,
  DNP3_UDP,
  MQTT,
  DHCP,
  NTP,
  SYSLOG,
  RADIUS,
  SIP,
  SOCKS,
  MYSQL,
  RFB,
  RDP,
  RDPEUDP,
  DCE_RPC,
  NTLM,
  GSSAPI,
  SMB,
  // Zeek's Spicy analyzers: active with --spicy or their script named (AnalyzerComponent.spicy).
  QUIC,
  // Known by name only: Zeek's base scripts register no port or signature for
  // them, so they run only where a script calls Analyzer::register_for_port.
  TELNET,
  RLOGIN,
  RSH,
  GNUTELLA,
  NETBIOS_SSN,
  STREAM_EVENT,
  // Spicy analyzers (AnalyzerComponent.spicy): only with --spicy or their script named.
  POSTGRESQL,
  SYSLOG_TCP,
  REDIS,
  LDAP_TCP,
  LDAP_UDP,
  // The Spicy builds' twins of legacy analyzers (AnalyzerComponent.build): only with --spicy, instead of them.
  SYSLOG_SPICY,
  FINGER_SPICY,
  // Sun RPC programs, known by name only as Telnet (Zeek registers no port for them).
  PORTMAPPER,
  MOUNT,
  NFS,
  // Known by name only, as Telnet: a script's register_for_port or a user signature's `enable` starts them.
  BITTORRENT,
  BITTORRENTTRACKER,
  NCP,
  IDENT,
];

/**
 * The name of Zeek's signature file `name` names (with or without ".sig":
 * "base/protocols/ssl/dpd.sig", "policy/protocols/ssl/dpd-v2"), when bronze
 * has its signatures (a protocol's dpd.sig, AnalyzerComponent.signatureFiles);
 * null otherwise. Loaded by that name (EngineOptions.loads), as Zeek's `-s`
 * finds it on its ZEEKPATH.
 */
export function zeekSignatureFile(name: string): string | null {
  const full = name.endsWith(".sig") ? name : `${name}.sig`;
  const known = DEFAULT_ANALYZERS.some(
    (c) => (c.signatures !== undefined && c.script !== "" && `${c.script}/dpd.sig` === full) || (c.signatureFiles !== undefined && full in c.signatureFiles),
  );
  return known ? full : null;
}
