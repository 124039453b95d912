/**
 * The data section of a MaxMind DB file (MaxMind DB format 2.0, "Output Data
 * Section"): self-describing values, each a control byte (type in the top 3
 * bits, 0 meaning "extended": 7 + the next byte; size in the low 5 bits, 29-31
 * meaning 1-3 more size bytes) and its payload. Maps' keys are strings or
 * pointers to strings; pointers (type 1) are offsets from the section's start.
 *
 * The contract: every read is bounds-checked against the section, pointers
 * may not point at pointers (the format forbids it; following a chain would
 * let a crafted file loop), and maps and arrays nest at most MAX_DEPTH deep,
 * so a corrupt file costs at most a bounded walk and ends in an MmdbError,
 * never a hang or a RangeError from a typed array.
 */

/** A value of the data section: maps as Maps; uint64 and uint128 as bigint; bytes as a view into the file. */
export type MmdbValue = string | number | bigint | boolean | Uint8Array | readonly MmdbValue[] | MmdbMap;
export interface MmdbMap extends ReadonlyMap<string, MmdbValue> {}

/** A file that does not follow the format. Its message is libmaxminddb's wording of the same failure, which Zeek reports. */
export class MmdbError extends Error {
  override readonly name = "MmdbError";
}

export const INVALID_DATA = "The MaxMind DB file's data section contains bad data (unknown data type or corrupt data)";

/** Type numbers of the data section. */
export const T_EXTENDED = 0;
export const T_POINTER = 1;
export const T_STRING = 2;
export const T_DOUBLE = 3;
export const T_BYTES = 4;
export const T_UINT16 = 5;
export const T_UINT32 = 6;
export const T_MAP = 7;
export const T_INT32 = 8;
export const T_UINT64 = 9;
export const T_UINT128 = 10;
export const T_ARRAY = 11;
export const T_CONTAINER = 12;
export const T_END_MARKER = 13;
export const T_BOOLEAN = 14;
export const T_FLOAT = 15;

/** Nesting of maps and arrays deeper than this is taken for corruption (real databases nest 3-4 deep). */
export const MAX_DEPTH = 32;

/**
 * Values one decode may visit at most. Pointers let a small file name one
 * map many times (a map whose entries point back at a map of pointers), so
 * depth alone would allow 2^MAX_DEPTH steps; a real record has tens.
 */
export const MAX_STEPS = 100_000;

/** The most bytes each fixed-width type may have (the format's limits). */
const MAX_WIDTH: Readonly<Record<number, number>> = { [T_UINT16]: 2, [T_UINT32]: 4, [T_INT32]: 4, [T_UINT64]: 8, [T_UINT128]: 16 };

const utf8 = new TextDecoder("utf-8");

/** One value's header: its type, its size (bytes, or entries of a map or array, or a boolean's value), where its payload starts. */
interface Header {
  type: number;
  size: number;
  payload: number;
}

/** A reader of one data section (the file's bytes from `start` to `end`); pointers are relative to `start`. */
export class DataSection {
  private readonly view: DataView;
  /** Values visited by the current public call (decode, get). */
  private steps = 0;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly start: number,
    private readonly end: number,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** The byte at absolute offset `at`, or an MmdbError past the section. */
  private byte(at: number): number {
    if (at < this.start || at >= this.end) throw new MmdbError(INVALID_DATA);
    return this.bytes[at]!;
  }

  /** Checks that `n` bytes from `at` are inside the section. */
  private need(at: number, n: number): void {
    if (at < this.start || n < 0 || at + n > this.end) throw new MmdbError(INVALID_DATA);
  }

  /** A big-endian unsigned number of `n` ≤ 4 bytes at `at`. */
  private uint(at: number, n: number): number {
    this.need(at, n);
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 256 + this.bytes[at + i]!;
    return v;
  }

  /** The header of the value at absolute offset `at`. */
  private header(at: number): Header {
    const control = this.byte(at);
    let type = control >> 5;
    let p = at + 1;
    if (type === T_EXTENDED) {
      type = 7 + this.byte(p++);
      if (type < 8 || type > T_FLOAT) throw new MmdbError(INVALID_DATA);
    }
    let size = control & 0x1f;
    // A pointer's size bits are its own encoding, read by pointerTarget.
    if (type === T_POINTER) return { type, size, payload: p };
    if (size === 29) size = 29 + this.uint(p++, 1);
    else if (size === 30) {
      size = 285 + this.uint(p, 2);
      p += 2;
    } else if (size === 31) {
      size = 65821 + this.uint(p, 3);
      p += 3;
    }
    return { type, size, payload: p };
  }

  /** Where a pointer points (absolute), and where the data after the pointer itself starts. */
  private pointerTarget(h: Header): { target: number; next: number } {
    const ss = (h.size >> 3) & 3;
    const vvv = h.size & 7;
    const p = h.payload;
    let rel: number;
    if (ss === 0) rel = vvv * 256 + this.uint(p, 1);
    else if (ss === 1) rel = vvv * 65536 + this.uint(p, 2) + 2048;
    else if (ss === 2) rel = vvv * 16777216 + this.uint(p, 3) + 526336;
    else rel = this.uint(p, 4);
    return { target: this.start + rel, next: p + ss + 1 };
  }

  /** The header at `at`, a pointer there followed once (a pointer to a pointer is corrupt); `next` is where the value after it starts. */
  private resolve(at: number): { h: Header; next: number } {
    const h = this.header(at);
    if (h.type !== T_POINTER) return { h, next: -1 };
    const { target, next } = this.pointerTarget(h);
    const r = this.header(target);
    if (r.type === T_POINTER) throw new MmdbError(INVALID_DATA);
    return { h: r, next };
  }

