/**
 * policy/protocols/conn/known-hosts and known-services (known_hosts.log,
 * known_services.log) on conversations made here: who is tracked, when a
 * host or service is written, and once only.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Engine } from "../../src/engine.js";
import { loadBuiltinScripts } from "../../src/index.js";
import { memorySource, type TestPacket } from "../helpers/packets.js";
import { handshake, type Seg, tcpTrace, udpPacket } from "../session/harness.js";

const LOCAL = "10.0.0.1";
const REMOTE = "93.184.216.34";

/** The rows of `log` after a run of `packets` with `script` and `settings`, each row's columns after ts. */
async function rows(log: string, script: string, packets: TestPacket[], settings: string[] = []): Promise<string[][]> {
  const engine = new Engine({ settings });
  const scripts = loadBuiltinScripts(engine, { memory: true, loads: [script] });
  await engine.run(memorySource(packets));
  return scripts.logs
    .text(log)
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => l.split("\t").slice(1));
}

/** A whole TCP conversation from `client` to `server`:`port` starting at `t0`. */
function conversation(t0: number, client: string, server: string, port = 80, request = "hello", cport = 40000): TestPacket[] {
  const segs: Seg[] = [
    ...handshake(t0),
    { t: t0 + 1, from: "c", flags: "PA", seq: 1001, ack: 5001, payload: request },
    { t: t0 + 2, from: "s", flags: "PA", seq: 5001, ack: 1001 + request.length, payload: "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n" },
    { t: t0 + 3, from: "c", flags: "FA", seq: 1001 + request.length, ack: 5039 },
    { t: t0 + 4, from: "s", flags: "FA", seq: 5039, ack: 1002 + request.length },
  ];
  return tcpTrace(segs, { client, server, sport: port, cport });
}

test("known-hosts: each local address of a completed handshake once (LOCAL_HOSTS), the remote ones with REMOTE_HOSTS, all or none", async () => {
  const twice = [...conversation(0, LOCAL, REMOTE), ...conversation(10, LOCAL, REMOTE, 80, "hello", 40001)];
  assert.deepEqual(await rows("known_hosts", "protocols/conn/known-hosts", twice), [[LOCAL]]);
  assert.deepEqual(await rows("known_hosts", "protocols/conn/known-hosts", twice, ["Known::host_tracking=REMOTE_HOSTS"]), [[REMOTE]]);
  const all = await rows("known_hosts", "protocols/conn/known-hosts", twice, ["Known::host_tracking=ALL_HOSTS"]);
  assert.deepEqual(all.flat().sort(), [LOCAL, REMOTE].sort());
  assert.deepEqual(await rows("known_hosts", "protocols/conn/known-hosts", twice, ["Known::host_tracking=NO_HOSTS"]), []);
});

test("known-hosts: an unanswered SYN makes no known host; a host is written again a day after it was", async () => {
  const syn = tcpTrace([{ t: 0, from: "c", flags: "S", seq: 1000 }], { client: LOCAL, server: REMOTE });
  assert.deepEqual(await rows("known_hosts", "protocols/conn/known-hosts", syn), []);
  const later = [...conversation(0, LOCAL, REMOTE), ...conversation(86400 + 60, LOCAL, REMOTE, 80, "hello", 40001)];
  assert.deepEqual(await rows("known_hosts", "protocols/conn/known-hosts", later), [[LOCAL], [LOCAL]]);
});

test("known-services: a confirmed protocol on a local server once; a remote server only with REMOTE_HOSTS or ALL_HOSTS", async () => {
  const http = (t0: number, server: string, cport: number) => conversation(t0, REMOTE, server, 80, "GET / HTTP/1.1\r\nHost: x\r\n\r\n", cport);
  const twice = [...http(0, LOCAL, 40000), ...http(10, LOCAL, 40001)];
  assert.deepEqual(await rows("known_services", "protocols/conn/known-services", twice), [[LOCAL, "80", "tcp", "HTTP"]]);
  const remote = http(0, REMOTE, 40000);
  assert.deepEqual(await rows("known_services", "protocols/conn/known-services", remote), []);
  assert.deepEqual(await rows("known_services", "protocols/conn/known-services", remote, ["Known::service_tracking=ALL_HOSTS"]), [
    [REMOTE, "80", "tcp", "HTTP"],
  ]);
});

/** A packet of another flow at `t`: network time moves on, and connections idle since expire. */
const later = (t: number): TestPacket => udpPacket(t, "192.168.1.1", 6000, "192.168.1.2", 6001, "x");

test("known-services: a server without a known protocol is written with an empty service five minutes on, or at the end of input; none once the input ended", async () => {
  const unknown = conversation(0, REMOTE, LOCAL, 7777);
  assert.deepEqual(await rows("known_services", "protocols/conn/known-services", [...unknown, later(100)]), [[LOCAL, "7777", "tcp", "(empty)"]]);
  assert.deepEqual(await rows("known_services", "protocols/conn/known-services", [...unknown, later(400)]), [[LOCAL, "7777", "tcp", "(empty)"]]);
  // Removed only when the input ends: Zeek schedules nothing once it is terminating.
  assert.deepEqual(await rows("known_services", "protocols/conn/known-services", unknown), []);
});

test("known-services: a UDP server counts once it answered (unless Known::service_udp_requires_response is off)", async () => {
  const query = [udpPacket(0, REMOTE, 5000, LOCAL, 7777, "ping")];
  assert.deepEqual(await rows("known_services", "protocols/conn/known-services", [...query, later(100)]), []);
  assert.deepEqual(await rows("known_services", "protocols/conn/known-services", [...query, later(100)], ["Known::service_udp_requires_response=F"]), [
    [LOCAL, "7777", "udp", "(empty)"],
  ]);
  const answered = [...query, udpPacket(1, LOCAL, 7777, REMOTE, 5000, "pong"), later(100)];
  assert.deepEqual(await rows("known_services", "protocols/conn/known-services", answered), [[LOCAL, "7777", "udp", "(empty)"]]);
});
