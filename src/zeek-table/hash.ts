/**
 * The hashes Zeek's script tables file their keys under: a table index
 * becomes bytes (CompHash: a single count is its 8 bytes, little-endian; a
 * single string its bytes, no length; a single addr its 16 bytes in network
 * order, IPv4 mapped as ::ffff:a.b.c.d), hashed with SipHash-2-4 under the
 * key from the seed (HashKey::HashBytes → KeyedHash::Hash64), of which the
 * dictionary keeps the low 32 bits. Without a seed the key is random, as is
 * Zeek's order then.
 */
import type { ConnId } from "../event/records.js";
import { maskAddrBytes } from "../ip/addr.js";
import { parseAddress } from "../scripts/site.js";
import { seedSipKey, siphash24Into } from "../session/uid.js";
import { connIdKey } from "./key-bytes.js";
import type { KeyHash } from "./table.js";

export class TableHasher {
  private readonly key: Uint8Array;
  /** One key's bytes and hash at a time (single-threaded). */
  private readonly count8 = new Uint8Array(8);
  private readonly countView = new DataView(this.count8.buffer);
  private readonly out = new Uint32Array(2);

  constructor(seed?: readonly number[]) {
    this.key = seedSipKey(seed);
  }

  /**
   * The hashes of the counts below 2^16, made once each: the indexes scripts
   * use are mostly small (an HTTP connection's request numbers, DNS
   * transaction ids), and a SipHash per table operation cost the realistic
   * mix ~80 M instructions. Created when first needed.
   */
  private smallCounts: Uint32Array | null = null;
  private smallKnown: Uint8Array | null = null;

  /** The hash of a `count` index (below 2^53). */
  readonly count: KeyHash<number> = (n) => {
    if (n < 65536 && n >= 0 && Number.isInteger(n)) {
      const known = (this.smallKnown ??= new Uint8Array(65536));
      const hashes = (this.smallCounts ??= new Uint32Array(65536));
      if (known[n] === 0) {
        hashes[n] = this.countHash(n);
        known[n] = 1;
      }
      return hashes[n]!;
    }
    return this.countHash(n);
  };

  private countHash(n: number): number {
    this.countView.setUint32(0, n >>> 0, true);
    this.countView.setUint32(4, Math.floor(n / 4294967296) >>> 0, true);
    return this.bytes(this.count8);
  }

  /** The hash of a `string` index, its characters taken as bytes (latin1, as bronze keeps Zeek's strings). */
  readonly string: KeyHash<string> = (s) => this.bytes(Buffer.from(s, "latin1"));

  /** The hash of an `addr` index, given as text ("10.0.0.1", "2001:db8::1"). */
  readonly addr: KeyHash<string> = (a) => {
    const bytes = parseAddress(a);
    if (bytes === null) throw new TypeError(`not an address: ${JSON.stringify(a)}`);
    return this.bytes(bytes);
  };

  /**
   * The hash of a `subnet` index, given as text ("10.0.0.0/8"): its prefix's
   * 16 bytes (IPv4 mapped, host bits cleared) and then its width as a
   * little-endian uint32, an IPv4 subnet's as written (CompHash's subnet).
   */
  readonly subnet: KeyHash<string> = (s) => {
    const slash = s.lastIndexOf("/");
    const bytes = parseAddress(s.slice(0, slash));
    const width = Number(s.slice(slash + 1));
    if (bytes === null || !Number.isInteger(width)) throw new TypeError(`not a subnet: ${JSON.stringify(s)}`);
    const key = new Uint8Array(20);
    key.set(maskAddrBytes(bytes, s.includes(":") ? width : 96 + width));
    new DataView(key.buffer).setUint32(16, width, true);
    return this.bytes(key);
  };

  /** The hash of a `conn_id` index (a file's f$conns): its bytes as connIdKey writes them. */
  readonly connId: KeyHash<ConnId> = (id) => this.bytes(connIdKey(id).bytes);

  /** The whole 64-bit hash of a key's bytes (HashKey::Hash(), which a cardinality counter uses): `out` gets its high, then low 32 bits. */
  hash64(b: Uint8Array, out: Uint32Array): void {
    siphash24Into(this.key, b, out);
  }

  private bytes(b: Uint8Array): number {
    siphash24Into(this.key, b, this.out);
    return this.out[1]!;
  }
}
