import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { compareEvents, formatKnownFailures, readKnownFailures, regressed } from "./events-harness.js";

const tuple = "proto=tcp orig_h=10.0.0.1 orig_p=1 resp_h=10.0.0.2 resp_p=80";
const other = "proto=udp orig_h=10.0.0.1 orig_p=5 resp_h=10.0.0.3 resp_p=53";

test("uids are compared through their connection's new_connection line, not their text", () => {
  const zeek = [`1.000000\tnew_connection\tCaaa\t${tuple}`, "1.000000\ttcp_packet\tCaaa\tis_orig=T flags=S seq=0 ack=0 len=0"];
  const bronze = [`1.000000\tnew_connection\tCzzz\t${tuple}`, "1.000000\ttcp_packet\tCzzz\tis_orig=T flags=S seq=0 ack=0 len=0"];
  const r = compareEvents("x", zeek, bronze);
  assert.deepEqual(r.tally, { zeek: 2, bronze: 2, matched: 2 });
  assert.equal(r.score, 1);
  assert.equal(r.identicalConnections, 1);
});

test("lines match as multisets per event; a wrong connection does not match", () => {
  const zeek = [
    `1.000000\tnew_connection\tCa\t${tuple}`,
    `1.000000\tnew_connection\tCb\t${other}`,
    "1.000000\tudp_request\tCb\t",
    "1.000000\tudp_request\tCb\t",
    "2.000000\tconnection_state_remove\tCa\t",
  ];
  const bronze = [
    `1.000000\tnew_connection\tC1\t${tuple}`,
    `1.000000\tnew_connection\tC2\t${other}`,
    "1.000000\tudp_request\tC2\t",
    "2.000000\tconnection_state_remove\tC2\t", // removal of the wrong connection
    "2.000000\tconnection_state_remove\tC1\t",
  ];
  const r = compareEvents("x", zeek, bronze, true);
  assert.deepEqual(r.perEvent.get("udp_request"), { zeek: 2, bronze: 1, matched: 1 });
  assert.deepEqual(r.perEvent.get("connection_state_remove"), { zeek: 1, bronze: 2, matched: 1 });
  assert.deepEqual(r.tally, { zeek: 5, bronze: 5, matched: 4 });
  assert.equal(r.score, 4 / 5);
  assert.equal(r.connections, 2);
  assert.equal(r.identicalConnections, 1, "the TCP connection matches, the UDP one does not");
  assert.equal(r.onlyZeek?.length, 1);
  assert.equal(r.onlyBronze?.length, 1);
});

test("an event order difference inside a connection breaks its sequence but not the multiset", () => {
  const a = [`1.000000\tnew_connection\tCa\t${tuple}`, "1.000000\tconnection_established\tCa\t", "1.000000\tconnection_first_ACK\tCa\t"];
  const b = [a[0]!, a[2]!, a[1]!];
  const r = compareEvents("x", a, b);
  assert.equal(r.score, 1);
  assert.equal(r.identicalConnections, 0);
});

test("known failures: a listed case may not score lower, an unlisted one must be perfect", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "bronze-kf-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, "events.txt");
  const perfect = compareEvents("a.pcap", ["1.0\tzeek_line\tC\t"], ["1.0\tzeek_line\tC\t"]);
  const half = compareEvents("b.pcap", ["1.0\te\tC\tx", "1.0\te\tC\ty"], ["1.0\te\tC\tx"]);
  writeFileSync(file, formatKnownFailures([perfect, half]));
  const known = readKnownFailures(file);
  assert.deepEqual([...known], [["b.pcap", { matched: 1, max: 2 }]]);
  assert.equal(regressed(half, known), false);
  const worse = compareEvents("b.pcap", ["1.0\te\tC\tx", "1.0\te\tC\ty"], []);
  assert.equal(regressed(worse, known), true);
  const unlistedImperfect = compareEvents("a.pcap", ["1.0\te\tC\tx"], []);
  assert.equal(regressed(unlistedImperfect, known), true);
});
