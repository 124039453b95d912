/**
 * haversineDistance (Zeek's haversine_distance) against what follows from
 * its rule (a sphere of radius 3958.8 miles): half and quarter great
 * circles, symmetry; and GeoIp's haversineDistanceIp (Zeek's
 * haversine_distance_ip) over databases written here: the distance of the
 * two records' coordinates, -1 when either has none. Zeek's own btest is
 * replayed in test/conformance/geoip-distance-btests.test.ts.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type TestContext, test } from "node:test";
import { haversineDistance } from "../../src/geoip/distance.js";
import { GeoIp } from "../../src/geoip/geoip.js";
import { haversineDistance as exported, geoIp } from "../../src/index.js";
import { defaultSettings } from "../../src/options.js";
import { type MmdbIn, writeMmdb } from "../helpers/mmdb-writer.js";

const RADIUS = 3958.8;

function near(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) < 1e-9 * Math.max(1, expected), `${what}: ${actual} ≠ ${expected}`);
}

test("haversineDistance: half a great circle between antipodes, a quarter from the equator to a pole, 0 for one point, either order", () => {
  near(haversineDistance(90, 0, -90, 0), Math.PI * RADIUS, "pole to pole");
  near(haversineDistance(45, -90, -45, 90), Math.PI * RADIUS, "antipodes");
  near(haversineDistance(0, 0, 90, 0), (Math.PI / 2) * RADIUS, "equator to pole");
  near(haversineDistance(0, 0, 0, 90), (Math.PI / 2) * RADIUS, "a quarter of the equator");
  // Across the date line the short way: one degree of the equator, not 359.
  near(haversineDistance(0, 179.5, 0, -179.5), (Math.PI / 180) * RADIUS, "across the date line");
  assert.equal(haversineDistance(37.75, -97.8, 37.75, -97.8), 0);
  assert.equal(haversineDistance(37.866798, -122.253601, 48.25, 11.65), haversineDistance(48.25, 11.65, 37.866798, -122.253601));
  assert.equal(exported, haversineDistance, "in the package's exports");
});

function location(country: string, latitude?: number, longitude?: number): MmdbIn {
  const entries: Array<[string, MmdbIn]> = [["country", new Map<string, MmdbIn>([["iso_code", country]])]];
  if (latitude !== undefined && longitude !== undefined) {
    entries.push([
      "location",
      new Map<string, MmdbIn>([
        ["latitude", { double: latitude }],
        ["longitude", { double: longitude }],
      ]),
    ]);
  }
  return new Map(entries);
}

function geoIpOver(t: TestContext, networks: ReadonlyArray<[string, MmdbIn]>): GeoIp {
  const dir = mkdtempSync(join(tmpdir(), "bronze-geoip-distance-"));
  t.after(() => rmSync(dir, { recursive: true }));
  writeFileSync(join(dir, "GeoLite2-City.mmdb"), writeMmdb(networks));
  return new GeoIp({ clock: { now: 0 }, settings: { ...defaultSettings(), mmdb_dir: dir, mmdb_dir_fallbacks: [] } });
}

test("haversineDistanceIp: the distance between the two addresses' locations; -1 when either has no coordinates", (t) => {
  const geo = geoIpOver(t, [
    ["128.3.0.0/16", location("US", 37.866798, -122.253601)],
    ["2001:db8::/32", location("DE", 48.25, 11.65)],
    ["192.0.2.0/24", location("FR")],
  ]);
  const miles = haversineDistance(37.866798, -122.253601, 48.25, 11.65);
  assert.equal(geo.haversineDistanceIp("128.3.0.1", "2001:db8::1"), miles);
  assert.equal(geo.haversineDistanceIp("2001:db8::1", "128.3.0.1"), miles);
  assert.equal(geo.haversineDistanceIp("128.3.0.1", "128.3.9.9"), 0);
  assert.equal(geo.haversineDistanceIp("128.3.0.1", "192.0.2.1"), -1, "a country without coordinates");
  assert.equal(geo.haversineDistanceIp("10.0.0.1", "128.3.0.1"), -1, "not in the database");
  assert.equal(geo.haversineDistanceIp("128.3.0.1", "not an address"), -1);
});

test("haversineDistanceIp: an engine's geoIp (context.geoip) has it", () => {
  const host = { clock: { now: 0 }, settings: { ...defaultSettings(), mmdb_dir_fallbacks: [] } };
  assert.equal(geoIp(host).haversineDistanceIp("128.3.0.1", "128.3.0.2"), -1);
});
