/**
 * Dynamic protocol detection (src/analyzer/app/pia.ts) on self-made
 * conversations, with a test component whose signatures need both sides:
 * the reverse-side requirement, the replay of the buffer, ports and a
 * signature for the same connection, the buffer limit, -b with and without
 * the component's script, and UDP.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { AnalyzerComponent, AnalyzerHost } from "../../../src/analyzer/app/analyzer.js";
import { Engine, type EngineOptions } from "../../../src/engine.js";
import { loadBuiltinScripts } from "../../../src/index.js";
import { failureData } from "../../../src/scripts/dpd.js";
import { memorySource } from "../../helpers/packets.js";
import { parseLogText } from "../../helpers/tsv.js";
import { CLIENT, handshake, SERVER, type Seg, tcpTrace, udpPacket } from "../../session/harness.js";

const text = (b: Uint8Array): string => new TextDecoder("latin1").decode(b);

/** A component "ECHO": client says HELLO, server answers WORLD (Zeek-style pair of signatures); logs what it is fed. */
function echo(log: string[], ports: number[] = []): AnalyzerComponent {
  const analyzer = (host: AnalyzerHost) => ({
    deliverStream: (isOrig: boolean, _seq: number, data: Uint8Array) => {
      log.push(`${isOrig ? "o" : "r"} ${text(data)}`);
      if (!isOrig && text(data).startsWith("WORLD")) host.confirm();
    },
    deliverPacket: (isOrig: boolean, data: Uint8Array) => log.push(`${isOrig ? "o" : "r"} ${text(data)}`),
    undelivered: () => {},
    endOfData: () => {},
    done: () => log.push("done"),
  });
  return {
    name: "ECHO",
    script: "base/protocols/echo",
    tcpPorts: ports,
    udpPorts: ports,
    signatures: [
      { id: "echo_client", proto: "any", payload: "HEL+O", tcpState: "originator", requiresReverse: "echo_server", enable: "echo" },
      { id: "echo_server", proto: "any", payload: "WORLD", tcpState: "responder" },
    ],
    stream: (host) => {
      log.push(`start ${host.conn().id.resp_p}`);
      return analyzer(host);
    },
    datagram: (host) => {
      log.push(`start ${host.conn().id.resp_p}`);
      return analyzer(host);
    },
  };
}

function conversation(client: string, server: string): Seg[] {
  return [
    ...handshake(0),
    { t: 1, from: "c", flags: "PA", seq: 1001, ack: 5001, payload: client },
    { t: 2, from: "s", flags: "PA", seq: 5001, ack: 1001 + client.length, payload: server },
    { t: 3, from: "c", flags: "PA", seq: 1001 + client.length, ack: 5001 + server.length, payload: "more" },
  ];
}

async function run(segs: Seg[], component: AnalyzerComponent, options: EngineOptions = {}, port = 9999): Promise<{ services: string[] }> {
  const engine = new Engine({ ...options, analyzers: [component] });
  loadBuiltinScripts(engine, { memory: true, bare: options.bare, loads: options.loads });
  const services: string[] = [];
  engine.on("connection_state_remove", (c) => services.push([...c.service].join(",")));
  await engine.run(memorySource(tcpTrace(segs, { sport: port })));
  return { services };
}

test("a signature that requires the reverse side waits for it, then the analyzer gets the buffer replayed in order and the rest live", async () => {
  const log: string[] = [];
  const { services } = await run(conversation("HELLLO there", "WORLD!"), echo(log));
  assert.deepEqual(log, ["start 9999", "o HELLLO there", "r WORLD!", "o more", "done"]);
  assert.deepEqual(services, ["ECHO"]);
});

test("without the reverse side's signature nothing starts; a reply first does not match the originator's pattern", async () => {
  const log: string[] = [];
  assert.deepEqual((await run(conversation("HELLO", "NOPE"), echo(log))).services, [""]);
  assert.deepEqual((await run(conversation("WORLD", "HELLO"), echo(log))).services, [""]);
  assert.deepEqual(log, []);
});

