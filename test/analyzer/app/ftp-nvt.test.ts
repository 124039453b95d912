/**
 * FTP's NVT line splitter on its own: Zeek's rules for line ends, NULs,
 * lone CRs, Telnet commands and the line bound, and that how a stream is cut
 * into chunks never changes what comes out: the chunked runs (which search
 * long runs with indexOf, remembering where each decided byte is) against the
 * same stream fed one byte at a time (where every byte is looked at alone).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { NvtLines } from "../../../src/analyzer/app/ftp/nvt.js";
import { rng } from "../../helpers/rng.js";

/** Everything the splitter hands out, in order: lines as latin1 text and weirds as "!name addl". */
function run(chunks: readonly Uint8Array[], maxLine?: number): string[] {
  const out: string[] = [];
  const sink = {
    line: (_isOrig: boolean, line: Uint8Array) => out.push(Buffer.from(line).toString("latin1")),
    weird: (name: string, addl?: string) => out.push(`!${name} ${addl ?? ""}`),
    ignoreNul: () => false,
  };
  const nvt = new NvtLines(true, sink, { singleCR: false, nulInLine: false }, maxLine);
  for (const chunk of chunks) nvt.deliver(chunk);
  nvt.endOfData();
  return out;
}

const bytes = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

/** `data` cut at random places, into views of one buffer (as the reassembler hands them over). */
function chunked(data: Uint8Array, next: () => number, maxChunk: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < data.length; ) {
    const len = 1 + Math.floor(next() * maxChunk);
    chunks.push(data.subarray(at, at + len));
    at += len;
  }
  return chunks;
}

const oneByOne = (data: Uint8Array) => Array.from(data, (_, i) => data.subarray(i, i + 1));

test("lines end at LF with a CR before it dropped; a lone CR and the first NUL are weirds", () => {
  assert.deepEqual(run([bytes("USER anonymous\r\nPASS a@b\nSYST\r\r\nNO\0OP\r\nX\0Y\n")]), [
    "USER anonymous",
    "PASS a@b",
    "!line_terminated_with_single_CR ",
    "SYST\r",
    "!NUL_in_line ",
    "NOOP",
    "X\0Y",
  ]);
});

test("Telnet commands are taken out and IAC IAC leaves one 0xFF", () => {
  // IAC IP (2 bytes), IAC DO 1 (3 bytes), IAC SB ... IAC SE, IAC IAC.
  assert.deepEqual(run([bytes("AB\xff\xf4OR\xff\xfd\x01T\xff\xfa\x18\x01\xff\xf0 \xff\xffZ\r\n")]), ["ABORT \xffZ"]);
});

test("a line longer than the bound is handed over in pieces with nvt_line_size_exceeded", () => {
  // As in Zeek's NVT loop, the byte that finds the buffer full is dropped with the piece's hand-over.
  const long = new Uint8Array(5000).fill(0x41);
  const out = run([long.subarray(0, 1400), long.subarray(1400, 2800), long.subarray(2800)], 2048);
  assert.deepEqual(
    out.map((x) => (x.startsWith("!") ? x : x.length)),
    ["!nvt_line_size_exceeded 2048", 2047, "!nvt_line_size_exceeded 2048", 2047, 902],
  );
});

test("chunking never changes the lines or weirds: random streams against one byte at a time", () => {
  const next = rng(0x6e7674);
  // Mostly printable runs, long and short, with every byte the loop decides on mixed in.
  const alphabet = [0x41, 0x20, 0x2f, 0x0a, 0x0d, 0x00, 0xff, 0xfd, 0xfa, 0xf0, 0xf4, 0x01];
  for (let round = 0; round < 300; round++) {
    const data = new Uint8Array(1 + Math.floor(next() * 6000));
    for (let i = 0; i < data.length; ) {
      const runLength = next() < 0.2 ? Math.floor(next() * 3000) : Math.floor(next() * 60);
      data.fill(0x61 + (round % 26), i, i + runLength);
      i += runLength;
      if (i < data.length) data[i++] = alphabet[Math.floor(next() * alphabet.length)]!;
    }
    const maxLine = next() < 0.5 ? 1024 : undefined;
    const expected = run(oneByOne(data), maxLine);
    assert.deepEqual(run(chunked(data, next, 1 + Math.floor(next() * 3000)), maxLine), expected, `round ${round}`);
    assert.deepEqual(run([data], maxLine), expected, `round ${round}, whole`);
  }
});

test("a line handed over may deliver more to the same splitter: the outer chunk's search is not misled", () => {
  // The sink answers the first line by delivering another chunk (with its own line ends at other
  // places) before the outer delivery goes on through long runs.
  const runReentrant = (chunks: readonly Uint8Array[]): string[] => {
    const out: string[] = [];
    let injected = false;
    const sink = {
      line: (_isOrig: boolean, line: Uint8Array) => {
        out.push(Buffer.from(line).toString("latin1"));
        if (!injected) {
          injected = true;
          nvt.deliver(bytes(`inner\n${"z".repeat(100)}\r\n${"y".repeat(70)}\n`));
        }
      },
      weird: (name: string) => out.push(`!${name}`),
      ignoreNul: () => false,
    };
    const nvt = new NvtLines(true, sink, { singleCR: false, nulInLine: false });
    for (const chunk of chunks) nvt.deliver(chunk);
    return out;
  };
  const data = bytes(`first\n${"a".repeat(90)}\n${"b".repeat(200)}\r\n${"c".repeat(60)}\n`);
  const expected = runReentrant(oneByOne(data));
  assert.deepEqual(runReentrant([data]), expected);
  assert.equal(expected.length, 7);
});

test("a view delivered again with new bytes (a reused buffer) is searched again", () => {
  const buffer = new Uint8Array(200);
  const first = `${"a".repeat(100)}\n${"b".repeat(98)}\n`;
  const second = `${"c".repeat(60)}\n${"d".repeat(138)}\n`;
  const feed = (chunks: readonly string[]): string[] => {
    const out: string[] = [];
    const sink = { line: (_o: boolean, l: Uint8Array) => out.push(Buffer.from(l).toString("latin1")), weird: () => {}, ignoreNul: () => false };
    const nvt = new NvtLines(true, sink, { singleCR: false, nulInLine: false });
    for (const text of chunks) {
      buffer.set(bytes(text));
      nvt.deliver(buffer);
    }
    return out;
  };
  assert.deepEqual(feed([first, second]), ["a".repeat(100), "b".repeat(98), "c".repeat(60), "d".repeat(138)]);
});
