/**
 * The ZIP file analyzer (policy/files/zip/register) on archives built here
 * and downloaded over HTTP: members become files of their own (source ZIP,
 * the archive as parent, its connection, their paths as filenames),
 * deflated ones inflated; a data descriptor's member ends at the descriptor
 * whose CRC matches; a nested archive is read too; a bad CRC is an
 * analyzer.log row of kind file; ZIP::file and ZIP::end_of_directory carry
 * Zeek's records; without the script nothing of this happens; hostile
 * archives never throw.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { crc32, deflateRawSync } from "node:zlib";
import { Engine, loadBuiltinScripts } from "../../src/index.js";
import { type Step, segments } from "../analyzer/app/tcp-conv.js";
import { memorySource } from "../helpers/packets.js";
import { rng } from "../helpers/rng.js";
import { logRecords } from "../helpers/tsv.js";
import { tcpTrace } from "../session/harness.js";

interface Entry {
  name: string;
  data: Uint8Array;
  deflate?: boolean;
  descriptor?: boolean;
  badCrc?: boolean;
}

const u16 = (v: number) => [v & 0xff, (v >>> 8) & 0xff];
const u32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
/** 2024-02-29 12:34:56 as a DOS date and time. */
const DOS_TIME = (((2024 - 1980) << 25) | (2 << 21) | (29 << 16) | (12 << 11) | (34 << 5) | 28) >>> 0;

/** A ZIP archive of `entries` with a central directory and the archive comment `comment`. */
function zip(entries: Entry[], comment = ""): Uint8Array {
  const out: number[] = [];
  const central: number[] = [];
  for (const e of entries) {
    const name = [...Buffer.from(e.name, "latin1")];
    const body = e.deflate ? deflateRawSync(e.data) : e.data;
    const crc = (crc32(e.data) ^ (e.badCrc ? 1 : 0)) >>> 0;
    const flags = e.descriptor ? 8 : 0;
    const method = e.deflate ? 8 : 0;
    const offset = out.length;
    // With a descriptor the header's CRC and sizes may be 0; here they are given (a member of size 0 would end with its first data, as in Zeek).
    const sizes = e.descriptor ? [...u32(0), ...u32(body.length), ...u32(e.data.length)] : [...u32(crc), ...u32(body.length), ...u32(e.data.length)];
    out.push(...u32(0x04034b50), ...u16(20), ...u16(flags), ...u16(method), ...u32(DOS_TIME), ...sizes, ...u16(name.length), ...u16(0), ...name, ...body);
    if (e.descriptor) out.push(...u32(0x08074b50), ...u32(crc), ...u32(body.length), ...u32(e.data.length));
    central.push(...u32(0x02014b50), ...u16(20), ...u16(20), ...u16(flags), ...u16(method), ...u32(DOS_TIME), ...u32(crc));
    central.push(
      ...u32(body.length),
      ...u32(e.data.length),
      ...u16(name.length),
      ...u16(0),
      ...u16(0),
      ...u16(0),
      ...u16(0),
      ...u32(0),
      ...u32(offset),
      ...name,
    );
  }
  const cdOffset = out.length;
  const c = [...Buffer.from(comment, "latin1")];
  out.push(
    ...central,
    ...u32(0x06054b50),
    ...u16(0),
    ...u16(0),
    ...u16(entries.length),
    ...u16(entries.length),
    ...u32(central.length),
    ...u32(cdOffset),
    ...u16(c.length),
    ...c,
  );
  return Uint8Array.from(out);
}

function download(body: Uint8Array): Step[] {
  const head = `HTTP/1.1 200 OK\r\nContent-Type: application/zip\r\nContent-Length: ${body.length}\r\n\r\n`;
  return [
    ["c", "GET /a.zip HTTP/1.1\r\nHost: example.com\r\n\r\n"],
    ["s", Buffer.concat([Buffer.from(head, "latin1"), body])],
  ];
}

interface Run {
  files: Record<string, string>[];
  analyzer: Record<string, string>[];
  events: string[];
}

async function run(archive: Uint8Array, loads = ["policy/files/zip/register"]): Promise<Run> {
  const engine = new Engine();
  const scripts = loadBuiltinScripts(engine, { memory: true, loads });
  const events: string[] = [];
  engine.on("ZIP::file", (_f, meta) =>
    events.push(`file ${meta.global_ ? "global" : "local"} ${meta.filename} ${meta.compression} ${meta.time_} ${meta.fid === undefined ? "-" : "fid"}`),
  );
  engine.on("ZIP::end_of_directory", (_f, comment) => events.push(`end ${comment}`));
  await engine.run(memorySource(tcpTrace(segments(download(archive), 0, { ackClient: true, mss: 1460 }), { sport: 80 })));
  scripts.close();
  return { files: logRecords(scripts.logs.text("files")), analyzer: logRecords(scripts.logs.text("analyzer")), events };
}

const text = (s: string) => Uint8Array.from(Buffer.from(s, "latin1"));
const PDF = text(`%PDF-1.4\n${"x".repeat(5000)}\n%%EOF\n`);
const WITH_MAGIC = text("with a descriptor PK\x07\x08 inside\n".repeat(50));

