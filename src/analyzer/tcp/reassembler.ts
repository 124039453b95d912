/**
 * TCP stream reassembly for one direction of one connection (Zeek's TCP_Reassembler).
 *
 * Works in the sender's relative sequence space (the SYN is 0, the first data
 * byte 1; the analyzer unwraps 32-bit wraps, so values are plain JS numbers,
 * exact up to 2^53). It knows nothing about packets or connection state: the
 * TCP analyzer feeds it payload (`dataSent`) and the peer's ACKs
 * (`ackReceived`), and hears back through a `ReassemblerSink`.
 *
 * Rules (Zeek semantics):
 *  - the first copy of any byte wins: retransmitted or overlapping data never
 *    replaces what is buffered; only the not-yet-covered pieces of a new segment
 *    are inserted, each as its own block;
 *  - blocks are delivered in order, one `deliver` per block, starting at
 *    `lastReassemSeq` (1 at the start). Block boundaries are therefore exactly
 *    Zeek's (tcp_contents fires once per block);
 *  - delivered blocks stay buffered until acked (for overlap checks); data
 *    below the acked point is dropped on arrival;
 *  - an ACK past undelivered data reveals holes: for each hole `gap(seq, len)`,
 *    then the buffered block after it is delivered; `lastReassemSeq` moves to
 *    the ACK;
 *  - while nothing of this direction has been acked: delivered data is dropped
 *    once the sender's size exceeds `tcp_max_initial_window`, and more than
 *    `tcp_max_above_hole_without_any_acks` undelivered bytes make it give up
 *    (`skipDeliveries`, limit "above_hole_data_without_any_acks"); more than
 *    `tcp_excessive_data_without_further_acks` undelivered bytes give up too
 *    (limit "excessive_data_without_further_acks").
 *
 * Old segments: with `tcp_max_old_segments` > 0 (Zeek's default 0 keeps
 * none and costs nothing), blocks trimmed with their bytes are kept, the last
 * that many (lowest seq dropped first), and every later segment is compared
 * with them too, acked or not: a retransmission with other bytes long after
 * the first copy was acked (a Quantum Insert) is an `inconsistency`.
 *
 * Bytes or ranges only. With `keepBytes = true` every buffered block holds a
 * copy of its bytes (needed for `inconsistency` and for delivering blocks that
 * arrived out of order). With `keepBytes = false` (the fast default, when no
 * script consumes payload) blocks are sequence ranges only: no copying, same
 * block boundaries, same gap reports, same delivery calls — but `deliver` then
 * receives real bytes only for data of the segment being inserted right now;
 * a block that was buffered is delivered with the empty array `NO_BYTES`
 * (`data.length < offset + len`), and `inconsistency` is never reported.
 * `keepBytes` may be switched on mid-connection (blocks buffered before stay
 * byte-less); `keepDeliveredBytes = false` keeps bytes only for out-of-order
 * blocks, for consumers of deliveries that need no overlap check.
 *
 * Zero copy: `dataSent`'s `data` points into the packet buffer, which is
 * reused after the packet. What is buffered is copied (keepBytes mode, where
 * blocks are delivered from that copy); without keepBytes, pieces of the
 * current segment are delivered straight from the caller's buffer. Either way
 * a sink must copy what it keeps beyond the call.
 *
 * Memory is bounded per connection (the two limits above, plus `maxBlocks`
 * blocks) and across all reassemblers (`Reassembler.maxTotalBytes` bytes of
 * copied payload, counted in `Reassembler.totalBytes`). Under pressure the
 * delivered-but-unacked blocks are dropped first; if that is not enough the
 * direction gives up with limit "tcp_reassembly_memory_limit" (a bronze name:
 * Zeek has no global cap). Call `release()` when the connection goes away; a
 * FinalizationRegistry returns the bytes of a forgotten reassembler as well.
 *
 * What stays with the analyzer: the FIN adjustment of ACKs can be done either
 * by the analyzer or here (set `finSeq`, idempotent); suppressing keep-alive
 * inconsistencies (1-byte overlap, peer never sent anything); the partial
 * connection "ACK of the faked SYN" rule (`sink.acceptUndelivered`); EOF
 * handling with `hasPendingData`; raising weirds for `sink.limit`.
 */
