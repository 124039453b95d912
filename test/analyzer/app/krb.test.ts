/**
 * The Kerberos analyzers' rules (what each message's event carries, as Zeek's
 * grammar reads it; TCP framing; PKINIT certificates as files), kerberos.log's
 * rules (main.zeek), and malformations (a BER length beyond its buffer, a
 * truncated message, an unknown message type, deep nesting, random damage:
 * a violation, never an exception).
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";
import type { KrbErrorMsg, KrbKdcRequest, KrbKdcResponse, KrbTicket } from "../../../src/analyzer/app/krb/events.js";
import { KRB, KRB_TCP } from "../../../src/analyzer/app/krb/krb.js";
import { kerberosTime } from "../../../src/analyzer/app/krb/parser.js";
import { Engine, loadBuiltinScripts } from "../../../src/index.js";
import { memorySource } from "../../helpers/packets.js";
import { rng } from "../../helpers/rng.js";
import { handshake, tcpTrace, udpPacket } from "../../session/harness.js";
import { app, argsOf, type Bytes, ctx, deeplyNested, int, mutate, octets, recordingHost, seq, str, tlv } from "./ber-helpers.js";

const gs = (s: string): Bytes => str(0x1b, s);
const principal = (type: number, ...names: string[]): Bytes => seq(ctx(0, int(type)), ctx(1, seq(...names.map(gs))));
const encData = (etype: number, ct: string, kvno?: number): Bytes =>
  seq(ctx(0, int(etype)), ...(kvno === undefined ? [] : [ctx(1, int(kvno))]), ctx(2, octets(ct)));
const ticket = (realm: string, sname: string[], etype: number): Bytes =>
  app(1, seq(ctx(0, int(5)), ctx(1, gs(realm)), ctx(2, principal(2, ...sname)), ctx(3, encData(etype, "tkt", 2))));

function asReq(opts: { cname?: string[]; till?: string; padata?: Bytes[]; msgType?: number } = {}): Uint8Array {
  const body = seq(
    ctx(0, tlv(0x03, [0, 0x40, 0x80, 0, 0x10])),
    ...(opts.cname === undefined ? [] : [ctx(1, principal(1, ...opts.cname))]),
    ctx(2, gs("EXAMPLE.ORG")),
    ctx(3, principal(2, "krbtgt", "EXAMPLE.ORG")),
    ctx(5, str(0x18, opts.till ?? "20370913024805Z")),
    ctx(7, int(12345)),
    ctx(8, seq(int(18), int(17), int(23))),
    ctx(9, seq(seq(ctx(0, int(2)), ctx(1, octets("\x0a\x00\x00\x01"))), seq(ctx(0, int(20)), ctx(1, octets("HOST     "))))),
  );
  const padata = opts.padata === undefined ? [] : [ctx(3, seq(...opts.padata))];
  const type = opts.msgType ?? 10;
  return Uint8Array.from(app(type, seq(ctx(1, int(5)), ctx(2, int(type)), ...padata, ctx(4, body))));
}

function asRep(msgType = 11): Uint8Array {
  return Uint8Array.from(
    app(
      msgType,
      seq(
        ctx(0, int(5)),
        ctx(1, int(msgType)),
        ctx(3, gs("EXAMPLE.ORG")),
        ctx(4, principal(1, "alice")),
        ctx(5, ticket("EXAMPLE.ORG", ["krbtgt", "EXAMPLE.ORG"], 18)),
        ctx(6, encData(18, "rep", 3)),
      ),
    ),
  );
}

function krbError(code: number, text?: string): Uint8Array {
  return Uint8Array.from(
    app(
      30,
      seq(
        ctx(0, int(5)),
        ctx(1, int(30)),
        ctx(4, str(0x18, "20150119224825Z")),
        ctx(5, int(0)),
        ctx(6, int(code)),
        ctx(7, gs("EXAMPLE.ORG")),
        ctx(8, principal(1, "alice")),
        ctx(9, gs("EXAMPLE.ORG")),
        ctx(10, principal(2, "krbtgt", "EXAMPLE.ORG")),
        ...(text === undefined ? [] : [ctx(11, gs(text))]),
      ),
    ),
  );
}

const apReq = (): Uint8Array =>
  Uint8Array.from(
    app(
      14,
      seq(
        ctx(0, int(5)),
        ctx(1, int(14)),
        ctx(2, tlv(0x03, [0, 0x20, 0, 0, 0])),
        ctx(3, ticket("CORP.EXAMPLE", ["cifs", "fs1.corp.example"], 23)),
        ctx(4, encData(23, "auth")),
      ),
    ),
  );

function udp(datagrams: Array<[boolean, Uint8Array]>, handled?: ReadonlySet<string>) {
  const host = recordingHost(handled);
  const a = KRB.datagram!(host);
  for (const [isOrig, d] of datagrams) assert.doesNotThrow(() => a.deliverPacket(isOrig, d));
  a.done();
  return host.rec;
}

test("krb: an AS-REQ's body as Zeek's KDC_Request (names, realm, till, options, etypes, addresses)", () => {
  const rec = udp([[true, asReq({ cname: ["alice"] })]]);
  assert.equal(rec.confirmed, 1);
  const [[msg]] = argsOf(rec, "krb_as_request") as [[KrbKdcRequest]];
  assert.deepEqual(
    [msg.pvno, msg.msg_type, msg.client_name, msg.service_realm, msg.service_name, msg.till, msg.nonce],
    [5, 10, "alice", "EXAMPLE.ORG", "krbtgt/EXAMPLE.ORG", 2136422885, 12345],
  );
  assert.deepEqual(msg.encryption_types, [18, 17, 23]);
  assert.deepEqual(
    [msg.kdc_options?.forwardable, msg.kdc_options?.renewable, msg.kdc_options?.disable_transited_check, msg.kdc_options?.proxiable],
    [true, true, true, false],
  );
  assert.deepEqual(msg.host_addrs, [{ ip: "10.0.0.1" }, { netbios: "HOST     " }]);
  assert.equal(msg.pa_data, undefined);
});

test("krb: replies (AS-REP, TGS-REP) with the ticket, kvno, and errors with their fields; AP-REQ's options and ticket", () => {
  const rec = udp([
    [false, asRep()],
    [false, asRep(13)],
    [false, krbError(6)],
    [true, apReq()],
  ]);
  const [[rep]] = argsOf(rec, "krb_as_response") as [[KrbKdcResponse]];
  assert.deepEqual(
    [rep.client_realm, rep.client_name, rep.ticket.service_name, rep.ticket.cipher, rep.ticket.realm, rep.enc_part.kvno, rep.enc_part.cipher],
    ["EXAMPLE.ORG", "alice", "krbtgt/EXAMPLE.ORG", 18, "EXAMPLE.ORG", 3, 18],
  );
  assert.equal(argsOf(rec, "krb_tgs_response").length, 1);
  const [[err]] = argsOf(rec, "krb_error") as [[KrbErrorMsg]];
  assert.deepEqual(
    [err.error_code, err.client_name, err.client_realm, err.service_name, err.server_time, err.error_text],
    [6, "alice", "EXAMPLE.ORG", "krbtgt/EXAMPLE.ORG", 1421707705, undefined],
  );
  const [[t, opts, inPadata]] = argsOf(rec, "krb_ap_request") as [[KrbTicket, { mutual_required: boolean }, boolean]];
  assert.deepEqual([t.service_name, t.realm, t.cipher, opts.mutual_required, inPadata], ["cifs/fs1.corp.example", "CORP.EXAMPLE", 23, true, false]);
});

test("krb: names as Zeek joins them (four or more parts are 'unknown'); KerberosTime of 15 or 17 characters only", () => {
  const rec = udp([
    [true, asReq({ cname: ["a", "b", "c", "d"] })],
    [true, asReq({ cname: ["a", "b", "c"], till: "19700101000000Z" })],
  ]);
  const names = (argsOf(rec, "krb_as_request") as Array<[KrbKdcRequest]>).map(([m]) => [m.client_name, m.till]);
  assert.deepEqual(names, [
    ["unknown", 2136422885],
    ["a/b/c", 0],
  ]);
  const t = (s: string): number | undefined => kerberosTime(Uint8Array.from([...s].map((c) => c.charCodeAt(0))));
  assert.equal(t("20370913024805Z"), 2136422885);
  assert.equal(t("xx20370913024805Z"), 2136422885);
  assert.equal(t("2037091302Z"), undefined);
});

test("krb: PKINIT certificates go to the files framework under Zeek's handle and type", () => {
  const cert = seq(seq(int(1)), octets("certificate bytes"));
  // PA-PK-AS-REQ: OCTET STRING { SEQUENCE { [0] ContentInfo { OID, [0] SignedData { version, digests, encap, [0] certs } } } }.
  const signed = seq(int(3), tlv(0x31), seq(tlv(0x06, [0x2b])), tlv(0xa0, cert));
  const asReqValue = tlv(0x04, seq(tlv(0x80, seq(tlv(0x06, [0x2a]), ctx(0, signed)))));
  const rec = udp([[true, asReq({ cname: ["alice"], padata: [seq(ctx(1, int(16)), tlv(0xa2, asReqValue))] })]]);
  assert.equal(rec.files.length, 1);
  const f = rec.files[0]!;
  assert.deepEqual([...f.data], cert);
  assert.equal(f.mime, "application/x-x509-user-cert");
  assert.equal(f.isOrig, true);
  assert.equal(f.handle, "Analyzer::ANALYZER_KRB1400000000.5T10.0.0.1:40000 > 10.0.0.2:880");
  // No file when nobody handles the request's event (Zeek builds the arguments, and hands the certificate over, only then).
  const quiet = udp([[true, asReq({ cname: ["alice"], padata: [seq(ctx(1, int(16)), tlv(0xa2, asReqValue))] })]], new Set());
  assert.equal(quiet.files.length, 0);
});

test("krb: a TGS-REQ's PA-TGS-REQ is an AP-REQ event marked in_kdc_padata, before the request's own event", () => {
  const apInPadata = tlv(0x04, [...apReq()]);
  const rec = udp([[true, asReq({ cname: ["x"], msgType: 12, padata: [seq(ctx(1, int(1)), tlv(0xa2, apInPadata))] })]]);
  assert.deepEqual(
    rec.events.map((e) => e.name),
    ["krb_ap_request", "krb_tgs_request"],
  );
  assert.equal(rec.events[0]!.args[3], true);
});

test("krb malformed: a BER length beyond the datagram, truncation anywhere, an unknown message type: violations, no events, nothing thrown", () => {
  const req = asReq({ cname: ["alice"] });
  const long = Uint8Array.from(req);
  long[req.length - 10] = 0x7f; // the length of the last address's OCTET STRING ("HOST     ")
  const bad = udp([[true, long]]);
  assert.equal(bad.events.length, 0);
  assert.match(bad.violations[0]!, /^Binpac exception: binpac exception: length beyond data/);
  for (let n = 0; n < req.length; n++) {
    const rec = udp([[true, req.subarray(0, n)]]);
    assert.equal(rec.events.length + rec.violations.length, 1, `cut at ${n}`);
  }
  const unknown = udp([[true, Uint8Array.from(app(5, seq()))]]);
  assert.deepEqual(unknown.violations, ["Binpac exception: binpac exception: invalid index for case: KRB_PDU: 5"]);
  const deep = udp([
    [true, deeplyNested(50_000)],
    [true, Uint8Array.from([0x6a, ...deeplyNested(3)])],
  ]);
  assert.equal(deep.violations.length, 2);
  assert.equal(deep.confirmed, 0);
});

test("krb fuzz: mutated messages of every kind never throw out of the UDP or TCP analyzer", () => {
  const r = rng(0x88);
  const seeds = [asReq({ cname: ["alice"] }), asRep(), asRep(13), krbError(25, "NEEDED_PREAUTH"), apReq()];
  let violations = 0;
  for (let i = 0; i < 4000; i++) {
    const msg = mutate(seeds[i % seeds.length]!, r);
    violations += udp([[r() < 0.5, msg]], i % 2 === 0 ? new Set<string>() : undefined).violations.length;
  }
  assert.ok(violations > 400);
  for (let i = 0; i < 500; i++) {
    const host = recordingHost();
    const a = KRB_TCP.stream!(host);
    const parts: number[] = [];
    for (let m = 0; m < 3; m++) {
      const msg = mutate(seeds[Math.floor(r() * seeds.length)]!, r);
      const len = r() < 0.1 ? Math.floor(r() * 2 ** 32) : msg.length;
      parts.push(len >>> 24, (len >>> 16) & 0xff, (len >>> 8) & 0xff, len & 0xff, ...msg);
    }
    const stream = Uint8Array.from(parts);
    assert.doesNotThrow(() => {
      for (let at = 0; at < stream.length; ) {
        const n = 1 + Math.floor(r() * 40);
        a.deliverStream(r() < 0.7, at + 1, stream.subarray(at, at + n));
        at += n;
      }
      a.endOfData(true);
      a.done();
    });
  }
});

test("krb_tcp: records split over segments and several to a segment; nothing on a partial connection or after a gap", () => {
  const framed = (m: Uint8Array): number[] => [0, 0, m.length >> 8, m.length & 0xff, ...m];
  const stream = Uint8Array.from([...framed(asReq({ cname: ["alice"] })), ...framed(asReq({ cname: ["bob"] }))]);
  const host = recordingHost();
  const a = KRB_TCP.stream!(host);
  a.deliverStream(true, 1, stream.subarray(0, 3));
  a.deliverStream(true, 4, stream.subarray(3, 50));
  a.deliverStream(true, 51, stream.subarray(50));
  assert.deepEqual(
    (argsOf(host.rec, "krb_as_request") as Array<[KrbKdcRequest]>).map(([m]) => m.client_name),
    ["alice", "bob"],
  );
  const partial = recordingHost(undefined, true);
  KRB_TCP.stream!(partial).deliverStream(true, 1, stream);
  assert.equal(partial.rec.events.length, 0);
  const gap = recordingHost();
  const g = KRB_TCP.stream!(gap);
  g.undelivered(true, 1, 10);
  g.deliverStream(true, 11, stream);
  assert.equal(gap.rec.events.length, 0);
  const huge = recordingHost();
  KRB_TCP.stream!(huge).deliverStream(true, 1, Uint8Array.from([0x7f, 0xff, 0xff, 0xff, 1, 2, 3]));
  assert.equal(huge.rec.violations.length, 1);
});

// ------------------------------------------------------------ kerberos.log

async function kerberosLog(
  packets: Parameters<typeof memorySource>[0],
  loads: string[] = [],
): Promise<{ rows: Array<Record<string, string>>; conn: string[] }> {
  const engine = new Engine({ settings: [] });
  const scripts = loadBuiltinScripts(engine, { memory: true, loads });
  await engine.run(memorySource(packets));
  scripts.close();
  const text = scripts.logs.text("kerberos");
  const fields =
    text
      .split("\n")
      .find((l) => l.startsWith("#fields"))
      ?.split("\t")
      .slice(1) ?? [];
  const rows = text
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => {
      const cells = l.split("\t");
      return Object.fromEntries(fields.map((f, i) => [f, cells[i]!]));
    });
  const conn = scripts.logs
    .text("conn")
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => l.split("\t")[7]!);
  return { rows, conn };
}

const C = "10.0.0.1";
const S = "192.0.2.88";
const cols = (row: Record<string, string>, ...names: string[]): string[] => names.map((n) => row[n]!);

test("kerberos.log rule: an AS exchange is one row written at the reply (client from the request, service and cipher from the ticket)", async () => {
  const { rows, conn } = await kerberosLog([udpPacket(1, C, 5000, S, 88, asReq({ cname: ["alice"] })), udpPacket(1.5, S, 88, C, 5000, asRep())]);
  assert.equal(rows.length, 1);
  assert.deepEqual(cols(rows[0]!, "ts", "request_type", "client", "service", "success", "error_msg", "till", "cipher", "forwardable", "renewable"), [
    "1.000000",
    "AS",
    "alice/EXAMPLE.ORG",
    "krbtgt/EXAMPLE.ORG",
    "T",
    "-",
    "2136422885.000000",
    "aes256-cts-hmac-sha1-96",
    "T",
    "T",
  ]);
  assert.deepEqual(conn, ["krb"]);
});

test("kerberos.log rule: errors give success F and the text or the code's name; ignored texts drop the record; later messages are ignored once written", async () => {
  const { rows } = await kerberosLog([
    udpPacket(1, C, 5001, S, 88, asReq({ cname: ["bob"] })),
    udpPacket(1.1, S, 88, C, 5001, krbError(6)),
    udpPacket(1.2, S, 88, C, 5001, asRep()),
    udpPacket(2, C, 5002, S, 88, asReq({ cname: ["carol"] })),
    udpPacket(2.1, S, 88, C, 5002, krbError(25, "NEEDED_PREAUTH")),
    udpPacket(3, C, 5003, S, 88, asReq({ cname: ["dave"] })),
    udpPacket(3.1, S, 88, C, 5003, krbError(24, "CLIENT EXPIRED")),
    udpPacket(4, C, 5004, S, 88, krbError(99)),
  ]);
  const byClient = new Map(rows.map((r) => [r["id.orig_p"], r]));
  assert.deepEqual(cols(byClient.get("5001")!, "client", "success", "error_msg", "cipher"), ["bob/EXAMPLE.ORG", "F", "KDC_ERR_C_PRINCIPAL_UNKNOWN", "-"]);
  assert.equal(byClient.has("5002"), false);
  assert.deepEqual(cols(byClient.get("5003")!, "error_msg"), ["CLIENT EXPIRED"]);
  // An error alone: no request type; a code Zeek's table does not list has no error_msg.
  assert.deepEqual(cols(byClient.get("5004")!, "request_type", "client", "service", "success", "error_msg"), [
    "-",
    "alice/EXAMPLE.ORG",
    "krbtgt/EXAMPLE.ORG",
    "F",
    "-",
  ]);
  assert.equal(rows.length, 3);
});

test("kerberos.log rule: over TCP (krb_tcp), a TGS request logs no client until the reply names one", async () => {
  const framed = (m: Uint8Array): Uint8Array => Uint8Array.from([0, 0, m.length >> 8, m.length & 0xff, ...m]);
  const req = asReq({ msgType: 12 });
  const isn = { c: 1001, s: 5001 };
  const segs = [
    ...handshake(1),
    { t: 1.1, from: "c" as const, flags: "PA", seq: isn.c, ack: isn.s, payload: framed(req) },
    { t: 1.2, from: "s" as const, flags: "PA", seq: isn.s, ack: isn.c + req.length + 4, payload: framed(asRep(13)) },
  ];
  const { rows, conn } = await kerberosLog(tcpTrace(segs, { sport: 88 }));
  assert.deepEqual(cols(rows[0]!, "request_type", "client", "service", "success", "cipher"), [
    "TGS",
    "alice/EXAMPLE.ORG",
    "krbtgt/EXAMPLE.ORG",
    "T",
    "aes256-cts-hmac-sha1-96",
  ]);
  assert.deepEqual(conn, ["krb_tcp"]);
});

test("kerberos.log rule: a standalone AP-REQ logs 'AP', the ticket's service and cipher, and '/realm' as client", async () => {
  const { rows } = await kerberosLog([udpPacket(1, C, 5005, S, 88, apReq())]);
  assert.deepEqual(cols(rows[0]!, "request_type", "client", "service", "cipher", "success"), ["AP", "/CORP.EXAMPLE", "cifs/fs1.corp.example", "rc4-hmac", "-"]);
});

test("krb dpd: Zeek's signatures find Kerberos off port 88 (UDP and TCP)", async () => {
  const { rows, conn } = await kerberosLog([udpPacket(1, C, 5006, S, 7088, asReq({ cname: ["eve"] })), udpPacket(1.1, S, 7088, C, 5006, asRep())]);
  assert.deepEqual(cols(rows[0]!, "client", "id.resp_p"), ["eve/EXAMPLE.ORG", "7088"]);
  assert.deepEqual(conn, ["krb"]);
});

test("kerberos.log with protocols/krb/ticket-logging: the SHA-256 of the ticket a request shows and of the one a reply hands out", async () => {
  const tkt = createHash("sha256").update("tkt").digest("hex");
  const padata = [seq(ctx(1, int(1)), tlv(0xa2, tlv(0x04, [...apReq()])))];
  const loads = ["protocols/krb/ticket-logging"];
  const { rows } = await kerberosLog(
    [
      udpPacket(1, C, 5006, S, 88, asReq({ cname: ["x"], msgType: 12, padata })),
      udpPacket(1.1, S, 88, C, 5006, asRep(13)),
      udpPacket(2, C, 5007, S, 88, apReq()),
    ],
    loads,
  );
  // The pre-auth data's AP request comes first: the TGS request's type follows it.
  assert.deepEqual(cols(rows[0]!, "request_type", "auth_ticket_sha256", "new_ticket_sha256"), ["TGS", tkt, tkt]);
  assert.deepEqual(cols(rows[1]!, "request_type", "auth_ticket_sha256", "new_ticket_sha256"), ["AP", tkt, "-"]);
  const plain = await kerberosLog([udpPacket(2, C, 5007, S, 88, apReq())]);
  assert.equal(plain.rows[0]!.auth_ticket_sha256, undefined);
});
