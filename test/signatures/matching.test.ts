/**
 * User signature matching on packets built here: each kind of condition
 * (ports, CIDR, TCP payload across segments, UDP per datagram,
 * requirements, payload-size, tcp-state), the once-per-connection rule, the
 * PIA's buffer limit, signatures.log, and an engine without signatures.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Engine } from "../../src/engine.js";
import { loadBuiltinScripts } from "../../src/index.js";
import { SignatureError } from "../../src/signatures/index.js";
import { memorySource, type TestPacket } from "../helpers/packets.js";
import { CLIENT, handshake, icmpPacket, SERVER, tcpTrace, udpPacket } from "../session/harness.js";
import { conversation } from "./conversation.js";

/** One signature_match as "sig_id side msg |data|". */
async function matches(sigs: string, packets: TestPacket[], settings: Record<string, unknown> = {}): Promise<string[]> {
  const engine = new Engine({ bare: true, settings });
  engine.loadSignatures(sigs);
  const out: string[] = [];
  engine.on("signature_match", (s, msg, data) => void out.push(`${s.sig_id} ${s.is_orig ? "orig" : "resp"} ${msg} |${data}|`));
  await engine.run(memorySource(packets));
  return out;
}

test("a port condition: dst-port and src-port against each side's first packet", async () => {
  const packets = [udpPacket(1, CLIENT, 5555, SERVER, 53, "q"), udpPacket(2, SERVER, 53, CLIENT, 5555, "r")];
  assert.deepEqual(await matches('signature p { dst-port == 53 payload /./ event "to 53" }', packets), ["p orig to 53 |q|"]);
  assert.deepEqual(await matches('signature p { src-port == 53 payload /./ event "from 53" }', packets), ["p resp from 53 |r|"]);
  assert.deepEqual(await matches('signature p { dst-port > 1024, 80 payload /./ event "high" }', packets), ["p resp high |r|"]);
  assert.deepEqual(await matches('signature p { dst-port != 53, 5555 payload /./ event "none" }', packets), []);
});

test("a CIDR condition: src-ip and dst-ip with prefixes, IPv4 and IPv6 lists", async () => {
  const packets = [udpPacket(1, "10.1.2.3", 5555, "192.168.7.9", 53, "q")];
  const sig = (cond: string) => `signature c { ${cond} event "m" }`;
  assert.deepEqual(await matches(sig("src-ip == 10.0.0.0/8"), packets), ["c orig m ||"]);
  assert.deepEqual(await matches(sig("dst-ip == [2001:db8::]/32,192.168.0.0/16"), packets), ["c orig m ||"]);
  assert.deepEqual(await matches(sig("dst-ip == 192.168.8.0/24"), packets), []);
  assert.deepEqual(await matches(sig("src-ip != 10.0.0.0/8,172.16.0.0/12"), packets), []);
});

test("a TCP payload split across two segments matches on the reassembled stream, with the second segment as data", async () => {
  const sigs = 'signature split { ip-proto == tcp payload /GET \\/secret/ event "found" }';
  assert.deepEqual(await matches(sigs, conversation(["GET /se", "cret HTTP/1.0\r\n"])), ["split orig found |cret HTTP/1.0\r\n|"]);
  // Anchored at the stream's start: the same bytes later in the stream do not match.
  assert.deepEqual(await matches(sigs, conversation(["xx", "GET /secret"])), []);
  // Case-insensitive with /i.
  const caseless = 'signature ci { payload /get \\/SECRET/i event "ci" }';
  assert.deepEqual(await matches(caseless, conversation(["GeT /sEcReT"])), ["ci orig ci |GeT /sEcReT|"]);
});

test("a UDP payload is matched per datagram, and a signature fires once per connection", async () => {
  const packets = [
    udpPacket(1, CLIENT, 5555, SERVER, 9999, "AB"),
    udpPacket(2, CLIENT, 5555, SERVER, 9999, "CD"),
    udpPacket(3, CLIENT, 5555, SERVER, 9999, "ABCD"),
    udpPacket(4, CLIENT, 5555, SERVER, 9999, "CDxx"),
  ];
  // /ABCD/ never spans two datagrams; /CD/ is anchored at each datagram's start.
  const sigs = 'signature abcd { payload /ABCD/ event "abcd" }\nsignature cd { payload /CD/ event "cd" }';
  assert.deepEqual(await matches(sigs, packets), ["cd orig cd |CD|", "abcd orig abcd |ABCD|"]);
});

