/**
 * The Sun RPC analyzers (PORTMAPPER, MOUNT, NFS, attached by
 * register_for_port as Zeek's btests do) on crafted messages: record
 * marking across fragments and segments, resynchronisation after a content
 * gap, the 64 KiB cut, retransmissions, unpaired replies, pending calls
 * dropped at rpc_max_pending_calls, calls timing out at the end, UDP flows
 * ending at rpc_timeout, and Zeek's weirds for malformed XDR, unknown
 * procedures and excess bytes; fuzzed conversations never throw.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Engine } from "../../../src/engine.js";
import type { EventName } from "../../../src/event/events.js";
import { loadBuiltinScripts } from "../../../src/index.js";
import type { EngineSettings } from "../../../src/options.js";
import { memorySource } from "../../helpers/packets.js";
import { tcpTrace, udpPacket } from "../../session/harness.js";
import { fuzzProtocol, type RunOptions, rows, runTcp, type Step, segments } from "./tcp-conv.js";

/** XDR words, big-endian. */
function words(...values: number[]): number[] {
  return values.flatMap((v) => [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff]);
}

/** An XDR opaque or string: length, bytes, padding. */
function opaque(s: string | number[]): number[] {
  const b = typeof s === "string" ? [...Buffer.from(s, "latin1")] : s;
  return [...words(b.length), ...b, ...new Array<number>((4 - (b.length % 4)) % 4).fill(0)];
}

/** An AUTH_UNIX credential: stamp, machine name, uid, gid, aux gids. */
const AUTH_UNIX = [...words(1), ...opaque([...words(7), ...opaque("host"), ...words(1000, 100, 2, 10, 20)])];
const AUTH_NONE = words(0, 0);

function call(xid: number, prog: number, vers: number, proc: number, args: number[] = [], cred = AUTH_UNIX): number[] {
  return [...words(xid, 0, 2, prog, vers, proc), ...cred, ...AUTH_NONE, ...args];
}

function reply(xid: number, results: number[] = [], acceptStat = 0): number[] {
  return [...words(xid, 1, 0), ...AUTH_NONE, ...words(acceptStat), ...results];
}

/** A message as one last fragment. */
function record(msg: number[]): number[] {
  return [...words((0x80000000 | msg.length) >>> 0), ...msg];
}

/** A message as two fragments, cut at byte `at`. */
function fragments(msg: number[], at: number): number[] {
  return [...words(at), ...msg.slice(0, at), ...words((0x80000000 | (msg.length - at)) >>> 0), ...msg.slice(at)];
}

const PORTMAP = 100000;
const MOUNT = 100005;
const NFS = 100003;
const GETPORT_ARGS = words(100003, 3, 17, 0);

const RPC_EVENTS: EventName[] = ["rpc_call", "rpc_reply", "rpc_dialogue", "rpc_discarded_pending_calls"];
const PM: RunOptions = { sport: 111, register: "PORTMAPPER", watch: [...RPC_EVENTS, "pm_request_getport", "pm_attempt_getport", "pm_bad_port"] };
const NFS_TCP: RunOptions = {
  sport: 2049,
  register: "NFS",
  watch: ["rpc_call", "nfs_reply_status", "nfs_proc_lookup", "nfs_proc_write", "nfs_proc_not_implemented"],
};

/** weird.log's names and addl, in order. */
function weirds(log: string[][]): string[] {
  return log.map((r) => `${r[6]} ${r[7]}`);
}

test("PORTMAPPER over TCP: a call in two fragments over two segments, its reply; rpc_* and pm_request_getport", async () => {
  const msg = fragments(call(7, PORTMAP, 2, 3, GETPORT_ARGS), 10);
  const r = await runTcp(
    [
      ["c", msg.slice(0, 6)],
      ["c", msg.slice(6)],
      ["s", record(reply(7, words(2049)))],
    ],
    PM,
  );
  const getport = r.events.filter((e) => !e.startsWith("rpc_dialogue"));
  assert.deepEqual(getport, [
    `rpc_call c 7 ${PORTMAP} 2 3 ${call(7, PORTMAP, 2, 3, GETPORT_ARGS).length - 8}`,
    'rpc_reply c 7 "RPC_SUCCESS" 4',
    'pm_request_getport c {"program":100003,"version":3,"is_tcp":false} {"port":2049,"proto":"udp"}',
  ]);
  assert.match(r.events.at(-1)!, /^rpc_dialogue c 100000 2 3 "RPC_SUCCESS" [\d.]+ 80 0$/);
  assert.deepEqual(weirds(r.log("weird")), []);
  // Zeek's RPC analyzers never confirm: no service.
  assert.equal(r.log("conn")[0]![7], "-");
});

