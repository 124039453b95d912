/**
 * Zeek's btests of the config framework (testing/btest/scripts/base/
 * frameworks/config: basic, read_config, several-files, updates,
 * missing-enum-value, container-options, weird), replayed as TypeScript
 * twins and held to their baselines read from Zeek's source
 * ($BRONZE_ZEEK_SOURCE or ../zeek). Each script's `option` statements
 * become config.declare, Config::set_value config.setValue,
 * Config::read_config config.readConfig, Input::end_of_data
 * config.onEndOfData; the config files are the btest's own
 * (@TEST-START-FILE), read from it, and each run is in a directory of its
 * own whose "zeek" subdirectory is the current one, as btest-bg-run's.
 * The cluster btests (basic_cluster, cluster_resend, read_config_cluster)
 * are left out: bronze runs one node.
 *
 * What is left out of the single-process ones, and why:
 *  - "received termination signal" in the stderr baselines: the btests end
 *    with terminate(); a bronze run ends with its input, without that line.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type TestContext, test } from "node:test";
import { Engine } from "../../src/engine.js";
import type { Connection } from "../../src/event/records.js";
import { loadBuiltinScripts } from "../../src/index.js";
import type { ConfigFramework } from "../../src/scripts/config/framework.js";
import { elementType, isSetType, isTableType, type OptionShape, type OptionValue, setOrder } from "../../src/scripts/config/values.js";
import { readTrace } from "../../src/source/open.js";
import type { PacketSource } from "../../src/source/raw-packet.js";
import { oracleMissing } from "../helpers/corpus.js";
import { memorySource } from "../helpers/packets.js";
import { canonicalLog, type ZeekSource, zeekSource } from "../signatures/btest-harness.js";

const BTESTS = "testing/btest/scripts/base/frameworks/config";

function sourceOr(t: TestContext): ZeekSource | null {
  const zeek = zeekSource();
  if (zeek === null) oracleMissing(t, "Zeek's source (BRONZE_ZEEK_SOURCE or ../zeek) is missing: its config framework btests cannot be read");
  return zeek;
}

/** A baseline file without btest-diff's first line. */
function baseline(zeek: ZeekSource, test: string, file: string): string {
  return zeek.read(`testing/btest/Baseline/scripts.base.frameworks.config.${test}/${file}`).replace(/^### BTest baseline.*\n/, "");
}

/** The files a btest writes for itself (@TEST-START-FILE name … @TEST-END-FILE). */
function btestFiles(zeek: ZeekSource, test: string): Map<string, string> {
  const text = zeek.read(`${BTESTS}/${test}.zeek`);
  const files = new Map<string, string>();
  for (const m of text.matchAll(/^# @TEST-START-FILE (\S+)\n([\s\S]*?)^# @TEST-END-FILE/gm)) files.set(m[1]!, m[2]!);
  return files;
}

/** The Log::ID names the btests' enum options take. */
const LOG_IDS = ["Conn::LOG", "SSH::LOG"];

/** basic, read_config, several-files and updates declare the same options (updates, several-files and read_config without the port variants). */
function declareTestOptions(config: ConfigFramework, withPortVariants: boolean): void {
  config.declare("testbool", { type: "bool", value: true });
  config.declare("testcount", { type: "count", value: 0 });
  config.declare("testint", { type: "int", value: 0 });
  config.declare("testenum", { type: "enum", value: "SSH::LOG", enumValues: LOG_IDS });
  config.declare("testport", { type: "port", value: "42/tcp" });
  if (withPortVariants) {
    config.declare("testporttcp", { type: "port", value: "40/udp" });
    config.declare("testportudp", { type: "port", value: "40/tcp" });
  }
  config.declare("testaddr", { type: "addr", value: "127.0.0.1" });
  if (withPortVariants) config.declare("testsub", { type: "subnet", value: "0.0.0.0/0" });
  // network_time() while the script is parsed: 0.
  config.declare("testtime", { type: "time", value: 0 });
  config.declare("testinterval", { type: "interval", value: 1 });
  config.declare("teststring", { type: "string", value: "a" });
  config.declare("test_set", { type: "set[string]", value: new Set() });
  config.declare("test_vector", { type: "vector[count]", value: [] });
}

interface Run {
  config: string;
  stderr: string[];
  printed: string[];
}

interface Replay {
  test: string;
  settings?: string[];
  trace?: string;
  /** Capturing live: the run goes on until `script` resolves its `done`. */
  live?: boolean;
  script(config: ConfigFramework, print: (line: string) => void, dir: string, done: () => void): void;
}

/** A source that delivers nothing and ends when told: a live capture on a quiet link (its capture keeps the process alive meanwhile). */
function quietLiveSource(ended: Promise<void>): PacketSource {
  return {
    name: "quiet",
    run: async () => {
      const capture = setInterval(() => undefined, 1000);
      await ended;
      clearInterval(capture);
      return { packets: 0, truncated: null };
    },
  };
}

/** A `zeek -b` run of the btest in a directory of its own, its files beside the "zeek" subdirectory the run is in. */
async function replay(zeek: ZeekSource, r: Replay): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), "bronze-config-btest-"));
  const cwd = process.cwd();
  try {
    for (const [name, text] of btestFiles(zeek, r.test)) writeFileSync(join(dir, name), text, "latin1");
    mkdirSync(join(dir, "zeek"));
    process.chdir(join(dir, "zeek"));
    const seed = zeek
      .read("testing/btest/random.seed")
      .split(/\s+/)
      .filter((w) => w !== "")
      .map(Number);
    const loads = ["base/frameworks/config", "base/protocols/conn", "base/protocols/ssh"];
    const engine = new Engine({ bare: true, loads, seed, settings: r.settings ?? [], ignoreChecksums: true });
    const stderr: string[] = [];
    const scripts = loadBuiltinScripts(engine, { memory: true, bare: true, loads, stderr: (l) => stderr.push(l.replace(/^bronze: /, "")), live: r.live });
    const printed: string[] = [];
    let done = (): void => undefined;
    const ended = new Promise<void>((resolve) => (done = resolve));
    r.script(scripts.config!, (line) => printed.push(line), dir, done);
    if (r.live === true) await engine.run(quietLiveSource(ended));
    else if (r.trace === undefined) await engine.run(memorySource([]));
    else {
      const path = join(dir, "trace.pcap");
      writeFileSync(path, Buffer.from(zeek.read(`testing/btest/Traces/${r.trace}`), "latin1"));
      await engine.run(readTrace(path));
    }
    return { config: scripts.logs.text("config"), stderr, printed };
  } finally {
    process.chdir(cwd);
    rmSync(dir, { recursive: true, force: true });
  }
}

