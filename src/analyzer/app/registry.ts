/**
 * The analyzers one engine can attach, and how (Zeek's analyzer manager plus
 * what the protocol scripts register): components by name, the responder
 * ports each registered for, the DPD signatures of the loaded protocol
 * scripts, and expected connections (Analyzer::schedule_analyzer).
 *
 * In bare mode (-b) a component is active only when its script is among the
 * loads, as Zeek's port registrations and dpd.sig files come from the
 * protocol scripts; a load naming its dpd.sig alone (`@load-sigs
 * base/protocols/ssl/dpd.sig`) brings its signatures without its ports.
 * Whatever loaded them, a signature's `enable` starts its analyzer, and
 * Analyzer::register_for_port and schedule_analyzer take any (Zeek's
 * analyzers are all components, enabled, scripts or not). One registry per engine; the transport analyzers find it
 * through their session services (`appRegistryOf`), so the session layer
 * needs no field for it.
 */
import { isLoaded } from "../../session/server-ports.js";
import type { AnalyzerComponent, AppAnalyzer, HttpSignatureMatcher, LineSignatureMatcher, UdpFlowRules } from "./analyzer.js";
import type { AnalyzerOwner } from "./instance.js";
import { type CompiledSignature, compileSignatures, type Signature } from "./signature.js";

/** Zeek's default expected-connection lifetime is given by each scheduler; this bounds the table. */
const MAX_EXPECTED = 10_000;

interface Expected {
  orig: string | null;
  respPort: number;
  component: AnalyzerComponent;
  until: number;
  /** Its key in the table (to find its list when it expires). */
  key: string;
  /** Its `until` when it entered the expiry heap (an extension raises `until`, not this). */
  heapUntil: number;
}

/** What user signatures ask of each TCP connection's streams. */
export interface StreamTap {
  /** A consumer of the connection's streams, beside the PIA. */
  consumer(owner: AnalyzerOwner): AppAnalyzer;
  /** Some signature enables an analyzer: the PIA must buffer (and exist) to replay to it. */
  readonly holdsDpdBuffer: boolean;
  /** The connection's http-* patterns for its HTTP analyzer; null when no signature has one. */
  httpMatcher(owner: AnalyzerOwner): HttpSignatureMatcher | null;
  /** The connection's `ftp` or `finger` patterns for its FTP or Finger analyzer; null when no signature has one. */
  lineMatcher(owner: AnalyzerOwner, type: "ftp" | "finger"): LineSignatureMatcher | null;
}

export class AnalyzerRegistry {
  private readonly byName = new Map<string, AnalyzerComponent>();
  private readonly tcpByPort = new Map<number, AnalyzerComponent[]>();
  private readonly udpByPort = new Map<number, AnalyzerComponent[]>();
  private readonly signatures: Signature[] = [];
  private compiled: { tcp: CompiledSignature[]; udp: CompiledSignature[] } | null = null;
  private readonly expected = new Map<string, Expected[]>();
  private expectedCount = 0;
  /** Every expectation, in a binary min-heap by heapUntil: expiry looks at the earliest ones only, not the whole table. */
  private readonly expiries: Expected[] = [];
  /** How many expectations name each responder port (a cheap test before the addresses are formatted). */
  private readonly expectedPorts = new Map<number, number>();
  /** UDP flow rules per responder port, merged over the components registered there (built on first use). */
  private udpRules: Map<number, UdpFlowRules> | null = null;
  /**
   * The last analyzer id given (Zeek's one counter over every analyzer::Analyzer
   * it makes: session adapters, PIAs, ConnSize and support analyzers too).
   */
  private lastId = 0;
  /**
   * Zeek's TCPSTATS analyzer is enabled: each TCP connection makes one (an
   * id before ConnSize's). Zeek's default Analyzer::disabled_analyzers
   * disables it; bronze raises its events from the TCP analyzer itself.
   */
  private tcpStats = true;
  /**
   * Zeek's CONNSIZE analyzer is enabled: each new connection makes one (the
   * last of its ids), which counts conn.log's orig_pkts … resp_ip_bytes.
   * Analyzer::disable_all disables it too; the fields are then unset.
   */
  connSize = true;
  /** How many ids a new connection's port analyzers take, per responder port (TCP, UDP), made on first use. */
  private portIdCounts: [Map<number, number>, Map<number, number>] | null = null;
  /** Lower-cased names of the analyzers disabled as a whole (Zeek's Analyzer::disable_analyzer): never instantiated. */
  private readonly disabledNames = new Set<string>();
  /** User signatures (bronze -s, src/signatures) on TCP streams; null unless signatures are loaded. */
  streamTap: StreamTap | null = null;

