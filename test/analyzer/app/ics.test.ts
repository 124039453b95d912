/**
 * Modbus and DNP3 on crafted conversations: the rules of their analyzers
 * and logs (Zeek's base/protocols/modbus and dnp3), their malformations (a
 * bad protocol id, truncated PDUs and frames, CRC errors), and a fuzz run:
 * malformed input never throws out of the analyzers (an exception would be
 * the framework's "… analyzer error" violation).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DNP3_EVENT_NAMES } from "../../../src/analyzer/app/dnp3/events.js";
import { dnp3FunctionName } from "../../../src/analyzer/app/dnp3/log.js";
import { functionName } from "../../../src/analyzer/app/modbus/consts.js";
import { rng } from "../../helpers/rng.js";
import { dnp3App, dnp3Frame, modbusPdu, runTcp, runUdp } from "./ics-wire.js";
import type { Turn } from "./ssh-wire.js";

const cols = (row: string, from: number, to?: number): string => row.split("\t").slice(from, to).join("\t");
const WATCH = ["analyzer_confirmation_info", "analyzer_violation_info"] as const;

// ---------------------------------------------------------------- Modbus

test("policy/protocols/modbus: known_modbus.log names master and slave once; track-memmap logs a holding register read back changed", async () => {
  const read = (tid: number, start: number, values: number[]) => [
    { from: "c" as const, data: modbusPdu(tid, 1, 0x03, [start >> 8, start & 0xff, 0, values.length]) },
    { from: "s" as const, data: modbusPdu(tid, 1, 0x03, [2 * values.length, ...values.flatMap((v) => [v >> 8, v & 0xff])]) },
  ];
  const turns = [...read(1, 4, [7, 9]), ...read(2, 4, [7, 300]), ...read(3, 5, [300, 1]), ...read(4, 6, [5])];
  const loads = ["policy/protocols/modbus/known-masters-slaves", "policy/protocols/modbus/track-memmap"];
  const r = await runTcp(turns, 502, [], {}, loads);
  assert.deepEqual(
    r.logs("known_modbus").map((l) => cols(l, 1)),
    ["10.0.0.1\tKnown::MODBUS_MASTER", "192.0.2.10\tKnown::MODBUS_SLAVE"],
  );
  // Registers are numbered from the request's start address plus one (Zeek's script): 5-6, 5-6, 6-7, 7.
  const changes = r.logs("modbus_register_change").map((l) => cols(l, 6));
  assert.equal(changes.length, 2);
  assert.match(changes[0]!, /^6\t9\t300\t[0-9.]+$/);
  assert.match(changes[1]!, /^7\t1\t5\t[0-9.]+$/);
  const plain = await runTcp(turns, 502);
  assert.deepEqual([plain.logs("known_modbus"), plain.logs("modbus_register_change")], [[], []]);
});

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

// ---------------------------------------------------------------- DNP3 objects

const OBJECT_EVENTS = ["dnp3_object_header", "dnp3_object_prefix", "dnp3_response_data_object"] as const;

test("DNP3 objects: a READ's headers (index ranges, all objects, counts, addresses) raise dnp3_object_header with Zeek's count and range", async () => {
  // g30v1 indices 2..5 (qualifier 0x00), g60v2 all (0x06), g1v2 indices 1..0x0102 (0x01, little-endian), a count of 0x0203 read big-endian for rf_low (0x08).
  // Then a one-byte count (0x07), a four-byte count (0x09: big-endian rf_low), big-endian addresses (0x04: no count).
  const more = [0x3c, 0x03, 0x07, 5, 0x3c, 0x04, 0x09, 1, 0, 0, 0, 0x0a, 0x01, 0x04, 0, 1, 0, 2];
  const app = [0xc1, 0x01, 0x1e, 0x01, 0x00, 2, 5, 0x3c, 0x02, 0x06, 0x01, 0x02, 0x01, 0x01, 0x00, 0x02, 0x01, 0x0a, 0x01, 0x08, 0x03, 0x02, ...more];
  const r = await runTcp([{ from: "c", data: dnp3App(true, app) }], 20000, [...OBJECT_EVENTS]);
  assert.deepEqual(r.events, [
    "dnp3_object_header c true 7681 0 4 2 5",
    "dnp3_object_header c true 15362 6 0 65535 65535",
    "dnp3_object_header c true 258 1 258 1 258",
    "dnp3_object_header c true 2561 8 515 770 0",
    "dnp3_object_header c true 15363 7 5 5 0",
    "dnp3_object_header c true 15364 9 1 16777216 0",
    "dnp3_object_header c true 2561 4 0 1 2",
  ]);
});

test("DNP3 objects: response data in Zeek's order (prefix, object event, data object), signed analog values as Zeek's count, bits packed", async () => {
  const app = [
    ...[0xc1, 0x81, 0x00, 0x00],
    // g30v1, indices 0..1: flag 1, value -1; flag 1, value 300
    ...[0x1e, 0x01, 0x00, 0, 1, 0x01, 0xff, 0xff, 0xff, 0xff, 0x01, 0x2c, 0x01, 0x00, 0x00],
    // g1v1 packed, indices 0..9: two bytes
    ...[0x01, 0x01, 0x00, 0, 9, 0x81, 0x02],
    // g20v5 with a one-byte index prefix (qualifier 0x17, count 1)
    ...[0x14, 0x05, 0x17, 1, 7, 0x10, 0x00, 0x00, 0x00],
  ];
  const r = await runTcp([{ from: "s", data: dnp3App(false, app) }], 20000, [...OBJECT_EVENTS, "dnp3_analog_input_32wFlag", "dnp3_counter_32woFlag"], {});
  assert.deepEqual(r.events, [
    "dnp3_object_header c false 7681 0 2 0 1",
    "dnp3_object_prefix c false 0",
    "dnp3_analog_input_32wFlag c false 1 18446744073709551615n",
    "dnp3_response_data_object c false 255",
    "dnp3_object_prefix c false 0",
    "dnp3_analog_input_32wFlag c false 1 300n",
    "dnp3_response_data_object c false 255",
    "dnp3_object_header c false 257 0 10 0 9",
    "dnp3_object_prefix c false 0",
    "dnp3_response_data_object c false 129",
    "dnp3_object_prefix c false 0",
    "dnp3_response_data_object c false 2",
    "dnp3_object_header c false 5125 23 1 1 0",
    "dnp3_object_prefix c false 7",
    "dnp3_counter_32woFlag c false 16",
    "dnp3_response_data_object c false 255",
  ]);
});

test("DNP3 objects: a SELECT's CROB, a file block sized by its prefix, an unknown response code's bytes as dnp3_debug_byte", async () => {
  const crob = [0x0c, 0x01, 0x28, 1, 0, 3, 0, 0x41, 1, 0x64, 0, 0, 0, 0xc8, 0, 0, 0, 0];
  const file = [0x46, 0x05, 0x5b, 1, 10, 0, 0x78, 0x56, 0x34, 0x12, 0, 0, 0, 0x80, 0x41, 0x42];
  const r = await runTcp(
    [
      { from: "c", data: dnp3App(true, [0xc1, 0x03, ...crob]) },
      { from: "s", data: dnp3App(false, [0xc1, 0x81, 0, 0, ...file]) },
      { from: "s", data: dnp3App(false, [0xc2, 0x99, 0, 0, 0x01, 0x02]) },
    ],
    20000,
    ["dnp3_crob", "dnp3_file_transport", "dnp3_debug_byte"],
  );
  assert.deepEqual(r.events, [
    "dnp3_crob c true 65 1 100 200 0",
    'dnp3_file_transport c false 305419896 2147483648 "AB"',
    'dnp3_debug_byte c false "\\u0001\\u0002"',
  ]);
});

test("DNP3 objects: an object running past the fragment is BinPAC's out_of_bound: the events before it stand, the violation, the analysis stops", async () => {
  const r = await runTcp(
    [
      { from: "c", data: dnp3App(true, [0xc1, 0x01, 0x3c, 0x01, 0x06]) },
      // g30v1 with two objects announced, one and a half sent.
      { from: "s", data: dnp3App(false, [0xc1, 0x81, 0, 0, 0x1e, 0x01, 0x00, 0, 1, 0x01, 5, 0, 0, 0, 0x01, 6]) },
      { from: "c", data: dnp3App(true, [0xc2, 0x01, 0x3c, 0x01, 0x06]) },
    ],
    20000,
    ["dnp3_analog_input_32wFlag", "dnp3_application_request_header", "analyzer_violation_info"],
  );
  assert.deepEqual(
    r.events.map((e) => e.replace(/analyzer_violation_info .*"reason":("[^"]*").*/, "violation $1")),
    [
      "dnp3_application_request_header c true 193 1",
      "dnp3_analog_input_32wFlag c false 1 5n",
      'violation "Binpac exception: binpac exception: out_of_bound: DNP3:value: 4 > 1"',
    ],
  );
  assert.equal(r.logs("dnp3").length, 1);
});