  /** The offset just past the value at `at` (a pointer counts as its own bytes), without decoding it. */
  skip(at: number, depth = 0): number {
    if (depth > MAX_DEPTH) throw new MmdbError(INVALID_DATA);
    const h = this.header(at);
    switch (h.type) {
      case T_POINTER:
        return this.pointerTarget(h).next;
      case T_MAP: {
        let p = h.payload;
        for (let i = 0; i < h.size; i++) p = this.skip(this.skip(p, depth + 1), depth + 1);
        return p;
      }
      case T_ARRAY: {
        let p = h.payload;
        for (let i = 0; i < h.size; i++) p = this.skip(p, depth + 1);
        return p;
      }
      case T_BOOLEAN:
        return h.payload;
      case T_CONTAINER:
      case T_END_MARKER:
        throw new MmdbError(INVALID_DATA);
      default:
        this.need(h.payload, h.size);
        return h.payload + h.size;
    }
  }

  /** The value at absolute offset `at`, decoded whole. */
  decode(at: number): MmdbValue {
    this.steps = 0;
    return this.decodeAt(at, 0).value;
  }

  /** The value at `at` and the offset after it. */
  private decodeAt(at: number, depth: number): { value: MmdbValue; next: number } {
    if (depth > MAX_DEPTH || ++this.steps > MAX_STEPS) throw new MmdbError(INVALID_DATA);
    const { h, next } = this.resolve(at);
    const r = this.decodeBody(h, depth);
    return { value: r.value, next: next >= 0 ? next : r.next };
  }

  private decodeBody(h: Header, depth: number): { value: MmdbValue; next: number } {
    const p = h.payload;
    switch (h.type) {
      case T_MAP: {
        const map = new Map<string, MmdbValue>();
        let q = p;
        for (let i = 0; i < h.size; i++) {
          const key = this.decodeAt(q, depth + 1);
          if (typeof key.value !== "string") throw new MmdbError(INVALID_DATA);
          const value = this.decodeAt(key.next, depth + 1);
          map.set(key.value, value.value);
          q = value.next;
        }
        return { value: map, next: q };
      }
      case T_ARRAY: {
        const items: MmdbValue[] = [];
        let q = p;
        for (let i = 0; i < h.size; i++) {
          const item = this.decodeAt(q, depth + 1);
          items.push(item.value);
          q = item.next;
        }
        return { value: items, next: q };
      }
      case T_BOOLEAN:
        if (h.size > 1) throw new MmdbError(INVALID_DATA);
        return { value: h.size === 1, next: p };
      default:
        return { value: this.scalar(h), next: p + h.size };
    }
  }

  /** A value that is not a map, array or boolean. */
  private scalar(h: Header): MmdbValue {
    const p = h.payload;
    this.need(p, h.size);
    const width = MAX_WIDTH[h.type];
    if (width !== undefined && h.size > width) throw new MmdbError(INVALID_DATA);
    switch (h.type) {
      case T_STRING:
        return utf8.decode(this.bytes.subarray(p, p + h.size));
      case T_BYTES:
        return this.bytes.subarray(p, p + h.size);
      case T_DOUBLE:
        if (h.size !== 8) throw new MmdbError(INVALID_DATA);
        return this.view.getFloat64(p);
      case T_FLOAT:
        if (h.size !== 4) throw new MmdbError(INVALID_DATA);
        return this.view.getFloat32(p);
      case T_UINT16:
      case T_UINT32:
        return this.uint(p, h.size);
      case T_INT32: {
        // Fewer than 4 bytes are a positive number; 4 are two's complement.
        const u = this.uint(p, h.size);
        return h.size === 4 ? u | 0 : u;
      }
      case T_UINT64:
      case T_UINT128: {
        let v = 0n;
        for (let i = 0; i < h.size; i++) v = (v << 8n) | BigInt(this.bytes[p + i]!);
        return v;
      }
      default:
        // The data cache container and the end marker never hold a record's data.
        throw new MmdbError(INVALID_DATA);
    }
  }

  /**
   * The value at `path` below the value at `at` (map keys, or array indexes
   * as decimal text, as libmaxminddb's MMDB_get_value takes them), decoded;
   * undefined when the path leads nowhere. Values passed over are skipped,
   * not decoded: a City record's other languages cost no strings.
   */
  get(at: number, path: readonly string[]): MmdbValue | undefined {
    this.steps = 0;
    let p = at;
    for (let depth = 0; depth < path.length; depth++) {
      const { h } = this.resolve(p);
      const key = path[depth]!;
      const found = h.type === T_MAP ? this.mapEntry(h, key, depth) : h.type === T_ARRAY ? this.arrayEntry(h, key, depth) : -1;
      if (found < 0) return undefined;
      p = found;
    }
    return this.decodeAt(p, path.length).value;
  }

  /** The offset of `key`'s value in the map with header `h`, or -1. */
  private mapEntry(h: Header, key: string, depth: number): number {
    let q = h.payload;
    for (let i = 0; i < h.size; i++) {
      const k = this.decodeAt(q, depth + 1);
      if (typeof k.value !== "string") throw new MmdbError(INVALID_DATA);
      if (k.value === key) return k.next;
      q = this.skip(k.next, depth + 1);
    }
    return -1;
  }

  /** The offset of entry `index` (decimal text) of the array with header `h`, or -1. */
  private arrayEntry(h: Header, index: string, depth: number): number {
    if (!/^\d+$/.test(index)) return -1;
    const n = Number(index);
    if (n >= h.size) return -1;
    let q = h.payload;
    for (let i = 0; i < n; i++) q = this.skip(q, depth + 1);
    return q;
  }
}
