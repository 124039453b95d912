/**
 * Zeek's btests of the packet-level events (core/raw_packet and the ARP
 * btests scripts/base/protocols/arp/{basic,bad,linuxsll,radiotap,wlanmon},
 * scripts/base/protocols/snap/snap-arp, scripts/base/protocols/vlan/
 * vlan-pcp-dei, core/raw-truncation, core/linuxsll2) and of the tunnels'
 * per-packet events (core/tunnels/vxlan*, core/tunnels/geneve*), which print
 * from event handlers:
 * each `zeek -r TRACE %INPUT` run is an engine and a TypeScript twin of the
 * test's handlers printing as Zeek's `print` does; what it prints must be the
 * baseline. Zeek's source and the corpus traces are oracles: without them
 * the tests skip, saying so.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import type { Engine } from "../../src/engine.js";
import type { Connection, Ip4Hdr, Ip6ExtHdr, Ip6Hdr, L2Hdr, PktHdr, RawPktHdr, TeredoHdr } from "../../src/event/records.js";
import type { Discarders, TcpRawOption } from "../../src/index.js";
import { parseSubnet } from "../../src/scripts/site.js";
import { PCAP_FILE_HEADER_BYTES } from "../../src/source/pcap.js";
import { corpusRoot, type oracleMissing } from "../helpers/corpus.js";
import { zeekConnId, zeekString } from "../helpers/zeek-print.js";
import { baselineLines, btestOraclesMissing, zeekSource } from "../signatures/btest-harness.js";
import { canonicalBtestLog } from "./btest-applogs-harness.js";
import { type HandlerRunOptions, runWithHandlers } from "./handler-run.js";

/** TCP's SYN flag (Zeek's TH_SYN). */
const TH_SYN = 0x02;

const TRACES = join(corpusRoot(), "zeek", "traces");
const zeek = zeekSource();

/** A baseline's lines (only called once the oracle was found). */
const baseline = (path: string): string[] => baselineLines(zeek!, path);

function oraclesMissing(t: Parameters<typeof oracleMissing>[0], traces: readonly string[]): boolean {
  return btestOraclesMissing(t, zeek, "its packet-event btests", traces);
}

type Printable = string | number | boolean | undefined;

/** Zeek's `print` of a record's fields in declaration order, unset ones as <uninitialized>. */
function rec(fields: ReadonlyArray<readonly [string, Printable]>): string {
  const show = (v: Printable): string => (v === undefined ? "<uninitialized>" : typeof v === "boolean" ? (v ? "T" : "F") : String(v));
  return `[${fields.map(([k, v]) => `${k}=${show(v)}`).join(", ")}]`;
}

function l2Text(l2: L2Hdr): string {
  return rec([
    ["encap", l2.encap],
    ["len", l2.len],
    ["cap_len", l2.cap_len],
    ["src", l2.src],
    ["dst", l2.dst],
    ["vlan", l2.vlan],
    ["vlan_pcp", l2.vlan_pcp],
    ["vlan_dei", l2.vlan_dei],
    ["inner_vlan", l2.inner_vlan],
    ["inner_vlan_pcp", l2.inner_vlan_pcp],
    ["inner_vlan_dei", l2.inner_vlan_dei],
    ["eth_type", l2.eth_type],
    ["proto", l2.proto],
  ]);
}

function ip4Text(ip: Ip4Hdr): string {
  return rec(Object.entries(ip) as [string, Printable][]);
}

/** Zeek's `print` of a vector: [a, b], empty []. */
const vec = (items: string[]): string => `[${items.join(", ")}]`;

function extText(e: Ip6ExtHdr): string {
  const sub = (v: object | undefined): string | undefined =>
    v === undefined
      ? undefined
      : rec(
          Object.entries(v).map(([k, x]) => [
            k,
            Array.isArray(x)
              ? vec(x.map((o: object) => rec(Object.entries(o).map(([ok, ov]) => [ok, typeof ov === "string" ? zeekString(ov) : ov]))))
              : typeof x === "string"
                ? zeekString(x)
                : x,
          ]),
        );
  return rec([
    ["id", e.id],
    ["hopopts", sub(e.hopopts)],
    ["dstopts", sub(e.dstopts)],
    ["routing", sub(e.routing)],
    ["fragment", sub(e.fragment)],
    ["ah", sub(e.ah)],
    ["esp", sub(e.esp)],
    ["mobility", sub(e.mobility)],
  ]);
}

