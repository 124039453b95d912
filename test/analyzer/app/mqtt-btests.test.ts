/**
 * Zeek's btests of base/protocols/mqtt whose scripts print event arguments,
 * replayed through test/helpers/btest-replay: their commands read from
 * Zeek's source, their handlers twinned, every file they compare as Zeek's
 * baseline. Zeek's source and the corpus traces are the oracles: without
 * them the tests skip, saying so. mqtt/mqtt compares logs only:
 * test/conformance/btest-applogs replays it.
 */
import { test } from "node:test";
import { configFramework } from "../../../src/scripts/config/framework.js";
import { type BtestSuite, readBtest, replayBtest } from "../../helpers/btest-replay.js";
import { zeekString } from "../../helpers/zeek-print.js";
import { zeekSource } from "../../signatures/btest-harness.js";

const SUITE: BtestSuite = { zeek: zeekSource(), dir: "testing/btest/scripts/base/protocols/mqtt", what: "its MQTT btests" };

test("Zeek's btest mqtt/mqtt-payload-cap-dynamic: MQTT::max_payload_size set by Config::set_value in a handler cuts the next publish's payload", async (t) => {
  const b = readBtest(t, SUITE, "mqtt-payload-cap-dynamic");
  if (b === null) return;
  await replayBtest(b, (engine, print) =>
    engine.on("mqtt_publish", (_c, _isOrig, _id, msg) => {
      print("mqtt_publish", zeekString(msg.payload), String(msg.payload.length), String(msg.payload_len));
      // The framework the built-in scripts made (base/frameworks/config is loaded); the deps given here go unused.
      const config = configFramework(engine, { error: () => undefined, warning: () => undefined });
      const max = config.value("MQTT::max_payload_size") as number;
      config.setValue("MQTT::max_payload_size", max > 8 ? 8 : max - 3);
    }),
  );
});
