/**
 * The event queue: handlers registered by name with priorities, events queued
 * while a packet is processed and drained after it, first in first out.
 *
 * Cost model: the engine asks `bus.wants.name` (a plain boolean property)
 * before building an event's arguments, so an event without handlers costs one
 * property read; code holding the name in a variable asks `bus.has(name)`.
 * Handlers that throw are reported with the event name and the queue carries on.
 */
import { EVENT_ALIASES, EVENT_NAMES, type EventMap, type EventName, type Handler } from "./events.js";
import { EventGroups, type GroupMember, type GroupOptions, slotOf } from "./groups.js";

/** A handler's priority and its event groups (see groups.ts: `group`, Zeek's `&group`, and `module`). */
export interface HandlerOptions extends GroupOptions {
  /** Higher runs first (Zeek's `&priority`); default 0. Equal priorities run in registration order. */
  priority?: number;
}

type HandlerFn = (...args: unknown[]) => void;

interface Registered {
  fn: HandlerFn;
  priority: number;
  order: number;
  /** Its groups (null: in none, always enabled). */
  member: GroupMember | null;
}

/** Reports a handler's exception; the default writes one line to stderr. */
export type HandlerErrorReporter = (event: string, error: unknown) => void;

const defaultReporter: HandlerErrorReporter = (event, error) => {
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`bronze: handler for ${event} failed: ${message}\n`);
};

const NO_ARGS: unknown[] = [];
const NO_HANDLERS: HandlerFn[] = [];

/**
 * An event's handlers and its dispatch count (the entry lives on when its
 * handlers go, so the count does). `fns` has a slot per handler, a disabled
 * one's holding a no-op: a group's switch rewrites the slots in place, so a
 * dispatch under way sees it at its next handler, as Zeek's does.
 */
interface HandledEvent {
  fns: HandlerFn[];
  calls: number;
  /** Rewrites the slots after a group switch (one function per event, so a switch refreshes an event once). */
  refresh: (() => void) | null;
}

export class EventBus {
  /**
   * `wants.name` is true when at least one handler is registered for `name`.
   * Read it by name only: with a name in a variable use has(), since a keyed
   * read of one of ~430 fast properties is a binary search of its descriptors.
   */
  readonly wants: { [E in EventName]: boolean };
  /** The names wants holds true, for has(): a hash lookup. */
  private readonly wanted = new Set<EventName>();
  private readonly handlers = new Map<EventName, Registered[]>();
  /**
   * Each handled event's functions in run order (rebuilt by on/off: a drain
   * reads only these) and how often the event was dispatched: Zeek's
   * zeek_event_handler_invocations_total, one field increment per
   * dispatched event, kept when the last handler goes.
   */
  private readonly fns = new Map<EventName, HandledEvent>();
  private registrations = 0;
  /** Event groups, shared with the engine's hooks (a group holds handlers of both). */
  readonly groups = new EventGroups();
  // The queue: two arrays reused for every drain (slots overwritten, never
  // truncated, so their storage is not reallocated per packet) and a count.
  private readonly queuedNames: EventName[] = [];
  private readonly queuedArgs: unknown[][] = [];
  private queued = 0;
  private draining = false;
  /**
   * With EventMetadata::add_network_timestamp: the network time now, taken
   * as each event is queued (its metadata); null (the default) takes none.
   */
  stamp: (() => number) | null = null;
  /** The queued events' network timestamps (with stamp), by their slots. */
  private readonly queuedTimes: number[] = [];
  /** The network timestamp of the event whose handlers run, -1 when there is none (Zeek's current_event_time()). */
  currentEventTime = -1;
  /** Events run by finished drains (get_event_stats). */
  private dispatchedBefore = 0;

  /**
   * Where a handler's exception goes (the queue carries on). Replaceable after
   * construction: the engine builds its bus, the command line then routes
   * failures to reporter.log with a line per failure site.
   */
  constructor(public reportError: HandlerErrorReporter = defaultReporter) {
    this.fns.set(SCHEDULED, { fns: [runScheduled as HandlerFn], calls: 0, refresh: null });
    // Every name present from the start (false, never undefined), in one fixed
    // order so the table keeps one shape: reading it is a plain property load.
    // It must stay in V8's fast mode, where every `wants.x` read on the
    // per-packet path is a map check and a field load, not a hash lookup (a
    // generic LoadIC call). Object.fromEntries keeps the ~430 names fast;
    // JSON.parse gives a dictionary from 128 properties on.
    this.wants = Object.fromEntries(EVENT_NAMES.map((name) => [name, false])) as { [E in EventName]: boolean };
  }

