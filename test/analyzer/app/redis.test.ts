/**
 * Redis (Zeek's Spicy analyzer): the RESP readers on every RESP2/RESP3 type
 * and on their bounds, Zeek's command words (inline tokens, keys, values,
 * SET/AUTH/HELLO), redis.log's pairing rules on self-made conversations
 * (pipelining, CLIENT REPLY, subscribed mode, RESP3), the violations of
 * Zeek's Spicy glue, a fuzz over random and mutated conversations, and
 * Zeek's Redis btests whose output is a script's prints (replayed here as
 * TypeScript handlers) or a log the btest-applogs suite cannot reach
 * (django-cloud, large-requests-responses), against Zeek's baselines.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { type TestContext, test } from "node:test";
import { isAuth, knownCommand, makeAuth, makeSet, parseCommand, tokenizeInline } from "../../../src/analyzer/app/redis/command.js";
import { RESP_MAX_SIZE, RespClientReader, RespError, RespServerReader, type ServerMessage } from "../../../src/analyzer/app/redis/resp.js";
import { Engine } from "../../../src/engine.js";
import { EVENT_NAMES, type EventName } from "../../../src/event/events.js";
import { loadBuiltinScripts } from "../../../src/index.js";
import { readTrace } from "../../../src/source/open.js";
import { canonicalBtestLog } from "../../conformance/btest-applogs-harness.js";
import { corpusRoot, oracleMissing } from "../../helpers/corpus.js";
import { runChecked } from "../../helpers/fuzz.js";
import { memorySource, type TestPacket } from "../../helpers/packets.js";
import { rng } from "../../helpers/rng.js";
import { tcpTrace } from "../../session/harness.js";
import { zeekSource } from "../../signatures/btest-harness.js";
import { bytes, rows, type Step, segments } from "./tcp-conv.js";

const LIMITS = { maxValue: 250, maxElements: 20000 };

/** Server messages read from `text`, fed whole and byte by byte (both must agree). */
function serverValues(text: string, limits = LIMITS): ServerMessage[] {
  const whole: ServerMessage[] = [];
  new RespServerReader(limits, (m) => whole.push(m)).feed(bytes(text));
  const byByte: ServerMessage[] = [];
  const r = new RespServerReader(limits, (m) => byByte.push(m));
  for (const b of bytes(text)) r.feed(Uint8Array.of(b));
  assert.deepEqual(byByte, whole);
  return whole;
}

function serverValue(text: string): string {
  const [m] = serverValues(text);
  return m!.value;
}

function clientCommands(text: string, limits = LIMITS): string[][] {
  const out: string[][] = [];
  new RespClientReader(limits, (w) => out.push(w)).feed(bytes(text));
  const byByte: string[][] = [];
  const r = new RespClientReader(limits, (w) => byByte.push(w));
  for (const b of bytes(text)) r.feed(Uint8Array.of(b));
  assert.deepEqual(byByte, out);
  return out;
}

test("server values of every RESP2 and RESP3 type in Zeek's text form", () => {
  assert.equal(serverValue("+OK\r\n"), "OK");
  assert.equal(serverValue("-ERR no\r\n"), "ERR no");
  assert.equal(serverValue(":42\r\n"), "42");
  assert.equal(serverValue("$5\r\nhe\r\no\r\n"), "he\r\no");
  assert.equal(serverValue("$-1\r\n"), "");
  assert.equal(serverValue("*3\r\n:1\r\n+a\r\n$1\r\nb\r\n"), "[1, a, b]");
  assert.equal(serverValue("*-1\r\n"), "[]");
  assert.equal(serverValue("*2\r\n*1\r\n:1\r\n*0\r\n"), "[[1], []]");
  assert.equal(serverValue("_\r\n"), "null");
  assert.equal(serverValue("#t\r\n"), "T");
  assert.equal(serverValue("#f\r\n"), "F");
  assert.equal(serverValue(",1.5\r\n"), "1.5");
  assert.equal(serverValue("(12345678901234567890\r\n"), "12345678901234567890");
  assert.equal(serverValue("!3\r\nbad\r\n"), "bad");
  assert.equal(serverValue("=7\r\ntxt:abc\r\n"), "txt:abc");
  assert.equal(serverValue("%2\r\n+a\r\n:1\r\n+b\r\n#t\r\n"), "{a: 1, b: T}");
  assert.equal(serverValue("~2\r\n+x\r\n+y\r\n"), "(x, y)");
  assert.equal(serverValue(">2\r\n+message\r\n+hi\r\n"), "[message, hi]");
  const [m] = serverValues("|1\r\n+ttl\r\n:3\r\n*1\r\n:7\r\n");
  assert.deepEqual(m, { type: 0x2a, value: "[7]", attributes: "{ttl: 3}", minProtocolVersion: 3 });
  // A nested value's attributes are read and not shown, nor separated.
  assert.equal(serverValue("*2\r\n:1\r\n|1\r\n+k\r\n+v\r\n:2\r\n"), "[1, 2]");
  assert.equal(serverValues("+OK\r\n")[0]!.minProtocolVersion, 2);
  assert.equal(serverValues("%0\r\n")[0]!.minProtocolVersion, 3);
  assert.equal(serverValues("+a\r\n:1\r\n").length, 2);
});