  constructor(
    private readonly bare = false,
    private readonly loads: readonly string[] = [],
    /** Zeek built with Spicy: its Spicy analyzers are part of the default scripts (AnalyzerComponent.spicy). */
    private readonly spicy = false,
  ) {}

  /**
   * True when `component`'s script is loaded in this configuration (always
   * without -b); a Spicy analyzer's only with Spicy on or its script named.
   */
  active(component: AnalyzerComponent): boolean {
    if (!this.inBuild(component)) return false;
    if (component.script === "") return true;
    if (component.spicy === true && !this.spicy && !isLoaded(true, this.loads, component.script)) return false;
    return isLoaded(this.bare, this.loads, component.script);
  }

  /** False for the twin of the other build, of a protocol Zeek has twice (AnalyzerComponent.build). */
  private inBuild(component: AnalyzerComponent): boolean {
    return component.build === undefined || (component.build === "spicy") === this.spicy;
  }

  /**
   * The signatures of `component` this configuration loads: its dpd.sig's
   * when its script is loaded or the file is named alone, and those of other
   * files of its (AnalyzerComponent.signatureFiles) named in the loads.
   */
  private loadedSignatures(component: AnalyzerComponent): readonly Signature[] {
    const own = component.signatures ?? [];
    const dpdSig = component.script !== "" && this.loads.includes(`${component.script}/dpd.sig`);
    const loaded = this.active(component) || (dpdSig && this.inBuild(component)) ? own : [];
    const files = component.signatureFiles;
    if (files === undefined) return loaded;
    return [...loaded, ...Object.entries(files).flatMap(([file, sigs]) => (this.loads.includes(file) ? sigs : []))];
  }

  /**
   * Adds a component of this build: by name always (for signatures and
   * children), by its ports when its script is loaded, by its signatures
   * when they are (loadedSignatures). `ports` overrides its TCP ports.
   */
  register(component: AnalyzerComponent, tcpPorts: readonly number[] | undefined = component.tcpPorts): void {
    // The other build's twin is not even known by name: it would replace this build's.
    if (!this.inBuild(component)) return;
    const old = this.byName.get(component.name.toLowerCase());
    if (old !== undefined && old !== component) this.unregister(old);
    this.byName.set(component.name.toLowerCase(), component);
    const signatures = this.loadedSignatures(component);
    if (signatures.length > 0) {
      this.signatures.push(...signatures);
      this.compiled = null;
    }
    if (!this.active(component)) return;
    if (component.stream !== undefined) for (const p of tcpPorts ?? []) addPort(this.tcpByPort, p, component);
    if (component.datagram !== undefined) {
      for (const p of component.udpPorts ?? []) addPort(this.udpByPort, p, component);
      for (const p of component.udpNonServerPorts ?? []) addPort(this.udpByPort, p, component);
    }
    this.udpRules = null;
    this.portIdCounts = null;
  }

  /**
   * Zeek's Analyzer::register_for_port: the component named `name` also
   * attaches to connections to responder `port`, its script loaded or not
   * (-b): Zeek's analyzers are all there, the scripts only register them.
   * False when there is no such component with an analyzer for that transport.
   */
  registerPort(name: string, port: number, udp = false): boolean {
    const component = this.find(name);
    if (component === undefined) return false;
    if ((udp ? component.datagram : component.stream) === undefined) return false;
    addPort(udp ? this.udpByPort : this.tcpByPort, port, component);
    this.udpRules = null;
    this.portIdCounts = null;
    return true;
  }

  /** Takes a component out (a newer one of the same name replaces it). */
  private unregister(component: AnalyzerComponent): void {
    this.udpRules = null;
    this.portIdCounts = null;
    for (const map of [this.tcpByPort, this.udpByPort]) {
      for (const [port, list] of map) {
        const kept = list.filter((c) => c !== component);
        if (kept.length === 0) map.delete(port);
        else map.set(port, kept);
      }
    }
    if (component.signatures !== undefined || component.signatureFiles !== undefined) {
      const gone = new Set([...(component.signatures ?? []), ...Object.values(component.signatureFiles ?? {}).flat()]);
      const kept = this.signatures.filter((s) => !gone.has(s));
      this.signatures.length = 0;
      this.signatures.push(...kept);
      this.compiled = null;
    }
  }

