/**
 * Zeek's NetControl framework (base/frameworks/netcontrol, as a standalone
 * node runs it): rules on addresses, connections, flows and MAC addresses,
 * sent to the activated plugins in priority order, their outcome reported
 * back through the framework's events, expiry on network time, and
 * netcontrol.log. The high-level helpers (drop, shunt, whitelist, redirect,
 * quarantine) are in helpers.ts.
 *
 * One framework per engine, made when a script first asks for it: a run
 * that never does registers no handler and pays nothing.
 */
import type { LogManager } from "../../log/manager.js";
import { networkTime } from "../capture-loss.js";
import { Hook, type HookFn } from "../hook.js";
import type { AnalyzerScriptHost } from "../host.js";
import * as helpers from "./helpers.js";
import { NetControlLogs, ruleInfo } from "./logs.js";
import { RuleTable } from "./rule-table.js";
import type { FlowId, FlowInfo, InfoState, NetControlConnId, NetControlInfo, PluginState, Rule, RuleInput } from "./types.js";

/** What the framework writes and reports with. */
export interface NetControlDeps {
  readonly logs: LogManager;
  /** Reporter::error (remove_rule and delete_rule of unknown rules). */
  readonly error?: (message: string) => void;
  /** Zeek's print: the debug plugin's lines (default: standard output). */
  readonly print?: (line: string) => void;
}

/** Priorities of non-cluster.zeek's handlers: outcomes are recorded before (added) or after (removed, errors) the scripts' handlers. */
const ADDED_PRIORITY = 5;
const REMOVED_PRIORITY = -5;
/** main.zeek raises NetControl::init from a late zeek_init handler and finishes activation in a very late NetControl::init one. */
const RAISE_INIT_PRIORITY = -5;
const INIT_DONE_PRIORITY = -20;

export class NetControl {
  /** Activated plugins, highest priority first (ties in activation order). */
  private readonly plugins: PluginState[] = [];
  private readonly pluginIds = new Map<number, PluginState>();
  private ruleCounter = 1;
  private pluginCounter = 1;
  private pluginsActive = false;
  /** The NetControl::init handlers have run: activations from now on end the start-up. */
  private initRan = false;
  readonly table: RuleTable;
  readonly logs: NetControlLogs;
  private readonly rulePolicy = new Hook<[r: Rule]>();
  private readonly ruleAddedPolicy = new Hook<[r: Rule, p: PluginState, exists: boolean, msg: string]>();
  private readonly dropRulePolicy = new Hook<[r: RuleInput]>();
  /** Zeek's print, for plugins (the debug plugin's lines); a script may replace it to capture them. */
  print: (line: string) => void;

  constructor(
    readonly host: AnalyzerScriptHost,
    readonly deps: NetControlDeps,
  ) {
    this.table = new RuleTable(host.tableHash);
    this.logs = new NetControlLogs(deps.logs);
    this.print = deps.print ?? ((line) => process.stdout.write(`${line}\n`));
    host.on("zeek_init", () => host.raise("NetControl::init"), { priority: RAISE_INIT_PRIORITY });
    host.on("NetControl::init", () => this.initFinished(), { priority: INIT_DONE_PRIORITY });
    host.on("NetControl::rule_added", (r, p, msg) => this.added(r, p, false, msg), { priority: ADDED_PRIORITY });
    host.on("NetControl::rule_exists", (r, p, msg) => this.added(r, p, true, msg), { priority: ADDED_PRIORITY });
    host.on("NetControl::rule_removed", (r, p, msg) => this.removed(r, p, msg), { priority: REMOVED_PRIORITY });
    host.on("NetControl::rule_timeout", (r, i, p) => this.timedOut(r, i, p), { priority: REMOVED_PRIORITY });
    host.on("NetControl::rule_error", (r, p, msg) => this.failed(r, p, msg), { priority: REMOVED_PRIORITY });
  }

  // ---------------------------------------------------------------- hooks

  /** NetControl::rule_policy: runs on every new rule (ids set) before plugins see it; it may change the rule; false drops it. */
  onRulePolicy(fn: HookFn<[r: Rule]>, priority = 0): void {
    this.rulePolicy.add(fn, priority);
  }

