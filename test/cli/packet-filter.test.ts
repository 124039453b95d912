/**
 * packet_filter.log from the command line: written by a default run and by
 * -b base/frameworks/packet-filter (not by a bare run without it), -f's
 * text, the filter settings, JSON, a bad filter as Zeek's fatal error, a
 * user script excluding traffic through context.packetFilter, and a twin of
 * Zeek's btest core.pcap.read-trace-with-filter (packet_filter.log and
 * conn.log against its baseline, timestamps and uids masked as btest does).
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { corpusRoot, oracleMissing } from "../helpers/corpus.js";
import { writePcap } from "../helpers/packets.js";
import { parseLogText } from "../helpers/tsv.js";
import { udpPacket } from "../session/harness.js";
import { zeekSource } from "../signatures/btest-harness.js";
import { bronze, type Captured, withDir } from "./run-cli.js";

/** UDP datagrams to ports 53 and 80, alternating, one a second from t=100. */
function trace(dir: string, n = 6): string {
  const path = join(dir, "t.pcap");
  const packets = Array.from({ length: n }, (_, i) => udpPacket(100 + i, "10.0.0.1", 2000 + i, "10.0.0.2", i % 2 === 0 ? 53 : 80, "x"));
  writeFileSync(path, writePcap(packets));
  return path;
}

/** Runs bronze on trace(dir) with a user script whose default export's body is `lines` (it has `engine` and `context`). */
async function runWithScript(dir: string, lines: readonly string[]): Promise<Captured> {
  const script = join(dir, "script.mjs");
  writeFileSync(script, ["export default function (engine, context) {", ...lines, "}", ""].join("\n"));
  return bronze(["-r", trace(dir), "--logdir", dir, script]);
}

function dataRows(file: string): string[][] {
  return parseLogText(readFileSync(file, "utf8")).rows;
}

test(
  "a default run writes packet_filter.log: one row, wall clock at start-up, node zeek, the default filter",
  withDir(async (dir) => {
    const before = Date.now() / 1000;
    const r = await bronze(["-r", trace(dir), "--logdir", dir]);
    assert.equal(r.code, 0, r.err);
    const rows = dataRows(join(dir, "packet_filter.log"));
    assert.equal(rows.length, 1);
    const [ts, node, filter, init, success, reason] = rows[0]!;
    assert.ok(Math.abs(Number(ts) - before) < 60, `ts ${ts} is the wall clock`);
    assert.deepEqual([node, filter, init, success, reason], ["zeek", "ip or not ip", "T", "T", "-"]);
    assert.match(readFileSync(join(dir, "packet_filter.log"), "utf8"), /#fields\tts\tnode\tfilter\tinit\tsuccess\tfailure_reason\n/);
  }),
);

test(
  "-b writes it only with base/frameworks/packet-filter",
  withDir(async (dir) => {
    const t = trace(dir);
    assert.equal((await bronze(["-b", "-r", t, "--logdir", dir, "base/protocols/conn"])).code, 0);
    assert.equal(existsSync(join(dir, "packet_filter.log")), false);
    const r = await bronze(["-b", "-r", t, "--logdir", dir, "base/frameworks/packet-filter"]);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.err, "", "the script is implemented: no warning");
    assert.equal(dataRows(join(dir, "packet_filter.log"))[0]![2], "ip or not ip");
  }),
);

test(
  "-f and the filter settings: the log shows the filter, and it applies",
  withDir(async (dir) => {
    const t = trace(dir);
    let r = await bronze(["-r", t, "--logdir", dir, "-f", "udp port 80"]);
    assert.equal(r.code, 0, r.err);
    assert.equal(dataRows(join(dir, "packet_filter.log"))[0]![2], "udp port 80");
    assert.deepEqual(
      dataRows(join(dir, "conn.log")).map((c) => c[5]),
      ["80", "80", "80"],
    );
    r = await bronze(["-r", t, "--logdir", dir, 'capture_filters={["dns"]="port 53"}', 'restrict_filters={["x"]="not host 10.9.9.9"}']);
    assert.equal(r.code, 0, r.err);
    assert.equal(dataRows(join(dir, "packet_filter.log"))[0]![2], "(port 53) and (not host 10.9.9.9)");
    assert.deepEqual(
      dataRows(join(dir, "conn.log")).map((c) => c[5]),
      ["53", "53", "53"],
    );
  }),
);

