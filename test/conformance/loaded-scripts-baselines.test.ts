/**
 * loaded_scripts.log against Zeek's coverage baselines: `zeek -b
 * misc/loaded-scripts` (coverage/bare-load-baseline) and `zeek
 * misc/loaded-scripts` (coverage/default-load-baseline), run by bronze with
 * the same command lines and canonified as those btests do: the rows'
 * common prefix removed, the platform's plugins (AF_Packet, JavaScript,
 * PacketSourceUDP) left out. Zeek's btests run in its build tree, where a
 * script lives under scripts/ and a generated one (bif files) under
 * build/scripts/; installed, both are under share/zeek, as bronze names
 * them: those two prefixes are folded into one before comparing.
 */
import assert from "node:assert/strict";
import { type TestContext, test } from "node:test";
import { Engine } from "../../src/engine.js";
import { loadBuiltinScripts } from "../../src/index.js";
import { oracleMissing } from "../helpers/corpus.js";
import { memorySource } from "../helpers/packets.js";
import { zeekSource } from "../signatures/btest-harness.js";

const NO_SOURCE = "Zeek's source not found (set BRONZE_ZEEK_SOURCE to a checkout or bare repository of zeek/zeek): loaded_scripts.log is not compared";
const PLATFORM_PLUGINS = /Zeek_(AF_Packet|JavaScript|PacketSourceUDP)/;

/** The longest prefix all `lines` share (the btests' sed loop), leading spaces not counted. */
function commonPrefix(lines: readonly string[]): string {
  const trimmed = lines.map((l) => l.trimStart());
  let prefix = trimmed[0] ?? "";
  for (const l of trimmed) while (!l.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix;
}

/** The btests' canonification of a loaded_scripts.log's rows: common prefix off, platform plugins out. */
function canonified(rows: readonly string[]): string[] {
  const prefix = commonPrefix(rows);
  return rows.map((r) => r.replace(prefix, "")).filter((r) => !PLATFORM_PLUGINS.test(r));
}

/** A baseline's rows in the installed layout: scripts/X and build/scripts/X are both X. */
function baselineRows(text: string): string[] {
  return text
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => l.replace(/^( *)(build\/)?scripts\//, "$1"));
}

/** bronze's loaded_scripts.log rows for `zeek [-b] misc/loaded-scripts`. */
async function bronzeRows(bare: boolean): Promise<string[]> {
  const loads = ["misc/loaded-scripts"];
  // The baselines' Zeek is built with Spicy (their @TEST-REQUIRES: have-spicy).
  const engine = new Engine({ bare, loads, spicy: true });
  const scripts = loadBuiltinScripts(engine, { memory: true, bare, loads, stderr: null });
  await engine.run(memorySource([]));
  return scripts.logs
    .text("loaded_scripts")
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("#"));
}

async function compare(t: TestContext, bare: boolean, baseline: string): Promise<void> {
  const zeek = zeekSource();
  if (zeek === null) return oracleMissing(t, NO_SOURCE);
  const expected = baselineRows(zeek.read(`testing/btest/Baseline/${baseline}/canonified_loaded_scripts.log`));
  const got = canonified(await bronzeRows(bare));
  const same = expected.filter((row, i) => got[i] === row).length;
  t.diagnostic(`${baseline}: ${same} of ${expected.length} rows match (bronze wrote ${got.length})`);
  assert.deepEqual(got, expected);
}

test("loaded_scripts.log, zeek -b misc/loaded-scripts: Zeek's coverage.bare-load-baseline", (t) => compare(t, true, "coverage.bare-load-baseline"));

test("loaded_scripts.log, zeek misc/loaded-scripts: Zeek's coverage.default-load-baseline", (t) => compare(t, false, "coverage.default-load-baseline"));
