/**
 * The UDP analyzer (Zeek's UDPSessionAdapter): sizes from the UDP length field, `D`/`d` once,
 * bad checksums as scaled `C`/`c`, udp_request/udp_reply/udp_contents, and the
 * rules the application analyzers attached by port declare for the flow
 * (AnalyzerComponent.udpFlow): a role rule that may turn it around (DNS, NTP),
 * their own expiry timer (DNS's, which also fires at end of input), a
 * fixed lifetime (RPC's rpc_timeout), and
 * udp_session_done at removal (DNS, NTP, SNMP, Syslog).
 */

import type { Transport } from "../../event/records.js";
import { u16 } from "../../packet/bytes.js";
import { transportChecksumRejected } from "../../packet/checksum.js";
import { IPPROTO_UDP } from "../../packet/ip-protocols.js";
import type { Packet } from "../../packet/packet.js";
import { Conn, EndpointBase, RECORD_FRESH, RECORD_PINNED, type SessionServices } from "../../session/connection.js";
import { ScaledLetter } from "../../session/scaled-letter.js";
import { TimerKind } from "../../session/timers.js";
import { ROLE_DONE, ROLE_FLIP, ROLE_USED, type UdpRoleRule } from "../app/analyzer.js";
import { ConnDatagrams } from "../app/conn-datagrams.js";
import { appRegistryOf } from "../app/registry.js";
import { looksLikeTeredo, TunnelKind, tunnelKindForPort } from "../tunnel/udp-tunnels.js";

const UDP_HEADER = 8;
const HIST_ORIG_DATA_PKT = 0x1;
const HIST_RESP_DATA_PKT = 0x2;

export class UdpEndpoint extends EndpointBase {
  flowLabel = 0;
  /** Sum of UDP length − 8; −1 until the side sent a valid datagram. */
  size = -1;
  checksum: ScaledLetter | null = null;
}

export class UdpConn extends Conn<UdpEndpoint> {
  get transport(): Transport {
    return "udp";
  }
  /** The expiry period of the attached analyzer that expires the flow itself (DNS), 0 for none. */
  private expiry = 0;
  /** An application analyzer that raises udp_session_done is attached. */
  private sessionDone = false;
  /** Teredo found by content: 0 untested, 1 following, −1 not Teredo. */
  private teredoDpd = 0;
  /** The role rule of the analyzer attached by port that may still turn the flow around, null for none. */
  private roleRule: UdpRoleRule | null = null;
  /** The flow's application analyzers (by port, expectation, DPD); null until it has any. */
  private apps: ConnDatagrams | null = null;
  /** DPD was considered for this flow (it starts with the first datagram that carries payload). */
  private piaTried = false;
  /** The analyzer id of the flow's session adapter (0 without an application layer). */
  private rootAid = 0;

  /** This flow is never partial (a TCP notion), for the analyzers' host. */
  get isPartial(): boolean {
    return false;
  }

  constructor(ctx: SessionServices, pkt: Packet, sport: number, dport: number) {
    super(ctx, IPPROTO_UDP, pkt, sport, dport, false, new UdpEndpoint(), new UdpEndpoint());
  }

  init(): void {
    const ctx = this.ctx;
    const registry = appRegistryOf(ctx);
    if (registry?.wantsConnection(this.respPort, true)) {
      this.apps = new ConnDatagrams(this, registry);
      this.rootAid = this.apps.buildFromPorts(this, this.respPort, ctx.clock.now);
    } else this.rootAid = registry?.reserveConnectionIds(this.respPort, true) ?? 0; // Zeek's session adapter, PIA and ConnSize take ids all the same
    if (registry?.connSize === false) this.withoutConnSize();
    this.enableStatusUpdateTimer();
    this.setInactivityTimeout(ctx.settings.udp_inactivity_timeout);
    const rules = registry?.udpFlowRules(this.respPort);
    if (rules === undefined) return;
    this.sessionDone = rules.sessionDone === true;
    this.roleRule = rules.role ?? null;
    if (rules.expiry !== undefined) {
      this.expiry = rules.expiry;
      ctx.schedule(this, TimerKind.APP_EXPIRE, ctx.clock.now + rules.expiry, true);
    }
    if (rules.lifetime !== undefined) ctx.schedule(this, TimerKind.APP_LIFETIME, ctx.clock.now + rules.lifetime(ctx.settings), true);
  }

