/**
 * Zeek's SumStats framework (base/frameworks/sumstats, the non-cluster
 * variant), on which Zeek's detection scripts count: observations go into
 * streams; each SumStat applies reducers (SUM, SAMPLE, UNIQUE, MIN, MAX,
 * AVERAGE, VARIANCE, STD_DEV, LAST, TOPK, HLL_UNIQUE) per key, calls `thresholdCrossed` the first time its
 * `thresholdVal` reaches the threshold (or each next value of a threshold
 * series), and at the end of each epoch hands every key's result to
 * `epochResult`. What Zeek's scripts do, kept here:
 *
 * - the first epoch is scheduled at zeek_init, when network time is still
 *   0, so it ends at the first packet; later ones `epoch` after the end of
 *   the previous one. Each end is a `schedule`d event (finish_epoch), which
 *   does nothing once the run is ending (zeek_done finishes it instead);
 * - an epoch's results go to `epochResult` in an event queued at its end
 *   (process_epoch_result), 50 keys at a time, the next 50 a scheduled
 *   0.01 s later, and `epochFinished` after the last (at once when there is
 *   no key); while the run ends, all of them at once;
 * - a SumStat without `epochResult` is never reset (Zeek's do_finish_epoch
 *   returns before resetting it), so its thresholds cross once per run;
 * - once a key crossed its threshold and no `epochResult` wants the data,
 *   its observations are no longer counted;
 * - a reduction that needs another one gets it first (VARIANCE the AVERAGE,
 *   STD_DEV the VARIANCE), whether asked for or not, as Zeek's plugin
 *   dependencies order a reducer's calculations;
 * - SAMPLE keeps a reservoir with Zeek's `rand`, so with a seed file the
 *   samples are Zeek's;
 * - TOPK counts the observations in a top-k counter (topk.ts) of the
 *   reducer's topkSize, made with the key's result (an empty result made for
 *   a threshold callback has one too); HLL_UNIQUE adds them to a
 *   HyperLogLog counter (hll.ts) made at the first one, and keeps its
 *   estimate rounded to a count. An observation is hashed as Zeek hashes
 *   its Observation record: num, dbl and str (and uid, which
 *   detect-sql-injection adds to the record when it is loaded), each
 *   `&optional`;
 * - at the end of input (zeek_done) every SumStat with an epoch finishes one
 *   last time.
 * Not reproduced: the order in which `epochResult` sees the keys (Zeek's
 * table order of its Key records; here the order keys were first observed).
 */
import { TableHasher } from "../../zeek-table/hash.js";
import { optionalFieldsKey, type ZeekKey } from "../../zeek-table/key-bytes.js";
import { zeekSetOrder } from "../../zeek-table/table.js";
import type { AnalyzerScriptHost } from "../host.js";
import type { ZeekRandom } from "../zeek-random.js";
import { CardinalityCounter } from "./hll.js";
import { type ProbabilisticReport, TopK } from "./topk.js";

export type Calculation = "SUM" | "SAMPLE" | "UNIQUE" | "MIN" | "MAX" | "AVERAGE" | "VARIANCE" | "STD_DEV" | "LAST" | "TOPK" | "HLL_UNIQUE";

/** The calculations each one needs done before it on every observation (Zeek's add_observe_plugin_dependency). */
const CALC_DEPS: Partial<Record<Calculation, readonly Calculation[]>> = { VARIANCE: ["AVERAGE"], STD_DEV: ["VARIANCE"] };

/** A reducer's calculations in the order they run: each after what it depends on, each once (Zeek's calc_funcs). */
export function calculationOrder(apply: readonly Calculation[]): Calculation[] {
  const order: Calculation[] = [];
  const add = (calc: Calculation): void => {
    for (const dep of CALC_DEPS[calc] ?? []) if (!order.includes(dep)) add(dep);
    if (!order.includes(calc)) order.push(calc);
  };
  for (const calc of apply) add(calc);
  return order;
}

/** SumStats::Key: what results are kept by (a host, a string, or both). */
export interface SumStatsKey {
  readonly host?: string;
  readonly str?: string;
}

/** SumStats::Observation (with the `uid` field detect-sql-injection adds). */
export interface Observation {
  readonly num?: number;
  readonly dbl?: number;
  readonly str?: string;
  readonly uid?: string;
}

