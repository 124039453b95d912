/**
 * The PE file analyzer and Zeek's base/files/pe script. Files sniffed as
 * application/x-dosexec (Windows executables, whatever protocol carried
 * them) get the PE analyzer (Files::register_for_mime_types). It reads the
 * headers as the file's bytes arrive: the MS-DOS header (the offset of the
 * PE header), the COFF file header after the (unchecked) "PE\0\0", the
 * optional header (PE32 or PE32+) with its data directories, and the section
 * table, raising pe_dos_header, pe_file_header, pe_optional_header and
 * pe_section_header, and pe_dos_code with the MS-DOS stub program between
 * the two headers. The event records carry every field of Zeek's PE types.
 * The script keeps PE::Info on the file and writes pe.log when the file's
 * state is removed, if the file header was seen.
 *
 * Only the headers are kept (bounded: a PE header further than 1 MiB into
 * the file, or a header that is not what it claims, ends the analysis with
 * no row). A header offset Zeek's parser refuses (below 64, or 4 MiB or
 * more past the DOS header: its &enforce) is an analyzer_violation_info
 * with binpac's message, as Zeek reports the exception. Zeek's parser also
 * reads the import table but raises no event from it, so neither does bronze.
 */
import { registerEvents } from "../../event/events.js";
import type { LogManager } from "../../log/manager.js";
import { fields, type LogField } from "../../log/schema.js";
import { latin1, u16le, u32le } from "../../packet/bytes.js";
import type { AnalyzerScriptHost } from "../../scripts/host.js";
import type { ProtocolScript } from "../../scripts/protocols.js";
import type { FaFile, FileAnalyzer } from "../file.js";
import { onFileManager } from "../manager.js";

/** Zeek's PE::DOSHeader. */
export interface PeDosHeader {
  signature: string;
  used_bytes_in_last_page: number;
  file_in_pages: number;
  num_reloc_items: number;
  header_in_paragraphs: number;
  min_extra_paragraphs: number;
  max_extra_paragraphs: number;
  init_relative_ss: number;
  init_sp: number;
  checksum: number;
  init_ip: number;
  init_relative_cs: number;
  addr_of_reloc_table: number;
  overlay_num: number;
  oem_id: number;
  oem_info: number;
  addr_of_new_exe_header: number;
}

/** Zeek's PE::FileHeader. */
export interface PeFileHeader {
  machine: number;
  ts: number;
  sym_table_ptr: number;
  num_syms: number;
  optional_header_size: number;
  /** The characteristics bits that are set, as values (0x0100 = 32BIT_MACHINE…). */
  characteristics: Set<number>;
}

/** Zeek's PE::OptionalHeader. */
export interface PeOptionalHeader {
  magic: number;
  major_linker_version: number;
  minor_linker_version: number;
  size_of_code: number;
  size_of_init_data: number;
  size_of_uninit_data: number;
  addr_of_entry_point: number;
  base_of_code: number;
  /** PE32's only (absent in PE32+ and ROM images). */
  base_of_data?: number;
  image_base: number;
  section_alignment: number;
  file_alignment: number;
  os_version_major: number;
  os_version_minor: number;
  major_image_version: number;
  minor_image_version: number;
  major_subsys_version: number;
  minor_subsys_version: number;
  size_of_image: number;
  size_of_headers: number;
  checksum: number;
  subsystem: number;
  dll_characteristics: Set<number>;
  /** The data directories' sizes (0: export table, 1: import table, 4: certificates, 6: debug…). */
  table_sizes: number[];
}

/** Zeek's PE::SectionHeader. */
export interface PeSectionHeader {
  name: string;
  virtual_size: number;
  virtual_addr: number;
  size_of_raw_data: number;
  ptr_to_raw_data: number;
  ptr_to_relocs: number;
  ptr_to_line_nums: number;
  num_of_relocs: number;
  num_of_line_nums: number;
  characteristics: Set<number>;
}

export interface PeEvents {
  pe_dos_header: [f: FaFile, h: PeDosHeader];
  /** The MS-DOS stub program: the bytes between the DOS header and the PE header. */
  pe_dos_code: [f: FaFile, code: Uint8Array];
  pe_file_header: [f: FaFile, h: PeFileHeader];
  pe_optional_header: [f: FaFile, h: PeOptionalHeader];
  pe_section_header: [f: FaFile, h: PeSectionHeader];
}
declare module "../../event/events.js" {
  interface EventMap extends PeEvents {}
}
registerEvents<PeEvents>({ pe_dos_header: true, pe_dos_code: true, pe_file_header: true, pe_optional_header: true, pe_section_header: true });

