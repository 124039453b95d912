/**
 * The session layer: finds or creates the connection of each packet the IP
 * layer accepted, hands it to its transport analyzer, runs network-time
 * timers, and removes connections (by timers, reuse, or end of input) in
 * Zeek's order (Zeek's session manager, Zeek's timers and session removal).
 */

import type { EventBus } from "../event/bus.js";
import type { Connection } from "../event/records.js";
import type { Clock, Weirds } from "../event/weirds.js";
import { dstAddrText, srcAddrText } from "../ip/addr.js";
import { IPV6_HEADER_LEN } from "../ip/headers.js";
import { type EngineSettings, policyScriptLoaded } from "../options.js";
import { Packet } from "../packet/packet.js";
import type { PacketUse } from "../packet/packet-use.js";
import { pktHdr } from "../packet/pkt-hdr.js";
import { ConnRecord } from "./conn-record.js";
import { ConnTable, inKeyOrder, VlanConnTable } from "./conn-table.js";
import type { Conn, SessionServices } from "./connection.js";
import { Encapsulations } from "./encapsulations.js";
import { ConnIdContexts } from "./id-contexts.js";
import { isLoaded, LikelyServerPorts } from "./server-ports.js";
import { ConnCounts, GapStats } from "./stats.js";
import { ALL_KINDS, APP_KINDS, NO_TIMER, SESSION_KINDS, type TimerClient, TimerHeap, TimerKind } from "./timers.js";
import type { PacketAnalyzer, TransportAnalyzer, TunnelDecapsulator } from "./transport.js";
import { UidGenerator } from "./uid.js";
import { CONNKEY_VLAN_FIVETUPLE, VLAN_FIVETUPLE_SCRIPT } from "./vlan-key.js";

export interface SessionManagerOptions {
  bus: EventBus;
  weirds: Weirds;
  clock: Clock;
  settings: EngineSettings;
  bare: boolean;
  loads: string[];
  seed?: readonly number[];
  /** The engine's per-packet record of what was used of the packet (for -w). */
  use: PacketUse;
  /** A reporter warning of the engine's own (stderr when not given). */
  warning?: (message: string) => void;
  /** A reporter error of the engine's own, without a script location (stderr when not given). */
  error?: (message: string) => void;
}

/** Sees each connection's packets around its transport analyzer, and its removal (see SessionManager.setPacketTap). */
export interface PacketTap {
  /** Before the transport analyzer takes the packet. */
  before(conn: Conn, pkt: Packet, isOrig: boolean): void;
  /** After it did (and its application analyzers). */
  after(conn: Conn, pkt: Packet, isOrig: boolean): void;
  /** The connection is being removed: after its analyzers' Done, before connection_state_remove. */
  removing(conn: Conn): void;
}

/** Responder ports whose connections get Conn::port_inactivity_timeouts (1 h) at establishment. */
const PORT_INACTIVITY_TIMEOUTS: ReadonlyMap<number, number> = new Map([
  [21, 3600],
  [22, 3600],
  [23, 3600],
  [513, 3600],
]);

const ANALYZER_TIMERS = ALL_KINDS & ~SESSION_KINDS;

