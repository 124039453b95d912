/**
 * MIME sniffing as Zeek's files framework does it: the file-magic signatures
 * (data, src/files/magic-signatures.ts) are matched at the start of a file's
 * first bytes (its BOF buffer); the strongest match wins, and among equally
 * strong ones the MIME type that sorts first (Zeek keeps each strength's
 * types in an ordered set).
 */
import { latin1 } from "../packet/bytes.js";
import { MAGIC_SIGNATURES } from "./magic-signatures.js";

interface CompiledMagic {
  readonly mime: string;
  readonly strength: number;
  readonly re: RegExp;
  /** For patterns made of `(.*)` and literals only: the literals, matched in order with indexOf (linear time). */
  readonly literals: string[] | null;
  /** Patterns with three or more `(.*)` groups are left out (see below). */
  readonly window: number;
}

/**
 * Zeek matches with a DFA, in time linear in the buffer; JavaScript's
 * regular expressions backtrack, and the few signatures with three or more
 * `(.*)` groups (obscure types: image/x-pcx, application/x-ima, text/x-diff) take seconds on a
 * 4 KiB buffer that does not match. Those made only of `(.*)` and literals
 * (text/x-diff: "--- " … "\n" … "+++ " … "\n" … "@@") are matched as a
 * sequence of substring searches instead; the others (image/x-pcx,
 * application/x-ima, which Zeek never reports on the corpus) are left out (a
 * window of 0 bytes).
 */
const RISKY_WINDOW = 0;

let compiled: CompiledMagic[] | null = null;

/** Compiled once, on the first file (engines that see no files never pay for it). */
function signatures(): CompiledMagic[] {
  if (compiled === null) {
    compiled = MAGIC_SIGNATURES.map(([, mime, strength, source]) => {
      const literals = literalSequence(source);
      return {
        mime,
        strength,
        re: new RegExp(`^(?:${source})`, "s"),
        literals,
        window: literals === null && source.split("(.*)").length - 1 >= 3 ? RISKY_WINDOW : Infinity,
      };
    });
  }
  return compiled;
}

/** `(.*)(lit)(.*)(lit)…` → the literals (escapes `\xNN` decoded), or null for any other pattern. */
function literalSequence(source: string): string[] | null {
  const m = source.match(/^(?:\(\.\*\)\((?:\\x[0-9a-fA-F]{2}|[^\\()[\]{}.*+?|^$])+\))+$/);
  if (m === null) return null;
  const out: string[] = [];
  for (const g of source.matchAll(/\(\.\*\)\(((?:\\x[0-9a-fA-F]{2}|[^\\()[\]{}.*+?|^$])+)\)/g)) {
    out.push(g[1]!.replace(/\\x([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))));
  }
  return out;
}

function matchesLiterals(text: string, literals: readonly string[]): boolean {
  let at = 0;
  for (const lit of literals) {
    const i = text.indexOf(lit, at);
    if (i < 0) return false;
    at = i + lit.length;
  }
  return true;
}

export interface MimeMatch {
  strength: number;
  mime: string;
}

/** Every matching signature's type, strongest first (ties by type name), each type once per strength. */
export function sniffMimeTypes(data: Uint8Array): MimeMatch[] {
  if (data.length === 0) return [];
  const text = latin1(data);
  const seen = new Set<string>();
  const out: MimeMatch[] = [];
  for (const sig of signatures()) {
    if (sig.literals !== null) {
      if (!matchesLiterals(text, sig.literals)) continue;
    } else if (sig.window === 0 || !sig.re.test(sig.window < text.length ? text.slice(0, sig.window) : text)) continue;
    const key = `${sig.strength}\t${sig.mime}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ strength: sig.strength, mime: sig.mime });
  }
  out.sort((a, b) => b.strength - a.strength || (a.mime < b.mime ? -1 : a.mime > b.mime ? 1 : 0));
  return out;
}

/** The strongest match's type, or undefined. */
export function sniffMimeType(data: Uint8Array): string | undefined {
  return sniffMimeTypes(data)[0]?.mime;
}
