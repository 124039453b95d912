/**
 * The TCP analyzer (Zeek's TCPSessionAdapter): a connection with two TcpEndpoints, processing each
 * segment in Zeek's order (TCPSessionAdapter::DeliverPacket), with the endpoint state machine
 * (TCPSessionAdapter::UpdateStateMachine), history letters (Connection::CheckHistory), closing logic (TCPSessionAdapter::ConnectionClosed), timers (TCPSessionAdapter's timers) and the
 * analyzer side of reassembly (ACK-revealed gaps, EOF, deferred close, Zeek's TCP_Reassembler).
 *
 * Per-packet work reads the segment by index and allocates nothing unless a
 * script handles a per-packet event (tcp_packet, tcp_option…).
 */

import type { EventName } from "../../event/events.js";
import { TcpState, type Transport } from "../../event/records.js";
import { u16 } from "../../packet/bytes.js";
import { transportChecksumRejected } from "../../packet/checksum.js";
import { IPPROTO_TCP } from "../../packet/ip-protocols.js";
import type { Packet } from "../../packet/packet.js";
import { Conn, RECORD_FRESH, RECORD_PINNED, type SessionServices, SUBCLASS_FLAGS } from "../../session/connection.js";
import { TimerKind } from "../../session/timers.js";
import { ConnStreams } from "../app/conn-streams.js";
import { appRegistryOf } from "../app/registry.js";
import { TcpEndpoint } from "./endpoint.js";
import { parseSynOptions, reportOptions, SynOptions } from "./options.js";
import { Reassembler } from "./reassembler.js";
import { TcpStatsEndpoint } from "./tcp-stats.js";

export const TH_FIN = 0x01;
export const TH_SYN = 0x02;
export const TH_RST = 0x04;
export const TH_PUSH = 0x08;
export const TH_ACK = 0x10;
export const TH_URG = 0x20;

const TCP_FIXED_HEADER = 20;

// TcpConn's flags, in Conn.flags from SUBCLASS_FLAGS on.
const IS_ACTIVE = SUBCLASS_FLAGS;
const SEEN_FIRST_ACK = SUBCLASS_FLAGS << 1;
const IS_PARTIAL = SUBCLASS_FLAGS << 2;
const SEEN_ORIG_PACKET = SUBCLASS_FLAGS << 3;
const SEEN_RESP_PACKET = SUBCLASS_FLAGS << 4;
const CLOSE_DEFERRED = SUBCLASS_FLAGS << 5;
const DEFERRED_GEN_EVENT = SUBCLASS_FLAGS << 6;
/** Roles flipped an odd number of times since packets were analysed (TCPSTATS reports through the creation-time endpoints). */
const FLIPPED_SINCE_START = SUBCLASS_FLAGS << 7;
/** DPD ran and stopped with nothing else consuming the streams: they were let go, and no PIA starts again. */
const STREAMS_RELEASED = SUBCLASS_FLAGS << 8;
/**
 * The endpoints' states, as of this connection's last packet, keep the expire
 * timer from removing it (see mayExpire). Lets the timer, which fires every
 * tcp_session_timer for each idle connection, skip reading both endpoints
 * (cache misses); cleared whenever a state changes.
 */
const EXPIRY_BLOCKED = SUBCLASS_FLAGS << 9;
/** A hole in either side's stream was acked (Zeek's TCP_Reassembler had_gap, of either endpoint). */
const HAD_GAP = SUBCLASS_FLAGS << 10;
/** Zeek's TCPSessionAdapter `reassembling`: new_connection_contents was raised. */
const REASSEMBLING = SUBCLASS_FLAGS << 11;
/** Sequence jumps larger than this in SYN/RST packets are not trusted (Zeek's TOO_LARGE_SEQ_DELTA). */
const TOO_LARGE_SEQ_DELTA = 1048576;
const MAX_WINDOW_SCALE = 14;

// History bits ("once" letters); the responder's are shifted left by 16 (Zeek's masks).
const HIST_SYN_PKT = 0x1;
const HIST_FIN_PKT = 0x2;
const HIST_RST_PKT = 0x4;
const HIST_FIN_RST_PKT = 0x8;
const HIST_DATA_PKT = 0x10;
const HIST_ACK_PKT = 0x20;
const HIST_MULTI_FLAG_PKT = 0x40;

const { INACTIVE, SYN_SENT, SYN_ACK_SENT, PARTIAL, ESTABLISHED, CLOSED, RESET } = TcpState;

/**
 * Per-packet working state, shared by all connections (one packet is
 * analysed at a time): kept out of the connection objects to keep them small.
 */
const scratch = {
  /** Flags of the packet being processed (for rexmit_inconsistency). */
  flags: 0,
  /** Set by relativeSeq when the value lies before the endpoint's ISN. */
  underflow: false,
  /** The state machine asks for ConnectionClosed, and whether it reports. */
  doClose: false,
  genEvent: false,
};

/** The options of the SYN being processed (one SYN is analysed at a time). */
const synOptions = new SynOptions();

/** The responder's form of a history letter, without allocating a string per packet. */
const LOWER: Readonly<Record<string, string>> = { S: "s", H: "h", A: "a", D: "d", F: "f", R: "r", I: "i", Q: "q" };

function lower(code: string): string {
  return LOWER[code] ?? code.toLowerCase();
}

/** Still in the handshake phase (for the inactivity-timeout switch). */
function inHandshake(s: number): boolean {
  return s === INACTIVE || s === SYN_SENT || s === SYN_ACK_SENT;
}

/** A big-endian 32-bit field as int32 (a sequence number kept unboxed). */
function s32(d: Uint8Array, i: number): number {
  return (d[i]! << 24) | (d[i + 1]! << 16) | (d[i + 2]! << 8) | d[i + 3]!;
}

/** Zeek's seq_delta: signed 32-bit difference. */
function seqDelta(a: number, b: number): number {
  return (a - b) | 0;
}

/** a ∈ [low, high] in circular 32-bit space (Zeek's seq_between). */
function seqBetween(a: number, low: number, high: number): boolean {
  return seqDelta(high, low) >= 0 ? seqDelta(a, low) >= 0 && seqDelta(high, a) >= 0 : seqDelta(a, low) >= 0 || seqDelta(high, a) >= 0;
}

/**
 * Zeek's WantConnection for TCP (Connection::FlipRoles): null when no state may be created
 * for this first packet, else whether to flip roles at creation.
 */
export function tcpWantsConnection(ctx: SessionServices, pkt: Packet, sport: number, dport: number): boolean | null {
  const flags = pkt.data[pkt.l4Offset + 13]!;
  if ((flags & TH_SYN) !== 0 && (flags & TH_ACK) === 0) return false;
  if (!ctx.settings.partial_connection_ok) return null;
  if ((flags & TH_SYN) !== 0 && !ctx.settings.tcp_SYN_ack_ok) return null;
  const lsp = ctx.serverPorts.tcp;
  if (lsp[sport] !== 1) return false;
  if (lsp[dport] === 1) return (flags & TH_SYN) === 0 && sport < dport;
  return true;
}

/**
 * The responder of every connection it has not answered yet (a SYN flood's
 * millions): one shared INACTIVE endpoint, replaced by the connection's own
 * before anything is written to it (its first packet, an ACK or window scale
 * from the originator that sets it up, a flip).
 *
 * Not frozen: a frozen object has a map of its own, so every site that reads
 * endpoints saw two TcpEndpoint maps, and those that read every transport's
 * (conn.log's counters) five, past what an inline cache keeps. The tests
 * check instead, after whole corpora, that nothing was written to it
 * (silentResponderIntact): a missed write would reach every such connection.
 */
const SILENT_RESPONDER = new TcpEndpoint(null as unknown as TcpConn, false);

