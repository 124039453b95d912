/**
 * A capture of a pymodbus server and Debian's mbpoll on loopback
 * (captures/make-modbus-loopback.sh): each read and write mbpoll made is a
 * request and a response row of modbus.log, in order, and the read beyond
 * the server's registers answers with its exception.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { captureLogs } from "./capture-logs.js";

test("loopback capture: mbpoll's reads and writes in modbus.log (request and response rows, an exception for the read out of range)", async () => {
  const rows = await captureLogs("modbus-loopback.pcap");
  const both = (func: string): string[][] => [
    [func, "REQ", "-"],
    [func, "RESP", "-"],
  ];
  assert.deepEqual(
    rows("modbus").map((r) => [r.func, r.pdu_type, r.exception]),
    [
      ...both("READ_HOLDING_REGISTERS"),
      ...both("READ_INPUT_REGISTERS"),
      ...both("READ_COILS"),
      ...both("READ_DISCRETE_INPUTS"),
      ...both("WRITE_SINGLE_REGISTER"),
      ...both("WRITE_MULTIPLE_REGISTERS"),
      ...both("WRITE_SINGLE_COIL"),
      ["READ_HOLDING_REGISTERS", "REQ", "-"],
      ["READ_HOLDING_REGISTERS_EXCEPTION", "RESP", "ILLEGAL_DATA_ADDRESS"],
    ],
  );
  assert.ok(rows("modbus").every((r) => r.unit === "1"));
  assert.deepEqual(
    rows("conn").map((r) => `${r["id.resp_p"]} ${r.service}`),
    Array.from({ length: 8 }, () => "502 modbus"),
  );
});
