/**
 * Parsing of the address literals a filter may contain: dotted IPv4 (with
 * libpcap's short forms, `10.1` = 10.1.0.0 with a /16 mask), IPv6 text and
 * MAC addresses. Returns null when the text is not that kind of address.
 */

/** An IPv4 literal with as many leading bytes as were written (1–4). */
export interface DottedV4 {
  /** Value with the written bytes left-aligned (`10.1` → 0x0a010000). */
  readonly addr: number;
  /** Bits written: 8 per component. */
  readonly bits: number;
}

export function parseDottedV4(text: string): DottedV4 | null {
  const parts = text.split(".");
  if (parts.length < 1 || parts.length > 4) return null;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return null;
    const byte = Number(part);
    if (byte > 255) return null;
    value = value * 256 + byte;
  }
  const bits = parts.length * 8;
  return { addr: bits === 32 ? value >>> 0 : (value * 2 ** (32 - bits)) >>> 0, bits };
}

/** IPv6 text → four 32-bit words, or null. Accepts `::` and an embedded dotted quad. */
export function parseIPv6(text: string): number[] | null {
  let s = text;
  let tail: number[] = [];
  const lastColon = s.lastIndexOf(":");
  if (s.includes(".")) {
    const v4 = parseDottedV4(s.slice(lastColon + 1));
    if (v4 === null || v4.bits !== 32) return null;
    tail = [v4.addr >>> 16, v4.addr & 0xffff];
    s = `${s.slice(0, lastColon + 1)}0:0`;
  }
  const halves = s.split("::");
  if (halves.length > 2) return null;
  const parseGroups = (h: string): number[] | null => {
    if (h === "") return [];
    const groups: number[] = [];
    for (const g of h.split(":")) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
      groups.push(parseInt(g, 16));
    }
    return groups;
  };
  const head = parseGroups(halves[0]!);
  const rest = halves.length === 2 ? parseGroups(halves[1]!) : [];
  if (head === null || rest === null) return null;
  let groups: number[];
  if (halves.length === 2) {
    const missing = 8 - head.length - rest.length;
    if (missing < 1) return null;
    groups = [...head, ...new Array<number>(missing).fill(0), ...rest];
  } else {
    if (head.length !== 8) return null;
    groups = head;
  }
  if (tail.length === 2) groups.splice(6, 2, tail[0]!, tail[1]!);
  const words: number[] = [];
  for (let i = 0; i < 8; i += 2) words.push(((groups[i]! << 16) | groups[i + 1]!) >>> 0);
  return words;
}

/** Four 32-bit mask words for an IPv6 prefix length. */
export function ipv6Mask(prefix: number): number[] {
  const mask: number[] = [];
  for (let i = 0; i < 4; i++) {
    const bits = Math.max(0, Math.min(32, prefix - 32 * i));
    mask.push(bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0);
  }
  return mask;
}

/** IPv4 mask for a prefix length (0–32). */
export function ipv4Mask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** MAC address text (`a:b:c:d:e:f`, `aa.bb.cc.dd.ee.ff`, `aabb.ccdd.eeff`) → 6 bytes, or null. */
export function parseMac(text: string): number[] | null {
  const byColon = text.split(":");
  const byDot = text.split(".");
  let groups: string[] | null = null;
  if (byColon.length === 6) groups = byColon;
  else if (byDot.length === 6) groups = byDot;
  if (groups !== null) {
    if (!groups.every((g) => /^[0-9a-fA-F]{1,2}$/.test(g))) return null;
    return groups.map((g) => parseInt(g, 16));
  }
  if (byDot.length === 3 && byDot.every((g) => /^[0-9a-fA-F]{4}$/.test(g))) {
    const out: number[] = [];
    for (const g of byDot) out.push(parseInt(g.slice(0, 2), 16), parseInt(g.slice(2), 16));
    return out;
  }
  return null;
}
