/**
 * Live capture end to end: `bronze -i lo` (the built command, as a child process)
 * captures on the loopback interface while this test makes real connections
 * (an HTTP request and response, a connect to a refused port, a UDP request
 * and reply), then stops it with SIGINT and reads its conn.log.
 *
 * Needs root (or CAP_NET_RAW) and the optional `pcap` addon: skipped, with the
 * reason, without them. CI runs as root with libpcap-dev installed (.ci/run).
 * No timing guesses: connections start once bronze says it is listening, and
 * SIGINT makes it read what the kernel already captured before it stops.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { once } from "node:events";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer, request } from "node:http";
import { createRequire } from "node:module";
import { type AddressInfo, connect, createServer as createTcpServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { openTrace } from "../../src/source/open.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = [resolve(here, "../.."), resolve(here, "../../..")].find((d) => existsSync(join(d, "dist", "src", "cli", "main.js")));
/** The command as installed (the bundled bin), else the compiled entry point. */
const cli = root === undefined ? undefined : [join(root, "dist", "bronze.js"), join(root, "dist", "src", "cli", "main.js")].find((f) => existsSync(f));
const LOCALHOST = "127.0.0.1";
/** Generous bounds for each wait; the whole test normally takes about a second. */
const STEP_TIMEOUT_MS = 8000;

function whyNotLive(): string | null {
  if (cli === undefined) return "the command is not built (dist/bronze.js)";
  if (process.platform !== "linux") return "the loopback interface is named lo on Linux only";
  if (process.getuid?.() !== 0) return "live capture needs root (CI runs as root)";
  try {
    createRequire(import.meta.url)("pcap");
  } catch (error) {
    return `the optional pcap addon is not available (${(error instanceof Error ? error.message : String(error)).split("\n")[0]})`;
  }
  return null;
}

/** Resolves when `pattern` appears in the text the child writes to stderr (all of it is kept in `err`). */
function waitForStderr(child: ChildProcess, out: { err: string }, pattern: RegExp): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`bronze did not print ${pattern} within ${STEP_TIMEOUT_MS} ms; stderr: ${out.err}`)), STEP_TIMEOUT_MS);
    const check = (): void => {
      if (pattern.test(out.err)) {
        clearTimeout(timer);
        resolvePromise();
      }
    };
    child.stderr!.on("data", check);
    child.once("exit", (code) => {
      clearTimeout(timer);
      if (!pattern.test(out.err)) reject(new Error(`bronze exited (${code}) before printing ${pattern}; stderr: ${out.err}`));
    });
    check();
  });
}

