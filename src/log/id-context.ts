/**
 * Columns a script adds to Zeek's conn_id_ctx record (`redef record
 * conn_id_ctx += { vlan: int &log &optional; … }`, as
 * policy/frameworks/conn_key/vlan_fivetuple does): every log whose record
 * has a conn_id `id` gets them, flattened as `id.ctx.<name>`, right after
 * `id.resp_p` (where the record's ctx field sits in conn_id).
 *
 * bronze's logs write rows as value arrays built from `c.id`, so the
 * columns are spliced in here, on the way to the stream, with values looked
 * up by the row's `uid` (the connection the id belongs to). Only a run that
 * loads such a script wraps its streams: the others write as before.
 */
import type { LogField, LogRecord, LogSchema, LogValue } from "./schema.js";
import type { LogWriter, NamedLogRecord } from "./writer.js";

export interface ConnIdContext {
  /** The added fields, named as in the record ("vlan"), in record order. */
  readonly fields: readonly LogField[];
  /** Their values for the connection with uid `uid`, in `fields` order (undefined: unset). */
  values(uid: string): readonly LogValue[];
}

/** Where conn_id's own fields end: ctx follows them in the record. */
const ID_COLUMNS = ["id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p"];
const CTX_PREFIX = "id.ctx.";

/** How one stream's rows get the columns: the widened schema, where they go, and where the uid is read. */
interface Splice {
  readonly schema: LogSchema;
  readonly at: number;
  /** The uid column's index; −1 when the row's id is not its uid's connection's (the columns stay unset). */
  readonly uidAt: number;
}

/** The splice for `schema`, or null when it has no conn_id `id`. */
function spliceFor(schema: LogSchema, context: ConnIdContext): Splice | null {
  const names = schema.fields.map((f) => f.name);
  const start = names.indexOf(ID_COLUMNS[0]!);
  if (start < 0 || !ID_COLUMNS.every((name, i) => names[start + i] === name)) return null;
  const at = start + ID_COLUMNS.length;
  const added = context.fields.map((f) => ({ name: CTX_PREFIX + f.name, type: f.type }));
  const fields = [...schema.fields.slice(0, at), ...added, ...schema.fields.slice(at)];
  const uidAt = schema.idWithoutContext === true ? -1 : names.indexOf("uid");
  return { schema: { ...schema, fields }, at, uidAt };
}

/**
 * The schema a stream is opened with and the writer its script writes to:
 * `schema` and the stream itself when no context applies, else the widened
 * schema and a writer that splices the values into each row.
 */
export function withConnIdContext(schema: LogSchema, context: ConnIdContext | undefined): { schema: LogSchema; wrap(stream: LogWriter): LogWriter } {
  const splice = context === undefined ? null : spliceFor(schema, context);
  if (splice === null || context === undefined) return { schema, wrap: (stream) => stream };
  return { schema: splice.schema, wrap: (stream) => new ConnIdContextWriter(stream, splice, context) };
}

class ConnIdContextWriter implements LogWriter {
  readonly schema: LogSchema;
  private readonly unset: readonly LogValue[];

  constructor(
    private readonly stream: LogWriter,
    private readonly splice: Splice,
    private readonly context: ConnIdContext,
  ) {
    this.schema = splice.schema;
    this.unset = context.fields.map(() => undefined);
  }

  write(record: LogRecord | NamedLogRecord): void {
    if (isRow(record)) this.stream.write(this.spliced(record));
    else this.stream.write(this.named(record));
  }

  close(): void {
    this.stream.close();
  }

  private valuesFor(uid: LogValue): readonly LogValue[] {
    return typeof uid === "string" ? this.context.values(uid) : this.unset;
  }

  private spliced(row: LogRecord): LogValue[] {
    const { at, uidAt } = this.splice;
    const values = uidAt < 0 ? this.unset : this.valuesFor(row[uidAt]);
    return [...row.slice(0, at), ...values, ...row.slice(at)];
  }

  /** A record by name: the ctx columns it does not name itself. */
  private named(record: NamedLogRecord): NamedLogRecord {
    const values = this.splice.uidAt < 0 ? this.unset : this.valuesFor(record.uid);
    const out: Record<string, LogValue> = { ...record };
    this.context.fields.forEach((f, i) => {
      const name = CTX_PREFIX + f.name;
      if (!Object.hasOwn(out, name)) out[name] = values[i];
    });
    return out;
  }
}

function isRow(record: LogRecord | NamedLogRecord): record is LogRecord {
  return Array.isArray(record);
}
