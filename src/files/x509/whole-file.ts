/**
 * What Zeek's X509 and OCSP file analyzers share: they keep a file's bytes
 * (up to a bound: certificates and OCSP messages are a few KB) and parse
 * them when the file ends; a gap ends their interest (Undelivered → false).
 */
import type { FileAnalyzer } from "../file.js";

export abstract class WholeFileAnalyzer implements FileAnalyzer {
  abstract readonly name: string;
  private chunks: Uint8Array[] = [];
  private size = 0;

  constructor(private readonly maxBytes: number) {}

  deliverStream(data: Uint8Array): boolean {
    if (this.size + data.length > this.maxBytes) return false;
    this.chunks.push(data.slice());
    this.size += data.length;
    return true;
  }

  undelivered(): boolean {
    return false;
  }

  endOfFile(): void {
    const whole = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.size);
    this.chunks = [];
    this.size = 0;
    this.fileEnded(whole);
  }

  /** The file's bytes, once, when it ended. */
  protected abstract fileEnded(data: Uint8Array): void;
}
