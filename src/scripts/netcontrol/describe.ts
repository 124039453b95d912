/**
 * NetControl's records as text: netcontrol.log's entity and mod columns
 * (main.zeek's entity_to_info and rule_to_info wording), and the records
 * as Zeek's fmt("%s") writes them, which the debug plugin prints.
 */
import { describeInterval, formatFixed6 } from "../../log/numbers.js";
import type { Entity, FlowMod, NetControlConnId, Rule } from "./types.js";

/** The port number of "80/tcp". */
export function portNumber(p: string): number {
  return Number(p.slice(0, p.indexOf("/")));
}

/** netcontrol.log's entity column for `e`. */
export function entityText(e: Entity): string {
  switch (e.ty) {
    case "NetControl::ADDRESS":
      return e.ip ?? "";
    case "NetControl::CONNECTION": {
      const c = e.conn;
      return c === undefined ? "" : `${c.orig_h}/${portNumber(c.orig_p)}<->${c.resp_h}/${portNumber(c.resp_p)}`;
    }
    case "NetControl::FLOW":
      return flowText(e);
    case "NetControl::MAC":
      return e.mac ?? "";
  }
}

/** A flow's ends, "*" for a wildcard, with its MAC addresses when it has any. */
function flowText(e: Entity): string {
  const f = e.flow ?? {};
  const port = (p: string | undefined) => (p === undefined ? "*" : String(portNumber(p)));
  const text = `${f.src_h ?? "*"}/${port(f.src_p)}->${f.dst_h ?? "*"}/${port(f.dst_p)}`;
  if (f.src_m === undefined && f.dst_m === undefined) return text;
  return `${text} (${f.src_m ?? "*"}->${f.dst_m ?? "*"})`;
}

/** netcontrol.log's mod column: a REDIRECT's port, a MODIFY's rewrite ("_" for what it leaves). */
export function modText(r: Rule): string | undefined {
  if (r.ty === "NetControl::REDIRECT") return `-> ${r.out_port ?? ""}`;
  if (r.ty !== "NetControl::MODIFY") return undefined;
  const m: FlowMod = r.mod ?? {};
  const or_ = (v: string | number | undefined) => (v === undefined ? "_" : String(v));
  const text = `Src: ${or_(m.src_h)}/${or_(m.src_p)} (${or_(m.src_m)}) Dst: ${or_(m.dst_h)}/${or_(m.dst_p)} (${or_(m.dst_m)})`;
  return m.redirect_port === undefined ? text : `${text} -> ${m.redirect_port}`;
}

// ---------------------------------------------------------------- Zeek's record text

const UNSET = "<uninitialized>";

/** A record's fields as Zeek writes them: [name=value, …], an unset one <uninitialized>. */
export function record(fields: ReadonlyArray<readonly [string, string | undefined]>): string {
  return `[${fields.map(([k, v]) => `${k}=${v ?? UNSET}`).join(", ")}]`;
}

/** A set of counts inside a record: Zeek's "{\n\t1\n}", its control characters escaped as print shows them. */
function countSet(s: ReadonlySet<number>): string {
  const items = [...s].map((n) => `\\x09${n}`).join(",\\x0a");
  return s.size === 0 ? "{\\x0a\\x0a}" : `{\\x0a${items}\\x0a}`;
}

/** A time as Zeek's fmt("%s") writes it: six decimals at most, trailing zeros dropped. */
export function describeTime(t: number): string {
  return formatFixed6(t).replace(/\.?0+$/, "");
}

const opt = <T>(v: T | undefined, f: (x: T) => string): string | undefined => (v === undefined ? undefined : f(v));
const str = (v: string | number | undefined): string | undefined => opt(v, String);

function connIdRecord(c: NetControlConnId): string {
  return record([
    ["orig_h", c.orig_h],
    ["orig_p", c.orig_p],
    ["resp_h", c.resp_h],
    ["resp_p", c.resp_p],
    ["proto", String(c.proto ?? 65535)],
    ["ctx", "[]"],
  ]);
}

/** NetControl::Entity as fmt("%s") writes it. */
export function describeEntity(e: Entity): string {
  const f = e.flow;
  const flow =
    f === undefined
      ? undefined
      : record([
          ["src_h", f.src_h],
          ["src_p", f.src_p],
          ["dst_h", f.dst_h],
          ["dst_p", f.dst_p],
          ["src_m", f.src_m],
          ["dst_m", f.dst_m],
        ]);
  return record([
    ["ty", e.ty],
    ["conn", opt(e.conn, connIdRecord)],
    ["flow", flow],
    ["ip", e.ip],
    ["mac", e.mac],
  ]);
}

function describeMod(m: FlowMod): string {
  return record([
    ["src_h", m.src_h],
    ["src_p", str(m.src_p)],
    ["dst_h", m.dst_h],
    ["dst_p", str(m.dst_p)],
    ["src_m", m.src_m],
    ["dst_m", m.dst_m],
    ["redirect_port", str(m.redirect_port)],
  ]);
}

/** NetControl::Rule as fmt("%s") writes it (the debug plugin's lines). */
export function describeRule(r: Rule): string {
  return record([
    ["ty", r.ty],
    ["target", r.target],
    ["entity", describeEntity(r.entity)],
    ["expire", opt(r.expire, describeInterval)],
    ["priority", String(r.priority)],
    ["location", r.location],
    ["out_port", str(r.out_port)],
    ["mod", opt(r.mod, describeMod)],
    ["id", r.id],
    ["cid", String(r.cid)],
    ["_plugin_ids", countSet(r._plugin_ids)],
    ["_active_plugin_ids", countSet(r._active_plugin_ids)],
    ["_no_expire_plugins", countSet(r._no_expire_plugins)],
    ["_added", r._added ? "T" : "F"],
  ]);
}
