/**
 * One side of a TCP connection (Zeek's TCP_Endpoint): its state machine state, sequence
 * bookkeeping (32-bit values plus wrap counters, as Zeek keeps them), FIN/RST
 * counts, window tracking, the scaled history counters, and its reassembler
 * (created on first need). It is also the reassembler's sink: gaps, in-order
 * data and inconsistencies come back here and are turned into history letters
 * and events by the connection.
 */
import { DOUBLE_ZERO } from "../../doubles.js";
import { TcpState } from "../../event/records.js";
import { EndpointBase, UNSET_TIME } from "../../session/connection.js";
import { ScaledLetter } from "../../session/scaled-letter.js";
import type { Reassembler, ReassemblerSink, ReassemblyLimit } from "./reassembler.js";
import type { TcpConn } from "./tcp-conn.js";
import type { TcpStatsEndpoint } from "./tcp-stats.js";

const TWO_32 = 4294967296;
const DID_CLOSE = 1 << 10;
const IS_ORIG = 1 << 11;
const PEER_WINDOW_PENDING = 1 << 12;

/** The scaled history letters of one endpoint (C/T/W/G), allocated on first use. */
export class ScaledCounters {
  readonly checksum = new ScaledLetter();
  readonly rexmit = new ScaledLetter();
  readonly zeroWindow = new ScaledLetter();
  readonly gap = new ScaledLetter();
}

/**
 * What only some endpoints need (FIN/RST bookkeeping, the F/R repeat slots,
 * scaled letters, wraps, flow label), allocated on first use so that a
 * half-open connection stays small.
 */
export class TcpEndpointExt {
  finCnt = 0;
  rstCnt = 0;
  // Relative seqs are doubles past a 32-bit wrap: these start as doubles (see doubles.ts).
  /** Relative seq of the last SYN (the S/H repeat slot). */
  histLastSyn = DOUBLE_ZERO;
  /** Relative seq just after the FIN. */
  finSeq = DOUBLE_ZERO;
  didEOF = false;
  histLastFin = DOUBLE_ZERO;
  histLastRst = DOUBLE_ZERO;
  /** Time of this endpoint's previous packet, tracked once FIN/RST storms matter (double-represented, see Conn.startTime). */
  lastTime = UNSET_TIME;
  scaled: ScaledCounters | null = null;
  /** TCPSTATS state, only when tcp_rexmit is handled. */
  stats: TcpStatsEndpoint | null = null;
  /** Times last/ack passed 2^32 (Zeek's seq/ack wraps). */
  seqWraps = 0;
  ackWraps = 0;
  /** The sender's IPv6 flow label, once not 0. */
  flowLabel = 0;

  constructor() {
    // Changed by a 32-bit wrap, rarely and late: known as mutable from the start (see doubles.ts).
    this.seqWraps = this.ackWraps = 0;
  }
}

/**
 * Sequence numbers are 32-bit unsigned on the wire; they are stored here as
 * int32 (`| 0`) so V8 keeps them unboxed, and read back with `>>> 0`.
 *
 * Kept small (a SYN flood makes millions): what a half-open connection does
 * not use (wrap counters, flow label, FIN/RST bookkeeping) lives in the
 * extension, and the peer is found through the connection. Window tracking
 * is here: every ACK updates it, and a window-scale SYN sets it up.
 */
export class TcpEndpoint extends EndpointBase implements ReassemblerSink {
  /** state (bits 0–2), prev_state (3–5), window scale (6–9), did_close (10), is_orig (11), peer window pending (12). */
  private bits = 0;
  /** ISN, last and ack as int32 (the analyzer works on these; getters below give the uint32 view). */
  start32 = 0;
  last32 = 0;
  ack32 = 0;
  /** The last window advertised (scaled), and the seq/ack of the packet that advertised it (int32, compare through seqDelta). */
  window = 0;
  windowSeq = 0;
  windowAckSeq = 0;
  private extra: TcpEndpointExt | null = null;
  reasm: Reassembler | null = null;

  constructor(
    readonly conn: TcpConn,
    isOrig: boolean,
  ) {
    super();
    this.isOrig = isOrig;
  }

  /** The other endpoint of the connection. */
  get peer(): TcpEndpoint {
    const conn = this.conn;
    return conn.orig === this ? conn.resp : conn.orig;
  }

  get flowLabel(): number {
    return this.extra === null ? 0 : this.extra.flowLabel;
  }

  set flowLabel(v: number) {
    if (v !== 0 || this.extra !== null) this.ext().flowLabel = v;
  }

  get seqWraps(): number {
    return this.extra === null ? 0 : this.extra.seqWraps;
  }

  get ackWraps(): number {
    return this.extra === null ? 0 : this.extra.ackWraps;
  }

  get state(): number {
    return this.bits & 7;
  }

  set state(v: number) {
    this.bits = (this.bits & ~7) | v;
  }

  get prevState(): number {
    return (this.bits >> 3) & 7;
  }

  set prevState(v: number) {
    this.bits = (this.bits & ~(7 << 3)) | (v << 3);
  }

  get windowScale(): number {
    return (this.bits >> 6) & 15;
  }

