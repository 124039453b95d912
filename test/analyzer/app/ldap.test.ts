/**
 * The LDAP analyzers' rules (what each operation's event carries as Zeek's
 * Spicy grammar reads it, the filter rendering, TCP framing across chunks,
 * StartTLS to an SSL child, the SASL modes: SASL buffers skipped, Kerberos
 * wrap tokens read or skipped, credentials to GSSAPI/NTLM children),
 * ldap.log's rules, and malformations (Zeek's violation texts, recursion
 * limits, random and mutated input: a violation, never an exception).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { AnalyzerHost, ChildStream } from "../../../src/analyzer/app/analyzer.js";
import { guid, hexOctets, sid } from "../../../src/analyzer/app/ldap/filter.js";
import { LDAP_TCP, LDAP_UDP } from "../../../src/analyzer/app/ldap/ldap.js";
import { Engine, loadBuiltinScripts } from "../../../src/index.js";
import { memorySource } from "../../helpers/packets.js";
import { rng } from "../../helpers/rng.js";
import { handshake, tcpTrace, udpPacket } from "../../session/harness.js";
import { app, argsOf, type Bytes, ctx, int, mutate, octets, oid, type Recorded, recordingHost, seq, tlv } from "./ber-helpers.js";

const bool = (b: boolean): Bytes => tlv(0x01, [b ? 0xff : 0]);
const enumerated = (n: number): Bytes => tlv(0x0a, [n]);
/** A primitive context-specific element [n] holding bytes. */
const prim = (n: number, s: string | Bytes): Bytes => tlv(0x80 | n, typeof s === "string" ? [...s].map((c) => c.charCodeAt(0) & 0xff) : s);
const msg = (id: number, op: Bytes, ...controls: Bytes[]): Uint8Array => Uint8Array.from(seq(int(id), op, ...controls));
const result = (code: number, dn = "", diag = ""): Bytes[] => [enumerated(code), octets(dn), octets(diag)];

const bindSimple = (id: number, name: string, pw: string): Uint8Array => msg(id, app(0, int(3), octets(name), prim(0, pw)));
const bindSasl = (id: number, mech: string, creds?: Bytes): Uint8Array =>
  msg(id, app(0, int(3), octets(""), ctx(3, octets(mech), ...(creds === undefined ? [] : [creds]))));
const bindResponse = (id: number, code: number, ...extra: Bytes[]): Uint8Array => msg(id, app(1, ...result(code), ...extra));
const search = (id: number, filter: Bytes, attrs: string[] = []): Uint8Array =>
  msg(id, app(3, octets("dc=example,dc=com"), enumerated(2), enumerated(0), int(0), int(0), bool(false), filter, seq(...attrs.map(octets))));
const eq = (a: string, v: string | Bytes): Bytes => ctx(3, octets(a), typeof v === "string" ? octets(v) : tlv(0x04, v));

/** A recording host that also keeps the children's input. */
function host(): AnalyzerHost & { rec: Recorded; children: Map<string, Array<[boolean, number[]]>> } {
  const h = recordingHost() as AnalyzerHost & { rec: Recorded; children: Map<string, Array<[boolean, number[]]>> };
  h.children = new Map();
  (h as { addChild: AnalyzerHost["addChild"] }).addChild = (name: string): ChildStream => {
    const got: Array<[boolean, number[]]> = [];
    h.children.set(name, got);
    return {
      active: true,
      deliverStream: (isOrig, _seq, data) => void got.push([isOrig, [...data]]),
      undelivered: () => undefined,
      endOfData: () => undefined,
      remove: () => undefined,
    };
  };
  return h;
}

/** Feeds a TCP analyzer the messages, each side's bytes in chunks of `chunk`. */
function tcp(parts: Array<[boolean, Uint8Array]>, chunk = 1_000_000) {
  const h = host();
  const a = LDAP_TCP.stream!(h);
  for (const [isOrig, d] of parts) for (let i = 0; i < d.length; i += chunk) a.deliverStream(isOrig, 0, d.subarray(i, i + chunk));
  return h;
}

