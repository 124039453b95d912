/**
 * Zeek's policy/misc/stats: stats.log, a line every Stats::report_interval
 * of network time with what changed since the last (the first covers the
 * time from zeek_init, where network time is 0, so its timer is due at the
 * first packet), and a last line at the end of input (Zeek expires its
 * timer). Each column's source:
 *
 * - ts, peer ("zeek"), pkts_proc, bytes_recv (packets that passed the
 *   capture filter and their wire lengths): as Zeek's.
 * - active_/tcp_conns, udp, icmp: connections in memory and created, by
 *   transport, as Zeek's session manager counts them.
 * - dns_requests, active_dns_requests: Zeek's DNS manager (the scripts' own
 *   name lookups, not DNS traffic); bronze makes none: 0, as Zeek on a trace
 *   whose scripts look nothing up.
 * - mem: bronze's own peak resident size, in MB (Zeek's is its own).
 * - events_proc, events_queued: bronze's events; bronze raises only the
 *   events something handles, so these are not Zeek's counts.
 * - timers, active_timers: bronze's timers (connections, files, scripts);
 *   bronze schedules fewer and other timers than Zeek: not Zeek's counts.
 * - files, active_files: files opened, and open now (the files framework).
 * - reassem_tcp_size: payload bytes buffered by bronze's TCP reassemblers
 *   (Zeek counts its blocks' allocations); reassem_file_size,
 *   reassem_frag_size, reassem_unknown_size: 0 (bronze keeps no such total).
 * - pkts_dropped, pkts_link, pkt_lag, pkts_filtered: only when reading live
 *   traffic in Zeek; bronze leaves them unset.
 */
import type { LogManager } from "../log/manager.js";
import { fields, type LogField } from "../log/schema.js";
import type { EngineStats } from "../session/stats.js";
import { networkTime } from "./capture-loss.js";
import type { AnalyzerScriptHost } from "./host.js";

export const STATS_SCRIPT = "policy/misc/stats";

export const STATS_FIELDS: readonly LogField[] = fields(
  ["ts", "time"],
  ["peer", "string"],
  ["mem", "count"],
  ["pkts_proc", "count"],
  ["bytes_recv", "count"],
  ["pkts_dropped", "count"],
  ["pkts_link", "count"],
  ["pkt_lag", "interval"],
  ["pkts_filtered", "count"],
  ["events_proc", "count"],
  ["events_queued", "count"],
  ["active_tcp_conns", "count"],
  ["active_udp_conns", "count"],
  ["active_icmp_conns", "count"],
  ["tcp_conns", "count"],
  ["udp_conns", "count"],
  ["icmp_conns", "count"],
  ["timers", "count"],
  ["active_timers", "count"],
  ["files", "count"],
  ["active_files", "count"],
  ["dns_requests", "count"],
  ["active_dns_requests", "count"],
  ["reassem_tcp_size", "count"],
  ["reassem_file_size", "count"],
  ["reassem_frag_size", "count"],
  ["reassem_unknown_size", "count"],
);

/** Zeek's peer_description default. */
const PEER = "zeek";

/** The cumulative counts check_stats subtracts, as they were at the last report. */
interface Totals {
  pkts: number;
  bytes: number;
  tcp: number;
  udp: number;
  icmp: number;
  events: number;
  queued: number;
  timers: number;
  files: number;
}

function totals(s: EngineStats): Totals {
  return {
    pkts: s.pktsRecvd,
    bytes: s.bytesRecvd,
    tcp: s.conns.totalTcp,
    udp: s.conns.totalUdp,
    icmp: s.conns.totalIcmp,
    events: s.eventsDispatched,
    queued: s.eventsQueued,
    timers: s.timersCumulative,
    files: s.filesCumulative,
  };
}

export function loadStats(host: AnalyzerScriptHost, logs: LogManager): void {
  const log = logs.open({ path: "stats", fields: STATS_FIELDS });
  const schedule = (at: number, last: Totals) => host.scheduleEvent(at, () => checkStats(last));

  const checkStats = (last: Totals): void => {
    const now = networkTime(host);
    const s = host.stats();
    const c = s.conns;
    // biome-ignore format: one value per column, in the fields' order
    log.write([
      now, PEER, peakMemoryMb(), s.pktsRecvd - last.pkts, s.bytesRecvd - last.bytes,
      undefined, undefined, undefined, undefined,
      s.eventsDispatched - last.events, s.eventsQueued - last.queued,
      c.activeTcp, c.activeUdp, c.activeIcmp, c.totalTcp - last.tcp, c.totalUdp - last.udp, c.totalIcmp - last.icmp,
      s.timersCumulative - last.timers, s.timersCurrent, s.filesCumulative - last.files, s.filesCurrent,
      0, 0,
      s.reassemTcpBytes, 0, 0, 0,
    ]);
    // No more reports once the end of input began.
    if (!s.terminating) schedule(now + host.settings["Stats::report_interval"], totals(s));
  };

  // zeek_init: network time is 0 there, so the first timer is due at the first packet.
  host.on("zeek_init", () => schedule(host.settings["Stats::report_interval"], totals(host.stats())));
}

/** Peak resident memory in MB (Zeek's get_proc_stats()$mem / 1048576). */
function peakMemoryMb(): number {
  return Math.floor((process.resourceUsage().maxRSS * 1024) / 1048576);
}
