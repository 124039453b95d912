/**
 * Zeek's Conn::register_removal_hook (base/protocols/conn/removal-hooks.zeek):
 * a protocol script puts its finalizer on a connection when it first keeps
 * state for it, and one connection_state_remove handler at priority -3 runs
 * the connection's hooks. A connection that no protocol script kept state for
 * then costs one property read at its removal, instead of a call into every
 * protocol script's own connection_state_remove handler (about twenty, for
 * every connection).
 */
import type { Connection, RemovalHook } from "../event/records.js";
import type { ScriptHost } from "./host.js";

export type { RemovalHook } from "../event/records.js";

/** Zeek runs the removal hooks from connection_state_remove at this priority. */
export const REMOVAL_HOOK_PRIORITY = -3;

/** Hooks defined so far in this process: their definition order is the order they run in on a connection. */
let defined = 0;
/** The hosts (engines) whose runner is registered. */
const runners = new WeakSet<ScriptHost>();

/**
 * Defines a script's removal hook (once, when the script loads on `host`).
 * The connection_state_remove handler that runs the hooks is registered with
 * the first hook a host gets.
 */
export function removalHook(host: ScriptHost, run: (c: Connection) => void): RemovalHook {
  if (!runners.has(host)) {
    runners.add(host);
    host.on("connection_state_remove", runRemovalHooks, { priority: REMOVAL_HOOK_PRIORITY });
  }
  return { run, order: defined++ };
}

/**
 * Conn::register_removal_hook: `hook` runs when `c` is removed; false when it
 * was registered on `c` already. The hooks of a connection stay in definition
 * order (the order their scripts loaded in), whatever order its protocols
 * appeared in.
 */
export function registerRemovalHook(c: Connection, hook: RemovalHook): boolean {
  const hooks = c.removal_hooks;
  if (hooks === undefined) {
    c.removal_hooks = [hook];
    return true;
  }
  if (hooks.includes(hook)) return false;
  let at = hooks.length;
  while (at > 0 && hooks[at - 1]!.order > hook.order) at--;
  hooks.splice(at, 0, hook);
  return true;
}

/** The connection_state_remove handler: each hook runs even when one before it threw (the first error then goes to the bus's reporter). */
function runRemovalHooks(c: Connection): void {
  const hooks = c.removal_hooks;
  if (hooks === undefined) return;
  let failure: { error: unknown } | null = null;
  for (const hook of hooks) {
    try {
      hook.run(c);
    } catch (error) {
      failure ??= { error };
    }
  }
  if (failure !== null) throw failure.error;
}
