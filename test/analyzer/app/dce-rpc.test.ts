/**
 * DCE_RPC, NTLM and GSSAPI on self-made conversations: PDU framing (split and
 * coalesced PDUs), bind/bind_ack/request/response events and dce_rpc.log's
 * rules (endpoint and operation names, named_pipe from sec_addr, rtt, ignored
 * operations, the removal-time rows), fragment reassembly and its limits,
 * auth trailers handed to NTLM and to GSSAPI (SPNEGO with NTLM or Kerberos
 * inside: ntlm.log, kerberos.log, gssapi_neg_result and the services), DCE_RPC
 * as a keyed child of another analyzer (its fid), detached children that a
 * violation does not remove, and malformed input (violations and weirds,
 * never an exception).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { uuidToString } from "../../../src/analyzer/app/dce-rpc/events.js";
import { normalizePipeName } from "../../../src/analyzer/app/dce-rpc/log.js";
import { utf16ToUtf8 } from "../../../src/analyzer/app/ntlm/ntlm.js";
import { type AppAnalyzer, type AppAnalyzerSpec, Engine, loadBuiltinScripts } from "../../../src/index.js";
import { memorySource } from "../../helpers/packets.js";
import { tcpTrace } from "../../session/harness.js";
import { app, ctx, int, seq, str, tlv } from "./ber-helpers.js";
import {
  av,
  BIND,
  BIND_ACK,
  bindAckBody,
  bindBody,
  der,
  EPMAPPER,
  F_REQUEST_TARGET,
  F_TARGET_INFO,
  F_UNICODE,
  krbGssToken,
  le16,
  le32,
  negTokenInit,
  negTokenResp,
  ntlmAuthenticate,
  ntlmChallenge,
  ntlmNegotiate,
  pdu,
  REQUEST,
  RESPONSE,
  requestBody,
  responseBody,
  utf16,
  uuidBytes,
  WINREG,
} from "./dce-rpc-wire.js";
import { concat, fuzzProtocol, runTcp, type Step, segments } from "./tcp-conv.js";

const SERVICE = 7;
const DCE_WATCH = [
  "dce_rpc_message",
  "dce_rpc_auth",
  "dce_rpc_bind",
  "dce_rpc_bind_ack",
  "dce_rpc_request",
  "dce_rpc_response",
  "dce_rpc_alter_context",
] as const;

/** The challenge a Windows server sends: NetBIOS and DNS names, a tree name, a timestamp. */
const challenge = (): Uint8Array =>
  ntlmChallenge("CORP", [
    av(2, utf16("CORP")),
    av(1, utf16("SRV1")),
    av(4, utf16("corp.example")),
    av(3, utf16("srv1.corp.example")),
    av(5, utf16("corp.example")),
    av(7, new Uint8Array(8)),
  ]);

test("uuid_to_string and normalize_named_pipe_name as Zeek's", () => {
  assert.equal(uuidToString(Buffer.from(uuidBytes(EPMAPPER)).toString("latin1")), EPMAPPER);
  assert.equal(uuidToString("short"), "<Invalid UUID>");
  assert.equal(normalizePipeName("\\PIPE\\WinReg"), "winreg");
  assert.equal(normalizePipeName("\\pipe\\lsass\\pipe\\x"), "lsass");
  assert.equal(normalizePipeName("135"), "135");
});

test("UTF-16 to UTF-8 as utf16_to_utf8_val: odd bytes, NUL cut, surrogate pairs, a lone high surrogate at the end kept raw", () => {
  assert.equal(utf16ToUtf8(utf16("abc")), "abc");
  assert.equal(utf16ToUtf8(Uint8Array.from([0x41, 0, 0x42])), "AB");
  assert.equal(utf16ToUtf8(concat(utf16("a"), [0, 0], utf16("b"))), "a");
  assert.equal(utf16ToUtf8(utf16("é")), "\xc3\xa9");
  assert.equal(utf16ToUtf8(utf16("😀")), "\xf0\x9f\x98\x80");
  let failed = 0;
  assert.equal(
    utf16ToUtf8(Uint8Array.from([0x41, 0, 0x3d, 0xd8]), () => failed++),
    "A\0=\xd8",
  );
  assert.equal(failed, 1);
});

