import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { test } from "node:test";
import { gzipSync } from "node:zlib";
import { interfaceRemoved } from "../../src/source/live.js";
import { openTrace, openTraceStream, readTrace } from "../../src/source/open.js";
import { TraceError } from "../../src/source/raw-packet.js";
import { collect, concatBytes, epb, idb, type PcapRecord, payload, pcapFile, readBytes, readStream, repoRoot, shb, tempDir } from "./trace-builder.js";

const repo = repoRoot();

function someRecords(n: number, size: (i: number) => number): PcapRecord[] {
  return Array.from({ length: n }, (_, i) => ({ sec: 1_600_000_000 + i, sub: i % 1_000_000, data: payload(i, size(i)) }));
}

async function openError(path: string): Promise<string> {
  try {
    await openTrace(path);
  } catch (err) {
    assert.ok(err instanceof TraceError, `a TraceError, not ${String(err)}`);
    assert.ok(!err.message.includes("\n"), "one line");
    return err.message;
  }
  assert.fail(`opening ${path} should fail`);
}

test("open errors: one clear line each", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const file = (name: string, bytes: Uint8Array | string): string => {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    return path;
  };
  const missing = join(dir, "nope.pcap");
  assert.equal(await openError(missing), `cannot open ${missing}: no such file`);
  mkdirSync(join(dir, "sub"));
  assert.equal(await openError(join(dir, "sub")), `cannot open ${join(dir, "sub")}: is a directory`);
  const empty = file("empty.pcap", "");
  assert.equal(await openError(empty), `cannot read ${empty}: empty file`);
  const http = file("http.pcap", "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n");
  assert.equal(await openError(http), `${http} is not a pcap or pcapng trace: looks like text: "GET / HTTP/1.1"`);
  const binary = file("bin.pcap", Uint8Array.of(0xde, 0xad, 0xbe, 0xef, 0, 1, 2, 3, 4, 5, 6));
  assert.equal(await openError(binary), `${binary} is not a pcap or pcapng trace: first bytes are de ad be ef 00 01 02 03`);
  const bz = file("x.pcap.bz2", Uint8Array.of(0x42, 0x5a, 0x68, 0x39, 0x31, 0x41, 0x59, 0x26, 0x53, 0xfe));
  assert.equal(await openError(bz), `${bz} is not a pcap or pcapng trace: looks like bzip2 data (only gzip is decompressed)`);
  const v1 = file("v1.pcap", pcapFile({ major: 1, minor: 0 }, []));
  assert.equal(await openError(v1), `${v1}: unsupported pcap version 1.0 (only 2.0 to 2.4 are readable)`);
  const shortHeader = file("short.pcap", pcapFile({}, []).subarray(0, 10));
  assert.equal(await openError(shortHeader), `${shortHeader}: truncated pcap file header (10 of 24 bytes)`);
  const ng2 = file("v2.pcapng", shb(true, 2, 0));
  assert.equal(await openError(ng2), `${ng2}: unsupported pcapng version 2.0`);
  const gzText = file("notes.txt.gz", gzipSync("hello world\n"));
  assert.equal(await openError(gzText), `${gzText} (gzip) is not a pcap or pcapng trace: looks like text: "hello world"`);
  const gzEmpty = file("empty.gz", gzipSync(new Uint8Array(0)));
  assert.equal(await openError(gzEmpty), `cannot read ${gzEmpty}: gzip data decompresses to nothing`);
});

test("readTrace reports open errors from run()", async () => {
  await assert.rejects(
    readTrace("/nonexistent/x.pcap").run(() => {}),
    /cannot open \/nonexistent\/x.pcap: no such file/,
  );
});

test("gzip is detected by content, whatever the file name; progress counts compressed bytes", async () => {
  const plain = pcapFile(
    { le: false },
    someRecords(300, (i) => 60 + (i % 50)),
  );
  const expected = await readBytes(plain);
  const gz = gzipSync(plain);
  for (const name of ["trace.pcap", "trace.gz", "noext"]) assert.deepEqual(await readBytes(gz, name), expected, name);

  const { dir, cleanup } = tempDir();
  try {
    const path = join(dir, "p.pcap");
    writeFileSync(path, gz);
    const source = await openTrace(path);
    await collect(source);
    assert.deepEqual(source.progress(), { bytesRead: gz.length, totalBytes: gz.length });
  } finally {
    cleanup();
  }
});

test("gzip pcapng too", async () => {
  const ng = concatBytes(shb(true), idb(true, 1, 0), epb(true, 0, 5n, payload(0, 9)));
  const { packets } = await readBytes(gzipSync(ng), "ng.gz");
  assert.deepEqual(packets[0]!.bytes, payload(0, 9));
});

test("gzip cut short: packets before the cut, then a message naming gzip", async () => {
  const plain = pcapFile(
    {},
    someRecords(2000, () => 100),
  );
  const gz = gzipSync(plain, { level: 1 });
  const { packets, summary } = await readBytes(gz.subarray(0, Math.floor(gz.length / 2)), "cut.pcap.gz");
  assert.ok(packets.length > 0 && packets.length < 2000, `${packets.length} packets`);
  assert.deepEqual(packets[packets.length - 1]!.bytes, payload(packets.length - 1, 100));
  assert.match(
    summary.truncated ?? "",
    new RegExp(`^gzip data ends or breaks after \\d+ decompressed bytes \\(packet ${packets.length + 1} incomplete\\): unexpected end of file$`),
  );
});

