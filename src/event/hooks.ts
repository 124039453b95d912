/**
 * Zeek's script hooks a protocol script calls (`hook NAME(args)`): handlers
 * run highest priority first (equal ones in the order added); a handler
 * returning false is Zeek's `break`, which ends the hook and makes its call
 * false. Each hook's arguments are declared by its module merging into
 * HookMap, as events merge into EventMap.
 */

// biome-ignore lint/suspicious/noEmptyInterface: modules merge their hooks in.
export interface HookMap {}
export type HookName = keyof HookMap;
/** A hook handler: false breaks (the other handlers do not run). */
export type HookHandler<H extends HookName> = (...args: HookMap[H]) => boolean | undefined;

/** A handler of some hook: its own hook's signature is known where it is registered and run. */
interface Registered {
  readonly fn: unknown;
  readonly priority: number;
}

export class Hooks {
  private readonly handlers = new Map<HookName, Registered[]>();

  on<H extends HookName>(name: H, fn: HookHandler<H>, priority = 0): void {
    const list = this.handlers.get(name) ?? [];
    list.push({ fn, priority });
    // Stable: equal priorities keep the order they were added in.
    list.sort((a, b) => b.priority - a.priority);
    this.handlers.set(name, list);
  }

  /** Zeek's `hook NAME(args)`: true unless a handler broke. */
  run<H extends HookName>(name: H, ...args: HookMap[H]): boolean {
    for (const h of this.handlers.get(name) ?? []) if ((h.fn as HookHandler<H>)(...args) === false) return false;
    return true;
  }
}
