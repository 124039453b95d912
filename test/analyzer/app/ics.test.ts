/**
 * Modbus and DNP3 on crafted conversations: the rules of their analyzers
 * and logs (Zeek's base/protocols/modbus and dnp3), their malformations (a
 * bad protocol id, truncated PDUs and frames, CRC errors), and a fuzz run:
 * malformed input never throws out of the analyzers (an exception would be
 * the framework's "… analyzer error" violation).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { dnp3FunctionName } from "../../../src/analyzer/app/dnp3/log.js";
import { functionName } from "../../../src/analyzer/app/modbus/consts.js";
import { rng } from "../../helpers/rng.js";
import { dnp3App, dnp3Frame, modbusPdu, runTcp, runUdp } from "./ics-wire.js";
import type { Turn } from "./ssh-wire.js";

const cols = (row: string, from: number, to?: number): string => row.split("\t").slice(from, to).join("\t");
const WATCH = ["analyzer_confirmation_info", "analyzer_violation_info"] as const;

// ---------------------------------------------------------------- Modbus

test("Modbus: requests and responses are paired into modbus.log rows, exceptions named; confirmed (service modbus)", async () => {
  const r = await runTcp(
    [
      { from: "c", data: modbusPdu(1, 10, 0x03, [0, 0, 0, 2]) },
      { from: "s", data: modbusPdu(1, 10, 0x03, [4, 0, 7, 0, 9]) },
      { from: "c", data: modbusPdu(2, 10, 0x17, [0, 0, 0, 1, 0, 5, 0, 1, 2, 0, 1]) },
      { from: "s", data: modbusPdu(2, 10, 0x97, [0x0a]) },
      { from: "c", data: modbusPdu(3, 10, 0x41, []) },
    ],
    502,
    [...WATCH, "modbus_read_holding_registers_response", "modbus_exception"],
  );
  assert.deepEqual(
    r.logs("modbus").map((l) => cols(l, 6)),
    [
      "1\t10\tREAD_HOLDING_REGISTERS\tREQ\t-",
      "1\t10\tREAD_HOLDING_REGISTERS\tRESP\t-",
      "2\t10\tREAD_WRITE_MULTIPLE_REGISTERS\tREQ\t-",
      "2\t10\tREAD_WRITE_MULTIPLE_REGISTERS_EXCEPTION\tRESP\tGATEWAY_PATH_UNAVAILABLE",
      "3\t10\tunknown-65\tREQ\t-",
    ],
  );
  assert.equal(r.events.filter((e) => e.startsWith("analyzer_confirmation_info")).length, 1);
  assert.ok(r.events.includes('modbus_read_holding_registers_response c {"tid":1,"pid":0,"uid":10,"function_code":3,"len":7} [7,9]'));
  assert.ok(r.events.some((e) => e.startsWith("modbus_exception c") && e.endsWith(" 10")));
  assert.equal(cols(r.logs("conn")[0]!, 7, 8), "modbus");
});

test("Modbus: build_func names known codes, masked codes with _EXCEPTION, the rest unknown-N", () => {
  assert.equal(functionName(0x01), "READ_COILS");
  assert.equal(functionName(0x81), "READ_COILS_EXCEPTION");
  assert.equal(functionName(0x9c), "unknown-156");
  assert.equal(functionName(0x2b), "ENCAP_INTERFACE_TRANSPORT");
});

test("Modbus: PDUs split byte by byte and several in one segment give the same rows", async () => {
  const req = modbusPdu(7, 1, 0x01, [0, 0, 0, 8]);
  const resp = modbusPdu(7, 1, 0x01, [1, 0x55]);
  const bytewise = (from: "c" | "s", d: Uint8Array): Turn[] => [...d].map((b) => ({ from, data: new Uint8Array([b]) }));
  const split = await runTcp([...bytewise("c", req), ...bytewise("s", resp)], 502);
  const joined = await runTcp(
    [
      { from: "c", data: new Uint8Array([...req, ...req]) },
      { from: "s", data: resp },
    ],
    502,
  );
  assert.deepEqual(
    split.logs("modbus").map((l) => cols(l, 6)),
    ["7\t1\tREAD_COILS\tREQ\t-", "7\t1\tREAD_COILS\tRESP\t-"],
  );
  assert.deepEqual(
    joined.logs("modbus").map((l) => cols(l, 6, 9)),
    ["7\t1\tREAD_COILS", "7\t1\tREAD_COILS", "7\t1\tREAD_COILS"],
  );
});

test("Modbus: a protocol id other than 0 is Zeek's &enforce violation: no rows, no service", async () => {
  const r = await runTcp(
    [
      { from: "c", data: modbusPdu(1, 1, 0x03, [0, 0, 0, 1], 0x4745) },
      { from: "s", data: modbusPdu(1, 1, 0x03, [2, 0, 1]) },
    ],
    502,
    [...WATCH],
  );
  assert.deepEqual(
    r.logs("modbus").filter((l) => l.includes("REQ")),
    [],
  );
  assert.ok(r.events.some((e) => e.includes("&enforce violation : ModbusTCP_TransportHeader:pid")));
  assert.ok(!r.events.some((e) => e.includes("analyzer error")));
});

test("Modbus: a truncated body is logged by its header but does not confirm; a too-short length never throws", async () => {
  const r = await runTcp(
    [
      { from: "c", data: modbusPdu(1, 1, 0x01, [0]) }, // read coils with 1 of its 4 bytes
      { from: "c", data: new Uint8Array([0, 2, 0, 0, 0, 1, 1]) }, // length 1 (< 2) and cut short
      { from: "s", data: modbusPdu(1, 1, 0x81, []) }, // exception without its code
    ],
    502,
    [...WATCH, "modbus_exception"],
  );
  assert.deepEqual(
    r.logs("modbus").map((l) => cols(l, 6, 10)),
    ["1\t1\tREAD_COILS\tREQ"],
  );
  assert.ok(!r.events.some((e) => e.startsWith("analyzer_confirmation_info") || e.startsWith("modbus_exception") || e.includes("analyzer error")));
});

// ---------------------------------------------------------------- DNP3

test("DNP3: a request and its response make one dnp3.log row (function names, IIN); header block and confirmation", async () => {
  const r = await runTcp(
    [
      { from: "c", data: dnp3App(true, [0xc1, 0x01, 0x3c, 0x02, 0x06]) },
      { from: "s", data: dnp3App(false, [0xc1, 0x81, 0x10, 0x00]) },
      { from: "c", data: dnp3App(true, [0xc2, 0x17]) },
    ],
    20000,
    [...WATCH, "dnp3_header_block", "dnp3_application_request_header", "dnp3_application_response_header"],
  );
  assert.deepEqual(
    r.logs("dnp3").map((l) => cols(l, 6)),
    ["READ\tRESPONSE\t4096", "DELAY_MEASURE\t-\t-"],
  );
  assert.ok(r.events.includes("dnp3_header_block c true 11 196 1 100"));
  assert.ok(r.events.includes("dnp3_application_response_header c false 193 129 4096"));
  assert.equal(r.events.filter((e) => e.startsWith("analyzer_confirmation_info")).length, 1);
  assert.equal(cols(r.logs("conn")[0]!, 7, 8), "dnp3_tcp");
  assert.equal(dnp3FunctionName(0x82), "UNSOLICITED_RESPONSE");
  assert.equal(dnp3FunctionName(0x40), "unknown-64");
});

test("DNP3: an application fragment over several frames (FIR … FIN), the frames split across segments", async () => {
  const app = [0xc1, 0x81, 0x00, 0x00, ...new Array<number>(40).fill(0x11)];
  const f1 = dnp3Frame(0x44, [0x40, ...app.slice(0, 20)]);
  const f2 = dnp3Frame(0x44, [0x81, ...app.slice(20)]);
  const both = new Uint8Array([...f1, ...f2]);
  const r = await runTcp(
    [
      { from: "c", data: dnp3App(true, [0xc1, 0x01]) },
      { from: "s", data: both.subarray(0, 7) },
      { from: "s", data: both.subarray(7, 40) },
      { from: "s", data: both.subarray(40) },
    ],
    20000,
    ["dnp3_header_block"],
  );
  assert.deepEqual(
    r.logs("dnp3").map((l) => cols(l, 6)),
    ["READ\tRESPONSE\t0"],
  );
  assert.equal(r.events.filter((e) => e.includes(" false ")).length, 1); // one header block for the fragment
});

test("DNP3: a header CRC error is dnp3_corrupt_header_checksum and the violation broken_checksum; the analyzer stops", async () => {
  const r = await runTcp(
    [
      { from: "c", data: dnp3Frame(0xc4, [0xc0, 0xc1, 0x01], { corrupt: "header" }) },
      { from: "s", data: dnp3App(false, [0xc1, 0x81, 0, 0]) },
    ],
    20000,
    [...WATCH],
  );
  assert.ok(r.logs("weird").some((l) => l.includes("dnp3_corrupt_header_checksum\t")));
  assert.ok(r.events.some((e) => e.startsWith("analyzer_violation_info") && e.includes("broken_checksum")));
  assert.ok(!r.events.some((e) => e.includes("analyzer error")));
});

test("DNP3: a block CRC error, a missing first frame and a frame without the magic are Zeek's weirds", async () => {
  const block = await runTcp([{ from: "c", data: dnp3Frame(0xc4, [0xc0, 0xc1, 0x01], { corrupt: "block" }) }], 20000);
  assert.ok(block.logs("weird").some((l) => l.includes("dnp3_corrupt_app_chunk_checksum\t")));
  assert.deepEqual(block.logs("dnp3"), []);
  const middle = await runTcp([{ from: "c", data: dnp3Frame(0xc4, [0x81, 0xc1, 0x01]) }], 20000);
  assert.ok(middle.logs("weird").some((l) => l.includes("dnp3_first_application_layer_chunk_missing\t")));
  const magic = await runTcp([{ from: "c", data: new Uint8Array(20).fill(0x41) }], 20000);
  assert.ok(magic.logs("weird").some((l) => l.includes("dnp3_header_lacks_magic\t")));
});

test("DNP3 over UDP is found by its signature (service dnp3_udp), state carried from datagram to datagram", async () => {
  const resp = dnp3App(false, [0xc1, 0x81, 0x90, 0x00]);
  const r = await runUdp(
    [
      { from: "c", data: dnp3App(true, [0xc1, 0x14]) },
      { from: "s", data: resp.subarray(0, 12) },
      { from: "s", data: resp.subarray(12) },
    ],
    20000,
  );
  assert.deepEqual(
    r.logs("dnp3").map((l) => cols(l, 6)),
    ["ENABLE_UNSOLICITED\tRESPONSE\t36864"],
  );
  assert.equal(cols(r.logs("conn")[0]!, 7, 8), "dnp3_udp");
});

// ---------------------------------------------------------------- fuzz

test("Modbus and DNP3: mutated conversations never throw out of the analyzers", async () => {
  const next = rng(0x1c5);
  const modbus: Turn[] = [
    { from: "c", data: modbusPdu(1, 1, 0x10, [0, 1, 0, 2, 4, 0, 1, 0, 2]) },
    { from: "s", data: modbusPdu(1, 1, 0x10, [0, 1, 0, 2]) },
    { from: "c", data: modbusPdu(2, 1, 0x14, [7, 6, 0, 1, 0, 2, 0, 1]) },
    { from: "s", data: modbusPdu(2, 1, 0x14, [4, 3, 6, 0, 1]) },
    { from: "c", data: modbusPdu(3, 1, 0x15, [9, 6, 0, 1, 0, 2, 0, 1, 0, 5]) },
    { from: "c", data: modbusPdu(4, 1, 0x08, [0, 1, 0xff, 0]) },
    { from: "s", data: modbusPdu(5, 1, 0x18, [0, 4, 0, 1, 0, 3]) },
  ];
  const dnp3: Turn[] = [
    { from: "c", data: dnp3App(true, [0xc1, 0x01, 0x3c, 0x02, 0x06]) },
    { from: "s", data: dnp3App(false, [0xc1, 0x81, 0x10, 0x00, ...new Array<number>(30).fill(3)]) },
  ];
  const watch = ["analyzer_violation_info"] as const;
  for (let round = 0; round < 60; round++) {
    for (const [base, port] of [
      [modbus, 502],
      [dnp3, 20000],
    ] as const) {
      const turns: Turn[] = base.map((t) => ({ from: t.from, data: new Uint8Array(t.data as Uint8Array) }));
      for (let e = 0; e < 1 + next() * 5; e++) {
        const t = turns[Math.floor(next() * turns.length)]!;
        const d = t.data as Uint8Array;
        if (next() < 0.5 && d.length > 0) d[Math.floor(next() * d.length)] = Math.floor(next() * 256);
        else t.data = d.slice(0, Math.floor(next() * d.length));
      }
      const r = await runTcp(turns, port, [...watch]);
      assert.deepEqual(
        r.events.filter((ev) => ev.includes("analyzer error")),
        [],
        `round ${round} port ${port}`,
      );
    }
  }
});
