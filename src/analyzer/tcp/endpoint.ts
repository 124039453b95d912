/**
 * One side of a TCP connection (§3.1): its state machine state, sequence
 * bookkeeping (32-bit values plus wrap counters, as Zeek keeps them), FIN/RST
 * counts, window tracking, the scaled history counters, and its reassembler
 * (created on first need). It is also the reassembler's sink: gaps, in-order
 * data and inconsistencies come back here and are turned into history letters
 * and events by the connection.
 */
import { TcpState } from "../../event/records.js";
import { EndpointBase } from "../../session/connection.js";
import { ScaledLetter } from "../../session/scaled-letter.js";
import { Reassembler, type ReassemblerSink, type ReassemblyLimit } from "./reassembler.js";
import type { TcpConn } from "./tcp-conn.js";

const TWO_32 = 4294967296;

/** The scaled history letters of one endpoint (C/T/W/G), allocated on first use. */
export class ScaledCounters {
  readonly checksum = new ScaledLetter();
  readonly rexmit = new ScaledLetter();
  readonly zeroWindow = new ScaledLetter();
  readonly gap = new ScaledLetter();
}

export class TcpEndpoint extends EndpointBase implements ReassemblerSink {
  state: number = TcpState.INACTIVE;
  prevState: number = TcpState.INACTIVE;
  /** ISN (relative seq 0), in [0, 2^32). */
  startSeq = 0;
  lastSeq = 0;
  seqWraps = 0;
  ackSeq = 0;
  ackWraps = 0;
  finCnt = 0;
  rstCnt = 0;
  /** Relative seq just after the FIN. */
  finSeq = 0;
  didClose = false;
  didEOF = false;
  window = 0;
  windowScale = 0;
  windowSeq = 0;
  windowAckSeq = 0;
  histLastSyn = 0;
  histLastFin = 0;
  histLastRst = 0;
  startTime = 0;
  lastTime = 0;
  scaled: ScaledCounters | null = null;
  reasm: Reassembler | null = null;
  peer!: TcpEndpoint;

  constructor(readonly conn: TcpConn, public isOrig: boolean) {
    super();
  }

  // ---------------------------------------------------------------- sequence space

  /** Zeek's UpdateLastSeq: a numerically smaller value means the sequence space wrapped. */
  updateLastSeq(seq: number): void {
    if (seq < this.lastSeq) this.seqWraps++;
    this.lastSeq = seq;
  }

  updateAckSeq(seq: number): void {
    if (seq < this.ackSeq) this.ackWraps++;
    this.ackSeq = seq;
  }

  /** Re-initialises start/ack/last as for a SYN at `seq` (init_endpoint). */
  initSeqs(start: number, last: number): void {
    this.startSeq = start;
    this.ackSeq = start;
    this.lastSeq = last;
  }

  /** Relative seq just past the highest octet sent. */
  relLastSeq(): number {
    return this.seqWraps * TWO_32 + this.lastSeq - this.startSeq;
  }

  /** Zeek's NoDataAcked: the peer acked nothing beyond the SYN. */
  noDataAcked(): boolean {
    const ack = this.ackWraps * TWO_32 + this.ackSeq - this.startSeq;
    return ack === 0 || ack === 1;
  }

  /** Zeek's TCP_Endpoint::Size() (§3.1): sequence-space bytes sent. */
  size(): number {
    if (this.prevState === TcpState.SYN_SENT && this.state === TcpState.RESET && this.peer.state === TcpState.INACTIVE && !this.noDataAcked()) return 0;
    const last64 = this.seqWraps * TWO_32 + this.lastSeq;
    const ack64 = this.ackWraps * TWO_32 + this.ackSeq;
    let size = (last64 > ack64 ? last64 : ack64) - this.startSeq;
    // uint64 arithmetic in Zeek: a negative difference wraps around.
    if (size < 0) size += 18446744073709551616;
    if (size !== 0) size--;
    if (this.finCnt > 0 && size !== 0) size--;
    return size;
  }

  /** "Clean" for gap reporting (§4.3): established, or closed after being established. */
  established(): boolean {
    return this.state === TcpState.ESTABLISHED || (this.prevState === TcpState.ESTABLISHED && this.state === TcpState.CLOSED);
  }

  /** Active for reuse checks: not INACTIVE and not closed. */
  isActive(): boolean {
    return this.state !== TcpState.INACTIVE && !this.didClose;
  }

  // ---------------------------------------------------------------- scaled history letters

  private counters(): ScaledCounters {
    return (this.scaled ??= new ScaledCounters());
  }

  checksumError(): void {
    this.conn.scaledLetter(this.counters().checksum.count(), this.isOrig ? "C" : "c", "tcp_multiple_checksum_errors", this.isOrig);
  }

  didRxmit(): void {
    this.conn.scaledLetter(this.counters().rexmit.count(), this.isOrig ? "T" : "t", "tcp_multiple_retransmissions", this.isOrig);
  }

  zeroWindow(): void {
    this.conn.scaledLetter(this.counters().zeroWindow.count(), this.isOrig ? "W" : "w", "tcp_multiple_zero_windows", this.isOrig);
  }

  gapSeen(): void {
    this.conn.scaledLetter(this.counters().gap.count(), this.isOrig ? "G" : "g", "tcp_multiple_gap", this.isOrig);
  }

  // ---------------------------------------------------------------- reassembly

  reassembler(): Reassembler {
    return (this.reasm ??= this.conn.newReassembler(this));
  }

  deliver(seq: number, data: Uint8Array, offset: number, len: number): void {
    this.conn.contents(this, seq, data, offset, len);
  }

  gap(seq: number, len: number): void {
    this.conn.contentGap(this, seq, len);
  }

  inconsistency(oldBytes: Uint8Array, newBytes: Uint8Array): void {
    this.conn.inconsistency(this, oldBytes, newBytes);
  }

  limit(name: ReassemblyLimit): void {
    this.conn.weird(name, "", "TCP");
  }

  endpointSize(): number {
    return this.size();
  }

  acceptUndelivered(upToSeq: number): boolean {
    // A partial connection's first ACK acks the faked SYN (or a keep-alive): not a gap.
    return !(upToSeq <= 2 && this.conn.isPartial);
  }
}
