/**
 * The DNS analyzer: each record type's event and arguments, each
 * malformation's weird, the TCP framing, and dns.log's pairing and expiry
 * through the engine.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import type { AnalyzerHost } from "../../../src/analyzer/app/analyzer.js";
import { algorithmName } from "../../../src/analyzer/app/dns/consts.js";
import { DNS } from "../../../src/analyzer/app/dns/dns.js";
import { DnsInterpreter } from "../../../src/analyzer/app/dns/interpreter.js";
import { decodeNetbiosName, dnsInfoOf } from "../../../src/analyzer/app/dns/log.js";
import { Engine } from "../../../src/engine.js";
import { loadBuiltinScripts } from "../../../src/scripts/index.js";
import { parseLog } from "../../conformance/conn-harness.js";
import { memorySource } from "../../helpers/packets.js";
import { udpPacket, ZEEK_SEED } from "../../session/harness.js";
import { argsOf, type Bytes, cstr, header, name, ptr, QR, question, RD, recordingHost, response, rr, u16, u32 } from "./dns-helpers.js";

const OWNER = ptr(12); // the question's name

function parse(msg: Uint8Array, opts: { isQuery?: number; skipAllAddl?: boolean; handled?: ReadonlySet<string>; respPort?: number } = {}) {
  const host = recordingHost(opts.handled);
  const interp = new DnsInterpreter(host, {
    netbios: opts.respPort === 137,
    respNetbios: opts.respPort === 137,
    udp: true,
    skipAllAddl: opts.skipAllAddl ?? true,
  });
  interp.parse(msg, opts.isQuery ?? 0);
  return host.rec;
}

function answerOf(msg: Uint8Array, event: string): unknown[] {
  const rec = parse(msg);
  assert.deepEqual(rec.weirds, []);
  const list = argsOf(rec, event);
  assert.equal(list.length, 1, `one ${event}`);
  return list[0]!;
}

const bytesOf = (s: string): Bytes => [...s].map((c) => c.charCodeAt(0));

test("a query: dns_message, dns_request with the lower-cased and the original name, dns_end; confirmed", () => {
  const rec = parse(Uint8Array.from([...header(7, RD, 1), ...question("WWW.Example.com", 28)]), { isQuery: 1 });
  assert.deepEqual(
    rec.events.map((e) => e.name),
    ["dns_message", "dns_request", "dns_end"],
  );
  const [isOrig, msg, len] = rec.events[0]!.args.slice(1) as [boolean, { id: number; RD: boolean; QR: boolean }, number];
  assert.equal(isOrig, true);
  assert.equal(msg.id, 7);
  assert.equal(msg.RD, true);
  assert.equal(msg.QR, false);
  assert.equal(len, 12 + 17 + 4);
  assert.deepEqual(argsOf(rec, "dns_request")[0]!.slice(1), ["www.example.com", 28, 1, "WWW.Example.com"]);
  assert.equal(rec.confirmed, 1);
});

test("a response as the first message from the originator is a reply (is_orig F)", () => {
  const rec = parse(response("a.com", 1, [rr(OWNER, 1, [1, 2, 3, 4])]), { isQuery: 1 });
  assert.equal(rec.events[0]!.args[1], false);
  assert.equal(argsOf(rec, "dns_query_reply").length, 1);
});

test("A and AAAA", () => {
  const [, ans, a] = answerOf(response("a.com", 1, [rr(OWNER, 1, [192, 0, 2, 7], 60)]), "dns_A_reply") as [
    unknown,
    { query: string; qtype: number; TTL: number; answer_type: number },
    string,
  ];
  assert.equal(a, "192.0.2.7");
  assert.deepEqual([ans.query, ans.qtype, ans.TTL, ans.answer_type], ["a.com", 1, 60, 1]);
  const v6 = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
  assert.equal(answerOf(response("a.com", 28, [rr(OWNER, 28, v6)]), "dns_AAAA_reply")[2], "2001:db8::1");
});

test("NS, CNAME, PTR names (compressed, lower-cased), MX with preference, SRV", () => {
  assert.equal(answerOf(response("a.com", 2, [rr(OWNER, 2, [...cstr("NS1"), ...ptr(12)])]), "dns_NS_reply")[2], "ns1.a.com");
  assert.equal(answerOf(response("a.com", 5, [rr(OWNER, 5, name("b.org"))]), "dns_CNAME_reply")[2], "b.org");
  assert.equal(answerOf(response("4.3.2.1.in-addr.arpa", 12, [rr(OWNER, 12, name("host.example"))]), "dns_PTR_reply")[2], "host.example");
  assert.deepEqual(answerOf(response("a.com", 15, [rr(OWNER, 15, [...u16(10), ...name("mx.a.com")])]), "dns_MX_reply").slice(2), ["mx.a.com", 10]);
  assert.deepEqual(
    answerOf(response("_x._tcp.a.com", 33, [rr(OWNER, 33, [...u16(1), ...u16(2), ...u16(5060), ...name("sip.a.com")])]), "dns_SRV_reply").slice(2),
    ["sip.a.com", 1, 2, 5060],
  );
});

test("SOA", () => {
  const soa = answerOf(
    response("a.com", 6, [rr(OWNER, 6, [...name("ns.a.com"), ...name("admin.a.com"), ...u32(2024), ...u32(3600), ...u32(600), ...u32(86400), ...u32(300)])]),
    "dns_SOA_reply",
  )[2];
  assert.deepEqual(soa, { mname: "ns.a.com", rname: "admin.a.com", serial: 2024, refresh: 3600, retry: 600, expire: 86400, minimum: 300 });
});

test("TXT and SPF with several character strings; HINFO; CAA", () => {
  assert.deepEqual(answerOf(response("a.com", 16, [rr(OWNER, 16, [...cstr("v=spf1"), ...cstr(""), ...cstr("x y")])]), "dns_TXT_reply")[2], [
    "v=spf1",
    "",
    "x y",
  ]);
  assert.deepEqual(answerOf(response("a.com", 99, [rr(OWNER, 99, cstr("v=spf1 -all"))]), "dns_SPF_reply")[2], ["v=spf1 -all"]);
  assert.deepEqual(answerOf(response("a.com", 13, [rr(OWNER, 13, [...cstr("PDP-11"), ...cstr("UNIX")])]), "dns_HINFO_reply").slice(2), ["PDP-11", "UNIX"]);
  assert.deepEqual(answerOf(response("a.com", 257, [rr(OWNER, 257, [0, 5, ...bytesOf("issue"), ...bytesOf("ca.example")])]), "dns_CAA_reply").slice(2), [
    0,
    "issue",
    "ca.example",
  ]);
});

test("NAPTR", () => {
  const rdata = [...u16(100), ...u16(10), ...cstr("s"), ...cstr("SIPS+D2T"), ...cstr(""), ...name("_sips._tcp.a.com")];
  assert.deepEqual(answerOf(response("a.com", 35, [rr(OWNER, 35, rdata)]), "dns_NAPTR_reply")[2], {
    order: 100,
    preference: 10,
    flags: "s",
    service: "SIPS+D2T",
    regexp: "",
    replacement: "_sips._tcp.a.com",
  });
});

test("DNSSEC: DNSKEY, RRSIG, NSEC, NSEC3, NSEC3PARAM, DS", () => {
  const key = answerOf(response("a.com", 48, [rr(OWNER, 48, [...u16(257), 3, 8, 1, 2, 3])]), "dns_DNSKEY")[2] as {
    flags: number;
    protocol: number;
    algorithm: number;
    public_key: string;
  };
  assert.deepEqual([key.flags, key.protocol, key.algorithm, key.public_key], [257, 3, 8, "\x01\x02\x03"]);
  const sig = answerOf(
    response("a.com", 46, [rr(OWNER, 46, [...u16(1), 13, 2, ...u32(300), ...u32(2000), ...u32(1000), ...u16(42), ...name("a.com"), 9, 9])]),
    "dns_RRSIG",
  )[2] as { type_covered: number; algorithm: number; labels: number; key_tag: number; signer_name: string; signature: string };
  assert.deepEqual([sig.type_covered, sig.algorithm, sig.labels, sig.key_tag, sig.signer_name, sig.signature], [1, 13, 2, 42, "a.com", "\x09\x09"]);
  assert.deepEqual(answerOf(response("a.com", 47, [rr(OWNER, 47, [...name("b.a.com"), 0, 2, 0x40, 0x01])]), "dns_NSEC").slice(2), ["b.a.com", ["\x40\x01"]]);
  const n3 = answerOf(response("a.com", 50, [rr(OWNER, 50, [1, 0, ...u16(10), 2, 0xab, 0xcd, 3, 1, 2, 3, 0, 1, 0x40])]), "dns_NSEC3")[2] as {
    nsec_hash_algo: number;
    nsec_iter: number;
    nsec_salt: string;
    nsec_hash: string;
    bitmaps: string[];
  };
  assert.deepEqual([n3.nsec_hash_algo, n3.nsec_iter, n3.nsec_salt, n3.nsec_hash, n3.bitmaps], [1, 10, "\xab\xcd", "\x01\x02\x03", ["\x40"]]);
  const p3 = answerOf(response("a.com", 51, [rr(OWNER, 51, [1, 0, ...u16(5), 0])]), "dns_NSEC3PARAM")[2] as { nsec_iter: number; nsec_salt_len: number };
  assert.deepEqual([p3.nsec_iter, p3.nsec_salt_len], [5, 0]);
  const ds = answerOf(response("a.com", 43, [rr(OWNER, 43, [...u16(42), 8, 2, 0xaa, 0xbb])]), "dns_DS")[2] as {
    key_tag: number;
    algorithm: number;
    digest_type: number;
    digest_val: string;
  };
  assert.deepEqual([ds.key_tag, ds.algorithm, ds.digest_type, ds.digest_val], [42, 8, 2, "\xaa\xbb"]);
});

test("DNSSEC oddities are Zeek's weirds: RSA/MD5, bad protocol, reserved digest", () => {
  const rec = parse(response("a.com", 48, [rr(OWNER, 48, [...u16(256), 2, 1, 0])]));
  assert.deepEqual(rec.weirds, ["DNSSEC_DNSKEY_Invalid_Protocol 2", "DNSSEC_DNSKEY_NotRecommended_ZoneSignAlgo 1"]);
  assert.deepEqual(parse(response("a.com", 43, [rr(OWNER, 43, [...u16(1), 8, 0, 1])])).weirds, ["DNSSEC_DS_ReservedDigestType 0"]);
});

test("SSHFP, LOC, BINDS", () => {
  assert.deepEqual(answerOf(response("a.com", 44, [rr(OWNER, 44, [1, 2, 0xde, 0xad])]), "dns_SSHFP").slice(2), [1, 2, "\xde\xad"]);
  const loc = answerOf(response("a.com", 29, [rr(OWNER, 29, [0, 0x12, 0x16, 0x13, ...u32(1), ...u32(2), ...u32(3)])]), "dns_LOC")[2] as {
    size: number;
    horiz_pre: number;
    latitude: number;
    altitude: number;
  };
  assert.deepEqual([loc.size, loc.horiz_pre, loc.latitude, loc.altitude], [0x12, 0x16, 1, 3]);
  const binds = answerOf(response("a.com", 65534, [rr(OWNER, 65534, [8, 0x12, 0x34, 0, 1])]), "dns_BINDS")[2] as {
    algorithm: number;
    key_id: number;
    complete_flag: number;
  };
  assert.deepEqual([binds.algorithm, binds.key_id, binds.complete_flag], [8, 0x1234, 1]);
});

test("SVCB/HTTPS: alpn, port, hints, ech; the root target is '.'", () => {
  const params = [
    ...u16(1),
    ...u16(6),
    2,
    ...bytesOf("h2"),
    2,
    ...bytesOf("h3"),
    ...u16(3),
    ...u16(2),
    ...u16(8443),
    ...u16(4),
    ...u16(4),
    192,
    0,
    2,
    1,
    ...u16(5),
    ...u16(3),
    1,
    2,
    3,
  ];
  const https = answerOf(response("a.com", 65, [rr(OWNER, 65, [...u16(1), 0, ...params])]), "dns_HTTPS")[2] as {
    svc_priority: number;
    target_name: string;
    svc_params: unknown[];
  };
  assert.equal(https.svc_priority, 1);
  assert.equal(https.target_name, ".");
  assert.deepEqual(https.svc_params, [
    { key: 1, alpn: ["h2", "h3"] },
    { key: 3, p: 8443 },
    { key: 4, hint: ["192.0.2.1"] },
    { key: 5, ech: "AQID" },
  ]);
  const rec = parse(response("a.com", 64, [rr(OWNER, 64, [...u16(1), ...name("b.com"), ...u16(3), ...u16(1), 7])]));
  assert.deepEqual(rec.weirds, ["DNS_SVCB_port_length_invalid"]);
  assert.deepEqual((argsOf(rec, "dns_SVCB")[0]![2] as { svc_params: unknown[] }).svc_params, [{ key: 3, raw: "\x07" }]);
  assert.deepEqual(parse(response("a.com", 64, [rr(OWNER, 64, [0, 1])])).weirds, ["DNS_SVCB_wrong_length"]);
});

test("an unknown type: dns_unknown_reply and DNS_RR_unknown_type; the next record is still read", () => {
  const rec = parse(response("a.com", 1, [rr(OWNER, 4242, [1, 2, 3]), rr(OWNER, 1, [1, 1, 1, 1])]));
  assert.equal(argsOf(rec, "dns_unknown_reply").length, 1);
  assert.deepEqual(rec.weirds, ["DNS_RR_unknown_type 4242"]);
  assert.equal(argsOf(rec, "dns_A_reply").length, 1);
});

test("EDNS (client subnet, cookie, keepalive over UDP) and TSIG in the additional section, when not skipped", () => {
  const opt = [...u16(8), ...u16(7), ...u16(1), 24, 0, 198, 51, 100, ...u16(10), ...u16(8), 1, 2, 3, 4, 5, 6, 7, 8, ...u16(11), ...u16(0)];
  const edns = [0, ...u16(41), ...u16(1232), ...u32(0x8000), ...u16(opt.length), ...opt];
  // Zeek reads the 48-bit time signed as a 32-bit second count and 16 bits of milliseconds.
  const tsigData = [...name("hmac-sha256"), ...u32(1700000000), ...u16(500), ...u16(300), ...u16(2), 0xaa, 0xbb, ...u16(0x1234), ...u16(0), ...u16(0)];
  const tsigRr = rr(name("key"), 250, tsigData, 0, 255);
  const msg = Uint8Array.from([...header(1, RD, 1, 0, 0, 2), ...question("a.com"), ...edns, ...tsigRr]);
  const rec = parse(msg, { isQuery: 1, skipAllAddl: false });
  const addl = argsOf(rec, "dns_EDNS_addl")[0]![1] as { payload_size: number; z_field: number; t: number };
  assert.deepEqual([addl.payload_size, addl.z_field, addl.t], [1232, 0x8000, 41]);
  assert.deepEqual(argsOf(rec, "dns_EDNS_ecs")[0]![1], { family: "v4", source_prefix_len: 24, scope_prefix_len: 0, address: "198.51.100.0" });
  assert.deepEqual(argsOf(rec, "dns_EDNS_cookie")[0]![1], { client_cookie: "\x01\x02\x03\x04\x05\x06\x07\x08", server_cookie: "" });
  assert.deepEqual(argsOf(rec, "dns_EDNS_tcp_keepalive")[0]![1], { keepalive_timeout_omitted: true, keepalive_timeout: 0 });
  assert.deepEqual(rec.weirds, ["EDNS_TCP_Keepalive_In_UDP"]);
  const t = argsOf(rec, "dns_TSIG_addl")[0]![1] as { alg_name: string; time_signed: number; fudge: number; sig: string; orig_id: number };
  assert.deepEqual([t.alg_name, t.time_signed, t.fudge, t.sig, t.orig_id], ["hmac-sha256", 1700000000.5, 300, "\xaa\xbb", 0x1234]);
  // With Zeek's defaults (dns_skip_all_addl) the section is not read at all.
  assert.equal(argsOf(parse(msg, { isQuery: 1 }), "dns_EDNS_addl").length, 0);
});

test("malformed: a compression loop (a pointer to itself) is DNS_label_forward_compress_offset; dns_end still runs", () => {
  const rec = parse(Uint8Array.from([...header(1, 0, 1), ...ptr(12), ...u16(1), ...u16(1)]), { isQuery: 1 });
  assert.deepEqual(rec.weirds, ["DNS_label_forward_compress_offset"]);
  assert.deepEqual(
    rec.events.map((e) => e.name),
    ["dns_message", "dns_end"],
  );
  assert.equal(rec.confirmed, 0);
});

test("malformed: a pointer past the end of the message", () => {
  const rec = parse(Uint8Array.from([...header(1, QR, 1, 1), ...question("a.com"), ...rr(ptr(0x3fff), 1, [1, 2, 3, 4])]));
  assert.deepEqual(rec.weirds, ["DNS_label_forward_compress_offset"]);
});

test("malformed: a chain of more than 20 pointers is DNS_max_compression_chain_depth_exceeded", () => {
  // The chain sits in an unknown record's data (skipped): a root label, then 25 pointers each to the one before.
  const base = 12 + 1 + 10;
  const chain: Bytes = [0];
  let prev = base;
  for (let i = 0; i < 25; i++) {
    const at = base + chain.length;
    chain.push(...ptr(prev));
    prev = at;
  }
  const msg = Uint8Array.from([...header(1, QR, 0, 2), ...rr(name(""), 4242, chain), ...rr(ptr(prev), 1, [1, 2, 3, 4])]);
  const rec = parse(msg);
  assert.ok(
    rec.weirds.some((w) => w.startsWith("DNS_max_compression_chain_depth_exceeded")),
    rec.weirds.join(),
  );
});

test("malformed: rdlength beyond the message; an A record of 5 bytes; a zero rdlength", () => {
  assert.deepEqual(parse(response("a.com", 1, [rr(OWNER, 1, [1, 2, 3, 4], 1, 1, 40)])).weirds, ["DNS_truncated_RR_rdlength_lt_len"]);
  assert.deepEqual(parse(response("a.com", 1, [rr(OWNER, 1, [1, 2, 3, 4, 5])])).weirds, ["DNS_RR_bad_length"]);
  assert.deepEqual(parse(response("a.com", 1, [rr(OWNER, 1, []), rr(OWNER, 1, [1, 2, 3, 4])])).weirds, ["DNS_zero_rdlength"]);
});

test("malformed: short header, unknown opcode (with the limit letter), too many questions (a violation)", () => {
  assert.deepEqual(parse(Uint8Array.from([1, 2, 3])).weirds, ["DNS_truncated_len_lt_hdr_len"]);
  assert.deepEqual(parse(Uint8Array.from(header(1, 2 << 11, 0))).weirds, ["DNS_unknown_opcode 2"]);
  const many = parse(Uint8Array.from(header(1, 0, 26)), { isQuery: 1 });
  assert.deepEqual(many.violations, ["DNS_Conn_count_too_large"]);
  assert.deepEqual(many.weirds, ["DNS_Conn_count_too_large 26 > 25"]);
});

test("malformed: labels longer than 63 bytes or than the packet; truncated question", () => {
  assert.deepEqual(parse(Uint8Array.from([...header(1, 0, 1), 64, ...new Array<number>(64).fill(0x61), 0, 0, 1, 0, 1]), { isQuery: 1 }).weirds, [
    "DNS_label_too_long",
  ]);
  assert.deepEqual(parse(Uint8Array.from([...header(1, 0, 1), 10, 0x61]), { isQuery: 1 }).weirds, ["DNS_label_len_gt_pkt"]);
  assert.deepEqual(parse(Uint8Array.from([...header(1, 0, 1), ...name("a.com"), 0]), { isQuery: 1 }).weirds, ["DNS_truncated_quest_too_short"]);
  // NetBIOS names may have long labels.
  assert.deepEqual(
    parse(Uint8Array.from([...header(1, 0, 1), 64, ...new Array<number>(64).fill(0x41), 0, 0, 32, 0, 1]), { isQuery: 1, respPort: 137 }).weirds,
    [],
  );
});

test("an unhandled record type is skipped unread (as Zeek does when nobody handles its event)", () => {
  const msg = response("a.com", 16, [rr(OWNER, 16, [200, 1]), rr(OWNER, 1, [1, 2, 3, 4])]);
  const handled = new Set(["dns_A_reply"]);
  const rec = parse(msg, { handled });
  assert.deepEqual(rec.weirds, []);
  assert.equal(rec.events.length, 1);
  assert.deepEqual(parse(msg).weirds, ["DNS_TXT_char_str_past_rdlen"]);
});

/** A DNS-over-TCP analyzer with a recording host. */
function tcpAnalyzer() {
  const host = recordingHost();
  const analyzer = DNS.stream!(host as unknown as AnalyzerHost);
  return { analyzer, rec: host.rec };
}

