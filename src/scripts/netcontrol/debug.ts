/**
 * Zeek's NetControl debug plugin (plugins/debug.zeek): it prints what it is
 * asked to do and reports success at once. create_debug(true) takes every
 * rule, create_debug(false) none; create_debug_exists reports every rule as
 * already in place, create_debug_error every addition as failed.
 */
import { describeRule } from "./describe.js";
import type { NetControl } from "./framework.js";
import type { NetControlPlugin, PluginState, Rule } from "./types.js";

/** How the plugin answers an addition. */
type Answer = "added" | "exists" | "error";

/** The line prefixes Zeek's functions print ("add_rule_exists: …"). */
const ADD_WORD: Record<Answer, string> = { added: "add_rule", exists: "add_rule_exists", error: "add_rule_error" };

function debugPlugin(nc: NetControl, answer: Answer): NetControlPlugin {
  const say = (p: PluginState, msg: string) => nc.print(`netcontrol debug (${p.config.get("name")}): ${msg}`);
  return {
    name: (p) => p.config.get("name") ?? "",
    canExpire: false,
    init(p) {
      say(p, "init");
      nc.pluginActivated(p);
    },
    done: (p) => say(p, "init"),
    addRule(p: PluginState, r: Rule): boolean {
      say(p, `${ADD_WORD[answer]}: ${describeRule(r)}`);
      if (p.config.get("all") !== "1") return false;
      if (answer === "added") nc.ruleAdded(r, p);
      else if (answer === "exists") nc.ruleExists(r, p);
      else nc.ruleError(r, p, "debug error");
      return true;
    },
    removeRule(p: PluginState, r: Rule, reason: string): boolean {
      say(p, `remove_rule (${reason}): ${describeRule(r)}`);
      nc.ruleRemoved(r, p);
      return true;
    },
  };
}

function state(plugin: NetControlPlugin, all: boolean, name: string): PluginState {
  return {
    plugin,
    config: new Map([
      ["all", all ? "1" : "0"],
      ["name", name],
    ]),
    _priority: 0,
    _activated: false,
  };
}

/** NetControl::create_debug: named "Debug-All" or "Debug-None" unless given a name. */
export function createDebug(nc: NetControl, doSomething: boolean, name = ""): PluginState {
  return state(debugPlugin(nc, "added"), doSomething, name !== "" ? name : `Debug-${doSomething ? "All" : "None"}`);
}

/** NetControl::create_debug_exists. */
export function createDebugExists(nc: NetControl, name: string): PluginState {
  return state(debugPlugin(nc, "exists"), true, name);
}

/** NetControl::create_debug_error. */
export function createDebugError(nc: NetControl, name: string): PluginState {
  return state(debugPlugin(nc, "error"), true, name);
}