  /** NetControl::rule_added_policy: after a plugin reported a rule added (or existing); may edit the rule's plugin sets. */
  onRuleAddedPolicy(fn: HookFn<[r: Rule, p: PluginState, exists: boolean, msg: string]>, priority = 0): void {
    this.ruleAddedPolicy.add(fn, priority);
  }

  /** NetControl::drop_rule_policy: runs on the rules of drop_address and drop_connection; false: not added. */
  onDropRulePolicy(fn: HookFn<[r: RuleInput]>, priority = 0): void {
    this.dropRulePolicy.add(fn, priority);
  }

  /** Runs drop_rule_policy (for the drop helpers). */
  runDropRulePolicy(r: RuleInput): boolean {
    return this.dropRulePolicy.run(r);
  }

  // ---------------------------------------------------------------- high-level calls (helpers.ts)

  /** NetControl::drop_address: drops all traffic of `a` for `t` seconds (netcontrol_drop.log). */
  dropAddress(a: string, t: number, location = ""): string {
    return helpers.dropAddress(this, a, t, location);
  }

  /** NetControl::drop_connection: drops a connection's traffic (netcontrol_drop.log). */
  dropConnection(c: NetControlConnId, t: number, location = ""): string {
    return helpers.dropConnection(this, c, t, location);
  }

  /** NetControl::shunt_flow: stops a flow's packets from reaching the monitor (netcontrol_shunt.log). */
  shuntFlow(f: FlowId, t: number, location = ""): string {
    return helpers.shuntFlow(this, f, t, location);
  }

  /** NetControl::whitelist_address: a whitelist rule (priority NetControl::whitelist_priority) for `a`. */
  whitelistAddress(a: string, t: number, location = ""): string {
    return helpers.whitelistSubnet(this, helpers.hostSubnet(a), t, location);
  }

  /** NetControl::whitelist_subnet. */
  whitelistSubnet(s: string, t: number, location = ""): string {
    return helpers.whitelistSubnet(this, s, t, location);
  }

  /** NetControl::redirect_flow: sends a flow out of switch port `outPort`. */
  redirectFlow(f: FlowId, outPort: number, t: number, location = ""): string {
    return helpers.redirectFlow(this, f, outPort, t, location);
  }

  /** NetControl::quarantine_host: the four rules' ids. */
  quarantineHost(infected: string, dns: string, quarantine: string, t: number, location = ""): string[] {
    return helpers.quarantineHost(this, infected, dns, quarantine, t, location);
  }

  // ---------------------------------------------------------------- plugins

  /** NetControl::activate: adds a plugin instance; rules go to the highest priority plugins that take them. */
  activate(p: PluginState, priority: number): void {
    p._priority = priority;
    this.plugins.push(p);
    // A stable sort: equal priorities keep their activation order.
    this.plugins.sort((a, b) => b._priority - a._priority);
    p._id = this.pluginCounter++;
    this.pluginIds.set(p._id, p);
    if (p.plugin.init === undefined) {
      this.pluginActivated(p);
      return;
    }
    this.logMessage(`activating plugin with priority ${priority}`, p);
    p.plugin.init(p);
  }

  /** NetControl::plugin_activated: a plugin's init is over (it may call this later, once its backend answered). */
  pluginActivated(p: PluginState): void {
    if (p._id === undefined || !this.pluginIds.has(p._id)) {
      this.log({ ts: this.now(), category: "NetControl::ERROR", msg: "unknown plugin activated", plugin: p.plugin.name(p) });
      return;
    }
    if (p._activated) return;
    p._activated = true;
    this.logMessage("activation finished", p);
    if (this.initRan) this.checkPlugins();
  }

  /** Whether every activated plugin is ready (NetControl::init_done has been raised). */
  get ready(): boolean {
    return this.pluginsActive;
  }

  private initFinished(): void {
    this.initRan = true;
    this.checkPlugins();
    if (!this.pluginsActive) this.log({ ts: this.now(), category: "NetControl::MESSAGE", msg: "waiting for plugins to initialize" });
  }

