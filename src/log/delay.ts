/**
 * Zeek's delayed log writes (Log::delay, Log::delay_finish, Zeek 6.2+): a
 * Log::log_stream_policy hook may hold a record back, between the stream's
 * hook and its filters, until every delay taken on it is finished, the
 * stream's max_delay_interval of network time has passed, or its delay
 * queue overflows. Then the post-delay callbacks run (any may re-delay the
 * record, or veto it) and the record goes on to the filters.
 *
 * Only streams that delay a record ever make a queue: a stream's write path
 * without Log::log_stream_policy hooks never reaches this module.
 */
import type { TimerClient } from "../session/timers.js";
import type { LogFields } from "./filters.js";

/** Zeek's Log::default_max_delay_interval: 200 msec. */
export const DEFAULT_MAX_DELAY_INTERVAL = 0.2;
/** Zeek's Log::default_max_delay_queue_size. */
export const DEFAULT_MAX_DELAY_QUEUE_SIZE = 1000;

/** Zeek's Log::DelayToken: what Log::delay returns, for Log::delay_finish. Opaque to scripts. */
export class LogDelayToken {
  /** @param serial Zeek's token number (from 1); 0 is the invalid token a refused Log::delay returns. */
  constructor(readonly serial: number) {}

  /** As Zeek prints an opaque value. */
  toString(): string {
    return "<opaque of LogDelayTokenVal>";
  }

  /** As Zeek's to_json writes it. */
  toJSON(): { opaque_type: string } {
    return { opaque_type: "LogDelayTokenVal" };
  }
}

/**
 * Zeek's Log::PostDelayCallback: run when a delayed record's delay ends,
 * given the record (which it may change) and the stream's Log::ID; false
 * discards the write. Calling Log::delay in it delays the record again.
 */
export type PostDelayCallback = (record: LogFields, stream: string) => boolean;

/** The network clock and timer heap the delays expire by (the engine's; LogOptions.rotation). */
export interface DelayServices {
  readonly clock: { readonly now: number };
  scheduleClient(client: TimerClient, time: number): void;
}

/** One delayed write of a stream. */
export interface DelayedWrite {
  readonly record: LogFields;
  readonly token: LogDelayToken;
  /** Log::delay calls not yet finished. */
  refs: number;
  /** Network time it is released at, whatever its refs. */
  readonly expire: number;
  readonly callbacks: PostDelayCallback[];
  /** In the queue (Log::write returned with it delayed); delay_finish completes only such writes. */
  queued: boolean;
  /** Completed: its callbacks ran, it left the queue. */
  done: boolean;
}

/** What a stream's delay queue needs from its stream. */
export interface DelayOwner {
  /** The stream's Log::ID, as hooks see it. */
  readonly id: string;
  /** The record, its delay over and not vetoed, goes to the stream's filters. */
  toFilters(record: LogFields): void;
}

/** A write whose Log::log_stream_policy hooks (or post-delay callbacks) are running: Log::delay may take it. */
export interface ActiveWrite {
  readonly queue: DelayQueue;
  readonly record: LogFields;
  delayed: DelayedWrite | null;
}

/** What every stream's delays share: the stack of writes whose hooks run (a hook may write to another stream), the token counter, the clock, the reporter. */
export class DelayContext {
  readonly active: ActiveWrite[] = [];
  private lastToken = 0;

  constructor(
    /** The clock and timers (asked when needed: the LogManager's options may change); without them, delays end only by delay_finish, overflow or the end of the run. */
    private readonly servicesNow: () => DelayServices | undefined,
    /** Zeek's reporter errors (bad Log::delay or Log::delay_finish calls). */
    readonly error: (message: string) => void,
    readonly warn: (message: string) => void,
    /** The run's Log::default_max_delay_interval and _queue_size, for streams that set none. */
    readonly defaults: () => { maxInterval?: number; maxSize?: number },
  ) {}

  nextToken(): LogDelayToken {
    return new LogDelayToken(++this.lastToken);
  }

  get now(): number {
    return this.servicesNow()?.clock.now ?? 0;
  }

  get services(): DelayServices | undefined {
    return this.servicesNow();
  }

  /** Runs `fn` with `write` as the active write (Zeek's ActiveWriteScope). */
  within<T>(write: ActiveWrite, fn: () => T): T {
    this.active.push(write);
    try {
      return fn();
    } finally {
      this.active.pop();
    }
  }
}

/** A stream's expiry timer; a cancelled one (Zeek cancels it on eviction) does nothing when due. */
class DelayTimer implements TimerClient {
  cancelled = false;
  constructor(private readonly queue: DelayQueue) {}
  onTimer(atEnd: boolean): void {
    if (!this.cancelled) this.queue.expired(atEnd);
  }
}

/** A stream's delayed writes, oldest first, and its delay settings (Zeek's Stream max_delay_interval, max_delay_queue_size). */
export class DelayQueue {
  private readonly queue: DelayedWrite[] = [];
  private readonly tokens = new Map<number, DelayedWrite>();
  private timer: DelayTimer | null = null;
  private evicting = false;

  constructor(
    readonly owner: DelayOwner,
    private readonly context: DelayContext,
    public maxInterval = DEFAULT_MAX_DELAY_INTERVAL,
    public maxSize = DEFAULT_MAX_DELAY_QUEUE_SIZE,
  ) {}