test("bind with NTLM, bind_ack, request and response: events, dce_rpc.log and ntlm.log rows, services ntlm,dce_rpc", async () => {
  const r = await runTcp(
    [
      ["c", pdu(BIND, bindBody(EPMAPPER), { auth: { type: 10, blob: ntlmNegotiate("CORP", "WS1") } })],
      ["s", pdu(BIND_ACK, bindAckBody("135\0"), { auth: { type: 10, blob: challenge() } })],
      ["c", pdu(REQUEST, requestBody(0, 3), { callId: 2 })],
      ["s", pdu(RESPONSE, responseBody(0), { callId: 2 })],
    ],
    { sport: 135, watch: [...DCE_WATCH] },
  );
  assert.deepEqual(r.events, [
    'dce_rpc_message c true 0 11 "DCE_RPC::BIND"',
    "dce_rpc_auth c true 0 10 6 0",
    `dce_rpc_bind c 0 0 ${JSON.stringify(Buffer.from(uuidBytes(EPMAPPER)).toString("latin1"))} 3 0`,
    'dce_rpc_message c false 0 12 "DCE_RPC::BIND_ACK"',
    "dce_rpc_auth c false 0 10 6 0",
    'dce_rpc_bind_ack c 0 "135"',
    'dce_rpc_message c true 0 0 "DCE_RPC::REQUEST"',
    "dce_rpc_request c 0 0 3 9",
    'dce_rpc_message c false 0 2 "DCE_RPC::RESPONSE"',
    "dce_rpc_response c 0 0 3 5",
  ]);
  const rows = r.log("dce_rpc");
  assert.equal(rows.length, 1);
  assert.deepEqual(rows[0]!.slice(6), ["0.010000", "135", "epmapper", "ept_map"]);
  // No GSSAPI: ntlm.log's row comes when the connection goes away, without success.
  const ntlm = r.log("ntlm");
  assert.equal(ntlm.length, 1);
  assert.deepEqual(ntlm[0]!.slice(6), ["-", "-", "-", "SRV1", "srv1.corp.example", "corp.example", "-"]);
  assert.equal(r.log("conn")[0]![SERVICE], "ntlm,dce_rpc");
  assert.deepEqual(r.violations, []);
});

test("PDUs split across segments and several in one segment; a response takes its context's last opnum; no response, no row until the end", async () => {
  const bind = pdu(BIND, bindBody(EPMAPPER, WINREG));
  const twoRequests = concat(pdu(REQUEST, requestBody(1, 22), { callId: 2 }), pdu(REQUEST, requestBody(0, 2), { callId: 3 }));
  const r = await runTcp(
    [
      ["c", bind.subarray(0, 7)],
      ["c", bind.subarray(7, 30)],
      ["c", bind.subarray(30)],
      ["s", pdu(BIND_ACK, bindAckBody("\\PIPE\\winreg\0", 2))],
      ["c", twoRequests],
      ["s", pdu(RESPONSE, responseBody(1), { callId: 2 })],
      ["s", pdu(RESPONSE, responseBody(0), { callId: 3 })],
      ["c", pdu(REQUEST, requestBody(0, 6), { callId: 4 })],
    ],
    { sport: 135, watch: ["dce_rpc_bind", "dce_rpc_response"] },
  );
  assert.equal(r.events.filter((e) => e.startsWith("dce_rpc_bind ")).length, 2);
  assert.deepEqual(
    r.events.filter((e) => e.startsWith("dce_rpc_response")),
    ["dce_rpc_response c 0 1 22 5", "dce_rpc_response c 0 0 2 5"],
  );
  const rows = r.log("dce_rpc").map((row) => row.slice(7));
  // Context 1 is winreg (BaseRegSetValue = 22), context 0 epmapper (ept_lookup = 2). The last request
  // never got a response: at the end Zeek writes the fid's record again as set_state leaves it (the
  // endpoint of the last bound UUID, the previous operation).
  assert.deepEqual(rows, [
    ["\\\\PIPE\\\\winreg", "winreg", "BaseRegSetValue"],
    ["\\\\PIPE\\\\winreg", "epmapper", "ept_lookup"],
    ["\\\\PIPE\\\\winreg", "winreg", "ept_lookup"],
  ]);
});