test("server values are cut at Redis::max_value_size as Zeek's append cuts them (0: 1 MiB)", () => {
  const long = "x".repeat(300);
  assert.equal(serverValue(`+${long}\r\n`).length, 250);
  assert.equal(serverValues(`*2\r\n+${long}\r\n+b\r\n`, { maxValue: 10, maxElements: 0 })[0]!.value, `[${"x".repeat(9)}`);
  assert.equal(serverValues(`+${long}\r\n`, { maxValue: 0, maxElements: 0 })[0]!.value, long);
});

test("server errors: unknown type, bad lengths, Zeek's depth and element limits, overlong lines", () => {
  const bad = (text: string, limits = LIMITS): string => {
    try {
      new RespServerReader(limits, () => {}).feed(bytes(text));
    } catch (e) {
      assert.ok(e instanceof RespError);
      return e.message;
    }
    return "";
  };
  assert.match(bad("not RESP\r\n"), /no matching case/);
  assert.match(bad("*x\r\n"), /integer/);
  assert.match(bad("*-2\r\n"), /invalid/);
  assert.match(bad(`$${RESP_MAX_SIZE + 1}\r\n`), /exceeds/);
  assert.match(bad("%-1\r\n"), /integer/);
  assert.match(bad("|0\r\n|0\r\n"), /after attributes/);
  assert.equal(bad(`${"*1\r\n".repeat(19)}:1\r\n`), "");
  assert.match(bad(`${"*1\r\n".repeat(20)}:1\r\n`), /recursion depth/);
  assert.match(bad("*1000\r\n", { maxValue: 250, maxElements: 500 }), /too many elements 1000 > 500/);
  assert.match(bad("*2\r\n*2\r\n", { maxValue: 250, maxElements: 3 }), /too many elements 4 > 3/);
  assert.match(bad(`+${"a".repeat(RESP_MAX_SIZE)}`), /line exceeds/);
});

test("client commands: bulk-string arrays, inline lines with Zeek's quote rules, words capped", () => {
  assert.deepEqual(clientCommands("*2\r\n$3\r\nGET\r\n$1\r\nk\r\nPING\r\nSET a 'b c'\r\n"), [["GET", "k"], ["PING"], ["SET", "a", "'b c'"]]);
  assert.deepEqual(tokenizeInline(`SET k "a \\" b" x`, 250), ["SET", "k", `"a \\" b"`, "x"]);
  assert.deepEqual(tokenizeInline(`SET k 'open`, 250), ["SET", "k", "'open"]);
  assert.deepEqual(tokenizeInline("  a\tb\0c  ", 250), ["a", "b", "c"]);
  assert.deepEqual(tokenizeInline("abcdef", 3), ["abc"]);
  assert.deepEqual(clientCommands("*1\r\n$6\r\nabcdef\r\n", { maxValue: 2, maxElements: 0 }), [["ab"]]);
  const bad = (text: string): boolean => {
    try {
      new RespClientReader(LIMITS, () => {}).feed(bytes(text));
      return false;
    } catch (e) {
      return e instanceof RespError;
    }
  };
  assert.ok(bad("*1\r\n:1\r\n"), "array elements are bulk strings");
  assert.ok(bad("*1\r\n$-1\r\n"), "a null bulk string in a command");
  assert.ok(bad(`${"x".repeat(1100)}\r\n`), "an inline line is at most 1024 bytes");
  assert.ok(bad("*20001\r\n"), "Redis::max_aggregate_elements");
});

