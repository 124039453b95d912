/**
 * Zeek's policy/frameworks/netcontrol/catch-and-release (standalone node):
 * an address is blocked for a short time, then released but watched; if it
 * shows up again while watched it is blocked again, each time for the next
 * of NetControl::catch_release_intervals. netcontrol_catch_release.log
 * records each step. Watched addresses are forgotten when their watch is
 * over, found by sweeps every table_expire_interval as Zeek's expiring
 * table finds them.
 */
import { registerEvents } from "../../event/events.js";
import type { Connection } from "../../event/records.js";
import { formatFixed6 } from "../../log/numbers.js";
import { fields, type LogField } from "../../log/schema.js";
import type { LogWriter } from "../../log/writer.js";
import type { AnalyzerScriptHost } from "../host.js";
import type { PolicyScript } from "../policy-scripts.js";
import { describeTime, record } from "./describe.js";
import { type NetControl, netControlFramework } from "./framework.js";
import { hostSubnet } from "./helpers.js";
import type { Entity, FlowInfo, PluginState, Rule } from "./types.js";

export const CATCH_RELEASE_SCRIPT = "policy/frameworks/netcontrol/catch-and-release";

/** NetControl::BlockInfo: an address's state. */
export interface BlockInfo {
  block_until?: number;
  watch_until: number;
  num_reblocked: number;
  /** Index into catch_release_intervals of the current block. */
  current_interval: number;
  current_block_id: string;
  location?: string;
}

export type CatchReleaseAction =
  | "NetControl::INFO"
  | "NetControl::ADDED"
  | "NetControl::DROP_REQUESTED"
  | "NetControl::DROPPED"
  | "NetControl::UNBLOCK"
  | "NetControl::FORGOTTEN"
  | "NetControl::SEEN_AGAIN";

/** A netcontrol_catch_release.log row (NetControl::CatchReleaseInfo). */
export interface CatchReleaseInfo {
  ts: number;
  rule_id?: string;
  ip: string;
  action: CatchReleaseAction;
  block_interval?: number;
  watch_interval?: number;
  blocked_until?: number;
  watched_until?: number;
  num_blocked?: number;
  location?: string;
  message?: string;
  plugin?: string;
}

export interface CatchReleaseEvents {
  /** An address's watch ended: catch-and-release forgot it. */
  "NetControl::catch_release_forgotten": [a: string, bi: BlockInfo];
  /** A netcontrol_catch_release.log row was written. */
  "NetControl::log_netcontrol_catch_release": [rec: CatchReleaseInfo];
}

declare module "../../event/events.js" {
  interface EventMap extends CatchReleaseEvents {}
}

registerEvents<CatchReleaseEvents>({ "NetControl::catch_release_forgotten": true, "NetControl::log_netcontrol_catch_release": true });

export const CATCH_RELEASE_FIELDS: readonly LogField[] = fields(
  ["ts", "time"],
  ["rule_id", "string"],
  ["ip", "addr"],
  ["action", "enum"],
  ["block_interval", "interval"],
  ["watch_interval", "interval"],
  ["blocked_until", "time"],
  ["watched_until", "time"],
  ["num_blocked", "count"],
  ["location", "string"],
  ["message", "string"],
  ["plugin", "string"],
);

/** The connection events whose originator counts as seen (watch_connections). */
const WATCHED_EVENTS = [
  "new_connection",
  "connection_established",
  "partial_connection",
  "connection_attempt",
  "connection_rejected",
  "connection_reset",
  "connection_pending",
] as const;

const ADDED_OUTSIDE =
  "Address already blocked outside of catch-and-release. Catch and release will monitor and only actively block if it appears in network traffic.";

/** A watched address and when the sweep looks at it next. */
interface Watched {
  bi: BlockInfo;
  checkAt: number;
}

export class CatchAndRelease {
  private readonly blocks = new Map<string, Watched>();
  private writer: LogWriter | null = null;
  private sweeping = false;
  private readonly intervals: readonly number[];

  private readonly host: AnalyzerScriptHost;

  constructor(private readonly nc: NetControl) {
    const host = nc.host;
    this.host = host;
    this.intervals = host.settings["NetControl::catch_release_intervals"];
    host.on("NetControl::rule_added", (r, p, msg) => this.outcome(r, p, "NetControl::DROPPED", msg === "" ? undefined : msg));
    host.on("NetControl::rule_exists", (r, p, msg) => this.outcome(r, p, "NetControl::INFO", `${msg}Existing rule encountered while inserting rule`));
    host.on("NetControl::rule_error", (r, p, msg) => this.outcome(r, p, "NetControl::INFO", `Error occurred during rule operation: ${msg}`));
    host.on("NetControl::rule_timeout", (r, _i: FlowInfo, p) => this.outcome(r, p, "NetControl::UNBLOCK", this.lateness(r)));
    if (!host.settings["NetControl::watch_connections"]) return;
    const seen = (c: Connection) => {
      if (this.blocks.size > 0) this.seen(c.id.orig_h);
    };
    for (const name of WATCHED_EVENTS) host.on(name, seen);
  }

