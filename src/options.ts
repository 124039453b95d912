/**
 * Engine settings under Zeek's names, with Zeek's defaults (behaviour doc §0).
 * The CLI sets them from Zeek-style redefs (`tcp_attempt_delay=10sec`) or
 * `--set name=value`; library users pass them to `new Engine({ options })`.
 * Intervals are in seconds.
 */
import { MAXIMUM_SNAPLEN } from "./source/pcap.js";

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
  /** DPD: a violation after the connection carried this many bytes (both sides) no longer disables the analyzer; 0: always. */
  "DPD::ignore_violations_after": number;
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
    connection_status_update_interval: 0,
    tcp_content_deliver_all_orig: false,
    tcp_content_deliver_all_resp: false,
    udp_content_deliver_all_orig: false,
    udp_content_deliver_all_resp: false,
    tcp_content_delivery_ports_orig: new Set(),
    tcp_content_delivery_ports_resp: new Set(),
    udp_content_delivery_ports_orig: new Set(),
    udp_content_delivery_ports_resp: new Set(),
    max_connections: 10_000_000,
    max_fragment_bytes: 64 * 1024 * 1024,
    snaplen: MAXIMUM_SNAPLEN,
    dpd_buffer_size: 1024,
    dpd_max_packets: 100,
    dpd_match_only_beginning: true,
    "DPD::ignore_violations_after": 10 * 1024,
    "SSH::max_packet_length": 8 * 1024 * 1024,
    "SSH::max_string_length": 2 * 1024 * 1024,
    "SSH::max_kexinit_kex_algorithms": 100,
    "SSH::max_kexinit_hostkey_algorithms": 100,
    "SSH::max_kexinit_encryption_algorithms": 100,
    "SSH::max_kexinit_mac_algorithms": 100,
    "SSH::max_kexinit_compression_algorithms": 100,
    "SSH::max_kexinit_languages": 100,
    "SSH::disable_analyzer_after_detection": true,
  };
}

const INTERVAL_UNITS: Record<string, number> = {
  usec: 1e-6, usecs: 1e-6, msec: 1e-3, msecs: 1e-3, sec: 1, secs: 1,
  min: 60, mins: 60, hr: 3600, hrs: 3600, day: 86400, days: 86400,
};

/** Parses a Zeek interval literal: "10sec", "5 min", "1.5hrs", or a bare number of seconds. */
export function parseInterval(text: string): number {
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*([a-z]*)\s*$/.exec(text);
  if (!m) throw new Error(`not an interval: ${JSON.stringify(text)}`);
  const value = Number(m[1]);
  if (m[2] === "") return value;
  const unit = INTERVAL_UNITS[m[2]!];
  if (unit === undefined) throw new Error(`unknown interval unit ${JSON.stringify(m[2])} in ${JSON.stringify(text)}`);
  return value * unit;
}

/** Parses a Zeek set of ports: "{ 80/tcp, 8080/tcp }" (the transport is ignored). */
function parsePortSet(text: string): Set<number> {
  const inner = text.trim().replace(/^\{/, "").replace(/\}$/, "");
  const ports = new Set<number>();
  for (const part of inner.split(",")) {
    const p = part.trim();
    if (p === "") continue;
    const m = /^(\d+)(?:\/(tcp|udp|icmp))?$/.exec(p);
    if (!m) throw new Error(`not a port: ${JSON.stringify(p)}`);
    ports.add(Number(m[1]));
  }
  return ports;
}

/**
 * Applies one `name=value` assignment (Zeek redef syntax) to `settings`.
 * Throws with a clear message for unknown names or malformed values.
 */
export function applySetting(settings: EngineSettings, assignment: string): void {
  const eq = assignment.indexOf("=");
  if (eq <= 0) throw new Error(`expected name=value, got ${JSON.stringify(assignment)}`);
  const name = assignment.slice(0, eq).trim().replace(/^redef\s+/, "") as keyof EngineSettings;
  const raw = assignment.slice(eq + 1).trim().replace(/;$/, "");
  if (!(name in settings)) throw new Error(`unknown setting ${JSON.stringify(name)}`);
  const current = settings[name];
  const target = settings as unknown as Record<string, unknown>;
  if (typeof current === "boolean") {
    if (raw !== "T" && raw !== "F" && raw !== "true" && raw !== "false") throw new Error(`${name} takes T or F, got ${JSON.stringify(raw)}`);
    target[name] = raw === "T" || raw === "true";
  } else if (typeof current === "number") {
    target[name] = parseInterval(raw);
  } else {
    target[name] = parsePortSet(raw);
  }
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
