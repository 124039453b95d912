/**
 * bronze-cut, zeek-cut's twin: each option on logs made here, on a log bronze
 * writes from samples/sample.pcap, zeek-cut's own btests replayed (when
 * zeek-aux's or Zeek's source is at hand), and input that is not a log.
 * The built command (dist/bronze-cut.js) is run, as a user runs it.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type TestContext, test } from "node:test";
import { usageText } from "../../src/cut/args.js";
import { breakDown } from "../../src/cut/clock.js";
import { strftime } from "../../src/cut/strftime.js";
import { oracleMissing, repoRoot } from "../helpers/corpus.js";
import { auxSource, type CutBtestSource, replayCutBtests, zeekCutSource } from "./zeek-cut-btests.js";
import { buildZeekCut, differences, oracleCases } from "./zeek-cut-oracle.js";

const CUT = join(repoRoot(), "dist", "bronze-cut.js");

interface Run {
  status: number | null;
  out: string;
  err: string;
}

/** Runs bronze-cut on `input` (bytes as latin1); TZ is UTC and no time format is set unless `env` says so. */
function cut(args: string[], input: string | Buffer, env: Record<string, string> = {}): Run {
  const base: NodeJS.ProcessEnv = { ...process.env, TZ: "UTC" };
  delete base.ZEEK_CUT_TIMEFMT;
  delete base.BRO_CUT_TIMEFMT;
  const r = spawnSync(process.execPath, [CUT, ...args], {
    input: typeof input === "string" ? Buffer.from(input, "latin1") : input,
    env: { ...base, ...env },
    maxBuffer: 1 << 30,
  });
  return { status: r.status, out: r.stdout.toString("latin1"), err: r.stderr.toString("latin1") };
}

/** A Zeek ASCII log: header block, rows (fields joined by tabs). */
function log(fields: string[], types: string[], rows: string[][], opts: { sep?: string; unset?: string; path?: string } = {}): string {
  const sep = opts.sep ?? "\t";
  const sepName = sep === "\t" ? "\\x09" : `\\x${sep.charCodeAt(0).toString(16).padStart(2, "0")}`;
  const head = [
    `#separator ${sepName}`,
    `#set_separator${sep},`,
    `#empty_field${sep}(empty)`,
    `#unset_field${sep}${opts.unset ?? "-"}`,
    `#path${sep}${opts.path ?? "conn"}`,
    `#open${sep}2026-12-06-15-00-00`,
    `#fields${sep}${fields.join(sep)}`,
    `#types${sep}${types.join(sep)}`,
  ];
  return `${[...head, ...rows.map((r) => r.join(sep)), `#close${sep}2026-12-06-15-00-01`].join("\n")}\n`;
}

const CONN = log(
  ["ts", "uid", "id.orig_h", "proto"],
  ["time", "string", "addr", "enum"],
  [
    ["1329843175.680248", "CjhGID4nQcgTWjvg4c", "141.142.220.235", "tcp"],
    ["1329843179.871641", "CCvvfg3TEfuqmmG4bh", "141.142.220.236", "udp"],
  ],
);
/** A second log whose columns are in another order and differ: conn's `proto` missing, `name` new. */
const OTHER = log(["uid", "name", "ts"], ["string", "string", "time"], [["C1", "n1", "0.5"]], { sep: ",", path: "other" });

test("no columns: every field of every data line, no header", () => {
  const r = cut([], CONN);
  assert.equal(r.status, 0);
  assert.equal(r.out, "1329843175.680248\tCjhGID4nQcgTWjvg4c\t141.142.220.235\ttcp\n1329843179.871641\tCCvvfg3TEfuqmmG4bh\t141.142.220.236\tudp\n");
  assert.equal(r.err, "");
});

test("columns by name, in the order given, a missing one empty", () => {
  assert.equal(cut(["proto", "uid"], CONN).out, "tcp\tCjhGID4nQcgTWjvg4c\nudp\tCCvvfg3TEfuqmmG4bh\n");
  assert.equal(cut(["uid", "nosuch", "proto"], CONN).out, "CjhGID4nQcgTWjvg4c\t\ttcp\nCCvvfg3TEfuqmmG4bh\t\tudp\n");
  assert.equal(cut(["ts", "ts"], CONN).out.split("\n")[0], "1329843175.680248\t1329843175.680248");
});

test("concatenated logs: each block cut by its own #fields and #separator", () => {
  const r = cut(["uid", "proto", "ts"], CONN + OTHER);
  assert.equal(r.out.split("\n")[2], "C1,,0.5", "the second log's separator, its own column order, proto missing");
});

