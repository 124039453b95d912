/**
 * What a Zeek user trips over at the command line (issue 18): each test runs
 * the command as a user would — in-process through main(), or the built
 * program where signals, pipes and exit statuses matter.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { frame, udp4, writePcap, type TestPacket } from "../helpers/packets.js";
import { oracleMissing, repoRoot } from "../helpers/corpus.js";
import { bronze, oneErrorLine, withDir } from "./run-cli.js";
import { sampleTrace } from "./traces.js";

const cli = join(repoRoot(), "dist", "bronze.js");

/** A trace of `n` UDP packets with 1,400-byte payloads (megabytes: more than a pipe holds). */
function bigTrace(n: number): Uint8Array {
  const packets: TestPacket[] = [];
  const payload = "x".repeat(1400);
  for (let i = 0; i < n; i++) packets.push({ ts: 1700000000 + i / 1000, bytes: frame(udp4({ src: "10.0.0.1", dst: "10.0.0.2" }, { sport: 1000 + (i % 50), dport: 53, payload })) });
  return writePcap(packets);
}

interface Spawned {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Runs the built command; `onStdout` sees each chunk of its standard output with the child. */
function spawnBronze(args: string[], cwd: string, onStdout?: (chunk: Buffer, child: ReturnType<typeof spawn>) => void): Promise<Spawned> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    child.stdout!.on("data", (d: Buffer) => onStdout?.(d, child));
    child.on("error", fail);
    child.on("close", (code, signal) => done({ code, signal, stderr }));
  });
}

// ---------------------------------------------------------------- item 6: -w

test("-w to a path that cannot be written: one line before reading, no logs", withDir(async (dir) => {
  const trace = join(dir, "t.pcap");
  writeFileSync(trace, sampleTrace());
  oneErrorLine(await bronze(["-r", trace, "--logdir", dir, "-w", join(dir, "no", "such", "out.pcap")]), /^bronze: cannot write .*out\.pcap: no such directory$/);
  oneErrorLine(await bronze(["-r", trace, "--logdir", dir, "-w", dir]), /^bronze: cannot write .*: is a directory$/);
  assert.equal(existsSync(join(dir, "conn.log")), false, "no conn.log that looks complete");
}));

test("bronze -w - | head: the reader going away ends the run quietly", withDir(async (dir, t) => {
  if (!existsSync(cli)) return oracleMissing(t, `bronze is not built (${cli} missing): run npm run build`);
  const trace = join(dir, "big.pcap");
  writeFileSync(trace, bigTrace(4000));
  let seen = 0;
  const r = await spawnBronze(["-r", trace, "--logdir", dir, "-w", "-"], dir, (chunk, child) => {
    seen += chunk.length;
    child.stdout!.destroy(); // as head does after its first lines
  });
  assert.ok(seen > 0);
  assert.equal(r.stderr, "", "no stack, no message");
  assert.equal(r.code, 141, "a shell's status for a command ended by a broken pipe");
}));
