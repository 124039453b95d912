/**
 * The NCP analyzer on self-made conversations (registered for 524/tcp, as
 * Zeek's btests do): requests and replies with their functions, frames cut
 * across segments, NCP::max_frame_size and frames shorter than their header
 * (ncp_large_frame from CONTENTS_NCP, 'X', then a resynchronization), frames
 * too short for their fields (violations), content gaps; and a fuzz run.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Engine } from "../../../src/engine.js";
import { memorySource } from "../../helpers/packets.js";
import { tcpTrace } from "../../session/harness.js";
import { concat, fuzzProtocol, type RunOptions, runTcp, type Step } from "./tcp-conv.js";

const NCP: RunOptions = { sport: 524, register: "NCP", watch: ["ncp_request", "ncp_reply"] };

const be32 = (v: number): number[] => [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];

/** A client's frame: "DmdT", length, version, reply buffer size, NCP header (type 0x2222), body. */
function request(body: number[]): Uint8Array {
  const rest = concat(be32(1), be32(4096), [0x22, 0x22, 1, 2, 3, 0], body);
  return concat("DmdT", be32(8 + rest.length), rest);
}

/** A server's frame: "tNcP", length, NCP header (type 0x3333), completion code, status, data. */
function reply(code: number, data: number[] = []): Uint8Array {
  const rest = concat([0x33, 0x33, 1, 2, 3, 0], [code, 0], data);
  return concat("tNcP", be32(8 + rest.length), rest);
}

const CONVERSATION: Step[] = [
  ["c", request([0x48, 0, 0, 0, 1])],
  ["s", reply(0, [1, 2, 3])],
  ["c", request([0x57, 0x02, 9, 9])],
  ["s", reply(0xff)],
];

test("requests and replies: frame types, body lengths, the function (0x57 with its subfunction), the completion code", async () => {
  const r = await runTcp(CONVERSATION, NCP);
  assert.deepEqual(r.events, ["ncp_request c 8738 5 72", "ncp_reply c 13107 5 8738 72 0", "ncp_request c 8738 4 22274", "ncp_reply c 13107 2 8738 22274 255"]);
  assert.deepEqual(r.violations, []);
  assert.equal(r.log("conn")[0]![7], "-");
});

test("frames cut anywhere across segments, and several in one segment, come out whole", async () => {
  const all = concat(request([0x16]), request([0x17, 1]));
  const steps: Step[] = [];
  for (let at = 0; at < all.length; at += 5) steps.push(["c", all.subarray(at, at + 5)]);
  const r = await runTcp([...steps, ["s", concat(reply(0), reply(1))]], NCP);
  assert.deepEqual(r.events, ["ncp_request c 8738 1 22", "ncp_request c 8738 2 23", "ncp_reply c 13107 2 8738 23 0", "ncp_reply c 13107 2 8738 23 1"]);
});

test("a frame past NCP::max_frame_size: ncp_large_frame (CONTENTS_NCP), 'X'; the rest of the segment dropped, the next frame found again", async () => {
  const r = await runTcp(
    [
      ["c", request([0x48])],
      ["s", concat(reply(0, new Array(200).fill(7)), reply(1))],
      ["c", request([0x49])],
      ["s", "junk that is not a frame"],
      ["s", reply(2)],
    ],
    { ...NCP, settings: { "NCP::max_frame_size": 150 } },
  );
  assert.deepEqual(r.events, ["ncp_request c 8738 1 72", "ncp_request c 8738 1 73", "ncp_reply c 13107 2 8738 73 2"]);
  assert.deepEqual(
    r.log("weird").map((w) => [w[6], w[7], w[10]]),
    [["ncp_large_frame", "-", "CONTENTS_NCP"]],
  );
  assert.match(r.log("conn")[0]![15]!, /X/);
});

test("a length shorter than the 8-byte header is ncp_large_frame too; a huge one is never buffered", async () => {
  const short = await runTcp([["c", concat("DmdT", be32(4), request([1]).subarray(8))]], NCP);
  assert.deepEqual(short.log("weird")[0]?.[6], "ncp_large_frame");
  const huge = await runTcp([["c", concat("DmdT", be32(0xffffffff), request([1]).subarray(8))]], NCP);
  assert.deepEqual(huge.log("weird")[0]?.[6], "ncp_large_frame");
  assert.deepEqual(huge.events, []);
});

test("frames too short for their fields are violations worded as BinPAC's exceptions", async () => {
  const r = await runTcp(
    [
      ["c", request([0x48])],
      ["s", concat("tNcP", be32(15), [0x33, 0x33, 1, 2, 3, 0, 0])],
    ],
    NCP,
  );
  assert.deepEqual(r.violations, ["NCP Binpac exception: binpac exception: out_of_bound: ncp_reply: 2 > 1"]);
  const req = await runTcp([["c", concat("DmdT", be32(20), be32(1), be32(1), [0x22, 0x22, 0, 0])]], { ...NCP, settings: { "NCP::max_frame_size": 150 } });
  assert.deepEqual(req.violations, ["NCP Binpac exception: binpac exception: out_of_bound: ncp_over_tcpip_frame: 22 > 20"]);
});

test("after a content gap the side is not read", async () => {
  const r = await runTcp(
    [
      ["c", request([0x48])],
      ["gap-c", 30],
      ["c", request([0x49])],
      ["s", reply(0)],
    ],
    NCP,
  );
  assert.deepEqual(r.events, ["ncp_request c 8738 1 72", "ncp_reply c 13107 2 8738 72 0"]);
});

test("a connection seen from its middle: deliveries that do not start like a frame are skipped until one does", async () => {
  const engine = new Engine();
  assert.ok(engine.registerForPort("NCP", 524));
  const events: string[] = [];
  engine.on("ncp_request", (_c, type, length, func) => void events.push(`request ${type} ${length} ${func}`));
  // The tail of a frame whose start was not seen (long enough, but no frame type where one would be), then a whole frame.
  const tail = request(new Array<number>(40).fill(1)).subarray(5);
  const segs = [
    { t: 1, from: "c" as const, flags: "PA", seq: 1000, ack: 5000, payload: tail },
    { t: 1.1, from: "c" as const, flags: "PA", seq: 1000 + tail.length, ack: 5000, payload: request([0x49]) },
  ];
  await engine.run(memorySource(tcpTrace(segs, { sport: 524 })));
  assert.deepEqual(events, ["request 8738 1 73"]);
});

test("fuzz: mutated NCP conversations never throw out of the analyzer", async () => {
  await fuzzProtocol([CONVERSATION], 524, 524, 2, 30, false, "NCP");
});
