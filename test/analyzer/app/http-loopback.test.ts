/**
 * HTTP from Debian's nginx and today's curl, captured on loopback
 * (captures/make-http-loopback.sh: kept-alive requests, a gzip body that
 * nginx chunks, two byte ranges of one file, HEAD, 304, 404, basic auth, a
 * multipart upload, a chunked upload after 100-continue, a form, three
 * pipelined requests, and nginx on a port HTTP does not register). http.log,
 * files.log (with hash-all-files) and the files extract-all-files writes are
 * checked against what the script did: the files it made, so their sizes and
 * MD5s; the requests and replies against tshark's reading of each stream.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type TestContext, test } from "node:test";
import { oracleMissing, repoRoot } from "../../helpers/corpus.js";
import { logRows } from "../../helpers/tsv.js";
import { HELLO, IMAGE, md5, numberedLines, sha1 } from "./capture-files.js";
import { inStartOrder } from "./capture-logs.js";

const trace = join(repoRoot(), "test", "analyzer", "app", "captures", "http-loopback.pcap");

/** The files make-http-loopback.sh serves and uploads beside capture-files.ts's, made the same way. */
const INDEX = Buffer.from(`<!DOCTYPE html>\n<html><head><title>bronze</title></head><body>\n${numberedLines(40, (i) => `<p>para ${i}</p>`)}</body></html>\n`);
const DATA = Buffer.from(Array.from({ length: 100000 }, (_, i) => (i * 7) % 256));
const SECRET = Buffer.from("the secret\n");
const FORM = Buffer.from("name=bronze&x=1");
/** nginx's answer to every POST /upload (`return 200 "stored\n"`). */
const STORED = Buffer.from("stored\n");

interface Run {
  http: Record<string, string>[];
  files: Record<string, string>[];
  conn: Record<string, string>[];
  extracted: Map<string, Buffer>;
  weirdLog: boolean;
}

