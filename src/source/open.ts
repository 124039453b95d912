/**
 * Opening a trace: a path, `-` for standard input, or any byte stream. The
 * format is detected from the first bytes, never from the name: gzip (1f 8b)
 * is decompressed on the fly, then classic pcap or pcapng is recognised by its
 * magic. Everything that cannot be read becomes a TraceError with one line
 * that says what was found instead.
 */
import { createReadStream, openSync, statSync } from "node:fs";
import { Readable } from "node:stream";
import { type ByteInput, countBytes, FileInput, gzipFileInput, gzipStreamInput, ReadableInput } from "./byte-input.js";
import { ChunkBuffer, chunkBytesFor } from "./chunk-buffer.js";
import { PCAP_FILE_HEADER_BYTES, pcapVariant, readPcapHeader } from "./pcap.js";
import { PCAPNG_BYTE_ORDER_MAGIC, PCAPNG_IDB, PCAPNG_SHB, PcapngParser } from "./pcapng.js";
import { type PacketSink, type PacketSource, type SourceProgress, type SourceSummary, TraceError } from "./raw-packet.js";
import { TraceSource, traceProperties } from "./trace-source.js";

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;
/** Enough bytes to recognise any format and to describe what a non-trace looks like. */
const SNIFF_BYTES = 64;

/** Opens a trace file, or standard input for `-`; detects gzip, pcap and pcapng by content. */
export async function openTrace(path: string): Promise<TraceSource> {
  if (path === "-") return openTraceStream(process.stdin, "-");
  const size = statTrace(path);
  // A named pipe or device (e.g. <(zcat x) or /dev/stdin) is read as a stream: it cannot be reopened.
  if (size === null) return openTraceStream(createReadStream(path, { highWaterMark: 1 << 20 }), path);
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (err) {
    throw new TraceError(`cannot open ${path}: ${reason(err)}`);
  }
  const file = new FileInput(fd, size);
  const chunk = new ChunkBuffer(file, chunkBytesFor(size));
  return sniff(path, chunk, () => {
    // Start over from the file's first byte, through gunzip.
    file.close();
    return gzipFileInput(path, size);
  });
}

/** Opens a trace arriving as a byte stream (a Readable such as stdin, or any async iterable); gzip is detected here too. */
export async function openTraceStream(stream: Readable | AsyncIterable<Uint8Array>, name: string): Promise<TraceSource> {
  const readable = stream instanceof Readable ? stream : Readable.from(stream, { objectMode: false });
  const progress = countBytes(readable);
  const raw = new ReadableInput(readable, progress);
  const chunk = new ChunkBuffer(raw);
  return sniff(name, chunk, (head) => gzipStreamInput([head, ...raw.detach()], readable, progress));
}

/**
 * A PacketSource that opens `path` when it is run: the convenient form for
 * `engine.run(readTrace("trace.pcap"))`. Open errors surface from run().
 */
export function readTrace(path: string): PacketSource {
  let opened: TraceSource | null = null;
  return {
    name: path,
    async run(sink: PacketSink): Promise<SourceSummary> {
      opened = await openTrace(path);
      return opened.run(sink);
    },
    stop(): void {
      opened?.stop();
    },
    progress(): SourceProgress {
      return opened?.progress() ?? { bytesRead: 0, totalBytes: null };
    },
    properties() {
      return opened?.properties() ?? traceProperties();
    },
  };
}

/** The size of a regular file, null for pipes and devices; throws for what cannot be a trace. */
function statTrace(path: string): number | null {
  let stats: ReturnType<typeof statSync>;
  try {
    stats = statSync(path);
  } catch (err) {
    throw new TraceError(`cannot open ${path}: ${reason(err)}`);
  }
  if (stats.isDirectory()) throw new TraceError(`cannot open ${path}: is a directory`);
  if (!stats.isFile()) return null;
  if (stats.size === 0) throw new TraceError(`cannot read ${path}: empty file`);
  return stats.size;
}

function reason(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  if (code === "ENOENT") return "no such file";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "EISDIR") return "is a directory";
  return err instanceof Error ? err.message : String(err);
}

/** Reads the first bytes, unwraps gzip (`gunzip` gets the bytes already read), and picks the format. */
async function sniff(name: string, chunk: ChunkBuffer, gunzip: (head: Uint8Array) => ByteInput): Promise<TraceSource> {
  let compressed = false;
  try {
    await chunk.fill(SNIFF_BYTES);
    checkReadable(name, chunk, false);
    if (chunk.available >= 2 && chunk.buf[0] === GZIP_MAGIC_0 && chunk.buf[1] === GZIP_MAGIC_1) {
      compressed = true;
      const head = chunk.buf.slice(chunk.start, chunk.end);
      chunk.reset(gunzip(head));
      await chunk.fill(SNIFF_BYTES);
      checkReadable(name, chunk, true);
    }
    return await chooseFormat(name, chunk, compressed);
  } catch (err) {
    chunk.input.close();
    throw err;
  }
}

