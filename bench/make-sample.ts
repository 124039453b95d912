/**
 * Writes samples/sample.pcap: a small trace made by the project itself (no
 * third-party capture), with valid checksums throughout:
 *
 *   - an HTTP-like TCP connection over IPv4: handshake, request, response, FIN close (SF)
 *   - a TCP connection over IPv6: handshake, data both ways, FIN close (SF)
 *   - a connection refused with RST (REJ)
 *   - a SYN nobody answers, retransmitted once (S0)
 *   - a DNS query and its answer over UDP (SF)
 *   - an ICMP echo request and reply
 *
 *   node dist/bench/make-sample.js [out.pcap]
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { PcapWriter } from "../src/record/pcap-writer.js";
import { frame, icmp4, LINKTYPE_ETHERNET, type TcpOptions, tcp4, tcp6, udp4 } from "../test/helpers/packets.js";

/** 2026-01-01 00:00:00 UTC. */
const T0 = 1_767_225_600;
const CLIENT_MAC = "02:00:00:00:00:0a";
const ROUTER_MAC = "02:00:00:00:00:01";

interface Frame {
  ts: number;
  bytes: Uint8Array;
}

/** A TCP conversation between two endpoints, tracking sequence numbers like a real stack. */
class TcpTalk {
  private seqA: number;
  private seqB: number;

  constructor(
    private readonly out: Frame[],
    private readonly a: { addr: string; port: number; isn: number },
    private readonly b: { addr: string; port: number; isn: number },
  ) {
    this.seqA = a.isn;
    this.seqB = b.isn;
  }

  /** Sends a segment from A (fromA) or B; SYN and FIN use one sequence number each. */
  send(ts: number, fromA: boolean, flags: string, payload = ""): void {
    const [src, dst] = fromA ? [this.a, this.b] : [this.b, this.a];
    const seq = fromA ? this.seqA : this.seqB;
    const ack = flags.includes("A") ? (fromA ? this.seqB : this.seqA) : 0;
    const seg: TcpOptions = { sport: src.port, dport: dst.port, seq, ack, flags, win: 64240, payload };
    const v6 = src.addr.includes(":");
    const ip = v6 ? tcp6({ src: src.addr, dst: dst.addr }, seg) : tcp4({ src: src.addr, dst: dst.addr, df: true, id: this.out.length + 1 }, seg);
    this.out.push({ ts, bytes: frame(ip, { srcMac: fromA ? CLIENT_MAC : ROUTER_MAC, dstMac: fromA ? ROUTER_MAC : CLIENT_MAC }) });
    const used = Buffer.byteLength(payload) + (flags.includes("S") ? 1 : 0) + (flags.includes("F") ? 1 : 0);
    if (fromA) this.seqA = (this.seqA + used) >>> 0;
    else this.seqB = (this.seqB + used) >>> 0;
  }
}

/** A minimal DNS message: one question for `name` type A, and optionally one A answer. */
function dnsMessage(id: number, name: string, answer: number[] | null): Uint8Array {
  const labels = name.split(".").flatMap((l) => [l.length, ...Buffer.from(l)]);
  const question = [...labels, 0, 0, 1, 0, 1];
  const flags = answer ? 0x8180 : 0x0100;
  const header = [id >> 8, id & 0xff, flags >> 8, flags & 0xff, 0, 1, 0, answer ? 1 : 0, 0, 0, 0, 0];
  const rr = answer ? [0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0x0e, 0x10, 0, 4, ...answer] : [];
  return Uint8Array.from([...header, ...question, ...rr]);
}

