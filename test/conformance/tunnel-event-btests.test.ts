/**
 * Zeek's btests of the GTPv1 events (core/tunnels/gtp/{ext_header,
 * opt_header,pdp_ctx_messages,non_recursive}) and of Mobile IPv6
 * (core/mobility_msg, core/mobile-ipv6-{home-addr,routing,dst-opts}), and
 * of the packet source's and network time's events (core/pcap_file_done,
 * core/network_time/packet_ts, core/expired-conn-weird,
 * scripts/base/protocols/conn/unknown-ip-short-payload,
 * plugins/unprocessed-packet-hook, its plugin's hook printed from the event): each
 * `zeek -r TRACE %INPUT` run is an engine and a TypeScript twin of the
 * test's handlers printing as Zeek's `print` does; what it prints must be
 * the baseline. Records print in the field order Zeek's init-bare.zeek
 * declares, read from Zeek's source, so a field bronze put elsewhere or
 * left out shows. Zeek's source and the corpus traces are oracles: without
 * them the tests skip, saying so.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import type { Engine } from "../../src/engine.js";
import { corpusRoot, type oracleMissing } from "../helpers/corpus.js";
import { zeekConnId, zeekDouble } from "../helpers/zeek-print.js";
import { zeekTypedPrint } from "../helpers/zeek-typed-print.js";
import { baselineLines, btestOraclesMissing, zeekSource } from "../signatures/btest-harness.js";
import { canonicalBtestLog } from "./btest-applogs-harness.js";
import { type HandlerRunOptions, runWithHandlers } from "./handler-run.js";

const TRACES = join(corpusRoot(), "zeek", "traces");
const zeek = zeekSource();

/** A baseline's lines (only called once the oracle was found). */
const baseline = (path: string): string[] => baselineLines(zeek!, path);

function oraclesMissing(t: Parameters<typeof oracleMissing>[0], traces: readonly string[]): boolean {
  return btestOraclesMissing(t, zeek, "its tunnel-event btests", traces);
}

/** Zeek's `print` of `value` as a value of Zeek type `type` (only called once the oracle was found). */
const zeekPrint = (value: unknown, type: string): string => zeekTypedPrint(zeek!, value, type);

/** Runs `trace` (under the corpus' traces) with handlers that push lines to the returned array. */
const run = (trace: string, register: (engine: Engine, out: string[]) => void, options: HandlerRunOptions = {}): Promise<string[]> =>
  runWithHandlers(join(TRACES, trace), register, options);

const TUNNELS = ["base/frameworks/tunnels"];

/** ext_header's and pdp_ctx_messages' gtpv1_message handler: `print "gtpv1_message", c$id; print hdr;`. */
function printMessages(engine: Engine, out: string[]): void {
  engine.on("gtpv1_message", (c, hdr) => void out.push(`gtpv1_message, ${zeekConnId(c.id)}`, zeekPrint(hdr, "gtpv1_hdr")));
}

test("Zeek's btest core/tunnels/gtp/ext_header: gtpv1_message of a T-PDU with an extension header", async (t) => {
  if (oraclesMissing(t, ["tunnels/gtp/gtp_ext_header.pcap"])) return;
  const out = await run("tunnels/gtp/gtp_ext_header.pcap", printMessages, { loads: TUNNELS });
  assert.deepEqual(out, baseline("core.tunnels.gtp.ext_header/out"));
});

test("Zeek's btest core/tunnels/gtp/opt_header: gtpv1_g_pdu_packet's header, with and without the optional fields", async (t) => {
  if (oraclesMissing(t, ["tunnels/gtp/gtp6_gtp_0x32.pcap"])) return;
  const out = await run(
    "tunnels/gtp/gtp6_gtp_0x32.pcap",
    (engine, lines) => void engine.on("gtpv1_g_pdu_packet", (_outer, hdr) => void lines.push(`gtpv1_packet, ${zeekPrint(hdr, "gtpv1_hdr")}`)),
    { loads: ["base/protocols/conn", "base/protocols/ssl", ...TUNNELS] },
  );
  assert.deepEqual(out, baseline("core.tunnels.gtp.opt_header/out"));
});

/** The PDP context events pdp_ctx_messages prints: the event, the tag printed before it, the type of its elements. */
const PDP_EVENTS = (["create", "update", "delete"] as const).flatMap((op) =>
  (["request", "response"] as const).map((dir) => [`gtpv1_${op}_pdp_ctx_${dir}`, `gtp ${op} ${dir}`, `gtp_${op}_pdp_ctx_${dir}_elements`] as const),
);