test("a connection to a registered port gets the analyzer at creation; the signature match then adds no second one", async () => {
  const log: string[] = [];
  await run(conversation("HELLO", "WORLD"), echo(log, [9999]));
  assert.deepEqual(log, ["start 9999", "o HELLO", "r WORLD", "o more", "done"]);
});

test("past dpd_buffer_size the PIA has stopped: a late match starts nothing", async () => {
  const log: string[] = [];
  const long = `HELLO${"x".repeat(40)}`;
  assert.deepEqual((await run(conversation(long, "WORLD"), echo(log), { settings: ["dpd_buffer_size=20"] })).services, [""]);
  assert.deepEqual(log, []);
  assert.deepEqual((await run(conversation(long, "WORLD"), echo(log), { settings: ["dpd_buffer_size=60"] })).services, ["ECHO"]);
});

test("-b: the component is active only when its script is loaded", async () => {
  const log: string[] = [];
  assert.deepEqual((await run(conversation("HELLO", "WORLD"), echo(log), { bare: true, loads: ["base/protocols/conn"] })).services, [""]);
  assert.deepEqual(log, []);
  assert.deepEqual((await run(conversation("HELLO", "WORLD"), echo(log), { bare: true, loads: ["base/protocols/conn", "base/protocols/echo"] })).services, [
    "ECHO",
  ]);
});

test("-b: Analyzer::register_for_port takes a component whose script is not loaded, which then starts on that port", async () => {
  const log: string[] = [];
  const engine = new Engine({ bare: true, loads: ["base/protocols/conn"], analyzers: [echo(log)] });
  loadBuiltinScripts(engine, { memory: true, bare: true, loads: ["base/protocols/conn"] });
  assert.equal(engine.registerForPort("ANALYZER_ECHO", 9999), true);
  assert.equal(engine.registerForPort("NO_SUCH_ANALYZER", 9999), false);
  await engine.run(memorySource(tcpTrace(conversation("NOPE", "WORLD"), { sport: 9999 })));
  assert.deepEqual(log.slice(0, 2), ["start 9999", "o NOPE"]);
});

test("-b: a load of the component's dpd.sig alone brings its signatures, not its ports; a match starts it all the same", async () => {
  const log: string[] = [];
  const sigOnly = { bare: true, loads: ["base/protocols/conn", "base/protocols/echo/dpd.sig"] };
  // The port is not registered: a conversation the signatures do not match gets nothing.
  assert.deepEqual((await run(conversation("NOPE", "WORLD"), echo(log, [9999]), sigOnly)).services, [""]);
  assert.deepEqual(log, []);
  assert.deepEqual((await run(conversation("HELLO", "WORLD"), echo(log, [9999]), sigOnly)).services, ["ECHO"]);
  assert.deepEqual(log, ["start 9999", "o HELLO", "r WORLD", "o more", "done"]);
  assert.equal(new Engine({ ...sigOnly, analyzers: [echo(log, [9999])] }).sessions.serverPorts.tcp[9999], 0);
});

test("a Spicy analyzer runs only with spicy on or its script named, and only then are its ports likely server ports", async () => {
  const log: string[] = [];
  const spicy = { ...echo(log, [9999]), spicy: true };
  assert.deepEqual((await run(conversation("HELLO", "WORLD"), spicy)).services, [""]);
  assert.deepEqual(log, []);
  assert.deepEqual((await run(conversation("HELLO", "WORLD"), spicy, { spicy: true })).services, ["ECHO"]);
  assert.deepEqual((await run(conversation("HELLO", "WORLD"), spicy, { loads: ["base/protocols/echo"] })).services, ["ECHO"]);
  assert.deepEqual((await run(conversation("HELLO", "WORLD"), spicy, { bare: true, loads: ["base/protocols/conn"], spicy: true })).services, [""]);
  const serverPort = (options: EngineOptions) => new Engine({ ...options, analyzers: [spicy] }).sessions.serverPorts.tcp[9999];
  assert.equal(serverPort({}), 0);
  assert.equal(serverPort({ spicy: true }), 1);
  assert.equal(serverPort({ loads: ["base/protocols/echo"] }), 1);
});