import { asDouble, DOUBLE_ZERO } from "../../doubles.js";
import type { EngineSettings } from "../../options.js";

/** Limits a reassembler can hit; the analyzer turns them into weirds of that name. */
export type ReassemblyLimit = "above_hole_data_without_any_acks" | "excessive_data_without_further_acks" | "tcp_reassembly_memory_limit";

export interface ReassemblerSink {
  /** In-order data `[seq, seq+len)`; bytes at `data[offset .. offset+len)` when available (see module doc). */
  deliver(seq: number, data: Uint8Array, offset: number, len: number): void;
  /** Bytes `[seq, seq+len)` were acked by the peer but never seen. */
  gap(seq: number, len: number): void;
  /** Overlapping data differs: `oldBytes` buffered first, `newBytes` the new copy of the same range (keepBytes mode only). */
  inconsistency(oldBytes: Uint8Array, newBytes: Uint8Array): void;
  /** The direction gave up (after this call `skipDeliveries` is true); the analyzer raises the weird of that name. */
  limit?(name: ReassemblyLimit): void;
  /**
   * Zeek's endpoint Size() (sequence-space bytes sent), for the
   * tcp_max_initial_window rule. Default: highest relative seq inserted − 1.
   */
  endpointSize?(): number;
  /**
   * Asked when an ACK reveals undelivered bytes below `upToSeq`; return false
   * to ignore them (no gap, `lastReassemSeq` unchanged), as Zeek does for a
   * partial connection when `upToSeq <= 2` (the ACK of the faked SYN).
   */
  acceptUndelivered?(upToSeq: number): boolean;
  /** This direction or its peer sent a FIN or a RST (the `detect_filtered_trace` guess: see `undelivered`). */
  sawFinOrRst?(): boolean;
}

/** What `deliver` gets for a block whose bytes were not kept (keepBytes = false). */
export const NO_BYTES = new Uint8Array(0);

/** Default bound on the blocks one direction buffers (`maxBlocks`). */
const DEFAULT_MAX_BLOCKS = 1 << 16;
/** Compact the block arrays when this many dead slots sit at the front. */
const COMPACT_AT = 256;

const reclaim = new FinalizationRegistry<{ bytes: number }>((account) => {
  Reassembler.totalBytes -= account.bytes;
  account.bytes = 0;
});

export class Reassembler {
  /** Copied payload bytes buffered by all reassemblers of the process. */
  static totalBytes = 0;
  /** Cap on `totalBytes` (bronze's own global bound; Zeek has none). */
  static maxTotalBytes = 512 * 1024 * 1024;

  /** When true the direction gave up: inserted data is ignored and nothing more is delivered or reported. */
  skipDeliveries = false;
  /**
   * Relative seq just after this direction's FIN (0 = no FIN seen). ACKs at or
   * past it are taken as `finSeq − 1`: the FIN octet is not data (TCP_Reassembler::AckReceived).
   */
  finSeq = DOUBLE_ZERO;
  /**
   * The acked point of this direction (relative): the highest ACK the peer sent,
   * raised by `ackReceived`. 0 or 1 means "no data acked yet".
   */
  ackedSeq = DOUBLE_ZERO;
  /** Bytes reported as gaps so far (get_gap_stats' gap_bytes, counted by the analyzer per ACK). */
  gapBytes = DOUBLE_ZERO;
  /** Most blocks this direction may buffer before dropping delivered data / giving up. */
  maxBlocks = DEFAULT_MAX_BLOCKS;
  /**
   * keepBytes mode only: also keep the bytes of data delivered as it arrived.
   * They serve only the overlap check (`inconsistency`), so an analyzer with no
   * rexmit_inconsistency consumer can set this false: then only out-of-order
   * blocks are copied and in-order data is delivered without any copy.
   */
  keepDeliveredBytes: boolean;
  /**
   * keepBytes mode only: out-of-order blocks starting at or above this
   * sequence number are kept as ranges, without bytes. DPD alone looks at the
   * first dpd_buffer_size bytes, so while it is a connection's only consumer
   * nothing past them needs copying; an analyzer raises it to Infinity.
   */
  keepBytesBelow = Infinity;