function ip6Text(ip: Ip6Hdr): string {
  const { exts, ...fixed } = ip;
  return rec([...(Object.entries(fixed) as [string, Printable][]), ["exts", vec(exts.map(extText))]]);
}

/** Zeek's `print` of a raw_pkt_hdr. */
function rawText(p: RawPktHdr): string {
  return `[l2=${l2Text(p.l2)}, ${pktText(p).slice(1)}`;
}

/** Zeek's `print` of a pkt_hdr. */
function pktText(p: PktHdr): string {
  const port = (n: number, t: string): string => `${n}/${t}`;
  return rec([
    ["ip", p.ip && ip4Text(p.ip)],
    ["ip6", p.ip6 && ip6Text(p.ip6)],
    ["tcp", p.tcp && rec(Object.entries({ ...p.tcp, sport: port(p.tcp.sport, "tcp"), dport: port(p.tcp.dport, "tcp") }))],
    ["udp", p.udp && rec(Object.entries({ ...p.udp, sport: port(p.udp.sport, "udp"), dport: port(p.udp.dport, "udp") }))],
    ["icmp", p.icmp && rec(Object.entries(p.icmp))],
  ]);
}

/** Runs `trace` (under the corpus' traces) with handlers that push lines to the returned array. */
const run = (trace: string, register: (engine: Engine, out: string[]) => void, bare = true, options: HandlerRunOptions = {}): Promise<string[]> =>
  runWithHandlers(join(TRACES, trace), register, { ...options, bare });

const printRaw = (engine: Engine, out: string[]): void => void engine.on("raw_packet", (p) => void out.push(rawText(p)));

test("Zeek's btest core/raw_packet: every packet's raw_pkt_hdr (Ethernet, 802.3, ARP, VLAN-tagged ICMP)", async (t) => {
  if (oraclesMissing(t, ["raw_packets.pcap", "icmp_dot1q.pcap"])) return;
  const out = [...(await run("raw_packets.pcap", printRaw)), ...(await run("icmp_dot1q.pcap", printRaw))];
  assert.deepEqual(out, baseline("core.raw_packet/output"));
});

/** The handlers most ARP btests share: `print` of each argument, optionally after a tag. */
function printArp(tags: boolean) {
  return (engine: Engine, out: string[]): void => {
    const line = (tag: string, args: string[]) => void out.push([...(tags ? [tag] : []), ...args].join(", "));
    engine.on("arp_request", (...args) => line("REQ", args));
    engine.on("arp_reply", (...args) => line("REP", args));
    if (tags) engine.on("bad_arp", (...args) => line("BAD", args));
  };
}

const ARP_BTESTS: ReadonlyArray<readonly [btest: string, trace: string, bare: boolean]> = [
  ["scripts.base.protocols.arp.basic", "arp-who-has.pcap", true],
  ["scripts.base.protocols.arp.linuxsll", "linuxsll-arp.pcap", false],
  ["scripts.base.protocols.arp.radiotap", "arp-who-has-radiotap.pcap", true],
  ["scripts.base.protocols.arp.wlanmon", "arp-who-has-wlanmon.pcap", true],
  ["scripts.base.protocols.snap.snap-arp", "snap-arp.pcapng", true],
];

for (const [btest, trace, bare] of ARP_BTESTS) {
  test(`Zeek's btest ${btest}: arp_request and arp_reply of ${trace}`, async (t) => {
    if (oraclesMissing(t, [trace])) return;
    assert.deepEqual(await run(trace, printArp(false), bare), baseline(`${btest}/.stdout`));
  });
}

test("Zeek's btest scripts/base/protocols/arp/bad: bad_arp with Zeek's explanations for corrupt headers", async (t) => {
  if (oraclesMissing(t, ["arp-leak.pcap"])) return;
  assert.deepEqual(await run("arp-leak.pcap", printArp(true)), baseline("scripts.base.protocols.arp.bad/.stdout"));
});

