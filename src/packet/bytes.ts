/**
 * Big- and little-endian reads by index from a Uint8Array (no DataView per
 * packet). Callers check bounds before reading: these never do.
 */
export function u16(d: Uint8Array, i: number): number {
  return (d[i]! << 8) | d[i + 1]!;
}

export function u32(d: Uint8Array, i: number): number {
  return ((d[i]! << 24) | (d[i + 1]! << 16) | (d[i + 2]! << 8) | d[i + 3]!) >>> 0;
}

/**
 * A big-endian 32-bit word as a signed int32. Hot fields that hold whole words
 * (the packet's address words) use this: an int32 stays an unboxed small
 * integer in V8, while a uint32 ≥ 2^31 becomes a heap number on every store.
 */
export function s32(d: Uint8Array, i: number): number {
  return (d[i]! << 24) | (d[i + 1]! << 16) | (d[i + 2]! << 8) | d[i + 3]!;
}

export function u16le(d: Uint8Array, i: number): number {
  return d[i]! | (d[i + 1]! << 8);
}

export function u32le(d: Uint8Array, i: number): number {
  return (d[i]! | (d[i + 1]! << 8) | (d[i + 2]! << 16) | (d[i + 3]! << 24)) >>> 0;
}

/** Buffer's native indexOf; for a number it runs memchr and accepts any Uint8Array as `this`. */
const bufferIndexOf = Buffer.prototype.indexOf as (this: Uint8Array, value: number, byteOffset: number) => number;

/**
 * The index of the first `byte` at or after `from` in `data`, or -1. Node's
 * memchr: some ten times faster than Uint8Array's own indexOf (a loop in V8's
 * runtime) on a packet's length, and faster on a few bytes too.
 */
export function indexOfByte(data: Uint8Array, byte: number, from: number): number {
  return bufferIndexOf.call(data, byte, from);
}

/** Buffer's native latin1 decoder; it accepts any Uint8Array as `this`. */
const latin1Slice = (Buffer.prototype as unknown as { latin1Slice(this: Uint8Array, start: number, end: number): string }).latin1Slice;

/**
 * Bytes as latin1 text, one character per byte (what protocol strings and
 * DPD patterns hold). Node's decoder is byte-exact; TextDecoder's "latin1"
 * is windows-1252 and would change bytes 0x80-0x9f.
 *
 * Up to 8 bytes (commands, header names, tokens: most calls) the bytes are
 * handed to String.fromCharCode as arguments, four at a time; longer runs go
 * to Node's native slicer, called on the view itself (a Buffer wrapped
 * around each view cost an object per call). Adding one character at a time
 * made a new string per byte: 114 ns for 16 bytes, where the slicer takes 38
 * and fromCharCode 10 for 4 bytes, 24 for 8.
 */
export function latin1(data: Uint8Array): string {
  const n = data.length;
  if (n <= 4) return fromBytes(data, 0, n);
  if (n <= 8) return fromBytes(data, 0, 4) + fromBytes(data, 4, n - 4);
  return latin1Slice.call(data, 0, n);
}

/** The `n` (0 to 4) bytes of `d` from `at` as text. */
function fromBytes(d: Uint8Array, at: number, n: number): string {
  switch (n) {
    case 0:
      return "";
    case 1:
      return String.fromCharCode(d[at]!);
    case 2:
      return String.fromCharCode(d[at]!, d[at + 1]!);
    case 3:
      return String.fromCharCode(d[at]!, d[at + 1]!, d[at + 2]!);
    default:
      return String.fromCharCode(d[at]!, d[at + 1]!, d[at + 2]!, d[at + 3]!);
  }
}

/**
 * The first `n` codes of `d` as one flat string: up to 18 (a uid, a dotted
 * quad) in one String.fromCharCode call with that many arguments (V8's
 * builtin: one allocation, no call into C++), longer ones by Node's latin1
 * slicer. Text made by concatenation is a cons string from 13 characters on
 * (more objects, flattened again by the first reader); the slicer is a call
 * into C++ (~700 instructions a uid).
 */
export function shortText(d: Uint8Array, n: number): string {
  switch (n) {
    case 0:
      return "";
    case 1:
      return String.fromCharCode(d[0]!);
    case 2:
      return String.fromCharCode(d[0]!, d[1]!);
    case 3:
      return String.fromCharCode(d[0]!, d[1]!, d[2]!);
    case 4:
      return String.fromCharCode(d[0]!, d[1]!, d[2]!, d[3]!);
    case 5:
      return String.fromCharCode(d[0]!, d[1]!, d[2]!, d[3]!, d[4]!);
    case 6:
      return String.fromCharCode(d[0]!, d[1]!, d[2]!, d[3]!, d[4]!, d[5]!);
    case 7:
      return String.fromCharCode(d[0]!, d[1]!, d[2]!, d[3]!, d[4]!, d[5]!, d[6]!);
    case 8:
      return String.fromCharCode(d[0]!, d[1]!, d[2]!, d[3]!, d[4]!, d[5]!, d[6]!, d[7]!);
    case 9:
      return String.fromCharCode(d[0]!, d[1]!, d[2]!, d[3]!, d[4]!, d[5]!, d[6]!, d[7]!, d[8]!);
    case 10:
      return String.fromCharCode(d[0]!, d[1]!, d[2]!, d[3]!, d[4]!, d[5]!, d[6]!, d[7]!, d[8]!, d[9]!);
    case 11:
      return String.fromCharCode(d[0]!, d[1]!, d[2]!, d[3]!, d[4]!, d[5]!, d[6]!, d[7]!, d[8]!, d[9]!, d[10]!);
    case 12:
      return String.fromCharCode(d[0]!, d[1]!, d[2]!, d[3]!, d[4]!, d[5]!, d[6]!, d[7]!, d[8]!, d[9]!, d[10]!, d[11]!);
    case 13:
      return String.fromCharCode(d[0]!, d[1]!, d[2]!, d[3]!, d[4]!, d[5]!, d[6]!, d[7]!, d[8]!, d[9]!, d[10]!, d[11]!, d[12]!);
    case 14:
      return String.fromCharCode(d[0]!, d[1]!, d[2]!, d[3]!, d[4]!, d[5]!, d[6]!, d[7]!, d[8]!, d[9]!, d[10]!, d[11]!, d[12]!, d[13]!);
    case 15:
      return String.fromCharCode(d[0]!, d[1]!, d[2]!, d[3]!, d[4]!, d[5]!, d[6]!, d[7]!, d[8]!, d[9]!, d[10]!, d[11]!, d[12]!, d[13]!, d[14]!);
    case 16:
      return String.fromCharCode(d[0]!, d[1]!, d[2]!, d[3]!, d[4]!, d[5]!, d[6]!, d[7]!, d[8]!, d[9]!, d[10]!, d[11]!, d[12]!, d[13]!, d[14]!, d[15]!);
    case 17:
      return String.fromCharCode(d[0]!, d[1]!, d[2]!, d[3]!, d[4]!, d[5]!, d[6]!, d[7]!, d[8]!, d[9]!, d[10]!, d[11]!, d[12]!, d[13]!, d[14]!, d[15]!, d[16]!);
    case 18:
      return String.fromCharCode(
        d[0]!,
        d[1]!,
        d[2]!,
        d[3]!,
        d[4]!,
        d[5]!,
        d[6]!,
        d[7]!,
        d[8]!,
        d[9]!,
        d[10]!,
        d[11]!,
        d[12]!,
        d[13]!,
        d[14]!,
        d[15]!,
        d[16]!,
        d[17]!,
      );
    default:
      return latin1Slice.call(d, 0, n);
  }
}
