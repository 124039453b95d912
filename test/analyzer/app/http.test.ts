/**
 * The HTTP analyzer and the files framework on self-made conversations:
 * pipelining, chunked bodies with trailers, gzip, nested multipart, 206
 * ranges, CONNECT, Upgrade, a body cut by a content gap, a request flood that
 * hits HTTP::max_pending_requests; fuids, the time text of handles, MIME
 * sniffing, hashing and extraction.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { deflateRawSync, gzipSync, constants as zlibConstants } from "node:zlib";
import { Engine } from "../../../src/engine.js";
import { FuidMaker, highwayHash128 } from "../../../src/files/fuid.js";
import { sniffMimeType } from "../../../src/files/magic.js";
import { zeekTimeText } from "../../../src/files/manager.js";
import { loadBuiltinScripts } from "../../../src/index.js";
import { memorySource } from "../../helpers/packets.js";
import { handshake, type Seg, tcpTrace } from "../../session/harness.js";
import { type Step as ConvStep, type GapStep, rows, segments } from "./tcp-conv.js";

type Step = ConvStep | GapStep;

/** A conversation on port 80: handshake, the steps (each a segment, acked as it goes), FINs. */
function conversation(steps: Step[]): Seg[] {
  return segments(steps);
}

interface Result {
  http: string[][];
  files: string[][];
  weird: string[][];
  conn: string[][];
  events: string[];
  data: Map<boolean, Buffer>;
  analyzer: string[][];
}

async function run(steps: Step[], loads: string[] = [], logdir?: string, segs?: Seg[], cport?: number, settings: string[] = []): Promise<Result> {
  const engine = new Engine({ loads, settings });
  const scripts = loadBuiltinScripts(engine, { memory: true, loads });
  const events: string[] = [];
  const data = new Map<boolean, Buffer>([
    [true, Buffer.alloc(0)],
    [false, Buffer.alloc(0)],
  ]);
  engine.on("analyzer_violation_info", (atype, info) => events.push(`violation ${atype} ${info.reason}`));
  engine.on("http_request", (_c, method, uri) => events.push(`request ${method} ${uri}`));
  engine.on("http_reply", (_c, _v, code) => events.push(`reply ${code}`));
  engine.on("http_header", (_c, isOrig, _o, name, value) => events.push(`header ${isOrig ? "o" : "r"} ${name}=${value}`));
  engine.on("http_entity_data", (_c, isOrig, _len, d) => void data.set(isOrig, Buffer.concat([data.get(isOrig)!, Buffer.from(d, "latin1")])));
  engine.on("http_message_done", (_c, isOrig, s) =>
    events.push(`done ${isOrig ? "o" : "r"} ${s.finish_msg} body=${s.body_length} gap=${s.content_gap_length}`),
  );
  engine.on("http_connection_upgrade", (_c, p) => events.push(`upgrade ${p}`));
  const cwd = process.cwd();
  if (logdir !== undefined) process.chdir(logdir);
  try {
    await engine.run(memorySource(tcpTrace(segs ?? conversation(steps), cport === undefined ? { sport: 80 } : { sport: 80, cport })));
  } finally {
    process.chdir(cwd);
  }
  const text = (p: string) => scripts.logs.text(p);
  return {
    http: rows(text("http")),
    files: rows(text("files")),
    weird: rows(text("weird")),
    conn: rows(text("conn")),
    events,
    data,
    analyzer: rows(text("analyzer")),
  };
}

// http.log columns
const H = {
  depth: 6,
  method: 7,
  host: 8,
  uri: 9,
  reqLen: 14,
  respLen: 15,
  status: 16,
  infoCode: 18,
  user: 21,
  pass: 22,
  proxied: 23,
  origFuids: 24,
  origNames: 25,
  origMimes: 26,
  respFuids: 27,
  respMimes: 29,
};
// files.log columns
const F = { fuid: 1, source: 7, analyzers: 9, mime: 10, filename: 11, seen: 15, total: 16, missing: 17, md5: 21, extracted: 24 };

function noErrors(r: Result): void {
  assert.deepEqual(
    r.events.filter((e) => e.startsWith("violation")),
    [],
  );
}

