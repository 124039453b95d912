/**
 * Zeek's btests of base/protocols/sip whose scripts print, replayed through
 * test/helpers/btest-replay: their commands read from Zeek's source, their
 * handlers twinned, every file they compare as Zeek's baseline. Zeek's
 * source and the corpus traces are the oracles: without them the tests
 * skip, saying so. invalid-content-length, junk and wireshark compare logs
 * only: test/conformance/btest-applogs replays them.
 */
import { test } from "node:test";
import { type BtestSuite, readBtest, replayBtest } from "../../helpers/btest-replay.js";
import { zeekSource } from "../../signatures/btest-harness.js";

/** The paths log_sip's handler prints the lengths of, and the names it prints them by. */
const PATHS = [
  ["request_path", "request_path_len"],
  ["response_path", "response_path_len"],
] as const;

const SUITE: BtestSuite = { zeek: zeekSource(), dir: "testing/btest/scripts/base/protocols/sip", what: "its SIP btests" };

test("Zeek's btest sip/path-length-limits: SIP::max_request_path_length and max_response_path_length bound the Via paths, each one past them a weird", async (t) => {
  const b = readBtest(t, SUITE, "path-length-limits");
  if (b === null) return;
  // The twin prints from SIP::log_sip, the stream's event, which the run's logs raise: the setup hooks it to the run's output.
  let print: (...values: string[]) => void = () => undefined;
  const logSip = (rec: Readonly<Record<string, unknown>>): void => {
    for (const [field, what] of PATHS) {
      const path = rec[field] as readonly string[] | undefined;
      if (path !== undefined && path.length > 1) print(`${what}=${path.length}`);
    }
  };
  await replayBtest(
    b,
    (_engine, runPrint) => void (print = runPrint),
    (logs) => logs.onRecord("sip", logSip),
  );
});
