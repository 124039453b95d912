/**
 * Zeek's GeoIP functions (src/mmdb.bif): lookup_location,
 * lookup_autonomous_system, mmdb_open_location_db and mmdb_open_asn_db, over
 * bronze's own MaxMind DB reader, and base/utils/geoip-distance's
 * haversine_distance_ip.
 *
 * Which files: the location database is mmdb_dir/mmdb_city_db, else
 * mmdb_dir/mmdb_country_db (when mmdb_dir is set), else the City database in
 * each of mmdb_dir_fallbacks, else the Country one in each; the ASN database
 * mmdb_dir/mmdb_asn_db, else in each fallback. Paths are the directory, "/"
 * and the name, as Zeek joins them. An explicit open names the file instead.
 *
 * What is read: a location's country.iso_code, subdivisions[0].iso_code
 * (region), city.names.en (English names only), location.latitude and
 * .longitude; an AS's autonomous_system_number and _organization. A Country
 * database has no city or location: those stay unset. So does every field
 * when no database opens or the address is not in it: the record is then
 * empty, never an exception.
 *
 * Messages (reporter info) are limited as Zeek limits them: 20 per 300
 * seconds of network time, all databases together.
 *
 * Nothing happens until the first lookup: a run whose scripts never look up
 * opens no file.
 */
import type { EngineSettings } from "../options.js";
import { parseAddress } from "../scripts/site.js";
import { GeoIpDatabase, type GeoIpReporter } from "./database.js";
import { haversineDistance } from "./distance.js";
import type { MaxMindDb } from "./mmdb.js";
import { MmdbError, type MmdbRecord, type MmdbValue } from "./mmdb.js";

export type { GeoIpReporter } from "./database.js";

/** Zeek's geo_location: every field optional. Strings are Zeek strings (the database's UTF-8 bytes, one character each). */
export interface GeoLocation {
  country_code?: string;
  region?: string;
  city?: string;
  latitude?: number;
  longitude?: number;
}

/** Zeek's geo_autonomous_system. */
export interface GeoAutonomousSystem {
  number?: number;
  organization?: string;
}

/** The settings GeoIP reads (init-bare.zeek's mmdb_* globals). */
export type GeoIpSettings = Pick<
  EngineSettings,
  "mmdb_dir" | "mmdb_city_db" | "mmdb_country_db" | "mmdb_asn_db" | "mmdb_dir_fallbacks" | "mmdb_stale_check_interval"
>;

/** What GeoIP needs from its engine. */
export interface GeoIpHost {
  readonly clock: { readonly now: number };
  readonly settings: GeoIpSettings;
}

const MESSAGE_LIMIT = 20;
const MESSAGE_SUPPRESSION = 300;

/** The paths tried for `names` in turn: in mmdb_dir (when set), then in each fallback directory. */
function candidatePaths(s: GeoIpSettings, names: readonly string[]): string[] {
  const inDir = s.mmdb_dir === "" ? [] : names.map((n) => `${s.mmdb_dir}/${n}`);
  return [...inDir, ...names.flatMap((n) => s.mmdb_dir_fallbacks.map((d) => `${d}/${n}`))];
}

export class GeoIp {
  /** Where messages go; nowhere until a reporter is attached (the CLI and the built-in scripts attach reporter.log). */
  reporter: GeoIpReporter | null = null;
  private messages = 0;
  private suppressedSince = 0;
  private readonly location: GeoIpDatabase;
  private readonly asn: GeoIpDatabase;

  constructor(private readonly host: GeoIpHost) {
    const context = {
      clock: host.clock,
      staleCheckInterval: () => host.settings.mmdb_stale_check_interval,
      info: (m: string) => this.info(m),
      error: (m: string) => this.reporter?.error(m),
    };
    const s = host.settings;
    this.location = new GeoIpDatabase("GeoIP location database", () => candidatePaths(s, [s.mmdb_city_db, s.mmdb_country_db]), context);
    this.asn = new GeoIpDatabase("GeoIP ASN database", () => candidatePaths(s, [s.mmdb_asn_db]), context);
  }

  /** Zeek's mmdb_open_location_db: opens `path` as the location database (closing the one open); false when it cannot. */
  openLocationDb(path: string): boolean {
    return this.location.openFile(path);
  }

  /** Zeek's mmdb_open_asn_db. */
  openAsnDb(path: string): boolean {
    return this.asn.openFile(path);
  }