test("TCP: a message split in three segments, then two messages in one segment", () => {
  const q = Uint8Array.from([...header(9, RD, 1), ...question("a.com")]);
  const framed = Uint8Array.from([...u16(q.length), ...q]);
  const { analyzer, rec } = tcpAnalyzer();
  analyzer.deliverStream(true, 1, framed.subarray(0, 1));
  analyzer.deliverStream(true, 2, framed.subarray(1, 9));
  assert.equal(rec.events.length, 0, "nothing before the message is complete");
  analyzer.deliverStream(true, 10, framed.subarray(9));
  assert.deepEqual(
    argsOf(rec, "dns_request").map((a) => a[1]),
    ["a.com"],
  );
  const r = response("a.com", 1, [rr(OWNER, 1, [1, 2, 3, 4])], 9);
  const two = Uint8Array.from([...u16(r.length), ...r, ...u16(r.length), ...r]);
  analyzer.deliverStream(false, 1, two);
  assert.equal(argsOf(rec, "dns_A_reply").length, 2);
  assert.deepEqual(rec.weirds, []);
  analyzer.done();
});

test("TCP: a message cut short by the close is parsed as it is, direction unknown", () => {
  const q = Uint8Array.from([...header(9, RD, 1), ...question("a.com")]);
  const { analyzer, rec } = tcpAnalyzer();
  analyzer.deliverStream(true, 1, Uint8Array.from([...u16(q.length + 10), ...q]));
  assert.equal(rec.events.length, 0);
  analyzer.endOfData(true);
  assert.equal(rec.events[0]!.name, "dns_message");
  assert.equal(rec.events[0]!.args[1], true);
  assert.equal(argsOf(rec, "dns_request").length, 1);
});

