/**
 * The one way every layer reports an anomaly. A weird is a named event (Zeek's
 * exact names, e.g. "truncated_IP", "bad_TCP_checksum"); weird.log is written
 * from it by src/scripts/weird.ts. Counting by name happens here, always, so
 * tests and the CLI can report what was seen even with no handler.
 *
 * Like Zeek's reporter, the weird event itself is rate-limited (sampled): per
 * connection, per address pair (flow weirds) or per name (weirds about no
 * flow), the first `threshold` reports of a name raise the event, then one in
 * `rate`; the counts start again `duration` seconds of network time later
 * (Zeek's Weird::sampling_threshold 25, sampling_rate 1000, sampling_duration
 * 10 min, in Reporter::PermitWeird and its net/flow variants). A flood of bad
 * checksums then costs a count, not an event and a connection record each.
 * weird.log is unchanged by it: the log only writes the first of a name per
 * connection (or a few names each time, which Zeek's log samples the same way).
 */
import { DOUBLE_ZERO } from "../doubles.js";
import type { EventBus } from "./bus.js";
import type { Connection } from "./records.js";

/** Network time as the engine knows it; layers read `now` when they report. */
export interface Clock {
  now: number;
}

/** A limit weird's addl (Zeek's Reporter::limit_reached_weird and analyzers' limit weirds): the observed `limit`, "limit > max" when a maximum is given. */
export function limitAddl(limit: number, max = 0): string {
  return max > 0 ? `${limit} > ${max}` : `${limit}`;
}

/** Zeek's Weird::sampling_* options (base/init-bare.zeek). */
export interface WeirdSampling {
  /** Reports of a name raised before sampling starts. */
  threshold: number;
  /** Then one in this many is raised (0: none). */
  rate: number;
  /** Seconds of network time after which the counting starts again. */
  duration: number;
  /** Names never sampled (Weird::sampling_whitelist). */
  whitelist: ReadonlySet<string>;
  /** Names counted once for the whole run instead of per connection/flow (Weird::sampling_global_list). */
  globalList: ReadonlySet<string>;
}

export function defaultWeirdSampling(): WeirdSampling {
  return { threshold: 25, rate: 1000, duration: 600, whitelist: new Set(), globalList: new Set() };
}

/** How often one name was reported for one subject, and since when. */
class SampleCount {
  count = 0;
  /** Network time of the first report: for connections, of the first one past the threshold (a double from the start, see doubles.ts). */
  since = DOUBLE_ZERO;
}

/** A connection's count of one weird name, in its connection's list. */
class NameCount extends SampleCount {
  constructor(
    readonly name: string,
    readonly next: NameCount | null,
  ) {
    super();
  }
}

/**
 * A connection's counts per weird name (kept on the connection, created with
 * its first weird): a list, newest name first. A connection reports one name
 * or a few, where a Map cost ~200 bytes (on the mix, tens of thousands of
 * connections in floods report one each).
 */
export class WeirdCounts {
  private first: NameCount | null = null;

  /** The count of `name`, made at its first report. */
  of(name: string): SampleCount {
    for (let c = this.first; c !== null; c = c.next) if (c.name === name) return c;
    this.first = new NameCount(name, this.first);
    return this.first;
  }
}

/** What Weirds.conn needs of a connection: its counts, and its record only when the event is raised. */
export interface WeirdSubject {
  weirdCounts(): WeirdCounts;
  val(): Connection;
  /** Draws the subject's uid if it has none yet (Zeek makes the record of every weird let through). */
  drawUid(): void;
}

/** Sampling counts per key, in creation order: when the key's period started, and each name's reports. */
type KeyedCounts = Map<string, { since: number; names: Map<string, number> }>;

export class Weirds {
  /** Reports per weird name: a counter object each, so that a report is one lookup (an analyzer may report a name a million times). */
  private readonly tally = new Map<string, { n: number }>();
  /** Weirds reported but not raised as events (sampled out). */
  sampledOut = 0;
  /** The sampling options, read at each report (the config framework changes them while the run goes on). */
  readonly sampling: WeirdSampling;
  /** Net weirds and global-list names: counts per name. */
  private readonly byName = new Map<string, SampleCount>();
  /** Flow weirds: counts per "src dst" pair, in creation order (so expired pairs leave from the front). */
  private readonly byFlow: KeyedCounts = new Map();
  /** Weirds of connections already removed: counts per connection tuple, likewise. */
  private readonly byExpiredConn: KeyedCounts = new Map();

  constructor(
    private readonly bus: EventBus,
    private readonly clock: Clock,
    sampling: Partial<WeirdSampling> = {},
  ) {
    this.sampling = { ...defaultWeirdSampling(), ...sampling };
  }

  /** How many times each weird name was reported. */
  get counts(): ReadonlyMap<string, number> {
    const counts = new Map<string, number>();
    for (const [name, c] of this.tally) counts.set(name, c.n);
    return counts;
  }

  /** A weird not tied to any flow (Zeek's net_weird). */
  net(name: string, addl = "", source = ""): void {
    this.count(name);
    if (!this.sampling.whitelist.has(name) && !this.permitByName(name)) return;
    if (this.bus.wants.weird) this.bus.queue("weird", { ts: this.clock.now, name, addl, source });
    if (this.bus.wants.net_weird) this.bus.queue("net_weird", name, addl, source);
  }