  private checkPlugins(): void {
    if (this.pluginsActive || !this.plugins.every((p) => p._activated)) return;
    this.pluginsActive = true;
    if (this.plugins.length > 0) this.log({ ts: this.now(), category: "NetControl::MESSAGE", msg: "plugin initialization done" });
    this.host.raise("NetControl::init_done");
  }

  // ---------------------------------------------------------------- what plugins report

  /** A plugin put `r` in place (raises NetControl::rule_added). */
  ruleAdded(r: Rule, p: PluginState, msg = ""): void {
    this.host.raise("NetControl::rule_added", r, p, msg);
  }

  /** A plugin found `r` already in place (NetControl::rule_exists): the framework will not expire it there. */
  ruleExists(r: Rule, p: PluginState, msg = ""): void {
    this.host.raise("NetControl::rule_exists", r, p, msg);
  }

  /** A plugin took `r` out (NetControl::rule_removed). */
  ruleRemoved(r: Rule, p: PluginState, msg = ""): void {
    this.host.raise("NetControl::rule_removed", r, p, msg);
  }

  /** `r` timed out on a plugin that expires rules itself (NetControl::rule_timeout). */
  ruleTimeout(r: Rule, i: FlowInfo, p: PluginState): void {
    this.host.raise("NetControl::rule_timeout", r, i, p);
  }

  /** A plugin failed to add or remove `r` (NetControl::rule_error). */
  ruleError(r: Rule, p: PluginState, msg = ""): void {
    this.host.raise("NetControl::rule_error", r, p, msg);
  }

  // ---------------------------------------------------------------- rules

  /** NetControl::add_rule: the rule's id, "" when it was refused (the reason is in netcontrol.log). */
  addRule(input: RuleInput): string {
    const rule = this.newRule(input);
    if (!this.pluginsActive) {
      this.logRuleNoPlugin(rule, "NetControl::FAILED", "plugins not initialized yet");
      return "";
    }
    rule.cid = ++this.ruleCounter;
    if (rule.id === "") rule.id = String(rule.cid);
    if (!this.rulePolicy.run(rule)) return "";
    if (this.table.entityRule(rule.entity, rule.ty) !== undefined) {
      this.logRuleNoPlugin(rule, "NetControl::FAILED", "discarded duplicate insertion");
      return "";
    }
    if (!this.sendToPlugins(rule)) {
      this.logRuleNoPlugin(rule, "NetControl::FAILED", "not supported");
      return "";
    }
    this.table.add(rule);
    this.host.raise("NetControl::rule_new", rule);
    return rule.id;
  }

  private newRule(input: RuleInput): Rule {
    return {
      ...input,
      priority: input.priority ?? this.host.settings["NetControl::default_priority"],
      id: input.id ?? "",
      cid: 0,
      _plugin_ids: new Set(),
      _active_plugin_ids: new Set(),
      _no_expire_plugins: new Set(),
      _added: false,
    };
  }

  /** Offers the rule to the ready plugins, best first; once one takes it, only plugins of the same priority follow. */
  private sendToPlugins(rule: Rule): boolean {
    let taker: number | null = null;
    for (const p of this.plugins) {
      if (!p._activated) continue;
      if (taker !== null && p._priority !== taker) break;
      if (p.plugin.addRule?.(p, rule) !== true) continue;
      taker = p._priority;
      this.logRule(rule, "ADD", "NetControl::REQUESTED", p);
      rule._plugin_ids.add(p._id!);
    }
    return taker !== null;
  }

  /** NetControl::remove_rule: asks every plugin holding the rule to take it out; false for an unknown rule or a plugin refusing. */
  removeRule(id: string, reason = ""): boolean {
    const r = this.table.get(id);
    if (r === undefined) {
      this.deps.error?.(`Rule ${id} does not exist in NetControl::remove_rule`);
      return false;
    }
    let success = true;
    // As main.zeek: the last plugin's answer is the result.
    for (const pid of [...r._active_plugin_ids]) success = this.removeFromPlugin(r, this.pluginIds.get(pid)!, reason);
    return success;
  }

