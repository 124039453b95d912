/**
 * dpd_reassemble_first_packets (Zeek's TCPSessionAdapter::AddExtraAnalyzers):
 * on (the default) every TCP connection is reassembled from its start, which
 * new_connection_contents announces at creation; off, only one with an
 * analyzer by port (or expectation, or tcp_contents delivery), the others
 * from the moment DPD starts an analyzer.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { EngineOptions } from "../../../src/engine.js";
import { handshake, run, type Seg, tcpTrace } from "../../session/harness.js";

const REQUEST = "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n";

/** A handshake then an HTTP request, to `port`; the order of new_connection_contents among the connection's events. */
async function contentsAt(port: number, options: EngineOptions): Promise<string[]> {
  const segs: Seg[] = [...handshake(10), { t: 10.2, from: "c", flags: "PA", seq: 1001, ack: 5001, payload: REQUEST }];
  const seen: string[] = [];
  await run(tcpTrace(segs, { sport: port }), options, (e) => {
    for (const name of ["new_connection_contents", "new_connection", "connection_established", "analyzer_confirmation_info"] as const) {
      e.on(name, () => void seen.push(name));
    }
  });
  return seen.filter((n, i) => seen.indexOf(n) === i);
}

const OFF = { dpd_reassemble_first_packets: false };

test("dpd_reassemble_first_packets on (Zeek's default): reassembly announced at creation, any port", async () => {
  assert.equal((await contentsAt(4444, { bare: true }))[0], "new_connection_contents");
});

test("dpd_reassemble_first_packets off: an analyzer by port still reassembles from the start", async () => {
  const seen = await contentsAt(80, { bare: true, loads: ["base/protocols/http"], settings: OFF });
  assert.equal(seen[0], "new_connection_contents");
});

test("dpd_reassemble_first_packets off: no analyzer by port, no reassembly until DPD starts one", async () => {
  assert.ok(!(await contentsAt(4444, { bare: true, settings: OFF })).includes("new_connection_contents"), "nothing to start: never");
  const seen = await contentsAt(4444, { settings: OFF });
  const at = seen.indexOf("new_connection_contents");
  assert.ok(at > seen.indexOf("connection_established"), `started by the HTTP signature's match, after the handshake: ${seen.join(" ")}`);
});
