/**
 * Switching packet analyzers off and on (Zeek's Analyzer::disabled_analyzers
 * and Analyzer::disable_analyzer / enable_analyzer with a PacketAnalyzer::
 * tag). Zeek's btests scripts/base/frameworks/analyzer/disabled-packet-
 * analyzers and toggle-packet-analyzers are replayed as TypeScript twins of
 * their handlers, printing as Zeek's `print` does, against their baselines;
 * core/max-packet-analyzer-depth (weird.log) rides along, a packet analyzer
 * limit of the same layer. Zeek's source and the corpus traces are oracles:
 * without them those tests skip, saying so. Our own tests pin what a
 * disabled tunnel leaves behind (the outer connection alone) for each
 * analyzer bronze can switch, and how settings and the command line take
 * the tags.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { SWITCHABLE_PACKET_ANALYZERS, unswitchablePacketAnalyzers } from "../../src/analyzer/packet-analyzer-tags.js";
import { Engine } from "../../src/engine.js";
import type { EventMap } from "../../src/event/events.js";
import type { Ip4Hdr } from "../../src/event/records.js";
import { loadBuiltinScripts } from "../../src/index.js";
import { applySetting, defaultSettings } from "../../src/options.js";
import { openTrace } from "../../src/source/open.js";
import { bronze, withDir } from "../cli/run-cli.js";
import { corpusRoot, oracleMissing } from "../helpers/corpus.js";
import { logRecords, logRows } from "../helpers/tsv.js";
import { type ZeekPrintable, zeekRecord } from "../helpers/zeek-print.js";
import { ZEEK_SEED } from "../session/harness.js";
import { baselineLines, btestOraclesMissing, zeekSource } from "../signatures/btest-harness.js";

const TRACES = join(corpusRoot(), "zeek", "traces");
const zeek = zeekSource();

/** A baseline's lines (only called once the oracle was found). */
const baseline = (path: string): string[] => baselineLines(zeek!, path);

function oraclesMissing(t: Parameters<typeof oracleMissing>[0], traces: readonly string[]): boolean {
  return btestOraclesMissing(t, zeek, "its packet-analyzer toggle btests", traces);
}

/** Our own tests need only the corpus trace. */
function traceMissing(t: Parameters<typeof oracleMissing>[0], trace: string): boolean {
  if (existsSync(join(TRACES, trace))) return false;
  oracleMissing(t, `the corpus trace zeek/traces/${trace} is not there`);
  return true;
}

/** Zeek's `print` of an ip4_hdr (bronze builds it with the fields in Zeek's declaration order). */
function ip4Text(ip: Ip4Hdr | undefined): string {
  return ip === undefined ? "<uninitialized>" : zeekRecord(Object.entries(ip) as [string, ZeekPrintable][]);
}

interface RunOptions {
  settings?: string[];
  loads?: string[];
  /** Handlers, registered before the run; they may act on the engine. */
  register?: (engine: Engine, out: string[]) => void;
}

/**
 * `zeek -b` with no script of its own loads the analyzer framework and no
 * more; bronze's bare run naming no script stands for base/protocols/conn
 * (it writes conn.log), whose new_connection handler draws every uid at
 * creation. Naming the framework keeps the uids drawn as Zeek's -b draws them.
 */
const BARE = ["base/frameworks/analyzer"];

