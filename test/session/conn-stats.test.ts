/**
 * get_conn_stats() (Engine.connStats) and packet_source() (Engine.packetSource)
 * on self-made packets: each counter's rule as Zeek keeps it (session::Manager's
 * per-transport active, total and high-water counts, Connection's
 * total and current, the packet manager's packets and unprocessed packets,
 * killed_by_inactivity), and the source's properties while open and once closed.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import type { NetworkInterfaceInfo } from "node:os";
import { endianness } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { Engine } from "../../src/engine.js";
import type { ConnStatsRecord, PacketSourceRecord } from "../../src/event/records.js";
import { captureNetmask } from "../../src/source/live.js";
import { openTrace } from "../../src/source/open.js";
import * as B from "../helpers/packets.js";
import { concatBytes, idb, shb, tempDir } from "../source/trace-builder.js";
import { icmpPacket, run, tcpTrace, udpPacket } from "./harness.js";

const SERVER = "10.2.0.1";

/** get_conn_stats() as a net_done handler sees it, after a run of `packets`. */
async function statsAtNetDone(packets: B.TestPacket[], setup?: (e: Engine) => void): Promise<ConnStatsRecord> {
  let seen: ConnStatsRecord | null = null;
  await run(packets, {}, (e) => {
    e.on("net_done", () => void (seen = e.connStats()));
    setup?.(e);
  });
  assert.ok(seen !== null, "net_done ran");
  return seen;
}

test("the most connections at once per transport only rises: removals lower the current count, not the high-water mark", async () => {
  const s = await statsAtNetDone([
    // Not port 53: the DNS analyzer's expiry would remove them before their inactivity timers.
    udpPacket(10, "10.1.0.1", 1000, SERVER, 5000),
    udpPacket(11, "10.1.0.2", 1000, SERVER, 5000),
    ...tcpTrace([{ t: 12, from: "c", flags: "S", seq: 1 }]),
    icmpPacket(13, "10.1.0.3", SERVER, 8),
    // Both UDP flows and the ICMP one are past their 60 s of inactivity; the SYN's attempt timer went at 17.
    udpPacket(200, "10.1.0.4", 1000, SERVER, 5000),
  ]);
  assert.deepEqual([s.num_udp_conns, s.max_udp_conns, s.cumulative_udp_conns, s.num_tcp_conns, s.max_tcp_conns, s.cumulative_tcp_conns], [1, 2, 3, 0, 1, 1]);
  assert.deepEqual([s.num_icmp_conns, s.max_icmp_conns, s.cumulative_icmp_conns], [0, 1, 1]);
  // The attempt timer's removal is not an inactivity kill.
  assert.equal(s.killed_by_inactivity, 3);
  assert.deepEqual([s.total_conns, s.current_conns, s.sess_current_conns], [5, 1, 1]);
  assert.deepEqual([s.num_packets, s.num_packets_unprocessed], [5, 0]);
});

/** An ARP request from the frame's source MAC: the ARP analyzer takes it. */
function arpRequest(t: number): B.TestPacket {
  const arp = new Uint8Array(28);
  arp.set([0, 1, 8, 0, 6, 4, 0, 1], 0);
  arp.set(B.mac(B.DEFAULT_SRC_MAC), 8);
  arp.set(B.ipv4Bytes("10.1.0.1"), 14);
  arp.set(B.ipv4Bytes(SERVER), 24);
  return { ts: t, bytes: B.ethernet("ff:ff:ff:ff:ff:ff", B.DEFAULT_SRC_MAC, B.ETH_ARP, arp) };
}

/** A UDP datagram in two IPv4 fragments: the first waits for the second, which completes it. */
function fragmentedDatagram(t: number): B.TestPacket[] {
  const v4 = { src: "10.1.0.5", dst: SERVER };
  const seg = B.udp({ sport: 1000, dport: 2000, payload: new Uint8Array(40) }, v4);
  return [
    { ts: t, bytes: B.frame(B.ipv4({ ...v4, proto: B.PROTO_UDP, id: 7, mf: true }, seg.subarray(0, 24))) },
    { ts: t + 0.1, bytes: B.frame(B.ipv4({ ...v4, proto: B.PROTO_UDP, id: 7, fragOffset: 24 }, seg.subarray(24))) },
  ];
}

