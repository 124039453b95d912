/**
 * The OpenFlow framework's records (Zeek's types.zeek, with the log
 * plugin's additions) and its events. Field names are Zeek's, since the
 * match and flow_mod records are openflow.log's columns; addresses and
 * subnets are Zeek's text ("10.0.0.1", "10.0.0.0/8").
 */
import { registerEvents } from "../../event/events.js";
import type { OfpFlowModCommand } from "./consts.js";

/** OpenFlow::Plugin: the kind of controller ("OpenFlow::OFLOG" for the log plugin); other plugins add their own names. */
export type OpenFlowPluginType = `OpenFlow::${string}`;

/** ofp_match: which packets a flow entry applies to; a field left out matches anything. */
export interface OfpMatch {
  in_port?: number;
  dl_src?: string;
  dl_dst?: string;
  dl_vlan?: number;
  dl_vlan_pcp?: number;
  /** The ethertype (ETH_IPv4, ETH_IPv6). */
  dl_type?: number;
  nw_tos?: number;
  /** The IP protocol (IP_TCP, IP_UDP, IP_ICMP). */
  nw_proto?: number;
  /** IPv4 and IPv6 alike, as Zeek keeps them. */
  nw_src?: string;
  nw_dst?: string;
  tp_src?: number;
  tp_dst?: number;
}

/** ofp_flow_action: what happens to matching packets; no output port means they are dropped. */
export interface OfpFlowAction {
  out_ports: number[];
  vlan_vid?: number;
  vlan_pcp?: number;
  vlan_strip: boolean;
  dl_src?: string;
  dl_dst?: string;
  nw_tos?: number;
  nw_src?: string;
  nw_dst?: string;
  tp_src?: number;
  tp_dst?: number;
}

/** ofp_flow_mod: the change a controller asks of a switch's flow table. */
export interface OfpFlowMod {
  cookie: number;
  table_id?: number;
  command: OfpFlowModCommand;
  /** Seconds without a packet before the switch drops the flow (0: never). */
  idle_timeout: number;
  /** Seconds before the switch drops the flow whatever happens (0: never). */
  hard_timeout: number;
  priority: number;
  out_port?: number;
  out_group?: number;
  /** OFPFF_* bits. */
  flags: number;
  actions: OfpFlowAction;
}

/** A flow mod as a script writes it: Zeek's defaults (0, no actions) for what it leaves out. */
export interface OfpFlowModInput extends Partial<Omit<OfpFlowMod, "cookie" | "command" | "actions">> {
  cookie: number;
  command: OfpFlowModCommand;
  actions?: Partial<OfpFlowAction>;
}

/** OpenFlow::ControllerState: the framework's bookkeeping, and the log plugin's settings (Zeek's redef). */
export interface ControllerState {
  /** Set at registration: the kind of plugin. */
  _plugin?: OpenFlowPluginType;
  /** Set at registration: the kind and the plugin's name ("OpenFlow::OFLOG42"), unique among controllers. */
  _name?: string;
  /** The controller finished its init (controller_init_done). */
  _activated: boolean;
  /** The log plugin's datapath id. */
  log_dpid?: number;
  /** The log plugin raises flow_mod_success for each row. */
  log_success_event?: boolean;
}

/** OpenFlow::Controller: a plugin instance, the functions it has doing the work. */
export interface Controller {
  readonly state: ControllerState;
  /** The controller raises OpenFlow::flow_removed when the switch drops a flow. */
  readonly supportsFlowRemoved: boolean;
  describe(state: ControllerState): string;
  /** When present, the controller is ready only once it calls controllerInitDone. */
  init?(state: ControllerState): void;
  destroy?(state: ControllerState): void;
  flowMod?(state: ControllerState, match: OfpMatch, flowMod: OfpFlowMod): boolean;
  flowClear?(state: ControllerState): boolean;
}

/** An openflow.log row (OpenFlow::Info). */
export interface OpenFlowInfo {
  ts: number;
  dpid: number;
  match: OfpMatch;
  flow_mod: OfpFlowMod;
}

/** The framework's events, under Zeek's names. */
export interface OpenFlowEvents {
  /** A controller's flow mod was carried out. */
  "OpenFlow::flow_mod_success": [name: string, match: OfpMatch, flow_mod: OfpFlowMod, msg: string];
  /** A controller's flow mod failed. */
  "OpenFlow::flow_mod_failure": [name: string, match: OfpMatch, flow_mod: OfpFlowMod, msg: string];
  /** The switch dropped a flow (idle or hard timeout; OFPRR_* reason), for controllers supporting it. */
  "OpenFlow::flow_removed": [
    name: string,
    match: OfpMatch,
    cookie: number,
    priority: number,
    reason: number,
    duration_sec: number,
    idle_timeout: number,
    packet_count: number,
    byte_count: number,
  ];
  /** A controller finished its initialisation. */
  "OpenFlow::controller_activated": [name: string, controller: Controller];
  /** An openflow.log row was written. */
  "OpenFlow::log_openflow": [rec: OpenFlowInfo];
}

declare module "../../event/events.js" {
  interface EventMap extends OpenFlowEvents {}
}

registerEvents<OpenFlowEvents>({
  "OpenFlow::flow_mod_success": true,
  "OpenFlow::flow_mod_failure": true,
  "OpenFlow::flow_removed": true,
  "OpenFlow::controller_activated": true,
  "OpenFlow::log_openflow": true,
});
