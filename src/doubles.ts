/**
 * Initial values for number fields that do not always hold small integers.
 *
 * V8 gives each field of an object shape a representation taken from the
 * first value stored there: a small integer (Smi, int32), a double, or a
 * tagged pointer. When a field that started as a Smi later receives any other
 * number — a uint32 of 2^31 or more, a time, a relative sequence number past
 * a 32-bit wrap, or simply an integer that came out of double arithmetic (the
 * interpreter keeps such results as heap numbers) — V8 widens the field:
 * every object of that shape moves to a new one and all code optimised for
 * the old shape is thrown away. In a one-shot `bronze -r` that happens while
 * V8 is still optimising the hot path, which then runs unoptimised until it
 * is compiled again (dozens of such restarts in the first half-second of a
 * run, before these fields started as doubles).
 *
 * A field initialised with a double is a double field from the start; later
 * stores of small integers fit it and change nothing. Arrays are the same:
 * their elements start as Smis and are widened (the array changes shape) by
 * the first other number; `doubleArray()` starts them as doubles.
 *
 * The same happens, for another reason, to a field that keeps its first value
 * in most objects and changes in a few, late (a 32-bit sequence wrap, a
 * direction giving up): V8 treats a field as constant until it is first
 * overwritten, and code optimised on that assumption is thrown away then.
 * Such fields are overwritten once in their constructor, so that V8 knows
 * them as mutable from the first object on.
 */

/**
 * Zero as a double: -0 is never a Smi. It equals 0 in every comparison, and
 * prints and formats as 0 (String, toFixed, JSON); only Object.is and 1/x
 * tell it apart, and no field initialised with it is used that way.
 */
export const DOUBLE_ZERO = -0;

/**
 * `n` as a double, for a field initialiser whose start value is not 0 (`-0 + n` is computed as a double).
 * Only while asDouble itself is not optimised: TurboFan folds `-0 + n` to `n` and returns a
 * whole number as a Smi, so the first object of a shape made after asDouble got hot (it is
 * called per connection) takes a Smi field. Where that may be, write `DOUBLE_ZERO + n` at the
 * site (the interpreter, which makes a shape's first object, computes it as a double), or
 * initialise with DOUBLE_MINUS_ONE.
 */
export function asDouble(n: number): number {
  return DOUBLE_ZERO + n;
}

/** -1 as a double (computed once, at load, by the interpreter): the start value of a double field meaning "none yet". */
export const DOUBLE_MINUS_ONE = DOUBLE_ZERO - 1;

/** An empty array whose elements are stored as doubles from the start. */
export function doubleArray(): number[] {
  const a = [DOUBLE_ZERO];
  a.length = 0;
  return a;
}
