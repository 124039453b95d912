/**
 * The connection table: connections keyed by their five-tuple, looked up per
 * packet without building any string or object. The hash is symmetric in the
 * two endpoints (a TCP/UDP/unknown key is direction-independent, Zeek's IPBasedConnKey).
 * Open addressing with linear probing over a power-of-two number of slots
 * (cheaper per packet than a Map<number, Conn>), at most half of them taken:
 * each slot has the connection's hash in an Int32Array beside the reference,
 * so a probe reads that array only, and touches a connection only when its
 * hash matches. Under a SYN flood a new connection's lookup misses: one read
 * of that array where chains through the connections cost a cache miss per
 * connection walked, and resizing and removal never walk other connections.
 * Doubled when more than half full, halved when less than an eighth. The
 * hash is keyed per table (randomHashKey), so nobody outside can aim flows
 * at one probe run.
 */
import type { Packet } from "../packet/packet.js";
import type { Conn } from "./connection.js";
import { compareVlanKeys, vlanKeyOf } from "./vlan-key.js";

/** The final avalanche (murmur3's fmix32). */
export function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** Multipliers of an endpoint's nine 16-bit pieces: the halves of its four address words, its port. */
const KEY_PIECES = 9;

/**
 * A table's secret hash key: one random 32-bit multiplier per 16-bit piece
 * of an endpoint. Zeek keys its hash tables with a per-process random key;
 * with fixed multipliers an attacker who knows them can pick addresses whose
 * keys collide (e.g. IPv6 sources differing only in the top bits of two
 * words, which cancel mod 2^32 under any odd multipliers) and turn every
 * lookup into a walk of one long chain.
 */
export type HashKey = Float64Array;

/** Word 2 of an IPv4-mapped address; the key's slot after the multipliers holds what such upper words add. */
const V4_MAPPED_WORD2 = 0xffff;
const V4_SHARE = KEY_PIECES;

export function randomHashKey(): HashKey {
  const words = new Uint32Array(KEY_PIECES);
  crypto.getRandomValues(words);
  const key = new Float64Array(KEY_PIECES + 1);
  key.set(words);
  key[V4_SHARE] = key[5]! * V4_MAPPED_WORD2; // words 0 and 1 are 0, word 2's high half 0
  return key;
}

/**
 * One endpoint, keyed: the sum of each 16-bit piece times its key multiplier,
 * computed exactly (nine products below 2^48 sum below 2^52, exact in a
 * double), so there is no wrap-around an attacker could aim at; the 52-bit
 * sum is folded to 32 bits and avalanched.
 */
function endpointHash(k: HashKey, w0: number, w1: number, w2: number, w3: number, port: number): number {
  let s = k[6]! * (w3 >>> 16) + k[7]! * (w3 & 0xffff) + k[8]! * port;
  // An IPv4 address (::ffff:a.b.c.d) adds its constant upper words' share, computed once with the key.
  if (w0 === 0 && w1 === 0 && w2 === V4_MAPPED_WORD2) s += k[V4_SHARE]!;
  else s += k[0]! * (w0 >>> 16) + k[1]! * (w0 & 0xffff) + k[2]! * (w1 >>> 16) + k[3]! * (w1 & 0xffff) + k[4]! * (w2 >>> 16) + k[5]! * (w2 & 0xffff);
  // ToUint32 of an integer below 2^53 is exact (the low 32 bits); the high ones are multiplied in.
  return mix((s >>> 0) ^ Math.imul(Math.floor(s / 4294967296), 0x9e3779b1));
}

/** Symmetric keyed hash of a five-tuple (int32). */
export function tupleHash(
  k: HashKey,
  a0: number,
  a1: number,
  a2: number,
  a3: number,
  ap: number,
  b0: number,
  b1: number,
  b2: number,
  b3: number,
  bp: number,
  proto: number,
): number {
  return mix(((endpointHash(k, a0, a1, a2, a3, ap) + endpointHash(k, b0, b1, b2, b3, bp)) | 0) ^ proto) | 0;
}

const INITIAL_SLOTS = 1024;
/** A slot's tag when it holds no connection (a tuple hash of 0 is stored as 1). */
const EMPTY = 0;

/** The tag a hash is stored under: itself, unless it is EMPTY's value. */
function tagOf(h: number): number {
  return h === EMPTY ? 1 : h;
}

export class ConnTable {
  /** The per-table key (each engine has its own table); iteration order never reaches the output (see inKeyOrder). */
  protected readonly key: HashKey;
  /** Per slot, the tuple hash of the connection there (EMPTY when none): probes read this array only until a hash matches. */
  protected tags = new Int32Array(INITIAL_SLOTS);
  protected conns: (Conn | null)[] = new Array<Conn | null>(INITIAL_SLOTS).fill(null);
  protected mask = INITIAL_SLOTS - 1;
  size = 0;