export class SessionManager implements SessionServices {
  readonly bus: EventBus;
  readonly weirds: Weirds;
  readonly clock: Clock;
  readonly settings: EngineSettings;
  readonly serverPorts: LikelyServerPorts;
  /**
   * Zeek fills every connection's c$orig$l2_addr and c$resp$l2_addr. bronze
   * keeps them only where something can read them: mac-logging's conn.log
   * columns, or any handler or hook not of the built-in scripts (a user's
   * script, a library user's engine.on: see Engine.on), which may print a
   * record. The built-in scripts read them nowhere else, so the default run
   * (and a SYN flood's million connections) keeps nothing per connection for them.
   * Kept, they cost a connection one small object (Conn.macs: ~60 bytes of
   * peak RSS a connection; ~150 when they shared the rare-fields object, on
   * the 1 M SYN flood with a user script's handler, 2026-12-07).
   */
  keepL2Addresses: boolean;
  readonly keepPppoeSession: boolean;
  /** Zeek builds each connection's record when it is created (a new_connection handler of its scripts runs). */
  private readonly recordsAtCreation: boolean;
  readonly packetUse: PacketUse;
  readonly warning: (message: string) => void;
  readonly error: (message: string) => void;
  terminating = false;
  /** get_gap_stats' counters (the TCP analyzer's ACK handling adds to them). */
  readonly gapStats = new GapStats();
  /** get_conn_stats' counts by transport. */
  readonly connCounts = new ConnCounts();
  /** Keyed by five-tuple, or also by VLAN tags (ConnKey::factory): one class per run, so the lookup stays monomorphic. */
  private readonly table: ConnTable;
  /** New connections are keyed by their first packet's VLAN tags too. */
  private readonly keyedByVlans: boolean;
  /** conn_id's ctx has vlan/inner_vlan (policy/frameworks/conn_key/vlan_fivetuple loaded): tagged connections' ids by uid, for the logs. */
  readonly idContexts: ConnIdContexts | null;
  /** Zeek's one timer manager: connections' timers and the files framework's (TimerClients). */
  private readonly timers = new TimerHeap<Conn, TimerClient>();
  private readonly uids: UidGenerator;
  /** The tunnels around the packet being processed (entered and left by the tunnel analyzers). */
  readonly encapsulations: Encapsulations;
  private decapsulator: TunnelDecapsulator | null = null;
  /** What sees each connection's packets and removal (setPacketTap); null unless signatures are loaded. */
  private tap: PacketTap | null = null;
  /** The transport analyzer of each IP protocol number (the fallback where none registered); null where a packet analyzer takes it. */
  private readonly transports: (TransportAnalyzer | null)[] = Array.from({ length: 256 }, () => null); // packed, not holey

  /** The packet analyzer of each IP protocol number, where one registered. */
  private readonly packetAnalyzers: (PacketAnalyzer | null)[] = Array.from({ length: 256 }, () => null);
  private fallback: TransportAnalyzer | null = null;

  constructor(ctx: SessionManagerOptions) {
    // Set at the end of input: known as mutable from the start, so that the code
    // reading it is not thrown away just before the final drain (see doubles.ts).
    this.terminating = false;
    this.bus = ctx.bus;
    this.weirds = ctx.weirds;
    this.clock = ctx.clock;
    this.settings = ctx.settings;
    this.packetUse = ctx.use;
    this.warning = ctx.warning ?? ((message) => process.stderr.write(`bronze: warning: ${message}\n`));
    this.error = ctx.error ?? ((message) => process.stderr.write(`bronze: error: ${message}\n`));
    this.serverPorts = new LikelyServerPorts(ctx.bare, ctx.loads, ctx.settings.likely_server_ports);
    // A policy script: loaded only when named, in bare mode or not.
    this.keepL2Addresses = policyScriptLoaded(ctx.loads, "protocols/conn/mac-logging");
    this.keepPppoeSession = policyScriptLoaded(ctx.loads, "protocols/conn/pppoe-session-id-logging");
    this.keyedByVlans = ctx.settings["ConnKey::factory"] === CONNKEY_VLAN_FIVETUPLE;
    this.table = this.keyedByVlans ? new VlanConnTable() : new ConnTable();
    this.idContexts = policyScriptLoaded(ctx.loads, VLAN_FIVETUPLE_SCRIPT) ? new ConnIdContexts() : null;
    this.uids = new UidGenerator(ctx.seed, ctx.settings.bits_per_uid);
    this.encapsulations = new Encapsulations(this.bus);
    // Zeek's new_connection handlers (conn.log's set_conn, the tunnel framework's) build every record at creation.
    // A bare run naming no script stands for `zeek -b base/protocols/conn` (bronze's -b writes conn.log).
    this.recordsAtCreation =
      ctx.loads.length === 0 || isLoaded(ctx.bare, ctx.loads, "base/protocols/conn") || isLoaded(ctx.bare, ctx.loads, "base/frameworks/tunnels");
    if (isLoaded(ctx.bare, ctx.loads, "base/protocols/conn")) {
      // base/protocols/conn/inactivity.zeek, run as a handler like Zeek does (after the packet).
      this.bus.on("connection_established", (c) => this.applyPortInactivityTimeout(c));
    }
  }

  /** Connections are keyed by their VLAN ids too (ConnKey::factory CONNKEY_VLAN_FIVETUPLE): a conn_id's ctx is part of its key. */
  get vlanKeyed(): boolean {
    return this.keyedByVlans;
  }

  /** Stands for a conn_id in findById (made at the first lookup: a run that never looks one up never has it). */
  private probe: Packet | null = null;

