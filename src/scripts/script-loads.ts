/**
 * What a Zeek script brings with it: Zeek runs every script it @loads, so
 * `zeek -b base/protocols/http` also runs base/frameworks/files and
 * base/frameworks/tunnels (files.log, tunnel.log). The graph is Zeek's own
 * (zeek-script-loads.ts, generated from its script tree).
 */
import { ZEEK_SCRIPT_LOADS } from "./zeek-script-loads.js";

/** ZEEKPATH's directories below share/zeek, in Zeek's search order ("" is share/zeek itself). */
const SEARCH_PREFIXES = ["", "policy/", "site/"];

/** A load as the graph names it: no .zeek, /main or /__load__, found along ZEEKPATH. */
function graphName(load: string): string {
  const n = load
    .replace(/^\.\//, "")
    .replace(/\.(zeek|bro)$/, "")
    .replace(/\/(__load__|main)$/, "");
  for (const prefix of SEARCH_PREFIXES) if (ZEEK_SCRIPT_LOADS[prefix + n] !== undefined) return prefix + n;
  return n;
}

/** Each loads list's closure, made once (the lists are the engine's, fixed at start-up). */
const closures = new WeakMap<readonly string[], ReadonlySet<string>>();

/** Every script the scripts `loads` name load in Zeek, directly or through others (exact names; the named ones too). */
export function scriptsLoadedBy(loads: readonly string[]): ReadonlySet<string> {
  let found = closures.get(loads);
  if (found !== undefined) return found;
  const seen = new Set<string>();
  const stack = loads.map(graphName);
  while (stack.length > 0) {
    const name = stack.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    for (const next of ZEEK_SCRIPT_LOADS[name] ?? []) stack.push(next);
  }
  closures.set(loads, (found = seen));
  return found;
}