  /** NetControl::delete_rule: forgets the rule without telling any plugin. */
  deleteRule(id: string, reason = ""): boolean {
    const r = this.table.get(id);
    if (r === undefined) {
      this.deps.error?.(`Rule ${id} does not exist in NetControl::delete_rule`);
      return false;
    }
    r._active_plugin_ids.clear();
    this.cleanup(r);
    this.logRuleNoPlugin(r, "NetControl::REMOVED", reason === "" ? "delete_rule" : `delete_rule: ${reason}`);
    return true;
  }

  /** NetControl::clear: removes every rule. */
  clear(): void {
    for (const id of this.table.ids()) this.removeRule(id);
  }

  /** NetControl::find_rules_subnet: the rules whose entity involves a subnet holding `sn`. */
  findRulesSubnet(sn: string): Rule[] {
    return this.table.findSubnet(sn);
  }

  /** NetControl::find_rules_addr. */
  findRulesAddr(ip: string): Rule[] {
    return this.table.findSubnet(ip.includes(":") ? `${ip}/128` : `${ip}/32`);
  }

  /** The rule of type `ty` on entity `e`, if any (main.zeek's rule_entities). */
  entityRule(e: Rule["entity"], ty: Rule["ty"]): Rule | undefined {
    return this.table.entityRule(e, ty);
  }

  private removeFromPlugin(r: Rule, p: PluginState, reason = ""): boolean {
    if (p.plugin.removeRule?.(p, r, reason) === true) {
      this.logRule(r, "REMOVE", "NetControl::REQUESTED", p, reason);
      return true;
    }
    this.logRuleError(r, reason === "" ? "remove failed" : `remove failed (original reason: ${reason})`, p);
    return false;
  }

  /** Forgets a rule no plugin holds any more. */
  private cleanup(r: Rule): void {
    if (r._active_plugin_ids.size > 0) return;
    this.table.delete(r);
    this.host.raise("NetControl::rule_destroyed", r);
  }

  // ---------------------------------------------------------------- outcomes (non-cluster.zeek's handlers)

  /** The framework's copy of a reported rule, or undefined after logging `what` as an error. */
  private known(r: Rule, p: PluginState, what: string): Rule | undefined {
    const rule = this.table.get(r.id);
    if (rule === undefined) this.logRuleError(r, what, p);
    return rule;
  }

  private added(r: Rule, p: PluginState, exists: boolean, msg: string): void {
    this.recordAdded(r, p, exists, msg);
    const expire = r.expire ?? 0;
    if (expire > 0 && !p.plugin.canExpire) this.host.scheduleEvent(this.now() + expire, () => this.expire(r, p));
  }

  private recordAdded(r: Rule, p: PluginState, exists: boolean, msg: string): void {
    const rule = this.known(r, p, "Addition of unknown rule");
    if (rule === undefined) return;
    if (!rule._plugin_ids.has(p._id!)) {
      this.logRuleError(rule, "Rule added to non-responsible plugin", p);
      return;
    }
    if (exists) rule._no_expire_plugins.add(p._id!);
    this.logRule(r, "ADD", exists ? "NetControl::EXISTS" : "NetControl::SUCCEEDED", p, msg);
    rule._active_plugin_ids.add(p._id!);
    if (rule._plugin_ids.size === rule._active_plugin_ids.size) rule._added = true;
    this.ruleAddedPolicy.run(rule, p, exists, msg);
  }

  /** The rule's time on a plugin that does not expire rules itself is over (main.zeek's rule_expire_impl). */
  private expire(r: Rule, p: PluginState): void {
    // No timeouts while shutting down: the run's end is not the rules' end.
    if (this.host.stats().terminating) return;
    const rule = this.table.get(r.id);
    if (rule === undefined) return;
    if (!rule._no_expire_plugins.has(p._id!)) {
      this.ruleTimeout(r, {}, p);
      return;
    }
    // The rule existed there before: leave it in place, only forget that plugin.
    rule._active_plugin_ids.delete(p._id!);
    rule._no_expire_plugins.delete(p._id!);
    this.cleanup(rule);
  }

