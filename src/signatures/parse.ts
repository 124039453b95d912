/**
 * A parser of Zeek's signature language (the files `zeek -s` and
 * `@load-sigs` read): `signature id { ... }` blocks of header conditions
 * (src-ip, dst-ip, src-port, dst-port, ip-proto, header), content
 * conditions (payload, http-request, http-request-header,
 * http-request-body, http-reply-header, http-reply-body), dependency and
 * state conditions (tcp-state, udp-state, payload-size, requires-signature,
 * requires-reverse-signature, same-ip, eval) and actions (event "msg",
 * event NAME ["msg"], enable "analyzer").
 *
 * What bronze does not implement (other pattern types, ip-options,
 * file-mime, disable, script identifiers in payload-size, ranges and
 * masked header values) is refused with one error naming the file, line
 * and construct, as is anything malformed: a bad file is one
 * SignatureError, never a crash. Messages follow Zeek's "Error in
 * signature (file:line): ..." shape. Names of eval functions, custom
 * events and script constants used as values are resolved later, when the
 * engine starts (the policy scripts that register them may load after the
 * signatures).
 */
import type { Comparison } from "../analyzer/app/signature.js";
import { maskAddrBytes } from "../ip/addr.js";
import { parseAddress } from "../scripts/site.js";

export type { Comparison };

/** A value of a header test: matches a field `v` when `(v & mask) <comparison> value`. */
export interface MaskedValue {
  readonly value: number;
  readonly mask: number;
}

/** Where a header test reads: an IP header (v4 or v6 only), the transport header, or the next protocol number. */
export type HeaderBase = "ip" | "ip6" | "tcp" | "udp" | "icmp" | "icmp6" | "proto";

/** `header tcp[13:1] & 2 != 0`, `src-port == 80` (tcp[0:2]), `ip-proto == udp` (proto). */
export interface HeaderTest {
  readonly base: HeaderBase;
  readonly offset: number;
  /** 1, 2 or 4 bytes, read in network order. */
  readonly size: number;
  readonly comparison: Comparison;
  readonly values: readonly MaskedValue[];
  /** Script identifiers among the values (Engine.signatureConstant), resolved when the run starts. */
  readonly names: readonly NameRef[];
}

/** An address prefix as 16 bytes (IPv4 as ::ffff:a.b.c.d) and a length in IPv6 bits. */
export interface Prefix {
  readonly bytes: Uint8Array;
  readonly length: number;
}

/** `src-ip` / `dst-ip`: the first packet's source or destination address against a prefix list. */
export interface AddressTest {
  readonly field: "src" | "dst";
  readonly comparison: Comparison;
  readonly prefixes: readonly Prefix[];
  /** Script identifiers among the prefixes (Engine.signatureConstant), resolved when the run starts. */
  readonly names: readonly NameRef[];
}

/** A script identifier used as a value, and the line it is on (for errors). */
export interface NameRef {
  readonly name: string;
  readonly line: number;
}

/** `requires-signature [!] id` (same side) and `requires-reverse-signature [!] id` (the other side). */
export interface Requirement {
  readonly id: string;
  readonly reverse: boolean;
  readonly negated: boolean;
}

/** tcp-state / udp-state bits. */
export const STATE_ORIG = 1;
export const STATE_RESP = 2;
export const STATE_ESTABLISHED = 4;
export const STATE_STATELESS = 8;

/**
 * An action: `event "msg"` (signature_match), `event NAME ["msg"]` (a custom
 * event, Engine.onSignatureEvent; `message` null without one) and
 * `enable "name"` (an analyzer). `line` is where errors about the name point.
 */
export type RuleAction =
  | { readonly kind: "event"; readonly message: string }
  | { readonly kind: "custom-event"; readonly name: string; readonly message: string | null; readonly line: number }
  | { readonly kind: "enable"; readonly analyzer: string }
  /** `file-mime "type", strength`: what a file signature's match says about a file's MIME type (strength 0 when not given). */
  | { readonly kind: "file-mime"; readonly mime: string; readonly strength: number };

/** The data a content pattern is matched against (Zeek's Rule::PatternType). */
export type PatternType = "payload" | "http-request" | "http-request-header" | "http-request-body" | "http-reply-header" | "http-reply-body" | "ftp" | "finger";

/** The pattern types, in a fixed order (their index numbers the matcher's per-type state). */
export const PATTERN_TYPES: readonly PatternType[] = [
  "payload",
  "http-request",
  "http-request-header",
  "http-request-body",
  "http-reply-header",
  "http-reply-body",
  "ftp",
  "finger",
];