export function sampleFrames(): Frame[] {
  const out: Frame[] = [];
  const client = "192.168.1.10";
  const web = new TcpTalk(out, { addr: client, port: 49152, isn: 1_000_000 }, { addr: "93.184.216.34", port: 80, isn: 5_000_000 });
  const request = "GET / HTTP/1.1\r\nHost: example.com\r\nUser-Agent: bronze-sample\r\n\r\n";
  const response = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\nhello, world\n";

  // DNS first, as a client would resolve the name before connecting.
  const dns = { src: client, dst: "192.168.1.1" };
  out.push({
    ts: T0 + 0.01,
    bytes: frame(udp4({ ...dns, id: 100 }, { sport: 53001, dport: 53, payload: dnsMessage(0x1234, "example.com", null) }), {
      srcMac: CLIENT_MAC,
      dstMac: ROUTER_MAC,
    }),
  });
  out.push({
    ts: T0 + 0.035,
    bytes: frame(udp4({ src: dns.dst, dst: dns.src, id: 200 }, { sport: 53, dport: 53001, payload: dnsMessage(0x1234, "example.com", [93, 184, 216, 34]) }), {
      srcMac: ROUTER_MAC,
      dstMac: CLIENT_MAC,
    }),
  });

  web.send(T0 + 0.1, true, "S");
  web.send(T0 + 0.13, false, "SA");
  web.send(T0 + 0.13005, true, "A");
  web.send(T0 + 0.1302, true, "PA", request);
  web.send(T0 + 0.16, false, "A");
  web.send(T0 + 0.161, false, "PA", response);
  web.send(T0 + 0.1611, true, "A");
  web.send(T0 + 0.2, true, "FA");
  web.send(T0 + 0.23, false, "FA");
  web.send(T0 + 0.23004, true, "A");

  // Refused: nothing listens on 8080.
  const refused = new TcpTalk(out, { addr: client, port: 49153, isn: 7_000_000 }, { addr: "192.168.1.20", port: 8080, isn: 0 });
  refused.send(T0 + 0.5, true, "S");
  refused.send(T0 + 0.5003, false, "RA");

  // Unanswered: a SYN to a silent host, retransmitted after a second.
  const silent = new TcpTalk(out, { addr: client, port: 49154, isn: 9_000_000 }, { addr: "10.9.9.9", port: 22, isn: 0 });
  silent.send(T0 + 0.8, true, "S");
  const retransmit = new TcpTalk(out, { addr: client, port: 49154, isn: 9_000_000 }, { addr: "10.9.9.9", port: 22, isn: 0 });
  retransmit.send(T0 + 1.8, true, "S");

  // ICMP echo to a public resolver.
  const ping = { id: 0x4242, seq: 1, payload: "bronze ping payload 0123456789" };
  out.push({ ts: T0 + 1.0, bytes: frame(icmp4({ src: client, dst: "8.8.8.8", id: 300 }, { type: 8, ...ping }), { srcMac: CLIENT_MAC, dstMac: ROUTER_MAC }) });
  out.push({ ts: T0 + 1.012, bytes: frame(icmp4({ src: "8.8.8.8", dst: client, id: 400 }, { type: 0, ...ping }), { srcMac: ROUTER_MAC, dstMac: CLIENT_MAC }) });

  // IPv6 TCP: a short exchange both ways, closed by the server first.
  const v6 = new TcpTalk(out, { addr: "2001:db8::10", port: 50000, isn: 11_000_000 }, { addr: "2001:db8:1::443", port: 443, isn: 13_000_000 });
  v6.send(T0 + 2.0, true, "S");
  v6.send(T0 + 2.02, false, "SA");
  v6.send(T0 + 2.0201, true, "A");
  v6.send(T0 + 2.021, true, "PA", "hello over IPv6\n");
  v6.send(T0 + 2.04, false, "PA", "hello back\n");
  v6.send(T0 + 2.0401, true, "A");
  v6.send(T0 + 2.1, false, "FA");
  v6.send(T0 + 2.1001, true, "FA");
  v6.send(T0 + 2.12, false, "A");

  return out.sort((x, y) => x.ts - y.ts);
}

export function writeSample(path: string): number {
  mkdirSync(dirname(path), { recursive: true });
  const writer = new PcapWriter(path, { linktype: LINKTYPE_ETHERNET, snaplen: 65535 });
  const frames = sampleFrames();
  for (const f of frames) writer.write(f.ts, f.bytes);
  writer.close();
  return frames.length;
}

const path = process.argv[2] ?? "samples/sample.pcap";
if (process.argv[1]?.endsWith("make-sample.js") || process.argv[1]?.endsWith("make-sample.ts")) {
  process.stderr.write(`wrote ${path}: ${writeSample(path)} packets\n`);
}