/** The MIME types that get the analyzer (base/files/pe's pe_mime_types). */
export const PE_MIME_TYPES: ReadonlySet<string> = new Set(["application/x-dosexec"]);

const DOS_HEADER = 64;
const FILE_HEADER = 20;
const SECTION_HEADER = 40;
/** How far into the file the headers may reach. */
const MAX_HEADERS = 1 << 20;
/** Zeek's MAX_DOS_CODE_LENGTH: how far past the DOS header its parser lets the PE header's offset point. */
const MAX_DOS_CODE_LENGTH = 4 * 1024 * 1024;

/** The set bits of the `width`-bit flags `v`, as values (Zeek's characteristics_to_zeek). */
function bits(v: number, width: 16 | 32): Set<number> {
  const out = new Set<number>();
  for (let i = 0; i < width; i++) if ((v >>> i) & 1) out.add(2 ** i);
  return out;
}

/** The optional header's magic numbers Zeek's parser accepts. */
const PE32 = 0x10b;
const PE32_PLUS = 0x20b;
const PE_ROM = 0x107;

/** PE::DOSHeader from the 64 bytes at 0 (the header offset already read). */
function dosHeader(d: Uint8Array, peAt: number): PeDosHeader {
  return {
    signature: latin1(d.subarray(0, 2)),
    used_bytes_in_last_page: u16le(d, 2),
    file_in_pages: u16le(d, 4),
    num_reloc_items: u16le(d, 6),
    header_in_paragraphs: u16le(d, 8),
    min_extra_paragraphs: u16le(d, 10),
    max_extra_paragraphs: u16le(d, 12),
    init_relative_ss: u16le(d, 14),
    init_sp: u16le(d, 16),
    checksum: u16le(d, 18),
    init_ip: u16le(d, 20),
    init_relative_cs: u16le(d, 22),
    addr_of_reloc_table: u16le(d, 24),
    overlay_num: u16le(d, 26),
    // 28-35 reserved
    oem_id: u16le(d, 36),
    oem_info: u16le(d, 38),
    // 40-59 reserved
    addr_of_new_exe_header: peAt,
  };
}

/**
 * PE::OptionalHeader from the `size` bytes at `o`, or null when the magic is
 * none Zeek accepts (it raises no event then). The layout after the entry
 * point depends on the magic: PE32 has base_of_data and a 32-bit image base,
 * PE32+ a 64-bit image base and 64-bit stack/heap sizes; a ROM image (0x107)
 * has neither base_of_data nor those sizes, as Zeek's parser reads it.
 * Directories beyond the header's size are not read.
 */
function optionalHeader(d: Uint8Array, o: number, size: number): PeOptionalHeader | null {
  const magic = u16le(d, o);
  if (magic !== PE32 && magic !== PE32_PLUS && magic !== PE_ROM) return null;
  let at = o + 24;
  let baseOfData: number | undefined;
  let imageBase: number;
  if (magic === PE32_PLUS) {
    imageBase = u32le(d, at) + u32le(d, at + 4) * 0x100000000;
    at += 8;
  } else {
    if (magic === PE32) {
      baseOfData = u32le(d, at);
      at += 4;
    }
    imageBase = u32le(d, at);
    at += 4;
  }
  // From section_alignment (at) to dll_characteristics (at + 38), the same in every
  // format; then the stack and heap sizes, loader_flags, number_of_rva_and_sizes, the directories.
  const memInfo = magic === PE32_PLUS ? 32 : magic === PE32 ? 16 : 0;
  const count = at + 40 + memInfo + 4;
  const rvaCount = count + 4 <= o + size ? u32le(d, count) : 0;
  const dirs = count + 4;
  const tableSizes: number[] = [];
  for (let i = 0; i < rvaCount && dirs + 8 * i + 8 <= o + size; i++) tableSizes.push(u32le(d, dirs + 8 * i + 4));
  const h: PeOptionalHeader = {
    magic,
    major_linker_version: d[o + 2]!,
    minor_linker_version: d[o + 3]!,
    size_of_code: u32le(d, o + 4),
    size_of_init_data: u32le(d, o + 8),
    size_of_uninit_data: u32le(d, o + 12),
    addr_of_entry_point: u32le(d, o + 16),
    base_of_code: u32le(d, o + 20),
    image_base: imageBase,
    section_alignment: u32le(d, at),
    file_alignment: u32le(d, at + 4),
    os_version_major: u16le(d, at + 8),
    os_version_minor: u16le(d, at + 10),
    major_image_version: u16le(d, at + 12),
    minor_image_version: u16le(d, at + 14),
    major_subsys_version: u16le(d, at + 16),
    minor_subsys_version: u16le(d, at + 18),
    // at + 20: win32_version
    size_of_image: u32le(d, at + 24),
    size_of_headers: u32le(d, at + 28),
    checksum: u32le(d, at + 32),
    subsystem: u16le(d, at + 36),
    dll_characteristics: bits(u16le(d, at + 38), 16),
    table_sizes: tableSizes,
  };
  if (baseOfData !== undefined) h.base_of_data = baseOfData;
  return h;
}