test("command words: Zeek's known commands, their key and value, SET options, AUTH", () => {
  assert.deepEqual(parseCommand(["set", "k", "v", "EX", "10", "nx", "keepttl"]), {
    raw: ["set", "k", "v", "EX", "10", "nx", "keepttl"],
    name: "set",
    key: "k",
    value: "v",
    known: "Redis::RedisCommand_SET",
  });
  assert.deepEqual(makeSet(parseCommand(["SET", "k", "v", "EX", "10", "nx", "keepttl", "PX"])), {
    key: "k",
    value: "v",
    nx: true,
    xx: false,
    get: false,
    keep_ttl: true,
    ex: 10,
  });
  const zeeks =
    "append auth bitcount bitfield bitfield_ro bitop bitpos blmpop blpop brpop client copy decr decrby del dump exists expire expireat expiretime get getbit getdel getex getrange getset hdel hello hget hset incr incrby keys mget move mset persist psubscribe punsubscribe quit rename reset set strlen subscribe ssubscribe sunsubscribe ttl type unsubscribe";
  assert.deepEqual(
    zeeks.split(" ").filter((w) => knownCommand(w.toUpperCase()) !== `Redis::RedisCommand_${w.toUpperCase()}`),
    [],
    "Zeek's 50 known commands",
  );
  assert.equal(knownCommand("XADD"), undefined);
  assert.equal(parseCommand(["BITOP", "AND", "dest", "a"]).key, "dest");
  assert.equal(parseCommand(["BLMPOP", "0", "1", "list", "LEFT"]).key, "list");
  assert.equal(parseCommand(["GET", "k"]).value, undefined);
  assert.deepEqual(parseCommand(["XADD", "s", "*"]), { raw: ["XADD", "s", "*"], name: "XADD" });
  assert.ok(!isAuth(parseCommand(["AUTH"])));
  assert.deepEqual(makeAuth(parseCommand(["AUTH", "pw"])), { password: "pw" });
  assert.deepEqual(makeAuth(parseCommand(["AUTH", "u", "pw"])), { username: "u", password: "pw" });
});

interface Run {
  readonly redis: string[][];
  readonly weird: string[][];
  readonly conn: string[][];
  readonly events: string[];
  readonly violations: string[];
}

/** A conversation to 6379 through an engine with Spicy on, the built-in scripts in memory. */
async function converse(steps: Step[], settings: string[] = [], watch: EventName[] = [], sport = 6379): Promise<Run> {
  const engine = new Engine({ spicy: true, settings });
  const scripts = loadBuiltinScripts(engine, { memory: true });
  const events: string[] = [];
  const violations: string[] = [];
  engine.on("analyzer_violation_info", (atype, info) => void violations.push(`${atype} ${info.reason}`));
  for (const name of watch) engine.on(name, ((...args: unknown[]) => events.push([name, ...args.slice(1).map((a) => JSON.stringify(a))].join(" "))) as never);
  await engine.run(memorySource(tcpTrace(segments(steps), { sport, cport: 40000 })));
  const log = (p: string): string[][] => rows(scripts.logs.text(p));
  return { redis: log("redis"), weird: log("weird"), conn: log("conn"), events, violations };
}

/** redis.log's command, key, value, success and reply columns. */
const cols = (r: Run): string[] => r.redis.map((row) => row.slice(6).join(" "));

test("pipelined commands get their replies in order; RESP3 and errors; the service is confirmed", async () => {
  const r = await converse([
    ["c", "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\nGET k\r\nHELLO 3\r\nBOGUS\r\nEXISTS k\r\n"],
    ["s", "+OK\r\n$1\r\nv\r\n%1\r\n+proto\r\n:3\r\n-ERR unknown command\r\n#t\r\n"],
  ]);
  assert.deepEqual(cols(r), ["SET k v T OK", "GET k - T v", "HELLO - - T {proto: 3}", "BOGUS - - F ERR unknown command", "EXISTS k - T T"]);
  assert.equal(r.conn[0]![7], "redis");
  assert.deepEqual(r.violations, []);
});

