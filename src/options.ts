/**
 * Engine settings under Zeek's names, with Zeek's defaults (Zeek's init-bare.zeek).
 * The CLI sets them from Zeek-style redefs (`tcp_attempt_delay=10sec`) or
 * `--set name=value`; library users pass them to `new Engine({ options })`.
 * Intervals are in seconds.
 */

import { accessSync, constants } from "node:fs";
import { PACKET_ANALYZER_MODULE, ZEEK_PACKET_ANALYZER_TAGS } from "./analyzer/packet-analyzer-tags.js";
import { ZEEK_ANALYZER_TAGS } from "./analyzer/zeek-tags.js";
import { FILE_ANALYZER_MODULE, ZEEK_FILE_ANALYZER_TAGS } from "./files/tags.js";
import { formatAddrBytes } from "./ip/addr.js";
import { DEFAULT_MAX_DELAY_INTERVAL, DEFAULT_MAX_DELAY_QUEUE_SIZE } from "./log/delay.js";
import { ZEEK_LOG_LIMITS, ZEEK_MAX_LOG_RECORD_SIZE } from "./log/limits.js";
import { PRINT_REDIRECTS, type PrintRedirect } from "./log/print-log.js";
import { DEFAULT_ROTATION_DATE_FORMAT, parseRotateBaseTime } from "./log/rotation.js";
import { LOG_WRITERS, type LogWriterName, SQLITE_JOURNAL_MODES, SQLITE_SYNCHRONOUS } from "./log/sqlite.js";
import { HOST_SELECTIONS, type HostSelection } from "./scripts/directions-and-hosts.js";
import { parseAddress, parseSubnet, privateAddressSpace, type Subnet } from "./scripts/site.js";
import { CONNKEY_FACTORIES, CONNKEY_FIVETUPLE, type ConnKeyFactory } from "./session/vlan-key.js";
import { MAXIMUM_SNAPLEN } from "./source/pcap.js";
import { didYouMean } from "./suggest.js";

