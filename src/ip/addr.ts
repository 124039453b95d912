/**
 * Addresses as the IP layer stores them (four 32-bit words, network order,
 * IPv4 as ::ffff:a.b.c.d) and their text form as Zeek writes it: IPv4 in
 * dotted quad; IPv6 as inet_ntop does (RFC 5952: lower case, no leading
 * zeros, the longest run of ≥ 2 zero groups — the first on a tie — as "::",
 * and glibc's "::a.b.c.d" form for IPv4-compatible addresses).
 * Used when a connection record is built or a weird is reported, never per packet.
 */

/** True for the IPv4-mapped prefix ::ffff:0:0/96. */
export function isV4Mapped(w0: number, w1: number, w2: number): boolean {
  return w0 === 0 && w1 === 0 && w2 === 0xffff;
}

/** "0" … "255", and the same with the dot that follows the first three octets of a dotted quad. */
const OCTET_TEXT: readonly string[] = Array.from({ length: 256 }, (_, i) => String(i));
const OCTET_DOT_TEXT: readonly string[] = OCTET_TEXT.map((s) => `${s}.`);

/**
 * The last dotted quads made, by address (direct-mapped on the low bits,
 * where neighbours differ): every connection record formats both of its
 * addresses, and servers, gateways and resolvers come back again and again.
 * A hit allocates nothing and shares one string.
 */
const DOTTED_CACHE = 4096;
const dottedWords = new Int32Array(DOTTED_CACHE);
const dottedText: string[] = new Array<string>(DOTTED_CACHE).fill("");

/**
 * A dotted quad from four ready-made pieces: joined rather than formatted,
 * which takes half the time of converting the octets (a SYN flood's records
 * format two addresses each, two million a run).
 */
function dotted(w: number): string {
  const slot = (w ^ (w >>> 12)) & (DOTTED_CACHE - 1);
  const known = dottedText[slot]!;
  // "" is no address's text: an empty slot, whatever its word (0.0.0.0 included).
  if (dottedWords[slot] === (w | 0) && known !== "") return known;
  const text = OCTET_DOT_TEXT[w >>> 24]! + OCTET_DOT_TEXT[(w >>> 16) & 0xff]! + OCTET_DOT_TEXT[(w >>> 8) & 0xff]! + OCTET_TEXT[w & 0xff]!;
  dottedWords[slot] = w;
  dottedText[slot] = text;
  return text;
}

/** The eight 16-bit groups of the IPv6 address being formatted (one at a time: no array per address). */
const GROUPS = new Int32Array(8);

/** Zeek's text form of the address in words w0..w3. */
export function formatAddr(w0: number, w1: number, w2: number, w3: number): string {
  if (isV4Mapped(w0, w1, w2)) return dotted(w3 >>> 0);
  const groups = GROUPS;
  groups[0] = w0 >>> 16;
  groups[1] = w0 & 0xffff;
  groups[2] = w1 >>> 16;
  groups[3] = w1 & 0xffff;
  groups[4] = w2 >>> 16;
  groups[5] = w2 & 0xffff;
  groups[6] = w3 >>> 16;
  groups[7] = w3 & 0xffff;
  let bestAt = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestAt = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestLen < 2) bestAt = -1;
  // inet_ntop's IPv4-compatible form (::a.b.c.d), deprecated but still printed.
  if (bestAt === 0 && bestLen === 6) return `::${dotted(w3 >>> 0)}`;
  let out = "";
  // A group after another group takes a colon; the first, or one after "::", none.
  let afterGroup = false;
  for (let i = 0; i < 8; i++) {
    if (i === bestAt) {
      out += "::";
      i += bestLen - 1;
      afterGroup = false;
      continue;
    }
    if (afterGroup) out += ":";
    out += groups[i]!.toString(16);
    afterGroup = true;
  }
  return out;
}

/** Zeek's text form of an address given as 16 bytes (network order, IPv4 mapped: what parseAddress returns). */
export function formatAddrBytes(bytes: Uint8Array): string {
  const v = new DataView(bytes.buffer, bytes.byteOffset, 16);
  return formatAddr(v.getUint32(0), v.getUint32(4), v.getUint32(8), v.getUint32(12));
}

/**
 * The subnet of `addr`'s first `bits` bits (of 128; 16 bytes, not changed) as
 * Zeek writes it: its network address (the bits past the prefix cleared),
 * then the prefix length, an IPv4 (mapped) network's counted in IPv4 bits.
 */
export function formatSubnetBytes(addr: Uint8Array, bits: number): string {
  const network = maskAddrBytes(Uint8Array.from(addr.subarray(0, 16)), bits);
  const v = new DataView(network.buffer, 0, 16);
  const v4 = bits >= 96 && isV4Mapped(v.getUint32(0), v.getUint32(4), v.getUint32(8));
  return `${formatAddrBytes(network)}/${v4 ? bits - 96 : bits}`;
}

/** `bytes` (16, an address) with every bit past the first `bits` cleared, in place: a prefix's network. */
export function maskAddrBytes(bytes: Uint8Array, bits: number): Uint8Array {
  for (let i = 0; i < 16; i++) {
    const keep = Math.max(0, Math.min(8, bits - 8 * i));
    bytes[i]! &= (0xff << (8 - keep)) & 0xff;
  }
  return bytes;
}

/** The packet's source address as text. */
export function srcAddrText(p: { src0: number; src1: number; src2: number; src3: number }): string {
  return formatAddr(p.src0, p.src1, p.src2, p.src3);
}

/** The packet's destination address as text. */
export function dstAddrText(p: { dst0: number; dst1: number; dst2: number; dst3: number }): string {
  return formatAddr(p.dst0, p.dst1, p.dst2, p.dst3);
}
