/**
 * The link and IP layers over every trace of the Zeek corpus.
 *
 * 1. Robustness: every trace in corpus/zeek/traces (pcap, pcapng, gzip) goes
 *    through LinkLayer + IpLayer without an exception escaping; the test prints
 *    packets per link type and the weirds raised, by name.
 * 2. Weirds against Zeek: for every case of corpus/zeek-all with a weird.log
 *    (Zeek ran `zeek -C`, so ignore_checksums=true here too), the rows whose
 *    weird belongs to these layers are compared with what bronze reports.
 *
 * How rows are compared: weird.log does not hold every weird Zeek raised —
 * the Weird framework suppresses repeats (per flow, per originator or once,
 * depending on the name's action, plus sampling thresholds). So both sides
 * are reduced to DISTINCT (name, src, dst) rows, src/dst being "-" for net
 * weirds. Weirds that need a connection (bad_TCP_checksum, truncated_header on
 * a connection, …) and transport-header truncation (source TCP/UDP/ICMP) are
 * raised by the transport layer, not here: rows whose source is a transport
 * analyzer, or whose name is not one of this layer's, are left out of the
 * score. Tunnels are out of scope: "*_in_tunnel" and inner-IP weirds too.
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, it } from "node:test";
import { EventBus } from "../../src/event/bus.js";
import { Weirds } from "../../src/event/weirds.js";
import { IpLayer } from "../../src/ip/ip-layer.js";
import { defaultSettings } from "../../src/options.js";
import { LinkLayer } from "../../src/packet/link.js";
import { Packet } from "../../src/packet/packet.js";
import { openTrace } from "../../src/source/open.js";
import { TraceError } from "../../src/source/raw-packet.js";
import { corpusRoot, requireOracle, skipUnlessOracle } from "../helpers/corpus.js";
import { gateProblems } from "../helpers/gates.js";

const CORPUS = corpusRoot();
const TRACES = join(CORPUS, "zeek", "traces");
const ZEEK_ALL = join(CORPUS, "zeek-all");

/** Weird names these layers raise (link, IP checks, IPv6 chain, fragments). */
const LAYER_WEIRDS = new Set([
  "truncated_ethernet_frame",
  "truncated_link_header_cfp",
  "undefined_ether_type",
  "truncated_VLAN_header",
  "undefined_vlan_protocol",
  "triple_tagged_vlan_unsupported",
  "truncated_link_header",
  "truncated_pppoe_header",
  "pppoe_truncated_payload",
  "pppoe_extra_data_after_payload",
  "truncated_ppp_serial_header",
  "null_analyzer_failed",
  "truncated_Linux_SLL_header",
  "truncated_Linux_SLL2_header",
  "nflog_bad_tlv_len",
  "nflog_no_pcap_payload",
  "FDDI_analyzer_failed",
  "truncated_802_11_header",
  "truncated_radiotap_header",
  "max_packet_analyzer_depth_exceeded",
  "truncated_llc_header",
  "truncated_snap_llc_header",
  "truncated_snap_header",
  "truncated_ppp_header",
  "truncated_ppp_hdlc_header",
  "truncated_PBB_header",
  "truncated_vntag_header",
  "truncated_nflog_header",
  "unknown_nflog_version",
  "truncated_802_11_llc_header",
  "truncated_802_11_amsdu_header",
  "truncated_802_11_amsdu_packet",
  "truncated_IP",
  "unknown_ip_version",
  "ip_hdr_len_zero",
  "truncated_IP_len",
  "invalid_IP_header_size",
  "internally_truncated_header",
  "IPv4_min_header_size",
  "IPv6_min_header_size",
  "bad_IP_checksum",
  "bogus_IP_header_lengths",
  "ipv6_no_next",
  "mobility_piggyback",
  "bad_MH_checksum",
  "incompletely_captured_fragment",
  "routing0_hdr",
  "odd_routing0_len",
  "bad_routing2_len",
  "unknown_routing_type",
  "multiple_routing_headers",
  "bad_ipv6_dest_opt_len",
  "multiple_home_addr_opts",
  "bad_home_addr_len",
  "fragment_protocol_inconsistency",
  "fragment_with_DF",
  "fragment_size_inconsistency",
  "excessively_small_fragment",
  "excessively_large_fragment",
  "fragment_overlap",
  "fragment_inconsistency",
]);
/** weird.log `source` values of transport analyzers: their rows belong to another layer. */
const TRANSPORT_SOURCES = new Set(["TCP", "UDP", "ICMP"]);

interface TraceResult {
  packets: number;
  rows: Set<string>;
  error: string | null;
}

