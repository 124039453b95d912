/**
 * Zeek's HyperLogLog cardinality counter (`opaque of cardinality`, the
 * hll_cardinality_* built-ins), with Zeek's results:
 *
 * - sizing: from the error margin e and the confidence c, Zeek starts at
 *   b0 = 2·(ln 1.04 − ln e)/ln 2 and takes the first b above ⌊b0⌋ for which
 *   erf(2^((b−b0)/2)/√2) reaches c; the counter has m = 2^b registers
 *   (0.01 and 0.95, the HLL_UNIQUE reducer's defaults, give 2^16);
 * - an element's 64-bit hash picks its register by its low b bits; the rest
 *   (shifted down by b) gives the rank 64 − b − (its bit length) + 1, and a
 *   register keeps the largest rank it saw;
 * - the estimate is α·m²/Σ2^−register, except at or below 2.5·m, where it is
 *   m·ln(m/V) (V the registers still 0: linear counting, exact for small
 *   cardinalities whatever the hash), and above 2^64/30, where it is
 *   −2^64·ln(1 − E/2^64);
 * - the hash is Zeek's: SipHash-2-4 of the value's key bytes (CompHash,
 *   see zeek-table/key-bytes.ts) under the key from the seed file, so with
 *   Zeek's seed the estimates are Zeek's to the last digit; without a seed
 *   the key is random, as Zeek's is then;
 * - the first element added sets the counter's type; an element of another
 *   type is an error and not counted; counters merge only when they have as
 *   many registers (and, when both are typed, the same type).
 */

import { TableHasher } from "../../zeek-table/hash.js";
import type { ZeekKey } from "../../zeek-table/key-bytes.js";
import { type ProbabilisticReport, reportToStderr } from "./topk.js";

/** Registers a counter may have at most (2^30: Zeek would try to allocate more, bronze refuses). */
const MAX_BITS = 30;
/** Ranks run from 1 to 64 − b + 1; 0 is an untouched register. */
const RANKS = 66;
/** 2^−r for every rank. */
const INVERSE_POWERS = Float64Array.from({ length: RANKS }, (_, r) => 2 ** -r);
const TWO_64 = 2 ** 64;

/** The register bits Zeek picks for an error margin and a confidence (CardinalityCounter::OptimalB). */
export function registerBits(errorMargin: number, confidence: number): number {
  const start = (2 * (Math.log(1.04) - Math.log(errorMargin))) / Math.LN2;
  let bits = Math.floor(start);
  // Each step doubles the registers: the standard error shrinks by √2; stop once it is within the confidence.
  do bits++;
  while (erf(2 ** ((bits - start) / 2) / Math.SQRT2) < confidence);
  return bits;
}

/** HyperLogLog's α for m registers (Zeek accepts 16, 32, 64, and 128 or more). */
function alphaFor(m: number): number {
  if (m === 16) return 0.673;
  if (m === 32) return 0.697;
  if (m === 64) return 0.709;
  if (m >= 128) return 0.7213 / (1 + 1.079 / m);
  throw new RangeError(`a cardinality counter needs 16, 32, 64 or at least 128 registers, not ${m} (error margin too large)`);
}

/**
 * The error function, to the last bit or two: its power series below 2.5,
 * 1 − erfc (a continued fraction) above, which rounds to exactly 1 where the
 * C library's does (Zeek's sizing loop with confidence 1.0 ends there).
 */
export function erf(x: number): number {
  if (x < 0) return -erf(-x);
  if (x >= 2.5) return 1 - erfcLarge(x);
  // erf(x) = 2/√π · e^−x² · Σ 2^n x^(2n+1) / (1·3·…·(2n+1)): positive terms, no cancellation.
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; term > sum * 1e-18; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
  }
  return (2 / Math.sqrt(Math.PI)) * Math.exp(-x2) * sum;
}

/** erfc(x) for x ≥ 2.5: e^−x²/√π · 1/(x + ½/(x + 1/(x + 3⁄2/(x + …)))), evaluated from a depth it has converged at. */
function erfcLarge(x: number): number {
  let f = x;
  for (let n = 80; n >= 1; n--) f = x + n / 2 / f;
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
}

/** The registers and Zeek's estimate over them (CardinalityCounter). */
class Registers {
  readonly m: number;
  readonly bits: number;
  private readonly alpha: number;
  private readonly registers: Uint8Array;
  /** How many registers hold each rank (the estimate's sum without a pass over all of them). */
  private readonly perRank = new Float64Array(RANKS);
  /** Registers still 0 (Zeek's V). */
  private zeros: number;