  /**
   * Zeek's session_mgr->FindConnection(conn_id): the tracked connection
   * keyed `orig`:`origPort` and `resp`:`respPort` (16-byte addresses, IPv4
   * mapped) over IP protocol `proto`, either way round unless `oneWay`,
   * probed by its hash as a packet's connection is (no walk over the
   * table); `vlan` and `innerVlan` (−1: no such tag) count only where
   * connections are keyed by VLAN too. Null when there is none.
   */
  findById(
    orig: Uint8Array,
    origPort: number,
    resp: Uint8Array,
    respPort: number,
    proto: number,
    oneWay: boolean,
    vlan: number,
    innerVlan: number,
  ): Conn | null {
    const p = (this.probe ??= new Packet());
    const o = new DataView(orig.buffer, orig.byteOffset, 16);
    const r = new DataView(resp.buffer, resp.byteOffset, 16);
    p.src0 = o.getInt32(0);
    p.src1 = o.getInt32(4);
    p.src2 = o.getInt32(8);
    p.src3 = o.getInt32(12);
    p.dst0 = r.getInt32(0);
    p.dst1 = r.getInt32(4);
    p.dst2 = r.getInt32(8);
    p.dst3 = r.getInt32(12);
    p.vlan = vlan;
    p.innerVlan = innerVlan;
    const conn = this.table.find(p, origPort, respPort, proto, oneWay);
    return conn === null || conn.removed ? null : conn;
  }

  /** Number of connections currently tracked. */
  get connectionCount(): number {
    return this.table.size;
  }

  // ---------------------------------------------------------------- timers

  /** Dispatches timers due at or before network time (at most max_timer_expires; 0: every one due, as Zeek's dispatch_all_expired). */
  advanceTime(): void {
    // Network time is read where it is compared, not passed in: a double
    // handed to a call that V8 does not inline is boxed, one heap number per packet.
    const max = this.settings.max_timer_expires || Number.POSITIVE_INFINITY;
    for (let n = 0; n < max; n++) {
      if (!this.timers.due(this.clock)) return;
      this.fire(this.timers.pop(), false);
    }
  }

  schedule(conn: Conn, kind: TimerKind, time: number, atShutdown: boolean): void {
    this.timers.add(conn, kind, time, atShutdown);
  }

  /** A TimerClient's timer at `time`; it is given back through client.onTimer, also when flushed at end of input. */
  scheduleClient(client: TimerClient, time: number): void {
    this.timers.addClient(client, time);
  }

  cancelTimers(conn: Conn, kinds: number): void {
    this.timers.cancel(conn, kinds);
  }

  cancelAnalyzerTimers(conn: Conn): void {
    this.timers.cancel(conn, ANALYZER_TIMERS);
  }

  /**
   * Runs popped timer `id` (released first: its id may be reused by what it
   * schedules) at network time, which it and the timers read from the clock
   * (a double handed to a call not inlined is boxed: a heap number per timer).
   */
  private fire(id: number, atEnd: boolean): void {
    const heap = this.timers;
    const owner = heap.owner(id);
    const kind = heap.kind(id);
    const atShutdown = heap.atShutdown(id);
    heap.release(id);
    // Only scheduleClient makes CLIENT timers, and only connections make the other kinds.
    if (kind === TimerKind.CLIENT) {
      (owner as TimerClient).onTimer(atEnd);
      return;
    }
    const conn = owner as Conn;
    if (conn.removed) return;
    if (atEnd && !atShutdown) return;
    if (kind === TimerKind.INACTIVITY) this.inactivityTimer(conn);
    else if (kind === TimerKind.STATUS_UPDATE) {
      conn.event("connection_status_update");
      this.schedule(conn, TimerKind.STATUS_UPDATE, this.clock.now + this.settings.connection_status_update_interval, false);
    } else conn.onTimer(kind);
  }

  /** Zeek's Session::InactivityTimer (Zeek's TimerMgr). */
  private inactivityTimer(conn: Conn): void {
    const now = this.clock.now;
    if (conn.lastTime + conn.inactivityTimeout <= now) {
      conn.event("connection_timeout");
      this.connCounts.killedByInactivity++;
      this.remove(conn);
    } else {
      this.schedule(conn, TimerKind.INACTIVITY, conn.lastTime + conn.inactivityTimeout, false);
    }
  }

  // ---------------------------------------------------------------- removal

