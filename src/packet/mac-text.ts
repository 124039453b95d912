/**
 * MAC addresses as Zeek writes them (FmtEUI48, fmt_mac): six lower-case hex
 * pairs joined by colons.
 *
 * Every connection's record carries its endpoints' link addresses as text,
 * while a trace holds few distinct addresses (a router's, a handful of
 * hosts'). Formatting them anew per connection was, under a SYN flood, a
 * third of all the run allocated (~700 bytes of intermediate strings per
 * connection). So the texts are kept in a small direct-mapped cache by value:
 * a hit allocates nothing and connections share one string; a miss makes the
 * string in one allocation. Bounded: CACHE_SIZE strings at most.
 */

const CACHE_SIZE = 1024;
const cacheHi = new Int32Array(CACHE_SIZE).fill(-1);
const cacheLo = new Int32Array(CACHE_SIZE).fill(-1);
const cacheText: string[] = new Array<string>(CACHE_SIZE).fill("");

/** The character code of hex digit `n` (0-15), lower case. */
function hexCode(n: number): number {
  return n < 10 ? 48 + n : 87 + n;
}

/** The address whose first three bytes are `hi` and last three `lo` (24 bits each). */
export function macTextOfHalves(hi: number, lo: number): string {
  // Low bits of both halves: a host's address differs from its neighbours' at the end.
  const slot = (lo ^ (hi >>> 7) ^ (lo >>> 10)) & (CACHE_SIZE - 1);
  if (cacheHi[slot] === hi && cacheLo[slot] === lo) return cacheText[slot]!;
  const text = String.fromCharCode(
    hexCode((hi >>> 20) & 15),
    hexCode((hi >>> 16) & 15),
    58,
    hexCode((hi >>> 12) & 15),
    hexCode((hi >>> 8) & 15),
    58,
    hexCode((hi >>> 4) & 15),
    hexCode(hi & 15),
    58,
    hexCode((lo >>> 20) & 15),
    hexCode((lo >>> 16) & 15),
    58,
    hexCode((lo >>> 12) & 15),
    hexCode((lo >>> 8) & 15),
    58,
    hexCode((lo >>> 4) & 15),
    hexCode(lo & 15),
  );
  cacheHi[slot] = hi;
  cacheLo[slot] = lo;
  cacheText[slot] = text;
  return text;
}

/** The six bytes at `at` (the caller checks they are there). */
export function macText(d: Uint8Array, at: number): string {
  return macTextOfHalves((d[at]! << 16) | (d[at + 1]! << 8) | d[at + 2]!, (d[at + 3]! << 16) | (d[at + 4]! << 8) | d[at + 5]!);
}
