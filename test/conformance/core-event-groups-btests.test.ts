/**
 * Zeek's btests of event groups (testing/btest/core/event-groups: basic,
 * existence, hooks-basic, hooks-module, module, multi-group, runtime and
 * the four parts of errors), replayed with test/helpers/btest-replay: each
 * btest's commands are read from Zeek's source at test time (a zeek run
 * without a trace: zeek_init and zeek_done only), and its script has a
 * TypeScript twin whose handlers carry the groups its handlers declare
 * (`&group="g"` as `{ group: "g" }`, the module they are written in as
 * `{ module }`; GLOBAL's need none), its BIF calls the Engine's methods of
 * the same names, its own events and hooks registered here under names of
 * this suite. What it prints is compared with Zeek's baseline. Zeek's
 * source is the oracle: without it the tests skip, saying so.
 *
 * errors' lines are compared after taking Zeek's script location ("in
 * FILE, line N") and the call expression it quotes off its error lines:
 * a TypeScript twin has neither, bronze reports the message alone.
 *
 * Left out: none.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Engine } from "../../src/engine.js";
import { registerEvents } from "../../src/event/events.js";
import { coreBtestCase, readBtest, replayRun, type Twin } from "../helpers/btest-replay.js";
import { baselineLines, zeekSource } from "../signatures/btest-harness.js";

const zeek = zeekSource();
const WHAT = "its event-groups core btests";

/** The scripts' own events and hooks (runtime's e1, e2, e3, tick; the hooks' the_hook and HookModule::module_hook). */
interface EventGroupsBtestEvents {
  "EventGroupsBtest::e1": [c: number];
  "EventGroupsBtest::e2": [c: number];
  "EventGroupsBtest::e3": [c: number];
  "EventGroupsBtest::tick": [c: number];
}
declare module "../../src/event/events.js" {
  interface EventMap extends EventGroupsBtestEvents {}
}
declare module "../../src/event/hooks.js" {
  interface HookMap {
    "EventGroupsBtest::the_hook": [c: number];
    "EventGroupsBtest::module_hook": [c: number];
  }
}
registerEvents<EventGroupsBtestEvents>({
  "EventGroupsBtest::e1": true,
  "EventGroupsBtest::e2": true,
  "EventGroupsBtest::e3": true,
  "EventGroupsBtest::tick": true,
});

type Print = (...values: string[]) => void;

const tf = (b: boolean): string => (b ? "T" : "F");

/** basic: zeek_init disables my-group1; zeek_done's handler in it does not run, those without a group and in my-group2 do. */
const basic: Twin = (engine, print) => {
  engine.on("zeek_init", () => {
    print("zeek_init");
    engine.disableEventGroup("my-group1");
  });
  engine.on("zeek_done", () => print("FAIL: zeek_done with group my-group1"), { group: "my-group1" });
  engine.on("zeek_done", () => print("zeek_done without group"));
  engine.on("zeek_done", () => print("zeek_done with group my-group2"), { group: "my-group2" });
};

/** existence: has_event_group and has_module_events, each for its own kind of group only. */
const existence: Twin = (engine, print) => {
  engine.on("http_request", () => undefined, { module: "TestMyProtocol::Logging" });
  engine.on("http_request", () => undefined, { module: "TestMyProtocol", group: "test-my-protocol" });
  const expect = (msg: string, expected: boolean, actual: boolean): void =>
    print(`${expected === actual ? "PASS" : "FAIL"}: ${msg} (${tf(expected)} == ${tf(actual)})`);
  engine.on(
    "zeek_init",
    () => {
      expect("eg: has test-my-protocol", true, engine.hasEventGroup("test-my-protocol"));
      expect("eg: has not test-my-protocol-nope", false, engine.hasEventGroup("test-my-protocol-nope"));
      expect("eg: has not eg TestMyProtocol::Logging", false, engine.hasEventGroup("TestMyProtocol::Logging"));
      expect("me: has TestMyProtocol::Logging", true, engine.hasModuleEvents("TestMyProtocol::Logging"));
      expect("me: has not test-my-protocol", false, engine.hasModuleEvents("test-my-protocol"));
    },
    { module: "Test" },
  );
};

