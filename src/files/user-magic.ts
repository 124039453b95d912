/**
 * The user's file signatures: signatures with `file-magic` patterns and
 * `file-mime` actions, from the signature files an engine loads (`-s`,
 * Engine.loadSignatures), as Zeek's `@load-sigs` adds them to its own
 * (scripts/base/frameworks/files/magic). Zeek matches them on a file's
 * first bytes (its BOF buffer) in one pass with its own: a signature whose
 * every file-magic pattern matches at the start of the buffer adds each
 * of its file-mime types at its strength, and the strongest type of all
 * becomes the file's mime_type (magic.ts merges them). They never see
 * packets, and raise no signature_match.
 *
 * The patterns run through one automaton (the DPD one, automaton.ts), so
 * each byte of a buffer is examined once whatever the number of signatures.
 */
import { ACCEPTS, DEAD } from "../analyzer/app/automaton.js";
import type { EventBus } from "../event/bus.js";
import { type PatternGroup, patternGroup } from "../signatures/compiled.js";
import type { UserSignature } from "../signatures/parse.js";
import type { MimeMatch } from "./magic.js";

export class FileMagicSet {
  /** The patterns' automaton, replaced by a fresh one when it reaches its state limit (as packet patterns'). */
  private readonly group: PatternGroup;
  /** Pattern number → index of its signature in `sigs`. */
  private readonly owner: number[];

  constructor(private readonly sigs: readonly UserSignature[]) {
    const patterns = sigs.flatMap((sig, i) => sig.fileMagic.map((p) => ({ ...p, atEnd: false, sig, owner: i })));
    this.owner = patterns.map((p) => p.owner);
    this.group = patternGroup(
      "file-magic",
      patterns.map((p, number) => ({ ...p, number })),
    );
  }

  /** The file-mime types of the signatures whose patterns all match the start of `data`. */
  matches(data: Uint8Array): MimeMatch[] {
    const matched = this.matchedPatterns(data);
    if (matched.size === 0) return [];
    const patternsLeft = this.sigs.map((s) => s.fileMagic.length);
    for (const p of matched) patternsLeft[this.owner[p]!]!--;
    const out: MimeMatch[] = [];
    this.sigs.forEach((sig, i) => {
      if (patternsLeft[i] !== 0) return;
      for (const a of sig.actions) if (a.kind === "file-mime") out.push({ mime: a.mime, strength: a.strength });
    });
    return out;
  }

  /** The numbers of the patterns that match a prefix of `data` (a file has one "side": side 0's start). */
  private matchedPatterns(data: Uint8Array): Set<number> {
    const matched = new Set<number>();
    let a = this.group.current();
    let st = a.starts[0];
    const note = (): void => {
      if ((a.flags[st]! & ACCEPTS) !== 0) for (const p of a.accepts(st)) matched.add(p);
    };
    note();
    let i = 0;
    while (i < data.length && (a.flags[st]! & DEAD) === 0) {
      if (a.full) {
        // The automaton reached its state limit: go on in a fresh one, from the same NFA states.
        const fresh = this.group.current();
        st = fresh.adopt(a, st);
        a = fresh;
      }
      st = a.scan(st, data, i);
      i = a.stoppedAt;
      note();
    }
    return matched;
  }
}

/** Each engine's (each event bus's) file signatures; none until some are loaded. */
const sets = new WeakMap<EventBus, FileMagicSet>();

/** The file signatures of a list compiled (null when there are none). Throws a SignatureError for a pattern that does not compile. */
export function compileFileMagic(sigs: readonly UserSignature[]): FileMagicSet | null {
  return sigs.length === 0 ? null : new FileMagicSet(sigs);
}

/** Sets the file signatures of the engine whose bus is `bus` (null: none). */
export function setUserFileMagic(bus: EventBus, set: FileMagicSet | null): void {
  if (set === null) sets.delete(bus);
  else sets.set(bus, set);
}

/** The file signatures of `bus`'s engine, if it loaded any. */
export function userFileMagicOf(bus: EventBus): FileMagicSet | undefined {
  return sets.get(bus);
}
