/**
 * Zeek's NetControl OpenFlow plugin (plugins/openflow.zeek): rules become
 * flow mods on an OpenFlow controller. A rule's flow mods carry cookies
 * made from its cid (cid*2, and cid*2+1 for the second one of a rule that
 * needs two: an address or MAC address matched as source and as
 * destination, a connection in both directions), so the controller's
 * answers (OpenFlow::flow_mod_success, flow_mod_failure, flow_removed) find
 * the rule again and become NetControl's rule_added, rule_removed,
 * rule_error and rule_timeout. Switches expire the flows themselves
 * (hard_timeout is the rule's expiry): the plugin expires its rules.
 */

import type { AnalyzerScriptHost } from "../host.js";
import { OFPFF_SEND_FLOW_REM, OFPP_NORMAL } from "../openflow/consts.js";
import { type OpenFlow, openFlowFramework } from "../openflow/framework.js";
import { dlType, matchConn, ofpFlowMod, transportProto } from "../openflow/records.js";
import type { Controller, OfpFlowMod, OfpMatch } from "../openflow/types.js";
import type { NetControl } from "./framework.js";
import type { Entity, NetControlPlugin, PluginState, Rule } from "./types.js";

/** NetControl::OfConfig: what the plugin accepts and how it shapes its flow mods. */
export interface OfConfig {
  /** Accept rules for the monitor's path (default true). */
  monitor: boolean;
  /** Accept rules for the traffic's path (default true). */
  forward: boolean;
  /** The flow mods' idle timeout, seconds (default 0: none). */
  idle_timeout: number;
  /** The flow table to put flows in (default: the switch's). */
  table_id?: number;
  /** Added to every rule's priority (default 0). */
  priority_offset: number;
  /** In place of the monitor/forward test: whether the plugin takes (or removes) the rule. */
  check_pred?(p: OpenFlowPluginState, r: Rule): boolean;
  /** May change (or replace) the matches made for an entity. */
  match_pred?(p: OpenFlowPluginState, e: Entity, m: OfpMatch[]): OfpMatch[];
  /** May change (or replace) a rule's flow mod before it is sent. */
  flow_mod_pred?(p: OpenFlowPluginState, r: Rule, m: OfpFlowMod): OfpFlowMod;
}

/** The plugin's state: NetControl's, with the controller and configuration (Zeek's PluginState redef). */
export interface OpenFlowPluginState extends PluginState {
  readonly of_controller: Controller;
  readonly of_config: OfConfig;
}

/** NetControl::openflow_message_timeout's default: a flow mod unanswered this long fails the rule. */
export const OPENFLOW_MESSAGE_TIMEOUT = 20;
/** NetControl::openflow_flow_timeout's default: how long an installed flow is remembered for its removal report. */
export const OPENFLOW_FLOW_TIMEOUT = 24 * 3600;

const ADD = "OpenFlow::OFPFC_ADD";
const DELETE = "OpenFlow::OFPFC_DELETE";
const FLOW_MOD_ERROR = "Error while executing OpenFlow::flow_mod";

/** NetControl::OfTable: a rule waiting for its flow mods' answers, or installed and waiting for its flows' removal. */
interface OfEntry {
  readonly p: OpenFlowPluginState;
  readonly r: Rule;
  /** Answers seen so far (a two-part rule is done at the second). */
  c: number;
  readonly packet_count: number;
  readonly byte_count: number;
  readonly duration_sec: number;
}

const entry = (p: OpenFlowPluginState, r: Rule): OfEntry => ({ p, r, c: 0, packet_count: 0, byte_count: 0, duration_sec: 0 });

/** Rules matched as source and as destination: two flow mods, answered twice. */
function twoPart(r: Rule): boolean {
  return r.entity.ty === "NetControl::ADDRESS" || r.entity.ty === "NetControl::MAC";
}

/**
 * A table whose entries are forgotten `lifetime` seconds of network time
 * after they were set (Zeek's &create_expire), found by sweeps every
 * table_expire_interval as Zeek's expiring tables are; `expired` is told
 * of each.
 */
class CreateExpireTable<K, V> {
  private readonly entries = new Map<K, { value: V; created: number }>();
  private sweeping = false;

  constructor(
    private readonly host: AnalyzerScriptHost,
    private readonly now: () => number,
    private readonly lifetime: number,
    private readonly expired: (value: V) => void = () => {},
  ) {}