test("Zeek's btest scripts/base/protocols/vlan/vlan-pcp-dei: raw_packet's VLAN ids with their PCP and DEI bits, outer and inner", async (t) => {
  if (oraclesMissing(t, ["vlan-pcp-dei.pcapng"])) return;
  const out = await run(
    "vlan-pcp-dei.pcapng",
    (engine, lines) =>
      void engine.on("raw_packet", ({ l2 }) => {
        const bool = (b: boolean | undefined): string => (b ? "T" : "F");
        if (l2.vlan === undefined) lines.push("No vlan found!");
        else lines.push(`Found packet with VLAN ID: ${l2.vlan}, PCP: ${l2.vlan_pcp}, and DEI: ${bool(l2.vlan_dei)}`);
        if (l2.inner_vlan !== undefined)
          lines.push(`Found packet with inner VLAN ID: ${l2.inner_vlan}, inner PCP: ${l2.inner_vlan_pcp}, and inner DEI: ${bool(l2.inner_vlan_dei)}`);
      }),
    false,
  );
  assert.deepEqual(out, baseline("scripts.base.protocols.vlan.vlan-pcp-dei/output"));
});

test("Zeek's btest core/raw-truncation: raw_packet of a truncated header shows no IP part, and weird.log is Zeek's", async (t) => {
  if (oraclesMissing(t, ["trunc/trunc-hdr.pcap"])) return;
  let weird = "";
  const out = await run(
    "trunc/trunc-hdr.pcap",
    (engine, lines) =>
      void engine.on("raw_packet", (p) => {
        if (p.ip !== undefined && p.ip.hl !== 20) lines.push(ip4Text(p.ip));
      }),
    false,
    { logs: (text) => void (weird = text("weird")) },
  );
  assert.deepEqual(out, []);
  assert.equal(canonicalBtestLog(weird), canonicalBtestLog(zeek!.read("testing/btest/Baseline/core.raw-truncation/weird.log")));
});

test("Zeek's btest core/linuxsll2: ICMP echoes and an ARP request over Linux cooked capture v2", async (t) => {
  if (oraclesMissing(t, ["linux_dlt_sll2.pcap"])) return;
  const out = await run(
    "linux_dlt_sll2.pcap",
    (engine, lines) => {
      engine.on("arp_request", (...args) => void lines.push(args.join(", ")));
      const echo = (
        c: { id: Parameters<typeof zeekConnId>[0] },
        info: { v6: boolean; itype: number; icode: number; len: number; ttl: number },
        id: number,
        seq: number,
      ) =>
        void lines.push(
          `${zeekConnId(c.id)}, [v6=${info.v6 ? "T" : "F"}, itype=${info.itype}, icode=${info.icode}, len=${info.len}, ttl=${info.ttl}], ${id}, ${seq}`,
        );
      engine.on("icmp_echo_request", echo);
      engine.on("icmp_echo_reply", echo);
    },
    true,
    { ignoreChecksums: true },
  );
  assert.deepEqual(out, baseline("core.linuxsll2/.stdout"));
});

const TUNNEL_LOADS = ["base/frameworks/tunnels", "base/protocols/conn"];

/** The tunnel btests' handler: `print "<event>", c$id, inner, vni`. */
function printTunnel(name: "vxlan_packet" | "geneve_packet") {
  return (engine: Engine, out: string[]): void =>
    void engine.on(name, (c, inner, vni) => void out.push([name, zeekConnId(c.id), pktText(inner), vni].join(", ")));
}

const TUNNEL_BTESTS: ReadonlyArray<readonly [btest: string, event: "vxlan_packet" | "geneve_packet", checksums: boolean]> = [
  ["vxlan", "vxlan_packet", true],
  ["vxlan-inner-tcp-bad-checksum", "vxlan_packet", true],
  ["geneve", "geneve_packet", true],
  ["geneve-inner-tcp-bad-checksum", "geneve_packet", true],
  ["geneve-many-options", "geneve_packet", false],
];