test("requires-reverse-signature waits for the other side, then fires with the data it matched in", async () => {
  const sigs = `
    signature req { tcp-state originator payload /HELLO/ event "req" }
    signature rsp { tcp-state responder payload /WORLD/ requires-reverse-signature req event "rsp" }`;
  assert.deepEqual(await matches(sigs, conversation(["HELLO"], ["WORLD"])), ["req orig req |HELLO|", "rsp resp rsp |WORLD|"]);
  assert.deepEqual(await matches(sigs, conversation(["NOPE"], ["WORLD"])), []);
  // The responder's pattern matched first: it fires once the originator's requirement does.
  const first = tcpTrace([
    ...handshake(1),
    { t: 2, from: "s", flags: "PA", seq: 5001, ack: 1001, payload: "WORLD" },
    { t: 3, from: "c", flags: "PA", seq: 1001, ack: 5006, payload: "HELLO" },
  ]);
  assert.deepEqual(await matches(sigs, first), ["req orig req |HELLO|", "rsp resp rsp |WORLD|"]);
});

test("a negated requirement is decided at the connection's end", async () => {
  const sigs = `
    signature login { payload /.*USER/ event "login" }
    signature nologin { payload /HELO/ requires-signature ! login event "no login" }`;
  assert.deepEqual(await matches(sigs, conversation(["HELO"])), ["nologin orig no login |HELO|"]);
  assert.deepEqual(await matches(sigs, conversation(["HELO", "USER"])), ["login orig login |USER|"]);
});

test("payload-size reads the side's first non-empty chunk; tcp-state picks the side", async () => {
  const size = 'signature s { payload-size > 3 payload /./ event "big" }';
  assert.deepEqual(await matches(size, conversation(["abcd"])), ["s orig big |abcd|"]);
  assert.deepEqual(await matches(size, conversation(["ab", "cdef"])), []);
  const resp = 'signature r { tcp-state responder payload /./ event "resp" }';
  assert.deepEqual(await matches(resp, conversation(["a"], ["b"])), ["r resp resp |b|"]);
  // tcp-state never holds on UDP.
  assert.deepEqual(await matches(resp, [udpPacket(1, SERVER, 53, CLIENT, 5555, "x")]), []);
});

test("same-ip: both endpoints have one address", async () => {
  const sigs = 'signature loop { same-ip payload /./ event "same" }';
  assert.deepEqual(await matches(sigs, [udpPacket(1, "127.0.0.1", 1000, "127.0.0.1", 2000, "x")]), ["loop orig same |x|"]);
  assert.deepEqual(await matches(sigs, [udpPacket(1, CLIENT, 1000, SERVER, 2000, "x")]), []);
});

test("header conditions on ICMP: type and code via icmp[0:1], a pure signature fires on the first packet", async () => {
  const packets = [icmpPacket(1, CLIENT, SERVER, 8, 0, "ping"), icmpPacket(2, SERVER, CLIENT, 0, 0, "ping")];
  assert.deepEqual(await matches('signature e { header icmp[0:1] == 8 event "echo" }', packets), ["e orig echo ||"]);
  assert.deepEqual(await matches('signature r { header icmp[0:1] == 0 payload /ping/ event "reply" }', packets), ["r resp reply |ping|"]);
});

test("matching stops after the PIA's buffer: dpd_buffer_size bytes of the connection", async () => {
  const sigs = 'signature late { payload /.*LATE/ event "late" }';
  const early = ["x".repeat(500), "LATE"];
  assert.deepEqual(await matches(sigs, conversation(early)), [`late orig late |LATE|`]);
  const late = ["x".repeat(1100), "LATE"];
  assert.deepEqual(await matches(sigs, conversation(late)), []);
  assert.deepEqual(await matches(sigs, conversation(late), { dpd_match_only_beginning: false }), ["late orig late |LATE|"]);
});