  /** A weird between two addresses with no connection (Zeek's flow_weird). */
  flow(name: string, src: string, dst: string, addl = "", source = ""): void {
    this.count(name);
    const listed = this.listed(name);
    if (listed === false || (listed === undefined && !this.permitFlow(name, src, dst))) return;
    if (this.bus.wants.weird) this.bus.queue("weird", { ts: this.clock.now, name, addl, src, dst, source });
    if (this.bus.wants.flow_weird) this.bus.queue("flow_weird", name, src, dst, addl, source);
  }

  /** A weird about a connection (Zeek's conn_weird). */
  conn(name: string, subject: WeirdSubject, addl = "", source = ""): void {
    this.count(name);
    const listed = this.listed(name);
    if (listed === false || (listed === undefined && !this.permitConn(subject.weirdCounts(), name))) return;
    subject.drawUid();
    // The record is built only when something handles the event.
    if (this.bus.wants.weird) this.bus.queue("weird", { ts: this.clock.now, name, addl, conn: subject.val(), source });
    if (this.bus.wants.conn_weird) this.bus.queue("conn_weird", name, subject.val(), addl, source);
  }

  /**
   * A weird about a connection no longer in the table (Zeek's
   * expired_conn_weird, from Reporter::conn_weird on a removed connection):
   * sampled per connection tuple; weird.log still gets its uid and id.
   */
  expiredConn(name: string, c: Connection, addl = "", source = ""): void {
    this.count(name);
    const listed = this.listed(name);
    const { orig_h, resp_h, orig_p, resp_p, transport } = c.id;
    const tuple = `${orig_h} ${resp_h} ${orig_p} ${resp_p} ${transport}`;
    if (listed === false || (listed === undefined && !this.permitKeyed(this.byExpiredConn, tuple, name))) return;
    if (this.bus.wants.weird) this.bus.queue("weird", { ts: this.clock.now, name, addl, conn: c, source });
    if (this.bus.wants.expired_conn_weird) this.bus.queue("expired_conn_weird", name, c.id, c.uid, addl, source);
  }

  private count(name: string): void {
    const c = this.tally.get(name);
    if (c === undefined) this.tally.set(name, { n: 1 });
    else c.n++;
  }

  /** Zeek's CheckGlobalWeirdLists: true/false when a list decides, undefined when the subject's counts do. */
  private listed(name: string): boolean | undefined {
    const s = this.sampling;
    // Both lists are usually empty: no lookups then.
    if (s.whitelist.size === 0 && s.globalList.size === 0) return undefined;
    if (s.whitelist.has(name)) return true;
    if (s.globalList.has(name)) return this.permitByName(name);
    return undefined;
  }

  /** Past the threshold, one in `rate`. */
  private sampled(count: number): boolean {
    const { threshold, rate } = this.sampling;
    if (count <= threshold) return true;
    const r = rate !== 0 && (count - threshold) % rate === 0;
    if (!r) this.sampledOut++;
    return r;
  }

  /** Per name, reset `duration` after the first report (Zeek's NetWeirdTimer). */
  private permitByName(name: string): boolean {
    const now = this.clock.now;
    let c = this.byName.get(name);
    if (c === undefined || now >= c.since + this.sampling.duration) {
      c = new SampleCount();
      c.since = now;
      this.byName.set(name, c);
    }
    return this.sampled(++c.count);
  }

  /** Per address pair and name, the pair's counts reset `duration` after its first report (Zeek's FlowWeirdTimer). */
  private permitFlow(name: string, src: string, dst: string): boolean {
    return this.permitKeyed(this.byFlow, `${src} ${dst}`, name);
  }

  /** Per key (an address pair, a connection tuple) and name, the key's counts reset `duration` after its first report (Zeek's FlowWeirdTimer, ConnTupleWeirdTimer). */
  private permitKeyed(table: KeyedCounts, key: string, name: string): boolean {
    const now = this.clock.now;
    const expiry = this.sampling.duration;
    // Keys are in creation order: those whose timer would have fired leave first.
    for (const [k, f] of table) {
      if (now < f.since + expiry) break;
      table.delete(k);
    }
    let f = table.get(key);
    if (f === undefined) {
      f = { since: DOUBLE_ZERO + now, names: new Map() };
      table.set(key, f);
    }
    const count = (f.names.get(name) ?? 0) + 1;
    f.names.set(name, count);
    return this.sampled(count);
  }

  /**
   * Per connection and name (Zeek's detail::PermitWeird): the sampling period
   * starts with the first report past the threshold; a report more than
   * `duration` after that starts the counting again (and is raised).
   */
  private permitConn(counts: WeirdCounts, name: string): boolean {
    const now = this.clock.now;
    const c = counts.of(name);
    const n = ++c.count;
    const threshold = this.sampling.threshold;
    if (n <= threshold) return true;
    if (n === threshold + 1) c.since = now;
    else if (now > c.since + this.sampling.duration) {
      c.since = 0;
      c.count = 1;
      return true;
    }
    return this.sampled(n);
  }
}