/** Whether the shared silent responder still holds what a new endpoint holds (for tests, after running traces). */
export function silentResponderIntact(): boolean {
  const fresh = Object.entries(new TcpEndpoint(null as unknown as TcpConn, false));
  const shared = new Map(Object.entries(SILENT_RESPONDER));
  return fresh.length === shared.size && fresh.every(([k, v]) => shared.has(k) && Object.is(shared.get(k), v));
}

export class TcpConn extends Conn<TcpEndpoint> {
  get transport(): Transport {
    return "tcp";
  }
  /** Consumers of the reassembled streams (app analyzers, contents files); null for most connections. */
  streams: ConnStreams | null = null;
  /**
   * The first of the analyzer ids (Zeek's aid) this connection took at its
   * creation, its session adapter's: its port analyzers, made at the first
   * payload, get the ones after the PIA's (0 without an application layer).
   */
  private firstAid = 0;

  // Flags (in Conn.flags): is_active, seen_first_ACK, is_partial, first_packet_seen (2 bits), close_deferred, deferred_gen_event.
  private flag(bit: number): boolean {
    return (this.flags & bit) !== 0;
  }

  private setFlag(bit: number, v: boolean): void {
    this.flags = v ? this.flags | bit : this.flags & ~bit;
  }

  get isActive(): boolean {
    return this.flag(IS_ACTIVE);
  }
  set isActive(v: boolean) {
    this.setFlag(IS_ACTIVE, v);
  }
  get seenFirstAck(): boolean {
    return this.flag(SEEN_FIRST_ACK);
  }
  set seenFirstAck(v: boolean) {
    this.setFlag(SEEN_FIRST_ACK, v);
  }
  get isPartial(): boolean {
    return this.flag(IS_PARTIAL);
  }
  /** For the application analyzers (AnalyzerHost.sideClosed): the side's endpoint is or was CLOSED. */
  sideClosed(isOrig: boolean): boolean {
    const ep = isOrig ? this.orig : this.resp;
    return ep.state === CLOSED || ep.prevState === CLOSED;
  }
  /** For the application analyzers (AnalyzerHost.tcpState): the side's endpoint state and the one before it. */
  tcpState(isOrig: boolean): readonly [state: number, prevState: number] {
    const ep = isOrig ? this.orig : this.resp;
    return [ep.state, ep.prevState];
  }
  /**
   * For the application analyzers (AnalyzerOwner.incomplete): partial, or a
   * content gap on either side so far, when Zeek's TCP application analyzers
   * drop their violations (TCP_ApplicationAnalyzer::AnalyzerViolation).
   */
  incomplete(): boolean {
    return this.flag(IS_PARTIAL | HAD_GAP);
  }
  set isPartial(v: boolean) {
    this.setFlag(IS_PARTIAL, v);
  }
  get closeDeferred(): boolean {
    return this.flag(CLOSE_DEFERRED);
  }
  set closeDeferred(v: boolean) {
    this.setFlag(CLOSE_DEFERRED, v);
  }
  get deferredGenEvent(): boolean {
    return this.flag(DEFERRED_GEN_EVENT);
  }
  set deferredGenEvent(v: boolean) {
    this.setFlag(DEFERRED_GEN_EVENT, v);
  }

  constructor(ctx: SessionServices, pkt: Packet, sport: number, dport: number) {
    super(ctx, IPPROTO_TCP, pkt, sport, dport, false, null as unknown as TcpEndpoint, null as unknown as TcpEndpoint);
    this.flags |= IS_ACTIVE;
    this.orig = new TcpEndpoint(this, true);
    this.resp = SILENT_RESPONDER;
  }

  /** The responder's own endpoint, made now if it was still the shared silent one. */
  private responder(): TcpEndpoint {
    if (this.resp === SILENT_RESPONDER) this.resp = this.ownEndpoint(this.orig, false);
    return this.resp;
  }

  /** An endpoint for the side that was silent, with the window baseline `other`'s SYN left for it. */
  private ownEndpoint(other: TcpEndpoint, isOrig: boolean): TcpEndpoint {
    const ep = new TcpEndpoint(this, isOrig);
    if (other.peerWindowPending) {
      other.peerWindowPending = false;
      ep.windowSeq = other.windowAckSeq;
      ep.windowAckSeq = other.windowSeq;
    }
    return ep;
  }

  /** Analyzer setup at creation: expire timer, status timer, inactivity (the udp value: TCPSessionAdapter's timers). */
  init(): void {
    const ctx = this.ctx;
    ctx.schedule(this, TimerKind.TCP_EXPIRE, ctx.clock.now + ctx.settings.tcp_SYN_timeout, false);
    this.enableStatusUpdateTimer();
    this.setInactivityTimeout(ctx.settings.udp_inactivity_timeout);
    if (this.reassemblesFromStart()) this.reassemblyOn();
    // Analyzers by expectation and port, and the PIA, wait for the first
    // payload (newReassembler): Zeek builds the tree at creation, but an
    // analyzer sees nothing before data, so a connection that never carries
    // any (a SYN flood on port 80) costs nothing. An expected connection
    // (FTP data, IRC DCC) is the exception: Zeek applies the scheduled
    // analyzer at creation and scripts name the service from that
    // (scheduled_analyzer_applied), payload or not.
    // Zeek numbers its analyzers as it makes them, all at creation: their ids
    // are taken now, whenever they are made.
    const registry = appRegistryOf(ctx);
    if (registry?.mayExpect(this.respPort) === true && registry.hasExpected(this.origAddrText(), this.respAddrText(), this.respPort, "tcp", ctx.clock.now)) {
      const streams = this.openStreams();
      this.firstAid = streams.buildFromPorts(this, this.respPort, ctx.clock.now);
      streams.startPia();
    } else if (registry !== undefined) this.firstAid = registry.reserveConnectionIds(this.respPort, false);
    if (registry?.connSize === false) this.withoutConnSize();
  }

  /**
   * Zeek's TCPSessionAdapter::AddExtraAnalyzers: the stream is reassembled
   * from the start with dpd_reassemble_first_packets (Zeek's default), with
   * an analyzer by port or expectation, or for tcp_contents' deliveries;
   * otherwise once DPD starts an analyzer (reassemblyOn). bronze's DPD reads
   * the reassembled stream either way; what follows the setting is when
   * reassembly counts as on: new_connection_contents.
   */
  private reassemblesFromStart(): boolean {
    const s = this.ctx.settings;
    if (s.dpd_reassemble_first_packets || s.tcp_content_deliver_all_orig || s.tcp_content_deliver_all_resp) return true;
    const port = this.respPort;
    if (this.ctx.bus.wants.tcp_contents && (s.tcp_content_delivery_ports_orig.has(port) || s.tcp_content_delivery_ports_resp.has(port))) return true;
    const registry = appRegistryOf(this.ctx);
    if (registry === undefined) return false;
    if (registry.analyzesPort(port, false)) return true;
    return registry.mayExpect(port) && registry.hasExpected(this.origAddrText(), this.respAddrText(), port, "tcp", this.ctx.clock.now);
  }

  /** Reassembly is on (Zeek's EnableReassembly): new_connection_contents, once. */
  reassemblyOn(): void {
    if (this.flag(REASSEMBLING)) return;
    this.setFlag(REASSEMBLING, true);
    this.event("new_connection_contents");
  }

  override rootAnalyzerId(): number {
    return this.firstAid;
  }

  protected override connSizeIdAtCreation(): number {
    const registry = appRegistryOf(this.ctx);
    if (registry === undefined || this.firstAid === 0) return 0;
    return registry.connSizeId(this.firstAid, this.flag(FLIPPED_SINCE_START) ? this.origPort : this.respPort, false);
  }

