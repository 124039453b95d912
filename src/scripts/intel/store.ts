/**
 * The intelligence data store (Zeek's Intel::data_store): per indicator, the
 * metadata of each source that supplied it. Addresses, subnets and the other
 * types are kept apart, as Zeek's three tables are:
 *
 * - an ADDR indicator is filed under its canonical text (Zeek converts it to
 *   an addr: "::FFFF:1.2.3.4" and "1.2.3.4" are one indicator);
 * - a SUBNET under its network with the host bits cleared ("10.1.2.3/8" is
 *   10.0.0.0/8, as to_subnet makes it); an address is matched by every
 *   subnet containing it, not only the most specific (filter_subnet_table);
 * - the others under their lower-case text and type: all intelligence is
 *   case-insensitive (to_lower), the seen text is matched lower-cased too.
 *
 * Matching an address looks up one masked key per prefix length present, so
 * its cost does not grow with the number of subnets.
 */
import { formatAddrBytes, formatSubnetBytes } from "../../ip/addr.js";
import { parseAddress, subnetBits } from "../site.js";
import type { IntelMetaData, IntelType } from "./types.js";

/** One indicator's metadata by source, and when it was last written (for Intel::item_expiration). */
export interface IntelEntry {
  /** The indicator as Zeek prints it (canonical address or subnet; lower-case text otherwise). */
  readonly indicator: string;
  readonly type: IntelType;
  readonly metas: Map<string, IntelMetaData>;
  written: number;
}

/** An address's canonical text (Zeek's cat of the addr), or null for text that is not an address. */
export function canonicalAddr(text: string): string | null {
  const b = parseAddress(text);
  return b === null ? null : formatAddrBytes(b);
}

/** A subnet's canonical text and prefix length (of 128), or null for text that is not a subnet ("10.0.0.0/8", "2001:db8::/32"). */
export function parseIntelSubnet(text: string): { text: string; bits: number } | null {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(text.trim());
  if (m === null) return null;
  const addr = parseAddress(m[1]!);
  const bits = subnetBits(m[1]!, Number(m[2]));
  if (addr === null || bits === null) return null;
  return { text: formatSubnetBytes(addr, bits), bits };
}

export class IntelStore {
  private readonly hosts = new Map<string, IntelEntry>();
  private readonly subnets = new Map<string, IntelEntry>();
  /** How many subnets of each prefix length (of 128) there are: the lengths an address is masked to when matched. */
  private readonly prefixCounts = new Map<number, number>();
  private readonly strings = new Map<string, IntelEntry>();

  get size(): number {
    return this.hosts.size + this.subnets.size + this.strings.size;
  }

  /** The entry an indicator is filed under, or null when the indicator is not valid for its type (an ADDR that is no address). */
  key(indicator: string, type: IntelType): { table: Map<string, IntelEntry>; key: string; bits?: number } | null {
    if (type === "Intel::ADDR") {
      const a = canonicalAddr(indicator);
      return a === null ? null : { table: this.hosts, key: a };
    }
    if (type === "Intel::SUBNET") {
      const net = parseIntelSubnet(indicator);
      return net === null ? null : { table: this.subnets, key: net.text, bits: net.bits };
    }
    return { table: this.strings, key: `${type}\u0000${indicator.toLowerCase()}` };
  }

  get(indicator: string, type: IntelType): IntelEntry | undefined {
    const k = this.key(indicator, type);
    return k === null ? undefined : k.table.get(k.key);
  }

  /** The entry of the indicator, made (empty) if new; `isNew` says which. Null for an invalid indicator. */
  entry(indicator: string, type: IntelType, now: number): { entry: IntelEntry; isNew: boolean } | null {
    const k = this.key(indicator, type);
    if (k === null) return null;
    const found = k.table.get(k.key);
    if (found !== undefined) return { entry: found, isNew: false };
    const shown = type === "Intel::ADDR" || type === "Intel::SUBNET" ? k.key : indicator.toLowerCase();
    const entry: IntelEntry = { indicator: shown, type, metas: new Map(), written: now };
    k.table.set(k.key, entry);
    if (k.bits !== undefined) this.prefixCounts.set(k.bits, (this.prefixCounts.get(k.bits) ?? 0) + 1);
    return { entry, isNew: true };
  }

  /** Deletes the indicator; true when it was there. */
  delete(indicator: string, type: IntelType): boolean {
    const k = this.key(indicator, type);
    if (k === null || !k.table.delete(k.key)) return false;
    if (k.bits !== undefined) {
      const n = (this.prefixCounts.get(k.bits) ?? 1) - 1;
      if (n === 0) this.prefixCounts.delete(k.bits);
      else this.prefixCounts.set(k.bits, n);
    }
    return true;
  }

  /** The ADDR entry of an address, if any. */
  host(addr: string): IntelEntry | undefined {
    const a = canonicalAddr(addr);
    return a === null ? undefined : this.hosts.get(a);
  }

  /** Every SUBNET entry containing the address, least specific first. */
  subnetsOf(addr: string): IntelEntry[] {
    if (this.subnets.size === 0) return [];
    const b = parseAddress(addr);
    if (b === null) return [];
    const found: IntelEntry[] = [];
    // IPv4 addresses and subnets are IPv4-mapped IPv6 ones, as Zeek keeps them: ::/0 holds every address.
    for (const bits of [...this.prefixCounts.keys()].sort((x, y) => x - y)) {
      // The store keeps subnets by their text as Zeek prints them.
      const e = this.subnets.get(formatSubnetBytes(b, bits));
      if (e !== undefined) found.push(e);
    }
    return found;
  }

  /** The entry of a string indicator (matched lower-cased). */
  text(indicator: string, type: IntelType): IntelEntry | undefined {
    return this.strings.get(`${type}\u0000${indicator.toLowerCase()}`);
  }

  /** Every entry (for expiration sweeps). */
  entries(): IntelEntry[] {
    return [...this.hosts.values(), ...this.subnets.values(), ...this.strings.values()];
  }
}
