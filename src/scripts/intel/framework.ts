/**
 * Zeek's Intelligence framework (base/frameworks/intel/main.zeek and
 * files.zeek): an in-memory store of indicators, Intel::seen to check what
 * scripts see against it, the intel_match event (Zeek's Intel::match) and
 * intel.log. Scripts take part through Zeek's hooks, as functions given to
 * the on… methods: a handler returning false is Zeek's `break` (the later
 * handlers do not run, and the hook's caller sees it broken).
 *
 * One framework per engine, made when something first uses it (a seen
 * script, an intel file, a user script asking for it): a run that does
 * neither pays nothing, no handler is registered.
 */
import type { LogManager } from "../../log/manager.js";
import { CONN_ID_COLUMNS, fields, type LogField } from "../../log/schema.js";
import type { LogWriter } from "../../log/writer.js";
import { zeekSetOrder } from "../../zeek-table/table.js";
import { Hook, type HookFn } from "../hook.js";
import type { AnalyzerScriptHost } from "../host.js";
import type { PolicyScriptContext } from "../policy-scripts.js";
import { extendedFields, extendRow, type RecordExtension } from "../record-extensions.js";
import { describeFile } from "./describe.js";
import { type IntelEntry, IntelStore } from "./store.js";
import { INTEL_TYPES, type IntelInfo, type IntelItem, type IntelMetaData, type IntelSeen, type IntelType } from "./types.js";

/** intel.log's columns (Intel::Info with files.zeek's three). */
export const INTEL_FIELDS: readonly LogField[] = fields(
  ...CONN_ID_COLUMNS,
  ["seen.indicator", "string"],
  ["seen.indicator_type", "enum"],
  ["seen.where", "enum"],
  ["seen.node", "string"],
  ["matched", "set[enum]"],
  ["sources", "set[string]"],
  ["fuid", "string"],
  ["file_mime_type", "string"],
  ["file_desc", "string"],
);

/** Zeek's peer_description outside a cluster: seen.node's default. */
const PEER_DESCRIPTION = "zeek";
/** The priorities of Zeek's own extend_match handlers: main.zeek's and files.zeek's. */
const BASE_EXTEND_PRIORITY = 5;
const FILES_EXTEND_PRIORITY = 6;

/** What the framework writes and reports with. */
export interface IntelDeps {
  readonly logs: LogManager;
  /** Reporter::info, for removals of items that are not there. */
  readonly info?: (message: string) => void;
}

export class Intel {
  readonly store = new IntelStore();
  private readonly seenPolicy = new Hook<[s: IntelSeen, found: boolean]>();
  private readonly extendMatch = new Hook<[info: IntelInfo, s: IntelSeen, items: readonly IntelItem[]]>();
  private readonly filterItem = new Hook<[item: IntelItem]>();
  private readonly itemExpired = new Hook<[indicator: string, type: IntelType, metas: readonly IntelMetaData[]]>();
  private readonly indicatorInserted = new Hook<[indicator: string, type: IntelType]>();
  private readonly indicatorRemoved = new Hook<[indicator: string, type: IntelType]>();
  private writer: LogWriter | null = null;
  private sweeping = false;
  /** A sweep ran: network time is known (items written before count from the first sweep's packet). */
  private swept = false;
  /** Indicators in the store by type (seen/manage-event-groups turns a type's seen handlers off while it has none). */
  private readonly typeCounts = new Map<IntelType, number>();
  /** seen/manage-event-groups is loaded (and Intel::manage_seen_event_groups set). */
  manageSeenGroups = false;
  /** The policy scripts' intel.log columns (Zeek's `redef record Intel::Info += { … &log }`), in load order. */
  private readonly extensions: RecordExtension<IntelInfo>[] = [];

  constructor(
    private readonly host: AnalyzerScriptHost,
    private readonly deps: IntelDeps,
  ) {
    this.extendMatch.add((info, s) => this.addFileInfo(info, s), FILES_EXTEND_PRIORITY);
    this.extendMatch.add((info, s, items) => this.addMatchInfo(info, s, items), BASE_EXTEND_PRIORITY);
    host.on("intel_match", (s, items) => this.logMatch(s, items), { priority: BASE_EXTEND_PRIORITY });
  }

  // ---------------------------------------------------------------- hooks

  /** Intel::seen_policy: after the store was searched for `s`; false suppresses the match (no event, no log). */
  onSeenPolicy(fn: HookFn<[s: IntelSeen, found: boolean]>, priority = 0): void {
    this.seenPolicy.add(fn, priority);
  }

  /** Intel::extend_match: fills or vetoes an intel.log row (false: not logged); the framework's own run at 5 and 6. */
  onExtendMatch(fn: HookFn<[info: IntelInfo, s: IntelSeen, items: readonly IntelItem[]]>, priority = 0): void {
    this.extendMatch.add(fn, priority);
  }

  /** Intel::filter_item: false keeps an item out of the store. */
  onFilterItem(fn: HookFn<[item: IntelItem]>, priority = 0): void {
    this.filterItem.add(fn, priority);
  }

