/**
 * LogAscii::output_to_stdout=T through the built command (a child process:
 * the logs go to its descriptor 1), and what happens when the reader of its
 * output goes away early, as `bronze … | head` does.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { frame, type TestPacket, udp4, writePcap } from "../helpers/packets.js";
import { sampleTrace } from "./traces.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = [resolve(here, "../.."), resolve(here, "../../..")].find((d) => existsSync(join(d, "dist", "bronze.js")));
const cli = root === undefined ? undefined : join(root, "dist", "bronze.js");

/** Many short UDP flows: logs far larger than a pipe holds. */
function manyFlows(n: number): Uint8Array {
  const packets: TestPacket[] = [];
  for (let i = 0; i < n; i++) {
    packets.push({
      ts: 1_700_000_000 + i / 1000,
      bytes: frame(udp4({ src: "10.3.0.1", dst: "10.3.0.2" }, { sport: 1024 + (i % 60000), dport: 7000 + (i >> 16), payload: "x" })),
    });
  }
  return writePcap(packets);
}

test("LogAscii::output_to_stdout=T: every log on standard output, no log file", () => {
  // npm test builds the command first.
  assert.ok(cli, "dist/bronze.js exists (npm run build)");
  const dir = mkdtempSync(join(tmpdir(), "bronze-stdout-"));
  try {
    const trace = join(dir, "t.pcap");
    writeFileSync(trace, sampleTrace());
    const r = spawnSync(process.execPath, [cli, "-r", trace, "--logdir", dir, "LogAscii::output_to_stdout=T"], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, "");
    assert.match(r.stdout, /^#path\tconn$/m);
    assert.equal(r.stdout.split("\n").filter((l) => l !== "" && !l.startsWith("#")).length >= 7, true);
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.endsWith(".log")),
      [],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("logs on standard output whose reader goes away: reading stops, no error, exit 0", async () => {
  assert.ok(cli, "dist/bronze.js exists (npm run build)");
  const dir = mkdtempSync(join(tmpdir(), "bronze-stdout-"));
  try {
    const trace = join(dir, "t.pcap");
    writeFileSync(trace, manyFlows(200_000));
    const child = spawn(process.execPath, [cli, "-r", trace, "--logdir", dir, "LogAscii::output_to_stdout=T", "udp_inactivity_timeout=1sec"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let err = "";
    child.stderr!.setEncoding("utf8");
    child.stderr!.on("data", (chunk: string) => (err += chunk));
    const exited = once(child, "exit");
    // Read a little, then go away as `head` does.
    await once(child.stdout!, "data");
    child.stdout!.destroy();
    const [code] = (await exited) as [number | null];
    assert.equal(code, 0, err);
    assert.equal(err, "");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