test("Zeek's btest core/tunnels/gtp/pdp_ctx_messages: gtpv1_message, then the PDP context messages' elements", async (t) => {
  if (oraclesMissing(t, ["tunnels/gtp/pdp_ctx_messages.pcapng"])) return;
  const out = await run(
    "tunnels/gtp/pdp_ctx_messages.pcapng",
    (engine, lines) => {
      printMessages(engine, lines);
      for (const [event, tag, type] of PDP_EVENTS) {
        engine.on(event, (c, hdr, elements) => void lines.push(`${tag}, ${zeekConnId(c.id)}`, zeekPrint(hdr, "gtpv1_hdr"), zeekPrint(elements, type)));
      }
    },
    { loads: TUNNELS },
  );
  assert.deepEqual(out, baseline("core.tunnels.gtp.pdp_ctx_messages/out"));
});

test("Zeek's btest core/tunnels/gtp/non_recursive: a GTP packet inside GTP is a violation (GTP-in-GTP), not a tunnel", async (t) => {
  if (oraclesMissing(t, ["tunnels/gtp/gtp4_udp_2152_inside.pcap"])) return;
  const out = await run(
    "tunnels/gtp/gtp4_udp_2152_inside.pcap",
    (engine, lines) =>
      void engine.on("analyzer_violation_info", (_atype, info) => void lines.push(`protocol_violation, ${zeekConnId(info.c!.id)}, ${info.reason}`)),
    { bare: false },
  );
  assert.deepEqual(out, baseline("core.tunnels.gtp.non_recursive/out"));
});

test("GTPv1 on the control-plane port: new_gtpv1_state once per connection, before its first gtpv1_message", async (t) => {
  if (oraclesMissing(t, ["tunnels/gtp/pdp_ctx_messages.pcapng"])) return;
  const seen: string[] = [];
  await run(
    "tunnels/gtp/pdp_ctx_messages.pcapng",
    (engine) => {
      engine.on("new_gtpv1_state", (c) => void seen.push(`state ${c.uid}`));
      engine.on("gtpv1_message", (c) => void seen.push(`message ${c.uid}`));
    },
    { loads: TUNNELS },
  );
  const messages = baseline("core.tunnels.gtp.pdp_ctx_messages/out").filter((l) => l.startsWith("gtpv1_message, "));
  assert.equal(seen.filter((l) => l.startsWith("message ")).length, messages.length);
  const states = seen.filter((l) => l.startsWith("state "));
  assert.equal(new Set(states).size, states.length, "one new_gtpv1_state per connection");
  for (const s of states) assert.ok(seen.indexOf(s) < seen.indexOf(s.replace("state", "message")), `${s} comes before the connection's first message`);
  assert.equal(states.length, new Set(messages.map((l) => l.slice(l.indexOf("[")))).size);
});

/** core/mobility_msg's names of the MH types it knows (0 to 7), in its order. */
const MH_NAMES = [
  "Binding Refresh Request:",
  "Home Test Init:",
  "Care-of Test Init:",
  "Home Test:",
  "Care-of Test:",
  "Binding Update:",
  "Binding ACK:",
  "Binding Error:",
];
const IPPROTO_MOBILITY = 135;

test("Zeek's btest core/mobility_msg: mobile_ipv6_message with each Mobility Header message (types 0 to 7) and its options", async (t) => {
  const traces = ["back", "be", "brr", "bu", "cot", "coti", "hot", "hoti"].map((m) => `mobile-ipv6/mip6_${m}.pcap`);
  if (oraclesMissing(t, traces)) return;
  const out: string[] = [];
  for (const trace of traces) {
    const lines = await run(
      trace,
      (engine, o) =>
        void engine.on("mobile_ipv6_message", (p) => {
          if (p.ip6 === undefined) return;
          for (const ext of p.ip6.exts) {
            if (ext.id !== IPPROTO_MOBILITY) continue;
            o.push(MH_NAMES[ext.mobility!.mh_type] ?? "Unknown Mobility Header:", zeekPrint(p.ip6, "ip6_hdr"));
          }
        }),
    );
    out.push(...lines);
  }
  assert.deepEqual(out, baseline("core.mobility_msg/output"));
});

/** The mobile-ipv6 btests' new_packet handler: `print c$id; print p;`. */
function printNewPacket(engine: Engine, out: string[]): void {
  engine.on("new_packet", (c, p) => void out.push(zeekConnId(c.id), zeekPrint(p, "pkt_hdr")));
}

