/**
 * Transport analyzers are registered with the session layer (Zeek's
 * IPBasedAnalyzer), not built into it: one registered from outside the core
 * gets its key ports, its flip rule (WantConnection) and its reuse rule
 * honoured, and the fallback takes the protocols nobody registered.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Transport } from "../../src/event/records.js";
import type { Packet } from "../../src/packet/packet.js";
import { Conn, PlainEndpoint, type SessionServices } from "../../src/session/connection.js";
import type { TransportAnalyzer } from "../../src/session/transport.js";
import { frame, ipv4 } from "../helpers/packets.js";
import { run } from "./harness.js";

const PROTO = 132; // SCTP: no analyzer of bronze's, so the unknown-IP fallback has it by default

/** A minimal connection: packet counts and times, as the unknown-IP analyzer keeps them. */
class PortedConn extends Conn<PlainEndpoint> {
  get transport(): Transport {
    return "unknown_transport";
  }
  constructor(ctx: SessionServices, pkt: Packet, sport: number, dport: number) {
    super(ctx, PROTO, pkt, sport, dport, false, new PlainEndpoint(), new PlainEndpoint());
  }
  init(): void {
    this.setInactivityTimeout(this.ctx.settings.unknown_ip_inactivity_timeout);
  }
  protected endpointSize(): number {
    return 0;
  }
  protected endpointState(): number {
    return 0;
  }
  onTimer(): void {}
  done(): void {}
  deliver(pkt: Packet, isOrig: boolean): void {
    this.setLastTime(pkt);
    (isOrig ? this.orig : this.resp).numPkts++;
  }
}

/** Ports in the first four bytes, the side sending from port 80 is the server, a first payload byte "N" starts a new association. */
const PORTED: TransportAnalyzer = {
  name: "PORTED",
  protocols: [PROTO],
  minHeader: 4,
  portsInHeader: true,
  keyPorts: null,
  headerLength: null,
  wanted: (_services, _pkt, sport, dport) => sport === 80 && dport !== 80,
  isReuse: (_conn, pkt) => pkt.data[pkt.l4Offset + 4] === 0x4e,
  create: (services, pkt, sport, dport) => new PortedConn(services, pkt, sport, dport),
};

function packet(t: number, src: string, sport: number, dst: string, dport: number, first = 0x41) {
  const body = [sport >> 8, sport & 0xff, dport >> 8, dport & 0xff, first, 0, 0, 0];
  return { ts: t, bytes: frame(ipv4({ src, dst, proto: PROTO }, body)) };
}

const trace = [
  packet(1, "10.0.0.2", 80, "10.0.0.1", 5000), // from the server: flipped at creation
  packet(2, "10.0.0.1", 5000, "10.0.0.2", 80),
  packet(3, "10.0.0.1", 5000, "10.0.0.2", 80, 0x4e), // "N": a new association on the same key
];

test("a transport analyzer registered from outside the core: its key ports, flip and reuse rules are the session layer's", async () => {
  const r = await run(trace, {}, (e) => e.sessions.registerTransport(PORTED));
  assert.equal(r.removed.length, 2);
  const [first, second] = r.removed;
  assert.equal(first!.orig, "10.0.0.1:5000");
  assert.equal(first!.resp, "10.0.0.2:80");
  assert.equal(first!.history, "^");
  assert.deepEqual([first!.origPkts, first!.respPkts], [1, 1]);
  assert.ok(r.events.includes(`connection_reused ${first!.uid}`));
  assert.equal(second!.orig, "10.0.0.1:5000");
  assert.equal(second!.origPkts, 1);
});

test("without it, the fallback (unknown IP) has the protocol: ports 0/0, one connection", async () => {
  const r = await run(trace);
  assert.equal(r.removed.length, 1);
  assert.equal(r.removed[0]!.orig, "10.0.0.2:0");
  assert.equal(r.removed[0]!.history, "");
});

test("too short for its header: Zeek's truncated_header weird under the analyzer's name", async () => {
  const short = { ts: 1, bytes: frame(ipv4({ src: "10.0.0.1", dst: "10.0.0.2", proto: PROTO }, [0, 80])) };
  const seen: string[] = [];
  const r = await run([short], {}, (e) => {
    e.sessions.registerTransport(PORTED);
    e.on("weird", (w) => void seen.push(`${w.name} ${w.source}`));
  });
  assert.equal(r.removed.length, 0);
  assert.deepEqual(seen, ["truncated_header PORTED"]);
});