  set windowScale(v: number) {
    this.bits = (this.bits & ~(15 << 6)) | (v << 6);
  }

  get didClose(): boolean {
    return (this.bits & DID_CLOSE) !== 0;
  }

  set didClose(v: boolean) {
    this.bits = v ? this.bits | DID_CLOSE : this.bits & ~DID_CLOSE;
  }

  /** The endpoint's current role (flipped with the connection). */
  get isOrig(): boolean {
    return (this.bits & IS_ORIG) !== 0;
  }

  set isOrig(v: boolean) {
    this.bits = v ? this.bits | IS_ORIG : this.bits & ~IS_ORIG;
  }

  /**
   * This endpoint's window-scale SYN set up the peer's window baseline while
   * the peer was the shared silent responder: the peer takes it (the swapped
   * windowSeq/windowAckSeq) when it gets its own endpoint.
   */
  get peerWindowPending(): boolean {
    return (this.bits & PEER_WINDOW_PENDING) !== 0;
  }

  set peerWindowPending(v: boolean) {
    this.bits = v ? this.bits | PEER_WINDOW_PENDING : this.bits & ~PEER_WINDOW_PENDING;
  }

  /** FIN packets sent. */
  get finCnt(): number {
    return this.extra === null ? 0 : this.extra.finCnt;
  }

  /** RST packets sent. */
  get rstCnt(): number {
    return this.extra === null ? 0 : this.extra.rstCnt;
  }

  /** Relative seq of the last SYN (0 until one with another value is seen). */
  get histLastSyn(): number {
    return this.extra === null ? 0 : this.extra.histLastSyn;
  }

  set histLastSyn(v: number) {
    // The default is 0: no need to allocate the extension to store it.
    if (v !== 0 || this.extra !== null) this.ext().histLastSyn = v;
  }

  /** The rarely needed fields, created on first use. */
  ext(): TcpEndpointExt {
    return (this.extra ??= new TcpEndpointExt());
  }

  /** The extension if it exists (no allocation). */
  get extIfAny(): TcpEndpointExt | null {
    return this.extra;
  }

  /** ISN (relative seq 0), in [0, 2^32). */
  get startSeq(): number {
    return this.start32 >>> 0;
  }

  /** One past the highest octet sent (32-bit). */
  get lastSeq(): number {
    return this.last32 >>> 0;
  }

  /** Highest ACK of this endpoint's data (32-bit). */
  get ackSeq(): number {
    return this.ack32 >>> 0;
  }

  /** Relative seq just after the FIN (0 before any FIN). */
  get finSeq(): number {
    return this.extra === null ? 0 : this.extra.finSeq;
  }

  get didEOF(): boolean {
    return this.extra?.didEOF === true;
  }

  // ---------------------------------------------------------------- sequence space

  /** Zeek's UpdateLastSeq (`seq` as int32): a numerically smaller value means the sequence space wrapped. */
  updateLastSeq(seq: number): void {
    if (seq >>> 0 < this.last32 >>> 0) this.ext().seqWraps++;
    this.last32 = seq | 0;
  }

  updateAckSeq(seq: number): void {
    if (seq >>> 0 < this.ack32 >>> 0) this.ext().ackWraps++;
    this.ack32 = seq | 0;
  }

  /** Re-initialises start/ack/last as for a SYN at `start` (init_endpoint). */
  initSeqs(start: number, last: number): void {
    this.start32 = start | 0;
    this.ack32 = start | 0;
    this.last32 = last | 0;
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

  /** Zeek's TCP_Endpoint::Size() (Zeek's TCP_Endpoint): sequence-space bytes sent. */
  size(): number {
    if (this.prevState === TcpState.SYN_SENT && this.state === TcpState.RESET && this.peer.state === TcpState.INACTIVE && !this.noDataAcked()) return 0;
    const last64 = this.seqWraps * TWO_32 + this.lastSeq;
    const ack64 = this.ackWraps * TWO_32 + this.ackSeq;
    let size = Math.max(last64, ack64) - this.startSeq;
    // uint64 arithmetic in Zeek: a negative difference wraps around.
    if (size < 0) size += 2 ** 64;
    if (size !== 0) size--;
    if (this.finCnt > 0 && size !== 0) size--;
    return size;
  }

  /** "Clean" for gap reporting (TCP_Reassembler::AckReceived): established, or closed after being established. */
  established(): boolean {
    return this.state === TcpState.ESTABLISHED || (this.prevState === TcpState.ESTABLISHED && this.state === TcpState.CLOSED);
  }

  /** Active for reuse checks: not INACTIVE and not closed. */
  isActive(): boolean {
    return this.state !== TcpState.INACTIVE && !this.didClose;
  }

  // ---------------------------------------------------------------- scaled history letters

  private counters(): ScaledCounters {
    const ext = this.ext();
    return (ext.scaled ??= new ScaledCounters());
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

  sawFinOrRst(): boolean {
    const peer = this.peer;
    return this.finCnt > 0 || this.rstCnt > 0 || peer.finCnt > 0 || peer.rstCnt > 0;
  }
}