test("a port above 65535 is pm_bad_port and reads as 0; an unanswered call times out at the end", async () => {
  const r = await runTcp(
    [
      ["c", record(call(1, PORTMAP, 2, 3, GETPORT_ARGS))],
      ["s", record(reply(1, words(70000)))],
      ["c", record(call(2, PORTMAP, 2, 3, GETPORT_ARGS))],
    ],
    PM,
  );
  assert.ok(r.events.includes("pm_bad_port c 70000"));
  assert.ok(r.events.some((e) => e.endsWith('{"port":0,"proto":"udp"}')));
  assert.ok(r.events.some((e) => /^rpc_dialogue c 100000 2 3 "RPC_TIMEOUT" [\d.]+ 80 0$/.test(e)));
  assert.ok(r.events.includes('pm_attempt_getport c "RPC_TIMEOUT" {"program":100003,"version":3,"is_tcp":false}'));
});

test("malformed calls: truncated XDR, a machine name over 255 bytes, too many gids, an unknown procedure are bad_RPC", async () => {
  const longName = [...words(1), ...opaque([...words(0), ...opaque("x".repeat(256)), ...words(0, 0, 0)])];
  const manyGids = [...words(1), ...opaque([...words(0), ...opaque("h"), ...words(0, 0, 65)])];
  const r = await runTcp(
    [
      ["c", record(call(1, PORTMAP, 2, 3).slice(0, 30))],
      ["c", record(call(2, PORTMAP, 2, 3, GETPORT_ARGS, longName))],
      ["c", record(call(3, PORTMAP, 2, 3, GETPORT_ARGS, manyGids))],
      ["c", record(call(4, PORTMAP, 2, 9))],
      ["s", record(reply(4))],
    ],
    PM,
  );
  // Only the unknown procedure's call was read far enough for rpc_call.
  assert.deepEqual(
    r.events.filter((e) => e.startsWith("rpc_call")),
    [`rpc_call c 4 ${PORTMAP} 2 9 ${call(4, PORTMAP, 2, 9).length - 8}`],
  );
  // weird.log keeps one row a name per connection; partial_RPC is the record layer's.
  assert.deepEqual(weirds(r.log("weird")), ["bad_RPC -", "partial_RPC -", "successful_RPC_reply_to_invalid_request -"]);
});

test("retransmissions, replies without a call, replies from the originator, excess bytes: Zeek's weirds", async () => {
  const r = await runTcp(
    [
      ["c", record(call(1, PORTMAP, 2, 0))],
      ["c", record(call(1, PORTMAP, 2, 0, words(0)))],
      ["s", record(reply(1, words(0, 0)))],
      ["s", record(reply(99))],
      ["c", record(reply(5))],
      ["c", record(call(2, PORTMAP, 2, 0, words(0, 1)))],
    ],
    PM,
  );
  // The retransmission's extra word is zero: padding, no excess.
  assert.deepEqual(weirds(r.log("weird")), ["RPC_rexmit_inconsistency -", "unpaired_RPC_response -", "originator_RPC_reply -", "excess_RPC -"]);
  assert.equal(r.events.filter((e) => e.startsWith("rpc_call c 1 ")).length, 2);
});

test("rpc_max_pending_calls: one more call drops them all, with RPC_pending_calls_discarded and rpc_discarded_pending_calls", async () => {
  const steps: Step[] = [1, 2, 3, 4, 5].map((xid) => ["c", record(call(xid, PORTMAP, 2, 0))]);
  const r = await runTcp(steps, { ...PM, settings: { rpc_max_pending_calls: 2 } });
  assert.equal(r.events.filter((e) => e.startsWith("rpc_discarded_pending_calls")).length, 2);
  assert.deepEqual(weirds(r.log("weird")), ["RPC_pending_calls_discarded -"]);
  // At the end the calls left (after the last drop: 5) time out.
  assert.deepEqual(
    r.events.filter((e) => e.includes("RPC_TIMEOUT")).map((e) => e.split(" ").slice(0, 6).join(" ")),
    ['rpc_dialogue c 100000 2 0 "RPC_TIMEOUT"'],
  );
});