test("Zeek's btest core/mobile-ipv6-home-addr: the connection's originator is the Home Address option's, the header keeps the real source", async (t) => {
  if (oraclesMissing(t, ["mobile-ipv6/ipv6-mobile-hoa.pcap"])) return;
  assert.deepEqual(await run("mobile-ipv6/ipv6-mobile-hoa.pcap", printNewPacket), baseline("core.mobile-ipv6-home-addr/output"));
});

test("Zeek's btest core/mobile-ipv6-routing: the responder is the type 2 routing header's address, the header keeps the real destination", async (t) => {
  if (oraclesMissing(t, ["mobile-ipv6/ipv6-mobile-routing.pcap"])) return;
  assert.deepEqual(await run("mobile-ipv6/ipv6-mobile-routing.pcap", printNewPacket), baseline("core.mobile-ipv6-routing/output"));
});

test("Zeek's btest core/mobile-ipv6-dst-opts: weird.log of bad destination options and Home Address options", async (t) => {
  if (oraclesMissing(t, ["ipv6-mobility-dst-opts.pcap"])) return;
  let weird = "";
  await run("ipv6-mobility-dst-opts.pcap", () => {}, { bare: false, ignoreChecksums: true, logs: (text) => void (weird = text("weird")) });
  assert.equal(canonicalBtestLog(weird), canonicalBtestLog(zeek!.read("testing/btest/Baseline/core.mobile-ipv6-dst-opts/weird.log")));
});

test("Zeek's btest core/mobility-checksums: bad Mobility Header, TCP and UDP (Home Address option) checksums are weirds; good ones write no weird.log", async (t) => {
  const bad = ["chksums/mip6-bad-mh-chksum.pcap", "chksums/ip6-hoa-tcp-bad-chksum.pcap", "chksums/ip6-hoa-udp-bad-chksum.pcap"];
  const good = ["chksums/mip6-good-mh-chksum.pcap", "chksums/ip6-hoa-tcp-good-chksum.pcap", "chksums/ip6-hoa-udp-good-chksum.pcap"];
  if (oraclesMissing(t, [...bad, ...good])) return;
  const weirdLog = async (trace: string): Promise<string> => {
    let weird = "";
    await run(trace, () => {}, { bare: false, logs: (text) => void (weird = text("weird")) });
    return weird;
  };
  // bad.out: the three bad runs' weird.logs, one after the other (mv, then cat >>).
  const out: string[] = [];
  for (const trace of bad) out.push(await weirdLog(trace));
  assert.equal(canonicalBtestLog(out.join("")), canonicalBtestLog(zeek!.read("testing/btest/Baseline/core.mobility-checksums/bad.out")));
  for (const trace of good) assert.equal(await weirdLog(trace), "", trace);
});

/** Zeek's diff-remove-abspath canonifier: a path's directories become `<...>/`. */
const removeAbspath = (line: string): string => line.replace(/\/([^\t :/]+\/)+([^\t :/]+)/g, "<...>/$2");

test("Zeek's btest core/pcap_file_done: Pcap::file_done with the trace's path once it was read", async (t) => {
  if (oraclesMissing(t, ["http/get.pcap"])) return;
  const out = await run("http/get.pcap", (engine, lines) => {
    engine.on("Pcap::file_done", (path) => void lines.push(`pcap file done, ${path}`));
    // Raised once, before net_done.
    engine.on("net_done", () => void lines.push("net_done"));
  });
  assert.equal(out.pop(), "net_done");
  assert.deepEqual(out.map(removeAbspath), baseline("core.pcap_file_done/out"));
});

test("Zeek's btest core/network_time/packet_ts: network_time_init at the first packet's time, the end-of-input removals with no current packet", async (t) => {
  if (oraclesMissing(t, ["http/get.pcap"])) return;
  const out = await run("http/get.pcap", (engine, lines) => {
    const print = (at: string) =>
      void lines.push(`${at} network time: ${zeekDouble(engine.clock.now)}`, `${at} packet ts:    ${zeekDouble(engine.currentPacketTs())}`);
    engine.on("network_time_init", () => print("network_time_init"));
    engine.on("connection_state_remove", () => print("conn_state_remove"));
    // Zeek queues it before anything the first packet causes.
    engine.on("new_connection", () => void (lines.length === 0 && lines.push("new_connection first")));
  });
  assert.deepEqual(out, baseline("core.network_time.packet_ts/output"));
});

