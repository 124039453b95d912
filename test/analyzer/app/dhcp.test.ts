/**
 * DHCP (src/analyzer/app/dhcp/): the message and option grammar with Zeek's
 * quirks, and dhcp.log's joining of an exchange across connections, its
 * expiry and its limits; malformed messages are violations, never exceptions.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import { DHCP } from "../../../src/analyzer/app/dhcp/dhcp.js";
import { dhcpJoinDataSizes } from "../../../src/analyzer/app/dhcp/log.js";
import { Engine } from "../../../src/engine.js";
import { loadBuiltinScripts } from "../../../src/scripts/index.js";
import { memorySource } from "../../helpers/packets.js";
import { udpPacket, ZEEK_SEED } from "../../session/harness.js";
import { ascii, be16, be32, ip4, runUdp, stubHost } from "./udp-app-helpers.js";

const CLIENT_MAC = [0x00, 0x11, 0x22, 0x33, 0x44, 0x55];
const COOKIE = [0x63, 0x82, 0x53, 0x63];

interface Msg {
  op?: number;
  xid: number;
  ciaddr?: string;
  yiaddr?: string;
  chaddr?: number[];
  cookie?: number[];
  /** Raw option bytes (code, length, value…); the end option is added unless `noEnd`. */
  options: number[];
  noEnd?: boolean;
}

function dhcp(m: Msg): Uint8Array {
  const chaddr = [...(m.chaddr ?? CLIENT_MAC)];
  while (chaddr.length < 16) chaddr.push(0);
  return Uint8Array.from([
    m.op ?? 1,
    1,
    6,
    0,
    ...be32(m.xid),
    ...be16(0),
    ...be16(0),
    ...ip4(m.ciaddr ?? "0.0.0.0"),
    ...ip4(m.yiaddr ?? "0.0.0.0"),
    ...ip4("0.0.0.0"),
    ...ip4("0.0.0.0"),
    ...chaddr,
    ...new Array<number>(64 + 128).fill(0),
    ...(m.cookie ?? COOKIE),
    ...m.options,
    ...(m.noEnd ? [] : [255]),
  ]);
}

const type = (t: number): number[] => [53, 1, t];
const DISCOVER = 1;
const OFFER = 2;
const REQUEST = 3;
const ACK = 5;

function exchange(t0: number, xid: number): Parameters<typeof runUdp>[0] {
  return [
    udpPacket(t0, "0.0.0.0", 68, "255.255.255.255", 67, dhcp({ xid, options: [...type(DISCOVER), 12, 4, ...ascii("host"), 50, 4, ...ip4("10.0.0.9")] })),
    udpPacket(
      t0 + 0.5,
      "10.0.0.1",
      67,
      "255.255.255.255",
      68,
      dhcp({ op: 2, xid, yiaddr: "10.0.0.9", options: [...type(OFFER), 51, 4, ...be32(3600), 15, 4, ...ascii("lan\0")] }),
    ),
    udpPacket(
      t0 + 1,
      "0.0.0.0",
      68,
      "255.255.255.255",
      67,
      dhcp({ xid, options: [...type(REQUEST), 61, 7, 1, ...CLIENT_MAC, 81, 8, 0, 0, 0, ...ascii("h.lan")] }),
    ),
    udpPacket(t0 + 1.5, "10.0.0.1", 67, "255.255.255.255", 68, dhcp({ op: 2, xid, yiaddr: "10.0.0.9", options: [...type(ACK), 51, 4, ...be32(3600)] })),
  ];
}

test("dhcp.log: one row per exchange across both flows; client and server facts; conn.log names dhcp", async () => {
  const run = await runUdp(exchange(100, 0xabcd));
  const rows = run.rows("dhcp");
  assert.equal(rows.length, 1);
  const r = rows[0]!;
  assert.equal(r.uids!.split(",").length, 2);
  assert.deepEqual(
    [
      "ts",
      "client_addr",
      "server_addr",
      "mac",
      "host_name",
      "client_fqdn",
      "domain",
      "requested_addr",
      "assigned_addr",
      "lease_time",
      "msg_types",
      "duration",
    ].map((c) => r[c]),
    [
      "100.000000",
      "10.0.0.9",
      "10.0.0.1",
      "00:11:22:33:44:55",
      "host",
      "h.lan",
      "lan",
      "10.0.0.9",
      "10.0.0.9",
      "3600.000000",
      "DISCOVER,OFFER,REQUEST,ACK",
      "1.500000",
    ],
  );
  assert.deepEqual(run.services, ["dhcp", "dhcp"]);
  assert.deepEqual(run.violations, []);
});

