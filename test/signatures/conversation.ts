/** TCP conversations for the signature tests (on port 80: HTTP's). */
import type { TestPacket } from "../helpers/packets.js";
import { handshake, type Seg, tcpTrace } from "../session/harness.js";

/** A TCP conversation to `sport` (80 by default): handshake, then the client's segments and the server's. */
export function conversation(client: string[], server: string[] = [], sport = 80): TestPacket[] {
  const segs: Seg[] = [...handshake(1)];
  let cseq = 1001;
  let sseq = 5001;
  let t = 2;
  for (const p of client) {
    segs.push({ t: (t += 0.1), from: "c", flags: "PA", seq: cseq, ack: sseq, payload: p });
    cseq += p.length;
  }
  for (const p of server) {
    segs.push({ t: (t += 0.1), from: "s", flags: "PA", seq: sseq, ack: cseq, payload: p });
    sseq += p.length;
  }
  return tcpTrace(segs, { sport });
}
