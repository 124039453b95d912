/**
 * The destination of a table stream (Zeek's `table[int] of Val`, or a
 * `set[addr]`): a table whose iteration order is Zeek's, so that a script
 * printing it or looping over it sees the entries in the order Zeek's would
 * (seeded by --seed-file, as Zeek's order is).
 *
 * An entry's key is the bytes Zeek hashes for its index (CompHash): a
 * single count, int, bool, port or enum is its 8 bytes, little-endian (a
 * port with its protocol in bits 16-17, an enum its number in declaration
 * order); a double, time or interval its 8 IEEE bytes; a string or pattern
 * its bytes; an addr its 16 bytes. An index of several fields lays them out
 * in turn, each aligned to its size, a string preceded by its length. Enums
 * whose names are not given, and subnets, are keyed on their text: their
 * order is not Zeek's.
 */
import type { TableHasher } from "../../zeek-table/hash.js";
import { KeyWriter } from "../../zeek-table/key-bytes.js";
import { ZeekTable } from "../../zeek-table/table.js";
import { portNumber } from "../config/values.js";
import { parseAddress } from "../site.js";
import { printValue } from "./print.js";
import { type InputFieldSpec, type InputFieldType, type InputRecordType, type InputScalar, type InputValue, isRecordType } from "./types.js";

/** One entry: its index values (in the index record's field order) and its value (undefined in a set). */
export interface InputTableEntry {
  readonly index: readonly InputScalar[];
  readonly value: InputValue | undefined;
}

function int64(n: number | bigint): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, BigInt.asUintN(64, BigInt(n)), true);
  return bytes;
}

function float64(x: number): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setFloat64(0, x, true);
  return bytes;
}

/** A scalar's key bytes as one element of an index; `single`: the whole index (a string then goes without its length). */
function writeScalar(w: KeyWriter, field: InputFieldSpec, v: InputScalar, single: boolean): void {
  const type = field.type;
  switch (type) {
    case "bool":
      w.align(8).raw(int64(v === true ? 1 : 0));
      return;
    case "int":
    case "count":
      w.align(8).raw(int64(v as number | bigint));
      return;
    case "port":
      w.align(8).raw(int64(portNumber(v as string)));
      return;
    case "double":
    case "time":
    case "interval":
      w.align(8).raw(float64(v as number));
      return;
    case "addr":
      w.align(4).raw(parseAddress(v as string) ?? new Uint8Array(16));
      return;
    case "enum": {
      const at = field.enumValues?.indexOf(v as string) ?? -1;
      if (at >= 0) {
        w.align(8).raw(int64(at));
        return;
      }
      break;
    }
  }
  const text = typeof v === "object" ? v.text : String(v);
  const bytes = Buffer.from(text, "latin1");
  if (single) w.raw(bytes);
  else w.align(4).uint32(bytes.length).raw(bytes);
}

/** The key of an index: its bytes as a latin1 string (whose string hash is the bytes' hash). */
export function indexKey(fields: readonly InputFieldSpec[], index: readonly InputScalar[]): string {
  const w = new KeyWriter();
  for (let i = 0; i < fields.length; i++) writeScalar(w, fields[i]!, index[i]!, fields.length === 1);
  return Buffer.from(w.done()).toString("latin1");
}

/** Whether two index types are the same (names aside). */
function sameIndexTypes(a: readonly InputFieldSpec[], b: readonly InputFieldSpec[]): boolean {
  return a.length === b.length && a.every((f, i) => typeof f.type === "string" && f.type === b[i]!.type);
}

/** A table (or set) filled by table streams, iterated in Zeek's order. */
export class InputTable {
  private readonly entries_: ZeekTable<string, InputTableEntry>;
  private indexFields: readonly InputFieldSpec[] | null = null;
  private valueType: InputFieldType | undefined = undefined;

  constructor(private readonly hash: TableHasher) {
    this.entries_ = new ZeekTable<string, InputTableEntry>((k) => hash.string(k));
  }

  /** Binds the table to a stream's index (and value) types; false when it already holds other index types, or an index field is a record. */
  bind(idx: InputRecordType, val: InputFieldType | undefined): boolean {
    if (idx.fields.some((f) => isRecordType(f.type))) return false;
    if (this.indexFields !== null) return sameIndexTypes(this.indexFields, idx.fields);
    this.indexFields = idx.fields;
    this.valueType = val;
    return true;
  }

  /** The index fields' types, once a stream is bound to the table. */
  get indexType(): readonly InputFieldSpec[] | null {
    return this.indexFields;
  }

  /** Whether it is a set (a stream without `val`). */
  get isSet(): boolean {
    return this.valueType === undefined;
  }

  get size(): number {
    return this.entries_.size;
  }

  private keyOf(index: readonly InputScalar[]): string | null {
    const fields = this.indexFields;
    if (fields === null || index.length !== fields.length) return null;
    return indexKey(fields, index);
  }

  /** `index in table` (Zeek's `servers[1.2.3.4]` takes the index's values in order). */
  has(...index: InputScalar[]): boolean {
    const key = this.keyOf(index);
    return key !== null && this.entries_.has(key);
  }

  /** The value of an index (undefined when absent, or in a set). */
  get(...index: InputScalar[]): InputValue | undefined {
    const key = this.keyOf(index);
    return key === null ? undefined : this.entries_.get(key)?.value;
  }

  /** Adds or replaces an entry (what a stream does for each line it keeps). */
  set(index: readonly InputScalar[], value: InputValue | undefined): void {
    const key = this.keyOf(index);
    if (key === null) throw new TypeError(`index of ${index.length} values for a table indexed by ${this.indexFields?.length ?? 0}`);
    this.entries_.set(key, { index: [...index], value });
  }

  delete(...index: InputScalar[]): boolean {
    const key = this.keyOf(index);
    return key !== null && this.entries_.delete(key);
  }

  clear(): void {
    for (const key of this.entries_.keys()) this.entries_.delete(key);
  }

  /** The entries in Zeek's iteration order. */
  entries(): InputTableEntry[] {
    return this.entries_.keys().map((k) => this.entries_.get(k)!);
  }

  /** The table as Zeek's `print` writes it ("{\n[1] = T,\n[2] = F\n}"). */
  print(): string {
    const fields = this.indexFields ?? [];
    const rows = this.entries().map((e) => {
      const index = e.index.map((v, i) => printValue(v, fields[i]!.type, this.hash));
      const shown = this.isSet && index.length === 1 ? index[0]! : `[${index.join(", ")}]`;
      return this.isSet ? shown : `${shown} = ${printValue(e.value, this.valueType!, this.hash)}`;
    });
    return `{\n${rows.join(",\n")}\n}`;
  }
}