for (const [btest, event, checksums] of TUNNEL_BTESTS) {
  test(`Zeek's btest core/tunnels/${btest}: ${event} after the inner packet's analysis, with its headers and VNI`, async (t) => {
    const trace = `tunnels/${btest}.pcap`;
    if (oraclesMissing(t, [trace])) return;
    const loads = btest.includes("bad-checksum") ? [...TUNNEL_LOADS, "base/frameworks/notice/weird"] : TUNNEL_LOADS;
    const out = await run(trace, printTunnel(event), true, { loads, ignoreChecksums: !checksums });
    assert.deepEqual(out, baseline(`core.tunnels.${btest}/out`));
  });
}

test("Zeek's btest core/tunnels/geneve-arp: ARP carried directly in Geneve is analysed (bad_arp)", async (t) => {
  if (oraclesMissing(t, ["tunnels/geneve-arp.pcap"])) return;
  const out = await run(
    "tunnels/geneve-arp.pcap",
    (engine, lines) => void engine.on("bad_arp", (spa, sha, _tpa, _tha, why) => void lines.push(["bad_arp", spa, sha, why].join(", "))),
    true,
    { loads: ["base/protocols/conn"] },
  );
  assert.deepEqual(out, baseline("core.tunnels.geneve-arp/out"));
});

/** core/tunnels/teredo's print_teredo: the event, the outer conn_id, the inner ip6, then auth and origin when present. */
function printTeredo(engine: Engine, out: string[]): void {
  const print = (name: string) => (outer: Connection, inner: TeredoHdr) => {
    out.push(`${name}: ${zeekConnId(outer.id)}`, `    ip6: ${inner.hdr.ip6 === undefined ? "<uninitialized>" : ip6Text(inner.hdr.ip6)}`);
    const a = inner.auth;
    if (a !== undefined)
      out.push(
        `    auth: ${rec([
          ["id", zeekString(a.id)],
          ["value", zeekString(a.value)],
          ["nonce", String(a.nonce)],
          ["confirm", a.confirm],
        ])}`,
      );
    if (inner.origin !== undefined) out.push(`    origin: [p=${inner.origin.p}/udp, a=${inner.origin.a}]`);
  };
  engine.on("teredo_packet", print("packet"));
  engine.on("teredo_authentication", print("auth"));
  engine.on("teredo_origin_indication", print("origin"));
  engine.on("teredo_bubble", print("bubble"));
}

const TEREDO_BTESTS: ReadonlyArray<readonly [btest: string, trace: string, loads: string[]]> = [
  ["teredo", "tunnels/Teredo.pcap", ["base/protocols/http", "base/protocols/dns", "base/protocols/dhcp"]],
  ["teredo_bubble_with_payload", "tunnels/teredo_bubble_with_payload.pcap", ["base/protocols/http"]],
];

for (const [btest, trace, protocols] of TEREDO_BTESTS) {
  test(`Zeek's btest core/tunnels/${btest}: teredo_packet, _authentication, _origin_indication and _bubble with Zeek's teredo_hdr`, async (t) => {
    if (oraclesMissing(t, [trace])) return;
    const loads = ["base/frameworks/tunnels", "base/frameworks/notice/weird", "base/protocols/tunnels", "base/protocols/conn", ...protocols];
    const out = await run(trace, printTeredo, true, { loads });
    assert.deepEqual(out, baseline(`core.tunnels.${btest}/output`));
  });
}

test("Zeek's btest core/ipv6_ext_headers: ipv6_ext_headers with the hop-by-hop and routing headers, after new_connection", async (t) => {
  if (oraclesMissing(t, ["ipv6-hbh-routing0.pcap"])) return;
  const out = await run("ipv6-hbh-routing0.pcap", (engine, lines) => {
    engine.on("ipv6_ext_headers", (_c, p) => void lines.push(pktText(p)));
    engine.on("flow_weird", (name, src, dst) => void lines.push(`weird ${name} from ${src} to ${dst}`));
    engine.on("new_connection", (c) => void lines.push(zeekConnId(c.id)));
  });
  assert.deepEqual(out, baseline("core.ipv6_ext_headers/output"));
});