test("dhcp.log with protocols/dhcp/sub-opts: the relay agent's circuit id, remote id and subscriber id (sub-options 1, 2, 6) as columns", async () => {
  const relayed = exchange(100, 0xabcd);
  const agent = [82, 21, 1, 4, ...ascii("eth7"), 2, 1, 0x13, 5, 1, 0, 6, 7, ...ascii("-subID-")];
  relayed[3] = udpPacket(101.5, "10.0.0.1", 67, "255.255.255.255", 68, dhcp({ op: 2, xid: 0xabcd, yiaddr: "10.0.0.9", options: [...type(ACK), ...agent] }));
  const rows = (await runUdp(relayed, [], undefined, ["protocols/dhcp/sub-opts"])).rows("dhcp");
  assert.deepEqual(
    ["msg_types", "circuit_id", "agent_remote_id", "subscriber_id"].map((c) => rows[0]![c]),
    ["DISCOVER,OFFER,REQUEST,ACK", "eth7", "\\x13", "-subID-"],
  );
  const plain = (await runUdp(relayed)).rows("dhcp");
  assert.equal(plain[0]!.circuit_id, undefined);
});

test("dhcp.log with protocols/dhcp/msg-orig: the sender of each message (orig_h, or resp_h for a reply flipped to the responder), columns in load order", async () => {
  const packets = exchange(100, 0xabcd);
  // A unicast ACK: the server is made the responder, so its address is resp_h.
  packets[3] = udpPacket(101.5, "10.0.0.1", 67, "10.0.0.9", 68, dhcp({ op: 2, xid: 0xabcd, yiaddr: "10.0.0.9", options: type(ACK) }));
  const rows = (await runUdp(packets, [], undefined, ["protocols/dhcp/msg-orig", "protocols/dhcp/sub-opts"])).rows("dhcp");
  assert.equal(rows[0]!.msg_types, "DISCOVER,OFFER,REQUEST,ACK");
  assert.equal(rows[0]!.msg_orig, "0.0.0.0,10.0.0.1,0.0.0.0,10.0.0.1");
  assert.deepEqual(Object.keys(rows[0]!).slice(-4), ["msg_orig", "circuit_id", "agent_remote_id", "subscriber_id"]);
  const plain = (await runUdp(packets)).rows("dhcp");
  assert.equal(plain[0]!.msg_orig, undefined);
});

test("dhcp.log: an exchange quiet for more than 5 s is written at the next expiry check, so a later message of the same xid starts a new row", async () => {
  const xid = 7;
  const packets = [
    udpPacket(10, "0.0.0.0", 68, "255.255.255.255", 67, dhcp({ xid, options: type(DISCOVER) })),
    // Checks run at the first packet (10) and then every 10 s of network time: 20, 30 …
    udpPacket(18, "192.0.2.99", 5000, "192.0.2.98", 5001, "x"),
    udpPacket(25, "192.0.2.99", 5000, "192.0.2.98", 5001, "x"),
    udpPacket(26, "0.0.0.0", 68, "255.255.255.255", 67, dhcp({ xid, options: type(REQUEST) })),
  ];
  const rows = (await runUdp(packets)).rows("dhcp");
  assert.deepEqual(
    rows.map((r) => [r.ts, r.msg_types]),
    [
      ["10.000000", "DISCOVER"],
      ["26.000000", "REQUEST"],
    ],
  );
});

test("dhcp.log: exchanges left at the end are written in Zeek's join_data order of their xids (with the corpus seed)", async () => {
  const discover = (xid: number) => udpPacket(1 + xid / 10, "0.0.0.0", 68, "255.255.255.255", 67, dhcp({ xid, options: type(DISCOVER) }));
  const rows = (await runUdp([1, 2, 3, 4, 5].map(discover), [], ZEEK_SEED)).rows("dhcp");
  // table[count] of Info with xids 1..5 iterates 2 5 3 4 1 under the corpus seed (as HTTP's pending table does).
  assert.deepEqual(
    rows.map((r) => r.ts),
    ["1.200000", "1.500000", "1.300000", "1.400000", "1.100000"],
  );
});

test("dhcp.log: messages within 5 s of each other keep one row across an expiry check", async () => {
  const xid = 8;
  const packets = [
    udpPacket(10, "0.0.0.0", 68, "255.255.255.255", 67, dhcp({ xid, options: type(DISCOVER) })),
    udpPacket(17, "0.0.0.0", 68, "255.255.255.255", 67, dhcp({ xid, options: type(DISCOVER) })),
    udpPacket(21, "192.0.2.99", 5000, "192.0.2.98", 5001, "x"),
    udpPacket(23, "0.0.0.0", 68, "255.255.255.255", 67, dhcp({ xid, options: type(REQUEST) })),
  ];
  const rows = (await runUdp(packets)).rows("dhcp");
  assert.deepEqual(
    rows.map((r) => [r.msg_types, r.duration]),
    [["DISCOVER,DISCOVER,REQUEST", "13.000000"]],
  );
});

