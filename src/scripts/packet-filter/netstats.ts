/**
 * Zeek's base/frameworks/packet-filter/netstats: capturing live, every
 * PacketFilter::stats_collection_interval (5 minutes) of network time, a
 * Dropped_Packets notice when libpcap dropped packets since the last look.
 * Reading a trace there is nothing to look at, and nothing is scheduled.
 */
import { networkTime } from "../capture-loss.js";
import type { AnalyzerScriptHost } from "../host.js";
import type { NoticeLog } from "../notice.js";

/** Zeek's PacketFilter::stats_collection_interval (a const, not a redef). */
export const STATS_COLLECTION_INTERVAL = 300;

/** libpcap's counters (pcap_stats) of a live capture. */
export interface CaptureCounters {
  /** Packets the kernel handed over (ps_recv: Zeek's pkts_link). */
  readonly received: number;
  /** Packets dropped for want of buffer space (ps_drop: Zeek's pkts_dropped). */
  readonly dropped: number;
}

/** Zeek's NetStats: packets the engine received, dropped by the capture, seen on the link. */
interface NetStats {
  readonly recvd: number;
  readonly dropped: number;
  readonly link: number;
}

/** Starts the drop reports; `counters` gives libpcap's counters (null when there are none yet). */
export function loadNetstats(host: AnalyzerScriptHost, notices: NoticeLog, counters: () => CaptureCounters | null): void {
  const netStats = (): NetStats => {
    const c = counters();
    return { recvd: host.stats().pktsRecvd, dropped: c?.dropped ?? 0, link: c?.received ?? 0 };
  };
  const update = (last: NetStats): void => {
    const now = netStats();
    const dropped = now.dropped - last.dropped;
    if (dropped > 0) {
      const link = now.link - last.link;
      notices.notice({
        note: "PacketFilter::Dropped_Packets",
        msg: `${dropped} packets dropped after filtering, ${now.recvd - last.recvd + dropped} received${link !== 0 ? `, ${link} on link` : ""}`,
      });
    }
    schedule(now);
  };
  const schedule = (last: NetStats): void => host.scheduleEvent(networkTime(host) + STATS_COLLECTION_INTERVAL, () => update(last));
  host.on("zeek_init", () => schedule(netStats()));
}