const names = (rec: Recorded): string[] => rec.events.map((e) => e.name);

test("LDAP rule: a simple bind read across one-byte chunks raises bind_request and LDAP::message per side, and confirms", () => {
  const h = tcp(
    [
      [true, bindSimple(1, "cn=admin", "secret")],
      [false, bindResponse(1, 0)],
    ],
    1,
  );
  assert.deepEqual(names(h.rec), ["LDAP::bind_request", "LDAP::message", "LDAP::message"]);
  assert.deepEqual(argsOf(h.rec, "LDAP::bind_request")[0], [1, 3, "cn=admin", "LDAP::BindAuthType_BIND_AUTH_SIMPLE", "secret"]);
  const [req, rep] = argsOf(h.rec, "LDAP::message");
  assert.deepEqual(req, [1, "LDAP::ProtocolOpcode_BIND_REQUEST", "LDAP::ResultCode_Undef", "", "", "cn=admin", "secret"]);
  assert.deepEqual(rep, [1, "LDAP::ProtocolOpcode_BIND_RESPONSE", "LDAP::ResultCode_SUCCESS", "", "", "", ""]);
  assert.ok(h.rec.confirmed >= 1);
  assert.deepEqual(h.rec.violations, []);
});

test("LDAP rule: controls after the operation are skipped, and LDAP::message waits for them", () => {
  const m = msg(2, app(2), ctx(0, seq(octets("1.2.3"))));
  const h = tcp([[true, m.subarray(0, 4)]]);
  assert.deepEqual(names(h.rec), []);
  const a = LDAP_TCP.stream!(h);
  a.deliverStream(true, 0, m.subarray(0, 5));
  assert.deepEqual(names(h.rec), []);
  a.deliverStream(true, 0, m.subarray(5));
  a.deliverStream(true, 0, bindSimple(3, "x", ""));
  assert.deepEqual(names(h.rec), ["LDAP::message", "LDAP::bind_request", "LDAP::message"]);
});

test("LDAP rule: search filters are rendered as Zeek renders them", () => {
  const render = (filter: Bytes): string => {
    const h = tcp([[true, search(5, filter)]]);
    assert.deepEqual(h.rec.violations, []);
    return argsOf(h.rec, "LDAP::search_request")[0]![7] as string;
  };
  assert.equal(render(ctx(0, eq("a", "1"), eq("b", "2"), eq("c", "3"))), "(&(&(a=1)(b=2))(c=3))");
  assert.equal(render(ctx(1, eq("a", "1"))), "(|(a=1))");
  assert.equal(render(ctx(0, eq("a", "1"), eq("b", "2"), eq("c", "3"), eq("d", "4"))), "(&(&(&(a=1)(b=2))(c=3))(d=4))");
  assert.equal(render(ctx(0)), "");
  // Many filters cost linear time (Zeek's rendering rewraps the string for each).
  const many = render(ctx(1, ...Array.from({ length: 20000 }, () => prim(7, "x"))));
  assert.equal(many.length, 20000 * "(x=*)".length + 19999 * "(|".length + 19999 * ")".length);
  assert.equal(render(ctx(2, prim(7, "objectClass"))), "(!(objectClass=*))");
  assert.equal(render(tlv(0xa5, octets("n"), octets("5"))), "(n>=5)");
  assert.equal(render(tlv(0xa6, octets("n"), octets("5"))), "(n<=5)");
  assert.equal(render(tlv(0xa8, octets("n"), octets("x"))), "(n~=x)");
  assert.equal(render(eq("name", "a(b)*c\x00")), "(name=a\\28b\\29\\2ac\\00)");
  assert.equal(render(tlv(0xa4, octets("cn"), seq(prim(0, "in"), prim(1, "x"), prim(1, "y"), prim(2, "fin")))), "(cn=in*x*y*fin)");
  assert.equal(render(tlv(0xa4, octets("cn"), seq(prim(2, "]")))), "(cn=*])");
  assert.equal(
    render(tlv(0xa9, prim(1, "1.2.840.113556.1.4.803"), prim(2, "userAccountControl"), prim(3, "2"))),
    "(userAccountControl:1.2.840.113556.1.4.803:=2)",
  );
  assert.equal(render(eq("NtVer", [6, 0, 0, 0x20])), "(NtVer=0x20000006)");
  assert.equal(render(eq("AAC", [0x80, 0, 0, 0])), "(AAC=80:00:00:00)");
});

