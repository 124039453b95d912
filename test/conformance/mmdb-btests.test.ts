/**
 * Zeek's core/mmdb/lookup btest, replayed with bronze's GeoIP over Zeek's
 * own test databases (testing/btest/Files/mmdb: LBL's 128.3.0.0/16,
 * 131.243.0.0/16 and 2607:f140::/32, written by MaxMind's mmdbwriter) and
 * compared with its baselines: out.db (the databases in mmdb_dir) and
 * out.nodb (mmdb_dir names no directory). The script's `print`s are made
 * with the printer of Zeek values in test/helpers/zeek-print.ts.
 *
 * Also core/mmdb/reopen and explicit-open: on each of rotation.pcap's first
 * four packets (new_packet) the databases' modification time is set to
 * 2020-01-01T00:0N:00 (before the lookups in reopen, after them in
 * explicit-open, whose databases are opened by name first), and the stale
 * check reopens them; and temporary-error: the files truncated, restored,
 * removed, restored and replaced (a new inode) in turn. Compared are `out`
 * and reporter.log's rows (ts, level,
 * message, paths cut as btest's diff-remove-abspath cuts them). Left out:
 * the last row, "received termination signal", which Zeek's terminate()
 * writes, and the location column, which bronze's reporter leaves unset
 * where Zeek writes an empty string.
 *
 * Zeek's source comes from $BRONZE_ZEEK_SOURCE; without it the tests say
 * so and skip.
 */
import assert from "node:assert/strict";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, truncateSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { Engine } from "../../src/engine.js";
import { type GeoAutonomousSystem, GeoIp, type GeoLocation, geoIp } from "../../src/geoip/geoip.js";
import { loadBuiltinScripts } from "../../src/index.js";
import { defaultSettings } from "../../src/options.js";
import { readTrace } from "../../src/source/open.js";
import { corpusRoot } from "../helpers/corpus.js";
import { parseLogText } from "../helpers/tsv.js";
import { zeekDouble, zeekRecord } from "../helpers/zeek-print.js";
import { zeekSource } from "../signatures/btest-harness.js";

const FILES = "testing/btest/Files/mmdb";
const BASELINE = "testing/btest/Baseline/core.mmdb.lookup";
/** lookup.zeek's do_lookups calls, in its order: two that succeed, two that fail. */
const ADDRESSES = ["128.3.0.1", "2607:f140::1", "10.0.0.1", "fc00::1"];

/** `print` of a geo_location. */
function printLocation(l: GeoLocation): string {
  return zeekRecord([
    ["country_code", l.country_code],
    ["region", l.region],
    ["city", l.city],
    ["latitude", l.latitude, "double"],
    ["longitude", l.longitude, "double"],
  ]);
}

/** `print` of a geo_autonomous_system. */
function printAs(as: GeoAutonomousSystem): string {
  return zeekRecord([
    ["number", as.number, "count"],
    ["organization", as.organization],
  ]);
}

/** What lookup.zeek prints with `dir` as mmdb_dir. */
function lookupOutput(dir: string): string[] {
  // No fallback directory: the baselines were made on a machine without GeoIP databases of its own.
  const geo = new GeoIp({ clock: { now: 0 }, settings: { ...defaultSettings(), mmdb_dir: dir, mmdb_dir_fallbacks: [] } });
  const errors: string[] = [];
  geo.reporter = { info: (m) => errors.push(m), error: (m) => errors.push(m) };
  const lines: string[] = [];
  for (const a of ADDRESSES) {
    lines.push(`${a}, location, ${printLocation(geo.lookupLocation(a))}`);
    lines.push(`${a}, asn, ${printAs(geo.lookupAutonomousSystem(a))}`);
  }
  return lines;
}

/** A baseline's lines without btest-diff's header and the final newline. */
function baseline(text: string): string[] {
  return text.split("\n").filter((l) => l !== "" && !l.startsWith("### BTest baseline"));
}

const zeek = zeekSource();
const skip = zeek === null ? "Zeek's source not found (set BRONZE_ZEEK_SOURCE): its core/mmdb btests are not replayed" : false;

