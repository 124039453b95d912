/**
 * Zeek's btests of base/protocols/irc whose scripts print event arguments,
 * replayed through test/helpers/btest-replay: their commands read from
 * Zeek's source, their handlers twinned, every file they compare as Zeek's
 * baseline. Zeek's source and the corpus traces are the oracles: without
 * them the tests skip, saying so.
 *
 * longline, malformed-dcc and starttls compare logs only: test/conformance/
 * btest-applogs replays them.
 */
import { test } from "node:test";
import { type BtestSuite, readBtest, replayBtest } from "../../helpers/btest-replay.js";
import { zeekString, zeekStringSet } from "../../helpers/zeek-print.js";
import { zeekSource } from "../../signatures/btest-harness.js";

const SUITE: BtestSuite = { zeek: zeekSource(), dir: "testing/btest/scripts/base/protocols/irc", what: "its IRC btests" };

test("Zeek's btest irc/names-weird: a 353 (NAMES) reply with no parameters is one irc_invalid_names_line weird, as Zeek's baseline", async (t) => {
  const b = readBtest(t, SUITE, "names-weird");
  if (b === null) return;
  await replayBtest(b, (engine, print) =>
    engine.on("irc_names_info", (_c, _isOrig, _type, channel, users) => print(zeekString(channel), zeekStringSet(new Set(users)))),
  );
});

test("Zeek's btest irc/dcc-first-command: a DCC SEND as a connection's first command raises no error, as Zeek's (empty) standard error", async (t) => {
  const b = readBtest(t, SUITE, "dcc-first-command");
  // Its script is @load base/protocols/irc only: no handlers to twin.
  if (b !== null) await replayBtest(b, () => undefined);
});
