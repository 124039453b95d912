/**
 * The BitTorrent analyzers on self-made conversations: the peer wire
 * protocol (BITTORRENT registered for 6881/tcp) and the tracker's HTTP
 * (BITTORRENTTRACKER for 6969/tcp), with Zeek's rules and malformations:
 * bad handshakes, lengths past the limit, messages too short, bad bencoding,
 * over-long and NUL-hidden lines, content gaps; and a fuzz run of both.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { BencReader, BencType } from "../../../src/analyzer/app/bittorrent/bencode.js";
import { concat, fuzzProtocol, type RunOptions, runTcp, type Step } from "./tcp-conv.js";

const PEER: RunOptions = { sport: 6881, register: "BITTORRENT" };
const TRACKER: RunOptions = { sport: 6969, register: "BITTORRENTTRACKER" };

const be32 = (v: number): number[] => [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];

function handshake(peer: string): Uint8Array {
  return concat([19], "BitTorrent protocol", new Uint8Array(8), "H".repeat(20), peer.padEnd(20, "-"));
}

/** A message: length prefix, id, body. */
function msg(id: number, ...body: (number[] | string | Uint8Array)[]): Uint8Array {
  const b = concat([id], ...body);
  return concat(be32(b.length), b);
}

const PEER_EVENTS = [
  "bittorrent_peer_handshake",
  "bittorrent_peer_keep_alive",
  "bittorrent_peer_choke",
  "bittorrent_peer_unchoke",
  "bittorrent_peer_interested",
  "bittorrent_peer_not_interested",
  "bittorrent_peer_have",
  "bittorrent_peer_bitfield",
  "bittorrent_peer_request",
  "bittorrent_peer_piece",
  "bittorrent_peer_cancel",
  "bittorrent_peer_port",
  "bittorrent_peer_unknown",
  "bittorrent_peer_weird",
] as const;

const PEER_CONVERSATION: Step[] = [
  ["c", handshake("-CL0001-")],
  ["s", concat(handshake("-SV0001-"), msg(5, [0xff, 0x80]), be32(0))],
  ["c", concat(msg(2), msg(6, be32(1), be32(0), be32(16384)))],
  ["s", concat(msg(1), msg(7, be32(1), be32(0), "x".repeat(5000)))],
  ["c", concat(msg(4, be32(1)), msg(8, be32(1), be32(0), be32(16384)), msg(3), msg(0), msg(9, [0x1a, 0xe1]), msg(20, "ext"))],
];

test("peer: both handshakes, then every message type; each side's handshake confirms", async () => {
  const r = await runTcp(PEER_CONVERSATION, { ...PEER, watch: [...PEER_EVENTS, "analyzer_confirmation_info"] });
  assert.deepEqual(r.events, [
    `bittorrent_peer_handshake c true "\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000" "${"H".repeat(20)}" "-CL0001-------------"`,
    r.events[1],
    `bittorrent_peer_handshake c false "\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000" "${"H".repeat(20)}" "-SV0001-------------"`,
    'bittorrent_peer_bitfield c false "\xff\x80"',
    "bittorrent_peer_keep_alive c false",
    "bittorrent_peer_interested c true",
    "bittorrent_peer_request c true 1 0 16384",
    "bittorrent_peer_unchoke c false",
    "bittorrent_peer_piece c false 1 0 5000",
    "bittorrent_peer_have c true 1",
    "bittorrent_peer_cancel c true 1 0 16384",
    "bittorrent_peer_not_interested c true",
    "bittorrent_peer_choke c true",
    "bittorrent_peer_port c true 6881",
    'bittorrent_peer_unknown c true 20 "ext"',
  ]);
  assert.match(r.events[1]!, /^analyzer_confirmation_info "BITTORRENT"/);
  assert.deepEqual(r.violations, []);
});

