/**
 * A SearchRequest's filter (RFC 4511 §4.5.1) as the string Zeek's LDAP
 * analyzer renders it (ldap.spicy's SearchFilter and string_representation):
 *
 * - AND/OR: "(&a b)" for two, the first two closed and each further one
 *   wrapping what came before ("(&(&a b) c)"), as Wireshark shows them;
 *   NOT "(!a)"; PRESENT "(attr=*)"; SUBSTRINGS "(attr=initial*any*…*final)";
 *   EQUALITY, GE, LE, APPROX "(attr=v)", "(attr>=v)", "(attr<=v)",
 *   "(attr~=v)"; EXTENSIBLE "(type:rule:=value)".
 * - The attribute-value pairs are read as Zeek reads them: each element a
 *   tag octet and a one-octet length (long-form lengths are not decoded),
 *   the extensible match's three elements positionally.
 * - Values are escaped: NUL, 0x1b, "(", ")" and "*" as "\xx"; the CLDAP
 *   attributes DomainGuid, objectSid/AAC, DomainSid and NtVer are rendered
 *   as Wireshark does (GUID, hex octets, S-1-…, 0x…).
 * - Filters nest at most 20 levels ("LDAP exceeded max filter recursion
 *   depth"); an unknown choice is an error.
 */
import { latin1 } from "../../../packet/bytes.js";
import { decodeAscii, decodeUtf8 } from "../spicy-text.js";
import { appData, Cursor, header, LdapError, message, UNIVERSAL } from "./asn1.js";

const MAX_RECURSION_DEPTH = 20;

const F_AND = 0;
const F_OR = 1;
const F_NOT = 2;
const F_EQ = 3;
const F_SUBSTR = 4;
const F_GE = 5;
const F_LE = 6;
const F_PRESENT = 7;
const F_APPROX = 8;
const F_EXT = 9;

/** Reads one filter from `c` and renders it. */
export function searchFilter(c: Cursor, depth = 0): string {
  if (depth > MAX_RECURSION_DEPTH) throw new LdapError("LDAP exceeded max filter recursion depth");
  const m = message(c, true);
  // A universal element is no filter choice (FILTER_INVALID), which no case takes.
  if (m.cls === UNIVERSAL) throw new LdapError("no matching case in switch statement for value 'FilterType::FILTER_INVALID'");
  const body = m.value;
  const inner = new Cursor(body, 0, body.length);
  switch (m.type) {
    case F_AND:
    case F_OR:
      return andOr(m.type === F_AND ? "&" : "|", inner, depth);
    case F_NOT:
      return `(!${searchFilter(inner, depth + 1)})`;
    case F_EQ:
    case F_GE:
    case F_LE:
    case F_APPROX: {
      const av = attributeValue(inner, false);
      const op = m.type === F_EQ ? "=" : m.type === F_GE ? ">=" : m.type === F_LE ? "<=" : "~=";
      return `(${decodeUtf8(av.desc)}${op}${av.decoded})`;
    }
    case F_EXT: {
      const av = attributeValue(inner, true);
      return `(${av.decoded}:${decodeUtf8(av.desc)}:=${printBytes(av.match)})`;
    }
    case F_SUBSTR:
      return substrings(inner);
    case F_PRESENT:
      return `(${decodeAscii(body)}=*)`;
    default:
      throw new LdapError(`no matching case in switch statement for value 'FilterType::${m.type}'`);
  }
}

/**
 * Zeek's nesting of n filters, "(&(&(&a b) c) d)": n-1 openings, then the
 * first two filters, each filter from the second on followed by ")" (one
 * alone: "(&a)"). Built in one join, not by wrapping, so that many filters
 * cost linear time.
 */
