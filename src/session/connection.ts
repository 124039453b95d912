/**
 * One connection's state, common to every transport: identity (orig/resp
 * addresses and ports, which a role flip swaps), times, history, timers, and
 * the lazily built Zeek-shaped `Connection` record handed to scripts.
 *
 * A Conn is created once per connection and updated in place per packet; the
 * record is only built the first time an event or weird needs it (which is
 * when the uid is drawn, as in Zeek) and refreshed each time an event about
 * the connection is queued (TCPSessionAdapter's events).
 */

import type { EventBus } from "../event/bus.js";
import type { EventName } from "../event/events.js";
import type { Connection, Endpoint, Transport } from "../event/records.js";
import { type Clock, WeirdCounts, type WeirdSubject, type Weirds } from "../event/weirds.js";
import { formatAddr } from "../ip/addr.js";
import type { EngineSettings } from "../options.js";
import { macTextOfHalves } from "../packet/mac-text.js";
import type { Packet } from "../packet/packet.js";
import { type PacketUse, type PacketUseLevel, USE_HEADERS, USE_WHOLE } from "../packet/packet-use.js";
import { ConnIdRecord, ConnRecord, EndpointRecord } from "./conn-record.js";
import { sortedThresholds } from "./conn-size-events.js";
import type { ConnIdContexts } from "./id-contexts.js";
import type { LikelyServerPorts } from "./server-ports.js";
import type { GapStats } from "./stats.js";
import { kindMask, NO_TIMER, type TimerClient, TimerKind, type TimerOwner } from "./timers.js";
import type { Encapsulation, TunnelCid, TunnelState } from "./tunnel-state.js";
import { NO_VLANS, vlanContext, vlanKeyOf } from "./vlan-key.js";

/** What the session manager offers to connections and their analyzers. */
export interface SessionServices {
  readonly bus: EventBus;
  readonly weirds: Weirds;
  readonly settings: EngineSettings;
  readonly clock: Clock;
  readonly serverPorts: LikelyServerPorts;
  /** True once end-of-input processing started (Zeek's `terminating`). */
  readonly terminating: boolean;
  /** A reporter warning of the engine's own (Zeek's reporter->Warning from the core). */
  warning(message: string): void;
  /** A reporter error of the engine's own, without a script location (Zeek's reporter->Error from the core). */
  error(message: string): void;
  /** Keep the first packet's link-layer addresses per connection, for its endpoints' l2_addr (see SessionManager.keepL2Addresses). */
  readonly keepL2Addresses: boolean;
  /** Keep the first packet's PPPoE session id per connection (policy/protocols/conn/pppoe-session-id-logging). */
  readonly keepPppoeSession: boolean;
  /** Where records' conn_id ctx VLAN ids are kept by uid, when conn_id has them (policy/frameworks/conn_key/vlan_fivetuple); null otherwise. */
  readonly idContexts: ConnIdContexts | null;
  /** What the engine used of the packet being processed: analyzers raise it to whole when they take the payload (see packet/packet-use.ts). */
  readonly packetUse: PacketUse;
  /** Zeek's get_gap_stats totals (the TCP analyzer counts ACKs and gaps into them). */
  readonly gapStats: GapStats;
  schedule(conn: Conn, kind: TimerKind, time: number, atShutdown: boolean): void;
  /** Schedules a timer that is not a connection's (a file's inactivity timer) on the same heap. */
  scheduleClient(client: TimerClient, time: number): void;
  /** Cancels the connection's pending timers of the kinds in `kinds` (a kindMask). */
  cancelTimers(conn: Conn, kinds: number): void;
  /** Cancels the connection's timers: all analyzer-level ones (not inactivity/status). */
  cancelAnalyzerTimers(conn: Conn): void;
  /** Runs the inner packet of a tunnel carried by `outer` through the registered decapsulator (kind: its numbering, src/analyzer/tunnel); false if it is not one, null if its analyzer is off. */
  tunnel(outer: Conn, pkt: Packet, kind: number): boolean | null;
  /** Removes the connection now (timers, Done, connection_state_remove). */
  remove(conn: Conn): void;
  newUid(): string;
  /** Draws the next uid without making its text (see Conn.reserveUid). */
  reserveUid(): number;
  /** The text of a uid reserved with the manager's reserve (see Conn.reserveUid). */
  uidText(draw: number): string;
}

/** What the engine asks of a connection's application analyzers (src/analyzer/app's analyzer tree). */
export interface AppAnalyzers {
  /** Zeek's disable_analyzer: removes instance `aid` (with `prevent`, its parent takes none of its kind again); false when it is not there. */
  disable(aid: number, allow?: (name: string) => boolean, prevent?: boolean): boolean;
  /** Zeek's lookup_connection_analyzer_id: the id of the active analyzer named `name`, 0 when none. */
  lookup(name: string): number;
  /** The analyzer object of the active instance named `name` (Zeek's FindAnalyzer), null when none. */
  analyzerNamed(name: string): unknown;
  /** The analyzer object of the active instance `aid`, null when none. */
  analyzerWithId(aid: number): unknown;
  /** A user signature's `enable "name"`: the analyzer starts, replayed what DPD buffered when it still buffers. */
  enableForSignature(name: string): void;
}