  constructor(key: HashKey = randomHashKey()) {
    this.key = key;
    // Replaced at every resize: stored twice here so V8 knows them as mutable before the first (see doubles.ts).
    this.tags = new Int32Array(INITIAL_SLOTS);
    this.conns = new Array<Conn | null>(INITIAL_SLOTS).fill(null);
  }

  /** Finds the connection of `pkt` with transport ports `sport`/`dport` (ICMP: type-derived). */
  find(pkt: Packet, sport: number, dport: number, proto: number, oneWay: boolean): Conn | null {
    const tag = tagOf(tupleHash(this.key, pkt.src0, pkt.src1, pkt.src2, pkt.src3, sport, pkt.dst0, pkt.dst1, pkt.dst2, pkt.dst3, dport, proto));
    const tags = this.tags;
    const mask = this.mask;
    for (let i = tag & mask; ; i = (i + 1) & mask) {
      const t = tags[i]!;
      if (t === EMPTY) return null;
      if (t !== tag) continue;
      const c = this.conns[i] as Conn;
      if (matches(c, pkt, sport, dport) && c.proto === proto && c.oneWay === oneWay) return c;
    }
  }

  insert(c: Conn): void {
    this.place(tagOf(this.hashOf(c)), c);
    this.size++;
    // At most half the slots taken: probe runs stay a few slots long.
    if (this.size * 2 > this.tags.length) this.resize(this.tags.length * 2);
  }

  remove(c: Conn): void {
    const tag = tagOf(this.hashOf(c));
    const tags = this.tags;
    const mask = this.mask;
    let i = tag & mask;
    for (; tags[i] !== tag || this.conns[i] !== c; i = (i + 1) & mask) if (tags[i] === EMPTY) return;
    this.vacate(i);
    this.size--;
    // After a flood the table gives its slots back (8x hysteresis against thrashing).
    if (this.size * 8 < tags.length && tags.length > INITIAL_SLOTS) this.resize(tags.length / 2);
  }

  /** The hash `c` is stored under (a subclass adds what else its key holds). */
  protected hashOf(c: Conn): number {
    return connTupleHash(this.key, c);
  }

  /** The longest distance of a connection from its hash's slot (for tests: how well the hash spreads). */
  longestProbe(): number {
    let longest = 0;
    const mask = this.mask;
    for (let i = 0; i < this.tags.length; i++) {
      const t = this.tags[i]!;
      if (t !== EMPTY) longest = Math.max(longest, (i - (t & mask)) & mask);
    }
    return longest;
  }

  /** Every connection, in an order that depends on the key (callers that write output sort: inKeyOrder). */
  all(): Conn[] {
    // Sized once: under a flood this is a million entries, grown by pushes it would be copied over and over.
    const out = new Array<Conn>(this.size);
    let n = 0;
    for (const c of this.conns) if (c !== null) out[n++] = c;
    out.length = n;
    return out;
  }

  /** Puts `c` into the first free slot from its tag's (linear probing). */
  private place(tag: number, c: Conn): void {
    const tags = this.tags;
    const mask = this.mask;
    let i = tag & mask;
    while (tags[i] !== EMPTY) i = (i + 1) & mask;
    tags[i] = tag;
    this.conns[i] = c;
  }

  /**
   * Empties slot `hole` without tombstones: each later connection of the
   * probe run whose own slot does not lie between the hole and it moves back
   * into the hole, which moves on to where it was (backward-shift deletion),
   * so every connection stays reachable from its slot with no gap.
   */
  private vacate(hole: number): void {
    const tags = this.tags;
    const conns = this.conns;
    const mask = this.mask;
    for (let j = (hole + 1) & mask; tags[j] !== EMPTY; j = (j + 1) & mask) {
      const home = tags[j]! & mask;
      if (((j - home) & mask) < ((j - hole) & mask)) continue;
      tags[hole] = tags[j]!;
      conns[hole] = conns[j]!;
      hole = j;
    }
    tags[hole] = EMPTY;
    conns[hole] = null;
  }

  /**
   * Moves every connection into a table of `slots` slots (doubling or halving:
   * amortised O(1) per insert/remove). Only the tags and the references are
   * read, in order: no connection is touched.
   */
  private resize(slots: number): void {
    const oldTags = this.tags;
    const oldConns = this.conns;
    this.tags = new Int32Array(slots);
    this.conns = new Array<Conn | null>(slots).fill(null);
    this.mask = slots - 1;
    for (let i = 0; i < oldTags.length; i++) {
      const t = oldTags[i]!;
      if (t !== EMPTY) this.place(t, oldConns[i] as Conn);
    }
  }
}

/**
 * Connections keyed by their five-tuple and the packet's VLAN tags (Zeek's
 * CONNKEY_VLAN_FIVETUPLE): the same flow on two VLANs is two connections. A
 * class of its own, chosen once per run, so that a run without it probes
 * exactly as before (its find is not this one).
 */
