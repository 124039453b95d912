/**
 * Zeek's TCPSTATS packet analyzer, reduced to what it reports as events:
 * `tcp_rexmit` for every segment that does not extend the highest sequence
 * seen from its side (pure ACKs included), skipping the first packet,
 * packets whose IP id repeats the previous one (replicated packets; IPv6 has
 * no id, so all its packets after the first count as replicated) and packets
 * whose IP id went back by less than 256 (out of order). Zeek runs
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
    if (idWentBack(ipId, this.lastId)) return false;
    this.lastId = ipId;
    const top = seq + len;
    if (top - this.maxTopSeq <= 0) return true;
    this.maxTopSeq = top;
    return false;
  }
}

/** The 16-bit id with its two bytes swapped (a little-endian host's counter read as big-endian). */
function byteSwap16(id: number): number {
  return ((id & 0xff) << 8) | (id >>> 8);
}

/**
 * TCPSTATS' out-of-order test: the id moved back by 1..255, read as a 16-bit
 * signed step either as is or byte-swapped (whichever step is smaller decides,
 * so little-endian id counters count too). Such a packet is skipped and does
 * not become the new last id.
 */
function idWentBack(id: number, lastId: number): boolean {
  const step = ((id - lastId) << 16) >> 16;
  const swappedStep = ((byteSwap16(id) - byteSwap16(lastId)) << 16) >> 16;
  const chosen = Math.abs(step) < Math.abs(swappedStep) ? step : swappedStep;
  return chosen < 0 && chosen > -256;
}
