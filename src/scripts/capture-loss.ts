/**
 * Zeek's policy/misc/capture-loss: capture_loss.log, an estimate of the
 * packets the capture missed, as the share of TCP ACKs that acked data never
 * seen (get_gap_stats). The first measurement starts
 * CaptureLoss::initial_watch_interval after the start (network time 0 at
 * zeek_init, so its timer is due at the first packet, which only starts the
 * count); each later one covers CaptureLoss::watch_interval, and the one
 * pending at the end of input is taken then (Zeek expires its timer).
 */
import type { LogManager } from "../log/manager.js";
import { formatFixed } from "../log/numbers.js";
import { fields, type LogField } from "../log/schema.js";
import type { AnalyzerScriptHost } from "./host.js";
import type { NoticeLog } from "./notice.js";

export const CAPTURE_LOSS_SCRIPT = "policy/misc/capture-loss";

export const CAPTURE_LOSS_FIELDS: readonly LogField[] = fields(
  ["ts", "time"],
  ["ts_delta", "interval"],
  ["peer", "string"],
  ["gaps", "count"],
  ["acks", "count"],
  ["percent_lost", "double"],
);

/** Zeek's peer_description default. */
const PEER = "zeek";

export interface CaptureLoss {
  /** The event CaptureLoss::take_measurement(last_ts, last_acks, last_gaps), handled now. */
  takeMeasurement(lastTs: number, lastAcks: number, lastGaps: number): void;
}

export function loadCaptureLoss(host: AnalyzerScriptHost, logs: LogManager, notices: NoticeLog): CaptureLoss {
  const log = logs.open({ path: "capture_loss", fields: CAPTURE_LOSS_FIELDS });
  const settings = host.settings;
  const schedule = (at: number, lastTs: number, lastAcks: number, lastGaps: number) =>
    host.scheduleEvent(at, () => takeMeasurement(lastTs, lastAcks, lastGaps));

  const takeMeasurement = (lastTs: number, lastAcks: number, lastGaps: number): void => {
    const now = networkTime(host);
    if (lastTs === 0) {
      // Not a measurement: the count starts now.
      schedule(now + settings["CaptureLoss::initial_watch_interval"], now, 0, 0);
      return;
    }
    const g = host.stats().gaps;
    const acks = g.ackEvents - lastAcks;
    const gaps = g.gapEvents - lastGaps;
    const pctLost = acks === 0 ? 0 : (100 * gaps) / acks;
    if (pctLost >= settings["CaptureLoss::too_much_loss"] * 100) {
      notices.notice({ note: "CaptureLoss::Too_Much_Loss", msg: `The capture loss script detected an estimated loss rate above ${formatFixed(pctLost, 3)}%` });
    }
    const minimum = settings["CaptureLoss::minimum_acks"];
    if (acks < minimum)
      notices.notice({ note: "CaptureLoss::Too_Little_Traffic", msg: `Only observed ${acks} TCP ACKs and was expecting at least ${minimum}.` });
    log.write([now, now - lastTs, PEER, gaps, acks, pctLost]);
    schedule(now + settings["CaptureLoss::watch_interval"], now, g.ackEvents, g.gapEvents);
  };

  // zeek_init at &priority=5: network time is 0 there, so the timer is due at the first packet.
  host.on("zeek_init", () => schedule(settings["CaptureLoss::initial_watch_interval"], 0, 0, 0), { priority: 5 });
  return { takeMeasurement };
}

/** Zeek's network_time(): 0 until the first packet (bronze's clock starts at 1.0; see Engine.clock). */
export function networkTime(host: AnalyzerScriptHost): number {
  return host.networkTime;
}
