/**
 * The SSH analyzer's confirmation: on crafted streams, and the service
 * column of every port-22 TCP connection of the corpus (zeek-all conn.logs,
 * Zeek 9.1 with default scripts) — bronze must put "ssh" into c.service
 * exactly where Zeek does. (The rules one by one: ssh-events.test.ts,
 * ssh-log.test.ts.)
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { Engine, loadBuiltinScripts, openTrace, SSH_ANALYZER, sshAnalyzer } from "../../../src/index.js";
import { corpusSeed, loadSuites, parseLog } from "../../conformance/conn-harness.js";
import { corpusRoot, requireOracle, skipUnlessOracle } from "../../helpers/corpus.js";
import { bytes, concat, memorySource } from "../../helpers/packets.js";
import { handshake, type Seg, tcpTrace } from "../../session/harness.js";
import { ecdhInit, ecdhReply, kexinit, NEWKEYS, runSsh, type Turn } from "./ssh-wire.js";

const KEXINIT = kexinit();
const cat = (...parts: Array<Uint8Array | string>): Uint8Array => concat(...parts.map((p) => bytes(p)));

/** A client/server exchange on port 22, the server's bytes cut into `chunk`-sized segments. */
function sshSegs(client: Uint8Array, server: Uint8Array, chunk = 1e9): Seg[] {
  const segs: Seg[] = [...handshake(0)];
  segs.push({ t: 1, from: "c", flags: "PA", seq: 1001, ack: 5001, payload: client });
  let t = 2;
  for (let at = 0; at < server.length; at += chunk, t++) {
    segs.push({ t, from: "s", flags: "PA", seq: 5001 + at, ack: 1001 + client.length, payload: server.subarray(at, at + chunk) });
  }
  return segs;
}

async function serviceOf(segs: Seg[], onVersion?: (isOrig: boolean, v: string) => void): Promise<string[]> {
  const engine = new Engine({ analyzers: [] }).registerAnalyzer(onVersion ? sshAnalyzer(onVersion) : SSH_ANALYZER);
  loadBuiltinScripts(engine, { memory: true }); // the dpd script keeps c.service
  const out: string[] = [];
  engine.on("connection_state_remove", (c) => out.push([...c.service].join(",")));
  await engine.run(memorySource(tcpTrace(segs, { sport: 22 })));
  return out;
}

test("SSH: confirmed at NEWKEYS after the version lines and key exchange, even split byte by byte; pre-banner lines skipped", async () => {
  // Zeek reads the client's KEXINIT once both versions are known, and the key exchange once both KEXINITs were seen.
  const bytewise = (from: "c" | "s", data: Uint8Array): Turn[] => [...data].map((b) => ({ from, data: new Uint8Array([b]) }));
  const r = await runSsh(
    [
      { from: "c", data: "SSH-2.0-TestClient\r\n" },
      ...bytewise("s", cat("Please wait\r\nSSH-2.0-TestServer_1.0\r\n", KEXINIT)),
      { from: "c", data: cat(KEXINIT, ecdhInit()) },
      ...bytewise("s", cat(ecdhReply(), NEWKEYS, new Uint8Array(64).fill(0xee))),
      { from: "c", data: NEWKEYS },
    ],
    ["ssh_client_version", "ssh_server_version", "ssh_server_pre_banner_data", "analyzer_confirmation_info", "analyzer_violation_info"],
  );
  assert.deepEqual(r.events, [
    'ssh_client_version c "SSH-2.0-TestClient"',
    'ssh_server_pre_banner_data c "Please wait"',
    'ssh_server_version c "SSH-2.0-TestServer_1.0"',
    'analyzer_confirmation_info "SSH" {"c":c,"aid":3}',
  ]);
  assert.equal(r.conn[0]!.split("\t")[7], "ssh");
});

test("SSH: version lines and KEXINIT without NEWKEYS do not confirm (Zeek confirms at NEWKEYS)", async () => {
  const versions: string[] = [];
  const client = cat("SSH-2.0-TestClient\r\n");
  const server = cat("SSH-2.0-TestServer\r\n", KEXINIT);
  assert.deepEqual(await serviceOf(sshSegs(client, server), (o, v) => versions.push(`${o ? "c" : "s"} ${v}`)), [""]);
  // The component's version listener hears both lines.
  assert.deepEqual(versions, ["c SSH-2.0-TestClient", "s SSH-2.0-TestServer"]);
});

test("SSH: something else on port 22 is a violation (no service), including a message 21 byte outside packet framing", async () => {
  const http = cat("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  assert.deepEqual(await serviceOf(sshSegs(http, cat("HTTP/1.1 200 OK\r\n\r\n", new Uint8Array(5000).fill(21)))), [""]);
  // A version line followed by a packet length past SSH::max_packet_length: capped (a weird), never complete.
  const bogus = cat("SSH-2.0-x\r\n", new Uint8Array([0x7f, 0xff, 0xff, 0xff, 4, 21]));
  assert.deepEqual(await serviceOf(sshSegs(bogus, bogus)), [""]);
});

// ---------------------------------------------------------------- corpus

const root = corpusRoot();
const suite = loadSuites(root).find((s) => s.id === "zeek-all");

test("SSH: conn.log's service column matches Zeek's on every port-22 TCP connection of the corpus", {
  skip: skipUnlessOracle(suite === undefined && `corpus not found at ${root}`),
}, async () => {
  requireOracle(suite === undefined && `corpus not found at ${root}`);
  const seed = corpusSeed(root);
  let compared = 0;
  const mismatches: string[] = [];
  for (const c of suite!.cases) {
    const text = readFileSync(join(suite!.dir, c.expected), "utf8");
    if (!/\t22\ttcp\t/.test(text)) continue;
    const log = parseLog(text);
    const col = (name: string): number => log.columns.indexOf(name);
    const expected = new Map<string, boolean>();
    for (const row of log.rows) {
      if (row[col("id.resp_p")] !== "22" || row[col("proto")] !== "tcp") continue;
      expected.set(row[col("uid")]!, row[col("service")]!.split(",").includes("ssh"));
    }
    if (expected.size === 0) continue;
    const engine = new Engine({ ignoreChecksums: c.ignoreChecksums, bare: c.bare, loads: c.loads, seed }).registerAnalyzer(SSH_ANALYZER);
    // Read bronze's own conn.log: the service column is what must match.
    const scripts = loadBuiltinScripts(engine, { memory: true, bare: c.bare, loads: c.loads });
    await engine.run(await openTrace(join(suite!.dir, c.trace)));
    scripts.close();
    const ours = parseLog(scripts.logs.text("conn"));
    const at = (name: string): number => ours.columns.indexOf(name);
    const actual = new Map<string, boolean>(ours.rows.map((row) => [row[at("uid")]!, row[at("service")]!.split(",").includes("ssh")]));
    for (const [uid, want] of expected) {
      compared++;
      const got = actual.get(uid);
      if (got !== want) mismatches.push(`${c.name} ${uid}: zeek ${want ? "ssh" : "-"}, bronze ${got === undefined ? "no such uid" : got ? "ssh" : "-"}`);
    }
  }
  console.log(`SSH service on port 22: ${compared - mismatches.length}/${compared} connections agree with Zeek`);
  assert.ok(compared >= 40, `only ${compared} port-22 connections found`);
  assert.deepEqual(mismatches, []);
});