test("peer: messages cut anywhere across segments come out whole, once", async () => {
  const all = concat(handshake("-CL-"), msg(4, be32(7)), msg(7, be32(2), be32(3), "y".repeat(300)), be32(0));
  const steps: Step[] = [];
  for (let at = 0; at < all.length; at += 7) steps.push(["c", all.subarray(at, at + 7)]);
  const r = await runTcp(steps, { ...PEER, watch: ["bittorrent_peer_have", "bittorrent_peer_piece", "bittorrent_peer_keep_alive"] });
  assert.deepEqual(r.events, ["bittorrent_peer_have c true 7", "bittorrent_peer_piece c true 2 3 300", "bittorrent_peer_keep_alive c true"]);
});

test("peer: a handshake without the protocol string removes the analyzer without a word", async () => {
  const bad = handshake("-X-");
  bad[5] = 0x78;
  const r = await runTcp(
    [
      ["c", bad],
      ["c", msg(2)],
    ],
    { ...PEER, watch: [...PEER_EVENTS] },
  );
  assert.deepEqual(r.events, []);
  assert.deepEqual(r.violations, []);
  assert.deepEqual(r.log("weird"), []);
});

test("peer: a length past 0x40000 stops the side with bittorrent_peer_weird; both sides stopped is a violation", async () => {
  const r = await runTcp(
    [
      ["c", concat(handshake("-A-"), be32(0x40001), msg(2))],
      ["s", concat(handshake("-B-"), msg(4, [0, 1]))],
      ["s", msg(2)],
    ],
    { ...PEER, watch: ["bittorrent_peer_weird", "bittorrent_peer_interested"] },
  );
  assert.deepEqual(r.events, [
    'bittorrent_peer_weird c true "Stopping BitTorrent analysis: protocol violation (binpac exception: message length prefix exceeds limit: 262145 > 262144)"',
    'bittorrent_peer_weird c false "Stopping BitTorrent analysis: protocol violation (binpac exception: out_of_bound: BitTorrent_Have: 4 > 2)"',
  ]);
  assert.deepEqual(r.violations, ["BITTORRENT BitTorrent: content gap and/or protocol violation"]);
});

test("peer: a piece too short for its header, a side ending inside a message: nothing of it", async () => {
  const r = await runTcp(
    [
      ["c", concat(handshake("-A-"), msg(7, be32(1)))],
      ["s", concat(handshake("-B-"), be32(100), [7, 0, 0])],
    ],
    { ...PEER, watch: ["bittorrent_peer_weird", "bittorrent_peer_piece"] },
  );
  assert.deepEqual(r.events, [
    'bittorrent_peer_weird c true "Stopping BitTorrent analysis: protocol violation (binpac exception: out_of_bound: BitTorrent_PieceHeader: 8 > 4)"',
  ]);
});

const ANNOUNCE = "GET /announce?info_hash=%aa&port=6881&compact=1 HTTP/1.1\r\nHost: t\r\nConnection: keep-alive\r\n\r\n";
/**
 * Compact peers 10.0.0.1:6881 (0x1ae1) and 192.168.1.2:51413 (0xc8d5), and other members.
 * Zeek reports them as 1.0.0.10 and 2.1.168.192; the ports' low bytes have their high bit
 * set, so the sign-extended char gives 0xffe1 and 0xffd5, swapped: 0xe1ff and 0xd5ff.
 */
const PEERS = concat([10, 0, 0, 1, 0x1a, 0xe1, 192, 168, 1, 2, 0xc8, 0xd5]);
const REPLY_BODY = concat("d8:intervali1800e5:peers12:", PEERS, "8:completei-3e5:filesd1:ai1eee");
const REPLY = concat("HTTP/1.1 200 OK\r\nContent-Length: 80\r\n\r\n", REPLY_BODY);
const TRACKER_EVENTS = ["bt_tracker_request", "bt_tracker_response", "bt_tracker_response_not_ok", "bt_tracker_weird"] as const;