test("decode_netbios_name", () => {
  assert.equal(decodeNetbiosName("FEEIEFCAEOEFFEECEJEPFDCAEOEBENEF"), "THE NETBIOS NAM");
  assert.equal(decodeNetbiosName("EBEC"), "");
  assert.equal(decodeNetbiosName("ZZEIEFCAEOEFFEECEJEPFDCAEOEBENEF"), "");
});

// ---------------------------------------------------------------- dns.log through the engine

const CLIENT = "10.0.0.1";
const SERVER = "10.0.0.53";

async function dnsLog(packets: Parameters<typeof memorySource>[0], seed?: readonly number[], loads: string[] = []) {
  const engine = new Engine({ ignoreChecksums: true, seed });
  const scripts = loadBuiltinScripts(engine, { memory: true, loads });
  await engine.run(memorySource(packets));
  scripts.close();
  const log = parseLog(scripts.logs.text("dns"));
  const conn = parseLog(scripts.logs.text("conn"));
  const col = (l: typeof log, row: string[], n: string) => row[l.columns.indexOf(n)];
  return { log, conn, col };
}

test("dns.log: a query and its reply make one row (rtt, answers, TTLs); conn.log's service is dns", async () => {
  const q = Uint8Array.from([...header(0x42, RD, 1), ...question("Example.COM")]);
  const r = response("example.com", 1, [rr(OWNER, 1, [93, 184, 216, 34], 120), rr(OWNER, 1, [93, 184, 216, 35], 60)], 0x42);
  const { log, conn, col } = await dnsLog([udpPacket(1, CLIENT, 5000, SERVER, 53, q), udpPacket(1.25, SERVER, 53, CLIENT, 5000, r)]);
  assert.equal(log.rows.length, 1);
  const row = log.rows[0]!;
  assert.deepEqual(
    ["trans_id", "rtt", "query", "qtype_name", "rcode_name", "RD", "RA", "answers", "TTLs", "opcode_name"].map((n) => col(log, row, n)),
    ["66", "0.250000", "example.com", "A", "NOERROR", "T", "T", "93.184.216.34,93.184.216.35", "120.000000,60.000000", "query"],
  );
  assert.equal(conn.rows[0]![conn.columns.indexOf("service")], "dns");
});