test("pipelined requests pair with their replies in order (trans_depth 1, 2), each body a file", async () => {
  const r = await run([
    ["c", "GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n"],
    ["s", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"],
    ["s", "HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\nnop"],
  ]);
  noErrors(r);
  assert.deepEqual(
    r.http.map((h) => [h[H.depth], h[H.method], h[H.uri], h[H.status], h[H.respLen]]),
    [
      ["1", "GET", "/a", "200", "5"],
      ["2", "GET", "/b", "404", "3"],
    ],
  );
  assert.equal(r.files.length, 2);
  assert.deepEqual(
    r.http.map((h) => h[H.respFuids]),
    r.files.map((f) => f[F.fuid]),
  );
  assert.equal(r.data.get(false)!.toString(), "hellonop");
  assert.equal(r.conn[0]![7], "http");
});

test("a chunked body is de-chunked; the trailer's headers are raised; 1xx interim replies keep the record", async () => {
  const r = await run([
    ["c", "POST /up HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n"],
    ["s", "HTTP/1.1 100 Continue\r\n\r\n"],
    ["c", "abcd"],
    ["s", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6; ext=1\r\n world\r\n0\r\nX-Trailer: yes\r\n\r\n"],
  ]);
  noErrors(r);
  assert.equal(r.http.length, 1);
  const h = r.http[0]!;
  assert.deepEqual([h[H.status], h[H.infoCode], h[H.reqLen], h[H.respLen]], ["200", "100", "4", "11"]);
  assert.equal(r.data.get(false)!.toString(), "hello world");
  assert.ok(r.events.includes("header r X-TRAILER=yes"));
  assert.ok(r.events.includes("done r message ends normally body=11 gap=0"));
});

test("a gzip body is inflated before http_entity_data and the file; the file's type is sniffed from the clear bytes", async () => {
  const clear = `<html><body>${"gzip me ".repeat(2000)}</body></html>`;
  const zipped = gzipSync(clear);
  const r = await run([
    ["c", "GET /z HTTP/1.1\r\nHost: x\r\n\r\n"],
    ["s", Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: ${zipped.length}\r\n\r\n`), zipped.subarray(0, 100)])],
    ["s", zipped.subarray(100)],
  ]);
  noErrors(r);
  assert.equal(r.data.get(false)!.toString(), clear);
  assert.equal(r.files[0]![F.seen], String(clear.length));
  assert.equal(r.files[0]![F.total], "-"); // a size is not sent for encoded bodies
  assert.equal(r.files[0]![F.mime], "text/html");
  assert.equal(r.http[0]![H.respLen], String(clear.length));
});

test("a gzip body over many segments is inflated as one stream, piece by piece (the inflater keeps its state)", async () => {
  // Text that does not shrink to nothing, so each segment carries compressed data.
  let x = 12345;
  const words = Array.from({ length: 6000 }, () => ((x = (x * 1103515245 + 12345) >>> 0) % 100000).toString(36));
  const clear = `<html><body>${words.join(" ")}</body></html>`;
  const zipped = gzipSync(clear);
  assert.ok(zipped.length > 6000);
  const head = Buffer.from(`HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: ${zipped.length}\r\n\r\n`);
  const steps: Step[] = [
    ["c", "GET /z HTTP/1.1\r\nHost: x\r\n\r\n"],
    ["s", head],
  ];
  for (let i = 0; i < zipped.length; i += 1448) steps.push(["s", zipped.subarray(i, i + 1448)]);
  const r = await run(steps);
  noErrors(r);
  assert.equal(r.data.get(false)!.toString(), clear);
  assert.equal(r.files[0]![F.seen], String(clear.length));
  assert.equal(r.http[0]![H.respLen], String(clear.length));
  assert.ok(!r.weird.some((w) => w.includes("inflate_failed")));
});

test("a body that claims gzip but is not is inflate_failed once, and the connection goes on", async () => {
  const r = await run([
    ["c", "GET /z HTTP/1.1\r\nHost: x\r\n\r\n"],
    ["s", "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 20\r\n\r\nnot gzip at all!!!!!"],
    ["c", "GET /y HTTP/1.1\r\nHost: x\r\n\r\n"],
    ["s", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"],
  ]);
  assert.equal(r.http.length, 2);
  assert.equal(r.weird.filter((w) => w.includes("inflate_failed")).length, 1);
});

test("a gzip body that turns bad keeps the 4096-byte pieces inflated before the failing call, and ZIP reports inflate_failed", async () => {
  // 10,000 'a's in a non-final deflate block (sync flush), then a block header of the
  // reserved type 11: zlib fails in the call that inflates the last 1,808 bytes, as
  // Zeek's ZIP analyzer does, whose inflate() calls fill 4096 bytes each.
  const gzipHeader = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);
  const block = deflateRawSync(Buffer.alloc(10_000, "a"), { finishFlush: zlibConstants.Z_SYNC_FLUSH });
  const body = Buffer.concat([gzipHeader, block, Buffer.from([0x06, 0, 0, 0])]);
  const r = await run([
    ["c", "GET /z HTTP/1.1\r\nHost: x\r\n\r\n"],
    ["s", Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: ${body.length}\r\n\r\n`), body])],
  ]);
  assert.equal(r.data.get(false)!.toString(), "a".repeat(8192));
  const w = r.weird.filter((row) => row[6] === "inflate_failed");
  assert.equal(w.length, 1);
  assert.equal(w[0]!.at(-1), "ZIP");
});

