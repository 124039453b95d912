/**
 * pcap_packet (packet_not_processed's argument) as Zeek's Packet::ToVal fills
 * it; its link_type is Zeek's quirk: the link_encap enum value numbered as
 * the pcap link type (DLT), so an Ethernet frame (DLT 1) is LINK_UNKNOWN, a
 * BSD loopback one (DLT 0) LINK_ETHERNET, and any other an unnamed value
 * ("<undefined>", as Zeek prints it).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Engine } from "../../src/engine.js";
import type { PcapPacket } from "../../src/event/records.js";
import { memorySource, type TestPacket } from "../helpers/packets.js";

/** The pcap_packet of each packet the engine did not process. */
async function unprocessed(packets: TestPacket[]): Promise<PcapPacket[]> {
  const engine = new Engine();
  const out: PcapPacket[] = [];
  engine.on("packet_not_processed", (p) => void out.push(p));
  await engine.run(memorySource(packets));
  return out;
}

/** 14 bytes of Ethernet header with EtherType `type`, then `rest`. */
function ethernet(type: number, rest: number[]): Uint8Array {
  return Uint8Array.from([...Array(12).fill(0x02), type >> 8, type & 0xff, ...rest]);
}

test("pcap_packet of an Ethernet frame nobody analyses (EtherType 0x88b5): its fields, and link_type LINK_UNKNOWN (DLT 1)", async () => {
  const bytes = ethernet(0x88b5, [1, 2, 3, 4]);
  const [p, ...more] = await unprocessed([{ ts: 1700000000.25, bytes, wirelen: 60 }]);
  assert.equal(more.length, 0);
  assert.deepEqual(
    { ...p! },
    { ts_sec: 1700000000, ts_usec: 250000, caplen: 18, len: 60, data: Buffer.from(bytes).toString("latin1"), link_type: "LINK_UNKNOWN" },
  );
});

test("link_type of DLT 0 (BSD loopback) is LINK_ETHERNET; of any other DLT an unnamed value", async () => {
  // A loopback header with an address family nobody analyses; a raw (DLT 101) packet that is no IP version.
  const loopback = Uint8Array.from([99, 0, 0, 0, 1, 2, 3, 4]);
  const raw = Uint8Array.from([0x10, 0, 0, 0]);
  const out = await unprocessed([
    { ts: 1, bytes: loopback, linktype: 0 },
    { ts: 2, bytes: raw, linktype: 101 },
  ]);
  assert.deepEqual(
    out.map((p) => `${p.ts_sec} ${p.link_type}`),
    ["1 LINK_ETHERNET", "2 <undefined>"],
  );
});
