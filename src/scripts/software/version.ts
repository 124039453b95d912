/**
 * Software versions as Zeek's software framework reads them out of banners,
 * user agents and server headers (Software::parse, base/frameworks/software):
 * a name, up to four numbers and an "additional" word. A browser's user
 * agent ("Mozilla/5.0 (…) Chrome/…") is read by the browser it names; any
 * other text is split at its first run of version-like characters: the
 * name before it, the numbers in it, the additional word after it (or
 * inside it, past the fourth number). Also Software::cmp_versions and the
 * "1.2.3-x" form the framework compares logged versions by.
 */
import { unescapeUri } from "../../analyzer/app/http/http.js";
import { extractCount, splitString, splitStringAll, strip, sub } from "./zeek-strings.js";

/** Software::Version. */
export interface SoftwareVersion {
  major?: number;
  minor?: number;
  minor2?: number;
  minor3?: number;
  addl?: string;
}

/** What Software::parse makes of a version string (its Description). */
export interface ParsedSoftware {
  name: string;
  version: SoftwareVersion;
  unparsed_version: string;
}

/** Software::alternate_names: names some software goes by, and the one it is logged under. */
const ALTERNATE_NAMES: ReadonlyMap<string, string> = new Map([["Flash Player", "Flash"]]);

/** The separator and version run: a name/version separator ("/", "-", "_", " v", " (") and two or more version characters. */
const VERSION_RUN = /([/\-_]|( [(v]+))?[0-9\-._, ]{2,}/;
/** That separator left at a name's end. */
const TRAILING_SEPARATOR = /([/\-_]|( [(v]+))$/;
const SEPARATOR = /([/\-_]|( [(v]+))/;
const VERSION_NUMBER_SEPARATOR = /[-._,[({ ]/;
const ADDL_SEPARATOR = /[-._,;[\](){} ]/;
const PARENTHESISED = /^[ \t]*\([a-zA-Z0-9\-._ \t]*\)/;
const NOT_REPORTED = /* the unescape has no one to report to */ { weird: () => {} };

/** Software::parse: the name and version in `unparsed`. */
export function parseSoftware(unparsed: string): ParsedSoftware {
  if (/^(Mozilla|Opera)\/[0-9]+\./.test(unparsed)) return parseBrowser(unparsed);
  if (/A\/[0-9.]*\/Google\/Pixel/.test(unparsed)) {
    const name = "Android (Google Pixel)";
    // "A/<version>/Google/Pixel…": the piece after the first slash.
    const vs = splitStringAll(unparsed, /\//)[2];
    if (vs !== undefined) return { name, version: vs.includes(".") ? parseSoftware(vs).version : { major: extractCount(vs) }, unparsed_version: unparsed };
    return { name: ALTERNATE_NAMES.get(name) ?? name, version: {}, unparsed_version: unparsed };
  }
  const { name, version } = parseGeneric(unescapeUri(unparsed.replaceAll("\\x", "%"), NOT_REPORTED));
  return { name: ALTERNATE_NAMES.get(name) ?? name, version, unparsed_version: unparsed };
}

/** Any text but a browser's: [name][separator + version run][rest]. */
function parseGeneric(text: string): { name: string; version: SoftwareVersion } {
  const [head, run, rest] = splitString(text, VERSION_RUN, true, 1) as [string, string?, string?];
  const version: SoftwareVersion = {};
  const junk = TRAILING_SEPARATOR.test(head) ? strip(sub(head, SEPARATOR, "")) : head;
  const name = junk.startsWith("(") ? strip(sub(junk, /\(/, "")) : strip(junk);
  if (run === undefined) return { name, version };
  let digits = strip(run);
  if (/^[/\-._v(]/.test(digits)) digits = strip(sub(digits, /^[/\-._v(]/, ""));
  // At most four numbers: the split stops after three separators.
  const numbers = splitString(digits, VERSION_NUMBER_SEPARATOR, false, 3);
  if (rest !== undefined && rest !== "" && rest !== ")") version.addl = addlOf(rest);
  const fields = ["major", "minor", "minor2", "minor3"] as const;
  for (let i = 3; i >= 0; i--) {
    const n = numbers[i];
    if (n !== undefined && n !== "") version[fields[i]!] = extractCount(n);
  }
  return { name, version };
}

/** The additional word after a version run: what a leading "( … )" holds, else its first non-empty word. */
function addlOf(rest: string): string {
  if (PARENTHESISED.test(rest)) return splitString(rest, /[()]/, false, 2)[1]!;
  const words = splitString(rest, ADDL_SEPARATOR, false, 3);
  const word = words.slice(0, 3).find((w) => w !== "");
  return strip(word ?? rest);
}

/** Internet Explorer's versions by its Trident engine's. */
const TRIDENT_MSIE: ReadonlyArray<readonly [RegExp, number]> = [
  [/Trident\/4\.0/, 8],
  [/Trident\/5\.0/, 9],
  [/Trident\/6\.0/, 10],
  [/Trident\/7\.0/, 11],
];

/** The version in the first match of `pattern` in `ua` (parsed as a version string of its own), or none. */
function versionAt(ua: string, pattern: RegExp): SoftwareVersion | undefined {
  const match = splitStringAll(ua, pattern)[1];
  return match === undefined ? undefined : parseSoftware(match).version;
}

/** Software::parse_mozilla: a browser's user agent. */
function parseBrowser(ua: string): ParsedSoftware {
  const found = (name: string, version: SoftwareVersion | undefined): ParsedSoftware => ({ name, version: version ?? {}, unparsed_version: ua });
  if (/Opera [0-9.]*$/.test(ua)) return found("Opera", versionAt(ua, /Opera [0-9.]*$/));
  if (/ MSIE |Trident\//.test(ua)) {
    const trident = TRIDENT_MSIE.find(([re]) => re.test(ua));
    return found("MSIE", trident !== undefined ? { major: trident[1], minor: 0 } : versionAt(ua, /MSIE [0-9]{1,2}\.*[0-9]*b?[0-9]*/));
  }
  if (/Edge\//.test(ua)) return found("Edge", versionAt(ua, /Edge\/[0-9.]*/));
  if (/Version\/.*Safari\//.test(ua)) {
    const v = versionAt(ua, /Version\/[0-9.]*/);
    if (v !== undefined && / Mobile\/?.* Safari/.test(ua)) v.addl = "Mobile";
    return found("Safari", v);
  }
  const gecko = /(Firefox|Netscape|Thunderbird)\/[0-9.]*/;
  if (gecko.test(ua)) {
    const match = splitStringAll(ua, gecko)[1]!;
    const p = parseSoftware(match);
    return { name: p.name, version: p.version, unparsed_version: ua };
  }
  if (/Chrome\/.*Safari\//.test(ua)) return found("Chrome", versionAt(ua, /Chrome\/[0-9.]*/));
  if (/^Opera\//.test(ua)) return parseOpera(ua);
  if (/Flash%20Player/.test(ua)) {
    // "…Flash%20Player/<version> …": the piece after the first slash or space.
    const piece = splitStringAll(ua, /[/ ]/)[2];
    return found("Flash", piece === undefined ? undefined : parseSoftware(piece).version);
  }
  for (const [name, version] of [
    ["AdobeAIR", /AdobeAIR\/[0-9.]*/],
    ["Unspecified WebKit", /AppleWebKit\/[0-9.]*/],
  ] as const) {
    if (version.test(ua)) return found(name, versionAt(ua, version));
  }
  if (/ Java\/[0-9]\./.test(ua)) return found("Java", versionAt(ua, /Java\/[0-9._]*/));
  return found("<unknown browser>", undefined);
}

/** An "Opera/…" user agent: Opera Mini or Mobile (the version after "Version/", else after "Opera Mini/"), or Opera. */
function parseOpera(ua: string): ParsedSoftware {
  if (/Opera M(ini|obi)\//.test(ua)) {
    const name = splitStringAll(ua, /Opera M(ini|obi)/)[1] ?? "<unknown browser>";
    const version = versionAt(ua, /Version\/[0-9.]*/) ?? versionAt(ua, /Opera Mini\/[0-9.]*/) ?? {};
    return { name, version, unparsed_version: ua };
  }
  return { name: "Opera", version: versionAt(ua, /Version\/[0-9.]*/) ?? {}, unparsed_version: ua };
}

/** Software::cmp_versions: by major, minor, minor2, minor3 (a number given beats none), then addl as strcmp compares. */
export function compareVersions(a: SoftwareVersion, b: SoftwareVersion): number {
  for (const k of ["major", "minor", "minor2", "minor3"] as const) {
    const x = a[k];
    const y = b[k];
    if (x !== undefined && y !== undefined) {
      if (x !== y) return x < y ? -1 : 1;
    } else if (x !== undefined || y !== undefined) return x !== undefined ? 1 : -1;
  }
  if (a.addl !== undefined && b.addl !== undefined) return a.addl < b.addl ? -1 : a.addl > b.addl ? 1 : 0;
  if (a.addl === undefined && b.addl === undefined) return 0;
  return a.addl !== undefined ? 1 : -1;
}

/** software_fmt_version: "1.2.3.4-addl", a missing major as 0. */
export function formatVersion(v: SoftwareVersion): string {
  const part = (n: number | undefined): string => (n === undefined ? "" : `.${n}`);
  return `${v.major ?? 0}${part(v.minor)}${part(v.minor2)}${part(v.minor3)}${v.addl === undefined ? "" : `-${v.addl}`}`;
}