test("ignored operations are not logged; a response at the request's own time keeps the previous rtt", async () => {
  const r = await runTcp(
    [
      ["c", pdu(BIND, bindBody(WINREG))],
      ["s", pdu(BIND_ACK, bindAckBody("49152\0"))],
      // BaseRegCloseKey (5) is in DCE_RPC::ignored_operations for winreg.
      ["c", pdu(REQUEST, requestBody(0, 5), { callId: 2 })],
      ["s", pdu(RESPONSE, responseBody(0), { callId: 2 })],
      ["c", pdu(REQUEST, requestBody(0, 22), { callId: 3 })],
      ["s", pdu(RESPONSE, responseBody(0), { callId: 3 })],
    ],
    { sport: 135 },
  );
  assert.deepEqual(
    r.log("dce_rpc").map((row) => row.slice(6)),
    [["0.010000", "49152", "winreg", "BaseRegSetValue"]],
  );
});

test("fragments: gathered per call id into one request; a later fragment without a first is ignored; a second first fragment stops the analyzer", async () => {
  const FIRST = 1;
  const LAST = 2;
  const body = requestBody(0, 3, "x".repeat(100));
  const r = await runTcp(
    [
      ["c", pdu(BIND, bindBody(EPMAPPER))],
      ["s", pdu(BIND_ACK, bindAckBody("135\0"))],
      ["c", pdu(REQUEST, body.subarray(0, 40), { callId: 7, flags: FIRST })],
      ["c", pdu(REQUEST, body.subarray(40, 80), { callId: 7, flags: 0 })],
      ["c", pdu(REQUEST, body.subarray(80), { callId: 7, flags: LAST })],
      ["c", pdu(REQUEST, body.subarray(80), { callId: 9, flags: LAST })],
      ["c", pdu(REQUEST, body.subarray(0, 40), { callId: 8, flags: FIRST })],
      ["c", pdu(REQUEST, body.subarray(0, 40), { callId: 8, flags: FIRST })],
      ["c", pdu(REQUEST, requestBody(0, 4), { callId: 10 })],
    ],
    { sport: 135, watch: ["dce_rpc_request", "dce_rpc_message"] },
  );
  assert.deepEqual(
    r.events.filter((e) => e.startsWith("dce_rpc_request")),
    ["dce_rpc_request c 0 0 3 100"],
  );
  // Every PDU is announced up to the second first fragment; nothing after it.
  assert.equal(r.events.filter((e) => e.startsWith("dce_rpc_message c true")).length, 7);
  const weirds = r.log("weird").map((row) => row[6]);
  assert.deepEqual(weirds, ["multiple_first_fragments_in_dce_rpc_reassembly"]);
});

test("fragment limits: more than max_cmd_reassembly open calls, more than max_frag_data bytes: a weird and no more parsing", async () => {
  const many: Step[] = [];
  for (let i = 0; i < 21; i++) many.push(["c", pdu(REQUEST, requestBody(0, 1), { callId: 100 + i, flags: 1 })]);
  many.push(["c", pdu(REQUEST, requestBody(0, 1), { callId: 500 })]);
  const a = await runTcp(many, { sport: 135, watch: ["dce_rpc_request"] });
  assert.deepEqual(
    a.log("weird").map((row) => row[6]),
    ["too_many_dce_rpc_msgs_in_reassembly"],
  );
  assert.deepEqual(a.events, []);

  const big: Step[] = [];
  for (let i = 0; i < 3; i++) big.push(["c", pdu(REQUEST, new Uint8Array(12000), { callId: 1, flags: i === 0 ? 1 : 0 })]);
  big.push(["c", pdu(REQUEST, requestBody(0, 1), { callId: 2 })]);
  const b = await runTcp(big, { sport: 135, watch: ["dce_rpc_request"] });
  assert.deepEqual(
    b.log("weird").map((row) => row[6]),
    ["too_much_dce_rpc_fragment_data"],
  );
  assert.deepEqual(b.events, []);
});

