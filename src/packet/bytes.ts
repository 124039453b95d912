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

/**
 * Bytes as latin1 text, one character per byte (what protocol strings and
 * DPD patterns hold). Node's decoder is byte-exact; TextDecoder's "latin1"
 * is windows-1252 and would change bytes 0x80-0x9f.
 */
export function latin1(data: Uint8Array): string {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("latin1");
}
