/**
 * Zeek's TCPSTATS packet analyzer, reduced to what it reports as events:
 * `tcp_rexmit` for every segment that does not extend the highest sequence
 * seen from its side (pure ACKs included), skipping the first packet and
 * packets whose IP id repeats the previous one (replicated packets; IPv6 has
 * no id, so all its packets after the first count as replicated). Zeek runs
 * it only when enabled; bronze runs it only when tcp_rexmit is handled, and
 * then allocates this small state per endpoint.
 */
export class TcpStatsEndpoint {
  private packets = 0;
  private lastId = 0;
  private maxTopSeq = 0;

  /**
   * One segment at relative data seq `seq` with `len` payload bytes and IP id
   * `ipId` (0 for IPv6). Returns true when it is a retransmission to report.
   */
  segment(seq: number, len: number, ipId: number): boolean {
    if (++this.packets === 1) {
      this.lastId = ipId;
      return false;
    }
    if (ipId === this.lastId) return false;
    this.lastId = ipId;
    const top = seq + len;
    if (top - this.maxTopSeq <= 0) return true;
    this.maxTopSeq = top;
    return false;
  }
}
