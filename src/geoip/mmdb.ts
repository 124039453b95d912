/**
 * A MaxMind DB (.mmdb) reader, written from MaxMind's "MaxMind DB File
 * Format Specification" 2.0: no dependency, the file held in memory.
 *
 * Layout: a binary search tree over the address bits (node_count nodes of
 * two records each, a record 24, 28 or 32 bits), 16 zero bytes, the data
 * section, and at the end the metadata: a map after the last
 * "\xAB\xCD\xEFMaxMind.com" marker. A record below node_count is the next
 * node, equal to it means "no data", above it points into the data section
 * (record - node_count - 16). An IPv6 tree holds IPv4 addresses in its
 * ::/96 subtree: an IPv4 lookup starts where 96 zero bits lead.
 *
 * The contract: `MaxMindDb.open` checks the metadata and that the tree fits
 * in the file, or throws one MmdbError; a lookup walks at most 128 nodes,
 * each checked to be inside the tree, and reads data through DataSection's
 * bounded decoder, so a corrupt file ends a lookup in an MmdbError.
 */
import { DataSection, MmdbError, type MmdbMap, type MmdbValue } from "./mmdb-data.js";

export { INVALID_DATA, MmdbError, type MmdbMap, type MmdbValue } from "./mmdb-data.js";

const METADATA_MARKER = Buffer.from("\xab\xcd\xefMaxMind.com", "latin1");
/** The metadata is within this many bytes of the end (the format's bound). */
const METADATA_MAX_SIZE = 128 * 1024;
/** The zero bytes between the tree and the data section. */
const DATA_SECTION_SEPARATOR = 16;

/** libmaxminddb's wording of each failure, which Zeek's messages quote. */
export const INVALID_METADATA = "The MaxMind DB file contains invalid metadata";
export const UNKNOWN_FORMAT = "The MaxMind DB file is in a format this library can't handle (unknown record size or binary format version)";
export const CORRUPT_TREE = "The MaxMind DB file's search tree is corrupt";
export const IPV6_IN_IPV4 = "You attempted to look up an IPv6 address in an IPv4-only database";

/** The metadata fields a reader needs, and the rest as decoded. */
export interface MmdbMetadata {
  readonly nodeCount: number;
  readonly recordSize: 24 | 28 | 32;
  readonly ipVersion: 4 | 6;
  readonly databaseType: string;
  readonly languages: readonly string[];
  readonly binaryFormatMajorVersion: number;
  readonly binaryFormatMinorVersion: number;
  readonly buildEpoch: bigint | number;
  readonly description: ReadonlyMap<string, string>;
  /** The whole metadata map. */
  readonly raw: MmdbMap;
}

/** A lookup's result: the data of the network holding the address, and that network's prefix length. */
export interface MmdbRecord {
  /** Where the record's data starts in the file (for `get`). */
  readonly offset: number;
  /** The prefix length of the tree's network the address falls in (counted over 128 bits for an IPv4 address in an IPv6 tree, as libmaxminddb does). */
  readonly prefixLength: number;
}

export class MaxMindDb {
  private readonly data: DataSection;
  private readonly treeSize: number;
  private readonly nodeBytes: number;
  /** Where IPv4 lookups start in an IPv6 tree (the node 96 zero bits lead to), found on the first IPv4 lookup. */
  private ipv4Start: { node: number; depth: number } | null = null;

  private constructor(
    private readonly bytes: Uint8Array,
    readonly metadata: MmdbMetadata,
    dataEnd: number,
  ) {
    this.nodeBytes = metadata.recordSize / 4;
    this.treeSize = metadata.nodeCount * this.nodeBytes;
    this.data = new DataSection(bytes, this.treeSize + DATA_SECTION_SEPARATOR, dataEnd);
  }

