/**
 * Zeek's policy/misc/weird-stats: weird_stats.log, how many times each weird
 * was reported (sampled out or not: get_reporter_stats()$weirds_by_type)
 * during each WeirdStats::weird_stat_interval. On SumStats, as Zeek's
 * script: when an epoch ends (its SumStats::finish_epoch, before the
 * framework's handler) each name's running count is observed; the epoch's
 * results are those counts, and a row goes out for each name whose count
 * grew since the previous epoch, in Zeek's table order of the names, at
 * the epoch's end time. The last epoch ends with the run (zeek_done).
 */
import type { LogManager } from "../log/manager.js";
import { fields, type LogField } from "../log/schema.js";
import { ZeekTable } from "../zeek-table/table.js";
import type { AnalyzerScriptHost } from "./host.js";
import type { PolicyScript } from "./policy-scripts.js";
import type { SumStat, SumStats } from "./sumstats/sumstats.js";

export const WEIRD_STATS_FIELDS: readonly LogField[] = fields(["ts", "time"], ["name", "string"], ["num_seen", "count"]);

const STREAM = "weirds.encountered";

export function loadWeirdStats(host: AnalyzerScriptHost, logs: LogManager, sumstats: SumStats): void {
  const log = logs.open({ path: "weird_stats", fields: WEIRD_STATS_FIELDS });
  /** this_epoch_weirds and last_epoch_weirds: running counts by name. */
  let thisEpoch = new ZeekTable<string, number>(host.tableHash.string);
  let lastEpoch = new ZeekTable<string, number>(host.tableHash.string);
  const stat: SumStat = {
    name: "weirds.statistics",
    epoch: host.settings["WeirdStats::weird_stat_interval"],
    reducers: [{ stream: STREAM, apply: ["SUM"] }],
    atEpochEnd: () => {
      for (const [name, n] of host.stats().weirdsByType) sumstats.observe(STREAM, { str: name }, { dbl: n });
    },
    epochResult: (_ts, key, result) => void thisEpoch.set(key.str!, result.get(STREAM)!.sum),
    epochFinished: (ts) => {
      for (const [name, count] of thisEpoch.entries()) {
        const seen = count - (lastEpoch.get(name) ?? 0);
        if (seen > 0) log.write([ts, name, seen]);
      }
      lastEpoch = thisEpoch;
      thisEpoch = new ZeekTable<string, number>(host.tableHash.string);
    },
  };
  // Created at zeek_init (priority 5), as Zeek's script does: the first epoch ends at the first packet.
  host.on("zeek_init", () => sumstats.create(stat), { priority: 5 });
}

export const WEIRD_STATS_SCRIPT: PolicyScript = {
  script: "policy/misc/weird-stats",
  what: "weird_stats.log",
  load: (host, { logs, sumstats }) => loadWeirdStats(host, logs, sumstats()),
};
