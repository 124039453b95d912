/**
 * policy/misc/loaded-scripts: Zeek's loading rules on a tiny tree made here
 * (a file loaded once, @load depth, a directory's __load__.zeek, order,
 * ZEEKPATH), and loaded_scripts.log with its zeek_script_loaded events on
 * Zeek's own tree (zeek-script-files.ts).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Engine } from "../../src/engine.js";
import { loadBuiltinScripts } from "../../src/index.js";
import { findScriptFile, loadOrder, type ScriptFiles, zeekLoadedScripts } from "../../src/scripts/loaded-scripts.js";
import { ZEEK_SCRIPT_FILES } from "../../src/scripts/zeek-script-files.js";
import { memorySource } from "../helpers/packets.js";

/** A tree with a cycle (a ↔ b), a directory package, loads of one build only (+ Spicy, - without), a policy script and site/local. */
const TREE: ScriptFiles = {
  "base/init-bare.zeek": "./a.zeek ./pkg/__load__.zeek +./spicy.zeek -./legacy.zeek",
  "base/spicy.zeek": "base/leaf.zeek",
  "base/legacy.zeek": "",
  "base/a.zeek": "base/b.zeek",
  "base/b.zeek": "base/a.zeek",
  "base/pkg/__load__.zeek": "./main.zeek base/b.zeek ./extra.zeek",
  "base/pkg/main.zeek": "",
  "base/pkg/extra.zeek": "",
  "policy/misc/x.zeek": "base/a.zeek base/leaf.zeek",
  "base/leaf.zeek": "",
  "site/local.zeek": "policy/misc/x.zeek",
  // A file and a directory of one name: Zeek's search takes name.zeek first.
  "base/both.zeek": "",
  "base/both/__load__.zeek": "",
};

const shown = (rows: readonly { file: string; level: number }[]) => rows.map((r) => `${r.level} ${r.file}`);

test("loadOrder: depth first from each root in turn, a file once only (where first loaded), depth counted from its root", () => {
  assert.deepEqual(shown(loadOrder(TREE, ["base/init-bare.zeek", "site/local.zeek"])), [
    "0 base/init-bare.zeek",
    "1 base/a.zeek",
    "2 base/b.zeek", // b's @load of a: already loaded, nothing
    "1 base/pkg/__load__.zeek",
    "2 base/pkg/main.zeek",
    "2 base/pkg/extra.zeek", // base/b.zeek before it: already loaded
    "1 base/legacy.zeek", // without Spicy (the default): not base/spicy.zeek
    "0 site/local.zeek",
    "1 policy/misc/x.zeek",
    "2 base/leaf.zeek",
  ]);
});

test("loadOrder: a Spicy build's loads (+x) instead of those without Spicy (-x); what they load comes where they do", () => {
  assert.deepEqual(shown(loadOrder(TREE, ["base/init-bare.zeek", "site/local.zeek"], true)).slice(6), [
    "1 base/spicy.zeek",
    "2 base/leaf.zeek",
    "0 site/local.zeek",
    "1 policy/misc/x.zeek", // its base/leaf.zeek was loaded by base/spicy.zeek
  ]);
});

test("loadOrder: a root loaded already by an earlier one writes nothing; a root named twice once", () => {
  assert.deepEqual(shown(loadOrder(TREE, ["base/a.zeek", "base/b.zeek", "base/a.zeek"])), ["0 base/a.zeek", "1 base/b.zeek"]);
});

test("findScriptFile: ZEEKPATH (share/zeek, policy/, site/), name.zeek before a directory's __load__.zeek, a .zeek name as given", () => {
  const cases: [name: string, file: string | null][] = [
    ["misc/x", "policy/misc/x.zeek"],
    ["local", "site/local.zeek"],
    ["base/pkg", "base/pkg/__load__.zeek"],
    ["base/pkg/", "base/pkg/__load__.zeek"],
    ["base/both", "base/both.zeek"],
    ["base/leaf.zeek", "base/leaf.zeek"],
    ["base/nothing", null],
  ];
  for (const [name, file] of cases) assert.equal(findScriptFile(TREE, name), file, name);
});

test("zeekLoadedScripts: Zeek's start-up files first, init-default only without -b, the named scripts after, -f's packet filter last", () => {
  const bare = zeekLoadedScripts({ bare: true, loads: ["misc/loaded-scripts"] });
  const full = zeekLoadedScripts({ bare: false, loads: ["misc/loaded-scripts"] });
  const roots = (rows: readonly { file: string; level: number }[]) => rows.filter((r) => r.level === 0).map((r) => r.file);
  assert.equal(bare[0]?.file, "base/init-bare.zeek");
  assert.ok(!roots(bare).includes("base/init-default.zeek"));
  assert.ok(roots(full).includes("base/init-default.zeek"));
  assert.equal(roots(full).at(-1), "policy/misc/loaded-scripts.zeek");
  assert.ok(full.length > bare.length);
  // In the bare run the packet filter's main script is loaded only because of -f, after the named script.
  const filtered = zeekLoadedScripts({ bare: true, loads: ["misc/loaded-scripts"], captureFilter: true });
  assert.ok(!bare.some((r) => r.file === "base/frameworks/packet-filter/main.zeek"));
  const at = (file: string) => filtered.findIndex((r) => r.file === file);
  assert.equal(filtered[at("base/frameworks/packet-filter/main.zeek")]?.level, 0);
  assert.ok(at("base/frameworks/packet-filter/main.zeek") > at("policy/misc/loaded-scripts.zeek"));
  for (const rows of [bare, full, filtered]) assert.equal(new Set(rows.map((r) => r.file)).size, rows.length, "a file listed twice");
});