/** Per-direction counters every transport has (Zeek's ConnSize + flow label). */
export abstract class EndpointBase {
  numPkts = 0;
  numBytesIp = 0;
  /** The sender's last IPv6 flow label (0 for IPv4): a field, or stored elsewhere while 0 (TCP). */
  abstract flowLabel: number;
}

/** An endpoint with nothing but the common counters (unknown IP protocols). */
export class PlainEndpoint extends EndpointBase {
  flowLabel = 0;
}

/**
 * A link-layer address is kept as two 24-bit halves (small integers, stored
 * unboxed in the object: a 48-bit number would be a boxed double) and only
 * written as text when a record is built. NO_MAC: not kept, or absent.
 */
const NO_MAC = -1;

/** The high (`hi`) or low 24 bits of the 6-byte address at `at`. */
function macHalf(d: Uint8Array, at: number, hi: boolean): number {
  const i = hi ? at : at + 3;
  return (d[i]! << 16) | (d[i + 1]! << 8) | d[i + 2]!;
}

/** Zeek's fmt_mac of an address kept as halves; undefined when there is none or it is all zero (Zeek leaves l2_addr unset then). */
function macText(hi: number, lo: number): string | undefined {
  if (hi === NO_MAC || (hi === 0 && lo === 0)) return undefined;
  return macTextOfHalves(hi, lo);
}

/**
 * The first packet's link-layer addresses, for the endpoints' l2_addr (NO_MAC:
 * absent). A connection keeps them in one object of its own, not in its rare
 * fields: once any user handler is registered every connection has them (a
 * handler may print any record), and the rare-fields object beside them
 * doubled what that cost under a flood.
 */
class LinkAddrs {
  /**
   * The addresses as text, made once, when a record first needs them: the
   * record is refreshed for every event it goes with, and formatting both
   * there was 48 MB of strings on the mix's first 300k packets.
   */
  origText: string | undefined = undefined;
  respText: string | undefined = undefined;
  private formatted = false;

  constructor(
    public origHi: number,
    public origLo: number,
    public respHi: number,
    public respLo: number,
  ) {}

  /** Makes origText and respText, the first time. */
  format(): void {
    if (this.formatted) return;
    this.formatted = true;
    this.origText = macText(this.origHi, this.origLo);
    this.respText = macText(this.respHi, this.respLo);
  }

  swap(): void {
    const hi = this.origHi;
    const lo = this.origLo;
    this.origHi = this.respHi;
    this.origLo = this.respLo;
    this.respHi = hi;
    this.respLo = lo;
    const text = this.origText;
    this.origText = this.respText;
    this.respText = text;
  }
}

/** The first packet's VLAN tags and PPPoE session (−1: absent or not kept): the connection's, whatever the direction. */
interface LinkTags {
  vlan: number;
  innerVlan: number;
  /** The first packet's PPPoE session id, -1 when none (or not kept). */
  pppoeSession: number;
}

/** Initial value of double time fields (TcpEndpointExt.lastTime): a non-integer makes V8 keep the field a double. */
export const UNSET_TIME = -0.5;
// Conn.flags: bits 0-7 here, the IP protocol in bits 8-15, bits 16 and up for the analyzer (SUBCLASS_FLAGS).
const DID_WEIRD = 1;
const REMOVED = 2;
const STATUS_TIMER = 4;
const ONE_WAY = 8;
/** recordContents was called (RECORD_WHOLE: with true); bits 4 and 5 of Conn.flags. */
const RECORD_SET = 16;
const RECORD_WHOLE = 32;
/**
 * Bits 6 and 7: while RECORD_PINNED (set by the analyzer around a span in
 * which nothing the record shows but the history can change) the first val()
 * refreshes the record and sets RECORD_FRESH; the later ones refresh only the history.
 */
export const RECORD_PINNED = 64;
export const RECORD_FRESH = 128;
const PROTO_SHIFT = 8;
/** First bit of Conn.flags a transport analyzer may use for its own flags. */
export const SUBCLASS_FLAGS = 1 << 16;

/**
 * Times are kept as the two int32 halves of their float64 bits: exact, and
 * stored as small integers, where a double field costs V8 a 16-byte box per
 * object (the conversion goes through these two views of one 8-byte buffer).
 */
const timeBits = new Float64Array(1);
const timeHalves = new Int32Array(timeBits.buffer);

function joinTime(half0: number, half1: number): number {
  timeHalves[0] = half0;
  timeHalves[1] = half1;
  return timeBits[0]!;
}

/** Word 2 of an IPv4 address in its v4-mapped IPv6 form (::ffff:a.b.c.d); words 0 and 1 are 0. */
const V4_MAPPED_WORD2 = 0xffff;

/** The upper three words of both addresses, kept only when they are not both IPv4 (v4-mapped). */
class UpperWords {
  constructor(
    public o0: number,
    public o1: number,
    public o2: number,
    public r0: number,
    public r1: number,
    public r2: number,
  ) {}