function lines(text: string): string[] {
  return text.split("\n").filter((l) => l !== "");
}

/** Zeek's print of a set, vector or table value: "{\nA,\nB\n}" in the set's iteration order, "[A, B]", "{\n[A] = a\n}". */
function zeekPrint(config: ConfigFramework, name: string): string {
  const shape: OptionShape = config.shape(name)!;
  const value: OptionValue = config.value(name)!;
  if (elementType(shape.type) === null) return String(value);
  // A table prints as config.log's format_value writes it (cat and print describe it alike).
  if (isTableType(shape.type)) return config.format(name, value);
  if (!isSetType(shape.type)) return `[${(value as readonly unknown[]).join(", ")}]`;
  const items = setOrder(shape, [...(value as ReadonlySet<string>)], configHash(config));
  return `{\n${items.join(",\n")}\n}`;
}

function configHash(config: ConfigFramework) {
  return config.host.tableHash;
}

/** The termination line of btests that end with terminate(): a bronze run ends with its input instead (see the header). */
function withoutTermination(text: string): string[] {
  return lines(text).filter((l) => l !== "received termination signal");
}

/** A twin: the btest replayed, then `check` holds the run to its baselines (skipped, saying why, without Zeek's source). */
function twin(title: string, r: Replay, check: (zeek: ZeekSource, run: Run) => void): void {
  test(title, async (t) => {
    const zeek = sourceOr(t);
    if (zeek === null) return;
    check(zeek, await replay(zeek, r));
  });
}

