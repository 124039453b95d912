/**
 * A loaded set of user signatures, compiled for matching: their content
 * patterns in one automaton per pattern type (src/analyzer/app/automaton.ts,
 * the one DPD uses: every byte is examined once for all patterns of its
 * data), their requirements resolved to indices, and the header conditions
 * as tests of a packet.
 *
 * Header conditions are Zeek's RuleHdrTests: each side of a connection is
 * tested once, on its first packet; a signature whose tests fail there can
 * never match on that side. `src-port`/`dst-port` read the transport
 * header's first two 16-bit fields whatever the protocol (as Zeek's
 * `tcp[0:2]`/`tcp[2:2]` do: on ICMP that is type/code and the checksum).
 */
import { SignatureAutomaton } from "../analyzer/app/automaton.js";
import { compare } from "../analyzer/app/signature.js";
import { u16, u32 } from "../packet/bytes.js";
import type { Packet } from "../packet/packet.js";
import { type AddressTest, type HeaderTest, PATTERN_TYPES, type PatternType, SignatureError, type UserSignature } from "./parse.js";

/** A requirement with its signature's index in the set. */
export interface ResolvedRequirement {
  readonly index: number;
  readonly reverse: boolean;
  readonly negated: boolean;
}

export class CompiledUserSignature {
  /** The automaton's pattern numbers of this signature's patterns. */
  readonly patterns: readonly number[];
  readonly requires: ResolvedRequirement[] = [];
  /** Signatures that require this one (they may fire once it does). */
  readonly dependents: number[] = [];

  constructor(
    readonly sig: UserSignature,
    readonly index: number,
    firstPattern: number,
  ) {
    this.patterns = sig.patterns.map((_, k) => firstPattern + k);
  }

  /** Zeek's pure rule: no pattern, so it is decided by its other conditions alone. */
  get pure(): boolean {
    return this.patterns.length === 0;
  }

  /** Whether the header conditions hold for `pkt` (a side's first packet). */
  headerHolds(pkt: Packet): boolean {
    if (!this.sig.active) return false;
    for (const t of this.sig.headerTests) if (!headerTestHolds(t, pkt)) return false;
    for (const t of this.sig.addressTests) if (!addressTestHolds(t, pkt)) return false;
    return true;
  }
}

/**
 * The patterns of one type (payload, http-request…) in one automaton; its
 * own numbers are `global`'s indices (the set's pattern numbers).
 */
export class PatternGroup {
  /** The automaton; replaced by a fresh one when it reaches its state limit. */
  automaton: SignatureAutomaton;
  /** Group pattern number → the set's pattern number. */
  readonly global: number[] = [];
  private readonly sources: string[] = [];
  private readonly caseless: boolean[] = [];
  private readonly atEnd: boolean[] = [];

  constructor(patterns: readonly { readonly number: number; readonly source: string; readonly caseless: boolean; readonly atEnd: boolean }[]) {
    for (const p of patterns) {
      this.global.push(p.number);
      this.sources.push(p.source);
      this.caseless.push(p.caseless);
      this.atEnd.push(p.atEnd);
    }
    this.automaton = this.fresh();
  }

  /** The automaton, a fresh one if the current one is full (connections move to it: see ConnMatch.scan). */
  current(): SignatureAutomaton {
    if (this.automaton.full) this.automaton = this.fresh();
    return this.automaton;
  }

  /** A new automaton of the group's patterns, each on both sides. */
  private fresh(): SignatureAutomaton {
    return new SignatureAutomaton(
      this.sources,
      this.sources.map(() => 3),
      this.caseless,
      this.atEnd,
    );
  }
}

export class SignatureSet {
  readonly sigs: readonly CompiledUserSignature[];
  /** Per pattern type (PATTERN_TYPES' order): its patterns' group, null when no signature has one. */
  readonly groups: readonly (PatternGroup | null)[];
  /** Pattern number → the signature it belongs to. */
  readonly patternOwner: readonly number[];
  /** Some active signature has an `enable` action. */
  readonly enables: boolean;
  /** The signatures without patterns, in the order Zeek tries them on a side (its rule tree's: see pureOrder). */
  readonly pureOrder: readonly number[];
  /** The pattern types of the active signatures (asked as each FTP, Finger or HTTP analyzer starts). */
  private readonly activeTypes: ReadonlySet<PatternType>;
  /** Some active signature has an http-* pattern (the HTTP analyzer then hands its data over). */
  readonly http: boolean;