test("CLIENT REPLY OFF/ON and SKIP: the commands no reply answers are written without one", async () => {
  const r = await converse([
    ["c", "PING\r\nCLIENT REPLY OFF\r\nPING\r\nCLIENT REPLY ON\r\nPING\r\nCLIENT REPLY SKIP\r\nPING\r\nPING\r\n"],
    ["s", "+PONG\r\n+OK\r\n+PONG\r\n+PONG\r\n"],
  ]);
  assert.deepEqual(cols(r), [
    "PING - - T PONG",
    "CLIENT - - - -",
    "PING - - - -",
    "CLIENT - - T OK",
    "PING - - T PONG",
    "CLIENT - - - -",
    "PING - - - -",
    "PING - - T PONG",
  ]);
});

test("RESP2 subscribed mode: (un)subscribe get no reply row, published messages are server pushes", async () => {
  const r = await converse(
    [
      ["c", "SUBSCRIBE ch\r\n"],
      ["s", "*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n"],
      ["s", "*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n"],
      ["c", "RESET\r\n"],
      ["s", "+RESET\r\n"],
    ],
    [],
    ["Redis::server_push", "Redis::reply"],
  );
  assert.deepEqual(r.events, [
    'Redis::reply {"value":"[subscribe, ch, 1]","min_protocol_version":2}',
    'Redis::server_push {"value":"[subscribe, ch, 1]","min_protocol_version":2}',
    'Redis::reply {"value":"[message, ch, hi]","min_protocol_version":2}',
    'Redis::server_push {"value":"[message, ch, hi]","min_protocol_version":2}',
    'Redis::reply {"value":"RESET","min_protocol_version":2}',
  ]);
  // RESET's reply writes the SUBSCRIBE before it (log_from), then itself.
  assert.deepEqual(cols(r), ["SUBSCRIBE - - - -", "RESET - - T RESET"]);
});

test("Redis::ports: a redef moves the analyzer (DPD aside: a line the server answers with no RESP)", async () => {
  const steps: Step[] = [
    ["c", "PING\r\n"],
    ["s", "PONG\r\n"],
  ];
  const moved = ["Redis::ports={7000/tcp}"];
  const commands = async (settings: string[], sport: number): Promise<number> => (await converse(steps, settings, ["Redis::command"], sport)).events.length;
  assert.equal(await commands([], 6379), 1);
  assert.equal(await commands(moved, 6379), 0);
  assert.equal(await commands(moved, 7000), 1);
});

test("past Redis::max_pending_commands: the weird, and the state starts over", async () => {
  const r = await converse(
    [
      ["c", "PING\r\n".repeat(4)],
      ["s", "+PONG\r\n".repeat(4)],
    ],
    ["Redis::max_pending_commands=2"],
  );
  assert.deepEqual(
    r.weird.map((w) => `${w[6]} ${w[7]} ${w[10]}`),
    ["Redis_excessive_pipelining 3 > 2 REDIS"],
  );
  assert.equal(r.redis.length, 4);
  assert.match(r.conn[0]![15]!, /X/, "Reporter::limit_reached_weird marks the history");
});

test("violations as Zeek's Spicy glue reports them; nothing thrown out of the analyzer", async () => {
  const first = await converse([
    ["s", "+OK\r\n"],
    ["c", "PING\r\n"],
    ["s", "+PONG\r\n"],
  ]);
  // The port's analyzer, and the one DPD starts when the client speaks (its buffer replayed, the server's data first).
  assert.ok(first.violations.length > 0 && first.violations.every((v) => v === "REDIS Server responses must come after a client request is seen"));
  assert.deepEqual(first.redis, []);
  const client = await converse([
    ["c", "*1\r\n:1\r\n"],
    ["s", "+OK\r\n"],
  ]);
  // Again once DPD restarts it on the server's reply (the client's line and "+OK" match dpd.sig).
  assert.deepEqual(client.violations, ["REDIS expected '$' before a bulk string, got byte 58", "REDIS expected '$' before a bulk string, got byte 58"]);
  // A server error is recovered from at the next CR LF; when the server's data ends, trial mode was never left.
  const server = await converse([
    ["c", "PING\r\nPING\r\n"],
    ["s", "?huh\r\n+PONG\r\n"],
  ]);
  assert.deepEqual(server.violations, ["REDIS successful synchronization never confirmed: no matching case for type byte 63"]);
  assert.deepEqual(cols(server), ["PING - - T PONG"], "the violation keeps the pending command out of the log");
  const cut = await converse([
    ["c", "PING\r\n"],
    ["s", "$10\r\nabc"],
  ]);
  assert.deepEqual(cut.violations, ["REDIS expected more data: the input ended inside a message"]);
});