export interface EngineSettings {
  ignore_checksums: boolean;
  tcp_SYN_timeout: number;
  tcp_session_timer: number;
  tcp_connection_linger: number;
  tcp_attempt_delay: number;
  tcp_close_delay: number;
  tcp_reset_delay: number;
  tcp_partial_close_delay: number;
  tcp_inactivity_timeout: number;
  udp_inactivity_timeout: number;
  icmp_inactivity_timeout: number;
  unknown_ip_inactivity_timeout: number;
  tcp_storm_thresh: number;
  tcp_storm_interarrival_thresh: number;
  tcp_max_initial_window: number;
  tcp_max_above_hole_without_any_acks: number;
  tcp_excessive_data_without_further_acks: number;
  tcp_max_old_segments: number;
  partial_connection_ok: boolean;
  tcp_SYN_ack_ok: boolean;
  report_gaps_for_partial: boolean;
  detect_filtered_trace: boolean;
  frag_timeout: number;
  max_timer_expires: number;
  /** Zeek's bits_per_uid: how many bits connection uids and file ids have (at most 128; 96 by default). */
  bits_per_uid: number;
  /** Seconds a file may stay idle before it times out (Files::set_timeout_interval changes it per file). */
  default_file_timeout_interval: number;
  /** How many of a file's first bytes are kept for MIME sniffing and file_sniff (Zeek's default_file_bof_buffer_size). */
  default_file_bof_buffer_size: number;
  /** 0 = connection_status_update never fires (Zeek leaves the interval undefined). */
  connection_status_update_interval: number;
  tcp_content_deliver_all_orig: boolean;
  tcp_content_deliver_all_resp: boolean;
  udp_content_deliver_all_orig: boolean;
  udp_content_deliver_all_resp: boolean;
  /** Responder ports (numbers) whose TCP payload is delivered as tcp_contents. */
  tcp_content_delivery_ports_orig: Set<number>;
  tcp_content_delivery_ports_resp: Set<number>;
  udp_content_delivery_ports_orig: Set<number>;
  udp_content_delivery_ports_resp: Set<number>;
  /** UDP ports, source or destination, whose payloads both ways are delivered as udp_contents. */
  udp_content_ports: Set<number>;
  /** The delivery port tables name the connection's responder port rather than the packet's destination port. */
  udp_content_delivery_ports_use_resp: boolean;
  /** Ports added to the likely server ports the analyzers' scripts register ("54790/udp"): a connection to one keeps its roles, from one is flipped. */
  likely_server_ports: Set<string>;
  /** Upper bound on tracked connections; past it new ones are refused with a weird. */
  max_connections: number;
  /** Upper bound on bytes buffered by fragment reassembly, in total. */
  max_fragment_bytes: number;
  /**
   * Live capture: bytes kept of each packet (Zeek's `snaplen`). bronze's
   * default is tcpdump's 262144 rather than Zeek's 9216: loopback packets
   * reach 64 KiB.
   */
  snaplen: number;
  /** DPD: bytes (both sides together) the PIA buffers and matches signatures on. */
  dpd_buffer_size: number;
  /** DPD: chunks (stream deliveries, gaps, datagrams) the PIA buffers at most. */
  dpd_max_packets: number;
  /** DPD: stop matching once the buffer is full (else keep matching, without starting analyzers). */
  dpd_match_only_beginning: boolean;
  /** Reassemble every TCP connection from its start (Zeek's default); off, only those with an analyzer by port, expectation or tcp_contents delivery, the others once DPD starts one. */
  dpd_reassemble_first_packets: boolean;
  /** DPD: a violation after the connection carried this many bytes (both sides) no longer disables the analyzer; 0: always. */
  "DPD::ignore_violations_after": number;
  /** How many violations an analyzer instance reports; past it one too_many_analyzer_violations weird and no more (Zeek's max_analyzer_violations). */
  max_analyzer_violations: number;
  /** DNS: skip the authority section of replies (policy/protocols/dns/auth-addl turns it off). */
  dns_skip_all_auth: boolean;
  /** DNS: skip the additional section of replies. */
  dns_skip_all_addl: boolean;
  /** DNS: a message with more questions than this is a violation (DNS_Conn_count_too_large); 0 turns the check off. */
  dns_max_queries: number;
  /** DNS: compression pointers followed at most in one name (past it the DNS_max_compression_chain_depth_exceeded weird). */
  dns_max_compression_chain_depth: number;
  /** Site::local_zones: DNS zones considered local (detect-external-names). */
  "Site::local_zones": Set<string>;
  /** The login analyzers' (Telnet, Rlogin, Rsh) pattern sets, Zeek's globals of init-bare.zeek: empty, each matches every line. */
  skip_authentication: Set<string>;
  direct_login_prompts: Set<string>;
  login_prompts: Set<string>;
  login_non_failure_msgs: Set<string>;
  login_failure_msgs: Set<string>;
  login_success_msgs: Set<string>;
  login_timeouts: Set<string>;
  /** policy/protocols/http/header-names: log the request's header names (client_header_names). */
  "HTTP::log_client_header_names": boolean;
  /** policy/protocols/http/header-names: log the reply's header names (server_header_names). */
  "HTTP::log_server_header_names": boolean;
  /** SSH detect-bruteforcing: failed logins from one host (in guessing_timeout) that make it a password guesser. */
  "SSH::password_guesses_limit": number;
  /** SSH detect-bruteforcing: the measurement interval, in seconds. */
  "SSH::guessing_timeout": number;
  /** policy/misc/detect-traceroute: only a source that sent low-TTL packets counts (const &redef). */
  "Traceroute::require_low_ttl_packets": boolean;
  /** policy/misc/detect-traceroute: distinct routers' ICMP time-exceeded messages that make a traceroute. */
  "Traceroute::icmp_time_exceeded_threshold": number;
  /** policy/misc/detect-traceroute: its measurement interval. */
  "Traceroute::icmp_time_exceeded_interval": number;
  /** policy/frameworks/analyzer/packet-segment-logging: how many bytes of the packet analyzer.log's packet_segment holds. */
  "Analyzer::Logging::packet_segment_size": number;
  /** FTP detect-bruteforcing: failed logins from one host (in the interval) that raise FTP::Bruteforcing. */
  "FTP::bruteforce_threshold": number;
  /** FTP detect-bruteforcing: the measurement interval, in seconds. */
  "FTP::bruteforce_measurement_interval": number;
  /** HTTP detect-sql-injection: injection requests from (or to) one host (in the interval) that raise a notice. */
  "HTTP::sqli_requests_threshold": number;
  /** HTTP detect-sql-injection: the measurement interval, in seconds. */
  "HTTP::sqli_requests_interval": number;
  /** DPD: analyzers whose violations never disable them (Zeek's tag names without the module: "ANALYZER_SMB"). */
  "DPD::ignore_violations": Set<string>;
  /**
   * Analyzer::disabled_analyzers: analyzers never started (by port, detection, a parent or an expected connection);
   * protocol analyzers' tag names without their module ("ANALYZER_SSL"), packet and file analyzers' with it
   * ("PacketAnalyzer::ANALYZER_VXLAN", "Files::ANALYZER_PE": never added to a file, as Files::disable_analyzer).
   */
  "Analyzer::disabled_analyzers": Set<string>;
  /** Analyzer::disable_all: every analyzer disabled at start-up; a script enables the ones it wants (engine.enableAnalyzerType). */
  "Analyzer::disable_all": boolean;
  /** DPD: a confirmed analyzer that fails stays in the service column, followed by its name with a "-" ("ftp,-ftp"). */
  "DPD::track_removed_services_in_connection": boolean;
  /** Gnutella: a handshake line reaching this many bytes stops the line reading, with exceeded_gnutella_max_line_length and 'X' (0: no bound). */
  "Gnutella::max_line_length": number;
  /** Gnutella: handshake headers reaching this many bytes (lines and their CR LF) stop there, with exceeded_gnutella_max_headers_length and 'X' (0: no bound). */
  "Gnutella::max_header_length": number;
  /** RPC (PORTMAPPER, MOUNT, NFS) over UDP: the flow is removed this long after its analyzer started, with connection_timeout (seconds). */
  rpc_timeout: number;
  /** RPC: one more call when this many wait for their reply drops them all, with RPC_pending_calls_discarded and rpc_discarded_pending_calls (0: no bound). */
  rpc_max_pending_calls: number;
  /** NFS: READ and WRITE events carry the file data. */
  "NFS3::return_data": boolean;
  /** NFS: at most this many bytes of it. */
  "NFS3::return_data_max": number;
  /** NFS: only the data at offset 0. */
  "NFS3::return_data_first_only": boolean;
  /** The weird framework logs these names at every report (Weird::weird_do_not_ignore_repeats; by default the checksum weirds). */
  "Weird::weird_do_not_ignore_repeats": Set<string>;
  /** The reporter's sampling of the weird events (Weird::sampling_*, base/init-bare.zeek): reports of a name raised before sampling starts. */
  "Weird::sampling_threshold": number;
  /** Then one in this many is raised (0: none). */
  "Weird::sampling_rate": number;
  /** Seconds after which the counting starts again. */
  "Weird::sampling_duration": number;
  /** Names never sampled. */
  "Weird::sampling_whitelist": Set<string>;
  /** Names counted for the whole run, not per connection or address pair. */
  "Weird::sampling_global_list": Set<string>;
  /** NCP: a frame longer than this many bytes is not buffered (weird ncp_large_frame, 'X'; the side resynchronizes). */
  "NCP::max_frame_size": number;
  /** SSH: packet lengths above this are capped, with the SSH_max_packet_length_exceeded weird (0: no cap). */
  "SSH::max_packet_length": number;
  /** SSH: string lengths above this are capped, with the SSH_max_string_length_exceeded weird (0: no cap). */
  "SSH::max_string_length": number;
  /** SSH: names kept of each KEXINIT list (kex, host key, encryption, MAC, compression, languages); past it a weird and 'X' (0: all). */
  "SSH::max_kexinit_kex_algorithms": number;
  "SSH::max_kexinit_hostkey_algorithms": number;
  "SSH::max_kexinit_encryption_algorithms": number;
  "SSH::max_kexinit_mac_algorithms": number;
  "SSH::max_kexinit_compression_algorithms": number;
  "SSH::max_kexinit_languages": number;
  /** SSH: remove the analyzer once authentication succeeded (ssh.log's script option). */
  "SSH::disable_analyzer_after_detection": boolean;
  /** SOCKS: socks.log's password column gets the RFC 1929 password. */
  "SOCKS::default_capture_password": boolean;
  /** FTP: ftp.log's password column (and a PASS command's argument) as sent, instead of "<hidden>" (guests' are always shown). */
  "FTP::default_capture_password": boolean;
  /** FTP: the commands that write an ftp.log row (with their reply). */
  "FTP::logged_commands": Set<string>;
  /** FTP: commands a session keeps waiting for their replies; one more is a weird and is dropped. */
  "FTP::max_pending_commands": number;
  /** FTP: bytes of a USER argument kept (a longer one is a weird and is cut). */
  "FTP::max_user_length": number;
  /** FTP: bytes of a PASS argument kept (a longer one is a weird and is cut). */
  "FTP::max_password_length": number;
  /** FTP: bytes of ftp.log's arg column (a longer one is a weird and is cut). */
  "FTP::max_arg_length": number;
  /** FTP: bytes of ftp.log's reply_msg column (a longer one is a weird and is cut). */
  "FTP::max_reply_msg_length": number;
  /** FTP: data channels expected at once; one more is a weird and is not expected. */
  "FTP::max_expected_data_channels": number;
  /** DCE-RPC: fragmented calls a side gathers at once; one more is a weird and the analyzer stops parsing. */
  "DCE_RPC::max_cmd_reassembly": number;
  /** DCE-RPC: bytes gathered for one fragmented call; more is a weird and the analyzer stops parsing. */
  "DCE_RPC::max_frag_data": number;
  /** DHCP: uids a dhcp.log row gathers before it is written. */
  "DHCP::max_uids_per_log_entry": number;
  /** DHCP: message types a dhcp.log row gathers before it is written. */
  "DHCP::max_msg_types_per_log_entry": number;
  /** DHCP: exchanges join_data keeps at once; a new one past it writes and drops the oldest, with DHCP_max_tracked_transactions_exceeded (0: no bound). */
  "DHCP::max_tracked_transactions": number;
  /** HTTP: http.log's password column gets the Basic authentication password. */
  "HTTP::default_capture_password": boolean;
  /** SMB: the file actions that write an smb_files.log row (SMB::Action names without "SMB::"). */
  "SMB::logged_file_actions": Set<string>;
  /** SMB: the response statuses (SMB::statuses' names) whose commands smb_cmd.log leaves out (policy/protocols/smb/log-cmds). */
  "SMB::ignored_command_statuses": Set<string>;
  /** SMB2: requests remembered per map (tree ids, reads, ioctls) until answered; one more clears the map with smb2_discarded_messages_state (0: no bound). */
  "SMB::max_pending_messages": number;
  /** IRC: DCC SENDs whose transfer is expected at once; one more is refused with irc_max_dcc_expected_transfers_exceeded (0: no bound). */
  "IRC::max_dcc_expected_transfers": number;
  /** SMB: DCE-RPC analyzers (one per pipe file id) per connection; one more discards them all with smb_discarded_dce_rpc_analyzers (0: no bound). */
  "SMB::max_dce_rpc_analyzers": number;
  /** SMB2: smb2_discarded_messages_state also empties the script's file and pending-command tables (c$smb_state's fid_map, pending_cmds). */
  "SMB::enable_clear_script_state": boolean;
  /** SSL: ssl.log gets subject and issuer columns, the server certificate's. */
  "SSL::log_include_server_certificate_subject_issuer": boolean;
  /** SSL: ssl.log gets client_subject and client_issuer columns, the client certificate's. */
  "SSL::log_include_client_certificate_subject_issuer": boolean;
  /** X.509: an x509.log row for a certificate (same fingerprint and role) logged less than this ago is left out; 0: every certificate is logged. */
  "X509::relog_known_certificates_after": number;
  /** X.509: certificates get files.log rows too (Zeek's X509::log_x509_in_files_log option; by default they are in x509.log only). */
  "X509::log_x509_in_files_log": boolean;
  /** Zeek's Log::default_max_field_string_bytes: a log's string column is cut to this many bytes (0: no bound). */
  "Log::default_max_field_string_bytes": number;
  /** Log::default_max_total_string_bytes: all strings of one log record together. */
  "Log::default_max_total_string_bytes": number;
  /** Log::default_max_field_container_elements: a log's set or vector column is cut to this many elements. */
  "Log::default_max_field_container_elements": number;
  /** Log::default_max_total_container_elements: all elements of one log record together. */
  "Log::default_max_total_container_elements": number;
  /** http.log's own bound on a string column (Zeek's default 0: URIs and the like are not cut). */
  "HTTP::default_max_field_string_bytes": number;
  /** x509.log's own bounds (Zeek's X509::default_max_*: certificates may list many names). */
  "X509::default_max_field_string_bytes": number;
  "X509::default_max_field_container_elements": number;
  "X509::default_max_total_container_elements": number;
  /** SSL: remove the analyzer once the session is established and logged (heartbleed's script turns it off). */
  "SSL::disable_analyzer_after_detection": boolean;
  /** ssl.log's ssl_history keeps at most this many letters (SSL_max_ssl_history_length_reached when reached). */
  "SSL::max_ssl_history_length": number;
  /** policy/protocols/ssl/expiring-certs: the servers whose certificates' validity is checked. */
  "SSL::notify_certs_expiration": HostSelection;
  /** expiring-certs: a certificate running out within this is Certificate_Expires_Soon. */
  "SSL::notify_when_cert_expiring_in": number;
  /** policy/protocols/ssl/weak-keys: the servers whose keys, versions and ciphers are checked. */
  "SSL::notify_weak_keys": HostSelection;
  /** weak-keys: RSA/DSA certificate keys and DH primes shorter than this (bits) are weak. */
  "SSL::notify_minimal_key_length": number;
  /** weak-keys: a DH prime shorter than the certificate's RSA/DSA key is a notice. */
  "SSL::notify_dh_length_shorter_cert_length": boolean;
  /** policy/protocols/ssl/validate-certs: a validated chain's intermediates are kept (by their issuer's name) to complete later chains. */
  "SSL::ssl_cache_intermediate_ca": boolean;
  /** validate-certs: a session whose chain verified keeps that chain, leaf to root (c$ssl$valid_chain; validate-sct sets it). */
  "SSL::ssl_store_valid_chain": boolean;
  /** validate-certs (bronze's own): a PEM bundle whose certificates are the roots, instead of Node's bundled Mozilla roots ("" for those). */
  "SSL::root_certs_file": string;
  /** validate-sct (bronze's own): a file of SSL::ct_logs entries, as Zeek writes them, added to Zeek's ct-list ("" for none). */
  "SSL::ct_logs_file": string;
  /** decryption: the key log whose secrets decrypt TLS 1.2 sessions ("" for $ZEEK_TLS_KEYLOG_FILE, or none). */
  "SSL::keylog_file": string;
  /** A keytab (MIT's file format) whose keys decrypt the tickets of AP-REQs: the KRB analyzer's ticket$authenticationinfo is the client ("" for none). */
  "KRB::keytab": string;
  /** known_certs.log (policy/protocols/ssl/known-certs): the servers whose certificates are tracked. */
  "Known::cert_tracking": HostSelection;
  /** The software framework (software.log): the hosts whose software is tracked. */
  "Software::asset_tracking": HostSelection;
  /** policy/frameworks/software/version-changes: the software names whose version changes are notices. */
  "Software::interesting_version_changes": Set<string>;
  /**
   * policy/frameworks/software/vulnerable: each software name's vulnerable
   * version ranges, each as the text Zeek's script decodes from its DNS
   * updates ("min=1.7 max=1.7.0.20"; without min every earlier version is in).
   */
  "Software::vulnerable_versions": ReadonlyMap<string, readonly string[]>;
  /** policy/protocols/smtp/software: the hosts whose outgoing mail's user agents are software found. */
  "SMTP::detect_clients_in_messages_from": HostSelection;
  /** policy/protocols/modbus/track-memmap: the slaves whose holding registers are tracked. */
  "Modbus::track_memmap": HostSelection;
  /**
   * Zeek's `Site::local_nets` (set as `Site::local_nets={ 10.0.0.0/8, … }`):
   * conn.log's local_orig/local_resp. null: Zeek's default, the private
   * address space.
   */
  site_local_nets: Subnet[] | null;
  /**
   * Zeek's `ignore_checksums_nets`: packets whose source address is in one
   * of these networks skip the IP, TCP, UDP and ICMP checksum checks (a host
   * capturing its own traffic before the NIC fills the checksums in). null:
   * none (Zeek's default, an empty set).
   */
  ignore_checksums_nets: Subnet[] | null;
  /** GridFTP (base/protocols/ftp/gridftp): bytes a side sends before an SSL connection with client and server certificates and a NULL cipher is taken for a data channel. */
  "GridFTP::size_threshold": number;
  /** GridFTP: how long after the handshake that size is waited for. */
  "GridFTP::max_time": number;
  /** GridFTP: a data channel found is no longer analysed (skip_further_processing). */
  "GridFTP::skip_data": boolean;
  /** Teredo is confirmed (conn.log's service) once both sides sent valid Teredo packets; F: at the first. */
  "Tunnel::delay_teredo_confirmation": boolean;
  /** quic.log's history: letters kept at most (a weird when reached). */
  "QUIC::max_history_length": number;
  /** QUIC::discarded_packet events per connection at most (0: no limit, -1: none). */
  "QUIC::max_discarded_packet_events": number;
  /** base/protocols/conn/contents: every TCP connection's streams written to files once established (c$extract_orig and c$extract_resp's default). */
  "Conn::default_extract": boolean;
  /** base/protocols/conn/contents: the start of those files' names (PREFIX_ORIG:PORT-RESP:PORT_orig.dat). */
  "Conn::extraction_prefix": string;
  /** Multicast participants (policy/protocols/conn/multicast-participants): IGMP groups tracked at most (0: no limit). */
  "Conn::max_igmp_groups": number;
  /** Multicast participants: members tracked per IGMP group at most (0: no limit). */
  "Conn::max_igmp_sources_per_group": number;
  /** Weird statistics (policy/misc/weird-stats): the interval each weird_stats.log row counts over. */
  "WeirdStats::weird_stat_interval": number;
  /** Capture loss (policy/misc/capture-loss): the interval between measurements after the first. */
  "CaptureLoss::watch_interval": number;
  /** Capture loss: how long after the start the first measurement is taken. */
  "CaptureLoss::initial_watch_interval": number;
  /** Capture loss: the fraction of ACKs above a gap (0–1) that raises CaptureLoss::Too_Much_Loss. */
  "CaptureLoss::too_much_loss": number;
  /** Capture loss: fewer ACKs than this in an interval raise CaptureLoss::Too_Little_Traffic. */
  "CaptureLoss::minimum_acks": number;
  /** Stats (policy/misc/stats): how often stats.log gets a line. */
  "Stats::report_interval": number;
  /** Known hosts (policy/protocols/conn/known-hosts): whose addresses known_hosts.log lists (Zeek's Host enum: LOCAL_HOSTS, REMOTE_HOSTS, ALL_HOSTS, NO_HOSTS). */
  "Known::host_tracking": HostSelection;
  /** Known services (policy/protocols/conn/known-services): whose services known_services.log lists (a Host value). */
  "Known::service_tracking": HostSelection;
  /** Known services: a UDP service counts only once its server answered. */
  "Known::service_udp_requires_response": boolean;
  /** Community ID hashing (policy/protocols/conn/community-id-logging, communityIdV1): its 16-bit seed. */
  "CommunityID::seed": number;
  /** Community ID hashing: base64 of the digest (else hex). */
  "CommunityID::do_base64": boolean;
  /** Zeek's `Log::default_rotation_interval`: each log's file is closed and renamed this often (network time); 0: never. */
  "Log::default_rotation_interval": number;
  /** Zeek's `log_rotate_base_time` ("H:MM", local time): rotations fall on this time of day plus whole intervals; "": on multiples of the interval. */
  log_rotate_base_time: string;
  /** Zeek's `Log::default_rotation_postprocessor_cmd`: run on each rotated file (name, path, open, close, terminating, writer); "": none. */
  "Log::default_rotation_postprocessor_cmd": string;
  /** Intel::read_files: intelligence files read before the run (base/frameworks/intel/input). */
  "Intel::read_files": Set<string>;
  /** Intel::path_prefix: put in front of each relative entry of Intel::read_files. */
  "Intel::path_prefix": string;
  /** InputAscii::path_prefix: the ASCII input reader's directory for relative paths (intel files: after Intel::path_prefix). */
  "InputAscii::path_prefix": string;
  /** Intel::item_expiration: seconds after its last insertion an item expires; negative: never. */
  "Intel::item_expiration": number;
  /** seen/x509: certificates' SAN DNS names are seen as Intel::DOMAIN. */
  "Intel::enable_x509_ext_subject_alternative_name": boolean;
  /** seen/manage-event-groups: a type's seen checks run only while an indicator of it is loaded. */
  "Intel::manage_seen_event_groups": boolean;
  /** table_expire_interval: how often expired table entries are looked for (bronze: the Intel store's items). */
  table_expire_interval: number;
  /** Redis: the ports its analyzer is registered for (Redis::ports; likely server ports while it is active). */
  "Redis::ports": Set<number>;
  /** Redis: characters kept of each command word and reply text (0: 1 MiB, the parser's bound). */
  "Redis::max_value_size": number;
  /** Redis: children of one RESP aggregate value at most (0: no limit). */
  "Redis::max_aggregate_elements": number;
  /** Redis: commands awaiting replies at most; past it Redis_excessive_pipelining and the log state starts over (0: no limit). */
  "Redis::max_pending_commands": number;
  /** base/protocols/ldap: unanswered messages kept per connection; one more writes them with a weird (0: no bound). */
  "LDAP::max_pending_messages": number;
  /** base/protocols/ldap: unfinished searches kept per connection; one more writes them with a weird (0: no bound). */
  "LDAP::max_pending_searches": number;
  /** base/protocols/ldap: ldap.log shows simple binds' passwords (else "REDACTED"). */
  "LDAP::default_capture_password": boolean;
  /** base/protocols/ldap: ldap_search.log lists the attributes a search asks for. */
  "LDAP::default_log_search_attributes": boolean;
  /** Finger (its Spicy analyzer, --spicy): a request's or reply line's text longer than this is a violation (0: 1 MiB). */
  "Finger::max_line_length": number;
  /** MQTT: bytes of a publish's payload its event carries (read at each publish: a Zeek option). */
  "MQTT::max_payload_size": number;
  /** sip.log: Via headers kept in a request's path; one more is the weird sip_max_request_path_length_exceeded (0: no bound). */
  "SIP::max_request_path_length": number;
  /** sip.log: Via headers kept in a response's path; one more is the weird sip_max_response_path_length_exceeded (0: no bound). */
  "SIP::max_response_path_length": number;
  /** GeoIP (lookup_location, lookup_autonomous_system): the directory of the MaxMind DB files ("": only the fallbacks). */
  mmdb_dir: string;
  /** GeoIP: the City database's file name (the location database; the Country one when it is missing). */
  mmdb_city_db: string;
  /** GeoIP: the Country database's file name. */
  mmdb_country_db: string;
  /** GeoIP: the ASN database's file name. */
  mmdb_asn_db: string;
  /** GeoIP: directories tried, in order, when mmdb_dir is unset or lacks a database. */
  mmdb_dir_fallbacks: readonly string[];
  /** GeoIP: how often (network time) an open database file is checked for replacement; negative: never. */
  mmdb_stale_check_interval: number;
  /** policy/protocols/ssh/geo-data: countries (ISO codes) whose successful SSH logins are SSH::Watched_Country_Login notices. */
  "SSH::watched_countries": Set<string>;
  /** The notice framework's add-geodata action: notice types whose notices get remote_location (Notice::ACTION_ADD_GEODATA). */
  "Notice::lookup_location_types": Set<string>;
  /** What a connection's key holds: the five-tuple, or also the packet's VLAN tags (policy/frameworks/conn_key/vlan_fivetuple sets it). */
  "ConnKey::factory": ConnKeyFactory;
  /** policy/frameworks/analyzer/detect-protocols: an analyzer still running this long after the connection began is reported. */
  "ProtocolDetector::minimum_duration": number;
  /** detect-protocols: … or once both sides together carried this many bytes. */
  "ProtocolDetector::minimum_volume": number;
  /** detect-protocols: analyzers (tag names without ANALYZER_) that raise no ProtocolDetector::Server_Found. */
  "ProtocolDetector::suppress_servers": Set<string>;
  /** detect-protocols: (analyzer, responder address, port) → the direction in which it is uninteresting (see ProtocolDetectorValids). */
  "ProtocolDetector::valids": ProtocolDetectorValids;
  /** base/files/x509/certificate-event-cache: sightings (within the interval below) before a certificate's events are cached; 0: no caching. */
  "X509::caching_required_encounters": number;
  /** certificate-event-cache: the time from a certificate's first sighting within which those sightings must come. */
  "X509::caching_required_encounters_interval": number;
  /** certificate-event-cache: a cached certificate unused this long may leave the cache. */
  "X509::certificate_cache_minimum_eviction_interval": number;
  /** certificate-event-cache: certificates cached at most. */
  "X509::certificate_cache_max_entries": number;
  /** policy/protocols/smtp/detect-suspicious-orig: countries (ISO codes) mail from which is an SMTP::Suspicious_Origination notice. */
  "SMTP::suspicious_origination_countries": Set<string>;
  /** detect-suspicious-orig: networks mail from which is a notice too (null: none). */
  "SMTP::suspicious_origination_networks": Subnet[] | null;
  /** loaded-scripts (bronze's own): the directory Zeek's scripts are named under (its share/zeek), for zeek_script_loaded's paths. */
  "LoadedScripts::prefix": string;
  /** policy/frameworks/files/detect-MHR: the least detection rate (per cent) that is a notice. */
  "TeamCymruMalwareHashRegistry::notice_threshold": number;
  /** detect-MHR: the notice's sub, a URL about the file (%s: its SHA-1). */
  "TeamCymruMalwareHashRegistry::match_sub_url": string;
  /** NetControl::default_priority: a rule's priority when it does not give one. */
  "NetControl::default_priority": number;
  /** NetControl::whitelist_priority: the priority of whitelist_address and whitelist_subnet's rules. */
  "NetControl::whitelist_priority": number;
  /** catch-and-release: how long an address is blocked at each reblock (the last one repeats); also how long it is watched after. */
  "NetControl::catch_release_intervals": number[];
  /** catch-and-release: connections of blocked addresses count as their being seen again. */
  "NetControl::watch_connections": boolean;
  /** catch-and-release: log an address seen while its block is still in place. */
  "NetControl::catch_release_warn_blocked_ip_encountered": boolean;
  /** packet-filter: the capture filter when no capture_filters are set (Zeek's PacketFilter::default_capture_filter). */
  "PacketFilter::default_capture_filter": string;
  /** packet-filter: or'ed in front of every filter the framework builds. */
  "PacketFilter::unrestricted_filter": string;
  /** packet-filter: and'ed in front of every filter the framework builds. */
  "PacketFilter::restricted_filter": string;
  /** packet-filter: capture only the registered analyzers' ports (Analyzer::get_bpf). */
  "PacketFilter::enable_auto_protocol_capture_filters": boolean;
  /** Zeek's EventMetadata::add_network_timestamp: each event carries the network time it was queued at (Engine.currentEventTime). */
  "EventMetadata::add_network_timestamp": boolean;
  /** packet-filter: a filter taking longer than this to compile is a Too_Long_To_Compile_Filter notice. */
  "PacketFilter::max_filter_compile_time": number;
  /** packet-filter: Zeek's capture_filters, id → filter, or'ed together. */
  capture_filters: ReadonlyMap<string, string>;
  /** packet-filter: Zeek's restrict_filters, id → filter, and'ed together. */
  restrict_filters: ReadonlyMap<string, string>;
  /** policy/frameworks/packet-filter/shunt: shunts (connections and host pairs) in place at most. */
  "PacketFilter::max_bpf_shunts": number;
  /** policy/protocols/smtp/entities-excerpt: how many of an SMTP entity's first bytes become its excerpt (0: none). */
  "SMTP::default_entity_excerpt_len": number;
  /** The notice framework: notice types whose notices are dropped by its policy (neither logged nor acted on). */
  "Notice::ignored_types": Set<string>;
  /** Notice types never suppressed (their suppress_for is 0). */
  "Notice::not_suppressed_types": Set<string>;
  /** Notice types with Notice::ACTION_ALARM (notice_alarm.log, the alarm summary). */
  "Notice::alarmed_types": Set<string>;
  /** Notice types with Notice::ACTION_EMAIL (mailed to Notice::mail_dest). */
  "Notice::emailed_types": Set<string>;
  /** Where ACTION_EMAIL's notices are mailed ("": nowhere). */
  "Notice::mail_dest": string;
  /** The From header of notice mail. */
  "Notice::mail_from": string;
  /** The Reply-To header of notice mail ("": none). */
  "Notice::reply_to": string;
  /** What every notice mail's Subject starts with. */
  "Notice::mail_subject_prefix": string;
  /** The mail program, run through /bin/sh with -t -oi and the message on its standard input. */
  "Notice::sendmail": string;
  /** How long scripts may delay a notice mail with delay tokens (network time). */
  "Notice::max_email_delay": number;
  /** base/frameworks/notice/actions/page: where ACTION_PAGE's notices are mailed. */
  "Notice::mail_page_dest": string;
  /** actions/pp-alarms: write the pretty-printed alarm summary (alarm-mail.txt) when live with a mail destination. */
  "Notice::pretty_print_alarms": boolean;
  /** pp-alarms: where the summary is mailed ("": Notice::mail_dest). */
  "Notice::mail_dest_pretty_printed": string;
  /** pp-alarms: write the summary even when reading a trace or without a mail destination. */
  "Notice::force_email_summaries": boolean;
  /** pp-alarms: alarms involving these networks are marked with a second ">" (null: none). */
  "Notice::flag_nets": Subnet[] | null;
  /** base/utils/site: who administers which network (subnet → addresses), for Notice::ACTION_EMAIL_ADMIN. */
  "Site::local_admins": ReadonlyMap<string, readonly string[]>;
  /** base/frameworks/notice: how long notices of a type are suppressed (type → seconds), over Notice::default_suppression_interval. */
  "Notice::type_suppression_intervals": ReadonlyMap<string, number>;
  /**
   * HTTP::upgrade_analyzers: the analyzer (Zeek's name without ANALYZER_) an
   * HTTP Upgrade to a protocol hands the connection to after the 101 reply
   * (looked up as sent, then in lower case); a protocol not in it gets
   * protocol detection. base/protocols/websocket puts websocket in it (with
   * -b, only when that script is named: Engine's constructor).
   */
  "HTTP::upgrade_analyzers": ReadonlyMap<string, string>;
  /** The command line's log directory when --logdir is not given ("": the current directory). */
  "Log::default_logdir": string;
  /** Where rotated logs are moved ("": where they were written); relative to the log directory. */
  "Log::default_rotation_dir": string;
  /** pp-alarms: how often the alarm summary (alarm-mail.txt) is closed and mailed (0: never, Zeek's default). */
  "Log::default_mail_alarms_interval": number;
  /** base/misc/find-filtered-trace: warn at the end of a trace that holds only TCP control packets. */
  "FilteredTraceDetection::enable": boolean;
  /** NetControl's OpenFlow plugin: a flow mod unanswered this long fails its rule (seconds). */
  "NetControl::openflow_message_timeout": number;
  /** NetControl's OpenFlow plugin: how long an installed flow is remembered for its removal report (seconds). */
  "NetControl::openflow_flow_timeout": number;
  /** base/frameworks/config: config files applied at start-up (re-read when they change, capturing live); each line `name value`. */
  "Config::config_files": Set<string>;
  /** The config reader's separator of set and vector elements (InputConfig::set_separator). */
  "InputConfig::set_separator": string;
  /** The config reader's text for an empty set or vector besides the empty text (InputConfig::empty_field). */
  "InputConfig::empty_field": string;
  /** The ASCII input reader's column separator (InputAscii::separator). */
  "InputAscii::separator": string;
  /** The ASCII input reader's separator of set and vector elements (InputAscii::set_separator). */
  "InputAscii::set_separator": string;
  /** The ASCII input reader's text for an empty set or vector (InputAscii::empty_field). */
  "InputAscii::empty_field": string;
  /** The ASCII input reader's text for an unset field (InputAscii::unset_field). */
  "InputAscii::unset_field": string;
  /** The ASCII input reader stops at a line with too few columns instead of skipping it (InputAscii::fail_on_invalid_lines). */
  "InputAscii::fail_on_invalid_lines": boolean;
  /** The ASCII input reader stops when its file cannot be opened or lacks a column (InputAscii::fail_on_file_problem). */
  "InputAscii::fail_on_file_problem": boolean;
  /** How often input readers look at their files in REREAD and STREAM modes (Threading::heartbeat_interval; seconds). */
  "Threading::heartbeat_interval": number;
  /** base/frameworks/telemetry: the Prometheus endpoint's port (0: none, Zeek's 0/unknown). */
  "Telemetry::metrics_port": number;
  /** The endpoint's address ("": $ZEEK_DEFAULT_LISTEN_ADDRESS, else 0.0.0.0). */
  "Telemetry::metrics_address": string;
  /** The label every metric gets with metrics_endpoint_name as its value (when that is set). */
  "Telemetry::metrics_endpoint_label": string;
  /** This node's name in that label ("": no label). */
  "Telemetry::metrics_endpoint_name": string;
  /** policy/frameworks/telemetry/log: time between telemetry.log reports. */
  "Telemetry::log_interval": number;
  /** policy/frameworks/telemetry/log: the metric prefixes logged (empty: all). */
  "Telemetry::log_prefixes": Set<string>;
  /** Zeek's running_under_test: collected metrics in the fixed order Zeek's btests use. */
  running_under_test: boolean;
  /** The binary input reader's chunk size in bytes (InputBinary::chunk_size; 0: 1024). */
  "InputBinary::chunk_size": number;
  /** The binary input reader's directory for relative paths (InputBinary::path_prefix). */
  "InputBinary::path_prefix": string;
  /** What ends a record of the raw input reader (InputRaw::record_separator; Zeek's default a newline). */
  "InputRaw::record_separator": string;
  /** The writer of every log filter that names none (Log::default_writer, without "Log::"): WRITER_ASCII (ASCII or JSON), WRITER_SQLITE, WRITER_NONE (nothing written). */
  "Log::default_writer": LogWriterName;
  /** The SQLite log writer's separator of set and vector elements (LogSQLite::set_separator). */
  "LogSQLite::set_separator": string;
  /** The SQLite log writer's text for an unset element (LogSQLite::unset_field; an unset column is NULL). */
  "LogSQLite::unset_field": string;
  /** The SQLite log writer's text for an empty set or vector (LogSQLite::empty_field). */
  "LogSQLite::empty_field": string;
  /** PRAGMA synchronous run on each SQLite log database (LogSQLite::synchronous, without "LogSQLite::"; SQLITE_SYNCHRONOUS_DEFAULT: none). */
  "LogSQLite::synchronous": string;
  /** PRAGMA journal_mode run on each SQLite log database (LogSQLite::journal_mode; SQLITE_JOURNAL_MODE_DEFAULT: none). */
  "LogSQLite::journal_mode": string;
  /** The SQLite input reader's separator of set and vector elements (InputSQLite::set_separator; see docs/input.md for how Zeek's reader uses it). */
  "InputSQLite::set_separator": string;
  /** The SQLite input reader's text for an unset element (InputSQLite::unset_field). */
  "InputSQLite::unset_field": string;
  /** The SQLite input reader's text for an empty set or vector (InputSQLite::empty_field). */
  "InputSQLite::empty_field": string;
  /**
   * ConnThreshold::generic_packet_thresholds: the total packet counts (both
   * directions) at which conn_generic_packet_threshold_crossed fires for
   * every connection made while the event is handled; sorted once per set
   * value (Zeek's ConnSize reads the set once, after its scripts).
   */
  "ConnThreshold::generic_packet_thresholds": Set<number>;
  /** How many payload bytes a TCP or UDP discarder is given at most (Zeek's discarder_maxlen). */
  discarder_maxlen: number;
  /** Log::print_to_log (without "Log::"): script prints written to print.log instead of standard output (REDIRECT_STDOUT) or instead of their files too (REDIRECT_ALL). */
  "Log::print_to_log": PrintRedirect;
  /** Log::print_log_path: the path of that log (default "print"). */
  "Log::print_log_path": string;
  /** Log::max_log_record_size: a log record larger than this many bytes (as Zeek counts them) is dropped, with the weird log_record_too_large. */
  "Log::max_log_record_size": number;
  /** Log::default_rotation_postprocessor_cmd_env: variables given to the postprocessor command, each name prefixed ZEEK_ARG_. */
  "Log::default_rotation_postprocessor_cmd_env": ReadonlyMap<string, string>;
  /** Log::enable_local_logging: F writes no log at all (Zeek then only sends records to a cluster's logger). */
  "Log::enable_local_logging": boolean;
  /** base/files/extract: where extracted files go (FileExtract::prefix); files.log's `extracted` is the name under it. */
  "FileExtract::prefix": string;
  /** base/files/extract: the bytes an extraction writes at most, 0 for no limit (FileExtract::default_limit). */
  "FileExtract::default_limit": number;
  /** base/files/extract: holes count against the limit (FileExtract::default_limit_includes_missing). */
  "FileExtract::default_limit_includes_missing": boolean;
  /** PacketAnalyzer::SKIP::skip_bytes: the bytes the SKIP packet analyzer skips before IP, where a script registered it (engine.registerPacketAnalyzer). */
  "PacketAnalyzer::SKIP::skip_bytes": number;
  /** Analyzer::requested_analyzers: analyzers enabled once zeek_init ran (after Analyzer::disable_all), tags as Analyzer::disabled_analyzers'. */
  "Analyzer::requested_analyzers": Set<string>;
  /** policy/frameworks/analyzer/debug-logging: analyzer_debug.log is written (F: its stream disabled). */
  "Analyzer::DebugLogging::enable": boolean;
  /** debug-logging: the bytes of a violation's data logged (0: all). */
  "Analyzer::DebugLogging::failure_data_max_size": number;
  /** debug-logging: analyzers whose rows are left out (tags: ANALYZER_HTTP, PacketAnalyzer::ANALYZER_VXLAN, Files::ANALYZER_ZIP). */
  "Analyzer::DebugLogging::ignore_analyzers": Set<string>;
  /** policy/frameworks/analyzer/debug-logging: analyzer_debug.log has a row per confirmation (Analyzer::DebugLogging::include_confirmations). */
  "Analyzer::DebugLogging::include_confirmations": boolean;
  /** policy/frameworks/analyzer/debug-logging: analyzer_debug.log has a row per analyzer disabled (Analyzer::DebugLogging::include_disabling). */
  "Analyzer::DebugLogging::include_disabling": boolean;
  /** Tunnel::max_depth: how many tunnels inside tunnels are followed; a deeper one is a weird (0: no tunnel is). */
  "Tunnel::max_depth": number;
  /** Zeek's Log::default_max_delay_interval: how long Log::delay may hold a record back, by network time (a stream's max_delay_interval). */
  "Log::default_max_delay_interval": number;
  /** Zeek's Log::default_max_delay_queue_size: the delayed records a stream holds at most; one more releases the oldest. */
  "Log::default_max_delay_queue_size": number;
  /** Zeek's LogAscii::enable_leftover_log_rotation: rotating logs keep a shadow file (.shadow.conn.log); at start-up, logs a run left with one are rotated first. */
  "LogAscii::enable_leftover_log_rotation": boolean;
  /** Zeek's Log::default_rotation_date_format: the strftime format of the open time in rotated files' names (conn.<open>.log). */
  "Log::default_rotation_date_format": string;
  /**
   * SMTP::enable_rfc822_msg_file_analysis: each mail message (headers and
   * body, as DATA or BDAT carried it) is a file of its own, of type
   * message/rfc822, besides its MIME entities' files (which it parents).
   */
  "SMTP::enable_rfc822_msg_file_analysis": boolean;
  /** base/protocols/smtp: invalid mail transactions (RCPT TO without MAIL FROM, DATA without RCPT TO) after which the SMTP analyzer is disabled (0: never). */
  "SMTP::max_invalid_mail_transactions": number;
  /** base/protocols/smtp: RCPT TO addresses kept per transaction; more are the weird smtp_too_many_rcptto_addresses (0: no limit). */
  "SMTP::max_rcptto_addresses": number;
  /** base/protocols/smtp: To header addresses kept per transaction (smtp_too_many_to_addresses; 0: no limit). */
  "SMTP::max_to_addresses": number;
  /** base/protocols/smtp: Cc header addresses kept per transaction (smtp_too_many_cc_addresses; 0: no limit). */
  "SMTP::max_cc_addresses": number;
  /** base/protocols/smtp: hosts of a transaction's Received path kept (smtp_max_path_length_exceeded; 0: no limit). */
  "SMTP::max_path_length": number;
  /** POP3::max_unknown_client_commands: unknown client commands after which the POP3 analyzer reports a violation (0: never). */
  "POP3::max_unknown_client_commands": number;
  /** WebSocket::max_control_frame_size: close, ping and pong payload raised beyond this many bytes is cut and a weird (0: no limit). */
  "WebSocket::max_control_frame_size": number;
  /** HTTP::max_files_orig and max_files_resp: files of a side of an HTTP transaction listed in http.log before HTTP::max_files_policy is asked. */
  "HTTP::max_files_orig": number;
  "HTTP::max_files_resp": number;
}