  protected endpointSize(ep: UdpEndpoint): number {
    return Math.max(ep.size, 0);
  }

  protected endpointState(ep: UdpEndpoint): number {
    return ep.size < 0 ? 0 : 1;
  }

  deliver(pkt: Packet, isOrig: boolean): void {
    const ctx = this.ctx;
    const ep = isOrig ? this.orig : this.resp;
    if (ctx.bus.wants.packet_contents) this.packetContents(pkt, pkt.l4Offset + UDP_HEADER);
    if (transportChecksumRejected(pkt, ctx.settings)) {
      ctx.packetUse.whole(); // evidence; header-only, a re-read could not check the sum
      this.weird("bad_UDP_checksum", "", "UDP");
      const t = (ep.checksum ??= new ScaledLetter()).count();
      if (t > 0) {
        this.addHistory(isOrig ? "C" : "c");
        if (t > 1 && ctx.bus.wants.udp_multiple_checksum_errors) ctx.bus.queue("udp_multiple_checksum_errors", this.val(), isOrig, t);
      }
      return;
    }
    const d = pkt.data;
    const off = pkt.l4Offset;
    const len = pkt.l4Len;
    const ulen = u16(d, off + 4);
    if (ulen !== len) this.weird("UDP_datagram_length_mismatch", `${ulen} != ${len}`, "UDP");
    this.setLastTime(pkt);
    const bus = ctx.bus;
    if (bus.wants.udp_contents && this.contentsWanted(isOrig)) {
      ctx.packetUse.whole();
      const end = off + Math.min(len, pkt.l4CapLen);
      bus.queue("udp_contents", this.val(), isOrig, d.slice(off + UDP_HEADER, Math.max(off + UDP_HEADER, end)));
    }
    const payload = ulen - UDP_HEADER;
    ep.size = ep.size < 0 ? payload : ep.size + payload;
    if (isOrig) {
      this.checkHistory(HIST_ORIG_DATA_PKT, "D");
      this.event("udp_request");
    } else {
      this.checkHistory(HIST_RESP_DATA_PKT, "d");
      this.event("udp_reply");
    }
    if (this.roleRule !== null) this.applyRoleRule(pkt, isOrig);
    if (this.apps !== null || !this.piaTried) this.analyze(pkt, isOrig, len);
    const tunnel = tunnelKindForPort(this.respPort);
    if (tunnel !== TunnelKind.NONE) ctx.tunnel(this, pkt, tunnel);
    else if (this.teredoDpd > 0 || (this.teredoDpd === 0 && looksLikeTeredo(pkt.data, pkt.l4Offset + UDP_HEADER, pkt.l4Offset + Math.min(len, pkt.l4CapLen)))) {
      // Zeek also finds Teredo on any port by signature (DPD): followed while every packet parses.
      // Teredo switched off (null) decides nothing: Zeek's detection skips it and tries the flow again once it is back.
      const teredo = ctx.tunnel(this, pkt, this.teredoDpd > 0 ? TunnelKind.TEREDO : TunnelKind.TEREDO_PROBE);
      if (teredo !== null) this.teredoDpd = teredo ? 1 : -1;
    } else this.teredoDpd = -1;
    // Unlike ICMP, ConnSize counts UDP datagrams even when not captured in full
    // (corpus: udp-contents-truncated-oob.pcap).
    this.countPacket(ep, pkt);
  }