test("LDAP rule: the CLDAP value renderings (GUID, SID) and their failures", () => {
  assert.equal(
    guid(Uint8Array.from([0x3b, 0x52, 0xb3, 0xb0, 0x6f, 0x54, 0xaf, 0x4f, 0x93, 0xb2, 0x29, 0x4a, 0x38, 0x50, 0x98, 0xf2])),
    "b0b3523b-546f-4faf-93b2-294a385098f2",
  );
  assert.equal(guid(new Uint8Array(15)), "GUID_FORMAT_FAILED");
  assert.equal(hexOctets(new Uint8Array(0)), "");
  // The examples of Zeek's functions.spicy btest.
  const b = (t: string): Uint8Array => Uint8Array.from(t, (c) => c.charCodeAt(0));
  assert.equal(
    sid(b("\x01\x04\x00\x00\x00\x00\x00\x05\x15\x00\x00\x00\x39\xc5\xc7\x44\xfa\xbd\x24\x1d\x4a\x65\xfd\x71")),
    "S-1-5-21-1153942841-488947194-1912431946",
  );
  assert.equal(
    sid(b("\x02\x08\x00\x02\x00\x00\x00\x05\x15\x20\x00\x12\xd5\x64\xaf\x84\x5d\x68\x9c\x0d\x44\x4c\xad\x73")),
    "S-2-8589934597-301998101-2226087125-228354141-1940737092",
  );
  assert.equal(sid(new Uint8Array(24).fill(0xff)), "S-255-281474976710655-4294967295-4294967295-4294967295-4294967295");
  assert.equal(sid(new Uint8Array(10)), "SID_FORMAT_FAILED");
});

test("LDAP rule: search_request carries scope, deref, limits and attributes; entries and done follow", () => {
  const h = tcp([
    [true, search(7, prim(7, "cn"), ["cn", "mail"])],
    [false, msg(7, app(4, octets("cn=a"), seq()))],
    [false, msg(7, app(5, ...result(0)))],
  ]);
  const [args] = argsOf(h.rec, "LDAP::search_request");
  assert.deepEqual(args, [
    7,
    "dc=example,dc=com",
    "LDAP::SearchScope_SEARCH_TREE",
    "LDAP::SearchDerefAlias_DEREF_NEVER",
    0,
    0,
    false,
    "(cn=*)",
    ["cn", "mail"],
  ]);
  assert.deepEqual(argsOf(h.rec, "LDAP::search_result_entry"), [[7, "cn=a"]]);
  assert.equal((argsOf(h.rec, "LDAP::message")[0]![5] as string) === "dc=example,dc=com", true);
});

test("LDAP rule: a modify request's argument lists its changes (values joined without separator, as Zeek's loop does)", () => {
  const change = (op: number, type: string, ...vals: string[]): Bytes => seq(enumerated(op), seq(octets(type), tlv(0x31, ...vals.map(octets))));
  const h = tcp([[true, msg(4, app(6, octets("cn=x"), seq(change(2, "mail", "a@b"), change(0, "member", "u1", "u2"), change(1, "old"))))]]);
  const [m] = argsOf(h.rec, "LDAP::message");
  assert.deepEqual(m!.slice(5), ["cn=x", "replace(mail=a@b),add(member=u1u2),delete(old)"]);
});

