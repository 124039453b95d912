/** Small traces written by the CLI tests (built with test/helpers/packets.ts). */
import { frame, type TestPacket, tcp4, udp4, writePcap } from "../helpers/packets.js";

/** One SYN answered by RST-ACK, from `client:sport` to `server:dport`, at `t`. */
export function rejectedAttempt(client: string, sport: number, server: string, dport: number, t: number): TestPacket[] {
  return [
    { ts: t, bytes: frame(tcp4({ src: client, dst: server }, { sport, dport, seq: 100, flags: "S" })) },
    { ts: t + 0.01, bytes: frame(tcp4({ src: server, dst: client }, { sport: dport, dport: sport, seq: 0, ack: 101, flags: "RA" })) },
  ];
}

/** A complete TCP exchange: handshake, 5 bytes each way, FINs. */
export function closedConnection(client: string, sport: number, server: string, dport: number, t: number): TestPacket[] {
  const c = { src: client, dst: server };
  const s = { src: server, dst: client };
  const p = (dt: number, bytes: Uint8Array): TestPacket => ({ ts: t + dt, bytes: frame(bytes) });
  return [
    p(0, tcp4(c, { sport, dport, seq: 1000, flags: "S" })),
    p(0.1, tcp4(s, { sport: dport, dport: sport, seq: 5000, ack: 1001, flags: "SA" })),
    p(0.2, tcp4(c, { sport, dport, seq: 1001, ack: 5001, flags: "A" })),
    p(0.3, tcp4(c, { sport, dport, seq: 1001, ack: 5001, flags: "PA", payload: "hello" })),
    p(0.4, tcp4(s, { sport: dport, dport: sport, seq: 5001, ack: 1006, flags: "PA", payload: "world" })),
    p(0.5, tcp4(c, { sport, dport, seq: 1006, ack: 5006, flags: "FA" })),
    p(0.6, tcp4(s, { sport: dport, dport: sport, seq: 5006, ack: 1007, flags: "FA" })),
    p(0.7, tcp4(c, { sport, dport, seq: 1007, ack: 5007, flags: "A" })),
  ];
}

/** A scan-like trace: 10.0.0.5 is rejected 4 times, 10.0.0.6 once, plus one good connection and a DNS query. */
export function sampleTrace(): Uint8Array {
  const packets: TestPacket[] = [];
  let t = 1700000000;
  for (const port of [22, 23, 25, 80]) packets.push(...rejectedAttempt("10.0.0.5", 40000 + port, "192.0.2.10", port, (t += 1)));
  packets.push(...rejectedAttempt("10.0.0.6", 41000, "192.0.2.10", 443, (t += 1)));
  packets.push(...closedConnection("10.0.0.7", 42000, "93.184.216.34", 80, (t += 1)));
  packets.push({ ts: (t += 1), bytes: frame(udp4({ src: "10.0.0.7", dst: "8.8.8.8" }, { sport: 5353, dport: 53, payload: "query" })) });
  return writePcap(packets);
}
