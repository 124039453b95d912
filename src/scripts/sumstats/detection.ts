/**
 * What Zeek's detection policy scripts (policy/protocols/ssh/
 * detect-bruteforcing and the like) stand on: events, the SumStats
 * framework that counts, and the notice framework that reports.
 */
import type { AnalyzerScriptHost } from "../host.js";
import type { NoticeLog } from "../notice.js";
import type { SumStats } from "./sumstats.js";

export interface DetectionContext {
  readonly host: AnalyzerScriptHost;
  readonly sumstats: SumStats;
  readonly notices: NoticeLog;
}

/** A detection policy script: its Zeek name (under policy/, without it) and what loading it does. */
export interface DetectionScript {
  readonly script: string;
  load(ctx: DetectionContext): void;
}