  /** Removes `conn`: cancel its timers, analyzer Done, connection_state_remove, forget it (session::Manager::Remove). */
  remove(conn: Conn): void {
    if (conn.removed) return;
    conn.markRemoved();
    // Zeek's order: the session's timers, the transport analyzer's, then its children's (DNS's expiry).
    this.timers.cancel(conn, SESSION_KINDS);
    this.timers.cancel(conn, ALL_KINDS & ~APP_KINDS);
    this.timers.cancel(conn, ALL_KINDS);
    conn.done();
    if (this.tap !== null) this.tap.removing(conn);
    conn.event("connection_state_remove");
    // Its ids stay findable by uid a while: its logs may come later (files, notices).
    if (this.idContexts !== null && conn.record !== null) this.idContexts.retire(conn.record.uid, this.clock.now);
    // The queued events hold the record; the connection, dead but in the old
    // generation, must not keep it (and what it refers to) alive through
    // scavenges: it would be promoted, old-space garbage a removal each.
    conn.record = null;
    this.table.remove(conn);
    this.connCounts.removed(conn.transport);
  }

  /** True when a handler could ever see a uid (conn.log, weird.log, user scripts). */
  private uidsNeeded(): boolean {
    const w = this.bus.wants;
    return w.new_connection || w.connection_state_remove || w.weird;
  }

  newUid(): string {
    return this.uids.next();
  }

  reserveUid(): number {
    return this.uids.reserve();
  }

  uidText(draw: number): string {
    return this.uids.uidAt(draw);
  }

  /** base/protocols/conn/inactivity.zeek: 1 h for ftp/ssh/telnet/rlogin at establishment. */
  private applyPortInactivityTimeout(c: Connection): void {
    const conn = c instanceof ConnRecord ? (c.owner as Conn) : undefined;
    if (conn === undefined || conn.removed) return;
    let port = c.id.resp_p;
    if (c.orig.state === 0) {
      const lsp = this.serverPorts.tcp;
      if (lsp[c.id.resp_p] !== 1 && lsp[c.id.orig_p] === 1) port = c.id.orig_p;
    }
    const timeout = PORT_INACTIVITY_TIMEOUTS.get(port);
    if (timeout !== undefined) conn.setInactivityTimeout(timeout);
  }

  // ---------------------------------------------------------------- packets

  /**
   * Registers a transport analyzer for its protocol numbers (Zeek's
   * IPBasedAnalyzer): a later registration for the same number replaces the
   * earlier one; one with no protocols is the fallback for the numbers
   * nobody registered.
   */
  registerTransport(analyzer: TransportAnalyzer): void {
    if (analyzer.protocols.length === 0) {
      const old = this.fallback;
      this.fallback = analyzer;
      for (let p = 0; p < 256; p++) if (this.transports[p] === old && this.packetAnalyzers[p] === null) this.transports[p] = analyzer;
      return;
    }
    for (const p of analyzer.protocols) {
      this.transports[p] = analyzer;
      this.packetAnalyzers[p] = null;
    }
  }

  /**
   * Disables the fallback (Zeek's Analyzer::disable_analyzer of
   * PacketAnalyzer::ANALYZER_UNKNOWN_IP_TRANSPORT): packets of protocols no
   * analyzer registered are left alone, without connections or
   * unknown_protocol reports.
   */
  disableFallback(): void {
    if (this.fallback === null) return;
    for (let p = 0; p < 256; p++) if (this.transports[p] === this.fallback) this.transports[p] = null;
    this.disabledFallback = this.fallback;
    this.fallback = null;
  }

  /** Zeek's Analyzer::enable_analyzer of ANALYZER_UNKNOWN_IP_TRANSPORT: undoes disableFallback. */
  enableFallback(): void {
    const fallback = this.disabledFallback;
    if (fallback === null) return;
    this.disabledFallback = null;
    this.registerTransport(fallback);
  }

  /** The fallback while disabled (disableFallback), kept for enableFallback. */
  private disabledFallback: TransportAnalyzer | null = null;

  /** Registers a packet analyzer (no connections: IP tunnels) for its protocol numbers, replacing any transport analyzer there. */
  registerPacketAnalyzer(analyzer: PacketAnalyzer): void {
    for (const p of analyzer.protocols) {
      this.packetAnalyzers[p] = analyzer;
      this.transports[p] = null;
    }
  }

  /** Zeek's UnknownIPTransport reports each packet it analyses as an unknown protocol (after its connection's events), when a script handles them. */
  unknownIpProtocol: ((pkt: Packet) => void) | null = null;

