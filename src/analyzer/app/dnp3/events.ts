/** The DNP3 events bronze raises, with Zeek's names and arguments (Zeek's dnp3 events.bif). */
import { registerEvents } from "../../../event/events.js";
import type { Connection } from "../../../event/records.js";

export interface Dnp3Events {
  /** The link-layer header of the first frame of an application fragment: length, control, destination, source. */
  dnp3_header_block: [c: Connection, is_orig: boolean, len: number, ctrl: number, dest_addr: number, src_addr: number];
  /** A request's application header: application control and function code. */
  dnp3_application_request_header: [c: Connection, is_orig: boolean, application: number, fc: number];
  /** A response's application header: application control, function code and the internal indications (IIN1 << 8 | IIN2). */
  dnp3_application_response_header: [c: Connection, is_orig: boolean, application: number, fc: number, iin: number];
}

declare module "../../../event/events.js" {
  interface EventMap extends Dnp3Events {}
}

registerEvents<Dnp3Events>({
  dnp3_header_block: true,
  dnp3_application_request_header: true,
  dnp3_application_response_header: true,
});