test("gzip with a wrong CRC: every packet is delivered (zlib's error drops its last output chunk; the file is salvaged), then the message", async () => {
  // 2.3 MB decompressed: more than the MiB output chunk the first pass decompresses in.
  const recs = someRecords(20_000, () => 100);
  const gz = gzipSync(pcapFile({}, recs), { level: 1 });
  gz[gz.length - 8]! ^= 0xff; // the trailer's CRC-32
  const { packets, summary } = await readBytes(gz, "crc.pcap.gz");
  assert.equal(packets.length, recs.length);
  assert.deepEqual(packets[recs.length - 1]!.bytes, recs[recs.length - 1]!.data);
  assert.match(
    summary.truncated ?? "",
    new RegExp(`^gzip data ends or breaks after \\d+ decompressed bytes \\(after packet ${recs.length}\\): incorrect data check$`),
  );
  // A wrong length in the trailer likewise.
  const gzLen = gzipSync(pcapFile({}, recs), { level: 1 });
  gzLen[gzLen.length - 1]! ^= 0x01;
  const byLength = await readBytes(gzLen, "len.pcap.gz");
  assert.equal(byLength.packets.length, recs.length);
  assert.match(byLength.summary.truncated ?? "", /: incorrect length check$/);
});

test("gzip on a stream with a wrong CRC: its trailer is written alone, so every packet is delivered, then the message", async () => {
  const recs = someRecords(20_000, () => 100);
  const gz = gzipSync(pcapFile({}, recs), { level: 1 });
  gz[gz.length - 6]! ^= 0x10;
  // Pieces that do not fall on the trailer's boundary: the last 8 bytes are held back across them.
  const { packets, summary } = await readStream(gz, 4099);
  assert.equal(packets.length, recs.length);
  assert.match(summary.truncated ?? "", /\(after packet 20000\): incorrect data check$/);
  // A good stream is read whole, trailer and all.
  const good = await readStream(gzipSync(pcapFile({}, recs.slice(0, 300))), 777);
  assert.equal(good.packets.length, 300);
  assert.equal(good.summary.truncated, null);
});

test("gzip damaged in the middle: the packets before the damage are delivered, then the message", async () => {
  // 230 kB decompressed, less than the first pass's output chunk: without the salvage nothing came out at all.
  const recs = someRecords(2000, () => 100);
  const gz = gzipSync(pcapFile({}, recs), { level: 1 });
  const at = Math.floor(gz.length / 2);
  for (let i = at; i < at + 64; i++) gz[i] = 0xff;
  const { packets, summary } = await readBytes(gz, "bad.pcap.gz");
  assert.ok(packets.length > 100 && packets.length < 2000, `${packets.length} packets`);
  for (let i = 0; i < 100; i++) assert.deepEqual(packets[i]!.bytes, recs[i]!.data, `packet ${i}`);
  // zlib may decode some of the damage into bytes before it sees the error: then a record is garbage first.
  assert.match(summary.truncated ?? "", /^(gzip data ends or breaks after \d+ decompressed bytes \(packet \d+ incomplete\): |corrupt pcap record at byte)/);
});

test("progress on a plain file reaches the file size", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const bytes = pcapFile(
      {},
      someRecords(10, () => 100),
    );
    const path = join(dir, "p.pcap");
    writeFileSync(path, bytes);
    const source = await openTrace(path);
    assert.equal(source.progress().totalBytes, bytes.length);
    await collect(source);
    assert.deepEqual(source.progress(), { bytesRead: bytes.length, totalBytes: bytes.length });
  } finally {
    cleanup();
  }
});

test("records straddling 4 MiB chunk boundaries are delivered intact", async () => {
  // ~12 MB of records with sizes that do not divide the chunk, so many records span a boundary.
  const size = (i: number): number => 500 + ((i * 7919) % 1400);
  const recs = someRecords(10_000, size);
  const { packets, summary } = await readBytes(pcapFile({}, recs));
  assert.equal(summary.truncated, null);
  assert.equal(packets.length, recs.length);
  for (let i = 0; i < recs.length; i++) {
    if (packets[i]!.caplen !== size(i) || packets[i]!.ts !== recs[i]!.sec + recs[i]!.sub / 1e6) assert.fail(`packet ${i} header`);
    assert.deepEqual(packets[i]!.bytes, recs[i]!.data, `packet ${i} bytes`);
  }
});

