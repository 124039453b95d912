/**
 * The PE file analyzer and pe.log (Zeek's base/files/pe): an executable
 * carried by HTTP is sniffed as application/x-dosexec, its headers read and
 * logged when the file ends; a file whose header offset is out of bounds
 * gets no row, and nothing throws. The events carry Zeek's whole records
 * (PE::DOSHeader, FileHeader, OptionalHeader, SectionHeader) and the stub
 * program (pe_dos_code), in the order binpac's parse raises them.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { FaFile } from "../../src/files/file.js";
import type { PeDosHeader, PeFileHeader, PeOptionalHeader, PeSectionHeader } from "../../src/files/pe/pe.js";
import { Engine, loadBuiltinScripts } from "../../src/index.js";
import { runDefault } from "../analyzer/app/ics-wire.js";
import { conversation } from "../analyzer/app/ssh-wire.js";
import { memorySource } from "../helpers/packets.js";

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

/** A PE32 image (magic 0x10b) with a DOS stub, every header field set to a distinct value. */
function pe32Image(stub: string, magic = 0x10b): Uint8Array {
  const peAt = 64 + stub.length;
  const dos = new Array<number>(64).fill(0);
  dos.splice(0, 2, 0x4d, 0x5a);
  for (let i = 1; i <= 13; i++) dos.splice(2 * i, 2, ...le16(0x100 + i)); // used_bytes_in_last_page .. overlay_num
  dos.splice(36, 4, ...le16(0x0777), ...le16(0x0888)); // oem_id, oem_info
  dos.splice(0x3c, 4, ...le32(peAt));
  const opt = new Array<number>(224).fill(0);
  opt.splice(0, 4, ...le16(magic), 14, 29);
  opt.splice(4, 20, ...le32(0x1000), ...le32(0x2000), ...le32(0x300), ...le32(0x1234), ...le32(0x1000)); // code, init, uninit, entry, base_of_code
  opt.splice(24, 8, ...le32(0x3000), ...le32(0x400000)); // base_of_data, image_base
  opt.splice(32, 8, ...le32(0x1000), ...le32(0x200)); // section and file alignment
  opt.splice(40, 12, ...le16(5), ...le16(1), ...le16(2), ...le16(3), ...le16(4), ...le16(6));
  opt.splice(56, 16, ...le32(0x9000), ...le32(0x400), ...le32(0xabcd), ...le16(2), ...le16(0x8140));
  opt.splice(92, 4, ...le32(16));
  opt.splice(96 + 8 * 2 + 4, 4, ...le32(0x28)); // resource table size
  const file = [...le16(0x14c), ...le16(1), ...le32(1234567890), ...le32(0x5000), ...le32(7), ...le16(opt.length), ...le16(0x0102)];
  const section = new Array<number>(40).fill(0);
  section.splice(0, 5, ...Buffer.from(".text", "latin1"));
  section.splice(8, 28, ...le32(0x800), ...le32(0x1000), ...le32(0xa00), ...le32(0x400), ...le32(0x11), ...le32(0x22), ...le16(3), ...le16(4));
  section.splice(36, 4, ...le32(0xe0000020)); // CNT_CODE, MEM_EXECUTE, MEM_READ, MEM_WRITE
  return new Uint8Array([...dos, ...Buffer.from(stub, "latin1"), 0x50, 0x45, 0, 0, ...file, ...opt, ...section, ...new Array<number>(600).fill(0xcc)]);
}

interface PeSeen {
  order: string[];
  dos?: PeDosHeader;
  code?: Uint8Array;
  file?: PeFileHeader;
  opt?: PeOptionalHeader;
  sections: PeSectionHeader[];
}

async function peEvents(image: Uint8Array): Promise<PeSeen> {
  const engine = new Engine({});
  const scripts = loadBuiltinScripts(engine, { memory: true });
  const seen: PeSeen = { order: [], sections: [] };
  const note = (name: string) => (_f: FaFile) => seen.order.push(name);
  engine.on("pe_dos_header", (f, h) => {
    note("pe_dos_header")(f);
    seen.dos = h;
  });
  engine.on("pe_dos_code", (f, code) => {
    note("pe_dos_code")(f);
    seen.code = code;
  });
  engine.on("pe_file_header", (f, h) => {
    note("pe_file_header")(f);
    seen.file = h;
  });
  engine.on("pe_optional_header", (f, h) => {
    note("pe_optional_header")(f);
    seen.opt = h;
  });
  engine.on("pe_section_header", (f, h) => {
    note("pe_section_header")(f);
    seen.sections.push(h);
  });
  await engine.run(memorySource(conversation(httpServing(image), { sport: 80 })));
  scripts.close();
  return seen;
}

