/**
 * The config framework (base/frameworks/config): change handlers and their
 * priorities, config.log's rows and location column, errors for unknown
 * options and values of another type, config files (sets, bad values, the
 * reader's memory), and settings that are options taking effect mid-run.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { Engine } from "../../src/engine.js";
import { loadBuiltinScripts } from "../../src/index.js";
import type { LogManager } from "../../src/log/manager.js";
import type { ConfigFramework } from "../../src/scripts/config/framework.js";
import { ConfigReaderState, configLines, DEFAULT_SEPARATORS, parseOptionText } from "../../src/scripts/config/reader.js";
import { normalSubnet } from "../../src/scripts/config/values.js";
import type { NoticeLog } from "../../src/scripts/notice.js";
import { memorySource } from "../helpers/packets.js";
import { parseLogText } from "../helpers/tsv.js";
import { udpPacket } from "../session/harness.js";

interface Setup {
  readonly engine: Engine;
  readonly config: ConfigFramework;
  readonly logs: LogManager;
  readonly notices: NoticeLog;
  readonly stderr: string[];
}

function setup(options: { settings?: string[]; bare?: boolean } = {}): Setup {
  const { settings = [], bare = false } = options;
  const engine = new Engine({ bare, settings });
  const stderr: string[] = [];
  const scripts = loadBuiltinScripts(engine, { memory: true, bare, stderr: (l) => stderr.push(l) });
  assert.ok(scripts.config !== undefined, "the framework is loaded");
  return { engine, config: scripts.config, logs: scripts.logs, notices: scripts.notices, stderr };
}

/** config.log's rows as their fields (ts, id, old_value, new_value, location). */
function rows(logs: LogManager): string[][] {
  return parseLogText(logs.text("config")).rows;
}