  /** The packet's upper words are these, its source being orig's (or resp's when `reversed`). */
  matches(pkt: Packet, reversed: boolean): boolean {
    const s0 = pkt.src0 | 0,
      s1 = pkt.src1 | 0,
      s2 = pkt.src2 | 0;
    const d0 = pkt.dst0 | 0,
      d1 = pkt.dst1 | 0,
      d2 = pkt.dst2 | 0;
    return reversed
      ? s0 === this.r0 && s1 === this.r1 && s2 === this.r2 && d0 === this.o0 && d1 === this.o1 && d2 === this.o2
      : s0 === this.o0 && s1 === this.o1 && s2 === this.o2 && d0 === this.r0 && d1 === this.r1 && d2 === this.r2;
  }

  swap(): void {
    let t = this.o0;
    this.o0 = this.r0;
    this.r0 = t;
    t = this.o1;
    this.o1 = this.r1;
    this.r1 = t;
    t = this.o2;
    this.o2 = this.r2;
    this.r2 = t;
  }
}

/**
 * The thresholds a script set on a connection (Zeek's ConnSize analyzer, set
 * with set_current_conn_bytes_threshold and friends); 0: none. Each fires
 * once, the first time the side's counter reaches it, and is then cleared.
 */
export class ConnThresholds {
  origBytes = 0;
  respBytes = 0;
  origPkts = 0;
  respPkts = 0;
  /** Seconds since the connection's first packet. */
  duration = 0;
  /** The generic packet threshold watched (0: none) and the sorted list it comes from. */
  generic = 0;
  genericNext = 0;
  genericList: readonly number[] = [];
  /** ConnSize was removed (disable_analyzer): no threshold is watched or set any more. */
  removed = false;

  /** ConnSize's NextGenericPacketThreshold: the next of the list, or none past its end. */
  nextGeneric(): void {
    this.generic = this.genericNext < this.genericList.length ? this.genericList[this.genericNext++]! : 0;
  }
}

/** What a size threshold counts. */
export type ThresholdKind = "bytes" | "packets" | "duration";

/**
 * The engine's connection behind record `c`, while the engine still tracks
 * it; null for a record made elsewhere (a test's, a script's) or of a
 * removed connection. For the functions scripts call on a connection.
 */
export function liveConn(c: Connection): Conn | null {
  const owner: unknown = c instanceof ConnRecord ? c.owner : null;
  return owner instanceof Conn && !owner.removed ? owner : null;
}

/** What few connections have: VLANs and PPPoE sessions, thresholds, skipping, tunnel state. */
class ConnRare {
  /** VLAN tags and PPPoE session of the first packet, when it had any (and the PPPoE session is kept). */
  tags: LinkTags | null = null;
  /** Size and duration thresholds, when a script set one. */
  thresholds: ConnThresholds | null = null;
  /** A script asked that the connection's packets no longer be analysed (Zeek's skip_further_processing). */
  skip = false;
  /** Set when the connection was seen inside a tunnel. */
  tunnel: TunnelState<Encapsulation> | null = null;
  /** Weird reports per name, for the weird event's sampling (event/weirds.ts). */
  weirds: WeirdCounts | null = null;
  /** The VLAN part of its key (vlan-key.ts), set only where connections are keyed by VLAN too. */
  vlanKey = NO_VLANS;
  /** Made without ConnSize (disabled, as by Analyzer::disable_all): its endpoints' num_pkts and num_bytes_ip stay unset. */
  noConnSize = false;
}

const INACTIVITY_TIMER = kindMask(TimerKind.INACTIVITY);

export abstract class Conn<E extends EndpointBase = EndpointBase> implements TimerOwner, WeirdSubject {
  // A SYN flood makes millions of these: every field counts (8 bytes each),
  // and number fields hold only int32 values (no boxed doubles).
  /**
   * The low address words (the IPv4 addresses) as int32 (`| 0`, unboxed;
   * compare with `| 0`); the upper ones (o0-o2, r0-r2) in `upper` unless
   * both addresses are IPv4, where they are 0, 0, 0xffff.
   */
  o3 = 0;
  r3 = 0;
  private upper: UpperWords | null = null;
  /** origPort << 16 | respPort (int32). */
  ports = 0;
  /** startTime and lastTime as int32 halves (see timeBits). */
  private start0 = 0;
  private start1 = 0;
  private last0 = 0;
  private last1 = 0;
  history = "";
  /** Bits of "once" history letters already recorded (Connection::CheckHistory; never swapped on flips). */
  histSeen = 0;
  /**
   * The uid's text; or, until something needs it, the number of its reserved
   * draw from the uid pool (the string is ~40 bytes a connection, a number
   * none: under a SYN flood most connections never show their uid until
   * conn.log writes it); null when none was drawn.
   */
  private uidState: string | number | null = null;
  record: ConnRecord<Conn> | null = null;
  private rare: ConnRare | null = null;
  /** The first packet's link-layer addresses, kept only when something can read them (SessionServices.keepL2Addresses). */
  private macs: LinkAddrs | null = null;
  /** Id of this connection's first pending timer (the timer heap chains the rest). */
  timerHead = NO_TIMER;
  inactivityTimeout = 0;
  /**
   * didWeird, removed, statusTimerInstalled, oneWay, the record override, the IP protocol, and
   * from SUBCLASS_FLAGS on the transport analyzer's own flags: one field.
   */
  protected flags = 0;

