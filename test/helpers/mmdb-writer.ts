/**
 * A small MaxMind DB writer for the GeoIP tests, from the format
 * specification (the reader's, src/geoip/mmdb.ts): a search tree over the
 * networks given (IPv4 networks of an IPv6 tree under ::/96), 16 zero
 * bytes, the data section, the metadata marker and map. Values carry their
 * type, so that each of the format's types can be written on purpose.
 */
import { parseSubnet } from "../../src/scripts/site.js";

export type MmdbIn =
  | string
  | boolean
  | readonly MmdbIn[]
  | ReadonlyMap<string, MmdbIn>
  | { readonly double: number }
  | { readonly float: number }
  | { readonly uint16: number }
  | { readonly uint32: number }
  | { readonly int32: number }
  | { readonly uint64: bigint }
  | { readonly uint128: bigint }
  | { readonly bytes: Uint8Array }
  /** Bytes written as they are (a data cache container, an end marker, a corrupt value). */
  | { readonly raw: Uint8Array }
  /** A pointer to the value at `offset` in the data section, written with `size` (0-3) as its SS bits. */
  | { readonly pointer: number; readonly size?: 0 | 1 | 2 | 3 };

export interface WriterOptions {
  ipVersion?: 4 | 6;
  recordSize?: 24 | 28 | 32;
  databaseType?: string;
  /** Map keys and values written before are written again as pointers to the first copy (as MaxMind's writer does). */
  dedupe?: boolean;
  /** Values written first, at the start of the data section (to push later offsets past a pointer size's bound). */
  prefix?: readonly MmdbIn[];
  /** Pointers made by dedupe use this size (the smallest that fits by default). */
  pointerSize?: 0 | 1 | 2 | 3;
}

/** A network ("128.3.0.0/16", "2607:f140::/32") and its data. */
export type Network = readonly [cidr: string, data: MmdbIn];

function controlAndSize(type: number, size: number): number[] {
  const head: number[] = [];
  const low = size < 29 ? size : size < 285 ? 29 : size < 65821 ? 30 : 31;
  head.push(((type <= 7 ? type : 0) << 5) | low);
  if (type > 7) head.push(type - 7);
  if (low === 29) head.push(size - 29);
  else if (low === 30) head.push(((size - 285) >> 8) & 0xff, (size - 285) & 0xff);
  else if (low === 31) head.push(((size - 65821) >> 16) & 0xff, ((size - 65821) >> 8) & 0xff, (size - 65821) & 0xff);
  return head;
}

/** A number's big-endian bytes without leading zeros (0 has none). */
function minimalBytes(v: bigint): number[] {
  const out: number[] = [];
  while (v > 0n) {
    out.unshift(Number(v & 0xffn));
    v >>= 8n;
  }
  return out;
}

function pointerBytes(offset: number, size?: 0 | 1 | 2 | 3): number[] {
  const ss = size ?? (offset < 2048 ? 0 : offset < 526336 ? 1 : offset < 134744064 ? 2 : 3);
  if (ss === 0) return [0x20 | ((offset >> 8) & 7), offset & 0xff];
  if (ss === 1) {
    const v = offset - 2048;
    return [0x28 | ((v >> 16) & 7), (v >> 8) & 0xff, v & 0xff];
  }
  if (ss === 2) {
    const v = offset - 526336;
    return [0x30 | ((v >> 24) & 7), (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff];
  }
  return [0x38, (offset >>> 24) & 0xff, (offset >> 16) & 0xff, (offset >> 8) & 0xff, offset & 0xff];
}

class DataWriter {
  readonly out: number[] = [];
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly dedupe: boolean,
    private readonly pointerSize?: 0 | 1 | 2 | 3,
  ) {}

  /** Writes `v` and returns its offset. */
  write(v: MmdbIn): number {
    const bytes = encode(v, (inner) => this.inline(inner));
    const key = bytes.join(",");
    const before = this.seen.get(key);
    const at = this.out.length;
    if (this.dedupe && before !== undefined) for (const b of pointerBytes(before, this.pointerSize)) this.out.push(b);
    else {
      for (const b of bytes) this.out.push(b);
      this.seen.set(key, at);
    }
    return at;
  }

  /** An inner value's bytes: a pointer when dedupe knows it, else its encoding (registered where it will land is unknown, so only top-level and map parts are deduped). */
  private inline(v: MmdbIn): number[] {
    const bytes = encode(v, (inner) => this.inline(inner));
    const before = this.dedupe ? this.seen.get(bytes.join(",")) : undefined;
    return before !== undefined ? pointerBytes(before, this.pointerSize) : bytes;
  }
}