  /** The application analyzers of this connection, if any (see analyzer/app/tree.ts). */
  override appTree(): ConnStreams | null {
    return this.streams;
  }

  /**
   * A script asks for the analyzers (lookup_connection_analyzer_id,
   * disable_analyzer) before the first payload built them: Zeek has them
   * from the connection's creation, so they are built now.
   */
  override scriptTree(): ConnStreams | null {
    if (this.streams === null && !this.flag(STREAMS_RELEASED)) this.buildTree();
    return this.streams;
  }

  /**
   * A flip after creation (SYN-ACK first, then the SYN): the analyzers
   * scheduled for the new orientation start now, on the tree Zeek built at
   * creation (built here if it was waiting for payload), with new ids.
   */
  protected override applyScheduledOnFlip(): void {
    // A flip at creation comes before Zeek has a session adapter to attach to: nothing then.
    if (!this.flag(SEEN_ORIG_PACKET) && !this.flag(SEEN_RESP_PACKET)) return;
    const registry = appRegistryOf(this.ctx);
    if (registry === undefined || !registry.mayExpect(this.respPort) || this.flag(STREAMS_RELEASED)) return;
    const expected = registry.takeExpected(this.origAddrText(), this.respAddrText(), this.respPort, "tcp", this.ctx.clock.now);
    if (expected.length === 0) return;
    const streams = this.scriptTree() ?? this.openStreams();
    streams.applyScheduled(expected);
  }

  /** The analyzers by expectation and port, then DPD (Zeek's tree, built when first needed). */
  private buildTree(): void {
    const registry = appRegistryOf(this.ctx);
    // Zeek builds the tree at creation: a connection flipped since (SYN-ACK
    // first, then the client's ACK) keeps the analyzers of its first
    // responder port (IRC on a client's 6669, SOCKS on its 1080).
    const port = this.flag(FLIPPED_SINCE_START) ? this.origPort : this.respPort;
    if (registry?.wantsConnection(port, false)) {
      const streams = this.openStreams();
      streams.buildFromPorts(this, port, this.ctx.clock.now, this.firstAid);
      streams.startPia();
    } else if (registry?.signaturesFor(false) != null || registry?.streamTap != null) this.openStreams().startPia();
  }

  /** The stream consumers, created on first need: from then on this connection's reassemblers keep payload. */
  openStreams(): ConnStreams {
    if (this.streams !== null) return this.streams;
    this.streams = new ConnStreams(this, appRegistryOf(this.ctx) ?? null);
    for (const r of [this.orig.reasm, this.resp.reasm]) {
      if (r === null || r.keepBytes) continue;
      r.keepBytes = true;
      r.keepDeliveredBytes = false; // copying delivered data only serves rexmit_inconsistency
    }
    return this.streams;
  }

  protected endpointSize(ep: TcpEndpoint): number {
    return ep.size();
  }

  protected endpointState(ep: TcpEndpoint): number {
    return ep.state;
  }

  protected override onFlip(): void {
    // The silent responder became the originator: it gets its own endpoint.
    if (this.orig === SILENT_RESPONDER) this.orig = this.ownEndpoint(this.resp, true);
    this.orig.isOrig = true;
    this.resp.isOrig = false;
    // A flip at creation comes before any packet is analysed: only later flips change what TCPSTATS reports.
    if (!this.flag(SEEN_ORIG_PACKET) && !this.flag(SEEN_RESP_PACKET)) return;
    this.flags ^= FLIPPED_SINCE_START;
    // Zeek's adapter forgets partiality on a flip (TCPSessionAdapter::FlipRoles):
    // a SYN-ACK-first connection flipped by its first ACK is analysed as whole.
    this.isPartial = false;
    // TCPSTATS keeps its state per role, not per endpoint: give each role its state back.
    const o = this.orig.extIfAny;
    const r = this.resp.extIfAny;
    if (o?.stats || r?.stats) {
      const stats = this.orig.ext().stats;
      this.orig.ext().stats = this.resp.ext().stats;
      this.resp.ext().stats = stats;
    }
  }

  /** Zeek's CheckFlowLabel; a label from the silent responder gives it its own endpoint first. */
  override checkFlowLabel(isOrig: boolean, label: number): void {
    this.setFlowLabel(isOrig ? this.orig : label !== 0 ? this.responder() : this.resp, isOrig, label);
  }

  bothClosed(): boolean {
    return this.orig.didClose && this.resp.didClose;
  }

  // ---------------------------------------------------------------- reuse (Connection::IsReuse)

  /** Whether `pkt` starts a new connection on this 5-tuple (raises the reuse weirds on this one). */
  isReuse(pkt: Packet): boolean {
    const d = pkt.data;
    const off = pkt.l4Offset;
    if (d[off + 12]! >> 4 < 5) return false;
    const flags = d[off + 13]!;
    if ((flags & TH_SYN) === 0) return false;
    let connOrig = this.orig;
    if ((flags & TH_ACK) !== 0) {
      if (this.orig.state !== INACTIVE) return false;
      connOrig = this.resp;
    }
    const orig = this.orig;
    const resp = this.resp;
    if (!orig.didClose && !resp.didClose) {
      const seq = s32(d, off + 4);
      if (seq === connOrig.start32) return false;
      if ((flags & TH_ACK) === 0 && connOrig.state === SYN_ACK_SENT && resp.state === INACTIVE && seq === resp.start32) return false;
      this.weird(connOrig.state === SYN_SENT ? "SYN_seq_jump" : "active_connection_reuse", "", "TCP");
    } else if ((orig.isActive() || resp.isActive()) && orig.state !== RESET && resp.state !== RESET) {
      this.weird("active_connection_reuse", "", "TCP");
    } else if (pkt.ts - this.lastTime < this.ctx.settings.tcp_connection_linger && orig.state !== RESET && resp.state !== RESET) {
      this.weird("premature_connection_reuse", "", "TCP");
    }
    return true;
  }

  // ---------------------------------------------------------------- per packet (TCPSessionAdapter::DeliverPacket)