/** One `zeek -b -r TRACE` run: what the handlers printed, and the logs written (in memory). */
async function run(trace: string, options: RunOptions = {}): Promise<{ out: string[]; log: (stream: string) => string }> {
  const loads = options.loads ?? BARE;
  const engine = new Engine({ bare: true, loads, seed: ZEEK_SEED, settings: options.settings ?? [] });
  const scripts = loadBuiltinScripts(engine, { memory: true, bare: true, loads });
  const out: string[] = [];
  options.register?.(engine, out);
  await engine.run(await openTrace(join(TRACES, trace)));
  scripts.close();
  // The #open and #close lines carry the wall clock: left out, so that two runs' logs compare.
  return { out, log: (stream) => scripts.logs.text(stream).replace(/^#(open|close)\t.*\n/gm, "") };
}

/** Both btests' handlers: `print "packet", n` at raw_packet (then `atPacket`), `print "vxlan_packet", outer$uid, "inner", inner$ip`. */
function vxlanPrinter(atPacket: (n: number, engine: Engine, out: string[]) => void = () => undefined) {
  return (engine: Engine, out: string[]): void => {
    let packets = 0;
    engine.on("raw_packet", () => {
      packets++;
      out.push(`packet, ${packets}`);
      atPacket(packets, engine, out);
    });
    engine.on("vxlan_packet", (outer, inner) => void out.push(["vxlan_packet", outer.uid, "inner", ip4Text(inner.ip)].join(", ")));
  };
}

const VXLAN_TAG = "PacketAnalyzer::ANALYZER_VXLAN";

test("Zeek's btest analyzer/disabled-packet-analyzers: VXLAN in Analyzer::disabled_analyzers raises no vxlan_packet", async (t) => {
  if (oraclesMissing(t, ["tunnels/vxlan.pcap"])) return;
  const { out } = await run("tunnels/vxlan.pcap", { settings: [`Analyzer::disabled_analyzers+={${VXLAN_TAG}}`], register: vxlanPrinter() });
  assert.deepEqual(out, baseline("scripts.base.frameworks.analyzer.disabled-packet-analyzers/output"));
});

test("Zeek's btest analyzer/toggle-packet-analyzers: VXLAN disabled after packet 4 and enabled after packet 8, at run time", async (t) => {
  if (oraclesMissing(t, ["tunnels/vxlan.pcap"])) return;
  const toggle = (n: number, engine: Engine, out: string[]): void => {
    // Zeek's Analyzer::disable_analyzer / enable_analyzer with a packet analyzer's tag, printed with their result.
    if (n === 4) out.push(`Analyzer::disable_analyzer(${VXLAN_TAG}), ${engine.disableAnalyzerType(VXLAN_TAG) ? "T" : "F"}`);
    if (n === 8) out.push(`Analyzer::enable_analyzer(${VXLAN_TAG}), ${engine.enableAnalyzerType(VXLAN_TAG) ? "T" : "F"}`);
  };
  const { out } = await run("tunnels/vxlan.pcap", { register: vxlanPrinter(toggle) });
  assert.deepEqual(out, baseline("scripts.base.frameworks.analyzer.toggle-packet-analyzers/output"));
});

/** `zeek-cut -m` of a log (its field names, then its rows), times masked as btest's canonifier masks them. */
function cutWithNames(text: string): string[] {
  const lines = text.split("\n");
  const fields = lines.find((l) => l.startsWith("#fields\t"));
  const rows = lines.filter((l) => l !== "" && !l.startsWith("#"));
  return [...(fields === undefined ? [] : [fields.slice("#fields\t".length)]), ...rows].map((l) =>
    l.replace(/(^|[^0-9])[0-9]{9,10}\.[0-9]{1,8}/g, "$1XXXXXXXXXX.XXXXXX"),
  );
}

test("Zeek's btest core/max-packet-analyzer-depth: recursive PBB frames stop at PacketAnalyzer::max_depth with a weird", async (t) => {
  if (oraclesMissing(t, ["pbb-recursive-frames.pcapng"])) return;
  const { log } = await run("pbb-recursive-frames.pcapng", { loads: ["base/frameworks/notice/weird"] });
  assert.deepEqual(cutWithNames(log("weird")), baseline("core.max-packet-analyzer-depth/weird.log"));
});

/** conn.log's rows as [id.resp_p, proto, service, tunnel_parents]. */
function connRows(text: string): string[][] {
  return logRecords(text).map((r) => [r["id.resp_p"]!, r.proto!, r.service!, r.tunnel_parents!]);
}

const CONN_LOADS = ["base/protocols/conn", "base/frameworks/tunnels"];

/** The tunnels bronze switches, each with a corpus trace of it: with the analyzer off only the outer flows stay, none tunnelled. */
const TUNNEL_TRACES: ReadonlyArray<readonly [name: string, trace: string]> = [
  ["VXLAN", "tunnels/vxlan.pcap"],
  ["GENEVE", "tunnels/geneve.pcap"],
  ["TEREDO", "tunnels/Teredo.pcap"],
  ["AYIYA", "tunnels/ayiya3.pcap"],
  ["GTPV1", "tunnels/gtp/gtp1_gn_normal_incl_fragmentation.pcap"],
  ["GRE", "tunnels/gre-sample.pcap"],
  ["IPTUNNEL", "tunnels/6in4.pcap"],
];

for (const [name, trace] of TUNNEL_TRACES) {
  test(`PacketAnalyzer::ANALYZER_${name} disabled: no tunnelled connection, the outer ones without the tunnel's service, no tunnel.log`, async (t) => {
    if (traceMissing(t, trace)) return;
    const on = await run(trace, { loads: CONN_LOADS });
    const off = await run(trace, { loads: CONN_LOADS, settings: [`Analyzer::disabled_analyzers+={PacketAnalyzer::ANALYZER_${name}}`] });
    const inner = (rows: string[][]) => rows.filter((r) => r[3] !== "-");
    // The trace is one of the tunnel's: with it on, connections come out of it.
    assert.ok(inner(connRows(on.log("conn"))).length > 0, "tunnelled connections with the analyzer on");
    const rows = connRows(off.log("conn"));
    assert.deepEqual(inner(rows), []);
    assert.ok(
      rows.every((r) => !r[2]!.split(",").includes(name.toLowerCase())),
      "the tunnel's service on an outer connection",
    );
    const tunnelRows = off
      .log("tunnel")
      .split("\n")
      .filter((l) => l !== "" && !l.startsWith("#"));
    assert.deepEqual(tunnelRows, []);
    // The outer UDP flows are those of the run with the tunnel on, less its service.
    const outer = (rs: string[][]) => rs.filter((r) => r[3] === "-" && r[1] === "udp").map((r) => `${r[0]}/${r[1]}`);
    assert.deepEqual(outer(rows), outer(connRows(on.log("conn"))));
  });
}

test("VXLAN disabled then enabled at zeek_init (Analyzer::requested_analyzers' way): the run is the one with VXLAN on", async (t) => {
  if (traceMissing(t, "tunnels/vxlan.pcap")) return;
  const on = await run("tunnels/vxlan.pcap", { loads: CONN_LOADS });
  const again = await run("tunnels/vxlan.pcap", {
    loads: CONN_LOADS,
    settings: [`Analyzer::disabled_analyzers+={${VXLAN_TAG}}`],
    register: (engine) => void engine.on("zeek_init", () => assert.equal(engine.enablePacketAnalyzer(VXLAN_TAG), true)),
  });
  assert.equal(again.log("conn"), on.log("conn"));
});

test("PacketAnalyzer::ANALYZER_ARP disabled: no ARP events, and no unknown_protocol for its EtherType", async (t) => {
  if (traceMissing(t, "arp-who-has.pcap")) return;
  const events: ReadonlyArray<keyof EventMap> = ["arp_request", "arp_reply", "bad_arp", "unknown_protocol"];
  const register = (engine: Engine, out: string[]): void => {
    for (const name of events) engine.on(name, () => void out.push(name));
  };
  const on = await run("arp-who-has.pcap", { register });
  assert.ok(on.out.includes("arp_request"), "the trace's ARP requests");
  const off = await run("arp-who-has.pcap", { register, settings: ["Analyzer::disabled_analyzers+={PacketAnalyzer::ANALYZER_ARP}"] });
  assert.deepEqual(off.out, []);
});

test("PacketAnalyzer::ANALYZER_UNKNOWN_IP_TRANSPORT off and on again: its connections go and come back", async (t) => {
  const trace = "unknown-ip-short-payload.pcap";
  if (traceMissing(t, trace)) return;
  const unknown = (text: string) => connRows(text).filter((r) => r[1] === "unknown_transport");
  const on = await run(trace, { loads: CONN_LOADS });
  assert.ok(unknown(on.log("conn")).length > 0, "the trace's unknown-transport connections");
  const tag = "PacketAnalyzer::ANALYZER_UNKNOWN_IP_TRANSPORT";
  const off = await run(trace, { loads: CONN_LOADS, settings: [`Analyzer::disabled_analyzers+={${tag}}`] });
  assert.deepEqual(unknown(off.log("conn")), []);
  const back = await run(trace, {
    loads: CONN_LOADS,
    settings: [`Analyzer::disabled_analyzers+={${tag}}`],
    register: (engine) => void engine.on("zeek_init", () => assert.equal(engine.enableAnalyzerType(tag), true)),
  });
  assert.equal(back.log("conn"), on.log("conn"));
});

test("Analyzer::disabled_analyzers takes Zeek's packet analyzer tags with their module, refuses others", () => {
  const settings = defaultSettings();
  applySetting(settings, "Analyzer::disabled_analyzers+={PacketAnalyzer::ANALYZER_VXLAN, Analyzer::ANALYZER_SSL}");
  assert.deepEqual([...settings["Analyzer::disabled_analyzers"]].sort(), ["ANALYZER_SSL", "ANALYZER_TCPSTATS", VXLAN_TAG]);
  // No protocol analyzer is named VXLAN in Zeek: the packet analyzer's tag is suggested.
  assert.throws(() => applySetting(settings, "Analyzer::disabled_analyzers+={Analyzer::ANALYZER_VXLAN}"), /did you mean PacketAnalyzer::ANALYZER_VXLAN\?/);
  assert.throws(() => applySetting(settings, "Analyzer::disabled_analyzers+={PacketAnalyzer::ANALYZER_NOPE}"), /not one of/);
});

test("disablePacketAnalyzer: true for the analyzers bronze switches, false for the always-on layers and unknown names", () => {
  const engine = new Engine();
  for (const name of SWITCHABLE_PACKET_ANALYZERS) {
    assert.equal(engine.disablePacketAnalyzer(`PacketAnalyzer::ANALYZER_${name}`), true, name);
    assert.equal(engine.enablePacketAnalyzer(name), true, name);
  }
  assert.equal(engine.disablePacketAnalyzer("PacketAnalyzer::ANALYZER_ETHERNET"), false);
  assert.equal(engine.disableAnalyzerType("PacketAnalyzer::ANALYZER_NOPE"), false);
  assert.deepEqual(unswitchablePacketAnalyzers(["ANALYZER_SSL", VXLAN_TAG, "PacketAnalyzer::ANALYZER_IP"]), ["PacketAnalyzer::ANALYZER_IP"]);
});

test(
  "bronze -r vxlan.pcap 'Analyzer::disabled_analyzers+={…VXLAN, …ETHERNET}': plain UDP flows on 4789, a warning for the analyzer that stays on",
  withDir(async (dir, t) => {
    const trace = "tunnels/vxlan.pcap";
    if (traceMissing(t, trace)) return;
    const setting = "Analyzer::disabled_analyzers+={PacketAnalyzer::ANALYZER_VXLAN, PacketAnalyzer::ANALYZER_ETHERNET}";
    const r = await bronze(["-r", join(TRACES, trace), "--logdir", dir, setting]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /^bronze: warning: packet analyzers bronze cannot switch off \(they stay on\): PacketAnalyzer::ANALYZER_ETHERNET$/m);
    const rows = logRows(join(dir, "conn.log"));
    assert.ok(rows.length > 0);
    assert.deepEqual(new Set(rows.map((row) => `${row["id.resp_p"]}/${row.proto} ${row.service}`)), new Set(["4789/udp -"]));
  }),
);

test("Teredo off, then on at run time: a flow off its port (found by content) is tried again and confirmed, as Zeek's detection tries each packet", async (t) => {
  const trace = "tunnels/Teredo.pcap";
  if (traceMissing(t, trace)) return;
  /** Prints "confirmed PORT" for Teredo's confirmations and "packet N PORT PORT" for UDP packets; enables Teredo after packet `enableAt`. */
  const register = (enableAt: number) => (engine: Engine, out: string[]) => {
    let packets = 0;
    engine.on("raw_packet", (p) => {
      packets++;
      if (p.udp !== undefined) out.push(`packet ${packets} ${p.udp.sport} ${p.udp.dport}`);
      if (packets === enableAt) assert.equal(engine.enablePacketAnalyzer("TEREDO"), true);
    });
    engine.on("analyzer_confirmation_info", (tag, info) => {
      if (tag === "TEREDO" && info.c !== undefined) out.push(`confirmed ${info.c.id.resp_p}`);
    });
  };
  const confirmed = (out: string[]) => new Set(out.filter((l) => l.startsWith("confirmed ")).map((l) => Number(l.split(" ")[1])));
  const settings = ["Analyzer::disabled_analyzers+={PacketAnalyzer::ANALYZER_TEREDO}"];
  assert.deepEqual(confirmed((await run(trace, { settings, register: register(0) })).out), new Set());
  // With Teredo on throughout, one flow is Teredo found by content (not on 3544/udp).
  const on = (await run(trace, { register: register(0) })).out;
  const byContent = [...confirmed(on)].filter((port) => port !== 3544);
  assert.equal(byContent.length, 1, `one flow found by content: ${byContent}`);
  const port = String(byContent[0]);
  const first = on.find((l) => l.startsWith("packet ") && l.split(" ").slice(2).includes(port))!;
  // Enabled after the flow's first packet went by while Teredo was off: it is found all the same.
  const late = await run(trace, { settings, register: register(Number(first.split(" ")[1]) + 2) });
  assert.ok(confirmed(late.out).has(byContent[0]!), `confirmed after enabling: ${[...confirmed(late.out)]}`);
});