  constructor(list: readonly UserSignature[]) {
    const owner: number[] = [];
    let patterns = 0;
    const sigs = list.map((s, i) => {
      const c = new CompiledUserSignature(s, i, patterns);
      for (const _ of s.patterns) owner.push(i);
      patterns += s.patterns.length;
      return c;
    });
    this.sigs = sigs;
    this.patternOwner = owner;
    this.enables = list.some((s) => s.active && s.actions.some((a) => a.kind === "enable"));
    this.activeTypes = new Set(list.filter((s) => s.active).flatMap((s) => s.patterns.map((p) => p.type)));
    this.http = [...this.activeTypes].some((t) => t.startsWith("http-"));
    resolveRequirements(sigs);
    this.groups = build(list);
    this.pureOrder = pureOrder(list);
  }

  /** Whether some active signature has a pattern of `type` (then the analyzer that sees such data hands it over). */
  has(type: PatternType): boolean {
    return this.activeTypes.has(type);
  }

  /** The payload patterns' group (null when no signature has a payload pattern). */
  get payload(): PatternGroup | null {
    return this.groups[0]!;
  }
}

/** The groups of each pattern type; a pattern the automaton refuses is an error naming its signature. */
function build(list: readonly UserSignature[]): (PatternGroup | null)[] {
  const all = list.flatMap((s) => s.patterns.map((p) => ({ ...p, sig: s })));
  return PATTERN_TYPES.map((type) => {
    const mine = all.map((p, number) => ({ ...p, number })).filter((p) => p.type === type);
    return mine.length === 0 ? null : patternGroup(type, mine);
  });
}

/**
 * The group of `patterns` (each numbered, with the signature it belongs
 * to), patterns of `type` ("payload", "file-magic"); a pattern the automaton
 * refuses is a SignatureError naming its signature's file and line.
 */
export function patternGroup(
  type: string,
  patterns: readonly { readonly number: number; readonly source: string; readonly caseless: boolean; readonly atEnd: boolean; readonly sig: UserSignature }[],
): PatternGroup {
  try {
    return new PatternGroup(patterns);
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
    const where = patterns.find((p) => refuses(p.source))?.sig ?? patterns[0]!.sig;
    throw new SignatureError(where.file, where.line, `bad ${type} pattern in signature '${where.id}': ${err.message.replace(/^DPD pattern /, "")}`);
  }
}

/** A node of Zeek's rule tree: one header test, the nodes below it, and the pure signatures whose tests end here. */
interface TreeNode {
  readonly key: string;
  readonly children: TreeNode[];
  readonly pure: number[];
}

/**
 * The order in which Zeek tries pure signatures (RuleMatcher's tree of
 * header tests): each active signature's tests, in its file order, are a
 * path from the root, shared with the signatures whose tests are equal so
 * far; a new child and a pure signature go to the front of their lists,
 * and a side's nodes are visited breadth first. A side's candidates are a
 * subset closed under ancestors, so this one order, filtered, is each
 * side's (two pure signatures on one packet fire as Zeek fires them).
 */
function pureOrder(list: readonly UserSignature[]): number[] {
  const root: TreeNode = { key: "", children: [], pure: [] };
  list.forEach((s, i) => {
    if (!s.active) return;
    let node = root;
    for (const key of testKeys(s)) {
      let child = node.children.find((c) => c.key === key);
      if (child === undefined) node.children.unshift((child = { key, children: [], pure: [] }));
      node = child;
    }
    if (s.patterns.length === 0) node.pure.unshift(i);
  });
  const out: number[] = [];
  const queue = [root];
  for (const node of queue) {
    out.push(...node.pure);
    queue.push(...node.children);
  }
  return out;
}

