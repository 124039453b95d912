/**
 * DNP3's application objects as Zeek's dnp3-protocol.pac and dnp3-objects.pac
 * read them, raising dnp3_object_header, dnp3_object_prefix,
 * dnp3_response_data_object and the per-object events in Zeek's order (a
 * record's event fires once its fields are read: header, then per object its
 * prefix, its own event, and in a response dnp3_response_data_object).
 *
 * - A request parses objects for function codes that carry them, and the
 *   data of an object only for the types Zeek's Request_Objects lists (g12,
 *   g50-52, g70, g80, g120); other types have no data after their header.
 * - A response (0x81-0x83) parses every object; any other response code is
 *   the rest of the fragment as dnp3_debug_byte.
 * - Qualifier codes: index ranges 0-2 (1, 2, 4 bytes, little-endian) give the
 *   count stop - start + 1; address ranges 3-5 give no count (5's and 4's
 *   values read big-endian, as the grammar leaves them); 6 is "all" (range
 *   0xffff-0xffff, no count); counts 7, 8, 9 and 0x0b (8 and 9 read
 *   big-endian for rf_low, byte-swapped for the count); any other range code
 *   swallows the rest. The prefix (qualifier's high nibble 1-6) is 1, 2 or 4
 *   bytes little-endian, else 0.
 * - A negative count, or more objects than bytes left, is out_of_bound before
 *   any object is read (BinPAC's check of an array of variable-size elements).
 * - Data running past the fragment is BinPAC's out_of_bound: a BinpacError
 *   the caller turns into the violation (Zeek then skips the connection);
 *   events raised before it stand.
 */

import { latin1 } from "../../../packet/bytes.js";
import type { AnalyzerHost } from "../analyzer.js";
import { needBytes, outOfBound, stringLength } from "../binpac.js";
import { type DataReader, REQUEST_READERS, RESPONSE_READERS, unlisted } from "./object-data.js";

/** Request function codes whose objects Zeek parses (the others: no objects, or an unknown code's bytes unread). */
const REQUEST_OBJECTS = new Set([
  0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x10, 0x11, 0x12, 0x14, 0x15, 0x16, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x20,
  0x21,
]);
/** Types whose items are bits packed eight to a byte (in a request only g12v3). */
const PACKED_RESPONSE = new Set([0x0101, 0x0301, 0x0a01, 0x0c03]);
const PACKED_REQUEST = 0x0c03;

/**
 * A cursor over one fragment's application bytes, reading fields as BinPAC
 * does (out of the data: a BinpacError naming the field), and the event
 * context (host, side) the object readers raise with.
 */
export class ObjectParser {
  at = 0;
  constructor(
    readonly host: AnalyzerHost,
    readonly isOrig: boolean,
    readonly d: Uint8Array,
    readonly end: number,
  ) {}

  need(n: number, where: string): number {
    needBytes(this.end, this.at, n, `DNP3:${where}`);
    const at = this.at;
    this.at += n;
    return at;
  }
  u8(where: string): number {
    return this.d[this.need(1, where)]!;
  }
  le16(where: string): number {
    const a = this.need(2, where);
    return this.d[a]! | (this.d[a + 1]! << 8);
  }
  le32(where: string): number {
    const a = this.need(4, where);
    return (this.d[a]! | (this.d[a + 1]! << 8) | (this.d[a + 2]! << 16) | (this.d[a + 3]! << 24)) >>> 0;
  }
  be16(where: string): number {
    const a = this.need(2, where);
    return (this.d[a]! << 8) | this.d[a + 1]!;
  }
  be32(where: string): number {
    const a = this.need(4, where);
    return ((this.d[a]! << 24) | (this.d[a + 1]! << 16) | (this.d[a + 2]! << 8) | this.d[a + 3]!) >>> 0;
  }
  /** A bytestring of `n` bytes (a negative length is BinPAC's error). */
  bytes(n: number, where: string): Uint8Array {
    stringLength(n, `DNP3:${where}`);
    const a = this.need(n, where);
    return this.d.subarray(a, a + n);
  }
  /** &restofdata: everything left. */
  rest(): Uint8Array {
    const a = this.at;
    this.at = this.end;
    return this.d.subarray(a, this.end);
  }
  /** DNP3's 48-bit time: milliseconds, little-endian. */
  time48(): number {
    const b = this.bytes(6, "time48");
    let t = 0;
    for (let i = 5; i >= 0; i--) t = t * 256 + b[i]!;
    return t;
  }
  /** The rest of the data as Zeek's Debug_Byte (with its event). */
  debugByte(): void {
    const b = this.rest();
    if (this.host.wants("dnp3_debug_byte")) this.host.raise("dnp3_debug_byte", this.host.conn(), this.isOrig, latin1(b));
  }
}

interface ObjectHeader {
  type: number;
  qualifier: number;
  /** The count as BinPAC's int (may be negative or zero). */
  count: number;
}

/** A range field's &let values: the count (BinPAC's int) and rf_value_low/high. */
interface Range {
  count: number;
  low: number;
  high: number;
}

type Read = (p: ObjectParser, where: string) => number;
const u8: Read = (p, w) => p.u8(w);
const le16: Read = (p, w) => p.le16(w);
const le32: Read = (p, w) => p.le32(w);
const be16: Read = (p, w) => p.be16(w);
const be32: Read = (p, w) => p.be32(w);

