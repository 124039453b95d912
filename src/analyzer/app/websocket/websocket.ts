/**
 * The WebSocket analyzer, as far as bronze has it: HTTP starts it as a child
 * after a 101 reply to `Upgrade: websocket` (HTTP::upgrade_analyzers) and it
 * confirms the protocol (c.service gets "websocket") when the first frame
 * header (RFC 6455 §5.2: FIN/RSV/opcode, mask bit and length) is well formed;
 * a reserved opcode is a violation. Frame payloads, websocket.log and the
 * websocket_* events are not done yet.
 */
import type { AnalyzerComponent, AnalyzerHost, AppAnalyzer } from "../analyzer.js";

/** Opcodes RFC 6455 defines: continuation, text, binary, close, ping, pong. */
const KNOWN_OPCODES = new Set([0, 1, 2, 8, 9, 10]);

class WebSocketAnalyzer implements AppAnalyzer {
  private checked = false;
  constructor(private readonly host: AnalyzerHost) {}

  deliverStream(_isOrig: boolean, _seq: number, data: Uint8Array): void {
    if (this.checked || data.length === 0) return;
    this.checked = true;
    const opcode = data[0]! & 0x0f;
    if (KNOWN_OPCODES.has(opcode)) this.host.confirm();
    else this.host.violation(`unknown opcode ${opcode}`, data.subarray(0, 2));
  }
  undelivered(): void {}
  endOfData(): void {}
  done(): void {}
}

/** WEBSOCKET: no ports, no signatures; HTTP adds it on an upgrade. */
export const WEBSOCKET: AnalyzerComponent = {
  name: "WEBSOCKET",
  script: "base/protocols/websocket",
  stream: (host) => new WebSocketAnalyzer(host),
};