/** Runs one trace through link + IP; distinct weird rows "name src dst". */
async function decodeTrace(path: string, byLinktype: Map<number, number>, byWeird: Map<string, number>): Promise<TraceResult | null> {
  let source;
  try {
    source = await openTrace(path);
  } catch (err) {
    if (err instanceof TraceError) return null; // not a trace (scripts, keytabs, README)
    throw err;
  }
  const bus = new EventBus();
  const clock = { now: 0 };
  const weirds = new Weirds(bus, clock);
  const settings = { ...defaultSettings(), ignore_checksums: true };
  const link = new LinkLayer(weirds);
  const ip = new IpLayer(weirds, settings);
  const pkt = new Packet();
  const rows = new Set<string>();
  bus.on("weird", (w) => {
    if (!TRANSPORT_SOURCES.has(w.source)) rows.add(`${w.name} ${w.src ?? "-"} ${w.dst ?? "-"}`);
  });
  let error: string | null = null;
  let packets = 0;
  try {
    const summary = await source.run((raw) => {
      pkt.load(raw);
      if (raw.ts > clock.now) clock.now = raw.ts;
      if (link.decode(pkt)) ip.process(pkt);
      bus.drain();
    });
    packets = summary.packets;
  } catch (err) {
    error = err instanceof Error ? (err.stack ?? err.message) : String(err);
  }
  ip.flush();
  for (const [lt, n] of link.stats.byLinktype) byLinktype.set(lt, (byLinktype.get(lt) ?? 0) + n);
  for (const [name, n] of weirds.counts) byWeird.set(name, (byWeird.get(name) ?? 0) + n);
  return { packets, rows, error };
}

function listFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) listFiles(p, out);
    else out.push(p);
  }
  return out;
}

/** Zeek's weird.log rows of this layer, as distinct "name src dst". */
function expectedRows(weirdLog: string): Set<string> {
  const rows = new Set<string>();
  let fields: string[] = [];
  for (const line of readFileSync(weirdLog, "utf8").split("\n")) {
    if (line.startsWith("#fields")) fields = line.split("\t").slice(1);
    if (line === "" || line.startsWith("#")) continue;
    const v = line.split("\t");
    const get = (f: string) => v[fields.indexOf(f)] ?? "-";
    if (!LAYER_WEIRDS.has(get("name")) || TRANSPORT_SOURCES.has(get("source"))) continue;
    rows.add(`${get("name")} ${get("id.orig_h")} ${get("id.resp_h")}`);
  }
  return rows;
}

const tracesMissing = existsSync(TRACES) ? false : `corpus not found at ${CORPUS}`;
const zeekAllMissing = existsSync(ZEEK_ALL) ? false : `corpus not found at ${ZEEK_ALL}`;

describe("link + IP layers over the Zeek corpus", { skip: skipUnlessOracle(tracesMissing) }, () => {
  const results = new Map<string, TraceResult>();
  const byLinktype = new Map<number, number>();
  const byWeird = new Map<string, number>();

  it("decodes every trace without an exception escaping", async () => {
    requireOracle(tracesMissing);
    const failures: string[] = [];
    let traces = 0;
    let packets = 0;
    const started = process.hrtime.bigint();
    for (const path of listFiles(TRACES)) {
      const r = await decodeTrace(path, byLinktype, byWeird);
      if (r === null) continue;
      traces++;
      packets += r.packets;
      results.set(resolve(path), r);
      if (r.error !== null) failures.push(`${path}: ${r.error}`);
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    console.log(`${traces} traces, ${packets} packets in ${seconds.toFixed(1)} s (read + link + IP)`);
    console.log(
      `packets per link type: ${[...byLinktype]
        .sort((a, b) => a[0] - b[0])
        .map(([lt, n]) => `${lt}=${n}`)
        .join(" ")}`,
    );
    console.log(
      `weirds by name: ${[...byWeird]
        .sort((a, b) => b[1] - a[1])
        .map(([n, c]) => `${n}=${c}`)
        .join(" ")}`,
    );
    assert.ok(traces > 700, `expected the whole corpus, read ${traces} traces`);
    assert.deepEqual(failures, []);
  });

  it("reports the same link/IP/fragment weirds as Zeek (distinct rows, held at today's counts)", { skip: skipUnlessOracle(zeekAllMissing) }, () => {
    requireOracle(zeekAllMissing);
    const manifest = JSON.parse(readFileSync(join(ZEEK_ALL, "manifest.json"), "utf8")) as {
      cases: { name: string; trace: string; expectedWeird: string | null }[];
    };
    let matched = 0;
    let missing = 0;
    let extra = 0;
    const diffs: string[] = [];
    for (const c of manifest.cases) {
      const got = results.get(resolve(ZEEK_ALL, c.trace));
      if (got === undefined) continue;
      const want = c.expectedWeird === null ? new Set<string>() : expectedRows(join(ZEEK_ALL, c.expectedWeird));
      for (const row of want) {
        if (got.rows.has(row)) matched++;
        else {
          missing++;
          diffs.push(`${c.name}: missing ${row}`);
        }
      }
      for (const row of got.rows) {
        if (!want.has(row)) {
          extra++;
          diffs.push(`${c.name}: extra ${row}`);
        }
      }
    }
    const rate = matched / Math.max(1, matched + missing + extra);
    console.log(`weird rows: ${matched} matched, ${missing} missing, ${extra} extra → match rate ${(rate * 100).toFixed(1)}%`);
    for (const d of diffs) console.log(`  ${d}`);
    assert.ok(matched > 0, "some rows compared");
    assert.deepEqual(
      gateProblems({
        "decode-corpus: link/IP/fragment weird rows matched": matched,
        "decode-corpus: link/IP/fragment weird rows missing": missing,
        "decode-corpus: link/IP/fragment weird rows only bronze's": extra,
      }),
      [],
    );
  });
});
