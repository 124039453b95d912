/**
 * What a Zeek script brings with it: Zeek runs every script it @loads, so
 * `zeek -b base/protocols/http` also runs base/frameworks/files and
 * base/frameworks/tunnels (files.log, tunnel.log). The graph is Zeek's own
 * (zeek-script-loads.ts, generated from its script tree).
 */
import { policyScriptLoaded } from "../options.js";
import { ZEEK_SCRIPT_LOADS } from "./zeek-script-loads.js";
import { normaliseScriptName, resolveZeekScript } from "./zeek-script-path.js";

/** A load as the graph names it: its full name along ZEEKPATH (a name Zeek does not have, as written). */
function graphName(load: string): string {
  return resolveZeekScript(load) ?? normaliseScriptName(load);
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

/**
 * Whether policy script `script` ("frameworks/files/hash-all-files") runs:
 * named on the command line, or brought by a named script that @loads it
 * (detect-MHR brings hash-all-files, frameworks/notice/community-id brings
 * community-id-logging).
 */
export function policyScriptInEffect(loads: readonly string[], script: string): boolean {
  return policyScriptLoaded(loads, script) || scriptsLoadedBy(loads).has(`policy/${script}`);
}
