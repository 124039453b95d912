/**
 * The UDP analyzer (§5.1): sizes from the UDP length field, `D`/`d` once,
 * bad checksums as scaled `C`/`c`, udp_request/udp_reply/udp_contents, and the
 * parts of the port-attached application analyzers that change conn.log: the
 * DNS analyzer's own 10 s expiry timer (which also fires at end of input) and
 * udp_session_done raised by the DNS/NTP/SNMP/Syslog analyzers at removal.
 */
import type { Transport } from "../../event/records.js";
import { u16 } from "../../packet/bytes.js";
import { transportChecksumOk } from "../../packet/checksum.js";
import type { Packet } from "../../packet/packet.js";
import { Conn, EndpointBase, type SessionServices } from "../../session/connection.js";
import { ScaledLetter } from "../../session/scaled-letter.js";
import { TimerKind } from "../../session/timers.js";
import { ConnDatagrams } from "../app/conn-datagrams.js";
import { appRegistryOf } from "../app/registry.js";
import { looksLikeTeredo, TunnelKind, tunnelKindForPort } from "../tunnel/udp-tunnels.js";

const UDP_HEADER = 8;
const HIST_ORIG_DATA_PKT = 0x1;
const HIST_RESP_DATA_PKT = 0x2;
/** dns_session_timeout: the DNS analyzer's expiry period. */
const DNS_SESSION_TIMEOUT = 10;
const DNS_HEADER = 12;
/** The QR bit (response) in the third byte of a DNS header. */
const DNS_QR = 0x80;
const NTP_MIN_MESSAGE = 48;
const NTP_MODE_CLIENT = 3;
const NTP_MODE_SERVER = 4;
const ROLE_HINT_DNS = 1;
const ROLE_HINT_NTP = 2;

/**
 * Whether the NTP analyzer would parse this message (only then can it flip
 * roles): 48 bytes, optionally a 20/24-byte MAC, or NTPv4 extension fields.
 * Corpus: a 73-byte NTPv2 message (ntp-no-extensions-mac.pcap) flips nothing.
 */