  /** Intel::item_expired: an item reached Intel::item_expiration; false removes it, else its time starts again. */
  onItemExpired(fn: HookFn<[indicator: string, type: IntelType, metas: readonly IntelMetaData[]]>, priority = 0): void {
    this.itemExpired.add(fn, priority);
  }

  /** Intel::indicator_inserted: an indicator entered the store (not again for later sources of it). */
  onIndicatorInserted(fn: HookFn<[indicator: string, type: IntelType]>, priority = 0): void {
    this.indicatorInserted.add(fn, priority);
  }

  /** Intel::indicator_removed: an indicator left the store. */
  onIndicatorRemoved(fn: HookFn<[indicator: string, type: IntelType]>, priority = 0): void {
    this.indicatorRemoved.add(fn, priority);
  }

  /** Adds a policy script's columns to intel.log; before its first row, whose header they are part of. */
  extendLog(extension: RecordExtension<IntelInfo>): void {
    if (this.writer !== null) throw new Error(`${extension.script}: intel.log is already written, its columns are fixed`);
    this.extensions.push(extension);
  }

  // ---------------------------------------------------------------- the store

  /**
   * Intel::insert: adds the item's metadata to its indicator (replacing the
   * same source's), unless a filter_item handler breaks. An ADDR that is not
   * an address or a SUBNET that is not a subnet is refused with an Error.
   */
  insert(item: IntelItem): void {
    if (!this.filterItem.run(item)) return;
    const made = this.store.entry(item.indicator, item.indicator_type, this.host.clock.now);
    if (made === null) throw new Error(`not a valid ${item.indicator_type} indicator: ${JSON.stringify(item.indicator)}`);
    const { entry, isNew } = made;
    // Every write restarts the item's expiration (Zeek's &write_expire); before any packet there is no time yet (NaN).
    entry.written = this.swept ? this.host.clock.now : Number.NaN;
    entry.metas.set(item.meta.source, item.meta);
    if (isNew) {
      this.typeCounts.set(entry.type, (this.typeCounts.get(entry.type) ?? 0) + 1);
      this.host.raise("intel_new_item", item);
      this.indicatorInserted.run(entry.indicator, entry.type);
      this.startExpiring();
    }
  }

  /**
   * Intel::remove: takes the source's metadata off the indicator, and the
   * indicator out once no metadata is left or with `purge`. An indicator
   * not in the store is reported (Reporter::info), as Zeek's.
   */
  remove(item: IntelItem, purge = false): void {
    const entry = this.store.get(item.indicator, item.indicator_type);
    if (entry === undefined) {
      this.deps.info?.(`Tried to remove non-existing item '${item.indicator}' (${item.indicator_type}).`);
      return;
    }
    entry.metas.delete(item.meta.source);
    if (entry.metas.size > 0 && !purge) return;
    this.store.delete(item.indicator, item.indicator_type);
    this.typeCounts.set(entry.type, (this.typeCounts.get(entry.type) ?? 1) - 1);
    this.indicatorRemoved.run(entry.indicator, entry.type);
  }

  /**
   * Whether the seen handlers of a type run (Zeek's event group named after
   * it): always, unless seen/manage-event-groups keeps a type's off while
   * the store has no indicator of it.
   */
  seenGroupEnabled(type: IntelType): boolean {
    return !this.manageSeenGroups || (this.typeCounts.get(type) ?? 0) > 0;
  }

  // ---------------------------------------------------------------- matching

  /**
   * Intel::seen: checks `s` against the store. An address matches its ADDR
   * item and every SUBNET containing it; other indicators match their type's
   * item, case-insensitively. seen_policy runs either way; a match raises
   * intel_match (queued, as Zeek's event) with every source's item.
   */
  seen(s: IntelSeen): void {
    const found = this.find(s);
    if (!this.seenPolicy.run(s, found) || !found) return;
    if (s.host !== undefined) {
      s.indicator = s.host;
      s.indicator_type = "Intel::ADDR";
    }
    s.node ??= PEER_DESCRIPTION;
    this.host.raise("intel_match", s, this.items(s));
  }

  private find(s: IntelSeen): boolean {
    if (s.host !== undefined) return this.store.host(s.host) !== undefined || this.store.subnetsOf(s.host).length > 0;
    if (s.indicator === undefined || s.indicator_type === undefined) return false;
    return this.store.text(s.indicator, s.indicator_type) !== undefined;
  }

  /** The items `s` matches: for an address its subnets' (least specific first), then its own. */
  private items(s: IntelSeen): IntelItem[] {
    const out: IntelItem[] = [];
    const add = (indicator: string, entry: IntelEntry) => {
      for (const meta of entry.metas.values()) out.push({ indicator, indicator_type: entry.type, meta });
    };
    if (s.host !== undefined) {
      for (const net of this.store.subnetsOf(s.host)) add(net.indicator, net);
      const own = this.store.host(s.host);
      if (own !== undefined) add(own.indicator, own);
    } else {
      // The item carries the indicator as seen, not as stored (Zeek's get_items).
      const entry = this.store.text(s.indicator!, s.indicator_type!);
      if (entry !== undefined) add(s.indicator!, entry);
    }
    return out;
  }