/** The encoding of `v`, its parts through `part`. */
function encode(v: MmdbIn, part: (v: MmdbIn) => number[]): number[] {
  if (typeof v === "string") {
    const b = [...Buffer.from(v, "utf8")];
    return [...controlAndSize(2, b.length), ...b];
  }
  if (typeof v === "boolean") return controlAndSize(14, v ? 1 : 0);
  if (Array.isArray(v)) return [...controlAndSize(11, v.length), ...(v as MmdbIn[]).flatMap(part)];
  if (v instanceof Uint8Array) throw new TypeError("bytes are written as { bytes }");
  if (v instanceof Map) return [...controlAndSize(7, v.size), ...[...v].flatMap(([k, x]) => [...part(k), ...part(x)])];
  const o = v as Record<string, unknown>;
  if ("double" in o) {
    const b = Buffer.alloc(8);
    b.writeDoubleBE(o.double as number);
    return [...controlAndSize(3, 8), ...b];
  }
  if ("float" in o) {
    const b = Buffer.alloc(4);
    b.writeFloatBE(o.float as number);
    return [...controlAndSize(15, 4), ...b];
  }
  if ("bytes" in o) return [...controlAndSize(4, (o.bytes as Uint8Array).length), ...Array.from(o.bytes as Uint8Array)];
  if ("raw" in o) return [...(o.raw as Uint8Array)];
  if ("pointer" in o) return pointerBytes(o.pointer as number, o.size as 0 | 1 | 2 | 3 | undefined);
  const ints: Record<string, number> = { uint16: 5, uint32: 6, int32: 8, uint64: 9, uint128: 10 };
  for (const [name, type] of Object.entries(ints)) {
    if (!(name in o)) continue;
    let n = BigInt(o[name] as number | bigint);
    if (n < 0n) n &= 0xffffffffn; // an int32 below 0 is its 4 bytes of two's complement
    const b = minimalBytes(n);
    return [...controlAndSize(type, b.length), ...b];
  }
  throw new TypeError(`not a value: ${JSON.stringify(v)}`);
}

interface TrieNode {
  child: [TrieNode | number | null, TrieNode | number | null];
}

/** The bits of network `cidr` in a tree of `ipVersion` (IPv4 in an IPv6 tree under ::/96). */
function networkBits(cidr: string, ipVersion: 4 | 6): { bytes: Uint8Array; bits: number } {
  const net = parseSubnet(cidr);
  const v4 = !cidr.split("/")[0]!.includes(":");
  if (ipVersion === 4) {
    if (!v4) throw new Error(`IPv6 network ${cidr} in an IPv4 tree`);
    return { bytes: net.bytes.subarray(12), bits: net.bits - 96 };
  }
  if (!v4) return net;
  const bytes = new Uint8Array(16);
  bytes.set(net.bytes.subarray(12), 12);
  return { bytes, bits: net.bits };
}

/** Writes a database holding `networks`; returns its bytes. */
export function writeMmdb(networks: readonly Network[], options: WriterOptions = {}): Uint8Array {
  const ipVersion = options.ipVersion ?? 6;
  const recordSize = options.recordSize ?? 28;
  const data = new DataWriter(options.dedupe ?? false, options.pointerSize);
  for (const p of options.prefix ?? []) data.write(p);
  const root: TrieNode = { child: [null, null] };
  for (const [cidr, value] of networks) {
    const offset = data.write(value);
    const { bytes, bits } = networkBits(cidr, ipVersion);
    let node = root;
    for (let i = 0; i < bits; i++) {
      const bit = (bytes[i >> 3]! >> (7 - (i & 7))) & 1;
      if (i === bits - 1) node.child[bit] = offset;
      else {
        const next = node.child[bit];
        if (typeof next === "number") throw new Error(`${cidr} overlaps another network`);
        node = node.child[bit] = next ?? { child: [null, null] };
      }
    }
  }
  const nodes: TrieNode[] = [];
  const number = (n: TrieNode) => {
    nodes.push(n);
    for (const c of n.child) if (c !== null && typeof c !== "number") number(c);
  };
  number(root);
  const index = new Map(nodes.map((n, i) => [n, i]));
  const count = nodes.length;
  const recordOf = (c: TrieNode | number | null): number => (c === null ? count : typeof c === "number" ? count + 16 + c : index.get(c)!);
  const tree = nodes.flatMap((n) => nodeBytes(recordOf(n.child[0]), recordOf(n.child[1]), recordSize));
  const metadata = new DataWriter(false);
  metadata.write(
    new Map<string, MmdbIn>([
      ["binary_format_major_version", { uint16: 2 }],
      ["binary_format_minor_version", { uint16: 0 }],
      ["build_epoch", { uint64: 1700000000n }],
      ["database_type", options.databaseType ?? "Bronze-Test"],
      ["description", new Map([["en", "bronze's test database"]])],
      ["ip_version", { uint16: ipVersion }],
      ["languages", ["en"]],
      ["node_count", { uint32: count }],
      ["record_size", { uint16: recordSize }],
    ]),
  );
  const marker = [...Buffer.from("\xab\xcd\xefMaxMind.com", "latin1")];
  return Uint8Array.from([...tree, ...new Array<number>(16).fill(0), ...data.out, ...marker, ...metadata.out]);
}

function nodeBytes(left: number, right: number, size: 24 | 28 | 32): number[] {
  const be = (v: number, n: number) => Array.from({ length: n }, (_, i) => Math.floor(v / 256 ** (n - 1 - i)) & 0xff);
  if (size === 24) return [...be(left, 3), ...be(right, 3)];
  if (size === 32) return [...be(left, 4), ...be(right, 4)];
  // 28 bits: the left's low 24, a byte with both records' top nibbles (the left's high), the right's low 24.
  return [...be(left & 0xffffff, 3), ((left >>> 24) << 4) | (right >>> 24), ...be(right & 0xffffff, 3)];
}