  abstract readonly transport: Transport;

  constructor(
    readonly ctx: SessionServices,
    proto: number,
    pkt: Packet,
    sport: number,
    dport: number,
    oneWay: boolean,
    public orig: E,
    public resp: E,
  ) {
    this.flags = (proto << PROTO_SHIFT) | (oneWay ? ONE_WAY : 0);
    // Set for tunnelled connections only, which may come late, and at the first event: known as mutable from the start (see doubles.ts).
    this.rare = null;
    this.macs = null;
    this.record = null;
    // A transport may first add to the history late (its first weird, a flip): mutable from the start too.
    this.history = "";
    this.histSeen = 0;
    this.o3 = pkt.src3 | 0;
    this.r3 = pkt.dst3 | 0;
    if (pkt.src0 !== 0 || pkt.src1 !== 0 || pkt.src2 !== V4_MAPPED_WORD2 || pkt.dst0 !== 0 || pkt.dst1 !== 0 || pkt.dst2 !== V4_MAPPED_WORD2) {
      this.upper = new UpperWords(pkt.src0 | 0, pkt.src1 | 0, pkt.src2 | 0, pkt.dst0 | 0, pkt.dst1 | 0, pkt.dst2 | 0);
    }
    this.ports = (sport << 16) | dport;
    this.startTime = pkt.ts;
    this.setLastTime(pkt);
    // ConnSize's Init: the generic packet thresholds are watched only when their event is handled.
    if (ctx.bus.has("conn_generic_packet_threshold_crossed")) this.watchGenericThresholds(ctx.settings["ConnThreshold::generic_packet_thresholds"]);
    // The first packet's source is the originator's address, its destination the responder's; each is kept on its own
    // (a Linux cooked capture has a source only). ctx.keepL2Addresses says whether anything can read them (see SessionManager).
    const src = ctx.keepL2Addresses ? pkt.l2SrcOffset : -1;
    const dst = ctx.keepL2Addresses ? pkt.l2DstOffset : -1;
    // A tag with id 0 is a VLAN too (Zeek 8.2 on: its Packet's tags are optional, no longer 0 for none).
    // c$vlan and c$inner_vlan are init-bare's fields, set for any tagged first packet (vlan-logging only logs them).
    const vlans = pkt.vlan >= 0;
    const pppoe = ctx.keepPppoeSession && pkt.pppoeSession >= 0;
    if (src >= 0 || dst >= 0) {
      const d = pkt.data;
      this.macs = new LinkAddrs(
        src >= 0 ? macHalf(d, src, true) : NO_MAC,
        src >= 0 ? macHalf(d, src, false) : NO_MAC,
        dst >= 0 ? macHalf(d, dst, true) : NO_MAC,
        dst >= 0 ? macHalf(d, dst, false) : NO_MAC,
      );
    }
    if (vlans || pppoe) {
      this.rareFields().tags = {
        vlan: vlans ? pkt.vlan : -1,
        innerVlan: vlans ? pkt.innerVlan : -1,
        pppoeSession: pppoe ? pkt.pppoeSession : -1,
      };
    }
  }

  // The upper address words (int32).
  get o0(): number {
    return this.upper === null ? 0 : this.upper.o0;
  }
  get o1(): number {
    return this.upper === null ? 0 : this.upper.o1;
  }
  get o2(): number {
    return this.upper === null ? V4_MAPPED_WORD2 : this.upper.o2;
  }
  get r0(): number {
    return this.upper === null ? 0 : this.upper.r0;
  }
  get r1(): number {
    return this.upper === null ? 0 : this.upper.r1;
  }
  get r2(): number {
    return this.upper === null ? V4_MAPPED_WORD2 : this.upper.r2;
  }

  /**
   * The packet's addresses are this connection's (its source orig's, or
   * resp's when `reversed`), the low words compared by the caller.
   */
  upperMatches(pkt: Packet, reversed: boolean): boolean {
    const u = this.upper;
    if (u !== null) return u.matches(pkt, reversed);
    return pkt.src2 === V4_MAPPED_WORD2 && pkt.dst2 === V4_MAPPED_WORD2 && pkt.src0 === 0 && pkt.src1 === 0 && pkt.dst0 === 0 && pkt.dst1 === 0;
  }

  /** The originator's address as text (Zeek's form), without building the record. */
  origAddrText(): string {
    return formatAddr(this.o0, this.o1, this.o2, this.o3);
  }

  /** The responder's address as text. */
  respAddrText(): string {
    return formatAddr(this.r0, this.r1, this.r2, this.r3);
  }

  /** Its endpoints as a tunnel's (EncapsulatingConn's cid), when it carries a UDP tunnel. */
  tunnelCid(): TunnelCid {
    return { orig_h: this.origAddrText(), orig_p: this.origPort, resp_h: this.respAddrText(), resp_p: this.respPort, proto: this.proto };
  }

  /** The IP protocol number (6, 17, 1, 58, or another for unknown protocols). */
  get proto(): number {
    return (this.flags >>> PROTO_SHIFT) & 0xff;
  }

  get origPort(): number {
    return this.ports >>> 16;
  }

  get respPort(): number {
    return this.ports & 0xffff;
  }

