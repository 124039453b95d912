/**
 * Zeek's STREAM_EVENT analyzer (src/analyzer/protocol/stream_event): hands a
 * TCP connection's reassembled bytes to scripts as they come, each delivery
 * one stream_deliver (the side, the bytes), each content gap one
 * stream_undelivered (the side, the gap's relative sequence number and
 * length). It is for looking at the payload where no protocol analyzer fits:
 * unlike tcp_contents it is attached where a script wants it and can be
 * taken off again (Engine.disableAnalyzer).
 *
 * Zeek's scripts attach it nowhere: a script registers it for a port
 * (Analyzer::register_for_port, Engine.registerForPort), names it in a
 * signature's `enable`, or maps an HTTP Upgrade protocol to it
 * (HTTP::upgrade_analyzers={["tcp"]=Analyzer::ANALYZER_STREAM_EVENT}), and
 * then it is HTTP's child for the bytes after the 101 reply. It never
 * confirms, so it adds nothing to the service column.
 */
import { registerEvents } from "../../../event/events.js";
import type { Connection } from "../../../event/records.js";
import { latin1 } from "../../../packet/bytes.js";
import type { AnalyzerComponent, AnalyzerHost, StreamAnalyzer } from "../analyzer.js";

export interface StreamEventEvents {
  /** A chunk of one side's reassembled payload, as it was delivered. */
  stream_deliver: [c: Connection, is_orig: boolean, data: string];
  /** A gap in one side's payload: `len` bytes from relative sequence number `seq` were never seen. */
  stream_undelivered: [c: Connection, is_orig: boolean, seq: number, len: number];
}
declare module "../../../event/events.js" {
  interface EventMap extends StreamEventEvents {}
}
registerEvents<StreamEventEvents>({ stream_deliver: true, stream_undelivered: true });

class StreamEventAnalyzer implements StreamAnalyzer {
  constructor(private readonly host: AnalyzerHost) {}

  deliverStream(isOrig: boolean, _seq: number, data: Uint8Array): void {
    const h = this.host;
    // The bytes become a string only when a handler wants them (a view: copied here).
    if (h.handled.stream_deliver) h.raise("stream_deliver", h.conn(), isOrig, latin1(data));
  }

  undelivered(isOrig: boolean, seq: number, len: number): void {
    const h = this.host;
    if (h.handled.stream_undelivered) h.raise("stream_undelivered", h.conn(), isOrig, seq, len);
  }

  endOfData(): void {}

  done(): void {}
}

export const STREAM_EVENT: AnalyzerComponent = {
  name: "STREAM_EVENT",
  script: "",
  stream: (host) => new StreamEventAnalyzer(host),
};
