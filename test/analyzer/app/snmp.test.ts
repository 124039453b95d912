/**
 * The SNMP analyzer's rules (what Zeek's BinPAC grammar accepts, when it
 * confirms, what each event carries), its malformations (a BER length beyond
 * the datagram, a truncated PDU, wrong tags, deep nesting, random damage:
 * a violation, never an exception), and snmp.log on a capture made on
 * loopback with net-snmp's snmpd and clients (samples/snmp-loopback.pcap).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import type { SnmpBulkPdu, SnmpHeader, SnmpPdu, SnmpTrapPdu } from "../../../src/analyzer/app/snmp/events.js";
import { SNMP } from "../../../src/analyzer/app/snmp/snmp.js";
import { Engine, loadBuiltinScripts } from "../../../src/index.js";
import { openTrace } from "../../../src/source/open.js";
import { rng } from "../../helpers/rng.js";
import { argsOf, type Bytes, deeplyNested, int, mutate, octets, oid, recordingHost, seq, tlv } from "./ber-helpers.js";

const SYS_DESCR = "1.3.6.1.2.1.1.1.0";
const SYS_UPTIME = "1.3.6.1.2.1.1.3.0";
const NULL: Bytes = [0x05, 0x00];

const binding = (name: string, value: Bytes): Bytes => seq(oid(name), value);
const common = (tag: number, id: number, ...bindings: Bytes[]): Bytes => tlv(tag, int(id), int(0), int(0), seq(...bindings));
const v1 = (pdu: Bytes, community = "public"): Uint8Array => Uint8Array.from(seq(int(0), octets(community), pdu));
const v2 = (pdu: Bytes, community = "public"): Uint8Array => Uint8Array.from(seq(int(1), octets(community), pdu));

function run(datagrams: Array<[boolean, Uint8Array]>, handled?: ReadonlySet<string>) {
  const host = recordingHost(handled);
  const a = SNMP.datagram!(host);
  for (const [isOrig, d] of datagrams) assert.doesNotThrow(() => a.deliverPacket(isOrig, d));
  a.done();
  return host.rec;
}

test("snmp: a v1 get and its response; only the responder's message confirms", () => {
  const get = v1(common(0xa0, 7, binding(SYS_DESCR, NULL), binding(SYS_UPTIME, NULL)));
  const resp = v1(common(0xa2, 7, binding(SYS_DESCR, octets("agent x")), binding(SYS_UPTIME, tlv(0x43, [0x03, 0xf8]))));
  const orig = run([[true, get]]);
  assert.equal(orig.confirmed, 0);
  const rec = run([
    [true, get],
    [false, resp],
  ]);
  assert.equal(rec.confirmed, 1);
  assert.deepEqual(rec.violations, []);
  const [[isOrig, header, pdu]] = argsOf(rec, "snmp_get_request") as [[boolean, SnmpHeader, SnmpPdu]];
  assert.equal(isOrig, true);
  assert.deepEqual(header, { version: 0, v1: { community: "public" } });
  assert.equal(pdu.request_id, 7);
  assert.deepEqual(
    pdu.bindings.map((b) => [b.oid, b.value.tag]),
    [
      [SYS_DESCR, 5],
      [SYS_UPTIME, 5],
    ],
  );
  const [[, , r]] = argsOf(rec, "snmp_response") as [[boolean, SnmpHeader, SnmpPdu]];
  assert.deepEqual(
    r.bindings.map((b) => b.value),
    [
      { tag: 4, octets: "agent x" },
      { tag: 0x43, unsigned: 1016 },
    ],
  );
});

test("snmp: value types as Zeek's ObjectValue (signed without sign extension, counters, addresses, OIDs, nulls, octets)", () => {
  const resp = v2(
    common(
      0xa2,
      1,
      binding("1.3.6.1.1", int(5)),
      binding("1.3.6.1.2", tlv(0x02, [0xff])),
      binding("1.3.6.1.3", tlv(0x41, [1, 0])),
      binding("1.3.6.1.4", tlv(0x40, [10, 1, 2, 3])),
      binding("1.3.6.1.5", tlv(0x40, [1, 2])),
      binding("1.3.6.1.6", oid("1.3.6.1.4.1.8072")),
      binding("1.3.6.1.7", [0x81, 0x00]),
      binding("1.3.6.1.8", tlv(0x44, [0x41])),
      binding("1.3.6.1.9", tlv(0x46, [1, 0, 0, 0, 0])),
    ),
  );
  const rec = run([[false, resp]]);
  const [[, header, pdu]] = argsOf(rec, "snmp_response") as [[boolean, SnmpHeader, SnmpPdu]];
  assert.deepEqual(header.v2, { community: "public" });
  assert.deepEqual(
    pdu.bindings.map((b) => b.value),
    [
      { tag: 2, signed: 5 },
      { tag: 2, signed: 255 },
      { tag: 0x41, unsigned: 256 },
      { tag: 0x40, address: "10.1.2.3" },
      { tag: 0x40, address: "::" },
      { tag: 6, oid: "1.3.6.1.4.1.8072" },
      { tag: 0x81 },
      { tag: 0x44, octets: "A" },
      { tag: 0x46, unsigned: 2 ** 32 },
    ],
  );
});

test("snmp: v1 trap, v2c get-bulk, and the other PDUs by tag; an unknown tag is snmp_unknown_pdu", () => {
  const trap = v1(
    tlv(
      0xa4,
      oid("1.3.6.1.4.1.8072.2.3"),
      tlv(0x40, [127, 0, 0, 1]),
      int(6),
      int(17),
      tlv(0x43, [0x11, 0xe6, 0xba]),
      seq(binding("1.3.6.1.2.1.1.5.0", octets("h"))),
    ),
  );
  const bulk = v2(tlv(0xa5, int(9), int(0), int(3), seq(binding("1.3.6.1.2.1.1", NULL))));
  const rec = run([
    [true, trap],
    [true, bulk],
    [true, v2(common(0xa7, 1))],
    [true, v2(common(0xa8, 1))],
    [true, v2(common(0xa6, 1))],
    [true, v2(common(0xa3, 1, binding(SYS_DESCR, octets("x"))))],
    [true, v2(common(0xa1, 1))],
    [true, v2(tlv(0xaf, [1, 2, 3]))],
  ]);
  const [[, , t]] = argsOf(rec, "snmp_trap") as [[boolean, SnmpHeader, SnmpTrapPdu]];
  assert.deepEqual(
    { ...t, bindings: t.bindings.length },
    {
      enterprise: "1.3.6.1.4.1.8072.2.3",
      agent: "127.0.0.1",
      generic_trap: 6,
      specific_trap: 17,
      time_stamp: 1173178,
      bindings: 1,
    },
  );
  const [[, , b]] = argsOf(rec, "snmp_get_bulk_request") as [[boolean, SnmpHeader, SnmpBulkPdu]];
  assert.deepEqual([b.request_id, b.non_repeaters, b.max_repetitions, b.bindings.length], [9, 0, 3, 1]);
  assert.deepEqual(
    rec.events.map((e) => e.name),
    [
      "snmp_trap",
      "snmp_get_bulk_request",
      "snmp_trapV2",
      "snmp_report",
      "snmp_inform_request",
      "snmp_set_request",
      "snmp_get_next_request",
      "snmp_unknown_pdu",
    ],
  );
  assert.equal(argsOf(rec, "snmp_unknown_pdu")[0]![2], 0xaf);
});

const usm = (user: string): Bytes => octets(String.fromCharCode(...seq(octets("\x80\x00\x1f\x88"), int(1), int(100), octets(user), octets(""), octets(""))));
const v3 = (flags: string, user: string, scoped: Bytes): Uint8Array =>
  Uint8Array.from(seq(int(3), seq(int(42), int(65507), octets(flags), int(3)), usm(user), scoped));

test("snmp: v3 plaintext carries context and USM parameters; encrypted PDUs are reported before the USM parameters are read", () => {
  const plain = v3("\x04", "alice", seq(octets("engine"), octets("ctx"), common(0xa0, 5, binding(SYS_DESCR, NULL))));
  const enc = v3("\x07", "bob", octets("\x01\x02\x03"));
  const rec = run([
    [true, plain],
    [false, enc],
  ]);
  const [[, h]] = argsOf(rec, "snmp_get_request") as [[boolean, SnmpHeader]];
  assert.deepEqual(h.v3?.pdu_context, { engine_id: "engine", name: "ctx" });
  assert.equal(h.v3?.user_security_parameters?.UserName, "alice");
  assert.deepEqual([h.v3?.id, h.v3?.max_size, h.v3?.flags, h.v3?.reportable_flag, h.v3?.auth_flag], [42, 65507, 4, true, false]);
  const [[isOrig, e]] = argsOf(rec, "snmp_encrypted_pdu") as [[boolean, SnmpHeader]];
  assert.equal(isOrig, false);
  assert.equal(e.v3?.user_security_parameters, undefined);
  assert.deepEqual([e.v3?.auth_flag, e.v3?.priv_flag], [true, true]);
  assert.equal(rec.confirmed, 1);
  // An unknown scopedPduData tag, and a msgFlags that is not one byte (a violation; parsing goes on).
  const odd = run([[true, v3("\x00\x00", "c", tlv(0x02, [1]))]]);
  assert.deepEqual(odd.violations, ["Invalid v3 HeaderData msgFlags"]);
  assert.equal(argsOf(odd, "snmp_unknown_scoped_pdu")[0]![2], 2);
});

test("snmp: a version other than 0, 1, 3 is snmp_unknown_header_version; a response still confirms", () => {
  const rec = run([[false, Uint8Array.from(seq(int(2), octets("x")))]]);
  assert.deepEqual(argsOf(rec, "snmp_unknown_header_version"), [[false, 2]]);
  assert.equal(rec.confirmed, 1);
});

test("snmp malformed: a BER length beyond the datagram is a violation, no event, nothing thrown", () => {
  const good = v2(common(0xa2, 1, binding(SYS_DESCR, octets("abc"))));
  const bad = Uint8Array.from(good);
  bad[bad.length - 4] = 0x7f; // the octet string's length
  const rec = run([[false, bad]]);
  assert.equal(rec.events.length, 0);
  assert.equal(rec.violations.length, 1);
  assert.match(rec.violations[0]!, /^Binpac exception: binpac exception: length beyond data/);
  // The header was read: the responder's message confirmed before the PDU failed (as Zeek's proc_header).
  assert.equal(rec.confirmed, 1);
});

test("snmp malformed: a PDU truncated anywhere never throws and never raises its event", () => {
  const full = v1(common(0xa2, 7, binding(SYS_DESCR, octets("agent x")), binding(SYS_UPTIME, tlv(0x43, [3, 0xf8]))));
  let whole = 0;
  for (let n = 0; n < full.length; n++) {
    const rec = run([[false, full.subarray(0, n)]]);
    // Exactly one outcome: a violation, or (cut between two bindings, as the list's own length is not
    // enforced, as in Zeek) the event with the bindings before the cut.
    const events = argsOf(rec, "snmp_response") as Array<[boolean, SnmpHeader, SnmpPdu]>;
    assert.equal(events.length + rec.violations.length, 1, `cut at ${n}`);
    if (events.length === 1) {
      whole++;
      assert.ok(events[0]![2].bindings.length < 2, `cut at ${n}`);
    }
  }
  assert.ok(whole >= 1 && whole <= 2);
});

test("snmp malformed: wrong tags and oversized integers are violations with BinPAC's texts; too-long OID subidentifiers are Zeek's net weird", () => {
  const wrongTag = run([[true, Uint8Array.from(seq(octets("x"), octets("public")))]]);
  assert.deepEqual(wrongTag.violations, ["Binpac exception: binpac exception: Got ASN.1 tag 4, expect 2"]);
  const wide = run([[true, Uint8Array.from(seq(tlv(0x02, new Array<number>(10).fill(1)), octets("p")))]]);
  assert.deepEqual(wide.violations, ["Binpac exception: binpac exception: ASN.1 integer width overflow: 10"]);
  const longOid = tlv(0x06, [0x2b, ...new Array<number>(10).fill(0x81), 0x01]);
  const weird = run([[true, v1(common(0xa0, 1, seq(longOid, NULL)))]]);
  assert.deepEqual(weird.netWeirds, ["asn_oid_subidentifier_too_long 11"]);
  assert.equal((argsOf(weird, "snmp_get_request")[0]![2] as SnmpPdu).bindings[0]!.oid, "");
});

test("snmp malformed: deep nesting is a violation, not a stack overflow", () => {
  const rec = run([
    [true, deeplyNested(50_000)],
    [false, Uint8Array.from([0x30, 0x84, 0, 0, 0, 8, ...deeplyNested(2)])],
  ]);
  assert.ok(rec.violations.length >= 1);
  assert.equal(rec.events.length, 0);
});

test("snmp fuzz: mutated messages of every kind never throw out of the analyzer (events handled or not)", () => {
  const r = rng(0x5e1);
  const seeds = [
    v1(common(0xa2, 7, binding(SYS_DESCR, octets("agent")), binding(SYS_UPTIME, tlv(0x43, [3, 0xf8])))),
    v2(tlv(0xa5, int(9), int(0), int(3), seq(binding("1.3.6.1.2.1.1", NULL)))),
    v1(tlv(0xa4, oid("1.3.6.1.4.1.1"), tlv(0x40, [127, 0, 0, 1]), int(6), int(1), tlv(0x43, [1]), seq())),
    v3("\x04", "alice", seq(octets("e"), octets("c"), common(0xa0, 5, binding(SYS_DESCR, NULL)))),
    v3("\x07", "bob", octets("\x01\x02")),
  ];
  let violations = 0;
  for (let i = 0; i < 5000; i++) {
    const msg = mutate(seeds[i % seeds.length]!, r);
    const rec = run([[r() < 0.5, msg]], i % 2 === 0 ? new Set<string>() : undefined);
    violations += rec.violations.length;
  }
  assert.ok(violations > 500, "the mutations reach the violation paths");
});

test("snmp.log on a loopback capture of net-snmp 5.9.3 (snmpget/getnext/bulkget/set v1, v2c, v3 authNoPriv and authPriv; v1 and v2c traps)", async () => {
  // Loopback captures carry unfinished UDP checksums (offloading): read as with -C.
  const engine = new Engine({ settings: [], ignoreChecksums: true });
  const scripts = loadBuiltinScripts(engine, { memory: true });
  await engine.run(await openTrace(join(process.cwd(), "samples", "snmp-loopback.pcap")));
  scripts.close();
  const text = scripts.logs.text("snmp");
  const fields = text
    .split("\n")
    .find((l) => l.startsWith("#fields"))!
    .split("\t")
    .slice(1);
  const rows = text
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => {
      const cells = l.split("\t");
      return Object.fromEntries(fields.map((f, i) => [f, cells[i]!]));
    });
  const byPort = new Map(rows.map((row) => [row["id.orig_p"], row]));
  const pick = (port: string, ...cols: string[]): string[] => cols.map((c) => byPort.get(port)![c]!);
  // snmpget -v1 -c public sysDescr.0 sysUpTime.0 → "bronze loopback test agent", Timeticks 1016.
  assert.deepEqual(pick("44412", "version", "community", "get_requests", "get_responses", "display_string"), [
    "1",
    "public",
    "2",
    "2",
    "bronze loopback test agent",
  ]);
  const response = 1796308020.006523;
  assert.equal(Number(byPort.get("44412")!.up_since).toFixed(6), (response - 10.16).toFixed(6));
  assert.deepEqual(pick("51530", "version", "get_requests", "get_responses", "display_string"), ["2c", "1", "1", "-"]);
  assert.deepEqual(pick("47668", "get_requests", "get_responses"), ["2", "2"]);
  // snmpbulkget -Cn0 -Cr3: one binding asked, three returned.
  assert.deepEqual(pick("44492", "get_bulk_requests", "get_responses"), ["1", "3"]);
  assert.deepEqual(pick("48531", "community", "set_requests", "get_responses"), ["private", "1", "1"]);
  // v3: discovery (empty user), then authNoPriv as plainuser; authPriv's PDUs are encrypted, so no user is logged.
  assert.deepEqual(pick("34388", "version", "community", "get_requests", "get_responses"), ["3", "plainuser", "1", "1"]);
  assert.deepEqual(pick("52879", "version", "community", "get_requests"), ["3", "-", "0"]);
  assert.deepEqual(pick("50462", "version", "id.resp_p", "duration"), ["1", "162", "0.000000"]);
  assert.deepEqual(pick("41742", "version", "id.resp_p"), ["2c", "162"]);
  assert.equal(rows.length, 9);
  // Traps go one way: nothing confirms, so conn.log names no service for them.
  const conn = scripts.logs
    .text("conn")
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("#"));
  const services = conn
    .map((l) => l.split("\t"))
    .map((c) => `${c[5]}:${c[7]}`)
    .sort();
  assert.deepEqual(services, ["161:snmp", "161:snmp", "161:snmp", "161:snmp", "161:snmp", "161:snmp", "161:snmp", "162:-", "162:-"]);
});
