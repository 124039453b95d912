/**
 * The example policy scripts in examples/, run the way a user runs them: the
 * built `bronze` command on a trace (written here with writePcap) plus the
 * script path, asserting what the script prints.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type TestContext, test } from "node:test";
import { FILTERED_TRACE_WARNING } from "../../src/scripts/filtered-trace.js";
import { oracleMissing, repoRoot } from "../helpers/corpus.js";
import { type TestPacket, writePcap } from "../helpers/packets.js";
import { handshake, type Seg, tcpTrace, udpPacket } from "../session/harness.js";

const root = repoRoot();
/** What Zeek's base/misc/find-filtered-trace says at the end of a trace whose TCP connections carried no data (scans). */
const CONTROL_ONLY_WARNING = `bronze: warning: ${FILTERED_TRACE_WARNING}\n`;
const cli = join(root, "dist", "src", "cli", "main.js");

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Writes `packets` to a pcap file and runs `bronze -r FILE --logdir DIR examples/<script>`. */
function runExample(t: TestContext, script: string, packets: TestPacket[]): Run | null {
  if (!existsSync(cli)) {
    oracleMissing(t, `bronze is not built (${cli} missing): run npm run build`);
    return null;
  }
  const dir = mkdtempSync(join(tmpdir(), "bronze-example-"));
  try {
    const trace = join(dir, "trace.pcap");
    writeFileSync(trace, writePcap(packets));
    const r = spawnSync(process.execPath, [cli, "-r", trace, "--logdir", dir, join(root, "examples", script)], { encoding: "utf8", timeout: 60_000 });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const byTime = (packets: TestPacket[]): TestPacket[] => [...packets].sort((a, b) => a.ts - b.ts);

test("examples/syn-scan.ts reports the host with many unanswered or rejected attempts, not the others", (t) => {
  const scanner = "10.66.0.1";
  const packets: TestPacket[] = [];
  // 12 targets on two hosts: 8 SYNs nobody answers, 4 answered with RST-ACK.
  for (let i = 0; i < 12; i++) {
    const server = i < 6 ? "192.0.2.20" : "192.0.2.21";
    const sport = 1000 + i;
    const segs: Seg[] = [{ t: i * 0.01, from: "c", flags: "S", seq: 100 }];
    if (i % 3 === 0) segs.push({ t: i * 0.01 + 0.001, from: "s", flags: "RA", seq: 0, ack: 101 });
    packets.push(...tcpTrace(segs, { client: scanner, server, cport: 50000, sport }));
  }
  // A host with 3 rejections (below the threshold) and a normal client.
  for (let i = 0; i < 3; i++) {
    packets.push(
      ...tcpTrace(
        [
          { t: 0.5 + i * 0.01, from: "c", flags: "S", seq: 100 },
          { t: 0.5 + i * 0.01 + 0.001, from: "s", flags: "RA", seq: 0, ack: 101 },
        ],
        { client: "10.66.0.2", server: "192.0.2.30", cport: 40000 + i, sport: 23 },
      ),
    );
  }
  packets.push(...tcpTrace(handshake(0.7), { client: "10.66.0.3" }));
  const r = runExample(t, "syn-scan.ts", byTime(packets));
  if (r === null) return;
  assert.equal(r.stderr, CONTROL_ONLY_WARNING);
  assert.equal(r.status, 0);
  assert.equal(r.stdout, "10.66.0.1 scanned 12 ports on 2 hosts (8 unanswered, 4 rejected)\n");
});

test("examples/long-connections.ts reports connections lasting 10 minutes or more when they end", (t) => {
  const long: Seg[] = [
    ...handshake(0),
    { t: 1, from: "c", flags: "PA", seq: 1001, ack: 5001, payload: "hello" },
    // Keep-alive traffic below the 5-minute inactivity timeout.
    { t: 250, from: "s", flags: "PA", seq: 5001, ack: 1006, payload: "ok" },
    { t: 500, from: "c", flags: "A", seq: 1006, ack: 5003 },
    { t: 700, from: "c", flags: "FA", seq: 1006, ack: 5003 },
    { t: 700.1, from: "s", flags: "FA", seq: 5003, ack: 1007 },
  ];
  const short: Seg[] = [...handshake(10), { t: 20, from: "c", flags: "FA", seq: 1001, ack: 5001 }, { t: 20.1, from: "s", flags: "FA", seq: 5001, ack: 1002 }];
  const packets = byTime([
    ...tcpTrace(long, { client: "10.1.1.1", server: "192.0.2.5", cport: 41000, sport: 22 }),
    ...tcpTrace(short, { client: "10.1.1.2", server: "192.0.2.5", cport: 41001, sport: 80 }),
    udpPacket(30, "10.1.1.3", 5000, "192.0.2.6", 6000, "a"),
    udpPacket(90, "10.1.1.3", 5000, "192.0.2.6", 6000, "b"),
  ]);
  const r = runExample(t, "long-connections.ts", packets);
  if (r === null) return;
  assert.equal(r.stderr, "");
  assert.equal(r.status, 0);
  const lines = r.stdout.trimEnd().split("\n");
  assert.equal(lines.length, 1, r.stdout);
  assert.match(lines[0]!, /^C[0-9A-Za-z]+ 10\.1\.1\.1:41000 -> 192\.0\.2\.5:22\/tcp lasted 700\.1 s, 5\+2 bytes$/);
});

test("examples/many-rejections.ts reports hosts with 3 or more rejected connections", (t) => {
  const packets: TestPacket[] = [];
  const reject = (client: string, n: number, t0: number): void => {
    for (let i = 0; i < n; i++) {
      packets.push(
        ...tcpTrace(
          [
            { t: t0 + i * 0.01, from: "c", flags: "S", seq: 100 },
            { t: t0 + i * 0.01 + 0.001, from: "s", flags: "RA", seq: 0, ack: 101 },
          ],
          { client, server: "192.0.2.40", cport: 30000 + i, sport: 25 },
        ),
      );
    }
  };
  reject("10.7.0.1", 4, 0);
  reject("10.7.0.2", 2, 0.5);
  reject("10.7.0.3", 3, 0.8);
  const r = runExample(t, "many-rejections.ts", byTime(packets));
  if (r === null) return;
  assert.equal(r.stderr, CONTROL_ONLY_WARNING);
  assert.equal(r.status, 0);
  assert.equal(r.stdout, "10.7.0.1 had 4 rejected connections\n10.7.0.3 had 3 rejected connections\n");
});