test("a Content-Range whose length overflows int64 is HTTP_content_range_overflow and the body is a plain one", async () => {
  const r = await run([
    ["c", "GET /file.bin HTTP/1.1\r\nHost: x\r\n\r\n"],
    ["s", "HTTP/1.1 206 Partial Content\r\nContent-Length: 10\r\nContent-Range: bytes 0-9223372036854775807/9223372036854775808\r\n\r\nAAAAAAAAAA"],
  ]);
  assert.ok(r.weird.some((w) => w[6] === "HTTP_content_range_overflow"));
  assert.equal(r.files[0]![F.seen], "10");
  assert.equal(r.files[0]![F.total], "10");
});

test("a Content-Length or chunk size past int64 is a bad one (0), as std::from_chars fails in Zeek: what follows is the next request", async () => {
  const cl = await run([["c", "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 18446744073709551615\r\n\r\nGET /next HTTP/1.1\r\nHost: t\r\n\r\n"]]);
  assert.ok(cl.weird.some((w) => w[6] === "HTTP_bad_content_length" && w[7] === "18446744073709551615"));
  assert.deepEqual(cl.http.map((h) => h[H.method]).sort(), ["GET", "POST"]);
  const chunk = await run([
    ["c", "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n10000000000000000\r\n\r\nGET /next HTTP/1.1\r\nHost: t\r\n\r\n"],
  ]);
  assert.ok(chunk.weird.some((w) => w[6] === "HTTP_bad_chunk_size"));
  assert.deepEqual(chunk.http.map((h) => h[H.method]).sort(), ["GET", "POST"]);
});

test("nested multipart: each leaf part is its own file with its filename; boundaries and part headers stay out of the data", async () => {
  const body = [
    "--outer",
    'Content-Disposition: form-data; name="field"',
    "",
    "value1",
    "--outer",
    "Content-Type: multipart/mixed; boundary=inner",
    "",
    "--inner",
    'Content-Disposition: attachment; filename="a.txt"',
    "Content-Type: text/plain",
    "",
    "first file",
    "--inner",
    'Content-Disposition: attachment; filename="b.png"',
    "",
    "\x89PNG\r\n\x1a\nrest",
    "--inner--",
    "--outer--",
    "",
  ].join("\r\n");
  const r = await run([
    ["c", `POST /form HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=outer\r\nContent-Length: ${body.length}\r\n\r\n${body}`],
    ["s", "HTTP/1.1 204 No Content\r\n\r\n"],
  ]);
  noErrors(r);
  const h = r.http[0]!;
  assert.equal(h[H.origNames], "a.txt,b.png");
  assert.equal(h[H.origFuids]!.split(",").length, 3);
  assert.deepEqual(
    r.files.map((f) => f[F.filename]),
    ["-", "a.txt", "b.png"],
  );
  // "value1" is too short for the plain-text signature (10 printable bytes).
  assert.deepEqual(
    r.files.map((f) => f[F.mime]),
    ["-", "text/plain", "image/png"],
  );
  assert.equal(r.data.get(true)!.toString("latin1"), "value1first file\x89PNG\r\n\x1a\nrest");
  assert.equal(h[H.respLen], "0");
});

