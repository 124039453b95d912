/**
 * The RADIUS analyzer (Zeek's "RADIUS"): each datagram is one message (RFC
 * 2865): code, identifier, length, the 16-byte authenticator, then
 * attributes (type, length, value of length − 2 bytes) to the end of the
 * datagram, as Zeek's BinPAC grammar reads them (the length field is not
 * used). radius_attribute is raised for each attribute as it is read, then
 * radius_message for the whole message, after the analyzer confirms; a
 * message that does not parse is a violation. Port: 1812/udp.
 */

import { registerEvents } from "../../../event/events.js";
import type { Connection } from "../../../event/records.js";
import { latin1 } from "../../../packet/bytes.js";
import type { AnalyzerComponent, AnalyzerHost, DatagramAnalyzer } from "../analyzer.js";
import { BINPAC_EXCEPTION } from "../binpac.js";

/** RADIUS::Message. */
export interface RadiusMessage {
  code: number;
  trans_id: number;
  authenticator: string;
  /** Attribute values by type, in message order (absent when the message has none). */
  attributes?: Map<number, string[]>;
}

export interface RadiusEvents {
  radius_message: [c: Connection, result: RadiusMessage];
  radius_attribute: [c: Connection, attr_type: number, value: string];
}

declare module "../../../event/events.js" {
  interface EventMap extends RadiusEvents {}
}

registerEvents<RadiusEvents>({ radius_message: true, radius_attribute: true });

const HEADER = 20;

class RadiusAnalyzer implements DatagramAnalyzer {
  constructor(private readonly host: AnalyzerHost) {}

  deliverPacket(_isOrig: boolean, d: Uint8Array): void {
    const host = this.host;
    if (d.length < HEADER) {
      host.violation(`${BINPAC_EXCEPTION}out_of_bound: RADIUS_PDU:authenticator: ${HEADER} > ${d.length}`);
      return;
    }
    const wantAttr = host.wants("radius_attribute");
    const wantMsg = host.wants("radius_message");
    let attributes: Map<number, string[]> | undefined;
    let at = HEADER;
    while (at < d.length) {
      if (at + 2 > d.length) {
        host.violation(`${BINPAC_EXCEPTION}out_of_bound: RADIUS_Attribute:length: 2 > ${d.length - at}`);
        return;
      }
      const type = d[at]!;
      const len = d[at + 1]! - 2;
      if (len < 0) {
        host.violation(`${BINPAC_EXCEPTION}invalid length for string RADIUS_Attribute:value: ${len}`);
        return;
      }
      if (at + 2 + len > d.length) {
        host.violation(`${BINPAC_EXCEPTION}out_of_bound: RADIUS_Attribute:value: ${len} > ${d.length - at - 2}`);
        return;
      }
      if (wantAttr || wantMsg) {
        const value = latin1(d.subarray(at + 2, at + 2 + len));
        if (wantAttr) host.raise("radius_attribute", host.conn(), type, value);
        if (wantMsg) {
          attributes ??= new Map();
          const list = attributes.get(type);
          if (list === undefined) attributes.set(type, [value]);
          else list.push(value);
        }
      }
      at += 2 + len;
    }
    host.confirm();
    if (!wantMsg) return;
    const msg: RadiusMessage = { code: d[0]!, trans_id: d[1]!, authenticator: latin1(d.subarray(4, 20)) };
    if (attributes !== undefined) msg.attributes = attributes;
    host.raise("radius_message", host.conn(), msg);
  }

  done(): void {}
}

export const RADIUS: AnalyzerComponent = {
  name: "RADIUS",
  script: "base/protocols/radius",
  udpPorts: [1812],
  datagram: (host) => new RadiusAnalyzer(host),
};
