/**
 * The packet-filter framework (base/frameworks/packet-filter) and its shunt
 * policy script on small made-up traffic: packet_filter.log's rows and
 * filter text as Zeek's build() puts it together, packets actually dropped
 * after an exclude and let through again after remove_exclude, a filter that
 * does not compile (fatal at start-up, a warning later), the shunts, netstats.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Engine } from "../../src/engine.js";
import { compileFilter } from "../../src/filter/compile.js";
import { loadBuiltinScripts } from "../../src/index.js";
import type { LogManager } from "../../src/log/manager.js";
import { loadedPacketFilter, PacketFilterError, type PacketFilterFramework } from "../../src/scripts/packet-filter/framework.js";
import { combineFilters, samplingFilter } from "../../src/scripts/packet-filter/utils.js";
import { memorySource, type TestPacket } from "../helpers/packets.js";
import { parseLogText } from "../helpers/tsv.js";
import { tcpTrace, udpPacket } from "../session/harness.js";

const WALL = 1_700_000_000.25;

interface Setup {
  readonly engine: Engine;
  readonly pf: PacketFilterFramework;
  readonly logs: LogManager;
  readonly warnings: string[];
}

function setup(options: { settings?: string[]; loads?: string[]; bare?: boolean; filter?: string } = {}): Setup {
  const { settings = [], loads = [], bare = false, filter } = options;
  const engine = new Engine({ bare, loads, settings, cmdLineFilter: filter, filter: filter === undefined ? undefined : compileFilter(filter) });
  const warnings: string[] = [];
  const scripts = loadBuiltinScripts(engine, { memory: true, bare, loads, stderr: (l) => warnings.push(l), wallClock: () => WALL });
  const pf = loadedPacketFilter(engine);
  assert.ok(pf !== undefined, "the framework is loaded");
  return { engine, pf, logs: scripts.logs, warnings };
}

/** packet_filter.log's rows, as their fields. */
function rows(logs: LogManager, path = "packet_filter"): string[][] {
  return parseLogText(logs.text(path)).rows;
}

/** UDP datagrams to ports 53 and 80, alternating, one a second from t=100. */
function mixed(n: number): TestPacket[] {
  return Array.from({ length: n }, (_, i) => udpPacket(100 + i, "10.0.0.1", 2000 + (i % 2), "10.0.0.2", i % 2 === 0 ? 53 : 80, "x"));
}

/** The responder ports of the packets that entered the engine (through new_packet's view: udp_request). */
function countSeen(engine: Engine): { ports: number[] } {
  const seen = { ports: [] as number[] };
  engine.on("udp_request", (c) => void seen.ports.push(c.id.resp_p));
  return seen;
}

test("combine_filters and sampling_filter write Zeek's text", () => {
  assert.equal(combineFilters("", "and", ""), "");
  assert.equal(combineFilters("a", "and", ""), "a");
  assert.equal(combineFilters("", "or", "b"), "b");
  assert.equal(combineFilters("a", "or", "b"), "(a) or (b)");
  assert.equal(
    samplingFilter(2, 1),
    "(ip and ((ip[14:2]+ip[18:2]) - (2*((ip[14:2]+ip[18:2])/2)) == 1)) or (ip6 and ((ip6[22:2]+ip6[38:2]) - (2*((ip6[22:2]+ip6[38:2])/2)) == 1))",
  );
  // The sampling filter is one bronze's compiler takes.
  compileFilter(samplingFilter(4, 3));
});