  /** Hands the datagram's payload (as captured) to the flow's analyzers; DPD starts with the first one that has payload. */
  private analyze(pkt: Packet, isOrig: boolean, len: number): void {
    const start = pkt.l4Offset + UDP_HEADER;
    const end = pkt.l4Offset + Math.min(len, pkt.l4CapLen);
    if (end <= start && this.apps === null) return;
    if (!this.piaTried) {
      this.piaTried = true;
      const registry = appRegistryOf(this.ctx);
      if (registry?.signaturesFor(true) != null) {
        this.apps ??= new ConnDatagrams(this, registry);
        this.apps.startPia();
      }
      if (this.apps === null) return;
    }
    const apps = this.apps!;
    if (!apps.analyzing) return;
    this.ctx.packetUse.whole(); // analysers parse the payload
    // While the analyzers parse the datagram nothing the record shows but the
    // history changes (its size was counted before, its packet counts come
    // after): their events, often several a datagram (DNS), refresh the record
    // once (see Conn.val); a flip ends the shortcut.
    this.flags |= RECORD_PINNED;
    try {
      apps.deliver(isOrig, pkt.data.subarray(start, Math.max(start, end)));
    } finally {
      this.flags &= ~(RECORD_PINNED | RECORD_FRESH);
    }
  }

  override rootAnalyzerId(): number {
    return this.rootAid;
  }

  protected override connSizeIdAtCreation(): number {
    const registry = appRegistryOf(this.ctx);
    return registry === undefined || this.rootAid === 0 ? 0 : registry.connSizeId(this.rootAid, this.respPort, true);
  }

  /** The application analyzers of this flow, if any. */
  override appTree(): ConnDatagrams | null {
    return this.apps;
  }

  /** The attached analyzer's role rule (AnalyzerComponent.udpFlow.role) on this datagram's payload. */
  private applyRoleRule(pkt: Packet, isOrig: boolean): void {
    const at = pkt.l4Offset + UDP_HEADER;
    const end = pkt.l4Offset + Math.min(pkt.l4Len, pkt.l4CapLen);
    const verdict = this.roleRule!(pkt.data, at, end, isOrig, this.respMulticast());
    if ((verdict & ROLE_USED) !== 0) this.ctx.packetUse.whole(); // the analyzer parsed the message
    if ((verdict & ROLE_DONE) !== 0) this.roleRule = null;
    if ((verdict & ROLE_FLIP) !== 0) this.flipRoles(false);
  }

  private respMulticast(): boolean {
    if (this.r0 === 0 && this.r1 === 0 && this.r2 === 0xffff) return this.r3 >>> 28 === 0xe;
    return this.r0 >>> 24 === 0xff;
  }

  /**
   * Whether a payload goes out as udp_contents: either of the packet's
   * ports in udp_content_ports, else its destination port (the responder's
   * with udp_content_delivery_ports_use_resp) in its direction's table.
   */
  private contentsWanted(isOrig: boolean): boolean {
    const s = this.ctx.settings;
    const dport = isOrig ? this.respPort : this.origPort;
    const sport = isOrig ? this.origPort : this.respPort;
    if (s.udp_content_ports.has(dport) || s.udp_content_ports.has(sport)) return true;
    const port = s.udp_content_delivery_ports_use_resp ? this.respPort : dport;
    return isOrig
      ? s.udp_content_deliver_all_orig || s.udp_content_delivery_ports_orig.has(port)
      : s.udp_content_deliver_all_resp || s.udp_content_delivery_ports_resp.has(port);
  }

  onTimer(kind: TimerKind): void {
    if (kind === TimerKind.APP_LIFETIME) {
      this.event("connection_timeout");
      this.ctx.remove(this);
      return;
    }
    if (kind !== TimerKind.APP_EXPIRE) return;
    const now = this.ctx.clock.now;
    // The exact timeout is not checked: a second of slack, as the DNS analyzer allows.
    if (now - this.lastTime >= this.expiry - 1 || this.ctx.terminating) {
      this.event("connection_timeout");
      this.ctx.remove(this);
    } else {
      this.ctx.schedule(this, TimerKind.APP_EXPIRE, now + this.expiry, true);
    }
  }

  done(): void {
    if (this.sessionDone) this.event("udp_session_done");
    this.apps?.done();
  }
}
