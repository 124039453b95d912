/**
 * The telemetry framework through the command line: a script's metrics from
 * context.telemetry in telemetry.log, the settings as Zeek redefs, a bad
 * definition as one error line.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { bronze, oneErrorLine, withDir } from "./run-cli.js";
import { sampleTrace } from "./traces.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = [resolve(here, "../.."), resolve(here, "../../..")].find((d) => existsSync(join(d, "examples")))!;

/** The sample trace and a script (after an import of bronze's Engine and ScriptContext types) in `dir`. */
function traceAndScript(dir: string, body: string): { trace: string; script: string } {
  const trace = join(dir, "t.pcap");
  writeFileSync(trace, sampleTrace());
  const script = join(dir, "metrics.ts");
  writeFileSync(script, `import type { Engine, ScriptContext } from ${JSON.stringify(join(root, "src", "index.js"))};\n${body}`);
  return { trace, script };
}

test(
  "a script's counter in telemetry.log, by context.telemetry, with frameworks/telemetry/log",
  withDir(async (dir) => {
    const { trace, script } = traceAndScript(
      dir,
      `export default function (engine: Engine, { telemetry }: ScriptContext) {
  const cf = telemetry.registerCounterFamily({ prefix: "site", name: "conns", help_text: "Connections seen", label_names: ["proto"] });
  engine.on("new_connection", (c) => void telemetry.counterFamilyInc(cf, [c.id.transport]));
}
`,
    );
    const r = await bronze(["-r", trace, "--logdir", dir, "frameworks/telemetry/log", 'Telemetry::log_prefixes={"site"}', script]);
    assert.equal(r.code, 0, r.err);
    const rows = readFileSync(join(dir, "telemetry.log"), "utf8")
      .split("\n")
      .filter((l) => l !== "" && !l.startsWith("#"))
      .map((l) => l.split("\t"));
    const conns = readFileSync(join(dir, "conn.log"), "utf8")
      .split("\n")
      .filter((l) => l !== "" && !l.startsWith("#")).length;
    assert.ok(rows.length > 0 && rows.every((r) => r[1] === "zeek" && r[2] === "counter" && r[3] === "site_conns_total" && r[4] === "proto"));
    // The last report (at zeek_done) counts every connection of conn.log, by transport.
    const end = rows.at(-1)![0];
    const last = rows.filter((r) => r[0] === end);
    assert.equal(
      last.reduce((n, r) => n + Number(r[6]), 0),
      conns,
    );
  }),
);

test(
  "a metric name Zeek refuses is one error line, naming the script's line",
  withDir(async (dir) => {
    const { trace, script } = traceAndScript(
      dir,
      `export default function (engine: Engine, { telemetry }: ScriptContext) {
  telemetry.registerCounterFamily({ prefix: "site", name: "conns_total" });
}
`,
    );
    oneErrorLine(
      await bronze(["-r", trace, "--logdir", dir, script]),
      /^bronze: script .*metrics\.ts:3:\d+ failed while loading: Metric names cannot end with '_total'$/,
    );
  }),
);

test("Telemetry::metrics_port takes a TCP port as Zeek writes it", async () => {
  const r = await bronze(["-r", "x.pcap", "Telemetry::metrics_port=99999/tcp"]);
  assert.equal(r.code, 1);
  assert.match(r.err, /bad setting Telemetry::metrics_port=99999\/tcp: not a TCP port/);
});
