/**
 * weird.log: anomaly reports, through Zeek's weird framework policy
 * (base/frameworks/notice/weird.zeek, behaviour learnt from its documentation
 * and from the corpus' weird.logs, where no (connection, name) pair repeats):
 *
 * - each weird has an identifier: the connection's 4-tuple, the flow's
 *   "src -> dst", or "" for weirds about no flow;
 * - a (name, identifier) pair once logged is ignored for 10 minutes of network
 *   time, except checksum weirds (Weird::weird_do_not_ignore_repeats);
 * - Weird::actions may ignore a name, or log it once per originator, per
 *   connection or once at all; notice actions also set `notice` to T.
 */
import type { Connection, Weird } from "../event/records.js";
import type { LogManager } from "../log/manager.js";
import { CONN_ID_COLUMNS, fields, type LogField, type LogValue } from "../log/schema.js";
import type { LogWriter } from "../log/writer.js";
import { CHECKSUM_WEIRDS } from "../options.js";
import { idString } from "./conn-ids.js";
import type { ScriptHost } from "./host.js";
import { defaultWeirdActions, type WeirdAction } from "./weird-actions.js";

export const WEIRD_FIELDS: readonly LogField[] = fields(
  ...CONN_ID_COLUMNS,
  ["name", "string"],
  ["addl", "string"],
  ["notice", "bool"],
  ["peer", "string"],
  ["source", "string"],
);

/** Weird::weird_ignore's &create_expire. */
const IGNORE_EXPIRY = 600;
/** Weird::did_log's &create_expire. */
const DID_LOG_EXPIRY = 86400;
/** Zeek's peer_description default; kept so weird.log stays byte-compatible. */
const PEER = "zeek";

export interface WeirdLogOptions {
  /** Overrides of Weird::actions (merged over the defaults). */
  actions?: ReadonlyMap<string, WeirdAction>;
  /** Weird::ignore_hosts: "address name" pairs never logged. */
  ignoreHosts?: ReadonlySet<string>;
  /** Weird::weird_do_not_ignore_repeats: names logged at every report (default: the checksum weirds). */
  doNotIgnoreRepeats?: ReadonlySet<string>;
}

/**
 * A set of keys that forget each key `lifetime` seconds of network time after
 * it was added (Zeek's &create_expire). Keys are kept in insertion order, so
 * expired ones are dropped from the front as time advances: memory stays
 * bounded by what a lifetime's worth of traffic adds.
 */
class ExpiringSet {
  private readonly added = new Map<string, number>();
  constructor(private readonly lifetime: number) {}

  has(key: string, now: number): boolean {
    const at = this.added.get(key);
    return at !== undefined && now - at < this.lifetime;
  }

  add(key: string, now: number): void {
    this.added.delete(key);
    this.added.set(key, now);
    for (const [oldest, at] of this.added) {
      if (now - at < this.lifetime) break;
      this.added.delete(oldest);
    }
  }

  get size(): number {
    return this.added.size;
  }
}

function identifierOf(w: Weird): string {
  if (w.conn) {
    return idString(w.conn.id);
  }
  if (w.src !== undefined && w.dst !== undefined) return `${w.src} -> ${w.dst}`;
  return "";
}

/** Originator address of the weird, if it concerns a flow. */
function origOf(w: Weird): string | undefined {
  return w.conn ? w.conn.id.orig_h : w.src;
}

/** A weird's keys: Weird::weird_ignore's (name, identifier) and the did_log/did_notice key of its action's scope. */
interface WeirdKeys {
  ignore: string;
  done: string;
}

function keysFor(w: Weird, action: WeirdAction): WeirdKeys {
  const identifier = identifierOf(w);
  return { ignore: `${w.name}\u0000${identifier}`, done: doneKeyFor(w, action, identifier) };
}

/** The did_log/did_notice key: the name and the action's scope (the originator, nothing, or the identifier). */
function doneKeyFor(w: Weird, action: WeirdAction, identifier: string | null): string {
  let scope: string;
  if (action.endsWith("_per_orig")) scope = origOf(w) ?? identifier ?? identifierOf(w);
  else if (action.endsWith("_once")) scope = "";
  else scope = identifier ?? identifierOf(w);
  return `${w.name}\u0000${scope}`;
}

function weirdLogValues(w: Weird, notice: boolean): LogValue[] {
  const c = w.conn;
  const flow = !c && w.src !== undefined && w.dst !== undefined;
  return [
    w.ts,
    c?.uid,
    c ? c.id.orig_h : flow ? w.src : undefined,
    c ? c.id.orig_p : flow ? 0 : undefined,
    c ? c.id.resp_h : flow ? w.dst : undefined,
    c ? c.id.resp_p : flow ? 0 : undefined,
    w.name,
    w.addl === "" ? undefined : w.addl,
    notice,
    PEER,
    w.source === "" ? undefined : w.source,
  ];
}