test("c$dns (dnsInfoOf): a handler after the base script's adds to the record dns.log writes; DNS::algorithms names DNSSEC algorithms, algorithm-N the others", async () => {
  const q = Uint8Array.from([...header(0x42, RD, 1), ...question("a.com", 48)]);
  const keys = [15, 99].map((algorithm) => rr(OWNER, 48, [...u16(257), 3, algorithm, 1, 2, 3]));
  const r = response("a.com", 48, keys, 0x42);
  const engine = new Engine({ ignoreChecksums: true });
  const seen: Array<string | undefined> = [];
  engine.on("new_connection", (c) => void seen.push(dnsInfoOf(engine, c)?.query));
  engine.on("dns_DNSKEY", (c, _m, _a, key) => void dnsInfoOf(engine, c)?.answers?.push(algorithmName(key.algorithm)), { priority: 4 });
  const scripts = loadBuiltinScripts(engine, { memory: true });
  await engine.run(memorySource([udpPacket(1, CLIENT, 5000, SERVER, 53, q), udpPacket(1.25, SERVER, 53, CLIENT, 5000, r)]));
  scripts.close();
  const log = parseLog(scripts.logs.text("dns"));
  assert.deepEqual(seen, [undefined], "no record before the connection's first DNS message");
  assert.equal(log.rows[0]![log.columns.indexOf("answers")], "DNSKEY 15,Ed25519,DNSKEY 99,algorithm-99");
  // The script's answers have no TTLs: only the base script's do.
  assert.equal(log.rows[0]![log.columns.indexOf("TTLs")], "300.000000,300.000000");
});

