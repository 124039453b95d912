/**
 * NetControl's three base logs: netcontrol.log (main.zeek's Info),
 * netcontrol_drop.log (drop.zeek) and netcontrol_shunt.log (shunt.zeek),
 * opened when they first get a row.
 */
import type { LogManager } from "../../log/manager.js";
import { fields, type LogField } from "../../log/schema.js";
import type { LogWriter } from "../../log/writer.js";
import { entityText, modText, portNumber } from "./describe.js";
import type { FlowId, NetControlConnId, NetControlInfo, Rule } from "./types.js";

export const NETCONTROL_FIELDS: readonly LogField[] = fields(
  ["ts", "time"],
  ["rule_id", "string"],
  ["category", "enum"],
  ["cmd", "string"],
  ["state", "enum"],
  ["action", "string"],
  ["target", "enum"],
  ["entity_type", "string"],
  ["entity", "string"],
  ["mod", "string"],
  ["msg", "string"],
  ["priority", "int"],
  ["expire", "interval"],
  ["location", "string"],
  ["plugin", "string"],
);

export const NETCONTROL_DROP_FIELDS: readonly LogField[] = fields(
  ["ts", "time"],
  ["rule_id", "string"],
  ["orig_h", "addr"],
  ["orig_p", "port"],
  ["resp_h", "addr"],
  ["resp_p", "port"],
  ["expire", "interval"],
  ["location", "string"],
);

export const NETCONTROL_SHUNT_FIELDS: readonly LogField[] = fields(
  ["ts", "time"],
  ["rule_id", "string"],
  ["f.src_h", "addr"],
  ["f.src_p", "port"],
  ["f.dst_h", "addr"],
  ["f.dst_p", "port"],
  ["expire", "interval"],
  ["location", "string"],
);

/** A rule's columns in a netcontrol.log row (main.zeek's rule_to_info). */
export function ruleInfo(info: NetControlInfo, r: Rule): NetControlInfo {
  info.action = r.ty;
  info.target = r.target;
  info.rule_id = r.id;
  info.expire = r.expire;
  info.priority = r.priority;
  if (r.location !== undefined && r.location !== "") info.location = r.location;
  info.mod = modText(r);
  info.entity_type = r.entity.ty;
  info.entity = entityText(r.entity);
  return info;
}

/** The writers, each opened at its first row. */
export class NetControlLogs {
  private main: LogWriter | null = null;
  private drop: LogWriter | null = null;
  private shunt: LogWriter | null = null;

  constructor(private readonly logs: LogManager) {}

  write(i: NetControlInfo): void {
    this.main ??= this.logs.open({ path: "netcontrol", fields: NETCONTROL_FIELDS });
    this.main.write([
      i.ts,
      i.rule_id,
      i.category,
      i.cmd,
      i.state,
      i.action,
      i.target,
      i.entity_type,
      i.entity,
      i.mod,
      i.msg,
      i.priority,
      i.expire,
      i.location,
      i.plugin,
    ]);
  }

  /** A netcontrol_drop.log row: an address (no ports, no responder) or a connection. */
  writeDrop(ts: number, id: string, who: string | NetControlConnId, expire: number, location: string): void {
    this.drop ??= this.logs.open({ path: "netcontrol_drop", fields: NETCONTROL_DROP_FIELDS });
    const loc = location === "" ? undefined : location;
    if (typeof who === "string") this.drop.write([ts, id, who, undefined, undefined, undefined, expire, loc]);
    else this.drop.write([ts, id, who.orig_h, portNumber(who.orig_p), who.resp_h, portNumber(who.resp_p), expire, loc]);
  }

  writeShunt(ts: number, id: string, f: FlowId, expire: number, location: string): void {
    this.shunt ??= this.logs.open({ path: "netcontrol_shunt", fields: NETCONTROL_SHUNT_FIELDS });
    const loc = location === "" ? undefined : location;
    this.shunt.write([ts, id, f.src_h, portNumber(f.src_p), f.dst_h, portNumber(f.dst_p), expire, loc]);
  }
}
