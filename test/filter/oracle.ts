/**
 * tcpdump as the oracle for bronze's capture filters (test-only).
 *
 * Method: each trace is read once with bronze's openTrace and kept in memory.
 * The packets of all traces that share a link type and a byte order are
 * written into one classic pcap in which each record's timestamp seconds
 * field holds its position in that file (a unique marker that filtering
 * cannot change). `tcpdump -r COPY -w - EXPR` then returns exactly the
 * selected records; their markers map back to (trace, packet index). One
 * tcpdump run per expression thus answers for every trace of the group. The
 * copy keeps the original files' byte order so that libpcap's DLT_NULL
 * byte-order rule sees the same bytes.
 *
 * tcpdump results are cached on disk per (tcpdump version, group identity,
 * expression), so a second run costs no processes.
 */
import { execFile, execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, renameSync, statSync, writeFileSync } from "node:fs";
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
    return execFileSync("tcpdump", ["--version"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] })
      .split("\n")[0]!
      .trim();
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

/** A classic pcap of `packets` (one link type), each record's timestamp seconds replaced by its position in the list. */
export function markedPcap(packets: StoredPacket[], linktype: number, littleEndian: boolean): Buffer {
  const le = littleEndian;
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
  packets.forEach((p, marker) => {
    u32(marker, at);
    u32(0, at + 4);
    u32(p.caplen, at + 8);
    u32(p.wirelen, at + 12);
    out.set(p.data, at + 16);
    at += 16 + p.caplen;
  });
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
        const message = stderr
          .toString("utf8")
          .split("\n")
          .filter((l) => l.trim() !== "" && !l.startsWith("reading from"))
          .join(" ");
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
 * The packets of every trace that share a link type and a byte order, in one
 * marked file: one tcpdump run per expression answers for all of them.
 */
interface Group {
  readonly id: string;
  readonly file: string;
  readonly linktype: number;
  /** For each marker (position in the file): which trace and which packet of it. */
  readonly owner: number[];
  readonly index: number[];
  readonly cache: Record<string, OracleAnswer>;
  dirty: boolean;
}

/** A question: does tcpdump select, in trace `trace` (an index into the batch), packets for `expression`? */
export interface Question {
  trace: number;
  expression: string;
}

/**
 * Answers (trace, link type, expression) questions with tcpdump for a batch of
 * traces, running tcpdump in parallel and caching answers on disk per group.
 */
export class TcpdumpOracle {
  private readonly workDir = join(tmpdir(), "bronze-filter-oracle");
  private readonly groups = new Map<string, Group>();

  constructor(
    private readonly traces: LoadedTrace[],
    private readonly version: string,
  ) {
    mkdirSync(this.workDir, { recursive: true });
  }

  /** Answers keyed `${trace}|${linktype}|${expression}`: indices into that trace, or tcpdump's error. */
  async answers(questions: Question[], concurrency: number): Promise<Map<string, OracleAnswer>> {
    const jobs = new Map<string, { group: Group; expression: string }>();
    for (const q of questions) {
      for (const lt of this.traces[q.trace]!.linktypes) {
        const group = this.groupOf(q.trace, lt);
        if (group.cache[q.expression] === undefined) jobs.set(`${group.id}|${q.expression}`, { group, expression: q.expression });
      }
    }
    const pending = [...jobs.values()];
    for (const g of new Set(pending.map((j) => j.group))) {
      if (!existsSync(g.file)) writeAtomically(g.file, this.groupFile(g));
    }
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < pending.length) {
        const job = pending[next++]!;
        job.group.cache[job.expression] = await runTcpdump(job.group.file, job.expression);
        job.group.dirty = true;
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    this.save();
    const out = new Map<string, OracleAnswer>();
    for (const q of questions) {
      for (const lt of this.traces[q.trace]!.linktypes) {
        const group = this.groupOf(q.trace, lt);
        const answer = group.cache[q.expression]!;
        const mine = "error" in answer ? answer : { indices: answer.indices.filter((m) => group.owner[m] === q.trace).map((m) => group.index[m]!) };
        out.set(`${q.trace}|${lt}|${q.expression}`, mine);
      }
    }
    return out;
  }

  private groupOf(trace: number, linktype: number): Group {
    const le = this.traces[trace]!.littleEndian;
    const key = `${linktype}|${le}`;
    let group = this.groups.get(key);
    if (group === undefined) {
      const owner: number[] = [];
      const index: number[] = [];
      const identity: string[] = [this.version, key, "v3"];
      this.traces.forEach((t, ti) => {
        if (t.littleEndian !== le || !t.linktypes.includes(linktype)) return;
        const st = statSync(t.path);
        identity.push(`${t.path}|${st.size}|${st.mtimeMs}`);
        for (const p of t.packets) {
          if (p.linktype !== linktype) continue;
          owner.push(ti);
          index.push(p.index);
        }
      });
      const id = createHash("sha1").update(identity.join("\n")).digest("hex").slice(0, 16);
      const cacheFile = join(this.workDir, `${id}.json`);
      const cache = readCache(cacheFile);
      group = { id, file: join(this.workDir, `${id}.pcap`), linktype, owner, index, cache, dirty: false };
      this.groups.set(key, group);
    }
    return group;
  }

  private groupFile(g: Group): Buffer {
    const packets = g.owner.map((ti, m) => this.traces[ti]!.packets[g.index[m]!]!);
    return markedPcap(packets, g.linktype, this.traces[g.owner[0]!]!.littleEndian);
  }

  private save(): void {
    for (const g of this.groups.values()) {
      if (!g.dirty) continue;
      writeAtomically(join(this.workDir, `${g.id}.json`), JSON.stringify(g.cache));
      g.dirty = false;
    }
  }
}

/** A cache file, or an empty cache when it is missing or unreadable (another run may be writing it). */
function readCache(path: string): Record<string, OracleAnswer> {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as Record<string, OracleAnswer>;
  } catch {
    return {};
  }
}

/** Writes through a temporary name and a rename, so a concurrent run never reads half a file. */
function writeAtomically(path: string, content: string | Buffer): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, content);
  renameSync(temporary, path);
}