test("Zeek's btest core/ipv6_esp: esp_packet for IPv6 packets whose chain ends in ESP", async (t) => {
  if (oraclesMissing(t, ["ip6_esp.pcap"])) return;
  const out = await run("ip6_esp.pcap", (engine, lines) => void engine.on("esp_packet", (p) => void (p.ip6 && lines.push(ip6Text(p.ip6)))));
  assert.deepEqual(out, baseline("core.ipv6_esp/output"));
});

test("Zeek's btest core/ipv6-flow-labels: connection_flow_label_changed from a side's second packet on, and the endpoints' flow labels", async (t) => {
  if (oraclesMissing(t, ["ftp/ipv6.pcap"])) return;
  const out = await run("ftp/ipv6.pcap", (engine, lines) => {
    const print = (c: Connection, name: string) =>
      void lines.push(`${name}: ${zeekConnId(c.id)}`, `    orig_flow ${c.orig.flow_label}`, `    resp_flow ${c.resp.flow_label}`);
    engine.on("new_connection", (c) => print(c, "new_connection"));
    engine.on("connection_established", (c) => print(c, "connection_established"));
    engine.on("connection_state_remove", (c) => print(c, "connection_state_remove"));
    engine.on("connection_flow_label_changed", (c, isOrig, old, label) => {
      print(c, `connection_flow_label_changed(${isOrig ? "orig" : "resp"})`);
      lines.push(`    old_label ${old}`, `    new_label ${label}`);
    });
  });
  assert.deepEqual(out, baseline("core.ipv6-flow-labels/output"));
});

test("Zeek's btest scripts/base/protocols/icmp/icmp6-mldv1: MLDv1 reports and dones with their multicast group", async (t) => {
  if (oraclesMissing(t, ["icmp/icmp6-mldv1.pcap"])) return;
  const out = await run("icmp/icmp6-mldv1.pcap", (engine, lines) => {
    engine.on("icmpv6_mld_report_v1", (c, group) => void lines.push(`icmpv6_mld_report_v1, ${c.id.orig_h}, ${group}`));
    engine.on("icmpv6_mld_done_v1", (c, group) => void lines.push(`icmpv6_mld_done_v1, ${c.id.orig_h}, ${group}`));
  });
  assert.deepEqual(out, baseline("scripts.base.protocols.icmp.icmp6-mldv1/.stdout"));
});

test("Zeek's btest scripts/base/protocols/icmp/icmp6-mldv2: MLDv2 records (sources, aux data), those before a cut record, and weird.log", async (t) => {
  if (oraclesMissing(t, ["icmp/icmp6-mldv2.pcap"])) return;
  let weird = "";
  const out = await run(
    "icmp/icmp6-mldv2.pcap",
    (engine, lines) =>
      void engine.on("icmpv6_mld_report_v2", (c, groups) => {
        const records = groups.map((g) =>
          rec([
            ["group_type", g.group_type],
            ["aux_data_len", g.aux_data_len],
            ["num_sources", g.num_sources],
            ["multicast_addr", g.multicast_addr],
            ["sources", vec(g.sources)],
            ["aux_data", g.aux_data === undefined ? undefined : zeekString(g.aux_data)],
          ]),
        );
        lines.push(`${c.id.orig_h}, ${vec(records)}`);
      }),
    true,
    { loads: ["base/frameworks/notice/weird"], logs: (text) => void (weird = text("weird")) },
  );
  assert.deepEqual(out, baseline("scripts.base.protocols.icmp.icmp6-mldv2/.stdout"));
  assert.equal(canonicalBtestLog(weird), canonicalBtestLog(zeek!.read("testing/btest/Baseline/scripts.base.protocols.icmp.icmp6-mldv2/weird.log")));
});

