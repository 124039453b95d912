/**
 * The software framework: version strings parsed as Zeek's Software::parse
 * (self-made cases, and every case of Zeek's version-parsing btest when
 * Zeek's source is at hand), versions compared and formatted, and
 * software.log's rows: one per host, name and version, for the hosts
 * Software::asset_tracking selects; the notices of version-changes and
 * vulnerable (the latter as Zeek's btest of it, whose script calls
 * Software::found itself: replayed here by hand).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { LogManager } from "../../src/log/manager.js";
import { applySetting, defaultSettings } from "../../src/options.js";
import type { AnalyzerScriptHost } from "../../src/scripts/host.js";
import { NoticeLog } from "../../src/scripts/notice.js";
import type { PolicyScript } from "../../src/scripts/policy-scripts.js";
import { Reporter } from "../../src/scripts/reporter.js";
import { SoftwareFramework, softwareFramework } from "../../src/scripts/software/framework.js";
import { compareVersions, formatVersion, parseSoftware } from "../../src/scripts/software/version.js";
import { VERSION_CHANGES_SCRIPT } from "../../src/scripts/software/version-changes.js";
import { decodeVersionRange, inVulnerableRange, VULNERABLE_SCRIPT } from "../../src/scripts/software/vulnerable.js";
import { splitString } from "../../src/scripts/software/zeek-strings.js";
import { canonicalBtestLog } from "../conformance/btest-applogs-harness.js";
import { zeekSource } from "../signatures/btest-harness.js";

test("Software::parse: name, numbers and addl from banners and headers; browsers by the browser their user agent names", () => {
  const cases: Array<[string, string, object]> = [
    ["OpenSSH_8.9p1 Ubuntu-3ubuntu0.6", "OpenSSH", { major: 8, minor: 9, addl: "p1" }],
    ["Apache/2.4.41 (Ubuntu)", "Apache", { major: 2, minor: 4, minor2: 41, addl: "Ubuntu" }],
    ["nginx", "nginx", {}],
    ["Microsoft-IIS/10.0", "Microsoft-IIS", { major: 10, minor: 0 }],
    ["curl/8.5.0", "curl", { major: 8, minor: 5, minor2: 0 }],
    ["5.7.44-log", "", { major: 5, minor: 7, minor2: 44, addl: "log" }],
    ["Flash Player 11", "Flash", { major: 11 }],
    [
      "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.109 Safari/537.36",
      "Chrome",
      { major: 120, minor: 0, minor2: 6099, minor3: 109 },
    ],
    ["Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0", "Firefox", { major: 121, minor: 0 }],
    ["Mozilla/5.0 (Windows NT 6.1; Trident/7.0; rv:11.0) like Gecko", "MSIE", { major: 11, minor: 0 }],
    [
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
      "Safari",
      { major: 17, minor: 1, addl: "Mobile" },
    ],
    ["Mozilla/4.0 (compatible)", "<unknown browser>", {}],
  ];
  for (const [text, name, version] of cases) {
    const p = parseSoftware(text);
    assert.equal(p.name, name, text);
    assert.deepEqual(p.version, version, text);
    assert.equal(p.unparsed_version, text);
  }
});

test("Software::parse on every case of Zeek's version-parsing btest", (t) => {
  const zeek = zeekSource();
  if (zeek === null) return t.skip("Zeek's source is not at hand (BRONZE_ZEEK_SOURCE)");
  const text = zeek.read("testing/btest/scripts/base/frameworks/software/version-parsing.zeek");
  const zeekString = (lit: string): string =>
    lit
      .slice(1, -1)
      .replace(/\\x([0-9a-fA-F]{2})|\\(.)/g, (_m, hex: string | undefined, ch: string | undefined) =>
        hex !== undefined ? String.fromCharCode(Number.parseInt(hex, 16)) : ch!,
      );
  const entry = /\[("(?:[^"\\]|\\.)*")\]\s*=\s*\[\$name=("(?:[^"\\]|\\.)*"), \$version=\[([^\]]*)\]/g;
  let n = 0;
  for (const m of text.matchAll(entry)) {
    const version: Record<string, string | number> = {};
    for (const f of m[3]!.matchAll(/\$(\w+)=("(?:[^"\\]|\\.)*"|\d+)/g)) version[f[1]!] = f[2]!.startsWith('"') ? zeekString(f[2]!) : Number(f[2]);
    const input = zeekString(m[1]!);
    const p = parseSoftware(input);
    assert.equal(p.name, zeekString(m[2]!), input);
    assert.equal(compareVersions(p.version, version), 0, `${input}: ${JSON.stringify(p.version)} vs ${JSON.stringify(version)}`);
    n++;
  }
  assert.ok(n >= 60, `${n} cases read`);
});

test("split_string_n: the longest match at the leftmost place, the matches kept between the pieces, the piece after the last always there", () => {
  assert.deepEqual(splitString("Apache/2.4.41 (Ubuntu)", /([/\-_]|( [(v]+))?[0-9\-._, ]{2,}/, true, 1), ["Apache", "/2.4.41 ", "(Ubuntu)"]);
  assert.deepEqual(splitString("a.b.", /\./, false), ["a", "b", ""]);
  assert.deepEqual(splitString("1.2.3.4.5", /\./, false, 3), ["1", "2", "3", "4.5"]);
  assert.deepEqual(splitString("", /x/, true), [""]);
});

test("Software::cmp_versions and software_fmt_version", () => {
  assert.equal(compareVersions({ major: 1, minor: 2 }, { major: 1, minor: 10 }), -1);
  assert.equal(compareVersions({ major: 1, minor: 2 }, { major: 1 }), 1);
  assert.equal(compareVersions({ major: 1, addl: "b" }, { major: 1, addl: "a" }), 1);
  assert.equal(compareVersions({}, {}), 0);
  assert.equal(formatVersion({ major: 1, minor: 2, minor2: 3, addl: "rc1" }), "1.2.3-rc1");
  assert.equal(formatVersion({ minor: 5 }), "0.5");
});

function setup(...settings: string[]) {
  const clock = { now: 1000 };
  const s = defaultSettings();
  for (const a of settings) applySetting(s, a);
  const host = { clock, settings: s, on: () => undefined } as unknown as AnalyzerScriptHost;
  const logs = new LogManager({ memory: true });
  const software = new SoftwareFramework(host, logs);
  const rows = (): string[] => {
    logs.closeAll();
    return (logs.text("software") ?? "")
      .split("\n")
      .filter((l) => l !== "" && !l.startsWith("#"))
      .map((l) => l.split("\t").slice(1).join(" "));
  };
  return { clock, software, rows };
}

const ID = { orig_h: "10.0.0.1", orig_p: 40000, resp_h: "10.0.0.2", resp_p: 22, proto: 6, transport: "tcp" as const };

test("software.log: a row the first time a host shows a name in a version; again at a new version, not at one it showed before", () => {
  const { clock, software, rows } = setup();
  const found = (v: string) => software.found(ID, { host: "10.0.0.2", host_p: 22, software_type: "SSH::SERVER", unparsed_version: v });
  assert.equal(found("OpenSSH_8.9"), true);
  clock.now += 1;
  found("OpenSSH_8.9");
  clock.now += 700;
  found("OpenSSH_8.9"); // out of the found cache, but the host's version is known
  found("OpenSSH_9.6");
  found("OpenSSH_8.9"); // back to a version the host showed: no row
  assert.deepEqual(rows(), ["10.0.0.2 22 SSH::SERVER OpenSSH 8 9 - - - OpenSSH_8.9", "10.0.0.2 22 SSH::SERVER OpenSSH 9 6 - - - OpenSSH_9.6"]);
});

test("software.log: Software::asset_tracking selects the hosts (LOCAL_HOSTS: Site::local_nets); force_log logs whatever is known", () => {
  const local = setup();
  assert.equal(local.software.found(ID, { host: "8.8.8.8", unparsed_version: "x/1.0" }), false);
  assert.equal(local.software.found(ID, { host: "10.0.0.9", unparsed_version: "x/1.0" }), true);
  local.software.found(ID, { host: "10.0.0.9", name: "x", version: { major: 1, minor: 0 }, unparsed_version: "x/1.0", force_log: true });
  assert.deepEqual(local.rows(), ["10.0.0.9 - Software::UNKNOWN x 1 0 - - - x/1.0", "10.0.0.9 - Software::UNKNOWN x 1 0 - - - x/1.0"]);
  const remote = setup("Software::asset_tracking=REMOTE_HOSTS");
  assert.equal(remote.software.found(ID, { host: "8.8.8.8", unparsed_version: "x/1.0" }), true);
  assert.equal(remote.software.found(ID, { host: "10.0.0.9", unparsed_version: "x/1.0" }), false);
  // A version given needs its name (Zeek reports the finding as an error).
  assert.equal(remote.software.found(ID, { host: "8.8.4.4", version: { major: 1 } }), false);
});

/** A policy script loaded on a host of its own with `settings`: its clock, software framework and logs. */
function loadScript(script: PolicyScript, now: number, ...settings: string[]) {
  const clock = { now };
  const s = defaultSettings();
  for (const a of settings) applySetting(s, a);
  const host = { clock, settings: s, on: () => undefined } as unknown as AnalyzerScriptHost;
  const logs = new LogManager({ memory: true });
  const sumstats = () => {
    throw new Error(`${script.script} counts nothing`);
  };
  script.load(host, { logs, notices: new NoticeLog(logs, clock), reporter: new Reporter(logs, { clock }), sumstats });
  return { clock, logs, software: softwareFramework(host, logs) };
}

