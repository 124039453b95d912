/**
 * Zeek's OpenFlow framework (base/frameworks/openflow, as a standalone node
 * runs it): controllers registered by name, flow mods and table clears
 * handed to the controller's plugin once it is active, and the cookie and
 * match helpers. What a switch answers comes back as the framework's events
 * (flow_mod_success, flow_mod_failure, flow_removed), raised by the plugins.
 *
 * One framework per engine, made when a script first asks for it: a run
 * that never does registers nothing and writes no openflow.log.
 */
import type { ConnId } from "../../event/records.js";
import type { LogManager } from "../../log/manager.js";
import { networkTime } from "../capture-loss.js";
import type { AnalyzerScriptHost } from "../host.js";
import type { NetControlConnId } from "../netcontrol/types.js";
import * as cookies from "./cookies.js";
import { logNew, OpenFlowLog } from "./log.js";
import { matchConn, ofpFlowMod } from "./records.js";
import type { Controller, OfpFlowModInput, OfpMatch, OpenFlowPluginType } from "./types.js";
// The framework's events are registered with its types.
import "./types.js";

/** What the framework writes and reports with. */
export interface OpenFlowDeps {
  readonly logs: LogManager;
  /** Reporter::error (registration mistakes). */
  readonly error?: (message: string) => void;
  /** Reporter::warning (cookies). */
  readonly warning?: (message: string) => void;
}

export class OpenFlow {
  /** Registered controllers by their unique name (Zeek's name_to_controller). */
  private readonly controllers = new Map<string, Controller>();
  /** openflow.log, for the log plugin. */
  readonly log: OpenFlowLog;

  constructor(
    readonly host: AnalyzerScriptHost,
    readonly deps: OpenFlowDeps,
  ) {
    this.log = new OpenFlowLog(host, deps.logs);
  }

  // ---------------------------------------------------------------- flow table changes

  /** OpenFlow::flow_mod: false when the controller is not active yet or cannot change flows; true when the change was handed on. */
  flowMod(controller: Controller, match: OfpMatch, flowMod: OfpFlowModInput): boolean {
    if (!controller.state._activated || controller.flowMod === undefined) return false;
    return controller.flowMod(controller.state, match, ofpFlowMod(flowMod));
  }

  /** OpenFlow::flow_clear: empties the controller's flow table; false when it is not active or cannot. */
  flowClear(controller: Controller): boolean {
    if (!controller.state._activated || controller.flowClear === undefined) return false;
    return controller.flowClear(controller.state);
  }

  // ---------------------------------------------------------------- controllers

  /**
   * OpenFlow::register_controller (the plugins' constructors call it): the
   * controller is named after its kind and `name`, then initialised; one
   * without an init is active at once.
   */
  registerController(kind: OpenFlowPluginType, name: string, controller: Controller): void {
    const unique = `${kind}${name}`;
    controller.state._name = unique;
    controller.state._plugin = kind;
    if (this.controllers.has(unique)) {
      this.deps.error?.(`OpenFlow Controller ${unique} was already registered. Ignored duplicate registration`);
      return;
    }
    this.controllers.set(unique, controller);
    if (controller.init !== undefined) controller.init(controller.state);
    else this.controllerInitDone(controller);
  }

  /** OpenFlow::controller_init_done: the controller is ready (raises OpenFlow::controller_activated). */
  controllerInitDone(controller: Controller): void {
    const name = controller.state._name ?? "";
    if (!this.controllers.has(name)) {
      this.deps.error?.(`Openflow initialized unknown plugin ${name} successfully?`);
      return;
    }
    controller.state._activated = true;
    this.host.raise("OpenFlow::controller_activated", name, controller);
  }

  /** OpenFlow::unregister_controller: forgets the controller and destroys it. */
  unregisterController(controller: Controller): void {
    // Zeek's message keeps its "%s": the script forgot the fmt().
    if (!this.controllers.delete(controller.state._name ?? "")) this.deps.error?.("OpenFlow Controller %s was not registered in unregister.");
    controller.destroy?.(controller.state);
  }

  /** OpenFlow::lookup_controller: the controller named `name`, in a one-element list, or an empty list. */
  lookupController(name: string): Controller[] {
    const c = this.controllers.get(name);
    return c === undefined ? [] : [c];
  }

  /** OpenFlow::log_new: a controller writing its flow mods to openflow.log (see log.ts). */
  logNew(dpid: number, successEvent = true): Controller {
    return logNew(this, dpid, successEvent);
  }

  // ---------------------------------------------------------------- helpers

  /** OpenFlow::match_conn: the match of a connection's one direction (originator to responder; the other with `reverse`). */
  matchConn(id: ConnId | NetControlConnId, reverse = false): OfpMatch {
    return matchConn(id, reverse);
  }

  /** OpenFlow::generate_cookie: the framework's cookie with unique id `uid` (32 bits at most; more is dropped with a warning). */
  generateCookie(uid = 0): number {
    return cookies.generateCookie(uid, this.deps.warning);
  }

  /** OpenFlow::get_cookie_uid: null (Zeek's INVALID_COOKIE, with a warning) for a cookie the framework did not make. */
  getCookieUid(cookie: number): number | null {
    return cookies.getCookieUid(cookie, this.deps.warning);
  }

  /** OpenFlow::get_cookie_gid: null (Zeek's INVALID_COOKIE, with a warning) for a cookie the framework did not make. */
  getCookieGid(cookie: number): number | null {
    return cookies.getCookieGid(cookie, this.deps.warning);
  }

  /** Zeek's network_time(): 0 before the first packet (bronze's clock holds a placeholder until then). */
  now(): number {
    return networkTime(this.host);
  }
}

/** Each engine's framework. */
const frameworks = new WeakMap<AnalyzerScriptHost, OpenFlow>();

/** The OpenFlow framework of `host` (one per engine), made on first use; `deps` are used when it is made. */
export function openFlowFramework(host: AnalyzerScriptHost, deps: OpenFlowDeps): OpenFlow {
  let of = frameworks.get(host);
  if (of === undefined) frameworks.set(host, (of = new OpenFlow(host, deps)));
  return of;
}
