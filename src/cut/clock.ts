/**
 * Broken-down time for bronze-cut: what gmtime_r/localtime_r give zeek-cut,
 * for whole seconds since the epoch, in UTC or in the local zone (TZ).
 *
 * The calendar arithmetic is our own so that times far beyond what a JS Date
 * holds (±8.64e12 s) still convert, as zeek-cut's do, up to the year glibc's
 * int tm_year can hold; past it the conversion fails ("out-of-range").
 */
import { civil, isLeap } from "./calendar.js";
import { systemZone } from "./tzfile.js";

/** struct tm, plus the zone's name and offset. */
export interface BrokenDown {
  year: number;
  /** 0–11 */
  month: number;
  /** 1–31 */
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Sunday */
  weekday: number;
  /** 0–365 */
  yearDay: number;
  /** Seconds east of UTC. */
  offset: number;
  zone: string;
  /** The seconds since the epoch this was made from (for %s). */
  epoch: bigint;
}

const DAY = 86400n;
/** The largest year glibc's struct tm holds (tm_year is an int counting from 1900). */
const MAX_YEAR = 2147483647 + 1900;
/** The last second a JS Date can hold; a zone's offset beyond it is the offset there. */
const DATE_LIMIT = 8.64e12;

const MONTH_START = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];

/** Breaks `epoch + offset` down; null when the year does not fit struct tm (glibc's EOVERFLOW). */
export function breakDown(epoch: bigint, offset: number, zone: string): BrokenDown | null {
  const local = epoch + BigInt(offset);
  const days = local >= 0n ? local / DAY : -((-local + DAY - 1n) / DAY);
  const secs = Number(local - days * DAY);
  const d = Number(days);
  const { year, month, day } = civil(d);
  if (year > MAX_YEAR) return null;
  const yearDay = MONTH_START[month]! + day - 1 + (month > 1 && isLeap(year) ? 1 : 0);
  const hour = Math.floor(secs / 3600);
  const minute = Math.floor((secs % 3600) / 60);
  return { year, month, day, hour, minute, second: secs % 60, weekday: (((d + 4) % 7) + 7) % 7, yearDay, offset, zone, epoch };
}

/** The local zone as the C library would take it from TZ. */
export interface Zone {
  /** Seconds east of UTC at `epoch`. */
  offsetAt(epoch: bigint): number;
  /** The zone's abbreviation (%Z) at `epoch`. */
  nameAt(epoch: bigint, offset: number): string;
}

/** The zone's offset from the JS Date, which follows TZ as the C library does (ICU reads POSIX TZ strings and zone names). */
function dateOffset(epoch: bigint): number {
  const s = Math.max(-DATE_LIMIT, Math.min(DATE_LIMIT, Number(epoch)));
  return -new Date(s * 1000).getTimezoneOffset() * 60;
}

/** The zone's short name from Intl; "GMT+1"-style answers (no abbreviation known) become glibc's numeric form. */
function intlName(epoch: bigint, offset: number): string {
  const s = Math.max(-DATE_LIMIT, Math.min(DATE_LIMIT, Number(epoch)));
  const part = new Intl.DateTimeFormat("en-US", { timeZoneName: "short" }).formatToParts(new Date(s * 1000)).find((p) => p.type === "timeZoneName");
  const name = part?.value ?? "";
  if (/^[A-Z]{2,5}$/.test(name) && name !== "GMT") return name;
  if (offset === 0) return "UTC";
  const a = Math.abs(offset);
  const hh = String(Math.floor(a / 3600)).padStart(2, "0");
  const mm = Math.floor((a % 3600) / 60);
  return `${offset < 0 ? "-" : "+"}${hh}${mm === 0 ? "" : String(mm).padStart(2, "0")}`;
}

/**
 * The local zone of this process's TZ: the zone file or POSIX rule glibc
 * would read; where there is neither (no zoneinfo on this system), the JS
 * Date's offset, which follows TZ too, and Intl's abbreviation.
 */
export function localZone(tz: string | undefined, env: NodeJS.ProcessEnv = {}): Zone {
  const rule = systemZone(tz, env);
  if (rule === null) return { offsetAt: dateOffset, nameAt: intlName };
  return { offsetAt: (epoch) => rule(epoch).offset, nameAt: (epoch) => rule(epoch).name };
}

/** UTC as gmtime_r gives it: glibc names it "GMT". */
export const UTC_ZONE: Zone = { offsetAt: () => 0, nameAt: () => "GMT" };
