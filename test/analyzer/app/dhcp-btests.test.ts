/**
 * Zeek's btests of base/protocols/dhcp whose scripts print event arguments,
 * replayed through test/helpers/btest-replay: their commands read
 * from Zeek's source, their handlers twinned, every file they compare as
 * Zeek's baseline. Zeek's source and the corpus traces are the oracles:
 * without them the tests skip, saying so.
 *
 * Left out:
 * - cluster: a manager and a worker over Broker.
 * - dhcp-ack-msg-types, dhcp-all-msg-types, dhcp-discover-msg-types,
 *   dhcp-sub-opts, inform: logs only, replayed by test/conformance/btest-applogs.
 */
import { test } from "node:test";
import type { DhcpOptions } from "../../../src/analyzer/app/dhcp/events.js";
import { dhcpJoinDataSizes } from "../../../src/analyzer/app/dhcp/log.js";
import { type BtestSuite, readBtest, replayBtest, type Twin } from "../../helpers/btest-replay.js";
import { zeekRecord } from "../../helpers/zeek-print.js";
import { zeekSource } from "../../signatures/btest-harness.js";

const SUITE: BtestSuite = { zeek: zeekSource(), dir: "testing/btest/scripts/base/protocols/dhcp", what: "its DHCP btests" };

/** Zeek's print of a vector of addresses. */
const addrs = (v: readonly string[]): string => `[${v.join(", ")}]`;

/**
 * dhcp-time-nameserver-events' handler of DHCP::aggregate_msgs, which the
 * base script raises from dhcp_message with its arguments unchanged (when
 * not in a cluster); bronze aggregates without the event, so the twin
 * prints the same options at dhcp_message.
 */
const timeAndServers = (options: DhcpOptions, print: (...values: string[]) => void): void => {
  if (options.time_offset !== undefined) print("time_offset", String(options.time_offset));
  if (options.time_servers !== undefined) print("timeserver_list", addrs(options.time_servers));
  if (options.name_servers !== undefined) print("nameserver_list", addrs(options.name_servers));
  if (options.ntp_servers !== undefined) print("ntpserver_list", addrs(options.ntp_servers));
};

const BTESTS: ReadonlyArray<{ name: string; what: string; twin: Twin }> = [
  {
    name: "bad-cookie-clears-options",
    what: "a message with a bad magic cookie carries none of the options of the one before",
    twin: (engine, print) =>
      engine.on("dhcp_message", (_c, _isOrig, msg, options) =>
        print(`dhcp_message xid=0x${msg.xid.toString(16)} option_count=${options.options?.length ?? 0}`),
      ),
  },
  {
    name: "dhcp-time-nameserver-events",
    what: "the time offset and the time, name and NTP server lists",
    twin: (engine, print) => engine.on("dhcp_message", (_c, _isOrig, _msg, options) => timeAndServers(options, print)),
  },
  {
    name: "dhcp-max-tracked-transactions",
    what: "DHCP::max_tracked_transactions=5 over 50 transactions: the oldest written at each new one past five, one weird",
    twin: (engine, print) =>
      engine.on("zeek_done", () => {
        const sizes = dhcpJoinDataSizes(engine.settings);
        if (sizes === undefined) return;
        print("DHCP::join_data", String(sizes.join_data));
        print("DHCP::join_data_ordered", String(sizes.join_data_ordered));
      }),
  },
  { name: "dhcp-prevent-large-msgtypes", what: "max_msg_types_per_log_entry caps a row's msg_types", twin: () => undefined },
  { name: "dhcp-prevent-large-uids", what: "max_uids_per_log_entry caps a row's uids", twin: () => undefined },
  {
    name: "hw-type0",
    what: "under -b with no DHCP script, DHCP registered for its ports in zeek_init: a client id of hardware type 0",
    twin: (engine, print) => {
      engine.on("zeek_init", () => {
        for (const port of [67, 68]) engine.registerForPort("ANALYZER_DHCP", port, "udp");
      });
      engine.on("dhcp_message", (_c, _isOrig, _msg, options) => {
        const id = options.client_id;
        if (id !== undefined)
          print(
            "dhcp client_id option",
            zeekRecord([
              ["hwtype", id.hwtype],
              ["hwaddr", id.hwaddr],
            ]),
          );
      });
    },
  },
];

for (const { name, what, twin } of BTESTS) {
  test(`Zeek's btest dhcp/${name}: ${what}, as Zeek's baseline`, async (t) => {
    const b = readBtest(t, SUITE, name);
    if (b !== null) await replayBtest(b, twin);
  });
}