function andOr(op: string, c: Cursor, depth: number): string {
  const parts: string[] = [];
  while (c.left > 0) parts.push(searchFilter(c, depth + 1));
  if (parts.length === 0) return "";
  if (parts.length === 1) return `(${op}${parts[0]})`;
  return `${`(${op}`.repeat(parts.length - 1)}${parts[0]}${parts.slice(1).join(")")})`;
}

interface AttributeValue {
  desc: Uint8Array;
  value: Uint8Array;
  decoded: string;
  match: Uint8Array;
}

/** ldap.spicy's DecodedAttributeValue: tag, one-octet length, bytes; twice (thrice for an extensible match). */
function attributeValue(c: Cursor, ext: boolean): AttributeValue {
  c.u8();
  const desc = c.take(c.u8());
  c.u8();
  const value = c.take(c.u8());
  let match: Uint8Array = new Uint8Array(0);
  if (ext) {
    c.u8();
    match = c.take(c.u8());
  }
  return { desc, value, decoded: decodeValue(latin1(desc), value), match };
}

/** The CLDAP attributes Zeek renders as Wireshark does; others escaped. */
function decodeValue(desc: string, v: Uint8Array): string {
  switch (desc) {
    case "DomainGuid":
      return guid(v);
    case "objectSid":
    case "AAC":
      return hexOctets(v);
    case "DomainSid":
      return sid(v);
    case "NtVer":
      return v.length === 4 ? `0x${hex(v[3]!)}${hex(v[2]!)}${hex(v[1]!)}${hex(v[0]!)}` : "HEX_FORMAT_FAILED";
    default:
      return escapeFilterValue(v);
  }
}

function hex(b: number): string {
  return b.toString(16).padStart(2, "0");
}

/** ldap.spicy's utf16_guid_to_hex_repr: 16 bytes as a GUID, its first three groups little-endian. */
export function guid(v: Uint8Array): string {
  if (v.length !== 16) return "GUID_FORMAT_FAILED";
  const run = (idx: readonly number[]): string => idx.map((i) => hex(v[i]!)).join("");
  return `${run([3, 2, 1, 0])}-${run([5, 4])}-${run([7, 6])}-${run([8, 9])}-${run([10, 11, 12, 13, 14, 15])}`;
}

/** ldap.spicy's bytes_sid_to_hex_repr: "aa:bb:…". */
export function hexOctets(v: Uint8Array): string {
  return Array.from(v, hex).join(":");
}

/** ldap.spicy's bytes_sid_to_SID_repr: a 24-byte SID as S-1-5-21-…. */
export function sid(v: Uint8Array): string {
  if (v.length !== 24) return "SID_FORMAT_FAILED";
  const groups = [[0], [2, 3, 4, 5, 6, 7], [11, 10, 9, 8], [15, 14, 13, 12], [19, 18, 17, 16], [23, 22, 21, 20]];
  return `S-${groups.map((g) => g.reduce((n, i) => n * 256 + v[i]!, 0)).join("-")}`;
}

/** ldap.spicy's escape_filter_string: NUL, 0x1b, "(", ")" and "*" as "\xx", the other bytes as they are. */
export function escapeFilterValue(v: Uint8Array): string {
  let s = "";
  for (const b of v) s += b === 0 || b === 27 || b === 40 || b === 41 || b === 42 ? `\\${hex(b)}` : String.fromCharCode(b);
  return s;
}

/** Bytes printed by Spicy's "%s": printable ASCII as is, the others "\xNN". */
function printBytes(v: Uint8Array): string {
  let s = "";
  for (const b of v) s += b >= 32 && b < 127 ? String.fromCharCode(b) : `\\x${hex(b)}`;
  return s;
}

/** ldap.spicy's SubstringFilter: the attribute, then [0] initial, [1] any…, [2] final. */
function substrings(c: Cursor): string {
  c.u8();
  const desc = c.take(c.u8());
  const h = header(c);
  const list = c.sub(h.len);
  let initial = "";
  let final = "";
  const anys: string[] = [];
  while (list.left > 0) {
    const m = message(list, false);
    const data = escapeFilterValue(appData(m));
    if (m.type === 0) initial = data;
    else if (m.type === 1) anys.push(data);
    else if (m.type === 2) final = data;
    else throw new LdapError(`invalid substring choice ${m.type}`);
  }
  const any = anys.length > 0 ? `${decodeUtf8(Uint8Array.from(anys.join("*"), (ch) => ch.charCodeAt(0)))}*` : "";
  return `(${decodeUtf8(desc)}=${initial}*${any}${final})`;
}