test("LDAP rule: StartTLS: extended request and response, LDAP::starttls, then both sides to an SSL child", () => {
  const h = tcp([
    [true, msg(1, app(23, prim(0, "1.3.6.1.4.1.1466.20037")))],
    [false, msg(1, app(24, ...result(0)))],
    [true, Uint8Array.from([0x16, 3, 1, 0, 1, 9])],
    [false, Uint8Array.from([0x16, 3, 3])],
  ]);
  assert.deepEqual(names(h.rec), ["LDAP::extended_request", "LDAP::message", "LDAP::extended_response", "LDAP::message", "LDAP::starttls"]);
  assert.deepEqual(argsOf(h.rec, "LDAP::extended_request")[0], [1, "1.3.6.1.4.1.1466.20037", ""]);
  assert.deepEqual(argsOf(h.rec, "LDAP::extended_response")[0], [1, "LDAP::ResultCode_SUCCESS", "", ""]);
  assert.deepEqual(h.children.get("SSL"), [
    [true, [0x16, 3, 1, 0, 1, 9]],
    [false, [0x16, 3, 3]],
  ]);
});

test("LDAP rule: a refused StartTLS stays in the clear; who-am-i's response name and value are passed on", () => {
  const h = tcp([
    [true, msg(1, app(23, prim(0, "1.3.6.1.4.1.1466.20037")))],
    [false, msg(1, app(24, ...result(2)))],
    [true, msg(2, app(23, prim(0, "1.3.6.1.4.1.4203.1.11.3")))],
    [false, msg(2, app(24, ...result(0), prim(10, "n"), prim(11, "dn:cn=me")))],
  ]);
  assert.equal(h.children.has("SSL"), false);
  assert.deepEqual(argsOf(h.rec, "LDAP::extended_response")[1], [2, "LDAP::ResultCode_SUCCESS", "n", "dn:cn=me"]);
});

test("LDAP rule: after a SASL bind the first bytes decide for good: a message keeps the clear, a SASL buffer makes everything SASL buffers", () => {
  const saslBuffer = Uint8Array.from([0, 0, 0, 5, 1, 2, 3, 4, 5]);
  const bound: Array<[boolean, Uint8Array]> = [
    [true, bindSasl(1, "SCRAM-SHA-512", octets("n,,n=u"))],
    [false, bindResponse(1, 0)],
  ];
  const clear = tcp([...bound, [true, bindSimple(2, "a", "")]]);
  assert.deepEqual(
    argsOf(clear.rec, "LDAP::bind_request").map((a) => a[3]),
    ["LDAP::BindAuthType_BIND_AUTH_SASL", "LDAP::BindAuthType_BIND_AUTH_SIMPLE"],
  );
  // Once in SASL buffers, a message's bytes are read as a buffer's length too (Zeek's mode does not come back).
  const wrapped = tcp([...bound, [true, saslBuffer], [false, Uint8Array.from([0, 0, 0, 2, 9, 9])], [true, Uint8Array.from([0, 0, 0, 0])]]);
  assert.deepEqual(argsOf(wrapped.rec, "LDAP::bind_request").length, 1);
  assert.deepEqual(wrapped.rec.violations, []);
});

/** An RFC 4121 wrap token in a SASL buffer: header (sealed or not, ec, rrc), payload, trailer of ec bytes when rrc is 0. */
function wrap(payload: Uint8Array, sealed: boolean, ec = 0): Uint8Array {
  const body = [0x05, 0x04, sealed ? 0x02 : 0x00, 0xff, 0, ec, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, ...payload, ...new Array<number>(ec).fill(0xee)];
  const n = body.length;
  return Uint8Array.from([n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff, ...body]);
}