/** PE::SectionHeader from the 40 bytes at `s` (the name up to its first NUL). */
function sectionHeader(d: Uint8Array, s: number): PeSectionHeader {
  let end = s;
  while (end < s + 8 && d[end] !== 0) end++;
  return {
    name: latin1(d.subarray(s, end)),
    virtual_size: u32le(d, s + 8),
    virtual_addr: u32le(d, s + 12),
    size_of_raw_data: u32le(d, s + 16),
    ptr_to_raw_data: u32le(d, s + 20),
    ptr_to_relocs: u32le(d, s + 24),
    ptr_to_line_nums: u32le(d, s + 28),
    num_of_relocs: u16le(d, s + 32),
    num_of_line_nums: u16le(d, s + 34),
    characteristics: bits(u32le(d, s + 36), 32),
  };
}

class PeAnalyzer implements FileAnalyzer {
  readonly name = "PE";
  private buf = new Uint8Array(1024);
  private have = 0;
  /** Bytes needed before the next step, and the step. */
  private need = DOS_HEADER;
  private step: "dos" | "code" | "pe" | "rest" = "dos";
  private peAt = 0;
  private sections = 0;
  private optSize = 0;
  constructor(
    private readonly f: FaFile,
    /** The analyzer's id (analyzer_violation_info's aid). */
    private readonly id: number,
  ) {}

  deliverStream(data: Uint8Array): boolean {
    let at = 0;
    for (;;) {
      const want = Math.min(data.length - at, this.need - this.have);
      if (want > 0) {
        if (this.have + want > this.buf.length) {
          const grown = new Uint8Array(Math.max(this.need, this.buf.length * 2));
          grown.set(this.buf.subarray(0, this.have));
          this.buf = grown;
        }
        this.buf.set(data.subarray(at, at + want), this.have);
        this.have += want;
        at += want;
      }
      if (this.have < this.need) return true;
      // Every header read (false), or the headers are bad (null): the analyzer is done.
      if (this.advance() !== true) return false;
    }
  }

  /**
   * One step once its bytes are in: true to go on, false when finished, null
   * when the headers are bad. Each header's event is queued as soon as its
   * bytes are in, as binpac's incremental parse raises them.
   */
  private advance(): boolean | null {
    const d = this.buf;
    const bus = this.f.manager.bus;
    if (this.step === "dos") {
      // Zeek checks neither "MZ" here nor "PE\0\0" below (its DOS header keeps
      // the signature as read, the NT headers' signature is a plain number):
      // an NE or LE executable gets a pe.log row from whatever its header
      // offset points at. Only the offset itself is enforced.
      this.peAt = u32le(d, 0x3c);
      if (this.peAt < DOS_HEADER || this.peAt - DOS_HEADER >= MAX_DOS_CODE_LENGTH) {
        this.violation("Binpac exception: binpac exception: &enforce violation : DOS_Header:AddressOfNewExeHeader");
        return null;
      }
      if (bus.wants.pe_dos_header) bus.queue("pe_dos_header", this.f, dosHeader(d, this.peAt));
      // bronze's own bound on what it buffers (Zeek's parser would wait for up to 4 MiB of stub).
      if (this.peAt + 4 + FILE_HEADER > MAX_HEADERS) return null;
      this.step = "code";
      this.need = this.peAt;
      return true;
    }
    const p = this.peAt;
    if (this.step === "code") {
      if (bus.wants.pe_dos_code) bus.queue("pe_dos_code", this.f, d.slice(DOS_HEADER, p));
      this.step = "pe";
      this.need = p + 4 + FILE_HEADER;
      return true;
    }
    if (this.step === "pe") {
      const h = p + 4;
      this.sections = u16le(d, h + 2);
      this.optSize = u16le(d, h + 16);
      if (bus.wants.pe_file_header) {
        bus.queue("pe_file_header", this.f, {
          machine: u16le(d, h),
          ts: u32le(d, h + 4),
          sym_table_ptr: u32le(d, h + 8),
          num_syms: u32le(d, h + 12),
          optional_header_size: this.optSize,
          characteristics: bits(u16le(d, h + 18), 16),
        });
      }
      this.step = "rest";
      this.need = h + FILE_HEADER + this.optSize + this.sections * SECTION_HEADER;
      if (this.need > MAX_HEADERS) return null;
      return true;
    }
    const o = p + 4 + FILE_HEADER;
    if (this.optSize >= 72 && bus.wants.pe_optional_header) {
      const h = optionalHeader(d, o, this.optSize);
      if (h !== null) bus.queue("pe_optional_header", this.f, h);
    }
    for (let i = 0; i < this.sections; i++) {
      const s = o + this.optSize + i * SECTION_HEADER;
      if (bus.wants.pe_section_header) bus.queue("pe_section_header", this.f, sectionHeader(d, s));
    }
    return false;
  }