test("Zeek's btest core/mmdb/lookup: out.db, with Zeek's test databases in mmdb_dir", { skip }, (t) => {
  const dir = mkdtempSync(join(tmpdir(), "bronze-mmdb-btest-"));
  t.after(() => rmSync(dir, { recursive: true }));
  const mmdb = join(dir, "mmdb");
  mkdirSync(mmdb);
  for (const name of ["GeoLite2-City.mmdb", "GeoLite2-ASN.mmdb"]) writeFileSync(join(mmdb, name), Buffer.from(zeek!.read(`${FILES}/${name}`), "latin1"));
  assert.deepEqual(lookupOutput(mmdb), baseline(zeek!.read(`${BASELINE}/out.db`)));
});

test("Zeek's btest core/mmdb/lookup: out.nodb, with no database", { skip }, (t) => {
  const dir = mkdtempSync(join(tmpdir(), "bronze-mmdb-btest-"));
  t.after(() => rmSync(dir, { recursive: true }));
  assert.deepEqual(lookupOutput(join(dir, "mmdb")), baseline(zeek!.read(`${BASELINE}/out.nodb`)));
});

/** Writes Zeek's two test databases into `dir`/mmdb; returns that directory. */
function copyDatabases(dir: string): string {
  const mmdb = join(dir, "mmdb");
  mkdirSync(mmdb);
  for (const name of ["GeoLite2-City.mmdb", "GeoLite2-ASN.mmdb"]) writeFileSync(join(mmdb, name), Buffer.from(zeek!.read(`${FILES}/${name}`), "latin1"));
  return mmdb;
}

/** diff-remove-abspath: a path's directories become "<...>/" (Zeek's "./mmdb/x" keeps its "."; ours is absolute, so the "." is dropped on both sides). */
function removeAbspath(line: string): string {
  return line.replace(/\/([^:/ ]+\/)+([^:/ ]+)/g, "<...>/$2").replace(/\.<\.\.\.>\//g, "<...>/");
}

/** What a replayed script works with: the GeoIP functions, its `out` lines, the databases' directory and files. */
interface Replay {
  readonly geo: GeoIp;
  readonly out: string[];
  readonly mmdb: string;
  /** The ASN and the City database. */
  readonly files: readonly string[];
}

/** touch -d 2020-01-01T00:N:00 (local time) on those of `files` that exist, as the scripts do. */
function touch(files: readonly string[], n: number): void {
  const t = new Date(2020, 0, 1, 0, n, 0).getTime() / 1000;
  for (const f of files) if (existsSync(f)) utimesSync(f, t, t);
}

/** The script's lookups of `a`, printed with network time and the packet's number. */
function printLookups(r: Replay, pkt: number, now: number, a: string): void {
  const t = zeekDouble(now);
  r.out.push(`${t}, ${pkt}, ${a}, asn, ${printAs(r.geo.lookupAutonomousSystem(a))}`);
  r.out.push(`${t}, ${pkt}, ${a}, location, ${printLocation(r.geo.lookupLocation(a))}`);
}

/**
 * Runs rotation.pcap with Zeek's databases copied to a directory, `init`
 * once before it and `onPacket` at each new_packet (with the packet's
 * number, from 1) until it returns false (the script's terminate());
 * returns `out` and reporter.log's rows cut to ts, level and message.
 */
async function replay(
  settings: (mmdb: string) => string[],
  init: (r: Replay) => void,
  onPacket: (r: Replay, pkt: number, now: number) => boolean,
): Promise<{ out: string[]; reporter: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), "bronze-mmdb-reopen-"));
  try {
    const mmdb = copyDatabases(dir);
    const engine = new Engine({ settings: settings(mmdb) });
    const scripts = loadBuiltinScripts(engine, { memory: true, stderr: null, bare: true, loads: ["base/frameworks/reporter"] });
    const r: Replay = { geo: geoIp(engine, scripts.reporter), out: [], mmdb, files: [join(mmdb, "GeoLite2-ASN.mmdb"), join(mmdb, "GeoLite2-City.mmdb")] };
    init(r);
    let pkt = 0;
    let running = true;
    engine.on("new_packet", () => {
      if (running) running = onPacket(r, ++pkt, engine.clock.now);
    });
    await engine.run(readTrace(ROTATION));
    scripts.close();
    const { fields, rows } = parseLogText(scripts.logs.text("reporter"));
    const keep = ["ts", "level", "message"].map((f) => fields.indexOf(f));
    return { out: r.out, reporter: rows.map((row) => removeAbspath(keep.map((i) => row[i]).join("\t"))) };
  } finally {
    rmSync(dir, { recursive: true });
  }
}