test("a record longer than 64 KiB is RPC_message_too_long and read cut (bounded); NFS WRITE gives no data without NFS3::return_data", async () => {
  const data = "d".repeat(70000);
  const write = call(1, NFS, 3, 7, [...opaque("fh"), ...words(0, 0, 70000, 2), ...opaque(data)]);
  const r = await runTcp([["c", record(write)]], { ...NFS_TCP, segments: { mss: 1400 } });
  const w = weirds(r.log("weird"));
  assert.equal(w[0], `RPC_message_too_long ${write.length}`);
  assert.deepEqual(
    r.events.filter((e) => e.startsWith("rpc_call")),
    // The kept 64 KiB, after xid and message type.
    [`rpc_call c 1 ${NFS} 3 7 65528`],
  );
  assert.ok(r.events.at(-1)!.startsWith("nfs_proc_write") && !r.events.at(-1)!.includes('"data"'));
  const withData = await runTcp([["c", record(write)]], { ...NFS_TCP, segments: { mss: 1400 }, settings: { "NFS3::return_data": true } });
  assert.ok(withData.events.at(-1)!.includes(`"data":"${"d".repeat(512)}"`));
});

test("a mark announcing 2 GiB: RPC_message_too_long with that length, 64 KiB kept at most, the rest skipped without a message", async () => {
  const r = await runTcp(
    [
      ["c", [...words(0xffffffff), ...call(1, NFS, 3, 0)]],
      ["c", new Array<number>(100000).fill(7)],
    ],
    { ...NFS_TCP, segments: { mss: 1400 } },
  );
  assert.deepEqual(weirds(r.log("weird")), ["RPC_message_too_long 2147483647"]);
  assert.deepEqual(r.events, []);
});

test("NFS: an unknown procedure is unknown_NFS_request, its reply still gives nfs_reply_status; an invalid status is invalid_nfs_status", async () => {
  const lookup = call(2, NFS, 3, 3, [...opaque("dirfh"), ...opaque("name")]);
  const r = await runTcp(
    [
      ["c", record(call(1, NFS, 3, 30))],
      ["s", record(reply(1, words(0)))],
      ["c", record(lookup)],
      ["s", record(reply(2, words(12345, 0)))],
      ["c", record(call(3, NFS, 3, 4, words(1, 2, 3)))],
      ["s", record(reply(3, words(0, 0, 0)))],
    ],
    NFS_TCP,
  );
  assert.deepEqual(weirds(r.log("weird")), ["unknown_NFS_request 30", "bad_RPC -", "invalid_nfs_status 12345"]);
  const names = r.events.map((e) => e.split(" ")[0]);
  assert.deepEqual(names, [
    "rpc_call",
    "nfs_reply_status",
    "rpc_call",
    "nfs_reply_status",
    "nfs_proc_lookup",
    "rpc_call",
    "nfs_reply_status",
    "nfs_proc_not_implemented",
  ]);
  assert.ok(r.events.at(-1)!.endsWith('"NFS3::PROC_ACCESS"'));
  assert.ok(r.events[4]!.includes('"nfs_stat":"NFS3::NFS3ERR_UNKNOWN"'));
});

test("after a content gap the stream resynchronises: a whole message skipped, the next mark trusted", async () => {
  const steps: (Step | ["gap-c", number])[] = [
    ["c", record(call(1, PORTMAP, 2, 0))],
    ["gap-c", 12],
    ["c", record(call(2, PORTMAP, 2, 0))],
    ["c", record(call(3, PORTMAP, 2, 0))],
    ["c", record(call(4, PORTMAP, 2, 0))],
  ];
  const r = await runTcp(steps, PM);
  assert.deepEqual(
    r.events.filter((e) => e.startsWith("rpc_call")).map((e) => e.split(" ")[2]),
    ["1", "4"],
  );
});

test("a connection whose start was not seen resynchronises first: two messages skipped, the third read", async () => {
  const steps: Step[] = [1, 2, 3].map((xid) => ["c", record(call(xid, PORTMAP, 2, 0))]);
  // The conversation without its handshake: both sides are partial.
  const packets = tcpTrace(segments(steps).slice(3), { sport: 111, cport: 40000 });
  const engine = new Engine({});
  assert.ok(engine.registerForPort("PORTMAPPER", 111));
  loadBuiltinScripts(engine, { memory: true });
  const xids: number[] = [];
  engine.on("rpc_call", (_c, xid) => void xids.push(xid));
  await engine.run(memorySource(packets));
  assert.deepEqual(xids, [3]);
});