/** Weird::weird_do_not_ignore_repeats' default: the checksum weirds, whose clusters are informative. */
export const CHECKSUM_WEIRDS: ReadonlySet<string> = new Set(["bad_IP_checksum", "bad_TCP_checksum", "bad_UDP_checksum", "bad_ICMP_checksum"]);

/** ProtocolDetector::dir: in which direction a protocol on a port is uninteresting (NONE: in none, BOTH: in both). */
export type ProtocolDetectorDir = "NONE" | "INCOMING" | "OUTGOING" | "BOTH";

/**
 * ProtocolDetector::valids, a table[Analyzer::Tag, addr, port] of dir: keys
 * are validsKey's (0.0.0.0 stands for any responder address).
 */
export type ProtocolDetectorValids = ReadonlyMap<string, ProtocolDetectorDir>;

/** A key of ProtocolDetector::valids: the tag's name ("HTTP"), the address in Zeek's text form, the port with its transport ("81/tcp"). */
export function validsKey(tag: string, addr: string, port: string): string {
  return `${tag.toUpperCase()} ${addr} ${port}`;
}

export function defaultSettings(): EngineSettings {
  return {
    ignore_checksums: false,
    tcp_SYN_timeout: 5,
    tcp_session_timer: 6,
    tcp_connection_linger: 5,
    tcp_attempt_delay: 5,
    tcp_close_delay: 5,
    tcp_reset_delay: 5,
    tcp_partial_close_delay: 3,
    tcp_inactivity_timeout: 300,
    udp_inactivity_timeout: 60,
    icmp_inactivity_timeout: 60,
    unknown_ip_inactivity_timeout: 60,
    tcp_storm_thresh: 1000,
    tcp_storm_interarrival_thresh: 1,
    tcp_max_initial_window: 16384,
    tcp_max_above_hole_without_any_acks: 16384,
    tcp_excessive_data_without_further_acks: 10 * 1024 * 1024,
    tcp_max_old_segments: 0,
    partial_connection_ok: true,
    tcp_SYN_ack_ok: true,
    report_gaps_for_partial: false,
    detect_filtered_trace: false,
    frag_timeout: 300,
    max_timer_expires: 300,
    bits_per_uid: 96,
    default_file_timeout_interval: 120,
    default_file_bof_buffer_size: 4096,
    connection_status_update_interval: 0,
    tcp_content_deliver_all_orig: false,
    tcp_content_deliver_all_resp: false,
    udp_content_deliver_all_orig: false,
    udp_content_deliver_all_resp: false,
    tcp_content_delivery_ports_orig: new Set(),
    tcp_content_delivery_ports_resp: new Set(),
    udp_content_delivery_ports_orig: new Set(),
    udp_content_delivery_ports_resp: new Set(),
    udp_content_ports: new Set(),
    udp_content_delivery_ports_use_resp: false,
    likely_server_ports: new Set(),
    max_connections: 10_000_000,
    max_fragment_bytes: 64 * 1024 * 1024,
    snaplen: MAXIMUM_SNAPLEN,
    dpd_buffer_size: 1024,
    dpd_max_packets: 100,
    dpd_match_only_beginning: true,
    dpd_reassemble_first_packets: true,
    "DPD::ignore_violations_after": 10 * 1024,
    max_analyzer_violations: 1000,
    "DPD::ignore_violations": new Set(),
    // Zeek's default holds ANALYZER_TCPSTATS, an analyzer bronze does not have.
    "Analyzer::disabled_analyzers": new Set(["ANALYZER_TCPSTATS"]),
    "Analyzer::disable_all": false,
    dns_skip_all_auth: true,
    dns_skip_all_addl: true,
    dns_max_queries: 25,
    dns_max_compression_chain_depth: 20,
    "Site::local_zones": new Set(),
    skip_authentication: new Set(),
    direct_login_prompts: new Set(),
    login_prompts: new Set(),
    login_non_failure_msgs: new Set(),
    login_failure_msgs: new Set(),
    login_success_msgs: new Set(),
    login_timeouts: new Set(),
    "HTTP::log_client_header_names": true,
    "HTTP::log_server_header_names": false,
    "SSH::password_guesses_limit": 30,
    "SSH::guessing_timeout": 30 * 60,
    "Traceroute::require_low_ttl_packets": true,
    "Traceroute::icmp_time_exceeded_threshold": 3,
    "Traceroute::icmp_time_exceeded_interval": 3 * 60,
    "Analyzer::Logging::packet_segment_size": 255,
    "FTP::bruteforce_threshold": 20,
    "FTP::bruteforce_measurement_interval": 15 * 60,
    "HTTP::sqli_requests_threshold": 50,
    "HTTP::sqli_requests_interval": 5 * 60,
    "DPD::track_removed_services_in_connection": false,
    "Gnutella::max_line_length": 8192,
    "Gnutella::max_header_length": 32768,
    rpc_timeout: 24,
    rpc_max_pending_calls: 1000,
    "NFS3::return_data": false,
    "NFS3::return_data_max": 512,
    "NFS3::return_data_first_only": true,
    "Weird::weird_do_not_ignore_repeats": new Set(CHECKSUM_WEIRDS),
    "Weird::sampling_threshold": 25,
    "Weird::sampling_rate": 1000,
    "Weird::sampling_duration": 600,
    "Weird::sampling_whitelist": new Set(),
    "Weird::sampling_global_list": new Set(),
    "NCP::max_frame_size": 65536,
    "SSH::max_packet_length": 8 * 1024 * 1024,
    "SSH::max_string_length": 2 * 1024 * 1024,
    "SSH::max_kexinit_kex_algorithms": 100,
    "SSH::max_kexinit_hostkey_algorithms": 100,
    "SSH::max_kexinit_encryption_algorithms": 100,
    "SSH::max_kexinit_mac_algorithms": 100,
    "SSH::max_kexinit_compression_algorithms": 100,
    "SSH::max_kexinit_languages": 100,
    "SSH::disable_analyzer_after_detection": true,
    "SOCKS::default_capture_password": false,
    "FTP::default_capture_password": false,
    "FTP::logged_commands": new Set(["APPE", "DELE", "RETR", "STOR", "STOU", "ACCT", "PORT", "PASV", "EPRT", "EPSV"]),
    "FTP::max_pending_commands": 20,
    "FTP::max_user_length": 128,
    "FTP::max_password_length": 128,
    "FTP::max_arg_length": 4096,
    "FTP::max_reply_msg_length": 4096,
    "FTP::max_expected_data_channels": 100000,
    "DCE_RPC::max_cmd_reassembly": 20,
    "DCE_RPC::max_frag_data": 30000,
    "DHCP::max_uids_per_log_entry": 10,
    "DHCP::max_msg_types_per_log_entry": 50,
    "DHCP::max_tracked_transactions": 100000,
    "HTTP::default_capture_password": false,
    "SMB::logged_file_actions": new Set(["FILE_OPEN", "FILE_RENAME", "FILE_DELETE", "PRINT_OPEN", "PRINT_CLOSE"]),
    "SMB::ignored_command_statuses": new Set(["MORE_PROCESSING_REQUIRED"]),
    "SMB::max_pending_messages": 1000,
    "IRC::max_dcc_expected_transfers": 5000,
    "SMB::max_dce_rpc_analyzers": 1000,
    "SMB::enable_clear_script_state": true,
    "SSL::log_include_server_certificate_subject_issuer": false,
    "SSL::log_include_client_certificate_subject_issuer": false,
    "X509::relog_known_certificates_after": 86400,
    "X509::log_x509_in_files_log": false,
    "Log::default_max_field_string_bytes": ZEEK_LOG_LIMITS.maxFieldStringBytes,
    "Log::default_max_total_string_bytes": ZEEK_LOG_LIMITS.maxTotalStringBytes,
    "Log::default_max_field_container_elements": ZEEK_LOG_LIMITS.maxFieldContainerElements,
    "Log::default_max_total_container_elements": ZEEK_LOG_LIMITS.maxTotalContainerElements,
    "HTTP::default_max_field_string_bytes": 0,
    "X509::default_max_field_string_bytes": ZEEK_LOG_LIMITS.maxFieldStringBytes,
    "X509::default_max_field_container_elements": 500,
    "X509::default_max_total_container_elements": 1500,
    "SSL::disable_analyzer_after_detection": true,
    "SSL::max_ssl_history_length": 100,
    "SSL::notify_certs_expiration": "LOCAL_HOSTS",
    "SSL::notify_when_cert_expiring_in": 30 * 86400,
    "SSL::notify_weak_keys": "LOCAL_HOSTS",
    "SSL::notify_minimal_key_length": 2048,
    "SSL::notify_dh_length_shorter_cert_length": true,
    "SSL::ssl_cache_intermediate_ca": true,
    "SSL::ssl_store_valid_chain": false,
    "SSL::root_certs_file": "",
    "SSL::ct_logs_file": "",
    "SSL::keylog_file": "",
    "KRB::keytab": "",
    "Known::cert_tracking": "LOCAL_HOSTS",
    "Software::asset_tracking": "LOCAL_HOSTS",
    "Software::interesting_version_changes": new Set(),
    "Software::vulnerable_versions": new Map(),
    "SMTP::detect_clients_in_messages_from": "LOCAL_HOSTS",
    "Modbus::track_memmap": "ALL_HOSTS",
    site_local_nets: null,
    ignore_checksums_nets: null,
    "GridFTP::size_threshold": 1073741824,
    "GridFTP::max_time": 120,
    "GridFTP::skip_data": true,
    "Tunnel::delay_teredo_confirmation": true,
    "QUIC::max_history_length": 100,
    "QUIC::max_discarded_packet_events": 100,
    "Conn::default_extract": false,
    "Conn::extraction_prefix": "contents",
    "Conn::max_igmp_groups": 500,
    "Conn::max_igmp_sources_per_group": 500,
    "WeirdStats::weird_stat_interval": 900,
    "CaptureLoss::watch_interval": 900,
    "CaptureLoss::initial_watch_interval": 60,
    "CaptureLoss::too_much_loss": 0.1,
    "CaptureLoss::minimum_acks": 1,
    "Stats::report_interval": 300,
    "Known::host_tracking": "LOCAL_HOSTS",
    "Known::service_tracking": "LOCAL_HOSTS",
    "Known::service_udp_requires_response": true,
    "CommunityID::seed": 0,
    "CommunityID::do_base64": true,
    "Log::default_rotation_interval": 0,
    log_rotate_base_time: "0:00",
    "Log::default_rotation_postprocessor_cmd": "",
    "Intel::read_files": new Set(),
    "Intel::path_prefix": "",
    "InputAscii::path_prefix": "",
    "Intel::item_expiration": -60,
    "Intel::enable_x509_ext_subject_alternative_name": true,
    "Intel::manage_seen_event_groups": true,
    table_expire_interval: 10,
    "Redis::ports": new Set([6379]),
    "Redis::max_value_size": 250,
    "Redis::max_aggregate_elements": 20000,
    "Redis::max_pending_commands": 10000,
    "LDAP::max_pending_messages": 10,
    "LDAP::max_pending_searches": 10,
    "LDAP::default_capture_password": false,
    "LDAP::default_log_search_attributes": false,
    "Finger::max_line_length": 1024,
    "MQTT::max_payload_size": 100,
    "SIP::max_request_path_length": 100,
    "SIP::max_response_path_length": 100,
    mmdb_dir: "",
    mmdb_city_db: "GeoLite2-City.mmdb",
    mmdb_country_db: "GeoLite2-Country.mmdb",
    mmdb_asn_db: "GeoLite2-ASN.mmdb",
    mmdb_dir_fallbacks: ["/usr/share/GeoIP", "/var/lib/GeoIP", "/usr/local/share/GeoIP", "/usr/local/var/GeoIP"],
    mmdb_stale_check_interval: 300,
    "SSH::watched_countries": new Set(["RO"]),
    "Notice::lookup_location_types": new Set(),
    "ConnKey::factory": CONNKEY_FIVETUPLE,
    "ProtocolDetector::minimum_duration": 30,
    "ProtocolDetector::minimum_volume": 4e3,
    "ProtocolDetector::suppress_servers": new Set(),
    "ProtocolDetector::valids": new Map(),
    "X509::caching_required_encounters": 10,
    "X509::caching_required_encounters_interval": 62,
    "X509::certificate_cache_minimum_eviction_interval": 62,
    "X509::certificate_cache_max_entries": 10000,
    "SMTP::suspicious_origination_countries": new Set(),
    "SMTP::suspicious_origination_networks": null,
    "LoadedScripts::prefix": "/usr/local/zeek/share/zeek",
    "TeamCymruMalwareHashRegistry::notice_threshold": 10,
    "TeamCymruMalwareHashRegistry::match_sub_url": "https://www.virustotal.com/gui/search/%s",
    "NetControl::default_priority": 0,
    "NetControl::whitelist_priority": 5,
    // 10min, 1hr, 24hrs, 7days.
    "NetControl::catch_release_intervals": [600, 3600, 86400, 604800],
    "NetControl::watch_connections": true,
    "NetControl::catch_release_warn_blocked_ip_encountered": false,
    "PacketFilter::default_capture_filter": "ip or not ip",
    "PacketFilter::unrestricted_filter": "",
    "PacketFilter::restricted_filter": "",
    "PacketFilter::enable_auto_protocol_capture_filters": false,
    "EventMetadata::add_network_timestamp": false,
    "PacketFilter::max_filter_compile_time": 0.1,
    capture_filters: new Map(),
    restrict_filters: new Map(),
    "PacketFilter::max_bpf_shunts": 100,
    "SMTP::default_entity_excerpt_len": 0,
    "Notice::ignored_types": new Set(),
    "Notice::not_suppressed_types": new Set(),
    "Notice::alarmed_types": new Set(),
    "Notice::emailed_types": new Set(),
    "Notice::mail_dest": "",
    "Notice::mail_from": "Zeek <zeek@localhost>",
    "Notice::reply_to": "",
    "Notice::mail_subject_prefix": "[Zeek]",
    "Notice::sendmail": "/usr/sbin/sendmail",
    "Notice::max_email_delay": 15,
    "Notice::mail_page_dest": "",
    "Notice::pretty_print_alarms": true,
    "Notice::mail_dest_pretty_printed": "",
    "Notice::force_email_summaries": false,
    "Notice::flag_nets": null,
    "Site::local_admins": new Map(),
    "Notice::type_suppression_intervals": new Map(),
    "HTTP::upgrade_analyzers": new Map([["websocket", "WEBSOCKET"]]),
    "Log::default_logdir": "",
    "Log::default_rotation_dir": "",
    "Log::default_mail_alarms_interval": 0,
    "FilteredTraceDetection::enable": true,
    "NetControl::openflow_message_timeout": 20,
    "NetControl::openflow_flow_timeout": 24 * 3600,
    "Config::config_files": new Set(),
    "InputConfig::set_separator": ",",
    "InputConfig::empty_field": "",
    "InputAscii::separator": "\t",
    "InputAscii::set_separator": ",",
    "InputAscii::empty_field": "(empty)",
    "InputAscii::unset_field": "-",
    "InputAscii::fail_on_invalid_lines": false,
    "InputAscii::fail_on_file_problem": false,
    "Threading::heartbeat_interval": 1,
    "Telemetry::metrics_port": 0,
    "Telemetry::metrics_address": "",
    "Telemetry::metrics_endpoint_label": "node",
    "Telemetry::metrics_endpoint_name": "",
    "Telemetry::log_interval": 60,
    "Telemetry::log_prefixes": new Set(["process", "zeek"]),
    running_under_test: false,
    "InputBinary::chunk_size": 1024,
    "InputBinary::path_prefix": "",
    "InputRaw::record_separator": "\n",
    "Log::default_writer": "WRITER_ASCII",
    "LogSQLite::set_separator": ",",
    "LogSQLite::unset_field": "-",
    "LogSQLite::empty_field": "(empty)",
    "LogSQLite::synchronous": "SQLITE_SYNCHRONOUS_DEFAULT",
    "LogSQLite::journal_mode": "SQLITE_JOURNAL_MODE_DEFAULT",
    "InputSQLite::set_separator": ",",
    "InputSQLite::unset_field": "-",
    "InputSQLite::empty_field": "(empty)",
    "ConnThreshold::generic_packet_thresholds": new Set(),
    discarder_maxlen: 128,
    "Log::print_to_log": "REDIRECT_NONE",
    "Log::print_log_path": "print",
    "Log::max_log_record_size": ZEEK_MAX_LOG_RECORD_SIZE,
    "Log::default_rotation_postprocessor_cmd_env": new Map(),
    "Log::enable_local_logging": true,
    "FileExtract::prefix": "./extract_files/",
    "FileExtract::default_limit": 104857600,
    "FileExtract::default_limit_includes_missing": true,
    "PacketAnalyzer::SKIP::skip_bytes": 0,
    "Analyzer::requested_analyzers": new Set(),
    "Analyzer::DebugLogging::enable": true,
    "Analyzer::DebugLogging::failure_data_max_size": 40,
    "Analyzer::DebugLogging::ignore_analyzers": new Set(),
    "Analyzer::DebugLogging::include_confirmations": true,
    "Analyzer::DebugLogging::include_disabling": true,
    "Tunnel::max_depth": 4,
    "Log::default_max_delay_interval": DEFAULT_MAX_DELAY_INTERVAL,
    "Log::default_max_delay_queue_size": DEFAULT_MAX_DELAY_QUEUE_SIZE,
    "LogAscii::enable_leftover_log_rotation": false,
    "Log::default_rotation_date_format": DEFAULT_ROTATION_DATE_FORMAT,
    "SMTP::enable_rfc822_msg_file_analysis": false,
    "SMTP::max_invalid_mail_transactions": 25,
    "SMTP::max_rcptto_addresses": 1000,
    "SMTP::max_to_addresses": 1000,
    "SMTP::max_cc_addresses": 1000,
    "SMTP::max_path_length": 1000,
    "POP3::max_unknown_client_commands": 10,
    "WebSocket::max_control_frame_size": 125,
    "HTTP::max_files_orig": 15,
    "HTTP::max_files_resp": 15,
  };
}

