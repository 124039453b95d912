/**
 * Heap measurement, shared by the memory benchmark (synflood.bench.ts) and
 * the memory tests: a full garbage collection without `node --expose-gc`, and
 * the memory in use counted as V8's heap plus ArrayBuffer storage, which
 * typed arrays keep outside V8's heap (the timer tables, copied payload).
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

setFlagsFromString("--expose-gc");
/** A full garbage collection. */
export const gc = runInNewContext("gc") as () => void;

/** V8 heap in use plus ArrayBuffer storage, now. */
export function heapBytes(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/**
 * heapBytes after full GCs: two, because the storage of a typed array found
 * dead is freed by a sweeper that finishes after the first.
 */
export function settledHeapBytes(): number {
  gc();
  gc();
  return heapBytes();
}
