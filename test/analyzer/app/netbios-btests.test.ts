/**
 * Zeek's btests of base/protocols/netbios whose scripts print event
 * arguments, replayed through test/helpers/btest-replay: their commands read
 * from Zeek's source, their handlers (and zeek_init's register_for_port)
 * twinned, every file they compare as Zeek's baseline. Zeek's source and the
 * corpus traces are the oracles: without them the tests skip, saying so.
 * truncated-session-msg compares logs only: test/conformance/btest-applogs
 * replays it.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { type BtestSuite, readBtest, replayBtest } from "../../helpers/btest-replay.js";
import { zeekSource } from "../../signatures/btest-harness.js";

const SUITE: BtestSuite = { zeek: zeekSource(), dir: "testing/btest/scripts/base/protocols/netbios", what: "its NetBIOS btests" };

test("Zeek's btest netbios/split-session-msg: a session message whose body comes in several segments is one netbios_session_message", async (t) => {
  const b = readBtest(t, SUITE, "split-session-msg");
  if (b === null) return;
  await replayBtest(b, (engine, print) => {
    engine.on("zeek_init", () => assert.ok(engine.registerForPort("ANALYZER_NETBIOSSSN", 139, "tcp")));
    engine.on("netbios_session_message", (_c, isOrig, type, len) => print("netbios_session_message", isOrig ? "T" : "F", String(type), String(len)));
  });
});