test("a 206 reply is a piece at its offset of one file named by the URL; the instance length is its size", async () => {
  const r = await run([
    ["c", "GET /big.bin HTTP/1.1\r\nHost: files.example\r\nRange: bytes=100-109\r\n\r\n"],
    ["s", "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 100-109/1000\r\nContent-Length: 10\r\n\r\n0123456789"],
  ]);
  noErrors(r);
  const fuid = new FuidMaker().fuid("Analyzer::ANALYZER_HTTPF10.0.0.1files.example/big.bin");
  assert.equal(r.http[0]![H.respFuids], fuid);
  assert.equal(r.files.length, 1);
  // The piece waits at offset 100 for the bytes before it; at the end it is delivered after a 100-byte hole.
  assert.deepEqual([r.files[0]![F.fuid], r.files[0]![F.total], r.files[0]![F.seen], r.files[0]![F.missing]], [fuid, "1000", "10", "100"]);
});

test("CONNECT: after the 200 the tunnel's bytes are not HTTP (no weirds, no more requests)", async () => {
  const tls = Uint8Array.from([0x16, 0x03, 0x01, 0x00, 0x05, 1, 2, 3, 4, 5]);
  const r = await run([
    ["c", "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n"],
    ["s", "HTTP/1.1 200 Connection established\r\n\r\n"],
    ["c", tls],
    ["s", tls],
  ]);
  noErrors(r);
  assert.deepEqual(
    r.http.map((h) => [h[H.method], h[H.status]]),
    [["CONNECT", "200"]],
  );
  assert.deepEqual(
    r.weird.filter((w) => w[6]!.includes("HTTP")),
    [],
  );
  assert.deepEqual(
    r.events.filter((e) => e.startsWith("request")),
    ["request CONNECT example.com:443"],
  );
});

test("Upgrade: a 101 reply hands the stream on (http_connection_upgrade); the frames after it are not parsed as HTTP", async () => {
  const r = await run([
    ["c", "GET /chat HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"],
    ["s", "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"],
    ["c", Uint8Array.from([0x81, 0x82, 1, 2, 3, 4, 0x49, 0x6b])],
    ["s", Uint8Array.from([0x81, 0x02, 0x68, 0x69])],
  ]);
  noErrors(r);
  assert.ok(r.events.includes("upgrade websocket"));
  assert.deepEqual(
    r.http.map((h) => [h[H.status], h[H.infoCode]]),
    [["101", "101"]],
  );
  assert.deepEqual(
    r.weird.filter((w) => w[6]!.includes("HTTP")),
    [],
  );
});

test("a request still under way when CONNECT's tunnel starts ends at the client's FIN, as completely delivered", async () => {
  const r = await run([
    ["c", "CONNECT example.com:443 HTTP/1.1\r\n\r\nGET /behind HTTP/1.1\r\nHost: y\r\n"],
    ["s", "HTTP/1.1 200 Connection established\r\n\r\n"],
  ]);
  const done = r.events.filter((e) => e.startsWith("done o"));
  assert.deepEqual(done, ["done o message ends normally body=0 gap=0", "done o message ends as connection contents are completely delivered body=0 gap=0"]);
});