/** A directory with `files` in it, removed after `body`. */
async function withFiles(files: Record<string, string>, body: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "bronze-config-"));
  try {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    await body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("a change handler's returned value is what is set, and what config.log shows", async () => {
  const { engine, config, logs } = setup();
  config.declare("Site::threshold", { type: "count", value: 5 });
  config.onChange("Site::threshold", (_id, v) => (v as number) * 10);
  engine.on("zeek_init", () => assert.equal(config.setValue("Site::threshold", 3, "here"), true));
  await engine.run(memorySource([]));
  assert.equal(config.value("Site::threshold"), 30);
  assert.deepEqual(rows(logs), [["0.000000", "Site::threshold", "5", "30", "here"]]);
});

test("change handlers run highest priority first, each given the value the one before returned; config.log's handler is at -100", async () => {
  const { engine, config, logs } = setup();
  config.declare("Site::name", { type: "string", value: "a" });
  const order: string[] = [];
  /** A handler that notes what it was given and appends `suffix`. */
  const appending = (label: string, suffix: string) => (_id: string, v: unknown) => {
    order.push(`${label}:${String(v)}`);
    return `${String(v)}${suffix}`;
  };
  config.onChange("Site::name", appending("p1", "1"), 1);
  config.onChange("Site::name", appending("p10", "10"), 10);
  // Below the framework's handler: what it returns is set, but config.log saw the value before it.
  config.onChange("Site::name", appending("p-200", "!"), -200);
  engine.on("zeek_init", () => void config.setValue("Site::name", "b"));
  await engine.run(memorySource([]));
  assert.deepEqual(order, ["p10:b", "p1:b10", "p-200:b101"]);
  assert.equal(config.value("Site::name"), "b101!");
  // No location: the column is unset.
  assert.deepEqual(rows(logs), [["0.000000", "Site::name", "a", "b101", "-"]]);
});

test("an unknown option and a value of another type are Zeek's errors, and change nothing", async () => {
  const { engine, config, logs, stderr } = setup();
  engine.on("zeek_init", () => {
    assert.equal(config.setValue("No::such_option", 1), false);
    assert.equal(config.setValue("Stats::report_interval", "5min"), false);
    assert.equal(config.setValue("CommunityID::seed", -1), false);
    assert.equal(
      config.onChange("No::such_option", (_id, v) => v),
      false,
    );
  });
  await engine.run(memorySource([]));
  assert.deepEqual(stderr, [
    "bronze: error: Could not find ID named 'No::such_option'",
    "bronze: error: Incompatible type for set of ID 'Stats::report_interval': got 'string', need 'interval'",
    "bronze: error: Incompatible type for set of ID 'CommunityID::seed': got 'int', need 'count'",
    "bronze: error: Could not find ID named 'No::such_option'",
  ]);
  assert.equal(engine.settings["Stats::report_interval"], 300);
  assert.equal(logs.text("config"), "", "no change, no config.log");
});

test("a config file's rows carry its path as location; intervals, sets and enums as Zeek writes them", async () => {
  await withFiles({ "site.cfg": "# site options\nStats::report_interval 600\nSSH::watched_countries KP,RO\nKnown::host_tracking ALL_HOSTS\n" }, async (dir) => {
    const path = join(dir, "site.cfg");
    const { engine, logs } = setup({ settings: [`Config::config_files={${JSON.stringify(path)}}`] });
    await engine.run(memorySource([]));
    const got = rows(logs).map((r) => r.slice(1));
    assert.deepEqual(got[0], ["Stats::report_interval", "5.0 mins", "10.0 mins", path]);
    assert.equal(got[1]![0], "SSH::watched_countries");
    assert.equal(got[1]![1], "RO");
    assert.deepEqual(got[1]![2]!.split(",").sort(), ["KP", "RO"]);
    assert.deepEqual(got[2], ["Known::host_tracking", "LOCAL_HOSTS", "ALL_HOSTS", path]);
    assert.equal(engine.settings["Stats::report_interval"], 600);
    assert.deepEqual(engine.settings["SSH::watched_countries"], new Set(["KP", "RO"]));
  });
});

test("a config file's bad values are the reader's warnings; the option keeps its value", async () => {
  await withFiles({ "bad.cfg": "CommunityID::do_base64 maybe\nCommunityID::seed -4\nKnown::host_tracking SOME_HOSTS\nNo::option 1\nlonely\n" }, async (dir) => {
    const path = join(dir, "bad.cfg");
    const { engine, logs, stderr } = setup({ settings: [`Config::config_files={${JSON.stringify(path)}}`] });
    await engine.run(memorySource([]));
    const reader = `${path}/Input::READER_CONFIG`;
    assert.deepEqual(stderr, [
      `bronze: warning: ${reader}: Field: CommunityID::do_base64 Invalid value for boolean: maybe`,
      `bronze: warning: ${reader}: Could not convert line 'CommunityID::do_base64 maybe' to value. Ignoring line.`,
      `bronze: warning: ${reader}: Number '-4' cannot be negative`,
      `bronze: warning: ${reader}: Could not convert line 'CommunityID::seed -4' to value. Ignoring line.`,
      `bronze: warning: Value 'SOME_HOSTS' for source 'thread ${reader}' is not a valid enum.`,
      "bronze: error: SendEvent for event InputConfig::new_value failed",
      `bronze: warning: ${reader}: Option 'No::option' does not exist. Ignoring line.`,
      `bronze: warning: ${reader}: Could not parse 'lonely'; line has invalid format. Ignoring line.`,
    ]);
    assert.equal(engine.settings["CommunityID::do_base64"], true);
    assert.equal(engine.settings["CommunityID::seed"], 0);
    assert.equal(engine.settings["Known::host_tracking"], "LOCAL_HOSTS");
    assert.equal(logs.text("config"), "");
  });
});

test("a table option: set by Config::set_value, written to config.log as Zeek's cat of it; a config file cannot set one", async () => {
  await withFiles({ "t.cfg": "Site::owners 10.0.0.1=ops\n" }, async (dir) => {
    const path = join(dir, "t.cfg");
    const { engine, config, logs, stderr } = setup({ settings: [`Config::config_files={${JSON.stringify(path)}}`] });
    config.declare("Site::owners", { type: "table[addr] of string", value: new Map([["10.0.0.1", "ops"]]) });
    engine.on("zeek_init", () => {
      assert.equal(config.setValue("Site::owners", new Map([["10.0.0.2", "lab"]]), "here"), true);
      assert.equal(config.setValue("Site::owners", new Map(), "there"), true);
      assert.equal(config.setValue("Site::owners", new Map([["not an address", "x"]])), false);
      assert.equal(config.setValue("Site::owners", new Map([["10.0.0.3", 7]])), false);
    });
    await engine.run(memorySource([]));
    assert.deepEqual(config.value("Site::owners"), new Map());
    assert.deepEqual(
      rows(logs).map((r) => r.slice(1)),
      [
        ["Site::owners", "{\\x0a[10.0.0.1] = ops\\x0a}", "{\\x0a[10.0.0.2] = lab\\x0a}", "here"],
        ["Site::owners", "{\\x0a[10.0.0.2] = lab\\x0a}", "{\\x0a\\x0a}", "there"],
      ],
    );
    // zeek_init's changes first; the file is read after them, as Zeek's input threads read it.
    assert.deepEqual(stderr, [
      "bronze: error: Incompatible type for set of ID 'Site::owners': got 'table[string] of string', need 'table[addr] of string'",
      "bronze: error: Incompatible type for set of ID 'Site::owners': got 'table[string] of count', need 'table[addr] of string'",
      `bronze: warning: ${path}/Input::READER_CONFIG: Option 'Site::owners' has type 'table[addr] of string', which is not supported for file input. Ignoring line.`,
    ]);
  });
});

test("a set parsed from a config file: elements split at the separator, blanks and a trailing separator dropped, nothing is the empty set", () => {
  const shape = { type: "set[string]" as const };
  const lines = [...configLines("names a,b , c,\nempty \nsingle -\n", DEFAULT_SEPARATORS, assert.fail)];
  assert.deepEqual(
    lines.map((l) => [l.name, l.value]),
    [
      ["names", "a,b , c"],
      ["empty", ""],
      ["single", "-"],
    ],
  );
  assert.deepEqual(parseOptionText(shape, lines[0]!.value, "names").value, new Set(["a", "b ", " c"]));
  assert.deepEqual(parseOptionText(shape, lines[1]!.value, "empty").value, new Set());
  assert.deepEqual(parseOptionText(shape, lines[2]!.value, "single").value, new Set(["-"]));
  // With InputConfig::empty_field set, that text is the empty set too; another separator splits instead of the comma.
  assert.deepEqual(parseOptionText(shape, "(empty)", "x", { set: ",", empty: "(empty)" }).value, new Set());
  assert.deepEqual(parseOptionText(shape, "a;b,c", "x", { set: ";", empty: "" }).value, new Set(["a", "b,c"]));
  assert.deepEqual(parseOptionText({ type: "vector[count]" }, "3,1,3", "v").value, [3, 1, 3]);
});

test("the reader applies a line only when its text changed since the last read; an option missing from a read counts as new after", () => {
  const state = new ConfigReaderState();
  const read = (pairs: Array<[string, string]>): boolean[] => {
    state.startRead();
    const out = pairs.map(([n, v]) => state.changes(n, v));
    state.endRead();
    return out;
  };
  assert.deepEqual(
    read([
      ["a", "1"],
      ["a", "2"],
      ["a", "2"],
      ["b", "x"],
    ]),
    [true, true, false, true],
  );
  assert.deepEqual(read([["a", "2"]]), [false]);
  assert.deepEqual(read([["b", "x"]]), [true]);
});

test("a setting that is an option takes effect mid-run: Notice::ignored_types set between two notices", async () => {
  const { engine, config, notices, logs } = setup();
  let raised = 0;
  engine.on("udp_request", (c) => {
    notices.notice({ note: "Site::Odd", msg: `odd ${c.id.orig_p}` });
    if (++raised === 1) config.setValue("Notice::ignored_types", new Set(["Site::Odd"]), "test");
  });
  const packets = [udpPacket(10, "10.0.0.1", 1000, "10.0.0.2", 53, "a"), udpPacket(11, "10.0.0.1", 1001, "10.0.0.2", 53, "b")];
  await engine.run(memorySource(packets));
  assert.equal(raised, 2);
  const log = parseLogText(logs.text("notice"));
  const msg = log.fields.indexOf("msg");
  assert.deepEqual(
    log.rows.map((r) => r[msg]),
    ["odd 1000"],
    "the second notice's type is ignored by then",
  );
});

test("Weird::sampling_threshold is an option over the engine's weird sampling", async () => {
  const { engine, config } = setup();
  engine.on("zeek_init", () => void config.setValue("Weird::sampling_threshold", 2));
  const seen: string[] = [];
  engine.on("weird", (w) => void seen.push(w.name));
  engine.on(
    "zeek_init",
    () => {
      for (let i = 0; i < 5; i++) engine.weirds.net("site_weird");
    },
    { priority: -1 },
  );
  await engine.run(memorySource([]));
  assert.equal(engine.weirds.sampling.threshold, 2);
  assert.deepEqual(seen, ["site_weird", "site_weird"]);
});

test("with -b the framework is loaded too (Zeek loads it from init-frameworks-and-bifs), and a run without changes writes no config.log", async () => {
  const { engine, config, logs } = setup({ bare: true });
  // Notice::mail_from is one of the engine's options, loaded without naming the framework.
  assert.ok(config.has("Notice::mail_from"));
  await engine.run(memorySource([udpPacket(1, "10.0.0.1", 1000, "10.0.0.2", 53, "a")]));
  assert.equal(logs.text("config"), "");
});

test("a config file's subnet is made as Zeek's input manager makes it: an IPv4-mapped text's width counts IPv4 bits, one too wide is an error and ::/0", async () => {
  await withFiles({ "nets.cfg": "ignore_checksums_nets ::ffff:10.1.2.3/8,::ffff:192.168.0.0/48\n" }, async (dir) => {
    const path = join(dir, "nets.cfg");
    const { engine, logs, stderr } = setup({ settings: [`Config::config_files={${JSON.stringify(path)}}`] });
    await engine.run(memorySource([]));
    // A reporter error without the reader's name (not the reader's warning), and the value is set all the same.
    assert.deepEqual(stderr, ["bronze: error: Bad IPAddr(v4) IPPrefix length : 48"]);
    const [row, ...more] = rows(logs);
    assert.deepEqual(more, []);
    assert.deepEqual(row!.slice(1, 3), ["ignore_checksums_nets", "(empty)"]);
    assert.deepEqual(row![3]!.split(",").sort(), ["10.0.0.0/8", "::/0"]);
  });
});

test("ignore_checksums_nets is an option: set at run time it applies from the next packet, config.log shows its subnets", async () => {
  const { engine, config, logs } = setup({ settings: ["ignore_checksums_nets+={192.168.0.0/16}"] });
  const bad = (t: number) => udpPacket(t, "192.168.1.5", 5000 + t, "10.0.0.1", 9, "x", "bad");
  let first = true;
  engine.on("new_packet", () => {
    if (first) config.setValue("ignore_checksums_nets", new Set<string>());
    first = false;
  });
  await engine.run(memorySource([bad(1), bad(2)]));
  // The first packet was exempt (its new_packet came after its checks); the second's checksum is checked.
  const weirds = parseLogText(logs.text("weird")).rows.map((r) => r[6]);
  assert.deepEqual(weirds, ["bad_UDP_checksum"]);
  assert.deepEqual(
    rows(logs).map((r) => r.slice(1, 4)),
    [["ignore_checksums_nets", "192.168.0.0/16", "(empty)"]],
  );
});

test("a subnet value in Zeek's text form: host bits cleared; an IPv4-mapped IPv6 subnet is printed as IPv4 with its IPv4 width", () => {
  assert.equal(normalSubnet("2607:f8b0:4001:801::/48"), "2607:f8b0:4001::/48");
  assert.equal(normalSubnet("10.1.2.3/8"), "10.0.0.0/8");
  assert.equal(normalSubnet("[::ffff:1.2.3.4]/120"), "1.2.3.0/24");
  assert.equal(normalSubnet("::ffff:1.2.3.4/96"), "0.0.0.0/0");
  // Fewer than 96 bits clear the mapping's ffff: an IPv6 subnet again.
  assert.equal(normalSubnet("::ffff:1.2.3.4/64"), "::/64");
  assert.equal(normalSubnet("10.0.0.0/33"), null);
  assert.equal(normalSubnet("::/129"), null);
});