  /**
   * Zeek's Analyzer::disable_analyzer(tag) (`enabled` false) and
   * enable_analyzer(tag): a disabled analyzer is not started on any
   * connection from now on, whatever would start it (its ports, a signature,
   * a parent analyzer, an expected connection); instances already running
   * go on. False when no analyzer has that name.
   */
  setEnabled(name: string, enabled: boolean): boolean {
    if (name.toUpperCase() === "TCPSTATS") {
      this.tcpStats = enabled;
      return true;
    }
    if (name.toUpperCase() === "CONNSIZE") {
      this.connSize = enabled;
      return true;
    }
    if (this.find(name) === undefined) return false;
    if (enabled) this.disabledNames.delete(name.toLowerCase());
    else this.disabledNames.add(name.toLowerCase());
    this.portIdCounts = null;
    return true;
  }

  /** Zeek's __disable_all_analyzers (Analyzer::disable_all): every registered analyzer disabled; scripts enable the ones they want. */
  disableAll(): void {
    for (const name of this.byName.keys()) this.setEnabled(name, false);
    this.tcpStats = false;
    this.connSize = false;
  }

  /** Whether `component` may be started (not disabled as a whole). */
  enabled(component: AnalyzerComponent): boolean {
    return this.disabledNames.size === 0 || !this.disabledNames.has(component.name.toLowerCase());
  }

  /** The component named `name` (Zeek's names are case-insensitive), if registered. */
  find(name: string): AnalyzerComponent | undefined {
    return this.byName.get(name.toLowerCase());
  }

  /** A new analyzer id. */
  newId(): number {
    return ++this.lastId;
  }

  /** Takes `n` consecutive ids (analyzers Zeek makes that bronze does not, or makes later); the first of them. */
  reserveIds(n: number): number {
    const first = this.lastId + 1;
    this.lastId += n;
    return first;
  }

  /**
   * The ids a new TCP (or UDP) connection takes at its creation (Zeek's
   * BuildSessionAnalyzerTree): the session adapter, the PIA, the analyzers
   * expected for it (`expected`) or else those registered for responder
   * port `port` with their support analyzers, then TCPStats (TCP, when
   * enabled) and ConnSize (when enabled). The first application analyzer's id is the first
   * returned plus 2.
   */
  reserveConnectionIds(port: number, udp: boolean, expected?: readonly AnalyzerComponent[]): number {
    const apps = expected === undefined ? this.portIds(port, udp) : this.idsOf(expected, udp);
    return this.reserveIds(2 + apps + (this.tcpStats && !udp ? 1 : 0) + (this.connSize ? 1 : 0));
  }

  /** The ids a connection without a PIA takes at its creation (ICMP, unknown IP protocols): the session adapter's and ConnSize's when enabled; the first. */
  reserveAdapterIds(): number {
    return this.reserveIds(this.connSize ? 2 : 1);
  }

  /** ConnSize's id among those reserveConnectionIds gave from `first` for `port` (the last of them; an expected connection's not counted; only when connSize). */
  connSizeId(first: number, port: number, udp: boolean): number {
    return first + 2 + this.portIds(port, udp) + (this.tcpStats && !udp ? 1 : 0);
  }

  /** The ids the analyzers registered for `port` take at a connection's creation (cached per port until registrations change). */
  private portIds(port: number, udp: boolean): number {
    if (this.portIdCounts === null) this.portIdCounts = [new Map(), new Map()];
    const cache = this.portIdCounts[udp ? 1 : 0];
    let n = cache.get(port);
    if (n === undefined) {
      n = this.idsOf(this.forPort(port, udp) ?? [], udp);
      cache.set(port, n);
    }
    return n;
  }

  /** The ids `components` take when a connection's tree is built: those that start there, each with its support analyzers. */
  private idsOf(components: readonly AnalyzerComponent[], udp: boolean): number {
    let n = 0;
    for (const c of components) if (this.startsOn(c, udp)) n += 1 + this.supportIds(c, udp);
    return n;
  }

  /** Whether the tree of a new connection starts `component` (enabled, with an analyzer for the transport): Zeek makes no analyzer otherwise. */
  startsOn(component: AnalyzerComponent, udp: boolean): boolean {
    return (udp ? component.datagram : component.stream) !== undefined && this.enabled(component);
  }