  /** Registers `handler` for `name` (Zeek's aliases such as bro_init are accepted). */
  on<E extends EventName>(name: E | "bro_init" | "bro_done", handler: Handler<E>, options: HandlerOptions = {}): void {
    const event = (EVENT_ALIASES[name] ?? name) as E;
    // A new list rather than an in-place change: a drain iterating the old one is unaffected.
    const list = [...(this.handlers.get(event) ?? [])];
    const member = this.groups.join(options, this.refresher(event));
    list.push({ fn: handler as HandlerFn, priority: options.priority ?? 0, order: this.registrations++, member });
    list.sort((a, b) => b.priority - a.priority || a.order - b.order);
    this.handlers.set(event, list);
    this.handled(event).fns = list.map(slot);
    this.setWanted(event, list);
  }

  /** Removes a handler registered with `on` (by the same name or alias); the other handlers keep their order. */
  off<E extends EventName>(name: E | "bro_init" | "bro_done", handler: Handler<E>): void {
    const event = (EVENT_ALIASES[name] ?? name) as E;
    const list = this.handlers.get(event);
    if (!list) return;
    const kept = list.filter((r) => r.fn !== (handler as HandlerFn));
    if (kept.length > 0) {
      this.handlers.set(event, kept);
      this.handled(event).fns = kept.map(slot);
    } else {
      this.handlers.delete(event);
      this.handled(event).fns = NO_HANDLERS;
    }
    this.setWanted(event, kept);
  }

  /**
   * `wants` is true while one of the event's handlers is enabled: Zeek's
   * EventHandler is false when every body is disabled, and neither the core
   * nor a script's `event` statement queues an event then.
   */
  private setWanted(event: EventName, list: readonly Registered[]): void {
    const wanted = list.some((r) => r.member === null || !r.member.disabled);
    this.wants[event] = wanted;
    if (wanted) this.wanted.add(event);
    else this.wanted.delete(event);
  }

  /** The event's refresh after a group switch: its slots rewritten in place, `wants` recomputed. */
  private refresher(event: EventName): () => void {
    const handled = this.handled(event);
    handled.refresh ??= () => {
      const list = this.handlers.get(event) ?? [];
      for (let i = 0; i < list.length; i++) handled.fns[i] = slot(list[i]!);
      this.setWanted(event, list);
    };
    return handled.refresh;
  }

  /**
   * True when a handler is registered for `name`, enabled or not (a script
   * that handles it is loaded): for work set up once at the start, which
   * then asks `wants` where it raises the event, so that it follows later
   * group switches.
   */
  registered(name: EventName): boolean {
    return this.handlers.has(name);
  }

  /** True when a handler exists for `name` (for names in variables; see wants). */
  has(name: EventName): boolean {
    return this.wanted.has(name);
  }

  /** Queues an event; it runs at the next drain. Callers check `wants` first. */
  queue<E extends EventName>(name: E, ...args: EventMap[E]): void {
    const i = this.queued++;
    this.queuedNames[i] = name;
    this.queuedArgs[i] = args;
    if (this.stamp !== null) this.queuedTimes[i] = this.stamp();
  }

  /** Queues an event whose arguments are already in an array of their own (taken, not copied: the raiser's rest array). */
  queueArgs<E extends EventName>(name: E, args: EventMap[E]): void {
    const i = this.queued++;
    this.queuedNames[i] = name;
    this.queuedArgs[i] = args;
    if (this.stamp !== null) this.queuedTimes[i] = this.stamp();
  }