/** How each setting is written and what it means (bronze --help lists them with their defaults). */
export const SETTING_DOCS: {
  readonly [K in keyof EngineSettings]: readonly [
    type:
      | "interval"
      | "count"
      | "int"
      | "double"
      | "bool"
      | "string"
      | "enum"
      | "set[port]"
      | "set[port/transport]"
      | "set[count]"
      | "set[subnet]"
      | "set[string]"
      | "set[enum]"
      | "table"
      | "vector[string]"
      | "vector[interval]"
      | "port",
    meaning: string,
  ];
} = {
  ignore_checksums: ["bool", "analyse packets with bad checksums (-C)"],
  tcp_SYN_timeout: ["interval", "an unanswered connection attempt is given up after this"],
  tcp_session_timer: ["interval", "how long after the handshake inactivity is checked"],
  tcp_connection_linger: ["interval", "state kept after both sides closed"],
  tcp_attempt_delay: ["interval", "wait before an unanswered SYN is a failed attempt"],
  tcp_close_delay: ["interval", "state kept after a normal close"],
  tcp_reset_delay: ["interval", "state kept after a RST"],
  tcp_partial_close_delay: ["interval", "state kept after one side closed"],
  tcp_inactivity_timeout: ["interval", "an idle TCP connection is removed after this"],
  udp_inactivity_timeout: ["interval", "an idle UDP flow is removed after this"],
  icmp_inactivity_timeout: ["interval", "an idle ICMP flow is removed after this"],
  unknown_ip_inactivity_timeout: ["interval", "an idle flow of another IP protocol is removed after this"],
  tcp_storm_thresh: ["count", "FINs/RSTs in a row that make a storm weird"],
  tcp_storm_interarrival_thresh: ["interval", "FINs/RSTs closer than this count towards a storm"],
  tcp_max_initial_window: ["count", "bytes sent before the first ACK that are still plausible"],
  tcp_max_above_hole_without_any_acks: ["count", "bytes above a hole, with no ACK, before reassembly gives up"],
  tcp_excessive_data_without_further_acks: ["count", "bytes without a new ACK before reassembly gives up"],
  tcp_max_old_segments: ["count", "old segments kept to detect inconsistent retransmissions (0: none)"],
  partial_connection_ok: ["bool", "track TCP connections seen without their start"],
  tcp_SYN_ack_ok: ["bool", "a SYN-ACK without a SYN starts a connection"],
  report_gaps_for_partial: ["bool", "raise content_gap for partial connections too"],
  detect_filtered_trace: ["bool", "guess that a trace was filtered to SYN/FIN/RST only: no content gaps for a connection with no data before its FIN/RST"],
  frag_timeout: ["interval", "an incomplete IP fragment set is dropped after this"],
  max_timer_expires: ["count", "timers expired per packet at most (0: all that are due)"],
  bits_per_uid: ["count", "bits of connection uids and file ids (at most 128): fewer bits, shorter uids (e.g. bits_per_uid=32)"],
  default_file_timeout_interval: ["interval", "an idle file (no data for it) times out after this"],
  default_file_bof_buffer_size: ["count", "a file's first bytes kept for MIME sniffing (file_sniff comes once they are in)"],
  connection_status_update_interval: ["interval", "how often connection_status_update fires (0: never)"],
  tcp_content_deliver_all_orig: ["bool", "deliver every originator TCP payload as tcp_contents"],
  tcp_content_deliver_all_resp: ["bool", "deliver every responder TCP payload as tcp_contents"],
  udp_content_deliver_all_orig: ["bool", "deliver every originator UDP payload as udp_contents"],
  udp_content_deliver_all_resp: ["bool", "deliver every responder UDP payload as udp_contents"],
  tcp_content_delivery_ports_orig: ["set[port]", "responder ports whose originator TCP payload is delivered"],
  tcp_content_delivery_ports_resp: ["set[port]", "responder ports whose responder TCP payload is delivered"],
  udp_content_delivery_ports_orig: ["set[port]", "responder ports whose originator UDP payload is delivered"],
  udp_content_delivery_ports_resp: ["set[port]", "responder ports whose responder UDP payload is delivered"],
  udp_content_ports: ["set[port]", "UDP ports (source or destination) whose payloads both ways are delivered"],
  udp_content_delivery_ports_use_resp: ["bool", "the delivery port tables name the responder port, not the packet's destination port"],
  likely_server_ports: ["set[port/transport]", "ports added to the likely server ports the analyzers register (e.g. likely_server_ports+={54790/udp})"],
  max_connections: ["count", "connections tracked at most; new ones past it are refused with a weird"],
  max_fragment_bytes: ["count", "bytes held by IP fragment reassembly at most"],
  snaplen: ["count", "with -i: bytes captured per packet"],
  dpd_buffer_size: ["count", "DPD: bytes of both sides together matched against the protocol signatures"],
  dpd_max_packets: ["count", "DPD: chunks (deliveries, gaps, datagrams) buffered at most"],
  dpd_match_only_beginning: ["bool", "DPD: stop matching once the buffer is full"],
  dpd_reassemble_first_packets: ["bool", "reassemble every TCP connection from its start (F: from an analyzer's start; new_connection_contents then)"],
  "DPD::ignore_violations_after": ["count", "a violation past this many bytes no longer disables the analyzer (0: always disables)"],
  max_analyzer_violations: ["count", "violations an analyzer reports before one too_many_analyzer_violations weird silences it"],
  dns_skip_all_auth: ["bool", "DNS: no events for the authority section of replies (auth-addl sets F)"],
  dns_skip_all_addl: ["bool", "DNS: no events for the additional section of replies (auth-addl sets F)"],
  dns_max_queries: ["count", "DNS: more questions in a message than this is a violation with a weird (0: no limit)"],
  dns_max_compression_chain_depth: ["count", "DNS: compression pointers followed in one name at most, past it a weird"],
  "Site::local_zones": ["set[string]", 'DNS zones considered local (e.g. {"example.com"}; protocols/dns/detect-external-names)'],
  skip_authentication: ["set[string]", "login analyzers: server lines (regular expressions) that end the analysis (empty: every line matches, as Zeek)"],
  direct_login_prompts: ["set[string]", "login analyzers: prompts that mean the user is logged in (empty: every line matches)"],
  login_prompts: ["set[string]", 'login analyzers: login prompts, e.g. {"login:", "Username:"} (empty: every line matches)'],
  login_non_failure_msgs: ["set[string]", "login analyzers: lines that are no failure though login_failure_msgs match (empty: every line matches)"],
  login_failure_msgs: ["set[string]", "login analyzers: failed-login messages (empty: every line matches)"],
  login_success_msgs: ["set[string]", "login analyzers: successful-login messages (empty: every line matches)"],
  login_timeouts: ["set[string]", "login analyzers: timeout messages (empty: every line matches)"],
  "HTTP::log_client_header_names": ["bool", "protocols/http/header-names: log the request's header names"],
  "HTTP::log_server_header_names": ["bool", "protocols/http/header-names: log the reply's header names"],
  "SSH::password_guesses_limit": ["double", "protocols/ssh/detect-bruteforcing: failed logins that make a host a password guesser"],
  "SSH::guessing_timeout": ["interval", "protocols/ssh/detect-bruteforcing: its measurement interval"],
  "Traceroute::require_low_ttl_packets": ["bool", "misc/detect-traceroute: only sources that sent packets with TTL < 10 count"],
  "Traceroute::icmp_time_exceeded_threshold": ["double", "misc/detect-traceroute: distinct routers answering time-exceeded that make a traceroute"],
  "Traceroute::icmp_time_exceeded_interval": ["interval", "misc/detect-traceroute: its measurement interval"],
  "Analyzer::Logging::packet_segment_size": ["count", "frameworks/analyzer/packet-segment-logging: bytes of the packet in analyzer.log's packet_segment"],
  "FTP::bruteforce_threshold": ["double", "protocols/ftp/detect-bruteforcing: failed logins that raise FTP::Bruteforcing"],
  "FTP::bruteforce_measurement_interval": ["interval", "protocols/ftp/detect-bruteforcing: its measurement interval"],
  "HTTP::sqli_requests_threshold": ["double", "protocols/http/detect-sql-injection: injection requests that raise a notice"],
  "HTTP::sqli_requests_interval": ["interval", "protocols/http/detect-sql-injection: its measurement interval"],
  "DPD::ignore_violations": ["set[enum]", "analyzers a violation never disables (e.g. DPD::ignore_violations+={Analyzer::ANALYZER_SMB})"],
  "Analyzer::disable_all": ["bool", "every analyzer disabled at start-up; a script enables the ones it wants (Zeek's btest analyzer/enable-analyzer)"],
  "Analyzer::disabled_analyzers": [
    "set[enum]",
    "analyzers never started, by port, detection or another analyzer, packet analyzers switched off and file analyzers never added (e.g. Analyzer::disabled_analyzers+={Analyzer::ANALYZER_SSL, PacketAnalyzer::ANALYZER_VXLAN, Files::ANALYZER_PE})",
  ],
  "DPD::track_removed_services_in_connection": ["bool", "a failed analyzer stays in conn.log's service, followed by -NAME (ftp,-ftp)"],
  "Gnutella::max_line_length": ["count", "Gnutella handshake lines reaching this length stop the line reading, with a weird (0: no bound)"],
  "Gnutella::max_header_length": ["count", "Gnutella handshake headers reaching this length stop there, with a weird (0: no bound)"],
  rpc_timeout: ["interval", "an RPC analyzer's UDP flow is removed this long after it started"],
  rpc_max_pending_calls: ["count", "RPC calls waiting for a reply beyond this are all dropped, with a weird (0: no bound)"],
  "NFS3::return_data": ["bool", "NFS READ and WRITE events carry the file data"],
  "NFS3::return_data_max": ["count", "NFS: at most this many bytes of file data in an event"],
  "NFS3::return_data_first_only": ["bool", "NFS: file data only at offset 0"],
  "Weird::weird_do_not_ignore_repeats": [
    "set[string]",
    'weirds logged at every report, not once (e.g. Weird::weird_do_not_ignore_repeats+={"RPC_pending_calls_discarded"})',
  ],
  "Weird::sampling_threshold": ["count", "the weird events of a name (per connection, address pair, or for none) raised before sampling starts"],
  "Weird::sampling_rate": ["count", "past the threshold, one weird event in this many is raised (0: none)"],
  "Weird::sampling_duration": ["interval", "the weird sampling's counts start again after this"],
  "Weird::sampling_whitelist": ["set[string]", 'weird names never sampled (e.g. Weird::sampling_whitelist+={"bad_TCP_checksum"})'],
  "Weird::sampling_global_list": ["set[string]", "weird names sampled by their count over the whole run, not per connection or address pair"],
  "NCP::max_frame_size": ["count", "NCP frames longer than this are not buffered: a weird, and the side resynchronizes"],
  "SSH::max_packet_length": ["count", "SSH packet lengths above this are capped, with a weird (0: no cap)"],
  "SSH::max_string_length": ["count", "SSH string lengths above this are capped, with a weird (0: no cap)"],
  "SSH::max_kexinit_kex_algorithms": ["count", "key-exchange names kept from a KEXINIT (0: all)"],
  "SSH::max_kexinit_hostkey_algorithms": ["count", "host-key names kept from a KEXINIT (0: all)"],
  "SSH::max_kexinit_encryption_algorithms": ["count", "cipher names kept from a KEXINIT (0: all)"],
  "SSH::max_kexinit_mac_algorithms": ["count", "MAC names kept from a KEXINIT (0: all)"],
  "SSH::max_kexinit_compression_algorithms": ["count", "compression names kept from a KEXINIT (0: all)"],
  "SSH::max_kexinit_languages": ["count", "language names kept from a KEXINIT (0: all)"],
  "SSH::disable_analyzer_after_detection": ["bool", "remove the SSH analyzer once authentication succeeded"],
  "SOCKS::default_capture_password": ["bool", "log the SOCKS5 username/password authentication's password"],
  "FTP::default_capture_password": ["bool", "log FTP passwords as sent (F: <hidden>, but for anonymous and ftp logins)"],
  "FTP::logged_commands": ["set[string]", 'the FTP commands that write an ftp.log row (e.g. FTP::logged_commands+={"USER", "PASS"})'],
  "FTP::max_pending_commands": ["count", "FTP commands kept waiting for their replies (one more is a weird and is dropped)"],
  "FTP::max_user_length": ["count", "bytes of an FTP USER argument kept (longer: a weird, cut)"],
  "FTP::max_password_length": ["count", "bytes of an FTP PASS argument kept (longer: a weird, cut)"],
  "FTP::max_arg_length": ["count", "bytes of ftp.log's arg column (longer: a weird, cut)"],
  "FTP::max_reply_msg_length": ["count", "bytes of ftp.log's reply_msg column (longer: a weird, cut)"],
  "FTP::max_expected_data_channels": ["count", "FTP data channels expected at once (one more: a weird, not expected; 0: no limit)"],
  "DCE_RPC::max_cmd_reassembly": ["count", "fragmented DCE-RPC calls a side gathers at once (one more: a weird, parsing stops)"],
  "DCE_RPC::max_frag_data": ["count", "bytes gathered for one fragmented DCE-RPC call (more: a weird, parsing stops)"],
  "DHCP::max_uids_per_log_entry": ["count", "uids a dhcp.log row gathers before it is written"],
  "DHCP::max_msg_types_per_log_entry": ["count", "message types a dhcp.log row gathers before it is written"],
  "DHCP::max_tracked_transactions": ["count", "DHCP exchanges tracked at once; a new one past it writes the oldest's row, with a weird (0: no bound)"],
  "HTTP::default_capture_password": ["bool", "log the HTTP Basic authentication password in http.log"],
  "SMB::logged_file_actions": ["set[enum]", "the SMB file actions that write an smb_files.log row (e.g. SMB::logged_file_actions+={SMB::FILE_READ})"],
  "SMB::ignored_command_statuses": [
    "set[string]",
    'log-cmds: response statuses whose commands smb_cmd.log leaves out (e.g. SMB::ignored_command_statuses+={"PENDING"})',
  ],
  "SMB::max_pending_messages": [
    "count",
    "SMB2: unanswered requests remembered per kind; one more forgets them, with smb2_discarded_messages_state (0: no bound)",
  ],
  "IRC::max_dcc_expected_transfers": ["count", "IRC: DCC transfers expected at once; one more is not, with a weird (0: no bound)"],
  "SMB::max_dce_rpc_analyzers": ["count", "SMB: DCE-RPC pipe analyzers per connection; one more discards them all, with a weird (0: no bound)"],
  "SMB::enable_clear_script_state": ["bool", "SMB2: when the analyzer discards pending messages, the script forgets its files and pending commands too"],
  "SSL::log_include_server_certificate_subject_issuer": ["bool", "ssl.log's subject and issuer columns (the server certificate's)"],
  "SSL::log_include_client_certificate_subject_issuer": ["bool", "ssl.log's client_subject and client_issuer columns"],
  "SSL::disable_analyzer_after_detection": ["bool", "stop analysing an SSL session once it is established (F: see its encrypted records)"],
  "SSL::max_ssl_history_length": ["count", "ssl.log: history letters kept at most (SSL_max_ssl_history_length_reached when reached)"],
  "SSL::notify_certs_expiration": ["enum", "expiring-certs: whose certificates are checked (LOCAL_HOSTS, REMOTE_HOSTS, ALL_HOSTS, NO_HOSTS)"],
  "SSL::notify_when_cert_expiring_in": ["interval", "expiring-certs: a certificate expiring within this is a notice"],
  "SSL::notify_weak_keys": ["enum", "weak-keys: whose keys, versions and ciphers are checked (LOCAL_HOSTS, …)"],
  "SSL::notify_minimal_key_length": ["count", "weak-keys: RSA/DSA and DH keys shorter than this (bits) are weak"],
  "SSL::notify_dh_length_shorter_cert_length": ["bool", "weak-keys: a DH prime shorter than the certificate's key is a notice"],
  "SSL::ssl_cache_intermediate_ca": ["bool", "validate-certs: keep validated chains' intermediates to complete later chains missing them"],
  "SSL::ssl_store_valid_chain": ["bool", "validate-certs: keep each session's verified chain, leaf to root (c$ssl$valid_chain; validate-sct sets it)"],
  "SSL::root_certs_file": [
    "string",
    "validate-certs: a PEM bundle of root certificates used instead of Node's bundled Mozilla roots (bronze's own; Zeek redefs SSL::root_certs)",
  ],
  "SSL::ct_logs_file": [
    "string",
    "validate-sct: a file of Certificate Transparency logs written as Zeek redefs SSL::ct_logs ([\"<id>\"] = SSL::CTInfo(...)), added to Zeek's list (bronze's own)",
  ],
  "KRB::keytab": [
    "string",
    "a keytab file whose keys decrypt the tickets of AP-REQs read by the KRB analyzer (ticket$authenticationinfo: the client principal); unreadable: a warning",
  ],
  "SSL::keylog_file": [
    "string",
    'decryption: a key log (Zeek\'s input format with client_random and secret, or an NSS SSLKEYLOGFILE) whose secrets decrypt TLS 1.2 sessions ("": $ZEEK_TLS_KEYLOG_FILE)',
  ],
  "X509::relog_known_certificates_after": ["interval", "a certificate logged less than this ago is not logged again (0: always logged)"],
  "X509::log_x509_in_files_log": ["bool", "certificates (files with the X509 analyzer) get files.log rows too, not only x509.log ones"],
  "Log::default_max_field_string_bytes": ["count", "a log's string column is cut to this many bytes, with a log_string_field_truncated weird (0: no bound)"],
  "Log::default_max_total_string_bytes": ["count", "all strings of one log record together are cut to this many bytes (0: no bound)"],
  "Log::default_max_field_container_elements": [
    "count",
    "a log's set or vector column is cut to this many elements, with a log_container_field_truncated weird (0: no bound)",
  ],
  "Log::default_max_total_container_elements": ["count", "all set and vector elements of one log record together (0: no bound)"],
  "HTTP::default_max_field_string_bytes": ["count", "http.log's bound on a string column (0: none, Zeek's default)"],
  "X509::default_max_field_string_bytes": ["count", "x509.log's bound on a string column"],
  "X509::default_max_field_container_elements": ["count", "x509.log's bound on a list column"],
  "X509::default_max_total_container_elements": ["count", "x509.log's bound on all list elements of a record"],
  "Known::cert_tracking": ["enum", "known-certs: whose certificates known_certs.log tracks (LOCAL_HOSTS, REMOTE_HOSTS, ALL_HOSTS, NO_HOSTS)"],
  "Software::asset_tracking": ["enum", "software.log: whose software is tracked (LOCAL_HOSTS, REMOTE_HOSTS, ALL_HOSTS, NO_HOSTS)"],
  "Software::interesting_version_changes": [
    "set[string]",
    'version-changes: software names whose new versions are notices (e.g. Software::interesting_version_changes+={"OpenSSH"})',
  ],
  "Software::vulnerable_versions": [
    "table",
    'vulnerable: software versions that are notices (e.g. Software::vulnerable_versions+={["Java"]=set("max=1.6.0.43", "min=1.7 max=1.7.0.20")})',
  ],
  "SMTP::detect_clients_in_messages_from": ["enum", "smtp/software: the senders whose mail's user agents are software (LOCAL_HOSTS, …)"],
  "Modbus::track_memmap": ["enum", "modbus/track-memmap: the slaves whose holding registers' changes are logged (ALL_HOSTS, …)"],
  site_local_nets: ["set[subnet]", "Site::local_nets: the local networks of conn.log's local_orig/local_resp (default: private address space)"],
  ignore_checksums_nets: ["set[subnet]", "packets from these networks skip checksum validation (IP, TCP, UDP, ICMP)"],
  "GridFTP::size_threshold": ["count", "bytes a side of a mutually authenticated NULL-cipher SSL connection sends before it is a GridFTP data channel"],
  "GridFTP::max_time": ["interval", "how long after the SSL handshake that size is waited for"],
  "GridFTP::skip_data": ["bool", "stop analysing a GridFTP data channel once found"],
  "Tunnel::delay_teredo_confirmation": ["bool", "Teredo is confirmed once both sides sent valid packets (F: at the first)"],
  "QUIC::max_history_length": ["count", "quic.log: history letters kept at most (QUIC_max_history_length_reached when reached)"],
  "QUIC::max_discarded_packet_events": ["int", "QUIC::discarded_packet events per connection at most (0: no limit, -1: none)"],
  "Conn::default_extract": ["bool", "write every TCP connection's streams to PREFIX_ORIG:PORT-RESP:PORT_orig.dat and _resp.dat once established"],
  "Conn::extraction_prefix": ["string", "the start of the names of the files Conn::default_extract writes"],
  "Conn::max_igmp_groups": ["count", "multicast-participants: IGMP groups tracked at most; past it a weird (0: no limit)"],
  "Conn::max_igmp_sources_per_group": ["count", "multicast-participants: members tracked per IGMP group at most; past it a weird (0: no limit)"],
  "WeirdStats::weird_stat_interval": ["interval", "misc/weird-stats: how often weird_stats.log counts the weirds"],
  "CaptureLoss::watch_interval": ["interval", "misc/capture-loss: time between capture_loss.log measurements after the first"],
  "CaptureLoss::initial_watch_interval": ["interval", "misc/capture-loss: time from the start to the first measurement"],
  "CaptureLoss::too_much_loss": ["double", "misc/capture-loss: fraction of ACKs above a gap (0-1) that raises CaptureLoss::Too_Much_Loss"],
  "CaptureLoss::minimum_acks": ["count", "misc/capture-loss: fewer ACKs per interval raise CaptureLoss::Too_Little_Traffic"],
  "Stats::report_interval": ["interval", "misc/stats: time between stats.log lines"],
  "Known::host_tracking": ["enum", "known-hosts: the hosts known_hosts.log lists (LOCAL_HOSTS, REMOTE_HOSTS, ALL_HOSTS, NO_HOSTS)"],
  "Known::service_tracking": ["enum", "known-services: the hosts whose services known_services.log lists (as Known::host_tracking)"],
  "Known::service_udp_requires_response": ["bool", "known-services: a UDP service counts only once its server answered"],
  "CommunityID::seed": ["count", "Community ID (community-id-logging): the hash's 16-bit seed"],
  "CommunityID::do_base64": ["bool", "Community ID: base64 of the SHA-1 digest (F: hex)"],
  "Log::default_rotation_interval": ["interval", "close and rename every log this often, by network time (0: never)"],
  log_rotate_base_time: ["string", "time of day (H:MM, local) rotations are aligned to"],
  "Log::default_rotation_postprocessor_cmd": ["string", "shell command run on each rotated log (with its name, path, times)"],
  "Intel::read_files": ["set[string]", 'intel files loaded before the run (e.g. Intel::read_files+={"/etc/intel/bad-hosts.dat"})'],
  "Intel::path_prefix": ["string", "directory put in front of relative Intel::read_files entries"],
  "InputAscii::path_prefix": ["string", "directory put in front of input files' paths still relative (intel files: after Intel::path_prefix)"],
  "Intel::item_expiration": ["interval", "intel items expire this long after their last insertion (negative: never; do_expire: 10min)"],
  "Intel::enable_x509_ext_subject_alternative_name": ["bool", "intel seen/x509: certificates' SAN DNS names are seen as Intel::DOMAIN"],
  "Intel::manage_seen_event_groups": ["bool", "intel seen/manage-event-groups: a type's seen checks run only while an indicator of it is loaded"],
  table_expire_interval: ["interval", "how often expired entries are looked for (in bronze: the Intel framework's items, Intel::item_expiration)"],
  "Redis::ports": ["set[port]", "the ports the Redis analyzer is registered for (with --spicy or base/protocols/redis named)"],
  "Redis::max_value_size": ["count", "Redis: characters kept of each command word and reply in the events and redis.log (0: 1 MiB)"],
  "Redis::max_aggregate_elements": ["count", "Redis: children of one RESP aggregate at most, past it a parse error (0: no limit)"],
  "Redis::max_pending_commands": ["count", "Redis: commands awaiting replies at most, past it Redis_excessive_pipelining (0: no limit)"],
  "LDAP::max_pending_messages": ["count", "ldap.log: unanswered messages kept per connection; one more writes them, with a weird (0: no bound)"],
  "LDAP::max_pending_searches": ["count", "ldap_search.log: unfinished searches kept per connection; one more writes them, with a weird (0: no bound)"],
  "LDAP::default_capture_password": ["bool", "ldap.log shows simple binds' passwords (else REDACTED)"],
  "LDAP::default_log_search_attributes": ["bool", "ldap_search.log lists the attributes each search asks for"],
  "Finger::max_line_length": ["count", "Finger (Spicy, --spicy): a request or reply line longer than this is a violation (0: 1 MiB)"],
  "MQTT::max_payload_size": ["count", "MQTT: bytes of a publish's payload that mqtt_publish carries (the whole length beside)"],
  "SIP::max_request_path_length": ["count", "sip.log: Via headers kept in a request's path, past it a weird each (0: no bound)"],
  "SIP::max_response_path_length": ["count", "sip.log: Via headers kept in a response's path, past it a weird each (0: no bound)"],
  mmdb_dir: ["string", "GeoIP: the directory of the MaxMind DB files (lookup_location, protocols/ssh/geo-data)"],
  mmdb_city_db: ["string", "GeoIP: the City database's file name (the Country one is used when it is missing)"],
  mmdb_country_db: ["string", "GeoIP: the Country database's file name"],
  mmdb_asn_db: ["string", "GeoIP: the ASN database's file name (lookup_autonomous_system)"],
  mmdb_dir_fallbacks: ["vector[string]", 'GeoIP: directories tried when mmdb_dir lacks a database (e.g. mmdb_dir_fallbacks=vector("/opt/geoip"))'],
  mmdb_stale_check_interval: ["interval", "GeoIP: how often an open database file is checked for replacement (negative: never)"],
  "SSH::watched_countries": ["set[string]", 'protocols/ssh/geo-data: countries whose SSH logins are notices (e.g. SSH::watched_countries+={"KP"})'],
  "Notice::lookup_location_types": [
    "set[enum]",
    "notice types whose notices get notice.log's remote_location (e.g. Notice::lookup_location_types={SSH::Watched_Country_Login})",
  ],
  "ConnKey::factory": ["enum", "connections keyed by five-tuple, or with ConnKey::CONNKEY_VLAN_FIVETUPLE also by their VLAN tags (no log columns)"],
  "ProtocolDetector::minimum_duration": ["interval", "frameworks/analyzer/detect-protocols: an analyzer still running this long after the start is reported"],
  "ProtocolDetector::minimum_volume": ["double", "detect-protocols: … or once the connection carried this many bytes"],
  "ProtocolDetector::suppress_servers": ["set[enum]", "detect-protocols: analyzers whose servers raise no Server_Found (e.g. {Analyzer::ANALYZER_HTTP})"],
  "ProtocolDetector::valids": [
    "table",
    "detect-protocols: protocols uninteresting on a port (e.g. {[Analyzer::ANALYZER_HTTP, 0.0.0.0, 81/tcp]=ProtocolDetector::OUTGOING}; 0.0.0.0: any server)",
  ],
  "X509::caching_required_encounters": ["count", "x509 certificate event cache: sightings within the interval before a certificate is cached (0: never)"],
  "X509::caching_required_encounters_interval": ["interval", "x509 certificate event cache: the span those sightings must fall in"],
  "X509::certificate_cache_minimum_eviction_interval": ["interval", "x509 certificate event cache: an entry unused this long may be evicted"],
  "X509::certificate_cache_max_entries": ["count", "x509 certificate event cache: entries at most"],
  "SMTP::suspicious_origination_countries": [
    "set[string]",
    'protocols/smtp/detect-suspicious-orig: countries mail from which is a notice (e.g. SMTP::suspicious_origination_countries={"KP"}; GeoIP)',
  ],
  "SMTP::suspicious_origination_networks": [
    "set[subnet]",
    "protocols/smtp/detect-suspicious-orig: networks mail from which is a notice (e.g. SMTP::suspicious_origination_networks={128.3.0.0/16})",
  ],
  "LoadedScripts::prefix": [
    "string",
    "misc/loaded-scripts: the directory loaded_scripts.log names Zeek's scripts under, Zeek's share/zeek (bronze's own; Zeek writes where it found them)",
  ],
  "TeamCymruMalwareHashRegistry::notice_threshold": [
    "count",
    "frameworks/files/detect-MHR: the least detection rate (per cent) in Team Cymru's registry that is a notice",
  ],
  "TeamCymruMalwareHashRegistry::match_sub_url": ["string", "detect-MHR: the Match notice's sub, a URL about the file (%s: its SHA-1)"],
  "NetControl::default_priority": ["int", "NetControl: the priority of rules that do not give one"],
  "NetControl::whitelist_priority": ["int", "NetControl: the priority of whitelist_address and whitelist_subnet rules"],
  "NetControl::catch_release_intervals": [
    "vector[interval]",
    "catch-and-release: block durations, one per reblock, the last repeating (e.g. NetControl::catch_release_intervals=vector(1min, 1hr))",
  ],
  "NetControl::watch_connections": ["bool", "catch-and-release: a blocked address's new connections count as it being seen again"],
  "NetControl::catch_release_warn_blocked_ip_encountered": [
    "bool",
    "catch-and-release: a row in netcontrol_catch_release.log when an address is seen while its block is in place",
  ],
  "PacketFilter::default_capture_filter": ["string", "packet-filter: the capture filter when capture_filters is empty (packet_filter.log)"],
  "PacketFilter::unrestricted_filter": ["string", "packet-filter: or'ed in front of the filter the framework builds"],
  "PacketFilter::restricted_filter": ["string", 'packet-filter: and\'ed in front of the filter the framework builds (e.g. "vlan")'],
  "PacketFilter::enable_auto_protocol_capture_filters": ["bool", "packet-filter: capture only the analyzers' registered ports"],
  "EventMetadata::add_network_timestamp": ["bool", "each event carries the network time it was queued at (current_event_time(), EventMetadata::current)"],
  "PacketFilter::max_filter_compile_time": ["interval", "packet-filter: a filter compiling longer is a Too_Long_To_Compile_Filter notice"],
  capture_filters: ["table", 'packet-filter: capture filters or\'ed together (e.g. capture_filters={["http"]="port 80", ["dns"]="port 53"})'],
  restrict_filters: ["table", 'packet-filter: restrict filters and\'ed together (e.g. restrict_filters={["no-ssh"]="not port 22"})'],
  "PacketFilter::max_bpf_shunts": ["count", "frameworks/packet-filter/shunt: shunts in place at most (No_More_Conn_Shunts_Available)"],
  "SMTP::default_entity_excerpt_len": [
    "count",
    "protocols/smtp/entities-excerpt: an SMTP entity's excerpt, its first bytes up to this many (0: none; at most default_file_bof_buffer_size)",
  ],
  "Notice::ignored_types": ["set[enum]", "notice types the notice policy drops: not logged, no action (e.g. Notice::ignored_types={Weird::Activity})"],
  "Notice::not_suppressed_types": ["set[enum]", "notice types never suppressed (suppress_for 0)"],
  "Notice::alarmed_types": ["set[enum]", "notice types with Notice::ACTION_ALARM: notice_alarm.log and the alarm summary"],
  "Notice::emailed_types": ["set[enum]", "notice types with Notice::ACTION_EMAIL: mailed to Notice::mail_dest (not when reading a trace)"],
  "Notice::mail_dest": ["string", 'where Notice::ACTION_EMAIL\'s notices are mailed ("": nowhere)'],
  "Notice::mail_from": ["string", "the From header of notice mail"],
  "Notice::reply_to": ["string", 'the Reply-To header of notice mail ("": none)'],
  "Notice::mail_subject_prefix": ["string", "what a notice mail's Subject starts with"],
  "Notice::sendmail": ["string", "the mail program, run by /bin/sh with -t -oi and the message on its standard input"],
  "Notice::max_email_delay": ["interval", "how long scripts' delay tokens may hold a notice mail back"],
  "Notice::mail_page_dest": ["string", "where Notice::ACTION_PAGE's notices are mailed"],
  "Notice::pretty_print_alarms": ["bool", "alarm-mail.txt, the pretty-printed alarms, when live with a mail destination"],
  "Notice::mail_dest_pretty_printed": ["string", 'where the alarm summary is meant for ("": Notice::mail_dest)'],
  "Notice::force_email_summaries": ["bool", "alarm-mail.txt even when reading a trace or without a mail destination"],
  "Notice::flag_nets": ["set[subnet]", "alarms involving these networks get a second > in alarm-mail.txt"],
  "Site::local_admins": [
    "table",
    'who administers which network, for Notice::ACTION_EMAIL_ADMIN (e.g. Site::local_admins={[10.0.0.0/8]=set("ops@example.net")})',
  ],
  "Notice::type_suppression_intervals": [
    "table",
    "how long notices of a type are suppressed after one is raised (e.g. Notice::type_suppression_intervals={[Scan::Port_Scan]=1day})",
  ],
  "HTTP::upgrade_analyzers": [
    "table",
    'the analyzer an HTTP Upgrade to a protocol hands the connection to (e.g. HTTP::upgrade_analyzers+={["tcp"]=Analyzer::ANALYZER_STREAM_EVENT})',
  ],
  "Log::default_logdir": ["string", 'where the logs are written when --logdir is not given ("": the current directory)'],
  "Log::default_rotation_dir": ["string", 'where rotated logs are moved, made when first needed ("": beside the logs; relative to the log directory)'],
  "Log::default_mail_alarms_interval": ["interval", "pp-alarms: close and mail the alarm summary (alarm-mail.txt) this often (0: never)"],
  "FilteredTraceDetection::enable": ["bool", "warn when a trace holds only TCP control packets (SYN/FIN/RST-filtered: see detect_filtered_trace)"],
  "NetControl::openflow_message_timeout": ["interval", "NetControl's OpenFlow plugin: a flow mod unanswered this long fails its rule"],
  "NetControl::openflow_flow_timeout": ["interval", "NetControl's OpenFlow plugin: how long an installed flow is remembered for its removal report"],
  "Config::config_files": [
    "set[string]",
    'config files of `name value` lines setting options at start-up, re-read when changed with -i (e.g. Config::config_files+={"/etc/bronze/site.cfg"})',
  ],
  "InputConfig::set_separator": ["string", "config files: the separator of set and vector elements"],
  "InputConfig::empty_field": ["string", 'config files: a value meaning the empty set or vector besides the empty text (e.g. "(empty)")'],
  "InputAscii::separator": ["string", "input files (Input::READER_ASCII): the column separator"],
  "InputAscii::set_separator": ["string", "input files: the separator of set and vector elements"],
  "InputAscii::empty_field": ["string", "input files: the text of an empty set or vector"],
  "InputAscii::unset_field": ["string", "input files: the text of an unset field"],
  "InputAscii::fail_on_invalid_lines": ["bool", "input files: a line with too few columns stops the stream (else it is skipped with a warning)"],
  "InputAscii::fail_on_file_problem": [
    "bool",
    "input files: a file that cannot be opened or lacks a column stops the stream (else a warning, and it is tried again)",
  ],
  "Threading::heartbeat_interval": ["interval", "how often input streams in REREAD and STREAM modes look at their files"],
  "Telemetry::metrics_port": ["port", "serve Prometheus metrics on this port while running, e.g. 9911/tcp (0/unknown: not)"],
  "Telemetry::metrics_address": ["string", 'the metrics endpoint\'s address ("": $ZEEK_DEFAULT_LISTEN_ADDRESS, else 0.0.0.0)'],
  "Telemetry::metrics_endpoint_label": ["string", "label naming the node on every metric (with metrics_endpoint_name)"],
  "Telemetry::metrics_endpoint_name": ["string", 'the node\'s name in that label ("": no label)'],
  "Telemetry::log_interval": ["interval", "frameworks/telemetry/log: time between telemetry.log reports"],
  "Telemetry::log_prefixes": ["set[string]", "frameworks/telemetry/log: metric prefixes logged (empty: all)"],
  running_under_test: ["bool", "collected metrics in the fixed order Zeek's btests expect"],
  "InputBinary::chunk_size": ["count", "files read for file analysis (Input::READER_BINARY): bytes handed over at a time"],
  "InputBinary::path_prefix": ["string", "binary input reader: directory put in front of input files' paths still relative"],
  "InputRaw::record_separator": ["string", 'raw input reader: what ends a record (e.g. InputRaw::record_separator="\\x00")'],
  "Log::default_writer": [
    "enum",
    "the writer of logs whose filter names none: Log::WRITER_ASCII, Log::WRITER_SQLITE (PATH.sqlite databases, docs/logs.md), or Log::WRITER_NONE (no output)",
  ],
  "LogSQLite::set_separator": ["string", "SQLite logs: the separator of set and vector elements"],
  "LogSQLite::unset_field": ["string", "SQLite logs: the text of an unset set or vector element (an unset column is NULL)"],
  "LogSQLite::empty_field": ["string", "SQLite logs: the text of an empty set or vector"],
  "LogSQLite::synchronous": ["enum", "SQLite logs: PRAGMA synchronous (LogSQLite::SQLITE_SYNCHRONOUS_OFF, NORMAL, FULL, EXTRA; DEFAULT: SQLite's)"],
  "LogSQLite::journal_mode": [
    "enum",
    "SQLite logs: PRAGMA journal_mode (LogSQLite::SQLITE_JOURNAL_MODE_DELETE, TRUNCATE, PERSIST, MEMORY, WAL, OFF; DEFAULT: SQLite's)",
  ],
  "InputSQLite::set_separator": ["string", "SQLite input (Input::READER_SQLITE): the separator of set and vector elements (see docs/input.md)"],
  "InputSQLite::unset_field": ["string", "SQLite input: the text of an unset set or vector"],
  "InputSQLite::empty_field": ["string", "SQLite input: the text of an empty set or vector"],
  "ConnThreshold::generic_packet_thresholds": [
    "set[count]",
    "packets (both directions together) at which conn_generic_packet_threshold_crossed fires, e.g. ConnThreshold::generic_packet_thresholds={5}",
  ],
  discarder_maxlen: ["count", "payload bytes given to a TCP or UDP discarder at most (Engine.setDiscarders)"],
  "Log::print_to_log": [
    "enum",
    "scripts' prints as print.log rows: Log::REDIRECT_STDOUT (those to standard output), Log::REDIRECT_ALL (those to files too), Log::REDIRECT_NONE",
  ],
  "Log::print_log_path": ["string", "the path of the log Log::print_to_log writes"],
  "Log::max_log_record_size": ["count", "bytes a log record may hold at most (Zeek's count): a larger one is dropped, weird log_record_too_large"],
  "Log::default_rotation_postprocessor_cmd_env": [
    "table",
    'environment of the rotation postprocessor command, names prefixed ZEEK_ARG_ (e.g. Log::default_rotation_postprocessor_cmd_env={["SITE"]="hq"})',
  ],
  "Log::enable_local_logging": ["bool", "F: no log is written at all (records are still checked and counted)"],
  "FileExtract::prefix": ["string", "the directory extracted files are written to (files.log's extracted names the file in it)"],
  "FileExtract::default_limit": ["count", "an extracted file's bytes at most (0: no limit); file_extraction_limit when reached"],
  "FileExtract::default_limit_includes_missing": ["bool", "the holes of an extracted file count against its limit (F: only the bytes written)"],
  "PacketAnalyzer::SKIP::skip_bytes": ["count", "bytes the SKIP packet analyzer skips before IP, where a script registers it for a link type or EtherType"],
  "Analyzer::requested_analyzers": [
    "set[enum]",
    "analyzers enabled once zeek_init ran, e.g. the few wanted with Analyzer::disable_all=T (Analyzer::requested_analyzers+={Analyzer::ANALYZER_HTTP})",
  ],
  "Analyzer::DebugLogging::enable": ["bool", "analyzer_debug.log (frameworks/analyzer/debug-logging) is written"],
  "Analyzer::DebugLogging::failure_data_max_size": ["count", "analyzer_debug.log: the bytes of a violation's data logged (0: all)"],
  "Analyzer::DebugLogging::ignore_analyzers": [
    "set[enum]",
    "analyzer_debug.log: analyzers whose rows are left out (e.g. Analyzer::DebugLogging::ignore_analyzers={Analyzer::ANALYZER_SSL})",
  ],
  "Analyzer::DebugLogging::include_confirmations": ["bool", "analyzer_debug.log (frameworks/analyzer/debug-logging) has a row per analyzer confirmation"],
  "Analyzer::DebugLogging::include_disabling": ["bool", "analyzer_debug.log (frameworks/analyzer/debug-logging) has a row per analyzer disabled"],
  "Tunnel::max_depth": ["count", "tunnels inside tunnels followed at most; a deeper one is the weird exceeded_tunnel_max_depth (0: no tunnel is decapsulated)"],
  "Log::default_max_delay_interval": ["interval", "how long a script's Log::delay may hold a log record back, by network time"],
  "Log::default_max_delay_queue_size": ["count", "delayed log records a stream holds at most; one more releases the oldest"],
  "LogAscii::enable_leftover_log_rotation": [
    "bool",
    "rotating logs keep a shadow file (.shadow.conn.log) while open; at start-up, logs a run that died left behind are rotated first",
  ],
  "Log::default_rotation_date_format": ["string", "strftime format of the open time in rotated logs' names (conn.<open time>.log)"],
  "SMTP::enable_rfc822_msg_file_analysis": [
    "bool",
    "each SMTP mail message (headers and body) is also a file of its own (message/rfc822), the parent of its MIME entities' files",
  ],
  "SMTP::max_invalid_mail_transactions": ["count", "invalid mail transactions after which the SMTP analyzer is disabled (0: never)"],
  "SMTP::max_rcptto_addresses": ["count", "RCPT TO addresses kept per SMTP transaction, more are a weird (0: no limit)"],
  "SMTP::max_to_addresses": ["count", "To header addresses kept per SMTP transaction, more are a weird (0: no limit)"],
  "SMTP::max_cc_addresses": ["count", "Cc header addresses kept per SMTP transaction, more are a weird (0: no limit)"],
  "SMTP::max_path_length": ["count", "hosts of an SMTP transaction's Received path kept, more are a weird (0: no limit)"],
  "POP3::max_unknown_client_commands": ["count", "unknown POP3 client commands after which the analyzer reports a violation (0: never)"],
  "WebSocket::max_control_frame_size": ["count", "bytes of a WebSocket close, ping or pong payload raised, more are cut and a weird (0: no limit)"],
  "HTTP::max_files_orig": ["count", "client files of an HTTP transaction listed in http.log (orig_fuids and the like)"],
  "HTTP::max_files_resp": ["count", "server files of an HTTP transaction listed in http.log (resp_fuids and the like)"],
};

