/**
 * Zeek's btests of testing/btest/core (its top-level ones and core/icmp)
 * that run a trace and print event arguments, or whose logs the log-only
 * replay (btest-applogs) leaves out, replayed with
 * test/helpers/btest-replay: each btest's commands are read from Zeek's
 * source at test time, its handlers have a TypeScript twin printing as
 * Zeek's `print` does (records by init-bare's field order,
 * test/helpers/zeek-typed-print), and each file it compares is compared with
 * Zeek's baseline after btest's canonifier. Zeek's source and the corpus
 * traces are the oracles: without them the tests skip, saying so.
 *
 * Left out (besides those replayed elsewhere: see core-tunnels-btests',
 * core-event-groups-btests' (event-groups/*), core-runtime-btests'
 * (checksums-cli, checksums_ignore_nets_runtime_update,
 * event-metadata/{current-event-time,network-timestamp}, network-time-init,
 * pcap/filter-warning, print-bpf-filters, reporter-limit-reached-weird,
 * unknown-protocol-log, unknown-ip-protocol) and the other conformance
 * files' headers):
 * - tcp/rxmit-history: its runs load Zeek's default scripts and chain `&& mv`; its logs are the conn.log of two corpus traces the conn scorer compares.
 * - Btests of Zeek's script language or its command line, not of packets (bronze's policy scripts are TypeScript): command-line-option-redefs, dict-iteration-expire*, div-by-zero, doctest, embedded-null, empty_conn_weird, enum-redef-exists, event-arg-reuse, event-metadata/{add-missing-remote-network-timestamp-error,non-event,register*}, expr-*, fake_dns, global_opaque_val, init-error, load-*, nop, option-*, parse-only-*, print-interval, proc-status-file, protocol-registration-error, record-field-*, recursive-*, reporter*, save-load-seeds, script-args, seed*, sigterm-*, stop-timeout, suspend_processing/*, vector-assignment, when-interpreter-exceptions, network_time/{broker,no-update,set-network-time*,wallclock-init}, pcap/{dumper,input-error,pseudo-realtime,wrong-format}.
 */
import { test } from "node:test";
import type { Connection, IcmpContext, IcmpInfo } from "../../src/event/records.js";
import { defaultSettings } from "../../src/options.js";
import { coreBtestCase, type Twin } from "../helpers/btest-replay.js";
import { zeekConnId, zeekDouble, zeekInterval, zeekString } from "../helpers/zeek-print.js";
import { zeekTypedPrint } from "../helpers/zeek-typed-print.js";
import { zeekSource } from "../signatures/btest-harness.js";

const zeek = zeekSource();
const WHAT = "its core btests";

/** Zeek's `print` of a value of a Zeek type (only called once the oracle was found). */
const typed = (value: unknown, type: string): string => zeekTypedPrint(zeek!, value, type);

const latin1 = (b: Uint8Array): string => Buffer.from(b).toString("latin1");

/** bytestring_to_hexstr(): two lowercase hex digits a byte. */
const hex = (s: string): string => Buffer.from(s, "latin1").toString("hex");

/** The ICMP btests' lines for an event: its name (with its arguments), then the connection's id and the icmp_info. */
function icmpHead(print: (line: string) => void, head: string, c: Connection, info: IcmpInfo): void {
  print(zeekString(head));
  print(`  conn_id: ${zeekConnId(c.id)}`);
  print(`  icmp_info: ${typed(info, "icmp_info")}`);
}

/** The ICMP btests' handlers of the error messages, which quote a packet (icmp_context). */
const ICMP_ERRORS = ["icmp_unreachable", "icmp_time_exceeded", "icmp_packet_too_big", "icmp_parameter_problem", "icmp_error_message"] as const;

