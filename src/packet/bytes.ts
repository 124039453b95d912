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

export function u16le(d: Uint8Array, i: number): number {
  return d[i]! | (d[i + 1]! << 8);
}

export function u32le(d: Uint8Array, i: number): number {
  return (d[i]! | (d[i + 1]! << 8) | (d[i + 2]! << 16) | (d[i + 3]! << 24)) >>> 0;
}
