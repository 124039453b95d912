/**
 * Counters behind Zeek's get_gap_stats and get_conn_stats, kept by the
 * session layer for policy/misc/capture-loss and policy/misc/stats. Each is
 * a field increment where the event happens (an ACK that trims a stream, a
 * connection created or removed), never per packet otherwise.
 */
import type { ConnStatsRecord, Transport } from "../event/records.js";

/** Zeek's GapStats (TCP_Reassembler::AckReceived's totals). */
export class GapStats {
  /** ACKs that moved a stream's acked point while both endpoints were established (or report_gaps_for_partial). */
  ackEvents = 0;
  /**
   * Zeek adds `seq - trim_seq` after trimming the stream to `seq`, which sets
   * trim_seq to seq: the total stays 0, and so does bronze's.
   */
  readonly ackBytes = 0;
  /** Of those ACKs, the ones that revealed missing bytes. */
  gapEvents = 0;
  /** The bytes missing (the holes those ACKs revealed). */
  gapBytes = 0;
}

/**
 * Zeek's ConnStats: connections in memory now, the most at once so far and
 * those created so far, by transport and in all. The high-water marks move
 * only when a connection is created (the one moment a count can pass them).
 */
export class ConnCounts {
  /**
   * Connections of any transport (an unknown IP protocol's too) in the table
   * now and created so far: get_conn_stats' current_conns (and
   * sess_current_conns: bronze keeps no connection alive past its removal,
   * as a Zeek script's reference can) and total_conns.
   */
  active = 0;
  total = 0;
  activeTcp = 0;
  activeUdp = 0;
  activeIcmp = 0;
  /** The most TCP, UDP and ICMP connections in the table at once so far (max_tcp_conns and the like). */
  maxTcp = 0;
  maxUdp = 0;
  maxIcmp = 0;
  totalTcp = 0;
  totalUdp = 0;
  totalIcmp = 0;
  /** Connections removed by their inactivity timer (Zeek's killed_by_inactivity). */
  killedByInactivity = 0;
  /**
   * The active counts when the end of input began: Zeek's Drain raises the
   * removals of the connections left without taking them out of its table,
   * so its zeek_active_sessions keeps them (null until then).
   */
  activeAtEnd: { tcp: number; udp: number; icmp: number } | null = null;

  created(t: Transport): void {
    this.active++;
    this.total++;
    if (t === "tcp") {
      this.totalTcp++;
      if (++this.activeTcp > this.maxTcp) this.maxTcp = this.activeTcp;
    } else if (t === "udp") {
      this.totalUdp++;
      if (++this.activeUdp > this.maxUdp) this.maxUdp = this.activeUdp;
    } else if (t === "icmp") {
      this.totalIcmp++;
      if (++this.activeIcmp > this.maxIcmp) this.maxIcmp = this.activeIcmp;
    }
  }

  removed(t: Transport): void {
    this.active--;
    if (t === "tcp") this.activeTcp--;
    else if (t === "udp") this.activeUdp--;
    else if (t === "icmp") this.activeIcmp--;
  }
}

/** What Zeek's get_net_stats, get_gap_stats, get_conn_stats, get_event_stats, get_timer_stats, get_file_analysis_stats and get_reassembler_stats give, from bronze's own counters. */
export interface EngineStats {
  /**
   * Packets read that passed the capture filter: get_net_stats' pkts_recvd,
   * and get_conn_stats' num_packets (Zeek's packet manager counts each
   * packet its source hands it, the ones the filter let through).
   */
  readonly pktsRecvd: number;
  /**
   * Of those, the ones no analyzer took (get_conn_stats'
   * num_packets_unprocessed; each raised packet_not_processed): neither a
   * TCP, UDP or ICMP connection (an unknown IP protocol's does not count)
   * nor ARP read it, e.g. a fragment still waiting for the rest of its
   * datagram, or a link type or EtherType bronze does not decode.
   */
  readonly pktsUnprocessed: number;
  /** Their wire lengths. */
  readonly bytesRecvd: number;
  readonly gaps: GapStats;
  readonly conns: ConnCounts;
  /** Datagrams in reassembly now, and the most at once so far (get_conn_stats' num_fragments, max_fragments; a tunnel's inner packets have a table of their own, whose figures add to these). */
  readonly fragments: { readonly current: number; readonly max: number };
  /** Events bronze queued and dispatched (bronze raises only the events something handles). */
  readonly eventsQueued: number;
  readonly eventsDispatched: number;
  /** Bronze's timers: the session heap (connections, files) and the script timers. */
  readonly timersCurrent: number;
  readonly timersCumulative: number;
  readonly filesCurrent: number;
  readonly filesCumulative: number;
  /** Payload bytes buffered by bronze's TCP reassemblers (of every engine of the process). */
  readonly reassemTcpBytes: number;
  /** The end of input began (Zeek's zeek_is_terminating()). */
  readonly terminating: boolean;
  /** Weirds reported so far by name, sampled out or not (get_reporter_stats()$weirds_by_type). */
  readonly weirdsByType: ReadonlyMap<string, number>;
  /** How often each event was dispatched to its handlers (zeek_event_handler_invocations_total), by name. */
  readonly handlerCalls: ReadonlyMap<string, number>;
}

/** Zeek's get_conn_stats() from the engine's counters. */
export function connStatsRecord(s: EngineStats): ConnStatsRecord {
  const c = s.conns;
  return {
    total_conns: c.total,
    current_conns: c.active,
    sess_current_conns: c.active,
    num_packets: s.pktsRecvd,
    num_fragments: s.fragments.current,
    max_fragments: s.fragments.max,
    num_tcp_conns: c.activeTcp,
    max_tcp_conns: c.maxTcp,
    cumulative_tcp_conns: c.totalTcp,
    num_udp_conns: c.activeUdp,
    max_udp_conns: c.maxUdp,
    cumulative_udp_conns: c.totalUdp,
    num_icmp_conns: c.activeIcmp,
    max_icmp_conns: c.maxIcmp,
    cumulative_icmp_conns: c.totalIcmp,
    num_packets_unprocessed: s.pktsUnprocessed,
    killed_by_inactivity: c.killedByInactivity,
  };
}