/** The interval settings a negative value means "never" for. */
const NEGATIVE_INTERVALS: ReadonlySet<string> = new Set(["Intel::item_expiration", "mmdb_stale_check_interval"]);

/** Zeek's names for settings whose bronze field is spelt differently. */
const SETTING_ALIASES: Readonly<Record<string, keyof EngineSettings>> = { "Site::local_nets": "site_local_nets" };

/** How a setting's default reads on the command line. */
function formatDefault(value: EngineSettings[keyof EngineSettings], type: string, name: string): string {
  if (typeof value === "boolean") return value ? "T" : "F";
  if (typeof value === "number" && type === "port") return value === 0 ? "0/unknown" : `${value}/tcp`;
  if (typeof value === "number") return type === "interval" ? `${value}sec` : String(value);
  if (value === null) return "(private address space)";
  if (value instanceof Map) return formatTable(value, name);
  if (Array.isArray(value)) return `vector(${value.map((v) => (type === "vector[interval]" ? `${v}sec` : JSON.stringify(v))).join(", ")})`;
  if (value instanceof Set) return `{${[...value].map((v) => (typeof v === "string" ? JSON.stringify(v) : String(v))).join(", ")}}`;
  if (type === "string") return JSON.stringify(value);
  return String(value);
}

/** Every setting with its type, default and meaning, one per line (for --help). */
export function describeSettings(): string {
  const defaults = defaultSettings();
  const names = Object.keys(SETTING_DOCS) as Array<keyof EngineSettings>;
  const shown = (n: keyof EngineSettings) => (n === "site_local_nets" ? "Site::local_nets" : n);
  const width = Math.max(...names.map((n) => shown(n).length));
  return `${names
    .map((n) => {
      const [type, meaning] = SETTING_DOCS[n];
      const value = defaults[n];
      // null is the private address space for Site::local_nets only; for the other subnet sets (flag_nets, …) it is none.
      const shownDefault =
        type === "set[enum]" && value instanceof Set
          ? `{${[...value].map((v) => scopedEnum(ENUM_VALUES[n]!.module, String(v))).join(", ")}}`
          : value === null && n !== "site_local_nets"
            ? "{}"
            : formatDefault(value, type, n);
      // Zeek's port values carry their transport: a set that keeps it is Zeek's set[port] all the same.
      const zeekType = type === "set[port/transport]" ? "set[port]" : type;
      return `  ${shown(n).padEnd(width)}  ${zeekType.padEnd(11)} default ${shownDefault.padEnd(10)} ${meaning}`;
    })
    .join("\n")}\n`;
}