function checkReadable(name: string, chunk: ChunkBuffer, compressed: boolean): void {
  if (chunk.available === 0 && chunk.failure !== null) {
    throw new TraceError(`cannot read ${name}: ${compressed ? "gzip data is corrupt: " : ""}${chunk.failure.message}`);
  }
  if (chunk.available === 0) throw new TraceError(`cannot read ${name}: ${compressed ? "gzip data decompresses to nothing" : "empty input"}`);
}

async function chooseFormat(name: string, chunk: ChunkBuffer, compressed: boolean): Promise<TraceSource> {
  const buf = chunk.buf;
  const label = compressed ? `${name} (gzip)` : name;
  if (chunk.available >= 4 && pcapVariant(buf, 0) !== null) {
    const parser = readPcapHeader(buf, 0, chunk.available, label);
    chunk.start = PCAP_FILE_HEADER_BYTES;
    return new TraceSource(name, "pcap", chunk, parser, parser.linktype);
  }
  if (chunk.available >= 4 && readU32(buf, 0, false) === PCAPNG_SHB) {
    checkSectionHeader(label, chunk);
    return new TraceSource(name, "pcapng", chunk, new PcapngParser(), await pcapngLinkType(chunk));
  }
  throw new TraceError(`${label} is not a pcap or pcapng trace: ${describeBytes(buf.subarray(0, Math.min(chunk.available, SNIFF_BYTES)))}`);
}

function readU32(buf: Uint8Array, at: number, le: boolean): number {
  return le
    ? ((buf[at + 3]! << 24) | (buf[at + 2]! << 16) | (buf[at + 1]! << 8) | buf[at]!) >>> 0
    : ((buf[at]! << 24) | (buf[at + 1]! << 16) | (buf[at + 2]! << 8) | buf[at + 3]!) >>> 0;
}

/** The first block must be a readable SHB; later ones are checked by the parser. */
function checkSectionHeader(label: string, chunk: ChunkBuffer): void {
  const buf = chunk.buf;
  if (chunk.available < 16) throw new TraceError(`${label}: truncated pcapng section header (${chunk.available} bytes)`);
  let le: boolean;
  if (readU32(buf, 8, true) === PCAPNG_BYTE_ORDER_MAGIC) le = true;
  else if (readU32(buf, 8, false) === PCAPNG_BYTE_ORDER_MAGIC) le = false;
  else throw new TraceError(`${label} is not a pcapng trace: section header has no byte-order magic (${hex(buf.subarray(8, 12))})`);
  const major = le ? buf[12]! | (buf[13]! << 8) : (buf[12]! << 8) | buf[13]!;
  const minor = le ? buf[14]! | (buf[15]! << 8) : (buf[14]! << 8) | buf[15]!;
  if (major !== 1) throw new TraceError(`${label}: unsupported pcapng version ${major}.${minor}`);
}

/** Longest section header looked past for the first interface's link type (a longer one is left to the parser). */
const SHB_PEEK_LIMIT = 1 << 16;

/**
 * The link type of a pcapng's first interface, which libpcap reads when it
 * opens the file (its pcap_datalink, packet_source()'s link_type), from the
 * block after the section header; -1 when that is not an interface.
 */
async function pcapngLinkType(chunk: ChunkBuffer): Promise<number> {
  const le = readU32(chunk.buf, 8, true) === PCAPNG_BYTE_ORDER_MAGIC;
  const idb = readU32(chunk.buf, 4, le);
  // The interface block's type, length and link type.
  const need = idb + 10;
  if (idb > SHB_PEEK_LIMIT) return -1;
  await chunk.fill(need);
  const buf = chunk.buf;
  if (chunk.available < need || readU32(buf, idb, le) !== PCAPNG_IDB) return -1;
  return le ? buf[idb + 8]! | (buf[idb + 9]! << 8) : (buf[idb + 8]! << 8) | buf[idb + 9]!;
}

/** Magic numbers of files people pass by mistake, to name them in the error. */
const KNOWN_MAGICS: ReadonlyArray<readonly [readonly number[], string]> = [
  [[0x42, 0x5a, 0x68], "bzip2 data (only gzip is decompressed)"],
  [[0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], "xz data (only gzip is decompressed)"],
  [[0x28, 0xb5, 0x2f, 0xfd], "zstd data (only gzip is decompressed)"],
  [[0x50, 0x4b, 0x03, 0x04], "a zip archive"],
  [[0x7f, 0x45, 0x4c, 0x46], "an ELF executable"],
];

/** One phrase saying what some bytes look like: text (quoted), a known format, or hex. */
export function describeBytes(bytes: Uint8Array): string {
  for (const [magic, what] of KNOWN_MAGICS) {
    if (magic.length <= bytes.length && magic.every((b, i) => bytes[i] === b)) return `looks like ${what}`;
  }
  if (bytes.length > 0 && bytes.every((b) => b === 0x09 || b === 0x0a || b === 0x0d || (b >= 0x20 && b < 0x7f))) {
    const text = new TextDecoder().decode(bytes).split(/\r?\n/, 1)[0]!.slice(0, 40);
    return `looks like text: ${JSON.stringify(text)}`;
  }
  return `first bytes are ${hex(bytes.subarray(0, 8))}`;
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(" ");
}
