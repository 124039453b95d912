/**
 * Zeek's btests of base/protocols/snmp whose scripts print event arguments,
 * replayed through test/helpers/btest-replay: their commands read from
 * Zeek's source, their handlers twinned (with those of Zeek's
 * testing/scripts/snmp-test.zeek, which most of them load), every file they
 * compare as Zeek's baseline. Zeek's source and the corpus traces are the
 * oracles: without them the tests skip, saying so.
 * oid-subidentifier-too-long compares logs only: test/conformance/
 * btest-applogs replays it.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { SnmpBinding, SnmpHeader, SnmpObjectValue, SnmpPdu } from "../../../src/analyzer/app/snmp/events.js";
import type { Connection } from "../../../src/event/records.js";
import { type BtestSuite, readBtest, replayBtest, type Twin } from "../../helpers/btest-replay.js";
import { zeekConnId, zeekString } from "../../helpers/zeek-print.js";
import { zeekSource } from "../../signatures/btest-harness.js";

const SUITE: BtestSuite = { zeek: zeekSource(), dir: "testing/btest/scripts/base/protocols/snmp", what: "its SNMP btests" };

type Print = (line: string) => void;

/** A record as fmt's %s writes it: [name=value, …], an unset field <uninitialized>; strings raw (print escapes the line). */
function fmtRecord(fields: ReadonlyArray<readonly [string, string | number | boolean | undefined]>): string {
  const show = (v: string | number | boolean | undefined): string =>
    v === undefined ? "<uninitialized>" : typeof v === "boolean" ? (v ? "T" : "F") : String(v);
  return `[${fields.map(([name, v]) => `${name}=${show(v)}`).join(", ")}]`;
}

/** The field of an SNMP::ObjectValue print_snmp_value shows, by tag (SNMP::OBJ_*_TAG), or the text it shows for a null value. */
const VALUE_BY_TAG: ReadonlyMap<number, keyof SnmpObjectValue | `<${string}>`> = new Map([
  [0x06, "oid"],
  [0x02, "signed"],
  ...[0x41, 0x42, 0x43, 0x46].map((tag) => [tag, "unsigned"] as const),
  [0x40, "address"],
  [0x04, "octets"],
  [0x44, "octets"],
  [0x05, "<unspecified>"],
  [0x80, "<no such object>"],
  [0x81, "<no such instance>"],
  [0x82, "<end of mib view>"],
]);

/** What snmp-test.zeek's print_snmp_value shows of a value. */
function valueText(v: SnmpObjectValue): string {
  const shown = VALUE_BY_TAG.get(v.tag) ?? "<unknown>";
  return shown.startsWith("<") ? shown : String(v[shown as keyof SnmpObjectValue]);
}

function printBindings(print: Print, bindings: readonly SnmpBinding[]): void {
  for (const b of bindings) {
    print(`    oid: ${b.oid}`);
    print(`    value (tag=0x${b.value.tag.toString(16).padStart(2, "0")}): ${valueText(b.value)}`);
  }
}

/** print_snmp_header: the version's header record (nothing for another version). */
function printHeader(print: Print, h: SnmpHeader): void {
  if (h.version === 0 || h.version === 1) print(`  ${fmtRecord([["community", (h.v1 ?? h.v2)?.community]])}`);
  if (h.version !== 3 || h.v3 === undefined) return;
  const v3 = h.v3;
  const ctx = v3.pdu_context;
  const usm = v3.user_security_parameters;
  const usmFields = [
    "AuthoritativeEngineID",
    "AuthoritativeEngineBoots",
    "AuthoritativeEngineTime",
    "UserName",
    "AuthenticationParameters",
    "PrivacyParameters",
  ] as const;
  const fields = [
    ...(["id", "max_size", "flags", "auth_flag", "priv_flag", "reportable_flag", "security_model", "security_params"] as const).map((f) => [f, v3[f]] as const),
    [
      "pdu_context",
      ctx === undefined
        ? undefined
        : fmtRecord([
            ["engine_id", ctx.engine_id],
            ["name", ctx.name],
          ]),
    ] as const,
    ["user_security_parameters", usm === undefined ? undefined : fmtRecord(usmFields.map((f) => [f, usm[f]] as const))] as const,
  ];
  print(`  ${fmtRecord(fields)}`);
}

/** print_snmp_conn and print_snmp_header: what every event's print starts with, after its name. */
function printStart(print: Print, name: string, c: Connection, isOrig: boolean, h: SnmpHeader): void {
  print(name);
  print(`  ${zeekConnId(c.id)}`);
  print(`  is_orig: ${isOrig ? "T" : "F"}`);
  printHeader(print, h);
}

/**
 * A PDU's fields a line each, `    label: value` with the values aligned
 * after the longest label, as snmp-test.zeek writes them; then its bindings.
 */
