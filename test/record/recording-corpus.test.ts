/**
 * Trace recording on Zeek corpus traces: bronze records what it analyses
 * (default scripts, -C, the corpus seed), re-reads the recording, and gets
 * the same conn.log.
 *
 *  - plain run (conn.log only): TCP and UDP mostly header-only; the re-read
 *    is identical but for missed_bytes and the G/g letters of TCP payload
 *    that was acked and is no longer in the trace (assertSameButGaps);
 *  - a run that delivers every TCP stream to tcp_contents (and, for SSH, the
 *    SSH analyzer): TCP payload recorded whole; the re-read is identical.
 *
 * Skipped when the corpus is absent. tcpdump reads every recording (skipped
 * visibly when tcpdump is absent).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { SSH_ANALYZER } from "../../src/analyzer/app/ssh/ssh.js";
import type { Engine } from "../../src/engine.js";
import { readSeedFile } from "../../src/session/uid.js";
import { openTrace } from "../../src/source/open.js";
import { corpusRoot, inCi, requireOracle, skipUnlessOracle } from "../helpers/corpus.js";
import { assertSameButGaps, assertSameConnLog, type RunOptions, recordRun, reread } from "./recording-helpers.js";

const traces = join(corpusRoot(), "zeek", "traces");
const seedFile = join(corpusRoot(), "zeek", "random.seed");
const corpusMissing = existsSync(traces) && existsSync(seedFile) ? false : `corpus not found at ${traces}`;
const tcpdumpMissing = spawnSync("tcpdump", ["--version"]).error ? "tcpdump not found on PATH (.ci/run installs it)" : false;

/** HTTP, SSH, DNS (role flips), ICMP, IPv4 fragments, Teredo and VXLAN tunnels, GRE/ERSPAN, TSO (IP length 0), NTP. */
const CASES = [
  "http/get.pcap",
  "ssh/ssh.pcap",
  "dns53.pcap",
  "icmp/icmp-ping.pcap",
  "ipv4/fragmented-1.pcap",
  "tunnels/Teredo.pcap",
  "tunnels/vxlan.pcap",
  "erspan.pcap",
  "krb/kerberos_tso.pcapng",
  "ntp/misordered-ntp.pcap",
];

const dir = mkdtempSync(join(tmpdir(), "bronze-recording-corpus-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const DELIVER_ALL = ["tcp_content_deliver_all_orig=T", "tcp_content_deliver_all_resp=T"];

function payloadRun(trace: string): (e: Engine) => void {
  return (e) => {
    e.on("tcp_contents", () => {});
    if (trace.startsWith("ssh/")) e.registerAnalyzer(SSH_ANALYZER);
  };
}

function tcpdumpReads(path: string, records: number): void {
  if (tcpdumpMissing) return;
  const out = spawnSync("tcpdump", ["-nn", "-r", path], { encoding: "utf8", maxBuffer: 64 << 20 });
  assert.equal(out.status, 0, out.stderr);
  assert.match(out.stderr.trim(), /^reading from file [^\n]*$/, `${path}: tcpdump says only where it reads from`);
  // One line per packet starts with its time (tunnels add lines for the inner packet).
  assert.equal(out.stdout.split("\n").filter((l) => /^\d\d:\d\d:\d\d\.\d+ /.test(l)).length, records, `${path}: tcpdump lists every record`);
}

test("recordings of corpus traces give the same conn.log; tcpdump reads them", { skip: skipUnlessOracle(corpusMissing) }, async (t) => {
  requireOracle(corpusMissing);
  if (tcpdumpMissing && inCi()) requireOracle(tcpdumpMissing);
  if (tcpdumpMissing) t.diagnostic(`tcpdump check skipped: ${tcpdumpMissing}`);
  const seed = readSeedFile(seedFile);
  let headerOnly = 0;
  let wholeInPayloadRuns = 0;
  for (const trace of CASES) {
    const file = join(traces, trace);
    const name = trace.replace(/\W/g, "_");
    const plain: RunOptions = { seed, ignoreChecksums: true };
    const recorded = await recordRun(await openTrace(file), join(dir, `${name}.plain.pcap`), plain);
    assertSameButGaps(recorded.conn, await reread(recorded.path, plain), trace);
    tcpdumpReads(recorded.path, recorded.records.length);

    const payload: RunOptions = { seed, ignoreChecksums: true, settings: DELIVER_ALL, setup: payloadRun(trace) };
    const whole = await recordRun(await openTrace(file), join(dir, `${name}.payload.pcap`), payload);
    assertSameConnLog(await reread(whole.path, payload), whole.conn, `${trace}: recorded with its payload, the same conn.log`);
    assert.ok(whole.recorder.whole >= recorded.recorder.whole, `${trace}: delivering payload records more packets whole`);
    tcpdumpReads(whole.path, whole.records.length);

    const r = recorded.recorder;
    headerOnly += r.headersOnly;
    wholeInPayloadRuns += whole.recorder.whole;
    t.diagnostic(
      `${trace}: plain run ${r.whole} whole + ${r.headersOnly} header-only + ${r.skipped} not recorded, ` +
        `${statSync(file).size} -> ${statSync(recorded.path).size} bytes; payload run ${whole.recorder.whole} whole + ${whole.recorder.headersOnly} header-only`,
    );
  }
  assert.ok(headerOnly > 0 && wholeInPayloadRuns > 0);
});