test("version-changes: a new version of a name in Software::interesting_version_changes is a notice; other names are not", () => {
  const { logs, software } = loadScript(
    VERSION_CHANGES_SCRIPT,
    1000,
    "Software::asset_tracking=ALL_HOSTS",
    'Software::interesting_version_changes={"OpenSSH"}',
  );
  for (const v of ["OpenSSH_8.9", "OpenSSH_9.6", "OpenSSH_8.9", "Dropbear_2020.81", "Dropbear_2022.83"]) {
    software.found(ID, { host: "10.0.0.2", host_p: 22, software_type: "SSH::SERVER", unparsed_version: v });
  }
  logs.closeAll();
  const rows = logs
    .text("notice")
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => l.split("\t"));
  assert.deepEqual(
    rows.map((r) => [r[10], r[11], r[12], r[13]]),
    [["Software::Software_Version_Change", "1000.000000 SSH::SERVER 'OpenSSH' version changed from 8.9 to 9.6", "OpenSSH 9.6", "10.0.0.2"]],
  );
});

/** The btest's ranges: Java up to 1.6.0.43, and 1.7 to 1.7.0.20. */
const JAVA_RANGES = 'Software::vulnerable_versions+={["Java"]=set("max=1.6.0.43", "min=1.7 max=1.7.0.20")}';

