/**
 * IRC_DATA: the analyzer the irc script schedules for a DCC SEND transfer
 * (Zeek's IRC_Data, a File_Analyzer). The sender's bytes are the file; the
 * receiver's are 4-byte big-endian counts of what it got so far
 * (irc_dcc_send_ack each; a length that is not a multiple of 4 is the weird
 * irc_invalid_dcc_send_ack).
 */
import type { AnalyzerComponent, AnalyzerHost } from "../analyzer.js";
import { FileAnalyzer } from "../file/file.js";
import { ircFileHandle } from "./script.js";

const ACK_LEN = 4;

class IrcDataAnalyzer extends FileAnalyzer {
  constructor(host: AnalyzerHost) {
    super(host, (h, isOrig) => ircFileHandle(h.conn(), isOrig));
  }

  override deliverStream(isOrig: boolean, seq: number, data: Uint8Array): void {
    if (!isOrig) {
      super.deliverStream(isOrig, seq, data);
      return;
    }
    if (data.length % ACK_LEN !== 0) {
      this.host.weird("irc_invalid_dcc_send_ack");
      return;
    }
    if (!this.host.wants("irc_dcc_send_ack")) return;
    const view = new DataView(data.buffer, data.byteOffset, data.length);
    for (let i = 0; i < data.length; i += ACK_LEN) this.host.raise("irc_dcc_send_ack", this.host.conn(), view.getUint32(i));
  }

  override undelivered(isOrig: boolean, seq: number, len: number): void {
    if (!isOrig) super.undelivered(isOrig, seq, len);
  }
}

/** IRC_DATA: no ports, no signatures; attached by expectation only. */
export const IRC_DATA: AnalyzerComponent = {
  name: "IRC_DATA",
  script: "base/protocols/irc",
  stream: (host) => new IrcDataAnalyzer(host),
};