/** ARP (processed), LLDP (no analyzer), a fragmented datagram (its first fragment unprocessed) and an unknown IP protocol's packet. */
const MIXED: B.TestPacket[] = [
  arpRequest(10),
  { ts: 11, bytes: B.ethernet("01:80:c2:00:00:0e", B.DEFAULT_SRC_MAC, 0x88cc, new Uint8Array(40)) },
  ...fragmentedDatagram(12),
  { ts: 13, bytes: B.frame(B.ipv4({ src: "10.1.0.6", dst: SERVER, proto: 99 }, new Uint8Array(8))) },
];

test("unprocessed packets: those neither a TCP, UDP or ICMP connection nor ARP took, counted with or without a packet_not_processed handler", async () => {
  const s = await statsAtNetDone(MIXED);
  assert.deepEqual([s.num_packets, s.num_packets_unprocessed], [5, 3]);
  let events = 0;
  const handled = await statsAtNetDone(MIXED, (e) => e.on("packet_not_processed", () => void events++));
  assert.equal(handled.num_packets_unprocessed, 3);
  assert.equal(events, 3, "one packet_not_processed for each");
});

test("total and current connections count every transport, an unknown IP protocol's too; the per-transport ones do not", async () => {
  const s = await statsAtNetDone(MIXED);
  assert.deepEqual([s.total_conns, s.current_conns, s.sess_current_conns], [2, 2, 2]);
  assert.deepEqual([s.cumulative_udp_conns, s.cumulative_tcp_conns, s.cumulative_icmp_conns], [1, 0, 0]);
  assert.deepEqual([s.num_fragments, s.max_fragments], [0, 1]);
});

test("num_packets counts the packets the capture filter let through", async () => {
  const s = await statsAtNetDone([...tcpTrace([{ t: 10, from: "c", flags: "S", seq: 1 }]), udpPacket(11, "10.1.0.1", 1000, SERVER, 53), arpRequest(12)], (e) =>
    e.setFilter("udp"),
  );
  assert.deepEqual([s.num_packets, s.num_packets_unprocessed, s.total_conns, s.cumulative_tcp_conns], [1, 0, 1, 0]);
});

/** What packet_source() gives before the run, at zeek_init, and at net_done, for trace file `bytes`. */
async function sourceSeen(t: { after: (fn: () => void) => void }, bytes: Uint8Array): Promise<{ path: string; seen: Array<PacketSourceRecord | null> }> {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const path = join(dir, "trace.cap");
  writeFileSync(path, bytes);
  const engine = new Engine();
  const seen: Array<PacketSourceRecord | null> = [engine.packetSource()];
  engine.on("zeek_init", () => void seen.push(engine.packetSource()));
  engine.on("net_done", () => void seen.push(engine.packetSource()));
  await engine.run(await openTrace(path));
  return { path, seen };
}

test("packet_source(): a trace's path and link type from zeek_init on, no netmask; closed at its end", async (t) => {
  const { path, seen } = await sourceSeen(t, B.writePcap([udpPacket(10, "10.1.0.1", 1000, SERVER, 53)]));
  assert.deepEqual(seen, [
    null,
    { live: false, path, link_type: 1, netmask: 0xffffffff },
    { live: false, path: "not open", link_type: -1, netmask: 0xffffffff },
  ]);
});

test("packet_source(): a pcapng's link type is its first interface's, known before any packet is read", async (t) => {
  const { seen } = await sourceSeen(t, concatBytes(shb(true), idb(true, 113, 65535)));
  assert.equal(seen[1]?.link_type, 113);
});

test("a capture's netmask as libpcap gives it: the first IPv4 mask in network byte order read as a host integer, 0 for any, 0xffffff00 without IPv4", () => {
  const v4: NetworkInterfaceInfo = {
    address: "192.0.2.5",
    netmask: "255.255.255.0",
    family: "IPv4",
    mac: "00:00:00:00:00:01",
    internal: false,
    cidr: "192.0.2.5/24",
  };
  const v6: NetworkInterfaceInfo = {
    address: "2001:db8::5",
    netmask: "ffff:ffff:ffff:ffff::",
    family: "IPv6",
    mac: "00:00:00:00:00:01",
    internal: false,
    cidr: "2001:db8::5/64",
    scopeid: 0,
  };
  const interfaces = { eth0: [v6, v4], v6only: [v6] };
  assert.equal(captureNetmask("eth0", interfaces), endianness() === "LE" ? 0x00ffffff : 0xffffff00);
  assert.equal(captureNetmask("any", interfaces), 0);
  assert.equal(captureNetmask("v6only", interfaces), 0xffffff00);
  assert.equal(captureNetmask("nosuch", interfaces), 0xffffff00);
});
