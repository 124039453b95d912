/**
 * Event groups (src/event/groups.ts), each of Zeek's rules pinned on the bus,
 * the hooks and the engine: a disabled group's handlers do not run, a
 * handler in several groups runs only while all are enabled, attribute and
 * module groups of one name differ, an unknown group is an error, an event
 * whose handlers are all disabled is not wanted, and a switch takes effect
 * at the next handler of a dispatch under way.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import "../../src/analyzer/app/http/script.js";
import { Engine } from "../../src/engine.js";
import { EventBus } from "../../src/event/bus.js";
import { EventGroups } from "../../src/event/groups.js";
import { Hooks } from "../../src/event/hooks.js";
import type { FaFile } from "../../src/files/file.js";
import { loadBuiltinScripts } from "../../src/index.js";
import { fields } from "../../src/log/schema.js";
import type { PacketSource } from "../../src/source/raw-packet.js";

const FILE = {} as FaFile;

/** A bus and the names of the handlers that ran. */
function busWithLog(): { bus: EventBus; ran: string[] } {
  return { bus: new EventBus(), ran: [] };
}

test("a disabled attribute group's handlers do not run until it is enabled again; the others run", () => {
  const { bus, ran } = busWithLog();
  bus.on("zeek_done", () => void ran.push("none"));
  bus.on("zeek_done", () => void ran.push("g1"), { group: "g1" });
  bus.on("zeek_done", () => void ran.push("g2"), { group: "g2" });
  assert.equal(bus.groups.setEnabled("attribute", "g1", false), true);
  bus.raiseNow("zeek_done");
  assert.equal(bus.groups.setEnabled("attribute", "g1", true), true);
  bus.raiseNow("zeek_done");
  assert.deepEqual(ran, ["none", "g2", "none", "g1", "g2"]);
});

test("a handler in several groups runs only while every one of them is enabled (a group named twice counts once)", () => {
  const { bus, ran } = busWithLog();
  bus.on("zeek_done", () => void ran.push("g1+g2"), { group: ["g1", "g2", "g1"] });
  bus.on("zeek_done", () => void ran.push("g1"), { group: "g1" });
  bus.groups.setEnabled("attribute", "g2", false);
  bus.raiseNow("zeek_done");
  bus.groups.setEnabled("attribute", "g1", false);
  bus.groups.setEnabled("attribute", "g2", true);
  bus.raiseNow("zeek_done");
  bus.groups.setEnabled("attribute", "g1", true);
  bus.raiseNow("zeek_done");
  assert.deepEqual(ran, ["g1", "g1+g2", "g1"]);
});

test("a module group and an attribute group of the same name are different groups", () => {
  const { bus, ran } = busWithLog();
  bus.on("zeek_done", () => void ran.push("module M"), { module: "M" });
  bus.on("zeek_done", () => void ran.push("group M"), { group: "M", module: "Other" });
  bus.groups.setEnabled("module", "M", false);
  bus.raiseNow("zeek_done");
  assert.deepEqual(ran, ["group M"]);
  assert.equal(bus.groups.lookup("attribute", "Other"), undefined);
  assert.notEqual(bus.groups.lookup("module", "Other"), undefined);
});

test("a group exists once a handler names it, and only then: switching an unknown one is refused and creates nothing", () => {
  const groups = new EventGroups();
  assert.equal(groups.setEnabled("attribute", "g", false), false);
  assert.equal(groups.lookup("attribute", "g"), undefined);
  groups.join({ group: "g" }, () => undefined);
  assert.equal(groups.setEnabled("attribute", "g", false), true);
  assert.equal(groups.setEnabled("module", "g", false), false);
});

test("a handler joining a group already disabled starts disabled", () => {
  const { bus, ran } = busWithLog();
  bus.on("zeek_done", () => void ran.push("first"), { group: "g" });
  bus.groups.setEnabled("attribute", "g", false);
  bus.on("zeek_done", () => void ran.push("late"), { group: "g" });
  bus.raiseNow("zeek_done");
  assert.deepEqual(ran, []);
});

test("an event whose handlers are all disabled is not wanted (Zeek neither raises nor queues it); enabling one wants it again", () => {
  const { bus } = busWithLog();
  bus.on("new_connection", () => undefined, { group: "a" });
  bus.on("new_connection", () => undefined, { group: "b" });
  bus.groups.setEnabled("attribute", "a", false);
  assert.equal(bus.wants.new_connection, true);
  bus.groups.setEnabled("attribute", "b", false);
  assert.equal(bus.wants.new_connection, false);
  assert.equal(bus.has("new_connection"), false);
  bus.groups.setEnabled("attribute", "b", true);
  assert.equal(bus.wants.new_connection, true);
  assert.equal(bus.has("new_connection"), true);
});

test("an event queued while wanted runs only the handlers enabled when it is dispatched, and counts as called", () => {
  const { bus, ran } = busWithLog();
  bus.on("net_done", () => void ran.push("g"), { group: "g" });
  bus.queue("net_done", 1);
  bus.groups.setEnabled("attribute", "g", false);
  bus.drain();
  assert.deepEqual(ran, []);
  // Zeek's Event::Dispatch calls the handler (its invocation count rises), whose disabled body does not run.
  assert.equal(bus.handlerCalls().get("net_done"), 1);
});

