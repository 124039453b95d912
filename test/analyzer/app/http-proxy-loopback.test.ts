/**
 * Proxies on loopback (captures/make-http-proxy-loopback.sh): Debian's nginx
 * relaying WebSocket sessions of python3-websockets to its echo server (one
 * session plain, one with permessage-deflate), and tinyproxy forwarding a
 * plain GET and a CONNECT to an OpenSSL server. Each client session is two
 * connections, one on each side of the proxy; the logs and events are
 * checked against what the script's clients sent.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { captureLogs } from "./capture-logs.js";

/** The page make-http-proxy-loopback.sh serves. */
const PAGE = "<html><body>proxied page for bronze tests</body></html>\n";

interface Run {
  rows: (path: string) => Record<string, string>[];
  frames: string[];
}

async function run(): Promise<Run> {
  const frames: string[] = [];
  const rows = await captureLogs("http-proxy-loopback.pcap", (engine) => {
    // Both sides of nginx carry the same frames: those of the client's leg are enough.
    engine.on("websocket_frame", (c, isOrig, fin, reserved, opcode, length) => {
      if (c.id.resp_p === 8080) frames.push(`${isOrig ? "client" : "server"} fin=${fin} rsv=${reserved} op=${opcode} len=${length}`);
    });
    engine.on("websocket_frame_data", (c, isOrig, data) => {
      if (c.id.resp_p === 8080) frames.push(`${isOrig ? "client" : "server"} data ${JSON.stringify(data)}`);
    });
    engine.on("websocket_close", (c, isOrig, status, reason) => {
      if (c.id.resp_p === 8080) frames.push(`${isOrig ? "client" : "server"} close ${status} ${JSON.stringify(reason)}`);
    });
  });
  return { rows, frames };
}

let cached: Promise<Run> | undefined;
const logs = (): Promise<Run> => (cached ??= run());

test("proxies on loopback: conn.log names each leg's protocols, nothing is weird", async () => {
  const { rows } = await logs();
  const services = rows("conn")
    .map((c) => `${c["id.resp_p"]} ${c.service}`)
    .sort();
  assert.deepEqual(services, [
    // tinyproxy's CONNECT leg: HTTP, then TLS inside the tunnel.
    "4443 ssl",
    "8080 http",
    "8080 http,websocket",
    "8080 http,websocket",
    "8765 http,websocket",
    "8765 http,websocket",
    "8888 http",
    "8888 http,ssl",
  ]);
  assert.deepEqual(rows("weird"), []);
});

test("proxies on loopback: http.log has the proxy's absolute URI, the CONNECT and its target, the proxy headers, the upgrades", async () => {
  const { rows } = await logs();
  const http = rows("http");
  const at = (port: string, method: string): Record<string, string>[] => http.filter((h) => h["id.resp_p"] === port && h.method === method);
  assert.deepEqual(
    at("8888", "GET").map((h) => [h.uri, h.status_code, h.proxied]),
    [["http://127.0.0.1:8080/index.html", "200", "PROXY-CONNECTION -> Keep-Alive"]],
  );
  assert.deepEqual(
    at("8888", "CONNECT").map((h) => [h.uri, h.host, h.status_code, h.response_body_len]),
    [["127.0.0.1:4443", "127.0.0.1:4443", "200", "0"]],
  );
  // tinyproxy's own request to nginx says it came through a proxy.
  const relayed = at("8080", "GET").filter((h) => h.uri === "/index.html");
  assert.equal(relayed.length, 1);
  assert.match(relayed[0]!.proxied!, /^VIA -> 1\.1 \S+ \(tinyproxy\/[\d.]+\)$/);
  // The script's page on both legs.
  assert.deepEqual(
    [...at("8888", "GET"), ...relayed].map((h) => [h.response_body_len, h.resp_mime_types]),
    Array(2).fill([String(PAGE.length), "text/html"]),
  );
  // Four upgrades: 101 is both the status and (as every 1xx) the info code.
  const upgrades = http.filter((h) => h.uri === "/chat");
  assert.deepEqual(
    upgrades.map((h) => [h.method, h.status_code, h.info_code, h.response_body_len]),
    Array(4).fill(["GET", "101", "101", "0"]),
  );
  assert.ok(upgrades.every((h) => h.user_agent!.includes("websockets/")));
});

test("proxies on loopback: websocket.log has each session's subprotocols and extensions, on both legs", async () => {
  const { rows } = await logs();
  const ws = rows("websocket").map((w) => [w["id.resp_p"], w.uri, w.subprotocol, w.client_protocols, w.client_extensions, w.server_extensions]);
  const plain = ["/chat", "chat.v1", "chat.v1,chat.v2", "-", "-"];
  // The deflate session: the client offers the extension, the server's answer sets both windows.
  const deflate = ["/chat", "chat.v1", "chat.v1,chat.v2", "permessage-deflate; client_max_window_bits"];
  assert.equal(ws.length, 4);
  assert.deepEqual(
    ws.filter((w) => w[4] === "-").map((w) => w.slice(1)),
    [plain, plain],
  );
  const compressed = ws.filter((w) => w[4] !== "-");
  assert.deepEqual(
    compressed.map((w) => w.slice(1, 5)),
    [deflate, deflate],
  );
  for (const w of compressed) assert.match(w[5]!, /^permessage-deflate; server_max_window_bits=\d+; client_max_window_bits=\d+$/);
  assert.deepEqual(compressed.map((w) => w[0]).sort(), ["8080", "8765"]);
});

test("proxies on loopback: the WebSocket frames as the client sent them, unmasked; the compressed one flagged RSV1", async () => {
  const { frames } = await logs();
  const close = ["client fin=true rsv=0 op=8 len=2", 'client data "\\u0003è"', 'client close 1000 ""'];
  const serverClose = ["server fin=true rsv=0 op=8 len=2", 'server data "\\u0003è"', 'server close 1000 ""'];
  const echo = (op: number, payload: string): string[] =>
    ["client", "server"].flatMap((side) => [`${side} fin=true rsv=0 op=${op} len=${JSON.parse(payload).length}`, `${side} data ${payload}`]);
  assert.deepEqual(frames.slice(0, 18), [
    ...echo(1, '"hello"'),
    ...echo(2, JSON.stringify(String.fromCharCode(...Array.from({ length: 10 }, (_, i) => i)))),
    // A ping and its pong carry the same application data.
    "client fin=true rsv=0 op=9 len=6",
    'client data "bronze"',
    "server fin=true rsv=0 op=10 len=6",
    'server data "bronze"',
    ...close,
    ...serverClose,
  ]);
  // The second session's message is deflated: RSV1 (4) set, the payload left as it was sent.
  const rest = frames.slice(18);
  assert.deepEqual(
    rest.filter((f) => f.includes("fin=")),
    ["client fin=true rsv=4 op=1 len=13", "server fin=true rsv=4 op=1 len=13", close[0], serverClose[0]],
  );
});

test("proxies on loopback: TLS through the CONNECT tunnel and on the proxy's other leg; the proxy in tunnel.log", async () => {
  const { rows } = await logs();
  assert.deepEqual(
    rows("ssl")
      .map((s) => [s["id.resp_p"], s.version, s.established, s.server_name])
      .sort(),
    [
      ["4443", "TLSv13", "T", "-"],
      ["8888", "TLSv13", "T", "-"],
    ],
  );
  assert.deepEqual(
    rows("tunnel").map((t) => [t["id.resp_p"], t.tunnel_type, t.action]),
    [["8888", "Tunnel::HTTP", "Tunnel::DISCOVER"]],
  );
});