test("zeek-script-files.ts: every load names a file of the tree (no dangling load), with Spicy or without", () => {
  for (const spicy of [false, true]) {
    const all = zeekLoadedScripts({ bare: false, loads: ["test-all-policy", "local"], spicy });
    for (const { file } of all) assert.ok(Object.hasOwn(ZEEK_SCRIPT_FILES, file), `${file} is not in the tree`);
  }
});

test("zeekLoadedScripts: Spicy's framework and bif file only in a Spicy build; the legacy Finger analyzer's bif file only without", () => {
  const files = (spicy: boolean) => new Set(zeekLoadedScripts({ bare: false, loads: [], spicy }).map((r) => r.file));
  const [without, spicy] = [files(false), files(true)];
  for (const f of ["base/frameworks/spicy/init-bare.zeek", "base/bif/spicy.bif.zeek", "base/protocols/ldap/main.zeek"]) {
    assert.ok(spicy.has(f) && !without.has(f), f);
  }
  assert.ok(without.has("base/bif/plugins/Zeek_Finger.events.bif.zeek") && !spicy.has("base/bif/plugins/Zeek_Finger.events.bif.zeek"));
  // LDAP's __load__.zeek itself is loaded either way (its loads are inside @if ( have_spicy_analyzers() )).
  assert.ok(without.has("base/protocols/ldap/__load__.zeek"));
});

/** A run without packets; `settings` as on the command line. */
async function run(loads: string[], bare: boolean, settings: string[] = []) {
  const engine = new Engine({ bare, loads, settings });
  const events: string[] = [];
  engine.on("zeek_init", () => events.push("zeek_init"));
  engine.on("zeek_script_loaded", (path, level) => events.push(`${level} ${path}`));
  const scripts = loadBuiltinScripts(engine, { memory: true, bare, loads, stderr: null });
  await engine.run(memorySource([]));
  const written = scripts.logs.written().includes("loaded_scripts");
  const rows = written
    ? scripts.logs
        .text("loaded_scripts")
        .split("\n")
        .filter((l) => l !== "" && !l.startsWith("#"))
    : [];
  return {
    rows,
    events,
    header: written
      ? scripts.logs
          .text("loaded_scripts")
          .split("\n")
          .filter((l) => l.startsWith("#"))
      : [],
  };
}

test("loaded_scripts.log: column name, a row per zeek_script_loaded event (after zeek_init), indented two spaces per level, under LoadedScripts::prefix", async () => {
  const { rows, events, header } = await run(["misc/loaded-scripts"], true);
  assert.ok(header.includes("#fields\tname") && header.includes("#path\tloaded_scripts"));
  assert.equal(events[0], "zeek_init");
  const expected = zeekLoadedScripts({ bare: true, loads: ["misc/loaded-scripts"] });
  assert.deepEqual(
    rows,
    expected.map(({ file, level }) => `${"  ".repeat(level)}/usr/local/zeek/share/zeek/${file}`),
  );
  assert.deepEqual(
    events.slice(1),
    expected.map(({ file, level }) => `${level} /usr/local/zeek/share/zeek/${file}`),
  );
  const other = await run(["misc/loaded-scripts"], true, ["LoadedScripts::prefix=/opt/zeek/share/zeek/"]);
  assert.equal(other.rows[0], "/opt/zeek/share/zeek/base/init-bare.zeek");
  const none = await run(["misc/loaded-scripts"], true, ["LoadedScripts::prefix="]);
  assert.equal(none.rows[0], "base/init-bare.zeek");
});

test("loaded_scripts.log: a named script bronze does not implement is listed; site/local lists loaded-scripts itself; no log when not loaded", async () => {
  const { rows } = await run(["local", "policy/misc/dump-events"], false);
  assert.ok(rows.includes("/usr/local/zeek/share/zeek/policy/misc/dump-events.zeek"));
  assert.ok(rows.includes("  /usr/local/zeek/share/zeek/policy/misc/loaded-scripts.zeek"));
  assert.ok(rows.includes("/usr/local/zeek/share/zeek/site/local.zeek"));
  // Without the script: no log, but a handler of the user's still gets the events.
  const without = await run(["misc/stats"], true);
  assert.deepEqual(without.rows, []);
  assert.ok(without.events.includes("0 /usr/local/zeek/share/zeek/policy/misc/stats.zeek"));
});
