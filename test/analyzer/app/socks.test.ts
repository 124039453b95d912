/**
 * SOCKS on self-made conversations: SOCKS4 with a user id, SOCKS4a with a
 * host name, SOCKS5 with RFC 1929 authentication and an HTTP request inside
 * (detection after the handshake: `socks,http`, tunnel.log), SOCKS5 found by
 * its signature on another port, the violations of a bad reserved byte, an
 * unknown version and a short message, the unsupported-method weird, and
 * mutated conversations that never throw out of the analyzer.
 */
import assert from "node:assert/strict";
import { test } from "node:test";

/**
 * Zeek's dpd_dce_rpc signature (05, 00|01, 00-13) also matches a SOCKS5 greeting: DCE_RPC runs
 * alongside and reports violations it never gets disabled for (DPD::ignore_violations), as Zeek's
 * run on socks-with-ssl.pcap shows. These tests look at SOCKS's own.
 */
const socksOnly = (v: string[]): string[] => v.filter((x) => !x.startsWith("DCE_RPC "));

import { concat, fuzzProtocol, runTcp, type Step } from "./tcp-conv.js";

// socks.log columns
const S = { version: 6, user: 7, password: 8, status: 9, reqHost: 10, reqName: 11, reqPort: 12, boundHost: 13, boundName: 14, boundPort: 15 };

const HTTP_GET = "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n";
const HTTP_OK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi";

const V5_AUTH: Step[] = [
  ["c", [5, 1, 2]],
  ["s", [5, 2]],
  ["c", concat([1, 3], "bob", [6], "secret")],
  ["s", [1, 0]],
  ["c", concat([5, 1, 0, 3, 11], "example.com", [0, 80])],
  ["s", [5, 0, 0, 1, 192, 0, 2, 10, 0x1f, 0x90]],
  ["c", HTTP_GET],
  ["s", HTTP_OK],
];

test("SOCKS5 with username/password: socks.log, the tunnel, and HTTP found inside (socks,http)", async () => {
  const r = await runTcp(V5_AUTH, { sport: 1080, watch: ["socks_request", "socks_reply", "socks_login_userpass_request", "socks_login_userpass_reply"] });
  assert.deepEqual(socksOnly(r.violations), []);
  assert.deepEqual(r.events, [
    'socks_login_userpass_request c "bob" "secret"',
    "socks_login_userpass_reply c 0",
    'socks_request c 5 1 {"name":"example.com"} 80 ""',
    'socks_reply c 5 0 {"host":"192.0.2.10"} 8080',
  ]);
  const s = r.log("socks");
  assert.equal(s.length, 1);
  assert.deepEqual(
    [
      s[0]![S.version],
      s[0]![S.user],
      s[0]![S.password],
      s[0]![S.status],
      s[0]![S.reqHost],
      s[0]![S.reqName],
      s[0]![S.reqPort],
      s[0]![S.boundHost],
      s[0]![S.boundPort],
    ],
    ["5", "bob", "-", "succeeded", "-", "example.com", "80", "192.0.2.10", "8080"],
  );
  assert.equal(r.log("conn")[0]![7], "socks,http");
  assert.deepEqual(
    r.log("http").map((h) => [h[7], h[8], h[16]]),
    [["GET", "example.com", "200"]],
  );
  assert.deepEqual(
    r.log("tunnel").map((t) => t.slice(1)),
    [["-", "10.0.0.1", "0", "192.0.2.10", "1080", "Tunnel::SOCKS", "Tunnel::DISCOVER"]],
  );
});

test("SOCKS::default_capture_password puts the password into socks.log", async () => {
  const r = await runTcp(V5_AUTH, { sport: 1080, settings: { "SOCKS::default_capture_password": true } });
  assert.equal(r.log("socks")[0]![S.password], "secret");
});

test("SOCKS4 with a user id: the request registers the tunnel; a reply that starts with 0 is an unknown version to Zeek's parser", async () => {
  const v4 = await runTcp(
    [
      ["c", concat([4, 1, 0, 22, 198, 51, 100, 7], "alice", [0])],
      ["s", [0, 0x5a, 0, 0, 0, 0, 0, 0]],
    ],
    { sport: 1080, watch: ["socks_request", "socks_reply"] },
  );
  assert.deepEqual(v4.events, ['socks_request c 4 1 {"host":"198.51.100.7"} 22 "alice"']);
  assert.deepEqual(socksOnly(v4.violations), ["SOCKS unsupported/unknown SOCKS version 0"]);
  assert.deepEqual(v4.log("socks"), []);
  assert.equal(v4.log("conn")[0]![7], "-");
  assert.equal(v4.log("tunnel").length, 1);
});