  deliver(pkt: Packet, isOrig: boolean): void {
    const d = pkt.data;
    const off = pkt.l4Offset;
    const hdrLen = (d[off + 12]! >> 4) * 4;
    const ctx = this.ctx;
    if (hdrLen < TCP_FIXED_HEADER) {
      ctx.packetUse.whole(); // rejected packets are kept as evidence
      this.weird("bad_TCP_header_len", "", "TCP");
      return;
    }
    if (hdrLen > pkt.l4Len || hdrLen > pkt.l4CapLen) {
      ctx.packetUse.whole();
      this.weird("truncated_header", "", "TCP");
      return;
    }
    if (ctx.bus.wants.packet_contents) this.packetContents(pkt, off);
    const flags = d[off + 13]!;
    // Packets of the responder, the originator's ACKs (they set the responder's numbers up), and
    // after a window-scale SYN anything but a SYN (it may move the baseline the responder takes) need its own endpoint.
    if (this.resp === SILENT_RESPONDER && (!isOrig || (flags & TH_ACK) !== 0 || (this.orig.peerWindowPending && (flags & TH_SYN) === 0))) {
      this.responder();
    }
    const ep = isOrig ? this.orig : this.resp;
    const peer = ep.peer;
    if (transportChecksumRejected(pkt, ctx.settings)) {
      // Whole: header-only, a re-read could not check the sum (and would not add the C letter).
      ctx.packetUse.whole();
      this.weird("bad_TCP_checksum", "", "TCP");
      ep.checksumError();
      return;
    }
    const t = pkt.ts;
    const len = pkt.l4Len - hdrLen;
    const capLen = pkt.l4CapLen - hdrLen;
    const syn = (flags & TH_SYN) !== 0;
    const fin = (flags & TH_FIN) !== 0;
    const rst = (flags & TH_RST) !== 0;
    const ackFlag = (flags & TH_ACK) !== 0;
    // Sequence numbers as int32 throughout: unboxed in V8 (a uint32 above 2^31 would be a heap number).
    const seq = s32(d, off + 4);
    const ackSeq = s32(d, off + 8);
    scratch.flags = flags;

    // Partial: a side whose first packet is not a plain SYN joined mid-stream.
    if (isOrig) {
      if (!this.flag(SEEN_ORIG_PACKET)) {
        this.setFlag(SEEN_ORIG_PACKET, true);
        this.isPartial = !syn || ackFlag;
      }
    } else if (!this.flag(SEEN_RESP_PACKET)) {
      this.setFlag(SEEN_RESP_PACKET, true);
      if (!this.isPartial) this.isPartial = !syn;
    }

    // Sequence-space length: SYN and FIN take one number each; a RST's payload is not part of the stream.
    let segLen = len + (syn ? 1 : 0) + (fin ? 1 : 0);
    if (rst) segLen -= len;
    const endSeq = (seq + segLen) | 0;

    // The sender's initial numbers on its first packet, then this segment's relative seq.
    this.initEndpoint(ep, flags, seq, endSeq);
    const relSeq = this.relativeSeq(ep, seq, ep.last32, ep.seqWraps);
    const seqUnderflow = scratch.underflow;
    if (seqUnderflow && !rst) this.weird("TCP_seq_underflow_or_misorder", "", "TCP");

    // History letters, the window, and the connection's last time (frozen once both sides closed).
    this.updateHistory(flags, ep, relSeq, len);
    this.updateWindow(ep, u16(d, off + 14), seq, ackSeq, flags);
    if (!this.orig.didClose || !this.resp.didClose) this.setLastTime(pkt);

    // SYN checks and events; FIN and RST counts with their storm weirds.
    if (syn) this.processSyn(pkt, hdrLen, ep, peer, isOrig, flags, len, seq, ackSeq);
    if (fin) {
      const ext = ep.ext();
      ext.finCnt++;
      if (ep.finCnt >= ctx.settings.tcp_storm_thresh && t < ext.lastTime + ctx.settings.tcp_storm_interarrival_thresh) this.weird("FIN_storm", "", "TCP");
      ext.finSeq = relSeq + segLen;
      if (ep.reasm !== null && ext.finSeq > 0) ep.reasm.finSeq = ext.finSeq;
    }
    if (rst) {
      const ext = ep.ext();
      ext.rstCnt++;
      if (ext.rstCnt >= ctx.settings.tcp_storm_thresh && t < ext.lastTime + ctx.settings.tcp_storm_interarrival_thresh) this.weird("RST_storm", "", "TCP");
      this.streams?.packetWithRst();
    }

    // ACK: first ACK event, the silent peer's numbers, the peer's acked seq.
    let relAck = 0;
    if (ackFlag) {
      if (isOrig && !this.seenFirstAck && (ep.state === ESTABLISHED || ep.state === SYN_SENT)) {
        this.seenFirstAck = true;
        this.event("connection_first_ACK");
      }
      if (peer.state === INACTIVE) {
        relAck = 1;
        this.initPeer(peer, ep, flags, ackSeq);
      } else {
        relAck = this.relativeSeq(peer, ackSeq, peer.ack32, peer.ackWraps);
        if (scratch.underflow) {
          relAck = 0;
          this.weird("TCP_ack_underflow_or_misorder", "", "TCP");
        } else if (!rst) {
          const deltaAck = seqDelta(ackSeq, peer.ack32);
          // An ack of 0 far ahead is more likely broken than a wrap landing on 0.
          if (!(ackSeq === 0 && deltaAck > TOO_LARGE_SEQ_DELTA) && deltaAck > 0) peer.updateAckSeq(ackSeq);
        }
      }
    }

    // The sender's highest sequence number so far.
    const deltaLast = this.updateLastSeq(ep, endSeq, flags, len);
    // The endpoint's last time only matters for FIN/RST storms: kept once those started.
    const epExt = ep.extIfAny;
    if (epExt !== null) epExt.lastTime = t;

    // The endpoint state machine: its events, and whether this packet closes a side.
    scratch.doClose = false;
    scratch.genEvent = false;
    this.updateStateMachine(pkt, ep, peer, seq, ackSeq, len, deltaLast, isOrig, flags);
    const doClose = scratch.doClose;
    const genEvent = scratch.genEvent;

    // The ACK tells the peer's reassembler what was received: gaps and deferred deliveries.
    if (ackFlag) this.ackReceived(peer, relAck);

    // Per-packet events, only when handled.
    const bus = ctx.bus;
    if (bus.wants.tcp_packet) {
      if (len > 0) ctx.packetUse.whole(); // recording (-w): a handler took the payload
      bus.queue(
        "tcp_packet",
        this.val(),
        isOrig,
        flagString(flags),
        relSeq,
        ackFlag ? relAck : 0,
        len,
        d.slice(off + hdrLen, off + hdrLen + Math.max(0, Math.min(len, capLen))),
      );
    }
    if ((bus.wants.tcp_option || bus.wants.tcp_options) && hdrLen > TCP_FIXED_HEADER) this.optionEvents(d, off, hdrLen, isOrig);

    // Payload to reassembly (not a RST's, not one behind an underflow).
    if (len > 0 && !rst && !seqUnderflow) {
      if (capLen >= len) {
        const r = ep.reassembler();
        const streams = this.streams;
        const taken = streams === null ? 0 : streams.deliveriesTaken;
        // While the segment's payload goes to the stream consumers nothing the record shows
        // but the history changes (the packet's numbers were taken before, its counts come
        // after): their events, often several a segment, refresh the record once (see val).
        this.flags |= RECORD_PINNED;
        try {
          r.dataSent(syn ? relSeq + 1 : relSeq, d, off + hdrLen, len);
        } finally {
          this.flags &= ~(RECORD_PINNED | RECORD_FRESH);
        }
        // Recording (-w): whole when someone takes this side's payload (or just
        // took it: DPD may stop with this very packet); otherwise the packet
        // served SYN/FIN/RST/ACK processing and its headers suffice.
        if (this.payloadTaken(isOrig) || (streams !== null && streams.deliveriesTaken !== taken)) ctx.packetUse.whole();
      } else this.weird("truncated_tcp_payload", "", "TCP");
    }

    // End of a side's data, then the close the state machine asked for.
    this.checkEOF(ep);
    if (doClose) this.connectionClosed(ep, peer, genEvent);

    // Packet analyzers: ConnSize (by the sender's current role), TCPSTATS when asked for.
    this.countPacket(ep, pkt);
    // TCPSTATS sees only the captured payload: a segment cut by the snaplen counts as its captured bytes.
    if (bus.wants.tcp_rexmit) this.rexmitCheck(pkt, ep, syn ? relSeq + 1 : relSeq, Math.min(capLen, len));
    this.setFlag(EXPIRY_BLOCKED, !this.mayExpire());
  }

  /** init_endpoint (TCPSessionAdapter::DeliverPacket). */
  private initEndpoint(ep: TcpEndpoint, flags: number, seq: number, endSeq: number): void {
    const syn = (flags & TH_SYN) !== 0;
    switch (ep.state) {
      case INACTIVE:
        if (syn) ep.initSeqs(seq, endSeq);
        else ep.initSeqs((seq - 1) | 0, seq);
        break;
      case SYN_SENT:
      case SYN_ACK_SENT:
        if (syn && seq !== ep.start32) {
          this.weird("SYN_seq_jump"); // the endpoint's weirds are the connection's (source "-")
          ep.initSeqs(seq, endSeq);
        }
        break;
      case ESTABLISHED:
      case PARTIAL:
        if (syn) {
          if (ep.size() > 0) this.weird("SYN_inside_connection");
          if (seq !== ep.start32) this.weird("SYN_seq_jump");
          ep.initSeqs(seq, endSeq);
        }
        break;
      case RESET:
        if (syn && ep.prevState === INACTIVE) ep.initSeqs(seq, endSeq);
        break;
    }
  }

