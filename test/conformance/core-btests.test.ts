/**
 * Zeek's btests of testing/btest/core (its top-level ones and core/icmp)
 * that run a trace and print event arguments, or whose logs the log-only
 * replay (btest-applogs) leaves out, replayed with
 * test/helpers/btest-steps-core: each btest's commands are read from Zeek's
 * source at test time, its handlers have a TypeScript twin printing as
 * Zeek's `print` does (records by init-bare's field order,
 * test/helpers/zeek-typed-print), and each file it compares is compared with
 * Zeek's baseline after btest's canonifier. Zeek's source and the corpus
 * traces are the oracles: without them the tests skip, saying so.
 *
 * Left out (besides those replayed elsewhere: see core-tunnels-btests' and
 * the other conformance files' headers):
 * - Btests of Zeek's script language or its command line, not of packets (bronze's policy scripts are TypeScript): command-line-option-redefs, dict-iteration-expire*, div-by-zero, doctest, embedded-null, empty_conn_weird, enum-redef-exists, event-arg-reuse, event-groups/*, event-metadata/*, expr-*, fake_dns, global_opaque_val, init-error, load-*, nop, option-*, parse-only-*, print-interval, proc-status-file, protocol-registration-error, record-field-*, recursive-*, reporter*, save-load-seeds, script-args, seed*, sigterm-*, stop-timeout, suspend_processing/*, vector-assignment, when-interpreter-exceptions, network_time/{broker,no-update,set-network-time*,wallclock-init}, pcap/{dumper,input-error,pseudo-realtime,wrong-format}.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Connection, IcmpContext, IcmpInfo } from "../../src/event/records.js";
import { type CoreTwin, coreBtestTraces, readCoreBtest, replayCoreBtest } from "../helpers/btest-steps-core.js";
import { zeekConnId, zeekString } from "../helpers/zeek-print.js";
import { zeekTypedPrint } from "../helpers/zeek-typed-print.js";
import { btestOraclesMissing, zeekSource } from "../signatures/btest-harness.js";

const zeek = zeekSource();
const WHAT = "its core btests";

/** Zeek's `print` of a value of a Zeek type (only called once the oracle was found). */
const typed = (value: unknown, type: string): string => zeekTypedPrint(zeek!, value, type);

const latin1 = (b: Uint8Array): string => Buffer.from(b).toString("latin1");

/** The ICMP btests' lines for an event: its name (with its arguments), then the connection's id and the icmp_info. */
function icmpHead(print: (line: string) => void, head: string, c: Connection, info: IcmpInfo): void {
  print(zeekString(head));
  print(`  conn_id: ${zeekConnId(c.id)}`);
  print(`  icmp_info: ${typed(info, "icmp_info")}`);
}

/** The ICMP btests' handlers of the error messages, which quote a packet (icmp_context). */
const ICMP_ERRORS = ["icmp_unreachable", "icmp_time_exceeded", "icmp_packet_too_big", "icmp_parameter_problem", "icmp_error_message"] as const;

/** Handlers of the ICMP events a btest's script has (each printed as core/icmp's scripts print them). */
function icmpTwin(events: ReadonlySet<string>): CoreTwin {
  return (engine, print) => {
    const on = (name: string): boolean => events.has(name);
    for (const name of ICMP_ERRORS) {
      if (!on(name)) continue;
      engine.on(name, (c: Connection, info: IcmpInfo, code: number, context: IcmpContext) => {
        icmpHead(print, `${name} (code=${code})`, c, info);
        print(`  icmp_context: ${typed(context, "icmp_context")}`);
      });
    }
    if (on("icmp_sent")) engine.on("icmp_sent", (c, info) => icmpHead(print, "icmp_sent", c, info));
    for (const name of ["icmp_echo_request", "icmp_echo_reply"] as const) {
      if (!on(name)) continue;
      engine.on(name, (c, info, id, seq, payload) => icmpHead(print, `${name} (id=${id}, seq=${seq}, payload=${latin1(payload)})`, c, info));
    }
  };
}

/** The events a btest's script handles. */
const handled = (path: string): Set<string> => new Set([...zeek!.read(`testing/btest/core/${path}`).matchAll(/^event\s+(\w+)\s*\(/gm)].map((m) => m[1]!));

const BTESTS: ReadonlyArray<{ path: string; what: string; twin: (path: string) => CoreTwin }> = [
  { path: "icmp/icmp-context.test", what: "ICMP unreachables quoting no packet, an IP header, a UDP packet", twin: (p) => icmpTwin(handled(p)) },
  { path: "icmp/icmp-events.test", what: "ICMPv4 events' arguments", twin: (p) => icmpTwin(handled(p)) },
  { path: "icmp/icmp6-context.test", what: "ICMPv6 unreachables quoting no packet, truncated and whole IPv6 packets", twin: (p) => icmpTwin(handled(p)) },
];

for (const { path, what, twin } of BTESTS) {
  test(`Zeek's btest core/${path}: ${what}, as Zeek's baseline`, async (t) => {
    if (btestOraclesMissing(t, zeek, WHAT, []) || zeek === null) return;
    const b = readCoreBtest(zeek, path);
    if (btestOraclesMissing(t, zeek, WHAT, coreBtestTraces(b))) return;
    assert.ok((await replayCoreBtest(zeek, b, twin(path))) > 0, `${path}: compares its output`);
  });
}
