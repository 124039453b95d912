/**
 * tcpdump as the oracle for bronze's capture filters (test-only).
 *
 * Method: each trace is read once with bronze's openTrace and kept in memory.
 * For every link type in it, a copy is written as a classic pcap in which each
 * packet's timestamp seconds field holds the packet's index in the original
 * trace (a unique marker that filtering cannot change). `tcpdump -r COPY -w -
 * EXPR` then returns exactly the selected records, whose timestamps are the
 * selected indices. The copy keeps the original file's byte order so that
 * libpcap's DLT_NULL byte-order rule sees the same bytes.
 *
 * tcpdump results are cached on disk per (tcpdump version, trace identity,
 * expression), so a second run costs no processes.
 */
import { execFile, execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, openSync, readFileSync, readSync, closeSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { openTrace } from "../../src/source/open.js";
import type { RawPacket } from "../../src/source/raw-packet.js";

export interface StoredPacket {
  readonly index: number;
  readonly linktype: number;
  readonly caplen: number;
  readonly wirelen: number;
  readonly data: Uint8Array;
}

export interface LoadedTrace {
  readonly path: string;
  readonly name: string;
  readonly packets: StoredPacket[];
  readonly linktypes: number[];
  readonly littleEndian: boolean;
}

export function tcpdumpVersion(): string | null {
  try {
    return execFileSync("tcpdump", ["--version"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).split("\n")[0]!.trim();
  } catch {
    return null;
  }
}

/** Reads a whole trace into memory (copies each packet: fine for tests). */
export async function loadTrace(path: string, name = basename(path)): Promise<LoadedTrace> {
  const source = await openTrace(path);
  const packets: StoredPacket[] = [];
  await source.run((raw: RawPacket) => {
    packets.push({
      index: packets.length,
      linktype: raw.linktype,
      caplen: raw.caplen,
      wirelen: raw.wirelen,
      data: raw.data.slice(raw.offset, raw.offset + raw.caplen),
    });
  });
  const linktypes = [...new Set(packets.map((p) => p.linktype))].sort((a, b) => a - b);
  return { path, name, packets, linktypes, littleEndian: fileIsLittleEndian(path) };
}

/** Byte order of a classic pcap or pcapng file (gzip or unknown: little-endian). */
function fileIsLittleEndian(path: string): boolean {
  const head = Buffer.alloc(12);
  const fd = openSync(path, "r");
  try {
    readSync(fd, head, 0, 12, 0);
  } finally {
    closeSync(fd);
  }
  const magic = head.readUInt32LE(0);
  if (magic === 0xa1b2c3d4 || magic === 0xa1b23c4d) return true;
  if (magic === 0xd4c3b2a1 || magic === 0x4d3cb2a1) return false;
  if (magic === 0x0a0d0d0a) return head.readUInt32LE(8) === 0x1a2b3c4d;
  return true;
}

/** A classic pcap of the packets of one link type, timestamps replaced by packet indices. */
export function markedPcap(trace: LoadedTrace, linktype: number): Buffer {
  const packets = trace.packets.filter((p) => p.linktype === linktype);
  const le = trace.littleEndian;
  const size = 24 + packets.reduce((n, p) => n + 16 + p.caplen, 0);
  const out = Buffer.alloc(size);
  const u32 = (v: number, at: number) => (le ? out.writeUInt32LE(v >>> 0, at) : out.writeUInt32BE(v >>> 0, at));
  const u16 = (v: number, at: number) => (le ? out.writeUInt16LE(v, at) : out.writeUInt16BE(v, at));
  u32(0xa1b2c3d4, 0);
  u16(2, 4);
  u16(4, 6);
  u32(0, 8);
  u32(0, 12);
  u32(Math.max(262144, ...packets.map((p) => p.caplen)), 16);
  u32(linktype, 20);
  let at = 24;
  for (const p of packets) {
    u32(p.index, at);
    u32(0, at + 4);
    u32(p.caplen, at + 8);
    u32(p.wirelen, at + 12);
    out.set(p.data, at + 16);
    at += 16 + p.caplen;
  }
  return out;
}

/** Indices (marker timestamps) of the records of a classic pcap written by tcpdump -w. */
export function markerIndices(pcap: Buffer): number[] {
  if (pcap.length < 24) return [];
  const magic = pcap.readUInt32LE(0);
  const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  const indices: number[] = [];
  let at = 24;
  while (at + 16 <= pcap.length) {
    indices.push(le ? pcap.readUInt32LE(at) : pcap.readUInt32BE(at));
    const incl = le ? pcap.readUInt32LE(at + 8) : pcap.readUInt32BE(at + 8);
    at += 16 + incl;
  }
  return indices;
}

/** tcpdump's answer for one (marked copy, expression): selected indices, or the error it printed. */
export type OracleAnswer = { indices: number[] } | { error: string };

function runTcpdump(file: string, expression: string): Promise<OracleAnswer> {
  return new Promise((resolve) => {
    execFile("tcpdump", ["-r", file, "-w", "-", expression], { encoding: "buffer", maxBuffer: 1 << 28 }, (err, stdout, stderr) => {
      if (err) {
        const message = stderr.toString("utf8").split("\n").filter((l) => l.trim() !== "" && !l.startsWith("reading from")).join(" ");
        // libpcap's optimiser proved the filter can never match: an empty selection, not an error.
        if (message.includes("expression rejects all packets")) resolve({ indices: [] });
        else resolve({ error: message || String(err) });
      } else {
        resolve({ indices: markerIndices(stdout) });
      }
    });
  });
}

/**
 * Answers many (linktype, expression) questions about one trace with tcpdump,
 * in parallel, through the on-disk cache.
 */
export class TcpdumpOracle {
  private readonly workDir: string;
  private readonly cacheFile: string;
  private readonly cache: Record<string, OracleAnswer>;
  private readonly files = new Map<number, string>();
  private dirty = false;

  constructor(private readonly trace: LoadedTrace, version: string) {
    this.workDir = join(tmpdir(), "bronze-filter-oracle");
    mkdirSync(this.workDir, { recursive: true });
    const st = statSync(trace.path);
    const id = createHash("sha1").update(`${version}|${trace.path}|${st.size}|${st.mtimeMs}|v2`).digest("hex").slice(0, 16);
    this.cacheFile = join(this.workDir, `${id}.json`);
    this.cache = existsSync(this.cacheFile) ? (JSON.parse(readFileSync(this.cacheFile, "utf8")) as Record<string, OracleAnswer>) : {};
    for (const lt of trace.linktypes) this.files.set(lt, join(this.workDir, `${id}-${lt}.pcap`));
  }

  async answers(expressions: string[], concurrency: number): Promise<Map<string, OracleAnswer>> {
    const out = new Map<string, OracleAnswer>();
    const jobs: { key: string; lt: number; expression: string }[] = [];
    for (const lt of this.trace.linktypes) {
      for (const expression of expressions) {
        const key = `${lt}|${expression}`;
        const cached = this.cache[key];
        if (cached !== undefined) out.set(key, cached);
        else jobs.push({ key, lt, expression });
      }
    }
    if (jobs.length > 0) {
      for (const lt of this.trace.linktypes) writeFileSync(this.files.get(lt)!, markedPcap(this.trace, lt));
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < jobs.length) {
          const job = jobs[next++]!;
          const answer = await runTcpdump(this.files.get(job.lt)!, job.expression);
          out.set(job.key, answer);
          this.cache[job.key] = answer;
          this.dirty = true;
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
    }
    return out;
  }

  save(): void {
    if (this.dirty) writeFileSync(this.cacheFile, JSON.stringify(this.cache));
  }
}
