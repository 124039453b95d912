/**
 * Zeek's GTPv1 events (gtpv1_message, the PDP context messages' events and
 * gtpv1_g_pdu_packet), raised by the tunnel analyzer only for scripts that
 * handle them: nothing here runs on the default path.
 */
import type { EventBus } from "../../event/bus.js";
import type { GtpCreatePdpCtxRequestElements } from "../../event/records.js";
import type { Weirds } from "../../event/weirds.js";
import { pktHdr } from "../../packet/pkt-hdr.js";
import type { Conn } from "../../session/connection.js";
import { elementsParse, type GtpLayout, GtpRead, gtpv1Hdr, PDP_MESSAGES, pdpElements, readGtpv1 } from "./gtpv1.js";

const SOURCE = "GTPV1";

export class Gtpv1Events {
  private readonly layout: GtpLayout = { flags: 0, msgType: 0, body: 0 };

  constructor(
    private readonly bus: EventBus,
    private readonly weirds: Weirds,
  ) {}

  /** True when a script handles a message event (g_pdu_packet is asked for apart: it needs the inner packet). */
  wanted(): boolean {
    const w = this.bus.wants;
    return (
      w.gtpv1_message ||
      w.gtpv1_create_pdp_ctx_request ||
      w.gtpv1_create_pdp_ctx_response ||
      w.gtpv1_update_pdp_ctx_request ||
      w.gtpv1_update_pdp_ctx_response ||
      w.gtpv1_delete_pdp_ctx_request ||
      w.gtpv1_delete_pdp_ctx_response
    );
  }

  /**
   * The events of the GTPv1 message `d[start, end)` of `outer`: gtpv1_message
   * for any GTPv1 header, then a PDP context message's own event with its
   * elements. Zeek reads a control message's elements before raising either:
   * elements it cannot read raise neither.
   */
  message(outer: Conn, d: Uint8Array, start: number, end: number): void {
    const layout = this.layout;
    if (readGtpv1(d, start, end, layout) !== GtpRead.OK) return;
    const pdp = PDP_MESSAGES.get(layout.msgType);
    if (pdp !== undefined && !elementsParse(d, layout.body, end)) return;
    const hdr = gtpv1Hdr(d, start);
    if (this.bus.wants.gtpv1_message) this.bus.queue("gtpv1_message", outer.val(), hdr);
    // Zeek reads the elements into their record (and reports the misplaced ones) only for a handled event.
    if (pdp === undefined || !this.bus.has(pdp.event)) return;
    const invalid = (type: number) => this.weirds.net("gtp_invalid_info_element", String(type), SOURCE);
    const elements = pdpElements(pdp.fields, d, layout.body, end, invalid);
    // The six events share (c, hdr, elements); the record has the fields of pdp.event's type by construction (PDP_MESSAGES).
    this.bus.queue(pdp.event as "gtpv1_create_pdp_ctx_request", outer.val(), hdr, elements as GtpCreatePdpCtxRequestElements);
  }

  /** gtpv1_g_pdu_packet of a T-PDU at `start` whose inner IP packet `d[ip, end)` parsed. */
  gPdu(outer: Conn, d: Uint8Array, start: number, ip: number, end: number): void {
    this.bus.queue("gtpv1_g_pdu_packet", outer.val(), gtpv1Hdr(d, start), pktHdr(d, ip, end - ip));
  }
}
