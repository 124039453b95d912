/**
 * Zeek's GeoIP functions over files (src/geoip/geoip.ts): which database
 * files open (mmdb_dir, the City → Country fallback, mmdb_dir_fallbacks),
 * which fields are read, and the messages of missing, broken and replaced
 * files, as Zeek's MMDB.cc words them.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type TestContext, test } from "node:test";
import { GeoIp, type GeoIpHost } from "../../src/geoip/geoip.js";
import { applySetting, defaultSettings } from "../../src/options.js";
import { type MmdbIn, writeMmdb } from "../helpers/mmdb-writer.js";

const CITY = new Map<string, MmdbIn>([
  [
    "city",
    new Map([
      [
        "names",
        new Map([
          ["de", "Berkeley (de)"],
          ["en", "Berkeley"],
        ]),
      ],
    ]),
  ],
  ["country", new Map<string, MmdbIn>([["iso_code", "US"]])],
  [
    "location",
    new Map<string, MmdbIn>([
      ["latitude", { double: 37.751 }],
      ["longitude", { double: -97.822 }],
    ]),
  ],
  ["subdivisions", [new Map([["iso_code", "CA"]]), new Map([["iso_code", "XX"]])]],
]);
const COUNTRY = new Map<string, MmdbIn>([["country", new Map<string, MmdbIn>([["iso_code", "DE"]])]]);
const ASN = new Map<string, MmdbIn>([
  ["autonomous_system_number", { uint32: 16 }],
  ["autonomous_system_organization", "Lawrence Berkeley National Laboratory"],
]);

interface Harness {
  dir: string;
  geo: GeoIp;
  host: GeoIpHost & { clock: { now: number } };
  messages: string[];
  write(name: string, value: MmdbIn): string;
  /** Opens an IPv4-only location database holding CITY for 128.3.0.0/16. */
  openIpv4(): void;
}

/** A GeoIp over a temporary directory (removed when test `t` ends), its messages collected. */
function harness(t: TestContext, settings: Partial<GeoIpHost["settings"]> = {}): Harness {
  const dir = mkdtempSync(join(tmpdir(), "bronze-geoip-"));
  t.after(() => rmSync(dir, { recursive: true }));
  const host = { clock: { now: 0 }, settings: { ...defaultSettings(), mmdb_dir_fallbacks: [] as string[], ...settings } };
  const geo = new GeoIp(host);
  const messages: string[] = [];
  geo.reporter = { info: (m) => messages.push(`info: ${m}`), error: (m) => messages.push(`error: ${m}`) };
  const write = (name: string, value: MmdbIn): string => {
    const path = join(dir, name);
    writeFileSync(path, writeMmdb([["128.3.0.0/16", value]]));
    return path;
  };
  const openIpv4 = (): void => {
    const path = join(dir, "v4.mmdb");
    writeFileSync(path, writeMmdb([["128.3.0.0/16", CITY]], { ipVersion: 4 }));
    geo.openLocationDb(path);
  };
  return { dir, geo, host, messages, write, openIpv4 };
}

test("geoip: the City database in mmdb_dir gives the five fields (English city name, first subdivision)", (t) => {
  const h = harness(t);
  h.host.settings.mmdb_dir = h.dir;
  h.write("GeoLite2-City.mmdb", CITY);
  assert.deepEqual(h.geo.lookupLocation("128.3.0.1"), { country_code: "US", region: "CA", city: "Berkeley", latitude: 37.751, longitude: -97.822 });
  assert.deepEqual(h.geo.lookupLocation("10.0.0.1"), {});
  assert.deepEqual(h.messages, []);
});

test("geoip: without a City database the Country one is used (no city, no location)", (t) => {
  const h = harness(t);
  h.host.settings.mmdb_dir = h.dir;
  h.write("GeoLite2-Country.mmdb", COUNTRY);
  const got = h.geo.lookupLocation("128.3.0.1");
  assert.equal(got.country_code, "DE");
  assert.equal(got.city, undefined);
  assert.equal(got.latitude, undefined);
});

test("geoip: the fallback directories are searched for the City database first, then for the Country one", (t) => {
  const h = harness(t);
  const a = join(h.dir, "a");
  const b = join(h.dir, "b");
  for (const d of [a, b]) mkdirSync(d);
  h.host.settings.mmdb_dir = join(h.dir, "absent");
  h.host.settings.mmdb_dir_fallbacks = [a, b];
  h.write("a/GeoLite2-Country.mmdb", COUNTRY);
  h.write("b/GeoLite2-City.mmdb", CITY);
  assert.equal(h.geo.lookupLocation("128.3.0.1").country_code, "US");
});

test("geoip: mmdb_city_db, mmdb_country_db and mmdb_asn_db name the files", (t) => {
  const h = harness(t);
  Object.assign(h.host.settings, { mmdb_dir: h.dir, mmdb_city_db: "mine.mmdb", mmdb_asn_db: "as.mmdb" });
  h.write("mine.mmdb", CITY);
  h.write("as.mmdb", ASN);
  assert.equal(h.geo.lookupLocation("128.3.0.1").city, "Berkeley");
  assert.deepEqual(h.geo.lookupAutonomousSystem("128.3.0.1"), { number: 16, organization: "Lawrence Berkeley National Laboratory" });
  assert.deepEqual(h.geo.lookupAutonomousSystem("2607:f140::1"), {});
});