test("dns.log with protocols/dns/log-original-query-case: original_query, the standard query's name as sent; none for a reply alone", async () => {
  const q = Uint8Array.from([...header(0x42, RD, 1), ...question("Example.COM")]);
  const r = response("example.com", 1, [rr(OWNER, 1, [93, 184, 216, 34])], 0x42);
  const lone = response("Other.example", 1, [rr(OWNER, 1, [1, 2, 3, 4])], 7);
  const packets = [udpPacket(1, CLIENT, 5000, SERVER, 53, q), udpPacket(1.25, SERVER, 53, CLIENT, 5000, r), udpPacket(2, SERVER, 53, CLIENT, 5001, lone)];
  const { log, col } = await dnsLog(packets, undefined, ["protocols/dns/log-original-query-case"]);
  assert.equal(log.columns.at(-1), "original_query");
  assert.deepEqual(
    log.rows.map((row) => ["query", "original_query"].map((n) => col(log, row, n))),
    [
      ["example.com", "Example.COM"],
      ["other.example", "-"],
    ],
  );
  const plain = await dnsLog(packets);
  assert.ok(!plain.log.columns.includes("original_query"));
});

test("dns.log: a reply without a request is written when the flow expires, without rtt or question type", async () => {
  const r = response("example.com", 1, [rr(OWNER, 1, [1, 2, 3, 4])], 7);
  const { log, col } = await dnsLog([udpPacket(1, SERVER, 53, CLIENT, 5000, r), udpPacket(30, "10.9.9.9", 1, "10.9.9.8", 2, "x")]);
  assert.equal(log.rows.length, 1);
  const row = log.rows[0]!;
  assert.deepEqual(
    ["ts", "trans_id", "rtt", "query", "qtype", "answers"].map((n) => col(log, row, n)),
    ["1.000000", "7", "-", "example.com", "-", "1.2.3.4"],
  );
});