test("LDAP rule: Kerberos wrap tokens: the messages of unsealed ones are read, sealed ones skipped", () => {
  const h = tcp([
    [true, bindSasl(1, "GSSAPI", octets("\x60\x01\x00"))],
    [false, bindResponse(1, 0)],
    [true, wrap(search(2, prim(7, "cn")), false, 4)],
    [true, wrap(Uint8Array.from([1, 2, 3]), true)],
    [true, wrap(msg(3, app(2)), false)],
  ]);
  assert.deepEqual(
    argsOf(h.rec, "LDAP::message").map((a) => a[0]),
    [1, 1, 2, 3],
  );
  assert.deepEqual(h.rec.violations, []);
  // The SASL credentials went to a GSSAPI child.
  assert.deepEqual(h.children.get("GSSAPI"), [[true, [0x60, 0x01, 0x00]]]);
});

test("LDAP rule: Sicily binds and GSS-SPNEGO carrying raw NTLMSSP go to NTLM", () => {
  const h = tcp([
    [true, msg(1, app(0, int(3), octets("u"), prim(10, "NTLMSSP\x00\x01")))],
    [true, bindSasl(2, "GSS-SPNEGO", octets("NTLMSSP\x00\x03"))],
  ]);
  assert.deepEqual(
    h.children.get("NTLM")?.map(([, d]) => String.fromCharCode(...d)),
    ["NTLMSSP\x00\x01", "NTLMSSP\x00\x03"],
  );
  assert.deepEqual(argsOf(h.rec, "LDAP::bind_request")[0]!.slice(3), ["LDAP::BindAuthType_SICILY_NEGOTIATE", "NTLMSSP"]);
});

test("LDAP rule: a GSS-SPNEGO bind the server accepts for MS KRB5 reads the wrap tokens that follow", () => {
  const negTokenResp = tlv(0xa1, seq(ctx(0, enumerated(0)), ctx(1, oid("1.2.840.48018.1.2.2")), ctx(2, octets("tok"))));
  const h = tcp([
    [true, bindSasl(1, "GSS-SPNEGO", octets("\xa1\x00"))],
    [false, bindResponse(1, 0, prim(7, negTokenResp))],
    [false, wrap(msg(2, app(5, ...result(0))), false)],
  ]);
  assert.deepEqual(h.rec.violations, []);
  assert.deepEqual(
    argsOf(h.rec, "LDAP::message").map((a) => a[1]),
    ["LDAP::ProtocolOpcode_BIND_REQUEST", "LDAP::ProtocolOpcode_BIND_RESPONSE", "LDAP::ProtocolOpcode_SEARCH_RESULT_DONE"],
  );
});

test("LDAP rule: UDP (CLDAP): each datagram is read alone", () => {
  const h = host();
  const a = LDAP_UDP.datagram!(h);
  a.deliverPacket(true, search(1, ctx(0, eq("DnsDomain", "example.com"), eq("NtVer", [6, 0, 0, 0])), ["Netlogon"]));
  a.deliverPacket(false, Uint8Array.from([...msg(1, app(4, octets(""), seq())), ...msg(1, app(5, ...result(0)))]));
  assert.deepEqual(names(h.rec), ["LDAP::search_request", "LDAP::message", "LDAP::search_result_entry", "LDAP::message", "LDAP::message"]);
  assert.equal(argsOf(h.rec, "LDAP::search_request")[0]![7], "(&(DnsDomain=example.com)(NtVer=0x00000006))");
  a.deliverPacket(true, Uint8Array.from([0x30, 0x05, 0x02, 0x01]));
  assert.equal(h.rec.violations.length, 1);
});