export interface Reducer {
  /** The stream whose observations it reduces. */
  readonly stream: string;
  readonly apply: readonly Calculation[];
  /** SAMPLE: how many observations it keeps. */
  readonly numSamples?: number;
  /** LAST: how many of the latest observations it keeps (0: none). */
  readonly numLastElements?: number;
  /** UNIQUE: stop adding values once this many are kept (one more is kept, as Zeek's `<=` does). */
  readonly uniqueMax?: number;
  /** TOPK: how many values the top-k counter tracks (Zeek's topk_size, 500). */
  readonly topkSize?: number;
  /** HLL_UNIQUE: the counter's error margin and confidence (Zeek's hll_error_margin 0.01, hll_confidence 0.95). */
  readonly hllErrorMargin?: number;
  readonly hllConfidence?: number;
  /** Only observations it returns true for are counted. */
  readonly pred?: (key: SumStatsKey, obs: Observation) => boolean;
  readonly normalizeKey?: (key: SumStatsKey) => SumStatsKey;
}

/** SumStats::ResultVal: one reducer's result for one key. */
export interface ResultVal {
  begin: number;
  end: number;
  num: number;
  sum: number;
  min?: number;
  max?: number;
  average?: number;
  /** VARIANCE: the sample variance (0 below two observations). */
  variance?: number;
  /** STD_DEV: the variance's square root (0 until computed, as Zeek's &default). */
  stdDev: number;
  /** VARIANCE's running sum of squared differences (Welford's), and the average before the latest observation. */
  varS: number;
  prevAvg?: number;
  /** LAST: the latest numLastElements observations, oldest first. */
  lastElements: Observation[];
  samples: Observation[];
  sampleElements: number;
  unique: number;
  uniqueVals: Map<string, Observation> | null;
  /** TOPK: the top-k counter (topk_get_top, topk_count, topk_epsilon, topk_sum are its top, count, epsilon, sum). */
  topk?: TopK<Observation>;
  /** HLL_UNIQUE: the estimated number of distinct observations (0 before the first). */
  hllUnique: number;
  /** HLL_UNIQUE's counter. */
  card?: CardinalityCounter;
}

/** SumStats::Result: a key's results, by stream. */
export type Result = Map<string, ResultVal>;

export interface SumStat {
  readonly name: string;
  /** Seconds of network time; 0: epochs end only when a script asks (nextEpoch). */
  readonly epoch: number;
  readonly reducers: readonly Reducer[];
  readonly thresholdVal?: (key: SumStatsKey, result: Result) => number;
  readonly threshold?: number;
  readonly thresholdSeries?: readonly number[];
  readonly thresholdCrossed?: (key: SumStatsKey, result: Result) => void;
  readonly epochResult?: (ts: number, key: SumStatsKey, result: Result) => void;
  readonly epochFinished?: (ts: number) => void;
  /**
   * A handler of this SumStat's SumStats::finish_epoch event at a priority
   * above the framework's (weird-stats observes its counts there): it runs
   * each time the event does, also while the run ends, when the framework's
   * own handler does nothing.
   */
  readonly atEpochEnd?: () => void;
}

interface Registered {
  readonly ss: SumStat;
  /** Results by key (keyId), with the key itself. */
  results: Map<string, { key: SumStatsKey; result: Result }>;
  /** Thresholds crossed per key: 0 none; for a series, how many of its values. */
  crossed: Map<string, number>;
}

/** A key's identity: Zeek compares Key records field by field, an unset field differing from every set one. */
function keyId(key: SumStatsKey): string {
  return `${key.host === undefined ? "-" : `h${key.host}`}|${key.str === undefined ? "-" : `s${key.str}`}`;
}

function observationId(obs: Observation): string {
  const part = (v: number | string | undefined): string => (v === undefined ? "-" : `=${v}`);
  return `${part(obs.num)}|${part(obs.dbl)}|${part(obs.str)}|${part(obs.uid)}`;
}

/** Zeek's topk_size, hll_error_margin and hll_confidence defaults. */
const TOPK_SIZE = 500;
const HLL_ERROR_MARGIN = 0.01;
const HLL_CONFIDENCE = 0.95;