/** One default run with hashing and extraction, in a folder of its own (extract_files/ is relative to it). */
function run(): Run {
  const out = mkdtempSync(join(tmpdir(), "bronze-http-"));
  try {
    const cli = join(repoRoot(), "dist", "bronze.js");
    const args = [cli, "-C", "-r", trace, "frameworks/files/hash-all-files", "frameworks/files/extract-all-files"];
    const r = spawnSync(process.execPath, args, { cwd: out, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    const extracted = new Map<string, Buffer>();
    for (const name of readdirSync(join(out, "extract_files"))) {
      // extract-<ts>-HTTP-<fuid>, as Zeek's FileExtract names them.
      extracted.set(name.slice(name.lastIndexOf("-") + 1), readFileSync(join(out, "extract_files", name)));
    }
    return {
      http: logRows(join(out, "http.log")),
      files: logRows(join(out, "files.log")),
      conn: logRows(join(out, "conn.log")),
      extracted,
      weirdLog: existsSync(join(out, "weird.log")),
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

let cached: Run | undefined;
const logs = (): Run => (cached ??= run());

test("nginx and curl: http.log has a row per request, in the script's order, with what each exchange carried", () => {
  const { http } = logs();
  const row = (r: Record<string, string>): (string | undefined)[] => [
    r["id.resp_p"],
    String(r.trans_depth),
    r.method,
    r.uri,
    r.status_code,
    r.info_code,
    r.username,
    r.request_body_len,
    r.orig_filenames,
    r.orig_mime_types,
  ];
  const rows = http.map(row);
  rows[10]![7] = "(multipart)";
  assert.deepEqual(rows, [
    // 1. two requests on one kept-alive connection
    ["8080", "1", "GET", "/index.html", "200", "-", "-", "0", "-", "-"],
    ["8080", "2", "GET", "/image.png", "200", "-", "-", "0", "-", "-"],
    // 2. gzip, 3-4. ranges, 5. HEAD, 6. If-Modified-Since, 7. a missing file
    ["8080", "1", "GET", "/hello.txt", "200", "-", "-", "0", "-", "-"],
    ["8080", "1", "GET", "/data.bin", "206", "-", "-", "0", "-", "-"],
    ["8080", "1", "GET", "/data.bin", "206", "-", "-", "0", "-", "-"],
    ["8080", "1", "HEAD", "/hello.txt", "200", "-", "-", "0", "-", "-"],
    ["8080", "1", "GET", "/hello.txt", "304", "-", "-", "0", "-", "-"],
    ["8080", "1", "GET", "/missing", "404", "-", "-", "0", "-", "-"],
    // 8-9. basic auth: refused without credentials, then alice's
    ["8080", "1", "GET", "/private/secret.txt", "401", "-", "-", "0", "-", "-"],
    ["8080", "1", "GET", "/private/secret.txt", "200", "-", "alice", "0", "-", "-"],
    // 10. multipart: the part's file name and type; the body length (the whole multipart body's,
    // curl's boundary included) is checked against tshark's Content-Length below
    ["8080", "1", "POST", "/upload", "200", "-", "-", "(multipart)", "image.png", "image/png"],
    // 11. chunked after 100-continue: the interim reply is the info code, the body its decoded bytes
    ["8080", "1", "POST", "/upload", "200", "100", "-", String(HELLO.length), "-", "text/plain"],
    ["8080", "1", "POST", "/upload", "200", "-", "-", String(FORM.length), "-", "text/plain"],
    // 13. pipelined
    ["8080", "1", "GET", "/index.html", "200", "-", "-", "0", "-", "-"],
    ["8080", "2", "GET", "/hello.txt", "200", "-", "-", "0", "-", "-"],
    ["8080", "3", "GET", "/missing", "404", "-", "-", "0", "-", "-"],
    // 14. found by its signature on a port HTTP does not register
    ["8123", "1", "GET", "/index.html", "200", "-", "-", "0", "-", "-"],
  ]);
  // The multipart body holds the image and its part headers.
  assert.ok(Number(http[10]!.request_body_len) > IMAGE.length);
  // Zeek's default_capture_password is F.
  for (const r of http) assert.equal(r.password, "-");
  assert.deepEqual(
    http.map((r) => r.user_agent),
    [...Array(13).fill("curl/7.88.1"), "pipeline/1", "pipeline/1", "pipeline/1", "curl/7.88.1"],
  );
});

test("nginx and curl: reply bodies are counted after gzip is undone, and typed by their first bytes", () => {
  const { http } = logs();
  const body = (i: number): [string | undefined, string | undefined] => [http[i]!.response_body_len, http[i]!.resp_mime_types];
  assert.deepEqual(body(0), [String(INDEX.length), "text/html"]);
  assert.deepEqual(body(1), [String(IMAGE.length), "image/png"]);
  assert.deepEqual(body(2), [String(HELLO.length), "text/plain"]);
  // The ranges' bytes have no signature; HEAD and 304 have no body.
  assert.deepEqual(
    [body(3), body(4)],
    [
      ["100", "-"],
      ["1000", "-"],
    ],
  );
  assert.deepEqual(
    [body(5), body(6)],
    [
      ["0", "-"],
      ["0", "-"],
    ],
  );
  assert.equal(body(9)[0], String(SECRET.length));
  // "stored\n" is 7 bytes: Zeek's plain-text signature wants 10 printable ones.
  for (const i of [10, 11, 12]) assert.deepEqual(body(i), [String(STORED.length), "-"]);
  assert.deepEqual(
    [body(13), body(14)],
    [
      [String(INDEX.length), "text/html"],
      [String(HELLO.length), "text/plain"],
    ],
  );
  // nginx's own error pages are HTML.
  for (const i of [7, 8, 15]) assert.equal(body(i)[1], "text/html");
});

test("nginx and curl: files.log has each body by content; both ranges of data.bin are one file", () => {
  const { http, files, conn } = logs();
  const byMd5 = (b: Buffer): string[][] => files.filter((f) => f.md5 === md5(b)).map((f) => [f.is_orig!, f.seen_bytes!, f.mime_type!, f.filename!]);
  const resp = (b: Buffer, mime: string): string[] => ["F", String(b.length), mime, "-"];
  assert.deepEqual(byMd5(INDEX), Array(3).fill(resp(INDEX, "text/html")));
  assert.deepEqual(byMd5(IMAGE), [resp(IMAGE, "image/png"), ["T", String(IMAGE.length), "image/png", "image.png"]]);
  assert.deepEqual(byMd5(HELLO), [resp(HELLO, "text/plain"), ["T", String(HELLO.length), "text/plain", "-"], resp(HELLO, "text/plain")]);
  assert.deepEqual(byMd5(SECRET), [resp(SECRET, "text/plain")]);
  assert.deepEqual(byMd5(FORM), [["T", String(FORM.length), "text/plain", "-"]]);
  assert.deepEqual(byMd5(STORED), Array(3).fill(resp(STORED, "-")));
  // SHA-1 beside MD5 (hash-all-files).
  assert.equal(files.find((f) => f.md5 === md5(IMAGE))?.sha1, sha1(IMAGE));

  // A range reply is a piece of the file the URL names (Zeek's HTTP file handle for range
  // requests leaves out the connection), so two connections carry one fuid: a row for each,
  // in f$conns's hash order (random without a seed, as Zeek's).
  const ranges = files.filter((f) => f.fuid === http[3]!.resp_fuids);
  assert.equal(http[4]!.resp_fuids, http[3]!.resp_fuids);
  const byUid = (rows: string[][]): string[][] => rows.sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
  assert.deepEqual(
    byUid(ranges.map((f) => [f.uid!, f.seen_bytes!, f.total_bytes!, f.missing_bytes!, f.md5!])),
    byUid([http[3]!, http[4]!].map((h) => [h.uid!, "1100", String(DATA.length), "900", "-"])),
  );

  // Every row is an HTTP file of a connection conn.log calls http; http.log's fuids are files.log's.
  assert.ok(files.every((f) => f.source === "HTTP" && conn.find((c) => c.uid === f.uid)?.service === "http"));
  const fuids = new Set(files.map((f) => f.fuid));
  for (const h of http) for (const col of [h.orig_fuids!, h.resp_fuids!]) if (col !== "-") for (const id of col.split(",")) assert.ok(fuids.has(id), id);
});

test("nginx and curl: extract-all-files writes each body as it was served, a range at its offset", () => {
  const { files, extracted } = logs();
  assert.equal(extracted.size, new Set(files.map((f) => f.fuid)).size);
  for (const f of files) {
    const bytes = extracted.get(f.fuid!);
    assert.ok(bytes !== undefined, f.fuid);
    if (f.md5 !== "-") assert.equal(md5(bytes), f.md5, f.fuid);
  }
  const range = [...extracted.values()].find((b) => b.length === 2000);
  assert.ok(range !== undefined);
  assert.ok(range.subarray(0, 100).equals(DATA.subarray(0, 100)));
  assert.ok(range.subarray(100, 1000).equals(Buffer.alloc(900)));
  assert.ok(range.subarray(1000).equals(DATA.subarray(1000, 2000)));
});

test("nginx and curl: conn.log calls every connection http, nothing is weird", () => {
  const { conn, weirdLog } = logs();
  assert.equal(conn.length, 14);
  assert.ok(conn.every((c) => c.service === "http" && c.conn_state === "SF"));
  assert.equal(weirdLog, false);
});

test("nginx and curl: the requests and replies are tshark's, stream by stream", (t: TestContext) => {
  const fields = ["tcp.stream", "http.request.method", "http.request.uri", "http.response.code", "http.content_length"];
  const tshark = spawnSync("tshark", ["-r", trace, "-Y", "http", "-T", "fields", "-E", "aggregator=,", ...fields.flatMap((f) => ["-e", f])], {
    encoding: "utf8",
  });
  if (tshark.error !== undefined || tshark.status !== 0) return oracleMissing(t, "tshark is not installed: the cross-check is skipped");
  const requests: string[][] = [];
  const replies: string[][] = [];
  for (const line of tshark.stdout.trim().split("\n")) {
    const [stream, method, uri, code, length] = line.split("\t") as [string, string, string, string, string];
    // Pipelined requests come as one frame's comma-joined lists.
    if (method !== "") method.split(",").forEach((m, i) => void requests.push([stream, m, uri.split(",")[i]!, length]));
    else if (code !== "100") replies.push([stream, code, length]);
  }
  const { http, conn } = logs();
  // tshark numbers the streams in the order the connections began, as conn.log's rows are not.
  const starts = inStartOrder(conn).map((c) => c.uid);
  const stream = (uid: string | undefined): string => String(starts.indexOf(uid!));
  assert.deepEqual(
    http.map((h) => [stream(h.uid), h.method, h.uri]),
    requests.map(([s, method, uri]) => [s, method, uri]),
  );
  // Request bodies with a Content-Length (the multipart upload, the form) are that long.
  const sized = [...requests.entries()].filter(([, [, , , length]]) => length !== "" && length !== undefined);
  assert.deepEqual(
    sized.map(([i]) => http[i]!.uri),
    ["/upload", "/upload"],
  );
  for (const [i, [, , , length]] of sized) assert.equal(http[i]!.request_body_len, length, `request ${i}`);
  // Replies by stream (an upload's reply may precede its request's last segment), with their
  // Content-Length where they have one.
  const sorted = (rows: string[][]): string[][] => [...rows].sort((a, b) => Number(a[0]) - Number(b[0]));
  assert.deepEqual(
    http.map((h) => [stream(h.uid), h.status_code]),
    sorted(replies).map(([s, code]) => [s, code]),
  );
  for (const [i, [, , length]] of sorted(replies).entries()) {
    if (length !== "" && http[i]!.method !== "HEAD") assert.equal(http[i]!.response_body_len, length, `${http[i]!.uri}`);
  }
});