test("fuzz: random bytes and mutated conversations never throw out of the analyzer", async () => {
  const base: Step[][] = [
    [
      ["c", "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\nGET k\r\n"],
      ["s", "+OK\r\n$1\r\nv\r\n"],
    ],
    [
      ["c", "HELLO 3\r\nSUBSCRIBE a\r\n"],
      ["s", "|1\r\n+k\r\n%1\r\n+a\r\n~1\r\n#t\r\n>3\r\n+subscribe\r\n+a\r\n:1\r\n"],
    ],
    [
      ["c", "CLIENT REPLY SKIP\r\nPING\r\nAUTH u p\r\n"],
      ["s", "-ERR x\r\n!2\r\nno\r\n=5\r\ntxt:a\r\n,1.5\r\n(9\r\n_\r\n*-1\r\n"],
    ],
  ];
  const r = rng(6379);
  for (let round = 0; round < 3; round++) {
    const packets: TestPacket[] = [];
    for (let i = 0; i < 40; i++) {
      const steps: Step[] = base[Math.floor(r() * base.length)]!.map(([from, b]) => [from, mutate(bytes(b), r)]);
      if (i % 5 === 0) steps.push(["s", Uint8Array.from({ length: 64 }, () => Math.floor(r() * 256))]);
      packets.push(...tcpTrace(segments(steps, 10 + i), { sport: 6379, cport: 30000 + round * 100 + i }));
    }
    packets.sort((a, b) => a.ts - b.ts);
    const engine = new Engine({ spicy: true });
    loadBuiltinScripts(engine, { memory: true });
    const errors: string[] = [];
    engine.on("analyzer_violation_info", (_a, info) => {
      if (info.reason.includes("analyzer error")) errors.push(info.reason);
    });
    assert.equal(await runChecked(engine, packets, round % 2 === 0), 40);
    assert.deepEqual(errors, []);
  }
});

function mutate(b: Uint8Array, r: () => number): Uint8Array {
  const out = Array.from(b);
  for (let n = Math.floor(r() * 4); n > 0; n--) {
    const at = Math.floor(r() * Math.max(1, out.length));
    const kind = Math.floor(r() * 3);
    if (kind === 0) out[at] = Math.floor(r() * 256);
    else if (kind === 1) out.splice(at, 1 + Math.floor(r() * 4));
    else out.splice(at, 0, ...bytes(["*", "$", "\r\n", "-1", "99999999"][Math.floor(r() * 5)]!));
  }
  return Uint8Array.from(out);
}

// Zeek's btests of prints and of logs the btest-applogs suite does not reach.

const BASELINE = "testing/btest/Baseline/scripts.base.protocols.redis";

interface Replayed {
  readonly printed: string[];
  log(path: string): string;
}

/** A `zeek -b` run of a Redis trace with base/protocols/redis (and `loads`), `script` playing the btest's handlers. */
async function replayTrace(
  t: TestContext,
  trace: string,
  script: (engine: Engine, print: (line: string) => void) => void,
  loads: string[] = [],
  settings: string[] = [],
): Promise<Replayed | null> {
  const zeek = zeekSource();
  const path = join(corpusRoot(), "zeek", "traces", "redis", trace);
  if (zeek === null || !existsSync(path)) {
    oracleMissing(t, "Zeek's source (BRONZE_ZEEK_SOURCE) or the corpus' Redis traces are missing: Zeek's Redis print btests are not replayed");
    return null;
  }
  const seed = zeek
    .read("testing/btest/random.seed")
    .split(/\s+/)
    .filter((w) => w !== "")
    .map(Number);
  const all = [...loads, "base/protocols/redis"];
  const engine = new Engine({ bare: true, spicy: true, loads: all, seed, settings });
  const scripts = loadBuiltinScripts(engine, { memory: true, bare: true, loads: all, stderr: null });
  const printed: string[] = [];
  script(engine, (line) => printed.push(line));
  await engine.run(readTrace(path));
  return { printed, log: (p) => scripts.logs.text(p) };
}

