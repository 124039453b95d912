/**
 * The analyzers one engine can attach, and how (Zeek's analyzer manager plus
 * what the protocol scripts register): components by name, the responder
 * ports each registered for, the DPD signatures of the loaded protocol
 * scripts, and expected connections (Analyzer::schedule_analyzer).
 *
 * In bare mode (-b) a component is active only when its script is among the
 * loads, as Zeek's port registrations and dpd.sig files come from the
 * protocol scripts. One registry per engine; the transport analyzers find it
 * through their session services (`appRegistryOf`), so the session layer
 * needs no field for it.
 */
import { isLoaded } from "../../session/server-ports.js";
import type { AnalyzerComponent } from "./analyzer.js";
import { CompiledSignature, type Signature } from "./signature.js";

/** Zeek's default expected-connection lifetime is given by each scheduler; this bounds the table. */
const MAX_EXPECTED = 10_000;

interface Expected {
  orig: string | null;
  component: AnalyzerComponent;
  until: number;
}

export class AnalyzerRegistry {
  private readonly byName = new Map<string, AnalyzerComponent>();
  private readonly tcpByPort = new Map<number, AnalyzerComponent[]>();
  private readonly udpByPort = new Map<number, AnalyzerComponent[]>();
  private readonly signatures: Signature[] = [];
  private compiled: { tcp: CompiledSignature[]; udp: CompiledSignature[] } | null = null;
  private readonly expected = new Map<string, Expected[]>();
  private expectedCount = 0;
  /** Analyzer instance ids (Zeek's aid), unique in the run. */
  private nextId = 1;

  constructor(
    private readonly bare = false,
    private readonly loads: readonly string[] = [],
  ) {}

  /** True when `component`'s script is loaded in this configuration (always without -b). */
  active(component: AnalyzerComponent): boolean {
    return component.script === "" || isLoaded(this.bare, this.loads, component.script);
  }

  /**
   * Adds a component: by name always (for signatures and children), by its
   * ports and signatures when its script is loaded. `ports` overrides its TCP ports.
   */
  register(component: AnalyzerComponent, tcpPorts: readonly number[] | undefined = component.tcpPorts): void {
    const old = this.byName.get(component.name.toLowerCase());
    if (old !== undefined && old !== component) this.unregister(old);
    this.byName.set(component.name.toLowerCase(), component);
    if (!this.active(component)) return;
    if (component.stream !== undefined) for (const p of tcpPorts ?? []) addPort(this.tcpByPort, p, component);
    if (component.datagram !== undefined) for (const p of component.udpPorts ?? []) addPort(this.udpByPort, p, component);
    if (component.signatures !== undefined) {
      this.signatures.push(...component.signatures);
      this.compiled = null;
    }
  }

  /** Takes a component out (a newer one of the same name replaces it). */
  private unregister(component: AnalyzerComponent): void {
    for (const map of [this.tcpByPort, this.udpByPort]) {
      for (const [port, list] of map) {
        const kept = list.filter((c) => c !== component);
        if (kept.length === 0) map.delete(port);
        else map.set(port, kept);
      }
    }
    if (component.signatures !== undefined) {
      const gone = new Set(component.signatures);
      const kept = this.signatures.filter((s) => !gone.has(s));
      this.signatures.length = 0;
      this.signatures.push(...kept);
      this.compiled = null;
    }
  }

  /** The component named `name` (Zeek's names are case-insensitive), if registered. */
  find(name: string): AnalyzerComponent | undefined {
    return this.byName.get(name.toLowerCase());
  }

  /** A new analyzer instance id. */
  newId(): number {
    return this.nextId++;
  }

  /** True when a new connection to `respPort` gets analyzers at creation (by port or an expectation). */
  wantsConnection(respPort: number, udp: boolean): boolean {
    return this.expectedCount > 0 || (udp ? this.udpByPort : this.tcpByPort).has(respPort);
  }

  /** Components registered for TCP (or UDP) responder port `port`, in registration order. */
  forPort(port: number, udp = false): readonly AnalyzerComponent[] | undefined {
    return (udp ? this.udpByPort : this.tcpByPort).get(port);
  }

  /** The loaded signatures for one transport, compiled once (null when there are none). */
  signaturesFor(udp: boolean): readonly CompiledSignature[] | null {
    if (this.compiled === null) {
      const tcp = this.signatures.filter((s) => s.proto !== "udp");
      const udpSigs = this.signatures.filter((s) => s.proto !== "tcp");
      this.compiled = {
        tcp: tcp.map((s, i) => new CompiledSignature(s, i)),
        udp: udpSigs.map((s, i) => new CompiledSignature(s, i)),
      };
    }
    const list = udp ? this.compiled.udp : this.compiled.tcp;
    return list.length > 0 ? list : null;
  }

  /** Zeek's schedule_analyzer: remembers that a connection to resp:respPort/proto should get `name`. */
  expect(orig: string | null, resp: string, respPort: number, proto: "tcp" | "udp", name: string, until: number): void {
    const component = this.find(name);
    if (component === undefined || this.expectedCount >= MAX_EXPECTED) return;
    const key = expectKey(resp, respPort, proto);
    const list = this.expected.get(key);
    const entry = { orig, component, until };
    if (list === undefined) this.expected.set(key, [entry]);
    else list.push(entry);
    this.expectedCount++;
  }

  /** True while some connection is expected (takeExpected can find something). */
  get expecting(): boolean {
    return this.expectedCount > 0;
  }

  /** The analyzer expected for a new connection (taken: it is used once), if any and not expired at `now`. */
  takeExpected(orig: string, resp: string, respPort: number, proto: "tcp" | "udp", now: number): AnalyzerComponent | undefined {
    if (this.expectedCount === 0) return undefined;
    const key = expectKey(resp, respPort, proto);
    const list = this.expected.get(key);
    if (list === undefined) return undefined;
    let found: AnalyzerComponent | undefined;
    for (let i = 0; i < list.length; i++) {
      const e = list[i]!;
      if (e.until < now) {
        list.splice(i--, 1);
        this.expectedCount--;
        continue;
      }
      if (found === undefined && (e.orig === null || e.orig === orig)) {
        found = e.component;
        list.splice(i--, 1);
        this.expectedCount--;
      }
    }
    if (list.length === 0) this.expected.delete(key);
    return found;
  }
}

function addPort(map: Map<number, AnalyzerComponent[]>, port: number, component: AnalyzerComponent): void {
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`bad port ${port} for analyzer ${component.name}`);
  const list = map.get(port);
  if (list === undefined) map.set(port, [component]);
  else if (!list.includes(component)) list.push(component);
}

function expectKey(resp: string, port: number, proto: string): string {
  return `${resp}|${port}|${proto}`;
}

/** Registries by the session-services object of their engine (weak: an engine that goes away takes its registry along). */
const registries = new WeakMap<object, AnalyzerRegistry>();

/** Binds `registry` to the engine whose session services are `services`. */
export function bindAppRegistry(services: object, registry: AnalyzerRegistry): void {
  registries.set(services, registry);
}

/** The registry of the engine owning `services`, or undefined when none was bound. */
export function appRegistryOf(services: object): AnalyzerRegistry | undefined {
  return registries.get(services);
}
