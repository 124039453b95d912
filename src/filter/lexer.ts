/**
 * Tokenizer for the pcap-filter language. One pass over the text, producing
 * tokens with their character span so the parser can point at mistakes.
 *
 * Address literals are recognised here, because their characters overlap the
 * operators: `6:2` inside `ip6[6:2]` is a number and a colon, while
 * `fe80::1` and `0:1:2:3:4:5` are single address tokens. A run of hex digits,
 * colons and dots becomes an address only when it parses as one.
 */
import { parseDottedV4, parseIPv6, parseMac } from "./address.js";
import { FilterSyntaxError } from "./errors.js";
import { ARITH_CONSTANTS, SERVICE_PORTS } from "./names.js";

export type TokenKind =
  | "num" // 80, 0x1f, 017
  | "name" // keyword or identifier (ip, tcp-syn, http); `escaped` for \tcp
  | "v4" // dotted IPv4 with 2–4 components (10.1, 10.0.0.1)
  | "v6" // IPv6 literal
  | "mac" // Ethernet address
  | "op" // punctuation and operators
  | "end";

export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly pos: number;
  /** Numeric value for "num" tokens. */
  readonly value: number;
  /** True when a name was written with a leading backslash (`\tcp`). */
  readonly escaped: boolean;
}

const OPERATORS_2 = ["&&", "||", "<<", ">>", "<=", ">=", "==", "!="];
const OPERATORS_1 = "()[]:+-*/%&|^=<>!";

const isDigit = (c: string): boolean => c >= "0" && c <= "9";
const isAlpha = (c: string): boolean => (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c === "_";
const isHex = (c: string): boolean => isDigit(c) || (c >= "a" && c <= "f") || (c >= "A" && c <= "F");

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const push = (kind: TokenKind, start: number, end: number, value = 0, escaped = false): void => {
    tokens.push({ kind, text: text.slice(start, end), pos: start, value, escaped });
    i = end;
  };
  while (i < text.length) {
    const c = text[i]!;
    if (c === " " || c === "\t" || c === "\n" || c === "\r") {
      i++;
      continue;
    }
    const address = addressAt(text, i);
    if (address !== null) {
      push(address.kind, i, address.end);
      continue;
    }
    if (isDigit(c)) {
      const end = numberEnd(text, i);
      push("num", i, end, parseNumber(text, i, end));
      continue;
    }
    if (isAlpha(c) || (c === "\\" && isAlpha(text[i + 1] ?? ""))) {
      const escaped = c === "\\";
      const start = escaped ? i + 1 : i;
      const end = nameEnd(text, start);
      tokens.push({ kind: "name", text: text.slice(start, end), pos: i, value: 0, escaped });
      i = end;
      continue;
    }
    const two = text.slice(i, i + 2);
    if (OPERATORS_2.includes(two)) {
      push("op", i, i + 2);
      continue;
    }
    if (OPERATORS_1.includes(c)) {
      push("op", i, i + 1);
      continue;
    }
    throw new FilterSyntaxError(`unexpected character '${c}'`, text, i);
  }
  tokens.push({ kind: "end", text: "", pos: text.length, value: 0, escaped: false });
  return tokens;
}

/** An IPv4/IPv6/MAC literal starting at `start`, or null. */
function addressAt(text: string, start: number): { kind: TokenKind; end: number } | null {
  let end = start;
  while (end < text.length && (isHex(text[end]!) || text[end] === ":" || text[end] === ".")) end++;
  // An address never runs straight into a letter (`abc` is a name, `0x10` a number).
  if (end < text.length && (isAlpha(text[end]!) || isDigit(text[end]!))) return null;
  const run = text.slice(start, end);
  if (run.includes(":")) {
    if (parseMac(run) !== null) return { kind: "mac", end };
    if (parseIPv6(run) !== null) return { kind: "v6", end };
    if (run.includes("::")) throw new FilterSyntaxError(`'${run}' is not a valid IPv6 address`, text, start);
    return null;
  }
  if (!isDigit(text[start]!) && !run.includes(".")) return null;
  if (run.includes(".")) {
    if (parseMac(run) !== null && /[a-fA-F]/.test(run)) return { kind: "mac", end };
    if (/^\d+(\.\d+){1,3}$/.test(run)) {
      if (parseDottedV4(run) === null) throw new FilterSyntaxError(`'${run}' is not a valid IPv4 address`, text, start);
      return { kind: "v4", end };
    }
    if (parseMac(run) !== null) return { kind: "mac", end };
    if (isDigit(text[start]!)) throw new FilterSyntaxError(`'${run}' is not a valid address`, text, start);
  }
  return null;
}

function numberEnd(text: string, start: number): number {
  let end = start;
  if (text[start] === "0" && (text[start + 1] === "x" || text[start + 1] === "X")) {
    end = start + 2;
    while (end < text.length && isHex(text[end]!)) end++;
  } else {
    while (end < text.length && isDigit(text[end]!)) end++;
  }
  if (end < text.length && isAlpha(text[end]!)) {
    throw new FilterSyntaxError(`'${text.slice(start, nameEnd(text, end))}' is not a number`, text, start);
  }
  return end;
}

/** Decimal, 0x hexadecimal, or 0-prefixed octal, as libpcap reads numbers. */
function parseNumber(text: string, start: number, end: number): number {
  const s = text.slice(start, end);
  let value: number;
  if (/^0[xX]/.test(s)) value = s.length > 2 ? parseInt(s.slice(2), 16) : NaN;
  else if (s.length > 1 && s[0] === "0") value = /^[0-7]+$/.test(s) ? parseInt(s, 8) : NaN;
  else value = Number(s);
  if (!Number.isFinite(value) || value > 0xffffffff) {
    throw new FilterSyntaxError(`'${s}' is not a valid 32-bit number`, text, start);
  }
  return value;
}

/**
 * End of a name. libpcap names may contain '-' and '.' (tcp-syn, icmp-echo,
 * ftp-data); when a hyphenated word is not a known name we stop at the first
 * '-' so that `len-14` reads as `len - 14`.
 */
function nameEnd(text: string, start: number): number {
  let end = start;
  while (end < text.length && (isAlpha(text[end]!) || isDigit(text[end]!) || text[end] === "-" || text[end] === ".")) end++;
  while (end > start + 1 && (text[end - 1] === "-" || text[end - 1] === ".")) end--;
  const word = text.slice(start, end);
  if (word.includes("-") && !ARITH_CONSTANTS.has(word) && !SERVICE_PORTS.has(word)) {
    end = start + word.indexOf("-");
  }
  return end;
}