test("dhcp.log: ten uids make a row at once (DHCP::max_uids_per_log_entry), without the chaddr fallback for the MAC", async () => {
  const packets = [];
  for (let i = 0; i < 10; i++) packets.push(udpPacket(1 + i * 0.01, `10.1.0.${i + 1}`, 68, "10.0.0.1", 67, dhcp({ xid: 99, options: type(REQUEST) })));
  const rows = (await runUdp(packets)).rows("dhcp");
  assert.equal(rows.length, 1);
  assert.equal(rows[0]!.uids!.split(",").length, 10);
  assert.equal(rows[0]!.mac, "-");
});

/** A client's DISCOVER of transaction `xid` at `t`, from the MAC 02:00:00:00:00:<xid> (no client id: the row's MAC is the chaddr fallback). */
const discover = (t: number, xid: number) =>
  udpPacket(t, "0.0.0.0", 68, "255.255.255.255", 67, dhcp({ xid, chaddr: [2, 0, 0, 0, 0, xid], options: type(DISCOVER) }));

/** xid 1 expires alone (written at the check of t=21); 2, 3 and 4 come at 40-42, the bound being two. */
const tracked = () => [discover(1, 1), discover(40, 2), discover(41, 3), discover(42, 4)];

test("DHCP::max_tracked_transactions: a new xid past the bound writes and drops the oldest one still tracked, with one net weird of the count; 0: no bound", async () => {
  const bounded = await runUdp(tracked(), [], undefined, [], ["DHCP::max_tracked_transactions=2"]);
  const macs = bounded.rows("dhcp").map((r) => r.mac);
  // xid 1 was expired (and left join_data_ordered too): 2 is the oldest at xid 4, written then with the MAC fallback; 3 and 4 at the end.
  assert.deepEqual(macs.slice(0, 2), ["02:00:00:00:00:01", "02:00:00:00:00:02"]);
  assert.deepEqual(macs.slice(2).sort(), ["02:00:00:00:00:03", "02:00:00:00:00:04"]);
  const weirds = bounded.rows("weird").map((r) => [r.name, r.addl, r.uid, r.source].join(" "));
  assert.deepEqual(weirds, ["DHCP_max_tracked_transactions_exceeded 2 - DHCP"]);
  const unbounded = await runUdp(tracked(), [], undefined, [], ["DHCP::max_tracked_transactions=0"]);
  assert.equal(unbounded.rows("dhcp").length, 4);
  assert.deepEqual(unbounded.rows("weird"), []);
});

test("dhcpJoinDataSizes: |DHCP::join_data| and |join_data_ordered| as the script keeps them (none without the dhcp script)", async () => {
  const engine = new Engine({ ignoreChecksums: true, settings: ["DHCP::max_tracked_transactions=2"] });
  assert.equal(dhcpJoinDataSizes(engine.settings), undefined);
  loadBuiltinScripts(engine, { memory: true });
  const seen: string[] = [];
  const look = (): void => void seen.push(JSON.stringify(dhcpJoinDataSizes(engine.settings)));
  // Before the script's handler (priority -5): the sizes each message finds, and those zeek_done finds before the last rows are written.
  engine.on("dhcp_message", look);
  engine.on("zeek_done", look);
  await engine.run(memorySource(tracked()));
  const sizes = (n: number): string => JSON.stringify({ join_data: n, join_data_ordered: n });
  assert.deepEqual(seen, [sizes(0), sizes(0), sizes(1), sizes(2), sizes(2)]);
});

test("DHCP options: values are read at their type's size (a lying length shifts what follows); a relay agent option's sub-options", async () => {
  // Subnet mask with length 5: Zeek reads 4 bytes, so the fifth (12) is taken as the next option's code.
  const shifted = dhcp({ xid: 1, options: [...type(DISCOVER), 1, 5, 255, 255, 255, 0, 12, 2, ...ascii("ab")] });
  const relay = dhcp({ xid: 2, op: 2, yiaddr: "10.0.0.7", options: [...type(ACK), 82, 8, 1, 2, 0xaa, 0xbb, 2, 2, 0xcc, 0xdd] });
  const run = await runUdp(
    [udpPacket(1, "0.0.0.0", 68, "255.255.255.255", 67, shifted), udpPacket(2, "10.0.0.1", 67, "10.0.0.7", 68, relay)],
    ["dhcp_message"],
  );
  const [first, second] = run.events;
  const o1 = first!.args[3] as { subnet_mask: string; host_name: string; options: number[] };
  assert.equal(o1.subnet_mask, "255.255.255.0");
  assert.equal(o1.host_name, "ab");
  assert.deepEqual(o1.options, [53, 1, 12]);
  const o2 = second!.args[3] as { sub_opt: Array<{ code: number; value: string }> };
  assert.deepEqual(o2.sub_opt, [
    { code: 1, value: "\xaa\xbb" },
    { code: 2, value: "\xcc\xdd" },
  ]);
});