  /** init_peer: a silent peer's numbers come from the ACK (TCPSessionAdapter::DeliverPacket). */
  private initPeer(peer: TcpEndpoint, ep: TcpEndpoint, flags: number, ackSeq: number): void {
    if ((flags & (TH_SYN | TH_FIN | TH_RST)) === 0 && (ep.state === SYN_SENT || ep.state === SYN_ACK_SENT || ep.state === ESTABLISHED)) {
      if (!this.didWeird) this.weird("possible_split_routing");
    }
    const v = (ackSeq - 1) | 0;
    peer.initSeqs(v, v);
  }

  /** get_relative_seq (TCPSessionAdapter::DeliverPacket) on int32 `cur`/`last` (compared as uint32); sets `underflow`. */
  private relativeSeq(ep: TcpEndpoint, cur: number, last: number, wraps: number): number {
    scratch.underflow = false;
    const delta = seqDelta(cur, last);
    if (delta < 0) {
      if (wraps > 0 && cur >>> 0 > last >>> 0) wraps--;
    } else if (delta > 0) {
      if (cur >>> 0 < last >>> 0) wraps++;
    }
    if (wraps === 0) {
      const rel = seqDelta(cur, ep.start32);
      if (rel < 0) scratch.underflow = true;
      return rel;
    }
    return wraps * 4294967296 + (cur >>> 0) - ep.startSeq;
  }

  /** update_last_seq (TCPSessionAdapter::DeliverPacket); returns the delta before the update. */
  private updateLastSeq(ep: TcpEndpoint, endSeq: number, flags: number, len: number): number {
    const delta = seqDelta(endSeq, ep.last32);
    if ((flags & (TH_SYN | TH_RST)) !== 0 && (delta > TOO_LARGE_SEQ_DELTA || delta < -TOO_LARGE_SEQ_DELTA)) {
      // ignore
    } else if ((flags & TH_FIN) !== 0 && ep.last32 >>> 0 === ep.startSeq + 1) {
      ep.updateLastSeq(endSeq);
    } else if (ep.state === RESET) {
      // numbers after a RST are not trusted
    } else if (delta > 0) {
      ep.updateLastSeq(endSeq);
    } else if (len > 0) {
      ep.didRxmit();
    }
    return delta;
  }

  // ---------------------------------------------------------------- history (Connection::CheckHistory)

  private updateHistory(flags: number, ep: TcpEndpoint, relSeq: number, len: number): void {
    const syn = (flags & TH_SYN) !== 0;
    const fin = (flags & TH_FIN) !== 0;
    const rst = (flags & TH_RST) !== 0;
    const bits = (syn ? 1 : 0) + (fin ? 1 : 0) + (rst ? 1 : 0);
    const rel = relSeq >>> 0;
    if (bits > 1) {
      if (fin && rst) this.epCheckHistory(ep, HIST_FIN_RST_PKT, "I");
      else this.epCheckHistory(ep, HIST_MULTI_FLAG_PKT, "Q");
    } else if (bits === 1) {
      if (syn) {
        const code = (flags & TH_ACK) !== 0 ? "H" : "S";
        if (this.epCheckHistory(ep, HIST_SYN_PKT, code) && rel !== ep.histLastSyn) this.epAddHistory(ep, code);
        ep.histLastSyn = rel;
      }
      if (fin) {
        const finRel = (rel + len) >>> 0;
        const ext = ep.ext();
        if (this.epCheckHistory(ep, HIST_FIN_PKT, "F") && finRel !== ext.histLastFin) this.epAddHistory(ep, "F");
        ext.histLastFin = finRel;
      }
      if (rst) {
        const ext = ep.ext();
        if (this.epCheckHistory(ep, HIST_RST_PKT, "R") && rel !== ext.histLastRst) this.epAddHistory(ep, "R");
        ext.histLastRst = rel;
      }
    } else if (len > 0) {
      this.epCheckHistory(ep, HIST_DATA_PKT, "D");
    } else if ((flags & TH_ACK) !== 0) {
      this.epCheckHistory(ep, HIST_ACK_PKT, "A");
    }
  }

  /** TCP_Endpoint::CheckHistory, with the SYN-ACK-first flip (Connection::FlipRoles) before A/D letters. */
  private epCheckHistory(ep: TcpEndpoint, mask: number, code: string): boolean {
    if ((code === "A" || code === "D") && this.history === "H") {
      this.flipRoles();
      this.history = "^h";
    }
    if (!ep.isOrig) mask <<= 16;
    // Most packets repeat a letter already recorded: answer before making the lower-case one.
    if ((this.histSeen & mask) !== 0) return true;
    return this.checkHistory(mask, ep.isOrig ? code : lower(code));
  }

  private epAddHistory(ep: TcpEndpoint, code: string): void {
    this.addHistory(ep.isOrig ? code : lower(code));
  }

  /** A scaled letter reached its threshold: record it, and the tcp_multiple_* event past 1. */
  scaledLetter(
    threshold: number,
    letter: string,
    event: EventName & ("tcp_multiple_checksum_errors" | "tcp_multiple_retransmissions" | "tcp_multiple_zero_windows" | "tcp_multiple_gap"),
    isOrig: boolean,
  ): void {
    if (threshold === 0) return;
    this.addHistory(letter);
    if (threshold > 1 && this.ctx.bus.has(event)) this.ctx.bus.queue(event, this.val(), isOrig, threshold);
  }

  // ---------------------------------------------------------------- window (TCPSessionAdapter::DeliverPacket)

  private updateWindow(ep: TcpEndpoint, rawWindow: number, seq: number, ackSeq: number, flags: number): void {
    const scale = ep.windowScale;
    const window = (rawWindow << scale) >>> 0;
    const rst = (flags & TH_RST) !== 0;
    if (window === 0 && !rst && ep.peer.state !== CLOSED && ep.state !== RESET) ep.zeroWindow();
    if ((flags & (TH_SYN | TH_FIN | TH_RST)) === 0 && ep.state !== CLOSED && ep.state !== RESET) {
      if (seqDelta(seq, ep.windowSeq) >= 0 && seqDelta(ackSeq, ep.windowAckSeq) >= 0) {
        const newEdge = (ackSeq + window) >>> 0;
        const oldEdge = (ep.windowAckSeq + ep.window) >>> 0;
        const advance = seqDelta(newEdge, oldEdge);
        if (advance < 0 && -advance >= 1 << scale) this.weird("window_recision");
        ep.window = window;
        ep.windowAckSeq = ackSeq | 0;
        ep.windowSeq = seq | 0;
      }
    }
  }

  // ---------------------------------------------------------------- SYN (TCPSessionAdapter::DeliverPacket)

