/**
 * policy/protocols/ssh/geo-data (Zeek's script): ssh.log's remote_location
 * columns, from a database of our own (test/helpers/mmdb-writer.ts) holding
 * what Zeek's test City database holds for 128.3.0.0/16 (its main.go: US,
 * Berkeley, 37.751, -97.822), and the SSH::Watched_Country_Login notice.
 * Without the script, ssh.log and the notices are as before.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { Engine, loadBuiltinScripts, SSH } from "../../../src/index.js";
import { type MmdbIn, writeMmdb } from "../../helpers/mmdb-writer.js";
import { memorySource } from "../../helpers/packets.js";
import { logRecords } from "../../helpers/tsv.js";
import type { Endpoints } from "../../session/harness.js";
import { conversation, SUCCESSFUL_LOGIN } from "./ssh-wire.js";

const LBL = new Map<string, MmdbIn>([
  [
    "country",
    new Map<string, MmdbIn>([
      ["iso_code", "US"],
      ["names", new Map([["en", "United States"]])],
    ]),
  ],
  [
    "location",
    new Map<string, MmdbIn>([
      ["latitude", { double: 37.751 }],
      ["longitude", { double: -97.822 }],
    ]),
  ],
  ["city", new Map([["names", new Map([["en", "Berkeley"]])]])],
]);

const GEO_COLUMNS = ["remote_location.country_code", "remote_location.region", "remote_location.city", "remote_location.latitude", "remote_location.longitude"];

interface Run {
  ssh: Record<string, string>[];
  sshFields: string[];
  notices: Record<string, string>[];
}

async function run(ends: Endpoints, loads: string[], settings: string[] = []): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), "bronze-ssh-geo-"));
  try {
    writeFileSync(join(dir, "GeoLite2-City.mmdb"), writeMmdb([["128.3.0.0/16", LBL]]));
    const engine = new Engine({ settings: [`mmdb_dir=${dir}`, "mmdb_dir_fallbacks=vector()", ...settings], analyzers: [SSH], loads });
    const scripts = loadBuiltinScripts(engine, { memory: true, loads, stderr: null });
    await engine.run(memorySource(conversation(SUCCESSFUL_LOGIN, ends)));
    scripts.close();
    const header = scripts.logs
      .text("ssh")
      .split("\n")
      .find((l) => l.startsWith("#fields"));
    return { ssh: logRecords(scripts.logs.text("ssh")), sshFields: header?.split("\t").slice(1) ?? [], notices: logRecords(scripts.logs.text("notice")) };
  } finally {
    rmSync(dir, { recursive: true });
  }
}

const GEO = ["policy/protocols/ssh/geo-data"];

test("ssh geo-data: an OUTBOUND login to 128.3.0.0/16 has the server's location in ssh.log", async () => {
  const r = await run({ client: "10.0.0.1", server: "128.3.0.5" }, GEO);
  assert.deepEqual(r.sshFields.slice(-5), GEO_COLUMNS);
  const row = r.ssh[0]!;
  assert.equal(row.direction, "OUTBOUND");
  assert.deepEqual(
    GEO_COLUMNS.map((c) => row[c]),
    ["US", "-", "Berkeley", "37.751", "-97.822"],
  );
});

test("ssh geo-data: an INBOUND login from 128.3.0.0/16 has the client's location", async () => {
  const r = await run({ client: "128.3.0.9", server: "192.168.1.1" }, GEO);
  assert.equal(r.ssh[0]!.direction, "INBOUND");
  assert.equal(r.ssh[0]!["remote_location.city"], "Berkeley");
});

test("ssh geo-data: no direction (both hosts local), no location; a remote host outside the database, an empty one", async () => {
  const both = await run({ client: "10.0.0.1", server: "192.168.1.1" }, GEO);
  assert.deepEqual(
    GEO_COLUMNS.map((c) => both.ssh[0]![c]),
    ["-", "-", "-", "-", "-"],
  );
  const elsewhere = await run({ client: "10.0.0.1", server: "8.8.8.8" }, GEO);
  assert.equal(elsewhere.ssh[0]!.direction, "OUTBOUND");
  assert.equal(elsewhere.ssh[0]!["remote_location.country_code"], "-");
});

test("ssh geo-data: a login to a watched country is SSH::Watched_Country_Login (default watched: RO, so none here)", async () => {
  const quiet = await run({ client: "10.0.0.1", server: "128.3.0.5" }, GEO);
  assert.deepEqual(quiet.notices, []);
  const watched = await run({ client: "10.0.0.1", server: "128.3.0.5" }, GEO, ['SSH::watched_countries+={"US"}']);
  assert.equal(watched.notices.length, 1);
  const n = watched.notices[0]!;
  assert.equal(n.note, "SSH::Watched_Country_Login");
  assert.equal(n.msg, "SSH login to watched country: US");
  assert.equal(n.uid, watched.ssh[0]!.uid);
  const inbound = await run({ client: "128.3.0.9", server: "192.168.1.1" }, GEO, ['SSH::watched_countries={"US"}']);
  assert.equal(inbound.notices[0]!.msg, "SSH login from watched country: US");
});

test("ssh geo-data: without the script ssh.log has no remote_location and no notice comes, whatever the settings", async () => {
  const r = await run({ client: "10.0.0.1", server: "128.3.0.5" }, [], ['SSH::watched_countries={"US"}']);
  assert.ok(!r.sshFields.some((f) => f.startsWith("remote_location")));
  assert.equal(r.sshFields.at(-1), "host_key_fingerprint");
  assert.deepEqual(r.notices, []);
});

test("ssh geo-data: with md5-host-key-logging, the columns come in the order the scripts were named", async () => {
  const md5 = "policy/protocols/ssh/md5-host-key-logging";
  const first = await run({ client: "10.0.0.1", server: "128.3.0.5" }, [md5, ...GEO]);
  assert.deepEqual(first.sshFields.slice(-6), ["host_key", ...GEO_COLUMNS]);
  const second = await run({ client: "10.0.0.1", server: "128.3.0.5" }, [...GEO, md5]);
  assert.deepEqual(second.sshFields.slice(-6), [...GEO_COLUMNS, "host_key"]);
  assert.equal(second.ssh[0]!["remote_location.city"], "Berkeley");
});