test("UDP: each datagram is matched on its own and the buffered datagrams are replayed", async () => {
  const log: string[] = [];
  const engine = new Engine({ analyzers: [echo(log)] });
  loadBuiltinScripts(engine, { memory: true });
  const services: string[] = [];
  engine.on("connection_state_remove", (c) => services.push([...c.service].join(",")));
  await engine.run(
    memorySource([
      udpPacket(1, CLIENT, 5000, SERVER, 7777, "HELLO"),
      udpPacket(2, SERVER, 7777, CLIENT, 5000, "WORLD"),
      udpPacket(3, CLIENT, 5000, SERVER, 7777, "bye"),
    ]),
  );
  assert.deepEqual(log, ["start 7777", "o HELLO", "r WORLD", "o bye", "done"]);
  assert.deepEqual(services, [""], "the test analyzer confirms on streams only");
});

/** Confirms on WORLD, then finds "more" not to be its protocol. */
const strict: AnalyzerComponent = {
  ...echo([], [9999]),
  stream: (host: AnalyzerHost) => ({
    deliverStream: (isOrig: boolean, _seq: number, data: Uint8Array) => {
      if (!isOrig && text(data).startsWith("WORLD")) host.confirm();
      if (isOrig && text(data) === "more") host.violation("not ECHO", data);
    },
    undelivered: () => {},
    endOfData: () => {},
    done: () => {},
  }),
};

/** analyzer_debug.log's rows (cause, kind, name, resp_p, reason, data) of the strict analyzer's conversation; `before` sets things up. */
async function debugRows(settings: string[] = [], before?: (engine: Engine, scripts: ReturnType<typeof loadBuiltinScripts>) => void): Promise<string[][]> {
  const engine = new Engine({ analyzers: [strict], settings });
  const loads = ["frameworks/analyzer/debug-logging"];
  const scripts = loadBuiltinScripts(engine, { memory: true, loads });
  before?.(engine, scripts);
  await engine.run(memorySource(tcpTrace(conversation("HELLO", "WORLD"), { sport: 9999 })));
  const text = scripts.logs.written().includes("analyzer_debug") ? scripts.logs.text("analyzer_debug") : "";
  return text
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => l.split("\t"))
    .map((r) => [r[1]!, r[2]!, r[3]!, r[9]!, r[10]!, r[11]!]);
}

test("frameworks/analyzer/debug-logging: analyzer_debug.log has the confirmation, then the violation and the disabling it causes", async () => {
  const disabled: string[] = [];
  // A user's hook runs before the log's (priority -1000) and sees the analyzer's name.
  const rows = await debugRows([], (engine) => engine.onDisablingAnalyzer((_c, name) => void disabled.push(name)));
  assert.deepEqual(rows, [
    ["confirmation", "protocol", "ECHO", "9999", "-", "-"],
    ["violation", "protocol", "ECHO", "9999", "not ECHO", "more"],
    ["disabled", "protocol", "ECHO", "9999", "-", "-"],
  ]);
  assert.deepEqual(disabled, ["ECHO"]);
});

