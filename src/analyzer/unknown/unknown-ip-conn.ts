/**
 * Connections of IP protocols without an analyzer (Zeek's UnknownIPSessionAdapter): ports 0/0, no flip,
 * no history, sizes and states 0; only times and packet counts move.
 */
import type { Transport } from "../../event/records.js";
import type { Packet } from "../../packet/packet.js";
import { Conn, PlainEndpoint, type SessionServices } from "../../session/connection.js";
import type { TimerKind } from "../../session/timers.js";
import { appRegistryOf } from "../app/registry.js";

export class UnknownIpConn extends Conn<PlainEndpoint> {
  get transport(): Transport {
    return "unknown_transport";
  }

  constructor(ctx: SessionServices, pkt: Packet) {
    super(ctx, pkt.ipProto, pkt, 0, 0, false, new PlainEndpoint(), new PlainEndpoint());
  }

  init(): void {
    // Zeek's session adapter and ConnSize analyzer take analyzer ids (no PIA here).
    const registry = appRegistryOf(this.ctx);
    registry?.reserveAdapterIds();
    if (registry?.connSize === false) this.withoutConnSize();
    this.enableStatusUpdateTimer();
    this.setInactivityTimeout(this.ctx.settings.unknown_ip_inactivity_timeout);
  }

  protected endpointSize(): number {
    return 0;
  }

  protected endpointState(): number {
    return 0;
  }

  onTimer(_kind: TimerKind): void {}

  done(): void {}

  deliver(pkt: Packet, isOrig: boolean): void {
    if (this.ctx.bus.wants.packet_contents) this.packetContents(pkt, pkt.l4Offset);
    this.setLastTime(pkt);
    const ep = isOrig ? this.orig : this.resp;
    this.countPacket(ep, pkt);
  }
}