test("Zeek's btest core/ipv6-frag: new_packet's pkt_hdr of reassembled IPv6 datagrams (their length whole, no fragment header), and dns.log", async (t) => {
  if (oraclesMissing(t, ["ipv6-fragmented-dns.pcap"])) return;
  let dns = "";
  const out = await run(
    "ipv6-fragmented-dns.pcap",
    (engine, lines) =>
      void engine.on("new_packet", (_c, p) => {
        if (p.ip6 === undefined || p.udp === undefined) return;
        const udp = rec([
          ["sport", `${p.udp.sport}/udp`],
          ["dport", `${p.udp.dport}/udp`],
          ["ulen", p.udp.ulen],
        ]);
        lines.push(`ip6=${ip6Text(p.ip6)}, udp = ${udp}`);
      }),
    true,
    { loads: ["base/protocols/dns"], logs: (text) => void (dns = text("dns")) },
  );
  assert.deepEqual(out, baseline("core.ipv6-frag/output"));
  assert.equal(canonicalBtestLog(dns), canonicalBtestLog(zeek!.read("testing/btest/Baseline/core.ipv6-frag/dns.log")));
});

test("Zeek's btest core/discarder: IP, TCP, UDP and ICMP discarders drop packets before any analysis", async (t) => {
  if (oraclesMissing(t, ["wikipedia.pcap", "icmp/icmp-destunreach-udp.pcap"])) return;
  /** One `zeek -b -C` run: its zeek_init header, then what its discarders and new_packet print. */
  const part = (title: string, trace: string, discarders: (print: (line: string) => void) => Discarders, shown: (p: PktHdr) => boolean) =>
    run(
      trace,
      (engine, lines) => {
        lines.push(`################ ${title} Discarder ################`);
        engine.setDiscarders(discarders((line) => lines.push(line)));
        engine.on("new_packet", (c, p) => void (shown(p) && lines.push(zeekConnId(c.id))));
      },
      true,
      { ignoreChecksums: true },
    );
  const out = [
    ...(await part(
      "IP",
      "wikipedia.pcap",
      () => ({ ip: (p) => !(p.ip?.src === "141.142.220.118" && p.ip.dst === "208.80.152.2") }),
      () => true,
    )),
    ...(await part(
      "TCP",
      "wikipedia.pcap",
      () => ({ tcp: (p) => p.tcp!.flags !== TH_SYN }),
      (p) => p.tcp !== undefined,
    )),
    ...(await part(
      "UDP",
      "wikipedia.pcap",
      () => ({ udp: (p) => p.ip6 === undefined }),
      (p) => p.udp !== undefined,
    )),
    ...(await part(
      "ICMP",
      "icmp/icmp-destunreach-udp.pcap",
      (print) => ({
        icmp: (p) => {
          print(`Discard icmp packet: ${rec(Object.entries(p.icmp!))}`);
          return true;
        },
      }),
      (p) => p.icmp !== undefined,
    )),
  ];
  assert.deepEqual(out, baseline("core.discarder/output"));
});

test("Zeek's btests bifs/get_current_packet_header and its fragmented-SYN regression: the raw_pkt_hdr of the packet being processed", async (t) => {
  if (oraclesMissing(t, ["icmp/icmp6-neighbor-solicit.pcap", "ipv4/fragmented-syn.pcap"])) return;
  const print = (engine: Engine, lines: string[]): void => void lines.push(rawText(engine.currentPacketHeader()!));
  const options = { ignoreChecksums: true };
  const solicit = await run(
    "icmp/icmp6-neighbor-solicit.pcap",
    (engine, lines) => void engine.on("icmp_neighbor_solicitation", () => print(engine, lines)),
    true,
    options,
  );
  assert.deepEqual(solicit, baseline("bifs.get_current_packet_header/output"));
  const syn = await run("ipv4/fragmented-syn.pcap", (engine, lines) => void engine.on("connection_SYN_packet", () => print(engine, lines)), true, options);
  assert.deepEqual(syn, baseline("bifs.get_current_packet_header_fragmented_syn/output"));
});

test("Zeek's btest bifs/install_src_addr_filter: a source address's SYNs dropped before analysis", async (t) => {
  if (oraclesMissing(t, ["wikipedia.pcap"])) return;
  const out = await run(
    "wikipedia.pcap",
    (engine, lines) => {
      engine.netFilter().install("src", parseSubnet("141.142.220.118/32"), TH_SYN, 100);
      engine.on("new_packet", (c, p) => void (p.tcp !== undefined && p.ip?.src === "141.142.220.118" && lines.push(zeekConnId(c.id))));
    },
    true,
    { ignoreChecksums: true },
  );
  assert.deepEqual(out, baseline("bifs.install_src_addr_filter/output"));
});