function baseline(name: string, file: string): string {
  return zeekSource()!.read(`${BASELINE}.${name}/${file}`);
}

function expectPrinted(name: string, printed: readonly string[]): void {
  const lines = baseline(name, "output")
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("### "));
  assert.deepEqual(printed, lines);
}

/** A log as btest compares it; bronze's times masked as Zeek's baselines are. */
function expectLog(name: string, file: string, text: string): void {
  const masked = text
    .split("\n")
    .map((l) => (l === "" || l.startsWith("#") ? l : l.replace(/^[^\t]*/, "XXXXXXXXXX.XXXXXX")))
    .join("\n");
  assert.equal(canonicalBtestLog(masked), canonicalBtestLog(baseline(name, file)));
}

test("Zeek's btests auth, bulk, set, pipelined-with-commands: the events' prints", async (t) => {
  const auth = await replayTrace(t, "auth.pcap", (e, print) => {
    e.on("Redis::auth_command", (_c, cmd) => {
      print("AUTH");
      print(`username: ${cmd.username ?? "default"}`);
      print(`password: ${cmd.password}`);
    });
    e.on("Redis::reply", (_c, data) => print(`Auth succeeded:, ${data.value}`));
    e.on("Redis::error", (_c, data) => print(`Auth failed:, ${data.value}`));
  });
  if (auth === null) return;
  expectPrinted("auth", auth.printed);
  const bulk = await replayTrace(t, "bulk-loading.pcap", (e, print) => e.on("Redis::set_command", (_c, cmd) => print(`SET: ${cmd.key} ${cmd.value}`)));
  expectPrinted("bulk", bulk!.printed);
  const set = await replayTrace(t, "set.pcap", (e, print) => e.on("Redis::set_command", (_c, cmd) => print(`Key: ${cmd.key} Value: ${cmd.value}`)));
  expectPrinted("set", set!.printed);
  const piped = await replayTrace(t, "pipeline-with-commands.pcap", (e, print) => {
    e.on("Redis::set_command", (_c, cmd) => print(`SET: ${cmd.key} ${cmd.value}`));
    e.on("Redis::get_command", (_c, key) => print(`GET: ${key}`));
  });
  expectPrinted("pipelined-with-commands", piped!.printed);
  expectLog("pipelined-with-commands", "redis.log", piped!.log("redis"));
});

test("Zeek's btests pubsub, pubsub-resp3, attributes, start-with-server: pushes, attributes, nothing before a client", async (t) => {
  const pushes = (e: Engine, print: (line: string) => void): void => void e.on("Redis::server_push", (_c, data) => print(`Got published data!, ${data.value}`));
  const pubsub = await replayTrace(t, "pubsub.pcap", pushes);
  if (pubsub === null) return;
  expectPrinted("pubsub", pubsub.printed);
  expectLog("pubsub", "redis.log", pubsub.log("redis"));
  expectPrinted("pubsub-resp3", (await replayTrace(t, "pubsub-resp3.pcap", pushes))!.printed);
  const attr = await replayTrace(t, "attr.pcap", (e, print) =>
    e.on("Redis::reply", (_c, data) =>
      print(data.attributes === undefined ? `Got data:, ${data.value}` : `Got data:, ${data.value}, with attributes:, ${data.attributes}`),
    ),
  );
  expectPrinted("attributes", attr!.printed);
  expectLog("attributes", "redis.log", attr!.log("redis"));
  const server = await replayTrace(t, "start-with-server.pcapng", (e, print) => {
    for (const name of ["Redis::command", "Redis::reply", "Redis::error"] as const) e.on(name, () => print("BAD"));
  });
  expectPrinted("start-with-server", server!.printed);
});

