/**
 * The helpers the ftp script uses, as Zeek's BIFs and base/utils scripts
 * behave: the PORT/EPRT/PASV/EPSV parsers (ftp functions.bif), paths
 * (base/utils/paths.zeek and compress_path), extract_count
 * (base/utils/numbers.zeek). Strings are latin1 (one byte per character).
 */
import { formatAddrBytes } from "../../../ip/addr.js";
import { parseAddress } from "../../../scripts/site.js";

/** Zeek's ftp_port: where a data connection is to go. */
export interface FtpPort {
  h: string;
  p: number;
  valid: boolean;
}

/** The unspecified IPv6 address, what an EPRT/EPSV without an address yields. */
export const UNSPECIFIED6 = "::";

function isDigitCode(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isSpaceCode(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

/** C's strtol in base 10 from `i` (leading white space, a sign): the value and where it stopped; `end === i` when no digits. */
function strtol(s: string, i: number): { value: number; end: number } {
  let j = i;
  while (j < s.length && isSpaceCode(s.charCodeAt(j))) j++;
  let neg = false;
  if (s[j] === "+" || s[j] === "-") {
    neg = s[j] === "-";
    j++;
  }
  const digits = j;
  let value = 0;
  while (j < s.length && isDigitCode(s.charCodeAt(j))) {
    value = value * 10 + (s.charCodeAt(j) - 0x30);
    j++;
  }
  if (j === digits) return { value: 0, end: i };
  return { value: neg ? -value : value, end: j };
}

/** sscanf("%d<sep>%d…"): `count` numbers separated by `sep` at the start of `s`, and where they end; null when they are not there. */
function numberList(s: string, count: number, sep: string): { nums: number[]; end: number } | null {
  const nums: number[] = [];
  let i = 0;
  for (let k = 0; k < count; k++) {
    if (k > 0) {
      if (s[i] !== sep) return null;
      i++;
    }
    const r = strtol(s, i);
    if (r.end === i) return null;
    nums.push(r.value);
    i = r.end;
  }
  return { nums, end: i };
}

/** The text up to a NUL (the BIFs read C strings). */
function cString(s: string): string {
  const nul = s.indexOf("\0");
  return nul < 0 ? s : s.slice(0, nul);
}

/** parse_ftp_port's core: "h1,h2,h3,h4,p1,p2" (sscanf "%d,%d,%d,%d,%d,%d", at least 11 characters). */
function parsePortList(line: string): FtpPort {
  const bad: FtpPort = { h: "0.0.0.0", p: 0, valid: false };
  if (line.length < 11) return bad;
  const nums = numberList(line, 6, ",")?.nums;
  if (nums === undefined || nums.some((b) => b < 0 || b > 255)) return bad;
  return { h: `${nums[0]}.${nums[1]}.${nums[2]}.${nums[3]}`, p: nums[4]! * 256 + nums[5]!, valid: true };
}

/** parse_ftp_port: the argument of PORT. */
export function parseFtpPort(s: string): FtpPort {
  return parsePortList(cString(s));
}

/** IPAddr::ConvertString: an IPv6 address when the text has a colon, else a strict dotted quad. Canonical text, or null. */
export function convertAddress(text: string): string | null {
  if (text.includes(":")) {
    const bytes = parseAddress(text);
    if (bytes === null) return null;
    return formatAddrBytes(bytes);
  }
  const list = numberList(text, 4, ".");
  if (list === null || list.end !== text.length || list.nums.some((b) => b < 0 || b > 255)) return null;
  return list.nums.join(".");
}

/** parse_eftp (EPRT's argument, EPSV's reply after "("): "<d><proto><d><addr><d><port><d>". */
function parseEftp(input: string | null): FtpPort {
  let h = UNSPECIFIED6;
  let port = 0;
  let good = false;
  if (input !== null) {
    const s = cString(input);
    let i = 0;
    while (i < s.length && isSpaceCode(s.charCodeAt(i))) i++;
    if (i < s.length) {
      const delim = s[i]!;
      good = true;
      i++;
      const proto = strtol(s, i);
      if (s[proto.end] !== delim) good = false;
      i = proto.end;
      if (i < s.length) i++;
      if (i < s.length && s[i] !== delim) {
        let stop = s.indexOf(delim, i);
        if (stop < 0) stop = s.length;
        const addr = convertAddress(s.slice(i, stop));
        good = addr !== null;
        if (addr !== null) h = addr;
      }
      const next = s.indexOf(delim, i);
      if (next >= 0) {
        const r = strtol(s, next + 1);
        port = r.value;
        if (s[r.end] !== delim) good = false;
        if (port < 0 || port > 65535) {
          port = 0;
          good = false;
        }
      }
    }
  }
  return { h, p: port, valid: good };
}

/** parse_eftp_port: the argument of EPRT. */
export function parseEftpPort(s: string): FtpPort {
  return parseEftp(s);
}

/** parse_ftp_pasv: a 227 reply's text. */
export function parseFtpPasv(str: string): FtpPort {
  const s = cString(str);
  if (str.length === 0) return parsePortList("");
  let at = s.indexOf("(");
  if (at >= 0) at++;
  else if ((at = s.indexOf("PORT")) >= 0) at += 5;
  else if ((at = s.indexOf(",")) >= 0) {
    // Back up over the digits before the first comma.
    do at--;
    while (at >= 0 && isDigitCode(s.charCodeAt(at)));
    at++;
  }
  if (at < 0 || at > str.length) return parsePortList("");
  return parsePortList(s.slice(at));
}

/** parse_ftp_epsv: a 229 reply's text. */
export function parseFtpEpsv(str: string): FtpPort {
  const s = cString(str);
  const at = s.indexOf("(");
  return parseEftp(at >= 0 ? s.slice(at + 1) : null);
}

/** extract_count(s, get_first): the first (or last) run of digits as a count, 0 when none. */
export function extractCount(s: string, getFirst = true): number {
  const runs = s.match(/[0-9]+/g);
  if (runs === null) return 0;
  return Number(getFirst ? runs[0] : runs[runs.length - 1]);
}

/** compress_path (util::detail::normalize_path, POSIX). */
export function compressPath(path: string): string {
  if (!path.includes("/.") && !path.includes("//")) {
    return path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
  }
  const out: string[] = [];
  const components = path.split("/");
  for (let k = 0; k < components.length; k++) {
    const c = components[k]!;
    if (c === "") continue;
    if (c === "." && k !== 0) continue;
    out.push(c);
    if (c === ".." && out.length > 1) {
      const last = out[out.length - 2]!;
      if (last === "~" || last === "..") continue;
      if (last === ".") {
        out.splice(out.length - 2, 2, "..");
      } else out.splice(out.length - 2, 2);
    }
  }
  let result = path.startsWith("/") ? "/" : "";
  for (const c of out) result += `${c}/`;
  if (result.length > 1 && result.endsWith("/")) result = result.slice(0, -1);
  return result;
}

/** absolute_path_pat, matched whole (Zeek's `.` does not match a newline). */
const ABSOLUTE_PATH = /^(?:\/|[A-Za-z]:[\\/])[^\n]*$/;

/** build_path. */
export function buildPath(dir: string, fileName: string): string {
  const sep = dir.endsWith("/") ? "" : "/";
  return ABSOLUTE_PATH.test(fileName) || dir === "" ? fileName : `${dir}${sep}${fileName}`;
}

/** build_path_compressed. */
export function buildPathCompressed(dir: string, fileName: string): string {
  return compressPath(buildPath(dir, fileName));
}

/** extract_path: the first absolute path in `input` (quotes and unescaped blanks end it), "" when none. */
export function extractPath(input: string): string {
  const m = /(?:\/|[A-Za-z]:[\\/])(?:\\ |[^" ])*/.exec(input);
  return m === null ? "" : m[0];
}

/** addr_to_uri: IPv6 in brackets. */
export function addrToUri(a: string): string {
  return a.includes(":") ? `[${a}]` : a;
}