  get(k: K): V | undefined {
    return this.entries.get(k)?.value;
  }

  set(k: K, value: V): void {
    this.entries.set(k, { value, created: this.now() });
    if (this.sweeping) return;
    this.sweeping = true;
    this.host.schedule(this.now() + this.interval(), (t) => this.sweep(t));
  }

  delete(k: K): void {
    this.entries.delete(k);
  }

  private interval(): number {
    // Never 0: a sweep due at the time it runs would come again at once.
    return Math.max(this.host.settings.table_expire_interval, 0.001);
  }

  private sweep(now: number): void {
    for (const [k, e] of [...this.entries]) {
      if (now - e.created < this.lifetime) continue;
      this.entries.delete(k);
      this.expired(e.value);
    }
    if (this.entries.size === 0) this.sweeping = false;
    else this.host.schedule(now + this.interval(), (t) => this.sweep(t));
  }
}

/** The plugin's shared state on one NetControl framework, and its handlers of the OpenFlow framework's events. */
class OpenFlowBackend {
  readonly of: OpenFlow;
  /** Flow mods sent, by rule cid and command, until answered (Zeek's of_messages). */
  private readonly messages: CreateExpireTable<string, OfEntry>;
  /** Installed rules, by cid, on controllers that report removals (Zeek's of_flows). */
  private readonly flows: CreateExpireTable<number, OfEntry>;
  /** Plugin instances by their controller's name. */
  private readonly instances = new Map<string, OpenFlowPluginState>();

  constructor(readonly nc: NetControl) {
    const host = nc.host;
    this.of = openFlowFramework(host, { logs: nc.deps.logs, error: nc.deps.error });
    const now = () => this.of.now();
    // The settings as Zeek's tables take their &create_expire: when the plugin's state is made.
    const s = host.settings;
    this.messages = new CreateExpireTable(host, now, s["NetControl::openflow_message_timeout"], (e) =>
      nc.ruleError(e.r, e.p, "Timeout during rule insertion/removal"),
    );
    this.flows = new CreateExpireTable(host, now, s["NetControl::openflow_flow_timeout"]);
    host.on("OpenFlow::flow_mod_success", (_n, _m, fm, msg) => this.succeeded(fm, msg), { priority: 3 });
    host.on("OpenFlow::flow_mod_failure", (_n, _m, fm, msg) => this.failed(fm, msg), { priority: 3 });
    host.on("OpenFlow::flow_removed", (_n, _m, cookie, _pr, _re, duration, _it, packets, bytes) => this.removed(cookie, duration, packets, bytes));
    host.on("OpenFlow::controller_activated", (name) => this.activated(name));
  }

  // ---------------------------------------------------------------- the plugin's calls

  init(p: OpenFlowPluginState): void {
    const name = p.of_controller.state._name ?? "";
    if (this.instances.has(name)) this.nc.deps.error?.(`OpenFlow instance ${name} added to NetControl twice.`);
    this.instances.set(name, p);
    // A controller still initialising activates the plugin when it is done (controller_activated).
    if (p.of_controller.state._activated) this.nc.pluginActivated(p);
  }

  addRule(p: OpenFlowPluginState, r: Rule): boolean {
    if (!accepts(p, r)) return false;
    let fm = this.ruleToFlowMod(p, r);
    for (const match of entityToMatches(p, r.entity)) {
      if (!this.of.flowMod(p.of_controller, match, fm)) {
        this.nc.ruleError(r, p, FLOW_MOD_ERROR);
        continue;
      }
      this.messages.set(messageKey(r.cid, fm.command), entry(p, r));
      // The next match's flow mod: the next cookie.
      fm = { ...fm, cookie: fm.cookie + 1 };
    }
    return true;
  }

  removeRule(p: OpenFlowPluginState, r: Rule): boolean {
    if (!accepts(p, r)) return false;
    // A delete matching everything of the rule's cookie (the switch's flows are found by cookie).
    const fm = ofpFlowMod({ cookie: this.of.generateCookie(r.cid * 2), command: DELETE });
    if (!this.of.flowMod(p.of_controller, {}, fm)) {
      this.nc.ruleError(r, p, FLOW_MOD_ERROR);
      return false;
    }
    this.messages.set(messageKey(r.cid, fm.command), entry(p, r));
    if (twoPart(r)) this.of.flowMod(p.of_controller, {}, { ...fm, cookie: fm.cookie + 1 });
    return true;
  }

