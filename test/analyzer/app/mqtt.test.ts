/**
 * MQTT (Zeek's base/protocols/mqtt): connect, publish (QoS 0, 1, 2) and
 * subscribe rows as Zeek writes them, detection on another port by the
 * signature, and malformations (a remaining length of five bytes, fields
 * past the packet's end) that become violations, never exceptions.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { mqttPacket, mqttStr, runTcp } from "./ics-wire.js";

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