test("tracker: request and reply; compact peers as Zeek reports them (bytes reversed), other members by type; keep-alive goes on", async () => {
  const r = await runTcp(
    [
      ["c", ANNOUNCE],
      ["s", REPLY],
      ["c", ANNOUNCE.replace("%aa", "%bb").replace("keep-alive", "close")],
      ["s", concat("\r\nHTTP/1.0 404 Not Found\r\n\r\n")],
    ],
    { ...TRACKER, watch: [...TRACKER_EVENTS] },
  );
  assert.deepEqual(r.events, [
    'bt_tracker_request c "/announce?info_hash=%aa&port=6881&compact=1" {}',
    'bt_tracker_response c 200 {} [{"h":"1.0.0.10","p":57855},{"h":"2.1.168.192","p":54783}] {}',
    'bt_tracker_request c "/announce?info_hash=%bb&port=6881&compact=1" {}',
    "bt_tracker_response_not_ok c 404 {}",
  ]);
  assert.deepEqual(
    r.violations.filter((v) => v.startsWith("BITTORRENT")),
    [],
  );
});

test("bencoding: members by type (i cut to 32 bits, d and l as their text), deeper levels walked, keys without values refused", () => {
  const members: string[] = [];
  const buf = Buffer.from("d1:ai4294967297e1:s3:abc1:dd1:xli1eee1:ll0:e0:i-0ee", "latin1");
  const reader = new BencReader({
    member: (k, type, v) => members.push(`${buf.toString("latin1", k.start, k.start + k.len)}=${type}:${buf.toString("latin1", v.start, v.start + v.len)}`),
    integer: (k, v) => members.push(`${buf.toString("latin1", k.start, k.start + k.len)}=i:${v}`),
  });
  assert.deepEqual(reader.read(buf, 0, buf.length), { pos: buf.length, done: true });
  assert.deepEqual(members, [`a=i:1`, `s=${BencType.STR}:abc`, `d=${BencType.DIR}:d1:xli1eee`, `l=${BencType.LIST}:l0:e`, "=i:0"]);
  const cases: [string, string][] = [
    ["l", "BitTorrentTracker: not a bencoded directory (first char: l)"],
    ["3:abc", "BitTorrentTracker: not a bencoded directory (first char: [0-9])"],
    ["di1ei2ee", "BitTorrentTracker: directory key is not a string but an int"],
    ["dd", "BitTorrentTracker: directory key is not a string but a directory"],
    ["d1:ae", "BitTorrentTracker: directory has an odd count of members"],
    ["d1:ai-e", "BitTorrentTracker: no valid bencoding"],
    ["d1:a3x", "BitTorrentTracker: no valid bencoding"],
    ["x", "BitTorrentTracker: no valid bencoding"],
  ];
  for (const [text, reason] of cases) {
    const b = Buffer.from(text, "latin1");
    const result = new BencReader({ member: () => {}, integer: () => {} }).read(b, 0, b.length);
    assert.equal(result.error, reason, text);
  }
});

test("tracker: a body read in pieces; a huge string length waits, then overflows the 2,047-byte buffer (violation)", async () => {
  const cut = REPLY.length - 20;
  const r = await runTcp(
    [
      ["c", ANNOUNCE],
      ["s", REPLY.subarray(0, cut)],
      ["s", REPLY.subarray(cut)],
    ],
    { ...TRACKER, watch: ["bt_tracker_response"] },
  );
  assert.equal(r.events.length, 1);
  const huge = await runTcp(
    [
      ["c", ANNOUNCE],
      ["s", "HTTP/1.1 200 OK\r\n\r\nd5:peers99999999999:"],
      ["s", "x".repeat(2100)],
    ],
    { ...TRACKER, watch: ["bt_tracker_response"] },
  );
  assert.deepEqual(huge.events, []);
  assert.deepEqual(huge.violations, ["BITTORRENTTRACKER BitTorrentTracker: response message too long"]);
});