function ntpParses(first: number, len: number): boolean {
  if (len === NTP_MIN_MESSAGE || len === NTP_MIN_MESSAGE + 20 || len === NTP_MIN_MESSAGE + 24) return true;
  const version = (first >> 3) & 7;
  return version === 4 && len > NTP_MIN_MESSAGE && (len - NTP_MIN_MESSAGE) % 4 === 0;
}

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
  /** The DNS analyzer is attached (it has the expiry timer). */
  private dns = false;
  /** An application analyzer that raises udp_session_done is attached. */
  private sessionDone = false;
  /** Teredo found by content: 0 untested, 1 following, −1 not Teredo. */
  private teredoDpd = 0;
  /** Which analyzer may still turn the flow around (ROLE_HINT_*), 0 for none. */
  private roleHints = 0;
  /** The flow's application analyzers (by port, expectation, DPD); null until it has any. */
  private apps: ConnDatagrams | null = null;
  /** DPD was considered for this flow (it starts with the first datagram that carries payload). */
  private piaTried = false;

  /** This flow is never partial (a TCP notion), for the analyzers' host. */
  get isPartial(): boolean {
    return false;
  }

  constructor(ctx: SessionServices, pkt: Packet, sport: number, dport: number) {
    super(ctx, 17, pkt, sport, dport, false, new UdpEndpoint(), new UdpEndpoint());
  }

  init(): void {
    const ctx = this.ctx;
    const registry = appRegistryOf(ctx);
    if (registry?.wantsConnection(this.respPort, true)) {
      this.apps = new ConnDatagrams(this, registry);
      this.apps.buildFromPorts(this.origAddrText(), this.respAddrText(), this.respPort, ctx.clock.now);
    }
    this.enableStatusUpdateTimer();
    this.setInactivityTimeout(ctx.settings.udp_inactivity_timeout);
    this.sessionDone = ctx.udpSessionDonePorts.has(this.respPort);
    if (ctx.ntpPorts.has(this.respPort)) this.roleHints = ROLE_HINT_NTP;
    if (ctx.dnsPorts.has(this.respPort)) {
      this.dns = true;
      this.roleHints = ROLE_HINT_DNS;
      ctx.schedule(this, TimerKind.DNS_EXPIRE, ctx.clock.now + DNS_SESSION_TIMEOUT, true);
    }
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
    if (!ctx.settings.ignore_checksums && pkt.l4CapLen >= pkt.l4Len && !transportChecksumOk(pkt)) {
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
    if (this.roleHints !== 0) this.applyRoleHint(pkt, isOrig);
    if (this.apps !== null || !this.piaTried) this.analyze(pkt, isOrig, len);
    const tunnel = tunnelKindForPort(this.respPort);
    if (tunnel !== TunnelKind.NONE) ctx.tunnel(this, pkt, tunnel);
    else if (this.teredoDpd > 0 || (this.teredoDpd === 0 && looksLikeTeredo(pkt.data, pkt.l4Offset + UDP_HEADER, pkt.l4Offset + Math.min(len, pkt.l4CapLen)))) {
      // Zeek also finds Teredo on any port by signature (DPD): followed while every packet parses.
      this.teredoDpd = ctx.tunnel(this, pkt, this.teredoDpd > 0 ? TunnelKind.TEREDO : TunnelKind.TEREDO_PROBE) ? 1 : -1;
    } else this.teredoDpd = -1;
    // Unlike ICMP, ConnSize counts UDP datagrams even when not captured in full
    // (corpus: udp-contents-truncated-oob.pcap).
    ep.numPkts++;
    ep.numBytesIp += pkt.ipTotalLen;
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
    apps.deliver(isOrig, pkt.data.subarray(start, Math.max(start, end)));
  }

  /** The application analyzers of this flow, if any. */
  override appTree(): ConnDatagrams | null {
    return this.apps;
  }

  /**
   * The DNS and NTP analyzers turn a flow around when its first message says
   * the originator is really the server: a DNS response as the first message
   * (unless the responder is multicast), an NTP server message from orig or a
   * client message from resp.
   */
  private applyRoleHint(pkt: Packet, isOrig: boolean): void {
    const d = pkt.data;
    const at = pkt.l4Offset + UDP_HEADER;
    const avail = Math.min(pkt.l4Len, pkt.l4CapLen) - UDP_HEADER;
    if (this.roleHints === ROLE_HINT_DNS) {
      if (avail < DNS_HEADER) return;
      this.ctx.packetUse.whole(); // the DNS analyzer parsed the message
      this.roleHints = 0; // only the first parsed message counts
      if (isOrig && (d[at + 2]! & DNS_QR) !== 0 && !this.respMulticast()) this.flipRoles(false);
    } else if (this.roleHints === ROLE_HINT_NTP && ntpParses(d[at]!, avail)) {
      this.ctx.packetUse.whole(); // the NTP analyzer parsed the message
      const mode = d[at]! & 7;
      if ((mode === NTP_MODE_SERVER && isOrig) || (mode === NTP_MODE_CLIENT && !isOrig)) this.flipRoles(false);
    }
  }

  private respMulticast(): boolean {
    if (this.r0 === 0 && this.r1 === 0 && this.r2 === 0xffff) return this.r3 >>> 28 === 0xe;
    return this.r0 >>> 24 === 0xff;
  }

  private contentsWanted(isOrig: boolean): boolean {
    const s = this.ctx.settings;
    return isOrig
      ? s.udp_content_deliver_all_orig || s.udp_content_delivery_ports_orig.has(this.respPort)
      : s.udp_content_deliver_all_resp || s.udp_content_delivery_ports_resp.has(this.respPort);
  }

  onTimer(kind: TimerKind, now: number): void {
    if (kind !== TimerKind.DNS_EXPIRE) return;
    // The exact timeout is not checked: a second of slack, as the DNS analyzer allows.
    if (now - this.lastTime >= DNS_SESSION_TIMEOUT - 1 || this.ctx.terminating) {
      this.event("connection_timeout");
      this.ctx.remove(this);
    } else {
      this.ctx.schedule(this, TimerKind.DNS_EXPIRE, now + DNS_SESSION_TIMEOUT, true);
    }
  }

  done(): void {
    if (this.sessionDone) this.event("udp_session_done");
    this.apps?.done();
  }

  /** True when the DNS analyzer (and its expiry timer) is attached. */
  get dnsAttached(): boolean {
    return this.dns;
  }
}