/** config.log as the btest's baseline has it (times and #open/#close masked). */
function assertSameConfigLog(zeek: ZeekSource, run: Run, test: string, file = "zeek.config.log"): void {
  assert.deepEqual(canonicalLog(lines(run.config)), canonicalLog(lines(baseline(zeek, test, file))));
}

twin(
  "config btest basic: a config file at start-up, every type, config.log",
  {
    test: "basic",
    settings: ['Config::config_files+={"../configfile"}'],
    script: (config) => declareTestOptions(config, true),
  },
  (zeek, run) => {
    assertSameConfigLog(zeek, run, "basic");
    assert.deepEqual(run.stderr, withoutTermination(baseline(zeek, "basic", "zeek..stderr")));
  },
);

twin(
  "config btest read_config: Config::read_config with InputConfig::empty_field",
  {
    test: "read_config",
    settings: ['InputConfig::empty_field="(empty)"'],
    script: (config) => {
      declareTestOptions(config, false);
      config.host.on("zeek_init", () => config.readConfig("../configfile"));
    },
  },
  (zeek, run) => {
    assertSameConfigLog(zeek, run, "read_config");
  },
);

twin(
  "config btest several-files: two config files, each row's location its file",
  {
    test: "several-files",
    settings: ['Config::config_files+={"../configfile1", "../configfile2"}'],
    script: (config) => declareTestOptions(config, false),
  },
  (zeek, run) => {
    // The baseline went through diff-canonifier, without the # lines, and diff-sort.
    const rows = canonicalLog(lines(run.config).filter((l) => !l.startsWith("#"))).sort();
    const expected = lines(baseline(zeek, "several-files", "zeek.config.log")).filter((l) => !l.startsWith("#"));
    assert.deepEqual(rows, expected);
  },
);

twin(
  "config btest updates: a config file re-read when it changes, capturing live",
  {
    test: "updates",
    settings: ['Config::config_files+={"../configfile"}'],
    live: true,
    script: (config, _print, dir, done) => {
      declareTestOptions(config, false);
      let reads = 0;
      // The btest's driver: after each read the next file is moved into place; the fourth read ends the run.
      config.onEndOfData((name) => {
        if (!name.startsWith("config-")) return;
        reads++;
        if (reads < 4) renameSync(join(dir, `configfile${reads + 1}`), join(dir, "configfile"));
        else done();
      });
    },
  },
  (zeek, run) => {
    assertSameConfigLog(zeek, run, "updates");
  },
);

/** container-options' Color enum. */
const CONTAINER_COLORS = ["RED", "GREEN", "BLUE"];

/** missing-enum-value's Color enum and options. */
const COLORS = ["Red", "Green", "Blue"];

twin(
  "config btest missing-enum-value: a name that is not the enum's leaves the option as it was",
  {
    test: "missing-enum-value",
    script: (config, print) => {
      config.declare("mycolors", { type: "set[enum]", value: new Set(["Red", "Green"]), enumValues: COLORS });
      config.declare("nocolors", { type: "set[enum]", value: new Set(["Red", "Green"]), enumValues: COLORS });
      config.declare("color_vec", { type: "vector[enum]", value: ["Red"], enumValues: COLORS });
      config.declare("bad_color_vec", { type: "vector[enum]", value: ["Red"], enumValues: COLORS });
      config.declare("no_color_vec", { type: "vector[enum]", value: ["Red"], enumValues: COLORS });
      config.host.on("zeek_init", () => config.readConfig("../configfile"));
      config.onEndOfData(() => {
        for (const name of ["mycolors", "nocolors", "color_vec", "bad_color_vec", "no_color_vec"]) print(zeekPrint(config, name));
      });
    },
  },
  (zeek, run) => {
    assert.deepEqual(lines(run.printed.join("\n")), lines(baseline(zeek, "missing-enum-value", "zeek..stdout")));
    assert.deepEqual(run.stderr, withoutTermination(baseline(zeek, "missing-enum-value", "zeek..stderr")));
  },
);