test("the line splitter's weirds are reported by CONTENTLINE, as Zeek's support analyzer reports them", async () => {
  const r = await run([
    ["c", "GET /a HTTP/1.1\rHost: x\r\n\r\n"],
    ["s", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"],
  ]);
  assert.ok(r.weird.some((w) => w[6] === "line_terminated_with_single_CR" && w[10] === "CONTENTLINE"));
  assert.ok(!r.weird.some((w) => w[10] === "HTTP"));
});

test("a partial connection: the client's lines are still cut (a lone CR is reported) but not parsed; the server's are skipped", async () => {
  const enc = (t: string) => Buffer.from(t, "latin1");
  const segs: Seg[] = [
    { t: 1, from: "c", flags: "PA", seq: 1001, ack: 5001, payload: enc("GET /a HTTP/1.1\rHost: x\r\n\r\n") },
    { t: 2, from: "s", flags: "PA", seq: 5001, ack: 1030, payload: enc("HTTP/1.1 200 OK\rContent-Length: 2\r\n\r\nok") },
  ];
  const client = await run([], [], undefined, segs);
  assert.deepEqual(
    client.weird.map((w) => [w[6], w[10]]),
    [["line_terminated_with_single_CR", "CONTENTLINE"]],
  );
  assert.equal(client.http.length, 0);
  const server = await run([], [], undefined, segs.slice(1));
  assert.deepEqual(server.weird, []);
});

test("a disabled analyzer ends what it had under way at the connection's next payload (Zeek's removing flag), not at the violating packet", async () => {
  const engine = new Engine({});
  loadBuiltinScripts(engine, { memory: true });
  const seen: string[] = [];
  const at = () => (engine.clock.now - 1000).toFixed(2);
  engine.on("analyzer_violation_info", (atype, info) => seen.push(`${at()} violation ${atype} ${info.reason}`));
  engine.on("http_message_done", (_c, isOrig, s) => seen.push(`${at()} done ${isOrig ? "o" : "r"} ${s.finish_msg}`));
  const segs = segments(
    [
      [1001, "c", "GET /a HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nhalf"],
      [1002, "s", "garbage, not a reply line\r\n"],
      [1005, "c", "more of the body"],
    ],
    1000,
  );
  await engine.run(memorySource(tcpTrace(segs, { sport: 80 })));
  assert.deepEqual(seen, ["2.00 violation HTTP not a http reply line", "5.00 done o message interrupted when connection done"]);
});

test("a body cut by a content gap: the file counts the missing bytes, the message still ends at its length", async () => {
  const r = await run([
    ["c", "GET /f HTTP/1.1\r\nHost: x\r\n\r\n"],
    ["s", `HTTP/1.1 200 OK\r\nContent-Length: 3000\r\n\r\n${"a".repeat(1000)}`],
    ["gap-s", 1000],
    ["s", "c".repeat(1000)],
  ]);
  noErrors(r);
  assert.deepEqual([r.files[0]![F.seen], r.files[0]![F.total], r.files[0]![F.missing]], ["2000", "3000", "1000"]);
  assert.ok(r.events.includes("done r message ends normally body=3000 gap=1000"));
  assert.equal(r.http[0]![H.respLen], "3000");
});

test("content gaps after a reply's body still reach its file, after the first has stopped the reply side (Zeek: the erspan trace)", async () => {
  const r = await run([
    ["c", "GET /f HTTP/1.1\r\nHost: x\r\n\r\n"],
    ["s", `HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n${"a".repeat(1000)}`],
    ["gap-s", 500],
    // The client's next request acks past the first gap, its FIN past the second: two gaps.
    ["c", "GET /g HTTP/1.1\r\nHost: x\r\n\r\n"],
    ["gap-s", 300],
  ]);
  noErrors(r);
  // The body's file, complete; then a file of the same fuid (the handle has not moved on) made by the gaps, with both.
  assert.deepEqual(
    r.files.map((f) => [f[F.fuid], f[F.seen], f[F.missing]]),
    [
      [r.files[0]![F.fuid], "1000", "0"],
      [r.files[0]![F.fuid], "0", "800"],
    ],
  );
});

test("a request flood past HTTP::max_pending_requests: the limit weird, the 'X' history letter, the waiting requests logged", async () => {
  const requests = Array.from({ length: 103 }, (_, i) => `GET /${i} HTTP/1.1\r\nHost: x\r\n\r\n`).join("");
  const r = await run([["c", requests]]);
  noErrors(r);
  const w = r.weird.filter((x) => x[6] === "HTTP_excessive_pipelining");
  assert.equal(w.length >= 1, true);
  assert.equal(w[0]![7], "101 > 100");
  assert.match(r.conn[0]![15]!, /X/);
  assert.equal(r.http.length, 103);
});

test("basic auth fills username (not password); proxy headers fill proxied; unknown methods are weird", async () => {
  const auth = Buffer.from("alice:secret").toString("base64");
  const r = await run([
    ["c", `FROB / HTTP/1.1\r\nHost: x\r\nAuthorization: Basic ${auth}\r\nX-Forwarded-For: 1.2.3.4\r\n\r\n`],
    ["s", "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"],
  ]);
  const h = r.http[0]!;
  assert.deepEqual([h[H.user], h[H.pass], h[H.proxied]], ["alice", "-", "X-FORWARDED-FOR -> 1.2.3.4"]);
  assert.ok(r.weird.some((w) => w[6] === "unknown_HTTP_method" && w[7] === "FROB"));
});

test("HTTP::default_capture_password: the password after the first colon, colons and all (Zeek's split_string1)", async () => {
  const steps = (userpass: string): Step[] => [
    ["c", `GET / HTTP/1.1\r\nHost: x\r\nAuthorization: Basic ${Buffer.from(userpass).toString("base64")}\r\n\r\n`],
    ["s", "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"],
  ];
  const capture = ["HTTP::default_capture_password=T"];
  const r = await run(steps("alice:se:cret"), [], undefined, undefined, undefined, capture);
  assert.deepEqual([r.http[0]![H.user], r.http[0]![H.pass]], ["alice", "se:cret"]);
  const odd = await run(steps("nocolon"), [], undefined, undefined, undefined, capture);
  assert.deepEqual([odd.http[0]![H.user]!.startsWith("<problem-decoding> (Basic "), odd.http[0]![H.pass]], [true, "nocolon"]);
});

test("hash-all-files and extract-all-files: MD5/SHA1/SHA256 columns and the file on disk", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "bronze-extract-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const r = await run(
    [
      ["c", "GET / HTTP/1.1\r\nHost: x\r\n\r\n"],
      ["s", "HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhello files"],
    ],
    ["frameworks/files/hash-all-files", "frameworks/files/extract-all-files"],
    dir,
  );
  const f = r.files[0]!;
  assert.equal(f[F.md5], createHash("md5").update("hello files").digest("hex"));
  // A set, printed in Zeek's random order without a seed file.
  assert.deepEqual(f[F.analyzers]!.split(",").sort(), ["EXTRACT", "MD5", "SHA1", "SHA256"]);
  const files = readdirSync(join(dir, "extract_files"));
  assert.deepEqual(files, [f[F.extracted]]);
  assert.equal(readFileSync(join(dir, "extract_files", files[0]!), "latin1"), "hello files");
});