  // ---------------------------------------------------------------- intel.log

  /** main.zeek's Intel::match handler (priority 5): the row, unless an extend_match handler breaks. */
  private logMatch(s: IntelSeen, items: readonly IntelItem[]): void {
    const info: IntelInfo = { ts: this.host.clock.now, seen: s, matched: [], sources: [] };
    if (!this.extendMatch.run(info, s, items)) return;
    this.writer ??= this.deps.logs.open({ path: "intel", fields: extendedFields(INTEL_FIELDS, this.extensions) });
    const hash = this.host.tableHash;
    const matched = zeekSetOrder(
      hash.count,
      info.matched.map((t) => INTEL_TYPES.indexOf(t)),
    ).map((i) => INTEL_TYPES[i]!);
    const row = [
      info.ts,
      info.uid,
      info.id?.orig_h,
      info.id?.orig_p,
      info.id?.resp_h,
      info.id?.resp_p,
      s.indicator,
      s.indicator_type,
      s.where,
      s.node,
      matched,
      zeekSetOrder(hash.string, info.sources),
      info.fuid,
      info.file_mime_type,
      info.file_desc,
    ];
    // No intel.log extension keeps rows out (extend_match is where they are vetoed): extendRow gives the row.
    this.writer.write(extendRow(row, info, this.extensions) ?? row);
    this.host.raise("log_intel", info);
  }

  /** main.zeek's extend_match handler: the connection's uid and id, the items' types and sources. */
  private addMatchInfo(info: IntelInfo, s: IntelSeen, items: readonly IntelItem[]): void {
    if (s.conn !== undefined) {
      s.uid = s.conn.uid;
      info.id = s.conn.id;
    }
    if (s.uid !== undefined) info.uid = s.uid;
    for (const item of items) {
      if (!info.sources.includes(item.meta.source)) info.sources.push(item.meta.source);
      if (!info.matched.includes(item.indicator_type)) info.matched.push(item.indicator_type);
    }
  }

  /** files.zeek's extend_match handler: the file's uid, MIME type and description, and its connection when it has one. */
  private addFileInfo(info: IntelInfo, s: IntelSeen): void {
    const f = s.f;
    if (f !== undefined) {
      s.fuid = f.id;
      if (f.conns.size === 1) s.conn = f.conns.values().next().value;
      if (info.file_mime_type === undefined && f.info?.mime_type !== undefined) info.file_mime_type = f.info.mime_type;
      info.file_desc ??= describeFile(this.host, f);
    }
    if (s.fuid !== undefined) info.fuid = s.fuid;
  }

  // ---------------------------------------------------------------- expiration

  /** Intel::item_expiration in seconds; negative: items never expire. */
  private expiration(): number {
    return this.host.settings["Intel::item_expiration"];
  }

  /** Zeek's table_expire_interval: how often expired items are looked for. */
  private sweepInterval(): number {
    // Never 0: a sweep due at the time it runs would come again at once.
    return Math.max(this.host.settings.table_expire_interval, 0.001);
  }

  /** Starts the sweeps for expired items once there are items and an expiration (Zeek checks tables every table_expire_interval). */
  private startExpiring(): void {
    if (this.sweeping || this.expiration() < 0) return;
    this.sweeping = true;
    // The first sweep comes with the next packet, which gives the times of the items written until then.
    this.host.schedule(this.swept ? this.host.clock.now + this.sweepInterval() : 0, (now) => this.sweep(now));
  }

  /**
   * Items not written for Intel::item_expiration go through item_expired:
   * removed when a handler breaks, else their time starts again. Items
   * inserted before the first packet count from it.
   */
  private sweep(now: number): void {
    const limit = this.expiration();
    this.swept = true;
    for (const entry of this.store.entries()) {
      if (Number.isNaN(entry.written)) entry.written = now;
      if (now - entry.written < limit) continue;
      if (this.itemExpired.run(entry.indicator, entry.type, [...entry.metas.values()])) entry.written = now;
      else this.remove({ indicator: entry.indicator, indicator_type: entry.type, meta: { source: "" } }, true);
    }
    if (this.store.size === 0) this.sweeping = false;
    else this.host.schedule(now + this.sweepInterval(), (t) => this.sweep(t));
  }
}

/** The run's framework, for a policy script's handlers. */
export function intelOf(host: AnalyzerScriptHost, context: PolicyScriptContext): Intel {
  return intelFramework(host, { logs: context.logs, info: (message) => context.reporter.info(message) });
}

/** Each engine's framework. */
const frameworks = new WeakMap<AnalyzerScriptHost, Intel>();

/** The Intel framework of `host` (one per engine), made on first use; `deps` are used when it is made. */
export function intelFramework(host: AnalyzerScriptHost, deps: IntelDeps): Intel {
  let intel = frameworks.get(host);
  if (intel === undefined) frameworks.set(host, (intel = new Intel(host, deps)));
  return intel;
}