/** Zeek's older names of pattern types (rule-scan.l): `http` is http-request, `http-body` http-reply-body. */
const PATTERN_ALIASES: Readonly<Record<string, PatternType>> = { http: "http-request", "http-body": "http-reply-body" };

/** A content pattern: a regular expression over bytes, anchored at the start of its data. */
export interface ContentPattern {
  readonly type: PatternType;
  readonly source: string;
  readonly caseless: boolean;
  /**
   * The pattern ended in `$` (removed from `source`): it matches only where
   * its data ends with an end of line, as Zeek feeds one (the end of an HTTP
   * header value, body or request URI; never in payload).
   */
  readonly atEnd: boolean;
}

/** A `file-magic` pattern: anchored at the start of the file, as content patterns are at the start of their data. */
export interface FileMagicPattern {
  readonly source: string;
  readonly caseless: boolean;
}

/**
 * The conditions decided after the patterns, in the file's order (Zeek
 * evaluates them in that order and stops at the first that fails: an eval
 * function after a failing one is not called).
 */
export type RuleCondition =
  | { readonly kind: "tcp-state" | "udp-state"; readonly bits: number }
  | { readonly kind: "payload-size"; readonly comparison: Comparison; readonly value: number }
  | { readonly kind: "same-ip" }
  | { readonly kind: "eval"; readonly name: string; readonly line: number };

export interface UserSignature {
  readonly id: string;
  readonly file: string;
  readonly line: number;
  readonly headerTests: readonly HeaderTest[];
  readonly addressTests: readonly AddressTest[];
  /** The kinds of the header and address tests in the file's order (the k-th "header" is headerTests[k]): Zeek's rule tree is built in that order. */
  readonly testOrder: readonly ("header" | "address")[];
  /** Content patterns; all must match (each in its own data). */
  readonly patterns: readonly ContentPattern[];
  /**
   * `file-magic` patterns: a signature with one is a file signature, matched
   * against each file's first bytes (its BOF buffer) by the files framework,
   * never against packets; when all of them match, its `file-mime` actions
   * add their types to the file's sniffed MIME types.
   */
  readonly fileMagic: readonly FileMagicPattern[];
  /** tcp-state, udp-state, payload-size, same-ip and eval, in the file's order. */
  readonly conditions: readonly RuleCondition[];
  readonly requires: readonly Requirement[];
  /** The actions, in the file's order. */
  readonly actions: readonly RuleAction[];
  /** `active false` turns the signature off. */
  readonly active: boolean;
}

/** A signature file that cannot be loaded: the message names the file and line (0 when the file as a whole is the problem). */
export class SignatureError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly detail: string,
  ) {
    // Line 0: about the file as a whole (missing, unreadable).
    super(line > 0 ? `Error in signature (${file}:${line}): ${detail}` : detail);
    this.name = "SignatureError";
  }
}

type TokenKind = "word" | "int" | "ip4" | "ip6" | "string" | "regex" | "comp" | "punct" | "end";

interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly line: number;
  /** int: the number; ip4: the address as a number. */
  readonly num: number;
  /** ip4 / ip6: the prefix length in the address family's bits (-1: none given). */
  readonly len: number;
  /** regex: the /i flag. */
  readonly caseless: boolean;
}

const WORD = /[A-Za-z_][0-9A-Za-z_-]*(?:::[A-Za-z_][0-9A-Za-z_-]*)*/y;
const IP4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)(?:[ \t]*\/[ \t]*(\d+))?/y;
const IP6 = /\[([0-9A-Fa-fx:.]+)\](?:[ \t]*\/[ \t]*(\d+))?/y;
const INT = /0x[0-9A-Fa-f]+|\d+/y;
const STRING = /"((?:[^\r\n"\\]|\\.)*)"/y;
const REGEX = /\/((?:\\.|[^/\\\n])*)\/(i?)/y;
const COMP = /<=|>=|==|!=|<|>|=/y;
/** Zeek's META lines: `.name value` (ignored). */
const META = /\.[^ \t\r\n]+[ \t]+[^\r\n]+/y;

/** Splits a file into tokens, line numbers kept. */
class Lexer {
  private at = 0;
  private line = 1;

  constructor(
    private readonly text: string,
    private readonly file: string,
  ) {}

  fail(detail: string, line = this.line): never {
    throw new SignatureError(this.file, line, detail);
  }