  /** Time of the first packet. */
  get startTime(): number {
    return joinTime(this.start0, this.start1);
  }

  set startTime(t: number) {
    timeBits[0] = t;
    this.start0 = timeHalves[0]!;
    this.start1 = timeHalves[1]!;
  }

  /** Time of the last packet that counts for the duration. */
  get lastTime(): number {
    return joinTime(this.last0, this.last1);
  }

  /**
   * lastTime = pkt.ts, per packet. The double is read here: handing it to a
   * setter from a big caller that does not inline it would box it (16 bytes
   * of garbage a packet).
   */
  setLastTime(pkt: Packet): void {
    timeBits[0] = pkt.ts;
    this.last0 = timeHalves[0]!;
    this.last1 = timeHalves[1]!;
  }

  private rareFields(): ConnRare {
    return (this.rare ??= new ConnRare());
  }

  /** VLAN tags and PPPoE session of the first packet, when it had any. */
  private get tags(): LinkTags | null {
    return this.rare === null ? null : this.rare.tags;
  }

  /** The VLAN tags its key holds (vlan-key.ts): NO_VLANS unless the run keys connections by VLAN and its first packet was tagged. */
  get vlanKey(): number {
    return this.rare === null ? NO_VLANS : this.rare.vlanKey;
  }

  /** Keys the connection by the VLAN tags of `pkt`, its first packet (before it enters a VLAN-keyed table). */
  keyVlans(pkt: Packet): void {
    const key = vlanKeyOf(pkt);
    if (key !== NO_VLANS) this.rareFields().vlanKey = key;
  }

  /** Tunnel state, when the connection was seen inside a tunnel. */
  get tunnel(): TunnelState<Encapsulation> | null {
    return this.rare === null ? null : this.rare.tunnel;
  }

  set tunnel(t: TunnelState<Encapsulation> | null) {
    if (t !== null || this.rare !== null) this.rareFields().tunnel = t;
  }

  /** ICMP messages without a counterpart: the key is not canonicalised (Zeek's IPBasedConnKey). */
  get oneWay(): boolean {
    return (this.flags & ONE_WAY) !== 0;
  }

  /** A weird was reported for this connection (Zeek's `weird` flag). */
  get didWeird(): boolean {
    return (this.flags & DID_WEIRD) !== 0;
  }

  /** The connection left the table; its timers must not act any more. */
  get removed(): boolean {
    return (this.flags & REMOVED) !== 0;
  }

  markRemoved(): void {
    this.flags |= REMOVED;
  }

  /** How a script asked this connection's packets to be recorded (recordContents), or 0: as the analysis decides. */
  get recordOverride(): PacketUseLevel {
    const bits = this.flags;
    if ((bits & RECORD_SET) === 0) return 0;
    return (bits & RECORD_WHOLE) !== 0 ? USE_WHOLE : USE_HEADERS;
  }

  /** true: record its packets whole; false: header-only; null: as the analysis decides. */
  setRecordContents(whole: boolean | null): void {
    this.flags &= ~(RECORD_SET | RECORD_WHOLE);
    if (whole !== null) this.flags |= whole ? RECORD_SET | RECORD_WHOLE : RECORD_SET;
  }

  /** The packet's direction: from orig when its source address and port are orig's. */
  isFromOrig(pkt: Packet, sport: number): boolean {
    if ((pkt.src3 | 0) !== this.o3 || sport !== this.ports >>> 16) return false;
    // Both addresses IPv4 (the packet is this connection's): the low word decides.
    const u = this.upper;
    return u === null || ((pkt.src0 | 0) === u.o0 && (pkt.src1 | 0) === u.o1 && (pkt.src2 | 0) === u.o2);
  }

  /**
   * The connection's uid ("C…"), or null if none was drawn yet. Once the
   * record exists its text is the record's: the connection keeps only its
   * draw number, so that when a connection dies (in the old generation, found
   * dead only by a full GC) it does not hold a young string alive through
   * scavenges, to be copied and promoted: under a SYN flood that was one
   * string a connection. Without a record the text is kept here.
   */
  get uid(): string | null {
    const rec = this.record;
    if (rec !== null) return rec.uid;
    const u = this.uidState;
    if (typeof u !== "number") return u;
    const text = this.ctx.uidText(u);
    this.uidState = text;
    return text;
  }

  /** The uid's text for a new record, leaving a reserved draw number in place (made again if asked after removal). */
  private uidForRecord(): string {
    const u = this.uidState;
    if (typeof u === "number") return this.ctx.uidText(u);
    if (u === null) this.uidState = this.ctx.newUid();
    return this.uidState as string;
  }

  /** Takes uid draw number `draw` (made into text on first use: uids depend only on the draw). */
  reserveUid(draw: number): void {
    this.uidState = draw;
  }

  /**
   * Zeek's GetVal for a weird: the record, hence the uid, is made for every
   * weird let through, whether or not a handler takes it. With the conn
   * script the uid was drawn at creation; without it (-b) this draw puts the
   * uid in Zeek's order. The record itself is made only when needed.
   */
  drawUid(): void {
    if (this.uidState === null && this.record === null) this.uidState = this.ctx.reserveUid();
  }