  /** Reads a database from its bytes; an MmdbError when they are not one. */
  static open(bytes: Uint8Array): MaxMindDb {
    const marker = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).lastIndexOf(METADATA_MARKER);
    if (marker < 0 || bytes.length - marker > METADATA_MAX_SIZE + METADATA_MARKER.length) throw new MmdbError(INVALID_METADATA);
    const start = marker + METADATA_MARKER.length;
    let raw: MmdbValue;
    try {
      raw = new DataSection(bytes, start, bytes.length).decode(start);
    } catch (error) {
      if (error instanceof MmdbError) throw new MmdbError(INVALID_METADATA);
      throw error;
    }
    const metadata = readMetadata(raw);
    const treeEnd = metadata.nodeCount * (metadata.recordSize / 4) + DATA_SECTION_SEPARATOR;
    if (treeEnd > marker) throw new MmdbError(INVALID_METADATA);
    return new MaxMindDb(bytes, metadata, marker);
  }

  /**
   * The record of `address` (16 bytes, IPv4 mapped as ::ffff:a.b.c.d, or 4
   * bytes): null when the tree has no data for it. An IPv6 address in an
   * IPv4 tree, or a corrupt tree, is an MmdbError.
   */
  lookup(address: Uint8Array): MmdbRecord | null {
    const v4 = ipv4Of(address);
    const nodeCount = this.metadata.nodeCount;
    let node: number;
    let depth: number;
    let bits: Uint8Array;
    if (v4 !== null) {
      ({ node, depth } = this.metadata.ipVersion === 6 ? this.ipv4StartNode() : { node: 0, depth: 0 });
      bits = v4;
    } else {
      if (this.metadata.ipVersion === 4) throw new MmdbError(IPV6_IN_IPV4);
      node = 0;
      depth = 0;
      bits = address;
    }
    const total = bits.length * 8;
    for (let i = 0; i < total && node < nodeCount; i++, depth++) {
      const bit = (bits[i >> 3]! >> (7 - (i & 7))) & 1;
      node = this.record(node, bit);
    }
    // Walked every bit and still inside the tree: the file is corrupt (libmaxminddb says so too).
    if (node < nodeCount) throw new MmdbError(CORRUPT_TREE);
    if (node === nodeCount) return null;
    // The pointer is (record - node_count - 16) from the data section, which starts 16 bytes after the tree.
    const offset = this.treeSize + (node - nodeCount);
    if (offset >= this.bytes.length) throw new MmdbError(CORRUPT_TREE);
    return { offset, prefixLength: depth };
  }

  /** The value at `path` in `record`'s data (map keys, array indexes as text); undefined when the path leads nowhere. */
  get(record: MmdbRecord, ...path: string[]): MmdbValue | undefined {
    return this.data.get(record.offset, path);
  }

  /** `record`'s data, decoded whole. */
  decode(record: MmdbRecord): MmdbValue {
    return this.data.decode(record.offset);
  }

  /** Record `side` (0 left, 1 right) of `node`, checked to be inside the tree. */
  private record(node: number, side: number): number {
    const b = this.bytes;
    const at = node * this.nodeBytes;
    if (at + this.nodeBytes > this.treeSize) throw new MmdbError(CORRUPT_TREE);
    switch (this.metadata.recordSize) {
      case 24: {
        const p = at + side * 3;
        return (b[p]! << 16) | (b[p + 1]! << 8) | b[p + 2]!;
      }
      case 28: {
        // The middle byte holds the top 4 bits of both records: the left's in its high nibble.
        const middle = b[at + 3]!;
        if (side === 0) return ((middle & 0xf0) << 20) | (b[at]! << 16) | (b[at + 1]! << 8) | b[at + 2]!;
        return ((middle & 0x0f) << 24) | (b[at + 4]! << 16) | (b[at + 5]! << 8) | b[at + 6]!;
      }
      default: {
        const p = at + side * 4;
        return ((b[p]! << 24) >>> 0) + ((b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!);
      }
    }
  }

  /** Follows 96 zero bits from the root, once. */
  private ipv4StartNode(): { node: number; depth: number } {
    if (this.ipv4Start !== null) return this.ipv4Start;
    let node = 0;
    let depth = 0;
    for (; depth < 96 && node < this.metadata.nodeCount; depth++) node = this.record(node, 0);
    this.ipv4Start = { node, depth };
    return this.ipv4Start;
  }
}

/** The 4 bytes of an IPv4 address given as 4 bytes or IPv4-mapped 16, else null. */
function ipv4Of(a: Uint8Array): Uint8Array | null {
  if (a.length === 4) return a;
  for (let i = 0; i < 10; i++) if (a[i] !== 0) return null;
  return a[10] === 0xff && a[11] === 0xff ? a.subarray(12, 16) : null;
}

function asCount(v: MmdbValue | undefined): number | undefined {
  if (typeof v === "number" && Number.isInteger(v) && v >= 0) return v;
  if (typeof v === "bigint" && v <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(v);
  return undefined;
}

/** The metadata map checked and typed; what a lookup depends on must be there and valid. */
function readMetadata(raw: MmdbValue): MmdbMetadata {
  if (!(raw instanceof Map)) throw new MmdbError(INVALID_METADATA);
  const nodeCount = asCount(raw.get("node_count"));
  const recordSize = asCount(raw.get("record_size"));
  const ipVersion = asCount(raw.get("ip_version"));
  const major = asCount(raw.get("binary_format_major_version"));
  if (nodeCount === undefined || recordSize === undefined || ipVersion === undefined || major === undefined) throw new MmdbError(INVALID_METADATA);
  if (major !== 2 || (recordSize !== 24 && recordSize !== 28 && recordSize !== 32)) throw new MmdbError(UNKNOWN_FORMAT);
  if (ipVersion !== 4 && ipVersion !== 6) throw new MmdbError(INVALID_METADATA);
  const languages = raw.get("languages");
  const description = raw.get("description");
  const epoch = raw.get("build_epoch");
  const type = raw.get("database_type");
  return {
    nodeCount,
    recordSize,
    ipVersion,
    databaseType: typeof type === "string" ? type : "",
    languages: Array.isArray(languages) ? languages.filter((l): l is string => typeof l === "string") : [],
    binaryFormatMajorVersion: major,
    binaryFormatMinorVersion: asCount(raw.get("binary_format_minor_version")) ?? 0,
    buildEpoch: typeof epoch === "bigint" || typeof epoch === "number" ? epoch : 0,
    description: new Map(description instanceof Map ? [...description].filter((e): e is [string, string] => typeof e[1] === "string") : []),
    raw,
  };
}