test("a default run: one row at start-up, wall clock, the pass-everything filter, init T; nothing handed to the engine", async () => {
  const { engine, pf, logs } = setup();
  let replaced = false;
  const setFilter = engine.setFilter.bind(engine);
  engine.setFilter = (f) => {
    replaced = true;
    setFilter(f);
  };
  await engine.run(memorySource(mixed(4)));
  assert.deepEqual(rows(logs), [["1700000000.250000", "zeek", "ip or not ip", "T", "T", "-"]]);
  assert.equal(pf.currentFilter, "ip or not ip");
  assert.equal(replaced, false, "the default filter costs no predicate per packet");
  assert.match(logs.text("packet_filter"), /#fields\tts\tnode\tfilter\tinit\tsuccess\tfailure_reason\n#types\ttime\tstring\tstring\tbool\tbool\tstring\n/);
});

test("-f wins over every script filter and is what the log shows", async () => {
  const { engine, pf, logs } = setup({ filter: "udp port 80", settings: ['restrict_filters={["x"]="not port 53"}'] });
  const seen = countSeen(engine);
  engine.on("zeek_init", () => assert.equal(pf.exclude("no80", "port 80"), true));
  await engine.run(memorySource(mixed(4)));
  assert.deepEqual(
    rows(logs).map((r) => r[2]),
    ["udp port 80"],
  );
  assert.deepEqual(seen.ports, [80, 80]);
});

test("capture, restrict, unrestricted and restricted filters combine as Zeek's build()", async () => {
  const { engine, logs } = setup({
    settings: [
      'capture_filters={["dns"]="port 53"}',
      'restrict_filters={["no-host"]="not host 10.9.9.9"}',
      'PacketFilter::unrestricted_filter="icmp"',
      'PacketFilter::restricted_filter="ip"',
    ],
  });
  const seen = countSeen(engine);
  await engine.run(memorySource(mixed(4)));
  assert.equal(rows(logs)[0]![2], "(ip) and ((icmp) or ((port 53) and (not host 10.9.9.9)))");
  assert.deepEqual(seen.ports, [53, 53], "the built filter applies from the first packet");
});

test("two capture filters are or'ed in Zeek's table order (seeded), the default capture filter then unused", async () => {
  const { engine, logs } = setup({ settings: ['capture_filters={["a"]="port 53", ["b"]="port 80"}', 'PacketFilter::default_capture_filter="tcp"'] });
  await engine.run(memorySource(mixed(2)));
  const filter = rows(logs)[0]![2];
  assert.ok(filter === "(port 53) or (port 80)" || filter === "(port 80) or (port 53)", filter);
});

test("exclude drops the packets that follow; remove_exclude lets them through again; each change is a row, init F, network time", async () => {
  const { engine, pf, logs } = setup();
  const seen = countSeen(engine);
  let n = 0;
  engine.on("udp_request", () => {
    n++;
    if (n === 1) assert.equal(pf.exclude("no-dns", "udp port 53"), true);
    if (n === 3) assert.equal(pf.removeExclude("no-dns"), true);
  });
  await engine.run(memorySource(mixed(8)));
  // 53 (then excluded), 80, [53 dropped], 80 (exclude removed), 53, 80, 53, 80.
  assert.deepEqual(seen.ports, [53, 80, 80, 53, 80, 53, 80]);
  assert.deepEqual(rows(logs), [
    ["1700000000.250000", "zeek", "ip or not ip", "T", "T", "-"],
    ["100.000000", "zeek", "(ip or not ip) and (not (udp port 53))", "F", "T", "-"],
    ["103.000000", "zeek", "ip or not ip", "F", "T", "-"],
  ]);
  assert.equal(pf.removeExclude("no-dns"), false, "gone already");
});

test("exclude_for removes its exclude after the span; an exclude that does not compile is refused", async () => {
  const { engine, pf, logs } = setup();
  const seen = countSeen(engine);
  engine.on("zeek_init", () => {
    assert.equal(pf.exclude("bad", "port port"), false);
    assert.equal(pf.excludeFor("dns", "port 53", 3.5), true);
  });
  await engine.run(memorySource(mixed(8)));
  // From zeek_init (network time 0) the span ends at 3.5. The first packet (port 53) is filtered out
  // before it can move network time; the second brings the time past 3.5, and the exclude goes.
  assert.deepEqual(
    rows(logs).map((r) => [r[0], r[2], r[3]]),
    [
      ["1700000000.250000", "(ip or not ip) and (not (port 53))", "T"],
      ["101.000000", "ip or not ip", "F"],
    ],
  );
  assert.deepEqual(seen.ports, [80, 53, 80, 53, 80, 53, 80]);
});

test("a filter plugin runs at each build and its excludes are part of that build", async () => {
  const { engine, pf, logs } = setup();
  let builds = 0;
  pf.registerFilterPlugin({
    func: () => {
      builds++;
      pf.exclude("plugin", "host 10.9.9.9");
    },
  });
  await engine.run(memorySource(mixed(1)));
  assert.ok(builds >= 1);
  assert.equal(rows(logs)[0]![2], "(ip or not ip) and (not (host 10.9.9.9))");
});

test("a filter that does not compile: fatal at start-up (Zeek's message), a warning later with the old filter kept", async () => {
  assert.throws(
    () => setup({ settings: ['PacketFilter::restricted_filter="port port"'] }),
    (e: unknown) => e instanceof PacketFilterError && /^fatal error: Bad pcap filter '\(port port\) and \(ip or not ip\)': /.test(e.message),
  );
  assert.throws(() => setup({ settings: ['capture_filters={["web"]="port port"}'] }), /Invalid capture_filter named 'web' - 'port port'/);
  assert.throws(() => setup({ settings: ['restrict_filters={["r"]="nonsense("}'] }), /Invalid restrict filter named 'r' - 'nonsense\('/);

  const { engine, pf, logs, warnings } = setup({ loads: [] });
  const seen = countSeen(engine);
  let n = 0;
  engine.on("udp_request", () => {
    if (++n !== 1) return;
    pf.exclude("dns", "port 53");
    engine.settings["PacketFilter::restricted_filter"] = "port port";
    assert.equal(pf.install(), true);
  });
  await engine.run(memorySource(mixed(4)));
  assert.equal(warnings.length, 1, warnings.join("\n"));
  assert.match(warnings[0]!, /^bronze: warning: Bad pcap filter '\(port port\) and \(\(ip or not ip\) and \(not \(port 53\)\)\)': /);
  // As Zeek: the row and current_filter name the new text, the old filter stays in place.
  assert.equal(rows(logs).at(-1)![2], "(port port) and ((ip or not ip) and (not (port 53)))");
  assert.equal(pf.currentFilter, "(port port) and ((ip or not ip) and (not (port 53)))");
  assert.deepEqual(seen.ports, [53, 80, 80]);
  assert.deepEqual(
    rows(logs, "notice").map((r) => [r[10], r[12]]),
    [["PacketFilter::Compile_Failure", "(port port) and ((ip or not ip) and (not (port 53)))"]],
  );
});

test("with -b the framework loads only when named (or brought by the shunt script)", () => {
  const engine = new Engine({ bare: true, loads: [] });
  const scripts = loadBuiltinScripts(engine, { memory: true, bare: true, loads: [] });
  assert.equal(loadedPacketFilter(engine), undefined);
  assert.equal(scripts.logs.text("packet_filter"), "");
  for (const loads of [["base/frameworks/packet-filter"], ["policy/frameworks/packet-filter/shunt"]]) {
    const e = new Engine({ bare: true, loads });
    loadBuiltinScripts(e, { memory: true, bare: true, loads });
    assert.ok(loadedPacketFilter(e) !== undefined, loads[0]);
  }
});

const SHUNT = ["policy/frameworks/packet-filter/shunt"];

/** A TCP connection 10.0.0.1:40000 → 192.0.2.10:80: handshake, data both ways, FIN both ways, at t=100…. */
function webConnection(): TestPacket[] {
  return tcpTrace([
    { t: 100, from: "c", flags: "S", seq: 0 },
    { t: 100.1, from: "s", flags: "SA", seq: 0, ack: 1 },
    { t: 100.2, from: "c", flags: "A", seq: 1, ack: 1 },
    { t: 100.3, from: "c", flags: "PA", seq: 1, ack: 1, payload: "GET / HTTP/1.0\r\n\r\n" },
    { t: 100.4, from: "s", flags: "PA", seq: 1, ack: 19, payload: "HTTP/1.0 200 OK\r\n\r\n" },
    { t: 100.5, from: "c", flags: "PA", seq: 19, ack: 20, payload: "more" },
    { t: 100.6, from: "c", flags: "FA", seq: 23, ack: 20 },
    { t: 100.7, from: "s", flags: "FA", seq: 20, ack: 24 },
  ]);
}

test("shunt_conn: the connection's data packets are filtered out, its control packets still pass", async () => {
  const { engine, pf, logs } = setup({ bare: true, loads: SHUNT });
  const shunt = pf.shunt!;
  let shunted = false;
  let packets = 0;
  engine.on("new_packet", (c) => {
    packets++;
    if (!shunted && c.history.includes("D")) shunted = shunt.shuntConn(c.id);
  });
  await engine.run(memorySource(webConnection()));
  assert.equal(shunted, true);
  assert.equal(
    rows(logs).at(-1)![2],
    "(ip or not ip) and (not ((tcp and tcp[tcpflags] & (tcp-syn|tcp-fin|tcp-rst) == 0) and (host 10.0.0.1 and port 40000 and host 192.0.2.10 and port 80)))",
  );
  // new_packet comes before the packet's own history letter: the shunt starts at the reply (the 5th
  // packet, "D" seen); the client's "more" is shunted, the FINs pass.
  assert.equal(packets, 7);
  assert.deepEqual(shunt.currentShuntedConns(), [], "the shunt ended with the connection");
});

test("shunt_host_pair, unshunt_host_pair, force_unshunt_host_pair and max_bpf_shunts", async () => {
  const { engine, pf, logs } = setup({ bare: true, loads: SHUNT, settings: ["PacketFilter::max_bpf_shunts=1"] });
  const shunt = pf.shunt!;
  const id = (a: string, b: string) => ({ orig_h: a, orig_p: 1, resp_h: b, resp_p: 2, transport: "udp" as const, proto: 17 });
  engine.on("zeek_init", () => {
    assert.equal(shunt.shuntHostPair(id("10.0.0.1", "10.0.0.2")), true);
    assert.equal(shunt.shuntHostPair(id("10.0.0.3", "10.0.0.4")), true);
    // 2 > 1: the third is refused, with a notice.
    assert.equal(shunt.shuntHostPair(id("10.0.0.5", "10.0.0.6")), false);
    assert.equal(shunt.currentShuntedHostPairs().length, 2);
    assert.equal(shunt.unshuntHostPair(id("10.0.0.9", "10.0.0.9")), false);
    assert.equal(shunt.forceUnshuntHostPair(id("10.0.0.3", "10.0.0.4")), true);
  });
  engine.on("zeek_init", () => assert.equal(shunt.shuntConn({ ...id("2001:db8::1", "2001:db8::2") }), false), { priority: -10 });
  await engine.run(memorySource(mixed(1)));
  const filters = rows(logs).map((r) => r[2]);
  assert.deepEqual(filters.slice(0, 3), [
    "(ip or not ip) and (not (host 10.0.0.1 and host 10.0.0.2))",
    "(ip or not ip) and (not ((host 10.0.0.1 and host 10.0.0.2) and (host 10.0.0.3 and host 10.0.0.4)))",
    "(ip or not ip) and (not (host 10.0.0.1 and host 10.0.0.2))",
  ]);
  const notes = rows(logs, "notice").map((r) => [r[10], r[11], r[12]]);
  assert.deepEqual(notes, [
    ["PacketFilter::No_More_Conn_Shunts_Available", "1 BPF shunts are in place and no more will be added until space clears.", "-"],
    ["PacketFilter::Cannot_BPF_Shunt_Conn", "IPv6 connections can't be shunted with BPF due to limitations in BPF", "ipv6_conn"],
  ]);
});

test("netstats: capturing live, a Dropped_Packets notice each 5 minutes when libpcap dropped packets since the last look", async () => {
  const engine = new Engine();
  const counters = { received: 0, dropped: 0 };
  const scripts = loadBuiltinScripts(engine, { memory: true, stderr: null, captureStats: () => counters });
  let n = 0;
  engine.on("udp_request", () => {
    if (++n !== 1) return;
    counters.received = 20;
    counters.dropped = 7;
  });
  await engine.run(
    memorySource([udpPacket(100, "10.0.0.1", 1, "10.0.0.2", 53), udpPacket(500, "10.0.0.1", 2, "10.0.0.2", 53), udpPacket(900, "10.0.0.1", 3, "10.0.0.2", 53)]),
  );
  assert.deepEqual(
    rows(scripts.logs, "notice").map((r) => [r[0], r[10], r[11]]),
    [["500.000000", "PacketFilter::Dropped_Packets", "7 packets dropped after filtering, 9 received, 20 on link"]],
  );
  // Reading a trace (no counters) nothing is scheduled.
  const quiet = new Engine();
  const q = loadBuiltinScripts(quiet, { memory: true, stderr: null });
  await quiet.run(memorySource(mixed(2)));
  assert.equal(q.logs.text("notice"), "");
});

test("enable_auto_protocol_capture_filters: the active analyzers' and the UDP tunnels' registered ports (Analyzer::get_bpf) instead of the default filter", async () => {
  const loads = ["base/frameworks/packet-filter", "base/protocols/ssh"];
  const { engine, logs } = setup({ bare: true, loads, settings: ["PacketFilter::enable_auto_protocol_capture_filters=T"] });
  const seen = countSeen(engine);
  await engine.run(memorySource(mixed(2)));
  // SSH's port, and the UDP tunnels' packet analyzers' ports base/packet-protocols registers (with -b too).
  const filter = rows(logs)[0]![2]!;
  const ports = [...filter.matchAll(/\((tcp|udp) and port (\d+)\)/g)].map((m) => `${m[2]}/${m[1]}`);
  assert.deepEqual(ports, ["22/tcp", "2123/udp", "2152/udp", "3544/udp", "4754/udp", "4789/udp", "5072/udp", "6081/udp"]);
  assert.deepEqual(seen.ports, [], "UDP to 53 and 80 is not captured");
});

test("a link type libpcap cannot filter (IEEE 802.15.4): a warning, the install fails (packet_filter.log says why, Install_Failure at 0.0), packets still pass", async () => {
  const { engine, logs, warnings } = setup();
  let packets = 0;
  engine.on("raw_packet", () => void packets++);
  // An 802.15.4 beacon frame (DLT_IEEE802_15_4_NOFCS, 230), read from a source that says its link type.
  const frame: TestPacket = { ts: 5, bytes: new Uint8Array([0, 0x80, 0, 0x34, 0x12, 0xff, 0xcf]), linktype: 230 };
  const source = { ...memorySource([frame]), properties: () => ({ live: false, linkType: 230, netmask: 0xffffffff }) };
  await engine.run(source);
  const reason = "IEEE 802.15.4 link-layer type filtering not implemented";
  assert.deepEqual(
    rows(logs).map((r) => r.slice(2)),
    [["ip or not ip", "T", "F", reason]],
  );
  const notice = parseLogText(logs.text("notice")).rows.map((r) => [r[0], r[10], r[12]]);
  assert.deepEqual(notice, [["0.000000", "PacketFilter::Install_Failure", "ip or not ip"]]);
  assert.ok(warnings.some((w) => w.includes(`Warning while compiling pcap filter 'ip or not ip': ${reason}`)));
  assert.equal(packets, 1);
});

test("get_bpf: DNP3_TCP's 20000/udp is in Analyzer::ports (dnp3/main.zeek registers it), yet no UDP flow to 20000 gets the TCP analyzer", async () => {
  const loads = ["base/frameworks/packet-filter", "base/protocols/dnp3"];
  const { engine, logs } = setup({ bare: true, loads, settings: ["PacketFilter::enable_auto_protocol_capture_filters=T"] });
  const confirmed: string[] = [];
  engine.on("analyzer_confirmation_info", (atype) => void confirmed.push(atype));
  // A DNP3 link-layer header (05 64) over UDP to 20000: DNP3_UDP would need its signature, DNP3_TCP never attaches.
  await engine.run(memorySource([udpPacket(1, "10.0.0.1", 40000, "10.0.0.2", 20000, new Uint8Array([5, 0x64, 5, 0xc9, 1, 0, 2, 0, 0, 0]))]));
  const filter = rows(logs)[0]![2]!;
  assert.ok(filter.includes("(tcp and port 20000)") && filter.includes("(udp and port 20000)"), filter);
  assert.ok(!confirmed.includes("Analyzer::ANALYZER_DNP3_TCP"));
});