test("geoip: a missing database is an empty record and one error per database; it is picked up once it appears", (t) => {
  const h = harness(t);
  h.host.settings.mmdb_dir = h.dir;
  assert.deepEqual(h.geo.lookupLocation("128.3.0.1"), {});
  assert.deepEqual(h.geo.lookupLocation("128.3.0.2"), {});
  assert.deepEqual(h.geo.lookupAutonomousSystem("128.3.0.1"), {});
  assert.deepEqual(h.messages, [
    "error: Failed to open GeoIP location database (lookup_location(128.3.0.1))",
    "error: Failed to open GeoIP ASN database (lookup_autonomous_system(128.3.0.1))",
  ]);
  // The path last tried is the one tried again (Zeek's filename stays set): the Country database.
  h.write("GeoLite2-Country.mmdb", COUNTRY);
  assert.equal(h.geo.lookupLocation("128.3.0.1").country_code, "DE");
});

test("geoip: a file that is not a database is an info message naming it, and an error", (t) => {
  const h = harness(t);
  h.host.settings.mmdb_dir = h.dir;
  writeFileSync(join(h.dir, "GeoLite2-City.mmdb"), "garbage");
  assert.deepEqual(h.geo.lookupLocation("128.3.0.1"), {});
  assert.deepEqual(h.messages, [
    `info: Failed to open MaxMind DB: ${h.dir}/GeoLite2-City.mmdb [The MaxMind DB file contains invalid metadata]`,
    "error: Failed to open GeoIP location database (lookup_location(128.3.0.1))",
  ]);
});

test("geoip: explicit opens (mmdb_open_location_db, mmdb_open_asn_db) and the stale check's reopening", (t) => {
  const h = harness(t);
  const city = h.write("city.mmdb", CITY);
  assert.equal(h.geo.openLocationDb(city), true);
  assert.equal(h.geo.openAsnDb(join(h.dir, "none.mmdb")), false);
  h.host.clock.now = 1000;
  assert.equal(h.geo.lookupLocation("128.3.0.1").city, "Berkeley");
  utimesSync(city, 5000, 5000);
  // Within mmdb_stale_check_interval of the last check: not looked at.
  h.host.clock.now = 1100;
  assert.equal(h.geo.lookupLocation("128.3.0.1").city, "Berkeley");
  assert.deepEqual(h.messages, []);
  h.host.clock.now = 1400;
  assert.equal(h.geo.lookupLocation("128.3.0.1").city, "Berkeley");
  assert.deepEqual(h.messages, [`info: Modification time change detected for MaxMind DB [${city}]`, `info: Closing stale MaxMind DB [${city}]`]);
});

test("geoip: an IPv6 lookup in an IPv4 database is an info message and closes it; the next lookup reopens it", (t) => {
  const h = harness(t);
  h.openIpv4();
  assert.deepEqual(h.geo.lookupLocation("2607:f140::1"), {});
  assert.deepEqual(h.messages, ["info: MaxMind DB lookup location error [You attempted to look up an IPv6 address in an IPv4-only database]"]);
  assert.equal(h.geo.lookupLocation("128.3.0.1").city, "Berkeley");
});

test("geoip: at most 20 messages per 300 seconds of network time", (t) => {
  const h = harness(t);
  h.openIpv4();
  for (let i = 0; i < 30; i++) h.geo.lookupLocation("2607:f140::1");
  assert.equal(h.messages.length, 20);
  h.host.clock.now = 301;
  h.geo.lookupLocation("2607:f140::1");
  assert.equal(h.messages.length, 21);
});

test("geoip: UTF-8 names come as Zeek strings (their bytes, one character each)", (t) => {
  const h = harness(t);
  h.geo.openLocationDb(h.write("c.mmdb", new Map<string, MmdbIn>([["city", new Map([["names", new Map([["en", "Zürich"]])]])]])));
  assert.equal(h.geo.lookupLocation("128.3.0.1").city, Buffer.from("Zürich", "utf8").toString("latin1"));
});

test("geoip settings: mmdb_dir_fallbacks is a vector (order and repeats kept, += appends), mmdb_stale_check_interval may be negative (never)", () => {
  const s = defaultSettings();
  applySetting(s, 'mmdb_dir_fallbacks=vector("/a", "/b", "/a")');
  applySetting(s, 'mmdb_dir_fallbacks+=vector("/c")');
  assert.deepEqual(s.mmdb_dir_fallbacks, ["/a", "/b", "/a", "/c"]);
  assert.throws(() => applySetting(s, 'mmdb_dir_fallbacks={"/c"}'), /not a vector of strings/);
  applySetting(s, "mmdb_stale_check_interval=-1sec");
  assert.equal(s.mmdb_stale_check_interval, -1);
  applySetting(s, 'mmdb_dir="/var/db/geoip"');
  assert.equal(s.mmdb_dir, "/var/db/geoip");
});