test("PE: the events carry Zeek's whole records and the DOS stub, in the parse's order", async () => {
  const stub = "\x0e\x1f\xba\x0e\x00\xb4\x09\xcd\x21This program cannot be run in DOS mode.\r\r\n$";
  const seen = await peEvents(pe32Image(stub));
  assert.deepEqual(seen.order, ["pe_dos_header", "pe_dos_code", "pe_file_header", "pe_optional_header", "pe_section_header"]);
  assert.deepEqual(seen.dos, {
    signature: "MZ",
    used_bytes_in_last_page: 0x101,
    file_in_pages: 0x102,
    num_reloc_items: 0x103,
    header_in_paragraphs: 0x104,
    min_extra_paragraphs: 0x105,
    max_extra_paragraphs: 0x106,
    init_relative_ss: 0x107,
    init_sp: 0x108,
    checksum: 0x109,
    init_ip: 0x10a,
    init_relative_cs: 0x10b,
    addr_of_reloc_table: 0x10c,
    overlay_num: 0x10d,
    oem_id: 0x777,
    oem_info: 0x888,
    addr_of_new_exe_header: 64 + stub.length,
  });
  assert.equal(Buffer.from(seen.code!).toString("latin1"), stub);
  assert.deepEqual(seen.file, {
    machine: 0x14c,
    ts: 1234567890,
    sym_table_ptr: 0x5000,
    num_syms: 7,
    optional_header_size: 224,
    characteristics: new Set([0x0002, 0x0100]),
  });
  assert.deepEqual(seen.opt, {
    magic: 0x10b,
    major_linker_version: 14,
    minor_linker_version: 29,
    size_of_code: 0x1000,
    size_of_init_data: 0x2000,
    size_of_uninit_data: 0x300,
    addr_of_entry_point: 0x1234,
    base_of_code: 0x1000,
    base_of_data: 0x3000,
    image_base: 0x400000,
    section_alignment: 0x1000,
    file_alignment: 0x200,
    os_version_major: 5,
    os_version_minor: 1,
    major_image_version: 2,
    minor_image_version: 3,
    major_subsys_version: 4,
    minor_subsys_version: 6,
    size_of_image: 0x9000,
    size_of_headers: 0x400,
    checksum: 0xabcd,
    subsystem: 2,
    dll_characteristics: new Set([0x0040, 0x0100, 0x8000]),
    table_sizes: [0, 0, 0x28, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
  });
  assert.deepEqual(seen.sections, [
    {
      name: ".text",
      virtual_size: 0x800,
      virtual_addr: 0x1000,
      size_of_raw_data: 0xa00,
      ptr_to_raw_data: 0x400,
      ptr_to_relocs: 0x11,
      ptr_to_line_nums: 0x22,
      num_of_relocs: 3,
      num_of_line_nums: 4,
      // All 32 bits, as Zeek's characteristics_to_zeek(c, 32) gives them.
      characteristics: new Set([0x20, 0x20000000, 0x40000000, 0x80000000]),
    },
  ]);
});

test("PE: no stub is an empty pe_dos_code; a ROM image has no base_of_data; an unknown magic raises no pe_optional_header", async () => {
  const bare = await peEvents(pe32Image(""));
  assert.deepEqual(bare.code, new Uint8Array(0));
  const rom = await peEvents(pe32Image("", 0x107));
  // The ROM layout as Zeek's parser reads it: no base_of_data, a 32-bit image base right after base_of_code.
  assert.equal(rom.opt?.base_of_data, undefined);
  assert.equal(rom.opt?.image_base, 0x3000);
  assert.equal(rom.opt?.section_alignment, 0x400000);
  const odd = await peEvents(pe32Image("", 0x999));
  assert.deepEqual(odd.order, ["pe_dos_header", "pe_dos_code", "pe_file_header", "pe_section_header"]);
});
