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
 *
 * V8 prints "unrecognized flag" on standard error for a flag it does not
 * have, on every run, so each flag names the V8 versions it is set on: the
 * two tiering flags are gone from V8 12 (Node 22) on, where Maglev and
 * other counters decide; the other two exist in V8 11 to 14 (Node 20 to 26).
 * A V8 newer than those gets its defaults until someone checks it.
 */
import { setFlagsFromString } from "node:v8";

/** A V8 flag and the major versions of V8 known to have it. */
interface V8Setting {
  readonly flag: string;
  readonly fromMajor: number;
  readonly toMajor: number;
}

const SETTINGS: readonly V8Setting[] = [
  { flag: "--max-bytecode-size-for-early-opt=0", fromMajor: 11, toMajor: 11 },
  { flag: "--bytecode-size-allowance-per-tick=75", fromMajor: 11, toMajor: 11 },
  { flag: "--max-inlined-bytecode-size-cumulative=460", fromMajor: 11, toMajor: 14 },
  { flag: "--no-allocation-site-pretenuring", fromMajor: 11, toMajor: 14 },
];

/** The flags set on V8 `version` ("11.3.244.8-node.38": the running one by default). */
export function oneShotV8Flags(version: string = process.versions.v8): string[] {
  const major = Number.parseInt(version, 10);
  return SETTINGS.filter((s) => major >= s.fromMajor && major <= s.toMajor).map((s) => s.flag);
}

/** Applies the running V8's one-shot flags unless `env` has BRONZE_V8_DEFAULTS; whether it did. */
export function tuneV8ForOneShot(env: Readonly<Record<string, string | undefined>>): boolean {
  if (env.BRONZE_V8_DEFAULTS !== undefined) return false;
  for (const flag of oneShotV8Flags()) setFlagsFromString(flag);
  return true;
}