  /**
   * Queues the call `fn(now)` among the events: a `schedule` statement's
   * event, which Zeek enqueues when its timer expires, so that its handlers
   * run in queue order with the packet's events (Engine.scheduleEvent). Its
   * network timestamp is `due` (the time it was scheduled for) when that is
   * earlier than network time.
   */
  queueCall(fn: (now: number) => void, now: number, due = Number.POSITIVE_INFINITY): void {
    const i = this.queued++;
    this.queuedNames[i] = SCHEDULED;
    this.queuedArgs[i] = [fn, now];
    if (this.stamp !== null) this.queuedTimes[i] = Math.min(due, this.stamp());
  }

  /**
   * Events queued so far, and run by the drains finished so far (Zeek's
   * get_event_stats; a drain's events count as dispatched once it is over,
   * which costs the drain loop nothing per event).
   */
  eventCounts(): { queued: number; dispatched: number } {
    return { queued: this.dispatchedBefore + this.queued, dispatched: this.dispatchedBefore };
  }

  /** How often each event was dispatched to its handlers so far (Zeek's EventHandler call counts), by name; only events that had handlers. */
  handlerCalls(): Map<string, number> {
    const out = new Map<string, number>();
    for (const [name, handled] of this.fns) if (name !== SCHEDULED && handled.calls > 0) out.set(name, handled.calls);
    return out;
  }

  private handled(event: EventName): HandledEvent {
    let handled = this.fns.get(event);
    if (handled === undefined) this.fns.set(event, (handled = { fns: NO_HANDLERS, calls: 0, refresh: null }));
    return handled;
  }

  /** Number of queued events not yet run. */
  get pending(): number {
    return this.queued;
  }

  /**
   * Runs every queued event in order; events queued by handlers run in the same
   * drain, after those already waiting (Zeek's FIFO).
   */
  drain(): void {
    if (this.draining || this.queued === 0) return;
    this.draining = true;
    try {
      // `queued` grows while handlers queue more: those run in this drain, in order.
      for (let i = 0; i < this.queued; i++) {
        const name = this.queuedNames[i]!;
        const args = this.queuedArgs[i]!;
        this.queuedArgs[i] = NO_ARGS; // let the arguments (payload copies) be collected
        const handled = this.fns.get(name);
        if (handled !== undefined && handled.fns.length > 0) {
          handled.calls++;
          if (this.stamp !== null) this.currentEventTime = this.queuedTimes[i]!;
          this.dispatch(name, handled.fns, args);
        }
      }
    } finally {
      this.dispatchedBefore += this.queued;
      this.queued = 0;
      this.draining = false;
      this.currentEventTime = -1;
    }
  }

  /** True while handlers run (a drain called then returns at once: what is queued runs in the current one). */
  get isDraining(): boolean {
    return this.draining;
  }

  /** Runs an event's handlers immediately (for zeek_init/zeek_done, outside any packet). */
  raiseNow<E extends EventName>(name: E, ...args: EventMap[E]): void {
    this.queue(name, ...args);
    this.drain();
  }

  private dispatch(name: EventName, fns: readonly HandlerFn[], args: unknown[]): void {
    for (let i = 0; i < fns.length; i++) {
      try {
        call(fns[i]!, args);
      } catch (error) {
        this.reportError(name, error);
      }
    }
  }
}

/** A handler's slot: itself, or a no-op while one of its groups is disabled. */
const slot = (r: Registered): HandlerFn => slotOf(r.fn, r.member);

/** The queue's name for calls queued with queueCall (not an event name: no handler can be registered for it). */
const SCHEDULED = "schedule" as EventName;

function runScheduled(fn: (now: number) => void, now: number): void {
  fn(now);
}

/**
 * `fn(...args)` for the common argument counts as plain calls: a spread call
 * goes through a generic builtin for every handler of every event. Exactly
 * `args.length` arguments are passed either way (a handler may read them
 * through a rest parameter).
 */
function call(fn: HandlerFn, args: unknown[]): void {
  switch (args.length) {
    case 0:
      return fn();
    case 1:
      return fn(args[0]);
    case 2:
      return fn(args[0], args[1]);
    case 3:
      return fn(args[0], args[1], args[2]);
    case 4:
      return fn(args[0], args[1], args[2], args[3]);
    case 5:
      return fn(args[0], args[1], args[2], args[3], args[4]);
    default:
      return fn(...args);
  }
}
