/**
 * Zeek's ENTROPY file analyzer: the randomness tests of John Walker's `ent`
 * (which Zeek's RandTest adapts) over a file's bytes, reported at its end in
 * file_entropy: Shannon entropy in bits per byte, the chi-square statistic
 * against a uniform distribution, the arithmetic mean, Monte Carlo π from
 * successive 6-byte points, and the serial correlation coefficient. A file
 * with a gap reports nothing (the analyzer leaves, as Zeek's), nor does an
 * empty one. Computed as Zeek does, in doubles and in the same order of
 * operations, so that the values print the same.
 */
import { registerEvents } from "../event/events.js";
import type { FaFile, FileAnalyzer } from "./file.js";
import { onFileManager } from "./manager.js";

/** Zeek's entropy_test_result. */
export interface EntropyTestResult {
  entropy: number;
  chi_square: number;
  mean: number;
  monte_carlo_pi: number;
  serial_correlation: number;
}

export interface EntropyEvents {
  file_entropy: [f: FaFile, ent: EntropyTestResult];
}
declare module "../event/events.js" {
  interface EventMap extends EntropyEvents {}
}
registerEvents<EntropyEvents>({ file_entropy: true });

/** Bytes per Monte Carlo point: two 24-bit coordinates. */
const MONTE_BYTES = 6;
/** (256^3 − 1)²: a point inside the quarter circle of that radius is a hit. */
const IN_CIRCLE = 281474943156225;
const LOG2_OF_10 = 3.321928094887362;

/** The running sums of the tests over a byte stream. */
export class RandomnessTest {
  private readonly counts = new Float64Array(256);
  private total = 0;
  private readonly point = new Uint8Array(MONTE_BYTES);
  private pointAt = 0;
  private points = 0;
  private hits = 0;
  private first = -1;
  private last = 0;
  /** Σ x[i]·x[i+1], Σ x, Σ x² (the serial correlation's terms). */
  private sumProducts = 0;
  private sum = 0;
  private sumSquares = 0;

  add(data: Uint8Array): void {
    for (let i = 0; i < data.length; i++) {
      const b = data[i]!;
      this.counts[b]!++;
      this.total++;
      this.point[this.pointAt++] = b;
      if (this.pointAt === MONTE_BYTES) this.addPoint();
      if (this.first < 0) this.first = b;
      else this.sumProducts += this.last * b;
      this.sum += b;
      this.sumSquares += b * b;
      this.last = b;
    }
  }

  private addPoint(): void {
    const p = this.point;
    this.pointAt = 0;
    this.points++;
    const x = (p[0]! * 256 + p[1]!) * 256 + p[2]!;
    const y = (p[3]! * 256 + p[4]!) * 256 + p[5]!;
    if (x * x + y * y <= IN_CIRCLE) this.hits++;
  }

  result(): EntropyTestResult {
    const n = this.total;
    // The series wraps around: the last byte pairs with the first.
    const products = this.sumProducts + this.last * Math.max(this.first, 0);
    const sumSquared = this.sum * this.sum;
    const denominator = n * this.sumSquares - sumSquared;
    const serial = denominator === 0 ? -100000 : (n * products - sumSquared) / denominator;
    const expected = n / 256;
    let chi = 0;
    let weighted = 0;
    let entropy = 0;
    for (let b = 0; b < 256; b++) {
      const c = this.counts[b]!;
      const d = c - expected;
      chi += (d * d) / expected;
      weighted += b * c;
    }
    for (let b = 0; b < 256; b++) {
      const p = this.counts[b]! / n;
      // log2 as Zeek's rt_log2 takes it (through log10), for the same last bits.
      if (p > 0) entropy += p * (LOG2_OF_10 * Math.log10(1 / p));
    }
    return {
      entropy,
      chi_square: chi,
      mean: weighted / n,
      monte_carlo_pi: this.points === 0 ? 0 : 4 * (this.hits / this.points),
      serial_correlation: serial,
    };
  }
}

class EntropyAnalyzer implements FileAnalyzer {
  readonly name = "ENTROPY";
  private readonly test = new RandomnessTest();
  private fed = false;
  private reported = false;
  constructor(private readonly f: FaFile) {}
  deliverStream(data: Uint8Array): boolean {
    if (data.length > 0) this.fed = true;
    this.test.add(data);
    return true;
  }
  undelivered(): boolean {
    return false;
  }
  endOfFile(): void {
    if (!this.fed || this.reported) return;
    this.reported = true;
    const bus = this.f.manager.bus;
    if (bus.wants.file_entropy) bus.queue("file_entropy", this.f, this.test.result());
  }
}

onFileManager((m) => m.registerAnalyzer("ENTROPY", (f) => new EntropyAnalyzer(f)));
