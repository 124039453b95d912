/**
 * Zeek script names as `@load` resolves them, along Zeek's default ZEEKPATH:
 * share/zeek (`base/…`, `policy/…`), then share/zeek/policy
 * (`protocols/http/detect-sqli`), then share/zeek/site (`local`); `.zeek`,
 * `.bro`, `/main` and `/__load__` name the same script. Data only: the
 * session layer (likely server ports) and the CLI both use it.
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
