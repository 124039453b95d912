/**
 * Zeek's script hooks a protocol script calls (`hook NAME(args)`): handlers
 * run highest priority first (equal ones in the order added); a handler
 * returning false is Zeek's `break`, which ends the hook and makes its call
 * false. Each hook's arguments are declared by its module merging into
 * HookMap, as events merge into EventMap. Hook handlers are in event
 * groups as event handlers are (groups.ts): a disabled one is skipped.
 */
import { type EventGroups, type GroupMember, type GroupOptions, slotOf } from "./groups.js";

// biome-ignore lint/suspicious/noEmptyInterface: modules merge their hooks in.
export interface HookMap {}
export type HookName = keyof HookMap;
/** A hook handler: false breaks (the other handlers do not run). */
export type HookHandler<H extends HookName> = (...args: HookMap[H]) => boolean | undefined;

/** A hook handler's priority and event groups (as an event handler's: see bus.ts's HandlerOptions). */
export interface HookOptions extends GroupOptions {
  priority?: number;
}

/** A handler of some hook: its own hook's signature is known where it is registered and run. */
interface Registered {
  readonly fn: unknown;
  readonly priority: number;
  readonly member: GroupMember | null;
  /** What run() calls: `fn`, or a no-op (which does not break) while one of its groups is disabled. */
  call: unknown;
}

export class Hooks {
  private readonly handlers = new Map<HookName, Registered[]>();

  /** `groups`: where hook handlers' groups live (the event bus's, so that a group switches both kinds). */
  constructor(private readonly groups: EventGroups | null = null) {}

  on<H extends HookName>(name: H, fn: HookHandler<H>, options: number | HookOptions = 0): void {
    const { priority = 0, ...groupOptions } = typeof options === "number" ? { priority: options } : options;
    const list = this.handlers.get(name) ?? [];
    const member = this.groups?.join(groupOptions, () => this.refresh(name)) ?? null;
    list.push({ fn, priority, member, call: slotOf(fn, member) });
    // Stable: equal priorities keep the order they were added in.
    list.sort((a, b) => b.priority - a.priority);
    this.handlers.set(name, list);
  }

  /** Zeek's `hook NAME(args)`: true unless a handler broke. */
  run<H extends HookName>(name: H, ...args: HookMap[H]): boolean {
    for (const h of this.handlers.get(name) ?? []) if ((h.call as HookHandler<H>)(...args) === false) return false;
    return true;
  }

  /** After a group switch: each handler's call is itself or the no-op (read as run() reaches it, as Zeek checks each body). */
  private refresh(name: HookName): void {
    for (const h of this.handlers.get(name) ?? []) h.call = slotOf(h.fn, h.member);
  }
}
