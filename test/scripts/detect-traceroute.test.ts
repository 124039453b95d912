/**
 * policy/misc/detect-traceroute on a crafted traceroute: UDP probes with
 * TTLs 1 to 4 from 10.0.0.1 and ICMP time-exceeded replies from distinct
 * routers. Three routers make a traceroute (traceroute.log, a notice);
 * without low-TTL probes (require_low_ttl_packets) or with two routers,
 * nothing; the signatures' matches stay out of signatures.log.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Engine, loadBuiltinScripts } from "../../src/index.js";
import { frame, icmp4, memorySource, type TestPacket, udp4 } from "../helpers/packets.js";
import { logRecords, parseLogText } from "../helpers/tsv.js";

const SRC = "10.0.0.1";
const DST = "198.51.100.7";

/** Probe i (TTL `ttl`) and, when `router` is given, its time-exceeded reply quoting the probe's headers. */
function hop(i: number, ttl: number, router: string | null): TestPacket[] {
  const probe = udp4({ src: SRC, dst: DST, ttl, id: i }, { sport: 40000 + i, dport: 33434 + i, payload: "probe" });
  const out: TestPacket[] = [{ ts: 1 + i, bytes: frame(probe) }];
  if (router !== null)
    out.push({ ts: 1.01 + i, bytes: frame(icmp4({ src: router, dst: SRC }, { type: 11, code: 0, id: 0, seq: 0, payload: probe.subarray(0, 28) })) });
  return out;
}

async function run(packets: TestPacket[], settings: string[] = []): Promise<{ traceroute: string[][]; notices: string[]; signatures: number }> {
  const loads = ["policy/misc/detect-traceroute"];
  const engine = new Engine({ settings, loads });
  const scripts = loadBuiltinScripts(engine, { memory: true, loads });
  await engine.run(memorySource(packets));
  scripts.close();
  const read = (path: string) => parseLogText(scripts.logs.text(path));
  return {
    traceroute: read("traceroute").rows.map((r) => r.slice(1)),
    notices: logRecords(scripts.logs.text("notice")).map((n) => n.msg!),
    signatures: read("signatures").rows.length,
  };
}

const routers = ["192.0.2.1", "192.0.2.2", "192.0.2.3"];

test("three routers answering low-TTL probes: a traceroute.log row and a Traceroute::Detected notice; no signatures.log rows", async () => {
  const r = await run(routers.flatMap((router, i) => hop(i, i + 1, router)));
  assert.deepEqual(r.traceroute, [[SRC, DST, "udp"]]);
  assert.deepEqual(r.notices, [`${SRC} seems to be running traceroute using udp`]);
  assert.equal(r.signatures, 0);
});

test("two routers, or probes without a low TTL, are no traceroute; require_low_ttl_packets=F counts the replies alone", async () => {
  assert.deepEqual((await run(routers.slice(0, 2).flatMap((router, i) => hop(i, i + 1, router)))).traceroute, []);
  const highTtl = routers.flatMap((router, i) => hop(i, 64, router));
  assert.deepEqual((await run(highTtl)).traceroute, []);
  assert.deepEqual((await run(highTtl, ["Traceroute::require_low_ttl_packets=F"])).traceroute, [[SRC, DST, "udp"]]);
});