  // ---------------------------------------------------------------- the API

  /** NetControl::get_catch_release_info: the address's state (watch_until 0 when it is not watched). */
  info(a: string): BlockInfo {
    return this.blocks.get(a)?.bi ?? { watch_until: 0, num_reblocked: 0, current_interval: 0, current_block_id: "" };
  }

  /** NetControl::drop_address_catch_release: blocks `a` for the first interval, then watches it. */
  drop(a: string, location = ""): BlockInfo {
    const known = this.blocks.get(a);
    if (known !== undefined) {
      this.write({ ...this.record(a, known.bi, "NetControl::INFO"), message: "Already blocked using catch-and-release - ignoring duplicate" });
      return known.bi;
    }
    const now = this.nc.now();
    const existing = this.nc.entityRule(addressEntity(a), "NetControl::DROP");
    if (existing !== undefined) {
      const bi = this.newBlock(now, existing.id, location);
      this.write({ ...this.record(a, bi, "NetControl::ADDED"), message: ADDED_OUTSIDE });
      this.watch(a, bi);
      return bi;
    }
    const id = this.nc.dropAddress(a, this.intervals[0]!, location);
    if (id === "") {
      this.nc.deps.error?.(`Catch and release could not add block for ${a}; failing.`);
      return { watch_until: 0, num_reblocked: 0, current_interval: 0, current_block_id: "" };
    }
    const bi = { ...this.newBlock(now, id, location), block_until: now + this.intervals[0]! };
    this.watch(a, bi);
    this.write(this.record(a, bi, "NetControl::DROP_REQUESTED"));
    return bi;
  }

  /** NetControl::unblock_address_catch_release: stops watching `a` (and removes its block if still in place). */
  unblock(a: string, reason = ""): boolean {
    const known = this.blocks.get(a);
    if (known === undefined) return false;
    const bi = known.bi;
    const row = this.record(a, bi, "NetControl::UNBLOCK");
    if (reason !== "") row.message = reason;
    this.write(row);
    this.blocks.delete(a);
    if (bi.block_until !== undefined && bi.block_until > this.nc.now() && bi.current_block_id !== "") this.nc.removeRule(bi.current_block_id, reason);
    return true;
  }

  /** NetControl::catch_release_seen: `a` showed up; if watched and not blocked, it is blocked again for the next interval. */
  seen(a: string): void {
    const known = this.blocks.get(a);
    if (known === undefined) return;
    const bi = known.bi;
    if (this.nc.entityRule(addressEntity(a), "NetControl::DROP") !== undefined) {
      if (!this.host.settings["NetControl::catch_release_warn_blocked_ip_encountered"]) return;
      this.write({ ...this.record(a, bi, "NetControl::INFO"), message: "Block seen while in rule_entities. No action taken." });
      return;
    }
    const now = this.nc.now();
    const next = Math.min(bi.current_interval + 1, this.intervals.length - 1);
    bi.current_interval = next;
    bi.watch_until = now + this.watchInterval(next);
    bi.block_until = now + this.intervals[next]!;
    bi.num_reblocked++;
    bi.current_block_id = this.nc.dropAddress(a, this.intervals[next]!, `Re-drop by catch-and-release: ${bi.location ?? ""}`);
    this.write(this.record(a, bi, "NetControl::SEEN_AGAIN"));
  }

  // ---------------------------------------------------------------- internals

  private newBlock(now: number, id: string, location: string): BlockInfo {
    const bi: BlockInfo = { watch_until: now + this.watchInterval(0), num_reblocked: 0, current_interval: 0, current_block_id: id };
    if (location !== "") bi.location = location;
    return bi;
  }

  /** How long an address is watched after block `i`: the next block's length (the last one's, past the end). */
  private watchInterval(i: number): number {
    return this.intervals[i + 1] ?? this.intervals[i]!;
  }

  /** The row of a rule outcome on an address catch-and-release watches (its /32 or /128 drop). */
  private outcome(r: Rule, p: PluginState, action: CatchReleaseAction, message: string | undefined): void {
    const a = watchedAddress(r);
    const known = a === null ? undefined : this.blocks.get(a);
    if (known === undefined) return;
    const row = this.record(a!, known.bi, action);
    row.plugin = p.plugin.name(p);
    if (message !== undefined) row.message = message;
    this.write(row);
  }