/** A signature's header and address tests in its file's order, each as text equal for equal tests (Zeek's RuleHdrTest::operator==). */
function testKeys(s: UserSignature): string[] {
  let h = 0;
  let a = 0;
  return s.testOrder.map((kind) => {
    if (kind === "header") {
      const t = s.headerTests[h++]!;
      return `${t.base}[${t.offset}:${t.size}] ${t.comparison} ${t.values.map((v) => `${v.value}&${v.mask}`).join(",")}`;
    }
    const t = s.addressTests[a++]!;
    return `${t.field}-ip ${t.comparison} ${t.prefixes.map((p) => `${p.bytes.join(".")}/${p.length}`).join(",")}`;
  });
}

/** Whether the automaton refuses this one pattern (to name the signature of a refused set). */
function refuses(source: string): boolean {
  try {
    new SignatureAutomaton([source], [3]);
    return false;
  } catch {
    return true;
  }
}

function resolveRequirements(sigs: readonly CompiledUserSignature[]): void {
  const byId = new Map<string, number>();
  for (const s of sigs) if (!byId.has(s.sig.id)) byId.set(s.sig.id, s.index);
  for (const s of sigs) {
    for (const r of s.sig.requires) {
      const index = byId.get(r.id);
      if (index === undefined) throw new SignatureError(s.sig.file, s.sig.line, `signature '${s.sig.id}' requires unknown signature '${r.id}'`);
      s.requires.push({ index, reverse: r.reverse, negated: r.negated });
      sigs[index]!.dependents.push(s.index);
    }
  }
}

/** The field a header test reads, or -1 when the packet has no such header (an IPv4 test on IPv6, past the capture). */
function headerField(t: HeaderTest, pkt: Packet): number {
  if (t.base === "proto") return pkt.ipProto;
  let at: number;
  let end: number;
  if (t.base === "ip" || t.base === "ip6") {
    if (pkt.ipVersion !== (t.base === "ip" ? 4 : 6)) return -1;
    at = pkt.l3Offset + t.offset;
    end = pkt.end;
  } else {
    at = pkt.l4Offset + t.offset;
    end = pkt.l4Offset + pkt.l4CapLen;
  }
  if (at + t.size > end) return -1;
  const d = pkt.data;
  if (t.size === 1) return d[at]!;
  return t.size === 2 ? u16(d, at) : u32(d, at);
}

/** Zeek's semantics: `!=` holds when no value is equal; any other comparison when one value satisfies it. */
function headerTestHolds(t: HeaderTest, pkt: Packet): boolean {
  const v = headerField(t, pkt);
  if (v < 0) return false;
  if (t.comparison === "!=") return t.values.every((m) => (v & m.mask) >>> 0 !== m.value);
  return t.values.some((m) => compare((v & m.mask) >>> 0, m.value, t.comparison));
}

/** The packet's source or destination address as 16 bytes (IPv4 as ::ffff:a.b.c.d). */
function addressBytes(pkt: Packet, field: "src" | "dst"): Uint8Array {
  const words = field === "src" ? [pkt.src0, pkt.src1, pkt.src2, pkt.src3] : [pkt.dst0, pkt.dst1, pkt.dst2, pkt.dst3];
  const out = new Uint8Array(16);
  words.forEach((w, i) => {
    out[4 * i] = w >>> 24;
    out[4 * i + 1] = (w >>> 16) & 0xff;
    out[4 * i + 2] = (w >>> 8) & 0xff;
    out[4 * i + 3] = w & 0xff;
  });
  return out;
}

/** -1, 0 or 1: `a` masked to `length` bits against the prefix `p`. */
function comparePrefix(a: Uint8Array, p: Uint8Array, length: number): number {
  for (let i = 0; i < 16; i++) {
    const keep = Math.max(0, Math.min(8, length - 8 * i));
    const byte = a[i]! & ((0xff << (8 - keep)) & 0xff);
    if (byte !== p[i]) return byte < p[i]! ? -1 : 1;
  }
  return 0;
}

function addressTestHolds(t: AddressTest, pkt: Packet): boolean {
  const a = addressBytes(pkt, t.field);
  if (t.comparison === "!=") return t.prefixes.every((p) => comparePrefix(a, p.bytes, p.length) !== 0);
  return t.prefixes.some((p) => compare(comparePrefix(a, p.bytes, p.length), 0, t.comparison));
}
