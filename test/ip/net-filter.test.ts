/**
 * The engine's packet filter (Zeek's install_src_net_filter and friends):
 * which packets it keeps from the analysis.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Engine } from "../../src/engine.js";
import { parseSubnet } from "../../src/scripts/site.js";
import { memorySource } from "../helpers/packets.js";
import { tcpTrace, udpPacket } from "../session/harness.js";

/** The originators of the packets the engine analysed (udp_request / tcp_packet events). */
async function seen(setup: (engine: Engine) => void, packets: Parameters<typeof memorySource>[0]): Promise<string[]> {
  const engine = new Engine();
  const out: string[] = [];
  engine.on("new_packet", (c) => out.push(`${c.id.orig_h}>${c.id.resp_h}`));
  setup(engine);
  await engine.run(memorySource(packets));
  return out;
}

test("a source filter drops the subnet's packets, the longest prefix deciding; a destination filter the packets to it", async () => {
  const flows = [
    ["10.0.0.1", "192.0.2.1"],
    ["10.1.0.1", "192.0.2.1"],
    ["192.0.2.7", "10.0.0.1"],
    ["192.0.2.8", "192.0.2.9"],
  ] as const;
  const packets = flows.map(([src, dst], i) => udpPacket(1 + i, src, 1000, dst, 53));
  const out = await seen((engine) => {
    const f = engine.netFilter();
    f.install("src", parseSubnet("10.0.0.0/8"), 0, 1);
    // A more specific source filter that never drops: it decides for 10.1.0.0/16.
    f.install("src", parseSubnet("10.1.0.0/16"), 0, 0);
    f.install("dst", parseSubnet("10.0.0.1/32"), 0, 1);
  }, packets);
  assert.deepEqual(out, ["10.1.0.1>192.0.2.1", "192.0.2.8>192.0.2.9"]);
});

test("a filter with TCP flags keeps the segments carrying one of them; uninstalled, it drops nothing", async () => {
  const trace = tcpTrace([
    { t: 1, from: "c", flags: "S", seq: 1000 },
    { t: 1.1, from: "c", flags: "A", seq: 1001, ack: 1 },
  ]);
  const withFlags = await seen((engine) => engine.netFilter().install("src", parseSubnet("10.0.0.1/32"), 0x02, 1), trace);
  assert.deepEqual(withFlags, ["10.0.0.1>192.0.2.10"], "the SYN kept, the bare ACK dropped");
  const removed = await seen((engine) => {
    const f = engine.netFilter();
    f.install("src", parseSubnet("10.0.0.1/32"), 0, 1);
    assert.equal(f.uninstall("src", parseSubnet("10.0.0.1/32")), true);
    assert.equal(f.uninstall("src", parseSubnet("10.0.0.1/32")), false);
  }, trace);
  assert.equal(removed.length, 2);
});
