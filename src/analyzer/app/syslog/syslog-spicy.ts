/**
 * Syslog over UDP as a Zeek built with Spicy runs it (syslog.evt's
 * "Syslog over UDP", replacing the BinPAC SYSLOG of syslog.ts there): each
 * datagram is one Message unit (spicy-message.ts). Unlike the legacy
 * analyzer it confirms at every message (spicy::accept_input in the unit's
 * %done, before its event: service `syslog`), a malformed priority is a
 * violation after which the flow's datagrams are no longer parsed (Zeek's
 * Spicy driver skips both sides), an empty datagram is an empty message,
 * and no udp_session_done is raised. Active only with --spicy.
 */
import { latin1 } from "../../../packet/bytes.js";
import type { AnalyzerComponent, AnalyzerHost, DatagramAnalyzer } from "../analyzer.js";
import { parseSpicyMessage, SyslogError } from "./spicy-message.js";

class SpicySyslogAnalyzer implements DatagramAnalyzer {
  private stopped = false;

  constructor(private readonly host: AnalyzerHost) {}

  deliverPacket(_isOrig: boolean, data: Uint8Array): void {
    if (this.stopped) return;
    let m: [number, number, Uint8Array];
    try {
      m = parseSpicyMessage(data);
    } catch (e) {
      if (!(e instanceof SyslogError)) throw e;
      this.stopped = true;
      this.host.violation(e.message, data);
      return;
    }
    this.host.confirm();
    if (this.host.wants("syslog_message")) this.host.raise("syslog_message", this.host.conn(), m[0], m[1], latin1(m[2]));
  }

  done(): void {}
}

/** The Spicy build's SYSLOG: the name, port and script of the legacy one, none of its udp_session_done. */
export const SYSLOG_SPICY: AnalyzerComponent = {
  name: "SYSLOG",
  script: "base/protocols/syslog",
  udpPorts: [514],
  build: "spicy",
  datagram: (host) => new SpicySyslogAnalyzer(host),
};