test("auth providers Zeek does not analyse: weirds named by type; malformed PDUs: violations, the analyzer stays", async () => {
  const r = await runTcp(
    [
      ["c", pdu(BIND, bindBody(EPMAPPER), { auth: { type: 0x44, blob: "xxxxxxxx" } })],
      ["s", pdu(BIND_ACK, bindAckBody("135\0"), { auth: { type: 0x0e, blob: "yyyy" } })],
      ["c", pdu(REQUEST, requestBody(0, 1), { auth: { type: 0x33, blob: "zz" }, callId: 2 })],
      ["c", pdu(REQUEST, [1, 2, 3], { callId: 3 })],
      ["c", pdu(REQUEST, requestBody(0, 1), { version: 4, callId: 4 })],
      ["c", pdu(REQUEST, requestBody(0, 1), { callId: 5 })],
    ],
    { sport: 135, watch: ["dce_rpc_request"] },
  );
  assert.deepEqual(
    r.log("weird").map((row) => `${row[6]} ${row[7]}`),
    ["netlogon_dce_rpc_auth_type 68", "tls_dce_rpc_auth_type 14", "unknown_dce_rpc_auth_type 51"],
  );
  assert.equal(r.violations.length, 2);
  assert.match(r.violations[0]!, /^DCE_RPC Binpac exception: .*DCE_RPC_Request/);
  assert.match(r.violations[1]!, /rpc_vers/);
  // DCE_RPC is in DPD::ignore_violations: it goes on (the version-4 PDU took the rest of its segment only).
  assert.deepEqual(r.events, ["dce_rpc_request c 0 0 1 9", "dce_rpc_request c 0 0 1 9"]);
  assert.equal(r.log("conn")[0]![SERVICE], "dce_rpc");
});

test("the DPD signature finds DCE-RPC on another port", async () => {
  const r = await runTcp(
    [
      ["c", pdu(BIND, bindBody(EPMAPPER))],
      ["s", pdu(BIND_ACK, bindAckBody("4444\0"))],
    ],
    { sport: 4444, watch: ["dce_rpc_bind_ack"] },
  );
  assert.deepEqual(r.events, ['dce_rpc_bind_ack c 0 "4444"']);
  assert.equal(r.log("conn")[0]![SERVICE], "dce_rpc");
});

test("SPNEGO in auth type 9: NTLM inside GSSAPI, gssapi_neg_result, ntlm.log written at the final negState with success", async () => {
  const r = await runTcp(
    [
      ["c", pdu(BIND, bindBody(EPMAPPER), { auth: { type: 9, blob: negTokenInit(ntlmNegotiate("CORP", "WS1")) } })],
      ["s", pdu(BIND_ACK, bindAckBody("135\0"), { auth: { type: 9, blob: negTokenResp(1, challenge()) } })],
      ["c", pdu(16, [0, 0, 0, 0], { auth: { type: 9, blob: der(0xa1, der(0x30, der(0xa2, der(0x04, ntlmAuthenticate("CORP", "alice", "WS1"))))) } })],
      ["c", pdu(REQUEST, requestBody(0, 3), { callId: 2 })],
      ["s", pdu(RESPONSE, responseBody(0), { callId: 2, auth: { type: 9, blob: negTokenResp(0) } })],
    ],
    { sport: 135, watch: ["gssapi_neg_result", "ntlm_negotiate", "ntlm_authenticate"] },
  );
  assert.deepEqual(
    r.events.map((e) => e.split(" ")[0]),
    ["ntlm_negotiate", "gssapi_neg_result", "ntlm_authenticate", "gssapi_neg_result"],
  );
  assert.equal(r.events[1], "gssapi_neg_result c 1");
  const ntlm = r.log("ntlm");
  assert.equal(ntlm.length, 1);
  assert.deepEqual(ntlm[0]!.slice(6), ["alice", "WS1", "CORP", "SRV1", "srv1.corp.example", "corp.example", "T"]);
  // NTLM confirms inside GSSAPI, GSSAPI when its token is read, DCE_RPC at the end of the PDU.
  assert.equal(r.log("conn")[0]![SERVICE], "ntlm,gssapi,dce_rpc");
});

const gs = (s: string): number[] => str(0x1b, s);
const apReq = (): Uint8Array =>
  Uint8Array.from(
    app(
      14,
      seq(
        ctx(0, int(5)),
        ctx(1, int(14)),
        ctx(2, tlv(0x03, [0, 0x20, 0, 0, 0])),
        ctx(
          3,
          app(
            1,
            seq(
              ctx(0, int(5)),
              ctx(1, gs("CORP.EXAMPLE")),
              ctx(2, seq(ctx(0, int(2)), ctx(1, seq(gs("host"), gs("dc1"))))),
              ctx(3, seq(ctx(0, int(18)), ctx(2, tlv(0x04, [1, 2])))),
            ),
          ),
        ),
        ctx(4, seq(ctx(0, int(18)), ctx(2, tlv(0x04, [3, 4])))),
      ),
    ),
  );