  // Relative sequence numbers are doubles past a 32-bit wrap: these fields start as doubles (see doubles.ts).
  private nextSeq = asDouble(1);
  private trimmedTo = asDouble(1);
  private highestSeq = asDouble(1);

  // Buffered blocks, sorted by seq, never overlapping; live slots are [head, end),
  // slots from `end` to the arrays' length are free (see compact). They start
  // with two free slots: most directions never hold more blocks at once (88 %
  // of mix300k's), where an empty array's first push makes room for 17 (the
  // four arrays ~600 bytes a direction with payload, against ~130).
  private readonly seqs = [DOUBLE_ZERO, DOUBLE_ZERO];
  private readonly uppers = [DOUBLE_ZERO, DOUBLE_ZERO];
  private readonly datas: (Uint8Array | null)[] = [null, null];
  /** The `dataSent` call that created each block (to recognise pieces of the current segment). */
  private readonly births: number[] = [0, 0];
  private head = 0;
  private end = 0;
  private calls = 0;

  // The segment being inserted right now (its bytes are delivered without copying).
  private curSeq = DOUBLE_ZERO;
  private curData: Uint8Array = NO_BYTES;
  private curOffset = DOUBLE_ZERO;

  /** Copied bytes held, shared with the FinalizationRegistry; created with the first copy. */
  private account: { bytes: number } | null = null;
  /** Trimmed blocks kept for their bytes (tcp_max_old_segments > 0); null until the first is kept, and always with the setting 0. */
  private old: OldSegments | null = null;

  constructor(
    private readonly sink: ReassemblerSink,
    private readonly settings: EngineSettings,
    /** May be switched on later (a consumer attached mid-connection); blocks buffered before stay byte-less. */
    public keepBytes: boolean,
  ) {
    this.keepDeliveredBytes = keepBytes;
    // Set when a direction gives up, rarely and late; the account at the first copy: known as mutable from the start (see doubles.ts).
    this.skipDeliveries = false;
    this.account = null;
    this.old = null;
  }

  /** Next byte to deliver (Zeek's last_reassem_seq). */
  get lastReassemSeq(): number {
    return this.nextSeq;
  }

  /** Bytes below this were trimmed (acked, or dropped as delivered). */
  get trimSeq(): number {
    return this.trimmedTo;
  }

  /** True when blocks are buffered (delivered-but-unacked or out-of-order). */
  hasBlocks(): boolean {
    return this.head < this.end;
  }

  /** Number of buffered blocks. */
  get blockCount(): number {
    return this.end - this.head;
  }

  /** Copied payload bytes this direction holds. */
  get bufferedBytes(): number {
    return this.account === null ? 0 : this.account.bytes;
  }

  /** Zeek's NumUndeliveredBytes: from the next byte to deliver to the end of the last block. */
  get undeliveredBytes(): number {
    if (!this.hasBlocks()) return 0;
    const top = this.uppers[this.end - 1]!;
    return top > this.nextSeq ? top - this.nextSeq : 0;
  }

  /** True when none of this direction's data has been acked. */
  noDataAcked(): boolean {
    return this.ackedSeq <= 1;
  }

