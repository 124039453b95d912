/**
 * Zeek's btest bifs/haversine_distance, replayed with bronze's
 * haversineDistance: the btest's own calls (`test(lat1, long1, lat2,
 * long2);`, read from its script) printed as its `fmt("%.4e", …)` prints
 * them, compared with its baseline. And base/utils/geoip-distance's
 * haversine_distance_ip over Zeek's test databases
 * (testing/btest/Files/mmdb): addresses whose locations the core/mmdb/lookup
 * baseline gives, and -1 for an address it has no location for, or with no
 * database at all.
 *
 * Zeek's source comes from $BRONZE_ZEEK_SOURCE; without it the tests say
 * so and skip.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { haversineDistance } from "../../src/geoip/distance.js";
import { GeoIp } from "../../src/geoip/geoip.js";
import { defaultSettings } from "../../src/options.js";
import { cExponent } from "../helpers/zeek-print.js";
import { zeekSource } from "../signatures/btest-harness.js";

const zeek = zeekSource();
const skip = zeek === null ? "Zeek's source not found (set BRONZE_ZEEK_SOURCE): its haversine btests are not replayed" : false;

/** A baseline's lines without btest-diff's header and the final newline. */
function baseline(text: string): string[] {
  return text.split("\n").filter((l) => l !== "" && !l.startsWith("### BTest baseline"));
}

test("Zeek's btest bifs/haversine_distance: its calls print its baseline (%.4e miles)", { skip }, () => {
  const script = zeek!.read("testing/btest/bifs/haversine_distance.zeek");
  const calls = [...script.matchAll(/^\s*test\(([^)]*)\);/gm)].map((m) => m[1]!.split(",").map((a) => Number(a.trim())));
  assert.ok(calls.length >= 7, `the btest's calls were found (${calls.length})`);
  for (const args of calls) assert.equal(args.length, 4, `four doubles: ${args.join(", ")}`);
  const printed = calls.map(([la1, lo1, la2, lo2]) => cExponent(haversineDistance(la1!, lo1!, la2!, lo2!), 4));
  assert.deepEqual(printed, baseline(zeek!.read("testing/btest/Baseline/bifs.haversine_distance/out")));
});

/** A GeoIp over Zeek's test databases (or none: `withDatabases` false), its messages collected. */
function geoIpOverZeekFiles(dir: string, withDatabases: boolean): { geo: GeoIp; messages: string[] } {
  const mmdb = join(dir, "mmdb");
  if (withDatabases) {
    mkdirSync(mmdb);
    for (const name of ["GeoLite2-City.mmdb", "GeoLite2-ASN.mmdb"]) {
      writeFileSync(join(mmdb, name), Buffer.from(zeek!.read(`testing/btest/Files/mmdb/${name}`), "latin1"));
    }
  }
  const geo = new GeoIp({ clock: { now: 0 }, settings: { ...defaultSettings(), mmdb_dir: mmdb, mmdb_dir_fallbacks: [] } });
  const messages: string[] = [];
  geo.reporter = { info: (m) => messages.push(m), error: (m) => messages.push(m) };
  return { geo, messages };
}

/** The latitude and longitude core/mmdb/lookup's out.db baseline prints for `addr`, or null when unset. */
function baselineCoordinates(addr: string): [number, number] | null {
  const line = baseline(zeek!.read("testing/btest/Baseline/core.mmdb.lookup/out.db")).find((l) => l.startsWith(`${addr}, location, `));
  assert.ok(line !== undefined, `out.db has ${addr}'s location`);
  const m = /latitude=([^,\]]+), longitude=([^,\]]+)/.exec(line);
  assert.ok(m !== null);
  return m[1] === "<uninitialized>" || m[2] === "<uninitialized>" ? null : [Number(m[1]), Number(m[2])];
}

test("haversine_distance_ip over Zeek's test databases: the distance of the baseline's locations; -1 without a location", { skip }, (t) => {
  const dir = mkdtempSync(join(tmpdir(), "bronze-geoip-distance-"));
  t.after(() => rmSync(dir, { recursive: true }));
  const { geo, messages } = geoIpOverZeekFiles(dir, true);
  const v4 = baselineCoordinates("128.3.0.1");
  const v6 = baselineCoordinates("2607:f140::1");
  assert.ok(v4 !== null && v6 !== null);
  assert.equal(baselineCoordinates("10.0.0.1"), null);
  assert.equal(geo.haversineDistanceIp("128.3.0.1", "2607:f140::1"), haversineDistance(v4[0], v4[1], v6[0], v6[1]));
  assert.equal(geo.haversineDistanceIp("128.3.0.1", "128.3.0.1"), 0);
  // Not in the database, either side: -1.0, as the function's documentation and code say.
  assert.equal(geo.haversineDistanceIp("128.3.0.1", "10.0.0.1"), -1);
  assert.equal(geo.haversineDistanceIp("10.0.0.1", "2607:f140::1"), -1);
  assert.deepEqual(messages, []);
});

test("haversine_distance_ip with no database: -1, and the one error lookup_location reports", { skip }, (t) => {
  const dir = mkdtempSync(join(tmpdir(), "bronze-geoip-distance-"));
  t.after(() => rmSync(dir, { recursive: true }));
  const { geo, messages } = geoIpOverZeekFiles(dir, false);
  assert.equal(geo.haversineDistanceIp("128.3.0.1", "2607:f140::1"), -1);
  assert.equal(geo.haversineDistanceIp("128.3.0.1", "2607:f140::1"), -1);
  assert.deepEqual(messages, ["Failed to open GeoIP location database (lookup_location(128.3.0.1))"]);
});
