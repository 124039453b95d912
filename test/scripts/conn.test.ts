import assert from "node:assert/strict";
import { test } from "node:test";
import { EventBus } from "../../src/event/bus.js";
import { TcpState as T } from "../../src/event/records.js";
import { LogManager } from "../../src/log/manager.js";
import { ConnLog, connLogValues } from "../../src/scripts/conn.js";
import { loadBuiltinScripts } from "../../src/scripts/index.js";
import { LocalNets } from "../../src/scripts/site.js";
import { ConnRecord } from "../../src/session/conn-record.js";
import { connection, endpoint } from "./connections.js";

function dataLines(text: string): string[][] {
  return text
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => l.split("\t"));
}

function run(fn: (bus: EventBus) => void, json = false): string {
  const bus = new EventBus();
  const logs = new LogManager({ memory: true, json });
  new ConnLog(bus, logs);
  fn(bus);
  bus.drain();
  logs.closeAll();
  return logs.text("conn");
}

test("a closed TCP connection: the missing-syn line (Zeek's btest core.tcp.missing-syn), service aside", () => {
  const c = connection({
    id: { orig_h: "141.42.64.125", orig_p: 56730, resp_h: "125.190.109.199", resp_p: 80 },
    start_time: 1128727435.633408,
    duration: 1128727437.184201 - 1128727435.633408,
    history: "^hADdFaf",
    orig: endpoint({ state: T.CLOSED, size: 98, num_pkts: 11, num_bytes_ip: 670 }),
    resp: endpoint({ state: T.CLOSED, size: 9417, num_pkts: 10, num_bytes_ip: 9945 }),
  });
  const text = run((bus) => bus.queue("connection_state_remove", c));
  assert.deepEqual(dataLines(text), [
    "1128727435.633408 CHhAvVGS1DHFjwGM9 141.42.64.125 56730 125.190.109.199 80 tcp - 1.550793 98 9417 SF F F 0 ^hADdFaf 11 670 10 9945 - 6".split(" "),
  ]);
  assert.match(text, /^#separator \\x09\n/);
  assert.match(text, /#close\t\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d\n$/);
});

test("zero duration leaves duration and byte counts unset; empty history is '-'", () => {
  const c = connection({ orig: endpoint({ num_pkts: 0 }), history: "" });
  const [row] = dataLines(run((bus) => bus.queue("connection_state_remove", c)));
  assert.equal(row![8], "-");
  assert.equal(row![9], "-");
  assert.equal(row![10], "-");
  assert.equal(row![11], "OTH");
  assert.equal(row![12], "T", "10.0.0.1 is private");
  assert.equal(row![13], "F");
  assert.equal(row![15], "-");
});

test("missed_bytes sums content_gap lengths of that connection only", () => {
  const a = connection({ uid: "Ca", duration: 1 });
  const b = connection({ uid: "Cb", duration: 1 });
  const rows = dataLines(
    run((bus) => {
      bus.queue("content_gap", a, true, 1, 100);
      bus.queue("content_gap", b, false, 1, 7);
      bus.queue("content_gap", a, false, 5, 2902);
      bus.queue("connection_state_remove", a);
      bus.queue("connection_state_remove", b);
    }),
  );
  assert.deepEqual(
    rows.map((r) => [r[1], r[14]]),
    [
      ["Ca", "3002"],
      ["Cb", "7"],
    ],
  );
});

test("rows are written at priority -5, after handlers that change the record", () => {
  const bus = new EventBus();
  const logs = new LogManager({ memory: true });
  new ConnLog(bus, logs);
  bus.on("connection_state_remove", (c) => c.service.add("http"), { priority: 5 });
  bus.queue("connection_state_remove", connection());
  bus.drain();
  assert.equal(dataLines(logs.text("conn"))[0]![7], "http");
});

test("services, tunnel parents, ICMP ports and IPv6 addresses", () => {
  const c = connection({
    id: { orig_h: "::", orig_p: 135, resp_h: "ff02::1:ff00:3", resp_p: 136, transport: "icmp", proto: 58 },
    start_time: 0,
    duration: 0.008,
    service: new Set(["dns", "http"]),
    tunnel_parents: new Set(["CparentA"]),
    orig: endpoint({ state: 1, size: 48, num_pkts: 2, num_bytes_ip: 144 }),
  });
  const [row] = dataLines(run((bus) => bus.queue("connection_state_remove", c)));
  assert.deepEqual(row, "0.000000 CHhAvVGS1DHFjwGM9 :: 135 ff02::1:ff00:3 136 icmp dns,http 0.008000 48 0 OTH T F 0 - 2 144 0 0 CparentA 58".split(" "));
});

test("JSON conn.log: a conn.log line in Zeek's JSON format (Zeek's JSON writer), byte for byte", () => {
  const c = connection({
    id: { orig_h: "141.42.64.125", orig_p: 56730, resp_h: "125.190.109.199", resp_p: 80 },
    start_time: 1128727435.633408,
    duration: 1128727437.184201 - 1128727435.633408,
    service: new Set(["http"]),
    history: "^hADdFaf",
    orig: endpoint({ state: T.CLOSED, size: 98, num_pkts: 11, num_bytes_ip: 670 }),
    resp: endpoint({ state: T.CLOSED, size: 9417, num_pkts: 10, num_bytes_ip: 9945 }),
  });
  assert.equal(
    run((bus) => bus.queue("connection_state_remove", c), true),
    '{"ts":1128727435.633408,"uid":"CHhAvVGS1DHFjwGM9","id.orig_h":"141.42.64.125","id.orig_p":56730,"id.resp_h":"125.190.109.199","id.resp_p":80,"proto":"tcp","service":"http","duration":1.550792932510376,"orig_bytes":98,"resp_bytes":9417,"conn_state":"SF","local_orig":false,"local_resp":false,"missed_bytes":0,"history":"^hADdFaf","orig_pkts":11,"orig_ip_bytes":670,"resp_pkts":10,"resp_ip_bytes":9945,"ip_proto":6}\n',
  );
});

test("JSON conn.log omits unset fields", () => {
  const text = run((bus) => bus.queue("connection_state_remove", connection({ id: { transport: "udp", proto: 17 } })), true);
  const obj = JSON.parse(text.trim()) as Record<string, unknown>;
  assert.equal(obj.proto, "udp");
  assert.equal(obj.conn_state, "OTH");
  assert.equal("duration" in obj, false);
  assert.equal("tunnel_parents" in obj, false);
  assert.equal(obj.local_orig, true);
  assert.match(text, /^\{"ts":1000\.5,"uid":/);
});

test("loadBuiltinScripts: conn.log and weird.log, closed at zeek_done; mac-logging adds columns", () => {
  const bus = new EventBus();
  const scripts = loadBuiltinScripts(bus, { memory: true, loads: ["policy/protocols/conn/mac-logging"] });
  const c = connection({ orig: endpoint({ l2_addr: "00:00:00:00:00:01" }) });
  bus.queue("weird", { ts: 1, name: "truncated_IP", addl: "", source: "IP" });
  bus.queue("connection_state_remove", c);
  bus.drain();
  bus.raiseNow("zeek_done");
  const conn = scripts.logs.text("conn");
  assert.match(conn, /#fields\t.*\tip_proto\torig_l2_addr\tresp_l2_addr\n/);
  assert.match(conn, /\t6\t00:00:00:00:00:01\t-\n#close/);
  assert.match(scripts.logs.text("weird"), /truncated_IP/);
  assert.equal(scripts.conn.rows, 1);
});

test("vlan-logging adds vlan and inner_vlan (int) after the MAC columns; '-' when unset", () => {
  const bus = new EventBus();
  const scripts = loadBuiltinScripts(bus, { memory: true, loads: ["policy/protocols/conn/mac-logging", "protocols/conn/vlan-logging"] });
  bus.queue("connection_state_remove", connection({ vlan: 13, inner_vlan: 10 }));
  bus.queue("connection_state_remove", connection({ vlan: 7 }));
  bus.drain();
  bus.raiseNow("zeek_done");
  const conn = scripts.logs.text("conn");
  assert.match(conn, /#fields\t.*\tip_proto\torig_l2_addr\tresp_l2_addr\tvlan\tinner_vlan\n/);
  assert.match(conn, /#types\t.*\tcount\tstring\tstring\tint\tint\n/);
  assert.deepEqual(
    dataLines(conn).map((row) => row.slice(-2)),
    [
      ["13", "10"],
      ["7", "-"],
    ],
  );
});

test("bare mode writes weird.log only when the weird framework is loaded", () => {
  assert.equal(loadBuiltinScripts(new EventBus(), { memory: true, bare: true }).weird, undefined);
  assert.ok(loadBuiltinScripts(new EventBus(), { memory: true, bare: true, loads: ["base/frameworks/notice/weird"] }).weird);
});

test("conn.log's service column from an engine record: asking whether it has services creates no set", () => {
  const rec = new ConnRecord(
    { orig_h: "10.0.0.1", orig_p: 1, resp_h: "10.0.0.2", resp_p: 80, transport: "tcp", proto: 6 },
    { size: 0, state: T.SYN_SENT, num_pkts: 1, num_bytes_ip: 40, flow_label: 0 },
    { size: 0, state: T.INACTIVE, num_pkts: 0, num_bytes_ip: 0, flow_label: 0 },
    "Cuid",
    null,
  );
  const without = connLogValues(rec, 0, new LocalNets());
  assert.equal(without[7], undefined);
  assert.equal(rec.hasService(), false);
  assert.equal((rec as unknown as { services: Set<string> | null }).services, null, "no set made by conn.log");
  rec.service.add("HTTP");
  rec.service.add("SSL");
  assert.equal(rec.hasService(), true);
  assert.equal(connLogValues(rec, 0, new LocalNets())[7], "http,ssl");
});
