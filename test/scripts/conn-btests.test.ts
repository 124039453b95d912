/**
 * Zeek's btests of base/protocols/conn whose scripts print, replayed
 * through test/helpers/btest-replay: their commands read from Zeek's
 * source, their handlers twinned, every file they compare (standard error
 * included) as Zeek's baseline. Zeek's source and the corpus traces are the
 * oracles: without them the tests skip, saying so.
 */
import { test } from "node:test";
import type { Connection } from "../../src/event/records.js";
import { communityIdV1 } from "../../src/scripts/community-id.js";
import { watchConnection } from "../../src/scripts/conn-polling.js";
import { connState } from "../../src/scripts/conn-state.js";
import { connThresholds } from "../../src/scripts/conn-thresholds.js";
import { type BtestSuite, readBtest, replayBtest } from "../helpers/btest-replay.js";
import { zeekConnId, zeekInterval } from "../helpers/zeek-print.js";
import { zeekSource } from "../signatures/btest-harness.js";

const SUITE: BtestSuite = { zeek: zeekSource(), dir: "testing/btest/scripts/base/protocols/conn", what: "its conn btests" };
const POLICY: BtestSuite = { zeek: SUITE.zeek, dir: "testing/btest/scripts/policy/protocols/conn", what: "its conn policy btests" };

test("Zeek's btest conn/conn_state-RST-behavior: the history and conn_state of connections ended by a RST after nothing, a SYN, a SYN and ACK, and data", async (t) => {
  const b = readBtest(t, SUITE, "conn_state-RST-behavior");
  if (b === null) return;
  // Printed at priority 0: base/protocols/conn set c$conn$conn_state at 5, from the same record.
  await replayBtest(b, (engine, print) => engine.on("connection_state_remove", (c) => print(c.history, connState(c))));
});

test("Zeek's btest conn/unknown-ip-short-payload: packet_contents of an unknown IP protocol's payloads, the short ones included", async (t) => {
  const b = readBtest(t, SUITE, "unknown-ip-short-payload");
  if (b === null) return;
  await replayBtest(b, (engine, print) =>
    engine.on("packet_contents", (c, contents) => print(`packet_contents: |${zeekConnId(c.id)}| len=${contents.length}`)),
  );
});

test("Zeek's btest conn/polling: ConnPolling::watch calls back every 0.2 s of network time until the callback says stop (stop_cnt) or the connection is gone", async (t) => {
  const b = readBtest(t, SUITE, "polling");
  if (b === null) return;
  await replayBtest(b, (engine, print, _trace, options) => {
    const stop = Number(options.get("stop_cnt"));
    const callback = (c: Connection, count: number): number => {
      print("callback", zeekConnId(c.id), String(count));
      return count >= stop ? -1 : 0.2;
    };
    engine.on("new_connection", (c) => {
      print("new_connection", zeekConnId(c.id));
      watchConnection(engine, c, callback, 0, 0);
    });
  });
});

test("Zeek's btest conn/threshold-delete: byte, duration and packet thresholds set and deleted at once raise nothing", async (t) => {
  const b = readBtest(t, SUITE, "threshold-delete");
  if (b === null) return;
  await replayBtest(b, (engine, print) => {
    const thresholds = connThresholds(engine);
    engine.on("connection_established", (c) => {
      thresholds.set(c, "bytes", 1, true);
      thresholds.delete(c, "bytes", 1, true);
      thresholds.set(c, "duration", 0.1);
      thresholds.delete(c, "duration", 0.1);
      thresholds.set(c, "packets", 63, true);
      thresholds.delete(c, "packets", 63, true);
    });
    engine.on("ConnThreshold::bytes_threshold_crossed", (c, threshold, isOrig) =>
      print("triggered bytes", zeekConnId(c.id), String(threshold), isOrig ? "T" : "F"),
    );
    engine.on("ConnThreshold::packets_threshold_crossed", (c, threshold, isOrig) =>
      print("triggered packets", zeekConnId(c.id), String(threshold), isOrig ? "T" : "F"),
    );
    engine.on("ConnThreshold::duration_threshold_crossed", (c, threshold, isOrig) =>
      print("triggered duration", zeekConnId(c.id), zeekInterval(threshold), isOrig ? "T" : "F"),
    );
  });
});

test("Zeek's btest conn/community-id-logging-flipped: a connection flipped after its first packet keeps its community_id, printed at new_connection and logged", async (t) => {
  const b = readBtest(t, POLICY, "community-id-logging-flipped");
  if (b === null) return;
  await replayBtest(b, (engine, print) =>
    // c$conn$community_id, as community-id-logging sets it at new_connection (priority 5) from c$id and its options.
    engine.on("new_connection", (c) =>
      print("new_connection", c.uid, communityIdV1(c.id, engine.settings["CommunityID::seed"], engine.settings["CommunityID::do_base64"])),
    ),
  );
});

test("Zeek's btest conn/contents-default-extract: Conn::default_extract=T writes an FTP control connection's two sides to contents_*_orig.dat and _resp.dat, as the baselines' bytes", async (t) => {
  const b = readBtest(t, SUITE, "contents-default-extract");
  // Its script loads nothing and handles nothing: base/protocols/conn on the command line does the work.
  if (b !== null) await replayBtest(b, () => undefined);
});