function printFields<P extends { bindings: SnmpBinding[] }>(print: Print, pdu: P, fields: ReadonlyArray<readonly [label: string, field: keyof P]>): void {
  const width = Math.max(...fields.map(([label]) => label.length)) + 2;
  for (const [label, field] of fields) print(`    ${`${label}:`.padEnd(width)}${String(pdu[field])}`);
  printBindings(print, pdu.bindings);
}

const PDU_FIELDS = [
  ["request_id", "request_id"],
  ["error_stat", "error_status"],
  ["error_idx", "error_index"],
] as const satisfies ReadonlyArray<readonly [string, keyof SnmpPdu]>;
const TRAP_FIELDS = (["enterprise", "agent", "generic_trap", "specific_trap", "time_stamp"] as const).map((f) => [f, f] as const);
const BULK_FIELDS = (["request_id", "non_repeaters", "max_repetitions"] as const).map((f) => [f, f] as const);

/** The PDU events snmp-test.zeek prints with print_snmp, and the name each prints (get-next's as get's, the v2 trap's in lower case). */
const PDU_EVENTS = [
  ["snmp_get_request", "snmp_get_request"],
  ["snmp_get_next_request", "snmp_get_request"],
  ["snmp_response", "snmp_response"],
  ["snmp_set_request", "snmp_set_request"],
  ["snmp_inform_request", "snmp_inform_request"],
  ["snmp_trapV2", "snmp_trapv2"],
  ["snmp_report", "snmp_report"],
] as const;

/** The twin of Zeek's testing/scripts/snmp-test.zeek: every SNMP event printed, one value a line, each line escaped as `print` does. */
const snmpTest: Twin = (engine, printLine) => {
  const print: Print = (line) => printLine(zeekString(line));
  for (const [event, name] of PDU_EVENTS)
    engine.on(event, (c, isOrig, h, pdu) => {
      printStart(print, name, c, isOrig, h);
      printFields(print, pdu, PDU_FIELDS);
    });
  engine.on("snmp_trap", (c, isOrig, h, pdu) => {
    printStart(print, "snmp_trap", c, isOrig, h);
    printFields(print, pdu, TRAP_FIELDS);
  });
  engine.on("snmp_get_bulk_request", (c, isOrig, h, pdu) => {
    printStart(print, "snmp_get_bulk_request", c, isOrig, h);
    printFields(print, pdu, BULK_FIELDS);
  });
  for (const event of ["snmp_unknown_pdu", "snmp_unknown_scoped_pdu"] as const)
    engine.on(event, (c, isOrig, h, tag) => {
      printStart(print, event, c, isOrig, h);
      print(`  tag: ${tag}`);
    });
  engine.on("snmp_encrypted_pdu", (c, isOrig, h) => printStart(print, "snmp_encrypted_pdu", c, isOrig, h));
  engine.on("snmp_unknown_header_version", (c, isOrig, version) => {
    print("snmp_unknown_header_version");
    print(`  ${zeekConnId(c.id)}`);
    print(`  is_orig: ${isOrig ? "T" : "F"}`);
    print(`  version ${version}`);
  });
};

/** The btests whose own script only loads base/protocols/snmp: all they print is snmp-test.zeek's. */
const WITH_SNMP_TEST: ReadonlyArray<{ name: string; what: string }> = [
  { name: "v1", what: "v1 gets, a short get, a set and a trap" },
  { name: "v2", what: "v2c gets, get-next and get-bulk requests and their responses" },
  { name: "v3", what: "v3 plaintext messages with their context and USM parameters" },
  { name: "snmp-crash-62790", what: "v3 encrypted PDUs of a trace that once crashed Zeek, and its snmp.log" },
];

for (const { name, what } of WITH_SNMP_TEST) {
  test(`Zeek's btest snmp/${name}: ${what}, as snmp-test.zeek prints them in Zeek's baseline`, async (t) => {
    const b = readBtest(t, SUITE, name);
    if (b === null) return;
    await replayBtest(b, (engine, print, trace, options, run) => {
      assert.deepEqual(run?.testScripts, ["snmp-test.zeek"], `${name}: every run loads snmp-test.zeek`);
      snmpTest(engine, print, trace, options, run);
    });
  });
}

test("Zeek's btest snmp/snmp-addr: the IpAddress values of a walk's responses", async (t) => {
  const b = readBtest(t, SUITE, "snmp-addr");
  if (b === null) return;
  await replayBtest(b, (engine, print) =>
    engine.on("snmp_response", (_c, _isOrig, _h, pdu) => {
      for (const binding of pdu.bindings) if (binding.value.address !== undefined) print(binding.value.address);
    }),
  );
});