  /** A rule's first flow mod: Zeek's priorities, cookie and timeouts, the actions of its type. */
  private ruleToFlowMod(p: OpenFlowPluginState, r: Rule): OfpFlowMod {
    const c = p.of_config;
    const fm = ofpFlowMod({
      // cid*2: room for the second flow mod of a two-part rule.
      cookie: this.of.generateCookie(r.cid * 2),
      command: ADD,
      idle_timeout: c.idle_timeout,
      priority: r.priority + c.priority_offset,
      // The switch tells when the flow is gone.
      flags: OFPFF_SEND_FLOW_REM,
    });
    if (r.expire !== undefined) fm.hard_timeout = Math.trunc(r.expire);
    if (c.table_id !== undefined) fm.table_id = c.table_id;
    setActions(fm, r);
    return c.flow_mod_pred?.(p, r, fm) ?? fm;
  }

  // ---------------------------------------------------------------- the controller's answers

  /** The rule a flow mod's cookie belongs to (cid = uid / 2), or null for a cookie not the framework's. */
  private cidOf(cookie: number): number | null {
    const uid = this.of.getCookieUid(cookie);
    return uid === null ? null : Math.floor(uid / 2);
  }

  /** The rule waiting for the answer to `fm` (found by its cookie's cid and its command), with its table key. */
  private waiting(fm: OfpFlowMod): { readonly cid: number; readonly key: string; readonly e: OfEntry } | null {
    const cid = this.cidOf(fm.cookie);
    if (cid === null) return null;
    const key = messageKey(cid, fm.command);
    const e = this.messages.get(key);
    return e === undefined ? null : { cid, key, e };
  }

  private succeeded(fm: OfpFlowMod, msg: string): void {
    const w = this.waiting(fm);
    if (w === null) return;
    const { p, r } = w.e;
    // A two-part rule is in place (or gone) once both flow mods are.
    if (twoPart(r) && ++w.e.c < 2) return;
    this.messages.delete(w.key);
    if (p.of_controller.supportsFlowRemoved) this.flows.set(w.cid, entry(p, r));
    if (fm.command === ADD) this.nc.ruleAdded(r, p, msg);
    else if (fm.command === DELETE || fm.command === "OpenFlow::OFPFC_DELETE_STRICT") this.nc.ruleRemoved(r, p, msg);
  }

  private failed(fm: OfpFlowMod, msg: string): void {
    const w = this.waiting(fm);
    if (w === null) return;
    this.messages.delete(w.key);
    this.nc.ruleError(w.e.r, w.e.p, msg);
  }

  /**
   * The switch dropped a rule's flow: the rule timed out. For a two-part
   * rule, at the second flow; its duration is then half the second's, its
   * counts the second's (Zeek averages with an entry it never fills).
   */
  private removed(cookie: number, durationSec: number, packets: number, bytes: number): void {
    const cid = this.cidOf(cookie);
    if (cid === null) return;
    const e = this.flows.get(cid);
    if (e === undefined) return;
    if (!twoPart(e.r)) {
      this.nc.ruleTimeout(e.r, { duration: durationSec, packet_count: packets, byte_count: bytes }, e.p);
      return;
    }
    if (++e.c < 2) return;
    const info = { duration: (e.duration_sec + durationSec) / 2, packet_count: packets + e.packet_count, byte_count: bytes + e.byte_count };
    this.nc.ruleTimeout(e.r, info, e.p);
  }

  private activated(name: string): void {
    const p = this.instances.get(name);
    if (p !== undefined) this.nc.pluginActivated(p);
  }
}

function messageKey(cid: number, command: string): string {
  return `${cid}\t${command}`;
}

/** Whether the plugin handles the rule: check_pred when given, else the rule's target must be one the configuration accepts. */
function accepts(p: OpenFlowPluginState, r: Rule): boolean {
  const c = p.of_config;
  if (c.check_pred !== undefined) return c.check_pred(p, r);
  return (r.target === "NetControl::MONITOR" && c.monitor) || (r.target === "NetControl::FORWARD" && c.forward);
}

