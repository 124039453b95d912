/**
 * Zeek's btests of base/protocols/dns whose scripts print the arguments of
 * DNS events (so btest-applogs.test.ts, which replays scripts of @load
 * lines and redefs only, leaves them out), replayed: what each btest runs
 * is read from it (its zeek commands' traces and flags, redirections and
 * renames, its @load lines and redefs), its handlers have a TypeScript
 * twin printing as Zeek's `print` does, and each printed file it compares
 * (or wants empty) is compared with Zeek's baseline after btest's
 * canonifier. Zeek's source ($BRONZE_ZEEK_SOURCE or ../zeek) and the
 * corpus traces are the oracles: without them the tests skip, saying so.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { algorithmName, className } from "../../../src/analyzer/app/dns/consts.js";
import { dnsInfoOf } from "../../../src/analyzer/app/dns/log.js";
import { Engine } from "../../../src/engine.js";
import type { Connection } from "../../../src/event/records.js";
import { loadBuiltinScripts } from "../../../src/index.js";
import { openTrace } from "../../../src/source/open.js";
import { zeekCut } from "../../conformance/btest-applogs-harness.js";
import { type BtestSuite, readBtest, replayBtest, type Twin } from "../../helpers/btest-replay.js";
import { corpusRoot } from "../../helpers/corpus.js";
import { zeekDouble, zeekInterval, zeekString } from "../../helpers/zeek-print.js";
import { ZEEK_SEED } from "../../session/harness.js";
import { btestOraclesMissing, zeekSource } from "../../signatures/btest-harness.js";

const zeek = zeekSource();
const DIR = "testing/btest/scripts/base/protocols/dns";
const SUITE: BtestSuite = { zeek, dir: DIR, what: "its DNS btests" };

/** Fields Zeek types as intervals and as times (printed as doubles); the other numbers are counts. */
const INTERVALS = new Set(["TTL", "orig_ttl"]);
const TIMES = new Set(["sig_exp", "sig_incep", "time_signed", "fudge", "inception", "expiration"]);

/** Zeek's `print` of a value inside a record or vector, `name` its field's name. */
function show(v: unknown, name = ""): string {
  if (v === undefined) return "<uninitialized>";
  if (typeof v === "boolean") return v ? "T" : "F";
  if (typeof v === "number") return INTERVALS.has(name) ? zeekInterval(v) : TIMES.has(name) ? zeekDouble(v) : String(v);
  if (typeof v === "string") return zeekString(v);
  if (Array.isArray(v)) return `[${v.map((x: unknown) => show(x)).join(", ")}]`;
  return record(v as object);
}

/** The records with optional fields, their fields in declaration order (an unset one prints as <uninitialized>). */
const OPTIONAL_FIELDS: ReadonlyArray<readonly string[]> = [
  ["svc_priority", "target_name", "svc_params"],
  ["key", "mandatory", "alpn", "p", "hint", "ech", "raw"],
];

/** Zeek's `print` of a record: its fields in declaration order (bronze builds its records so, leaving unset optional ones out). */
function record(r: object): string {
  const present = Object.keys(r);
  const names = OPTIONAL_FIELDS.find((f) => present.every((k) => f.includes(k)) && f[0] === present[0]) ?? present;
  const fields = r as Record<string, unknown>;
  return `[${names.map((k) => `${k}=${show(fields[k], k)}`).join(", ")}]`;
}

const tf = (b: boolean): string => (b ? "T" : "F");
/** bytestring_to_hexstr(): each byte as two lowercase hex digits. */
const hex = (s: string): string => [...s].map((ch) => ch.charCodeAt(0).toString(16).padStart(2, "0")).join("");

/** The DNSSEC btests' handlers: dns_RRSIG, dns_DNSKEY, dns_NSEC, dns_NSEC3 and dns_DS with their hex dumps. */
const dnssec: Twin = (engine, print) => {
  engine.on("dns_RRSIG", (_c, _m, _a, rrsig) => print("RRSIG", record(rrsig), hex(rrsig.signature)));
  engine.on("dns_DNSKEY", (_c, _m, _a, key) => print("DNSKEY", record(key), hex(key.public_key)));
  engine.on("dns_NSEC", (_c, _m, _a, next, bitmaps) => {
    print("NSEC", zeekString(next), show(bitmaps));
    for (const b of bitmaps) print(hex(b));
  });
  engine.on("dns_NSEC3", (_c, _m, _a, nsec3) => print("NSEC3", record(nsec3), hex(nsec3.nsec_salt), hex(nsec3.nsec_hash)));
  engine.on("dns_DS", (_c, _m, _a, ds) => print("DS", record(ds), hex(ds.digest_val)));
};

/** `for (_, param in https$svc_params) print param;` */
const httpsParams: Twin = (engine, print) => {
  engine.on("dns_HTTPS", (_c, _m, _a, https) => {
    for (const p of https.svc_params ?? []) print(record(p));
  });
};

