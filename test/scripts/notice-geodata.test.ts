/**
 * The notice framework's add-geodata action (Zeek's
 * base/frameworks/notice/actions/add-geodata): notices of the types in
 * Notice::lookup_location_types get Notice::ACTION_ADD_GEODATA and their
 * remote host's location in notice.log's remote_location columns; other
 * notices, and every notice while the setting is empty, are as before.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { Engine, loadBuiltinScripts } from "../../src/index.js";
import { type MmdbIn, writeMmdb } from "../helpers/mmdb-writer.js";
import { logRecords } from "../helpers/tsv.js";

const LBL = new Map<string, MmdbIn>([
  ["country", new Map<string, MmdbIn>([["iso_code", "US"]])],
  ["city", new Map([["names", new Map([["en", "Berkeley"]])]])],
]);

type Notice = Parameters<ReturnType<typeof loadBuiltinScripts>["notices"]["notice"]>[0];

function notices(settings: string[], raised: Notice[]): Record<string, string>[] {
  const dir = mkdtempSync(join(tmpdir(), "bronze-notice-geo-"));
  try {
    writeFileSync(join(dir, "GeoLite2-City.mmdb"), writeMmdb([["128.3.0.0/16", LBL]]));
    const engine = new Engine({ settings: [`mmdb_dir=${dir}`, "mmdb_dir_fallbacks=vector()", ...settings] });
    const scripts = loadBuiltinScripts(engine, { memory: true, stderr: null });
    for (const n of raised) scripts.notices.notice(n);
    scripts.close();
    return logRecords(scripts.logs.text("notice"));
  } finally {
    rmSync(dir, { recursive: true });
  }
}

const LOCATE = ["Notice::lookup_location_types={Test::Geo}"];

test("add-geodata: a listed type gets ACTION_ADD_GEODATA and the location of its remote host (dst when src is local)", () => {
  const [row] = notices(LOCATE, [{ note: "Test::Geo", src: "10.0.0.1", dst: "128.3.0.5" }]);
  assert.deepEqual(new Set(row!.actions!.split(",")), new Set(["Notice::ACTION_LOG", "Notice::ACTION_ADD_GEODATA"]));
  assert.equal(row!["remote_location.country_code"], "US");
  assert.equal(row!["remote_location.city"], "Berkeley");
});

test("add-geodata: a remote src is looked up before dst; both local, nothing", () => {
  const [remote, local] = notices(LOCATE, [
    { note: "Test::Geo", src: "128.3.0.9", dst: "8.8.8.8" },
    { note: "Test::Geo", src: "10.0.0.1", dst: "192.168.0.1" },
  ]);
  assert.equal(remote!["remote_location.city"], "Berkeley");
  assert.equal(local!["remote_location.city"], "-");
});

test("add-geodata: a location the script gave is written as given; other types are not looked up", () => {
  const [given, other] = notices(LOCATE, [
    { note: "Test::Geo", src: "128.3.0.9", remoteLocation: { country_code: "RO" } },
    { note: "Test::Other", src: "128.3.0.9" },
  ]);
  assert.equal(given!["remote_location.country_code"], "RO");
  assert.equal(given!["remote_location.city"], "-");
  assert.equal(other!.actions, "Notice::ACTION_LOG");
  assert.equal(other!["remote_location.country_code"], "-");
});

test("add-geodata: with Notice::lookup_location_types empty (the default) notices are as before", () => {
  const [row] = notices([], [{ note: "Test::Geo", src: "128.3.0.9" }]);
  assert.equal(row!.actions, "Notice::ACTION_LOG");
  assert.equal(row!["remote_location.country_code"], "-");
});

test("add-geodata: Notice::lookup_location_types takes MODULE::Name values only", () => {
  assert.throws(() => new Engine({ settings: ["Notice::lookup_location_types={Geo}"] }), /MODULE::Name/);
});

test("add-geodata's columns: with -b, only when the script is loaded (the notice package names it, notice's main loaded through a protocol does not)", () => {
  const columns = (loads: string[]): string[] => {
    const engine = new Engine({ bare: true, loads });
    const scripts = loadBuiltinScripts(engine, { memory: true, stderr: null, bare: true, loads });
    scripts.notices.notice({ note: "Test::Geo", msg: "x" });
    scripts.close();
    const fields = scripts.logs
      .text("notice")
      .split("\n")
      .find((l) => l.startsWith("#fields\t"));
    assert.ok(fields?.includes("\tnote\t"), `notice.log written with ${loads.join(" ")}`);
    return fields!.split("\t").filter((f) => f.startsWith("remote_location."));
  };
  const geo = ["remote_location.country_code", "remote_location.region", "remote_location.city", "remote_location.latitude", "remote_location.longitude"];
  assert.deepEqual(columns(["base/frameworks/notice"]), geo);
  // http/entities loads notice/weird, which loads notice's main.zeek: Notice::Info without remote_location (Zeek's btest notice/file-info-no-conns).
  assert.deepEqual(columns(["base/protocols/http"]), []);
  assert.deepEqual(columns(["base/protocols/http", "base/frameworks/notice/actions/add-geodata"]), geo);
});