  constructor(bits: number, from?: Registers) {
    if (bits > MAX_BITS) throw new RangeError(`a cardinality counter of 2^${bits} registers is more than bronze keeps (2^${MAX_BITS})`);
    this.bits = bits;
    this.m = 2 ** bits;
    this.alpha = alphaFor(this.m);
    this.registers = from === undefined ? new Uint8Array(this.m) : from.registers.slice();
    this.zeros = from === undefined ? this.m : from.zeros;
    if (from === undefined) this.perRank[0] = this.m;
    else this.perRank.set(from.perRank);
  }

  /** One element's 64-bit hash, as its high and low 32 bits. */
  add(hi: number, lo: number): void {
    // At most 2^30 registers: the index is in the low word.
    const index = lo & (this.m - 1);
    const length = hi !== 0 ? 64 - Math.clz32(hi) : 32 - Math.clz32(lo);
    const rank = 64 - this.bits - Math.max(0, length - this.bits) + 1;
    const old = this.registers[index]!;
    if (old === 0) this.zeros--;
    if (rank > old) this.set(index, old, rank);
  }

  estimate(): number {
    const m = this.m;
    const raw = this.alpha * m * m * (1 / this.inverseSum());
    if (raw <= 5.0 * (m / 2.0)) return m * Math.log(m / this.zeros);
    if (raw <= TWO_64 / 30) return raw;
    return -TWO_64 * Math.log(1 - raw / TWO_64);
  }

  /** Each register the larger of the two; false (nothing changed) when the sizes differ. */
  merge(other: Registers): boolean {
    if (other.m !== this.m) return false;
    this.zeros = 0;
    for (let i = 0; i < this.m; i++) {
      const mine = this.registers[i]!;
      const theirs = other.registers[i]!;
      if (theirs > mine) this.set(i, mine, theirs);
      if (this.registers[i] === 0) this.zeros++;
    }
    return true;
  }

  private set(index: number, old: number, rank: number): void {
    this.registers[index] = rank;
    this.perRank[old]!--;
    this.perRank[rank]!++;
  }

  /**
   * Σ 2^−register in register order, as Zeek adds it up. While every rank is
   * at most 53 − b, each partial sum (a multiple of 2^−rank below 2^b) is
   * exact, so summing rank by rank gives the same double; beyond, the pass
   * over the registers.
   */
  private inverseSum(): number {
    let highest = RANKS - 1;
    while (highest > 0 && this.perRank[highest] === 0) highest--;
    let sum = 0;
    if (highest <= 53 - this.bits) {
      for (let r = highest; r >= 0; r--) sum += this.perRank[r]! * INVERSE_POWERS[r]!;
      return sum;
    }
    for (let i = 0; i < this.m; i++) sum += INVERSE_POWERS[this.registers[i]!]!;
    return sum;
  }
}

export interface CardinalityOptions {
  /** The keyed hash (the engine's `tableHash`, keyed by the seed file; default: a random key, as Zeek's without a seed). */
  readonly hasher?: Pick<TableHasher, "hash64">;
  readonly report?: ProbabilisticReport;
}

/** `opaque of cardinality`: hll_cardinality_init(errorMargin, confidence). */
export class CardinalityCounter {
  private type: string | null = null;
  private readonly hash = new Uint32Array(2);
  private readonly hasher: Pick<TableHasher, "hash64">;
  private readonly report: ProbabilisticReport;
  private registers: Registers;

  constructor(
    readonly errorMargin: number,
    readonly confidence: number,
    options: CardinalityOptions = {},
  ) {
    this.registers = new Registers(registerBits(errorMargin, confidence));
    this.hasher = options.hasher ?? new TableHasher();
    this.report = options.report ?? reportToStderr;
  }

  /** How many registers it has (2^b). */
  get size(): number {
    return this.registers.m;
  }

  /** hll_cardinality_add: false, with an error, for an element of another type than the first one's. */
  add(element: ZeekKey): boolean {
    this.type ??= element.type;
    if (element.type !== this.type) {
      this.report("error", "incompatible HLL data type");
      return false;
    }
    this.hasher.hash64(element.bytes, this.hash);
    this.registers.add(this.hash[0]!, this.hash[1]!);
    return true;
  }

  /** hll_cardinality_estimate. */
  estimate(): number {
    return this.registers.estimate();
  }

  /** hll_cardinality_merge_into(this, other): false, with an error, for counters of other types or sizes. */
  merge(other: CardinalityCounter): boolean {
    if (this.type !== null && other.type !== null && this.type !== other.type) {
      this.report("error", "incompatible HLL types");
      return false;
    }
    if (!this.registers.merge(other.registers)) {
      this.report("error", "Cardinality counters with different parameters cannot be merged");
      return false;
    }
    return true;
  }

  /** hll_cardinality_copy: the registers copied, untyped (as Zeek's copy is). */
  copy(): CardinalityCounter {
    const copy = new CardinalityCounter(this.errorMargin, this.confidence, { hasher: this.hasher, report: this.report });
    copy.registers = new Registers(this.registers.bits, this.registers);
    return copy;
  }
}
