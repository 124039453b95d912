/**
 * The MaxMind DB reader against broken files: random byte flips and every
 * truncation of Zeek's test databases (when $BRONZE_ZEEK_SOURCE gives them)
 * and of databases of our own with every data type and pointers. Opening
 * and looking up may fail only with an MmdbError, and never hang; Zeek's
 * lookups over such files (GeoIp) never throw at all.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { GeoIp } from "../../src/geoip/geoip.js";
import { MaxMindDb, MmdbError } from "../../src/geoip/mmdb.js";
import { defaultSettings } from "../../src/options.js";
import { parseAddress } from "../../src/scripts/site.js";
import { type MmdbIn, writeMmdb } from "../helpers/mmdb-writer.js";
import { rng } from "../helpers/rng.js";
import { zeekSource } from "../signatures/btest-harness.js";

const ADDRESSES = ["128.3.0.1", "131.243.9.9", "2607:f140::1", "10.0.0.1", "fc00::1", "::", "255.255.255.255"].map((a) => parseAddress(a)!);
const PATHS = [["country", "iso_code"], ["subdivisions", "0", "iso_code"], ["city", "names", "en"], ["location", "latitude"], ["autonomous_system_number"]];

/** Everything a reader does with a file; an error other than MmdbError fails the test. */
function exercise(bytes: Uint8Array): void {
  try {
    const db = MaxMindDb.open(bytes);
    for (const a of ADDRESSES) {
      try {
        const r = db.lookup(a);
        if (r === null) continue;
        for (const p of PATHS) {
          try {
            db.get(r, ...p);
          } catch (error) {
            if (!(error instanceof MmdbError)) throw error;
          }
        }
        db.decode(r);
      } catch (error) {
        if (!(error instanceof MmdbError)) throw error;
      }
    }
  } catch (error) {
    if (!(error instanceof MmdbError)) throw error;
  }
}

/** `bytes` with 1-4 random bytes changed (a flip of one bit, or a random byte). */
function mutate(bytes: Uint8Array, r: () => number): Uint8Array {
  const out = Uint8Array.from(bytes);
  const n = 1 + Math.floor(r() * 4);
  for (let i = 0; i < n; i++) {
    const at = Math.floor(r() * out.length);
    out[at] = r() < 0.5 ? out[at]! ^ (1 << Math.floor(r() * 8)) : Math.floor(r() * 256);
  }
  return out;
}

const OWN = new Map<string, MmdbIn>([
  [
    "country",
    new Map<string, MmdbIn>([
      ["iso_code", "US"],
      [
        "names",
        new Map([
          ["en", "United States"],
          ["de", "Vereinigte Staaten"],
        ]),
      ],
    ]),
  ],
  ["subdivisions", [new Map([["iso_code", "CA"]])]],
  [
    "location",
    new Map<string, MmdbIn>([
      ["latitude", { double: 37.751 }],
      ["longitude", { float: -97.8 }],
    ]),
  ],
  ["n", [{ uint16: 1 }, { uint32: 2 }, { int32: -3 }, { uint64: 4n }, { uint128: 5n }, true, { bytes: Uint8Array.of(1, 2) }]],
]);

/** The databases fuzzed: ours (each record size, with pointers), and Zeek's when its source is there. */
function databases(): Array<[string, Uint8Array]> {
  const own: Array<[string, Uint8Array]> = ([24, 28, 32] as const).map((recordSize) => [
    `own ${recordSize}-bit`,
    writeMmdb(
      [
        ["128.3.0.0/16", OWN],
        ["2607:f140::/32", OWN],
      ],
      { recordSize, dedupe: true, prefix: ["country", "iso_code", "names", "en", "US"] },
    ),
  ]);
  const zeek = zeekSource();
  if (zeek === null) return own;
  const files = ["GeoLite2-City.mmdb", "GeoLite2-ASN.mmdb"].map((f): [string, Uint8Array] => [
    f,
    Buffer.from(zeek.read(`testing/btest/Files/mmdb/${f}`), "latin1"),
  ]);
  return [...own, ...files];
}

test("mmdb fuzz: random byte flips end in a lookup or an MmdbError, never another exception or a hang", () => {
  const r = rng(0x6e01);
  for (const [name, bytes] of databases()) {
    exercise(bytes);
    const started = Date.now();
    for (let i = 0; i < 1500; i++) exercise(mutate(bytes, r));
    assert.ok(Date.now() - started < 20_000, `${name}: fuzzing took too long`);
  }
});

test("mmdb fuzz: truncations of a database (every 7th length) are an MmdbError or a working reader", () => {
  for (const [, bytes] of databases()) for (let n = 0; n < bytes.length; n += 7) exercise(bytes.subarray(0, n));
});

test("mmdb fuzz: Zeek's lookups over broken files return records and never throw", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "bronze-mmdb-fuzz-"));
  t.after(() => rmSync(dir, { recursive: true }));
  const r = rng(0x6e02);
  const geo = new GeoIp({ clock: { now: 0 }, settings: { ...defaultSettings(), mmdb_dir_fallbacks: [] } });
  let messages = 0;
  geo.reporter = { info: () => void messages++, error: () => void messages++ };
  for (const [, bytes] of databases()) {
    for (let i = 0; i < 60; i++) {
      const path = join(dir, `f${i}.mmdb`);
      writeFileSync(path, mutate(bytes, r));
      geo.openLocationDb(path);
      geo.openAsnDb(path);
      for (const a of ["128.3.0.1", "2607:f140::1", "10.0.0.1"]) {
        assert.equal(typeof geo.lookupLocation(a), "object");
        assert.equal(typeof geo.lookupAutonomousSystem(a), "object");
      }
    }
  }
  // Broken files were reported, not thrown.
  assert.ok(messages > 0);
});
