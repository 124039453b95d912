/** What every bench/*.bench.ts module exports. */
export interface BenchResult {
  packets: number;
  seconds: number;
  extra?: Record<string, string | number>;
}

export interface BenchModule {
  name: string;
  run(tracePath: string): Promise<BenchResult>;
}

/** Seconds since `start` (a performance.now() value). */
export function since(start: number): number {
  return (performance.now() - start) / 1000;
}