const INTERVAL_UNITS: Record<string, number> = {
  usec: 1e-6,
  usecs: 1e-6,
  msec: 1e-3,
  msecs: 1e-3,
  sec: 1,
  secs: 1,
  min: 60,
  mins: 60,
  hr: 3600,
  hrs: 3600,
  day: 86400,
  days: 86400,
};

/**
 * Parses a Zeek interval literal: "10sec", "5 min", "1.5hrs". A bare number
 * is refused, as Zeek refuses `tcp_attempt_delay=10` (the unit is part of an
 * interval), and so is a negative one (a time span is not negative).
 */
export function parseInterval(text: string): number {
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*([a-z]*)\s*$/.exec(text);
  if (!m) throw new Error(`not an interval: ${JSON.stringify(text)} (write a number and a unit, e.g. 10sec, 5min)`);
  if (m[2] === "") throw new Error(`an interval needs a unit: ${JSON.stringify(text)} (e.g. ${m[1]}sec)`);
  const unit = INTERVAL_UNITS[m[2]!];
  if (unit === undefined) throw new Error(`unknown interval unit ${JSON.stringify(m[2])} in ${JSON.stringify(text)} (usec, msec, sec, min, hr, day)`);
  const value = Number(m[1]);
  if (value < 0) throw new Error(`an interval cannot be negative: ${JSON.stringify(text)}`);
  return value * unit;
}