test("dns.log: an unanswered query is written when its state expires (dns_session_timeout)", async () => {
  const q = Uint8Array.from([...header(1, RD, 1), ...question("lost.example")]);
  const { log, col } = await dnsLog([udpPacket(1, CLIENT, 5000, SERVER, 53, q), udpPacket(40, "10.9.9.9", 1, "10.9.9.8", 2, "x")]);
  assert.equal(log.rows.length, 1);
  assert.deepEqual(
    ["query", "rcode", "answers"].map((n) => col(log, log.rows[0]!, n)),
    ["lost.example", "-", "-"],
  );
});

test("dns.log: replies pair with queries by transaction id, out of order", async () => {
  const q = (id: number, n: string) => Uint8Array.from([...header(id, RD, 1), ...question(n)]);
  const packets = [
    udpPacket(1, CLIENT, 5000, SERVER, 53, q(1, "one.example")),
    udpPacket(1.1, CLIENT, 5000, SERVER, 53, q(2, "two.example")),
    udpPacket(1.2, SERVER, 53, CLIENT, 5000, response("two.example", 1, [rr(OWNER, 1, [2, 2, 2, 2])], 2)),
    udpPacket(1.3, SERVER, 53, CLIENT, 5000, response("one.example", 1, [rr(OWNER, 1, [1, 1, 1, 1])], 1)),
  ];
  const { log, col } = await dnsLog(packets);
  assert.deepEqual(
    log.rows.map((r) => [col(log, r, "query"), col(log, r, "answers")]),
    [
      ["two.example", "2.2.2.2"],
      ["one.example", "1.1.1.1"],
    ],
  );
});

