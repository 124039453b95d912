/**
 * The bytes Zeek hashes for one value (CompHash's key of a single-type
 * index, the key of a table, a Bloom filter's or a cardinality counter's
 * element), with the value's type, so that a structure typed by its first
 * value can refuse others as Zeek does:
 *
 * - count and int: their 8 bytes, little-endian; double its 8 IEEE bytes;
 * - string: its bytes alone (latin1, as bronze keeps Zeek's strings);
 * - addr: 16 bytes in network order, IPv4 mapped as ::ffff:a.b.c.d;
 * - a record: its fields in order, each `&optional` one after a byte saying
 *   whether it is set; a count or double aligned to 8 bytes from the key's
 *   start, a string preceded by its length (4 bytes, aligned to 4); the
 *   padding is zeros, and the key ends after the last byte written. A field
 *   with a `&default` counts as `&optional` (Zeek adds the attribute to it).
 */
import type { ConnId, Transport } from "../event/records.js";
import { parseAddress } from "../scripts/site.js";

/** A value's type name and the bytes Zeek hashes for it. */
export interface ZeekKey {
  readonly type: string;
  readonly bytes: Uint8Array;
}

/** A count (below 2^53) as Zeek keys it. */
export function countKey(n: number): ZeekKey {
  return { type: "count", bytes: int64Bytes(n) };
}

/** An int (a safe integer) as Zeek keys it. */
export function intKey(n: number): ZeekKey {
  return { type: "int", bytes: int64Bytes(n) };
}

export function doubleKey(x: number): ZeekKey {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setFloat64(0, x, true);
  return { type: "double", bytes };
}

export function stringKey(s: string): ZeekKey {
  return { type: "string", bytes: Buffer.from(s, "latin1") };
}

/** An addr, given as text ("10.0.0.1", "2001:db8::1"). */
export function addrKey(a: string): ZeekKey {
  const bytes = parseAddress(a);
  if (bytes === null) throw new TypeError(`not an address: ${JSON.stringify(a)}`);
  return { type: "addr", bytes };
}

/** A record field as the key writer takes it: unset (undefined) only when the field is `&optional`. */
export type RecordField =
  | { readonly kind: "count" | "double"; readonly value: number | undefined }
  | { readonly kind: "string" | "addr"; readonly value: string | undefined };

/** A record of `&optional` count, double, string and addr fields (named `type`), in declaration order; an addr is 16 bytes aligned to 4. */
export function optionalFieldsKey(type: string, fields: readonly RecordField[]): ZeekKey {
  const w = new KeyWriter();
  writeOptionalFields(w, fields);
  return { type, bytes: w.done() };
}

function writeOptionalFields(w: KeyWriter, fields: readonly RecordField[]): void {
  for (const f of fields) {
    w.byte(f.value === undefined ? 0 : 1);
    if (f.value !== undefined) writeValue(w, f);
  }
}

/** A value inside a composite key: a string after its length, an addr's 16 bytes aligned to 4, a count or double aligned to 8. */
function writeValue(w: KeyWriter, f: RecordField): void {
  if (f.kind === "string") {
    const bytes = Buffer.from(f.value as string, "latin1");
    w.align(4).uint32(bytes.length).raw(bytes);
  } else if (f.kind === "addr") w.align(4).raw(addrKey(f.value as string).bytes);
  else if (f.kind === "count") w.align(8).raw(int64Bytes(f.value as number));
  else w.align(8).raw(doubleKey(f.value as number).bytes);
}

/** One index of a table of several: a value (set), or a record of `&optional` fields. */
export type IndexPart = RecordField | { readonly kind: "record"; readonly fields: readonly RecordField[] };

/**
 * The key of a table indexed by several values (`table[addr, conn_id_ctx,
 * string]`): each written in turn into one key, as a record's fields are
 * (a string after its length, unlike a single string index).
 */
export function indexKey(type: string, parts: readonly IndexPart[]): ZeekKey {
  const w = new KeyWriter();
  for (const p of parts) {
    if (p.kind === "record") writeOptionalFields(w, p.fields);
    else writeValue(w, p);
  }
  return { type, bytes: w.done() };
}

/** The transport bits a `port` value carries above its 16-bit number (none for an unknown transport). */
const PORT_SPACE: Readonly<Record<Transport, number>> = { tcp: 0x10000, udp: 0x20000, icmp: 0x30000, unknown_transport: 0 };

/**
 * A conn_id as Zeek keys it (a table[conn_id], such as a file's f$conns), 65
 * bytes: orig_h (0), orig_p (16), resp_h (24), resp_p (40), each port a
 * count holding its number with its transport's bits; proto and ctx have a
 * `&default`, so each comes after an is-set byte (48, 64): proto's value at
 * 56, and an empty ctx adds nothing more. vlan_fivetuple's ctx adds its two
 * `&optional` ints (vlan, inner_vlan), each after its own is-set byte.
 */
export function connIdKey(id: ConnId): ZeekKey {
  const w = new KeyWriter();
  const port = (p: number) => w.align(8).raw(int64Bytes(p + PORT_SPACE[id.transport]));
  w.align(4).raw(addrKey(id.orig_h).bytes);
  port(id.orig_p);
  w.align(4).raw(addrKey(id.resp_h).bytes);
  port(id.resp_p);
  w.byte(1).align(8).raw(int64Bytes(id.proto));
  w.byte(1);
  if (id.ctx !== undefined)
    for (const v of [id.ctx.vlan, id.ctx.inner_vlan]) {
      w.byte(v === undefined ? 0 : 1);
      if (v !== undefined) w.align(8).raw(int64Bytes(v));
    }
  return { type: "conn_id", bytes: w.done() };
}

export function int64Bytes(n: number): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigInt64(0, BigInt(n), true);
  return bytes;
}

/** A growing key buffer, written from its start; alignment pads with zeros. */
export class KeyWriter {
  private buf = new Uint8Array(32);
  private len = 0;

  byte(b: number): this {
    this.reserve(1);
    this.buf[this.len++] = b;
    return this;
  }

  uint32(n: number): this {
    this.reserve(4);
    new DataView(this.buf.buffer).setUint32(this.len, n, true);
    this.len += 4;
    return this;
  }

  raw(bytes: Uint8Array): this {
    this.reserve(bytes.length);
    this.buf.set(bytes, this.len);
    this.len += bytes.length;
    return this;
  }

  align(to: number): this {
    const pad = (to - (this.len % to)) % to;
    this.reserve(pad);
    this.len += pad;
    return this;
  }

  done(): Uint8Array {
    return this.buf.slice(0, this.len);
  }

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const bigger = new Uint8Array(Math.max(this.buf.length * 2, this.len + n));
    bigger.set(this.buf.subarray(0, this.len));
    this.buf = bigger;
  }
}
