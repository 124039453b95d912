/**
 * A Zeek hook (`global h: hook(…)`, handlers with `&priority`): the
 * frameworks' hooks that scripts of their own may handle (Intel's
 * seen_policy, X509's x509_certificate_cache_replay).
 */

/** A hook handler: returning false breaks (Zeek's `break`); anything else (nothing, true) goes on. */
export type HookFn<A extends unknown[]> = (...args: A) => unknown;

/** Handlers by priority (higher first; equal ones in the order they came). */
export class Hook<A extends unknown[]> {
  private handlers: Array<{ fn: HookFn<A>; priority: number }> = [];

  add(fn: HookFn<A>, priority: number): void {
    this.handlers.push({ fn, priority });
    // A stable sort keeps equal priorities in registration order.
    this.handlers.sort((a, b) => b.priority - a.priority);
  }

  /** Runs the handlers; false when one broke (the rest then did not run). */
  run(...args: A): boolean {
    for (const h of this.handlers) if (h.fn(...args) === false) return false;
    return true;
  }
}
