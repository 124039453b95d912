/**
 * Counters behind Zeek's get_gap_stats and get_conn_stats, kept by the
 * session layer for policy/misc/capture-loss and policy/misc/stats. Each is
 * a field increment where the event happens (an ACK that trims a stream, a
 * connection created or removed), never per packet otherwise.
 */
import type { Transport } from "../event/records.js";

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

/** Zeek's ConnStats by transport: connections in memory now, and created so far. */
export class ConnCounts {
  activeTcp = 0;
  activeUdp = 0;
  activeIcmp = 0;
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
    if (t === "tcp") {
      this.activeTcp++;
      this.totalTcp++;
    } else if (t === "udp") {
      this.activeUdp++;
      this.totalUdp++;
    } else if (t === "icmp") {
      this.activeIcmp++;
      this.totalIcmp++;
    }
  }

  removed(t: Transport): void {
    if (t === "tcp") this.activeTcp--;
    else if (t === "udp") this.activeUdp--;
    else if (t === "icmp") this.activeIcmp--;
  }
}

/** What Zeek's get_net_stats, get_gap_stats, get_conn_stats, get_event_stats, get_timer_stats, get_file_analysis_stats and get_reassembler_stats give, from bronze's own counters. */
export interface EngineStats {
  /** Packets read that passed the capture filter. */
  readonly pktsRecvd: number;
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