  // ---------------------------------------------------------------- analyzer hooks

  /** Analyzer setup right after creation (timers, inactivity timeout). */
  abstract init(): void;
  /** Analyzes one packet already matched to this connection. */
  abstract deliver(pkt: Packet, isOrig: boolean): void;
  /** Conn.log's orig/resp size and state for `ep`. */
  protected abstract endpointSize(ep: E): number;
  protected abstract endpointState(ep: E): number;
  /**
   * Runs a timer of an analyzer kind (TCP, DNS) at network time
   * ctx.clock.now (read there: a double handed to a call V8 does not inline
   * is boxed, and the TCP expire timer fires about once per two packets).
   */
  abstract onTimer(kind: TimerKind): void;
  /** Analyzer Done() at removal: connection_pending, udp_session_done… */
  abstract done(): void;
  /** Extra work of an analyzer on a role flip (after endpoints are swapped). */
  protected onFlip(): void {}
  /** The connection's application analyzers (TCP streams, UDP datagrams), if it has any. */
  appTree(): AppAnalyzers | null {
    return null;
  }

  /**
   * The analyzer id (Zeek's aid) of the connection's session adapter (TCP,
   * UDP, ICMP: the root of its analyzer tree), 0 when it has none.
   */
  rootAnalyzerId(): number {
    return 0;
  }

  /** The analyzer id of the connection's ConnSize (the thresholds' analyzer), 0 when it has none or it was removed. */
  connSizeId(): number {
    return this.rare?.thresholds?.removed === true ? 0 : this.connSizeIdAtCreation();
  }

  /** ConnSize's id as the connection's creation numbered it (0: none). */
  protected connSizeIdAtCreation(): number {
    return 0;
  }

  /** A connection made while ConnSize is disabled (Zeek adds none): no thresholds, and the packet counts stay unset in its record. */
  protected withoutConnSize(): void {
    this.removeConnSize();
    this.rareFields().noConnSize = true;
  }

  /** Zeek's disable_analyzer of ConnSize: the thresholds are no longer watched, nor can be set. */
  removeConnSize(): void {
    const t = (this.rareFields().thresholds ??= new ConnThresholds());
    t.removed = true;
  }

  /** The application analyzers for a script's built-in (lookup, disable): those a connection builds late are built now. */
  scriptTree(): AppAnalyzers | null {
    return this.appTree();
  }

  // ---------------------------------------------------------------- record and events

  /** conn_id's ctx: the VLAN ids of the key (vlan_fivetuple's fields, both unset when untagged), kept by uid for the logs' rows too. */
  private addIdContext(id: ConnIdRecord, uid: string, contexts: ConnIdContexts): void {
    const key = this.vlanKey;
    id.ctx = vlanContext(key);
    if (key === NO_VLANS) return;
    contexts.remember(uid, key);
    // A record made again after removal (its uid asked for late): already retired.
    if (this.removed) contexts.retire(uid, this.ctx.clock.now);
  }

  /** The Zeek `connection` record, built on first use and refreshed now. */
  val(): Connection {
    let rec = this.record;
    if ((this.flags & RECORD_FRESH) !== 0 && rec !== null) {
      rec.history = this.history;
      return rec;
    }
    if (rec === null) {
      const uid = this.uidForRecord();
      rec = new ConnRecord<Conn>(
        new ConnIdRecord(
          formatAddr(this.o0, this.o1, this.o2, this.o3),
          this.origPort,
          formatAddr(this.r0, this.r1, this.r2, this.r3),
          this.respPort,
          this.transport,
          this.proto,
        ),
        new EndpointRecord(),
        new EndpointRecord(),
        uid,
        this as Conn,
      );
      this.record = rec;
      const contexts = this.ctx.idContexts;
      if (contexts !== null) this.addIdContext(rec.id as ConnIdRecord, uid, contexts);
    }
    this.fill(rec.orig, this.orig);
    this.fill(rec.resp, this.resp);
    const macs = this.macs;
    if (macs !== null) {
      // An all-zero address (loopback captures) is left unset, as Zeek does. Assigned, not only set, at every
      // refresh: a flip after the record was built swaps them as Zeek's swap of the endpoint records does.
      macs.format();
      const orig = macs.origText;
      const resp = macs.respText;
      if (orig !== undefined || rec.orig.l2_addr !== undefined) rec.orig.l2_addr = orig;
      if (resp !== undefined || rec.resp.l2_addr !== undefined) rec.resp.l2_addr = resp;
    }
    const tags = this.tags;
    if (tags !== null) {
      if (tags.vlan >= 0) rec.vlan = tags.vlan;
      if (tags.innerVlan >= 0) rec.inner_vlan = tags.innerVlan;
      if (tags.pppoeSession >= 0) rec.pppoe_session_id = tags.pppoeSession;
    }
    rec.start_time = this.startTime;
    rec.duration = this.lastTime - this.startTime;
    rec.history = this.history;
    const tunnel = this.tunnel;
    if (tunnel !== null) {
      rec.tunnel_parents = tunnel.parents;
      if (tunnel.stack !== null) rec.tunnel = tunnel.stack;
    }
    if ((this.flags & RECORD_PINNED) !== 0) this.flags |= RECORD_FRESH;
    return rec;
  }