  next(): Token {
    this.skipBlank();
    const s = this.text;
    const line = this.line;
    if (this.at >= s.length) return { kind: "end", text: "end of file", line, num: 0, len: -1, caseless: false };
    const c = s[this.at]!;
    const ip4 = this.sticky(IP4);
    if (ip4 !== null) return this.ip4(ip4, line);
    if (c === "[") {
      const ip6 = this.sticky(IP6);
      if (ip6 !== null && ip6[1]!.includes(":") && parseAddress(ip6[1]!) !== null) return this.ip6(ip6, line);
      if (ip6 !== null) this.at -= ip6[0].length;
    }
    if (/[0-9]/.test(c)) {
      const m = this.sticky(INT)!;
      return { kind: "int", text: m[0], line, num: Number(m[0]), len: -1, caseless: false };
    }
    const word = this.sticky(WORD);
    if (word !== null) return { kind: "word", text: word[0], line, num: 0, len: -1, caseless: false };
    const str = this.sticky(STRING);
    if (str !== null) return { kind: "string", text: str[1]!.replace(/\\"/g, '"'), line, num: 0, len: -1, caseless: false };
    if (c === "/") {
      const re = this.sticky(REGEX);
      if (re === null) this.fail("unterminated pattern");
      return { kind: "regex", text: re[1]!, line, num: 0, len: -1, caseless: re[2] === "i" };
    }
    const comp = this.sticky(COMP);
    if (comp !== null) return { kind: "comp", text: comp[0] === "=" ? "==" : comp[0], line, num: 0, len: -1, caseless: false };
    if ("!][{}&:,-".includes(c)) {
      this.at++;
      return { kind: "punct", text: c, line, num: 0, len: -1, caseless: false };
    }
    return this.fail(`unrecognized character in input (${c})`);
  }

  private ip4(m: RegExpExecArray, line: number): Token {
    const parts = m.slice(1, 5).map(Number);
    if (parts.some((p) => p > 255)) this.fail(`bad IPv4 address ${m[0]}`);
    const len = m[5] === undefined ? -1 : Number(m[5]);
    if (len > 32) this.fail(`bad prefix length in ${m[0]}`);
    const num = ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
    return { kind: "ip4", text: m[0], line, num, len, caseless: false };
  }

  private ip6(m: RegExpExecArray, line: number): Token {
    const len = m[2] === undefined ? -1 : Number(m[2]);
    if (len > 128) this.fail(`bad prefix length in ${m[0]}`);
    return { kind: "ip6", text: m[1]!, line, num: 0, len, caseless: false };
  }

  /** The match of `re` at the current position (consumed), or null. */
  private sticky(re: RegExp): RegExpExecArray | null {
    re.lastIndex = this.at;
    const m = re.exec(this.text);
    if (m !== null) this.at = re.lastIndex;
    return m;
  }

  private skipBlank(): void {
    const s = this.text;
    while (this.at < s.length) {
      const c = s[this.at]!;
      if (c === "\n") {
        this.line++;
        this.at++;
      } else if (c === " " || c === "\t" || c === "\r") this.at++;
      else if (c === "#") {
        while (this.at < s.length && s[this.at] !== "\n") this.at++;
      } else if (c === "." && this.sticky(META) !== null) continue;
      else return;
    }
  }
}

/** Transport protocol names of `ip-proto` and `header` (ip and ip6 are no-ops for ip-proto, as in Zeek). */
const PROTOCOLS: Readonly<Record<string, number>> = { tcp: 6, udp: 17, icmp: 1, icmp6: 58, ip: 0, ip6: 0 };

/** Keywords Zeek knows that bronze does not implement, and why. */
const REFUSED: Readonly<Record<string, string>> = {
  "ip-options": "'ip-options' is not supported (Zeek does not implement it either)",
  disable: "'disable' actions are not supported (Zeek's PIA does not implement them: it stops with an internal error when one fires)",
};

/** A signature being parsed: its lists still growing. */
type Draft = {
  -readonly [K in keyof UserSignature]: UserSignature[K] extends readonly (infer T)[] ? T[] : UserSignature[K];
};

/** Recursive descent over the tokens of one file. */
class Parser {
  private tok: Token;

  constructor(
    private readonly lexer: Lexer,
    private readonly file: string,
  ) {
    this.tok = lexer.next();
  }

  /** An error at the current token (or at `at`, one already read). */
  private fail(detail: string, at: Token = this.tok): never {
    throw new SignatureError(this.file, at.line, detail);
  }

  private advance(): Token {
    const t = this.tok;
    this.tok = this.lexer.next();
    return t;
  }

  private expect(kind: TokenKind, text?: string): Token {
    if (this.tok.kind !== kind || (text !== undefined && this.tok.text !== text)) {
      this.fail(`expected ${text ?? kind}, got '${this.tok.text}'`);
    }
    return this.advance();
  }

  private at(kind: TokenKind, text?: string): boolean {
    return this.tok.kind === kind && (text === undefined || this.tok.text === text);
  }

  file_(): UserSignature[] {
    const out: UserSignature[] = [];
    while (!this.at("end")) out.push(this.signature());
    return out;
  }

  private signature(): UserSignature {
    this.expect("word", "signature");
    const idTok = this.tok;
    if (idTok.kind !== "word") this.fail(`expected a signature id, got '${idTok.text}'`);
    this.advance();
    this.expect("punct", "{");
    const sig: Draft = {
      id: idTok.text,
      file: this.file,
      line: idTok.line,
      headerTests: [],
      addressTests: [],
      testOrder: [],
      patterns: [],
      fileMagic: [],
      conditions: [],
      requires: [],
      actions: [],
      active: true,
    };
    while (!this.at("punct", "}")) {
      if (this.at("end")) this.fail(`signature '${sig.id}' is not closed with '}'`);
      this.attribute(sig);
    }
    this.checkFileSignature(sig, idTok);
    this.advance();
    return sig;
  }

  /**
   * A file signature is only ever matched against files' first bytes, where
   * packet conditions mean nothing: one that also has them is refused
   * rather than silently never matching as its author meant.
   */
  private checkFileSignature(sig: Draft, at: Token): void {
    if (sig.fileMagic.length === 0) return;
    const packetOnly =
      sig.patterns.length > 0 || sig.headerTests.length > 0 || sig.addressTests.length > 0 || sig.conditions.length > 0 || sig.requires.length > 0;
    if (packetOnly) this.fail(`signature '${sig.id}' has a 'file-magic' pattern (it matches files) and packet conditions or patterns too`, at);
  }

  private attribute(sig: Draft): void {
    const key = this.tok;
    if (key.kind !== "word") this.fail(`expected a condition or action, got '${key.text}'`);
    const refused = REFUSED[key.text];
    if (refused !== undefined) this.fail(refused);
    this.advance();
    switch (key.text) {
      case "src-ip":
      case "dst-ip":
        sig.addressTests.push({ field: key.text === "src-ip" ? "src" : "dst", comparison: this.comparison(), ...this.prefixList() });
        sig.testOrder.push("address");
        return;
      case "src-port":
      case "dst-port":
        sig.headerTests.push({ base: "tcp", offset: key.text === "src-port" ? 0 : 2, size: 2, comparison: this.comparison(), ...this.valueList() });
        sig.testOrder.push("header");
        return;
      case "ip-proto":
        return this.ipProto(sig);
      case "header":
        sig.headerTests.push(this.header());
        sig.testOrder.push("header");
        return;
      case "payload":
      case "http-request":
      case "http-request-header":
      case "http-request-body":
      case "http-reply-header":
      case "http-reply-body":
      case "ftp":
      case "finger":
        return this.pattern(sig, key.text);
      case "http":
      case "http-body":
        return this.pattern(sig, PATTERN_ALIASES[key.text]!);
      case "payload-size":
        sig.conditions.push({ kind: "payload-size", comparison: this.comparison(), value: this.integer() });
        return;
      case "tcp-state":
        sig.conditions.push({ kind: "tcp-state", bits: this.states() });
        return;
      case "udp-state":
        return this.udpState(sig);
      case "eval":
        sig.conditions.push({ kind: "eval", name: this.expect("word").text, line: key.line });
        return;
      case "requires-signature":
      case "requires-reverse-signature":
        return this.requirement(sig, key.text === "requires-reverse-signature");
      case "same-ip":
        sig.conditions.push({ kind: "same-ip" });
        return;
      case "event":
        return this.event(sig);
      case "enable":
        sig.actions.push({ kind: "enable", analyzer: this.expect("string").text });
        return;
      case "file-magic":
        return this.fileMagicPattern(sig);
      case "file-mime":
        return this.fileMime(sig);
      case "active":
        return this.activeFlag(sig);
      default:
        this.fail(`unknown signature condition or action '${key.text}'`);
    }
  }

  private comparison(): Comparison {
    return this.expect("comp").text as Comparison;
  }

  private integer(): number {
    if (this.at("word")) this.fail(`script identifiers as values are not supported ('${this.tok.text}')`);
    return this.expect("int").num;
  }

  /** Ints, `a-b` ranges, dotted IPv4 values (with a mask when a /len follows) and script identifiers, comma-separated. */
  private valueList(): { values: MaskedValue[]; names: NameRef[] } {
    const out: MaskedValue[] = [];
    const names: NameRef[] = [];
    do {
      if (this.at("word")) {
        const t = this.advance();
        names.push({ name: t.text, line: t.line });
        continue;
      }
      if (this.at("ip4")) {
        const t = this.advance();
        const mask = t.len < 0 ? 0xffffffff : t.len === 0 ? 0 : (0xffffffff << (32 - t.len)) >>> 0;
        out.push({ value: (t.num & mask) >>> 0, mask });
        continue;
      }
      const first = this.integer();
      if (!this.at("punct", "-")) {
        out.push({ value: first, mask: 0xffffffff });
        continue;
      }
      this.advance();
      const last = this.integer();
      if (last - first > 65535) this.fail(`range ${first}-${last} is too large`);
      for (let v = first; v <= last; v++) out.push({ value: v, mask: 0xffffffff });
    } while (this.at("punct", ",") && this.advance() !== null);
    return { values: out, names };
  }

  /** Addresses, prefixes and script identifiers, comma-separated. */
  private prefixList(): { prefixes: Prefix[]; names: NameRef[] } {
    const out: Prefix[] = [];
    const names: NameRef[] = [];
    do {
      const t = this.tok;
      if (t.kind === "ip4") out.push(ip4Prefix(t.num, t.len < 0 ? 32 : t.len));
      else if (t.kind === "ip6") out.push(ip6Prefix(t.text, t.len < 0 ? 128 : t.len));
      else if (t.kind === "word") names.push({ name: t.text, line: t.line });
      else this.fail(`expected an address, got '${t.text}'`);
      this.advance();
    } while (this.at("punct", ",") && this.advance() !== null);
    return { prefixes: out, names };
  }

  private ipProto(sig: Draft): void {
    const comparison = this.comparison();
    const proto = this.at("word") ? PROTOCOLS[this.tok.text] : undefined;
    if (proto !== undefined) {
      this.advance();
      // ip and ip6 match every packet (Zeek: a no-op, outer headers of tunnels are not matched).
      if (proto === 0) return;
      sig.headerTests.push({ base: "proto", offset: 0, size: 1, comparison, values: [{ value: proto, mask: 0xffffffff }], names: [] });
    } else {
      // Numbers, or a script identifier (`ip-proto == udp_proto_number`).
      sig.headerTests.push({ base: "proto", offset: 0, size: 1, comparison, ...this.valueList() });
    }
    sig.testOrder.push("header");
  }

  /** `header proto[offset:size] [& mask] comparison values`. */
  private header(): HeaderTest {
    const baseTok = this.expect("word");
    const base = baseTok.text;
    if (PROTOCOLS[base] === undefined) this.fail(`unknown protocol '${base}' in header condition`, baseTok);
    this.expect("punct", "[");
    const offset = this.expect("int").num;
    let size = 1;
    if (this.at("punct", ":")) {
      this.advance();
      size = this.expect("int").num;
    }
    this.expect("punct", "]");
    if (size !== 1 && size !== 2 && size !== 4) this.fail(`header size must be 1, 2 or 4, not ${size}`, baseTok);
    let mask = -1;
    if (this.at("punct", "&")) {
      this.advance();
      mask = this.expect("int").num >>> 0;
    }
    const comparison = this.comparison();
    if (mask < 0) return { base: base as HeaderBase, offset, size, comparison, ...this.valueList() };
    const { values, names } = this.valueList();
    if (values.length !== 1 || names.length > 0) this.fail("a masked header condition takes one number");
    return { base: base as HeaderBase, offset, size, comparison, values: [{ value: values[0]!.value, mask }], names };
  }

  private pattern(sig: Draft, type: PatternType): void {
    if (this.at("punct", "[")) this.fail(`pattern ranges ('${type}[...]') are not supported`);
    if (this.at("word")) this.fail(`script identifiers as values are not supported ('${this.tok.text}')`);
    const t = this.expect("regex");
    // A trailing unescaped `$`: an end-of-line anchor (an odd number of backslashes before it escapes it).
    const atEnd = /(^|[^\\])(\\\\)*\$$/.test(t.text);
    sig.patterns.push({ type, source: atEnd ? t.text.slice(0, -1) : t.text, caseless: t.caseless, atEnd });
  }

  private fileMagicPattern(sig: Draft): void {
    if (this.at("punct", "[")) this.fail("pattern ranges ('file-magic[...]') are not supported");
    if (this.at("word")) this.fail(`script identifiers as values are not supported ('${this.tok.text}')`);
    const t = this.expect("regex");
    sig.fileMagic.push({ source: t.text, caseless: t.caseless });
  }

  /** `file-mime "type"` with an optional `, [-]strength` (Zeek's opt_strength: 0 when absent). */
  private fileMime(sig: Draft): void {
    const mime = this.expect("string").text;
    let strength = 0;
    if (this.at("punct", ",")) {
      this.advance();
      const negative = this.at("punct", "-");
      if (negative) this.advance();
      strength = negative ? -this.integer() : this.integer();
    }
    sig.actions.push({ kind: "file-mime", mime, strength });
  }

  private states(): number {
    let bits = 0;
    do {
      const word = this.expect("word");
      const bit = { originator: STATE_ORIG, responder: STATE_RESP, established: STATE_ESTABLISHED, stateless: STATE_STATELESS }[word.text];
      if (bit === undefined) this.fail(`unknown state '${word.text}'`, word);
      bits |= bit;
    } while (this.at("punct", ",") && this.advance() !== null);
    return bits;
  }

  private udpState(sig: Draft): void {
    const bits = this.states();
    // Reported, as Zeek does, at the token after the list (its parser decides there).
    if ((bits & STATE_ESTABLISHED) !== 0) this.fail("'established' is not a valid 'udp-state'");
    sig.conditions.push({ kind: "udp-state", bits });
  }

  private requirement(sig: Draft, reverse: boolean): void {
    let negated = false;
    if (this.at("punct", "!")) {
      this.advance();
      negated = true;
    }
    sig.requires.push({ id: this.expect("word").text, reverse, negated });
  }

  /** `event "msg"`, or `event NAME ["msg"]`: a custom event (its name is looked up when the engine starts). */
  private event(sig: Draft): void {
    if (!this.at("word")) {
      sig.actions.push({ kind: "event", message: this.expect("string").text });
      return;
    }
    const name = this.advance().text;
    const message = this.at("string") ? this.advance().text : null;
    // Zeek's parser reports a bad name at the token after the action (its lookahead): so does bronze, for the same line numbers.
    sig.actions.push({ kind: "custom-event", name, message, line: this.tok.line });
  }

  private activeFlag(sig: Draft): void {
    const word = this.expect("word");
    if (word.text !== "true" && word.text !== "false") this.fail(`'active' takes true or false, not '${word.text}'`, word);
    sig.active = word.text === "true";
  }
}

function ip4Prefix(addr: number, length: number): Prefix {
  const bytes = new Uint8Array(16);
  bytes[10] = bytes[11] = 0xff;
  bytes[12] = addr >>> 24;
  bytes[13] = (addr >>> 16) & 0xff;
  bytes[14] = (addr >>> 8) & 0xff;
  bytes[15] = addr & 0xff;
  return { bytes: maskAddrBytes(bytes, 96 + length), length: 96 + length };
}

/** A prefix in text ("10.0.0.0/8", "192.0.2.1", "2001:db8::/32"), or null when it is none (a script constant's value). */
export function prefixOf(text: string): Prefix | null {
  const [addr = "", len, extra] = text.split("/");
  const bytes = parseAddress(addr);
  const v4 = !addr.includes(":");
  const bits = len === undefined ? (v4 ? 32 : 128) : Number(len);
  if (bytes === null || extra !== undefined || !Number.isInteger(bits) || bits < 0 || bits > (v4 ? 32 : 128)) return null;
  const length = v4 ? 96 + bits : bits;
  return { bytes: maskAddrBytes(bytes, length), length };
}

/** An IPv6 prefix (the lexer checked the text is an address). */
function ip6Prefix(text: string, length: number): Prefix {
  return { bytes: maskAddrBytes(parseAddress(text)!, length), length };
}

/** Parses the text of one signature file; `file` names it in errors. Throws SignatureError. */
export function parseSignatures(text: string, file: string): UserSignature[] {
  return new Parser(new Lexer(text, file), file).file_();
}
