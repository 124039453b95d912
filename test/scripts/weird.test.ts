import assert from "node:assert/strict";
import { test } from "node:test";
import { EventBus } from "../../src/event/bus.js";
import type { Weird } from "../../src/event/records.js";
import { LogManager } from "../../src/log/manager.js";
import { WeirdLog } from "../../src/scripts/weird.js";
import { connection } from "./connections.js";

function logOf(weirds: Weird[]): string[][] {
  const bus = new EventBus();
  const logs = new LogManager({ memory: true });
  new WeirdLog(bus, logs);
  for (const w of weirds) bus.queue("weird", w);
  bus.drain();
  logs.closeAll();
  return logs
    .text("weird")
    .split("\n")
    .filter((l) => l && !l.startsWith("#"))
    .map((l) => l.split("\t"));
}

const c1 = connection({ uid: "C1" });
const c2 = connection({ uid: "C2", id: { orig_p: 40001 } });

test("columns of a connection, a flow and a net weird", () => {
  const rows = logOf([
    { ts: 1, name: "data_before_established", addl: "", source: "TCP", conn: c1 },
    { ts: 2, name: "invalid_inner_IP_version", addl: "", source: "IPTUNNEL", src: "::1", dst: "::2" },
    { ts: 3, name: "truncated_IP", addl: "12 > 10", source: "IP" },
    { ts: 4, name: "possible_split_routing", addl: "", source: "", conn: c2 },
  ]);
  assert.deepEqual(rows, [
    ["1.000000", "C1", "10.0.0.1", "40000", "93.184.216.34", "80", "data_before_established", "-", "F", "zeek", "TCP"],
    ["2.000000", "-", "::1", "0", "::2", "0", "invalid_inner_IP_version", "-", "F", "zeek", "IPTUNNEL"],
    ["3.000000", "-", "-", "-", "-", "-", "truncated_IP", "12 > 10", "F", "zeek", "IP"],
    ["4.000000", "C2", "10.0.0.1", "40001", "93.184.216.34", "80", "possible_split_routing", "-", "F", "zeek", "-"],
  ]);
});

test("a (name, connection) pair is logged once; other connections and names still log", () => {
  const rows = logOf([
    { ts: 1, name: "data_before_established", addl: "", source: "TCP", conn: c1 },
    { ts: 2, name: "data_before_established", addl: "", source: "TCP", conn: c1 },
    { ts: 3, name: "data_before_established", addl: "", source: "TCP", conn: c2 },
    { ts: 4, name: "inappropriate_FIN", addl: "", source: "TCP", conn: c1 },
    { ts: 5, name: "truncated_IP", addl: "", source: "IP" },
    { ts: 6, name: "truncated_IP", addl: "", source: "IP" },
  ]);
  assert.deepEqual(
    rows.map((r) => `${r[1]} ${r[6]}`),
    ["C1 data_before_established", "C2 data_before_established", "C1 inappropriate_FIN", "- truncated_IP"],
  );
});

test("after a role flip (id swapped in place) the same weird is a new (name, identifier) pair", () => {
  const bus = new EventBus();
  const logs = new LogManager({ memory: true });
  const weird = new WeirdLog(bus, logs);
  const c = connection({ uid: "CF" });
  const w = { addl: "", source: "TCP", conn: c, name: "bad_TCP_checksum" };
  weird.handle({ ...w, ts: 1 });
  weird.handle({ ...w, ts: 2 });
  const id = c.id;
  [id.orig_h, id.resp_h, id.orig_p, id.resp_p] = [id.resp_h, id.orig_h, id.resp_p, id.orig_p];
  weird.handle({ ...w, ts: 3 });
  weird.handle({ ...w, ts: 4 });
  assert.equal(weird.rows, 2);
});

test("repeats are logged again after ten minutes of network time", () => {
  const rows = logOf([
    { ts: 100, name: "truncated_IP", addl: "", source: "IP" },
    { ts: 699, name: "truncated_IP", addl: "", source: "IP" },
    { ts: 701, name: "truncated_IP", addl: "", source: "IP" },
  ]);
  assert.deepEqual(
    rows.map((r) => r[0]),
    ["100.000000", "701.000000"],
  );
});

test("ignored names never log; per-originator names log once per originator", () => {
  const otherOrig = connection({ uid: "C3", id: { orig_h: "10.9.9.9" } });
  const rows = logOf([
    { ts: 1, name: "unsolicited_SYN_response", addl: "", source: "TCP", conn: c1 },
    { ts: 1, name: "spontaneous_RST", addl: "", source: "TCP", conn: c1 },
    { ts: 2, name: "SYN_with_data", addl: "", source: "TCP", conn: c1 },
    { ts: 3, name: "SYN_with_data", addl: "", source: "TCP", conn: c2 },
    { ts: 4, name: "SYN_with_data", addl: "", source: "TCP", conn: otherOrig },
  ]);
  assert.deepEqual(
    rows.map((r) => r[1]),
    ["C1", "C3"],
  );
});

test("checksum weirds are never suppressed as repeats, but still once per originator", () => {
  const rows = logOf([
    { ts: 1, name: "bad_TCP_checksum", addl: "", source: "TCP", conn: c1 },
    { ts: 2, name: "bad_TCP_checksum", addl: "", source: "TCP", conn: c1 },
  ]);
  assert.equal(rows.length, 1);
});

test("notice actions set the notice column", () => {
  const rows = logOf([{ ts: 1, name: "SYN_after_partial", addl: "", source: "TCP", conn: c1 }]);
  assert.equal(rows[0]![8], "T");
});

test("repeat-suppression state expires: memory stays bounded on long runs", () => {
  const bus = new EventBus();
  const logs = new LogManager({ memory: true });
  const weird = new WeirdLog(bus, logs);
  for (let i = 0; i < 2000; i++) {
    const c = connection({ uid: `C${i}`, id: { orig_p: 1024 + i } });
    weird.handle({ ts: i * 10, name: "data_before_established", addl: "", source: "TCP", conn: c });
  }
  assert.equal(weird.rows, 2000);
  assert.ok(weird.suppressionEntries <= 61, `${weird.suppressionEntries} entries kept`);
});
