/**
 * policy/integration/collective-intel: intel files' meta.cif_* columns read
 * into Intel::MetaData when the script is loaded (a confidence as Zeek's
 * reader reads a double, with its warnings), and intel.log's cif.* columns
 * after files.zeek's, from the last matching item as Zeek's loop leaves them.
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { Engine } from "../../../src/engine.js";
import { loadBuiltinScripts } from "../../../src/index.js";
import { intelFramework } from "../../../src/scripts/intel/framework.js";
import { META_EXTENSIONS, parseIntelFile } from "../../../src/scripts/intel/input.js";
import type { IntelMetaData } from "../../../src/scripts/intel/types.js";
import { bronze, withDir } from "../../cli/run-cli.js";
import { memorySource, writePcap } from "../../helpers/packets.js";
import { logRecords } from "../../helpers/tsv.js";
import { handshake, tcpTrace } from "../../session/harness.js";

const CIF = META_EXTENSIONS.filter((e) => e.script === "policy/integration/collective-intel");
const HEADER = "#fields\tindicator\tindicator_type\tmeta.source\tmeta.cif_tags\tmeta.cif_confidence\tmeta.cif_firstseen\n";

test("intel files: meta.cif_* columns fill the metadata when collective-intel is loaded; a confidence is read as Zeek reads a double", () => {
  const text = `${HEADER}a.example\tIntel::DOMAIN\tcif\tbotnet\t85\t2026-12-01\nb.example\tIntel::DOMAIN\tcif\t-\t42.5x\t-\nc.example\tIntel::DOMAIN\tcif\tx\thigh\t-\n`;
  const { items, warnings } = parseIntelFile("feed.dat", text, CIF);
  assert.deepEqual(
    items.map((i) => i.meta),
    [
      { source: "cif", cif_tags: "botnet", cif_confidence: 85, cif_firstseen: "2026-12-01" },
      { source: "cif", cif_confidence: 42.5 },
    ],
  );
  const at = "feed.dat/Input::READER_ASCII: feed.dat, line";
  assert.deepEqual(warnings, [
    `${at} 3: Number '42.5x' contained non-numeric trailing characters. Ignored trailing characters 'x'`,
    `${at} 4: Could not convert line 'c.example\tIntel::DOMAIN\tcif\tx\thigh\t-' of feed.dat to Val. Ignoring line.`,
    `${at} 4: String 'high' contained no parseable number`,
  ]);
  // Without the script the columns are not the record's: ignored.
  assert.deepEqual(parseIntelFile("feed.dat", text).items[0]!.meta, { source: "cif" });
});

/** intel.log's cif.* values of one match of `indicator` against items from `metas` (inserted in order). */
async function cifColumns(metas: IntelMetaData[]): Promise<Record<string, string>> {
  const loads = ["policy/integration/collective-intel"];
  const engine = new Engine({ bare: true, loads });
  const scripts = loadBuiltinScripts(engine, { memory: true, bare: true, loads, stderr: null });
  const intel = intelFramework(engine, { logs: scripts.logs });
  engine.on("zeek_init", () => {
    for (const meta of metas) intel.insert({ indicator: "evil.example", indicator_type: "Intel::DOMAIN", meta });
    intel.seen({ indicator: "evil.example", indicator_type: "Intel::DOMAIN", where: "Intel::IN_ANYWHERE" });
  });
  await engine.run(memorySource([]));
  scripts.close();
  const [row] = logRecords(scripts.logs.text("intel"));
  return Object.fromEntries(Object.entries(row!).filter(([k]) => k.startsWith("cif.")));
}

test("intel.log's cif columns come from the last matching item, which sets them all, even unset", async () => {
  const full: IntelMetaData = {
    source: "a",
    cif_tags: "botnet",
    cif_confidence: 85,
    cif_source: "feed.example",
    cif_description: "C&C",
    cif_firstseen: "2026-11-01",
    cif_lastseen: "2026-12-01",
  };
  const values = ["botnet", "85.0", "feed.example", "C&C", "2026-11-01", "2026-12-01"];
  const names = ["cif.tags", "cif.confidence", "cif.source", "cif.description", "cif.firstseen", "cif.lastseen"];
  assert.deepEqual(await cifColumns([full]), Object.fromEntries(names.map((n, i) => [n, values[i]])));
  assert.deepEqual(await cifColumns([full, { source: "b" }]), Object.fromEntries(names.map((n) => [n, "-"])));
  assert.deepEqual(await cifColumns([{ source: "b" }, { source: "a", cif_confidence: 0.5 }]), {
    ...Object.fromEntries(names.map((n) => [n, "-"])),
    "cif.confidence": "0.5",
  });
});

test(
  "the command line: an intel file's cif columns reach intel.log's, after file_desc",
  withDir(async (dir) => {
    const trace = join(dir, "t.pcap");
    writeFileSync(trace, writePcap(tcpTrace(handshake(1000), { client: "10.0.0.1", server: "10.0.0.2", sport: 80, cport: 40000 })));
    writeFileSync(join(dir, "intel.dat"), `${HEADER}10.0.0.2\tIntel::ADDR\tcif\tscanner\t70\t2026-12-01\n`);
    const r = await bronze([
      "-r",
      trace,
      "--logdir",
      dir,
      "frameworks/intel/seen",
      "integration/collective-intel",
      `Intel::read_files={"${join(dir, "intel.dat")}"}`,
      // A handshake alone: not find-filtered-trace's business here.
      "FilteredTraceDetection::enable=F",
    ]);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.err, "");
    const text = readFileSync(join(dir, "intel.log"), "utf8");
    assert.match(text, /\tfile_desc\tcif\.tags\tcif\.confidence\tcif\.source\tcif\.description\tcif\.firstseen\tcif\.lastseen\n/);
    assert.match(text, /\tIntel::ADDR\tcif\t-\t-\t-\tscanner\t70\.0\t-\t-\t2026-12-01\t-\n/);
  }),
);
