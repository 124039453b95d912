/**
 * Zeek's core btests of what a script sees of the run itself: the checksum
 * settings (core/checksums-cli; core/checksums_ignore_nets_runtime_update:
 * ignore_checksums_nets cleared by Config::set_value), network time before the first packet
 * (core/network-time-init), the capture filter in packet_filter.log
 * (core/print-bpf-filters) and a link type libpcap cannot filter
 * (core/pcap/filter-warning), events' network timestamps
 * (core/event-metadata/current-event-time, network-timestamp:
 * Engine.currentEventTime and currentEventMetadata), Reporter::limit_reached_weird
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
 * Replayed elsewhere: scripts/policy/frameworks/conn_key/
 * vlan_fivetuple_conn_id_ctx_usage (vlan-fivetuple-btests),
 * scripts/base/frameworks/logging/delay/queue-setter (test/log/delay-btests).
 *
 * Left out:
 * - scripts/policy/misc/dump-events-json: bronze has no policy/misc/dump-events
 *   (every event with its arguments as Zeek's JSON of its values, filtered
 *   by DumpEvents::include and include_args), and the stored Zeek mirror
 *   lacks one of its four baselines (really-all-events.json's blob).
 * - checksums-cli's runs 5 and 7 (`zeek -C -e 'print ignore_checksums'`,
 *   `zeek -C -I ignore_checksums`): a print statement given on the command
 *   line and Zeek's print-id option, script-language features (bronze's
 *   scripts are TypeScript); the other five runs are replayed.
 * - pcap/filter-warning's reporter.log and output: the warning's location is
 *   a line of Zeek's packet-filter/main.zeek ("<...>/main.zeek, line 324"),
 *   which bronze's TypeScript framework has not (its reporter.log location
 *   is unset, its standard error line has none); notice.log and
 *   packet_filter.log are replayed.
 */
import { test } from "node:test";
import type { Engine } from "../../src/engine.js";
import type { Connection } from "../../src/event/records.js";
import { networkTime } from "../../src/scripts/capture-loss.js";
import type { ConfigFramework } from "../../src/scripts/config/framework.js";
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

/** EventMetadata::current(EventMetadata::NETWORK_TIMESTAMP): the running event's network timestamp, as a vector. */
const networkTimestamp = (engine: Engine): string =>
  `[${engine
    .currentEventMetadata()
    .map((m) => zeekDouble(m.val))
    .join(", ")}]`;

/** event-metadata/current-event-time: at each new connection, the option, current_event_time() and the timestamp metadata. */
const currentEventTime: Twin = (engine, print) =>
  engine.on("new_connection", () => {
    const on = tf(engine.settings["EventMetadata::add_network_timestamp"]);
    print(
      `new_connection add_network_timestamp=${on} current_event_time=${zeekDouble(engine.currentEventTime())} network_timestamp=${networkTimestamp(engine)}`,
    );
  });

/** event-metadata/network-timestamp: at each new connection, its uid, EventMetadata::current_all() and the timestamp metadata. */
const eventNetworkTimestamp: Twin = (engine, print) =>
  engine.on("new_connection", (c) => {
    const all = engine.currentEventMetadata().map((m) => `[id=${m.id}, val=${zeekDouble(m.val)}]`);
    print(`new_connection ${c.uid} all=[${all.join(", ")}] network_timestamp=${networkTimestamp(engine)}`);
  });

/**
 * checksums_ignore_nets_runtime_update: from the fourth packet on, each
 * new_packet sets ignore_checksums_nets to the empty set through
 * Config::set_value (the config framework, which the setup hands over).
 */
function ignoreNetsCleared(): { twin: Twin; options: CoreBtestOptions } {
  let config: ConfigFramework | undefined;
  let packets = 0;
  const twin: Twin = (engine) => {
    packets = 0;
    engine.on("new_packet", () => {
      if (++packets > 3) config!.setValue("ignore_checksums_nets", new Set());
    });
  };
  return { twin, options: { setup: (_logs, _notices, scripts) => void (config = scripts.config) } };
}

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
  {
    path: "checksums_ignore_nets_runtime_update.test",
    what: "ignore_checksums_nets cleared by Config::set_value after three packets: the next bad TCP checksum is a weird",
    ...ignoreNetsCleared(),
  },
  {
    path: "event-metadata/current-event-time.zeek",
    what: "current_event_time() is the event's network timestamp with EventMetadata::add_network_timestamp, else -1.0",
    twin: currentEventTime,
  },
  {
    path: "event-metadata/network-timestamp.zeek",
    what: "EventMetadata::current_all() and current(NETWORK_TIMESTAMP): the queueing time only when asked for",
    twin: eventNetworkTimestamp,
  },
  {
    path: "pcap/filter-warning.zeek",
    what: "a filter on IEEE 802.15.4 frames: libpcap's warning, the install fails (packet_filter.log, Install_Failure)",
    twin: logsOnly,
    options: { skip: /reporter\.log|-remove-abspath output/ },
  },
  {
    path: "print-bpf-filters.zeek",
    what: "packet_filter.log: the default filter, -f's, restricted_filter and'ed in front, the auto protocol filters' ports",
    twin: logsOnly,
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