test("fuids are Zeek's: HighwayHash-128 of the handle under SHA-256(digest_salt)", () => {
  // A fuid from Zeek's files.log for this handle (corpus trace conn-size.pcap).
  assert.equal(new FuidMaker().fuid("Analyzer::ANALYZER_HTTP1144876599.397603F11192.150.186.169:53063 > 194.64.249.244:80"), "Funhch16uwaSX7kiae");
  // Every remainder length takes its own path through HighwayHash: all give distinct, stable words.
  const key = [1n, 2n, 3n, 4n];
  const seen = new Set<string>();
  for (let n = 0; n < 70; n++) seen.add(highwayHash128(key, new Uint8Array(n).fill(7)).join(","));
  assert.equal(seen.size, 70);
  assert.equal(zeekTimeText(1144876599.3976), "1144876599.3976");
  assert.equal(zeekTimeText(1144876599), "1144876599.0");
});

test("MIME sniffing: the strongest file-magic match wins", () => {
  assert.equal(sniffMimeType(Buffer.from("\x89PNG\r\n\x1a\n0000", "latin1")), "image/png");
  assert.equal(sniffMimeType(Buffer.from("document.write('x')")), "application/javascript");
  assert.equal(sniffMimeType(Buffer.from("GIF89a....")), "image/gif");
  assert.equal(sniffMimeType(Buffer.from("plain words")), "text/plain");
  assert.equal(sniffMimeType(new Uint8Array(0)), undefined);
});

test("a request line that is not HTTP is a violation without data: analyzer.log's failure_data stays unset", async () => {
  const r = await run([
    ["c", "GET / HTTP/1.1\r\nHost: x\r\n\r\n"],
    ["s", "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"],
    ["c", "\x00\x00\x00\x00 cruft\r\n"],
  ]);
  assert.deepEqual(
    r.events.filter((e) => e.startsWith("violation")),
    ["violation HTTP not a http request line"],
  );
  assert.equal(r.analyzer.length, 1);
  const row = r.analyzer[0]!;
  assert.deepEqual(row.slice(-2), ["not a http request line", "-"]);
});