/** Handlers of the ICMP events a btest's script has (each printed as core/icmp's scripts print them). */
function icmpTwin(events: ReadonlySet<string>): Twin {
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

const tf = (b: boolean): string => (b ? "T" : "F");

/** `print "Contents:", c$id, is_orig, |contents|;` of udp-content-ports and udp-contents-delivery-ports-use-resp. */
const udpContents: Twin = (engine, print) =>
  engine.on("udp_contents", (c, isOrig, contents) => print("Contents:", zeekConnId(c.id), tf(isOrig), String(contents.length)));

/** core/tcp/options' handlers: each option, then the parsed list with its kind's fields. */
const tcpOptions: Twin = (engine, print) => {
  engine.on("tcp_option", (c, isOrig, opt, optlen) => print(zeekConnId(c.id), tf(isOrig), String(opt), String(optlen)));
  engine.on("tcp_options", (c, isOrig, options) => {
    print(zeekConnId(c.id), tf(isOrig));
    for (const o of options) {
      print(`  kind: ${o.kind}, length: ${o.length}`);
      if (o.data !== undefined) print(zeekString(`    data (${o.data.length}): ${latin1(o.data)}`));
      else if (o.kind === 2) print(`    mss: ${o.mss}`);
      else if (o.kind === 3) print(`    window scale: ${o.window_scale}`);
      else if (o.kind === 4) print("    sack permitted");
      else if (o.kind === 5) print(`    sack: [${(o.sack ?? []).join(", ")}]`);
      else if (o.kind === 8) {
        print(`    send ts: ${o.send_timestamp}`);
        print(`    echo ts: ${o.echo_timestamp}`);
      } else if (o.kind === 27) print(`     TTL Diff: ${o.ttl_diff}`);
    }
  });
};

/** A twin printing nothing: the btest compares logs only. */
const logsOnly: Twin = () => undefined;

/** conn-size-threshold's handlers: the thresholds before and after it sets them at establishment, and each crossing. */
const connSizeThresholds: Twin = (engine, print) => {
  const thresholds = (c: Connection): void => {
    for (const [kind, isOrig] of [
      ["bytes", true],
      ["bytes", false],
      ["packets", true],
      ["packets", false],
    ] as const) {
      print(String(engine.connThreshold(c, kind, isOrig)));
    }
  };
  engine.on("connection_established", (c) => {
    thresholds(c);
    print(zeekInterval(engine.connThreshold(c, "duration")));
    print(`Threshold set for ${zeekConnId(c.id)}`);
    engine.setConnThreshold(c, "bytes", 3000, true);
    engine.setConnThreshold(c, "bytes", 2000, false);
    engine.setConnThreshold(c, "packets", 50, false);
    engine.setConnThreshold(c, "packets", 63, true);
    engine.setConnThreshold(c, "duration", 0.1);
    thresholds(c);
    print(zeekInterval(engine.connThreshold(c, "duration")), zeekInterval(c.duration));
  });
  engine.on("conn_bytes_threshold_crossed", (c, t, isOrig) => print("triggered bytes", zeekConnId(c.id), String(t), tf(isOrig)));
  engine.on("conn_packets_threshold_crossed", (c, t, isOrig) => print("triggered packets", zeekConnId(c.id), String(t), tf(isOrig)));
  engine.on("conn_duration_threshold_crossed", (c, t, isOrig) =>
    print("triggered duration", zeekConnId(c.id), zeekInterval(t), tf(isOrig), zeekInterval(c.duration)),
  );
};

/** connection_flip_roles' handlers: HTTP scheduled for the reverse of the first packet's orientation, then what HTTP and the removal print. */
const flipRoles: Twin = (engine, print) => {
  let first = true;
  engine.on("new_packet", (c) => {
    if (!first) return;
    first = false;
    print("schedule_analyzer, current conn_id", zeekConnId(c.id));
    engine.scheduleAnalyzer("141.142.228.5", "192.150.187.43", 80, "tcp", "HTTP", 120);
  });
  engine.on("connection_state_remove", (c) => print("connection_state_remove", zeekConnId(c.id)));
  engine.on("http_request", (_c, method, uri, _unescaped, version) => print("http_request", version, method, uri));
  engine.on("http_reply", (_c, version, code, reason) => print("http_reply", version, String(code), reason));
};

const BTESTS: ReadonlyArray<{ path: string; what: string; twin: (path: string) => Twin }> = [
  { path: "icmp/icmp-context.test", what: "ICMP unreachables quoting no packet, an IP header, a UDP packet", twin: (p) => icmpTwin(handled(p)) },
  { path: "icmp/icmp-events.test", what: "ICMPv4 events' arguments", twin: (p) => icmpTwin(handled(p)) },
  { path: "icmp/icmp6-context.test", what: "ICMPv6 unreachables quoting no packet, truncated and whole IPv6 packets", twin: (p) => icmpTwin(handled(p)) },
  {
    path: "icmp/icmp_sent.zeek",
    what: "icmp_sent and icmp_sent_payload for an ICMPv6 type without events of its own (an MLD query)",
    twin: () => (engine, print) => {
      engine.on("icmp_sent", (c, info) => print("icmp_sent", zeekConnId(c.id), typed(info, "icmp_info")));
      engine.on("icmp_sent_payload", (c, info, payload) => print("icmp_sent_payload", zeekConnId(c.id), typed(info, "icmp_info"), String(payload.length)));
    },
  },
  {
    path: "unknown-protocol-event.zeek",
    what: "unknown_protocol for LLDP frames: the analyzer, the ethertype, the first bytes and the analyzers before",
    twin: () => (engine, print) =>
      engine.on("unknown_protocol", (name, proto, first, history) => print(name, String(proto), hex(first), `[${history.join(", ")}]`)),
  },
  { path: "udp-content-ports.zeek", what: "udp_content_ports' payloads as udp_contents", twin: () => udpContents },
  {
    path: "udp-contents-delivery-ports-use-resp.zeek",
    what: "udp_content_delivery_ports_use_resp keys the port tables by the responder",
    twin: () => udpContents,
  },
  {
    path: "udp-contents-buffer-len.zeek",
    what: "udp_contents never reaches past the captured bytes",
    twin: () => (engine, print) => engine.on("udp_contents", (_c, _o, contents) => print(`UDP contents len=${contents.length}`)),
  },
  {
    path: "ipv6-atomic-frag.test",
    what: "IPv6 atomic fragments (offset 0, no more) are whole packets",
    twin: () => (engine, print) => engine.on("new_connection", (c) => c.id.resp_p === 80 && print(zeekConnId(c.id))),
  },
  { path: "udp-broadcast-no-flip.zeek", what: "a broadcast from a likely server port is not flipped", twin: () => logsOnly },
  {
    path: "tcp/tcp-dups.zeek",
    what: "tcp_multiple_retransmissions at the threshold each way, with the history so far",
    twin: () => (engine, print) => {
      engine.on("tcp_multiple_retransmissions", (c, isOrig, threshold) => print("RETRANSMITS:", zeekConnId(c.id), tf(isOrig), String(threshold), c.history));
      engine.on("connection_state_remove", (c) => print("REMOVE:", zeekConnId(c.id), c.history));
    },
  },
  {
    path: "tcp/truncated-header.zeek",
    what: "tcp_packet of a trace with truncated TCP headers",
    twin: () => (engine, print) => engine.on("tcp_packet", (c) => print(zeekDouble(engine.clock.now), zeekConnId(c.id))),
  },
  { path: "tcp/window-scale-range.zeek", what: "a window scale above 14 is TCP_scale_range, clamped", twin: () => logsOnly },
  { path: "tcp/options.zeek", what: "tcp_option and tcp_options: MSS, SACK, timestamps, window scale, unknown kinds", twin: () => tcpOptions },
  { path: "ip-broken-header.zeek", what: "fuzzed packets with broken IP headers are weirds, no crash", twin: () => logsOnly },
  { path: "conn-size-flip.zeek", what: "ConnSize's packet counts of one-sided and reordered connections", twin: () => logsOnly },
  {
    path: "expire-all-timers.zeek",
    what: "max_timer_expires: the script's timers due with a connection's expiry hold it back; with 0 every timer due expires",
    twin: () => (engine) =>
      // The script schedules max_timer_expires' default many events 4 minutes on (its const is read before the command line's redef).
      engine.on("network_time_init", () => {
        for (let i = 0; i < defaultSettings().max_timer_expires; i++) engine.scheduleEvent(engine.clock.now + 240, () => undefined);
      }),
  },
  { path: "conn-size-threshold.zeek", what: "get/set_current_conn_*_threshold and the threshold-crossed events", twin: () => connSizeThresholds },
  { path: "connection_flip_roles.zeek", what: "an analyzer scheduled for the orientation a later flip brings starts at the flip", twin: () => flipRoles },
  {
    path: "tcp/quantum-insert.zeek",
    what: "tcp_max_old_segments: an injected reply, acked, then the real one at the same sequence numbers is rexmit_inconsistency",
    twin: () => (engine, print) =>
      engine.on("rexmit_inconsistency", (c, t1, t2, flags) => {
        const at = engine.clock.now.toFixed(6);
        print("----- rexmit_inconsistency -----");
        print(`${at} c: ${zeekConnId(c.id)}`);
        print(`${at} t1: ${zeekString(latin1(t1))}`);
        print(`${at} t2: ${zeekString(latin1(t2))}`);
        print(`${at} tcp_flags: ${flags}`);
      }),
  },
  {
    path: "tcp/reassembly-known-ports.zeek",
    what: "dpd_reassemble_first_packets=F: HTTP by port 80 still reassembles from the start",
    twin: () => logsOnly,
  },
  {
    path: "ether-addrs.zeek",
    what: "the endpoints' l2_addr: the first packet's source and destination (Ethernet, radiotap 802.11)",
    twin: () => (engine, print) =>
      engine.on("new_connection", (c) =>
        print(...(c.orig.l2_addr !== undefined && c.resp.l2_addr !== undefined ? [c.orig.l2_addr, c.resp.l2_addr] : ["-", "-"])),
      ),
  },
  {
    path: "tcp/fin-retransmit.zeek",
    what: "a retransmitted FIN: the endpoints' sizes, states and l2_addr",
    twin: () => (engine, print) =>
      engine.on("connection_state_remove", (c) => {
        print(typed(c.orig, "endpoint"));
        print(typed(c.resp, "endpoint"));
      }),
  },
  {
    path: "tcp/rst-after-syn.zeek",
    what: "an injected RST after the SYN does not set the responder's sequence start",
    twin: () => (engine, print) =>
      engine.on("connection_state_remove", (c) => {
        print(zeekConnId(c.id));
        print("orig:", typed(c.orig, "endpoint"));
        print("resp:", typed(c.resp, "endpoint"));
      }),
  },
  {
    path: "conn-uid.zeek",
    what: "uids reproduced with the test seed, drawn anew without it (distinct lines of both runs counted)",
    twin: () => (engine, print) => {
      const line = (c: Connection): void => print(`${zeekConnId(c.id)}, ${c.uid}`);
      engine.on("new_connection", line);
      engine.on("connection_established", line);
    },
  },
];

for (const { path, what, twin } of BTESTS) {
  // Made when the btest runs, not as the file loads: some twins read the btest's script (without Zeek's source it skips).
  const lazy: Twin = (...args) => twin(path)(...args);
  test(`Zeek's btest core/${path}: ${what}, as Zeek's baseline`, coreBtestCase(zeek, WHAT, path, lazy));
}