  /**
   * Payload `data[offset .. offset+len)` sent at relative seq `relSeq` (the
   * analyzer adds 1 for SYN packets). The bytes are only read during the call.
   */
  dataSent(relSeq: number, data: Uint8Array, offset: number, len: number): void {
    if (this.skipDeliveries || len <= 0) return;
    // The blocks kept for tcp_max_old_segments see the whole segment, acked part included: Zeek's
    // TCP_Reassembler::DataSent skips its ACK trim for packets (its `replaying` defaults to true), so
    // an acked injected reply is compared with the real one from their first byte.
    if (this.old !== null) this.old.compare(relSeq, relSeq + len, data, offset, this.sink);
    let seq = relSeq;
    if (seq < this.ackedSeq) {
      // Part of it was acked already (a retransmission that grew): keep the rest.
      if (seq + len <= this.ackedSeq) return;
      const acked = this.ackedSeq - seq;
      seq += acked;
      offset += acked;
      len -= acked;
    }
    const upper = seq + len;
    if (upper > this.highestSeq) this.highestSeq = upper;
    if (upper <= this.trimmedTo) return;
    if (this.keepBytes) this.checkOverlap(seq, upper, data, offset);
    if (seq < this.trimmedTo) {
      const old = this.trimmedTo - seq;
      seq += old;
      offset += old;
      len -= old;
    }
    this.calls++;
    this.curSeq = seq;
    this.curData = data;
    this.curOffset = offset;
    try {
      const first = this.insert(seq, upper);
      if (first >= 0) this.blockInserted(first);
      // Nothing of this segment waits when it was all delivered (the in-order case): no search then.
      if (this.keepBytes && !this.keepDeliveredBytes && this.nextSeq < upper) this.copyUndelivered(upper);
    } finally {
      this.curData = NO_BYTES;
      this.curSeq = 0;
      this.calls++;
    }
    this.enforceLimits();
  }

  /**
   * The peer acked up to `relAck` (relative to this direction). Trims acked
   * blocks; undelivered bytes below the ACK become gaps (TCP_Reassembler::AckReceived).
   */
  ackReceived(relAck: number): void {
    if (relAck > this.ackedSeq) this.ackedSeq = relAck;
    let seq = relAck;
    if (this.finSeq > 0 && seq >= this.finSeq) seq = this.finSeq - 1;
    if (seq <= this.trimmedTo) return;
    this.trimToSeq(seq);
  }

  /**
   * Zeek's DataPending (TCP_Reassembler::CheckEOF): false when the direction gave up, when the
   * numbers cannot be trusted (delivered past `lastSeqRel`, the relative seq
   * after the last octet sent), or when everything up to the FIN/RST point was
   * delivered and (the sender is RESET or the peer holds no blocks).
   */
  hasPendingData(lastSeqRel: number, isReset: boolean, peerHasBlocks: boolean): boolean {
    if (this.skipDeliveries) return false;
    const delivered = this.nextSeq;
    if (delivered > lastSeqRel) return false;
    if ((delivered === lastSeqRel - 1 || delivered === lastSeqRel) && (isReset || !peerHasBlocks)) return false;
    return true;
  }

  /** Drops every buffered block (the direction gave up). */
  clearBlocks(): void {
    this.seqs.length = this.uppers.length = this.datas.length = this.births.length = 0;
    this.head = this.end = 0;
    this.old = null;
    if (this.account !== null) this.charge(-this.account.bytes);
  }

  /** Returns this direction's buffered bytes to the global budget; call when the connection is removed. */
  release(): void {
    // The arrays go with the reassembler: emptying them (a runtime call per
    // array, for every connection with payload) would only serve a reuse that
    // never comes. Copied bytes are dropped now, whoever still holds this object.
    this.head = this.end = 0;
    this.old = null;
    if (this.account !== null) {
      this.datas.length = 0;
      this.charge(-this.account.bytes);
      reclaim.unregister(this.account);
      this.account = null;
    }
  }

  // ------------------------------------------------------------------ insertion

  /**
   * Inserts the parts of [seq, upper) not covered by buffered blocks, each as a
   * block. Returns the index of the first inserted block, or — when everything
   * was covered — of the block holding `seq`; −1 when there is nothing there.
   */
  private insert(seq: number, upper: number): number {
    const n = this.end;
    if (this.head === n || seq >= this.uppers[n - 1]!) {
      this.addBlock(n, seq, upper);
      return n;
    }
    let i = this.firstEndingAfter(seq);
    const holder = this.seqs[i]! <= seq ? i : -1;
    let first = -1;
    let at = seq;
    while (at < upper) {
      if (i === this.end || this.seqs[i]! >= upper) {
        this.addBlock(i, at, upper);
        if (first < 0) first = i;
        break;
      }
      if (this.seqs[i]! > at) {
        this.addBlock(i, at, this.seqs[i]!);
        if (first < 0) first = i;
        i++;
      }
      at = this.uppers[i]!;
      i++;
    }
    return first >= 0 ? first : holder;
  }