test("a connection seen from its SYN-ACK, flipped by the client's first ACK, is not partial: HTTP parses it", async () => {
  // Both ports are likely server ports (80 and SOCKS' 1080), so the SYN-ACK
  // does not flip the connection at creation; the client's ACK does (history ^h).
  const req = "GET /a HTTP/1.1\r\nHost: x\r\n\r\n";
  // The body's line starting with digits is what IRC calls an invalid reply number.
  const rep = "HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\n1.2 x\r\n";
  const segs: Seg[] = [
    { t: 1, from: "s", flags: "SA", seq: 5000, ack: 1001 },
    { t: 1.01, from: "c", flags: "A", seq: 1001, ack: 5001 },
    { t: 1.02, from: "c", flags: "PA", seq: 1001, ack: 5001, payload: req },
    { t: 1.03, from: "s", flags: "PA", seq: 5001, ack: 1001 + req.length, payload: rep },
    { t: 1.04, from: "c", flags: "FA", seq: 1001 + req.length, ack: 5001 + rep.length },
    { t: 1.05, from: "s", flags: "FA", seq: 5001 + rep.length, ack: 1002 + req.length },
  ];
  const r = await run([], [], undefined, segs, 1080);
  // Zeek builds the analyzer tree when the connection is created, from the
  // responder port of then: on a client port 6669 IRC reads the reply too.
  const onIrcPort = await run([], [], undefined, segs, 6669);
  assert.ok(onIrcPort.events.includes("violation IRC invalid reply number"));
  assert.equal(onIrcPort.http.length, 1);
  assert.equal(r.conn.length, 1);
  assert.match(r.conn[0]![15]!, /^\^h/);
  assert.deepEqual(
    r.http.map((row) => [row[H.method], row[H.uri], row[H.status]]),
    [["GET", "/a", "200"]],
  );
  assert.equal(r.files.length, 1);
});

test("a packet with RST ends the messages under way as 'interrupted by RST' (Zeek's PacketWithRST), not at connection removal", async () => {
  const req = "POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789";
  const segs: Seg[] = [
    ...handshake(0),
    { t: 1, from: "c", flags: "PA", seq: 1001, ack: 5001, payload: req },
    { t: 1.01, from: "s", flags: "A", seq: 5001, ack: 1001 + req.length },
    { t: 1.02, from: "s", flags: "R", seq: 5001 },
  ];
  const r = await run([], [], undefined, segs);
  assert.deepEqual(
    r.events.filter((e) => e.startsWith("done")),
    ["done o message interrupted by RST body=10 gap=0"],
  );
});

test("a 206 reply's Content-Range that cannot be used is not submitted: no http_header for it, only the weird", async () => {
  const r = await run([
    ["c", "GET /a HTTP/1.1\r\nHost: x\r\n\r\n"],
    ["s", "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 10-5/*\r\nContent-Length: 2\r\n\r\nok"],
  ]);
  assert.deepEqual(
    r.events.filter((e) => e.startsWith("header r")),
    ["header r CONTENT-LENGTH=2"],
  );
  assert.ok(r.weird.some((w) => w.includes("HTTP_non_positive_content_range")));
});

test("a folded header grows to MIME::max_header_bytes (65536, as Zeek's): past it each continuation line is the limit weird", async () => {
  const fold = (lines: number): string => `X-Long: v${"\r\n ".concat("a".repeat(98)).repeat(lines)}\r\n`;
  const value = (r: Result): string => r.events.find((e) => e.startsWith("header o X-LONG="))!.slice("header o X-LONG=".length);
  const limitWeirds = (r: Result): string[][] => r.weird.filter((w) => w[6] === "exceeded_mime_max_header_bytes");
  const small = await run([
    ["c", `GET / HTTP/1.1\r\nHost: x\r\n${fold(30)}\r\n`],
    ["s", "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"],
  ]);
  assert.equal(value(small).length, 1 + 30 * 99); // "v", then each continuation line with its leading space
  assert.deepEqual(limitWeirds(small), []);
  // 70 kB: in segments of at most 8000 bytes (one IP packet holds less than 64 kB).
  const request = `GET / HTTP/1.1\r\nHost: x\r\n${fold(700)}\r\n`;
  const pieces: Step[] = [];
  for (let i = 0; i < request.length; i += 8000) pieces.push(["c", request.slice(i, i + 8000)]);
  const big = await run([...pieces, ["s", "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"]]);
  const kept = value(big).length;
  assert.ok(kept >= 65536 - 100 && kept < 65536 + 100, `${kept} bytes kept`);
  assert.equal(limitWeirds(big).length, 1); // weird.log: once per connection and name
  assert.ok(Number(limitWeirds(big)[0]![7]) >= 65536);
});
