/**
 * MQTT (Zeek's base/protocols/mqtt): connect, publish (QoS 0, 1, 2) and
 * subscribe rows as Zeek writes them, detection on another port by the
 * signature, and malformations (a remaining length of five bytes, fields
 * past the packet's end) that become violations, never exceptions.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Engine, loadBuiltinScripts } from "../../../src/index.js";
import { memorySource } from "../../helpers/packets.js";
import { udpPacket } from "../../session/harness.js";
import { ICS_ANALYZERS, mqttPacket, mqttStr, run, runTcp } from "./ics-wire.js";
import { conversation, type Turn } from "./ssh-wire.js";

const cols = (row: string, from: number): string => row.split("\t").slice(from).join("\t");
const connect = (version: number, client: string, will?: [string, string]): Uint8Array =>
  mqttPacket(1, 0, [
    ...mqttStr(version === 3 ? "MQIsdp" : "MQTT"),
    version,
    will ? 0x06 : 0x02,
    0,
    60,
    ...mqttStr(client),
    ...(will ? [...mqttStr(will[0]), ...mqttStr(will[1])] : []),
  ]);

test("MQTT: connect/connack, subscribe/suback, publishes of QoS 0, 1 and 2 become Zeek's three logs", async () => {
  const r = await runTcp(
    [
      { from: "c", data: connect(4, "client-1", ["last/will", "bye"]) },
      { from: "s", data: mqttPacket(2, 0, [0, 0]) },
      { from: "c", data: mqttPacket(8, 2, [0, 1, ...mqttStr("a/b"), 1, ...mqttStr("c/#"), 0]) },
      { from: "s", data: mqttPacket(9, 0, [0, 1, 1]) },
      { from: "c", data: mqttPacket(3, 0, [...mqttStr("a/b"), ...[..."hello"].map((ch) => ch.charCodeAt(0))]) },
      { from: "c", data: mqttPacket(3, 2, [...mqttStr("a/b"), 0, 7, 0x41, 0x42]) },
      { from: "s", data: mqttPacket(4, 0, [0, 7]) },
      { from: "s", data: mqttPacket(3, 5, [...mqttStr("c/d"), 0, 9, ...new Array<number>(150).fill(0x7a)]) },
      { from: "c", data: mqttPacket(5, 0, [0, 9]) },
      { from: "s", data: mqttPacket(6, 2, [0, 9]) },
      { from: "c", data: mqttPacket(7, 0, [0, 9]) },
      { from: "c", data: mqttPacket(10, 2, [0, 2, ...mqttStr("a/b")]) },
      { from: "s", data: mqttPacket(11, 0, [0, 2]) },
    ],
    1883,
    ["analyzer_confirmation_info"],
  );
  assert.deepEqual(
    r.logs("mqtt_connect").map((l) => cols(l, 6)),
    ["MQTT\t3.1.1\tclient-1\tConnection Accepted\tlast/will\tbye"],
  );
  assert.deepEqual(
    r.logs("mqtt_subscribe").map((l) => cols(l, 6)),
    ["MQTT::SUBSCRIBE\ta/b,c/#\t1,0\t1\tT", "MQTT::UNSUBSCRIBE\ta/b\t-\t-\tT"],
  );
  assert.deepEqual(
    r.logs("mqtt_publish").map((l) => cols(l, 6)),
    ["T\tF\tat most once\tok\ta/b\thello\t5", "T\tF\tat least once\tok\ta/b\tAB\t2", `F\tT\texactly once\tok\tc/d\t${"z".repeat(100)}\t150`],
  );
  assert.equal(r.events.length, 1);
  assert.equal(r.logs("conn")[0]!.split("\t")[7], "mqtt");
});

test("MQTT: 3.1 (MQIsdp) on another port is found by the signature; a 5.0 connect is read as Zeek reads it", async () => {
  const r = await runTcp(
    [
      { from: "c", data: connect(3, "paho") },
      { from: "s", data: mqttPacket(2, 0, [0, 5]) },
    ],
    8883,
  );
  assert.deepEqual(
    r.logs("mqtt_connect").map((l) => cols(l, 6)),
    ["MQIsdp\t3.1\tpaho\tRefused: not authorized\t-\t-"],
  );
  const v5 = await runTcp(
    [
      { from: "c", data: connect(5, "five") },
      { from: "s", data: mqttPacket(2, 0, [0, 0]) },
    ],
    1883,
  );
  assert.deepEqual(
    v5.logs("mqtt_connect").map((l) => cols(l, 6)),
    ["MQTT\t5.0\tfive\tConnection Accepted\t-\t-"],
  );
});

test("MQTT: a packet split byte by byte parses the same; malformed lengths and short fields are violations, not exceptions", async () => {
  const pub = mqttPacket(3, 0, [...mqttStr("t"), 0x31, 0x32]);
  const split = await runTcp(
    [...pub].map((b) => ({ from: "c" as const, data: new Uint8Array([b]) })),
    1883,
  );
  assert.deepEqual(
    split.logs("mqtt_publish").map((l) => cols(l, 10)),
    ["t\t12\t2"],
  );
  const bad = await runTcp(
    [
      { from: "c", data: new Uint8Array([0x30, 0xff, 0xff, 0xff, 0xff, 0x01, 0, 0]) }, // 5-byte remaining length
      { from: "c", data: mqttPacket(8, 2, [0, 1, 0, 9, 0x61]) }, // topic longer than the packet
      { from: "c", data: mqttPacket(1, 0, [0, 4]) }, // connect cut short
    ],
    1883,
    ["analyzer_violation_info"],
  );
  assert.ok(bad.events.some((e) => e.includes("too many bytes")));
  assert.ok(bad.events.some((e) => e.includes("out_of_bound")));
  assert.ok(!bad.events.some((e) => e.includes("analyzer error")));
});

test("MQTT: a publish or subscribe left unacknowledged is written by its table's 5 s expiry, at the next 10 s check; one still young when the connection goes is not", async () => {
  const ping = { from: "c" as const, data: mqttPacket(12, 0, []) };
  const pong = { from: "s" as const, data: mqttPacket(13, 0, []) };
  // One turn a second from t=1: the tables are made at t=1 and checked at t=2, 12 and 22. The
  // connection closes at t=25 and goes at the packet of t=31; the check due at 32, found by the
  // packet of t=40, no longer runs. (Due at the same packet as the removal, it would: in Zeek the
  // connection's record, and its tables, live until the removal's events are done.)
  const turns: Turn[] = [
    { from: "c", data: connect(4, "quiet") }, // t=1
    { from: "s", data: mqttPacket(2, 0, [0, 0]) }, // t=2
    { from: "c", data: mqttPacket(3, 2, [...mqttStr("x/y"), 0, 7, 0x41]) }, // t=3: QoS 1, never acked
    { from: "c", data: mqttPacket(8, 2, [0, 8, ...mqttStr("s/t"), 1]) }, // t=4: never acked
    ...Array.from({ length: 4 }, (_, i) => (i % 2 === 0 ? ping : pong)), // t=5..8
    { from: "c", data: mqttPacket(3, 2, [...mqttStr("late"), 0, 9, 0x42]) }, // t=9: 9 + 5 > 12, expires at 22
    ...Array.from({ length: 6 }, (_, i) => (i % 2 === 0 ? ping : pong)), // t=10..15
    { from: "c", data: mqttPacket(3, 0, [...mqttStr("now"), 0x44]) }, // t=16: QoS 0, written at once: between the two checks
    ...Array.from({ length: 3 }, (_, i) => (i % 2 === 0 ? pong : ping)), // t=17..19
    { from: "c", data: mqttPacket(3, 2, [...mqttStr("young"), 0, 10, 0x43]) }, // t=20: the connection ends first
    ping, // t=21
    pong, // t=22
  ];
  const r = await run([...conversation(turns, { sport: 1883 }), ...[31, 40].map((t) => udpPacket(t, "192.0.2.1", 5353, "192.0.2.2", 9999, new Uint8Array(4)))]);
  const publish = r.logs("mqtt_publish");
  assert.deepEqual(
    publish.map((l) => [l.split("\t")[0], cols(l, 6)].join("\t")),
    [
      "3.000000\tT\tF\tat least once\tincomplete_qos\tx/y\tA\t1",
      "16.000000\tT\tF\tat most once\tok\tnow\tD\t1",
      "9.000000\tT\tF\tat least once\tincomplete_qos\tlate\tB\t1",
    ],
  );
  assert.deepEqual(
    r.logs("mqtt_subscribe").map((l) => [l.split("\t")[0], cols(l, 6)].join("\t")),
    ["4.000000\tMQTT::SUBSCRIBE\ts/t\t1\t-\tF"],
  );
});

test("MQTT: MQTT::max_payload_size is read at each publish: a Config::set_value in a handler cuts the publishes after it", async () => {
  const publish = (text: string): Uint8Array => mqttPacket(3, 0, [...mqttStr("t"), ...[...text].map((ch) => ch.charCodeAt(0))]);
  const turns: Turn[] = ["abcdefghij", "abcdefghij", "abcdefghij"].map((text) => ({ from: "c", data: publish(text) }));
  const engine = new Engine({ analyzers: [...ICS_ANALYZERS] });
  const { config } = loadBuiltinScripts(engine, { memory: true });
  const seen: string[] = [];
  engine.on("mqtt_publish", (_c, _isOrig, _id, msg) => {
    seen.push(`${msg.payload}/${msg.payload_len}`);
    config!.setValue("MQTT::max_payload_size", (config!.value("MQTT::max_payload_size") as number) === 100 ? 4 : 2);
  });
  await engine.run(memorySource(conversation(turns, { sport: 1883 })));
  assert.deepEqual(seen, ["abcdefghij/10", "abcd/10", "ab/10"]);
});

test("MQTT: a session seen mid-run leaves the built-in scripts reading no link-layer address (no handler added during the run)", async () => {
  const engine = new Engine({ analyzers: [...ICS_ANALYZERS] });
  const scripts = loadBuiltinScripts(engine, { memory: true });
  const turns: Turn[] = [
    { from: "c", data: connect(4, "client-1") },
    { from: "s", data: mqttPacket(2, 0, [0, 0]) },
  ];
  await engine.run(memorySource(conversation(turns, { sport: 1883 })));
  scripts.close();
  assert.match(scripts.logs.text("mqtt_connect"), /\tclient-1\t/, "the session was logged");
  // A handler registered after loading counts as a user's, which may read c$orig$l2_addr: every later connection kept its MACs.
  assert.equal(engine.sessions.keepL2Addresses, false);
});