test("Kerberos inside SPNEGO: the AP-REQ goes to a KRB child reading it as a datagram (kerberos.log, service krb first)", async () => {
  const r = await runTcp(
    [
      ["c", pdu(BIND, bindBody(EPMAPPER), { auth: { type: 9, blob: negTokenInit(krbGssToken(apReq())) } })],
      ["s", pdu(BIND_ACK, bindAckBody("135\0"))],
    ],
    { sport: 135, watch: ["krb_ap_request"] },
  );
  assert.equal(r.events.length, 1);
  const krb = r.log("kerberos");
  assert.equal(krb.length, 1);
  assert.deepEqual(krb[0]!.slice(6, 9), ["AP", "/CORP.EXAMPLE", "host/dc1"]);
  assert.equal(r.log("conn")[0]![SERVICE], "krb,gssapi,dce_rpc");
});

test("a GSSAPI violation neither removes it (detached, as Zeek's out-of-tree analyzers) nor stops later tokens", async () => {
  const r = await runTcp(
    [
      // A field [5] is not in the grammar: a violation.
      ["c", pdu(BIND, bindBody(EPMAPPER), { auth: { type: 9, blob: der(0xa1, der(0x30, der(0xa5, der(0x04, [1])))) } })],
      ["s", pdu(BIND_ACK, bindAckBody("135\0"), { auth: { type: 9, blob: negTokenResp(1, challenge()) } })],
    ],
    { sport: 135, watch: ["ntlm_challenge"] },
  );
  assert.equal(r.violations.length, 1);
  assert.match(r.violations[0]!, /^GSSAPI Binpac exception: .*invalid index for case/);
  assert.equal(r.events.length, 1);
});

test("NTLM challenge AV pairs: an unterminated list is a violation with the event; an unknown pair id a violation without it", async () => {
  const unterminated = ntlmChallenge("CORP", [av(1, utf16("SRV1")), av(3, utf16("srv1.x"))], { terminate: false });
  const unknown = ntlmChallenge("CORP", [av(0x44, "zz"), av(1, utf16("SRV2"))]);
  const r = await runTcp(
    [
      ["c", pdu(BIND, bindBody(EPMAPPER), { auth: { type: 10, blob: ntlmNegotiate("CORP", "WS1") } })],
      ["s", pdu(BIND_ACK, bindAckBody("135\0"), { auth: { type: 10, blob: unterminated } })],
      ["s", pdu(BIND_ACK, bindAckBody("135\0"), { auth: { type: 10, blob: unknown }, callId: 2 })],
    ],
    { sport: 135, watch: ["ntlm_challenge"] },
  );
  assert.equal(r.events.length, 1);
  assert.match(r.events[0]!, /"nb_computer_name":"SRV1","dns_computer_name":"srv1.x"/);
  assert.deepEqual(
    r.violations.map((v) => v.replace(/:.*/, "")),
    ["NTLM NTLM AV Pair loop underflow", "NTLM Binpac exception"],
  );
  // NTLM is in DPD::ignore_violations: it stays in the service.
  assert.equal(r.log("conn")[0]![SERVICE], "ntlm,dce_rpc");
  // Target info flag without a target name flag: only the pairs are read; a string past the end fails the message.
  const noName = ntlmChallenge("X", [av(1, utf16("S"))], { flags: F_UNICODE | F_TARGET_INFO });
  const cut = ntlmChallenge("X", [av(1, utf16("S"))], { flags: F_UNICODE | F_REQUEST_TARGET }).subarray(0, 49);
  const s = await runTcp(
    [
      ["s", pdu(BIND_ACK, bindAckBody("135\0"), { auth: { type: 10, blob: noName } })],
      ["s", pdu(BIND_ACK, bindAckBody("135\0"), { auth: { type: 10, blob: cut }, callId: 2 })],
    ],
    { sport: 135, watch: ["ntlm_challenge"] },
  );
  assert.equal(s.events.length, 1);
  assert.doesNotMatch(s.events[0]!, /target_name/);
  assert.equal(s.violations.length, 1);
});