test("DHCP malformations: a truncated message, an option overflowing the datagram, no end option, a bad cookie, no type option", async () => {
  const good = dhcp({ xid: 5, options: type(DISCOVER) });
  // Each on its own connection: a violation removes the analyzer from a young connection.
  const run = await runUdp(
    [
      udpPacket(1, "0.0.0.0", 68, "255.255.255.255", 67, good.subarray(0, 100)),
      udpPacket(2, "0.0.0.0", 1001, "255.255.255.255", 67, dhcp({ xid: 5, options: [...type(DISCOVER), 12, 200, ...ascii("short")], noEnd: true })),
      udpPacket(3, "0.0.0.0", 1002, "255.255.255.255", 67, dhcp({ xid: 5, options: type(DISCOVER), noEnd: true })),
      udpPacket(4, "0.0.0.0", 1003, "255.255.255.255", 67, dhcp({ xid: 5, options: type(DISCOVER), cookie: [1, 2, 3, 4] })),
      udpPacket(5, "0.0.0.0", 1004, "255.255.255.255", 67, dhcp({ xid: 6, options: [12, 1, 0x41] })),
    ],
    ["dhcp_message"],
  );
  assert.deepEqual(run.violations, [
    "DHCP: Binpac exception: binpac exception: out_of_bound: DHCP_Message:cookie: 240 > 100",
    "DHCP: Binpac exception: binpac exception: out_of_bound: OptionValue: 200 > 5",
    "DHCP: Binpac exception: binpac exception: out_of_bound: Option:code: 1 > 0",
    "DHCP: bad cookie (16909060)",
    "DHCP: no DHCP message type option",
  ]);
  // Only the last one raises the event (type 0) and confirms.
  assert.equal(run.events.length, 1);
  assert.equal((run.events[0]!.args[2] as { m_type: number }).m_type, 0);
  assert.deepEqual(run.confirmations, ["DHCP"]);
});

test("DHCP: the options of a message that failed to parse carry over to the side's next message; a bad cookie clears them", () => {
  const broken = dhcp({ xid: 1, options: [...type(DISCOVER), 12, 3, ...ascii("old"), 60, 50, 1], noEnd: true });
  const next = dhcp({ xid: 1, options: type(REQUEST) });
  const a = stubHost();
  const analyzer = DHCP.datagram!(a.host);
  analyzer.deliverPacket(true, broken);
  analyzer.deliverPacket(true, next);
  const opts = a.rec.events[0]!.args[3] as { host_name?: string; options: number[] };
  assert.equal(opts.host_name, "old");
  assert.deepEqual(opts.options, [53, 12, 53]);
  // The other side has its own options.
  analyzer.deliverPacket(false, next);
  assert.equal((a.rec.events[1]!.args[3] as { host_name?: string }).host_name, undefined);
  const b = stubHost();
  const cleared = DHCP.datagram!(b.host);
  cleared.deliverPacket(true, dhcp({ xid: 1, options: [...type(DISCOVER), 12, 3, ...ascii("old")], cookie: [0, 0, 0, 0] }));
  cleared.deliverPacket(true, next);
  assert.deepEqual(b.rec.violations, ["bad cookie (0)"]);
  assert.equal((b.rec.events[0]!.args[3] as { host_name?: string }).host_name, undefined);
});

test("DHCP relay agent sub-options: the running size total is kept per side, so a second message's option 82 reads past its end", () => {
  const relay = dhcp({ xid: 2, op: 2, options: [...type(ACK), 82, 4, 1, 2, 0xaa, 0xbb] });
  const { host, rec } = stubHost();
  const analyzer = DHCP.datagram!(host);
  analyzer.deliverPacket(false, relay);
  analyzer.deliverPacket(false, relay);
  assert.equal(rec.events.length, 1);
  assert.equal(rec.violations.length, 1);
  assert.match(rec.violations[0]!, /^Binpac exception: binpac exception: out_of_bound: Relay_Agent_SubOption/);
});

test("DHCP is found by its cookie on other ports (dhcp_cookie)", async () => {
  const run = await runUdp([udpPacket(1, "10.0.0.5", 3000, "10.0.0.1", 3001, dhcp({ xid: 3, options: type(DISCOVER) }))]);
  assert.deepEqual(run.services, ["dhcp"]);
  assert.equal(run.rows("dhcp").length, 1);
});