test("members become files: source ZIP, parent the archive, filenames, inflated sizes; then the archive's row", async () => {
  const archive = zip([
    { name: "doc/a.pdf", data: PDF, deflate: true },
    { name: "notes.txt", data: text("hello zip\n") },
    { name: "d.txt", data: WITH_MAGIC, deflate: true, descriptor: true },
    { name: "s.txt", data: WITH_MAGIC, descriptor: true },
  ]);
  const r = await run(archive);
  const parent = r.files.at(-1)!;
  assert.deepEqual([parent.source, parent.mime_type, parent.seen_bytes], ["HTTP", "application/zip", String(archive.length)]);
  assert.deepEqual(
    r.files.slice(0, -1).map((f) => [f.source, f.filename, f.mime_type, f.seen_bytes, f.total_bytes, f.parent_fuid === parent.fuid, f.uid === parent.uid]),
    [
      ["ZIP", "doc/a.pdf", "application/pdf", String(PDF.length), String(PDF.length), true, true],
      ["ZIP", "notes.txt", "text/plain", "10", "10", true, true],
      ["ZIP", "d.txt", "text/plain", String(WITH_MAGIC.length), String(WITH_MAGIC.length), true, true],
      // Stored, the data holds PK\x07\x08 itself: not a descriptor while the CRC does not match.
      ["ZIP", "s.txt", "text/plain", String(WITH_MAGIC.length), String(WITH_MAGIC.length), true, true],
    ],
  );
  assert.equal(r.analyzer.length, 0);
  assert.deepEqual(r.events, [
    `file local doc/a.pdf ZIP::CompressionMethod_Deflate ${Date.UTC(2024, 1, 29, 12, 34, 56) / 1000} fid`,
    `file local notes.txt ZIP::CompressionMethod_Uncompressed ${Date.UTC(2024, 1, 29, 12, 34, 56) / 1000} fid`,
    `file local d.txt ZIP::CompressionMethod_Deflate ${Date.UTC(2024, 1, 29, 12, 34, 56) / 1000} fid`,
    `file local s.txt ZIP::CompressionMethod_Uncompressed ${Date.UTC(2024, 1, 29, 12, 34, 56) / 1000} fid`,
    `file global doc/a.pdf ZIP::CompressionMethod_Deflate ${Date.UTC(2024, 1, 29, 12, 34, 56) / 1000} -`,
    `file global notes.txt ZIP::CompressionMethod_Uncompressed ${Date.UTC(2024, 1, 29, 12, 34, 56) / 1000} -`,
    `file global d.txt ZIP::CompressionMethod_Deflate ${Date.UTC(2024, 1, 29, 12, 34, 56) / 1000} -`,
    `file global s.txt ZIP::CompressionMethod_Uncompressed ${Date.UTC(2024, 1, 29, 12, 34, 56) / 1000} -`,
    "end ",
  ]);
});

test("an archive inside an archive is read too; an empty member is a file without a name (it ended before ZIP::file ran)", async () => {
  const inner = zip([{ name: "in/x.txt", data: text("inner text\n"), deflate: true }], "inner");
  const r = await run(
    zip(
      [
        { name: "dir/", data: new Uint8Array(0) },
        { name: "inner.zip", data: inner },
      ],
      "outer",
    ),
  );
  assert.deepEqual(
    r.files.map((f) => [f.source, f.filename, f.mime_type]),
    [
      ["ZIP", "-", "-"],
      ["ZIP", "in/x.txt", "text/plain"],
      ["ZIP", "inner.zip", "application/zip"],
      ["HTTP", "-", "application/zip"],
    ],
  );
  assert.deepEqual(
    r.events.filter((e) => e.startsWith("end")),
    ["end inner", "end outer"],
  );
});

test("a member whose CRC-32 is not the header's is a violation of the file analyzer (analyzer.log, kind file); reading stops", async () => {
  const r = await run(
    zip([
      { name: "bad.txt", data: text("bad crc\n"), badCrc: true },
      { name: "after.txt", data: text("never read\n") },
    ]),
  );
  assert.deepEqual(
    r.analyzer.map((a) => [a.analyzer_kind, a.analyzer_name, a.failure_reason, a.fuid === r.files.at(-1)!.fuid]),
    [["file", "ZIP", "CRC mismatch", true]],
  );
  assert.deepEqual(
    r.files.map((f) => f.filename),
    ["bad.txt", "-"],
  );
});

test("without policy/files/zip/register an archive is one file", async () => {
  const r = await run(zip([{ name: "a.txt", data: text("a\n") }]), []);
  assert.deepEqual(
    r.files.map((f) => f.source),
    ["HTTP"],
  );
  assert.deepEqual(r.events, []);
});

test("fuzz: random and mutated archives never throw out of the analyzer", async () => {
  const rand = rng(0x21b);
  const base = zip([
    { name: "a.txt", data: text("aaaa".repeat(300)), deflate: true },
    { name: "b.bin", data: Uint8Array.from({ length: 700 }, (_, i) => i & 0xff), descriptor: true },
  ]);
  for (let round = 0; round < 60; round++) {
    const archive = round % 3 === 0 ? Uint8Array.from({ length: 200 + Math.floor(rand() * 2000) }, () => Math.floor(rand() * 256)) : base.slice();
    if (round % 3 !== 0) for (let k = 0; k < 1 + round; k++) archive[Math.floor(rand() * archive.length)] = Math.floor(rand() * 256);
    if (round % 3 !== 0) archive.set([0x50, 0x4b, 0x03, 0x04], 0);
    const r = await run(archive);
    assert.ok(r.files.length >= 1);
  }
});
