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
  /** Patterns with three or more `(.*)` groups are left out (see below). */
  readonly window: number;
}

/**
 * Zeek matches with a DFA, in time linear in the buffer; JavaScript's
 * regular expressions backtrack, and the few signatures with three or more
 * `(.*)` groups (obscure types: image/x-pcx, application/x-ima, text/x-diff) take seconds on a
 * 4 KiB buffer that does not match; on the corpus Zeek never reports their
 * types either. They are left out (a window of 0 bytes).
 */
const RISKY_WINDOW = 0;

let compiled: CompiledMagic[] | null = null;

/** Compiled once, on the first file (engines that see no files never pay for it). */
function signatures(): CompiledMagic[] {
  if (compiled === null) {
    compiled = MAGIC_SIGNATURES.map(([, mime, strength, source]) => ({
      mime,
      strength,
      re: new RegExp(`^(?:${source})`, "s"),
      window: source.split("(.*)").length - 1 >= 3 ? RISKY_WINDOW : Infinity,
    }));
  }
  return compiled;
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
    if (sig.window === 0 || !sig.re.test(sig.window < text.length ? text.slice(0, sig.window) : text)) continue;
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