  /** Zeek's file analyzer violation: analyzer_violation_info with the file (no data: PE's gives none). */
  private violation(reason: string): void {
    const bus = this.f.manager.bus;
    if (bus.wants.analyzer_violation_info) bus.queue("analyzer_violation_info", "PE", { reason, f: this.f, aid: this.id });
  }

  undelivered(): boolean {
    return false;
  }
  endOfFile(): void {}
}

onFileManager((m) => m.registerAnalyzer("PE", (f, _args, id) => new PeAnalyzer(f, id)));

// ---------------------------------------------------------------- base/files/pe

const MACHINE_TYPES = new Map<number, string>([
  [0x00, "UNKNOWN"],
  [0x1d3, "AM33"],
  [0x8664, "AMD64"],
  [0x1c0, "ARM"],
  [0x1c4, "ARMNT"],
  [0xaa64, "ARM64"],
  [0xebc, "EBC"],
  [0x14c, "I386"],
  [0x200, "IA64"],
  [0x9041, "M32R"],
  [0x266, "MIPS16"],
  [0x366, "MIPSFPU"],
  [0x466, "MIPSFPU16"],
  [0x1f0, "POWERPC"],
  [0x1f1, "POWERPCFP"],
  [0x166, "R4000"],
  [0x1a2, "SH3"],
  [0x1a3, "SH3DSP"],
  [0x1a6, "SH4"],
  [0x1a8, "SH5"],
  [0x1c2, "THUMB"],
  [0x169, "WCEMIPSV2"],
]);
const SUBSYSTEMS = new Map<number, string>([
  [0, "UNKNOWN"],
  [1, "NATIVE"],
  [2, "WINDOWS_GUI"],
  [3, "WINDOWS_CUI"],
  [7, "POSIX_CUI"],
  [9, "WINDOWS_CE_GUI"],
  [10, "EFI_APPLICATION"],
  [11, "EFI_BOOT_SERVICE_DRIVER"],
  [12, "EFI_RUNTIME_DRIVER"],
  [13, "EFI_ROM"],
  [14, "XBOX"],
]);
const OS_VERSIONS = new Map<string, string>([
  ["10,0", "Windows 10"],
  ["6,4", "Windows 10 Technical Preview"],
  ["6,3", "Windows 8.1 or Server 2012 R2"],
  ["6,2", "Windows 8 or Server 2012"],
  ["6,1", "Windows 7 or Server 2008 R2"],
  ["6,0", "Windows Vista or Server 2008"],
  ["5,2", "Windows XP x64 or Server 2003"],
  ["5,1", "Windows XP"],
  ["5,0", "Windows 2000"],
  ["4,90", "Windows Me"],
  ["4,10", "Windows 98"],
  ["4,0", "Windows 95 or NT 4.0"],
  ["3,51", "Windows NT 3.51"],
  ["3,50", "Windows NT 3.5"],
  ["3,2", "Windows 3.2"],
  ["3,11", "Windows for Workgroups 3.11"],
  ["3,10", "Windows 3.1 or NT 3.1"],
  ["3,0", "Windows 3.0"],
  ["2,11", "Windows 2.11"],
  ["2,10", "Windows 2.10"],
  ["2,0", "Windows 2.0"],
  ["1,4", "Windows 1.04"],
  ["1,3", "Windows 1.03"],
  ["1,1", "Windows 1.01"],
  ["1,0", "Windows 1.0"],
]);
const IMAGE_FILE_32BIT_MACHINE = 0x0100;
const DYNAMIC_BASE = 0x0040;
const FORCE_INTEGRITY = 0x0080;
const NX_COMPAT = 0x0100;
const NO_SEH = 0x0400;

