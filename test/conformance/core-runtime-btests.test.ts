/**
 * Zeek's core btests of what a script sees of the run itself: the checksum
 * settings (core/checksums-cli), network time before the first packet
 * (core/network-time-init), Reporter::limit_reached_weird
 * (core/reporter-limit-reached-weird), and unknown_protocols.log with a
 * field its script adds (core/unknown-protocol-log, core/unknown-ip-protocol:
 * `redef record UnknownProtocol::Info$protocol_id_num += { &log }` is
 * LogManager.logField). Each is replayed with test/helpers/btest-replay:
 * its commands are read from Zeek's source at test time, its handlers have
 * a TypeScript twin printing as Zeek's `print` does, and each file it
 * compares is compared with Zeek's baseline after btest's canonifier. Zeek's
 * source and the corpus traces are the oracles: without them the tests
 * skip, saying so.
 *
 * Left out:
 * - checksums-cli's runs 5 and 7 (`zeek -C -e 'print ignore_checksums'`,
 *   `zeek -C -I ignore_checksums`): a print statement given on the command
 *   line and Zeek's print-id option, script-language features (bronze's
 *   scripts are TypeScript); the other five runs are replayed.
 */
import { test } from "node:test";
import type { Connection } from "../../src/event/records.js";
import { networkTime } from "../../src/scripts/capture-loss.js";
import { type CoreBtestOptions, coreBtestCase, type Twin } from "../helpers/btest-replay.js";
import { zeekDouble } from "../helpers/zeek-print.js";
import { zeekSource } from "../signatures/btest-harness.js";

const zeek = zeekSource();
const WHAT = "its run-time core btests";

const tf = (b: boolean): string => (b ? "T" : "F");

/** checksums-cli: ignore_checksums at zeek_init, and each bad_IP_checksum flow weird. */
const checksumsCli: Twin = (engine, print) => {
  engine.on("zeek_init", () => print(tf(engine.settings.ignore_checksums)));
  engine.on("flow_weird", (name) => name === "bad_IP_checksum" && print(name));
};

/** network-time-init: network_time() at zeek_init (0.0), then in an event scheduled 0 s on (the first packet's time). */
const networkTimeInit: Twin = (engine, print) => {
  engine.on("zeek_init", () => {
    print(zeekDouble(networkTime(engine)));
    engine.scheduleEvent(networkTime(engine), () => print(zeekDouble(networkTime(engine))));
  });
};

/** reporter-limit-reached-weird: three limit_reached_weird calls at each HTTP request (without, with a source, with a maximum). */
const limitReachedWeird: Twin = (engine) => {
  engine.on("http_request", (c: Connection) => {
    engine.limitReachedWeird("test_weird_1", c, 10);
    engine.limitReachedWeird("test_weird_2", c, 10, 0, "source");
    engine.limitReachedWeird("test_weird_3", c, 10, 20);
  });
};

/** A twin printing nothing: the btest compares logs only. */
const logsOnly: Twin = () => undefined;

/** `redef record UnknownProtocol::Info$protocol_id_num += { &log };` */
const logProtocolIdNum: CoreBtestOptions = { setup: (logs) => logs.logField("unknown_protocols", "protocol_id_num") };

const BTESTS: ReadonlyArray<{ path: string; what: string; twin: Twin; options?: CoreBtestOptions }> = [
  {
    path: "checksums-cli.test",
    what: "ignore_checksums: its default, a command-line setting, -C, which wins over the command line's F",
    twin: checksumsCli,
    options: { skip: /\bout[57]\b/ },
  },
  { path: "network-time-init.zeek", what: "network_time() is 0.0 at zeek_init and the first packet's time once packets are read", twin: networkTimeInit },
  {
    path: "reporter-limit-reached-weird.zeek",
    what: "Reporter::limit_reached_weird: the weird's addl ('N' or 'N > MAX'), its source, and X in the history",
    twin: limitReachedWeird,
  },
  { path: "unknown-protocol-log.zeek", what: "unknown_protocols.log with protocol_id_num logged (LLDP frames)", twin: logsOnly, options: logProtocolIdNum },
  {
    path: "unknown-ip-protocol.zeek",
    what: "an SCTP association is an unknown_transport connection; its packets' rows in unknown_protocols.log",
    twin: logsOnly,
    options: logProtocolIdNum,
  },
];

for (const { path, what, twin, options } of BTESTS) {
  test(`Zeek's btest core/${path}: ${what}, as Zeek's baseline`, coreBtestCase(zeek, WHAT, path, twin, options));
}