test("dns.log: queries still waiting are written, and picked, in Zeek's table order of their ids (with the corpus seed)", async () => {
  const q = (id: number, t: number) => udpPacket(t, CLIENT, 5000, SERVER, 53, Uint8Array.from([...header(id, RD, 1), ...question(`q${id}.example`)]));
  const expire = udpPacket(40, "10.9.9.9", 1, "10.9.9.8", 2, "x");
  const queries = (log: Awaited<ReturnType<typeof dnsLog>>) => log.log.rows.map((r) => log.col(log.log, r, "trans_id"));
  // 9 takes the fast path; 1 and 2 wait in pending_queries, which Zeek's seeded table iterates as 2, 1.
  assert.deepEqual(queries(await dnsLog([q(9, 1), q(1, 1.1), q(2, 1.2), expire], ZEEK_SEED)), ["9", "2", "1"]);
  // The reply to 9 refills the fast path with the first waiting id in that order: 2, not the first to arrive.
  const reply9 = udpPacket(1.3, SERVER, 53, CLIENT, 5000, response("q9.example", 1, [rr(OWNER, 1, [9, 9, 9, 9])], 9));
  const picked = await dnsLog([q(9, 1), q(1, 1.1), q(2, 1.2), reply9, expire], ZEEK_SEED);
  assert.deepEqual(queries(picked), ["9", "2", "1"]);
  assert.equal(picked.col(picked.log, picked.log.rows[0]!, "answers"), "9.9.9.9");
});

test("dns.log as JSON: answers a list of strings, TTLs a list of numbers, unset fields left out", async () => {
  const q = Uint8Array.from([...header(5, RD, 1), ...question("a.example")]);
  const r = response("a.example", 1, [rr(OWNER, 1, [1, 2, 3, 4], 60), rr(OWNER, 1, [5, 6, 7, 8], 30)], 5);
  const engine = new Engine({ ignoreChecksums: true });
  const scripts = loadBuiltinScripts(engine, { memory: true, json: true });
  await engine.run(memorySource([udpPacket(1, CLIENT, 5000, SERVER, 53, q), udpPacket(1.5, SERVER, 53, CLIENT, 5000, r)]));
  scripts.close();
  const row = JSON.parse(scripts.logs.text("dns").trim()) as Record<string, unknown>;
  assert.deepEqual(row.answers, ["1.2.3.4", "5.6.7.8"]);
  assert.deepEqual(row.TTLs, [60, 30]);
  assert.equal(row.rtt, 0.5);
  assert.ok(scripts.logs.text("dns").includes('"TTLs":[60.0,30.0]'));
  assert.equal(row.rejected, false);
});