test("DNP3 objects: more objects than bytes left, or a range whose stop is below its start, is out_of_bound before any object", async () => {
  for (const range of [
    [0, 99],
    [5, 0],
  ]) {
    const r = await runTcp([{ from: "s", data: dnp3App(false, [0xc1, 0x81, 0, 0, 0x1e, 0x01, 0x00, ...range, 0x01, 5, 0, 0, 0]) }], 20000, [
      "dnp3_object_header",
      "dnp3_object_prefix",
      "analyzer_violation_info",
    ]);
    assert.equal(r.events.length, 2, r.events.join("; "));
    assert.ok(r.events[0]!.startsWith("dnp3_object_header c false 7681 0 "));
    assert.ok(r.events[1]!.includes("Binpac exception: binpac exception: out_of_bound: DNP3:objects: "));
  }
});

test("DNP3 objects: with no handler for an object event the objects are not parsed (the header events and dnp3.log as before)", async () => {
  const r = await runTcp(
    [
      { from: "c", data: dnp3App(true, [0xc1, 0x01, 0x3c, 0x01, 0x06]) },
      { from: "s", data: dnp3App(false, [0xc1, 0x81, 0, 0, 0x1e, 0x01, 0x00, 0, 1, 0x01]) },
    ],
    20000,
    ["dnp3_application_response_header", "analyzer_violation_info"],
  );
  assert.deepEqual(r.events, ["dnp3_application_response_header c false 193 129 0"]);
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

/** Application fragments whose objects a mutation reshapes (types, qualifiers, counts, prefixes, sizes). */
const DNP3_OBJECT_FRAGMENTS: ReadonlyArray<{ fromMaster: boolean; app: number[] }> = [
  { fromMaster: true, app: [0xc1, 0x01, 0x1e, 0x01, 0x00, 0, 3, 0x3c, 0x02, 0x06, 0x32, 0x01, 0x07, 1, 1, 2, 3, 4, 5, 6] },
  { fromMaster: true, app: [0xc1, 0x05, 0x0c, 0x01, 0x28, 1, 0, 3, 0, 0x41, 1, 0x64, 0, 0, 0, 0xc8, 0, 0, 0, 0] },
  {
    fromMaster: true,
    app: [0xc1, 0x19, 0x46, 0x03, 0x5b, 1, 28, 0, 26, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x41, 0x42],
  },
  {
    fromMaster: false,
    app: [
      0xc1, 0x81, 0, 0, 0x00, 0xd3, 0x17, 1, 0, 1, 3, 0x41, 0x42, 0x43, 0x14, 0x01, 0x01, 0, 0, 0, 1, 1, 0, 0, 0, 0x20, 0x08, 0x00, 0, 0, 1, 1, 2, 3, 4, 5, 6,
    ],
  },
  {
    fromMaster: false,
    app: [
      0xc1, 0x81, 0, 0, 0x46, 0x05, 0x5b, 1, 10, 0, 1, 0, 0, 0, 2, 0, 0, 0, 0x41, 0x42, 0x78, 0x0c, 0x5b, 1, 12, 0, 1, 0, 0, 0, 1, 0, 2, 0, 2, 0, 9, 9, 9, 9,
    ],
  },
  {
    fromMaster: false,
    app: [0xc1, 0x81, 0, 0, 0x5b, 0x01, 0x07, 1, 0, 0, 0, 0, 2, 2, 0, 9, 1, 7, 0x52, 0x01, 0x07, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 2, 3, 4],
  },
];

test("DNP3 objects: mutated object data (CRCs intact) never throws out of the analyzer; every object event handled", async () => {
  const next = rng(0xd3b);
  const watch = DNP3_EVENT_NAMES.filter((n) => n !== "dnp3_header_block");
  for (let round = 0; round < 150; round++) {
    const base = DNP3_OBJECT_FRAGMENTS[round % DNP3_OBJECT_FRAGMENTS.length]!;
    const app = [...base.app];
    for (let e = 0; e < 1 + next() * 4; e++) {
      const at = 2 + Math.floor(next() * (app.length - 2));
      if (next() < 0.7) app[at] = Math.floor(next() * 256);
      else app.length = Math.max(2, at);
    }
    const r = await runTcp([{ from: base.fromMaster ? "c" : "s", data: dnp3App(base.fromMaster, app) }], 20000, [...watch, "analyzer_violation_info"]);
    const violations = r.events.filter((ev) => ev.startsWith("analyzer_violation_info"));
    assert.ok(
      violations.every((v) => v.includes("Binpac exception: binpac exception: ")),
      `round ${round}: ${violations.join("; ")}`,
    );
  }
});