test("LDAP malformation: Zeek's violation texts, and nothing is read after one", () => {
  const violation = (m: Uint8Array): string[] => tcp([[true, m]]).rec.violations;
  assert.match(violation(Uint8Array.from(app(0, int(1))))[0]!, /&requires failed/);
  assert.match(violation(msg(1, app(0, int(3), octets("x"), octets("universal"))))[0]!, /authType/);
  assert.match(violation(msg(1, app(20)))[0]!, /no matching case/);
  assert.deepEqual(violation(msg(1, app(23, prim(0, "1.2"), prim(1, "v")))), []);
  assert.match(violation(msg(1, app(0, tlv(0x02, []), octets("x"), prim(0, ""))))[0]!, /not enough bytes for conversion to integer/);
  assert.match(violation(msg(1, app(24, ...result(0), prim(12, "?"))))[0]!, /Unhandled extended response tag 12/);
  // 21 nested NOTs: beyond the filter recursion limit.
  let deep: Bytes = prim(7, "cn");
  for (let i = 0; i < 22; i++) deep = ctx(2, deep);
  assert.deepEqual(violation(search(1, deep)), ["LDAP exceeded max filter recursion depth"]);
  // 34 nested sequences in a search entry's attributes: beyond ASN.1's.
  let nested: Bytes = tlv(0x05, []);
  for (let i = 0; i < 34; i++) nested = seq(nested);
  assert.deepEqual(violation(msg(1, app(4, octets("cn=x"), nested))), ["ASN.1 exceeded max recursion depth"]);
  const h = tcp([
    [true, msg(1, app(20))],
    [true, bindSimple(2, "a", "b")],
  ]);
  assert.deepEqual(names(h.rec), []);
});

test("LDAP malformation: a side ending inside a message is a violation", () => {
  const h = host();
  const a = LDAP_TCP.stream!(h);
  a.deliverStream(true, 0, bindSimple(1, "a", "b").subarray(0, 6));
  a.endOfData(true);
  assert.equal(h.rec.violations.length, 1);
});

test("LDAP malformation: random and mutated input never throws out of the analyzers", () => {
  const r = rng(0x1dab);
  const samples = [
    bindSimple(1, "cn=admin,dc=x", "pw"),
    bindResponse(1, 0),
    search(2, ctx(0, eq("a", "1"), tlv(0xa4, octets("cn"), seq(prim(0, "a"), prim(2, "b"))), ctx(2, prim(7, "x")))),
    msg(3, app(6, octets("cn=x"), seq(seq(enumerated(2), seq(octets("m"), tlv(0x31, octets("v"))))))),
    msg(4, app(24, ...result(0), prim(10, "n"))),
    wrap(search(5, prim(7, "cn")), false),
  ];
  for (let round = 0; round < 3000; round++) {
    const h = host();
    const a = LDAP_TCP.stream!(h);
    const u = LDAP_UDP.datagram!(h);
    for (let k = 0; k < 4; k++) {
      const base = samples[Math.floor(r() * samples.length)]!;
      const d = r() < 0.2 ? Uint8Array.from({ length: Math.floor(r() * 64) }, () => Math.floor(r() * 256)) : mutate(base, r);
      const isOrig = r() < 0.5;
      const cut = Math.floor(r() * (d.length + 1));
      a.deliverStream(isOrig, 0, d.subarray(0, cut));
      a.deliverStream(isOrig, 0, d.subarray(cut));
      u.deliverPacket(isOrig, d);
    }
    a.endOfData(true);
    a.undelivered(false, 0, 10);
    a.done();
    u.done();
  }
});

/** ldap.log's rows (as text cells) for a TCP conversation of `msgs` to port 389, and conn.log's services. */
async function ldapLog(
  msgs: Array<[boolean, Uint8Array]>,
  settings: string[] = [],
  options: { spicy?: boolean; loads?: string[] } = { spicy: true },
): Promise<{ rows: string[][]; weirds: string; services: string[] }> {
  const engine = new Engine({ ...options, settings });
  const scripts = loadBuiltinScripts(engine, { memory: true, loads: options.loads ?? [] });
  const isn = { c: 1001, s: 5001 };
  const segs = [...handshake(1)];
  let t = 1.1;
  for (const [fromClient, m] of msgs) {
    segs.push({ t, from: fromClient ? "c" : "s", flags: "PA", seq: fromClient ? isn.c : isn.s, ack: fromClient ? isn.s : isn.c, payload: m });
    if (fromClient) isn.c += m.length;
    else isn.s += m.length;
    t += 0.1;
  }
  await engine.run(memorySource(tcpTrace(segs, { sport: 389 })));
  scripts.close();
  const rows = scripts.logs
    .text("ldap")
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => l.split("\t").slice(6));
  const services = scripts.logs
    .text("conn")
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => l.split("\t")[7]!);
  return { rows, weirds: scripts.logs.text("weird"), services };
}

