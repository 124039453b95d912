/**
 * The PE file analyzer and pe.log (Zeek's base/files/pe): an executable
 * carried by HTTP is sniffed as application/x-dosexec, its headers read and
 * logged when the file ends; a file whose header offset is out of bounds
 * gets no row, and nothing throws.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { runDefault } from "../analyzer/app/ics-wire.js";

const le16 = (v: number): number[] => [v & 0xff, (v >> 8) & 0xff];
const le32 = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];

/** A minimal PE32+ image: DOS header, "PE\0\0", file header, optional header with 16 directories, sections. */
function peImage(opts: { sections: string[]; peOffset?: number; badSignature?: boolean }): Uint8Array {
  const peAt = opts.peOffset ?? 64;
  const dos = new Array<number>(peAt).fill(0);
  dos[0] = 0x4d;
  dos[1] = 0x5a;
  dos.splice(0x3c, 4, ...le32(peAt));
  const opt = new Array<number>(240).fill(0);
  opt.splice(0, 2, ...le16(0x20b));
  opt.splice(40, 4, ...le16(6), ...le16(1)); // Windows 7
  opt.splice(68, 4, ...le16(3), ...le16(0x0140)); // WINDOWS_CUI; DYNAMIC_BASE, NX_COMPAT
  opt.splice(108, 4, ...le32(16));
  opt.splice(112 + 8 + 4, 4, ...le32(0x50)); // import table size
  const file = [...le16(0x8664), ...le16(opts.sections.length), ...le32(1600000000), ...le32(0), ...le32(0), ...le16(opt.length), ...le16(0x0022)];
  const sections = opts.sections.flatMap((n) => {
    const s = new Array<number>(40).fill(0);
    for (let i = 0; i < n.length; i++) s[i] = n.charCodeAt(i);
    return s;
  });
  const sig = opts.badSignature ? [0x4e, 0x45, 0, 0] : [0x50, 0x45, 0, 0];
  return new Uint8Array([...dos, ...sig, ...file, ...opt, ...sections, ...new Array<number>(600).fill(0x90)]);
}

function httpServing(body: Uint8Array): Parameters<typeof runDefault>[0] {
  const head = `HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: ${body.length}\r\n\r\n`;
  return [
    { from: "c", data: "GET /tool.exe HTTP/1.1\r\nHost: example.com\r\n\r\n" },
    { from: "s", data: new Uint8Array([...Buffer.from(head, "latin1"), ...body]) },
  ];
}

test("PE: an executable over HTTP gets the PE analyzer and a pe.log row (machine, compile time, os, subsystem, flags, sections)", async () => {
  const r = await runDefault(httpServing(peImage({ sections: [".text", ".rdata", ".reloc"] })), 80);
  const rows = r.logs("pe");
  assert.equal(rows.length, 1);
  assert.deepEqual(rows[0]!.split("\t").slice(2), [
    "AMD64",
    "1600000000.000000",
    "Windows 7 or Server 2008 R2",
    "WINDOWS_CUI",
    "T",
    "T",
    "T",
    "T",
    "F",
    "T",
    "T",
    "F",
    "F",
    "F",
    ".text,.rdata,.reloc",
  ]);
  assert.ok(r.logs("files").some((l) => l.includes("\tPE\t") && l.includes("application/x-dosexec")));
});

test("PE: like Zeek's, the PE signature is not checked: a 16-bit NE executable is logged from what its header offset points at", async () => {
  // An NE header read as a COFF file header: machine 0x01db, 503 "sections", no optional header (not an exe: no section names).
  const dos = new Array<number>(128).fill(0);
  dos.splice(0, 2, 0x4d, 0x5a);
  dos.splice(0x3c, 4, ...le32(0x80));
  const ne = [0x4e, 0x45, 0x05, 0x3c, ...le16(0x01db), ...le16(503), ...le32(0), ...le32(0x000c8309), ...le32(0x80), ...le16(0), ...le16(1)];
  const image = new Uint8Array([...dos, ...ne, ...new Array<number>(503 * 40 + 100).fill(0x41)]);
  const r = await runDefault(httpServing(image), 80);
  assert.deepEqual(
    r.logs("pe").map((l) => l.split("\t").slice(2).join(" ")),
    ["unknown-475 0.000000 - - F T F F F T - - - - -"],
  );
  // The same with a PE32+ image whose signature is wrong: the headers are read all the same.
  const bad = await runDefault(httpServing(peImage({ sections: [".text"], badSignature: true })), 80);
  assert.equal(bad.logs("pe")[0]?.split("\t").at(-1), ".text");
});

test("PE: a header offset past the bound gives no row, a file cut short only what it had; no exception", async () => {
  const far = peImage({ sections: [] });
  far.set([0xff, 0xff, 0xff, 0x7f], 0x3c); // e_lfanew far beyond the file
  const farRun = await runDefault(httpServing(far), 80);
  assert.deepEqual(farRun.logs("pe"), []);
  const cut = peImage({ sections: [".text", ".data"] }).subarray(0, 200); // ends inside the optional header
  // The file header was read: the row says what it gave, without optional header or sections.
  const cutRun = await runDefault(httpServing(cut), 80);
  assert.deepEqual(
    cutRun.logs("pe").map((l) => l.split("\t").slice(2).join(" ")),
    ["AMD64 1600000000.000000 - - T T F F F T - - - - -"],
  );
});
