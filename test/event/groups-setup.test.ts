/**
 * Event groups and the analyses the engine sets up once, when the run
 * starts (IGMP's events, unknown_protocol, esp_packet, mobile_ipv6_message,
 * zeek_script_loaded):
 * set up when a handler is registered, enabled or not, each event raised
 * only while one of its handlers is enabled, so that they follow switches
 * made during the run; on packets made here.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Engine } from "../../src/engine.js";
import type { EventName } from "../../src/event/events.js";
import type { PacketSource } from "../../src/source/raw-packet.js";
import * as B from "../helpers/packets.js";
import { memorySource, type TestPacket } from "../helpers/packets.js";

/** An IGMPv2 membership report from 10.0.0.7 for 239.1.2.3 at `ts`, its checksum right. */
function igmpReport(ts: number): TestPacket {
  const body = [0x16, 0, 0, 0, 239, 1, 2, 3];
  const sum = B.onesComplementSum(Uint8Array.from(body));
  body.splice(2, 2, sum >> 8, sum & 0xff);
  return { ts, bytes: B.frame(B.ipv4({ src: "10.0.0.7", dst: "239.1.2.3", proto: 2 }, body)) };
}

/** An IPv6 packet whose chain ends in ESP (SPI 0x100, sequence `ts`) at `ts`: Zeek's esp_packet. */
const esp = (ts: number): TestPacket => ({
  ts,
  bytes: B.frame(B.ipv6({ src: "2001:db8::1", dst: "2001:db8::2", nextHeader: 50 }, [0, 0, 1, 0, 0, 0, 0, ts, 0xde, 0xad])),
});

/** An IPv6 packet whose chain ends in a Binding Refresh Request (Mobility Header, its checksum right) at `ts`: Zeek's mobile_ipv6_message. */
function mobility(ts: number): TestPacket {
  const [src, dst] = ["2001:db8::1", "2001:db8::2"];
  // Payload proto none (59), length 0 (8 bytes), type 0, reserved, checksum, then 2 reserved bytes.
  const header = [59, 0, 0, 0, 0, 0, 0, 0];
  const checksum = B.onesComplementSum(B.ipv6Bytes(src), B.ipv6Bytes(dst), [0, 0, 0, header.length, 0, 0, 0, 135], header);
  header[4] = checksum >> 8;
  header[5] = checksum & 0xff;
  return { ts, bytes: B.frame(B.ipv6({ src, dst, nextHeader: 59, extHeaders: [{ type: 135, body: Uint8Array.from(header.slice(1)) }] })) };
}

/** An LLDP frame (an EtherType nothing analyses: unknown_protocol) at `ts`. */
const lldp = (ts: number): TestPacket => ({
  ts,
  bytes: B.ethernet(B.DEFAULT_DST_MAC, B.DEFAULT_SRC_MAC, 0x88cc, [2, 7, 4, 0, 0x22, 0x2d, 0x81, 0xdb, 0x10, 0x04]),
});

/** `packets` as a source that calls `before(ts)` ahead of each packet: a switch between two packets. */
function switching(packets: TestPacket[], before: (ts: number) => void): PacketSource {
  const inner = memorySource(packets);
  const run: PacketSource["run"] = (sink, idle) =>
    inner.run((raw) => {
      before(raw.ts);
      sink(raw);
    }, idle);
  return { name: inner.name, run };
}

/**
 * The network times at which `event`'s handler in group "g" ran, over
 * packets at 1…n made by `make`, the group disabled before the run and
 * switched on at each time in `on`, off at each time in `off`.
 */
async function handledAt(event: EventName, make: (ts: number) => TestPacket, n: number, on: number[], off: number[] = []): Promise<number[]> {
  const engine = new Engine();
  const ran: number[] = [];
  engine.on(event, (() => void ran.push(engine.clock.now)) as never, { group: "g" });
  engine.disableEventGroup("g");
  const packets = Array.from({ length: n }, (_, i) => make(i + 1));
  await engine.run(
    switching(packets, (ts) => {
      if (on.includes(ts)) engine.enableEventGroup("g");
      if (off.includes(ts)) engine.disableEventGroup("g");
    }),
  );
  return ran;
}

test("IGMP's events: the analyzer is there for a disabled handler, and its events follow the group's switches", async () => {
  assert.deepEqual(await handledAt("IGMP::membership_report_v2", igmpReport, 4, [2], [4]), [2, 3]);
});

test("esp_packet follows the group's switches during the run", async () => {
  assert.deepEqual(await handledAt("esp_packet", esp, 4, [2], [4]), [2, 3]);
});

test("mobile_ipv6_message follows the group's switches during the run", async () => {
  assert.deepEqual(await handledAt("mobile_ipv6_message", mobility, 4, [2], [4]), [2, 3]);
});

test("unknown_protocol follows the group's switches, and nothing is sampled while it is disabled (Zeek counts only handled reports)", async () => {
  // The first three reports of a pair are raised: those of packets 4-6, the ones before not counted.
  assert.deepEqual(await handledAt("unknown_protocol", lldp, 7, [4]), [4, 5, 6]);
});

test("zeek_script_loaded is decided before zeek_init runs, as Zeek queues it: a switch in zeek_init does not bring it", async () => {
  const run = async (enabledAtStart: boolean): Promise<number> => {
    const engine = new Engine({ loads: ["misc/loaded-scripts"] });
    let count = 0;
    engine.on("zeek_script_loaded", () => void count++, { group: "g" });
    if (!enabledAtStart) engine.disableEventGroup("g");
    engine.on("zeek_init", () => void (enabledAtStart ? engine.disableEventGroup("g") : engine.enableEventGroup("g")));
    await engine.run(memorySource([]));
    return count;
  };
  assert.equal(await run(false), 0);
  assert.equal(await run(true), 0);
  // Untouched, the handler runs for each file loaded.
  const engine = new Engine({ loads: ["misc/loaded-scripts"] });
  let count = 0;
  engine.on("zeek_script_loaded", () => void count++, { group: "g" });
  await engine.run(memorySource([]));
  assert.ok(count > 0);
});
