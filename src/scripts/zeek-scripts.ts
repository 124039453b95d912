/**
 * Zeek script names on bronze's command line (`bronze -r t.pcap
 * base/protocols/http local`): which real Zeek script a name loads, whether
 * bronze implements it, and the one place that says what bronze implements.
 *
 * A name is looked up as Zeek's default ZEEKPATH would find it: under
 * share/zeek (`base/…`, `policy/…`), then share/zeek/policy
 * (`protocols/http/detect-sqli`), then share/zeek/site (`local`); `.zeek`,
 * `.bro`, `/main` and `/__load__` are the same script.
 */
import { ZEEK_SCRIPT_NAMES } from "./zeek-script-names.js";

const KNOWN = new Set(ZEEK_SCRIPT_NAMES);

/** ZEEKPATH's directories below share/zeek, in Zeek's search order ("" is share/zeek itself). */
const SEARCH_PREFIXES = ["", "policy/", "site/"];

/** A script name without the suffixes and file names that load the same script. */
export function normaliseScriptName(name: string): string {
  return name
    .replace(/^\.\//, "")
    .replace(/\.(zeek|bro)$/, "")
    .replace(/\/(__load__|main)$/, "");
}

/** The Zeek script `name` loads ("protocols/http/detect-sqli" → "policy/protocols/http/detect-sqli"), or null when Zeek has none. */
export function resolveZeekScript(name: string): string | null {
  const n = normaliseScriptName(name);
  for (const prefix of SEARCH_PREFIXES) if (KNOWN.has(prefix + n)) return prefix + n;
  return null;
}

/**
 * The Zeek scripts bronze implements (what it does in their place). The
 * application-layer work adds its protocols here
 * (`implementScript("base/protocols/ssh", "ssh.log")`).
 */
const implemented = new Map<string, string>([
  ["base/protocols/conn", "conn.log"],
  ["base/frameworks/notice/weird", "weird.log"],
  ["base/frameworks/reporter", "reporter.log"],
  ["base/misc/find-checksum-offloading", "the checksum-offloading warning"],
  ["policy/protocols/conn/mac-logging", "conn.log's orig_l2_addr/resp_l2_addr"],
  ["policy/protocols/conn/vlan-logging", "conn.log's vlan/inner_vlan"],
  ["policy/protocols/conn/community-id-logging", "conn.log's community_id"],
]);

/** Declares that bronze implements the Zeek script `name` (a full name, "base/protocols/ssh"); `what` says how, for messages. */
export function implementScript(name: string, what: string): void {
  const full = resolveZeekScript(name);
  if (full === null) throw new Error(`${name} is not a Zeek script name`);
  implemented.set(full, what);
}

/** Whether bronze implements the Zeek script `name` loads. */
export function scriptImplemented(name: string): boolean {
  const full = resolveZeekScript(name);
  return full !== null && implemented.has(full);
}

/** The Zeek scripts bronze implements, with what it does for each. */
export function implementedScripts(): ReadonlyMap<string, string> {
  return implemented;
}

/** Names on a command line sorted into: not Zeek scripts at all, and real Zeek scripts bronze does not implement yet. */
export function checkScriptNames(names: readonly string[]): { unknown: string[]; notImplemented: string[] } {
  const unknown: string[] = [];
  const notImplemented: string[] = [];
  for (const name of names) {
    const full = resolveZeekScript(name);
    if (full === null) unknown.push(name);
    else if (!implemented.has(full)) notImplemented.push(full === normaliseScriptName(name) ? full : `${name} (${full})`);
  }
  return { unknown, notImplemented };
}
