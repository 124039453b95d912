/**
 * The re-entrancy guard of the line-based mail analyzers (SMTP, POP3): an
 * event handler run from inside a delivery may close the connection, so the
 * host calls done() while the analyzer is still in deliverStream /
 * undelivered / endOfData. Finishing then would end the message under the
 * parser's feet; instead done() is deferred until the outermost delivery
 * leaves, and runs once.
 *
 * Use: `enter()` before a delivery's work and `leave()` in its `finally`;
 * the analyzer's done() calls `done()`, which runs `finish` once (now, or at
 * the last `leave()`); `finished` is true from then on.
 */
export class ReentryGuard {
  private depth = 0;
  private deferred = false;
  private ended = false;

  constructor(private readonly finish: () => void) {}

  /** True once done() has run `finish` (deliveries after that are ignored). */
  get finished(): boolean {
    return this.ended;
  }

  enter(): void {
    this.depth++;
  }

  leave(): void {
    if (--this.depth === 0 && this.deferred) {
      this.deferred = false;
      this.done();
    }
  }

  done(): void {
    if (this.ended) return;
    if (this.depth > 0) {
      this.deferred = true;
      return;
    }
    this.depth++;
    try {
      this.finish();
    } finally {
      this.ended = true;
      this.depth--;
    }
  }
}
