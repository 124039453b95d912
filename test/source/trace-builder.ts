/**
 * Test-only builders for trace files: classic pcap and pcapng bytes written
 * field by field (both byte orders), plus helpers that read them back through
 * openTrace and collect every packet as a plain copy.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openTrace, openTraceStream } from "../../src/source/open.js";
import type { PacketSource, SourceSummary } from "../../src/source/raw-packet.js";

export { repoRoot } from "../helpers/corpus.js";

/** A little growable byte writer with explicit byte order. */
export class ByteWriter {
  private bytes: number[] = [];
  constructor(readonly le: boolean) {}

  u8(v: number): this {
    this.bytes.push(v & 0xff);
    return this;
  }
  u16(v: number): this {
    return this.le ? this.u8(v).u8(v >>> 8) : this.u8(v >>> 8).u8(v);
  }
  u32(v: number): this {
    const b = [v >>> 24, v >>> 16, v >>> 8, v].map((x) => x & 0xff);
    for (const x of this.le ? b.reverse() : b) this.u8(x);
    return this;
  }
  u64(v: bigint): this {
    const hi = Number((v >> 32n) & 0xffffffffn);
    const lo = Number(v & 0xffffffffn);
    return this.le ? this.u32(lo).u32(hi) : this.u32(hi).u32(lo);
  }
  raw(b: Uint8Array | readonly number[]): this {
    for (const x of b) this.u8(x);
    return this;
  }
  pad4(): this {
    while (this.bytes.length % 4 !== 0) this.u8(0);
    return this;
  }
  get length(): number {
    return this.bytes.length;
  }
  done(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Packet payload whose bytes say which packet it is (checkable after reading). */
export function payload(index: number, length: number): Uint8Array {
  const b = new Uint8Array(length);
  for (let i = 0; i < length; i++) b[i] = (index * 7 + i) & 0xff;
  return b;
}

// ---------------------------------------------------------------- classic pcap

export interface PcapHeaderOptions {
  le?: boolean;
  nano?: boolean;
  linktype?: number;
  snaplen?: number;
  major?: number;
  minor?: number;
}

export interface PcapRecord {
  sec: number;
  /** Microseconds, or nanoseconds in a nanosecond file. */
  sub: number;
  data: Uint8Array;
  wirelen?: number;
  /** Writes this caplen in the header instead of data.length (for corrupt records). */
  caplenField?: number;
}

export function pcapFile(o: PcapHeaderOptions, records: PcapRecord[]): Uint8Array {
  const w = new ByteWriter(o.le ?? true);
  w.u32(o.nano ? 0xa1b23c4d : 0xa1b2c3d4)
    .u16(o.major ?? 2)
    .u16(o.minor ?? 4)
    .u32(0)
    .u32(0);
  w.u32(o.snaplen ?? 65535).u32(o.linktype ?? 1);
  for (const r of records) {
    w.u32(r.sec)
      .u32(r.sub)
      .u32(r.caplenField ?? r.data.length)
      .u32(r.wirelen ?? r.data.length)
      .raw(r.data);
  }
  return w.done();
}

// ---------------------------------------------------------------- pcapng

export interface Option {
  code: number;
  value: Uint8Array;
}

export function block(le: boolean, type: number, body: Uint8Array, trailerOverride?: number): Uint8Array {
  const total = 12 + body.length + ((4 - (body.length % 4)) % 4);
  const w = new ByteWriter(le).u32(type).u32(total).raw(body).pad4();
  return w.u32(trailerOverride ?? total).done();
}

function options(le: boolean, opts: Option[]): Uint8Array {
  if (opts.length === 0) return new Uint8Array(0);
  const w = new ByteWriter(le);
  for (const o of opts) w.u16(o.code).u16(o.value.length).raw(o.value).pad4();
  return w.u16(0).u16(0).done();
}

export function shb(le: boolean, major = 1, minor = 0): Uint8Array {
  const body = new ByteWriter(le)
    .u32(0x1a2b3c4d)
    .u16(major)
    .u16(minor)
    .u64(-1n & 0xffffffffffffffffn)
    .done();
  return block(le, 0x0a0d0d0a, body);
}

export function idb(le: boolean, linktype: number, snaplen: number, opts: Option[] = []): Uint8Array {
  const body = new ByteWriter(le).u16(linktype).u16(0).u32(snaplen).raw(options(le, opts)).done();
  return block(le, 1, body);
}

export function tsresol(byte: number): Option {
  return { code: 9, value: Uint8Array.of(byte) };
}

export function tsoffset(le: boolean, seconds: bigint): Option {
  return { code: 14, value: new ByteWriter(le).u64(BigInt.asUintN(64, seconds)).done() };
}

/** Enhanced packet block; `ticks` is the 64-bit timestamp in the interface's units. */
export function epb(le: boolean, iface: number, ticks: bigint, data: Uint8Array, wirelen = data.length, opts: Option[] = []): Uint8Array {
  const w = new ByteWriter(le)
    .u32(iface)
    .u32(Number(ticks >> 32n))
    .u32(Number(ticks & 0xffffffffn));
  const body = w.u32(data.length).u32(wirelen).raw(data).pad4().raw(options(le, opts)).done();
  return block(le, 6, body);
}

export function spb(le: boolean, data: Uint8Array, wirelen = data.length): Uint8Array {
  return block(le, 3, new ByteWriter(le).u32(wirelen).raw(data).done());
}

/** Obsolete packet block (type 2): 16-bit interface id and drop count. */
export function opb(le: boolean, iface: number, ticks: bigint, data: Uint8Array, wirelen = data.length): Uint8Array {
  const w = new ByteWriter(le)
    .u16(iface)
    .u16(0)
    .u32(Number(ticks >> 32n))
    .u32(Number(ticks & 0xffffffffn));
  return block(le, 2, w.u32(data.length).u32(wirelen).raw(data).done());
}

// ---------------------------------------------------------------- reading back

export interface ReadPacket {
  ts: number;
  caplen: number;
  wirelen: number;
  linktype: number;
  bytes: Uint8Array;
}

export interface ReadResult {
  packets: ReadPacket[];
  summary: SourceSummary;
}

export async function collect(source: PacketSource): Promise<ReadResult> {
  const packets: ReadPacket[] = [];
  const summary = await source.run((p) => {
    packets.push({ ts: p.ts, caplen: p.caplen, wirelen: p.wirelen, linktype: p.linktype, bytes: p.data.slice(p.offset, p.offset + p.caplen) });
  });
  return { packets, summary };
}

/** A scratch directory removed by the returned cleanup. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "bronze-source-"));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Writes `bytes` to a temporary file (named `name`) and reads it with openTrace. */
export async function readBytes(bytes: Uint8Array, name = "trace.pcap"): Promise<ReadResult> {
  const { dir, cleanup } = tempDir();
  try {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    return await collect(await openTrace(path));
  } finally {
    cleanup();
  }
}

/** Reads `bytes` as a stream delivered in chunks of `chunk` bytes. */
export async function readStream(bytes: Uint8Array, chunk = 1000): Promise<ReadResult> {
  async function* pieces(): AsyncGenerator<Uint8Array> {
    for (let at = 0; at < bytes.length; at += chunk) yield bytes.subarray(at, at + chunk);
  }
  return collect(await openTraceStream(pieces(), "stream"));
}
