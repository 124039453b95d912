/**
 * The WebSocket analyzer and websocket.log: an HTTP upgrade, frames split
 * across segments (masked, fragmented, control frames, an oversized ping, an
 * empty close), the handshake weirds, TLS tunnelled in binary messages found
 * by the DPD child, and mutated frames never throwing.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { expectedAcceptFor } from "../../../src/analyzer/app/websocket/main.js";
import { Engine, loadBuiltinScripts } from "../../../src/index.js";
import { parseLog } from "../../conformance/conn-harness.js";
import { runChecked } from "../../helpers/fuzz.js";
import { memorySource, type TestPacket } from "../../helpers/packets.js";
import { rng } from "../../helpers/rng.js";
import { cat, clientHello, conversation, record, serverHello, sni } from "../../helpers/tls.js";

const KEY = "dGhlIHNhbXBsZSBub25jZQ==";

function upgrade(accept = expectedAcceptFor(KEY), extra = ""): { req: Uint8Array; rep: Uint8Array } {
  const req =
    "GET /chat?x=1 HTTP/1.1\r\nHost: example.org\r\nUser-Agent: test/1.0\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
    `Sec-WebSocket-Key: ${KEY}\r\nSec-WebSocket-Protocol: chat, superchat\r\nSec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n`;
  const rep = `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\nSec-WebSocket-Protocol: chat\r\n${extra}\r\n`;
  return { req: Buffer.from(req, "latin1"), rep: Buffer.from(rep, "latin1") };
}

/** One frame; the client's are masked (RFC 6455 §5.3). */
function frame(opcode: number, payload: Uint8Array | string, o: { fin?: boolean; mask?: boolean } = {}): Uint8Array {
  const data = typeof payload === "string" ? Buffer.from(payload, "latin1") : payload;
  const n = data.length;
  const head = [((o.fin ?? true) ? 0x80 : 0) | opcode];
  const m = o.mask ? 0x80 : 0;
  if (n < 126) head.push(m | n);
  else if (n < 65536) head.push(m | 126, n >> 8, n & 0xff);
  else head.push(m | 127, 0, 0, 0, 0, (n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff);
  if (!o.mask) return cat(head, data);
  const key = [0x11, 0x22, 0x33, 0x44];
  return cat(
    head,
    key,
    Uint8Array.from(data, (b, i) => b ^ key[i & 3]!),
  );
}

interface Result {
  ws: string[][];
  weird: string[];
  ssl: string[][];
  conn: string[][];
  events: string[];
}

async function run(packets: TestPacket[], loads?: string[]): Promise<Result> {
  const bare = loads !== undefined;
  const engine = new Engine({ bare, loads });
  const scripts = loadBuiltinScripts(engine, { memory: true, bare, loads });
  const events: string[] = [];
  engine.on("websocket_established", () => void events.push("established"));
  engine.on("websocket_frame", (_c, isOrig, fin, _rsv, opcode, len) => void events.push(`frame ${isOrig ? "c" : "s"} ${fin ? "F" : "-"} ${opcode} ${len}`));
  engine.on("websocket_frame_data", (_c, isOrig, data) => void events.push(`data ${isOrig ? "c" : "s"} ${data}`));
  engine.on("websocket_close", (_c, isOrig, status, reason) => void events.push(`close ${isOrig ? "c" : "s"} ${status} ${reason}`));
  engine.on("websocket_message", (_c, isOrig, opcode) => void events.push(`message ${isOrig ? "c" : "s"} ${opcode}`));
  engine.on("analyzer_confirmation_info", (atype) => void events.push(`confirm ${atype}`));
  await engine.run(memorySource(packets));
  scripts.close();
  const rows = (path: string): string[][] => {
    const text = scripts.logs.text(path);
    return text ? parseLog(text).rows.map((r) => [...r]) : [];
  };
  return { ws: rows("websocket"), weird: rows("weird").map((w) => w[6]!), ssl: rows("ssl"), conn: rows("conn"), events };
}

test("WebSocket: websocket.log from the upgrade's headers; frames, fragments, control frames and close as Zeek's analyzer", async () => {
  const { req, rep } = upgrade();
  const text = frame(1, "hello", { mask: true });
  const r = await run(
    conversation(
      [
        { from: "c", data: req },
        { from: "s", data: rep },
        // A text message cut inside its header and payload.
        { from: "c", data: text, cuts: [1, 4] },
        // A fragmented binary message from the server, then a ping with 130 bytes (over the 125 cap).
        { from: "s", data: cat(frame(2, "ab", { fin: false }), frame(0, "cd"), frame(9, new Uint8Array(130).fill(0x70))) },
        // A close with status 1000 and a reason, and an empty close back.
        { from: "c", data: frame(8, cat([0x03, 0xe8], Buffer.from("bye")), { mask: true }) },
        { from: "s", data: frame(8, "") },
      ],
      80,
    ),
  );
  assert.equal(r.ws.length, 1);
  const row = r.ws[0]!;
  assert.deepEqual(row.slice(6), ["example.org", "/chat?x=1", "test/1.0", "chat", "chat,superchat", "-", "permessage-deflate; client_max_window_bits"]);
  assert.deepEqual(
    r.events.filter((e) => !e.startsWith("confirm HTTP")),
    [
      "established",
      "frame c F 1 5",
      "data c hello",
      "confirm WEBSOCKET",
      "message c 1",
      "frame s - 2 2",
      "data s ab",
      "frame s F 0 2",
      "data s cd",
      "message s 2",
      "frame s F 9 130",
      `data s ${"p".repeat(125)}`,
      "message s 9",
      "frame c F 8 5",
      "data c \u0003\u00e8bye",
      "close c 1000 bye",
      "message c 8",
      "frame s F 8 0",
      "close s 0 ",
      "message s 8",
    ],
  );
  assert.deepEqual(r.weird, ["websocket_control_frame_size_exceeded"]);
  assert.equal(r.conn[0]![7], "http,websocket");
});

test("WebSocket: a wrong accept value and missing headers are Zeek's weirds; a continuation first is a violation", async () => {
  const { req, rep } = upgrade("AAAA");
  const r = await run(
    conversation(
      [
        { from: "c", data: req },
        { from: "s", data: rep },
        { from: "c", data: frame(0, "x", { mask: true }) },
      ],
      80,
    ),
  );
  assert.deepEqual(r.weird, ["websocket_wrong_accept_header"]);
  assert.ok(!r.events.includes("confirm WEBSOCKET"));
  const bare = Buffer.from("GET / HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n", "latin1");
  const bareRep = Buffer.from("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n", "latin1");
  const r2 = await run(
    conversation(
      [
        { from: "c", data: bare },
        { from: "s", data: bareRep },
      ],
      80,
    ),
  );
  assert.deepEqual(r2.weird, ["websocket_established_unexpected", "websocket_missing_key_header", "websocket_missing_accept_header"]);
  assert.equal(r2.ws.length, 1);
});

test("WebSocket: TLS carried in binary messages is found by DPD and analysed (ssl.log, the service)", async () => {
  const { req, rep } = upgrade();
  const hello = record(22, clientHello({ exts: [sni("inner.example")] }), 0x0301);
  const server = record(22, serverHello({ cipher: 0xc02f }));
  const r = await run(
    conversation(
      [
        { from: "c", data: req },
        { from: "s", data: rep },
        { from: "c", data: frame(2, hello, { mask: true }) },
        { from: "s", data: frame(2, server) },
      ],
      80,
    ),
  );
  assert.equal(r.ssl.length, 1);
  assert.equal(r.ssl[0]![9], "inner.example");
  assert.ok(r.events.includes("confirm SSL"), r.events.join("|"));
  assert.deepEqual(r.conn[0]![7]!.split(",").sort(), ["http", "ssl", "websocket"]);
});

test("WebSocket fuzz: mutated frames never throw out of the analyzer", async () => {
  const rand = rng(6455);
  const { req, rep } = upgrade();
  const base = cat(
    frame(1, "hello", { mask: true }),
    frame(2, new Uint8Array(300).fill(3), { fin: false, mask: true }),
    frame(0, "end", { mask: true }),
    frame(8, cat([3, 0xe8]), { mask: true }),
  );
  for (let round = 0; round < 40; round++) {
    const d = base.slice();
    for (let k = 1 + Math.floor(rand() * 8); k > 0; k--) d[Math.floor(rand() * d.length)] = Math.floor(rand() * 256);
    const cuts = [Math.floor(rand() * d.length)].sort((a, b) => a - b);
    const engine = new Engine();
    loadBuiltinScripts(engine, { memory: true });
    await runChecked(
      engine,
      conversation(
        [
          { from: "c", data: req },
          { from: "s", data: rep },
          { from: "c", data: d, cuts },
          { from: "s", data: d.slice().reverse() },
        ],
        80,
      ),
      round % 10 === 0,
    );
  }
});

test("WebSocket: with -b and without base/protocols/websocket, HTTP::upgrade_analyzers has no websocket entry: the upgrade goes to detection, as in Zeek", async () => {
  const { req, rep } = upgrade();
  const turns = [
    { from: "c" as const, data: req },
    { from: "s" as const, data: rep },
    { from: "c" as const, data: frame(1, "hello", { mask: true }) },
  ];
  const without = await run(conversation(turns, 80), ["base/protocols/conn", "base/protocols/http"]);
  assert.deepEqual(
    without.events.filter((e) => !e.startsWith("confirm HTTP")),
    [],
  );
  assert.equal(without.conn[0]?.[7], "http");
  const withIt = await run(conversation(turns, 80), ["base/protocols/conn", "base/protocols/http", "base/protocols/websocket"]);
  assert.ok(withIt.events.includes("established"));
  assert.equal(withIt.conn[0]?.[7], "http,websocket");
});