/** What a rule of each type does with the packets: drop (no output), the switch's normal path, rewritten, or out of one port. */
function setActions(fm: OfpFlowMod, r: Rule): void {
  const a = fm.actions;
  switch (r.ty) {
    case "NetControl::DROP":
      return;
    case "NetControl::WHITELIST":
      a.out_ports = [OFPP_NORMAL];
      return;
    case "NetControl::REDIRECT":
      a.out_ports = r.out_port === undefined ? [] : [r.out_port];
      return;
    case "NetControl::MODIFY": {
      const m = r.mod ?? {};
      a.out_ports = [m.redirect_port ?? OFPP_NORMAL];
      if (m.src_h !== undefined) a.nw_src = m.src_h;
      if (m.dst_h !== undefined) a.nw_dst = m.dst_h;
      if (m.src_m !== undefined) a.dl_src = m.src_m;
      if (m.dst_m !== undefined) a.dl_dst = m.dst_m;
      if (m.src_p !== undefined) a.tp_src = m.src_p;
      if (m.dst_p !== undefined) a.tp_dst = m.dst_p;
    }
  }
}

/** The port number and transport of "53/udp". */
function splitPort(p: string): [number, string] {
  const slash = p.indexOf("/");
  return [Number(p.slice(0, slash)), p.slice(slash + 1)];
}

/** A flow entity's one match: each end given sets its fields (the destination's family and protocol win over the source's). */
function flowMatch(e: Entity): OfpMatch {
  const f = e.flow ?? {};
  const m: OfpMatch = {};
  if (f.src_m !== undefined) m.dl_src = f.src_m;
  if (f.dst_m !== undefined) m.dl_dst = f.dst_m;
  if (f.src_h !== undefined) [m.dl_type, m.nw_src] = [dlType(f.src_h), f.src_h];
  if (f.dst_h !== undefined) [m.dl_type, m.nw_dst] = [dlType(f.dst_h), f.dst_h];
  if (f.src_p !== undefined) {
    const [port, transport] = splitPort(f.src_p);
    [m.nw_proto, m.tp_src] = [transportProto(transport), port];
  }
  if (f.dst_p !== undefined) {
    const [port, transport] = splitPort(f.dst_p);
    [m.nw_proto, m.tp_dst] = [transportProto(transport), port];
  }
  return m;
}

/** The matches of an entity: both directions of a connection, an address or MAC address as source and as destination, a flow as it is. */
function entityToMatches(p: OpenFlowPluginState, e: Entity): OfpMatch[] {
  const m = matchesOf(e);
  return p.of_config.match_pred?.(p, e, m) ?? m;
}

function matchesOf(e: Entity): OfpMatch[] {
  switch (e.ty) {
    case "NetControl::CONNECTION":
      return e.conn === undefined ? [] : [matchConn(e.conn, false), matchConn(e.conn, true)];
    case "NetControl::MAC":
      return [{ dl_src: e.mac }, { dl_dst: e.mac }];
    case "NetControl::ADDRESS": {
      const ip = e.ip ?? "";
      return [
        { dl_type: dlType(ip), nw_src: ip },
        { dl_type: dlType(ip), nw_dst: ip },
      ];
    }
    case "NetControl::FLOW":
      return [flowMatch(e)];
  }
}

/** Each framework's backend. */
const backends = new WeakMap<NetControl, OpenFlowBackend>();

function backend(nc: NetControl): OpenFlowBackend {
  let b = backends.get(nc);
  if (b === undefined) backends.set(nc, (b = new OpenFlowBackend(nc)));
  return b;
}

/**
 * NetControl::create_openflow: a plugin instance sending rules to
 * `controller` (made with the OpenFlow framework, e.g.
 * `openflow.logNew(42)`), named "Openflow-" and the controller's
 * description; activate it with NetControl's activate.
 */
export function createOpenflow(nc: NetControl, controller: Controller, config: Partial<OfConfig> = {}): OpenFlowPluginState {
  const b = backend(nc);
  const plugin: NetControlPlugin = {
    name: () => `Openflow-${controller.describe(controller.state)}`,
    canExpire: true,
    init: () => b.init(state),
    addRule: (_p, r) => b.addRule(state, r),
    removeRule: (_p, r) => b.removeRule(state, r),
  };
  const of_config: OfConfig = { monitor: true, forward: true, idle_timeout: 0, priority_offset: 0, ...config };
  const state: OpenFlowPluginState = { plugin, config: new Map(), _priority: 0, _activated: false, of_controller: controller, of_config };
  return state;
}