  private removed(r: Rule, p: PluginState, msg: string): void {
    const rule = this.known(r, p, "Removal of non-existing rule");
    if (rule === undefined) return;
    if (!rule._plugin_ids.has(p._id!)) {
      this.logRuleError(r, "Removed from non-assigned plugin", p);
      return;
    }
    rule._active_plugin_ids.delete(p._id!);
    this.logRule(rule, "REMOVE", "NetControl::SUCCEEDED", p, msg);
    this.cleanup(rule);
  }

  private timedOut(r: Rule, i: FlowInfo, p: PluginState): void {
    const rule = this.known(r, p, "Timeout of non-existing rule");
    if (rule === undefined) return;
    this.logRule(rule, "EXPIRE", "NetControl::TIMEOUT", p, flowInfoText(i));
    if (!p.plugin.canExpire) {
      // The timeout is the framework's own: the plugin must still take the rule out.
      this.removeFromPlugin(rule, p);
      return;
    }
    if (!rule._plugin_ids.has(p._id!)) {
      this.logRuleError(r, "Timeout from non-assigned plugin", p);
      return;
    }
    rule._active_plugin_ids.delete(p._id!);
    this.cleanup(rule);
  }

  private failed(r: Rule, p: PluginState, msg: string): void {
    const rule = this.known(r, p, "Error of non-existing rule");
    if (rule === undefined) return;
    this.logRuleError(rule, msg, p);
    if (!rule._plugin_ids.has(p._id!)) {
      this.logRuleError(r, "Error from non-assigned plugin", p);
      return;
    }
    rule._plugin_ids.delete(p._id!);
    // An error while removing counts as removed; one while adding drops the rule only when no other plugin has it.
    const removing = rule._active_plugin_ids.delete(p._id!);
    if (removing || rule._plugin_ids.size === 0) this.cleanup(rule);
  }

  // ---------------------------------------------------------------- netcontrol.log

  /** Zeek's network_time(): 0 before the first packet (bronze's clock holds a placeholder until then). */
  now(): number {
    return networkTime(this.host);
  }

  private log(info: NetControlInfo): void {
    this.logs.write(info);
    this.host.raise("NetControl::log_netcontrol", info);
  }

  private logMessage(msg: string, p: PluginState): void {
    this.log({ ts: this.now(), category: "NetControl::MESSAGE", msg, plugin: p.plugin.name(p) });
  }

  private logRule(r: Rule, cmd: string, state: InfoState, p: PluginState, msg = ""): void {
    const info: NetControlInfo = { ts: this.now(), category: "NetControl::RULE", cmd, state, plugin: p.plugin.name(p) };
    if (msg !== "") info.msg = msg;
    this.log(ruleInfo(info, r));
  }

  private logRuleError(r: Rule, msg: string, p: PluginState): void {
    this.log(ruleInfo({ ts: this.now(), category: "NetControl::ERROR", msg, plugin: p.plugin.name(p) }, r));
  }

  private logRuleNoPlugin(r: Rule, state: InfoState, msg: string): void {
    this.log(ruleInfo({ ts: this.now(), category: "NetControl::RULE", state, msg }, r));
  }
}

/** A timeout's message: the packets and bytes the plugin counted. */
function flowInfoText(i: FlowInfo): string {
  const parts: string[] = [];
  if (i.packet_count !== undefined) parts.push(`Packets: ${i.packet_count}`);
  if (i.byte_count !== undefined) parts.push(`Bytes: ${i.byte_count}`);
  return parts.join(" ");
}

/** Each engine's framework. */
const frameworks = new WeakMap<AnalyzerScriptHost, NetControl>();

/** The NetControl framework of `host` (one per engine), made on first use; `deps` are used when it is made. */
export function netControlFramework(host: AnalyzerScriptHost, deps: NetControlDeps): NetControl {
  let nc = frameworks.get(host);
  if (nc === undefined) frameworks.set(host, (nc = new NetControl(host, deps)));
  return nc;
}