test("-c shows the first header block, -C every one; #fields and #types are cut too", () => {
  const c = cut(["-c", "uid", "ts"], CONN + OTHER).out.split("\n");
  assert.equal(c[0], "#separator \\x09");
  assert.equal(c[6], "#fields\tuid\tts");
  assert.equal(c[7], "#types\tstring\ttime");
  assert.equal(c.filter((l) => l.startsWith("#fields")).length, 1);
  assert.ok(!c.includes("#close\t2026-12-06-15-00-01"), "the first log's #close opens the second header block, which -c does not show");
  const C = cut(["-C", "uid", "ts"], CONN + OTHER).out.split("\n");
  assert.deepEqual(
    C.filter((l) => l.startsWith("#fields")),
    ["#fields\tuid\tts", "#fields,uid,ts"],
  );
});

test("-m/-M: the column names only, once or per block; the last header option wins", () => {
  assert.equal(cut(["-m", "uid", "proto"], CONN).out, "uid\tproto\nCjhGID4nQcgTWjvg4c\ttcp\nCCvvfg3TEfuqmmG4bh\tudp\n");
  const M = cut(["-M", "uid"], CONN + OTHER).out.split("\n");
  assert.deepEqual(
    M.filter((l) => l === "uid"),
    ["uid", "uid"],
  );
  assert.equal(cut(["-M", "-c", "uid"], CONN).out.split("\n")[0], "#separator \\x09", "-c after -M: full header");
});

test("-n prints every column except those named", () => {
  assert.equal(cut(["-n", "ts", "id.orig_h"], CONN).out, "CjhGID4nQcgTWjvg4c\ttcp\nCCvvfg3TEfuqmmG4bh\tudp\n");
  assert.equal(cut(["-c", "-n", "uid"], CONN).out.split("\n")[6], "#fields\tts\tid.orig_h\tproto");
  assert.equal(cut(["-n"], CONN).out, cut([], CONN).out, "-n without names: all");
});

test("-F sets the output separator, also on header lines; it must be one character", () => {
  assert.equal(cut(["-F", ",", "uid", "proto"], CONN).out.split("\n")[0], "CjhGID4nQcgTWjvg4c,tcp");
  assert.equal(cut(["-F:", "-c", "uid"], CONN).out.split("\n")[6], "#fields:uid");
  const r = cut(["-F", "ab"], CONN);
  assert.deepEqual([r.status, r.out, r.err], [1, "", "bronze-cut: field separator must be a single character\n"]);
});

test("-d/-u: time columns (by #types) in Zeek's format, fraction cut off; #types says string", () => {
  const u = cut(["-u", "-c", "ts", "uid"], CONN).out.split("\n");
  assert.equal(u[7], "#types\tstring\tstring");
  assert.equal(u[8], "2012-02-21T16:52:55+0000\tCjhGID4nQcgTWjvg4c");
  assert.equal(cut(["-d", "ts"], CONN, { TZ: "PST+8" }).out.split("\n")[0], "2012-02-21T08:52:55-0800");
  assert.equal(cut(["-d", "ts"], CONN, { TZ: "America/New_York" }).out.split("\n")[0], "2012-02-21T11:52:55-0500");
  assert.equal(cut(["-d", "ts"], CONN, { TZ: "Europe/Berlin" }).out.split("\n")[0], "2012-02-21T17:52:55+0100");
  assert.equal(cut(["-u", "ts"], CONN, { ZEEK_CUT_TIMEFMT: "%F %T %Z" }).out.split("\n")[0], "2012-02-21 16:52:55 GMT");
});

test("the local zone as glibc reads TZ: zone files (offsets and abbreviations over the years), POSIX rules", (t) => {
  const at = (tz: string, ts: string): string => cut(["-D", "%F %T %z %Z", "ts"], log(["ts"], ["time"], [[ts]]), { TZ: tz }).out.replace(/\n$/, "");
  assert.equal(at("CET-1CEST,M3.5.0,M10.5.0/3", "1711846799.9"), "2024-03-31 01:59:59 +0100 CET");
  assert.equal(at("CET-1CEST,M3.5.0,M10.5.0/3", "1711846800.0"), "2024-03-31 03:00:00 +0200 CEST");
  assert.equal(at("AEST-10AEDT,M10.1.0,M4.1.0/3", "1704067200.0"), "2024-01-01 11:00:00 +1100 AEDT", "southern hemisphere: summer spans the new year");
  assert.equal(at("<+0330>-3:30", "0.0"), "1970-01-01 03:30:00 +0330 +0330");
  assert.equal(at("", "0.0"), "1970-01-01 00:00:00 +0000 UTC", "an empty TZ is UTC");
  if (!existsSync("/usr/share/zoneinfo/Europe/Berlin")) return oracleMissing(t, "no /usr/share/zoneinfo: zone files not read");
  assert.equal(at("Europe/Berlin", "1329843175.5"), "2012-02-21 17:52:55 +0100 CET");
  assert.equal(at(":Europe/Berlin", "1720000000.5"), "2024-07-03 11:46:40 +0200 CEST");
  assert.equal(at("Asia/Kolkata", "0.0"), "1970-01-01 05:30:00 +0530 IST");
  assert.equal(at("America/New_York", "4000000000.0"), "2096-10-02 03:06:40 -0400 EDT", "after the file's last transition: its POSIX footer");
  assert.equal(at("Foo/Bar", "0.0"), "1970-01-01 00:00:00 +0000 Foo", "a zone with no file: UTC, named by TZ's first letters (glibc)");
  assert.equal(at("XY", "0.0"), "1970-01-01 00:00:00 +0000 ");
});