/** PE::Info. */
interface PeInfo {
  ts: number;
  machine?: string;
  compile_ts?: number;
  os?: string;
  subsystem?: string;
  is_exe: boolean;
  is_64bit: boolean;
  uses_aslr: boolean;
  uses_dep: boolean;
  uses_code_integrity: boolean;
  uses_seh: boolean;
  has_import_table?: boolean;
  has_export_table?: boolean;
  has_cert_table?: boolean;
  has_debug_data?: boolean;
  section_names?: string[];
}

export const PE_FIELDS: readonly LogField[] = fields(
  ["ts", "time"],
  ["id", "string"],
  ["machine", "string"],
  ["compile_ts", "time"],
  ["os", "string"],
  ["subsystem", "string"],
  ["is_exe", "bool"],
  ["is_64bit", "bool"],
  ["uses_aslr", "bool"],
  ["uses_dep", "bool"],
  ["uses_code_integrity", "bool"],
  ["uses_seh", "bool"],
  ["has_import_table", "bool"],
  ["has_export_table", "bool"],
  ["has_cert_table", "bool"],
  ["has_debug_data", "bool"],
  ["section_names", "vector[string]"],
);

export function loadPeScript(host: AnalyzerScriptHost, logs: LogManager): void {
  const log = logs.open({ path: "pe", fields: PE_FIELDS });
  // PE::set_file.
  const info = (f: FaFile): PeInfo => {
    let i = f.scripts.get("pe") as PeInfo | undefined;
    if (i === undefined) {
      i = { ts: f.info?.ts ?? f.last_active, is_exe: true, is_64bit: true, uses_aslr: false, uses_dep: false, uses_code_integrity: false, uses_seh: true };
      f.scripts.set("pe", i);
    }
    return i;
  };

  host.on(
    "file_sniff",
    (f, meta) => {
      if (meta.mime_type !== undefined && PE_MIME_TYPES.has(meta.mime_type)) f.addAnalyzer("PE");
    },
    { priority: 5 },
  );
  host.on("pe_dos_header", (f) => void info(f), { priority: 5 });
  host.on(
    "pe_file_header",
    (f, h) => {
      const i = info(f);
      i.machine = MACHINE_TYPES.get(h.machine) ?? `unknown-${h.machine}`;
      i.compile_ts = h.ts;
      i.is_exe = h.optional_header_size > 0;
      if (h.characteristics.has(IMAGE_FILE_32BIT_MACHINE)) i.is_64bit = false;
    },
    { priority: 5 },
  );
  host.on(
    "pe_optional_header",
    (f, h) => {
      const i = info(f);
      if (!i.is_exe) return;
      i.os = OS_VERSIONS.get(`${h.os_version_major},${h.os_version_minor}`) ?? `unknown-${h.os_version_major}.${h.os_version_minor}`;
      i.subsystem = SUBSYSTEMS.get(h.subsystem) ?? `unknown-${h.subsystem}`;
      const dll = h.dll_characteristics;
      if (dll.has(DYNAMIC_BASE)) i.uses_aslr = true;
      if (dll.has(FORCE_INTEGRITY)) i.uses_code_integrity = true;
      if (dll.has(NX_COMPAT)) i.uses_dep = true;
      if (dll.has(NO_SEH)) i.uses_seh = false;
      const t = h.table_sizes;
      i.has_export_table = t.length > 0 && t[0]! > 0;
      i.has_import_table = t.length > 1 && t[1]! > 0;
      i.has_cert_table = t.length > 4 && t[4]! > 0;
      i.has_debug_data = t.length > 6 && t[6]! > 0;
    },
    { priority: 5 },
  );
  host.on(
    "pe_section_header",
    (f, h) => {
      const i = info(f);
      if (!i.is_exe) return;
      (i.section_names ??= []).push(h.name);
    },
    { priority: 5 },
  );
  host.on(
    "file_state_remove",
    (f) => {
      const i = f.scripts.get("pe") as PeInfo | undefined;
      if (i === undefined || i.machine === undefined) return;
      log.write([
        i.ts,
        f.id,
        i.machine,
        i.compile_ts,
        i.os,
        i.subsystem,
        i.is_exe,
        i.is_64bit,
        i.uses_aslr,
        i.uses_dep,
        i.uses_code_integrity,
        i.uses_seh,
        i.has_import_table,
        i.has_export_table,
        i.has_cert_table,
        i.has_debug_data,
        i.section_names,
      ]);
    },
    { priority: -5 },
  );
}

export const PE_SCRIPT: ProtocolScript = {
  script: "base/files/pe",
  load: (host, logs) => loadPeScript(host, logs),
};
