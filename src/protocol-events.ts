/**
 * Every module that adds events to EventMap (or hooks to HookMap), named
 * here so that the package's declarations hold them all: a protocol
 * declares its events beside its code (`declare module ".../events.js" {
 * interface EventMap extends DnsEvents {} }`), which TypeScript applies
 * only when that file is part of the program, and a file is part of a
 * user's program through the declarations (dist/src/index.d.ts) importing
 * it. Without this list a script importing "bronze" saw 297 of 737 events
 * (`engine.on("dns_request", …)` did not type-check, nor `bronze --check`
 * of it). test/cli/usability.test.ts checks a handler of every event (src/index.ts
 * re-exports this module).
 */
export type { BittorrentEvents } from "./analyzer/app/bittorrent/bittorrent.js";
export type { BittorrentTrackerEvents } from "./analyzer/app/bittorrent/tracker.js";
export type { DceRpcEvents } from "./analyzer/app/dce-rpc/events.js";
export type { DhcpEvents } from "./analyzer/app/dhcp/events.js";
export type { Dnp3Events } from "./analyzer/app/dnp3/events.js";
export type { DnsEvents } from "./analyzer/app/dns/events.js";
export type { FileAnalyzerEvents } from "./analyzer/app/file/file.js";
export type { FingerEvents } from "./analyzer/app/finger/finger.js";
export type { FtpEvents } from "./analyzer/app/ftp/events.js";
export type { GnutellaEvents } from "./analyzer/app/gnutella/gnutella.js";
export type { GssapiEvents } from "./analyzer/app/gssapi/events.js";
export type { HttpEvents } from "./analyzer/app/http/events.js";
// HTTP and WebSocket scripts add hooks (HTTP::max_files_policy, WebSocket::configure_analyzer): a type of each brings them in.
export type { HttpInfo } from "./analyzer/app/http/script.js";
export type { IdentEvents } from "./analyzer/app/ident/ident.js";
export type { ImapEvents } from "./analyzer/app/imap/imap.js";
export type { IrcEvents } from "./analyzer/app/irc/events.js";
export type { KrbEvents } from "./analyzer/app/krb/events.js";
export type { LdapEvents } from "./analyzer/app/ldap/events.js";
export type { LoginEvents } from "./analyzer/app/login/login.js";
export type { MimeEvents } from "./analyzer/app/mime/events.js";
export type { ModbusEvents } from "./analyzer/app/modbus/events.js";
export type { MqttEvents } from "./analyzer/app/mqtt/events.js";
export type { MysqlEvents } from "./analyzer/app/mysql/events.js";
export type { NcpEvents } from "./analyzer/app/ncp/ncp.js";
export type { NetbiosEvents } from "./analyzer/app/netbios/netbios-ssn.js";
export type { NtlmEvents } from "./analyzer/app/ntlm/events.js";
export type { NtpEvents } from "./analyzer/app/ntp/events.js";
export type { Pop3Events } from "./analyzer/app/pop3/events.js";
export type { PostgresqlEvents } from "./analyzer/app/postgresql/events.js";
export type { QuicEvents } from "./analyzer/app/quic/events.js";
export type { RadiusEvents } from "./analyzer/app/radius/radius.js";
export type { RdpEvents } from "./analyzer/app/rdp/events.js";
export type { RedisEvents } from "./analyzer/app/redis/events.js";
export type { RfbEvents } from "./analyzer/app/rfb/events.js";
export type { MountEvents } from "./analyzer/app/rpc/mount.js";
export type { NfsEvents } from "./analyzer/app/rpc/nfs.js";
export type { PortmapEvents } from "./analyzer/app/rpc/portmap.js";
export type { RpcEvents } from "./analyzer/app/rpc/rpc.js";
export type { RshEvents } from "./analyzer/app/rsh/rsh.js";
export type { SipEvents } from "./analyzer/app/sip/sip.js";
export type { SmbEvents } from "./analyzer/app/smb/events.js";
export type { SmtpEvents } from "./analyzer/app/smtp/events.js";
export type { SnmpEvents } from "./analyzer/app/snmp/events.js";
export type { SocksEvents } from "./analyzer/app/socks/events.js";
export type { SshEvents } from "./analyzer/app/ssh/events.js";
export type { SslEvents } from "./analyzer/app/ssl/events.js";
export type { HeartbleedEvents } from "./analyzer/app/ssl/heartbleed.js";
export type { StreamEventEvents } from "./analyzer/app/stream-event/stream-event.js";
export type { SyslogEvents } from "./analyzer/app/syslog/syslog.js";
export type { TelnetEvents } from "./analyzer/app/telnet/telnet.js";
export type { WebSocketInfo } from "./analyzer/app/websocket/main.js"; // its hook, as HttpInfo above
export type { WebSocketEvents } from "./analyzer/app/websocket/websocket.js";
export type { XmppEvents } from "./analyzer/app/xmpp/xmpp.js";
export type { IgmpEvents } from "./analyzer/igmp/igmp.js";
export type { EntropyEvents } from "./files/entropy.js";
export type { FileEvents } from "./files/manager.js";
export type { PeEvents } from "./files/pe/pe.js";
export type { OcspEvents } from "./files/x509/ocsp.js";
export type { SctEvents } from "./files/x509/sct.js";
export type { X509Events } from "./files/x509/x509.js";
export type { ZipEvents } from "./files/zip/zip.js";
export type { ConnThresholdEvents } from "./scripts/conn-thresholds.js";
export type { IntelMimeEvents } from "./scripts/intel/smtp-url-extraction.js";
export type { IntelEvents } from "./scripts/intel/types.js";
export type { CatchReleaseEvents } from "./scripts/netcontrol/catch-and-release.js";
export type { NetControlEvents } from "./scripts/netcontrol/types.js";
export type { OpenFlowEvents } from "./scripts/openflow/types.js";
export type { ConnSizeEvents } from "./session/conn-size-events.js";
export type { SignatureEvents } from "./signatures/events.js";
