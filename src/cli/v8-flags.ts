/**
 * V8 settings for the command line's runs, set before any packet is read
 * (the library leaves V8 as the embedding program has it).
 *
 * A `bronze -r` run is short for a JIT: on the realistic mix V8's optimising
 * compiler does a quarter to two fifths of all the work, on a background
 * thread that CPU time counts, and bronze has some 900 functions hot enough
 * to be compiled. What the defaults spend that on and what these change:
 * - every small function (bytecode up to 81 bytes) is optimised on its own
 *   at its first profiler tick, although most of bronze's are accessors and
 *   helpers that their hot callers inline anyway: they wait for the usual
 *   ticks too (`--max-bytecode-size-for-early-opt=0`);
 * - a function needs one more tick per 150 bytes of bytecode before it is
 *   optimised; per 75 bytes here, so that a large parser that runs once per
 *   connection (a TLS extension list, an SSH key exchange) is less often
 *   compiled for a few hundred calls, while the per-packet paths still get
 *   there early in a run;
 * - one optimised function inlines up to 920 bytes of callees' bytecode; 460
 *   here, which makes each compilation smaller at some cost in the speed of
 *   the code it makes.
 * - no allocation-site pretenuring: V8 samples, at scavenges, how many of
 *   an object literal's objects are still alive and, when nearly all are,
 *   allocates that literal's later objects straight in old space. bronze's
 *   literals are mostly per-connection and per-event state whose lifetime
 *   depends on the traffic of the moment (a flood's queued records, a
 *   burst of open connections): on the mix 69 sites were tenured (471
 *   decisions logged in a run), and what they allocated afterwards died in
 *   old space, kept until the next full collection
 *   (`--no-allocation-site-pretenuring`).
 * bench/README.md has what each saved on the mix. The flags only steer
 * tiering, inlining and pretenuring, which V8 reads as it makes each
 * decision, so setting them after start-up is safe. BRONZE_V8_DEFAULTS in
 * the environment keeps V8's defaults (to measure them beside these).
 */
import { setFlagsFromString } from "node:v8";

export const ONE_SHOT_V8_FLAGS: readonly string[] = [
  "--max-bytecode-size-for-early-opt=0",
  "--bytecode-size-allowance-per-tick=75",
  "--max-inlined-bytecode-size-cumulative=460",
  "--no-allocation-site-pretenuring",
];

/** Applies ONE_SHOT_V8_FLAGS unless `env` has BRONZE_V8_DEFAULTS; whether it did. */
export function tuneV8ForOneShot(env: Readonly<Record<string, string | undefined>>): boolean {
  if (env.BRONZE_V8_DEFAULTS !== undefined) return false;
  for (const flag of ONE_SHOT_V8_FLAGS) setFlagsFromString(flag);
  return true;
}