/** hooks-basic: the_hook's handlers in my-group1 (one of them in my-group2 too) stop once my-group1 is disabled. */
const hooksBasic: Twin = (engine, print) => {
  const hook = "EventGroupsBtest::the_hook";
  engine.on("zeek_init", () => {
    engine.runHook(hook, 1);
    print("=== disable_event_group(my-group1)");
    engine.disableEventGroup("my-group1");
    engine.runHook(hook, 2);
  });
  engine.onHook(hook, (c) => void print("the_hook without group", String(c)));
  engine.onHook(hook, (c) => void print("the_hook with my-group1", String(c)), { group: "my-group1" });
  engine.onHook(hook, (c) => void print("the_hook with my-group2", String(c)), { group: "my-group2" });
  engine.onHook(hook, (c) => void print("the_hook with my-group1 and my-group2", String(c)), { group: ["my-group1", "my-group2"] });
};

/** hooks-module: disable_module_events(MyModule) stops MyModule's hook handler and its zeek_done. */
const hooksModule: Twin = (engine, print) => {
  const hook = "EventGroupsBtest::module_hook";
  engine.onHook(hook, (c) => void print("HookModule::module_hook in MyModule", String(c)), { module: "MyModule" });
  engine.on("zeek_done", () => print("FAIL: zeek_done in MyModule"), { module: "MyModule" });
  engine.onHook(hook, (c) => void print("HookModule::module_hook in MyOtherModule", String(c)), { module: "MyOtherModule" });
  engine.on("zeek_done", () => print("zeek_done in MyOtherModule"), { module: "MyOtherModule" });
  engine.onHook(hook, (c) => void print("HookModule::module_hook in GLOBAL", String(c)));
  engine.on("zeek_init", () => {
    engine.runHook(hook, 1);
    print("=== disable_module_events(MyModule)");
    engine.disableModuleEvents("MyModule");
    engine.runHook(hook, 2);
  });
  engine.on("zeek_done", () => print("zeek_done in global"));
};

/** module: MyModule's handlers (in both of its blocks) and My::Nested::Module's stop; &group="MyModule" is another group. */
const moduleGroups: Twin = (engine, print) => {
  engine.on("zeek_done", () => print("FAIL: zeek_done within MyModule"), { module: "MyModule" });
  engine.on("zeek_done", () => print("FAIL: zeek_done within My::Nested::Module"), { module: "My::Nested::Module" });
  engine.on("zeek_done", () => print("zeek_done within MyOtherModule"), { module: "MyOtherModule" });
  engine.on("zeek_done", () => print("zeek_done within MyOtherModule (&group=MyModule)"), { module: "MyOtherModule", group: "MyModule" });
  engine.on("zeek_init", () => {
    print("zeek_init");
    engine.disableModuleEvents("MyModule");
    engine.disableModuleEvents("My::Nested::Module");
  });
  engine.on("zeek_done", () => print("FAIL: Another zeek_done() within MyModule"), { module: "MyModule" });
};

/** multi-group: with my-group2 disabled, only the handlers outside it run. */
const multiGroup: Twin = (engine, print) => {
  engine.on("zeek_init", () => {
    print("zeek_init");
    engine.disableEventGroup("my-group2");
  });
  engine.on("zeek_done", () => print("FAIL: zeek_done with group my-group1, my-group2"), { group: ["my-group1", "my-group2"] });
  engine.on("zeek_done", () => print("FAIL: zeek_done with group my-group2, my-group1"), { group: ["my-group2", "my-group1"] });
  engine.on("zeek_done", () => print("FAIL: zeek_done with group my-group2"), { group: "my-group2" });
  engine.on("zeek_done", () => print("zeek_done with group my-group1"), { group: "my-group1" });
  engine.on("zeek_done", () => print("zeek_done without groups"));
};

