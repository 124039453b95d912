/**
 * Zeek's `print` of a value by its Zeek type, records in the field order
 * Zeek's init-bare.zeek declares (read from Zeek's source), so that a field
 * bronze put elsewhere or left out shows; an unset optional field prints as
 * <uninitialized>. For the btest twins that print whole records.
 */
import type { ZeekSource } from "../signatures/btest-harness.js";
import { zeekConnId, zeekInterval, zeekString } from "./zeek-print.js";
import { zeekPrintDouble } from "./zeek-print-extra.js";

/** Zeek's script-level types as init-bare.zeek declares them: a record's fields in order, or what an alias names. */
interface ZeekTypes {
  records: Map<string, Array<[field: string, type: string]>>;
  aliases: Map<string, string>;
}

const cache = new Map<string, ZeekTypes>();

/** Reads the record and alias declarations of Zeek's init-bare.zeek (once per source). */
function zeekTypes(source: ZeekSource): ZeekTypes {
  const known = cache.get(source.where);
  if (known !== undefined) return known;
  const text = source.read("scripts/base/init-bare.zeek").replace(/#.*$/gm, "");
  const records = new Map<string, Array<[string, string]>>();
  // Names may be module-qualified (SMB2::GUID), declarations indented inside a module's block.
  for (const m of text.matchAll(/^\s*type\s+([\w:]+)\s*:\s*record\s*\{([^}]*)\}/gm)) {
    const fields = [...m[2]!.matchAll(/^\s*(\w+)\s*:\s*([^;&]+?)\s*(?:&[^;]*)?;/gm)].map((f): [string, string] => [f[1]!, f[2]!]);
    records.set(m[1]!, fields);
  }
  const aliases = new Map<string, string>();
  for (const m of text.matchAll(/^\s*type\s+([\w:]+)\s*:\s*([^;{]+?)\s*;/gm)) aliases.set(m[1]!, m[2]!);
  const types = { records, aliases };
  cache.set(source.where, types);
  return types;
}

/** A port's transport by IP protocol number, for a conn_id without one ("unknown" for other protocols). */
const TRANSPORTS: Readonly<Record<number, string>> = { 6: "tcp", 17: "udp", 1: "icmp", 58: "icmp" };

type ConnIdLike = Parameters<typeof zeekConnId>[0];

/** Zeek's `print` of a conn_id: its ports' transport its own, else its protocol's. */
function connId(v: Omit<ConnIdLike, "transport"> & { transport?: string }): string {
  return zeekConnId({ ...v, transport: v.transport ?? TRANSPORTS[v.proto] ?? "unknown" });
}

/** Zeek's `print` of a value of no record type. */
function scalar(value: unknown, t: string, holder: string): string {
  if (t === "bool") return value ? "T" : "F";
  if (t === "string") return zeekString(value as string);
  if (t === "interval") return zeekInterval(value as number);
  if (t === "time" || t === "double") return zeekPrintDouble(value as number);
  if (t === "port") return `${value}/${holder.replace(/_hdr$/, "")}`;
  return String(value);
}

/** Zeek's `print` of `value` as a value of Zeek type `type`; a port takes its transport from the record holding it (tcp_hdr, udp_hdr). */
export function zeekTypedPrint(source: ZeekSource, value: unknown, type: string, holder = ""): string {
  if (value === undefined) return "<uninitialized>";
  const { records, aliases } = zeekTypes(source);
  let t = type;
  while (aliases.has(t)) t = aliases.get(t)!;
  if (t === "conn_id") return connId(value as ConnIdLike);
  const vector = /^vector of ([\w:]+)$/.exec(t);
  if (vector !== null) return `[${(value as unknown[]).map((v) => zeekTypedPrint(source, v, vector[1]!)).join(", ")}]`;
  const fields = records.get(t);
  if (fields === undefined) return scalar(value, t, holder);
  const r = value as Record<string, unknown>;
  return `[${fields.map(([f, ft]) => `${f}=${zeekTypedPrint(source, r[f], ft, t)}`).join(", ")}]`;
}
