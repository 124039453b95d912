/**
 * Zeek's OpenFlow log plugin (plugins/log.zeek): a controller that writes
 * each flow mod to openflow.log instead of sending it to a switch, and
 * (unless told not to) reports it carried out. openflow.log's columns are
 * the match and flow mod records flattened, as Zeek's logging framework
 * writes nested records.
 */
import type { LogManager } from "../../log/manager.js";
import { fields, type LogField, type LogValue } from "../../log/schema.js";
import type { LogWriter } from "../../log/writer.js";
import { networkTime } from "../capture-loss.js";
import type { AnalyzerScriptHost } from "../host.js";
import type { OpenFlow } from "./framework.js";
import type { Controller, ControllerState, OfpFlowMod, OfpMatch, OpenFlowInfo } from "./types.js";

export const OPENFLOW_FIELDS: readonly LogField[] = fields(
  ["ts", "time"],
  ["dpid", "count"],
  ["match.in_port", "count"],
  ["match.dl_src", "string"],
  ["match.dl_dst", "string"],
  ["match.dl_vlan", "count"],
  ["match.dl_vlan_pcp", "count"],
  ["match.dl_type", "count"],
  ["match.nw_tos", "count"],
  ["match.nw_proto", "count"],
  ["match.nw_src", "subnet"],
  ["match.nw_dst", "subnet"],
  ["match.tp_src", "count"],
  ["match.tp_dst", "count"],
  ["flow_mod.cookie", "count"],
  ["flow_mod.table_id", "count"],
  ["flow_mod.command", "enum"],
  ["flow_mod.idle_timeout", "count"],
  ["flow_mod.hard_timeout", "count"],
  ["flow_mod.priority", "count"],
  ["flow_mod.out_port", "count"],
  ["flow_mod.out_group", "count"],
  ["flow_mod.flags", "count"],
  ["flow_mod.actions.out_ports", "vector[count]"],
  ["flow_mod.actions.vlan_vid", "count"],
  ["flow_mod.actions.vlan_pcp", "count"],
  ["flow_mod.actions.vlan_strip", "bool"],
  ["flow_mod.actions.dl_src", "string"],
  ["flow_mod.actions.dl_dst", "string"],
  ["flow_mod.actions.nw_tos", "count"],
  ["flow_mod.actions.nw_src", "addr"],
  ["flow_mod.actions.nw_dst", "addr"],
  ["flow_mod.actions.tp_src", "count"],
  ["flow_mod.actions.tp_dst", "count"],
);

function matchColumns(m: OfpMatch): LogValue[] {
  return [m.in_port, m.dl_src, m.dl_dst, m.dl_vlan, m.dl_vlan_pcp, m.dl_type, m.nw_tos, m.nw_proto, m.nw_src, m.nw_dst, m.tp_src, m.tp_dst];
}

function flowModColumns(f: OfpFlowMod): LogValue[] {
  const a = f.actions;
  return [
    f.cookie,
    f.table_id,
    f.command,
    f.idle_timeout,
    f.hard_timeout,
    f.priority,
    f.out_port,
    f.out_group,
    f.flags,
    // The row keeps the ports as they were written, whatever the flow mod becomes later.
    [...a.out_ports],
    a.vlan_vid,
    a.vlan_pcp,
    a.vlan_strip,
    a.dl_src,
    a.dl_dst,
    a.nw_tos,
    a.nw_src,
    a.nw_dst,
    a.tp_src,
    a.tp_dst,
  ];
}

/** openflow.log, opened at its first row. */
export class OpenFlowLog {
  private writer: LogWriter | null = null;

  constructor(
    private readonly host: AnalyzerScriptHost,
    private readonly logs: LogManager,
  ) {}

  /** A row for a flow mod, at the current network time; raises OpenFlow::log_openflow. */
  write(dpid: number, match: OfpMatch, flowMod: OfpFlowMod): void {
    const info: OpenFlowInfo = { ts: networkTime(this.host), dpid, match, flow_mod: flowMod };
    this.writer ??= this.logs.open({ path: "openflow", fields: OPENFLOW_FIELDS });
    this.writer.write([info.ts, info.dpid, ...matchColumns(match), ...flowModColumns(flowMod)]);
    this.host.raise("OpenFlow::log_openflow", info);
  }
}

/** The log plugin's kind (OpenFlow::OFLOG): its controllers are named "OpenFlow::OFLOG<dpid>". */
export const OFLOG = "OpenFlow::OFLOG";

/**
 * OpenFlow::log_new: a controller for switch `dpid` writing its flow mods to
 * openflow.log; with `successEvent`, each row is reported carried out
 * (OpenFlow::flow_mod_success), as a switch would. It cannot clear a flow
 * table, and never reports flows removed.
 */
export function logNew(of: OpenFlow, dpid: number, successEvent = true): Controller {
  const state: ControllerState = { _activated: false, log_dpid: dpid, log_success_event: successEvent };
  const controller: Controller = {
    state,
    supportsFlowRemoved: false,
    describe: (s) => `Log-${s.log_dpid}`,
    flowMod(s, match, flowMod) {
      of.log.write(s.log_dpid ?? 0, match, flowMod);
      if (s.log_success_event === true) of.host.raise("OpenFlow::flow_mod_success", s._name ?? "", match, flowMod, "");
      return true;
    },
  };
  of.registerController(OFLOG, String(dpid), controller);
  return controller;
}
