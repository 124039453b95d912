/**
 * What a policy script needs from its host: event registration. Both the
 * Engine and a bare EventBus provide it, so scripts can be tested without an
 * engine and use nothing but the public event API.
 */
import type { HandlerOptions } from "../event/bus.js";
import type { EventName, Handler } from "../event/events.js";

export interface ScriptHost {
  on<E extends EventName>(name: E, handler: Handler<E>, options?: HandlerOptions): unknown;
}