  /** Zeek's lookup_location: where `addr` ("128.3.0.1", "2607:f140::1") is; fields the database lacks stay unset. */
  lookupLocation(addr: string): GeoLocation {
    const found = this.find(this.location, "lookup_location", addr);
    if (found === null) return {};
    const { db, record } = found;
    return {
      country_code: this.string(db, record, "country", "iso_code"),
      region: this.string(db, record, "subdivisions", "0", "iso_code"),
      city: this.string(db, record, "city", "names", "en"),
      latitude: this.number(db, record, "location", "latitude"),
      longitude: this.number(db, record, "location", "longitude"),
    };
  }

  /**
   * Zeek's haversine_distance_ip (base/utils/geoip-distance): the miles
   * between the locations of `a1` and `a2` (haversineDistance), or -1 when
   * either lacks a latitude or a longitude (not in the database, a Country
   * database, no database). Both addresses are looked up, whatever the first
   * gives, as Zeek's function does.
   */
  haversineDistanceIp(a1: string, a2: string): number {
    const l1 = this.lookupLocation(a1);
    const l2 = this.lookupLocation(a2);
    if (l1.latitude === undefined || l1.longitude === undefined || l2.latitude === undefined || l2.longitude === undefined) return -1;
    return haversineDistance(l1.latitude, l1.longitude, l2.latitude, l2.longitude);
  }

  /** Zeek's lookup_autonomous_system. */
  lookupAutonomousSystem(addr: string): GeoAutonomousSystem {
    const found = this.find(this.asn, "lookup_autonomous_system", addr);
    if (found === null) return {};
    const { db, record } = found;
    const n = this.value(db, record, "autonomous_system_number");
    return {
      number: typeof n === "number" && Number.isInteger(n) && n >= 0 ? n : undefined,
      organization: this.string(db, record, "autonomous_system_organization"),
    };
  }

  /** The database (opened as needed) and `addr`'s record in it, or null. */
  private find(database: GeoIpDatabase, fn: string, addr: string): { db: MaxMindDb; record: MmdbRecord } | null {
    const bytes = parseAddress(addr);
    if (bytes === null) return null;
    const db = database.ensureLoaded(`${fn}(${addr})`);
    const record = db === null ? null : database.lookup(db, bytes);
    return db === null || record === null ? null : { db, record };
  }

  /** The value at `path`; a corrupt record is reported ("MaxMind DB error [...]") and reads as absent. */
  private value(db: MaxMindDb, record: MmdbRecord, ...path: string[]): MmdbValue | undefined {
    try {
      return db.get(record, ...path);
    } catch (error) {
      if (!(error instanceof MmdbError)) throw error;
      this.info(`MaxMind DB error [${error.message}]`);
      return undefined;
    }
  }

  /** A string field as a Zeek string: its UTF-8 bytes, one character each (how bronze keeps strings off the wire). */
  private string(db: MaxMindDb, record: MmdbRecord, ...path: string[]): string | undefined {
    const v = this.value(db, record, ...path);
    return typeof v === "string" ? Buffer.from(v, "utf8").toString("latin1") : undefined;
  }

  /** A double field (a float or an integer in a hand-made database reads as its number too). */
  private number(db: MaxMindDb, record: MmdbRecord, ...path: string[]): number | undefined {
    const v = this.value(db, record, ...path);
    return typeof v === "number" ? v : undefined;
  }

  /** A reporter info, at most MESSAGE_LIMIT per MESSAGE_SUPPRESSION seconds of network time (Zeek's report_msg). */
  private info(message: string): void {
    const now = this.host.clock.now;
    if (now > this.suppressedSince + MESSAGE_SUPPRESSION) {
      this.messages = 0;
      this.suppressedSince = now;
    }
    if (this.messages >= MESSAGE_LIMIT) return;
    this.messages++;
    this.reporter?.info(message);
  }
}

/** Each engine's GeoIP state (Zeek's are process globals; bronze's are per engine, so two engines do not share files). */
const instances = new WeakMap<GeoIpHost, GeoIp>();

/**
 * The GeoIP functions of `host` (an Engine), made on first use; `reporter`
 * (reporter.log) receives their messages from then on.
 *
 * ```ts
 * const where = geoIp(engine).lookupLocation(c.id.resp_h);   // { country_code: "US", city: "Berkeley", … }
 * ```
 */
export function geoIp(host: GeoIpHost, reporter?: GeoIpReporter): GeoIp {
  let g = instances.get(host);
  if (g === undefined) instances.set(host, (g = new GeoIp(host)));
  if (reporter !== undefined) g.reporter = reporter;
  return g;
}