/** runtime's handlers of e1, e2 and e3 (`print c, "e1-no-group"`), in its order. */
function runtimeEvents(engine: Engine, print: Print): void {
  const printer = (label: string) => (c: number) => print(String(c), label);
  engine.on("EventGroupsBtest::e1", printer("e1-no-group"));
  engine.on("EventGroupsBtest::e2", printer("e2-no-group"));
  engine.on("EventGroupsBtest::e1", printer("e1-group1"), { group: "group1" });
  engine.on("EventGroupsBtest::e2", printer("e2-group1"), { group: "group1" });
  engine.on("EventGroupsBtest::e3", printer("e3-group2"), { group: "group2" });
}

/** runtime: tick counts down from 5, raising e1, e2 and e3; group1 is disabled at 4 and enabled again at 1, after the events are raised. */
const runtime: Twin = (engine, print) => {
  runtimeEvents(engine, print);
  engine.on("EventGroupsBtest::tick", (c) => {
    engine.raise("EventGroupsBtest::e1", c);
    engine.raise("EventGroupsBtest::e2", c);
    engine.raise("EventGroupsBtest::e3", c);
    if (c === 4) {
      print("disable group1");
      engine.disableEventGroup("group1");
    }
    if (c === 1) {
      print("enable group1");
      engine.enableEventGroup("group1");
    }
    if (c - 1 > 0) engine.raise("EventGroupsBtest::tick", c - 1);
  });
  engine.on("zeek_init", () => engine.raise("EventGroupsBtest::tick", 5));
};

/** Each btest of core/event-groups (errors aside): what it shows, its twin. */
const BTESTS: Readonly<Record<string, readonly [string, Twin]>> = {
  basic: ["a disabled group's zeek_done handler does not run", basic],
  existence: ["has_event_group and has_module_events by kind", existence],
  "hooks-basic": ["hook handlers in a disabled group are skipped", hooksBasic],
  "hooks-module": ["a disabled module's hook and event handlers are skipped", hooksModule],
  module: ["module groups, distinct from attribute groups of the same name", moduleGroups],
  "multi-group": ["a handler in several groups runs only while all are enabled", multiGroup],
  runtime: ["groups switched between events raised and dispatched", runtime],
};

for (const [name, [what, twin]] of Object.entries(BTESTS)) {
  const path = `event-groups/${name}`;
  test(`Zeek's btest core/${path}: ${what}, as Zeek's baseline`, coreBtestCase(zeek, WHAT, path, twin));
}

/** errors' four parts: each calls one BIF on a group no handler names, and prints what it answered. */
const ERROR_PARTS: readonly { call: (engine: Engine) => boolean; label: string }[] = [
  { call: (e) => e.enableEventGroup("my-group"), label: "enable non existing event group" },
  { call: (e) => e.disableEventGroup("my-group"), label: "disable non existing event group" },
  { call: (e) => e.enableModuleEvents("MyModule"), label: "enabling non existing module event group" },
  { call: (e) => e.disableModuleEvents("MyModule"), label: "disable non existing module event group" },
];

/** Zeek's error line without its script location and the call expression it quotes, as bronze's reporter prints the message. */
const unlocated = (line: string): string => line.replace(/^error in .*, line \d+: (.*) \(\w+\([^()]*\)\)$/, "error: $1");

for (const [part, { call, label }] of ERROR_PARTS.entries()) {
  test(`Zeek's btest core/event-groups/errors (part ${part + 1}): ${label}: an error and F`, async (t) => {
    const b = readBtest(t, { zeek, dir: "testing/btest/core/event-groups", what: WHAT }, "errors", part);
    if (b === null) return;
    const run = b.steps.find((s) => s.kind === "zeek")?.run;
    assert.ok(run !== undefined && run.stderrToStdout === true, "errors runs zeek with 2>&1");
    const twin: Twin = (engine, print) => engine.on("zeek_init", () => print(label, tf(call(engine))));
    const files = await replayRun(b, run, twin);
    const ours = (files.get(run.stdout) ?? "").trimEnd().split("\n");
    assert.deepEqual(
      ours.map((l) => l.replace(/^bronze: /, "")),
      baselineLines(b.zeek, `${b.baseline}/output`).map(unlocated),
    );
  });
}