test("enable starts the analyzer, replayed what DPD buffered (even with -b, its script not loaded)", async () => {
  const engine = new Engine({ bare: true });
  engine.loadSignatures('signature h { tcp-state originator payload /GET / enable "http" event "h" }');
  const seen: string[] = [];
  engine.on("signature_match", (s) => void seen.push(`match ${s.sig_id}`));
  engine.on("http_request", (_c, method, uri) => void seen.push(`request ${method} ${uri}`));
  engine.on("http_reply", (_c, _version, code) => void seen.push(`reply ${code}`));
  await engine.run(memorySource(conversation(["GET /x", " HTTP/1.1\r\nHost: h\r\n\r\n"], ["HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"])));
  // The signature fires on the first chunk; the analyzer, replayed it, completes the request line with the second.
  assert.deepEqual(seen, ["match h", "request GET /x", "reply 200"]);
});

test("signatures.log and notice.log: the default SIG_ALARM action writes both; SIG_IGNORE and ignored_ids drop", async () => {
  const run = async (options: Parameters<typeof loadBuiltinScripts>[1]) => {
    const engine = new Engine({});
    engine.loadSignatures('signature pw { payload /.*passwd/ event "password file" }');
    const scripts = loadBuiltinScripts(engine, { memory: true, stderr: null, ...options });
    await engine.run(memorySource(conversation(["GET /etc/passwd"])));
    return { sigs: scripts.logs.text("signatures") ?? "", notice: scripts.logs.text("notice") ?? "" };
  };
  const { sigs, notice } = await run({});
  const row = sigs
    .split("\n")
    .find((l) => l !== "" && !l.startsWith("#"))!
    .split("\t");
  assert.deepEqual(row.slice(2, 10), [CLIENT, "40000", SERVER, "80", "Signatures::Sensitive_Signature", "pw", `${CLIENT}: password file`, "GET /etc/passwd"]);
  assert.deepEqual(row.slice(10), ["-", "-"]);
  assert.ok(notice.includes("Signatures::Sensitive_Signature"), notice);
  const ignored = await run({ signatures: { actions: new Map([["pw", "SIG_IGNORE"]]) } });
  assert.equal(ignored.sigs.includes("Sensitive_Signature"), false);
  const logOnly = await run({ signatures: { actions: new Map([["pw", "SIG_LOG"]]) } });
  assert.ok(logOnly.sigs.includes("Sensitive_Signature"));
  assert.equal(logOnly.notice.includes("Sensitive_Signature"), false);
  const byRegex = await run({ signatures: { ignoredIds: /^p/ } });
  assert.equal(byRegex.sigs.includes("Sensitive_Signature"), false);
});

test("a malformed signature file: one SignatureError with file and line, and nothing is installed", () => {
  const engine = new Engine({});
  assert.throws(
    () => engine.loadSignatures({ text: 'signature ok { event "x" }\nsignature bad {\n  payload-size < max\n}\n', file: "rules.sig" }),
    (err: unknown) =>
      err instanceof SignatureError && err.message === "Error in signature (rules.sig:3): script identifiers as values are not supported ('max')",
  );
  assert.throws(() => engine.loadSignatures('signature a { requires-signature b event "x" }'), /requires unknown signature 'b'/);
  assert.throws(() => engine.loadSignatures("/no/such/file"), /can't find signature file \/no\/such\/file/);
  assert.throws(
    () => engine.loadSignatures("/"),
    (err: unknown) => err instanceof SignatureError && /cannot read signature file \/: EISDIR/.test(err.message),
  );
  assert.throws(() => engine.loadSignatures('signature r { payload /(a)\\1/ event "x" }'), /bad payload pattern in signature 'r'/);
});

test("signatures load only before the run", async () => {
  const engine = new Engine({});
  await engine.run(memorySource([]));
  assert.throws(() => engine.loadSignatures('signature a { event "x" }'), /before the first packet/);
});

test("pure signatures fire in Zeek's rule tree order: breadth first over the header tests, later signatures and tests first", async () => {
  const sigs = `
    signature first { ip-proto == udp event "1" }
    signature second { ip-proto == udp event "2" }
    signature deeper { ip-proto == udp dst-port == 53 event "3" }
    signature other-test { dst-port == 53 event "4" }`;
  const out = await matches(sigs, [udpPacket(1, CLIENT, 5555, SERVER, 53, "q")]);
  // Root's children: the dst-port node (made later) before the ip-proto node; each node's signatures last first.
  assert.deepEqual(out, ["other-test orig 4 ||", "second orig 2 ||", "first orig 1 ||", "deeper orig 3 ||"]);
});
