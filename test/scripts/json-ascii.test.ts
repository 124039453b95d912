/** The two log formats carry the same values: ASCII conn.log and JSON conn.log of one run agree column by column. */

import assert from "node:assert/strict";
import { test } from "node:test";
import { Engine } from "../../src/engine.js";
import { formatFixed6 } from "../../src/log/numbers.js";
import { loadBuiltinScripts } from "../../src/scripts/index.js";
import { closedConnection, rejectedAttempt } from "../cli/traces.js";
import { memorySource, type TestPacket } from "../helpers/packets.js";

async function connLog(packets: TestPacket[], json: boolean): Promise<string> {
  const engine = new Engine({ seed: [1, 2, 3, 4] });
  const scripts = loadBuiltinScripts(engine, { memory: true, json });
  await engine.run(memorySource(packets));
  return scripts.logs.text("conn");
}

test("ASCII and JSON conn.logs hold the same values", async () => {
  const packets = [...closedConnection("10.1.1.1", 5000, "93.184.216.34", 443, 1000.25), ...rejectedAttempt("172.16.0.9", 6000, "8.8.8.8", 25, 1002.5)];
  const ascii = (await connLog(packets, false)).split("\n");
  const json = (await connLog(packets, true))
    .trimEnd()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  const names = ascii
    .find((l) => l.startsWith("#fields\t"))!
    .split("\t")
    .slice(1);
  const types = ascii
    .find((l) => l.startsWith("#types\t"))!
    .split("\t")
    .slice(1);
  const rows = ascii.filter((l) => l !== "" && !l.startsWith("#")).map((l) => l.split("\t"));
  assert.equal(rows.length, 2);
  assert.equal(json.length, rows.length);
  rows.forEach((row, r) => {
    names.forEach((name, i) => {
      const value = json[r]![name];
      const text = row[i]!;
      if (text === "-") return assert.equal(value, undefined, `${name} unset in both`);
      if (types[i] === "time" || types[i] === "interval") return assert.equal(formatFixed6(value as number), text, name);
      if (types[i] === "bool") return assert.equal(value ? "T" : "F", text, name);
      assert.equal(String(value), text, name);
    });
  });
});