  private processSyn(
    pkt: Packet,
    hdrLen: number,
    ep: TcpEndpoint,
    peer: TcpEndpoint,
    isOrig: boolean,
    flags: number,
    len: number,
    seq: number,
    ackSeq: number,
  ): void {
    if ((flags & TH_RST) !== 0) this.weird("TCP_christmas", "", "TCP");
    if ((flags & TH_URG) !== 0) this.weird("baroque_SYN", "", "TCP");
    if (len > 0) this.weird("SYN_with_data", "", "TCP");
    const d = pkt.data;
    const off = pkt.l4Offset;
    const options = synOptions;
    parseSynOptions(d, off, hdrLen, options);
    let scale = options.winScale;
    if (scale < 0) {
      ep.windowScale = 0;
      if ((flags & TH_ACK) !== 0) peer.windowScale = 0;
    } else {
      if (scale > MAX_WINDOW_SCALE) {
        if (!this.didWeird) this.weird("TCP_scale_range", String(scale), "TCP");
        scale = MAX_WINDOW_SCALE;
      }
      ep.windowScale = scale;
      ep.windowSeq = seq | 0;
      ep.windowAckSeq = ackSeq | 0;
      // The peer's baseline is the same pair swapped; a silent responder takes it when it gets its own endpoint.
      if (peer === SILENT_RESPONDER) ep.peerWindowPending = true;
      else {
        peer.windowSeq = ackSeq | 0;
        peer.windowAckSeq = seq | 0;
      }
    }
    if (this.ctx.bus.wants.connection_SYN_packet) {
      this.ctx.bus.queue("connection_SYN_packet", this.val(), options.record(isOrig, pkt.df, pkt.ttl, pkt.ipTotalLen, u16(d, off + 14)));
    }
  }

  private optionEvents(d: Uint8Array, off: number, hdrLen: number, isOrig: boolean): void {
    const bus = this.ctx.bus;
    reportOptions(d, off, hdrLen, {
      option: bus.wants.tcp_option ? (kind, length) => bus.queue("tcp_option", this.val(), isOrig, kind, length) : undefined,
      options: bus.wants.tcp_options ? (list) => bus.queue("tcp_options", this.val(), isOrig, list) : undefined,
      weird: (name, addl) => this.weird(name, addl, "TCP"),
    });
  }

  // ---------------------------------------------------------------- state machine (TCPSessionAdapter::UpdateStateMachine)

  /** TCP_Endpoint::SetState, switching to tcp_inactivity_timeout when the handshake phase ends. */
  private setState(ep: TcpEndpoint, state: number): void {
    if (state === ep.state) return;
    this.flags &= ~(EXPIRY_BLOCKED | RECORD_FRESH);
    if (state !== SYN_SENT && state !== SYN_ACK_SENT && inHandshake(ep.state) && inHandshake(ep.peer.state)) {
      this.setInactivityTimeout(this.ctx.settings.tcp_inactivity_timeout);
    }
    ep.prevState = ep.state;
    ep.state = state;
  }

  private updateStateMachine(
    pkt: Packet,
    ep: TcpEndpoint,
    peer: TcpEndpoint,
    seq: number,
    ackSeq: number,
    len: number,
    deltaLast: number,
    isOrig: boolean,
    flags: number,
  ): void {
    switch (ep.state) {
      case INACTIVE:
        this.inactiveState(pkt, ep, peer, seq, ackSeq, len, isOrig, flags);
        break;
      case SYN_SENT:
      case SYN_ACK_SENT:
        this.synSentState(ep, peer, len, isOrig, flags);
        break;
      case ESTABLISHED:
      case PARTIAL:
        this.establishedState(ep, peer, flags);
        break;
      case CLOSED:
        this.closedState(pkt, ep, peer, deltaLast, flags);
        break;
      case RESET:
        if ((flags & TH_SYN) !== 0) this.weird("SYN_after_reset", "", "TCP");
        if ((flags & TH_FIN) !== 0) this.weird("FIN_after_reset", "", "TCP");
        if (len > 0 && (flags & TH_RST) === 0) this.weird("data_after_reset", "", "TCP");
        break;
    }
  }

  private inactiveState(pkt: Packet, ep: TcpEndpoint, peer: TcpEndpoint, seq: number, ackSeq: number, len: number, isOrig: boolean, flags: number): void {
    const syn = (flags & TH_SYN) !== 0;
    const ack = (flags & TH_ACK) !== 0;
    if (syn) {
      if (isOrig) {
        if (ack) {
          this.weird("connection_originator_SYN_ack", "", "TCP");
          this.setState(ep, SYN_ACK_SENT);
        } else this.setState(ep, SYN_SENT);
        const delay = this.ctx.settings.tcp_attempt_delay;
        if (delay > 0) this.ctx.schedule(this, TimerKind.TCP_ATTEMPT, pkt.ts + delay, true);
      } else {
        if (ack) {
          if (peer.state !== INACTIVE && peer.state !== PARTIAL && !seqBetween(ackSeq, peer.start32, peer.last32)) this.weird("bad_SYN_ack", "", "TCP");
        } else if (peer.state === SYN_ACK_SENT && seq === ep.start32) {
          // SYN and SYN-ACK seen in reverse order (Connection::FlipRoles).
          this.isPartial = false;
          this.flipRoles();
          this.setState(peer, ESTABLISHED);
        } else this.weird("simultaneous_open", "", "TCP");
        if (peer.state === SYN_SENT) this.setState(peer, ESTABLISHED);
        else if (peer.state === INACTIVE) this.weird("unsolicited_SYN_response", "", "TCP");
        this.setState(ep, ESTABLISHED);
        if (peer.state !== PARTIAL) {
          this.event("connection_established");
          this.enableStatusUpdateTimer();
        }
      }
    }
    if ((flags & TH_FIN) !== 0) {
      this.setState(ep, CLOSED);
      scratch.doClose = scratch.genEvent = true;
      if (peer.state !== PARTIAL && !syn) this.weird("spontaneous_FIN", "", "TCP");
    }
    if ((flags & TH_RST) !== 0) {
      this.setState(ep, RESET);
      const reject = isOrig ? peer.state === ESTABLISHED : peer.state === SYN_SENT || peer.state === SYN_ACK_SENT;
      scratch.doClose = true;
      scratch.genEvent = !reject;
      if (reject) this.event("connection_rejected");
      else if (peer.state === INACTIVE) this.weird("spontaneous_RST", "", "TCP");
    }
    if (ep.state === INACTIVE) {
      if (!isOrig && len === 0 && this.orig.state === SYN_SENT) {
        // An ACK before the SYN-ACK: not yet a partial connection.
      } else if (ack && peer.state === ESTABLISHED) {
        this.setState(ep, ESTABLISHED);
        this.isPartial = false;
      } else {
        this.setState(ep, PARTIAL);
        this.enableStatusUpdateTimer();
        if (peer.state === PARTIAL) this.event("partial_connection");
      }
    }
  }

  private synSentState(ep: TcpEndpoint, peer: TcpEndpoint, len: number, isOrig: boolean, flags: number): void {
    const syn = (flags & TH_SYN) !== 0;
    const ack = (flags & TH_ACK) !== 0;
    const fin = (flags & TH_FIN) !== 0;
    const rst = (flags & TH_RST) !== 0;
    if (syn) {
      if (isOrig) {
        if (ack && !fin && !rst && ep.state !== SYN_ACK_SENT) this.weird("repeated_SYN_with_ack", "", "TCP");
      } else if (!ack && ep.state !== SYN_SENT) this.weird("repeated_SYN_reply_wo_ack", "", "TCP");
    }
    if (fin) {
      if (peer.state === INACTIVE || peer.state === SYN_SENT) this.weird("inappropriate_FIN", "", "TCP");
      this.setState(ep, CLOSED);
      scratch.doClose = scratch.genEvent = true;
    }
    if (rst) {
      this.setState(ep, RESET);
      this.connectionReset();
      scratch.doClose = true;
    } else if (len > 0) this.weird("data_before_established", "", "TCP");
  }

  private establishedState(ep: TcpEndpoint, peer: TcpEndpoint, flags: number): void {
    const rst = (flags & TH_RST) !== 0;
    if ((flags & TH_SYN) !== 0 && ep.state === PARTIAL && peer.state === INACTIVE && (flags & TH_ACK) === 0) {
      this.weird("SYN_after_partial", "", "TCP");
      this.setState(ep, SYN_SENT);
    }
    if ((flags & TH_FIN) !== 0 && !rst) {
      this.setState(ep, CLOSED);
      // A FIN then RST from the peer was a normal close after all.
      if (peer.state === RESET && peer.prevState === CLOSED) this.setState(peer, CLOSED);
      scratch.doClose = scratch.genEvent = true;
    }
    if (rst) {
      this.setState(ep, RESET);
      scratch.doClose = true;
      if (peer.state !== RESET || peer.prevState !== ESTABLISHED) this.connectionReset();
    }
  }