export class VlanConnTable extends ConnTable {
  override find(pkt: Packet, sport: number, dport: number, proto: number, oneWay: boolean): Conn | null {
    const vlans = vlanKeyOf(pkt);
    const tuple = tupleHash(this.key, pkt.src0, pkt.src1, pkt.src2, pkt.src3, sport, pkt.dst0, pkt.dst1, pkt.dst2, pkt.dst3, dport, proto);
    const tag = tagOf(withVlans(tuple, vlans));
    const tags = this.tags;
    const mask = this.mask;
    for (let i = tag & mask; tags[i] !== EMPTY; i = (i + 1) & mask) {
      if (tags[i] !== tag) continue;
      const c = this.conns[i] as Conn;
      if (c.vlanKey === vlans && matches(c, pkt, sport, dport) && c.proto === proto && c.oneWay === oneWay) return c;
    }
    return null;
  }

  protected override hashOf(c: Conn): number {
    return withVlans(connTupleHash(this.key, c), c.vlanKey);
  }
}

/** A tuple hash with a VLAN key folded in (avalanched again: neighbouring ids land far apart). */
function withVlans(tuple: number, vlans: number): number {
  return mix(tuple ^ Math.imul(vlans, 0x9e3779b1)) | 0;
}

function connTupleHash(k: HashKey, c: Conn): number {
  return tupleHash(k, c.o0, c.o1, c.o2, c.o3, c.origPort, c.r0, c.r1, c.r2, c.r3, c.respPort, c.proto);
}

/** Conn address words are int32; packet words are compared through `| 0`. Ports first: the cheapest test that tells bucket neighbours apart. */
function matches(c: Conn, pkt: Packet, sport: number, dport: number): boolean {
  const ports = c.ports;
  const fwd = ((sport << 16) | dport) === ports;
  if (fwd) {
    if ((pkt.src3 | 0) === c.o3 && (pkt.dst3 | 0) === c.r3 && c.upperMatches(pkt, false)) return true;
    // Same ports both ways (e.g. 53 -> 53): the reverse test below may still match.
    if (sport !== dport) return false;
  }
  if (((dport << 16) | sport) !== ports || c.oneWay) return false;
  return (pkt.src3 | 0) === c.r3 && (pkt.dst3 | 0) === c.o3 && c.upperMatches(pkt, true);
}

function swap16(p: number): number {
  return ((p & 0xff) << 8) | (p >>> 8);
}

/** Whether `c`'s originator is the first endpoint of its key: the smaller address (then port, as bytes) unless one-way. */
function origFirst(c: Conn): boolean {
  if (c.oneWay) return true;
  let a = c.o0 >>> 0,
    b = c.r0 >>> 0;
  if (a === b) {
    a = c.o1 >>> 0;
    b = c.r1 >>> 0;
  }
  if (a === b) {
    a = c.o2 >>> 0;
    b = c.r2 >>> 0;
  }
  if (a === b) {
    a = c.o3 >>> 0;
    b = c.r3 >>> 0;
  }
  if (a === b) {
    a = swap16(c.origPort);
    b = swap16(c.respPort);
  }
  return a <= b;
}

/** Address word `i` (0-3) of the originator (`orig`) or the responder, unsigned. */
function addressWord(c: Conn, orig: boolean, i: number): number {
  switch (i) {
    case 0:
      return (orig ? c.o0 : c.r0) >>> 0;
    case 1:
      return (orig ? c.o1 : c.r1) >>> 0;
    case 2:
      return (orig ? c.o2 : c.r2) >>> 0;
    default:
      return (orig ? c.o3 : c.r3) >>> 0;
  }
}

/**
 * Zeek's raw key order (session::Manager::Drain): the canonical first endpoint's address words,
 * the other's, then the ports in that order, then proto. Read from the
 * connections as it compares, allocating nothing: under a flood a million
 * connections are still open at the end of input, and keys built per
 * comparison (six arrays each) or even once per connection (44 bytes each)
 * would cost as much as the connections themselves.
 */
export function compareKeys(a: Conn, b: Conn): number {
  const af = origFirst(a);
  const bf = origFirst(b);
  for (let i = 0; i < 8; i++) {
    const first = i < 4;
    const d = addressWord(a, first === af, i & 3) - addressWord(b, first === bf, i & 3);
    if (d !== 0) return d;
  }
  const d = (af ? a.origPort : a.respPort) - (bf ? b.origPort : b.respPort);
  if (d !== 0) return d;
  const e = (af ? a.respPort : a.origPort) - (bf ? b.respPort : b.origPort);
  if (e !== 0) return e;
  if (a.proto !== b.proto) return a.proto - b.proto;
  // Then the VLAN tags, which only a VLAN-keyed run sets (equal keys otherwise).
  const v = compareVlanKeys(a.vlanKey, b.vlanKey);
  if (v !== 0) return v;
  // Equal keys (a one-way ICMP flow beside a two-way one): still an order that does not depend on the hash key.
  return (a.oneWay ? 1 : 0) - (b.oneWay ? 1 : 0);
}

/** `conns` sorted in place into Zeek's raw key order (how it walks its table at the end of input). */
export function inKeyOrder(conns: Conn[]): Conn[] {
  return conns.sort(compareKeys);
}