  private fill(rec: Endpoint, ep: E): void {
    rec.size = this.endpointSize(ep);
    rec.state = this.endpointState(ep);
    // Only ConnSize sets these; without it they stay unset (written `-`).
    const counted = this.rare === null || !this.rare.noConnSize;
    rec.num_pkts = counted ? ep.numPkts : undefined;
    rec.num_bytes_ip = counted ? ep.numBytesIp : undefined;
    rec.flow_label = ep.flowLabel;
  }

  // ---------------------------------------------------------------- skipping

  /**
   * Whether the analysis of this connection's packets stopped (Zeek's
   * skip_further_processing: the session adapter skips every later packet,
   * so its state, counters, duration and history stay as they were).
   */
  get skipping(): boolean {
    return this.rare?.skip === true;
  }

  /** Stops the analysis of the connection's later packets (it still times out and is logged). */
  skipFurther(): void {
    this.rareFields().skip = true;
  }

  // ---------------------------------------------------------------- thresholds (ConnSize)

  /**
   * ConnSize's DeliverPacket: one more packet and its IP bytes on endpoint
   * `ep` (conn.log's pkts and ip_bytes), then the thresholds a script set,
   * if any. Most connections have none: one load.
   */
  protected countPacket(ep: E, pkt: Packet): void {
    ep.numPkts++;
    ep.numBytesIp += pkt.ipTotalLen;
    const rare = this.rare;
    if (rare !== null && rare.thresholds !== null) this.checkThresholds(rare.thresholds, ep === this.orig);
  }

  /** Sets a threshold (Zeek's set_current_conn_bytes/packets/duration_threshold); one already crossed fires at once. */
  setThreshold(kind: ThresholdKind, threshold: number, isOrig: boolean): void {
    const t = (this.rareFields().thresholds ??= new ConnThresholds());
    if (t.removed) return;
    if (kind === "duration") t.duration = threshold;
    else if (kind === "bytes") {
      if (isOrig) t.origBytes = threshold;
      else t.respBytes = threshold;
    } else if (isOrig) t.origPkts = threshold;
    else t.respPkts = threshold;
    // As Zeek: a duration threshold is checked "from the originator", the direction does not matter to it.
    this.checkThresholds(t, kind === "duration" ? true : isOrig);
  }

  /** A threshold now set (0: none). */
  threshold(kind: ThresholdKind, isOrig: boolean): number {
    const t = this.rare?.thresholds;
    if (t === null || t === undefined) return 0;
    if (kind === "duration") return t.duration;
    if (kind === "bytes") return isOrig ? t.origBytes : t.respBytes;
    return isOrig ? t.origPkts : t.respPkts;
  }

  private watchGenericThresholds(set: ReadonlySet<number>): void {
    if (set.size === 0) return;
    const t = (this.rareFields().thresholds ??= new ConnThresholds());
    t.genericList = sortedThresholds(set);
    t.nextGeneric();
  }

  /** ConnSize's CheckThresholds: the generic packet threshold (both sides' packets, exactly), the side's byte and packet thresholds, then the duration. */
  private checkThresholds(t: ConnThresholds, isOrig: boolean): void {
    if (t.removed) return;
    if (t.generic !== 0 && this.orig.numPkts + this.resp.numPkts === t.generic) {
      const generic = t.generic;
      t.nextGeneric();
      if (this.ctx.bus.has("conn_generic_packet_threshold_crossed")) this.ctx.bus.queue("conn_generic_packet_threshold_crossed", this.val(), generic);
    }
    const ep = isOrig ? this.orig : this.resp;
    const bytes = isOrig ? t.origBytes : t.respBytes;
    if (bytes !== 0 && ep.numBytesIp >= bytes) {
      if (isOrig) t.origBytes = 0;
      else t.respBytes = 0;
      this.thresholdEvent("conn_bytes_threshold_crossed", bytes, isOrig);
    }
    const pkts = isOrig ? t.origPkts : t.respPkts;
    if (pkts !== 0 && ep.numPkts >= pkts) {
      if (isOrig) t.origPkts = 0;
      else t.respPkts = 0;
      this.thresholdEvent("conn_packets_threshold_crossed", pkts, isOrig);
    }
    if (t.duration !== 0 && this.ctx.clock.now - this.startTime > t.duration) {
      const duration = t.duration;
      t.duration = 0;
      this.thresholdEvent("conn_duration_threshold_crossed", duration, isOrig);
    }
  }

  private thresholdEvent(
    name: "conn_bytes_threshold_crossed" | "conn_packets_threshold_crossed" | "conn_duration_threshold_crossed",
    threshold: number,
    isOrig: boolean,
  ): void {
    if (this.ctx.bus.has(name)) this.ctx.bus.queue(name, this.val(), threshold, isOrig);
  }

  /** Queues an event whose only argument is the connection, if anyone handles it. */
  event(name: EventName & ConnOnlyEvent): void {
    if (this.ctx.bus.has(name)) this.ctx.bus.queue(name, this.val());
  }

