/**
 * Which application analyzers attach to a new TCP connection, by responder
 * port (Zeek's port-based analyzer registration). One registry per engine;
 * the TCP analyzer finds it through the session services it was created with
 * (`appRegistryOf`), so the session layer needs no field for it and an engine
 * without registrations costs one failed map lookup per connection.
 */
import type { AppAnalyzerSpec } from "./analyzer.js";

export class AppAnalyzerRegistry {
  private readonly byPort = new Map<number, AppAnalyzerSpec[]>();

  /** Attaches `spec` to connections whose responder port is one of `ports` (default: the spec's own). */
  register(spec: AppAnalyzerSpec, ports: readonly number[] = spec.tcpPorts): void {
    for (const port of ports) {
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`bad TCP port ${port} for analyzer ${spec.name}`);
      const list = this.byPort.get(port);
      if (list === undefined) this.byPort.set(port, [spec]);
      else if (!list.includes(spec)) list.push(spec);
    }
  }

  /** The analyzers registered for `port`, in registration order (undefined when none). */
  forPort(port: number): readonly AppAnalyzerSpec[] | undefined {
    return this.byPort.get(port);
  }
}

/** Registries by the session-services object of their engine (weak: an engine that goes away takes its registry along). */
const registries = new WeakMap<object, AppAnalyzerRegistry>();

/** Binds `registry` to the engine whose session services are `services`. */
export function bindAppRegistry(services: object, registry: AppAnalyzerRegistry): void {
  registries.set(services, registry);
}

/** The registry of the engine owning `services`, or undefined when none was bound. */
export function appRegistryOf(services: object): AppAnalyzerRegistry | undefined {
  return registries.get(services);
}