test("ldap.log rule: binds write at the response (password REDACTED unless captured), unanswered requests at the end", async () => {
  const exchange: Array<[boolean, Uint8Array]> = [
    [true, bindSimple(1, "cn=a", "pw")],
    [false, msg(1, app(1, ...result(49, "", "bad creds")))],
    [true, msg(2, app(8, octets("cn=new"), seq()))],
  ];
  const { rows } = await ldapLog(exchange);
  assert.deepEqual(rows, [
    ["1", "3", "bind simple", "invalid credentials", "bad creds", "cn=a", "REDACTED"],
    ["2", "-", "add", "-", "-", "-", "-"],
  ]);
  const captured = await ldapLog(exchange, ["LDAP::default_capture_password=T"]);
  assert.equal(captured.rows[0]![6], "pw");
});

test("ldap.log rule: a bind response without request is a weird, and an extended request's object names it", async () => {
  const { rows, weirds } = await ldapLog([
    [false, bindResponse(9, 0)],
    [true, msg(10, app(23, prim(0, "1.3.6.1.4.1.4203.1.11.3")))],
    [false, msg(10, app(24, ...result(0)))],
  ]);
  assert.match(weirds, /LDAP_bind_without_opcode\t9: bind/);
  assert.deepEqual(rows[1], ["10", "-", "extended", "success", "-", "1.3.6.1.4.1.4203.1.11.3 (whoami)", "-"]);
});

test("LDAP rule: a Spicy analyzer: without --spicy nothing is analysed, unless base/protocols/ldap is named", async () => {
  const exchange: Array<[boolean, Uint8Array]> = [
    [true, bindSimple(1, "cn=a", "pw")],
    [false, bindResponse(1, 0)],
  ];
  const off = await ldapLog(exchange, [], {});
  assert.deepEqual([off.rows, off.services], [[], ["-"]]);
  const named = await ldapLog(exchange, [], { loads: ["base/protocols/ldap"] });
  assert.deepEqual([named.rows.length, named.services], [1, ["ldap_tcp"]]);
  const spicy = await ldapLog(exchange);
  assert.deepEqual(spicy.services, ["ldap_tcp"]);
});

test("LDAP rule: CLDAP on 389/udp is LDAP_UDP (service ldap_udp), its search in ldap_search.log", async () => {
  const engine = new Engine({ spicy: true });
  const scripts = loadBuiltinScripts(engine, { memory: true });
  const C = "10.0.0.1";
  const S = "192.0.2.5";
  await engine.run(
    memorySource([
      udpPacket(1, C, 50000, S, 389, search(4, ctx(0, eq("DnsDomain", "example.com"), eq("NtVer", [6, 0, 0, 0])), ["Netlogon"])),
      udpPacket(1.1, S, 389, C, 50000, Uint8Array.from([...msg(4, app(4, octets(""), seq())), ...msg(4, app(5, ...result(0)))])),
    ]),
  );
  scripts.close();
  const row = scripts.logs
    .text("ldap_search")
    .split("\n")
    .find((l) => l !== "" && !l.startsWith("#"))!
    .split("\t")
    .slice(6);
  assert.deepEqual(row, ["4", "tree", "never", "dc=example,dc=com", "1", "success", "-", "(&(DnsDomain=example.com)(NtVer=0x00000006))", "-"]);
  assert.match(scripts.logs.text("conn"), /\tudp\tldap_udp\t/);
});