  private closedState(pkt: Packet, ep: TcpEndpoint, peer: TcpEndpoint, deltaLast: number, flags: number): void {
    if ((flags & TH_SYN) !== 0) this.weird("SYN_after_close", "", "TCP");
    if ((flags & TH_FIN) !== 0 && deltaLast > 0) this.weird("FIN_advanced_last_seq", "", "TCP");
    if ((flags & TH_RST) !== 0 && peer.state !== CLOSED) {
      this.setState(ep, RESET);
      if (!ep.didClose) scratch.doClose = true;
      if (this.ctx.bus.wants.connection_reset) this.ctx.schedule(this, TimerKind.TCP_RESET, pkt.ts + this.ctx.settings.tcp_reset_delay, true);
    }
  }

  private connectionReset(): void {
    this.event("connection_reset");
    this.isActive = false;
  }

  // ---------------------------------------------------------------- reassembly glue (Zeek's TCP_Reassembler)

  newReassembler(ep: TcpEndpoint): Reassembler {
    // The first payload of either side: the analyzers by expectation and port, then DPD.
    if (this.streams === null && !this.flag(STREAMS_RELEASED)) this.buildTree();
    const bus = this.ctx.bus;
    const scripts = bus.wants.tcp_contents || bus.wants.rexmit_inconsistency;
    const r = new Reassembler(ep, this.ctx.settings, scripts || this.streams !== null);
    // Stream consumers need out-of-order blocks' bytes, not copies of what was delivered as it came.
    if (!scripts) {
      r.keepDeliveredBytes = false;
      // DPD alone reads only the start of each side (its buffer, plus the chunk that fills it).
      if (this.streams !== null && !this.streams.needsWholeStreams) r.keepBytesBelow = this.ctx.settings.dpd_buffer_size + 2;
    }
    if (ep.finCnt > 0 && ep.finSeq > 0) r.finSeq = ep.finSeq;
    return r;
  }

  /**
   * The stream consumers are all gone (DPD stopped, analyzers removed): the
   * reassemblers stop copying payload, unless scripts still want it.
   */
  /** An analyzer or contents file joined DPD: the whole of each stream counts from now on. */
  streamsWhole(): void {
    if (this.orig.reasm !== null) this.orig.reasm.keepBytesBelow = Infinity;
    if (this.resp.reasm !== null) this.resp.reasm.keepBytesBelow = Infinity;
  }

  streamsIdle(): void {
    const streams = this.streams;
    if (streams !== null && !streams.analyzing && !streams.hasContentsFile) {
      // Nothing left to feed: from now on this connection costs what one without DPD does.
      this.streams = null;
      this.setFlag(STREAMS_RELEASED, true);
      streams.done();
    }
    const wants = this.ctx.bus.wants;
    if (wants.tcp_contents || wants.rexmit_inconsistency) return;
    if (this.orig.reasm !== null) this.orig.reasm.keepBytes = false;
    if (this.resp.reasm !== null) this.resp.reasm.keepBytes = false;
  }

  /** The peer acked `relAck` of `ep`'s data (TCP_Reassembler::AckReceived). */
  private ackReceived(ep: TcpEndpoint, relAck: number): void {
    let r = ep.reasm;
    if (r === null) {
      let upTo = relAck;
      if (ep.finCnt > 0 && upTo >= ep.finSeq) upTo = ep.finSeq - 1;
      if (upTo <= 1) return; // nothing beyond the (possibly faked) SYN: a fresh reassembler would ignore it
      r = ep.reassembler();
    }
    const before = r.trimSeq;
    const gapBytes = r.gapBytes;
    const skipped = r.skipDeliveries;
    r.ackReceived(relAck);
    if (r.trimSeq === before) return;
    // get_gap_stats counts the ACKs of clean connections only (trimming changes no endpoint's state).
    if (!skipped && (this.ctx.settings.report_gaps_for_partial || (ep.state === TcpState.ESTABLISHED && ep.peer.state === TcpState.ESTABLISHED))) {
      this.countAck(r.gapBytes - gapBytes);
    }
    this.checkEOF(ep);
  }

  /** An ACK that moved a stream's acked point, and the bytes it found missing (TCP_Reassembler::AckReceived's totals). */
  private countAck(missing: number): void {
    const stats = this.ctx.gapStats;
    stats.ackEvents++;
    if (missing > 0) {
      stats.gapEvents++;
      stats.gapBytes += missing;
    }
  }

  /** A hole in `ep`'s stream was acked (Zeek's TCP_Reassembler::Gap). */
  contentGap(ep: TcpEndpoint, seq: number, len: number): void {
    this.setFlag(HAD_GAP, true);
    const clean = ep.established() && ep.peer.established();
    if (clean) ep.gapSeen();
    this.streams?.undelivered(ep.isOrig, seq, len);
    const bus = this.ctx.bus;
    if (bus.wants.content_gap && (clean || this.ctx.settings.report_gaps_for_partial)) bus.queue("content_gap", this.val(), ep.isOrig, seq, len);
  }

  /** In-order data of `ep` (tcp_contents when configured). */
  contents(ep: TcpEndpoint, seq: number, data: Uint8Array, offset: number, len: number): void {
    if (this.streams !== null && data.length >= offset + len) this.streams.deliver(ep.isOrig, seq, data, offset, len);
    const bus = this.ctx.bus;
    if (!bus.wants.tcp_contents || !this.tcpContentsDelivered(ep.isOrig) || data.length < offset + len) return;
    bus.queue("tcp_contents", this.val(), ep.isOrig, seq, data.slice(offset, offset + len));
  }

  /** tcp_content_deliver_all_* / tcp_content_delivery_ports_*: whether one side's stream goes to tcp_contents. */
  private tcpContentsDelivered(isOrig: boolean): boolean {
    const s = this.ctx.settings;
    return isOrig
      ? s.tcp_content_deliver_all_orig || s.tcp_content_delivery_ports_orig.has(this.respPort)
      : s.tcp_content_deliver_all_resp || s.tcp_content_delivery_ports_resp.has(this.respPort);
  }

  /**
   * Whether the stream one side sends is analysed: by a stream consumer of
   * that side (application analyzer, contents file), tcp_contents for it, or
   * rexmit_inconsistency (which compares retransmitted bytes).
   */
  private payloadTaken(isOrig: boolean): boolean {
    const wants = this.ctx.bus.wants;
    if (wants.rexmit_inconsistency) return true;
    if (this.streams?.takes(isOrig)) return true;
    return wants.tcp_contents && this.tcpContentsDelivered(isOrig);
  }

  inconsistency(ep: TcpEndpoint, oldBytes: Uint8Array, newBytes: Uint8Array): void {
    const bus = this.ctx.bus;
    if (!bus.wants.rexmit_inconsistency) return;
    // A 1-byte overlap while the peer never sent anything: a keep-alive probe.
    if (oldBytes.length === 1 && ep.peer.size() === 0) return;
    bus.queue("rexmit_inconsistency", this.val(), oldBytes.slice(), newBytes.slice(), flagString(scratch.flags));
  }

  /** Zeek's DataPending for a closing endpoint (TCP_Reassembler::CheckEOF). */
  private dataPending(ep: TcpEndpoint): boolean {
    const peerBlocks = ep.peer.reasm?.hasBlocks() === true;
    return ep.reassembler().hasPendingData(ep.relLastSeq(), ep.state === RESET, peerBlocks);
  }