twin(
  "config btest container-options: sets, vectors and tables set to empty and back",
  {
    test: "container-options",
    script: (config, print) => {
      config.declare("my_set", { type: "set[enum]", value: new Set(["RED"]), enumValues: CONTAINER_COLORS });
      config.declare("my_vector", { type: "vector[enum]", value: ["RED"], enumValues: CONTAINER_COLORS });
      config.declare("my_table", { type: "table[enum] of string", value: new Map([["RED", "red"]]), enumValues: CONTAINER_COLORS });
      config.host.on("zeek_init", () => {
        const steps = <T>(name: string, values: T[]): void => {
          print(zeekPrint(config, name));
          for (const v of values) {
            config.setValue(name, v);
            print(zeekPrint(config, name));
          }
        };
        steps("my_set", [new Set(), new Set(["BLUE"]), new Set(["RED", "GREEN", "BLUE"]), new Set()]);
        print("---");
        steps("my_vector", [[], ["BLUE"], ["RED", "GREEN", "BLUE"], []]);
        print("---");
        const table = (entries: Array<[string, string]>): Map<string, string> => new Map(entries);
        steps("my_table", [
          table([]),
          table([["BLUE", "blue"]]),
          table([
            ["RED", "red"],
            ["GREEN", "green"],
            ["BLUE", "blue"],
          ]),
          table([]),
        ]);
      });
    },
  },
  (zeek, run) => {
    assert.deepEqual(run.printed.join("\n").split("\n"), baseline(zeek, "container-options", "out").replace(/\n$/, "").split("\n"));
  },
);

twin(
  "config btest weird: Weird::sampling_* set at zeek_init, config.log and the values read back",
  {
    test: "weird",
    trace: "http/bro.org.pcap",
    script: (config, print) => {
      config.host.on("zeek_init", () => {
        config.setValue("Weird::sampling_duration", 5);
        config.setValue("Weird::sampling_threshold", 10);
        config.setValue("Weird::sampling_rate", 10);
        config.setValue("Weird::sampling_whitelist", new Set(["whitelisted_net_weird", "whitelisted_flow_weird", "whitelisted_conn_weird"]));
        print("Config values set");
      });
      config.host.on(
        "zeek_init",
        () => {
          print(`[${[...(config.value("Weird::sampling_whitelist") as ReadonlySet<string>)].sort().join(", ")}]`);
          print(String(config.value("Weird::sampling_rate")));
          print(String(config.value("Weird::sampling_threshold")));
          print(config.format("Weird::sampling_duration", config.value("Weird::sampling_duration")!));
        },
        { priority: -10 },
      );
      // The weirds the script reports through Reporter::*_weird, 30 of each at once, 2 s and 7 s after
      // the first connection, under the sampling values just set.
      const engine = config.host as unknown as Engine;
      engine.on("conn_weird", (name) => print(`conn_weird, ${name}`));
      engine.on("flow_weird", (name) => print(`flow_weird, ${name}`));
      engine.on("net_weird", (name) => print(`net_weird, ${name}`));
      const genWeirds = (c: Connection): void => {
        for (let i = 0; i < 30; i++) {
          engine.netWeird("my_net_weird");
          engine.flowWeird("my_flow_weird", c.id.orig_h, c.id.resp_h);
          engine.connWeird("my_conn_weird", c);
          engine.netWeird("whitelisted_net_weird");
          engine.flowWeird("whitelisted_flow_weird", c.id.orig_h, c.id.resp_h);
          engine.connWeird("whitelisted_conn_weird", c);
        }
      };
      let didOne = false;
      engine.on("new_connection", (c) => {
        if (didOne) return;
        didOne = true;
        engine.queueEvent(() => genWeirds(c));
        engine.scheduleEvent(engine.clock.now + 2, () => genWeirds(c));
        engine.scheduleEvent(engine.clock.now + 7, () => genWeirds(c));
      });
    },
  },
  (zeek, run) => {
    // Its baseline keeps the rows' times (network time 0 at zeek_init): only #open and #close are masked.
    const masked = (text: string) => lines(text).map((l) => l.replace(/^#(open|close)[\t ].*/, "#$1"));
    assert.deepEqual(masked(run.config), masked(baseline(zeek, "weird", "config.log")));
    // Then 27 of each of the script's own weirds (10 + 2, 3, 10 + 2 under the sampling) and all 90 whitelisted ones.
    assert.deepEqual(run.printed, lines(baseline(zeek, "weird", "output")));
  },
);