test("a switch takes effect at the next handler of the dispatch under way (Zeek checks each body as it reaches it)", () => {
  const { bus, ran } = busWithLog();
  bus.on("zeek_done", () => {
    ran.push("switcher");
    bus.groups.setEnabled("attribute", "off", false);
    bus.groups.setEnabled("attribute", "on", true);
  });
  bus.on("zeek_done", () => void ran.push("off"), { group: "off", priority: -1 });
  bus.on("zeek_done", () => void ran.push("on"), { group: "on", priority: -2 });
  bus.groups.setEnabled("attribute", "on", false);
  bus.raiseNow("zeek_done");
  assert.deepEqual(ran, ["switcher", "on"]);
});

test("off() of a grouped handler keeps its group (Zeek never forgets one) and the others' slots in order", () => {
  const { bus, ran } = busWithLog();
  const a = (): void => void ran.push("a");
  bus.on("zeek_done", a, { group: "g" });
  bus.on("zeek_done", () => void ran.push("b"), { group: "h" });
  bus.on("zeek_done", () => void ran.push("c"));
  bus.off("zeek_done", a);
  bus.groups.setEnabled("attribute", "h", false);
  bus.raiseNow("zeek_done");
  assert.notEqual(bus.groups.lookup("attribute", "g"), undefined);
  assert.deepEqual(ran, ["c"]);
});

test("a disabled hook handler is skipped, cannot break, and a hook whose handlers are all disabled is true", () => {
  const groups = new EventGroups();
  const hooks = new Hooks(groups);
  const ran: string[] = [];
  hooks.on("HTTP::max_files_policy", () => void ran.push("plain"));
  hooks.on(
    "HTTP::max_files_policy",
    () => {
      ran.push("breaker");
      return false;
    },
    { group: "g", priority: 5 },
  );
  assert.equal(hooks.run("HTTP::max_files_policy", FILE, true), false);
  groups.setEnabled("attribute", "g", false);
  assert.equal(hooks.run("HTTP::max_files_policy", FILE, true), true);
  assert.deepEqual(ran, ["breaker", "plain"]);
  const alone = new Hooks(groups);
  alone.on("HTTP::max_files_policy", () => false, { module: "M" });
  groups.setEnabled("module", "M", false);
  assert.equal(alone.run("HTTP::max_files_policy", FILE, true), true);
});

/** A packet source with no packets: a run that is only zeek_init and zeek_done, as zeek without -r. */
const NO_PACKETS: PacketSource = { name: "-", run: async () => ({ packets: 0, truncated: null }) };

test("Engine: the BIFs' semantics (unknown groups an error and false, has_* by kind), events and hooks sharing groups, user handlers in GLOBAL", async () => {
  const engine = new Engine();
  const errors: string[] = [];
  const ran: string[] = [];
  engine.builtinErrors = (message) => void errors.push(message);
  engine.asBuiltinScripts(() => engine.on("zeek_done", () => void ran.push("built-in")));
  engine.on("zeek_done", () => void ran.push("global"));
  engine.on("zeek_done", () => void ran.push("M"), { module: "M" });
  engine.onHook("HTTP::max_files_policy", () => void ran.push("hook M"), { module: "M" });
  // What zeek_init's calls return (an assertion in a handler would only be reported).
  const answers: boolean[] = [];
  engine.on("zeek_init", () => {
    answers.push(engine.hasEventGroup("M"), engine.hasModuleEvents("M"), engine.hasModuleEvents("GLOBAL"));
    answers.push(engine.enableEventGroup("nope"), engine.disableModuleEvents("nope"), engine.disableModuleEvents("M"));
    answers.push(engine.runHook("HTTP::max_files_policy", FILE, true), engine.disableModuleEvents("GLOBAL"));
  });
  await engine.run(NO_PACKETS);
  assert.deepEqual(answers, [false, true, true, false, false, true, true, true]);
  // A handler registered while the built-in scripts load but outside any of their scripts is in no module group: GLOBAL's switch leaves it running.
  assert.deepEqual(ran, ["built-in"]);
  assert.deepEqual(errors, ["no such event group: nope", "no such event group: nope"]);
});

test("Log::Stream $event_groups: disabling a stream switches off the module and the attribute group of each name, enabling it switches them on; debug-logging's stream names its module", async () => {
  const engine = new Engine();
  const ran: string[] = [];
  const scripts = loadBuiltinScripts(engine, { memory: true, loads: ["frameworks/analyzer/debug-logging"] });
  scripts.logs.open({ path: "mine", fields: fields(["ts", "time"]), eventGroups: ["Mine", "Nothing::Named"] });
  const both = (name: string, options: { group?: string; module?: string }): void => {
    engine.on("zeek_init", () => void ran.push(`init ${name}`), { ...options, priority: -5 });
    engine.on("zeek_done", () => void ran.push(`done ${name}`), options);
  };
  both("attribute Mine", { group: "Mine" });
  both("module Mine", { module: "Mine" });
  both("module Analyzer::DebugLogging", { module: "Analyzer::DebugLogging" });
  both("other", { group: "Other" });
  // Disabled at the start of zeek_init, enabled again at its end.
  const streams = ["mine", "analyzer_debug"];
  engine.on("zeek_init", () => streams.forEach((s) => void scripts.logs.disableStream(s)), { priority: 10 });
  engine.on("zeek_init", () => streams.forEach((s) => void scripts.logs.enableStream(s)), { priority: -10 });
  await engine.run(NO_PACKETS);
  assert.deepEqual(ran, ["init other", "done attribute Mine", "done module Mine", "done module Analyzer::DebugLogging", "done other"]);
});