/** Parses a Zeek count: a non-negative integer. */
/** A Zeek string literal ("…", with \\ and \" escapes), or bare text as the command line gives it. */
function checkReadable(file: string): void {
  try {
    accessSync(file, constants.R_OK);
  } catch (error) {
    throw new Error(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

export function parseString(text: string): string {
  if (!text.startsWith('"')) return text;
  const m = /^"((?:[^"\\]|\\.)*)"$/.exec(text);
  if (m === null) throw new Error(`not a string: ${text} (write "text")`);
  return m[1]!.replace(/\\(x[0-9A-Fa-f]{1,2}|[0-7]{1,3}|.)/g, (_, e: string) => zeekEscape(e));
}

/** C's one-letter escapes, as Zeek's string literals take them. */
const LETTER_ESCAPES: Readonly<Record<string, string>> = { n: "\n", t: "\t", v: "\v", b: "\b", r: "\r", f: "\f", a: "\x07" };

/** What a Zeek string literal's escape (the text after its backslash) stands for: \xHH, octal \ooo, \n and the like, else the character itself (\" and \\). */
function zeekEscape(e: string): string {
  if (e[0] === "x" && e.length > 1) return String.fromCharCode(Number.parseInt(e.slice(1), 16));
  if (/^[0-7]/.test(e)) return String.fromCharCode(Number.parseInt(e, 8) & 0xff);
  return LETTER_ESCAPES[e] ?? e;
}

function parseCount(text: string): number {
  if (!/^\d+$/.test(text)) throw new Error(`not a count: ${JSON.stringify(text)} (a whole number ≥ 0)`);
  return Number(text);
}

/** Parses a Zeek int: a whole number, negative or not. */
function parseIntValue(text: string): number {
  if (!/^[-+]?\d+$/.test(text)) throw new Error(`not an int: ${JSON.stringify(text)} (a whole number, e.g. -1 or 10)`);
  return Number(text);
}

function parseDouble(text: string): number {
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(text)) throw new Error(`not a double: ${JSON.stringify(text)} (e.g. 10 or 2.5)`);
  return Number(text);
}

/** A Zeek set literal's text between its braces ("{ a, b }" → " a, b "). */
function setBody(text: string): string {
  // A set literal, or a set constructor: { "a", "b" } or set("a", "b").
  const t = text.trim();
  return /^set\(.*\)$/s.test(t) ? t.slice(4, -1) : t.replace(/^\{/, "").replace(/\}$/, "");
}

/** A Zeek set literal's elements, comma-separated and trimmed, empty ones left out. */
function setElements(text: string): string[] {
  return setBody(text)
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p !== "");
}

/** Parses a Zeek set of subnets: "{ 10.0.0.0/8, 2001:db8::/32 }". */
function parseSubnetSet(text: string): Subnet[] {
  const nets: Subnet[] = [];
  for (const p of setElements(text)) {
    let net: Subnet | null = null;
    try {
      net = parseSubnet(p);
    } catch {
      // reported below
    }
    // A prefix longer than the address (10.0.0.0/33) is not a subnet either.
    if (net === null || net.bits > 128 || !/\/\d{1,3}$/.test(p)) throw new Error(`not a subnet: ${JSON.stringify(p)} (e.g. 10.0.0.0/8)`);
    nets.push(net);
  }
  return nets;
}

/**
 * Parses a Zeek set of ports: "{ 80/tcp, 8080/tcp }" (the transport is
 * ignored), or the `table[port] of bool` Zeek declares the content delivery
 * ports as: "{ [80/tcp] = T }", a port with F being no member.
 */
function parsePortSet(text: string): Set<number> {
  const ports = new Set<number>();
  for (const p of setElements(text)) {
    const m = /^(?:\[(\d+)(?:\/(?:tcp|udp|icmp))?\]\s*=\s*([TF])|(\d+)(?:\/(?:tcp|udp|icmp))?)$/.exec(p);
    if (!m) throw new Error(`not a port: ${JSON.stringify(p)}`);
    if (m[2] !== "F") ports.add(Number(m[1] ?? m[3]));
  }
  return ports;
}

/** Zeek's Host enum (base/utils/directions-and-hosts), a global one: its names have no module. */
const HOST_VALUES = { module: "", label: "Host", values: HOST_SELECTIONS };

/** Notice types are declared by every script (redef enum Notice::Type): any MODULE::Name is taken. */
const NOTICE_TYPES = { module: "", values: [], pattern: /^[A-Za-z_]\w*::[A-Za-z_]\w*$/ };
/** The notice framework's own type sets also take a global type, one declared outside any module (Zeek's btests do). */
const ANY_NOTICE_TYPES = { module: "", values: [], pattern: /^(?:[A-Za-z_]\w*::)?[A-Za-z_]\w*$/ };

/** Zeek's AllAnalyzers::Tag: protocol analyzers' tags held without their module, packet and file analyzers' with theirs (PacketAnalyzer::ANALYZER_VXLAN, Files::ANALYZER_PE). */
const ALL_ANALYZER_TAGS = {
  module: "Analyzer",
  values: [
    ...ZEEK_ANALYZER_TAGS.map((name) => `ANALYZER_${name}`),
    ...ZEEK_PACKET_ANALYZER_TAGS.map((name) => `${PACKET_ANALYZER_MODULE}ANALYZER_${name}`),
    ...ZEEK_FILE_ANALYZER_TAGS.map((name) => `${FILE_ANALYZER_MODULE}ANALYZER_${name}`),
  ],
};

/** The values of each enum and set[enum] setting, as Zeek's enum names without their module ("" for a global enum). */
const ENUM_VALUES: Readonly<Record<string, { module: string; label?: string; values: readonly string[]; pattern?: RegExp }>> = {
  "DPD::ignore_violations": { module: "Analyzer", values: ZEEK_ANALYZER_TAGS.map((name) => `ANALYZER_${name}`) },
  "Analyzer::disabled_analyzers": ALL_ANALYZER_TAGS,
  "Analyzer::DebugLogging::ignore_analyzers": ALL_ANALYZER_TAGS,
  "ProtocolDetector::suppress_servers": { module: "Analyzer", values: ZEEK_ANALYZER_TAGS.map((name) => `ANALYZER_${name}`) },
  "Known::host_tracking": HOST_VALUES,
  "Known::service_tracking": HOST_VALUES,
  "Known::cert_tracking": HOST_VALUES,
  "SSL::notify_certs_expiration": HOST_VALUES,
  "SSL::notify_weak_keys": HOST_VALUES,
  "Software::asset_tracking": HOST_VALUES,
  "SMTP::detect_clients_in_messages_from": HOST_VALUES,
  "Modbus::track_memmap": HOST_VALUES,
  "SMB::logged_file_actions": {
    module: "SMB",
    values: [
      "FILE_READ",
      "FILE_WRITE",
      "FILE_OPEN",
      "FILE_CLOSE",
      "FILE_DELETE",
      "FILE_RENAME",
      "FILE_SET_ATTRIBUTE",
      "PIPE_READ",
      "PIPE_WRITE",
      "PIPE_OPEN",
      "PIPE_CLOSE",
      "PRINT_READ",
      "PRINT_WRITE",
      "PRINT_OPEN",
      "PRINT_CLOSE",
    ],
  },
  "Notice::lookup_location_types": NOTICE_TYPES,
  "ConnKey::factory": { module: "ConnKey", values: CONNKEY_FACTORIES },
  "Notice::ignored_types": ANY_NOTICE_TYPES,
  "Notice::not_suppressed_types": ANY_NOTICE_TYPES,
  "Notice::alarmed_types": ANY_NOTICE_TYPES,
  "Notice::emailed_types": ANY_NOTICE_TYPES,
  "Log::default_writer": { module: "Log", values: LOG_WRITERS },
  "LogSQLite::synchronous": { module: "LogSQLite", values: SQLITE_SYNCHRONOUS },
  "LogSQLite::journal_mode": { module: "LogSQLite", values: SQLITE_JOURNAL_MODES },
  "Log::print_to_log": { module: "Log", values: PRINT_REDIRECTS },
  "Analyzer::requested_analyzers": ALL_ANALYZER_TAGS,
};

/**
 * The full names (Module::NAME) an enum or set[enum] setting takes, and its
 * module (its values are held without it); names null: any name of the
 * form the setting takes (notice types, declared by every script).
 */
export function settingEnum(name: keyof EngineSettings): { module: string; names: readonly string[] | null } {
  const e = ENUM_VALUES[name];
  if (e === undefined) throw new Error(`${name} is not an enum setting`);
  return { module: e.module, names: e.pattern !== undefined ? null : e.values.map((v) => scopedEnum(e.module, v)) };
}

/** An enum value held without its module, with it ("" for a global enum); a value of another module is held with its own (PacketAnalyzer::ANALYZER_VXLAN). */
function scopedEnum(module: string, value: string): string {
  return module === "" || value.includes("::") ? value : `${module}::${value}`;
}

/** An enum value of setting `name` without its module ("SMB::FILE_READ" → "FILE_READ"; the module may be left out). */
function parseEnum(name: string, text: string): string {
  const e = ENUM_VALUES[name]!;
  const scoped = (x: string) => scopedEnum(e.module, x);
  const v = e.module !== "" && text.startsWith(`${e.module}::`) ? text.slice(e.module.length + 2) : text;
  if (!(e.pattern?.test(v) ?? e.values.includes(v))) {
    // A long list (every analyzer tag) is shown by its first few names.
    const names = e.values.map(scoped);
    const shown =
      e.pattern !== undefined ? "MODULE::Name" : names.length > 16 ? `${names.slice(0, 4).join(", ")}, … (${names.length} names)` : names.join(", ");
    // The same name in another module (Analyzer::ANALYZER_VXLAN for PacketAnalyzer::ANALYZER_VXLAN) is the likeliest slip.
    const elsewhere = e.values.find((x) => x.endsWith(`::${v}`));
    const hint =
      e.pattern !== undefined ? "" : elsewhere !== undefined ? `did you mean ${elsewhere}? ` : didYouMean(text, text.includes("::") ? names : e.values);
    throw new Error(`${JSON.stringify(text)} is not one of ${name}'s values (${hint}${shown})`);
  }
  return v;
}

/** Parses a Zeek set of enum values of setting `name`: "{ SMB::FILE_READ, SMB::FILE_WRITE }". */
function parseEnumSet(name: string, text: string): Set<string> {
  return new Set(setElements(text).map((p) => parseEnum(name, p)));
}

/** An entry of a table of version ranges: `["NAME"] = set("R", …)`. */
const RANGES_ENTRY = /\[\s*("(?:[^"\\]|\\.)*")\s*\]\s*=\s*set\(([^)]*)\)/g;

/** Parses Software::vulnerable_versions' table: '{ ["Java"] = set("max=1.6.0.43", "min=1.7 max=1.7.0.20") }'. */
function parseVersionRanges(text: string): Map<string, string[]> {
  return parseTableEntries(text, RANGES_ENTRY, "version ranges", '{["Java"]=set("max=1.6.0.43", "min=1.7 max=1.7.0.20")}', (m) => {
    const ranges = [...parseStringSet(`{${m[2]!}}`)];
    for (const r of ranges) checkVersionRange(r);
    return [parseString(m[1]!), ranges];
  });
}

