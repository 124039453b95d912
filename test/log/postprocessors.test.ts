/**
 * The scp and sftp rotation postprocessors (src/log/postprocessors.ts): the
 * commands Zeek's scp_postprocessor and sftp_postprocessor build, nothing
 * while reading a trace or for a path without destinations, and a real run
 * through /bin/sh with stand-in `scp` and `sftp` programs on PATH that record
 * what they were asked, then the rotated file removed.
 */
import assert from "node:assert/strict";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { scpCommand, scpPostprocessor, sftpCommand, sftpPostprocessor } from "../../src/log/postprocessors.js";
import type { RotationInfo } from "../../src/log/rotation.js";

/** 2011-03-18 13:00:00 UTC. */
const OPEN = 1300453200;
const info = (fname: string, dir?: string): RotationInfo => ({ fname, path: "conn", open: OPEN, close: OPEN + 3600, terminating: false, dir });

test("scp_postprocessor's command: a copy to each destination as <dir>/<path>.<open time>.log, then /bin/rm of the file", () => {
  const before = process.env.TZ;
  process.env.TZ = "UTC";
  try {
    assert.equal(
      scpCommand(info("conn.2011-03-18-13-00-00.log", "logs"), [
        { user: "zeek", host: "a.example", path: "/srv/logs" },
        { user: "z", host: "b.example", path: "/in" },
      ]),
      "scp logs/conn.2011-03-18-13-00-00.log zeek@a.example:/srv/logs/conn.2011-03-18-13-00-00.log;" +
        "scp logs/conn.2011-03-18-13-00-00.log z@b.example:/in/conn.2011-03-18-13-00-00.log;" +
        '/bin/rm "logs/conn.2011-03-18-13-00-00.log"',
    );
    assert.equal(
      sftpCommand(
        info("conn.x.log"),
        [
          { user: "zeek", host: "a.example", hostPort: 2222, path: "/srv" },
          { user: "z", host: "b", path: "/in" },
        ],
        "%Y%m%d",
      ),
      'echo put conn.x.log /srv/conn.20110318.log | sftp -P 2222 -b - zeek@a.example;echo put conn.x.log /in/conn.20110318.log | sftp -P 22 -b - z@b;/bin/rm "conn.x.log"',
    );
  } finally {
    if (before === undefined) delete process.env.TZ;
    else process.env.TZ = before;
  }
});

test("nothing is run while reading a trace, nor for a path without destinations", () => {
  const ran: string[] = [];
  const destinations = new Map([["dns", [{ user: "u", host: "h", path: "/p" }]]]);
  scpPostprocessor({ destinations, readingTraces: true, run: (c) => void ran.push(c) })(info("dns.log"));
  scpPostprocessor({ destinations, readingTraces: false, run: (c) => void ran.push(c) })(info("conn.log"));
  sftpPostprocessor({ destinations, readingTraces: false, run: (c) => void ran.push(c) })(info("conn.log"));
  assert.equal(ran.length, 0);
  scpPostprocessor({ destinations, readingTraces: false, run: (c) => void ran.push(c) })({ ...info("dns.1.log"), path: "dns" });
  assert.equal(ran.length, 1);
});

async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !done(); i++) await new Promise((r) => setTimeout(r, 25));
  assert.ok(done(), "the command finished");
}

test("the commands run through /bin/sh: stand-in scp and sftp get Zeek's arguments, the rotated file is removed", async () => {
  const dir = mkdtempSync(join(tmpdir(), "bronze-pp-"));
  const path = process.env.PATH;
  try {
    // Each stand-in appends its arguments (and sftp its batch from standard input) to calls.txt.
    writeFileSync(join(dir, "scp"), `#!/bin/sh\necho "scp $*" >> ${dir}/calls.txt\n`);
    writeFileSync(join(dir, "sftp"), `#!/bin/sh\necho "sftp $* < $(cat)" >> ${dir}/calls.txt\n`);
    chmodSync(join(dir, "scp"), 0o755);
    chmodSync(join(dir, "sftp"), 0o755);
    process.env.PATH = `${dir}:${path}`;
    const rotated = join(dir, "conn.rotated.log");
    writeFileSync(rotated, "rows\n");
    const d = new Map([["conn", [{ user: "zeek", host: "collector", path: "/in", hostPort: 2022 }]]]);
    scpPostprocessor({ destinations: d, readingTraces: false, dateFormat: "X" })(info("conn.rotated.log", dir));
    await until(() => !existsSync(rotated));
    writeFileSync(rotated, "rows\n");
    sftpPostprocessor({ destinations: d, readingTraces: false, dateFormat: "X" })(info("conn.rotated.log", dir));
    await until(() => !existsSync(rotated));
    assert.deepEqual(readFileSync(join(dir, "calls.txt"), "utf8").trim().split("\n"), [
      `scp ${rotated} zeek@collector:/in/conn.X.log`,
      `sftp -P 2022 -b - zeek@collector < put ${rotated} /in/conn.X.log`,
    ]);
  } finally {
    process.env.PATH = path;
    rmSync(dir, { recursive: true, force: true });
  }
});
