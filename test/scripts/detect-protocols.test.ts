/**
 * policy/frameworks/analyzer/detect-protocols on HTTP conversations made
 * here: which ports are reported, when (the checks every check_interval up
 * to minimum_duration, minimum_volume, the connection's end), what a
 * failure before and after the thresholds does, valids, suppress_servers,
 * Server_Found once per server (again with a new sub-protocol), and the
 * sub-protocols of found_protocol.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Engine } from "../../src/engine.js";
import { loadBuiltinScripts } from "../../src/index.js";
import { foundProtocol } from "../../src/scripts/detect-protocols.js";
import { memorySource, type TestPacket } from "../helpers/packets.js";
import { logRecords } from "../helpers/tsv.js";
import { handshake, type Seg, tcpTrace } from "../session/harness.js";

const SCRIPT = "policy/frameworks/analyzer/detect-protocols";
/** In Site::local_nets' default (the private address space), and not in it. */
const LOCAL_SERVER = "10.0.0.2";
const REMOTE_SERVER = "93.184.216.34";
const CLIENT = "10.0.0.1";
const REQUEST = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";

interface Conversation {
  server?: string;
  port?: number;
  cport?: number;
  start?: number;
  /** Bytes of the reply's body. */
  body?: number;
  /** Bytes the server sends after the reply (not HTTP: a violation). */
  after?: string;
  /** Pure ACKs from the client, one a second, for this many seconds before the close. */
  idle?: number;
  /** The server only acknowledges the request. */
  silent?: boolean;
}

/** An HTTP request at t+1 (HTTP confirms there, as Zeek's HTTP_Request) and its reply, maybe something else after, maybe idle seconds, then FINs. */
function conversation(o: Conversation = {}): TestPacket[] {
  const t0 = o.start ?? 0;
  const body = "b".repeat(o.body ?? 0);
  const reply = o.silent === true ? "" : `HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}${o.after ?? ""}`;
  const cEnd = 1001 + REQUEST.length;
  const sEnd = 5001 + reply.length;
  const segs: Seg[] = [
    ...handshake(t0),
    { t: t0 + 1, from: "c", flags: "PA", seq: 1001, ack: 5001, payload: REQUEST },
    { t: t0 + 2, from: "s", flags: reply === "" ? "A" : "PA", seq: 5001, ack: cEnd, payload: reply },
  ];
  let t = t0 + 2;
  for (let i = 0; i < (o.idle ?? 0); i++) segs.push({ t: ++t, from: "c", flags: "A", seq: cEnd, ack: sEnd });
  segs.push({ t: t + 0.5, from: "c", flags: "FA", seq: cEnd, ack: sEnd }, { t: t + 0.6, from: "s", flags: "FA", seq: sEnd, ack: cEnd + 1 });
  return tcpTrace(segs, { client: CLIENT, server: o.server ?? LOCAL_SERVER, sport: o.port ?? 8088, cport: o.cport ?? 40000 });
}

type Notice = { ts: string; note: string; msg: string; sub: string; src: string; p: string };

/** The notices of a run of `packets` with the script loaded and `settings`. */
async function notices(packets: TestPacket[], settings: string[] = [], setup?: (engine: Engine) => void): Promise<Notice[]> {
  const engine = new Engine({ settings, loads: [SCRIPT] });
  const scripts = loadBuiltinScripts(engine, { memory: true, loads: [SCRIPT] });
  setup?.(engine);
  await engine.run(memorySource(packets.sort((a, b) => a.ts - b.ts)));
  scripts.close();
  return logRecords(scripts.logs.text("notice")).map((r) => ({
    ts: r.ts!,
    note: r.note!.replace("ProtocolDetector::", ""),
    msg: r.msg!,
    sub: r.sub!,
    src: r.src!,
    p: r.p!,
  }));
}

const notes = (list: Notice[]): string[] => list.map((n) => n.note);

