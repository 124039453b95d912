/**
 * RFB (VNC) on self-made conversations found by the signature (no port):
 * RFB 3.8 with VNC authentication and ServerInit (rfb.log written at once),
 * RFB 3.3 where the server picks the type, Apple Remote Desktop's
 * challenge and key-length-sized response, a failed authentication, and the
 * violations of data sent out of turn and of an unknown client message.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { concat, fuzzProtocol, runTcp, type Step } from "./tcp-conv.js";

const be16 = (v: number): number[] => [(v >> 8) & 0xff, v & 0xff];
const be32 = (v: number): number[] => [(v >>> 24) & 0xff, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff];

function serverInit(name: string, w = 1024, h = 768): Uint8Array {
  return concat(be16(w), be16(h), [32, 24, 0, 1], new Uint8Array(12), be32(name.length), name);
}

const V38_VNC: Step[] = [
  ["s", "RFB 003.008\n"],
  ["c", "RFB 003.008\n"],
  ["s", [2, 1, 2]],
  ["c", [2]],
  ["s", new Uint8Array(16).fill(7)],
  ["c", new Uint8Array(16).fill(8)],
  ["s", be32(0)],
  ["c", [1]],
  ["s", serverInit("desk")],
  ["c", concat([3, 0], be16(0), be16(0), be16(1024), be16(768))],
  ["c", concat([4, 1, 0, 0], be32(0x61))],
];

/** RFB 3.3: the server picks VNC authentication, then refuses the client's response. */
const V33_FAILED: Step[] = [
  ["s", "RFB 003.003\n"],
  ["c", "RFB 003.003\n"],
  ["s", be32(2)],
  ["s", new Uint8Array(16)],
  ["c", new Uint8Array(16)],
  ["s", be32(1)],
];

// rfb.log columns
const R = { cmaj: 6, cmin: 7, smaj: 8, smin: 9, method: 10, auth: 11, share: 12, name: 13, width: 14, height: 15 };

test("RFB 3.8 with VNC authentication: versions, method, result, share flag, desktop; found by signature", async () => {
  const r = await runTcp(V38_VNC, {
    sport: 5901,
    watch: ["rfb_client_version", "rfb_server_version", "rfb_authentication_type", "rfb_authentication_result", "rfb_share_flag", "rfb_server_parameters"],
  });
  assert.deepEqual(r.violations, []);
  assert.deepEqual(r.events, [
    'rfb_server_version c "003" "008"',
    'rfb_client_version c "003" "008"',
    "rfb_authentication_type c 2",
    "rfb_authentication_result c true",
    "rfb_share_flag c true",
    'rfb_server_parameters c "desk" 1024 768',
  ]);
  const row = r.log("rfb")[0]!;
  assert.deepEqual(
    [row[R.cmaj], row[R.cmin], row[R.smaj], row[R.smin], row[R.method], row[R.auth], row[R.share], row[R.name], row[R.width], row[R.height]],
    ["003", "008", "003", "008", "VNC", "T", "T", "desk", "1024", "768"],
  );
  assert.equal(r.log("conn")[0]![7], "rfb");
});

test("RFB 3.3: the server picks the security type; a failed authentication leaves the row without desktop", async () => {
  const r = await runTcp(V33_FAILED, { sport: 5900 });
  assert.deepEqual(r.violations, []);
  const row = r.log("rfb")[0]!;
  assert.deepEqual([row[R.cmin], row[R.method], row[R.auth], row[R.name]], ["003", "VNC", "F", "-"]);
});

test("the deprecated rfb_auth_result comes just before rfb_authentication_result, true on failure (Zeek's proc_handle_security_result)", async () => {
  const failed = await runTcp(V33_FAILED, { sport: 5900, watch: ["rfb_auth_result", "rfb_authentication_result"] });
  assert.deepEqual(failed.events, ["rfb_auth_result c true", "rfb_authentication_result c false"]);
  const ok = await runTcp(V38_VNC, { sport: 5901, watch: ["rfb_auth_result", "rfb_authentication_result"] });
  assert.deepEqual(ok.events, ["rfb_auth_result c false", "rfb_authentication_result c true"]);
});

test("Apple Remote Desktop: minor version 889 talks 3.7+, the client's response is sized by the server's key", async () => {
  const r = await runTcp(
    [
      ["s", "RFB 003.889\n"],
      ["c", "RFB 003.889\n"],
      ["s", [1, 30]],
      ["c", [30]],
      ["s", concat(be16(2), be16(4), [1, 2, 3, 4], [5, 6, 7, 8])],
      ["c", new Uint8Array(8)],
      ["s", be32(0)],
      ["c", [0]],
      ["s", serverInit("mac")],
    ],
    { sport: 5900 },
  );
  assert.deepEqual(r.violations, []);
  const row = r.log("rfb")[0]!;
  assert.deepEqual([row[R.method], row[R.auth], row[R.share], row[R.name]], ["Apple Remote Desktop", "T", "F", "mac"]);
});

test("malformed RFB: data out of turn, an unknown client message, a too-long name are violations", async () => {
  const early = await runTcp(
    [
      ["s", "RFB 003.008\n"],
      ["s", [1, 2]],
      ["c", "RFB 003.008\n"],
    ],
    { sport: 5900 },
  );
  assert.deepEqual(early.violations, ["RFB Binpac exception: binpac exception: invalid data from RFB server"]);

  const unknown = await runTcp([...V38_VNC.slice(0, 9), ["c", [99, 1, 2]]], { sport: 5900 });
  assert.deepEqual(unknown.violations, ["RFB Binpac exception: binpac exception: invalid index for case: ClientMessage: 99"]);
  assert.equal(unknown.log("rfb")[0]![R.name], "desk");

  const long = await runTcp([...V38_VNC.slice(0, 8), ["s", concat(new Uint8Array(20), be32(70000))]], { sport: 5900 });
  assert.deepEqual(long.violations, ["RFB Binpac exception: binpac exception: &enforce violation : RFBServerInit:len"]);
});

test("mutated RFB conversations never throw out of the analyzer", async () => {
  const v33: Step[] = [
    ["s", "RFB 003.003\n"],
    ["c", "RFB 003.003\n"],
    ["s", be32(1)],
    ["c", [1]],
    ["s", serverInit("x")],
    ["c", concat([2, 0], be16(2), be32(0), be32(5))],
    ["c", concat([6, 0, 0, 0], be32(3), "abc")],
  ];
  await fuzzProtocol([V38_VNC, v33], 5900, 0x5900);
});