test("tracker: malformed requests and replies are violations that stop the side", async () => {
  // The default scripts' DPD starts HTTP on these too: only the tracker's violations count here
  // (the first one removes the analyzer, as Zeek's dpd script does).
  const mine = (v: string[]): string[] => v.filter((x) => x.startsWith("BITTORRENTTRACKER "));
  const post = await runTcp([["c", "POST /announce HTTP/1.1\r\n\r\n"]], TRACKER);
  assert.deepEqual(mine(post.violations), ["BITTORRENTTRACKER BitTorrentTracker: invalid HTTP GET"]);
  const status = await runTcp(
    [
      ["c", ANNOUNCE],
      ["s", "FOO\r\n"],
    ],
    TRACKER,
  );
  assert.deepEqual(mine(status.violations), ["BITTORRENTTRACKER BitTorrentTracker: invalid HTTP status"]);
  const header = await runTcp([["c", "GET /a HTTP/1.0\r\n: bad\r\n\r\n"]], { ...TRACKER, watch: ["bt_tracker_request"] });
  assert.deepEqual(mine(header.violations), ["BITTORRENTTRACKER BitTorrentTracker: invalid HTTP request header"]);
  assert.deepEqual(header.events, []);
  const long = await runTcp([["c", `GET /${"a".repeat(2100)} HTTP/1.0\r\n\r\n`]], { ...TRACKER, watch: ["bt_tracker_request"] });
  assert.deepEqual(mine(long.violations), ["BITTORRENTTRACKER BitTorrentTracker: request message too long"]);
});

test("tracker: a NUL hides a line's end; a line is cut at its last CR; no version keeps the rest of the line as URI", async () => {
  const nul = await runTcp([["c", "GET /a\0b HTTP/1.0\r\n\r\n"]], { ...TRACKER, watch: ["bt_tracker_request"] });
  assert.deepEqual(nul.events, []);
  const cr = await runTcp([["c", "GET /a HTTP/1.0\rjunk\n\r\n"]], { ...TRACKER, watch: ["bt_tracker_request"] });
  assert.deepEqual(cr.events, ['bt_tracker_request c "/a" {}']);
  const bare = await runTcp([["c", "get /a b c\r\n\r\n"]], { ...TRACKER, watch: ["bt_tracker_request"] });
  assert.deepEqual(bare.events, ['bt_tracker_request c "/a b c" {}']);
});

test("tracker: lines after a request without keep-alive: bittorrent_tracker_data_post_request and bt_tracker_weird", async () => {
  const r = await runTcp([["c", "GET /a HTTP/1.0\r\n\r\nfield=1\r\n"]], { ...TRACKER, watch: ["bt_tracker_weird"] });
  assert.deepEqual(r.events, ['bt_tracker_weird c true "Got post request data: field=1\\n"']);
  assert.deepEqual(
    r
      .log("weird")
      .filter((w) => w[10] === "BITTORRENTTRACKER")
      .map((w) => [w[6], w[7], w[10]]),
    [["bittorrent_tracker_data_post_request", "Got post request data: field=1\\x0a", "BITTORRENTTRACKER"]],
  );
});

test("tracker: a content gap is a violation that stops the side", async () => {
  const r = await runTcp(
    [
      ["c", "GET /a HTTP/1.0\r\n"],
      ["gap-c", 10],
      ["c", "\r\n"],
    ],
    { ...TRACKER, watch: ["bt_tracker_request"] },
  );
  assert.deepEqual(r.events, []);
});

test("fuzz: mutated peer and tracker conversations never throw out of the analyzers", async () => {
  await fuzzProtocol([PEER_CONVERSATION], 6881, 6881, 2, 30, false, "BITTORRENT");
  await fuzzProtocol(
    [
      [
        ["c", ANNOUNCE],
        ["s", REPLY],
      ],
    ],
    6969,
    6969,
    2,
    30,
    false,
    "BITTORRENTTRACKER",
  );
});