  /**
   * Zeek's packet_contents: the captured bytes of this packet's transport
   * from `from` on (TCP's whole segment, the other transports' payload),
   * when there are any. Transports call it before their checksum check,
   * having asked `bus.wants.packet_contents` (a copy per packet).
   */
  protected packetContents(pkt: Packet, from: number): void {
    const end = pkt.l4Offset + pkt.l4CapLen;
    if (end <= from) return;
    this.ctx.packetUse.whole();
    this.ctx.bus.queue("packet_contents", this.val(), pkt.data.slice(from, end));
  }

  /** Reports a weird about this connection (Zeek's conn weird). */
  weird(name: string, addl = "", source = ""): void {
    this.flags |= DID_WEIRD;
    this.ctx.weirds.conn(name, this, addl, source);
  }

  /** This connection's weird counts per name (Weirds samples the weird event by them). */
  weirdCounts(): WeirdCounts {
    return (this.rareFields().weirds ??= new WeirdCounts());
  }

  // ---------------------------------------------------------------- history

  addHistory(letter: string): void {
    this.history += letter;
  }

  /** A "once" letter: recorded the first time `bit` is seen. Returns true if it was seen before. */
  checkHistory(bit: number, letter: string): boolean {
    if ((this.histSeen & bit) === 0) {
      this.histSeen |= bit;
      this.history += letter;
      return false;
    }
    return true;
  }

  // ---------------------------------------------------------------- roles

  /**
   * Swaps originator and responder (Connection::FlipRoles), appends "^" and raises
   * connection_flipped. An application analyzer's flip (a UDP role rule: DNS, NTP) leaves the
   * per-direction counters where they are (`swapEndpoints = false`), which is
   * what Zeek's UDP adapter does.
   */
  flipRoles(swapEndpoints = true): void {
    this.flags &= ~RECORD_FRESH;
    const t = this.o3;
    this.o3 = this.r3;
    this.r3 = t;
    this.upper?.swap();
    this.ports = (this.respPort << 16) | this.origPort;
    // The VLANs belong to the connection, not to a side: they stay.
    this.macs?.swap();
    if (swapEndpoints) {
      const ep = this.orig;
      this.orig = this.resp;
      this.resp = ep;
      this.onFlip();
    }
    const rec = this.record;
    if (rec !== null) {
      const id = rec.id;
      const h = id.orig_h;
      id.orig_h = id.resp_h;
      id.resp_h = h;
      const p = id.orig_p;
      id.orig_p = id.resp_p;
      id.resp_p = p;
    }
    this.applyScheduledOnFlip();
    this.addHistory("^");
    this.event("connection_flipped");
  }

  /** Connection::FlipRoles applies the analyzers scheduled for the new orientation (a transport with an analyzer tree overrides this). */
  protected applyScheduledOnFlip(): void {}

  /** Zeek's CheckFlowLabel: remembers the sender's IPv6 flow label. */
  checkFlowLabel(isOrig: boolean, label: number): void {
    this.setFlowLabel(isOrig ? this.orig : this.resp, isOrig, label);
  }

  /** Stores side `ep`'s flow label, raising connection_flow_label_changed when it changed (and is handled). */
  protected setFlowLabel(ep: E, isOrig: boolean, label: number): void {
    const old = ep.flowLabel;
    // The record the event carries already has the new label, as Zeek's does.
    ep.flowLabel = label;
    // Zeek raises the event only from a side's second packet on: a side that counted no packet yet is on its first.
    if (old !== label && ep.numPkts > 0 && this.ctx.bus.wants.connection_flow_label_changed) {
      this.ctx.bus.queue("connection_flow_label_changed", this.val(), isOrig, old, label);
    }
  }

  // ---------------------------------------------------------------- timers

  /** Zeek's EnableStatusUpdateTimer: connection_status_update every interval, once installed. */
  enableStatusUpdateTimer(): void {
    const interval = this.ctx.settings.connection_status_update_interval;
    if ((this.flags & STATUS_TIMER) !== 0 || interval <= 0 || !this.ctx.bus.wants.connection_status_update) return;
    this.flags |= STATUS_TIMER;
    this.ctx.schedule(this, TimerKind.STATUS_UPDATE, this.ctx.clock.now + interval, false);
  }

  /** Zeek's SetInactivityTimeout: replaces the inactivity timer (due at last_time + timeout). */
  setInactivityTimeout(timeout: number): void {
    if (timeout === this.inactivityTimeout) return;
    this.ctx.cancelTimers(this, INACTIVITY_TIMER);
    if (timeout > 0) this.ctx.schedule(this, TimerKind.INACTIVITY, this.lastTime + timeout, false);
    this.inactivityTimeout = timeout;
  }
}

/** Events whose only argument is the connection. */
export type ConnOnlyEvent =
  | "new_connection"
  | "new_tunnelled_connection"
  | "connection_flipped"
  | "connection_timeout"
  | "connection_state_remove"
  | "connection_reused"
  | "connection_status_update"
  | "connection_established"
  | "connection_first_ACK"
  | "connection_attempt"
  | "connection_rejected"
  | "connection_reset"
  | "connection_finished"
  | "connection_half_finished"
  | "connection_partial_close"
  | "connection_pending"
  | "partial_connection"
  | "new_connection_contents"
  | "udp_request"
  | "udp_reply"
  | "udp_session_done";