test("Software::vulnerable_versions: a table of ranges, each max=V with maybe min=V; += adds names, a range without max is refused", () => {
  const s = defaultSettings();
  applySetting(s, JAVA_RANGES);
  applySetting(s, 'Software::vulnerable_versions+={["OpenSSH"]=set("max=7.1")}');
  assert.deepEqual(
    [...s["Software::vulnerable_versions"]],
    [
      ["Java", ["max=1.6.0.43", "min=1.7 max=1.7.0.20"]],
      ["OpenSSH", ["max=7.1"]],
    ],
  );
  applySetting(s, 'Software::vulnerable_versions={["OpenSSH"]=set("max=8.0")}');
  assert.deepEqual([...s["Software::vulnerable_versions"]], [["OpenSSH", ["max=8.0"]]]);
  assert.throws(() => applySetting(s, 'Software::vulnerable_versions={["Java"]=set("min=1.7")}'), /version range/);
  assert.throws(() => applySetting(s, 'Software::vulnerable_versions={"Java"}'), /table of version ranges/);
  const range = decodeVersionRange("min=1.7 max=1.7.0.20");
  assert.deepEqual(range, { min: { major: 1, minor: 7 }, max: { major: 1, minor: 7, minor2: 0, minor3: 20 } });
  assert.ok(inVulnerableRange({ major: 1, minor: 7 }, range), "the ends are inside");
  assert.ok(!inVulnerableRange({ major: 1, minor: 6, minor2: 9 }, range));
  assert.ok(!inVulnerableRange({ major: 1, minor: 7, minor2: 0, minor3: 21 }, range));
});

test("vulnerable: software logged in a vulnerable version is a notice; Zeek's btest (scripts/policy/frameworks/software/vulnerable) by hand", () => {
  // A time of today's size, as Zeek's run without a trace has (its canonifier masks such times).
  const { logs, software } = loadScript(VULNERABLE_SCRIPT, 1764900000, "Software::asset_tracking=ALL_HOSTS", JAVA_RANGES);
  // The btest's three Software::found calls, as its zeek_init makes them.
  for (const [h, minor, minor3] of [
    ["1.2.3.4", 7, 15],
    ["1.2.3.5", 6, 43],
    ["1.2.3.6", 6, 50],
  ] as const) {
    const id = { orig_h: h, orig_p: 1234, resp_h: "4.3.2.1", resp_p: 80, proto: 6, transport: "tcp" as const };
    software.found(id, { name: "Java", host: h, version: { major: 1, minor, minor2: 0, minor3 } });
  }
  logs.closeAll();
  const notices = logs.text("notice");
  const rows = notices
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => l.split("\t").slice(10, 14));
  assert.deepEqual(rows, [
    ["Software::Vulnerable_Version", "1.2.3.4 is running Java 1.7.0.15 which is vulnerable.", "Java 1.7.0.15", "1.2.3.4"],
    ["Software::Vulnerable_Version", "1.2.3.5 is running Java 1.6.0.43 which is vulnerable.", "Java 1.6.0.43", "1.2.3.5"],
  ]);
  const zeek = zeekSource();
  if (zeek === null) return;
  const baseline = zeek.read("testing/btest/Baseline/scripts.policy.frameworks.software.vulnerable/notice.log");
  assert.equal(canonicalBtestLog(notices), canonicalBtestLog(baseline), "notice.log is the btest's baseline");
});

test("vulnerable: with no ranges it adds nothing to the software framework", () => {
  const { software } = loadScript(VULNERABLE_SCRIPT, 1000);
  assert.equal((software as unknown as { loggedListeners: unknown[] }).loggedListeners.length, 0);
});