test("-D/-U take a strftime format, which wins over ZEEK_CUT_TIMEFMT; the last time option wins", () => {
  const env = { ZEEK_CUT_TIMEFMT: "%H%M_%y%m%d", TZ: "PST+8" };
  assert.equal(cut(["-d", "ts"], CONN, env).out.split("\n")[0], "0852_120221");
  assert.equal(
    cut(["-U", "%s %j %a %b %e", "ts"], CONN, env).out.split("\n")[0],
    "1329871975 052 Tue Feb 21",
    "%s is mktime's: the UTC fields read as local (PST) time, as glibc does",
  );
  assert.equal(cut(["-D", "%s %Z", "ts"], CONN, env).out.split("\n")[0], "1329843175 PST");
  assert.equal(cut(["-U", "%H", "-d", "ts"], CONN, env).out.split("\n")[0], "08", "-d after -U: local, -U's format");
  const empty = cut(["-D", "", "ts"], CONN);
  assert.deepEqual([empty.status, empty.err], [1, "bronze-cut: time format string cannot be empty\n"]);
});

test("time values zeek-cut cannot convert pass through with its messages", () => {
  const bad = log(
    ["t", "n"],
    ["time", "count"],
    [
      ["hello", "a"],
      ["-5.5", "b"],
      ["77777777777777777777", "c"],
      ["", "d"],
      ["123", "e"],
      ["-", "f"],
      ["99999999999999999.0", "g"],
    ],
  );
  const r = cut(["-u"], bad);
  assert.equal(r.status, 0);
  assert.equal(r.out, "hello\ta\n-5.5\tb\n77777777777777777777\tc\n\td\n123\te\n-\tf\n99999999999999999.0\tg\n");
  assert.deepEqual(r.err.split("\n"), [
    "bronze-cut: time field is not valid: hello",
    "bronze-cut: time value out-of-range: -5.5",
    "bronze-cut: time value out-of-range: 77777777777777777777",
    "bronze-cut: time field is not valid: ",
    "bronze-cut: time field is not valid: 123",
    "bronze-cut: time value out-of-range: 99999999999999999.0",
    "",
  ]);
  const long = cut(["-U", "%c".repeat(10), "ts"], CONN);
  assert.equal(long.out.split("\n")[0], "1329843175.680248", "a result over zeek-cut's 100 bytes: the field as is");
  assert.match(long.err, /^bronze-cut: failed to convert timestamp \(try a shorter format string\)\n/);
});

test("-h and bad options: zeek-cut's help on stdout, status 1", () => {
  for (const args of [["-h"], ["--help"], ["--he"]]) assert.deepEqual(cut(args, ""), { status: 1, out: usageText("bronze-cut"), err: "" });
  const bad = cut(["-x"], "");
  assert.deepEqual([bad.status, bad.err], [1, "bronze-cut: invalid option -- 'x'\n"]);
  assert.equal(cut(["-F"], "").err, "bronze-cut: option requires an argument -- 'F'\n");
  assert.equal(cut(["uid", "-m"], CONN).out.split("\n")[0], "uid", "options after column names (GNU getopt)");
  assert.equal(cut(["--", "-m"], CONN).out.split("\n")[0], "", "after --, a column name");
});