// Left out: event-handler-warning (no trace: it diffs zeek's warnings about
// handlers of events that are never raised).
const BTESTS: ReadonlyArray<{ name: string; what: string; twin: Twin }> = [
  {
    name: "ad-cd",
    what: "the AD and CD header bits of queries and replies",
    twin: (engine, print, trace) => {
      print("===", trace);
      engine.on("dns_message", (c, isOrig, msg) => print(c.uid, "is_orig", tf(isOrig), "QR", tf(msg.QR), "AD", tf(msg.AD), "CD", tf(msg.CD)));
    },
  },
  {
    name: "binds",
    what: "BIND's signing-state records",
    twin: (engine, print) => engine.on("dns_BINDS", (_c, _m, _a, binds) => print("BINDS", record(binds))),
  },
  {
    name: "caa",
    what: "a CAA record's flags, tag and value",
    twin: (engine, print) => engine.on("dns_CAA_reply", (_c, _m, _a, flags, tag, value) => print(String(flags), zeekString(tag), zeekString(value))),
  },
  { name: "dns-edns-cookie", what: "EDNS cookie options", twin: (engine, print) => engine.on("dns_EDNS_cookie", (_c, _m, opt) => print(record(opt))) },
  { name: "dns-edns-ecs", what: "EDNS client-subnet options", twin: (engine, print) => engine.on("dns_EDNS_ecs", (_c, _m, opt) => print(record(opt))) },
  {
    name: "dns-edns-tcp-keepalive",
    what: "EDNS TCP keepalive options",
    twin: (engine, print) => engine.on("dns_EDNS_tcp_keepalive", (_c, _m, opt) => print(record(opt))),
  },
  { name: "dnskey", what: "DNSKEY and RRSIG records", twin: dnssec },
  { name: "ds", what: "DS records", twin: dnssec },
  { name: "nsec", what: "NSEC records and their type bitmaps", twin: dnssec },
  { name: "nsec3", what: "NSEC3 records", twin: dnssec },
  { name: "rrsig", what: "RRSIG records", twin: dnssec },
  {
    name: "nsec3param",
    what: "NSEC3PARAM records",
    twin: (engine, print) => engine.on("dns_NSEC3PARAM", (_c, _m, _a, p) => print("NSEC3PARAM", record(p), hex(p.nsec_salt))),
  },
  {
    name: "hinfo",
    what: "an HINFO record with its message and answer",
    twin: (engine, print) => engine.on("dns_HINFO_reply", (_c, msg, ans, cpu, os) => print("HINFO", record(msg), record(ans), zeekString(cpu), zeekString(os))),
  },
  { name: "huge-ttl", what: "a TTL of 2^32-1 seconds", twin: (engine, print) => engine.on("dns_A_reply", (_c, _m, ans) => print(record(ans))) },
  { name: "loc", what: "a LOC record", twin: (engine, print) => engine.on("dns_LOC", (_c, _m, _a, loc) => print("LOC", record(loc))) },
  {
    name: "sshfp",
    what: "SSHFP records",
    twin: (engine, print) => engine.on("dns_SSHFP", (_c, _m, _a, algo, fptype, fp) => print("SSHFP", String(algo), String(fptype), hex(fp))),
  },
  {
    name: "naptr",
    what: "a NAPTR record with its message and answer",
    twin: (engine, print) => engine.on("dns_NAPTR_reply", (_c, msg, ans, naptr) => print("NAPTR", record(msg), record(ans), record(naptr))),
  },
  {
    name: "tkey",
    what: "a TKEY record's fields",
    twin: (engine, print) =>
      engine.on("dns_TKEY", (_c, _m, ans) => {
        print("TKEY");
        print("query", zeekString(ans.query));
        print("qtype", String(ans.qtype));
        print("alg_name", zeekString(ans.alg_name));
        print("inception", zeekDouble(ans.inception));
        print("expiration", zeekDouble(ans.expiration));
        print("mode", String(ans.mode));
        print("rr_error", String(ans.rr_error));
        print("key_data size", String(ans.key_data.length));
        print("is_query", String(ans.is_query));
      }),
  },
  {
    name: "tsig",
    what: "a TSIG record and its signature's length",
    twin: (engine, print) =>
      engine.on("dns_TSIG_addl", (_c, _m, ans) => {
        print(record(ans));
        print(String(ans.sig.length));
      }),
  },
  {
    name: "wks",
    what: "WKS replies (the script prints the types' names)",
    twin: (engine, print) => engine.on("dns_WKS_reply", () => print("WKS", "dns_msg", "dns_answer")),
  },
  { name: "https", what: "HTTPS records", twin: (engine, print) => engine.on("dns_HTTPS", (_c, _m, _a, https) => print(record(https))) },
  { name: "ech", what: "HTTPS records' parameters, ECH configs among them", twin: httpsParams },
  { name: "svcb-port-malformed", what: "a port parameter of three bytes, kept raw", twin: httpsParams },
  { name: "svcb-alpn-malformed-len", what: "ALPN parameters whose lengths overrun or fall short", twin: httpsParams },
  { name: "svcb", what: "an SVCB record", twin: (engine, print) => engine.on("dns_SVCB", (_c, _m, _a, svcb) => print(record(svcb))) },
  {
    name: "svcb-rdlength-mismatch",
    what: "an SVCB RDATA shorter than its minimum raises no dns_SVCB",
    twin: (engine, print) => engine.on("dns_SVCB", (_c, _m, _a, svcb) => print(record(svcb))),
  },
  {
    name: "edns-bad-length",
    what: "an EDNS option overrunning its record raises no dns_A_reply",
    twin: (engine, print) => engine.on("dns_A_reply", (_c, _m, _a, a) => print("A", a)),
  },
  {
    name: "edns-rcode",
    what: "a reply's extended rcode from its OPT record",
    // `c$dns?$rcode`: the base script's dns_message handler sets the session's rcode from a reply's header, never a query's.
    twin: (engine, print) => engine.on("dns_EDNS_addl", (_c, msg, ans) => msg.QR && print(String(ans.extended_rcode))),
  },
  {
    name: "dynamic-update",
    what: "an UPDATE's zone and class (DNS::classes' name), its dns.log, and no weird",
    twin: (engine, print) =>
      engine.on("dns_dynamic_update", (_c, msg, zname, zclass) => print(record(msg), zeekString(zname), String(zclass), className(zclass))),
  },
  {
    name: "dnssec",
    what: "each RRSIG's and DNSKEY's algorithm name (DNS::algorithms) added to c$dns$answers, into dns.log, and no weird",
    // At priority 4: after the base script's handler (5) added the record's own answer.
    twin: (engine) => {
      const algorithm = (c: Connection, n: number): void => void dnsInfoOf(engine, c)?.answers?.push(algorithmName(n));
      engine.on("dns_RRSIG", (c, _m, _a, rrsig) => algorithm(c, rrsig.algorithm), { priority: 4 });
      engine.on("dns_DNSKEY", (c, _m, _a, key) => algorithm(c, key.algorithm), { priority: 4 });
    },
  },
  { name: "invalid-names", what: "bad labels and compression pointers are weirds, not names", twin: () => undefined },
  { name: "max-compression-depth", what: "dns_max_compression_chain_depth's weird", twin: () => undefined },
  { name: "max-queries", what: "dns_max_queries' weird", twin: () => undefined },
  {
    name: "loc-invalid-length",
    what: "a LOC record of a bad length raises no dns_LOC",
    twin: (engine, print) => engine.on("dns_LOC", (_c, _m, _a, loc) => print("LOC", record(loc))),
  },
];