test("debug-logging's options: enable=F writes nothing, ignore_analyzers leaves an analyzer out, and the config framework's changes act from the next row", async () => {
  assert.deepEqual(await debugRows(["Analyzer::DebugLogging::enable=F"]), []);
  assert.deepEqual(await debugRows(["Analyzer::DebugLogging::include_confirmations=F", "Analyzer::DebugLogging::include_disabling=F"]), [
    ["violation", "protocol", "ECHO", "9999", "not ECHO", "more"],
  ]);
  assert.deepEqual(await debugRows([], (engine) => engine.settings["Analyzer::DebugLogging::ignore_analyzers"].add("ANALYZER_ECHO")), []);
  // Changed once the analyzer confirmed: the violation's data is cut to 2 bytes, the disabling is not logged.
  const changed = await debugRows([], (engine, scripts) =>
    engine.on("analyzer_confirmation_info", () => {
      assert.ok(scripts.config!.setValue("Analyzer::DebugLogging::failure_data_max_size", 2, "test"));
      assert.ok(scripts.config!.setValue("Analyzer::DebugLogging::include_disabling", false, "test"));
    }),
  );
  assert.deepEqual(changed, [
    ["confirmation", "protocol", "ECHO", "9999", "-", "-"],
    ["violation", "protocol", "ECHO", "9999", "not ECHO", "mo"],
  ]);
  // 0: the whole data.
  assert.equal(failureData("x".repeat(50), 0), "x".repeat(50));
  assert.equal(failureData("x".repeat(50)), "x".repeat(40));
});

test("speculative-service: a signature matching after the PIA's buffer was full is a late match, logged in conn.log's speculative_service", async () => {
  const body = "x".repeat(3000);
  const req = `POST /upload HTTP/1.1\r\nHost: h\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
  const resp = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
  const segs: Seg[] = [
    ...handshake(0),
    { t: 1, from: "c", flags: "PA", seq: 1001, ack: 5001, payload: req },
    { t: 2, from: "s", flags: "PA", seq: 5001, ack: 1001 + req.length, payload: resp },
  ];
  const late: string[] = [];
  const run = async (loads: string[]) => {
    const engine = new Engine();
    engine.on("protocol_late_match", (_c, atype) => late.push(atype));
    const scripts = loadBuiltinScripts(engine, { memory: true, loads });
    await engine.run(memorySource(tcpTrace(segs, { sport: 80 })));
    scripts.close();
    const { fields, rows } = parseLogText(scripts.logs.text("conn"));
    return { fields, row: rows[0]! };
  };
  const { fields, row } = await run(["protocols/conn/speculative-service"]);
  assert.deepEqual(late, ["HTTP"]);
  assert.equal(fields.at(-1), "speculative_service");
  assert.equal(row[fields.indexOf("service")], "http");
  assert.equal(row.at(-1), "http");
  // Without the script the PIA stops at its full buffer (dpd_match_only_beginning): no late match, no column.
  late.length = 0;
  const plain = await run([]);
  assert.deepEqual(late, []);
  assert.equal(plain.fields.at(-1), "ip_proto");
});

test("an analyzer scheduled for the orientation a later flip brings starts at the flip (SYN-ACK first), before connection_flipped", async () => {
  const log: string[] = [];
  const engine = new Engine({ analyzers: [echo(log)], settings: ["likely_server_ports={}"] });
  loadBuiltinScripts(engine, { memory: true });
  const events: string[] = [];
  let first = true;
  engine.on("new_packet", () => {
    if (!first) return;
    first = false;
    // The first packet is the server's SYN-ACK, so the connection's originator is the server until the SYN flips it.
    engine.scheduleAnalyzer(CLIENT, SERVER, 9999, "tcp", "ECHO", 60);
  });
  engine.on("scheduled_analyzer_applied", (c, name) => events.push(`applied ${name} ${c.id.orig_h}`));
  engine.on("connection_flipped", (c) => events.push(`flipped ${c.id.orig_h}`));
  const [syn, synAck, ack] = handshake(0);
  const segs = [{ ...synAck!, t: 0 }, { ...syn!, t: 0.01 }, ack!, { t: 1, from: "c" as const, flags: "PA", seq: 1001, ack: 5001, payload: "HELLO" }];
  await engine.run(memorySource(tcpTrace(segs, { sport: 9999 })));
  assert.deepEqual(events, [`applied ECHO ${CLIENT}`, `flipped ${CLIENT}`]);
  assert.deepEqual(log.slice(0, 2), ["start 9999", "o HELLO"]);
});