test("detect-protocols: HTTP on a port not registered for it is Protocol_Found and Server_Found, as Zeek words them", async () => {
  const found = await notices(conversation());
  assert.deepEqual(
    found.map((n) => [n.note, n.msg, n.sub, n.src, n.p]),
    [
      ["Protocol_Found", `${CLIENT}:40000 > ${LOCAL_SERVER}:8088 HTTP on port 8088/tcp`, "HTTP", CLIENT, "8088"],
      ["Server_Found", `${LOCAL_SERVER}: HTTP server on port 8088/tcp`, "HTTP", LOCAL_SERVER, "8088"],
    ],
  );
});

test("detect-protocols: nothing for HTTP on a port it is registered for (80, 8080), nor without the script", async () => {
  assert.deepEqual(await notices(conversation({ port: 80 })), []);
  assert.deepEqual(await notices(conversation({ port: 8080 })), []);
  const engine = new Engine();
  const scripts = loadBuiltinScripts(engine, { memory: true });
  await engine.run(memorySource(conversation()));
  scripts.close();
  assert.deepEqual(logRecords(scripts.logs.text("notice")), []);
});

test("detect-protocols: a server is Server_Found once; each connection to it is Protocol_Found", async () => {
  const found = await notices([...conversation(), ...conversation({ start: 10, cport: 40001 })]);
  assert.deepEqual(notes(found), ["Protocol_Found", "Server_Found", "Protocol_Found"]);
});

test("detect-protocols: suppress_servers leaves Server_Found out, not Protocol_Found", async () => {
  const found = await notices(conversation(), ["ProtocolDetector::suppress_servers={Analyzer::ANALYZER_HTTP}"]);
  assert.deepEqual(notes(found), ["Protocol_Found"]);
  const other = await notices(conversation(), ["ProtocolDetector::suppress_servers={Analyzer::ANALYZER_FTP}"]);
  assert.deepEqual(notes(other), ["Protocol_Found", "Server_Found"]);
});

test("detect-protocols: valids by server or any (0.0.0.0): BOTH never, INCOMING not to local servers, OUTGOING not to remote ones", async () => {
  const valids = (server: string, dir: string) => [`ProtocolDetector::valids={[Analyzer::ANALYZER_HTTP, ${server}, 8088/tcp]=ProtocolDetector::${dir}}`];
  const local = conversation();
  const remote = conversation({ server: REMOTE_SERVER });
  assert.deepEqual(await notices(local, valids("0.0.0.0", "BOTH")), []);
  assert.deepEqual(await notices(local, valids(LOCAL_SERVER, "BOTH")), []);
  assert.deepEqual(notes(await notices(local, valids("10.9.9.9", "BOTH"))), ["Protocol_Found", "Server_Found"], "another server's entry");
  assert.deepEqual(await notices(local, valids("0.0.0.0", "INCOMING")), []);
  assert.deepEqual(notes(await notices(remote, valids("0.0.0.0", "INCOMING"))), ["Protocol_Found", "Server_Found"]);
  assert.deepEqual(await notices(remote, valids("0.0.0.0", "OUTGOING")), []);
  assert.deepEqual(notes(await notices(local, valids("0.0.0.0", "OUTGOING"))), ["Protocol_Found", "Server_Found"]);
  assert.deepEqual(notes(await notices(local, valids("0.0.0.0", "NONE"))), ["Protocol_Found", "Server_Found"]);
  // The server's own entry is looked up before the wildcard's.
  const both = [
    `ProtocolDetector::valids={[Analyzer::ANALYZER_HTTP, ${LOCAL_SERVER}, 8088/tcp]=ProtocolDetector::NONE, [Analyzer::ANALYZER_HTTP, 0.0.0.0, 8088/tcp]=ProtocolDetector::BOTH}`,
  ];
  assert.deepEqual(notes(await notices(local, both)), ["Protocol_Found", "Server_Found"]);
});

test("detect-protocols: reported at the first check (every 5 s from the confirmation) past minimum_duration, else at the end", async () => {
  // Confirmed at t=1: checks at 6, 11, …, 26, then 30 (what is left of 30 s), when the connection is 30 s old.
  const long = await notices(conversation({ idle: 40 }));
  assert.deepEqual(
    long.map((n) => [n.note, Number(n.ts)]),
    [
      ["Protocol_Found", 30],
      ["Server_Found", 30],
    ],
  );
  // minimum_duration=10sec: checks at 6 and then 10.
  const shorter = await notices(conversation({ idle: 40 }), ["ProtocolDetector::minimum_duration=10sec"]);
  assert.deepEqual(
    shorter.map((n) => Number(n.ts)),
    [10, 10],
  );
  // A connection shorter than that: reported when it is removed.
  const brief = await notices(conversation({ idle: 3 }));
  assert.deepEqual(notes(brief), ["Protocol_Found", "Server_Found"]);
});