for (const { name, what, twin } of BTESTS) {
  test(`Zeek's btest dns/${name}: ${what}, as Zeek's baseline`, async (t) => {
    const b = readBtest(t, SUITE, name);
    if (b !== null) await replayBtest(b, twin);
  });
}

/** The weird.log names of a -b run of a corpus trace with the DNS and weird scripts and these settings. */
async function weirdNames(trace: string, settings: string[]): Promise<string[]> {
  const loads = ["base/protocols/dns", "base/frameworks/notice/weird"];
  const engine = new Engine({ seed: ZEEK_SEED, bare: true, loads, settings });
  const scripts = loadBuiltinScripts(engine, { memory: true, bare: true, loads, stderr: null });
  await engine.run(await openTrace(join(corpusRoot(), "zeek", "traces", trace)));
  scripts.close();
  const log = scripts.logs.written().includes("weird") ? scripts.logs.text("weird") : "";
  return zeekCut(log, ["name"], false).split("\n").filter(Boolean);
}

test("dns_max_queries and dns_max_compression_chain_depth are settings, with Zeek's defaults 25 and 20", async (t) => {
  const [queries, depth] = ["dns/conn-count-too-large.pcap", "dns/max-compression-depth.pcap"];
  if (btestOraclesMissing(t, zeek, SUITE.what, [queries, depth])) return;
  // The trace's message has 10 questions and a name of 6 pointers: within the defaults, past 3 and 5.
  assert.deepEqual(await weirdNames(queries, []), []);
  assert.deepEqual(await weirdNames(queries, ["dns_max_queries=3"]), ["DNS_Conn_count_too_large"]);
  assert.deepEqual(await weirdNames(queries, ["dns_max_queries=0"]), []);
  assert.deepEqual(await weirdNames(depth, []), []);
  assert.deepEqual(await weirdNames(depth, ["dns_max_compression_chain_depth=5"]), ["DNS_max_compression_chain_depth_exceeded"]);
});