test("a record bigger than the chunk grows the buffer (D-Bus allows 128 MiB records)", async () => {
  const LINKTYPE_DBUS = 231;
  const giant = payload(1, 6 << 20);
  const recs: PcapRecord[] = [
    { sec: 1, sub: 0, data: payload(0, 100) },
    { sec: 2, sub: 0, data: giant },
    { sec: 3, sub: 0, data: payload(2, 100) },
  ];
  const { packets, summary } = await readBytes(pcapFile({ linktype: LINKTYPE_DBUS, snaplen: 0 }, recs));
  assert.equal(summary.truncated, null);
  assert.deepEqual(
    packets.map((p) => p.caplen),
    [100, 6 << 20, 100],
  );
  assert.deepEqual(packets[1]!.bytes, giant);
  assert.deepEqual(packets[2]!.bytes, payload(2, 100));
});

test("openTraceStream reads a Node Readable (plain and gzip) and reports no total size", async () => {
  const plain = concatBytes(shb(false), idb(false, 1, 0), epb(false, 0, 7n, payload(0, 40)), epb(false, 0, 8n, payload(1, 41)));
  for (const bytes of [plain, gzipSync(plain)]) {
    const source = await openTraceStream(Readable.from([Buffer.from(bytes)]), "readable");
    const { packets, summary } = await collect(source);
    assert.deepEqual(summary, { packets: 2, truncated: null });
    assert.deepEqual(packets[1]!.bytes, payload(1, 41));
    assert.deepEqual(source.progress(), { bytesRead: bytes.length, totalBytes: null });
  }
  await assert.rejects(openTraceStream(Readable.from([]), "-"), /^TraceError: cannot read -: empty input$/);
});

test("`-` reads standard input, gzip'd or not (child process)", () => {
  const plain = pcapFile(
    {},
    someRecords(500, (i) => 20 + (i % 90)),
  );
  const script = `
    import { openTrace } from "./src/source/open.ts";
    const source = await openTrace("-");
    let n = 0, bytes = 0;
    const summary = await source.run((p) => { n++; bytes += p.data[p.offset + p.caplen - 1]; });
    console.log(JSON.stringify({ n, bytes, summary }));`;
  const expectedBytes = someRecords(500, (i) => 20 + (i % 90)).reduce((s, r) => s + r.data[r.data.length - 1]!, 0);
  for (const input of [plain, gzipSync(plain)]) {
    const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: repo, input, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { n: 500, bytes: expectedBytes, summary: { packets: 500, truncated: null } });
  }
});

test("stop() from the sink ends the run after that packet, not truncated", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const path = join(dir, "stop.pcap");
  writeFileSync(
    path,
    pcapFile(
      {},
      someRecords(20_000, () => 400),
    ),
  );
  const source = await openTrace(path);
  let seen = 0;
  const summary = await source.run(() => {
    if (++seen === 12_345) source.stop();
  });
  assert.deepEqual(summary, { packets: 12_345, truncated: null });
});

test("stop() wakes a run waiting on a stream that sends nothing more", async () => {
  const stream = new Readable({ read() {} });
  stream.push(
    Buffer.from(
      pcapFile(
        {},
        someRecords(3, () => 10),
      ),
    ),
  );
  const source = await openTraceStream(stream, "pipe");
  let seen = 0;
  const done = source.run(() => void seen++);
  setTimeout(() => source.stop(), 50);
  assert.deepEqual(await done, { packets: 3, truncated: null });
  assert.equal(seen, 3);
});

test("a file run yields to the event loop between chunks (signals and timers can fire)", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const path = join(dir, "yield.pcap");
  writeFileSync(
    path,
    pcapFile(
      {},
      someRecords(40_000, () => 400),
    ),
  ); // ~16 MB: several chunks
  const source = await openTrace(path);
  let timerFiredAt = -1;
  let seen = 0;
  setImmediate(() => (timerFiredAt = seen));
  await source.run(() => void seen++);
  assert.ok(timerFiredAt > 0 && timerFiredAt < seen, `immediate ran at packet ${timerFiredAt} of ${seen}`);
});

test("a named pipe is read as a stream (gzip'd too), with no total size", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const fifo = join(dir, "pipe");
  if (spawnSync("mkfifo", [fifo]).status !== 0) return t.skip("mkfifo unavailable");
  const file = join(dir, "p.pcap.gz");
  writeFileSync(
    file,
    gzipSync(
      pcapFile(
        {},
        someRecords(100, () => 64),
      ),
    ),
  );
  const writer = spawn("sh", ["-c", `cat "${file}" > "${fifo}"`]);
  const writerDone = new Promise((done) => writer.on("close", done));
  const source = await openTrace(fifo);
  const { summary } = await collect(source);
  assert.deepEqual(summary, { packets: 100, truncated: null });
  assert.equal(source.progress().totalBytes, null);
  assert.equal(await writerDone, 0);
});

test("an interface is known removed only where Linux lists interfaces and no longer lists it; 'any' never", () => {
  const { dir, cleanup } = tempDir();
  try {
    mkdirSync(join(dir, "eth0"));
    assert.equal(interfaceRemoved("eth0", dir), false);
    assert.equal(interfaceRemoved("veth9", dir), true);
    assert.equal(interfaceRemoved("any", dir), false);
    // No such listing (another system): never known.
    assert.equal(interfaceRemoved("veth9", join(dir, "missing")), false);
  } finally {
    cleanup();
  }
});
