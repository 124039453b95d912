/**
 * Zeek's asynchronous DNS lookups for scripts (its DNS_Mgr behind
 * lookup_addr and lookup_hostname_txt, used in `when` statements):
 * `when ( local name = lookup_addr(a) ) { body }` is `whenAddr(a, body)`.
 * The answer comes from the system's resolver (or the server named by
 * ZEEK_DNS_RESOLVER, as Zeek's), never from the traffic. The body runs as
 * the script's own event at the network time the answer arrived (Zeek
 * evaluates a `when` condition in its main loop, between packets); a lookup
 * still pending at the end of input is waited for before zeek_done. An
 * address without a name, or a lookup that failed or timed out, gives
 * "<???>", as Zeek's. Answers are kept for the run (Zeek's DNS cache).
 */
import { Resolver } from "node:dns/promises";
import type { AnalyzerScriptHost } from "./host.js";

/** What the lookups need of a resolver: node:dns's Resolver has it; tests give their own. */
export interface DnsResolver {
  reverse(address: string): Promise<string[]>;
  resolveTxt(name: string): Promise<string[][]>;
}

/** Zeek's answer when there is none. */
export const NO_ANSWER = "<???>";

/** How long one lookup may take (Zeek's DNS_Mgr gives up on a request after a few seconds too). */
const LOOKUP_TIMEOUT_MS = 5000;

/** A resolver for the system's name servers, or ZEEK_DNS_RESOLVER's ("127.0.0.1", "[::1]:5353"). */
export function systemResolver(): DnsResolver {
  const r = new Resolver({ timeout: LOOKUP_TIMEOUT_MS, tries: 1 });
  const server = process.env.ZEEK_DNS_RESOLVER;
  if (server !== undefined && server !== "") r.setServers([server]);
  return r;
}

export class DnsLookups {
  private readonly names = new Map<string, Promise<string>>();
  private readonly texts = new Map<string, Promise<string>>();

  constructor(
    private readonly host: AnalyzerScriptHost,
    private readonly resolver: DnsResolver = systemResolver(),
  ) {}

  /** `when ( local hostname = lookup_addr(address) ) body`: the address's first PTR name. */
  whenAddr(address: string, body: (hostname: string) => void): void {
    this.when(this.names, address, () => this.resolver.reverse(address).then((names) => names[0] ?? NO_ANSWER), body);
  }

  /** `when ( local text = lookup_hostname_txt(name) ) body`: the name's first TXT record. */
  whenTxt(name: string, body: (text: string) => void): void {
    this.when(this.texts, name, () => this.resolver.resolveTxt(name).then((records) => records[0]?.join("") ?? NO_ANSWER), body);
  }

  private when(cache: Map<string, Promise<string>>, key: string, ask: () => Promise<string>, body: (answer: string) => void): void {
    let answer = cache.get(key);
    if (answer === undefined) {
      answer = ask().catch(() => NO_ANSWER);
      cache.set(key, answer);
    }
    const done = answer.then((a) => this.host.queueEvent(() => body(a)));
    this.host.holdUntil?.(done);
  }
}

const instances = new WeakMap<AnalyzerScriptHost, DnsLookups>();

/** The host's lookups (one cache per run). */
export function dnsLookups(host: AnalyzerScriptHost): DnsLookups {
  let l = instances.get(host);
  if (l === undefined) instances.set(host, (l = new DnsLookups(host)));
  return l;
}

/** Uses `resolver` for the host's lookups from now on (tests, or a library user with a resolver of their own). */
export function useDnsResolver(host: AnalyzerScriptHost, resolver: DnsResolver): void {
  instances.set(host, new DnsLookups(host, resolver));
}