/** `promise`, or a rejection naming `what` after STEP_TIMEOUT_MS (the timer does not outlive it). */
async function within<T>(promise: Promise<T>, what: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what()} (waited ${STEP_TIMEOUT_MS} ms)`)), STEP_TIMEOUT_MS);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** One HTTP GET answered with a body; both sides close (no keep-alive). */
async function httpExchange(port: number): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const req = request({ host: LOCALHOST, port, path: "/hello", agent: false, headers: { connection: "close" } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolvePromise(body));
    });
    req.on("error", reject);
    req.end();
  });
}

/** A TCP connect to a port nobody listens on: the kernel answers the SYN with a RST. */
async function refusedConnect(port: number): Promise<string> {
  return new Promise((resolvePromise) => {
    const socket = connect({ host: LOCALHOST, port });
    socket.on("connect", () => resolvePromise("connected?!"));
    socket.on("error", (error: NodeJS.ErrnoException) => resolvePromise(error.code ?? error.message));
  });
}

/** A port that was free a moment ago (bound, then released). */
async function freePort(): Promise<number> {
  const server = createTcpServer();
  server.listen(0, LOCALHOST);
  await once(server, "listening");
  const port = (server.address() as AddressInfo).port;
  server.close();
  await once(server, "close");
  return port;
}

interface ConnRow {
  [field: string]: string;
}

function readConnLog(path: string): ConnRow[] {
  const lines = readFileSync(path, "utf8").split("\n");
  const fields = lines
    .find((l) => l.startsWith("#fields\t"))!
    .split("\t")
    .slice(1);
  return lines
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => {
      const values = l.split("\t");
      return Object.fromEntries(fields.map((f, i) => [f, values[i]!]));
    });
}

test("bronze -i lo: HTTP, a refused port and a UDP exchange in conn.log; SIGINT flushes logs and prints capture statistics", async (t) => {
  const why = whyNotLive();
  if (why !== null) return t.skip(why);
  const dir = mkdtempSync(join(tmpdir(), "bronze-live-"));
  const http = createHttpServer((req, res) => {
    res.setHeader("connection", "close");
    res.end(`you asked for ${req.url}\n`);
  });
  const udpServer: UdpSocket = createSocket("udp4");
  const udpClient: UdpSocket = createSocket("udp4");
  let child: ChildProcess | undefined;
  try {
    http.listen(0, LOCALHOST);
    await once(http, "listening");
    udpServer.bind(0, LOCALHOST);
    await once(udpServer, "listening");
    udpServer.on("message", (msg, from) => udpServer.send(Buffer.concat([Buffer.from("re: "), msg]), from.port, from.address));
    const httpPort = (http.address() as AddressInfo).port;
    const udpPort = udpServer.address().port;
    const refusedPort = await freePort();

    // Only this test's ports: other loopback traffic on the machine stays out.
    const filter = `port ${httpPort} or port ${refusedPort} or port ${udpPort}`;
    const out = { err: "" };
    child = spawn(
      process.execPath,
      [cli!, "-C", "-i", "lo", "-f", filter, "--logdir", dir, "-w", join(dir, "live.pcap"), "snaplen=4096", "--no-promiscuous-mode"],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    child.stderr!.setEncoding("utf8");
    child.stderr!.on("data", (chunk: string) => (out.err += chunk));
    const exited = once(child, "exit");
    // The options reach libpcap: the snapshot length set, promiscuous mode off.
    await waitForStderr(child, out, /^bronze: listening on lo, link-type 1, snapshot length 4096 bytes, not promiscuous$/m);

    assert.equal(await within(httpExchange(httpPort), () => "no HTTP response"), "you asked for /hello\n");
    assert.equal(await within(refusedConnect(refusedPort), () => "no answer to the refused connect"), "ECONNREFUSED");
    udpClient.bind(0, LOCALHOST);
    await once(udpClient, "listening");
    udpClient.send("ping?", udpPort, LOCALHOST);
    const [reply] = (await within(once(udpClient, "message"), () => "no UDP reply")) as [Buffer];
    assert.equal(reply.toString(), "re: ping?");

    child.kill("SIGINT");
    const [code, signal] = (await within(exited, () => `bronze did not exit after SIGINT; stderr: ${out.err}`)) as [number | null, string | null];
    assert.deepEqual([code, signal], [0, null], out.err);

    const stats = /bronze: (\d+) packets received, (\d+) dropped by the kernel, (\d+) by the interface\n/.exec(out.err);
    assert.ok(stats, `capture statistics at exit; stderr: ${out.err}`);
    const conns = readConnLog(join(dir, "conn.log"));
    const byPort = (proto: string, port: number): ConnRow => {
      const row = conns.find((c) => c.proto === proto && c["id.resp_p"] === String(port));
      assert.ok(row, `a ${proto} connection to port ${port} in conn.log:\n${readFileSync(join(dir, "conn.log"), "utf8")}`);
      return row;
    };
    const web = byPort("tcp", httpPort);
    t.diagnostic(`http ${web.conn_state} ${web.history}, refused/udp rows, ${stats[1]} packets received by libpcap`);
    assert.equal(web.conn_state, "SF");
    assert.match(web.history!, /^ShAD/);
    assert.match(web.history!, /d/);
    assert.match(web.history!, /F/i);
    assert.ok(Number(web.orig_bytes) > 0 && Number(web.resp_bytes) > 0, "request and response bytes");
    const refused = byPort("tcp", refusedPort);
    assert.deepEqual([refused.conn_state, refused.history], ["REJ", "Sr"]);
    const udp = byPort("udp", udpPort);
    assert.deepEqual([udp.conn_state, udp.history, udp.orig_bytes, udp.resp_bytes], ["SF", "Dd", "5", "9"]);
    assert.equal(conns.length, 3, "nothing but the test's connections");
    for (const c of conns) assert.deepEqual([c["id.orig_h"], c["id.resp_h"]], [LOCALHOST, LOCALHOST]);
    const packets = conns.reduce((n, c) => n + Number(c.orig_pkts) + Number(c.resp_pkts), 0);
    assert.ok(Number(stats[1]) >= packets, `libpcap received at least the ${packets} packets conn.log counts`);
    // -w with -i: the recording holds every packet conn.log counts, each whole: DPD finds
    // HTTP on the test's port and the HTTP analyzer takes every byte; DPD looks at the UDP payload.
    const recorded: Array<[number, number]> = [];
    await (await openTrace(join(dir, "live.pcap"))).run((p) => void recorded.push([p.caplen, p.wirelen]));
    assert.equal(recorded.length, packets);
    assert.ok(
      recorded.every(([caplen, wirelen]) => caplen === wirelen),
      "payload the analyzers took is kept whole",
    );
  } finally {
    if (child !== undefined && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    udpClient.close();
    udpServer.close();
    http.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("bronze -i lo: on a quiet link network time follows the clock, so an idle flow times out without a later packet", async (t) => {
  const why = whyNotLive();
  if (why !== null) return t.skip(why);
  const dir = mkdtempSync(join(tmpdir(), "bronze-live-"));
  const udpClient: UdpSocket = createSocket("udp4");
  let child: ChildProcess | undefined;
  try {
    const port = await freePort();
    const script = join(dir, "removed.mjs");
    writeFileSync(script, "export function connection_state_remove(c) { console.log('removed ' + c.id.resp_p + ' ' + c.history); }\n");
    const out = { err: "", out: "" };
    child = spawn(process.execPath, [cli!, "-C", "-i", "lo", "-f", `udp port ${port}`, "--logdir", dir, "udp_inactivity_timeout=2sec", script], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stderr!.setEncoding("utf8");
    child.stderr!.on("data", (chunk: string) => (out.err += chunk));
    child.stdout!.setEncoding("utf8");
    const removed = new Promise<void>((done) => {
      child!.stdout!.on("data", (chunk: string) => {
        out.out += chunk;
        if (out.out.includes(`removed ${port} D`)) done();
      });
    });
    await waitForStderr(child, out, /^bronze: listening on lo/m);
    udpClient.send("anyone?", port, LOCALHOST);
    // No packet follows: only the lull's clock can expire the flow (2 s), well before SIGINT.
    await within(removed, () => `the idle flow was not removed; stdout: ${out.out} stderr: ${out.err}`);
    const exited = once(child, "exit");
    child.kill("SIGINT");
    await within(exited, () => `bronze did not exit after SIGINT; stderr: ${out.err}`);
    assert.equal(out.out.split("\n").filter((l) => l.startsWith("removed")).length, 1, out.out);
  } finally {
    if (child !== undefined && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    udpClient.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("bronze -i on an interface that is then removed (a veth pair): the capture ends by itself, saying so, logs written", async (t) => {
  const why = whyNotLive();
  if (why !== null) return t.skip(why);
  // A name of our own; `ip` may be missing or refused (no CAP_NET_ADMIN in a container): then skip.
  const iface = `bzt${process.pid % 100000}`;
  const made = spawnSync("ip", ["link", "add", iface, "type", "veth", "peer", "name", `${iface}p`], { encoding: "utf8" });
  if (made.error !== undefined || made.status !== 0) return t.skip(`cannot make a veth pair: ${made.error?.message ?? made.stderr.trim()}`);
  const dir = mkdtempSync(join(tmpdir(), "bronze-live-"));
  let child: ChildProcess | undefined;
  try {
    spawnSync("ip", ["link", "set", iface, "up"]);
    const out = { err: "" };
    child = spawn(process.execPath, [cli!, "-i", iface, "--logdir", dir], { stdio: ["ignore", "ignore", "pipe"] });
    child.stderr!.setEncoding("utf8");
    child.stderr!.on("data", (chunk: string) => (out.err += chunk));
    await waitForStderr(child, out, new RegExp(`^bronze: listening on ${iface}`, "m"));
    const exited = once(child, "exit");
    // Removing one end removes its peer too.
    spawnSync("ip", ["link", "del", iface]);
    const [code] = (await within(exited, () => `bronze did not end after ${iface} was removed; stderr: ${out.err}`)) as [number | null];
    assert.equal(code, 0, out.err);
    assert.match(
      out.err,
      new RegExp(`^bronze: warning: capture on ${iface} ended: the interface was removed; logs were written for everything before it$`, "m"),
    );
    assert.ok(existsSync(join(dir, "packet_filter.log")), "the logs were closed");
  } finally {
    if (child !== undefined && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    spawnSync("ip", ["link", "del", iface]);
    rmSync(dir, { recursive: true, force: true });
  }
});

test("bronze -i lo: the capture is open before zeek_init, as Zeek's is: packet_source() there says live, lo and its link type", async (t) => {
  const why = whyNotLive();
  if (why !== null) return t.skip(why);
  const dir = mkdtempSync(join(tmpdir(), "bronze-live-"));
  let child: ChildProcess | undefined;
  try {
    const script = join(dir, "source.mjs");
    writeFileSync(
      script,
      "export default (engine) => engine.on('zeek_init', () => { const s = engine.packetSource(); console.log(['source', s.live, s.path, s.link_type].join(' ')); });\n",
    );
    const out = { err: "", out: "" };
    child = spawn(process.execPath, [cli!, "-i", "lo", "-f", "udp port 9", "--logdir", dir, script], { stdio: ["ignore", "pipe", "pipe"] });
    child.stderr!.setEncoding("utf8");
    child.stderr!.on("data", (chunk: string) => (out.err += chunk));
    child.stdout!.setEncoding("utf8");
    child.stdout!.on("data", (chunk: string) => (out.out += chunk));
    await waitForStderr(child, out, /^bronze: listening on lo/m);
    const exited = once(child, "exit");
    child.kill("SIGINT");
    await within(exited, () => `bronze did not exit after SIGINT; stderr: ${out.err}`);
    // DLT_EN10MB: Linux's loopback is an Ethernet device to libpcap.
    assert.match(out.out, /^source true lo 1$/m, out.out + out.err);
  } finally {
    if (child !== undefined && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
});