  /** CheckEOF (TCP_Reassembler::CheckEOF): connection_EOF once everything up to the FIN/RST was delivered. */
  private checkEOF(ep: TcpEndpoint): void {
    if (ep.didEOF) return;
    if (ep.finCnt === 0 && ep.state !== CLOSED && ep.state !== RESET) return;
    if (this.dataPending(ep)) return;
    ep.ext().didEOF = true;
    if (this.ctx.bus.wants.connection_EOF) this.ctx.bus.queue("connection_EOF", this.val(), ep.isOrig);
    this.streams?.endOfData(ep.isOrig);
    if (this.closeDeferred) {
      if (this.dataPending(ep)) {
        if (this.bothClosed()) this.weird("pending_data_when_closed", "", "TCP");
        return;
      }
      this.closeDeferred = false;
      const gen = this.deferredGenEvent;
      this.connectionClosed(ep, ep.peer, gen);
      this.deferredGenEvent = this.closeDeferred = false;
    }
  }

  // ---------------------------------------------------------------- closing (TCPSessionAdapter::ConnectionClosed)

  private connectionClosed(ep: TcpEndpoint, peer: TcpEndpoint, genEvent: boolean): void {
    if (this.dataPending(ep)) {
      this.closeDeferred = true;
      if (!this.deferredGenEvent) this.deferredGenEvent = genEvent;
      return;
    }
    this.closeDeferred = false;
    if (ep.didClose) return;
    ep.didClose = true;
    this.flags &= ~EXPIRY_BLOCKED;
    const ctx = this.ctx;
    const complete = ep.state === RESET || peer.didClose || peer.state === INACTIVE;
    if (complete) {
      if (ep.prevState !== INACTIVE || peer.state !== INACTIVE) {
        if (this.deferredGenEvent) {
          genEvent = true;
          this.deferredGenEvent = false;
        }
        if (genEvent) {
          this.event(peer.state === INACTIVE ? "connection_half_finished" : "connection_finished");
          this.isActive = false;
        }
      }
      ctx.cancelAnalyzerTimers(this);
      if (ctx.settings.tcp_close_delay !== 0) ctx.schedule(this, TimerKind.TCP_DELETE, this.lastTime + ctx.settings.tcp_close_delay, false);
      else ctx.schedule(this, TimerKind.TCP_DELETE, this.lastTime, false);
    } else if (ep.prevState === INACTIVE) {
      if (ctx.bus.wants.connection_partial_close) ctx.schedule(this, TimerKind.TCP_PARTIAL_CLOSE, this.lastTime + ctx.settings.tcp_partial_close_delay, false);
    } else {
      ctx.schedule(this, TimerKind.TCP_EXPIRE, this.lastTime + ctx.settings.tcp_session_timer, false);
    }
  }

  /**
   * TCPSTATS' tcp_rexmit (see tcp-stats.ts); data_in_flight and the peer's window as Zeek reports them.
   * Zeek's TCPSTATS keeps its state per role (the sender's role after any flip in this packet) and
   * reports through the endpoint that held that role when the connection was created: after a late
   * flip (Connection::FlipRoles) it names the other side (is_orig, data_in_flight and window of the receiver, seq
   * and len of the sender). A Zeek bug (its stats endpoints are not swapped on FlipRoles), matched on
   * purpose.
   */
  private rexmitCheck(pkt: Packet, ep: TcpEndpoint, dataSeq: number, len: number): void {
    const stats = (ep.ext().stats ??= new TcpStatsEndpoint());
    if (!stats.segment(dataSeq, len, pkt.ipVersion === 4 ? pkt.ipId : 0)) return;
    const reported = this.flag(FLIPPED_SINCE_START) ? ep.peer : ep;
    let inFlight = seqDelta(reported.last32, reported.ack32);
    if (inFlight < 0) inFlight = 0;
    const peerWindow = reported.peer.window;
    this.ctx.bus.queue("tcp_rexmit", this.val(), reported.isOrig, dataSeq, len, inFlight, peerWindow);
  }

  // ---------------------------------------------------------------- timers (TCPSessionAdapter's timers)

  onTimer(kind: TimerKind): void {
    // The expire timer fires every tcp_session_timer for each idle connection
    // (473,663 times on the mix with -b): a method of its own, small enough
    // for V8 to inline what it calls; the closing timers apart.
    if (kind === TimerKind.TCP_EXPIRE) this.expireTimer();
    else this.closingTimer(kind);
  }

  /** TCPSessionAdapter's ExpireTimer: removes an idle connection whose endpoints' states allow it, else fires again later. */
  private expireTimer(): void {
    const ctx = this.ctx;
    const now = ctx.clock.now;
    // The flag first (no side effects either way): most connections that
    // reach here are blocked, and their last time is then not even read.
    if (!this.flag(EXPIRY_BLOCKED) && this.lastTime + ctx.settings.tcp_connection_linger < now && this.mayExpire()) {
      this.event("connection_timeout");
      ctx.remove(this);
      return;
    }
    ctx.schedule(this, TimerKind.TCP_EXPIRE, now + ctx.settings.tcp_session_timer, false);
  }

  /** The attempt, delete, partial-close and reset timers. */
  private closingTimer(kind: TimerKind): void {
    const ctx = this.ctx;
    const orig = this.orig;
    const resp = this.resp;
    switch (kind) {
      case TimerKind.TCP_ATTEMPT:
        if (!this.isActive) return;
        if ((orig.state === SYN_SENT || orig.state === SYN_ACK_SENT) && resp.state === INACTIVE) {
          this.event("connection_attempt");
          this.isActive = false;
          ctx.remove(this);
        }
        return;
      case TimerKind.TCP_DELETE:
        // Zeek's ConnDeleteTimer: connection_timeout only with a non-zero close delay.
        if (ctx.settings.tcp_close_delay !== 0) this.event("connection_timeout");
        ctx.remove(this);
        return;
      case TimerKind.TCP_PARTIAL_CLOSE:
        if (this.isActive && !this.bothClosed() && orig.state !== INACTIVE && resp.state !== INACTIVE && orig.state !== RESET && resp.state !== RESET) {
          this.event("connection_partial_close");
          ctx.remove(this);
        }
        return;
      case TimerKind.TCP_RESET:
        if (!this.isActive) return;
        if (!this.bothClosed()) this.connectionReset();
        ctx.remove(this);
        return;
    }
  }

  /**
   * Whether the endpoints' states let the expire timer remove an idle
   * connection (TCPSessionAdapter's ExpireTimer): a side closed and the other
   * closed, reset or silent; a side reset; or neither side ever active.
   */
  private mayExpire(): boolean {
    const orig = this.orig;
    const resp = this.resp;
    if (
      (orig.didClose || resp.didClose) &&
      ((orig.didClose && resp.didClose) || orig.state === RESET || resp.state === RESET || orig.state === INACTIVE || resp.state === INACTIVE)
    ) {
      return true;
    }
    return orig.state === INACTIVE && resp.state === INACTIVE;
  }

  /** Analyzer Done at removal: connection_pending at termination (session::Manager::Remove). */
  done(): void {
    if (this.ctx.terminating && this.isActive && !this.bothClosed()) this.event("connection_pending");
    this.orig.reasm?.release();
    this.resp.reasm?.release();
    this.streams?.done();
  }
}

/** tcp_packet's flags string: S F R A P U, only the bits set. */
export function flagString(flags: number): string {
  let s = "";
  if (flags & TH_SYN) s += "S";
  if (flags & TH_FIN) s += "F";
  if (flags & TH_RST) s += "R";
  if (flags & TH_ACK) s += "A";
  if (flags & TH_PUSH) s += "P";
  if (flags & TH_URG) s += "U";
  return s;
}