test("Zeek's btest core/expired-conn-weird: Reporter::conn_weird a second after removal is expired_conn_weird, sampled per connection tuple", async (t) => {
  if (oraclesMissing(t, ["rdp/rdp-to-ssl.pcap"])) return;
  const out = await run("rdp/rdp-to-ssl.pcap", (engine, lines) => {
    engine.weirds.sampling.threshold = 2; // redef Weird::sampling_threshold = 2
    engine.on("connection_state_remove", (c) =>
      engine.scheduleEvent(engine.clock.now + 1, () => {
        for (let i = 0; i < 4; i++) engine.connWeird("test!", c, "test2");
      }),
    );
    engine.on("expired_conn_weird", (name, id, uid, addl) => void lines.push(["expired_conn_weird", name, zeekConnId(id), uid, addl].join(", ")));
  });
  assert.deepEqual(out, baseline("core.expired-conn-weird/out"));
});

test("Zeek's btest scripts/base/protocols/conn/unknown-ip-short-payload: packet_contents of an unknown IP protocol's short payloads", async (t) => {
  if (oraclesMissing(t, ["unknown-ip-short-payload.pcap"])) return;
  const out = await run(
    "unknown-ip-short-payload.pcap",
    (engine, lines) => void engine.on("packet_contents", (c, contents) => void lines.push(`packet_contents: |${zeekConnId(c.id)}| len=${contents.length}`)),
  );
  assert.deepEqual(out, baseline("scripts.base.protocols.conn.unknown-ip-short-payload/output"));
});

test("packet_contents of TCP is the whole segment, header included, just before the packet's tcp_packet (Zeek's TCPAnalyzer)", async (t) => {
  if (oraclesMissing(t, ["http/get.pcap"])) return;
  const out = await run("http/get.pcap", (engine, lines) => {
    let segment: Uint8Array | null = null;
    engine.on("packet_contents", (_c, contents) => void (segment = contents));
    engine.on("tcp_packet", (_c, _isOrig, _flags, _seq, _ack, len) => {
      const s = segment as Uint8Array | null;
      lines.push(s === null ? "no packet_contents" : `${s.length - (s[12]! >> 4) * 4} ${len}`);
      segment = null;
    });
  });
  assert.ok(out.length > 0);
  for (const line of out) {
    const [fromContents, fromTcpPacket] = line.split(" ");
    assert.equal(fromContents, fromTcpPacket, line);
  }
});

/** Zeek's diff-remove-timestamps canonifier: anything that looks like a timestamp becomes X's. */
const removeTimestamps = (line: string): string => line.replace(/(^|[^0-9])([0-9]{9,10}\.[0-9]{1,8})/g, "$1XXXXXXXXXX.XXXXXX");

test("Zeek's btest plugins/unprocessed-packet-hook: packet_not_processed for unknown IP protocols' and non-IP, non-ARP packets", async (t) => {
  if (oraclesMissing(t, ["cisco-fabric-path.pcap"])) return;
  const out = await run(
    "cisco-fabric-path.pcap",
    (engine, lines) =>
      void engine.on("packet_not_processed", (pkt) => {
        const ts = `${pkt.ts_sec}.${String(pkt.ts_usec).padStart(6, "0")}`;
        // The btest's plugin prints from HookUnprocessedPacket, called as the event is queued, for the same packet.
        lines.push(`${engine.clock.now.toFixed(6)} ${"| HookUnprocessedPacket".padEnd(23)} [ts=${ts} len=${pkt.len}]`);
        lines.push(`packet_not_processed: ts=${pkt.ts_sec}.${pkt.ts_usec}`);
        // Not in the baseline: an Ethernet trace's packets are LINK_UNKNOWN (Zeek numbers link_encap as the DLT, 1).
        if (pkt.link_type !== "LINK_UNKNOWN") lines.push(`link_type=${pkt.link_type}`);
      }),
  );
  assert.deepEqual(out.map(removeTimestamps), baseline("plugins.unprocessed-packet-hook/output"));
});

test("packet_not_processed: an ARP message ARP read counts as processed (Zeek's ARP analyzer sets packet->processed)", async (t) => {
  if (oraclesMissing(t, ["arp-who-has.pcap"])) return;
  const out = await run("arp-who-has.pcap", (engine, lines) => {
    engine.on("arp_request", () => void lines.push("arp_request"));
    engine.on("packet_not_processed", () => void lines.push("packet_not_processed"));
  });
  assert.ok(out.includes("arp_request"));
  assert.ok(!out.includes("packet_not_processed"));
});
