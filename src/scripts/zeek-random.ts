/**
 * Zeek's script-level random numbers (the `rand` BIF, util::detail::
 * random_number). With a seed file Zeek runs deterministically: a Lehmer
 * generator (multiplier 16807, modulus 2^31 − 1) started from the seed
 * file's first number, so a policy script's random choices (SumStats'
 * SAMPLE reservoir) are the ones Zeek makes on the same trace. Without a
 * seed Zeek uses the C library's random(), which nothing can reproduce:
 * bronze then starts its generator from a random state.
 */
const MODULUS = 2147483647;
const MULTIPLIER = 16807;
/** Schrage's decomposition of the modulus: MODULUS = MULTIPLIER * Q + R. */
const Q = Math.floor(MODULUS / MULTIPLIER);
const R = MODULUS % MULTIPLIER;

export class ZeekRandom {
  private state: number;
  private readonly deterministic: boolean;

  /** `seed`: a Zeek seed file's numbers (its first is the generator's seed), or nothing for a random start. */
  constructor(seed?: readonly number[]) {
    this.deterministic = seed !== undefined && seed.length >= 21;
    const first = this.deterministic ? seed![0]! : 1 + Math.floor(Math.random() * (MODULUS - 1));
    this.state = first === 0 ? 1 : first;
  }

  /** random_number(): the next state, in [1, 2^31 − 2]. */
  next(): number {
    // Schrage's method, as Zeek computes it; exact in doubles (every product is below 2^53).
    const rem = this.state % Q;
    const div = Math.floor(this.state / Q);
    let res = MULTIPLIER * rem - R * div;
    if (res < 0) res += MODULUS;
    this.state = res;
    return res;
  }

  /** The `rand(max)` BIF: a count in [0, max). */
  rand(max: number): number {
    // Zeek scales by max_random() + 1, which is the modulus when it runs this generator.
    return Math.floor((max * this.next()) / MODULUS);
  }
}