  process(pkt: Packet): void {
    const transport = this.transports[pkt.ipProto]!;
    if (transport !== null) {
      this.processTransport(transport, pkt);
      if (transport === this.fallback && this.unknownIpProtocol !== null) this.unknownIpProtocol(pkt);
      return;
    }
    const analyzer = this.packetAnalyzers[pkt.ipProto]!;
    if (analyzer !== null) analyzer.process(pkt);
    else this.skipped(); // no analyzer at all for this protocol
  }

  /** Zeek's CheckHeaderTrunc (IPBasedAnalyzer::CheckHeaderTrunc): the fixed transport header must be there. */
  private headerPresent(pkt: Packet, min: number, source: string): boolean {
    if (pkt.l4Len >= min && pkt.l4CapLen >= min) return true;
    this.packetUse.whole(); // rejected: kept as evidence
    if (pkt.l4Len < min) {
      this.weirds.flow("truncated_header", srcAddrText(pkt), dstAddrText(pkt), "", source);
      return false;
    }
    if (pkt.l4CapLen < min) {
      this.weirds.flow("internally_truncated_header", srcAddrText(pkt), dstAddrText(pkt), "", source);
    }
    return false;
  }

  /** Zeek's IPBasedAnalyzer::AnalyzePacket: the packet's connection, found or started (and perhaps flipped or replaced), then its analyzer. */
  private processTransport(t: TransportAnalyzer, pkt: Packet): void {
    const min = t.minHeader;
    if (min > 0 && !this.headerPresent(pkt, min, t.name)) return;
    let sport = 0;
    let dport = 0;
    let oneWay = false;
    if (t.portsInHeader) {
      const d = pkt.data;
      const off = pkt.l4Offset;
      sport = (d[off]! << 8) | d[off + 1]!;
      dport = (d[off + 2]! << 8) | d[off + 3]!;
    } else if (t.keyPorts !== null) {
      const keys = t.keyPorts(pkt);
      sport = keys & 0xffff;
      dport = (keys >>> 16) & 0x7fff;
      oneWay = keys < 0;
    }
    let conn = this.table.find(pkt, sport, dport, pkt.ipProto, oneWay);
    const isReuse = t.isReuse;
    if (isReuse !== null && conn !== null && isReuse(conn, pkt)) {
      conn.event("connection_reused");
      this.remove(conn);
      conn = null;
    }
    if (conn === null) {
      const flip = t.wanted(this, pkt, sport, dport);
      if (flip === null || !this.roomForOneMore(pkt)) return this.skipped();
      conn = t.create(this, pkt, sport, dport, oneWay);
      this.created(conn, pkt, flip);
    }
    this.dispatch(conn, pkt, sport, t.headerLength === null ? min : t.headerLength(pkt));
  }

  /** The packet created no state and fed no analyzer: not recorded (unless it is inside a tunnel, whose carrier was used). */
  private skipped(): void {
    if (this.encapsulations.depth === 0) this.packetUse.skipped();
  }

  private roomForOneMore(pkt: Packet): boolean {
    if (this.table.size < this.settings.max_connections) return true;
    this.weirds.flow("max_connections_reached", srcAddrText(pkt), dstAddrText(pkt));
    return false;
  }

  /** A connection was just built from `pkt`: flip if asked, start its analyzer, announce it. */
  private created(conn: Conn, pkt: Packet, flip: boolean): void {
    // A flip at creation is suppressed towards the IPv4 limited broadcast (Connection::FlipRoles).
    const broadcast = pkt.dst0 === 0 && pkt.dst1 === 0 && pkt.dst2 === 0xffff && pkt.dst3 >>> 0 === 0xffffffff;
    // Zeek's connection starts with its first packet's IPv6 flow label as the originator's (before any flip).
    if (pkt.flowLabel !== 0) conn.orig.flowLabel = pkt.flowLabel;
    if (flip && !broadcast) conn.flipRoles();
    if (this.keyedByVlans) conn.keyVlans(pkt);
    this.table.insert(conn);
    this.connCounts.created(conn.transport);
    // Zeek draws the uid when the record is first built (Connection::GetVal):
    // at creation when a new_connection handler runs (the conn script's,
    // loaded by default), so draw it now and uid order is creation order.
    // Otherwise (-b without it) at the connection's first event, as val() does.
    if (this.bus.wants.new_connection || (this.recordsAtCreation && this.uidsNeeded())) conn.reserveUid(this.uids.reserve());
    this.encapsulations.attach(conn);
    conn.init();
    if (conn.tunnel !== null) conn.event("new_tunnelled_connection");
    conn.event("new_connection");
  }