test("SOCKS4a with a host name, answered after a version byte 4: confirmed, the payload goes to detection", async () => {
  const v4a = await runTcp(
    [
      ["c", concat([4, 1, 0, 80, 0, 0, 0, 1], [0], "example.org", [0])],
      ["s", [4, 0, 0x5b, 0, 0, 0, 0, 0, 0]],
      ["c", HTTP_GET],
      ["s", HTTP_OK],
    ],
    { sport: 1080, watch: ["socks_reply"] },
  );
  assert.deepEqual(v4a.events, ['socks_reply c 4 91 {"host":"0.0.0.0"} 0']);
  const a = v4a.log("socks")[0]!;
  assert.deepEqual(
    [a[S.version], a[S.user], a[S.status], a[S.reqHost], a[S.reqName], a[S.reqPort]],
    ["4", "-", "general SOCKS server failure", "0.0.0.1", "example.org", "80"],
  );
  // The HTTP found inside wrote its row; (the service says only "socks": the port-1080 HTTP analyzer
  // fails on the same packet the inner one confirms, and the dpd script removes services by name.)
  assert.deepEqual(
    v4a.log("http").map((h) => [h[7], h[16]]),
    [["GET", "200"]],
  );
  assert.equal(v4a.log("conn")[0]![7], "socks");
});

test("SOCKS5 on another port is found by its signature (client and server greeting)", async () => {
  const r = await runTcp(
    V5_AUTH.slice(0, 6).map(([f, b]) => [f, b] as Step),
    { sport: 10080 },
  );
  assert.equal(r.log("socks").length, 1);
  assert.equal(r.log("conn")[0]![7], "socks");
});

test("malformed SOCKS: a bad reserved byte, an unknown version, a short message are violations; an unknown method a weird", async () => {
  const reserved = await runTcp(
    [
      ["c", [5, 1, 0]],
      ["s", [5, 0]],
      ["c", [5, 1, 7, 1, 1, 2, 3, 4, 0, 80]],
      ["s", [5, 0, 0, 1, 0, 0, 0, 0, 0, 0]],
    ],
    { sport: 1080 },
  );
  assert.deepEqual(socksOnly(reserved.violations), ["SOCKS invalid value in reserved field: 7"]);
  assert.deepEqual(reserved.log("socks"), []);

  const command = await runTcp(
    [
      ["c", [5, 1, 0]],
      ["s", [5, 0]],
      ["c", [5, 9, 0, 1, 1, 2, 3, 4, 0, 80]],
    ],
    { sport: 1080 },
  );
  assert.deepEqual(socksOnly(command.violations), ["SOCKS undefined value in command field: 9"]);

  const version = await runTcp([["c", [7, 1, 0]]], { sport: 1080 });
  assert.deepEqual(socksOnly(version.violations), ["SOCKS unsupported/unknown SOCKS version 7"]);

  const short = await runTcp([["c", [4, 1, 0]]], { sport: 1080 });
  assert.equal(socksOnly(short.violations).length, 1);
  assert.match(socksOnly(short.violations)[0]!, /^SOCKS Binpac exception: binpac exception: out_of_bound: SOCKS4_Request/);

  const method = await runTcp(
    [
      ["c", [5, 1, 1]],
      ["s", [5, 1]],
      ["c", [1, 2, 3]],
      ["s", [0]],
      ["c", [5, 1, 0, 1, 1, 2, 3, 4, 0, 80]],
      ["s", [5, 0, 0, 1, 0, 0, 0, 0, 0, 0]],
    ],
    { sport: 1080 },
  );
  assert.deepEqual(socksOnly(method.violations), []);
  // Zeek's parser reads each chunk as one message: the sub-negotiation's request and reply each get the weird
  // (weird.log writes it once per connection).
  assert.deepEqual(
    method
      .log("weird")
      .filter((w) => w[6]!.startsWith("socks"))
      .map((w) => [w[6], w[7]]),
    [["socks5_unsupported_authentication_method", "1"]],
  );
  assert.equal(method.log("socks")[0]![S.status], "succeeded");
});

test("mutated SOCKS conversations never throw out of the analyzer", async () => {
  const v4: Step[] = [
    ["c", concat([4, 1, 0, 80, 0, 0, 0, 1], "u", [0], "h", [0])],
    ["s", [0, 0x5a, 0, 0, 0, 0, 0, 0]],
    ["c", HTTP_GET],
    ["s", HTTP_OK],
  ];
  const v6: Step[] = [
    ["c", [5, 1, 0]],
    ["s", [5, 0]],
    ["c", concat([5, 1, 0, 4], new Uint8Array(16).fill(1), [1, 187])],
    ["s", concat([5, 0, 0, 4], new Uint8Array(16), [0, 0])],
    ["c", [0x16, 3, 1, 0, 4, 1, 0, 0, 0]],
  ];
  await fuzzProtocol([V5_AUTH, v4, v6], 1080, 0x50c5);
});