  /** Index of the first live block whose upper end is above `seq` (blocks are sorted, so uppers are too). */
  private firstEndingAfter(seq: number): number {
    let lo = this.head;
    let hi = this.end;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.uppers[mid]! > seq) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  private addBlock(index: number, seq: number, upper: number): void {
    const copy = this.keepBytes && this.keepDeliveredBytes ? this.copyOfCurrent(seq, upper) : null;
    const end = this.end;
    if (index === end && end < this.seqs.length) {
      // A slot freed by compaction: reused, so the arrays do not grow again.
      this.seqs[end] = seq;
      this.uppers[end] = upper;
      this.datas[end] = copy;
      this.births[end] = this.calls;
    } else if (index === this.seqs.length) {
      this.seqs.push(seq);
      this.uppers.push(upper);
      this.datas.push(copy);
      this.births.push(this.calls);
    } else {
      // Free slots past `end` move up by one with the rest: harmless.
      this.seqs.splice(index, 0, seq);
      this.uppers.splice(index, 0, upper);
      this.datas.splice(index, 0, copy);
      this.births.splice(index, 0, this.calls);
    }
    this.end = end + 1;
  }

  /** A copy of [seq, upper) of the segment being inserted, charged to the memory budget. */
  private copyOfCurrent(seq: number, upper: number): Uint8Array {
    const from = this.curOffset + (seq - this.curSeq);
    this.charge(upper - seq);
    return this.curData.slice(from, from + (upper - seq));
  }

  /** Copies the pieces of the current segment (below `upper`) that are still waiting for delivery. */
  private copyUndelivered(upper: number): void {
    for (let i = this.firstEndingAfter(this.nextSeq); i < this.end && this.seqs[i]! < upper; i++) {
      if (this.births[i] === this.calls && this.datas[i] === null && this.seqs[i]! >= this.nextSeq && this.seqs[i]! < this.keepBytesBelow) {
        this.datas[i] = this.copyOfCurrent(this.seqs[i]!, this.uppers[i]!);
      }
    }
  }

  /** Delivers the contiguous run starting at the block at `index`, if it touches the next expected byte (TCP_Reassembler::DataSent). */
  private blockInserted(index: number): void {
    if (this.seqs[index]! > this.nextSeq || this.uppers[index]! <= this.nextSeq) return;
    for (let i = index; i < this.end; i++) {
      const seq = this.seqs[i]!;
      if (seq > this.nextSeq) break; // a hole
      if (seq === this.nextSeq) this.deliverBlock(i);
    }
    if (this.noDataAcked() && this.settings.tcp_max_initial_window > 0 && this.endpointSize() > this.settings.tcp_max_initial_window) {
      // Lots sent, nothing acked: we are probably not seeing the peer's ACKs, so
      // do not hold on to delivered data.
      this.trimToSeq(this.nextSeq);
    }
  }

  private deliverBlock(i: number): void {
    const seq = this.seqs[i]!;
    const len = this.uppers[i]! - seq;
    this.nextSeq = seq + len;
    const kept = this.datas[i];
    if (kept) this.sink.deliver(seq, kept, 0, len);
    else if (this.births[i] === this.calls) {
      // A piece of the segment being inserted: straight from the caller's buffer.
      this.sink.deliver(seq, this.curData, this.curOffset + (seq - this.curSeq), len);
    } else this.sink.deliver(seq, NO_BYTES, 0, len);
  }

  private endpointSize(): number {
    return this.sink.endpointSize ? this.sink.endpointSize() : this.highestSeq - 1;
  }

  // ------------------------------------------------------------------ overlaps

  /** Reports every overlap between [seq, upper) and buffered blocks whose bytes differ (TCP_Reassembler::DataSent). */
  private checkOverlap(seq: number, upper: number, data: Uint8Array, offset: number): void {
    const n = this.end;
    if (this.head === n || seq >= this.uppers[n - 1]!) return; // appending: the common case
    for (let i = this.firstEndingAfter(seq); i < this.end; i++) {
      const bSeq = this.seqs[i]!;
      if (bSeq >= upper) break;
      const kept = this.datas[i];
      if (kept) compareBlock(bSeq, this.uppers[i]!, kept, seq, upper, data, offset, this.sink);
    }
  }