/** reopen.zeek (mmdb_dir, touch before the lookups) or explicit-open.zeek (databases opened by name, touch after), for four packets. */
function replayReopen(explicit: boolean): Promise<{ out: string[]; reporter: string[] }> {
  return replay(
    (mmdb) => (explicit ? [] : [`mmdb_dir=${mmdb}`]),
    (r) => {
      if (explicit) assert.ok(r.geo.openAsnDb(r.files[0]!) && r.geo.openLocationDb(r.files[1]!));
    },
    (r, pkt, now) => {
      if (!explicit) touch(r.files, pkt);
      for (const a of ["128.3.0.1", "131.243.0.1"]) printLookups(r, pkt, now, a);
      if (explicit) touch(r.files, pkt);
      return pkt < 4;
    },
  );
}

/** temporary-error.zeek: the databases truncated, restored, removed, restored, and replaced by a copy (a new inode), one step a packet. */
function replayTemporaryError(): Promise<{ out: string[]; reporter: string[] }> {
  /** Runs `fn` on each database file and its backup in mmdb-backup/. */
  const each = (r: Replay, fn: (file: string, backup: string) => void): void => {
    for (const f of r.files) fn(f, f.replace("/mmdb/", "/mmdb-backup/"));
  };
  const restore = (r: Replay): void =>
    each(r, (f, b) => {
      copyFileSync(b, f);
    });
  return replay(
    (mmdb) => [`mmdb_dir=${mmdb}`, "mmdb_dir_fallbacks=vector()"],
    (r) => {
      mkdirSync(join(r.mmdb, "..", "mmdb-backup"));
      each(r, (f, b) => {
        copyFileSync(f, b);
        touch([f, b], 0);
      });
    },
    (r, pkt, now) => {
      const step: Record<number, [string, () => void]> = {
        1: ["start", () => {}],
        2: ["corrupting db", () => each(r, (f) => truncateSync(f, 8))],
        3: ["restoring backup db", () => restore(r)],
        4: ["unlinking", () => each(r, (f) => rmSync(f))],
        5: ["restoring backup db", () => restore(r)],
        6: [
          "unlinking and restoring",
          () =>
            each(r, (f) => {
              renameSync(f, `${f}.tmp`);
              copyFileSync(`${f}.tmp`, f);
            }),
        ],
      };
      const [said, act] = step[pkt] ?? ["done", () => {}];
      r.out.push(said);
      act();
      if (pkt === 7) return false;
      touch(r.files, pkt);
      printLookups(r, pkt, now, "128.3.0.1");
      return true;
    },
  );
}

/** A reporter.log baseline's rows, cut to ts, level and message, without terminate()'s row. */
function reporterBaseline(text: string): string[] {
  const { fields, rows } = parseLogText(baseline(text).join("\n").replace(/^ts\t/, "#fields\tts\t"));
  const keep = ["ts", "level", "message"].map((f) => fields.indexOf(f));
  return rows.map((r) => removeAbspath(keep.map((i) => r[i]).join("\t"))).filter((r) => !r.endsWith("received termination signal"));
}

const ROTATION = join(corpusRoot(), "zeek", "traces", "rotation.pcap");
const skipReplay = skip !== false ? skip : existsSync(ROTATION) ? false : "corpus trace zeek/traces/rotation.pcap absent";

for (const [name, run] of [
  ["reopen", () => replayReopen(false)],
  ["explicit-open", () => replayReopen(true)],
  ["temporary-error", replayTemporaryError],
] as const) {
  test(`Zeek's btest core/mmdb/${name}: databases whose files change are closed and reopened, as out and reporter.log say`, { skip: skipReplay }, async () => {
    const { out, reporter } = await run();
    const base = `testing/btest/Baseline/core.mmdb.${name}`;
    assert.deepEqual(out, baseline(zeek!.read(`${base}/out`)));
    // Each test's reopenings write messages: a comparison of two empty lists would prove nothing.
    assert.ok(reporter.length > 0);
    assert.deepEqual(reporter, reporterBaseline(zeek!.read(`${base}/reporter.log`)));
  });
}