test("detect-protocols: nothing unless both sides sent data by the report", async () => {
  assert.deepEqual(await notices(conversation({ silent: true })), []);
  assert.deepEqual(await notices(conversation({ silent: true, idle: 40 })), []);
});

test("detect-protocols: past minimum_volume, the first check reports", async () => {
  const big = await notices(conversation({ body: 5000, idle: 40 }));
  assert.deepEqual(
    big.map((n) => Number(n.ts)),
    [6, 6],
  );
  const volume = await notices(conversation({ body: 5000, idle: 40 }), ["ProtocolDetector::minimum_volume=1e6"]);
  assert.deepEqual(
    volume.map((n) => Number(n.ts)),
    [30, 30],
  );
});

test("detect-protocols: an analyzer that fails before the thresholds is not reported; after minimum_volume its failure changes nothing", async () => {
  const garbage = "SSH-2.0-OpenSSH_9.6\r\n";
  assert.deepEqual(await notices(conversation({ after: garbage })), [], "failed early: forgotten");
  // The same failure after 5000 bytes (within DPD::ignore_violations_after, so the analyzer is removed all the same).
  assert.deepEqual(notes(await notices(conversation({ body: 5000, after: garbage }))), ["Protocol_Found", "Server_Found"]);
  assert.deepEqual(await notices(conversation({ body: 5000, after: garbage }), ["ProtocolDetector::minimum_volume=1e6"]), []);
});

test("detect-protocols: found_protocol's sub-protocols name the protocol; a new one is a Server_Found (update)", async () => {
  const subs = ["ssh", "ssh", "rpc"];
  let n = 0;
  const found = await notices([...conversation(), ...conversation({ start: 10, cport: 40001 }), ...conversation({ start: 20, cport: 40002 })], [], (engine) =>
    engine.on("analyzer_confirmation_info", (atype, info) => info.c && foundProtocol(engine, info.c, atype, subs[n++]!)),
  );
  assert.deepEqual(
    found.map((x) => [x.note, x.msg]),
    [
      ["Protocol_Found", `${CLIENT}:40000 > ${LOCAL_SERVER}:8088 ssh (via HTTP) on port 8088/tcp`],
      ["Server_Found", `${LOCAL_SERVER}: ssh (via HTTP) server on port 8088/tcp`],
      ["Protocol_Found", `${CLIENT}:40001 > ${LOCAL_SERVER}:8088 ssh (via HTTP) on port 8088/tcp`],
      ["Protocol_Found", `${CLIENT}:40002 > ${LOCAL_SERVER}:8088 rpc (via HTTP) on port 8088/tcp`],
      ["Server_Found", `${LOCAL_SERVER}: rpc (via HTTP) server on port 8088/tcp (update)`],
    ],
  );
  assert.equal(found[0]!.sub, "ssh (via HTTP)");
});

test("detect-protocols: valids parse Zeek's table syntax and refuse what is not", () => {
  const engine = new Engine({ settings: ["ProtocolDetector::valids+={[Analyzer::ANALYZER_HTTP, ::ffff:10.0.0.2, 81/tcp]=OUTGOING}"] });
  assert.deepEqual([...engine.settings["ProtocolDetector::valids"]], [["HTTP 10.0.0.2 81/tcp", "OUTGOING"]]);
  assert.throws(() => new Engine({ settings: ["ProtocolDetector::valids={[Analyzer::ANALYZER_NOPE, 0.0.0.0, 81/tcp]=BOTH}"] }), /ANALYZER_NOPE/);
  assert.throws(() => new Engine({ settings: ["ProtocolDetector::valids={[Analyzer::ANALYZER_HTTP, 0.0.0.0, 81/tcp]=SIDEWAYS}"] }), /valids/);
});