test("header errors end the run with status 1 and one line", () => {
  const noTypes = CONN.replace(/#types[^\n]*\n/, "");
  assert.deepEqual(pick(cut([], noTypes)), [1, "bronze-cut: bad log header (missing #types line)\n"]);
  const noFields = CONN.replace(/#fields[^\n]*\n/, "");
  assert.deepEqual(pick(cut(["-C"], noFields)), [1, "bronze-cut: bad log header (missing #fields line)\n"]);
  assert.deepEqual(pick(cut([], CONN.replace("#separator \\x09", "#separator \\x00"))), [1, "bronze-cut: bad log header (invalid #separator line)\n"]);
  assert.deepEqual(pick(cut([], CONN.replace("#unset_field\t-", "#unset_field"))), [1, "bronze-cut: bad log header (invalid #unset_field line)\n"]);
});

function pick(r: Run): [number | null, string] {
  return [r.status, r.err];
}

test("#unset_field: an unset time is not an invalid one", () => {
  const l = log(["ts", "t2"], ["time", "time"], [["1.0", "(none)"]], { unset: "(none)" });
  const r = cut(["-u"], l);
  assert.deepEqual([r.out, r.err], ["1970-01-01T00:00:01+0000\t(none)\n", ""]);
});

test("strftime: the conversions zeek-cut users write, glibc's C-locale output", () => {
  const t = breakDown(1329843175n, 0, "GMT")!;
  const f = (fmt: string): string => strftime(fmt, t);
  assert.equal(f("%Y-%m-%d %H:%M:%S %z %Z"), "2012-02-21 16:52:55 +0000 GMT");
  assert.equal(f("%y %b %a %j %e %T %F %s %%"), "12 Feb Tue 052 21 16:52:55 2012-02-21 1329843175 %");
  assert.equal(f("%A %B %C %D %R %I %l %p %P %u %w %U %W %V %G %g %k"), "Tuesday February 20 02/21/12 16:52 04  4 PM pm 2 2 08 08 08 2012 12 16");
  assert.equal(f("%c|%x|%X|%r|%h"), "Tue Feb 21 16:52:55 2012|02/21/12|16:52:55|04:52:55 PM|Feb");
  assert.equal(f("%-d %_m %3j %^a %#Z %Ey %Od %q %"), "21  2 052 TUE gmt 12 21 %q %");
  const d = breakDown(1609459199n, -8 * 3600, "PST")!; // 2020-12-31 15:59:59 -0800: ISO week 53 of 2020
  assert.equal(strftime("%V %G %z %j", d), "53 2020 -0800 366");
  assert.equal(strftime("%V %G", breakDown(1609718400n, 0, "GMT")!), "01 2021");
  assert.equal(breakDown(67768036191676800n, 0, "GMT"), null, "beyond struct tm's year: out of range");
  assert.equal(strftime("%F %Y %C", breakDown(253402300800n, 0, "GMT")!), "10000-01-01 10000 100");
});

test("a log bronze writes from samples/sample.pcap cuts like a Zeek log", (t) => {
  const pcap = join(repoRoot(), "samples", "sample.pcap");
  if (!existsSync(pcap) || !existsSync(join(repoRoot(), "dist", "bronze.js"))) return oracleMissing(t, "samples/sample.pcap or dist/bronze.js is missing");
  const dir = mkdtempSync(join(tmpdir(), "bronze-cut-"));
  try {
    const run = spawnSync(process.execPath, [join(repoRoot(), "dist", "bronze.js"), "-r", pcap, "--logdir", dir], { encoding: "utf8" });
    assert.equal(run.status, 0, run.stderr);
    const conn = readFileSync(join(dir, "conn.log"), "latin1");
    const rows = conn.split("\n").filter((l) => l !== "" && !l.startsWith("#"));
    const r = cut(["-u", "-m", "ts", "uid", "id.resp_p", "no_such_column"], conn);
    const out = r.out.replace(/\n$/, "").split("\n");
    assert.equal(r.err, "");
    assert.equal(out[0], "ts\tuid\tid.resp_p\t", "a column the log lacks has an empty name, as in zeek-cut");
    assert.equal(out.length, rows.length + 1);
    for (const [i, line] of out.slice(1).entries()) {
      const [ts, uid] = rows[i]!.split("\t");
      const iso = new Date(Math.floor(Number(ts)) * 1000).toISOString().replace(/\.\d+Z$/, "+0000");
      assert.equal(line.split("\t")[0], iso);
      assert.equal(line.split("\t")[1], uid);
      assert.equal(line.split("\t")[3], "");
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("not a log: binary junk, lines before any header, a huge line: output or one message, never a stack trace", () => {
  const junk = Buffer.alloc(200_000);
  for (let i = 0; i < junk.length; i++) junk[i] = (i * 7919 + (i >> 3)) & 0xff;
  for (const args of [[], ["-d", "ts"], ["-c", "-n", "x"], ["-M", "-u"]]) {
    const r = cut(args, junk);
    assert.equal(r.status === 0 || r.status === 1, true, `${args}: ${r.err}`);
    assert.doesNotMatch(r.err, /\n\s+at |TypeError|RangeError/);
    assert.ok(
      r.err.split("\n").every((l) => l === "" || l.startsWith("bronze-cut: ")),
      r.err.slice(0, 300),
    );
  }
  // No header: as zeek-cut, no columns are known, so each data line gives an empty line.
  assert.deepEqual(pick(cut(["uid"], "a\tb\nc\td\n")), [0, ""]);
  assert.equal(cut(["uid"], "a\tb\nc\td\n").out, "\n\n");
  const wide = "x".repeat(20_000_000);
  const big = cut(["b"], log(["a", "b"], ["string", "string"], [["1", wide]]));
  assert.deepEqual([big.status, big.out.length, big.err], [0, wide.length + 1, ""]);
});

test("a reader that goes away (| head): bronze-cut stops quietly", () => {
  const rows = Array.from({ length: 200_000 }, (_, i) => [`${1700000000 + i}.5`, `C${i}`, "10.0.0.1", "tcp"]);
  const big = log(["ts", "uid", "id.orig_h", "proto"], ["time", "string", "addr", "enum"], rows);
  const r = spawnSync("bash", ["-c", `'${process.execPath}' '${CUT}' -d uid ts | head -1`], {
    input: big,
    encoding: "utf8",
    env: { ...process.env, TZ: "UTC" },
  });
  assert.deepEqual([r.status, r.stdout, r.stderr], [0, "C0\t2023-11-14T22:13:20+0000\n", ""]);
});

test("a line longer than bronze-cut can hold: one message, status 1", { timeout: 120_000 }, () => {
  const r = cut([], Buffer.alloc(256 * 1024 * 1024 + 2, 0x61));
  assert.deepEqual([r.status, r.err], [1, "bronze-cut: line 1 is longer than 268435456 bytes\n"]);
});

/** Replays one source's btests as a test of its own, with the figures as diagnostics. */
function replay(t: TestContext, src: CutBtestSource): void {
  const dir = mkdtempSync(join(tmpdir(), "bronze-cut-btests-"));
  try {
    const { diffs, failures, tests } = replayCutBtests(src, dir);
    const same = diffs.filter((d) => d.identical).length;
    t.diagnostic(`${src.name}: ${tests.length} btests, ${same}/${diffs.length} baselines identical (${diffs.reduce((a, d) => a + d.lines, 0)} lines)`);
    assert.deepEqual(failures, [], "every TEST-EXEC ends as the test expects");
    for (const d of diffs) assert.ok(d.identical, `${d.test}/${d.file}\n${d.detail}`);
    assert.ok(diffs.length > 50, "the btests' baselines were found");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("zeek-aux's zeek-cut btests (BRONZE_ZEEK_AUX_SOURCE)", (t) => {
  const src = auxSource();
  const reason = "zeek-aux's source (BRONZE_ZEEK_AUX_SOURCE: a checkout or bare repository of zeek/zeek-aux) not found: its zeek-cut btests are not replayed";
  // The same btests moved to Zeek with zeek-cut: replayed from there (the next test), they are consulted all the same.
  if (src === null) return zeekCutSource() === null ? oracleMissing(t, reason) : t.skip(`${reason} (Zeek's copy of them is)`);
  replay(t, src);
});

test("Zeek's zeek-cut btests (BRONZE_ZEEK_SOURCE)", (t) => {
  const src = zeekCutSource();
  if (src === null) return oracleMissing(t, "Zeek's source with tools/zeek-cut (BRONZE_ZEEK_SOURCE) not found: its zeek-cut btests are not replayed");
  replay(t, src);
});

test("bronze-cut beside zeek-cut built from its source: 200 generated logs and command lines, same status, output and messages", {
  timeout: 300_000,
}, async (t) => {
  const src = auxSource() ?? zeekCutSource();
  if (src === null) return oracleMissing(t, "neither zeek-aux's (BRONZE_ZEEK_AUX_SOURCE) nor Zeek's source (BRONZE_ZEEK_SOURCE): zeek-cut not built");
  const dir = mkdtempSync(join(tmpdir(), "bronze-cut-oracle-"));
  try {
    const zeekCut = buildZeekCut(src, dir);
    if (zeekCut === null) return oracleMissing(t, "zeek-cut.c could not be compiled (no cc?): not compared with zeek-cut");
    const cases = oracleCases(20261206, 200);
    const diff = await differences(zeekCut, cases);
    t.diagnostic(`zeek-cut from ${src.name}: ${cases.length - diff.length}/${cases.length} runs identical`);
    assert.deepEqual(diff.slice(0, 3), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