  /** ipv6_ext_headers with the packet's pkt_hdr (its extension header chain). */
  private extHeaders(conn: Conn, pkt: Packet): void {
    this.bus.queue("ipv6_ext_headers", conn.val(), pktHdr(pkt.data, pkt.l3Offset, pkt.reassembled ? 0 : pkt.end - pkt.l3Offset));
  }

  /** Zeek's new_packet: the connection and the packet's headers (a reassembled datagram's whole). */
  private newPacket(conn: Conn, pkt: Packet): void {
    this.bus.queue("new_packet", conn.val(), pktHdr(pkt.data, pkt.l3Offset, pkt.reassembled ? 0 : pkt.end - pkt.l3Offset));
  }

  /** Hands `pkt` to its connection's analyzer; `headerLen` is its transport header's (for header-only recording). */
  private dispatch(conn: Conn, pkt: Packet, sport: number, headerLen: number): void {
    const use = this.packetUse;
    // An inner packet is dispatched after its carrier: the last set is the deepest.
    use.headerEnd = pkt.l4Offset + headerLen;
    use.conn = conn;
    use.transport = pkt;
    const isOrig = conn.isFromOrig(pkt, sport);
    if (this.encapsulations.depth > 0 || conn.tunnel !== null) this.encapsulations.check(conn);
    conn.checkFlowLabel(isOrig, pkt.flowLabel);
    // Asked here by name (a plain load), not through conn.event's has(name), for every packet.
    // Zeek's ipv6_ext_headers: an IPv6 packet with extension headers, just before new_packet.
    if (this.bus.wants.ipv6_ext_headers && pkt.ipVersion === 6 && pkt.ipHeaderLen > IPV6_HEADER_LEN) this.extHeaders(conn, pkt);
    if (this.bus.wants.new_packet) this.newPacket(conn, pkt);
    // Zeek's Connection::NextPacket returns at once for a skipped connection; what comes before it still runs.
    if (conn.skipping) return;
    // The connection's transport analyzer takes it; a tap (bronze -s) sees it before and after.
    const tap = this.tap;
    if (tap === null) conn.deliver(pkt, isOrig);
    else {
      tap.before(conn, pkt, isOrig);
      conn.deliver(pkt, isOrig);
      tap.after(conn, pkt, isOrig);
    }
  }

  /** Sets what sees each connection's packets around its transport analyzer, and its removal (user signatures, bronze -s). */
  setPacketTap(tap: PacketTap): void {
    this.tap = tap;
  }

  // ---------------------------------------------------------------- tunnels

  /** Registers the decapsulator of tunnels carried by connections (src/analyzer/tunnel). */
  registerDecapsulator(decapsulator: TunnelDecapsulator): void {
    this.decapsulator = decapsulator;
    for (const p of decapsulator.udpServerPorts) this.serverPorts.udp[p] = 1;
  }

  /** The inner packet of a UDP tunnel carried by `outer`, through the registered decapsulator. */
  tunnel(outer: Conn, pkt: Packet, kind: number): boolean | null {
    return this.decapsulator === null ? false : this.decapsulator.udp(outer, pkt, kind);
  }

  newTunnelUid(): string | null {
    return this.uidsNeeded() ? this.uids.next() : null;
  }

  // ---------------------------------------------------------------- end of input

  /** Timers pending now and scheduled so far (get_timer_stats' current and cumulative). */
  timerCounts(): { current: number; cumulative: number } {
    return { current: this.timers.size, cumulative: this.timers.scheduled };
  }

  /** End of input, first part (Zeek's timer_mgr->Expire): the pending timers in heap order, as shutdown timers. */
  expireTimers(): void {
    this.terminating = true;
    for (let id = this.timers.pop(); id !== NO_TIMER; id = this.timers.pop()) this.fire(id, true);
  }

  /** End of input (session::Manager::Drain): shutdown timers in heap order, then every connection in key order. */
  finish(): void {
    this.expireTimers();
    const c = this.connCounts;
    c.activeAtEnd = { tcp: c.activeTcp, udp: c.activeUdp, icmp: c.activeIcmp };
    const rest = inKeyOrder(this.table.all());
    for (const conn of rest) this.remove(conn);
  }
}
