/**
 * A scaled history letter (Connection::CheckHistory): recorded when its counter reaches 1, 10,
 * 100, … (Zeek's ScaledHistoryEntry). `count()` returns the threshold just
 * reached, or 0 when this occurrence records nothing.
 */
export class ScaledLetter {
  private n = 0;
  private threshold = 1;

  count(): number {
    if (++this.n !== this.threshold) return 0;
    const reached = this.threshold;
    this.threshold *= 10;
    return reached;
  }
}
