/**
 * Zeek's NetControl types (base/frameworks/netcontrol/types.zeek, plugin.zeek
 * and main.zeek's Info), and the framework's events. Addresses and subnets
 * are Zeek's text ("10.0.0.1", "10.0.0.0/8"), ports Zeek's "80/tcp".
 */
import { registerEvents } from "../../event/events.js";

/** A Zeek port value: number and transport ("53/udp"). */
export type PortText = `${number}/${"tcp" | "udp" | "icmp" | "unknown"}`;

export type EntityType = "NetControl::ADDRESS" | "NetControl::CONNECTION" | "NetControl::FLOW" | "NetControl::MAC";
export type RuleType = "NetControl::DROP" | "NetControl::MODIFY" | "NetControl::REDIRECT" | "NetControl::WHITELIST";
export type TargetType = "NetControl::FORWARD" | "NetControl::MONITOR";

/** NetControl::Flow: a one-way flow, any field left out is a wildcard. */
export interface Flow {
  src_h?: string;
  src_p?: PortText;
  dst_h?: string;
  dst_p?: PortText;
  src_m?: string;
  dst_m?: string;
}

/** Zeek's conn_id as NetControl uses it (a CONNECTION entity, drop_connection). */
export interface NetControlConnId {
  orig_h: string;
  orig_p: PortText;
  resp_h: string;
  resp_p: PortText;
  /** The IP protocol number (Zeek's default: 65535, unknown). */
  proto?: number;
}

/** Zeek's flow_id: what shunt_flow and redirect_flow take. */
export interface FlowId {
  src_h: string;
  src_p: PortText;
  dst_h: string;
  dst_p: PortText;
}

/** NetControl::Entity: what a rule applies to, the field matching `ty` set. */
export interface Entity {
  ty: EntityType;
  conn?: NetControlConnId;
  flow?: Flow;
  /** A subnet ("10.0.0.1/32"). */
  ip?: string;
  mac?: string;
}

/** NetControl::FlowMod: a MODIFY rule's rewrite. */
export interface FlowMod {
  src_h?: string;
  src_p?: number;
  dst_h?: string;
  dst_p?: number;
  src_m?: string;
  dst_m?: string;
  redirect_port?: number;
}

/** What a script gives add_rule: NetControl::Rule before the framework fills its ids. */
export interface RuleInput {
  ty: RuleType;
  target: TargetType;
  entity: Entity;
  /** Seconds; 0 or unset: the rule does not expire. */
  expire?: number;
  /** Default: NetControl::default_priority. */
  priority?: number;
  location?: string;
  out_port?: number;
  mod?: FlowMod;
  /** Default: the numeric id as text. */
  id?: string;
}

/** NetControl::Rule as the framework keeps it (main.zeek's redef adds the plugin sets). */
export interface Rule extends RuleInput {
  priority: number;
  id: string;
  cid: number;
  /** Plugins the rule was sent to, by PluginState id. */
  readonly _plugin_ids: Set<number>;
  /** Plugins that confirmed it. */
  readonly _active_plugin_ids: Set<number>;
  /** Plugins where it already existed: not expired there. */
  readonly _no_expire_plugins: Set<number>;
  _added: boolean;
}

/** NetControl::FlowInfo: what a plugin may report with a timeout. */
export interface FlowInfo {
  duration?: number;
  packet_count?: number;
  byte_count?: number;
}

/**
 * A NetControl plugin (Zeek's NetControl::Plugin): the backend that puts
 * rules into a firewall, switch or packet filter. add_rule and remove_rule
 * answer at once whether the plugin takes the request; the outcome is
 * reported later through the framework (ruleAdded, ruleExists, ruleRemoved,
 * ruleTimeout, ruleError), when the backend has answered.
 */
export interface NetControlPlugin {
  name(state: PluginState): string;
  /** The backend expires rules itself (it reports ruleTimeout); otherwise the framework removes them when they expire. */
  readonly canExpire: boolean;
  /** Called at activation; the plugin calls `pluginActivated(state)` once it is ready. Without init it is ready at once. */
  init?(state: PluginState): void;
  done?(state: PluginState): void;
  /** True: the plugin handles the rule (and will report on it). */
  addRule?(state: PluginState, rule: Rule): boolean;
  /** True: the plugin removes the rule (and will report ruleRemoved). */
  removeRule?(state: PluginState, rule: Rule, reason: string): boolean;
}

/** NetControl::PluginState: one activated instance of a plugin, with its configuration. */
export interface PluginState {
  readonly plugin: NetControlPlugin;
  readonly config: Map<string, string>;
  /** Set by activate: its number, priority and readiness. */
  _id?: number;
  _priority: number;
  _activated: boolean;
}

export type InfoCategory = "NetControl::MESSAGE" | "NetControl::ERROR" | "NetControl::RULE";
export type InfoState =
  | "NetControl::REQUESTED"
  | "NetControl::SUCCEEDED"
  | "NetControl::EXISTS"
  | "NetControl::FAILED"
  | "NetControl::REMOVED"
  | "NetControl::TIMEOUT";

/** A netcontrol.log row (NetControl::Info). */
export interface NetControlInfo {
  ts: number;
  rule_id?: string;
  category?: InfoCategory;
  cmd?: string;
  state?: InfoState;
  action?: string;
  target?: TargetType;
  entity_type?: string;
  entity?: string;
  mod?: string;
  msg?: string;
  priority?: number;
  expire?: number;
  location?: string;
  plugin?: string;
}

/** The framework's events, under Zeek's names. */
export interface NetControlEvents {
  /** Raised after zeek_init: the time to activate plugins. */
  "NetControl::init": [];
  /** Every plugin activated at init is ready: rules may be added. */
  "NetControl::init_done": [];
  /** A rule was accepted by at least one plugin. */
  "NetControl::rule_new": [r: Rule];
  /** A plugin put the rule in place. */
  "NetControl::rule_added": [r: Rule, p: PluginState, msg: string];
  /** A plugin found the rule already in place (it will not expire it). */
  "NetControl::rule_exists": [r: Rule, p: PluginState, msg: string];
  /** A plugin took the rule out. */
  "NetControl::rule_removed": [r: Rule, p: PluginState, msg: string];
  /** The rule expired on a plugin. */
  "NetControl::rule_timeout": [r: Rule, i: FlowInfo, p: PluginState];
  /** A plugin failed to add or remove the rule. */
  "NetControl::rule_error": [r: Rule, p: PluginState, msg: string];
  /** The framework forgot the rule: no plugin holds it any more. */
  "NetControl::rule_destroyed": [r: Rule];
  /** A netcontrol.log row was written. */
  "NetControl::log_netcontrol": [rec: NetControlInfo];
}

declare module "../../event/events.js" {
  interface EventMap extends NetControlEvents {}
}

registerEvents<NetControlEvents>({
  "NetControl::init": true,
  "NetControl::init_done": true,
  "NetControl::rule_new": true,
  "NetControl::rule_added": true,
  "NetControl::rule_exists": true,
  "NetControl::rule_removed": true,
  "NetControl::rule_timeout": true,
  "NetControl::rule_error": true,
  "NetControl::rule_destroyed": true,
  "NetControl::log_netcontrol": true,
});