/**
 * The entries of a table as a redef writes it ('{ [KEY] = VALUE, … }'): each
 * match of `entry` (a global pattern of one entry) made a key and value by
 * `entryOf`, in order (a key given again takes the later value). Anything
 * but entries, commas and blanks between the braces refuses the text as
 * "not a table of `what`", with `example`.
 */
function parseTableEntries<V>(text: string, entry: RegExp, what: string, example: string, entryOf: (m: RegExpMatchArray) => [string, V]): Map<string, V> {
  const inner = setBody(text);
  if (inner.replace(entry, "").replace(/[\s,]/g, "") !== "") throw new Error(`not a table of ${what}: ${text} (e.g. ${example})`);
  return new Map(Array.from(inner.matchAll(entry), entryOf));
}

/** An entry of Notice::type_suppression_intervals: `[Scan::Port_Scan] = 1day` (a notice type, with or without its module). */
const TYPE_INTERVAL_ENTRY = /\[\s*((?:[A-Za-z_]\w*::)?[A-Za-z_]\w*)\s*\]\s*=\s*([^,}\]]+)/g;

/** Parses Notice::type_suppression_intervals' table: '{ [Scan::Port_Scan] = 1day, [Test_Notice] = 30 mins }'. */
function parseTypeIntervals(text: string): Map<string, number> {
  return parseTableEntries(text, TYPE_INTERVAL_ENTRY, "notice types to intervals", "{[Scan::Port_Scan]=1day}", (m) => [m[1]!, parseInterval(m[2]!.trim())]);
}

/** An entry of HTTP::upgrade_analyzers: `["tcp"] = Analyzer::ANALYZER_STREAM_EVENT`. */
const UPGRADE_ENTRY = /\[\s*("(?:[^"\\]|\\.)*")\s*\]\s*=\s*(?:Analyzer::)?ANALYZER_(\w+)/g;

/** Parses HTTP::upgrade_analyzers' table: '{ ["tcp"] = Analyzer::ANALYZER_STREAM_EVENT }' (protocol → analyzer name). */
function parseUpgradeAnalyzers(text: string): Map<string, string> {
  return parseTableEntries(text, UPGRADE_ENTRY, "protocols to analyzers", '{["tcp"]=Analyzer::ANALYZER_STREAM_EVENT}', (m) => {
    if (!ZEEK_ANALYZER_TAGS.includes(m[2]!))
      throw new Error(`unknown analyzer Analyzer::ANALYZER_${m[2]!} (${didYouMean(m[2]!, ZEEK_ANALYZER_TAGS)}Zeek's analyzer names)`);
    return [parseString(m[1]!), m[2]!];
  });
}

/** An entry of Site::local_admins: `[10.0.0.0/8] = set("ops@example.net", …)`. */
const ADMINS_ENTRY = /\[\s*([0-9A-Fa-f:.]+\/\d{1,3})\s*\]\s*=\s*set\(([^)]*)\)/g;

/** Parses Site::local_admins' table: '{ [10.0.0.0/8] = set("ops@example.net") }' (subnets as written, checked). */
function parseLocalAdmins(text: string): Map<string, string[]> {
  return parseTableEntries(text, ADMINS_ENTRY, "subnets to addresses", '{[10.0.0.0/8]=set("ops@example.net")}', (m) => {
    parseSubnetSet(`{${m[1]!}}`);
    return [m[1]!, [...parseStringSet(`{${m[2]!}}`)]];
  });
}

/** A range is max=V, maybe with min=V: Zeek's script only warns of a range without max (and makes it max 0), here it is refused. */
function checkVersionRange(range: string): void {
  const words = range.trim().split(/\s+/);
  if (!words.some((w) => w.startsWith("max=")) || !words.every((w) => /^(min|max)=\S+$/.test(w))) {
    throw new Error(`not a version range: ${JSON.stringify(range)} (max=VERSION, with min=VERSION when earlier versions are not vulnerable)`);
  }
}

/** A table setting's value as a redef writes it (a table of version ranges, of valids, or of upgrade analyzers). */
function formatTable(table: ReadonlyMap<string, string | readonly string[]>, name: string): string {
  const entries = [...table].map(([key, value]) =>
    typeof value !== "string"
      ? `[${JSON.stringify(key)}]=set(${value.map((r) => JSON.stringify(r)).join(", ")})`
      : name === "HTTP::upgrade_analyzers"
        ? `[${JSON.stringify(key)}]=Analyzer::ANALYZER_${value}`
        : `[Analyzer::ANALYZER_${key.split(" ").join(", ")}]=ProtocolDetector::${value}`,
  );
  return `{${entries.join(", ")}}`;
}

/** Parses a Zeek vector of strings: 'vector("/usr/share/GeoIP", "/opt/geoip")'. */
function parseStringVector(text: string): string[] {
  const m = /^\s*vector\s*\(([^)]*)\)\s*$/.exec(text);
  if (m === null) throw new Error(`not a vector of strings: ${text} (e.g. vector("/usr/share/GeoIP"))`);
  return stringLiterals(m[1]!, text, "vector");
}

/** Parses a TCP port to listen on: "9911/tcp"; "0/unknown" (or 0) for none. */
function parseTcpPort(text: string): number {
  const m = /^\s*(\d+)(?:\/(tcp|unknown))?\s*$/.exec(text);
  const port = m === null ? Number.NaN : Number(m[1]);
  if (m === null || port > 65535 || (m[2] === "unknown" && port !== 0))
    throw new Error(`not a TCP port: ${JSON.stringify(text)} (e.g. 9911/tcp, or 0/unknown for none)`);
  return port;
}

/** Parses a Zeek vector of intervals: "vector(10min, 1hr)"; it may not be empty. */
function parseIntervalVector(text: string): number[] {
  const m = /^\s*vector\s*\(([^)]*)\)\s*$/.exec(text);
  if (m === null || m[1]!.trim() === "") throw new Error(`not a vector of intervals: ${text} (e.g. vector(10min, 1hr))`);
  return m[1]!.split(",").map(parseInterval);
}

/** An entry of ProtocolDetector::valids: `[Analyzer::ANALYZER_HTTP, 0.0.0.0, 81/tcp] = ProtocolDetector::OUTGOING`. */
const VALIDS_ENTRY =
  /\[\s*(?:Analyzer::)?ANALYZER_(\w+)\s*,\s*([0-9A-Fa-f:.]+)\s*,\s*(\d+)\/(tcp|udp|icmp)\s*\]\s*=\s*(?:ProtocolDetector::)?(NONE|INCOMING|OUTGOING|BOTH)\b/g;

/** Parses ProtocolDetector::valids' table (addresses in Zeek's text form, so that they match connections'). */
function parseValids(text: string): Map<string, ProtocolDetectorDir> {
  return parseTableEntries(text, VALIDS_ENTRY, "valids", "{[Analyzer::ANALYZER_HTTP, 0.0.0.0, 81/tcp]=ProtocolDetector::OUTGOING}", (m) => {
    const tag = m[1]!.toUpperCase();
    if (!ZEEK_ANALYZER_TAGS.includes(tag)) throw new Error(`ProtocolDetector::valids: no analyzer ANALYZER_${tag}`);
    const bytes = parseAddress(m[2]!);
    if (bytes === null) throw new Error(`ProtocolDetector::valids: not an address: ${m[2]!}`);
    return [validsKey(tag, formatAddrBytes(bytes), `${m[3]!}/${m[4]!}`), m[5] as ProtocolDetectorDir];
  });
}

/** The table[string] of string settings: the packet-filter framework's filters by id. */
const FILTER_TABLES: ReadonlySet<string> = new Set(["capture_filters", "restrict_filters"]);

/** An entry of a table of strings by string: `["http"] = "port 80"`. */
const STRING_ENTRY = /\[\s*("(?:[^"\\]|\\.)*")\s*\]\s*=\s*("(?:[^"\\]|\\.)*")/g;

/** Parses capture_filters' and restrict_filters' table: '{ ["http"] = "port 80", ["dns"] = "port 53" }'. */
function parseFilterTable(text: string): Map<string, string> {
  return parseTableEntries(text, STRING_ENTRY, "filters", '{["http"]="port 80"}', (m) => [parseString(m[1]!), parseString(m[2]!)]);
}

/** Parses a Zeek set of strings: '{ "USER", "PASS" }'. */
function parseStringSet(text: string): Set<string> {
  return new Set(stringLiterals(setBody(text), text, "set"));
}

/** The string literals of a list ('"a", "b"'), in order, duplicates kept; anything else between them is refused. */
function stringLiterals(inner: string, text: string, what: "set" | "vector"): string[] {
  const literal = /"(?:[^"\\]|\\.)*"/g;
  // Between the literals only commas and blanks.
  if (inner.replace(literal, "").replace(/[\s,]/g, "") !== "")
    throw new Error(`not a ${what} of strings: ${text} (e.g. ${what === "set" ? '{ "USER", "PASS" }' : 'vector("/usr/share/GeoIP")'})`);
  return [...inner.matchAll(literal)].map((m) => parseString(m[0]));
}

type SetRedef = "=" | "+=" | "-=";

function applySetRedef(before: ReadonlySet<string>, op: SetRedef, given: ReadonlySet<string>): Set<string> {
  if (op === "=") return new Set(given);
  if (op === "+=") return new Set([...before, ...given]);
  return new Set([...before].filter((x) => !given.has(x)));
}

/** The redefs of set settings applied to each settings object, in order (see withScriptRedefs). */
const SET_REDEFS = new WeakMap<EngineSettings, Map<string, Array<{ op: SetRedef; given: ReadonlySet<string> }>>>();

function recordSetRedef(settings: EngineSettings, name: string, op: SetRedef, given: ReadonlySet<string>): void {
  let byName = SET_REDEFS.get(settings);
  if (byName === undefined) SET_REDEFS.set(settings, (byName = new Map()));
  let ops = byName.get(name);
  if (ops === undefined) byName.set(name, (ops = []));
  ops.push({ op, given });
}

/**
 * A set setting as Zeek has it when bronze's own scripts add to it too (a
 * protocol script's `redef DPD::ignore_violations += { … }`): Zeek applies
 * the redefs of the command line after every script's, so the user's
 * assignments are replayed over the scripts' additions (`= {}` clears them,
 * `-=` takes one out). Settings set without applySetting (a library user's
 * object) are added to the scripts' values.
 */
export function withScriptRedefs(settings: EngineSettings, name: keyof EngineSettings, scriptAdds: Iterable<string>): Set<string> {
  const ops = SET_REDEFS.get(settings)?.get(name);
  if (ops === undefined) return new Set([...scriptAdds, ...(settings[name] as Set<string>)]);
  let value = new Set(scriptAdds);
  for (const { op, given } of ops) value = applySetRedef(value, op, given);
  return value;
}

/**
 * Applies one `name=value` assignment (Zeek redef syntax) to `settings`.
 * Throws with a clear message for unknown names or malformed values.
 */
export function applySetting(settings: EngineSettings, assignment: string): void {
  const eq = assignment.indexOf("=");
  if (eq <= 0) throw new Error(`expected name=value, got ${JSON.stringify(assignment)}`);
  let given = assignment
    .slice(0, eq)
    .trim()
    .replace(/^redef\s+/, "");
  // `name += { … }` adds to a set and `name -= { … }` takes out of it, as Zeek's redef does.
  const adding = given.endsWith("+");
  const removing = given.endsWith("-");
  if (adding || removing) given = given.slice(0, -1).trim();
  const name = (SETTING_ALIASES[given] ?? given) as keyof EngineSettings;
  const raw = assignment
    .slice(eq + 1)
    .trim()
    .replace(/;$/, "");
  if (!Object.hasOwn(SETTING_DOCS, name)) {
    throw new Error(
      `unknown setting ${JSON.stringify(given)} (${didYouMean(given, [...Object.keys(SETTING_DOCS), ...Object.keys(SETTING_ALIASES)])}bronze --help lists them)`,
    );
  }
  const type = SETTING_DOCS[name][0];
  const target = settings as unknown as Record<string, unknown>;
  if ((adding || removing) && !type.startsWith("set[") && type !== "table" && type !== "vector[string]")
    throw new Error(`${given} is not a set: use ${given}=value`);
  if (removing && type !== "set[string]" && type !== "set[enum]") throw new Error(`${given}: -= takes values out of a set of strings or names only`);
  if (type === "bool") {
    if (raw !== "T" && raw !== "F" && raw !== "true" && raw !== "false") throw new Error(`${given} takes T or F, got ${JSON.stringify(raw)}`);
    target[name] = raw === "T" || raw === "true";
  } else if (type === "interval") {
    // Intel::item_expiration and mmdb_stale_check_interval alone may be negative: "never".
    const negative = NEGATIVE_INTERVALS.has(name) && raw.trimStart().startsWith("-");
    target[name] = negative ? -parseInterval(raw.trimStart().slice(1)) : parseInterval(raw);
  } else if (type === "count") {
    target[name] = parseCount(raw);
  } else if (type === "int") {
    target[name] = parseIntValue(raw);
  } else if (type === "double") {
    target[name] = parseDouble(raw);
  } else if (type === "enum") {
    target[name] = parseEnum(name, raw);
  } else if (type === "string") {
    const text = parseString(raw);
    // A base time that does not parse would stop the run at its first log: refused here instead.
    if (name === "log_rotate_base_time") parseRotateBaseTime(text);
    // Zeek's reader would look for an empty separator everywhere: refused here.
    if (name === "InputRaw::record_separator" && text === "") throw new Error(`${given} may not be empty`);
    // A root (or CT log) file that cannot be read is refused here, as one line, rather than when the first chain is verified.
    if ((name === "SSL::root_certs_file" || name === "SSL::ct_logs_file" || name === "SSL::keylog_file") && text !== "") checkReadable(text);
    target[name] = text;
  } else if (type === "vector[interval]") {
    target[name] = parseIntervalVector(raw);
  } else if (type === "port") {
    target[name] = parseTcpPort(raw);
  } else if (type === "vector[string]") {
    // A vector's += appends (Zeek's redef of a vector).
    const items = parseStringVector(raw);
    target[name] = adding ? [...(target[name] as string[]), ...items] : items;
  } else if (type === "table") {
    // A table's += adds its entries, a key given again taking the new value (Zeek's table redef).
    const table = parseTableSetting(name, raw);
    target[name] = adding ? new Map<string, unknown>([...(target[name] as Map<string, unknown>), ...table]) : table;
  } else if (type === "set[subnet]") {
    const nets = parseSubnetSet(raw);
    // null is the default: the private address space for Site::local_nets, nothing for the others.
    const before = (target[name] as Subnet[] | null) ?? (name === "site_local_nets" ? privateAddressSpace() : []);
    target[name] = adding ? [...before, ...nets] : nets;
  } else if (type === "set[string]" || type === "set[enum]") {
    const given = type === "set[string]" ? parseStringSet(raw) : parseEnumSet(name, raw);
    const op = adding ? "+=" : removing ? "-=" : "=";
    target[name] = applySetRedef(target[name] as Set<string>, op, given);
    recordSetRedef(settings, name, op, given);
  } else if (type === "set[count]") {
    const counts = new Set([...setElements(raw)].map(parseCount));
    target[name] = adding ? new Set([...(target[name] as Set<number>), ...counts]) : counts;
  } else if (type === "set[port/transport]") {
    const ports = parseTransportPortSet(raw);
    target[name] = adding ? new Set([...(target[name] as Set<string>), ...ports]) : ports;
  } else {
    const ports = parsePortSet(raw);
    target[name] = adding ? new Set([...(target[name] as Set<number>), ...ports]) : ports;
  }
}

/** Parses a Zeek set of ports keeping their transports: "{ 53/udp, 80/tcp }" as "53/udp", "80/tcp". */
function parseTransportPortSet(text: string): Set<string> {
  const ports = new Set<string>();
  for (const p of setElements(text)) {
    const m = /^(\d+)\/(tcp|udp)$/.exec(p);
    if (!m || Number(m[1]) > 65535) throw new Error(`not a TCP or UDP port: ${JSON.stringify(p)} (e.g. 53/udp)`);
    ports.add(`${Number(m[1])}/${m[2]}`);
  }
  return ports;
}

/** A table setting's value: its parser by name (ProtocolDetector::valids, the packet filters, Site::local_admins, else version ranges). */
function parseTableSetting(name: string, raw: string): Map<string, unknown> {
  if (name === "ProtocolDetector::valids") return parseValids(raw);
  // String to string tables, written alike.
  if (FILTER_TABLES.has(name) || name === "Log::default_rotation_postprocessor_cmd_env") return parseFilterTable(raw);
  if (name === "Site::local_admins") return parseLocalAdmins(raw);
  if (name === "Notice::type_suppression_intervals") return parseTypeIntervals(raw);
  if (name === "HTTP::upgrade_analyzers") return parseUpgradeAnalyzers(raw);
  return parseVersionRanges(raw);
}

/**
 * Whether the Zeek policy script `script` (e.g. "protocols/conn/mac-logging")
 * is among the script names of the command line: policy scripts load only
 * when named, with -b or not. A name may carry "policy/", ".zeek" or ".bro",
 * and "/main" or "/__load__". The session layer (what to keep per connection)
 * and the built-in scripts (which columns to log) ask the same question here.
 */
export function policyScriptLoaded(loads: readonly string[], script: string): boolean {
  return loads.some((load) => {
    const name = load.replace(/\.(zeek|bro)$/, "").replace(/\/(__load__|main)$/, "");
    return name === script || name === `policy/${script}`;
  });
}