  /** The support analyzers `component` makes for itself (on streams only). */
  supportIds(component: AnalyzerComponent, packets: boolean): number {
    return packets ? 0 : (component.supportAnalyzers ?? 0);
  }

  /** True when an analyzer is registered for `respPort` (Analyzer::register_for_port). */
  analyzesPort(respPort: number, udp: boolean): boolean {
    return (udp ? this.udpByPort : this.tcpByPort).has(respPort);
  }

  /** True when a new connection to `respPort` gets analyzers at creation (by port or an expectation). */
  wantsConnection(respPort: number, udp: boolean): boolean {
    return this.mayExpect(respPort) || this.analyzesPort(respPort, udp);
  }

  /** False when no expectation names `respPort` (then no connection to it is expected). */
  mayExpect(respPort: number): boolean {
    return this.expectedCount > 0 && this.expectedPorts.has(respPort);
  }

  private countPort(port: number, delta: number): void {
    const n = (this.expectedPorts.get(port) ?? 0) + delta;
    if (n > 0) this.expectedPorts.set(port, n);
    else this.expectedPorts.delete(port);
  }

  /** Each component with ports and its TCP and UDP responder ports (Zeek's Analyzer::ports), components in the order their first port came. */
  portsByAnalyzer(): Array<{ name: string; tcp: number[]; udp: number[] }> {
    const out = new Map<AnalyzerComponent, { name: string; tcp: number[]; udp: number[] }>();
    const entry = (c: AnalyzerComponent) => out.get(c) ?? out.set(c, { name: c.name, tcp: [], udp: [] }).get(c)!;
    for (const [port, list] of this.tcpByPort) for (const c of list) entry(c).tcp.push(port);
    for (const [port, list] of this.udpByPort) for (const c of list) entry(c).udp.push(port);
    // A stream analyzer its script registers for UDP ports too (DNP3_TCP for 20000/udp) has them in Analyzer::ports, never attached to a UDP flow.
    for (const c of this.byName.values()) if (c.datagram === undefined && this.active(c)) for (const p of c.udpPorts ?? []) entry(c).udp.push(p);
    return [...out.values()];
  }

  /** Components registered for TCP (or UDP) responder port `port`, in registration order. */
  forPort(port: number, udp = false): readonly AnalyzerComponent[] | undefined {
    return (udp ? this.udpByPort : this.tcpByPort).get(port);
  }

  /**
   * What the analyzers registered for UDP responder port `port` do to its
   * flows (AnalyzerComponent.udpFlow), merged: udp_session_done when one
   * raises it, the first expiry and role rule in registration order.
   * Undefined when none has a rule (a lookup per new flow).
   */
  udpFlowRules(port: number): UdpFlowRules | undefined {
    if (this.udpRules === null) {
      const rules = new Map<number, UdpFlowRules>();
      for (const [p, all] of this.udpByPort) {
        // A disabled analyzer (Analyzer::disable_all) is not started: its rules do not apply.
        const list = all.filter((c) => this.enabled(c));
        const sessionDone = list.some((c) => c.udpFlow?.sessionDone === true);
        const expiry = list.find((c) => c.udpFlow?.expiry !== undefined)?.udpFlow?.expiry;
        const role = list.find((c) => c.udpFlow?.role !== undefined)?.udpFlow?.role;
        const lifetime = list.find((c) => c.udpFlow?.lifetime !== undefined)?.udpFlow?.lifetime;
        if (sessionDone || expiry !== undefined || role !== undefined || lifetime !== undefined) rules.set(p, { sessionDone, expiry, role, lifetime });
      }
      this.udpRules = rules;
    }
    return this.udpRules.get(port);
  }

  /** The loaded signatures for one transport, compiled once (null when there are none). */
  signaturesFor(udp: boolean): readonly CompiledSignature[] | null {
    if (this.compiled === null) {
      const tcp = this.signatures.filter((s) => s.proto !== "udp");
      const udpSigs = this.signatures.filter((s) => s.proto !== "tcp");
      this.compiled = {
        tcp: compileSignatures(tcp),
        udp: compileSignatures(udpSigs),
      };
    }
    const list = udp ? this.compiled.udp : this.compiled.tcp;
    return list.length > 0 ? list : null;
  }

