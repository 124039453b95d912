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
import { ACCEPTS, DEAD, SignatureAutomaton } from "../analyzer/app/automaton.js";
import type { EventBus } from "../event/bus.js";
import { SignatureError, type UserSignature } from "../signatures/parse.js";
import type { MimeMatch } from "./magic.js";

/** Patterns are matched from the start state of side 0 (a file has one "side"). */
const ONE_SIDE = 1;

export class FileMagicSet {
  private automaton: SignatureAutomaton;
  private readonly sources: string[] = [];
  private readonly caseless: boolean[] = [];
  /** Pattern number → index of its signature in `sigs`. */
  private readonly owner: number[] = [];

  constructor(private readonly sigs: readonly UserSignature[]) {
    sigs.forEach((sig, i) => {
      for (const p of sig.fileMagic) {
        checkPattern(sig, p.source, p.caseless);
        this.sources.push(p.source);
        this.caseless.push(p.caseless);
        this.owner.push(i);
      }
    });
    this.automaton = this.fresh();
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

  /** The numbers of the patterns that match a prefix of `data`. */
  private matchedPatterns(data: Uint8Array): Set<number> {
    const matched = new Set<number>();
    let a = this.automaton;
    let st = a.starts[0]!;
    const note = (): void => {
      if ((a.flags[st]! & ACCEPTS) !== 0) for (const p of a.accepts(st)) matched.add(p);
    };
    note();
    let i = 0;
    while (i < data.length && (a.flags[st]! & DEAD) === 0) {
      if (a.full) {
        // The automaton reached its state limit: go on in a fresh one, from the same NFA states.
        const fresh = this.fresh();
        st = fresh.adopt(a, st);
        a = this.automaton = fresh;
      }
      st = a.scan(st, data, i);
      i = a.stoppedAt;
      note();
    }
    return matched;
  }

  private fresh(): SignatureAutomaton {
    return new SignatureAutomaton(
      this.sources,
      this.sources.map(() => ONE_SIDE),
      this.caseless,
    );
  }
}

/** A pattern the automaton cannot take is the signature's error (file and line), as for packet patterns. */
function checkPattern(sig: UserSignature, source: string, caseless: boolean): void {
  try {
    new SignatureAutomaton([source], [ONE_SIDE], [caseless]);
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
    throw new SignatureError(sig.file, sig.line, `bad file-magic pattern in signature '${sig.id}': ${err.message.replace(/^DPD pattern /, "")}`);
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