  // ------------------------------------------------------------------ trimming and gaps

  /** Releases blocks below `seq`, first turning undelivered bytes below it into gaps. */
  private trimToSeq(seq: number): void {
    if (seq > this.nextSeq) this.undelivered(seq);
    let h = this.head;
    let freed = 0;
    const keepOld = this.settings.tcp_max_old_segments;
    while (h < this.end && this.uppers[h]! <= seq) {
      const kept = this.datas[h];
      if (kept) {
        // Zeek's TrimToSeq: with tcp_max_old_segments, a trimmed block joins the old ones, the lowest dropped past the bound.
        if (keepOld > 0) freed += (this.old ??= new OldSegments(keepOld)).add(this.seqs[h]!, this.uppers[h]!, kept);
        else freed += this.uppers[h]! - this.seqs[h]!;
      }
      this.datas[h] = null;
      h++;
    }
    this.head = h;
    if (freed > 0) this.charge(-freed);
    this.compact();
    // Skipping a hole may have made the first block deliverable.
    if (this.hasBlocks() && this.seqs[this.head] === this.nextSeq) this.blockInserted(this.head);
    this.trimmedTo = seq;
  }

  /** Bytes [nextSeq, upTo) were acked but not delivered: gaps for the holes, deliveries for what was buffered (TCP_Reassembler::AckReceived). */
  private undelivered(upTo: number): void {
    if (this.sink.acceptUndelivered && !this.sink.acceptUndelivered(upTo)) return;
    // detect_filtered_trace: nothing delivered yet and a side closed or reset,
    // so the trace may hold only SYN/FIN/RST packets: the missing bytes are
    // skipped without a gap, and the direction delivers nothing more (Zeek's
    // TCP_Reassembler::Undelivered sets skip_deliveries; a SYN carrying data
    // defeats the guess, as in Zeek).
    if (!this.skipDeliveries && this.nextSeq === 1 && this.settings.detect_filtered_trace && this.sink.sawFinOrRst?.() === true) this.skipDeliveries = true;
    if (!this.skipDeliveries) {
      for (let i = this.firstEndingAfter(this.nextSeq); i < this.end; i++) {
        const seq = this.seqs[i]!;
        if (seq < this.nextSeq) continue; // straddles the delivery point: stale data
        // A delivered block carries on into the blocks contiguous with it, even past the ACK.
        if (seq >= upTo && seq !== this.nextSeq) break;
        if (seq > this.nextSeq) this.reportGap(seq - this.nextSeq);
        this.deliverBlock(i);
      }
      if (upTo > this.nextSeq) this.reportGap(upTo - this.nextSeq);
    }
    if (upTo > this.nextSeq) this.nextSeq = upTo;
  }

  /** A hole of `len` bytes at the delivery point, acked but never seen. */
  private reportGap(len: number): void {
    this.gapBytes += len;
    this.sink.gap(this.nextSeq, len);
  }

  /**
   * Moves the live blocks to the front of the arrays, in place. The arrays
   * keep their length (slots past `end` are free): shrinking a JS array drops
   * or trims its storage, and a connection's stream would regrow it again and
   * again (most of the engine's garbage, before). Dead slots hold no bytes:
   * trimToSeq cleared them.
   */
  private compact(): void {
    const h = this.head;
    if (h === 0) return;
    if (h === this.end) {
      // Everything delivered and acked (the usual in-order stream): start over.
      this.head = this.end = 0;
      return;
    }
    if (h < COMPACT_AT || h * 2 < this.end) return;
    const live = this.end - h;
    const { seqs, uppers, datas, births } = this;
    for (let i = 0; i < live; i++) {
      seqs[i] = seqs[h + i]!;
      uppers[i] = uppers[h + i]!;
      datas[i] = datas[h + i]!;
      births[i] = births[h + i]!;
    }
    for (let i = live; i < this.end; i++) datas[i] = null;
    this.head = 0;
    this.end = live;
  }

  // ------------------------------------------------------------------ limits and memory

