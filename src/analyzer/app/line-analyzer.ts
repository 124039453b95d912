/**
 * A stream analyzer that reads each side as lines, as Zeek's analyzers with
 * a ContentLine support analyzer on both sides do (Finger, Ident): the
 * splitters are fed each side's stream and flushed at its end; their weirds
 * come from CONTENTLINE. A subclass reads the lines (`onData`) and says
 * what the end means (`done`).
 */
import type { AnalyzerHost, StreamAnalyzer } from "./analyzer.js";
import { ContentLine, type LineConsumer } from "./http/content-line.js";

export abstract class LineAnalyzer implements StreamAnalyzer, LineConsumer {
  /** The client's and the server's splitters. */
  protected readonly lines: [ContentLine, ContentLine];

  /** `nulSensitive`: which sides flag a NUL (Zeek's SetIsNULSensitive), client first. */
  constructor(
    protected readonly host: AnalyzerHost,
    maxLine: number,
    nulSensitive: readonly [boolean, boolean],
  ) {
    const orig = new ContentLine(true, this, maxLine);
    const resp = new ContentLine(false, this, maxLine);
    orig.flagNuls = nulSensitive[0];
    resp.flagNuls = nulSensitive[1];
    this.lines = [orig, resp];
  }

  deliverStream(isOrig: boolean, _seq: number, data: Uint8Array): void {
    this.lines[isOrig ? 0 : 1].deliver(data);
  }

  undelivered(): void {}

  endOfData(isOrig: boolean): void {
    this.lines[isOrig ? 0 : 1].endOfData();
  }

  lineWeird(name: string, addl?: string): void {
    this.host.weird(name, addl, "CONTENTLINE");
  }

  abstract onData(isOrig: boolean, line: Uint8Array, plain: boolean): void;

  abstract done(): void;
}