test(
  "JSON: packet_filter.log as JSON lines",
  withDir(async (dir) => {
    const r = await bronze(["-r", trace(dir), "--logdir", dir, "LogAscii::use_json=T", "-f", "port 53"]);
    assert.equal(r.code, 0, r.err);
    const lines = readFileSync(join(dir, "packet_filter.log"), "utf8").trimEnd().split("\n");
    assert.equal(lines.length, 1);
    const row = JSON.parse(lines[0]!) as Record<string, unknown>;
    assert.deepEqual(Object.keys(row), ["ts", "node", "filter", "init", "success"]);
    assert.deepEqual([row.node, row.filter, row.init, row.success], ["zeek", "port 53", true, true]);
  }),
);

test(
  "a bad filter is Zeek's fatal error: exit 1, the filter named on stderr, no logs (btests bad-filter, filter-error)",
  withDir(async (dir) => {
    const t = trace(dir);
    for (const args of [["-f", "kaputt"], ["-b", "base/frameworks/packet-filter", "-f", "bad filter"], ['PacketFilter::restricted_filter="port port"']]) {
      const r = await bronze(["-r", t, "--logdir", dir, ...args]);
      assert.equal(r.code, 1, args.join(" "));
      assert.match(r.err, /^bronze: fatal error: Bad pcap filter '[^']*(kaputt|bad filter|port port)[^']*': /);
      assert.equal(existsSync(join(dir, "conn.log")), false);
    }
    const r = await bronze(["-r", t, "--logdir", dir, 'capture_filters={["web"]="port port"}']);
    assert.equal(r.code, 1);
    assert.equal(r.err, "bronze: fatal error: Invalid capture_filter named 'web' - 'port port'\n");
  }),
);

test(
  "a user script excludes traffic through context.packetFilter; the filter applies to the packets that follow",
  withDir(async (dir) => {
    const r = await runWithScript(dir, [
      "let n = 0;",
      'engine.on("udp_request", () => { if (++n === 1) context.packetFilter.exclude("no-dns", "udp port 53"); });',
      'engine.on("zeek_done", () => console.log(context.packetFilter.currentFilter));',
    ]);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, "(ip or not ip) and (not (udp port 53))\n");
    assert.deepEqual(
      dataRows(join(dir, "packet_filter.log")).map((row) => [row[2], row[3]]),
      [
        ["ip or not ip", "T"],
        ["(ip or not ip) and (not (udp port 53))", "F"],
      ],
    );
    assert.deepEqual(
      dataRows(join(dir, "conn.log"))
        .map((c) => c[5])
        .sort(),
      ["53", "80", "80", "80"],
    );
  }),
);

const BASELINE = "testing/btest/Baseline/core.pcap.read-trace-with-filter";

/** A log's lines with btest's canonifier applied to what differs per run: #open/#close, timestamps, uids. */
function masked(text: string, uidColumn: boolean): string[] {
  return text
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("### ") && !l.startsWith("#open") && !l.startsWith("#close"))
    .map((l) => {
      if (l.startsWith("#")) return l;
      const f = l.split("\t");
      f[0] = "XXXXXXXXXX.XXXXXX";
      if (uidColumn) f[1] = "UID";
      return f.join("\t");
    });
}

test(
  "btest core.pcap.read-trace-with-filter: zeek -r wikipedia.pcap -f 'port 50000'",
  withDir(async (dir, t) => {
    const pcap = join(corpusRoot(), "zeek", "traces", "wikipedia.pcap");
    if (!existsSync(pcap)) return oracleMissing(t, `corpus trace missing: ${pcap}`);
    const zeek = zeekSource();
    if (zeek === null) return oracleMissing(t, "Zeek's source (btest baselines) not found: set BRONZE_ZEEK_SOURCE");
    const r = await bronze(["-r", pcap, "--logdir", dir, "-f", "port 50000"]);
    assert.equal(r.code, 0, r.err);
    for (const [log, uid] of [
      ["packet_filter.log", false],
      ["conn.log", true],
    ] as const) {
      assert.deepEqual(masked(readFileSync(join(dir, log), "latin1"), uid), masked(zeek.read(`${BASELINE}/${log}`), uid), log);
    }
  }),
);

test(
  "a filter a script makes bad before the first packet: Zeek's fatal error ends the run before any packet (exit 1, no conn.log)",
  withDir(async (dir) => {
    const r = await runWithScript(dir, ['engine.on("zeek_init", () => { engine.settings["PacketFilter::restricted_filter"] = "port port"; });']);
    assert.equal(r.code, 1);
    assert.match(r.err, /^bronze: fatal error: Bad pcap filter '\(port port\) and \(ip or not ip\)': /m);
    assert.equal(existsSync(join(dir, "conn.log")), false);
    assert.equal(existsSync(join(dir, "packet_filter.log")), false);
    assert.equal(parseLogText(readFileSync(join(dir, "notice.log"), "utf8")).rows[0]![10], "PacketFilter::Compile_Failure");
  }),
);