/** UDP datagrams on port `sport`, the analyzer registered for it; events watched, logs. */
async function runUdp(
  datagrams: [t: number, from: "c" | "s", msg: number[]][],
  register: string,
  sport: number,
  watch: EventName[],
  settings?: Partial<EngineSettings>,
) {
  const engine = new Engine({ settings });
  assert.ok(engine.registerForPort(register, sport, "udp"));
  const scripts = loadBuiltinScripts(engine, { memory: true });
  const events: string[] = [];
  for (const name of watch) engine.on(name, ((...args: unknown[]) => events.push(name + (typeof args[1] === "number" ? ` ${args[1]}` : ""))) as never);
  const packets = datagrams.map(([t, from, msg]) =>
    from === "c"
      ? udpPacket(t, "10.0.0.1", 700, "192.0.2.10", sport, Uint8Array.from(msg))
      : udpPacket(t, "192.0.2.10", sport, "10.0.0.1", 700, Uint8Array.from(msg)),
  );
  await engine.run(memorySource(packets));
  return { events, conn: rows(scripts.logs.text("conn")), weird: rows(scripts.logs.text("weird")) };
}

test("MOUNT over UDP: the flow ends rpc_timeout after it started (connection_timeout), a later datagram starts another", async () => {
  const mnt = call(1, MOUNT, 3, 1, opaque("/export"));
  const ok = reply(1, [...words(0), ...opaque("fh"), ...words(1, 1)]);
  const r = await runUdp(
    [
      [1, "c", mnt],
      [1.1, "s", ok],
      [30, "c", call(2, MOUNT, 3, 0)],
    ],
    "MOUNT",
    635,
    ["mount_proc_mnt", "connection_timeout", "mount_proc_null"],
  );
  // The second flow ends at the end of input, its unanswered call timing out after connection_timeout.
  assert.deepEqual(r.events, ["mount_proc_mnt", "connection_timeout", "connection_timeout", "mount_proc_null"]);
  assert.equal(r.conn.length, 2);
});

test("MOUNT: more than 32 auth flavors are excessive_MNT_auth_flavors, an unknown one unhandled_mount3_auth_flavor, a bad status invalid_mount_status", async () => {
  const flavors = words(40, ...new Array<number>(39).fill(1), 9);
  const r = await runUdp(
    [
      [1, "c", call(1, MOUNT, 3, 1, opaque("/a"))],
      [1.1, "s", reply(1, [...words(0), ...opaque("fh"), ...flavors])],
      [2, "c", call(2, MOUNT, 3, 1, opaque("/b"))],
      [2.1, "s", reply(2, [...words(0), ...opaque("fh"), ...words(2, 1, 9)])],
      [3, "c", call(3, MOUNT, 3, 1, opaque("/c"))],
      [3.1, "s", reply(3, words(4242))],
      [4, "c", call(4, MOUNT, 3, 9)],
    ],
    "MOUNT",
    635,
    ["mount_proc_mnt"],
  );
  // The unknown procedure's call times out at the end: no reply can be read for it (bad_RPC).
  assert.deepEqual(weirds(r.weird), [
    "excessive_MNT_auth_flavors -",
    "unhandled_mount3_auth_flavor 9",
    "invalid_mount_status 4242",
    "unknown_MOUNT_request 9",
    "bad_RPC -",
  ]);
  assert.equal(r.events.length, 3);
});

const CONVERSATIONS: Step[][] = [
  [
    ["c", record(call(1, NFS, 3, 3, [...opaque("dirfh"), ...opaque("name")]))],
    ["s", record(reply(1, [...words(0), ...opaque("fh"), ...words(0, 0)]))],
    ["c", fragments(call(2, NFS, 3, 16, [...opaque("fh"), ...words(0, 0, 0, 0, 512)]), 12)],
    ["s", record(reply(2, [...words(0, 0, 0, 0, 1, 0, 5), ...opaque("a"), ...words(0, 6, 0, 1)]))],
  ],
  [
    ["c", record(call(1, MOUNT, 3, 1, opaque("/x")))],
    ["s", record(reply(1, [...words(0), ...opaque("fh"), ...words(1, 1)]))],
    ["c", record(call(2, PORTMAP, 2, 4))],
    ["s", record(reply(2, words(1, 100000, 2, 6, 111, 0)))],
  ],
];

test("fuzz: mutated NFS, MOUNT and portmapper conversations over TCP and UDP never throw", async () => {
  await fuzzProtocol(CONVERSATIONS, 2049, 11, 2, 25, false, "NFS");
  await fuzzProtocol(CONVERSATIONS, 111, 12, 2, 25, false, "PORTMAPPER");
  const datagrams = CONVERSATIONS.map((conv) => conv.map(([from, b]): Step => [from, (b as number[]).slice(4)]));
  await fuzzProtocol(datagrams, 2049, 13, 2, 25, true, "NFS");
  await fuzzProtocol(datagrams, 635, 14, 2, 25, true, "MOUNT");
});