/** Ranges 0-2: start and stop indices; the count stop - start + 1 (as an int: 0 or negative when stop < start). */
const indices =
  (read: Read) =>
  (p: ObjectParser): Range => {
    const low = read(p, "start_index");
    const high = read(p, "stop_index");
    return { count: (high - low + 1) | 0, low, high };
  };
/** Ranges 3-5: start and stop addresses, no count. */
const addresses =
  (read: Read) =>
  (p: ObjectParser): Range => ({ count: 0, low: read(p, "start_addr"), high: read(p, "stop_addr") });
/** Ranges 7 and 0x0b: a one-byte count (also rf_low). */
const count8 = (p: ObjectParser): Range => {
  const n = p.u8("range_field");
  return { count: n, low: n, high: 0 };
};

/** The range field by the qualifier's low nibble; any other code swallows the rest (Zeek's `unknown: bytestring &restofdata`). */
const RANGES: ReadonlyArray<((p: ObjectParser) => Range) | undefined> = [
  indices(u8),
  indices(le16),
  indices(le32),
  addresses(u8),
  addresses(be16),
  addresses(be32),
  () => ({ count: 0, low: 0xffff, high: 0xffff }),
  count8,
  (p) => {
    // Read big-endian (rf_low keeps that), the count byte-swapped.
    const low = p.be16("range_field_8");
    return { count: ((low & 0xff) << 8) | (low >>> 8), low, high: 0 };
  },
  (p) => {
    const low = p.be32("range_field_9");
    return { count: ((low & 0xff) << 24) | ((low & 0xff00) << 8) | ((low >>> 8) & 0xff00) | (low >>> 24), low, high: 0 };
  },
  undefined,
  count8,
];

/** Zeek's Object_Header with its &let values, raising dnp3_object_header. */
function objectHeader(p: ObjectParser): ObjectHeader {
  const type = p.be16("object_type_field");
  const qualifier = p.u8("qualifier_field");
  const read = RANGES[qualifier & 0x0f];
  let r: Range = { count: 0, low: 0, high: 0 };
  if (read === undefined) p.rest();
  else r = read(p);
  const host = p.host;
  if (host.wants("dnp3_object_header")) {
    host.raise("dnp3_object_header", host.conn(), p.isOrig, type, qualifier, r.count >>> 0, r.low >>> 0, r.high >>> 0);
  }
  return { type, qualifier, count: r.count };
}

/** Zeek's Prefix_Type, raising dnp3_object_prefix; the value sizes some objects. */
function prefix(p: ObjectParser, qualifier: number): number {
  let v = 0;
  switch (qualifier & 0xf0) {
    case 0x10:
    case 0x40:
      v = p.u8("prefix");
      break;
    case 0x20:
    case 0x50:
      v = p.le16("prefix");
      break;
    case 0x30:
    case 0x60:
      v = p.le32("prefix");
      break;
  }
  if (p.host.wants("dnp3_object_prefix")) p.host.raise("dnp3_object_prefix", p.host.conn(), p.isOrig, v);
  return v;
}

/**
 * The number of data objects (bits pack eight to a byte, in C's integer
 * arithmetic), checked as BinPAC checks an array of variable-size elements
 * before reading any: a negative length, or more elements than bytes left,
 * is out_of_bound.
 */
function items(p: ObjectParser, h: ObjectHeader, packed: boolean): number {
  let n = h.count;
  if (packed) {
    const q = Math.trunc(n / 8);
    n = q + (n > q * 8 ? 1 : 0);
  }
  if (n < 0 || n > p.end - p.at) throw outOfBound("DNP3:objects", n, p.end - p.at);
  return n;
}

/** A request's objects: each header, and for the types Zeek reads, each object's prefix and data. */
function requestObjects(p: ObjectParser, fc: number): void {
  while (p.at < p.end) {
    const h = objectHeader(p);
    const read = REQUEST_READERS.get(h.type);
    if (read === undefined) continue;
    const n = items(p, h, h.type === PACKED_REQUEST);
    for (let i = 0; i < n; i++) read(p, prefix(p, h.qualifier), fc);
  }
}

/** A response's objects: each header, then each object's prefix, data and dnp3_response_data_object. */
function responseObjects(p: ObjectParser, fc: number): void {
  const host = p.host;
  const wantsData = host.wants("dnp3_response_data_object");
  while (p.at < p.end) {
    const h = objectHeader(p);
    const read: DataReader = RESPONSE_READERS.get(h.type) ?? unlisted(h.type);
    const n = items(p, h, PACKED_RESPONSE.has(h.type));
    for (let i = 0; i < n; i++) {
      const value = read(p, prefix(p, h.qualifier), fc) ?? 0xff;
      if (wantsData) host.raise("dnp3_response_data_object", host.conn(), p.isOrig, value);
    }
  }
}

/**
 * The objects after a fragment's application header (`d[from, end)`), with
 * their events. Throws BinpacError where Zeek's parser would.
 */
export function parseObjects(host: AnalyzerHost, isOrig: boolean, fc: number, d: Uint8Array, from: number, end: number): void {
  const p = new ObjectParser(host, isOrig, d, end);
  p.at = from;
  if (isOrig) {
    if (REQUEST_OBJECTS.has(fc)) requestObjects(p, fc);
  } else if (fc >= 0x81 && fc <= 0x83) responseObjects(p, fc);
  else p.debugByte();
}