/** Zeek's `print` of a TCP::RawOptionList. */
function rawOptionsText(options: readonly TcpRawOption[]): string {
  return vec(
    options.map((o) =>
      rec([
        ["kind", o.kind],
        ["data", zeekString(Buffer.from(o.data).toString("latin1"))],
      ]),
    ),
  );
}

test("Zeek's btest bifs/tcp_raw_options (both variants): TCP::raw_options of SYNs and of a raw_packet, none for UDP", async (t) => {
  if (oraclesMissing(t, ["tls/tls1_1.pcap", "tls/dtls1_0.pcap"])) return;
  const variant = async (stopAtEol: boolean, withRaw: boolean): Promise<string[]> => {
    const register = (engine: Engine, lines: string[]): void => {
      engine.on("connection_SYN_packet", (c) => void lines.push(`${zeekConnId(c.id)}, ${rawOptionsText(engine.tcpRawOptions(stopAtEol))}`));
      let packets = 0;
      if (withRaw) engine.on("raw_packet", (p) => void (++packets === 4 && lines.push(`${rawText(p)}, ${rawOptionsText(engine.tcpRawOptions())}`)));
    };
    const options = { ignoreChecksums: true };
    return [...(await run("tls/tls1_1.pcap", register, false, options)), ...(await run("tls/dtls1_0.pcap", register, false, options))];
  };
  assert.deepEqual(await variant(true, true), baseline("bifs.tcp_raw_options/.stdout"));
  assert.deepEqual(await variant(false, false), baseline("bifs.tcp_raw_options-2/.stdout"));
});

/** `hexdump -C` of `bytes` (a repeated line shown once, then "*"). */
function hexdumpC(bytes: Uint8Array): string[] {
  const lines: string[] = [];
  let previous = "";
  let starred = false;
  for (let at = 0; at < bytes.length; at += 16) {
    const row = bytes.subarray(at, at + 16);
    const hex = [...row].map((b) => b.toString(16).padStart(2, "0"));
    const key = hex.join(" ");
    if (key === previous && row.length === 16) {
      if (!starred) lines.push("*");
      starred = true;
      continue;
    }
    previous = key;
    starred = false;
    const left = hex.slice(0, 8).join(" ");
    const right = hex.slice(8).join(" ");
    const text = [...row].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : ".")).join("");
    lines.push(`${at.toString(16).padStart(8, "0")}  ${`${left.padEnd(23)}  ${right}`.padEnd(48)}  |${text}|`);
  }
  lines.push(bytes.length.toString(16).padStart(8, "0"));
  return lines;
}

test("Zeek's btest bifs/dump_current_packet: each of the first packets into a pcap of its own; a second run appends", async (t) => {
  if (oraclesMissing(t, ["wikipedia.pcap"])) return;
  const dir = mkdtempSync(join(tmpdir(), "bronze-dump-"));
  try {
    const dump = (engine: Engine): void => {
      let i = 0;
      engine.on("new_packet", () => {
        // The btest terminates after its third packet.
        if (++i <= 3) assert.equal(engine.dumpCurrentPacket(join(dir, `${i}.pcap`)), true);
      });
    };
    await run("wikipedia.pcap", dump);
    const first = readFileSync(join(dir, "1.pcap"));
    assert.deepEqual(hexdumpC(first), baseline("bifs.dump_current_packet/1.hex"));
    assert.deepEqual(hexdumpC(readFileSync(join(dir, "2.pcap"))), baseline("bifs.dump_current_packet/2.hex"));
    await run("wikipedia.pcap", dump);
    const twice = readFileSync(join(dir, "1.pcap"));
    assert.deepEqual(twice, Buffer.concat([first, first.subarray(PCAP_FILE_HEADER_BYTES)]), "appended: one header, the packet twice");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
