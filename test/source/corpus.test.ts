/**
 * Every trace of the Zeek corpus through openTrace: no exception, no
 * truncation, and the packet count tcpdump (libpcap, what Zeek reads with)
 * reports. Timestamps of the nanosecond and multi-interface traces are
 * compared with tcpdump's microsecond output packet by packet.
 *
 * tcpdump's counts are cached under os.tmpdir(), keyed by tcpdump's version
 * and each trace's path, size and mtime (876 tcpdump processes were ~20 CPU
 * seconds of every suite run); bronze reads every trace each time.
 */

import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { test } from "node:test";
import { gunzipSync } from "node:zlib";
import { openTrace } from "../../src/source/open.js";
import { corpusRoot, oracleMissing } from "../helpers/corpus.js";
import { oracleCache } from "../helpers/oracle-cache.js";

const corpus = corpusRoot();
const traceDir = join(corpus, "zeek", "traces");
const tcpdumpVersion = spawnSync("tcpdump", ["--version"], { encoding: "utf8" });
const hasTcpdump = tcpdumpVersion.status === 0;

function traceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...traceFiles(path));
    else if (/\.(pcap|pcapng|cap|gz)$/.test(name)) out.push(path);
  }
  return out;
}

/** Runs a command with `input` on stdin; resolves with its exit status and outputs. */
function run(cmd: string, args: string[], input?: Uint8Array): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(cmd, args, { stdio: [input ? "pipe" : "ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("close", (status) => done({ status, stdout, stderr }));
    child.stdin?.on("error", () => {}); // tcpdump may exit before reading everything
    child.stdin?.end(input);
  });
}

/** tcpdump's packet count (null when libpcap cannot read the file), and its complaint. */
async function tcpdumpCount(path: string): Promise<{ count: number | null; complaint: string }> {
  const gz = path.endsWith(".gz");
  const r = await run("tcpdump", ["--count", "-r", gz ? "-" : path], gz ? gunzipSync(readFileSync(path)) : undefined);
  const m = /^(\d+) packets?$/m.exec(r.stdout);
  const complaint = r.stderr
    .split("\n")
    .filter((l) => l.startsWith("tcpdump:"))
    .join(" ");
  return { count: m && complaint === "" ? Number(m[1]) : null, complaint };
}

type Count = Awaited<ReturnType<typeof tcpdumpCount>>;

/** A trace's identity for the cache: path, size and mtime. */
function traceKey(path: string): string {
  const st = statSync(path);
  return `${path}\0${st.size}\0${st.mtimeMs}`;
}

/** capinfos (Wireshark's reader) for the few files libpcap refuses. */
function capinfosCount(path: string): number | null {
  const r = spawnSync("capinfos", ["-c", "-M", "-T", "-r", path], { encoding: "utf8" });
  const m = /\t(\d+)\s*$/.exec(r.stdout ?? "");
  return r.status === 0 && m ? Number(m[1]) : null;
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return out;
}

async function readSummary(path: string): Promise<{ packets: number; truncated: string | null; ts: number[] }> {
  const source = await openTrace(path);
  const ts: number[] = [];
  const summary = await source.run((p) => void ts.push(p.ts));
  return { ...summary, ts };
}

test("every corpus trace reads completely, with tcpdump's packet count", { timeout: 120_000 }, async (t) => {
  if (!existsSync(traceDir)) return oracleMissing(t, `corpus not found at ${traceDir}`);
  if (!hasTcpdump) return oracleMissing(t, "tcpdump not installed");
  const files = traceFiles(traceDir);
  const version = createHash("sha1").update(`${tcpdumpVersion.stdout}${tcpdumpVersion.stderr}`).digest("hex").slice(0, 12);
  const cache = oracleCache<Count>("bronze-tcpdump-count", version);
  const oracle = await mapLimit(files, 4, (f) => cache.getAsync(traceKey(f), () => tcpdumpCount(f)));
  cache.save();
  const fallback: string[] = [];
  const failures: string[] = [];
  for (let i = 0; i < files.length; i++) {
    const name = relative(traceDir, files[i]!);
    let want = oracle[i]!.count;
    if (want === null) {
      want = files[i]!.endsWith(".gz") ? null : capinfosCount(files[i]!);
      fallback.push(`${name} (${oracle[i]!.complaint})`);
      if (want === null) continue;
    }
    try {
      const got = await readSummary(files[i]!);
      if (got.packets !== want || got.truncated !== null)
        failures.push(`${name}: ${got.packets} packets, want ${want}${got.truncated ? `; ${got.truncated}` : ""}`);
    } catch (err) {
      failures.push(`${name}: ${String(err)}`);
    }
  }
  if (fallback.length > 0) t.diagnostic(`tcpdump cannot read ${fallback.length}, counted with capinfos instead: ${fallback.join("; ")}`);
  assert.ok(files.length > 100, `only ${files.length} traces found`);
  assert.deepEqual(failures, []);
});

test("nanosecond and multi-interface traces: every timestamp equals tcpdump's microseconds", { timeout: 60_000 }, async (t) => {
  if (!existsSync(traceDir)) return oracleMissing(t, `corpus not found at ${traceDir}`);
  if (!hasTcpdump) return oracleMissing(t, "tcpdump not installed");
  const names = [
    "pcapng-multi-interface.pcapng",
    "ldap/ldap_escaping_test.pcapng",
    "ldap/issue-32.pcapng",
    "mysql/caching_sha2_password-after-auth-switch.pcapng",
    "http/cooper-grill-dvwa.pcapng",
    "http/get-to-ssh-server.pcap",
    "vntag.pcap",
    "contentline/telnet-long-line-no-eol.pcapng.gz",
  ];
  for (const name of names) {
    const path = join(traceDir, name);
    if (!existsSync(path)) {
      t.diagnostic(`missing ${name}`);
      continue;
    }
    const gz = path.endsWith(".gz");
    const r = await run("tcpdump", ["-tt", "-n", "-q", "-r", gz ? "-" : path], gz ? gunzipSync(readFileSync(path)) : undefined);
    const want = r.stdout
      .split("\n")
      .map((l) => /^(\d+\.\d{6}) /.exec(l)?.[1])
      .filter((x): x is string => x !== undefined);
    const got = (await readSummary(path)).ts.map((ts) => ts.toFixed(6));
    assert.ok(want.length > 0, `${name}: tcpdump printed no timestamps`);
    assert.deepEqual(got, want, name);
  }
});