  /**
   * Zeek's schedule_analyzer: a connection from `orig` (null, 0.0.0.0 or ::
   * = any) to resp:respPort/proto gets `name` while `until` has not passed.
   * Scheduling the same analyzer for the same endpoints again extends its
   * lifetime. Entries are not used up by a match (Zeek keeps them until they
   * expire: a second data connection to the same port gets the analyzer too).
   */
  expect(orig: string | null, resp: string, respPort: number, proto: "tcp" | "udp", name: string, until: number, now = until): void {
    const component = this.find(name);
    if (component === undefined) return;
    this.expireExpected(now);
    const wildcard = orig === null || orig === "0.0.0.0" || orig === "::" ? null : orig;
    const key = expectKey(resp, respPort, proto);
    let list = this.expected.get(key);
    const same = list?.find((e) => e.orig === wildcard && e.component === component);
    if (same !== undefined) {
      if (same.until < until) same.until = until;
      return;
    }
    if (this.expectedCount >= MAX_EXPECTED) return;
    const entry: Expected = { orig: wildcard, component, until, respPort, key, heapUntil: until };
    if (list === undefined) this.expected.set(key, (list = []));
    list.push(entry);
    this.expectedCount++;
    this.countPort(respPort, 1);
    heapPush(this.expiries, entry);
  }

  /**
   * Drops the expectations whose time passed (as Zeek's ExpireScheduledAnalyzers, on each new schedule). The heap
   * yields them earliest first; one whose lifetime was extended since it entered goes back in with its new end.
   */
  private expireExpected(now: number): void {
    const heap = this.expiries;
    while (heap.length > 0 && heap[0]!.heapUntil < now) {
      const e = heapPop(heap);
      if (e.until >= now) {
        e.heapUntil = e.until;
        heapPush(heap, e);
        continue;
      }
      const list = this.expected.get(e.key)!;
      list.splice(list.indexOf(e), 1);
      if (list.length === 0) this.expected.delete(e.key);
      this.expectedCount--;
      this.countPort(e.respPort, -1);
    }
  }

  /** True when some expectation covers a new connection orig → resp:respPort/proto at `now`. */
  hasExpected(orig: string, resp: string, respPort: number, proto: "tcp" | "udp", now: number): boolean {
    if (!this.mayExpect(respPort)) return false;
    const list = this.expected.get(expectKey(resp, respPort, proto));
    return list?.some((e) => e.until >= now && (e.orig === null || e.orig === orig)) === true;
  }

  /** The analyzers expected for a new connection (those for exactly `orig` first, then the wildcards), not expired at `now`. */
  takeExpected(orig: string, resp: string, respPort: number, proto: "tcp" | "udp", now: number): AnalyzerComponent[] {
    if (!this.mayExpect(respPort)) return [];
    const list = this.expected.get(expectKey(resp, respPort, proto));
    if (list === undefined) return [];
    const found: AnalyzerComponent[] = [];
    for (const e of list) if (e.orig === orig && e.until >= now && !found.includes(e.component)) found.push(e.component);
    for (const e of list) if (e.orig === null && e.until >= now && !found.includes(e.component)) found.push(e.component);
    return found;
  }
}

function addPort(map: Map<number, AnalyzerComponent[]>, port: number, component: AnalyzerComponent): void {
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`bad port ${port} for analyzer ${component.name}`);
  const list = map.get(port);
  if (list === undefined) map.set(port, [component]);
  else if (!list.includes(component)) list.push(component);
}

/** Adds `e` to the min-heap `heap` (ordered by heapUntil). */
function heapPush(heap: Expected[], e: Expected): void {
  let i = heap.push(e) - 1;
  while (i > 0) {
    const up = (i - 1) >> 1;
    const parent = heap[up]!;
    if (parent.heapUntil <= e.heapUntil) break;
    heap[i] = parent;
    i = up;
  }
  heap[i] = e;
}

/** Removes and returns the earliest entry of the non-empty min-heap `heap`. */
function heapPop(heap: Expected[]): Expected {
  const top = heap[0]!;
  const last = heap.pop()!;
  const n = heap.length;
  if (n === 0) return top;
  let i = 0;
  for (;;) {
    const l = 2 * i + 1;
    if (l >= n) break;
    const r = l + 1;
    const child = r < n && heap[r]!.heapUntil < heap[l]!.heapUntil ? r : l;
    if (heap[child]!.heapUntil >= last.heapUntil) break;
    heap[i] = heap[child]!;
    i = child;
  }
  heap[i] = last;
  return top;
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