test("DCE_RPC as a keyed child (SMB's per-pipe analyzer): events carry the key as fid; each key its own backing state", async () => {
  const seen: string[] = [];
  const parent: AppAnalyzerSpec = {
    name: "PIPES",
    tcpPorts: [4445],
    create(host): AppAnalyzer {
      // Two pipes: the first byte of each chunk says which (as SMB's fid would).
      const pipes = new Map<number, ReturnType<typeof host.addChild>>();
      return {
        deliverStream: (isOrig, _seq, data) => {
          const fid = data[0]!;
          if (!pipes.has(fid)) pipes.set(fid, host.addChild("DCE_RPC", { multiple: true, key: fid, detached: true }));
          pipes.get(fid)?.deliverStream(isOrig, 0, data.subarray(1));
        },
        undelivered: () => {},
        endOfData: () => {},
        done: () => {},
      };
    },
  };
  const engine = new Engine().registerAnalyzer(parent);
  const scripts = loadBuiltinScripts(engine, { memory: true });
  engine.on("dce_rpc_request", (_c, fid, _ctx, opnum) => void seen.push(`${fid}:${opnum}`));
  const on = (fid: number, b: Uint8Array): Uint8Array => concat([fid], b);
  const steps: Step[] = [
    ["c", on(7, pdu(BIND, bindBody(EPMAPPER)))],
    ["c", on(9, pdu(BIND, bindBody(WINREG)))],
    ["s", on(7, pdu(BIND_ACK, bindAckBody("\\PIPE\\epmapper\0")))],
    ["s", on(9, pdu(BIND_ACK, bindAckBody("\\PIPE\\winreg\0")))],
    ["c", on(9, pdu(REQUEST, requestBody(0, 22), { callId: 2 }))],
    ["c", on(7, pdu(REQUEST, requestBody(0, 3), { callId: 2 }))],
    ["s", on(7, pdu(RESPONSE, responseBody(0), { callId: 2 }))],
    ["s", on(9, pdu(RESPONSE, responseBody(0), { callId: 2 }))],
  ];
  await engine.run(memorySource(tcpTrace(segments(steps), { sport: 4445, cport: 40000 })));
  assert.deepEqual(seen, ["9:22", "7:3"]);
  const rows = scripts.logs
    .text("dce_rpc")
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => l.split("\t").slice(7));
  assert.deepEqual(rows, [
    ["\\\\PIPE\\\\epmapper", "epmapper", "ept_map"],
    ["\\\\PIPE\\\\winreg", "winreg", "BaseRegSetValue"],
  ]);
});

test("fuzz: mutated DCE-RPC conversations with NTLM, SPNEGO and Kerberos tokens never throw", async () => {
  const conversations: Step[][] = [
    [
      ["c", pdu(BIND, bindBody(EPMAPPER, WINREG), { auth: { type: 10, blob: ntlmNegotiate("CORP", "WS1") } })],
      ["s", pdu(BIND_ACK, bindAckBody("135\0", 2), { auth: { type: 10, blob: challenge() } })],
      ["c", pdu(16, [0, 0, 0, 0], { auth: { type: 10, blob: ntlmAuthenticate("CORP", "bob", "WS1") } })],
      ["c", concat(pdu(REQUEST, requestBody(0, 3), { callId: 2, flags: 1 }), pdu(REQUEST, "tail", { callId: 2, flags: 2 }))],
      ["s", pdu(RESPONSE, responseBody(0), { callId: 2 })],
    ],
    [
      ["c", pdu(BIND, bindBody(EPMAPPER), { auth: { type: 9, blob: negTokenInit(krbGssToken(apReq())) } })],
      ["s", pdu(BIND_ACK, bindAckBody("135\0"), { auth: { type: 9, blob: negTokenResp(0, Uint8Array.from(app(15, seq(ctx(0, int(5)))))) } })],
      ["c", pdu(14, bindBody(WINREG), { auth: { type: 9, blob: negTokenInit(ntlmNegotiate("A", "B")) } })],
      ["s", pdu(15, bindAckBody(""), { auth: { type: 9, blob: negTokenResp(1, challenge()) } })],
      ["c", pdu(REQUEST, concat(le32(1), le16(0), le16(1), uuidBytes(WINREG), "stub"), { callId: 3, flags: 0x83 })],
    ],
  ];
  await fuzzProtocol(conversations, 135, 0xdce, 3, 30);
});