/** Zeek's llrint: to the nearest count, ties to even (`as count` of a double). */
function roundToCount(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export interface SumStatsOptions {
  /** Whether the Observation record has detect-sql-injection's `uid` field (its hash has one more optional field). */
  readonly observationUid?: boolean;
  /** Where the TOPK and HLL_UNIQUE counters report their errors (a script asking for a value not tracked). */
  readonly report?: ProbabilisticReport;
}

type SumStatsHost = Pick<AnalyzerScriptHost, "clock" | "scheduleEvent" | "queueEvent" | "on"> & Partial<Pick<AnalyzerScriptHost, "tableHash">>;

/** Keys handed to epochResult per process_epoch_result event, and the delay before the next (Zeek's non-cluster.zeek). */
const EPOCH_BATCH = 50;
const EPOCH_BATCH_DELAY = 0.01;
/** After every other net_done handler. */
const TERMINATING_PRIORITY = -1_000_000;

export class SumStats {
  private readonly stats = new Map<string, Registered>();
  /** Reducers by stream, with the SumStat each belongs to. */
  private readonly byStream = new Map<string, { reducer: Reducer; calcs: readonly Calculation[]; reg: Registered }[]>();

  constructor(
    private readonly host: SumStatsHost,
    private readonly random: ZeekRandom,
    private readonly options: SumStatsOptions = {},
  ) {
    // Zeek's zeek_is_terminating() turns true after net_done's handlers.
    host.on("net_done", () => void (this.terminating = true), { priority: TERMINATING_PRIORITY });
    // SumStats' own zeek_done handler (priority 10): the last epoch ends.
    host.on(
      "zeek_done",
      () => {
        for (const reg of this.stats.values()) if (reg.ss.epoch !== 0) this.finishEpoch(reg);
      },
      { priority: 10 },
    );
  }

  /** The run is ending (after net_done): finish_epoch events do nothing, results go out at once. */
  private terminating = false;

  /** SumStats::create (call it at zeek_init, as Zeek's scripts do). */
  create(ss: SumStat): void {
    const reg: Registered = { ss, results: new Map(), crossed: new Map() };
    this.stats.set(ss.name, reg);
    for (const reducer of ss.reducers) {
      let list = this.byStream.get(reducer.stream);
      if (list === undefined) this.byStream.set(reducer.stream, (list = []));
      list.push({ reducer, calcs: calculationOrder(reducer.apply), reg });
    }
    if (ss.epoch !== 0) this.scheduleEpoch(reg);
  }

  /** SumStats::observe: `obs` about `key` into every reducer of `stream`. */
  observe(stream: string, key: SumStatsKey, obs: Observation): void {
    const reducers = this.byStream.get(stream);
    if (reducers === undefined) return;
    for (const { reducer, calcs, reg } of reducers) {
      const k = reducer.normalizeKey !== undefined ? reducer.normalizeKey({ ...key }) : key;
      if (reducer.pred !== undefined && !reducer.pred(k, obs)) continue;
      const id = keyId(k);
      if (this.ignoresAfterCrossing(reg, id)) continue;
      let entry = reg.results.get(id);
      if (entry === undefined) reg.results.set(id, (entry = { key: k, result: new Map() }));
      let rv = entry.result.get(stream);
      if (rv === undefined) entry.result.set(stream, (rv = this.newResultVal(reducer)));
      rv.num++;
      rv.end = this.host.clock.now;
      // A string observation counts as 1.
      const val = obs.num ?? obs.dbl ?? 1;
      for (const calc of calcs) this.apply(calc, reducer, val, obs, rv);
      this.dataAdded(reg, id, entry.key, entry.result);
    }
  }

  /**
   * SumStats::request_key (outside a cluster: at once): the results of `key`
   * in SumStat `name`'s current epoch, by reducer stream; empty when there
   * are none.
   */
  requestKey(name: string, key: SumStatsKey): Result {
    return this.stats.get(name)?.results.get(keyId(key))?.result ?? new Map();
  }

  /** SumStats::next_epoch: ends (in an event queued now) the epoch of a SumStat without one of its own (epoch 0); false for others. */
  nextEpoch(name: string): boolean {
    const reg = this.stats.get(name);
    if (reg === undefined || reg.ss.epoch !== 0) return false;
    // `event SumStats::finish_epoch(ss)`: queued, and nothing once the run is ending.
    this.host.queueEvent(() => this.finishEpochEvent(reg));
    return true;
  }

  /**
   * Zeek skips counting for a key that crossed its threshold when nothing
   * reads the results at the epoch's end. Its condition groups as
   * `(no epoch_result && tracked && threshold && crossed) || (series && all crossed)`,
   * kept as written.
   */
  private ignoresAfterCrossing(reg: Registered, id: string): boolean {
    const ss = reg.ss;
    const tracked = ss.threshold !== undefined || ss.thresholdSeries !== undefined;
    const crossed = reg.crossed.get(id);
    if (ss.epochResult === undefined && tracked && ss.threshold !== undefined && crossed !== undefined && crossed !== 0) return true;
    return ss.thresholdSeries !== undefined && crossed !== undefined && crossed === ss.thresholdSeries.length;
  }

  private apply(calc: Calculation, reducer: Reducer, val: number, obs: Observation, rv: ResultVal): void {
    switch (calc) {
      case "SUM":
        rv.sum += val;
        break;
      case "MIN":
        rv.min = rv.min === undefined ? val : Math.min(rv.min, val);
        break;
      case "MAX":
        rv.max = rv.max === undefined ? val : Math.max(rv.max, val);
        break;
      case "AVERAGE":
        // Zeek's running mean, in its order of operations (the doubles it gives).
        rv.average = rv.average === undefined ? val : rv.average + (val - rv.average) / rv.num;
        break;
      case "VARIANCE":
        // After AVERAGE: Welford's update with the averages before and after this value, in Zeek's order of operations.
        if (rv.num > 1) rv.varS += (val - rv.prevAvg!) * (val - rv.average!);
        rv.variance = rv.num > 1 ? rv.varS / (rv.num - 1) : 0;
        rv.prevAvg = rv.average;
        break;
      case "STD_DEV":
        if (rv.variance !== undefined) rv.stdDev = Math.sqrt(rv.variance);
        break;
      case "LAST":
        if ((reducer.numLastElements ?? 0) > 0) {
          rv.lastElements.push(obs);
          if (rv.lastElements.length > reducer.numLastElements!) rv.lastElements.shift();
        }
        break;
      case "SAMPLE":
        this.sample(reducer, obs, rv);
        break;
      case "UNIQUE": {
        rv.uniqueVals ??= new Map();
        if (reducer.uniqueMax === undefined || rv.uniqueVals.size <= reducer.uniqueMax) rv.uniqueVals.set(observationId(obs), obs);
        rv.unique = rv.uniqueVals.size;
        break;
      }
      case "TOPK":
        rv.topk ??= this.newTopK(reducer);
        rv.topk.add(obs);
        break;
      case "HLL_UNIQUE":
        rv.card ??= new CardinalityCounter(reducer.hllErrorMargin ?? HLL_ERROR_MARGIN, reducer.hllConfidence ?? HLL_CONFIDENCE, {
          hasher: this.hasher(),
          report: this.options.report,
        });
        rv.card.add(this.observationKey(obs));
        rv.hllUnique = roundToCount(rv.card.estimate());
        break;
    }
  }

  /** The engine's keyed hash (the seed file's key); without an engine, one random key for all of this SumStats' counters. */
  private hasher(): TableHasher {
    return (this.ownHasher ??= this.host.tableHash ?? new TableHasher());
  }

  private ownHasher: TableHasher | undefined;

  /** Zeek's init_resultval: a reducer's empty result (with its top-k counter when it counts TOPK). */
  private newResultVal(reducer: Reducer): ResultVal {
    const now = this.host.clock.now;
    const rv: ResultVal = {
      begin: now,
      end: now,
      num: 0,
      sum: 0,
      stdDev: 0,
      varS: 0,
      lastElements: [],
      samples: [],
      sampleElements: 0,
      unique: 0,
      uniqueVals: null,
      hllUnique: 0,
    };
    if (reducer.apply.includes("TOPK")) rv.topk = this.newTopK(reducer);
    return rv;
  }

  private newTopK(reducer: Reducer): TopK<Observation> {
    return new TopK<Observation>(reducer.topkSize ?? TOPK_SIZE, { key: observationId, report: this.options.report });
  }

  /** The bytes Zeek hashes for an Observation record: its &optional fields num, dbl, str (and uid when the record has it). */
  private observationKey(obs: Observation): ZeekKey {
    const fields = [
      { kind: "count", value: obs.num },
      { kind: "double", value: obs.dbl },
      { kind: "string", value: obs.str },
    ] as const;
    if (this.options.observationUid !== true) return optionalFieldsKey("SumStats::Observation", fields);
    return optionalFieldsKey("SumStats::Observation", [...fields, { kind: "string", value: obs.uid }]);
  }

  /** The SAMPLE reservoir: the first numSamples observations, then each replaces a random one with probability numSamples/seen. */
  private sample(reducer: Reducer, obs: Observation, rv: ResultVal): void {
    rv.sampleElements++;
    const n = reducer.numSamples ?? 0;
    if (rv.samples.length < n) rv.samples.push(obs);
    else {
      const at = this.random.rand(rv.sampleElements);
      if (at < n) rv.samples[at] = obs;
    }
  }

  private dataAdded(reg: Registered, id: string, key: SumStatsKey, result: Result): void {
    const ss = reg.ss;
    if (ss.thresholdVal === undefined || (ss.threshold === undefined && ss.thresholdSeries === undefined)) return;
    this.fillResult(ss, result);
    const watch = ss.thresholdVal(key, result);
    const index = reg.crossed.get(id) ?? 0;
    const crossed =
      (ss.threshold !== undefined && index === 0 && watch >= ss.threshold) ||
      (ss.thresholdSeries !== undefined && ss.thresholdSeries.length > index && watch >= ss.thresholdSeries[index]!);
    if (!crossed || ss.thresholdCrossed === undefined) return;
    reg.crossed.set(id, index + 1);
    ss.thresholdCrossed(key, result);
  }

  /** A result holds every reducer's value (an empty one for streams not yet observed), so callbacks can read any. */
  private fillResult(ss: SumStat, result: Result): void {
    if (result.size === ss.reducers.length) return;
    for (const r of ss.reducers) if (!result.has(r.stream)) result.set(r.stream, this.newResultVal(r));
  }

  /** `schedule ss$epoch { SumStats::finish_epoch(ss) }`: an event that does nothing once the run is ending. */
  private scheduleEpoch(reg: Registered): void {
    this.host.scheduleEvent(this.host.clock.now + reg.ss.epoch, () => this.finishEpochEvent(reg));
  }

  /** The SumStats::finish_epoch event: its higher-priority handler, then the framework's (nothing once the run is ending). */
  private finishEpochEvent(reg: Registered): void {
    reg.ss.atEpochEnd?.();
    if (!this.terminating) this.finishEpoch(reg);
  }

  /** Zeek's do_finish_epoch: the epoch's results handed over, the SumStat reset, the next epoch scheduled. */
  private finishEpoch(reg: Registered): void {
    const ss = reg.ss;
    if (ss.epochResult === undefined) return;
    const now = this.host.clock.now;
    const results = this.inTableOrder(reg.results);
    if (this.terminating) {
      for (const { key, result } of results) ss.epochResult(now, key, result);
      ss.epochFinished?.(now);
    } else if (results.length > 0) this.host.queueEvent(() => this.processEpochResult(ss, now, results));
    else ss.epochFinished?.(now);
    reg.results = new Map();
    if (reg.crossed.size > 0) reg.crossed = new Map();
    // Zeek's schedule does nothing while it is terminating.
    if (ss.epoch !== 0 && !this.terminating) this.scheduleEpoch(reg);
  }

  /**
   * The epoch's results in the order Zeek's `for ( key, res in data )`
   * walks its table[Key] of Result, which an epoch only adds to: by the
   * hashes of the Key records ({str, host}, both &optional).
   */
  private inTableOrder(results: Registered["results"]): { key: SumStatsKey; result: Result }[] {
    const hasher = this.hasher();
    const out = new Uint32Array(2);
    const hash = (id: string): number => {
      const key = results.get(id)!.key;
      const { bytes } = optionalFieldsKey("SumStats::Key", [
        { kind: "string", value: key.str },
        { kind: "addr", value: key.host },
      ]);
      hasher.hash64(bytes, out);
      return out[1]!;
    };
    return zeekSetOrder(hash, [...results.keys()]).map((id) => results.get(id)!);
  }

  /** SumStats::process_epoch_result: EPOCH_BATCH keys, the rest a scheduled event EPOCH_BATCH_DELAY later. */
  private processEpochResult(ss: SumStat, now: number, results: { key: SumStatsKey; result: Result }[]): void {
    for (const { key, result } of results.splice(0, EPOCH_BATCH)) ss.epochResult!(now, key, result);
    if (results.length > 0) this.host.scheduleEvent(this.host.clock.now + EPOCH_BATCH_DELAY, () => this.processEpochResult(ss, now, results));
    else ss.epochFinished?.(now);
  }
}