  /** Writes waiting (Zeek's Log::get_delay_queue_size). */
  get size(): number {
    return this.queue.length;
  }

  /** Log::delay on the active write `write` of this stream: its existing delay gets one more reference, else a new delay starts now. */
  delay(write: ActiveWrite, callback: PostDelayCallback | undefined): LogDelayToken {
    let d = write.delayed;
    if (d !== null) d.refs++;
    else {
      const token = this.context.nextToken();
      d = { record: write.record, token, refs: 1, expire: this.context.now + this.maxInterval, callbacks: [], queued: false, done: false };
      write.delayed = d;
      // delay_finish may come before Log::write returns.
      this.tokens.set(token.serial, d);
    }
    if (callback !== undefined) d.callbacks.push(callback);
    return d.token;
  }

  /** Log::delay_finish: one reference of the token's write released; the last one of a queued write completes it. False (and an error) on a bad call. */
  finish(record: LogFields, token: LogDelayToken): boolean {
    if (token.serial === 0) return this.refuse("invalid Log::delay_finish() call: invalid token provided");
    const d = this.tokens.get(token.serial);
    if (d === undefined) return this.refuse(`non-existing log record for token=${token.serial} ${recordRef(record)}`);
    if (d.record !== record) return this.refuse(`record mismatch token=${token.serial} ${recordRef(record)} and ${recordRef(d.record)}`);
    if (d.refs === 0) return this.refuse(`delay reference underflow for token=${token.serial}`);
    d.refs--;
    if (d.queued && d.refs === 0) this.complete(d);
    return true;
  }

  /** A delay taken in a hook that then vetoed the write: forgotten, the write goes on as vetoed. */
  forget(d: DelayedWrite): void {
    this.tokens.delete(d.token.serial);
  }

  /** Log::write returned with `d` delayed: it waits its turn (or completes now if already finished). */
  enqueue(d: DelayedWrite): void {
    this.queue.push(d);
    d.queued = true;
    this.evict();
    if (d.done) return;
    if (d.refs === 0) this.complete(d);
    else this.schedule(d.expire);
  }

  /** Log::set_max_delay_queue_size: the new bound, the oldest writes released until the queue fits. */
  resize(size: number): void {
    this.maxSize = size;
    this.evict();
  }

  /** The expiry timer is due: writes whose time has come are released (all of them at the end of input). */
  expired(atEnd: boolean): void {
    this.timer = null;
    const now = this.context.now;
    for (let head = this.queue[0]; head !== undefined; head = this.queue[0]) {
      if (!atEnd && head.expire > now) break;
      this.complete(head);
    }
    if (this.queue.length > 0) this.schedule(this.queue[0]!.expire);
  }

  /** The end of the run: every write still waiting released, oldest first. */
  drain(): void {
    this.cancelTimer();
    this.expired(true);
    this.cancelTimer();
  }

  /** The oldest writes released while the queue is over its bound (not while releasing: a callback may re-delay). */
  private evict(): void {
    if (this.evicting || this.queue.length <= this.maxSize) return;
    this.evicting = true;
    this.cancelTimer();
    const start = this.queue.length;
    for (let n = 1; this.queue.length > this.maxSize; n++) {
      this.complete(this.queue[0]!);
      if (n === start) {
        // Every write was delayed again by its callbacks.
        this.context.warn(`unable to evict delayed records for stream ${this.owner.id} queue_size=${this.queue.length}, all re-delayed?`);
        break;
      }
    }
    if (this.queue.length > 0) this.schedule(this.queue[0]!.expire);
    this.evicting = false;
  }

  /** The delay of `d` is over: its callbacks run as a new active write (they may delay it again, to the end of the queue), then the filters unless one vetoed. */
  private complete(d: DelayedWrite): void {
    const write: ActiveWrite = { queue: this, record: d.record, delayed: null };
    const allow = this.context.within(write, () => d.callbacks.reduce((ok, cb) => cb(d.record, this.owner.id) && ok, true));
    if (write.delayed !== null) {
      this.remove(d);
      this.enqueue(write.delayed);
      return;
    }
    // Zeek writes before forgetting the delay: get_delay_queue_size in a filter hook still counts it.
    if (allow) this.owner.toFilters(d.record);
    this.remove(d);
  }

  private remove(d: DelayedWrite): void {
    d.done = true;
    const at = this.queue.indexOf(d);
    if (at >= 0) this.queue.splice(at, 1);
    this.tokens.delete(d.token.serial);
  }

  /** The timer for the queue's head, unless one is pending (it is never later: the queue is in expiry order). */
  private schedule(time: number): void {
    const services = this.context.services;
    if (this.timer !== null || services === undefined) return;
    this.timer = new DelayTimer(this);
    services.scheduleClient(this.timer, time);
  }

  private cancelTimer(): void {
    if (this.timer !== null) this.timer.cancelled = true;
    this.timer = null;
  }

  private refuse(message: string): false {
    this.context.error(message);
    return false;
  }
}

/** A record's identity in error messages, as Zeek prints a pointer (its value means nothing across runs). */
const refs = new WeakMap<LogFields, number>();
let lastRef = 0;
function recordRef(record: LogFields): string {
  let n = refs.get(record);
  if (n === undefined) refs.set(record, (n = ++lastRef));
  return `0x${(0x1000 * n).toString(16)}`;
}