  private enforceLimits(): void {
    const s = this.settings;
    const undelivered = this.undeliveredBytes;
    if (this.noDataAcked() && s.tcp_max_above_hole_without_any_acks > 0 && undelivered > s.tcp_max_above_hole_without_any_acks) {
      this.giveUp("above_hole_data_without_any_acks");
    } else if (s.tcp_excessive_data_without_further_acks > 0 && undelivered > s.tcp_excessive_data_without_further_acks) {
      this.giveUp("excessive_data_without_further_acks");
    } else if (this.blockCount > this.maxBlocks || Reassembler.totalBytes > Reassembler.maxTotalBytes) {
      // Delivered-but-unacked blocks only serve overlap checks: drop them first.
      if (this.nextSeq > this.trimmedTo) this.trimToSeq(this.nextSeq);
      if (this.blockCount > this.maxBlocks || Reassembler.totalBytes > Reassembler.maxTotalBytes) this.giveUp("tcp_reassembly_memory_limit");
    }
  }

  private giveUp(name: ReassemblyLimit): void {
    this.clearBlocks();
    this.skipDeliveries = true;
    this.sink.limit?.(name);
  }

  private charge(bytes: number): void {
    let account = this.account;
    if (account === null) {
      if (bytes === 0) return;
      account = this.account = { bytes: 0 };
      reclaim.register(this, account, account);
    }
    account.bytes += bytes;
    Reassembler.totalBytes += bytes;
  }
}

/**
 * Delivered blocks of one direction kept after they were trimmed (acked, or
 * dropped as delivered), at most `max` of them, sorted by seq: Zeek's
 * old_block_list, bounded by tcp_max_old_segments. A retransmission is
 * compared with them too (rexmit_inconsistency), however long ago it was acked.
 */
class OldSegments {
  private readonly seqs: number[] = [];
  private readonly uppers: number[] = [];
  private readonly datas: Uint8Array[] = [];

  constructor(private readonly max: number) {}

  /** Keeps a trimmed block; returns the bytes that are no longer held (those of the blocks dropped past the bound). */
  add(seq: number, upper: number, data: Uint8Array): number {
    this.seqs.push(seq);
    this.uppers.push(upper);
    this.datas.push(data);
    let dropped = 0;
    while (this.seqs.length > this.max) {
      dropped += this.uppers.shift()! - this.seqs.shift()!;
      this.datas.shift();
    }
    return dropped;
  }

  /** Reports where [seq, upper) overlaps a kept block with other bytes (Reassembler::CheckOverlap on the old list). */
  compare(seq: number, upper: number, data: Uint8Array, offset: number, sink: ReassemblerSink): void {
    const n = this.seqs.length;
    // Appending to the last one: nothing below it can overlap.
    if (n === 0 || seq === this.uppers[n - 1]) return;
    for (let i = 0; i < n; i++) {
      const bSeq = this.seqs[i]!;
      if (bSeq >= upper) break;
      if (this.uppers[i]! > seq) compareBlock(bSeq, this.uppers[i]!, this.datas[i]!, seq, upper, data, offset, sink);
    }
  }
}

/** Reports the overlap of block [bSeq, bUpper) (bytes `kept`) with the new [seq, upper) when their bytes differ (Zeek's TCP_Reassembler::Overlap). */
function compareBlock(
  bSeq: number,
  bUpper: number,
  kept: Uint8Array,
  seq: number,
  upper: number,
  data: Uint8Array,
  offset: number,
  sink: ReassemblerSink,
): void {
  const from = Math.max(bSeq, seq);
  const to = Math.min(bUpper, upper);
  const oldAt = from - bSeq;
  const newAt = offset + (from - seq);
  const len = to - from;
  if (!sameBytes(kept, oldAt, data, newAt, len)) sink.inconsistency(kept.slice(oldAt, oldAt + len), data.slice(newAt, newAt + len));
}

function sameBytes(a: Uint8Array, aAt: number, b: Uint8Array, bAt: number, len: number): boolean {
  for (let k = 0; k < len; k++) if (a[aAt + k] !== b[bAt + k]) return false;
  return true;
}