test("Zeek's btests django-cloud (Redis::ports redef'd) and large-requests-responses (Redis::max_value_size)", async (t) => {
  let sets = 0;
  let largest = 0;
  let result = "";
  const django = await replayTrace(
    t,
    "django-cloud.pcapng",
    (e) =>
      e.on("Redis::set_command", (_c, cmd) => {
        const n = Number(cmd.key.slice(13));
        if (n > largest) [largest, result] = [n, cmd.value];
        sets++;
      }),
    ["base/protocols/conn"],
    ["Redis::ports+={10625/tcp}"],
  );
  if (django === null) return;
  expectPrinted("django-cloud", [`Factorial of ${largest} is ${result}`, `Found ${sets} SET commands`]);
  expectLog("django-cloud", "redis.log", django.log("redis"));
  expectLog("django-cloud", "conn.log", django.log("conn"));
  const large = await replayTrace(t, "large-requests-responses.pcap", () => {});
  expectLog("large-requests-responses", "redis-default.log", large!.log("redis"));
  const smaller = await replayTrace(t, "large-requests-responses.pcap", () => {}, [], ["Redis::max_value_size=10"]);
  expectLog("large-requests-responses", "redis-smaller.log", smaller!.log("redis"));
  // Redis::max_value_size=0: the rows with at least 251 X's (the btest's grep), whole.
  const uncapped = await replayTrace(t, "large-requests-responses.pcap", () => {}, [], ["Redis::max_value_size=0"]);
  const long = (text: string): string[] =>
    text
      .split("\n")
      .filter((l) => /X{251,}/.test(l) && !l.startsWith("#"))
      .map((l) => l.slice(l.indexOf("\t") + 1));
  assert.deepEqual(long(uncapped!.log("redis")), long(baseline("large-requests-responses", "redis-uncapped.filtered.log")));
  assert.equal(long(uncapped!.log("redis")).length, 4);
});

test("Zeek's btests element-object-exhaustion (the violation at the end of trial mode) and finalize-redis-state-check (no error)", async (t) => {
  const zeek = zeekSource();
  const traces = join(corpusRoot(), "zeek", "traces", "redis");
  if (zeek === null || !existsSync(join(traces, "oss-fuzz-473580107.pcap"))) {
    oracleMissing(
      t,
      "Zeek's source (BRONZE_ZEEK_SOURCE) or the corpus' Redis traces are missing: element-object-exhaustion and finalize-redis-state-check are not replayed",
    );
    return;
  }
  const violations = async (settings: string[]): Promise<string[]> => {
    const engine = new Engine({ bare: true, spicy: true, loads: ["base/protocols/redis"], settings });
    loadBuiltinScripts(engine, { memory: true, bare: true, loads: ["base/protocols/redis"], stderr: null });
    const seen: string[] = [];
    engine.on("analyzer_violation_info", (atype, info) => void seen.push(`${atype} ${info.reason}`));
    await engine.run(readTrace(join(traces, "array-element-object-exhaustion.pcap")));
    return seen;
  };
  assert.deepEqual(await violations([]), []);
  // Zeek's reason ends with the Spicy source location, which its canonifier masks.
  const reason = / \(<\.\.\.>\/resp\.spicy:<location>\)$/;
  const expected = baseline("element-object-exhaustion", "analyzer_debug.log").split("\n")[2]!.split("\t")[10]!.replace(reason, "");
  assert.deepEqual(await violations(["Redis::max_aggregate_elements=500"]), [`REDIS ${expected}`]);
  // Zeek's default scripts on an OSS-Fuzz trace (Redis found by DPD on port 80): nothing on stderr, here nothing thrown.
  const engine = new Engine({ spicy: true });
  const scripts = loadBuiltinScripts(engine, { memory: true, stderr: null });
  const errors: string[] = [];
  (engine.bus as unknown as { reportError: (e: string, err: unknown) => void }).reportError = (e, err) => errors.push(`${e}: ${String(err)}`);
  for (const name of EVENT_NAMES) engine.on(name, (() => {}) as never);
  await engine.run(readTrace(join(traces, "oss-fuzz-473580107.pcap")));
  assert.deepEqual(errors, []);
  assert.ok(rows(scripts.logs.text("redis")).length > 0, "DPD found Redis on port 80");
});