  /** A timeout far from the planned end of the block is worth a message. */
  private lateness(r: Rule): string | undefined {
    const a = watchedAddress(r);
    const bi = a === null ? undefined : this.blocks.get(a)?.bi;
    if (bi?.block_until === undefined) return undefined;
    const difference = this.nc.now() - bi.block_until;
    return Math.abs(difference) > 60 ? `Difference between network_time and block time excessive: ${formatFixed6(difference)}` : undefined;
  }

  private record(ip: string, bi: BlockInfo, action: CatchReleaseAction): CatchReleaseInfo {
    const row: CatchReleaseInfo = {
      ts: this.nc.now(),
      ip,
      action,
      block_interval: this.intervals[bi.current_interval],
      watch_interval: this.watchInterval(bi.current_interval),
      watched_until: bi.watch_until,
      num_blocked: bi.num_reblocked + 1,
    };
    if (bi.block_until !== undefined) row.blocked_until = bi.block_until;
    if (bi.current_block_id !== "") row.rule_id = bi.current_block_id;
    if (bi.location !== undefined) row.location = bi.location;
    return row;
  }

  private write(i: CatchReleaseInfo): void {
    this.writer ??= this.nc.deps.logs.open({ path: "netcontrol_catch_release", fields: CATCH_RELEASE_FIELDS });
    this.writer.write([
      i.ts,
      i.rule_id,
      i.ip,
      i.action,
      i.block_interval,
      i.watch_interval,
      i.blocked_until,
      i.watched_until,
      i.num_blocked,
      i.location,
      i.message,
      i.plugin,
    ]);
    this.host.raise("NetControl::log_netcontrol_catch_release", i);
  }

  // ---------------------------------------------------------------- forgetting (the blocks table's &create_expire=0 and expire_func)

  /** Watches `a` from now: the table entry expires at once, and is looked at by the next sweep. */
  private watch(a: string, bi: BlockInfo): void {
    this.blocks.set(a, { bi, checkAt: this.nc.now() });
    if (this.sweeping) return;
    this.sweeping = true;
    this.host.schedule(this.nc.now() + this.sweepInterval(), (now) => this.sweep(now));
  }

  private sweepInterval(): number {
    // Never 0: a sweep due at the time it runs would come again at once.
    return Math.max(this.host.settings.table_expire_interval, 0.001);
  }

  /** Entries due are asked how long they still have (expire_func): none left, they are forgotten; else looked at again then. */
  private sweep(now: number): void {
    for (const [a, w] of [...this.blocks]) {
      if (w.checkAt > now) continue;
      const remaining = Math.max(w.bi.watch_until - now, 0);
      if (remaining > 0) {
        w.checkAt = now + remaining;
        continue;
      }
      this.write(this.record(a, w.bi, "NetControl::FORGOTTEN"));
      this.host.raise("NetControl::catch_release_forgotten", a, w.bi);
      this.blocks.delete(a);
    }
    if (this.blocks.size === 0) this.sweeping = false;
    else this.host.schedule(now + this.sweepInterval(), (t) => this.sweep(t));
  }
}

/** NetControl::BlockInfo as fmt("%s") writes it. */
export function describeBlockInfo(bi: BlockInfo): string {
  return record([
    ["block_until", bi.block_until === undefined ? undefined : describeTime(bi.block_until)],
    ["watch_until", describeTime(bi.watch_until)],
    ["num_reblocked", String(bi.num_reblocked)],
    ["current_interval", String(bi.current_interval)],
    ["current_block_id", bi.current_block_id],
    ["location", bi.location],
  ]);
}

function addressEntity(a: string): Entity {
  return { ty: "NetControl::ADDRESS", ip: hostSubnet(a) };
}

/** The address of a drop rule on a single address (main.zeek's cr_check_rule, before its `in blocks` test). */
function watchedAddress(r: Rule): string | null {
  if (r.ty !== "NetControl::DROP" || r.entity.ty !== "NetControl::ADDRESS" || r.entity.ip === undefined) return null;
  const m = /^(.*)\/(\d+)$/.exec(r.entity.ip);
  if (m === null) return null;
  const full = m[1]!.includes(":") ? 128 : 32;
  return Number(m[2]) === full ? m[1]! : null;
}

/** Each framework's catch-and-release. */
const instances = new WeakMap<NetControl, CatchAndRelease>();

/** The run's catch-and-release on framework `nc` (made when the script loads, or when a script first asks). */
export function catchAndRelease(nc: NetControl): CatchAndRelease {
  let cr = instances.get(nc);
  if (cr === undefined) instances.set(nc, (cr = new CatchAndRelease(nc)));
  return cr;
}

export const CATCH_AND_RELEASE: PolicyScript = {
  script: CATCH_RELEASE_SCRIPT,
  what: "catch-and-release blocking through NetControl (netcontrol_catch_release.log)",
  load: (host, { logs, reporter }) => void catchAndRelease(netControlFramework(host, { logs, error: (m) => reporter.error(m) })),
};