export class WeirdLog {
  rows = 0;
  readonly writer: LogWriter;
  private readonly actions: Map<string, WeirdAction>;
  private readonly ignoreHosts: ReadonlySet<string>;
  /** Weird::weird_do_not_ignore_repeats. */
  private readonly repeated: ReadonlySet<string>;
  private readonly recentlyLogged = new ExpiringSet(IGNORE_EXPIRY);
  /** Entries kept for repeat suppression (bounded by expiry; exposed for tests). */
  get suppressionEntries(): number {
    return this.recentlyLogged.size;
  }
  private readonly didLog = new ExpiringSet(DID_LOG_EXPIRY);
  private readonly didNotice = new ExpiringSet(DID_LOG_EXPIRY);
  private readonly keysByConn = new WeakMap<Connection, { origH: string; origP: number; byName: Map<string, WeirdKeys> }>();

  constructor(host: ScriptHost, logs: LogManager, options: WeirdLogOptions = {}) {
    this.actions = defaultWeirdActions();
    for (const [name, action] of options.actions ?? []) this.actions.set(name, action);
    this.ignoreHosts = options.ignoreHosts ?? new Set();
    this.repeated = options.doNotIgnoreRepeats ?? CHECKSUM_WEIRDS;
    this.writer = logs.open({ path: "weird", fields: WEIRD_FIELDS });
    host.on("weird", (w) => this.handle(w));
  }

  /** Decides whether `w` is logged (the weird framework's policy), and logs it. */
  handle(w: Weird): void {
    const action = this.actions.get(w.name) ?? "log";
    if (action === "ignore") return;
    // Names logged again and again (bad checksums) never enter the repeat set. A connection's
    // keys are still worth a memo for them: their action's scope key is looked up at every
    // report, ~6 a connection on the mix (36k checksum weirds on 5.8k connections), where a
    // flow's (no connection) is made for its report alone.
    const repeats = this.repeated.has(w.name);
    const keys = repeats && !w.conn ? null : this.keysOf(w, action);
    const ignoreKey = repeats || keys === null ? null : keys.ignore;
    if (ignoreKey !== null && this.recentlyLogged.has(ignoreKey, w.ts)) return;
    if (this.hostIgnored(w)) return;
    if (this.alreadyDone(action, w, keys, w.ts)) return;
    if (ignoreKey !== null) this.recentlyLogged.add(ignoreKey, w.ts);
    this.writer.write(weirdLogValues(w, action.startsWith("notice")));
    this.rows++;
  }

  /**
   * The keys of `w` in the suppression sets. Most weirds repeat on the same
   * connection (a run of bad checksums) and are suppressed, so the keys of
   * each (connection, name) are made once and reused: strings whose hash V8
   * has already computed, instead of fresh concatenations per weird. They are
   * made again if the connection's roles flipped (its id is swapped in place),
   * and go with the record once the connection is gone.
   */
  private keysOf(w: Weird, action: WeirdAction): WeirdKeys {
    const c = w.conn;
    if (!c) return keysFor(w, action);
    let memo = this.keysByConn.get(c);
    if (memo === undefined || memo.origH !== c.id.orig_h || memo.origP !== c.id.orig_p) {
      memo = { origH: c.id.orig_h, origP: c.id.orig_p, byName: new Map() };
      this.keysByConn.set(c, memo);
    }
    let keys = memo.byName.get(w.name);
    if (keys === undefined) {
      keys = keysFor(w, action);
      memo.byName.set(w.name, keys);
    }
    return keys;
  }

  private hostIgnored(w: Weird): boolean {
    if (this.ignoreHosts.size === 0) return false;
    const orig = w.conn ? w.conn.id.orig_h : w.src;
    const resp = w.conn ? w.conn.id.resp_h : w.dst;
    return (orig !== undefined && this.ignoreHosts.has(`${orig} ${w.name}`)) || (resp !== undefined && this.ignoreHosts.has(`${resp} ${w.name}`));
  }

  /** The once-per-something actions: true when this weird was already logged (or noticed) for its scope (its key in `keys`, or made now). */
  private alreadyDone(action: WeirdAction, w: Weird, keys: WeirdKeys | null, ts: number): boolean {
    if (action === "log" || action === "notice") return false;
    const doneKey = keys !== null ? keys.done : doneKeyFor(w, action, null);
    const done = action.startsWith("notice") ? this.didNotice : this.didLog;
    if (done.has(doneKey, ts)) return true;
    done.add(doneKey, ts);
    return false;
  }
}
